#!/usr/bin/env bash
# ledger.sh: the transparency log's benchmark (called by bench/run.sh; BENCH_LEDGER=0 skips).
#   1. bulk append: `zhili bench-seed --users 0 --ledger-leaves N` (SQLite, durable batches of
#      10,000), beside SHA-256's raw rate on the same machine (the ceiling) measured by the same
#      binary right after;
#   2. inclusion proofs over HTTP on that log: wrk, 64 connections, random indexes;
#   3. `zhili ledger verify` of the whole log, timed.
# Writes bench/out/ledger.json.  N = BENCH_LEAVES (default 10,000,000).  Loopback only; everything
# it starts is stopped on exit.
# BENCH_LEDGER_KEEP=DIR keeps the log (ledger.db, its key and the append figures) in DIR; a later
# run with the same DIR skips step 1 and measures proofs and verify on that log again (the newer
# binary migrates it first, as `serve` would).  Standalone runs take /tmp/zhili-bench.lock (as
# bench/run.sh does, which passes ZL_BENCH_LOCKED=1 to its children).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ZHILI_BIN:-$root/build/zhili}
leaves=${BENCH_LEAVES:-10000000}
duration=${BENCH_DURATION:-10}
keep=${BENCH_LEDGER_KEEP:-}
tmp=$(mktemp -d /tmp/zhili-ledger-bench.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
say() { printf 'bench-ledger: %s\n' "$*" >&2; }

if [ -z "${ZL_BENCH_LOCKED:-}" ] && command -v flock >/dev/null; then
	exec 9>"${TMPDIR:-/tmp}/zhili-bench.lock"
	flock -n 9 || { say "another bench run holds the lock: waiting (at most 30 min)"; flock -w 1800 9; }
fi

store=$tmp
if [ -n "$keep" ]; then mkdir -p "$keep"; store=$(cd "$keep" && pwd); fi
db="sqlite:$store/ledger.db"
if [ -n "$keep" ] && [ -s "$store/append.json" ]; then
	append=$(cat "$store/append.json")
	say "reusing the log in $store (append figures from when it was built: $append)"
	"$bin" migrate --db "$db" >/dev/null
else
	rm -f "$store/ledger.db" "$store/ledger.db-wal" "$store/ledger.db-shm" "$store/key"
	say "appending $leaves leaves (SQLite, batches of 10,000) …"
	"$bin" migrate --db "$db" >/dev/null
	append=$("$bin" bench-seed --db "$db" --users 0 --ledger-leaves "$leaves" --ledger-key "$store/key" 2>/dev/null | tail -1)
	say "append: $append"
	printf '%s\n' "$append" > "$store/append.json"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ZHILI_ACCESS_LOG="$tmp/access.log" "$bin" serve --listen "127.0.0.1:$port" --db "$db" \
  --ledger-key "$store/key" --web-root "$root/web/dist" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
size=$(curl -sf "http://127.0.0.1:$port/api/v1/public/ledger" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
say "log size $size; inclusion proofs for ${duration}s at 64 connections …"
# The CPU that went to anything but wrk and the server meanwhile (as bench/run.sh counts it).
busy() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6 - $7 - $8, t; exit }' /proc/stat; }
jiffies() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
read -r b0 t0 < <(busy); s0=$(jiffies "$pid")
{ time ZL_BENCH_DIR="$root/bench" ZL_LEAVES="$size" wrk -t2 -c64 -d"${duration}s" --latency \
  -s "$root/bench/proof.lua" "http://127.0.0.1:$port/" > "$tmp/wrk.txt" 2>&1 || true; } 2>"$tmp/wrk-time"
read -r b1 t1 < <(busy); s1=$(jiffies "$pid")
other=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v s=$((s1 - s0)) '
  /^(user|sys)/ { sub(/s$/, "", $2); split($2, m, "m"); w += (m[1] * 60 + m[2]) * 100 }
  END { x = t > 0 ? 100 * (b - s - w) / t : 0; printf "%.1f", x < 0 ? 0 : x }' "$tmp/wrk-time")
proofs=$(sed -n 's/^ZLBENCH //p' "$tmp/wrk.txt" | tail -1)
say "proofs: $proofs; other work ${other} % of the CPU"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

say "verifying the whole log offline …"
start=$(date +%s.%N)
"$bin" ledger verify --db "$db" --ledger-key "$store/key" > "$tmp/verify.txt" 2>&1 || true
end=$(date +%s.%N)
verify_s=$(python3 -c "print(round($end - $start, 2))")
result=$(tail -1 "$tmp/verify.txt")
say "verify: ${verify_s}s — $result"

mkdir -p "$root/bench/out"
python3 - "$append" "$proofs" "$verify_s" "$result" "$size" "$rss" "$other" > "$root/bench/out/ledger.json" <<'PY'
import json, sys
append = json.loads(sys.argv[1]); proofs = json.loads(sys.argv[2] or "{}")
verify_s = float(sys.argv[3]); size = int(sys.argv[5]); rss = int(sys.argv[6] or 0)
out = {
  "leaves": size,
  "append_leaves_per_s": append["leaves_per_s"],
  "sha256_raw_per_s": append["sha256_raw_per_s"],
  "append_vs_sha256": append["leaves_per_s"] / append["sha256_raw_per_s"],
  "proofs_per_s": proofs.get("rps"), "proof_p50_us": proofs.get("p50_us"),
  "proof_p99_us": proofs.get("p99_us"), "proof_errors": proofs.get("errors"),
  "proof_other_cpu_pct": float(sys.argv[7]),
  "server_rss_kb": rss, "verify_seconds": verify_s, "verify_result": sys.argv[4],
  "targets": {
    "append >= 100000/s": append["leaves_per_s"] >= 100000,
    "proofs >= 20000/s": (proofs.get("rps") or 0) >= 20000,
    "verify < 60 s": verify_s < 60,
  },
}
print(json.dumps(out, indent=2, ensure_ascii=False))
PY
python3 - "$root/bench/out/ledger.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("log of %d leaves" % d["leaves"])
print("  append        %10.0f leaves/s   (SHA-256 raw %.0f/s, ratio %.3f)  %s" % (d["append_leaves_per_s"], d["sha256_raw_per_s"], d["append_vs_sha256"], "PASS" if d["targets"]["append >= 100000/s"] else "MISS"))
print("  proofs (HTTP) %10.0f req/s      p50 %s µs, p99 %s µs, other CPU %.1f %%  %s" % (d["proofs_per_s"] or 0, d["proof_p50_us"], d["proof_p99_us"], d["proof_other_cpu_pct"], "PASS" if d["targets"]["proofs >= 20000/s"] else "MISS"))
print("  verify        %10.1f s          %s  %s" % (d["verify_seconds"], d["verify_result"], "PASS" if d["targets"]["verify < 60 s"] else "MISS"))
PY
