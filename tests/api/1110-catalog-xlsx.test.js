// 1110-catalog-xlsx: import of the service catalog from an .xlsx workbook (POST /api/v1/items/import
// with the xlsx content type). The export round-trips into a fresh database item for item; a workbook
// written by people (template headers, any column order, detail sheets) is read; every bad cell is
// named by sheet, row and column with a Chinese reason and nothing is written; an org outside the
// caller's scope is 403; a body that is no workbook is refused; the body limit is max_upload.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus } = require('../lib/server');
const F = require('../lib/fixtures');
const X = require('../lib/xlsx');

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FIELDS = ['code', 'name', 'type', 'audience', 'legal_basis', 'conditions', 'place_hours',
  'statutory_days', 'promised_days', 'visits', 'materials', 'fees', 'faq', 'form', 'process'];

let srv; let d; let admin; let finWriter;
before(async () => {
  srv = await startServer({ name: '1110-catalog-xlsx' });
  d = await F.demo(srv);
  admin = d.admin;
  finWriter = (await F.actor(srv, admin, d.orgs.GSCZT.id, ['catalog.read', 'catalog.write'], 'subtree')).client;
});
after(async () => { if (srv) await srv.stop(); });

let serial = 1000 + Math.floor(Math.random() * 8000);
const code = (letters = 'GG') => `62000000TS-${letters}-${String(serial++).padStart(4, '0')}`;

const FORM = { fields: [
  { key: 'applicant', label: '姓名', type: 'text', required: true },
  { key: 'amount', label: '金额', type: 'money', required: true, min: 0 },
  { key: 'note', label: '说明', type: 'textarea', max_length: 1000 },
] };
const PROCESS = { start: 'dept', steps: [
  { id: 'dept', name: '处室审核', assignee: { kind: 'role_in_org', role: 'dept-admin', org: 'GSCZT' },
    next: [{ when: { field: 'amount', op: '>', value: 500000 }, to: 'leader' }, { to: 'end' }] },
  { id: 'leader', name: '局领导审批', assignee: { kind: 'role_in_org', role: 'org-admin', org: 'GSJGSW' },
    next: [{ to: 'end' }] },
] };

/** A full item of org orgId, with every list filled and text that needs care (lines, <&>, quotes). */
function item(orgId, extra = {}) {
  return {
    code: code(), name: '导入导出测试事项', org_id: orgId, type: '公共服务', audience: 'public',
    legal_basis: '《机关事务管理条例》第十条 <&> "引号"', conditions: '第一行\n第二行', place_hours: '',
    materials: [{ name: '居民身份证', required: true, auto_source: '电子证照库：居民身份证' },
      { name: '申请表', required: false, template: '申请表.docx', sample: '样例.pdf', note: '签字' }],
    fees: [{ name: '工本费', amount: 1250 }, { name: '邮寄费', amount: 1999 }],
    statutory_days: 20, promised_days: 5, visits: 1,
    faq: [{ q: '多久办结？', a: '5 个工作日。' }], form: FORM, process: PROCESS, ...extra,
  };
}

