/* engine.c: the workflow engine: definitions, starting a case, tasks for
 * each step by its assignee rule, and the actions of Chinese approval
 * practice (同意, 不予批准, 退回补正, 驳回, 转办, 加签, 撤回, 催办, 意见).
 * Everything runs inside the caller's transaction; each step and action
 * leaves a history row, and the instance's state changes are audited. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/notify/notify.h"
#include "workflow/calendar.h"
#include "workflow/engine.h"
#include "workflow/engine_store.h"
#include "workflow/procdef.h"

const char *const zl_wf_action_names[ZL_WF__MAX] = {
	[ZL_WF_APPROVE] = "approve", [ZL_WF_REJECT] = "reject", [ZL_WF_RETURN] = "return",
	[ZL_WF_BACK] = "back", [ZL_WF_TRANSFER] = "transfer", [ZL_WF_ADD_SIGNER] = "add-signer",
	[ZL_WF_COMMENT] = "comment",
};

int
zl_wf_action_parse(const char *name)
{
	for (int i = 0; i < ZL_WF__MAX; i++)
		if (strcmp(zl_wf_action_names[i], name) == 0)
			return i;
	return -1;
}

static int64_t
actor_id(const struct zl_actor *who)
{
	return who && who->who ? who->who->user_id : 0;
}

/* ---- the calendar ---- */

/*
 * The built calendar is kept process-wide while nothing has been committed
 * since it was read (zl_db_generation, read before the query), so deadlines
 * and the inbox's remaining times cost a copy, not a query, a merge and a
 * sort.  A writer's transaction neither uses nor fills the copy.
 */
static pthread_mutex_t	 cal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct zl_cal_day *cal_days;
static size_t		 cal_n;
static uint64_t		 cal_gen = UINT64_MAX;

static int
copy_days(struct zl_calendar *cal, const struct zl_cal_day *days, size_t n)
{
	cal->n = n;
	cal->days = malloc((n + 1) * sizeof(*days));
	if (cal->days == NULL)
		return ZL_ENOMEM;
	memcpy(cal->days, days, n * sizeof(*days));
	return 0;
}

static int
calendar_build(struct zl_conn *c, struct zl_arena *a, struct zl_calendar *cal)
{
	struct zl_cal_entry	*rows, *all;
	size_t			 n, k = 0;
	int			 rc;

	if ((rc = zl_wfs_calendar(c, a, &rows, &n)) != 0)
		return rc;
	all = zl_arena_alloc(a, (n + zl_holidays_cn_n + 1) * sizeof(*all));
	memcpy(all, rows, n * sizeof(*rows));
	k = n;
	/* Built-in years count only where no year of that number is stored. */
	for (size_t i = 0; i < zl_holidays_cn_n; i++) {
		int stored = 0;
		for (size_t j = 0; j < n && !stored; j++)
			stored = strncmp(rows[j].date, zl_holidays_cn[i].date, 4) == 0;
		if (!stored)
			all[k++] = zl_holidays_cn[i];
	}
	return zl_cal_init(cal, all, k);
}

int
zl_wf_calendar(struct zl_conn *c, struct zl_arena *a, struct zl_calendar *cal)
{
	uint64_t	gen = zl_db_generation();
	int		rc, in_tx = zl_conn_in_tx(c);

	if (!in_tx) {
		pthread_mutex_lock(&cal_lock);
		rc = cal_gen == gen ? copy_days(cal, cal_days, cal_n) : 1;
		pthread_mutex_unlock(&cal_lock);
		if (rc <= 0)
			return rc;
	}
	if ((rc = calendar_build(c, a, cal)) != 0 || in_tx)
		return rc;
	pthread_mutex_lock(&cal_lock);
	free(cal_days);
	cal_days = NULL;
	cal_gen = UINT64_MAX;
	if ((cal_days = malloc((cal->n + 1) * sizeof(*cal_days))) != NULL) {
		memcpy(cal_days, cal->days, cal->n * sizeof(*cal_days));
		cal_n = cal->n;
		cal_gen = gen;
	}
	pthread_mutex_unlock(&cal_lock);
	return 0;
}

