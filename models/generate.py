"""Writes the model descriptions of the σ-MoE paper's configurations.

models/paper/: the dense and σ-MoE models of Tab. 3 with the
hyperparameters of Tab. 8 and 9 (WT-S 47M, WT-S* 238M, WT-B 262M, E8 41M),
the Enwik8 ablations of Tab. 10, top-K (Tab. 1) and PKM (Tab. 6).

models/small/: the same variants at a size that trains on a CPU in
minutes on the default corpus (GCIDE): d_model 128, 4 layers, 4 heads,
context 64, the dense d_ff 512 = N_E G.

Run from the repository root: python3 models/generate.py
"""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent

# Tab. 8 (dense) and Tab. 9 (σ-MoE): name -> shape, dense d_ff, MoE.
PAPER = {
    "wt-s": dict(title="WikiText-103 small (WT-S)", params="47M",
                 tokenizer="sentencepiece", d_model=412, layers=16, heads=10,
                 head_size=41, context=256, batch=64, dropout=0.1, warmup=0,
                 d_ff=2053, experts=16, delta=0.0, gamma=0.001),
    "wt-s-star": dict(title="WikiText-103 small, N_E scaled (WT-S*)",
                      params="238M (dense) / 237M (σ-MoE)",
                      tokenizer="sentencepiece", d_model=412, layers=16,
                      heads=10, head_size=41, context=256, batch=64,
                      dropout=0.1, warmup=0, d_ff=16480, experts=128,
                      delta=0.05, gamma=0.001),
    "wt-b": dict(title="WikiText-103 big (WT-B)", params="262M",
                 tokenizer="sentencepiece", d_model=1024, layers=18, heads=16,
                 head_size=64, context=512, batch=64, dropout=0.2,
                 warmup=4000, d_ff=4110, experts=32, delta=0.2, gamma=0.001),
    "e8": dict(title="Enwik8 (E8)", params="41M", tokenizer="bytes",
               d_model=512, layers=12, heads=8, head_size=64, context=512,
               batch=32, dropout=0.1, warmup=0, d_ff=2053, experts=16,
               delta=0.05, gamma=0.0001),
}


def moe(experts, size, k, delta=0.0, gamma=0.0, regularizer="entropy",
        activation="sigmoid", selection="topk", **extra):
    block = dict(kind="moe", experts=experts, expert_size=size, k=k,
                 activation=activation, selection=selection)
    if delta:
        block["expert_dropout"] = delta
    if regularizer != "none" and gamma:
        block["regularizer"] = regularizer
        block["regularizer_weight"] = gamma
    block.update(extra)
    return block


