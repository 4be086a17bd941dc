/* sqlite.c: the SQLite backend.  A write the client saw succeed survives a
 * power loss, as with WAL and synchronous=FULL, but writers share the work:
 *
 * - Every write transaction runs on one writer connection, whose page cache
 *   stays warm (a connection's cache is dropped whenever another connection
 *   wrote).  The threads of this process take turns on a mutex for it rather
 *   than on SQLite's busy handler, which sleeps for milliseconds.
 * - Group commit: a transaction is a savepoint inside a batch transaction.
 *   When it ends and another thread is already waiting to write, the batch
 *   stays open and the next transaction joins it; the last one (or the
 *   BATCH_MAX-th) commits the batch for all.  Pages that several members
 *   touch (index tails, the log head and tiles) go to the WAL once.
 * - synchronous=FULL in WAL mode is synchronous=NORMAL plus a sync of the WAL
 *   after each commit.  We run NORMAL and make that sync ourselves, outside
 *   the mutex: a transaction returns once a sync that began after its batch
 *   committed has finished, and the batches that commit while one sync runs
 *   share the next.  Checkpoints sync as before.
 * - If a sync fails the process stops, as PostgreSQL does: the commit is
 *   visible but maybe not on disk, and a retried fsync cannot be trusted.
 * A member that fails rolls back to its savepoint and leaves the others be;
 * if the batch itself cannot commit, every member gets the error. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db_impl.h"

#define BATCH_MAX	64	/* members of one batch: bounds a member's wait */

struct sq_stmt {
	struct zl_stmt	 base;
	sqlite3_stmt	*st;
	int64_t		 changes;
	int		 autocommit_write;	/* holds the write lock till done */
};

/* A transaction that ended inside a batch and waits for its outcome. */
struct member {
	int		 done;
	int		 rc;
	uint64_t	 ticket;	/* the batch's turn to be synced */
};

/* The statements that frame batches and their members, on the writer. */
enum ctl { CTL_BEGIN, CTL_SAVEPOINT, CTL_RELEASE, CTL_ROLLBACK_TO, CTL_COMMIT,
	CTL_ROLLBACK, CTL__MAX };
static const char *const ctl_sql[CTL__MAX] = {
	"BEGIN IMMEDIATE", "SAVEPOINT zl_tx", "RELEASE zl_tx", "ROLLBACK TO zl_tx",
	"COMMIT", "ROLLBACK",
};

/* An answer that waits for its commits to be durable (zl_db_when_durable). */
struct waiter {
	uint64_t	 ticket;
	void		(*fn)(void *);
	void		*arg;
	struct waiter	*next;
};

/* Shared by the connections of one database. */
struct sq_shared {
	pthread_mutex_t	 write_lock;	/* held while using the writer */
	int		 lock_waiters;	/* threads waiting for it (atomic) */
	struct zl_conn	*writer;
	int		 batch_open;
	int		 nmembers;
	struct member	*members[BATCH_MAX];

	pthread_mutex_t	 sync_lock;	/* guards what follows */
	pthread_cond_t	 changed;	/* a batch ended or a sync finished */
	int		 wal_fd;
	uint64_t	 tickets;	/* committed batches waiting for a sync */
	uint64_t	 durable;	/* tickets covered by a finished sync */
	int		 syncing;
	uint64_t	 commits, batches, syncs;
	sqlite3_stmt	*ctl[CTL__MAX];	/* the writer's, prepared once */
	struct waiter	*waiters;	/* answers held until a sync covers them */
	pthread_t	 syncer;	/* started for the first waiter */
	int		 syncer_started, stopping;
};

static int sq_connect(struct zl_conn *, const char *, char *, size_t);
static int map_rc(sqlite3 *, int);

static void *
sq_shared_new(void)
{
	struct sq_shared *sh = calloc(1, sizeof(*sh));

	if (sh == NULL)
		return NULL;
	pthread_mutex_init(&sh->write_lock, NULL);
	pthread_mutex_init(&sh->sync_lock, NULL);
	pthread_cond_init(&sh->changed, NULL);
	sh->wal_fd = -1;
	return sh;
}

/* After every connection, the writer among them, was closed. */
static void
sq_shared_free(void *p)
{
	struct sq_shared *sh = p;

	if (sh == NULL)
		return;
	if (sh->syncer_started) {
		pthread_mutex_lock(&sh->sync_lock);
		sh->stopping = 1;
		pthread_cond_broadcast(&sh->changed);
		pthread_mutex_unlock(&sh->sync_lock);
		pthread_join(sh->syncer, NULL);
	}
	if (sh->commits > 0)
		zl_info("sqlite: %llu write transactions in %llu commits, %llu WAL syncs",
		    (unsigned long long)sh->commits, (unsigned long long)sh->batches,
		    (unsigned long long)sh->syncs);
	if (sh->wal_fd >= 0)
		close(sh->wal_fd);
	pthread_mutex_destroy(&sh->write_lock);
	pthread_mutex_destroy(&sh->sync_lock);
	pthread_cond_destroy(&sh->changed);
	free(sh);
}

