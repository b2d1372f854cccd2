"""Trains every small model description for a few steps and checks that
its loss is finite and decreasing.

Usage: train-variants.py SIEVE MODELS_DIR WORK_DIR STEPS
"""
import json
import math
import pathlib
import subprocess
import sys

sieve, models, work, steps = sys.argv[1], pathlib.Path(sys.argv[2]), \
    pathlib.Path(sys.argv[3]), sys.argv[4]
failures = 0
variants = sorted(models.glob("*.yaml"))
for model in variants:
    run = work / model.stem
    result = subprocess.run(
        [sieve, "train", str(model), "--out", str(run), "--steps", steps,
         "--cache-dir", str(work / "cache")],
        capture_output=True, text=True)
    if result.returncode != 0:
        print(f"FAIL: {model.stem}: sieve train exited {result.returncode}:\n"
              f"{result.stderr}", file=sys.stderr)
        failures += 1
        continue
    losses = [json.loads(line)["loss"]
              for line in (run / "metrics.jsonl").read_text().splitlines()]
    ok = all(math.isfinite(x) for x in losses) and losses[-1] < losses[0]
    failures += not ok
    print(f"{'ok' if ok else 'FAIL'}: {model.stem}: loss {losses[0]:.3f} -> "
          f"{losses[-1]:.3f} in {len(losses)} steps")
print(f"train-variants: {len(variants)} variants, {failures} failures")
sys.exit(1 if failures else 0)
