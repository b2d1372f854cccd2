#!/usr/bin/env bash
# Packs what a GPU node without LLVM needs to run Sieve's GPU suite: the
# runtime's and the suite's sources with a CMake project that links no LLVM
# (tools/gpu-node), bundles compiled here ahead of time
# (tools/scripts/gpu-bundles.sh), and the libraries the host bundles need
# (libomp, the nlohmann/json headers). Builds `sieve` first if needed.
#   tools/scripts/gpu-pack.sh [OUT_DIR]      (default: build/gpu-pack)
# On the node:  tar xzf sieve-gpu-pack.tar.gz && sieve-gpu-pack/run.sh
# (builds with CMake against the CUDA toolkit's node, runs the suite; add
#  --sanitize to run it under compute-sanitizer memcheck and racecheck;
#  run.sh --bench [ARGS] runs sieve-gpu-ffn-bench instead, writing
#  ffn-bench.json beside run.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/build/gpu-pack}
limit=$((64 * 1024 * 1024))

[[ -x "$root/build/bin/sieve" ]] || "$root/tools/scripts/build.sh"
stage="$out/sieve-gpu-pack"
rm -rf "$stage" && mkdir -p "$stage"

# Sources: the runtime, the suite, the node's CMake project.
(cd "$root" && git ls-files runtime models/lm/Device models/lm/Cuda test/gpu tools/gpu-node \
  benchmarks/gpu |
  tar cf - -T -) | tar xf - -C "$stage"
"$root/tools/scripts/gpu-bundles.sh" "$stage/gpu-bundles"
# The sigma-MoE block of benchmarks/models for timing (sieve-gpu-block-timing).
for precision in f32 tf32 bf16; do
  "$root/build/bin/sieve" compile "$root/benchmarks/models/sigma-moe-1024.yaml" \
    --target sm_90a --gpu-precision "$precision" \
    --cache-dir "${SIEVE_CACHE_DIR:-$root/build/cache}" \
    -o "$stage/timing-bundles/sigma-moe-1024-sm_90a-$precision" >/dev/null
done
# sieve-gpu-ffn-bench's σ-MoE and gather-sum bundles.
"$root/benchmarks/gpu/bundles.sh" "$stage/ffn-bench-bundles" "$root/build/bin"
"$root/tools/scripts/gpu-third-party.sh" "$stage/third-party"

cat > "$stage/run.sh" <<'RUN'
#!/usr/bin/env bash
# Builds the runtime and the GPU suite (no LLVM) and runs the suite on the
# bundles packed beside this script, then GPU training's operations and
# attention against their host backend (sieve-gpu-lm-tests). --sanitize: under compute-sanitizer
# memcheck and racecheck too. --bench [ARGS]: sieve-gpu-ffn-bench on its
# bundles instead (σ-MoE against cuBLAS, the PKM gather-sum), its JSON in
# ffn-bench.json.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmake -S "$here/tools/gpu-node" -B "$here/build" -DCMAKE_BUILD_TYPE=Release \
  -DSIEVE_SOURCE_DIR="$here" -DSIEVE_JSON_INCLUDE_DIR="$here/third-party/include" \
  -DSIEVE_GPU_BUNDLES="$here/gpu-bundles" >/dev/null
cmake --build "$here/build" -j "$(nproc)" >/dev/null
export LD_LIBRARY_PATH="$here/third-party/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [[ ${1:-} == --bench ]]; then
  shift
  exec "$here/build/bin/sieve-gpu-ffn-bench" "$here/ffn-bench-bundles" \
    --json "$here/ffn-bench.json" "$@"
fi
suite=("$here/build/bin/sieve-gpu-tests" "$here/gpu-bundles")
lm=("$here/build/bin/sieve-gpu-lm-tests" "$here/gpu-bundles/.nvrtc-cache")
status=0
"${suite[@]}" || status=$?
"${lm[@]}" || status=$?
if [[ ${1:-} == --sanitize && $status == 0 ]]; then
  for tool in memcheck racecheck; do
    echo "== compute-sanitizer --tool $tool =="
    compute-sanitizer --tool "$tool" --error-exitcode 3 "${suite[@]}" \
      > "$here/sanitizer-$tool.log" 2>&1 || status=$?
    tail -n 3 "$here/sanitizer-$tool.log"
    compute-sanitizer --tool "$tool" --error-exitcode 3 "${lm[@]}" \
      > "$here/sanitizer-$tool-lm.log" 2>&1 || status=$?
    tail -n 3 "$here/sanitizer-$tool-lm.log"
  done
fi
exit "$status"
RUN
chmod +x "$stage/run.sh"

tarball="$out/sieve-gpu-pack.tar.gz"
tar czf "$tarball" -C "$out" sieve-gpu-pack
size=$(stat -c %s "$tarball")
echo "gpu-pack: $tarball, $((size / 1024)) KiB (limit 64 MiB)"
if (( size > limit )); then
  echo "gpu-pack: error: the pack is over 64 MiB" >&2
  exit 1
fi
