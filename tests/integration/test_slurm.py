#!/usr/bin/python3
"""A real engine runs a sharded night (issue 11, item 4): a single-node
Slurm cluster of this test's own (Debian's slurm-wlm and munge: munged,
slurmctld and slurmd started here with their config, state, spool, log
and socket in the work directory, on 127.0.11.20, and stopped at the end)
runs contrib/slurm/v6crawl-night.sh: the shards as a job array
(SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT give K/N) and the merge
as a job depending on the array. The merged run's report, links and
fixes are those of one process crawling every site.

The web and DNS world is test_shard.py's (127.0.11.x, fd6c:7011::x), on
8 of its sites. When Slurm cannot start here (a binary missing, a daemon
that exits, a node that never comes up), the test says why and skips
the cluster checks: it prints no "ok" line for them and never fakes one.

    test_slurm.py --world DIR --work DIR --v6crawl PATH

Prints "ok - ..." lines and ends with "N passed, N failed".
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import test_shard
from test_shard import T, check, outputs, compare, results

ADDR = "127.0.11.20"
SITES = test_shard.SITES[:8]
LABEL = "slurm-night"
TOP = os.environ.get("TOP_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
DAEMONS = ("munged", "slurmctld", "slurmd")


class Skip(Exception):
    pass


def which(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def tail(path, n=8):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(f.read().splitlines()[-n:])
    except OSError:
        return "(no log)"


def mem_mb():
    """The node's memory for slurm.conf: what slurmd finds, or less."""
    with open("/proc/meminfo") as f:
        kb = int(f.readline().split()[1])
    return max(256, kb // 1024 - 64)


def slurm_conf(d):
    host = socket.gethostname()
    return """ClusterName=v6crawltest
SlurmctldHost={host}({addr})
SlurmctldPort=7011
SlurmdPort=7012
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={d}/munge.sock
CredType=cred/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName={host} NodeAddr={addr} CPUs=2 RealMemory={mem} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""".format(host=host, addr=ADDR, d=d, mem=mem_mb())


def slurm_up(d, env):
    """munged, slurmctld and slurmd of this test in @d; raises Skip with
    the reason when they cannot run here."""
    for b in ("mungekey",) + DAEMONS + ("sbatch", "squeue", "sinfo",
                                         "scontrol"):
        if not which(b):
            raise Skip("%s not found (Debian: slurm-wlm, munge)" % b)
    for sub in ("state", "spool", "log"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    os.chmod(d, 0o700)
    subprocess.run(["ip", "addr", "add", ADDR + "/32", "dev", "lo"],
                   check=False, stderr=subprocess.DEVNULL)
    key = os.path.join(d, "munge.key")
    r = subprocess.run([which("mungekey"), "-c", "-k", key],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip("mungekey: " + r.stderr.strip())
    os.chmod(key, 0o400)
    r = subprocess.run([which("munged"), "--force", "--socket=%s/munge.sock"
                        % d, "--key-file=" + key,
                        "--pid-file=%s/munged.pid" % d,
                        "--log-file=%s/log/munged.log" % d,
                        "--seed-file=%s/munge.seed" % d],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip("munged does not start: %s %s" % (
            r.stderr.strip(), tail(d + "/log/munged.log")))
    with open(env["SLURM_CONF"], "w") as f:
        f.write(slurm_conf(d))
    for daemon, args in (("slurmctld", ["-i"]), ("slurmd", [])):
        r = subprocess.run([which(daemon)] + args + ["-f", env["SLURM_CONF"]],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise Skip("%s does not start: %s %s" % (
                daemon, r.stderr.strip(), tail("%s/log/%s.log" %
                                               (d, daemon))))
    for _ in range(100):
        r = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True,
                           text=True, env=env)
        if r.stdout.strip() == "idle":
            return
        time.sleep(0.2)
    raise Skip("the node never came up (sinfo: %r): %s" % (
        r.stdout.strip() or r.stderr.strip(), tail(d + "/log/slurmd.log")))


def our_stepds(conf):
    """The slurmstepd processes of our cluster (their SLURM_CONF is ours):
    a job step outlives a slurmd stopped while it runs."""
    pids = []
    for p in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if not f.read().startswith(b"slurmstepd"):
                    continue
            with open("/proc/%s/environ" % p, "rb") as f:
                if ("SLURM_CONF=" + conf).encode() in f.read().split(b"\0"):
                    pids.append(int(p))
        except (OSError, ValueError):
            continue
    return pids


def slurm_down(d):
    """Stop the daemons this test started (by their pid files), and the
    job steps they left."""
    pids = []
    for pid in our_stepds(os.path.join(d, "slurm.conf")):
        try:
            os.kill(pid, 9)  # a step ignores SIGTERM without its slurmd
            pids.append(pid)
        except ProcessLookupError:
            pass
    for daemon in reversed(DAEMONS):
        try:
            with open("%s/%s.pid" % (d, daemon)) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 15)
            pids.append(pid)
        except ProcessLookupError:
            pass
    for pid in pids:
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    subprocess.run(["ip", "addr", "del", ADDR + "/32", "dev", "lo"],
                   check=False, stderr=subprocess.DEVNULL)


def job_field(env, job, field):
    """@field of every record of `scontrol show job @job` (an array: one
    per task)."""
    r = subprocess.run(["scontrol", "-o", "show", "job", str(job)],
                       capture_output=True, text=True, env=env)
    return re.findall(r"\b%s=(\S+)" % field, r.stdout)


def test_slurm(d, env):
    sites = os.path.join(T.work, "sites.txt")
    test_shard.write_sites(sites, SITES)
    whole = os.path.join(T.work, "whole")
    rc, out, err = test_shard.run(test_shard.crawl_args(whole, [
        "--sites", sites, "--run-label", LABEL]))
    check("the whole crawl of 8 sites exits 0", rc == 0, err)
    opts = test_shard.crawl_args("x")[3:]  # the options after --db x
    job_env = dict(env, SITES=sites, SHARDS=os.path.join(T.work, "shards"),
                   CENTRAL=os.path.join(T.work, "central"), N="4",
                   LABEL=LABEL, V6CRAWL=T.v6crawl,
                   V6CRAWL_OPTS=" ".join(opts),
                   SBATCH_OPTS="--output=%s/%%x-%%A_%%a.out" % d)
    r = subprocess.run(["sh", os.path.join(TOP, "contrib", "slurm",
                                           "v6crawl-night.sh")],
                       capture_output=True, text=True, env=job_env)
    m = re.search(r"shards: job (\d+) .*merge: job (\d+)", r.stdout)
    check("v6crawl-night.sh submits the array and the merge",
          r.returncode == 0 and m, (r.stdout, r.stderr))
    if not m:
        return
    array, merge = m.group(1), m.group(2)
    check("the merge job depends on the array",
          job_field(env, merge, "Dependency") in (
              ["afterany:%s_*" % array], ["afterany:%s_*(unfulfilled)"
                                          % array]),
          job_field(env, merge, "Dependency"))
    deadline = time.time() + 90
    while time.time() < deadline:
        state = job_field(env, merge, "JobState")
        if state and state[0] not in ("PENDING", "RUNNING", "COMPLETING"):
            break
        time.sleep(0.5)
    tasks = job_field(env, array, "JobState")
    check("the 4 array tasks completed", tasks == ["COMPLETED"] * 4,
          (tasks, tail("%s/log/slurmctld.log" % d)))
    check("the merge job completed (exit 0)",
          job_field(env, merge, "JobState") == ["COMPLETED"] and
          job_field(env, merge, "ExitCode") == ["0:0"],
          (job_field(env, merge, "JobState"),
           [tail(os.path.join(d, f)) for f in sorted(os.listdir(d))
            if f.endswith(".out")]))
    starts = job_field(env, merge, "StartTime")
    ends = job_field(env, array, "EndTime")
    check("the merge started after every task of the array ended",
          starts and len(ends) == 4 and all(e <= starts[0] for e in ends),
          (starts, ends))
    outs = [f for f in os.listdir(d) if f.startswith("v6crawl-merge-")]
    text = ""
    if outs:
        with open(os.path.join(d, outs[0])) as f:
            text = f.read()
    check("the merge took shard K/4 from task K, complete",
          all("shard %d/4  %s/shards/%s/shard-%d run 1" %
              (k, T.work, LABEL, k) in text for k in range(4)) and
          "4 of 4 shards merged, complete" in text, text)
    central = job_env["CENTRAL"]
    runs = test_shard.runs_json(central)
    check("the central store has one complete run",
          runs and len(runs) == 1 and runs[0]["complete"] is True, runs)
    check("the night's HTML report was written",
          os.path.exists(os.path.join(T.work, LABEL + ".html")) and
          os.path.getsize(os.path.join(T.work, LABEL + ".html")) > 1000)
    compare("Slurm", outputs(whole, 1), outputs(central, runs[0]["id"]
                                          if runs else 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world")
    ap.add_argument("--work", required=True)
    ap.add_argument("--v6crawl", required=True)
    o = ap.parse_args()
    T.v6crawl, T.work = o.v6crawl, o.work
    d = os.path.join(T.work, "slurm")
    os.makedirs(d, exist_ok=True)
    env = dict(os.environ, SLURM_CONF=os.path.join(d, "slurm.conf"))
    world = test_shard.world_up()
    try:
        try:
            slurm_up(d, env)
        except Skip as e:
            print("# skip: Slurm cannot run here: %s" % e)
        else:
            test_slurm(d, env)
    finally:
        slurm_down(d)
        test_shard.world_down(world)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
