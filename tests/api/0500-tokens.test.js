// 0500-tokens: API tokens — create (secret shown once), use as Bearer within its org subtree and
// permissions, limits on what a creator may grant, listing, revocation (then 401).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, assertProblem, uniq, DEMO_PASSWORD } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
let admin;
before(async () => {
  srv = await startServer({ name: '0500-tokens' });
  d = await F.demo(srv);
  admin = d.admin;
});
after(async () => { if (srv) await srv.stop(); });

const TOKEN_KEYS = ['id', 'name', 'prefix', 'permissions', 'org_id', 'created_by', 'created_at', 'expires_at',
  'last_used_at', 'status'];

async function makeToken(who, permissions, orgId, extra = {}) {
  const r = await who.post('/api/v1/tokens', { name: uniq('tok'), permissions, org_id: orgId, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('create answers the token once, with zlt_ secret and its prefix', async () => {
  const t = await makeToken(admin, ['org.read', 'user.read'], d.orgs.GSCZT.id);
  for (const k of TOKEN_KEYS) assert.ok(k in t, `Token lacks ${k}`);
  assert.match(t.token, /^zlt_[A-Za-z0-9_-]{20,}$/);
  assert.ok(t.token.startsWith(t.prefix), `prefix ${t.prefix} is not the start of the secret`);
  assert.ok(t.prefix.length < t.token.length - 16, 'prefix gives away the secret');
  assert.equal(t.status, 'active');
  assert.equal(t.org_id, d.orgs.GSCZT.id);
  assert.equal(t.created_by, d.users.admin.id);
  assert.equal(t.expires_at, null);
  assert.equal(t.last_used_at, null);
  const list = await admin.all('/api/v1/tokens');
  const row = list.find((x) => x.id === t.id);
  assert.ok(row, 'new token not listed');
  assert.ok(!('token' in row), 'the list shows the secret again');
  assert.ok(!JSON.stringify(list).includes(t.token), 'the secret appears in the list');
});

test('expires_in_days sets expires_at that many days ahead', async () => {
  const t = await makeToken(admin, ['org.read'], d.orgs.GSCZT.id, { expires_in_days: 30 });
  const days = (Date.parse(t.expires_at) - Date.now()) / 86400000;
  assert.ok(days > 29.9 && days < 30.1, `expires_at ${t.expires_at} is ${days} days ahead`);
  assertProblem(await admin.post('/api/v1/tokens', { name: '测试', permissions: ['org.read'], org_id: d.orgs.GSCZT.id, expires_in_days: -1 }), 400, 'validation');
  assertProblem(await admin.post('/api/v1/tokens', { name: '测试', permissions: ['org.fly'], org_id: d.orgs.GSCZT.id }), 400, 'validation');
  assertProblem(await admin.post('/api/v1/tokens', { name: '', permissions: ['org.read'], org_id: d.orgs.GSCZT.id }), 400, 'validation');
});

test('a Bearer token sees only its org subtree', async () => {
  const t = await makeToken(admin, ['org.read', 'user.read'], d.orgs.GSCZT.id);
  const b = srv.client().withBearer(t.token);
  const codes = (await b.all('/api/v1/orgs')).map((o) => o.code).sort();
  assert.deepEqual(codes, [...F.FINANCE_TREE].sort());
  assertProblem(await b.get(`/api/v1/orgs/${d.orgs.GSJYT.id}`), 404, 'not-found');
  assertProblem(await b.get(`/api/v1/orgs/${d.orgs.GSJGSW.id}`), 404, 'not-found');
  const users = (await b.all('/api/v1/users')).map((u) => u.username);
  assert.ok(users.includes('finance') && users.includes('staff'), JSON.stringify(users));
  assert.ok(!users.includes('edu') && !users.includes('admin'), JSON.stringify(users));
  assertProblem(await b.get(`/api/v1/users/${d.users.edu.id}`), 404, 'not-found');
  const tree = await b.ok('/api/v1/orgs/tree');
  assert.deepEqual(tree.items.map((o) => o.code), ['GSCZT']);
});

test('a Bearer token is limited to its permissions', async () => {
  const t = await makeToken(admin, ['org.read'], d.orgs.GSCZT.id);
  const b = srv.client().withBearer(t.token);
  assert.equal((await b.get('/api/v1/orgs')).status, 200);
  assertProblem(await b.get('/api/v1/users'), 403, 'forbidden');
  assertProblem(await b.get('/api/v1/audit'), 403, 'forbidden');
  assertProblem(await b.get('/api/v1/tokens'), 403, 'forbidden');
  assertProblem(await b.post('/api/v1/orgs', { parent_id: d.orgs.GSCZT.id, code: 'TOK-RO', name: '测试', level: 'province', kind: 'unit' }), 403, 'forbidden');
  assertProblem(await b.post('/api/v1/tokens', { name: '测试', permissions: ['org.read'], org_id: d.orgs.GSCZT.id }), 403, 'forbidden');
});

test('a Bearer token writes inside its subtree only', async () => {
  const t = await makeToken(admin, ['org.read', 'org.write'], d.orgs.GSCZT.id);
  const b = srv.client().withBearer(t.token);
  const ok = await b.post('/api/v1/orgs', { parent_id: d.orgs['GSCZT-GKC'].id, code: uniq('TW').toUpperCase(), name: '令牌写', level: 'province', kind: 'unit' });
  assert.equal(ok.status, 201, ok.text);
  const head = await F.auditHead(admin);
  const code = uniq('TX').toUpperCase();
  assertProblem(await b.post('/api/v1/orgs', { parent_id: d.orgs.GSJYT.id, code, name: '测试', level: 'province', kind: 'unit' }), 403, 'forbidden');
  const edu = d.orgs['GSJYT-GJC'];
  assertProblem(await b.patch(`/api/v1/orgs/${edu.id}`, { version: edu.version, name: '测试' }), [403, 404]);
  assertProblem(await b.del(`/api/v1/orgs/${edu.id}`), [403, 404]);
  assert.equal(await F.auditHead(admin), head, 'a refused token write left an audit row');
  assert.equal((await admin.ok(`/api/v1/orgs/${edu.id}`)).version, edu.version);
});

test('last_used_at is set when a token is used', async () => {
  const t = await makeToken(admin, ['org.read'], d.orgs.GSCZT.id);
  await srv.client().withBearer(t.token).ok('/api/v1/orgs');
  const row = (await admin.all('/api/v1/tokens')).find((x) => x.id === t.id);
  assert.ok(row.last_used_at, 'last_used_at still null after use');
  assert.ok(Math.abs(Date.parse(row.last_used_at) - Date.now()) < 120000, `last_used_at ${row.last_used_at}`);
});

test('revoke: 204, then the token is 401 and listed as revoked', async () => {
  const t = await makeToken(admin, ['org.read'], d.orgs.GSCZT.id);
  const b = srv.client().withBearer(t.token);
  assert.equal((await b.get('/api/v1/orgs')).status, 200);
  const r = await admin.del(`/api/v1/tokens/${t.id}`);
  assert.equal(r.status, 204, r.text);
  assertProblem(await b.get('/api/v1/orgs'), 401, 'unauthenticated');
  const row = (await admin.all('/api/v1/tokens')).find((x) => x.id === t.id);
  assert.equal(row.status, 'revoked');
  assertProblem(await admin.del('/api/v1/tokens/987654321'), 404, 'not-found');
  // A secret with the right prefix but a wrong tail is no token.
  assertProblem(await srv.client().withBearer(t.token.slice(0, -4) + 'AAAA').get('/api/v1/orgs'), 401, 'unauthenticated');
});

test('a creator cannot grant more than it holds, nor outside its scope', async () => {
  // A user with token.write and org.read on the finance subtree.
  const a = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'token.read', 'token.write'], 'subtree');
  const ok = await a.client.post('/api/v1/tokens', { name: 'mine', permissions: ['org.read'], org_id: d.orgs['GSCZT-BGS'].id });
  assert.equal(ok.status, 201, ok.text);
  assertProblem(await a.client.post('/api/v1/tokens', { name: 'more', permissions: ['org.read', 'user.write'], org_id: d.orgs.GSCZT.id }), 403, 'forbidden');
  assertProblem(await a.client.post('/api/v1/tokens', { name: 'out', permissions: ['org.read'], org_id: d.orgs.GSJYT.id }), 403, 'forbidden');
  assertProblem(await a.client.post('/api/v1/tokens', { name: 'up', permissions: ['org.read'], org_id: d.orgs.GSJGSW.id }), 403, 'forbidden');
  const mine = (await a.client.all('/api/v1/tokens')).map((x) => x.name);
  assert.ok(mine.includes('mine') && !mine.includes('more') && !mine.includes('out') && !mine.includes('up'));
});

test('a token of a disabled org sees no more than that org', async () => {
  const org = await F.makeOrg(admin, d.orgs.GSWJW.id);
  const t = await makeToken(admin, ['org.read'], org.id);
  const b = srv.client().withBearer(t.token);
  assert.equal((await b.get('/api/v1/orgs')).status, 200);
  assert.equal((await admin.del(`/api/v1/orgs/${org.id}`)).status, 204);
  const r = await b.get('/api/v1/orgs');
  // A disabled org keeps its record; the token may still read it but must not see beyond it.
  if (r.status === 200) assert.deepEqual(r.body.items.map((o) => o.id), [org.id]);
  else assertProblem(r, [401, 403]);
});

test('secrets are not stored in the clear (SQLite file and WAL)', async (t) => {
  if (srv.backend !== 'sqlite') return t.skip('reads the SQLite file');
  const tok = await makeToken(admin, ['org.read'], d.orgs.GSCZT.id);
  const sessionId = admin.cookie.split('=')[1];
  const files = fs.readdirSync(srv.dir).filter((f) => f.startsWith('zhili.db')).map((f) => path.join(srv.dir, f));
  assert.ok(files.length >= 1);
  const blob = Buffer.concat(files.map((f) => fs.readFileSync(f)));
  for (const [what, secret] of [['token', tok.token], ['session id', sessionId], ['demo password', DEMO_PASSWORD],
    ['test password', F.STRONG_PASSWORD]]) {
    assert.equal(blob.indexOf(Buffer.from(secret)), -1, `the ${what} is stored in the clear`);
  }
});
