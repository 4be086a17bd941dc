// The signed-in user (GET /api/v1/me) shared by every page.
import { reactive } from 'vue'
import { api, setCsrf } from './api.js'

export const session = reactive({ me: null, loaded: false })

function take(me) {
  session.me = me
  session.loaded = true
  setCsrf(me ? me.csrf_token : '')
  return me
}

// Loads /me once; resolves to null when nobody is signed in.
export async function loadMe(force = false) {
  if (session.loaded && !force) return session.me
  try {
    return take(await api.get('/me', null, { quiet: true }))
  } catch (e) {
    if (e.status === 401) return take(null)
    throw e
  }
}

export async function login(username, password) {
  const r = await api.post('/auth/login', { username, password }, { quiet: true })
  take({ ...r.user, csrf_token: r.csrf_token })
  return session.me
}

export async function logout() {
  try { await api.post('/auth/logout', {}, { quiet: true }) } catch (e) { /* already gone */ }
  take(null)
}

export function clearSession() { take(null) }

export function can(perm) {
  const me = session.me
  if (!me) return false
  return me.is_admin || (me.permissions || []).includes(perm)
}
