/* notify_store.c: SQL of notifications.  Every read and every mark names the
 * recipient, so no query here can reach another user's notification. */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/notify/notify.h"

#define COLS "id, user_id, kind, title, body, link, entity, entity_id, COALESCE(org_id, 0), " \
	"created_at, read_at"

enum { Q_APP, Q_RECT, Q_CITIZEN, Q_INSERT, Q_LIST, Q_LIST_UNREAD, Q_UNREAD, Q_GET, Q_MARK,
	Q_MARK_ALL, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_APP] = "SELECT a.id, a.code, s.name FROM applications a "
	    "JOIN service_items s ON s.id = a.item_id WHERE a.id = ?",
	/* A rectification is about the application whose bad rating opened it. */
	[Q_RECT] = "SELECT a.id, a.code, s.name FROM rectifications r "
	    "JOIN ratings g ON g.id = r.rating_id JOIN applications a ON a.id = g.application_id "
	    "JOIN service_items s ON s.id = a.item_id WHERE r.id = ?",
	[Q_CITIZEN] = "SELECT CASE WHEN kind = 'citizen' THEN 1 ELSE 0 END FROM users WHERE id = ?",
	[Q_INSERT] = "INSERT INTO notifications (user_id, kind, title, body, link, entity, "
	    "entity_id, org_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* The cursor is the last id seen; 2^62 stands for "from the newest". */
	[Q_LIST] = "SELECT " COLS " FROM notifications WHERE user_id = ? AND id < ? "
	    "ORDER BY id DESC LIMIT ?",
	[Q_LIST_UNREAD] = "SELECT " COLS " FROM notifications WHERE user_id = ? AND id < ? "
	    "AND read_at = 0 ORDER BY id DESC LIMIT ?",
	[Q_UNREAD] = "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at = 0",
	[Q_GET] = "SELECT " COLS " FROM notifications WHERE id = ? AND user_id = ?",
	[Q_MARK] = "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? "
	    "AND read_at = 0",
	[Q_MARK_ALL] = "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at = 0",
};

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_notification *n)
{
	n->id = zl_col_int(s, 0);
	n->user_id = zl_col_int(s, 1);
	n->kind = zl_arena_strdup(a, zl_col_text(s, 2));
	n->title = zl_arena_strdup(a, zl_col_text(s, 3));
	n->body = zl_arena_strdup(a, zl_col_text(s, 4));
	n->link = zl_arena_strdup(a, zl_col_text(s, 5));
	n->entity = zl_arena_strdup(a, zl_col_text(s, 6));
	n->entity_id = zl_col_int(s, 7);
	n->org_id = zl_col_int(s, 8);
	n->created_at = zl_col_int(s, 9);
	n->read_at = zl_col_int(s, 10);
}

int
zl_notify_store_subject(struct zl_conn *c, struct zl_arena *a, const char *subject, int64_t id,
    struct zl_notify_subject *out)
{
	struct zl_stmt	*s;
	int		 rc;

	if (strcmp(subject, "application") != 0 && strcmp(subject, "rectification") != 0)
		return ZL_ENOTFOUND;
	s = zl_stmt_get(c, sql[strcmp(subject, "rectification") == 0 ? Q_RECT : Q_APP]);
	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		out->app_id = zl_col_int(s, 0);
		out->code = zl_arena_strdup(a, zl_col_text(s, 1));
		out->item_name = zl_arena_strdup(a, zl_col_text(s, 2));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_notify_store_is_citizen(struct zl_conn *c, int64_t user)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_CITIZEN]);
	int64_t		 v;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, user);
	v = zl_stmt_scalar(s);
	return v < 0 ? (int)v : v != 0;
}

int
zl_notify_store_insert(struct zl_conn *c, const struct zl_notification *n)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	int64_t		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, n->user_id);
	zl_bind_text(s, 2, n->kind);
	zl_bind_text(s, 3, n->title);
	zl_bind_text(s, 4, n->body);
	zl_bind_text(s, 5, n->link);
	zl_bind_text(s, 6, n->entity);
	zl_bind_int(s, 7, n->entity_id);
	if (n->org_id > 0)
		zl_bind_int(s, 8, n->org_id);
	else
		zl_bind_null(s, 8);
	zl_bind_int(s, 9, n->created_at);
	rc = zl_stmt_run(s);
	return rc < 0 ? (int)rc : 0;
}

int
zl_notify_store_list(struct zl_conn *c, struct zl_arena *a, int64_t user,
    const struct zl_notify_filter *f, struct zl_notification **out, int *n)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[f->unread ? Q_LIST_UNREAD : Q_LIST]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, user);
	zl_bind_int(s, 2, f->before > 0 ? f->before : INT64_C(1) << 62);
	zl_bind_int(s, 3, f->limit + 1);
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n <= f->limit)
		row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_notify_store_unread(struct zl_conn *c, int64_t user, int64_t *count)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_UNREAD]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, user);
	*count = zl_stmt_scalar(s);
	return *count < 0 ? (int)*count : 0;
}

int
zl_notify_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, int64_t user,
    struct zl_notification *out)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_GET]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	zl_bind_int(s, 2, user);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		row(s, a, out);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int64_t
zl_notify_store_mark(struct zl_conn *c, int64_t id, int64_t user, int64_t at)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[id > 0 ? Q_MARK : Q_MARK_ALL]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, at);
	if (id > 0) {
		zl_bind_int(s, 2, id);
		zl_bind_int(s, 3, user);
	} else
		zl_bind_int(s, 2, user);
	return zl_stmt_run(s);
}
