#!/bin/sh
# tests/fuzz/replay.sh - "make check" test: run each fuzz target's replay
# binary over its seed corpus (fuzz_X.in/) and saved crashes (fuzz_X.repro/).
# Binaries come from the build tree (the current directory under make
# check, or BUILDDIR), corpora from the source tree (TOP_SRCDIR, srcdir or
# this script's location).
set -u
top=${TOP_SRCDIR:-${srcdir:-$(dirname "$0")/../..}}
build=${BUILDDIR:-.}
rc=0
for t in html url robots; do
  bin=$build/tests/fuzz/replay_$t
  if [ ! -x "$bin" ]; then
    echo "replay.sh: $bin missing" >&2
    rc=1
    continue
  fi
  if ! "$bin" "$top/tests/fuzz/fuzz_$t.in" "$top/tests/fuzz/fuzz_$t.repro"; then
    echo "replay.sh: fuzz_$t replay failed" >&2
    rc=1
  fi
done
# the store reader: the corpus of damaged stores is written at check time
# (tests/fuzz/gen_store.c), into the build tree
gen=$build/tests/fuzz/fuzz_store.gen
rm -rf "$gen"
if ! "$build/tests/fuzz/gen_store" "$gen"; then
  echo "replay.sh: gen_store failed" >&2
  rc=1
elif ! "$build/tests/fuzz/replay_store" "$gen" \
    "$top/tests/fuzz/fuzz_store.repro"; then
  echo "replay.sh: fuzz_store replay failed" >&2
  rc=1
fi
rm -rf "$gen"
exit $rc
