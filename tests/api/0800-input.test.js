// 0800-input: every route that takes a JSON body refuses bad input with a 4xx problem+json and
// changes nothing: malformed JSON, non-objects, wrong types, unknown fields, duplicate keys,
// invalid UTF-8, bodies over ZHILI_MAX_BODY (413) and wrong content types (415). The valid body
// of each route is sent last and must succeed, so the refusals were for the defect alone.
'use strict';

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, assertProblem, uniq, DEMO_PASSWORD } = require('../lib/server');
const { ROUTES, key } = require('../lib/routes');
const F = require('../lib/fixtures');

const MAX_BODY = 4096;
let srv; let d; let admin;
let org; let user; let role; let self;

before(async () => {
  srv = await startServer({ name: '0800-input', env: { ZHILI_MAX_BODY: String(MAX_BODY) } });
  d = await F.demo(srv);
  admin = d.admin;
  org = await F.makeOrg(admin, d.orgs.GSWJW.id);
  user = await F.makeUser(admin, d.orgs.GSWJW.id);
  role = await F.makeRole(admin, ['org.read'], 'org');
  self = await srv.login(user.username, F.STRONG_PASSWORD);
});
after(async () => { if (srv) await srv.stop(); });

const cur = (url) => admin.ok(url);

// Each route: who sends it, where, a fresh valid body, its string field, wrong-typed variants,
// the success status, and a snapshot of what must not change.
const SPECS = {
  'POST /api/v1/auth/login': {
    who: () => srv.client(), url: () => '/api/v1/auth/login', ok: 200, str: 'username',
    valid: () => ({ username: 'auditor', password: DEMO_PASSWORD }),
    wrong: [{ username: 12345 }, { password: ['x'] }, { username: null }],
    snap: async () => null,
  },
  'POST /api/v1/me/password': {
    who: () => self, url: () => '/api/v1/me/password', ok: 204, str: 'new_password',
    valid: () => ({ old_password: F.STRONG_PASSWORD, new_password: 'Other#Pass77' }),
    wrong: [{ new_password: 12345678901 }, { old_password: true }],
    snap: async () => ({ me: (await self.get('/api/v1/me')).status, user: await cur(`/api/v1/users/${user.id}`) }),
  },
  'POST /api/v1/public/citizens': {
    who: () => srv.client(), url: () => '/api/v1/public/citizens', ok: 201, str: 'display_name',
    valid: () => ({ username: 'input_citizen', password: 'Citizen#2026', display_name: '公众' }),
    wrong: [{ display_name: 42 }, { username: ['a'] }, { phone: 13812345678 }],
    snap: async () => (await srv.client().tryLogin('input_citizen', 'Citizen#2026')).status,
  },
  'POST /api/v1/orgs': {
    who: () => admin, url: () => '/api/v1/orgs', ok: 201, str: 'name',
    valid: () => ({ parent_id: d.orgs.GSWJW.id, code: 'INPUT-ORG', name: '输入测试', level: 'province', kind: 'unit' }),
    wrong: [{ name: 42 }, { parent_id: 'GSWJW' }, { sort: '1' }, { level: 3 }],
    snap: async () => (await admin.all('/api/v1/orgs?q=INPUT-ORG')).length,
  },
  'PATCH /api/v1/orgs/{id}': {
    who: () => admin, url: () => `/api/v1/orgs/${org.id}`, ok: 200, str: 'name',
    valid: async () => ({ version: (await cur(`/api/v1/orgs/${org.id}`)).version, name: '输入改名' }),
    wrong: [{ name: 42 }, { version: 'one' }, { sort: [1] }],
    snap: async () => cur(`/api/v1/orgs/${org.id}`),
  },
  'POST /api/v1/users': {
    who: () => admin, url: () => '/api/v1/users', ok: 201, str: 'display_name',
    valid: () => ({ username: 'input_user', display_name: '输入', password: F.STRONG_PASSWORD, org_id: d.orgs.GSWJW.id }),
    wrong: [{ display_name: 42 }, { org_id: '1' }, { role_ids: 'all' }, { role_ids: ['1'] }],
    snap: async () => (await admin.all('/api/v1/users?q=input_user')).length,
  },
  'PATCH /api/v1/users/{id}': {
    who: () => admin, url: () => `/api/v1/users/${user.id}`, ok: 200, str: 'display_name',
    valid: async () => ({ version: (await cur(`/api/v1/users/${user.id}`)).version, display_name: '输入改名' }),
    wrong: [{ display_name: 42 }, { org_id: 'x' }, { role_ids: {} }],
    snap: async () => cur(`/api/v1/users/${user.id}`),
  },
  'POST /api/v1/users/{id}/actions/reset-password': {
    who: () => admin, url: () => `/api/v1/users/${user.id}/actions/reset-password`, ok: 204, str: 'new_password',
    valid: () => ({ new_password: 'Reset#Pass99' }),
    wrong: [{ new_password: 12345678 }, { new_password: ['Reset#Pass99'] }],
    snap: async () => cur(`/api/v1/users/${user.id}`),
  },
  'POST /api/v1/roles': {
    who: () => admin, url: () => '/api/v1/roles', ok: 201, str: 'name',
    valid: () => ({ code: 'input_role', name: '输入角色', permissions: ['org.read'], scope: 'org' }),
    wrong: [{ name: 42 }, { permissions: 'org.read' }, { permissions: [1] }, { scope_org_ids: ['1'] }],
    snap: async () => (await admin.all('/api/v1/roles?q=input_role')).length,
  },
  'PATCH /api/v1/roles/{id}': {
    who: () => admin, url: () => `/api/v1/roles/${role.id}`, ok: 200, str: 'name',
    valid: async () => ({ version: (await cur(`/api/v1/roles/${role.id}`)).version, name: '输入改名' }),
    wrong: [{ name: 42 }, { permissions: 'org.read' }, { status: 0 }],
    snap: async () => cur(`/api/v1/roles/${role.id}`),
  },
  'POST /api/v1/tokens': {
    who: () => admin, url: () => '/api/v1/tokens', ok: 201, str: 'name',
    valid: () => ({ name: 'input-token', permissions: ['org.read'], org_id: d.orgs.GSWJW.id }),
    wrong: [{ name: 42 }, { permissions: 'org.read' }, { org_id: '1' }, { expires_in_days: '30' }],
    snap: async () => (await admin.all('/api/v1/tokens')).filter((t) => t.name === 'input-token').length,
  },
};

