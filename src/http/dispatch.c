/* dispatch.c: what every API request goes through before its handler:
 * route, authentication (session cookie or bearer token), permission,
 * CSRF for cookie writes, content type and JSON parsing of the body. */
#include <string.h>

#include "auth/auth.h"
#include "auth/session.h"
#include "core/json.h"
#include "db/db.h"
#include "http/router.h"
#include "http/server.h"

/* The value of cookie name in the Cookie header, in the arena. */
static char *
cookie(struct zl_req *r, const char *name)
{
	const char *h = zl_req_header(r, "Cookie");
	size_t n = strlen(name);

	while (h != NULL && *h != '\0') {
		while (*h == ' ' || *h == ';')
			h++;
		if (strncmp(h, name, n) == 0 && h[n] == '=') {
			const char *v = h + n + 1;
			return zl_arena_strndup(&r->arena, v, strcspn(v, ";"));
		}
		h = strchr(h, ';');
	}
	return NULL;
}

static int
authenticate(struct zl_req *r)
{
	const char *auth = zl_req_header(r, "Authorization");
	int rc;

	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0) {
		rc = zl_token_principal(r->db, &r->arena, auth + 7, &r->who);
		return rc;
	}
	if ((r->session_token = cookie(r, "zl_session")) == NULL)
		return ZL_EAUTH;
	r->via_cookie = 1;
	return zl_session_principal(r->db, &r->arena, &r->app->cfg, r->session_token, &r->who);
}

static int
unsafe(enum zl_method m)
{
	return m == ZL_POST || m == ZL_PUT || m == ZL_PATCH || m == ZL_DELETE;
}

static int
check_access(struct zl_req *r, const struct zl_route *rt)
{
	int rc;

	if (rt->access == ZL_ROUTE_PUBLIC) {
		/* Public routes still know a signed-in caller (logout, citizen pages). */
		if (zl_req_header(r, "Authorization") != NULL || cookie(r, "zl_session") != NULL)
			(void)authenticate(r);
		r->err.type = NULL;
		return 0;
	}
	if ((rc = authenticate(r)) != 0)
		return rc == ZL_EAUTH ? zl_err_set(&r->err, ZL_EAUTH, NULL,
		    "请先登录 (sign in first)") : rc;
	r->who_id = r->who->user_id;
	if (rt->access == ZL_ROUTE_USER)
		return 0;
	if (r->who->kind != ZL_USER_STAFF)
		return zl_err_set(&r->err, ZL_EPERM, NULL, "仅限工作人员 (staff only)");
	if (rt->access >= 0 && !zl_may(r->who, (enum zl_perm)rt->access))
		return zl_err_set(&r->err, ZL_EPERM, NULL, "需要权限 %s (permission required)",
		    zl_perms[rt->access].code);
	return 0;
}

static int
check_csrf(struct zl_req *r)
{
	const char *t;

	/* Public routes (login, logout, registration) need none: SameSite=Strict
	 * already keeps other sites' requests from carrying the cookie. */
	if (!r->via_cookie || !unsafe(r->method) || r->who == NULL ||
	    r->route->access == ZL_ROUTE_PUBLIC)
		return 0;
	t = zl_req_header(r, "X-CSRF-Token");
	if (t == NULL || r->who->csrf == NULL || strcmp(t, r->who->csrf) != 0)
		return zl_err_set(&r->err, ZL_EPERM, "csrf",
		    "写操作须携带 X-CSRF-Token 头 (missing or wrong CSRF token)");
	return 0;
}

static int
read_body(struct zl_req *r)
{
	const char	*ct = zl_req_header(r, "Content-Type");
	int		 json = ct != NULL && strncmp(ct, "application/json", 16) == 0 &&
			    (ct[16] == '\0' || ct[16] == ';');

	if (r->body_len == 0 || r->route->raw_body == ZL_BODY_FILE ||
	    (r->route->raw_body == ZL_BODY_FILE_OR_JSON && !json))
		return 0;
	if (!json)
		return zl_err_set(&r->err, ZL_EMEDIA, NULL,
		    "请求体须为 application/json (send JSON)");
	if (r->body_len > r->app->cfg.max_body)	/* a file route let it grow further */
		return zl_err_set(&r->err, ZL_ELIMIT, NULL,
		    "请求体不得超过 %zu 字节 (body limit)", r->app->cfg.max_body);
	return zl_json_parse_body(&r->json, &r->arena, r->body, r->body_len, &r->err);
}

static void
api(struct zl_req *r)
{
	const struct zl_route	*rt;
	int			 known, rc;

	rt = zl_req_route(r, &known);
	if (rt == NULL) {
		zl_reply_problem(r, known ? ZL_EMETHOD : ZL_ENOTFOUND);
		return;
	}
	if ((r->db = zl_db_conn(r->app->db)) == NULL) {
		zl_reply_problem(r, ZL_EBUSY);
		return;
	}
	zl_db_defer_sync(r->db);	/* server.c answers once durable */
	if ((rc = check_access(r, rt)) != 0 || (rc = check_csrf(r)) != 0 ||
	    (rc = read_body(r)) != 0 || (rc = rt->fn(r)) != 0) {
		if (r->db != NULL)
			zl_tx_rollback(r->db);	/* no-op unless a handler left one open */
		zl_reply_problem(r, rc);
		return;
	}
	if (r->status == 0)
		zl_reply_problem(r, ZL_EINTERNAL);
}

void
zl_dispatch(struct zl_req *r)
{
	if (r->method == 0) {
		zl_reply_problem(r, ZL_EMETHOD);
		return;
	}
	if (strncmp(r->path, "/api/", 5) == 0) {
		api(r);
		return;
	}
	if ((r->method != ZL_GET && r->method != ZL_HEAD) || zl_static(r) != 0)
		zl_reply_problem(r, r->method == ZL_GET || r->method == ZL_HEAD ?
		    ZL_ENOTFOUND : ZL_EMETHOD);
}
