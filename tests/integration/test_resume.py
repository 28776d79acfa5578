#!/usr/bin/python3
"""A killed crawl is resumed (issue 9, item 1): `crawl --resume` continues
the latest incomplete run; what it measured is not asked again, and the
run ends with exactly the figures, levels, parents and classes of an
uninterrupted crawl.

This test's own world, inside the suite's network namespace, on its own
addresses (127.0.7.x and fd6c:7007::x): a dnsmasq on 127.0.7.53 for the
names, and a small HTTP server (itlib.PageHandler) of this test that logs
every request and answers each a little late (so that a crawl lasts a few
seconds):

  www.resume.test     127.0.7.1 fd6c:7007::1  the site: / (a meta refresh
                      to /home.html), /home.html (about 55 links), 40
                      level-2 pages of 9 level-3 links each and a script
                      literal; robots.txt disallows /private/
  static.resume.test  127.0.7.2 fd6c:7007::2  internal images (not HTML)
  v4only.resume.test  127.0.7.3               no AAAA
  broken.resume.test  127.0.7.4 fd6c:7007::4  nothing listens on IPv6
  v6only.resume.test            fd6c:7007::6  no A
  ext.other.test      127.0.7.5 fd6c:7007::5  external links

One crawl uninterrupted is the reference. Then one crawl is killed with
SIGKILL at seeded random moments, resumed with --resume after each kill,
and resumed a last time until complete: every figure of report --format
json (but the timings) and every link of links --format json and csv is
the reference's, and the requests of all the processes together are far
fewer than one full crawl per process. The same with --depth 4 (level-3
pages read, their links held until every level-2 page is read), killed 5
times. Also: --resume with nothing to
resume (exit 7), with other options or sites (exit 2), of a complete run
(exit 7); and an interrupted run never resumed is shown as interrupted in
`runs` and left out of the trend as a normal point.

    test_resume.py --world DIR --work DIR --v6crawl PATH

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
import signal
import socket
import subprocess
import sys
import threading
import time

import itlib
from itlib import PageHandler, link_page

results = []
DNS = "127.0.7.53"
HOSTS = {  # name: (IPv4 or None, IPv6 or None)
    "www.resume.test": ("127.0.7.1", "fd6c:7007::1"),
    "static.resume.test": ("127.0.7.2", "fd6c:7007::2"),
    "v4only.resume.test": ("127.0.7.3", None),
    "broken.resume.test": ("127.0.7.4", "fd6c:7007::4"),
    "v6only.resume.test": (None, "fd6c:7007::6"),
    "ext.other.test": ("127.0.7.5", "fd6c:7007::5"),
}
V6_ADDRS = ["fd6c:7007::%s" % n for n in (1, 2, 4, 5, 6)]
LISTEN = [(v4, 4) for v4, _ in HOSTS.values() if v4] + \
    [(a, 6) for a in V6_ADDRS if a != "fd6c:7007::4"]
START = "http://www.resume.test/"
N_PAGES, N_DEEP = 40, 8
DELAY = 0.05  # seconds per request
SEED = 9001
KILLS = 12

LOG = []
FAMILY = []  # beside LOG: 6 or 4, the family each request came over
LOG_LOCK = threading.Lock()


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


def home_links():
    links = ["/p/%d.html" % i for i in range(N_PAGES)]
    links += ["/private/a.html", "/private/b.html", "/missing.html"]
    links += ["http://static.resume.test/img/%d.png" % i for i in range(5)]
    links += ["http://v4only.resume.test/", "http://broken.resume.test/",
              "http://v6only.resume.test/", "http://ext.other.test/",
              "http://ext.other.test/e1", "mailto:web@resume.test", "#top"]
    return links


def deep_page(i):
    links = ["/p/%d/%d.html" % (i, j) for j in range(N_DEEP)]
    links += ["/p/%d.html" % ((i + 1) % N_PAGES), "/",
              "http://ext.other.test/p/%d" % i]
    body = link_page(links)
    script = ('<script>var u = "/hidden/%d.html";</script>' % i).encode()
    return body.replace(b"</body>", script + b"</body>")


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        with LOG_LOCK:
            LOG.append((self.command, host, self.path))
            FAMILY.append(6 if ":" in self.client_address[0] else 4)
        time.sleep(DELAY)
        path = self.path
        if path == "/robots.txt":
            if host == "www.resume.test":
                return b"User-agent: *\nDisallow: /private/\n", "text/plain"
            return None
        if host == "static.resume.test":
            return b"\x89PNG\r\n\x1a\n", "image/png"
        if host != "www.resume.test":
            return b"<html><body>elsewhere</body></html>"
        if path == "/":
            return (b'<html><head><meta http-equiv="refresh" '
                    b'content="0; url=/home.html"></head><body>'
                    b'<a href="/about.html">about</a></body></html>')
        if path == "/home.html":
            return link_page(home_links())
        if path == "/missing.html":
            return None
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "p" and parts[1].endswith(".html"):
            return deep_page(int(parts[1][:-5]))
        if len(parts) == 3 and parts[0] == "p" and parts[2].endswith(".html"):
            # level 3 (read at --depth 4): a level-4 link, and a link to a
            # level-3 page of the next level-2 page: level 3 whatever
            # order the pages arrive in (breadth first)
            i, j = int(parts[1]), int(parts[2][:-5])
            return link_page(["/q/%d/%d.html" % (i, j),
                              "/p/%d/%d.html" % ((i + 1) % N_PAGES, j)])
        return b"<html><body>leaf</body></html>"


class Server4(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed crawler's connections break: that is the test


class Server6(Server4):
    address_family = socket.AF_INET6


class T:
    v6crawl = work = None


def run(args, timeout=300):
    p = subprocess.run([T.v6crawl] + args, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def crawl_args(db, extra=()):
    # no --quiet: a crawl that succeeds says so in its summary line (and
    # stderr is no terminal: no progress line)
    return ["crawl", "--db", db, "--dns-server", DNS, "--allow-private",
            "--timeout", "3", "--retries", "1"] + list(extra) + [START]


def figures(db, run_id="latest"):
    rc, out, err = run(["report", "--db", db, "--run", str(run_id),
                        "--format", "json"])
    if rc != 0:
        return None
    rep = itlib.jload(out)
    for s in rep["sites"]:
        s.pop("delay", None)  # timings: never the same twice
        s.pop("timing", None)
        for u in s.get("cdn_performance") or []:
            for h in u.get("hosts", []):
                for k in ("first_byte", "throughput", "pass"):
                    h.pop(k, None)
            u.pop("pass", None)
        score = s.get("score")
        if score:  # and the score's indicators made of timings
            score.pop("value", None)
            score.pop("weight_scored", None)
            score.pop("left_out", None)
            score["indicators"] = [i for i in score.get("indicators", [])
                                   if not i["key"].startswith("delay_") and
                                   i["key"] != "cdn_performance"]
    return rep["sites"]


def untimed(text):
    """curl's connect errors say how long they took: never the same twice."""
    return re.sub(r"after \d+ ms", "after N ms", text) if text else text


