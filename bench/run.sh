#!/usr/bin/env bash
# run.sh: Zhili's load benchmark (`make bench`).  Seeds a fresh database with 100,000 users,
# starts build/zhili and an nginx ceiling on loopback, drives both with wrk for a bounded time,
# and prints req/s, p50/p99 and peak RSS beside nginx's figures as ratios; the same goes to
# bench/out/latest.json.  Everything it starts lives in one temporary directory and is stopped
# on exit, however the script ends.
#
#   bench/run.sh            SQLite, then PostgreSQL (a throwaway cluster; skipped if absent)
#   bench/run.sh --sqlite   SQLite only            (or BENCH_PG=0)
#   bench/run.sh --pg       PostgreSQL only        (or BENCH_PG=1)
#
# Knobs (environment): BENCH_DURATION=10 (seconds per measured run), BENCH_WARMUP=3,
# BENCH_THREADS=2 (wrk -t), BENCH_USERS=100000, BENCH_NGINX_WORKERS=auto, BENCH_STRICT=1 (exit 1
# when a target is missed), BENCH_KEEP=1 (keep the temporary directory), ZHILI_BIN.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
zhili=${ZHILI_BIN:-$root/build/zhili}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-3}
threads=${BENCH_THREADS:-2}
users=${BENCH_USERS:-100000}
nginx_workers=${BENCH_NGINX_WORKERS:-auto}
keep=${BENCH_KEEP:-0}
password='Zhili@2026'
outdir=$here/out

case "${BENCH_PG:-}" in
1) backends="postgresql" ;;
0) backends="sqlite" ;;
*) backends="sqlite postgresql" ;;
esac
pg_explicit=${BENCH_PG:-}
cmdline="bench/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
	case $1 in
	--pg | --postgresql) backends="postgresql"; pg_explicit=1 ;;
	--sqlite) backends="sqlite" ;;
	--all) backends="sqlite postgresql" ;;
	--duration) duration=${2%s}; shift ;;
	--users) users=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

for tool in wrk nginx curl node timeout; do
	command -v "$tool" >/dev/null || die "'$tool' not found (scripts/deps.sh installs it)"
done
[ -x "$zhili" ] || die "$zhili not found: run 'make' first"

# Two benchmarks at once on one machine measure each other: wait for any other run to finish.
if command -v flock >/dev/null; then
	exec 9>"${TMPDIR:-/tmp}/zhili-bench.lock"
	if ! flock -n 9; then
		say "another bench run holds ${TMPDIR:-/tmp}/zhili-bench.lock: waiting (at most 30 min)"
		flock -w 1800 9 || die "still locked after 30 min"
	fi
fi

# ---------------------------------------------------------------- temporary world and cleanup
tmp=$(mktemp -d /tmp/zhili-bench.XXXXXX)
chmod 755 "$tmp"                  # the postgres user must traverse it
# One binary for the whole run, even if `make` replaces build/zhili meanwhile.
cp "$zhili" "$tmp/zhili"
zhili=$tmp/zhili
zhili_version=$("$zhili" version 2>/dev/null | head -n 1 | tr -d '"\\' || true)
results=$tmp/results.jsonl
meta=$tmp/meta.json
: >"$results"
server_pid='' nginx_pid='' pg_data='' pgbin=''

stop_pid() {                      # stop_pid PID: TERM, wait up to 10 s, then KILL
	local pid=$1
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
as_pg() {                         # initdb and pg_ctl refuse to run as root
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_pg() {
	[ -n "$pg_data" ] || return 0
	as_pg "$pgbin/pg_ctl" -D "$pg_data" -m fast -t 30 stop >/dev/null 2>&1 || true
	pg_data=
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "$server_pid" ] && stop_pid "$server_pid"
	[ -n "$nginx_pid" ] && stop_pid "$nginx_pid"
	stop_pg
	if [ "$keep" = 1 ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
# json EXPR: evaluate EXPR on the JSON read from stdin (as `o`); print the result.
json() {
	node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);
		const v=(new Function("o","return ("+process.argv[1]+")"))(o);
		process.stdout.write(v===undefined||v===null?"":String(v))})' "$1"
}
# wait_http URL PID SECONDS: until URL answers 200, or fail if PID dies or time runs out.
wait_http() {
	local url=$1 pid=$2 end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The machine is often shared: count, for each measured run, the CPU that went to anything else
# than wrk and the servers under test (and their children), so that a disturbed figure says so.
# cpu_total: "busy total" jiffies of the whole machine.  Interrupt and softirq time (mostly the
# loopback traffic of the run itself) is left out of busy; steal counts (it is lost too).
cpu_total() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6 - $7 - $8, t; exit }' /proc/stat; }
# tree_cpu PID…: jiffies used by these processes and all their descendants, live or reaped.
tree_cpu() {
	# (cat fails for a process that ends meanwhile: not an error here)
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="$*" '
	{ pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
	  ppid[pid] = f[2]; cpu[pid] = f[12] + f[13] + f[14] + f[15] }
	END { n = split(roots, r, " "); for (i = 1; i <= n; i++) mark[r[i]] = 1
	      do { more = 0; for (p in ppid) if (!(p in mark) && (ppid[p] in mark)) { mark[p] = 1; more = 1 } } while (more)
	      s = 0; for (p in mark) s += cpu[p]; print s + 0 }'
}
load_roots=                       # the pids whose process trees are "ours" during a run

