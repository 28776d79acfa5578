#!/usr/bin/python3
"""The composite score (issue 8 item 8) and terminal-safe output (issue 9
item 7).

1. The score of every site of the test world: crawled once, the JSON
   report's score must be exactly the formula of doc/measurement.md over
   the indicators the world defines (expected.json), under the shipped
   weights (data/score-weights.txt; the delay indicators, which depend on
   timing, taken from the report's own delay ratios) and under a weights
   file of this test's own without the delays (a figure fixed by the
   world alone); the text report prints it cut down to 0.1.
2. A small world of this test's own inside the suite's namespace (a
   server on 127.0.4.2 and fd6c:7004::2, a dnsmasq on 127.0.4.2:53 naming
   evil.test with A and AAAA and bad.evil.test with A only) whose
   homepage's hrefs carry character references of control characters
   (&#27; ESC, &#7; BEL, &#10; LF, &#13; CR) and whose sites-file name and
   unit carry raw ones: `links`, `diff`, `fixes`, `report` as text and CSV
   must contain no byte below 0x20 but newline (and CR in CSV's CRLF, tab
   nowhere needed), and the escaped form (\\x1b) where the strings are
   shown; --user-agent with a CR or LF is refused before anything is
   contacted. A run without IPv6 at the vantage point has no score.

    test_score.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page

results = []
V4, V6 = "127.0.4.2", "fd6c:7004::2"
SITE = "http://evil.test/"
# a URL a browser rejects (port out of range): stored as written, with the
# control characters its character references decode to
EVIL = ("http://evil.test:99999/&#27;]0;TITLE&#7;x&#10;"
        "L2 internal ok FORGED&#13;y")
EVIL_SHOWN = "http://evil.test:99999/\\x1b]0;TITLE\\x07x\\x0aL2 internal ok " \
    "FORGED\\x0dy"
EVIL_RAW = "http://evil.test:99999/\x1b]0;TITLE\x07x\nL2 internal ok FORGED\ry"
EVIL2 = "http://[zz/&#27;[2J"
# DEL by reference (a C1 control cannot come through: HTML maps &#155; to
# U+203A and the parser turns a raw one into U+FFFD)
EVIL3 = "http://evil.test:99999/&#127;[2J"
EVIL3_SHOWN = "http://evil.test:99999/\\x7f[2J"
STATE = {"evil": False, "hits": 0}
KEYS = ["l2_concentration", "l3_concentration", "home_aaaa",
        "home_v6_success", "home_consistent", "ns_ipv6", "delay_dns",
        "delay_connect", "delay_first_byte", "delay_total", "delegation",
        "cdn_performance"]


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - " + name + ": " + str(detail)[:2000])
    sys.stdout.flush()


class Handler(PageHandler):
    def page(self):
        STATE["hits"] += 1
        if self.path == "/":
            links = ["/ok.html", "http://bad.evil.test/x.html"]
            if STATE["evil"]:
                links += [EVIL, EVIL2, EVIL3]
            return link_page(links)
        if self.path.endswith(".html"):
            return b"<html><body>leaf</body></html>"
        return None


class Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Run:
    def __init__(self, p):
        self.rc = p.returncode
        self.raw = p.stdout
        self.out = p.stdout.decode(errors="replace")
        self.err = p.stderr.decode(errors="replace")

    def why(self):
        return "rc %s\nstdout:\n%s\nstderr:\n%s" % (self.rc, self.out[-1500:],
                                                    self.err[-1500:])


class T:
    v6crawl = work = world = None


def v6crawl(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return Run(subprocess.run([T.v6crawl] + args, capture_output=True,
                              timeout=300, env=e))


# ---- 1. the score of the test world ---------------------------------------

def load_weights(path):
    w = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                w[line[0]] = float(line[1])
    return w


def world_values(es, site):
    """key -> value in 0..1 or None (not measured) for expected site @es;
    the delays from the report's site @site."""
    v = {}
    for lv in ("2", "3"):
        v["l%s_concentration" % lv] = \
            es["levels"][lv]["internal"]["concentration"]
    hd, ns = es["homepage_detail"], es["name_servers"]
    v["home_aaaa"] = 1.0 if hd["aaaa"] else 0.0
    v["home_v6_success"] = hd["v6_ok"] / hd["v6_tries"]
    v["home_consistent"] = None if hd["consistent"] is None else \
        (1.0 if hd["consistent"] else 0.0)
    v["ns_ipv6"] = ns["ipv6"] / ns["total"] if ns["total"] else None
    d, t = site["delay"], site.get("timing")
    for k, rk, tk in (("delay_dns", "dns_ratio", "dns"),
                      ("delay_connect", "connect_ratio", "connect"),
                      ("delay_first_byte", "first_byte_ratio", "first_byte"),
                      ("delay_total", "total_ratio", "total")):
        if d.get("method") == "timing":
            p = t[tk]["pass"] if t and t.get(tk) else None
            v[k] = None if p is None else (1.0 if p else 0.0)
        else:
            v[k] = None if d[rk] is None else (1.0 if d[rk] <= 0.2 else 0.0)
    dg = site.get("delegation")
    v["delegation"] = None if not dg else (1.0 if dg["pass"] else 0.0)
    cp = [p["pass"] for p in site.get("cdn_performance") or []
          if p["pass"] is not None]
    v["cdn_performance"] = None if not cp else (1.0 if all(cp) else 0.0)
    return v


