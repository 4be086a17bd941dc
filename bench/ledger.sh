#!/usr/bin/env bash
# ledger.sh: the transparency log's benchmark (called by bench/run.sh; BENCH_LEDGER=0 skips).
#   1. bulk append: `zhili bench-seed --users 0 --ledger-leaves N` (SQLite, durable batches of
#      10,000), beside SHA-256's raw rate on the same machine (the ceiling) measured by the same
#      binary right after;
#   2. inclusion proofs over HTTP on that log: wrk, 64 connections, random indexes;
#   3. `zhili ledger verify` of the whole log, timed.
# Writes bench/out/ledger.json.  N = BENCH_LEAVES (default 10,000,000).  Loopback only; everything
# it starts is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ZHILI_BIN:-$root/build/zhili}
leaves=${BENCH_LEAVES:-10000000}
duration=${BENCH_DURATION:-10}
tmp=$(mktemp -d /tmp/zhili-ledger-bench.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
say() { printf 'bench-ledger: %s\n' "$*" >&2; }

db="sqlite:$tmp/ledger.db"
say "appending $leaves leaves (SQLite, batches of 10,000) …"
"$bin" migrate --db "$db" >/dev/null
append=$("$bin" bench-seed --db "$db" --users 0 --ledger-leaves "$leaves" --ledger-key "$tmp/key" 2>/dev/null | tail -1)
say "append: $append"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ZHILI_ACCESS_LOG="$tmp/access.log" "$bin" serve --listen "127.0.0.1:$port" --db "$db" \
  --ledger-key "$tmp/key" --web-root "$root/web/dist" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
size=$(curl -sf "http://127.0.0.1:$port/api/v1/public/ledger" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
say "log size $size; inclusion proofs for ${duration}s at 64 connections …"
ZL_BENCH_DIR="$root/bench" ZL_LEAVES="$size" wrk -t2 -c64 -d"${duration}s" --latency \
  -s "$root/bench/proof.lua" "http://127.0.0.1:$port/" > "$tmp/wrk.txt" 2>&1 || true
proofs=$(sed -n 's/^ZLBENCH //p' "$tmp/wrk.txt" | tail -1)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

say "verifying the whole log offline …"
start=$(date +%s.%N)
"$bin" ledger verify --db "$db" --ledger-key "$tmp/key" > "$tmp/verify.txt" 2>&1 || true
end=$(date +%s.%N)
verify_s=$(python3 -c "print(round($end - $start, 2))")
result=$(tail -1 "$tmp/verify.txt")
say "verify: ${verify_s}s — $result"

mkdir -p "$root/bench/out"
python3 - "$append" "$proofs" "$verify_s" "$result" "$size" "$rss" > "$root/bench/out/ledger.json" <<'PY'
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
print("  proofs (HTTP) %10.0f req/s      p50 %s µs, p99 %s µs  %s" % (d["proofs_per_s"] or 0, d["proof_p50_us"], d["proof_p99_us"], "PASS" if d["targets"]["proofs >= 20000/s"] else "MISS"))
print("  verify        %10.1f s          %s  %s" % (d["verify_seconds"], d["verify_result"], "PASS" if d["targets"]["verify < 60 s"] else "MISS"))
PY
