#!/usr/bin/env bash
# run-browser.sh: the browser tests (tests/browser/*.test.js) in headless Debian chromium against a
# SQLite server serving web/dist. Writes build/test-results/browser.{tap,txt} ("PASSED FAILED")
# and screenshots to build/test-results/shots/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${ZHILI_TEST_RESULTS:-build/test-results}   # override to keep parallel runs apart
mkdir -p "$out/shots"
out=$(cd "$out" && pwd)
export ZHILI_TEST_RESULTS=$out
tap="$out/browser.tap"
txt="$out/browser.txt"
rm -f "$tap" "$txt"
fail() { echo "run-browser: $*" >&2; echo "0 1" >"$txt"; exit 1; }
[ -x build/zhili ] || [ -n "${ZHILI_BIN:-}" ] || fail "build/zhili missing; build it first (make)"
[ -f "${ZHILI_WEB_ROOT:-web/dist}/index.html" ] || fail "web/dist missing; build the web app first"
[ -x "${ZHILI_CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium missing (apt-get install chromium)"
[ -d tests/node_modules/playwright-core ] || (cd tests && npm ci --no-audit --no-fund --loglevel=error)
unset ZHILI_TEST_PG
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/browser/)
status=0
node --test --test-concurrency=1 --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}" || status=$?
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1)
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -1)
pass=${pass:-0}
fail=$(( ${fail:-0} + ${cancelled:-0} ))
[ "$status" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass $fail" >"$txt"
echo "browser: $pass passed, $fail failed (screenshots in $out/shots)"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
