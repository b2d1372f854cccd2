"""Compares the per-step losses of two metrics.jsonl files exactly."""
import json
import sys

runs = [[json.loads(line) for line in open(path)] for path in sys.argv[1:3]]
first, second = runs
steps = [m["step"] for m in first]
if steps != [m["step"] for m in second]:
    sys.exit(f"different steps: {steps} vs {[m['step'] for m in second]}")
for a, b in zip(first, second):
    if (a["loss"], a["grad_norm"]) != (b["loss"], b["grad_norm"]):
        sys.exit(f"step {a['step']}: loss {a['loss']} vs {b['loss']}, "
                 f"grad norm {a['grad_norm']} vs {b['grad_norm']}")
print(f"{len(steps)} steps, identical losses")
