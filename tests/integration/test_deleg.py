#!/usr/bin/python3
"""The name servers over IPv6 and the delegation chain from the root
(网站域名具备完整的IPv6域名授权体系), against a real DNS hierarchy served
by NSD (one nsd process per name server, each on its own address):

  fd6c:7003::1    the root ".", delegating test. to ns1.tld.test and
                  ns2.tld.test (glue AAAA ::2, ::3)
  fd6c:7003::2    test. (and 127.0.3.2), delegating
                    good.test.  to ns1.good.test (AAAA ::4, serves it),
                                ns2.good.test (A only, no AAAA),
                                ns3.good.test (AAAA ::11, nothing listens)
                    lame.test.  to ns1.lame.test (AAAA ::6: an nsd that
                                serves other.test only, REFUSED),
                                ns2.lame.test (AAAA ::7, nothing listens)
  fd6c:7003::3    ns2.tld.test: nothing listens
  fd6c:7003::4    good.test. (and 127.0.3.4), delegating deep.good.test.
                  to ns.deep.good.test (AAAA ::10, serves it)
  fd6c:7003::10   deep.good.test. (and 127.0.3.10)
  fd6c:7003::6    other.test. only
  127.0.3.8       lame.test. over IPv4 only (for the resolver)
  127.0.3.20      this test's dnsmasq, the crawl's --dns-server, forwarding
                  each zone to its nsd over IPv4
  127.0.3.30      this test's web server (www.good.test, www.deep.good.test,
                  www.lame.test)

The crawl is given --dns-root [fd6c:7003::1]:53 and must walk ., test.,
good.test. (and deep.good.test.) zone by zone, saying for each name server
whether it answered over IPv6 and why not.

    test_deleg.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page

results = []
P6 = "fd6c:7003::"
V6 = [P6 + x for x in ("1", "2", "3", "4", "6", "7", "10", "11")]
RESOLVER = "127.0.3.20"
WEB = "127.0.3.30"
SOA = "@ IN SOA %s h.test. 1 3600 600 86400 300\n"

ZONES = {
    "root": (".", [P6 + "1"], """$ORIGIN .
$TTL 300
""" + SOA % "a.root.test." + """
. IN NS a.root.test.
test. IN NS ns1.tld.test.
test. IN NS ns2.tld.test.
a.root.test. IN AAAA fd6c:7003::1
ns1.tld.test. IN AAAA fd6c:7003::2
ns2.tld.test. IN AAAA fd6c:7003::3
"""),
    "tld": ("test.", [P6 + "2", "127.0.3.2"], """$ORIGIN test.
$TTL 300
""" + SOA % "ns1.tld.test." + """
@ IN NS ns1.tld
@ IN NS ns2.tld
ns1.tld IN AAAA fd6c:7003::2
ns2.tld IN AAAA fd6c:7003::3
a.root IN AAAA fd6c:7003::1
good IN NS ns1.good
good IN NS ns2.good
good IN NS ns3.good
ns1.good IN AAAA fd6c:7003::4
ns2.good IN A 127.0.3.5
ns3.good IN AAAA fd6c:7003::11
lame IN NS ns1.lame
lame IN NS ns2.lame
ns1.lame IN AAAA fd6c:7003::6
ns2.lame IN AAAA fd6c:7003::7
other IN NS ns.other
ns.other IN AAAA fd6c:7003::6
"""),
    "good": ("good.test.", [P6 + "4", "127.0.3.4"], """$ORIGIN good.test.
$TTL 300
""" + SOA % "ns1.good.test." + """
@ IN NS ns1
@ IN NS ns2
@ IN NS ns3
ns1 IN AAAA fd6c:7003::4
ns2 IN A 127.0.3.5
ns3 IN AAAA fd6c:7003::11
www IN A 127.0.3.30
deep IN NS ns.deep
ns.deep IN AAAA fd6c:7003::10
"""),
    "deep": ("deep.good.test.", [P6 + "10", "127.0.3.10"],
             """$ORIGIN deep.good.test.
$TTL 300
""" + SOA % "ns.deep.good.test." + """
@ IN NS ns
ns IN AAAA fd6c:7003::10
www IN A 127.0.3.30
"""),
    "other": ("other.test.", [P6 + "6"], """$ORIGIN other.test.
$TTL 300
""" + SOA % "ns.other.test." + """
@ IN NS ns
ns IN AAAA fd6c:7003::6
"""),
    "lame4": ("lame.test.", ["127.0.3.8"], """$ORIGIN lame.test.
