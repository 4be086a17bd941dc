/* test_db.c: the storage interface on SQLite (and on PostgreSQL when
 * ZHILI_TEST_PG names a database): migrations, binding, conflicts,
 * transactions, the statement cache and the dialect. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/sql.h"
#include "tests.h"

static char path[64];

static int
open_sqlite(void **state)
{
	struct zl_db *db;
	char url[96], err[256];

	snprintf(path, sizeof(path), "/tmp/zhili-unit-%d.db", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	if (zl_db_open(&db, url, err, sizeof(err)) != 0)
		return -1;
	if (zl_migrate(db, 0) != 0)
		return -1;
	*state = db;
	return 0;
}

static int
close_db(void **state)
{
	char wal[80];

	zl_db_close(*state);
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	return 0;
}

static int64_t
insert_org(struct zl_conn *c, const char *code)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO orgs (code, name, level, kind, path, "
	    "depth, created_at, updated_at) VALUES (?, ?, 'province', 'bureau', '/', 0, 1, 1) RETURNING id");
	int64_t id = -1;
	int rc;

	assert_non_null(s);
	zl_bind_text(s, 1, code);
	zl_bind_text(s, 2, "甘肃省机关事务管理局");
	rc = zl_stmt_step(s);
	if (rc == ZL_ROW)
		id = zl_col_int(s, 0);
	else
		id = rc;
	zl_stmt_reset(s);
	return id;
}

static void
test_db__migrate_is_idempotent(void **state)
{
	struct zl_conn *c = zl_db_conn(*state);
	struct zl_stmt *s;

	assert_int_equal(zl_migrate(*state, 0), 0);
	s = zl_stmt_get(c, "SELECT count(*) FROM schema_migrations");
	assert_int_equal(zl_stmt_step(s), ZL_ROW);
	assert_true(zl_col_int(s, 0) >= 1);
	zl_stmt_reset(s);
}

static void
test_db__insert_returning_and_unique_conflict(void **state)
{
	struct zl_conn *c = zl_db_conn(*state);
	struct zl_stmt *s;
	int64_t id = insert_org(c, "UNIT1");

	assert_true(id > 0);
	assert_int_equal(insert_org(c, "UNIT1"), ZL_ECONFLICT);
	s = zl_stmt_get(c, "SELECT name, credit_code, parent_id FROM orgs WHERE id = ?");
	zl_bind_int(s, 1, id);
	assert_int_equal(zl_stmt_step(s), ZL_ROW);
	assert_string_equal(zl_col_text(s, 0), "甘肃省机关事务管理局");
	assert_string_equal(zl_col_text(s, 1), "");
	assert_true(zl_col_null(s, 2));
	assert_int_equal(zl_stmt_step(s), ZL_DONE);
	zl_stmt_reset(s);
}

static void
test_db__rollback_discards_and_changes_counted(void **state)
{
	struct zl_conn *c = zl_db_conn(*state);
	struct zl_stmt *s;

	assert_int_equal(zl_tx_begin(c), 0);
	assert_true(insert_org(c, "UNIT-RB") > 0);
	zl_tx_rollback(c);
	s = zl_stmt_get(c, "SELECT count(*) FROM orgs WHERE code = ?");
	zl_bind_text(s, 1, "UNIT-RB");
	assert_int_equal(zl_stmt_step(s), ZL_ROW);
	assert_int_equal(zl_col_int(s, 0), 0);
	zl_stmt_reset(s);
	insert_org(c, "UNIT-CH");
	s = zl_stmt_get(c, "UPDATE orgs SET sort = sort + 1 WHERE code LIKE ?");
	zl_bind_text(s, 1, "UNIT%");
	assert_int_equal(zl_stmt_run(s), 1);	/* UNIT-RB was rolled back */
}

/* Every commit waits for a WAL sync that began after it; alone, each commit
 * has its own sync; the commits of many threads share syncs. */
