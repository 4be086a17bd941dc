/* kpi_store.c: the rows behind the service figures, one per submitted
 * application in the period and scope. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/sql.h"
#include "modules/kpi/kpi.h"

int
zl_kpi_store_rows(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    int64_t from, int64_t to, struct zl_kpi_row **out, size_t *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	size_t		 cap = 256;
	int		 rc;

	zl_sql_init(&q, a, "SELECT a.item_id, a.org_id, a.submitted_at, a.finished_at, "
	    "COALESCE(i.due_at, 0), COALESCE(i.paused_total, 0), si.visits, COALESCE(r.overall, 0), "
	    "COALESCE(i.returned, 0), CASE WHEN a.channel = 'online' THEN 1 ELSE 0 END, a.status, "
	    "si.name, o.name FROM applications a JOIN service_items si ON si.id = a.item_id "
	    "JOIN orgs o ON o.id = a.org_id LEFT JOIN wf_instances i ON i.id = a.instance_id "
	    "LEFT JOIN ratings r ON r.application_id = a.id "
	    "WHERE a.submitted_at >= ? AND a.submitted_at < ? AND a.status <> 'draft'");
	zl_sql_int(&q, from);
	zl_sql_int(&q, to);
	zl_scope_sql(&q, sc, "a.org_id", NULL);
	zl_sql_add(&q, " ORDER BY a.id LIMIT 1000000");
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		struct zl_kpi_row *r;
		if (*n == cap) {
			struct zl_kpi_row *p = zl_arena_alloc(a, cap * 2 * sizeof(*p));
			memcpy(p, *out, cap * sizeof(*p));
			*out = p;
			cap *= 2;
		}
		r = &(*out)[(*n)++];
		r->item_id = zl_col_int(s, 0);
		r->org_id = zl_col_int(s, 1);
		r->submitted_at = zl_col_int(s, 2);
		r->finished_at = zl_col_int(s, 3);
		r->due_at = zl_col_int(s, 4);
		r->paused_total = zl_col_int(s, 5);
		r->visits = zl_col_int(s, 6);
		r->rating = zl_col_int(s, 7);
		r->returned = (int)zl_col_int(s, 8);
		r->online = (int)zl_col_int(s, 9);
		r->status = zl_arena_strdup(a, zl_col_text(s, 10));
		r->item_name = zl_arena_strdup(a, zl_col_text(s, 11));
		r->org_name = zl_arena_strdup(a, zl_col_text(s, 12));
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}
