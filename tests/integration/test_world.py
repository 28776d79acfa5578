#!/usr/bin/python3
"""Integration tests of v6crawl against the test world (tests/world).

Run by tests/integration/run.sh inside a private network namespace, with the
world already up:

    test_world.py --world WORLD_DIR --work WORK_DIR --v6crawl PATH

Crawls the world once and checks every figure of the JSON report against
WORLD_DIR/expected.json (which tests/world/world.py derives from the world's
definition), the per-link classes, evidence for a few links, then two more
scenarios: a vantage point without IPv6 (a nested namespace with IPv6
disabled and an IPv4-only copy of the world) and bad input.

Prints "ok - name" or "not ok - name: detail" per check and ends with
"N passed, N failed"; exits 1 if any check failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORLD_PY = os.path.join(HERE, "..", "world", "world.py")
PY = sys.executable or "/usr/bin/python3"
FIELDS = ("links", "counted", "ipv6", "concentration", "alive_concentration")
CLASSES = ["ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead",
           "robots", "skipped", "unmeasured"]

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
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def json(self):
        return json.loads(self.out)

    def why(self):
        return "exit %s, stderr: %s" % (self.rc, self.err.strip()[-1500:])


def v6crawl(args, timeout=180):
    cmd = [OPTS.v6crawl] + args
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Run(cmd, "timeout", (e.stdout or b"").decode(errors="replace"),
                   (e.stderr or b"").decode(errors="replace"))
    except OSError as e:
        return Run(cmd, "cannot run: %s" % e, "", str(e))
    return Run(cmd, p.returncode, p.stdout.decode(errors="replace"),
               p.stderr.decode(errors="replace"))


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, (int, float)) and abs(a - b) < 1e-9


def crawl_args(db, world):
    return ["crawl", "--db", db, "--dns-server", "127.0.0.1:5353",
            "--cacert", os.path.join(world, "ca.pem"), "--allow-private",
            "--timeout", "3", "--retries", "1"]


def nonempty_lines(s):
    return [ln for ln in s.splitlines() if ln.strip()]

# ---------------------------------------------------------------------------


def scenario_main(world, work):
    with open(os.path.join(world, "expected.json")) as f:
        exp = json.load(f)
    starts = [s["start_url"] for s in exp["sites"]]
    db = os.path.join(work, "db")
    r = v6crawl(crawl_args(db, world) + starts)
    if not check("crawl of the world exits 0", r.rc == 0, r.why()):
        print("# crawl stdout: %s" % r.out.strip()[-1500:])

    rep = v6crawl(["report", "--db", db, "--format", "json"])
    try:
        report = rep.json()
    except ValueError as e:
        check("report --format json is JSON", False, "%s; %s" % (e, rep.why()))
        report = None
    if report is not None:
        check_report(exp, report)

    lk = v6crawl(["links", "--db", db, "--format", "json"])
    try:
        links = lk.json()["links"]
    except (ValueError, KeyError, TypeError) as e:
        check("links --format json is JSON with a links array", False,
              "%s; %s" % (e, lk.why()))
        links = None
    if links is not None:
        check_links(exp, links)
        check_evidence(exp, links)
        check_filters(exp, db)

    check_access_log(world)

    txt = v6crawl(["report", "--db", db])
    check("text report exits 0 and names both sites",
          txt.rc == 0 and all(s in txt.out for s in starts),
          txt.why() + " stdout: " + txt.out[:500])


def check_report(exp, report):
    run = report.get("run") or {}
    check("report: run complete", run.get("complete") is True, run)
    check("report: run finished", bool(run.get("finished")), run)
    check("report: vantage_ipv6 true in the world",
          run.get("vantage_ipv6") is True, run)
    got_sites = {s.get("start_url"): s for s in report.get("sites") or []}
    check("report: %d sites" % len(exp["sites"]),
          len(report.get("sites") or []) == len(exp["sites"]),
          list(got_sites))
    for es in exp["sites"]:
        name = es["start_url"]
        gs = got_sites.get(name)
        if not check("report: site %s present" % name, gs is not None,
                     list(got_sites)):
            continue
        check("report: %s final_url %s" % (name, es["final_url"]),
              gs.get("final_url") == es["final_url"], gs.get("final_url"))
        hp = gs.get("homepage") or {}
        check("report: %s homepage ipv6=%s class=%s"
              % (name, es["homepage"]["ipv6"], es["homepage"]["class"]),
              hp.get("ipv6") == es["homepage"]["ipv6"]
              and hp.get("class") == es["homepage"]["class"], hp)
        for lv in ("2", "3"):
            for scope in ("internal", "all"):
                ef = es["levels"][lv][scope]
                gf = ((gs.get("levels") or {}).get(lv) or {}).get(scope)
                if gf is None:
                    check("report: %s level %s %s" % (name, lv, scope), False,
                          "missing from the report")
                    continue
                bad = []
                for k in FIELDS:
                    if k in ("concentration", "alive_concentration"):
                        ok = close(gf.get(k), ef[k])
                    else:
                        ok = gf.get(k) == ef[k]
                    if not ok:
                        bad.append("%s %r want %r" % (k, gf.get(k), ef[k]))
                gc = gf.get("classes") or {}
                for c in CLASSES:
                    if gc.get(c) != ef["classes"][c]:
                        bad.append("classes.%s %r want %r"
                                   % (c, gc.get(c), ef["classes"][c]))
                # The figures must also agree with themselves.
                if gf.get("counted") and gf.get("concentration") is not None:
                    if abs(gf["concentration"] * gf["counted"]
                           - gf.get("ipv6", -1)) > 1e-9:
                        bad.append("concentration*counted != ipv6")
                check("report: %s level %s %s figures (links %d, counted %d, "
                      "ipv6 %d)" % (name, lv, scope, ef["links"],
                                    ef["counted"], ef["ipv6"]),
                      not bad, "; ".join(bad))


def rows_by_site(links):
    out = {}
    for ln in links:
        out.setdefault(ln.get("site"), []).append(ln)
    return out


def check_links(exp, links):
    by_site = rows_by_site(links)
    for es in exp["sites"]:
        name = es["start_url"]
        rows = by_site.get(name, [])
        for lv in (2, 3):
            want = {(e["url"], e["scope"]): e["class"]
                    for e in es["links"] if e["level"] == lv}
            got = {}
            dups = []
            for r in rows:
                if r.get("level") != lv:
                    continue
                key = (r.get("url"), r.get("scope"))
                if key in got:
                    dups.append(r.get("url"))
                got[key] = r.get("class")
            missing = sorted(set(want) - set(got))
            extra = sorted(set(got) - set(want))
            wrong = sorted("%s %s: got %s want %s" % (k[0], k[1], got[k],
                                                      want[k])
                           for k in set(want) & set(got) if got[k] != want[k])
            detail = []
            if missing:
                detail.append("missing %s" % ["%s (%s, %s)" % (u, s, want[(u, s)])
                                              for u, s in missing])
            if extra:
                detail.append("unexpected %s" % ["%s (%s, %s)" % (u, s, got[(u, s)])
                                                 for u, s in extra])
            if wrong:
                detail.append("wrong class %s" % wrong)
            if dups:
                detail.append("listed twice %s" % dups)
            check("links: %s level %d: %d links, each with its scope and class"
                  % (name, lv, len(want)), not detail, "; ".join(detail))


def find(links, site, url):
    for ln in links:
        if ln.get("site") == site and ln.get("url") == url:
            return ln
    return None


def check_evidence(exp, links):
    s1, s2 = exp["sites"][0]["start_url"], exp["sites"][1]["start_url"]

    def ev(name, site, url, pred):
        ln = find(links, site, url)
        if ln is None:
            return check(name, False, "no link %s in site %s" % (url, site))
        try:
            ok = pred(ln)
        except (KeyError, TypeError, AttributeError, IndexError) as e:
            ok, ln = False, dict(ln, _exception=repr(e))
        return check(name, ok, json.dumps(ln, ensure_ascii=False))

    def dns(ln):
        return ln.get("dns") or {}

    def v6(ln):
        return ln.get("v6") or {}

    def v4(ln):
        return ln.get("v4") or {}

    ev("evidence: v6-broken link has its AAAA and a v6 connect/refused error",
       s1, "http://broken.demo.gov.cn/service.html",
       lambda ln: ln["class"] == "v6-broken"
       and dns(ln)["aaaa"] == ["fd6c:7763::5"]
       and re.search(r"connect|refused", v6(ln)["error"] or "", re.I)
       and v6(ln)["ok"] is False and v4(ln)["ok"] is True
       and v4(ln)["status"] == 200)
    ev("evidence: redirect to the IPv4-only host is no-aaaa, v6 hops 301 then "
       "v4.demo.gov.cn", s1, "https://www.demo.gov.cn/go/old",
       lambda ln: ln["class"] == "no-aaaa"
       and len(v6(ln)["hops"]) >= 2 and "301" in v6(ln)["hops"][0]
       and "v4.demo.gov.cn" in v6(ln)["hops"][-1]
       and v4(ln)["ok"] is True and len(v4(ln)["hops"]) == 2)
    ev("evidence: NXDOMAIN link has a_error NXDOMAIN and is dead",
       s1, "http://nosuch.demo.gov.cn/",
       lambda ln: ln["class"] == "dead" and dns(ln)["a_error"] == "NXDOMAIN"
       and dns(ln)["aaaa_error"] == "NXDOMAIN" and not dns(ln)["a"])
    ev("evidence: IPv4-only host has its A and no AAAA",
       s1, "http://v4.demo.gov.cn/",
       lambda ln: dns(ln)["a"] == ["127.0.0.3"] and not dns(ln)["aaaa"]
       and dns(ln)["a_error"] is None)
    ev("evidence: IPv6-only host is v6-only with its AAAA and no A",
       s1, "http://v6.demo.gov.cn/",
       lambda ln: ln["class"] == "v6-only" and not dns(ln)["a"]
       and dns(ln)["aaaa"] == ["fd6c:7763::4"] and v6(ln)["status"] == 200)
    ev("evidence: IPv6 503 host is v6-error with v6 status 503",
       s1, "http://err.demo.gov.cn/data.html",
       lambda ln: ln["class"] == "v6-error" and v6(ln)["status"] == 503
       and v4(ln)["status"] == 200)
    ev("evidence: robots.txt-disallowed link is robots and not probed",
       s1, "https://www.demo.gov.cn/private/plan.html",
       lambda ln: ln["class"] == "robots" and not ln.get("v6")
       and not ln.get("v4"))
    ev("evidence: robots.txt answering 500 makes the origin robots",
       s1, "http://old.demo.gov.cn/archive.html",
       lambda ln: ln["class"] == "robots")
    ev("evidence: CNAME host records its CNAME chain",
       s1, "http://www2.demo.gov.cn/about.html",
       lambda ln: ln["class"] == "ok"
       and any("www.demo.gov.cn" in c for c in dns(ln)["cnames"])
       and dns(ln)["aaaa"] == ["fd6c:7763::2"])
    ev("evidence: http->https link is ok with two v6 hops ending in https",
       s1, "http://www.demo.gov.cn/notice.html",
       lambda ln: ln["class"] == "ok" and len(v6(ln)["hops"]) == 2
       and "https://www.demo.gov.cn/notice.html" in v6(ln)["hops"][1])
    ev("evidence: dead host (nothing listening) is dead with addresses",
       s1, "http://gone.demo.gov.cn/",
       lambda ln: ln["class"] == "dead" and dns(ln)["a"] == ["127.0.0.7"]
       and dns(ln)["aaaa"] == ["fd6c:7763::7"])
    ev("evidence: GBK page's Chinese path link is percent-encoded UTF-8",
       s2, "http://www.demo.edu.cn/%E6%96%B0%E9%97%BB/%E5%88%97%E8%A1%A8.html",
       lambda ln: ln["level"] == 3 and ln["class"] == "ok")
    ev("evidence: GBK page's Chinese query is percent-encoded GBK",
       s2, "http://www.demo.edu.cn/search?q=%D6%D0%CE%C4",
       lambda ln: ln["level"] == 3 and ln["class"] == "ok")
    ev("evidence: IDN host appears as punycode xn--fiq228c",
       s1, "http://xn--fiq228c.demo.gov.cn/",
       lambda ln: ln["level"] == 2 and ln["class"] == "ok")
    check("evidence: no URL keeps raw non-ASCII characters",
          not [ln["url"] for ln in links if not ln.get("url", "").isascii()],
          [ln["url"] for ln in links if not ln.get("url", "").isascii()])
    ev("evidence: same URL is internal in site 1",
       s1, "http://v6.demo.gov.cn/", lambda ln: ln["scope"] == "internal")
    ev("evidence: same URL is external in site 2",
       s2, "http://v6.demo.gov.cn/", lambda ln: ln["scope"] == "external")
    skipped = [ln for ln in links if ln.get("class") == "skipped"]
    want_skipped = sum(1 for s in exp["sites"] for e in s["links"]
                       if e["class"] == "skipped")
    check("evidence: %d skipped links, external, without dns or probes"
          % want_skipped,
          len(skipped) == want_skipped
          and all(ln.get("scope") == "external" and not ln.get("dns")
                  and not ln.get("v6") and not ln.get("v4") for ln in skipped),
          json.dumps(skipped, ensure_ascii=False))
    traps = ["from-pdf.html", "secret.html", "ext-page.html", "2019.html",
             "level4.html", "never.html", "legacy-more", "v6-more",
             "deep.html"]
    found = [ln["url"] for ln in links
             if any(t in ln.get("url", "") for t in traps)]
    check("evidence: no links from pages that must not be read "
          "(robots, external, non-HTML, level 3)", not found, found)


def check_filters(exp, db):
    es = exp["sites"][0]
    want = sorted(e["url"] for e in es["links"]
                  if e["level"] == 3 and e["class"] == "v6-only")
    r = v6crawl(["links", "--db", db, "--format", "json", "--site",
                 es["start_url"], "--level", "3", "--class", "v6-only"])
    try:
        got = sorted(ln["url"] for ln in r.json()["links"])
    except (ValueError, KeyError, TypeError) as e:
        got = "%s; %s" % (e, r.why())
    check("links --site --level 3 --class v6-only filters", got == want,
          "got %s want %s" % (got, want))


def check_access_log(world):
    """The servers' own log: a URL shared by two sites is requested once per
    family; robots.txt once per origin."""
    try:
        with open(os.path.join(world, "access.log")) as f:
            lines = f.read().splitlines()
    except OSError as e:
        check("access log readable", False, e)
        return
    notice = [ln for ln in lines if ln.startswith("http www.demo.gov.cn ")
              and '"GET /notice.html ' in ln]
    v4 = [ln for ln in notice if " 127.0.0.2 80 " in ln]
    v6 = [ln for ln in notice if " fd6c:7763::2 80 " in ln]
    check("access log: http://www.demo.gov.cn/notice.html (in both sites) "
          "requested once over each family", len(v4) == 1 and len(v6) == 1,
          notice)
    rob = [ln for ln in lines if ln.startswith("https www.demo.gov.cn ")
           and '"GET /robots.txt ' in ln]
    check("access log: robots.txt of https://www.demo.gov.cn fetched once",
          len(rob) == 1, rob)
    rob = [ln for ln in lines if '"GET /robots.txt ' in ln
           and " www.demo.edu.cn " in ln]
    check("access log: robots.txt of http://www.demo.edu.cn fetched once, "
          "over IPv4", len(rob) == 1 and " 127.0.0.10 80 " in rob[0], rob)
    pdf = [ln for ln in lines if "/from-pdf.html" in ln or "/level4.html" in ln]
    check("access log: nothing requested beyond level 3 or from non-HTML",
          not pdf, pdf)

# ---------------------------------------------------------------------------


def scenario_vantage(work):
    """A nested namespace where IPv6 is disabled, with an IPv4-only copy of
    the world: the crawler must see that the fault is its own."""
    d = os.path.join(work, "novantage")
    os.makedirs(d, exist_ok=True)
    wd = os.path.join(d, "world")
    script = r"""
