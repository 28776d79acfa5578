#!/usr/bin/python3
"""Sites that share links and pages (issue 8, item 6): each site gets
exactly the figures and link classes it gets when crawled alone, whatever
the other sites of the run probed or read first. The world's two sites
share links (notice.html, cdn.outside.com.cn, v6.demo.gov.cn, ...), and a
second start URL on the same homepage (`/?again`) shares every page with
the first; the same URL listed twice is one site, with a warning. Also robots.txt without
an IPv6 vantage point: a link redirected into a disallowed path is
`robots`, not `unmeasured`. And --depth 1 measures the homepage only.

    test_sharing.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import collections
import json
import os
import subprocess
import sys

import itlib

results = []
GOV = "http://www.demo.gov.cn/"
EDU = "http://www.demo.edu.cn/"
# the same homepage under another start URL: a distinct site that shares
# every page with GOV (or EDU)
GOV2 = GOV + "?again"
EDU2 = EDU + "?again"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


def crawl(o, name, starts, extra=(), want_rc=0):
    db = os.path.join(o.work, name)
    p = subprocess.run([o.v6crawl, "crawl", "--db", db, "--dns-server",
                        "127.0.0.1:5353", "--cacert",
                        os.path.join(o.world, "ca.pem"), "--allow-private",
                        "--timeout", "3", "--retries", "1", "--quiet"] +
                       list(extra) + starts, capture_output=True, timeout=300)
    check("%s: crawl exits %d" % (name, want_rc), p.returncode == want_rc,
          p.stderr.decode())
    o.last_stderr = p.stderr.decode()
    rep = subprocess.run([o.v6crawl, "report", "--db", db, "--format",
                          "json"], capture_output=True)
    links = subprocess.run([o.v6crawl, "links", "--db", db, "--format",
                            "json"], capture_output=True)
    sites = itlib.jload(rep.stdout)["sites"]
    figs = [(s["start_url"], s["final_url"], s["error"], s["homepage"],
             s["levels"]) for s in sites]
    per = collections.defaultdict(collections.Counter)
    for ln in itlib.jload(links.stdout)["links"]:
        # not the parent: which page of a level a link is first seen on
        # depends on the order the pages arrive in, alone or not
        per[ln["site"]][(ln["level"], ln["url"], ln["scope"],
                         ln["class"])] += 1
    return figs, per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()

    alone = {}
    for name, url in (("gov", GOV), ("edu", EDU), ("gov2", GOV2),
                      ("edu2", EDU2)):
        figs, per = crawl(o, "alone-" + name, [url])
        alone[url] = (figs[0], per[url])
    for name, starts in (("gov-edu", [GOV, EDU]), ("edu-gov", [EDU, GOV]),
                         ("gov-gov2", [GOV, GOV2]),
                         ("edu2-edu", [EDU2, EDU])):
        figs, per = crawl(o, name, starts)
        for i, url in enumerate(starts):
            check("%s: site %d (%s) has the figures it has alone" %
                  (name, i + 1, url), figs[i] == alone[url][0],
                  (figs[i], alone[url][0]))
        for url in set(starts):
            k = starts.count(url)
            want = collections.Counter({key: n * k for key, n in
                                        alone[url][1].items()})
            check("%s: %s has every link, level and class it has alone" %
                  (name, url), per[url] == want,
                  (per[url] - want, want - per[url]))

    # the same URL twice is one site, measured as alone, with a warning
    figs, per = crawl(o, "gov-gov", [GOV, GOV])
    check("gov-gov: one site, with the figures it has alone",
          figs == [alone[GOV][0]], figs)
    check("gov-gov: the repeat is named on stderr",
          "repeats" in o.last_stderr and GOV in o.last_stderr, o.last_stderr)

    # robots.txt whatever the vantage point: /go/private redirects into
    # /private/, which robots.txt disallows.
    figs, per = crawl(o, "no-ipv6", [GOV], ["--assume-ipv6", "no"], 6)
    cls = {key[1]: key[3] for key in per[GOV]}
    check("--assume-ipv6 no: a link redirected into a disallowed path is "
          "robots", cls.get("https://www.demo.gov.cn/go/private") == "robots",
          cls.get("https://www.demo.gov.cn/go/private"))
    check("--assume-ipv6 no: a disallowed link is robots",
          cls.get("https://www.demo.gov.cn/private/plan.html") == "robots",
          cls.get("https://www.demo.gov.cn/private/plan.html"))
    check("--assume-ipv6 no: an allowed link is unmeasured",
          cls.get("http://v4.demo.gov.cn/") == "unmeasured",
          cls.get("http://v4.demo.gov.cn/"))

    # --depth 1: the homepage only; its links are not collected.
    figs, per = crawl(o, "depth1", [GOV], ["--depth", "1"])
    lv = figs[0][4]
    check("--depth 1: the homepage is measured", figs[0][3] ==
          {"ipv6": True, "class": "ok"}, figs[0][3])
    check("--depth 1: no level-2 or level-3 links",
          all(lv[n][sc]["links"] == 0 and lv[n][sc]["concentration"] is None
              for n in ("2", "3") for sc in ("internal", "all")), lv)
    check("--depth 1: the start URL is the only link",
          sorted(k[:2] for k in per[GOV]) == [(1, GOV)], per[GOV])

    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
