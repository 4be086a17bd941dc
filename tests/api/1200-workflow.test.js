// 1200-workflow: the workflow engine through the service hall: process definitions validated on
// save and versioned (a running case keeps its version), assignee rules (a role in a named org, in
// the applicant's org or the one above, a user), 会签 and 或签, conditional branches, the actions
// of Chinese approval practice (同意, 不予批准, 退回补正, 驳回, 转办, 加签, 意见, 撤回, 催办, bulk
// approve), the inbox (mine only, sorted by deadline, 已办, overdue for supervisors), deadlines in
// working days by the official calendar with the clock stopped during 补正, and the audit rows and
// the log behind every step.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, uniq } = require('../lib/server');
const F = require('../lib/fixtures');
const H = require('../lib/hall');
const L = require('../lib/ledger');

const { A, step } = H;

let srv;
let d;
let admin;
const u = {};   // logged-in clients by demo username
let fin2;       // a second dept-admin of GSCZT (会签)
let yscAdmin;   // a dept-admin of GSCZT-YSC (the applicant org of `staff`)
let deptAdmin;  // the id of the role dept-admin

before(async () => {
  srv = await startServer({ name: '1200-workflow' });
  d = await F.demo(srv);
  admin = d.admin;
  for (const name of ['finance', 'edu', 'bureau', 'staff', 'teacher', 'lanzhou', 'auditor', 'citizen']) {
    u[name] = await srv.login(name);
  }
  deptAdmin = await H.roleId(admin, 'dept-admin');
  const f2 = await F.makeUser(admin, d.orgs.GSCZT.id, [deptAdmin]);
  fin2 = await srv.login(f2.username, F.STRONG_PASSWORD);
  const ya = await F.makeUser(admin, d.orgs['GSCZT-YSC'].id, [deptAdmin]);
  yscAdmin = await srv.login(ya.username, F.STRONG_PASSWORD);
});
after(async () => { if (srv) await srv.stop(); });

const FIN = () => A.inOrg('dept-admin', 'GSCZT');
const EDU = () => A.inOrg('dept-admin', 'GSJYT');
const BUREAU = () => A.inOrg('org-admin', 'GSJGSW');
const AMOUNT_FORM = { fields: [
  { key: 'reason', label: '事由', type: 'text', required: true },
  { key: 'amount', label: '金额', type: 'money', required: true, min: 0 },
] };

/** A public item of GSCZT with the given process (and form), published. */
const item = (process, opts = {}) => H.makeItem(admin, d.orgs.GSCZT.id, process, opts);
/** A process of steps given as [id, assignee] pairs, one after the other, then end. */
function chain(...pairs) {
  return {
    start: pairs[0][0],
    steps: pairs.map(([id, as], i) => step(id, as, [{ to: i + 1 < pairs.length ? pairs[i + 1][0] : 'end' }])),
  };
}
/** The case of an application as its applicant sees it. */
const caseOf = async (who, appId) => (await H.view(who, appId)).case;
const itemCount = async () => (await admin.all('/api/v1/items')).length;

// ---- definitions -----------------------------------------------------------------------------

test('definitions: unreachable steps, cycles without exit, unknown roles, orgs and users, conditions on missing fields and a missing default are refused (400 naming the step or field); nothing is saved', async () => {
  const before_ = await itemCount();
  const refuse = async (label, process, opts, want) => {
    const r = await H.tryItem(admin, d.orgs.GSCZT.id, process, opts);
    const p = assertProblem(r, 400, 'validation');
    assert.ok(Array.isArray(p.errors) && p.errors.length >= 1, `${label}: no errors[]: ${r.text}`);
    const fields = p.errors.map((e) => e.field);
    assert.ok(fields.includes(want.field), `${label}: errors name ${JSON.stringify(fields)}, want ${want.field}`);
    for (const w of want.detail) assert.ok(p.detail && p.detail.includes(w), `${label}: detail "${p.detail}" lacks "${w}"`);
    return p;
  };

  await refuse('unreachable', {
    start: 'first',
    steps: [step('first', FIN()), step('orphan', EDU())],
  }, {}, { field: 'process.steps[1]', detail: ['"orphan"', 'unreachable'] });

  await refuse('cycle without exit', {
    start: 'ping',
    steps: [step('ping', FIN(), [{ to: 'pong' }]), step('pong', EDU(), [{ to: 'ping' }])],
  }, {}, { field: 'process.steps[0].next', detail: ['"ping"', 'cycle'] });

  await refuse('unknown role', H.oneStep(A.inOrg('no-such-role', 'GSCZT')), {},
    { field: 'process.steps[0].assignee', detail: ['"review"', 'no-such-role'] });
  await refuse('unknown role of the applicant org', H.oneStep(A.applicantOrg('no-such-role')), {},
    { field: 'process.steps[0].assignee', detail: ['"review"', 'no-such-role'] });
  await refuse('unknown org', H.oneStep(A.inOrg('dept-admin', 'NO-SUCH-ORG')), {},
    { field: 'process.steps[0].assignee', detail: ['"review"', 'NO-SUCH-ORG'] });
  await refuse('unknown user', H.oneStep(A.user('no_such_user_x')), {},
    { field: 'process.steps[0].assignee', detail: ['"review"', 'no_such_user_x'] });
  await refuse('a citizen as assignee', H.oneStep(A.user('citizen')), {},
    { field: 'process.steps[0].assignee', detail: ['"review"'] });

  await refuse('condition on a missing field', {
    start: 'review',
    steps: [step('review', FIN(), [{ when: { field: 'amount', op: '>', value: 100000 }, to: 'end' }, { to: 'end' }])],
  }, {}, { field: 'process.steps[0].next[0].when.field', detail: ['"review"', 'amount'] });

  await refuse('no default transition', {
    start: 'review',
    steps: [step('review', FIN(), [{ when: { field: 'amount', op: '>', value: 100000 }, to: 'end' }])],
  }, { form: AMOUNT_FORM }, { field: 'process.steps[0].next[0].when', detail: ['"review"'] });

  await refuse('a transition to no step', {
    start: 'review', steps: [step('review', FIN(), [{ to: 'nowhere' }])],
  }, {}, { field: 'process.steps[0].next[0].to', detail: ['nowhere'] });

  assert.equal(await itemCount(), before_, 'a refused item was saved');

  // A valid one saves, with its definition.
  const ok = await H.tryItem(admin, d.orgs.GSCZT.id, {
    start: 'dept',
    steps: [
      step('dept', FIN(), [{ when: { field: 'amount', op: '>', value: 100000 }, to: 'bureau' }, { to: 'end' }]),
      step('bureau', BUREAU(), [{ to: 'end' }], { mode: 'all' }),
    ],
  }, { form: AMOUNT_FORM });
  assertStatus(ok, 201);
  assert.equal(typeof ok.body.process_def_id, 'number', 'a saved item has a process definition');
  assert.equal(await itemCount(), before_ + 1);
});