set -u
for f in all default lo; do
  echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6 2>/dev/null
done
ip link set lo up || exit 90
"$PY" "$WORLD_PY" up "$WD" --no-ipv6 >"$D/world.log" 2>&1 || exit 91
"$V6CRAWL" crawl --db "$D/db" --dns-server 127.0.0.1:5353 \
  --cacert "$WD/ca.pem" --allow-private --timeout 3 --retries 1 \
  http://www.demo.gov.cn/ http://www.demo.edu.cn/ \
  >"$D/crawl.out" 2>"$D/crawl.err"
echo $? >"$D/crawl.rc"
"$V6CRAWL" report --db "$D/db" --format json >"$D/report.json" 2>"$D/report.err"
echo $? >"$D/report.rc"
ip -6 addr >"$D/ip6.txt" 2>&1
"$PY" "$WORLD_PY" down "$WD"
exit 0
"""
    env = dict(os.environ, PY=PY, WORLD_PY=os.path.abspath(WORLD_PY), WD=wd,
               D=d, V6CRAWL=OPTS.v6crawl)
    try:
        p = subprocess.run(["unshare", "--net", "--", "/bin/sh", "-c", script],
                           env=env, capture_output=True, text=True,
                           timeout=300)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    if not check("vantage: nested namespace without IPv6 and an IPv4-only "
                 "world", rc == 0, "exit %s %s %s" % (rc, err, _read(
                     os.path.join(d, "world.log")))):
        return
    check("vantage: the namespace really has no IPv6 address",
          "inet6" not in _read(os.path.join(d, "ip6.txt")),
          _read(os.path.join(d, "ip6.txt")))
    print("# vantage crawl exit %s, stderr: %s" % (
        _read(os.path.join(d, "crawl.rc")).strip(),
        _read(os.path.join(d, "crawl.err")).strip()[-300:]))
    try:
        rep = json.loads(_read(os.path.join(d, "report.json")))
    except ValueError as e:
        check("vantage: report is JSON", False, "%s; %s" % (
            e, _read(os.path.join(d, "report.err"))))
        return
    run = rep.get("run") or {}
    check("vantage: report says vantage_ipv6 false",
          run.get("vantage_ipv6") is False, run)
    nulls, bad = 0, []
    for s in rep.get("sites") or []:
        for lv, scopes in (s.get("levels") or {}).items():
            for scope, f in scopes.items():
                for k in ("concentration", "alive_concentration"):
                    if f.get(k) is None:
                        nulls += 1
                    else:
                        bad.append("%s L%s %s %s=%r" % (s.get("start_url"), lv,
                                                        scope, k, f.get(k)))
    check("vantage: every concentration is null, none reported as 0%",
          not bad and nulls > 0, bad or "no figures in the report")


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def scenario_bad_input(world, work):
    d = os.path.join(work, "bad")
    os.makedirs(d, exist_ok=True)
    base = crawl_args(os.path.join(d, "db1"), world)
    for url in ("not a url", "ftp://www.demo.gov.cn/"):
        r = v6crawl(base + [url], timeout=60)
        check("bad input: start URL %r exits non-zero with one clear line"
              % url, r.rc not in (0, "timeout") and isinstance(r.rc, int)
              and len(nonempty_lines(r.err)) == 1 and "Assertion" not in r.err,
              r.why())
    blocker = os.path.join(d, "a-file")
    with open(blocker, "w") as f:
        f.write("not a directory\n")
    r = v6crawl(crawl_args(os.path.join(blocker, "db"), world)
                + ["http://www.demo.gov.cn/"], timeout=60)
    check("bad input: unwritable --db exits non-zero with a message",
          isinstance(r.rc, int) and r.rc != 0 and r.rc > 0
          and nonempty_lines(r.err), r.why())
    r = v6crawl(["report", "--db", os.path.join(d, "no-such-db"), "--format",
                 "json"], timeout=60)
    check("bad input: report on a missing store exits non-zero",
          isinstance(r.rc, int) and r.rc > 0 and nonempty_lines(r.err),
          r.why())
    db = os.path.join(d, "db-nodns")
    args = crawl_args(db, world)
    args[args.index("127.0.0.1:5353")] = "127.0.0.1:5399"
    r = v6crawl(args + ["http://www.demo.gov.cn/"], timeout=120)
    print("# silent DNS server: crawl exit %s, stderr: %s"
          % (r.rc, r.err.strip()[-300:]))
    check("bad input: silent DNS server: crawl ends (no crash, no hang)",
          isinstance(r.rc, int) and r.rc >= 0, r.why())
    rep = v6crawl(["report", "--db", db, "--format", "json"])
    try:
        j = rep.json()
        run, site = j["run"], j["sites"][0]
        ok = bool(run.get("finished")) and run.get("complete") is True \
            and site["homepage"]["class"] == "dead"
        detail = json.dumps({"run": run, "homepage": site.get("homepage")})
    except (ValueError, KeyError, IndexError, TypeError) as e:
        ok, detail = False, "%s; %s" % (e, rep.why())
    check("bad input: silent DNS server: finished run, homepage dead", ok,
          detail)


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", default=os.environ.get("V6CRAWL", "v6crawl"))
    OPTS = ap.parse_args()
    OPTS.v6crawl = os.path.abspath(OPTS.v6crawl) \
        if os.sep in OPTS.v6crawl else OPTS.v6crawl
    steps = [("main", lambda: scenario_main(OPTS.world, OPTS.work)),
             ("vantage", lambda: scenario_vantage(OPTS.work)),
             ("bad input", lambda: scenario_bad_input(OPTS.world, OPTS.work))]
    for name, fn in steps:
        try:
            fn()
        except Exception as e:  # a test bug or a surprise: report, go on
            import traceback
            check("scenario %s ran to its end" % name, False,
                  "%r %s" % (e, traceback.format_exc()))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


OPTS = None
if __name__ == "__main__":
    sys.exit(main())
