/* upload.h: content-addressed file storage (upload_store.c). */
#ifndef ZL_UPLOAD_H
#define ZL_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

struct zl_conn; struct zl_arena;

int	zl_upload_store_put(struct zl_conn *c, const char *digest, const char *mime,
	    const void *data, size_t n, int64_t uploader, int64_t now);
int	zl_upload_store_get(struct zl_conn *c, struct zl_arena *a, const char *digest,
	    const char **mime, const void **data, size_t *n, int64_t *uploader);

struct zl_scope;
/* 1 if user uploaded the file, or (scope given) it belongs to an application
 * in that scope; 0 otherwise. */
int	zl_upload_store_visible(struct zl_conn *c, struct zl_arena *a, const char *digest,
	    int64_t user, const struct zl_scope *scope);

#endif
