#!/usr/bin/env bash
# run-api.sh BACKEND: the API tests (tests/api/*.test.js) against sqlite or postgresql.
# Every test file starts its own server on a free port with a fresh database; for postgresql a
# throwaway cluster is started first (lib/pg.sh) and each file creates its own database on it.
# Writes build/test-results/api-BACKEND.{tap,txt}; the .txt holds one line "PASSED FAILED".
# Extra arguments are passed to node --test (e.g. a file name, or --test-name-pattern=…).
set -euo pipefail
backend=${1:-sqlite}
shift || true
case "$backend" in sqlite|postgresql) ;; *) echo "usage: $0 sqlite|postgresql [files…]" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${ZHILI_TEST_RESULTS:-build/test-results}   # override to keep parallel runs apart
mkdir -p "$out"
out=$(cd "$out" && pwd)
export ZHILI_TEST_RESULTS=$out
tap="$out/api-$backend.tap"
txt="$out/api-$backend.txt"
rm -f "$tap" "$txt"

if [ ! -x build/zhili ] && [ -z "${ZHILI_BIN:-}" ]; then
  echo "run-api: build/zhili missing; build it first (make)" >&2
  echo "0 1" >"$txt"
  exit 1
fi
[ -d tests/node_modules ] || (cd tests && npm ci --no-audit --no-fund --loglevel=error)

unset ZHILI_TEST_PG
if [ "$backend" = postgresql ]; then
  # shellcheck source=lib/pg.sh
  . tests/lib/pg.sh
  pg_start
  echo "run-api: PostgreSQL at $ZHILI_TEST_PG"
fi

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/api/)
status=0
node --test --test-concurrency=2 --test-timeout=180000 \
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
echo "api-$backend: $pass passed, $fail failed"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