$TTL 300
""" + SOA % "ns1.lame.test." + """
@ IN NS ns1
@ IN NS ns2
ns1 IN AAAA fd6c:7003::6
ns2 IN AAAA fd6c:7003::7
www IN A 127.0.3.30
"""),
}

REFUSED = "no answer over IPv6: Connection refused"
AUTH = "answers authoritatively"
ROOT = {"zone": ".", "ok": True, "servers": [
    {"name": P6 + "1", "aaaa": [P6 + "1"], "ipv6": True,
     "why": "referral to test."}]}


def tld(child):
    return {"zone": "test.", "ok": True, "servers": [
        {"name": "ns1.tld.test", "aaaa": [P6 + "2"], "ipv6": True,
         "why": "referral to %s." % child},
        {"name": "ns2.tld.test", "aaaa": [P6 + "3"], "ipv6": False,
         "why": REFUSED}]}


def good(ns1_why):
    return {"zone": "good.test.", "ok": True, "servers": [
        {"name": "ns1.good.test", "aaaa": [P6 + "4"], "ipv6": True,
         "why": ns1_why},
        {"name": "ns2.good.test", "aaaa": [], "ipv6": False,
         "why": "no AAAA"},
        {"name": "ns3.good.test", "aaaa": [P6 + "11"], "ipv6": False,
         "why": REFUSED}]}


WANT = {
    "http://www.good.test/": {
        "pass": True, "why": None,
        "zones": [ROOT, tld("good.test"), good(AUTH)]},
    "http://www.deep.good.test/": {
        "pass": True, "why": None,
        "zones": [ROOT, tld("good.test"), good("referral to deep.good.test."),
                  {"zone": "deep.good.test.", "ok": True, "servers": [
                      {"name": "ns.deep.good.test", "aaaa": [P6 + "10"],
                       "ipv6": True, "why": AUTH}]}]},
    "http://www.lame.test/": {
        "pass": False,
        "why": "no name server answers over IPv6 for lame.test.",
        "zones": [ROOT, tld("lame.test"),
                  {"zone": "lame.test.", "ok": False, "servers": [
                      {"name": "ns1.lame.test", "aaaa": [P6 + "6"],
                       "ipv6": False, "why": "lame: answers REFUSED"},
                      {"name": "ns2.lame.test", "aaaa": [P6 + "7"],
                       "ipv6": False, "why": REFUSED}]}]},
}
# "Name servers reachable over IPv6": the site's own zone (walked up from
# the host), each server counted only when it answers for the zone over
# IPv6 authoritatively.
NS_WANT = {
    "http://www.good.test/": (3, 1, {"ns1.good.test", "ns2.good.test",
                                     "ns3.good.test"}),
    "http://www.deep.good.test/": (1, 1, {"ns.deep.good.test"}),
    "http://www.lame.test/": (2, 0, {"ns1.lame.test", "ns2.lame.test"}),
}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        return link_page([])


def soa_query(addr, zone):
    """True once the nsd at @addr answers a query for @zone's SOA."""
    q = struct.pack(">HHHHHH", 0x1234, 0, 1, 0, 0, 0)
    for label in zone.strip(".").split("."):
        if label:
            q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", 6, 1)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    try:
        s.sendto(q, (addr, 53))
        return s.recv(4096)[:2] == b"\x12\x34"
    except OSError:
        return False
    finally:
        s.close()


def nsd(work, name, zone, addrs, text):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "zone"), "w") as f:
        f.write(text)
    conf = os.path.join(d, "nsd.conf")
    with open(conf, "w") as f:
        f.write("server:\n" +
                "".join("  ip-address: %s\n" % a for a in addrs) +
                "  port: 53\n  username: \"\"\n  chroot: \"\"\n"
                "  zonesdir: \"%s\"\n  pidfile: \"%s/pid\"\n"
                "  xfrdfile: \"%s/xfrd.state\"\n"
                "  zonelistfile: \"%s/zone.list\"\n  database: \"\"\n"
                "  logfile: \"%s/log\"\n  server-count: 1\n"
                "  verbosity: 1\n"
                "remote-control:\n  control-enable: no\n"
                "zone:\n  name: \"%s\"\n  zonefile: \"zone\"\n"
                % (d, d, d, d, d, zone))
    p = subprocess.Popen(["/usr/sbin/nsd", "-d", "-c", conf],
                         stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(d, "stderr"), "w"))
    for _ in range(100):
        if soa_query(addrs[0], zone):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.1)
    p.kill()
    sys.exit("test_deleg: nsd %s does not answer: %s" % (
        name, open(os.path.join(d, "stderr")).read() +
        open(os.path.join(d, "log")).read()
        if os.path.exists(os.path.join(d, "log")) else ""))


