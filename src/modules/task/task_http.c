/* task_http.c: /api/v1/tasks: the inbox, the overdue list, and actions. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/task/task.h"
#include "workflow/calendar.h"
#include "workflow/engine.h"

static void
set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new_nocheck(o, key, json_integer((json_int_t)v));
}

/* Text read back from the database was checked as UTF-8 when it came in. */
static void
set_text(json_t *o, const char *key, const char *v)
{
	json_object_set_new_nocheck(o, key, v ? json_string_nocheck(v) : json_null());
}

/* One row of the inbox, built field by field (json_pack would parse its
 * format and check every key for each of the page's rows). */
static json_t *
task_json(const struct zl_task_row *t, const struct zl_calendar *cal, int64_t now)
{
	double remaining = t->due_at > now ? zl_cal_working_days_between(cal, now, t->due_at) :
	    -zl_cal_working_days_between(cal, t->due_at, now);
	json_t *o = json_object();

	set_int(o, "id", t->id);
	set_int(o, "instance_id", t->instance_id);
	set_text(o, "subject", t->subject);
	set_int(o, "subject_id", t->subject_id);
	set_text(o, "code", t->code);
	set_text(o, "item_name", t->item_name);
	set_text(o, "applicant_name", t->applicant_name);
	set_text(o, "step", t->step);
	set_text(o, "step_name", t->step_name);
	set_int(o, "org_id", t->handler_org);
	set_text(o, "org_name", t->handler_org_name);
	set_text(o, "status", t->status);
	json_object_set_new_nocheck(o, "created_at", zl_json_time(t->created_at));
	json_object_set_new_nocheck(o, "due_at", zl_json_time(t->due_at));
	json_object_set_new_nocheck(o, "done_at", zl_json_time(t->done_at));
	json_object_set_new_nocheck(o, "remaining_working_days", json_real(remaining));
	json_object_set_new_nocheck(o, "overdue",
	    json_boolean(t->due_at < now && strcmp(t->status, "open") == 0));
	set_int(o, "urged", t->urged);
	return o;
}

/* The cursor holds "due:id" so paging keeps the order by remaining time. */
static int
filter(struct zl_req *r, struct zl_task_filter *f)
{
	const char *cur = zl_req_query(r, "cursor"), *s;
	int64_t ignored;
	int rc;

	memset(f, 0, sizeof(f[0]));
	f->now = (int64_t)time(NULL);
	if (cur != NULL && *cur != '\0') {
		long long due, id;
		if (sscanf(cur, "%lld:%lld", &due, &id) != 2 || id <= 0)
			return zl_err_field(&r->err, "cursor", "invalid cursor");
		f->after_due = due;
		f->after_id = id;
	}
	/* zl_req_page reads limit; the cursor is ours. */
	if ((s = zl_req_query(r, "limit")) != NULL) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end != '\0' || v < 1 || v > r->app->cfg.list_max)
			return zl_err_field(&r->err, "limit", "must be 1 to the list maximum");
		f->limit = (int)v;
	} else
		f->limit = 50;
	(void)ignored;
	(void)rc;
	s = zl_req_query(r, "status");
	f->done = s != NULL && strcmp(s, "done") == 0;
	s = zl_req_query(r, "overdue");
	f->overdue = s != NULL && strcmp(s, "1") == 0;
	return 0;
}

static int
reply_rows(struct zl_req *r, struct zl_task_row *t, int n, const struct zl_task_filter *f)
{
	struct zl_calendar	 cal;
	json_t			*items = json_array(), *cur = json_null();
	int			 rc;

	if ((rc = zl_wf_calendar(r->db, &r->arena, &cal)) != 0) {
		json_decref(items);
		return rc;
	}
	for (int i = 0; i < n && i < f->limit; i++)
		json_array_append_new(items, task_json(&t[i], &cal, f->now));
	zl_cal_release(&cal);
	if (n > f->limit) {
		const struct zl_task_row *last = &t[f->limit - 1];
		char buf[48];
		snprintf(buf, sizeof(buf), "%lld:%lld",
		    (long long)(f->done ? last->done_at : last->due_at), (long long)last->id);
		cur = json_string(buf);
	}
	return zl_reply_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", cur));
}

