#!/usr/bin/python3
"""Past one machine (issue 11): `crawl --shard K/N` crawls the sites whose
stable hash falls in shard K of N, `--run-label` names the night, and
`merge` imports one night's shard stores into a central store as one run
that reads exactly as one process crawling every site.

This test's own world, inside the suite's network namespace, on its own
addresses (127.0.11.x and fd6c:7011::x): a dnsmasq on 127.0.11.53 and a
small HTTP server of this test (itlib.PageHandler) on 127.0.11.1 and
[fd6c:7011::1], answering by Host:

  s0.shard.test ... s23.shard.test  127.0.11.1 fd6c:7011::1  the sites:
                      a homepage of internal pages (level 2, each with
                      level-3 links) and links to the hosts below
  cdn.shard.test      127.0.11.1 fd6c:7011::1  shared by every site
  v4.shard.test       127.0.11.1               no AAAA
  v6.shard.test                  fd6c:7011::1  no A
  broken.shard.test   127.0.11.1 fd6c:7011::4  nothing listens on IPv6
  dead.shard.test     127.0.11.5 fd6c:7011::5  nothing listens at all

    test_shard.py --world DIR --work DIR --v6crawl PATH

Two nights are crawled once whole (one process, one store) and once in 4
shards (4 stores), the second night after a change to the world; the
shards are merged into a central store. Every figure of report --format
json, every link of links --format csv with its class and evidence,
fixes, diff, the HTML page's trend and report --fail-under of the merged
runs are the whole crawls', after removing only run ids, times and store
paths; the merged store passes `check`. Merging again changes nothing; a
missing shard and a killed (incomplete) one are named, exit 8, and the
run stays incomplete until they arrive (the killed one resumed); shards
that measured the same sites, or of another N, are refused (exit 2).

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
import shutil
import subprocess
import sys
import threading
import time

from itlib import PageHandler, jload, link_page, small_world, small_world_stop

results = []
DNS = "127.0.11.53"
V4, V6 = "127.0.11.1", "fd6c:7011::1"
V6_EXTRA = ["fd6c:7011::4", "fd6c:7011::5"]  # refuse at once
N_SITES, N = 24, 4
SITES = ["http://s%d.shard.test/" % i for i in range(N_SITES)]
LABEL = "night-2026-12-02"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


def site_links(i, path):
    """The links of page @path of site @i (deterministic: every crawl of
    the world sees the same graph)."""
    if path == "/":
        links = ["/p%d.html" % j for j in range(4)]
        links += ["http://cdn.shard.test/lib%d.js" % (i % 3),
                  "http://cdn.shard.test/common.css",
                  "http://v4.shard.test/x%d" % (i % 4),
                  "http://v6.shard.test/y%d" % (i % 2),
                  "mailto:web@s%d.shard.test" % i]
        if i % 3 == 0:
            links.append("http://broken.shard.test/b%d" % (i % 2))
        if i % 5 == 0:
            links.append("http://dead.shard.test/")
        if i % 4 == 1:  # a link to another site: external here
            links.append(SITES[(i + 1) % N_SITES])
        return links
    m = re.fullmatch(r"/p(\d+)\.html", path)
    if m:
        j = int(m.group(1))
        return ["/p%d/%d.html" % (j, k) for k in range(3)] + \
            ["/", "http://cdn.shard.test/img%d.png" % j]
    return None


class Handler(PageHandler):
    def page(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path
        if T.slow:
            time.sleep(T.slow)
        if T.night == 2 and host == "s1.shard.test" and path == "/p0.html":
            # the second night: a page of site 1 links a broken host
            return link_page(["http://broken.shard.test/n2",
                              "http://v4.shard.test/n2"])
        if path == "/robots.txt":
            return None
        if host.endswith(".shard.test") and host.startswith("s") and \
                host[1:].split(".")[0].isdigit():
            links = site_links(int(host[1:].split(".")[0]), path)
            if links is not None:
                return link_page(links)
            return b"<html><body>leaf</body></html>"
        if host == "cdn.shard.test" and path.endswith(".png"):
            return b"\x89PNG\r\n\x1a\n", "image/png"
        return b"<html><body>elsewhere</body></html>"


def records():
    r = ["s%d.shard.test,%s,%s" % (i, V4, V6) for i in range(N_SITES)]
    r += ["cdn.shard.test,%s,%s" % (V4, V6), "v4.shard.test,%s" % V4,
          "v6.shard.test,%s" % V6, "broken.shard.test,%s,fd6c:7011::4" % V4,
          "dead.shard.test,127.0.11.5,fd6c:7011::5"]
    return r


class T:
    v6crawl = work = None
    night = 1
    slow = 0


def run(args, timeout=300, env=None):
    p = subprocess.run([T.v6crawl] + args, capture_output=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def crawl_args(db, extra=()):
    return ["crawl", "--db", db, "--dns-server", DNS, "--allow-private",
            "--timeout", "3", "--retries", "1", "--quiet",
            "--timing-samples", "0", "--assume-ipv6", "yes"] + list(extra)


def fnv1a(s):
    """FNV-1a 64, written here again: the shard a URL falls in must not
    depend on v6crawl's own code being right."""
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
    return h


