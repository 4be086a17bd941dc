/* application.c: the rules of an application: only published items, only
 * public items for citizens, the item's form checked (loosely for drafts),
 * one submission per Idempotency-Key, edits only by the applicant while a
 * draft or returned for supplement, and the record kept in step with its
 * workflow case. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "modules/org/org.h"
#include "modules/application/application.h"
#include "workflow/engine.h"
#include "workflow/form.h"

enum { F_ITEM, F_DATA, F_DRAFT, F_CHANNEL, F_VERSION };

static const struct zl_jfield create_fields[] = {
	[F_ITEM] = { "item_id", ZL_J_INT, offsetof(struct zl_app_in, item_id), 1, 0 },
	[F_DATA] = { "data", ZL_J_OBJ, offsetof(struct zl_app_in, data), 1, 0 },
	[F_DRAFT] = { "draft", ZL_J_BOOL, offsetof(struct zl_app_in, draft), 0, 0 },
	[F_CHANNEL] = { "channel", ZL_J_STR, offsetof(struct zl_app_in, channel), 0, 16 },
	{ NULL },
};

static const struct zl_jfield update_fields[] = {
	[F_ITEM] = { "-", ZL_J_INT, 0, 0, 0 },
	[F_DATA] = { "data", ZL_J_OBJ, offsetof(struct zl_app_in, data), 1, 0 },
	[F_DRAFT] = { "-", ZL_J_INT, 0, 0, 0 },
	[F_CHANNEL] = { "-", ZL_J_INT, 0, 0, 0 },
	[F_VERSION] = { "version", ZL_J_INT, offsetof(struct zl_app_in, version), 0, 0 },
	{ NULL },
};

int
zl_app_decode(struct zl_app_in *in, const json_t *body, int create, struct zl_arena *a,
    struct zl_error *err)
{
	int rc;

	memset(in, 0, sizeof(*in));
	rc = zl_json_decode(body, create ? create_fields : update_fields, in, &in->present, a, err);
	if (in->channel != NULL && strcmp(in->channel, "online") != 0 &&
	    strcmp(in->channel, "counter") != 0)
		rc = zl_err_field(err, "channel", "online or counter");
	return rc;
}

json_t *
zl_app_json(const struct zl_application *ap, int full)
{
	return json_pack("{s:I,s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:s,s:O,s:o,s:o,s:I,s:o,s:o}",
	    "id", (json_int_t)ap->id, "code", ap->code, "item_id", (json_int_t)ap->item_id,
	    "item_name", ap->item_name, "org_id", (json_int_t)ap->org_id,
	    "applicant_id", (json_int_t)ap->applicant_id, "applicant_name", ap->applicant_name,
	    "channel", ap->channel, "status", ap->status,
	    "data", full && ap->data ? ap->data : json_object(),
	    "submitted_at", zl_json_time(ap->submitted_at),
	    "finished_at", zl_json_time(ap->finished_at), "version", (json_int_t)ap->version,
	    "created_at", zl_json_time(ap->created_at), "updated_at", zl_json_time(ap->updated_at));
}

/* The audited form: ids and a digest of the form data, never the data itself
 * (it holds personal data; the log must not).  A new reference. */
json_t *
zl_app_record_json(struct zl_arena *a, const struct zl_application *ap)
{
	char *canon = ap->data ? zl_json_canonical(a, ap->data) : zl_arena_strdup(a, "{}");
	json_t *j = json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:I,s:I}",
	    "id", (json_int_t)ap->id, "code", ap->code, "item_id", (json_int_t)ap->item_id,
	    "item_version", (json_int_t)ap->item_version, "org_id", (json_int_t)ap->org_id,
	    "applicant_id", (json_int_t)ap->applicant_id, "status", ap->status,
	    "data_sha256", "", "submitted_at", (json_int_t)ap->submitted_at,
	    "finished_at", (json_int_t)ap->finished_at, "version", (json_int_t)ap->version);
	char digest[65];

	zl_sha256_hex(canon, strlen(canon), digest);
	json_object_set_new(j, "data_sha256", json_string(digest));
	return j;
}

