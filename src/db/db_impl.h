/* db_impl.h: what the two backends provide to db.c.  Private to src/db/. */
#ifndef ZL_DB_IMPL_H
#define ZL_DB_IMPL_H

#include <pthread.h>

#include "db/db.h"

#define ZL_DB_MAXPARAM	64

struct backend_ops {
	const char *name;
	/* State shared by every connection of one database (may be NULL). */
	void	*(*shared_new)(void);
	void	(*shared_free)(void *shared);
	int	(*begin)(struct zl_conn *c);
	int	(*commit)(struct zl_conn *c);
	void	(*rollback)(struct zl_conn *c);
	void	(*sync_stats)(void *shared, uint64_t *commits, uint64_t *syncs);
	int	(*when_durable)(struct zl_conn *c, void (*fn)(void *), void *arg);
	int	(*connect)(struct zl_conn *c, const char *url, char *errbuf, size_t n);
	void	(*disconnect)(struct zl_conn *c);
	int	(*exec)(struct zl_conn *c, const char *sql);
	struct zl_stmt *(*prepare)(struct zl_conn *c, const char *sql);
	void	(*finalize)(struct zl_stmt *s);
	void	(*bind_int)(struct zl_stmt *s, int idx, int64_t v);
	void	(*bind_text)(struct zl_stmt *s, int idx, const char *v);
	void	(*bind_null)(struct zl_stmt *s, int idx);
	void	(*bind_blob)(struct zl_stmt *s, int idx, const void *v, size_t n);
	int	(*step)(struct zl_stmt *s);
	int64_t	(*col_int)(struct zl_stmt *s, int col);
	const char *(*col_text)(struct zl_stmt *s, int col);
	int	(*col_null)(struct zl_stmt *s, int col);
	const void *(*col_blob)(struct zl_stmt *s, int col, size_t *n);
	int64_t	(*changes)(struct zl_stmt *s);
	void	(*reset)(struct zl_stmt *s);
};

struct stmt_slot {
	uint64_t	 hash;
	char		*sql;
	struct zl_stmt	*stmt;
};

#define STMT_CACHE	512

struct zl_conn {
	struct zl_db		*db;
	void			*handle;	/* sqlite3 * or PGconn * */
	struct zl_conn		*next;		/* all connections of db */
	int			 in_tx;
	struct zl_conn		*tx_conn;	/* runs this thread's transaction, if not itself */
	int			 holds_write_lock;	/* SQLite: see sqlite.c */
	int			 group_sync;		/* SQLite: WAL synced by make_durable */
	int			 defer_sync;		/* see zl_db_defer_sync */
	uint64_t		 pending_sync;		/* SQLite: the ticket to wait for */
	int			 nslots;
	struct stmt_slot	 slots[STMT_CACHE];
};

/* Every backend statement starts with this header. */
struct zl_stmt {
	struct zl_conn		*conn;
};

struct zl_db {
	enum zl_backend			 backend;
	const struct backend_ops	*ops;
	char				*url;
	pthread_key_t			 key;
	pthread_mutex_t			 lock;
	struct zl_conn			*conns;
	void				*shared;	/* the backend's, see shared_new */
};

/* A new connection, not bound to a thread; closed with the database. */
struct zl_conn *zl_conn_open(struct zl_db *db, char *errbuf, size_t n);

extern const struct backend_ops zl_sqlite_ops;
extern const struct backend_ops zl_postgres_ops;

#endif
