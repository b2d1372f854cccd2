"""compare-gpu-training.py PACK: the GPU training pack's results as JSON:
each model's tokens/s on the GPU (its train.json), the sigma-MoE to dense
ratio, and its first steps' losses against the CPU f32 reference (bf16
mixed precision is expected within 1 %). Exits 1 when a loss is further
off or a run is missing."""
import json
import pathlib
import sys

pack = pathlib.Path(sys.argv[1])
results, ok = {"models": {}}, True
for name in ("e8-sigma-moe", "e8-dense"):
    run = pack / "runs" / name
    train = json.loads((run / "train.json").read_text())
    gpu = [json.loads(l) for l in (run / "metrics.jsonl").read_text().split("\n") if l]
    cpu = [json.loads(l) for l in (pack / "reference" / f"{name}.jsonl").read_text().split("\n") if l]
    losses = []
    for a, b in zip(cpu, gpu):
        difference = abs(a["loss"] - b["loss"]) / abs(a["loss"])
        losses.append({"step": a["step"], "cpu_f32": a["loss"],
                       "gpu": b["loss"], "relative_difference": difference})
        ok = ok and difference <= 0.01
    results["models"][name] = {"tokens_per_s": train["tokens_per_s"],
                               "steps": train["steps"],
                               "precision": train["precision"],
                               "first_losses": losses}
models = results["models"]
results["sigma_moe_over_dense_tokens_per_s"] = (
    models["e8-sigma-moe"]["tokens_per_s"] / models["e8-dense"]["tokens_per_s"])
results["losses_within_1_percent"] = ok
print(json.dumps(results, indent=2))
sys.exit(0 if ok else 1)
