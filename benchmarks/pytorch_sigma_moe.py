"""σ-MoE forward + backward in PyTorch eager on the CPU: the baseline the
README compares Sieve's compiled layer with.

The layer is the one sieve-bench times (d_model 512, N_E 16, G 128, K 4,
expert dropout 0.05, entropy regulariser 1e-4, 8192 tokens), written the
way a PyTorch user would without a custom kernel: sort the (token, slot)
pairs by expert, then one matmul per expert on its rows (as the σ-MoE
paper's reference implementation does when its CUDA kernel is absent).
Prints JSON: the median of --reps timed steps after a warm-up.

Usage: pytorch_sigma_moe.py [--tokens N] [--reps R] [--json FILE]
"""

import argparse
import json
import os
import statistics
import time

import torch

D_MODEL, EXPERTS, EXPERT_SIZE, K = 512, 16, 128, 4
DROPOUT, GAMMA = 0.05, 1e-4


def sigma_moe(x, w1, w2, w3):
    logits = x @ w3
    scores = torch.sigmoid(logits)
    keep = (torch.rand_like(scores) >= DROPOUT).to(scores.dtype)
    masked = scores * keep
    gates, experts = torch.topk(masked, K, dim=-1)
    # Sort the (token, slot) pairs by expert; one matmul per expert.
    flat_experts = experts.flatten()
    order = torch.argsort(flat_experts, stable=True)
    counts = torch.bincount(flat_experts, minlength=EXPERTS).tolist()
    tokens = order // K
    rows = x[tokens]
    outputs = []
    start = 0
    for e, count in enumerate(counts):
        block = rows[start:start + count]
        outputs.append(torch.relu(block @ w1[e]) @ w2[e])
        start += count
    sorted_out = torch.cat(outputs) * gates.flatten()[order][:, None]
    y = torch.zeros_like(x).index_add_(0, tokens, sorted_out)
    p = torch.softmax(logits, dim=-1).mean(dim=0)
    aux = GAMMA * (p * torch.log(p)).sum()
    return y, aux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=8192)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--json", default="pytorch-sigma-moe.json")
    args = parser.parse_args()

    # Every core, as Sieve's executor uses (PyTorch may start with fewer).
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    torch.manual_seed(2023)
    x = torch.randn(args.tokens, D_MODEL, requires_grad=True)
    w1 = (torch.randn(EXPERTS, D_MODEL, EXPERT_SIZE) * 0.05).requires_grad_()
    w2 = (torch.randn(EXPERTS, EXPERT_SIZE, D_MODEL) * 0.05).requires_grad_()
    w3 = (torch.randn(D_MODEL, EXPERTS) * 0.05).requires_grad_()
    dy = torch.randn(args.tokens, D_MODEL)

    def step():
        for tensor in (x, w1, w2, w3):
            tensor.grad = None
        y, aux = sigma_moe(x, w1, w2, w3)
        torch.autograd.backward([y, aux], [dy, torch.tensor(1.0)])

    step()
    times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "tokens": args.tokens,
        "sigma_moe_fwd_bwd_s": statistics.median(times),
    }
    with open(args.json, "w") as out:
        json.dump(result, out, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
