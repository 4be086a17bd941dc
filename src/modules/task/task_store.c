/* task_store.c: SQL of the inbox and the overdue list. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/sql.h"
#include "modules/task/task.h"

#define COLS "t.id, t.instance_id, i.subject_id, COALESCE(t.org_id, 0), t.created_at, t.due_at, " \
	"t.done_at, t.urged, t.step, t.status, t.action, i.subject, COALESCE(ap.code, ''), " \
	"COALESCE(si.name, ''), COALESCE(u.display_name, ''), t.step_name, " \
	"COALESCE(COALESCE(t.role_org, t.org_id), 0), COALESCE(og.name, '')"
#define FROM " FROM wf_tasks t JOIN wf_instances i ON i.id = t.instance_id " \
	"LEFT JOIN orgs og ON og.id = COALESCE(t.role_org, t.org_id) " \
	"LEFT JOIN applications ap ON i.subject = 'application' AND ap.id = i.subject_id " \
	"LEFT JOIN service_items si ON si.id = ap.item_id LEFT JOIN users u ON u.id = i.applicant_id"

static int
rows(struct zl_stmt *s, struct zl_arena *a, int limit, struct zl_task_row **out, int *n)
{
	int rc;

	*out = zl_arena_alloc(a, (size_t)(limit + 1) * sizeof(**out));
	*n = 0;
	while (*n <= limit && (rc = zl_stmt_step(s)) == ZL_ROW) {
		struct zl_task_row *t = &(*out)[(*n)++];
		t->id = zl_col_int(s, 0);
		t->instance_id = zl_col_int(s, 1);
		t->subject_id = zl_col_int(s, 2);
		t->org_id = zl_col_int(s, 3);
		t->created_at = zl_col_int(s, 4);
		t->due_at = zl_col_int(s, 5);
		t->done_at = zl_col_int(s, 6);
		t->urged = zl_col_int(s, 7);
		t->step = zl_arena_strdup(a, zl_col_text(s, 8));
		t->status = zl_arena_strdup(a, zl_col_text(s, 9));
		t->action = zl_arena_strdup(a, zl_col_text(s, 10));
		t->subject = zl_arena_strdup(a, zl_col_text(s, 11));
		t->code = zl_arena_strdup(a, zl_col_text(s, 12));
		t->item_name = zl_arena_strdup(a, zl_col_text(s, 13));
		t->applicant_name = zl_arena_strdup(a, zl_col_text(s, 14));
		t->step_name = zl_arena_strdup(a, zl_col_text(s, 15));
		t->handler_org = zl_col_int(s, 16);
		t->handler_org_name = zl_arena_strdup(a, zl_col_text(s, 17));
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

/* Keyset paging over (time, id): open tasks by remaining time, soonest
 * first; done tasks newest first. */
static void
page(struct zl_sql *q, const struct zl_task_filter *f, const char *time_col)
{
	const char *cmp = f->done ? "<" : ">", *dir = f->done ? " DESC" : "";
	char buf[200];

	if (f->after_id > 0) {
		snprintf(buf, sizeof(buf), " AND (%s %s ? OR (%s = ? AND t.id %s ?))", time_col, cmp,
		    time_col, cmp);
		zl_sql_add(q, buf);
		zl_sql_int(q, f->after_due);
		zl_sql_int(q, f->after_due);
		zl_sql_int(q, f->after_id);
	}
	snprintf(buf, sizeof(buf), " ORDER BY %s%s, t.id%s LIMIT ?", time_col, dir, dir);
	zl_sql_add(q, buf);
	zl_sql_int(q, f->limit + 1);
}

/* One branch of the inbox: open tasks of one assignee key, soonest first,
 * at most limit + 1 (each branch walks its own index in due order). */
static void
branch(struct zl_sql *q, const struct zl_task_filter *f, const char *who, int64_t a, int64_t b)
{
	char buf[160];

	zl_sql_add(q, "SELECT * FROM (SELECT * FROM wf_tasks WHERE status = 'open' AND ");
	zl_sql_add(q, who);
	zl_sql_int(q, a);
	if (b != 0)
		zl_sql_int(q, b);
	if (f->overdue) {
		zl_sql_add(q, " AND due_at < ?");
		zl_sql_int(q, f->now);
	}
	if (f->after_id > 0) {
		zl_sql_add(q, " AND (due_at > ? OR (due_at = ? AND id > ?))");
		zl_sql_int(q, f->after_due);
		zl_sql_int(q, f->after_due);
		zl_sql_int(q, f->after_id);
	}
	snprintf(buf, sizeof(buf), " ORDER BY due_at, id LIMIT ?) AS b%d", q->nvals);
	zl_sql_add(q, buf);
	zl_sql_int(q, f->limit + 1);
}

int
zl_task_store_inbox(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_task_filter *f, struct zl_task_row **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;

	if (f->done) {
		zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE ");
		zl_sql_add(&q, "t.status = 'done' AND t.done_by = ?");
		zl_sql_int(&q, p->user_id);
		page(&q, f, "t.done_at");
	} else {
		/* The caller's own tasks, and the role tasks of its org for each
		 * role it holds, as a UNION ALL of index walks: with a million
		 * cases the inbox still reads only a page per branch. */
		zl_sql_init(&q, a, "SELECT " COLS " FROM (");
		branch(&q, f, "user_id = ?", p->user_id, 0);
		for (size_t i = 0; p->org_id != 0 && i < p->ngrants && i < 16; i++) {
			zl_sql_add(&q, " UNION ALL ");
			branch(&q, f, "user_id IS NULL AND role_org = ? AND role_id = ?", p->org_id,
			    p->grants[i].role_id);
		}
		zl_sql_add(&q, ") t JOIN wf_instances i ON i.id = t.instance_id "
		    "LEFT JOIN orgs og ON og.id = COALESCE(t.role_org, t.org_id) "
		    "LEFT JOIN applications ap ON i.subject = 'application' AND ap.id = i.subject_id "
		    "LEFT JOIN service_items si ON si.id = ap.item_id LEFT JOIN users u ON u.id = i.applicant_id "
		    "ORDER BY t.due_at, t.id LIMIT ?");
		zl_sql_int(&q, f->limit + 1);
	}
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	return rows(s, a, f->limit, out, n);
}

int
zl_task_store_overdue(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_task_filter *f, struct zl_task_row **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;

	zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE t.status = 'open' AND t.due_at < ?");
	zl_sql_int(&q, f->now);
	zl_scope_sql(&q, sc, "i.org_id", NULL);
	page(&q, f, "t.due_at");
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	return rows(s, a, f->limit, out, n);
}

int
zl_task_store_subject(struct zl_conn *c, struct zl_arena *a, int64_t task_id,
    const char **subject, int64_t *subject_id, json_t **data)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT i.subject, i.subject_id, COALESCE(ap.data, '{}') "
	    "FROM wf_tasks t JOIN wf_instances i ON i.id = t.instance_id LEFT JOIN applications ap "
	    "ON i.subject = 'application' AND ap.id = i.subject_id WHERE t.id = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, task_id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*subject = zl_arena_strdup(a, zl_col_text(s, 0));
		*subject_id = zl_col_int(s, 1);
		*data = zl_json_own(a, json_loads(zl_col_text(s, 2), 0, NULL));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}
