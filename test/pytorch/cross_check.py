"""Checks Sieve's layers against an independent PyTorch implementation.

sieve-torch-export ran σ-MoE, PKM (ReLU and softmax) and top-K layers
(forward_train and the derived backward kernels) and wrote their inputs,
weights, outputs and gradients. This script recomputes the forward pass in
PyTorch from the same tensors, takes the gradients with autograd from the
same output gradients, and compares: relative error (Frobenius norm) at
most 1e-4 in fp32, per tensor. The PyTorch code follows the papers'
equations, not Sieve's decomposition (the σ-MoE layer gathers every
token's expert matrices; PKM scores all S^2 keys).

Usage: cross_check.py DIR   (run with Debian's /usr/bin/python3 and its
python3-torch)
"""

import json
import pathlib
import sys

import torch

TOLERANCE = 1e-4


def load(case, name, meta):
    shape = meta["tensors"][name]
    data = (case / f"{name}.f32").read_bytes()
    tensor = torch.frombuffer(bytearray(data), dtype=torch.float32)
    return tensor.reshape(shape).clone()


def sigma_moe(x, w1, w2, w3, keep, k, gamma):
    """σ-MoE (Eq. 11, 20-22): sigmoid scores, experts chosen by the scores
    times the expert-dropout mask, gates = masked scores."""
    logits = x @ w3
    scores = torch.sigmoid(logits)
    masked = scores * keep
    # A dropped expert ranks below every kept one (its gate is 0 anyway).
    ranking = torch.where(keep > 0, masked, torch.full_like(masked, -1.0))
    _, experts = torch.topk(ranking, k, dim=-1)
    gates = torch.gather(masked, 1, experts)
    hidden = torch.relu(torch.einsum("nd,nkdg->nkg", x, w1[experts]))
    y = torch.einsum("nkg,nkge->ne", hidden * gates[..., None], w2[experts])
    p = torch.softmax(logits, dim=-1).mean(dim=0)
    aux = gamma * (p * torch.log(p)).sum()
    return y, aux


def pkm(x, keys_a, keys_b, values, k, activation):
    """PKM (Eq. 8): scores of every key u[i] = u_b[i // S] + u_a[i % S],
    top-K per head, activation, weighted sum of the selected values."""
    half = x.shape[1] // 2
    score_a = torch.einsum("nd,dhs->nhs", x[:, :half], keys_a)
    score_b = torch.einsum("nd,dhs->nhs", x[:, half:], keys_b)
    full = (score_b[..., :, None] + score_a[..., None, :]).flatten(-2)
    top, index = torch.topk(full, k, dim=-1)
    weight = torch.relu(top) if activation == "relu" else torch.softmax(top, -1)
    return torch.einsum("nhk,nhke->ne", weight, values[index])


def topk_ffn(x, w1, w2, k):
    """Top-K activation (Eq. 6-7): keep the K largest of ReLU(x W1)."""
    u = torch.relu(x @ w1)
    top, index = torch.topk(u, k, dim=-1)
    return torch.einsum("nk,nke->ne", top, w2[index])


def relative_error(actual, expected):
    return ((actual - expected).norm() / expected.norm().clamp_min(1e-30)).item()


def check(case):
    meta = json.loads((case / "meta.json").read_text())
    config = meta["config"]
    names = {
        "moe": ["x", "w1", "w2", "w3"],
        "pkm": ["x", "keys_a", "keys_b", "values"],
        "topk": ["x", "w1", "w2"],
    }[config["kind"]]
    params = [load(case, name, meta).requires_grad_() for name in names]
    if config["kind"] == "moe":
        keep = load(case, "keep", meta)
        y, aux = sigma_moe(*params, keep, config["k"],
                           config["regularizer_weight"])
        loss = (y * load(case, "dy", meta)).sum() + \
            load(case, "daux_loss", meta) * aux
        outputs = [("y", y), ("aux_loss", aux)]
    elif config["kind"] == "pkm":
        y = pkm(*params, config["k"], config["activation"])
        loss = (y * load(case, "dy", meta)).sum()
        outputs = [("y", y)]
    else:
        y = topk_ffn(*params, config["k"])
        loss = (y * load(case, "dy", meta)).sum()
        outputs = [("y", y)]
    loss.backward()

    failures = []
    report = []
    compared = [(name, value.detach()) for name, value in outputs]
    compared += [("d" + name, p.grad) for name, p in zip(names, params)]
    for name, expected in compared:
        error = relative_error(load(case, name, meta), expected.reshape(
            meta["tensors"][name]))
        report.append(f"{name} {error:.1e}")
        if not error <= TOLERANCE:
            failures.append(f"{case.name}: {name} differs from PyTorch by "
                            f"{error:.3e} (tolerance {TOLERANCE})")
    print(f"{case.name}: " + ", ".join(report))
    return failures


def main():
    root = pathlib.Path(sys.argv[1])
    cases = sorted(path for path in root.iterdir() if path.is_dir())
    if not cases:
        print(f"cross_check: no cases in {root}", file=sys.stderr)
        return 1
    failures = [failure for case in cases for failure in check(case)]
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    print(f"cross_check: {len(cases)} cases against PyTorch {torch.__version__}, "
          f"{len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