test('a running case keeps the definition version it started with after the item and its process are edited and re-published', async () => {
  const it = await item(H.oneStep(FIN()));
  const cit = u.citizen;
  const old = await H.apply(cit, it.id);
  const c1 = await caseOf(cit, old.id);
  assert.equal(c1.step, 'review');
  const v1 = c1.process_version;

  // Edit: a second step by edu after review; then withdraw and publish again.
  const cur = await admin.ok(`/api/v1/items/${it.id}`);
  const ed = await admin.patch(`/api/v1/items/${it.id}`, { process: chain(['review', FIN()], ['check', EDU()]) },
    { headers: { 'if-match': `"${cur.version}"` } });
  assertStatus(ed, 200);
  assertStatus(await admin.post(`/api/v1/items/${it.id}/actions/withdraw`, {}), 200);
  assertStatus(await admin.post(`/api/v1/items/${it.id}/actions/publish`, {}), 200);

  const fresh = await H.apply(cit, it.id);
  const c2 = await caseOf(cit, fresh.id);
  assert.ok(c2.process_version > v1, `a new case got version ${c2.process_version}, the old one ${v1}`);
  assert.deepEqual(c2.process.steps.map((s) => s.id), ['review', 'check']);

  const again = await caseOf(cit, old.id);
  assert.equal(again.process_version, v1, 'the running case changed definition version');
  assert.deepEqual(again.process.steps.map((s) => s.id), ['review']);

  // And it runs by it: approving its only step ends it, with no task for edu.
  await H.actOn(u.finance, old.id, 'approve');
  assert.equal((await H.view(cit, old.id)).status, 'approved');
  assert.equal((await H.tasksOf(u.edu, old.id)).length, 0, 'the old case went on to a step of the new version');
  // The new case goes through both steps.
  await H.actOn(u.finance, fresh.id, 'approve');
  assert.equal((await caseOf(cit, fresh.id)).step, 'check');
  await H.actOn(u.edu, fresh.id, 'approve');
  assert.equal((await H.view(cit, fresh.id)).status, 'approved');
});

// ---- assignees -------------------------------------------------------------------------------

test('role_in_org: the task goes to the holders of the role in that org, and only to them', async () => {
  const it = await item(H.oneStep(EDU()));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.edu, ap.id);
  assert.equal(t.step, 'review');
  for (const other of ['finance', 'bureau', 'lanzhou', 'teacher']) {
    assert.equal((await H.tasksOf(u[other], ap.id)).length, 0, `${other} sees edu's task`);
  }
  assertProblem(await H.act(u.finance, t.id, 'approve'), 404, 'not-found');
  assertProblem(await H.act(u.bureau, t.id, 'approve'), 404, 'not-found');
});

test('role_in_applicant_org and role_in_parent_org follow the applicant: staff of GSCZT-YSC go to YSC, then to GSCZT; a citizen has no org (409)', async () => {
  const internal = await H.makeItem(admin, d.orgs.GSCZT.id, {
    start: 'own', steps: [
      step('own', A.applicantOrg('dept-admin'), [{ to: 'parent' }]),
      step('parent', A.parentOrg('dept-admin'), [{ to: 'end' }]),
    ],
  }, { audience: 'internal' });
  const ap = await H.apply(u.staff, internal.id);
  const t = await H.taskOf(yscAdmin, ap.id, 'own step');
  assert.equal(t.step, 'own');
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0, 'the GSCZT dept-admin got the YSC step');
  assert.equal((await H.tasksOf(u.edu, ap.id)).length, 0);
  assertStatus(await H.act(yscAdmin, t.id, 'approve'), 200);
  const t2 = await H.taskOf(u.finance, ap.id, 'parent step');
  assert.equal(t2.step, 'parent');
  assert.equal((await H.tasksOf(yscAdmin, ap.id)).length, 0);

  // A teacher of GSJYT-GJC, where nobody holds dept-admin: the nearest org above with a holder
  // (GSJYT, edu) takes the step — never finance, never YSC.
  const ap2 = await H.apply(u.teacher, internal.id);
  const t3 = await H.taskOf(u.edu, ap2.id, 'climbed own step');
  assert.equal(t3.step, 'own');
  assert.equal((await H.tasksOf(u.finance, ap2.id)).length, 0);
  assert.equal((await H.tasksOf(yscAdmin, ap2.id)).length, 0, 'a GJC applicant\'s step went to YSC');

  // A citizen applying to a public item whose first step needs the applicant's org: a clear 409,
  // and no application is left behind.
  const pub = await item(H.oneStep(A.applicantOrg('dept-admin')));
  const mine = (await u.citizen.all('/api/v1/applications')).length;
  const r = await H.tryApply(u.citizen, pub.id, { reason: '公众申请' });
  const p = assertProblem(r, 409, 'conflict');
  assert.ok(p.detail && /review|步骤/.test(p.detail), `the 409 does not name the step: ${p.detail}`);
  assert.equal((await u.citizen.all('/api/v1/applications')).length, mine, 'a refused application was kept');
});