/* ---- definitions ---- */

static int
assignee_possible(void *ctx, const struct zl_assignee *as)
{
	struct zl_conn *c = ctx;

	switch (as->kind) {
	case ZL_ASSIGN_ROLE_IN_APPLICANT_ORG:
	case ZL_ASSIGN_ROLE_IN_PARENT_ORG:
		return zl_wfs_exists(c, 0, as->role);
	case ZL_ASSIGN_ROLE_IN_ORG: {
		int r = zl_wfs_exists(c, 0, as->role);
		return r <= 0 ? r : zl_wfs_exists(c, 1, as->org);
	}
	case ZL_ASSIGN_USER:
		return zl_wfs_exists(c, 2, as->username);
	default:
		return 0;
	}
}

/* A stored definition parsed.  Rows of process_defs never change (a new
 * version is a new row), so each thread keeps the ones it parsed, keyed by
 * id and checked against the text, up to DEF_CACHE of them; they live as
 * long as the thread.  Starting a case no longer parses JSON each time. */
#define DEF_CACHE	64
struct parsed_def {
	int64_t			 id;
	char			*text;
	json_t			*doc;
	struct zl_procdef	*def;
};
static __thread struct {
	struct zl_arena		 arena;
	int			 n;
	struct parsed_def	 e[DEF_CACHE];
} defs;

static int
parse_def(struct parsed_def *p, int64_t id, const char *text, struct zl_arena *a)
{
	struct zl_error err;

	memset(&err, 0, sizeof(err));
	p->id = id;
	p->text = zl_arena_strdup(a, text);
	/* Stored definitions were checked on save; roles may since have been
	 * disabled, which the task creation reports. */
	if ((p->doc = zl_json_own(a, json_loads(text, 0, NULL))) == NULL ||
	    zl_procdef_parse(p->doc, NULL, NULL, NULL, a, &p->def, &err) != 0)
		return ZL_EDB;
	return 0;
}

static struct parsed_def *
parsed_def(int64_t id, const char *text, struct zl_arena *a)
{
	struct parsed_def *p = zl_arena_alloc(a, sizeof(*p));

	for (int i = 0; i < defs.n; i++)
		if (defs.e[i].id == id && strcmp(defs.e[i].text, text) == 0)
			return &defs.e[i];
	/* Parsed for this request first: what cannot be parsed is not kept. */
	if (parse_def(p, id, text, a) != 0)
		return NULL;
	if (defs.n < DEF_CACHE && parse_def(&defs.e[defs.n], id, text, &defs.arena) == 0)
		return &defs.e[defs.n++];
	return p;
}

static int
def_load(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
    struct zl_wf_def **out)
{
	struct zl_wf_def	*d = zl_arena_alloc(a, sizeof(*d));
	struct parsed_def	*p;
	const char		*doc;
	int			 rc;

	if ((rc = zl_wfs_def_get(c, a, id, code, &d->id, &d->version, &d->name, &doc,
	    &d->org_id, &d->created_at)) != 0)
		return rc;
	if ((p = parsed_def(d->id, doc, a)) == NULL)
		return ZL_EDB;
	d->doc = p->doc;
	d->def = p->def;
	d->code = code;
	*out = d;
	return 0;
}

int
zl_wf_def_latest(struct zl_conn *c, struct zl_arena *a, const char *code, struct zl_wf_def **out)
{
	return def_load(c, a, 0, code, out);
}

int
zl_wf_def_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_def **out)
{
	return def_load(c, a, id, NULL, out);
}

