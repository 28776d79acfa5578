#!/bin/sh
# Demo: crawl the test world and print the report. Nothing is built and
# nothing touches the real network: the world (nginx + dnsmasq on loopback,
# two portal sites with hosts of every class) lives in a private network
# namespace that disappears when this script ends.
#
#   tests/world/demo.sh            uses ./v6crawl from the top directory
#   V6CRAWL=/path/to/v6crawl tests/world/demo.sh [report options...]
#   tests/world/demo.sh --keep DIR [report options...]
#
# Extra arguments go to `v6crawl report`, e.g. `--format json`. With
# --keep DIR the store is DIR and stays when the world is gone: `v6crawl
# report --db DIR --format html -o demo.html` afterwards.
set -u
keep=
if [ "${1:-}" = --keep ]; then
  if [ $# -lt 2 ] || [ -z "$2" ]; then
    echo "demo: --keep needs a directory" >&2
    exit 2
  fi
  case $2 in
    /*) keep=$2 ;;
    *) keep=$(pwd)/$2 ;;
  esac
  shift 2
  if [ -e "$keep/data.mdb" ]; then
    echo "demo: $keep has a store already; give a new directory" >&2
    exit 2
  fi
  set -- --keep "$keep" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
V6CRAWL=${V6CRAWL:-$top/v6crawl}
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
export V6CRAWL PY

if [ -z "${V6CRAWL_IN_NETNS:-}" ]; then
  if [ ! -x "$V6CRAWL" ]; then
    echo "demo: $V6CRAWL not found; build it first (./configure && make)" >&2
    exit 2
  fi
  if [ "$(id -u)" = 0 ]; then
    set -- unshare --net -- /bin/sh "$here/demo.sh" "$@"
  else
    set -- unshare --user --map-root-user --net -- /bin/sh "$here/demo.sh" "$@"
  fi
  V6CRAWL_IN_NETNS=1 exec "$@"
fi

PATH=$PATH:/usr/sbin:/sbin
if [ "${1:-}" = --keep ]; then
  keep=$2
  shift 2
fi
# no configuration file of the user's: the demo crawls the same world
# the same way everywhere
V6CRAWL_CONFIG=
export V6CRAWL_CONFIG
# the delegation walk's root (crawl --dns-root): nothing listens there
V6CRAWL_DNS_ROOT=${V6CRAWL_DNS_ROOT:-[::1]:9}
export V6CRAWL_DNS_ROOT
# the vantage check connects to the world's nginx, not the root servers
V6CRAWL_VANTAGE=127.0.0.2:80,[fd6c:7763::2]:80
export V6CRAWL_VANTAGE
work=$(mktemp -d "${TMPDIR:-/tmp}/v6crawl-demo.XXXXXX") || exit 1
trap '"$PY" "$here/world.py" down "$work/world"; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

"$PY" "$here/world.py" up "$work/world" || exit 1
echo "# the world: $(tr '\n' ' ' <"$work/world/sites.txt")" >&2
# shellcheck disable=SC2046
db=${keep:-$work/db}
"$V6CRAWL" crawl --db "$db" --dns-server 127.0.0.1:5353 \
  --cacert "$work/world/ca.pem" --allow-private --timeout 3 --retries 1 \
  $(cat "$work/world/sites.txt") || exit $?
"$V6CRAWL" report --db "$db" "$@"
rc=$?
[ -z "$keep" ] || echo "# the store is kept in $keep: v6crawl report --db $keep" >&2
exit $rc