static int
audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_application *ap, const char *action)
{
	return zl_audit(c, a, who, "application", ap->id, ap->org_id, action,
	    zl_json_own(a, zl_app_record_json(a, ap)));
}

static int
check_data(struct zl_arena *a, const struct zl_app_item *it, const json_t *data, int partial,
    struct zl_error *err)
{
	struct zl_form *form;
	int rc;

	if (it->form == NULL)
		return 0;
	if ((rc = zl_form_parse(it->form, a, &form, err)) != 0)
		return zl_err_set(err, ZL_EINTERNAL, NULL, "事项表单定义有误 (the item's form is broken)");
	return zl_form_check(form, data, partial, a, err);
}

/* Start the case of a submitted application. */
static int
start_case(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_application *ap, const struct zl_app_item *it, struct zl_error *err)
{
	struct zl_wf_def	*d;
	struct zl_wf_start	 s;
	int			 rc;

	if ((rc = zl_wf_def_latest(c, a, it->process_code, &d)) != 0)
		return rc == ZL_ENOTFOUND ? zl_err_set(err, ZL_ECONFLICT, NULL,
		    "事项没有办理流程 (the item has no process)") : rc;
	memset(&s, 0, sizeof(s));
	s.def_id = d->id;
	s.subject = "application";
	s.subject_id = ap->id;
	s.org_id = ap->org_id;
	s.applicant_id = ap->applicant_id;
	s.applicant_org = ap->applicant_org;
	s.data = ap->data;
	s.limit_days = (int)it->promised_days;
	if ((rc = zl_wf_start(c, a, who, &s, &ap->instance_id, err)) != 0)
		return rc;
	ap->status = "running";
	ap->submitted_at = (int64_t)time(NULL);
	return 0;
}