int
zl_wf_def_save(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const char *code, const char *name, const json_t *doc, const struct zl_form *form,
    int64_t org_id, struct zl_wf_def **out, struct zl_error *err)
{
	struct zl_wf_def	*d = zl_arena_alloc(a, sizeof(*d));
	char			*text;
	int			 rc;

	if ((rc = zl_procdef_parse(doc, form, assignee_possible, c, a, &d->def, err)) != 0)
		return rc;
	if ((text = zl_json_canonical(a, doc)) == NULL)
		return ZL_EINTERNAL;
	d->created_at = (int64_t)time(NULL);
	if ((rc = zl_wfs_def_insert(c, code, name, text, org_id, actor_id(who), d->created_at,
	    &d->id, &d->version)) != 0)
		return rc;
	d->code = code;
	d->name = name;
	d->org_id = org_id;
	d->doc = (json_t *)doc;
	if ((rc = zl_audit(c, a, who, "process", d->id, org_id, "create",
	    zl_json_own(a, json_pack("{s:I,s:s,s:I,s:s,s:O}", "id", (json_int_t)d->id,
	    "code", code, "version", (json_int_t)d->version, "name", name, "doc", doc)))) != 0)
		return rc;
	*out = d;
	return 0;
}

/* ---- tasks ---- */

/* The engine's one way out to notifications: tell users[0..n) what happened
 * to case i, in the transaction of the event (the actor is not told of their
 * own act). */
static int
tell(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, enum zl_notify_kind kind,
    const struct zl_wf_instance *i, const char *step_name, int64_t due_at, const char *comment,
    const int64_t *users, int n)
{
	struct zl_notify_event ev = { kind, i->subject, i->subject_id, i->org_id, step_name,
	    due_at, comment };

	return zl_notify_case(c, a, &ev, users, n, actor_id(who));
}

/* Create the tasks of step `si` of instance i: one for 或签 (a role in an
 * org, or a user), one per holder for 会签; every holder is notified. */
static int
open_step(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_wf_instance *i, const struct zl_wf_def *d, int si, int64_t now,
    struct zl_error *err)
{
	const struct zl_step	*st = &d->def->steps[si];
	struct zl_calendar	 cal;
	struct zl_wf_task	 t;
	int64_t			 org = 0, role = 0, user = 0, holders[64];
	int			 n = 0, rc;

	memset(&t, 0, sizeof(t));
	switch (st->assignee.kind) {
	case ZL_ASSIGN_ROLE_IN_APPLICANT_ORG:
		org = i->applicant_org;
		break;
	case ZL_ASSIGN_ROLE_IN_PARENT_ORG:
		org = i->applicant_org ? zl_wfs_parent_org(c, i->applicant_org) : 0;
		break;
	case ZL_ASSIGN_ROLE_IN_ORG:
		org = zl_wfs_org_id(c, st->assignee.org);
		break;
	case ZL_ASSIGN_USER:
		user = zl_wfs_user_id(c, st->assignee.username);
		break;
	default:
		break;
	}
	if (st->assignee.kind != ZL_ASSIGN_USER) {
		role = zl_wfs_role_id(c, st->assignee.role);
		/* 本单位负责人: where the applicant's own unit has nobody in the role,
		 * the nearest org above that has someone takes the step. */
		if (st->assignee.kind != ZL_ASSIGN_ROLE_IN_ORG && role > 0)
			for (int up = 0; org > 0 && up < 6 && zl_wfs_role_users(c, role, org, holders, 1) == 0; up++)
				org = zl_wfs_parent_org(c, org);
		if (org <= 0 || role <= 0)
			return zl_err_set(err, ZL_ECONFLICT, NULL,
			    "步骤「%s」找不到办理人：申请人没有所属机构，或角色、机构已停用 "
			    "(step %s has no assignee)", st->name, st->id);
	} else if (user <= 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL, "步骤「%s」的办理人已停用 (assignee disabled)",
		    st->name);
	if ((rc = zl_wf_calendar(c, a, &cal)) != 0)
		return rc;
	t.instance_id = i->id;
	t.step = st->id;
	t.step_name = st->name;
	t.created_at = now;
	t.due_at = st->time_limit_days > 0 ?
	    zl_cal_add_working_days(&cal, now, st->time_limit_days) : i->due_at;
	if (t.due_at > i->due_at)
		t.due_at = i->due_at;
	zl_cal_release(&cal);
	t.mode = st->mode == ZL_MODE_ALL ? "all" : "any";
	if (user > 0) {
		t.user_id = user;
		t.org_id = i->org_id;
		if ((rc = zl_wfs_task_insert(c, &t)) != 0)
			return rc;
		return tell(c, a, who, ZL_NOTIFY_TASK, i, st->name, t.due_at, NULL, &user, 1);
	}
	t.org_id = org;
	if ((n = zl_wfs_role_users(c, role, org, holders, 64)) == 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL,
		    "步骤「%s」没有在岗的办理人（角色 %s） (step %s: nobody holds the role)",
		    st->name, st->assignee.role, st->id);
	if (n < 0)
		return n;
	t.role_id = role;
	t.role_org = org;
	/* 会签: a task of each holder's own; 或签: one task for the role. */
	for (int k = 0; k < (st->mode == ZL_MODE_ALL ? n : 1); k++) {
		t.user_id = st->mode == ZL_MODE_ALL ? holders[k] : 0;
		if ((rc = zl_wfs_task_insert(c, &t)) != 0)
			return rc;
	}
	return tell(c, a, who, ZL_NOTIFY_TASK, i, st->name, t.due_at, NULL, holders, n);
}

