// 0600-audit: every write leaves an audit row (actor, entity, 64-hex digest), newest first, with
// filters; the login log records every attempt with its result.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, uniq } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
let admin;
before(async () => {
  srv = await startServer({ name: '0600-audit' });
  d = await F.demo(srv);
  admin = d.admin;
});
after(async () => { if (srv) await srv.stop(); });

const AUDIT_KEYS = ['id', 'at', 'actor_id', 'actor_name', 'org_id', 'entity', 'entity_id', 'action', 'digest', 'client_addr'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Run a write; assert it left at least one new audit row about entityId(result). */
async function audited(label, write, entityIdOf, actorId = d.users.admin.id) { // actorId null: not checked
  const head = await F.auditHead(admin);
  const res = await write();
  assert.ok(res.status >= 200 && res.status < 300, `${label}: ${res.status} ${res.text}`);
  const rows = (await admin.ok('/api/v1/audit?limit=100')).items.filter((x) => x.id > head);
  assert.ok(rows.length >= 1, `${label}: no audit row`);
  const want = entityIdOf(res);
  const row = rows.find((x) => x.entity_id === want);
  assert.ok(row, `${label}: no audit row for entity ${want}: ${JSON.stringify(rows)}`);
  for (const k of AUDIT_KEYS) assert.ok(k in row, `${label}: audit row lacks ${k}`);
  assert.match(row.digest, /^[0-9a-f]{64}$/, `${label}: digest ${row.digest}`);
  assert.match(row.at, ISO);
  assert.equal(typeof row.entity, 'string');
  assert.equal(typeof row.action, 'string');
  assert.ok(row.action.length > 0);
  if (actorId !== null) assert.equal(row.actor_id, actorId, `${label}: actor`);
  assert.equal(row.client_addr, '127.0.0.1');
  return { res, row };
}

test('every write route leaves an audit row with a 64-hex digest', async () => {
  const id = (r) => r.body.id;
  const o = await audited('POST /orgs', () => admin.post('/api/v1/orgs', { parent_id: d.orgs.GSWJW.id, code: uniq('AU').toUpperCase(), name: '审计测试', level: 'province', kind: 'unit' }), id);
  assert.ok([o.res.body.id, d.orgs.GSWJW.id].includes(o.row.org_id), `audit org_id ${o.row.org_id} is neither the org nor its parent`);
  assert.equal(o.row.actor_name, d.users.admin.display_name);
  const op = await audited('PATCH /orgs', () => admin.patch(`/api/v1/orgs/${o.res.body.id}`, { version: o.res.body.version, name: '审计测试二' }), id);
  assert.notEqual(op.row.digest, o.row.digest, 'a change left the digest alone');
  assert.notEqual(op.row.action, o.row.action, 'create and update share an action');
  const oid = o.res.body.id;
  await audited('DELETE /orgs', () => admin.del(`/api/v1/orgs/${oid}`), () => oid);

  const u = await audited('POST /users', () => admin.post('/api/v1/users', { username: uniq('au'), display_name: '审计用户', password: F.STRONG_PASSWORD, org_id: d.orgs.GSCZT.id }), id);
  const uid = u.res.body.id;
  assert.equal(u.row.org_id, d.orgs.GSCZT.id);
  await audited('PATCH /users', () => admin.patch(`/api/v1/users/${uid}`, { version: u.res.body.version, position: '处长' }), id);
  await audited('reset-password', () => admin.post(`/api/v1/users/${uid}/actions/reset-password`, { new_password: 'Reset#Pass99' }), () => uid);
  const self = await srv.login(u.res.body.username, 'Reset#Pass99');
  await audited('POST /me/password', () => self.post('/api/v1/me/password', { old_password: 'Reset#Pass99', new_password: 'Other#Pass77' }), () => uid, uid);
  await audited('DELETE /users', () => admin.del(`/api/v1/users/${uid}`), () => uid);

  const r = await audited('POST /roles', () => admin.post('/api/v1/roles', { code: uniq('ar'), name: '审计角色', permissions: ['org.read'], scope: 'org' }), id);
  const rid = r.res.body.id;
  await audited('PATCH /roles', () => admin.patch(`/api/v1/roles/${rid}`, { version: r.res.body.version, description: '改' }), id);
  await audited('DELETE /roles', () => admin.del(`/api/v1/roles/${rid}`), () => rid);

  const t = await audited('POST /tokens', () => admin.post('/api/v1/tokens', { name: 'audit', permissions: ['org.read'], org_id: d.orgs.GSCZT.id }), id);
  assert.ok(!JSON.stringify(t.row).includes(t.res.body.token), 'the token secret is in the audit log');
  const tid = t.res.body.id;
  await audited('DELETE /tokens', () => admin.del(`/api/v1/tokens/${tid}`), () => tid);

  await audited('POST /public/citizens', () => srv.client().post('/api/v1/public/citizens', { username: uniq('ac'), password: 'Citizen#2026', display_name: '公众' }), id, null);
});

test('audit rows hold ids and digests, never personal data', async () => {
  const phone = '13766554433';
  const { row } = await audited('POST /users', () => admin.post('/api/v1/users', { username: uniq('pii'), display_name: '隐私', password: F.STRONG_PASSWORD, org_id: d.orgs.GSCZT.id, phone }), (x) => x.body.id);
  assert.ok(!JSON.stringify(row).includes(phone), 'a phone number is in the audit row');
});

test('the list is newest first and its filters select', async () => {
  const items = (await admin.ok('/api/v1/audit?limit=500')).items;
  assert.ok(items.length >= 2);
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i - 1].id > items[i].id, 'not newest first by id');
    assert.ok(items[i - 1].at >= items[i].at, 'not newest first by time');
  }
  const sample = items.find((x) => x.entity_id !== null) || items[0];
  const byEntity = await admin.all(`/api/v1/audit?entity=${encodeURIComponent(sample.entity)}&entity_id=${sample.entity_id}`);
  assert.ok(byEntity.length >= 1);
  assert.ok(byEntity.every((x) => x.entity === sample.entity && x.entity_id === sample.entity_id));
  const byAction = await admin.all(`/api/v1/audit?action=${encodeURIComponent(sample.action)}`);
  assert.ok(byAction.length >= 1 && byAction.every((x) => x.action === sample.action));
  const byActor = await admin.all(`/api/v1/audit?actor_id=${d.users.admin.id}`);
  assert.ok(byActor.length >= 1 && byActor.every((x) => x.actor_id === d.users.admin.id));
  const page = await admin.ok('/api/v1/audit?limit=2');
  assert.equal(page.items.length, 2);
  const next = await admin.ok(`/api/v1/audit?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
  assert.ok(next.items[0].id < page.items[1].id, 'the next page does not continue the first');
});

test('a refused write leaves no audit row', async () => {
  const head = await F.auditHead(admin);
  assertProblem(await admin.post('/api/v1/orgs', { parent_id: d.orgs.GSCZT.id, code: 'GSJYT', name: '测试', level: 'province', kind: 'unit' }), 409);
  assertProblem(await admin.post('/api/v1/users', { username: 'x', display_name: '测试', password: 'x', org_id: 1 }), 400);
  assert.equal(await F.auditHead(admin), head);
});

test('the login log records ok and bad_credentials with address and user agent', async () => {
  const c = srv.client();
  c.userAgent = 'zhili-audit-probe/7';
  await c.login('auditor');
  await c.tryLogin('auditor', 'Nope#nope123');
  await c.tryLogin('ghost_user_x', 'Nope#nope123');
  const rows = (await admin.ok('/api/v1/audit/logins?username=auditor')).items;
  for (const k of ['id', 'at', 'username', 'user_id', 'result', 'client_addr', 'user_agent']) assert.ok(k in rows[0], `login row lacks ${k}`);
  assert.equal(rows[0].result, 'bad_credentials', 'newest first');
  assert.equal(rows[1].result, 'ok');
  assert.equal(rows[1].user_id, d.users.auditor.id);
  assert.equal(rows[1].user_agent, 'zhili-audit-probe/7');
  assert.equal(rows[1].client_addr, '127.0.0.1');
  assert.ok(rows.every((x) => x.username === 'auditor'));
  assert.ok(!JSON.stringify(rows).includes('Nope#nope123'), 'a tried password is in the login log');
  const ghost = (await admin.ok('/api/v1/audit/logins?username=ghost_user_x')).items;
  assert.equal(ghost.length, 1);
  assert.equal(ghost[0].result, 'bad_credentials');
  assert.equal(ghost[0].user_id, null);
  const oks = await admin.all('/api/v1/audit/logins?result=ok');
  assert.ok(oks.length >= 2 && oks.every((x) => x.result === 'ok'));
  const maybe = await admin.get('/api/v1/audit/logins?result=maybe');
  if (maybe.status === 200) assert.deepEqual(maybe.body.items, []);
  else assertProblem(maybe, 400, 'validation');
});

test('audit needs audit.read', async () => {
  const a = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'user.read'], 'all');
  assertProblem(await a.client.get('/api/v1/audit'), 403, 'forbidden');
  assertProblem(await a.client.get('/api/v1/audit/logins'), 403, 'forbidden');
  const aud = await srv.login('auditor');
  assert.equal((await aud.get('/api/v1/audit')).status, 200);
  assert.equal((await aud.get('/api/v1/audit/logins')).status, 200);
});

// Last, because a crash here would take the server down for the tests after it.
test('time filters: from and to select by time; a bad time is 400', async () => {
  const items = (await admin.ok('/api/v1/audit?limit=500')).items;
  assertProblem(await admin.get('/api/v1/audit?from=yesterday'), 400, 'validation');
  assert.equal((await admin.ok('/api/v1/audit?from=2999-01-01T00:00:00Z')).items.length, 0);
  assert.equal((await admin.ok('/api/v1/audit?to=2000-01-01T00:00:00Z')).items.length, 0);
  const window = await admin.all('/api/v1/audit?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z');
  assert.equal(window.length, items.length);
  const today = new Date().toISOString().slice(0, 10);
  assert.ok((await admin.all(`/api/v1/audit?from=${today}`)).length > 0, 'a date-only from finds nothing today');
  assert.equal((await admin.ok('/api/v1/audit/logins?from=2999-01-01T00:00:00Z')).items.length, 0);
  assert.ok((await admin.ok('/api/v1/audit/logins?to=2999-01-01T00:00:00Z')).items.length > 0);
});
