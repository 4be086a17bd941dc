/* user.h: staff accounts (工作人员) and citizens (公众): create, change, move
 * between orgs, give roles, reset passwords, disable.  Functions return 0 or a
 * negative ZL_E*; results live in the caller's arena. */
#ifndef ZL_USER_H
#define ZL_USER_H

#include <stdint.h>
#include <jansson.h>

#include "core/json.h"

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_scope;

struct zl_user {
	int64_t		 id, org_id, version, created_at, updated_at;
	int		 is_admin;
	const char	*username, *display_name, *kind, *org_name, *org_path, *phone,
			*email, *position, *rank, *status;
	size_t		 nroles;
	struct zl_user_role { int64_t id; const char *code, *name; } *roles;
};

/* Fields of a create or update request; `present` says which were sent
 * (zl_user_decode sets it; a create through zl_user_create may leave it 0). */
struct zl_user_in {
	const char	*username, *display_name, *password, *phone, *email, *position,
			*rank, *status, *kind;	/* kind "staff" (default) or "citizen" */
	int64_t		 org_id, version;
	int		 is_admin;		/* honoured only for the system actor */
	struct zl_ints	 role_ids;
	uint32_t	 present;
};

struct zl_user_filter {
	int64_t		 org_id, role_id, after;
	int		 subtree, limit;
	const char	*q, *status;
};

/* Check the body's types (borrowed) into *in; ZL_EINVAL names the field. */
int	 zl_user_decode(struct zl_user_in *in, const json_t *body, int create,
	    struct zl_arena *a, struct zl_error *err);
/* who->who == NULL is the system (CLI, seeding, citizen registration): no
 * scope checks.  The password is hashed before the transaction opens.
 * ZL_EINVAL bad field, ZL_ECONFLICT username taken, ZL_EPERM org or role
 * beyond the caller. */
int	 zl_user_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_user_in *in, struct zl_user **out, struct zl_error *err);
/* Versioned update of the fields present; disabling revokes the sessions. */
int	 zl_user_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const struct zl_user_in *in, struct zl_user **out, struct zl_error *err);
int	 zl_user_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, struct zl_error *err);
/* Validate, hash (outside the transaction), store, revoke every session of
 * the user but keep_session_id (0 = all).  A user may always set its own. */
int	 zl_user_set_password(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t user_id, const char *new_password, int64_t keep_session_id,
	    struct zl_error *err);
/* An administrator's reset of another user's password (every session
 * ends); ZL_EPERM for the caller's own (that needs the old password). */
int	 zl_user_reset_password(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_actor *who, int64_t user_id, const char *new_password,
	    struct zl_error *err);
/* One user in p's user.read scope (ZL_ENOTFOUND otherwise); *can_write set to
 * whether p may change it (to show the full phone). */
int	 zl_user_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int64_t id, struct zl_user **out, int *can_write);
/* Staff users in p's user.read scope, with their roles; limit+1 rows at most. */
int	 zl_user_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_user_filter *f, struct zl_user **out, int *n);
/* No scope check; for the CLI. */
int	 zl_user_by_username(struct zl_conn *c, struct zl_arena *a, const char *username,
	    struct zl_user **out);
/* New reference; the phone masked with zl_mask_phone when mask_phone. */
json_t	*zl_user_json(const struct zl_user *u, int mask_phone);
/* What the audit trail and the log digest: the user's own fields and role
 * ids, without names joined from other records (new reference). */
json_t	*zl_user_record_json(const struct zl_user *u);

/* Store (user_store.c). */
int	 zl_user_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_user *u);
int	 zl_user_store_by_username(struct zl_conn *c, struct zl_arena *a, const char *username,
	    struct zl_user *u);
int	 zl_user_store_insert(struct zl_conn *c, struct zl_user *u, const char *hash);
int	 zl_user_store_update(struct zl_conn *c, const struct zl_user *u, int64_t old_version);
/* Replace the user's roles by ids (already checked). */
int	 zl_user_store_set_roles(struct zl_conn *c, int64_t id, const struct zl_ints *roles);
/* New hash; clears the lockout counters. */
int	 zl_user_store_set_password(struct zl_conn *c, int64_t id, const char *hash);
int	 zl_user_store_revoke_sessions(struct zl_conn *c, int64_t id, int64_t keep, int64_t now);
/* Fill the roles of n users, a few queries per 32 users. */
int	 zl_user_store_roles(struct zl_conn *c, struct zl_arena *a, struct zl_user *users, int n);
/* subtree_path: the org's path when f->subtree, else NULL. */
int	 zl_user_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_user_filter *f, const char *subtree_path, struct zl_user **out, int *n);

#endif