int
zl_wf_start(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_wf_start *s, int64_t *instance_id, struct zl_error *err)
{
	struct zl_wf_instance	 i;
	struct zl_wf_def	*d;
	struct zl_calendar	 cal;
	int64_t			 now = (int64_t)time(NULL);
	int			 rc;

	if ((rc = zl_wf_def_get(c, a, s->def_id, &d)) != 0 || (rc = zl_wf_calendar(c, a, &cal)) != 0)
		return rc;
	memset(&i, 0, sizeof(i));
	i.def_id = s->def_id;
	i.subject = s->subject;
	i.subject_id = s->subject_id;
	i.org_id = s->org_id;
	i.applicant_id = s->applicant_id;
	i.applicant_org = s->applicant_org;
	i.status = "running";
	i.step = d->def->steps[d->def->start].id;
	i.step_started_at = now;
	i.created_at = now;
	i.due_at = zl_cal_add_working_days(&cal, now, s->limit_days > 0 ? s->limit_days : 20);
	zl_cal_release(&cal);
	if ((rc = zl_wfs_instance_insert(c, &i)) != 0 ||
	    (rc = zl_wfs_history(c, i.id, now, actor_id(who), "submit", "", i.step, NULL)) != 0 ||
	    (rc = open_step(c, a, who, &i, d, d->def->start, now, err)) != 0)
		return rc;
	*instance_id = i.id;
	return 0;
}

int
zl_wf_holds(struct zl_conn *c, const struct zl_principal *p, int64_t task_id)
{
	struct zl_arena		a;
	struct zl_wf_task	t;
	int			rc, ok = 0;

	zl_arena_init(&a);
	if ((rc = zl_wfs_task_get(c, &a, task_id, &t)) == 0) {
		if (t.user_id != 0)
			ok = t.user_id == p->user_id;
		else if (t.role_org == p->org_id)
			for (size_t i = 0; i < p->ngrants && !ok; i++)
				ok = p->grants[i].role_id == t.role_id;
	}
	zl_arena_release(&a);
	return rc != 0 ? rc : ok;
}

static void
result(struct zl_wf_result *res, const struct zl_wf_instance *i)
{
	res->instance_id = i->id;
	res->subject = i->subject;
	res->subject_id = i->subject_id;
	res->status = i->status;
	res->finished = i->finished_at != 0;
}

static int
cancel_open(struct zl_conn *c, struct zl_arena *a, int64_t instance, int64_t now, int64_t by)
{
	struct zl_wf_task *t;
	int n, rc;

	if ((rc = zl_wfs_open_tasks(c, a, instance, NULL, &t, &n)) != 0)
		return rc;
	for (int k = 0; k < n; k++)
		if ((rc = zl_wfs_task_close(c, t[k].id, "cancelled", "", "", now, by)) != 0)
			return rc;
	return 0;
}

