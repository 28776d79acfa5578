#!/usr/bin/python3
"""`v6crawl report --format html` rendered in a real browser.

Run by tests/integration/run.sh inside the private network namespace, with
the world already up:

    test_html.py --world WORLD_DIR --work WORK_DIR --v6crawl PATH

Crawls the world twice into one store (so each site's trend has two
points), writes the HTML report in Chinese (target 85%) and in English
(--threshold 60: one site passes, one fails), renders each page in headless Chromium (Debian's `chromium`,
offline, --dump-dom: the DOM after rendering) and checks what the page shows
against WORLD_DIR/expected.json: every figure as displayed ("58.8%", rounded
down to 0.1%, and the exact "10/17"), the pass/fail marks, the charts (one
bar per figure, a trend with two points per series), the top failing hosts,
every failing link under its class, Chinese labels, and that the page loads
nothing from anywhere. Also: a figure exactly on the target passes (the
comparison is exact), the page prints to PDF on A4 pages, and markup in a
site's name is shown as text.

Prints "ok - name" or "not ok - name: detail" per check and ends with
"N passed, N failed"; exits 1 if any check failed.
"""

import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "world"))
sys.dont_write_bytecode = True
import world as W  # noqa: E402,F401  (the world's definition)

FAILING = ("no-aaaa", "v6-broken", "v6-error", "dead")
FIGS = (("2", "internal"), ("3", "internal"), ("2", "all"), ("3", "all"))
TOP_HOSTS = 10
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    if cond:
        print("ok - %s" % name)
    else:
        detail = str(detail).replace("\n", " | ")
        if len(detail) > 3000:
            detail = detail[:3000] + "..."
        print("not ok - %s: %s" % (name, detail))
    sys.stdout.flush()
    return bool(cond)


def run(args, timeout=180, env=None):
    try:
        p = subprocess.run(args, capture_output=True, timeout=timeout,
                           env=env)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    except OSError as e:
        return "cannot run: %s" % e, "", str(e)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


def crawl_args(db, world):
    return [OPTS.v6crawl, "crawl", "--db", db, "--dns-server",
            "127.0.0.1:5353", "--cacert", os.path.join(world, "ca.pem"),
            "--allow-private", "--timeout", "3", "--retries", "1"]

