/* upload_store.c: SQL of uploaded files. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "auth/auth.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/upload/upload.h"

int
zl_upload_store_put(struct zl_conn *c, const char *digest, const char *mime, const void *data,
    size_t n, int64_t uploader, int64_t now)
{
	struct zl_stmt *s = zl_stmt_get(c, "INSERT INTO uploads (digest, size, mime, data, "
	    "uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING");

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, digest);
	zl_bind_int(s, 2, (int64_t)n);
	zl_bind_text(s, 3, mime);
	zl_bind_blob(s, 4, data, n);
	zl_bind_int(s, 5, uploader);
	zl_bind_int(s, 6, now);
	if (zl_stmt_run(s) < 0)
		return ZL_EDB;
	s = zl_stmt_get(c, "INSERT INTO upload_owners (digest, user_id, created_at) VALUES (?, ?, ?) "
	    "ON CONFLICT (digest, user_id) DO NOTHING");
	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, digest);
	zl_bind_int(s, 2, uploader);
	zl_bind_int(s, 3, now);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_upload_store_visible(struct zl_conn *c, struct zl_arena *a, const char *digest,
    int64_t user, const struct zl_scope *scope)
{
	struct zl_stmt	*s = zl_stmt_get(c, "SELECT count(*) FROM upload_owners WHERE digest = ? AND user_id = ?");
	struct zl_sql	 q;
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, digest);
	zl_bind_int(s, 2, user);
	if ((n = zl_stmt_scalar(s)) < 0)
		return (int)n;
	if (n > 0 || scope == NULL)
		return n > 0;
	/* Staff see a file attached to an application in their scope. */
	zl_sql_init(&q, a, "SELECT count(*) FROM applications a WHERE a.data LIKE ? ESCAPE '!'");
	zl_sql_like(&q, digest);
	zl_scope_sql(&q, scope, "a.org_id", NULL);
	if ((n = zl_stmt_scalar(zl_sql_prepare(c, &q))) < 0)
		return (int)n;
	return n > 0;
}

int
zl_upload_store_get(struct zl_conn *c, struct zl_arena *a, const char *digest,
    const char **mime, const void **data, size_t *n, int64_t *uploader)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT mime, data, COALESCE(uploader_id, 0) "
	    "FROM uploads WHERE digest = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, digest);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		const void *p = zl_col_blob(s, 1, n);
		void *copy = zl_arena_alloc(a, *n + 1);
		memcpy(copy, p, *n);
		*data = copy;
		*mime = zl_arena_strdup(a, zl_col_text(s, 0));
		*uploader = zl_col_int(s, 2);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}
