#!/usr/bin/env python3
"""The error catalogue is the one way to make an error.

Fails when an entry of simulator/model/errors.def is raised nowhere (a dead
row would document an error pcsim never answers with), and when product code
builds a Status from bare numbers instead of an entry (Status(400, ...)),
which would bypass the catalogue and docs/errors.md. The client library
(clients/) decodes answers it receives, so it may build a Status from the
numbers on the wire.

Usage: error_catalogue_test.py SOURCE_DIR
"""
import os
import re
import sys

root = sys.argv[1]
catalogue = open(os.path.join(root, "simulator/model/errors.def"), encoding="utf-8").read()
names = re.findall(r"^PCSIM_ERROR\((\w+),", catalogue, re.M)

sources = {}
for folder in ("simulator", "tools"):
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for f in files:
            if f.endswith((".cc", ".h")):
                path = os.path.join(dirpath, f)
                sources[os.path.relpath(path, root)] = open(path, encoding="utf-8").read()

failures = []
used = set()
for text in sources.values():
    code = re.sub(r"//.*", "", text)  # a comment may name Err::X as an example
    used.update(re.findall(r"Err::(\w+)", code))
for name in names:
    if name not in used:
        failures.append(f"simulator/model/errors.def: {name} is raised nowhere (Err::{name})")
for name in sorted(used - set(names)):
    failures.append(f"Err::{name} is used but not in simulator/model/errors.def")

BARE = re.compile(r"\bStatus\(\s*(\d|[a-z_.]+\s*,\s*\d)")
for path, text in sorted(sources.items()):
    if path.startswith("simulator/model/status") or path.startswith("simulator/model/errors"):
        continue
    for number, line in enumerate(text.splitlines(), 1):
        if BARE.search(line) and not line.lstrip().startswith("//"):
            failures.append(f"{path}:{number}: a Status from bare numbers; add an entry to errors.def: {line.strip()}")

for f in failures:
    print(f)
print(f"{len(names)} entries, {len(failures)} problems")
sys.exit(1 if failures else 0)
