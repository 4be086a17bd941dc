/* org_http.c: the /api/v1/orgs routes.  Decode, call org.c, encode. */
#include "audit/audit.h"
#include "auth/auth.h"
#include "http/req.h"
#include "modules/org/org.h"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

/* 200 {items, next_cursor}; 400 bad filter. */
static int
handle_list(struct zl_req *r)
{
	struct zl_org_filter	 f = { 0 };
	struct zl_org		*orgs;
	json_t			*items;
	int			 n, rc;

	if ((rc = zl_req_page(r, &f.limit, &f.after)) != 0 ||
	    (rc = zl_req_query_int(r, "parent_id", &f.parent_id)) != 0)
		return rc;
	f.has_parent = f.parent_id != 0;
	f.q = zl_req_query(r, "q");
	f.status = zl_req_query(r, "status");
	if (f.q != NULL && *f.q == '\0')
		f.q = NULL;
	if (f.status != NULL && *f.status == '\0')
		f.status = NULL;
	if ((rc = zl_org_list(r->db, &r->arena, r->who, &f, &orgs, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_org_json(&orgs[i]));
	return zl_reply_list(r, items, n > f.limit ? orgs[f.limit - 1].id : 0);
}

static int
handle_tree(struct zl_req *r)
{
	json_t *roots;
	int rc;

	if ((rc = zl_org_tree(r->db, &r->arena, r->who, &roots)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:o}", "items", roots));
}

/* 200 Org; 404 unknown or outside scope. */
static int
handle_get(struct zl_req *r)
{
	struct zl_org *o;
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_org_get(r->db, &r->arena, r->who, ZL_P_ORG_READ, id, &o)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_org_json(o));
}

/* 201 Org; 400 bad input; 403 parent outside scope; 409 code taken. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_org_in	 in;
	struct zl_org		*o;
	json_t			*body;
	int			 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_org_decode(&in, body, 1, &r->arena, &r->err)) != 0 ||
	    (rc = zl_org_create(r->db, &r->arena, &who, &in, &o, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, zl_org_json(o));
}

/* 200 Org; 409 stale version; 428 no version. */
static int
handle_update(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_org_in	 in;
	struct zl_org		*o;
	json_t			*body;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_org_decode(&in, body, 0, &r->arena, &r->err)) != 0 ||
	    (rc = zl_req_version(r, in.version, &in.version)) != 0 ||
	    (rc = zl_org_update(r->db, &r->arena, &who, id, &in, &o, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_org_json(o));
}

/* 204; 409 while it has active children or users. */
static int
handle_delete(struct zl_req *r)
{
	struct zl_actor who = actor(r);
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_org_disable(r->db, &r->arena, &who, id, &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

const struct zl_route zl_org_routes[] = {
	{ ZL_GET, "/api/v1/orgs", handle_list, ZL_P_ORG_READ },
	{ ZL_GET, "/api/v1/orgs/tree", handle_tree, ZL_P_ORG_READ },
	{ ZL_GET, "/api/v1/orgs/{id}", handle_get, ZL_P_ORG_READ },
	{ ZL_POST, "/api/v1/orgs", handle_create, ZL_P_ORG_WRITE },
	{ ZL_PATCH, "/api/v1/orgs/{id}", handle_update, ZL_P_ORG_WRITE },
	{ ZL_DELETE, "/api/v1/orgs/{id}", handle_delete, ZL_P_ORG_WRITE },
	{ 0 }
};
