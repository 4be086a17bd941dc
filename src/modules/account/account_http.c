/* account_http.c: login, logout, the caller's own account (/me, password,
 * sessions) and citizen registration. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_store.h"
#include "auth/session.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/user/user.h"

json_t *
zl_me_json(const struct zl_principal *p)
{
	json_t *perms = json_array(), *roles = json_array();

	for (int i = 0; i < ZL_P__MAX; i++)
		if (zl_may(p, (enum zl_perm)i))
			json_array_append_new(perms, json_string(zl_perms[i].code));
	for (size_t i = 0; i < p->ngrants; i++)
		json_array_append_new(roles, json_pack("{s:I,s:s,s:s,s:s}",
		    "id", (json_int_t)p->grants[i].role_id, "code", p->grants[i].code,
		    "name", p->grants[i].name, "scope", zl_scope_names[p->grants[i].scope]));
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b,s:o,s:o,s:s?}",
	    "id", (json_int_t)p->user_id, "username", p->username,
	    "display_name", p->display_name,
	    "kind", p->kind == ZL_USER_CITIZEN ? "citizen" : "staff",
	    "org", p->org_id ? json_pack("{s:I,s:s,s:s}", "id", (json_int_t)p->org_id,
		"name", p->org_name, "code", p->org_code) : json_null(),
	    "is_admin", p->is_admin, "permissions", perms, "roles", roles,
	    "csrf_token", p->csrf);
}

static void
set_cookie(struct zl_req *r, const char *token, int max_age)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "zl_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
	    token, max_age);
	zl_reply_header(r, "Set-Cookie", buf);
}

struct login_in { const char *username, *password; };

static const struct zl_jfield login_fields[] = {
	{ "username", ZL_J_STR, offsetof(struct login_in, username), 1, 64 },
	{ "password", ZL_J_STR, offsetof(struct login_in, password), 1, 1024 },
	{ NULL },
};

/* 200 {user, csrf_token} and the cookie; 401 wrong; 429 locked or too many. */
static int
handle_login(struct zl_req *r)
{
	struct login_in	 in = { 0 };
	struct zl_login	 out;
	json_t		*body;
	int		 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, login_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	if ((rc = zl_login(r->db, &r->arena, &r->app->cfg, in.username, in.password,
	    r->client_addr, zl_req_user_agent(r), &out, &r->err)) != 0)
		return rc;
	set_cookie(r, out.token, r->app->cfg.session_absolute);
	r->who_id = out.who->user_id;
	return zl_reply_json(r, 200, json_pack("{s:o,s:s}", "user", zl_me_json(out.who),
	    "csrf_token", out.csrf));
}

/* 204, the cookie cleared; the session (if any) revoked.  A live session
 * needs its CSRF token; a stale or absent one is simply cleared, so a browser
 * can always shed its cookie. */
static int
handle_logout(struct zl_req *r)
{
	if (r->who != NULL && r->via_cookie) {
		const char *t = zl_req_header(r, "X-CSRF-Token");
		if (t == NULL || r->who->csrf == NULL || strcmp(t, r->who->csrf) != 0)
			return zl_err_set(&r->err, ZL_EPERM, "csrf",
			    "写操作须携带 X-CSRF-Token 头 (missing or wrong CSRF token)");
	}
	if (r->who != NULL && r->session_token != NULL &&
	    zl_session_revoke_token(r->db, r->session_token) != 0)
		return ZL_EDB;
	set_cookie(r, "", 0);
	return zl_reply_empty(r, 204);
}

static int
handle_me(struct zl_req *r)
{
	return zl_reply_json(r, 200, zl_me_json(r->who));
}

struct password_in { const char *old_password, *new_password; };

static const struct zl_jfield password_fields[] = {
	{ "old_password", ZL_J_STR, offsetof(struct password_in, old_password), 1, 1024 },
	{ "new_password", ZL_J_STR, offsetof(struct password_in, new_password), 1, 1024 },
	{ NULL },
};

