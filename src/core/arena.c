/* arena.c: a chunked bump allocator with deferred cleanups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define CHUNK_MIN	(16 * 1024)

struct zl_arena_chunk {
	struct zl_arena_chunk	*next;
	size_t			 size, used;
	_Alignas(16) unsigned char data[];
};

/* One spare chunk per thread: a request's first chunk is the previous
 * request's, so most requests allocate nothing from malloc for their arena. */
static __thread struct zl_arena_chunk *spare;

struct zl_arena_defer {
	struct zl_arena_defer	*next;
	void			(*fn)(void *);
	void			*arg;
};

void
zl_arena_init(struct zl_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void
zl_arena_release(struct zl_arena *a)
{
	struct zl_arena_chunk *c, *next;

	while (a->defers != NULL) {
		struct zl_arena_defer *d = a->defers;
		a->defers = d->next;
		d->fn(d->arg);
	}
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (spare == NULL && c->size == CHUNK_MIN)
			spare = c;
		else
			free(c);
	}
	memset(a, 0, sizeof(*a));
}

/* n bytes, not zeroed. */
static void *
bump(struct zl_arena *a, size_t n)
{
	struct zl_arena_chunk	*c = a->head;
	size_t			 need = (n + 15) & ~(size_t)15;
	void			*p;

	if (need < n)
		abort();
	if (c == NULL || c->size - c->used < need) {
		size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
		if (size == CHUNK_MIN && spare != NULL) {
			c = spare;
			spare = NULL;
		} else if ((c = malloc(sizeof(*c) + size)) == NULL) {
			fputs("zhili: out of memory\n", stderr);
			abort();
		}
		c->size = size;
		c->used = 0;
		/* A large one-off block goes behind the head so the head keeps
		 * serving small allocations. */
		if (a->head != NULL && size > CHUNK_MIN) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *
zl_arena_alloc(struct zl_arena *a, size_t n)
{
	return memset(bump(a, n), 0, n);
}

void *
zl_arena_alloc_raw(struct zl_arena *a, size_t n)
{
	return bump(a, n);
}

char *
zl_arena_strndup(struct zl_arena *a, const char *s, size_t n)
{
	char *p = bump(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
zl_arena_strdup(struct zl_arena *a, const char *s)
{
	return s == NULL ? NULL : zl_arena_strndup(a, s, strlen(s));
}

char *
zl_arena_vprintf(struct zl_arena *a, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;
	char	*p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		abort();
	p = bump(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
zl_arena_printf(struct zl_arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = zl_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
zl_arena_defer(struct zl_arena *a, void (*fn)(void *), void *arg)
{
	struct zl_arena_defer *d = zl_arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->arg = arg;
	d->next = a->defers;
	a->defers = d;
}
