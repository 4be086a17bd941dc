// 1220-ratings-kpi: 好差评 (the applicant rates a finished case once, every dimension of the
// channel's indicator set 1..5), 差评整改 (a bad rating opens a rectification case for the
// responsible org, due in 15 working days, closed only after a recorded follow-up and reply), the
// public rankings, and the service KPIs per item and org within the kpi.read scope; the audit rows
// and the log stay whole through it all.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, uniq } = require('../lib/server');
const F = require('../lib/fixtures');
const H = require('../lib/hall');
const L = require('../lib/ledger');

const { A } = H;

let srv;
let d;
let admin;
const u = {};
let other;
let DIMS;           // the online indicator set
let COUNTER_DIMS;   // the counter one

before(async () => {
  srv = await startServer({ name: '1220-ratings-kpi' });
  d = await F.demo(srv);
  admin = d.admin;
  for (const name of ['finance', 'edu', 'bureau', 'staff', 'lanzhou', 'auditor', 'citizen']) {
    u[name] = await srv.login(name);
  }
  other = await H.citizen(srv, uniq);
  DIMS = (await srv.client().ok('/api/v1/public/rating-sets?channel=online')).dimensions;
  COUNTER_DIMS = (await srv.client().ok('/api/v1/public/rating-sets?channel=counter')).dimensions;
});
after(async () => { if (srv) await srv.stop(); });

const FIN = () => A.inOrg('dept-admin', 'GSCZT');
const EDU = () => A.inOrg('dept-admin', 'GSJYT');
const scores = (n, dims = DIMS) => Object.fromEntries(dims.map((k) => [k, n]));
const rate = (who, appId, body) => who.post(`/api/v1/applications/${appId}/rating`, body);

/** An approved case of a fresh GSCZT item for the demo citizen. */
async function finishedCase(opts = {}) {
  const it = opts.item || await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()));
  const ap = await H.apply(opts.who || u.citizen, it.id, { reason: '办件' }, opts.channel ? { channel: opts.channel } : {});
  await H.actOn(u.finance, ap.id, 'approve');
  return { it, ap };
}

// ---- ratings ---------------------------------------------------------------------------------

test('the indicator sets: online has the five dimensions of the issue, counter three', async () => {
  assert.deepEqual(DIMS, ['整体满意度', '办事效率', '办事指南精确度', '办事便捷度', '平台操作性']);
  assert.deepEqual(COUNTER_DIMS, ['服务效率', '服务水平', '服务态度']);
  assertProblem(await srv.client().get('/api/v1/public/rating-sets?channel=fax'), 400, 'validation');
});

test('rating: only after the case finished (409 before), only by the applicant (404), only once (409)', async () => {
  const it = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()));
  const ap = await H.apply(u.citizen, it.id);
  assertProblem(await rate(u.citizen, ap.id, { scores: scores(5) }), 409, 'conflict');
  await H.actOn(u.finance, ap.id, 'approve');
  assertProblem(await rate(other, ap.id, { scores: scores(5) }), 404, 'not-found');
  assertProblem(await rate(u.finance, ap.id, { scores: scores(5) }), [403, 404]);
  assertProblem(await srv.client().post(`/api/v1/applications/${ap.id}/rating`, { scores: scores(5) }), 401);
  const r = await rate(u.citizen, ap.id, { scores: scores(5), tags: ['办事快'], comment: '很好' });
  assertStatus(r, 201);
  assert.equal(r.body.overall, 5);
  assert.equal(r.body.level, '非常满意');
  assert.equal(r.body.rectification_id, null);
  assertProblem(await rate(u.citizen, ap.id, { scores: scores(4) }), 409, 'conflict');

  // A withdrawn case cannot be rated; a rejected one can.
  const w = await H.apply(u.citizen, it.id);
  assertStatus(await H.appAct(u.citizen, w.id, 'withdraw'), 200);
  assertProblem(await rate(u.citizen, w.id, { scores: scores(5) }), 409, 'conflict');
  const rj = await H.apply(u.citizen, it.id);
  await H.actOn(u.finance, rj.id, 'reject');
  assertStatus(await rate(u.citizen, rj.id, { scores: scores(3) }), 201);
  assertProblem(await rate(u.citizen, 99999999, { scores: scores(5) }), 404, 'not-found');
});

