// Turns a failed login into { title, detail } for an el-alert, using the problem's own words.
export function loginProblem(e, t) {
  const p = (e && e.problem) || {}
  let title = p.title
  let detail = p.detail && p.detail !== p.title ? p.detail : ''
  if (!e || !e.status) return { title: t('common.networkError'), detail: '' }
  // The 401 title is the generic "not signed in"; its detail says what went wrong.
  if (e.status === 401) { title = detail || title || t('login.badCredentials'); detail = '' }
  else if (e.status === 429) {
    title = title || (e.type === 'locked' ? t('login.locked') : t('login.rateLimited'))
    if (e.retryAfter) {
      const wait = e.retryAfter >= 120 ? t('login.retryAfterMin', { m: Math.ceil(e.retryAfter / 60) }) : t('login.retryAfter', { s: e.retryAfter })
      detail = [detail, wait].filter(Boolean).join(' ')
    }
  } else title = title || t('login.failed')
  return { title, detail }
}
