#!/usr/bin/python3
"""Page completeness over IPv6: the subresources (images, scripts, style
sheets and their url(), icons, iframes, media) of every page read for
links, probed like links, and each page complete over IPv6 when all of
them work over IPv6.

This script's dnsmasq on 127.0.17.53 serves the names; its own small web
server serves 127.0.17.10 and [fd6c:7017::10] by Host header:

  www.cp.test     the site (dual stack)
  ds.cp.test      a dual-stack static host
  v4.cp.test      IPv4 only: no AAAA (a CNAME into alikunlun.com, so its
                  CDN is "Alibaba Cloud CDN")
  broken.cp.test  A works, AAAA fd6c:7017::11 where nothing listens
  dead.cp.test    neither family listens

  /      link rel=stylesheet ds site.css (url() to v4 font.woff, to
         img/bg.png on ds, @import more.css whose url() is on broken),
         img ds a.png with srcset (ds a2.png, v4 a3.png), script /app.js,
         links /p1 /p2 /p3 /p4 /doc.pdf        -> incomplete
  /p1    img ds a.png (as on /), script ds lib.js, icon  -> complete
  /p2    script on broken, img ds b.png       -> incomplete
  /p3    iframe /frame.html (a level-3 link and a subresource), a
         data: image (nothing to load)        -> complete
  /p4    video on v4, img on dead             -> incomplete (dead: stays
                                                 incomplete once fixed)
  /doc.pdf  not HTML: no page to judge

    test_complete.py --world DIR --work DIR --v6crawl PATH

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

import itlib

results = []
DNS = "127.0.17.53"
WEB4, WEB6 = "127.0.17.10", "fd6c:7017::10"
CLOSED4, CLOSED6 = "127.0.17.12", "fd6c:7017::11"
OUR6 = [WEB6, CLOSED6]
CDN_NAME = "cp-v4.alikunlun.com"

HOSTS = {  # name -> (A, AAAA or None)
    "www.cp.test": (WEB4, WEB6),
    "ds.cp.test": (WEB4, WEB6),
    CDN_NAME: (WEB4, None),
    "broken.cp.test": (WEB4, CLOSED6),
    "dead.cp.test": (CLOSED4, CLOSED6),
}

HOME = """<html><head>
<link rel="stylesheet" href="http://ds.cp.test/site.css">
<script src="/app.js"></script></head><body>
<img src="http://ds.cp.test/a.png"
     srcset="http://ds.cp.test/a2.png 2x, http://v4.cp.test/a3.png 3x">
