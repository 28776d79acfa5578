#!/usr/bin/python3
"""Anti-bot walls (issue 13): a refusal both families get alike is
`blocked` (not counted, listed with its evidence), one only IPv6 gets is
`v6-error` with that evidence, a 429 slows its host down and the link is
asked again, and --header / --cookie / a sites file's header= and cookie=
let the crawler through.

This script's own servers, inside the suite's network namespace, on
127.0.15.x and fd6c:7015::x only:

  dnsmasq             127.0.15.2:53   the names below, nothing else
  Python wall server  127.0.15.2, [fd6c:7015::2]:80, by Host:
    www.wall.gov.cn   a 412 challenge (two Set-Cookie, a script with
                      fresh nonces each time) on both families for
                      /c1-3.html, on IPv6 only for /v1-2.html, a
                      different 412 per family for /diff.html, 404 for
                      /gone.html; the cookie FSSBBIl1UgzbN7N80T=pass
                      passes the wall
    www.other.gov.cn  an external link's host: records what it is sent
    www.gate.gov.cn   the 412 challenge for every page, the homepage too
    www.slow.gov.cn   429 Retry-After: 2 to the first request of
                      /r2.html, and again to any request that comes less
                      than 1 s after the one before it (half of 2 s: a
                      margin for when requests arrive)
    www.js.gov.cn     JavaScript challenges with a success status: a 202
                      with a Set-Cookie and a script page on both
                      families for /w1.html (and /w3.html, a level-3
                      link, so asked with HEAD first), a small 200 script
                      page with jiasule's marker on both families for
                      /j1.html, on IPv6 only for /j6.html; ordinary 200
                      pages naming the vendor: /news.html (no script,
                      links /w3.html and /k3.html), /big.html (a script
                      and the marker, but 20 KiB); jiasule's 521 (its
                      __jsluid cookie and a script page) on both
                      families for /k1.html and /k3.html (level 3), on
                      IPv6 only for /k6.html; Cloudflare's 521 "web
                      server is down" (its Server header, its __cf_bm
                      cookie, a script) on both for /cf.html
  nginx               127.0.15.3, [fd6c:7015::3]:80: www.ua.gov.cn,
                      403 under /m/ for a User-Agent with "v6crawl" unless
                      the request has X-Pass: letmein

Prints "ok - ..." lines and ends with "N passed, N failed".

    test_walls.py --world DIR --work DIR --v6crawl PATH
"""

import argparse
import os
import random
import string
import subprocess
import sys
import threading
import time

from itlib import PageHandler, Run, link_page, small_world, small_world_stop
from itlib import nginx as nginx_start

DNS = "127.0.15.2"  # small_world: dnsmasq beside the web server
PY4, PY6 = "127.0.15.2", "fd6c:7015::2"
NG4, NG6 = "127.0.15.3", "fd6c:7015::3"
WALL, OTHER, SLOW, UA, GATE = ("www.wall.gov.cn", "www.other.gov.cn",
                               "www.slow.gov.cn", "www.ua.gov.cn",
                               "www.gate.gov.cn")
JS = "www.js.gov.cn"
RUISHU = ("FSSBBIl1UgzbN7N80S", "FSSBBIl1UgzbN7N80T")

results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:2500])
          % name)
    sys.stdout.flush()


def nonce(n):
    return "".join(random.choice(string.ascii_letters + string.digits)
                   for _ in range(n))


