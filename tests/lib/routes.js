// routes.js: the route table of docs/api.md, written out by hand, and a parser that reads the
// same routes back out of docs/api.md so a test can tell when the two drift apart.
// ROUTES are the foundation routes (0700-scope, 0800-input and 0180-citizens have a case for each);
// MODULE_ROUTES the routes of the modules built on it (ledger, catalog, applications, tasks, ratings,
// calendar, KPIs, uploads, notifications); ALL_ROUTES both, which is what docs/api.md names.
// access: public (no login) | self (any logged-in user, own data) | staff (any staff user) |
//         a permission code.
// body:   true when the route takes a JSON body (optional for some); raw: the body is a file.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROUTES = [
  // Health and documents (public)
  { method: 'GET', path: '/api/v1/health', access: 'public' },
  { method: 'GET', path: '/api/v1/openapi.json', access: 'public' },
  { method: 'GET', path: '/api/v1/public/info', access: 'public' },
  // Authentication
  { method: 'POST', path: '/api/v1/auth/login', access: 'public', body: true },
  { method: 'POST', path: '/api/v1/auth/logout', access: 'self' },
  { method: 'GET', path: '/api/v1/me', access: 'self' },
  { method: 'POST', path: '/api/v1/me/password', access: 'self', body: true },
  { method: 'GET', path: '/api/v1/me/sessions', access: 'self' },
  { method: 'DELETE', path: '/api/v1/me/sessions/{id}', access: 'self' },
  // Citizens
  { method: 'POST', path: '/api/v1/public/citizens', access: 'public', body: true },
  // Organisations
  { method: 'GET', path: '/api/v1/orgs', access: 'org.read' },
  { method: 'GET', path: '/api/v1/orgs/tree', access: 'org.read' },
  { method: 'GET', path: '/api/v1/orgs/{id}', access: 'org.read' },
  { method: 'POST', path: '/api/v1/orgs', access: 'org.write', body: true },
  { method: 'PATCH', path: '/api/v1/orgs/{id}', access: 'org.write', body: true },
  { method: 'DELETE', path: '/api/v1/orgs/{id}', access: 'org.write' },
  // Users
  { method: 'GET', path: '/api/v1/users', access: 'user.read' },
  { method: 'GET', path: '/api/v1/users/{id}', access: 'user.read' },
  { method: 'POST', path: '/api/v1/users', access: 'user.write', body: true },
  { method: 'PATCH', path: '/api/v1/users/{id}', access: 'user.write', body: true },
  { method: 'POST', path: '/api/v1/users/{id}/actions/reset-password', access: 'user.write', body: true },
  { method: 'DELETE', path: '/api/v1/users/{id}', access: 'user.write' },
  // Roles
  { method: 'GET', path: '/api/v1/permissions', access: 'role.read' },
  { method: 'GET', path: '/api/v1/roles', access: 'role.read' },
  { method: 'GET', path: '/api/v1/roles/{id}', access: 'role.read' },
  { method: 'POST', path: '/api/v1/roles', access: 'role.write', body: true },
  { method: 'PATCH', path: '/api/v1/roles/{id}', access: 'role.write', body: true },
  { method: 'DELETE', path: '/api/v1/roles/{id}', access: 'role.write' },
  // API tokens
  { method: 'GET', path: '/api/v1/tokens', access: 'token.read' },
  { method: 'POST', path: '/api/v1/tokens', access: 'token.write', body: true },
  { method: 'DELETE', path: '/api/v1/tokens/{id}', access: 'token.write' },
  // Audit
  { method: 'GET', path: '/api/v1/audit', access: 'audit.read' },
  { method: 'GET', path: '/api/v1/audit/logins', access: 'audit.read' },
];

