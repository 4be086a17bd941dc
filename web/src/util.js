import { ref, computed } from 'vue'

const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
})

// ISO UTC time → "2026/11/23 02:48:44" in Asia/Shanghai.
export function formatTime(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : fmt.format(d)
}

// A date picked as "YYYY-MM-DD" (Beijing day) → ISO UTC bound of that day.
export function dayStartUTC(day) {
  return day ? new Date(`${day}T00:00:00+08:00`).toISOString().replace('.000Z', 'Z') : ''
}
export function dayEndUTC(day) {
  return day ? new Date(`${day}T23:59:59+08:00`).toISOString().replace('.000Z', 'Z') : ''
}

const phoneQuery = typeof window !== 'undefined' ? window.matchMedia('(max-width: 768px)') : null
const mobile = ref(phoneQuery ? phoneQuery.matches : false)
if (phoneQuery) phoneQuery.addEventListener('change', (e) => { mobile.value = e.matches })

// true at phone width (≤ 768px)
export function useMobile() {
  return mobile
}

export function useDialogWidth(desktop = '560px') {
  return computed(() => (mobile.value ? '94%' : desktop))
}

// Walks an org forest (GET /orgs/tree) into a flat list and a map by id.
export function flattenTree(items, out = []) {
  for (const n of items || []) {
    out.push(n)
    flattenTree(n.children, out)
  }
  return out
}

export const LEVELS = ['central', 'province', 'city', 'county', 'township']
export const KINDS = ['bureau', 'department', 'unit']
export const RANKS = ['ministerial', 'vice_ministerial', 'bureau', 'vice_bureau', 'division',
  'vice_division', 'section', 'vice_section', 'staff', 'clerk']
export const SCOPES = ['all', 'org', 'subtree', 'self', 'custom']
export const LOGIN_RESULTS = ['ok', 'bad_credentials', 'locked', 'rate_limited', 'disabled']
