#!/usr/bin/python3
"""Plots of `sieve analyze`'s CSV files (Debian's python3 + matplotlib).

  sieve_plots.py analysis DIR
      DIR/expert_usage.csv        -> expert_usage.png        (paper Fig. 3, 7)
      DIR/expert_cooccurrence.csv -> expert_cooccurrence.png (Fig. 6)
      DIR/active_channels.csv     -> active_channels.png     (Fig. 1)
      DIR/training_curve.csv      -> training_curve.png
  sieve_plots.py compare OUT.png LABEL=training_curve.csv ...
      the training curves of several runs on one plot.
"""
import csv
import math
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def by_layer(rows):
    layers = defaultdict(list)
    for row in rows:
        layers[int(row["layer"])].append(row)
    return dict(sorted(layers.items()))


def grid(count):
    columns = min(count, 4)
    return math.ceil(count / columns), columns


def subplots(count, size):
    rows, columns = grid(count)
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, size * 0.8 * rows),
                             squeeze=False)
    flat = [ax for line in axes for ax in line]
    for ax in flat[count:]:
        ax.axis("off")
    return fig, flat


def expert_usage(directory):
    layers = by_layer(read_rows(os.path.join(directory, "expert_usage.csv")))
    dead = {int(r["layer"]): int(r["dead"])
            for r in read_rows(os.path.join(directory, "dead_experts.csv"))}
    fig, axes = subplots(len(layers), 3.2)
    for ax, (layer, rows) in zip(axes, layers.items()):
        shares = [float(r["share"]) for r in sorted(rows, key=lambda r: int(r["rank"]))]
        ax.bar(range(len(shares)), [max(s, 1e-6) for s in shares], width=1.0)
        ax.set_yscale("log")
        ax.set_title(f"layer {layer} ({dead.get(layer, 0)} dead)")
        ax.set_xlabel("expert, by popularity")
        ax.set_ylabel("share of selections")
    fig.suptitle("Expert usage per layer")
    fig.tight_layout()
    fig.savefig(os.path.join(directory, "expert_usage.png"), dpi=110)
    plt.close(fig)


def expert_cooccurrence(directory):
    layers = by_layer(read_rows(os.path.join(directory, "expert_cooccurrence.csv")))
    fig, axes = subplots(len(layers), 3.4)
    for ax, (layer, rows) in zip(axes, layers.items()):
        experts = 1 + max(int(r["expert_a"]) for r in rows)
        matrix = [[0.0] * experts for _ in range(experts)]
        for r in rows:
            a, b = int(r["expert_a"]), int(r["expert_b"])
            matrix[a][b] = float(r["share_of_a"]) if a != b else float("nan")
        image = ax.imshow(matrix, cmap="viridis", vmin=0.0)
        ax.set_title(f"layer {layer}")
        ax.set_xlabel("expert b")
        ax.set_ylabel("expert a")
        fig.colorbar(image, ax=ax, fraction=0.046, label="P(b | a)")
    fig.suptitle("Expert co-occurrence: share of a's tokens that also select b")
    fig.tight_layout()
    fig.savefig(os.path.join(directory, "expert_cooccurrence.png"), dpi=110)
    plt.close(fig)


def active_channels(directory):
    layers = by_layer(read_rows(os.path.join(directory, "active_channels.csv")))
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    labels, samples = [], []
    for layer, rows in layers.items():
        channels = int(rows[0]["channels"])
        # The histogram as weighted samples, for a box per layer.
        values = []
        for r in rows:
            values += [int(r["active_channels"])] * int(r["tokens"])
        samples.append(values)
        labels.append(str(layer))
    ax.boxplot(samples, labels=labels, showfliers=False)
    ax.set_xlabel("layer")
    ax.set_ylabel(f"active channels of u (of {channels})")
    ax.set_title("Active channels of the dense model's u per token")
    fig.tight_layout()
    fig.savefig(os.path.join(directory, "active_channels.png"), dpi=110)
    plt.close(fig)


def smooth(values, window):
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_curves(path, curves, title):
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, rows in curves:
        steps = [int(float(r["step"])) for r in rows]
        bits = [float(r["bits_per_token"]) for r in rows]
        window = max(1, len(bits) // 50)
        ax.plot(steps, smooth(bits, window), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("training bits per token (smoothed)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def analysis(directory):
    def present(name):
        return os.path.exists(os.path.join(directory, name))

    if present("expert_usage.csv"):
        expert_usage(directory)
    if present("expert_cooccurrence.csv"):
        expert_cooccurrence(directory)
    if present("active_channels.csv"):
        active_channels(directory)
    if present("training_curve.csv"):
        plot_curves(os.path.join(directory, "training_curve.png"),
                    [("", read_rows(os.path.join(directory, "training_curve.csv")))],
                    "Training curve")


def compare(out, pairs):
    curves = []
    for pair in pairs:
        label, _, path = pair.partition("=")
        curves.append((label, read_rows(path)))
    plot_curves(out, curves, "Training curves")


def main(argv):
    if len(argv) == 2 and argv[0] == "analysis":
        analysis(argv[1])
    elif len(argv) >= 3 and argv[0] == "compare":
        compare(argv[1], argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (OSError, KeyError, ValueError) as error:
        sys.exit(f"sieve_plots.py: error: {error}")
