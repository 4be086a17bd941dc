// 1210-applications: applying online (一网通办): drafts checked loosely and submitted whole,
// idempotent submission, the form's field types refused with the field named, public and internal
// items, public tracking by code without personal data, who may read an application (the applicant,
// its handlers, application.read in scope), and uploads stored by SHA-256 with type and size limits.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, assertProblem, assertStatus, uniq, creditCode } = require('../lib/server');
const F = require('../lib/fixtures');
const H = require('../lib/hall');

const { A } = H;

let srv;
let d;
let admin;
const u = {};
let other;      // a second citizen

before(async () => {
  srv = await startServer({ name: '1210-applications' });
  d = await F.demo(srv);
  admin = d.admin;
  for (const name of ['finance', 'edu', 'bureau', 'staff', 'teacher', 'lanzhou', 'auditor', 'citizen']) {
    u[name] = await srv.login(name);
  }
  other = await H.citizen(srv, uniq);
});
after(async () => { if (srv) await srv.stop(); });

const FIN = () => A.inOrg('dept-admin', 'GSCZT');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// Every field type of the form.
const ID = H.idNumber('62010219900307123');
const CREDIT = creditCode('91620100MA7ABCDE1');
const FULL_FORM = { fields: [
  { key: 'name', label: '姓名', type: 'text', required: true, max_length: 20 },
  { key: 'id_no', label: '身份证号', type: 'id_number', required: true },
  { key: 'credit', label: '统一社会信用代码', type: 'credit_code' },
  { key: 'phone', label: '手机号', type: 'phone', required: true },
  { key: 'amount', label: '金额', type: 'money', min: 0, max: 100000000 },
  { key: 'count', label: '数量', type: 'number', min: 1, max: 10 },
  { key: 'day', label: '日期', type: 'date' },
  { key: 'kind', label: '类别', type: 'choice', options: ['个人', '单位'] },
  { key: 'addr', label: '地址', type: 'address' },
  { key: 'doc', label: '附件', type: 'file' },
  { key: 'note', label: '备注', type: 'textarea' },
] };
const GOOD = {
  name: '刘洋', id_no: ID, credit: CREDIT, phone: '13912345678', amount: 12000, count: 3,
  day: '2026-12-01', kind: '个人', addr: { region_code: '620102', detail: '城关区某路1号' }, note: '无',
};

let fullItem;
async function full() {
  if (!fullItem) fullItem = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()), { form: FULL_FORM });
  return fullItem;
}
const mine = async (who) => who.all('/api/v1/applications');

// ---- drafts and submission -------------------------------------------------------------------

test('drafts: partial data is kept without a case; submit checks the whole form; a draft is not tracked publicly', async () => {
  const it = await full();
  const r = await H.tryApply(u.citizen, it.id, { name: '刘洋' }, { draft: true });
  assertStatus(r, 201);
  const dr = r.body;
  assert.equal(dr.status, 'draft');
  assert.equal(dr.submitted_at, null);
  let v = await H.view(u.citizen, dr.id);
  assert.equal(v.case, undefined, 'a draft has a case');
  assert.deepEqual(v.tasks, []);
  assert.equal(v.data.name, '刘洋');
  assertProblem(await srv.client().get(`/api/v1/public/applications/${dr.code}`), 404, 'not-found');

  // Even a draft refuses a wrong value.
  assertProblem(await H.tryApply(u.citizen, it.id, { phone: '123' }, { draft: true }), 400, 'validation');

  // Submitting the incomplete draft names the missing fields; nothing starts.
  const p = assertProblem(await H.appAct(u.citizen, dr.id, 'submit'), 400, 'validation');
  const fields = (p.errors || []).map((e) => e.field);
  for (const f of ['id_no', 'phone']) assert.ok(fields.includes(f), `submit names ${JSON.stringify(fields)}, not ${f}`);
  v = await H.view(u.citizen, dr.id);
  assert.equal(v.status, 'draft');

  // Complete it (If-Match), then submit.
  const ed = await u.citizen.patch(`/api/v1/applications/${dr.id}`, { data: GOOD }, { headers: { 'if-match': `"${v.version}"` } });
  assertStatus(ed, 200);
  const s = await H.appAct(u.citizen, dr.id, 'submit');
  assertStatus(s, 200);
  assert.equal(s.body.status, 'running');
  assert.ok(s.body.submitted_at);
  await H.taskOf(u.finance, dr.id);
  assertProblem(await H.appAct(u.citizen, dr.id, 'submit'), 409, 'conflict');
  assertProblem(await H.appAct(other, dr.id, 'submit'), 404, 'not-found');
  assert.equal((await srv.client().ok(`/api/v1/public/applications/${dr.code}`)).status, 'running');
});

