#!/usr/bin/python3
"""Figures that agree everywhere (issue 8), on a small world of this test's
own inside the suite's network namespace: a server on 127.0.0.242 and
fd6c:7764::2, and a dnsmasq on 127.0.0.242:53 that names it fig.test (A and
AAAA) and bad.fig.test (A only, so its links are no-aaaa).

The homepage links GOOD pages of fig.test and BAD pages of bad.fig.test,
so the level-2 internal figure is exactly GOOD / (GOOD + BAD):

- 96/113 = 84.96%: the text report, `fixes` and the --fail-under message
  print "84.9%" (cut down), never "85.0%" beside "below --fail-under 85%";
- 96/113 -> 131/150 is +2.377 points: `diff` prints "+2.3 pts";
  131/150 -> 85/100 is -2.333 points: `diff` prints "-2.4 pts";
- --fail-under on a run without IPv6 at the vantage point, or on an
  interrupted run, exits 6 ("no data to judge") with one line naming why.

    test_figures.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from itlib import (PageHandler, Run, link_page, small_world,
                   small_world_stop)

results = []
V4, V6 = "127.0.0.242", "fd6c:7764::2"
SITE = "http://fig.test/"
STATE = {"good": 96, "bad": 17, "slow": 0}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - " + name + ": " + str(detail)[:2000])
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        if self.path == "/":
            if STATE["slow"]:
                time.sleep(STATE["slow"])
            return link_page(["/p%d.html" % i for i in range(STATE["good"])] +
                             ["http://bad.fig.test/q%d.html" % i
                              for i in range(STATE["bad"])])
        if self.path.endswith(".html"):
            return b"<html><body>leaf</body></html>"
        return None


class T:
    v6crawl = db = None


def v6crawl(args):
    return Run(subprocess.run([T.v6crawl] + args, capture_output=True,
                              timeout=180))


def crawl_args(extra):
    return ([T.v6crawl, "crawl", "--db", T.db, "--dns-server", V4 + ":53",
             "--allow-private", "--timeout", "5", "--retries", "0", "--quiet",
             "--depth", "2", "--homepage-probes", "1"] + extra + [SITE])


def crawl(extra, good, bad):
    STATE["good"], STATE["bad"] = good, bad
    return Run(subprocess.run(crawl_args(extra), capture_output=True,
                              timeout=180))


def err_lines(r, start):
    return [ln for ln in r.err.splitlines() if start in ln]


def line_fmt(site, home, l2, l3, a2, a3, result):
    """A row of the text report's first table (a site without a name)."""
    return "%-38.38s %-10s %-18s %-18s %6s %6s %s" % (site, home, l2, l3, a2,
                                                      a3, result)


def diff_line(fa, fb, ch):
    return "  level %d %-8s  %-20s -> %-20s  %s" % (2, "internal", fa, fb, ch)


def item_a():
    r = crawl(["--assume-ipv6", "yes", "--fail-under", "85"], 96, 17)
    check("run 1 (96/113 = 84.96%) --fail-under 85: exit 1", r.rc == 1,
          r.why())
    want = ("below --fail-under 85%: http://fig.test/ level 2 internal "
            "84.9% (96/113)")
    got = err_lines(r, "below --fail-under")
    check("the --fail-under line prints 84.9%, not 85.0%",
          len(got) == 1 and got[0].endswith(want), got)

    r = v6crawl(["report", "--db", T.db, "--run", "1"])
    want = line_fmt(SITE, "ok", " 84.9% 96/113", "-", " 84.9%", "-", "FAIL")
    check("the text report prints 84.9% 96/113, FAIL against 85% (exact "
          "line)",
          r.rc == 0 and want in r.out.splitlines(),
          "want %r\n%s" % (want, r.why()))

    r = v6crawl(["fixes", "--db", T.db, "--run", "1"])
    want = "  fix this host and level 2 rises from 84.9% to 100.0%"
    check("fixes: 'rises from 84.9% to 100.0%' (exact line)",
          r.rc == 0 and want in r.out.splitlines(),
          "want %r\n%s" % (want, r.why()))
    hosts = [ln for ln in r.out.splitlines() if "bad.fig.test" in ln]
    check("fixes: bad.fig.test's L2 after is 100.0%",
          len(hosts) == 1 and hosts[0].split()[4] == "100.0%", hosts)

    r = crawl(["--assume-ipv6", "yes"], 131, 19)
    check("run 2 (131/150 = 87.33%) exits 0", r.rc == 0, r.why())
    r = crawl(["--assume-ipv6", "yes", "--fail-under", "85"], 85, 15)
    check("run 3 (85/100 = 85.0% exactly) --fail-under 85: exit 0",
          r.rc == 0 and not err_lines(r, "below --fail-under"), r.why())

    r = v6crawl(["diff", "--db", T.db, "1", "2"])
    want = diff_line("84.9% 96/113", "87.3% 131/150", "+2.3 pts")
    check("diff 1 2: a rise of 2.377 points prints +2.3 pts (exact line)",
          r.rc == 0 and want in r.out.splitlines(),
          "want %r\n%s" % (want, r.why()))
    r = v6crawl(["diff", "--db", T.db, "2", "3"])
    want = diff_line("87.3% 131/150", "85.0% 85/100", "-2.4 pts")
    check("diff 2 3: a drop of 2.333 points prints -2.4 pts (exact line)",
          r.rc == 0 and want in r.out.splitlines(),
          "want %r\n%s" % (want, r.why()))


def check_nodata(label, r, run, reason):
    """@r exited 6 with exactly one no-data line, for @reason."""
    want = ("no data to judge for --fail-under 50%%: run %d: %s: %s"
            % (run, reason, SITE))
    got = err_lines(r, "no data to judge")
    check("%s: exit 6" % label, r.rc == 6, r.why())
    check("%s: one line says why and names the site" % label,
          len(got) == 1 and got[0].endswith(want), r.why())


def item_b():
    noipv6 = "no IPv6 at the vantage point, nothing measured"
    r = crawl(["--assume-ipv6", "no", "--fail-under", "50"], 96, 17)
    check_nodata("run 4 without IPv6: crawl --fail-under 50", r, 4, noipv6)
    r = v6crawl(["report", "--db", T.db, "--run", "4", "--fail-under", "50"])
    check_nodata("report --run 4 --fail-under 50", r, 4, noipv6)

    STATE["slow"] = 4
    try:
        STATE["good"], STATE["bad"] = 96, 17
        p = subprocess.Popen(crawl_args(["--assume-ipv6", "yes"]),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        STATE["slow"] = 0
    check("run 5 interrupted: crawl exits 130", p.returncode == 130,
          err.decode(errors="replace"))
    r = v6crawl(["report", "--db", T.db, "--run", "5", "--fail-under", "50"])
    check_nodata("report --run 5 (incomplete) --fail-under 50", r, 5,
                 "the run is incomplete (interrupted)")
    r = v6crawl(["report", "--db", T.db, "--run", "3", "--fail-under", "50"])
    check("a complete run with IPv6 is still judged (run 3: exit 0)",
          r.rc == 0 and not err_lines(r, "no data"), r.why())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.db = o.v6crawl, os.path.join(o.work, "db")
    subprocess.run(["ip", "-6", "addr", "add", V6 + "/128", "dev", "lo",
                    "nodad"], capture_output=True)
    world = small_world(o.work, V4, V6, ["fig.test,%s,%s" % (V4, V6),
                                         "bad.fig.test," + V4], Handler)
    try:
        item_a()
        item_b()
    finally:
        small_world_stop(world)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
