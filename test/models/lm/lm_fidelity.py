"""An independent PyTorch Transformer-XL, checked against Sieve's model.

lm-fidelity-export wrote a model's weights (safetensors), random tokens and,
for two consecutive training segments (the second attending over the
first's memory), Sieve's loss and every parameter gradient. This script
builds the same architecture from the model description with PyTorch
modules-free tensor code, loads the weights, recomputes both segments'
losses and gradients with autograd, and requires a relative error of at
most 1e-4 (fp32) for the loss and each gradient.

The architecture (pre-layer-norm Transformer-XL, σ-MoE paper App. B): per
layer h += Attn(LN1([memory; h])), h += FFN(LN2(h)); attention with
relative positions, score = ((q + u).k_j + (q + v).r_{i+M-j}) / sqrt(d_h),
r_d = sinusoid(d) Wr; loss = mean cross-entropy + the FFNs' auxiliary
losses. The feed-forward blocks follow the papers' equations
(test/pytorch/cross_check.py).

Usage: lm_fidelity.py MODEL.yaml EXPORT_DIR
"""

import json
import math
import pathlib
import sys

import torch
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "pytorch"))
from cross_check import pkm, sigma_moe, topk_ffn  # noqa: E402

TOLERANCE = 1e-4
DTYPES = {"F32": torch.float32, "I32": torch.int32, "I64": torch.int64}


def read_safetensors(path):
    data = pathlib.Path(path).read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensor = torch.frombuffer(bytearray(body[begin:end]),
                                  dtype=DTYPES[entry["dtype"]])
        tensors[name] = tensor.reshape(entry["shape"]).clone()
    return tensors, header.get("__metadata__", {})


def layer_norm(x, weight, bias):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), weight, bias,
                                          1e-5)


