#!/usr/bin/python3
"""The sites file: URL, display name, owning unit and scope domain per
line (tab- or comma-separated, # comments, blank lines), shown in the
reports and grouped with `report --by-unit`; a bad line is named with its
file and line number before anything is crawled. A UTF-8 BOM is skipped, a
file that is not UTF-8 is read as GB18030, a URL listed twice is crawled
once (with a warning), and the scope column gives the site's internal
domain (over --scope). Expected figures come from the world's model
(tests/world/world.py), never from v6crawl's own code.

    test_sitesfile.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import json
import os
import subprocess
import sys

import itlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "world"))
import world as W  # noqa: E402

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


def run(args):
    p = subprocess.run([OPTS.v6crawl] + args, capture_output=True,
                       timeout=180)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


def write(name, data):
    """The sites file @name in the work directory with the bytes (or the
    text, as UTF-8) @data; its path."""
    path = os.path.join(OPTS.work, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def report_json(db):
    """`report --format json` of @db, with its stdout decoded strictly as
    UTF-8: (report or None, why not)."""
    p = subprocess.run([OPTS.v6crawl, "report", "--db", db, "--format",
                        "json"], capture_output=True, timeout=180)
    try:
        return itlib.jload(p.stdout.decode("utf-8")), ""
    except ValueError as e:  # UnicodeDecodeError is a ValueError
        return None, "rc %d: %s: %r" % (p.returncode, e, p.stdout[:300])


def figures(site):
    """The counts of a site's four figures, as the model and the report
    both give them."""
    return {(lv, sc): (site["levels"][lv][sc]["links"],
                       site["levels"][lv][sc]["counted"],
                       site["levels"][lv][sc]["ipv6"],
                       site["levels"][lv][sc]["classes"])
            for lv in ("2", "3") for sc in ("internal", "all")}


def test_bom(base):
    """A UTF-8 byte-order mark (Windows Notepad writes one) is skipped."""
    path = write("bom.txt", "\ufeffhttp://www.demo.gov.cn/\tGov portal\n"
                 "http://www.demo.edu.cn/\n")
    db = os.path.join(OPTS.work, "db-bom")
    rc, out, err = run(["crawl", "--sites", path, "--db", db] + base)
    check("a sites file with a UTF-8 BOM: crawl exits 0", rc == 0,
          "rc %s: %s" % (rc, err))
    rep, why = report_json(db)
    got = [(s["start_url"], s["name"]) for s in (rep or {}).get("sites", [])]
    check("... and every site is crawled, the first line's name intact",
          got == [("http://www.demo.gov.cn/", "Gov portal"),
                  ("http://www.demo.edu.cn/", None)], got or why)


def test_gb18030(base):
    """A file saved as GBK/GB18030 (Excel's and Notepad's "ANSI" in a
    Chinese locale) is converted; bytes neither UTF-8 nor GB18030 are an
    error naming file:line."""
    path = write("gbk.txt", "# 门户网站\nhttp://www.demo.edu.cn/\t示范大学"
                 "\t教育局\nhttp://www.demo.gov.cn/,示范部门户,办公厅\n"
                 .encode("gb18030"))
    db = os.path.join(OPTS.work, "db-gbk")
    rc, out, err = run(["crawl", "--sites", path, "--db", db] + base)
    check("a GB18030 sites file: crawl exits 0, no warning",
          rc == 0 and "garbled" not in err, "rc %s: %s" % (rc, err))
    rep, why = report_json(db)
    got = [(s["start_url"], s["name"], s["unit"])
           for s in (rep or {}).get("sites", [])]
    check("... report json is valid UTF-8 with the exact Chinese names",
          got == [("http://www.demo.edu.cn/", "示范大学", "教育局"),
                  ("http://www.demo.gov.cn/", "示范部门户", "办公厅")],
          got or why)
    p = subprocess.run([OPTS.v6crawl, "report", "--db", db, "--format",
                        "csv"], capture_output=True, timeout=180)
    try:
        csv_ok = "示范部门户" in p.stdout.decode("utf-8")
    except ValueError:
        csv_ok = False
    check("... and report csv is valid UTF-8 with the name", csv_ok,
          p.stdout[:300])

    mixed = write("mixed.txt", "http://www.demo.edu.cn/\t示范大学\n"
                  .encode() + "http://www.demo.gov.cn/\t示范部门户\n"
                  .encode("gb18030"))
    rc, out, err = run(["crawl", "--sites", mixed, "--db",
                        os.path.join(OPTS.work, "db-mixed")] + base)
    want = ("v6crawl: %s:1: UTF-8 text in a file read as GB18030 (line 2 "
            "is not UTF-8): its names come out garbled; save the file in "
            "one encoding\n" % mixed)
    check("a file mixing UTF-8 and GBK lines: exit 0, the warning line",
          rc == 0 and err.splitlines(True)[:1] == [want],
          "rc %s: %r" % (rc, err))

    for name, data, line in (
            ("neither.txt", b"http://www.demo.edu.cn/\n"
             b"http://www.demo.gov.cn/\t\xff\xff\n", 2),
            ("bom-gbk.txt", b"\xef\xbb\xbfhttp://www.demo.edu.cn/\n"
             b"http://www.demo.gov.cn/\t" + "示范".encode("gb18030")
             + b"\n", 2)):
        bad = write(name, data)
        rc, out, err = run(["crawl", "--sites", bad, "--db",
                            os.path.join(OPTS.work, "db-" + name)] + base)
        want = "v6crawl: %s:%d: not UTF-8%s text\n" % (
            bad, line, "" if name.startswith("bom") else " or GB18030")
        check("%s: exit 2, the one line %r" % (name, want),
              rc == 2 and err == want, "rc %s: %r" % (rc, err))


def test_utf16(base):
    """Excel's "Unicode text" (tab-separated UTF-16 with a BOM, little- or
    big-endian) is converted too."""
    for name, enc in (("utf16le.txt", "utf-16"), ("utf16be.txt", "utf-16-be")):
        text = "http://www.demo.edu.cn/\t示范大学\t教育局\r\n"
        data = text.encode(enc)
        if enc.endswith("-be"):
            data = b"\xfe\xff" + data
        path = write(name, data)
        db = os.path.join(OPTS.work, "db-" + name)
        rc, out, err = run(["crawl", "--sites", path, "--db", db] + base)
        rep, why = report_json(db)
        got = [(s["start_url"], s["name"], s["unit"])
               for s in (rep or {}).get("sites", [])]
        check("a UTF-16 sites file (%s): exit 0, the exact names" % name,
              rc == 0 and got == [("http://www.demo.edu.cn/", "示范大学",
                                   "教育局")], "rc %s: %s %s" % (rc, err,
                                                           got or why))
    # "上" is 0a 4e in UTF-16LE: line 2 has a newline byte but one line
    bad = write("utf16bad.txt", b"\xff\xfe" + "http://www.demo.edu.cn/\n"
                "上\n".encode("utf-16-le") + b"\x00\xd8\n\x00")
    rc, out, err = run(["crawl", "--sites", bad, "--db",
                        os.path.join(OPTS.work, "db-utf16bad")] + base)
    want = "v6crawl: %s:3: not UTF-16 text\n" % bad
    check("utf16bad.txt: exit 2, the one line %r" % want,
          rc == 2 and err == want, "rc %s: %r" % (rc, err))


def test_duplicate(base):
    """A URL listed twice (the same after normalisation) is crawled once,
    with the first line's name and unit, and one warning line."""
    path = write("dup.txt", "http://www.demo.gov.cn/\tFirst\t办公厅\n"
                 "http://www.demo.edu.cn/\n"
                 "# the same portal again, written otherwise\n"
                 "HTTP://WWW.Demo.gov.cn:80\tSecond\tOther unit\n")
    db = os.path.join(OPTS.work, "db-dup")
    rc, out, err = run(["crawl", "--sites", path, "--db", db] + base)
    want = ("v6crawl: %s:4: http://www.demo.gov.cn/ repeats line 1; crawled "
            "once, as line 1 describes it\n" % path)
    lines = err.splitlines(True)
    check("a duplicate URL: crawl exits 0 with the one warning line",
          rc == 0 and lines[:1] == [want]
          and not any("repeats" in ln for ln in lines[1:]),
          "rc %s: %r" % (rc, err))
    rep, why = report_json(db)
    got = [(s["start_url"], s["name"], s["unit"])
           for s in (rep or {}).get("sites", [])]
    check("... one site for it, named by its first line",
          got == [("http://www.demo.gov.cn/", "First", "办公厅"),
                  ("http://www.demo.edu.cn/", None, None)], got or why)


