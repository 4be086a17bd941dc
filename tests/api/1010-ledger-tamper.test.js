// 1010-ledger-tamper: change the database behind the server's back (sqlite3 / psql on a stopped
// server) and check that it is caught: `zhili ledger verify` names every edited, deleted, inserted or
// reordered row with its entity, id and leaf index; a log rewritten or truncated by whoever holds the
// database and the signing key is caught by a client holding an earlier signed checkpoint, because
// the consistency proof to the new log no longer verifies (or the server cannot give one).
// Each case runs on its own server and database.
'use strict';

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, assertProblem } = require('../lib/server');
const F = require('../lib/fixtures');
const L = require('../lib/ledger');

const PUB = L.PUB;
const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

/**
 * A fresh server with the demo data and a few audited changes (an org created and renamed), a
 * checkpoint of the whole log, and what a client would keep: the verifier key and that checkpoint.
 */
async function fresh(label) {
  const srv = await startServer({ name: `1010-ledger-tamper-${label}` });
  servers.push(srv);
  const d = await F.demo(srv);
  const org = await F.makeOrg(d.admin, d.orgs.GSWJW.id);
  const p = await d.admin.patch(`/api/v1/orgs/${org.id}`, { version: org.version, name: '篡改测试机构' });
  assert.equal(p.status, 200, p.text);
  const pub = srv.client();
  const s = await L.waitCheckpoint(pub);
  const key = (await pub.get(`${PUB}/key`)).text.trim();
  const saved = { size: s.checkpoint.size, root: s.checkpoint.root, note: s.checkpoint.note };
  L.assertExit(L.verifyCheckpoint(key, saved.note), 0, `${label}: the saved checkpoint:`);
  return { srv, d, admin: d.admin, org: p.body, pub, key, saved };
}

/** The leaves of a record ({ index, audit_id, action, … }, oldest first) as admin sees them. */
async function leavesOf(admin, entity, id) {
  const h = await admin.ok(`/api/v1/ledger/records/${entity}/${id}`);
  assert.ok(h.leaves.length >= 1, `${entity} ${id} has no leaves`);
  return h.leaves;
}

/** Run `zhili ledger verify`; assert exit 1 and return the TAMPERED lines. */
function verifyTampered(srv, what) {
  const r = L.assertExit(L.ledgerVerify(srv), 1, `${what}:`);
  const lines = L.tampered(r);
  assert.ok(lines.length >= 1, `${what}: exit 1 but no TAMPERED line:\n${r.stdout}`);
  assert.match(r.stdout, /^INVALID: /m, `${what}: no INVALID summary:\n${r.stdout}`);
  return { lines, out: r.stdout };
}

/** Some line names all the given words (e.g. "user 3", "leaf 18"). */
function assertNamed(v, words, what) {
  const re = words.map((w) => new RegExp(`(^|[^0-9A-Za-z_])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z_])`));
  assert.ok(v.lines.some((l) => re.every((r) => r.test(l))),
    `${what}: no TAMPERED line names ${words.join(' + ')}:\n${v.out}`);
}

/** Every leaf hash of the stored level-0 tile (the logs here are below 256 leaves). */
function storedTile(srv) {
  const rows = L.sql(srv, `SELECT ${L.hexExpr(srv, 'data')} FROM tlog_tiles WHERE level = 0 AND idx = 0`);
  assert.equal(rows.length, 1, 'no level-0 tile 0');
  const b = Buffer.from(rows[0][0], 'hex');
  const out = [];
  for (let i = 0; i < b.length / 32; i++) out.push(b.subarray(32 * i, 32 * i + 32));
  return out;
}

