// 1020-ledger-stripes: the stripe roots kept beside every full level-0 tile (tlog_tiles.roots, the 16
// level-4 hashes that let an inclusion proof hash one stripe instead of the whole tile). They equal
// the level-4 hashes of the served tiles; a log without them gets them when the server starts or on
// `zhili migrate`; a wrong or stale one is named by `zhili ledger verify` and changes no served
// proof; a leaf rewritten with roots made to match is named too, and its proof fails against the
// signed root. The tiles themselves are what a C2SP client reads, unchanged.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const F = require('../lib/fixtures');
const L = require('../lib/ledger');

const PUB = L.PUB;
const LEAVES = 1100;   // bench leaves added to the demo log: four full tiles and a partial one

let srv;
let pub;
let cp;        // the signed checkpoint of the whole log { size, root }
let hashes;    // every leaf hash, from the served tiles
let fullTiles;

/** The served level-0 tile t as 32-byte hashes. */
async function tile(t, width = 256) {
  const p = `${PUB}/tile/0/${L.tileIndexPath(t)}${width < 256 ? `.p/${width}` : ''}`;
  const r = await L.getBytes(srv.base, p);
  assert.equal(r.status, 200, `GET ${p}: ${r.status}`);
  assert.equal(r.bytes.length, width * 32);
  const out = [];
  for (let i = 0; i < width; i++) out.push(r.bytes.subarray(32 * i, 32 * i + 32));
  return out;
}

/** The 16 stripe roots of a full tile's hashes, computed here (RFC 9162 over each 16 leaves). */
const rootsOf = (tileHashes) => Buffer.concat(Array.from({ length: 16 },
  (_, s) => L.treeRoot(tileHashes.slice(16 * s, 16 * s + 16))));

/** The stored roots of level-0 tile t as a Buffer (null for none). */
function storedRoots(t) {
  const rows = L.sql(srv, `SELECT idx, ${L.hexExpr(srv, 'roots')} FROM tlog_tiles WHERE level = 0 AND idx = ${t}`);
  assert.equal(rows.length, 1, `no level-0 tile ${t}`);
  return rows[0][1] ? Buffer.from(rows[0][1], 'hex') : null;
}

function setRoots(t, b) {
  L.sql(srv, `UPDATE tlog_tiles SET roots = ${b ? L.blobLiteral(srv, b) : 'NULL'} WHERE level = 0 AND idx = ${t}`);
}

/** The served inclusion proof of leaf i against the checkpoint, as its exact response text. */
async function proofText(i) {
  const r = await pub.get(`${PUB}/proof/inclusion?index=${i}&size=${cp.size}`);
  assert.equal(r.status, 200, r.text);
  return r.text;
}

/** `zhili ledger verify`: exit 1 with TAMPERED lines, returned. */
function tamperedLines(what) {
  const r = L.assertExit(L.ledgerVerify(srv), 1, `${what}:`);
  const lines = L.tampered(r);
  assert.ok(lines.length >= 1, `${what}: exit 1 but no TAMPERED line:\n${r.stdout}`);
  return lines;
}

before(async () => {
  srv = await startServer({ name: '1020-ledger-stripes' });
  await F.demo(srv);
  pub = srv.client();
  await srv.halt();
  L.assertExit(L.zhili(srv, ['bench-seed', '--users', '0', '--ledger-leaves', String(LEAVES)]), 0, 'bench-seed:');
  await srv.restart();
  const s = await L.waitCheckpoint(pub);
  cp = { size: s.checkpoint.size, root: s.checkpoint.root };
  assert.equal(cp.size, s.size);
  fullTiles = Math.floor(cp.size / 256);
  assert.ok(fullTiles >= 4 && cp.size % 256 !== 0, `want full tiles and a partial one, have ${cp.size} leaves`);
  hashes = [];
  for (let t = 0; t < fullTiles; t++) hashes.push(...await tile(t));
  hashes.push(...await tile(fullTiles, cp.size % 256));
  assert.equal(L.hexOf(L.treeRoot(hashes)), cp.root, 'the served tiles do not give the signed root');
});
after(async () => { if (srv) await srv.stop(); });

test('every full tile carries its 16 stripe roots, the level-4 hashes of the served tile; no other tile has any', () => {
  for (let t = 0; t < fullTiles; t++) {
    const want = rootsOf(hashes.slice(256 * t, 256 * t + 256));
    assert.deepEqual(storedRoots(t), want, `tile 0/${t}: stored roots differ from its level-4 hashes`);
  }
  assert.equal(storedRoots(fullTiles), null, 'the partial tile has roots');
  assert.deepEqual(L.sql(srv, 'SELECT count(*) FROM tlog_tiles WHERE level > 0 AND roots IS NOT NULL'), [['0']]);
});

test('proofs of leaves in full tiles are the RFC 9162 proofs of the JS tree and verify against the signed root', async () => {
  const picks = [0, 1, 15, 16, 17, 255, 256, 300, 511, 512, 767, 800, 1023, 256 * fullTiles - 1, 256 * fullTiles];
  for (let i = 2; i < cp.size; i += 37) picks.push(i);
  for (const i of picks) {
    const p = JSON.parse(await proofText(i));
    assert.equal(p.leaf_hash, L.hexOf(hashes[i]), `leaf ${i}: leaf_hash`);
    assert.equal(p.root, cp.root);
    assert.deepEqual(p.proof, L.inclusionProof(hashes, i, cp.size).map(L.hexOf), `leaf ${i}: proof`);
    assert.ok(L.verifyInclusion({ leafHash: hashes[i], index: i, size: cp.size, proof: p.proof, root: cp.root }), `leaf ${i}`);
  }
  const i = 300;
  const p = JSON.parse(await proofText(i));
  L.assertExit(L.cliInclusion({ leafHash: p.leaf_hash, index: i, size: cp.size, root: cp.root, proof: p.proof }), 0,
    'zhili tlog verify-inclusion of leaf 300:');
});