def formula(values, weights):
    num = den = 0.0
    for k in KEYS:
        w = weights.get(k, 0)
        if w > 0 and values[k] is not None:
            num += w * values[k]
            den += w
    return 100 * num / den if den else None


def cut(v):
    return "-" if v is None else "%.1f" % (math.floor(v * 10 + 1e-9) / 10)


def check_scores(label, exp, rep, weights, txt):
    got = {s["start_url"]: s for s in rep["sites"]}
    for es in exp["sites"]:
        url = es["start_url"]
        site = got.get(url)
        if not site or not site.get("score"):
            check("%s: %s has a score object" % (label, url), False, site)
            continue
        sc = site["score"]
        values = world_values(es, site)
        ind = {i["key"]: i for i in sc["indicators"]}
        check("%s: %s: the indicators are the table's, in order" % (label, url),
              [i["key"] for i in sc["indicators"]] == KEYS, sc["indicators"])
        bad = [(k, ind[k], values[k]) for k in KEYS if k in ind and (
            ind[k]["measured"] != (values[k] is not None) or
            (values[k] is not None and abs(ind[k]["value"] - values[k])
             > 1e-12))]
        check("%s: %s: every indicator as the world defines it" % (label, url),
              not bad, bad)
        want = formula(values, weights)
        check("%s: %s: score %s is the formula's (%r)" % (label, url,
                                                         cut(want), want),
              want is not None and sc["value"] is not None
              and abs(sc["value"] - want) < 1e-9, sc)
        left = [k for k in KEYS if weights.get(k, 0) > 0 and
                values[k] is None]
        check("%s: %s: left out %s" % (label, url, left),
              sc["left_out"] == left, sc["left_out"])
        line = "%-38.38s %6s  %s" % (url, cut(want),
                                     ", ".join(left) if left else "-")
        check("%s: text report line %r" % (label, line),
              line in txt.splitlines(), txt[-2500:])


