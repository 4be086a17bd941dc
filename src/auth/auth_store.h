/* auth_store.h: the SQL behind sessions, logins and principals.  Private to
 * src/auth/. */
#ifndef ZL_AUTH_STORE_H
#define ZL_AUTH_STORE_H

#include <stdint.h>

#include "auth/auth.h"

struct zl_conn; struct zl_arena;

struct zl_login_user {
	int64_t		 id, org_id, first_failed_at, locked_until;
	int		 failed_logins;
	const char	*password_hash, *status, *kind;
};

int	zl_as_throttle(struct zl_conn *c, const char *addr, int64_t now,
	    int64_t window, int64_t *attempts, int64_t *window_start);
int	zl_as_login_user(struct zl_conn *c, struct zl_arena *a, const char *username,
	    struct zl_login_user *out);
int	zl_as_login_failed(struct zl_conn *c, int64_t user_id, int failed,
	    int64_t first_failed_at, int64_t locked_until);
int	zl_as_login_ok(struct zl_conn *c, int64_t user_id);
int	zl_as_login_log(struct zl_conn *c, int64_t now, const char *username,
	    int64_t user_id, int64_t org_id, const char *result, const char *addr,
	    const char *ua);
int	zl_as_session_insert(struct zl_conn *c, const char *token_hash,
	    int64_t user_id, const char *csrf, int64_t now, int64_t expires,
	    const char *addr, const char *ua, int64_t *id);
/* Session and user in one row; ZL_ENOTFOUND when unknown or revoked. */
int	zl_as_session_get(struct zl_conn *c, struct zl_arena *a, const char *token_hash,
	    struct zl_principal *p, int64_t *last_seen, int64_t *expires,
	    int64_t *created, const char **user_status);
int	zl_as_session_touch(struct zl_conn *c, int64_t id, int64_t now);
int	zl_as_session_revoke_hash(struct zl_conn *c, const char *token_hash, int64_t now);
int	zl_as_token_get(struct zl_conn *c, struct zl_arena *a, const char *token_hash,
	    struct zl_principal *p, const char **perms, int64_t *expires,
	    const char **status, const char **user_status, int64_t *last_used);
int	zl_as_token_touch(struct zl_conn *c, int64_t id, int64_t now);
struct zl_session_row {
	int64_t		 id, created_at, last_seen_at, expires_at;
	const char	*client_addr, *user_agent;
};
/* The live sessions of a user, newest first (at most 100). */
int	zl_as_sessions(struct zl_conn *c, struct zl_arena *a, int64_t user_id,
	    int64_t idle_after, int64_t now, struct zl_session_row **out, int *n);
/* Revoke session id of user; ZL_ENOTFOUND if not theirs or already gone. */
int	zl_as_session_revoke(struct zl_conn *c, int64_t user_id, int64_t id, int64_t now);
int	zl_as_grants(struct zl_conn *c, struct zl_arena *a, struct zl_principal *p);

#endif
