#!/usr/bin/python3
"""Faults nginx cannot make, from small servers of this test's own (inside
the suite's private network namespace): a server that accepts and then
says nothing (stall), one that resets every connection, one that
trickles its status line a byte at a time, and one that answers only
"100 Continue" and closes (no final response: a failure, not a success).
A portal links to each; the crawl must end within its timeouts and
measure each link dead, with the reason in its evidence.

    test_faults.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import itlib
from itlib import listener, serve_raw

results = []
SITE = "127.0.0.249"
STALL, RESET, TRICKLE = "127.0.0.246", "127.0.0.247", "127.0.0.248"
INTERIM = "127.0.0.241"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            body = ("<html><body>" + "".join(
                '<a href="http://%s/x.html">x</a>' % a
                for a in (STALL, RESET, TRICKLE, INTERIM)) +
                "</body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b"no robots here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def reset(conn):
    conn.recv(4096)
    # SO_LINGER 0: close() sends a RST instead of a FIN
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    conn.close()


def trickle(conn):
    try:
        conn.recv(4096)
        for b in b"HTTP/1.1 200 OK\r\n":
            conn.send(bytes([b]))
            time.sleep(0.5)
    except OSError:
        pass
    conn.close()


def interim(conn):
    try:
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    except OSError:
        pass
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    site = http.server.ThreadingHTTPServer((SITE, 80), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    stall = listener(STALL)  # never accepted
    rs, tr, it = listener(RESET), listener(TRICKLE), listener(INTERIM)
    for s, h in ((rs, reset), (tr, trickle), (it, interim)):
        threading.Thread(target=serve_raw, args=(s, h), daemon=True).start()
    db = os.path.join(o.work, "db")
    try:
        t0 = time.monotonic()
        p = subprocess.run([o.v6crawl, "crawl", "--db", db, "--allow-private",
                            "--timeout", "2", "--retries", "0", "--quiet",
                            "http://%s/" % SITE], capture_output=True,
                           timeout=120)
        took = time.monotonic() - t0
        check("the crawl ends within its timeouts (%.1f s)" % took,
              p.returncode == 0 and took < 20,
              "rc %s, %.1f s: %s" % (p.returncode, took, p.stderr.decode()))
        out = subprocess.run([o.v6crawl, "links", "--db", db, "--format",
                              "json", "--level", "2"], capture_output=True)
        links = {ln["url"]: ln for ln in itlib.jload(out.stdout)["links"]}
        for addr, what, pat in ((STALL, "stall", "timed out|timeout"),
                                (RESET, "reset", "reset|empty reply|recv"),
                                (TRICKLE, "trickle", "timed out|timeout"),
                                (INTERIM, "100 Continue, then closed",
                                 "no final response")):
            ln = links.get("http://%s/x.html" % addr) or {}
            v4 = ln.get("v4") or {}
            check("%s: the link is dead with the reason in its evidence"
                  % what, ln.get("class") == "dead" and v4.get("status") == 0
                  and re.search(pat, v4.get("error") or "", re.I),
                  json.dumps(ln)[:800])
    finally:
        site.shutdown()
        for s in (stall, rs, tr, it):
            s.close()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
