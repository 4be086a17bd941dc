/* role_http.c: the /api/v1/roles and /api/v1/permissions routes.  Decode,
 * call role.c, encode.  No SQL and no rules here. */
#include "audit/audit.h"
#include "auth/auth.h"
#include "http/req.h"
#include "modules/role/role.h"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

/* 200 {items:[{code,name}]}. */
static int
handle_perms(struct zl_req *r)
{
	return zl_reply_json(r, 200, zl_perms_json());
}

/* 200 {items, next_cursor}; 400 bad paging. */
static int
handle_list(struct zl_req *r)
{
	struct zl_role_filter	 f = { 0 };
	struct zl_role		*roles;
	json_t			*items;
	int			 n, rc;

	if ((rc = zl_req_page(r, &f.limit, &f.after)) != 0)
		return rc;
	f.q = zl_req_query(r, "q");
	if (f.q != NULL && *f.q == '\0')
		f.q = NULL;
	if ((rc = zl_role_list(r->db, &r->arena, &f, &roles, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_role_json(&roles[i]));
	return zl_reply_list(r, items, n > f.limit ? roles[f.limit - 1].id : 0);
}

/* 200 Role; 404 unknown. */
static int
handle_get(struct zl_req *r)
{
	struct zl_role *role;
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_role_get(r->db, &r->arena, id, &role)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_role_json(role));
}

/* 201 Role; 400 bad input; 403 grants more than the caller holds; 409 code taken. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_role_in	 in;
	struct zl_role		*role;
	json_t			*body;
	int			 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_role_decode(&in, body, 1, &r->arena, &r->err)) != 0 ||
	    (rc = zl_role_create(r->db, &r->arena, &who, &in, &role, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, zl_role_json(role));
}

/* 200 Role; 403 beyond the caller; 409 stale version or builtin disabled; 428 no version. */
static int
handle_update(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_role_in	 in;
	struct zl_role		*role;
	json_t			*body;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_role_decode(&in, body, 0, &r->arena, &r->err)) != 0 ||
	    (rc = zl_req_version(r, in.version, &in.version)) != 0 ||
	    (rc = zl_role_update(r->db, &r->arena, &who, id, &in, &role, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_role_json(role));
}

/* 204; 409 for a builtin role. */
static int
handle_delete(struct zl_req *r)
{
	struct zl_actor who = actor(r);
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_role_disable(r->db, &r->arena, &who, id, &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

const struct zl_route zl_role_routes[] = {
	{ ZL_GET, "/api/v1/permissions", handle_perms, ZL_P_ROLE_READ },
	{ ZL_GET, "/api/v1/roles", handle_list, ZL_P_ROLE_READ },
	{ ZL_GET, "/api/v1/roles/{id}", handle_get, ZL_P_ROLE_READ },
	{ ZL_POST, "/api/v1/roles", handle_create, ZL_P_ROLE_WRITE },
	{ ZL_PATCH, "/api/v1/roles/{id}", handle_update, ZL_P_ROLE_WRITE },
	{ ZL_DELETE, "/api/v1/roles/{id}", handle_delete, ZL_P_ROLE_WRITE },
	{ 0 }
};
