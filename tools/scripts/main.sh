#!/usr/bin/env bash
# The project's main job: train a small σ-MoE language model and its
# parameter-equal dense baseline on the default corpus (GCIDE, from Debian's
# dict-gcide) on the CPU, then a small Mixture of Word Experts model and its
# dense and σ-MoE counterparts of equal active FLOPs; evaluate each with the
# longer evaluation memory, analyse them (expert usage, co-occurrence,
# active channels, MoWE expert deactivation, training curves) and print
# them side by side.
#
# Usage: tools/scripts/main.sh
#   runs/main/<model>/   each run: metrics.jsonl, checkpoints, eval.json
#   runs/main/plots/     the plots (and their CSV files)
# SIEVE_EVAL_SEGMENTS (default 128: the first 128 x 16 x 64 = 131072
# characters of each split; 0: the whole splits) bounds the evaluation.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
segments="${SIEVE_EVAL_SEGMENTS:-128}"
runs="$root/runs/main"
plots="$runs/plots"
models=(small/sigma-moe small/dense mowe/small mowe/small-dense
  mowe/small-sigma-moe)

"$root/tools/scripts/setup-deps.sh"
"$root/tools/scripts/build.sh" sieve >&2
sieve="$root/build/bin/sieve"
start=$(date +%s)
mkdir -p "$plots"

for model in "${models[@]}"; do
  yaml="$root/models/$model.yaml"
  name=${model//\//-}
  echo "== $name: sieve params =="
  "$sieve" params "$yaml"
  echo "== $name: sieve train (run $runs/$name) =="
  "$sieve" train "$yaml" --out "$runs/$name"
  echo "== $name: sieve eval =="
  "$sieve" eval "$yaml" --run "$runs/$name" --max-segments "$segments"
  echo "== $name: sieve analyze =="
  "$sieve" analyze "$yaml" --run "$runs/$name" --out "$plots/$name"
done

/usr/bin/python3 "$root/tools/analysis/sieve_plots.py" compare \
  "$plots/training-curves.png" \
  "σ-MoE=$plots/small-sigma-moe/training_curve.csv" \
  "dense=$plots/small-dense/training_curve.csv"

echo
echo "== side by side (GCIDE; evaluation memory 256) =="
/usr/bin/python3 - "$runs" "${models[@]}" <<'PY'
import json, sys
runs, models = sys.argv[1], sys.argv[2:]
rows = []
for model in models:
    name = model.replace("/", "-")
    train = json.load(open(f"{runs}/{name}/train.json"))
    evaluation = json.load(open(f"{runs}/{name}/eval.json"))
    rows.append([train["model"], f"{train['parameters']:,}",
                 f"{100 * train['ffn_flop_share']:.1f}%",
                 f"{evaluation['valid']['bits_per_token']:.3f}",
                 f"{evaluation['test']['bits_per_token']:.3f}",
                 f"{train['tokens_per_s']:.0f}", f"{train['seconds']:.0f} s"])
header = ["model", "parameters", "FFN FLOPs", "valid bpc", "test bpc",
          "train tokens/s", "train time"]
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
for i, row in enumerate([header] + rows):
    if i == 3:
        print("MoWE and its counterparts of equal active FLOPs:")
    print("  ".join(str(c).rjust(w) for c, w in zip(row, widths)))
mowe = json.load(open(f"{runs}/mowe-small/train.json"))
print(f"(MoWE: mean active expert width {mowe['mowe_mean_active_width']:.1f}; "
      f"routing {mowe['routing_tokens_per_s'] / 1e6:.1f} M tokens/s, "
      f"{mowe['routing_seconds']:.2f} s for the corpus before training)")
tokens = json.load(open(f"{runs}/{models[0].replace('/', '-')}/eval.json"))["valid"]["tokens"]
print(f"(bpc over the first {tokens} characters of each split; FFN FLOPs: "
      "the feed-forward blocks' share of a forward pass)")
PY
echo "plots: $plots (training-curves.png; per model: expert_usage, expert_cooccurrence or active_channels, training_curve)"
echo "main job: $(( $(date +%s) - start )) s after the build"