test('Idempotency-Key: a retry answers 200 with the same application; no second case', async () => {
  const it = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()));
  const key = 'idem-' + crypto.randomBytes(8).toString('hex');
  const a = await H.tryApply(u.citizen, it.id, { reason: '第一次提交' }, { key });
  assertStatus(a, 201);
  const b = await H.tryApply(u.citizen, it.id, { reason: '第一次提交' }, { key });
  assertStatus(b, 200);
  assert.equal(b.body.id, a.body.id);
  assert.equal(b.body.code, a.body.code);
  const c = await H.tryApply(u.citizen, it.id, { reason: '重试时改了内容' }, { key });
  assertStatus(c, 200);
  assert.equal(c.body.id, a.body.id);
  const apps = (await mine(u.citizen)).filter((x) => x.item_id === it.id);
  assert.equal(apps.length, 1, `two applications for one key: ${JSON.stringify(apps.map((x) => x.id))}`);
  const tasks = (await u.finance.all('/api/v1/tasks')).filter((t) => t.code === a.body.code);
  assert.equal(tasks.length, 1, 'a retry opened a second task');

  // The key is the applicant's: another citizen with the same key gets its own application.
  const o = await H.tryApply(other, it.id, { reason: '另一人' }, { key });
  assertStatus(o, 201);
  assert.notEqual(o.body.id, a.body.id);
  // Without a key, two posts are two applications.
  const n1 = await H.apply(u.citizen, it.id, { reason: '无键' });
  const n2 = await H.apply(u.citizen, it.id, { reason: '无键' });
  assert.notEqual(n1.id, n2.id);
  assertProblem(await H.tryApply(u.citizen, it.id, { reason: 'x' }, { key: 'short' }), 400, 'validation');
});