def part_world():
    with open(os.path.join(T.world, "expected.json")) as f:
        exp = json.load(f)
    db = os.path.join(T.work, "db-world")
    r = v6crawl(["crawl", "--db", db, "--dns-server", "127.0.0.1:5353",
                 "--cacert", os.path.join(T.world, "ca.pem"),
                 "--allow-private", "--timeout", "3", "--retries", "1",
                 "--quiet"] + [s["start_url"] for s in exp["sites"]])
    check("the test world is crawled", r.rc == 0, r.why())
    top = os.environ.get("TOP_SRCDIR") or \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    shipped = os.path.join(top, "data")
    weights = load_weights(os.path.join(shipped, "score-weights.txt"))
    check("the shipped weights name every indicator of the table",
          sorted(weights) == sorted(KEYS), weights)
    env = {"V6CRAWL_DATA_DIR": shipped}
    rep = v6crawl(["report", "--db", db, "--format", "json"], env)
    txt = v6crawl(["report", "--db", db], env)
    check("report json and text exit 0", rep.rc == 0 and txt.rc == 0,
          rep.why() + txt.why())
    check_scores("shipped weights", exp, itlib.jload(rep.out), weights,
                 txt.out)
    check("the text report says the weights are v6crawl's own",
          "weights are v6crawl's own" in txt.out, txt.out[-2000:])

    # weights of this test's own: no delays, so the world alone fixes it
    mine = os.path.join(T.work, "data")
    os.makedirs(mine, exist_ok=True)
    shutil.copy(os.path.join(shipped, "cdn-suffixes.txt"), mine)
    weights = {"l2_concentration": 3, "l3_concentration": 2,
               "home_aaaa": 1, "home_v6_success": 1, "ns_ipv6": 2,
               "home_consistent": 1}
    with open(os.path.join(mine, "score-weights.txt"), "w") as f:
        f.write("# the test's\n" + "".join("%s %g\n" % kv
                                           for kv in weights.items()) +
                "unknown_key 7  # ignored\n")
    env = {"V6CRAWL_DATA_DIR": mine}
    rep = v6crawl(["report", "--db", db, "--format", "json"], env)
    txt = v6crawl(["report", "--db", db], env)
    check_scores("the test's weights", exp, itlib.jload(rep.out), weights,
                 txt.out)
    sc = itlib.jload(rep.out)["sites"][0]["score"]
    check("a key without a weight line is shown, weight null",
          all(i["weight"] is None for i in sc["indicators"]
              if i["key"].startswith("delay_")), sc["indicators"])
    html = v6crawl(["report", "--db", db, "--format", "html", "--lang", "en"],
                   env)
    want = formula(world_values(exp["sites"][0],
                                itlib.jload(rep.out)["sites"][0]), weights)
    check("html: the first site's score %s" % cut(want),
          'data-score="%s"' % cut(want) in html.out and
          "v6crawl's own" in html.out, html.why())

    with open(os.path.join(mine, "score-weights.txt"), "w") as f:
        f.write("l2_concentration thirty\n")
    txt = v6crawl(["report", "--db", db], env)
    check("a malformed weights line: no score, the line named",
          txt.rc == 0 and "score-weights.txt:1:" in txt.err
          and "Composite score" not in txt.out, txt.why())


# ---- 2. terminal-safe output -------------------------------------------

def bad_bytes(raw, csv):
    """The control bytes of @raw that are not a newline (CRLF in CSV)."""
    out = []
    for i, b in enumerate(raw):
        if b == 10:
            continue
        if csv and b == 13 and raw[i + 1:i + 2] == b"\n":
            continue
        if b < 0x20 or b == 0x7f or (b == 0xc2 and i + 1 < len(raw) and
                                     0x80 <= raw[i + 1] <= 0x9f):
            out.append((i, raw[max(0, i - 20):i + 20]))
    return out


def safe(label, r, csv, shown):
    check("%s exits 0" % label, r.rc == 0, r.why())
    check("%s: no control byte but newline%s" % (label, " / CRLF" if csv
                                                  else ""),
          not bad_bytes(r.raw, csv), bad_bytes(r.raw, csv)[:5])
    check("%s: no control character in stderr" % label,
          not bad_bytes(r.err.encode(), False), r.err[-500:])
    for s in shown:
        check("%s shows %r" % (label, s), s in r.out, r.out[-2000:])