def ablations(experts, size, k, delta, gamma):
    """Tab. 10's variants of a σ-MoE block (N_E x G = d_ff kept)."""
    base = dict(delta=delta, gamma=gamma)
    total = experts * size
    return {
        "sigma-moe": moe(experts, size, k, **base),
        "standard-dropout": moe(experts, size, k, gamma=gamma,
                                activation_dropout=delta),
        "softmax-renorm": moe(experts, size, k, activation="softmax_renorm",
                              **base),
        "softmax": moe(experts, size, k, activation="softmax", **base),
        "standard-init": moe(experts, size, k, init="standard", **base),
        "no-reg": moe(experts, size, k),
        f"k{2 * k}-g{size // 2}": moe(total * 2 // size, size // 2, 2 * k,
                                      **base),
        f"k{k // 2}-g{size * 2}": moe(total // (size * 2), size * 2,
                                      max(k // 2, 1), **base),
        f"k1-g{size * k}": moe(total // (size * k), size * k, 1, **base),
        f"2ne-g{size // 2}": moe(total * 2 // size, size // 2, k, **base),
        "k1": moe(experts, size, 1, **base),
        f"k{2 * k}": moe(experts, size, 2 * k, **base),
        f"switch-k1-g{size * k}": moe(total // (size * k), size * k, 1,
                                      delta=delta, gamma=0.01,
                                      regularizer="switch",
                                      activation="softmax"),
        f"switch-k1-g{size * k}-no-dropout": moe(
            total // (size * k), size * k, 1, gamma=0.01,
            regularizer="switch", activation="softmax"),
        f"switch-k{k}-g{size}": moe(experts, size, k, delta=delta,
                                    gamma=0.01, regularizer="switch",
                                    activation="softmax"),
        f"switch-k1-g{size}": moe(experts, size, 1, delta=delta, gamma=0.01,
                                  regularizer="switch", activation="softmax"),
        f"sbase-k{k}-g{size}": moe(experts, size, k, selection="sinkhorn",
                                   **base),
        f"sbase-k1-g{size * k}": moe(total // (size * k), size * k, 1,
                                     selection="sinkhorn", **base),
    }


def yaml_value(value):
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write(path, name, comment, shape, ffn, training, data=None):
    lines = [f"# {line}" if line else "#" for line in comment]
    lines += [f"name: {name}", "tokenizer:"]
    if shape["tokenizer"] == "bytes":
        lines.append("  kind: bytes")
    else:
        # WikiText-103 lives in data/wikitext-103 (see models/README.md);
        # the 8000-piece model is trained there on first use.
        lines += ["  kind: sentencepiece", "  vocab_size: 8000",
                  "  model: ../../data/wikitext-103/sieve-8000.model"]
        data = dict(format="wikitext103", path="../../data/wikitext-103")
    lines.append("model:")
    for key in ("d_model", "layers", "heads", "head_size", "context"):
        lines.append(f"  {key}: {shape[key]}")
    lines.append(f"  memory: {shape['context']}")
    lines.append(f"  eval_memory: {4 * shape['context']}")
    lines.append(f"  dropout: {shape['dropout']}")
    lines.append("  ffn:")
    for key, value in ffn.items():
        lines.append(f"    {key}: {yaml_value(value)}")
    lines.append("training:")
    for key, value in training.items():
        lines.append(f"  {key}: {yaml_value(value)}")
    if data:
        lines.append("data:")
        for key, value in data.items():
            lines.append(f"  {key}: {yaml_value(value)}")
    path.write_text("\n".join(lines) + "\n")


def paper():
    out = ROOT / "paper"
    out.mkdir(exist_ok=True)
    for key, c in PAPER.items():
        training = dict(batch_size=c["batch"], steps=100000, lr=2.5e-4,
                        warmup=c["warmup"], grad_clip=0.25)
        source = f"σ-MoE paper Tab. 8-9, {c['title']}, {c['params']} parameters."
        write(out / f"{key}-dense.yaml", f"{key}-dense",
              [f"The dense baseline of the {source}"], c,
              dict(kind="dense", d_ff=c["d_ff"]), training)
        write(out / f"{key}-sigma-moe.yaml", f"{key}-sigma-moe",
              [f"σ-MoE of the {source}"], c,
              moe(c["experts"], 128, 4, c["delta"], c["gamma"]), training)
    e8 = PAPER["e8"]
    training = dict(batch_size=32, steps=100000, lr=2.5e-4, grad_clip=0.25)
    for variant, block in ablations(16, 128, 4, 0.05, 0.0001).items():
        if variant == "sigma-moe":
            continue
        write(out / f"e8-{variant}.yaml", f"e8-{variant}",
              [f"Enwik8 ablation '{variant}' of σ-MoE (σ-MoE paper Tab. 10)."],
              e8, block, training)
    for k in (128, 256, 512):
        write(out / f"e8-topk-k{k}.yaml", f"e8-topk-k{k}",
              [f"Enwik8 with the top-K activation, K = {k} (Tab. 1)."], e8,
              dict(kind="topk", d_ff=2053, k=k), training)
    for setting, subkeys in (("value-count", 46), ("param-matched", 62)):
        for activation in ("relu", "softmax"):
            write(out / f"e8-pkm-{setting}-{activation}.yaml",
                  f"e8-pkm-{setting}-{activation}",
                  [f"Enwik8 PKM, {setting}, {activation} (Tab. 6): "
                   f"{subkeys} sub-keys, 4 heads."], e8,
                  dict(kind="pkm", subkeys=subkeys, heads=4, k=32,
                       activation=activation), training)
    write(out / "e8-pkm-param-matched-relu-init.yaml",
          "e8-pkm-param-matched-relu-init",
          ["Enwik8 PKM, parameter-matched, ReLU, the '+init' of Tab. 6."],
          e8, dict(kind="pkm", subkeys=62, heads=4, k=32, activation="relu",
                   dense_init="true"), training)


SMALL = dict(tokenizer="bytes", d_model=128, layers=4, heads=4, head_size=32,
             context=64, dropout=0.1)


def small():
    out = ROOT / "small"
    out.mkdir(exist_ok=True)
    training = dict(batch_size=16, steps=400, lr=1e-3, warmup=20,
                    grad_clip=0.25, checkpoint_every=200, log_every=20)
    data = dict(corpus="gcide", limit=8000000)
    note = ("A CPU-sized model on GCIDE (Debian's dict-gcide): d_model 128, "
            "4 layers, context 64; dense d_ff 512 = N_E G.")
    variants = ablations(8, 64, 2, 0.05, 0.0001)
    variants["ne128"] = moe(128, 64, 2, 0.05, 0.0001)
    variants["dense"] = dict(kind="dense", d_ff=516)
    variants["topk"] = dict(kind="topk", d_ff=512, k=64)
    for setting, subkeys in (("value-count", 23), ("param-matched", 30)):
        for activation in ("relu", "softmax"):
            variants[f"pkm-{setting}-{activation}"] = dict(
                kind="pkm", subkeys=subkeys, heads=4, k=16,
                activation=activation)
    variants["pkm-param-matched-relu-init"] = dict(
        kind="pkm", subkeys=30, heads=4, k=16, activation="relu",
        dense_init="true")
    for variant, block in variants.items():
        write(out / f"{variant}.yaml", f"small-{variant}",
              [note, f"Variant: {variant} (σ-MoE paper Tab. 1, 6, 10)."],
              SMALL, block, training, data)


if __name__ == "__main__":
    paper()
    small()