class Handler(PageHandler):
    """Answers by Host; records every request (host, family, method,
    path, status, time, headers)."""
    log = []
    lock = threading.Lock()
    slow_last = [None]  # when the last request of www.slow came
    slow_armed = [False]  # the first 429 was sent

    def family(self):
        return 6 if ":" in self.client_address[0] else 4

    def answer(self, status, body, headers=(), ctype="text/html"):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return status

    def challenge(self):
        body = ("<html><head><meta charset=\"utf-8\"><script>"
                "$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=%d;"
                "$_ts.cd=\"%s\";</script><script type=\"text/javascript\" "
                "r='m' src=\"/%s/%s.js\"></script></head><body></body>"
                "</html>" % (random.randint(10000, 99999), nonce(64),
                             nonce(12), nonce(16))).encode()
        return self.answer(412, body, [("Set-Cookie", "%s=%s; path=/" %
                                        (c, nonce(40))) for c in RUISHU])

    def js_challenge(self, status):
        """A 202 with a cookie and a script page (no marker), or a small
        200 script page with jiasule's marker (no cookie)."""
        if status == 202:
            body = ("<html><script>var t=\"%s\";document.cookie="
                    "'jschk='+t;location.reload();</script></html>"
                    % nonce(32)).encode()
            return self.answer(202, body, [("Set-Cookie", "jschk=%s"
                                            % nonce(24))])
        body = ("<html><script>document.cookie='__jsl_clearance=%s';"
                "location.href=location.pathname+location.search;"
                "var jsl_clearance=1;</script></html>" % nonce(40)).encode()
        return self.answer(200, body)

    def jsl_521(self):
        """jiasule's first answer: 521, its cookie, a script page."""
        body = ("<html><script>document.cookie=('_')+('_j')+('sl_c')+"
                "('learance=%s');location.href=location.pathname+"
                "location.search</script></html>" % nonce(30)).encode()
        return self.answer(521, body, [("Set-Cookie", "__jsluid_h=%s; "
                                        "max-age=31536000; path=/; "
                                        "HttpOnly" % nonce(32))])

    def cf_521(self):
        """Cloudflare's "web server is down": no wall."""
        body = (b"<html><head><title>Web server is down | Error code 521"
                b"</title><script>window._cf_translation={};</script>"
                b"</head><body>cf-error-details</body></html>")
        return self.answer(521, body, [("Server", "cloudflare"),
                                       ("CF-RAY", "8f00a1b2c3d4e5f6-SJC"),
                                       ("Set-Cookie", "__cf_bm=%s; path=/"
                                        % nonce(40))])

    def js(self):
        p = self.path
        if p == "/":
            return self.answer(200, link_page(
                ["/w1.html", "/j1.html", "/j6.html", "/news.html",
                 "/big.html", "/k1.html", "/k6.html", "/cf.html"]))
        if p in ("/w1.html", "/w3.html"):
            return self.js_challenge(202)
        if p == "/j1.html" or (p == "/j6.html" and self.family() == 6):
            return self.js_challenge(200)
        if p == "/j6.html":
            return self.answer(200, b"<html><body>j6</body></html>")
        if p in ("/k1.html", "/k3.html") or (p == "/k6.html" and
                                             self.family() == 6):
            return self.jsl_521()
        if p == "/k6.html":
            return self.answer(200, b"<html><body>k6</body></html>")
        if p == "/cf.html":
            return self.cf_521()
        if p == "/news.html":
            return self.answer(200, link_page(["/w3.html", "/k3.html"]).replace(
                b"<body>", b"<body><p>SafeLine, safedog, yunsuo and "
                b"jsl_clearance walls in the news.</p>", 1))
        if p == "/big.html":
            return self.answer(200, b"<html><script>var jsl_clearance=0;"
                               b"</script><body>" + b"<p>text</p>" * 2000 +
                               b"</body></html>")
        return self.answer(404, b"")

    def wall(self):
        passed = "%s=pass" % RUISHU[1] in (self.headers.get("Cookie") or "")
        p = self.path
        if p == "/":
            return self.answer(200, link_page(
                ["/a.html", "/b.html", "/c1.html", "/c2.html", "/c3.html",
                 "/v1.html", "/v2.html", "/diff.html", "/gone.html",
                 "http://%s/x.html" % OTHER]))
        if p in ("/c1.html", "/c2.html", "/c3.html") and not passed:
            return self.challenge()
        if p in ("/v1.html", "/v2.html") and not passed and \
                self.family() == 6:
            return self.challenge()
        if p == "/diff.html":
            if self.family() == 6:
                return self.answer(412, b"<html>alpha challenge</html>",
                                   [("Set-Cookie", "ALPHA_T=1")])
            return self.answer(412, b"<html><p>beta gate</p></html>",
                               [("Set-Cookie", "BETA_T=2")])
        if p in ("/a.html", "/b.html", "/c1.html", "/c2.html", "/c3.html",
                 "/v1.html", "/v2.html"):
            return self.answer(200, b"<html><body>page</body></html>")
        return self.answer(404, b"")

    def slow(self, now):
        last, Handler.slow_last[0] = Handler.slow_last[0], now
        if self.path == "/r2.html" and not Handler.slow_armed[0]:
            Handler.slow_armed[0] = True
            return self.answer(429, b"slow down", [("Retry-After", "2")])
        # half the Retry-After: a margin for when each request arrives
        if Handler.slow_armed[0] and last is not None and now - last < 1.0:
            return self.answer(429, b"slow down", [("Retry-After", "2")])
        if self.path == "/":
            return self.answer(200, link_page(["/r1.html", "/r2.html",
                                               "/r3.html"]))
        if self.path in ("/r1.html", "/r2.html", "/r3.html"):
            return self.answer(200, b"<html><body>r</body></html>")
        return self.answer(404, b"")

    def serve(self, body_wanted):
        now = time.monotonic()
        host = (self.headers.get("Host") or "").split(":")[0]
        with Handler.lock:
            if host == WALL:
                st = self.wall()
            elif host == SLOW:
                st = self.slow(now)
            elif host == JS:
                st = self.js()
            elif host == GATE and self.path != "/robots.txt":
                st = self.challenge()
            elif host == OTHER and self.path == "/x.html":
                st = self.answer(200, b"<html><body>x</body></html>")
            else:
                st = self.answer(404, b"")
            Handler.log.append({"host": host, "fam": self.family(),
                                "method": self.command, "path": self.path,
                                "status": st, "t": now,
                                "headers": dict(self.headers.items())})