# run_wrk BACKEND SCENARIO CONNS SCRIPT URL [wrk args…]: warm up, measure, append a result line.
run_wrk() {
	local backend=$1 scenario=$2 conns=$3 script=$4 url=$5 out line t=$threads
	local b0 t0 o0 b1 t1 o1 w other TIMEFORMAT='%U %S'
	shift 5
	[ "$t" -gt "$conns" ] && t=$conns
	out=$tmp/wrk-$backend-$scenario-c$conns.txt
	if [ "$warmup" -gt 0 ]; then
		ZL_BENCH_DIR=$here timeout $((warmup + 30)) wrk -t"$t" -c"$conns" -d"${warmup}s" \
			--timeout 5s -s "$here/$script" "$@" "$url" >/dev/null 2>&1 || true
	fi
	read -r b0 t0 < <(cpu_total); o0=$(tree_cpu $load_roots)
	{ time ZL_BENCH_DIR=$here timeout $((duration + 30)) wrk -t"$t" -c"$conns" -d"${duration}s" \
		--timeout 5s -s "$here/$script" "$@" "$url" >"$out" 2>&1; } 2>"$tmp/wrk-time" ||
		{ cat "$out" >&2; die "wrk failed for $backend $scenario c=$conns"; }
	read -r b1 t1 < <(cpu_total); o1=$(tree_cpu $load_roots)
	w=$(awk 'NF == 2 { w = ($1 + $2) * 100 } END { printf "%d", w }' "$tmp/wrk-time")     # seconds → jiffies (USER_HZ)
	other=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v o=$((o1 - o0)) -v w="$w" \
		'BEGIN { x = t > 0 ? 100 * (b - o - w) / t : 0; printf "%.1f", x < 0 ? 0 : x }')
	line=$(grep '^ZLBENCH ' "$out" | tail -n 1) || { cat "$out" >&2; die "no report from wrk"; }
	line=${line#ZLBENCH }
	printf '{"backend":"%s","scenario":"%s","connections":%d,"threads":%d,"other_cpu_pct":%s,"result":%s}\n' \
		"$backend" "$scenario" "$conns" "$t" "$other" "$line" >>"$results"
	{ printf '%s %s c=%s: ' "$backend" "$scenario" "$conns"
	  printf '%s' "$line" | json '`${Math.round(o.rps)} req/s, p50 ${(o.p50_us/1000).toFixed(2)} ms, p99 ${(o.p99_us/1000).toFixed(2)} ms` + (o.errors.status ? `, ${o.errors.status} non-2xx` : "") + (o.errors.timeout ? `, ${o.errors.timeout} timeouts` : "")'
	  echo "; other work ${other} % of the CPU"; } | sed 's/^/bench: /' >&2
	cat "$out" >>"$tmp/wrk.log"
}

# ---------------------------------------------------------------- the machine
nproc_=$(nproc)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
say "machine: $nproc_ × ${cpu:-unknown CPU}; wrk -t$threads -d${duration}s (warm-up ${warmup}s); $users users"
# Other work on the machine skews every figure (ratios less so): say so, and keep it in the report.
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v l="${loadavg%% *}" -v n="$nproc_" 'BEGIN { exit !(l > n / 4) }' &&
	say "warning: load average $loadavg before the run; other work will skew the figures"