test('rating: every dimension of the set is required, each 1..5 integer; an unknown dimension is refused; nothing is stored on refusal', async () => {
  const { ap } = await finishedCase();
  const bad = async (label, s, field) => {
    const p = assertProblem(await rate(u.citizen, ap.id, { scores: s }), 400, 'validation');
    if (field) {
      assert.ok((p.errors || []).some((e) => e.field.includes(field)), `${label}: errors ${JSON.stringify(p.errors)} do not name ${field}`);
    }
  };
  const { 办事效率: _, ...missing } = scores(5);
  await bad('missing dimension', missing, '办事效率');
  await bad('zero', { ...scores(5), 平台操作性: 0 }, '平台操作性');
  await bad('six', { ...scores(5), 整体满意度: 6 }, '整体满意度');
  await bad('decimal', { ...scores(5), 办事便捷度: 4.5 }, '办事便捷度');
  await bad('string', { ...scores(5), 办事便捷度: '5' }, '办事便捷度');
  await bad('unknown dimension', { ...scores(5), 服务态度: 5 }, '服务态度');
  await bad('counter set for an online case', scores(5, COUNTER_DIMS));
  await bad('empty', {});
  assertProblem(await rate(u.citizen, ap.id, {}), 400, 'validation');
  assertProblem(await rate(u.citizen, ap.id, { scores: scores(5), stars: 5 }), 400, 'validation');
  // After all the refusals, the one rating still goes in.
  const r = await rate(u.citizen, ap.id, { scores: { ...scores(4), 整体满意度: 5 } });
  assertStatus(r, 201);
  assert.equal(r.body.overall, 4, 'overall is the rounded mean');
  assert.equal(r.body.level, '满意');

  // A counter case is rated on the counter set.
  const { ap: ac } = await finishedCase({ channel: 'counter' });
  assertProblem(await rate(u.citizen, ac.id, { scores: scores(5) }), 400, 'validation');
  assertStatus(await rate(u.citizen, ac.id, { scores: scores(5, COUNTER_DIMS) }), 201);
});

test('差评整改: overall ≤ 2 opens a rectification case for the responsible org, due in 15 working days; it closes only after the follow-up and the reply', async () => {
  const { ap } = await finishedCase();
  const t0 = Date.now();
  const r = await rate(u.citizen, ap.id, { scores: { ...scores(1), 办事效率: 2 }, tags: ['等待太久'], comment: '很慢' });
  const t1 = Date.now();
  assertStatus(r, 201);
  assert.equal(r.body.overall, 1);
  assert.equal(r.body.level, '非常不满意');
  const rid = r.body.rectification_id;
  assert.equal(typeof rid, 'number', 'a bad rating opened no rectification');

  // The task: finance (dept-admin of GSCZT, the responsible org), subject rectification.
  const find = async (who) => (await who.all('/api/v1/tasks')).filter((t) => t.subject === 'rectification' && t.subject_id === rid);
  const [task] = await find(u.finance);
  assert.ok(task, 'finance has no rectification task');
  assert.ok([H.dueAfter(t0, 15), H.dueAfter(t1, 15)].includes(task.due_at),
    `rectification due ${task.due_at}, want ${H.dueAfter(t1, 15)} (15 working days)`);
  for (const name of ['edu', 'lanzhou', 'staff']) assert.equal((await find(u[name])).length, 0, `${name} got the rectification`);

  // Not before the follow-up and the reply.
  assertProblem(await H.act(u.finance, task.id, 'approve'), 409, 'conflict');
  assertProblem(await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访' }), 400, 'validation');
  assertProblem(await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '回', reply: '答' }), 400, 'validation');
  assertProblem(await u.edu.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访', reply: '已整改' }), 404, 'not-found');
  assertProblem(await u.lanzhou.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访', reply: '已整改' }), 404, 'not-found');
  assertProblem(await u.staff.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访', reply: '已整改' }), 403, 'forbidden');
  assertProblem(await u.citizen.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访', reply: '已整改' }), 403, 'forbidden');
  assertProblem(await u.finance.post('/api/v1/rectifications/99999999/followup', { followup: '已电话回访', reply: '已整改' }), 404, 'not-found');
  assertProblem(await H.act(u.finance, task.id, 'approve'), 409, 'conflict');

  const f = await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '已电话回访申请人，说明原因', reply: '已优化审批流程，缩短办理时间' });
  assertStatus(f, 200);
  assert.equal(f.body.status, 'open');
  assert.ok(f.body.followup_at);
  assertStatus(await H.act(u.finance, task.id, 'approve'), 200);
  assert.equal((await find(u.finance)).length, 0);
  assertProblem(await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '再次回访', reply: '再次答复' }), 409, 'conflict');
  const done = (await u.finance.all('/api/v1/tasks?status=done')).find((t) => t.id === task.id);
  assert.ok(done && done.subject === 'rectification');
});