def nginx(work):
    www = os.path.join(work, "www")
    os.makedirs(os.path.join(www, "m"), exist_ok=True)
    pages = {"index.html": link_page(["/m/1.html", "/m/2.html",
                                      "/open.html"]),
             "open.html": b"<html><body>open</body></html>",
             "m/1.html": b"<html><body>m1</body></html>",
             "m/2.html": b"<html><body>m2</body></html>"}
    for name, body in pages.items():
        with open(os.path.join(www, name), "wb") as f:
            f.write(body)
    nginx_start(work, [
        "  default_type text/html;",
        "  map $http_user_agent $ua_bad { default 0; ~*v6crawl 1; }",
        "  map \"$ua_bad:$http_x_pass\" $deny { default 0; \"1:\" 1; }",
        "  server {", "    listen %s:80;" % NG4, "    listen [%s]:80;" % NG6,
        "    root %s;" % www,
        "    location /m/ { if ($deny) { return 403; } }", "  }"],
        "test_walls")


def v6crawl(opts, *args):
    return Run(subprocess.run([opts.v6crawl] + list(args),
                              capture_output=True, timeout=120))


def crawl(opts, db, sites, extra=(), depth="2"):
    return v6crawl(opts, "crawl", "--db", db, "--dns-server", DNS,
                   "--allow-private", "--assume-ipv6", "yes", "--depth", depth,
                   "--timeout", "5", "--retries", "0", "--per-host", "1",
                   "--homepage-probes", "1", "--timing-samples", "0",
                   "--quiet", "--sites", sites, *extra)


def site_figs(rep, url):
    for s in rep["sites"]:
        if s["start_url"] == url:
            return s
    return None


def l2(site):
    return site["levels"]["2"]["internal"]


def links(opts, db, klass):
    r = v6crawl(opts, "links", "--db", db, "--class", klass, "--format",
                "json")
    return r.json()["links"] if r.rc == 0 else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    opts = ap.parse_args()
    work = opts.work
    for a in (PY6, NG6):
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], capture_output=True)
    world = None
    try:
        nginx(work)
        world = small_world(work, PY4, PY6, [
            "%s,%s,%s" % (h, PY4, PY6)
            for h in (WALL, OTHER, SLOW, GATE, JS)] +
            ["%s,%s,%s" % (UA, NG4, NG6)], Handler)
        run_tests(opts, work)
    finally:
        if world:
            small_world_stop(world)
        pid = os.path.join(work, "nginx.pid")
        if os.path.exists(pid):
            subprocess.run(["kill", open(pid).read().strip()])
        for a in (PY6, NG6):
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"], capture_output=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


