// 0960-routes: the route tables of the server (src/**/*.c, `const struct zl_route zl_*_routes[]`)
// and GET /api/v1/openapi.json agree both ways: every route of the C tables is a path and method of
// the document (no undocumented route), and every documented path and method is in the C tables
// (no stale documentation). A path parameter {x} matches any name; the {*} wildcard (the rest of the
// path) is documented as {path}. Also: every table is registered in src/http/router.c, the
// x-zhili-permission of an operation is the route's permission, public routes need no credentials,
// and every operation lists responses, its errors as application/problem+json.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, ROOT } = require('../lib/server');

const SRC = path.join(ROOT, 'src');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every .c file below dir. */
function cFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...cFiles(p));
    else if (e.name.endsWith('.c')) out.push(p);
  }
  return out.sort();
}

/** The permission codes by enum name, from src/auth/scope.c: { ZL_P_ORG_READ: 'org.read', … }. */
function permissionCodes() {
  const text = fs.readFileSync(path.join(SRC, 'auth', 'scope.c'), 'utf8');
  const out = {};
  for (const m of text.matchAll(/\[(ZL_P_\w+)\]\s*=\s*\{\s*"([^"]+)"/g)) out[m[1]] = m[2];
  return out;
}

/**
 * The routes of every route table in src/**\/*.c:
 * [{ method: 'GET', path: '/api/v1/…', access: 'public'|'user'|'staff'|<permission>, table, file }].
 */
function cRoutes() {
  const perms = permissionCodes();
  const routes = [];
  for (const file of cFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const t of text.matchAll(/const\s+struct\s+zl_route\s+(zl_\w+_routes)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\n\};/g)) {
      const entry = /\{\s*ZL_(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*(\w+)/g;
      for (const m of t[2].matchAll(entry)) {
        const a = m[3];
        const access = a === 'ZL_ROUTE_PUBLIC' ? 'public' : a === 'ZL_ROUTE_USER' ? 'user'
          : a === 'ZL_ROUTE_STAFF' ? 'staff' : perms[a];
        assert.ok(access, `${path.relative(ROOT, file)}: unknown access ${a} of ${m[2]}`);
        routes.push({ method: m[1], path: m[2], access, table: t[1], file: path.relative(ROOT, file) });
      }
    }
  }
  return routes;
}

/** A route pattern as documented: the {*} wildcard is written {path}. */
const documented = (p) => p.replace('{*}', '{path}');
/** Any {param} made alike, for matching. */
const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');
const key = (method, p) => `${method.toUpperCase()} ${p}`;

let srv;
let doc;
let routes;
before(async () => {
  routes = cRoutes();
  srv = await startServer({ name: '0960-routes', seed: false });
  doc = await srv.client().ok('/api/v1/openapi.json');
});
after(async () => { if (srv) await srv.stop(); });

/** The operations of openapi.json: [{ method, path, op }]. */
function operations() {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths || {}))
    for (const m of METHODS) if (item[m]) out.push({ method: m.toUpperCase(), path: p, op: item[m] });
  return out;
}

/** Follow a local $ref (#/components/…). */
function deref(o) {
  let x = o;
  for (let i = 0; x && x.$ref && i < 10; i++)
    x = x.$ref.replace(/^#\//, '').split('/').reduce((acc, k) => (acc ? acc[k] : undefined), doc);
  return x;
}

test('the C route tables are found, with no route twice, and every table is in router.c', () => {
  assert.ok(routes.length >= 70, `only ${routes.length} routes found in src/`);
  const keys = routes.map((r) => key(r.method, r.path));
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], 'a route is declared twice');
  const router = fs.readFileSync(path.join(SRC, 'http', 'router.c'), 'utf8');
  const tables = [...new Set(routes.map((r) => r.table))];
  const missing = tables.filter((t) => !new RegExp(`\\b${t}\\b`).test(router));
  assert.deepEqual(missing, [], 'route tables not listed in src/http/router.c');
  for (const r of routes) assert.match(r.path, /^\/api\/v1\//, `${r.file}: ${r.path}`);
});