test('user: the task goes to that user alone', async () => {
  const it = await item(H.oneStep(A.user('edu')));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.edu, ap.id);
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0);
  assertProblem(await H.act(u.finance, t.id, 'approve'), 404, 'not-found');
  assertStatus(await H.act(u.edu, t.id, 'approve'), 200);
  assert.equal((await H.view(u.citizen, ap.id)).status, 'approved');
});

test('会签 (mode all): every holder of the role must approve before the next step', async () => {
  const it = await item({
    start: 'sign', steps: [
      step('sign', FIN(), [{ to: 'final' }], { mode: 'all' }),
      step('final', A.user('bureau'), [{ to: 'end' }]),
    ],
  });
  const ap = await H.apply(u.citizen, it.id);
  const a = await H.taskOf(u.finance, ap.id);
  const b = await H.taskOf(fin2, ap.id);
  assert.notEqual(a.id, b.id, '会签 gave both holders one shared task');
  assertStatus(await H.act(u.finance, a.id, 'approve'), 200);
  let c = await caseOf(u.citizen, ap.id);
  assert.equal(c.step, 'sign', 'the step moved on before every holder approved');
  assert.equal((await H.tasksOf(u.bureau, ap.id)).length, 0, 'the next step opened early');
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0, 'finance still has a task after approving');
  assert.equal((await H.taskOf(fin2, ap.id)).id, b.id);
  assertStatus(await H.act(fin2, b.id, 'approve'), 200);
  c = await caseOf(u.citizen, ap.id);
  assert.equal(c.step, 'final');
  await H.actOn(u.bureau, ap.id, 'approve');
  assert.equal((await H.view(u.citizen, ap.id)).status, 'approved');
});

test('或签 (mode any): one holder decides for all; the others no longer see the task', async () => {
  const it = await item({
    start: 'sign', steps: [
      step('sign', FIN(), [{ to: 'final' }], { mode: 'any' }),
      step('final', A.user('bureau'), [{ to: 'end' }]),
    ],
  });
  const ap = await H.apply(u.citizen, it.id);
  const a = await H.taskOf(u.finance, ap.id);
  const b = await H.taskOf(fin2, ap.id);
  assertStatus(await H.act(fin2, b.id, 'approve'), 200);
  assert.equal((await caseOf(u.citizen, ap.id)).step, 'final');
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0, 'finance still sees a step closed by fin2');
  assertProblem(await H.act(u.finance, a.id, 'approve'), 409, 'conflict');
  assert.equal((await caseOf(u.citizen, ap.id)).step, 'final', 'a late approval moved the case');
});

// ---- branches --------------------------------------------------------------------------------

test('a conditional branch: an amount above the limit adds the bureau step; at or below it the case ends', async () => {
  const it = await item({
    start: 'dept', steps: [
      step('dept', FIN(), [{ when: { field: 'amount', op: '>', value: 100000 }, to: 'bureau' }, { to: 'end' }]),
      step('bureau', BUREAU(), [{ to: 'end' }]),
    ],
  }, { form: AMOUNT_FORM });
  const big = await H.apply(u.citizen, it.id, { reason: '大额', amount: 250000 });
  const small = await H.apply(u.citizen, it.id, { reason: '小额', amount: 50000 });
  const edge = await H.apply(u.citizen, it.id, { reason: '临界', amount: 100000 });
  for (const ap of [big, small, edge]) await H.actOn(u.finance, ap.id, 'approve');
  assert.equal((await caseOf(u.citizen, big.id)).step, 'bureau');
  assert.equal((await H.view(u.citizen, big.id)).status, 'running');
  await H.taskOf(u.bureau, big.id);
  for (const ap of [small, edge]) {
    const v = await H.view(u.citizen, ap.id);
    assert.equal(v.status, 'approved', `amount ${v.data.amount}`);
    assert.equal((await H.tasksOf(u.bureau, ap.id)).length, 0, `amount ${v.data.amount} reached the bureau`);
  }
  await H.actOn(u.bureau, big.id, 'approve');
  assert.equal((await H.view(u.citizen, big.id)).status, 'approved');
});

// ---- actions ---------------------------------------------------------------------------------

