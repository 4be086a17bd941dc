// 0710-scope-modules: data scope and bad input on the module routes (MODULE_ROUTES of lib/routes.js),
// as 0700-scope and 0800-input do for the foundation routes. (a) Every non-public route that takes an
// id or a body: a user of another department (finance vs edu), or another citizen for applications,
// is refused the other's record — 404 on single reads, 403/404 on writes — and nothing changes (the
// record read before and after by an authorised user, and no audit row). (b) Every non-public route
// with a JSON body: malformed JSON, an unknown field and a wrong type are 400 problem+json and change
// nothing; the valid body is sent last and must succeed, so each refusal was for its defect alone.
'use strict';

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, uniq } = require('../lib/server');
const { MODULE_ROUTES, key } = require('../lib/routes');
const F = require('../lib/fixtures');
const H = require('../lib/hall');

const { A } = H;

let srv; let d; let admin;
const u = {};                 // demo users: finance, edu (部门管理员), staff, citizen
let other;                    // a second citizen
let finW; let eduW;           // catalog.read/write (subtree) in 财政厅 / 教育厅
let DIMS;                     // the online rating dimensions

before(async () => {
  srv = await startServer({ name: '0710-scope-modules' });
  d = await F.demo(srv);
  admin = d.admin;
  for (const name of ['finance', 'edu', 'staff', 'citizen']) u[name] = await srv.login(name);
  other = await H.citizen(srv, uniq);
  finW = (await F.actor(srv, admin, d.orgs.GSCZT.id, ['catalog.read', 'catalog.write'], 'subtree')).client;
  eduW = (await F.actor(srv, admin, d.orgs.GSJYT.id, ['catalog.read', 'catalog.write'], 'subtree')).client;
  DIMS = (await srv.client().ok('/api/v1/public/rating-sets?channel=online')).dimensions;
});
after(async () => { if (srv) await srv.stop(); });

const FIN = () => A.inOrg('dept-admin', 'GSCZT');
const EDU = () => A.inOrg('dept-admin', 'GSJYT');
const FORM = { fields: [
  { key: 'reason', label: '事由', type: 'text', required: true },
  { key: 'doc', label: '附件', type: 'file' },
] };
const scores = (n) => Object.fromEntries(DIMS.map((k) => [k, n]));

/** A GSCZT (finance) item, published unless publish: false. */
const finItem = (opts = {}) => H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM, ...opts });
/** A GSJYT (edu) item, published unless publish: false. */
const eduItem = (opts = {}) => H.makeItem(admin, d.orgs.GSJYT.id, H.oneStep(EDU()), { form: FORM, ...opts });

/** A running application of the demo citizen on a finance item, with finance's open task. */
async function runningCase(who = u.citizen, data = { reason: '办件' }) {
  const it = await finItem();
  const ap = await H.apply(who, it.id, data);
  const task = await H.taskOf(u.finance, ap.id);
  return { it, ap, task };
}

/** An approved application of the demo citizen on a finance item. */
async function finishedCase() {
  const c = await runningCase();
  assertStatus(await H.act(u.finance, c.task.id, 'approve', {}), 200);
  return c;
}

/** What must not change about an application: as admin sees it. */
async function appSnap(id) {
  const a = await admin.ok(`/api/v1/applications/${id}`);
  return { status: a.status, version: a.version, data: a.data, history: a.history.length,
    tasks: a.tasks.map((t) => t.id), case: a.case && { step: a.case.step, status: a.case.status } };
}
/** What must not change about an item: as admin sees it. */
async function itemSnap(id) {
  const i = await admin.ok(`/api/v1/items/${id}`);
  return { version: i.version, status: i.status, name: i.name, org_id: i.org_id };
}
const itemCount = async (code) => (await admin.all(`/api/v1/items?q=${encodeURIComponent(code)}`)).length;

/** A write refused with 403 or 404 that left no audit row. */
async function refused(c, method, url, body) {
  const head = await F.auditHead(admin);
  const r = await c.req(method, url, body === undefined ? {} : { body });
  assertProblem(r, [403, 404]);
  assert.equal(await F.auditHead(admin), head, `${method} ${url}: a refused write left an audit row`);
  return r;
}
/** A single read refused with 404 not-found. */
const cantSee = async (c, url) => assertProblem(await c.get(url), 404, 'not-found');

