#!/usr/bin/python3
"""Limits: host names no DNS lookup can find, URLs near and past the
store's key limit, page bodies past --max-body, and robots.txt files
that are huge or that break off.

Everything is this test's own, inside the suite's private network
namespace, on 127.0.6.0/24 and fd6c:7006::/64 (added to lo here and
removed at the end):
  127.0.6.53:53   dnsmasq: the names under limits.test (NXDOMAIN for any
                  other name there), with its query log
  a, b, c, big    an HTTP server (http.server) on .1 .2 .6 .5 and
                  fd6c:7006::1 ::2 ::6 ::5, telling the sites apart by
                  their Host header
  stall, reset    raw socket servers on .3 and .4 (IPv4 only): their
                  robots.txt sends its headers and part of its body, then
                  stalls until the client gives up / resets the connection

Crawl 1: a link (or a redirect) to a host name longer than 253 bytes or
with a label longer than 63 is dead with that reason and never asked of
the DNS; the other links and sites are measured; a start URL with such a
host is a site error. URLs of 479 to 513 bytes (the store's key limit is
480, LMDB's 511) and of 100 kB are stored whole.
Crawl 2 (--max-body 4096): a page whose Content-Length is over 4 x
--max-body is read up to the cap, parsed and counted in pages_truncated;
a 60 MB robots.txt is read to 500 KiB (its first line obeyed, a rule after
500 KiB not, a line cut at 500 KiB dropped); a robots.txt that breaks off
is unreachable: asked once more, then its origin is disallowed.

    test_limits.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page, listener, serve_raw

results = []
NET4, NET6 = "127.0.6.%d", "fd6c:7006::%d"
DNS = NET4 % 53
HOSTS = {"a": 1, "b": 2, "stall": 3, "reset": 4, "big": 5, "c": 6}
V4_ONLY = ("stall", "reset")
D = ".limits.test"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:2000]))
    sys.stdout.flush()


def name_of(first, total):
    """A name under limits.test of @total bytes, labels of at most 63,
    made of the letter @first."""
    left, labels = total - len(D), []
    while left > 0:
        n = min(63, left)
        if left - n == 1:  # no room for a dot and a label after it
            n -= 1
        labels.append(first * n)
        left -= n + 1
    return ".".join(labels) + D


H253, H254, H600 = name_of("x", 253), name_of("y", 254), name_of("z", 600)
H_START = name_of("s", 600)
LABEL64 = "q" * 64 + D
A = "http://a" + D
PREFIX = A + "/p/"
LONG_URLS = [PREFIX + "u" * (n - len(PREFIX)) for n in
             (479, 480, 481, 510, 511, 512, 513, 2000)]
HUGE_URL = A + "/q?" + "v" * 100000  # over http.server's 64 KiB line: 414
TOO_LONG = "host name longer than 253 bytes"
LABEL_TOO_LONG = "host name label longer than 63 bytes"
A_LINKS = ([A + "/ok.html", "http://%s/x" % H253, "http://%s/x" % H254,
            "http://%s/x" % H600, "http://%s/x" % LABEL64, A + "/redir"] +
           LONG_URLS + [HUGE_URL])

C = "http://c" + D
MAX_BODY = 4096
R_STALL, R_RESET, R_BIG = ("http://stall" + D, "http://reset" + D,
                           "http://big" + D)
C_LINKS = [C + "/big.html", C + "/mid.html",
           R_STALL + "/pub.html", R_STALL + "/private/x.html",
           R_RESET + "/pub.html", R_RESET + "/private/x.html",
           R_BIG + "/pub.html", R_BIG + "/private/x.html",
           R_BIG + "/cut-x.html", R_BIG + "/late/x.html"]
ROBOTS_MAX = 500 * 1024
BIG_ROBOTS = 60 * 1000 * 1000


def big_robots_head():
    """The first 700 kB of the 60 MB robots.txt: a rule on its first
    lines, comment lines, a rule cut by the 500 KiB mark, a rule after it."""
    out = bytearray(b"User-agent: *\nDisallow: /private/\n")
    pad = b"# " + b"p" * 97 + b"\n"
    while len(out) + len(pad) < ROBOTS_MAX - 15:
        out += pad
    out += b"#" * (ROBOTS_MAX - 15 - len(out) - 1) + b"\n"
    out += b"Disallow: /cut-here/\n"  # "Disallow: /cut-" before the mark
    while len(out) < 600 * 1024:
        out += pad
    out += b"Disallow: /late/\n"
    while len(out) < 700 * 1000:
        out += pad
    return bytes(out)


BIG_HEAD = big_robots_head()


def padded_page(links, tail_links, size):
    """A page of @size bytes: @links in its first 4096 bytes,
    @tail_links after them."""
    head = link_page(links)[:-len(b"</body></html>")]
    tail = link_page(tail_links)[len(b"<html><body>"):]
    fill = size - len(head) - len(tail)
    return head + b"<!--" + b"f" * (fill - 7) + b"-->" + tail


class Web(PageHandler):
    log = []
    sent = {}

    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        Web.log.append((host, self.command, self.path))
        site = host[:-len(D)] if host.endswith(D) else host
        if self.path == "/robots.txt":
            return None
        if site == "a":
            if self.path == "/":
                return link_page(A_LINKS)
            if self.path in ("/ok.html",) or self.path.startswith("/p/"):
                return b"<html><body>page</body></html>"
            return None
        if site == "b":
            if self.path == "/":
                return link_page(["/b1.html", "/b2.html"])
            return b"<html><body>b</body></html>"
        if site == "c":
            if self.path == "/":
                return link_page(C_LINKS)
            if self.path == "/big.html":
                return padded_page(["/l3a.html", "/l3b.html"],
                                   ["/beyond.html"], 5 * MAX_BODY)
            if self.path == "/mid.html":
                return padded_page(["/l3c.html"], ["/beyond2.html"],
                                   2 * MAX_BODY + 100)
            return b"<html><body>c</body></html>"
        if site == "big":
            return b"<html><body>big</body></html>"
        return None

    def serve(self, body_wanted):
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/redir":
            Web.log.append((host, self.command, self.path))
            self.send_response(302)
            self.send_header("Location", "http://%s/y" % H600)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if host == "big" + D and self.path == "/robots.txt":
            Web.log.append((host, self.command, self.path))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(BIG_ROBOTS))
            self.end_headers()
            sent = 0
            try:
                self.wfile.write(BIG_HEAD)
                sent = len(BIG_HEAD)
                chunk = b"# " + b"t" * 1021 + b"\n"
                while sent < BIG_ROBOTS:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            Web.sent["big robots"] = sent
            self.close_connection = True
            return
        super().serve(body_wanted)


class Web6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def raw_site(name, log):
    """A connection handler: robots.txt sends part of its body then stalls
    (@name "stall") or resets ("reset"); any other path is a small page."""
    def one(conn):
        try:
            req = b""
            while b"\r\n\r\n" not in req:
                got = conn.recv(4096)
                if not got:
                    return
                req += got
            method, path = req.split(b" ")[:2]
            log.append((name, method.decode(), path.decode()))
            if path == b"/robots.txt":
                body = (b"User-agent: *\nDisallow: /priv" if name == "stall"
                        else b"User-agent: *\nDisallow: /")
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain"
                             b"\r\nContent-Length: 1000\r\n\r\n" + body)
                if name == "stall":
                    conn.settimeout(60)
                    conn.recv(1)  # until the client gives up
                else:
                    time.sleep(0.3)
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                return
            body = b"<html><body>raw</body></html>"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Connection: close\r\nContent-Length: %d\r\n\r\n"
                         % len(body) + (body if method == b"GET" else b""))
        except OSError:
            pass
        finally:
            conn.close()
    return one


def dnsmasq(work):
    pid = os.path.join(work, "dnsmasq.pid")
    args = ["dnsmasq", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--port=53", "--listen-address=" + DNS, "--bind-interfaces",
            "--user=root", "--group=", "--pid-file=" + pid, "--no-negcache",
            "--log-queries", "--log-facility=%s/dnsmasq.log" % work,
            "--local=/limits.test/"]
    for h, n in HOSTS.items():
        rec = "--host-record=%s%s,%s" % (h, D, NET4 % n)
        args.append(rec if h in V4_ONLY else rec + "," + NET6 % n)
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("test_limits: dnsmasq failed: %s" % r.stderr)
    for _ in range(50):
        if os.path.exists(pid) and open(pid).read().strip():
            return int(open(pid).read())
        time.sleep(0.1)
    sys.exit("test_limits: dnsmasq wrote no pid file")


def run(args):
    p = subprocess.run(args, capture_output=True, timeout=300)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


def crawl(o, db, sites, extra=()):
    return run([o.v6crawl, "crawl", "--db", os.path.join(o.work, db),
                "--dns-server", DNS, "--allow-private", "--timeout", "3",
                "--retries", "0", "--quiet"] + list(extra) + sites)


def links(o, db):
    rc, out, err = run([o.v6crawl, "links", "--db", os.path.join(o.work, db),
                        "--format", "json"])
    try:
        return {(ln["site"], ln["url"]): ln
                for ln in itlib.jload(out)["links"]}
    except (ValueError, KeyError):
        return {}


def sites(o, db):
    rc, out, err = run([o.v6crawl, "report", "--db", os.path.join(o.work, db),
                        "--format", "json"])
    try:
        return {s["start_url"]: s for s in itlib.jload(out)["sites"]}
    except (ValueError, KeyError):
        return {}


def fig(site, level):
    """(counted, ipv6, classes without zeros) of @site's internal @level."""
    f = ((site or {}).get("levels") or {}).get(str(level), {}).get(
        "internal") or {}
    return (f.get("counted"), f.get("ipv6"),
            {k: v for k, v in (f.get("classes") or {}).items() if v})