static void
sq_sync_stats(void *p, uint64_t *commits, uint64_t *syncs)
{
	struct sq_shared *sh = p;

	pthread_mutex_lock(&sh->sync_lock);
	*commits = sh->commits;
	*syncs = sh->syncs;
	pthread_mutex_unlock(&sh->sync_lock);
}

static int
run(struct zl_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->handle, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : map_rc(c->handle, rc);
}

/* Run a framing statement on the writer: prepared once, not parsed each
 * time as sqlite3_exec would. */
static int
ctl(struct zl_conn *w, enum ctl which)
{
	struct sq_shared	*sh = w->db->shared;
	sqlite3_stmt		*st = sh->ctl[which];
	int			 rc;

	if (st == NULL && sqlite3_prepare_v3(w->handle, ctl_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &sh->ctl[which], NULL) != SQLITE_OK)
		return map_rc(w->handle, sqlite3_errcode(w->handle));
	st = sh->ctl[which];
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(w->handle, rc);
}

/* ---- durability -------------------------------------------------------- */

/* The WAL, opened once by us: fdatasync covers the file whoever wrote it.
 * The directory is synced too, since the WAL may be new.  Never closed while
 * SQLite holds the database (closing an fd would drop its POSIX locks). */
static int
wal_fd(struct sq_shared *sh, struct zl_conn *c)
{
	const char	*db = sqlite3_db_filename(c->handle, "main");
	char		 path[4096], *slash;
	int		 dfd;

	if (sh->wal_fd >= 0)
		return sh->wal_fd;
	snprintf(path, sizeof(path), "%s-wal", db);
	if ((sh->wal_fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	return sh->wal_fd;
}

/* With sync_lock held: sync the WAL once, covering every ticket given so
 * far.  The lock is let go during the sync, so commits go on meanwhile. */
static void
sync_wal(struct sq_shared *sh, int fd)
{
	uint64_t upto = sh->tickets;

	sh->syncing = 1;
	pthread_mutex_unlock(&sh->sync_lock);
	if (fd < 0 || fdatasync(fd) != 0) {
		zl_errorf("sqlite: syncing the WAL failed (%s); stopping so "
		    "that recovery decides what is durable", strerror(errno));
		abort();
	}
	pthread_mutex_lock(&sh->sync_lock);
	sh->syncing = 0;
	sh->durable = upto;
	sh->syncs++;
	pthread_cond_broadcast(&sh->changed);
}

/* Return once the batch that got ticket is on disk. */
static void
make_durable(struct sq_shared *sh, struct zl_conn *c, uint64_t ticket)
{
	if (!c->group_sync)
		return;		/* no WAL (an in-memory database) */
	pthread_mutex_lock(&sh->sync_lock);
	while (sh->durable < ticket) {
		if (sh->syncing)
			pthread_cond_wait(&sh->changed, &sh->sync_lock);
		else
			sync_wal(sh, wal_fd(sh, c));
	}
	pthread_mutex_unlock(&sh->sync_lock);
}

/* The syncer: while answers wait, sync and hand each its turn. */
static void *
syncer(void *p)
{
	struct sq_shared *sh = p;

	pthread_mutex_lock(&sh->sync_lock);
	for (;;) {
		struct waiter *ready = NULL, **wp = &sh->waiters;

		while (*wp != NULL) {
			struct waiter *w = *wp;
			if (w->ticket <= sh->durable) {
				*wp = w->next;
				w->next = ready;
				ready = w;
			} else
				wp = &w->next;
		}
		if (ready != NULL) {
			pthread_mutex_unlock(&sh->sync_lock);
			while (ready != NULL) {
				struct waiter *w = ready;
				ready = w->next;
				w->fn(w->arg);
				free(w);
			}
			pthread_mutex_lock(&sh->sync_lock);
			continue;
		}
		if (sh->waiters != NULL && !sh->syncing)
			sync_wal(sh, sh->wal_fd);
		else if (sh->waiters == NULL && sh->stopping)
			break;
		else
			pthread_cond_wait(&sh->changed, &sh->sync_lock);
	}
	pthread_mutex_unlock(&sh->sync_lock);
	return NULL;
}

/* The end of a commit of c: durable now, or (deferred) noted for the answer. */
static void
settle(struct sq_shared *sh, struct zl_conn *c, uint64_t ticket)
{
	if (!c->group_sync)
		return;
	if (c->defer_sync) {
		if (ticket > c->pending_sync)
			c->pending_sync = ticket;
	} else
		make_durable(sh, c, ticket);
}

static int
sq_when_durable(struct zl_conn *c, void (*fn)(void *), void *arg)
{
	struct sq_shared	*sh = c->db->shared;
	struct waiter		*w;
	uint64_t		 ticket = c->pending_sync;

	c->pending_sync = 0;
	if (ticket == 0)
		return 1;
	if ((w = malloc(sizeof(*w))) == NULL) {
		make_durable(sh, c, ticket);	/* out of memory: wait here */
		return 1;
	}
	pthread_mutex_lock(&sh->sync_lock);
	if (sh->durable >= ticket) {
		pthread_mutex_unlock(&sh->sync_lock);
		free(w);
		return 1;
	}
	if (!sh->syncer_started) {
		if (pthread_create(&sh->syncer, NULL, syncer, sh) != 0) {
			pthread_mutex_unlock(&sh->sync_lock);
			free(w);
			make_durable(sh, c, ticket);	/* no syncer: wait here */
			return 1;
		}
		sh->syncer_started = 1;
	}
	*w = (struct waiter){ ticket, fn, arg, sh->waiters };
	sh->waiters = w;
	(void)wal_fd(sh, c);
	pthread_cond_broadcast(&sh->changed);
	pthread_mutex_unlock(&sh->sync_lock);
	return 0;
}

/* A ticket for a commit made on the calling thread just now. */
static uint64_t
committed(struct sq_shared *sh, int ntx)
{
	uint64_t t;

	pthread_mutex_lock(&sh->sync_lock);
	t = ++sh->tickets;
	sh->commits += ntx;
	sh->batches++;
	pthread_mutex_unlock(&sh->sync_lock);
	return t;
}

/* ---- the writer and its batches ----------------------------------------- */

static void
write_lock(struct zl_conn *c)
{
	struct sq_shared *sh = c->db->shared;

	__atomic_add_fetch(&sh->lock_waiters, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&sh->write_lock);
	__atomic_sub_fetch(&sh->lock_waiters, 1, __ATOMIC_RELAXED);
	c->holds_write_lock = 1;
}

static void
write_unlock(struct zl_conn *c)
{
	struct sq_shared *sh = c->db->shared;

	c->holds_write_lock = 0;
	pthread_mutex_unlock(&sh->write_lock);
}

static struct zl_conn *
writer(struct zl_db *db)
{
	struct sq_shared	*sh = db->shared;
	char			 errbuf[256];

	if (sh->writer == NULL && (sh->writer = zl_conn_open(db, errbuf,
	    sizeof(errbuf))) == NULL)
		zl_errorf("sqlite writer connection: %s", errbuf);
	return sh->writer;
}

/* Under the write lock: commit the open batch and tell its members. */
static void
close_batch(struct sq_shared *sh)
{
	struct zl_conn	*w = sh->writer;
	uint64_t	 ticket = 0;
	int		 rc;

	if (!sh->batch_open)
		return;
	if (sqlite3_get_autocommit(w->handle))
		rc = ZL_EDB;	/* an error already rolled the batch back */
	else if ((rc = ctl(w, CTL_COMMIT)) != 0)
		(void)ctl(w, CTL_ROLLBACK);
	else
		ticket = committed(sh, sh->nmembers);
	sh->batch_open = 0;
	w->in_tx = 0;
	pthread_mutex_lock(&sh->sync_lock);
	for (int i = 0; i < sh->nmembers; i++) {
		sh->members[i]->rc = rc;
		sh->members[i]->ticket = ticket;
		sh->members[i]->done = 1;
	}
	pthread_cond_broadcast(&sh->changed);
	pthread_mutex_unlock(&sh->sync_lock);
	sh->nmembers = 0;
}

static int
sq_begin(struct zl_conn *c)
{
	struct sq_shared	*sh = c->db->shared;
	struct zl_conn		*w;
	int			 rc;

	write_lock(c);
	if ((w = writer(c->db)) == NULL) {
		write_unlock(c);
		return ZL_EDB;
	}
	if (!sh->batch_open) {
		if ((rc = ctl(w, CTL_BEGIN)) != 0) {
			write_unlock(c);
			return rc;
		}
		sh->batch_open = 1;
		w->in_tx = 1;
	}
	if ((rc = ctl(w, CTL_SAVEPOINT)) != 0) {
		close_batch(sh);
		write_unlock(c);
		return rc;
	}
	c->tx_conn = w;
	return 0;
}

/* The end of a member: join the batch's outcome, or commit it when nobody
 * else is about to join. */
static int
end_member(struct zl_conn *c, struct member *m)
{
	struct sq_shared *sh = c->db->shared;

	c->tx_conn = NULL;
	if (m != NULL)
		sh->members[sh->nmembers++] = m;
	if (__atomic_load_n(&sh->lock_waiters, __ATOMIC_RELAXED) > 0 &&
	    sh->nmembers < BATCH_MAX && sh->batch_open &&
	    !sqlite3_get_autocommit(sh->writer->handle)) {
		write_unlock(c);
		if (m == NULL)
			return 0;
		pthread_mutex_lock(&sh->sync_lock);
		while (!m->done)
			pthread_cond_wait(&sh->changed, &sh->sync_lock);
		pthread_mutex_unlock(&sh->sync_lock);
	} else {
		close_batch(sh);
		write_unlock(c);
	}
	if (m == NULL || m->rc != 0)
		return m == NULL ? 0 : m->rc;
	settle(sh, c, m->ticket);
	return 0;
}

static void
sq_rollback(struct zl_conn *c)
{
	struct zl_conn *w = c->tx_conn;

	if (w == NULL)
		return;
	if (!sqlite3_get_autocommit(w->handle))
		if (ctl(w, CTL_ROLLBACK_TO) == 0)
			(void)ctl(w, CTL_RELEASE);
	(void)end_member(c, NULL);
}

static int
sq_commit(struct zl_conn *c)
{
	struct member	 m = { 0 };
	int		 rc;

	if ((rc = ctl(c->tx_conn, CTL_RELEASE)) != 0) {
		sq_rollback(c);
		return rc;
	}
	return end_member(c, &m);
}

/* A write outside a transaction (a single statement, or a script such as
 * ANALYZE) runs on the caller's own connection, alone: the open batch is
 * committed first, since SQLite lets one connection write at a time. */
static void
begin_lone_write(struct zl_conn *c)
{
	write_lock(c);
	close_batch(c->db->shared);
}

static void
end_lone_write(struct zl_conn *c, int ok)
{
	struct sq_shared *sh = c->db->shared;

	write_unlock(c);
	if (ok)
		settle(sh, c, committed(sh, 1));
}

static int
in_wal_mode(sqlite3 *h)
{
	sqlite3_stmt	*st;
	int		 wal = 0;

	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	return wal;
}

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
	/* Group commit only where there is a WAL to sync (not :memory:). */
	if (in_wal_mode(h)) {
		sqlite3_exec(h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
		c->group_sync = 1;
	}
	return 0;
}

static void
sq_disconnect(struct zl_conn *c)
{
	struct sq_shared *sh = c->db->shared;

	if (sh != NULL && sh->writer == c)
		for (int i = 0; i < CTL__MAX; i++) {
			sqlite3_finalize(sh->ctl[i]);
			sh->ctl[i] = NULL;
		}
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

/* Scripts run inside a transaction (migrations) or alone (ANALYZE). */
static int
sq_exec(struct zl_conn *c, const char *sql)
{
	int rc;

	if (c->in_tx)
		return run(c, sql);
	begin_lone_write(c);
	rc = run(c, sql);
	end_lone_write(c, rc == 0);
	return rc;
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

/* A write statement outside a transaction commits by itself when it ends:
 * it holds the write lock from its first step until then. */
static void
end_autocommit_write(struct sq_stmt *q, int ok)
{
	q->autocommit_write = 0;
	end_lone_write(q->base.conn, ok);
}

static int
sq_step(struct zl_stmt *s)
{
	struct sq_stmt	*q = (struct sq_stmt *)s;
	struct zl_conn	*c = s->conn;
	int		 rc;

	if (!c->in_tx && !c->holds_write_lock && !q->autocommit_write &&
	    !sqlite3_stmt_readonly(q->st) && !sqlite3_stmt_busy(q->st)) {
		begin_lone_write(c);
		q->autocommit_write = 1;
	}
	rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return ZL_ROW;
	if (rc == SQLITE_DONE)
		q->changes = sqlite3_changes64(c->handle);
	if (q->autocommit_write)
		end_autocommit_write(q, rc == SQLITE_DONE);
	return rc == SQLITE_DONE ? ZL_DONE : map_rc(c->handle, rc);
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
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc = sqlite3_reset(q->st);

	if (q->autocommit_write)	/* left after a row: the reset commits */
		end_autocommit_write(q, rc == SQLITE_OK);
	sqlite3_clear_bindings(q->st);
}

const struct backend_ops zl_sqlite_ops = {
	.name = "sqlite",
	.shared_new = sq_shared_new,
	.shared_free = sq_shared_free,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.sync_stats = sq_sync_stats,
	.when_durable = sq_when_durable,
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