/** Replace the log's tiles and head with the given leaf hashes (a forger who knows the format). */
function writeLog(srv, hashes) {
  assert.ok(hashes.length < 256);
  L.sql(srv, `UPDATE tlog_tiles SET data = ${L.blobLiteral(srv, Buffer.concat(hashes))} WHERE level = 0 AND idx = 0; ` +
    `UPDATE tlog_head SET size = ${hashes.length}, frontier = ${L.blobLiteral(srv, L.frontierBlob(hashes))} WHERE id = 1`);
}

/** Remove the signed checkpoints above `size` (the forger hides them). */
function dropCheckpointsAbove(srv, size) {
  L.sql(srv, `DELETE FROM tlog_cosignatures WHERE checkpoint_id IN (SELECT id FROM tlog_checkpoints WHERE size > ${size}); ` +
    `DELETE FROM tlog_checkpoints WHERE size > ${size}`);
}

/**
 * What a client holding `saved` does against the (restarted) server: fetch the latest signed
 * checkpoint, check its signature with the key it trusts, and ask for a consistency proof from the
 * saved size. Returns { detected, how } — detected when the server refuses (the saved size is beyond
 * the log) or the proof does not verify against the saved root and the signed latest root, by both
 * the CLI and the JS verifier (which must agree).
 */
async function clientCheck(pub, key, saved) {
  const text = (await pub.get(`${PUB}/checkpoint`)).text;
  L.assertExit(L.verifyCheckpoint(key, text), 0, 'the latest checkpoint (signed with the log key):');
  const latest = L.parseNote(text);
  const r = await pub.get(`${PUB}/proof/consistency?old=${saved.size}&new=${latest.size}`);
  if (r.status !== 200) {
    assertProblem(r, 400, 'validation');
    return { detected: true, how: 'refused', latest };
  }
  const args = { oldSize: saved.size, newSize: latest.size, oldRoot: saved.root, newRoot: latest.root, proof: r.body.proof };
  const cli = L.tlog(['verify-consistency', '--old-size', String(args.oldSize), '--new-size', String(args.newSize),
    '--old-root', args.oldRoot, '--new-root', args.newRoot, `--proof=${args.proof.join(',')}`]);
  assert.ok(cli.status === 0 || cli.status === 1, `verify-consistency exit ${cli.status}: ${cli.stderr}`);
  const js = L.verifyConsistency(args);
  assert.equal(js, cli.status === 0, `the CLI (exit ${cli.status}) and the JS verifier (${js}) disagree`);
  return { detected: cli.status === 1, how: cli.status === 1 ? 'proof fails' : 'proof verifies', latest, proof: r.body, cli };
}

test('(a) an untouched database verifies: exit 0, no TAMPERED line, the checkpoint matches', async () => {
  const { srv, pub, key, saved } = await fresh('intact');
  await srv.halt();
  const r = L.assertExit(L.ledgerVerify(srv), 0, 'intact:');
  assert.deepEqual(L.tampered(r), []);
  assert.match(r.stdout, new RegExp(`^OK: ${saved.size} leaves \\(sha256\\), root ${saved.root}, checkpoint matches; 0 problems$`, 'm'));
  // And a client's view after a restart: the same log, consistent with itself.
  await srv.restart();
  const c = await clientCheck(pub, key, saved);
  assert.equal(c.detected, false, `an untouched log was reported: ${c.how}`);
  assert.equal(c.latest.root, saved.root);
});

test('(b) a user changed behind the platform\'s back is named: "user <id>" and its leaf', async () => {
  const { srv, d, admin } = await fresh('edit-user');
  const id = d.users.finance.id;
  const leaf = (await leavesOf(admin, 'user', id)).at(-1).index;
  await srv.halt();
  L.sql(srv, `UPDATE users SET display_name = '冒名顶替' WHERE id = ${id}`);
  const v = verifyTampered(srv, 'a user\'s display_name edited');
  assertNamed(v, [`user ${id}`, `leaf ${leaf}`], 'edited user');
  for (const l of v.lines) assert.ok(l.includes(`user ${id}`), `a line blames something else: ${l}`);
});

