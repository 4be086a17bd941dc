// 0700-scope: data scope on every route of docs/api.md. A department user (finance: 财政厅 subtree;
// edu: 教育厅 subtree) never reads or writes the other department's records: 404 on single reads,
// absent from lists, 403/404 on writes, and nothing changes; staff (scope self) sees only itself.
// Roles carry no org_id in the contract: their cases check scope_org_ids outside the caller's scope.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, uniq } = require('../lib/server');
const { ROUTES, key } = require('../lib/routes');
const F = require('../lib/fixtures');

let srv; let d; let admin;
let fin; let edu; let staff;          // demo users (部门管理员 ×2, 经办人)
let finAll; let eduAll;               // all permissions, scope subtree, in 财政厅 / 教育厅
let eduOrg; let eduUser; let finUser; let eduToken; let finToken; let eduRole;

before(async () => {
  srv = await startServer({ name: '0700-scope' });
  d = await F.demo(srv);
  admin = d.admin;
  [fin, edu, staff] = [await srv.login('finance'), await srv.login('edu'), await srv.login('staff')];
  finAll = await F.actor(srv, admin, d.orgs.GSCZT.id, F.ALL_PERMISSIONS, 'subtree');
  eduAll = await F.actor(srv, admin, d.orgs.GSJYT.id, F.ALL_PERMISSIONS, 'subtree');
  eduOrg = await F.makeOrg(eduAll.client, d.orgs['GSJYT-GJC'].id);
  eduUser = await F.makeUser(eduAll.client, d.orgs['GSJYT-BGS'].id, [], { phone: '13911112222' });
  finUser = await F.makeUser(finAll.client, d.orgs['GSCZT-BGS'].id);
  const t1 = await eduAll.client.post('/api/v1/tokens', { name: 'edu-token', permissions: ['org.read'], org_id: d.orgs.GSJYT.id });
  const t2 = await finAll.client.post('/api/v1/tokens', { name: 'fin-token', permissions: ['org.read'], org_id: d.orgs.GSCZT.id });
  assert.equal(t1.status, 201, t1.text); assert.equal(t2.status, 201, t2.text);
  [eduToken, finToken] = [t1.body, t2.body];
  eduRole = await F.makeRole(eduAll.client, ['org.read'], 'custom', { scope_org_ids: [d.orgs['GSJYT-BGS'].id] });
});
after(async () => { if (srv) await srv.stop(); });

/** Ids of the org rootId and every org below it, from admin's full list. */
async function subtree(rootCode) {
  const all = await admin.all('/api/v1/orgs');
  const out = new Set([d.orgs[rootCode].id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const o of all) if (o.parent_id !== null && out.has(o.parent_id) && !out.has(o.id)) { out.add(o.id); grew = true; }
  }
  return out;
}

/** Items of a list, or [] when the caller is refused with 403/404. */
async function listOrRefused(c, url) {
  const r = await c.get(url);
  if (r.status === 200) return c.all(url);
  assertProblem(r, [403, 404]);
  return [];
}

/** Assert a write was refused with 403 or 404 and left no audit row. */
async function refused(c, method, url, body) {
  const head = await F.auditHead(admin);
  const r = await c.req(method, url, body === undefined ? {} : { body });
  assertProblem(r, [403, 404]);
  assert.equal(await F.auditHead(admin), head, `${method} ${url}: a refused write left an audit row`);
}

const cantSee = async (c, url) => assertProblem(await c.get(url), 404, 'not-found');
const unchanged = async (url, before2) => assert.equal((await admin.ok(url)).version, before2.version, `${url} changed`);

