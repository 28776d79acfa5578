#!/usr/bin/python3
"""The command line (issue 12): each usage error is one line with a hint
and its exit status, never the usage; --help, help COMMAND, -h, -q, -v,
--version; --threshold and --fail-under in percent; --site normalised;
--quiet silent on success and a crawl without IPv6 exit 6 with one line;
the progress line within the terminal's width; the configuration file.

    test_cli.py --world DIR --work DIR --v6crawl PATH

No configuration file of this machine is read: every run has HOME set to
the work directory and $V6CRAWL_CONFIG set (empty: none, or the test's own
file). Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

from itlib import jload

results = []
SITE = "http://www.demo.edu.cn/"
O = None
ENV = {}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("ok - %s" % name if cond else
          "not ok - %s: %s" % (name, str(detail)[:2000]))
    sys.stdout.flush()


def run(args, env=None, **kw):
    e = dict(ENV)
    e.update(env or {})
    p = subprocess.run([O.v6crawl] + args, capture_output=True, timeout=300,
                       env=e, **kw)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def base():
    return ["--dns-server", "127.0.0.1:5353", "--cacert",
            os.path.join(O.world, "ca.pem"), "--allow-private",
            "--timeout", "3", "--retries", "0", "--timing-samples", "0"]


def one_line(name, got, rc, line, nothing=None):
    """@got = (rc, out, err): exit @rc and stderr exactly @line; with
    @nothing, that path was not created."""
    grc, out, err = got
    ok = grc == rc and err == line + "\n"
    check("%s: exit %d and the one line" % (name, rc), ok,
          "rc %s\nwant %r\ngot  %r" % (grc, line, err))
    if nothing:
        check("%s: creates nothing" % name, not os.path.exists(nothing),
              os.listdir(nothing) if os.path.isdir(nothing) else nothing)


def usage_errors(db):
    w = O.work
    one_line("no command", run([]), 2,
             "v6crawl: no command given: crawl, report, links, fixes, runs, "
             "diff, prune, check, url or robots (try 'v6crawl --help')")
    one_line("unknown command", run(["crawel"]), 2,
             "v6crawl: unknown command 'crawel' (try 'v6crawl --help')")
    one_line("a URL as the command", run([SITE]), 2,
             "v6crawl: unknown command '%s': to crawl it, `v6crawl crawl "
             "%s` (try 'v6crawl --help')" % (SITE, SITE))
    one_line("unknown option", run(["crawl", "--bogus", SITE]), 2,
             "v6crawl: unknown option '--bogus' for crawl "
             "(try 'v6crawl crawl --help')")
    one_line("unknown option with a value",
             run(["report", "--bogus=1"]), 2,
             "v6crawl: unknown option '--bogus' for report "
             "(try 'v6crawl report --help')")
    one_line("unknown short option", run(["links", "-x"]), 2,
             "v6crawl: unknown option '-x' for links "
             "(try 'v6crawl links --help')")
    one_line("an option of another command",
             run(["runs", "--threshold", "85"]), 2,
             "v6crawl: unknown option '--threshold' for runs "
             "(try 'v6crawl runs --help')")
    one_line("missing argument", run(["crawl", SITE, "--depth"]), 2,
             "v6crawl: --depth needs an argument "
             "(try 'v6crawl crawl --help')")
    one_line("missing argument of -o", run(["report", "-o"]), 2,
             "v6crawl: -o needs an argument (try 'v6crawl report --help')")
    nodb = os.path.join(w, "never")
    one_line("crawl with no sites", run(["crawl", "--db", nodb]), 2,
             "v6crawl: no sites to crawl: give URLs or --sites FILE "
             "(try 'v6crawl crawl --help')", nodb)
    one_line("a URL without a scheme",
             run(["crawl", "--db", nodb, "www.example.gov.cn"]), 2,
             "v6crawl: command line: not an absolute http(s) URL: "
             "'www.example.gov.cn' (did you mean http://www.example.gov.cn "
             "or https://www.example.gov.cn?)", nodb)
    one_line("a URL without a scheme, with a path",
             run(["crawl", "--db", nodb, "www.example.gov.cn:8080/a"]), 2,
             "v6crawl: command line: not an absolute http(s) URL: "
             "'www.example.gov.cn:8080/a' (did you mean "
             "http://www.example.gov.cn:8080/a or "
             "https://www.example.gov.cn:8080/a?)", nodb)
    for bad in ("1.2.3", "127.0.0.1:99999", "[::1", "::1]:53", "dns.test",
                "127.0.0.1,", "[fd6c:7014::1]x"):
        item = bad.rstrip(",") if bad.endswith(",") else bad
        item = "" if bad.endswith(",") else item
        one_line("--dns-server %s" % bad,
                 run(["crawl", "--db", nodb, "--dns-server", bad, SITE]), 2,
                 "v6crawl: bad --dns-server '%s': IP[:PORT][,...] (IPv6 as "
                 "[ADDR]:PORT)" % item, nodb)
    for good in ("127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53",
                 "[fd6c:7014::1],127.0.0.1:53"):
        rc, out, err = run(["crawl", "--db", nodb, "--dns-server", good,
                            "--threads-bogus"])
        check("--dns-server %s is taken (the next option is the error)"
              % good, rc == 2 and "--threads-bogus" in err, err)
    one_line("report on a missing store", run(["report", "--db", nodb]), 3,
             "v6crawl: no store at %s; run `v6crawl crawl` first" % nodb,
             nodb)
    one_line("prune on a missing store",
             run(["prune", "--keep", "1", "--db", nodb]), 3,
             "v6crawl: no store at %s; run `v6crawl crawl` first" % nodb,
             nodb)
    one_line("check --repair on a missing store",
             run(["check", "--repair", "--db", nodb]), 3,
             "v6crawl: no store at %s; run `v6crawl crawl` first" % nodb,
             nodb)
    for cmd in ("report", "links", "fixes", "runs", "check"):
        one_line("%s with a stray argument" % cmd,
                 run([cmd, "--db", db, "extra"]), 2,
                 "v6crawl: %s takes no arguments: 'extra' (try 'v6crawl %s "
                 "--help')" % (cmd, cmd))
    one_line("prune with a stray argument",
             run(["prune", "--keep", "3", "--db", db, "7"]), 2,
             "v6crawl: prune takes no arguments: '7' (try 'v6crawl prune "
             "--help')")
    one_line("prune without --keep", run(["prune", "--db", db]), 2,
             "v6crawl: prune needs --keep N (try 'v6crawl prune --help')")
    one_line("links --level 7 on a depth-3 run",
             run(["links", "--db", db, "--level", "7"]), 2,
             "v6crawl: bad --level 7: run 1 was crawled to depth 3 (levels 1 "
             "to 3) (try 'v6crawl links --help')")
    one_line("links --level 11", run(["links", "--db", db, "--level", "11"]),
             2, "v6crawl: bad --level '11'")
    rc, out, err = run(["links", "--db", db, "--level", "3"])
    check("links --level 3 on a depth-3 run lists links", rc == 0 and out,
          err)
    one_line("help for no such command", run(["help", "crawel"]), 2,
             "v6crawl: help: no command 'crawel' (try 'v6crawl --help')")
    one_line("url with three operands", run(["url", "a", "b", "c"]), 2,
             "v6crawl: url takes [BASE] HREF (try 'v6crawl url --help')")
    one_line("robots without URLs", run(["robots", "/dev/null", "ua"]), 2,
             "v6crawl: robots needs FILE USER_AGENT URL... "
             "(try 'v6crawl robots --help')")


def percentages(db):
    nodb = os.path.join(O.work, "never")
    for opt, cmd in (("threshold", ["report", "--db", db, "--format",
                                    "html", "-o", "/dev/null"]),
                     ("fail-under", ["report", "--db", db]),
                     ("fail-under", ["crawl", "--db", nodb, SITE])):
        one_line("%s --%s 0.85" % (cmd[0], opt),
                 run(cmd + ["--" + opt, "0.85"]), 2,
                 "v6crawl: bad --%s '0.85': a percentage, not a fraction: 85 "
                 "for 85%%" % opt, nodb)
        one_line("%s --%s 1" % (cmd[0], opt), run(cmd + ["--" + opt, "1"]),
                 2, "v6crawl: bad --%s '1': a percentage, not a fraction: "
                 "100 for 100%%" % opt, nodb)
        for bad in ("101", "85%%", "x", "-5"):
            one_line("%s --%s %s" % (cmd[0], opt, bad),
                     run(cmd + ["--" + opt, bad]), 2,
                     "v6crawl: bad --%s '%s': a percentage above 1 and at "
                     "most 100, as 85 or 85%%" % (opt, bad), nodb)
    pages = {}
    for thr in ("60", "60%", "85"):
        out = os.path.join(O.work, "thr-%s.html" % thr.strip("%"))
        rc, _, err = run(["report", "--db", db, "--format", "html",
                          "--threshold", thr, "-o", out])
        check("report --threshold %s: exit 0" % thr, rc == 0, err)
        pages[thr] = open(out, "rb").read() if rc == 0 else b""
    check("--threshold 60%% is --threshold 60 (the same page)",
          pages["60"] == pages["60%"] and pages["60"], len(pages["60"]))
    check("--threshold 60 is another page than 85",
          pages["60"] != pages["85"], "")
    a = run(["report", "--db", db, "--fail-under", "99%"])
    b = run(["report", "--db", db, "--fail-under", "99"])
    check("--fail-under 99%% is --fail-under 99 (exit 1, the same lines)",
          a == b and a[0] == 1, (a, b))


def site_norm(db):
    rc, want, err = run(["links", "--db", db, "--site", SITE])
    check("links --site URL lists the site's links", rc == 0 and want, err)
    for alias in ("HTTP://WWW.Demo.EDU.cn", "http://www.demo.edu.cn",
                  "http://www.demo.edu.cn:80/"):
        rc, out, err = run(["links", "--db", db, "--site", alias])
        check("links --site %s is the site %s" % (alias, SITE),
              rc == 0 and out == want, err)
        rc, out, err = run(["fixes", "--db", db, "--site", alias])
        check("fixes --site %s: exit 0" % alias, rc == 0, err)
    one_line("links --site of no site",
             run(["links", "--db", db, "--site", "http://other.test"]), 2,
             "v6crawl: no site http://other.test/ in run 1")


def help_version():
    rc, full, err = run(["crawl", "--help"])
    check("crawl --help: exit 0, the usage on stdout",
          rc == 0 and full.startswith("Usage: v6crawl crawl") and not err,
          err)
    for args in (["crawl", "-h"], ["help", "crawl"]):
        got = run(args)
        check("%s is crawl --help" % " ".join(args),
              got == (0, full, ""), got[2])
    rc, out, err = run(["-h"])
    check("-h: the commands", rc == 0 and "Commands:" in out, err)
    rc, out, err = run(["--version"])
    names = [ln.split(" ")[0] for ln in out.splitlines()]
    check("--version: v6crawl and each library, a line each",
          rc == 0 and names == ["v6crawl", "libcurl", "c-ares", "LMDB",
                                "gumbo", "uriparser", "libidn2", "libpsl",
                                "public"], out)
    for lib, pc in (("c-ares", "libcares"), ("gumbo", "gumbo"),
                    ("uriparser", "liburiparser"), ("libidn2", "libidn2"),
                    ("libpsl", "libpsl"), ("libcurl", "libcurl"),
                    ("LMDB", "lmdb")):
        v = subprocess.run(["pkg-config", "--modversion", pc],
                           capture_output=True, text=True).stdout.strip()
        line = [ln for ln in out.splitlines() if ln.startswith(lib + " ")]
        check("--version: %s %s (as pkg-config says)" % (lib, v),
              line and line[0].split(" ")[1] == v, line)
    m = re.search(r"^public suffix list (\d{4}-\d\d-\d\d) ", out, re.M)
    check("--version: the public suffix list's date", m, out)
    rc2, out2, _ = run(["report", "--version"])
    check("report --version is --version", (rc2, out2) == (rc, out), out2)


def quiet_nodata(db):
    rc, out, err = run(["crawl", "--db", os.path.join(O.work, "q"), "-q"] +
                       base() + [SITE])
    check("crawl -q: exit 0, nothing on stdout or stderr",
          rc == 0 and out == "" and err == "", err)
    rc, out, err = run(["crawl", "--db", os.path.join(O.work, "noq")] +
                       base() + [SITE])
    check("crawl without -q: the summary line",
          rc == 0 and re.fullmatch(r"v6crawl: run 1 complete: 1 site, .*\n",
                                   err), err)
    d = os.path.join(O.work, "no6")
    one_line("crawl --assume-ipv6 no",
             run(["crawl", "--db", d, "--assume-ipv6", "no", "--quiet"] +
                 base() + [SITE]), 6,
             "v6crawl: run 1 measured nothing: --assume-ipv6 no; see "
             "`v6crawl report --db %s`" % d)
    d = os.path.join(O.work, "no6b")
    one_line("crawl where the vantage check reaches no IPv6",
             run(["crawl", "--db", d, "--vantage",
                  "127.0.0.2:80,[::1]:9"] + base() + [SITE]), 6,
             "v6crawl: run 1 measured nothing: this machine has no IPv6 (the "
             "vantage check reached no IPv6 endpoint); see `v6crawl report "
             "--db %s`" % d)
    rc, out, err = run(["report", "--db", d, "--format", "json"])
    check("... the run is kept and says no IPv6",
          rc == 0 and jload(out)["run"]["vantage_ipv6"] is False, err)
    rc, out, err = run(["crawl", "--db", os.path.join(O.work, "v"), "-v"] +
                       base() + [SITE])
    lines = err.splitlines()
    check("crawl -v: progress lines of their own, then the summary",
          rc == 0 and len(lines) >= 2 and
          all(ln.startswith("v6crawl: sites ") for ln in lines[:-1]) and
          lines[-1].startswith("v6crawl: run 1 complete") and "\r" not in err,
          err)


def pty_crawl(cols, db):
    """Crawl with stderr on a terminal @cols wide; what it wrote there."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0,
                                                       0))
    env = dict(ENV)
    env.pop("COLUMNS", None)
    p = subprocess.Popen([O.v6crawl, "crawl", "--db", db] + base() + [SITE],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=slave, env=env)
    os.close(slave)
    data = b""
    deadline = time.time() + 300
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 1)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        elif p.poll() is not None:
            break
    p.wait(60)
    os.close(master)
    return p.returncode, data.decode(errors="replace")