test('a wrong or stale stripe root is named by verify and changes no served proof', async () => {
  const t = 1;
  const good = storedRoots(t);
  const leaves = [256, 256 + 5 * 16, 256 + 5 * 16 + 7, 256 + 6 * 16, 511];
  const before = [];
  for (const i of leaves) before.push(await proofText(i));
  const wrong = Buffer.from(good);
  wrong[5 * 32] ^= 1;                                     // stripe 5's root
  const cases = [
    { what: 'stripe root 5 of tile 0/1 changed', roots: wrong, named: /tile 0\/1: stripe root 5 \(leaves 336 to 351\)/ },
    { what: 'tile 0/1 given the roots of tile 0/2', roots: storedRoots(2), named: /tile 0\/1: stripe root 0 / },
    { what: 'tile 0/1 given roots of the wrong length', roots: good.subarray(0, 480), named: /tile 0\/1: its stripe roots are not 16 hashes/ },
  ];
  for (const c of cases) {
    await srv.halt();
    setRoots(t, c.roots);
    const lines = tamperedLines(c.what);
    assert.ok(lines.some((l) => c.named.test(l)), `${c.what}: not named:\n${lines.join('\n')}`);
    await srv.restart();
    for (let k = 0; k < leaves.length; k++) {
      assert.equal(await proofText(leaves[k]), before[k], `${c.what}: the proof of leaf ${leaves[k]} changed`);
    }
  }
  await srv.halt();
  setRoots(t, good);
  L.assertExit(L.ledgerVerify(srv), 0, 'roots restored:');
  await srv.restart();
});

test('roots on a tile that is not full are named by verify', async () => {
  await srv.halt();
  setRoots(fullTiles, storedRoots(0));
  const lines = tamperedLines('roots on the partial tile');
  assert.ok(lines.some((l) => /1 tiles that are not full level-0 tiles carry stripe roots/.test(l)), lines.join('\n'));
  setRoots(fullTiles, null);
  L.assertExit(L.ledgerVerify(srv), 0, 'stray roots removed:');
  await srv.restart();
});

test('a leaf rewritten with its stripe roots made to match: verify names it, its proof fails against the signed root', async () => {
  const t = 2;
  const j = 256 * t + 40;
  const goodTile = hashes.slice(256 * t, 256 * t + 256);
  const forged = goodTile.slice();
  forged[40] = L.sha256('forged leaf');
  await srv.halt();
  L.sql(srv, `UPDATE tlog_tiles SET data = ${L.blobLiteral(srv, Buffer.concat(forged))}, ` +
    `roots = ${L.blobLiteral(srv, rootsOf(forged))} WHERE level = 0 AND idx = ${t}`);
  const lines = tamperedLines('a leaf and its roots rewritten');
  assert.ok(lines.some((l) => new RegExp(`^TAMPERED: leaf ${j}: `).test(l)), `leaf ${j} not named:\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => /tile 0\/2: stripe root 2 /.test(l)), `the forged stripe root not named:\n${lines.join('\n')}`);
  await srv.restart();
  const p = JSON.parse(await proofText(j));
  assert.equal(p.leaf_hash, L.hexOf(forged[40]), 'the served leaf hash is not the stored one');
  assert.equal(L.verifyInclusion({ leafHash: p.leaf_hash, index: j, size: cp.size, proof: p.proof, root: cp.root }), false,
    'a rewritten leaf verified against the signed root');
  L.assertExit(L.cliInclusion({ leafHash: p.leaf_hash, index: j, size: cp.size, root: cp.root, proof: p.proof }), 1,
    'zhili tlog verify-inclusion of the rewritten leaf:');
  // The proof is the one the (forged) tile alone gives: the roots changed nothing.
  const alone = hashes.slice();
  alone[j] = forged[40];
  assert.deepEqual(p.proof, L.inclusionProof(alone, j, cp.size).map(L.hexOf));
  await srv.halt();
  L.sql(srv, `UPDATE tlog_tiles SET data = ${L.blobLiteral(srv, Buffer.concat(goodTile))}, ` +
    `roots = ${L.blobLiteral(srv, rootsOf(goodTile))} WHERE level = 0 AND idx = ${t}`);
  L.assertExit(L.ledgerVerify(srv), 0, 'tile restored:');
  await srv.restart();
});

test('a log without stripe roots (older than them) gets them from `zhili migrate` and when the server starts', async () => {
  const want = [];
  for (let t = 0; t < fullTiles; t++) want.push(storedRoots(t));
  const before = await proofText(600);
  await srv.halt();
  L.sql(srv, 'UPDATE tlog_tiles SET roots = NULL');
  const m = L.assertExit(L.zhili(srv, ['migrate']), 0, 'zhili migrate:');
  assert.match(m.stdout, new RegExp(`stripe roots of ${fullTiles} full tiles stored`));
  for (let t = 0; t < fullTiles; t++) assert.deepEqual(storedRoots(t), want[t], `migrate: tile 0/${t}`);
  L.sql(srv, 'UPDATE tlog_tiles SET roots = NULL WHERE idx = 1');
  await srv.restart();
  assert.deepEqual(storedRoots(1), want[1], 'serve did not rebuild the roots of tile 0/1');
  assert.equal(await proofText(600), before);
  await srv.halt();
  L.assertExit(L.ledgerVerify(srv), 0, 'rebuilt roots:');
  await srv.restart();
});
