#!/bin/sh
# Integration tests against the test world (tests/world/world.py): real nginx
# and dnsmasq on loopback inside a private network namespace, so nothing here
# touches the real network.
#
# make check runs it with V6CRAWL (the binary) and TOP_SRCDIR set; by hand:
#   V6CRAWL=./v6crawl tests/integration/run.sh
# Set V6CRAWL_KEEP=1 to keep the work directory (world, logs, stores).
# Set V6CRAWL_TESTS to a space-separated list of script names (test_dns
# test_faults) to run only those, after test_world, while working on them.
#
# Exit: 0 all passed, 1 a check failed, 77 (automake SKIP) when the namespace
# or the servers are not available here, 99 when the world cannot start.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=${TOP_SRCDIR:-$(cd "$here/../.." && pwd)}
V6CRAWL=${V6CRAWL:-$top/v6crawl}
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
export V6CRAWL TOP_SRCDIR="$top" PY

if [ -z "${V6CRAWL_IN_NETNS:-}" ]; then
  for tool in unshare ip nginx dnsmasq openssl curl "$PY"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
      echo "SKIP: $tool not found (the test world needs it)"
      exit 77
    fi
  done
  if [ "$(id -u)" = 0 ]; then
    set -- unshare --net
  else
    set -- unshare --user --map-root-user --net
  fi
  if ! "$@" true 2>/dev/null; then
    echo "SKIP: cannot create a network namespace ($*)"
    exit 77
  fi
  V6CRAWL_IN_NETNS=1 exec "$@" -- /bin/sh "$here/run.sh"
fi

# From here on: inside the private network namespace.
PATH=$PATH:/usr/sbin:/sbin
# The delegation walk's root servers (crawl --dns-root): never the real
# ones (data/root-servers.txt), which have no route here anyway; nothing
# listens at [::1]:9, so every walk ends at once. test_deleg.py gives its
# own root with --dns-root.
V6CRAWL_DNS_ROOT=${V6CRAWL_DNS_ROOT:-[::1]:9}
export V6CRAWL_DNS_ROOT
# The vantage check connects to the world's own nginx (tests/world/world.py:
# 127.0.0.2:80 and [fd6c:7763::2]:80) instead of the DNS root servers, so
# every script keeps a working vantage without passing --vantage.
V6CRAWL_VANTAGE=127.0.0.2:80,[fd6c:7763::2]:80
export V6CRAWL_VANTAGE
# No configuration file of this machine or user (/etc/v6crawl/v6crawl.conf,
# ~/.config/v6crawl/config) is read: "" reads none. test_cli.py gives its
# own.
V6CRAWL_CONFIG=
export V6CRAWL_CONFIG
ip link set lo up || exit 99
work=$(mktemp -d "${TMPDIR:-/tmp}/v6crawl-it.XXXXXX") || exit 99
world=$work/world
cleanup() {
  "$PY" "$top/tests/world/world.py" down "$world" 2>/dev/null
  if [ -n "${V6CRAWL_KEEP:-}" ]; then
    echo "# kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "# world: $world"
if ! "$PY" "$top/tests/world/world.py" up "$world"; then
  echo "not ok - the test world starts"
  [ -f "$world/error.log" ] && sed 's/^/# nginx: /' "$world/error.log"
  exit 99
fi

# 1. The world itself: every host behaves as its class says.
"$PY" "$top/tests/world/world.py" check "$world" >"$work/check.out" 2>&1
check_rc=$?
sed '$d' "$work/check.out" | sed 's/^\(not \)\{0,1\}ok - /&world: /'
check_sum=$(tail -n 1 "$work/check.out")

# 2. v6crawl against the world: test_world.py first, then every other
# tests/integration/test_*.py, each given the same world and its own work
# directory; each ends with "N passed, N failed".
sum() { echo "$1" | sed -n "s/^\([0-9]*\) passed, \([0-9]*\) failed$/\\$2/p"; }
p=$(sum "$(tail -n 1 "$work/check.out")" 1)
f=$(sum "$(tail -n 1 "$work/check.out")" 2)
p=${p:-0}; f=${f:-1}
[ "$check_rc" = 0 ] || [ "$f" != 0 ] || f=1
for t in "$here/test_world.py" $(ls "$here"/test_*.py | grep -v '/test_world.py$'); do
  name=$(basename "$t" .py)
  if [ -n "${V6CRAWL_TESTS:-}" ] && [ "$name" != test_world ]; then
    case " $V6CRAWL_TESTS " in *" $name "*) ;; *) continue ;; esac
  fi
  mkdir -p "$work/$name"
  "$PY" "$t" --world "$world" --work "$work/$name" \
    --v6crawl "$V6CRAWL" >"$work/$name.out" 2>&1
  rc=$?
  cat "$work/$name.out"
  last=$(tail -n 1 "$work/$name.out")
  tp=$(sum "$last" 1); tf=$(sum "$last" 2)
  if [ -z "$tp" ]; then tp=0; tf=1; fi
  [ "$rc" = 0 ] || [ "$tf" != 0 ] || tf=1
  echo "# $name: $last"
  [ "$tf" = 0 ] || failed="${failed:-}$name: $(grep -c '^not ok' "$work/$name.out") not ok, $last
$(grep '^not ok' "$work/$name.out")
"
  p=$((p + tp)); f=$((f + tf))
done
echo "# world check: $check_sum"
# the failures again, last, where a log's tail (CI's) shows them
if [ -n "${failed:-}" ]; then
  echo "# failed:"
  printf '%s' "$failed" | sed 's/^/#   /'
fi
echo "$p passed, $f failed"
[ "$f" = 0 ]
