/* role_store.c: SQL of roles, their permission rows (role_perms) and the orgs
 * of a custom scope (role_scope_orgs). */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/role/role.h"

#define COLS "r.id, COALESCE(r.org_id, 0), r.code, r.name, r.description, r.scope, " \
	"r.builtin, r.status, r.version, r.created_at, r.updated_at"

enum { Q_GET, Q_BY_CODE, Q_PERMS, Q_ORGS, Q_INSERT, Q_UPDATE, Q_DEL_PERMS,
	Q_ADD_PERM, Q_DEL_ORGS, Q_ADD_ORG, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_GET] = "SELECT " COLS " FROM roles r WHERE r.id = ?",
	[Q_BY_CODE] = "SELECT " COLS " FROM roles r WHERE r.code = ?",
	[Q_PERMS] = "SELECT perm FROM role_perms WHERE role_id = ?",
	[Q_ORGS] = "SELECT org_id FROM role_scope_orgs WHERE role_id = ? ORDER BY org_id",
	[Q_INSERT] = "INSERT INTO roles (org_id, code, name, description, scope, builtin, "
	    "status, version, created_at, updated_at) "
	    "VALUES (NULL, ?, ?, ?, ?, ?, 'active', 1, ?, ?) RETURNING id",
	[Q_UPDATE] = "UPDATE roles SET name = ?, description = ?, scope = ?, status = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
	[Q_DEL_PERMS] = "DELETE FROM role_perms WHERE role_id = ?",
	[Q_ADD_PERM] = "INSERT INTO role_perms (role_id, perm) VALUES (?, ?)",
	[Q_DEL_ORGS] = "DELETE FROM role_scope_orgs WHERE role_id = ?",
	[Q_ADD_ORG] = "INSERT INTO role_scope_orgs (role_id, org_id) VALUES (?, ?)",
};

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_role *r)
{
	memset(r, 0, sizeof(*r));
	r->id = zl_col_int(s, 0);
	r->org_id = zl_col_int(s, 1);
	r->code = zl_arena_strdup(a, zl_col_text(s, 2));
	r->name = zl_arena_strdup(a, zl_col_text(s, 3));
	r->description = zl_arena_strdup(a, zl_col_text(s, 4));
	r->scope = zl_arena_strdup(a, zl_col_text(s, 5));
	r->builtin = zl_col_int(s, 6) != 0;
	r->status = zl_arena_strdup(a, zl_col_text(s, 7));
	r->version = zl_col_int(s, 8);
	r->created_at = zl_col_int(s, 9);
	r->updated_at = zl_col_int(s, 10);
}

/* Permissions (in zl_perms[] order) and custom scope orgs of r. */
static int
details(struct zl_conn *c, struct zl_arena *a, struct zl_role *r)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_PERMS]);
	uint32_t	 bits = 0;
	size_t		 have = 0;
	int		 rc, p;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, r->id);
	while ((rc = zl_stmt_step(s)) == ZL_ROW)
		if ((p = zl_perm_parse(zl_col_text(s, 0))) >= 0)
			bits |= ZL_PERM_BIT(p);
	zl_stmt_reset(s);
	if (rc < 0)
		return rc;
	r->perms.v = zl_arena_alloc(a, (ZL_P__MAX + 1) * sizeof(char *));
	r->perms.n = 0;
	for (p = 0; p < ZL_P__MAX; p++)
		if (bits & ZL_PERM_BIT(p))
			r->perms.v[r->perms.n++] = zl_perms[p].code;

	if ((s = zl_stmt_get(c, sql[Q_ORGS])) == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, r->id);
	r->scope_orgs.v = NULL;
	r->scope_orgs.n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		if (r->scope_orgs.n == have) {
			size_t more = have ? have * 2 : 8;
			int64_t *v = zl_arena_alloc(a, more * sizeof(*v));
			if (have)
				memcpy(v, r->scope_orgs.v, have * sizeof(*v));
			r->scope_orgs.v = v;
			have = more;
		}
		r->scope_orgs.v[r->scope_orgs.n++] = zl_col_int(s, 0);
	}
	zl_stmt_reset(s);
	if (r->scope_orgs.v == NULL)
		r->scope_orgs.v = zl_arena_alloc(a, sizeof(int64_t));
	return rc < 0 ? rc : 0;
}

static int
one(struct zl_conn *c, struct zl_stmt *s, struct zl_arena *a, struct zl_role *r)
{
	int rc = zl_stmt_step(s);

	if (rc == ZL_ROW)
		row(s, a, r);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc == ZL_DONE ? ZL_ENOTFOUND : rc;
	return details(c, a, r);
}

