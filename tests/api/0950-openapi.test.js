// 0950-openapi: the route tables of these tests (foundation and modules) mirror docs/api.md, and
// every route in them is described in GET /api/v1/openapi.json with its method.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { ALL_ROUTES: ROUTES, key, routesInDoc, normalise } = require('../lib/routes');

let srv;
let doc;
before(async () => {
  srv = await startServer({ name: '0950-openapi', seed: false });
  doc = await srv.client().ok('/api/v1/openapi.json');
});
after(async () => { if (srv) await srv.stop(); });

test('the route tables here are exactly the routes named in docs/api.md', () => {
  assert.deepEqual(ROUTES.map(key).sort(), routesInDoc());
});

test('openapi.json is OpenAPI 3 with info.version of the server', async () => {
  assert.match(String(doc.openapi), /^3\./);
  const health = await srv.client().ok('/api/v1/health');
  assert.equal(doc.info.version, health.version);
});

test('every documented route is a path and method in openapi.json', () => {
  const paths = {};
  for (const [p, item] of Object.entries(doc.paths || {})) paths[normalise(p)] = item;
  const missing = [];
  for (const r of ROUTES) {
    const item = paths[normalise(r.path)];
    if (!item || !item[r.method.toLowerCase()]) missing.push(key(r));
  }
  assert.deepEqual(missing, [], 'routes missing from openapi.json');
});

test('every documented operation lists responses', () => {
  const paths = {};
  for (const [p, item] of Object.entries(doc.paths || {})) paths[normalise(p)] = item;
  const bare = ROUTES.filter((r) => {
    const op = (paths[normalise(r.path)] || {})[r.method.toLowerCase()];
    return op && (!op.responses || Object.keys(op.responses).length === 0);
  }).map(key);
  assert.deepEqual(bare, []);
});

test('every body-taking route documents a JSON request body', () => {
  const paths = {};
  for (const [p, item] of Object.entries(doc.paths || {})) paths[normalise(p)] = item;
  const without = ROUTES.filter((r) => r.body).filter((r) => {
    const op = (paths[normalise(r.path)] || {})[r.method.toLowerCase()];
    return op && !(op.requestBody && op.requestBody.content && op.requestBody.content['application/json']);
  }).map(key);
  assert.deepEqual(without, []);
});
