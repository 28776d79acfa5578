#!/usr/bin/python3
"""Blackholed addresses: packets that leave and are never answered (the
commonest IPv6 failure: an AAAA whose address drops every packet).

Inside the suite's network namespace a veth pair v6c-bh0/v6c-bh1 takes
fd6c:7009:bad::/64 and 10.255.9.0/24 (routes via a neighbour whose link
address is the peer's, so every SYN leaves); the peer has no address and
forwards nothing, so it drops them all. This test's dnsmasq on
127.0.9.53 serves the names; a small HTTP server of its own serves
127.0.9.10 and [fd6c:7009::10] (127.0.9.11 / ::11: a page that waits).

  a6.test  www: 60 links to bad.a6.test, whose AAAA is blackholed (IPv4
           works): 60 v6-broken links, in at most two connect timeouts
           more than the same crawl of ok.test (all 60 working); the
           evidence names the address
  b4.test  5 links to a host whose A is blackholed -> v6-only
  cd.test  5 links to a host blackholed on both families -> dead
  s6.test  12 links like a6.test: b4, cd and s6 give the same classes
           and figures with the breaker as the slow way (--breaker 0)
  hb.test  the homepage's own AAAA blackholed, 10 links on it: the
           homepage's timing samples over IPv6 wait out no connect
           timeout once the address is known bad
  tr.test  12 links to bad.tr.test, blackholed until its address comes
           back (while slow.tr.test's homepage waits), before the end-of-
           run retry: the normal classes (ok)

    test_blackhole.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page

results = []
DNS = "127.0.9.53"
WEB4, WEB6 = "127.0.9.10", "fd6c:7009::10"
SLOW4, SLOW6 = "127.0.9.11", "fd6c:7009::11"
BAD6 = ["fd6c:7009:bad::1", "fd6c:7009:bad::2", "fd6c:7009:bad::3",
        "fd6c:7009:bad::4"]
BAD4 = ["10.255.9.1", "10.255.9.2"]
OUR6 = [WEB6, SLOW6]
CT = 2  # --connect-timeout of the timed crawls

# name -> (A, AAAA)
HOSTS = {
    "www.a6.test": (WEB4, WEB6), "bad.a6.test": (WEB4, BAD6[0]),
    "www.ok.test": (WEB4, WEB6), "bad.ok.test": (WEB4, WEB6),
    "www.b4.test": (WEB4, WEB6), "bad.b4.test": (BAD4[0], WEB6),
    "www.cd.test": (WEB4, WEB6), "bad.cd.test": (BAD4[1], BAD6[1]),
    "www.s6.test": (WEB4, WEB6), "bad.s6.test": (WEB4, BAD6[0]),
    "www.tr.test": (WEB4, WEB6), "bad.tr.test": (WEB4, BAD6[2]),
    "slow.tr.test": (SLOW4, SLOW6),
    "www.hb.test": (WEB4, BAD6[3]), "bad.hb.test": (WEB4, BAD6[3]),
}
N_LINKS = {"a6": 60, "ok": 60, "b4": 5, "cd": 5, "s6": 12, "tr": 12,
           "hb": 10}
RELEASE = threading.Event()


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:2000]))
    sys.stdout.flush()


def links_of(dom):
    return ["http://bad.%s.test/p%d" % (dom, i)
            for i in range(1, N_LINKS[dom] + 1)]


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/robots.txt":
            return None
        if host == "slow.tr.test":
            RELEASE.wait(60)
            return b"<html><body>slow</body></html>"
        m = re.match(r"www\.(\w+)\.test$", host)
        if m and self.path == "/" and m.group(1) in N_LINKS:
            return link_page(links_of(m.group(1)))
        return b"<html><body>leaf</body></html>"


class Web4(http.server.ThreadingHTTPServer):
    daemon_threads = True


class Web6(Web4):
    address_family = socket.AF_INET6


def ip(*args, check_rc=True):
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if check_rc and r.returncode != 0:
        sys.exit("test_blackhole: ip %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def blackhole_up():
    """The veth pair, its peer dropping everything routed to it."""
    ip("link", "add", "v6c-bh0", "type", "veth", "peer", "name", "v6c-bh1")
    ip("link", "set", "v6c-bh0", "up")
    ip("link", "set", "v6c-bh1", "up")
    for p in ("/proc/sys/net/ipv6/conf/all/forwarding",
              "/proc/sys/net/ipv4/ip_forward"):
        if open(p).read().strip() != "0":
            sys.exit("test_blackhole: %s is on: the peer would forward" % p)
    mac = re.search(r"link/ether (\S+)", ip("link", "show", "v6c-bh1"))
    if not mac:
        sys.exit("test_blackhole: no link address on v6c-bh1")
    ip("-6", "neigh", "replace", "fe80::bad", "lladdr", mac.group(1), "dev",
       "v6c-bh0", "nud", "permanent")
    ip("-6", "route", "add", "fd6c:7009:bad::/64", "via", "fe80::bad", "dev",
       "v6c-bh0")
    ip("neigh", "replace", "169.254.9.9", "lladdr", mac.group(1), "dev",
       "v6c-bh0", "nud", "permanent")
    ip("route", "add", "10.255.9.0/24", "via", "169.254.9.9", "dev",
       "v6c-bh0", "onlink")
    for a in OUR6:
        ip("-6", "addr", "add", a + "/128", "dev", "lo", "nodad")


def blackhole_down():
    ip("link", "del", "v6c-bh0", check_rc=False)
    for a in OUR6 + [BAD6[2]]:
        ip("-6", "addr", "del", a + "/128", "dev", "lo", check_rc=False)


def serve(cls, addr):
    srv = cls((addr, 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def dnsmasq(work):
    extra = ["--local=/test/"]
    for h, (a, aaaa) in HOSTS.items():
        extra.append("--host-record=%s,%s,%s" % (h, a, aaaa))
    return itlib.dnsmasq(work, "dnsmasq", DNS, extra, "test_blackhole")


def run(args, timeout=300):
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, timeout=timeout)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"), time.monotonic() - t0)


def crawl_args(o, db, doms, extra=()):
    return ([o.v6crawl, "crawl", "--db", os.path.join(o.work, db),
             "--dns-server", DNS, "--allow-private", "--assume-ipv6", "yes",
             "--vantage", "%s:80,[%s]:80" % (WEB4, WEB6),
             "--depth", "2", "--timeout", "20", "--homepage-probes", "1",
             "--timing-samples", "0", "--quiet"] + list(extra) +
            ["http://www.%s.test/" % d for d in doms])


def links(o, db):
    rc, out, err, _ = run([o.v6crawl, "links", "--db",
                           os.path.join(o.work, db), "--format", "json"])
    try:
        return {ln["url"]: ln for ln in itlib.jload(out)["links"]}
    except (ValueError, KeyError):
        return {}


def figures(o, db):
    """Each site's figures as the report gives them (levels and counts)."""
    rc, out, err, _ = run([o.v6crawl, "report", "--db",
                           os.path.join(o.work, db), "--format", "json"])
    try:
        return {s["start_url"]: s.get("levels")
                for s in itlib.jload(out)["sites"]}
    except (ValueError, KeyError):
        return {}