# ---------------------------------------------------------------- PostgreSQL (throwaway cluster)
start_pg() {
	pgbin=$(pg_config --bindir 2>/dev/null || true)
	[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$pgbin/initdb" ] || return 1
	local dir=$tmp/pg port
	if [ "$(id -u)" -eq 0 ]; then install -d -m 700 -o postgres "$dir"; else install -d -m 700 "$dir"; fi
	port=$(free_port)
	as_pg "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		--data-checksums >"$tmp/pg-initdb.log" 2>&1 || { cat "$tmp/pg-initdb.log" >&2; return 1; }
	pg_data=$dir/data
	as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null 9>&- ||
		{ cat "$dir/log" >&2; return 1; }
	pg_url="postgresql://postgres@127.0.0.1:$port/postgres"
	pg_version=$("$pgbin/postgres" --version 2>/dev/null || true)
}

# ---------------------------------------------------------------- nginx ceiling
# Measured once, after the first Zhili server is up: its security headers are copied into the
# nginx answer so that both send the same bytes but for Date and Server.
measure_nginx() {
	local base=$1 prefix=$tmp/nginx port conf hdrs name value
	mkdir -p "$prefix"
	port=$(free_port)
	hdrs=
	while IFS= read -r h; do
		h=${h%$'\r'}
		name=${h%%:*}; value=${h#*: }
		case ${name,,} in
		content-security-policy | x-content-type-options | x-frame-options | referrer-policy | \
		cache-control | permissions-policy | strict-transport-security | cross-origin-*)
			value=${value//\\/\\\\}; value=${value//\"/\\\"}; value=${value//\$/}
			hdrs+="            add_header $name \"$value\" always;"$'\n' ;;
		esac
	done < <(curl -sS --max-time 5 -o /dev/null -D - "$base/api/v1/health")
	conf=$(<"$here/nginx.conf.in")
	conf=${conf//@PREFIX@/$prefix}
	conf=${conf//@PORT@/$port}
	conf=${conf//@WORKERS@/$nginx_workers}
	conf=${conf//@HEADERS@/${hdrs%$'\n'}}
	printf '%s\n' "$conf" >"$prefix/nginx.conf"
	nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -t -q ||
		die "nginx rejected $prefix/nginx.conf"
	nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" 9>&- &
	nginx_pid=$!
	load_roots=$nginx_pid
	wait_http "http://127.0.0.1:$port/" "$nginx_pid" 10 || { cat "$prefix/error.log" >&2; die "nginx did not start"; }
	say "nginx $(nginx -v 2>&1 | sed 's/.*\///'), worker_processes $nginx_workers, on 127.0.0.1:$port"
	run_wrk nginx health 64 get.lua "http://127.0.0.1:$port/api/v1/health"
	run_wrk nginx health 16 get.lua "http://127.0.0.1:$port/api/v1/health"
	stop_pid "$nginx_pid"; nginx_pid=
	nginx_measured=1
}

# ---------------------------------------------------------------- one backend
declare -A argon2 seed_out seed_secs rss_reads rss_login rss_end server_threads access_lines db_bytes
nginx_measured=0
problems=()

bench_backend() {
	local backend=$1 db port base t0 log cookie hdr first last org_id code id

	case $backend in
	sqlite) db="sqlite:$tmp/bench.db" ;;
	postgresql)
		if ! start_pg; then
			[ "$pg_explicit" = 1 ] && die "could not start a PostgreSQL cluster"
			say "PostgreSQL not available: skipped"
			return 0
		fi
		db=$pg_url ;;
	esac

	say "$backend: migrate and seed ($users users)"
	timeout 300 "$zhili" migrate --db "$db" >"$tmp/migrate-$backend.log" 2>&1 ||
		{ cat "$tmp/migrate-$backend.log" >&2; die "migrate failed on $backend"; }
	t0=$(date +%s%N)
	timeout 1800 "$zhili" bench-seed --db "$db" --users "$users" >"$tmp/seed-$backend.log" 2>&1 ||
		{ cat "$tmp/seed-$backend.log" >&2; die "bench-seed failed on $backend"; }
	seed_secs[$backend]=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	# Its last lines, without the progress counter and control characters (JSON-safe).
	seed_out[$backend]=$(tr '\r' '\n' <"$tmp/seed-$backend.log" | grep -v '^bench-seed: [0-9]*/[0-9]* users' |
		tr '\n\t' '  ' | tr -d '[:cntrl:]' | sed 's/  */ /g; s/^ //; s/ $//')
	say "$backend: seeded in ${seed_secs[$backend]} s: ${seed_out[$backend]}"
	# PostgreSQL's autovacuum gathers statistics about a minute after a bulk load; until it does,
	# the planner guesses (the filtered user list ran 500 ms a query instead of 0.4 ms).  Do now
	# what production gets anyway, so that a run does not depend on when autovacuum passes.
	if [ "$backend" = postgresql ]; then
		"$pgbin/psql" "$db" -qc ANALYZE >/dev/null 2>&1 || say "ANALYZE failed on postgresql"
	fi

	# The argon2id cost the login scenario pays is the one stored in the seeded users' hashes
	# (verification follows the hash's own parameters); only the parameters are kept.
	local q="SELECT password_hash FROM users WHERE username = 'bench000001'" h=
	case $backend in
	sqlite) h=$(sqlite3 "$tmp/bench.db" "$q" 2>/dev/null || true) ;;
	postgresql) h=$("$pgbin/psql" "$db" -Atc "$q" 2>/dev/null || true) ;;
	esac
	argon2[$backend]=$(printf '%s' "$h" | sed -n 's/^\$\(argon2id*\)\$v=[0-9]*\$\([^$]*\)\$.*/\1 \2/p')
	[ -n "${argon2[$backend]}" ] || argon2[$backend]=unknown
	[ "$backend" = sqlite ] && db_bytes[$backend]=$( (stat -c %s "$tmp"/bench.db* 2>/dev/null || true) | awk '{ s += $1 } END { print s + 0 }')

	port=$(free_port)
	base="http://127.0.0.1:$port"
	log=$tmp/zhili-$backend.log
	webroot=()
	[ -d "$root/web/dist" ] && webroot=(--web-root "$root/web/dist")
	# The access log stays on (written to a file, as in production); only the per-address
	# login limit is lifted so that the login scenario measures argon2id, not the limiter.
	ZHILI_ACCESS_LOG=${ZHILI_ACCESS_LOG:-$tmp/access-$backend.log} \
	ZHILI_LOGIN_RATE_PER_MINUTE=1000000000 \
		"$zhili" serve --listen "127.0.0.1:$port" --db "$db" "${webroot[@]}" >"$log" 2>&1 9>&- &
	server_pid=$!
	wait_http "$base/api/v1/health" "$server_pid" 30 || { tail -n 40 "$log" >&2; die "zhili did not start on $backend"; }
	server_threads[$backend]=$(proc_kb "$server_pid" Threads)
	say "$backend: zhili pid $server_pid on $base ($(proc_kb "$server_pid" Threads) threads)"

	[ "$nginx_measured" = 1 ] || measure_nginx "$base"
	load_roots=$server_pid
	[ -n "$pg_data" ] && load_roots+=" $(head -n 1 "$pg_data/postmaster.pid" 2>/dev/null)"

	# Log in as admin (scope all, user.write): the session cookie for the authenticated scenarios.
	hdr=$(curl -sS --max-time 10 -D - -o "$tmp/login.json" -H 'Content-Type: application/json' \
		--data "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/auth/login")
	cookie=$(printf '%s' "$hdr" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: *zl_session=\([^;]*\).*/\1/p' | head -n 1)
	[ -n "$cookie" ] || { printf '%s\n' "$hdr" >&2; cat "$tmp/login.json" >&2; die "admin login failed on $backend"; }
	auth=(-H "Cookie: zl_session=$cookie")

	# The seeded users' ids (bench000001 … bench<N>) and the org of the list scenario.
	first=$(curl -sS --max-time 10 "${auth[@]}" "$base/api/v1/users?q=bench000001&limit=5" |
		json 'o.items.find(u => u.username === "bench000001")?.id')
	last=$(curl -sS --max-time 10 "${auth[@]}" "$base/api/v1/users?q=$(printf 'bench%06d' "$users")&limit=5" |
		json "o.items.find(u => u.username === '$(printf 'bench%06d' "$users")')?.id")
	[ -n "$first" ] && [ -n "$last" ] || die "seeded users bench000001…$(printf 'bench%06d' "$users") not found on $backend"
	[ $((last - first + 1)) -eq "$users" ] ||
		problems+=("$backend: seeded user ids are not contiguous ($first…$last for $users users); some GETs may 404")
	for _ in 1 2 3 4 5; do
		id=$((first + (RANDOM * 32768 + RANDOM) % (last - first + 1)))
		code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "${auth[@]}" "$base/api/v1/users/$id")
		[ "$code" = 200 ] || problems+=("$backend: GET /api/v1/users/$id answered $code, expected 200")
	done
	org_id=$(curl -sS --max-time 10 "${auth[@]}" "$base/api/v1/orgs?q=GSCZT&limit=50" |
		json 'o.items.find(x => x.code === "GSCZT")?.id')
	[ -n "$org_id" ] || die "org GSCZT (甘肃省财政厅) not found on $backend"

	# Peak RSS of the load alone: reset the high-water mark after startup and the admin login
	# (one argon2id hash touches its whole memory cost), read it after the read scenarios, again after logins.
	echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || say "cannot reset VmHWM: the peak includes startup"

	run_wrk "$backend" health 64 get.lua "$base/api/v1/health"
	run_wrk "$backend" health 16 get.lua "$base/api/v1/health"
	ZL_ID_MIN=$first ZL_ID_MAX=$last run_wrk "$backend" user-by-id 64 user_by_id.lua "$base" "${auth[@]}"
	ZL_ID_MIN=$first ZL_ID_MAX=$last run_wrk "$backend" user-by-id 16 user_by_id.lua "$base" "${auth[@]}"
	local list="$base/api/v1/users?org_id=$org_id&subtree=1&q=bench0001&limit=50"
	run_wrk "$backend" user-list 64 get.lua "$list" "${auth[@]}"
	run_wrk "$backend" user-list 16 get.lua "$list" "${auth[@]}"
	kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "zhili died under load on $backend"; }
	rss_reads[$backend]=$(proc_kb "$server_pid" VmHWM)

	ZL_USERS=$users ZL_PASSWORD=$password run_wrk "$backend" login 4 login.lua "$base"
	kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "zhili died during logins on $backend"; }
	rss_login[$backend]=$(proc_kb "$server_pid" VmHWM)
	rss_end[$backend]=$(proc_kb "$server_pid" VmRSS)
	say "$backend: peak RSS ${rss_reads[$backend]} kB during reads, ${rss_login[$backend]} kB with logins"

	stop_pid "$server_pid"; server_pid=
	access_lines[$backend]=$(cat "$tmp/access-$backend.log" 2>/dev/null | wc -l)
	cp "$log" "$outdir/zhili-$backend.log" 2>/dev/null || true
	stop_pg
}

