/* application_store.c: SQL of applications, and the few catalog and workflow
 * rows an application page shows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "db/sql.h"
#include "modules/application/application.h"

#define COLS "a.id, a.code, a.item_id, a.item_version, a.org_id, a.applicant_id, " \
	"COALESCE(a.applicant_org, 0), a.channel, a.status, a.data, COALESCE(a.instance_id, 0), " \
	"a.submitted_at, a.finished_at, a.version, a.created_at, a.updated_at, " \
	"COALESCE(si.name, ''), COALESCE(u.display_name, '')"
#define FROM " FROM applications a LEFT JOIN service_items si ON si.id = a.item_id " \
	"LEFT JOIN users u ON u.id = a.applicant_id"

static void
row(struct zl_stmt *s, struct zl_arena *a, struct zl_application *ap)
{
	ap->id = zl_col_int(s, 0);
	ap->code = zl_arena_strdup(a, zl_col_text(s, 1));
	ap->item_id = zl_col_int(s, 2);
	ap->item_version = zl_col_int(s, 3);
	ap->org_id = zl_col_int(s, 4);
	ap->applicant_id = zl_col_int(s, 5);
	ap->applicant_org = zl_col_int(s, 6);
	ap->channel = zl_arena_strdup(a, zl_col_text(s, 7));
	ap->status = zl_arena_strdup(a, zl_col_text(s, 8));
	ap->data = zl_json_own(a, json_loads(zl_col_text(s, 9), 0, NULL));
	ap->instance_id = zl_col_int(s, 10);
	ap->submitted_at = zl_col_int(s, 11);
	ap->finished_at = zl_col_int(s, 12);
	ap->version = zl_col_int(s, 13);
	ap->created_at = zl_col_int(s, 14);
	ap->updated_at = zl_col_int(s, 15);
	ap->item_name = zl_arena_strdup(a, zl_col_text(s, 16));
	ap->applicant_name = zl_arena_strdup(a, zl_col_text(s, 17));
}

/* The form of an item's document.  Each thread keeps the last form it
 * parsed per slot, checked against the document's text, so that applying
 * does not parse the whole guide every time; the request holds a reference
 * of its own, so a slot may be replaced while a request still uses it. */
#define FORM_CACHE	64
static __thread struct { int64_t id; char *text; json_t *form; } forms[FORM_CACHE];

static json_t *
item_form(struct zl_arena *a, int64_t id, const char *text)
{
	unsigned	 i = (unsigned)((uint64_t)id % FORM_CACHE);
	json_t		*doc, *form;
	char		*copy;

	if (forms[i].text == NULL || forms[i].id != id || strcmp(forms[i].text, text) != 0) {
		if ((doc = json_loads(text, 0, NULL)) == NULL)
			return NULL;
		form = json_incref(json_object_get(doc, "form"));
		json_decref(doc);
		if (form == NULL || (copy = strdup(text)) == NULL)
			return zl_json_own(a, form);
		free(forms[i].text);
		json_decref(forms[i].form);
		forms[i].id = id;
		forms[i].text = copy;
		forms[i].form = form;
	}
	return zl_json_own(a, json_incref(forms[i].form));
}

int
zl_app_store_item(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_app_item *it)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT id, org_id, version, promised_days, visits, "
	    "name, audience, status, process_code, doc FROM service_items WHERE id = ?");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		it->id = zl_col_int(s, 0);
		it->org_id = zl_col_int(s, 1);
		it->version = zl_col_int(s, 2);
		it->promised_days = zl_col_int(s, 3);
		it->visits = zl_col_int(s, 4);
		it->name = zl_arena_strdup(a, zl_col_text(s, 5));
		it->audience = zl_arena_strdup(a, zl_col_text(s, 6));
		it->status = zl_arena_strdup(a, zl_col_text(s, 7));
		it->process_code = zl_arena_strdup(a, zl_col_text(s, 8));
		it->form = item_form(a, it->id, zl_col_text(s, 9));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

static int
one(struct zl_stmt *s, struct zl_arena *a, struct zl_application *ap)
{
	int rc = zl_stmt_step(s);

	if (rc == ZL_ROW)
		row(s, a, ap);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_app_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
    struct zl_application *ap)
{
	struct zl_stmt *s = zl_stmt_get(c, code ? "SELECT " COLS FROM " WHERE a.code = ?" :
	    "SELECT " COLS FROM " WHERE a.id = ?");

	if (s == NULL)
		return ZL_EDB;
	if (code)
		zl_bind_text(s, 1, code);
	else
		zl_bind_int(s, 1, id);
	return one(s, a, ap);
}

