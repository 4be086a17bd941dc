// report.mjs: turns bench/run.sh's raw results into the table people read and the JSON
// (bench/out/latest.json) that docs/performance.md is filled from.
//   node bench/report.mjs META.json RESULTS.jsonl OUT.json
// Exit status: 0; 1 if a run saw errors (non-2xx, timeouts, socket errors); 1 if a target is
// missed and BENCH_STRICT=1.
import fs from 'node:fs';

const [metaPath, resultsPath, outPath] = process.argv.slice(2);
const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
const runs = fs.readFileSync(resultsPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const MB = 1024; // kB per MiB
// A run during which other work took more than this share of the CPU (%) is marked disturbed.
const DISTURBED = 10;
const find = (backend, scenario, connections) =>
  runs.find((r) => r.backend === backend && r.scenario === scenario && r.connections === connections);
const ceiling = (connections) => find('nginx', 'health', connections);

// The targets of docs/performance.md, checked where they apply.
const targets = [];
const target = (backend, what, value, limit, ok, unit, ...from) =>
  targets.push({ backend, target: what, value, limit, unit, verdict: value == null ? 'n/a' : ok ? 'PASS' : 'MISS',
    disturbed: from.some((r) => r && r.other_cpu_pct > DISTURBED) });

for (const r of runs) {
  const c = ceiling(r.connections);
  r.vs_nginx = c && r.backend !== 'nginx' ? r.result.rps / c.result.rps : r.backend === 'nginx' ? 1 : null;
  const e = r.result.errors;
  r.errors = e.status + e.timeout + e.connect + e.read + e.write;
  if (r.scenario === 'login') r.logins_per_core = r.result.rps / meta.nproc;
}

for (const [backend, b] of Object.entries(meta.backends)) {
  const h = find(backend, 'health', 64);
  if (h) target(backend, 'health c=64 ≥ 90 % of nginx', h.vs_nginx, 0.9, h.vs_nginx >= 0.9, 'ratio', h, ceiling(64));
  if (backend === 'sqlite') {
    const g64 = find(backend, 'user-by-id', 64);
    const g16 = find(backend, 'user-by-id', 16);
    if (g64) target(backend, 'GET user by id c=64 ≥ 30,000 req/s', g64.result.rps, 30000, g64.result.rps >= 30000, 'req/s', g64);
    if (g16) target(backend, 'GET user by id c=16 p99 < 5 ms', g16.result.p99_us / 1000, 5, g16.result.p99_us < 5000, 'ms', g16);
  }
  target(backend, 'peak RSS under read load < 64 MB', b.rss_reads_kb / MB, 64, b.rss_reads_kb < 64 * MB, 'MiB');
}

// ------------------------------------------------------------------ the table
const num = (x, d = 0) => (x == null ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ms = (us) => num(us / 1000, 2);
const rows = [['backend', 'scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs nginx', 'other CPU', 'note']];
for (const r of runs) {
  let note = '';
  if (r.scenario === 'login') note = `${num(r.logins_per_core, 1)} logins/s per core (${meta.backends[r.backend]?.argon2 ?? 'argon2id'})`;
  if (r.errors) note += `${note ? '; ' : ''}ERRORS: ${r.result.errors.status} non-2xx, ${r.result.errors.timeout} timeouts, ` +
    `${r.result.errors.connect + r.result.errors.read + r.result.errors.write} socket`;
  if (r.other_cpu_pct > DISTURBED) note += `${note ? '; ' : ''}disturbed`;
  rows.push([r.backend === 'nginx' ? 'nginx (ceiling)' : r.backend, r.scenario, String(r.connections),
    num(r.result.rps), ms(r.result.p50_us), ms(r.result.p99_us),
    r.scenario === 'login' || r.vs_nginx == null ? '—' : num(r.vs_nginx, 2),
    r.other_cpu_pct == null ? '—' : `${num(r.other_cpu_pct, 1)} %`, note]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
const right = new Set([2, 3, 4, 5, 6, 7]);
const line = (row) => row.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();

const out = [];
out.push('');
out.push(`Zhili bench — ${meta.date} — ${meta.nproc} × ${meta.cpu} — wrk -t${meta.wrk_threads} -d${meta.duration_s}s, ` +
  `${num(meta.users)} users, nginx worker_processes ${meta.nginx_workers}, load average before ${meta.loadavg_before}`);
out.push('');
out.push(line(rows[0]));
out.push(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows.slice(1)) out.push(line(row));
out.push('');
for (const [backend, b] of Object.entries(meta.backends)) {
  out.push(`${backend}: peak RSS ${num(b.rss_reads_kb / MB, 1)} MiB under read load, ${num(b.rss_login_kb / MB, 1)} MiB ` +
    `with logins, ${num(b.rss_end_kb / MB, 1)} MiB at the end; ${b.server_threads} threads; seed ${b.seed_seconds} s` +
    (b.db_bytes ? `; database ${num(b.db_bytes / MB / MB, 1)} MiB` : ''));
}
out.push('');
out.push('targets:');
for (const t of targets) {
  const v = t.unit === 'ratio' ? num(t.value, 2) : t.unit === 'req/s' ? num(t.value) : num(t.value, t.unit === 'ms' ? 2 : 1);
  out.push((`  ${t.verdict.padEnd(4)}  ${t.backend.padEnd(10)}  ${t.target.padEnd(36)}  ${v} ${t.unit === 'ratio' ? '' : t.unit}`.trimEnd() +
    (t.disturbed ? `  (disturbed: other work took > ${DISTURBED} % of the CPU)` : '')));
}
for (const p of meta.problems) out.push(`problem: ${p}`);
const failed = runs.filter((r) => r.errors);
for (const r of failed) out.push(`problem: ${r.backend} ${r.scenario} c=${r.connections} saw ${r.errors} failed requests`);
out.push('');
process.stdout.write(out.join('\n') + '\n');

fs.writeFileSync(outPath, JSON.stringify({ ...meta, runs, targets }, null, 2) + '\n');
process.stdout.write(`bench: wrote ${outPath}\n`);

const missed = targets.some((t) => t.verdict === 'MISS');
if (failed.length) process.exit(1);
if (missed && process.env.BENCH_STRICT === '1') process.exit(1);
