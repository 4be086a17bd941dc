// fixtures.js: look up the demo data of `zhili seed-demo` (docs/api.md) through the API as admin,
// and small builders shared by the test files (orgs, users, roles, audit head, snapshots).
'use strict';

const assert = require('node:assert/strict');
const { DEMO_PASSWORD, uniq, assertStatus } = require('./client');

const DEMO_USERS = ['admin', 'bureau', 'finance', 'edu', 'auditor', 'staff', 'citizen'];
const DEMO_ORGS = ['GSJGSW', 'GSCZT', 'GSJYT', 'GSWJW', 'LZJGSW', 'GSCZT-BGS', 'GSCZT-YSC', 'GSCZT-GKC',
  'GSJYT-BGS', 'GSJYT-GJC', 'LZCZJ'];
const FINANCE_TREE = ['GSCZT', 'GSCZT-BGS', 'GSCZT-YSC', 'GSCZT-GKC'];
const EDU_TREE = ['GSJYT', 'GSJYT-BGS', 'GSJYT-GJC'];
const ALL_PERMISSIONS = ['org.read', 'org.write', 'user.read', 'user.write', 'role.read', 'role.write',
  'token.read', 'token.write', 'audit.read', 'catalog.read', 'catalog.write', 'application.read',
  'application.handle', 'calendar.write', 'kpi.read'];
const STRONG_PASSWORD = 'Xy9#test-pass';

/**
 * The demo data as admin sees it: { admin (Client), orgs: {code: Org}, users: {username: User},
 * roles: {name: Role} }.
 */
async function demo(server) {
  const admin = await server.login('admin');
  const orgs = {};
  for (const o of await admin.all('/api/v1/orgs')) orgs[o.code] = o;
  for (const c of DEMO_ORGS) assert.ok(orgs[c], `demo org ${c} missing from GET /api/v1/orgs as admin`);
  const users = {};
  for (const u of await admin.all('/api/v1/users')) users[u.username] = u;
  for (const u of DEMO_USERS.filter((n) => n !== 'citizen')) assert.ok(users[u], `demo user ${u} missing`);
  const roles = {};
  for (const r of await admin.all('/api/v1/roles')) roles[r.name] = r;
  return { admin, orgs, users, roles };
}

/** The id of the newest audit row (0 when none). */
async function auditHead(admin) {
  const b = await admin.ok('/api/v1/audit?limit=1');
  return b.items.length ? b.items[0].id : 0;
}

/** Create an org under parentId as `who`; asserts 201. */
async function makeOrg(who, parentId, extra = {}) {
  const code = uniq('O').toUpperCase();
  const r = await who.post('/api/v1/orgs', {
    parent_id: parentId, code, name: `测试机构${code}`, level: 'province', kind: 'unit', ...extra,
  });
  assertStatus(r, 201);
  return r.body;
}

/** Create a staff user in orgId with the given role ids as `who`; asserts 201. */
async function makeUser(who, orgId, roleIds = [], extra = {}) {
  const username = uniq('u');
  const r = await who.post('/api/v1/users', {
    username, display_name: `测试用户${username}`, password: STRONG_PASSWORD, org_id: orgId,
    role_ids: roleIds, ...extra,
  });
  assertStatus(r, 201);
  return r.body;
}

/** Create a role as `who`; asserts 201. */
async function makeRole(who, permissions, scope, extra = {}) {
  const code = uniq('r');
  const r = await who.post('/api/v1/roles', { code, name: `测试角色${code}`, permissions, scope, ...extra });
  assertStatus(r, 201);
  return r.body;
}

/** A user with the given permissions and scope in orgId, logged in. Returns { user, role, client }. */
async function actor(server, admin, orgId, permissions, scope = 'subtree', extra = {}) {
  const role = await makeRole(admin, permissions, scope, extra);
  const user = await makeUser(admin, orgId, [role.id]);
  const client = await server.login(user.username, STRONG_PASSWORD);
  return { user, role, client };
}

/** Ids of a list's items. */
const ids = (items) => items.map((x) => x.id);

/** Flatten a forest of { children: [...] } nodes. */
function flatten(nodes, out = []) {
  for (const n of nodes || []) {
    out.push(n);
    flatten(n.children, out);
  }
  return out;
}

module.exports = {
  DEMO_USERS, DEMO_ORGS, FINANCE_TREE, EDU_TREE, ALL_PERMISSIONS, STRONG_PASSWORD, DEMO_PASSWORD,
  demo, auditHead, makeOrg, makeUser, makeRole, actor, ids, flatten,
};
