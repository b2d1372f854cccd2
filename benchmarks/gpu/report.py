"""Renders sieve-gpu-ffn-bench's JSON (ffn-bench.json from a GPU node) as
the README's GPU benchmark table, between the `gpu-bench:begin` /
`gpu-bench:end` markers, and prints it.

Usage: report.py FFN_BENCH_JSON [README]
"""

import json
import pathlib
import sys

BEGIN, END = "<!-- gpu-bench:begin -->", "<!-- gpu-bench:end -->"


def mib(value):
    return f"{value / 2**20:,.0f} MiB"


def measured(entry):
    return (f"{entry['median_ms']:.3f} ms, {entry['tflops']:.0f} TFLOP/s, "
            f"{mib(entry['peak_bytes'])}")


def render(report):
    lines = [
        f"Measured by `sieve-gpu-ffn-bench` on {report['device']} "
        f"({report['cublas']}), {report['tokens']} tokens, median of "
        f"{report['repetitions']} (CUDA events, L2 flushed); forward + "
        "backward, peak allocator bytes of one step.",
        "",
        "| block | tiles (fwd / bwd) | σ-MoE | dense, same parameters | "
        "dense, same FLOPs | σ-MoE / dense same parameters |",
        "|---|---|---|---|---|---|",
    ]
    for row in report["moe"]:
        same_params = row["dense_parameter_equal"]
        same_flops = row["dense_flop_equal"]
        tiles = " / ".join(row["tiles"][f] for f in ("forward_train",
                                                     "backward"))
        lines.append(
            f"| `{row['name']}` | {tiles} | {measured(row['sigma_moe'])} | "
            f"d_ff {same_params['d_ff']}: {measured(same_params)} | "
            f"d_ff {same_flops['d_ff']}: {measured(same_flops)} | "
            f"{row['time_vs_parameter_equal']:.2f}× |")
    gather = report.get("gather_sum")
    if gather:
        lines += [
            "",
            f"PKM value gather-sum ({gather['tokens']} tokens × "
            f"{gather['selected_rows']} rows of a {gather['table_rows']} × "
            f"{gather['d_model']} f32 table): {gather['median_ms']:.3f} ms, "
            f"{gather['bytes_per_second'] / 1e9:,.0f} GB/s = "
            f"{100 * gather['fraction_of_peak']:.1f} % of the "
            f"{gather['peak_dram_bytes_per_second'] / 1e9:,.0f} GB/s DRAM "
            f"peak (a device copy: "
            f"{gather['copy_bytes_per_second'] / 1e9:,.0f} GB/s).",
        ]
    if report["targets"]:
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        for target in report["targets"]:
            lines.append(f"| {target['target']} | {target['measured']:.3g} | "
                         f"{'yes' if target['met'] else 'no'} |")
    return "\n".join(lines)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    try:
        report = json.loads(pathlib.Path(sys.argv[1]).read_text())
        table = render(report)
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.exit(f"report.py: {sys.argv[1]} is not sieve-gpu-ffn-bench's "
                 f"JSON: {error!r}")
    print(table)
    if len(sys.argv) == 3:
        readme = pathlib.Path(sys.argv[2])
        text = readme.read_text()
        if BEGIN not in text or END not in text:
            sys.exit(f"report.py: {readme} has no {BEGIN} ... {END} markers")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
