/* audit_log_store.c: SQL reading the audit trail and the login log.  Rows
 * of records without an org (citizens, the system) are seen by scope `all`. */
#include <stdio.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/sql.h"
#include "modules/audit/audit_log.h"

static void
common(struct zl_sql *q, const struct zl_scope *s, const struct zl_audit_filter *f,
    const char *time_col)
{
	char buf[96];

	if (f->before > 0) {
		zl_sql_add(q, " AND id < ?");
		zl_sql_int(q, f->before);
	}
	if (f->from > 0) {
		snprintf(buf, sizeof(buf), " AND %s >= ?", time_col);
		zl_sql_add(q, buf);
		zl_sql_int(q, f->from);
	}
	if (f->to > 0) {
		snprintf(buf, sizeof(buf), " AND %s < ?", time_col);
		zl_sql_add(q, buf);
		zl_sql_int(q, f->to);
	}
	zl_scope_sql(q, s, "org_id", NULL);
	zl_sql_add(q, " ORDER BY id DESC LIMIT ?");
	zl_sql_int(q, f->limit + 1);
}

int
zl_audit_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
    const struct zl_audit_filter *f, struct zl_audit_row **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*st;
	int		 rc;

	zl_sql_init(&q, a, "SELECT id, at, COALESCE(actor_id, 0), COALESCE(org_id, 0), entity_id, "
	    "actor_name, entity, action, digest, client_addr FROM audit WHERE 1 = 1");
	if (f->entity != NULL) { zl_sql_add(&q, " AND entity = ?"); zl_sql_text(&q, f->entity); }
	if (f->entity_id > 0) { zl_sql_add(&q, " AND entity_id = ?"); zl_sql_int(&q, f->entity_id); }
	if (f->action != NULL) { zl_sql_add(&q, " AND action = ?"); zl_sql_text(&q, f->action); }
	if (f->actor_id > 0) { zl_sql_add(&q, " AND actor_id = ?"); zl_sql_int(&q, f->actor_id); }
	common(&q, s, f, "at");
	if ((st = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while (*n <= f->limit && (rc = zl_stmt_step(st)) == ZL_ROW) {
		struct zl_audit_row *r = &(*out)[(*n)++];
		r->id = zl_col_int(st, 0);
		r->at = zl_col_int(st, 1);
		r->actor_id = zl_col_int(st, 2);
		r->org_id = zl_col_int(st, 3);
		r->entity_id = zl_col_int(st, 4);
		r->actor_name = zl_arena_strdup(a, zl_col_text(st, 5));
		r->entity = zl_arena_strdup(a, zl_col_text(st, 6));
		r->action = zl_arena_strdup(a, zl_col_text(st, 7));
		r->digest = zl_arena_strdup(a, zl_col_text(st, 8));
		r->client_addr = zl_arena_strdup(a, zl_col_text(st, 9));
	}
	zl_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
zl_login_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
    const struct zl_audit_filter *f, struct zl_login_row **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*st;
	int		 rc = 0;

	zl_sql_init(&q, a, "SELECT id, at, COALESCE(user_id, 0), username, result, client_addr, "
	    "user_agent FROM login_log WHERE 1 = 1");
	if (f->username != NULL) { zl_sql_add(&q, " AND username = ?"); zl_sql_text(&q, f->username); }
	if (f->result != NULL) { zl_sql_add(&q, " AND result = ?"); zl_sql_text(&q, f->result); }
	common(&q, s, f, "at");
	if ((st = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while (*n <= f->limit && (rc = zl_stmt_step(st)) == ZL_ROW) {
		struct zl_login_row *r = &(*out)[(*n)++];
		r->id = zl_col_int(st, 0);
		r->at = zl_col_int(st, 1);
		r->user_id = zl_col_int(st, 2);
		r->username = zl_arena_strdup(a, zl_col_text(st, 3));
		r->result = zl_arena_strdup(a, zl_col_text(st, 4));
		r->client_addr = zl_arena_strdup(a, zl_col_text(st, 5));
		r->user_agent = zl_arena_strdup(a, zl_col_text(st, 6));
	}
	zl_stmt_reset(st);
	return rc < 0 ? rc : 0;
}
