#!/bin/sh
# Sum the results of every test log under the given build directories:
# Check runners' "Checks: N, Failures: F, Errors: E" lines and the
# integration suite's "N passed, N failed" line. Prints one closing line
# "N passed, N failed" (the line CI reads) and exits 1 if anything failed
# or no test ran.
passed=0
failed=0
for dir in "$@"; do
  for log in $(find "$dir" -name '*.log' -path '*tests/*' ! -name 'test-suite.log'); do
    line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -1)
    if [ -n "$line" ]; then
      n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
      f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
      e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
      passed=$((passed + n - f - e))
      failed=$((failed + f + e))
      continue
    fi
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [ -n "$line" ]; then
      p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
      f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
      passed=$((passed + p))
      failed=$((failed + f))
      continue
    fi
    # A test that printed no summary (crashed early) counts as one failure
    # unless its .trs says it passed.
    trs="${log%.log}.trs"
    if [ -f "$trs" ] && grep -q '^:test-result: PASS' "$trs"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