const MARK = 'QQMARKQQ';
/** The valid body with raw bytes put inside its string field. */
function withBytes(body, field, bytes) {
  const text = JSON.stringify({ ...body, [field]: `ab${MARK}cd` });
  const [a, b] = text.split(MARK);
  return Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(b)]);
}

/** The bad requests for one route: [label, request options, allowed statuses, allowed types]. */
function badCases(spec, valid) {
  const text = JSON.stringify(valid);
  const dupField = spec.str;
  const cases = [
    ['malformed JSON', { body: text.slice(0, -3) }, 400, 'bad-json'],
    ['trailing garbage', { body: text + '}' }, 400, 'bad-json'],
    ['empty body', { body: '' }, 400, ['bad-json', 'validation']],
    ['a JSON array', { body: '[' + text + ']' }, 400, ['bad-json', 'validation']],
    ['a JSON string', { body: '"x"' }, 400, ['bad-json', 'validation']],
    ['unknown field', { body: { ...valid, zz_unknown: 1 } }, 400, ['bad-json', 'validation']],
    ['duplicate key', { body: `{"${dupField}":"dup",${text.slice(1)}` }, 400, ['bad-json', 'validation']],
    ['deep nesting', { body: JSON.stringify({ ...valid, [spec.str]: MARK }).replace(`"${MARK}"`, '['.repeat(600) + ']'.repeat(600)) }, 400, ['bad-json', 'validation']],
    ['lone surrogate escape', { body: JSON.stringify({ ...valid, [spec.str]: MARK }).replace(MARK, 'a\\ud800b') }, 400, ['bad-json', 'validation']],
  ];
  for (const [name, bytes] of [['C3 28', [0xc3, 0x28]], ['overlong C0 AF', [0xc0, 0xaf]],
    ['UTF-8 surrogate ED A0 80', [0xed, 0xa0, 0x80]], ['FF', [0xff]], ['truncated E6 96', [0xe6, 0x96]]]) {
    cases.push([`invalid UTF-8 ${name}`, { body: withBytes(valid, spec.str, bytes) }, 400, ['bad-json', 'validation']]);
  }
  for (const w of spec.wrong) {
    cases.push([`wrong type ${JSON.stringify(w)}`, { body: { ...valid, ...w } }, 400, ['validation', 'bad-json']]);
  }
  const pad = 'x'.repeat(MAX_BODY + 100);
  cases.push(['body over ZHILI_MAX_BODY', { body: { ...valid, [spec.str]: pad } }, 413, 'too-large']);
  cases.push(['text/plain', { body: text, contentType: 'text/plain' }, 415, 'unsupported-media-type']);
  cases.push(['form-urlencoded', { body: 'a=1', contentType: 'application/x-www-form-urlencoded' }, 415, 'unsupported-media-type']);
  cases.push(['no content type', { body: Buffer.from(text), contentType: null }, 415, 'unsupported-media-type']);
  cases.push(['application/jsonx', { body: text, contentType: 'application/jsonx' }, 415, 'unsupported-media-type']);
  return cases;
}

