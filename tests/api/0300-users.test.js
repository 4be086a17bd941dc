// 0300-users: users — list with masked phones and filters, read (full phone only with user.write),
// create, update with versions, reset-password, disable, and no privilege escalation via roles.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, uniq } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
let admin;
before(async () => {
  srv = await startServer({ name: '0300-users' });
  d = await F.demo(srv);
  admin = d.admin;
});
after(async () => { if (srv) await srv.stop(); });

const USER_KEYS = ['id', 'username', 'display_name', 'kind', 'org_id', 'org_name', 'phone', 'email', 'position',
  'rank', 'is_admin', 'status', 'roles', 'version', 'created_at', 'updated_at'];
const MASKED = /^1\d{2}\*{4}\d{4}$/;

test('the demo users have the documented shape, orgs and roles', async () => {
  const fin = d.users.finance;
  for (const k of USER_KEYS) assert.ok(k in fin, `User lacks ${k}`);
  assert.equal(fin.display_name, '李明');
  assert.equal(fin.org_id, d.orgs.GSCZT.id);
  assert.equal(fin.org_name, '甘肃省财政厅');
  assert.equal(fin.kind, 'staff');
  assert.ok(fin.roles.some((r) => r.name === '部门管理员'));
  assert.equal(d.users.staff.org_id, d.orgs['GSCZT-YSC'].id);
  assert.equal(d.users.edu.org_id, d.orgs.GSJYT.id);
  assert.equal(d.users.admin.is_admin, true);
  const all = await admin.all('/api/v1/users');
  for (const u of all) {
    assert.ok(!('password' in u) && !('password_hash' in u), 'password material in a list');
  }
});

test('phones are masked in lists; single GET shows them to user.write only', async () => {
  const u = await F.makeUser(admin, d.orgs['GSCZT-BGS'].id, [], { phone: '13812345678', email: 'a@b.cn' });
  assert.equal(u.phone, '13812345678', 'the create answer (admin has user.write) masks the phone');
  const list = await admin.all(`/api/v1/users?q=${u.username}`);
  assert.equal(list.length, 1);
  assert.equal(list[0].phone, '138****5678');
  for (const x of await admin.all('/api/v1/users')) if (x.phone) assert.match(x.phone, MASKED, `${x.username} phone unmasked in list`);
  assert.equal((await admin.ok(`/api/v1/users/${u.id}`)).phone, '13812345678');
  const fin = await srv.login('finance');
  assert.equal((await fin.ok(`/api/v1/users/${u.id}`)).phone, '13812345678', 'finance has user.write');
  const auditor = await srv.login('auditor');
  assert.equal((await auditor.ok(`/api/v1/users/${u.id}`)).phone, '138****5678', 'auditor has no user.write');
});

test('filters: org_id, subtree=1, q, status, role_id', async () => {
  const only = (await admin.all(`/api/v1/users?org_id=${d.orgs.GSCZT.id}`)).map((u) => u.username);
  assert.ok(only.includes('finance') && !only.includes('staff'), JSON.stringify(only));
  const sub = (await admin.all(`/api/v1/users?org_id=${d.orgs.GSCZT.id}&subtree=1`)).map((u) => u.username);
  assert.ok(sub.includes('finance') && sub.includes('staff') && !sub.includes('edu'), JSON.stringify(sub));
  const q = (await admin.all(`/api/v1/users?q=${encodeURIComponent('李明')}`)).map((u) => u.username);
  assert.deepEqual(q, ['finance']);
  const role = d.roles['部门管理员'];
  const byRole = (await admin.all(`/api/v1/users?role_id=${role.id}`)).map((u) => u.username);
  assert.ok(byRole.includes('finance') && byRole.includes('edu') && !byRole.includes('admin'), JSON.stringify(byRole));
  const dis = await admin.all('/api/v1/users?status=disabled');
  assert.ok(dis.every((u) => u.status === 'disabled'));
});

