#!/usr/bin/env python3
"""Every Markdown document the repository mentions exists in it.

Greps every tracked text file for names ending in .md and fails naming those
that are not in the repository. A name with a folder (docs/decisions.md,
../README.md) is looked up from the mentioning file's folder and from the
repository's root; a bare name (decisions.md) must be the name of some
tracked file. A few mentions are not references and are left out, each with
its reason (IGNORED).

Usage: doc_references_test.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys

NAME = re.compile(r"[A-Za-z0-9_./-]+\.md(?![A-Za-z0-9_])")

# (file, name): mentions that are not documents of this repository. A None
# file matches every file, a None name every name of that file.
IGNORED = {
    ("tests/api/data/partner-center-doc-examples.json", None):
        "the source.path of each documented sample: a file of Microsoft's documentation repository",
}


def tracked_files(source):
    try:
        out = subprocess.run(["git", "-C", source, "ls-files", "-z"], check=True, capture_output=True).stdout
        return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        # Not a git checkout: every file but build folders.
        files = []
        for root, dirs, names in os.walk(source):
            dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")]
            files += [os.path.relpath(os.path.join(root, n), source) for n in names]
        return files


def ignored(path, name):
    return (path, None) in IGNORED or (None, name) in IGNORED or (path, name) in IGNORED


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: doc_references_test.py SOURCE_DIR")
    source = sys.argv[1]
    files = tracked_files(source)
    present = {f.replace(os.sep, "/") for f in files}
    basenames = {f.rsplit("/", 1)[-1] for f in present}
    missing = []
    mentions = 0
    for path in sorted(present):
        try:
            with open(os.path.join(source, path), "rb") as f:
                data = f.read()
        except OSError:
            continue  # listed by git but not in the work tree
        if b"\0" in data[:8192]:
            continue  # binary
        text = data.decode("utf-8", "replace")
        for line_number, line in enumerate(text.splitlines(), 1):
            for match in NAME.finditer(line):
                name = match.group(0).rstrip(".")
                if not name.endswith(".md") or ignored(path, name):
                    continue
                mentions += 1
                if "/" not in name.lstrip("./"):
                    found = name.lstrip("./") in basenames
                else:
                    folder = os.path.dirname(path)
                    candidates = {os.path.normpath(os.path.join(folder, name)), os.path.normpath(name.lstrip("/"))}
                    found = any(c.replace(os.sep, "/") in present for c in candidates)
                if not found:
                    missing.append(f"{path}:{line_number}: {name}")
    for m in missing:
        print("MISSING " + m)
    print(f"{mentions} mentions of .md documents in {len(present)} files: "
          f"{'all present' if not missing else f'{len(missing)} missing'}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
