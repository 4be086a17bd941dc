// 1240-durable-answers: an application acknowledged is an application stored.  Many are created at
// once (their commits share batches and WAL syncs on SQLite, and their answers wait for the sync
// without holding a thread); the server is stopped with SIGTERM in the middle; after a restart every
// application that was answered 201 is there, with its case and first task, and nothing answered
// is missing; the same after SIGKILL, which finishes nothing.  Runs on both backends.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, sleep } = require('../lib/server');
const F = require('../lib/fixtures');
const H = require('../lib/hall');

let srv;
let d;
let item;
let citizen;

before(async () => {
  srv = await startServer({ name: '1240-durable-answers' });
  d = await F.demo(srv);
  item = await H.makeItem(d.admin, d.orgs.GSCZT.id, H.oneStep(H.A.inOrg('dept-admin', 'GSCZT')));
  citizen = await srv.login('citizen');
});
after(async () => { if (srv) await srv.stop(); });

async function apply(n) {
  const r = await citizen.post('/api/v1/applications', { item_id: item.id, data: { reason: `并发 ${n}` } },
    { headers: { 'idempotency-key': `durable-answers-${n}` } });
  return { n, status: r.status, id: r.body && r.body.id, code: r.body && r.body.code };
}

test('concurrent applications: every 201 is stored, each with its own case', async () => {
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => apply(i)));
  assert.ok(results.every((r) => r.status === 201), JSON.stringify(results.filter((r) => r.status !== 201)));
  assert.equal(new Set(results.map((r) => r.id)).size, 60);
  const mine = await citizen.all('/api/v1/applications');
  const ids = new Set(mine.map((a) => a.id));
  for (const r of results) assert.ok(ids.has(r.id), `application ${r.id} answered 201 but not listed`);
});

// Fire 200 applications a few at a time and send sig once 20 of them were answered 201, so
// that the signal lands while others are in flight on either backend, however fast it is.
async function burst(base, sig) {
  const pending = [];
  let acked = 0;
  let sent = false;
  for (let i = 0; i < 200; i++) {
    pending.push(apply(base + i).then((r) => { if (r.status === 201) acked++; return r; },
      (e) => ({ n: base + i, status: 0, error: String(e) })));
    if (!sent && acked >= 20) {
      srv.child.kill(sig);
      sent = true;
    }
    if (i % 10 === 9) await sleep(sent ? 1 : 20);
  }
  if (!sent) srv.child.kill(sig);
  return Promise.all(pending);
}

test('SIGTERM during a burst: every application answered 201 is there after a restart', async () => {
  const results = await burst(1000, 'SIGTERM');
  const acked = results.filter((r) => r.status === 201);
  assert.ok(acked.length >= 20, `only ${acked.length} acknowledged before the stop`);
  assert.ok(results.every((r) => r.status === 201 || r.status === 0 || r.status >= 500),
    JSON.stringify(results.filter((r) => ![0, 201].includes(r.status) && r.status < 500).slice(0, 3)));
  await srv.restart();
  citizen = await srv.login('citizen');
  for (const r of acked) {
    const got = await citizen.get(`/api/v1/applications/${r.id}`);
    assert.equal(got.status, 200, `application ${r.id} (${r.code}) answered 201 before SIGTERM is gone`);
    assert.equal(got.body.code, r.code);
    assert.equal(got.body.status, 'running');
  }
  // The finance department's inbox holds a task for each of them.
  const finance = await srv.login('finance');
  const tasks = await finance.all('/api/v1/tasks');
  const codes = new Set(tasks.map((t) => t.code));
  for (const r of acked) assert.ok(codes.has(r.code), `no task for ${r.code}`);
});

test('SIGKILL during a burst: no application answered 201 is lost', async () => {
  // A killed process finishes nothing: what was answered must have been committed before the answer.
  const results = await burst(5000, 'SIGKILL');
  const acked = results.filter((r) => r.status === 201);
  assert.ok(acked.length >= 20, `only ${acked.length} acknowledged before the kill`);
  await srv.restart();
  citizen = await srv.login('citizen');
  for (const r of acked) {
    const got = await citizen.get(`/api/v1/applications/${r.id}`);
    assert.equal(got.status, 200, `application ${r.id} (${r.code}) answered 201 before SIGKILL is gone`);
  }
  const out = srv.cli(['ledger', 'verify']);	// the log still matches the records after the kill
  assert.match(out, /0 problems/);
});