test('create: 201 with roles; validation and conflicts', async () => {
  const role = d.roles['部门管理员'];
  const username = uniq('new');
  const r = await admin.post('/api/v1/users', {
    username, display_name: '新用户', password: F.STRONG_PASSWORD, org_id: d.orgs['GSJYT-GJC'].id,
    phone: '13900001111', email: 'n@example.cn', position: '科员', rank: 'section', role_ids: [role.id],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.username, username);
  assert.equal(r.body.rank, 'section');
  assert.equal(r.body.kind, 'staff');
  assert.equal(r.body.status, 'active');
  assert.deepEqual(r.body.roles.map((x) => x.id), [role.id]);
  assert.ok(!r.text.includes(F.STRONG_PASSWORD) && !r.text.includes('argon2'));
  await srv.login(username, F.STRONG_PASSWORD);
  assertProblem(await admin.post('/api/v1/users', { username, display_name: '测试', password: F.STRONG_PASSWORD, org_id: d.orgs.GSJYT.id }), 409, 'conflict');
  const base = { username: uniq('bad'), display_name: '测试', password: F.STRONG_PASSWORD, org_id: d.orgs.GSJYT.id };
  const cases = [
    [{ username: 'ab' }, 'username'], [{ username: 'a b c' }, 'username'], [{ username: 'x'.repeat(33) }, 'username'],
    [{ password: 'weakpass' }, 'password'], [{ password: 'Aa1#' }, 'password'], [{ password: 'Aa1#'.repeat(33) }, 'password'],
    [{ phone: '12812345678' }, 'phone'], [{ phone: '1381234567' }, 'phone'], [{ rank: 'emperor' }, 'rank'],
    [{ display_name: '' }, 'display_name'],
  ];
  for (const [patch, field] of cases) {
    const p = assertProblem(await admin.post('/api/v1/users', { ...base, ...patch }), 400, 'validation');
    assert.ok((p.errors || []).some((e) => e.field === field), `${JSON.stringify(patch)}: ${JSON.stringify(p.errors)}`);
  }
  assertProblem(await admin.post('/api/v1/users', { ...base, org_id: 987654321 }), [400, 404]);
  assertProblem(await admin.post('/api/v1/users', { ...base, role_ids: [987654321] }), [400, 404]);
  assert.equal((await admin.all(`/api/v1/users?q=${base.username}`)).length, 0, 'a refused create left a user');
});

test('update: versions, fields, moving org, roles', async () => {
  const u = await F.makeUser(admin, d.orgs['GSCZT-BGS'].id);
  assertProblem(await admin.patch(`/api/v1/users/${u.id}`, { display_name: '无版本' }), 428, 'precondition-required');
  assertProblem(await admin.patch(`/api/v1/users/${u.id}`, { version: u.version + 9, display_name: '测试' }), 409, 'version-mismatch');
  const r = await admin.patch(`/api/v1/users/${u.id}`, { display_name: '改名', rank: 'division', org_id: d.orgs['GSCZT-GKC'].id, role_ids: [d.roles['审计员'].id] },
    { headers: { 'if-match': `"${u.version}"` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.display_name, '改名');
  assert.equal(r.body.rank, 'division');
  assert.equal(r.body.org_id, d.orgs['GSCZT-GKC'].id);
  assert.deepEqual(r.body.roles.map((x) => x.id), [d.roles['审计员'].id]);
  assert.ok(r.body.version > u.version);
  assertProblem(await admin.patch(`/api/v1/users/${u.id}`, { version: r.body.version, username: 'renamed' }), 400, ['validation', 'bad-json']);
  assertProblem(await admin.patch(`/api/v1/users/${u.id}`, { version: r.body.version, phone: '123' }), 400, 'validation');
  assertProblem(await admin.patch(`/api/v1/users/${u.id}`, { version: r.body.version, password: F.STRONG_PASSWORD }), 400, ['validation', 'bad-json']);
  assertProblem(await admin.patch('/api/v1/users/987654321', { version: 1, display_name: '测试' }), 404, 'not-found');
});

test('reset-password: 204, the user\'s sessions revoked, the new password works', async () => {
  const u = await F.makeUser(admin, d.orgs['GSCZT-BGS'].id);
  const s = await srv.login(u.username, F.STRONG_PASSWORD);
  assertProblem(await admin.post(`/api/v1/users/${u.id}/actions/reset-password`, { new_password: 'weak' }), 400, 'validation');
  assert.equal((await s.get('/api/v1/me')).status, 200);
  const r = await admin.post(`/api/v1/users/${u.id}/actions/reset-password`, { new_password: 'Reset#Pass99' });
  assert.equal(r.status, 204, r.text);
  assertProblem(await s.get('/api/v1/me'), 401, 'unauthenticated');
  assertProblem(await srv.client().tryLogin(u.username, F.STRONG_PASSWORD), 401, 'unauthenticated');
  await srv.login(u.username, 'Reset#Pass99');
  assertProblem(await admin.post('/api/v1/users/987654321/actions/reset-password', { new_password: 'Reset#Pass99' }), 404, 'not-found');
});

test('delete: 204 disables, revokes sessions, login refused and logged as disabled', async () => {
  const u = await F.makeUser(admin, d.orgs['GSCZT-BGS'].id);
  const s = await srv.login(u.username, F.STRONG_PASSWORD);
  const r = await admin.del(`/api/v1/users/${u.id}`);
  assert.equal(r.status, 204, r.text);
  assertProblem(await s.get('/api/v1/me'), 401, 'unauthenticated');
  const now = await admin.ok(`/api/v1/users/${u.id}`);
  assert.equal(now.status, 'disabled');
  const login = await srv.client().tryLogin(u.username, F.STRONG_PASSWORD);
  assertProblem(login, [401, 403]);
  const log = await admin.ok(`/api/v1/audit/logins?username=${u.username}&result=disabled`);
  assert.equal(log.items.length, 1, JSON.stringify(log.items));
  assertProblem(await admin.del('/api/v1/users/987654321'), 404, 'not-found');
});

test('no privilege escalation: roles with permissions the caller lacks are 403', async () => {
  const fin = await srv.login('finance');
  const u = await F.makeUser(fin, d.orgs['GSCZT-BGS'].id);
  const adminRole = d.roles['系统管理员'];
  const before2 = await admin.ok(`/api/v1/users/${u.id}`);
  assertProblem(await fin.patch(`/api/v1/users/${u.id}`, { version: before2.version, role_ids: [adminRole.id] }), 403, 'forbidden');
  assertProblem(await fin.post('/api/v1/users', { username: uniq('esc'), display_name: '测试', password: F.STRONG_PASSWORD, org_id: d.orgs.GSCZT.id, role_ids: [adminRole.id] }), 403, 'forbidden');
  assertProblem(await fin.post('/api/v1/users', { username: uniq('esc'), display_name: '测试', password: F.STRONG_PASSWORD, org_id: d.orgs.GSCZT.id, role_ids: [d.roles['机构管理员'].id] }), 403, 'forbidden');
  assert.equal((await admin.ok(`/api/v1/users/${u.id}`)).version, before2.version);
  // A role whose permissions finance holds is fine.
  const ok = await fin.patch(`/api/v1/users/${u.id}`, { version: before2.version, role_ids: [d.roles['部门管理员'].id] });
  assert.equal(ok.status, 200, ok.text);
  // Nor a role that holds only finance's permissions but with a wider data scope (all).
  const wide = await F.makeRole(admin, ['user.read'], 'all');
  assertProblem(await fin.patch(`/api/v1/users/${u.id}`, { version: ok.body.version, role_ids: [wide.id] }), 403, 'forbidden');
  // Nobody but an admin may make an admin: is_admin is not a writable field.
  assertProblem(await fin.patch(`/api/v1/users/${u.id}`, { version: ok.body.version, is_admin: true }), [400, 403]);
});

test('auditor (read-only) cannot write users', async () => {
  const a = await srv.login('auditor');
  const u = d.users.staff;
  assertProblem(await a.post('/api/v1/users', { username: uniq('x'), display_name: '测试', password: F.STRONG_PASSWORD, org_id: d.orgs.GSCZT.id }), 403, 'forbidden');
  assertProblem(await a.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '测试' }), 403, 'forbidden');
  assertProblem(await a.post(`/api/v1/users/${u.id}/actions/reset-password`, { new_password: 'Reset#Pass99' }), 403, 'forbidden');
  assertProblem(await a.del(`/api/v1/users/${u.id}`), 403, 'forbidden');
  assertStatus(await srv.client().tryLogin('staff'), 200);
});
