/* user_store.c: SQL of users, their roles (user_roles) and the revocation of
 * their sessions.  Password hashes go in and never come out of this file. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/user/user.h"

#define COLS "u.id, COALESCE(u.org_id, 0), u.kind, u.username, u.display_name, u.phone, " \
	"u.email, u.position, u.rank, u.is_admin, u.status, u.version, u.created_at, " \
	"u.updated_at, COALESCE(o.name, ''), COALESCE(o.path, '')"
#define FROM " FROM users u LEFT JOIN orgs o ON o.id = u.org_id"

/* Users whose roles one query fetches; unused places are bound to 0. */
#define CHUNK	32
#define Q32	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

enum { Q_GET, Q_BY_NAME, Q_INSERT, Q_UPDATE, Q_DEL_ROLES, Q_ADD_ROLE, Q_PASSWORD,
	Q_REVOKE, Q_ROLES, Q_ROLES_ONE, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_GET] = "SELECT " COLS FROM " WHERE u.id = ?",
	[Q_BY_NAME] = "SELECT " COLS FROM " WHERE u.username = ?",
	[Q_INSERT] = "INSERT INTO users (org_id, kind, username, display_name, phone, email, "
	    "position, rank, password_hash, is_admin, status, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?) RETURNING id",
	[Q_UPDATE] = "UPDATE users SET org_id = ?, display_name = ?, phone = ?, email = ?, "
	    "position = ?, rank = ?, status = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?",
	[Q_DEL_ROLES] = "DELETE FROM user_roles WHERE user_id = ?",
	[Q_ADD_ROLE] = "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)",
	[Q_PASSWORD] = "UPDATE users SET password_hash = ?, failed_logins = 0, "
	    "first_failed_at = 0, locked_until = 0 WHERE id = ?",
	[Q_REVOKE] = "UPDATE sessions SET revoked_at = ? "
	    "WHERE user_id = ? AND revoked_at = 0 AND id <> ?",
	[Q_ROLES] = "SELECT ur.user_id, r.id, r.code, r.name FROM user_roles ur "
	    "JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (" Q32 ") "
	    "ORDER BY ur.user_id, r.id",
	/* One user (a record page): an IN list of 32 would probe 32 times. */
	[Q_ROLES_ONE] = "SELECT ur.user_id, r.id, r.code, r.name FROM user_roles ur "
	    "JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ? ORDER BY r.id",
};

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = zl_col_int(s, 0);
	u->org_id = zl_col_int(s, 1);
	u->kind = zl_arena_strdup(a, zl_col_text(s, 2));
	u->username = zl_arena_strdup(a, zl_col_text(s, 3));
	u->display_name = zl_arena_strdup(a, zl_col_text(s, 4));
	u->phone = zl_arena_strdup(a, zl_col_text(s, 5));
	u->email = zl_arena_strdup(a, zl_col_text(s, 6));
	u->position = zl_arena_strdup(a, zl_col_text(s, 7));
	u->rank = zl_arena_strdup(a, zl_col_text(s, 8));
	u->is_admin = zl_col_int(s, 9) != 0;
	u->status = zl_arena_strdup(a, zl_col_text(s, 10));
	u->version = zl_col_int(s, 11);
	u->created_at = zl_col_int(s, 12);
	u->updated_at = zl_col_int(s, 13);
	u->org_name = zl_arena_strdup(a, zl_col_text(s, 14));
	u->org_path = zl_arena_strdup(a, zl_col_text(s, 15));
	u->roles = zl_arena_alloc(a, sizeof(*u->roles));
}

static int
one(struct zl_conn *c, struct zl_stmt *s, struct zl_arena *a, struct zl_user *u)
{
	int rc = zl_stmt_step(s);

	if (rc == ZL_ROW)
		row(s, a, u);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc == ZL_DONE ? ZL_ENOTFOUND : rc;
	return zl_user_store_roles(c, a, u, 1);
}

int
zl_user_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_user *u)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_GET]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	return one(c, s, a, u);
}

int
zl_user_store_by_username(struct zl_conn *c, struct zl_arena *a, const char *username,
    struct zl_user *u)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_BY_NAME]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, username);
	return one(c, s, a, u);
}

int
zl_user_store_insert(struct zl_conn *c, struct zl_user *u, const char *hash)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	if (u->org_id) zl_bind_int(s, 1, u->org_id); else zl_bind_null(s, 1);
	zl_bind_text(s, 2, u->kind);
	zl_bind_text(s, 3, u->username);
	zl_bind_text(s, 4, u->display_name);
	zl_bind_text(s, 5, u->phone);
	zl_bind_text(s, 6, u->email);
	zl_bind_text(s, 7, u->position);
	zl_bind_text(s, 8, u->rank);
	zl_bind_text(s, 9, hash);
	zl_bind_int(s, 10, u->is_admin ? 1 : 0);
	zl_bind_int(s, 11, u->created_at);
	zl_bind_int(s, 12, u->updated_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		u->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_user_store_update(struct zl_conn *c, const struct zl_user *u, int64_t old_version)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_UPDATE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	if (u->org_id) zl_bind_int(s, 1, u->org_id); else zl_bind_null(s, 1);
	zl_bind_text(s, 2, u->display_name);
	zl_bind_text(s, 3, u->phone);
	zl_bind_text(s, 4, u->email);
	zl_bind_text(s, 5, u->position);
	zl_bind_text(s, 6, u->rank);
	zl_bind_text(s, 7, u->status);
	zl_bind_int(s, 8, u->updated_at);
	zl_bind_int(s, 9, u->id);
	zl_bind_int(s, 10, old_version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_user_store_set_roles(struct zl_conn *c, int64_t id, const struct zl_ints *roles)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_DEL_ROLES]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	for (size_t i = 0; i < roles->n; i++) {
		if ((s = zl_stmt_get(c, sql[Q_ADD_ROLE])) == NULL)
			return ZL_EDB;
		zl_bind_int(s, 1, id);
		zl_bind_int(s, 2, roles->v[i]);
		if ((n = zl_stmt_run(s)) < 0)
			return (int)n;
	}
	return 0;
}

