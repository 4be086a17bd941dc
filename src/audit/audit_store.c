/* audit_store.c: append one audit row with the SHA-256 of the record's canonical
 * JSON (sorted keys, no spaces, UTF-8), so that any later change of the
 * record can be detected against the trail. */
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "crypto/crypto.h"
#include "db/db.h"

int
zl_audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *actor,
    const char *entity, int64_t entity_id, int64_t org_id, const char *action,
    const json_t *record)
{
	const struct zl_principal	*who = actor ? actor->who : NULL;
	char				*canon = zl_json_canonical(a, record);
	char				 digest[65];
	struct zl_stmt			*s;

	if (canon == NULL)
		return ZL_EINTERNAL;
	zl_sha256_hex(canon, strlen(canon), digest);
	s = zl_stmt_get(c, "INSERT INTO audit (at, actor_id, actor_name, org_id, entity, "
	    "entity_id, action, digest, client_addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, (int64_t)time(NULL));
	if (who != NULL) zl_bind_int(s, 2, who->user_id); else zl_bind_null(s, 2);
	zl_bind_text(s, 3, who != NULL ? who->display_name : "系统");
	if (org_id != 0) zl_bind_int(s, 4, org_id); else zl_bind_null(s, 4);
	zl_bind_text(s, 5, entity);
	zl_bind_int(s, 6, entity_id);
	zl_bind_text(s, 7, action);
	zl_bind_text(s, 8, digest);
	zl_bind_text(s, 9, actor && actor->addr ? actor->addr : "");
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}
