/* ledger.h: the log as the modules see it: the records it covers, the
 * audit rows behind its leaves, and the offline verification. */
#ifndef ZL_MODULE_LEDGER_H
#define ZL_MODULE_LEDGER_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_db;

/* An audit row with its leaf. */
struct zl_leaf_row {
	int64_t		 id, at, actor_id, org_id, entity_id, leaf_index;	/* leaf -1 = none */
	const char	*entity, *action, *digest;
};

/* The kinds of record the log covers, each with the permission that reads it
 * and the function that rebuilds its audited JSON from the database. */
struct zl_record_kind {
	const char	*entity;
	int		 read_perm;
	int		(*load)(struct zl_conn *c, struct zl_arena *a, int64_t id,
			    json_t **json, int64_t *org_id, const char **org_path);
};
extern const struct zl_record_kind zl_record_kinds[];
const struct zl_record_kind *zl_record_kind(const char *entity);

/* Store (ledger_store.c). */
int	zl_leaf_rows(struct zl_conn *c, struct zl_arena *a, int64_t from, int limit,
	    struct zl_leaf_row **out, int *n);
int	zl_leaf_row(struct zl_conn *c, struct zl_arena *a, int64_t index, struct zl_leaf_row *out);
int	zl_record_leaves(struct zl_conn *c, struct zl_arena *a, const char *entity,
	    int64_t id, struct zl_leaf_row **out, int *n);
/* Every record of a kind: ids and the leaf index each keeps (-1 none). */
int	zl_record_ids(struct zl_conn *c, struct zl_arena *a, const char *entity,
	    int64_t **ids, int64_t **leaves, int *n);
/* Audit rows that carry no leaf (written behind the platform's back). */
int	zl_leafless_rows(struct zl_conn *c, struct zl_arena *a, struct zl_leaf_row **out, int *n);

/* Rebuild every leaf from the audit rows, the tree from the leaves, compare
 * with the stored tiles and the latest signed checkpoint, and each record
 * with the digest of its latest leaf.  Reports each problem on `out`;
 * returns the number of problems (0: the log is intact) or a negative
 * ZL_E* when it could not run. */
long	zl_ledger_verify(struct zl_conn *c, const char *key_path, FILE *out);

#endif
