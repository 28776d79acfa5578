#!/usr/bin/python3
"""Bad input that the issue names and test_world.py does not: an unreadable
sites file, a store made by a newer v6crawl, and a full disk. Each gets one
clear line and an exit status, and loses nothing already in the store.

    test_badinput.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import itlib

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, timeout=180, **kw)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def one_line(err):
    return len([ln for ln in err.splitlines() if ln.strip()]) == 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    v6 = o.v6crawl
    base = ["--dns-server", "127.0.0.1:5353", "--cacert",
            os.path.join(o.world, "ca.pem"), "--allow-private",
            "--timeout", "3", "--retries", "0"]
    db = os.path.join(o.work, "db")
    rc, out, err = run([v6, "crawl", "--db", db] + base +
                       ["http://www.demo.edu.cn/"])
    check("a first crawl to keep", rc == 0, err)
    rc, before, err = run([v6, "report", "--db", db, "--format", "json"])

    # Bodies larger than the page cap: read up to it, and said so.
    rc, out, err = run([v6, "crawl", "--db", os.path.join(o.work, "cap"),
                        "--max-body", "1024"] + base +
                       ["http://www.demo.gov.cn/"])
    rc2, rep, err2 = run([v6, "report", "--db", os.path.join(o.work, "cap"),
                          "--format", "json"])
    site = itlib.jload(rep)["sites"][0] if rc2 == 0 else {}
    check("a page longer than --max-body: the crawl completes and the "
          "report counts the page cut", rc == 0 and
          site.get("pages_truncated", 0) >= 1 and
          itlib.jload(rep)["run"]["complete"] is True,
          "rc %s %s %s" % (rc, err, site.get("pages_truncated")))

    # The sites file cannot be read: missing, or a directory.
    for path, why in ((os.path.join(o.work, "no-such-sites.txt"),
                       "No such file"), (o.work, "directory")):
        rc, out, err = run([v6, "crawl", "--db", db, "--sites", path] + base)
        check("unreadable sites file (%s): exit 2, one line naming it"
              % why, rc == 2 and one_line(err) and path in err
              and why.lower() in err.lower(), "rc %s: %s" % (rc, err))

    # A store from a newer v6crawl: its schema number raised by hand with
    # LMDB's own tools.
    newer = os.path.join(o.work, "newer")
    shutil.copytree(db, newer)
    rc, dump, err = run(["mdb_dump", "-s", "meta", newer])
    lines = dump.splitlines()
    i = lines.index(" 736368656d61")  # the key "schema"
    lines[i + 1] = " 00000063"  # schema 99
    rc2, _, err2 = run(["mdb_load", "-s", "meta", newer],
                       input="\n".join(lines).encode() + b"\n")
    check("mdb_load raised the schema", rc == 0 and rc2 == 0, err + err2)
    rc, out, err = run([v6, "crawl", "--db", newer] + base +
                       ["http://www.demo.edu.cn/"])
    check("crawl into a newer store: exit 3, one line saying so",
          rc == 3 and one_line(err) and "newer" in err,
          "rc %s: %s" % (rc, err))
    rc, out, err = run([v6, "report", "--db", newer])
    check("report on a newer store: exit 3, one line", rc == 3 and
          one_line(err) and "newer" in err, "rc %s: %s" % (rc, err))
    rc, dump2, _ = run(["mdb_dump", "-s", "meta", newer])
    check("... and the newer store is left as it was",
          " 00000063" in dump2.splitlines(), dump2[-200:])

    # A full disk: the store on a 1 MiB tmpfs in a mount namespace of its
    # own; the crawl fails with one line and exit 3, and what was
    # committed before stays readable.
    full = os.path.join(o.work, "full")
    os.makedirs(full)
    script = """
set -e
mount -t tmpfs -o size=1m tmpfs "$1"
cp -r "$2" "$1/db"
dd if=/dev/zero of="$1/filler" bs=4k count=250 2>/dev/null || true
set +e
dir=$1 v6=$3
shift 3
"$v6" crawl --db "$dir/db" "$@" >/dev/null 2>"$dir/../crawl.err"
echo "rc=$?"
"$v6" report --db "$dir/db" --run 1 --format json
"""
    unshare = ["unshare", "--mount"] if os.geteuid() == 0 else \
        ["unshare", "--user", "--map-root-user", "--mount"]
    rc, out, err = run(unshare + ["sh", "-c", script, "sh", full, db, v6] +
                       base + ["http://www.demo.gov.cn/",
                               "http://www.demo.edu.cn/"])
    try:
        with open(os.path.join(o.work, "crawl.err")) as f:
            cerr = f.read()
    except OSError:
        cerr = ""
    crc = out.split("\n", 1)[0]
    check("crawl on a full disk: exit 3 with one line naming the store",
          crc == "rc=3" and one_line(cerr) and "store" in cerr,
          "%s %s %s" % (crc, cerr, err))
    rep = out.split("\n", 1)[1] if "\n" in out else ""
    check("... and the run committed before is still all there",
          rep.strip() and itlib.jload(rep)["sites"] ==
          itlib.jload(before)["sites"], rep[:500] + err)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
