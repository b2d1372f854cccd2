#!/usr/bin/env python3
"""Checks that every diagnostic message Sieve can emit is exercised by a test.

Each statement of the project's C++ that streams into a diagnostic
(emitOpError, emitError, the message stream of the verifier helpers, or
an error(...) call of the model-description reader)
contributes its string literals; adjacent literals are joined as C++ joins
them. Every literal with words in it must occur:

  - for the dialect's IR (verifiers, attributes): in an `expected-error` of
    a lit test run with -verify-diagnostics;
  - for the rest (passes, compiler/, frontends/, tools/): in an
    expected-error, a FileCheck line or a GoogleTest expectation.

A diagnostic no valid input can reach (a defensive check) is exempted by a
comment `// untested-diagnostic: <why>` on the line before its statement.

Usage: diagnostic_coverage.py SOURCE_ROOT
"""

import pathlib
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
DIAGNOSTIC = re.compile(r"emitOpError|emitError|\bos\s*<<|diag\s*<<|\berror\(")
EXPECTED = re.compile(r"expected-(?:error|note|warning)[^{]*\{\{(.*?)\}\}")
CHECK_LINE = re.compile(r"(?://|^)\s*[A-Z][A-Z0-9-]*(?:-NEXT|-SAME|-DAG|-LABEL)?:\s*(.*)$")


EXEMPT = "// untested-diagnostic:"


def statements(text):
    """Splits C++ source into statements (roughly: up to ';' or '{'),
    dropping those marked with the exemption comment."""
    text = re.sub(re.escape(EXEMPT) + r"[^\n]*", "\x00", text)
    text = re.sub(r"//[^\n]*", "", text)
    current = []
    for char in text:
        current.append(char)
        if char in ";{}":
            statement = "".join(current)
            if "\x00" not in statement:
                yield statement
            current = []


def literals(statement):
    """String literals of a statement, adjacent ones joined."""
    pieces, last_end, joined = [], None, None
    for match in LITERAL.finditer(statement):
        between = statement[last_end:match.start()] if last_end is not None else None
        value = bytes(match.group(1), "utf-8").decode("unicode_escape")
        if between is not None and between.strip() == "":
            joined += value
        else:
            if joined is not None:
                pieces.append(joined)
            joined = value
        last_end = match.end()
    if joined is not None:
        pieces.append(joined)
    return pieces


def message_fragments(path):
    for statement in statements(path.read_text(encoding="utf-8")):
        if not DIAGNOSTIC.search(statement):
            continue
        for fragment in literals(statement):
            fragment = fragment.strip(" ,.;:")
            if len(re.findall(r"[A-Za-z]{2,}", fragment)) >= 2 or (
                len(fragment) >= 8 and re.search(r"[A-Za-z]{3}", fragment)
            ):
                yield fragment


def corpora(test_root):
    expected, checks = [], []
    for path in test_root.rglob("*"):
        if path.suffix not in (".mlir", ".test", ".cpp") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        expected.extend(EXPECTED.findall(text))
        for line in text.splitlines():
            match = CHECK_LINE.search(line)
            if match:
                checks.append(match.group(1))
        if path.suffix == ".cpp":
            checks.extend(literals(text))
    return "\n".join(expected), "\n".join(expected + checks)


def main():
    root = pathlib.Path(sys.argv[1])
    expected, anywhere = corpora(root / "test")
    missing = []
    counted = 0
    for folder in ("dialects", "compiler", "frontends", "tools"):
        for path in sorted((root / folder).rglob("*.cpp")):
            corpus = expected if path.parent.name == "IR" else anywhere
            for fragment in message_fragments(path):
                counted += 1
                if fragment not in corpus:
                    missing.append(f"{path.relative_to(root)}: \"{fragment}\"")
    if missing:
        print("diagnostic fragments no test expects:")
        print("\n".join("  " + m for m in missing))
        return 1
    print(f"all {counted} diagnostic fragments are expected by a test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