static void
test_db__commit_is_synced_alone_and_shared_together(void **state)
{
	struct zl_conn	*c = zl_db_conn(*state);
	uint64_t	 c0, s0, c1, s1;
	char		 code[32];

	zl_db_sync_stats(*state, &c0, &s0);
	for (int i = 0; i < 20; i++) {
		snprintf(code, sizeof(code), "UNIT-GC-%d", i);
		assert_int_equal(zl_tx_begin(c), 0);
		assert_true(insert_org(c, code) > 0);
		assert_int_equal(zl_tx_commit(c), 0);
	}
	insert_org(c, "UNIT-GC-AUTO");		/* a write outside a transaction */
	zl_db_sync_stats(*state, &c1, &s1);
	assert_int_equal(c1 - c0, 21);
	assert_int_equal(s1 - s0, 21);
}

static void
mark_done(void *arg)
{
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
}

/* Deferred: the commit returns before its sync; the answer is released
 * from the syncer once a sync covers it, and only then. */
static void
test_db__deferred_commit_released_after_its_sync(void **state)
{
	struct zl_conn	*c = zl_db_conn(*state);
	uint64_t	 c0, s0, c1, s1;
	int		 done = 0;

	zl_db_defer_sync(c);
	assert_int_equal(zl_db_when_durable(c, mark_done, &done), 1);	/* nothing pending */
	zl_db_sync_stats(*state, &c0, &s0);
	assert_int_equal(zl_tx_begin(c), 0);
	assert_true(insert_org(c, "UNIT-DEFER") > 0);
	assert_int_equal(zl_tx_commit(c), 0);
	zl_db_sync_stats(*state, &c1, &s1);
	assert_int_equal(c1 - c0, 1);
	assert_int_equal(s1, s0);		/* committed, not yet synced */
	assert_true(zl_db_sync_pending(c));
	if (zl_db_when_durable(c, mark_done, &done) == 0)
		for (int i = 0; i < 5000 && !__atomic_load_n(&done, __ATOMIC_ACQUIRE); i++)
			usleep(1000);
	else
		done = 1;
	assert_int_equal(done, 1);
	zl_db_sync_stats(*state, &c1, &s1);
	assert_true(s1 > s0);			/* released by a sync */
	assert_false(zl_db_sync_pending(c));
}

struct writer { struct zl_db *db; int id; };

static void *
write_many(void *arg)
{
	struct writer	*w = arg;
	struct zl_conn	*c = zl_db_conn(w->db);
	char		 code[32];

	for (int i = 0; i < 150; i++) {
		snprintf(code, sizeof(code), "UNIT-W%d-%d", w->id, i);
		if (zl_tx_begin(c) != 0 || insert_org(c, code) <= 0)
			return "write failed";
		if (i % 5 == 4) {		/* given up: leaves the batch be */
			zl_tx_rollback(c);
			continue;
		}
		if (i % 7 == 3 && insert_org(c, "UNIT-DUP") == ZL_ECONFLICT) {
			zl_tx_rollback(c);	/* a conflict undoes this one only */
			continue;
		}
		if (zl_tx_commit(c) != 0)
			return "commit failed";
	}
	return NULL;
}

static void
test_db__concurrent_writers_queue_and_share_syncs(void **state)
{
	struct writer	 w[6];
	pthread_t	 t[6];
	uint64_t	 c0, s0, c1, s1;
	void		*res;

	zl_db_sync_stats(*state, &c0, &s0);
	for (int i = 0; i < 6; i++) {
		w[i] = (struct writer){ *state, i };
		pthread_create(&t[i], NULL, write_many, &w[i]);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], &res);
		assert_null(res);	/* no writer saw SQLITE_BUSY */
	}
	/* Per writer: 30 rolled back (i % 5 == 4), and 17 of the others try
	 * the duplicate (i % 7 == 3): one of those gets in, the rest fail. */
	int64_t kept = 6 * (150 - 30 - 17) + 1;
	zl_db_sync_stats(*state, &c1, &s1);
	assert_int_equal(c1 - c0, kept);
	assert_true(s1 - s0 >= 1);
	assert_true(s1 - s0 < (uint64_t)kept);
	struct zl_stmt *s = zl_stmt_get(zl_db_conn(*state),
	    "SELECT count(*) FROM orgs WHERE code LIKE 'UNIT-W%'");
	assert_int_equal(zl_stmt_scalar(s), kept);
	s = zl_stmt_get(zl_db_conn(*state), "SELECT count(*) FROM orgs WHERE code = 'UNIT-DUP'");
	assert_int_equal(zl_stmt_scalar(s), 1);
}

