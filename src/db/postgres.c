/* postgres.c: the PostgreSQL backend through libpq.  `?` placeholders become
 * $1…$n at prepare time (outside quoted text); parameters and results travel
 * as text, so the same SQL and the same column getters serve both backends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db_impl.h"

struct pg_stmt {
	struct zl_stmt	 base;
	char		 name[24];
	int		 nparams;
	char		*vals[ZL_DB_MAXPARAM];
	PGresult	*res;
	int		 row, nrows, executed;
	unsigned char	*blob;		/* the last decoded bytea */
	int64_t		 changes;
};

static unsigned long next_name;	/* statement names are per connection; a
				   global counter is simply unique everywhere */

static int
pg_connect(struct zl_conn *c, const char *url, char *errbuf, size_t n)
{
	PGconn *h = PQconnectdb(url);

	if (PQstatus(h) != CONNECTION_OK) {
		snprintf(errbuf, n, "postgresql: %s", PQerrorMessage(h));
		PQfinish(h);
		return -1;
	}
	PQclear(PQexec(h, "SET client_min_messages = warning"));
	PQclear(PQexec(h, "SET TIME ZONE 'UTC'"));
	c->handle = h;
	return 0;
}

static void
pg_disconnect(struct zl_conn *c)
{
	PQfinish(c->handle);
}

static int
map_res(PGconn *h, PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (state != NULL && (strcmp(state, "23505") == 0 ||
	    strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0))
		return ZL_ECONFLICT;
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)) {
		zl_warn("postgresql busy: %s", PQerrorMessage(h));
		return ZL_EBUSY;
	}
	zl_errorf("postgresql: %s", PQerrorMessage(h));
	return ZL_EDB;
}

static int
pg_exec(struct zl_conn *c, const char *sql)
{
	PGresult	*res = PQexec(c->handle, sql);
	int		 st = PQresultStatus(res), rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_res(c->handle, res);
	PQclear(res);
	return rc;
}

/* Replace ? by $n outside '…' and "…"; returns the count in *n. */
static char *
number_params(const char *sql, int *n)
{
	size_t	 len = strlen(sql);
	char	*out = malloc(len * 4 + 1), *o = out;
	char	 quote = 0;

	*n = 0;
	for (; *sql != '\0'; sql++) {
		if (quote) {
			if (*sql == quote)
				quote = 0;
			*o++ = *sql;
		} else if (*sql == '\'' || *sql == '"') {
			quote = *sql;
			*o++ = *sql;
		} else if (*sql == '?') {
			o += sprintf(o, "$%d", ++*n);	/* room: len*4 */
		} else
			*o++ = *sql;
	}
	*o = '\0';
	return out;
}

static struct zl_stmt *
pg_prepare(struct zl_conn *c, const char *sql)
{
	struct pg_stmt	*s = calloc(1, sizeof(*s));
	char		*text = number_params(sql, &s->nparams);
	PGresult	*res;

	if (s->nparams > ZL_DB_MAXPARAM) {
		zl_errorf("postgresql prepare: too many parameters in: %s", sql);
		free(text);
		free(s);
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "zl%lu",
	    __atomic_add_fetch(&next_name, 1, __ATOMIC_RELAXED));
	res = PQprepare(c->handle, s->name, text, 0, NULL);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		zl_errorf("postgresql prepare: %s in: %s", PQerrorMessage(c->handle), sql);
		PQclear(res);
		free(s);
		return NULL;
	}
	PQclear(res);
	return &s->base;
}

static void
pg_reset(struct zl_stmt *zs)
{
	struct pg_stmt *s = (struct pg_stmt *)zs;

	for (int i = 0; i < ZL_DB_MAXPARAM; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
	PQclear(s->res);
	s->res = NULL;
	PQfreemem(s->blob);
	s->blob = NULL;
	s->executed = s->row = s->nrows = 0;
}

static void
pg_finalize(struct zl_stmt *zs)
{
	struct pg_stmt *s = (struct pg_stmt *)zs;
	char sql[64];

	pg_reset(zs);
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
	PQclear(PQexec(zs->conn->handle, sql));
	free(s);
}

static void
set_val(struct zl_stmt *zs, int idx, char *v)
{
	struct pg_stmt *s = (struct pg_stmt *)zs;

	if (idx < 1 || idx > ZL_DB_MAXPARAM) {
		free(v);
		return;
	}
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = v;
}

static void
pg_bind_int(struct zl_stmt *s, int idx, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	set_val(s, idx, strdup(buf));
}

static void pg_bind_text(struct zl_stmt *s, int idx, const char *v) { set_val(s, idx, v ? strdup(v) : NULL); }
static void pg_bind_null(struct zl_stmt *s, int idx) { set_val(s, idx, NULL); }

static int
pg_step(struct zl_stmt *zs)
{
	struct pg_stmt *s = (struct pg_stmt *)zs;
	int st;

	if (!s->executed) {
		s->executed = 1;
		s->res = PQexecPrepared(zs->conn->handle, s->name, s->nparams,
		    (const char *const *)s->vals, NULL, NULL, 0);
		st = PQresultStatus(s->res);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			return map_res(zs->conn->handle, s->res);
		s->nrows = st == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return ZL_ROW;
	}
	return ZL_DONE;
}

#define PS(z)	((struct pg_stmt *)(z))

static const char *
pg_col_text(struct zl_stmt *s, int col)
{
	if (PS(s)->res == NULL || PS(s)->row < 0 || col >= PQnfields(PS(s)->res))
		return "";
	return PQgetvalue(PS(s)->res, PS(s)->row, col);
}

static int64_t
pg_col_int(struct zl_stmt *s, int col)
{
	const char *t = pg_col_text(s, col);

	if (t[0] == 't' && t[1] == '\0')	/* boolean results */
		return 1;
	return strtoll(t, NULL, 10);
}

static int
pg_col_null(struct zl_stmt *s, int col)
{
	if (PS(s)->res == NULL || PS(s)->row < 0)
		return 1;
	return PQgetisnull(PS(s)->res, PS(s)->row, col);
}

/* bytea travels as text in the hex format: "\\x0a1b…". */
static void
pg_bind_blob(struct zl_stmt *s, int idx, const void *v, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = v;
	char *t = malloc(n * 2 + 3);

	t[0] = '\\';
	t[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		t[2 + 2 * i] = digits[p[i] >> 4];
		t[3 + 2 * i] = digits[p[i] & 15];
	}
	t[2 + 2 * n] = '\0';
	set_val(s, idx, t);
}

static const void *
pg_col_blob(struct zl_stmt *zs, int col, size_t *n)
{
	struct pg_stmt *s = PS(zs);

	*n = 0;
	if (s->res == NULL || s->row < 0 || PQgetisnull(s->res, s->row, col))
		return NULL;
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), n);
	return s->blob;
}

static int64_t pg_changes(struct zl_stmt *s) { return PS(s)->changes; }

static int pg_begin(struct zl_conn *c) { return pg_exec(c, "BEGIN"); }
static void pg_rollback(struct zl_conn *c) { (void)pg_exec(c, "ROLLBACK"); }

static int
pg_commit(struct zl_conn *c)
{
	int rc = pg_exec(c, "COMMIT");

	if (rc != 0)
		pg_rollback(c);
	return rc;
}

const struct backend_ops zl_postgres_ops = {
	.name = "postgresql",
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_null = pg_col_null,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.reset = pg_reset,
};
