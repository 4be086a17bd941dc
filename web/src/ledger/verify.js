// Transparency-log checks done in the browser with Web Crypto, no server trust needed beyond the
// published verifier key: RFC 9162 leaf and node hashes, inclusion proofs (§2.1.3.2), the digest of
// a record's canonical JSON, and the Ed25519 signature of a C2SP signed-note checkpoint.
// Pure functions (no Vue), also run by `node --test web/src/ledger/verify.test.mjs`.
// Web Crypto has no SM3 or SM2: logs of the 国密 profile are checked with the `zhili tlog` CLI.

const subtle = () => {
  const s = globalThis.crypto && globalThis.crypto.subtle
  if (!s) throw new Error('Web Crypto is not available (it needs https or localhost)')
  return s
}
const utf8 = (s) => new TextEncoder().encode(s)

export function toHex(bytes) {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) throw new Error(`not hex: ${hex}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16)
  return out
}

export function fromBase64(b64) {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes))
}

// True when the browser can check a log that uses hash algorithm `alg` ("sha256" | "sm3").
export const browserCanVerify = (alg) => alg === 'sha256'

// SHA-256(0x00 || bytes) as hex.
export async function leafHashBytes(bytes) {
  return toHex(await sha256(concat(Uint8Array.of(0), bytes)))
}

// SHA-256(0x00 || UTF-8 of the leaf text) as hex.
export function leafHash(text) {
  return leafHashBytes(utf8(text))
}

// SHA-256(0x01 || left || right); arguments and result in hex.
export async function nodeHash(leftHex, rightHex) {
  return toHex(await sha256(concat(Uint8Array.of(1), fromHex(leftHex), fromHex(rightHex))))
}

// RFC 9162 §2.1.3.2: does `proof` (hex hashes) show the leaf with hash leafHashHex at `index` in the
// tree of `size` leaves whose root is rootHex?  BigInt keeps the bit arithmetic exact.
export async function verifyInclusion(leafHashHex, index, size, proofHex, rootHex) {
  let fn = BigInt(index)
  let sn = BigInt(size) - 1n
  if (fn < 0n || sn < 0n || fn > sn || !Array.isArray(proofHex)) return false
  let r
  try {
    r = fromHex(leafHashHex)
    for (const p of proofHex) {
      const pb = fromHex(p)
      if (sn === 0n || pb.length !== 32) return false
      if ((fn & 1n) === 1n || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), pb, r))
        if ((fn & 1n) === 0n) {
          while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n }
        }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, pb))
      }
      fn >>= 1n
      sn >>= 1n
    }
  } catch (e) {
    return false
  }
  return sn === 0n && toHex(r) === String(rootHex).toLowerCase()
}

// --- canonical JSON, as the server's json_dumps(JSON_SORT_KEYS | JSON_COMPACT) writes it ---

// Keys sorted by Unicode code point (the byte order of their UTF-8, as strcmp sorts them).
function cmpCodePoints(a, b) {
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1
    const d = x.value.codePointAt(0) - y.value.codePointAt(0)
    if (d) return d
  }
}

// Only what JSON requires is escaped: '"', '\', control characters ('/' and non-ASCII stay as is).
const ESC = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }
function quote(s) {
  // eslint-disable-next-line no-control-regex
  return '"' + s.replace(/["\\\u0000-\u001f]/g, (c) =>
    ESC[c] || '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')) + '"'
}

// Numbers: integers in full; other numbers as C's "%.17g" with ".0" added when it reads as an
// integer (jansson's real format).  A real that JSON.parse turned into an integer (5.0 → 5) cannot be
// told apart; the platform's records carry no reals.
function number(n) {
  if (!Number.isFinite(n)) throw new Error('not a JSON number')
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n)
  const exp = Number(n.toExponential(16).split('e')[1])
  let s
  if (exp < -4 || exp >= 17) {
    const [m, e] = n.toExponential(16).split('e')
    s = m.replace(/\.?0+$/, '') + 'e' + (e[0] === '-' ? '-' : '') + e.replace(/^[+-]0*/, '')
  } else {
    s = n.toFixed(Math.max(0, 16 - exp))
    if (s.includes('.')) s = s.replace(/\.?0+$/, '')
  }
  return /[.e]/.test(s) ? s : s + '.0'
}

export function canonicalJson(v) {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false'
    case 'number': return number(v)
    case 'string': return quote(v)
    case 'object':
      if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']'
      return '{' + Object.keys(v).filter((k) => v[k] !== undefined).sort(cmpCodePoints)
        .map((k) => quote(k) + ':' + canonicalJson(v[k])).join(',') + '}'
    default: throw new Error(`not JSON: ${typeof v}`)
  }
}

// SHA-256 hex of the record's canonical JSON (what a leaf's record_digest holds).
export async function recordDigest(record) {
  return toHex(await sha256(utf8(canonicalJson(record))))
}

// --- C2SP checkpoints and signed notes ---

// "<origin>\n<size>\n<base64 root>\n[extensions…]\n\n— <name> <base64 sig>\n…"
export function parseCheckpoint(note) {
  const text = String(note || '')
  const cut = text.indexOf('\n\n')
  if (cut < 0) throw new Error('not a signed note')
  const body = text.slice(0, cut + 1)
  const lines = body.slice(0, -1).split('\n')
  if (lines.length < 3 || !/^\d+$/.test(lines[1])) throw new Error('not a checkpoint')
  const root = fromBase64(lines[2])
  const signatures = text.slice(cut + 2).split('\n').filter((l) => l.startsWith('\u2014 ')).map((l) => {
    const [, name, sig] = l.split(' ')
    return { name, sig }
  })
  return { body, origin: lines[0], size: Number(lines[1]), rootHex: toHex(root), extensions: lines.slice(3), signatures }
}

// Verifier key "<name>+<8 hex key hash>+<base64(type byte || public key)>".
export function parseVerifierKey(key) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(String(key || '').trim())
  if (!m) throw new Error('not a verifier key')
  const raw = fromBase64(m[3])
  return { name: m[1], hash: m[2], type: raw[0], raw, publicKey: raw.slice(1) }
}

// Checks the note's signature by that key.  Resolves to
// 'valid' | 'invalid' | 'unsupported' (not an Ed25519 key, or no Ed25519 in this browser).
export async function verifyNote(note, verifierKey) {
  let cp, k
  try {
    cp = parseCheckpoint(note)
    k = parseVerifierKey(verifierKey)
  } catch (e) {
    return 'invalid'
  }
  if (k.type !== 0x01 || k.publicKey.length !== 32) return 'unsupported'
  const idHash = toHex((await sha256(concat(utf8(`${k.name}\n`), k.raw))).slice(0, 4))
  if (idHash !== k.hash) return 'invalid'
  let pub
  try {
    pub = await subtle().importKey('raw', k.publicKey, { name: 'Ed25519' }, false, ['verify'])
  } catch (e) {
    return 'unsupported'
  }
  for (const s of cp.signatures) {
    if (s.name !== k.name) continue
    let sig
    try { sig = fromBase64(s.sig) } catch (e) { continue }
    if (sig.length !== 68 || toHex(sig.slice(0, 4)) !== k.hash) continue
    if (await subtle().verify({ name: 'Ed25519' }, pub, sig.slice(4), utf8(cp.body))) return 'valid'
  }
  return 'invalid'
}
