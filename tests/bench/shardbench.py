#!/usr/bin/python3
"""The body of tests/bench/shard.sh, inside its network namespace: make
the sites, serve them, crawl 1 shard vs N shards, merge, print a table.

Each site s<i>.sbench.test (A 127.0.11.1, AAAA fd6c:7011::1, one nginx
for all) has a homepage of 6 level-2 pages, each with 6 level-3 links,
plus links to a shared dual-stack host, an IPv4-only host and a host
whose IPv6 refuses: about 50 probed links a site.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
V4, V6, DNS = "127.0.11.1", "fd6c:7011::1", "127.0.11.53"


def page(links):
    return "<html><body>%s</body></html>\n" % "".join(
        '<a href="%s">l</a>' % u for u in links)


def make(work, n):
    root = os.path.join(work, "root")
    os.makedirs(os.path.join(root, "p"))
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write(page(["/p%d.html" % j for j in range(6)] +
                     ["http://cdn.xbench.test/a.css",
                      "http://v4.xbench.test/x", "http://broken.xbench.test/y",
                      "mailto:web@example.test"]))
    for j in range(6):
        with open(os.path.join(root, "p%d.html" % j), "w") as f:
            f.write(page(["/p/%d-%d.html" % (j, k) for k in range(6)] +
                         ["/", "http://cdn.xbench.test/i%d.png" % j]))
        for k in range(6):
            with open(os.path.join(root, "p", "%d-%d.html" % (j, k)),
                      "w") as f:
                f.write(page(["/"]))
    ngx = os.path.join(work, "nginx")
    os.makedirs(os.path.join(ngx, "logs"))
    user = "user root;\n" if os.getuid() == 0 else ""
    with open(os.path.join(ngx, "nginx.conf"), "w") as f:
        f.write("""%sworker_processes 1;