/* 204; 400 weak new password; 403 wrong old password.  Other sessions end. */
static int
handle_password(struct zl_req *r)
{
	struct password_in	 in = { 0 };
	struct zl_actor		 who = { r->who, r->client_addr };
	struct zl_login_user	 u;
	json_t			*body;
	int			 rc;

	if (r->who->session_id == 0)
		return zl_err_set(&r->err, ZL_EPERM, NULL, "API 令牌不能修改密码");
	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, password_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	if ((rc = zl_as_login_user(r->db, &r->arena, r->who->username, &u)) != 0)
		return rc;
	if ((rc = zl_password_check(u.password_hash, in.old_password)) <= 0) {
		if (rc < 0)
			return rc;
		zl_err_field(&r->err, "old_password", "wrong password");
		return zl_err_set(&r->err, ZL_EPERM, NULL, "原密码不正确 (wrong current password)");
	}
	if ((rc = zl_user_set_password(r->db, &r->arena, &who, r->who->user_id,
	    in.new_password, r->who->session_id, &r->err)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

static int
handle_sessions(struct zl_req *r)
{
	struct zl_session_row	*rows;
	json_t			*items = json_array();
	int			 n, rc;

	if (r->who->session_id == 0)
		return zl_reply_list(r, items, 0);
	if ((rc = zl_sessions_of(r->db, &r->arena, &r->app->cfg, r->who->user_id,
	    &rows, &n)) != 0) {
		json_decref(items);
		return rc;
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I,s:o,s:o,s:o,s:s,s:s,s:b}",
		    "id", (json_int_t)rows[i].id, "created_at", zl_json_time(rows[i].created_at),
		    "last_seen_at", zl_json_time(rows[i].last_seen_at),
		    "expires_at", zl_json_time(rows[i].expires_at),
		    "client_addr", rows[i].client_addr, "user_agent", rows[i].user_agent,
		    "current", rows[i].id == r->who->session_id));
	return zl_reply_list(r, items, 0);
}

/* 204; 404 not one of the caller's live sessions. */
static int
handle_session_revoke(struct zl_req *r)
{
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_session_revoke(r->db, r->who->user_id, id)) != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

static const struct zl_jfield citizen_fields[] = {
	{ "username", ZL_J_STR, offsetof(struct zl_user_in, username), 1, 32 },
	{ "password", ZL_J_STR, offsetof(struct zl_user_in, password), 1, 128 },
	{ "display_name", ZL_J_STR, offsetof(struct zl_user_in, display_name), 1, 50 },
	{ "phone", ZL_J_STR, offsetof(struct zl_user_in, phone), 0, 11 },
	{ "email", ZL_J_STR, offsetof(struct zl_user_in, email), 0, 254 },
	{ NULL },
};

/* 201 {id, username, display_name, kind}; 409 username taken. */
static int
handle_register(struct zl_req *r)
{
	struct zl_user_in	 in;
	struct zl_actor		 sys = { NULL, r->client_addr };
	struct zl_user		*u;
	json_t			*body;
	int64_t			 attempts, wstart;
	int			 rc;

	memset(&in, 0, sizeof(in));
	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, citizen_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	/* Registrations share the login budget of the address. */
	if ((rc = zl_as_throttle(r->db, r->client_addr, (int64_t)time(NULL), 60,
	    &attempts, &wstart)) != 0)
		return rc;
	if (attempts > r->app->cfg.login_rate_per_minute) {
		r->err.retry_after = 60;
		return zl_err_set(&r->err, ZL_ERATE, NULL, "注册过于频繁，请稍后再试");
	}
	in.kind = "citizen";
	if ((rc = zl_user_create(r->db, &r->arena, &sys, &in, &u, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)u->id,
	    "username", u->username, "display_name", u->display_name, "kind", "citizen"));
}

const struct zl_route zl_auth_routes[] = {
	{ ZL_POST, "/api/v1/auth/login", handle_login, ZL_ROUTE_PUBLIC },
	{ ZL_POST, "/api/v1/auth/logout", handle_logout, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/me", handle_me, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/me/password", handle_password, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/me/sessions", handle_sessions, ZL_ROUTE_USER },
	{ ZL_DELETE, "/api/v1/me/sessions/{id}", handle_session_revoke, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/public/citizens", handle_register, ZL_ROUTE_PUBLIC },
	{ 0 }
};
