#!/usr/bin/python3
"""The dedicated timing requests: the homepage delay (IPv6 against IPv4,
fresh connections, alternating, medians with a 1 ms resolution floor) and
the CDN performance rule (IPv6 at least 85% of IPv4 in first byte and
throughput, per provider and per host).

Everything is this test's own, on 127.0.2.0/24 and fd6c:7002::/64 inside
the suite's network namespace:
  127.0.2.53:53   dnsmasq, authoritative for every name (no upstream)
  nginx           same.timing.test   127.0.2.1 and fd6c:7002::1
                  slow.timing.test   127.0.2.2 (IPv4 only: see below)
                  cdn.timing.test    127.0.2.5 and fd6c:7002::5
                  img.timing.kunlunca.com     127.0.2.3 (IPv4 only)
                  fast.timing.cdn.dnsv1.com   127.0.2.4 and fd6c:7002::4
  proxies         fd6c:7002::2 -> 127.0.2.2 waiting 80 ms after accepting
                  and before each chunk back (slow's IPv6 path);
                  fd6c:7002::3 -> 127.0.2.3 waiting 30 ms after accepting, then
                  sending back at most 4 MB/s (the Alibaba CDN host's
                  IPv6 path)
  img.cdn.timing.test  CNAME img.timing.kunlunca.com  (Alibaba Cloud CDN)
  fast.cdn.timing.test CNAME fast.timing.cdn.dnsv1.com (Tencent Cloud CDN)

    test_timing.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

import itlib

results = []
DNS = "127.0.2.53"
V4 = "127.0.2.%d"
V6 = "fd6c:7002::%d"
RUNS = 10
SAMPLES = 7
PERF_SAMPLES = 6
BIG = 2 * 1024 * 1024
THROTTLE = 4 * 1024 * 1024  # bytes per second
DELAY = 0.08
ACCEPT_DELAY = 0.03  # the throttled path's first byte: 30 ms later


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - " + name if cond else
          "not ok - %s: %s" % (name, str(detail)[:3000]))
    sys.stdout.flush()


def pump(src, dst, delay=0.0, rate=0):
    try:
        while True:
            b = src.recv(16384)
            if not b:
                break
            if delay:
                time.sleep(delay)
            dst.sendall(b)
            if rate:
                time.sleep(len(b) / rate)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def proxy(listen, upstream, delay=0.0, rate=0, accept_delay=0.0):
    """A TCP proxy on [@listen]:80 to @upstream:80: @delay seconds after
    accepting and before each chunk back, or @accept_delay seconds after
    accepting and at most @rate bytes/s back."""
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((listen, 80))
    ls.listen(64)

    def serve(c):
        if delay or accept_delay:
            time.sleep(delay or accept_delay)
        try:
            u = socket.create_connection((upstream, 80))
        except OSError:
            c.close()
            return
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        pump(u, c, delay, rate)
        c.close()
        u.close()

    def loop():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return ls


def nginx(work):
    www = os.path.join(work, "www")
    for site, body in (("home", b'<html><body>home</body></html>'),
                       ("cdn", b'<html><body>'
                        b'<a href="http://img.cdn.timing.test/big1.bin">1</a>'
                        b'<a href="http://img.cdn.timing.test/big2.bin">2</a>'
                        b'<a href="http://fast.cdn.timing.test/big1.bin">3</a>'
                        b'<a href="http://fast.cdn.timing.test/big2.bin">4</a>'
                        b'</body></html>')):
        os.makedirs(os.path.join(www, site), exist_ok=True)
        with open(os.path.join(www, site, "index.html"), "wb") as f:
            f.write(body)
        for i in (1, 2):
            with open(os.path.join(www, site, "big%d.bin" % i), "wb") as f:
                f.write(bytes([65 + i]) * BIG)
    listen = ["%s:80" % (V4 % n) for n in (1, 2, 3, 4, 5)] + \
        ["[%s]:80" % (V6 % n) for n in (1, 4, 5)]
    itlib.nginx(work, [
        "  default_type application/octet-stream;",
        "  types { text/html html; }",
        "  server {"] + ["    listen %s;" % a for a in listen] + [
        "    server_name cdn.timing.test;",
        "    root %s/cdn;" % www, "  }",
        "  server {"] + ["    listen %s default_server;" % a
                         for a in listen] + [
        "    root %s/home;" % www, "  }"], "test_timing")


def dnsmasq(work):
    pid = os.path.join(work, "dnsmasq.pid")
    recs = ["--host-record=same.timing.test,%s,%s" % (V4 % 1, V6 % 1),
            "--host-record=slow.timing.test,%s,%s" % (V4 % 2, V6 % 2),
            "--host-record=cdn.timing.test,%s,%s" % (V4 % 5, V6 % 5),
            "--host-record=img.timing.kunlunca.com,%s,%s" % (V4 % 3, V6 % 3),
            "--host-record=fast.timing.cdn.dnsv1.com,%s,%s"
            % (V4 % 4, V6 % 4),
            "--cname=img.cdn.timing.test,img.timing.kunlunca.com",
            "--cname=fast.cdn.timing.test,fast.timing.cdn.dnsv1.com"]
    args = ["dnsmasq", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--port=53", "--listen-address=" + DNS, "--bind-interfaces",
            "--user=root", "--group=", "--pid-file=" + pid, "--no-negcache",
            "--local=/#/", "--log-queries",
            "--log-facility=%s/dnsmasq.log" % work] + recs
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("test_timing: dnsmasq failed: " + r.stderr)
    for _ in range(50):
        if os.path.exists(pid) and open(pid).read().strip():
            return int(open(pid).read())
        time.sleep(0.1)
    sys.exit("test_timing: dnsmasq wrote no pid file")


def crawl(o, db, samples, depth, *urls):
    p = subprocess.run([o.v6crawl, "crawl", "--db", os.path.join(o.work, db),
                        "--dns-server", DNS, "--allow-private",
                        "--assume-ipv6", "yes", "--depth", str(depth),
                        "--timing-samples", str(samples), "--timeout", "20",
                        "--retries", "0", "--quiet"] + list(urls),
                       capture_output=True, timeout=300)
    return p.returncode, p.stderr.decode(errors="replace")


def report(o, db, fmt="json"):
    r = subprocess.run([o.v6crawl, "report", "--db", os.path.join(o.work, db),
                        "--format", fmt] +
                       (["--lang", "en"] if fmt == "html" else []),
                       capture_output=True, text=True)
    if fmt != "json":
        return r.stdout + r.stderr
    try:
        return {s["start_url"]: s for s in itlib.jload(r.stdout)["sites"]}
    except (ValueError, KeyError):
        return {"error": r.stdout + r.stderr}


def timing_ok(t, n):
    """Every family asked and answered @n times, every time metric of a
    plain http request counted @n times (no TLS here)."""
    return (t.get("samples") == n and t.get("ok") == {"v6": n, "v4": n} and
            all(t[k]["v6"]["n"] == n and t[k]["v4"]["n"] == n
                for k in ("dns", "connect", "first_byte", "total")) and
            t["tls"]["v6"]["n"] == 0)


def part_a(o):
    same, slow = "http://same.timing.test/", "http://slow.timing.test/"
    verdicts = {same: [], slow: []}
    bad, seen = [], {same: [], slow: []}
    for run in range(RUNS):
        # one site a crawl: the slow path's proxy threads never run
        # beside the identical path's samples
        for url in (same, slow):
            db = "a%d-%s" % (run, url.split("/")[2].split(".")[0])
            rc, err = crawl(o, db, SAMPLES, 1, url)
            s = report(o, db).get(url) or {}
            d, t = s.get("delay") or {}, s.get("timing") or {}
            verdicts[url].append((d.get("pass"), t.get("pass"),
                                  t.get("first_byte", {}).get("pass")))
            seen[url].append(t)
            if (rc != 0 or d.get("method") != "timing" or
                    d.get("connect_ratio") is None or
                    not timing_ok(t, SAMPLES) or
                    t.get("object") != url):
                bad.append((run, url, rc, err, d, t))
    check("%d runs: exit 0, delay from %d timing samples per family, the "
          "connect ratio never null" % (RUNS, SAMPLES), not bad, bad[:2])
    check("identical paths pass in each of %d runs" % RUNS,
          verdicts[same] == [(True, True, True)] * RUNS,
          [t for v, t in zip(verdicts[same], seen[same])
           if v != (True, True, True)])
    check("a path 80 ms slower over IPv6 fails in each of %d runs "
          "(first byte)" % RUNS,
          verdicts[slow] == [(False, False, False)] * RUNS,
          [t for v, t in zip(verdicts[slow], seen[slow])
           if v != (False, False, False)])
    fb = (report(o, "a0-slow").get(slow) or {}).get("timing", {}).get(
        "first_byte", {})
    check("the slow path's IPv6 first byte is at least 80 ms above IPv4's",
          fb and fb["v6"]["median"] - fb["v4"]["median"] >= 80, fb)
    text = report(o, "a0-same", "text") + report(o, "a0-slow", "text")
    check("the text report shows the sample count and the spread",
          "%s: %s, %d samples per family (ok v6 %d, v4 %d): pass"
          % (same, same, SAMPLES, SAMPLES, SAMPLES) in text and
          "%s: %s, %d samples per family (ok v6 %d, v4 %d): FAIL"
          % (slow, slow, SAMPLES, SAMPLES, SAMPLES) in text and
          "IQR" in text and "min-max" in text, text)
    html = report(o, "a0-same", "html")
    check("the HTML report shows the timing with its sample count",
          ": %d requests per family (%d samples)" % (SAMPLES, SAMPLES)
          in html and "IQR" in html, html[-3000:])
    # the default is 10 samples; 0 makes none
    rc, err = crawl(o, "a-default", 10, 1, same)
    t = (report(o, "a-default").get(same) or {}).get("timing") or {}
    check("--timing-samples 10 makes 10 per family", rc == 0 and
          timing_ok(t, 10), t)
    rc, err = crawl(o, "a-none", 0, 1, same)
    s = report(o, "a-none").get(same) or {}
    check("--timing-samples 0 makes none (timing null, method probes)",
          rc == 0 and s.get("timing", "absent") is None and
          (s.get("delay") or {}).get("method") == "probes", s)


def part_b(o):
    url = "http://cdn.timing.test/"
    rc, err = crawl(o, "b", PERF_SAMPLES, 2, url)
    s = report(o, "b").get(url) or {}
    perf = s.get("cdn_performance")
    got = {}
    for p in perf or []:
        for h in p.get("hosts", []):
            got[h["host"]] = (p["provider"], p["pass"], h["pass"],
                              h.get("first_byte", {}).get("pass"),
                              h.get("throughput", {}).get("pass"),
                              h.get("samples"), h.get("objects"))
    objs = lambda host: "http://%s/big1.bin\nhttp://%s/big2.bin\n" % (host,
                                                                      host)
    want = {"img.cdn.timing.test": ("Alibaba Cloud CDN", False, False, False,
                                    False, PERF_SAMPLES,
                                    objs("img.cdn.timing.test")),
            "fast.cdn.timing.test": ("Tencent Cloud CDN", True, True, True,
                                     True, PERF_SAMPLES,
                                     objs("fast.cdn.timing.test"))}
    check("crawl of the CDN site exits 0", rc == 0, err)
    check("per provider and host: the IPv6-throttled Alibaba host fails "
          "on first byte and throughput, the Tencent host passes both", got == want,
          json.dumps(perf))
    img = [h for p in perf or [] for h in p["hosts"]
           if h["host"] == "img.cdn.timing.test"]
    tp = img[0]["throughput"] if img else {}
    check("the throttled host's IPv6 throughput is at most 4 MB/s and "
          "below 85% of IPv4's", tp and tp["v6"]["median"] <= THROTTLE and
          tp["share"] < 0.85 and tp["v6"]["n"] == PERF_SAMPLES, tp)
    text = report(o, "b", "text")
    check("the text report has the CDN performance lines",
          "%s: Alibaba Cloud CDN: FAIL" % url in text and
          "%s: Tencent Cloud CDN: pass" % url in text and
          "%d samples" % PERF_SAMPLES in text, text)
    html = report(o, "b", "html")
    check("the HTML report has the CDN performance table",
          "CDN performance (IPv6 at least 85% of IPv4)" in html and
          "<tr><th>Alibaba Cloud CDN</th><td></td><td></td><td></td>"
          "<td><b>fail</b></td></tr>" in html and
          "<tr><th>Tencent Cloud CDN</th><td></td><td></td><td></td>"
          "<td>pass</td></tr>" in html and
          "<td>%d samples</td>" % PERF_SAMPLES in html, html[-3000:])
    log = open(os.path.join(o.work, "access.log")).read()
    check("nginx served every big object", "big2.bin" in log, log[-500:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    os.makedirs(o.work, exist_ok=True)
    addrs = [V6 % n for n in (1, 2, 3, 4, 5)]
    for a in addrs:
        subprocess.run(["ip", "-6", "addr", "add", a + "/128", "dev", "lo",
                        "nodad"], capture_output=True)
    pid = None
    try:
        pid = dnsmasq(o.work)
        nginx(o.work)
        proxy(V6 % 2, V4 % 2, delay=DELAY)
        proxy(V6 % 3, V4 % 3, rate=THROTTLE, accept_delay=ACCEPT_DELAY)
        part_a(o)
        part_b(o)
        log = open(os.path.join(o.work, "dnsmasq.log")).read()
        check("nothing was asked of an upstream server",
              "forwarded" not in log, log[-500:])
    finally:
        if pid:
            os.kill(pid, 15)
        itlib.nginx_stop(o.work)
        for a in addrs:
            subprocess.run(["ip", "-6", "addr", "del", a + "/128", "dev",
                            "lo"], capture_output=True)
    print("%d passed, %d failed" % (results.count(True),
                                    results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
