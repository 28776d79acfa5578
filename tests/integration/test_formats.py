#!/usr/bin/python3
"""The documents for machines (issue 12, items 8-10), on a small world of
this test's own inside the suite's network namespace: a server on
127.0.13.2 and fd6c:7013::2, and a dnsmasq on 127.0.13.2:53 naming
fmt.test and other.fmt.test (A and AAAA) and bad.fmt.test (A only, so its
links are no-aaaa).

fmt.test's homepage links GOOD pages of its own and BAD of bad.fmt.test:
run 1 is 9/10 = 90%, run 2 is 8/10 = 80%, a drop of 0.1; other.fmt.test
links 4 pages of its own, 100%. The sites file names them "-5 portal"
(text that a spreadsheet would take for a formula) and 示范大学.

- every JSON document (report, links, fixes, runs, diff, prune) is valid
  UTF-8 and valid against doc/v6crawl.schema.json, with schema_version,
  generator and document; the run object is the same in all of them;
  lists are arrays and hops are objects; the threshold and a pass per
  site and per figure are in the report, following --threshold;
- CSV read with Python's csv module: numbers are numbers (the drop is
  -0.1, not '-0.1), text cells keep the formula guard, every CSV has the
  run's date;
- the text report names the sites and has a result column against
  --threshold.

    test_formats.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import copy
import csv
import io
import json
import os
import subprocess
import sys

import jsonschema

import itlib
from itlib import PageHandler, Run, link_page, small_world, small_world_stop

results = []
V4, V6 = "127.0.13.2", "fd6c:7013::2"
SITE, OTHER = "http://fmt.test/", "http://other.fmt.test/"
NAME, OTHER_NAME = "-5 portal", "示范大学"
STATE = {"good": 9, "bad": 1}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - " + name + ": " + str(detail)[:2000])
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/" and host == "other.fmt.test":
            return link_page(["/o%d.html" % i for i in range(4)])
        if self.path == "/":
            return link_page(["/p%d.html" % i for i in range(STATE["good"])] +
                             ["http://bad.fmt.test/q%d.html" % i
                              for i in range(STATE["bad"])])
        if self.path.endswith(".html"):
            return b"<html><body>leaf</body></html>"
        return None


class T:
    v6crawl = db = work = None


def v6crawl(args):
    return Run(subprocess.run([T.v6crawl] + args, capture_output=True,
                              timeout=180))


def crawl(good, bad):
    STATE["good"], STATE["bad"] = good, bad
    return v6crawl(["crawl", "--db", T.db, "--dns-server", V4 + ":53",
                    "--allow-private", "--timeout", "5", "--retries", "0",
                    "--quiet", "--depth", "2", "--homepage-probes", "1",
                    "--assume-ipv6", "yes", "--sites", T.sites])


def doc(args, label):
    """The JSON document of `v6crawl ARGS --format json`, read through
    itlib.jload (valid UTF-8, valid against the schema); None when it is
    not."""
    r = v6crawl(args + ["--format", "json"])
    try:
        d = itlib.jload(r.out.encode("utf-8")) if r.rc == 0 else None
    except (ValueError, jsonschema.ValidationError) as e:
        d, why = None, repr(e)[:1500]
    else:
        why = r.why()
    check("%s: exit 0, valid UTF-8 JSON valid against the schema" % label,
          d is not None, why)
    return d


def csv_rows(args):
    """The rows of `v6crawl ARGS --format csv` as dicts (csv module)."""
    r = v6crawl(args + ["--format", "csv"])
    text = r.out[1:] if r.out.startswith("\ufeff") else r.out
    return r.rc, list(csv.DictReader(io.StringIO(text, newline="")))


def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def numbers_are_numbers(label, rows, cols):
    """Every cell of @cols in @rows is a number or empty, none guarded."""
    bad = [(c, r[c]) for r in rows for c in cols
           if r[c] != "" and not is_number(r[c])]
    check("%s: the number columns hold plain numbers (%s)" % (label,
                                                             ", ".join(cols)),
          rows and not bad, bad[:10])


def head_ok(d, kind):
    gen = (d or {}).get("generator") or {}
    return ((d or {}).get("schema_version") == 1 and
            gen.get("name") == "v6crawl" and
            gen.get("version") == T.version and
            (d or {}).get("document") == kind)


def case_json():
    rep = doc(["report", "--db", T.db], "report")
    sites = {s["start_url"]: s for s in (rep or {}).get("sites", [])}
    check("report: schema_version 1, generator v6crawl %s, document report"
          % T.version, head_ok(rep, "report"), rep and {
              k: rep.get(k) for k in ("schema_version", "generator",
                                      "document")})
    fig = ((sites.get(SITE) or {}).get("levels") or {}).get("2") or {}
    check("report: threshold 85, fmt.test (8/10) fails at the site and the "
          "level-2 internal figure, other.fmt.test passes",
          rep and rep["threshold"] == 85 and
          sites[SITE]["pass"] is False and
          fig["internal"]["pass"] is False and
          (fig["internal"]["ipv6"], fig["internal"]["counted"]) == (8, 10) and
          sites[OTHER]["pass"] is True, (rep or {}).get("threshold"))
    check("report: the sites file's names", rep and
          (sites[SITE]["name"], sites[OTHER]["name"]) == (NAME, OTHER_NAME),
          list(sites))
    low = doc(["report", "--db", T.db, "--threshold", "75"], "report 75")
    ls = {s["start_url"]: s for s in (low or {}).get("sites", [])}
    check("report --threshold 75: threshold 75 and fmt.test passes",
          low and low["threshold"] == 75 and ls[SITE]["pass"] is True and
          ls[SITE]["levels"]["2"]["internal"]["pass"] is True, low and ls)
    run1 = doc(["report", "--db", T.db, "--run", "1"], "report run 1")
    s1 = {s["start_url"]: s for s in (run1 or {}).get("sites", [])}
    check("report --run 1: 9/10 = 90% passes", run1 and
          s1[SITE]["pass"] is True and
          s1[SITE]["levels"]["2"]["internal"]["concentration"] == 0.9,
          run1 and s1[SITE]["levels"])

    lk = doc(["links", "--db", T.db], "links")
    fx = doc(["fixes", "--db", T.db], "fixes")
    rn = doc(["runs", "--db", T.db], "runs")
    df = doc(["diff", "--db", T.db, "1", "2"], "diff")
    pr = doc(["prune", "--db", T.db, "--keep", "1", "--dry-run"], "prune")
    for d, kind in ((lk, "links"), (fx, "fixes"), (rn, "runs"), (df, "diff"),
                    (pr, "prune")):
        check("%s: schema_version, generator, document %s" % (kind, kind),
              head_ok(d, kind), d and {k: d.get(k) for k in (
                  "schema_version", "generator", "document")})
    run = (rep or {}).get("run")
    check("the same run object in report, links, fixes, runs and diff",
          run and run["id"] == 2 and run["state"] == "complete" and
          lk["run"] == run and fx["run"] == run and
          [r for r in rn["runs"] if r["id"] == 2] == [run] and
          df["b"] == run and df["a"] == run1["run"],
          (run, (lk or {}).get("run"), (fx or {}).get("run")))
    check("prune --dry-run --format json: run 1 would go, nothing deleted",
          pr and pr["deleted"] == [1] and pr["kept"] == [2] and
          pr["dry_run"] is True, pr)
    links = {ln["url"]: ln for ln in (lk or {}).get("links", [])}
    bad = links.get("http://bad.fmt.test/q0.html") or {}
    check("links: DNS answers are arrays (A of bad.fmt.test, no AAAA)",
          (bad.get("dns") or {}).get("a") == [V4] and
          bad["dns"]["aaaa"] == [] and bad["dns"]["cnames"] == [],
          bad.get("dns"))
    good = links.get(SITE + "p0.html") or {}
    check("links: a hop is an object with kind, status, error and url",
          (good.get("v6") or {}).get("hops") == [
              {"kind": "response", "status": 200, "error": None,
               "url": SITE + "p0.html"}], good.get("v6"))
    check("links: the filter says what was asked (none)",
          lk and lk["filter"] == {"site": None, "level": None, "class": None},
          lk and lk["filter"])
    fsite = {s["start_url"]: s for s in (fx or {}).get("sites", [])}
    check("fixes: the site's name and bad.fmt.test ranked first",
          fsite.get(SITE, {}).get("name") == NAME and
          fsite[SITE]["hosts"][0]["host"] == "bad.fmt.test" and
          fsite[SITE]["hosts"][0]["dns"]["a"] == [V4],
          fsite.get(SITE))
    dsite = {s["start_url"]: s for s in (df or {}).get("sites", [])}
    ch = ((dsite.get(SITE) or {}).get("levels") or {}).get("2") or {}
    check("diff: the level-2 internal change is a number, -0.1",
          abs(((ch.get("internal") or {}).get("change") or 0) + 0.1) < 1e-9
          and isinstance(ch["internal"]["change"], float), ch)

    # the schema can fail: a comma-joined list, an unknown key, no version
    broken = []
    if rep:
        a = copy.deepcopy(lk)
        a["links"][0]["dns"] = dict(a["links"][0]["dns"] or {}, a="x,y")
        b = copy.deepcopy(rep)
        b["sites"][0]["surprise"] = 1
        c = copy.deepcopy(rep)
        del c["schema_version"]
        for x in (a, b, c):
            try:
                itlib.jload(json.dumps(x))
                broken.append(False)
            except jsonschema.ValidationError:
                broken.append(True)
    check("the schema rejects a joined list, an unknown key and a document "
          "without schema_version", broken == [True, True, True], broken)


def case_csv():
    rn = itlib.jload(v6crawl(["runs", "--db", T.db, "--format",
                              "json"]).out)
    date = {r["id"]: r["started"][:10] for r in rn["runs"]}
    rc, rows = csv_rows(["diff", "--db", T.db, "1", "2"])
    fig = [r for r in rows if r["site"] == SITE and r["change"] == "figure"
           and r["level"] == "2" and r["scope"] == "internal"]
    check("diff csv: the level-2 drop is the number -0.1 (not '-0.1)",
          rc == 0 and len(fig) == 1 and fig[0]["difference"] == "-0.1" and
          fig[0]["concentration_a"] == "0.9" and
          fig[0]["concentration_b"] == "0.8", fig)
    numbers_are_numbers("diff csv", rows, ["run_a", "run_b", "level",
                                           "concentration_a",
                                           "concentration_b", "difference"])
    check("diff csv: date_a and date_b are the runs' dates",
          rows and all((r["date_a"], r["date_b"]) == (date[1], date[2])
                       for r in rows), rows[:2])

    rc, rows = csv_rows(["report", "--db", T.db])
    numbers_are_numbers("report csv", rows, [
        "run", "level", "links", "counted", "ipv6", "concentration",
        "alive_concentration", "ok", "no-aaaa"])
    mine = [r for r in rows if r["site"] == SITE]
    check("report csv: a text cell keeps the formula guard ('-5 portal)",
          rc == 0 and mine and all(r["name"] == "'" + NAME for r in mine),
          mine[:1])
    check("report csv: the date column is run 2's date",
          rows and all(r["date"] == date[2] for r in rows), rows[:1])
    check("report csv: fmt.test level 2 internal 8/10 = 0.8",
          [(r["ipv6"], r["counted"], r["concentration"]) for r in mine
           if r["level"] == "2" and r["scope"] == "internal"] ==
          [("8", "10", "0.8")], mine)

    rc, rows = csv_rows(["fixes", "--db", T.db])
    numbers_are_numbers("fixes csv", rows, ["run", "rank", "links_l2",
                                            "links", "l2_before",
                                            "l2_after"])
    check("fixes csv: the date column", rc == 0 and rows and
          all(r["date"] == date[2] for r in rows), rows[:1])
    rc, rows = csv_rows(["links", "--db", T.db])
    numbers_are_numbers("links csv", rows, ["level", "v6_status",
                                            "v4_status"])
    check("links csv: the date column", rc == 0 and rows and
          all(r["date"] == date[2] for r in rows), rows[:1])
    rc, rows = csv_rows(["runs", "--db", T.db])
    numbers_are_numbers("runs csv", rows, ["id", "sites"])
    check("runs csv: the date column", rc == 0 and
          [(r["id"], r["date"]) for r in rows] ==
          [("1", date[1]), ("2", date[2])], rows)


def case_text():
    def row(out, site):
        # the first table's row (the later tables start with the URL too)
        return [ln for ln in out.splitlines()
                if ln.startswith(site + " ")][:1]
    r = v6crawl(["report", "--db", T.db])
    a, b = row(r.out, SITE), row(r.out, OTHER)
    check("text report: fmt.test's row says FAIL and names the site",
          r.rc == 0 and len(a) == 1 and a[0].endswith(" FAIL   " + NAME),
          a or r.why())
    check("text report: other.fmt.test's row says pass and names it",
          len(b) == 1 and b[0].endswith(" pass   " + OTHER_NAME), b)
    check("text report: the heading says the threshold and the columns",
          "at or above 85% (--threshold)" in r.out and
          any(ln.startswith("site ") and ln.endswith(" result name")
              for ln in r.out.splitlines()), r.out[:800])
    r = v6crawl(["report", "--db", T.db, "--threshold", "75"])
    a = row(r.out, SITE)
    check("text report --threshold 75: fmt.test passes",
          r.rc == 0 and len(a) == 1 and a[0].endswith(" pass   " + NAME) and
          "at or above 75% (--threshold)" in r.out, a or r.why())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    T.db = os.path.join(o.work, "db")
    os.makedirs(o.work, exist_ok=True)
    T.sites = os.path.join(o.work, "sites.txt")
    with open(T.sites, "w", encoding="utf-8") as f:
        f.write("%s\t%s\n%s\t%s\n" % (SITE, NAME, OTHER, OTHER_NAME))
    T.version = v6crawl(["--version"]).out.split("\n")[0].split()[-1]
    subprocess.run(["ip", "-6", "addr", "add", V6 + "/128", "dev", "lo",
                    "nodad"], capture_output=True)
    world = small_world(o.work, V4, V6, [
        "fmt.test,%s,%s" % (V4, V6), "other.fmt.test,%s,%s" % (V4, V6),
        "bad.fmt.test," + V4], Handler)
    try:
        r1 = crawl(9, 1)
        check("run 1 (9/10) exits 0", r1.rc == 0, r1.why())
        r2 = crawl(8, 2)
        check("run 2 (8/10) exits 0", r2.rc == 0, r2.why())
        case_json()
        case_csv()
        case_text()
    finally:
        small_world_stop(world)
        subprocess.run(["ip", "-6", "addr", "del", V6 + "/128", "dev", "lo"],
                       capture_output=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
