// Checks one leaf of a record's history (GET /ledger/records/{entity}/{id}) in the browser and
// reports each step as { key, level: 'ok' | 'fail' | 'warn' | 'info', params } for the page to word.
import {
  browserCanVerify, leafHash, verifyInclusion, recordDigest, parseCheckpoint, verifyNote,
} from './verify.js'

// The CLI command that checks the same proof (for logs the browser cannot check, and for anyone).
export function cliCommand(leaf, checkpoint, hash = 'sha256') {
  if (!checkpoint || !leaf.proof) return ''
  return `zhili tlog verify-inclusion${hash === 'sha256' ? '' : ` --hash ${hash}`} --leaf-hash ${leaf.leaf_hash} --index ${leaf.index} ` +
    `--size ${checkpoint.size} --root ${checkpoint.root} --proof ${leaf.proof.join(',') || '""'}`
}

/**
 * data: the record-history response; leaf: one of data.leaves; latest: is it the record's newest
 * leaf; verifierKey: the published key (GET /public/ledger), '' when unknown.
 * Resolves to { ok, status: 'verified' | 'failed' | 'pending' | 'unsupported', steps, checkpoint }.
 */
export async function checkLeaf(data, leaf, latest, verifierKey) {
  const cp = data.checkpoint
  const steps = []
  const step = (key, level, params = {}) => steps.push({ key, level, params })
  const out = (status) => ({ ok: status === 'verified', status, steps, checkpoint: cp, cli: cliCommand(leaf, cp, data.hash) })

  if (!browserCanVerify(data.hash)) {
    step('unsupported', 'warn', { hash: data.hash })
    return out('unsupported')
  }

  // 1. The leaf text hashes to the leaf hash the server gave.
  const computed = await leafHash(leaf.leaf)
  if (computed !== leaf.leaf_hash) {
    step('leafHash', 'fail', { computed, claimed: leaf.leaf_hash })
    return out('failed')
  }
  step('leafHash', 'ok', { hash: computed })

  // 2. The leaf says what the row says: its index, this record, the same digest.
  let fields = null
  try { fields = JSON.parse(leaf.leaf) } catch (e) { /* reported below */ }
  const same = fields && fields.index === leaf.index && fields.entity === data.entity &&
    fields.entity_id === data.id && fields.record_digest === leaf.record_digest
  step('leafFields', same ? 'ok' : 'fail', { index: leaf.index, entity: data.entity, id: data.id })
  if (!same) return out('failed')

  // 3. The checkpoint: its note says the same size and root, signed by the published key.
  if (!cp || leaf.status !== 'included' || !Array.isArray(leaf.proof)) {
    step('pending', 'warn', { index: leaf.index })
    return out('pending')
  }
  let note = null
  try { note = parseCheckpoint(cp.note) } catch (e) { /* reported below */ }
  if (!note || note.size !== cp.size || note.rootHex !== String(cp.root).toLowerCase()) {
    step('noteBody', 'fail', { size: cp.size, root: cp.root })
    return out('failed')
  }
  step('noteBody', 'ok', { size: cp.size, root: cp.root, origin: note.origin })
  const sig = verifierKey ? await verifyNote(cp.note, verifierKey) : 'nokey'
  if (sig === 'invalid') {
    step('noteSig', 'fail', {})
    return out('failed')
  }
  step('noteSig', sig === 'valid' ? 'ok' : 'warn', { result: sig })

  // 4. The inclusion proof leads from the leaf hash to the checkpoint's root.
  const included = await verifyInclusion(computed, leaf.index, cp.size, leaf.proof, cp.root)
  step('inclusion', included ? 'ok' : 'fail', { index: leaf.index, size: cp.size, root: cp.root, n: leaf.proof.length })
  if (!included) return out('failed')

  // 5. The newest leaf must describe the record as it is now; older ones describe earlier states.
  if (latest) {
    const digest = await recordDigest(data.record)
    const match = digest === leaf.record_digest
    step('record', match ? 'ok' : 'fail', { digest, claimed: leaf.record_digest })
    if (!match) return out('failed')
  } else {
    step('earlier', 'info', { digest: leaf.record_digest })
  }
  return out('verified')
}
