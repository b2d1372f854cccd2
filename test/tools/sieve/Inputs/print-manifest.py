"""Prints each function of a bundle manifest as 'name arg:kind ...'."""
import json
import sys

for function in json.load(open(sys.argv[1]))["functions"]:
    arguments = " ".join(f"{a['name']}:{a['kind']}" for a in function["arguments"])
    print(function["name"], arguments)
