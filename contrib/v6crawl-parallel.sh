#!/bin/sh
# A night over a few machines with GNU parallel and ssh: shard K of N on
# whichever host is free, each store copied back, then one merge here.
#
#   HOSTS=2/crawl1,2/crawl2 N=8 SITES=portals.txt contrib/v6crawl-parallel.sh
#
# Each host needs v6crawl and the sites file at the same path
# (--basefile copies it); 2/crawl1 runs two shards at a time there.
set -eu
: "${HOSTS:?e.g. 2/crawl1,2/crawl2}" "${SITES:?}"
N=${N:-4}
LABEL=${LABEL:-$(date +%Y-%m-%d)}
CENTRAL=${CENTRAL:-$HOME/.local/share/v6crawl}
mkdir -p "shards/$LABEL"
# the line that does the work: one job per shard, the store back by rsync
parallel --sshlogin "$HOSTS" --basefile "$SITES" --return "shards/$LABEL/shard-{}" \
  --cleanup \
  "mkdir -p shards/$LABEL && v6crawl crawl --quiet --sites $SITES --shard {}/$N --run-label $LABEL --db shards/$LABEL/shard-{}" \
  ::: $(seq 0 $((N - 1))) || true
v6crawl merge --db "$CENTRAL" --run-label "$LABEL" "shards/$LABEL"/shard-*
