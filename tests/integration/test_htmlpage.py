#!/usr/bin/python3
"""The HTML page's overview parts (issue 12), rendered in Chromium and
checked against a small world of this script's own.

Run by tests/integration/run.sh inside the private network namespace:

    test_htmlpage.py --world WORLD_DIR --work WORK_DIR --v6crawl PATH

The world: dnsmasq on 127.0.12.1:53 and a Python web server for ten sites
www.t12sN.gov.cn (127.0.12.1, fd6c:7012::2), each a homepage with eight
level-2 pages, the first of which has four level-3 links. Site 0 also links
to three pages of img.t12s0.gov.cn (127.0.12.3, fd6c:7012::3): two from
the homepage, one from its first page; site 1 links to a host without AAAA.
Run 1 crawls it whole; then img's IPv6 server stops (connection refused)
and run 2 crawls the same sites again: site 0 drops from 10/10 and 5/5 to
8/10 and 4/5 (newly failing, -20.0 points each). Run 3 crawls the same
sites with --depth 2 --strict: no earlier run is comparable with it.

Checked in the rendered DOM: the time of the run in local time (TZ), the
--title and --org heading, the overall line (共 N 个网站，M 个达标, the worst
site), the measurement conditions (version, depth, --strict, vantage, DNS
server, the public suffix list's date from libpsl itself, the target),
the change column against the previous comparable run, every other
indicator (homepage AAAA, IPv6 success rate, same content, name servers,
delegation chain, delay, CDN, score: each against the world or against the
JSON report of the same run for the measured times), the hosts to fix with
their what-if figures, no English left on the Chinese page, the target's
label inside its chart, and --summary: no site sections, the failing links
as an appendix, ten sites on at most three A4 pages. The shared demo
world's page (tests/world/world.py) is checked for its name servers and
what-if figures too.

Prints "ok - name" or "not ok - name: detail" per check and ends with
"N passed, N failed"; exits 1 if any check failed.
"""

import argparse
import ctypes
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "world"))
sys.dont_write_bytecode = True
import itlib  # noqa: E402
import test_html as TH  # noqa: E402  (its DOM parser and browser)
import world as W  # noqa: E402

DNS = "127.0.12.1"
WWW4, WWW6 = DNS, "fd6c:7012::2"  # small_world: DNS and web on one
IMG4, IMG6 = "127.0.12.3", "fd6c:7012::3"
N_SITES = 10
TZ = "Asia/Shanghai"
results = []
OPTS = None


def pct1(r):
    """The ways the HTML page may show ratio @r (a JSON number of 12
    significant digits) as "+51.2%": both roundings of a value on a tie at
    that precision (0.5115 may have been 0.51149999999997 in the report's
    double), or the dash for none."""
    if r is None:
        return ("\u2014",)
    e = abs(r * 100) * 1e-11 + 1e-12
    return tuple(sorted({"%+.1f%%" % (r * 100 - e), "%+.1f%%" % (r * 100 + e)}))


def same_pcts(got, want):
    return len(got) == len(want) and all(
        gk == wk and gt in wt for (gk, gt), (wk, wt) in zip(got, want))


def check(name, cond, detail=""):
    results.append(bool(cond))
    if cond:
        print("ok - %s" % name)
    else:
        detail = str(detail).replace("\n", " | ")
        print("not ok - %s: %s" % (name, detail[:3000]))
    sys.stdout.flush()
    return bool(cond)


def run(args, env=None, timeout=120):
    p = subprocess.run(args, capture_output=True, timeout=timeout, env=env)
    return itlib.Run(p)

# ---------------------------------------------------------------------------
# The world.


def host(i):
    return "www.t12s%d.gov.cn" % i


def name(i):
    return "测试站%d" % i