static int
audit_instance(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_wf_instance *i, const char *action)
{
	json_t *j = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:i}",
	    "id", (json_int_t)i->id, "def_id", (json_int_t)i->def_id, "subject", i->subject,
	    "subject_id", (json_int_t)i->subject_id, "status", i->status, "step", i->step,
	    "due_at", (json_int_t)i->due_at, "paused_total", (json_int_t)i->paused_total,
	    "finished_at", (json_int_t)i->finished_at, "returned", i->returned);

	return zl_audit(c, a, who, "case", i->id, i->org_id, action, zl_json_own(a, j));
}

/* End the case; the applicant hears of an approval or a rejection (with its
 * comment), not of their own withdrawal. */
static int
finish(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_wf_instance *i, const char *status, const char *comment, int64_t now)
{
	int rc;

	i->status = status;
	i->step = "end";
	i->finished_at = now;
	if ((rc = cancel_open(c, a, i->id, now, actor_id(who))) != 0 ||
	    (rc = zl_wfs_instance_update(c, i)) != 0)
		return rc;
	i->version++;
	if ((rc = audit_instance(c, a, who, i, status)) != 0 || strcmp(status, "withdrawn") == 0)
		return rc;
	return tell(c, a, who, strcmp(status, "approved") == 0 ? ZL_NOTIFY_APPROVED :
	    ZL_NOTIFY_REJECTED, i, NULL, 0, comment, &i->applicant_id, 1);
}

/* Move the case to step `si` (or end it when si is ZL_STEP_END). */
static int
enter(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_wf_instance *i, const struct zl_wf_def *d, int si, int64_t now,
    struct zl_error *err)
{
	int rc;

	if (si == ZL_STEP_END)
		return finish(c, a, who, i, "approved", NULL, now);
	if (si < 0)
		return ZL_EINTERNAL;
	i->step = d->def->steps[si].id;
	i->step_started_at = now;
	if ((rc = open_step(c, a, who, i, d, si, now, err)) != 0 ||
	    (rc = zl_wfs_instance_update(c, i)) != 0)
		return rc;
	i->version++;
	return 0;
}

int
zl_wf_task_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t task_id, const struct zl_wf_act *act, struct zl_wf_result *res,
    struct zl_error *err)
{
	struct zl_wf_task	 t, nt, *open;
	struct zl_wf_instance	 i;
	struct zl_wf_def	*d;
	const json_t		*data = NULL;
	int64_t			 now = (int64_t)time(NULL), by = actor_id(who);
	const char		*name = zl_wf_action_names[act->action];
	int			 rc, n, si, next;