def run_tests(opts, work):
    wall_u, ua_u, slow_u, gate_u = ("http://%s/" % h
                                    for h in (WALL, UA, SLOW, GATE))
    sites = os.path.join(work, "sites.txt")
    with open(sites, "w") as f:
        f.write("%s\tWall\n%s\tUA\n%s\tSlow\n%s\tGate\n"
                % (wall_u, ua_u, slow_u, gate_u))
    db = os.path.join(work, "db1")
    Handler.log = []
    r = crawl(opts, db, sites)
    check("crawl behind walls exits 0", r.rc == 0, r.why())
    hosts = sorted(set(e["host"] for e in Handler.log))
    check("only this script's hosts were asked",
          hosts == sorted([WALL, OTHER, SLOW, GATE]), hosts)
    rep = v6crawl(opts, "report", "--db", db, "--format", "json")
    check("report --format json exits 0", rep.rc == 0, rep.why())
    rep = rep.json() if rep.rc == 0 else {"sites": []}
    w, u, s = (site_figs(rep, x) for x in (wall_u, ua_u, slow_u))
    check("the three sites are reported", w and u and s, rep)
    if not (w and u and s):
        return
    cl = l2(w)["classes"]
    check("www.wall level 2: ok 2, blocked 3, v6-error 2, dead 2",
          (cl["ok"], cl.get("blocked"), cl["v6-error"], cl["dead"],
           l2(w)["links"]) == (2, 3, 2, 2, 9), l2(w))
    check("www.wall: blocked links are not counted (2 of 6 supported)",
          (l2(w)["counted"], l2(w)["ipv6"]) == (6, 2) and
          abs(l2(w)["concentration"] - 2 / 6) < 1e-12, l2(w))
    g = site_figs(rep, gate_u) or {}
    check("a homepage behind the wall on both families: the site error "
          "names the wall", (g.get("error") or "").startswith(
              "the homepage could not be read: 412 from a wall (ruishu): "
              "Set-Cookie %s,%s; a script page" % RUISHU), g.get("error"))
    cl = l2(u)["classes"]
    check("www.ua (nginx 403 by User-Agent): ok 1, blocked 2, counted 1",
          (cl["ok"], cl.get("blocked"), l2(u)["counted"], l2(u)["ipv6"]) ==
          (1, 2, 1, 1), l2(u))
    cl = l2(s)["classes"]
    check("www.slow (429): its 3 links ok, nothing blocked",
          (cl["ok"], cl.get("blocked"), l2(s)["counted"]) == (3, 0, 3), l2(s))

    blocked = links(opts, db, "blocked")
    got = sorted(x["url"] for x in blocked)
    want = sorted(["http://%s/c%d.html" % (WALL, i) for i in (1, 2, 3)] +
                  ["http://%s/m/%d.html" % (UA, i) for i in (1, 2)] +
                  [gate_u])
    check("links --class blocked lists the 6 links (the walled homepage "
          "too, at level 1)", got == want, got)
    ev = [(x["v6"]["error"], x["v4"]["error"]) for x in blocked
          if WALL in x["url"]]
    first = ev[0][0] if ev else ""
    check("a 412 challenge's evidence: status, the WAF, the cookie names, "
          "the script, one body signature despite fresh nonces",
          ev and first.startswith("412 from a wall (ruishu): Set-Cookie "
                                  "%s,%s; a script page; body signature "
                                  % RUISHU) and
          all(a == first and b == first for a, b in ev), ev)
    ev = [(x["v6"]["error"], x["v4"]["error"]) for x in blocked
          if UA in x["url"]]
    check("nginx's 403: the same body signature on both families",
          ev and all(a == b and a.startswith("403 from a wall: body "
                                             "signature ") for a, b in ev),
          ev)
    v6e = links(opts, db, "v6-error")
    got = sorted((x["url"], x["v6"]["status"], x["v4"]["status"],
                  x["v6"]["error"][:25]) for x in v6e)
    check("a wall on IPv6 only: v6-error, 412 over IPv6, 200 over IPv4, "
          "the wall as the evidence",
          got == [("http://%s/v%d.html" % (WALL, i), 412, 200,
                   "412 from a wall (ruishu):") for i in (1, 2)], got)
    dead = sorted((x["url"], x["v6"]["status"], x["v4"]["status"])
                  for x in links(opts, db, "dead"))
    check("different refusals per family are not one wall: dead",
          dead == [("http://%s/diff.html" % WALL, 412, 412),
                   ("http://%s/gone.html" % WALL, 404, 404)], dead)
    txt = v6crawl(opts, "report", "--db", db)
    check("the text report counts the blocked links per site",
          "%s: 3 links blocked (internal level 2: 3, level 3: 0)" % wall_u
          in txt.out and
          "%s: 2 links blocked (internal level 2: 2, level 3: 0)" % ua_u
          in txt.out and "v6crawl links --class blocked" in txt.out,
          txt.out[-3000:])

    slow = [e for e in Handler.log if e["host"] == SLOW]
    n429 = [e for e in slow if e["status"] == 429]
    check("www.slow answered exactly one 429 (never asked too fast)",
          len(n429) == 1 and n429[0]["path"] == "/r2.html",
          [(e["path"], e["status"]) for e in slow])
    after = [e for e in slow if n429 and e["t"] > n429[0]["t"]]
    gaps = [round(b["t"] - a["t"], 3)
            for a, b in zip([n429[0]] + after if n429 else [], after)]
    check("after the 429 the requests came one by one, Retry-After (2 s) "
          "apart (at least 1 s: a margin)", gaps and min(gaps) >= 1.0 and
          len(gaps) == 4, gaps)
    r2 = [(e["fam"], e["method"], e["status"]) for e in slow
          if e["path"] == "/r2.html"]
    check("/r2.html was asked again after its 429 and answered 200",
          len(r2) == 3 and r2[0][2] == 429 and
          all(x[2] == 200 for x in r2[1:]), r2)
    check("www.slow: requests counted exactly (robots.txt, the homepage "
          "over both families, 3 links x 2, 1 re-ask)",
          len(slow) == 10, [(e["fam"], e["method"], e["path"], e["status"])
                            for e in slow])

    js_tests(opts, work)

    # ---- letting the crawler through ------------------------------------
    Handler.log = []
    with open(sites, "w") as f:
        f.write("%s\tWall\tcookie=%s=pass\n%s\tUA\theader=X-Pass: letmein\n"
                % (wall_u, RUISHU[1], ua_u))
    db2 = os.path.join(work, "db2")
    r = crawl(opts, db2, sites, ["--header", "X-Global: g1", "--header",
                                 "X-Pass: nope"])
    check("crawl with the owners' cookie and header exits 0", r.rc == 0,
          r.why())
    rep = v6crawl(opts, "report", "--db", db2, "--format", "json")
    rep = rep.json() if rep.rc == 0 else {"sites": []}
    w, u = (site_figs(rep, x) for x in (wall_u, ua_u))
    check("through the wall: www.wall ok 7, dead 2, nothing blocked",
          w and (l2(w)["classes"]["ok"], l2(w)["classes"]["dead"],
                 l2(w)["classes"].get("blocked"), l2(w)["counted"]) ==
          (7, 2, 0, 9), w and l2(w))
    check("through the wall: www.ua ok 3 (a site's header wins over "
          "--header of the same name)",
          u and (l2(u)["classes"]["ok"], l2(u)["classes"].get("blocked")) ==
          (3, 0), u and l2(u))
    hw = [e["headers"] for e in Handler.log if e["host"] == WALL]
    ho = [e["headers"] for e in Handler.log if e["host"] == OTHER]
    check("the site's cookie and --header go to its own host",
          hw and all(h.get("Cookie") == "%s=pass" % RUISHU[1] and
                     h.get("X-Global") == "g1" and
                     h.get("X-Pass") == "nope" for h in hw), hw[:2])
    check("... and to another host only --header, never the cookie",
          ho and all("Cookie" not in h and h.get("X-Global") == "g1"
                     for h in ho), ho)
    bad = v6crawl(opts, "crawl", "--db", db2, "--header", "X-Bad",
                  "--assume-ipv6", "yes", wall_u)
    check("--header without a colon: exit 2, one line",
          bad.rc == 2 and "bad header 'X-Bad'" in bad.err, bad.why())


