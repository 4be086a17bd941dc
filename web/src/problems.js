// Turns a failed login into { title, detail } for an el-alert, using the problem's own words.
export function loginProblem(e, t) {
  const p = (e && e.problem) || {}
  let title = p.title
  let detail = p.detail && p.detail !== p.title ? p.detail : ''
  if (!e || !e.status) return { title: t('common.networkError'), detail: '' }
  if (e.status === 401) title = title || t('login.badCredentials')
  else if (e.status === 429) {
    title = title || (e.type === 'locked' ? t('login.locked') : t('login.rateLimited'))
    if (e.retryAfter) detail = [detail, t('login.retryAfter', { s: e.retryAfter })].filter(Boolean).join(' ')
  } else title = title || t('login.failed')
  return { title, detail }
}
