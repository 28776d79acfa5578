#!/usr/bin/python3
"""Levels are breadth first whatever order pages arrive in: with --depth 4,
a URL linked from a slow level-2 page and from a quick level-3 page is a
level-3 link, though the level-3 page is read first. A small server of
this test's own (127.0.0.245, inside the suite's network namespace) delays
the slow page.

    test_depth.py --world DIR --work DIR --v6crawl PATH

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
HOST = "127.0.0.245"
PAGES = {
    "/": ["/a.html", "/slow.html"],
    "/a.html": ["/b.html"],
    "/b.html": ["/x.html", "/c.html"],
    "/slow.html": ["/x.html"],
    "/c.html": ["/d.html"],
    "/x.html": [],
    "/d.html": [],
}
WANT = {4: {"/a.html": 2, "/slow.html": 2, "/b.html": 3, "/x.html": 3,
            "/c.html": 4},
        3: {"/a.html": 2, "/slow.html": 2, "/b.html": 3, "/x.html": 3}}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        links = PAGES.get(self.path)
        if links is None:
            return None
        if self.path == "/slow.html" and self.command == "GET":
            time.sleep(1.5)
        return link_page(links)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer((HOST, 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        for depth in (4, 3):
            db = os.path.join(o.work, "db%d" % depth)
            p = subprocess.run([o.v6crawl, "crawl", "--db", db,
                                "--allow-private", "--timeout", "5",
                                "--retries", "0", "--quiet", "--depth",
                                str(depth), "http://%s/" % HOST],
                               capture_output=True, timeout=120)
            check("--depth %d crawl exits 0" % depth, p.returncode == 0,
                  p.stderr.decode())
            out = subprocess.run([o.v6crawl, "links", "--db", db, "--format",
                                  "json"], capture_output=True)
            got = {}
            for ln in itlib.jload(out.stdout)["links"]:
                path = "/" + ln["url"].split("/", 3)[3]
                if ln["level"] > 1:
                    got[path] = ln["level"]
            check("--depth %d: every link at its breadth-first level "
                  "(the slow level-2 page's link is level 3)" % depth,
                  got == WANT[depth], got)
    finally:
        srv.shutdown()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