def classes(lns, dom):
    return [(lns.get(u) or {}).get("class") for u in links_of(dom)]


def v6_error(ln):
    return ((ln or {}).get("v6") or {}).get("error") or ""


def test_sixty(o):
    rc, out, err, t_ok = run(crawl_args(o, "ok", ["ok"],
                                        ["--connect-timeout", str(CT)]))
    lns = links(o, "ok")
    check("the control crawl: 60 working links are ok",
          rc == 0 and classes(lns, "ok") == ["ok"] * 60, (rc, err))
    rc, out, err, t_bh = run(crawl_args(o, "a6", ["a6"],
                                        ["--connect-timeout", str(CT)]))
    lns = links(o, "a6")
    got = classes(lns, "a6")
    check("60 links on a host whose AAAA is blackholed: exactly 60 v6-broken",
          rc == 0 and got == ["v6-broken"] * 60, (rc, err, got))
    errs = [v6_error(lns.get(u)) for u in links_of("a6")]
    check("every one's evidence names the blackholed address",
          all(BAD6[0] in e for e in errs), errs[:5])
    decided = [e for e in errs if "decided by them" in e]
    check("most were decided at once, naming the connect timeouts",
          len(decided) >= 40 and
          all(re.search(r"%s port 80: \d+ connect timeouts" % BAD6[0], e)
              for e in decided), errs[:5])
    hops = [h for u in links_of("a6")
            for h in itlib.hop_lines(((lns.get(u) or {}).get("v6") or {})
                                     .get("hops"))]
    timeouts = [h for h in hops if h.startswith("ERR connect timeout after")]
    check("a real connect timeout's evidence says so, with the address",
          timeouts and all(re.match(r"ERR connect timeout after \d+ ms to "
                                    r"\[%s\]:80 http" % BAD6[0], h)
                           for h in timeouts), hops[:8])
    check("only the first requests and the one more try waited it out",
          0 < len(timeouts) <= 2 * 6 + 1, len(timeouts))
    # the slow way would take 60 links x 3 tries x CT / 6 per host = 60 s
    limit = t_ok + 2 * CT + 15
    check("the crawl takes at most two connect timeouts more than the "
          "control (%.1f s vs %.1f s, limit %.1f s)" % (t_bh, t_ok, limit),
          rc == 0 and t_bh <= limit, (rc, t_bh, t_ok))
    lv = (figures(o, "a6").get("http://www.a6.test/") or {}).get("2") or {}
    check("the site's figures count the 60 v6-broken links",
          ((lv.get("internal") or {}).get("classes") or {}).get(
              "v6-broken") == 60, lv)