static int
handle_inbox(struct zl_req *r)
{
	struct zl_task_filter	 f;
	struct zl_task_row	*t;
	int			 n, rc;

	if ((rc = filter(r, &f)) != 0 ||
	    (rc = zl_task_inbox(r->db, &r->arena, r->who, &f, &t, &n)) != 0)
		return rc;
	return reply_rows(r, t, n, &f);
}

static int
handle_overdue(struct zl_req *r)
{
	struct zl_task_filter	 f;
	struct zl_task_row	*t;
	int			 n, rc;

	if ((rc = filter(r, &f)) != 0 ||
	    (rc = zl_task_overdue(r->db, &r->arena, r->who, &f, &t, &n)) != 0)
		return rc;
	return reply_rows(r, t, n, &f);
}

struct act_in { const char *comment, *to_step; int64_t user_id; struct zl_ints ids; };

static const struct zl_jfield act_fields[] = {
	{ "comment", ZL_J_STR, offsetof(struct act_in, comment), 0, 1000 },
	{ "to_step", ZL_J_STR, offsetof(struct act_in, to_step), 0, 64 },
	{ "user_id", ZL_J_INT, offsetof(struct act_in, user_id), 0, 0 },
	{ NULL },
};

/* 200 {status}; 404 not the caller's task; 409 the task is closed. */
static int
handle_act(struct zl_req *r)
{
	struct zl_actor		 who = { r->who, r->client_addr };
	struct act_in		 in;
	struct zl_wf_act	 act;
	json_t			*body = NULL;
	int64_t			 id;
	int			 rc, action;

	memset(&in, 0, sizeof(in));
	if ((rc = zl_req_id(r, 0, &id)) != 0)
		return rc;
	if ((action = zl_wf_action_parse(r->params[1])) < 0)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "unknown action");
	if (r->json != NULL && ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, act_fields, &in, NULL, &r->arena, &r->err)) != 0))
		return rc;
	memset(&act, 0, sizeof(act));
	act.action = (enum zl_wf_action)action;
	act.comment = in.comment;
	act.to_step = in.to_step;
	act.user_id = in.user_id;
	if ((rc = zl_task_act(r->db, &r->arena, &who, id, &act, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
	    "action", zl_wf_action_names[action]));
}

static const struct zl_jfield bulk_fields[] = {
	{ "ids", ZL_J_INTS, offsetof(struct act_in, ids), 1, 100 },
	{ "comment", ZL_J_STR, offsetof(struct act_in, comment), 0, 1000 },
	{ NULL },
};

/* Approve many: each task in its own transaction; the answer lists each result. */
static int
handle_bulk(struct zl_req *r)
{
	struct zl_actor	 who = { r->who, r->client_addr };
	struct act_in	 in;
	json_t		*body, *results;
	int		 rc;

	memset(&in, 0, sizeof(in));
	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, bulk_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	results = json_array();
	for (size_t i = 0; i < in.ids.n; i++) {
		struct zl_wf_act act = { .action = ZL_WF_APPROVE, .comment = in.comment };
		struct zl_error err;
		memset(&err, 0, sizeof(err));
		rc = zl_task_act(r->db, &r->arena, &who, in.ids.v[i], &act, &err);
		json_array_append_new(results, json_pack("{s:I,s:b,s:s}", "id", (json_int_t)in.ids.v[i],
		    "ok", rc == 0, "error", rc == 0 ? "" : err.detail[0] ? err.detail : zl_err_name(rc)));
	}
	return zl_reply_json(r, 200, json_pack("{s:o}", "items", results));
}

const struct zl_route zl_task_routes[] = {
	{ ZL_GET, "/api/v1/tasks", handle_inbox, ZL_ROUTE_STAFF },
	{ ZL_GET, "/api/v1/tasks/overdue", handle_overdue, ZL_P_APP_READ },
	{ ZL_POST, "/api/v1/tasks/actions/bulk-approve", handle_bulk, ZL_P_APP_HANDLE },
	{ ZL_POST, "/api/v1/tasks/{id}/actions/{action}", handle_act, ZL_P_APP_HANDLE },
	{ 0 }
};