test('(c) an edited audit row is named by its leaf index, entity and id', async () => {
  const { srv, admin, org, pub } = await fresh('edit-audit');
  const create = (await leavesOf(admin, 'org', org.id))[0];
  assert.equal(create.action, 'create');
  await srv.halt();
  L.sql(srv, `UPDATE audit SET action = 'delete' WHERE id = ${create.audit_id}`);
  const v = verifyTampered(srv, 'an audit row\'s action edited');
  assertNamed(v, [`leaf ${create.index}`, `org ${org.id}`], 'edited audit row');
  assertNamed(v, [`audit row ${create.audit_id}`], 'edited audit row');
  // A client that hashes the served entry itself finds it is not the leaf the signed checkpoint holds.
  await srv.restart();
  const s = await L.waitCheckpoint(pub);
  const e = await pub.ok(`${PUB}/entries/${create.index}`);
  assert.equal(JSON.parse(e.leaf).action, 'delete', 'the entry is not rebuilt from the audit row');
  const p = await pub.ok(`${PUB}/proof/inclusion?index=${create.index}&size=${s.checkpoint.size}`);
  const mine = L.hexOf(L.leafHash(e.leaf));
  assert.notEqual(mine, p.leaf_hash);
  L.assertExit(L.cliInclusion({ leafHash: mine, index: create.index, size: s.checkpoint.size, root: s.checkpoint.root, proof: p.proof }), 1,
    'inclusion of the edited entry against the signed checkpoint:');
});

test('(d) a deleted audit row is named as its missing leaf', async () => {
  const { srv, admin, org } = await fresh('delete-audit');
  const create = (await leavesOf(admin, 'org', org.id))[0];
  await srv.halt();
  L.sql(srv, `DELETE FROM audit WHERE id = ${create.audit_id}`);
  const v = verifyTampered(srv, 'an audit row deleted');
  assertNamed(v, [`leaf ${create.index}`], 'deleted audit row');
  assert.ok(v.lines.some((l) => l.includes(`leaf ${create.index}`) && /missing|deleted/.test(l)),
    `the line for leaf ${create.index} does not say it is missing:\n${v.out}`);
});

test('(e1) an audit row inserted without a leaf is reported', async () => {
  const { srv, d } = await fresh('insert-leafless');
  const uid = d.users.finance.id;
  await srv.halt();
  L.sql(srv, 'INSERT INTO audit (at, actor_id, actor_name, org_id, entity, entity_id, action, digest, client_addr) ' +
    `VALUES (${Math.floor(Date.now() / 1000)}, ${d.users.admin.id}, '', ${d.orgs.GSCZT.id}, 'user', ${uid}, 'update', ` +
    `'${crypto.randomBytes(32).toString('hex')}', '127.0.0.1')`);
  const fake = Number(L.sql(srv, 'SELECT max(id) FROM audit')[0][0]);
  const v = verifyTampered(srv, 'a leafless audit row inserted');
  assertNamed(v, [`audit row ${fake}`, `user ${uid}`], 'inserted leafless row');
});

test('(e2) an audit row inserted with a leaf index beyond the log is reported', async () => {
  const { srv, d, saved } = await fresh('insert-beyond');
  const uid = d.users.finance.id;
  const beyond = saved.size + 5;
  await srv.halt();
  L.sql(srv, 'INSERT INTO audit (at, actor_id, actor_name, org_id, entity, entity_id, action, digest, client_addr, leaf_index) ' +
    `VALUES (${Math.floor(Date.now() / 1000)}, ${d.users.admin.id}, '', ${d.orgs.GSCZT.id}, 'user', ${uid}, 'update', ` +
    `'${crypto.randomBytes(32).toString('hex')}', '127.0.0.1', ${beyond})`);
  const fake = Number(L.sql(srv, 'SELECT max(id) FROM audit')[0][0]);
  const v = verifyTampered(srv, 'an audit row inserted beyond the log');
  assertNamed(v, [`leaf ${beyond}`, `audit row ${fake}`], 'inserted row beyond the log');
  assert.ok(v.lines.some((l) => /beyond/.test(l)), `nothing says a leaf is beyond the log's size:\n${v.out}`);
});