	if ((rc = zl_wfs_task_get(c, a, task_id, &t)) != 0 ||
	    (rc = zl_wfs_instance_get(c, a, t.instance_id, &i)) != 0 ||
	    (rc = zl_wf_def_get(c, a, i.def_id, &d)) != 0)
		return rc;
	if (strcmp(t.status, "open") != 0 || strcmp(i.status, "running") != 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL, "该待办已办理或案件不在办理中 (task not open)");
	si = zl_procdef_step(d->def, t.step);
	if ((rc = zl_wfs_history(c, i.id, now, by, name, t.step,
	    act->action == ZL_WF_BACK ? act->to_step : NULL, act->comment)) != 0)
		return rc;
	switch (act->action) {
	case ZL_WF_COMMENT:
		break;
	case ZL_WF_APPROVE:
		if ((rc = zl_wfs_task_close(c, t.id, "done", name, act->comment, now, by)) != 0)
			return rc;
		/* 会签 waits for every open task of the step; 或签 closes the rest. */
		if ((rc = zl_wfs_open_tasks(c, a, i.id, t.step, &open, &n)) != 0)
			return rc;
		if (strcmp(t.mode, "all") == 0 && n > 0)
			break;
		for (int k = 0; k < n; k++)
			if ((rc = zl_wfs_task_close(c, open[k].id, "cancelled", "", "", now, by)) != 0)
				return rc;
		data = act->data;
		next = zl_procdef_next(d->def, si, data);
		if ((rc = enter(c, a, who, &i, d, next, now, err)) != 0)
			return rc;
		break;
	case ZL_WF_REJECT:
		if ((rc = zl_wfs_task_close(c, t.id, "done", name, act->comment, now, by)) != 0 ||
		    (rc = finish(c, a, who, &i, "rejected", act->comment, now)) != 0)
			return rc;
		break;
	case ZL_WF_RETURN:
		if ((rc = zl_wfs_task_close(c, t.id, "done", name, act->comment, now, by)) != 0 ||
		    (rc = cancel_open(c, a, i.id, now, by)) != 0)
			return rc;
		i.status = "supplement";
		i.paused_since = now;
		i.returned++;
		if ((rc = zl_wfs_instance_update(c, &i)) != 0)
			return rc;
		i.version++;
		if ((rc = audit_instance(c, a, who, &i, "return")) != 0 ||
		    (rc = tell(c, a, who, ZL_NOTIFY_RETURN, &i, t.step_name, 0, act->comment,
		    &i.applicant_id, 1)) != 0)
			return rc;
		break;
	case ZL_WF_BACK:
		if (act->to_step == NULL || (next = zl_procdef_step(d->def, act->to_step)) < 0 ||
		    strcmp(act->to_step, t.step) == 0 || zl_wfs_step_visited(c, i.id, act->to_step) <= 0)
			return zl_err_field(err, "to_step", "must be an earlier step of this case");
		if ((rc = zl_wfs_task_close(c, t.id, "done", name, act->comment, now, by)) != 0 ||
		    (rc = cancel_open(c, a, i.id, now, by)) != 0 ||
		    (rc = enter(c, a, who, &i, d, next, now, err)) != 0)
			return rc;
		break;
	case ZL_WF_TRANSFER:
	case ZL_WF_ADD_SIGNER:
		if (act->user_id <= 0 || zl_wfs_staff_ok(c, act->user_id) <= 0)
			return zl_err_field(err, "user_id",
			    "must be an active staff user who may handle applications");
		if (act->action == ZL_WF_ADD_SIGNER &&
		    (rc = zl_wfs_step_all(c, i.id, t.step)) != 0)
			return rc;
		nt = t;
		nt.user_id = act->user_id;
		nt.role_id = nt.role_org = 0;
		nt.created_at = now;
		if (act->action == ZL_WF_ADD_SIGNER)
			nt.mode = "all";	/* the step now waits for the added signer too */
		if ((act->action == ZL_WF_TRANSFER &&
		    (rc = zl_wfs_task_close(c, t.id, "cancelled", name, act->comment, now, by)) != 0) ||
		    (rc = zl_wfs_task_insert(c, &nt)) != 0 ||
		    (rc = tell(c, a, who, ZL_NOTIFY_TASK, &i, t.step_name, nt.due_at, NULL,
		    &act->user_id, 1)) != 0)
			return rc;
		break;
	default:
		return ZL_EINVAL;
	}
	/* Every act that moves or reassigns the case is audited (the end of a
	 * case and a return already were, with their own action names). */
	if (act->action != ZL_WF_COMMENT && act->action != ZL_WF_RETURN &&
	    act->action != ZL_WF_REJECT && i.finished_at == 0 &&
	    (rc = audit_instance(c, a, who, &i, name)) != 0)
		return rc;
	result(res, &i);
	return 0;
}

