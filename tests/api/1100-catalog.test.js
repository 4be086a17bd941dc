// 1100-catalog: the service catalog (事项清单) — create, publish, withdraw and republish with a
// version row per change; PATCH with versions; validation of code, type, form and process naming
// the field; the public catalog (published public items only); data scope; export as a real
// .xlsx; import of a JSON array, all or nothing; the demo catalog.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus } = require('../lib/server');
const F = require('../lib/fixtures');
const X = require('../lib/xlsx');

let srv; let d; let admin; let fin; let finWriter; let citizen;
before(async () => {
  srv = await startServer({ name: '1100-catalog' });
  d = await F.demo(srv);
  admin = d.admin;
  fin = await srv.login('finance');   // 部门管理员 of 财政厅: catalog.read only
  finWriter = (await F.actor(srv, admin, d.orgs.GSCZT.id, ['catalog.read', 'catalog.write'], 'subtree')).client;
  citizen = await srv.login('citizen');
});
after(async () => { if (srv) await srv.stop(); });

let serial = 1000 + Math.floor(Math.random() * 8000);
/** A fresh item code of the given type letters. */
const code = (letters = 'GG', body = '62000000TS') => `${body}-${letters}-${String(serial++).padStart(4, '0')}`;

const FORM = { fields: [
  { key: 'applicant', label: '姓名', type: 'text', required: true },
  { key: 'id_number', label: '身份证号', type: 'id_number', required: true },
  { key: 'phone', label: '联系电话', type: 'phone', required: true },
  { key: 'address', label: '地址', type: 'address' },
  { key: 'unit_code', label: '统一社会信用代码', type: 'credit_code' },
  { key: 'amount', label: '金额', type: 'money', required: true, min: 0 },
  { key: 'day', label: '日期', type: 'date' },
  { key: 'kind', label: '类别', type: 'choice', options: ['甲', '乙'] },
  { key: 'files', label: '附件', type: 'file', multiple: true },
] };
const PROCESS = { start: 'dept', steps: [
  { id: 'dept', name: '处室审核', assignee: { kind: 'role_in_org', role: 'dept-admin', org: 'GSCZT' },
    next: [{ when: { field: 'amount', op: '>', value: 500000 }, to: 'leader' }, { to: 'end' }] },
  { id: 'leader', name: '局领导审批', assignee: { kind: 'role_in_org', role: 'org-admin', org: 'GSJGSW' },
    next: [{ to: 'end' }] },
] };

/** A valid item of org orgId. */
function item(orgId, extra = {}) {
  return {
    code: code(extra.type === '内部事务' ? 'NB' : 'GG'), name: '测试事项', org_id: orgId, type: '公共服务',
    audience: 'public', legal_basis: '《机关事务管理条例》', conditions: '符合条件的', place_hours: '工作日',
    materials: [{ name: '居民身份证', required: true, auto_source: '电子证照库：居民身份证' },
      { name: '申请表', required: true, template: '申请表.docx', sample: '申请表样例.pdf', note: '签字' }],
    statutory_days: 20, promised_days: 10, fees: [], visits: 0,
    faq: [{ q: '多久办结？', a: '10 个工作日。' }], form: FORM, process: PROCESS, ...extra,
  };
}

async function create(who, orgId, extra) {
  const r = await who.post('/api/v1/items', item(orgId, extra));
  assertStatus(r, 201);
  return r.body;
}

/** Assert a 400 naming a field that starts with `field`. */
function refusedNaming(r, field) {
  const p = assertProblem(r, 400, 'validation');
  assert.ok((p.errors || []).some((e) => e.field === field || e.field.startsWith(field)),
    `${field} not named: ${JSON.stringify(p)}`);
  return p;
}

