/* migrate.h: numbered schema migrations, each applied in one transaction and
 * recorded in schema_migrations. */
#ifndef ZL_MIGRATE_H
#define ZL_MIGRATE_H

struct zl_db;

/* Apply what is missing; prints each applied version.  0 or ZL_EDB. */
int	zl_migrate(struct zl_db *db, int verbose);

#endif