test('form validation: each field type refuses a bad value with 400 naming the field, and nothing is created', async () => {
  const it = await full();
  const count = (await mine(u.citizen)).length;
  const cases = [
    ['id_no', { id_no: ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0') }, 'id_no'],
    ['id_no short', { id_no: '620102199003' }, 'id_no'],
    ['credit', { credit: CREDIT.slice(0, 17) + (CREDIT[17] === '0' ? '1' : '0') }, 'credit'],
    ['phone', { phone: '1234567' }, 'phone'],
    ['phone letters', { phone: '1391234567a' }, 'phone'],
    ['money decimal', { amount: 12.5 }, 'amount'],
    ['money string', { amount: '100' }, 'amount'],
    ['money negative', { amount: -1 }, 'amount'],
    ['number above max', { count: 11 }, 'count'],
    ['date', { day: '2026-02-30' }, 'day'],
    ['date format', { day: '2026/12/01' }, 'day'],
    ['choice', { kind: '其他' }, 'kind'],
    ['address region', { addr: { region_code: '990000', detail: '某地' } }, 'addr.region_code'],
    ['address shape', { addr: '兰州市' }, 'addr'],
    ['file', { doc: 'not-a-digest' }, 'doc'],
    ['text too long', { name: '名'.repeat(21) }, 'name'],
    ['text with newline', { name: '刘\n洋' }, 'name'],
    ['unknown field', { zzz: 1 }, 'zzz'],
  ];
  for (const [label, patch, field] of cases) {
    const p = assertProblem(await H.tryApply(u.citizen, it.id, { ...GOOD, ...patch }), 400, 'validation');
    const fields = (p.errors || []).map((e) => e.field);
    assert.ok(fields.includes(field), `${label}: errors ${JSON.stringify(p.errors)} do not name ${field}`);
  }
  // A required field missing.
  const { phone, ...noPhone } = GOOD;
  const p = assertProblem(await H.tryApply(u.citizen, it.id, noPhone), 400, 'validation');
  assert.ok(p.errors.some((e) => e.field === 'phone' && /required/.test(e.reason)), JSON.stringify(p.errors));
  // Several mistakes at once are all named.
  const many = assertProblem(await H.tryApply(u.citizen, it.id, { ...GOOD, phone: '1', day: 'x', kind: 'y' }), 400, 'validation');
  for (const f of ['phone', 'day', 'kind']) assert.ok(many.errors.some((e) => e.field === f), `not all errors named: ${JSON.stringify(many.errors)}`);
  assert.equal((await mine(u.citizen)).length, count, 'a refused application was created');
  // The good data passes.
  const ok = await H.apply(u.citizen, it.id, GOOD);
  assert.equal(ok.status, 'running');
});

test('bad requests: unknown body fields, data not an object, an unknown item or channel → 400', async () => {
  const it = await full();
  assertProblem(await u.citizen.post('/api/v1/applications', { item_id: it.id, data: GOOD, extra: 1 }), 400, 'validation');
  assertProblem(await u.citizen.post('/api/v1/applications', { item_id: it.id, data: [1] }), 400, 'validation');
  assertProblem(await u.citizen.post('/api/v1/applications', { item_id: it.id }), 400, 'validation');
  assertProblem(await u.citizen.post('/api/v1/applications', { item_id: 99999999, data: {} }), [400, 404]);
  assertProblem(await u.citizen.post('/api/v1/applications', { item_id: it.id, data: GOOD, channel: 'fax' }), 400, 'validation');
  assertProblem(await u.citizen.post('/api/v1/applications', 'not json', { contentType: 'application/json' }), 400);
  assertProblem(await srv.client().post('/api/v1/applications', { item_id: it.id, data: GOOD }), 401);
});

test('items: a citizen cannot apply to an internal item or an unpublished one; staff can apply to an internal item', async () => {
  const internal = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()), { audience: 'internal' });
  const count = (await mine(u.citizen)).length;
  const r = await H.tryApply(u.citizen, internal.id, { reason: '公众申请内部事项' });
  assertProblem(r, [400, 403, 404]);
  assert.equal((await mine(u.citizen)).length, count);
  const st = await H.apply(u.staff, internal.id, { reason: '内部申请' });
  assert.equal(st.status, 'running');

  const draftItem = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()), { publish: false });
  assertProblem(await H.tryApply(u.citizen, draftItem.id, { reason: 'x' }), [400, 404]);
  assertProblem(await H.tryApply(u.staff, draftItem.id, { reason: 'x' }), [400, 404]);
  const pub = await H.makeItem(admin, d.orgs.GSCZT.id, H.oneStep(FIN()));
  assertStatus(await admin.post(`/api/v1/items/${pub.id}/actions/withdraw`, {}), 200);
  assertProblem(await H.tryApply(u.citizen, pub.id, { reason: 'x' }), [400, 404]);
});

// ---- reading ---------------------------------------------------------------------------------

test('public tracking by code: status and dates, no name and no form data; unknown codes 404', async () => {
  const it = await full();
  const ap = await H.apply(u.citizen, it.id, GOOD);
  const anon = srv.client();
  const r = await anon.get(`/api/v1/public/applications/${ap.code}`);
  assertStatus(r, 200);
  assert.equal(r.body.code, ap.code);
  assert.equal(r.body.status, 'running');
  assert.ok(r.body.submitted_at);
  assert.ok(!('data' in r.body), 'tracking shows the form data');
  assert.ok(!('applicant_name' in r.body) && !('applicant_id' in r.body), 'tracking shows the applicant');
  for (const secret of [ap.applicant_name, '刘洋', ID, '13912345678', '城关区某路1号', CREDIT]) {
    assert.ok(!r.text.includes(secret), `tracking shows personal data: ${secret}`);
  }
  assertProblem(await anon.get('/api/v1/public/applications/ZL20260101999999'), 404, 'not-found');
  assertProblem(await anon.get(`/api/v1/public/applications/${'Z'.repeat(40)}`), 404, 'not-found');
  await H.actOn(u.finance, ap.id, 'approve');
  const done = await anon.ok(`/api/v1/public/applications/${ap.code}`);
  assert.equal(done.status, 'approved');
  assert.ok(done.finished_at);
});

