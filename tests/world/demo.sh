#!/bin/sh
# Demo: crawl the test world and print the report. Nothing is built and
# nothing touches the real network: the world (nginx + dnsmasq on loopback,
# two portal sites with hosts of every class) lives in a private network
# namespace that disappears when this script ends.
#
#   tests/world/demo.sh            uses ./v6crawl from the top directory
#   V6CRAWL=/path/to/v6crawl tests/world/demo.sh [report options...]
#
# Extra arguments go to `v6crawl report`, e.g. `--format json`.
set -u

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
"$V6CRAWL" crawl --db "$work/db" --dns-server 127.0.0.1:5353 \
  --cacert "$work/world/ca.pem" --allow-private --timeout 3 --retries 1 \
  $(cat "$work/world/sites.txt") || exit $?
"$V6CRAWL" report --db "$work/db" "$@"
