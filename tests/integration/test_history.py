#!/usr/bin/python3
"""History, fixes and --fail-under against the test world (tests/world).

Run by tests/integration/run.sh inside a private network namespace, with the
world already up:

    test_history.py --world WORLD_DIR --work WORK_DIR --v6crawl PATH

Crawls the world twice into one store; between the crawls it changes three
served files (a dead link's target appears, a live level-3 target goes, a
level-2 page swaps one link for another) and the same change is made to the
world's model (tests/world/world.py), so every expectation below comes from
W.expected() and W.classify() of the model, never from v6crawl's own code.
The files are restored at the end: later tests see the world as it was.

Checks `runs`, `diff` (figure changes, links that became failing / fixed,
new and gone links), `fixes` (hosts, counts, classes, DNS evidence, the CDN
named from data/cdn-suffixes.txt, cumulative figures and the sentence),
`prune --keep 1` (and --compact), `crawl --fail-under`, `report
--fail-under`, and the progress line's ETA on a terminal.

Prints "ok - name" or "not ok - name: detail" per check and ends with
"N passed, N failed"; exits 1 if any check failed.
"""

import argparse
import copy
import fnmatch
import json
import os
import pty
import re
import subprocess
import sys
import threading
import urllib.parse

import itlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP_SRCDIR") or os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "world"))
sys.dont_write_bytecode = True
import world as W  # noqa: E402

TOLERANCE = 1e-9
FIXABLE = ("no-aaaa", "v6-broken", "v6-error")
SUPPORTED = ("ok", "v6-only")
NOT_COUNTED = ("robots", "skipped", "unmeasured", "blocked")

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    if cond:
        print("ok - %s" % name)
    else:
        detail = str(detail).replace("\n", " | ")
        if len(detail) > 3000:
            detail = detail[:3000] + "..."
        print("not ok - %s: %s" % (name, detail))
    sys.stdout.flush()
    return bool(cond)


class Run:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def json(self):
        try:
            return itlib.jload(self.out)
        except ValueError:
            return None

    def why(self):
        return "exit %s, stderr: %s, stdout: %s" % (
            self.rc, self.err.strip()[-1000:], self.out.strip()[:1000])