test('approve and reject: 不予批准 ends the case as rejected with no open task', async () => {
  const it = await item(chain(['a', FIN()], ['b', EDU()]));
  const ap = await H.apply(u.citizen, it.id);
  await H.actOn(u.finance, ap.id, 'approve', { comment: '同意' });
  const t = await H.actOn(u.edu, ap.id, 'reject', { comment: '材料不符合要求' });
  const v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'rejected');
  assert.ok(v.finished_at, 'a rejected case has no finished_at');
  assert.equal(v.case.status, 'rejected');
  assert.deepEqual(v.tasks, []);
  assert.ok(v.history.some((h) => h.action === 'reject' && h.comment === '材料不符合要求'), JSON.stringify(v.history));
  assertProblem(await H.act(u.edu, t.id, 'approve'), 409, 'conflict');
  const tr = await srv.client().ok(`/api/v1/public/applications/${v.code}`);
  assert.equal(tr.status, 'rejected');
});

test('return for supplement (补正): status supplement, the applicant edits with If-Match and resubmits, the same step gets a new task, 一次办结 is lost', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id, { reason: '第一次' });
  const first = await H.actOn(u.finance, ap.id, 'return', { comment: '请补充说明' });
  let v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'supplement');
  assert.equal(v.case.status, 'supplement');
  assert.equal(v.case.returned, 1);
  assert.deepEqual(v.tasks, [], 'a returned case still has open tasks');
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0);
  assert.equal((await srv.client().ok(`/api/v1/public/applications/${v.code}`)).status, 'supplement');

  // Edits: only by the applicant, only with the current version.
  assertProblem(await u.citizen.patch(`/api/v1/applications/${ap.id}`, { data: { reason: '补正后' } }), 428);
  assertProblem(await u.citizen.patch(`/api/v1/applications/${ap.id}`, { data: { reason: '补正后' } },
    { headers: { 'if-match': `"${v.version - 1}"` } }), 409, 'version-mismatch');
  const other = await H.citizen(srv, uniq);
  assertProblem(await other.patch(`/api/v1/applications/${ap.id}`, { data: { reason: 'x' } },
    { headers: { 'if-match': `"${v.version}"` } }), 404, 'not-found');
  assertProblem(await H.appAct(other, ap.id, 'resubmit'), 404, 'not-found');
  const ed = await u.citizen.patch(`/api/v1/applications/${ap.id}`, { data: { reason: '补正后' } },
    { headers: { 'if-match': `"${v.version}"` } });
  assertStatus(ed, 200);
  assert.equal(ed.body.data.reason, '补正后');
  assert.equal(ed.body.version, v.version + 1);

  assertStatus(await H.appAct(u.citizen, ap.id, 'resubmit'), 200);
  v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'running');
  assert.equal(v.case.step, 'review');
  const second = await H.taskOf(u.finance, ap.id);
  assert.notEqual(second.id, first.id, 'the resubmitted case reuses the closed task');
  assert.equal(second.step, 'review');
  assertProblem(await H.appAct(u.citizen, ap.id, 'resubmit'), 409, 'conflict');
  assertProblem(await u.citizen.patch(`/api/v1/applications/${ap.id}`, { data: { reason: '运行中修改' } },
    { headers: { 'if-match': `"${v.version}"` } }), 409);
  assertStatus(await H.act(u.finance, second.id, 'approve'), 200);
  v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'approved');
  assert.equal(v.case.returned, 1, '一次办结: the return was forgotten');
  assert.ok(v.history.some((h) => h.action === 'return' && h.comment === '请补充说明'));
  assert.ok(v.history.some((h) => h.action === 'resubmit'));
});

test('back (驳回) to an earlier step: only a step the case has visited; the target gets a new task', async () => {
  const it = await item({
    start: 'a', steps: [
      step('a', FIN(), [{ when: { field: 'amount', op: '>', value: 1000000 }, to: 'x' }, { to: 'b' }]),
      step('x', A.user('lanzhou'), [{ to: 'b' }]),
      step('b', EDU(), [{ to: 'end' }]),
    ],
  }, { form: AMOUNT_FORM });
  const ap = await H.apply(u.citizen, it.id, { reason: '驳回测试', amount: 10 });
  await H.actOn(u.finance, ap.id, 'approve');
  const t = await H.taskOf(u.edu, ap.id);
  assert.equal(t.step, 'b');
  for (const to of ['x', 'b', 'nowhere', 'end']) {
    const p = assertProblem(await H.act(u.edu, t.id, 'back', { to_step: to }), 400, 'validation');
    assert.ok((p.errors || []).some((e) => e.field === 'to_step'), `back to ${to}: ${JSON.stringify(p)}`);
  }
  assertProblem(await H.act(u.edu, t.id, 'back', {}), 400, 'validation');
  assert.equal((await H.taskOf(u.edu, ap.id)).id, t.id, 'a refused back closed the task');
  assertStatus(await H.act(u.edu, t.id, 'back', { to_step: 'a', comment: '请重新审核' }), 200);
  const v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'running');
  assert.equal(v.case.step, 'a');
  assert.equal((await H.tasksOf(u.edu, ap.id)).length, 0);
  const again = await H.taskOf(u.finance, ap.id);
  assert.equal(again.step, 'a');
  assert.ok(v.history.some((h) => h.action === 'back' && h.to_step === 'a'), JSON.stringify(v.history));
  assertStatus(await H.act(u.finance, again.id, 'approve'), 200);
  await H.actOn(u.edu, ap.id, 'approve');
  assert.equal((await H.view(u.citizen, ap.id)).status, 'approved');
});

