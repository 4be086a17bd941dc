// 0100-health: the public documents (health, openapi.json, public/info), the version subcommand,
// and the problem answers for unknown routes and missing authentication.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, assertProblem, BIN } = require('../lib/server');

let srv;
let anon;
before(async () => {
  srv = await startServer({ name: '0100-health' });
  anon = srv.client();
});
after(async () => { if (srv) await srv.stop(); });

test('GET /api/v1/health answers ok with version and the backend in use', async () => {
  const r = await anon.get('/api/v1/health');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.version, '0.1.0');
  assert.equal(r.body.backend, srv.backend);
});

test('GET /api/v1/openapi.json is an OpenAPI 3 document', async () => {
  const r = await anon.get('/api/v1/openapi.json');
  assert.equal(r.status, 200, r.text.slice(0, 200));
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.match(String(r.body.openapi), /^3\./);
  assert.equal(typeof r.body.info, 'object');
  assert.equal(typeof r.body.paths, 'object');
});

test('GET /api/v1/public/info names the platform', async () => {
  const r = await anon.get('/api/v1/public/info');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, '治理 · 机关事务数字化治理平台');
  assert.equal(typeof r.body.version, 'string');
  assert.ok(r.body.version.length > 0);
});

test('`zhili version` prints the version that health reports', async () => {
  const out = execFileSync(BIN, ['version']).toString();
  const health = await anon.ok('/api/v1/health');
  assert.ok(out.includes(health.version), `zhili version printed ${JSON.stringify(out)}`);
});

test('an unknown API route is a 404 not-found problem', async () => {
  assertProblem(await anon.get('/api/v1/no-such-route'), 404, 'not-found');
  assertProblem(await anon.get('/api/v2/health'), 404, 'not-found');
});

test('a known route with a wrong method is a 405 method-not-allowed problem', async () => {
  const r = await anon.req('DELETE', '/api/v1/health');
  assertProblem(r, 405, 'method-not-allowed');
});

test('staff routes without authentication are 401 unauthenticated', async () => {
  for (const p of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/orgs', '/api/v1/orgs/tree',
    '/api/v1/users', '/api/v1/roles', '/api/v1/permissions', '/api/v1/tokens', '/api/v1/audit',
    '/api/v1/audit/logins', '/api/v1/orgs/1', '/api/v1/users/1', '/api/v1/roles/1']) {
    assertProblem(await anon.get(p), 401, 'unauthenticated');
  }
});

test('a forged session cookie or bearer token is 401', async () => {
  const c = srv.client();
  c.cookie = 'zl_session=' + 'A'.repeat(43);
  assertProblem(await c.get('/api/v1/me'), 401, 'unauthenticated');
  const b = srv.client().withBearer('zlt_' + 'x'.repeat(40));
  assertProblem(await b.get('/api/v1/orgs'), 401, 'unauthenticated');
  const junk = srv.client();
  assertProblem(await junk.get('/api/v1/orgs', { headers: { authorization: 'Basic YWRtaW46eA==' } }),
    401, 'unauthenticated');
});

test('list limits: default 50, at most 500, over 500 is a 400', async () => {
  const admin = await srv.login('admin');
  const r = await admin.get('/api/v1/orgs?limit=501');
  assertProblem(r, 400, ['validation', 'bad-json']);
  assertProblem(await admin.get('/api/v1/orgs?limit=-1'), 400, ['validation', 'bad-json']);
  const r2 = await admin.get('/api/v1/orgs?limit=abc');
  assertProblem(r2, 400, ['validation', 'bad-json']);
  const ok = await admin.get('/api/v1/orgs?limit=500');
  assert.equal(ok.status, 200, ok.text);
  assert.ok(Array.isArray(ok.body.items));
  assert.ok('next_cursor' in ok.body, 'list answer lacks next_cursor');
});

test('the access log is one JSON object per request, odd paths escaped', async () => {
  const fs = require('node:fs');
  await anon.get('/api/v1/health');
  await anon.get('/api/v1/x%22y%5C%E4%B8%AD');	// x"y\中
  await anon.get('/api/v1/%ff');			// not UTF-8
  let lines = [];
  for (let i = 0; i < 40; i++) {			// the log is flushed once a second
    lines = fs.readFileSync(srv.logPath, 'utf8').split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"method"')).map((l) => JSON.parse(l));
    if (lines.some((l) => l.path === '(invalid)')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const odd = lines.find((l) => l.path === '/api/v1/x"y\\中');
  assert.ok(odd, JSON.stringify(lines.slice(-3)));
  assert.equal(odd.status, 404);
  assert.equal(odd.method, 'GET');
  assert.equal(typeof odd.ms, 'number');
  assert.ok(lines.some((l) => l.path === '(invalid)'));
  assert.ok(lines.some((l) => l.path === '/api/v1/health' && l.status === 200 && l.bytes > 0));
});
