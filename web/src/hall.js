// Shared pieces of the service hall (一网通办): items, applications, money, ratings.
import { reactive } from 'vue'
import { api } from './api.js'
import { session, can } from './session.js'

export const ITEM_TYPES = ['行政许可', '行政确认', '行政给付', '行政裁决', '其他行政权力', '公共服务', '内部事务']
export const APP_STATUSES = ['draft', 'running', 'supplement', 'approved', 'rejected', 'withdrawn']
export const ITEM_STATUSES = ['draft', 'published', 'withdrawn']
export const FIELD_TYPES = ['text', 'textarea', 'number', 'money', 'date', 'choice', 'multi_choice', 'id_number',
  'credit_code', 'phone', 'email', 'address', 'file']
export const ACTIONS = ['approve', 'reject', 'return', 'back', 'transfer', 'add-signer', 'comment']

// el-tag type of an application status.
export function statusType(s) {
  return { draft: 'info', running: 'primary', supplement: 'warning', approved: 'success', rejected: 'danger', withdrawn: 'info' }[s] || 'info'
}

// A finished case (approved or rejected) may be rated once by its applicant.
export const finished = (app) => !!app && !!app.finished_at && app.status !== 'withdrawn'

// Money in fen → "1,234.50"
export function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  return (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

// An RFC 4122 version 4 UUID: one per form submission, sent as Idempotency-Key.
export function uuid() {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') {
    try { return c.randomUUID() } catch (e) { /* insecure context */ }
  }
  const b = new Uint8Array(16)
  c.getRandomValues(b)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// One item with its guide, form and process. Staff with catalog.read read the staff route
// (internal items, their own drafts); everyone else the public one. Cached per page load.
const itemCache = new Map()
export async function loadItem(id, { fresh = false, quiet = false } = {}) {
  const key = String(id)
  if (!fresh && itemCache.has(key)) return itemCache.get(key)
  const staff = session.me && session.me.kind === 'staff' && can('catalog.read')
  let it
  if (staff) {
    try { it = await api.get(`/items/${id}`, null, { quiet: true }) } catch (e) { it = null }
  }
  if (!it) it = await api.get(`/public/items/${id}`, null, { quiet })
  itemCache.set(key, it)
  return it
}
export function forgetItem(id) { itemCache.delete(String(id)) }

// The indicator set of a rating channel (GET /public/rating-sets).
const sets = new Map()
export async function ratingSet(channel = 'online') {
  if (!sets.has(channel)) sets.set(channel, api.get('/public/rating-sets', { channel }).catch((e) => { sets.delete(channel); throw e }))
  return sets.get(channel)
}

// The steps of a process definition by id, for names in histories and inboxes.
export function stepNames(process) {
  const m = { end: null }
  for (const s of (process && process.steps) || []) m[s.id] = s.name
  return m
}

// Steps of a case that were visited before (from its history), for 驳回 (back) targets.
export function visitedSteps(history, process, current) {
  const names = stepNames(process)
  const seen = []
  for (const h of history || []) {
    for (const id of [h.step, h.to_step]) {
      if (id && id !== 'end' && id !== current && names[id] && !seen.includes(id)) seen.push(id)
    }
  }
  return seen.map((id) => ({ id, name: names[id] }))
}

// Remaining working days as text: "2.5" / "-1.0".
export function daysText(d) {
  if (d === null || d === undefined) return '—'
  return (Math.round(Number(d) * 10) / 10).toFixed(1)
}

// Step names for inbox rows, which carry only step ids: one case per item is read (GET
// /applications/{id}) and its process's names kept for the item, at most `max` reads per call.
const itemSteps = reactive({})
const asked = new Set()
export function useStepNames() {
  async function resolve(rows, max = 10) {
    const todo = []
    for (const r of rows) {
      if (r.subject !== 'application' || !r.item_name || asked.has(r.item_name)) continue
      asked.add(r.item_name)
      todo.push(r)
      if (todo.length >= max) break
    }
    await Promise.all(todo.map(async (r) => {
      try {
        const a = await api.get(`/applications/${r.subject_id}`, null, { quiet: true })
        itemSteps[r.item_name] = stepNames(a.case && a.case.process)
      } catch (e) { asked.delete(r.item_name) }
    }))
  }
  function stepName(row) {
    if (row.subject === 'rectification') return null
    const m = itemSteps[row.item_name]
    return (m && m[row.step]) || row.step
  }
  return { resolve, stepName }
}
