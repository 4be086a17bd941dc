/* token_store.c: SQL of API tokens.  The secret's hash goes in and never
 * comes out of this file; permissions are one space-separated column. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/token/token.h"

#define COLS "t.id, t.org_id, t.name, t.prefix, t.perms, t.created_by, t.created_at, " \
	"t.expires_at, t.last_used_at, t.status, t.version, o.path"
#define FROM " FROM api_tokens t JOIN orgs o ON o.id = t.org_id"

enum { Q_GET, Q_INSERT, Q_REVOKE, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_GET] = "SELECT " COLS FROM " WHERE t.id = ?",
	[Q_INSERT] = "INSERT INTO api_tokens (org_id, name, prefix, token_hash, perms, "
	    "created_by, created_at, expires_at, last_used_at, status, version) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', 1) RETURNING id",
	[Q_REVOKE] = "UPDATE api_tokens SET status = 'revoked', version = version + 1 "
	    "WHERE id = ?",
};

/* "org.read user.read" into codes in zl_perms[] order; unknown words dropped. */
static void
perms(struct zl_arena *a, const char *s, struct zl_strs *out)
{
	uint32_t bits = 0;

	while (*s != '\0') {
		char code[32];
		size_t n = strcspn(s, " ");
		int p;
		if (n > 0 && n < sizeof(code)) {
			memcpy(code, s, n);
			code[n] = '\0';
			if ((p = zl_perm_parse(code)) >= 0)
				bits |= ZL_PERM_BIT(p);
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	out->v = zl_arena_alloc(a, (ZL_P__MAX + 1) * sizeof(char *));
	out->n = 0;
	for (int p = 0; p < ZL_P__MAX; p++)
		if (bits & ZL_PERM_BIT(p))
			out->v[out->n++] = zl_perms[p].code;
}

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = zl_col_int(s, 0);
	t->org_id = zl_col_int(s, 1);
	t->name = zl_arena_strdup(a, zl_col_text(s, 2));
	t->prefix = zl_arena_strdup(a, zl_col_text(s, 3));
	perms(a, zl_col_text(s, 4), &t->perms);
	t->created_by = zl_col_int(s, 5);
	t->created_at = zl_col_int(s, 6);
	t->expires_at = zl_col_int(s, 7);
	t->last_used_at = zl_col_int(s, 8);
	t->status = zl_arena_strdup(a, zl_col_text(s, 9));
	t->version = zl_col_int(s, 10);
	t->org_path = zl_arena_strdup(a, zl_col_text(s, 11));
}

int
zl_token_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_token *t)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_GET]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		row(s, a, t);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_token_store_insert(struct zl_conn *c, struct zl_token *t, const char *perm_text,
    const char *hash)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, t->org_id);
	zl_bind_text(s, 2, t->name);
	zl_bind_text(s, 3, t->prefix);
	zl_bind_text(s, 4, hash);
	zl_bind_text(s, 5, perm_text);
	zl_bind_int(s, 6, t->created_by);
	zl_bind_int(s, 7, t->created_at);
	zl_bind_int(s, 8, t->expires_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		t->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_token_store_revoke(struct zl_conn *c, int64_t id)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_REVOKE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_ENOTFOUND;
}

int
zl_token_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_token_filter *f, struct zl_token **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	int		 rc;

	zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE t.id > ?");
	zl_sql_int(&q, f->after);
	zl_scope_sql(&q, sc, "t.org_id", "t.created_by");
	zl_sql_add(&q, " ORDER BY t.id LIMIT ?");
	zl_sql_int(&q, f->limit + 1);
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n <= f->limit)
		row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}
