/* sqlite.c: the SQLite backend.  WAL with synchronous=FULL, so that a write
 * the client saw succeed survives a power loss; a busy timeout so writers on
 * other threads wait rather than fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db_impl.h"

struct sq_stmt {
	struct zl_stmt	 base;
	sqlite3_stmt	*st;
	int64_t		 changes;
};

static int
sq_connect(struct zl_conn *c, const char *url, char *errbuf, size_t n)
{
	const char	*path = url + strlen("sqlite:");
	sqlite3		*h = NULL;
	char		*msg = NULL;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(errbuf, n, "sqlite %s: %s", path, h ? sqlite3_errmsg(h) : "open failed");
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 10000);
	if (sqlite3_exec(h,
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA temp_store=MEMORY;"
	    "PRAGMA cache_size=-8000;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(errbuf, n, "sqlite %s: %s", path, msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close(h);
		return -1;
	}
	c->handle = h;
	return 0;
}

static void
sq_disconnect(struct zl_conn *c)
{
	sqlite3_close_v2(c->handle);
}

static int
map_rc(sqlite3 *h, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return ZL_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		zl_warn("sqlite busy: %s", sqlite3_errmsg(h));
		return ZL_EBUSY;
	default:
		zl_errorf("sqlite: %s", sqlite3_errmsg(h));
		return ZL_EDB;
	}
}

static int
sq_exec(struct zl_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->handle, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : map_rc(c->handle, rc);
}

static struct zl_stmt *
sq_prepare(struct zl_conn *c, const char *sql)
{
	struct sq_stmt *s;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(c->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		zl_errorf("sqlite prepare: %s in: %s", sqlite3_errmsg(c->handle), sql);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	s->st = st;
	return &s->base;
}

static void
sq_finalize(struct zl_stmt *s)
{
	sqlite3_finalize(((struct sq_stmt *)s)->st);
	free(s);
}

#define ST(s)	(((struct sq_stmt *)(s))->st)

static void sq_bind_int(struct zl_stmt *s, int i, int64_t v) { sqlite3_bind_int64(ST(s), i, v); }
static void sq_bind_null(struct zl_stmt *s, int i) { sqlite3_bind_null(ST(s), i); }

static void
sq_bind_text(struct zl_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(ST(s), i);
	else
		sqlite3_bind_text(ST(s), i, v, -1, SQLITE_TRANSIENT);
}

static int
sq_step(struct zl_stmt *s)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc = sqlite3_step(q->st);

	if (rc == SQLITE_ROW)
		return ZL_ROW;
	if (rc == SQLITE_DONE) {
		q->changes = sqlite3_changes64(s->conn->handle);
		return ZL_DONE;
	}
	return map_rc(s->conn->handle, rc);
}

static void
sq_bind_blob(struct zl_stmt *s, int i, const void *v, size_t n)
{
	sqlite3_bind_blob64(ST(s), i, v, n, SQLITE_TRANSIENT);
}

static const void *
sq_col_blob(struct zl_stmt *s, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(ST(s), col);

	*n = (size_t)sqlite3_column_bytes(ST(s), col);
	return p;
}

static int64_t sq_col_int(struct zl_stmt *s, int col) { return sqlite3_column_int64(ST(s), col); }
static int sq_col_null(struct zl_stmt *s, int col) { return sqlite3_column_type(ST(s), col) == SQLITE_NULL; }
static int64_t sq_changes(struct zl_stmt *s) { return ((struct sq_stmt *)s)->changes; }

static const char *
sq_col_text(struct zl_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(ST(s), col);

	return t == NULL ? "" : (const char *)t;
}

static void
sq_reset(struct zl_stmt *s)
{
	sqlite3_reset(ST(s));
	sqlite3_clear_bindings(ST(s));
}

const struct backend_ops zl_sqlite_ops = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_null = sq_col_null,
	.col_blob = sq_col_blob,
	.changes = sq_changes,
	.reset = sq_reset,
};