int
zl_wf_resume(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t instance_id, const json_t *data, struct zl_wf_result *res, struct zl_error *err)
{
	struct zl_wf_instance	 i;
	struct zl_wf_def	*d;
	struct zl_calendar	 cal;
	int64_t			 now = (int64_t)time(NULL);
	int			 rc, si;

	(void)data;
	if ((rc = zl_wfs_instance_get(c, a, instance_id, &i)) != 0 ||
	    (rc = zl_wf_def_get(c, a, i.def_id, &d)) != 0)
		return rc;
	if (strcmp(i.status, "supplement") != 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL, "案件不在补正状态 (not waiting for a supplement)");
	if ((rc = zl_wf_calendar(c, a, &cal)) != 0)
		return rc;
	/* The clock stopped while the case waited: the deadline moves by the
	 * working time the applicant took. */
	i.paused_total += now - i.paused_since;
	i.due_at = zl_cal_add_working_days(&cal, now,
	    (int)((zl_cal_working_seconds_between(&cal, i.paused_since, i.due_at) + 86399) / 86400));
	zl_cal_release(&cal);
	i.paused_since = 0;
	i.status = "running";
	si = zl_procdef_step(d->def, i.step);
	if ((rc = zl_wfs_history(c, i.id, now, actor_id(who), "resubmit", "", i.step, NULL)) != 0 ||
	    (rc = enter(c, a, who, &i, d, si, now, err)) != 0 ||
	    (rc = audit_instance(c, a, who, &i, "resubmit")) != 0)
		return rc;
	result(res, &i);
	return 0;
}

int
zl_wf_withdraw(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t instance_id, struct zl_wf_result *res, struct zl_error *err)
{
	struct zl_wf_instance	 i;
	struct zl_wf_task	*open;
	int64_t			 now = (int64_t)time(NULL);
	int			 rc, n;

	if ((rc = zl_wfs_instance_get(c, a, instance_id, &i)) != 0 ||
	    (rc = zl_wfs_open_tasks(c, a, i.id, NULL, &open, &n)) != 0)
		return rc;
	if (i.finished_at != 0 || zl_wfs_acted(c, i.id) > 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL,
		    "已有人办理，不能撤回 (someone already acted on the case)");
	if ((rc = zl_wfs_history(c, i.id, now, actor_id(who), "withdraw", i.step, NULL, NULL)) != 0 ||
	    (rc = finish(c, a, who, &i, "withdrawn", NULL, now)) != 0)
		return rc;
	result(res, &i);
	return 0;
}

int
zl_wf_urge(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t instance_id, struct zl_error *err)
{
	struct zl_wf_instance	 i;
	struct zl_wf_task	*t;
	int64_t			 users[ZL_NOTIFY_MAX_RECIPIENTS];
	int			 rc, n, k, m = 0;

	if ((rc = zl_wfs_instance_get(c, a, instance_id, &i)) != 0)
		return rc;
	if (strcmp(i.status, "running") != 0)
		return zl_err_set(err, ZL_ECONFLICT, NULL, "案件不在办理中 (case not running)");
	if ((rc = zl_wfs_urge(c, i.id)) != 0 ||
	    (rc = zl_wfs_history(c, i.id, (int64_t)time(NULL), actor_id(who), "urge", i.step,
	    NULL, NULL)) != 0 ||
	    (rc = zl_wfs_open_tasks(c, a, i.id, NULL, &t, &n)) != 0)
		return rc;
	/* The urged: each open task's user, or the holders of its role. */
	for (k = 0; k < n && m < ZL_NOTIFY_MAX_RECIPIENTS; k++) {
		if (t[k].user_id != 0)
			users[m++] = t[k].user_id;
		else if ((rc = zl_wfs_role_users(c, t[k].role_id, t[k].role_org, users + m,
		    ZL_NOTIFY_MAX_RECIPIENTS - m)) < 0)
			return rc;
		else
			m += rc;
	}
	return tell(c, a, who, ZL_NOTIFY_URGE, &i, n > 0 ? t[0].step_name : NULL, 0, NULL, users, m);
}

int
zl_wf_role_holders(struct zl_conn *c, const char *role, int64_t org)
{
	int64_t ids[64], r = zl_wfs_role_id(c, role);

	if (r <= 0)
		return (int)r;
	return zl_wfs_role_users(c, r, org, ids, 64);
}

int
zl_wf_case_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_case *out)
{
	struct zl_wf_instance i;
	int rc;

	if ((rc = zl_wfs_instance_get(c, a, id, &i)) != 0)
		return rc;
	out->id = i.id;
	out->def_id = i.def_id;
	out->due_at = i.due_at;
	out->finished_at = i.finished_at;
	out->paused_total = i.paused_total;
	out->returned = i.returned;
	out->step = i.step;
	out->status = i.status;
	return 0;
}

