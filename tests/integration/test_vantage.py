#!/usr/bin/python3
"""The vantage point (issue 8 item 1): v6crawl's own reachability is a
real TCP connect, checked again during the crawl, and its outages are
never charged to a site.

A small world of this test's own inside the suite's network namespace: a
web server on 127.0.1.2:80 and [fd6c:7001::2]:80, and a dnsmasq on
127.0.1.2:53 naming vt.test, h1..h6.vt.test and slow.vt.test (A and AAAA)
and v4.vt.test (A only). The homepage links one page on each of h1..h6,
one on slow.vt.test (answered after SLOW seconds) and two on v4.vt.test
(no-aaaa), so the level-2 internal figure is exactly 7/9 when IPv6 works.

- --vantage pointing IPv6 at a closed port (a route, an address, but no
  connectivity): no IPv6, every link unmeasured, concentrations null,
  --fail-under exits 6;
- --vantage pointing at the live listeners: measured, 7/9 exactly;
- an outage in the middle of the crawl: the test removes its IPv6 address
  when the level-2 robots.txt requests come (before any level-2 probe)
  and puts it back OUTAGE seconds later (the endpoints given by
  $V6CRAWL_VANTAGE this time): no link is v6-broken, 7/9 again,
  and the reports show one outage (detected by failures, 7 probes asked
  again) with its duration;
- an outage that outlasts the work: the held links are unmeasured and
  the outage is reported as still open;
- the default endpoints (the root servers of data/root-servers.txt) are
  tried and fail at connect() with "Network is unreachable": this
  namespace has no route to them, so no packet left; --allow-private and
  the unique-local addresses on lo no longer make the vantage pass.

    test_vantage.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import os
import subprocess
import sys
import threading
import time

from itlib import (PageHandler, Run, link_page, small_world,
                   small_world_stop)

results = []
V4, V6 = "127.0.1.2", "fd6c:7001::2"
SITE = "http://vt.test/"
HOSTS = ["h%d.vt.test" % i for i in range(1, 7)]
SLOW, OUTAGE = 3, 4
LIVE = "%s:80,[%s]:80" % (V4, V6)
STATE = {"outage": False, "restore": True, "cut": None, "back": None}
CUT_LOCK = threading.Lock()
CUT_DONE = threading.Event()


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - " + name + ": " + str(detail)[:2000])
    sys.stdout.flush()


def ip6(op):
    subprocess.run(["ip", "-6", "addr", op, V6 + "/128", "dev", "lo"] +
                   (["nodad"] if op == "add" else []), capture_output=True)


def restore_later():
    time.sleep(OUTAGE)
    ip6("add")
    STATE["back"] = time.time()


def cut():
    """The first level-2 robots.txt request takes IPv6 away (the others
    wait for it), so every level-2 probe starts during the outage."""
    with CUT_LOCK:
        if not CUT_DONE.is_set():
            ip6("del")
            STATE["cut"] = time.time()
            if STATE["restore"]:
                threading.Thread(target=restore_later, daemon=True).start()
            CUT_DONE.set()


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/robots.txt":
            if STATE["outage"] and host != "vt.test":
                cut()
            return None
        if host == "vt.test" and self.path == "/":
            return link_page(["http://%s/p.html" % h for h in HOSTS] +
                             ["http://slow.vt.test/slow.html",
                              "http://v4.vt.test/a.html",
                              "http://v4.vt.test/b.html"])
        if self.path == "/slow.html":
            time.sleep(SLOW)
        if self.path.endswith(".html"):
            return b"<html><body>leaf</body></html>"
        return None


class T:
    v6crawl = work = None


def v6crawl(args, env=None):
    return Run(subprocess.run([T.v6crawl] + args, capture_output=True,
                              timeout=240, env=env))


def crawl(db, extra, env=None):
    return v6crawl(["crawl", "--db", db, "--dns-server", V4 + ":53",
                    "--allow-private", "--timeout", "5", "--retries", "0",
                    "--quiet", "--depth", "2", "--homepage-probes", "1"] +
                   extra + [SITE], env)


def report(db, fmt="json"):
    return v6crawl(["report", "--db", db, "--format", fmt])


def level2(rep):
    return rep["sites"][0]["levels"]["2"]["internal"]


def classes(f):
    return {k: v for k, v in (f.get("classes") or {}).items() if v}


def all_null(rep):
    bad = []
    for s in rep["sites"]:
        for lv, scopes in s["levels"].items():
            for scope, f in scopes.items():
                for k in ("concentration", "alive_concentration"):
                    if f.get(k) is not None:
                        bad.append((lv, scope, k, f.get(k)))
    return bad


def case_closed_port():
    db = os.path.join(T.work, "closed")
    r = crawl(db, ["--vantage", "%s:80,[%s]:9" % (V4, V6)])
    check("closed IPv6 port: the crawl runs and, having measured nothing, "
          "exits 6 with one line", r.rc == 6 and len(r.err.splitlines()) == 1
          and "measured nothing: this machine has no IPv6" in r.err,
          r.why())
    rep = report(db)
    try:
        j = rep.json()
        v = j["run"]["vantage"]
        check("closed IPv6 port: the run says no IPv6 (vantage_ipv6 false, "
              "vantage.ipv6 false, vantage.ipv4 true)",
              j["run"]["vantage_ipv6"] is False and v["ipv6"] is False
              and v["ipv4"] is True, j["run"])
        check("closed IPv6 port: the check's evidence: the IPv6 endpoint "
              "refused, the IPv4 one connected",
              v["detail"] == "IPv6: [%s]:9 refused; IPv4: %s:80 connected"
              % (V6, V4), v["detail"])
        f = level2(j)
        check("closed IPv6 port: every level-2 link unmeasured (9 of 9)",
              classes(f) == {"unmeasured": 9}, f)
        check("closed IPv6 port: every concentration is null",
              not all_null(j) and j["sites"][0]["levels"], all_null(j))
    except (ValueError, KeyError, IndexError, TypeError) as e:
        check("closed IPv6 port: report JSON", False, "%r %s" % (e, rep.why()))
    t = report(db, "text")
    check("closed IPv6 port: the text report names the check",
          "vantage check: IPv6: [%s]:9 refused; IPv4: %s:80 connected"
          % (V6, V4) in t.out and "had no IPv6" in t.out, t.why())
    r = crawl(os.path.join(T.work, "closed2"),
              ["--vantage", "%s:80,[%s]:9" % (V4, V6), "--fail-under", "50"])
    check("closed IPv6 port: crawl --fail-under 50 exits 6 (no data)",
          r.rc == 6, r.why())


def case_live():
    db = os.path.join(T.work, "live")
    r = crawl(db, ["--vantage", LIVE])
    check("live listeners: the crawl runs (exit 0)", r.rc == 0, r.why())
    rep = report(db)
    try:
        j = rep.json()
        v = j["run"]["vantage"]
        check("live listeners: IPv6 and IPv4 reachable, no outage",
              j["run"]["vantage_ipv6"] is True and v["ipv6"] is True
              and v["ipv4"] is True and v["outages"] == [], j["run"])
        check("live listeners: the check connected to both",
              v["detail"] == "IPv6: [%s]:80 connected; IPv4: %s:80 connected"
              % (V6, V4), v["detail"])
        f = level2(j)
        check("live listeners: level 2 internal 7/9 (ok 7, no-aaaa 2)",
              classes(f) == {"ok": 7, "no-aaaa": 2}
              and f["ipv6"] == 7 and f["counted"] == 9
              and abs(f["concentration"] - 7 / 9) < 1e-9, f)
    except (ValueError, KeyError, IndexError, TypeError) as e:
        check("live listeners: report JSON", False, "%r %s" % (e, rep.why()))


def case_outage():
    db = os.path.join(T.work, "outage")
    STATE["outage"] = True
    t0 = time.time()
    try:
        # the endpoints through $V6CRAWL_VANTAGE this time, not --vantage
        r = crawl(db, [], dict(os.environ, V6CRAWL_VANTAGE=LIVE))
    finally:
        STATE["outage"] = False
        CUT_DONE.wait(OUTAGE + 30)
        while STATE["back"] is None and time.time() < t0 + 120:
            time.sleep(0.2)
    check("outage: the test cut IPv6 during the crawl and put it back",
          STATE["cut"] is not None and STATE["back"] is not None, STATE)
    check("outage: the crawl runs (exit 0)", r.rc == 0, r.why())
    rep = report(db)
    try:
        j = rep.json()
        f = level2(j)
        check("outage: no link charged: level 2 internal 7/9 (ok 7, "
              "no-aaaa 2, no v6-broken)",
              classes(f) == {"ok": 7, "no-aaaa": 2}
              and abs(f["concentration"] - 7 / 9) < 1e-9, f)
        out = j["run"]["vantage"]["outages"]
        check("outage: one outage, detected by failures, 7 probes asked "
              "again, none left unmeasured",
              len(out) == 1 and out[0]["detected"] == "failures"
              and out[0]["reasked"] == 7 and out[0]["unmeasured"] == 0, out)
        o = out[0]
        # huge margins: the outage lasts OUTAGE s, seen within a re-test
        check("outage: its duration is between 1 s and 60 s and it ends",
              o["end"] is not None and o["seconds"] is not None
              and 1 <= o["seconds"] <= 60, o)
        check("outage: the re-test while down failed to connect, the one "
              "after came back",
              ("[%s]:80 Network is unreachable" % V6) in o["detail"]
              and ("back: IPv6: [%s]:80 connected" % V6) in o["detail"], o)
        print("# outage: cut %.1f s after the crawl began, back %.1f s later; "
              "recorded %r" % (STATE["cut"] - t0, STATE["back"] - STATE["cut"],
                               o))
        text = report(db, "text")
        want = ("IPv6 outage of this machine: %s .. %s (%.1f s), detected by "
                "failures; 7 probes asked again over IPv6, 0 left unmeasured"
                % (o["start"], o["end"], o["seconds"]))
        check("outage: the text report says when and how long",
              want in text.out.splitlines(), text.why() + "\nwant: " + want)
        html = v6crawl(["report", "--db", db, "--format", "html",
                        "--lang", "en"])
        check("outage: the HTML report says it too",
              want in html.out, html.out[:1500])
        html = v6crawl(["report", "--db", db, "--format", "html",
                        "--lang", "zh"])
        want = ("本机 IPv6 中断：%s 至 %s（%.1f 秒），发现方式 failures；7 "
                "个探测恢复后经 IPv6 重新请求，0 个未检测"
                % (o["start"], o["end"], o["seconds"]))
        check("outage: the Chinese HTML report says it in Chinese",
              want in html.out, html.out[:1500])
    except (ValueError, KeyError, IndexError, TypeError) as e:
        check("outage: report JSON", False, "%r %s" % (e, rep.why()))


def case_outage_open():
    """IPv6 cut and not back before the work is done: v6crawl waits two
    --timeout (10 s), then the held probes are unmeasured, never charged,
    and the outage is still open at the end."""
    db = os.path.join(T.work, "open")
    CUT_DONE.clear()
    STATE.update(outage=True, restore=False, cut=None, back=None)
    try:
        r = crawl(db, ["--vantage", LIVE])
    finally:
        STATE["outage"] = False
        if CUT_DONE.is_set():
            ip6("add")
    check("open outage: the test cut IPv6 during the crawl",
          STATE["cut"] is not None, STATE)
    check("open outage: the crawl runs (exit 0)", r.rc == 0, r.why())
    rep = report(db)
    try:
        j = rep.json()
        f = level2(j)
        check("open outage: the 7 links asked during it are unmeasured, "
              "none v6-broken (no-aaaa 2 stay)",
              classes(f) == {"unmeasured": 7, "no-aaaa": 2}, f)
        out = j["run"]["vantage"]["outages"]
        check("open outage: one outage, still down at the end (end and "
              "seconds null), 7 left unmeasured, none asked again",
              len(out) == 1 and out[0]["end"] is None
              and out[0]["seconds"] is None and out[0]["unmeasured"] == 7
              and out[0]["reasked"] == 0
              and out[0]["detected"] == "failures", out)
        text = report(db, "text")
        want = ("IPv6 outage of this machine: from %s, still down at the end "
                "of the run, detected by failures; 0 probes asked again over "
                "IPv6, 7 left unmeasured" % out[0]["start"])
        check("open outage: the text report says so",
              want in text.out.splitlines(), text.why() + "\nwant: " + want)
    except (ValueError, KeyError, IndexError, TypeError) as e:
        check("open outage: report JSON", False, "%r %s" % (e, rep.why()))


def case_default():
    db = os.path.join(T.work, "default")
    env = dict(os.environ)
    env.pop("V6CRAWL_VANTAGE", None)
    route = subprocess.run(["ip", "route", "get", "198.41.0.4"],
                           capture_output=True, text=True)
    check("default: this namespace has no route to the root servers",
          route.returncode != 0, route.stdout)
    r = crawl(db, [], env)
    check("default: the crawl runs (exit 6: no IPv6 here, nothing "
          "measured)", r.rc == 6, r.why())
    rep = report(db)
    try:
        j = rep.json()
        check("default: --allow-private and the ULA addresses on lo do not "
              "make the vantage pass: no IPv6, 9 of 9 links unmeasured",
              j["run"]["vantage_ipv6"] is False
              and classes(level2(j)) == {"unmeasured": 9}, j["run"])
        v = j["run"]["vantage"]
        roots = []
        with open(os.path.join(os.environ.get("TOP_SRCDIR", "."), "data",
                               "root-servers.txt")) as fh:
            for ln in fh:
                if ln.startswith("#") or not ln.strip():
                    continue
                roots.append(ln.split("\t")[1:3])
        want = ("IPv6: " + " ".join("[%s]:53 Network is unreachable"
                                    % a[1].strip() for a in roots[:4]) +
                "; IPv4: " + " ".join("%s:53 Network is unreachable" % a[0]
                                      for a in roots[:4]))
        check("default: the first four root servers of each family tried, "
              "each failing at connect() for want of a route",
              v["detail"] == want, "%s\nwant %s" % (v["detail"], want))
        check("default: no IPv6 and no IPv4 at the vantage",
              v["ipv6"] is False and v["ipv4"] is False, v)
    except (ValueError, KeyError, IndexError, TypeError, OSError) as e:
        check("default: report JSON", False, "%r %s" % (e, rep.why()))
    r = crawl(os.path.join(T.work, "bad"), ["--vantage", "1.2.3.4"])
    check("a bad --vantage is a usage error (exit 2)", r.rc == 2, r.why())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    ip6("add")
    names = ",".join(["vt.test", "slow.vt.test"] + HOSTS)
    world = small_world(o.work, V4, V6, ["%s,%s,%s" % (names, V4, V6),
                                         "v4.vt.test," + V4], Handler)
    try:
        case_closed_port()
        case_live()
        case_outage()
        case_outage_open()
        case_default()
    finally:
        small_world_stop(world)
        ip6("del")
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