def links(db, run_id="latest"):
    rc, out, err = run(["links", "--db", db, "--run", str(run_id),
                        "--format", "json"])
    rows = itlib.jload(untimed(out))["links"] if rc == 0 else []
    got = {}
    for ln in rows:
        got[(ln["site"], ln["url"])] = (
            ln["level"], ln["scope"], ln["class"], ln["parent"],
            ln["v6"] and (ln["v6"]["ok"], ln["v6"]["status"],
                          ln["v6"]["error"], ln["v6"]["hops"]),
            ln["v4"] and (ln["v4"]["ok"], ln["v4"]["status"],
                          ln["v4"]["error"], ln["v4"]["hops"]))
    return got


def links_csv(db, run_id="latest"):
    rc, out, err = run(["links", "--db", db, "--run", str(run_id),
                        "--format", "csv"])
    rows = list(csv.reader(io.StringIO(untimed(out).lstrip("\ufeff"))))
    # without the last column, the run's date: the runs compared may start
    # on either side of midnight
    return sorted(r[:-1] for r in rows[1:]) if rows else []


def log_mark():
    with LOG_LOCK:
        return len(LOG)


def kill_crawl(db, rng, resume, extra, span):
    """One crawl process (--resume or a new run), killed with SIGKILL at a
    random moment: once the server has seen a random number of requests
    from it in @span (moments measured in requests, so that they fall
    alike on a quick machine and a loaded one). Its exit status (-9 when
    killed), how many requests the server saw from it, its stderr."""
    mark = log_mark()
    want = rng.randint(*span)
    args = crawl_args(db, (["--resume"] if resume else []) + list(extra))
    p = subprocess.Popen([T.v6crawl] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    t0 = time.time()
    while p.poll() is None and log_mark() - mark < want and \
            time.time() - t0 < 120:
        time.sleep(0.005)
    p.send_signal(signal.SIGKILL)
    err = p.communicate()[1].decode(errors="replace")
    time.sleep(DELAY * 3)  # requests in flight reach the log
    return p.returncode, log_mark() - mark, err


def measured(db):
    """The URLs whose probes run @db has stored (committed) now."""
    if not os.path.exists(db):
        return set()
    return {url for (_, url), v in links(db).items() if v[2] != "unmeasured"}


def asked_again(before, since, until, pages):
    """The requests of the log from @since to @until for links measured
    before them (@before): probes asked again. Pages read for links
    (@pages) may be read again, robots.txt is asked again."""
    with LOG_LOCK:
        reqs = LOG[since:until]
    return [r for r in reqs if "http://%s%s" % (r[1], r[2]) in before
            and "http://%s%s" % (r[1], r[2]) not in pages
            and r[2] != "/robots.txt"]


def start_world(work):
    for a in V6_ADDRS:
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], capture_output=True)
    records = []
    for name, (v4, v6) in HOSTS.items():
        records.append("--host-record=" + ",".join(
            [name] + [a for a in (v4, v6) if a]))
    dns = subprocess.Popen(
        ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
         "--no-resolv", "--no-hosts", "--port=53", "--bind-interfaces",
         "--listen-address=" + DNS, "--local=/#/", "--log-queries",
         "--log-facility=" + os.path.join(work, "dns.log"),
         "--pid-file=" + os.path.join(work, "dns.pid")] + records,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers = []
    for addr, fam in LISTEN:
        cls = Server6 if fam == 6 else Server4
        srv = cls((addr, 80), Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    time.sleep(0.5)
    return dns, servers


def stop_world(dns, servers):
    for srv in servers:
        srv.shutdown()
        srv.server_close()
    dns.terminate()
    dns.wait()
    for a in V6_ADDRS:
        subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev", "lo"],
                       capture_output=True)