test('差评整改: a supervisor with application.handle over the org\'s subtree (bureau) may record the follow-up', async () => {
  const { ap } = await finishedCase();
  const r = await rate(u.citizen, ap.id, { scores: scores(1) });
  assertStatus(r, 201);
  const f = await u.bureau.post(`/api/v1/rectifications/${r.body.rectification_id}/followup`, { followup: '局里回访', reply: '督促整改' });
  assert.equal(f.status, 200, `bureau (org-admin of GSJGSW, subtree) recording a GSCZT follow-up: ${f.status} ${f.text}`);
});

test('a middling rating (3) opens no rectification', async () => {
  const { ap } = await finishedCase();
  const r = await rate(u.citizen, ap.id, { scores: scores(3) });
  assertStatus(r, 201);
  assert.equal(r.body.level, '基本满意');
  assert.equal(r.body.rectification_id, null);
});

test('public rankings: items and orgs by satisfaction rate, best first, for anyone', async () => {
  const good = await H.makeItem(admin, d.orgs.GSJYT.id, H.oneStep(EDU()), { name: '排名好事项' });
  const poor = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()), { name: '排名差事项' });
  for (const n of [5, 4]) {
    const ap = await H.apply(u.citizen, good.id);
    await H.actOn(u.edu, ap.id, 'approve');
    assertStatus(await rate(u.citizen, ap.id, { scores: scores(n) }), 201);
  }
  for (const n of [5, 1, 2]) {
    const { ap } = await finishedCase({ item: poor });
    assertStatus(await rate(u.citizen, ap.id, { scores: scores(n) }), 201);
  }
  const anon = srv.client();
  const byItem = (await anon.ok('/api/v1/public/ratings/summary?by=item')).items;
  const g = byItem.find((x) => x.id === good.id);
  const p = byItem.find((x) => x.id === poor.id);
  assert.ok(g && p, 'the rated items are not in the summary');
  assert.equal(g.count, 2);
  assert.equal(g.satisfaction_rate, 1);
  assert.equal(p.count, 3);
  assert.ok(Math.abs(p.satisfaction_rate - 1 / 3) < 1e-9, `satisfaction of 5,1,2: ${p.satisfaction_rate}`);
  assert.ok(Math.abs(p.average - 8 / 3) < 1e-9, `average of 5,1,2: ${p.average}`);
  assert.ok(byItem.indexOf(g) < byItem.indexOf(p), 'the better item is not ranked first');
  for (let i = 1; i < byItem.length; i++) {
    assert.ok(byItem[i - 1].satisfaction_rate >= byItem[i].satisfaction_rate, 'items not ranked by satisfaction rate');
  }
  const byOrg = (await anon.ok('/api/v1/public/ratings/summary?by=org')).items;
  const edu = byOrg.find((x) => x.id === d.orgs.GSJYT.id);
  const fin = byOrg.find((x) => x.id === d.orgs.GSCZT.id);
  assert.ok(edu && fin, 'the rated orgs are not in the summary');
  assert.equal(edu.satisfaction_rate, 1);
  assert.ok(fin.satisfaction_rate < 1);
  assert.ok(byOrg.indexOf(edu) < byOrg.indexOf(fin), 'the better org is not ranked first');
  for (let i = 1; i < byOrg.length; i++) {
    assert.ok(byOrg[i - 1].satisfaction_rate >= byOrg[i].satisfaction_rate, 'orgs not ranked by satisfaction rate');
  }
  assert.ok(!JSON.stringify(byItem).includes(u.citizen.user.display_name), 'the summary names a rater');
  assertProblem(await anon.get('/api/v1/public/ratings/summary?by=user'), 400, 'validation');
});

