/* db.h: the one storage interface.  SQL is written once with `?` placeholders
 * in the common subset of SQLite and PostgreSQL; sqlite.c and postgres.c are
 * the only files that know which database runs.  Each thread works on its own
 * connection; prepared statements are cached per connection by their text. */
#ifndef ZL_DB_H
#define ZL_DB_H

#include <stddef.h>
#include <stdint.h>

struct zl_db;
struct zl_conn;
struct zl_stmt;

enum zl_backend { ZL_DB_SQLITE, ZL_DB_POSTGRES };

#define ZL_ROW	1	/* zl_stmt_step: a row is ready */
#define ZL_DONE	0	/* zl_stmt_step: no more rows */

/* Open "sqlite:PATH" or "postgresql://…" (also "postgres://…").  No
 * connection is made until a thread asks for one; errors go to errbuf. */
int	 zl_db_open(struct zl_db **out, const char *url, char *errbuf, size_t errlen);
/* Close every connection; only once no thread uses the database any more. */
void	 zl_db_close(struct zl_db *db);
enum zl_backend zl_db_backend(const struct zl_db *db);
const char *zl_db_backend_name(const struct zl_db *db);
/* The calling thread's connection (borrowed), opened on first use; NULL if
 * the database cannot be reached (logged). */
struct zl_conn *zl_db_conn(struct zl_db *db);
struct zl_db *zl_conn_db(struct zl_conn *c);

/* Transactions.  zl_tx_begin takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so that two writers never deadlock on an upgrade; the
 * threads of this process queue for it on a mutex, not by SQLite's sleeps.
 * zl_tx_commit returns once the transaction is durable; on SQLite the
 * commits that arrive while one WAL sync runs share the next (group commit).
 * On failure the transaction is rolled back. */
int	 zl_tx_begin(struct zl_conn *c);
int	 zl_tx_commit(struct zl_conn *c);
void	 zl_tx_rollback(struct zl_conn *c);
/* 1 inside a transaction begun with zl_tx_begin. */
int	 zl_conn_in_tx(const struct zl_conn *c);
/* A counter raised by every committed write transaction (and by
 * zl_db_bump): caches of data derived from the database stay valid while it
 * does not move.  Process-wide. */
uint64_t zl_db_generation(void);
void	 zl_db_bump(void);
/* Write transactions committed and WAL syncs made to make them durable
 * since the database was opened (SQLite; both 0 on PostgreSQL).  Fewer syncs
 * than commits means commits shared a sync. */
void	 zl_db_sync_stats(struct zl_db *db, uint64_t *commits, uint64_t *syncs);
/* For a server that answers asynchronously.  After zl_db_defer_sync(c),
 * zl_tx_commit on c returns once the transaction is committed and visible,
 * before it is durable; the answer to the client must then wait:
 * zl_db_when_durable(c, fn, arg) returns 1 when every commit made on c is
 * on disk already, or 0 and calls fn(arg) from another thread once they
 * are.  On PostgreSQL a commit is durable when it returns: always 1. */
void	 zl_db_defer_sync(struct zl_conn *c);
int	 zl_db_sync_pending(const struct zl_conn *c);
int	 zl_db_when_durable(struct zl_conn *c, void (*fn)(void *), void *arg);
/* Run a script of statements without parameters (migrations). */
int	 zl_db_exec(struct zl_conn *c, const char *sql);

/* A cached prepared statement for sql (borrowed; reset it with
 * zl_stmt_reset when done).  NULL on a syntax error (logged). */
struct zl_stmt *zl_stmt_get(struct zl_conn *c, const char *sql);
/* Bind parameter idx (1-based).  Text is copied; NULL binds SQL NULL. */
void	 zl_bind_int(struct zl_stmt *s, int idx, int64_t v);
void	 zl_bind_text(struct zl_stmt *s, int idx, const char *v);
void	 zl_bind_null(struct zl_stmt *s, int idx);
void	 zl_bind_blob(struct zl_stmt *s, int idx, const void *v, size_t n);
/* ZL_ROW, ZL_DONE, or ZL_ECONFLICT (unique or foreign key violated),
 * ZL_EBUSY, ZL_EDB. */
int	 zl_stmt_step(struct zl_stmt *s);
int64_t	 zl_col_int(struct zl_stmt *s, int col);
/* Borrowed until the next step or reset; "" for NULL. */
const char *zl_col_text(struct zl_stmt *s, int col);
int	 zl_col_null(struct zl_stmt *s, int col);
/* Borrowed bytes of a BLOB/BYTEA column, their count in *n. */
const void *zl_col_blob(struct zl_stmt *s, int col, size_t *n);
/* Rows changed by the last INSERT, UPDATE or DELETE run on s. */
int64_t	 zl_stmt_changes(struct zl_stmt *s);
/* Clear bindings and results so the statement can be used again. */
void	 zl_stmt_reset(struct zl_stmt *s);

/* Step until done; the number of rows changed, or a negative ZL_E*.
 * Resets the statement. */
int64_t	 zl_stmt_run(struct zl_stmt *s);

/* Step s once and give its first column as an integer (0 when there is no
 * row), or a negative ZL_E*; resets s.  For counts and single ids. */
int64_t	 zl_stmt_scalar(struct zl_stmt *s);

/* The backend's own text of a migration: {{ID}}, {{C}}, {{BLOB}} expanded.
 * A new malloc'd string. */
char	*zl_db_dialect(const struct zl_db *db, const char *sql);

#endif
