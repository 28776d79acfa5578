#!/usr/bin/python3
"""crawl --render: the pages read for links are rendered by headless
Chromium, and the links of the rendered DOM are theirs.

Everything is this test's own, on 127.0.16.0/24 and fd6c:7016::/64
inside the suite's network namespace:
  127.0.16.53:53  dnsmasq, every name below and nothing else (no upstream),
                  logging each query
  nginx           www.render.test      127.0.16.1 and fd6c:7016::1
                  ext.other.test       127.0.16.2 (IPv4 only)
                  v6only.render.test   fd6c:7016::3 (no A)
                  unmapped.render.test 127.0.16.4 (in the DNS, never a link)
                  spin.render.test     127.0.16.5 (a script that never ends)
                  every request logged with the server address and the
                  Accept-Language header (Chromium sends it, v6crawl not)

The homepage has a menu written by document.write, a list filled from a
fetch() of a JSON file, links added on DOMContentLoaded and on load, and
a fetch() of a name v6crawl never looked up (Chromium must not find it:
its failure adds a link). The same site is crawled without and with
--render, and every link, level and class is checked, with the count of
the links only rendering found.

    test_render.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import itlib
from itlib import nginx_start, nginx_stop

results = []
DNS = "127.0.16.53"
V4 = "127.0.16.%d"
V6 = "fd6c:7016::%d"
WWW = "http://www.render.test"

HOME = """<!DOCTYPE html>
<html><head><title>render</title></head><body>
<a href="/about.html">about</a>
<a href="http://v6only.render.test/">v6</a>
<script>document.write('<ul class="menu"><li><a href="/menu1.html">m1</a>' +
  '<li><a href="/about.html">about again</a></ul>');</script>
<ul id="list"></ul>
<script>
function add(u) {
  var a = document.createElement('a');
  a.href = u;
  a.textContent = u;
  document.body.appendChild(a);
}
fetch('/data/list.json').then(function (r) { return r.json(); })
  .then(function (items) {
    var ul = document.getElementById('list');
    items.forEach(function (u) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = u;
      a.textContent = u;
      li.appendChild(a);
      ul.appendChild(li);
    });
  });
fetch('http://unmapped.render.test/x.json')
  .then(function () { add('/resolved.txt'); })
  .catch(function () { add('/nodns.txt'); });
