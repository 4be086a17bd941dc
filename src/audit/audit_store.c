/* audit_store.c: append one audit row with the SHA-256 of the record's canonical
 * JSON (sorted keys, no spaces, UTF-8), and its leaf in the transparency log,
 * in the transaction of the change, so that any later change of the record
 * or of the trail can be detected.  The record keeps its latest leaf index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "tlog/ledger.h"

/* Where each kind of record keeps the index of its latest leaf. */
static const struct { const char *entity, *sql; } record_tables[] = {
	{ "org", "UPDATE orgs SET leaf_index = ? WHERE id = ?" },
	{ "user", "UPDATE users SET leaf_index = ? WHERE id = ?" },
	{ "role", "UPDATE roles SET leaf_index = ? WHERE id = ?" },
	{ "token", "UPDATE api_tokens SET leaf_index = ? WHERE id = ?" },
	{ "item", "UPDATE service_items SET leaf_index = ? WHERE id = ?" },
	{ "application", "UPDATE applications SET leaf_index = ? WHERE id = ?" },
	{ "rating", "UPDATE ratings SET leaf_index = ? WHERE id = ?" },
	{ "rectification", "UPDATE rectifications SET leaf_index = ? WHERE id = ?" },
	{ "process", "UPDATE process_defs SET leaf_index = ? WHERE id = ?" },
};

int
zl_audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *actor,
    const char *entity, int64_t entity_id, int64_t org_id, const char *action,
    const json_t *record)
{
	const struct zl_principal	*who = actor ? actor->who : NULL;
	char				*canon = zl_json_canonical(a, record);
	char				 digest[65], *text;
	struct zl_stmt			*s;
	struct zl_ledger_batch		*b;
	struct zl_leaf			 leaf;
	uint64_t			 index, size;
	int				 rc;

	if (canon == NULL)
		return ZL_EINTERNAL;
	zl_sha256_hex(canon, strlen(canon), digest);
	leaf.time = (int64_t)time(NULL);
	leaf.actor = who != NULL ? who->user_id : 0;
	leaf.org = org_id;
	leaf.entity = entity;
	leaf.entity_id = entity_id;
	leaf.action = action;
	leaf.record_digest = digest;
	if ((rc = zl_ledger_begin(c, &b)) != 0)
		return rc;
	size = 0;
	zl_ledger_head_size(b, &size);
	if ((text = zl_leaf_text(a, &leaf, size)) == NULL) {
		zl_ledger_abort(b);
		return ZL_EINTERNAL;
	}
	if ((rc = zl_ledger_add(b, text, strlen(text), &index)) != 0) {
		zl_ledger_abort(b);
		return rc;
	}
	if ((rc = zl_ledger_finish(b)) != 0)
		return rc;
	s = zl_stmt_get(c, "INSERT INTO audit (at, actor_id, actor_name, org_id, entity, "
	    "entity_id, action, digest, client_addr, leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, leaf.time);
	if (who != NULL) zl_bind_int(s, 2, who->user_id); else zl_bind_null(s, 2);
	zl_bind_text(s, 3, who != NULL ? who->display_name : "系统");
	if (org_id != 0) zl_bind_int(s, 4, org_id); else zl_bind_null(s, 4);
	zl_bind_text(s, 5, entity);
	zl_bind_int(s, 6, entity_id);
	zl_bind_text(s, 7, action);
	zl_bind_text(s, 8, digest);
	zl_bind_text(s, 9, actor && actor->addr ? actor->addr : "");
	zl_bind_int(s, 10, (int64_t)index);
	if (zl_stmt_run(s) < 0)
		return ZL_EDB;
	for (size_t i = 0; i < sizeof(record_tables) / sizeof(record_tables[0]); i++) {
		if (strcmp(record_tables[i].entity, entity) != 0)
			continue;
		if ((s = zl_stmt_get(c, record_tables[i].sql)) == NULL)
			return ZL_EDB;
		zl_bind_int(s, 1, (int64_t)index);
		zl_bind_int(s, 2, entity_id);
		return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
	}
	return 0;
}
