// client.js: a small HTTP client for the Zhili API on top of Node's fetch.
// Keeps the session cookie and CSRF token of a login, or sends a Bearer token;
// answers are { status, headers, text, body (parsed JSON or null), type (problem type tail) }.
'use strict';

const assert = require('node:assert/strict');

const DEMO_PASSWORD = 'Zhili@2026';
const PROBLEM_PREFIX = 'urn:zhili:problem:';

class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;   // "zl_session=…"
    this.csrf = null;
    this.bearer = null;
    this.user = null;     // Me from the login answer
    this.userAgent = 'zhili-api-test/1';
  }

  /** A copy that uses a Bearer token instead of the session. */
  withBearer(token) {
    const c = new Client(this.base);
    c.bearer = token;
    return c;
  }

  /**
   * Send a request. opts:
   *   body:    object (sent as JSON), string or Buffer (sent as is)
   *   headers: extra headers; contentType: override (null = none)
   *   csrf:    false to omit X-CSRF-Token on a cookie write
   */
  async req(method, path, opts = {}) {
    const headers = { 'user-agent': this.userAgent, accept: 'application/json', ...(opts.headers || {}) };
    let body;
    if (opts.body !== undefined) {
      if (Buffer.isBuffer(opts.body) || typeof opts.body === 'string') body = opts.body;
      else body = JSON.stringify(opts.body);
      const ct = opts.contentType === undefined ? 'application/json' : opts.contentType;
      if (ct !== null) headers['content-type'] = ct;
    }
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.cookie) headers.cookie = this.cookie;
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
    if (unsafe && this.cookie && this.csrf && opts.csrf !== false && !('x-csrf-token' in headers)) {
      headers['x-csrf-token'] = this.csrf;
    }
    let res;
    try {
      res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    } catch (e) {
      return { status: 0, headers: new Headers(), text: '', body: null, type: null, error: e, method, path };
    }
    const text = await res.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    const type = parsed && typeof parsed.type === 'string' && parsed.type.startsWith(PROBLEM_PREFIX)
      ? parsed.type.slice(PROBLEM_PREFIX.length) : null;
    return { status: res.status, headers: res.headers, text, body: parsed, type, method, path,
      setCookies: res.headers.getSetCookie ? res.headers.getSetCookie() : [] };
  }

  get(path, opts) { return this.req('GET', path, opts); }
  post(path, body, opts = {}) { return this.req('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.req('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.req('DELETE', path, opts); }

  /** Log in (no CSRF needed); keeps the cookie and the CSRF token. Returns the raw answer. */
  async tryLogin(username, password = DEMO_PASSWORD) {
    const r = await this.post('/api/v1/auth/login', { username, password });
    if (r.status === 200) {
      const sc = r.setCookies.find((c) => c.startsWith('zl_session='));
      if (sc) this.cookie = sc.split(';')[0];
      this.csrf = r.body && r.body.csrf_token;
      this.user = r.body && r.body.user;
    }
    return r;
  }

  async login(username, password = DEMO_PASSWORD) {
    const r = await this.tryLogin(username, password);
    assert.equal(r.status, 200, `login ${username}: ${r.status} ${r.text}`);
    assert.ok(this.cookie, `login ${username}: no zl_session cookie`);
    return r;
  }

  /** GET that must answer 200; returns the body. */
  async ok(path) {
    const r = await this.get(path);
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text}`);
    return r.body;
  }

  /** Every item of a list, following next_cursor. */
  async all(path, limit = 500) {
    const out = [];
    let cursor = null;
    for (let i = 0; i < 1000; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const b = await this.ok(url);
      assert.ok(Array.isArray(b.items), `${url}: no items array`);
      out.push(...b.items);
      if (!b.next_cursor) return out;
      cursor = b.next_cursor;
    }
    throw new Error(`${path}: more than 1000 pages`);
  }
}

/** Assert an RFC 9457 problem with the given status and (optional) type tail. */
function assertProblem(r, status, type) {
  const where = `${r.method} ${r.path}`;
  const st = Array.isArray(status) ? status : [status];
  assert.ok(st.includes(r.status), `${where}: status ${r.status}, want ${st.join('|')}; body ${r.text.slice(0, 300)}`);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /^application\/problem\+json/, `${where}: content-type ${ct}`);
  assert.ok(r.body && typeof r.body === 'object', `${where}: problem body is not JSON: ${r.text.slice(0, 200)}`);
  assert.ok(r.type, `${where}: type ${r.body.type} lacks ${PROBLEM_PREFIX}`);
  assert.equal(r.body.status, r.status, `${where}: body.status ${r.body.status} != ${r.status}`);
  assert.equal(typeof r.body.title, 'string', `${where}: no title`);
  if (type) {
    const ty = Array.isArray(type) ? type : [type];
    assert.ok(ty.includes(r.type), `${where}: type ${r.body.type}, want ${ty.join('|')}`);
  }
  return r.body;
}

/** Assert a status (or one of several); message carries the body. */
function assertStatus(r, status) {
  const st = Array.isArray(status) ? status : [status];
  assert.ok(st.includes(r.status),
    `${r.method} ${r.path}: status ${r.status}, want ${st.join('|')}; body ${r.text.slice(0, 300)}`);
  return r.body;
}

/** A check character for a 统一社会信用代码 (GB 32100-2015) from its first 17 characters. */
function creditCode(first17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(first17[i]) * w[i];
  const c = 31 - (sum % 31);
  return first17 + chars[c === 31 ? 0 : c];
}

/** A unique suffix for codes and usernames. */
let seq = 0;
function uniq(prefix = 't') {
  seq += 1;
  return `${prefix}${Date.now().toString(36).slice(-5)}${seq}`;
}

module.exports = { Client, DEMO_PASSWORD, PROBLEM_PREFIX, assertProblem, assertStatus, creditCode, uniq };