mkdir -p "$outdir"
: >"$tmp/wrk.log"
for b in $backends; do bench_backend "$b"; done
cp "$tmp/wrk.log" "$outdir/wrk.log"

# ---------------------------------------------------------------- report
{
	printf '{"date":"%s","command":"%s","nproc":%d,"cpu":"%s","kernel":"%s",' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$cmdline (backends: $backends)" "$nproc_" "$cpu" "$(uname -r)"
	printf '"loadavg_before":"%s","loadavg_after":"%s",' "$loadavg" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '"duration_s":%d,"warmup_s":%d,"wrk_threads":%d,"users":%d,"nginx_workers":"%s",' \
		"$duration" "$warmup" "$threads" "$users" "$nginx_workers"
	printf '"zhili":"%s",' "$zhili_version"
	printf '"wrk":"%s","nginx":"%s","postgresql":"%s","commit":"%s","backends":{' \
		"$(wrk --version 2>&1 | head -n 1 | cut -c1-40)" "$(nginx -v 2>&1 | sed 's/.*\///')" \
		"${pg_version:-}" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none)"
	sep=
	for b in $backends; do
		[ -n "${rss_reads[$b]:-}" ] || continue
		printf '%s"%s":{"seed_seconds":%s,"seed_output":"%s","argon2":"%s","server_threads":%s,"rss_reads_kb":%s,"rss_login_kb":%s,"rss_end_kb":%s,"access_log_lines":%s,"db_bytes":%s}' \
			"$sep" "$b" "${seed_secs[$b]:-0}" "$(printf '%s' "${seed_out[$b]}" | sed 's/["\\]/\\&/g' | cut -c1-300)" "${argon2[$b]}" \
			"${server_threads[$b]:-0}" "${rss_reads[$b]}" "${rss_login[$b]}" "${rss_end[$b]}" \
			"${access_lines[$b]:-0}" "${db_bytes[$b]:-null}"
		sep=,
	done
	printf '},"problems":['
	sep=
	for p in "${problems[@]+"${problems[@]}"}"; do
		printf '%s"%s"' "$sep" "$(printf '%s' "$p" | sed 's/["\\]/\\&/g')"; sep=,
	done
	printf ']}\n'
} >"$meta"
report_status=0
node "$here/report.mjs" "$meta" "$results" "$outdir/latest.json" || report_status=$?

# The transparency log (append, proofs over HTTP, offline verification; BENCH_LEAVES sets the
# log's size), creating applications, and the inbox with a million cases (BENCH_CASES).  Each
# can be skipped with BENCH_LEDGER=0, BENCH_APPLY=0, BENCH_INBOX=0; a failure is reported here
# and makes the run exit 1.
extra_failed=()
for part in ledger apply inbox; do
	var="BENCH_$(printf '%s' "$part" | tr '[:lower:]' '[:upper:]')"
	[ "${!var:-1}" != 0 ] || continue
	ZL_BENCH_LOCKED=1 bash "$here/$part.sh" || extra_failed+=("$part")
done
if [ ${#extra_failed[@]} -gt 0 ]; then
	say "error: these benchmarks failed: ${extra_failed[*]}"
	exit 1
fi
exit "$report_status"