int
zl_role_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_role *r)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_GET]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	return one(c, s, a, r);
}

int
zl_role_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
    struct zl_role *r)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_BY_CODE]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, code);
	return one(c, s, a, r);
}

int
zl_role_store_insert(struct zl_conn *c, struct zl_role *r)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, r->code);
	zl_bind_text(s, 2, r->name);
	zl_bind_text(s, 3, r->description);
	zl_bind_text(s, 4, r->scope);
	zl_bind_int(s, 5, r->builtin ? 1 : 0);
	zl_bind_int(s, 6, r->created_at);
	zl_bind_int(s, 7, r->updated_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		r->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc < 0 ? rc : ZL_EDB;
	if ((rc = zl_role_store_set_perms(c, r->id, &r->perms)) != 0)
		return rc;
	return zl_role_store_set_orgs(c, r->id, &r->scope_orgs);
}

int
zl_role_store_update(struct zl_conn *c, const struct zl_role *r, int64_t old_version)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_UPDATE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, r->name);
	zl_bind_text(s, 2, r->description);
	zl_bind_text(s, 3, r->scope);
	zl_bind_text(s, 4, r->status);
	zl_bind_int(s, 5, r->updated_at);
	zl_bind_int(s, 6, r->id);
	zl_bind_int(s, 7, old_version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_role_store_set_perms(struct zl_conn *c, int64_t id, const struct zl_strs *perms)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_DEL_PERMS]);
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	for (size_t i = 0; i < perms->n; i++) {
		if ((s = zl_stmt_get(c, sql[Q_ADD_PERM])) == NULL)
			return ZL_EDB;
		zl_bind_int(s, 1, id);
		zl_bind_text(s, 2, perms->v[i]);
		if ((n = zl_stmt_run(s)) < 0)
			return (int)n;
	}
	return 0;
}

int
zl_role_store_set_orgs(struct zl_conn *c, int64_t id, const struct zl_ints *orgs)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_DEL_ORGS]);
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	for (size_t i = 0; i < orgs->n; i++) {
		if ((s = zl_stmt_get(c, sql[Q_ADD_ORG])) == NULL)
			return ZL_EDB;
		zl_bind_int(s, 1, id);
		zl_bind_int(s, 2, orgs->v[i]);
		if ((n = zl_stmt_run(s)) < 0)
			return (int)n;
	}
	return 0;
}

int
zl_role_store_users_outside(struct zl_conn *c, struct zl_arena *a, int64_t id,
    const struct zl_scope *sc, int64_t *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	int		 rc;

	/* Citizens hold no roles; a staff user without an org counts as outside. */
	zl_sql_init(&q, a, "SELECT count(*) FROM user_roles ur WHERE ur.role_id = ? "
	    "AND ur.user_id NOT IN (SELECT u.id FROM users u WHERE u.org_id IS NOT NULL");
	zl_sql_int(&q, id);
	zl_scope_sql(&q, sc, "u.org_id", NULL);
	zl_sql_add(&q, ")");
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		*n = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_role_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_role_filter *f,
    struct zl_role **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	size_t		 have = 0;
	int		 rc;

	zl_sql_init(&q, a, "SELECT " COLS " FROM roles r WHERE r.id > ?");
	zl_sql_int(&q, f->after);
	if (f->q != NULL) {
		zl_sql_add(&q, " AND (r.name LIKE ? ESCAPE '!' OR r.code LIKE ? ESCAPE '!')");
		zl_sql_like(&q, f->q);
		zl_sql_like(&q, f->q);
	}
	zl_sql_add(&q, " ORDER BY r.id LIMIT ?");
	zl_sql_int(&q, f->limit + 1);
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*n = 0;
	*out = NULL;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		if ((size_t)*n == have) {
			size_t more = have ? have * 2 : 32;
			struct zl_role *p = zl_arena_alloc(a, more * sizeof(*p));
			if (have)
				memcpy(p, *out, have * sizeof(*p));
			*out = p;
			have = more;
		}
		row(s, a, &(*out)[(*n)++]);
	}
	zl_stmt_reset(s);
	if (rc < 0)
		return rc;
	/* Two small indexed queries per role of the page. */
	for (int i = 0; i < *n; i++)
		if ((rc = details(c, a, &(*out)[i])) != 0)
			return rc;
	return 0;
}
