/* auth_store.c: SQL for logins, sessions, tokens and the grants of a user. */
#include <string.h>

#include "auth/auth_store.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

enum {
	Q_THROTTLE, Q_LOGIN_USER, Q_LOGIN_FAILED, Q_LOGIN_OK, Q_LOGIN_LOG,
	Q_SESSION_INSERT, Q_SESSION_GET, Q_SESSION_TOUCH, Q_SESSION_REVOKE,
	Q_TOKEN_GET, Q_TOKEN_TOUCH, Q_GRANTS, Q_GRANT_ORGS, Q_SESSIONS, Q_REVOKE_ID, Q__MAX
};

static const char *const sql[Q__MAX] = {
	[Q_THROTTLE] =
	"INSERT INTO login_throttle (addr, window_start, attempts) VALUES (?, ?, 1) "
	"ON CONFLICT (addr) DO UPDATE SET "
	"attempts = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.attempts + 1 END, "
	"window_start = CASE WHEN login_throttle.window_start <= ? THEN ? ELSE login_throttle.window_start END "
	"RETURNING attempts, window_start",
	[Q_LOGIN_USER] =
	"SELECT id, COALESCE(org_id, 0), first_failed_at, locked_until, failed_logins, "
	"password_hash, status, kind FROM users WHERE username = ?",
	[Q_LOGIN_FAILED] =
	"UPDATE users SET failed_logins = ?, first_failed_at = ?, locked_until = ? WHERE id = ?",
	[Q_LOGIN_OK] =
	"UPDATE users SET failed_logins = 0, first_failed_at = 0, locked_until = 0 "
	"WHERE id = ? AND (failed_logins <> 0 OR locked_until <> 0)",
	[Q_LOGIN_LOG] =
	"INSERT INTO login_log (at, username, user_id, org_id, result, client_addr, user_agent) "
	"VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_SESSION_INSERT] =
	"INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, "
	"expires_at, client_addr, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	[Q_SESSION_GET] =
	"SELECT s.id, s.csrf, s.created_at, s.last_seen_at, s.expires_at, u.id, u.username, "
	"u.display_name, u.kind, COALESCE(u.org_id, 0), u.is_admin, u.status, "
	"COALESCE(o.path, ''), COALESCE(o.name, ''), COALESCE(o.code, '') "
	"FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN orgs o ON o.id = u.org_id "
	"WHERE s.token_hash = ? AND s.revoked_at = 0",
	[Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
	[Q_SESSION_REVOKE] =
	"UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at = 0",
	[Q_TOKEN_GET] =
	"SELECT t.id, t.perms, t.expires_at, t.status, t.last_used_at, u.id, u.username, "
	"u.display_name, u.status, o.id, o.path, o.name, o.code "
	"FROM api_tokens t JOIN users u ON u.id = t.created_by JOIN orgs o ON o.id = t.org_id "
	"WHERE t.token_hash = ?",
	[Q_TOKEN_TOUCH] = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
	[Q_GRANTS] =
	"SELECT r.id, r.code, r.name, r.scope, COALESCE(rp.perm, '') FROM user_roles ur "
	"JOIN roles r ON r.id = ur.role_id LEFT JOIN role_perms rp ON rp.role_id = r.id "
	"WHERE ur.user_id = ? AND r.status = 'active' ORDER BY r.id",
	[Q_GRANT_ORGS] =
	"SELECT org_id FROM role_scope_orgs WHERE role_id = ? ORDER BY org_id",
	[Q_SESSIONS] =
	"SELECT id, created_at, last_seen_at, expires_at, client_addr, user_agent FROM sessions "
	"WHERE user_id = ? AND revoked_at = 0 AND expires_at > ? AND last_seen_at > ? "
	"ORDER BY id DESC LIMIT 100",
	[Q_REVOKE_ID] =
	"UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0",
};

static struct zl_stmt *
get(struct zl_conn *c, int q)
{
	return zl_stmt_get(c, sql[q]);
}

int
zl_as_throttle(struct zl_conn *c, const char *addr, int64_t now, int64_t window,
    int64_t *attempts, int64_t *window_start)
{
	struct zl_stmt *s = get(c, Q_THROTTLE);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, addr);
	zl_bind_int(s, 2, now);
	zl_bind_int(s, 3, now - window);
	zl_bind_int(s, 4, now - window);
	zl_bind_int(s, 5, now);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*attempts = zl_col_int(s, 0);
		*window_start = zl_col_int(s, 1);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : (rc < 0 ? rc : ZL_EDB);
}