test('every route of the C tables is in openapi.json with its method', () => {
  const paths = {};
  for (const [p, item] of Object.entries(doc.paths || {})) paths[norm(p)] = item;
  const missing = routes.filter((r) => {
    const item = paths[norm(documented(r.path))];
    return !item || !item[r.method.toLowerCase()];
  }).map((r) => `${key(r.method, r.path)} (${r.file})`);
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
});

test('the {*} wildcard of the tile route is documented as {path}', () => {
  const wild = routes.filter((r) => r.path.includes('{*}'));
  assert.ok(wild.length >= 1, 'no {*} route found');
  for (const r of wild) {
    const item = doc.paths[documented(r.path)];
    assert.ok(item && item[r.method.toLowerCase()], `${documented(r.path)} not documented`);
    const params = [...(item.parameters || []), ...(item[r.method.toLowerCase()].parameters || [])].map(deref);
    assert.ok(params.some((p) => p.in === 'path' && p.name === 'path' && p.required), 'no {path} parameter');
  }
});

test('every documented path and method is in the C tables (no stale docs)', () => {
  const known = new Set(routes.map((r) => key(r.method, norm(documented(r.path)))));
  const stale = operations().filter((o) => !known.has(key(o.method, norm(o.path)))).map((o) => key(o.method, o.path));
  assert.deepEqual(stale, [], 'documented routes that the server does not have');
});

test('the path parameters of every operation are declared', () => {
  const bad = [];
  for (const [p, item] of Object.entries(doc.paths || {})) {
    const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const m of METHODS) {
      if (!item[m]) continue;
      const declared = [...(item.parameters || []), ...(item[m].parameters || [])].map(deref)
        .filter((x) => x && x.in === 'path').map((x) => x.name).sort();
      if (JSON.stringify(declared) !== JSON.stringify(names)) bad.push(`${key(m, p)}: ${declared} ≠ ${names}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('x-zhili-permission is the permission of the route; public routes need no credentials', () => {
  const byKey = new Map(routes.map((r) => [key(r.method, norm(documented(r.path))), r]));
  const wrong = [];
  for (const o of operations()) {
    const r = byKey.get(key(o.method, norm(o.path)));
    if (!r) continue;
    const perm = o.op['x-zhili-permission'];
    const want = r.access.includes('.') ? r.access : undefined;
    if (perm !== want) wrong.push(`${key(o.method, o.path)}: x-zhili-permission ${perm}, route ${r.access}`);
    const open = Array.isArray(o.op.security) && (o.op.security.length === 0 ||
      o.op.security.some((s) => Object.keys(s).length === 0));
    if (r.access === 'public' && !open) wrong.push(`${key(o.method, o.path)}: public route documented as needing credentials`);
    if (r.access !== 'public' && Array.isArray(o.op.security) && o.op.security.length === 0)
      wrong.push(`${key(o.method, o.path)}: route needs a login, documented with security: []`);
  }
  assert.deepEqual(wrong, []);
});

test('every operation lists a 2xx answer, and its 4xx/5xx answers are problem+json', () => {
  const bad = [];
  for (const o of operations()) {
    const codes = Object.keys(o.op.responses || {});
    if (!codes.some((c) => /^2/.test(c))) bad.push(`${key(o.method, o.path)}: no 2xx response`);
    for (const c of codes.filter((x) => /^[45]/.test(x))) {
      const resp = deref(o.op.responses[c]);
      if (!resp || !resp.content || !resp.content['application/problem+json'])
        bad.push(`${key(o.method, o.path)} ${c}: not application/problem+json`);
    }
  }
  assert.deepEqual(bad, []);
});

test('JSON request bodies refuse unknown fields (additionalProperties: false)', () => {
  const open = [];
  for (const o of operations()) {
    const rb = o.op.requestBody && deref(o.op.requestBody);
    const json = rb && rb.content && rb.content['application/json'];
    if (!json) continue;
    const schema = deref(json.schema);
    if (!schema || schema.additionalProperties !== false) open.push(key(o.method, o.path));
  }
  assert.deepEqual(open, []);
});
