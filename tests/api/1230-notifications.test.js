// 1230-notifications: in-app notifications (消息提醒) written by the workflow engine in the
// transaction of the event: a new task to every holder of the assignee role, 催办 to the current
// assignees, an overdue case's escalation to the superiors, 退回补正 and the end of a case to the
// applicant (citizen or staff, each with a link to their own view), a bad rating's rectification
// to its handlers. Each user lists, counts and marks only their own (another's is 404); marking
// is a CSRF-checked write; bad ids, cursors and flags are 4xx and change nothing.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, uniq } = require('../lib/server');
const F = require('../lib/fixtures');
const H = require('../lib/hall');

const { A } = H;

let srv;
let d;
let admin;
const u = {};   // logged-in clients by demo username
let fin2;       // a second dept-admin of GSCZT: the role has two holders
let other;      // a second citizen

before(async () => {
  srv = await startServer({ name: '1230-notifications' });
  d = await F.demo(srv);
  admin = d.admin;
  for (const name of ['finance', 'edu', 'bureau', 'staff', 'citizen']) u[name] = await srv.login(name);
  const f2 = await F.makeUser(admin, d.orgs.GSCZT.id, [await H.roleId(admin, 'dept-admin')]);
  fin2 = await srv.login(f2.username, F.STRONG_PASSWORD);
  other = await H.citizen(srv, uniq);
});
after(async () => { if (srv) await srv.stop(); });

const FIN = () => A.inOrg('dept-admin', 'GSCZT');
const EDU = () => A.inOrg('dept-admin', 'GSJYT');
const item = (process, opts) => H.makeItem(admin, d.orgs.GSCZT.id, process, opts);

/** Every notification of who (newest first). */
const mine = (who, query = '') => who.all('/api/v1/notifications' + query);
/** who's notifications about one entity, newest first. */
const about = async (who, entity, id) => (await mine(who)).filter((n) => n.entity === entity && n.entity_id === id);
const unread = async (who) => (await who.ok('/api/v1/notifications/unread-count')).unread;