int
zl_app_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_app_in *in, struct zl_application **out, int *created, struct zl_error *err)
{
	const struct zl_principal	*p = who->who;
	struct zl_application		*ap = zl_arena_alloc(a, sizeof(*ap));
	struct zl_app_item		 it;
	char				*data;
	int				 rc;

	*created = 0;
	if (in->idem_key != NULL &&
	    (rc = zl_app_store_by_key(c, a, p->user_id, in->idem_key, ap)) != ZL_ENOTFOUND) {
		if (rc == 0)
			*out = ap;	/* a retry: the first result */
		return rc;
	}
	if ((rc = zl_app_store_item(c, a, in->item_id, &it)) != 0 ||
	    strcmp(it.status, "published") != 0 ||
	    (p->kind == ZL_USER_CITIZEN && strcmp(it.audience, "public") != 0))
		return rc == 0 || rc == ZL_ENOTFOUND ? zl_err_field(err, "item_id",
		    "no such published item for you") : rc;
	if ((rc = check_data(a, &it, in->data, in->draft, err)) != 0)
		return rc;
	ap->item_id = it.id;
	ap->item_version = it.version;
	ap->item_name = it.name;
	ap->org_id = it.org_id;
	ap->applicant_id = p->user_id;
	ap->applicant_org = p->kind == ZL_USER_STAFF ? p->org_id : 0;
	ap->applicant_name = p->display_name;
	ap->channel = in->channel ? in->channel : "online";
	ap->status = "draft";
	ap->data = in->data;
	ap->created_at = ap->updated_at = (int64_t)time(NULL);
	ap->version = 1;
	if ((data = zl_json_canonical(a, in->data)) == NULL)
		return ZL_EINTERNAL;
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_app_store_insert(c, a, ap, data, in->idem_key)) != 0)
		goto fail;
	if (!in->draft) {
		if ((rc = start_case(c, a, who, ap, &it, err)) != 0 ||
		    (rc = zl_app_store_update(c, ap, data, 1)) != 0)
			goto fail;
		ap->version++;
	}
	if ((rc = audit(c, a, who, ap, in->draft ? "draft" : "submit")) != 0 ||
	    (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = ap;
	*created = 1;
	return 0;
fail:
	zl_tx_rollback(c);
	if (rc == ZL_ECONFLICT && in->idem_key != NULL &&
	    zl_app_store_by_key(c, a, p->user_id, in->idem_key, ap) == 0) {
		*out = ap;	/* a concurrent retry won the race: same answer */
		return 0;
	}
	return rc;
}

static int
own_case(const struct zl_actor *who, const struct zl_application *ap)
{
	return who->who != NULL && who->who->user_id == ap->applicant_id;
}

int
zl_app_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, int64_t id,
    const struct zl_app_in *in, struct zl_application **out, struct zl_error *err)
{
	struct zl_application	*ap = zl_arena_alloc(a, sizeof(*ap));
	struct zl_app_item	 it;
	char			*data;
	int			 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_app_store_get(c, a, id, NULL, ap)) != 0)
		goto fail;
	if (!own_case(who, ap)) {
		rc = ZL_ENOTFOUND;
		goto fail;
	}
	if (strcmp(ap->status, "draft") != 0 && strcmp(ap->status, "supplement") != 0) {
		rc = zl_err_set(err, ZL_ECONFLICT, NULL, "只有草稿或补正中的申请可以修改 (not editable now)");
		goto fail;
	}
	if (in->version != ap->version) {
		rc = zl_err_set(err, ZL_EVERSION, NULL, "当前版本为 %lld", (long long)ap->version);
		goto fail;
	}
	if ((rc = zl_app_store_item(c, a, ap->item_id, &it)) != 0 ||
	    (rc = check_data(a, &it, in->data, 1, err)) != 0)
		goto fail;
	ap->data = in->data;
	ap->updated_at = (int64_t)time(NULL);
	if ((data = zl_json_canonical(a, in->data)) == NULL) {
		rc = ZL_EINTERNAL;
		goto fail;
	}
	if ((rc = zl_app_store_update(c, ap, data, ap->version)) != 0)
		goto fail;
	ap->version++;
	if ((rc = audit(c, a, who, ap, "edit")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = ap;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_app_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, int64_t id,
    const char *action, struct zl_application **out, struct zl_error *err)
{
	struct zl_application	*ap = zl_arena_alloc(a, sizeof(*ap));
	struct zl_wf_result	 res;
	struct zl_app_item	 it;
	char			*data;
	int64_t			 old;
	int			 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_app_store_get(c, a, id, NULL, ap)) != 0)
		goto fail;
	if (!own_case(who, ap)) {
		rc = ZL_ENOTFOUND;
		goto fail;
	}
	old = ap->version;
	data = zl_json_canonical(a, ap->data ? ap->data : zl_json_own(a, json_object()));
	memset(&res, 0, sizeof(res));
	if (strcmp(action, "submit") == 0) {
		if (strcmp(ap->status, "draft") != 0) {
			rc = zl_err_set(err, ZL_ECONFLICT, NULL, "只有草稿可以提交 (only a draft)");
			goto fail;
		}
		if ((rc = zl_app_store_item(c, a, ap->item_id, &it)) != 0 ||
		    (rc = check_data(a, &it, ap->data, 0, err)) != 0 ||
		    (rc = start_case(c, a, who, ap, &it, err)) != 0)
			goto fail;
	} else if (strcmp(action, "resubmit") == 0) {
		if ((rc = zl_app_store_item(c, a, ap->item_id, &it)) != 0 ||
		    (rc = check_data(a, &it, ap->data, 0, err)) != 0 ||
		    (rc = zl_wf_resume(c, a, who, ap->instance_id, ap->data, &res, err)) != 0)
			goto fail;
		ap->status = res.status;
	} else if (strcmp(action, "withdraw") == 0) {
		if (ap->instance_id == 0) {
			rc = zl_err_set(err, ZL_ECONFLICT, NULL, "草稿无需撤回 (a draft is not running)");
			goto fail;
		}
		if ((rc = zl_wf_withdraw(c, a, who, ap->instance_id, &res, err)) != 0)
			goto fail;
		ap->status = "withdrawn";
		ap->finished_at = (int64_t)time(NULL);
	} else if (strcmp(action, "urge") == 0) {
		if (ap->instance_id == 0 || (rc = zl_wf_urge(c, a, who, ap->instance_id, err)) != 0) {
			rc = rc ? rc : zl_err_set(err, ZL_ECONFLICT, NULL, "申请尚未提交 (not submitted)");
			goto fail;
		}
		/* The urge and its notifications stand only if they were stored. */
		if ((rc = zl_tx_commit(c)) != 0)
			goto fail;
		*out = ap;
		return 0;
	} else {
		rc = ZL_ENOTFOUND;
		goto fail;
	}
	ap->updated_at = (int64_t)time(NULL);
	if ((rc = zl_app_store_update(c, ap, data, old)) != 0)
		goto fail;
	ap->version++;
	if ((rc = audit(c, a, who, ap, action)) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = ap;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_app_sync(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_wf_result *res)
{
	struct zl_application	 ap;
	char			*data;
	int			 rc;

	if ((rc = zl_app_store_get(c, a, res->subject_id, NULL, &ap)) != 0)
		return rc;
	if (strcmp(ap.status, res->status) == 0)
		return 0;
	ap.status = res->status;
	if (res->finished)
		ap.finished_at = (int64_t)time(NULL);
	ap.updated_at = (int64_t)time(NULL);
	data = zl_json_canonical(a, ap.data ? ap.data : zl_json_own(a, json_object()));
	if ((rc = zl_app_store_update(c, &ap, data, ap.version)) != 0)
		return rc;
	ap.version++;
	return audit(c, a, who, &ap, res->status);
}

int
zl_app_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p, int64_t id,
    struct zl_application **out)
{
	struct zl_application	*ap = zl_arena_alloc(a, sizeof(*ap));
	struct zl_scope		 s;
	int			 rc;