class Handler(itlib.PageHandler):
    def page(self):
        h = (self.headers.get("Host") or "").split(":")[0]
        path = self.path.split("?")[0]
        m = re.match(r"www\.t12s(\d)\.gov\.cn$", h)
        if h.startswith("img.") or h.startswith("noaaaa."):
            return b"<html><body>img</body></html>"
        if not m or path == "/robots.txt":
            return None
        i = int(m.group(1))
        if path == "/":
            links = ["/a%d.html" % k for k in range(1, 9)]
            if i == 0:
                links += ["http://img.t12s0.gov.cn/i1.png",
                          "http://img.t12s0.gov.cn/i2.png"]
            if i == 1:
                links += ["http://noaaaa.t12s1.gov.cn/x.html"]
            return itlib.link_page(links)
        if path == "/a1.html":
            links = ["/c%d.html" % k for k in range(1, 5)]
            if i == 0:
                links += ["http://img.t12s0.gov.cn/i3.png"]
            return itlib.link_page(links)
        if re.match(r"/[ac]\d\.html$", path):
            return itlib.link_page([])
        return None


def expected_run(img_v6):
    """Per site: (L2 supported, counted), (L3 supported, counted), and its
    failing links {url: (level, class)}."""
    out = []
    for i in range(N_SITES):
        l2, l3, bad = [8, 8], [4, 4], {}
        if i == 0:
            l2[1] += 2
            l3[1] += 1
            if img_v6:
                l2[0] += 2
                l3[0] += 1
            else:
                for u, lv in (("i1.png", 2), ("i2.png", 2), ("i3.png", 3)):
                    bad["http://img.t12s0.gov.cn/" + u] = (lv, "v6-broken")
        if i == 1:
            l2[1] += 1
            bad["http://noaaaa.t12s1.gov.cn/x.html"] = (2, "no-aaaa")
        out.append((tuple(l2), tuple(l3), bad))
    return out


def passes(f, thr=85):
    return f[1] and f[0] * 100 >= thr * f[1]