def test_reference(name="ref", extra=()):
    """The uninterrupted crawl; its figures, links and request count."""
    ref = os.path.join(T.work, name)
    mark, t0 = log_mark(), time.time()
    rc, out, err = run(crawl_args(ref, extra))
    n_full, took = log_mark() - mark, time.time() - t0
    check("%s: the uninterrupted crawl exits 0" % name, rc == 0, err)
    figs, lk = figures(ref), links(ref)
    print("# %s: full crawl: %d requests, %d links, %.1f s" % (
        name, n_full, len(lk), took))
    if extra:
        return ref, figs, lk, links_csv(ref), n_full, took
    check("reference: the world has a few hundred links", 350 < len(lk) < 600,
          len(lk))
    classes = {v[2] for v in lk.values()}
    check("reference: every kind of class is in the world",
          {"ok", "v6-only", "no-aaaa", "v6-broken", "dead", "robots",
           "skipped"} <= classes, classes)
    lv = figs[0]["levels"] if figs else {}
    check("reference: level 3 is reached",
          lv.get("3", {}).get("internal", {}).get("links", 0) >= 300, lv)
    check("reference: the script literals are counted",
          figs and figs[0].get("script_links") == N_PAGES, figs)
    return ref, figs, lk, links_csv(ref), n_full, took


