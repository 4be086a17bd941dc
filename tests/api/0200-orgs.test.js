// 0200-orgs: the organisation tree — list, filters, paging, tree, read, create, update with
// versions, disable, and the validation of code, credit_code and region_code.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, assertStatus, creditCode, uniq } = require('../lib/server');
const F = require('../lib/fixtures');

let srv;
let d;
let admin;
before(async () => {
  srv = await startServer({ name: '0200-orgs' });
  d = await F.demo(srv);
  admin = d.admin;
});
after(async () => { if (srv) await srv.stop(); });

const ORG_KEYS = ['id', 'parent_id', 'code', 'name', 'level', 'kind', 'path', 'depth', 'credit_code',
  'region_code', 'sort', 'status', 'version', 'created_at', 'updated_at'];

test('the demo tree is there with the documented shape', async () => {
  const root = d.orgs.GSJGSW;
  for (const k of ORG_KEYS) assert.ok(k in root, `Org lacks ${k}`);
  assert.equal(root.parent_id, null);
  assert.equal(root.name, '甘肃省机关事务管理局');
  assert.equal(root.level, 'province');
  assert.equal(root.kind, 'bureau');
  assert.equal(root.status, 'active');
  for (const c of ['GSCZT', 'GSJYT', 'GSWJW', 'LZJGSW']) assert.equal(d.orgs[c].parent_id, root.id, c);
  assert.equal(d.orgs.LZJGSW.level, 'city');
  for (const c of F.FINANCE_TREE.slice(1)) assert.equal(d.orgs[c].parent_id, d.orgs.GSCZT.id, c);
  for (const c of F.EDU_TREE.slice(1)) assert.equal(d.orgs[c].parent_id, d.orgs.GSJYT.id, c);
  assert.equal(d.orgs.LZCZJ.parent_id, d.orgs.LZJGSW.id);
  const child = d.orgs['GSCZT-YSC'];
  assert.equal(child.depth, d.orgs.GSCZT.depth + 1);
  assert.equal(d.orgs.GSCZT.depth, root.depth + 1);
  assert.ok(child.path.startsWith(d.orgs.GSCZT.path), `path ${child.path} not under ${d.orgs.GSCZT.path}`);
  assert.match(root.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
});

test('GET /orgs/tree is a forest with children', async () => {
  const t = await admin.ok('/api/v1/orgs/tree');
  assert.equal(t.items.length, 1, 'admin sees one root');
  assert.equal(t.items[0].code, 'GSJGSW');
  const codes = t.items[0].children.map((c) => c.code);
  for (const c of ['GSCZT', 'GSJYT', 'GSWJW', 'LZJGSW']) assert.ok(codes.includes(c), `tree root lacks ${c}`);
  const fin = t.items[0].children.find((c) => c.code === 'GSCZT');
  assert.deepEqual(fin.children.map((c) => c.code).sort(), ['GSCZT-BGS', 'GSCZT-GKC', 'GSCZT-YSC']);
  const all = F.flatten(t.items).map((o) => o.code);
  for (const c of F.DEMO_ORGS) assert.ok(all.includes(c), `tree lacks ${c}`);
  assert.equal(new Set(all).size, all.length, 'an org appears twice in the tree');
});

test('filters: parent_id, q on name and code, status', async () => {
  const kids = await admin.ok(`/api/v1/orgs?parent_id=${d.orgs.GSJYT.id}`);
  assert.deepEqual(kids.items.map((o) => o.code).sort(), ['GSJYT-BGS', 'GSJYT-GJC']);
  const byCode = await admin.ok('/api/v1/orgs?q=GSCZT-Y');
  assert.deepEqual(byCode.items.map((o) => o.code), ['GSCZT-YSC']);
  const byName = await admin.ok(`/api/v1/orgs?q=${encodeURIComponent('教育厅')}`);
  const names = byName.items.map((o) => o.code).sort();
  assert.ok(names.includes('GSJYT'), JSON.stringify(names));
  assert.ok(!names.includes('GSCZT'));
  const disabled = await admin.ok('/api/v1/orgs?status=disabled');
  assert.ok(disabled.items.every((o) => o.status === 'disabled'));
  // An unknown status value: the contract names no answer; a 400 or an empty list are both honest.
  const bogus = await admin.get('/api/v1/orgs?status=bogus');
  if (bogus.status === 200) assert.deepEqual(bogus.body.items, []);
  else assertProblem(bogus, 400, 'validation');
});

test('paging with limit and next_cursor visits every org once', async () => {
  const all = await admin.all('/api/v1/orgs');
  const first = await admin.ok('/api/v1/orgs?limit=2');
  assert.equal(first.items.length, 2);
  assert.equal(typeof first.next_cursor, 'string');
  const paged = await admin.all('/api/v1/orgs', 3);
  assert.deepEqual(paged.map((o) => o.id).sort((a, b) => a - b), all.map((o) => o.id).sort((a, b) => a - b));
  const last = await admin.ok(`/api/v1/orgs?limit=${all.length}`);
  assert.equal(last.next_cursor, null, 'a page holding everything has next_cursor null');
  assertProblem(await admin.get('/api/v1/orgs?cursor=not-a-cursor'), 400, ['validation', 'bad-json']);
});

test('GET /orgs/{id}: the org, 404 for a missing id', async () => {
  const o = await admin.ok(`/api/v1/orgs/${d.orgs.GSCZT.id}`);
  assert.equal(o.code, 'GSCZT');
  assert.equal(o.name, '甘肃省财政厅');
  assertProblem(await admin.get('/api/v1/orgs/987654321'), 404, 'not-found');
  assertProblem(await admin.get('/api/v1/orgs/abc'), [400, 404]);
});

test('create: 201 with defaults; credit_code and region_code kept', async () => {
  const code = uniq('NEW').toUpperCase();
  const cc = creditCode('11620000MB0000000');
  const r = await admin.post('/api/v1/orgs', {
    parent_id: d.orgs.GSCZT.id, code, name: '财政厅 测试处', level: 'province', kind: 'unit',
    credit_code: cc, region_code: '620000', sort: 7,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.code, code);
  assert.equal(r.body.credit_code, cc);
  assert.equal(r.body.region_code, '620000');
  assert.equal(r.body.sort, 7);
  assert.equal(r.body.status, 'active');
  assert.equal(r.body.parent_id, d.orgs.GSCZT.id);
  assert.equal(r.body.depth, d.orgs.GSCZT.depth + 1);
  assert.equal(typeof r.body.version, 'number');
  const again = await admin.ok(`/api/v1/orgs/${r.body.id}`);
  assert.deepEqual(again, r.body);
});

test('create: invalid fields are 400 validation naming the field', async () => {
  const base = { parent_id: d.orgs.GSCZT.id, code: 'VALID-1', name: '名称', level: 'province', kind: 'unit' };
  const badCc = creditCode('11620000MB0000000').slice(0, 17) + (creditCode('11620000MB0000000').endsWith('0') ? '1' : '0');
  const cases = [
    [{ code: 'x' }, 'code'], [{ code: 'has space' }, 'code'], [{ code: 'A'.repeat(33) }, 'code'],
    [{ code: '中文' }, 'code'], [{ name: '' }, 'name'], [{ level: 'galaxy' }, 'level'],
    [{ kind: 'club' }, 'kind'], [{ credit_code: badCc }, 'credit_code'],
    [{ credit_code: '123' }, 'credit_code'], [{ region_code: '62000' }, 'region_code'],
    [{ region_code: '62000A' }, 'region_code'],
  ];
  for (const [patch, field] of cases) {
    const p = assertProblem(await admin.post('/api/v1/orgs', { ...base, ...patch }), 400, 'validation');
    assert.ok((p.errors || []).some((e) => e.field === field), `${JSON.stringify(patch)}: errors ${JSON.stringify(p.errors)}`);
  }
  const missing = { ...base };
  delete missing.name;
  assertProblem(await admin.post('/api/v1/orgs', missing), 400, 'validation');
  assertProblem(await admin.post('/api/v1/orgs', { ...base, parent_id: 987654321 }), [400, 403, 404]);
  assert.equal((await admin.ok('/api/v1/orgs?q=VALID-1')).items.length, 0, 'an invalid create left a row');
});

test('create: a duplicate code is 409 conflict', async () => {
  const r = await admin.post('/api/v1/orgs', { parent_id: d.orgs.GSCZT.id, code: 'GSJYT', name: '重复', level: 'province', kind: 'unit' });
  assertProblem(r, 409, 'conflict');
});

test('create: a root org needs scope all', async () => {
  const bureau = await srv.login('bureau');
  const body = { parent_id: null, code: uniq('ROOT').toUpperCase(), name: '另一个根', level: 'province', kind: 'bureau' };
  assertProblem(await bureau.post('/api/v1/orgs', body), 403, 'forbidden');
  const ok = await admin.post('/api/v1/orgs', body);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.parent_id, null);
  const t = await admin.ok('/api/v1/orgs/tree');
  assert.ok(t.items.some((o) => o.id === ok.body.id), 'a new root is not a root of the tree');
});

test('update: version required (428), stale is 409 version-mismatch, If-Match or body version works', async () => {
  const o = await F.makeOrg(admin, d.orgs.GSWJW.id);
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { name: '没有版本' }), 428, 'precondition-required');
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { version: o.version + 5, name: '旧版本' }), 409, 'version-mismatch');
  const r1 = await admin.patch(`/api/v1/orgs/${o.id}`, { name: '改名一' }, { headers: { 'if-match': `"${o.version}"` } });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.body.name, '改名一');
  assert.ok(r1.body.version > o.version, 'version did not advance');
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { version: o.version, name: '过期' }), 409, 'version-mismatch');
  const r2 = await admin.patch(`/api/v1/orgs/${o.id}`, { version: r1.body.version, sort: 3, region_code: '620100' });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.body.sort, 3);
  assert.equal(r2.body.name, '改名一', 'a PATCH cleared a field it did not name');
  const now = await admin.ok(`/api/v1/orgs/${o.id}`);
  assert.equal(now.version, r2.body.version);
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { version: now.version, code: 'NEWCODE' }), 400, ['validation', 'bad-json']);
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { version: now.version, level: 'nope' }), 400, 'validation');
  assertProblem(await admin.patch('/api/v1/orgs/987654321', { version: 1, name: '测试' }), 404, 'not-found');
});

