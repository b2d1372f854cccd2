#!/usr/bin/env bash
# Compiles sieve-gpu-ffn-bench's bundles for sm_90a ahead of time (a GPU
# node has no LLVM): one per σ-MoE configuration of the bench's plan
# (`sieve-gpu-ffn-bench --plan`: name, tensor dtype, --gpu-precision), each
# with three tile variants for the bench to tune among, and the PKM
# gather-sum (pkm-gather-sum.mlir). Needs a built tree
# (tools/scripts/build.sh); no GPU.
#   benchmarks/gpu/bundles.sh OUT [BUILD_BIN]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: bundles.sh OUT [BUILD_BIN]}
bin=${2:-$root/build/bin}
cache=${SIEVE_CACHE_DIR:-$root/build/cache}
mkdir -p "$out"
models=$(mktemp -d)
trap 'rm -rf "$models"' EXIT

# bf16 tensors: warpgroup MMA tiles (128x128 in one stage, 64x256 in three
# with split-K 2, 128x128 in four); f32 tensors (exact or tf32): mma.sync
# tiles (the default, a 2-stage k-32 ring, 64x128 in three stages with
# split-K 4).
tiles_bf16=2x2x16x1x1,1x4x16x3x2,2x2x16x4x1
tiles_f32=2x2x16x1x1,2x2x32x2x1,2x4x16x3x4
"$bin/sieve-gpu-ffn-bench" --plan | while read -r name dtype precision; do
  "$bin/sieve-gpu-ffn-bench" --model-yaml "$name" > "$models/$name.yaml"
  tiles=$tiles_f32
  [[ $dtype == bf16 ]] && tiles=$tiles_bf16
  "$bin/sieve" compile "$models/$name.yaml" --target sm_90a \
    --tensor-dtype "$dtype" --gpu-precision "$precision" --gpu-tiles "$tiles" \
    --cache-dir "$cache" -o "$out/$name" >/dev/null
done
"$bin/sieve" compile "$root/benchmarks/gpu/pkm-gather-sum.mlir" \
  --target sm_90a --cache-dir "$cache" -o "$out/gather-sum" >/dev/null
echo "ffn-bench bundles: $(ls "$out" | wc -l) in $out"