def test_kills(ref_figs, ref_links, ref_csv, n_full, name="killed",
               extra=(), n_kills=KILLS, span=(60, 130), depth=3):
    db = os.path.join(T.work, name)
    rng = random.Random(SEED + len(extra))
    # the pages read for links: the level-1 pages (and the meta-refresh
    # target) and the internal pages above --depth
    pages = {START, START + "home.html"} | {
        url for (_, url), v in ref_links.items()
        if v[0] < depth and v[1] == "internal"}
    counts, kills, resume, done, again = [], 0, False, False, []
    while kills < n_kills:
        mark, before = log_mark(), measured(db)
        rc, n, err = kill_crawl(db, rng, resume, extra, span)
        again += asked_again(before, mark, mark + n, pages)
        counts.append(n)
        if rc == 7 and not resume:
            break
        if rc == 7:  # killed before the run existed: start it anew
            resume = False
            continue
        if rc == 0:  # finished before the kill
            done = True
            break
        kills += 1
        resume = True
    print("# %s: kills: %d; requests per process: %s" % (name, kills, counts))
    check("%s: %d crawls were killed with SIGKILL midway" % (name, n_kills),
          kills == n_kills and not done, (kills, counts))
    rc, out, err = run(["runs", "--db", db, "--format", "json"])
    runs = itlib.jload(out)["runs"] if rc == 0 else []
    check("%s: the kills left one incomplete run" % name, len(runs) == 1 and
          not runs[0]["complete"], out)
    rounds = 0
    while rounds < 20:
        mark, before = log_mark(), measured(db)
        check(name + ": before the last resume, part of the links is "
              "measured (%d of %d)" % (len(before), len(ref_links)),
              0 < len(before) < len(ref_links) or rounds, len(before))
        rc, out, err = run(crawl_args(db, ["--resume"] + list(extra)))
        counts.append(log_mark() - mark)
        again += asked_again(before, mark, None, pages)
        rounds += 1
        if rc != 130:
            break
    check(name + ": the last --resume completes the run (exit 0)", rc == 0, err)
    check(name + ": no resume asked a link the run had measured (but pages "
          "read for links and robots.txt)", not again, again[:10])
    check(name + ": its summary says the run is resumed and complete",
          "resumed, complete" in err, err)
    total = sum(counts)
    procs = len(counts)
    print("# %s: requests: %s = %d over %d processes; full crawl %d "
          "(%d x full = %d)" % (name, counts, total, procs, n_full, procs,
                                procs * n_full))
    check(name + ": all the processes together ask far fewer than one full crawl "
          "each: %d requests, below 3 full crawls (%d), against %d x %d" %
          (total, 3 * n_full, procs, n_full), total < 3 * n_full, counts)
    check(name + ": every process but the first asks fewer than a full crawl",
          all(c < n_full for c in counts[1:]), counts)
    rc, out, err = run(["runs", "--db", db, "--format", "json"])
    runs = itlib.jload(out)["runs"] if rc == 0 else []
    check(name + ": still one run, now complete", len(runs) == 1 and
          runs[0]["complete"], out)
    figs = figures(db)
    check(name + ": every figure of the resumed run is the uninterrupted crawl's",
          figs == ref_figs, (figs, ref_figs))
    lk = links(db)
    diff = {k: (lk.get(k), ref_links.get(k))
            for k in set(lk) | set(ref_links) if lk.get(k) != ref_links.get(k)}
    check(name + ": every link has the level, scope, parent, class and evidence of "
          "the uninterrupted crawl (%d links)" % len(lk),
          lk == ref_links, sorted(diff.items())[:20])
    check(name + ": links --format csv: every row is the uninterrupted crawl's",
          links_csv(db) == ref_csv, "")
    return db


