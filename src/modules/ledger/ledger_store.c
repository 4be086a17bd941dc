/* ledger_store.c: SQL reading the audit rows behind the log's leaves and the
 * leaf index each record keeps. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/ledger/ledger.h"

#define COLS "id, at, COALESCE(actor_id, 0), COALESCE(org_id, 0), entity_id, " \
	"COALESCE(leaf_index, -1), entity, action, digest"

static const struct { const char *entity, *sql; } record_ids[] = {
	{ "org", "SELECT id, COALESCE(leaf_index, -1) FROM orgs ORDER BY id" },
	{ "user", "SELECT id, COALESCE(leaf_index, -1) FROM users ORDER BY id" },
	{ "role", "SELECT id, COALESCE(leaf_index, -1) FROM roles ORDER BY id" },
	{ "token", "SELECT id, COALESCE(leaf_index, -1) FROM api_tokens ORDER BY id" },
	{ "item", "SELECT id, COALESCE(leaf_index, -1) FROM service_items ORDER BY id" },
	{ "application", "SELECT id, COALESCE(leaf_index, -1) FROM applications ORDER BY id" },
};

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_leaf_row *r)
{
	r->id = zl_col_int(s, 0);
	r->at = zl_col_int(s, 1);
	r->actor_id = zl_col_int(s, 2);
	r->org_id = zl_col_int(s, 3);
	r->entity_id = zl_col_int(s, 4);
	r->leaf_index = zl_col_int(s, 5);
	r->entity = zl_arena_strdup(a, zl_col_text(s, 6));
	r->action = zl_arena_strdup(a, zl_col_text(s, 7));
	r->digest = zl_arena_strdup(a, zl_col_text(s, 8));
}

static int
rows(struct zl_stmt *s, struct zl_arena *a, int cap, struct zl_leaf_row **out, int *n)
{
	int rc;

	*out = zl_arena_alloc(a, (size_t)(cap + 1) * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n < cap)
		row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_leaf_rows(struct zl_conn *c, struct zl_arena *a, int64_t from, int limit,
    struct zl_leaf_row **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " COLS " FROM audit "
	    "WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?");

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, from);
	zl_bind_int(s, 2, limit);
	return rows(s, a, limit, out, n);
}

int
zl_leaf_row(struct zl_conn *c, struct zl_arena *a, int64_t index, struct zl_leaf_row *out)
{
	struct zl_leaf_row *r;
	int n, rc;

	if ((rc = zl_leaf_rows(c, a, index, 1, &r, &n)) != 0)
		return rc;
	if (n == 0 || r[0].leaf_index != index)
		return ZL_ENOTFOUND;
	*out = r[0];
	return 0;
}

int
zl_record_leaves(struct zl_conn *c, struct zl_arena *a, const char *entity, int64_t id,
    struct zl_leaf_row **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " COLS " FROM audit "
	    "WHERE entity = ? AND entity_id = ? ORDER BY id LIMIT 500");

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, entity);
	zl_bind_int(s, 2, id);
	return rows(s, a, 500, out, n);
}

int
zl_leafless_rows(struct zl_conn *c, struct zl_arena *a, struct zl_leaf_row **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " COLS " FROM audit "
	    "WHERE leaf_index IS NULL ORDER BY id LIMIT 1000");

	if (s == NULL)
		return ZL_EDB;
	return rows(s, a, 1000, out, n);
}

int
zl_record_ids(struct zl_conn *c, struct zl_arena *a, const char *entity,
    int64_t **ids, int64_t **leaves, int *n)
{
	struct zl_stmt	*s = NULL;
	size_t		 cap = 1024;
	int		 rc;

	for (size_t i = 0; i < sizeof(record_ids) / sizeof(record_ids[0]); i++)
		if (strcmp(record_ids[i].entity, entity) == 0)
			s = zl_stmt_get(c, record_ids[i].sql);
	if (s == NULL)
		return ZL_EDB;
	*n = 0;
	*ids = zl_arena_alloc(a, cap * sizeof(int64_t));
	*leaves = zl_arena_alloc(a, cap * sizeof(int64_t));
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		if ((size_t)*n == cap) {
			int64_t *i2 = zl_arena_alloc(a, cap * 2 * sizeof(int64_t));
			int64_t *l2 = zl_arena_alloc(a, cap * 2 * sizeof(int64_t));
			memcpy(i2, *ids, cap * sizeof(int64_t));
			memcpy(l2, *leaves, cap * sizeof(int64_t));
			*ids = i2;
			*leaves = l2;
			cap *= 2;
		}
		(*ids)[*n] = zl_col_int(s, 0);
		(*leaves)[(*n)++] = zl_col_int(s, 1);
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}
