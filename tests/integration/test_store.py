#!/usr/bin/python3
"""The store under damage, maintenance during crawls, and a store the user
may read but not write, against a small site of this test's own on
127.0.8.1 (an IP literal: no DNS is asked; nothing leaves the suite's
network namespace).

    test_store.py --world DIR --work DIR --v6crawl PATH

1. Damage (issue 9): a store of one complete crawl is copied and damaged:
   data.mdb truncated to half and to 8 KB, one page overwritten with
   random bytes (several seeds), five pages with random bytes at random
   places (several seeds). `runs`, `report`, `links` and `check` must
   never die of a signal; each either exits 3 with exactly one line on
   stderr, or exits 0 with exactly the output of the undamaged store
   (damage in a page LMDB no longer uses changes nothing): never exit 0
   with other figures.
2. Maintenance during crawls (issue 10): a crawl is held in the middle
   (the server holds one page until the test lets it go) while
   `prune --keep 1 --compact` runs: the compaction is refused (exit 3,
   one line), and the crawl's figures are exact. Then two overlapping
   crawls: `prune --keep 1` while the older is held keeps it ("a crawl is
   still writing it"), it completes with exact figures and `check` finds
   no orphan.
3. A store of root's read by uid 65534 (issue 11): report and runs give
   exactly root's output; prune is refused with one line.

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import http.server
import json
import os
import random
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

import itlib
from itlib import PageHandler

results = []
HOST = "127.0.8.1"
FREE_PORT, HELD_PORT = 8091, 8092
N2, M = 6, 20  # level-2 pages (plus /held/), level-3 links per page
NOBODY = 65534


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - %s" if cond else "not ok - %s: " + str(detail)[:3000])
          % name)
    sys.stdout.flush()
    return bool(cond)


class Gate:
    """Holds every request for /held/ on the held port until opened."""

    def __init__(self):
        self.hit = threading.Event()
        self.open = threading.Event()


GATE = Gate()


class Handler(PageHandler):
    protocol_version = "HTTP/1.0"

    def page(self):
        p = self.path
        if p == "/":
            links = ["/p%d/" % i for i in range(N2)] + ["/held/"]
        elif p == "/held/" or (p.startswith("/p") and p.endswith("/") and
                               p.count("/") == 2):
            if p == "/held/" and self.server.server_address[1] == HELD_PORT:
                GATE.hit.set()
                GATE.open.wait(120)
            links = ["%sq%d.html" % (p, j) for j in range(M)]
        elif p.endswith(".html"):
            links = []
        else:
            return None
        return ("<html><body>%s</body></html>" % "".join(
            '<a href="%s">l</a>' % u for u in links)).encode()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_servers():
    for port in (FREE_PORT, HELD_PORT):
        srv = Server((HOST, port), Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()


class Run:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def json(self):
        try:
            return itlib.jload(self.out)
        except ValueError:
            return None

    def lines(self):
        return [x for x in self.err.splitlines() if x.strip()]

    def why(self):
        return "exit %s, stderr: %s, stdout: %s" % (
            self.rc, self.err.strip()[-1500:], self.out.strip()[:1500])


def v6crawl(args, timeout=240, user=None, env=None):
    cmd = [OPTS.v6crawl] + args
    if user is not None:
        cmd = ["setpriv", "--reuid", str(user), "--regid", str(user),
               "--clear-groups"] + cmd
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        return Run("timeout", "", "")
    return Run(p.returncode, p.stdout.decode(errors="replace"),
               p.stderr.decode(errors="replace"))


def crawl_args(db, port):
    return ["crawl", "--db", db, "--dns-server", "127.0.0.1:5353",
            "--allow-private", "--timeout", "60", "--retries", "1",
            "--quiet", "http://%s:%d/" % (HOST, port)]


def crawl_bg(db, port):
    return subprocess.Popen([OPTS.v6crawl] + crawl_args(db, port),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def levels(db, run):
    """(level-2 links, level-3 links) of run @run's one site, all."""
    r = v6crawl(["report", "--db", db, "--run", str(run), "--format",
                 "json"])
    j = r.json()
    if r.rc != 0 or not j:
        return None
    lv = j["sites"][0]["levels"]
    return (lv["2"]["all"]["links"], lv["3"]["all"]["links"])


WANT = (N2 + 1, (N2 + 1) * M)


def run_ids(db):
    j = v6crawl(["runs", "--db", db, "--format", "json"]).json() or {}
    return [(x["id"], x["complete"]) for x in j.get("runs", [])]


# ---------------------------------------------------------------------------
# 1. damage

def read_cmds(db):
    return {
        "runs": ["runs", "--db", db, "--format", "json"],
        "report": ["report", "--db", db, "--format", "json"],
        "links": ["links", "--db", db, "--format", "csv"],
    }


def page_size(path):
    with open(path, "rb") as f:
        head = f.read(64)
    return int.from_bytes(head[40:44], sys.byteorder)


