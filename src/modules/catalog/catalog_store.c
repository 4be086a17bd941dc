/* catalog_store.c: SQL of the service catalog: items (columns for filters,
 * the whole item as JSON text), their version rows, and the org lookups the
 * rules need.  Every value is bound. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/catalog/catalog.h"

#define COLS "i.id, i.code, i.name, i.org_id, i.type, i.audience, i.doc, " \
	"i.promised_days, i.statutory_days, i.visits, i.status, i.version, " \
	"i.created_at, i.updated_at, o.name, o.path, " \
	"COALESCE((SELECT max(p.id) FROM process_defs p WHERE p.code = i.process_code), 0), " \
	"o.code"
#define FROM " FROM service_items i JOIN orgs o ON o.id = i.org_id"

enum { Q_GET, Q_BY_CODE, Q_INSERT, Q_UPDATE, Q_ADD_VERSION, Q_VERSIONS, Q_ORG,
	Q_ORG_BY_CODE, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_GET] = "SELECT " COLS FROM " WHERE i.id = ?",
	[Q_BY_CODE] = "SELECT " COLS FROM " WHERE i.code = ?",
	[Q_INSERT] = "INSERT INTO service_items (code, name, org_id, type, audience, doc, "
	    "process_code, promised_days, statutory_days, visits, status, version, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
	    "RETURNING id",
	[Q_UPDATE] = "UPDATE service_items SET name = ?, org_id = ?, type = ?, audience = ?, "
	    "doc = ?, promised_days = ?, statutory_days = ?, visits = ?, status = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
	[Q_ADD_VERSION] = "INSERT INTO service_item_versions (item_id, version, doc, status, "
	    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_VERSIONS] = "SELECT v.version, v.doc, v.status, v.created_at, "
	    "COALESCE(v.created_by, 0), COALESCE(u.display_name, '系统') "
	    "FROM service_item_versions v LEFT JOIN users u ON u.id = v.created_by "
	    "WHERE v.item_id = ? ORDER BY v.version DESC",
	[Q_ORG] = "SELECT id, path, status, name FROM orgs WHERE id = ?",
	[Q_ORG_BY_CODE] = "SELECT id, path, status, name FROM orgs WHERE code = ?",
};

static json_t *
load_json(struct zl_arena *a, const char *text)
{
	json_t *j = json_loads(text, 0, NULL);

	return j != NULL ? zl_json_own(a, j) : zl_json_own(a, json_object());
}

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_item *it)
{
	it->id = zl_col_int(s, 0);
	it->code = zl_arena_strdup(a, zl_col_text(s, 1));
	it->name = zl_arena_strdup(a, zl_col_text(s, 2));
	it->org_id = zl_col_int(s, 3);
	it->type = zl_arena_strdup(a, zl_col_text(s, 4));
	it->audience = zl_arena_strdup(a, zl_col_text(s, 5));
	it->doc = load_json(a, zl_col_text(s, 6));
	it->promised_days = (int)zl_col_int(s, 7);
	it->statutory_days = (int)zl_col_int(s, 8);
	it->visits = (int)zl_col_int(s, 9);
	it->status = zl_arena_strdup(a, zl_col_text(s, 10));
	it->version = zl_col_int(s, 11);
	it->created_at = zl_col_int(s, 12);
	it->updated_at = zl_col_int(s, 13);
	it->org_name = zl_arena_strdup(a, zl_col_text(s, 14));
	it->org_path = zl_arena_strdup(a, zl_col_text(s, 15));
	it->process_def_id = zl_col_int(s, 16);
	it->org_code = zl_arena_strdup(a, zl_col_text(s, 17));
}

static int
one(struct zl_stmt *s, struct zl_arena *a, struct zl_item *it)
{
	int rc = zl_stmt_step(s);

	if (rc == ZL_ROW)
		row(s, a, it);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_item_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_item *it)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_GET]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	return one(s, a, it);
}

int
zl_item_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
    struct zl_item *it)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_BY_CODE]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, code);
	return one(s, a, it);
}

/* Sets it->id; the process code is the item code. */
int
zl_item_store_insert(struct zl_conn *c, struct zl_item *it, const char *doc)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_INSERT]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, it->code);
	zl_bind_text(s, 2, it->name);
	zl_bind_int(s, 3, it->org_id);
	zl_bind_text(s, 4, it->type);
	zl_bind_text(s, 5, it->audience);
	zl_bind_text(s, 6, doc);
	zl_bind_text(s, 7, it->code);
	zl_bind_int(s, 8, it->promised_days);
	zl_bind_int(s, 9, it->statutory_days);
	zl_bind_int(s, 10, it->visits);
	zl_bind_text(s, 11, it->status);
	zl_bind_int(s, 12, it->created_at);
	zl_bind_int(s, 13, it->updated_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		it->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

int
zl_item_store_update(struct zl_conn *c, const struct zl_item *it, const char *doc,
    int64_t old_version)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_UPDATE]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, it->name);
	zl_bind_int(s, 2, it->org_id);
	zl_bind_text(s, 3, it->type);
	zl_bind_text(s, 4, it->audience);
	zl_bind_text(s, 5, doc);
	zl_bind_int(s, 6, it->promised_days);
	zl_bind_int(s, 7, it->statutory_days);
	zl_bind_int(s, 8, it->visits);
	zl_bind_text(s, 9, it->status);
	zl_bind_int(s, 10, it->updated_at);
	zl_bind_int(s, 11, it->id);
	zl_bind_int(s, 12, old_version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_item_store_add_version(struct zl_conn *c, int64_t item_id, int64_t version,
    const char *snapshot, const char *status, int64_t at, int64_t by)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_ADD_VERSION]);
	int64_t		 n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, item_id);
	zl_bind_int(s, 2, version);
	zl_bind_text(s, 3, snapshot);
	zl_bind_text(s, 4, status);
	zl_bind_int(s, 5, at);
	if (by != 0) zl_bind_int(s, 6, by); else zl_bind_null(s, 6);
	n = zl_stmt_run(s);
	return n == 1 ? 0 : n < 0 ? (int)n : ZL_EDB;
}

