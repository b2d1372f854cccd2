"""Prints each function of a bundle manifest as 'name arg:kind ...'
(with --shapes, 'name arg:kind:dtype[shape] ...')."""
import json
import sys


def describe(argument, shapes):
    text = f"{argument['name']}:{argument['kind']}"
    if shapes and "dtype" in argument:
        dims = ",".join(str(d) for d in argument.get("shape", []))
        text += f":{argument['dtype']}[{dims}]"
    return text


shapes = "--shapes" in sys.argv[2:]
for function in json.load(open(sys.argv[1]))["functions"]:
    arguments = " ".join(describe(a, shapes) for a in function["arguments"])
    print(function["name"], arguments)
