// Composables shared by the list pages.
import { reactive, ref } from 'vue'
import { api } from './api.js'

// Cursor pagination with "load more": state.items grows, state.cursor is the next page.
export function useCursorList(path, filters) {
  const state = reactive({ items: [], cursor: null, loading: false, loaded: false })
  function query(cursor) {
    const q = { limit: 50, cursor }
    const f = typeof filters === 'function' ? filters() : filters || {}
    for (const [k, v] of Object.entries(f)) if (v !== '' && v !== null && v !== undefined) q[k] = v
    return q
  }
  async function load(more = false) {
    if (state.loading) return
    state.loading = true
    try {
      const page = await api.get(path, query(more ? state.cursor : null))
      state.items = more ? state.items.concat(page.items) : page.items
      state.cursor = page.next_cursor || null
      state.loaded = true
    } catch (e) {
      if (!more) state.items = []
    } finally {
      state.loading = false
    }
  }
  return { state, reload: () => load(false), more: () => load(true) }
}

// The org forest of GET /orgs/tree, shared and loaded on first use.
const orgTree = ref([])
let orgTreeLoading = null
export function useOrgTree() {
  async function reload() {
    orgTreeLoading = api.get('/orgs/tree', null, { quiet: true })
      .then((r) => { orgTree.value = r.items || [] })
      .catch(() => { orgTree.value = [] })
      .finally(() => { orgTreeLoading = null })
    return orgTreeLoading
  }
  function ensure() {
    if (orgTreeLoading) return orgTreeLoading
    return orgTree.value.length ? Promise.resolve() : reload()
  }
  return { orgTree, reload, ensure }
}

export const orgTreeProps = { label: 'name', value: 'id', children: 'children' }
