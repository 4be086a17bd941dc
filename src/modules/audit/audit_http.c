/* audit_http.c: GET /api/v1/audit and /api/v1/audit/logins, within the
 * caller's audit.read scope, newest first. */
#include <string.h>

#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/audit/audit_log.h"

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static int
filter(struct zl_req *r, struct zl_audit_filter *f)
{
	const char *from = nonempty(zl_req_query(r, "from"));
	const char *to = nonempty(zl_req_query(r, "to"));
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = zl_req_page(r, &f->limit, &f->before)) != 0 ||
	    (rc = zl_req_query_int(r, "entity_id", &f->entity_id)) != 0 ||
	    (rc = zl_req_query_int(r, "actor_id", &f->actor_id)) != 0)
		return rc;
	if (from != NULL && (f->from = zl_time_parse(from)) < 0)
		return zl_err_field(&r->err, "from", "use 2026-11-22 or 2026-11-22T08:00:00Z");
	if (to != NULL && (f->to = zl_time_parse(to)) < 0)
		return zl_err_field(&r->err, "to", "use 2026-11-22 or 2026-11-22T08:00:00Z");
	if (to != NULL && strlen(to) == 10)
		f->to += 86400;		/* a date includes its whole day */
	f->entity = nonempty(zl_req_query(r, "entity"));
	f->action = nonempty(zl_req_query(r, "action"));
	f->username = nonempty(zl_req_query(r, "username"));
	f->result = nonempty(zl_req_query(r, "result"));
	return 0;
}

static int
handle_audit(struct zl_req *r)
{
	struct zl_audit_filter	 f;
	struct zl_audit_row	*rows;
	struct zl_scope		 s;
	json_t			*items;
	int			 n, rc;

	if ((rc = filter(r, &f)) != 0)
		return rc;
	zl_scope_for(r->who, ZL_P_AUDIT_READ, &s);
	if ((rc = zl_audit_store_list(r->db, &r->arena, &s, &f, &rows, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, json_pack("{s:I,s:o,s:o,s:s,s:o,s:s,s:I,s:s,s:s,s:s}",
		    "id", (json_int_t)rows[i].id, "at", zl_json_time(rows[i].at),
		    "actor_id", rows[i].actor_id ? json_integer(rows[i].actor_id) : json_null(),
		    "actor_name", rows[i].actor_name,
		    "org_id", rows[i].org_id ? json_integer(rows[i].org_id) : json_null(),
		    "entity", rows[i].entity, "entity_id", (json_int_t)rows[i].entity_id,
		    "action", rows[i].action, "digest", rows[i].digest,
		    "client_addr", rows[i].client_addr));
	return zl_reply_list(r, items, n > f.limit ? rows[f.limit - 1].id : 0);
}

static int
handle_logins(struct zl_req *r)
{
	struct zl_audit_filter	 f;
	struct zl_login_row	*rows;
	struct zl_scope		 s;
	json_t			*items;
	int			 n, rc;

	if ((rc = filter(r, &f)) != 0)
		return rc;
	zl_scope_for(r->who, ZL_P_AUDIT_READ, &s);
	if ((rc = zl_login_store_list(r->db, &r->arena, &s, &f, &rows, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, json_pack("{s:I,s:o,s:s,s:o,s:s,s:s,s:s}",
		    "id", (json_int_t)rows[i].id, "at", zl_json_time(rows[i].at),
		    "username", rows[i].username,
		    "user_id", rows[i].user_id ? json_integer(rows[i].user_id) : json_null(),
		    "result", rows[i].result, "client_addr", rows[i].client_addr,
		    "user_agent", rows[i].user_agent));
	return zl_reply_list(r, items, n > f.limit ? rows[f.limit - 1].id : 0);
}

const struct zl_route zl_audit_routes[] = {
	{ ZL_GET, "/api/v1/audit", handle_audit, ZL_P_AUDIT_READ },
	{ ZL_GET, "/api/v1/audit/logins", handle_logins, ZL_P_AUDIT_READ },
	{ 0 }
};
