#!/usr/bin/env bash
# Compiles the GPU suite's bundles ahead of time: for each model of the suite,
# OUT/<model>/host (host code for any x86-64-v3 CPU, the reference backend)
# and OUT/<model>/sm_80, OUT/<model>/sm_90a (PTX). Needs a built `sieve`
# (tools/scripts/build.sh); no GPU.
#   tools/scripts/gpu-bundles.sh OUT [SIEVE]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: gpu-bundles.sh OUT [SIEVE]}
sieve=${2:-$root/build/bin/sieve}
cache=${SIEVE_CACHE_DIR:-$root/build/cache}

# One model per feed-forward variant: every primitive, forward and backward.
models="dense topk pkm-value-count-relu pkm-value-count-softmax sigma-moe
        switch-k1-g64 sbase-k2-g64 softmax-renorm standard-dropout"
for model in $models; do
  for target in host sm_80 sm_90a; do
    cpu=()
    [[ $target == host ]] && cpu=(--host-cpu x86-64-v3)
    "$sieve" compile "$root/models/small/$model.yaml" --target "$target" \
      "${cpu[@]}" --cache-dir "$cache" -o "$out/$model/$target" >/dev/null
  done
done
echo "gpu-bundles: $(ls "$out" | wc -l) models x {host, sm_80, sm_90a} in $out"
