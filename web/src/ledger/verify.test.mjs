// node --test web/src/ledger/verify.test.mjs  (Node ≥ 20: globalThis.crypto.subtle)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  leafHash, leafHashBytes, nodeHash, verifyInclusion, canonicalJson, recordDigest,
  parseCheckpoint, verifyNote, fromHex, toHex,
} from './verify.js'

// RFC 6962 / certificate-transparency test vectors.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

// The naive recursive definitions of RFC 6962 §2.1 (MTH and PATH), over leaf hashes.
const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k }
async function mth(hs) {
  if (hs.length === 1) return hs[0]
  const k = split(hs.length)
  return nodeHash(await mth(hs.slice(0, k)), await mth(hs.slice(k)))
}
async function path(m, hs) {
  if (hs.length === 1) return []
  const k = split(hs.length)
  return m < k
    ? [...(await path(m, hs.slice(0, k))), await mth(hs.slice(k))]
    : [...(await path(m - k, hs.slice(k))), await mth(hs.slice(0, k))]
}

const leafHashes = await Promise.all(LEAVES.map((h) => leafHashBytes(fromHex(h))))
const flip = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1)

test('leaf hashes and the roots of every prefix', async () => {
  assert.equal(leafHashes[0], '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
  for (let n = 1; n <= 8; n++) assert.equal(await mth(leafHashes.slice(0, n)), ROOTS[n - 1], `root of ${n}`)
})

test('inclusion proofs verify for every index and size', async () => {
  for (let n = 1; n <= 8; n++) {
    const hs = leafHashes.slice(0, n)
    for (let i = 0; i < n; i++) {
      const p = await path(i, hs)
      assert.equal(await verifyInclusion(hs[i], i, n, p, ROOTS[n - 1]), true, `leaf ${i} of ${n}`)
      assert.equal(await verifyInclusion(hs[i], i, n, p, ROOTS[n - 1].toUpperCase()), true)
    }
  }
})

test('tampered proofs are rejected', async () => {
  for (let n = 1; n <= 8; n++) {
    const hs = leafHashes.slice(0, n)
    const root = ROOTS[n - 1]
    for (let i = 0; i < n; i++) {
      const p = await path(i, hs)
      const no = (msg, ...a) => verifyInclusion(...a).then((ok) => assert.equal(ok, false, `${msg}: leaf ${i} of ${n}`))
      await no('other leaf', leafHashes[(i + 1) % 8], i, n, p, root)
      await no('wrong root', hs[i], i, n, p, flip(root))
      await no('extra hash', hs[i], i, n, [...p, root], root)
      await no('index ≥ size', hs[i], n, n, p, root)
      if (n < 8) await no('wrong size', hs[i], i, n + 1, p, ROOTS[n])
      if (i > 0) await no('wrong index', hs[i], i - 1, n, p, root)
      for (let j = 0; j < p.length; j++) {
        await no(`hash ${j} changed`, hs[i], i, n, p.map((x, k) => (k === j ? flip(x) : x)), root)
        await no(`hash ${j} dropped`, hs[i], i, n, p.filter((x, k) => k !== j), root)
      }
      if (p.length > 1) await no('swapped', hs[i], i, n, [p[1], p[0], ...p.slice(2)], root)
      await no('not hex', hs[i], i, n, p.length ? ['zz', ...p.slice(1)] : ['zz'], root)
    }
  }
})

test('leafHash hashes the UTF-8 text', async () => {
  assert.equal(await leafHash(''), leafHashes[0])
  assert.equal(await leafHash('0'), await leafHashBytes(Uint8Array.of(0x30)))
  assert.equal(await leafHash('中'), await leafHashBytes(Uint8Array.of(0xe4, 0xb8, 0xad)))
})

test('canonical JSON is jansson\'s sorted compact form', async () => {
  const rec = { b: 1, a: 'x/y "q" \\', c: [true, null, { z: '中文', y: '\u0001\n\t', '': -3 }], d: 0.5, e: 1e-7 }
  const want = '{"a":"x/y \\"q\\" \\\\","b":1,"c":[true,null,{"":-3,"y":"\\u0001\\n\\t","z":"中文"}],"d":0.5,"e":9.9999999999999995e-8}'
  assert.equal(canonicalJson(rec), want)
  assert.equal(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 }), '{"\uFFFF":2,"\u{1F600}":1}')
  assert.equal(canonicalJson(0.1), '0.10000000000000001')
  assert.equal(canonicalJson(1e21), '1e21')
  assert.equal(canonicalJson(-2.5e-3), '-0.0025000000000000001')
  assert.equal(await recordDigest({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a')
})

test('checkpoint notes: parse and Ed25519 signature', async () => {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey))
  const name = 'zhili.example/log'
  const raw = new Uint8Array([1, ...pub])
  const idHash = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...new TextEncoder().encode(`${name}\n`), ...raw]))).slice(0, 4)
  const b64 = (u) => Buffer.from(u).toString('base64')
  const vkey = `${name}+${toHex(idHash)}+${b64(raw)}`
  const body = `${name}\n8\n${Buffer.from(ROOTS[7], 'hex').toString('base64')}\n`
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, new TextEncoder().encode(body)))
  const note = `${body}\n\u2014 ${name} ${b64(new Uint8Array([...idHash, ...sig]))}\n`
  const cp = parseCheckpoint(note)
  assert.equal(cp.origin, name)
  assert.equal(cp.size, 8)
  assert.equal(cp.rootHex, ROOTS[7])
  assert.equal(await verifyNote(note, vkey), 'valid')
  assert.equal(await verifyNote(note.replace('\n8\n', '\n9\n'), vkey), 'invalid')
  assert.equal(await verifyNote(note, vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')), 'invalid')
  assert.equal(await verifyNote(note, `${name}+${toHex(idHash)}+${b64(new Uint8Array([0xa2, ...pub]))}`), 'unsupported')
})