int
zl_wf_calendar_set_year(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int year, const struct zl_cal_entry *e, size_t n, struct zl_error *err)
{
	struct zl_calendar	 cal;
	json_t			*days = json_array();
	char			 prefix[8];
	int			 rc;

	snprintf(prefix, sizeof(prefix), "%04d-", year);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(e[i].date, prefix, 5) != 0) {
			json_decref(days);
			return zl_err_field(err, zl_arena_printf(a, "days[%zu].date", i), "not in this year");
		}
		json_array_append_new(days, json_pack("{s:s,s:s,s:s}", "date", e[i].date,
		    "kind", e[i].kind == ZL_CAL_WORKDAY ? "workday" : "holiday", "name",
		    e[i].name ? e[i].name : ""));
	}
	zl_json_own(a, days);
	/* The same checks as loading: real dates, no day both off and on. */
	if (zl_cal_init(&cal, e, n) != 0)
		return zl_err_field(err, "days", "bad date, or a day listed as both holiday and workday");
	zl_cal_release(&cal);
	if ((rc = zl_wfs_calendar_set_year(c, year, e, n, (int64_t)time(NULL))) != 0)
		return rc;
	return zl_audit(c, a, who, "calendar", year, 0, "set-year",
	    zl_json_own(a, json_pack("{s:i,s:O}", "year", year, "days", days)));
}

int
zl_wf_escalate(struct zl_conn *c, int64_t now, int *count)
{
	struct zl_arena		 a;
	struct zl_wf_task	*t;
	int			 n, rc;

	*count = 0;
	zl_arena_init(&a);
	if ((rc = zl_wfs_overdue(c, &a, now, &t, &n)) != 0)
		goto out;
	for (int k = 0; k < n; k++) {
		struct zl_wf_instance	 i;
		struct zl_wf_task	 st;
		struct zl_actor		 sys = { NULL, "escalation" };
		int64_t			 org = t[k].role_org ? t[k].role_org : t[k].org_id;
		int64_t			 up = org ? zl_wfs_parent_org(c, org) : 0;
		int64_t			 role = zl_wfs_role_id(c, "org-admin");
		int64_t			 ids[ZL_NOTIFY_MAX_RECIPIENTS];
		int			 nh;

		if (zl_tx_begin(c) != 0)
			continue;
		if (zl_wfs_instance_get(c, &a, t[k].instance_id, &i) != 0 || i.escalated) {
			zl_tx_rollback(c);
			continue;
		}
		i.escalated = 1;
		memset(&st, 0, sizeof(st));
		st.instance_id = i.id;
		st.step = t[k].step;
		st.step_name = t[k].step_name;
		st.mode = "any";
		st.created_at = now;
		st.due_at = now + 86400;	/* the superior gets a working day */
		st.org_id = up;
		st.role_id = role;
		st.role_org = up;
		rc = zl_wfs_instance_update(c, &i);
		if (rc == 0)
			rc = zl_wfs_history(c, i.id, now, 0, "escalate", t[k].step, NULL,
			    "超期，已提级督办 (overdue: escalated to the superior)");
		/* The superior's task, and their notification, only where someone
		 * holds the role there. */
		nh = up > 0 && role > 0 ? zl_wfs_role_users(c, role, up, ids,
		    ZL_NOTIFY_MAX_RECIPIENTS) : 0;
		if (rc == 0 && nh < 0)
			rc = nh;
		if (rc == 0 && nh > 0 && (rc = zl_wfs_task_insert(c, &st)) == 0)
			rc = tell(c, &a, &sys, ZL_NOTIFY_ESCALATE, &i, st.step_name, st.due_at, NULL,
			    ids, nh);
		if (rc == 0)
			rc = audit_instance(c, &a, &sys, &i, "escalate");
		if (rc == 0 && (rc = zl_tx_commit(c)) == 0)
			(*count)++;
		else
			zl_tx_rollback(c);
	}
	rc = 0;
out:
	zl_arena_release(&a);
	return rc;
}
