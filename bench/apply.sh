#!/usr/bin/env bash
# apply.sh: creating applications over HTTP (form check, case, first task, audit rows, log leaves,
# all in one durable transaction) on SQLite: wrk, 16 connections, BENCH_DURATION seconds.
# Writes bench/out/apply.json.  Loopback only; everything it starts is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ZHILI_BIN:-$root/build/zhili}
duration=${BENCH_DURATION:-10}
tmp=$(mktemp -d /tmp/zhili-apply-bench.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; grep -h "WAL syncs" "$tmp/serve.log" >&2 || true; rm -rf "$tmp"; }
trap cleanup EXIT
say() { printf 'bench-apply: %s\n' "$*" >&2; }

db="sqlite:$tmp/apply.db"
"$bin" seed-demo --db "$db" --ledger-key "$tmp/key" >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ZHILI_ACCESS_LOG="$tmp/access.log" ZHILI_LOGIN_RATE_PER_MINUTE=100000 "$bin" serve \
  --listen "127.0.0.1:$port" --db "$db" --ledger-key "$tmp/key" --web-root "$root/web/dist" 2>"$tmp/serve.log" &
pid=$!
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
login() {	# login USER → prints "cookie csrf"
  curl -sf -c "$tmp/c_$1" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Zhili@2026\"}" "$base/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])'
}
acsrf=$(login admin)
org=$(curl -sf -b "$tmp/c_admin" "$base/orgs?q=GSCZT" | python3 -c 'import json,sys; print([o["id"] for o in json.load(sys.stdin)["items"] if o["code"]=="GSCZT"][0])')
item=$(curl -s -b "$tmp/c_admin" -H "X-CSRF-Token: $acsrf" -H 'Content-Type: application/json' -d "{
  \"code\":\"62000000MB-GG-0999\",\"name\":\"压测事项\",\"org_id\":$org,\"type\":\"公共服务\",\"audience\":\"public\",
  \"legal_basis\":\"《机关事务管理条例》\",\"conditions\":\"无\",\"place_hours\":\"工作日 9:00-17:00\",\"materials\":[],\"statutory_days\":20,
  \"promised_days\":5,\"fees\":[],\"visits\":0,\"faq\":[],
  \"form\":{\"fields\":[{\"key\":\"reason\",\"label\":\"事由\",\"type\":\"text\",\"required\":true}]},
  \"process\":{\"start\":\"a\",\"steps\":[{\"id\":\"a\",\"name\":\"审核\",\"assignee\":{\"kind\":\"role_in_org\",\"role\":\"dept-admin\",\"org\":\"GSCZT\"},\"next\":[{\"to\":\"end\"}]}]}}" \
  "$base/items" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -b "$tmp/c_admin" -H "X-CSRF-Token: $acsrf" -X POST "$base/items/$item/actions/publish" >/dev/null
ccsrf=$(login citizen)
cookie=$(awk '$6=="zl_session" {print "zl_session=" $7}' "$tmp/c_citizen")
say "creating applications for ${duration}s at 16 connections …"
ZL_BENCH_DIR="$root/bench" ZL_ITEM="$item" ZL_COOKIE="$cookie" ZL_CSRF="$ccsrf" \
  wrk -t2 -c16 -d"${duration}s" --latency -s "$root/bench/apply.lua" "http://127.0.0.1:$port/" > "$tmp/wrk.txt" 2>&1 || true
result=$(sed -n 's/^ZLBENCH //p' "$tmp/wrk.txt" | tail -1)
made=$(sqlite3 "$tmp/apply.db" "select count(*) from applications where status = 'running'")
mkdir -p "$root/bench/out"
python3 - "$result" "$made" > "$root/bench/out/apply.json" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); made = int(sys.argv[2])
print(json.dumps({"applications_per_s": r["rps"], "p50_us": r["p50_us"], "p99_us": r["p99_us"],
  "errors": r["errors"], "applications_stored": made, "target_per_s": 10000,
  "target_met": r["rps"] >= 10000}, indent=2))
PY
python3 -c "import json; d=json.load(open('$root/bench/out/apply.json')); print('applications: %.0f/s (p50 %.1f ms, p99 %.1f ms), %d stored; target 10,000/s %s' % (d['applications_per_s'], d['p50_us']/1000, d['p99_us']/1000, d['applications_stored'], 'PASS' if d['target_met'] else 'MISS'))"
