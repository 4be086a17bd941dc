/* application_http.c: /api/v1/applications (applicants, and handlers with
 * application.read) and the public tracking of a case by its code. */
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/application/application.h"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

/* 201 the application (200 for a retried Idempotency-Key); 400 bad data. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_app_in	 in;
	struct zl_application	*ap;
	json_t			*body;
	int			 created, rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_app_decode(&in, body, 1, &r->arena, &r->err)) != 0)
		return rc;
	in.idem_key = zl_req_header(r, "Idempotency-Key");
	if (in.idem_key != NULL && (strlen(in.idem_key) < 8 || strlen(in.idem_key) > 128))
		return zl_err_field(&r->err, "Idempotency-Key", "8 to 128 characters");
	if ((rc = zl_app_create(r->db, &r->arena, &who, &in, &ap, &created, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, created ? 201 : 200, zl_app_json(ap, 1));
}

static int
handle_update(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_app_in	 in;
	struct zl_application	*ap;
	json_t			*body;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_app_decode(&in, body, 0, &r->arena, &r->err)) != 0 ||
	    (rc = zl_req_version(r, in.version, &in.version)) != 0 ||
	    (rc = zl_app_update(r->db, &r->arena, &who, id, &in, &ap, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_app_json(ap, 1));
}

/* submit | resubmit | withdraw | urge. */
static int
handle_action(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_application	*ap;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_app_act(r->db, &r->arena, &who, id, r->params[1], &ap, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_app_json(ap, 1));
}

static int
handle_get(struct zl_req *r)
{
	struct zl_application	*ap;
	json_t			*j, *c;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_app_get(r->db, &r->arena, r->who, id, &ap)) != 0)
		return rc;
	j = zl_app_json(ap, 1);
	json_object_set_new(j, "history", ap->instance_id ?
	    zl_app_store_history(r->db, &r->arena, ap->instance_id) : json_array());
	json_object_set_new(j, "tasks", ap->instance_id ?
	    zl_app_store_open_tasks(r->db, &r->arena, ap->instance_id) : json_array());
	json_object_set_new(j, "rating", zl_app_store_rating(r->db, ap->id));
	if (ap->instance_id && zl_app_case(r->db, &r->arena, ap->instance_id, &c) == 0)
		json_object_set_new(j, "case", c);	/* the process as drawn and where it stands */
	return zl_reply_json(r, 200, j);
}

/* ?handling=1 lists the cases in the caller's application.read scope;
 * otherwise the caller's own applications. */
static int
handle_list(struct zl_req *r)
{
	struct zl_app_filter	 f;
	struct zl_application	*aps;
	const char		*h = zl_req_query(r, "handling");
	json_t			*items;
	int			 n, rc;

	memset(&f, 0, sizeof(f));
	if ((rc = zl_req_page(r, &f.limit, &f.after)) != 0 ||
	    (rc = zl_req_query_int(r, "item_id", &f.item_id)) != 0)
		return rc;
	f.status = zl_req_query(r, "status");
	if (f.status != NULL && *f.status == '\0')
		f.status = NULL;
	if ((rc = zl_app_list(r->db, &r->arena, r->who, h != NULL && strcmp(h, "1") == 0, &f,
	    &aps, &n)) != 0)
		return rc == ZL_EPERM ? zl_err_set(&r->err, rc, NULL, "需要权限 application.read") : rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_app_json(&aps[i], 0));
	return zl_reply_list(r, items, n > f.limit ? aps[f.limit - 1].id : 0);
}

/* "2026-11-23 03:47" in Asia/Shanghai (UTC+8, no DST), for people. */
static const char *
beijing(struct zl_arena *a, int64_t t)
{
	time_t		tt = (time_t)(t + 8 * 3600);
	struct tm	tm;
	char		buf[32];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
	return zl_arena_printf(a, "%s（北京时间）", buf);
}

/* The result document of a finished case, with its log entry's QR code. */
static int
handle_pdf(struct zl_req *r)
{
	struct zl_application	*ap;
	struct zl_app_result	 res;
	char			*pdf;
	size_t			 n;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_app_get(r->db, &r->arena, r->who, id, &ap)) != 0)
		return rc;
	if (strcmp(ap->status, "approved") != 0 && strcmp(ap->status, "rejected") != 0)
		return zl_err_set(&r->err, ZL_ECONFLICT, NULL, "办结后才有结果文书 (the case is not finished)");
	memset(&res, 0, sizeof(res));
	if ((rc = zl_app_store_leaf(r->db, &r->arena, ap->id, &res.leaf_index, &res.digest,
	    &res.org_name)) != 0)
		return rc;
	res.code = ap->code;
	res.item_name = ap->item_name;
	res.applicant_name = ap->applicant_name;
	res.status = ap->status;
	res.submitted = beijing(&r->arena, ap->submitted_at);
	res.finished = beijing(&r->arena, ap->finished_at);
	res.public_url = r->app->cfg.public_url;
	if ((rc = zl_app_result_pdf(&r->arena, &res, &pdf, &n)) != 0)
		return rc;
	zl_reply_header(r, "Content-Disposition",
	    zl_arena_printf(&r->arena, "inline; filename=\"%s.pdf\"", ap->code));
	return zl_reply_bytes(r, 200, "application/pdf", pdf, n);
}

/* Public tracking by code: status and dates only, no personal data. */
static int
handle_track(struct zl_req *r)
{
	struct zl_application ap;
	int rc;

	if (strlen(r->params[0]) > 32)
		return ZL_ENOTFOUND;
	if ((rc = zl_app_store_get(r->db, &r->arena, 0, r->params[0], &ap)) != 0 ||
	    strcmp(ap.status, "draft") == 0)
		return rc ? rc : ZL_ENOTFOUND;
	return zl_reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:o,s:o}", "code", ap.code,
	    "item_name", ap.item_name, "status", ap.status,
	    "submitted_at", zl_json_time(ap.submitted_at),
	    "finished_at", zl_json_time(ap.finished_at)));
}

const struct zl_route zl_application_routes[] = {
	{ ZL_GET, "/api/v1/applications", handle_list, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/applications", handle_create, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/applications/{id}", handle_get, ZL_ROUTE_USER },
	{ ZL_PATCH, "/api/v1/applications/{id}", handle_update, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/applications/{id}/actions/{action}", handle_action, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/applications/{id}/result.pdf", handle_pdf, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/public/applications/{code}", handle_track, ZL_ROUTE_PUBLIC },
	{ 0 }
};
