#!/bin/bash
# v6crawl benchmark: a synthetic portal served by nginx + dnsmasq on loopback in
# a private network namespace, crawled by v6crawl, wget2 --spider and
# curl --parallel (-4 and -6).  Prints wall, CPU, peak RSS, requests, ratios.
#
# usage: tests/bench/bench.sh [--large] [--huge] [--keep] [--only TOOLS] [--repeat N] [--tool-timeout SEC]
#   --large          run the ~10k-link portal and the ~100k-link one, print growth
#   --huge           the ~1M-link portal too (after the others; --large is implied; a
#                    bench of its own: never in make check or CI)
#   --keep           keep the work directory (portal, logs, results) and say where
#   --only TOOLS     comma list from: v6crawl,wget2,wget2get,curl4,curl6,blackhole
#                    (default all); blackhole = blackhole.py: 60 links on a host
#                    whose AAAA drops every packet, with the breaker and without
#                    wget2 = wget2 --spider (HEADs every non-HTML link); wget2get =
#                    the same crawl without --spider (GETs everything, --delete-after),
#                    an extra reference that does the same per-request work as v6crawl
#   --repeat N       N rounds, the tools taking turns in each; report the run with the
#                    median CPU and the median of the rounds' ratios (default 1)
#   --tool-timeout   seconds each tool may run (default 600; 3600 with --large, 14400 with --huge)
# env: V6CRAWL  the binary (default ./v6crawl, then the one next to tests/)
#      BENCH_WRAP  a command put before v6crawl's crawl, for a profile, e.g.
#                  BENCH_WRAP="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out"
#                  (the figures of that run are then the wrapper's, not v6crawl's)
#      BENCH_V6ARGS  more options for v6crawl's crawl (e.g. --timeout 60 under valgrind)
#      BENCH_TMP  where the work directory goes (default /tmp)
#
# Runs as root (unshare --net --mount) or as a user (unshare --user
# --map-root-user --net --mount).  Needs nginx, dnsmasq, wget2, curl, iproute2,
# util-linux and /usr/bin/python3 (stdlib only).  Stops by itself: every tool
# runs under a timeout and the whole script under an overall one.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

ARGS=("$@")
LARGE=0 HUGE=0 KEEP=0 ONLY=v6crawl,wget2,wget2get,curl4,curl6,blackhole TOOL_TIMEOUT= REPEAT=1
while [ $# -gt 0 ]; do
    case "$1" in
        --large) LARGE=1 ;;
        --huge) LARGE=1 HUGE=1 ;;
        --keep) KEEP=1 ;;
        --only) ONLY=$2; shift ;;
        --only=*) ONLY=${1#--only=} ;;
        --repeat) REPEAT=$2; shift ;;
        --repeat=*) REPEAT=${1#--repeat=} ;;
        --tool-timeout) TOOL_TIMEOUT=$2; shift ;;
        --tool-timeout=*) TOOL_TIMEOUT=${1#--tool-timeout=} ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$TOOL_TIMEOUT" ] || { [ $HUGE = 1 ] && TOOL_TIMEOUT=14400; } ||
    { [ $LARGE = 1 ] && TOOL_TIMEOUT=3600 || TOOL_TIMEOUT=600; }
case "$REPEAT" in ''|*[!0-9]*|0) echo "bench.sh: --repeat wants a positive number" >&2; exit 2 ;; esac
export LARGE HUGE KEEP ONLY TOOL_TIMEOUT REPEAT