def evidence(ln):
    """(class, v6 error, v4 error, v4 hops) of the link @ln."""
    ln = ln or {}
    return (ln.get("class"), (ln.get("v6") or {}).get("error"),
            (ln.get("v4") or {}).get("error"),
            itlib.hop_lines((ln.get("v4") or {}).get("hops")))


def crawl1(o):
    """Host names too long, URLs near the key limit."""
    qlog = os.path.join(o.work, "dnsmasq.log")
    start_bad = "http://%s/" % H_START
    rc, out, err = crawl(o, "hosts", [A + "/", "http://b" + D + "/",
                                      start_bad])
    check("a link to a host longer than 500 bytes does not stop the crawl "
          "(exit 0, as for a site whose homepage cannot be read)",
          rc == 0, "rc %s: %s" % (rc, err))
    got = links(o, "hosts")
    site = A + "/"
    for host, why in ((H254, TOO_LONG), (H600, TOO_LONG),
                      (LABEL64, LABEL_TOO_LONG)):
        url = "http://%s/x" % host
        check("a link to a %d-byte host (%s) is dead with its reason"
              % (len(host), why), evidence(got.get((site, url))) ==
              ("dead", why, why, ["ERR %s %s" % (why, url)]),
              evidence(got.get((site, url))))
    ln = got.get((site, "http://%s/x" % H253)) or {}
    check("a 253-byte host is asked of the DNS: NXDOMAIN, dead",
          ln.get("class") == "dead" and
          ((ln.get("dns") or {}).get("a_error"),
           (ln.get("dns") or {}).get("aaaa_error")) ==
          ("NXDOMAIN", "NXDOMAIN"), ln)
    check("a redirect to a 600-byte host is dead with the reason, the "
          "redirect in its hops",
          evidence(got.get((site, A + "/redir"))) ==
          ("dead", TOO_LONG, TOO_LONG,
           ["302 %s/redir" % A, "ERR %s http://%s/y" % (TOO_LONG, H600)]),
          evidence(got.get((site, A + "/redir"))))
    for url in LONG_URLS:
        ln = got.get((site, url)) or {}
        check("a %d-byte URL is stored whole and measured ok" % len(url),
              ln.get("class") == "ok" and ln.get("level") == 2 and
              itlib.hop_lines((ln.get("v4") or {}).get("hops")) ==
              ["200 " + url],
              evidence(ln))
    ln = got.get((site, HUGE_URL)) or {}
    check("a 100 kB URL is stored whole and measured (the server's 414)",
          ln.get("class") == "dead" and
          (ln.get("v4") or {}).get("status") == 414 and
          itlib.hop_lines((ln.get("v4") or {}).get("hops")) ==
          ["414 " + HUGE_URL],
          evidence(ln)[:3])
    s = sites(o, "hosts")
    check("site a: its figures count every other link (level 2: 9 of 15 "
          "over IPv6, 6 dead)",
          fig(s.get(site), 2) == (15, 9, {"ok": 9, "dead": 6}),
          fig(s.get(site), 2))
    check("site b is measured: 2 of 2",
          fig(s.get("http://b" + D + "/"), 2) == (2, 2, {"ok": 2}),
          fig(s.get("http://b" + D + "/"), 2))
    bad = s.get(start_bad) or {}
    check("a start URL with a 600-byte host is a site error with its "
          "reason", bad.get("error") ==
          "the homepage could not be read: " + TOO_LONG and
          fig(bad, 2) == (0, 0, {}), (bad.get("error"), fig(bad, 2)))
    queries = open(qlog).read() if os.path.exists(qlog) else ""
    check("the 253-byte name was asked, the longer ones never",
          ("query[A] %s " % H253) in queries and
          all(h not in queries for h in (H254, H600, H_START, LABEL64)),
          [ln for ln in queries.splitlines() if "query" in ln][:20])
    rc, out, err = crawl(o, "hosts-fail", [A + "/", "http://b" + D + "/",
                                           start_bad], ["--fail-under", "40"])
    check("--fail-under: the site error is a site without data (exit 6, "
          "named)", rc == 6 and start_bad in err and "no data" in err,
          "rc %s: %s" % (rc, err))


