/* sql.h: build a statement from fragments with their bound values, for the
 * list queries whose filters depend on the request (scope, search, cursor).
 * Values are always bound, never formatted into the text. */
#ifndef ZL_SQL_H
#define ZL_SQL_H

#include <stdint.h>

#include "db/db.h"

struct zl_arena;

struct zl_sql_val { int is_text; int64_t i; const char *s; };

struct zl_sql {
	struct zl_arena		*a;
	char			*buf;
	size_t			 len, cap;
	int			 nvals, overflow;
	struct zl_sql_val	 vals[64];
};

void	zl_sql_init(struct zl_sql *q, struct zl_arena *a, const char *text);
/* Append text; its `?` take the values given next, in order. */
void	zl_sql_add(struct zl_sql *q, const char *text);
void	zl_sql_int(struct zl_sql *q, int64_t v);
void	zl_sql_text(struct zl_sql *q, const char *v);
/* Bind "%v%" with LIKE's wildcards in v escaped by '!': write the fragment
 * as "col LIKE ? ESCAPE '!'". */
void	zl_sql_like(struct zl_sql *q, const char *v);
/* The cached statement with every value bound (borrowed; reset it after
 * use), or NULL on a bad statement or too many values. */
struct zl_stmt *zl_sql_prepare(struct zl_conn *c, struct zl_sql *q);

#endif