const MODULE_ROUTES = [
  // Ledger (transparency log)
  { method: 'GET', path: '/api/v1/public/ledger', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/checkpoint', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/key', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/checkpoints', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/tile/{path}', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/proof/inclusion', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/proof/consistency', access: 'public' },
  { method: 'GET', path: '/api/v1/public/ledger/entries/{i}', access: 'public' },
  { method: 'POST', path: '/api/v1/public/ledger/cosignatures', access: 'public', body: true },
  { method: 'GET', path: '/api/v1/ledger/records/{entity}/{id}', access: 'staff' },
  // Service catalog
  { method: 'GET', path: '/api/v1/public/items', access: 'public' },
  { method: 'GET', path: '/api/v1/public/items/{id}', access: 'public' },
  { method: 'GET', path: '/api/v1/items', access: 'catalog.read' },
  { method: 'GET', path: '/api/v1/items/{id}', access: 'catalog.read' },
  { method: 'GET', path: '/api/v1/items/{id}/versions', access: 'catalog.read' },
  { method: 'POST', path: '/api/v1/items', access: 'catalog.write', body: true },
  { method: 'PATCH', path: '/api/v1/items/{id}', access: 'catalog.write', body: true },
  { method: 'POST', path: '/api/v1/items/{id}/actions/publish', access: 'catalog.write', body: true },
  { method: 'POST', path: '/api/v1/items/{id}/actions/withdraw', access: 'catalog.write', body: true },
  { method: 'POST', path: '/api/v1/items/import', access: 'catalog.write', body: true },
  { method: 'GET', path: '/api/v1/items/import-template.xlsx', access: 'catalog.write' },
  { method: 'GET', path: '/api/v1/items/export.xlsx', access: 'catalog.read' },
  // Applications
  { method: 'GET', path: '/api/v1/applications', access: 'self' },
  { method: 'POST', path: '/api/v1/applications', access: 'self', body: true },
  { method: 'GET', path: '/api/v1/applications/{id}', access: 'self' },
  { method: 'PATCH', path: '/api/v1/applications/{id}', access: 'self', body: true },
  { method: 'POST', path: '/api/v1/applications/{id}/actions/{action}', access: 'self' },
  { method: 'GET', path: '/api/v1/applications/{id}/result.pdf', access: 'self' },
  { method: 'GET', path: '/api/v1/public/applications/{code}', access: 'public' },
  // Tasks
  { method: 'GET', path: '/api/v1/tasks', access: 'staff' },
  { method: 'GET', path: '/api/v1/tasks/overdue', access: 'application.read' },
  { method: 'POST', path: '/api/v1/tasks/{id}/actions/{action}', access: 'application.handle', body: true },
  { method: 'POST', path: '/api/v1/tasks/actions/bulk-approve', access: 'application.handle', body: true },
  // Ratings
  { method: 'GET', path: '/api/v1/public/rating-sets', access: 'public' },
  { method: 'POST', path: '/api/v1/applications/{id}/rating', access: 'self', body: true },
  { method: 'GET', path: '/api/v1/rectifications/{id}', access: 'staff' },
  { method: 'POST', path: '/api/v1/rectifications/{id}/followup', access: 'application.handle', body: true },
  { method: 'GET', path: '/api/v1/public/ratings/summary', access: 'public' },
  // Working-day calendar
  { method: 'GET', path: '/api/v1/calendar/{year}', access: 'staff' },
  { method: 'PUT', path: '/api/v1/calendar/{year}', access: 'calendar.write', body: true },
  // KPIs
  { method: 'GET', path: '/api/v1/kpi/services', access: 'kpi.read' },
  // Uploads
  { method: 'POST', path: '/api/v1/uploads', access: 'self', raw: true },
  { method: 'GET', path: '/api/v1/uploads/{digest}', access: 'self' },
  // Notifications (each user's own)
  { method: 'GET', path: '/api/v1/notifications', access: 'self' },
  { method: 'GET', path: '/api/v1/notifications/unread-count', access: 'self' },
  { method: 'POST', path: '/api/v1/notifications/{id}/read', access: 'self' },
  { method: 'POST', path: '/api/v1/notifications/read-all', access: 'self' },
];

const ALL_ROUTES = [...ROUTES, ...MODULE_ROUTES];

const key = (r) => `${r.method} ${r.path}`;

/** Routes named in docs/api.md as `METHOD /api/v1/…` (query strings dropped), sorted. */
function routesInDoc(file = path.resolve(__dirname, '..', '..', 'docs', 'api.md')) {
  const text = fs.readFileSync(file, 'utf8');
  const re = /`(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[^`?\s]*)/g;
  const seen = new Set();
  for (let m = re.exec(text); m; m = re.exec(text)) seen.add(`${m[1]} ${m[2]}`);
  return [...seen].sort();
}

/** A path template with every {param} made alike, for comparing with OpenAPI paths. */
const normalise = (p) => p.replace(/\{[^}]*\}/g, '{}');

/** Fill {id} in a template. */
const fill = (p, id) => p.replace('{id}', String(id));

module.exports = { ROUTES, MODULE_ROUTES, ALL_ROUTES, key, routesInDoc, normalise, fill };