def crawl2(o):
    """Page bodies past --max-body, robots.txt huge or broken off."""
    Web.log[:] = []
    raw_log[:] = []
    t0 = time.monotonic()
    rc, out, err = crawl(o, "bodies", [C + "/"],
                         ["--max-body", str(MAX_BODY)])
    took = time.monotonic() - t0
    check("the crawl ends (exit 0) in %.1f s" % took, rc == 0 and took < 100,
          "rc %s: %s" % (rc, err))
    s = sites(o, "bodies").get(C + "/") or {}
    check("both pages longer than --max-body are counted in pages_truncated "
          "(one over 4 x the cap)", s.get("pages_truncated") == 2,
          s.get("pages_truncated"))
    check("level 2: 5 counted, all over IPv6; 5 robots",
          fig(s, 2) == (5, 5, {"ok": 5, "robots": 5}), fig(s, 2))
    got = links(o, "bodies")
    l3 = sorted(u for (st, u), ln in got.items() if ln.get("level") == 3)
    check("level 3 is the links in the first --max-body bytes of both "
          "pages, the one over 4 x the cap too",
          l3 == [C + "/l3a.html", C + "/l3b.html", C + "/l3c.html"] and
          fig(s, 3) == (3, 3, {"ok": 3}), (l3, fig(s, 3)))
    site = C + "/"
    want = {R_BIG + "/private/x.html": "robots",
            R_BIG + "/pub.html": "ok", R_BIG + "/cut-x.html": "ok",
            R_BIG + "/late/x.html": "ok"}
    check("a 60 MB robots.txt: its first rule is obeyed, a line cut at "
          "500 KiB and a rule after 500 KiB are not",
          {u: (got.get((site, u)) or {}).get("class") for u in want} == want,
          {u: (got.get((site, u)) or {}).get("class") for u in want})
    check("... and only a little more than 500 KiB of it was sent",
          0 < Web.sent.get("big robots", 0) < 20 * 1000 * 1000,
          Web.sent.get("big robots"))
    for origin, cause in ((R_STALL, "timed out"), (R_RESET, "reset")):
        for path in ("/pub.html", "/private/x.html"):
            ln = got.get((site, origin + path)) or {}
            e6, e4 = evidence(ln)[1:3]
            check("robots.txt broken off (%s): %s is robots, the reason "
                  "in its evidence" % (cause, path),
                  ln.get("class") == "robots" and e6 == e4 and
                  e4.startswith("disallowed by robots.txt: it broke off (")
                  and cause in e4.lower() and
                  e4.endswith("), so it counts as unreachable"), ln)
        name = origin[len("http://"):-len(D)]
        asked = [r for r in raw_log if r[0] == name]
        check("%s: robots.txt asked twice (as a 5xx is), nothing else"
              % name, asked == [(name, "GET", "/robots.txt")] * 2, asked)
    others = sorted(set(h for h, m, p in Web.log) - {"c" + D, "big" + D})
    check("nothing else was asked", others == [], others)


raw_log = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    added, servers, socks, pid = [], [], [], None
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    Web6.allow_reuse_address = True
    try:
        for h, n in sorted(HOSTS.items()):
            if h in V4_ONLY:
                continue
            subprocess.run(["ip", "-6", "addr", "add", NET6 % n + "/128",
                            "dev", "lo", "nodad"], check=True)
            added.append(NET6 % n)
        for h, n in sorted(HOSTS.items()):
            if h in V4_ONLY:
                s = listener(NET4 % n)
                socks.append(s)
                threading.Thread(target=serve_raw,
                                 args=(s, raw_site(h, raw_log)),
                                 daemon=True).start()
                continue
            for cls, addr in ((http.server.ThreadingHTTPServer, NET4 % n),
                              (Web6, NET6 % n)):
                srv = cls((addr, 80), Web)
                servers.append(srv)
                threading.Thread(target=srv.serve_forever,
                                 daemon=True).start()
        pid = dnsmasq(o.work)
        crawl1(o)
        crawl2(o)
    finally:
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        for srv in servers:
            srv.shutdown()
            srv.server_close()
        for s in socks:
            s.close()
        for a in added:
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"])
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
