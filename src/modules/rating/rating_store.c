/* rating_store.c: SQL of ratings, indicator sets and rectifications. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/rating/rating_store.h"

int
zl_rating_store_set(struct zl_conn *c, struct zl_arena *a, const char *channel,
    int64_t *id, json_t **dims)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT id, dimensions FROM rating_sets "
	    "WHERE channel = ? AND active = 1 ORDER BY version DESC LIMIT 1");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, channel);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*id = zl_col_int(s, 0);
		*dims = zl_json_own(a, json_loads(zl_col_text(s, 1), 0, NULL));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? (*dims ? 0 : ZL_EDB) : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_rating_store_insert(struct zl_conn *c, struct zl_rating_row *r)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO ratings (application_id, org_id, item_id, "
	    "set_id, overall, scores, tags, comment, rater_id, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, r->application_id);
	zl_bind_int(s, 2, r->org_id);
	zl_bind_int(s, 3, r->item_id);
	zl_bind_int(s, 4, r->set_id);
	zl_bind_int(s, 5, r->overall);
	zl_bind_text(s, 6, r->scores);
	zl_bind_text(s, 7, r->tags);
	zl_bind_text(s, 8, r->comment);
	zl_bind_int(s, 9, r->rater_id);
	zl_bind_int(s, 10, r->created_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		r->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_rectify_store_insert(struct zl_conn *c, struct zl_rectify_row *r)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO rectifications (rating_id, org_id, status, "
	    "due_at, created_at) VALUES (?, ?, 'open', ?, ?) RETURNING id");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, r->rating_id);
	zl_bind_int(s, 2, r->org_id);
	zl_bind_int(s, 3, r->due_at);
	zl_bind_int(s, 4, r->created_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		r->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc < 0 ? rc : ZL_EDB;
	s = zl_stmt_get(c, "UPDATE ratings SET rectification_id = ? WHERE id = ?");
	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, r->id);
	zl_bind_int(s, 2, r->rating_id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_rectify_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_rectify_row *r)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT id, rating_id, org_id, COALESCE(instance_id, 0), "
	    "status, followup, followup_at, reply, due_at, created_at, closed_at, version "
	    "FROM rectifications WHERE id = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		r->id = zl_col_int(s, 0);
		r->rating_id = zl_col_int(s, 1);
		r->org_id = zl_col_int(s, 2);
		r->instance_id = zl_col_int(s, 3);
		r->status = zl_arena_strdup(a, zl_col_text(s, 4));
		r->followup = zl_arena_strdup(a, zl_col_text(s, 5));
		r->followup_at = zl_col_int(s, 6);
		r->reply = zl_arena_strdup(a, zl_col_text(s, 7));
		r->due_at = zl_col_int(s, 8);
		r->created_at = zl_col_int(s, 9);
		r->closed_at = zl_col_int(s, 10);
		r->version = zl_col_int(s, 11);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_rectify_store_update(struct zl_conn *c, const struct zl_rectify_row *r)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE rectifications SET instance_id = ?, status = ?, "
	    "followup = ?, followup_at = ?, reply = ?, closed_at = ?, version = version + 1 "
	    "WHERE id = ? AND version = ?");
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	if (r->instance_id) zl_bind_int(s, 1, r->instance_id); else zl_bind_null(s, 1);
	zl_bind_text(s, 2, r->status);
	zl_bind_text(s, 3, r->followup);
	zl_bind_int(s, 4, r->followup_at);
	zl_bind_text(s, 5, r->reply);
	zl_bind_int(s, 6, r->closed_at);
	zl_bind_int(s, 7, r->id);
	zl_bind_int(s, 8, r->version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

/* Public aggregates per item or per org: count, average, satisfaction rate
 * (ratings of 4 or 5), best first. */
int
zl_rating_store_summary(struct zl_conn *c, struct zl_arena *a, int by_org, json_t **out)
{
	struct zl_stmt *s = zl_stmt_get(c, by_org ?
	    "SELECT o.id, o.name, count(*), sum(r.overall), "
	    "sum(CASE WHEN r.overall >= 4 THEN 1 ELSE 0 END) FROM ratings r JOIN orgs o ON "
	    "o.id = r.org_id GROUP BY o.id, o.name" :
	    "SELECT si.id, si.name, count(*), sum(r.overall), "
	    "sum(CASE WHEN r.overall >= 4 THEN 1 ELSE 0 END) FROM ratings r JOIN service_items si "
	    "ON si.id = r.item_id GROUP BY si.id, si.name");
	json_t *items = json_array();
	int rc;

	(void)a;
	if (s == NULL) {
		json_decref(items);
		return ZL_EDB;
	}
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		int64_t n = zl_col_int(s, 2);
		json_array_append_new(items, json_pack("{s:I,s:s,s:I,s:f,s:f}",
		    "id", (json_int_t)zl_col_int(s, 0), "name", zl_col_text(s, 1), "count", (json_int_t)n,
		    "average", n ? (double)zl_col_int(s, 3) / (double)n : 0.0,
		    "satisfaction_rate", n ? (double)zl_col_int(s, 4) / (double)n : 0.0));
	}
	zl_stmt_reset(s);
	*out = items;
	return rc < 0 ? rc : 0;
}

int
zl_rectify_store_detail(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **out,
    int64_t *org_id, int64_t *instance_id)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT rf.id, rf.status, rf.followup, rf.followup_at, "
	    "rf.reply, rf.due_at, rf.created_at, rf.closed_at, rf.org_id, COALESCE(rf.instance_id, 0), "
	    "r.overall, r.scores, r.tags, r.comment, ap.id, ap.code, COALESCE(si.name, '') "
	    "FROM rectifications rf JOIN ratings r ON r.id = rf.rating_id JOIN applications ap ON "
	    "ap.id = r.application_id LEFT JOIN service_items si ON si.id = ap.item_id WHERE rf.id = ?");
	int rc;

	(void)a;
	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*org_id = zl_col_int(s, 8);
		*instance_id = zl_col_int(s, 9);
		*out = json_pack("{s:I,s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:I,s:{s:I,s:o,s:o,s:s},"
		    "s:{s:I,s:s,s:s}}",
		    "id", (json_int_t)zl_col_int(s, 0), "status", zl_col_text(s, 1),
		    "followup", zl_col_text(s, 2), "followup_at", zl_json_time(zl_col_int(s, 3)),
		    "reply", zl_col_text(s, 4), "due_at", zl_json_time(zl_col_int(s, 5)),
		    "created_at", zl_json_time(zl_col_int(s, 6)),
		    "closed_at", zl_json_time(zl_col_int(s, 7)), "org_id", (json_int_t)*org_id,
		    "rating", "overall", (json_int_t)zl_col_int(s, 10),
		    "scores", json_loads(zl_col_text(s, 11), 0, NULL),
		    "tags", json_loads(zl_col_text(s, 12), 0, NULL), "comment", zl_col_text(s, 13),
		    "application", "id", (json_int_t)zl_col_int(s, 14), "code", zl_col_text(s, 15),
		    "item_name", zl_col_text(s, 16));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? (*out ? 0 : ZL_EDB) : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}
