/* rating_http.c: rating a finished case, recording a rectification's
 * follow-up, and the public aggregates and rankings. */
#include <stddef.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/application/application.h"
#include "modules/org/org.h"
#include "modules/rating/rating.h"
#include "modules/rating/rating_store.h"

static const struct zl_jfield rating_fields[] = {
	{ "scores", ZL_J_OBJ, offsetof(struct zl_rating_in, scores), 1, 0 },
	{ "tags", ZL_J_STRS, offsetof(struct zl_rating_in, tags), 0, 10 },
	{ "comment", ZL_J_STR, offsetof(struct zl_rating_in, comment), 0, 1000 },
	{ NULL },
};

/* 201 the rating (with rectification_id when bad); 409 not finished or rated. */
static int
handle_rate(struct zl_req *r)
{
	struct zl_actor		 who = { r->who, r->client_addr };
	struct zl_rating_in	 in;
	json_t			*body, *out;
	int64_t			 id;
	int			 rc;

	memset(&in, 0, sizeof(in));
	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, rating_fields, &in, NULL, &r->arena, &r->err)) != 0 ||
	    (rc = zl_rating_create(r->db, &r->arena, &who, id, &in, &out, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, out);
}

struct followup_in { const char *followup, *reply; };

static const struct zl_jfield followup_fields[] = {
	{ "followup", ZL_J_STR, offsetof(struct followup_in, followup), 1, 2000 },
	{ "reply", ZL_J_STR, offsetof(struct followup_in, reply), 1, 2000 },
	{ NULL },
};

static int
handle_followup(struct zl_req *r)
{
	struct zl_actor		 who = { r->who, r->client_addr };
	struct followup_in	 in = { 0 };
	json_t			*body, *out;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, followup_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	if (zl_utf8_len(in.followup) < 2 || zl_utf8_len(in.reply) < 2)
		return zl_err_field(&r->err, zl_utf8_len(in.followup) < 2 ? "followup" : "reply",
		    "at least 2 characters");
	if ((rc = zl_rectify_followup(r->db, &r->arena, &who, id, in.followup, in.reply, &out,
	    &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, out);
}

/* A rectification case with its rating and application: staff with
 * application.read over its org, or a handler of its case. */
static int
handle_rectification(struct zl_req *r)
{
	struct zl_scope	 s;
	struct zl_org	 o;
	json_t		*out = NULL;
	int64_t		 id, org, inst;
	int		 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_rectify_store_detail(r->db, &r->arena, id, &out, &org, &inst)) != 0)
		return rc;
	zl_json_own(&r->arena, out);
	zl_scope_for(r->who, ZL_P_APP_READ, &s);
	if (!(zl_org_store_get(r->db, &r->arena, org, &o) == 0 && zl_scope_covers(&s, org, o.path, -1)) &&
	    !(inst && zl_app_store_handler(r->db, inst, r->who->user_id, r->who->org_id) == 1))
		return ZL_ENOTFOUND;
	return zl_reply_json(r, 200, json_incref(out));
}

/* {items:[{id,name,count,average,satisfaction_rate}]} best first. */
static int
handle_summary(struct zl_req *r)
{
	const char *by = zl_req_query(r, "by");
	json_t *items;
	int rc;

	if (by != NULL && strcmp(by, "org") != 0 && strcmp(by, "item") != 0)
		return zl_err_field(&r->err, "by", "org or item");
	if ((rc = zl_rating_store_summary(r->db, &r->arena, by && strcmp(by, "org") == 0, &items)) != 0)
		return rc;
	/* Rank: satisfaction rate, then count. */
	for (size_t i = 1; i < json_array_size(items); i++)
		for (size_t j = i; j > 0; j--) {
			json_t *x = json_array_get(items, j - 1), *y = json_array_get(items, j);
			double rx = json_real_value(json_object_get(x, "satisfaction_rate"));
			double ry = json_real_value(json_object_get(y, "satisfaction_rate"));
			if (ry < rx || (ry == rx && json_integer_value(json_object_get(y, "count")) <=
			    json_integer_value(json_object_get(x, "count"))))
				break;
			json_incref(x);
			json_array_set(items, j - 1, y);
			json_array_set_new(items, j, x);
		}
	return zl_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The current indicator set of a channel: {channel, dimensions, levels}. */
static int
handle_set(struct zl_req *r)
{
	const char *ch = zl_req_query(r, "channel");
	json_t *dims;
	int64_t id;
	int rc;

	if (ch == NULL || (strcmp(ch, "online") != 0 && strcmp(ch, "counter") != 0))
		return zl_err_field(&r->err, "channel", "online or counter");
	if ((rc = zl_rating_store_set(r->db, &r->arena, ch, &id, &dims)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:I,s:s,s:O,s:[s,s,s,s,s]}", "id", (json_int_t)id,
	    "channel", ch, "dimensions", dims, "levels", "非常不满意", "不满意", "基本满意",
	    "满意", "非常满意"));
}

const struct zl_route zl_rating_routes[] = {
	{ ZL_GET, "/api/v1/public/rating-sets", handle_set, ZL_ROUTE_PUBLIC },
	{ ZL_POST, "/api/v1/applications/{id}/rating", handle_rate, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/rectifications/{id}", handle_rectification, ZL_ROUTE_STAFF },
	{ ZL_POST, "/api/v1/rectifications/{id}/followup", handle_followup, ZL_P_APP_HANDLE },
	{ ZL_GET, "/api/v1/public/ratings/summary", handle_summary, ZL_ROUTE_PUBLIC },
	{ 0 }
};
