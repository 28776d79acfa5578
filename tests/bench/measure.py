#!/usr/bin/python3
"""Run a command and measure it: wall seconds, user+sys CPU seconds of the
child tree (wait4 rusage: the child and every descendant it waited for),
peak RSS (MiB, largest single process of the tree).

usage: measure.py --json OUT.json [--timeout SEC] [--stdout F] [--stderr F]
                  [--stamp-stderr F] -- CMD ARGS...

--stamp-stderr F: stderr is a pseudo-terminal (so a program that draws a
progress line only on a terminal draws it); every line of it (ended by CR
or LF, so each redraw of a progress line) goes to F as "SECONDS<TAB>TEXT",
SECONDS since the start, and the raw bytes to --stderr as before.

Exit status: the command's (124 if it was killed on timeout).
"""
import argparse
import json
import os
import pty
import re
import signal
import sys
import threading
import time


def stamp_reader(fd, raw, stamped, t0):
    """Copy the pipe @fd to the file descriptor @raw, and its lines with
    the time they came to the file @stamped. A line is stamped with the
    time its last byte came, not its end: a progress line is drawn as
    "\\r text" and ends only when the next one is drawn."""
    buf, buf_t = b"", 0.0
    with open(stamped, "w") as out:

        def emit():
            line = buf.decode("utf-8", "replace").replace("\x1b[K", "")
            if line:
                out.write("%.3f\t%s\n" % (buf_t, line))

        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                chunk = b""
            if not chunk:
                break
            now = time.monotonic() - t0
            os.write(raw, chunk)
            for piece in re.split(rb"([\r\n])", chunk):
                if piece in (b"\r", b"\n"):
                    emit()
                    buf = b""
                elif piece:
                    buf, buf_t = buf + piece, now
        emit()


def rss_sampler(pid, peak, stop):
    """The largest RssAnon and RssFile of @pid (KiB), read every 50 ms
    into @peak until @stop is set: what the peak RSS is made of. With
    BENCH_RSS_TRACE=FILE every sample is also written there as "seconds
    anon_kib file_kib", to see when the peak comes."""
    trace_path = os.environ.get("BENCH_RSS_TRACE")
    trace = open(trace_path, "w") if trace_path else None
    t0 = time.monotonic()
    while not stop.is_set():
        cur = {}
        try:
            with open("/proc/%d/status" % pid) as f:
                for ln in f:
                    k, _, v = ln.partition(":")
                    if k in ("RssAnon", "RssFile"):
                        cur[k] = int(v.split()[0])
                        peak[k] = max(peak.get(k, 0), cur[k])
        except (OSError, ValueError):
            pass
        if trace and cur:
            trace.write("%.2f %d %d\n" % (time.monotonic() - t0,
                                          cur.get("RssAnon", 0),
                                          cur.get("RssFile", 0)))
        stop.wait(0.05)
    if trace:
        trace.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--stdout", default="/dev/null")
    ap.add_argument("--stderr", default="/dev/null")
    ap.add_argument("--stamp-stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    out = os.open(a.stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(a.stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    rd = wr = None
    if a.stamp_stderr:
        rd, wr = pty.openpty()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()  # own process group, so a timeout kills the whole tree
            os.dup2(out, 1)
            os.dup2(wr if wr is not None else err, 2)
            if rd is not None:
                os.close(rd)
                os.close(wr)
            os.execvp(cmd[0], cmd)
        except OSError as e:
            os.write(2, ("measure.py: %s: %s\n" % (cmd[0], e)).encode())
        os._exit(127)
    reader = None
    if rd is not None:
        os.close(wr)
        reader = threading.Thread(target=stamp_reader, args=(rd, err, a.stamp_stderr, t0))
        reader.start()
    timed_out = False
    peak, stop = {}, threading.Event()
    sampler = threading.Thread(target=rss_sampler, args=(pid, peak, stop), daemon=True)
    sampler.start()

    def on_alarm(signum, frame):
        nonlocal timed_out
        timed_out = True
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def on_term(signum, frame):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        sys.exit(143)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    signal.setitimer(signal.ITIMER_REAL, a.timeout)
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.monotonic() - t0
    stop.set()
    # anything left in the group (daemonised grandchildren) goes too
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if reader:
        reader.join(10)
    rc = os.waitstatus_to_exitcode(status)
    if timed_out:
        rc = 124
    res = {
        "cmd": cmd, "rc": rc, "timed_out": timed_out,
        "wall_s": round(wall, 3),
        "user_s": round(ru.ru_utime, 3), "sys_s": round(ru.ru_stime, 3),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
        "maxrss_mib": round(ru.ru_maxrss / 1024.0, 1),
        "minflt": ru.ru_minflt, "majflt": ru.ru_majflt,
        "peak_anon_mib": round(peak.get("RssAnon", 0) / 1024.0, 1),
        "peak_file_mib": round(peak.get("RssFile", 0) / 1024.0, 1),
    }
    with open(a.json, "w") as f:
        json.dump(res, f)
    sys.exit(rc if 0 <= rc < 256 else 128 + (-rc))


if __name__ == "__main__":
    main()
