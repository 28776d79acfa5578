#!/usr/bin/env python3
"""The man page and the README against v6crawl's option table.

`v6crawl help --list` prints every option of every command from the one
table in cli/opts.c. Each command's section of doc/v6crawl.1 must name
every option of the command and no other (--help and --version are in
"Common options", with --config); README.md's "Commands and flags" must name every option
of every command, its crawl table exactly crawl's options, and each
command's synopsis line (`v6crawl CMD ...`) exactly that command's.

make check runs it with V6CRAWL and TOP_SRCDIR set.
Exit 0 when the documents match the table, 1 when one drifts.
"""
import os
import re
import subprocess
import sys

top = os.environ.get("TOP_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..")
v6 = os.environ.get("V6CRAWL") or os.path.join(top, "v6crawl")
COMMON = {"--help", "--version", "--config", "-h"}
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])(?![\w-])")

failed = []


def check(what, ok, why=""):
    print("%s - %s%s" % ("ok" if ok else "not ok", what,
                         "" if ok else ": " + str(why)))
    if not ok:
        failed.append(what)


out = subprocess.run([v6, "help", "--list"], stdout=subprocess.PIPE,
                     check=True).stdout.decode()
table = {}
for line in out.splitlines():
    cmd, flag = line.split()[:2]
    table.setdefault(cmd, set()).add(flag)
check("help --list names every command",
      sorted(table) == sorted(["crawl", "report", "links", "fixes", "runs",
                               "diff", "prune", "check", "merge", "url",
                               "robots"]),
      " ".join(sorted(table)))
every = set().union(*table.values())

# ---- the man page: one .SS section per command ---------------------------
with open(os.path.join(top, "doc", "v6crawl.1"), encoding="utf-8") as f:
    man = f.read().replace("\\-", "-")
sections = {}
cur = None
for line in man.splitlines():
    if line.startswith(".SS ") or line.startswith(".SH "):
        m = re.match(r'\.SS "?([A-Za-z]+)', line)
        cur = m.group(1) if m and line.startswith(".SS ") else None
        if cur == "Common":
            cur = "common"
    if cur:
        sections.setdefault(cur, []).append(line)
for cmd, want in sorted(table.items()):
    text = "\n".join(sections.get(cmd, []))
    got = set(FLAG.findall(text))
    want = want - COMMON
    check("man page: %s names its options" % cmd, want <= got,
          "missing %s" % sorted(want - got))
    check("man page: %s names no other option" % cmd, got <= want,
          "not %s options: %s" % (cmd, sorted(got - want)))
common = set(FLAG.findall("\n".join(sections.get("common", []))))
check("man page: Common options names --help and --version",
      COMMON <= common, sorted(common))

# ---- README.md: "Commands and flags" --------------------------------------
with open(os.path.join(top, "README.md"), encoding="utf-8") as f:
    readme = f.read()
m = re.search(r"^## Commands and flags\n(.*?)^### Exit status", readme,
              re.S | re.M)
sec = m.group(1) if m else ""
got = set(FLAG.findall(sec))
check("README: every option is named", every <= got,
      "missing %s" % sorted(every - got))
check("README: no option the table lacks", got <= every,
      "not in the table: %s" % sorted(got - every))
rows = set(f for cell in re.findall(r"^\| (`--[^|]*)\|", sec, re.M)
           for f in FLAG.findall(cell))
check("README: the crawl table is crawl's options",
      rows == table["crawl"] - COMMON,
      "missing %s, extra %s" % (sorted(table["crawl"] - COMMON - rows),
                                sorted(rows - table["crawl"])))
for cmd, want in sorted(table.items()):
    if cmd == "crawl":
        continue
    syn = re.findall(r"^`v6crawl %s( [^`]*)?`" % cmd, sec, re.M)
    got = set(FLAG.findall(" ".join(syn)))
    want = want - COMMON
    check("README: %s has a synopsis with exactly its options" % cmd,
          bool(syn) and got == want,
          "missing %s, extra %s" % (sorted(want - got), sorted(got - want)))

print("%d failed" % len(failed))
sys.exit(1 if failed else 0)
