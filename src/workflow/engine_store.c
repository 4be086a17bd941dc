/* engine_store.c: SQL of definitions, instances, tasks, history and the
 * working-day calendar. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "workflow/calendar.h"
#include "workflow/engine_store.h"

#define ICOLS "id, def_id, subject, subject_id, COALESCE(org_id, 0), applicant_id, " \
	"COALESCE(applicant_org, 0), status, step, step_started_at, due_at, paused_since, " \
	"paused_total, returned, escalated, created_at, finished_at, version"
#define TCOLS "id, instance_id, step, COALESCE(org_id, 0), COALESCE(user_id, 0), " \
	"COALESCE(role_id, 0), COALESCE(role_org, 0), mode, status, action, comment, " \
	"created_at, due_at, done_at, COALESCE(done_by, 0), urged, step_name"

static void
bind_id(struct zl_stmt *s, int i, int64_t v)
{
	if (v != 0)
		zl_bind_int(s, i, v);
	else
		zl_bind_null(s, i);
}

static int
run(struct zl_stmt *s)
{
	if (s == NULL)
		return ZL_EDB;
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_wfs_def_insert(struct zl_conn *c, const char *code, const char *name, const char *doc,
    int64_t org_id, int64_t by, int64_t now, int64_t *id, int64_t *version)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO process_defs (code, version, name, doc, "
	    "org_id, created_by, created_at) VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 "
	    "FROM process_defs WHERE code = ?), ?, ?, ?, ?, ?) RETURNING id, version");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, code);
	zl_bind_text(s, 2, code);
	zl_bind_text(s, 3, name);
	zl_bind_text(s, 4, doc);
	bind_id(s, 5, org_id);
	bind_id(s, 6, by);
	zl_bind_int(s, 7, now);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*id = zl_col_int(s, 0);
		*version = zl_col_int(s, 1);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_wfs_def_get(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
    int64_t *out_id, int64_t *version, const char **name, const char **doc,
    int64_t *org_id, int64_t *created_at)
{
	struct zl_stmt *s = zl_stmt_get(c, id ?
	    "SELECT id, version, name, doc, COALESCE(org_id, 0), created_at FROM process_defs WHERE id = ?" :
	    "SELECT id, version, name, doc, COALESCE(org_id, 0), created_at FROM process_defs "
	    "WHERE code = ? ORDER BY version DESC LIMIT 1");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	if (id)
		zl_bind_int(s, 1, id);
	else
		zl_bind_text(s, 1, code);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*out_id = zl_col_int(s, 0);
		*version = zl_col_int(s, 1);
		*name = zl_arena_strdup(a, zl_col_text(s, 2));
		*doc = zl_arena_strdup(a, zl_col_text(s, 3));
		*org_id = zl_col_int(s, 4);
		*created_at = zl_col_int(s, 5);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

static int64_t
by_text(struct zl_conn *c, const char *sql, const char *v)
{
	struct zl_stmt *s = zl_stmt_get(c, sql);

	if (s != NULL)
		zl_bind_text(s, 1, v);
	return zl_stmt_scalar(s);
}

int64_t zl_wfs_role_id(struct zl_conn *c, const char *code)
{ return by_text(c, "SELECT id FROM roles WHERE code = ? AND status = 'active'", code); }
int64_t zl_wfs_org_id(struct zl_conn *c, const char *code)
{ return by_text(c, "SELECT id FROM orgs WHERE code = ? AND status = 'active'", code); }
int64_t zl_wfs_user_id(struct zl_conn *c, const char *username)
{ return by_text(c, "SELECT id FROM users WHERE username = ? AND status = 'active' AND kind = 'staff'", username); }

int64_t
zl_wfs_parent_org(struct zl_conn *c, int64_t org)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?");

	if (s != NULL)
		zl_bind_int(s, 1, org);
	return zl_stmt_scalar(s);
}

int
zl_wfs_exists(struct zl_conn *c, int what, const char *code)
{
	int64_t id = what == 0 ? zl_wfs_role_id(c, code) : what == 1 ?
	    zl_wfs_org_id(c, code) : zl_wfs_user_id(c, code);

	return id < 0 ? (int)id : id > 0;
}

int
zl_wfs_role_users(struct zl_conn *c, int64_t role, int64_t org, int64_t *ids, int max)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT u.id FROM users u JOIN user_roles ur ON "
	    "ur.user_id = u.id WHERE ur.role_id = ? AND u.org_id = ? AND u.status = 'active' "
	    "ORDER BY u.id");
	int n = 0, rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, role);
	zl_bind_int(s, 2, org);
	while ((rc = zl_stmt_step(s)) == ZL_ROW && n < max)
		ids[n++] = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc < 0 ? rc : n;
}

int
zl_wfs_instance_insert(struct zl_conn *c, struct zl_wf_instance *i)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO wf_instances (def_id, subject, subject_id, "
	    "org_id, applicant_id, applicant_org, status, step, step_started_at, due_at, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, i->def_id);
	zl_bind_text(s, 2, i->subject);
	zl_bind_int(s, 3, i->subject_id);
	bind_id(s, 4, i->org_id);
	zl_bind_int(s, 5, i->applicant_id);
	bind_id(s, 6, i->applicant_org);
	zl_bind_text(s, 7, i->status);
	zl_bind_text(s, 8, i->step);
	zl_bind_int(s, 9, i->step_started_at);
	zl_bind_int(s, 10, i->due_at);
	zl_bind_int(s, 11, i->created_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		i->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	i->version = 1;
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_wfs_instance_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_instance *i)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " ICOLS " FROM wf_instances WHERE id = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		i->id = zl_col_int(s, 0);
		i->def_id = zl_col_int(s, 1);
		i->subject = zl_arena_strdup(a, zl_col_text(s, 2));
		i->subject_id = zl_col_int(s, 3);
		i->org_id = zl_col_int(s, 4);
		i->applicant_id = zl_col_int(s, 5);
		i->applicant_org = zl_col_int(s, 6);
		i->status = zl_arena_strdup(a, zl_col_text(s, 7));
		i->step = zl_arena_strdup(a, zl_col_text(s, 8));
		i->step_started_at = zl_col_int(s, 9);
		i->due_at = zl_col_int(s, 10);
		i->paused_since = zl_col_int(s, 11);
		i->paused_total = zl_col_int(s, 12);
		i->returned = (int)zl_col_int(s, 13);
		i->escalated = (int)zl_col_int(s, 14);
		i->created_at = zl_col_int(s, 15);
		i->finished_at = zl_col_int(s, 16);
		i->version = zl_col_int(s, 17);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_wfs_instance_update(struct zl_conn *c, const struct zl_wf_instance *i)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE wf_instances SET status = ?, step = ?, "
	    "step_started_at = ?, due_at = ?, paused_since = ?, paused_total = ?, returned = ?, "
	    "escalated = ?, finished_at = ?, version = version + 1 WHERE id = ? AND version = ?");
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, i->status);
	zl_bind_text(s, 2, i->step);
	zl_bind_int(s, 3, i->step_started_at);
	zl_bind_int(s, 4, i->due_at);
	zl_bind_int(s, 5, i->paused_since);
	zl_bind_int(s, 6, i->paused_total);
	zl_bind_int(s, 7, i->returned);
	zl_bind_int(s, 8, i->escalated);
	zl_bind_int(s, 9, i->finished_at);
	zl_bind_int(s, 10, i->id);
	zl_bind_int(s, 11, i->version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_wfs_task_insert(struct zl_conn *c, struct zl_wf_task *t)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO wf_tasks (instance_id, step, org_id, "
	    "user_id, role_id, role_org, mode, status, created_at, due_at, step_name) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, t->instance_id);
	zl_bind_text(s, 2, t->step);
	bind_id(s, 3, t->org_id);
	bind_id(s, 4, t->user_id);
	bind_id(s, 5, t->role_id);
	bind_id(s, 6, t->role_org);
	zl_bind_text(s, 7, t->mode);
	zl_bind_int(s, 8, t->created_at);
	zl_bind_int(s, 9, t->due_at);
	zl_bind_text(s, 10, t->step_name ? t->step_name : "");
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		t->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	t->status = "open";
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

static void
task_row(struct zl_stmt *s, struct zl_arena *a, struct zl_wf_task *t)
{
	t->id = zl_col_int(s, 0);
	t->instance_id = zl_col_int(s, 1);
	t->step = zl_arena_strdup(a, zl_col_text(s, 2));
	t->org_id = zl_col_int(s, 3);
	t->user_id = zl_col_int(s, 4);
	t->role_id = zl_col_int(s, 5);
	t->role_org = zl_col_int(s, 6);
	t->mode = zl_arena_strdup(a, zl_col_text(s, 7));
	t->status = zl_arena_strdup(a, zl_col_text(s, 8));
	t->action = zl_arena_strdup(a, zl_col_text(s, 9));
	t->comment = zl_arena_strdup(a, zl_col_text(s, 10));
	t->created_at = zl_col_int(s, 11);
	t->due_at = zl_col_int(s, 12);
	t->done_at = zl_col_int(s, 13);
	t->done_by = zl_col_int(s, 14);
	t->urged = (int)zl_col_int(s, 15);
	t->step_name = zl_arena_strdup(a, zl_col_text(s, 16));
}

int
zl_wfs_task_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_task *t)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " TCOLS " FROM wf_tasks WHERE id = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		task_row(s, a, t);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_wfs_task_close(struct zl_conn *c, int64_t id, const char *status, const char *action,
    const char *comment, int64_t at, int64_t by)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE wf_tasks SET status = ?, action = ?, "
	    "comment = ?, done_at = ?, done_by = ? WHERE id = ? AND status = 'open'");
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, status);
	zl_bind_text(s, 2, action);
	zl_bind_text(s, 3, comment ? comment : "");
	zl_bind_int(s, 4, at);
	bind_id(s, 5, by);
	zl_bind_int(s, 6, id);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_ECONFLICT;
}

int
zl_wfs_open_tasks(struct zl_conn *c, struct zl_arena *a, int64_t instance, const char *step,
    struct zl_wf_task **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, step ?
	    "SELECT " TCOLS " FROM wf_tasks WHERE instance_id = ? AND status = 'open' AND step = ? ORDER BY id" :
	    "SELECT " TCOLS " FROM wf_tasks WHERE instance_id = ? AND status = 'open' ORDER BY id");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, instance);
	if (step)
		zl_bind_text(s, 2, step);
	*out = zl_arena_alloc(a, 64 * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n < 64)
		task_row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_wfs_history(struct zl_conn *c, int64_t instance, int64_t at, int64_t actor,
    const char *action, const char *step, const char *to_step, const char *comment)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO wf_history (instance_id, at, actor_id, "
	    "action, step, to_step, comment) VALUES (?, ?, ?, ?, ?, ?, ?)");

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, instance);
	zl_bind_int(s, 2, at);
	bind_id(s, 3, actor);
	zl_bind_text(s, 4, action);
	zl_bind_text(s, 5, step);
	zl_bind_text(s, 6, to_step ? to_step : "");
	zl_bind_text(s, 7, comment ? comment : "");
	return run(s);
}

int
zl_wfs_step_visited(struct zl_conn *c, int64_t instance, const char *step)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT count(*) FROM wf_tasks WHERE instance_id = ? AND step = ?");

	if (s != NULL) {
		zl_bind_int(s, 1, instance);
		zl_bind_text(s, 2, step);
	}
	return (int)(zl_stmt_scalar(s) > 0);
}

int
zl_wfs_acted(struct zl_conn *c, int64_t instance)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT count(*) FROM wf_history WHERE instance_id = ? "
	    "AND action IN ('approve', 'reject', 'return', 'back', 'transfer', 'add-signer')");

	if (s != NULL)
		zl_bind_int(s, 1, instance);
	return (int)(zl_stmt_scalar(s) > 0);
}

int
zl_wfs_step_all(struct zl_conn *c, int64_t instance, const char *step)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE wf_tasks SET mode = 'all' "
	    "WHERE instance_id = ? AND step = ? AND status = 'open'");

	if (s != NULL) {
		zl_bind_int(s, 1, instance);
		zl_bind_text(s, 2, step);
	}
	return run(s);
}

int
zl_wfs_staff_ok(struct zl_conn *c, int64_t id)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT count(*) FROM users u WHERE u.id = ? "
	    "AND u.status = 'active' AND u.kind = 'staff' AND (u.is_admin = 1 OR EXISTS (SELECT 1 "
	    "FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.status = 'active' "
	    "JOIN role_perms rp ON rp.role_id = ur.role_id WHERE ur.user_id = u.id "
	    "AND rp.perm = 'application.handle'))");

	if (s != NULL)
		zl_bind_int(s, 1, id);
	return (int)(zl_stmt_scalar(s) > 0);
}

int
zl_wfs_overdue(struct zl_conn *c, struct zl_arena *a, int64_t now, struct zl_wf_task **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT t.id, t.instance_id, t.step, COALESCE(t.org_id, 0), "
	    "COALESCE(t.user_id, 0), COALESCE(t.role_id, 0), COALESCE(t.role_org, 0), t.mode, t.status, "
	    "t.action, t.comment, t.created_at, t.due_at, t.done_at, COALESCE(t.done_by, 0), t.urged, "
	    "t.step_name FROM wf_tasks t JOIN wf_instances i ON i.id = t.instance_id WHERE t.status = 'open' "
	    "AND t.due_at < ? AND i.status = 'running' AND i.escalated = 0 ORDER BY t.id LIMIT 200");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	*out = zl_arena_alloc(a, 200 * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n < 200)
		task_row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_wfs_urge(struct zl_conn *c, int64_t instance)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE wf_tasks SET urged = urged + 1 "
	    "WHERE instance_id = ? AND status = 'open'");

	if (s != NULL)
		zl_bind_int(s, 1, instance);
	return run(s);
}

int
zl_wfs_calendar(struct zl_conn *c, struct zl_arena *a, struct zl_cal_entry **out, size_t *n)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT day, kind, name FROM calendar_days ORDER BY day");
	size_t cap = 64;
	int rc;

	if (s == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		if (*n == cap) {
			struct zl_cal_entry *p = zl_arena_alloc(a, cap * 2 * sizeof(*p));
			memcpy(p, *out, cap * sizeof(*p));
			*out = p;
			cap *= 2;
		}
		(*out)[*n].date = zl_arena_strdup(a, zl_col_text(s, 0));
		(*out)[*n].kind = strcmp(zl_col_text(s, 1), "workday") == 0 ? ZL_CAL_WORKDAY : ZL_CAL_HOLIDAY;
		(*out)[(*n)++].name = zl_arena_strdup(a, zl_col_text(s, 2));
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_wfs_calendar_set_year(struct zl_conn *c, int year, const struct zl_cal_entry *e,
    size_t n, int64_t now)
{
	struct zl_stmt *s = zl_stmt_get(c, "DELETE FROM calendar_days WHERE day >= ? AND day < ?");
	char from[24], to[24];
	int rc;

	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-01-01", year + 1);
	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, from);
	zl_bind_text(s, 2, to);
	if ((rc = run(s)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		s = zl_stmt_get(c, "INSERT INTO calendar_days (day, kind, name, updated_at) VALUES (?, ?, ?, ?)");
		if (s == NULL)
			return ZL_EDB;
		zl_bind_text(s, 1, e[i].date);
		zl_bind_text(s, 2, e[i].kind == ZL_CAL_WORKDAY ? "workday" : "holiday");
		zl_bind_text(s, 3, e[i].name ? e[i].name : "");
		zl_bind_int(s, 4, now);
		if ((rc = run(s)) != 0)
			return rc;
	}
	return 0;
}