// ---- KPIs ------------------------------------------------------------------------------------

// The KPI items live in orgs no other test here uses (GSCZT-GKC, GSJYT-BGS), so their figures are exact.
test('KPIs by item and by org: counts by status, on-time, 一次办结, online, visits saved, satisfaction', async () => {
  const gkc = d.orgs['GSCZT-GKC'].id;
  const k1 = await H.makeItem(admin, gkc, H.oneStep(FIN()), { name: 'KPI事项一', visits: 0, promised_days: 5 });
  const k2 = await H.makeItem(admin, d.orgs['GSJYT-BGS'].id, H.oneStep(EDU()), { name: 'KPI事项二', visits: 1 });
  const c = u.citizen;
  // k1: a1 approved, a2 returned then approved, a3 rejected, a4 running, a5 withdrawn, a6 at the counter approved.
  const a1 = await H.apply(c, k1.id);
  const a2 = await H.apply(c, k1.id);
  const a3 = await H.apply(c, k1.id);
  const a4 = await H.apply(c, k1.id);
  const a5 = await H.apply(c, k1.id);
  const a6 = await H.apply(c, k1.id, { reason: '窗口' }, { channel: 'counter' });
  await H.apply(c, k1.id, { reason: '草稿' }, { draft: true });   // drafts do not count
  await H.actOn(u.finance, a1.id, 'approve');
  await H.actOn(u.finance, a2.id, 'return', { comment: '补正' });
  const v2 = await H.view(c, a2.id);
  assertStatus(await c.patch(`/api/v1/applications/${a2.id}`, { data: { reason: '补正后' } }, { headers: { 'if-match': `"${v2.version}"` } }), 200);
  assertStatus(await H.appAct(c, a2.id, 'resubmit'), 200);
  await H.actOn(u.finance, a2.id, 'approve');
  await H.actOn(u.finance, a3.id, 'reject');
  assertStatus(await H.appAct(c, a5.id, 'withdraw'), 200);
  await H.actOn(u.finance, a6.id, 'approve');
  assertStatus(await rate(c, a1.id, { scores: scores(5) }), 201);
  assertStatus(await rate(c, a2.id, { scores: scores(3) }), 201);
  // k2: one approved online case.
  const b1 = await H.apply(c, k2.id);
  await H.actOn(u.edu, b1.id, 'approve');
  void a4;

  const byItem = await admin.ok('/api/v1/kpi/services?by=item');
  const g = byItem.groups.find((x) => x.id === k1.id);
  assert.ok(g, `item ${k1.id} missing from the KPI groups`);
  assert.equal(g.name, 'KPI事项一');
  assert.deepEqual(g.applications, { total: 6, running: 1, supplement: 0, approved: 3, rejected: 1, withdrawn: 1 });
  // Finished (not withdrawn): a1, a2, a3, a6, all on time; a2 was returned.
  assert.equal(g.on_time_rate, 1);
  assert.ok(Math.abs(g.first_time_rate - 3 / 4) < 1e-9, `一次办结 rate ${g.first_time_rate}, want 0.75 (a2 was returned)`);
  assert.ok(Math.abs(g.online_rate - 5 / 6) < 1e-9, `online rate ${g.online_rate}, want 5/6`);
  assert.equal(g.visits_saved, 5);
  assert.equal(g.ratings, 2);
  assert.equal(g.satisfaction_rate, 0.5);
  assert.ok(g.handling_days_mean >= 0 && g.handling_days_p90 >= g.handling_days_mean - 1e-9);
  const g2 = byItem.groups.find((x) => x.id === k2.id);
  assert.deepEqual(g2.applications, { total: 1, running: 0, supplement: 0, approved: 1, rejected: 0, withdrawn: 0 });
  assert.equal(g2.visits_saved, 0, 'an item that needs a visit saved one');
  assert.equal(g2.first_time_rate, 1);
  assert.ok(byItem.total.applications.total >= 7);

  const byOrg = await admin.ok('/api/v1/kpi/services?by=org');
  const o = byOrg.groups.find((x) => x.id === gkc);
  assert.ok(o, 'GSCZT-GKC missing from the KPI groups by org');
  assert.deepEqual(o.applications, g.applications);
  assert.equal(o.first_time_rate, g.first_time_rate);
  assert.equal(o.satisfaction_rate, 0.5);
  assert.ok(byOrg.groups.some((x) => x.id === d.orgs['GSJYT-BGS'].id));

  // A period before everything is empty.
  const empty = await admin.ok('/api/v1/kpi/services?by=org&from=2020-01-01&to=2020-12-31');
  assert.equal(empty.total.applications.total, 0);
  assert.deepEqual(empty.groups, []);
});

