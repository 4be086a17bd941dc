/* org.h: the organisation tree (中央/省/市/县/乡; bureau, departments, units).
 * Functions return 0 or a negative ZL_E*; results live in the caller's arena. */
#ifndef ZL_ORG_H
#define ZL_ORG_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_scope;

struct zl_org {
	int64_t		 id, parent_id, sort, version, created_at, updated_at;
	int		 depth;
	const char	*code, *name, *level, *kind, *path, *credit_code,
			*region_code, *status;
};

/* Fields of a create or update request; `present` says which were sent. */
struct zl_org_in {
	int64_t		 parent_id, sort, version;
	const char	*code, *name, *level, *kind, *credit_code, *region_code,
			*status;
	uint32_t	 present;
};

struct zl_org_filter {
	int64_t		 parent_id, after;
	int		 has_parent, limit;
	const char	*q, *status;
};

int	 zl_org_decode(struct zl_org_in *in, const json_t *body, int create,
	    struct zl_arena *a, struct zl_error *err);
int	 zl_org_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_org_in *in, struct zl_org **out, struct zl_error *err);
int	 zl_org_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const struct zl_org_in *in, struct zl_org **out, struct zl_error *err);
int	 zl_org_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, struct zl_error *err);
/* One org the caller may read with perm; ZL_ENOTFOUND outside its scope. */
int	 zl_org_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int perm, int64_t id, struct zl_org **out);
int	 zl_org_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_org_filter *f, struct zl_org **out, int *n);
/* Every org in scope as a forest (new reference). */
int	 zl_org_tree(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    json_t **out);
json_t	*zl_org_json(const struct zl_org *o);	/* new reference */

/* Store (org_store.c). */
int	 zl_org_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_org *o);
int	 zl_org_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
	    struct zl_org *o);
int	 zl_org_store_insert(struct zl_conn *c, struct zl_arena *a, struct zl_org *o);
int	 zl_org_store_update(struct zl_conn *c, const struct zl_org *o, int64_t old_version);
int	 zl_org_store_active_children(struct zl_conn *c, int64_t id, int64_t *n);
int	 zl_org_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_org_filter *f, struct zl_org **out, int *n);

#endif