# ---------------------------------------------------------------------------
# The browser.


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(page, mode, out=None):
    """Render file @page in headless Chromium. @mode "dom" returns the DOM
    after rendering; "pdf" prints to @out. Offline: the namespace has no
    route out, and every background service is off."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=OPTS.work)
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions",
            "--user-data-dir=" + profile]
    if mode == "dom":
        args.append("--dump-dom")
    else:
        args += ["--no-pdf-header-footer", "--print-to-pdf=" + out]
    args.append("file://" + urllib.parse.quote(os.path.abspath(page)))
    rc, out_text, err = run(args, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    return rc, out_text, err


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def cls(self):
        return set((self.attrs.get("class") or "").split())

    def text(self):
        return "".join(c if isinstance(c, str) else c.text()
                       for c in self.children)

    def all(self, pred=lambda n: True):
        for c in self.children:
            if isinstance(c, Node):
                if pred(c):
                    yield c
                yield from c.all(pred)

    def find(self, tag=None, cls=None, **attrs):
        def pred(n):
            if tag and n.tag != tag:
                return False
            if cls and cls not in n.cls():
                return False
            return all(n.attrs.get(k.replace("_", "-")) == v
                       for k, v in attrs.items())
        return list(self.all(pred))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(dom):
    p = Parser()
    p.feed(dom)
    p.close()
    return p.root

# ---------------------------------------------------------------------------
# What the page must show.


def pct(ipv6, counted):
    """The display format: rounded down to 0.1%, "—" when nothing counted."""
    if not counted:
        return "\u2014"
    t = ipv6 * 1000 // counted
    return "%d.%d%%" % (t // 10, t % 10)


def verdict(f, threshold):
    if not f["counted"]:
        return None
    return f["ipv6"] * 100 >= threshold * f["counted"]


def site_verdict(es, threshold):
    v = [verdict(es["levels"][lv]["internal"], threshold) for lv in "23"]
    if v[0] is None and v[1] is None:
        return None
    return all(x is not False for x in v)


def vclass(v):
    return "none" if v is None else "pass" if v else "fail"


def blamed_host(ln):
    """The host a failing link is blamed on, as `fixes` ranks it: the host
    of the URL the last IPv6 request went to (after redirects)."""
    _, v6, _ = W.classify(ln["url"], True, {}, {})
    return urllib.parse.urlsplit(v6["hops"][-1][1]).hostname


def expected_hosts(es):
    counts = {}
    for ln in es["links"]:
        if ln["class"] in FAILING and ln["scope"] == "internal" \
                and ln["level"] >= 2:
            host = blamed_host(ln)
            counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_HOSTS]


def check_fig_cell(label, cell, f, mark, threshold):
    if cell is None:
        return check(label, False, "no cell")
    p = cell.find("span", cls="pct")
    fr = cell.find("span", cls="frac")
    got_pct = p[0].text() if p else None
    got_frac = fr[0].text() if fr else None
    want_frac = "%d/%d" % (f["ipv6"], f["counted"]) if f["counted"] else None
    bad = []
    if got_pct != pct(f["ipv6"], f["counted"]):
        bad.append("shows %r want %r" % (got_pct, pct(f["ipv6"],
                                                       f["counted"])))
    if got_frac != want_frac:
        bad.append("fraction %r want %r" % (got_frac, want_frac))
    if mark:
        want = vclass(verdict(f, threshold))
        if want not in cell.cls():
            bad.append("class %s want %s" % (sorted(cell.cls()), want))
        m = cell.find("span", cls="mark")
        want_m = {"pass": "\u2714", "fail": "\u2718"}.get(want)
        if (m[0].text() if m else None) != want_m:
            bad.append("mark %r want %r" % (m[0].text() if m else None,
                                            want_m))
    return check(label + " %s %s" % (pct(f["ipv6"], f["counted"]),
                                     want_frac or ""), not bad,
                 "; ".join(bad))


def check_page(doc, exp, lang, threshold, run_ids, label):
    html_el = doc.find("html")
    want_tag = "zh-CN" if lang == "zh" else "en"
    check(label + ": <html lang=%s>" % want_tag,
          html_el and html_el[0].attrs.get("lang") == want_tag,
          html_el[0].attrs if html_el else "no html element")
    h1 = doc.find("h1")
    title = h1[0].text() if h1 else ""
    if lang == "zh":
        check(label + ": Chinese title", "IPv6 浓度" in title, title)
        heads = " ".join(th.text() for th in doc.find("th"))
        words = ["二级链接（站内）", "三级链接（站内）", "二级链接（全部）",
                 "三级链接（全部）", "首页", "结论", "主机", "证据"]
        check(label + ": Chinese labels in the tables",
              all(w in heads for w in words),
              [w for w in words if w not in heads])
        verdicts = " ".join(n.text() for n in doc.find(cls="verdict"))
        check(label + ": Chinese pass/fail words (未达标)",
              "未达标" in verdicts, verdicts[:200])
    else:
        check(label + ": English title",
              "IPv6 concentration" in title, title)
        heads = " ".join(th.text() for th in doc.find("th"))
        words = ["Level 2 (internal)", "Level 3 (internal)", "Homepage",
                 "Result", "Host", "Evidence"]
        check(label + ": English labels in the tables",
              all(w in heads for w in words),
              [w for w in words if w not in heads])
    meta = doc.find("p", cls="meta")
    check(label + ": names run %d" % run_ids[-1],
          meta and meta[0].attrs.get("data-run") == str(run_ids[-1]),
          meta[0].attrs if meta else "no meta line")
    thr = doc.find("span", cls="threshold")
    check(label + ": shows the target %g%%" % threshold,
          thr and thr[0].text() == "%g%%" % threshold,
          thr[0].text() if thr else None)

    summary = doc.find("table", cls="summary")
    summary = summary[0] if summary else Node("x", {}, None)
    for es in exp["sites"]:
        url = es["start_url"]
        row = summary.find("tr", data_site=url)
        sec = doc.find("section", data_site=url)
        if not check(label + ": %s in the summary and has a section" % url,
                     row and sec, "row %s section %s" % (bool(row),
                                                          bool(sec))):
            continue
        row, sec = row[0], sec[0]
        for where, scope_el in (("summary", row), ("section", sec)):
            hc = scope_el.find("td", cls="home")
            hp = es["homepage"]
            check(label + ": %s %s homepage %s" % (url, where, hp["class"]),
                  hc and hc[0].attrs.get("data-class") == hp["class"]
                  and ("pass" in hc[0].cls()) == hp["ipv6"],
                  hc[0].attrs if hc else "no homepage cell")
            for lv, scope in FIGS:
                cells = scope_el.find("td", data_fig="%s-%s" % (lv, scope))
                check_fig_cell(label + ": %s %s level %s %s" % (
                    url, where, lv, scope), cells[0] if cells else None,
                    es["levels"][lv][scope], scope == "internal", threshold)
        sv = site_verdict(es, threshold)
        vc = row.find("td", cls="verdict")
        want_word = {None: None, True: "达标" if lang == "zh" else "Pass",
                     False: "未达标" if lang == "zh" else "Fail"}[sv]
        got = vc[0].text() if vc else ""
        check(label + ": %s verdict %s" % (url, vclass(sv)),
              vc and vclass(sv) in vc[0].cls()
              and (want_word is None or got.endswith(want_word)),
              "%s %r" % (sorted(vc[0].cls()) if vc else None, got))

        # Charts: one bar per figure, its width the percentage.
        bars = sec.find("svg", cls="bars")
        rects = bars[0].find("rect", cls="bar") if bars else []
        keys = sorted(r.attrs.get("data-fig") for r in rects)
        want_keys = sorted("%s-%s" % k for k in FIGS)
        bad = []
        for r in rects:
            lv, scope = r.attrs.get("data-fig", "-").split("-", 1)
            f = es["levels"].get(lv, {}).get(scope)
            if f is None:
                continue
            want = 100.0 * f["ipv6"] / f["counted"] if f["counted"] else 0
            if abs(float(r.attrs.get("width", "nan")) - want) > 0.006:
                bad.append("%s width %s want %.2f" % (
                    r.attrs.get("data-fig"), r.attrs.get("width"), want))
        check(label + ": %s bar chart: one bar per figure, widths = "
              "percentages" % url, len(bars) == 1 and keys == want_keys
              and not bad, "%d svg, bars %s; %s" % (len(bars), keys,
                                                     "; ".join(bad)))
        trend = sec.find("svg", cls="trend")
        pts = trend[0].find("circle", cls="pt") if trend else []
        by = {}
        for c in pts:
            by.setdefault(c.attrs.get("data-series"), []).append(
                c.attrs.get("data-run"))
        want_runs = [str(i) for i in run_ids]
        check(label + ": %s trend: %d points per series (runs %s)"
              % (url, len(run_ids), ", ".join(want_runs)),
              len(trend) == 1 and by.get("2") == want_runs
              and by.get("3") == want_runs
              and len(trend[0].find("polyline")) >= 2,
              "%d svg, points %s" % (len(trend), by))

        # Top failing hosts.
        ht = sec.find("table", cls="hosts")
        got_hosts = [(r.attrs.get("data-host"),
                      int(r.find("td", cls="num")[0].text()))
                     for r in (ht[0].find("tr") if ht else [])
                     if r.attrs.get("data-host")]
        check(label + ": %s top failing hosts" % url,
              got_hosts == expected_hosts(es),
              "got %s want %s" % (got_hosts, expected_hosts(es)))

        # Failing links, each under its class, with evidence.
        bad = []
        for k in FAILING:
            want = sorted((ln["url"], str(ln["level"]))
                          for ln in es["links"]
                          if ln["class"] == k and ln["level"] in (2, 3))
            box = sec.find("div", cls="klass", data_class=k)
            rows = box[0].find("tr", data_class=k) if box else []
            got = sorted((r.attrs.get("data-url"), r.attrs.get("data-level"))
                         for r in rows)
            if got != want:
                bad.append("%s: missing %s unexpected %s" % (
                    k, sorted(set(want) - set(got)),
                    sorted(set(got) - set(want))))
            for r in rows:
                ev = r.find("td", cls="ev")
                t = ev[0].text() if ev else ""
                if "IPv6" not in t or "IPv4" not in t:
                    bad.append("%s: no per-family evidence: %r"
                               % (r.attrs.get("data-url"), t[:200]))
                if k == "no-aaaa" and "AAAA" not in t:
                    bad.append("%s: no DNS evidence" % r.attrs.get("data-url"))
        check(label + ": %s failing links listed under their class with "
              "evidence" % url, not bad, "; ".join(bad))

    # Nothing is loaded from anywhere: no scripts, stylesheets, images,
    # frames or fonts; links only to the crawled URLs and in-page anchors.
    urls = set()
    for es in exp["sites"]:
        urls.update([es["start_url"], es["final_url"]])
        urls.update(ln["url"] for ln in es["links"])
    bad = []
    for n in doc.all():
        if n.tag in ("script", "link", "img", "iframe", "frame", "object",
                     "embed", "video", "audio", "source", "image", "use",
                     "base"):
            bad.append("<%s %s>" % (n.tag, n.attrs))
        for a in ("src", "srcset", "data", "poster", "xlink:href",
                  "background"):
            if a in n.attrs:
                bad.append("<%s %s=%r>" % (n.tag, a, n.attrs[a]))
        if n.tag == "a":
            h = n.attrs.get("href", "")
            if not (h.startswith("#") or h in urls):
                bad.append("<a href=%r>" % h)
        if "style" in n.attrs and "url(" in n.attrs["style"]:
            bad.append("style url(): %r" % n.attrs["style"])
        if n.tag == "style":
            css = n.text()
            if "url(" in css or "@import" in css or "@font-face" in css:
                bad.append("<style> loads something")
    check(label + ": self-contained (no external script, style, font, "
          "image; links only to crawled URLs)", not bad, bad[:10])


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    OPTS = ap.parse_args()
    world, work = OPTS.world, OPTS.work
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(world, "expected.json")) as f:
        exp = json.load(f)
    starts = [s["start_url"] for s in exp["sites"]]
    db = os.path.join(work, "db")

    for i in (1, 2):
        rc, out, err = run(crawl_args(db, world) + starts)
        check("crawl %d of the world exits 0" % i, rc == 0,
              "exit %s: %s" % (rc, err.strip()[-800:]))

    pages = {}
    for lang, thr in (("zh", 85), ("en", 60)):
        path = os.path.join(work, "report-%s.html" % lang)
        args = [OPTS.v6crawl, "report", "--db", db, "--format", "html",
                "--lang", lang, "-o", path]
        if thr != 85:
            args += ["--threshold", str(thr)]
        rc, out, err = run(args)
        if check("report --format html --lang %s%s exits 0" % (
                lang, "" if thr == 85 else " --threshold %d" % thr),
                rc == 0 and os.path.getsize(path) > 0,
                "exit %s: %s" % (rc, err.strip()[-800:])):
            pages[lang] = (path, thr)

    # The default language comes from the locale (no browser needed).
    for env_lang, want in (("zh_CN.UTF-8", 'lang="zh-CN"'),
                           ("C.UTF-8", 'lang="en"')):
        env = dict(os.environ)
        for v in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
            env.pop(v, None)
        env["LANG"] = env_lang
        rc, out, err = run([OPTS.v6crawl, "report", "--db", db, "--format",
                            "html"], env=env)
        check("without --lang, LANG=%s gives %s" % (env_lang, want),
              rc == 0 and want in out[:300], "exit %s %s" % (rc, out[:200]))
    # A figure exactly on the target passes: every exact percentage in the
    # world is tried as the threshold (the raw page, no browser needed).
    bad, tried = [], 0
    for es in exp["sites"]:
        for lv, scope in FIGS[:2]:
            f = es["levels"][lv][scope]
            if not f["counted"] or (f["ipv6"] * 1000) % f["counted"]:
                continue
            thr = f["ipv6"] * 100 / f["counted"]
            tried += 1
            rc, out, err = run([OPTS.v6crawl, "report", "--db", db,
                                "--format", "html", "--threshold",
                                "%g" % thr])
            doc = parse(out)
            sec = doc.find("section", data_site=es["start_url"])
            cell = sec[0].find("td", data_fig="%s-%s" % (lv, scope)) \
                if sec else []
            if rc != 0 or not cell or "pass" not in cell[0].cls():
                bad.append("%s level %s at %g%%: %s" % (
                    es["start_url"], lv, thr,
                    sorted(cell[0].cls()) if cell else "no cell"))
    check("a figure exactly on the target passes (%d tried)" % tried,
          tried and not bad, bad or "no exact figure in the world")
    rc, out, err = run([OPTS.v6crawl, "report", "--db", db, "--format",
                        "html", "--lang", "fr"])
    check("--lang fr is bad usage (exit 2)", rc == 2, rc)
    rc, out, err = run([OPTS.v6crawl, "report", "--db", db, "--format",
                        "html", "--threshold", "101"])
    check("--threshold 101 is bad usage (exit 2)", rc == 2, rc)

    if not check("chromium is installed (Debian package chromium)",
                 chromium() is not None, "not found in PATH"):
        return
    for lang, (path, thr) in sorted(pages.items()):
        rc, dom, err = browser(path, "dom")
        if not check("chromium renders the %s page" % lang,
                     rc == 0 and "</html>" in dom,
                     "exit %s: %s" % (rc, err.strip()[-800:])):
            continue
        with open(os.path.join(work, "dom-%s.html" % lang), "w") as f:
            f.write(dom)
        check_page(parse(dom), exp, lang, thr, [1, 2], "html %s" % lang)

    # Printing: Chromium's default paper is Letter; @page makes it A4.
    if "zh" in pages:
        pdf = os.path.join(work, "report-zh.pdf")
        rc, out, err = browser(pages["zh"][0], "pdf", pdf)
        data = open(pdf, "rb").read() if os.path.exists(pdf) else b""
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)",
                           data)
        a4 = [b for b in boxes if abs(float(b[0]) - 595.28) < 2
              and abs(float(b[1]) - 841.89) < 2]
        check("the page prints on A4 (%d pages)" % len(boxes),
              data.startswith(b"%PDF") and boxes and len(a4) == len(boxes),
              "exit %s, boxes %s" % (rc, boxes[:3]))

    # Markup in what the store holds is shown as text, never parsed.
    evil = '<script>alert(1)</script><b id="evil">bold</b>&amp;\'"'
    sites = os.path.join(work, "sites.txt")
    with open(sites, "w") as f:
        f.write("%s\t%s\t<i>unit</i>\n" % (starts[-1], evil))
    db2 = os.path.join(work, "db-escape")
    rc, out, err = run(crawl_args(db2, world) + ["--sites", sites])
    check("crawl with a site name holding markup exits 0", rc == 0,
          "exit %s: %s" % (rc, err.strip()[-800:]))
    path = os.path.join(work, "report-escape.html")
    rc, out, err = run([OPTS.v6crawl, "report", "--db", db2, "--format",
                        "html", "--lang", "en", "-o", path])
    rc, dom, err = browser(path, "dom")
    doc = parse(dom) if rc == 0 else Node("x", {}, None)
    h2 = [n.text() for n in doc.find("h2")]
    check("markup in a site name and unit is shown as text",
          rc == 0 and not doc.find("script") and not doc.find("b", id="evil")
          and not doc.find("i") and any(evil in t for t in h2)
          and "<i>unit</i>" in doc.text(),
          "exit %s, h2 %s" % (rc, h2[:3]))


if __name__ == "__main__":
    OPTS = None
    try:
        main()
    except Exception as e:  # a crash is a failed check, not a silent pass
        import traceback
        traceback.print_exc(file=sys.stdout)
        check("test_html.py runs to its end", False, repr(e))
    passed = sum(results)
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
