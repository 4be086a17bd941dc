// The permission catalogue (GET /api/v1/permissions), names shown in the current language.
import { ref } from 'vue'
import { api } from './api.js'
import { i18n } from './i18n.js'

const perms = ref([])
const EN = {
  'org.read': 'View orgs', 'org.write': 'Manage orgs', 'user.read': 'View users', 'user.write': 'Manage users',
  'role.read': 'View roles', 'role.write': 'Manage roles', 'token.read': 'View API tokens',
  'token.write': 'Manage API tokens', 'audit.read': 'View audit logs',
  'catalog.read': 'View the service catalog', 'catalog.write': 'Manage the service catalog',
  'application.read': 'View applications', 'application.handle': 'Handle applications',
  'calendar.write': 'Edit the working-day calendar', 'kpi.read': 'View service figures',
}

export function usePermissions() {
  async function loadPerms() {
    if (perms.value.length) return
    try {
      perms.value = (await api.get('/permissions', null, { quiet: true })).items || []
    } catch (e) {
      perms.value = Object.keys(EN).map((code) => ({ code, name: code }))
    }
  }
  function permName(code) {
    if (i18n.global.locale.value === 'en') return EN[code] || code
    const p = perms.value.find((x) => x.code === code)
    return p ? p.name : code
  }
  return { perms, permName, loadPerms }
}