// ---- (a) scope cases, one per route -----------------------------------------------------------

const SCOPE = {
  'GET /api/v1/ledger/records/{entity}/{id}': async () => {
    for (const c of F.EDU_TREE) await cantSee(u.finance, `/api/v1/ledger/records/org/${d.orgs[c].id}`);
    for (const c of F.FINANCE_TREE) await cantSee(u.edu, `/api/v1/ledger/records/org/${d.orgs[c].id}`);
    await cantSee(u.finance, `/api/v1/ledger/records/user/${d.users.edu.id}`);
    await cantSee(u.edu, `/api/v1/ledger/records/user/${d.users.finance.id}`);
    // In scope it answers.
    const mine = await u.finance.ok(`/api/v1/ledger/records/org/${d.orgs['GSCZT-YSC'].id}`);
    assert.equal(mine.id, d.orgs['GSCZT-YSC'].id);
  },
  'GET /api/v1/items/{id}': async () => {
    const ed = await eduItem({ publish: false });
    const fd = await finItem({ publish: false });
    await cantSee(u.finance, `/api/v1/items/${ed.id}`);
    await cantSee(finW, `/api/v1/items/${ed.id}`);
    await cantSee(u.edu, `/api/v1/items/${fd.id}`);
    assert.equal((await u.finance.ok(`/api/v1/items/${fd.id}`)).id, fd.id);
    assert.equal((await u.edu.ok(`/api/v1/items/${ed.id}`)).id, ed.id);
  },
  'GET /api/v1/items/{id}/versions': async () => {
    const ed = await eduItem({ publish: false });
    const fd = await finItem({ publish: false });
    await cantSee(u.finance, `/api/v1/items/${ed.id}/versions`);
    await cantSee(u.edu, `/api/v1/items/${fd.id}/versions`);
    assert.ok((await u.edu.ok(`/api/v1/items/${ed.id}/versions`)).items.length >= 1);
  },
  'POST /api/v1/items': async () => {
    for (const org of [d.orgs.GSJYT.id, d.orgs['GSJYT-GJC'].id, d.orgs.GSJGSW.id]) {
      const body = H.itemBody(org, H.oneStep(EDU()), { form: FORM });
      await refused(finW, 'POST', '/api/v1/items', body);
      assert.equal(await itemCount(body.code), 0, `a refused create left item ${body.code}`);
    }
    const own = H.itemBody(d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM });
    assertStatus(await finW.post('/api/v1/items', own), 201);
  },
  'PATCH /api/v1/items/{id}': async () => {
    for (const it of [await eduItem({ publish: false }), await eduItem()]) {
      const before2 = await itemSnap(it.id);
      await refused(finW, 'PATCH', `/api/v1/items/${it.id}`, { version: it.version, name: '越权改名' });
      await refused(finW, 'PATCH', `/api/v1/items/${it.id}`, { version: it.version, org_id: d.orgs.GSCZT.id });
      assert.deepEqual(await itemSnap(it.id), before2, 'a refused PATCH changed the item');
    }
    // Moving one's own item to the other department is refused too.
    const mine = await finItem({ publish: false });
    const b2 = await itemSnap(mine.id);
    await refused(finW, 'PATCH', `/api/v1/items/${mine.id}`, { version: mine.version, org_id: d.orgs.GSJYT.id });
    assert.deepEqual(await itemSnap(mine.id), b2);
  },
  'POST /api/v1/items/{id}/actions/publish': async () => {
    const ed = await eduItem({ publish: false });
    const b2 = await itemSnap(ed.id);
    await refused(finW, 'POST', `/api/v1/items/${ed.id}/actions/publish`, {});
    await refused(finW, 'POST', `/api/v1/items/${ed.id}/actions/publish`, { version: ed.version });
    assert.deepEqual(await itemSnap(ed.id), b2, 'a refused publish changed the item');
    assert.equal(b2.status, 'draft');
    assertStatus(await eduW.post(`/api/v1/items/${ed.id}/actions/publish`, {}), 200);
  },
  'POST /api/v1/items/{id}/actions/withdraw': async () => {
    const ed = await eduItem();
    const b2 = await itemSnap(ed.id);
    await refused(finW, 'POST', `/api/v1/items/${ed.id}/actions/withdraw`, {});
    await refused(finW, 'POST', `/api/v1/items/${ed.id}/actions/withdraw`, { version: ed.version });
    assert.deepEqual(await itemSnap(ed.id), b2, 'a refused withdraw changed the item');
    assert.equal(b2.status, 'published');
    assertStatus(await eduW.post(`/api/v1/items/${ed.id}/actions/withdraw`, {}), 200);
  },
  'POST /api/v1/items/import': async () => {
    const theirs = H.itemBody(d.orgs.GSJYT.id, H.oneStep(EDU()), { form: FORM });
    const ours = H.itemBody(d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM });
    await refused(finW, 'POST', '/api/v1/items/import', { items: [theirs] });
    await refused(finW, 'POST', '/api/v1/items/import', { items: [ours, theirs], publish: true });
    assert.equal(await itemCount(theirs.code), 0, 'a refused import created the edu item');
    assert.equal(await itemCount(ours.code), 0, 'a refused import created part of its items');
    // Updating an existing edu item by its code is refused and changes nothing.
    const ed = await eduItem();
    const b2 = await itemSnap(ed.id);
    const upd = { ...H.itemBody(d.orgs.GSJYT.id, H.oneStep(EDU()), { form: FORM, code: ed.code }), name: '越权导入' };
    await refused(finW, 'POST', '/api/v1/items/import', { items: [upd] });
    const upd2 = { ...H.itemBody(d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM, code: ed.code }), name: '越权导入' };
    await refused(finW, 'POST', '/api/v1/items/import', { items: [upd2] });
    assert.deepEqual(await itemSnap(ed.id), b2, 'a refused import changed the edu item');
  },
  'POST /api/v1/applications': async () => {
    const it = await finItem();
    const k = 'scope-' + uniq();
    const a = await H.apply(u.citizen, it.id, { reason: '本人' }, { key: k });
    const b2 = await appSnap(a.id);
    // Another citizen with the same Idempotency-Key gets its own application, never the first.
    const r = await H.tryApply(other, it.id, { reason: '他人' }, { key: k });
    assertStatus(r, 201);
    assert.notEqual(r.body.id, a.id, "another citizen's retry answered the first citizen's application");
    assert.notEqual(r.body.applicant_id, a.applicant_id);
    assert.deepEqual(await appSnap(a.id), b2);
    // Nobody applies in another's name.
    const head = await F.auditHead(admin);
    assertProblem(await other.post('/api/v1/applications', { item_id: it.id, data: { reason: 'x' }, applicant_id: a.applicant_id }), 400);
    assert.equal(await F.auditHead(admin), head);
  },
  'GET /api/v1/applications/{id}': async () => {
    const { ap } = await runningCase();
    const dr = await H.apply(u.citizen, (await finItem()).id, { reason: '草稿' }, { draft: true });
    for (const id of [ap.id, dr.id]) {
      await cantSee(other, `/api/v1/applications/${id}`);
      await cantSee(u.edu, `/api/v1/applications/${id}`);
    }
    assert.equal((await u.finance.ok(`/api/v1/applications/${ap.id}`)).id, ap.id);
    // The other way round: the second citizen's application is hidden from the first.
    const mine = await H.apply(other, (await finItem()).id, { reason: '他人' });
    await cantSee(u.citizen, `/api/v1/applications/${mine.id}`);
  },
  'PATCH /api/v1/applications/{id}': async () => {
    const dr = await H.apply(u.citizen, (await finItem()).id, { reason: '草稿' }, { draft: true });
    const b2 = await appSnap(dr.id);
    for (const who of [other, u.edu, u.finance]) {
      await refused(who, 'PATCH', `/api/v1/applications/${dr.id}`, { version: dr.version, data: { reason: '越权' } });
    }
    assert.deepEqual(await appSnap(dr.id), b2, 'a refused PATCH changed the application');
  },
  'POST /api/v1/applications/{id}/actions/{action}': async () => {
    const dr = await H.apply(u.citizen, (await finItem()).id, { reason: '草稿' }, { draft: true });
    const { ap } = await runningCase();
    const bd = await appSnap(dr.id);
    const br = await appSnap(ap.id);
    for (const who of [other, u.edu, u.finance]) {
      await refused(who, 'POST', `/api/v1/applications/${dr.id}/actions/submit`, {});
      for (const a of ['withdraw', 'urge', 'resubmit']) await refused(who, 'POST', `/api/v1/applications/${ap.id}/actions/${a}`, {});
    }
    assert.deepEqual(await appSnap(dr.id), bd, 'a refused submit changed the draft');
    assert.deepEqual(await appSnap(ap.id), br, 'a refused action changed the running case');
    const t = await H.taskOf(u.finance, ap.id);
    assert.equal(t.urged, 0, "another's urge counted on the task");
  },
  'GET /api/v1/applications/{id}/result.pdf': async () => {
    const { ap } = await finishedCase();
    for (const who of [other, u.edu]) await cantSee(who, `/api/v1/applications/${ap.id}/result.pdf`);
    const r = await u.citizen.get(`/api/v1/applications/${ap.id}/result.pdf`);
    assert.equal(r.status, 200);
  },
  'POST /api/v1/tasks/{id}/actions/{action}': async () => {
    const { ap, task } = await runningCase();
    const b2 = await appSnap(ap.id);
    for (const a of ['approve', 'reject', 'return', 'comment']) {
      await refused(u.edu, 'POST', `/api/v1/tasks/${task.id}/actions/${a}`, { comment: '越权' });
    }
    await refused(u.edu, 'POST', `/api/v1/tasks/${task.id}/actions/transfer`, { user_id: d.users.edu.id });
    await refused(u.citizen, 'POST', `/api/v1/tasks/${task.id}/actions/approve`, {});
    assert.deepEqual(await appSnap(ap.id), b2, "another department's task action changed the case");
    assert.equal((await H.taskOf(u.finance, ap.id)).id, task.id);
  },
  'POST /api/v1/tasks/actions/bulk-approve': async () => {
    const { ap, task } = await runningCase();
    const b2 = await appSnap(ap.id);
    const head = await F.auditHead(admin);
    const r = await u.edu.post('/api/v1/tasks/actions/bulk-approve', { ids: [task.id], comment: '越权' });
    // The contract answers per task (200 with ok false) or refuses the whole (403/404).
    if (r.status === 200) {
      const row = r.body.items.find((x) => x.id === task.id);
      assert.ok(row, 'no answer for the task');
      assert.equal(row.ok, false, "edu's bulk approve approved finance's task");
      assert.ok(row.error, 'the refusal carries no error');
    } else assertProblem(r, [403, 404]);
    assert.equal(await F.auditHead(admin), head, 'a refused bulk approve left an audit row');
    assert.deepEqual(await appSnap(ap.id), b2, "another department's bulk approve changed the case");
  },
  'POST /api/v1/applications/{id}/rating': async () => {
    const { ap } = await finishedCase();
    const b2 = await appSnap(ap.id);
    for (const who of [other, u.edu, u.finance]) {
      await refused(who, 'POST', `/api/v1/applications/${ap.id}/rating`, { scores: scores(1), comment: '越权差评' });
    }
    assert.deepEqual(await appSnap(ap.id), b2);
    // Not rated by them: the applicant still rates it once.
    const r = await u.citizen.post(`/api/v1/applications/${ap.id}/rating`, { scores: scores(5) });
    assertStatus(r, 201);
  },
  'GET /api/v1/rectifications/{id}': async () => {
    const rid = await rectification();
    await cantSee(u.edu, `/api/v1/rectifications/${rid}`);
    assert.equal((await u.finance.ok(`/api/v1/rectifications/${rid}`)).id, rid);
    const r = await u.staff.get(`/api/v1/rectifications/${rid}`);
    assertProblem(r, [403, 404]);
    const c = await u.citizen.get(`/api/v1/rectifications/${rid}`);
    assertProblem(c, [403, 404]);
  },
  'POST /api/v1/rectifications/{id}/followup': async () => {
    const rid = await rectification();
    const b2 = await u.finance.ok(`/api/v1/rectifications/${rid}`);
    await refused(u.edu, 'POST', `/api/v1/rectifications/${rid}/followup`, { followup: '越权回访', reply: '越权答复' });
    assert.deepEqual(await u.finance.ok(`/api/v1/rectifications/${rid}`), b2, "edu's follow-up changed the rectification");
  },
  'GET /api/v1/calendar/{year}': async () => {
    // The calendar is one for all: not a department's record; staff of both read the same, citizens none.
    assert.deepEqual(await u.finance.ok('/api/v1/calendar/2026'), await u.edu.ok('/api/v1/calendar/2026'));
    assertProblem(await u.citizen.get('/api/v1/calendar/2026'), [403, 404]);
  },
  'PUT /api/v1/calendar/{year}': async () => {
    const b2 = await admin.ok('/api/v1/calendar/2032');
    for (const who of [u.finance, u.edu, u.staff, u.citizen]) {
      await refused(who, 'PUT', '/api/v1/calendar/2032', { days: [{ date: '2032-03-03', kind: 'holiday', name: '越权' }] });
    }
    assert.deepEqual(await admin.ok('/api/v1/calendar/2032'), b2, 'a refused PUT changed the calendar');
  },
  'GET /api/v1/uploads/{digest}': async () => {
    const body = H.pdf('scope ' + uniq());
    const up = await u.citizen.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
    assertStatus(up, 201);
    const dg = up.body.digest;
    await cantSee(other, `/api/v1/uploads/${dg}`);
    await cantSee(u.edu, `/api/v1/uploads/${dg}`);
    await cantSee(u.finance, `/api/v1/uploads/${dg}`); // no application holds it yet
    // Held by a finance application: its handler reads it; edu and the other citizen still do not.
    await runningCase(u.citizen, { reason: '附件', doc: dg });
    assert.equal((await u.finance.get(`/api/v1/uploads/${dg}`)).status, 200);
    await cantSee(u.edu, `/api/v1/uploads/${dg}`);
    await cantSee(other, `/api/v1/uploads/${dg}`);
    assert.equal((await u.citizen.get(`/api/v1/uploads/${dg}`)).status, 200);
  },
  'POST /api/v1/notifications/{id}/read': async () => {
    // finance's notification of a new task: edu, staff and the citizens cannot mark it.
    const { ap } = await runningCase();
    const mineOf = async (c) => (await c.all('/api/v1/notifications'))
      .filter((n) => n.entity === 'application' && n.entity_id === ap.id);
    const [n] = await mineOf(u.finance);
    assert.ok(n, 'finance got no notification of the new task');
    for (const c of [u.edu, u.staff, u.citizen, other]) {
      assertProblem(await c.post(`/api/v1/notifications/${n.id}/read`), 404, 'not-found');
    }
    assert.equal((await mineOf(u.finance))[0].read, false, 'another user marked it');
    assert.equal((await u.finance.post(`/api/v1/notifications/${n.id}/read`)).body.read, true);
  },
};

