/* rating.c: one rating per finished case by its applicant, every dimension
 * of the channel's current indicator set scored 1–5; overall is their
 * rounded mean; 2 or less opens a rectification case for the responsible org. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/application/application.h"
#include "modules/org/org.h"
#include "modules/rating/rating.h"
#include "modules/rating/rating_store.h"
#include "workflow/calendar.h"
#include "workflow/engine.h"

static const char *const levels[6] = { "", "非常不满意", "不满意", "基本满意", "满意", "非常满意" };

/* The rectification process, saved on first use: the responsible org's
 * department administrators, else its org administrators, else the org
 * administrators of the org above it. */
static int
rectify_def(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, int64_t org,
    int64_t *def_id, struct zl_error *err)
{
	static const struct { const char *code, *role, *kind; } ways[] = {
		{ "rectification-dept", "dept-admin", "role_in_applicant_org" },
		{ "rectification-org", "org-admin", "role_in_applicant_org" },
		{ "rectification-parent", "org-admin", "role_in_parent_org" },
	};
	struct zl_wf_def *d;
	json_t *doc;
	size_t w = 0;
	int rc;

	if (zl_wf_role_holders(c, "dept-admin", org) <= 0)
		w = zl_wf_role_holders(c, "org-admin", org) > 0 ? 1 : 2;
	if ((rc = zl_wf_def_latest(c, a, ways[w].code, &d)) == 0) {
		*def_id = d->id;
		return 0;
	}
	if (rc != ZL_ENOTFOUND)
		return rc;
	doc = zl_json_own(a, json_pack("{s:s,s:[{s:s,s:s,s:{s:s,s:s},s:s,s:[{s:s}]}]}",
	    "start", "rectify", "steps", "id", "rectify", "name", "差评整改",
	    "assignee", "kind", ways[w].kind, "role", ways[w].role, "mode", "any",
	    "next", "to", "end"));
	if ((rc = zl_wf_def_save(c, a, who, ways[w].code, "差评整改", doc, NULL, 0, &d, err)) != 0)
		return rc;
	*def_id = d->id;
	return 0;
}

