// 0150-auth: login and logout, the session cookie, Me, CSRF on cookie writes (none for Bearer),
// lockout after failures, the per-address login rate, password change, own sessions, expiry.
'use strict';

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, sleep, DEMO_PASSWORD } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
before(async () => {
  srv = await startServer({ name: '0150-auth' });
  d = await F.demo(srv);
});
after(async () => { if (srv) await srv.stop(); });

const newUser = () => F.makeUser(d.admin, d.orgs.GSCZT.id, [d.roles['部门管理员'].id]);

test('login answers Me and a csrf token and sets an HttpOnly SameSite=Strict cookie', async () => {
  const c = srv.client();
  const r = await c.login('admin');
  assert.equal(r.body.user.username, 'admin');
  assert.equal(r.body.user.is_admin, true);
  assert.equal(typeof r.body.csrf_token, 'string');
  assert.ok(r.body.csrf_token.length >= 16, 'csrf token too short');
  const sc = r.setCookies.find((s) => s.startsWith('zl_session='));
  assert.ok(sc, 'no zl_session cookie');
  assert.match(sc, /;\s*HttpOnly/i);
  assert.match(sc, /;\s*SameSite=Strict/i);
  assert.match(sc, /;\s*Path=\/(;|$)/i);
  assert.ok(sc.split(';')[0].length > 'zl_session='.length + 20, 'session id too short');
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('login issues a fresh session id; a cookie chosen by the client is never adopted', async () => {
  const c = srv.client();
  c.cookie = 'zl_session=' + 'F'.repeat(43);
  const r = await c.post('/api/v1/auth/login', { username: 'auditor', password: DEMO_PASSWORD });
  assert.equal(r.status, 200, r.text);
  const sc = r.setCookies.find((s) => s.startsWith('zl_session='));
  assert.ok(sc && sc.split(';')[0] !== 'zl_session=' + 'F'.repeat(43), 'the login kept the client-chosen session id');
  const fixed = srv.client();
  fixed.cookie = 'zl_session=' + 'F'.repeat(43);
  assertProblem(await fixed.get('/api/v1/me'), 401, 'unauthenticated');
  const a = await srv.login('auditor');
  const first = a.cookie;
  await a.login('auditor');
  assert.notEqual(a.cookie, first, 'a second login reused the session id');
});

test('GET /me answers the Me shape with the same csrf token as the login', async () => {
  const c = await srv.login('finance');
  const me = await c.ok('/api/v1/me');
  for (const k of ['id', 'username', 'display_name', 'kind', 'org', 'is_admin', 'permissions', 'roles', 'csrf_token']) {
    assert.ok(k in me, `Me lacks ${k}`);
  }
  assert.equal(me.username, 'finance');
  assert.equal(me.kind, 'staff');
  assert.equal(me.is_admin, false);
  assert.equal(me.org.code, 'GSCZT');
  assert.equal(me.csrf_token, c.csrf);
  assert.deepEqual([...me.permissions].sort(), ['application.handle', 'application.read', 'audit.read', 'catalog.read', 'kpi.read', 'org.read', 'user.read', 'user.write']);
  assert.ok(me.roles.length >= 1);
  for (const role of me.roles) for (const k of ['id', 'code', 'name', 'scope']) assert.ok(k in role, `role lacks ${k}`);
  assert.equal(me.roles[0].scope, 'subtree');
  const admin = await d.admin.ok('/api/v1/me');
  assert.deepEqual([...admin.permissions].sort(), [...F.ALL_PERMISSIONS].sort());
});

test('wrong password and unknown user get the same 401 answer', async () => {
  const c = srv.client();
  const a = await c.tryLogin('auditor', 'Wrong@2026x');
  const b = await c.tryLogin('nosuchuser_zz', 'Wrong@2026x');
  assertProblem(a, 401, 'unauthenticated');
  assertProblem(b, 401, 'unauthenticated');
  const strip = (x) => { const o = { ...x }; delete o.instance; return o; };
  assert.deepEqual(strip(a.body), strip(b.body));
  assert.equal(a.setCookies.filter((s) => /^zl_session=[^;]+/.test(s)).length, 0, 'failed login set a session');
  const empty = await c.tryLogin('auditor', '');
  assertProblem(empty, [400, 401]);
});

test('five failures lock the account: even the right password is then 429 locked', async () => {
  const u = await newUser();
  const c = srv.client();
  for (let i = 1; i <= 5; i++) {
    assertProblem(await c.tryLogin(u.username, `Wrong#pass${i}`), 401, 'unauthenticated');
  }
  const locked = await c.tryLogin(u.username, F.STRONG_PASSWORD);
  assertProblem(locked, 429, 'locked');
  assert.equal(c.cookie, null);
  // Other accounts are not affected.
  await srv.login('auditor');
  const log = await d.admin.ok(`/api/v1/audit/logins?username=${u.username}`);
  const results = log.items.map((x) => x.result);
  assert.equal(results.filter((x) => x === 'bad_credentials').length, 5, JSON.stringify(results));
  assert.ok(results.includes('locked'), JSON.stringify(results));
});

test('logout needs the csrf token, answers 204, clears the cookie and revokes the session', async () => {
  const c = await srv.login('auditor');
  assertProblem(await c.post('/api/v1/auth/logout', undefined, { csrf: false }), 403, 'csrf');
  assert.equal((await c.get('/api/v1/me')).status, 200, 'logout without csrf ended the session');
  const r = await c.post('/api/v1/auth/logout');
  assert.equal(r.status, 204, r.text);
  const sc = r.setCookies.find((s) => s.startsWith('zl_session='));
  assert.ok(sc, 'logout did not clear the cookie');
  assert.match(sc, /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
  assertProblem(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('cookie writes without or with a wrong X-CSRF-Token are 403 csrf and change nothing', async () => {
  const c = await srv.login('admin');
  const head = await F.auditHead(d.admin);
  const body = { parent_id: d.orgs.GSCZT.id, code: 'CSRF-X1', name: 'CSRF 测试', level: 'province', kind: 'unit' };
  assertProblem(await c.post('/api/v1/orgs', body, { csrf: false }), 403, 'csrf');
  assertProblem(await c.post('/api/v1/orgs', body, { headers: { 'x-csrf-token': 'bogus' } }), 403, 'csrf');
  const org = d.orgs['GSCZT-GKC'];
  assertProblem(await c.patch(`/api/v1/orgs/${org.id}`, { version: org.version, name: '测试' }, { csrf: false }), 403, 'csrf');
  assertProblem(await c.del(`/api/v1/orgs/${org.id}`, { csrf: false }), 403, 'csrf');
  // Another session's token is not this session's token.
  const other = await srv.login('admin');
  assertProblem(await c.post('/api/v1/orgs', body, { headers: { 'x-csrf-token': other.csrf } }), 403, 'csrf');
  assert.equal(await F.auditHead(d.admin), head, 'a refused write left an audit row');
  const list = await d.admin.ok('/api/v1/orgs?q=CSRF-X1');
  assert.equal(list.items.length, 0);
  assert.equal((await d.admin.ok(`/api/v1/orgs/${org.id}`)).version, org.version);
  // Safe methods need no token.
  assert.equal((await c.get('/api/v1/orgs', { headers: { 'x-csrf-token': 'bogus' } })).status, 200);
});

test('Bearer token writes need no csrf token', async () => {
  const t = await d.admin.post('/api/v1/tokens', { name: 'csrf-free', permissions: ['org.read', 'org.write'], org_id: d.orgs.GSCZT.id });
  assertStatus(t, 201);
  const b = srv.client().withBearer(t.body.token);
  const r = await b.post('/api/v1/orgs', { parent_id: d.orgs.GSCZT.id, code: 'BEARER-1', name: '令牌创建', level: 'province', kind: 'unit' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.code, 'BEARER-1');
});

test('password change: 204, other sessions revoked, this one kept, old password refused', async () => {
  const u = await newUser();
  const a = await srv.login(u.username, F.STRONG_PASSWORD);
  const b = await srv.login(u.username, F.STRONG_PASSWORD);
  const weak = await a.post('/api/v1/me/password', { old_password: F.STRONG_PASSWORD, new_password: 'short' });
  assertProblem(weak, 400, 'validation');
  const twoKinds = await a.post('/api/v1/me/password', { old_password: F.STRONG_PASSWORD, new_password: 'alllowercase123' });
  assertProblem(twoKinds, 400, 'validation');
  const wrongOld = await a.post('/api/v1/me/password', { old_password: 'Not-the-old-1', new_password: 'New#Pass2026' });
  assertProblem(wrongOld, [400, 403]);
  assert.equal((await b.get('/api/v1/me')).status, 200, 'a refused change revoked sessions');
  const r = await a.post('/api/v1/me/password', { old_password: F.STRONG_PASSWORD, new_password: 'New#Pass2026' });
  assert.equal(r.status, 204, r.text);
  assert.equal((await a.get('/api/v1/me')).status, 200, 'the changing session was revoked');
  assertProblem(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assertProblem(await srv.client().tryLogin(u.username, F.STRONG_PASSWORD), 401, 'unauthenticated');
  await srv.login(u.username, 'New#Pass2026');
});

test('my sessions: listed with one current, another can be revoked, others are 404', async () => {
  const u = await newUser();
  const a = await srv.login(u.username, F.STRONG_PASSWORD);
  const b = await srv.login(u.username, F.STRONG_PASSWORD);
  const list = await a.ok('/api/v1/me/sessions');
  assert.ok(list.items.length >= 2, `want 2 sessions, got ${list.items.length}`);
  for (const s of list.items) {
    for (const k of ['id', 'created_at', 'last_seen_at', 'expires_at', 'client_addr', 'user_agent', 'current']) {
      assert.ok(k in s, `session lacks ${k}`);
    }
    assert.match(s.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  }
  const current = list.items.filter((s) => s.current === true);
  assert.equal(current.length, 1, 'exactly one session is current');
  assert.equal(current[0].user_agent, a.userAgent);
  assert.equal(current[0].client_addr, '127.0.0.1');
  const other = list.items.find((s) => !s.current);
  const r = await a.del(`/api/v1/me/sessions/${other.id}`);
  assert.equal(r.status, 204, r.text);
  assertProblem(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assert.equal((await a.get('/api/v1/me')).status, 200);
  const after2 = await a.ok('/api/v1/me/sessions');
  assert.ok(!after2.items.some((s) => s.id === other.id), 'revoked session still listed');
  // Someone else's session and a missing one: 404.
  const adminSessions = await d.admin.ok('/api/v1/me/sessions');
  assertProblem(await a.del(`/api/v1/me/sessions/${adminSessions.items[0].id}`), 404, 'not-found');
  assertProblem(await a.del('/api/v1/me/sessions/99999999'), 404, 'not-found');
  assert.equal((await d.admin.get('/api/v1/me')).status, 200, "another user's session was revoked");
});

describe('per-address login rate', () => {
  let low;
  before(async () => { low = await startServer({ name: '0150-rate', env: { ZHILI_LOGIN_RATE_PER_MINUTE: '3' } }); });
  after(async () => { if (low) await low.stop(); });

  test('more attempts than ZHILI_LOGIN_RATE_PER_MINUTE from one address are 429 rate-limited', async () => {
    const c = low.client();
    assert.equal((await c.tryLogin('admin')).status, 200);
    assertProblem(await c.tryLogin('nobody_a', 'Wrong@2026x'), 401, 'unauthenticated');
    assertProblem(await c.tryLogin('nobody_b', 'Wrong@2026x'), 401, 'unauthenticated');
    const r = await c.tryLogin('auditor', DEMO_PASSWORD);
    assertProblem(r, 429, 'rate-limited');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, `Retry-After ${ra}`);
    assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `Retry-After ${ra}`);
    // The limit is on login attempts, not on other requests of a logged-in client.
    const admin = low.client();
    admin.cookie = c.cookie;
    admin.csrf = c.csrf;
    const log = await admin.ok('/api/v1/audit/logins?result=rate_limited');
    assert.ok(log.items.some((x) => x.username === 'auditor'), JSON.stringify(log.items));
  });

  test('X-Forwarded-For from the client does not reset the per-address limit', async () => {
    const c = low.client();
    for (let i = 0; i < 3; i++) {
      await c.post('/api/v1/auth/login', { username: 'nobody_x', password: 'Wrong@2026x' }, { headers: { 'x-forwarded-for': `10.9.8.${i}`, 'x-real-ip': `10.9.8.${i}` } });
    }
    const r = await c.post('/api/v1/auth/login', { username: 'nobody_y', password: 'Wrong@2026x' }, { headers: { 'x-forwarded-for': '10.9.9.9', 'x-real-ip': '10.9.9.9' } });
    assertProblem(r, 429, 'rate-limited');
  });
});

describe('lockout settings', () => {
  let lk;
  before(async () => {
    lk = await startServer({ name: '0150-lockout', env: { ZHILI_LOGIN_MAX_FAILURES: '2', ZHILI_LOCKOUT_SECONDS: '3' } });
  });
  after(async () => { if (lk) await lk.stop(); });

  test('ZHILI_LOGIN_MAX_FAILURES and ZHILI_LOCKOUT_SECONDS set the lock, which then ends', async () => {
    const c = lk.client();
    assertProblem(await c.tryLogin('auditor', 'Wrong#pass1'), 401, 'unauthenticated');
    assertProblem(await c.tryLogin('auditor', 'Wrong#pass2'), 401, 'unauthenticated');
    assertProblem(await c.tryLogin('auditor', DEMO_PASSWORD), 429, 'locked');
    await lk.login('finance');
    await sleep(4500);
    assert.equal((await c.tryLogin('auditor', DEMO_PASSWORD)).status, 200, 'still locked after ZHILI_LOCKOUT_SECONDS');
  });
});

describe('session idle expiry', () => {
  let short;
  before(async () => {
    short = await startServer({ name: '0150-idle', env: { ZHILI_SESSION_IDLE: '5', ZHILI_SESSION_ABSOLUTE: '3600' } });
  });
  after(async () => { if (short) await short.stop(); });

  test('an idle session expires after ZHILI_SESSION_IDLE seconds', async () => {
    const c = await short.login('auditor');
    assert.equal((await c.get('/api/v1/me')).status, 200);
    await sleep(7000);
    assertProblem(await c.get('/api/v1/me'), 401, 'unauthenticated');
  });

  test('activity keeps a session alive past ZHILI_SESSION_IDLE', async () => {
    const c = await short.login('auditor');
    for (let i = 1; i <= 4; i++) {
      await sleep(2000);
      assert.equal((await c.get('/api/v1/me')).status, 200, `session ended after ${i * 2} s with a request every 2 s (idle 5 s)`);
    }
  });
});

describe('session absolute expiry', () => {
  let short;
  before(async () => {
    short = await startServer({ name: '0150-absolute', env: { ZHILI_SESSION_IDLE: '3600', ZHILI_SESSION_ABSOLUTE: '6' } });
  });
  after(async () => { if (short) await short.stop(); });

  test('a busy session still ends after ZHILI_SESSION_ABSOLUTE seconds', async () => {
    const c = await short.login('auditor');
    for (let i = 0; i < 2; i++) {
      await sleep(1500);
      assert.equal((await c.get('/api/v1/me')).status, 200, `session gone after ${(i + 1) * 1.5} s`);
    }
    await sleep(4500);
    assertProblem(await c.get('/api/v1/me'), 401, 'unauthenticated');
    const s = (await short.login('auditor')).ok('/api/v1/me/sessions');
    const cur = (await s).items.find((x) => x.current);
    const life = (Date.parse(cur.expires_at) - Date.parse(cur.created_at)) / 1000;
    assert.ok(life >= 5 && life <= 7, `expires_at - created_at = ${life} s, want 6`);
  });
});