test('transfer (转办) to a user: the task moves; the old holders no longer see it or act on it', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  assertProblem(await H.act(u.finance, t.id, 'transfer', {}), 400, 'validation');
  assertStatus(await H.act(u.finance, t.id, 'transfer', { user_id: d.users.edu.id, comment: '请教育厅办理' }), 200);
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0, 'finance still sees a transferred task');
  assert.equal((await H.tasksOf(fin2, ap.id)).length, 0, 'the other dept-admin still sees a transferred task');
  assertProblem(await H.act(u.finance, t.id, 'approve'), [404, 409]);
  const moved = await H.taskOf(u.edu, ap.id);
  assert.equal(moved.step, 'review');
  assertProblem(await H.act(u.finance, moved.id, 'approve'), 404, 'not-found');
  assertStatus(await H.act(u.edu, moved.id, 'approve'), 200);
  assert.equal((await H.view(u.citizen, ap.id)).status, 'approved');
});

test('transfer to someone who cannot hold a task (no such user, a citizen) is refused with 400 and moves nothing', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  const got = [];
  for (const [action, userId, who] of [['add-signer', 99999999, 'no such user'], ['add-signer', u.citizen.user.id, 'a citizen'],
    ['transfer', 99999999, 'no such user'], ['transfer', u.citizen.user.id, 'a citizen']]) {
    const r = await H.act(u.finance, t.id, action, { user_id: userId });
    if (r.status !== 400 || r.type !== 'validation') got.push(`${action} to ${who}: ${r.status} ${r.text.slice(0, 120)}`);
  }
  assert.deepEqual(got, [], 'refusals that were not 400');
  assert.equal((await H.taskOf(u.finance, ap.id)).id, t.id, 'a refused transfer moved the task');
});

