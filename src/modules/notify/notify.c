/* notify.c: the rules of notifications: what each event says to whom, with a
 * link into the web app, and reading and marking one's own.
 *
 * No audit row and no log leaf for any of it: a notification is derived from
 * an event that is itself audited (the case's step, urge, escalation or end,
 * in the same transaction), and marking it read changes no governed record,
 * only the recipient's own view of their inbox. */
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/notify/notify.h"
#include "workflow/calendar.h"

const char *const zl_notify_kind_names[ZL_NOTIFY__MAX] = {
	[ZL_NOTIFY_TASK] = "task", [ZL_NOTIFY_URGE] = "urge", [ZL_NOTIFY_ESCALATE] = "escalate",
	[ZL_NOTIFY_RETURN] = "return", [ZL_NOTIFY_APPROVED] = "approved",
	[ZL_NOTIFY_REJECTED] = "rejected",
};

/* Events for the applicant; the others go to handlers, who are staff. */
static int
to_applicant(enum zl_notify_kind k)
{
	return k == ZL_NOTIFY_RETURN || k == ZL_NOTIFY_APPROVED || k == ZL_NOTIFY_REJECTED;
}

/* "意见：…" after a sentence, or nothing when there is no comment. */
static const char *
reason(struct zl_arena *a, const char *comment)
{
	return comment != NULL && *comment != '\0' ? zl_arena_printf(a, "意见：%s", comment) : "";
}

void
zl_notify_compose(struct zl_arena *a, const struct zl_notify_event *ev,
    const struct zl_notify_subject *subj, int citizen, struct zl_notification *out)
{
	int		 rect = strcmp(ev->subject, "rectification") == 0;
	const char	*item = subj->item_name, *code = subj->code;
	const char	*step = ev->step_name && *ev->step_name ? ev->step_name : "办理";
	char		 due[11] = "";

	if (ev->due_at > 0)
		zl_cal_date_format(zl_cal_day_of(ev->due_at), due);
	memset(out, 0, sizeof(*out));
	out->kind = zl_notify_kind_names[ev->kind];
	out->entity = ev->subject;
	out->entity_id = ev->subject_id;
	out->org_id = ev->org_id;
	switch (ev->kind) {
	case ZL_NOTIFY_TASK:
		out->title = zl_arena_printf(a, "%s：%s", rect ? "差评整改" : "新待办", item);
		out->body = rect ?
		    zl_arena_printf(a, "办件 %s 收到差评，请在 %s 前完成「%s」（整改与回访）。", code, due, step) :
		    zl_arena_printf(a, "办件 %s（%s）待您「%s」，请在 %s 前办理。", code, item, step, due);
		break;
	case ZL_NOTIFY_URGE:
		out->title = zl_arena_printf(a, "催办：%s", item);
		out->body = zl_arena_printf(a, "申请人催办办件 %s（「%s」环节），请尽快办理。", code, step);
		break;
	case ZL_NOTIFY_ESCALATE:
		out->title = zl_arena_printf(a, "超期督办：%s", item);
		out->body = zl_arena_printf(a, "办件 %s 在「%s」环节已超过办理时限，已提级由您督办。",
		    code, step);
		break;
	case ZL_NOTIFY_RETURN:
		out->title = zl_arena_printf(a, "请补正：%s", item);
		out->body = zl_arena_printf(a, "您的办件 %s 被退回补正，请修改后重新提交。%s", code,
		    reason(a, ev->comment));
		break;
	case ZL_NOTIFY_APPROVED:
		out->title = zl_arena_printf(a, "%s：%s", rect ? "整改完成" : "已办结", item);
		out->body = rect ?
		    zl_arena_printf(a, "您评价的办件 %s 已完成差评整改，感谢您的监督。", code) :
		    zl_arena_printf(a, "您的办件 %s 已办结，结果：准予办理。", code);
		break;
	case ZL_NOTIFY_REJECTED:
		out->title = zl_arena_printf(a, "不予批准：%s", item);
		out->body = zl_arena_printf(a, "您的办件 %s 未获批准。%s", code, reason(a, ev->comment));
		break;
	default:
		out->title = out->body = "";
		break;
	}
	/* Handlers go to their inbox (filtered to an application's code); applicants
	 * to their application, where there is one. */
	if (!to_applicant(ev->kind))
		out->link = strcmp(ev->subject, "application") == 0 ?
		    zl_arena_printf(a, "/console/tasks?q=%s", code) : "/console/tasks";
	else if (subj->app_id > 0)
		out->link = zl_arena_printf(a, citizen ? "/portal/mine/applications/%lld" :
		    "/console/applications/%lld", (long long)subj->app_id);
	else
		out->link = "";
}

