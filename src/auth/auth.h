/* auth.h: who is calling and what they may see.  Permissions, data scopes of
 * roles (全部数据 / 本机构 / 本机构及下级 / 仅本人 / 自定义机构), the principal
 * of a request, and the scope filter every store applies. */
#ifndef ZL_AUTH_H
#define ZL_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct zl_sql; struct zl_arena;

enum zl_perm {
	ZL_P_ORG_READ, ZL_P_ORG_WRITE, ZL_P_USER_READ, ZL_P_USER_WRITE,
	ZL_P_ROLE_READ, ZL_P_ROLE_WRITE, ZL_P_TOKEN_READ, ZL_P_TOKEN_WRITE,
	ZL_P_AUDIT_READ, ZL_P_CATALOG_READ, ZL_P_CATALOG_WRITE, ZL_P_APP_READ,
	ZL_P_APP_HANDLE, ZL_P_CALENDAR_WRITE, ZL_P_KPI_READ, ZL_P__MAX
};
#define ZL_PERM_BIT(p)	(1u << (p))
#define ZL_PERMS_ALL	((1u << ZL_P__MAX) - 1)

struct zl_perm_info { const char *code, *name; };
extern const struct zl_perm_info zl_perms[ZL_P__MAX];
/* The permission of a code such as "user.read", or -1. */
int	 zl_perm_parse(const char *code);

enum zl_scope_kind { ZL_SCOPE_ALL, ZL_SCOPE_ORG, ZL_SCOPE_SUBTREE,
	ZL_SCOPE_SELF, ZL_SCOPE_CUSTOM, ZL_SCOPE__MAX };
extern const char *const zl_scope_names[ZL_SCOPE__MAX];
int	 zl_scope_parse(const char *name);

enum zl_user_kind { ZL_USER_STAFF, ZL_USER_CITIZEN };

/* What one role (or one API token) grants. */
struct zl_grant {
	int64_t			 role_id;
	const char		*code, *name;
	uint32_t		 perms;
	enum zl_scope_kind	 scope;
	size_t			 norgs;		/* custom scope: listed orgs */
	int64_t			*orgs;
};

struct zl_principal {
	int64_t			 user_id;
	const char		*username, *display_name;
	enum zl_user_kind	 kind;
	int64_t			 org_id;	/* 0 for citizens */
	const char		*org_path, *org_name, *org_code;
	int			 is_admin;
	int64_t			 session_id;	/* 0 when authenticated by token */
	int64_t			 token_id;
	const char		*csrf;
	uint32_t		 perms;		/* union of the grants */
	size_t			 ngrants;
	struct zl_grant		*grants;
};

/* The records a principal may touch with one permission.  For a list query it
 * becomes an SQL condition; for one record, a yes or no. */
#define ZL_SCOPE_MAXPATHS	32
#define ZL_SCOPE_MAXORGS	48
struct zl_scope {
	int		 all;
	int64_t		 self_id;	/* 仅本人: the user's own records */
	int64_t		 self_org;	/* …and, for org records, the user's org */
	size_t		 npaths, norgs;
	const char	*paths[ZL_SCOPE_MAXPATHS];	/* subtrees */
	int64_t		 orgs[ZL_SCOPE_MAXORGS];	/* single orgs */
};

int	 zl_may(const struct zl_principal *p, enum zl_perm perm);
void	 zl_scope_for(const struct zl_principal *p, enum zl_perm perm,
	    struct zl_scope *out);
/* Is a record of org (id, path) and owner user in scope?  owner < 0 for
 * records that have no owner (an org): 仅本人 then covers the user's own org. */
int	 zl_scope_covers(const struct zl_scope *s, int64_t org_id,
	    const char *org_path, int64_t owner);
/* Append " AND (condition)" on org_col (an org id column) and owner_col (a
 * user id column, or NULL when records have no owner: 仅本人 then means the
 * user's own org). */
void	 zl_scope_sql(struct zl_sql *q, const struct zl_scope *s,
	    const char *org_col, const char *owner_col);
/* The subtree upper bound of a path: "/1/5/" → "/1/5/~". */
char	*zl_path_end(struct zl_arena *a, const char *path);

#endif