def progress_width():
    for cols in (50, 30):
        rc, text = pty_crawl(cols, os.path.join(O.work, "pty%d" % cols))
        body = text.split("v6crawl: run ")[0]
        shown = [s.replace("\x1b[K", "").rstrip("\r\n")
                 for s in body.split("\r") if s.replace("\x1b[K", "")]
        longest = max([len(s) for s in shown] or [0])
        check("progress at %d columns: every line at most %d characters "
              "(longest %d)" % (cols, cols - 1, longest),
              rc == 0 and shown and longest <= cols - 1,
              "rc %s %r" % (rc, shown[:5]))
        check("progress at %d columns: the progress line never starts a "
              "new line" % cols, body.count("\n") <= 1, repr(body[-300:]))
        check("progress at %d columns: it shows the probes" % cols,
              any("probes" in s for s in shown), shown[:3])


def config(db):
    w = O.work
    cf = os.path.join(w, "v6crawl.conf")
    with open(cf, "w") as f:
        f.write("# the test's own file\n"
                "db = %s\n"
                "\n[report]\nformat = json\n"
                "[links]\nlevel = 2\nformat = csv\n" % db)
    env = {"V6CRAWL_CONFIG": cf}
    rc, out, err = run(["report"], env)
    check("config: [report] format = json and a flat db: the JSON report",
          rc == 0 and jload(out)["run"]["id"] == 1, err)
    rc, out2, err = run(["report", "--format", "text"], env)
    check("config: the command line wins (--format text)",
          rc == 0 and out2 and not out2.startswith("{"), out2[:300])
    rc, out, err = run(["links"], env)
    rc2, want, _ = run(["links", "--db", db, "--level", "2", "--format",
                        "csv"])
    check("config: [links] level = 2, format = csv", rc == 0 and out == want
          and out.startswith("\ufeffsite,url,level"), err)
    rc, out, _ = run(["runs"], env)
    check("config: runs takes the flat db (and no [report] key)",
          rc == 0 and out.count("complete") >= 1, out)
    # --config FILE wins over $V6CRAWL_CONFIG; an absent one is an error
    cf2 = os.path.join(w, "other.conf")
    with open(cf2, "w") as f:
        f.write("[report]\ndb = %s\nformat = csv\n" % db)
    rc, out, err = run(["report", "--config", cf2], env)
    check("config: --config FILE is read instead of $V6CRAWL_CONFIG",
          rc == 0 and out.startswith("\ufeff"), err)
    missing = os.path.join(w, "absent.conf")
    one_line("config: --config of a missing file",
             run(["report", "--config", missing], env), 2,
             "v6crawl: cannot read the configuration file %s: No such file "
             "or directory" % missing)
    one_line("config: $V6CRAWL_CONFIG of a missing file",
             run(["report"], {"V6CRAWL_CONFIG": missing}), 2,
             "v6crawl: cannot read the configuration file %s: No such file "
             "or directory" % missing)
    bad = [("[report]\nbogus = 1\n", "%s:2: report has no option --bogus"),
           ("[report]\nthreshold = 0.85\n",
            "%s:2: bad --threshold '0.85': a percentage, not a fraction: 85 "
            "for 85%%"),
           ("[crawel]\ndepth = 2\n",
            "%s:2: [crawel]: no such command (sections are crawl, report, "
            "links, ...)"),
           ("a = 1\nnot a line\n",
            "%s:1: no command has an option --a"),
           ("# ok\nnot a line\n",
            "%s:2: not an INI line (NAME = VALUE, [COMMAND] or a # comment)"),
           ("[crawl]\nstrict = maybe\n",
            "%s:2: bad value for strict: 'maybe' (yes or no)"),
           ("help = yes\n", "%s:1: 'help' is for the command line only"),
           ("[crawl]\nuser-agent = %s\n" % ("a" * 300),
            "%s:2: line too long"),
           ("[crawl]\ndepth = 0\n", "%s:2: bad value for --depth: '0'")]
    for i, (text, line) in enumerate(bad):
        p = os.path.join(w, "bad%d.conf" % i)
        with open(p, "w") as f:
            f.write(text)
        nodb = os.path.join(w, "never")
        cmd = ["crawl", "--db", nodb, SITE] if "[crawl]" in text else \
            ["report", "--db", db]
        one_line("config: %r" % text,
                 run(cmd, {"V6CRAWL_CONFIG": p}), 2,
                 "v6crawl: " + line % p)
    # crawl options from the file: depth 1, quiet
    cf3 = os.path.join(w, "crawl.conf")
    with open(cf3, "w") as f:
        f.write("[crawl]\ndepth = 1\nquiet = yes\nassume-ipv6 = yes\n"
                "dns-server = 127.0.0.1:5353\nallow-private = yes\n"
                "timing-samples = 0\n")
    d = os.path.join(w, "conf-depth")
    rc, out, err = run(["crawl", "--db", d, SITE], {"V6CRAWL_CONFIG": cf3})
    rc2, rep, _ = run(["report", "--db", d, "--format", "json"])
    lv = jload(rep)["sites"][0]["levels"] if rc2 == 0 else {}
    check("config: [crawl] depth = 1, quiet = yes: silent, level 1 only",
          rc == 0 and err == "" and lv.get("2", {}).get("all", {})
          .get("links", -1) == 0, (rc, err, lv.get("2")))
    d = os.path.join(w, "conf-depth2")
    rc, out, err = run(["crawl", "--db", d, "--depth", "2", SITE],
                       {"V6CRAWL_CONFIG": cf3})
    rc2, rep, _ = run(["report", "--db", d, "--format", "json"])
    lv = jload(rep)["sites"][0]["levels"] if rc2 == 0 else {}
    check("config: --depth 2 on the command line wins over depth = 1",
          rc == 0 and lv.get("2", {}).get("all", {}).get("links", 0) > 0 and
          lv.get("3", {}).get("all", {}).get("links", -1) == 0,
          (rc, err, lv))
    # the user's file under HOME ($XDG_CONFIG_HOME unset)
    home = os.path.join(w, "home")
    os.makedirs(os.path.join(home, ".config", "v6crawl"), exist_ok=True)
    with open(os.path.join(home, ".config", "v6crawl", "config"), "w") as f:
        f.write("[runs]\nformat = json\ndb = %s\n" % db)
    env = dict(ENV)
    env.pop("V6CRAWL_CONFIG", None)
    env.pop("XDG_CONFIG_HOME", None)
    env["HOME"] = home
    if os.path.exists("/etc/v6crawl/v6crawl.conf"):
        check("config: ~/.config/v6crawl/config (not tried: this machine "
              "has a /etc/v6crawl/v6crawl.conf the test must not read)",
              False)
    else:
        p = subprocess.run([O.v6crawl, "runs"], capture_output=True,
                           env=env, text=True)
        check("config: ~/.config/v6crawl/config is read without "
              "$V6CRAWL_CONFIG", p.returncode == 0 and
              jload(p.stdout)["runs"][0]["id"] == 1, p.stderr)
        env["XDG_CONFIG_HOME"] = os.path.join(w, "xdg")
        p = subprocess.run([O.v6crawl, "runs", "--db", db],
                           capture_output=True, env=env, text=True)
        check("config: $XDG_CONFIG_HOME/v6crawl/config instead (absent: "
              "none: the text list)", p.returncode == 0 and p.stdout and
              not p.stdout.startswith("{"), p.stdout[:200])


