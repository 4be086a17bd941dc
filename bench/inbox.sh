#!/usr/bin/env bash
# inbox.sh: the inbox query with a million cases (one in five open, spread over five orgs), on
# SQLite: `zhili bench-seed --cases N`, then wrk on GET /api/v1/tasks as the department
# administrator `finance`, 16 connections.  Writes bench/out/inbox.json.  N = BENCH_CASES
# (default 1,000,000).  Loopback only; everything it starts is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ZHILI_BIN:-$root/build/zhili}
cases=${BENCH_CASES:-1000000}
duration=${BENCH_DURATION:-10}
tmp=$(mktemp -d /tmp/zhili-inbox-bench.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
say() { printf 'bench-inbox: %s\n' "$*" >&2; }

db="sqlite:${BENCH_INBOX_DB:-$tmp/inbox.db}"
if [ -z "${BENCH_INBOX_DB:-}" ]; then
  say "seeding $cases cases …"
  "$bin" bench-seed --db "$db" --users 0 --cases "$cases" --ledger-key "$tmp/key" >/dev/null 2>&1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ZHILI_ACCESS_LOG="$tmp/access.log" "$bin" serve --listen "127.0.0.1:$port" --db "$db" \
  --ledger-key "$tmp/key" --web-root "$root/web/dist" 2>"$tmp/serve.log" &
pid=$!
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
curl -sf -c "$tmp/c" -H 'Content-Type: application/json' \
  -d '{"username":"finance","password":"Zhili@2026"}' "$base/auth/login" >/dev/null
cookie=$(awk '$6=="zl_session" {print "zl_session=" $7}' "$tmp/c")
page=$(curl -sf -b "$tmp/c" "$base/tasks?limit=50" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
say "finance's first page holds $page tasks; GET /api/v1/tasks for ${duration}s at 16 connections …"
ZL_BENCH_DIR="$root/bench" ZL_COOKIE="$cookie" wrk -t2 -c16 -d"${duration}s" --latency \
  -s "$root/bench/inbox.lua" "http://127.0.0.1:$port/" > "$tmp/wrk.txt" 2>&1 || true
result=$(sed -n 's/^ZLBENCH //p' "$tmp/wrk.txt" | tail -1)
mkdir -p "$root/bench/out"
python3 - "$result" "$cases" "$page" > "$root/bench/out/inbox.json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(json.dumps({"cases": int(sys.argv[2]), "page_items": int(sys.argv[3]), "rps": r["rps"],
  "p50_us": r["p50_us"], "p99_us": r["p99_us"], "errors": r["errors"],
  "target": "p99 < 10 ms at 16 connections", "target_met": r["p99_us"] < 10000}, indent=2))
PY
python3 -c "import json; d=json.load(open('$root/bench/out/inbox.json')); print('inbox with %d cases: %.0f req/s, p50 %.2f ms, p99 %.2f ms (target p99 < 10 ms) %s' % (d['cases'], d['rps'], d['p50_us']/1000, d['p99_us']/1000, 'PASS' if d['target_met'] else 'MISS'))"
