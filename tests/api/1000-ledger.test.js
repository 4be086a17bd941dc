// 1000-ledger: the transparency log's public face. Every audited write appends one leaf; the signed
// checkpoint is a C2SP signed note the CLI verifies with the published key; inclusion and
// consistency proofs, tiles and entry bundles agree with an independent RFC 9162 tree built here in
// JavaScript and with `zhili tlog`; bad queries are 400 problems; a record's history carries proofs;
// witness cosignatures are accepted only from configured witnesses.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startServer, assertProblem, sleep, BIN } = require('../lib/server');
const F = require('../lib/fixtures');
const L = require('../lib/ledger');

const PUB = L.PUB;
const HEX64 = /^[0-9a-f]{64}$/;
const witness = L.makeWitness('witness.test/alpha');

let srv;
let d;
let admin;
let pub;        // an anonymous client
let saved;      // a checkpoint saved early: { size, root, note }

before(async () => {
  srv = await startServer({ name: '1000-ledger', env: { ZHILI_LEDGER_WITNESSES: witness.verifierKey } });
  d = await F.demo(srv);
  admin = d.admin;
  pub = srv.client();
});
after(async () => { if (srv) await srv.stop(); });

/** Audit rows newer than head (newest first). */
async function auditSince(head) {
  return (await admin.ok('/api/v1/audit?limit=500')).items.filter((x) => x.id > head);
}