int
zl_rating_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t application_id, const struct zl_rating_in *in, json_t **out, struct zl_error *err)
{
	struct zl_application	 ap;
	struct zl_rating_row	 r;
	struct zl_rectify_row	 rf;
	json_t			*dims, *v, *tags, *rec;
	const char		*key;
	size_t			 i;
	int64_t			 sum = 0;
	int			 rc;

	memset(&r, 0, sizeof(r));
	memset(&rf, 0, sizeof(rf));
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_app_store_get(c, a, application_id, NULL, &ap)) != 0 ||
	    ap.applicant_id != who->who->user_id) {
		rc = rc ? rc : ZL_ENOTFOUND;
		goto fail;
	}
	if (ap.finished_at == 0 || strcmp(ap.status, "withdrawn") == 0) {
		rc = zl_err_set(err, ZL_ECONFLICT, NULL, "办结后才能评价 (rate a finished case)");
		goto fail;
	}
	if ((rc = zl_rating_store_set(c, a, ap.channel, &r.set_id, &dims)) != 0)
		goto fail;
	/* Every dimension of the set, and nothing else, scored 1..5. */
	json_array_foreach(dims, i, v) {
		json_t *sc = json_object_get(in->scores, json_string_value(v));
		if (!json_is_integer(sc) || json_integer_value(sc) < 1 || json_integer_value(sc) > 5)
			rc = zl_err_field(err, zl_arena_printf(a, "scores.%s", json_string_value(v)),
			    "1 (非常不满意) to 5 (非常满意)");
		else
			sum += json_integer_value(sc);
	}
	json_object_foreach(in->scores, key, v) {
		int known = 0;
		json_array_foreach(dims, i, v)
			known |= strcmp(json_string_value(v), key) == 0;
		if (!known)
			rc = zl_err_field(err, zl_arena_strdup(a, key), "not a dimension of this channel");
	}
	if (rc != 0)
		goto fail;
	r.application_id = ap.id;
	r.org_id = ap.org_id;
	r.item_id = ap.item_id;
	r.overall = (int64_t)floor((double)sum / (double)json_array_size(dims) + 0.5);
	r.scores = zl_json_canonical(a, in->scores);
	tags = zl_json_own(a, json_array());
	for (i = 0; i < in->tags.n; i++)
		json_array_append_new(tags, json_string(in->tags.v[i]));
	r.tags = zl_json_canonical(a, tags);
	r.comment = in->comment ? in->comment : "";
	r.rater_id = who->who->user_id;
	r.created_at = (int64_t)time(NULL);
	if ((rc = zl_rating_store_insert(c, &r)) != 0) {
		if (rc == ZL_ECONFLICT)
			zl_err_set(err, rc, NULL, "每个办件只能评价一次 (already rated)");
		goto fail;
	}
	rec = zl_json_own(a, json_pack("{s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "id", (json_int_t)r.id,
	    "application_id", (json_int_t)r.application_id, "org_id", (json_int_t)r.org_id,
	    "item_id", (json_int_t)r.item_id, "overall", (json_int_t)r.overall,
	    "scores", r.scores, "tags", r.tags));
	if ((rc = zl_audit(c, a, who, "rating", r.id, r.org_id, "create", rec)) != 0)
		goto fail;
	if (r.overall <= 2) {
		struct zl_calendar cal;
		struct zl_wf_start s;
		int64_t def_id;

		if ((rc = rectify_def(c, a, who, ap.org_id, &def_id, err)) != 0 ||
		    (rc = zl_wf_calendar(c, a, &cal)) != 0)
			goto fail;
		rf.rating_id = r.id;
		rf.org_id = ap.org_id;
		rf.created_at = r.created_at;
		rf.due_at = zl_cal_add_working_days(&cal, r.created_at, ZL_RECTIFY_DAYS);
		zl_cal_release(&cal);
		if ((rc = zl_rectify_store_insert(c, &rf)) != 0)
			goto fail;
		memset(&s, 0, sizeof(s));
		s.def_id = def_id;
		s.subject = "rectification";
		s.subject_id = rf.id;
		s.org_id = ap.org_id;
		s.applicant_id = ap.applicant_id;
		s.applicant_org = ap.org_id;	/* the case belongs to the responsible org */
		s.limit_days = ZL_RECTIFY_DAYS;
		rf.version = 1;
		rf.status = "open";
		rf.followup = rf.reply = "";
		if ((rc = zl_wf_start(c, a, who, &s, &rf.instance_id, err)) != 0 ||
		    (rc = zl_rectify_store_update(c, &rf)) != 0)
			goto fail;
	}
	if ((rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = json_pack("{s:I,s:I,s:I,s:s,s:o,s:o}", "id", (json_int_t)r.id,
	    "application_id", (json_int_t)r.application_id, "overall", (json_int_t)r.overall,
	    "level", levels[r.overall], "scores", json_deep_copy(in->scores),
	    "rectification_id", rf.id ? json_integer(rf.id) : json_null());
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_rectify_followup(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, int64_t id,
    const char *followup, const char *reply, json_t **out, struct zl_error *err)
{
	struct zl_rectify_row	 rf;
	struct zl_scope		 s;
	struct zl_org		 o;
	int			 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_rectify_store_get(c, a, id, &rf)) != 0)
		goto fail;
	zl_scope_for(who->who, ZL_P_APP_HANDLE, &s);
	if (zl_org_store_get(c, a, rf.org_id, &o) != 0 || !zl_scope_covers(&s, rf.org_id, o.path, -1)) {
		rc = ZL_ENOTFOUND;
		goto fail;
	}
	if (strcmp(rf.status, "open") != 0) {
		rc = zl_err_set(err, ZL_ECONFLICT, NULL, "整改已结束 (closed)");
		goto fail;
	}
	rf.followup = followup;
	rf.reply = reply;
	rf.followup_at = (int64_t)time(NULL);
	if ((rc = zl_rectify_store_update(c, &rf)) != 0)
		goto fail;
	rf.version++;
	if ((rc = zl_audit(c, a, who, "rectification", rf.id, rf.org_id, "followup",
	    zl_json_own(a, json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)rf.id,
	    "rating_id", (json_int_t)rf.rating_id, "status", rf.status,
	    "followup_at", (json_int_t)rf.followup_at)))) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)rf.id, "status", rf.status,
	    "followup", rf.followup, "reply", rf.reply, "followup_at", zl_json_time(rf.followup_at),
	    "due_at", zl_json_time(rf.due_at));
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_rectify_may_close(struct zl_conn *c, int64_t id, struct zl_error *err)
{
	struct zl_arena		a;
	struct zl_rectify_row	rf;
	int			rc;

	zl_arena_init(&a);
	if ((rc = zl_rectify_store_get(c, &a, id, &rf)) == 0 &&
	    (rf.followup[0] == '\0' || rf.reply[0] == '\0'))
		rc = zl_err_set(err, ZL_ECONFLICT, NULL,
		    "须先记录回访和答复，才能办结整改 (record the follow-up and the reply first)");
	zl_arena_release(&a);
	return rc;
}

int
zl_rectify_sync(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_wf_result *res)
{
	struct zl_rectify_row rf;
	int rc;

	if (!res->finished)
		return 0;
	if ((rc = zl_rectify_store_get(c, a, res->subject_id, &rf)) != 0)
		return rc;
	rf.status = "closed";
	rf.closed_at = (int64_t)time(NULL);
	if ((rc = zl_rectify_store_update(c, &rf)) != 0)
		return rc;
	return zl_audit(c, a, who, "rectification", rf.id, rf.org_id, "close",
	    zl_json_own(a, json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)rf.id,
	    "rating_id", (json_int_t)rf.rating_id, "status", rf.status,
	    "closed_at", (json_int_t)rf.closed_at)));
}