test('another citizen gets 404 on someone else\'s application and does not list it', async () => {
  const it = await full();
  const ap = await H.apply(u.citizen, it.id, GOOD);
  assertProblem(await other.get(`/api/v1/applications/${ap.id}`), 404, 'not-found');
  assertProblem(await other.patch(`/api/v1/applications/${ap.id}`, { data: GOOD }, { headers: { 'if-match': '"2"' } }), 404, 'not-found');
  for (const a of ['submit', 'resubmit', 'withdraw', 'urge']) assertProblem(await H.appAct(other, ap.id, a), 404, 'not-found');
  assert.ok(!(await mine(other)).some((x) => x.id === ap.id));
  assert.ok((await mine(u.citizen)).some((x) => x.id === ap.id));
  assertProblem(await other.get('/api/v1/applications?handling=1'), 403, 'forbidden');
  // Lists hold no form data.
  const row = (await mine(u.citizen)).find((x) => x.id === ap.id);
  assert.deepEqual(row.data, {}, 'the list carries form data');
});

test('scope: application.read in scope sees the case (handling=1 and by id); out of scope 404; without application.read 403', async () => {
  const it = await full();
  const ap = await H.apply(u.citizen, it.id, GOOD);
  for (const name of ['finance', 'bureau', 'auditor', 'admin']) {
    const who = name === 'admin' ? admin : u[name];
    const list = await who.all('/api/v1/applications?handling=1');
    assert.ok(list.some((x) => x.id === ap.id), `${name} (in scope) does not list application ${ap.id}`);
    assert.equal((await who.ok(`/api/v1/applications/${ap.id}`)).id, ap.id);
  }
  for (const name of ['edu', 'lanzhou']) {
    const list = await u[name].all('/api/v1/applications?handling=1');
    assert.ok(!list.some((x) => x.id === ap.id), `${name} (out of scope) lists application ${ap.id}`);
    assert.ok(list.every((x) => x.org_id !== d.orgs.GSCZT.id), `${name} lists GSCZT applications`);
    assertProblem(await u[name].get(`/api/v1/applications/${ap.id}`), 404, 'not-found');
  }
  assertProblem(await u.staff.get('/api/v1/applications?handling=1'), 403, 'forbidden');
  assertProblem(await u.staff.get(`/api/v1/applications/${ap.id}`), 404, 'not-found');
  // Filters of the handling list.
  const byItem = await u.finance.all(`/api/v1/applications?handling=1&item_id=${it.id}`);
  assert.ok(byItem.length >= 1 && byItem.every((x) => x.item_id === it.id));
  const byStatus = await u.finance.all('/api/v1/applications?handling=1&status=running');
  assert.ok(byStatus.length >= 1 && byStatus.every((x) => x.status === 'running'));
});

// ---- uploads ---------------------------------------------------------------------------------

test('uploads: a PDF is stored by SHA-256 (201, the same digest twice); the uploader reads it back, another citizen gets 404', async () => {
  const body = H.pdf('upload ' + uniq());
  const r = await u.citizen.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
  assertStatus(r, 201);
  assert.equal(r.body.digest, sha256(body));
  assert.equal(r.body.size, body.length);
  assert.equal(r.body.mime, 'application/pdf');
  const again = await u.citizen.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
  assert.ok([200, 201].includes(again.status), `the same file again: ${again.status}`);
  assert.equal(again.body.digest, r.body.digest);
  // The type is judged by content: a PDF sent as text/plain is still a PDF.
  const as = await u.citizen.post('/api/v1/uploads', H.pdf('claimed text ' + uniq()), { contentType: 'text/plain' });
  assertStatus(as, 201);
  assert.equal(as.body.mime, 'application/pdf');

  const got = await fetch(`${srv.base}/api/v1/uploads/${r.body.digest}`, { headers: { cookie: u.citizen.cookie } });
  assert.equal(got.status, 200);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(body), 'the file read back differs');
  assertProblem(await other.get(`/api/v1/uploads/${r.body.digest}`), 404, 'not-found');
  assertProblem(await srv.client().get(`/api/v1/uploads/${r.body.digest}`), 401);
  assertProblem(await u.citizen.get(`/api/v1/uploads/${'0'.repeat(64)}`), 404, 'not-found');

  // The digest goes into a file field of a form.
  const it = await full();
  const ap = await H.apply(u.citizen, it.id, { ...GOOD, doc: r.body.digest });
  assert.equal((await H.view(u.citizen, ap.id)).data.doc, r.body.digest);
  // Its handler may read it.
  const fromHandler = await u.finance.get(`/api/v1/uploads/${r.body.digest}`);
  assert.equal(fromHandler.status, 200);
});

