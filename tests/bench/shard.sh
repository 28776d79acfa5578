#!/bin/sh
# The sharded path's benchmark (issue 11): 200 synthetic sites served by
# nginx with dnsmasq for the names, on loopback in a private network
# namespace; crawled once by one process (1 shard) and once by 4 shard
# processes at the same time, then merged. Prints the wall and CPU time of
# each (measure.py: the child tree's rusage), and of the merge.
#
# usage: tests/bench/shard.sh [--sites N] [--shards N] [--keep]
# env: V6CRAWL (default ./v6crawl), BENCH_TMP (default /tmp)
# Runs as root (unshare --net) or as a user (unshare --user
# --map-root-user --net). Needs nginx, dnsmasq, iproute2, python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if [ -z "${V6BENCH_INNS:-}" ]; then
  V6CRAWL=${V6CRAWL:-$PWD/v6crawl}
  [ -x "$V6CRAWL" ] || V6CRAWL=$here/../../v6crawl
  export V6CRAWL
  PATH=$PATH:/usr/sbin:/sbin
  for t in nginx dnsmasq ip unshare; do
    command -v $t >/dev/null 2>&1 || { echo "shard.sh: $t not found" >&2; exit 2; }
  done
  if [ "$(id -u)" = 0 ]; then ns="unshare --net"; else
    ns="unshare --user --map-root-user --net"; fi
  V6BENCH_INNS=1 PATH=$PATH exec $ns -- /bin/sh "$0" "$@"
fi
ip link set lo up || exit 2
exec "$PY" "$here/shardbench.py" "$@"