/** Do `n` audited writes (new orgs) and wait for a checkpoint of the whole log. */
async function grow(n) {
  for (let i = 0; i < n; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  return L.waitCheckpoint(pub);
}

/** Every leaf hash of the log (size < 256: one partial level-0 tile). */
async function tileHashes(size) {
  assert.ok(size > 0 && size < 256, `this test expects a log of 1..255 leaves, not ${size}`);
  const t = await L.getBytes(srv.base, `${PUB}/tile/0/000.p/${size}`);
  assert.equal(t.status, 200, `GET ${t.path}: ${t.status}`);
  assert.equal(t.bytes.length, size * 32);
  const out = [];
  for (let i = 0; i < size; i++) out.push(t.bytes.subarray(32 * i, 32 * i + 32));
  return out;
}

test('summary: sha256, the size grows by one leaf per audit row, and a signed checkpoint follows', async () => {
  const s0 = await L.waitCheckpoint(pub);
  assert.equal(s0.hash, 'sha256');
  assert.ok(s0.size > 0, 'the seed data left no leaves');
  assert.equal(typeof s0.origin, 'string');
  assert.ok(s0.origin.length > 0);
  assert.match(s0.checkpoint.root, HEX64);
  assert.match(s0.checkpoint.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const key = await pub.get(`${PUB}/key`);
  assert.equal(key.status, 200);
  assert.match(key.headers.get('content-type') || '', /^text\/plain/);
  assert.equal(key.text.trim(), s0.verifier_key, 'the summary and /key publish different keys');
  assert.ok(key.text.trim().startsWith(`${s0.origin}+`), 'the verifier key is not named after the origin');

  // The seed data: every audit row is one leaf.
  const all = await admin.all('/api/v1/audit');
  assert.equal(s0.size, all.length, `the log has ${s0.size} leaves for ${all.length} audit rows`);

  const head = await F.auditHead(admin);
  const org = await F.makeOrg(admin, d.orgs.GSWJW.id);
  await admin.patch(`/api/v1/orgs/${org.id}`, { version: org.version, name: '账本测试机构' });
  const rows = await auditSince(head);
  assert.ok(rows.length >= 2);
  const s1 = await L.waitCheckpoint(pub, s0.size + rows.length);
  assert.equal(s1.size, s0.size + rows.length, `${rows.length} audit rows added ${s1.size - s0.size} leaves`);
  assert.notEqual(s1.checkpoint.root, s0.checkpoint.root);
  // A read or a login writes nothing to the log.
  await srv.login('finance');
  await admin.ok('/api/v1/orgs');
  assert.equal((await pub.ok(PUB)).size, s1.size, 'a read or a login appended a leaf');

  const hist = await pub.ok(`${PUB}/checkpoints`);
  assert.ok(Array.isArray(hist.items) && hist.items.length >= 1);
  assert.equal(hist.items[0].size, s1.size, 'the history does not start with the newest checkpoint');
  assert.equal(hist.items[0].root, s1.checkpoint.root);
  for (let i = 1; i < hist.items.length; i++) assert.ok(hist.items[i - 1].size >= hist.items[i].size, 'history not newest first');
  saved = { size: s1.size, root: s1.checkpoint.root, note: s1.checkpoint.note };
});

test('the checkpoint is a C2SP signed note: the CLI accepts it with the published key and refuses any change or another key', async () => {
  const s = await L.waitCheckpoint(pub);
  const r = await pub.get(`${PUB}/checkpoint`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^text\/plain/);
  const text = r.text;
  const key = (await pub.get(`${PUB}/key`)).text.trim();
  const note = L.parseNote(text);
  assert.equal(note.origin, s.origin);
  assert.equal(note.size, s.checkpoint.size);
  assert.equal(note.root, s.checkpoint.root, 'the base64 root of the note is not the summary root');
  assert.equal(note.body.split('\n').length, 4, `a checkpoint body is origin, size, root: ${JSON.stringify(note.body)}`);
  assert.equal(text, s.checkpoint.note, 'the served checkpoint is not the summary note');
  const k = L.parseVerifierKey(key);
  assert.equal(k.type, 0x01, 'the log key is not Ed25519');
  const own = note.sigs.filter((x) => x.name === k.name && x.keyId === k.keyId);
  assert.equal(own.length, 1, `no signature line of the log key: ${text}`);
  assert.ok(L.verifyNoteJs(text, key), 'the Ed25519 signature does not verify in JavaScript');

  const ok = L.assertExit(L.verifyCheckpoint(key, text), 0, 'the genuine checkpoint:');
  assert.match(ok.stdout, new RegExp(`^size ${note.size}$`, 'm'));
  assert.match(ok.stdout, new RegExp(`^root ${note.root}$`, 'm'));
  assert.match(ok.stdout, new RegExp(`^origin ${note.origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));

  // One byte changed anywhere in the body.
  const flip = (t, i) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  const rootAt = text.indexOf(note.rootB64);
  L.assertExit(L.verifyCheckpoint(key, flip(text, rootAt + 5)), 1, 'a changed root:');
  const sizeAt = note.origin.length + 1;
  const biggerSize = text.slice(0, sizeAt) + String(note.size + 1) + text.slice(sizeAt + String(note.size).length);
  L.assertExit(L.verifyCheckpoint(key, biggerSize), 1, 'a changed size:');
  L.assertExit(L.verifyCheckpoint(key, flip(text, 2)), 1, 'a changed origin:');
  // A changed signature.
  const sigAt = text.lastIndexOf(' ') + 10;
  L.assertExit(L.verifyCheckpoint(key, flip(text, sigAt)), 1, 'a changed signature:');

  // Another key: same name, other key material; and a key of another name.
  const other = L.makeSigner(note.origin);
  L.assertExit(L.verifyCheckpoint(other.verifierKey, text), 1, 'another key of the same name:');
  L.assertExit(L.verifyCheckpoint(L.makeSigner('other.example/log').verifierKey, text), 1, 'another log\'s key:');
  // A note signed by the other key verifies with it and not with the log key (the CLI really checks).
  const forged = note.body + '\n' + other.sign(note.body) + '\n';
  L.assertExit(L.verifyCheckpoint(other.verifierKey, forged), 0, 'a note signed by the other key, with it:');
  L.assertExit(L.verifyCheckpoint(key, forged), 1, 'a note signed by another key, with the log key:');

  // Bad usage.
  L.assertExit(L.tlog(['verify-checkpoint', '--key', 'not-a-key', L.tmpFile(text)]), 2, 'a malformed key:');
  L.assertExit(L.tlog(['verify-checkpoint', L.tmpFile(text)]), 2, 'no --key:');
  L.assertExit(L.tlog(['verify-checkpoint', '--key', key, '/nonexistent/zhili-checkpoint']), 2, 'a missing file:');
});

test('inclusion proofs verify with the CLI and an independent JS verifier, and fail when altered', async () => {
  const s = await grow(10);
  const n = s.size;
  const hashes = await tileHashes(n);
  assert.equal(L.hexOf(L.treeRoot(hashes)), s.checkpoint.root, 'the JS root of the tile hashes is not the checkpoint root');

  const sizes = [...new Set([1, 2, 3, 7, 8, 9, 16, 17, Math.floor(n / 2), n - 1, n].filter((x) => x >= 1 && x <= n))];
  let cases = 0;
  for (const size of sizes) {
    const root = L.treeRoot(hashes.slice(0, size));
    const indexes = [...new Set([0, 1, Math.floor(size / 2), size - 2, size - 1].filter((i) => i >= 0 && i < size))];
    for (const index of indexes) {
      const p = await pub.ok(`${PUB}/proof/inclusion?index=${index}&size=${size}`);
      const where = `inclusion index=${index} size=${size}`;
      assert.equal(p.index, index);
      assert.equal(p.size, size);
      assert.equal(p.leaf_hash, L.hexOf(hashes[index]), `${where}: leaf_hash is not the tile hash`);
      assert.equal(p.root, L.hexOf(root), `${where}: root is not the JS root`);
      assert.deepEqual(p.proof, L.inclusionProof(hashes.slice(0, size), index).map(L.hexOf), `${where}: proof differs from RFC 9162 PATH`);
      const args = { leafHash: p.leaf_hash, index, size, root: p.root, proof: p.proof };
      assert.ok(L.verifyInclusion(args), `${where}: the JS verifier refuses it`);
      L.assertExit(L.cliInclusion(args), 0, `${where}:`);
      if (p.proof.length > 0) {
        const bad = [...p.proof];
        const j = cases % bad.length;
        bad[j] = bad[j].slice(0, 63) + (bad[j][63] === '0' ? '1' : '0');
        assert.ok(!L.verifyInclusion({ ...args, proof: bad }), `${where}: JS accepts an altered proof`);
        L.assertExit(L.cliInclusion({ ...args, proof: bad }), 1, `${where} altered proof hash ${j}:`);
        L.assertExit(L.cliInclusion({ ...args, proof: p.proof.slice(1) }), 1, `${where} a hash short:`);
      }
      cases++;
    }
  }
  assert.ok(cases >= 20, `only ${cases} inclusion cases`);

  // The checkpoint's own size: a leaf against the signed root; wrong leaf, index, size or root fail.
  const p = await pub.ok(`${PUB}/proof/inclusion?index=3&size=${n}`);
  assert.equal(p.root, s.checkpoint.root);
  const good = { leafHash: p.leaf_hash, index: 3, size: n, root: s.checkpoint.root, proof: p.proof };
  L.assertExit(L.cliInclusion(good), 0, 'leaf 3 against the checkpoint:');
  L.assertExit(L.cliInclusion({ ...good, leafHash: L.hexOf(hashes[4]) }), 1, 'another leaf:');
  L.assertExit(L.cliInclusion({ ...good, index: 2 }), 1, 'another index:');
  L.assertExit(L.cliInclusion({ ...good, root: saved.root }), 1, 'an older root:');
  L.assertExit(L.cliInclusion({ ...good, index: n }), 1, 'index = size:');
  assert.ok(!L.verifyInclusion({ ...good, index: 2 }));
  // Bad usage of verify-inclusion.
  L.assertExit(L.tlog(['verify-inclusion', '--index', '3', '--size', String(n), '--root', s.checkpoint.root, `--proof=${p.proof.join(',')}`]), 2, 'no --leaf-hash:');
  L.assertExit(L.tlog(['verify-inclusion', '--leaf-hash', p.leaf_hash, '--index', 'x', '--size', String(n), '--root', s.checkpoint.root, `--proof=${p.proof.join(',')}`]), 2, 'index x:');
  L.assertExit(L.tlog(['verify-inclusion', '--leaf-hash', 'abcd', '--index', '3', '--size', String(n), '--root', s.checkpoint.root, `--proof=${p.proof.join(',')}`]), 2, 'a short leaf hash:');
  L.assertExit(L.tlog(['verify-inclusion', '--leaf-hash', p.leaf_hash, '--index', '3', '--size', String(n), '--root', s.checkpoint.root, `--proof=${p.proof.join(',')},zz`]), 2, 'a non-hex proof:');
});

test('an entry is the canonical JSON of its audit row, and its leaf_hash is sha256(0x00 || text)', async () => {
  const s = await L.waitCheckpoint(pub);
  const hashes = await tileHashes(s.size);
  const KEYS = ['action', 'actor', 'entity', 'entity_id', 'index', 'org', 'record_digest', 'time'];
  for (const i of [...new Set([0, 1, Math.floor(s.size / 2), s.size - 1])]) {
    const e = await pub.ok(`${PUB}/entries/${i}`);
    assert.equal(e.index, i);
    assert.equal(typeof e.leaf, 'string');
    const h = L.hexOf(L.leafHash(e.leaf));
    assert.equal(e.leaf_hash, h, `entry ${i}: leaf_hash is not sha256(0x00 || leaf)`);
    assert.equal(h, L.hexOf(hashes[i]), `entry ${i}: the leaf does not hash to the tile's leaf hash`);
    const j = JSON.parse(e.leaf);
    assert.deepEqual(Object.keys(j), KEYS, `entry ${i}: keys ${Object.keys(j)}`);
    assert.equal(e.leaf, L.canonical(j), `entry ${i}: not canonical JSON`);
    assert.equal(j.index, i);
    assert.match(j.record_digest, HEX64);
    assert.match(j.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  // The newest leaf is the newest audit row.
  const org = await F.makeOrg(admin, d.orgs.GSWJW.id);
  const s2 = await L.waitCheckpoint(pub, s.size + 1);
  const rows = (await admin.ok(`/api/v1/audit?entity=org&entity_id=${org.id}`)).items;
  assert.equal(rows.length, 1);
  const e = await pub.ok(`${PUB}/entries/${s2.size - 1}`);
  const j = JSON.parse(e.leaf);
  assert.equal(j.entity, 'org');
  assert.equal(j.entity_id, org.id);
  assert.equal(j.action, rows[0].action);
  assert.equal(j.actor, d.users.admin.id);
  assert.equal(j.record_digest, rows[0].digest);
  assert.equal(j.time, rows[0].at.replace(/\.\d+Z$/, 'Z'));
  assert.ok(!e.leaf.includes(org.name), 'the leaf holds record data, not only its digest');
  assertProblem(await pub.get(`${PUB}/entries/${s2.size + 5}`), 404, 'not-found');
});

test('consistency proofs between two saved checkpoints verify (CLI and JS), and fail when altered', async () => {
  assert.ok(saved, 'the first test saved no checkpoint');
  const s = await grow(3);
  assert.ok(s.size > saved.size);
  // The saved checkpoint's signature still verifies with the published key.
  const key = (await pub.get(`${PUB}/key`)).text.trim();
  L.assertExit(L.verifyCheckpoint(key, saved.note), 0, 'the saved checkpoint:');
  const c = await pub.ok(`${PUB}/proof/consistency?old=${saved.size}&new=${s.size}`);
  assert.equal(c.old, saved.size);
  assert.equal(c.new, s.size);
  assert.equal(c.old_root, saved.root, 'the log no longer has the saved tree');
  assert.equal(c.new_root, s.checkpoint.root);
  const args = { oldSize: saved.size, newSize: s.size, oldRoot: saved.root, newRoot: s.checkpoint.root, proof: c.proof };
  assert.ok(c.proof.length > 0);
  assert.ok(L.verifyConsistency(args), 'the JS verifier refuses the proof');
  L.assertExit(L.cliConsistency(args), 0, 'saved → latest:');
  for (let j = 0; j < c.proof.length; j++) {
    const bad = [...c.proof];
    bad[j] = bad[j].slice(0, 63) + (bad[j][63] === 'f' ? 'e' : 'f');
    assert.ok(!L.verifyConsistency({ ...args, proof: bad }), `JS accepts a proof with hash ${j} altered`);
    L.assertExit(L.cliConsistency({ ...args, proof: bad }), 1, `hash ${j} altered:`);
  }
  L.assertExit(L.cliConsistency({ ...args, oldRoot: s.checkpoint.root, newRoot: saved.root }), 1, 'roots swapped:');
  L.assertExit(L.cliConsistency({ ...args, oldSize: saved.size - 1 }), 1, 'a wrong old size:');
  L.assertExit(L.cliConsistency({ ...args, proof: c.proof.slice(0, -1) }), 1, 'a hash short:');
  L.assertExit(L.cliConsistency({ ...args, proof: [] }), 1, 'an empty proof:');

  // Every pair of sizes against the JS tree (RFC 9162 SUBPROOF).
  const hashes = await tileHashes(s.size);
  const sizes = [...new Set([1, 2, 3, 4, 5, 8, 13, saved.size, s.size - 1, s.size])].filter((x) => x >= 1 && x <= s.size);
  for (const m of sizes) {
    for (const n of sizes.filter((x) => x >= m)) {
      const p = await pub.ok(`${PUB}/proof/consistency?old=${m}&new=${n}`);
      const where = `consistency ${m} → ${n}`;
      assert.equal(p.old_root, L.hexOf(L.treeRoot(hashes.slice(0, m))), `${where}: old root`);
      assert.equal(p.new_root, L.hexOf(L.treeRoot(hashes.slice(0, n))), `${where}: new root`);
      const want = m === n ? [] : L.consistencyProof(hashes.slice(0, n), m).map(L.hexOf);
      assert.deepEqual(p.proof, want, `${where}: proof differs from RFC 9162 PROOF`);
      const a = { oldSize: m, newSize: n, oldRoot: p.old_root, newRoot: p.new_root, proof: p.proof };
      assert.ok(L.verifyConsistency(a), `${where}: JS refuses it`);
      if (m === n || n === s.size) L.assertExit(L.cliConsistency(a), 0, `${where}:`);
    }
  }
  // Bad usage of verify-consistency.
  L.assertExit(L.tlog(['verify-consistency', '--new-size', String(s.size), '--old-root', saved.root, '--new-root', s.checkpoint.root, `--proof=${c.proof.join(',')}`]), 2, 'no --old-size:');
  L.assertExit(L.tlog(['verify-consistency', '--old-size', String(saved.size), '--new-size', String(s.size), '--old-root', 'xyz', '--new-root', s.checkpoint.root, `--proof=${c.proof.join(',')}`]), 2, 'a bad old root:');
});

test('tiles hold the leaf hashes; a full path for a partial tile is 404; entry bundles hold the leaves with 2-byte lengths', async () => {
  const s = await L.waitCheckpoint(pub);
  const n = s.size;
  const texts = await L.leafTexts(pub, n);
  const want = texts.map((t) => L.leafHash(t));
  for (const w of [...new Set([1, 2, 5, n - 1, n])].filter((x) => x >= 1)) {
    const t = await L.getBytes(srv.base, `${PUB}/tile/0/${L.tileIndexPath(0)}.p/${w}`);
    assert.equal(t.status, 200, `GET ${t.path}: ${t.status}`);
    assert.match(t.headers.get('content-type') || '', /^application\/octet-stream/);
    assert.equal(t.bytes.length, w * 32, `${t.path}: ${t.bytes.length} bytes`);
    assert.ok(t.bytes.equals(Buffer.concat(want.slice(0, w))), `${t.path}: not the leaf hashes of entries 0..${w - 1}`);

    const b = await L.getBytes(srv.base, `${PUB}/tile/entries/000.p/${w}`);
    assert.equal(b.status, 200, `GET ${b.path}: ${b.status}`);
    const got = [];
    for (let off = 0; off < b.bytes.length;) {
      assert.ok(off + 2 <= b.bytes.length, `${b.path}: truncated length at ${off}`);
      const len = b.bytes.readUInt16BE(off);
      assert.ok(off + 2 + len <= b.bytes.length, `${b.path}: truncated entry at ${off}`);
      got.push(b.bytes.subarray(off + 2, off + 2 + len).toString('utf8'));
      off += 2 + len;
    }
    assert.deepEqual(got, texts.slice(0, w), `${b.path}: not the leaves 0..${w - 1}`);
  }
  assert.ok(n < 256);
  for (const p of ['tile/0/000', `tile/0/000.p/${n + 1}`, 'tile/0/001.p/1', 'tile/1/000.p/1', 'tile/entries/000',
    `tile/entries/000.p/${n + 1}`, 'tile/x', 'tile/0/000.p/0', 'tile/0/000.p/256']) {
    const r = await pub.get(`${PUB}/${p}`);
    assert.equal(r.status, 404, `GET ${PUB}/${p}: ${r.status}, want 404`);
  }
});

test('bad proof queries are 400 problems', async () => {
  const { size } = await L.waitCheckpoint(pub);
  const bad = [
    `proof/inclusion?index=${size}&size=${size}`,
    `proof/inclusion?index=${size + 3}&size=${size}`,
    `proof/inclusion?index=0&size=${size + 1}`,
    'proof/inclusion?index=0&size=0',
    'proof/inclusion?index=abc&size=3',
    'proof/inclusion?index=1&size=x',
    'proof/inclusion?index=-1&size=3',
    'proof/inclusion?index=1.5&size=3',
    'proof/inclusion?index=1&size=3e1',
    'proof/inclusion?index=&size=3',
    'proof/inclusion?size=3',
    'proof/inclusion?index=1',
    'proof/inclusion?index=1&size=99999999999999999999999',
    'proof/consistency?old=0&new=3',
    'proof/consistency?old=4&new=3',
    `proof/consistency?old=1&new=${size + 1}`,
    'proof/consistency?old=a&new=3',
    'proof/consistency?old=1&new=0x3',
    'proof/consistency?old=1',
    'proof/consistency?new=3',
  ];
  for (const p of bad) assertProblem(await pub.get(`${PUB}/${p}`), 400, 'validation');
  // And the edges that are fine.
  assert.equal((await pub.get(`${PUB}/proof/inclusion?index=${size - 1}&size=${size}`)).status, 200);
  assert.equal((await pub.get(`${PUB}/proof/consistency?old=${size}&new=${size}`)).status, 200);
});

test('zhili tlog root over the leaf texts equals the root of a checkpoint of that size', async () => {
  const s = await L.waitCheckpoint(pub);
  const texts = await L.leafTexts(pub, s.size);
  const input = (k) => texts.slice(0, k).map((t) => Buffer.from(t, 'utf8').toString('hex')).join('\n') + '\n';
  const r = L.assertExit(L.tlog(['root'], input(s.size)), 0, 'root of the whole log:');
  assert.equal(r.stdout.trim(), s.checkpoint.root, 'tlog root over entries 0..N-1 is not the checkpoint root');
  // The root the signed note carries.
  assert.equal(L.parseNote(s.checkpoint.note).root, s.checkpoint.root);
  // The saved (older) checkpoint's size.
  const r2 = L.assertExit(L.tlog(['root'], input(saved.size)), 0, 'root of the saved size:');
  assert.equal(r2.stdout.trim(), saved.root, 'tlog root over the first leaves is not the saved checkpoint root');
  // A changed leaf text gives another root.
  const changed = [...texts];
  changed[1] = changed[1].replace('"action":"', '"action":"x');
  const r3 = L.assertExit(L.tlog(['root'], changed.map((t) => Buffer.from(t).toString('hex')).join('\n') + '\n'), 0);
  assert.notEqual(r3.stdout.trim(), s.checkpoint.root);
});

test('zhili tlog: RFC 6962 test vectors, and usage errors exit 2', () => {
  const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const all = L.assertExit(L.tlog(['root'], leaves.join('\n') + '\n'), 0, 'RFC 6962 vectors:');
  assert.equal(all.stdout.trim(), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  for (let n = 1; n <= 8; n++) {
    const r = L.assertExit(L.tlog(['root', '--hash', 'sha256'], leaves.slice(0, n).join('\n') + '\n'), 0);
    assert.equal(r.stdout.trim(), roots[n - 1], `root of the first ${n} vectors`);
  }
  assert.equal(L.assertExit(L.tlog(['root'], ''), 0).stdout.trim(), L.EMPTY_SHA256, 'the empty tree');

  // RFC 6962 / CT inclusion and consistency vectors over the 8 leaves.
  const hs = leaves.map((h) => L.leafHash(Buffer.from(h, 'hex')));
  const inc0 = ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'];
  L.assertExit(L.cliInclusion({ leafHash: hs[0], index: 0, size: 8, root: roots[7], proof: inc0 }), 0, 'vector: leaf 0 of 8:');
  assert.ok(L.verifyInclusion({ leafHash: hs[0], index: 0, size: 8, root: roots[7], proof: inc0 }));
  const con6 = ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'];
  L.assertExit(L.cliConsistency({ oldSize: 6, newSize: 8, oldRoot: roots[5], newRoot: roots[7], proof: con6 }), 0, 'vector: 6 → 8:');
  assert.ok(L.verifyConsistency({ oldSize: 6, newSize: 8, oldRoot: roots[5], newRoot: roots[7], proof: con6 }));
  for (let n = 1; n <= 8; n++) {
    for (let i = 0; i < n; i++) {
      const a = { leafHash: hs[i], index: i, size: n, root: roots[n - 1], proof: L.inclusionProof(hs.slice(0, n), i) };
      L.assertExit(L.cliInclusion(a), 0, `vector inclusion ${i}/${n}:`);
    }
    for (let m = 1; m < n; m++) {
      const a = { oldSize: m, newSize: n, oldRoot: roots[m - 1], newRoot: roots[n - 1], proof: L.consistencyProof(hs.slice(0, n), m) };
      L.assertExit(L.cliConsistency(a), 0, `vector consistency ${m} → ${n}:`);
      L.assertExit(L.cliConsistency({ ...a, newRoot: roots[m - 1] }), 1, `vector consistency ${m} → ${n} wrong new root:`);
    }
  }

  // The 国密 profile's tree hash: SM3 (when this Node has it).
  if (require('node:crypto').getHashes().includes('sm3')) {
    const sm = leaves.map((h) => L.leafHash(Buffer.from(h, 'hex'), 'sm3'));
    const r = L.assertExit(L.tlog(['root', '--hash', 'sm3'], leaves.join('\n') + '\n'), 0, 'sm3 root:');
    assert.equal(r.stdout.trim(), L.hexOf(L.treeRoot(sm, 'sm3')), 'the SM3 tree root differs from the JS SM3 tree');
  }

  // Usage errors: exit 2.
  L.assertExit(L.tlog([]), 2, 'no subcommand:');
  L.assertExit(L.tlog(['frobnicate']), 2, 'unknown subcommand:');
  L.assertExit(L.tlog(['root', '--hash', 'md5'], '00\n'), 2, 'unknown hash:');
  L.assertExit(L.tlog(['root'], '0g\n'), 2, 'non-hex leaf:');
  L.assertExit(L.tlog(['root'], 'abc\n'), 2, 'odd-length leaf:');
  L.assertExit(L.tlog(['root', '--bogus', '1'], ''), 2, 'unknown option:');
  L.assertExit(L.tlog(['root', 'extra'], ''), 2, 'an extra argument:');
  L.assertExit(L.tlog(['verify-inclusion']), 2, 'verify-inclusion without options:');
  L.assertExit(L.tlog(['verify-inclusion', '--leaf-hash', L.hexOf(hs[0]), '--index', '0', '--size', '8', '--root', roots[7], '--proof']), 2, '--proof without a value:');
  L.assertExit(L.tlog(['verify-consistency']), 2, 'verify-consistency without options:');
  L.assertExit(L.tlog(['verify-consistency', '--old-size', '-1', '--new-size', '8', '--old-root', roots[5], '--new-root', roots[7], `--proof=${con6.join(',')}`]), 2, 'a negative size:');
  L.assertExit(L.tlog(['verify-checkpoint']), 2, 'verify-checkpoint without options:');
});

test('the worked example of docs/ledger.md: the CLI verifies it with the log and witness keys, and JS signs the same lines', () => {
  // Keys from public seeds: SHA-256 of "zhili documentation example log key" / "… witness key".
  const log = L.makeSigner('zhili.example/ledger', 0x01, L.sha256('zhili documentation example log key'));
  const wit = L.makeWitness('witness.example/w1', L.sha256('zhili documentation example witness key'));
  assert.equal(log.verifierKey, 'zhili.example/ledger+f55cb381+Aeb9ppeob0dLWuE4WNuG2J6UuXTLc4lxnbFc22InCXC3');
  assert.equal(wit.verifierKey, 'witness.example/w1+7a8013c4+BA/H0XjLia9r0dEoBNzSNSebToYHWV1s2LB9Ttiz6+8H');
  const body = 'zhili.example/ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n';
  const logLine = '\u2014 zhili.example/ledger 9VyzgYwM0VGlKjvWVgcafTxqcMSAyF0tqRTnTKeI/etpa2MXq/hwbOZC7kbIFpllyC1RVw3Ep3v+7P/j0ynLusiZgQw=';
  const witLine = '\u2014 witness.example/w1 eoATxAAAAABlU/EATf1bK+gOWxImjVP8INwQt6QcHTq4MqEbnRKivaZyiQ4e2DLN3wGdiJjRxXHbEOdZMTFmcTCY7YKVQMH8UjxpDA==';
  assert.equal(log.sign(body), logLine, 'JS Ed25519 note signature differs from the documented one');
  assert.equal(wit.cosign(body, 1700000000), witLine, 'JS cosignature/v1 differs from the documented one');
  const text = `${body}\n${logLine}\n${witLine}\n`;
  const ok = L.assertExit(L.verifyCheckpoint(log.verifierKey, text), 0, 'docs example, log key:');
  assert.match(ok.stdout, /^root 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328$/m);
  L.assertExit(L.verifyCheckpoint(wit.verifierKey, text), 0, 'docs example, witness key:');
  L.assertExit(L.verifyCheckpoint(log.verifierKey, text.replace('\n8\n', '\n9\n')), 1, 'docs example, forged size:');
  L.assertExit(L.verifyCheckpoint(wit.verifierKey, text.replace('\n8\n', '\n9\n')), 1, 'docs example, forged size, witness key:');
  // The witness line alone is no signature by the log key.
  L.assertExit(L.verifyCheckpoint(log.verifierKey, `${body}\n${witLine}\n`), 1, 'docs example without the log signature:');
  // Standard input as FILE.
  const r = spawnSync(BIN, ['tlog', 'verify-checkpoint', '--key', log.verifierKey, '-'], { input: text });
  assert.equal(r.status, 0, `verify-checkpoint FILE "-": exit ${r.status} ${r.stderr}`);
});

test('record history: admin sees an org\'s leaves with proofs against the checkpoint; scope is enforced', async () => {
  const org = await F.makeOrg(admin, d.orgs.GSJYT.id);
  const p1 = await admin.patch(`/api/v1/orgs/${org.id}`, { version: org.version, name: '账本历史一' });
  assert.equal(p1.status, 200, p1.text);
  const p2 = await admin.patch(`/api/v1/orgs/${org.id}`, { version: p1.body.version, name: '账本历史二' });
  assert.equal(p2.status, 200, p2.text);
  await L.waitCheckpoint(pub);
  const key = (await pub.get(`${PUB}/key`)).text.trim();

  const h = await admin.ok(`/api/v1/ledger/records/org/${org.id}`);
  assert.equal(h.entity, 'org');
  assert.equal(h.id, org.id);
  assert.equal(h.hash, 'sha256');
  assert.ok(h.checkpoint, 'no checkpoint in the record history');
  assert.match(h.checkpoint.root, HEX64);
  L.assertExit(L.verifyCheckpoint(key, h.checkpoint.note), 0, 'the record history checkpoint:');
  const note = L.parseNote(h.checkpoint.note);
  assert.equal(note.root, h.checkpoint.root);
  assert.equal(note.size, h.checkpoint.size);

  const audit = (await admin.ok(`/api/v1/audit?entity=org&entity_id=${org.id}`)).items;
  assert.equal(h.leaves.length, audit.length, `${h.leaves.length} leaves for ${audit.length} audit rows`);
  assert.ok(h.leaves.length >= 3);
  for (let i = 0; i < h.leaves.length; i++) {
    const lf = h.leaves[i];
    const where = `leaf ${lf.index}`;
    if (i > 0) assert.ok(lf.index > h.leaves[i - 1].index, 'leaves not in log order');
    assert.equal(lf.leaf_hash, L.hexOf(L.leafHash(lf.leaf)), `${where}: leaf_hash`);
    const j = JSON.parse(lf.leaf);
    assert.equal(j.entity, 'org');
    assert.equal(j.entity_id, org.id);
    assert.equal(j.index, lf.index);
    assert.equal(j.record_digest, lf.record_digest);
    assert.equal(lf.status, 'included', `${where}: ${lf.status}`);
    assert.ok(audit.some((a) => a.id === lf.audit_id && a.digest === lf.record_digest && a.action === lf.action),
      `${where}: no matching audit row`);
    const args = { leafHash: lf.leaf_hash, index: lf.index, size: h.checkpoint.size, root: h.checkpoint.root, proof: lf.proof };
    assert.ok(L.verifyInclusion(args), `${where}: the JS verifier refuses its proof`);
    L.assertExit(L.cliInclusion(args), 0, `${where}:`);
    // The entry the public sees is the same leaf.
    assert.equal((await pub.ok(`${PUB}/entries/${lf.index}`)).leaf, lf.leaf);
  }
  const last = h.leaves[h.leaves.length - 1];
  assert.equal(last.record_digest, L.hexOf(L.sha256(L.canonical(h.record))),
    'the latest leaf\'s record_digest is not sha256 of the record\'s canonical JSON');
  assert.equal(h.record.name, '账本历史二');
  assert.deepEqual(h.leaves.map((x) => x.action), ['create', 'update', 'update']);

  // Scope: finance (财政厅) does not see 教育厅 records; it does see its own department's.
  const finance = await srv.login('finance');
  assertProblem(await finance.get(`/api/v1/ledger/records/org/${d.orgs.GSJYT.id}`), 404, 'not-found');
  assertProblem(await finance.get(`/api/v1/ledger/records/org/${org.id}`), 404, 'not-found');
  const own = await finance.get(`/api/v1/ledger/records/org/${d.orgs.GSCZT.id}`);
  assert.equal(own.status, 200, `finance on its own department: ${own.status} ${own.text}`);
  assert.ok(own.body.leaves.length >= 1);
  const citizen = await srv.login('citizen');
  assertProblem(await citizen.get(`/api/v1/ledger/records/org/${d.orgs.GSCZT.id}`), [403, 404]);
  assertProblem(await pub.get(`/api/v1/ledger/records/org/${d.orgs.GSCZT.id}`), 401, 'unauthenticated');
  assertProblem(await admin.get('/api/v1/ledger/records/widget/1'), 404);
  assertProblem(await admin.get('/api/v1/ledger/records/org/99999999'), 404);
  // Users, roles and tokens have histories too.
  const u = await admin.ok(`/api/v1/ledger/records/user/${d.users.finance.id}`);
  assert.ok(u.leaves.length >= 1 && u.leaves.every((x) => JSON.parse(x.leaf).entity === 'user'));
});

test('a log of several tile levels (bench-seed, ~66,000 leaves): tiles, bundles and proofs agree with the JS tree', async () => {
  const big = await startServer({ name: '1000-ledger-big', seed: false });
  try {
    await big.halt();
    L.assertExit(L.zhili(big, ['bench-seed', '--users', '0', '--ledger-leaves', '65975']), 0, 'bench-seed:');
    await big.restart();
    const c = big.client();
    const s = await L.waitCheckpoint(c, 65537, 30000);
    const n = s.size;
    const full = Math.floor(n / 256);
    assert.ok(full > 256 && n % 256 !== 0, `want more than 256 full tiles and a partial one, the log has ${n} leaves`);

    // Level 0: every full tile at its full path (immutable), the last one partial.
    const parts = [];
    for (let t = 0; t < full; t++) {
      const r = await L.getBytes(big.base, `${PUB}/tile/0/${L.tileIndexPath(t)}`);
      assert.equal(r.status, 200, `GET ${r.path}: ${r.status}`);
      assert.equal(r.bytes.length, 256 * 32, `${r.path}: ${r.bytes.length} bytes`);
      if (t === 0) assert.match(r.headers.get('cache-control') || '', /immutable/, 'a full tile is not immutable');
      parts.push(r.bytes);
    }
    const last = await L.getBytes(big.base, `${PUB}/tile/0/${L.tileIndexPath(full)}.p/${n % 256}`);
    assert.equal(last.status, 200, `GET ${last.path}: ${last.status}`);
    assert.doesNotMatch(last.headers.get('cache-control') || '', /immutable/, 'a partial tile is immutable');
    parts.push(last.bytes);
    assert.equal((await c.get(`${PUB}/tile/0/${L.tileIndexPath(full)}`)).status, 404, 'the full path of the partial tile');
    const all = Buffer.concat(parts);
    assert.equal(all.length, n * 32);
    const hashes = [];
    for (let i = 0; i < n; i++) hashes.push(all.subarray(32 * i, 32 * i + 32));
    assert.equal(L.hexOf(L.treeRoot(hashes)), s.checkpoint.root, 'the JS root over the level-0 tiles is not the checkpoint root');

    // Level 1 holds the roots of the 256-leaf subtrees; level 2 the root of the first 65,536 leaves.
    const t1 = await L.getBytes(big.base, `${PUB}/tile/1/000`);
    assert.equal(t1.status, 200, `GET ${t1.path}: ${t1.status}`);
    const t1b = await L.getBytes(big.base, `${PUB}/tile/1/001.p/${full - 256}`);
    assert.equal(t1b.status, 200, `GET ${t1b.path}: ${t1b.status}`);
    const level8 = Buffer.concat([t1.bytes, t1b.bytes]);
    assert.equal(level8.length, full * 32);
    for (const b of [0, 1, 255, 256, full - 1]) {
      assert.ok(level8.subarray(32 * b, 32 * b + 32).equals(L.treeRoot(hashes.slice(256 * b, 256 * b + 256))),
        `level-1 tile hash ${b} is not the root of leaves ${256 * b}..${256 * b + 255}`);
    }
    const t2 = await L.getBytes(big.base, `${PUB}/tile/2/000.p/1`);
    assert.equal(t2.status, 200, `GET ${t2.path}: ${t2.status}`);
    assert.ok(t2.bytes.equals(L.treeRoot(hashes, 'sha256', 65536)), 'the level-2 tile is not the root of 65,536 leaves');
    assert.equal((await c.get(`${PUB}/tile/1/001`)).status, 404);
    assert.equal((await c.get(`${PUB}/tile/2/000.p/2`)).status, 404);

    // A full entry bundle and the last partial one.
    for (const [p, first, count] of [[`tile/entries/${L.tileIndexPath(1)}`, 256, 256],
      [`tile/entries/${L.tileIndexPath(full)}.p/${n % 256}`, full * 256, n % 256]]) {
      const b = await L.getBytes(big.base, `${PUB}/${p}`);
      assert.equal(b.status, 200, `GET ${b.path}: ${b.status}`);
      let k = 0;
      for (let off = 0; off < b.bytes.length; k++) {
        const len = b.bytes.readUInt16BE(off);
        const leaf = b.bytes.subarray(off + 2, off + 2 + len);
        assert.ok(L.leafHash(leaf).equals(hashes[first + k]), `${p}: entry ${k} does not hash to leaf ${first + k}`);
        off += 2 + len;
      }
      assert.equal(k, count, `${p}: ${k} entries`);
    }

    // Proofs across tile boundaries, against the JS tree.
    const sizes = [256, 257, 511, 65535, 65536, 65537, n - 1, n];
    const indexes = [0, 1, 255, 256, 257, 65535, 65536, n - 1];
    let cases = 0;
    for (const size of sizes) {
      const root = L.treeRoot(hashes, 'sha256', size);
      for (const index of indexes.filter((i) => i < size)) {
        const p = await c.ok(`${PUB}/proof/inclusion?index=${index}&size=${size}`);
        assert.equal(p.root, L.hexOf(root), `inclusion ${index}/${size}: root`);
        assert.equal(p.leaf_hash, L.hexOf(hashes[index]));
        assert.deepEqual(p.proof, L.inclusionProof(hashes, index, size).map(L.hexOf), `inclusion ${index}/${size}: proof`);
        assert.ok(L.verifyInclusion({ leafHash: p.leaf_hash, index, size, root, proof: p.proof }));
        if (size === n) L.assertExit(L.cliInclusion({ leafHash: p.leaf_hash, index, size, root: s.checkpoint.root, proof: p.proof }), 0, `inclusion ${index}/${size}:`);
        cases++;
      }
      for (const m of sizes.filter((x) => x < size).concat([1, 3, 300, 1000])) {
        if (m >= size) continue;
        const p = await c.ok(`${PUB}/proof/consistency?old=${m}&new=${size}`);
        assert.equal(p.old_root, L.hexOf(L.treeRoot(hashes, 'sha256', m)), `consistency ${m} → ${size}: old root`);
        assert.equal(p.new_root, L.hexOf(root), `consistency ${m} → ${size}: new root`);
        assert.deepEqual(p.proof, L.consistencyProof(hashes, m, size).map(L.hexOf), `consistency ${m} → ${size}: proof`);
        if (size === n) {
          L.assertExit(L.cliConsistency({ oldSize: m, newSize: size, oldRoot: p.old_root, newRoot: s.checkpoint.root, proof: p.proof }), 0,
            `consistency ${m} → ${size}:`);
        }
        cases++;
      }
    }
    assert.ok(cases > 60, `${cases} proof cases`);
    // The offline verifier agrees.
    const v = L.assertExit(L.ledgerVerify(big), 0, 'ledger verify of the big log:');
    assert.match(v.stdout, new RegExp(`^OK: ${n} leaves`, 'm'));
  } finally {
    await big.stop();
  }
});

test('checkpoint_interval: new leaves stay pending until the next checkpoint; `zhili ledger checkpoint` signs one now', async () => {
  const slow = await startServer({ name: '1000-ledger-interval', env: { ZHILI_CHECKPOINT_INTERVAL: '86400' } });
  try {
    const c = slow.client();
    const s0 = await L.waitCheckpoint(c);   // signed at start
    const a = await slow.login('admin');
    const parent = (await a.all('/api/v1/orgs')).find((o) => o.code === 'GSWJW');
    const org = await F.makeOrg(a, parent.id);
    await sleep(2500);
    const s1 = await c.ok(PUB);
    assert.equal(s1.size, s0.size + 1);
    assert.equal(s1.checkpoint.size, s0.size, 'a checkpoint was signed before the interval passed');
    const h = await a.ok(`/api/v1/ledger/records/org/${org.id}`);
    assert.equal(h.leaves.length, 1);
    assert.equal(h.leaves[0].status, 'pending');
    assert.equal(h.leaves[0].proof, undefined, 'a pending leaf has a proof');
    // Not yet in any checkpoint: no inclusion proof against the signed size.
    assertProblem(await c.get(`${PUB}/proof/inclusion?index=${s0.size}&size=${s0.size}`), 400, 'validation');

    const r = L.assertExit(L.zhili(slow, ['ledger', 'checkpoint', '--ledger-key', slow.ledgerKey]), 0, 'ledger checkpoint:');
    const key = (await c.get(`${PUB}/key`)).text.trim();
    L.assertExit(L.verifyCheckpoint(key, r.stdout), 0, 'the note `zhili ledger checkpoint` printed:');
    assert.equal(L.parseNote(r.stdout).size, s1.size);
    const s2 = await c.ok(PUB);
    assert.equal(s2.checkpoint.size, s1.size);
    assert.equal((await c.get(`${PUB}/checkpoint`)).text, r.stdout);
    const h2 = await a.ok(`/api/v1/ledger/records/org/${org.id}`);
    assert.equal(h2.leaves[0].status, 'included');
    assert.ok(L.verifyInclusion({ leafHash: h2.leaves[0].leaf_hash, index: h2.leaves[0].index, size: s2.checkpoint.size,
      root: s2.checkpoint.root, proof: h2.leaves[0].proof }));
    // Nothing new: a second run signs nothing new.
    L.assertExit(L.zhili(slow, ['ledger', 'checkpoint', '--ledger-key', slow.ledgerKey]), 0);
    assert.equal((await c.ok(`${PUB}/checkpoints`)).items.filter((x) => x.size === s1.size).length, 1, 'the same size was signed twice');
  } finally {
    await slow.stop();
  }
});

// Last: a cosignature changes what /checkpoint serves.
test('witness cosignatures: refused from an unknown witness (403), accepted from a configured one and served under the checkpoint', async () => {
  const s = await L.waitCheckpoint(pub);
  const text = (await pub.get(`${PUB}/checkpoint`)).text;
  const note = L.parseNote(text);
  const logKey = (await pub.get(`${PUB}/key`)).text.trim();

  const stranger = L.makeWitness('witness.test/stranger');
  assertProblem(await pub.post(`${PUB}/cosignatures`, { size: note.size, cosignature: stranger.cosign(note.body) }), 403, 'forbidden');
  // The configured witness, but over another body (a different size) or with a broken signature.
  const otherBody = note.body.replace(`\n${note.size}\n`, `\n${note.size + 1}\n`);
  assertProblem(await pub.post(`${PUB}/cosignatures`, { size: note.size, cosignature: witness.cosign(otherBody) }), 403, 'forbidden');
  const good = witness.cosign(note.body);
  const broken = good.slice(0, -6) + (good.slice(-6, -5) === 'A' ? 'B' : 'A') + good.slice(-5);
  assertProblem(await pub.post(`${PUB}/cosignatures`, { size: note.size, cosignature: broken }), 403, 'forbidden');
  assertProblem(await pub.post(`${PUB}/cosignatures`, { size: note.size, cosignature: 'not a cosignature' }), [400, 403]);
  assertProblem(await pub.post(`${PUB}/cosignatures`, { size: note.size + 1000, cosignature: good }), 404);
  assert.equal((await pub.get(`${PUB}/checkpoint`)).text, text, 'a refused cosignature changed the checkpoint');

  // The CLI offers no witness key generation or cosigning: the witness here is made with node:crypto.
  const ok = await pub.post(`${PUB}/cosignatures`, { size: note.size, cosignature: good });
  assert.equal(ok.status, 204, `a configured witness's cosignature: ${ok.status} ${ok.text}`);
  const served = (await pub.get(`${PUB}/checkpoint`)).text;
  assert.equal(served, `${text}${good}\n`, 'the cosignature is not served as a line under the checkpoint');
  const sn = L.parseNote(served);
  assert.equal(sn.body, note.body);
  assert.equal(sn.sigs.length, 2);
  L.assertExit(L.verifyCheckpoint(witness.verifierKey, served), 0, 'the cosigned checkpoint with the witness key:');
  L.assertExit(L.verifyCheckpoint(logKey, served), 0, 'the cosigned checkpoint with the log key:');
  L.assertExit(L.verifyCheckpoint(stranger.verifierKey, served), 1, 'the cosigned checkpoint with a stranger\'s key:');
  L.assertExit(L.verifyCheckpoint(witness.verifierKey, text), 1, 'the uncosigned checkpoint with the witness key:');
  assert.equal((await pub.ok(PUB)).checkpoint.size, s.checkpoint.size);
});