def test_refusals(ref, killed):
    empty = os.path.join(T.work, "empty")
    rc, out, err = run(crawl_args(empty, ["--resume"]))
    check("--resume with nothing to resume: exit 7", rc == 7, (rc, err))
    check("--resume with nothing to resume: says so on one line",
          "nothing to resume" in err and len(err.strip().splitlines()) == 1,
          err)
    rc, out, err = run(crawl_args(ref, ["--resume"]))
    check("--resume when every run is complete: exit 7 'nothing to resume'",
          rc == 7 and "no incomplete run" in err, (rc, err))
    rc, out, err = run(crawl_args(ref, ["--resume", "1"]))
    check("--resume RUN of a complete run: exit 7, names the run",
          rc == 7 and "run 1 is complete" in err, (rc, err))
    rc, out, err = run(crawl_args(ref, ["--resume=5"]))
    check("--resume=RUN of no such run: exit 7", rc == 7 and
          "no run 5" in err, (rc, err))
    # an interrupted run, and resumes that do not fit it
    db = os.path.join(T.work, "mismatch")
    p = subprocess.Popen([T.v6crawl] + crawl_args(db),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mark = log_mark()
    for _ in range(600):  # stopped once level 2 is partly measured
        if log_mark() - mark > 150:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    p.wait()
    check("Ctrl-C: the crawl stops with exit 130", p.returncode == 130,
          p.returncode)
    mark = log_mark()
    rc, out, err = run(crawl_args(db, ["--resume", "--depth", "2"]))
    check("--resume with another --depth: exit 2, names the option",
          rc == 2 and "depth=3, not depth=2" in err, (rc, err))
    rc, out, err = run(crawl_args(db, ["--resume", "--strict"]))
    check("--resume with --strict added: exit 2, names the option",
          rc == 2 and "strict=0, not strict=1" in err, (rc, err))
    rc, out, err = run(["crawl", "--db", db, "--dns-server", DNS,
                        "--allow-private", "--timeout", "3", "--retries", "1",
                        "--quiet", "--resume", "http://www.other.test/"])
    check("--resume with other sites: exit 2, names the site",
          rc == 2 and "start URL" in err and START in err, (rc, err))
    rc, out, err = run(crawl_args(db, ["--resume", "--assume-ipv6", "no"]))
    check("--resume without IPv6 when the run had it: exit 2",
          rc == 2 and "crawled with IPv6 at the vantage point" in err,
          (rc, err))
    check("a refused --resume asks nothing", log_mark() == mark,
          LOG[mark:][:5])
    rc, out, err = run(["runs", "--db", db])
    check("runs: the interrupted run is shown as interrupted",
          "interrupted" in out, out)
    rc, out, err = run(["runs", "--db", db, "--format", "json"])
    r = itlib.jload(out)["runs"] if rc == 0 else [{}]
    check("runs --format json: \"state\": \"interrupted\"",
          r[0].get("state") == "interrupted" and r[0]["complete"] is False, r)
    # a complete run after it: the trend marks the interrupted one
    rc, out, err = run(crawl_args(db))
    check("a new crawl after the interrupted run exits 0", rc == 0, err)
    rc, out, err = run(["report", "--db", db, "--format", "html", "--lang",
                        "en", "-o",
                        os.path.join(T.work, "trend.html")])
    html = open(os.path.join(T.work, "trend.html"), encoding="utf-8").read() \
        if rc == 0 else ""
    check("report --format html: the trend marks run 1 interrupted, not as "
          "a point of the line", 'class="interrupted"' in html and
          "run 1 (interrupted)" in html, rc)
    rc, out, err = run(["runs", "--db", killed])
    check("runs: a resumed run that completed is complete",
          "interrupted" not in out and "yes" in out, out)


def test_measured_home():
    """A second site whose homepage (a 404) was measured before the run
    stopped: the resumed run's site error says why as the uninterrupted
    run does ("HTTP 404": what the crawler
    keeps in memory of a measured probe is a word, the why comes back
    from the store)."""
    dead = "http://www.resume.test/missing.html"

    def args(db, extra=()):
        return crawl_args(db, list(extra) + [dead])  # sites: dead, START

    ref_db = os.path.join(T.work, "home404-ref")
    rc, _, err = run(args(ref_db))
    ref = figures(ref_db)
    check("home404-ref: the crawl exits 0", rc == 0, err)
    check("home404-ref: the 404 homepage's site says why",
          ref and ref[0]["error"] ==
          "the homepage could not be read: HTTP 404", ref and ref[0])
    db = os.path.join(T.work, "home404")
    p = subprocess.Popen([T.v6crawl] + args(db), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    t0 = time.time()
    while p.poll() is None and dead not in measured(db) and \
            time.time() - t0 < 60:
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    err = p.communicate()[1].decode(errors="replace")
    check("home404: stopped after the 404 was measured, before the end",
          dead in measured(db) and p.returncode not in (0, None),
          (p.returncode, err))
    mark = log_mark()
    rc, _, err = run(args(db, ["--resume"]))
    with LOG_LOCK:
        again = [r + (f,) for r, f in zip(LOG[mark:], FAMILY[mark:])
                 if r[2] == "/missing.html"]
    check("home404: the resumed run exits 0", rc == 0, err)
    check("home404: the resumed run has the uninterrupted figures",
          figures(db) == ref, (figures(db), ref))
    # what may come again is the homepage's own IPv6 requests that were
    # not made yet (--homepage-probes 5: the probe and 4 more, HEAD then
    # GET for a 404); a probe again would ask IPv4 too
    check("home404: the measured homepage, a link of the other site too, "
          "is not probed again (only its remaining IPv6 homepage requests)",
          all(r[3] == 6 for r in again) and len(again) <= 8, again)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    dns, servers = start_world(o.work)
    try:
        ref, figs, lk, lcsv, n_full, took = test_reference()
        killed = test_kills(figs, lk, lcsv, n_full)
        # --depth 4: level-3 pages are read too, and their links held
        # until every level-2 page is read
        deep = test_reference("ref-depth4", ["--depth", "4"])
        lv4 = {v[0] for v in deep[2].values()}
        check("ref-depth4: level 4 is reached", lv4 == {1, 2, 3, 4}, lv4)
        test_kills(*deep[1:5], name="killed-depth4", extra=["--depth", "4"],
                   n_kills=5, span=(150, 350), depth=4)
        test_refusals(ref, killed)
        test_measured_home()
        hosts = {h for _, h, _ in LOG}
        check("nothing but this test's hosts was asked",
              hosts <= set(HOSTS), hosts)
        log = open(os.path.join(o.work, "dns.log")).read()
        asked = {ln.split()[-3] for ln in log.splitlines()
                 if "query[" in ln}
        check("nothing but this test's names was looked up",
              all(n == "test" or n.endswith(".test") for n in asked), asked)
    finally:
        stop_world(dns, servers)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