test('uploads: text, HTML and empty bodies are refused by content (415, 400)', async () => {
  assertProblem(await u.citizen.post('/api/v1/uploads', Buffer.from('just some text\n'), { contentType: 'text/plain' }), 415);
  assertProblem(await u.citizen.post('/api/v1/uploads', Buffer.from('<html><body>x</body></html>'), { contentType: 'application/pdf' }), 415);
  assertProblem(await u.citizen.post('/api/v1/uploads', Buffer.from('#!/bin/sh\nrm -rf /\n'), { contentType: 'application/pdf' }), 415);
  assertProblem(await u.citizen.post('/api/v1/uploads', Buffer.alloc(0), { contentType: 'application/pdf' }), [400, 411, 415]);
});

test('uploads: a second citizen who uploads the same file may read it too', async () => {
  const body = H.pdf('shared ' + uniq());
  const a = await u.citizen.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
  assertStatus(a, 201);
  const b = await other.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
  assert.ok([200, 201].includes(b.status));
  assert.equal(b.body.digest, a.body.digest);
  const r = await other.get(`/api/v1/uploads/${b.body.digest}`);
  assert.equal(r.status, 200, `GET /api/v1/uploads/{digest} by a second uploader of the same file: ${r.status}`);
});

test('uploads: staff outside the scope of every application holding a file cannot read it', async () => {
  const body = H.pdf('scoped ' + uniq());
  const up = await u.citizen.post('/api/v1/uploads', body, { contentType: 'application/pdf' });
  assertStatus(up, 201);
  const it = await full();
  await H.apply(u.citizen, it.id, { ...GOOD, doc: up.body.digest });
  // lanzhou (application.read in LZJGSW) and edu (GSJYT) have nothing to do with this GSCZT case.
  for (const name of ['lanzhou', 'edu']) {
    const r = await u[name].get(`/api/v1/uploads/${up.body.digest}`);
    assert.equal(r.status, 404, `${name} reads a citizen's file attached only to a GSCZT application: ${r.status}`);
  }
});

test('uploads: over ZHILI_MAX_UPLOAD → 413', async () => {
  const small = await startServer({ name: '1210-applications-upload', env: { ZHILI_MAX_UPLOAD: '2048' } });
  try {
    const c = await small.login('citizen');
    const ok = H.pdf('x'.repeat(1000));
    assert.ok(ok.length < 2048);
    const r = await c.post('/api/v1/uploads', ok, { contentType: 'application/pdf' });
    assertStatus(r, 201);
    const big = Buffer.concat([H.pdf(), Buffer.alloc(4096, 0x20)]);
    assertProblem(await c.post('/api/v1/uploads', big, { contentType: 'application/pdf' }), 413, 'too-large');
    const huge = Buffer.concat([H.pdf(), Buffer.alloc(300 * 1024, 0x20)]);
    const h = await c.post('/api/v1/uploads', huge, { contentType: 'application/pdf' });
    assert.equal(h.status, 413);
    // A JSON body of the same size elsewhere is judged by max_body, not max_upload.
    const sd = await F.demo(small);
    const it = await H.makeItem(sd.admin, sd.orgs.GSCZT.id, H.oneStep(FIN()),
      { form: { fields: [{ key: 'reason', label: '事由', type: 'textarea', required: true }] } });
    const long = await H.tryApply(c, it.id, { reason: '长'.repeat(3000) });
    assertStatus(long, 201);
  } finally {
    await small.stop();
  }
});
