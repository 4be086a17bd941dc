/* db.c: backend-neutral part of the storage interface: opening, per-thread
 * connections, the prepared-statement cache, transactions and dialect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db_impl.h"

int
zl_db_open(struct zl_db **out, const char *url, char *errbuf, size_t errlen)
{
	struct zl_db *db;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return ZL_ENOMEM;
	if (strncmp(url, "sqlite:", 7) == 0) {
		db->backend = ZL_DB_SQLITE;
		db->ops = &zl_sqlite_ops;
	} else if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0) {
		db->backend = ZL_DB_POSTGRES;
		db->ops = &zl_postgres_ops;
	} else {
		snprintf(errbuf, errlen, "database URL must start with sqlite: or postgresql://");
		free(db);
		return ZL_EINVAL;
	}
	db->url = strdup(url);
	if (db->ops->shared_new != NULL && (db->shared = db->ops->shared_new()) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		free(db->url);
		free(db);
		return ZL_ENOMEM;
	}
	pthread_key_create(&db->key, NULL);
	pthread_mutex_init(&db->lock, NULL);
	/* Connect once now so that a wrong URL is reported at start. */
	{
		struct zl_conn *c = calloc(1, sizeof(*c));
		c->db = db;
		if (db->ops->connect(c, db->url, errbuf, errlen) != 0) {
			free(c);
			pthread_key_delete(db->key);
			if (db->ops->shared_free != NULL)
				db->ops->shared_free(db->shared);
			free(db->url);
			free(db);
			return ZL_EDB;
		}
		c->next = db->conns;
		db->conns = c;
		pthread_setspecific(db->key, c);
	}
	*out = db;
	return ZL_OK;
}

static void
cache_clear(struct zl_conn *c)
{
	for (int i = 0; i < STMT_CACHE; i++) {
		if (c->slots[i].stmt != NULL) {
			c->db->ops->finalize(c->slots[i].stmt);
			free(c->slots[i].sql);
		}
		memset(&c->slots[i], 0, sizeof(c->slots[i]));
	}
	c->nslots = 0;
}

void
zl_db_close(struct zl_db *db)
{
	struct zl_conn *c, *next;

	if (db == NULL)
		return;
	for (c = db->conns; c != NULL; c = next) {
		next = c->next;
		cache_clear(c);
		db->ops->disconnect(c);
		free(c);
	}
	pthread_key_delete(db->key);
	pthread_mutex_destroy(&db->lock);
	if (db->ops->shared_free != NULL)
		db->ops->shared_free(db->shared);
	free(db->url);
	free(db);
}

enum zl_backend
zl_db_backend(const struct zl_db *db)
{
	return db->backend;
}

const char *
zl_db_backend_name(const struct zl_db *db)
{
	return db->ops->name;
}

struct zl_db *
zl_conn_db(struct zl_conn *c)
{
	return c->db;
}

struct zl_conn *
zl_conn_open(struct zl_db *db, char *errbuf, size_t n)
{
	struct zl_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->db = db;
	if (db->ops->connect(c, db->url, errbuf, n) != 0) {
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&db->lock);
	c->next = db->conns;
	db->conns = c;
	pthread_mutex_unlock(&db->lock);
	return c;
}

struct zl_conn *
zl_db_conn(struct zl_db *db)
{
	struct zl_conn	*c = pthread_getspecific(db->key);
	char		 errbuf[256];

	if (c != NULL)
		return c;
	if ((c = zl_conn_open(db, errbuf, sizeof(errbuf))) == NULL) {
		zl_errorf("database connection failed: %s", errbuf);
		return NULL;
	}
	pthread_setspecific(db->key, c);
	return c;
}

int
zl_db_exec(struct zl_conn *c, const char *sql)
{
	if (c->tx_conn != NULL)
		c = c->tx_conn;
	return c->db->ops->exec(c, sql);
}

int
zl_tx_begin(struct zl_conn *c)
{
	int rc = c->db->ops->begin(c);

	if (rc == 0)
		c->in_tx = 1;
	return rc;
}

void
zl_db_sync_stats(struct zl_db *db, uint64_t *commits, uint64_t *syncs)
{
	*commits = *syncs = 0;
	if (db->ops->sync_stats != NULL)
		db->ops->sync_stats(db->shared, commits, syncs);
}

void
zl_db_defer_sync(struct zl_conn *c)
{
	c->defer_sync = 1;
}

int
zl_db_sync_pending(const struct zl_conn *c)
{
	return c->pending_sync != 0;
}

int
zl_db_when_durable(struct zl_conn *c, void (*fn)(void *), void *arg)
{
	if (c->pending_sync == 0 || c->db->ops->when_durable == NULL)
		return 1;
	return c->db->ops->when_durable(c, fn, arg);
}

static uint64_t generation;

uint64_t
zl_db_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

void
zl_db_bump(void)
{
	__atomic_add_fetch(&generation, 1, __ATOMIC_ACQ_REL);
}

