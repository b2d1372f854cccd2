#!/usr/bin/env bash
# The project's main job at this stage: compile a model description's
# feed-forward kernels (forward, training forward and derived backward of
# every distinct block) for this CPU, showing what each compiler stage
# produced, and list the bundle's kernels. A second run is a cache hit.
# Usage: tools/scripts/main.sh [MODEL.yaml | module.mlir]
#        (default: models/paper/e8-sigma-moe.yaml; the bundle goes to out/<name>)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
model="${1:-$root/models/paper/e8-sigma-moe.yaml}"
name=$(basename "${model%.*}")

"$root/tools/scripts/setup-deps.sh"
"$root/tools/scripts/build.sh" sieve sieve-opt >&2
echo "== the compiler's stages for $model (op census per stage) =="
"$root/build/bin/sieve" stages "$model" --census-only
echo "== sieve compile $model --target host -o out/$name =="
"$root/build/bin/sieve" compile "$model" --target host -o "$root/out/$name"
python3 - "$root/out/$name/manifest.json" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
cpu = manifest["target"]["description"].split(" features")[0]
print(f"{len(manifest['functions'])} kernels in {sys.argv[1].rsplit('/', 1)[0]} ({cpu}):")
for function in manifest["functions"]:
    args = ", ".join(
        f"{a['name']} {a['dtype']}" + (f"[{'x'.join(map(str, a['shape']))}]"
                                      if "shape" in a else "")
        for a in function["arguments"] if a["kind"] != "output")
    outs = ", ".join(a["name"] for a in function["arguments"] if a["kind"] == "output")
    print(f"  {function['name']}({args}) -> {outs}")
PY
