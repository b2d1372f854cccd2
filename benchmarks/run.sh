#!/usr/bin/env bash
# The benchmarks, in one command: builds Sieve, then measures
#   - CVMM against OpenBLAS sgemm, and the σ-MoE layer's forward + backward
#     against the parameter-equal dense MLP (Sieve's and OpenBLAS's), each
#     pair interleaved in one process (sieve-bench);
#   - the σ-MoE layer against PyTorch eager, alternating the two programs
#     for three rounds;
#   - what the σ-MoE block and the parameter-equal dense MLP save for the
#     backward at 32768 tokens, d_model 1024 (from the compiled manifests);
# and writes benchmarks/results/*.json and the table in README.md.
#
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE hold OpenBLAS (and PyTorch through
# it) to slower kernels; they are unset for this command only, and the
# OpenBLAS core that ran is recorded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/scripts/setup-deps.sh"
"$root/tools/scripts/build.sh"

results="$root/benchmarks/results"
mkdir -p "$results"
bench="$root/build/bin/sieve-bench"
cache="$root/build/benchmarks/cache"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
# sieve-bench writes its bundles under the working directory.
mkdir -p "$root/build/benchmarks" && cd "$root/build/benchmarks"

echo "== sieve-bench: CVMM vs sgemm, σ-MoE vs dense =="
"$bench" --reps 7 --cache-dir "$cache" --json "$results/sieve-bench.json"

echo "== σ-MoE: Sieve vs PyTorch eager, alternating =="
for round in 1 2 3; do
  "$bench" --moe-only --reps 3 --cache-dir "$cache" \
    --json "$results/sieve-moe-$round.json"
  /usr/bin/python3 "$root/benchmarks/pytorch_sigma_moe.py" --reps 3 \
    --json "$results/pytorch-moe-$round.json"
done

echo "== memory: what the σ-MoE and the dense MLP save for the backward =="
python3 "$root/benchmarks/saved_memory.py" "$root/build/bin/sieve" "$cache" \
  "$root/build/benchmarks/saved-memory" --json "$results/saved-memory.json"

python3 "$root/benchmarks/report.py" "$results" "$root/README.md"