# ---- step 1: re-exec inside private network + mount namespaces ---------------
if [ -z "${V6BENCH_INNS:-}" ]; then
    if [ -z "${V6CRAWL:-}" ]; then
        if [ -x ./v6crawl ]; then V6CRAWL=$PWD/v6crawl; else V6CRAWL=$TOP/v6crawl; fi
    fi
    case "$V6CRAWL" in /*) ;; *) V6CRAWL=$PWD/$V6CRAWL ;; esac
    for t in nginx dnsmasq wget2 curl ip unshare timeout; do
        command -v $t >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
        command -v $t >/dev/null 2>&1 || { echo "bench.sh: $t not found" >&2; exit 2; }
    done
    if [ "$(id -u)" = 0 ]; then NS=(unshare --net --mount)
    else NS=(unshare --user --map-root-user --net --mount); fi
    ntools=$(echo "$ONLY" | tr , '\n' | grep -c .)
    nvar=$((LARGE + HUGE + 1))
    total=$(( (ntools * REPEAT * (TOOL_TIMEOUT + 5) + 300) * nvar + 300 ))
    V6BENCH_REALROOT=0; [ "$(id -u)" = 0 ] && V6BENCH_REALROOT=1
    export V6BENCH_INNS=1 V6BENCH_REALROOT V6CRAWL PATH
    exec timeout --kill-after=20 "$total" "${NS[@]}" /bin/bash "$0" "${ARGS[@]}"
fi

# ---- step 2: inside the namespaces --------------------------------------------
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/v6bench.XXXXXX") || exit 1
NGINX_PID= DNSMASQ_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    [ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        { [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; } ||
        { [ -n "$DNSMASQ_PID" ] && kill -0 "$DNSMASQ_PID" 2>/dev/null; } || break
        sleep 0.2
    done
    [ -n "$NGINX_PID" ] && kill -9 "$NGINX_PID" 2>/dev/null
    [ -n "$DNSMASQ_PID" ] && kill -9 "$DNSMASQ_PID" 2>/dev/null
    if [ "$KEEP" = 1 ]; then echo "bench.sh: work directory kept: $WORK" >&2
    else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'echo "bench.sh: interrupted" >&2; exit 130' INT TERM

die() { echo "bench.sh: $*" >&2; exit 1; }
want() { case ",$ONLY," in *,"$1",*) return 0 ;; esac; return 1; }

# generate the portal(s)
VARIANTS=p10k
[ "$LARGE" = 1 ] && VARIANTS="p10k p100k"
[ "$HUGE" = 1 ] && VARIANTS="p10k p100k p1m"
for v in $VARIANTS; do
    flag=; [ $v = p100k ] && flag=--large; [ $v = p1m ] && flag=--huge
    echo "bench.sh: generating portal $v ..." >&2
    "$PY" "$HERE/genportal.py" --out "$WORK/$v" --root $flag || die "genportal.py failed"
done
P0=$WORK/p10k

# network: loopback only, IPv4 127.0.0.N, IPv6 fd6c:7763::N/128 (nodad)
ip link set lo up || die "cannot bring lo up"
while read -r a; do
    case "$a" in
        *:*) ip -6 addr add "$a" dev lo nodad || die "ip addr add $a" ;;
        127.0.0.1/8) ;;
        *) ip addr add "$a" dev lo 2>/dev/null ;;  # 127/8 is routed to lo anyway
    esac
done < "$P0/addrs"

# names: dnsmasq for v6crawl (--dns-server), /etc/hosts for wget2 (no DNS-server
# option), --resolve for curl.  resolv.conf points at nothing that answers.
mount --bind "$P0/hosts" /etc/hosts || die "cannot bind-mount /etc/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || die "cannot bind-mount /etc/resolv.conf"

mapfile -t DNSARGS < "$P0/dnsmasq.args"
# -d: stay in the foreground and change no user or group (setgroups() is
# denied in a user namespace), so it runs as (namespace) root
dnsmasq -d --port=5353 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --conf-file=/dev/null --user=root --log-facility="$WORK/dnsmasq.log" --log-queries \
    --cache-size=1000 "${DNSARGS[@]}" > /dev/null 2> "$WORK/dnsmasq.err" &
DNSMASQ_PID=$!
for _ in $(seq 50); do grep -q 'started' "$WORK/dnsmasq.log" 2>/dev/null && break; sleep 0.1; done
kill -0 "$DNSMASQ_PID" 2>/dev/null || die "dnsmasq failed: $(cat "$WORK/dnsmasq.err")"

start_nginx() {  # $1 = portal dir
    local n=$1/nginx
    nginx -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" || die "nginx failed: $(tail -3 "$n/logs/error.log")"
    for _ in $(seq 50); do [ -s "$n/nginx.pid" ] && break; sleep 0.1; done
    NGINX_PID=$(cat "$n/nginx.pid")
    NGX=$n
    curl -sf -o /dev/null http://127.0.0.1:8080/status || die "nginx does not answer"
    curl -sf -o /dev/null --resolve www.bench.gov.cn:80:[fd6c:7763::2] http://www.bench.gov.cn/ ||
        die "portal does not answer over IPv6"
}
stop_nginx() {
    [ -n "$NGINX_PID" ] || return 0
    kill "$NGINX_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    NGINX_PID=
}
# CPU ticks (user + system) nginx's master and workers have used so far:
# read before and after each run, so the summary can say how much of the
# 2 cores the server took beside the tool
nginx_ticks() {
    local p t=0 st
    for p in "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null); do
        st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        st=${st##*) }
        # shellcheck disable=SC2086
        set -- $st
        t=$((t + ${12} + ${13}))
    done
    echo "$t"
}
# start a fresh access log before a run; file it under $1 after the run
log_begin() {
    rm -f "$NGX/logs/access.log"
    kill -USR1 "$NGINX_PID"; sleep 0.5
}
log_end() {
    mv "$NGX/logs/access.log" "$1" 2>/dev/null || : > "$1"
    kill -USR1 "$NGINX_PID"; sleep 0.5
}

# v6crawl present and working?
HAVE_V6=0 V6OPTS=
if want v6crawl; then
    if [ -x "$V6CRAWL" ] && "$V6CRAWL" crawl --help > "$WORK/v6help.txt" 2>&1; then
        HAVE_V6=1
        # no --quiet: the progress line's ETA is checked (measure.py --stamp-stderr)
        # the vantage check must reach the portal, not the root servers
        grep -q -- '--vantage ' "$WORK/v6help.txt" && V6OPTS="$V6OPTS --vantage 127.0.0.2:80,[fd6c:7763::2]:80"
    else
        echo "bench.sh: $V6CRAWL missing or 'crawl --help' fails: v6crawl is not measured" >&2
    fi
fi

run() {  # name out-dir k cmd...   (@K@ in an argument becomes the repetition number k)
    local name=$1 res=$2 k=$3 rc a; shift 3
    local argv=()
    for a in "$@"; do argv+=("${a//@K@/$k}"); done
    echo "bench.sh: [$(basename "$(dirname "$res")")] running $name ($k/$REPEAT) ..." >&2
    rm -rf "$res/$name.cwd"; mkdir -p "$res/$name.cwd"
    log_begin
    local q0 n0; q0=$(grep -c 'query\[' "$WORK/dnsmasq.log" 2>/dev/null)
    n0=$(nginx_ticks)
    local stamp=()
    [ "$name" = v6crawl ] && stamp=(--stamp-stderr "$res/$name.$k.progress")
    (cd "$res/$name.cwd" && HOME="$res/$name.cwd" "$PY" "$HERE/measure.py" --json "$res/$name.$k.json" \
        --timeout "$TOOL_TIMEOUT" --stdout "$res/$name.$k.out" --stderr "$res/$name.$k.err" \
        "${stamp[@]}" -- "${argv[@]}")
    rc=$?
    echo $(( $(nginx_ticks) - n0 )) "$(getconf CLK_TCK)" > "$res/$name.$k.nginx"
    log_end "$res/$name.$k.access.log"
    echo $(( $(grep -c 'query\[' "$WORK/dnsmasq.log" 2>/dev/null) - ${q0:-0} )) > "$res/$name.$k.dnsq"
    # expected: wget2 8 (the portal's 404s), curl -6 7 (IPv4-only / refused hosts)
    [ $rc = 0 ] || echo "bench.sh: $name exited with $rc (see $res/$name.$k.err)" >&2
}

DOMAINS=bench.gov.cn,www.gov.cn,ext-a.com.cn,ext-b.org.cn,beian.miit.gov.cn
for v in $VARIANTS; do
    P=$WORK/$v
    RES=$P/results
    mkdir -p "$RES"
    start_nginx "$P"
    # curl config: every URL with its own output, plus the resolve entries
    {
        sed 's/.*/resolve = "&"/' "$P/resolve.args"
        sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$P/urls.txt"
    } > "$P/curl.cfg"
    # The tools take turns, round after round (v6crawl, wget2, ..., then
    # again): the load of a shared machine drifts over minutes, and each
    # round's ratios compare runs made seconds apart.
    for k in $(seq "$REPEAT"); do
        if [ "$HAVE_V6" = 1 ]; then
            mkdir -p "$RES/v6crawl.db.$k"
            # shellcheck disable=SC2086
            run v6crawl "$RES" "$k" ${BENCH_WRAP:-} "$V6CRAWL" crawl --db "$RES/v6crawl.db.@K@" --dns-server 127.0.0.1:5353 \
                --allow-private --timeout 5 --retries 0 $V6OPTS ${BENCH_V6ARGS:-} http://www.bench.gov.cn/
        fi
        if want wget2; then
            run wget2 "$RES" "$k" wget2 --spider -r -l 3 -H --domains="$DOMAINS" --tries=1 --timeout=5 \
                --prefer-family=IPv4 --no-hsts --no-cookies -nv -o "$RES/wget2.@K@.log" http://www.bench.gov.cn/
        fi
        if want wget2get; then
            run wget2get "$RES" "$k" wget2 -r -l 3 -H --domains="$DOMAINS" --delete-after --tries=1 --timeout=5 \
                --prefer-family=IPv4 --no-hsts --no-cookies -nv -o "$RES/wget2get.@K@.log" http://www.bench.gov.cn/
        fi
        for fam in 4 6; do
            want curl$fam || continue
            run curl$fam "$RES" "$k" curl --parallel --parallel-max 32 -s --no-progress-meter -L --max-redirs 5 \
                --connect-timeout 5 --max-time 5 -$fam --config "$P/curl.cfg"
        done
    done
    if [ "$HAVE_V6" = 1 ]; then
        timeout 120 "$V6CRAWL" report --db "$RES/v6crawl.db.1" --format json \
            > "$RES/v6crawl.report.json" 2> "$RES/v6crawl.report.err" ||
            echo "bench.sh: v6crawl report failed (see $RES/v6crawl.report.err)" >&2
    fi
    stop_nginx
done

# the machine the figures are of: the ratios to wget2 and curl move with
# it (what a request costs in the kernel against in user space)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores," \
    "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$HERE/summarize.py" $(for v in $VARIANTS; do echo "$WORK/$v"; done)
if want blackhole; then
    echo "bench.sh: running blackhole.py ..." >&2
    timeout "$TOOL_TIMEOUT" "$PY" "$HERE/blackhole.py" --v6crawl "$V6CRAWL" \
        --work "$WORK/blackhole" || echo "bench.sh: blackhole.py failed" >&2
fi
