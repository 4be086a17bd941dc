// 0400-roles: the permission catalogue, roles (create, update with versions, disable, builtin
// roles kept) and what each data scope (all, org, subtree, self, custom) lets a holder see.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, uniq } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
let admin;
before(async () => {
  srv = await startServer({ name: '0400-roles' });
  d = await F.demo(srv);
  admin = d.admin;
});
after(async () => { if (srv) await srv.stop(); });

const ROLE_KEYS = ['id', 'code', 'name', 'description', 'permissions', 'scope', 'scope_org_ids', 'builtin',
  'status', 'version', 'created_at', 'updated_at'];

test('GET /permissions lists the nine permissions with Chinese names', async () => {
  const p = await admin.ok('/api/v1/permissions');
  assert.deepEqual(p.items.map((x) => x.code).sort(), [...F.ALL_PERMISSIONS].sort());
  const org = p.items.find((x) => x.code === 'org.read');
  assert.equal(org.name, '查看机构');
  for (const x of p.items) assert.match(x.name, /[\u4e00-\u9fff]/, `${x.code} has no Chinese name`);
});

test('the builtin roles are seeded with the documented permissions and scopes', async () => {
  const sys = d.roles['系统管理员'];
  for (const k of ROLE_KEYS) assert.ok(k in sys, `Role lacks ${k}`);
  assert.equal(sys.builtin, true);
  assert.equal(sys.scope, 'all');
  assert.deepEqual([...sys.permissions].sort(), [...F.ALL_PERMISSIONS].sort());
  assert.equal(d.roles['机构管理员'].scope, 'subtree');
  const dept = d.roles['部门管理员'];
  assert.equal(dept.scope, 'subtree');
  assert.deepEqual([...dept.permissions].sort(), ['application.handle', 'application.read', 'audit.read', 'catalog.read', 'kpi.read', 'org.read', 'user.read', 'user.write']);
  assert.equal(d.roles['审计员'].scope, 'all');
  assert.ok(!d.roles['审计员'].permissions.some((x) => x.endsWith('.write')), 'auditor role can write');
  assert.equal(d.roles['经办人'].scope, 'self');
  const one = await admin.ok(`/api/v1/roles/${sys.id}`);
  assert.deepEqual(one, sys);
  const q = await admin.ok(`/api/v1/roles?q=${encodeURIComponent('审计')}`);
  assert.ok(q.items.some((r) => r.name === '审计员') && !q.items.some((r) => r.name === '系统管理员'));
});

