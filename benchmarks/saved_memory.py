"""What the σ-MoE block keeps for its backward, against the parameter-equal
dense MLP, at |B| tokens (issue 5: |B| = 32768, d_model 1024, G 128, K 4,
N_E 32). Compiles both descriptions of benchmarks/models with `sieve
compile` and reads the training forward's saved outputs (`saved<i>`, with
their shapes as token multiples) from each bundle's manifest: the figures
are the compiler's, not a formula. Also checks that no saved tensor has the
(tokens·K × d_model) shape a gather-based implementation would store.

Usage: saved_memory.py SIEVE CACHE_DIR OUT_DIR [--tokens N] [--json FILE]
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent
SIZES = {"f32": 4, "i32": 4, "f16": 2, "bf16": 2, "i64": 8, "i8": 1, "i1": 1}


def elements(shape, tokens):
    count = 1
    for dim in shape:
        if isinstance(dim, int):
            count *= dim
        else:
            match = re.fullmatch(r"(?:(\d+)\*)?tokens", dim)
            if not match:
                raise ValueError(f"unexpected dimension {dim!r}")
            count *= int(match.group(1) or 1) * tokens
    return count


def saved_tensors(sieve, cache, out, model):
    bundle = out / model.stem
    subprocess.run([sieve, "compile", str(model), "--target", "host", "-o",
                    str(bundle), "--cache-dir", cache], check=True,
                   stdout=subprocess.DEVNULL)
    manifest = json.loads((bundle / "manifest.json").read_text())
    train = next(f for f in manifest["functions"]
                 if f["name"].endswith("_forward_train"))
    return [a for a in train["arguments"]
            if a["kind"] == "output" and a["name"].startswith("saved")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sieve")
    parser.add_argument("cache")
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--tokens", type=int, default=32768)
    parser.add_argument("--json", type=pathlib.Path)
    args = parser.parse_args()
    d_model, k, tokens = 1024, 4, args.tokens
    rows, result = [], {"tokens": tokens, "d_model": d_model, "models": {}}
    for name in ("sigma-moe-1024", "dense-4112"):
        saved = saved_tensors(args.sieve, args.cache, args.out,
                              ROOT / "models" / f"{name}.yaml")
        sizes = [(a["name"], a["shape"], a["dtype"],
                  elements(a["shape"], tokens) * SIZES[a["dtype"]])
                 for a in saved]
        for tensor, shape, _, _ in sizes:
            if shape == [f"{k}*tokens", d_model]:
                sys.exit(f"saved_memory: {name} saves {tensor} of shape "
                         f"{shape}: the (tokens·K × d_model) tensor")
        total = sum(size for *_, size in sizes)
        largest = max(sizes, key=lambda s: s[3])
        # The block's input x is kept by the caller for the backward too.
        x = tokens * d_model * 4
        result["models"][name] = {
            "saved_bytes": total, "input_bytes": x,
            "saved": [{"name": n, "shape": s, "dtype": t, "bytes": b}
                      for n, s, t, b in sizes]}
        rows.append((name, total, total + x, largest))
    mib = 1 << 20
    print(f"saved for the backward at |B| = {tokens} tokens, d_model {d_model}:")
    for name, total, with_x, (tensor, shape, dtype, size) in rows:
        shape_text = "×".join(map(str, shape))
        print(f"  {name:<15} {total / mib:8.1f} MiB saved, {with_x / mib:8.1f} "
              f"MiB with x; largest {tensor} {dtype}[{shape_text}] "
              f"{size / mib:.1f} MiB")
    moe, dense = rows[0][2], rows[1][2]
    print(f"  σ-MoE / dense (with x): {moe / dense:.2f}; a (tokens·K × d_model) "
          f"f32 tensor would be {tokens * k * d_model * 4 / mib:.0f} MiB alone")
    result["ratio_with_input"] = moe / dense
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