def damage_case(name, pristine, base, damage):
    """Copy @base, apply @damage(path of data.mdb), run the reading
    commands and check; returns how many exited 3."""
    d = os.path.join(OPTS.work, "dmg-" + name.replace(" ", "-"))
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    damage(os.path.join(d, "data.mdb"))
    bad, refused = [], 0
    for cmd, args in read_cmds(d).items():
        r = v6crawl(args, timeout=60)
        if r.rc == 3 and len(r.lines()) == 1:
            refused += 1
        elif not (r.rc == 0 and r.out == pristine[cmd]):
            bad.append("%s: %s" % (cmd, r.why()))
    c = v6crawl(["check", "--db", d], timeout=60)
    # check finds what the commands found, and says so in one line
    if not ((c.rc == 0 and refused == 0 and not c.lines()) or
            (c.rc == 3 and len(c.lines()) == 1)):
        bad.append("check: %s" % c.why())
    check("damage %s: every command exits 3 with one line or 0 with the "
          "undamaged output, never a signal (%d of 3 refused, check exit "
          "%s)" % (name, refused, c.rc), not bad, " || ".join(bad))
    shutil.rmtree(d, ignore_errors=True)
    return refused, c.rc


def test_damage():
    base = os.path.join(OPTS.work, "base")
    r = v6crawl(crawl_args(base, FREE_PORT))
    check("the store to damage is crawled (exit 0)", r.rc == 0, r.why())
    check("its figures are exact: %d level-2 and %d level-3 links" % WANT,
          levels(base, 1) == WANT, levels(base, 1))
    pristine = {}
    for cmd, args in read_cmds(base).items():
        p = v6crawl(args)
        pristine[cmd] = p.out
        check("undamaged: %s exits 0" % cmd, p.rc == 0 and p.out, p.why())
    c = v6crawl(["check", "--db", base])
    check("undamaged: check says sound (exit 0)",
          c.rc == 0 and "is sound" in c.out and " 0 damaged, 0 dangling, "
          "0 orphans" in c.out, c.why())
    mdb = os.path.join(base, "data.mdb")
    size, ps = os.path.getsize(mdb), page_size(mdb)
    npages = size // ps
    check("the store has pages to damage (%d of %d bytes)" % (npages, ps),
          npages >= 8, size)

    def trunc(n):
        return lambda p: os.truncate(p, n)

    for name, n in (("truncated to half", size // 2),
                    ("truncated to 8 KB", 8192)):
        refused, crc = damage_case(name, pristine, base, trunc(n))
        check("%s: all three commands and check refuse it (exit 3)" % name,
              refused == 3 and crc == 3, (refused, crc))

    def pages(seed, count, whole):
        def go(p):
            rnd = random.Random(seed)
            with open(p, "r+b") as f:
                for pg in rnd.sample(range(2, npages), count):
                    if whole:
                        f.seek(pg * ps)
                        f.write(bytes(rnd.getrandbits(8) for _ in range(ps)))
                    else:
                        for _ in range(16):
                            f.seek(pg * ps + rnd.randrange(ps))
                            f.write(bytes([rnd.getrandbits(8)]))
        return go

    total = 0
    for seed in range(10):
        refused, _ = damage_case("random page seed %d" % seed, pristine,
                                 base, pages(seed, 1, True))
        total += refused
    for seed in range(10):
        refused, _ = damage_case("five pages seed %d" % seed, pristine,
                                 base, pages(100 + seed, 5, False))
        total += refused
    check("damage is found, not only survived (%d refusals of 60)" % total,
          total >= 20, total)


# ---------------------------------------------------------------------------
# 2. maintenance during crawls

def held_crawl(db):
    GATE.hit.clear()
    GATE.open.clear()
    p = crawl_bg(db, HELD_PORT)
    if not GATE.hit.wait(120):
        check("the held crawl reaches /held/", False, "no request in 120 s")
    return p


def finish(p):
    GATE.open.set()
    try:
        out, err = p.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return Run("timeout", "", "")
    return Run(p.returncode, out.decode(errors="replace"),
               err.decode(errors="replace"))


def test_maintenance():
    db = os.path.join(OPTS.work, "live")
    r = v6crawl(crawl_args(db, FREE_PORT))
    check("run 1 crawled", r.rc == 0, r.why())

    # prune --keep 1 --compact during a crawl
    p = held_crawl(db)
    time.sleep(0.5)
    pc = v6crawl(["prune", "--db", db, "--keep", "1", "--compact"])
    check("prune --compact during a crawl is refused: exit 3, one line "
          "naming the crawl",
          pc.rc == 3 and len(pc.lines()) == 1 and "crawl" in pc.err and
          "deleted run 1" in pc.out and "compacted" not in pc.out, pc.why())
    fr = finish(p)
    check("the crawl held during prune --compact completes (exit 0)",
          fr.rc == 0, fr.why())
    check("its figures are exact after the refused compaction: %d level-2 "
          "and %d level-3 links" % WANT, levels(db, 2) == WANT,
          levels(db, 2))
    check("runs: only run 2, complete", run_ids(db) == [(2, True)],
          run_ids(db))
    pc = v6crawl(["prune", "--db", db, "--keep", "1", "--compact"])
    check("prune --compact with no crawl compacts (exit 0)",
          pc.rc == 0 and "compacted" in pc.out, pc.why())
    check("figures unchanged by the compaction", levels(db, 2) == WANT,
          levels(db, 2))

    # two overlapping crawls: prune --keep 1 while the older still runs
    a = held_crawl(db)
    b = v6crawl(crawl_args(db, FREE_PORT))
    check("the second crawl completes while the first is held",
          b.rc == 0, b.why())
    ids = run_ids(db)
    check("runs: 2 complete, 3 running (incomplete), 4 complete",
          ids == [(2, True), (3, False), (4, True)], ids)
    pr = v6crawl(["prune", "--db", db, "--keep", "1"])
    check("prune --keep 1 deletes run 2, keeps run 3 (still crawled) and 4",
          pr.rc == 0 and "deleted run 2" in pr.out and
          "kept run 3: a crawl is still writing it" in pr.out and
          "deleted run 3" not in pr.out and "kept 2 runs" in pr.out,
          pr.why())
    pj = v6crawl(["prune", "--db", db, "--keep", "1", "--dry-run",
                  "--format", "json"])
    check("prune --dry-run --format json names run 3 running",
          pj.rc == 0 and {k: v for k, v in pj.json().items()
                          if k not in ("schema_version", "generator")} ==
          {"document": "prune", "deleted": [], "kept": [3, 4],
           "running": [3], "dry_run": True, "compacted": False}, pj.why())
    fa = finish(a)
    check("the held crawl completes after the prune (exit 0)",
          fa.rc == 0, fa.why())
    check("run 3's figures are exact: %d level-2 and %d level-3 links"
          % WANT, levels(db, 3) == WANT, levels(db, 3))
    check("run 4's figures are exact", levels(db, 4) == WANT, levels(db, 4))
    c = v6crawl(["check", "--db", db])
    check("check: sound, no orphans (exit 0)",
          c.rc == 0 and " 0 orphans" in c.out and "is sound" in c.out,
          c.why())

    # an interrupted crawl (killed) is not running: prune may delete it
    k = held_crawl(db)
    k.kill()
    k.wait()
    GATE.open.set()
    ids = run_ids(db)
    check("a killed crawl leaves run 5 incomplete",
          ids == [(3, True), (4, True), (5, False)], ids)
    pr = v6crawl(["prune", "--db", db, "--keep", "2"])
    check("prune --keep 2 deletes run 3 and keeps 4 and the interrupted 5",
          pr.rc == 0 and "deleted run 3" in pr.out and
          "still writing" not in pr.out, pr.why())
    pr = v6crawl(["prune", "--db", db, "--keep", "1"])
    check("prune --keep 1 deletes run 4: the newest run is kept even if "
          "interrupted", pr.rc == 0 and "deleted run 4" in pr.out, pr.why())
    c = v6crawl(["check", "--db", db])
    check("check after the prunes: sound (exit 0)", c.rc == 0, c.why())


# ---------------------------------------------------------------------------
# 3. a store the user may read but not write

def test_readonly():
    src = os.path.join(OPTS.work, "base")
    top = tempfile.mkdtemp(prefix="v6crawl-ro.")
    try:
        os.chmod(top, 0o755)
        db = os.path.join(top, "db")
        shutil.copytree(src, db)
        os.chmod(db, 0o755)
        for f in os.listdir(db):
            os.chmod(os.path.join(db, f), 0o644)
        # the data files where uid 65534 can read them too (the build tree
        # may be in a directory only root can enter)
        top_src = os.environ.get("TOP_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        data = os.path.join(top, "data")
        shutil.copytree(os.path.join(top_src, "data"), data)
        os.chmod(data, 0o755)
        for f in os.listdir(data):
            os.chmod(os.path.join(data, f), 0o644)
        env = {"V6CRAWL_DATA_DIR": data}
        mine = {k: v6crawl(a, env=env) for k, a in read_cmds(db).items()}
        for cmd, args in read_cmds(db).items():
            r = v6crawl(args, user=NOBODY, env=env)
            check("uid %d: %s of root's store exits 0 with root's output"
                  % (NOBODY, cmd),
                  r.rc == 0 and r.out and r.out == mine[cmd].out, r.why())
        c = v6crawl(["check", "--db", db], user=NOBODY, env=env)
        check("uid %d: check of root's store says sound" % NOBODY,
              c.rc == 0 and "is sound" in c.out, c.why())
        pr = v6crawl(["prune", "--db", db, "--keep", "1"], user=NOBODY)
        check("uid %d: prune is refused with one line (exit 3)" % NOBODY,
              pr.rc == 3 and len(pr.lines()) == 1, pr.why())
        check("the read-only readers left nothing behind in the store",
              sorted(os.listdir(db)) == sorted(os.listdir(src)),
              os.listdir(db))
    finally:
        shutil.rmtree(top, ignore_errors=True)


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    OPTS = ap.parse_args()
    os.makedirs(OPTS.work, exist_ok=True)
    start_servers()
    test_damage()
    test_maintenance()
    test_readonly()
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