<a href="/p1">1</a> <a href="/p2">2</a> <a href="/p3">3</a>
<a href="/p4">4</a> <a href="/doc.pdf">pdf</a>
</body></html>"""

PAGES = {
    ("www.cp.test", "/"): HOME,
    ("www.cp.test", "/p1"):
        '<html><head><link rel="shortcut icon" href="/favicon.ico">'
        '<script src="http://ds.cp.test/lib.js"></script></head><body>'
        '<img src="http://ds.cp.test/a.png"></body></html>',
    ("www.cp.test", "/p2"):
        '<html><body><script src="http://broken.cp.test/x.js"></script>'
        '<img src="http://ds.cp.test/b.png"></body></html>',
    ("www.cp.test", "/p3"):
        '<html><body><iframe src="/frame.html"></iframe>'
        '<img src="data:image/png;base64,AAAA"></body></html>',
    ("www.cp.test", "/p4"):
        '<html><body><video src="http://v4.cp.test/v.mp4"></video>'
        '<img src="http://dead.cp.test/x.png"></body></html>',
    ("www.cp.test", "/frame.html"): "<html><body>frame</body></html>",
}
CSS = {
    "/site.css": "/* url(http://v4.cp.test/not-this.png) */\n"
                 "@import \"more.css\";\n"
                 "@font-face{font-family:f;src:url(http://v4.cp.test/"
                 "font.woff) format(\"woff\")}\n"
                 "body{background:url('img/bg.png')}\n"
                 "p:before{content:\"url(http://v4.cp.test/nor-this.png)\"}\n",
    "/more.css": "div{background:url(http://broken.cp.test/deep.png)}\n",
}

SEEN = {}
SEEN_LOCK = threading.Lock()
# test_resume_subres: lib.js waits while HOLD is set; HELD says it came
HOLD = threading.Event()
RELEASE = threading.Event()
HELD = threading.Event()


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


class Handler(itlib.PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if host == CDN_NAME or host == "v4.cp.test":
            host = "v4.cp.test"
        with SEEN_LOCK:
            k = (self.command, host, self.path)
            SEEN[k] = SEEN.get(k, 0) + 1
        if self.path == "/robots.txt":
            return None
        if HOLD.is_set() and (host, self.path) == ("ds.cp.test", "/lib.js"):
            HELD.set()
            RELEASE.wait(60)
        if (host, self.path) in PAGES:
            return PAGES[(host, self.path)].encode()
        if host == "ds.cp.test" and self.path in CSS:
            return CSS[self.path].encode(), "text/css"
        if self.path == "/doc.pdf":
            return b"%PDF-1.4", "application/pdf"
        return b"x", "application/octet-stream"


class Web4(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Web6(Web4):
    address_family = socket.AF_INET6


def ip(*args):
    subprocess.run(["ip"] + list(args), capture_output=True)


def serve(cls, addr):
    srv = cls((addr, 80), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def dnsmasq(work):
    extra = ["--local=/test/", "--local=/alikunlun.com/",
             "--cname=v4.cp.test," + CDN_NAME]
    for h, (a, aaaa) in HOSTS.items():
        extra.append("--host-record=%s,%s%s" % (h, a,
                                                 "," + aaaa if aaaa else ""))
    return itlib.dnsmasq(work, "dnsmasq", DNS, extra, "test_complete")


def v6c(o, *args):
    p = subprocess.run([o.v6crawl] + list(args), capture_output=True,
                       timeout=120)
    return itlib.Run(p)


def crawl_args(o, db, *extra):
    return [o.v6crawl, "crawl", "--db", db, "--dns-server", DNS,
            "--allow-private", "--assume-ipv6", "yes", "--timeout", "10",
            "--homepage-probes", "1", "--timing-samples", "0", "--quiet"] + \
        list(extra) + ["http://www.cp.test/"]


def completeness(o, db):
    r = v6c(o, "report", "--db", db, "--format", "json")
    try:
        return r.json()["sites"][0]["completeness"]
    except (ValueError, KeyError, IndexError):
        return {}


def test_resume_subres(o, full):
    """A crawl stopped while a subresource's probe waits: that page is
    unknown; the resume asks only what is missing (the page is not read
    again) and the figures are the uninterrupted crawl's."""
    db = os.path.join(o.work, "complete-resume-db")
    HOLD.set()
    p = subprocess.Popen(crawl_args(o, db), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    came = HELD.wait(60)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    HOLD.clear()
    RELEASE.set()
    check("resume: the crawl stopped while lib.js was asked",
          came and p.returncode == 130, (came, p.returncode, err))
    cp = completeness(o, db)
    pl = {x["url"]: x for x in cp.get("page_list", [])}
    p1 = pl.get("http://www.cp.test/p1") or {}
    check("resume: before it, p1 is unknown (lib.js unmeasured)",
          p1.get("verdict") == "unknown" and p1.get("unmeasured", 0) >= 1,
          p1)
    with SEEN_LOCK:
        before = SEEN.get(("GET", "www.cp.test", "/p1"), 0)
    r = v6c(o, *(crawl_args(o, db, "--resume")[1:]))
    check("resume: the resumed crawl completes", r.rc == 0, r.why())
    with SEEN_LOCK:
        after = SEEN.get(("GET", "www.cp.test", "/p1"), 0)
    check("resume: p1 is not read again", after == before, (before, after))
    cp = completeness(o, db)
    check("resume: the figures are the uninterrupted crawl's",
          cp and cp == full, (cp, full))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    db = os.path.join(o.work, "complete-db")
    pid = None
    srvs = []
    try:
        for a in OUR6:
            ip("-6", "addr", "add", a + "/128", "dev", "lo", "nodad")
        pid = dnsmasq(o.work)
        srvs = [serve(Web4, WEB4), serve(Web6, WEB6)]
        r = v6c(o, *crawl_args(o, db)[1:])
        check("the crawl succeeds", r.rc == 0, r.why())
        r = v6c(o, "report", "--db", db, "--format", "json")
        try:
            site = r.json()["sites"][0]
        except (ValueError, KeyError, IndexError):
            site = {}
        check("report json", r.rc == 0 and site, r.why())
        cp = site.get("completeness") or {}
        check("homepage verdict first: incomplete",
              cp.get("homepage") == "incomplete", cp)
        check("5 pages read (the PDF is none), 5 judged, 2 complete",
              (cp.get("pages"), cp.get("judged"), cp.get("complete")) ==
              (5, 5, 2), cp)
        check("share 2/5 exactly", cp.get("share") == 0.4, cp.get("share"))
        verdicts = {p["url"]: p["verdict"] for p in cp.get("page_list", [])}
        want = {"http://www.cp.test/": "incomplete",
                "http://www.cp.test/p1": "complete",
                "http://www.cp.test/p2": "incomplete",
                "http://www.cp.test/p3": "complete",
                "http://www.cp.test/p4": "incomplete"}
        check("each page's verdict", verdicts == want, verdicts)
        pl = {p["url"]: p for p in cp.get("page_list", [])}
        home = pl.get("http://www.cp.test/") or {}
        check("the homepage loads 9 subresources (sheet url() and @import "
              "with it, srcset's three candidates), 3 failing",
              (home.get("subresources"), home.get("failing"),
               home.get("dead")) == (9, 3, 0), home)
        check("p3: its iframe, not the data: image",
              (pl.get("http://www.cp.test/p3") or {}).get("subresources")
              == 1, pl.get("http://www.cp.test/p3"))
        sub = cp.get("subresources") or {}
        cls = sub.get("classes") or {}
        check("16 distinct subresources: 10 ok, 3 no-aaaa, 2 v6-broken, "
              "1 dead",
              (sub.get("urls"), sub.get("counted"), sub.get("ipv6"),
               cls.get("ok"), cls.get("no-aaaa"), cls.get("v6-broken"),
               cls.get("dead")) == (16, 16, 10, 10, 3, 2, 1), sub)
        check("subresource concentration 10/16 exactly",
              sub.get("concentration") == 0.625, sub)
        hosts = [(h["host"], h["provider"], h["pages"], h["subresources"],
                  h["classes"], h["complete_after"])
                 for h in cp.get("hosts", [])]
        want_h = [("v4.cp.test", "Alibaba Cloud CDN", 2, 3,
                   {"no-aaaa": 3, "v6-broken": 0, "v6-error": 0}, 2),
                  ("broken.cp.test", None, 2, 2,
                   {"no-aaaa": 0, "v6-broken": 2, "v6-error": 0}, 4)]
        check("the hosts that break pages, ranked, with their CDN",
              hosts == want_h, hosts)
        # the link figures stand as they were: subresources are no links
        lv = site.get("levels") or {}
        l2 = (lv.get("2") or {}).get("internal") or {}
        l3 = (lv.get("3") or {}).get("internal") or {}
        check("link concentrations unchanged: level 2 5/5, level 3 1/1 "
              "(the iframe, once)",
              (l2.get("links"), l2.get("counted"), l2.get("ipv6"),
               l3.get("links"), l3.get("counted"), l3.get("ipv6")) ==
              (5, 5, 5, 1, 1, 1), (l2, l3))
        r = v6c(o, "links", "--db", db, "--format", "json")
        try:
            urls = sorted(ln["url"] for ln in r.json()["links"])
        except (ValueError, KeyError):
            urls = []
        check("links: the start URL, 5 level-2 and the iframe",
              urls == sorted(["http://www.cp.test/"] +
                             ["http://www.cp.test/" + p for p in
                              ("p1", "p2", "p3", "p4", "doc.pdf",
                               "frame.html")]), urls)
        with SEEN_LOCK:
            seen = dict(SEEN)
        check("a subresource on two pages is probed once per family",
              seen.get(("HEAD", "ds.cp.test", "/a.png")) == 2, seen)
        check("a style sheet is read once (GET), besides its probe",
              seen.get(("GET", "ds.cp.test", "/site.css")) == 1 and
              seen.get(("HEAD", "ds.cp.test", "/site.css")) == 2 and
              seen.get(("GET", "ds.cp.test", "/more.css")) == 1, seen)
        check("url() in comments and strings is never asked",
              not any(k[2] in ("/not-this.png", "/nor-this.png")
                      for k in seen), seen)
        r = v6c(o, "report", "--db", db)
        check("text report: the section and its figures",
              "Pages complete over IPv6" in r.out and
              "homepage incomplete; pages complete over IPv6 40.0% 2/5; "
              "subresources over IPv6 62.5% 10/16" in r.out and
              re.search(r"1\. v4\.cp\.test \[Alibaba Cloud CDN\] breaks 2 "
                        r"pages \(3 subresources: no-aaaa 3\)", r.out),
              r.out[-1500:])
        r = v6c(o, "fixes", "--db", db)
        check("fixes: the hosts that break pages and the rise",
              "fix these hosts and pages complete over IPv6 rise from "
              "40.0% 2/5 to 80.0% 4/5" in r.out, r.out[-1500:])
        r = v6c(o, "fixes", "--db", db, "--format", "json")
        try:
            sh = r.json()["sites"][0]["subresource_hosts"]
        except (ValueError, KeyError, IndexError):
            sh = None
        check("fixes json: subresource_hosts",
              sh and [h["host"] for h in sh] ==
              ["v4.cp.test", "broken.cp.test"] and
              sh[0]["provider"] == "Alibaba Cloud CDN", sh)
        html = os.path.join(o.work, "complete.html")
        r = v6c(o, "report", "--db", db, "--format", "html", "--lang", "en",
                "-o", html)
        page = open(html).read() if os.path.exists(html) else ""
        check("html: the completeness table",
              r.rc == 0 and "Pages complete over IPv6" in page and
              "40.0% 2/5" in page and
              "<td>v4.cp.test</td><td>Alibaba Cloud CDN</td><td>2</td>" in
              page, r.why())
        r = v6c(o, "check", "--db", db)
        check("the store checks clean", r.rc == 0, r.why())
        test_resume_subres(o, cp)
        log = open(os.path.join(o.work, "dnsmasq.log")).read()
        asked = set(re.findall(r"query\[\w+\] (\S+) from", log))
        check("nothing but this test's names was asked",
              asked and all(n == "test" or n.endswith(".test") or
                            n == CDN_NAME for n in asked), asked)
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
        for a in OUR6:
            ip("-6", "addr", "del", a + "/128", "dev", "lo")
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
