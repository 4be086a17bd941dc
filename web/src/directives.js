// v-row-test="{ name: 'users-row', rows: items, key: 'username' }" on an el-table:
// puts data-test=name and data-key=row[key] on every body row, for browser tests.
function mark(el) {
  const b = el.__rowTest
  if (!b) return
  const trs = el.querySelectorAll('.el-table__body-wrapper tr.el-table__row')
  trs.forEach((tr, i) => {
    const row = b.rows && b.rows[i]
    if (tr.getAttribute('data-test') !== b.name) tr.setAttribute('data-test', b.name)
    const key = row ? String(row[b.key || 'id']) : ''
    if (tr.getAttribute('data-key') !== key) tr.setAttribute('data-key', key)
  })
}

export const rowTest = {
  mounted(el, binding) {
    el.__rowTest = binding.value
    el.__rowObs = new MutationObserver(() => mark(el))
    el.__rowObs.observe(el, { childList: true, subtree: true })
    mark(el)
  },
  updated(el, binding) {
    el.__rowTest = binding.value
    mark(el)
  },
  unmounted(el) {
    if (el.__rowObs) el.__rowObs.disconnect()
  },
}