def v6crawl(args, timeout=180):
    try:
        p = subprocess.run([OPTS.v6crawl] + args, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run("timeout", "", "")
    return Run(p.returncode, p.stdout.decode(errors="replace"),
               p.stderr.decode(errors="replace"))


def crawl_args(db):
    return ["crawl", "--db", db, "--dns-server", "127.0.0.1:5353",
            "--cacert", os.path.join(OPTS.world, "ca.pem"), "--allow-private",
            "--timeout", "3", "--retries", "1"]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < TOLERANCE

# ---------------------------------------------------------------------------
# The change between the two crawls, made to the served files and the model.


def page_path(key):
    host, path = key.split("/", 1)
    if path == "" or path.endswith("/"):
        path += "index.html"
    return os.path.join(OPTS.world, "www", host, path)


CHANGES = {
    # dead (404 on both families) -> ok: "became fixed", level 2
    "www.demo.gov.cn/missing.html": dict(links=[]),
    # ok -> dead: "became failing", level 3 of the second site
    "www.demo.edu.cn/research/lab.html": None,
    # a level-2 page: /map/west.html goes, /map/north.html (404) comes
    "www.demo.gov.cn/map/east.html": dict(links=[("a", "/"),
                                                 ("a", "/map/north.html")]),
}


def apply_change():
    """Change the world's files and model; returns what restores both."""
    saved_files, saved_pages = {}, {}
    for key, page in CHANGES.items():
        path = page_path(key)
        saved_files[path] = open(path, "rb").read() \
            if os.path.exists(path) else None
        saved_pages[key] = W.PAGES.get(key)
        if page is None:
            os.remove(path)
            del W.PAGES[key]
        else:
            W.PAGES[key] = page
            with open(path, "wb") as f:
                f.write(W.page_html(key, page))
    return saved_files, saved_pages


def restore(saved):
    saved_files, saved_pages = saved
    for path, data in saved_files.items():
        if data is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            with open(path, "wb") as f:
                f.write(data)
    for key, page in saved_pages.items():
        if page is None:
            W.PAGES.pop(key, None)
        else:
            W.PAGES[key] = page

# ---------------------------------------------------------------------------
# Expectations from the model.


def conc(f):
    return f["ipv6"] / f["counted"] if f["counted"] else None


def internal_figs(exp):
    """{(site, level): fig} of the internal level-2/3 figures."""
    return {(s["start_url"], lv): s["levels"][lv]["internal"]
            for s in exp["sites"] for lv in ("2", "3")}


def model_diff(exp_a, exp_b):
    out = {}
    sites_a = {s["start_url"]: s for s in exp_a["sites"]}
    for sb in exp_b["sites"]:
        sa = sites_a[sb["start_url"]]
        la = {ln["url"]: ln for ln in sa["links"]}
        lb = {ln["url"]: ln for ln in sb["links"]}
        ch = dict(became_failing=set(), became_fixed=set(), new=set(),
                  gone=set(), changed=set())
        for url in set(la) | set(lb):
            a, b = la.get(url), lb.get(url)
            ref = b or a
            key = (url, ref["level"], ref["scope"],
                   a["class"] if a else None, b["class"] if b else None)
            if not a:
                ch["new"].add(key)
            elif not b:
                ch["gone"].add(key)
            else:
                ca, cb = a["class"], b["class"]
                counted = ca not in NOT_COUNTED and cb not in NOT_COUNTED
                if counted and ca in SUPPORTED and cb not in SUPPORTED:
                    ch["became_failing"].add(key)
                elif counted and ca not in SUPPORTED and cb in SUPPORTED:
                    ch["became_fixed"].add(key)
                elif ca != cb or a["level"] != b["level"] or \
                        a["scope"] != b["scope"]:
                    ch["changed"].add(key)
        levels = {}
        for lv in ("2", "3"):
            for scope in ("internal", "all"):
                fa, fb = sa["levels"][lv][scope], sb["levels"][lv][scope]
                ca, cb = conc(fa), conc(fb)
                levels[(lv, scope)] = (fa, fb, None if ca is None or cb is None
                                       else cb - ca)
        out[sb["start_url"]] = (levels, ch)
    return out


def cdn_table():
    rows = []
    with open(os.path.join(TOP, "data", "cdn-suffixes.txt"),
              encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            suf, prov = line.split("\t", 1)
            suf, prov = suf.strip().lower().strip("."), prov.strip()
            if suf.startswith("*."):
                suf = suf[2:]
            if suf and prov:
                rows.append((suf.split("."), prov))
    return rows


def model_provider(host):
    """The CDN of @host's CNAME chain in the world, as the table names it."""
    table = cdn_table()
    name = host
    while W.HOSTS.get(name, {}).get("cname"):
        name = W.HOSTS[name]["cname"]
        labels = name.lower().split(".")
        best, best_n = None, 0
        for suf, prov in table:
            if len(suf) > best_n and len(labels) >= len(suf) and all(
                    fnmatch.fnmatchcase(nl, sl)
                    for nl, sl in zip(labels[-len(suf):], suf)):
                best, best_n = prov, len(suf)
        if best:
            return best
    return None


def model_fixes(exp):
    """Per site: (hosts ranked [(host, {2: n, 3: n}, {class: n})], dead,
    figs)."""
    out = {}
    for s in exp["sites"]:
        hosts, dead = {}, {2: 0, 3: 0}
        for ln in s["links"]:
            if ln["scope"] != "internal" or ln["level"] not in (2, 3):
                continue
            if ln["class"] == "dead":
                dead[ln["level"]] += 1
            if ln["class"] not in FIXABLE:
                continue
            _, v6, _ = W.classify(ln["url"], True, {}, {})
            host = urllib.parse.urlsplit(v6["hops"][-1][1]).hostname
            h = hosts.setdefault(host, ({2: 0, 3: 0},
                                        {c: 0 for c in FIXABLE}))
            h[0][ln["level"]] += 1
            h[1][ln["class"]] += 1
        ranked = sorted(hosts.items(),
                        key=lambda kv: (-sum(kv[1][0].values()), kv[0]))
        out[s["start_url"]] = ([(h, n, c) for h, (n, c) in ranked], dead,
                               {lv: s["levels"][str(lv)]["internal"]
                                for lv in (2, 3)})
    return out


def cut(ipv6, counted):
    """The percentage cut down to 0.1% as every report prints it."""
    t = ipv6 * 1000 // counted
    return "%d.%d%%" % (t // 10, t % 10)


def sentence(hosts, lv, fig):
    n = sum(1 for _, cnt, _ in hosts if cnt[lv])
    links = sum(cnt[lv] for _, cnt, _ in hosts)
    if not fig["counted"]:
        return "  level %d: no counted internal links" % lv
    b = cut(fig["ipv6"], fig["counted"])
    if not n:
        return ("  level %d stays at %s: no internal link there fails "
                "over IPv6 alone" % (lv, b))
    a = cut(fig["ipv6"] + links, fig["counted"])
    if n == 1:
        return "  fix this host and level %d rises from %s to %s" % (
            lv, b, a)
    return "  fix these %d hosts and level %d rises from %s to %s" % (
        n, lv, b, a)

# ---------------------------------------------------------------------------


def below_named(err):
    return set(re.findall(r"below --fail-under [0-9.]+%: (\S+) level (\d) "
                          r"internal", err))


def check_fail_under(label, r, exp, pct):
    want = {(site, lv) for (site, lv), f in internal_figs(exp).items()
            if f["counted"] and f["ipv6"] * 100 < pct * f["counted"]}
    got = below_named(r.err)
    check("%s --fail-under %g: exit %d" % (label, pct, 1 if want else 0),
          r.rc == (1 if want else 0), r.why())
    check("%s --fail-under %g: names %s" % (label, pct, sorted(want) or
                                            "no site"),
          got == want, "named %s" % sorted(got))


def thresholds(exp):
    """(a percentage below every figure, one just above the lowest)."""
    vals = sorted(f["ipv6"] * 100 / f["counted"]
                  for f in internal_figs(exp).values() if f["counted"])
    return round(vals[0] - 0.5, 1), round(vals[0] + 0.05, 2)


def check_runs(db, ids):
    r = v6crawl(["runs", "--db", db, "--format", "json"])
    j = r.json() or {}
    runs = j.get("runs") or []
    check("runs --format json lists runs %s" % ids,
          r.rc == 0 and [x.get("id") for x in runs] == ids, r.why())
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    check("runs: each complete, 2 sites, IPv6 vantage, start <= end (ISO "
          "UTC)", runs and all(
              x.get("complete") is True and x.get("sites") == 2
              and x.get("vantage_ipv6") is True
              and iso.match(x.get("started") or "")
              and iso.match(x.get("finished") or "")
              and x["started"] <= x["finished"] for x in runs), runs)
    txt = v6crawl(["runs", "--db", db])
    rows = [ln.split() for ln in txt.out.splitlines()[1:] if ln.strip()]
    check("runs (text): one row per run with id and site count",
          txt.rc == 0 and [int(x[0]) for x in rows] == ids
          and all(x[3] == "yes" and x[-1] == "2" for x in rows), txt.out)
    csv = v6crawl(["runs", "--db", db, "--format", "csv"])
    lines = csv.out.split("\r\n")
    check("runs --format csv: BOM, header, one row per run",
          csv.rc == 0 and csv.out.startswith("\ufeffid,started,finished,")
          and len([ln for ln in lines if ln]) == len(ids) + 1, repr(csv.out))
    return runs


def check_diff(db, a, b, exp_a, exp_b):
    r = v6crawl(["diff", "--db", db, "--format", "json"])
    j = r.json()
    r2 = v6crawl(["diff", "--db", db, "--format", "json", str(a), str(b)])
    check("diff without runs compares the last two complete runs",
          r.rc == 0 and j is not None and j == r2.json()
          and j["a"]["id"] == a and j["b"]["id"] == b, r.why())
    if not j:
        return
    want = model_diff(exp_a, exp_b)
    got_sites = {s["start_url"]: s for s in j.get("sites", [])}
    check("diff: the sites of both runs", set(got_sites) == set(want),
          sorted(got_sites))
    for site, (levels, ch) in want.items():
        gs = got_sites.get(site)
        if not gs:
            continue
        bad = []
        for (lv, scope), (fa, fb, d) in levels.items():
            g = gs["levels"][lv][scope]
            for side, f in (("a", fa), ("b", fb)):
                if g[side]["counted"] != f["counted"] or \
                        g[side]["ipv6"] != f["ipv6"] or \
                        not close(g[side]["concentration"], conc(f)):
                    bad.append("%s %s %s: %r want %d/%d" % (
                        lv, scope, side, g[side], f["ipv6"], f["counted"]))
            if not close(g["change"], d):
                bad.append("%s %s change %r want %r" % (lv, scope,
                                                        g["change"], d))
        check("diff: %s figure changes exact (levels 2, 3; internal, all)"
              % site, not bad, "; ".join(bad))
        for kind in ("became_failing", "became_fixed", "new", "gone",
                     "changed"):
            got = {(x["url"], x["level"], x["scope"], x["class_a"],
                    x["class_b"]) for x in gs.get(kind, [])}
            check("diff: %s %s: %s" % (site, kind, sorted(
                "%s %s->%s" % (u, ca, cb) for u, _, _, ca, cb in ch[kind])
                or "none"), got == ch[kind],
                "got %s" % sorted(got, key=str))
    txt = v6crawl(["diff", "--db", db])
    fail = [u for _, (_, ch) in want.items()
            for u, _, _, _, _ in ch["became_failing"]]
    fixed = [u for _, (_, ch) in want.items()
             for u, _, _, _, _ in ch["became_fixed"]]
    check("diff (text) lists the links that became failing and fixed",
          txt.rc == 0 and "became failing" in txt.out and
          "became fixed" in txt.out and
          all(u in txt.out for u in fail + fixed), txt.out[:2000])
    csv = v6crawl(["diff", "--db", db, "--format", "csv"])
    check("diff --format csv: BOM and a row per figure and change",
          csv.rc == 0 and csv.out.startswith("\ufeffrun_a,run_b,site,") and
          all(("became_failing" in ln) for ln in csv.out.split("\r\n")
              if any(u in ln for u in fail)), csv.out[:1500])


def check_fixes(db, exp):
    want = model_fixes(exp)
    r = v6crawl(["fixes", "--db", db, "--format", "json"])
    j = r.json()
    if not check("fixes --format json exits 0 with JSON", r.rc == 0 and j,
                 r.why()):
        return
    got_sites = {s["start_url"]: s for s in j.get("sites", [])}
    for site, (hosts, dead, figs) in want.items():
        gs = got_sites.get(site) or {}
        gh = gs.get("hosts") or []
        check("fixes: %s ranks %s" % (site, ["%s %d+%d" % (
            h, n[2], n[3]) for h, n, _ in hosts]),
            [(x["host"], x["links"]["2"], x["links"]["3"], x["total"])
             for x in gh] == [(h, n[2], n[3], n[2] + n[3])
                              for h, n, _ in hosts],
            [(x.get("host"), x.get("links")) for x in gh])
        check("fixes: %s class mix per host" % site,
              [x["classes"] for x in gh] == [c for _, _, c in hosts],
              [x.get("classes") for x in gh])
        bad = []
        sums = {2: 0, 3: 0}
        for (h, n, _), x in zip(hosts, gh):
            for lv in (2, 3):
                sums[lv] += n[lv]
                f = figs[lv]
                w = (f["ipv6"] + sums[lv]) / f["counted"] \
                    if f["counted"] else None
                if not close(x["after"][str(lv)], w):
                    bad.append("%s L%d after %r want %r" % (
                        h, lv, x["after"][str(lv)], w))
        for lv in (2, 3):
            g = (gs.get("levels") or {}).get(str(lv)) or {}
            f = figs[lv]
            w = (f["ipv6"] + sums[lv]) / f["counted"] if f["counted"] else None
            if g.get("dead") != dead[lv] or g.get("fixable") != sums[lv] or \
                    not close(g.get("concentration"), conc(f)) or \
                    not close(g.get("after"), w):
                bad.append("level %d %r want dead %d fixable %d %r -> %r" % (
                    lv, g, dead[lv], sums[lv], conc(f), w))
        check("fixes: %s cumulative figures exact, dead counted apart" % site,
              not bad, "; ".join(bad))
        ev = []
        for (h, _, _), x in zip(hosts, gh):
            a4, a6 = W.host_addr(h, 4), W.host_addr(h, 6)
            d = x.get("dns") or {}
            chain = []
            name = h
            while W.HOSTS.get(name, {}).get("cname"):
                name = W.HOSTS[name]["cname"]
                chain.append(name)
            if d.get("a") != ([a4] if a4 else []) or \
                    d.get("aaaa") != ([a6] if a6 else []) or \
                    [c for c in d.get("cnames", []) if c != h] != chain or \
                    x.get("provider") != model_provider(h):
                ev.append("%s: %r provider %r, want A %s AAAA %s chain %s "
                          "provider %r" % (h, d, x.get("provider"), a4, a6,
                                           chain, model_provider(h)))
        check("fixes: %s DNS evidence (A, AAAA, CNAME chain) and CDN"
              % site, not ev, "; ".join(ev))
    cdn = [(h, model_provider(h)) for s in want.values() for h, _, _ in s[0]
           if model_provider(h)]
    check("fixes: a host behind a CDN CNAME names its provider (%s)" % cdn,
          cdn and all(any(x["host"] == h and x["provider"] == p
                          for x in gs["hosts"]) for gs in j["sites"]
                      for h, p in cdn if any(y["host"] == h
                                             for y in gs["hosts"])), cdn)
    txt = v6crawl(["fixes", "--db", db])
    lines = txt.out.splitlines()
    sent = [sentence(hosts, lv, figs[lv])
            for hosts, _, figs in want.values() for lv in (2, 3)]
    check("fixes (text): the cumulative sentence per site and level",
          txt.rc == 0 and all(s in lines for s in sent),
          "want %s in %s" % (sent, txt.out[:3000]))
    check("fixes (text): every line fits 100 columns",
          txt.rc == 0 and all(len(ln) <= 100 for ln in lines),
          [ln for ln in lines if len(ln) > 100])
    site1 = exp["sites"][0]["start_url"]
    for lv in (2, 3):
        r = v6crawl(["fixes", "--db", db, "--format", "json", "--level",
                     str(lv), "--site", site1])
        j = r.json() or {}
        hosts = sorted(((h, n) for h, n, _ in want[site1][0] if n[lv]),
                       key=lambda hn: (-hn[1][lv], hn[0]))
        got = [(x["host"], x["links"]) for x in
               (j.get("sites") or [{}])[0].get("hosts", [])]
        check("fixes --site %s --level %d: %s" % (site1, lv, [
            "%s %d" % (h, n[lv]) for h, n in hosts]),
            r.rc == 0 and len(j.get("sites", [])) == 1 and
            got == [(h, {str(lv): n[lv]}) for h, n in hosts], got)
    csv = v6crawl(["fixes", "--db", db, "--format", "csv"])
    n_rows = sum(len(s[0]) for s in want.values())
    check("fixes --format csv: BOM, header, one row per host",
          csv.rc == 0 and csv.out.startswith("\ufeffrun,site,rank,host,") and
          len([ln for ln in csv.out.split("\r\n") if ln]) == n_rows + 1,
          csv.out[:1500])


def check_eta(db):
    """The progress line on a terminal ends with an ETA."""
    master, slave = pty.openpty()
    chunks = []

    def reader():
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:
                return
            if not b:
                return
            chunks.append(b)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    p = subprocess.run([OPTS.v6crawl] + crawl_args(db) + W.SITES,
                       stdout=subprocess.PIPE, stderr=slave, timeout=180)
    os.close(slave)
    t.join(5)
    os.close(master)
    out = b"".join(chunks).decode(errors="replace")
    check("crawl on a terminal: the progress line shows an ETA",
          p.returncode == 0 and re.search(r"probes \d+/\d+ .*ETA (\d+(\.\d)?[hms]|-)",
                                          out), out[-600:])
    return p.returncode


def main():
    work = OPTS.work
    db = os.path.join(work, "db")
    exp1 = copy.deepcopy(W.expected())
    lo1, hi1 = thresholds(exp1)

    r = v6crawl(crawl_args(db) + ["--fail-under", str(lo1)] + W.SITES)
    check("crawl 1 exits 0 and stores the run", r.rc == 0 and
          "run 1 complete" in r.err, r.why())
    check_fail_under("crawl 1", r, exp1, lo1)

    saved = apply_change()
    try:
        exp2 = copy.deepcopy(W.expected())
        lo2, hi2 = thresholds(exp2)
        check("the change moves figures and links in the model",
              internal_figs(exp1) != internal_figs(exp2), "no change")
        r = v6crawl(crawl_args(db) + ["--fail-under", str(hi2)] + W.SITES)
        check_fail_under("crawl 2", r, exp2, hi2)
        fixes_exp = exp2
    finally:
        restore(saved)

    runs = check_runs(db, [1, 2])
    if len(runs) != 2:
        return
    a, b = runs[0]["id"], runs[1]["id"]
    check_diff(db, a, b, exp1, exp2)
    check_fixes(db, fixes_exp)

    for pct in (lo2, hi2, 50, 99):
        r = v6crawl(["report", "--db", db, "--fail-under", str(pct)])
        check_fail_under("report", r, exp2, pct)
    r = v6crawl(["report", "--db", db, "--run", str(a), "--format", "json",
                 "--fail-under", str(hi1)])
    check_fail_under("report --run %d" % a, r, exp1, hi1)
    check("report --fail-under still prints the report",
          r.json() is not None and r.json()["run"]["id"] == a, r.why())
    bad = v6crawl(["report", "--db", db, "--fail-under", "101"])
    check("report --fail-under 101 is bad usage (exit 2)", bad.rc == 2,
          bad.why())

    # prune --keep 1: run a goes, run b is reported exactly as before
    before = {k: v6crawl([k, "--db", db, "--run", str(b), "--format",
                          "json"]).out for k in ("report", "links", "fixes")}
    dry = v6crawl(["prune", "--db", db, "--keep", "1", "--dry-run"])
    check("prune --dry-run deletes nothing",
          dry.rc == 0 and "would delete run %d" % a in dry.out and
          len((v6crawl(["runs", "--db", db, "--format", "json"]).json()
               or {}).get("runs", [])) == 2, dry.why())
    pr = v6crawl(["prune", "--db", db, "--keep", "1", "--format", "json"])
    check("prune --keep 1 deletes run %d, keeps run %d" % (a, b),
          pr.rc == 0 and {k: v for k, v in pr.json().items()
                          if k not in ("schema_version", "generator")} ==
          {"document": "prune", "deleted": [a], "kept": [b], "running": [],
           "dry_run": False, "compacted": False},
          pr.why())
    check_runs(db, [b])
    for cmd in ("links", "report", "fixes"):
        r = v6crawl([cmd, "--db", db, "--run", str(a), "--format", "json"])
        check("%s --run %d after prune: no such run (exit 2)" % (cmd, a),
              r.rc == 2 and "no run %d" % a in r.err, r.why())
    after = {k: v6crawl([k, "--db", db, "--run", str(b), "--format",
                         "json"]).out for k in ("report", "links", "fixes")}
    for k in before:
        check("after prune, %s of run %d is exactly as before" % (k, b),
              before[k] and before[k] == after[k], "differs")
    dd = v6crawl(["diff", "--db", db])
    check("diff with one complete run left: bad usage (exit 2)",
          dd.rc == 2, dd.why())
    size0 = os.path.getsize(os.path.join(db, "data.mdb"))
    pc = v6crawl(["prune", "--db", db, "--keep", "1", "--compact",
                  "--format", "json"])
    size1 = os.path.getsize(os.path.join(db, "data.mdb"))
    check("prune --compact shrinks the file (%d -> %d bytes)"
          % (size0, size1), pc.rc == 0 and (pc.json() or {}).get(
              "compacted") is True and size1 < size0, pc.why())
    again = {k: v6crawl([k, "--db", db, "--run", str(b), "--format",
                         "json"]).out for k in ("report", "links", "fixes")}
    check("after --compact, report, links and fixes are exactly as before",
          again == before, "differs")

    # a crawl after the prune: a new id, never the deleted one
    check_eta(db)
    runs = (v6crawl(["runs", "--db", db, "--format", "json"]).json()
            or {}).get("runs", [])
    check("a crawl after prune gets run id %d" % (b + 1),
          [x["id"] for x in runs] == [b, b + 1], runs)
    for cmd, args in (("runs", []), ("diff", []), ("prune", ["--keep", "1"]),
                      ("fixes", [])):
        h = v6crawl([cmd, "--help"])
        check("%s --help exits 0 with usage" % cmd,
              h.rc == 0 and h.out.startswith("Usage: v6crawl " + cmd),
              h.why())
        bf = v6crawl([cmd, "--db", db, "--format", "xml"] + args)
        check("%s --format xml is bad usage (exit 2)" % cmd, bf.rc == 2,
              bf.why())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    OPTS = ap.parse_args()
    try:
        main()
    except Exception as e:  # a crash is a failed check, not a lost summary
        import traceback
        traceback.print_exc(file=sys.stdout)
        check("test_history runs to its end", False, repr(e))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    sys.exit(0 if passed == len(results) else 1)
