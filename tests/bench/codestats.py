#!/usr/bin/env python3
"""Size figures of the C tree, for the closing notes of refactoring work.

usage: tests/bench/codestats.py [--list]   (run from the top of a checkout)

Prints the largest .c/.h files tracked by git, and the functions longer
than 80 lines (a function is counted from its opening brace in column 0 to
its closing brace in column 0, the layout .clang-format gives). --list
names every such function."""
import subprocess
import sys


def main():
    files = subprocess.check_output(["git", "ls-files", "*.c", "*.h"]).decode().split()
    sizes, long_fns = [], []
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().split("\n")
        sizes.append((len(lines) - 1, f))
        start = None
        for i, line in enumerate(lines):
            if line == "{":
                start = i
            elif line == "}" and start is not None:
                n = i - start + 1
                if n > 80:
                    name = lines[start - 1].strip() if start else "?"
                    long_fns.append((n, f, start, name))
                start = None
    sizes.sort(reverse=True)
    print("largest files:", ", ".join("%s %d" % (f, n) for n, f in sizes[:5]))
    print("lines of C in all:", sum(n for n, _ in sizes))
    print("functions over 80 lines:", len(long_fns),
          "(outside tests/: %d)" % sum(1 for x in long_fns if not x[1].startswith("tests/")))
    if "--list" in sys.argv:
        for n, f, start, name in sorted(long_fns, reverse=True):
            print("  %4d %s:%d %s" % (n, f, start, name))


if __name__ == "__main__":
    main()