def sinusoid(count, d_model):
    d = torch.arange(count, dtype=torch.float64)[:, None]
    c = torch.arange(0, d_model, 2, dtype=torch.float64)
    angle = d * torch.pow(10000.0, -c / d_model)
    pe = torch.zeros(count, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)[:, : d_model // 2]
    return pe.float()


def attention(a, memory, w, heads, head_size):
    """a: (B, S, D) normalised [memory; segment]."""
    batch, keys, _ = a.shape
    tokens = keys - memory
    q = (a[:, memory:] @ w["wq"]).view(batch, tokens, heads, head_size)
    k = (a @ w["wk"]).view(batch, keys, heads, head_size)
    v = (a @ w["wv"]).view(batch, keys, heads, head_size)
    r = (sinusoid(keys, a.shape[-1]) @ w["wr"]).view(keys, heads, head_size)
    content = torch.einsum("bihc,bjhc->bhij", q + w["u"], k)
    position = torch.einsum("bihc,dhc->bhid", q + w["v"], r)  # by distance
    i = torch.arange(tokens)[:, None]
    j = torch.arange(keys)[None, :]
    distance = (i + memory - j).clamp(min=0)
    position = torch.gather(
        position, 3, distance.expand(batch, heads, tokens, keys))
    score = (content + position) / math.sqrt(head_size)
    score = score.masked_fill(j > i + memory, float("-inf"))
    probs = torch.softmax(score, dim=-1)
    out = torch.einsum("bhij,bjhc->bihc", probs, v).reshape(batch, tokens, -1)
    return out @ w["wo"]


def feed_forward(x, block, w):
    kind = block["kind"]
    if kind == "dense":
        return torch.relu(x @ w["w1"]) @ w["w2"], 0.0
    if kind == "topk":
        return topk_ffn(x, w["w1"], w["w2"], block["k"]), 0.0
    if kind == "pkm":
        return pkm(x, w["keys_a"], w["keys_b"], w["values"], block["k"],
                   block.get("activation", "relu")), 0.0
    if kind == "moe":
        keep = torch.ones(x.shape[0], block["experts"])
        gamma = block.get("regularizer_weight", 0.0) \
            if block.get("regularizer", "none") == "entropy" else 0.0
        return sigma_moe(x, w["w1"], w["w2"], w["w3"], keep, block["k"], gamma)
    raise ValueError(f"feed-forward kind {kind} is not in this check")


def block_of(description, layer):
    model = description["model"]
    for override in model.get("ffn_overrides", []):
        if layer in override["layers"]:
            return override["ffn"]
    return model["ffn"]


def segment_loss(description, params, inputs, targets, memories,
                 ffn_inputs=None):
    model = description["model"]
    d_model = model["d_model"]
    batch, tokens = inputs.shape
    h = params["embedding"][inputs.long()]
    total_aux = 0.0
    new_memories = []
    for layer in range(model["layers"]):
        p = lambda name: params[f"layers.{layer}.{name}"]  # noqa: E731
        memory = memories[layer]
        concat = torch.cat([memory, h], dim=1)
        new_memories.append(concat[:, -model.get("memory", model["context"]):]
                            .detach())
        a = layer_norm(concat, p("ln1.weight"), p("ln1.bias"))
        weights = {name: p(f"attention.{name}")
                   for name in ("wq", "wk", "wv", "wr", "wo", "u", "v")}
        h = h + attention(a, memory.shape[1], weights, model["heads"],
                          model["head_size"])
        f = layer_norm(h, p("ln2.weight"), p("ln2.bias")).reshape(-1, d_model)
        block = block_of(description, layer)
        if ffn_inputs is not None:
            ffn_inputs.setdefault(layer, []).append(f.detach())
        ffn_weights = {name.split(".ffn.")[1]: value
                       for name, value in params.items()
                       if name.startswith(f"layers.{layer}.ffn.")}
        y, aux = feed_forward(f, block, ffn_weights)
        h = h + y.view(batch, tokens, d_model)
        total_aux = total_aux + aux
    logits = layer_norm(h, params["ln.weight"], params["ln.bias"]) \
        @ params["output.weight"] + params["output.bias"]
    cross_entropy = torch.nn.functional.cross_entropy(
        logits.view(-1, logits.shape[-1]), targets.long().view(-1))
    return cross_entropy + total_aux, new_memories


def check_analysis(description, params, ffn_inputs, counted):
    """`sieve analyze`'s counts against PyTorch's routing of its own
    feed-forward inputs: top-K of x W3 per MoE layer, active channels of
    ReLU(x W1) per dense layer. Returns the number of mismatches."""
    failures, checked = 0, []
    for layer, inputs in sorted(ffn_inputs.items()):
        x = torch.cat(inputs)
        block = block_of(description, layer)
        name = f"layers.{layer}."
        if block["kind"] == "moe":
            experts = block["experts"]
            chosen = torch.topk(x @ params[name + "ffn.w3"].detach(),
                                block["k"], dim=1).indices
            selections = torch.bincount(chosen.flatten(), minlength=experts)
            both = torch.zeros(experts, experts, dtype=torch.long)
            for row in chosen:
                for a in row:
                    for b in row:
                        both[a, b] += 1
            pairs = [(selections, counted[name + "selections"]),
                     (both, counted[name + "cooccurrence"])]
        elif block["kind"] == "dense":
            active = ((x @ params[name + "ffn.w1"].detach()) > 0).sum(1)
            histogram = torch.bincount(active, minlength=block["d_ff"] + 1)
            pairs = [(histogram, counted[name + "active_channels"])]
        else:
            continue
        for expected, got in pairs:
            if not torch.equal(expected.long(), got.long()):
                failures += 1
                print(f"FAIL: analysis of layer {layer}: {got.tolist()} vs "
                      f"PyTorch {expected.tolist()}", file=sys.stderr)
        checked.append(f"{layer} ({block['kind']})")
    print(f"analysis: layers {', '.join(checked)} counted as PyTorch routes them")
    return failures


def main():
    description = yaml.safe_load(pathlib.Path(sys.argv[1]).read_text())
    root = pathlib.Path(sys.argv[2])
    weights, _ = read_safetensors(root / "weights.safetensors")
    params = {name: value.requires_grad_() for name, value in weights.items()}
    tokens = read_safetensors(root / "tokens.safetensors")[0]["tokens"]
    model = description["model"]
    batch, context = tokens.shape[0], model["context"]
    memories = [torch.zeros(batch, 0, model["d_model"])
                for _ in range(model["layers"])]
    failures = 0
    ffn_inputs = {}
    for segment in range(2):
        start = segment * context
        inputs = tokens[:, start:start + context]
        targets = tokens[:, start + 1:start + context + 1]
        for value in params.values():
            value.grad = None
        loss, memories = segment_loss(description, params, inputs, targets,
                                      memories, ffn_inputs)
        loss.backward()
        grads, meta = read_safetensors(root / f"grads{segment}.safetensors")
        sieve_loss = float(meta["loss"])
        error = abs(loss.item() - sieve_loss) / abs(loss.item())
        worst, worst_name = 0.0, ""
        for name, value in params.items():
            expected = value.grad if value.grad is not None \
                else torch.zeros_like(value)
            diff = (grads[name] - expected).norm() / \
                expected.norm().clamp_min(1e-12)
            if diff.item() > worst:
                worst, worst_name = diff.item(), name
            if not diff.item() <= TOLERANCE:
                failures += 1
                print(f"FAIL: segment {segment}: gradient of {name} differs "
                      f"by {diff.item():.3e}", file=sys.stderr)
        if not error <= TOLERANCE:
            failures += 1
            print(f"FAIL: segment {segment}: loss {sieve_loss} vs PyTorch "
                  f"{loss.item()}", file=sys.stderr)
        print(f"segment {segment}: loss {loss.item():.6f} (Sieve "
              f"{sieve_loss:.6f}, error {error:.1e}); {len(params)} gradients, "
              f"largest error {worst:.1e} ({worst_name})")
    failures += check_analysis(description, params, ffn_inputs,
                               read_safetensors(root / "analysis.safetensors")[0])
    print(f"lm_fidelity: {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
