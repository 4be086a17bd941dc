/* audit_log.h: reading the audit trail and the login log, within scope. */
#ifndef ZL_AUDIT_LOG_H
#define ZL_AUDIT_LOG_H

#include <stdint.h>

struct zl_conn; struct zl_arena; struct zl_scope;

struct zl_audit_filter {
	const char	*entity, *action, *username, *result;
	int64_t		 entity_id, actor_id, from, to, before;
	int		 limit;
};

struct zl_audit_row {
	int64_t		 id, at, actor_id, org_id, entity_id;
	const char	*actor_name, *entity, *action, *digest, *client_addr;
};

struct zl_login_row {
	int64_t		 id, at, user_id;
	const char	*username, *result, *client_addr, *user_agent;
};

/* Newest first; up to limit + 1 rows so the caller knows if more follow. */
int	zl_audit_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_audit_filter *f, struct zl_audit_row **out, int *n);
int	zl_login_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_audit_filter *f, struct zl_login_row **out, int *n);

#endif