def test_scope(base):
    """The fourth column is the site's scope domain; it wins over --scope,
    which stays the default for the other sites."""
    gov, edu = W.SITES
    path = write("scope.txt", "%s\tGov\t办公厅\tWWW.Demo.Gov.CN\n"
                 "%s\t示范大学\t教育局\n" % (gov, edu))
    db = os.path.join(OPTS.work, "db-scope")
    rc, out, err = run(["crawl", "--sites", path, "--scope", "cn",
                        "--db", db] + base)
    check("a scope column: crawl exits 0", rc == 0, "rc %s: %s" % (rc, err))
    rep, why = report_json(db)
    sites = (rep or {}).get("sites", [])
    got = [(s["start_url"], s["scope_domain"]) for s in sites]
    check("... scope_domain is the column's (normalised), else --scope's",
          got == [(gov, "www.demo.gov.cn"), (edu, "cn")], got or why)
    for site, scope in ((gov, "www.demo.gov.cn"), (edu, "cn")):
        exp = W.expected(sites=[site], scope=scope)["sites"][0]
        mine = [s for s in sites if s["start_url"] == site]
        check("... %s: the figures of scope %s" % (site, scope),
              mine and figures(mine[0]) == figures(exp),
              (figures(mine[0]) if mine else None, figures(exp)))
    bad = write("badscope.txt", "%s\n%s\tName\tUnit\thttp://x.cn/\n"
                % (gov, edu))
    rc, out, err = run(["crawl", "--sites", bad, "--db",
                        os.path.join(OPTS.work, "db-badscope")] + base)
    want = "v6crawl: %s:2: not a domain name: 'http://x.cn/'\n" % bad
    check("a bad scope column: exit 2, the one line %r" % want,
          rc == 2 and err == want, "rc %s: %r" % (rc, err))
    rc, out, err = run(["crawl", "--scope", "a/b", gov, "--db",
                        os.path.join(OPTS.work, "db-badscope")] + base)
    want = "v6crawl: bad value for --scope: 'a/b'\n"
    check("a bad --scope: exit 2, the one line %r" % want,
          rc == 2 and err == want, "rc %s: %r" % (rc, err))


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
    rep = itlib.jload(out) if rc == 0 else {"sites": []}
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
    n_before = len(itlib.jload(run(["runs", "--db", db, "--format",
                                   "json"])[1])["runs"])
    rc, out, err = run(["crawl", "--sites", bad] + base)
    check("a bad URL in the sites file: exit 2, one line naming file:line",
          rc == 2 and "%s:4:" % bad in err and len(err.strip().splitlines())
          == 1, "rc %s: %s" % (rc, err))
    n_after = len(itlib.jload(run(["runs", "--db", db, "--format",
                                  "json"])[1])["runs"])
    check("... and nothing was crawled (still 1 run)",
          n_before == 1 and n_after == 1,
          (n_before, n_after))
    # the same options, each test with its own store
    base = base[2:]
    test_bom(base)
    test_gb18030(base)
    test_utf16(base)
    test_duplicate(base)
    test_scope(base)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


OPTS = None
if __name__ == "__main__":
    sys.exit(main())