document.addEventListener('DOMContentLoaded', function () { add('/dcl.txt'); });
window.addEventListener('load', function () {
  add('/onload.txt');
  add('/about.html');
});
</script>
</body></html>
"""
LIST = ["/list/a.txt", "http://ext.other.test/x.html",
        "mailto:webmaster@render.test"]
ABOUT = """<html><body><a href="/deep1.html">d1</a>
<script>document.write('<a href="/menu1.html">m1</a>');
window.addEventListener('load', function () {
  var a = document.createElement('a');
  a.href = '/deep2.html';
  document.body.appendChild(a);
});</script></body></html>
"""
MENU1 = '<html><body><a href="/deep4.html">d4</a></body></html>'
V6HOME = """<html><body><a href="/v6deep.html">v6deep</a>
<script>document.write('<a href="/v6dw.html">dw</a>');</script>
</body></html>"""
SPIN = """<html><body><a href="/s1.html">s1</a>
<script>document.write('<a href="/s2.html">s2</a>'); for (;;) {}</script>
</body></html>"""

SITES = {
    "www": {"index.html": HOME, "about.html": ABOUT, "menu1.html": MENU1,
            "deep1.html": "<p>1</p>", "deep2.html": "<p>2</p>",
            "deep4.html": "<p>4</p>", "dcl.txt": "dcl", "onload.txt": "l",
            "nodns.txt": "n", "resolved.txt": "r", "list/a.txt": "a",
            "data/list.json": json.dumps(LIST)},
    "ext": {"x.html": "<p>x</p>"},
    "v6only": {"index.html": V6HOME, "v6deep.html": "<p>v6</p>"},
    "unmapped": {"x.json": "[]"},
    "spin": {"index.html": SPIN, "s1.html": "<p>s1</p>",
             "s2.html": "<p>s2</p>"},
}
LISTEN = {"www": ["%s:80" % (V4 % 1), "[%s]:80" % (V6 % 1)],
          "ext": ["%s:80" % (V4 % 2)],
          "v6only": ["[%s]:80" % (V6 % 3)],
          "unmapped": ["%s:80" % (V4 % 4)],
          "spin": ["%s:80" % (V4 % 5)]}
NAMES = {"www": "www.render.test", "ext": "ext.other.test",
         "v6only": "v6only.render.test", "unmapped": "unmapped.render.test",
         "spin": "spin.render.test"}

# What the crawls must find: url -> (level, scope, class).
PLAIN = {
    WWW + "/": (1, "internal", "ok"),
    WWW + "/about.html": (2, "internal", "ok"),
    "http://v6only.render.test/": (2, "internal", "v6-only"),
    WWW + "/deep1.html": (3, "internal", "ok"),
    "http://v6only.render.test/v6deep.html": (3, "internal", "v6-only"),
}
ONLY_RENDERED = {
    WWW + "/menu1.html": (2, "internal", "ok"),
    WWW + "/list/a.txt": (2, "internal", "ok"),
    "http://ext.other.test/x.html": (2, "external", "no-aaaa"),
    "mailto:webmaster@render.test": (2, "external", "skipped"),
    WWW + "/nodns.txt": (2, "internal", "ok"),
    WWW + "/dcl.txt": (2, "internal", "ok"),
    WWW + "/onload.txt": (2, "internal", "ok"),
    WWW + "/deep2.html": (3, "internal", "ok"),
    WWW + "/deep4.html": (3, "internal", "ok"),
}
RENDERED = dict(PLAIN, **ONLY_RENDERED)


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


def nginx(work):
    www = os.path.join(work, "www")
    for site, files in SITES.items():
        for name, body in files.items():
            path = os.path.join(www, site, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(body)
    nginx_start(work, [(LISTEN[site], NAMES[site],
                        os.path.join(www, site)) for site in SITES],
                "test_render",
                "text/html html; text/plain txt; application/json json;",
                "$server_addr|$host|$request_uri|$http_accept_language|"
                "$http_accept|$status")


def dnsmasq(work):
    recs = ["--host-record=www.render.test,%s,%s" % (V4 % 1, V6 % 1),
            "--host-record=ext.other.test,%s" % (V4 % 2),
            "--host-record=v6only.render.test,%s" % (V6 % 3),
            "--host-record=unmapped.render.test,%s" % (V4 % 4),
            "--host-record=spin.render.test,%s" % (V4 % 5)]
    return itlib.dnsmasq(work, "dnsmasq", DNS, ["--local=/#/"] + recs,
                         "test_render")


def log_lines(path, start):
    try:
        with open(path) as f:
            return f.read().splitlines()[start:]
    except OSError:
        return []


def crawl(o, db, extra, env=None, url=WWW + "/"):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([o.v6crawl, "crawl", "--db", db, "--dns-server",
                           DNS, "--allow-private", "--timeout", "10",
                           "--retries", "0", "--timing-samples", "0",
                           "--homepage-probes", "1", "--quiet"] + extra +
                          [url], capture_output=True, timeout=600, env=e,
                          text=True)


def links(o, db):
    p = subprocess.run([o.v6crawl, "links", "--db", db, "--format", "json"],
                       capture_output=True, text=True)
    return {ln["url"]: (ln["level"], ln["scope"], ln["class"])
            for ln in itlib.jload(p.stdout)["links"]}


def report(o, db, fmt):
    p = subprocess.run([o.v6crawl, "report", "--db", db, "--format", fmt],
                       capture_output=True, text=True)
    return p.stdout


def names_asked(work, start):
    """(type, name) of each A / AAAA query dnsmasq saw since line @start."""
    got = []
    for ln in log_lines(os.path.join(work, "dnsmasq.log"), start):
        m = re.search(r"query\[(A|AAAA)\] (\S+) from", ln)
        if m:
            got.append((m.group(1), m.group(2)))
    return sorted(got)


def count_lines(path):
    return len(log_lines(path, 0))


def chromiums():
    p = subprocess.run(["pgrep", "-f", "v6crawl-render-"],
                       capture_output=True, text=True)
    return p.stdout.split()


def part_refused(o):
    db = os.path.join(o.work, "db-refused")
    for what, env in (("$V6CRAWL_CHROMIUM pointing at nothing",
                       {"V6CRAWL_CHROMIUM": os.path.join(o.work, "none")}),
                      ("no Chromium in $PATH",
                       {"V6CRAWL_CHROMIUM": "", "PATH": "/nonexistent"})):
        p = crawl(o, db, ["--render"], env)
        lines = p.stderr.splitlines()
        check("--render with %s is refused with exit 2" % what,
              p.returncode == 2, (p.returncode, p.stderr))
        check("... in one line naming Chromium (%s)" % what,
              len(lines) == 1 and "--render needs Chromium" in lines[0],
              p.stderr)
    check("... before anything is stored", not os.path.exists(
        os.path.join(db, "data.mdb")) or links(o, db) == {}, db)


def part_plain(o):
    db = os.path.join(o.work, "db-plain")
    p = crawl(o, db, [])
    check("the crawl without --render exits 0", p.returncode == 0, p.stderr)
    got = links(o, db)
    check("without --render: the links, levels and classes of the HTML "
          "as served", got == PLAIN, got)
    js = itlib.jload(report(o, db, "json"))
    check("without --render the report's render is null",
          js["sites"][0]["render"] is None, js["sites"][0].get("render"))
    text = report(o, db, "text")
    check("without --render the text report says nothing of rendering",
          "Rendered by Chromium" not in text, text)
    return got


def part_render(o, plain):
    db = os.path.join(o.work, "db-render")
    tmp = o.tmp
    acc = os.path.join(o.work, "access.log")
    a0 = count_lines(acc)
    d0 = count_lines(os.path.join(o.work, "dnsmasq.log"))
    t0 = time.time()
    p = crawl(o, db, ["--render", "--render-timeout", "300"],
              {"TMPDIR": tmp})
    took = time.time() - t0
    check("the crawl with --render exits 0", p.returncode == 0, p.stderr)
    print("# the --render crawl took %.1f s" % took)
    got = links(o, db)
    check("with --render: the rendered DOMs' links, levels and classes "
          "(document.write menu, JSON list, DOMContentLoaded and load)",
          got == RENDERED, sorted(set(got.items()) ^ set(RENDERED.items())))
    check("every link found without rendering is found with it, at its "
          "level", all(got.get(u) == v for u, v in plain.items()), got)
    js = itlib.jload(report(o, db, "json"))
    r = js["sites"][0]["render"]
    check("the report counts 3 pages rendered, 1 not, and 9 links only "
          "rendering found (the links the crawl without it lacks)",
          r is not None and (r["pages"], r["not_rendered"],
                             r["links_only_rendered"]) ==
          (3, 1, len(set(got) - set(plain))) == (3, 1, 9), r)
    check("the page on the host with no A was not rendered, and says why",
          r is not None and [(f["url"], f["why"]) for f in r["failures"]] ==
          [("http://v6only.render.test/",
            "its host has no usable IPv4 address")], r)
    levels = js["sites"][0]["levels"]
    check("level 2: 7 internal links (6 ok, 1 v6-only) of 9",
          levels["2"]["internal"]["links"] == 7 and
          levels["2"]["all"]["links"] == 9, levels["2"])
    text = report(o, db, "text")
    check("the text report has the site's line of rendering figures",
          re.search(r"^http://www\.render\.test/\s+3\s+1\s+9$", text, re.M),
          text)
    html = subprocess.run([o.v6crawl, "report", "--db", db, "--format",
                           "html", "--lang", "en"], capture_output=True,
                          text=True).stdout
    check("the HTML report shows the links only rendering found",
          re.search(r"links only rendering found</th>"
                    r"<td class=\"num\">9</td>", html), html[-2000:])

    log = [ln.split("|") for ln in log_lines(acc, a0)]
    browser = [x for x in log if x[3] not in ("-", "")]
    nav = sorted(x[2] for x in browser if x[4].startswith("text/html"))
    check("Chromium loaded exactly the 3 pages rendered",
          nav == ["/", "/about.html", "/menu1.html"], browser)
    check("Chromium fetched the JSON list", any(
        x[2] == "/data/list.json" for x in browser), browser)
    check("every request of Chromium went over IPv4 to the address of "
          "v6crawl's own A answer",
          browser and all(x[0] == V4 % 1 and x[1] == "www.render.test"
                          for x in browser), browser)
    check("nothing asked the name v6crawl never looked up",
          not [x for x in log if "unmapped" in x[1] or x[0] == V4 % 4], log)
    want = set()
    for u in RENDERED:
        m = re.match(r"http://([^/]+)(/.*)", u)
        if m:
            want.add((m.group(1), m.group(2)))
            want.add((m.group(1), "/robots.txt"))
    want |= {("www.render.test", "/data/list.json"),
             ("www.render.test", "/favicon.ico")}
    check("nothing else was requested of the test's servers",
          {(x[1], x[2]) for x in log} <= want,
          {(x[1], x[2]) for x in log} - want)
    asked = names_asked(o.work, d0)
    check("the DNS saw only v6crawl's own lookups: A and AAAA once for "
          "each host (Chromium asked nothing)",
          asked == sorted((t, n) for t in ("A", "AAAA") for n in (
              "www.render.test", "v6only.render.test", "ext.other.test")),
          asked)
    check("no Chromium is left running", not chromiums(), chromiums())
    check("its throwaway profiles are removed", os.listdir(tmp) == [],
          os.listdir(tmp))


def part_budget(o):
    db = os.path.join(o.work, "db-spin")
    tmp = o.tmp
    t0 = time.time()
    p = crawl(o, db, ["--render", "--render-timeout", "2", "--depth", "2"],
              {"TMPDIR": tmp}, "http://spin.render.test/")
    took = time.time() - t0
    check("a page whose script never ends: the crawl exits 0",
          p.returncode == 0, p.stderr)
    check("... within its budget of 2 s (with a huge margin: 120 s)",
          took < 120, took)
    got = links(o, db)
    check("... and the page keeps the links of its HTML as served",
          got == {"http://spin.render.test/": (1, "internal", "no-aaaa"),
                  "http://spin.render.test/s1.html": (2, "internal",
                                                      "no-aaaa")},
          got)
    r = itlib.jload(report(o, db, "json"))["sites"][0]["render"]
    check("... counted as not rendered, Chromium killed at the budget",
          r is not None and (r["pages"], r["not_rendered"],
                             r["links_only_rendered"]) == (0, 1, 0) and
          r["failures"][0]["why"] ==
          "no DOM within 2000 ms (Chromium killed)", r)
    check("... and no Chromium is left running", not chromiums(),
          chromiums())
    check("... nor its profile", os.listdir(tmp) == [], os.listdir(tmp))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    os.makedirs(o.work, exist_ok=True)
    if not (os.environ.get("V6CRAWL_CHROMIUM") or shutil.which("chromium")):
        check("chromium is installed (the test needs it)", False,
              "apt-get install chromium")
        print("0 passed, 1 failed")
        return 1
    addrs = [V6 % n for n in (1, 3)]
    for a in addrs:
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], capture_output=True)
    pid = None
    # $TMPDIR of the crawls, to see Chromium's profiles go: a short one
    # (Chromium's socket in it has a path of at most 107 bytes)
    o.tmp = tempfile.mkdtemp(prefix="v6r.", dir="/tmp")
    try:
        pid = dnsmasq(o.work)
        nginx(o.work)
        part_refused(o)
        plain = part_plain(o)
        part_render(o, plain)
        part_budget(o)
        log = open(os.path.join(o.work, "dnsmasq.log")).read()
        check("nothing was asked of an upstream server",
              "forwarded" not in log, log[-500:])
    finally:
        if pid:
            os.kill(pid, 15)
        nginx_stop(o.work)
        for a in addrs:
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"], capture_output=True)
        shutil.rmtree(o.tmp, ignore_errors=True)
    print("%d passed, %d failed" % (results.count(True),
                                    results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
