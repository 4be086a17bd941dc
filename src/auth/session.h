/* session.h: login, sessions, API tokens: turning a cookie or a bearer token
 * into a principal, and the login rules (rate limit per address, lockout per
 * account, the same answer for an unknown user and a wrong password). */
#ifndef ZL_SESSION_H
#define ZL_SESSION_H

#include <stdint.h>

#include "auth/auth.h"

struct zl_conn; struct zl_arena; struct zl_config; struct zl_error;

struct zl_login {
	char			 token[64];	/* cookie value */
	char			 csrf[48];
	struct zl_principal	*who;
};

/* Check the password and open a session.  ZL_EAUTH for a wrong or unknown
 * user (one answer for both), ZL_ERATE (type locked or rate-limited, with
 * retry_after).  Every attempt is written to the login log. */
int	zl_login(struct zl_conn *c, struct zl_arena *a, const struct zl_config *cfg,
	    const char *username, const char *password, const char *addr,
	    const char *user_agent, struct zl_login *out, struct zl_error *err);
/* The principal of a session token, or ZL_EAUTH (unknown, revoked,
 * expired, idle too long, user disabled). */
int	zl_session_principal(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_config *cfg, const char *token, struct zl_principal **out);
/* The principal of an API token "zlt_…", or ZL_EAUTH. */
int	zl_token_principal(struct zl_conn *c, struct zl_arena *a,
	    const char *token, struct zl_principal **out);
/* Revoke the session of this token (logout). */
int	zl_session_revoke_token(struct zl_conn *c, const char *token);
/* Load the roles and grants of a user into p (for sessions and /me). */
int	zl_principal_load_grants(struct zl_conn *c, struct zl_arena *a,
	    struct zl_principal *p);
struct zl_session_row;
/* The caller's live sessions (see auth_store.h for the row). */
int	zl_sessions_of(struct zl_conn *c, struct zl_arena *a, const struct zl_config *cfg,
	    int64_t user_id, struct zl_session_row **out, int *n);
int	zl_session_revoke(struct zl_conn *c, int64_t user_id, int64_t session_id);
/* Check a password against a stored hash: 1 match, 0 not, ZL_EBUSY. */
int	zl_password_check(const char *hash, const char *password);
/* /me as JSON (new reference). */
#include <jansson.h>
json_t	*zl_me_json(const struct zl_principal *p);
/* Hash for storing a bearer or session secret. */
void	zl_secret_hash(const char *secret, char out[65]);
/* An argon2id hash of nothing, so an unknown user costs as much as a known one. */
int	zl_auth_init(void);

#endif
