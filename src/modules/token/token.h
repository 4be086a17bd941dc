/* token.h: API tokens (API 令牌) for systems that call Zhili: a secret
 * "zlt_…" shown once, stored only as its hash, with permissions no wider than
 * its creator's and the data scope of one org and the orgs below it.
 * Functions return 0 or a negative ZL_E*; results live in the caller's arena. */
#ifndef ZL_TOKEN_H
#define ZL_TOKEN_H

#include <stdint.h>
#include <jansson.h>

#include "core/json.h"

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_scope;

struct zl_token {
	int64_t		 id, org_id, created_by, created_at, expires_at, last_used_at,
			 version;
	const char	*name, *prefix, *status;
	struct zl_strs	 perms;		/* in the order of zl_perms[] */
	const char	*secret;	/* the "zlt_…" text, on create only */
	const char	*org_path;
};

struct zl_token_in {
	const char	*name;
	struct zl_strs	 perms;
	int64_t		 org_id, expires_in_days;
	uint32_t	 present;
};

struct zl_token_filter {
	int64_t		 after;
	int		 limit;
};

#define ZL_TOKEN_PREFIX_LEN	12	/* characters of the secret kept to tell tokens apart */

/* Check the body's types (borrowed) into *in; ZL_EINVAL names the field. */
int	 zl_token_decode(struct zl_token_in *in, const json_t *body, struct zl_arena *a,
	    struct zl_error *err);
/* Make a token for the caller (a principal; the system cannot own tokens).
 * ZL_EINVAL bad field, ZL_EPERM a permission the caller lacks or an org
 * beyond its reach.  (*out)->secret holds the secret for this answer only. */
int	 zl_token_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_token_in *in, struct zl_token **out, struct zl_error *err);
/* Set status revoked (idempotent); ZL_ENOTFOUND outside token.read scope,
 * ZL_EPERM outside token.write scope. */
int	 zl_token_revoke(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, struct zl_error *err);
/* Tokens whose org is in p's token.read scope; limit+1 rows at most. */
int	 zl_token_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_token_filter *f, struct zl_token **out, int *n);
/* New reference; never the secret nor its hash ("token" is added by the
 * create handler). */
json_t	*zl_token_json(const struct zl_token *t);
/* The audited form: without last_used_at (new reference). */
json_t	*zl_token_record_json(const struct zl_token *t);

/* Store (token_store.c). */
int	 zl_token_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_token *t);
int	 zl_token_store_insert(struct zl_conn *c, struct zl_token *t, const char *perms,
	    const char *hash);
int	 zl_token_store_revoke(struct zl_conn *c, int64_t id);
int	 zl_token_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_token_filter *f, struct zl_token **out, int *n);

#endif