/* Grow *v (of elements of size sz, *have allocated) to hold one more. */
static void *
grow(struct zl_arena *a, void *v, size_t sz, int n, size_t *have)
{
	void *p;

	if ((size_t)n < *have)
		return v;
	*have = *have ? *have * 2 : 32;
	p = zl_arena_alloc(a, *have * sz);
	if (n > 0)
		memcpy(p, v, (size_t)n * sz);
	return p;
}

int
zl_item_store_versions(struct zl_conn *c, struct zl_arena *a, int64_t id,
    struct zl_item_version **out, int *n)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_VERSIONS]);
	size_t		 have = 0;
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	*n = 0;
	*out = NULL;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		struct zl_item_version *v;
		*out = grow(a, *out, sizeof(**out), *n, &have);
		v = &(*out)[(*n)++];
		v->version = zl_col_int(s, 0);
		v->item = load_json(a, zl_col_text(s, 1));
		v->status = zl_arena_strdup(a, zl_col_text(s, 2));
		v->created_at = zl_col_int(s, 3);
		v->created_by = zl_col_int(s, 4);
		v->created_by_name = zl_arena_strdup(a, zl_col_text(s, 5));
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

/* Staff lists: items in scope, and published items anywhere (internal items
 * serve every department).  The public list: published and public only. */
int
zl_item_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_item_filter *f, struct zl_item **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	size_t		 have = 0;
	int		 rc;

	zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE i.id > ?");
	zl_sql_int(&q, f->after);
	if (f->public_only || sc == NULL) {
		zl_sql_add(&q, " AND i.status = 'published' AND i.audience = 'public'");
	} else {
		zl_sql_add(&q, " AND (i.status = 'published' OR (1 = 1");
		zl_scope_sql(&q, sc, "i.org_id", NULL);
		zl_sql_add(&q, "))");
	}
	if (f->org_id != 0) {
		zl_sql_add(&q, " AND i.org_id = ?");
		zl_sql_int(&q, f->org_id);
	}
	if (f->status != NULL) {
		zl_sql_add(&q, " AND i.status = ?");
		zl_sql_text(&q, f->status);
	}
	if (f->audience != NULL) {
		zl_sql_add(&q, " AND i.audience = ?");
		zl_sql_text(&q, f->audience);
	}
	if (f->type != NULL) {
		zl_sql_add(&q, " AND i.type = ?");
		zl_sql_text(&q, f->type);
	}
	if (f->q != NULL) {
		zl_sql_add(&q, " AND (i.name LIKE ? ESCAPE '!' OR i.code LIKE ? ESCAPE '!')");
		zl_sql_like(&q, f->q);
		zl_sql_like(&q, f->q);
	}
	zl_sql_add(&q, " ORDER BY i.id");
	if (f->limit > 0) {
		zl_sql_add(&q, " LIMIT ?");
		zl_sql_int(&q, f->limit + 1);
	}
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*n = 0;
	*out = NULL;
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*out = grow(a, *out, sizeof(**out), *n, &have);
		row(s, a, &(*out)[(*n)++]);
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_item_store_org(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
    struct zl_item_org *o)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[code != NULL ? Q_ORG_BY_CODE : Q_ORG]);
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	if (code != NULL)
		zl_bind_text(s, 1, code);
	else
		zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		o->id = zl_col_int(s, 0);
		o->path = zl_arena_strdup(a, zl_col_text(s, 1));
		o->status = zl_arena_strdup(a, zl_col_text(s, 2));
		o->name = zl_arena_strdup(a, zl_col_text(s, 3));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}