function assertShape(n) {
  for (const k of ['id', 'kind', 'title', 'body', 'link', 'entity', 'entity_id', 'created_at', 'read_at', 'read']) {
    assert.ok(k in n, `notification lacks ${k}: ${JSON.stringify(n)}`);
  }
  assert.match(n.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.ok(n.title.length > 0 && n.body.length > 0);
}

test('applying notifies every holder of the assignee role (link to the inbox filtered to the case); nobody else, not the applicant', async () => {
  const it = await item(H.oneStep(FIN(), { name: '初审' }), { name: '通知测试事项' });
  const before_ = { finance: await unread(u.finance), fin2: await unread(fin2), edu: await unread(u.edu) };
  const ap = await H.apply(u.citizen, it.id);
  for (const [name, who] of [['finance', u.finance], ['fin2', fin2]]) {
    const ns = await about(who, 'application', ap.id);
    assert.equal(ns.length, 1, `${name}: ${JSON.stringify(ns)}`);
    const n = ns[0];
    assertShape(n);
    assert.equal(n.kind, 'task');
    assert.equal(n.read, false);
    assert.equal(n.read_at, null);
    assert.equal(n.org_id, d.orgs.GSCZT.id);
    assert.equal(n.link, `/console/tasks?q=${ap.code}`);
    assert.ok(n.title.includes('通知测试事项'), n.title);
    assert.ok(n.body.includes(ap.code) && n.body.includes('初审'), n.body);
    assert.equal(await unread(who), before_[name] + 1, `${name}: unread count`);
  }
  assert.equal(await unread(u.edu), before_.edu, 'edu holds no role of the step');
  assert.equal((await about(u.edu, 'application', ap.id)).length, 0);
  assert.equal((await about(u.citizen, 'application', ap.id)).length, 0, 'the applicant is not told of their own submission');
  // ?unread=1 lists it; the next step's holders hear of it only when it opens.
  assert.ok((await mine(u.finance, '?unread=1')).some((n) => n.entity_id === ap.id && n.entity === 'application'));
});

test('approving notifies the citizen applicant with a portal link; the next step of a chain notifies its holders', async () => {
  const it = await item({ start: 'a', steps: [H.step('a', FIN(), [{ to: 'b' }]), H.step('b', EDU(), [{ to: 'end' }], { name: '复核' })] });
  const ap = await H.apply(u.citizen, it.id);
  assert.equal((await about(u.edu, 'application', ap.id)).length, 0, 'edu before its step opened');
  await H.actOn(u.finance, ap.id, 'approve');
  const e = await about(u.edu, 'application', ap.id);
  assert.equal(e.length, 1);
  assert.equal(e[0].kind, 'task');
  assert.ok(e[0].body.includes('复核'));
  assert.equal((await about(u.citizen, 'application', ap.id)).length, 0, 'nothing for the applicant mid-way');
  await H.actOn(u.edu, ap.id, 'approve');
  const c = await about(u.citizen, 'application', ap.id);
  assert.equal(c.length, 1, JSON.stringify(c));
  assert.equal(c[0].kind, 'approved');
  assert.equal(c[0].link, `/portal/mine/applications/${ap.id}`);
  assert.ok(c[0].body.includes(ap.code));
  // The approver is not told of their own act.
  assert.equal((await about(u.edu, 'application', ap.id)).length, 1);
});

test('a staff applicant gets a console link; 退回补正 and 不予批准 reach the applicant with the comment', async () => {
  const it = await item(H.oneStep(FIN()), { audience: 'internal' });
  const ap = await H.apply(u.staff, it.id);
  await H.actOn(u.finance, ap.id, 'return', { comment: '请补充发票' });
  let s = await about(u.staff, 'application', ap.id);
  assert.equal(s.length, 1);
  assert.equal(s[0].kind, 'return');
  assert.equal(s[0].link, `/console/applications/${ap.id}`);
  assert.ok(s[0].body.includes('请补充发票'), s[0].body);
  // Resubmitting opens the step again: both holders hear of it once more.
  assertStatus(await H.appAct(u.staff, ap.id, 'resubmit'), 200);
  assert.equal((await about(fin2, 'application', ap.id)).filter((n) => n.kind === 'task').length, 2);
  await H.actOn(fin2, ap.id, 'reject', { comment: '不符合条件' });
  s = await about(u.staff, 'application', ap.id);
  assert.equal(s.length, 2);
  assert.equal(s[0].kind, 'rejected', 'newest first');
  assert.ok(s[0].body.includes('不符合条件'));
  assert.ok(s[0].id > s[1].id);
});

test('转办 notifies the user it goes to', async () => {
  const it = await item(H.oneStep(FIN()));
  const ap = await H.apply(u.citizen, it.id);
  const eduId = d.users.edu.id;
  await H.actOn(u.finance, ap.id, 'transfer', { user_id: eduId });
  const e = await about(u.edu, 'application', ap.id);
  assert.equal(e.length, 1);
  assert.equal(e[0].kind, 'task');
});

test('催办 notifies the current assignees (every holder of the role), once per urge', async () => {
  const it = await item(H.oneStep(FIN(), { name: '审核' }));
  const ap = await H.apply(u.citizen, it.id);
  assertStatus(await H.appAct(u.citizen, ap.id, 'urge'), 200);
  for (const who of [u.finance, fin2]) {
    const ns = (await about(who, 'application', ap.id)).filter((n) => n.kind === 'urge');
    assert.equal(ns.length, 1);
    assert.ok(ns[0].title.startsWith('催办'), ns[0].title);
    assert.ok(ns[0].body.includes('审核'));
  }
  assertStatus(await H.appAct(u.citizen, ap.id, 'urge'), 200);
  assert.equal((await about(u.finance, 'application', ap.id)).filter((n) => n.kind === 'urge').length, 2);
  assert.equal((await about(u.edu, 'application', ap.id)).length, 0);
  // A finished case cannot be urged, and nobody is told anything.
  await H.actOn(u.finance, ap.id, 'approve');
  const n0 = (await about(fin2, 'application', ap.id)).length;
  assertProblem(await H.appAct(u.citizen, ap.id, 'urge'), 409);
  assert.equal((await about(fin2, 'application', ap.id)).length, n0);
});

test('a bad rating\'s rectification case notifies its handlers; closing it notifies the rater', async () => {
  const it = await item(H.oneStep(FIN()));
  const ap = await H.apply(u.citizen, it.id);
  await H.actOn(u.finance, ap.id, 'approve');
  const dims = (await srv.client().ok('/api/v1/public/rating-sets?channel=online')).dimensions;
  const r = await u.citizen.post(`/api/v1/applications/${ap.id}/rating`, { scores: Object.fromEntries(dims.map((k) => [k, 1])) });
  assertStatus(r, 201);
  const rid = r.body.rectification_id;
  const ns = await about(u.finance, 'rectification', rid);
  assert.equal(ns.length, 1);
  assert.equal(ns[0].kind, 'task');
  assert.ok(ns[0].title.startsWith('差评整改'), ns[0].title);
  assert.equal(ns[0].link, '/console/tasks');
  assert.ok(ns[0].body.includes(ap.code));
  assert.equal((await about(u.edu, 'rectification', rid)).length, 0);
  assertStatus(await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访申请人', reply: '已改进办理流程' }), 200);
  const t = (await u.finance.all('/api/v1/tasks')).find((x) => x.subject === 'rectification' && x.subject_id === rid);
  assertStatus(await H.act(u.finance, t.id, 'approve', {}), 200);
  const c = await about(u.citizen, 'rectification', rid);
  assert.equal(c.length, 1);
  assert.equal(c[0].kind, 'approved');
  assert.equal(c[0].link, `/portal/mine/applications/${ap.id}`);
});

test('each user sees and marks only their own: another user\'s notification is 404 and stays unread; read-all touches only mine', async () => {
  const it = await item(H.oneStep(FIN()));
  const ap = await H.apply(u.citizen, it.id);
  const n = (await about(u.finance, 'application', ap.id))[0];
  assert.ok(n);
  const ownIds = async (who) => new Set((await mine(who)).map((x) => x.id));
  for (const who of [u.edu, u.citizen, other, u.bureau]) {
    assert.ok(!(await ownIds(who)).has(n.id), 'listed for another user');
    assertProblem(await who.post(`/api/v1/notifications/${n.id}/read`), 404);
  }
  assert.equal((await about(u.finance, 'application', ap.id))[0].read, false, 'marked by someone else');
  // read-all by another user leaves finance's unread.
  const fc = await unread(u.finance);
  assertStatus(await u.edu.post('/api/v1/notifications/read-all'), 200);
  assert.equal(await unread(u.edu), 0);
  assert.equal(await unread(u.finance), fc);
  // The citizen's own list holds only the citizen's.
  for (const x of await mine(u.citizen)) {
    assert.ok(x.link.startsWith('/portal/'), `a citizen got ${x.link}`);
  }
});

test('marking read: one (idempotent, the first read_at kept, the count falls), then all; CSRF is required', async () => {
  const it = await item(H.oneStep(FIN()));
  const a1 = await H.apply(u.citizen, it.id);
  const a2 = await H.apply(u.citizen, it.id);
  const n1 = (await about(fin2, 'application', a1.id))[0];
  const c0 = await unread(fin2);
  assert.ok(c0 >= 2);
  assertProblem(await fin2.post(`/api/v1/notifications/${n1.id}/read`, undefined, { csrf: false }), 403, 'csrf');
  assertProblem(await fin2.post('/api/v1/notifications/read-all', undefined, { csrf: false }), 403, 'csrf');
  assert.equal(await unread(fin2), c0, 'a refused write changed the count');
  const r = await fin2.post(`/api/v1/notifications/${n1.id}/read`);
  assertStatus(r, 200);
  assert.equal(r.body.id, n1.id);
  assert.equal(r.body.read, true);
  assert.match(r.body.read_at, /^\d{4}-/);
  assert.equal(await unread(fin2), c0 - 1);
  assert.ok(!(await mine(fin2, '?unread=1')).some((x) => x.id === n1.id));
  const again = await fin2.post(`/api/v1/notifications/${n1.id}/read`);
  assertStatus(again, 200);
  assert.equal(again.body.read_at, r.body.read_at, 'a second read moved read_at');
  assert.equal(await unread(fin2), c0 - 1);
  const all = await fin2.post('/api/v1/notifications/read-all');
  assertStatus(all, 200);
  assert.equal(all.body.marked, c0 - 1);
  assert.equal(await unread(fin2), 0);
  assert.equal((await mine(fin2, '?unread=1')).length, 0);
  assert.ok((await about(fin2, 'application', a2.id)).every((x) => x.read));
  assert.equal((await fin2.post('/api/v1/notifications/read-all')).body.marked, 0);
});

test('paging: newest first with limit and an opaque cursor; bad limit, cursor, unread flag and ids are 4xx; anonymous is 401', async () => {
  const all = await mine(u.finance);
  assert.ok(all.length >= 3);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].id > all[i].id, 'not newest first');
  const p1 = await u.finance.ok('/api/v1/notifications?limit=2');
  assert.equal(p1.items.length, 2);
  assert.ok(p1.next_cursor);
  const p2 = await u.finance.ok(`/api/v1/notifications?limit=2&cursor=${encodeURIComponent(p1.next_cursor)}`);
  assert.deepEqual([...p1.items, ...p2.items].map((x) => x.id), all.slice(0, 4).map((x) => x.id));
  for (const q of ['limit=0', 'limit=-1', 'limit=abc', 'limit=100000', 'cursor=abc', 'cursor=-5', 'unread=2', 'unread=yes', 'unread=true']) {
    assertProblem(await u.finance.get(`/api/v1/notifications?${q}`), 400, 'validation');
  }
  for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
    const r = await u.finance.post(`/api/v1/notifications/${id}/read`);
    assert.equal(r.status, 404, `id ${id}: ${r.status}`);
  }
  const anon = srv.client();
  assertProblem(await anon.get('/api/v1/notifications'), 401);
  assertProblem(await anon.get('/api/v1/notifications/unread-count'), 401);
  assertProblem(await anon.post('/api/v1/notifications/read-all'), 401);
  assertProblem(await u.finance.req('DELETE', `/api/v1/notifications/${all[0].id}/read`), 405);
});

