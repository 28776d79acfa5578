#!/usr/bin/python3
"""DNS evidence from real DNS servers: every hop of a CNAME chain, and
SERVFAIL, REFUSED, NXDOMAIN, no data and timeout told apart; a start host
whose server answers SERVFAIL or REFUSED is measured, only a server that
does not answer at all stops the crawl (exit 4). With two servers, the
second one's answer counts when the first answers SERVFAIL or REFUSED.

The servers are this test's own dnsmasq processes (inside the suite's
network namespace, beside the world's 127.0.0.1:5353):
  127.0.0.231:53  the site's names: a two-hop CNAME chain into a CDN
                  (cdnimg.site.test, an internal no-AAAA link),
                  NXDOMAIN and no-AAAA names under .test; REFUSED for any
                  other name (no upstream); sf.test forwarded to .234;
                  dead.test forwarded to .239, where nothing listens
  127.0.0.233:53  plain, unsigned answers for every name
  127.0.0.234:53  validates DNSSEC against the root's trust anchor with
                  .233 upstream, so every answer is bogus: SERVFAIL
A small HTTP server of this test's own serves the site on 127.0.0.232.

    test_dns.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import signal
import subprocess
import sys
import threading

import itlib
from itlib import PageHandler, link_page

results = []
SITE_IP = "127.0.0.232"
DNS, PLAIN, VALIDATING, DEAD = ("127.0.0.231", "127.0.0.233", "127.0.0.234",
                                "127.0.0.239")
ROOT_DS = ".,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457" \
    "104237C7F8EC8D"
LINKS = ["http://cdnimg.site.test/", "http://www.sf.test/", "http://www.other.org/",
         "http://nx.test/", "http://www.dead.test/"]


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:2000]))
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        return link_page(LINKS)


def dnsmasq(work, name, addr, extra):
    return itlib.dnsmasq(work, name, addr, extra, "test_dns")


def crawl(o, db, server, url):
    p = subprocess.run([o.v6crawl, "crawl", "--db", os.path.join(o.work, db),
                        "--dns-server", server, "--allow-private",
                        "--timeout", "5", "--retries", "0", "--quiet", url],
                       capture_output=True, timeout=120)
    return p.returncode, p.stderr.decode(errors="replace")


def links(o, db):
    out = subprocess.run([o.v6crawl, "links", "--db", os.path.join(o.work, db),
                          "--format", "json"], capture_output=True)
    try:
        return {ln["url"]: ln for ln in itlib.jload(out.stdout)["links"]}
    except ValueError:
        return {}


def dns_errors(ln):
    d = (ln or {}).get("dns") or {}
    return d.get("a_error"), d.get("aaaa_error")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    pids = []
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer((SITE_IP, 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        pids.append(dnsmasq(o.work, "plain", PLAIN, [
            "--local=/#/", "--host-record=www.sf.test," + SITE_IP]))
        pids.append(dnsmasq(o.work, "validating", VALIDATING, [
            "--dnssec", "--trust-anchor=" + ROOT_DS, "--server=" + PLAIN]))
        pids.append(dnsmasq(o.work, "site", DNS, [
            "--local=/test/", "--local=/kunlunca.com/",
            "--host-record=site.test," + SITE_IP,
            "--cname=cdnimg.site.test,mid.site.test",
            "--cname=mid.site.test,edge1.w.kunlunca.com",
            "--host-record=edge1.w.kunlunca.com," + SITE_IP,
            "--server=/sf.test/" + VALIDATING,
            "--server=/dead.test/" + DEAD]))

        rc, err = crawl(o, "site", DNS, "http://site.test/")
        check("the site crawl exits 0", rc == 0, err)
        got = links(o, "site")
        cdn = got.get("http://cdnimg.site.test/", {})
        check("dns.cnames keeps every hop of a two-hop chain",
              (cdn.get("dns") or {}).get("cnames") ==
              ["cdnimg.site.test", "mid.site.test",
               "edge1.w.kunlunca.com"],
              cdn.get("dns"))
        want = {"http://www.sf.test/": ("SERVFAIL", "SERVFAIL"),
                "http://www.other.org/": ("REFUSED", "REFUSED"),
                "http://nx.test/": ("NXDOMAIN", "NXDOMAIN"),
                "http://www.dead.test/": ("timeout", "timeout"),
                "http://site.test/": (None, "no data")}
        for url, errs in sorted(want.items()):
            check("evidence for %s is %s / %s" % (url, errs[0], errs[1]),
                  dns_errors(got.get(url)) == errs,
                  (got.get(url) or {}).get("dns"))
        fx = subprocess.run([o.v6crawl, "fixes", "--db",
                             os.path.join(o.work, "site")],
                            capture_output=True, text=True)
        check("fixes names the CDN from the chain's last hop",
              "CNAME cdnimg.site.test -> mid.site.test -> "
              "edge1.w.kunlunca.com [Alibaba Cloud CDN]" in fx.stdout,
              fx.stdout + fx.stderr)
        # The report names the provider too: per site, the hosts behind
        # its internal level-2/3 links whose chain points into a CDN, with
        # their counted and IPv6-supported links (cdnimg: 1 link, no AAAA).
        sdb = os.path.join(o.work, "site")
        rj = subprocess.run([o.v6crawl, "report", "--db", sdb, "--format",
                             "json"], capture_output=True, text=True)
        try:
            site = itlib.jload(rj.stdout)["sites"][0]
        except (ValueError, KeyError, IndexError):
            site = {}
        check("report --format json has the site's cdn entry",
              site.get("cdn") == [{"provider": "Alibaba Cloud CDN",
                                   "hosts": ["cdnimg.site.test"],
                                   "links": 1, "ipv6": 0}],
              rj.stdout + rj.stderr)
        rt = subprocess.run([o.v6crawl, "report", "--db", sdb],
                            capture_output=True, text=True)
        check("the text report has the provider's line",
              "  Alibaba Cloud CDN: 0/1 links over IPv6 (0.0%); hosts: "
              "cdnimg.site.test\n" in rt.stdout, rt.stdout + rt.stderr)
        rh = subprocess.run([o.v6crawl, "report", "--db", sdb, "--format",
                             "html", "--lang", "en"],
                            capture_output=True, text=True)
        check("the HTML report has the provider's row",
              "<tr><td>Alibaba Cloud CDN</td><td>cdnimg.site.test</td>"
              "<td>0.0% 0/1</td></tr>" in rh.stdout, rh.stdout[-3000:])
        cl = links(o, "site").get("http://cdnimg.site.test/", {})
        check("links --format json names the link's CDN",
              (cl.get("dns") or {}).get("cdn") == "Alibaba Cloud CDN" and
              (got.get("http://site.test/", {}).get("dns") or {}).get(
                  "cdn", "absent") is None, cl.get("dns"))

        for db, server, url, errs in (
                ("servfail", VALIDATING, "http://www.sf.test/", "SERVFAIL"),
                ("refused", DNS, "http://www.other.org/", "REFUSED")):
            rc, err = crawl(o, db, server, url)
            check("a start host answered %s is measured (exit 0)" % errs,
                  rc == 0, "exit %s: %s" % (rc, err))
            check("its start link's evidence is %s" % errs,
                  dns_errors(links(o, db).get(url)) == (errs, errs),
                  links(o, db).get(url))

        # Two servers: a SERVFAIL or REFUSED from the first one is not the
        # end when the second one answers; when it does not, the first
        # reply stands.
        rc, err = crawl(o, "second", VALIDATING + "," + DNS,
                        "http://site.test/")
        got = links(o, "second")
        check("after a SERVFAIL the second server's answer is used",
              rc == 0 and dns_errors(got.get("http://site.test/")) ==
              (None, "no data") and
              dns_errors(got.get("http://nx.test/")) ==
              ("NXDOMAIN", "NXDOMAIN"), "exit %s: %s %s" % (rc, err, got))
        rc, err = crawl(o, "first", DNS + "," + DEAD,
                        "http://www.other.org/")
        check("a REFUSED from the first server stands when the second is "
              "silent", rc == 0 and dns_errors(links(o, "first").get(
                  "http://www.other.org/")) == ("REFUSED", "REFUSED"),
              "exit %s: %s %s" % (rc, err, links(o, "first")))

        rc, err = crawl(o, "noanswer", DEAD, "http://site.test/")
        check("a DNS server that does not answer stops the crawl (exit 4)",
              rc == 4 and "did not answer" in err, "exit %s: %s" % (rc, err))
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        srv.shutdown()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