def sites_of(db):
    rc, out, err = run(["report", "--db", db, "--format", "json"])
    if rc != 0:
        return None
    return [s["start_url"] for s in jload(out)["sites"]]


def norm(text, *paths):
    """@text without what differs between two stores of one measurement:
    store paths, run ids, times."""
    for p in paths:
        text = text.replace(p, "DB")
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", "TIME", text)
    text = re.sub(r'"(id|run|run_a|run_b)": \d+', r'"\1": N', text)
    text = re.sub(r"\brun \d+", "run N", text)
    text = re.sub(r"after \d+ ms", "after N ms", text)
    text = re.sub(r"#\d+ ", "#N ", text)
    return text


def untimed(obj):
    """@obj (parsed JSON) without what is a time: every *_ms value, the
    delay figures and the score's parts made of them (test_resume does
    the same: timings are never the same twice)."""
    if isinstance(obj, list):
        return [untimed(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {}
    for k, v in obj.items():
        if k.endswith("_ms") or k in ("delay", "timing", "started",
                                      "finished", "checked"):
            continue
        if k in ("id", "run") and isinstance(v, int):
            continue  # run ids: the central store numbers its own
        out[k] = untimed(v)
    if "indicators" in out:
        for k in ("value", "weight_scored", "left_out"):
            out.pop(k, None)
        out["indicators"] = [i for i in out["indicators"]
                             if not i["key"].startswith("delay_")]
    return out


def json_norm(text, db):
    try:
        return norm(json.dumps(untimed(jload(text)), indent=0,
                               sort_keys=True), db)
    except ValueError:
        return "not JSON: " + text[:200]


def csv_norm(text, db):
    rows = list(csv.reader(io.StringIO(norm(text, db))))
    head = rows[0] if rows else []
    keep = [i for i, h in enumerate(head) if not h.endswith("_ms")]
    return "\n".join(",".join(r[i] for i in keep if i < len(r))
                     for r in rows)


def outputs(db, run_id, prev=None):
    """What the reading commands say of run @run_id of @db, normalised."""
    out = {}
    for name, args, how in (
            ("report json", ["report", "--format", "json"], json_norm),
            ("report csv", ["report", "--format", "csv"], csv_norm),
            ("links csv", ["links", "--format", "csv"], csv_norm),
            ("links json", ["links", "--format", "json"], json_norm),
            ("fixes", ["fixes"], norm),
            ("fixes json", ["fixes", "--format", "json"], json_norm),
            ("report --fail-under 60", ["report", "--fail-under", "60"],
             None),
            ("report --fail-under 2", ["report", "--fail-under", "2"],
             None)):
        rc, o, e = run(args[:1] + ["--db", db, "--run", str(run_id)] +
                       args[1:])
        out[name] = (rc, how(o, db) if how else "", norm(e, db))
    rc, o, e = run(["report", "--db", db, "--run", str(run_id), "--format",
                    "html", "--lang", "en"])
    trend = re.findall(r'<svg class="trend".*?</svg>', o, re.S)
    out["html trend"] = (rc, norm("".join(trend), db), str(len(trend)))
    if prev is not None:
        rc, o, e = run(["diff", "--db", db, "--format", "json", str(prev),
                        str(run_id)])
        out["diff json"] = (rc, json_norm(o, db), norm(e, db))
        rc, o, e = run(["diff", "--db", db, "--format", "csv", str(prev),
                        str(run_id)])
        out["diff csv"] = (rc, csv_norm(o, db), norm(e, db))
    return out


def first_diff(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return "line %d:\n  whole: %s\n  merged: %s" % (i + 1, x, y)
    return "lengths %d %d" % (len(la), len(lb))


def compare(what, whole, merged):
    for name in whole:
        w, m = whole[name], merged[name]
        detail = ""
        if w != m:
            detail = "rc %s vs %s; %s" % (
                w[0], m[0], first_diff("\n".join(w[1:]), "\n".join(m[1:])))
        check("%s: %s of the merged run is the whole crawl's"
              % (what, name), w == m, detail)


def runs_json(db):
    rc, out, err = run(["runs", "--db", db, "--format", "json"])
    return jload(out)["runs"] if rc == 0 else None


def merge(central, stores, extra=()):
    return run(["merge", "--db", central] + list(extra) + stores)


def write_sites(path, urls):
    with open(path, "w") as f:
        for u in urls:
            f.write(u + "\tsite " + u.split("/")[2] + "\n")


def test_shards():
    """Four shards cover every site once, each the sites of its hash."""
    sites = os.path.join(T.work, "sites.txt")
    write_sites(sites, SITES)
    stores = []
    for k in range(N):
        db = os.path.join(T.work, "shard%d" % k)
        rc, out, err = run(crawl_args(db, ["--sites", sites, "--shard",
                                           "%d/%d" % (k, N), "--run-label",
                                           LABEL]))
        check("crawl --shard %d/%d exits 0" % (k, N), rc == 0, err)
        stores.append(db)
    got = [sites_of(db) or [] for db in stores]
    want = [[u for u in SITES if fnv1a(u) % N == k] for k in range(N)]
    check("each shard crawled the sites whose FNV-1a hash modulo N is K, "
          "in the list's order", got == want, (got, want))
    flat = sorted(u for g in got for u in g)
    check("the shards together cover every site exactly once",
          flat == sorted(SITES), flat)
    check("no shard is empty (the test's world spreads over all 4)",
          all(got), got)
    # the same shard of the list in another order: the same sites
    rev = os.path.join(T.work, "sites-rev.txt")
    write_sites(rev, list(reversed(SITES)))
    db = os.path.join(T.work, "shard2-rev")
    rc, out, err = run(crawl_args(db, ["--sites", rev, "--shard", "2/4"]))
    check("shard 2/4 of the list reversed has the same sites",
          rc == 0 and sorted(sites_of(db) or []) == sorted(want[2]),
          (rc, err, sites_of(db), want[2]))
    return sites, stores


def crawl_night(sites, label, night):
    """Night @night crawled whole into whole/ and in N shards into
    night<night>-shard<k>/; the shard stores."""
    T.night = night
    whole = os.path.join(T.work, "whole")
    rc, out, err = run(crawl_args(whole, ["--sites", sites, "--run-label",
                                          label]))
    check("night %d: the whole crawl exits 0" % night, rc == 0, err)
    stores = []
    for k in range(N):
        db = os.path.join(T.work, "night%d-shard%d" % (night, k))
        rc, out, err = run(crawl_args(db, ["--sites", sites, "--shard",
                                           "%d/%d" % (k, N), "--run-label",
                                           label]))
        if rc != 0:
            check("night %d: shard %d/%d exits 0" % (night, k, N), False,
                  err)
        stores.append(db)
    return whole, stores


def latest(db):
    r = runs_json(db)
    return r[-1]["id"] if r else None


def test_merge(sites):
    central = os.path.join(T.work, "central")
    whole, st1 = crawl_night(sites, "night-1", 1)
    w1 = latest(whole)
    rc, out, err = merge(central, st1)
    check("merge of night 1's 4 shards exits 0, the run complete",
          rc == 0 and "4 of 4 shards merged, complete" in out, (rc, out, err))
    check("merge names each shard with its sites",
          all(("shard %d/4  %s run 1" % (k, st1[k])) in out
              for k in range(N)), out)
    m1 = latest(central)
    rc, out, err = run(["check", "--db", central])
    check("the merged store passes check", rc == 0, (rc, out, err))
    whole1 = outputs(whole, w1)
    merged1 = outputs(central, m1)
    compare("night 1", whole1, merged1)
    check("the comparison has figures to compare (sites, links, fixes)",
          '"sites": [' in whole1["report json"][1] and
          whole1["links csv"][1].count("\n") > 100 and
          "broken.shard.test" in whole1["fixes"][1], whole1["fixes"])
    # merging again changes nothing
    rc, out, err = merge(central, st1)
    check("merging night 1 again exits 0 and merges nothing again",
          rc == 0 and out.count("merged before") == 4 and
          "4 of 4 shards merged, complete" in out, (rc, out, err))
    check("merging again leaves one merged run and the same figures",
          len(runs_json(central)) == 1 and outputs(central, m1) == merged1)
    rc, out, err = run(["check", "--db", central])
    check("the store still passes check", rc == 0, (rc, out, err))

    # night 2: shard 3 missing, shard 1 killed; then both arrive
    T.night = 2
    whole, st2 = crawl_night(sites, "night-2", 2)
    w2 = latest(whole)
    killed = os.path.join(T.work, "night2-killed")
    # every answer 2 s late: the crawl (3 levels at least) cannot end
    # before it is killed, once its run is in the store
    T.slow = 2
    p = subprocess.Popen([T.v6crawl] + crawl_args(killed, [
        "--sites", sites, "--shard", "1/4", "--run-label", "night-2"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        if os.path.exists(killed) and runs_json(killed):
            break
        time.sleep(0.2)
    p.kill()
    p.wait()
    T.slow = 0
    rc, out, err = merge(central, [st2[0], killed, st2[2]],
                         ["--run-label", "night-2"])
    check("merge with shard 3 missing and shard 1 incomplete exits 8, "
          "naming both",
          rc == 8 and "3 of 4 shards merged, incomplete" in out and
          "missing shard 3/4" in err and "incomplete shard 1/4" in err,
          (rc, out, err))
    runs = runs_json(central)
    check("the merged run of night 2 is incomplete",
          runs and len(runs) == 2 and runs[-1]["complete"] is False, runs)
    rc, out, err = run(["report", "--db", central, "--fail-under", "2"])
    check("report --fail-under on the incomplete merged run exits 6",
          rc == 6, (rc, err))
    rc, out, err = run(["check", "--db", central])
    check("the store with an incomplete merged run passes check", rc == 0,
          (rc, out, err))
    rc, out, err = run(crawl_args(killed, [
        "--sites", sites, "--shard", "1/4", "--run-label", "night-2",
        "--resume"]))
    check("the killed shard is resumed to its end", rc == 0, err)
    rc, out, err = merge(central, st2[:1] + [killed] + st2[2:],
                         ["--run-label", "night-2"])
    check("merge with every shard of night 2 exits 0, complete",
          rc == 0 and "4 of 4 shards merged, complete" in out and
          out.count("merged before") == 2, (rc, out, err))
    m2 = latest(central)
    check("still two merged runs, one a night", len(runs_json(central)) == 2)
    rc, out, err = run(["check", "--db", central])
    check("the merged store passes check after night 2", rc == 0,
          (rc, out, err))
    whole2 = outputs(whole, w2, w1)
    compare("night 2", whole2, outputs(central, m2, m1))
    check("night 2 differs from night 1 (the diff has a change to show)",
          "broken.shard.test/n2" in whole2["diff json"][1],
          whole2["diff json"])

    # refusals: nothing merged
    before = outputs(central, m2, m1)
    again = os.path.join(T.work, "night2-shard1-again")
    rc, out, err = run(crawl_args(again, ["--sites", sites, "--shard", "1/4",
                                          "--run-label", "night-2"]))
    rc, out, err = merge(central, [again], ["--run-label", "night-2"])
    check("another crawl of a shard merged complete is refused (exit 2)",
          rc == 2 and "shard 1/4 was merged before" in err and
          "two shards measured the same sites" in err, (rc, out, err))
    fresh = os.path.join(T.work, "central-dup")
    rc, out, err = merge(fresh, [st2[1], again], ["--run-label", "night-2"])
    check("two stores of the same shard are refused (exit 2), naming both",
          rc == 2 and "are both shard 1/4" in err and st2[1] in err and
          again in err, (rc, out, err))
    check("a refused merge makes no run", not runs_json(fresh))
    other = os.path.join(T.work, "night2-of2")
    rc, out, err = run(crawl_args(other, ["--sites", sites, "--shard", "0/2",
                                          "--run-label", "night-2"]))
    rc, out, err = merge(fresh, [st2[0], other], ["--run-label", "night-2"])
    check("a shard of another N is refused (exit 2)",
          rc == 2 and "0/2" in err and "nothing merged" in err,
          (rc, out, err))
    rc, out, err = merge(central, st2, ["--run-label", "night-9"])
    check("a night no shard has is refused (exit 2)",
          rc == 2 and "night-9" in err, (rc, out, err))
    check("after the refusals the merged runs are as they were",
          outputs(central, m2, m1) == before)


def test_bad_args():
    for bad in ("4/4", "1", "-1/4", "1/0", "a/4", "1/4x", "0/10001"):
        rc, out, err = run(crawl_args(os.path.join(T.work, "bad"),
                                      ["--shard", bad, SITES[0]]))
        check("--shard %s is refused (exit 2)" % bad,
              rc == 2 and "--shard" in err, (rc, err))
    for bad in ("", "a\tb", "x" * 201):
        rc, out, err = run(crawl_args(os.path.join(T.work, "bad"),
                                      ["--run-label", bad, SITES[0]]))
        check("--run-label %r is refused (exit 2)" % bad[:12],
              rc == 2 and "--run-label" in err, (rc, err))
    check("nothing was crawled for a refused option",
          not os.path.exists(os.path.join(T.work, "bad")))


def test_empty_shard():
    """A shard with no site of the list is a run of 0 sites, and merges."""
    one = os.path.join(T.work, "one.txt")
    write_sites(one, SITES[:1])
    k = fnv1a(SITES[0]) % 2
    stores = []
    for j in (k, 1 - k):
        db = os.path.join(T.work, "one-shard%d" % j)
        rc, out, err = run(crawl_args(db, ["--sites", one, "--shard",
                                           "%d/2" % j, "--run-label", "one"]))
        stores.append(db)
        n = 1 if j == k else 0
        check("a list of 1 site: shard %d/2 exits 0 with %d site%s"
              % (j, n, "" if n == 1 else "s"),
              rc == 0 and err == "" and
              sites_of(db) == (SITES[:1] if n else []), (rc, err))
    central = os.path.join(T.work, "one-central")
    rc, out, err = merge(central, stores)
    check("the empty shard merges: 2 of 2 shards, complete, 1 site",
          rc == 0 and "2 of 2 shards merged, complete" in out and
          sites_of(central) == SITES[:1], (rc, out, err))


def world_up():
    """This test's world (the docstring's): what world_down takes."""
    for a in [V6] + V6_EXTRA:
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], check=False)
    subprocess.run(["ip", "addr", "add", "127.0.11.1/32", "dev", "lo"],
                   check=False, stderr=subprocess.DEVNULL)
    # a listen backlog for a crawl's 32 connections at once (socketserver's
    # 5 drops SYNs under load: a 1 s retransmit, or a connect timeout)
    http.server.ThreadingHTTPServer.request_queue_size = 128
    # small_world serves on its DNS address and V6; the sites' IPv4 is V4
    world = small_world(T.work, DNS, V6, records(), Handler)
    srv4 = http.server.ThreadingHTTPServer((V4, 80), Handler)
    threading.Thread(target=srv4.serve_forever, daemon=True).start()
    return world, srv4


def world_down(w):
    world, srv4 = w
    srv4.shutdown()
    small_world_stop(world)
    for a in [V6] + V6_EXTRA:
        subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev", "lo"],
                       check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    world = world_up()
    try:
        test_bad_args()
        sites, _ = test_shards()
        test_empty_shard()
        test_merge(sites)
    finally:
        world_down(world)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