test('KPIs need kpi.read (403 for staff and citizens); finance sees only its subtree', async () => {
  assertProblem(await u.staff.get('/api/v1/kpi/services'), 403, 'forbidden');
  assertProblem(await u.citizen.get('/api/v1/kpi/services'), 403, 'forbidden');
  assertProblem(await srv.client().get('/api/v1/kpi/services'), 401);
  assertProblem(await admin.get('/api/v1/kpi/services?by=user'), 400, 'validation');
  assertProblem(await admin.get('/api/v1/kpi/services?from=yesterday'), 400, 'validation');

  const tree = new Set(F.FINANCE_TREE.map((c) => d.orgs[c].id));
  const fin = await u.finance.ok('/api/v1/kpi/services?by=org');
  assert.ok(fin.groups.length >= 1, 'finance sees no KPI group');
  for (const gr of fin.groups) assert.ok(tree.has(gr.id), `finance sees the figures of org ${gr.id} (${gr.name})`);
  assert.ok(fin.groups.some((x) => x.id === d.orgs['GSCZT-GKC'].id));
  const all = await admin.ok('/api/v1/kpi/services?by=org');
  const sumIn = all.groups.filter((x) => tree.has(x.id)).reduce((s, x) => s + x.applications.total, 0);
  assert.equal(fin.total.applications.total, sumIn, 'finance\'s total counts applications outside its subtree');
  assert.ok(all.total.applications.total > fin.total.applications.total);
  const finItems = await u.finance.ok('/api/v1/kpi/services?by=item');
  assert.equal(finItems.total.applications.total, sumIn);
  const edu = await u.edu.ok('/api/v1/kpi/services?by=org');
  assert.ok(!edu.groups.some((x) => tree.has(x.id)), 'edu sees finance\'s figures');
  assert.ok(edu.groups.some((x) => x.id === d.orgs['GSJYT-BGS'].id));
});

// ---- audit and the log -----------------------------------------------------------------------

test('audit: a rating, its rectification, the follow-up and the close leave audit rows', async () => {
  const { ap } = await finishedCase();
  const head = await F.auditHead(admin);
  const r = await rate(u.citizen, ap.id, { scores: scores(2) });
  assertStatus(r, 201);
  const rid = r.body.rectification_id;
  const [task] = (await u.finance.all('/api/v1/tasks')).filter((t) => t.subject === 'rectification' && t.subject_id === rid);
  assertStatus(await u.finance.post(`/api/v1/rectifications/${rid}/followup`, { followup: '回访记录', reply: '答复记录' }), 200);
  assertStatus(await H.act(u.finance, task.id, 'approve'), 200);
  const rows = (await admin.ok('/api/v1/audit?limit=500')).items.filter((x) => x.id > head);
  const has = (entity, action, id) => rows.some((x) => x.entity === entity && x.action === action && (id === undefined || x.entity_id === id));
  assert.ok(has('rating', 'create', r.body.id), 'no audit row for the rating');
  assert.ok(has('rectification', 'followup', rid), 'no audit row for the follow-up');
  assert.ok(has('rectification', 'close', rid), 'no audit row for the close');
  assert.ok(has('case', 'approved', task.instance_id), 'no audit row for the end of the rectification case');
  assert.ok(!JSON.stringify(rows).includes('回访记录'), 'the follow-up text is in the audit list');
});

// Last: stops the server.
test('zhili ledger verify is OK after the ratings and KPIs', async () => {
  await srv.halt();
  const r = L.assertExit(L.ledgerVerify(srv), 0, 'ledger verify after the rating tests:');
  assert.match(r.stdout, /^OK: \d+ leaves/m);
});