def pts(a, b):
    """report_pts_floor: the change in points, cut down to 0.1."""
    num = (b[0] * a[1] - a[0] * b[1]) * 1000
    den = a[1] * b[1]
    t = num // den  # floor, toward minus infinity
    return "%s%d.%d" % ("-" if t < 0 else "+", abs(t) // 10, abs(t) % 10)

# ---------------------------------------------------------------------------


def dom_of(path, label, script=None):
    """Render @path in Chromium; the parsed DOM. With @script, a copy of
    the page with it appended is rendered (to measure the layout)."""
    if script:
        src = open(path, encoding="utf-8").read()
        path = path + ".measure.html"
        with open(path, "w", encoding="utf-8") as f:
            f.write(src.replace("</body>", "<script>%s</script></body>"
                                % script))
    rc, dom, err = TH.browser(path, "dom")
    check("chromium renders %s" % label, rc == 0 and "</html>" in dom,
          "exit %s: %s" % (rc, err[-500:]))
    return TH.parse(dom if rc == 0 else "<html></html>")


def pdf_pages(path):
    out = path + ".pdf"
    TH.browser(path, "pdf", out)
    data = open(out, "rb").read() if os.path.exists(out) else b""
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def text_of(node):
    return re.sub(r"\s+", " ", node.text()).strip() if node else ""


def one(doc, tag=None, cls=None, **attrs):
    got = doc.find(tag, cls, **attrs)
    return got[0] if got else None


def pct(f):
    return TH.pct(f[0], f[1])


def psl_date():
    lib = ctypes.CDLL("libpsl.so.5")
    lib.psl_builtin_file_time.restype = ctypes.c_long
    t = lib.psl_builtin_file_time()
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%d")


def run_started(db, run_id):
    r = run([OPTS.v6crawl, "runs", "--db", db, "--format", "json"])
    for x in r.json()["runs"]:
        if x["id"] == run_id:
            return x
    return None


def iso_epoch(s):
    return int(datetime.datetime.strptime(
        s, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp())

# ---------------------------------------------------------------------------
# What the page must show.


ALLOWED = {"IPv6", "IPv4", "AAAA", "DNS", "CDN", "UTC", "HTTP", "CNAME",
           "TCP", "TLS", "ms", "MB", "robots", "txt", "http", "https", "s",
           "v6crawl", "score-weights"}


def data_cell(n):
    """1 for a cell of the store's text in the delegation table (zone, name
    server, AAAA, answer: not the yes/no column), the CDN table (provider,
    hosts) and the CDN performance table (the provider's row head)."""
    tr = n.parent
    table = tr
    while table is not None and table.tag != "table":
        table = table.parent
    if table is None:
        return False
    cells = [c for c in tr.children if not isinstance(c, str)]
    i = cells.index(n)
    c = table.cls()
    return ("deleg" in c and n.tag == "td" and i != 3) or \
        ("cdn" in c and i < 2) or ("perf" in c and n.tag == "th")


def english_left(doc):
    """Words of Latin letters in the visible text of a Chinese page that
    are not names of the protocols and files (ALLOWED), leaving out what
    comes from the network or the store: URLs and host names (.url, a),
    evidence (.ev), other text of the store or a data file (.data: a
    provider's name, name-server lists), and the values of the conditions
    (the DNS servers, dates, the version)."""
    words = set()

    def walk(n):
        if n.tag in ("style", "title", "script", "a"):
            return
        c = n.cls()
        if c & {"url", "ev", "parent", "hop", "dns", "data"}:
            return
        if n.tag == "td" and n.parent is not None and \
                n.parent.attrs.get("data-cond"):
            return
        if n.tag in ("td", "th") and data_cell(n):
            return
        for ch in n.children:
            if isinstance(ch, str):
                words.update(re.findall(r"[A-Za-z][A-Za-z0-9-]*", ch))
            else:
                walk(ch)
    for b in doc.find("body"):
        walk(b)
    return sorted(w for w in words if w not in ALLOWED
                  and not re.match(r"^v?\d", w))


def check_world_page(doc, label, exp, prev, run_id, db, js, thr=85):
    """Page of run @run_id of this script's world (figures @exp, the
    previous comparable run's @prev or None; @js its JSON report)."""
    # the time, in local time
    started = run_started(db, run_id)
    when = one(doc, "p", "when")
    t0 = iso_epoch(started["started"]) if started else -1
    local = datetime.datetime.fromtimestamp(t0, zoneinfo.ZoneInfo(TZ))
    ts = one(when, "span", "t-start") if when else None
    tz = one(when, "span", "tz") if when else None
    check(label + ": the measurement's time in local time (%s): %s %s"
          % (TZ, local.strftime("%Y-%m-%d %H:%M"), local.strftime("%z")),
          when and when.attrs.get("data-started") == str(t0)
          and text_of(ts) == local.strftime("%Y-%m-%d %H:%M")
          and text_of(tz) == "(UTC%s:%s)" % (local.strftime("%z")[:3],
                                             local.strftime("%z")[3:])
          and "检测时间" in text_of(when),
          "%s / %s" % (when.attrs if when else None, text_of(when)))

    # the overall line
    v = [passes(e[0], thr) and passes(e[1], thr) for e in exp]
    worst = min(range(N_SITES), key=lambda i: min(
        e[0] / e[1] for e in exp[i][:2]))
    ov = one(doc, "p", "overview")
    want = "共 %d 个网站，%d 个达标（达标线 %g%%）；最差：%s（二级 %s，三级 %s）。" % (
        N_SITES, sum(v), thr, name(worst), pct(exp[worst][0]),
        pct(exp[worst][1]))
    check(label + ": overall line %r" % want,
          ov and text_of(ov) == want
          and ov.attrs.get("data-worst") == "http://%s/" % host(worst),
          text_of(ov))

    # the summary table: figures, change
    summary = one(doc, "table", "summary")
    bad = []
    for i in range(N_SITES):
        url = "http://%s/" % host(i)
        row = one(summary, "tr", data_site=url) if summary else None
        if not row:
            bad.append("no row %s" % url)
            continue
        for key, f in (("2-internal", exp[i][0]), ("3-internal", exp[i][1])):
            cell = one(row, "td", data_fig=key)
            got = text_of(cell)
            want = "%s %s %d/%d" % ("\u2714" if passes(f, thr) else "\u2718",
                                    pct(f), f[0], f[1])
            if got != want:
                bad.append("%s %s: %r want %r" % (url, key, got, want))
        ch = one(row, "td", cls="change")
        if prev is None:
            if text_of(ch) != "\u2014" or ch.attrs.get("data-chg-2"):
                bad.append("%s change %r, want none" % (url, text_of(ch)))
            continue
        c2, c3 = pts(prev[i][0], exp[i][0]), pts(prev[i][1], exp[i][1])
        pv = passes(prev[i][0], thr) and passes(prev[i][1], thr)
        newly = "failing" if pv and not v[i] else \
            "passing" if v[i] and not pv else ""
        want = "%s / %s%s" % (c2, c3, {"failing": "新增未达标",
                                       "passing": "新达标"}.get(newly, ""))
        if not ch or ch.attrs.get("data-chg-2") != c2 \
                or ch.attrs.get("data-chg-3") != c3 \
                or ch.attrs.get("data-newly") != newly \
                or text_of(ch).replace(" ", "") != want.replace(" ", ""):
            bad.append("%s change %s %r want %s %s %s %r" % (
                url, ch.attrs if ch else None, text_of(ch), c2, c3, newly,
                want))
    check(label + ": summary figures and change%s" % (
        "" if prev else " (none: no earlier run)"), not bad, bad)
    note = one(doc, "p", "change-note")
    check(label + ": the change note names run %s" % (run_id - 1 if prev
                                                     else "none"),
          note and note.attrs.get("data-prev") == (str(run_id - 1) if prev
                                                   else ""),
          note.attrs if note else None)

    # every other indicator
    inds = one(doc, "table", "inds")
    bad = []
    for i in range(N_SITES):
        url = "http://%s/" % host(i)
        js_site = [s for s in js["sites"] if s["start_url"] == url][0]
        row = one(inds, "tr", data_site=url) if inds else None
        if not row:
            bad.append("no row %s" % url)
            continue
        cells = {c.attrs.get("data-ind"): c for c in row.find("td")
                 if c.attrs.get("data-ind")}
        delay = js_site["delay"]["pass"]
        want = {
            # the world: every site's host has an AAAA, answers 5 of 5
            # IPv6 homepage requests with the same page, has no NS record
            # (dnsmasq serves none), and no walk can pass: the root the
            # tests give (run.sh) is [::1]:9, where nothing listens
            "home_aaaa": ("1", "\u2714 有"),
            "home_v6_success": ("5/5", "100.0% 5/5"),
            "home_consistent": ("1", "\u2714 一致 100.0%"),
            "ns_ipv6": ("", "\u2014"),
            "delegation": ("0", "\u2718 不完整"),
            # the measured times: as the JSON report of the run judges them
            "delay": ({True: "1", False: "0", None: "-1"}[delay],
                      {True: "\u2714 达标", False: "\u2718 未达标",
                       None: "\u2014"}[delay]),
            # no CNAME in the world: no CDN host to time
            "cdn_performance": ("-1", "\u2014"),
        }
        sc = js_site["score"]["value"]
        t = int(sc * 10) if sc is not None else None
        want["score"] = (("%d.%d" % (t // 10, t % 10)),) * 2
        for k, (dv, txt) in sorted(want.items()):
            c = cells.get(k)
            if not c or c.attrs.get("data-v") != dv or text_of(c) != txt:
                bad.append("%s %s: %s %r want %s %r" % (
                    url, k, c.attrs.get("data-v") if c else None,
                    text_of(c), dv, txt))
    check(label + ": every other indicator of every site", not bad, bad)

    # the delay ratios: as the JSON report of the run has them
    table = one(doc, "table", "delays")
    bad = []
    for i in range(N_SITES):
        url = "http://%s/" % host(i)
        d = [s for s in js["sites"] if s["start_url"] == url][0]["delay"]
        row = one(table, "tr", data_site=url) if table else None
        got = [(c.attrs.get("data-ratio"), text_of(c))
               for c in (row.find("td") if row else [])
               if c.attrs.get("data-ratio")]
        want = [(k, pct1(d[k + "_ratio"])) for k in ("dns", "connect", "first_byte", "total")]
        meth = one(row, "td", data_method=d["method"]) if row else None
        if not same_pcts(got, want) or not meth:
            bad.append("%s: %s want %s (%s)" % (url, got, want, d["method"]))
    check(label + ": the delay ratios of every site (timing requests)",
          not bad, bad)

    # the hosts to fix, with the what-if figures
    bad = []
    for i in range(N_SITES):
        url = "http://%s/" % host(i)
        sec = one(doc, "section", data_site=url)
        if not sec:
            continue
        ft = sec.find("table", "fixes")
        rows = [r for r in (ft[0].find("tr") if ft else [])
                if r.attrs.get("data-host")]
        fix = {}
        for u, (lv, k) in exp[i][2].items():
            h = urllib.parse.urlsplit(u).hostname
            fix.setdefault(h, [0, 0])[lv - 2] += 1
        got = [(r.attrs["data-host"], text_of(one(r, "td", data_n="2")),
                text_of(one(r, "td", data_n="3")),
                text_of(one(r, "td", data_after="2")),
                text_of(one(r, "td", data_after="3"))) for r in rows]
        want = [(h, str(n[0]), str(n[1]),
                 TH.pct(exp[i][0][0] + n[0], exp[i][0][1]),
                 TH.pct(exp[i][1][0] + n[1], exp[i][1][1]))
                for h, n in sorted(fix.items())]
        if got != want:
            bad.append("%s: %s want %s" % (url, got, want))
    check(label + ": hosts to fix with their what-if figures", not bad, bad)


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    OPTS = ap.parse_args()
    TH.OPTS = OPTS
    work = OPTS.work
    os.makedirs(work, exist_ok=True)
    for a in (WWW6, IMG6):
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], capture_output=True)
    records = ["%s,%s,%s" % (host(i), WWW4, WWW6) for i in range(N_SITES)]
    records += ["img.t12s0.gov.cn,%s,%s" % (IMG4, IMG6),
                "noaaaa.t12s1.gov.cn,%s" % WWW4]
    world = itlib.small_world(work, DNS, WWW6, records, Handler)
    img = [itlib.http.server.ThreadingHTTPServer((IMG4, 80), Handler),
           itlib.Server6((IMG6, 80), Handler)]
    for s in img:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    try:
        body(work, img)
    finally:
        for s in img:
            try:
                s.shutdown()
                s.server_close()
            except OSError:
                pass
        itlib.small_world_stop(world)
        for a in (WWW6, IMG6):
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"], capture_output=True)


def body(work, img):
    db = os.path.join(work, "db")
    sites = os.path.join(work, "sites.txt")
    with open(sites, "w") as f:
        for i in range(N_SITES):
            f.write("http://%s/\t%s\n" % (host(i), name(i)))
    crawl = [OPTS.v6crawl, "crawl", "--db", db, "--sites", sites,
             "--dns-server", DNS, "--allow-private", "--timeout", "3",
             "--retries", "0", "--timing-samples", "2", "--quiet"]
    env = dict(os.environ, TZ=TZ)
    r = run(crawl)
    check("crawl 1 of the ten sites exits 0", r.rc == 0, r.why())
    img[1].shutdown()
    img[1].server_close()  # img's IPv6 refuses connections from now on
    r = run(crawl)
    check("crawl 2 (img.t12s0.gov.cn without IPv6) exits 0", r.rc == 0,
          r.why())
    r = run(crawl + ["--depth", "2", "--strict"])
    check("crawl 3 (--depth 2 --strict) exits 0", r.rc == 0, r.why())
    exp1, exp2 = expected_run(True), expected_run(False)

    pages = {}
    for rid, extra in ((1, []), (2, []), (3, []), ("sum", ["--summary"])):
        path = os.path.join(work, "page-%s.html" % rid)
        args = [OPTS.v6crawl, "report", "--db", db, "--format", "html",
                "--lang", "zh", "-o", path,
                "--run", str(rid if rid != "sum" else 2),
                "--title", "示范省<政务>网站 IPv6 检测",
                "--org", "示范省大数据局 & 网信办"] + extra
        r = run(args, env=env)
        check("report --format html --run %s%s exits 0" % (
            rid if rid != "sum" else 2, " --summary" if extra else ""),
            r.rc == 0, r.why())
        pages[rid] = path
    js = {}
    for rid in (1, 2):
        r = run([OPTS.v6crawl, "report", "--db", db, "--format", "json",
                 "--run", str(rid)])
        js[rid] = r.json() if r.rc == 0 else {"sites": []}

    # the layout is measured by the browser: the target's label inside
    # its chart (a copy of the page with a script; the page has none)
    measure = (
        "var out=[];document.querySelectorAll('svg.bars').forEach("
        "function(s){var t=s.querySelector('.target-lbl').getBBox(),"
        "v=s.viewBox.baseVal;out.push([t.x,t.y,t.x+t.width,t.y+t.height,"
        "v.width,v.height]);});document.body.setAttribute('data-clip',"
        "JSON.stringify(out));")
    doc = dom_of(pages[2], "run 2's page", measure)
    boxes = json.loads(doc.find("body")[0].attrs.get("data-clip", "[]")) \
        if doc.find("body") else []
    check("the target's label (达标线 85%%) lies inside each bar chart "
          "(%d charts)" % len(boxes),
          len(boxes) == N_SITES and all(
              b[0] >= 0 and b[1] >= 0 and b[2] <= b[4] and b[3] <= b[5]
              for b in boxes), boxes[:3])
    h1 = one(doc, "h1")
    org = one(doc, "p", "org")
    title = one(doc, "title")
    check("--title and --org head the page, as text",
          text_of(h1) == "示范省<政务>网站 IPv6 检测"
          and text_of(org) == "示范省大数据局 & 网信办"
          and text_of(title).startswith("示范省<政务>网站 IPv6 检测")
          and not doc.find("政务"),
          "%r %r %r" % (text_of(h1), text_of(org), text_of(title)))
    check_world_page(doc, "run 2", exp2, exp1, 2, db, js[2])
    left = english_left(doc)
    check("no English left on the Chinese page", not left, left)

    # the conditions
    conds = {r.attrs["data-cond"]: text_of(r.find("td")[0])
             for r in doc.find("tr") if r.attrs.get("data-cond")}
    ver = run([OPTS.v6crawl, "--version"]).out.split()
    want = {"version": ver[1] if len(ver) > 1 else "?", "depth": "3",
            "strict": "否：状态码低于 400 即算成功",
            "vantage": "IPv6 可达，IPv4 可达", "dns": DNS + ":53",
            "psl": psl_date(), "threshold": "85%"}
    check("the conditions of run 2: %s" % want, conds == want, conds)

    doc1 = dom_of(pages[1], "run 1's page")
    check_world_page(doc1, "run 1", exp1, None, 1, db, js[1])

    doc3 = dom_of(pages[3], "run 3's page")
    conds = {r.attrs["data-cond"]: text_of(r.find("td")[0])
             for r in doc3.find("tr") if r.attrs.get("data-cond")}
    note = one(doc3, "p", "change-note")
    check("run 3: depth 2 and --strict in its conditions, and no earlier "
          "run is comparable (other depth)",
          conds.get("depth") == "2"
          and conds.get("strict") == "是：仅状态码 200 算成功"
          and note and note.attrs.get("data-prev") == ""
          and all(text_of(c) == "\u2014" for c in doc3.find("td", "change")),
          "%s %s" % (conds, note.attrs if note else None))

    # --summary: no site sections; the failing links as an appendix
    docs = dom_of(pages["sum"], "the --summary page")
    bad = []
    for i in range(N_SITES):
        url = "http://%s/" % host(i)
        box = one(docs, "div", "appsite", data_site=url)
        got = {r.attrs.get("data-url"): (int(r.attrs.get("data-level", 0)),
                                         r.attrs.get("data-class"))
               for r in (box.find("tr") if box else [])
               if r.attrs.get("data-url")}
        if got != exp2[i][2]:
            bad.append("%s: %s want %s" % (url, got, exp2[i][2]))
    check("--summary: no section per site, every failing link in the "
          "appendix", not docs.find("section", "site") and not bad
          and docs.find("section", "appendix"), bad)
    check_world_page(docs, "--summary", exp2, exp1, 2, db, js[2])
    fixes = [(r.attrs.get("data-site"), r.attrs.get("data-host"))
             for r in docs.find("tr") if r.attrs.get("data-host")]
    check("--summary: the hosts to fix of every site",
          fixes == [("http://www.t12s0.gov.cn/", "img.t12s0.gov.cn"),
                    ("http://www.t12s1.gov.cn/", "noaaaa.t12s1.gov.cn")],
          fixes)
    n_sum, n_full = pdf_pages(pages["sum"]), pdf_pages(pages[2])
    # the same page without its appendix: the overview itself
    src = open(pages["sum"], encoding="utf-8").read()
    cut = pages["sum"] + ".noappendix.html"
    with open(cut, "w", encoding="utf-8") as f:
        f.write(re.sub(r'<section class="appendix">.*?</section>', "", src,
                       flags=re.S))
    n_cut = pdf_pages(cut)
    check("--summary: ten sites on at most 2 A4 pages before the appendix, "
          "3 with it (%d, %d; the whole page %d)" % (n_cut, n_sum, n_full),
          1 <= n_cut <= 2 and n_cut < n_sum <= 3 and n_full > n_sum,
          (n_cut, n_sum, n_full))

    demo(work)


def demo(work):
    """The shared world's sites (tests/world/world.py): name servers and
    what-if figures of a world with more failing hosts."""
    exp = json.load(open(os.path.join(OPTS.world, "expected.json")))
    db = os.path.join(work, "db-demo")
    r = run(TH.crawl_args(db, OPTS.world) + ["--timing-samples", "2",
                                             "--quiet"] +
            [s["start_url"] for s in exp["sites"]])
    check("crawl of the demo world exits 0", r.rc == 0, r.why())
    path = os.path.join(work, "demo.html")
    r = run([OPTS.v6crawl, "report", "--db", db, "--format", "html",
             "--lang", "zh", "-o", path])
    check("report of the demo world exits 0", r.rc == 0, r.why())
    doc = dom_of(path, "the demo world's page")
    bad = []
    for es in exp["sites"]:
        url = es["start_url"]
        row = one(doc, "table", "inds")
        row = one(row, "tr", data_site=url) if row else None
        ns = one(row, "td", data_ind="ns_ipv6") if row else None
        n = es["name_servers"]
        want = "%d/%d" % (n["ipv6"], n["total"]) if n["total"] else ""
        if not ns or ns.attrs.get("data-v") != want:
            bad.append("%s ns %s want %s" % (url, ns.attrs if ns else None,
                                             want))
        # the fixes ranking: hosts by fixable links (not dead), then name;
        # the what-if figures cumulative
        fix = {}
        for ln in es["links"]:
            if ln["scope"] == "internal" and ln["level"] in (2, 3) and \
                    ln["class"] in ("no-aaaa", "v6-broken", "v6-error"):
                h = TH.blamed_host(ln)
                fix.setdefault(h, [0, 0])[ln["level"] - 2] += 1
        order = sorted(fix.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
        want, gain = [], [0, 0]
        for h, nn in order:
            gain = [gain[0] + nn[0], gain[1] + nn[1]]
            f2, f3 = es["levels"]["2"]["internal"], es["levels"]["3"][
                "internal"]
            want.append((h, str(nn[0]), str(nn[1]),
                         TH.pct(f2["ipv6"] + gain[0], f2["counted"]),
                         TH.pct(f3["ipv6"] + gain[1], f3["counted"])))
        sec = one(doc, "section", data_site=url)
        got = [(r.attrs["data-host"], text_of(one(r, "td", data_n="2")),
                text_of(one(r, "td", data_n="3")),
                text_of(one(r, "td", data_after="2")),
                text_of(one(r, "td", data_after="3")))
               for r in (sec.find("table", "fixes")[0].find("tr")
                         if sec and sec.find("table", "fixes") else [])
               if r.attrs.get("data-host")]
        if got != want:
            bad.append("%s fixes %s want %s" % (url, got, want))
        dead = [sum(1 for ln in es["links"] if ln["scope"] == "internal"
                    and ln["level"] == lv and ln["class"] == "dead")
                for lv in (2, 3)]
        note = [p for p in (sec.find("p") if sec else [])
                if p.attrs.get("data-dead-2") is not None]
        if not note or [note[0].attrs["data-dead-2"],
                        note[0].attrs["data-dead-3"]] != [str(d)
                                                          for d in dead]:
            bad.append("%s dead %s want %s" % (
                url, note[0].attrs if note else None, dead))
    check("demo world: name servers, hosts to fix with cumulative what-if "
          "figures, dead links", not bad, bad)
    left = english_left(doc)
    check("demo world: no English left on the Chinese page", not left, left)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failed check, not a silent pass
        import traceback
        traceback.print_exc(file=sys.stdout)
        check("test_htmlpage.py runs to its end", False, repr(e))
    passed = sum(results)
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