test('create: 201; validation; duplicate code 409', async () => {
  const code = uniq('role');
  const r = await admin.post('/api/v1/roles', { code, name: '测试角色', description: '说明', permissions: ['org.read', 'user.read'], scope: 'org' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.builtin, false);
  assert.equal(r.body.status, 'active');
  assert.deepEqual([...r.body.permissions].sort(), ['org.read', 'user.read']);
  assert.deepEqual(r.body.scope_org_ids, []);
  assertProblem(await admin.post('/api/v1/roles', { code, name: '测试', permissions: [], scope: 'all' }), 409, 'conflict');
  const base = { code: uniq('role'), name: '测试', permissions: ['org.read'], scope: 'all' };
  const cases = [
    [{ permissions: ['org.fly'] }, 'permissions'], [{ scope: 'galaxy' }, 'scope'], [{ name: '' }, 'name'],
    [{ code: 'a b' }, 'code'], [{ scope: 'custom', scope_org_ids: [987654321] }, 'scope_org_ids'],
  ];
  for (const [patch, field] of cases) {
    const p = assertProblem(await admin.post('/api/v1/roles', { ...base, ...patch }), 400, 'validation');
    assert.ok((p.errors || []).some((e) => e.field === field), `${JSON.stringify(patch)}: ${JSON.stringify(p.errors)}`);
  }
  const custom = await admin.post('/api/v1/roles', { ...base, scope: 'custom', scope_org_ids: [d.orgs.GSJYT.id] });
  assert.equal(custom.status, 201, custom.text);
  assert.deepEqual(custom.body.scope_org_ids, [d.orgs.GSJYT.id]);
});

test('update: version rules, fields change, builtin flag not writable', async () => {
  const role = await F.makeRole(admin, ['org.read'], 'org');
  assertProblem(await admin.patch(`/api/v1/roles/${role.id}`, { name: '测试' }), 428, 'precondition-required');
  assertProblem(await admin.patch(`/api/v1/roles/${role.id}`, { version: role.version + 3, name: '测试' }), 409, 'version-mismatch');
  const r = await admin.patch(`/api/v1/roles/${role.id}`, { version: role.version, name: '改后', permissions: ['org.read', 'audit.read'], scope: 'subtree' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, '改后');
  assert.equal(r.body.scope, 'subtree');
  assert.deepEqual([...r.body.permissions].sort(), ['audit.read', 'org.read']);
  assert.ok(r.body.version > role.version);
  assertProblem(await admin.patch(`/api/v1/roles/${role.id}`, { version: r.body.version, builtin: true }), 400, ['validation', 'bad-json']);
  assertProblem(await admin.patch(`/api/v1/roles/${role.id}`, { version: r.body.version, code: 'other' }), 400, ['validation', 'bad-json']);
  assertProblem(await admin.get('/api/v1/roles/987654321'), 404, 'not-found');
});

test('delete: 204 disables a role; builtin roles are 409', async () => {
  const role = await F.makeRole(admin, ['org.read'], 'org');
  const r = await admin.del(`/api/v1/roles/${role.id}`);
  assert.equal(r.status, 204, r.text);
  assert.equal((await admin.ok(`/api/v1/roles/${role.id}`)).status, 'disabled');
  for (const name of ['系统管理员', '部门管理员', '经办人']) {
    assertProblem(await admin.del(`/api/v1/roles/${d.roles[name].id}`), 409, 'conflict');
    assert.equal((await admin.ok(`/api/v1/roles/${d.roles[name].id}`)).status, 'active');
  }
});

test('a disabled role grants nothing', async () => {
  const a = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read'], 'subtree');
  assert.equal((await a.client.get('/api/v1/orgs')).status, 200);
  assert.equal((await admin.del(`/api/v1/roles/${a.role.id}`)).status, 204);
  assertProblem(await a.client.get('/api/v1/orgs'), 403, 'forbidden');
});

test('users without role.read/role.write are refused', async () => {
  const fin = await srv.login('finance');
  assertProblem(await fin.get('/api/v1/roles'), 403, 'forbidden');
  assertProblem(await fin.get(`/api/v1/roles/${d.roles['经办人'].id}`), 403, 'forbidden');
  const aud = await srv.login('auditor');
  assert.equal((await aud.get('/api/v1/roles')).status, 200);
  assertProblem(await aud.post('/api/v1/roles', { code: uniq('r'), name: '测试', permissions: ['org.read'], scope: 'all' }), 403, 'forbidden');
});

const codesOf = async (c) => (await c.all('/api/v1/orgs')).map((o) => o.code).sort();
const namesOf = async (c) => (await c.all('/api/v1/users')).map((u) => u.username);

test('scope all sees every org; org sees its own org only; subtree sees the org and below', async () => {
  const all = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'user.read'], 'all');
  const every = await codesOf(all.client);
  for (const c of F.DEMO_ORGS) assert.ok(every.includes(c), `scope all misses ${c}`);
  const org = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'user.read'], 'org');
  assert.deepEqual(await codesOf(org.client), ['GSCZT']);
  const orgUsers = await namesOf(org.client);
  assert.ok(orgUsers.includes('finance') && !orgUsers.includes('staff'), `scope org users ${orgUsers}`);
  assertProblem(await org.client.get(`/api/v1/users/${d.users.staff.id}`), 404, 'not-found');
  const sub = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'user.read'], 'subtree');
  assert.deepEqual(await codesOf(sub.client), [...F.FINANCE_TREE].sort());
  const subUsers = await namesOf(sub.client);
  assert.ok(subUsers.includes('staff') && !subUsers.includes('edu'));
});

test('scope custom sees exactly the listed orgs, not its own', async () => {
  const c = await F.actor(srv, admin, d.orgs.GSCZT.id, ['org.read', 'user.read'], 'custom',
    { scope_org_ids: [d.orgs['GSJYT-GJC'].id, d.orgs.GSWJW.id] });
  const codes = await codesOf(c.client);
  assert.ok(codes.includes('GSJYT-GJC') && codes.includes('GSWJW'), JSON.stringify(codes));
  for (const x of ['GSCZT', 'GSJYT', 'GSJYT-BGS', 'GSJGSW']) assert.ok(!codes.includes(x), `custom scope sees ${x}`);
  assertProblem(await c.client.get(`/api/v1/users/${d.users.finance.id}`), 404, 'not-found');
});

test('scope self sees only its own user record', async () => {
  const s = await F.actor(srv, admin, d.orgs['GSCZT-YSC'].id, ['user.read', 'org.read'], 'self');
  const users = await s.client.all('/api/v1/users');
  assert.deepEqual(users.map((u) => u.id), [s.user.id]);
  assertProblem(await s.client.get(`/api/v1/users/${d.users.staff.id}`), 404, 'not-found');
  assert.equal((await s.client.ok(`/api/v1/users/${s.user.id}`)).id, s.user.id);
});

test('a user holding several roles gets the union of their grants', async () => {
  const r1 = await F.makeRole(admin, ['org.read'], 'subtree');
  const r2 = await F.makeRole(admin, ['user.read'], 'subtree');
  const u = await F.makeUser(admin, d.orgs.GSJYT.id, [r1.id, r2.id]);
  const c = await srv.login(u.username, F.STRONG_PASSWORD);
  const me = await c.ok('/api/v1/me');
  assert.deepEqual([...me.permissions].sort(), ['org.read', 'user.read']);
  assert.equal((await c.get('/api/v1/orgs')).status, 200);
  assert.equal((await c.get('/api/v1/users')).status, 200);
  assertProblem(await c.get('/api/v1/audit'), 403, 'forbidden');
});
