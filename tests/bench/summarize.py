#!/usr/bin/python3
"""Print the bench.sh results: per tool wall/CPU/RSS/requests, the ratios
against their targets, the generator's expected figures and v6crawl's report.

usage: summarize.py PORTAL_DIR [PORTAL_DIR...]   (each with expected.json, results/)
"""
import json
import os
import re
import statistics
import sys

TOOLS = ["v6crawl", "wget2", "wget2get", "curl4", "curl6"]
CLASSES = ["ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead", "robots"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def logstats(path):
    st = {"requests": 0, "v6": 0, "v4": 0, "robots": 0, "status": {}, "method": {}}
    try:
        f = open(path, errors="replace")
    except OSError:
        return None
    with f:
        for line in f:
            p = line.split()
            if len(p) < 5:
                continue
            st["requests"] += 1
            st["v6" if ":" in p[0] else "v4"] += 1
            st["status"][p[1]] = st["status"].get(p[1], 0) + 1
            st["method"][p[2]] = st["method"].get(p[2], 0) + 1
            if p[4] == "/robots.txt":
                st["robots"] += 1
    return st


def nginx_cpu(path):
    """nginx's CPU seconds (master and workers, user + system) during one
    run: bench.sh writes 'TICKS CLK_TCK'."""
    try:
        ticks, hz = open(path).read().split()
        return int(ticks) / float(hz)
    except (OSError, ValueError):
        return None


def fmt(x, nd=2):
    if x is None:
        return "-"
    if isinstance(x, float):
        return ("%%.%df" % nd) % x
    return str(x)


def variant(d):
    exp = load(os.path.join(d, "expected.json"))
    res = os.path.join(d, "results")
    rows = {}
    for t in TOOLS:
        runs = []
        k = 1
        while True:
            m = load(os.path.join(res, "%s.%d.json" % (t, k)))
            if not m:
                break
            m["k"] = k
            runs.append(m)
            k += 1
        if not runs:
            continue
        m = sorted(runs, key=lambda x: x["cpu_s"])[(len(runs) - 1) // 2]  # median (lower) by CPU
        m["runs"] = len(runs)
        m["cpu_all"] = [x["cpu_s"] for x in runs]
        m["all"] = runs
        m["log"] = logstats(os.path.join(res, "%s.%d.access.log" % (t, m["k"])))
        try:
            m["dnsq"] = int(open(os.path.join(res, "%s.%d.dnsq" % (t, m["k"]))).read())
        except (OSError, ValueError):
            m["dnsq"] = None
        for x in runs:
            x["nginx_s"] = nginx_cpu(os.path.join(res, "%s.%d.nginx" % (t, x["k"])))
        rows[t] = m
    return exp, rows, res


def print_table(name, exp, rows):
    links = exp["probed_links"]
    print("\n== %s: %d distinct links (%d probed; L1 %s, L2 %s, L3 %s), %d column pages ==" % (
        name, exp["distinct_links"], links, exp["links_per_level"]["1"], exp["links_per_level"]["2"],
        exp["links_per_level"]["3"], exp["cols"]))
    hdr = ("tool", "rc", "wall s", "CPU s", "user s", "sys s", "peakRSS MiB", "requests", "v6 req",
           "v4 req", "CPU ms/req", "CPU ms/link")
    print("%-8s %4s %8s %8s %7s %7s %11s %9s %8s %8s %10s %11s" % hdr)
    for t in TOOLS:
        m = rows.get(t)
        if not m:
            continue
        lg = m["log"] or {}
        req = lg.get("requests")
        cpr = 1000.0 * m["cpu_s"] / req if req else None
        print("%-8s %4s %8.2f %8.2f %7.2f %7.2f %11.1f %9s %8s %8s %10s %11s" % (
            t, m["rc"], m["wall_s"], m["cpu_s"], m["user_s"], m["sys_s"], m["maxrss_mib"],
            fmt(req), fmt(lg.get("v6")), fmt(lg.get("v4")), fmt(cpr, 3),
            fmt(1000.0 * m["cpu_s"] / links, 3)))
    ng = ["%s %.2f s" % (t, rows[t]["nginx_s"]) for t in TOOLS
          if rows.get(t) and rows[t].get("nginx_s") is not None]
    if ng:
        print("  nginx's CPU during each median run (master and workers, user + system): " + ", ".join(ng))
    print("  (rc: wget2 8 = some responses were 4xx, the portal's dead links; curl -6 7 = could not"
          " connect, the IPv4-only and IPv6-refused hosts; both expected)")
    for t in TOOLS:
        m = rows.get(t)
        if m and m["log"]:
            st = m["log"]["status"]
            if m["runs"] > 1:
                print("  %-7s median of %d runs by CPU (run %d); CPU s of all runs: %s" % (
                    t, m["runs"], m["k"], " ".join("%.2f" % x for x in m["cpu_all"])))
            print("  %-7s by status: %s; by method: %s; robots.txt requests: %d; queries to dnsmasq: %s%s" % (
                t, ", ".join("%s:%d" % kv for kv in sorted(st.items())),
                ", ".join("%s:%d" % kv for kv in sorted(m["log"]["method"].items())), m["log"]["robots"], fmt(m["dnsq"]),
                "  (TIMED OUT)" if m.get("timed_out") else ""))


def round_ratios(res, v6, w):
    """CPU per request of v6crawl over wget2's, one per round (the runs
    numbered k of each), from each run's own nginx log."""
    out = []
    wk = {x["k"]: x for x in w["all"]}
    for x in v6["all"]:
        y = wk.get(x["k"])
        if not y:
            continue
        lx = logstats(os.path.join(res, "v6crawl.%d.access.log" % x["k"]))
        ly = logstats(os.path.join(res, "wget2.%d.access.log" % y["k"]))
        if lx and ly and lx["requests"] and ly["requests"] and y["cpu_s"]:
            out.append((x["cpu_s"] / lx["requests"]) / (y["cpu_s"] / ly["requests"]))
    return out


def wall_check(v6, w):
    """The 10k crawl's wall (target 1.0 s), with what bounds it on this
    machine: the CPU of the crawl and of nginx serving it, shared by the
    cores, and wget2's wall per request at v6crawl's number of requests."""
    ok = v6["wall_s"] <= 1.0
    print("v6crawl wall                                = %.2f s                    target <= 1.0  %s"
          % (v6["wall_s"], "PASS" if ok else "FAIL"))
    cores = os.cpu_count() or 1
    if v6.get("nginx_s") is not None:
        print("  no schedule on %d cores is shorter than (v6crawl CPU + nginx CPU) / %d = (%.2f + %.2f) / %d = %.2f s"
              % (cores, cores, v6["cpu_s"], v6["nginx_s"], cores, (v6["cpu_s"] + v6["nginx_s"]) / cores))
    req = (v6.get("log") or {}).get("requests")
    wreq = ((w or {}).get("log") or {}).get("requests")
    if req and wreq:
        per = w["wall_s"] / wreq
        print("  wget2 --spider's wall per request x v6crawl's requests = %.3f ms x %d = %.2f s (v6crawl %.3f ms a request)"
              % (1000 * per, req, per * req, 1000 * v6["wall_s"] / req))


def ratios(name, rows, small, res):
    print("\n-- %s: ratios --" % name)
    v6 = rows.get("v6crawl")
    c4, c6, w = rows.get("curl4"), rows.get("curl6"), rows.get("wget2")

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    if v6 and c4 and c6:
        r = v6["cpu_s"] / max(c4["cpu_s"] + c6["cpu_s"], 1e-9)
        print("v6crawl CPU / (curl -4 CPU + curl -6 CPU)  = %.2f / (%.2f + %.2f) = %.3f   target <= 0.8   %s"
              % (v6["cpu_s"], c4["cpu_s"], c6["cpu_s"], r, verdict(r <= 0.8)))
        k4 = {x["k"]: x["cpu_s"] for x in c4["all"]}
        k6 = {x["k"]: x["cpu_s"] for x in c6["all"]}
        rr = [x["cpu_s"] / (k4[x["k"]] + k6[x["k"]]) for x in v6["all"]
              if x["k"] in k4 and x["k"] in k6 and k4[x["k"]] + k6[x["k"]] > 0]
        if len(rr) > 1:
            r = sorted(rr)[(len(rr) - 1) // 2]
            print("  by round: %s; median %.3f                 target <= 0.8   %s"
                  % (" ".join("%.3f" % x for x in rr), r, verdict(r <= 0.8)))
    else:
        print("v6crawl CPU / (curl -4 + curl -6 CPU): n/a (missing run)")
    if v6 and w and v6["log"] and w["log"] and v6["log"]["requests"] and w["log"]["requests"]:
        a = v6["cpu_s"] / v6["log"]["requests"]
        b = w["cpu_s"] / w["log"]["requests"]
        rr = round_ratios(res, v6, w)
        if len(rr) > 1:
            # rounds: each ratio from two runs seconds apart; the verdict is
            # their median, which a drifting load moves least
            r = sorted(rr)[(len(rr) - 1) // 2]
            print("v6crawl CPU/request / wget2 CPU/request     = %.3f ms / %.3f ms = %.3f (median run of each)"
                  % (1000 * a, 1000 * b, a / b))
            print("  by round: %s; median %.3f                 target <= 1     %s"
                  % (" ".join("%.3f" % x for x in rr), r, verdict(r <= 1)))
        else:
            print("v6crawl CPU/request / wget2 CPU/request     = %.3f ms / %.3f ms = %.3f   target <= 1     %s"
                  % (1000 * a, 1000 * b, a / b, verdict(a / b <= 1)))
    else:
        print("v6crawl CPU/request / wget2 CPU/request: n/a (missing run)")
    wg = rows.get("wget2get")
    if v6 and wg and v6["log"] and wg["log"] and v6["log"]["requests"] and wg["log"]["requests"]:
        a = v6["cpu_s"] / v6["log"]["requests"]
        b = wg["cpu_s"] / wg["log"]["requests"]
        print("(info) v6crawl CPU/request / wget2get (GET, no --spider) CPU/request = %.3f ms / %.3f ms = %.3f"
              % (1000 * a, 1000 * b, a / b))
    if v6 and small:
        wall_check(v6, w)
    if v6:
        # flat memory (issue 10): 64 MiB up to ~100k links, 128 MiB at ~1M
        cap = 64 if small or v6.get("links", 0) < 500000 else 128
        print("v6crawl peak RSS                            = %.1f MiB                  target <= %-4d  %s"
              % (v6["maxrss_mib"], cap, verdict(v6["maxrss_mib"] <= cap)))
        if "peak_anon_mib" in v6:
            print("  (sampled every 50 ms: peak anonymous %.1f MiB, peak file-backed %.1f MiB: LMDB's map)"
                  % (v6["peak_anon_mib"], v6["peak_file_mib"]))


def parse_eta(text):
    """Seconds of an "ETA 1h02m" / "ETA 1m05s" / "ETA 5s" / "ETA 0.8s" field, None for "ETA -"."""
    m = re.search(r"ETA (?:(\d+)h(\d+)m|(\d+)m(\d+)s|(\d+(?:\.\d+)?)s)", text)
    if not m:
        return None
    if m.group(1):
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60
    if m.group(3):
        return int(m.group(3)) * 60 + int(m.group(4))
    return float(m.group(5))


def eta_at_half(path, wall):
    """(t, said, took, error, text, lines) of the progress line of @path
    nearest half the crawl's @wall time (lines: how many had an ETA), None
    without a line that has an ETA."""
    lines = []
    try:
        for ln in open(path, errors="replace"):
            t, _, text = ln.rstrip("\n").partition("\t")
            e = parse_eta(text)
            if e is not None:
                lines.append((float(t), e, text.strip()))
    except (OSError, ValueError):
        pass
    if not lines:
        return None
    t, e, text = min(lines, key=lambda x: abs(x[0] - wall / 2))
    real = wall - t
    err = (e - real) / real if real > 0 else 0.0
    return t, e, real, err, text, len(lines)


def eta_check(name, res, rows):
    """The progress line nearest half the crawl's wall time, in every run: its
    ETA against the time the crawl really still took. The verdict is the
    median of the runs' absolute errors, as the other figures are medians:
    a crawl of a second or two draws only a handful of progress lines, and
    one run's middle can fall on a burst or a lull of a shared machine."""
    v6 = rows.get("v6crawl")
    if not v6:
        return
    found = []
    for x in v6["all"]:
        r = eta_at_half(os.path.join(res, "v6crawl.%d.progress" % x["k"]), x["wall_s"])
        if r:
            found.append((x["k"], x["wall_s"]) + r)
    if not found:
        print("v6crawl ETA at half time: n/a (no progress line with an ETA)")
        return
    for k, wall, t, e, real, err, text, n in found:
        print("v6crawl ETA at %.2f s of %.2f s (run %d): said %.1f s, took %.2f s: error %+.0f%%   (%d progress lines; that one: %s)"
              % (t, wall, k, e, real, 100 * err, n, text))
    med = statistics.median(abs(f[5]) for f in found)
    print("v6crawl ETA at half time: median absolute error of %d run(s) %.0f%%       target within 20%%  %s"
          % (len(found), 100 * med, "PASS" if med <= 0.2 else "FAIL"))


def print_expected(exp):
    print("\n-- expected (generator) --")
    print("links per level: %s; skipped (mailto/tel/javascript/#frag) first seen per level: %s; "
          "pages parsed (internal HTML at L1/L2): %d" % (
              exp["links_per_level"], exp["skipped_per_level"], exp["pages_parsed"]))
    print("page sizes: home %d KB, column pages %d-%d KB (avg %d), article %d KB" % (
        exp["home_kb"], exp["col_page_kb"]["min"], exp["col_page_kb"]["max"], exp["col_page_kb"]["avg"],
        exp["article_kb"]))
    print("%-3s %-9s %s" % ("L", "scope", " ".join("%9s" % c for c in CLASSES)))
    for lv in ("1", "2", "3"):
        for sc in ("internal", "external"):
            c = exp["classes"][lv].get(sc, {})
            if c:
                print("%-3s %-9s %s" % (lv, sc, " ".join("%9d" % c.get(k, 0) for k in CLASSES)))
    print("links per host: %s" % ", ".join("%s %d" % kv for kv in sorted(exp["per_host"].items(), key=lambda x: -x[1])))


def find_conc(obj, path=()):
    """Yield (path, value) for every numeric field whose key mentions concentration."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (int, float)) and "conc" in str(k).lower():
                yield path + (str(k),), v
            else:
                yield from find_conc(v, path + (str(k),))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = str(i)
            if isinstance(v, dict):
                label = ",".join("%s=%s" % (k, v[k]) for k in ("level", "scope", "site") if k in v) or label
            yield from find_conc(v, path + (label,))


def print_report(exp, res):
    print("\n-- concentration: expected vs v6crawl report --")
    for lv in ("1", "2", "3"):
        for sc in ("internal", "all"):
            e = exp["concentration"][lv][sc]
            print("L%s %-8s expected concentration %-6s alive %-6s (supported %d / counted %d)" % (
                lv, sc, fmt(e["concentration"], 4), fmt(e["alive_concentration"], 4), e["supported"], e["counted"]))
    p = os.path.join(res, "v6crawl.report.json")
    if not os.path.exists(p):
        print("v6crawl report: not run")
        return
    raw = open(p, errors="replace").read()
    try:
        rep = json.loads(raw)
    except ValueError:
        print("v6crawl report: not JSON (%d bytes): %s" % (len(raw), raw[:300].replace("\n", " ")))
        return
    try:
        lvls = rep["sites"][0]["levels"]
        print("per class, expected / v6crawl (a '!' marks a difference):")
        print("%-3s %-9s %s" % ("L", "scope", " ".join("%13s" % c for c in CLASSES + ["skipped"])))
        for lv in ("2", "3"):
            for sc in ("internal", "all"):
                got = lvls[lv][sc]["classes"]
                e = {}
                for s2 in (["internal"] if sc == "internal" else ["internal", "external"]):
                    for k, v in exp["classes"][lv].get(s2, {}).items():
                        e[k] = e.get(k, 0) + v
                if sc == "all":
                    e["skipped"] = exp["skipped_per_level"].get(lv, 0)
                cells = []
                for c in CLASSES + ["skipped"]:
                    a, b = e.get(c, 0), got.get(c, 0)
                    cells.append("%13s" % ("%d/%d%s" % (a, b, "" if a == b else "!")))
                print("%-3s %-9s %s" % (lv, sc, " ".join(cells)))
        print("(expected skipped counts '#top'; the design records fragment-only links as skipped)")
    except (KeyError, IndexError, TypeError):
        pass
    found = list(find_conc(rep))
    if found:
        print("v6crawl report (fields named *conc*):")
        for path, v in found[:40]:
            print("  %-60s %s" % ("/".join(path), v))
    s = json.dumps(rep, sort_keys=True)
    print("v6crawl report JSON (%d bytes, first 1500): %s" % (len(s), s[:1500]))


def main():
    dirs = sys.argv[1:]
    allrows = []
    for d in dirs:
        exp, rows, res = variant(d)
        name = os.path.basename(d.rstrip("/"))
        allrows.append((name, exp, rows))
        print_table(name, exp, rows)
        if rows.get("v6crawl"):
            rows["v6crawl"]["links"] = exp["probed_links"]
        ratios(name, rows, exp["cols"] <= 300, res)
        eta_check(name, res, rows)
        print_expected(exp)
        print_report(exp, res)
    for (n1, e1, r1), (n2, e2, r2) in zip(allrows, allrows[1:]):
        print("\n-- growth %s -> %s (probed links %d -> %d, x%.1f) --" % (
            n1, n2, e1["probed_links"], e2["probed_links"], e2["probed_links"] / e1["probed_links"]))
        for t in TOOLS:
            a, b = r1.get(t), r2.get(t)
            if not (a and b):
                continue
            pa = 1000 * a["cpu_s"] / e1["probed_links"]
            pb = 1000 * b["cpu_s"] / e2["probed_links"]
            print("%-8s CPU/link %.3f ms -> %.3f ms (x%.2f); wall %.1f s -> %.1f s; peak RSS %.1f -> %.1f MiB" % (
                t, pa, pb, pb / pa if pa else 0, a["wall_s"], b["wall_s"], a["maxrss_mib"], b["maxrss_mib"]))

if __name__ == "__main__":
    main()