const CASES = {
  'GET /api/v1/health': async () => assert.deepEqual(await fin.ok('/api/v1/health'), await edu.ok('/api/v1/health')),
  'GET /api/v1/openapi.json': async () => assert.deepEqual(await fin.ok('/api/v1/openapi.json'), await edu.ok('/api/v1/openapi.json')),
  'GET /api/v1/public/info': async () => assert.deepEqual(await fin.ok('/api/v1/public/info'), await edu.ok('/api/v1/public/info')),
  'POST /api/v1/auth/login': async () => {
    const r = await srv.client().login('finance');
    assert.equal(r.body.user.org.code, 'GSCZT');
  },
  'POST /api/v1/auth/logout': async () => {
    const c = await srv.login('finance');
    assert.equal((await c.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await edu.get('/api/v1/me')).status, 200, "finance's logout ended edu's session");
    assert.equal((await fin.get('/api/v1/me')).status, 200, "a logout ended another finance session");
  },
  'GET /api/v1/me': async () => {
    assert.equal((await fin.ok('/api/v1/me')).username, 'finance');
    assert.equal((await edu.ok('/api/v1/me')).username, 'edu');
    assert.equal((await staff.ok('/api/v1/me')).username, 'staff');
  },
  'POST /api/v1/me/password': async () => {
    const u = await F.makeUser(admin, d.orgs.GSCZT.id);
    const c = await srv.login(u.username, F.STRONG_PASSWORD);
    assertProblem(await c.post('/api/v1/me/password', { old_password: F.STRONG_PASSWORD, new_password: 'Other#Pass77', user_id: eduUser.id }), 400);
    assert.equal((await c.post('/api/v1/me/password', { old_password: F.STRONG_PASSWORD, new_password: 'Other#Pass77' })).status, 204);
    await srv.login(eduUser.username, F.STRONG_PASSWORD);
    await srv.login('edu');
  },
  'GET /api/v1/me/sessions': async () => {
    const a = (await fin.ok('/api/v1/me/sessions')).items.map((s) => s.id);
    const b = (await edu.ok('/api/v1/me/sessions')).items.map((s) => s.id);
    const c = (await staff.ok('/api/v1/me/sessions')).items.map((s) => s.id);
    assert.ok(a.length && b.length && c.length);
    assert.equal(new Set([...a, ...b, ...c]).size, a.length + b.length + c.length, 'a session is listed for two users');
  },
  'DELETE /api/v1/me/sessions/{id}': async () => {
    const eduSession = (await edu.ok('/api/v1/me/sessions')).items.find((s) => s.current);
    assertProblem(await fin.del(`/api/v1/me/sessions/${eduSession.id}`), 404, 'not-found');
    assert.equal((await edu.get('/api/v1/me')).status, 200, "finance revoked edu's session");
  },
  'POST /api/v1/public/citizens': async () => {
    const username = uniq('sc');
    assert.equal((await srv.client().post('/api/v1/public/citizens', { username, password: 'Citizen#2026', display_name: '公众' })).status, 201);
    assert.equal((await fin.all(`/api/v1/users?q=${username}`)).length, 0, 'a department sees a citizen');
  },

  'GET /api/v1/orgs': async () => {
    const finSet = await subtree('GSCZT');
    const eduSet = await subtree('GSJYT');
    const f = await fin.all('/api/v1/orgs');
    assert.ok(f.every((o) => finSet.has(o.id)), `finance sees ${f.filter((o) => !finSet.has(o.id)).map((o) => o.code)}`);
    for (const c of F.FINANCE_TREE) assert.ok(f.some((o) => o.code === c), `finance misses ${c}`);
    const e = await edu.all('/api/v1/orgs');
    assert.ok(e.every((o) => eduSet.has(o.id)), `edu sees ${e.filter((o) => !eduSet.has(o.id)).map((o) => o.code)}`);
    assert.ok(e.some((o) => o.id === eduOrg.id));
    assert.equal((await fin.all('/api/v1/orgs?q=GSJYT')).length, 0);
    assert.equal((await listOrRefused(fin, `/api/v1/orgs?parent_id=${d.orgs.GSJYT.id}`)).length, 0);
    assert.equal((await listOrRefused(fin, '/api/v1/orgs?status=active')).filter((o) => !finSet.has(o.id)).length, 0);
    const s = await listOrRefused(staff, '/api/v1/orgs');
    assert.ok(s.every((o) => finSet.has(o.id)), 'staff sees orgs outside its department');
  },
  'GET /api/v1/orgs/tree': async () => {
    const finSet = await subtree('GSCZT');
    const t = await fin.ok('/api/v1/orgs/tree');
    assert.deepEqual(t.items.map((o) => o.code), ['GSCZT']);
    assert.ok(F.flatten(t.items).every((o) => finSet.has(o.id)));
    const e = await edu.ok('/api/v1/orgs/tree');
    assert.deepEqual(e.items.map((o) => o.code), ['GSJYT']);
    assert.ok(F.flatten(e.items).some((o) => o.id === eduOrg.id));
  },
  'GET /api/v1/orgs/{id}': async () => {
    for (const c of [...F.EDU_TREE, 'GSJGSW', 'GSWJW', 'LZCZJ']) await cantSee(fin, `/api/v1/orgs/${d.orgs[c].id}`);
    await cantSee(fin, `/api/v1/orgs/${eduOrg.id}`);
    for (const c of F.FINANCE_TREE) await cantSee(edu, `/api/v1/orgs/${d.orgs[c].id}`);
    assert.equal((await fin.ok(`/api/v1/orgs/${d.orgs['GSCZT-YSC'].id}`)).code, 'GSCZT-YSC');
    const r = await staff.get(`/api/v1/orgs/${d.orgs.GSJYT.id}`);
    assertProblem(r, r.status === 403 ? 403 : 404);
  },
  'POST /api/v1/orgs': async () => {
    const body = (parent) => ({ parent_id: parent, code: uniq('SX').toUpperCase(), name: '越权', level: 'province', kind: 'unit' });
    for (const p of [d.orgs.GSJYT.id, eduOrg.id, d.orgs.GSJGSW.id, null]) await refused(finAll.client, 'POST', '/api/v1/orgs', body(p));
    await refused(fin, 'POST', '/api/v1/orgs', body(d.orgs.GSCZT.id));
    assert.equal((await finAll.client.post('/api/v1/orgs', body(d.orgs.GSCZT.id))).status, 201);
  },
  'PATCH /api/v1/orgs/{id}': async () => {
    await refused(finAll.client, 'PATCH', `/api/v1/orgs/${eduOrg.id}`, { version: eduOrg.version, name: '越权' });
    await refused(finAll.client, 'PATCH', `/api/v1/orgs/${d.orgs.GSJGSW.id}`, { version: d.orgs.GSJGSW.version, name: '越权' });
    await refused(edu, 'PATCH', `/api/v1/orgs/${d.orgs.GSCZT.id}`, { version: d.orgs.GSCZT.version, name: '越权' });
    await unchanged(`/api/v1/orgs/${eduOrg.id}`, eduOrg);
    await unchanged(`/api/v1/orgs/${d.orgs.GSJGSW.id}`, d.orgs.GSJGSW);
  },
  'DELETE /api/v1/orgs/{id}': async () => {
    await refused(finAll.client, 'DELETE', `/api/v1/orgs/${eduOrg.id}`);
    assert.equal((await admin.ok(`/api/v1/orgs/${eduOrg.id}`)).status, 'active');
  },

  'GET /api/v1/users': async () => {
    const finSet = await subtree('GSCZT');
    const f = await fin.all('/api/v1/users');
    assert.ok(f.every((u) => finSet.has(u.org_id)), `finance sees ${f.filter((u) => !finSet.has(u.org_id)).map((u) => u.username)}`);
    for (const n of ['finance', 'staff', finUser.username]) assert.ok(f.some((u) => u.username === n), `finance misses ${n}`);
    const e = (await edu.all('/api/v1/users')).map((u) => u.username);
    assert.ok(e.includes(eduUser.username) && !e.includes('finance') && !e.includes('staff'));
    assert.equal((await listOrRefused(fin, `/api/v1/users?org_id=${d.orgs.GSJYT.id}&subtree=1`)).length, 0);
    assert.equal((await listOrRefused(fin, `/api/v1/users?org_id=${d.orgs['GSJYT-BGS'].id}`)).length, 0);
    assert.equal((await fin.all(`/api/v1/users?q=${eduUser.username}`)).length, 0);
    const byRole = await fin.all(`/api/v1/users?role_id=${d.roles['部门管理员'].id}`);
    assert.deepEqual(byRole.map((u) => u.username), ['finance']);
    const me = await staff.ok('/api/v1/me');
    const s = await staff.get('/api/v1/users');
    if (me.permissions.includes('user.read')) assert.deepEqual((await staff.all('/api/v1/users')).map((u) => u.username), ['staff']);
    else assertProblem(s, 403, 'forbidden');
  },
  'GET /api/v1/users/{id}': async () => {
    for (const u of [d.users.edu, eduUser, d.users.admin, d.users.bureau]) await cantSee(fin, `/api/v1/users/${u.id}`);
    for (const u of [d.users.finance, d.users.staff, finUser]) await cantSee(edu, `/api/v1/users/${u.id}`);
    assert.equal((await fin.ok(`/api/v1/users/${d.users.staff.id}`)).username, 'staff');
    const me = await staff.ok('/api/v1/me');
    const want = me.permissions.includes('user.read') ? 404 : 403;
    assertProblem(await staff.get(`/api/v1/users/${d.users.finance.id}`), want);
    if (want === 404) assert.equal((await staff.ok(`/api/v1/users/${me.id}`)).username, 'staff');
  },
  'POST /api/v1/users': async () => {
    const body = (org) => ({ username: uniq('sx'), display_name: '越权', password: F.STRONG_PASSWORD, org_id: org });
    for (const o of [d.orgs['GSJYT-BGS'].id, eduOrg.id, d.orgs.GSJGSW.id]) await refused(fin, 'POST', '/api/v1/users', body(o));
    assert.equal((await fin.post('/api/v1/users', body(d.orgs['GSCZT-GKC'].id))).status, 201);
  },
  'PATCH /api/v1/users/{id}': async () => {
    await refused(fin, 'PATCH', `/api/v1/users/${eduUser.id}`, { version: eduUser.version, display_name: '越权' });
    await refused(fin, 'PATCH', `/api/v1/users/${d.users.admin.id}`, { version: d.users.admin.version, display_name: '越权' });
    const cur = await admin.ok(`/api/v1/users/${finUser.id}`);
    assertProblem(await fin.patch(`/api/v1/users/${finUser.id}`, { version: cur.version, org_id: d.orgs.GSJYT.id }), 403, 'forbidden');
    await unchanged(`/api/v1/users/${eduUser.id}`, eduUser);
    await unchanged(`/api/v1/users/${finUser.id}`, cur);
  },
  'POST /api/v1/users/{id}/actions/reset-password': async () => {
    await refused(fin, 'POST', `/api/v1/users/${eduUser.id}/actions/reset-password`, { new_password: 'Stolen#Pass1' });
    await refused(fin, 'POST', `/api/v1/users/${d.users.admin.id}/actions/reset-password`, { new_password: 'Stolen#Pass1' });
    await srv.login(eduUser.username, F.STRONG_PASSWORD);
    assert.equal((await srv.client().tryLogin('admin', 'Stolen#Pass1')).status, 401);
  },
  'DELETE /api/v1/users/{id}': async () => {
    await refused(fin, 'DELETE', `/api/v1/users/${eduUser.id}`);
    await refused(fin, 'DELETE', `/api/v1/users/${d.users.edu.id}`);
    assert.equal((await admin.ok(`/api/v1/users/${eduUser.id}`)).status, 'active');
    assert.equal((await edu.get('/api/v1/me')).status, 200);
  },

  'GET /api/v1/permissions': async () => {
    assertProblem(await fin.get('/api/v1/permissions'), 403, 'forbidden');
    assert.deepEqual(await finAll.client.ok('/api/v1/permissions'), await eduAll.client.ok('/api/v1/permissions'));
  },
  'GET /api/v1/roles': async () => {
    assertProblem(await fin.get('/api/v1/roles'), 403, 'forbidden');
    const names = (await finAll.client.all('/api/v1/roles')).map((r) => r.name);
    assert.ok(names.includes('部门管理员'));
  },
  'GET /api/v1/roles/{id}': async () => {
    assertProblem(await fin.get(`/api/v1/roles/${eduRole.id}`), 403, 'forbidden');
    assertProblem(await edu.get(`/api/v1/roles/${eduRole.id}`), 403, 'forbidden');
  },
  'POST /api/v1/roles': async () => {
    const body = (ids) => ({ code: uniq('sr'), name: '越权角色', permissions: ['org.read'], scope: 'custom', scope_org_ids: ids });
    await refused(finAll.client, 'POST', '/api/v1/roles', body([d.orgs.GSJYT.id]));
    await refused(finAll.client, 'POST', '/api/v1/roles', body([d.orgs['GSCZT-BGS'].id, eduOrg.id]));
    assert.equal((await finAll.client.post('/api/v1/roles', body([d.orgs['GSCZT-BGS'].id]))).status, 201);
  },
  'PATCH /api/v1/roles/{id}': async () => {
    const mine = await F.makeRole(finAll.client, ['org.read'], 'custom', { scope_org_ids: [d.orgs['GSCZT-BGS'].id] });
    await refused(finAll.client, 'PATCH', `/api/v1/roles/${mine.id}`, { version: mine.version, scope_org_ids: [d.orgs.GSJYT.id] });
    await refused(finAll.client, 'PATCH', `/api/v1/roles/${eduRole.id}`, { version: eduRole.version, name: '越权' });
    await unchanged(`/api/v1/roles/${eduRole.id}`, eduRole);
  },
  'DELETE /api/v1/roles/{id}': async () => {
    await refused(finAll.client, 'DELETE', `/api/v1/roles/${eduRole.id}`);
    assert.equal((await admin.ok(`/api/v1/roles/${eduRole.id}`)).status, 'active');
  },

  'GET /api/v1/tokens': async () => {
    const f = (await finAll.client.all('/api/v1/tokens')).map((t) => t.id);
    const e = (await eduAll.client.all('/api/v1/tokens')).map((t) => t.id);
    assert.ok(f.includes(finToken.id) && !f.includes(eduToken.id), `finance tokens ${f}`);
    assert.ok(e.includes(eduToken.id) && !e.includes(finToken.id), `edu tokens ${e}`);
  },
  'POST /api/v1/tokens': async () => {
    for (const o of [d.orgs.GSJYT.id, eduOrg.id, d.orgs.GSJGSW.id]) {
      await refused(finAll.client, 'POST', '/api/v1/tokens', { name: '测试', permissions: ['org.read'], org_id: o });
    }
  },
  'DELETE /api/v1/tokens/{id}': async () => {
    await refused(finAll.client, 'DELETE', `/api/v1/tokens/${eduToken.id}`);
    assert.equal((await srv.client().withBearer(eduToken.token).get('/api/v1/orgs')).status, 200, 'the edu token was revoked');
  },

  'GET /api/v1/audit': async () => {
    const finSet = await subtree('GSCZT');
    const rows = await fin.all('/api/v1/audit');
    assert.ok(rows.length > 0, 'finance sees no audit rows of its own subtree');
    const out = rows.filter((x) => !finSet.has(x.org_id));
    assert.equal(out.length, 0, `finance sees audit rows of ${JSON.stringify(out.slice(0, 3))}`);
    assert.equal((await fin.all(`/api/v1/audit?entity_id=${eduUser.id}&actor_id=${eduAll.user.id}`)).length, 0);
    const e = await edu.all('/api/v1/audit');
    const eduSet = await subtree('GSJYT');
    assert.ok(e.every((x) => eduSet.has(x.org_id)), 'edu sees audit rows outside 教育厅');
  },
  'GET /api/v1/audit/logins': async () => {
    const rows = await fin.all('/api/v1/audit/logins');
    const names = new Set(rows.map((x) => x.username));
    assert.ok(names.has('finance'), 'finance does not see its own logins');
    for (const n of ['edu', eduUser.username, eduAll.user.username, 'admin']) assert.ok(!names.has(n), `finance sees logins of ${n}`);
  },
};

test('every route of docs/api.md has a scope case here', () => {
  const missing = ROUTES.map(key).filter((k) => !CASES[k]);
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(CASES).filter((k) => !ROUTES.some((r) => key(r) === k)), []);
});

for (const r of ROUTES) {
  test(`scope: ${key(r)}`, async () => {
    assert.ok(CASES[key(r)], 'no case');
    await CASES[key(r)]();
  });
}
