"""Summarises benchmarks/results/*.json into summary.json and the README's
table (between the `benchmarks:begin` / `benchmarks:end` markers).

Usage: report.py RESULTS_DIR README
"""

import json
import pathlib
import platform
import statistics
import sys

TARGETS = {
    "cvmm": 0.7,         # CVMM FLOP rate / OpenBLAS sgemm FLOP rate, at least
    "moe_vs_dense": 0.4,  # σ-MoE fwd+bwd time / dense MLP time, at most
    "moe_vs_torch": 3.0,  # PyTorch eager time / σ-MoE time, at least
}


def load(path):
    return json.loads(path.read_text())


def cpu_model():
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    results = pathlib.Path(sys.argv[1])
    readme = pathlib.Path(sys.argv[2])
    bench = load(results / "sieve-bench.json")
    sieve_moe = [load(p)["sigma_moe_fwd_bwd_s"]
                 for p in sorted(results.glob("sieve-moe-*.json"))]
    torch_runs = [load(p) for p in sorted(results.glob("pytorch-moe-*.json"))]
    torch_moe = [run["sigma_moe_fwd_bwd_s"] for run in torch_runs]
    cvmm, layer = bench["cvmm"], bench["layer"]

    summary = {
        "machine": f"{cpu_model()}, {len(__import__('os').sched_getaffinity(0))} cores",
        "openblas": bench["openblas"],
        "torch": torch_runs[0]["torch"] if torch_runs else None,
        "tokens": bench["tokens"],
        "cvmm_up_rate_ratio": cvmm["up_rate_ratio"],
        "cvmm_down_rate_ratio": cvmm["down_rate_ratio"],
        "moe_vs_dense_sieve": layer["ratio_vs_dense"],
        "moe_vs_dense_openblas": layer["ratio_vs_dense_openblas"],
        "sieve_moe_s": statistics.median(sieve_moe),
        "torch_moe_s": statistics.median(torch_moe),
    }
    summary["torch_over_sieve"] = summary["torch_moe_s"] / summary["sieve_moe_s"]
    met = {
        "cvmm": min(summary["cvmm_up_rate_ratio"],
                    summary["cvmm_down_rate_ratio"]) >= TARGETS["cvmm"],
        "moe_vs_dense": max(summary["moe_vs_dense_sieve"],
                            summary["moe_vs_dense_openblas"])
        <= TARGETS["moe_vs_dense"],
        "moe_vs_torch": summary["torch_over_sieve"] >= TARGETS["moe_vs_torch"],
    }
    summary["targets_met"] = met
    (results / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    ok = lambda key: "met" if met[key] else "**not met**"
    ms = lambda seconds: f"{seconds * 1e3:.0f} ms"
    table = f"""Measured by `benchmarks/run.sh` on {summary['machine']}
(OpenBLAS {bench['openblas']['core']} kernel, {bench['openblas']['threads']} threads;
PyTorch {summary['torch']}); σ-MoE: d_model 512, N_E 16, G 128, K 4, expert
dropout 0.05, entropy regulariser, {bench['tokens']} tokens; dense: d_ff
{layer['dense_d_ff']} (the same parameters).

| comparison | Sieve | baseline | ratio | target |
|---|---|---|---|---|
| CVMM up-projection (token → sorted rows) vs sgemm, GFLOP/s | {cvmm['up_gflops']:.0f} | {cvmm['up_sgemm_gflops']:.0f} | {cvmm['up_rate_ratio']:.2f}× | ≥ 0.7×: {ok('cvmm')} |
| CVMM gated down-projection (sorted → token rows) vs sgemm, GFLOP/s | {cvmm['down_gflops']:.0f} | {cvmm['down_sgemm_gflops']:.0f} | {cvmm['down_rate_ratio']:.2f}× | ≥ 0.7× |
| σ-MoE fwd+bwd vs dense MLP fwd+bwd, both Sieve | {ms(layer['sigma_moe_fwd_bwd_s'])} | {ms(layer['dense_fwd_bwd_s'])} | {layer['ratio_vs_dense']:.2f}× | ≤ 0.4×: {ok('moe_vs_dense')} |
| σ-MoE fwd+bwd (Sieve) vs dense MLP fwd+bwd (OpenBLAS) | {ms(layer['sigma_moe_fwd_bwd_s'])} | {ms(layer['dense_openblas_fwd_bwd_s'])} | {layer['ratio_vs_dense_openblas']:.2f}× | ≤ 0.4× |
| σ-MoE fwd+bwd vs PyTorch eager (sort + per-expert matmul) | {ms(summary['sieve_moe_s'])} | {ms(summary['torch_moe_s'])} | {summary['torch_over_sieve']:.1f}× faster | ≥ 3×: {ok('moe_vs_torch')} |

Backward GEMMs alone: weight gradient {cvmm['weight_grad_gflops']:.0f} GFLOP/s
(gated: {cvmm['weight_grad_scaled_gflops']:.0f}), input gradient through the
transposed weights {cvmm['input_grad_gflops']:.0f} GFLOP/s."""

    text = readme.read_text()
    begin, end = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{begin}\n{table}\n{end}{tail}")
    print(table)
    print(json.dumps(met))


if __name__ == "__main__":
    main()
