#!/usr/bin/env bash
# Builds everything and runs every test (lit + FileCheck and GoogleTest,
# through ctest), then prints the totals of each suite.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$root/build"

"$root/tools/scripts/setup-deps.sh"
"$root/tools/scripts/build.sh"

status=0
ctest --test-dir "$build" --output-on-failure || status=$?

log="$build/Testing/Temporary/LastTest.log"
echo "== test totals =="
if [[ -f "$log" ]]; then
  lit_total=$(grep -m1 -o 'Total Discovered Tests: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  lit_passed=$(grep -m1 -E '^\s*Passed *: *[0-9]+' "$log" | grep -o ': *[0-9]*' | grep -o '[0-9]*' || echo 0)
  lit_failed=$(grep -m1 -E '^\s*Failed *: *[0-9]+' "$log" | grep -o ': *[0-9]*' | grep -o '[0-9]*' || echo 0)
  echo "lit:        ${lit_passed} passed, ${lit_failed} failed, of ${lit_total} tests"
  # Sums the first number of every match of $1 in the log.
  sum() { grep -o "$1" "$log" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) {s += $i; break}} END {print s + 0}'; }
  echo "GoogleTest: $(sum '\[  PASSED  \] [0-9]* test') passed, $(sum '\[  FAILED  \] [0-9]* test') failed, of $(sum '\[==========\] [0-9]* tests* from [0-9]* test suites* ran') tests"
fi
exit "$status"
