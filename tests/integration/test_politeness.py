#!/usr/bin/python3
"""Politeness: robots.txt Crawl-delay is honoured, capped.

A small server of this test's own on 127.0.0.251:80 (inside the suite's
private network namespace) serves a robots.txt with Crawl-delay: 0.4 and a
homepage with four links, and records when each request starts and ends.
v6crawl must send them one at a time, starting at least 0.4 s apart; with
--max-crawl-delay 0 it ignores the delay. Prints "ok - ..." lines and ends
with "N passed, N failed".

    test_politeness.py --world DIR --work DIR --v6crawl PATH
"""

import argparse
import http.server
import os
import subprocess
import sys
import threading
import time

from itlib import PageHandler, link_page

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


class Handler(PageHandler):
    log = []
    delay = "0.4"

    def page(self):
        time.sleep(0.05)  # long enough that overlapping requests would show
        if self.path == "/robots.txt":
            body = ("User-agent: *\nCrawl-delay: %s\n" % self.delay).encode()
            return body, "text/plain"
        if self.path == "/":
            return link_page("/%s.html" % c for c in "abcd")
        return b"<html><body>page</body></html>"

    def serve(self, body_wanted):
        t0 = time.monotonic()
        super().serve(body_wanted)
        Handler.log.append((t0, time.monotonic(), self.command, self.path))


def crawl(v6crawl, db, extra):
    return subprocess.run(
        [v6crawl, "crawl", "--db", db, "--allow-private", "--timeout", "5",
         "--retries", "0", "--quiet"] + extra + ["http://127.0.0.251/"],
        capture_output=True, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    opts = ap.parse_args()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer(("127.0.0.251", 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        Handler.log = []
        r = crawl(opts.v6crawl, os.path.join(opts.work, "db1"),
                  ["--max-crawl-delay", "1"])
        check("crawl with Crawl-delay 0.4 exits 0", r.returncode == 0,
              r.stderr.decode(errors="replace"))
        log = sorted(Handler.log)
        check("robots.txt, the homepage and its 4 links were requested",
              len(log) == 6 and log[0][3] == "/robots.txt", log)
        overlap = [(a, b) for a, b in zip(log, log[1:]) if b[0] < a[1]]
        check("one request at a time on a host with a Crawl-delay",
              not overlap, overlap)
        gaps = [round(b[0] - a[0], 3) for a, b in zip(log, log[1:])]
        # The delay counts from when the previous request began (robots.txt
        # itself is fetched before its rules are known).
        check("requests after robots.txt start at least 0.4 s apart",
              gaps[1:] and min(gaps[1:]) >= 0.38, gaps)

        Handler.log = []
        Handler.delay = "30"
        t0 = time.monotonic()
        r = crawl(opts.v6crawl, os.path.join(opts.work, "db2"),
                  ["--max-crawl-delay", "0"])
        took = time.monotonic() - t0
        check("--max-crawl-delay 0 ignores a Crawl-delay of 30 s",
              r.returncode == 0 and len(Handler.log) == 6 and took < 10,
              "rc %s, %d requests, %.1f s" % (r.returncode, len(Handler.log),
                                              took))
    finally:
        srv.shutdown()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