pid %s/nginx.pid;
error_log %s/logs/error.log warn;
events { worker_connections 1000; }
http {
    default_type text/html;
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path %s/tmp;
    server {
        listen %s:80; listen [%s]:80;
        root %s;
        location / { try_files $uri $uri/index.html /index.html; }
    }
}
""" % (user, ngx, ngx, ngx, V4, V6, root))
    os.makedirs(os.path.join(ngx, "tmp"))
    with open(os.path.join(work, "sites.txt"), "w") as f:
        for i in range(n):
            f.write("http://s%d.sbench.test/\tsite %d\n" % (i, i))
    return ngx


def up(work, ngx):
    subprocess.run(["ip", "-6", "addr", "add", V6 + "/128", "dev", "lo",
                    "nodad"], check=True)
    subprocess.run(["ip", "-6", "addr", "add", "fd6c:7011::4/128", "dev",
                    "lo", "nodad"], check=True)
    for a in (V4, DNS):
        subprocess.run(["ip", "addr", "add", a + "/32", "dev", "lo"],
                       check=False, stderr=subprocess.DEVNULL)
    subprocess.run(["nginx", "-p", ngx, "-c", os.path.join(ngx,
                                                           "nginx.conf")],
                   check=True)
    dns = subprocess.Popen([
        "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--port=53", "--bind-interfaces",
        "--listen-address=" + DNS, "--user=root", "--group=",
        "--address=/sbench.test/" + V4, "--address=/sbench.test/" + V6,
        "--host-record=cdn.xbench.test,%s,%s" % (V4, V6),
        "--host-record=v4.xbench.test," + V4,
        "--host-record=broken.xbench.test,%s,fd6c:7011::4" % V4,
        "--pid-file=" + os.path.join(work, "dns.pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return dns


def crawl_cmd(db, sites, extra=()):
    # no --quiet: each crawl's summary line says it completed
    return [os.environ["V6CRAWL"], "crawl", "--db", db,
            "--sites", sites, "--dns-server", DNS, "--allow-private",
            "--assume-ipv6", "yes", "--timing-samples", "0",
            "--dns-root", "[::1]:9", "--run-label", "bench"] + list(extra)


def measured(work, name, cmd):
    """Start @cmd under measure.py; its Popen and result file."""
    out = os.path.join(work, name + ".json")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "measure.py"),
                          "--json", out, "--timeout", "1800",
                          "--stderr", os.path.join(work, name + ".err"),
                          "--"] + cmd)
    return p, out


def result(p, out):
    p.wait()
    with open(out) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="v6crawl-shardbench.",
                            dir=os.environ.get("BENCH_TMP", "/tmp"))
    ngx = make(work, a.sites)
    dns = up(work, ngx)
    sites = os.path.join(work, "sites.txt")
    try:
        one = result(*measured(work, "whole", crawl_cmd(
            os.path.join(work, "whole"), sites)))
        # the N shards at once: one shell starts them all and waits, so
        # the group's wall is the slowest shard's from one start and its
        # CPU the shards' together (rusage of the waited-for children)
        inner = []
        for k in range(a.shards):
            inner.append(" ".join(shlex.quote(x) for x in crawl_cmd(
                os.path.join(work, "shard%d" % k), sites,
                ["--shard", "%d/%d" % (k, a.shards)])) +
                " 2>" + shlex.quote(os.path.join(work, "shard%d.err" % k)))
        group = result(*measured(work, "shards", [
            "sh", "-c", " & ".join(inner) + " & wait"]))
        shards = []
        for k in range(a.shards):
            # each crawl's own summary line: "..., 12.3 s; see ..."
            with open(os.path.join(work, "shard%d.err" % k)) as f:
                m = re.search(r"run \d+ complete: (\d+) sites?, .*?, "
                              r"([0-9.]+) s;", f.read())
            shards.append((int(m.group(1)), float(m.group(2))) if m
                          else None)
        wall = group["wall_s"]
        merge = result(*measured(work, "merge", [
            os.environ["V6CRAWL"], "merge", "--db",
            os.path.join(work, "central")] +
            [os.path.join(work, "shard%d" % k) for k in range(a.shards)]))
        rep = {}
        for name in ("whole", "central"):
            r = subprocess.run([os.environ["V6CRAWL"], "report", "--db",
                                os.path.join(work, name), "--format",
                                "json"], capture_output=True, text=True)
            rep[name] = [(s["start_url"], s["levels"])
                         for s in json.loads(r.stdout)["sites"]]
        links = subprocess.run([os.environ["V6CRAWL"], "links", "--db",
                                os.path.join(work, "whole"), "--format",
                                "csv"], capture_output=True,
                               text=True).stdout.count("\n") - 1
        bad = [x for x in [one, merge, group] if x["rc"] != 0]
        if None in shards:
            bad.append({"cmd": ["a shard did not complete"], "rc": 1})
        print("v6crawl sharded path: %d sites, %d links, %d shards, on %d "
              "CPUs (%s)" % (a.sites, links, a.shards, os.cpu_count(),
                             os.uname().nodename))
        print("%-28s %8s %8s %9s" % ("", "wall s", "CPU s", "RSS MiB"))
        print("%-28s %8.2f %8.2f %9.1f" % ("1 process, every site",
                                           one["wall_s"], one["cpu_s"],
                                           one["maxrss_mib"]))
        print("%-28s %8.2f %8.2f %9.1f" % (
            "%d shards at once" % a.shards, wall, group["cpu_s"],
            group["maxrss_mib"]))
        for k, s in enumerate(shards):
            if s:
                print("%-28s %8.2f %8s   (%d sites)" % (
                    "  shard %d/%d (its crawl)" % (k, a.shards), s[1], "",
                    s[0]))
        print("%-28s %8.2f %8.2f %9.1f" % ("merge of the %d" % a.shards,
                                           merge["wall_s"], merge["cpu_s"],
                                           merge["maxrss_mib"]))
        print("%-28s %8.2f %8.2f" % ("%d shards + merge" % a.shards,
                                     wall + merge["wall_s"],
                                     group["cpu_s"] + merge["cpu_s"]))
        print("per site: 1 process %.3f s wall; %d shards %.3f s wall "
              "(speed-up %.2fx); merge %.1f ms a site" % (
                  one["wall_s"] / a.sites, a.shards,
                  (wall + merge["wall_s"]) / a.sites,
                  one["wall_s"] / (wall + merge["wall_s"]),
                  1000 * merge["wall_s"] / a.sites))
        print("merged figures equal the single process's: %s" %
              ("yes" if rep["whole"] == rep["central"] else "NO"))
        if bad:
            print("failed: %s" % [(x["cmd"][:3], x["rc"]) for x in bad])
        return 1 if bad or rep["whole"] != rep["central"] else 0
    finally:
        dns.terminate()
        dns.wait()
        with open(os.path.join(ngx, "nginx.pid")) as f:
            os.kill(int(f.read()), 15)
        if a.keep:
            print("# kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
