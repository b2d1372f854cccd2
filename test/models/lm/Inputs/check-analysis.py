"""Checks the consistency of `sieve analyze`'s CSV files and that its PNG
files are PNG images.

  check-analysis.py DIR moe TOKENS K   expert usage, co-occurrence, dead experts
  check-analysis.py DIR dense TOKENS   active channels of u
Both also check training_curve.csv against the run's metrics.jsonl (DIR/..).
"""
import csv
import json
import os
import sys
from collections import defaultdict


def rows(name):
    with open(os.path.join(directory, name), newline="") as f:
        return list(csv.DictReader(f))


def png(name):
    with open(os.path.join(directory, name), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"


directory, kind, tokens = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "moe":
    k = int(sys.argv[4])
    usage = defaultdict(dict)
    for r in rows("expert_usage.csv"):
        usage[int(r["layer"])][int(r["expert"])] = int(r["selections"])
    pairs = defaultdict(dict)
    for r in rows("expert_cooccurrence.csv"):
        pairs[int(r["layer"])][int(r["expert_a"]), int(r["expert_b"])] = int(r["tokens"])
    dead = {int(r["layer"]): r for r in rows("dead_experts.csv")}
    for layer, counts in usage.items():
        # Every token selects K distinct experts.
        assert sum(counts.values()) == tokens * k, (layer, sum(counts.values()))
        # Sorted by popularity.
        ranked = [int(r["selections"]) for r in rows("expert_usage.csv")
                  if int(r["layer"]) == layer]
        assert ranked == sorted(ranked, reverse=True), ranked
        for (a, b), both in pairs[layer].items():
            assert both == pairs[layer][b, a], "co-occurrence is not symmetric"
            assert both <= min(counts[a], counts[b])
            if a == b:
                assert both == counts[a], "the diagonal is not the usage"
        # Each selection of a co-occurs with K-1 other selections.
        for a in counts:
            assert sum(pairs[layer][a, b] for b in counts) == k * counts[a]
        never = sorted(e for e, n in counts.items() if n == 0)
        listed = [int(e) for e in dead[layer]["dead_experts"].split()]
        assert listed == never and int(dead[layer]["dead"]) == len(never)
        print(f"layer {layer}: {len(counts)} experts, {tokens * k} selections, "
              f"{len(never)} dead: consistent")
    png("expert_usage.png")
    png("expert_cooccurrence.png")
else:
    totals = defaultdict(int)
    for r in rows("active_channels.csv"):
        assert 0 <= int(r["active_channels"]) <= int(r["channels"])
        totals[int(r["layer"])] += int(r["tokens"])
    for layer, total in sorted(totals.items()):
        assert total == tokens, (layer, total)
        print(f"layer {layer}: {total} tokens counted: consistent")
    png("active_channels.png")

metrics = [json.loads(line)
           for line in open(os.path.join(directory, "..", "metrics.jsonl"))]
curve = rows("training_curve.csv")
assert [float(r["loss"]) for r in curve] == [m["loss"] for m in metrics]
png("training_curve.png")
print(f"training curve: {len(curve)} steps, as in metrics.jsonl")