test('(e3) the public API does not serve a leaf beyond the log, even when an audit row claims one', async () => {
  const { srv, d, pub, saved } = await fresh('entry-beyond');
  const beyond = saved.size + 2;
  await srv.halt();
  L.sql(srv, 'INSERT INTO audit (at, actor_id, actor_name, org_id, entity, entity_id, action, digest, client_addr, leaf_index) ' +
    `VALUES (${Math.floor(Date.now() / 1000)}, ${d.users.admin.id}, '', ${d.orgs.GSCZT.id}, 'user', ${d.users.finance.id}, 'update', ` +
    `'${crypto.randomBytes(32).toString('hex')}', '127.0.0.1', ${beyond})`);
  await srv.restart();
  assert.equal((await pub.ok(PUB)).size, saved.size);
  const r = await pub.get(`${PUB}/entries/${beyond}`);
  assertProblem(r, 404, 'not-found');
});

test('(f) two audit rows swapped (reordered) are both named', async () => {
  const { srv, d, admin, org } = await fresh('reorder');
  const a = (await leavesOf(admin, 'org', org.id))[0];
  const b = (await leavesOf(admin, 'user', d.users.finance.id))[0];
  assert.notEqual(a.index, b.index);
  await srv.halt();
  L.sql(srv, `UPDATE audit SET leaf_index = -999 WHERE id = ${a.audit_id}; ` +
    `UPDATE audit SET leaf_index = ${a.index} WHERE id = ${b.audit_id}; ` +
    `UPDATE audit SET leaf_index = ${b.index} WHERE id = ${a.audit_id}`);
  const v = verifyTampered(srv, 'two audit rows swapped');
  assertNamed(v, [`leaf ${a.index}`, `audit row ${b.audit_id}`], 'swapped rows (first)');
  assertNamed(v, [`leaf ${b.index}`, `audit row ${a.audit_id}`], 'swapped rows (second)');
});

