#!/usr/bin/env bash
# The project's main job at this stage: take the example module holding every
# layer op of the two papers through every stage of the compiler, printing
# what each stage produced.
# Usage: tools/scripts/main.sh [module.mlir]   (default: models/examples/every-layer.mlir)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

"$root/tools/scripts/setup-deps.sh"
"$root/tools/scripts/build.sh" sieve sieve-opt >&2
"$root/build/bin/sieve" stages "${1:-$root/models/examples/every-layer.mlir}"