// Last: the server is stopped while the overdue sweep runs as of a later time.
test('an overdue case escalated by the sweep notifies the superior (the org administrators of the org above), once', async () => {
  const it = await item(H.oneStep(FIN(), { name: '限时审核' }), { promised_days: 1 });
  const ap = await H.apply(u.citizen, it.id);
  assert.equal((await about(u.bureau, 'application', ap.id)).length, 0);
  const later = Math.floor(Date.now() / 1000) + 10 * 86400;
  await srv.halt();
  const out = srv.cli(['escalate', '--at', String(later)]);
  assert.match(out, /^[1-9]\d* cases? escalated/, out);
  assert.match(srv.cli(['escalate', '--at', String(later)]), /^0 cases escalated/, 'escalated twice');
  await srv.restart();
  const bureau = await srv.login('bureau');
  const ns = await about(bureau, 'application', ap.id);
  assert.equal(ns.length, 1, JSON.stringify(ns));
  assert.equal(ns[0].kind, 'escalate');
  assert.ok(ns[0].title.startsWith('超期督办'), ns[0].title);
  assert.ok(ns[0].body.includes('限时审核'));
  // The superior's task is in their inbox, where the link leads.
  assert.equal(ns[0].link, `/console/tasks?q=${ap.code}`);
  assert.equal((await H.tasksOf(bureau, ap.id)).length, 1);
  // The assignees are not told of the escalation.
  const fin = await srv.login('finance');
  assert.equal((await about(fin, 'application', ap.id)).filter((n) => n.kind === 'escalate').length, 0);
  assert.throws(() => srv.cli(['escalate', '--at', 'soon']), /--at needs Unix seconds/);
});