	if ((rc = zl_app_store_get(c, a, id, NULL, ap)) != 0)
		return rc;
	*out = ap;
	if (ap->applicant_id == p->user_id)
		return 0;
	if (p->kind != ZL_USER_STAFF)
		return ZL_ENOTFOUND;
	zl_scope_for(p, ZL_P_APP_READ, &s);
	{
		struct zl_org o;
		if (zl_org_store_get(c, a, ap->org_id, &o) == 0 &&
		    zl_scope_covers(&s, ap->org_id, o.path, ap->applicant_id))
			return 0;
	}
	if (ap->instance_id && zl_app_store_handler(c, ap->instance_id, p->user_id, p->org_id) == 1)
		return 0;
	return ZL_ENOTFOUND;
}

int
zl_app_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p, int handling,
    const struct zl_app_filter *f, struct zl_application **out, int *n)
{
	struct zl_app_filter	 g = *f;
	struct zl_scope		 s;

	if (!handling) {
		g.applicant_id = p->user_id;
		memset(&s, 0, sizeof(s));
	} else {
		if (!zl_may(p, ZL_P_APP_READ))
			return ZL_EPERM;
		zl_scope_for(p, ZL_P_APP_READ, &s);
		g.applicant_id = 0;
	}
	return zl_app_store_list(c, a, &s, &g, out, n);
}

int
zl_app_case(struct zl_conn *c, struct zl_arena *a, int64_t instance, json_t **out)
{
	struct zl_wf_case	 k;
	struct zl_wf_def	*d;
	int			 rc;

	if ((rc = zl_wf_case_get(c, a, instance, &k)) != 0 ||
	    (rc = zl_wf_def_get(c, a, k.def_id, &d)) != 0)
		return rc;
	*out = json_pack("{s:O,s:I,s:s,s:s,s:o,s:o,s:i,s:I}", "process", d->doc,
	    "process_version", (json_int_t)d->version, "step", k.step, "status", k.status,
	    "due_at", zl_json_time(k.due_at), "finished_at", zl_json_time(k.finished_at),
	    "returned", k.returned, "paused_seconds", (json_int_t)k.paused_total);
	return 0;
}
