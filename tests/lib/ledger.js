// ledger.js: an independent RFC 9162 Merkle tree in JavaScript (node:crypto), C2SP signed-note
// parsing, a witness that cosigns checkpoints (C2SP tlog-cosignature/v1, Ed25519), and helpers to
// run `zhili tlog …` / `zhili ledger …` and to change a stopped server's database with sqlite3 or psql.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, sleep } = require('./server');

const PUB = '/api/v1/public/ledger';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// ---- RFC 9162 hashing ------------------------------------------------------------------------

const buf = (x) => (Buffer.isBuffer(x) ? x : typeof x === 'string' && /^[0-9a-f]*$/i.test(x) && x.length % 2 === 0
  ? Buffer.from(x, 'hex') : Buffer.from(x));
const hexOf = (b) => Buffer.from(b).toString('hex');

function hashWith(alg, ...parts) {
  const h = crypto.createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
}
const sha256 = (...parts) => hashWith('sha256', ...parts);
/** H(0x00 || data); data is a Buffer or a string (UTF-8). */
const leafHash = (data, alg = 'sha256') => hashWith(alg, Buffer.from([0]), Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
const nodeHash = (l, r, alg = 'sha256') => hashWith(alg, Buffer.from([1]), l, r);

/** The largest power of two smaller than n (n > 1). */
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[lo:hi]) over leaf hashes; complete subtrees are remembered in memo (big logs). */
function mth(hashes, lo, hi, alg, memo) {
  const n = hi - lo;
  if (n === 0) return hashWith(alg);
  if (n === 1) return hashes[lo];
  const complete = (n & (n - 1)) === 0;
  const key = `${lo}:${hi}`;
  if (complete && memo && memo.has(key)) return memo.get(key);
  const k = split(n);
  const h = nodeHash(mth(hashes, lo, lo + k, alg, memo), mth(hashes, lo + k, hi, alg, memo), alg);
  if (complete && memo) memo.set(key, h);
  return h;
}

/** A memo for one list of leaf hashes (pass the same one to every call on that list). */
const memoFor = (() => {
  const memos = new WeakMap();
  return (hashes) => {
    if (!memos.has(hashes)) memos.set(hashes, new Map());
    return memos.get(hashes);
  };
})();

/** MTH over leaf hashes (Buffers), or over the first `size` of them; the empty tree's root is H(""). */
function treeRoot(hashes, alg = 'sha256', size = hashes.length) {
  return mth(hashes, 0, size, alg, alg === 'sha256' ? memoFor(hashes) : new Map());
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:size]) over leaf hashes (SHA-256). */
function inclusionProof(hashes, m, size = hashes.length) {
  const memo = memoFor(hashes);
  function path(idx, lo, hi) {
    const n = hi - lo;
    if (n <= 1) return [];
    const k = split(n);
    if (idx < k) return [...path(idx, lo, lo + k), mth(hashes, lo + k, hi, 'sha256', memo)];
    return [...path(idx - k, lo + k, hi), mth(hashes, lo, lo + k, 'sha256', memo)];
  }
  return path(m, 0, size);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:size]) over leaf hashes (SHA-256; 0 < m ≤ size). */
function consistencyProof(hashes, m, size = hashes.length) {
  const memo = memoFor(hashes);
  function sub(m2, lo, hi, b) {
    const n = hi - lo;
    if (m2 === n) return b ? [] : [mth(hashes, lo, hi, 'sha256', memo)];
    const k = split(n);
    if (m2 <= k) return [...sub(m2, lo, lo + k, b), mth(hashes, lo + k, hi, 'sha256', memo)];
    return [...sub(m2 - k, lo + k, hi, false), mth(hashes, lo, lo + k, 'sha256', memo)];
  }
  return sub(m, 0, size, true);
}

/** RFC 9162 §2.1.3.2; arguments are Buffers or hex. */
function verifyInclusion({ leafHash: lh, index, size, proof, root }) {
  if (index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = buf(lh);
  for (const p0 of proof) {
    const p = buf(p0);
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(buf(root));
}

/** RFC 9162 §2.1.4.2; arguments are Buffers or hex. */
function verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof }) {
  const o = buf(oldRoot);
  const nr = buf(newRoot);
  const path0 = proof.map(buf);
  if (oldSize > newSize || oldSize < 1) return false;
  if (oldSize === newSize) return path0.length === 0 && o.equals(nr);
  if (path0.length === 0) return false;
  // When the old size is a power of two its root is the first node of the path.
  if ((oldSize & (oldSize - 1)) === 0) path0.unshift(o);
  let fn = BigInt(oldSize) - 1n;
  let sn = BigInt(newSize) - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path0[0];
  let sr = path0[0];
  for (const c of path0.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(o) && sr.equals(nr) && sn === 0n;
}

/** The stored frontier of a log (8-byte big-endian size, then the roots of the complete subtrees
 * on the right edge, lowest level first), as `tlog_head.frontier` holds it. */
function frontierBlob(hashes) {
  const n = hashes.length;
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(n));
  const byLevel = [];
  let off = 0;
  for (let k = 62; k >= 0; k--) {
    const w = 2 ** k;
    if (Math.floor(n / w) % 2 === 1) {
      byLevel[k] = treeRoot(hashes.slice(off, off + w));
      off += w;
    }
  }
  const parts = [head];
  for (let k = 0; k < byLevel.length; k++) if (byLevel[k]) parts.push(byLevel[k]);
  return Buffer.concat(parts);
}