/** A rectification (差评整改) of a finance case: its id. */
async function rectification() {
  const { ap } = await finishedCase();
  const r = await u.citizen.post(`/api/v1/applications/${ap.id}/rating`, { scores: scores(1), comment: '差评' });
  assertStatus(r, 201);
  assert.equal(typeof r.body.rectification_id, 'number', 'a bad rating opened no rectification');
  return r.body.rectification_id;
}

// Routes with no id and no body (lists, KPIs), or public, have no case here; uploads (raw body,
// a new file of the caller's own) has no other's record to reach: its GET is the cross-user case.
const NOT_HERE = (r) => r.access === 'public' || r.raw || (!r.body && !/\{[^}]+\}/.test(r.path));

test('every non-public module route with an id or a body has a scope case here', () => {
  const want = MODULE_ROUTES.filter((r) => !NOT_HERE(r)).map(key).sort();
  assert.deepEqual(Object.keys(SCOPE).sort(), want);
});

for (const r of MODULE_ROUTES.filter((x) => !NOT_HERE(x))) {
  test(`scope: ${key(r)}`, async () => {
    assert.ok(SCOPE[key(r)], 'no case');
    await SCOPE[key(r)]();
  });
}

// ---- (b) bad input on the JSON-body routes ---------------------------------------------------