def nightly():
    """contrib/v6crawl-nightly (what the units and cron run) against the
    world: silent on success, the dated reports and latest.* beside them,
    the report directory made on the first night, --resume and no IPv6."""
    top = os.environ.get("TOP_SRCDIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    w = os.path.join(O.work, "nightly")
    os.makedirs(w)
    script = os.path.join(w, "v6crawl-nightly")
    with open(os.path.join(top, "contrib", "v6crawl-nightly.in")) as f:
        text = f.read()
    with open(script, "w") as f:
        f.write(text.replace("@bindir@", os.path.dirname(
            os.path.abspath(O.v6crawl))).replace("@statedir@",
                                                 os.path.join(w, "none")))
    sites = os.path.join(w, "sites.txt")
    with open(sites, "w") as f:
        f.write(SITE + "\tdemo\n")
    cf = os.path.join(w, "v6crawl.conf")
    with open(cf, "w") as f:
        f.write("[crawl]\ndns-server = 127.0.0.1:5353\ncacert = %s\n"
                "allow-private = yes\ntimeout = 3\nretries = 0\n"
                "timing-samples = 0\n" % os.path.join(O.world, "ca.pem"))
    env = dict(ENV)
    env.update({"V6CRAWL_CONFIG": cf, "V6CRAWL": os.path.abspath(O.v6crawl)})
    d = os.path.join(w, "state")

    def night(*extra, conf=None):
        e = dict(env)
        if conf:
            e["V6CRAWL_CONFIG"] = conf
        p = subprocess.run(["sh", script, "--dir", d, "--sites", sites] +
                           list(extra), capture_output=True, env=e,
                           timeout=600)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    rc, out, err = night()
    check("nightly: the first night exits 0 and says nothing (cron mails "
          "nothing)", (rc, out, err) == (0, "", ""), (rc, out, err))
    day = time.strftime("%Y-%m-%d")
    rep = os.path.join(d, "reports")
    names = sorted(os.listdir(rep)) if os.path.isdir(rep) else []
    check("nightly: the report directory is made, with the dated reports "
          "and latest.* beside them",
          names == ["latest.html", "latest.json", "report-%s.html" % day,
                    "report-%s.json" % day], names)

    def read(n):
        try:
            with open(os.path.join(rep, n), "rb") as f:
                return f.read()
        except OSError:
            return b""

    def rjson(n):
        try:
            return jload(read(n))
        except ValueError:
            return {}
    if len(names) == 4:
        check("nightly: latest.html is the dated HTML report",
              read("latest.html") == read("report-%s.html" % day) and
              read("latest.html").startswith(b"<!DOCTYPE html>"), "")
        j = rjson("latest.json")
        check("nightly: latest.json is the JSON report of run 1",
              read("latest.json") == read("report-%s.json" % day) and
              j.get("run", {}).get("id") == 1 and
              j["sites"][0]["name"] == "demo",
              j.get("run"))
    rc, out, err = night("--keep", "1")
    j = rjson("latest.json") if rc == 0 else {}
    rc2, runs, _ = run(["runs", "--db", os.path.join(d, "db"), "--format",
                        "json"])
    ids = [r["id"] for r in jload(runs)["runs"]] if rc2 == 0 else []
    check("nightly: a second night: silent, latest.json is run 2, --keep 1 "
          "keeps run 2 only", (rc, out, err) == (0, "", "") and
          j.get("run", {}).get("id") == 2 and ids == [2], (rc, err, ids))
    rc, out, err = night("--resume")
    check("nightly --resume with nothing to resume: exit 7, one line",
          rc == 7 and out == "" and len(err.splitlines()) == 1 and
          err.startswith("v6crawl: "), (rc, err))
    cf6 = os.path.join(w, "no6.conf")
    with open(cf6, "w") as f:
        f.write(open(cf).read() + "assume-ipv6 = no\n")
    rc, out, err = night(conf=cf6)
    j = rjson("latest.json")
    check("nightly without IPv6: exit 6 and one line; the reports say so",
          rc == 6 and out == "" and err == "v6crawl: run 3 measured nothing: "
          "--assume-ipv6 no; see `v6crawl report --db %s`\n"
          % os.path.join(d, "db") and
          j.get("run", {}).get("vantage_ipv6") is False,
          (rc, err, j.get("run")))
    rc, out, err = night("--bogus")
    check("nightly --bogus: exit 2, one line",
          rc == 2 and len(err.splitlines()) == 1, (rc, err))


def idn():
    """An IDN host in Unicode beside its punycode: links text and JSON."""
    d = os.path.join(O.work, "idn")
    rc, out, err = run(["crawl", "--db", d, "--quiet", "--depth", "2"] +
                       base() + ["http://www.demo.gov.cn/"])
    check("idn: a crawl of www.demo.gov.cn (which links 中文.demo.gov.cn)",
          rc == 0, err)
    rc, out, err = run(["links", "--db", d, "--format", "json"])
    links = jload(out)["links"] if rc == 0 else []
    host = "xn--fiq228c.demo.gov.cn"
    idn_rows = [x for x in links if x["dns"] and x["dns"]["host"] == host]
    others = [x for x in links if x["dns"] and x["dns"]["host"] != host]
    check("idn: links JSON: dns.host_unicode of %s is 中文.demo.gov.cn" % host,
          idn_rows and all(x["dns"]["host_unicode"] == "中文.demo.gov.cn"
                           for x in idn_rows), idn_rows[:1])
    check("idn: links JSON: host_unicode is null for the other hosts",
          others and all(x["dns"]["host_unicode"] is None for x in others),
          [x["dns"] for x in others if x["dns"]["host_unicode"]][:2])
    rc, out, err = run(["links", "--db", d])
    want = "     host: %s (中文.demo.gov.cn)" % host
    check("idn: links text: a line with the host in Unicode beside its "
          "punycode under each of its %d links" % len(idn_rows),
          out.splitlines().count(want) == len(idn_rows) and
          sum("     host: " in ln for ln in out.splitlines()) == len(idn_rows),
          out[:1500])


def main():
    global O, ENV
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    O = ap.parse_args()
    ENV = dict(os.environ)
    ENV["HOME"] = O.work
    ENV["V6CRAWL_CONFIG"] = ""
    ENV.pop("XDG_CONFIG_HOME", None)
    ENV.pop("V6CRAWL_DB", None)
    db = os.path.join(O.work, "db")
    rc, out, err = run(["crawl", "--db", db, "--quiet"] + base() + [SITE])
    check("a crawl of the world to read", rc == 0, err)
    for part, args in ((usage_errors, [db]), (percentages, [db]),
                       (site_norm, [db]), (help_version, []),
                       (quiet_nodata, [db]), (progress_width, []),
                       (config, [db]), (nightly, []), (idn, [])):
        try:
            part(*args)
        except (ValueError, KeyError, IndexError, TypeError, OSError,
                AttributeError) as e:
            # an output that is not what the checks read: a failure
            check("%s: its outputs can be read" % part.__name__, False,
                  repr(e))
    print("%d passed, %d failed" % (results.count(True),
                                     results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