static void
test_db__sql_builder_and_like_escape(void **state)
{
	struct zl_conn *c = zl_db_conn(*state);
	struct zl_arena a;
	struct zl_sql q;
	struct zl_stmt *s;

	insert_org(c, "A_B");
	insert_org(c, "AXB");
	zl_arena_init(&a);
	zl_sql_init(&q, &a, "SELECT code FROM orgs WHERE 1 = 1");
	zl_sql_add(&q, " AND code LIKE ? ESCAPE '!'");
	zl_sql_like(&q, "A_B");		/* the underscore is literal */
	s = zl_sql_prepare(c, &q);
	assert_non_null(s);
	assert_int_equal(zl_stmt_step(s), ZL_ROW);
	assert_string_equal(zl_col_text(s, 0), "A_B");
	assert_int_equal(zl_stmt_step(s), ZL_DONE);
	zl_stmt_reset(s);
	zl_arena_release(&a);
}

static void
test_db__dialect_expands_macros(void **state)
{
	char *sql = zl_db_dialect(*state, "CREATE TABLE t (id {{ID}}, p TEXT {{C}}, b {{BLOB}})");

	assert_string_equal(sql, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, p TEXT , b BLOB)");
	free(sql);
}

static void
test_db__bad_url_and_bad_sql_fail_cleanly(void **state)
{
	struct zl_db *db;
	char err[256];

	assert_int_equal(zl_db_open(&db, "mysql://x", err, sizeof(err)), ZL_EINVAL);
	assert_null(zl_stmt_get(zl_db_conn(*state), "SELEC nonsense"));
}

/* The same checks on PostgreSQL when a test database is given. */
static void
test_db__postgres_same_behaviour(void **state)
{
	const char *url = getenv("ZHILI_TEST_PG");
	struct zl_db *db;
	struct zl_conn *c;
	char err[256];

	(void)state;
	if (url == NULL)
		skip();
	assert_int_equal(zl_db_open(&db, url, err, sizeof(err)), 0);
	assert_int_equal(zl_migrate(db, 0), 0);
	c = zl_db_conn(db);
	zl_db_exec(c, "DELETE FROM orgs WHERE code LIKE 'PGUNIT%'");
	assert_true(insert_org(c, "PGUNIT1") > 0);
	assert_int_equal(insert_org(c, "PGUNIT1"), ZL_ECONFLICT);
	assert_int_equal(zl_tx_begin(c), 0);
	assert_true(insert_org(c, "PGUNIT2") > 0);
	zl_tx_rollback(c);
	struct zl_stmt *s = zl_stmt_get(c, "SELECT count(*) FROM orgs WHERE code LIKE ?");
	zl_bind_text(s, 1, "PGUNIT%");
	assert_int_equal(zl_stmt_step(s), ZL_ROW);
	assert_int_equal(zl_col_int(s, 0), 1);
	zl_stmt_reset(s);
	zl_db_close(db);
}

const struct CMUnitTest db_tests[] = {
	cmocka_unit_test_setup_teardown(test_db__migrate_is_idempotent, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__insert_returning_and_unique_conflict, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__rollback_discards_and_changes_counted, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__commit_is_synced_alone_and_shared_together, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__concurrent_writers_queue_and_share_syncs, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__deferred_commit_released_after_its_sync, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__sql_builder_and_like_escape, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__dialect_expands_macros, open_sqlite, close_db),
	cmocka_unit_test_setup_teardown(test_db__bad_url_and_bad_sql_fail_cleanly, open_sqlite, close_db),
	cmocka_unit_test(test_db__postgres_same_behaviour),
};
const size_t db_tests_n = sizeof(db_tests) / sizeof(db_tests[0]);
