/* user_http.c: the /api/v1/users routes.  Decode, call user.c, encode.
 * Lists mask phones; a single user shows the full phone to callers who may
 * change that user. */
#include <stddef.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/user/user.h"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

/* 200 {items, next_cursor}; 400 bad filter. */
static int
handle_list(struct zl_req *r)
{
	struct zl_user_filter	 f = { 0 };
	struct zl_user		*users;
	const char		*sub;
	json_t			*items;
	int			 n, rc;

	if ((rc = zl_req_page(r, &f.limit, &f.after)) != 0 ||
	    (rc = zl_req_query_int(r, "org_id", &f.org_id)) != 0 ||
	    (rc = zl_req_query_int(r, "role_id", &f.role_id)) != 0)
		return rc;
	sub = zl_req_query(r, "subtree");
	if (sub != NULL && *sub != '\0' && strcmp(sub, "0") != 0 && strcmp(sub, "1") != 0)
		return zl_err_field(&r->err, "subtree", "0 or 1");
	f.subtree = sub != NULL && strcmp(sub, "1") == 0;
	f.q = zl_req_query(r, "q");
	f.status = zl_req_query(r, "status");
	if (f.q != NULL && *f.q == '\0')
		f.q = NULL;
	if (f.status != NULL && *f.status == '\0')
		f.status = NULL;
	if ((rc = zl_user_list(r->db, &r->arena, r->who, &f, &users, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_user_json(&users[i], 1));
	return zl_reply_list(r, items, n > f.limit ? users[f.limit - 1].id : 0);
}

/* 200 User; 404 unknown or outside scope. */
static int
handle_get(struct zl_req *r)
{
	struct zl_user	*u;
	int64_t		 id;
	int		 rc, can_write;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_user_get(r->db, &r->arena, r->who, id, &u, &can_write)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_user_json(u, !can_write));
}

/* 201 User; 400 bad input; 403 org or roles beyond the caller; 409 username taken. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_user_in	 in;
	struct zl_user		*u;
	json_t			*body;
	int			 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_user_decode(&in, body, 1, &r->arena, &r->err)) != 0 ||
	    (rc = zl_user_create(r->db, &r->arena, &who, &in, &u, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, zl_user_json(u, 0));
}

/* 200 User; 403 beyond the caller; 409 stale version or self-disable; 428 no version. */
static int
handle_update(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_user_in	 in;
	struct zl_user		*u;
	json_t			*body;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_user_decode(&in, body, 0, &r->arena, &r->err)) != 0 ||
	    (rc = zl_req_version(r, in.version, &in.version)) != 0 ||
	    (rc = zl_user_update(r->db, &r->arena, &who, id, &in, &u, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_user_json(u, 0));
}

struct reset_in { const char *new_password; };

static const struct zl_jfield reset_fields[] = {
	{ "new_password", ZL_J_STR, offsetof(struct reset_in, new_password), 1, 128 },
	{ NULL },
};

/* 204; 400 weak password; 403/404 beyond the caller.  The user's sessions end. */
static int
handle_reset(struct zl_req *r)
{
	struct zl_actor	 who = actor(r);
	struct reset_in	 in = { 0 };
	json_t		*body;
	int64_t		 id;
	int		 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, reset_fields, &in, NULL, &r->arena, &r->err)) != 0 ||
	    (rc = zl_user_reset_password(r->db, &r->arena, &who, id, in.new_password,
	    &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

/* 204; 409 for the caller itself.  The user's sessions end. */
static int
handle_delete(struct zl_req *r)
{
	struct zl_actor who = actor(r);
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_user_disable(r->db, &r->arena, &who, id, &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

const struct zl_route zl_user_routes[] = {
	{ ZL_GET, "/api/v1/users", handle_list, ZL_P_USER_READ },
	{ ZL_GET, "/api/v1/users/{id}", handle_get, ZL_P_USER_READ },
	{ ZL_POST, "/api/v1/users", handle_create, ZL_P_USER_WRITE },
	{ ZL_PATCH, "/api/v1/users/{id}", handle_update, ZL_P_USER_WRITE },
	{ ZL_POST, "/api/v1/users/{id}/actions/reset-password", handle_reset, ZL_P_USER_WRITE },
	{ ZL_DELETE, "/api/v1/users/{id}", handle_delete, ZL_P_USER_WRITE },
	{ 0 }
};