def js_tests(opts, work):
    """JavaScript challenges with a success status: depth 3, so that the
    level-2 pages are read (GET) and the level-3 link is asked with
    HEAD."""
    js_u = "http://%s/" % JS
    sites = os.path.join(work, "sites-js.txt")
    with open(sites, "w") as f:
        f.write("%s\tJS\n" % js_u)
    db = os.path.join(work, "db-js")
    Handler.log = []
    r = crawl(opts, db, sites, depth="3")
    check("crawl of 2xx challenges exits 0", r.rc == 0, r.why())
    hosts = sorted(set(e["host"] for e in Handler.log))
    check("only www.js was asked", hosts == [JS], hosts)
    rep = v6crawl(opts, "report", "--db", db, "--format", "json")
    rep = rep.json() if rep.rc == 0 else {"sites": []}
    j = site_figs(rep, js_u)
    check("www.js is reported", j, rep)
    if not j:
        return
    lv2, lv3 = l2(j), j["levels"]["3"]["internal"]
    cl = lv2["classes"]
    check("www.js level 2: ok 2, blocked 3, v6-error 2, dead 1 of 8",
          (cl["ok"], cl.get("blocked"), cl["v6-error"], cl["dead"],
           lv2["links"]) == (2, 3, 2, 1, 8), lv2)
    check("www.js level 2: the walls are not counted (2 of 5)",
          (lv2["counted"], lv2["ipv6"]) == (5, 2) and
          abs(lv2["concentration"] - 2 / 5) < 1e-12, lv2)
    cl = lv3["classes"]
    check("www.js level 3: the 202 and the 521 asked with HEAD are blocked "
          "(2 of 2, counted 0)", (cl.get("blocked"), cl["ok"], lv3["links"],
                                  lv3["counted"]) == (2, 0, 2, 0), lv3)
    w3 = sorted((e["fam"], e["method"], e["status"]) for e in Handler.log
                if e["path"] == "/w3.html")
    check("a 202 to HEAD is asked again with GET, which decides",
          w3 == [(4, "GET", 202), (4, "HEAD", 202), (6, "GET", 202),
                 (6, "HEAD", 202)], w3)
    blocked = links(opts, db, "blocked")
    got = sorted(x["url"] for x in blocked)
    check("links --class blocked: /j1, /k1, /k3, /w1, /w3",
          got == ["http://%s/%s.html" % (JS, p)
                  for p in ("j1", "k1", "k3", "w1", "w3")], got)
    ev = dict((x["url"].rsplit("/", 1)[1], (x["v6"]["error"],
                                            x["v4"]["error"]))
              for x in blocked)
    a = ev.get("w1.html", ("", ""))
    check("a 202 challenge's evidence: status, the cookie, the script, "
          "one body signature on both families",
          a[0] == a[1] and a[0].startswith(
              "202 from a wall: Set-Cookie jschk; a script page; body "
              "signature ") and ev.get("w3.html", ("",))[0][:40] == a[0][:40],
          ev)
    a = ev.get("j1.html", ("", ""))
    check("a 200 challenge's evidence: the WAF its body names, the script",
          a[0] == a[1] and a[0].startswith(
              "200 from a wall (jiasule): a script page; body signature "),
          ev)
    a = ev.get("k1.html", ("", ""))
    check("jiasule's 521: the WAF its cookie names, the cookie, the script, "
          "one body signature despite fresh nonces",
          a[0] == a[1] and a[0].startswith(
              "521 from a wall (jiasule): Set-Cookie __jsluid_h; a script "
              "page; body signature ") and
          ev.get("k3.html", ("",))[0] == a[0], ev)
    k3 = sorted((e["fam"], e["method"], e["status"]) for e in Handler.log
                if e["path"] == "/k3.html")
    check("a 521 to HEAD is asked again with GET, which decides",
          k3 == [(4, "GET", 521), (4, "HEAD", 521), (6, "GET", 521),
                 (6, "HEAD", 521)], k3)
    got = sorted((x["url"], x["v6"]["status"], x["v4"]["status"],
                  (x["v6"]["error"] or "")[:26], x["v4"]["error"])
                 for x in links(opts, db, "v6-error"))
    check("a 200 challenge and a 521 on IPv6 only: v6-error, the wall as "
          "the IPv6 evidence",
          got == [("http://%s/j6.html" % JS, 200, 200,
                   "200 from a wall (jiasule):", None),
                  ("http://%s/k6.html" % JS, 521, 200,
                   "521 from a wall (jiasule):", None)], got)
    dead = sorted((x["url"], x["v6"]["status"], x["v4"]["status"])
                  for x in links(opts, db, "dead"))
    check("Cloudflare's 521 (web server is down) is no wall: dead",
          dead == [("http://%s/cf.html" % JS, 521, 521)], dead)
    ok = sorted(x["url"] for x in links(opts, db, "ok"))
    check("ordinary pages naming the vendor stay ok (no script; 20 KiB)",
          ok == [js_u] + ["http://%s/%s.html" % (JS, p)
                          for p in ("big", "news")],
          ok)


if __name__ == "__main__":
    sys.exit(main())
