/* token_http.c: the /api/v1/tokens routes.  Decode, call token.c, encode.
 * The secret appears in the create answer and nowhere else. */
#include "audit/audit.h"
#include "auth/auth.h"
#include "http/req.h"
#include "modules/token/token.h"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

/* 200 {items, next_cursor}; 400 bad paging. */
static int
handle_list(struct zl_req *r)
{
	struct zl_token_filter	 f = { 0 };
	struct zl_token		*tokens;
	json_t			*items;
	int			 n, rc;

	if ((rc = zl_req_page(r, &f.limit, &f.after)) != 0 ||
	    (rc = zl_token_list(r->db, &r->arena, r->who, &f, &tokens, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_token_json(&tokens[i]));
	return zl_reply_list(r, items, n > f.limit ? tokens[f.limit - 1].id : 0);
}

/* 201 Token & {token}; 400 bad input; 403 more than the caller holds. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_token_in	 in;
	struct zl_token		*t;
	json_t			*body, *j;
	int			 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_token_decode(&in, body, &r->arena, &r->err)) != 0 ||
	    (rc = zl_token_create(r->db, &r->arena, &who, &in, &t, &r->err)) != 0)
		return rc;
	j = zl_token_json(t);
	json_object_set_new(j, "token", json_string(t->secret));
	return zl_reply_json(r, 201, j);
}

/* 204; 403/404 outside the caller's scope. */
static int
handle_delete(struct zl_req *r)
{
	struct zl_actor who = actor(r);
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_token_revoke(r->db, &r->arena, &who, id, &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

const struct zl_route zl_token_routes[] = {
	{ ZL_GET, "/api/v1/tokens", handle_list, ZL_P_TOKEN_READ },
	{ ZL_POST, "/api/v1/tokens", handle_create, ZL_P_TOKEN_WRITE },
	{ ZL_DELETE, "/api/v1/tokens/{id}", handle_delete, ZL_P_TOKEN_WRITE },
	{ 0 }
};
