import { createRouter, createWebHashHistory } from 'vue-router'
import { session, loadMe, clearSession, can } from './session.js'
import { setUnauthorizedHandler } from './api.js'

const consoleViews = import.meta.glob('./views/console/*.vue')
const portalViews = import.meta.glob('./views/portal/*.vue')
const C = (name) => consoleViews[`./views/console/${name}.vue`]
const P = (name) => portalViews[`./views/portal/${name}.vue`]

// meta.perm: permission needed to open the page (and to show it in the menu).
export const consolePages = [
  { path: '', name: 'dashboard', component: C('Dashboard'), meta: { icon: 'House' } },
  { path: 'tasks', name: 'tasks', component: C('Tasks'), meta: { perm: 'application.handle', icon: 'Bell' } },
  { path: 'overdue', name: 'overdue', component: C('Overdue'), meta: { perm: 'application.read', icon: 'AlarmClock' } },
  { path: 'applications', name: 'applications', component: C('Applications'), meta: { perm: 'application.read', icon: 'Files' } },
  { path: 'apply', name: 'apply', component: C('Apply'), meta: { icon: 'Promotion' } },
  { path: 'kpi', name: 'kpi', component: C('Kpi'), meta: { perm: 'kpi.read', icon: 'DataAnalysis' } },
  { path: 'calendar', name: 'calendar', component: C('Calendar'), meta: { icon: 'Calendar' } },
  { path: 'items', name: 'items', component: C('Items'), meta: { perm: 'catalog.read', icon: 'Collection' } },
  { path: 'orgs', name: 'orgs', component: C('Orgs'), meta: { perm: 'org.read', icon: 'OfficeBuilding' } },
  { path: 'users', name: 'users', component: C('Users'), meta: { perm: 'user.read', icon: 'User' } },
  { path: 'roles', name: 'roles', component: C('Roles'), meta: { perm: 'role.read', icon: 'Lock' } },
  { path: 'tokens', name: 'tokens', component: C('Tokens'), meta: { perm: 'token.read', icon: 'Key' } },
  { path: 'audit', name: 'audit', component: C('Audit'), meta: { perm: 'audit.read', icon: 'Document' } },
  { path: 'logins', name: 'logins', component: C('Logins'), meta: { perm: 'audit.read', icon: 'Tickets' } },
  { path: 'ledger', name: 'ledger', component: C('Ledger'), meta: { icon: 'Stamp' } },
  { path: 'sessions', name: 'sessions', component: C('Sessions'), meta: { icon: 'Monitor' } },
  { path: 'password', name: 'password', component: C('Password'), meta: { icon: 'Edit' } },
]

const routes = [
  {
    path: '/',
    component: P('PortalLayout'),
    children: [
      { path: '', name: 'home', component: P('Home') },
      { path: 'portal/login', name: 'portal-login', component: P('Login') },
      { path: 'portal/register', name: 'portal-register', component: P('Register') },
      { path: 'portal/ledger', name: 'portal-ledger', component: P('Ledger') },
      { path: 'portal/items', name: 'portal-items', component: P('Items') },
      { path: 'portal/items/:id(\\d+)', name: 'portal-item', component: P('Item') },
      { path: 'portal/track', name: 'portal-track', component: P('Track') },
      { path: 'portal/ratings', name: 'portal-ratings', component: P('Ratings') },
      { path: 'portal/apply/:itemId(\\d+)', name: 'portal-apply', component: P('Apply'), meta: { auth: 'any' } },
      { path: 'portal/mine/applications', name: 'portal-apps', component: P('MyApps'), meta: { auth: 'any' } },
      { path: 'portal/mine/applications/:id(\\d+)', name: 'portal-app', component: P('MyApp'), meta: { auth: 'any' } },
      { path: 'portal/me', name: 'portal-me', component: P('Mine'), meta: { auth: 'any' } },
      { path: 'portal/sessions', name: 'portal-sessions', component: C('Sessions'), meta: { auth: 'any' } },
      { path: 'portal/password', name: 'portal-password', component: C('Password'), meta: { auth: 'any' } },
      { path: 'portal', redirect: '/' },
    ],
  },
  { path: '/console/login', name: 'console-login', component: C('Login') },
  {
    path: '/console',
    component: C('Layout'),
    meta: { auth: 'staff' },
    children: [
      ...consolePages,
      // A record's leaves in the log (not in the menu; the record's own read permission is checked by the API).
      { path: 'ledger/:entity(org|user|role|token)/:id(\\d+)', name: 'ledger-record', component: C('RecordLedger'), meta: { menu: '/console/ledger' } },
      // Applying for one item, and one application (own, handled or in scope; the API decides).
      { path: 'apply/:itemId(\\d+)', name: 'apply-item', component: C('ApplyItem'), meta: { menu: '/console/apply' } },
      { path: 'applications/:id(\\d+)', name: 'application', component: C('Application'), meta: { menu: '/console/applications' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  const need = to.matched.map((r) => r.meta.auth).find(Boolean)
  if (!need) return true
  let me
  try { me = await loadMe() } catch (e) { me = null }
  const consoleArea = to.path.startsWith('/console')
  if (!me) {
    return consoleArea
      ? { name: 'console-login', query: { redirect: to.fullPath } }
      : { name: 'portal-login', query: { redirect: to.fullPath } }
  }
  if (need === 'staff' && me.kind !== 'staff') return { name: 'portal-me' }
  if (to.meta.perm && !can(to.meta.perm)) return { name: 'dashboard' }
  return true
})

// A 401 from any call means the session ended: go to the login page of the current area.
setUnauthorizedHandler(() => {
  const cur = router.currentRoute.value
  const wasIn = !!session.me
  clearSession()
  if (cur.name === 'console-login' || cur.name === 'portal-login') return
  const consoleArea = cur.path.startsWith('/console')
  router.replace({
    name: consoleArea ? 'console-login' : 'portal-login',
    query: { redirect: cur.fullPath, expired: wasIn ? '1' : undefined },
  })
})