int
zl_as_login_user(struct zl_conn *c, struct zl_arena *a, const char *username,
    struct zl_login_user *u)
{
	struct zl_stmt *s = get(c, Q_LOGIN_USER);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, username);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		u->id = zl_col_int(s, 0);
		u->org_id = zl_col_int(s, 1);
		u->first_failed_at = zl_col_int(s, 2);
		u->locked_until = zl_col_int(s, 3);
		u->failed_logins = (int)zl_col_int(s, 4);
		u->password_hash = zl_arena_strdup(a, zl_col_text(s, 5));
		u->status = zl_arena_strdup(a, zl_col_text(s, 6));
		u->kind = zl_arena_strdup(a, zl_col_text(s, 7));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_as_login_failed(struct zl_conn *c, int64_t id, int failed, int64_t first,
    int64_t locked_until)
{
	struct zl_stmt *s = get(c, Q_LOGIN_FAILED);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, failed);
	zl_bind_int(s, 2, first);
	zl_bind_int(s, 3, locked_until);
	zl_bind_int(s, 4, id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_as_login_ok(struct zl_conn *c, int64_t id)
{
	struct zl_stmt *s = get(c, Q_LOGIN_OK);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_as_login_log(struct zl_conn *c, int64_t now, const char *username,
    int64_t user_id, int64_t org_id, const char *result, const char *addr,
    const char *ua)
{
	struct zl_stmt *s = get(c, Q_LOGIN_LOG);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_text(s, 2, username);
	if (user_id) zl_bind_int(s, 3, user_id); else zl_bind_null(s, 3);
	if (org_id) zl_bind_int(s, 4, org_id); else zl_bind_null(s, 4);
	zl_bind_text(s, 5, result);
	zl_bind_text(s, 6, addr);
	zl_bind_text(s, 7, ua);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_as_session_insert(struct zl_conn *c, const char *token_hash, int64_t user_id,
    const char *csrf, int64_t now, int64_t expires, const char *addr,
    const char *ua, int64_t *id)
{
	struct zl_stmt *s = get(c, Q_SESSION_INSERT);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, token_hash);
	zl_bind_int(s, 2, user_id);
	zl_bind_text(s, 3, csrf);
	zl_bind_int(s, 4, now);
	zl_bind_int(s, 5, now);
	zl_bind_int(s, 6, expires);
	zl_bind_text(s, 7, addr);
	zl_bind_text(s, 8, ua);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		*id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : (rc < 0 ? rc : ZL_EDB);
}

int
zl_as_session_get(struct zl_conn *c, struct zl_arena *a, const char *token_hash,
    struct zl_principal *p, int64_t *last_seen, int64_t *expires, int64_t *created,
    const char **user_status)
{
	struct zl_stmt *s = get(c, Q_SESSION_GET);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, token_hash);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		p->session_id = zl_col_int(s, 0);
		p->csrf = zl_arena_strdup(a, zl_col_text(s, 1));
		*created = zl_col_int(s, 2);
		*last_seen = zl_col_int(s, 3);
		*expires = zl_col_int(s, 4);
		p->user_id = zl_col_int(s, 5);
		p->username = zl_arena_strdup(a, zl_col_text(s, 6));
		p->display_name = zl_arena_strdup(a, zl_col_text(s, 7));
		p->kind = strcmp(zl_col_text(s, 8), "citizen") == 0 ?
		    ZL_USER_CITIZEN : ZL_USER_STAFF;
		p->org_id = zl_col_int(s, 9);
		p->is_admin = (int)zl_col_int(s, 10);
		*user_status = zl_arena_strdup(a, zl_col_text(s, 11));
		p->org_path = zl_arena_strdup(a, zl_col_text(s, 12));
		p->org_name = zl_arena_strdup(a, zl_col_text(s, 13));
		p->org_code = zl_arena_strdup(a, zl_col_text(s, 14));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_as_session_touch(struct zl_conn *c, int64_t id, int64_t now)
{
	struct zl_stmt *s = get(c, Q_SESSION_TOUCH);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_int(s, 2, id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_as_session_revoke_hash(struct zl_conn *c, const char *token_hash, int64_t now)
{
	struct zl_stmt *s = get(c, Q_SESSION_REVOKE);
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_text(s, 2, token_hash);
	n = zl_stmt_run(s);
	zl_db_bump();
	return n < 0 ? ZL_EDB : 0;
}

int
zl_as_token_get(struct zl_conn *c, struct zl_arena *a, const char *token_hash,
    struct zl_principal *p, const char **perms, int64_t *expires,
    const char **status, const char **user_status, int64_t *last_used)
{
	struct zl_stmt *s = get(c, Q_TOKEN_GET);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, token_hash);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		p->token_id = zl_col_int(s, 0);
		*perms = zl_arena_strdup(a, zl_col_text(s, 1));
		*expires = zl_col_int(s, 2);
		*status = zl_arena_strdup(a, zl_col_text(s, 3));
		*last_used = zl_col_int(s, 4);
		p->user_id = zl_col_int(s, 5);
		p->username = zl_arena_strdup(a, zl_col_text(s, 6));
		p->display_name = zl_arena_strdup(a, zl_col_text(s, 7));
		*user_status = zl_arena_strdup(a, zl_col_text(s, 8));
		p->org_id = zl_col_int(s, 9);
		p->org_path = zl_arena_strdup(a, zl_col_text(s, 10));
		p->org_name = zl_arena_strdup(a, zl_col_text(s, 11));
		p->org_code = zl_arena_strdup(a, zl_col_text(s, 12));
		p->kind = ZL_USER_STAFF;
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_as_token_touch(struct zl_conn *c, int64_t id, int64_t now)
{
	struct zl_stmt *s = get(c, Q_TOKEN_TOUCH);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_int(s, 2, id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_as_grants(struct zl_conn *c, struct zl_arena *a, struct zl_principal *p)
{
	struct zl_stmt	*s = get(c, Q_GRANTS);
	struct zl_grant	 g[32];
	size_t		 n = 0;
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, p->user_id);
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		int64_t id = zl_col_int(s, 0);
		int perm;
		if (n == 0 || g[n - 1].role_id != id) {
			if (n == sizeof(g) / sizeof(g[0]))
				break;
			memset(&g[n], 0, sizeof(g[n]));
			g[n].role_id = id;
			g[n].code = zl_arena_strdup(a, zl_col_text(s, 1));
			g[n].name = zl_arena_strdup(a, zl_col_text(s, 2));
			g[n].scope = (enum zl_scope_kind)zl_scope_parse(zl_col_text(s, 3));
			if ((int)g[n].scope < 0)
				g[n].scope = ZL_SCOPE_SELF;	/* unknown: narrowest */
			n++;
		}
		if ((perm = zl_perm_parse(zl_col_text(s, 4))) >= 0)
			g[n - 1].perms |= ZL_PERM_BIT(perm);
	}
	zl_stmt_reset(s);
	if (rc < 0)
		return rc;
	p->ngrants = n;
	p->grants = zl_arena_alloc(a, (n + 1) * sizeof(*g));
	memcpy(p->grants, g, n * sizeof(*g));
	p->perms = 0;
	for (size_t i = 0; i < n; i++) {
		p->perms |= g[i].perms;
		if (g[i].scope != ZL_SCOPE_CUSTOM)
			continue;
		s = get(c, Q_GRANT_ORGS);
		zl_bind_int(s, 1, g[i].role_id);
		int64_t orgs[ZL_SCOPE_MAXORGS];
		size_t k = 0;
		while ((rc = zl_stmt_step(s)) == ZL_ROW && k < ZL_SCOPE_MAXORGS)
			orgs[k++] = zl_col_int(s, 0);
		zl_stmt_reset(s);
		p->grants[i].norgs = k;
		p->grants[i].orgs = zl_arena_alloc(a, (k + 1) * sizeof(int64_t));
		memcpy(p->grants[i].orgs, orgs, k * sizeof(int64_t));
	}
	return 0;
}

int
zl_as_sessions(struct zl_conn *c, struct zl_arena *a, int64_t user_id,
    int64_t idle_after, int64_t now, struct zl_session_row **out, int *n)
{
	struct zl_stmt	*s = get(c, Q_SESSIONS);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, 100 * sizeof(**out));
	*n = 0;
	zl_bind_int(s, 1, user_id);
	zl_bind_int(s, 2, now);
	zl_bind_int(s, 3, idle_after);
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n < 100) {
		struct zl_session_row *r = &(*out)[(*n)++];
		r->id = zl_col_int(s, 0);
		r->created_at = zl_col_int(s, 1);
		r->last_seen_at = zl_col_int(s, 2);
		r->expires_at = zl_col_int(s, 3);
		r->client_addr = zl_arena_strdup(a, zl_col_text(s, 4));
		r->user_agent = zl_arena_strdup(a, zl_col_text(s, 5));
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_as_session_revoke(struct zl_conn *c, int64_t user_id, int64_t id, int64_t now)
{
	struct zl_stmt	*s = get(c, Q_REVOKE_ID);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, now);
	zl_bind_int(s, 2, id);
	zl_bind_int(s, 3, user_id);
	n = zl_stmt_run(s);
	zl_db_bump();
	if (n < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_ENOTFOUND;
}
