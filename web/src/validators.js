// Client-side checks of application-form values, the same as the server's (src/core/valid.c,
// src/workflow/form.c), so most mistakes are shown before anything is sent.

// 行政区划代码: 6 digits, province part 11–82 (GB/T 2260).
export function regionOk(s) {
  if (typeof s !== 'string' || !/^\d{6}$/.test(s)) return false
  const prov = Number(s.slice(0, 2))
  return prov >= 11 && prov <= 82
}

// 居民身份证号 (GB 11643): 17 digits, check character (0–9 or X), a valid region code in front.
const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECKS = '10X98765432'
export function idNumberOk(s) {
  if (typeof s !== 'string' || !/^\d{17}[\dXx]$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_W[i]
  return s[17].toUpperCase() === ID_CHECKS[sum % 11] && regionOk(s.slice(0, 6))
}

// 统一社会信用代码 (GB 32100): 18 characters of the alphabet without I, O, Z, S, V; check character.
const CREDIT = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CREDIT_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
export function creditCodeOk(s) {
  if (typeof s !== 'string' || s.length !== 18) return false
  let sum = 0
  for (let i = 0; i < 18; i++) {
    const v = CREDIT.indexOf(s[i])
    if (v < 0) return false
    if (i < 17) sum += v * CREDIT_W[i]
    else return v === (31 - (sum % 31)) % 31
  }
  return false
}

// Mainland mobile number.
export function phoneOk(s) {
  return typeof s === 'string' && /^1[3-9]\d{9}$/.test(s)
}

// The server's email check: one @, a dot after it, no spaces, < > or ".
export function emailOk(s) {
  if (typeof s !== 'string' || s.length < 3 || s.length > 254) return false
  const at = s.indexOf('@')
  if (at <= 0 || s.indexOf('@', at + 1) >= 0) return false
  const dot = s.lastIndexOf('.')
  if (dot < at + 2 || dot === s.length - 1) return false
  return !/[<>"]/.test(s) && ![...s].some((c) => c.charCodeAt(0) <= 32)
}

// YYYY-MM-DD and a real calendar date.
export function dateOk(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export const digestOk = (s) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s)

// null, "", [] and an address with both parts empty count as absent (as on the server).
export function isEmpty(v) {
  if (v === undefined || v === null || v === '') return true
  if (Array.isArray(v)) return v.length === 0
  if (typeof v === 'object' && ('region_code' in v || 'detail' in v)) return !v.region_code && !v.detail
  return false
}

// Problems of one value against its field definition, as short keys of hall.check.* (null = fine).
export function checkValue(f, v) {
  if (isEmpty(v)) return f.required ? 'required' : null
  switch (f.type) {
    case 'text':
    case 'textarea': {
      if (typeof v !== 'string') return 'invalid'
      if (f.type === 'text' && /[\r\n]/.test(v)) return 'oneLine'
      const max = f.max_length || (f.type === 'text' ? 200 : 5000)
      return [...v].length > max ? 'tooLong' : null
    }
    case 'number':
    case 'money':
      if (!Number.isInteger(v)) return 'integer'
      if (f.min !== undefined && v < f.min) return 'belowMin'
      if (f.max !== undefined && v > f.max) return 'aboveMax'
      return null
    case 'date': return dateOk(v) ? null : 'date'
    case 'choice': return (f.options || []).includes(v) ? null : 'option'
    case 'multi_choice':
      return Array.isArray(v) && v.every((x) => (f.options || []).includes(x)) && new Set(v).size === v.length ? null : 'option'
    case 'id_number': return idNumberOk(v) ? null : 'idNumber'
    case 'credit_code': return creditCodeOk(v) ? null : 'creditCode'
    case 'phone': return phoneOk(v) ? null : 'phone'
    case 'email': return emailOk(v) ? null : 'email'
    case 'address':
      if (!v.region_code || !v.detail) return 'addressBoth'
      if (!regionOk(v.region_code)) return 'region'
      if (/[\r\n]/.test(v.detail)) return 'oneLine'
      return [...v.detail].length > 200 ? 'tooLong' : null
    case 'file':
      if (f.multiple) return Array.isArray(v) && v.length <= 20 && v.every(digestOk) ? null : 'file'
      return digestOk(v) ? null : 'file'
    default: return null
  }
}

// The data to send: only the form's fields, empty values left out, texts trimmed at the ends.
export function cleanData(fields, data) {
  const out = {}
  for (const f of fields || []) {
    let v = data[f.key]
    if (typeof v === 'string' && f.type !== 'textarea') v = v.trim()
    if (f.type === 'address' && v && typeof v === 'object') {
      v = { region_code: (v.region_code || '').trim(), detail: (v.detail || '').trim() }
    }
    if (f.type === 'credit_code' && typeof v === 'string') v = v.toUpperCase()
    if (!isEmpty(v)) out[f.key] = v
  }
  return out
}