int
zl_tx_commit(struct zl_conn *c)
{
	int rc = c->db->ops->commit(c);

	zl_db_bump();	/* after the commit: a reader never caches the old state anew */
	c->in_tx = 0;
	return rc;
}

int
zl_conn_in_tx(const struct zl_conn *c)
{
	return c->in_tx;
}

void
zl_tx_rollback(struct zl_conn *c)
{
	if (c->in_tx)
		c->db->ops->rollback(c);
	c->in_tx = 0;
}

/* FNV-1a: the cache key is the statement text. */
static uint64_t
hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct zl_stmt *
zl_stmt_get(struct zl_conn *c, const char *sql)
{
	if (c->tx_conn != NULL)		/* the transaction runs elsewhere */
		c = c->tx_conn;
	uint64_t	 h = hash_sql(sql);
	unsigned	 i = (unsigned)(h % STMT_CACHE);
	struct zl_stmt	*s;

	for (unsigned n = 0; n < STMT_CACHE; n++, i = (i + 1) % STMT_CACHE) {
		struct stmt_slot *slot = &c->slots[i];
		if (slot->stmt == NULL)
			break;
		if (slot->hash == h && strcmp(slot->sql, sql) == 0)
			return slot->stmt;
	}
	if (c->nslots >= STMT_CACHE * 3 / 4) {
		cache_clear(c);
		i = (unsigned)(h % STMT_CACHE);
	}
	if ((s = c->db->ops->prepare(c, sql)) == NULL)
		return NULL;
	s->conn = c;
	while (c->slots[i].stmt != NULL)
		i = (i + 1) % STMT_CACHE;
	c->slots[i].hash = h;
	c->slots[i].sql = strdup(sql);
	c->slots[i].stmt = s;
	c->nslots++;
	return s;
}

void zl_bind_int(struct zl_stmt *s, int i, int64_t v) { s->conn->db->ops->bind_int(s, i, v); }
void zl_bind_text(struct zl_stmt *s, int i, const char *v) { s->conn->db->ops->bind_text(s, i, v); }
void zl_bind_null(struct zl_stmt *s, int i) { s->conn->db->ops->bind_null(s, i); }
void zl_bind_blob(struct zl_stmt *s, int i, const void *v, size_t n) { s->conn->db->ops->bind_blob(s, i, v, n); }
const void *zl_col_blob(struct zl_stmt *s, int col, size_t *n) { return s->conn->db->ops->col_blob(s, col, n); }
int zl_stmt_step(struct zl_stmt *s) { return s->conn->db->ops->step(s); }
int64_t zl_col_int(struct zl_stmt *s, int col) { return s->conn->db->ops->col_int(s, col); }
const char *zl_col_text(struct zl_stmt *s, int col) { return s->conn->db->ops->col_text(s, col); }
int zl_col_null(struct zl_stmt *s, int col) { return s->conn->db->ops->col_null(s, col); }
int64_t zl_stmt_changes(struct zl_stmt *s) { return s->conn->db->ops->changes(s); }
void zl_stmt_reset(struct zl_stmt *s) { s->conn->db->ops->reset(s); }

int64_t
zl_stmt_run(struct zl_stmt *s)
{
	int	rc;
	int64_t	n;

	while ((rc = zl_stmt_step(s)) == ZL_ROW)
		;
	n = rc < 0 ? rc : zl_stmt_changes(s);
	zl_stmt_reset(s);
	return n;
}

int64_t
zl_stmt_scalar(struct zl_stmt *s)
{
	int64_t	v = 0;
	int	rc;

	if (s == NULL)
		return ZL_EDB;
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		v = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc < 0 ? rc : v;
}

static const struct { const char *macro, *sqlite, *pg; } dialect[] = {
	{ "{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT",
	    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
	{ "{{C}}", "", "COLLATE \"C\"" },
	{ "{{BLOB}}", "BLOB", "BYTEA" },
};

char *
zl_db_dialect(const struct zl_db *db, const char *sql)
{
	size_t	 cap = strlen(sql) * 2 + 64, n = 0;
	char	*out = malloc(cap);

	while (*sql != '\0') {
		size_t i, k = sizeof(dialect) / sizeof(dialect[0]);
		for (i = 0; i < k; i++)
			if (strncmp(sql, dialect[i].macro, strlen(dialect[i].macro)) == 0)
				break;
		if (i < k) {
			const char *rep = db->backend == ZL_DB_SQLITE ?
			    dialect[i].sqlite : dialect[i].pg;
			size_t rl = strlen(rep);
			if (n + rl + 1 >= cap)
				out = realloc(out, cap = cap * 2 + rl);
			memcpy(out + n, rep, rl);
			n += rl;
			sql += strlen(dialect[i].macro);
		} else {
			if (n + 2 >= cap)
				out = realloc(out, cap *= 2);
			out[n++] = *sql++;
		}
	}
	out[n] = '\0';
	return out;
}