test('create: 201 draft with the whole item, its process saved as a definition version', async () => {
  const body = item(d.orgs.GSCZT.id);
  const r = await admin.post('/api/v1/items', body);
  assert.equal(r.status, 201, r.text);
  for (const k of ['code', 'name', 'org_id', 'type', 'audience', 'legal_basis', 'materials', 'fees', 'faq', 'form', 'process'])
    assert.deepEqual(r.body[k], body[k], k);
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.version, 1);
  assert.equal(r.body.org_name, '甘肃省财政厅');
  assert.equal(r.body.process_code, body.code);
  assert.equal(typeof r.body.process_def_id, 'number');
  assert.deepEqual(await admin.ok(`/api/v1/items/${r.body.id}`), r.body);
  const audit = await admin.ok(`/api/v1/audit?entity=item&entity_id=${r.body.id}`);
  assert.deepEqual(audit.items.map((a) => a.action), ['create']);
  assertProblem(await admin.post('/api/v1/items', { ...body }), 409, 'conflict');
});

test('lifecycle: draft → published → withdrawn → published, 409 otherwise, a version per change', async () => {
  const it = await create(admin, d.orgs.GSCZT.id);
  const anon = srv.client();
  assertProblem(await anon.get(`/api/v1/public/items/${it.id}`), 404);
  assertProblem(await admin.post(`/api/v1/items/${it.id}/actions/withdraw`), 409, 'conflict');
  const pub = await admin.post(`/api/v1/items/${it.id}/actions/publish`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.body.status, 'published');
  assert.equal(pub.body.version, 2);
  assert.equal((await anon.ok(`/api/v1/public/items/${it.id}`)).code, it.code);
  assert.ok((await anon.ok(`/api/v1/public/items?q=${it.code}`)).items.some((x) => x.id === it.id));
  assertProblem(await admin.post(`/api/v1/items/${it.id}/actions/publish`), 409, 'conflict');
  const wd = await admin.post(`/api/v1/items/${it.id}/actions/withdraw`, { version: 2 });
  assert.equal(wd.status, 200, wd.text);
  assert.equal(wd.body.status, 'withdrawn');
  assertProblem(await anon.get(`/api/v1/public/items/${it.id}`), 404);
  assertProblem(await admin.post(`/api/v1/items/${it.id}/actions/publish`, {}, { headers: { 'if-match': '"2"' } }), 409, 'version-mismatch');
  const again = await admin.post(`/api/v1/items/${it.id}/actions/publish`, {}, { headers: { 'if-match': '"3"' } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.status, 'published');
  const v = await admin.ok(`/api/v1/items/${it.id}/versions`);
  assert.deepEqual(v.items.map((x) => [x.version, x.status]),
    [[4, 'published'], [3, 'withdrawn'], [2, 'published'], [1, 'draft']]);
  assert.equal(v.items[3].item.name, it.name);
  assert.equal(v.items[0].created_by_name, '系统管理员');
  const audit = await admin.ok(`/api/v1/audit?entity=item&entity_id=${it.id}`);
  assert.deepEqual(audit.items.map((a) => a.action).sort(), ['create', 'publish', 'publish', 'withdraw']);
  assertProblem(await admin.post('/api/v1/items/987654321/actions/publish'), 404, 'not-found');
});

test('PATCH: version required, stale 409; a published item edited stays published as a new version', async () => {
  const it = await create(admin, d.orgs.GSCZT.id);
  assertProblem(await admin.patch(`/api/v1/items/${it.id}`, { name: '无版本' }), 428, 'precondition-required');
  assertProblem(await admin.patch(`/api/v1/items/${it.id}`, { version: 9, name: '旧版本' }), 409, 'version-mismatch');
  const pub = (await admin.post(`/api/v1/items/${it.id}/actions/publish`)).body;
  const r = await admin.patch(`/api/v1/items/${it.id}`, { name: '改过的事项', promised_days: 5 },
    { headers: { 'if-match': `"${pub.version}"` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, '改过的事项');
  assert.equal(r.body.promised_days, 5);
  assert.equal(r.body.status, 'published');
  assert.equal(r.body.version, pub.version + 1);
  assert.deepEqual(r.body.materials, it.materials, 'a PATCH cleared a field it did not name');
  assert.ok(r.body.process_def_id > it.process_def_id, 'the process was not saved as a new version');
  assert.equal((await srv.client().ok(`/api/v1/public/items/${it.id}`)).name, '改过的事项');
  const steps = [...PROCESS.steps, { id: 'archive', name: '归档', assignee: { kind: 'user', username: 'bureau' }, next: [{ to: 'end' }] }];
  steps[1] = { ...steps[1], next: [{ to: 'archive' }] };
  const p2 = await admin.patch(`/api/v1/items/${it.id}`, { version: r.body.version, process: { start: 'dept', steps } });
  assert.equal(p2.status, 200, p2.text);
  assert.equal(p2.body.process.steps.length, 3);
  refusedNaming(await admin.patch(`/api/v1/items/${it.id}`, { version: p2.body.version, code: code() }), 'code');
  refusedNaming(await admin.patch(`/api/v1/items/${it.id}`, { version: p2.body.version, promised_days: 30 }), 'promised_days');
  // The type letters of the code (GG) must keep agreeing with the type.
  refusedNaming(await admin.patch(`/api/v1/items/${it.id}`, { version: p2.body.version, type: '行政许可' }), 'code');
  // A form that drops the field a condition tests: the process no longer agrees with it.
  const form = { fields: FORM.fields.filter((f) => f.key !== 'amount') };
  refusedNaming(await admin.patch(`/api/v1/items/${it.id}`, { version: p2.body.version, form }), 'process');
  const v = await admin.ok(`/api/v1/items/${it.id}/versions`);
  assert.equal(v.items.length, p2.body.version);
  assert.equal(v.items[0].item.process.steps.length, 3);
});

test('concurrent PATCHes with one version: exactly one wins, the others are 409', async () => {
  const it = await create(admin, d.orgs.GSCZT.id);
  const answers = await Promise.all([1, 2, 3, 4, 5].map((i) =>
    admin.patch(`/api/v1/items/${it.id}`, { version: it.version, name: `并发修改${i}`, process: PROCESS })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409, 409, 409, 409],
    JSON.stringify(answers.map((r) => [r.status, r.text.slice(0, 100)])));
  const v = await admin.ok(`/api/v1/items/${it.id}/versions`);
  assert.equal(v.items.length, 2);
});

test('validation: code, type, audience, limits, materials, form and process are refused naming the field', async () => {
  const org = d.orgs.GSCZT.id;
  const cases = [
    [{ code: '62000000TS-GG-001' }, 'code'], [{ code: '6200000TSX-GG-0001' }, 'code'],
    [{ code: '62000000ts-GG-0001' }, 'code'], [{ code: '62000000TS-XK-0001' }, 'code'],
    [{ code: '99000000TS-GG-0001' }, 'code'], [{ code: '62000000TS-GG-0000' }, 'code'],
    [{ type: '行政处罚' }, 'type'], [{ audience: 'everyone' }, 'audience'],
    [{ name: '' }, 'name'], [{ legal_basis: '' }, 'legal_basis'],
    [{ statutory_days: 0 }, 'statutory_days'], [{ promised_days: 21 }, 'promised_days'],
    [{ visits: 6 }, 'visits'], [{ visits: -1 }, 'visits'], [{ bogus: 1 }, 'bogus'],
    [{ materials: [{ required: true }] }, 'materials[0].name'],
    [{ materials: [{ name: '表', colour: 'red' }] }, 'materials[0].colour'],
    [{ fees: [{ name: '工本费', amount: -1 }] }, 'fees[0].amount'],
    [{ faq: [{ q: '问' }] }, 'faq[0].a'],
    [{ form: { fields: [{ key: 'x', label: 'X', type: 'colour' }] } }, 'form.fields[0]'],
    [{ form: 'text' }, 'form'], [{ process: undefined }, 'process'],
    [{ org_id: 987654321 }, 'org_id'],
  ];
  for (const [patch, field] of cases) {
    const body = { ...item(org), ...patch };
    for (const k of Object.keys(patch)) if (patch[k] === undefined) delete body[k];
    refusedNaming(await admin.post('/api/v1/items', body), field);
  }
  // An unreachable step: the message names it.
  const orphan = { ...PROCESS, steps: [...PROCESS.steps, { id: 'orphan', name: '孤立步骤',
    assignee: { kind: 'role_in_org', role: 'org-admin', org: 'GSJGSW' }, next: [{ to: 'end' }] }] };
  const p = refusedNaming(await admin.post('/api/v1/items', item(org, { process: orphan })), 'process.steps[2]');
  assert.match(p.detail, /orphan/);
  // Errors in several parts are reported together.
  const many = assertProblem(await admin.post('/api/v1/items', item(org, { code: 'x', materials: [{}],
    form: { fields: [{ key: 'k', label: 'K', type: 'colour' }] } })), 400, 'validation');
  for (const f of ['code', 'materials[0].name', 'form.fields[0]'])
    assert.ok(many.errors.some((e) => e.field.startsWith(f)), `${f}: ${JSON.stringify(many.errors)}`);
  // A condition on a field the form lacks, and an assignee role that does not exist.
  const noField = { start: 'a', steps: [{ id: 'a', name: '审核', assignee: { kind: 'user', username: 'bureau' },
    next: [{ when: { field: 'nope', op: '>', value: 1 }, to: 'end' }, { to: 'end' }] }] };
  refusedNaming(await admin.post('/api/v1/items', item(org, { process: noField })), 'process.');
  const noRole = { start: 'a', steps: [{ id: 'a', name: '审核', assignee: { kind: 'role_in_org', role: 'no-such-role', org: 'GSCZT' },
    next: [{ to: 'end' }] }] };
  const q = refusedNaming(await admin.post('/api/v1/items', item(org, { process: noRole })), 'process.steps[0].assignee');
  assert.match(q.detail, /"a"/);
  const list = await admin.all(`/api/v1/items?org_id=${org}&status=draft`);
  assert.ok(!list.some((x) => x.code.startsWith('62000000TS-GG-00') || x.code === '62000000TS-XK-0001'), 'an invalid item was stored');
  assertProblem(await admin.get('/api/v1/items?status=bogus'), 400, 'validation');
});

test('public catalog: only published public items, with filters; anyone may read it', async () => {
  const anon = srv.client();
  const pubItem = await create(admin, d.orgs.GSJYT.id);
  await admin.post(`/api/v1/items/${pubItem.id}/actions/publish`);
  const internal = await create(admin, d.orgs.GSJGSW.id, { type: '内部事务', audience: 'internal' });
  await admin.post(`/api/v1/items/${internal.id}/actions/publish`);
  const draft = await create(admin, d.orgs.GSJYT.id);
  const all = await anon.all('/api/v1/public/items');
  assert.ok(all.every((x) => x.status === 'published' && x.audience === 'public'), 'an unpublished or internal item is public');
  const seen = new Set(all.map((x) => x.id));
  assert.ok(seen.has(pubItem.id));
  assert.ok(!seen.has(internal.id) && !seen.has(draft.id));
  assertProblem(await anon.get(`/api/v1/public/items/${internal.id}`), 404);
  const byOrg = await anon.all(`/api/v1/public/items?org_id=${d.orgs.GSJYT.id}`);
  assert.ok(byOrg.length > 0 && byOrg.every((x) => x.org_id === d.orgs.GSJYT.id));
  const byType = await anon.all(`/api/v1/public/items?type=${encodeURIComponent('公共服务')}`);
  assert.ok(byType.every((x) => x.type === '公共服务'));
  const byQ = await anon.ok(`/api/v1/public/items?q=${pubItem.code}`);
  assert.deepEqual(byQ.items.map((x) => x.id), [pubItem.id]);
  const page = await anon.ok('/api/v1/public/items?limit=1');
  assert.equal(page.items.length, 1);
  assert.equal(typeof page.next_cursor, 'string');
  assertProblem(await anon.get('/api/v1/items'), 401);
  assertProblem(await citizen.get('/api/v1/items'), 403, 'forbidden');
  assert.equal((await citizen.get(`/api/v1/public/items/${pubItem.id}`)).status, 200);
});

test('scope: 财政厅 cannot create for 教育厅 nor see its drafts; published items are visible to staff', async () => {
  assertProblem(await fin.post('/api/v1/items', item(d.orgs.GSCZT.id)), 403, 'forbidden');
  assertProblem(await finWriter.post('/api/v1/items', item(d.orgs.GSJYT.id)), 403, 'forbidden');
  const own = await create(finWriter, d.orgs['GSCZT-YSC'].id);
  assert.equal(own.org_id, d.orgs['GSCZT-YSC'].id);
  const eduDraft = await create(admin, d.orgs.GSJYT.id);
  const head = await F.auditHead(admin);
  for (const c of [fin, finWriter]) {
    assertProblem(await c.get(`/api/v1/items/${eduDraft.id}`), 404, 'not-found');
    assertProblem(await c.get(`/api/v1/items/${eduDraft.id}/versions`), 404, 'not-found');
    assert.ok(!(await c.all('/api/v1/items')).some((x) => x.id === eduDraft.id), 'a foreign draft is listed');
  }
  assertProblem(await finWriter.patch(`/api/v1/items/${eduDraft.id}`, { version: 1, name: '越权' }), 404, 'not-found');
  assertProblem(await finWriter.post(`/api/v1/items/${eduDraft.id}/actions/publish`), 404, 'not-found');
  assertProblem(await fin.post(`/api/v1/items/${eduDraft.id}/actions/publish`), 403, 'forbidden');
  assert.equal(await F.auditHead(admin), head, 'a refused write left an audit row');
  // Internal items serve every department: once published, all staff with catalog.read see them.
  const internal = await create(admin, d.orgs.GSJGSW.id, { type: '内部事务', audience: 'internal' });
  assertProblem(await fin.get(`/api/v1/items/${internal.id}`), 404);
  await admin.post(`/api/v1/items/${internal.id}/actions/publish`);
  assert.equal((await fin.ok(`/api/v1/items/${internal.id}`)).audience, 'internal');
  assert.ok((await fin.all('/api/v1/items?audience=internal')).some((x) => x.id === internal.id));
  // …but only writers in scope change them.
  assertProblem(await finWriter.patch(`/api/v1/items/${internal.id}`, { version: 2, name: '越权' }), 403, 'forbidden');
  assert.ok((await finWriter.all('/api/v1/items?status=draft')).every((x) =>
    F.FINANCE_TREE.map((c) => d.orgs[c].id).includes(x.org_id)));
});

/** The files of a zip archive (name → text). */
const unzip = (buf) => Object.fromEntries(Object.entries(X.unzip(buf)).map(([k, v]) => [k, v.toString('utf8')]));

async function download(c, path) {
  const res = await fetch(srv.base + path, { headers: { cookie: c.cookie } });
  return { status: res.status, type: res.headers.get('content-type'), disp: res.headers.get('content-disposition'),
    buf: Buffer.from(await res.arrayBuffer()) };
}

test('export.xlsx: a real workbook with Chinese headers, the items in scope only', async () => {
  const eduDraft = await create(admin, d.orgs.GSJYT.id, { name: '教育厅草稿事项' });
  const finItem = await create(finWriter, d.orgs.GSCZT.id, { name: '财政厅导出事项' });
  const r = await download(admin, '/api/v1/items/export.xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.disp, /attachment/);
  assert.deepEqual([...r.buf.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'not a zip (PK\\x03\\x04)');
  const files = unzip(r.buf);
  assert.ok(files['xl/workbook.xml'] && files['xl/worksheets/sheet1.xml'], Object.keys(files).join(' '));
  const strings = files['xl/sharedStrings.xml'];
  for (const h of ['事项编码', '事项名称', '实施机关', '设定依据', '申请材料', '承诺办结时限（工作日）', '到办事现场次数', '免提交（数据来源）'])
    assert.ok(strings.includes(h), `header ${h} missing`);
  assert.ok(strings.includes('教育厅草稿事项') && strings.includes('财政厅导出事项'));
  assert.match(files['xl/workbook.xml'], /事项清单/);
  const mine = unzip((await download(finWriter, '/api/v1/items/export.xlsx')).buf)['xl/sharedStrings.xml'];
  assert.ok(mine.includes('财政厅导出事项'), 'own item missing from the export');
  assert.ok(!mine.includes('教育厅草稿事项'), 'a foreign draft was exported');
  assert.equal((await download(citizen, '/api/v1/items/export.xlsx')).status, 403);
  assert.ok(finItem.id);
});

test('import: a JSON array of items, created or updated by code, all or nothing', async () => {
  const a = item(d.orgs.GSCZT.id, { name: '导入事项甲' });
  const b = item(d.orgs.GSCZT.id, { name: '导入事项乙' });
  const r = await finWriter.post('/api/v1/items/import', { items: [a, b], publish: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 2);
  assert.equal(r.body.updated, 0);
  assert.ok(r.body.items.every((x) => x.status === 'published'));
  const again = await finWriter.post('/api/v1/items/import', { items: [{ ...a, name: '导入事项甲（修订）' }] });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.body.created, again.body.updated], [0, 1]);
  const got = await finWriter.ok(`/api/v1/items/${r.body.items[0].id}`);
  assert.equal(got.name, '导入事项甲（修订）');
  assert.equal(got.status, 'published');
  const c = item(d.orgs.GSCZT.id, { name: '导入事项丙' });
  const bad = item(d.orgs.GSCZT.id, { code: 'not-a-code' });
  refusedNaming(await finWriter.post('/api/v1/items/import', { items: [c, bad] }), 'items[1].code');
  assert.equal((await admin.ok(`/api/v1/items?q=${c.code}`)).items.length, 0, 'a failed import left an item');
  assertProblem(await finWriter.post('/api/v1/items/import', { items: [item(d.orgs.GSJYT.id)] }), 403, 'forbidden');
  refusedNaming(await finWriter.post('/api/v1/items/import', { items: [] }), 'items');
  assertProblem(await finWriter.post('/api/v1/items/import', [a]), 400);  // the body must be an object
});

test('demo catalog: at least 20 published items across departments, internal and public', async (t) => {
  const all = await admin.all('/api/v1/items?status=published');
  const demo = all.filter((x) => /^620[01]0000(JG|CZ|JY|WJ)-/.test(x.code));
  if (demo.length === 0) { t.skip('seed-demo does not call zl_catalog_seed_demo yet'); return; }
  assert.ok(demo.length >= 20, `${demo.length} demo items`);
  assert.ok(demo.filter((x) => x.audience === 'internal').length >= 5);
  assert.ok(demo.filter((x) => x.audience === 'public').length >= 5);
  assert.ok(new Set(demo.map((x) => x.org_id)).size >= 5, 'demo items are not spread across departments');
  assert.ok(demo.filter((x) => x.visits <= 1).length / demo.length >= 0.85, '最多跑一次 below 85 %');
  assert.ok(demo.filter((x) => x.visits === 0).length / demo.length >= 0.2);
  const names = demo.map((x) => x.name);
  for (const n of ['会议室预订', '办公设备报修', '公务用车申请', '资产调拨', '办公用品领用', '政府信息公开申请'])
    assert.ok(names.includes(n), `${n} missing`);
  const full = await admin.ok(`/api/v1/items/${demo.find((x) => x.name === '资产调拨').id}`);
  assert.ok(full.materials.some((m) => m.auto_source), 'no 免提交 material');
  assert.ok(full.process.steps.some((s) => s.next.some((n) => n.when)), 'no conditional step');
  const types = new Set((await admin.ok(`/api/v1/items/${demo.find((x) => x.name === '政府信息公开申请').id}`)).form.fields.map((f) => f.type));
  for (const ty of ['id_number', 'credit_code', 'phone', 'address', 'choice']) assert.ok(types.has(ty), ty);
  const pub = await srv.client().all('/api/v1/public/items');
  assert.ok(pub.filter((x) => demo.some((y) => y.id === x.id)).length >= 5);
});