def part_safe():
    db = os.path.join(T.work, "db-evil")
    sites = os.path.join(T.work, "sites.txt")
    with open(sites, "w", encoding="utf-8") as f:
        # raw controls, and a C1 one (U+009B, CSI) as UTF-8
        f.write(SITE + "\tname\x1b]0;NAME\x07\u009bC1\tU\x1b[2J\n")
    base = ["crawl", "--db", db, "--dns-server", V4 + ":53",
            "--allow-private", "--timeout", "5", "--retries", "0",
            "--quiet", "--depth", "2", "--homepage-probes", "1",
            "--assume-ipv6", "yes", "--sites", sites]
    hits = STATE["hits"]
    r = v6crawl(base + ["--user-agent", "v6crawl\r\nX-Forged: 1"])
    check("--user-agent with CR LF: exit 2, a clear error",
          r.rc == 2 and "bad --user-agent: it contains a CR or LF" in r.err,
          r.why())
    r = v6crawl(base + ["--user-agent", "v6crawl\nX"])
    check("--user-agent with LF alone: exit 2", r.rc == 2, r.why())
    check("... and nothing was contacted", STATE["hits"] == hits,
          STATE["hits"] - hits)
    r = v6crawl(base)
    check("run 1 (no evil hrefs) exits 0", r.rc == 0, r.why())
    STATE["evil"] = True
    r = v6crawl(base)
    check("run 2 (evil hrefs) exits 0", r.rc == 0, r.why())

    lk = v6crawl(["links", "--db", db, "--format", "json"])
    urls = [x["url"] for x in itlib.jload(lk.out)["links"]]
    check("json links: the href is stored with its raw controls, and "
          "escaped in JSON", EVIL_RAW in urls and "\\u001b" in lk.out
          and "\\u007f" in lk.out and not bad_bytes(lk.raw, False), urls)

    safe("links text", v6crawl(["links", "--db", db]), False,
         ["L2 external skipped    " + EVIL_SHOWN, "http://[zz/\\x1b[2J",
          EVIL3_SHOWN])
    safe("links csv", v6crawl(["links", "--db", db, "--format", "csv"]),
         True, [EVIL_SHOWN, EVIL3_SHOWN])
    safe("diff text", v6crawl(["diff", "--db", db, "1", "2"]), False,
         ["    L2 external -          -> skipped    " + EVIL_SHOWN])
    safe("diff csv", v6crawl(["diff", "--db", db, "1", "2", "--format",
                              "csv"]), True, [EVIL_SHOWN])
    safe("report text", v6crawl(["report", "--db", db]), False,
         ["[U\\x1b[2J]"])
    safe("report csv", v6crawl(["report", "--db", db, "--format", "csv"]),
         True, ["name\\x1b]0;NAME\\x07\\u009bC1", "U\\x1b[2J"])
    # fixes names hosts, DNS answers and the scope: no crawled string here
    # carries controls, but none may appear either
    safe("fixes text", v6crawl(["fixes", "--db", db]), False,
         ["bad.evil.test"])
    safe("fixes csv", v6crawl(["fixes", "--db", db, "--format", "csv"]),
         True, ["bad.evil.test"])
    r = v6crawl(["report", "--db", db, "--fail-under", "90"])
    check("--fail-under lines on stderr carry no raw control",
          r.rc == 1 and "below --fail-under 90%" in r.err
          and not bad_bytes(r.err.encode(), False), r.why())

    # no IPv6 at the vantage point: no score, every weighted key left out
    r = v6crawl([a if a != "yes" else "no" for a in base])
    check("run 3 (no IPv6) exits 6 (it measured nothing)", r.rc == 6,
          r.why())
    rep = v6crawl(["report", "--db", db, "--format", "json"])
    sc = itlib.jload(rep.out)["sites"][0]["score"]
    check("no IPv6 at the vantage point: score null, all left out",
          sc["value"] is None and sc["left_out"] == KEYS
          and sc["weight_scored"] == 0, sc)
    txt = v6crawl(["report", "--db", db])
    line = "%-38.38s %6s  %s" % (SITE, "-", ", ".join(KEYS))
    check("... and the text report prints '-'", line in txt.out.splitlines(),
          txt.out[-1500:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work, T.world = o.v6crawl, o.work, o.world
    subprocess.run(["ip", "-6", "addr", "add", V6 + "/128", "dev", "lo",
                    "nodad"], capture_output=True)
    dns = subprocess.Popen(["dnsmasq", "--keep-in-foreground",
                            "--conf-file=/dev/null", "--no-resolv",
                            "--no-hosts", "--port=53", "--bind-interfaces",
                            "--listen-address=" + V4, "--local=/#/",
                            "--host-record=evil.test,%s,%s" % (V4, V6),
                            "--host-record=bad.evil.test," + V4,
                            "--pid-file=" + os.path.join(o.work, "dns.pid")],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    Server6.allow_reuse_address = True
    srv = [http.server.ThreadingHTTPServer((V4, 80), Handler),
           Server6((V6, 80), Handler)]
    for s in srv:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    time.sleep(0.5)
    try:
        part_world()
        part_safe()
    finally:
        for s in srv:
            s.shutdown()
            s.server_close()
        dns.terminate()
        dns.wait(10)
        subprocess.run(["ip", "-6", "addr", "del", V6 + "/128", "dev", "lo"],
                       capture_output=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
