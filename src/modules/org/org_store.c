/* org_store.c: SQL of the organisation tree. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/org/org.h"

#define COLS "o.id, COALESCE(o.parent_id, 0), o.code, o.name, o.level, o.kind, o.path, " \
	"o.depth, o.credit_code, o.region_code, o.sort, o.status, o.version, " \
	"o.created_at, o.updated_at"

enum { Q_GET, Q_BY_CODE, Q_INSERT, Q_SET_PATH, Q_UPDATE, Q_CHILDREN, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_GET] = "SELECT " COLS " FROM orgs o WHERE o.id = ?",
	[Q_BY_CODE] = "SELECT " COLS " FROM orgs o WHERE o.code = ?",
	[Q_INSERT] = "INSERT INTO orgs (parent_id, code, name, level, kind, path, depth, "
	    "credit_code, region_code, sort, status, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, 'active', 1, ?, ?) RETURNING id",
	[Q_SET_PATH] = "UPDATE orgs SET path = ? WHERE id = ?",
	[Q_UPDATE] = "UPDATE orgs SET name = ?, level = ?, kind = ?, credit_code = ?, "
	    "region_code = ?, sort = ?, status = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?",
	[Q_CHILDREN] = "SELECT (SELECT count(*) FROM orgs WHERE parent_id = ? AND status = 'active') "
	    "+ (SELECT count(*) FROM users WHERE org_id = ? AND status = 'active')",
};

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_org *o)
{
	o->id = zl_col_int(s, 0);
	o->parent_id = zl_col_int(s, 1);
	o->code = zl_arena_strdup(a, zl_col_text(s, 2));
	o->name = zl_arena_strdup(a, zl_col_text(s, 3));
	o->level = zl_arena_strdup(a, zl_col_text(s, 4));
	o->kind = zl_arena_strdup(a, zl_col_text(s, 5));
	o->path = zl_arena_strdup(a, zl_col_text(s, 6));
	o->depth = (int)zl_col_int(s, 7);
	o->credit_code = zl_arena_strdup(a, zl_col_text(s, 8));
	o->region_code = zl_arena_strdup(a, zl_col_text(s, 9));
	o->sort = zl_col_int(s, 10);
	o->status = zl_arena_strdup(a, zl_col_text(s, 11));
	o->version = zl_col_int(s, 12);
	o->created_at = zl_col_int(s, 13);
	o->updated_at = zl_col_int(s, 14);
}

static int
one(struct zl_stmt *s, struct zl_arena *a, struct zl_org *o)
{
	int rc = zl_stmt_step(s);

	if (rc == ZL_ROW)
		row(s, a, o);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_org_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_org *o)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_GET]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	return one(s, a, o);
}

int
zl_org_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
    struct zl_org *o)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_BY_CODE]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, code);
	return one(s, a, o);
}

/* Insert, then set the path that needs the new id.  o->path gets the parent's
 * path on entry and the full path on return. */
int
zl_org_store_insert(struct zl_conn *c, struct zl_arena *a, struct zl_org *o)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	char		*path;
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	if (o->parent_id) zl_bind_int(s, 1, o->parent_id); else zl_bind_null(s, 1);
	zl_bind_text(s, 2, o->code);
	zl_bind_text(s, 3, o->name);
	zl_bind_text(s, 4, o->level);
	zl_bind_text(s, 5, o->kind);
	zl_bind_int(s, 6, o->depth);
	zl_bind_text(s, 7, o->credit_code);
	zl_bind_text(s, 8, o->region_code);
	zl_bind_int(s, 9, o->sort);
	zl_bind_int(s, 10, o->created_at);
	zl_bind_int(s, 11, o->updated_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		o->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc < 0 ? rc : ZL_EDB;
	path = zl_arena_printf(a, "%s%lld/", o->path ? o->path : "/", (long long)o->id);
	o->path = path;
	s = zl_stmt_get(c, sql[Q_SET_PATH]);
	zl_bind_text(s, 1, path);
	zl_bind_int(s, 2, o->id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_org_store_update(struct zl_conn *c, const struct zl_org *o, int64_t old_version)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_UPDATE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, o->name);
	zl_bind_text(s, 2, o->level);
	zl_bind_text(s, 3, o->kind);
	zl_bind_text(s, 4, o->credit_code);
	zl_bind_text(s, 5, o->region_code);
	zl_bind_int(s, 6, o->sort);
	zl_bind_text(s, 7, o->status);
	zl_bind_int(s, 8, o->updated_at);
	zl_bind_int(s, 9, o->id);
	zl_bind_int(s, 10, old_version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_org_store_active_children(struct zl_conn *c, int64_t id, int64_t *n)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_CHILDREN]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	zl_bind_int(s, 2, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		*n = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : ZL_EDB;
}

int
zl_org_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_org_filter *f, struct zl_org **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	int		 rc, cap = f->limit > 0 ? f->limit : 100000;

	zl_sql_init(&q, a, "SELECT " COLS " FROM orgs o WHERE o.id > ?");
	zl_sql_int(&q, f->after);
	zl_scope_sql(&q, sc, "o.id", NULL);
	if (f->has_parent) {
		zl_sql_add(&q, " AND o.parent_id = ?");
		zl_sql_int(&q, f->parent_id);
	}
	if (f->status != NULL) {
		zl_sql_add(&q, " AND o.status = ?");
		zl_sql_text(&q, f->status);
	}
	if (f->q != NULL) {
		zl_sql_add(&q, " AND (o.name LIKE ? ESCAPE '!' OR o.code LIKE ? ESCAPE '!')");
		zl_sql_like(&q, f->q);
		zl_sql_like(&q, f->q);
	}
	zl_sql_add(&q, f->limit > 0 ? " ORDER BY o.id LIMIT ?" : " ORDER BY o.path");
	if (f->limit > 0)
		zl_sql_int(&q, f->limit + 1);
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*n = 0;
	*out = NULL;
	size_t have = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n <= cap) {
		if ((size_t)*n == have) {
			size_t more = have ? have * 2 : 64;
			struct zl_org *p = zl_arena_alloc(a, more * sizeof(*p));
			if (have)
				memcpy(p, *out, have * sizeof(*p));
			*out = p;
			have = more;
		}
		row(s, a, &(*out)[(*n)++]);
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}
