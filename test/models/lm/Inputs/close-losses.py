"""close-losses.py A B TOLERANCE [--must-differ]: compares the per-step
losses of two metrics.jsonl files to a relative tolerance and prints the
largest difference; --must-differ also fails on an identical loss (a
mixed-precision run that did not round)."""
import json
import sys

first, second = ([json.loads(line) for line in open(path)]
                 for path in sys.argv[1:3])
tolerance = float(sys.argv[3])
must_differ = "--must-differ" in sys.argv[4:]
if [m["step"] for m in first] != [m["step"] for m in second]:
    sys.exit("the runs have different steps")
worst = 0.0
for a, b in zip(first, second):
    difference = abs(a["loss"] - b["loss"]) / abs(a["loss"])
    if difference > tolerance:
        sys.exit(f"step {a['step']}: loss {a['loss']} vs {b['loss']}: "
                 f"{difference:.2%} apart, more than {tolerance:.2%}")
    if must_differ and a["loss"] == b["loss"]:
        sys.exit(f"step {a['step']}: identical losses {a['loss']}: the "
                 "second run did not round")
    worst = max(worst, difference)
print(f"{len(first)} steps, losses within {tolerance:.2%} "
      f"(largest difference {worst:.3%})")
