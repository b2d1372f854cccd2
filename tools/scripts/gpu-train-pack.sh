#!/usr/bin/env bash
# Packs GPU training for a node without LLVM (issue 6's GPU measurements):
# sieve-gpu-train's sources and the libraries it links (no LLVM, MLIR or
# GoogleTest), the E8 sigma-MoE and E8 dense models' kernels compiled here
# for sm_90a on bf16 tensors, a 16 MB slice of GCIDE as their corpus, and
# the first steps' losses of the same models trained here on the CPU in
# f32 (the reference the node's bf16 losses are compared with).
#   tools/scripts/gpu-train-pack.sh [OUT_DIR] [STEPS] [REFERENCE_STEPS]
#       (defaults: build/gpu-train-pack, 20, 3; the reference takes 1-2 min
#        a step on a 2-core VM)
# The reference runs the first REFERENCE_STEPS of a STEPS-step schedule
# (--stop-after), so its learning rates are the GPU run's.
# On the node:  tar xzf sieve-gpu-train-pack.tar.gz && sieve-gpu-train-pack/run.sh
# which builds, runs the LM kernel checks, trains both models for STEPS
# steps and writes train-results.json (tokens/s side by side, the first
# steps' losses against the reference).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/build/gpu-train-pack}
steps=${2:-20}
reference_steps=${3:-3}
limit=$((64 * 1024 * 1024))
sieve="$root/build/bin/sieve"
cache="${SIEVE_CACHE_DIR:-$root/build/cache}"

[[ -x "$sieve" ]] || "$root/tools/scripts/build.sh"
stage="$out/sieve-gpu-train-pack"
rm -rf "$stage" && mkdir -p "$stage/models" "$stage/kernels" "$stage/reference"

(cd "$root" && git ls-files runtime frontends/ModelDescription models/lm \
  tools/gpu-node tools/gpu-train test/gpu benchmarks/gpu \
  tools/scripts/compare-gpu-training.py | tar cf - -T -) | tar xf - -C "$stage"
"$root/tools/scripts/gpu-third-party.sh" "$stage/third-party" --trainer
# (zcat stops on a closed pipe once head has its bytes: checked by size.)
slice=$((16 * 1024 * 1024))
{ zcat /usr/share/dictd/gcide.dict.dz || true; } | head -c "$slice" |
  gzip > "$stage/models/gcide-16M.txt.gz"
if [[ $(zcat "$stage/models/gcide-16M.txt.gz" | wc -c) != "$slice" ]]; then
  echo "gpu-train-pack: cannot read 16 MB of /usr/share/dictd/gcide.dict.dz" >&2
  exit 1
fi

for name in e8-sigma-moe e8-dense; do
  # The paper's description (GCIDE by default) with the packed slice.
  if grep -q '^data:' "$root/models/paper/$name.yaml"; then
    echo "gpu-train-pack: $name.yaml names its data; pack that instead" >&2
    exit 1
  fi
  { cat "$root/models/paper/$name.yaml"
    printf 'data:\n  corpus: gcide-16M.txt.gz\n'; } > "$stage/models/$name.yaml"
  "$sieve" compile "$stage/models/$name.yaml" --target sm_90a \
    --tensor-dtype bf16 --gpu-precision bf16 --cache-dir "$cache" \
    -o "$stage/kernels/$name" >/dev/null
  rm -rf "$out/reference-runs/$name"
  "$sieve" train "$stage/models/$name.yaml" --steps "$steps" \
    --stop-after "$reference_steps" --cache-dir "$cache" \
    --out "$out/reference-runs/$name" >/dev/null 2>&1
  cp "$out/reference-runs/$name/metrics.jsonl" "$stage/reference/$name.jsonl"
done

echo "$steps" > "$stage/steps"

cat > "$stage/run.sh" <<'RUN'
#!/usr/bin/env bash
# Builds sieve-gpu-train (no LLVM) and the LM kernel checks, runs the
# checks, trains E8 sigma-MoE and E8 dense on the GPU for the packed
# number of steps (the reference's schedule) and compares:
# train-results.json beside this script.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
steps=$(cat "$here/steps")
cmake -S "$here/tools/gpu-node" -B "$here/build" -DCMAKE_BUILD_TYPE=Release \
  -DSIEVE_SOURCE_DIR="$here" -DSIEVE_GPU_NODE_TRAINER=ON \
  -DSIEVE_THIRD_PARTY_DIR="$here/third-party" \
  -DSIEVE_JSON_INCLUDE_DIR="$here/third-party/include" >/dev/null
cmake --build "$here/build" -j "$(nproc)" \
  --target sieve-gpu-train sieve-gpu-lm-tests >/dev/null
export LD_LIBRARY_PATH="$here/third-party/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$here/build/bin/sieve-gpu-lm-tests" "$here/nvrtc-cache"
for name in e8-sigma-moe e8-dense; do
  "$here/build/bin/sieve-gpu-train" "$here/models/$name.yaml" \
    "$here/kernels/$name" --out "$here/runs/$name" --steps "$steps"
done
python3 "$here/tools/scripts/compare-gpu-training.py" "$here" \
  > "$here/train-results.json"
cat "$here/train-results.json"
RUN
chmod +x "$stage/run.sh"

tarball="$out/sieve-gpu-train-pack.tar.gz"
tar czf "$tarball" -C "$out" sieve-gpu-train-pack
size=$(stat -c %s "$tarball")
echo "gpu-train-pack: $tarball ($((size / 1024)) KiB)"
if ((size > limit)); then
  echo "gpu-train-pack: over the 64 MiB a device call carries" >&2
  exit 1
fi
