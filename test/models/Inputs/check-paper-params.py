"""Compares `sieve params` of the paper's configurations with the parameter
counts the σ-MoE paper reports (Tab. 3, 4, 8, 9), within 1 %.

Usage: check-paper-params.py SIEVE MODELS_DIR
"""
import pathlib
import re
import subprocess
import sys

PAPER = {  # millions, as the paper rounds them
    "wt-s-dense": 47, "wt-s-sigma-moe": 47,
    "wt-s-star-dense": 238, "wt-s-star-sigma-moe": 237,
    "wt-b-dense": 262, "wt-b-sigma-moe": 262,
    "e8-dense": 41, "e8-sigma-moe": 41,
}
sieve, models = sys.argv[1], pathlib.Path(sys.argv[2])
failures = 0
for name, millions in PAPER.items():
    out = subprocess.run([sieve, "params", str(models / f"{name}.yaml")],
                         capture_output=True, text=True, check=True).stdout
    ours = int(re.search(r": (\d+) parameters", out).group(1))
    error = abs(ours / 1e6 - millions) / millions
    failures += error > 0.01
    print(f"{'ok' if error <= 0.01 else 'FAIL'}: {name}: {ours / 1e6:.2f}M "
          f"(paper {millions}M)")
print(f"check-paper-params: {failures} mismatches")
sys.exit(1 if failures else 0)
