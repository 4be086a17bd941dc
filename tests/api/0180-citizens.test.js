// 0180-citizens: public registration of citizens (公众), their login and Me, and 403 on every
// staff route for them.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, uniq } = require('../lib/server');
const { ROUTES, fill } = require('../lib/routes');
const F = require('../lib/fixtures');

let srv;
let d;
before(async () => {
  srv = await startServer({ name: '0180-citizens' });
  d = await F.demo(srv);
});
after(async () => { if (srv) await srv.stop(); });

const register = (body) => srv.client().post('/api/v1/public/citizens', body);

test('registration answers 201 with id, username, display_name and kind citizen', async () => {
  const username = uniq('cit');
  const r = await register({ username, password: 'Citizen#2026', display_name: '王小明', phone: '13912345678', email: 'w@example.cn' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.username, username);
  assert.equal(r.body.display_name, '王小明');
  assert.equal(r.body.kind, 'citizen');
  assert.equal(typeof r.body.id, 'number');
  assert.ok(!('password' in r.body) && !r.text.includes('argon2'), 'password material in the answer');
  const c = await srv.login(username, 'Citizen#2026');
  const me = await c.ok('/api/v1/me');
  assert.equal(me.kind, 'citizen');
  assert.equal(me.org, null);
  assert.equal(me.is_admin, false);
  assert.deepEqual(me.permissions, []);
  assert.equal(me.id, r.body.id);
});

test('registration needs only username, password and display_name', async () => {
  const r = await register({ username: uniq('cit'), password: 'Citizen#2026', display_name: '李四' });
  assert.equal(r.status, 201, r.text);
});

test('registration needs no csrf token, even from a browser that holds a session', async () => {
  const c = await srv.login('auditor');
  const r = await c.post('/api/v1/public/citizens', { username: uniq('cit'), password: 'Citizen#2026', display_name: '张三' }, { csrf: false });
  assert.equal(r.status, 201, r.text);
});

test('a taken username is 409 conflict, also against staff usernames', async () => {
  const username = uniq('cit');
  assert.equal((await register({ username, password: 'Citizen#2026', display_name: 'a' })).status, 201);
  assertProblem(await register({ username, password: 'Citizen#2026', display_name: 'b' }), 409, 'conflict');
  assertProblem(await register({ username: 'admin', password: 'Citizen#2026', display_name: '测试' }), 409, 'conflict');
});

test('invalid registrations are 400 validation with the offending field', async () => {
  const cases = [
    [{ username: 'ab', password: 'Citizen#2026', display_name: '测试' }, 'username'],
    [{ username: 'bad name!', password: 'Citizen#2026', display_name: '测试' }, 'username'],
    [{ username: uniq('cit'), password: 'weak', display_name: '测试' }, 'password'],
    [{ username: uniq('cit'), password: 'Citizen#2026', display_name: '测试', phone: '12345' }, 'phone'],
    [{ username: uniq('cit'), password: 'Citizen#2026' }, 'display_name'],
  ];
  for (const [body, field] of cases) {
    const p = assertProblem(await register(body), 400, 'validation');
    assert.ok(Array.isArray(p.errors), `no errors[] for ${JSON.stringify(body)}`);
    assert.ok(p.errors.some((e) => e.field === field), `errors ${JSON.stringify(p.errors)} lack ${field}`);
  }
});

test('a citizen cannot register as staff or admin (unknown fields are refused)', async () => {
  const username = uniq('cit');
  for (const extra of [{ is_admin: true }, { kind: 'staff' }, { org_id: d.orgs.GSJGSW.id }, { role_ids: [1] }]) {
    const r = await register({ username, password: 'Citizen#2026', display_name: '测试', ...extra });
    assertProblem(r, 400, ['validation', 'bad-json']);
  }
  assert.equal((await srv.client().tryLogin(username, 'Citizen#2026')).status, 401, 'a refused registration created the user');
});

test('the demo citizen logs in and sees Me and its sessions', async () => {
  const c = await srv.login('citizen');
  const me = await c.ok('/api/v1/me');
  assert.equal(me.kind, 'citizen');
  assert.equal(me.display_name, '刘洋');
  const s = await c.ok('/api/v1/me/sessions');
  assert.ok(s.items.some((x) => x.current));
});

test('every staff route answers a citizen 403 forbidden and changes nothing', async () => {
  const c = await srv.login('citizen');
  const head = await F.auditHead(d.admin);
  const staffRoutes = ROUTES.filter((r) => r.access !== 'public' && r.access !== 'self');
  assert.ok(staffRoutes.length >= 20);
  const id = d.orgs.GSJGSW.id;
  const bodies = {
    'POST /api/v1/orgs': { parent_id: id, code: 'CIT-X', name: '测试', level: 'province', kind: 'unit' },
    'PATCH /api/v1/orgs/{id}': { version: 1, name: '测试' },
    'POST /api/v1/users': { username: 'citx', display_name: '测试', password: 'Citizen#2026', org_id: id },
    'PATCH /api/v1/users/{id}': { version: 1, display_name: '测试' },
    'POST /api/v1/users/{id}/actions/reset-password': { new_password: 'Citizen#2026' },
    'POST /api/v1/roles': { code: 'citx', name: '测试', permissions: ['org.read'], scope: 'all' },
    'PATCH /api/v1/roles/{id}': { version: 1, name: '测试' },
    'POST /api/v1/tokens': { name: '测试', permissions: ['org.read'], org_id: id },
  };
  const targets = { orgs: id, users: d.users.admin.id, roles: d.roles['系统管理员'].id, tokens: 1 };
  for (const r of staffRoutes) {
    const family = r.path.split('/')[3];
    const url = fill(r.path, targets[family] || 1);
    const k = `${r.method} ${r.path}`;
    const res = await c.req(r.method, url, bodies[k] ? { body: bodies[k] } : {});
    assertProblem(res, 403, 'forbidden');
  }
  assert.equal(await F.auditHead(d.admin), head, 'a citizen request wrote an audit row');
});