test('delete: 204 sets disabled; 409 while active children or users remain', async () => {
  assertProblem(await admin.del(`/api/v1/orgs/${d.orgs.GSCZT.id}`), 409, 'conflict');
  assertProblem(await admin.del(`/api/v1/orgs/${d.orgs['GSCZT-YSC'].id}`), 409, 'conflict'); // staff works there
  const parent = await F.makeOrg(admin, d.orgs.GSWJW.id);
  const child = await F.makeOrg(admin, parent.id);
  assertProblem(await admin.del(`/api/v1/orgs/${parent.id}`), 409, 'conflict');
  const r = await admin.del(`/api/v1/orgs/${child.id}`);
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  const gone = await admin.ok(`/api/v1/orgs/${child.id}`);
  assert.equal(gone.status, 'disabled');
  assert.ok(gone.version > child.version);
  assert.equal((await admin.del(`/api/v1/orgs/${parent.id}`)).status, 204);
  const dis = await admin.all('/api/v1/orgs?status=disabled');
  assert.ok(dis.some((o) => o.id === child.id) && dis.some((o) => o.id === parent.id));
  const act = await admin.all('/api/v1/orgs?status=active');
  assert.ok(!act.some((o) => o.id === child.id));
});

test('finance (org.read only) reads but cannot write orgs', async () => {
  const fin = await srv.login('finance');
  assert.equal((await fin.get(`/api/v1/orgs/${d.orgs.GSCZT.id}`)).status, 200);
  const r = await fin.post('/api/v1/orgs', { parent_id: d.orgs.GSCZT.id, code: 'FIN-NO', name: '测试', level: 'province', kind: 'unit' });
  assertProblem(r, 403, 'forbidden');
  const o = d.orgs['GSCZT-GKC'];
  assertProblem(await fin.patch(`/api/v1/orgs/${o.id}`, { version: o.version, name: '测试' }), 403, 'forbidden');
  assertProblem(await fin.del(`/api/v1/orgs/${o.id}`), 403, 'forbidden');
  assertStatus(await admin.get(`/api/v1/orgs/${o.id}`), 200);
});

