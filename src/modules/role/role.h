/* role.h: roles (角色): a set of permissions with a data scope (全部数据 / 本机构 /
 * 本机构及下级 / 仅本人 / 自定义机构), and the rule that nobody hands out more
 * than they hold.  Functions return 0 or a negative ZL_E*; results live in the
 * caller's arena and are never freed by the caller. */
#ifndef ZL_ROLE_H
#define ZL_ROLE_H

#include <stdint.h>
#include <jansson.h>

#include "core/json.h"

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_scope;

struct zl_role {
	int64_t		 id, org_id, version, created_at, updated_at;
	int		 builtin;
	const char	*code, *name, *description, *scope, *status;
	struct zl_strs	 perms;		/* codes, in the order of zl_perms[] */
	struct zl_ints	 scope_orgs;	/* custom scope: the listed orgs */
};

/* Fields of a create or update request; `present` says which were sent
 * (callers other than zl_role_decode may leave it 0 for a create). */
struct zl_role_in {
	const char	*code, *name, *description, *scope, *status;
	struct zl_strs	 perms;
	struct zl_ints	 scope_org_ids;
	int64_t		 version;
	int		 builtin;	/* honoured only for the system actor */
	uint32_t	 present;
};

struct zl_role_filter {
	int64_t		 after;
	int		 limit;
	const char	*q;
};

/* Check the body's types (borrowed) into *in; ZL_EINVAL names the field. */
int	 zl_role_decode(struct zl_role_in *in, const json_t *body, int create,
	    struct zl_arena *a, struct zl_error *err);
/* Insert with its permissions, scope orgs and audit row in one transaction.
 * ZL_EINVAL bad field, ZL_ECONFLICT code taken, ZL_EPERM more than the
 * caller holds.  who->who == NULL is the system (no checks; may set builtin). */
int	 zl_role_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_role_in *in, struct zl_role **out, struct zl_error *err);
/* Versioned update (in->version); ZL_EVERSION when stale, ZL_ECONFLICT when
 * disabling a builtin role, ZL_EPERM outside the caller's reach. */
int	 zl_role_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const struct zl_role_in *in, struct zl_role **out, struct zl_error *err);
int	 zl_role_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, struct zl_error *err);
/* Roles are global (not org-owned): any role.read holder reads them all. */
int	 zl_role_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_role **out);
int	 zl_role_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
	    struct zl_role **out);
int	 zl_role_list(struct zl_conn *c, struct zl_arena *a, const struct zl_role_filter *f,
	    struct zl_role **out, int *n);
/* 0 if p could hand out role r itself: it holds each permission with a scope
 * at least as wide, and a custom scope's orgs are inside its scope for that
 * permission; ZL_EPERM (with a detail) otherwise.  p == NULL or an admin: 0. */
int	 zl_role_grantable(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_principal *p, const struct zl_role *r, struct zl_error *err);
json_t	*zl_role_json(const struct zl_role *r);	/* new reference */
json_t	*zl_perms_json(void);			/* {"items":[{code,name}…]}, new reference */

/* Store (role_store.c). */
int	 zl_role_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_role *r);
int	 zl_role_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
	    struct zl_role *r);
int	 zl_role_store_insert(struct zl_conn *c, struct zl_role *r);
int	 zl_role_store_update(struct zl_conn *c, const struct zl_role *r, int64_t old_version);
/* Replace the permission rows or the scope org rows of a role. */
int	 zl_role_store_set_perms(struct zl_conn *c, int64_t id, const struct zl_strs *perms);
int	 zl_role_store_set_orgs(struct zl_conn *c, int64_t id, const struct zl_ints *orgs);
/* Users holding role id whose org is outside scope s (all statuses). */
int	 zl_role_store_users_outside(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    const struct zl_scope *s, int64_t *n);
int	 zl_role_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_role_filter *f,
	    struct zl_role **out, int *n);

#endif