int
zl_app_store_by_key(struct zl_conn *c, struct zl_arena *a, int64_t applicant, const char *key,
    struct zl_application *ap)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT " COLS FROM " WHERE a.applicant_id = ? AND a.idem_key = ?");

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, applicant);
	zl_bind_text(s, 2, key);
	return one(s, a, ap);
}

int
zl_app_store_insert(struct zl_conn *c, struct zl_arena *a, struct zl_application *ap,
    const char *data, const char *key)
{
	struct zl_stmt	*s = zl_stmt_get(c, "INSERT INTO applications (code, item_id, item_version, "
	    "org_id, applicant_id, applicant_org, channel, status, data, idem_key, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	char		 tmp[48];
	struct tm	 tm;
	time_t		 t = (time_t)(ap->created_at + 8 * 3600);	/* the date in Beijing */
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	/* A temporary unique code; the final one needs the id. */
	snprintf(tmp, sizeof(tmp), "tmp-%lld-%lld", (long long)ap->applicant_id, (long long)ap->created_at);
	zl_bind_text(s, 1, tmp);
	zl_bind_int(s, 2, ap->item_id);
	zl_bind_int(s, 3, ap->item_version);
	zl_bind_int(s, 4, ap->org_id);
	zl_bind_int(s, 5, ap->applicant_id);
	if (ap->applicant_org) zl_bind_int(s, 6, ap->applicant_org); else zl_bind_null(s, 6);
	zl_bind_text(s, 7, ap->channel);
	zl_bind_text(s, 8, ap->status);
	zl_bind_text(s, 9, data);
	zl_bind_text(s, 10, key);
	zl_bind_int(s, 11, ap->created_at);
	zl_bind_int(s, 12, ap->updated_at);
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		ap->id = zl_col_int(s, 0);
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc < 0 ? rc : ZL_EDB;
	gmtime_r(&t, &tm);
	/* ZL + date + the id: short enough to read out on the phone. */
	ap->code = zl_arena_printf(a, "ZL%04d%02d%02d%06lld", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, (long long)ap->id);
	if ((s = zl_stmt_get(c, "UPDATE applications SET code = ? WHERE id = ?")) == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, ap->code);
	zl_bind_int(s, 2, ap->id);
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

int
zl_app_store_update(struct zl_conn *c, const struct zl_application *ap, const char *data,
    int64_t old_version)
{
	struct zl_stmt *s = zl_stmt_get(c, "UPDATE applications SET status = ?, data = ?, "
	    "instance_id = ?, submitted_at = ?, finished_at = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?");
	int64_t n;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_text(s, 1, ap->status);
	zl_bind_text(s, 2, data);
	if (ap->instance_id) zl_bind_int(s, 3, ap->instance_id); else zl_bind_null(s, 3);
	zl_bind_int(s, 4, ap->submitted_at);
	zl_bind_int(s, 5, ap->finished_at);
	zl_bind_int(s, 6, ap->updated_at);
	zl_bind_int(s, 7, ap->id);
	zl_bind_int(s, 8, old_version);
	if ((n = zl_stmt_run(s)) < 0)
		return (int)n;
	return n == 1 ? 0 : ZL_EVERSION;
}

int
zl_app_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *sc,
    const struct zl_app_filter *f, struct zl_application **out, int *n)
{
	struct zl_sql	 q;
	struct zl_stmt	*s;
	int		 rc;

	zl_sql_init(&q, a, "SELECT " COLS FROM " WHERE a.id > ?");
	zl_sql_int(&q, f->after);
	if (f->applicant_id) {
		zl_sql_add(&q, " AND a.applicant_id = ?");
		zl_sql_int(&q, f->applicant_id);
	} else
		zl_scope_sql(&q, sc, "a.org_id", "a.applicant_id");
	if (f->item_id) {
		zl_sql_add(&q, " AND a.item_id = ?");
		zl_sql_int(&q, f->item_id);
	}
	if (f->status) {
		zl_sql_add(&q, " AND a.status = ?");
		zl_sql_text(&q, f->status);
	}
	zl_sql_add(&q, " ORDER BY a.id LIMIT ?");
	zl_sql_int(&q, f->limit + 1);
	if ((s = zl_sql_prepare(c, &q)) == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(f->limit + 1) * sizeof(**out));
	*n = 0;
	while (*n <= f->limit && (rc = zl_stmt_step(s)) == ZL_ROW)
		row(s, a, &(*out)[(*n)++]);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_app_store_handler(struct zl_conn *c, int64_t instance, int64_t user, int64_t org)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT count(*) FROM wf_tasks WHERE instance_id = ? "
	    "AND (user_id = ? OR done_by = ? OR (user_id IS NULL AND role_org = ? AND role_id IN "
	    "(SELECT role_id FROM user_roles WHERE user_id = ?)))");
	int64_t v;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, instance);
	zl_bind_int(s, 2, user);
	zl_bind_int(s, 3, user);
	zl_bind_int(s, 4, org);
	zl_bind_int(s, 5, user);
	v = zl_stmt_scalar(s);
	return v < 0 ? (int)v : v > 0;
}

