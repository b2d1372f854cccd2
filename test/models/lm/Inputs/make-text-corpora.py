"""Writes small corpora in WikiText-103's and C4's layouts from GCIDE's text
(Debian's dict-gcide), for the subword tests:

  DIR/wikitext/wiki.{train,valid,test}.tokens   lines of text, blank lines
  DIR/c4/{train,valid}.json.gz, DIR/c4/test.json  {"text": ..., "url": ...}

Usage: make-text-corpora.py DIR TRAIN_BYTES
"""
import gzip
import json
import os
import re
import sys

directory, train_bytes = sys.argv[1], int(sys.argv[2])
text = gzip.open("/usr/share/dictd/gcide.dict.dz", "rt", encoding="utf-8",
                 errors="replace").read(2 * train_bytes + 1000000)
lines = []
for raw in text.split("\n"):
    line = re.sub(r"<[^>]*>", "", raw)
    line = re.sub(r"\s+", " ", line).strip()
    if len(line) > 20:
        lines.append(line)

splits, start = {}, 0
for name, size in (("train", train_bytes), ("valid", 120000), ("test", 120000)):
    chosen, total = [], 0
    while start < len(lines) and total < size:
        chosen.append(lines[start])
        total += len(lines[start]) + 1
        start += 1
    splits[name] = chosen

os.makedirs(f"{directory}/wikitext", exist_ok=True)
for name, chosen in splits.items():
    with open(f"{directory}/wikitext/wiki.{name}.tokens", "w") as f:
        for i, line in enumerate(chosen):
            f.write(f" {line} \n" + (" \n" if i % 5 == 4 else ""))

os.makedirs(f"{directory}/c4", exist_ok=True)
for name, chosen in splits.items():
    documents = ["\n".join(chosen[i:i + 4]) for i in range(0, len(chosen), 4)]
    opener = (lambda p: open(p, "wt")) if name == "test" else \
        (lambda p: gzip.open(p, "wt"))
    suffix = "json" if name == "test" else "json.gz"
    with opener(f"{directory}/c4/{name}.{suffix}") as f:
        for i, document in enumerate(documents):
            f.write(json.dumps({"text": document, "url": f"gcide/{i}"}) + "\n")
print(" ".join(f"{name} {len(chosen)} lines" for name, chosen in splits.items()))
