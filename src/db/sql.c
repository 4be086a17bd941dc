/* sql.c: fragments and values into one prepared statement. */
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/sql.h"

void
zl_sql_init(struct zl_sql *q, struct zl_arena *a, const char *text)
{
	memset(q, 0, sizeof(*q));
	q->a = a;
	zl_sql_add(q, text);
}

void
zl_sql_add(struct zl_sql *q, const char *text)
{
	size_t n = strlen(text);

	if (q->len + n + 1 > q->cap) {
		size_t cap = (q->cap + n + 1) * 2;
		char *p = zl_arena_alloc(q->a, cap);
		if (q->buf != NULL)
			memcpy(p, q->buf, q->len);
		q->buf = p;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, text, n + 1);
	q->len += n;
}

void
zl_sql_int(struct zl_sql *q, int64_t v)
{
	if (q->nvals >= (int)(sizeof(q->vals) / sizeof(q->vals[0]))) {
		q->overflow = 1;
		return;
	}
	q->vals[q->nvals].is_text = 0;
	q->vals[q->nvals++].i = v;
}

void
zl_sql_text(struct zl_sql *q, const char *v)
{
	if (q->nvals >= (int)(sizeof(q->vals) / sizeof(q->vals[0]))) {
		q->overflow = 1;
		return;
	}
	q->vals[q->nvals].is_text = 1;
	q->vals[q->nvals++].s = v;
}

void
zl_sql_like(struct zl_sql *q, const char *v)
{
	char *p = zl_arena_alloc(q->a, strlen(v) * 2 + 3), *o = p;

	*o++ = '%';
	for (; *v != '\0'; v++) {
		if (*v == '%' || *v == '_' || *v == '!')
			*o++ = '!';
		*o++ = *v;
	}
	*o++ = '%';
	*o = '\0';
	zl_sql_text(q, p);
}

struct zl_stmt *
zl_sql_prepare(struct zl_conn *c, struct zl_sql *q)
{
	struct zl_stmt *s;

	if (q->overflow) {
		zl_errorf("too many values for one statement: %s", q->buf);
		return NULL;
	}
	if ((s = zl_stmt_get(c, q->buf)) == NULL)
		return NULL;
	for (int i = 0; i < q->nvals; i++) {
		if (q->vals[i].is_text)
			zl_bind_text(s, i + 1, q->vals[i].s);
		else
			zl_bind_int(s, i + 1, q->vals[i].i);
	}
	return s;
}