// Each route: setup (once, lazily) → ctx; who sends it; url; a fresh valid body; wrong-typed
// variants; the success status; and a snapshot of what must not change.
const once = (f) => { let p; return () => (p ||= f()); };

const SPECS = {
  'POST /api/v1/items': {
    setup: once(async () => ({ body: H.itemBody(d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM }) })),
    who: () => finW, url: () => '/api/v1/items', ok: 201,
    valid: async (c) => c.body,
    wrong: [{ name: 42 }, { statutory_days: '20' }, { org_id: 'GSCZT' }, { materials: 'x' }, { form: [] }],
    snap: async (c) => itemCount(c.body.code),
  },
  'PATCH /api/v1/items/{id}': {
    setup: once(async () => ({ it: await finItem({ publish: false }) })),
    who: () => finW, url: (c) => `/api/v1/items/${c.it.id}`, ok: 200,
    valid: async (c) => ({ version: (await itemSnap(c.it.id)).version, name: '输入改名' }),
    wrong: [{ name: 42 }, { version: 'one' }, { promised_days: '3' }, { materials: {} }],
    snap: async (c) => itemSnap(c.it.id),
  },
  'POST /api/v1/items/{id}/actions/publish': {
    setup: once(async () => ({ it: await finItem({ publish: false }) })),
    who: () => finW, url: (c) => `/api/v1/items/${c.it.id}/actions/publish`, ok: 200,
    valid: async (c) => ({ version: (await itemSnap(c.it.id)).version }),
    wrong: [{ version: 'one' }, { version: [1] }],
    snap: async (c) => itemSnap(c.it.id),
  },
  'POST /api/v1/items/{id}/actions/withdraw': {
    setup: once(async () => ({ it: await finItem() })),
    who: () => finW, url: (c) => `/api/v1/items/${c.it.id}/actions/withdraw`, ok: 200,
    valid: async (c) => ({ version: (await itemSnap(c.it.id)).version }),
    wrong: [{ version: 'one' }, { version: true }],
    snap: async (c) => itemSnap(c.it.id),
  },
  'POST /api/v1/items/import': {
    setup: once(async () => ({ body: H.itemBody(d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FORM }) })),
    who: () => finW, url: () => '/api/v1/items/import', ok: 200,
    valid: async (c) => ({ items: [c.body] }),
    wrong: [{ items: 'x' }, { items: {} }, { publish: 'yes' }],
    snap: async (c) => itemCount(c.body.code),
  },
  'POST /api/v1/applications': {
    setup: once(async () => ({ it: await finItem() })),
    who: () => other, url: () => '/api/v1/applications', ok: 201,
    valid: async (c) => ({ item_id: c.it.id, data: { reason: '输入测试' } }),
    wrong: [{ item_id: 'x' }, { data: 'x' }, { data: [] }, { draft: 'yes' }, { channel: 1 }],
    snap: async (c) => (await other.all('/api/v1/applications')).filter((a) => a.item_id === c.it.id).length,
  },
  'PATCH /api/v1/applications/{id}': {
    setup: once(async () => ({ ap: await H.apply(other, (await finItem()).id, { reason: '草稿' }, { draft: true }) })),
    who: () => other, url: (c) => `/api/v1/applications/${c.ap.id}`, ok: 200,
    valid: async (c) => ({ version: (await appSnap(c.ap.id)).version, data: { reason: '改过' } }),
    wrong: [{ data: 'x' }, { data: [] }, { version: 'one' }],
    snap: async (c) => appSnap(c.ap.id),
  },
  'POST /api/v1/tasks/{id}/actions/{action}': {
    setup: once(async () => runningCase()),
    who: () => u.finance, url: (c) => `/api/v1/tasks/${c.task.id}/actions/comment`, ok: 200,
    valid: async () => ({ comment: '输入测试意见' }),
    wrong: [{ comment: 42 }, { comment: ['x'] }, { user_id: 'x' }, { to_step: 5 }],
    snap: async (c) => appSnap(c.ap.id),
  },
  'POST /api/v1/tasks/actions/bulk-approve': {
    setup: once(async () => runningCase()),
    who: () => u.finance, url: () => '/api/v1/tasks/actions/bulk-approve', ok: 200,
    valid: async (c) => ({ ids: [c.task.id], comment: '批量同意' }),
    wrong: [{ ids: 'x' }, { ids: [String(1)] }, { ids: {} }, { comment: 42 }],
    snap: async (c) => appSnap(c.ap.id),
  },
  'POST /api/v1/applications/{id}/rating': {
    setup: once(async () => finishedCase()),
    who: () => u.citizen, url: (c) => `/api/v1/applications/${c.ap.id}/rating`, ok: 201,
    valid: async () => ({ scores: scores(5), comment: '满意' }),
    wrong: [{ scores: 'x' }, { scores: [5] }, { tags: 'x' }, { comment: 42 }],
    snap: async (c) => appSnap(c.ap.id),
  },
  'POST /api/v1/rectifications/{id}/followup': {
    setup: once(async () => ({ rid: await rectification() })),
    who: () => u.finance, url: (c) => `/api/v1/rectifications/${c.rid}/followup`, ok: 200,
    valid: async () => ({ followup: '已电话回访申请人', reply: '已整改并答复' }),
    wrong: [{ followup: 42 }, { reply: ['已整改'] }, { followup: null }],
    snap: async (c) => u.finance.ok(`/api/v1/rectifications/${c.rid}`),
  },
  'PUT /api/v1/calendar/{year}': {
    setup: once(async () => ({})),
    who: () => admin, url: () => '/api/v1/calendar/2031', ok: 200,
    valid: async () => ({ days: [{ date: '2031-03-04', kind: 'holiday', name: '输入测试' }] }),
    wrong: [{ days: 'x' }, { days: {} }, { days: [{ date: 20310304, kind: 'holiday' }] }, { days: [{ date: '2031-03-04', kind: 1 }] }],
    snap: async () => admin.ok('/api/v1/calendar/2031'),
  },
};

