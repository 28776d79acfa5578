#!/usr/bin/python3
"""Hostile pages (issue 9, items 2 and 3): a site whose pages are 5 MB of
nested <span>, <table><tr><td>, <div> or <b><i> (which crashed gumbo's
recursive destroy or kept it busy for minutes) and 8 MiB pages of links
(seconds of parsing each), next to a quick site. The crawl finishes; the
hostile site's links after the deep nesting are found, and each deep
page is recorded with the evidence (how deep, from which byte, how many
tags parsed flat); the quick site's figures are exact and its requests'
timings are not inflated by the parsing (pages are parsed beside the
event loop). Two small servers of this test's own, on 127.0.5.1 and
127.0.5.2 (inside the suite's network namespace).

    test_hostile.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page

results = []
HOSTILE, QUICK = "127.0.5.1", "127.0.5.2"
PREFIX = b"<!doctype html><html><body>"
MB5 = 5 * 1024 * 1024
# the nesting shapes: the unit repeated to 5 MB, then one link
SHAPES = {"span": b"<span>", "table": b"<table><tr><td>", "div": b"<div>",
          "bi": b"<b><i>"}
BIG = 8            # pages of links, 8 MiB each (seconds of parsing each)
QUICK_DELAY = 0.5  # seconds the quick site takes for every answer
QUICK_PAGES = {"/": ["/q1.html", "/q2.html", "/q3.html"],
               "/q1.html": ["/q1a.html", "/q1b.html"],
               "/q2.html": ["/q2a.html"], "/q3.html": [],
               "/q1a.html": [], "/q1b.html": [], "/q2a.html": []}
MAX_DEPTH = 512    # parser/parse.h HTML_MAX_DEPTH
MAX_FMT = 64       # parser/nest.c NEST_MAX_FORMATTING


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - %s" % name if cond else
          "not ok - %s: %s" % (name, str(detail)[:2000]))
    sys.stdout.flush()


def shape_page(name):
    unit = SHAPES[name]
    n = (MB5 - len(PREFIX)) // len(unit)
    return PREFIX + unit * n + b'<a href="/after-%s.html">x</a>' % \
        name.encode(), n


def big_page():
    line = b''.join(b'<a href="/same-%d.html">same page %d</a>\n' % (i, i)
                    for i in range(10))
    n = (8 * 1024 * 1024 - len(PREFIX)) // len(line)
    return PREFIX + line * n


PAGES = {"/": link_page(["/%s.html" % s for s in SHAPES] +
                        ["/big%d.html" % i for i in range(BIG)])}
SHAPE_N = {}
for _s in SHAPES:
    PAGES["/%s.html" % _s], SHAPE_N[_s] = shape_page(_s)
    PAGES["/after-%s.html" % _s] = link_page([])
_big = big_page()
for _i in range(BIG):
    PAGES["/big%d.html" % _i] = _big
for _i in range(10):
    PAGES["/same-%d.html" % _i] = link_page([])


class Hostile(PageHandler):
    def page(self):
        return PAGES.get(self.path)


class Quick(PageHandler):
    def page(self):
        links = QUICK_PAGES.get(self.path)
        time.sleep(QUICK_DELAY)
        return None if links is None else link_page(links)


def expected_cut(name):
    """The evidence nest.c gives for shape @name: where the nesting went
    past the limit, the depth kept, the tags parsed flat."""
    unit, n = SHAPES[name], SHAPE_N[name]
    if name == "bi":
        # formatting elements: at most MAX_FMT open; html and body first
        k = MAX_FMT // 2
        return len(PREFIX) + k * len(unit), 2 + MAX_FMT, 2 * (n - k) + 1
    if name == "table":
        # table, tr, td each open a level; beyond the limit each <table>
        # is dropped and the row it would begin closes the one before
        k = (MAX_DEPTH - 2) // 3
        return len(PREFIX) + k * len(unit), MAX_DEPTH, None
    k = MAX_DEPTH - 2
    return len(PREFIX) + k * len(unit), MAX_DEPTH, n - k + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srvs = [http.server.ThreadingHTTPServer((HOSTILE, 80), Hostile),
            http.server.ThreadingHTTPServer((QUICK, 80), Quick)]
    for s in srvs:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    db = os.path.join(o.work, "db")
    try:
        t0 = time.time()
        try:
            p = subprocess.run([o.v6crawl, "crawl", "--db", db,
                                "--allow-private", "--timeout", "5",
                                "--retries", "0", "--quiet",
                                "http://%s/" % HOSTILE, "http://%s/" % QUICK],
                               capture_output=True, timeout=240)
            rc, err = p.returncode, p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, err = "timeout", "the crawl ran past 240 s"
        took = time.time() - t0
        check("the crawl finishes, exit 0 (%.1f s)" % took, rc == 0,
              "rc %s: %s" % (rc, err))
        rep = subprocess.run([o.v6crawl, "report", "--db", db, "--format",
                              "json"], capture_output=True)
        lk = subprocess.run([o.v6crawl, "links", "--db", db, "--format",
                             "json"], capture_output=True)
        text = subprocess.run([o.v6crawl, "report", "--db", db],
                              capture_output=True)
        try:
            sites = {s["start_url"]: s for s in
                     itlib.jload(rep.stdout)["sites"]}
            links = itlib.jload(lk.stdout)["links"]
        except ValueError:
            sites, links = {}, []
        check("the run is complete", b'"complete": true' in rep.stdout,
              rep.stdout[:300])
        hs = sites.get("http://%s/" % HOSTILE, {})
        qs = sites.get("http://%s/" % QUICK, {})

        # the hostile site: every link found, after the deep nesting too
        def site_links(site):
            return {(ln["url"].split("/", 3)[3], ln["level"])
                    for ln in links if ln["site"] == site}
        want = {("", 1)} | {("%s.html" % s, 2) for s in SHAPES} | \
            {("big%d.html" % i, 2) for i in range(BIG)} | \
            {("after-%s.html" % s, 3) for s in SHAPES} | \
            {("same-%d.html" % i, 3) for i in range(10)}
        got = site_links("http://%s/" % HOSTILE)
        check("hostile site: every link, the ones after 5 MB of nesting "
              "too, at its level", got == want, (got ^ want))
        lv = hs.get("levels", {})
        check("hostile site: exact figures (level 2: %d links, level 3: "
              "14)" % (4 + BIG),
              lv.get("2", {}).get("internal", {}).get("links") == 4 + BIG and
              lv.get("3", {}).get("internal", {}).get("links") == 14, lv)

        # the evidence on each deep page
        cuts = {c["url"].rsplit("/", 1)[1]: c for c in hs.get("pages_cut",
                                                              [])}
        check("hostile site: the four deep pages, and only they, are "
              "recorded as cut", sorted(cuts) ==
              sorted("%s.html" % s for s in SHAPES), sorted(cuts))
        for s in SHAPES:
            c = cuts.get("%s.html" % s, {})
            at, depth, flat = expected_cut(s)
            size = len(PAGES["/%s.html" % s])
            ok = (c.get("nesting") is True and c.get("budget") is False and
                  c.get("bytes") == size and c.get("parsed") == size and
                  c.get("depth") == depth and c.get("flat_at") == at and
                  (flat is None and c.get("flattened", 0) > SHAPE_N[s] // 3
                   or c.get("flattened") == flat))
            check("%s: the evidence: %d bytes all read, nested past %d "
                  "from byte %d, tags parsed flat" % (s, size, depth, at),
                  ok, (c, at, depth, flat))
        check("the text report names the cut pages",
              text.stdout.count(b"not parsed as a browser would") == 4 and
              b"/div.html (%d bytes)" % len(PAGES["/div.html"])
              in text.stdout, text.stdout[-1500:])

        # the quick site: exact figures, timings of its own
        want = {("", 1), ("q1.html", 2), ("q2.html", 2), ("q3.html", 2),
                ("q1a.html", 3), ("q1b.html", 3), ("q2a.html", 3)}
        got = site_links("http://%s/" % QUICK)
        check("quick site: every link at its level", got == want, got ^ want)
        lv = qs.get("levels", {})
        check("quick site: exact figures (level 2: 3 links, level 3: 3)",
              lv.get("2", {}).get("internal", {}).get("links") == 3 and
              lv.get("3", {}).get("internal", {}).get("links") == 3 and
              qs.get("error") is None and qs.get("pages_cut") == [], qs)
        times = [ln["v4"]["total_ms"] for ln in links
                 if ln["site"] == "http://%s/" % QUICK and "v4" in ln]
        ok4 = [ln["class"] for ln in links
               if ln["site"] == "http://%s/" % QUICK]
        check("quick site: every link answered over IPv4 (none timed out "
              "while pages were parsed)",
              len(ok4) == 7 and all(c == "no-aaaa" for c in ok4), ok4)
        # each answer takes QUICK_DELAY; parsing the hostile pages (seconds
        # of gumbo each) must not be added to it
        check("quick site: request timings not inflated (each < %.1f s)"
              % (QUICK_DELAY + 2.5), len(times) == 7 and
              all(t < (QUICK_DELAY + 2.5) * 1000 for t in times), times)
    finally:
        for s in srvs:
            s.shutdown()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
