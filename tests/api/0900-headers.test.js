// 0900-headers: security headers on API answers (success and error), static files and static
// errors; problem+json on every API error; no path traversal out of the web root.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, assertProblem } = require('../lib/server');

let srv;
let admin;
before(async () => {
  srv = await startServer({ name: '0900-headers', env: { ZHILI_MAX_BODY: '2048' } });
  admin = await srv.login('admin');
});
after(async () => { if (srv) await srv.stop(); });

function assertSecurityHeaders(r, where) {
  const h = (n) => r.headers.get(n);
  const csp = h('content-security-policy');
  assert.ok(csp, `${where}: no Content-Security-Policy`);
  assert.match(csp, /default-src/, `${where}: CSP without default-src: ${csp}`);
  assert.equal(h('x-content-type-options'), 'nosniff', `${where}: X-Content-Type-Options`);
  assert.equal(h('x-frame-options'), 'DENY', `${where}: X-Frame-Options`);
  assert.equal(h('referrer-policy'), 'no-referrer', `${where}: Referrer-Policy`);
}

const API_CASES = [
  ['200 health', (c) => c.get('/api/v1/health'), 200],
  ['200 me', () => admin.get('/api/v1/me'), 200],
  ['200 list', () => admin.get('/api/v1/orgs?limit=1'), 200],
  ['204 logout', async (c) => { await c.login('auditor'); return c.post('/api/v1/auth/logout'); }, 204],
  ['400 bad json', (c) => c.post('/api/v1/auth/login', '{"username":'), 400],
  ['401 no session', (c) => c.get('/api/v1/me'), 401],
  ['401 bad login', (c) => c.post('/api/v1/auth/login', { username: 'x', password: 'Wrong#123a' }), 401],
  ['403 csrf', () => admin.post('/api/v1/orgs', {}, { csrf: false }), 403],
  ['404 route', (c) => c.get('/api/v1/nothing-here'), 404],
  ['404 record', () => admin.get('/api/v1/orgs/987654321'), 404],
  ['405 method', (c) => c.req('PUT', '/api/v1/health', { body: {} }), 405],
  ['413 body', (c) => c.post('/api/v1/auth/login', { username: 'x'.repeat(3000), password: 'y' }), 413],
  ['415 type', (c) => c.post('/api/v1/auth/login', 'username=x', { contentType: 'text/plain' }), 415],
  ['428 version', async () => {
    const o = (await admin.ok('/api/v1/orgs?q=GSWJW')).items[0];
    return admin.patch(`/api/v1/orgs/${o.id}`, { name: '测试' });
  }, 428],
];

for (const [label, send, status] of API_CASES) {
  test(`API ${label}: security headers, no-store${status >= 400 ? ', problem+json' : ''}`, async () => {
    const r = await send(srv.client());
    assert.equal(r.status, status, `${label}: ${r.status} ${r.text.slice(0, 200)}`);
    assertSecurityHeaders(r, label);
    assert.equal(r.headers.get('cache-control'), 'no-store', `${label}: Cache-Control ${r.headers.get('cache-control')}`);
    if (status >= 400) assertProblem(r, status);
    else if (status === 200) assert.match(r.headers.get('content-type') || '', /^application\/json/);
  });
}

test('static index.html: 200 text/html with security headers', async () => {
  const r = await srv.client().get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^text\/html/);
  assert.ok(r.text.includes('治理'), 'index.html content');
  assertSecurityHeaders(r, 'GET /');
});

test('a static asset: 200 with its content type and security headers', async () => {
  const r = await srv.client().get('/assets/app.css');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^text\/css/);
  assertSecurityHeaders(r, 'GET /assets/app.css');
});

test('a missing static file: 404 with security headers', async () => {
  const r = await srv.client().get('/assets/missing-file.js');
  assert.equal(r.status, 404);
  assertSecurityHeaders(r, 'GET /assets/missing-file.js');
});

/** A raw GET whose path is sent exactly as written (fetch would normalise it). */
function rawGet(port, path) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('no path traversal out of the web root', async () => {
  for (const p of ['/../../../../etc/passwd', '/assets/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5c..%5cetc%5cpasswd', '/assets/%2e%2e%2f%2e%2e%2fzhili.db']) {
    const r = await rawGet(srv.port, p);
    assert.ok(!/root:.*:0:0:/.test(r.body), `${p} served /etc/passwd`);
    assert.ok(!r.body.startsWith('SQLite format'), `${p} served the database`);
    assert.ok([200, 400, 403, 404].includes(r.status), `${p}: status ${r.status}`);
    if (r.status === 200) assert.match(r.headers['content-type'] || '', /^text\/html/, `${p} served something other than the app`);
  }
});

test('a request line too long or a header too large is refused, not a crash', async () => {
  const r = await rawGet(srv.port, '/api/v1/health?x=' + 'a'.repeat(100000)).catch((e) => ({ status: 0, error: e }));
  assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `long URL: ${r.status}`);
  const h = await srv.client().get('/api/v1/health');
  assert.equal(h.status, 200, 'server unhealthy after a long request line');
});