const withBody = ROUTES.filter((r) => r.body);

test('the body-taking routes here are those of docs/api.md', () => {
  assert.deepEqual(withBody.map(key).sort(), Object.keys(SPECS).sort());
});

for (const r of withBody) {
  const k = key(r);
  const spec = SPECS[k];
  describe(k, () => {
    // Cases are built from a template body; values that need the server (versions) are fetched per case.
    const template = k.startsWith('PATCH') ? { version: 1, [spec.str]: 'x' } : { [spec.str]: 'x' };
    for (const [label, , status, type] of badCases(spec, template)) {
      test(label, async () => {
        const valid = await spec.valid();
        const opts = badCases(spec, valid).find((c) => c[0] === label)[1];
        const head = await F.auditHead(admin);
        const before2 = await spec.snap();
        const res = await spec.who().req(r.method, spec.url(), opts);
        assertProblem(res, status, type);
        assert.ok(!res.setCookies.some((c) => /^zl_session=[^;]+/.test(c)), 'a refused request set a session cookie');
        assert.deepEqual(await spec.snap(), before2, 'the refused request changed the record');
        assert.equal(await F.auditHead(admin), head, 'the refused request wrote an audit row');
      });
    }
    test('the valid body succeeds (so each refusal was for its defect)', async () => {
      const res = await spec.who().req(r.method, spec.url(), { body: await spec.valid() });
      assert.equal(res.status, spec.ok, `${k}: ${res.status} ${res.text}`);
    });
  });
}

test('application/json with a charset parameter is accepted', async () => {
  const res = await admin.req('POST', '/api/v1/orgs', {
    body: { parent_id: d.orgs.GSWJW.id, code: uniq('CS').toUpperCase(), name: '字符集', level: 'province', kind: 'unit' },
    contentType: 'application/json; charset=utf-8',
  });
  assert.equal(res.status, 201, res.text);
});

test('valid multi-byte UTF-8 (Chinese, emoji) round-trips unchanged', async () => {
  const name = '甘肃省 𠀋 测试 🏛️ “引号”';
  const o = await F.makeOrg(admin, d.orgs.GSWJW.id, { name });
  assert.equal(o.name, name);
  assert.equal((await admin.ok(`/api/v1/orgs/${o.id}`)).name, name);
});

test('the server is still healthy after all of it', async () => {
  assert.equal((await srv.client().get('/api/v1/health')).status, 200);
});

describe('default body limit', () => {
  let def;
  before(async () => { def = await startServer({ name: '0800-maxbody', seed: true }); });
  after(async () => { if (def) await def.stop(); });

  test('a body over 1 MiB is 413 too-large by default; just under is parsed', async () => {
    const a = await def.login('admin');
    const body = { parent_id: null, code: 'BIG', name: 'x'.repeat(1048576 + 10), level: 'province', kind: 'unit' };
    // The client must get to read the 413, whatever the size: the server drains or lingers.
    for (const size of [1048576 + 10, 4 * 1048576]) {
      const res = await a.req('POST', '/api/v1/orgs', { body: { ...body, name: 'x'.repeat(size) } });
      assert.ok(!res.error, `${size} bytes: the connection failed instead of a 413: ${res.error && (res.error.cause || res.error)}`);
      assertProblem(res, 413, 'too-large');
    }
    const under = await a.req('POST', '/api/v1/orgs', { body: { ...body, name: '测试', zz_pad: 'x'.repeat(1048576 - 300) } });
    assertProblem(under, 400, ['validation', 'bad-json']); // read and parsed, refused for the unknown field
  });
});

describe('request head limit', () => {
  // max_header bounds the request line and headers; the connection's buffer is that plus 4 KiB
  // for the answer's head, so a head over max_header + 4 KiB cannot be read and is refused.
  let h;
  before(async () => { h = await startServer({ name: '0800-maxheader', seed: false, env: { ZHILI_MAX_HEADER: '4096' } }); });
  after(async () => { if (h) await h.stop(); });

  const get = (bytes) => fetch(h.base + '/api/v1/health', { headers: { 'x-pad': 'a'.repeat(bytes) } });

  test('headers under max_header are read; far over it they are 431 and the server goes on', async () => {
    const ok = await get(3000);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    const big = await get(16384);
    assert.equal(big.status, 431);
    await big.arrayBuffer();
    const after = await get(100);
    assert.equal(after.status, 200);
    await after.arrayBuffer();
  });
});