/** Canonical JSON as the server makes it: sorted keys, no insignificant spaces. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// ---- signed notes and keys ---------------------------------------------------------------------

const DASH = '\u2014 ';

/** Split a C2SP signed note: { body (through its last "\n" before the blank line), origin, size,
 * rootB64, root (hex), sigs: [{ name, keyId (hex), raw (Buffer after the key id), line }] }. */
function parseNote(text) {
  const cut = text.lastIndexOf('\n\n');
  assert.ok(cut > 0, `not a signed note: ${JSON.stringify(text.slice(0, 200))}`);
  const body = text.slice(0, cut + 1);
  const lines = body.split('\n');
  const sigs = text.slice(cut + 2).split('\n').filter((l) => l !== '').map((line) => {
    assert.ok(line.startsWith(DASH), `signature line does not start with an em dash: ${line}`);
    const [name, b64] = line.slice(DASH.length).split(' ');
    const raw = Buffer.from(b64, 'base64');
    return { name, keyId: raw.subarray(0, 4).toString('hex'), raw: raw.subarray(4), line };
  });
  const rootBuf = Buffer.from(lines[2] || '', 'base64');
  return { body, origin: lines[0], size: Number(lines[1]), rootB64: lines[2], root: rootBuf.toString('hex'), sigs };
}

/** Parse a verifier key "<name>+<hash8>+<base64(type || key)>". */
function parseVerifierKey(text) {
  const t = text.trim();
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(t);
  assert.ok(m, `not a verifier key: ${t}`);
  const raw = Buffer.from(m[3], 'base64');
  return { name: m[1], keyId: m[2], type: raw[0], pub: raw.subarray(1) };
}

/** The C2SP key ID: SHA-256(name || "\n" || type || key)[:4]. */
const keyId = (name, type, pub) => sha256(Buffer.from(name + '\n'), Buffer.from([type]), pub).subarray(0, 4);

function ed25519Public(pub) {
  // An SPKI DER for an Ed25519 key is a fixed 12-byte prefix and the 32-byte key.
  return crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
}

/** An Ed25519 key pair (new, or from a 32-byte seed) as note keys:
 * { name, verifierKey, sign(body) -> signature line }. */
function makeSigner(name, type = 0x01, seed = null) {
  let privateKey;
  if (seed) {
    privateKey = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
      format: 'der', type: 'pkcs8' });
  } else {
    privateKey = crypto.generateKeyPairSync('ed25519').privateKey;
  }
  const publicKey = crypto.createPublicKey(privateKey);
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const id = keyId(name, type, pub);
  return {
    name, pub, privateKey,
    verifierKey: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([type]), pub]).toString('base64')}`,
    sign: (body) => `${DASH}${name} ${Buffer.concat([id, crypto.sign(null, Buffer.from(body), privateKey)]).toString('base64')}`,
  };
}

/** A witness (C2SP tlog-cosignature/v1): cosign(body, t) -> "— <name> <base64(keyid || t || sig)>". */
function makeWitness(name, seed = null) {
  const s = makeSigner(name, 0x04, seed);
  const id = keyId(name, 0x04, s.pub);
  return {
    ...s,
    cosign(body, t = Math.floor(Date.now() / 1000)) {
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(BigInt(t));
      const sig = crypto.sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), s.privateKey);
      return `${DASH}${name} ${Buffer.concat([id, ts, sig]).toString('base64')}`;
    },
  };
}

/** Check an Ed25519 (type 0x01) note signature in JS: true when a line of that key verifies. */
function verifyNoteJs(text, verifierKey) {
  const k = parseVerifierKey(verifierKey);
  if (k.type !== 0x01) throw new Error(`key type ${k.type} is not Ed25519`);
  const note = parseNote(text);
  const pk = ed25519Public(k.pub);
  return note.sigs.some((s) => s.name === k.name && s.keyId === k.keyId &&
    crypto.verify(null, Buffer.from(note.body), pk, s.raw));
}

// ---- the CLI -----------------------------------------------------------------------------------

function run(args, opts = {}) {
  const r = spawnSync(BIN, args, { input: opts.input, env: opts.env || process.env, timeout: 60000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString(), args };
}

/** `zhili tlog ARGS` (stdin = input). */
const tlog = (args, input) => run(['tlog', ...args], { input });

/** Assert the exit status of a CLI run, with its output in the message. */
function assertExit(r, status, what = '') {
  assert.equal(r.status, status, `${what} zhili ${r.args.join(' ').slice(0, 400)}: exit ${r.status}, want ${status}\n` +
    `stdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 800)}`);
  return r;
}

/** A temp file with the given content (removed at exit). */
const tmpFiles = [];
function tmpFile(content, name = 'note') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhili-ledger-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  tmpFiles.push(dir);
  return f;
}
process.on('exit', () => { for (const d of tmpFiles) fs.rmSync(d, { recursive: true, force: true }); });

/** zhili tlog verify-checkpoint --key KEY FILE (the note written to a temp file). */
const verifyCheckpoint = (key, text) => tlog(['verify-checkpoint', '--key', key, tmpFile(text)]);

const hexList = (proof) => proof.map((p) => (Buffer.isBuffer(p) ? hexOf(p) : p)).join(',');

/** zhili tlog verify-inclusion with hex or Buffer arguments. */
const cliInclusion = ({ leafHash: lh, index, size, root, proof }) => tlog(['verify-inclusion',
  '--leaf-hash', Buffer.isBuffer(lh) ? hexOf(lh) : lh, '--index', String(index), '--size', String(size),
  '--root', Buffer.isBuffer(root) ? hexOf(root) : root, `--proof=${hexList(proof)}`]);

/** zhili tlog verify-consistency with hex or Buffer arguments. */
const cliConsistency = ({ oldSize, newSize, oldRoot, newRoot, proof }) => tlog(['verify-consistency',
  '--old-size', String(oldSize), '--new-size', String(newSize),
  '--old-root', Buffer.isBuffer(oldRoot) ? hexOf(oldRoot) : oldRoot,
  '--new-root', Buffer.isBuffer(newRoot) ? hexOf(newRoot) : newRoot, `--proof=${hexList(proof)}`]);

/** `zhili ARGS --db <the server's database>` with the server's environment: { status, stdout, stderr }. */
const zhili = (srv, args) => run([...args, '--db', srv.db], { env: srv.env });

