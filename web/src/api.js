// HTTP client for /api/v1: same-origin cookies, CSRF header on unsafe methods,
// If-Match on PATCH, problem+json errors turned into ApiError and shown to the user.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { i18n } from './i18n.js'

const BASE = '/api/v1'
const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

let csrfToken = ''
let onUnauthorized = null

export function setCsrf(token) { csrfToken = token || '' }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
    this.type = (this.problem.type || '').replace('urn:zhili:problem:', '')
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : []
  }
}

function buildQuery(query) {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

// Shows a problem's title, detail and field errors as one message.
export function showError(err) {
  const t = i18n.global.t
  if (!(err instanceof ApiError)) {
    ElMessage.error(t('common.networkError'))
    return
  }
  const p = err.problem
  let msg = p.title || `HTTP ${err.status}`
  if (p.detail && p.detail !== p.title) msg += `：${p.detail}`
  if (err.errors.length) {
    msg += '（' + err.errors.map((e) => `${e.field}: ${reasonText(e.reason)}`).join('；') + '）'
  }
  ElMessage({ type: 'error', message: msg, duration: 5000, showClose: true })
}

// The server's reasons are short English phrases; the common ones are shown in Chinese.
const REASONS_ZH = {
  'required': '必填', 'too long': '过长', 'already used': '已被使用', 'wrong password': '密码不正确',
  'at least 2 characters': '至少 2 个字符', 'must be a string': '应为文本', 'must be an integer': '应为整数',
  'must be a positive integer': '应为正整数', 'control characters not allowed': '不能包含控制字符',
  'not a valid 统一社会信用代码': '不是有效的统一社会信用代码', 'not a valid 行政区划代码': '不是有效的行政区划代码',
  'parent org is disabled': '上级机构已停用', "cannot be above the parent's level": '层级不能高于上级机构',
  '0 to 1000000': '应在 0 到 1000000 之间', 'too many items': '项目过多',
}

export function reasonText(reason) {
  if (typeof reason !== 'string') return String(reason)
  if (i18n.global.locale.value !== 'en' && REASONS_ZH[reason]) return REASONS_ZH[reason]
  const key = `reasons.${reason}`
  return /^[a-z_]+$/.test(reason) && i18n.global.te(key) ? i18n.global.t(key) : reason
}

// Field errors of a validation problem as { field: text } for el-form-item :error.
export function fieldErrors(err) {
  const out = {}
  if (err instanceof ApiError) {
    for (const e of err.errors) out[e.field] = reasonText(e.reason)
  }
  return out
}

/**
 * request('GET', '/orgs', { query, body, version, quiet, headers, raw })
 * quiet: do not show the error and do not redirect on 401 (caller handles it).
 * headers: extra request headers (Idempotency-Key); raw: a File/Blob sent as the body.
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (UNSAFE.has(method)) {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken
    if (opts.raw) {
      // A file as the body itself (uploads): its own type, no JSON.
      headers['Content-Type'] = opts.raw.type || 'application/octet-stream'
      init.body = opts.raw
    } else {
      headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(opts.body || {})
    }
  }
  if (method === 'PATCH' && opts.version !== undefined) headers['If-Match'] = `"${opts.version}"`
  let res
  try {
    res = await fetch(BASE + path + buildQuery(opts.query), init)
  } catch (e) {
    const err = new ApiError(0, { title: i18n.global.t('common.networkError') })
    if (!opts.quiet) showError(err)
    throw err
  }
  if (res.status === 204) return null
  const ctype = res.headers.get('Content-Type') || ''
  const data = ctype.includes('json') ? await res.json().catch(() => null) : null
  if (res.ok) return data
  const err = new ApiError(res.status, data)
  if (res.status === 429 && res.headers.get('Retry-After')) err.retryAfter = Number(res.headers.get('Retry-After'))
  if (res.status === 401 && !opts.quiet && onUnauthorized) {
    onUnauthorized(err)
    throw err
  }
  if (!opts.quiet) showError(err)
  throw err
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, version, opts) => request('PATCH', path, { ...opts, body, version }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
  // POST /uploads with the file as the body → {digest, size, mime}
  upload: (file, opts) => request('POST', '/uploads', { ...opts, raw: file }),
}

// Follows next_cursor until the list ends or `max` items are read.
export async function listAll(path, query = {}, max = 2000) {
  const items = []
  let cursor = null
  do {
    const page = await api.get(path, { ...query, limit: 500, cursor })
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor && items.length < max)
  return { items, more: !!cursor }
}
