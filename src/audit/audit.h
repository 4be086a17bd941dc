/* audit.h: the audit trail.  Every write appends a row (who, when, which
 * record, action, digest of the record after the change, client address)
 * in the same transaction as the write itself. */
#ifndef ZL_AUDIT_H
#define ZL_AUDIT_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_principal;

/* Who acts: a principal (NULL for the system: migrations, seeding, CLI). */
struct zl_actor {
	const struct zl_principal	*who;
	const char			*addr;
};

/* Append the audit row for record (borrowed; its canonical JSON is hashed).
 * Call inside the transaction of the change.  0 or ZL_EDB. */
int	zl_audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *actor,
	    const char *entity, int64_t entity_id, int64_t org_id,
	    const char *action, const json_t *record);

#endif