int
zl_user_store_set_password(struct zl_conn *c, int64_t id, const char *hash)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_PASSWORD]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, hash);
	zl_bind_int(s, 2, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_ENOTFOUND;
}

int
zl_user_store_revoke_sessions(struct zl_conn *c, int64_t id, int64_t keep, int64_t now)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_REVOKE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_int(s, 2, id);
	zl_bind_int(s, 3, keep);	/* ids start at 1: 0 keeps none */
	return (n = zl_stmt_run(s)) < 0 ? (int)n : 0;
}

/* Append role to u, growing its array in the arena. */
static void
add_role(struct zl_arena *a, struct zl_user *u, int64_t id, const char *code,
    const char *name)
{
	size_t n = u->nroles;

	if (n > 0 && (n & (n - 1)) == 0) {	/* full at 1, 2, 4, 8 … */
		struct zl_user_role *p = zl_arena_alloc(a, 2 * n * sizeof(*p));
		memcpy(p, u->roles, n * sizeof(*p));
		u->roles = p;
	}
	u->roles[n].id = id;
	u->roles[n].code = zl_arena_strdup(a, code);
	u->roles[n].name = zl_arena_strdup(a, name);
	u->nroles = n + 1;
}

int
zl_user_store_roles(struct zl_conn *c, struct zl_arena *a, struct zl_user *users, int n)
{
	for (int base = 0; base < n; base += CHUNK) {
		struct zl_stmt	*s = zl_stmt_get(c, sql[n == 1 ? Q_ROLES_ONE : Q_ROLES]);
		int		 k = n - base < CHUNK ? n - base : CHUNK, rc, j = 0;

		if (s == NULL)
			return ZL_EDB;
		for (int i = 0; i < (n == 1 ? 1 : CHUNK); i++)
			zl_bind_int(s, i + 1, i < k ? users[base + i].id : 0);
		while ((rc = zl_stmt_step(s)) == ZL_ROW) {
			int64_t uid = zl_col_int(s, 0);
			/* Rows come by user id; users of a page are by id too, but
			 * a single search keeps this right for any order. */
			for (int t = 0; t < k && users[base + j].id != uid; t++)
				j = (j + 1) % k;
			if (users[base + j].id == uid)
				add_role(a, &users[base + j], zl_col_int(s, 1),
				    zl_col_text(s, 2), zl_col_text(s, 3));
		}
		zl_stmt_reset(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
zl_user_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_user_filter *f, const char *subtree_path, struct zl_user **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	int		 rc;

	zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE u.id > ? AND u.kind = 'staff'");
	zl_sql_int(&q, f->after);
	zl_scope_sql(&q, sc, "u.org_id", "u.id");
	if (subtree_path != NULL) {
		/* With a search term the name ranges are the selective index; the
		 * "|| ''" keeps both planners from starting with the subtree. */
		zl_sql_add(&q, f->q != NULL ? " AND (o.path || '') >= ? AND (o.path || '') < ?" :
		    " AND o.path >= ? AND o.path < ?");
		zl_sql_text(&q, subtree_path);
		zl_sql_text(&q, zl_path_end(a, subtree_path));
	} else if (f->org_id != 0) {
		zl_sql_add(&q, " AND u.org_id = ?");
		zl_sql_int(&q, f->org_id);
	}
	if (f->q != NULL) {
		/* Prefix search as two indexed ranges (binary collation on both
		 * backends): "李" finds 李明, "bench0001" finds bench000100… */
		char *low = zl_arena_strdup(a, f->q);
		char *end = zl_arena_printf(a, "%s\xf4\x8f\xbf\xbf", f->q);
		for (char *p = low; *p != '\0'; p++)	/* usernames are stored lower-case */
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		/* A UNION of the two index ranges: both planners then start from
		 * the few matching names instead of scanning the users. */
		zl_sql_add(&q, " AND u.id IN (SELECT id FROM users WHERE username >= ? AND username < ? "
		    "UNION SELECT id FROM users WHERE display_name >= ? AND display_name < ?)");
		zl_sql_text(&q, low);
		zl_sql_text(&q, zl_arena_printf(a, "%s\xf4\x8f\xbf\xbf", low));
		zl_sql_text(&q, f->q);
		zl_sql_text(&q, end);
	}
	if (f->status != NULL) {
		zl_sql_add(&q, " AND u.status = ?");
		zl_sql_text(&q, f->status);
	}
	if (f->role_id != 0) {
		zl_sql_add(&q, " AND u.id IN (SELECT user_id FROM user_roles WHERE role_id = ?)");
		zl_sql_int(&q, f->role_id);
	}
	zl_sql_add(&q, " ORDER BY u.id LIMIT ?");
	zl_sql_int(&q, f->limit + 1);
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n <= f->limit)
		row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	if (rc < 0)
		return rc;
	return zl_user_store_roles(c, a, *out, *n);
}
