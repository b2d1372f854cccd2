#!/usr/bin/env bash
# Configures (once) and builds Sieve in build/ with Ninja, warnings as errors.
# Usage: tools/scripts/build.sh [ninja targets...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$root/build"

# Re-running the configure step is cheap and keeps the options enforced.
# Show Sieve's own configure lines (LLVM/MLIR, CUDA toolkit); all on failure.
mkdir -p "$build"
if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSIEVE_WERROR=ON >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2
  echo "build: error: configuring failed (log: $build/configure.log)" >&2
  exit 1
fi
grep -- '-- Sieve:' "$build/configure.log" || true
start=$(date +%s)
cmake --build "$build" --parallel "$(nproc)" ${1:+--target "$@"}
echo "build: done in $(( $(date +%s) - start )) s"
