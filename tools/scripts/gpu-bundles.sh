#!/usr/bin/env bash
# Compiles the GPU suite's bundles ahead of time: for each model of the suite,
# OUT/<model>/host (host code for any x86-64-v3 CPU, the reference backend),
# OUT/<model>/sm_80 and OUT/<model>/sm_90a (PTX, CVMM in exact f32) and
# OUT/<model>/<target>-tf32, -bf16, -f16 (CVMM on the tensor cores) and
# OUT/<model>/sm_90a-cub (dispatch by the runtime's CUB sort). Needs a
# built `sieve` (tools/scripts/build.sh); no GPU.
#   tools/scripts/gpu-bundles.sh OUT [SIEVE]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: gpu-bundles.sh OUT [SIEVE]}
sieve=${2:-$root/build/bin/sieve}
cache=${SIEVE_CACHE_DIR:-$root/build/cache}

# One model per feed-forward variant: every primitive, forward and backward
# (models/small/<name>.yaml; the MoWE model is models/mowe/small.yaml), and
# σ-MoE with its tensors in bf16 (models/examples/sigma-moe-bf16.mlir: on
# sm_90a the warpgroup MMA with weights read by TMA).
models="dense topk pkm-value-count-relu pkm-value-count-softmax sigma-moe
        switch-k1-g64 sbase-k2-g64 softmax-renorm standard-dropout mowe-small
        sigma-moe-bf16"
description() {
  case $1 in
  mowe-small) echo "$root/models/mowe/small.yaml" ;;
  sigma-moe-bf16) echo "$root/models/examples/sigma-moe-bf16.mlir" ;;
  *) echo "$root/models/small/$1.yaml" ;;
  esac
}
all_variants="host sm_80 sm_90a sm_80-tf32 sm_90a-tf32 sm_80-bf16 sm_90a-bf16
              sm_90a-f16 sm_90a-cub"
for model in $models; do
  variants=$all_variants
  # bf16 tensors: the warpgroup MMA kernels (sm_90a: 128 x 128 tiles in one
  # stage, 64 x 256 in three with split-K 2, 128 x 128 in four) and the
  # mma.sync tiles (sm_80, one variant: the pack must stay under 64 MiB).
  [[ $model == sigma-moe-bf16 ]] && variants="host sm_80-bf16 sm_90a"
  for variant in $variants; do
    options=(--target "${variant%-*}")
    [[ $model == sigma-moe-bf16 && $variant == sm_80-bf16 ]] &&
      options+=(--gpu-tiles 2x2x16x1x1)
    [[ $model == sigma-moe-bf16 && $variant == sm_90a ]] &&
      options+=(--gpu-tiles 2x2x16x1x1,1x4x16x3x2,2x2x16x4x1)
    [[ $variant == host ]] && options=(--target host --host-cpu x86-64-v3)
    [[ $variant == *-*16 || $variant == *-tf32 ]] &&
      options+=(--gpu-precision "${variant##*-}")
    # The routed pairs sorted by the runtime's CUB kernels, one tile variant.
    [[ $variant == *-cub ]] &&
      options+=(--gpu-dispatch cub --gpu-tiles 2x2x16x1x1)
    "$sieve" compile "$(description "$model")" "${options[@]}" \
      --cache-dir "$cache" -o "$out/$model/$variant" >/dev/null
  done
done
echo "gpu-bundles: $(ls "$out" | wc -l) models x {host and up to 8 GPU variants} in $out"