test('concurrent updates with the same version: exactly one wins, the others are 409', async () => {
  const o = await F.makeOrg(admin, d.orgs.GSWJW.id);
  const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) =>
    admin.patch(`/api/v1/orgs/${o.id}`, { version: o.version, name: `并发${i}` })));
  const codes = answers.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 409, 409, 409, 409, 409], JSON.stringify(answers.map((r) => [r.status, r.text.slice(0, 80)])));
  for (const r of answers.filter((x) => x.status === 409)) assertProblem(r, 409, 'version-mismatch');
  const now = await admin.ok(`/api/v1/orgs/${o.id}`);
  assert.equal(now.name, answers.find((r) => r.status === 200).body.name);
});

test('concurrent creates with one code: one 201, the others 409 conflict (never 500)', async () => {
  const code = uniq('RACE').toUpperCase();
  const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => admin.post('/api/v1/orgs',
    { parent_id: d.orgs.GSWJW.id, code, name: `竞争${i}`, level: 'province', kind: 'unit' })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409],
    JSON.stringify(answers.map((r) => [r.status, r.text.slice(0, 80)])));
  assert.equal((await admin.all(`/api/v1/orgs?q=${code}`)).length, 1);
});

test('PATCH status disables and re-enables an org', async () => {
  const o = await F.makeOrg(admin, d.orgs.GSWJW.id);
  const off = await admin.patch(`/api/v1/orgs/${o.id}`, { version: o.version, status: 'disabled' });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.body.status, 'disabled');
  const on = await admin.patch(`/api/v1/orgs/${o.id}`, { version: off.body.version, status: 'active' });
  assert.equal(on.status, 200, on.text);
  assert.equal(on.body.status, 'active');
  assertProblem(await admin.patch(`/api/v1/orgs/${o.id}`, { version: on.body.version, status: 'gone' }), 400, 'validation');
});

test('a list without limit answers 50 items and a cursor', async () => {
  const have = (await admin.all('/api/v1/orgs')).length;
  for (let i = have; i < 55; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  const page = await admin.ok('/api/v1/orgs');
  assert.equal(page.items.length, 50, 'the default limit is not 50');
  assert.equal(typeof page.next_cursor, 'string');
  const rest = await admin.ok(`/api/v1/orgs?cursor=${encodeURIComponent(page.next_cursor)}`);
  assert.ok(rest.items.length >= 5);
  const seen = new Set(page.items.map((o) => o.id));
  assert.ok(rest.items.every((o) => !seen.has(o.id)), 'the second page repeats the first');
});