async function download(c, path) {
  const res = await fetch(srv.base + path, { headers: { cookie: c.cookie } });
  return { status: res.status, type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
}

const importXlsx = (who, buf, query = '') => who.post(`/api/v1/items/import${query}`, buf, { contentType: XLSX });

/** Assert a 400 whose errors name exactly the cells given ({ '事项清单!L2': /须为整数/ }). */
function badCells(r, want) {
  const p = assertProblem(r, 400, 'validation');
  const got = Object.fromEntries((p.errors || []).map((e) => [e.field, e.reason]));
  for (const [cell, reason] of Object.entries(want)) {
    assert.ok(got[cell] !== undefined, `${cell} not named: ${JSON.stringify(p)}`);
    assert.match(got[cell], reason, `${cell}: ${got[cell]}`);
    assert.match(got[cell], /[\u4e00-\u9fff]/, `${cell}: the reason is not in Chinese: ${got[cell]}`);
  }
  return p;
}

const count = async (q) => (await admin.all(`/api/v1/items?q=${encodeURIComponent(q)}`)).length;

/** The template headers of a sheet, read from the server's template. */
let template;
async function headers(sheet) {
  if (!template) {
    const r = await download(admin, '/api/v1/items/import-template.xlsx');
    assert.equal(r.status, 200);
    template = X.unzip(r.buf);
  }
  const cells = X.readSheet(template, sheet);
  const out = [];
  for (let c = 0; cells[`${X.colName(c)}1`] !== undefined; c++) out.push(cells[`${X.colName(c)}1`]);
  return out;
}

/** A people-written workbook: rows as objects keyed by header, placed in the template's columns
 *  (optionally reversed, to show the order does not matter). */
async function peopleBook(sheets, { reverse = false } = {}) {
  const out = {};
  for (const [name, rows] of Object.entries(sheets)) {
    let head = await headers(name);
    if (reverse) head = [...head].reverse();
    out[name] = [head, ...rows.map((row) => head.map((h) => (row[h] === undefined ? null : row[h])))];
  }
  return X.workbook(out);
}

const ROW = (c, extra = {}) => ({
  事项编码: c, 事项名称: '人工填写事项', 事项类型: '公共服务', 服务对象: '面向公众', 实施机构编码: 'GSCZT',
  设定依据: '《政府信息公开条例》', 受理条件: '', '法定办结时限（工作日）': 15, '承诺办结时限（工作日）': 10,
  到办事现场次数: 0, ...extra,
});

test('export → import into a fresh database rebuilds every item exactly', async () => {
  const ra = await admin.post('/api/v1/items', item(d.orgs.GSCZT.id));
  assertStatus(ra, 201);
  const a = ra.body;
  const rb = await admin.post('/api/v1/items', item(d.orgs.GSJYT.id, { code: code('NB'), type: '内部事务',
    audience: 'internal', name: '长表单事项', fees: [], faq: [], materials: [],
    form: { fields: [...FORM.fields, ...Array.from({ length: 60 }, (_, i) => ({ key: `f${i}`, label: `第${i}项`, type: 'text', help: '说明'.repeat(200) }))] } }));
  assertStatus(rb, 201);
  const b = rb.body;
  assert.ok(Buffer.byteLength(JSON.stringify(b.form)) > 60000, 'the long form must need three cells');
  const exp = await download(admin, '/api/v1/items/export.xlsx');
  assert.equal(exp.status, 200);
  const files = X.unzip(exp.buf);
  const items = X.readSheet(files, '事项清单');
  assert.equal(items.E1, '实施机构编码');
  const flow = X.readSheet(files, '表单与流程');
  assert.ok(Object.entries(flow).filter(([k, v]) => /^A\d+$/.test(k) && v === b.code).length >= 3,
    'the long form was not continued on a second row');
  const before = await admin.all('/api/v1/items');

  const fresh = await startServer({ name: '1110-catalog-xlsx-fresh' });
  try {
    const fd = await F.demo(fresh);
    const r = await importXlsx(fd.admin, exp.buf);
    assertStatus(r, 200);
    assert.equal(r.body.created + r.body.updated, before.length);
    assert.ok(r.body.created >= 2, JSON.stringify(r.body).slice(0, 300));
    for (const s of before) {
      const got = (await fd.admin.ok(`/api/v1/items?q=${encodeURIComponent(s.code)}`)).items.find((x) => x.code === s.code);
      assert.ok(got, `${s.code} missing after import`);
      const [was, now] = [await admin.ok(`/api/v1/items/${s.id}`), await fd.admin.ok(`/api/v1/items/${got.id}`)];
      for (const k of FIELDS) assert.deepEqual(now[k], was[k], `${s.code}.${k}`);
      assert.equal(fd.orgs[Object.keys(fd.orgs).find((c) => fd.orgs[c].id === now.org_id)].code,
        Object.keys(d.orgs).find((c) => d.orgs[c].id === was.org_id), `${s.code}: org`);
    }
    // Created as drafts, audited and versioned as the JSON import is; ?publish=1 publishes them.
    const mine = r.body.items.find((x) => x.code === a.code);
    assert.equal(mine.status, 'draft');
    const audit = await fd.admin.ok(`/api/v1/audit?entity=item&entity_id=${mine.id}`);
    assert.deepEqual(audit.items.map((x) => x.action), ['create']);
    const again = await importXlsx(fd.admin, exp.buf, '?publish=1');
    assertStatus(again, 200);
    assert.deepEqual([again.body.created, again.body.updated], [0, before.length]);
    assert.ok(again.body.items.every((x) => x.status === 'published'));
    const versions = await fd.admin.ok(`/api/v1/items/${mine.id}/versions`);
    assert.deepEqual(versions.items.map((v) => v.status), ['published', 'draft', 'draft']);
  } finally {
    await fresh.stop();
  }
});

test('the template: every sheet and its headers, 填写说明, and an empty one is refused', async () => {
  const r = await download(finWriter, '/api/v1/items/import-template.xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.type, XLSX);
  const files = X.unzip(r.buf);
  for (const s of ['事项清单', '申请材料', '收费标准', '常见问题', '表单与流程', '填写说明']) X.readSheet(files, s);
  assert.deepEqual((await headers('收费标准')), ['事项编码', '事项名称', '序号', '收费项目', '金额（元）']);
  assert.ok(Object.values(X.readSheet(files, '填写说明')).includes('实施机构编码'));
  badCells(await importXlsx(finWriter, r.buf), { '事项清单!A2': /没有事项/ });
  const fin = await srv.login('finance');   // catalog.read only
  assert.equal((await download(fin, '/api/v1/items/import-template.xlsx')).status, 403);
  assertProblem(await importXlsx(fin, r.buf), 403, 'forbidden');
});

test('a workbook people wrote: any column order, details by code, a new item needs its form and process', async () => {
  const c1 = code(); const c2 = code();
  const sheets = {
    事项清单: [ROW(c1), ROW(c2, { 事项名称: '人工填写事项二', 服务对象: '机关内部' })],
    申请材料: [{ 事项编码: c1, 材料名称: '申请书' }, { 事项编码: c1, 材料名称: '授权书', 是否必需: '否' }],
    收费标准: [{ 事项编码: c2, 收费项目: '检索费', '金额（元）': 12.5 }],
  };
  const noFlow = await importXlsx(finWriter, await peopleBook(sheets, { reverse: true }));
  badCells(noFlow, { '事项清单!R2': /表单与流程/, '事项清单!R3': /表单与流程/ });  // 事项编码 is the last column
  assert.equal(await count(c1), 0, 'a refused import left an item');
  sheets.表单与流程 = [c1, c2].map((c) => ({ 事项编码: c, '申请表单（JSON）': JSON.stringify(FORM), '办理流程（JSON）': JSON.stringify(PROCESS) }));
  const r = await importXlsx(finWriter, await peopleBook(sheets, { reverse: true }));
  assertStatus(r, 200);
  assert.deepEqual([r.body.created, r.body.updated], [2, 0]);
  const one = await finWriter.ok(`/api/v1/items/${r.body.items[0].id}`);
  assert.deepEqual(one.materials, [{ name: '申请书', required: true }, { name: '授权书', required: false }]);
  assert.deepEqual(one.fees, []);
  assert.equal(one.org_id, d.orgs.GSCZT.id);
  const two = await finWriter.ok(`/api/v1/items/${r.body.items[1].id}`);
  assert.deepEqual(two.fees, [{ name: '检索费', amount: 1250 }]);
  assert.equal(two.audience, 'internal');
  // An update without 表单与流程 rows keeps the form and process it has.
  const upd = await importXlsx(finWriter, await peopleBook({ 事项清单: [ROW(c1, { 事项名称: '人工填写事项（修订）' })] }));
  assertStatus(upd, 200);
  assert.deepEqual([upd.body.created, upd.body.updated], [0, 1]);
  const now = await finWriter.ok(`/api/v1/items/${one.id}`);
  assert.equal(now.name, '人工填写事项（修订）');
  assert.deepEqual([now.form, now.process], [one.form, one.process]);
  assert.deepEqual(now.materials, [], 'the workbook lists no materials any more');
});

test('every bad cell is named by sheet, row and column, in Chinese, and nothing is written', async () => {
  const c1 = code(); const c2 = code(); const c3 = code();
  const flow = (c) => ({ 事项编码: c, '申请表单（JSON）': JSON.stringify(FORM), '办理流程（JSON）': JSON.stringify(PROCESS) });
  const book = await peopleBook({
    事项清单: [
      ROW(c1, { '法定办结时限（工作日）': '十五' }),
      ROW(c2, { 服务对象: '大众', 实施机构编码: 'NO-SUCH-ORG' }),
      ROW(c3, { 事项编码: '62000000TS-XK-0001', 设定依据: '' }),
      ROW(c1),
    ],
    申请材料: [{ 事项编码: c1, 材料名称: '申请书', 是否必需: '也许' }, { 事项编码: 'NOT-LISTED', 材料名称: '甲' }],
    收费标准: [{ 事项编码: c2, 收费项目: '检索费', '金额（元）': 1.234 }, { 事项编码: c2, '金额（元）': 5 }],
    表单与流程: [flow(c1), { ...flow(c2), '申请表单（JSON）': '{"fields": [' }],
  });
  const before = await count('62000000TS');
  const p = badCells(await importXlsx(finWriter, book), {
    '事项清单!L2': /整数/,
    '事项清单!D3': /面向公众/,
    '事项清单!E3': /NO-SUCH-ORG/,
    '事项清单!I4': /不能为空/,
    '事项清单!A5': /重复/,
    '申请材料!E2': /是.*否/,
    '申请材料!A3': /没有该事项编码/,
    '收费标准!E2': /两位小数/,
    '收费标准!D3': /不能为空/,
    '表单与流程!C3': /JSON/,
  });
  assert.match(p.detail, /未导入/);
  assert.equal(await count('62000000TS'), before, 'a refused import wrote something');
  // Errors the rules find (the code's type letters) are placed on their cell too.
  const bad = await peopleBook({ 事项清单: [ROW(c3, { 事项编码: `62000000TS-XK-${c3.slice(-4)}` })], 表单与流程: [flow(`62000000TS-XK-${c3.slice(-4)}`)] });
  badCells(await importXlsx(finWriter, bad), { '事项清单!A2': /类型/ });
});

test('an item of an org outside the caller\'s scope: 403 on its org cell, nothing written', async () => {
  const mine = code(); const theirs = code();
  const flow = (c) => ({ 事项编码: c, '申请表单（JSON）': JSON.stringify(FORM), '办理流程（JSON）': JSON.stringify(PROCESS) });
  const book = await peopleBook({
    事项清单: [ROW(mine), ROW(theirs, { 实施机构编码: 'GSJYT' })],
    表单与流程: [flow(mine), flow(theirs)],
  });
  const p = assertProblem(await importXlsx(finWriter, book), 403, 'forbidden');
  assert.ok((p.errors || []).some((e) => e.field === '事项清单!E3'), JSON.stringify(p));
  assert.match(p.detail, /第 3 行/);
  assert.equal(await count(mine), 0, 'the in-scope item of a refused import was written');
  assert.equal(await count(theirs), 0);
  assertStatus(await importXlsx(admin, book), 200);
});

test('a body that is no workbook is refused; a zip bomb, an endless sheet and a body over max_upload are 413', async () => {
  for (const body of [Buffer.from('{"items":[]}'), Buffer.from('PK\u0003\u0004 but not really'),
    X.zip({ 'hello.txt': '你好' })]) {
    const p = assertProblem(await importXlsx(finWriter, body), 400, 'bad-xlsx');
    assert.match(p.detail, /xlsx|工作簿/);
  }
  assertProblem(await finWriter.post('/api/v1/items/import', 'a,b', { contentType: 'text/csv' }), 415);
  // A zip bomb (40 MiB of XML deflated to a few KiB) and a sheet of endless rows stop at the limits.
  const bomb = X.zip({ 'xl/workbook.xml': `<workbook>${' '.repeat(40 << 20)}</workbook>` }, { deflate: true });
  assert.ok(bomb.length < 200000, `${bomb.length}`);
  assert.match(assertProblem(await importXlsx(finWriter, bomb), 413, 'too-large').detail, /解压后超过/);
  const endless = X.workbook({ 事项清单: Array.from({ length: 60001 }, (_, i) => [i]) }, { deflate: true });
  assert.match(assertProblem(await importXlsx(finWriter, endless), 413, 'too-large').detail, /超过 60000 行/);
  const small = await startServer({ name: '1110-catalog-xlsx-limit', env: { ZHILI_MAX_UPLOAD: '16384', ZHILI_MAX_BODY: '4096' } });
  try {
    const sd = await F.demo(small);
    const exp = await download(admin, '/api/v1/items/export.xlsx');
    assert.ok(exp.buf.length > 16384);
    assertProblem(await importXlsx(sd.admin, exp.buf), 413, 'too-large');
    // A workbook under max_upload passes the body limit even though it is over max_body …
    const tiny = await peopleBook({ 事项清单: [ROW(code(), { 设定依据: '依据'.repeat(600) })] });
    assert.ok(tiny.length > 4096 && tiny.length < 16384, `${tiny.length}`);
    badCells(await importXlsx(sd.admin, tiny), { '事项清单!A2': /表单与流程/ });
    // … while JSON sent to the same route stays within max_body.
    assertProblem(await sd.admin.post('/api/v1/items/import', { items: [item(sd.orgs.GSCZT.id, { conditions: '长'.repeat(1500) })] }), 413, 'too-large');
  } finally {
    await small.stop();
  }
});
