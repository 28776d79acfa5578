#!/usr/bin/python3
"""Past one machine (issue 11): `crawl --shard K/N` crawls the sites whose
stable hash falls in shard K of N, `--run-label` names the night, and
`merge` imports one night's shard stores into a central store as one run
that reads exactly as one process crawling every site.

This test's own world, inside the suite's network namespace, on its own
addresses (127.0.11.x and fd6c:7011::x): a dnsmasq on 127.0.11.53 and a
small HTTP server of this test (itlib.PageHandler) on 127.0.11.1 and
[fd6c:7011::1], answering by Host:

  s0.shard.test ... s23.shard.test  127.0.11.1 fd6c:7011::1  the sites:
                      a homepage of internal pages (level 2, each with
                      level-3 links) and links to the hosts below
  cdn.shard.test      127.0.11.1 fd6c:7011::1  shared by every site
  v4.shard.test       127.0.11.1               no AAAA
  v6.shard.test                  fd6c:7011::1  no A
  broken.shard.test   127.0.11.1 fd6c:7011::4  nothing listens on IPv6
  dead.shard.test     127.0.11.5 fd6c:7011::5  nothing listens at all

    test_shard.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import csv
import http.server
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

from itlib import PageHandler, link_page, small_world, small_world_stop

results = []
DNS = "127.0.11.53"
V4, V6 = "127.0.11.1", "fd6c:7011::1"
V6_EXTRA = ["fd6c:7011::4", "fd6c:7011::5"]  # refuse at once
N_SITES, N = 24, 4
SITES = ["http://s%d.shard.test/" % i for i in range(N_SITES)]
LABEL = "night-2026-12-02"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


def site_links(i, path):
    """The links of page @path of site @i (deterministic: every crawl of
    the world sees the same graph)."""
    if path == "/":
        links = ["/p%d.html" % j for j in range(4)]
        links += ["http://cdn.shard.test/lib%d.js" % (i % 3),
                  "http://cdn.shard.test/common.css",
                  "http://v4.shard.test/x%d" % (i % 4),
                  "http://v6.shard.test/y%d" % (i % 2),
                  "mailto:web@s%d.shard.test" % i]
        if i % 3 == 0:
            links.append("http://broken.shard.test/b%d" % (i % 2))
        if i % 5 == 0:
            links.append("http://dead.shard.test/")
        if i % 4 == 1:  # a link to another site: external here
            links.append(SITES[(i + 1) % N_SITES])
        return links
    m = re.fullmatch(r"/p(\d+)\.html", path)
    if m:
        j = int(m.group(1))
        return ["/p%d/%d.html" % (j, k) for k in range(3)] + \
            ["/", "http://cdn.shard.test/img%d.png" % j]
    return None


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path
        if path == "/robots.txt":
            return None
        if host.endswith(".shard.test") and host.startswith("s") and \
                host[1:].split(".")[0].isdigit():
            links = site_links(int(host[1:].split(".")[0]), path)
            if links is not None:
                return link_page(links)
            return b"<html><body>leaf</body></html>"
        if host == "cdn.shard.test" and path.endswith(".png"):
            return b"\x89PNG\r\n\x1a\n", "image/png"
        return b"<html><body>elsewhere</body></html>"


def records():
    r = ["s%d.shard.test,%s,%s" % (i, V4, V6) for i in range(N_SITES)]
    r += ["cdn.shard.test,%s,%s" % (V4, V6), "v4.shard.test,%s" % V4,
          "v6.shard.test,%s" % V6, "broken.shard.test,%s,fd6c:7011::4" % V4,
          "dead.shard.test,127.0.11.5,fd6c:7011::5"]
    return r


class T:
    v6crawl = work = None


def run(args, timeout=300, env=None):
    p = subprocess.run([T.v6crawl] + args, capture_output=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def crawl_args(db, extra=()):
    return ["crawl", "--db", db, "--dns-server", DNS, "--allow-private",
            "--timeout", "3", "--retries", "1", "--quiet",
            "--timing-samples", "0", "--assume-ipv6", "yes"] + list(extra)


def fnv1a(s):
    """FNV-1a 64, written here again: the shard a URL falls in must not
    depend on v6crawl's own code being right."""
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
    return h


def sites_of(db):
    rc, out, err = run(["report", "--db", db, "--format", "json"])
    if rc != 0:
        return None
    return [s["start_url"] for s in json.loads(out)["sites"]]


def write_sites(path, urls):
    with open(path, "w") as f:
        for u in urls:
            f.write(u + "\tsite " + u.split("/")[2] + "\n")


def test_shards():
    """Four shards cover every site once, each the sites of its hash."""
    sites = os.path.join(T.work, "sites.txt")
    write_sites(sites, SITES)
    stores = []
    for k in range(N):
        db = os.path.join(T.work, "shard%d" % k)
        rc, out, err = run(crawl_args(db, ["--sites", sites, "--shard",
                                           "%d/%d" % (k, N), "--run-label",
                                           LABEL]))
        check("crawl --shard %d/%d exits 0" % (k, N), rc == 0, err)
        stores.append(db)
    got = [sites_of(db) or [] for db in stores]
    want = [[u for u in SITES if fnv1a(u) % N == k] for k in range(N)]
    check("each shard crawled the sites whose FNV-1a hash modulo N is K, "
          "in the list's order", got == want, (got, want))
    flat = sorted(u for g in got for u in g)
    check("the shards together cover every site exactly once",
          flat == sorted(SITES), flat)
    check("no shard is empty (the test's world spreads over all 4)",
          all(got), got)
    # the same shard of the list in another order: the same sites
    rev = os.path.join(T.work, "sites-rev.txt")
    write_sites(rev, list(reversed(SITES)))
    db = os.path.join(T.work, "shard2-rev")
    rc, out, err = run(crawl_args(db, ["--sites", rev, "--shard", "2/4"]))
    check("shard 2/4 of the list reversed has the same sites",
          rc == 0 and sorted(sites_of(db) or []) == sorted(want[2]),
          (rc, err, sites_of(db), want[2]))
    return sites, stores


def test_bad_args():
    for bad in ("4/4", "1", "-1/4", "1/0", "a/4", "1/4x", "0/10001"):
        rc, out, err = run(crawl_args(os.path.join(T.work, "bad"),
                                      ["--shard", bad, SITES[0]]))
        check("--shard %s is refused (exit 2)" % bad,
              rc == 2 and "--shard" in err, (rc, err))
    for bad in ("", "a\tb", "x" * 201):
        rc, out, err = run(crawl_args(os.path.join(T.work, "bad"),
                                      ["--run-label", bad, SITES[0]]))
        check("--run-label %r is refused (exit 2)" % bad[:12],
              rc == 2 and "--run-label" in err, (rc, err))
    check("nothing was crawled for a refused option",
          not os.path.exists(os.path.join(T.work, "bad")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    for a in [V6] + V6_EXTRA:
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], check=False)
    subprocess.run(["ip", "addr", "add", "127.0.11.1/32", "dev", "lo"],
                   check=False, stderr=subprocess.DEVNULL)
    # small_world serves on its DNS address and V6; the sites' IPv4 is V4
    world = small_world(T.work, DNS, V6, records(), Handler)
    srv4 = http.server.ThreadingHTTPServer((V4, 80), Handler)
    threading.Thread(target=srv4.serve_forever, daemon=True).start()
    try:
        test_bad_args()
        test_shards()
    finally:
        srv4.shutdown()
        small_world_stop(world)
        for a in [V6] + V6_EXTRA:
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"], check=False)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