def dnsmasq(work):
    return itlib.dnsmasq(work, "dnsmasq", RESOLVER, [
        "--server=/test/127.0.3.2", "--server=/good.test/127.0.3.4",
        "--server=/deep.good.test/127.0.3.10",
        "--server=/lame.test/127.0.3.8"], "test_deleg")


def v6crawl(o, *args):
    return subprocess.run([o.v6crawl] + list(args), capture_output=True,
                          text=True, timeout=300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    procs, dpid = [], None
    for a in V6:
        r = subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                            "nodad"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("test_deleg: ip -6 addr add %s: %s" % (a, r.stderr))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer((WEB, 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    db = os.path.join(o.work, "db")
    try:
        for name, (zone, addrs, text) in sorted(ZONES.items()):
            procs.append(nsd(o.work, name, zone, addrs, text))
        dpid = dnsmasq(o.work)
        t0 = time.time()
        r = v6crawl(o, "crawl", "--db", db, "--dns-server", RESOLVER,
                    "--dns-root", "[%s1]:53" % P6, "--allow-private",
                    "--timeout", "5", "--retries", "0", "--quiet",
                    *sorted(WANT))
        check("the crawl exits 0", r.returncode == 0, r.stderr)
        # Nothing here waits for a timeout: every server that does not
        # answer refuses at once (huge margin: 120 s).
        check("the crawl ends without waiting out timeouts",
              time.time() - t0 < 120, time.time() - t0)
        rj = v6crawl(o, "report", "--db", db, "--format", "json")
        try:
            sites = {s["start_url"]: s for s in itlib.jload(rj.stdout)["sites"]}
        except (ValueError, KeyError):
            sites = {}
        for url, want in sorted(WANT.items()):
            got = (sites.get(url) or {}).get("delegation")
            for k, zw in enumerate(want["zones"]):
                zg = ((got or {}).get("zones") or [])[k:k + 1]
                check("%s: zone %s and its servers" % (url, zw["zone"]),
                      zg == [zw], json.dumps(zg, indent=1))
            check("%s: exactly %d zones" % (url, len(want["zones"])),
                  len((got or {}).get("zones") or []) == len(want["zones"]),
                  got)
            check("%s: the chain %s" % (url, "passes" if want["pass"]
                                         else "fails"),
                  got is not None and got.get("pass") is want["pass"] and
                  got.get("why") == want["why"], got)
            total, ipv6, hosts = NS_WANT[url]
            ns = (sites.get(url) or {}).get("name_servers") or {}
            check("%s: name servers over IPv6 %d/%d" % (url, ipv6, total),
                  ns.get("total") == total and ns.get("ipv6") == ipv6 and
                  set(ns.get("hosts") or []) == hosts, ns)
        rt = v6crawl(o, "report", "--db", db)
        check("the text report shows the chain, zone by zone",
              "http://www.lame.test/: FAIL: no name server answers over "
              "IPv6 for lame.test.\n" in rt.stdout and
              "  lame.test.               FAIL ns1.lame.test [fd6c:7003::6]: "
              "lame: answers REFUSED\n" in rt.stdout and
              "http://www.good.test/: PASS\n" in rt.stdout and
              "                                ns2.good.test [no AAAA]: "
              "no AAAA\n" in rt.stdout, rt.stdout + rt.stderr)
        rh = v6crawl(o, "report", "--db", db, "--format", "html",
                     "--lang", "en")
        check("the HTML report shows the chain",
              "<tr><td>lame.test.</td><td>ns1.lame.test</td>"
              "<td>fd6c:7003::6</td><td>no</td><td>lame: answers REFUSED"
              "</td></tr>" in rh.stdout, rh.stdout[-4000:])
        rz = v6crawl(o, "report", "--db", db, "--format", "html",
                     "--lang", "zh")
        check("the Chinese HTML report names the indicator",
              "网站域名具备完整的IPv6域名授权体系" in rz.stdout,
              rz.stdout[-2000:])
        # Only this test's servers were asked: the root of --dns-root, and
        # the resolver for the names without glue.
        r = v6crawl(o, "crawl", "--db", db + "2", "--dns-server", RESOLVER,
                    "--dns-root", "fd6c:7003::zz", "--quiet",
                    "http://www.good.test/")
        check("a bad --dns-root is a usage error (exit 2)",
              r.returncode == 2 and "--dns-root" in r.stderr, r.stderr)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if dpid:
            try:
                os.kill(dpid, 15)
            except OSError:
                pass
        srv.shutdown()
        for a in V6:
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev", "lo"],
                           capture_output=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