def test_slow_way(o):
    doms = ["b4", "cd", "s6"]
    rc1, _, err1, t1 = run(crawl_args(o, "brk", doms,
                                      ["--connect-timeout", "1"]))
    rc2, _, err2, t2 = run(crawl_args(o, "slow", doms,
                                      ["--connect-timeout", "1",
                                       "--breaker", "0"]))
    l1, l2 = links(o, "brk"), links(o, "slow")
    check("IPv4 blackholed only: v6-only",
          rc1 == 0 and classes(l1, "b4") == ["v6-only"] * 5,
          (rc1, err1, classes(l1, "b4")))
    check("both families blackholed: dead",
          classes(l1, "cd") == ["dead"] * 5, classes(l1, "cd"))
    check("IPv6 blackholed only: v6-broken",
          classes(l1, "s6") == ["v6-broken"] * 12, classes(l1, "s6"))
    check("the v4 evidence names the blackholed IPv4 address",
          all(BAD4[0] in (((l1.get(u) or {}).get("v4") or {}).get("error")
                          or "") for u in links_of("b4")),
          [l1.get(u) for u in links_of("b4")][:1])
    same = {u: (ln.get("class"), (l2.get(u) or {}).get("class"))
            for u, ln in l1.items()}
    check("with the breaker off (the slow way) every link's class is the "
          "same (%.1f s vs %.1f s)" % (t1, t2),
          rc2 == 0 and set(l1) == set(l2) and
          all(a == b for a, b in same.values()),
          (rc2, err2, [v for v in same.values() if v[0] != v[1]]))
    f1, f2 = figures(o, "brk"), figures(o, "slow")
    check("and so is every site's figures", f1 and f1 == f2, (f1, f2))


def test_homepage(o):
    samples = 20
    rc, out, err, secs = run(crawl_args(o, "hb", ["hb"],
                                        ["--connect-timeout", "1",
                                         "--timing-samples", str(samples)]))
    lns = links(o, "hb")
    home = lns.get("http://www.hb.test/") or {}
    check("a homepage whose AAAA is blackholed, and its 10 links: v6-broken",
          rc == 0 and home.get("class") == "v6-broken" and
          classes(lns, "hb") == ["v6-broken"] * 10,
          (rc, err, home.get("class"), classes(lns, "hb")))
    # its three tries, the one more try, then the samples over IPv4;
    # waiting out each IPv6 sample's connect timeout would add 20 s
    check("its IPv6 timing samples wait out no connect timeout (%.1f s)"
          % secs, rc == 0 and secs < 4 + samples * 0.6, secs)


def test_transient(o):
    """bad.tr.test's address comes back while slow.tr.test's homepage
    keeps the crawl busy, before the end-of-run retry."""
    RELEASE.clear()
    args = crawl_args(o, "tr", ["tr"], ["--connect-timeout", "3"])
    args.append("http://slow.tr.test/")
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # the first requests time out after 3 s and the address opens (it is
    # tried once more when the crawl is idle, or 3 x 3 s later); then the
    # address comes back and the slow page lets the crawl end
    time.sleep(7)
    ip("-6", "addr", "add", BAD6[2] + "/128", "dev", "lo", "nodad")
    srv = serve(Web6, BAD6[2])
    RELEASE.set()
    try:
        out, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    srv.shutdown()
    srv.server_close()
    lns = links(o, "tr")
    check("an address back before the end-of-run retry: the normal classes",
          p.returncode == 0 and classes(lns, "tr") == ["ok"] * 12,
          (p.returncode, err.decode(errors="replace"), classes(lns, "tr")))
    hops = [h for u in links_of("tr")
            for h in itlib.hop_lines(((lns.get(u) or {}).get("v6") or {})
                                     .get("hops"))]
    check("its requests timed out before it came back (the breaker opened)",
          any(h.startswith("ERR connect timeout after") for h in hops) and
          not any("decided by them" in h for h in hops), hops[:12])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    os.makedirs(o.work, exist_ok=True)
    pid = None
    srvs = []
    try:
        blackhole_up()
        pid = dnsmasq(o.work)
        srvs = [serve(Web4, WEB4), serve(Web6, WEB6), serve(Web4, SLOW4),
                serve(Web6, SLOW6)]
        test_sixty(o)
        test_slow_way(o)
        test_homepage(o)
        test_transient(o)
        log = open(os.path.join(o.work, "dnsmasq.log")).read()
        asked = set(re.findall(r"query\[\w+\] (\S+) from", log))
        check("nothing but this test's names was asked",
              asked and all(n == "test" or n.endswith(".test")
                            for n in asked), asked)
    finally:
        RELEASE.set()
        for s in srvs:
            s.shutdown()
            s.server_close()
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        blackhole_down()
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