json_t *
zl_app_store_history(struct zl_conn *c, struct zl_arena *a, int64_t instance)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT h.at, h.action, h.step, h.to_step, h.comment, "
	    "COALESCE(u.display_name, '') FROM wf_history h LEFT JOIN users u ON u.id = h.actor_id "
	    "WHERE h.instance_id = ? ORDER BY h.id");
	json_t *arr = json_array();

	(void)a;
	if (s == NULL)
		return arr;
	zl_bind_int(s, 1, instance);
	while (zl_stmt_step(s) == ZL_ROW)
		json_array_append_new(arr, json_pack("{s:o,s:s,s:s,s:s,s:s,s:s}",
		    "at", zl_json_time(zl_col_int(s, 0)), "action", zl_col_text(s, 1),
		    "step", zl_col_text(s, 2), "to_step", zl_col_text(s, 3),
		    "comment", zl_col_text(s, 4), "actor", zl_col_text(s, 5)));
	zl_stmt_reset(s);
	return arr;
}

json_t *
zl_app_store_open_tasks(struct zl_conn *c, struct zl_arena *a, int64_t instance)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT t.id, t.step, t.mode, t.due_at, "
	    "COALESCE(u.display_name, ''), COALESCE(r.name, ''), COALESCE(o.name, '') "
	    "FROM wf_tasks t LEFT JOIN users u ON u.id = t.user_id LEFT JOIN roles r ON "
	    "r.id = t.role_id LEFT JOIN orgs o ON o.id = COALESCE(t.role_org, t.org_id) "
	    "WHERE t.instance_id = ? AND t.status = 'open' ORDER BY t.id");
	json_t *arr = json_array();

	(void)a;
	if (s == NULL)
		return arr;
	zl_bind_int(s, 1, instance);
	while (zl_stmt_step(s) == ZL_ROW)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:s}",
		    "id", (json_int_t)zl_col_int(s, 0), "step", zl_col_text(s, 1),
		    "mode", zl_col_text(s, 2), "due_at", zl_json_time(zl_col_int(s, 3)),
		    "user", zl_col_text(s, 4), "role", zl_col_text(s, 5), "org", zl_col_text(s, 6)));
	zl_stmt_reset(s);
	return arr;
}

int
zl_app_store_leaf(struct zl_conn *c, struct zl_arena *a, int64_t id, int64_t *leaf,
    const char **digest, const char **org_name)
{
	struct zl_stmt *s = zl_stmt_get(c, "SELECT au.leaf_index, au.digest, o.name FROM audit au "
	    "JOIN applications ap ON ap.id = au.entity_id JOIN orgs o ON o.id = ap.org_id "
	    "WHERE au.entity = 'application' AND au.entity_id = ? AND au.leaf_index IS NOT NULL "
	    "ORDER BY au.id DESC LIMIT 1");
	int rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, id);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		*leaf = zl_col_int(s, 0);
		*digest = zl_arena_strdup(a, zl_col_text(s, 1));
		*org_name = zl_arena_strdup(a, zl_col_text(s, 2));
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

json_t *
zl_app_store_rating(struct zl_conn *c, int64_t id)
{
	static const char *const levels[6] = { "", "非常不满意", "不满意", "基本满意", "满意", "非常满意" };
	struct zl_stmt *s = zl_stmt_get(c, "SELECT overall, created_at, COALESCE(rectification_id, 0) "
	    "FROM ratings WHERE application_id = ?");
	json_t *j = json_null();
	int64_t o;

	if (s == NULL)
		return j;
	zl_bind_int(s, 1, id);
	if (zl_stmt_step(s) == ZL_ROW && (o = zl_col_int(s, 0)) >= 1 && o <= 5)
		j = json_pack("{s:I,s:s,s:o,s:o}", "overall", (json_int_t)o, "level", levels[o],
		    "created_at", zl_json_time(zl_col_int(s, 1)), "rectification_id",
		    zl_col_int(s, 2) ? json_integer(zl_col_int(s, 2)) : json_null());
	zl_stmt_reset(s);
	return j;
}