test('(g1) a rewritten tile hash: the consistency proof from the saved checkpoint fails, and verify names the leaf', async () => {
  const { srv, d, admin, pub, key, saved } = await fresh('rewrite-tile');
  assert.notEqual(saved.size & (saved.size - 1), 0, 'pick a saved size that is not a power of two');
  for (let i = 0; i < 3; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  const later = await L.waitCheckpoint(pub, saved.size + 3);
  const j = 4;
  await srv.halt();
  const hashes = storedTile(srv);
  assert.equal(hashes.length, later.size);
  hashes[j] = crypto.randomBytes(32);
  L.sql(srv, `UPDATE tlog_tiles SET data = ${L.blobLiteral(srv, Buffer.concat(hashes))} WHERE level = 0 AND idx = 0`);
  const v = verifyTampered(srv, 'a tile hash rewritten');
  assertNamed(v, [`leaf ${j}`], 'rewritten tile hash');

  await srv.restart();
  assert.equal((await pub.get(`${PUB}/key`)).text.trim(), key);
  const c = await clientCheck(pub, key, saved);
  assert.ok(c.detected, `the client did not notice a rewritten tile (${c.how})`);
  assert.equal(c.how, 'proof fails');
  assert.notEqual(c.proof.old_root, saved.root, 'the server still claims the saved root');
  // An inclusion proof of the rewritten leaf against the signed checkpoint fails too.
  const p = await pub.ok(`${PUB}/proof/inclusion?index=${j}&size=${later.size}`);
  L.assertExit(L.cliInclusion({ leafHash: p.leaf_hash, index: j, size: later.size, root: later.checkpoint.root, proof: p.proof }), 1,
    'inclusion of the rewritten leaf against the signed root:');
});

test('(g2) history rewritten consistently and re-signed with the log key: the consistency proof from the saved checkpoint fails', async () => {
  const { srv, d, admin, pub, key, saved } = await fresh('rewrite-history');
  for (let i = 0; i < 3; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  const later = await L.waitCheckpoint(pub, saved.size + 3);
  const texts = await L.leafTexts(pub, later.size);
  const j = 3;
  const forged = JSON.parse(texts[j]);
  const row = (await admin.ok(`/api/v1/audit?entity=${forged.entity}&entity_id=${forged.entity_id}&limit=500`)).items
    .find((x) => x.action === forged.action && x.digest === forged.record_digest);
  assert.ok(row, `no audit row behind leaf ${j}`);
  forged.action = 'delete';
  texts[j] = L.canonical(forged);
  const hashes = texts.map((t) => L.leafHash(t));
  await srv.halt();
  // The forger edits the row, rebuilds tiles and head to match, and hides the old checkpoints.
  L.sql(srv, `UPDATE audit SET action = 'delete' WHERE id = ${row.id}`);
  writeLog(srv, hashes);
  dropCheckpointsAbove(srv, 0);
  await srv.restart();
  const s = await L.waitCheckpoint(pub, later.size);
  assert.equal(s.checkpoint.root, L.hexOf(L.treeRoot(hashes)), 'the server did not sign the forged tree');
  assert.notEqual(s.checkpoint.root, later.checkpoint.root);

  const c = await clientCheck(pub, key, saved);
  assert.ok(c.detected, `the client did not notice the rewritten history (${c.how})`);
  assert.equal(c.how, 'proof fails');
  assert.notEqual(c.proof.old_root, saved.root);
  // From the later saved checkpoint: same size, another root — refused too.
  L.assertExit(L.cliConsistency({ oldSize: later.size, newSize: s.size, oldRoot: later.checkpoint.root,
    newRoot: s.checkpoint.root, proof: [] }), 1, 'same size, another root:');
});

test('(g3) a truncated log: the server cannot prove consistency with the saved checkpoint; once regrown, the proof fails', async () => {
  const { srv, d, admin, pub, key, saved } = await fresh('truncate');
  for (let i = 0; i < 3; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  const later = await L.waitCheckpoint(pub, saved.size + 3);
  const k = saved.size - 2;
  await srv.halt();
  const hashes = storedTile(srv).slice(0, k);
  L.sql(srv, `DELETE FROM audit WHERE leaf_index >= ${k}`);
  writeLog(srv, hashes);
  dropCheckpointsAbove(srv, k);
  L.assertExit(L.ledgerVerify(srv), 1, 'the truncated log (records point past it):');
  await srv.restart();
  assert.equal((await pub.ok(PUB)).size, k);

  // The saved size is now beyond the log: no proof.
  assertProblem(await pub.get(`${PUB}/proof/consistency?old=${saved.size}&new=${saved.size}`), 400, 'validation');
  assertProblem(await pub.get(`${PUB}/proof/inclusion?index=0&size=${saved.size}`), 400, 'validation');

  // The log grows past the old size again (a fork): the proof from the saved checkpoint fails.
  for (let i = 0; i < later.size - k + 1; i++) await F.makeOrg(admin, d.orgs.GSWJW.id);
  const s = await L.waitCheckpoint(pub, later.size + 1);
  assert.ok(s.size > later.size);
  const c = await clientCheck(pub, key, saved);
  assert.ok(c.detected, `the client did not notice the truncated and regrown log (${c.how})`);
  assert.equal(c.how, 'proof fails');
  assert.notEqual(c.proof.old_root, saved.root);
  const c2 = await clientCheck(pub, key, { size: later.size, root: later.checkpoint.root });
  assert.ok(c2.detected, 'nor from the later checkpoint');
});