test('add-signer (加签): after the holder approves, the step still waits for the added user', async () => {
  const it = await item(chain(['review', FIN()], ['final', A.user('bureau')]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  assertStatus(await H.act(u.finance, t.id, 'add-signer', { user_id: d.users.edu.id }), 200);
  const added = await H.taskOf(u.edu, ap.id);
  assert.equal(added.step, 'review');
  assertStatus(await H.act(u.finance, t.id, 'approve'), 200);
  let c = await caseOf(u.citizen, ap.id);
  assert.equal(c.step, 'review', 'the step moved on without the added signer');
  assert.equal((await H.tasksOf(u.bureau, ap.id)).length, 0, 'the next step opened before the added signer approved');
  assert.equal((await H.taskOf(u.edu, ap.id)).id, added.id, 'the added signer\'s task was cancelled');
  assertStatus(await H.act(u.edu, added.id, 'approve'), 200);
  c = await caseOf(u.citizen, ap.id);
  assert.equal(c.step, 'final');
});

test('add-signer (加签): when the added user approves first, the step waits for the holder', async () => {
  const it = await item(chain(['review', FIN()], ['final', A.user('bureau')]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  assertStatus(await H.act(u.finance, t.id, 'add-signer', { user_id: d.users.edu.id }), 200);
  await H.actOn(u.edu, ap.id, 'approve');
  assert.equal((await caseOf(u.citizen, ap.id)).step, 'review', 'the added signer alone closed the step');
  assert.equal((await H.taskOf(u.finance, ap.id)).id, t.id);
  assertStatus(await H.act(u.finance, t.id, 'approve'), 200);
  assert.equal((await caseOf(u.citizen, ap.id)).step, 'final');
});

test('comment (意见): recorded in the history; nothing moves', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  const before_ = await H.view(u.citizen, ap.id);
  assertStatus(await H.act(u.finance, t.id, 'comment', { comment: '已阅，待核实' }), 200);
  const v = await H.view(u.citizen, ap.id);
  assert.equal(v.status, 'running');
  assert.equal(v.case.step, 'review');
  assert.equal(v.version, before_.version, 'a comment changed the application');
  assert.equal((await H.taskOf(u.finance, ap.id)).id, t.id, 'a comment closed the task');
  assert.ok(v.history.some((h) => h.action === 'comment' && h.comment === '已阅，待核实'), JSON.stringify(v.history));
});

test('withdraw (撤回): by the applicant before anyone acted (200, withdrawn, tasks gone); after an action 409; by others 404', async () => {
  const it = await item(chain(['a', FIN()], ['b', EDU()]));
  const ap = await H.apply(u.citizen, it.id);
  const other = await H.citizen(srv, uniq);
  assertProblem(await H.appAct(other, ap.id, 'withdraw'), 404, 'not-found');
  const w = await H.appAct(u.citizen, ap.id, 'withdraw');
  assertStatus(w, 200);
  assert.equal(w.body.status, 'withdrawn');
  const v = await H.view(u.citizen, ap.id);
  assert.equal(v.case.status, 'withdrawn');
  assert.deepEqual(v.tasks, []);
  assert.equal((await H.tasksOf(u.finance, ap.id)).length, 0);
  assertProblem(await H.appAct(u.citizen, ap.id, 'withdraw'), 409, 'conflict');

  const ap2 = await H.apply(u.citizen, it.id);
  await H.actOn(u.finance, ap2.id, 'approve');
  assertProblem(await H.appAct(u.citizen, ap2.id, 'withdraw'), 409, 'conflict');
  assert.equal((await H.view(u.citizen, ap2.id)).status, 'running');
  await H.taskOf(u.edu, ap2.id);

  const draft = await H.apply(u.citizen, it.id, { reason: '草稿' }, { draft: true });
  assertProblem(await H.appAct(u.citizen, draft.id, 'withdraw'), 409, 'conflict');
});

test('urge (催办): the open task\'s urged count rises with each urge; a finished case cannot be urged', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id);
  assert.equal((await H.taskOf(u.finance, ap.id)).urged, 0);
  assertStatus(await H.appAct(u.citizen, ap.id, 'urge'), 200);
  assert.equal((await H.taskOf(u.finance, ap.id)).urged, 1);
  assertStatus(await H.appAct(u.citizen, ap.id, 'urge'), 200);
  assert.equal((await H.taskOf(u.finance, ap.id)).urged, 2);
  assert.ok((await H.view(u.citizen, ap.id)).history.filter((h) => h.action === 'urge').length === 2);
  const other = await H.citizen(srv, uniq);
  assertProblem(await H.appAct(other, ap.id, 'urge'), 404, 'not-found');
  await H.actOn(u.finance, ap.id, 'approve');
  assertProblem(await H.appAct(u.citizen, ap.id, 'urge'), 409, 'conflict');
});

test('bulk approve: each result is reported; a task not the caller\'s fails alone', async () => {
  const mine = await item(chain(['review', FIN()]));
  const theirs = await item(chain(['review', EDU()]));
  const a1 = await H.apply(u.citizen, mine.id);
  const a2 = await H.apply(u.citizen, mine.id);
  const a3 = await H.apply(u.citizen, theirs.id);
  const t1 = await H.taskOf(u.finance, a1.id);
  const t2 = await H.taskOf(u.finance, a2.id);
  const t3 = await H.taskOf(u.edu, a3.id);
  const r = await u.finance.post('/api/v1/tasks/actions/bulk-approve', { ids: [t1.id, t3.id, t2.id, 99999999], comment: '批量同意' });
  assertStatus(r, 200);
  const by = Object.fromEntries(r.body.items.map((x) => [x.id, x]));
  assert.equal(r.body.items.length, 4);
  assert.equal(by[t1.id].ok, true);
  assert.equal(by[t2.id].ok, true);
  assert.equal(by[t3.id].ok, false);
  assert.ok(by[t3.id].error, 'a failed item carries no error');
  assert.equal(by[99999999].ok, false);
  assert.equal((await H.view(u.citizen, a1.id)).status, 'approved');
  assert.equal((await H.view(u.citizen, a2.id)).status, 'approved');
  assert.equal((await H.view(u.citizen, a3.id)).status, 'running');
  assert.equal((await H.taskOf(u.edu, a3.id)).id, t3.id, 'edu\'s task was touched by finance\'s bulk approve');
  assertProblem(await u.staff.post('/api/v1/tasks/actions/bulk-approve', { ids: [t3.id] }), 403, 'forbidden');
  assertProblem(await u.finance.post('/api/v1/tasks/actions/bulk-approve', {}), 400, 'validation');
});

// ---- the inbox -------------------------------------------------------------------------------

test('inbox: only the caller\'s tasks, sorted by due_at and remaining working days; status=done lists what the caller did', async () => {
  const quick = await item(chain(['review', FIN()]), { promised_days: 2 });
  const slow = await item(chain(['review', FIN()]), { promised_days: 12 });
  const mid = await item(chain(['review', FIN()]), { promised_days: 6 });
  const eduItem = await item(chain(['review', EDU()]));
  const apps = [];
  for (const it of [slow, quick, mid]) apps.push(await H.apply(u.citizen, it.id));
  const eduApp = await H.apply(u.citizen, eduItem.id);
  const eduTask = await H.taskOf(u.edu, eduApp.id);

  const inbox = await u.finance.all('/api/v1/tasks');
  assert.ok(!inbox.some((t) => t.id === eduTask.id), 'finance sees edu\'s task');
  assert.ok(!(await u.staff.all('/api/v1/tasks')).some((t) => t.id === eduTask.id), 'staff sees edu\'s task');
  assert.ok(!(await u.bureau.all('/api/v1/tasks')).some((t) => t.id === eduTask.id), 'bureau sees edu\'s task');
  for (const ap of apps) assert.ok(inbox.some((t) => t.subject_id === ap.id), `finance misses application ${ap.id}`);
  for (const t of inbox) assert.equal(t.status, 'open');
  for (let i = 1; i < inbox.length; i++) {
    assert.ok(inbox[i - 1].due_at <= inbox[i].due_at, `not sorted by due_at: ${inbox[i - 1].due_at} > ${inbox[i].due_at}`);
    assert.ok(inbox[i - 1].remaining_working_days <= inbox[i].remaining_working_days + 1e-9, 'not sorted by remaining working days');
  }
  const pos = apps.map((ap) => inbox.findIndex((t) => t.subject_id === ap.id));
  assert.ok(pos[1] < pos[2] && pos[2] < pos[0], `2, 6 and 12 working days are not in that order: ${pos}`);
  // Paging keeps the order.
  const paged = await u.finance.all('/api/v1/tasks', 1);
  assert.deepEqual(paged.map((t) => t.id), inbox.map((t) => t.id));

  // 已办.
  const t = await H.actOn(u.finance, apps[1].id, 'approve');
  const done = await u.finance.all('/api/v1/tasks?status=done');
  const row = done.find((x) => x.id === t.id);
  assert.ok(row, 'status=done misses the task finance just approved');
  assert.equal(row.status, 'done');
  assert.ok(row.done_at);
  assert.ok(!(await u.finance.all('/api/v1/tasks')).some((x) => x.id === t.id), 'a done task is still in the inbox');
  assert.ok(!(await fin2.all('/api/v1/tasks?status=done')).some((x) => x.id === t.id), 'fin2 lists finance\'s done task');
  assert.ok(!(await u.edu.all('/api/v1/tasks?status=done')).some((x) => x.id === t.id));
});

test('inbox: another department cannot act on (404) or see a task or its case; staff without application.handle get 403; citizens have no inbox', async () => {
  const it = await item(chain(['review', FIN()]));
  const ap = await H.apply(u.citizen, it.id, { reason: '财政厅办件' });
  const t = await H.taskOf(u.finance, ap.id);
  for (const name of ['edu', 'lanzhou']) {
    for (const action of ['approve', 'reject', 'return', 'comment']) {
      assertProblem(await H.act(u[name], t.id, action, { comment: 'x' }), 404, 'not-found');
    }
    assertProblem(await H.act(u[name], t.id, 'transfer', { user_id: d.users[name].id }), 404, 'not-found');
    assertProblem(await u[name].get(`/api/v1/applications/${ap.id}`), 404, 'not-found');
    assert.ok(!(await u[name].all('/api/v1/tasks')).some((x) => x.id === t.id));
  }
  assertProblem(await H.act(u.staff, t.id, 'approve'), 403, 'forbidden');
  assertProblem(await u.citizen.get('/api/v1/tasks'), 403, 'forbidden');
  assertProblem(await H.act(u.citizen, t.id, 'approve'), 403, 'forbidden');
  assertProblem(await srv.client().get('/api/v1/tasks'), 401);
  assertProblem(await H.act(u.finance, t.id, 'fly'), 404);
  assert.equal((await H.taskOf(u.finance, ap.id)).id, t.id, 'the task moved');
  // The handler sees the case it holds.
  assert.equal((await u.finance.ok(`/api/v1/applications/${ap.id}`)).id, ap.id);
});

test('GET /api/v1/tasks/overdue needs application.read (403 for staff), lists only overdue open tasks', async () => {
  assertProblem(await u.staff.get('/api/v1/tasks/overdue'), 403, 'forbidden');
  assertProblem(await u.citizen.get('/api/v1/tasks/overdue'), 403, 'forbidden');
  for (const name of ['finance', 'auditor', 'bureau']) {
    const items = await u[name].all('/api/v1/tasks/overdue');
    const now = new Date().toISOString();
    for (const t of items) {
      assert.equal(t.overdue, true);
      assert.ok(t.due_at < now, `${name}: a task due ${t.due_at} listed as overdue`);
    }
  }
});

// ---- deadlines -------------------------------------------------------------------------------

test('deadlines: a task is due at the end (23:59:59+08:00) of the N-th working day by the official calendar; a step limit shortens, never lengthens, the case\'s', async () => {
  // The JS calendar agrees with known days of the 2026 schedule.
  assert.equal(H.isWorkingDay('2026-10-01'), false);
  assert.equal(H.isWorkingDay('2026-10-10'), true, '国庆节调休上班 (Saturday)');
  assert.equal(H.dueAfterDate('2026-09-30', 1), '2026-10-08T15:59:59Z');
  assert.equal(H.dueAfterDate('2026-02-13', 1), '2026-02-14T15:59:59Z');

  const it = await item({
    start: 'short', steps: [
      step('short', FIN(), [{ to: 'long' }], { time_limit_days: 2 }),
      step('long', EDU(), [{ to: 'end' }], { time_limit_days: 30 }),
    ],
  }, { promised_days: 7 });
  const t0 = Date.now();
  const ap = await H.apply(u.citizen, it.id);
  const t1 = Date.now();
  const want = (n) => [H.dueAfter(t0, n), H.dueAfter(t1, n)];
  const c = await caseOf(u.citizen, ap.id);
  assert.ok(want(7).includes(c.due_at), `case due ${c.due_at}, want ${want(7)[1]} (7 working days)`);
  const t = await H.taskOf(u.finance, ap.id);
  assert.ok(want(2).includes(t.due_at), `step due ${t.due_at}, want ${want(2)[1]} (2 working days)`);
  assert.match(t.due_at, /T15:59:59Z$/);
  // Remaining working time: the rest of today (if a working day) and the 2 days.
  assert.ok(t.remaining_working_days > 2 - 1e-9 && t.remaining_working_days <= 3 + 1e-9, `remaining ${t.remaining_working_days}`);
  if (!H.isWorkingDay(H.cnDate(t1))) assert.ok(Math.abs(t.remaining_working_days - 2) < 1e-6, `remaining ${t.remaining_working_days}`);
  const s0 = Date.now();
  assertStatus(await H.act(u.finance, t.id, 'approve'), 200);
  const s1 = Date.now();
  const t2 = await H.taskOf(u.edu, ap.id);
  // 30 working days are capped at the case's 7.
  assert.ok(want(7).includes(t2.due_at), `a 30-day step in a 7-day case is due ${t2.due_at}, want ${want(7)[1]}`);
  assert.ok([H.dueAfter(s0, 30), H.dueAfter(s1, 30)].every((x) => x > t2.due_at));

  // Without a step limit, the task takes the item's promised days.
  const plain = await item(chain(['review', FIN()]), { promised_days: 3 });
  const p0 = Date.now();
  const ap2 = await H.apply(u.citizen, plain.id);
  const p1 = Date.now();
  const pt = await H.taskOf(u.finance, ap2.id);
  assert.ok([H.dueAfter(p0, 3), H.dueAfter(p1, 3)].includes(pt.due_at), `due ${pt.due_at}, want ${H.dueAfter(p1, 3)}`);
});

test('deadlines: the clock stops while the case waits for the applicant: the deadline moves later after the resubmission', async () => {
  const it = await item(chain(['review', FIN()]), { promised_days: 5 });
  const ap = await H.apply(u.citizen, it.id);
  const before_ = (await caseOf(u.citizen, ap.id)).due_at;
  const t = await H.taskOf(u.finance, ap.id);
  assert.equal(t.due_at, before_);
  assertStatus(await H.act(u.finance, t.id, 'return', { comment: '补正' }), 200);
  await new Promise((r) => setTimeout(r, 1100));
  const v = await H.view(u.citizen, ap.id);
  assertStatus(await u.citizen.patch(`/api/v1/applications/${ap.id}`, { data: { reason: '补正完毕' } },
    { headers: { 'if-match': `"${v.version}"` } }), 200);
  const r0 = Date.now();
  assertStatus(await H.appAct(u.citizen, ap.id, 'resubmit'), 200);
  const c = await caseOf(u.citizen, ap.id);
  assert.ok(c.paused_seconds >= 1, `paused_seconds ${c.paused_seconds}`);
  assert.match(c.due_at, /T15:59:59Z$/);
  const today = H.cnDate(r0);
  if (H.isWorkingDay(today)) {
    assert.ok(c.due_at > before_, `the deadline did not move after 补正 on a working day: ${before_} -> ${c.due_at}`);
  } else {
    assert.ok(c.due_at >= before_, `the deadline moved earlier after 补正: ${before_} -> ${c.due_at}`);
  }
  const t2 = await H.taskOf(u.finance, ap.id);
  assert.equal(t2.due_at, c.due_at, 'the new task is not due with the case');
});

// ---- audit and the log -----------------------------------------------------------------------

/** Audit rows newer than head about (entity, id). */
async function auditAbout(head, entity, id) {
  const rows = (await admin.ok('/api/v1/audit?limit=500')).items.filter((x) => x.id > head);
  return rows.filter((x) => x.entity === entity && x.entity_id === id);
}

test('audit: submit, approve and the end of a case leave audit rows about the application and the case', async () => {
  const it = await item(chain(['a', FIN()], ['b', EDU()]));
  let head = await F.auditHead(admin);
  const ap = await H.apply(u.citizen, it.id);
  const sub = await auditAbout(head, 'application', ap.id);
  assert.ok(sub.some((x) => x.action === 'submit'), `no submit row: ${JSON.stringify(sub)}`);
  assert.ok(sub.every((x) => /^[0-9a-f]{64}$/.test(x.digest)));
  const ta = await H.taskOf(u.finance, ap.id);

  head = await F.auditHead(admin);
  assertStatus(await H.act(u.finance, ta.id, 'approve'), 200);
  const mid = [...await auditAbout(head, 'application', ap.id), ...await auditAbout(head, 'case', ta.instance_id)];
  assert.ok(mid.length >= 1, 'approving a step in the middle of a case left no audit row (application or case)');

  head = await F.auditHead(admin);
  await H.actOn(u.edu, ap.id, 'approve');
  const app = await auditAbout(head, 'application', ap.id);
  const kase = await auditAbout(head, 'case', ta.instance_id);
  assert.ok(app.some((x) => x.action === 'approved'), `no approved row for the application: ${JSON.stringify(app)}`);
  assert.ok(kase.some((x) => x.action === 'approved'), `no approved row for the case: ${JSON.stringify(kase)}`);
  assert.equal(app[0].actor_id, d.users.edu.id);
});

test('audit: return, back, transfer and add-signer each leave an audit row', async () => {
  const it = await item(chain(['a', FIN()], ['b', EDU()]));
  const ap = await H.apply(u.citizen, it.id);
  const t = await H.taskOf(u.finance, ap.id);
  const rowsAfter = async (head) => [...await auditAbout(head, 'application', ap.id), ...await auditAbout(head, 'case', t.instance_id)];
  const missing = [];
  let head = await F.auditHead(admin);
  assertStatus(await H.act(u.finance, t.id, 'add-signer', { user_id: fin2.user.id }), 200);
  if ((await rowsAfter(head)).length === 0) missing.push('add-signer');
  head = await F.auditHead(admin);
  assertStatus(await H.act(u.finance, t.id, 'transfer', { user_id: d.users.bureau.id }), 200);
  if ((await rowsAfter(head)).length === 0) missing.push('transfer');
  const bt = await H.taskOf(u.bureau, ap.id);
  await H.actOn(fin2, ap.id, 'approve');
  assertStatus(await H.act(u.bureau, bt.id, 'approve'), 200);
  const et = await H.taskOf(u.edu, ap.id);
  head = await F.auditHead(admin);
  assertStatus(await H.act(u.edu, et.id, 'back', { to_step: 'a' }), 200);
  if ((await rowsAfter(head)).length === 0) missing.push('back');
  head = await F.auditHead(admin);
  await H.actOn(u.finance, ap.id, 'return', { comment: '补正' });
  if ((await rowsAfter(head)).length === 0) missing.push('return');
  assert.deepEqual(missing, [], `actions that left no audit row: ${missing.join(', ')}`);
});

// Last: stops the server.
test('zhili ledger verify is OK after all of the above', async () => {
  await srv.halt();
  const r = L.assertExit(L.ledgerVerify(srv), 0, 'ledger verify after the workflow tests:');
  assert.match(r.stdout, /^OK: \d+ leaves/m);
});
