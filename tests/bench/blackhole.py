#!/usr/bin/python3
"""The blackholed-AAAA figure: a site with 60 links on a host whose AAAA
address drops every packet (IPv4 works), crawled with the breaker (the
default) and without it (--breaker 0, the slow way), both with
--connect-timeout 1. Prints the wall time of each and the class counts,
which must agree. Needs root in a private network namespace (bench.sh
runs it there); the world is tests/integration/test_blackhole.py's.

    blackhole.py --v6crawl PATH --work DIR
"""

import argparse
import collections
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import test_blackhole as tb  # noqa: E402


def one(o, db, extra):
    rc, _, err, secs = tb.run(tb.crawl_args(o, db, ["a6"], extra))
    got = collections.Counter(tb.classes(tb.links(o, db), "a6"))
    return rc, secs, dict(got), err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--v6crawl", required=True)
    ap.add_argument("--work", required=True)
    o = ap.parse_args()
    os.makedirs(o.work, exist_ok=True)
    pid, srvs, rc = None, [], 0
    try:
        tb.ip("link", "set", "lo", "up")
        tb.blackhole_up()
        pid = tb.dnsmasq(o.work)
        srvs = [tb.serve(tb.Web4, tb.WEB4), tb.serve(tb.Web6, tb.WEB6)]
        print("blackholed AAAA, 60 links, --connect-timeout 1:")
        rows = [("breaker (default)", []), ("breaker off", ["--breaker", "0"])]
        seen = []
        for label, extra in rows:
            r, secs, got, err = one(o, "db-" + str(len(seen)),
                                    ["--connect-timeout", "1"] + extra)
            seen.append(got)
            print("  %-18s %6.1f s  %s%s" % (label, secs, got,
                                             "" if r == 0 else
                                             "  (exit %d: %s)" % (r, err)))
            rc = rc or r
        if seen[0] != seen[1]:
            print("  the classes differ!")
            rc = 1
    finally:
        for s in srvs:
            s.shutdown()
            s.server_close()
        if pid:
            os.kill(pid, signal.SIGTERM)
        tb.blackhole_down()
    return rc


if __name__ == "__main__":
    sys.exit(main())
