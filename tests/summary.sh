#!/usr/bin/env bash
# summary.sh: add up build/test-results/*.txt (each one line "PASSED FAILED") and print one line
# per stage, then a last line "N passed, N failed". Exits 1 when a test failed or when one of the
# stages (unit, api-sqlite, api-postgresql, browser) left no result file.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="${ZHILI_TEST_RESULTS:-$root/build/test-results}"
stages=(unit api-sqlite api-postgresql browser)
passed=0 failed=0 missing=0
for s in "${stages[@]}"; do
  [ -f "$dir/$s.txt" ] || { echo "$s: missing (no $dir/$s.txt)"; missing=1; }
done
shopt -s nullglob
for f in "$dir"/*.txt; do
  name=$(basename "$f" .txt)
  read -r p q _ <"$f" || true
  if ! [[ ${p:-} =~ ^[0-9]+$ && ${q:-} =~ ^[0-9]+$ ]]; then
    echo "$name: unreadable result '$(head -c 80 "$f")'"
    missing=1
    continue
  fi
  echo "$name: $p passed, $q failed"
  passed=$((passed + p))
  failed=$((failed + q))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$missing" -eq 0 ]
