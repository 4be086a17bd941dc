// Checks one public log entry (GET /public/ledger/entries/{i}) against the latest signed checkpoint
// (GET /public/ledger) with an inclusion proof (GET /public/ledger/proof/inclusion), in the browser.
// Steps are { key, level, params } like check.js, worded by the page.
import { browserCanVerify, leafHash, verifyInclusion, parseCheckpoint, verifyNote } from './verify.js'

export function entryCli(entry, cp, hash = 'sha256') {
  if (!entry || !cp) return ''
  return `zhili tlog verify-inclusion${hash === 'sha256' ? '' : ` --hash ${hash}`} --leaf-hash ${entry.leaf_hash} ` +
    `--index ${entry.index} --size ${cp.size} --root ${cp.root} --proof <proof>`
}

/**
 * entry: {index, leaf, leaf_hash}; info: the public log (hash, checkpoint, verifier_key);
 * proof: {root, proof} for (index, checkpoint size), or null when the leaf is past the checkpoint.
 * Resolves to { ok, status: 'verified' | 'failed' | 'pending' | 'unsupported', steps, checkpoint, fields }.
 */
export async function checkEntry(entry, info, proof) {
  const cp = info.checkpoint || null
  const steps = []
  const step = (key, level, params = {}) => steps.push({ key, level, params })
  let fields = null
  try { fields = JSON.parse(entry.leaf) } catch (e) { /* reported below */ }
  const out = (status) => ({ ok: status === 'verified', status, steps, checkpoint: cp, fields, index: entry.index })

  if (!browserCanVerify(info.hash)) {
    step('unsupported', 'warn', { hash: info.hash })
    return out('unsupported')
  }
  // 1. The leaf text hashes to the leaf hash the server gave, and names this index.
  const computed = await leafHash(entry.leaf)
  if (computed !== entry.leaf_hash) {
    step('leafHash', 'fail', { computed, claimed: entry.leaf_hash })
    return out('failed')
  }
  step('leafHash', 'ok', { hash: computed })
  const sameIndex = !!fields && fields.index === entry.index
  step('leafIndex', sameIndex ? 'ok' : 'fail', { index: entry.index })
  if (!sameIndex) return out('failed')

  // 2. Written after the newest checkpoint: nothing to prove against yet.
  if (!cp || entry.index >= cp.size) {
    step('pending', 'warn', { index: entry.index })
    return out('pending')
  }
  // 3. The checkpoint note says the same size and root, signed by the published key.
  let note = null
  try { note = parseCheckpoint(cp.note) } catch (e) { /* reported below */ }
  if (!note || note.size !== cp.size || note.rootHex !== String(cp.root).toLowerCase()) {
    step('noteBody', 'fail', { size: cp.size, root: cp.root })
    return out('failed')
  }
  step('noteBody', 'ok', { size: cp.size, root: cp.root, origin: note.origin })
  const sig = info.verifier_key ? await verifyNote(cp.note, info.verifier_key) : 'nokey'
  if (sig === 'invalid') {
    step('noteSig', 'fail', {})
    return out('failed')
  }
  step('noteSig', sig === 'valid' ? 'ok' : 'warn', { result: sig })

  // 4. The inclusion proof leads from the recomputed leaf hash to the checkpoint's root.
  const path = (proof && Array.isArray(proof.proof)) ? proof.proof : null
  const included = !!path && await verifyInclusion(computed, entry.index, cp.size, path, cp.root)
  step('inclusion', included ? 'ok' : 'fail', { index: entry.index, size: cp.size, root: cp.root, n: path ? path.length : 0 })
  return out(included ? 'verified' : 'failed')
}
