#!/usr/bin/python3
"""A reply that never gets past an interim status: a small server of this
test's own (127.0.0.241, inside the suite's network namespace) answers
every request with "HTTP/1.1 100 Continue" and closes the connection. No
final response came, so the request failed: retried like no response,
and the link (IPv4 only) ends dead, never ok. A site on 127.0.0.240 links
to it.

    test_interim.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import socket
import subprocess
import sys
import threading

results = []
SITE, CONTINUE = "127.0.0.240", "127.0.0.241"
hits = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2000])
          % name)
    sys.stdout.flush()


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            body = ('<html><body><a href="http://%s/x.html">x</a>'
                    '</body></html>' % CONTINUE).encode()
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


def interim(conn):
    try:
        req = conn.recv(4096)
        if not req.startswith(b"GET /robots.txt") and \
           not req.startswith(b"HEAD /robots.txt"):
            hits.append(req.split(b" ", 2)[:2])
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    except OSError:
        pass
    conn.close()


def serve(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=interim, args=(conn,), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    site = http.server.ThreadingHTTPServer((SITE, 80), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((CONTINUE, 80))
    ls.listen(64)
    threading.Thread(target=serve, args=(ls,), daemon=True).start()
    db = os.path.join(o.work, "db")
    try:
        p = subprocess.run([o.v6crawl, "crawl", "--db", db, "--allow-private",
                            "--timeout", "3", "--retries", "1", "--quiet",
                            "http://%s/" % SITE], capture_output=True,
                           timeout=120)
        check("the crawl exits 0", p.returncode == 0, p.stderr.decode())
        out = subprocess.run([o.v6crawl, "links", "--db", db, "--format",
                              "json", "--level", "2"], capture_output=True)
        links = {ln["url"]: ln for ln in json.loads(out.stdout)["links"]}
        ln = links.get("http://%s/x.html" % CONTINUE) or {}
        v4 = ln.get("v4") or {}
        check("100 Continue, then closed: the link is dead, not ok",
              ln.get("class") == "dead" and not v4.get("ok") and
              v4.get("status") == 0, json.dumps(ln)[:800])
        check("its evidence says no final response came",
              "no final response" in (v4.get("error") or ""),
              v4.get("error"))
        check("it is retried like no response (--retries 1: two requests)",
              len(hits) == 2, hits)
    finally:
        site.shutdown()
        ls.close()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
