/* arena.h: per-request memory.  Everything allocated from an arena is freed at
 * once by zl_arena_release; other resources register a cleanup with
 * zl_arena_defer (json_decref, a prepared result …). */
#ifndef ZL_ARENA_H
#define ZL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct zl_arena_chunk;
struct zl_arena_defer;

struct zl_arena {
	struct zl_arena_chunk	*head;
	struct zl_arena_defer	*defers;
	size_t			 total;	/* bytes handed out, for limits */
};

void	 zl_arena_init(struct zl_arena *a);
/* Run the deferred cleanups (last registered first) and free every chunk. */
void	 zl_arena_release(struct zl_arena *a);
/* Zeroed memory; aborts on out-of-memory (requests are bounded in size). */
void	*zl_arena_alloc(struct zl_arena *a, size_t n);
/* The same, not zeroed: for memory the caller fills at once. */
void	*zl_arena_alloc_raw(struct zl_arena *a, size_t n);
char	*zl_arena_strdup(struct zl_arena *a, const char *s);
char	*zl_arena_strndup(struct zl_arena *a, const char *s, size_t n);
char	*zl_arena_printf(struct zl_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char	*zl_arena_vprintf(struct zl_arena *a, const char *fmt, va_list ap);
/* Call fn(arg) when the arena is released. */
void	 zl_arena_defer(struct zl_arena *a, void (*fn)(void *), void *arg);

#endif