int
zl_notify_case(struct zl_conn *c, struct zl_arena *a, const struct zl_notify_event *ev,
    const int64_t *users, int n, int64_t skip)
{
	struct zl_notify_subject	 subj;
	struct zl_notification		 nt;
	int64_t				 now = (int64_t)time(NULL);
	int				 rc, citizen = 0;

	if (n > ZL_NOTIFY_MAX_RECIPIENTS)
		n = ZL_NOTIFY_MAX_RECIPIENTS;
	if (n <= 0 || ev->kind < 0 || ev->kind >= ZL_NOTIFY__MAX)
		return 0;
	/* A subject without an application behind it (a later module's) is named
	 * by its id, so that no event fails for want of a title. */
	if ((rc = zl_notify_store_subject(c, a, ev->subject, ev->subject_id, &subj)) == ZL_ENOTFOUND) {
		subj.app_id = 0;
		subj.code = zl_arena_printf(a, "#%lld", (long long)ev->subject_id);
		subj.item_name = "办件";
	} else if (rc != 0)
		return rc;
	for (int k = 0; k < n; k++) {
		int dup = users[k] <= 0 || users[k] == skip;
		for (int j = 0; j < k && !dup; j++)
			dup = users[j] == users[k];
		if (dup)
			continue;
		if (to_applicant(ev->kind) && (citizen = zl_notify_store_is_citizen(c, users[k])) < 0)
			return citizen;
		zl_notify_compose(a, ev, &subj, citizen, &nt);
		nt.user_id = users[k];
		nt.created_at = now;
		if ((rc = zl_notify_store_insert(c, &nt)) != 0)
			return rc;
	}
	return 0;
}

int
zl_notify_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_notify_filter *f, struct zl_notification **out, int *n)
{
	return zl_notify_store_list(c, a, p->user_id, f, out, n);
}

int
zl_notify_unread_count(struct zl_conn *c, const struct zl_principal *p, int64_t *count)
{
	return zl_notify_store_unread(c, p->user_id, count);
}

int
zl_notify_read(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p, int64_t id,
    struct zl_notification *out)
{
	int64_t	changed;
	int	rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	/* Another user's notification is as absent as a missing one. */
	if ((rc = zl_notify_store_get(c, a, id, p->user_id, out)) != 0)
		goto fail;
	if (out->read_at == 0) {
		if ((changed = zl_notify_store_mark(c, id, p->user_id, (int64_t)time(NULL))) < 0) {
			rc = (int)changed;
			goto fail;
		}
		if ((rc = zl_notify_store_get(c, a, id, p->user_id, out)) != 0)
			goto fail;
	}
	return zl_tx_commit(c);
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_notify_read_all(struct zl_conn *c, const struct zl_principal *p, int64_t *count)
{
	int64_t	changed;
	int	rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((changed = zl_notify_store_mark(c, 0, p->user_id, (int64_t)time(NULL))) < 0) {
		zl_tx_rollback(c);
		return (int)changed;
	}
	*count = changed;
	return zl_tx_commit(c);
}

json_t *
zl_notify_json(const struct zl_notification *n)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:b}",
	    "id", (json_int_t)n->id, "kind", n->kind, "title", n->title, "body", n->body,
	    "link", n->link, "entity", n->entity, "entity_id", (json_int_t)n->entity_id,
	    "org_id", n->org_id ? json_integer(n->org_id) : json_null(),
	    "created_at", zl_json_time(n->created_at), "read_at", zl_json_time(n->read_at),
	    "read", n->read_at != 0);
}
