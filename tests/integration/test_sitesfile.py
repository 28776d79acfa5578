#!/usr/bin/python3
"""The sites file: URL, display name and owning unit per line (tab- or
comma-separated, # comments, blank lines), shown in the reports and
grouped with `report --by-unit`; a bad line is named with its file and
line number before anything is crawled.

    test_sitesfile.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import json
import os
import subprocess
import sys

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


def run(args):
    p = subprocess.run([OPTS.v6crawl] + args, capture_output=True,
                       timeout=180)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    OPTS = ap.parse_args()
    sites = os.path.join(OPTS.work, "sites.txt")
    with open(sites, "w") as f:
        f.write("# portals of the demo world\n\n"
                "http://www.demo.edu.cn/\t示范大学\t教育局\n"
                "http://www.demo.gov.cn/, Demo ministry portal, 办公厅\n")
    db = os.path.join(OPTS.work, "db")
    base = ["--db", db, "--dns-server", "127.0.0.1:5353", "--cacert",
            os.path.join(OPTS.world, "ca.pem"), "--allow-private",
            "--timeout", "3", "--retries", "1"]
    rc, out, err = run(["crawl", "--sites", sites] + base)
    check("crawl --sites exits 0", rc == 0, err)
    rc, out, err = run(["report", "--db", db, "--format", "json"])
    rep = json.loads(out) if rc == 0 else {"sites": []}
    got = [(s["start_url"], s["name"], s["unit"]) for s in rep["sites"]]
    check("names and units from the sites file, in file order", got == [
        ("http://www.demo.edu.cn/", "示范大学", "教育局"),
        ("http://www.demo.gov.cn/", "Demo ministry portal", "办公厅")], got)
    rc, out, err = run(["report", "--db", db, "--by-unit"])
    lines = out.splitlines()
    heads = [ln for ln in lines if ln.startswith("[")]
    check("report --by-unit groups sites under their units, in unit order",
          heads == ["[办公厅]", "[教育局]"]
          and lines.index("[办公厅]") < next(
              i for i, ln in enumerate(lines)
              if ln.startswith("http://www.demo.gov.cn/"))
          < lines.index("[教育局]") < next(
              i for i, ln in enumerate(lines)
              if ln.startswith("http://www.demo.edu.cn/")), out[:1500])
    rc, out, err = run(["report", "--db", db, "--format", "csv"])
    check("report csv: UTF-8 with a BOM, unit column",
          out.startswith("\ufeff") and "教育局" in out, out[:300])

    bad = os.path.join(OPTS.work, "bad.txt")
    with open(bad, "w") as f:
        f.write("http://www.demo.edu.cn/\n# fine\n\nftp://files.demo.gov.cn/\n")
    n_before = len(json.loads(run(["runs", "--db", db, "--format",
                                   "json"])[1])["runs"])
    rc, out, err = run(["crawl", "--sites", bad] + base)
    check("a bad URL in the sites file: exit 2, one line naming file:line",
          rc == 2 and "%s:4:" % bad in err and len(err.strip().splitlines())
          == 1, "rc %s: %s" % (rc, err))
    n_after = len(json.loads(run(["runs", "--db", db, "--format",
                                  "json"])[1])["runs"])
    check("... and nothing was crawled (still 1 run)",
          n_before == 1 and n_after == 1,
          (n_before, n_after))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


OPTS = None
if __name__ == "__main__":
    sys.exit(main())
