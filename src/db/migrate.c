/* migrate.c: apply the embedded migrations (src/db/migrations/NNNN_*.sql,
 * compiled in by the Makefile) that the database has not seen yet. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"

struct zl_migration { int version; const char *name; const char *sql; };
extern const struct zl_migration zl_migrations[];	/* build/gen/migrations.c */

int
zl_migrate(struct zl_db *db, int verbose)
{
	struct zl_conn	*c = zl_db_conn(db);
	struct zl_stmt	*s;
	int		 rc, have;

	if (c == NULL)
		return ZL_EDB;
	if ((rc = zl_db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")) < 0)
		return rc;
	for (const struct zl_migration *m = zl_migrations; m->sql != NULL; m++) {
		if ((rc = zl_tx_begin(c)) < 0)
			return rc;
		s = zl_stmt_get(c, "SELECT count(*) FROM schema_migrations WHERE version = ?");
		zl_bind_int(s, 1, m->version);
		have = zl_stmt_step(s) == ZL_ROW && zl_col_int(s, 0) > 0;
		zl_stmt_reset(s);
		if (have) {
			zl_tx_rollback(c);
			continue;
		}
		char *sql = zl_db_dialect(db, m->sql);
		rc = zl_db_exec(c, sql);
		free(sql);
		if (rc == 0) {
			s = zl_stmt_get(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
			zl_bind_int(s, 1, m->version);
			zl_bind_text(s, 2, m->name);
			zl_bind_int(s, 3, (int64_t)time(NULL));
			rc = zl_stmt_run(s) < 0 ? ZL_EDB : 0;
		}
		if (rc == 0)
			rc = zl_tx_commit(c);
		if (rc != 0) {
			zl_tx_rollback(c);
			zl_errorf("migration %04d %s failed", m->version, m->name);
			return ZL_EDB;
		}
		if (verbose)
			printf("migrated %04d %s\n", m->version, m->name);
	}
	return ZL_OK;
}