/** `zhili ledger verify` on a server's database with its key: { status, stdout, stderr }. */
const ledgerVerify = (srv) => run(['ledger', 'verify', '--db', srv.db, '--ledger-key', srv.ledgerKey], { env: srv.env });

/** The "TAMPERED: …" lines of a verify run. */
const tampered = (r) => r.stdout.split('\n').filter((l) => l.startsWith('TAMPERED:'));

// ---- the server --------------------------------------------------------------------------------

/** Wait until the server has signed a checkpoint covering its whole log (and at least minSize
 * leaves); returns the summary of GET /api/v1/public/ledger. */
async function waitCheckpoint(c, minSize = 0, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await c.get(PUB);
    assert.equal(last.status, 200, `GET ${PUB}: ${last.status} ${last.text}`);
    const s = last.body;
    if (s.checkpoint && s.checkpoint.size === s.size && s.size >= minSize) return s;
    if (Date.now() > deadline) {
      throw new Error(`no checkpoint of the whole log (≥ ${minSize}) within ${timeoutMs} ms: ${last.text.slice(0, 400)}`);
    }
    await sleep(100);
  }
}

/** GET a binary resource: { status, headers, bytes }. */
async function getBytes(base, p) {
  const r = await fetch(base + p);
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()), path: p };
}

/** The leaf texts 0..n-1 via /entries/I. */
async function leafTexts(c, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const e = await c.ok(`${PUB}/entries/${i}`);
    out.push(e.leaf);
  }
  return out;
}

/** C2SP tlog-tiles index element path: 0 -> "000", 1234 -> "x001/234". */
function tileIndexPath(n) {
  const parts = [];
  let x = n;
  do { parts.unshift(String(x % 1000).padStart(3, '0')); x = Math.floor(x / 1000); } while (x > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
}

// ---- the database behind the server's back ------------------------------------------------------

/** Run SQL on a server's database (sqlite3 or psql); returns rows as arrays of strings ('|'-separated). */
function sql(srv, statement) {
  let r;
  if (srv.backend === 'postgresql') {
    r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', srv.db, '-c', statement], { timeout: 60000 });
  } else {
    r = spawnSync('sqlite3', ['-bail', srv.db.replace(/^sqlite:/, ''), statement], { timeout: 60000 });
  }
  if (r.error) throw r.error;
  const out = r.stdout.toString();
  if (r.status !== 0) throw new Error(`SQL failed (${r.status}): ${statement}\n${r.stderr.toString()}`);
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

/** A SQL literal for bytes on the server's backend. */
const blobLiteral = (srv, b) => (srv.backend === 'postgresql' ? `decode('${hexOf(b)}', 'hex')` : `X'${hexOf(b)}'`);

/** A SQL expression giving a blob column as lower-case hex. */
const hexExpr = (srv, col) => (srv.backend === 'postgresql' ? `encode(${col}, 'hex')` : `lower(hex(${col}))`);

module.exports = {
  PUB, EMPTY_SHA256, DASH, sha256, hashWith, leafHash, nodeHash, treeRoot, inclusionProof, consistencyProof,
  verifyInclusion, verifyConsistency, frontierBlob, canonical, hexOf, parseNote, parseVerifierKey, keyId,
  makeSigner, makeWitness, verifyNoteJs, tlog, assertExit, tmpFile, verifyCheckpoint, cliInclusion,
  cliConsistency, zhili, ledgerVerify, tampered, waitCheckpoint, getBytes, leafTexts, tileIndexPath, sql, blobLiteral,
  hexExpr,
};