/** The bad requests of a route: [label, request options]. */
function badCases(spec, valid) {
  const text = JSON.stringify(valid);
  const cases = [
    ['malformed JSON', { body: text.slice(0, -3) }],
    ['malformed JSON (single quotes)', { body: text.replace(/"/g, "'") }],
    ['unknown field', { body: { ...valid, zz_unknown: 1 } }],
  ];
  for (const w of spec.wrong) cases.push([`wrong type ${JSON.stringify(w)}`, { body: { ...valid, ...w } }]);
  return cases;
}

const withBody = MODULE_ROUTES.filter((r) => r.body && r.access !== 'public');

test('the JSON-body module routes here are those of lib/routes.js', () => {
  assert.deepEqual(withBody.map(key).sort(), Object.keys(SPECS).sort());
});

for (const r of withBody) {
  const k = key(r);
  const spec = SPECS[k];
  if (!spec) continue;
  describe(`input: ${k}`, () => {
    const labels = badCases(spec, {}).map((c) => c[0]);
    for (const label of labels) {
      test(label, async () => {
        const ctx = await spec.setup();
        const valid = await spec.valid(ctx);
        const opts = badCases(spec, valid).find((c) => c[0] === label)[1];
        const before2 = await spec.snap(ctx);
        const head = await F.auditHead(admin);
        const res = await spec.who().req(r.method, spec.url(ctx), opts);
        assertProblem(res, 400, ['bad-json', 'validation']);
        assert.deepEqual(await spec.snap(ctx), before2, 'the refused request changed the record');
        assert.equal(await F.auditHead(admin), head, 'the refused request wrote an audit row');
      });
    }
    test('the valid body succeeds (so each refusal was for its defect)', async () => {
      const ctx = await spec.setup();
      const res = await spec.who().req(r.method, spec.url(ctx), { body: await spec.valid(ctx) });
      assert.equal(res.status, spec.ok, `${k}: ${res.status} ${res.text}`);
      if (k === 'POST /api/v1/tasks/actions/bulk-approve') {
        assert.ok(res.body.items.every((x) => x.ok), `bulk approve: ${res.text}`);
      }
    });
  });
}
