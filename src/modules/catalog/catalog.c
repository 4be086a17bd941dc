/* catalog.c: rules of the service catalog.  The process of an item is saved
 * as the next version of the definition whose code is the item code; writes stay inside the caller's catalog.write
 * scope; status moves draft → published ⇄ withdrawn; every change is a new
 * version row and an audit row in the same transaction. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/catalog/catalog.h"
#include "workflow/engine.h"
#include "workflow/form.h"

const char *const zl_item_status_names[ZL_ITEM__MAX] = {
	[ZL_ITEM_DRAFT] = "draft", [ZL_ITEM_PUBLISHED] = "published",
	[ZL_ITEM_WITHDRAWN] = "withdrawn",
};

static const struct transition {
	enum zl_item_action	 act;
	enum zl_item_status	 from, to;
} transitions[] = {
	{ ZL_ITEM_PUBLISH, ZL_ITEM_DRAFT, ZL_ITEM_PUBLISHED },
	{ ZL_ITEM_PUBLISH, ZL_ITEM_WITHDRAWN, ZL_ITEM_PUBLISHED },
	{ ZL_ITEM_WITHDRAW, ZL_ITEM_PUBLISHED, ZL_ITEM_WITHDRAWN },
};
static const char *const action_names[ZL_ITEM_ACTION__MAX] = { "publish", "withdraw" };

/* ---- records ---- */

static const char *
sget(const json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s != NULL ? s : "";
}

/* The columns of an item from its document. */
static void
fill(struct zl_item *it, json_t *doc)
{
	it->doc = doc;
	it->code = sget(doc, "code");
	it->name = sget(doc, "name");
	it->type = sget(doc, "type");
	it->audience = sget(doc, "audience");
	it->org_id = json_integer_value(json_object_get(doc, "org_id"));
	it->statutory_days = (int)json_integer_value(json_object_get(doc, "statutory_days"));
	it->promised_days = (int)json_integer_value(json_object_get(doc, "promised_days"));
	it->visits = (int)json_integer_value(json_object_get(doc, "visits"));
}

json_t *
zl_item_json(const struct zl_item *it, int summary)
{
	json_t *j;

	if (summary)
		j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:i,s:i,s:i}", "code", it->code,
		    "name", it->name, "org_id", (json_int_t)it->org_id, "type", it->type,
		    "audience", it->audience, "statutory_days", it->statutory_days,
		    "promised_days", it->promised_days, "visits", it->visits);
	else
		j = json_deep_copy(it->doc);
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "id", json_integer(it->id));
	json_object_set_new(j, "org_name", json_string(it->org_name ? it->org_name : ""));
	json_object_set_new(j, "status", json_string(it->status));
	json_object_set_new(j, "version", json_integer(it->version));
	json_object_set_new(j, "process_code", json_string(it->code));
	json_object_set_new(j, "process_def_id", it->process_def_id ?
	    json_integer(it->process_def_id) : json_null());
	json_object_set_new(j, "created_at", zl_json_time(it->created_at));
	json_object_set_new(j, "updated_at", zl_json_time(it->updated_at));
	return j;
}

static int
in_scope(const struct zl_principal *p, enum zl_perm perm, int64_t org, const char *path)
{
	struct zl_scope s;

	zl_scope_for(p, perm, &s);
	return zl_scope_covers(&s, org, path, -1);
}

/* The org an item is to belong to: active and inside the writer's scope. */
static int
target_org(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, struct zl_item_org *o, struct zl_error *err)
{
	int rc = zl_item_store_org(c, a, id, NULL, o);

	if (rc == ZL_ENOTFOUND)
		return zl_err_field(err, "org_id", "no such org");
	if (rc != 0)
		return rc;
	if (who->who != NULL && !in_scope(who->who, ZL_P_CATALOG_WRITE, o->id, o->path))
		return zl_err_set(err, ZL_EPERM, NULL,
		    "该机构不在您的事项管理范围内 (org outside your catalog.write scope)");
	if (strcmp(o->status, "active") != 0)
		return zl_err_field(err, "org_id", "org is disabled");
	return 0;
}

/* Save the process as the next version of the definition named by the code. */
static int
save_process(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_item *it, struct zl_error *err)
{
	struct zl_form		*form;
	struct zl_wf_def	*def;
	int			 from = err->nfields, rc;

	if ((rc = zl_form_parse(json_object_get(it->doc, "form"), a, &form, err)) != 0) {
		zl_item_err_prefix(err, from, "form.", a);
		return rc;
	}
	from = err->nfields;
	rc = zl_wf_def_save(c, a, who, it->code, it->name, json_object_get(it->doc, "process"),
	    form, it->org_id, &def, err);
	zl_item_err_prefix(err, from, "process.", a);
	if (rc == 0)
		it->process_def_id = def->id;
	return rc;
}

/* The version row and the audit row of a change just stored. */
static int
record(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_item *it, const char *action)
{
	json_t	*snap = zl_json_own(a, zl_item_json(it, 0));
	char	*text = snap ? zl_json_canonical(a, snap) : NULL;
	int	 rc;

	if (text == NULL)
		return ZL_ENOMEM;
	if ((rc = zl_item_store_add_version(c, it->id, it->version, text, it->status,
	    it->updated_at, who->who ? who->who->user_id : 0)) != 0)
		return rc;
	return zl_audit(c, a, who, "item", it->id, it->org_id, action, snap);
}

static int
create_tx(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    json_t *doc, struct zl_item **out, struct zl_error *err)
{
	struct zl_item		*it = zl_arena_alloc(a, sizeof(*it));
	struct zl_item_org	 o;
	char			*text = zl_json_canonical(a, doc);
	int			 rc;

	fill(it, doc);
	if ((rc = target_org(c, a, who, it->org_id, &o, err)) != 0)
		return rc;
	it->org_name = o.name;
	it->org_path = o.path;
	it->status = zl_item_status_names[ZL_ITEM_DRAFT];
	it->version = 1;
	it->created_at = it->updated_at = (int64_t)time(NULL);
	if ((rc = zl_item_store_insert(c, it, text)) == ZL_ECONFLICT) {
		zl_err_field(err, "code", "already used");
		return zl_err_set(err, rc, NULL, "事项编码 %s 已被使用 (code taken)", it->code);
	}
	if (rc != 0)
		return rc;
	if ((rc = save_process(c, a, who, it, err)) != 0 ||
	    (rc = record(c, a, who, it, "create")) != 0)
		return rc;
	*out = it;
	return 0;
}

/* Load an item the actor may change: 404 when it cannot even read it. */
static int
load_writable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, int64_t version, struct zl_item *it, struct zl_error *err)
{
	int rc;

	if ((rc = zl_item_store_get(c, a, id, it)) != 0)
		return rc;
	if (who->who != NULL &&
	    !in_scope(who->who, ZL_P_CATALOG_WRITE, it->org_id, it->org_path))
		return in_scope(who->who, ZL_P_CATALOG_READ, it->org_id, it->org_path) ||
		    strcmp(it->status, "published") == 0 ? zl_err_set(err, ZL_EPERM, NULL,
		    "无权修改该事项 (outside your catalog.write scope)") : ZL_ENOTFOUND;
	if (version != 0 && version != it->version)
		return zl_err_set(err, ZL_EVERSION, NULL, "当前版本为 %lld",
		    (long long)it->version);
	return 0;
}

static int
update_tx(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, const json_t *patch, int64_t version, struct zl_item **out,
    struct zl_error *err)
{
	struct zl_item		*it = zl_arena_alloc(a, sizeof(*it));
	struct zl_item_org	 o;
	struct zl_form		*form;
	json_t			*doc;
	int64_t			 old;
	int			 rc;

	if ((rc = load_writable(c, a, who, id, version, it, err)) != 0)
		return rc;
	old = it->version;
	doc = zl_json_own(a, json_deep_copy(it->doc));
	json_object_update(doc, (json_t *)patch);
	if (json_object_get(patch, "org_id") != NULL) {
		if ((rc = target_org(c, a, who,
		    json_integer_value(json_object_get(patch, "org_id")), &o, err)) != 0)
			return rc;
		it->org_name = o.name;
		it->org_path = o.path;
	}
	if ((rc = zl_item_check(doc, a, &form, err)) != 0)
		return rc;
	fill(it, doc);
	it->updated_at = (int64_t)time(NULL);
	if ((rc = zl_item_store_update(c, it, zl_json_canonical(a, doc), old)) != 0)
		return rc == ZL_EVERSION ? zl_err_set(err, rc, NULL, "事项已被他人修改") : rc;
	it->version = old + 1;
	if ((json_object_get(patch, "form") || json_object_get(patch, "process") ||
	    json_object_get(patch, "org_id") || json_object_get(patch, "name")) &&
	    (rc = save_process(c, a, who, it, err)) != 0)
		return rc;
	if ((rc = record(c, a, who, it, "update")) != 0)
		return rc;
	*out = it;
	return 0;
}

static int
act_tx(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who, int64_t id,
    enum zl_item_action act, int64_t version, struct zl_item **out, struct zl_error *err)
{
	struct zl_item	*it = zl_arena_alloc(a, sizeof(*it));
	const char	*to = NULL;
	int		 rc;

	if ((rc = load_writable(c, a, who, id, version, it, err)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].act == act &&
		    strcmp(it->status, zl_item_status_names[transitions[i].from]) == 0)
			to = zl_item_status_names[transitions[i].to];
	if (to == NULL)
		return zl_err_set(err, ZL_ECONFLICT, NULL,
		    "事项状态为 %s，不能执行 %s (not allowed from %s)", it->status,
		    action_names[act], it->status);
	it->status = to;
	it->updated_at = (int64_t)time(NULL);
	if ((rc = zl_item_store_update(c, it, zl_json_canonical(a, it->doc), it->version)) != 0)
		return rc;
	it->version++;
	if ((rc = record(c, a, who, it, action_names[act])) != 0)
		return rc;
	*out = it;
	return 0;
}

/* Run one of the above in its own transaction. */
static int
finish(struct zl_conn *c, int rc)
{
	if (rc == 0 && (rc = zl_tx_commit(c)) == 0)
		return 0;
	zl_tx_rollback(c);
	return rc;
}

int
zl_item_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_item_in *in, struct zl_item **out, struct zl_error *err)
{
	int rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	return finish(c, create_tx(c, a, who, in->doc, out, err));
}

int
zl_item_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, const struct zl_item_in *in, struct zl_item **out, struct zl_error *err)
{
	int rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	return finish(c, update_tx(c, a, who, id, in->doc, in->version, out, err));
}

int
zl_item_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, enum zl_item_action act, int64_t version, struct zl_item **out,
    struct zl_error *err)
{
	int rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	return finish(c, act_tx(c, a, who, id, act, version, out, err));
}

/* An item of the import without form and process (ZL_IMPORT_KEEP_FLOW) takes
 * those of the stored item of its code; body is borrowed, the copy is new. */
static const json_t *
with_stored_flow(struct zl_arena *a, const json_t *body, const struct zl_item *cur)
{
	json_t *copy;

	if (json_object_get(body, "form") != NULL || json_object_get(body, "process") != NULL)
		return body;
	copy = zl_json_own(a, json_copy((json_t *)body));
	json_object_set(copy, "form", json_object_get(cur->doc, "form"));
	json_object_set(copy, "process", json_object_get(cur->doc, "process"));
	return copy;
}

static int
import_one(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const json_t *body, unsigned flags, int *created, struct zl_item **out,
    struct zl_error *err)
{
	struct zl_item_in	 in;
	struct zl_item		 cur;
	int			 rc, found;

	rc = zl_item_store_by_code(c, a, sget(body, "code"), &cur);
	if (rc != 0 && rc != ZL_ENOTFOUND)
		return rc;
	found = rc == 0;
	if (found && (flags & ZL_IMPORT_KEEP_FLOW))
		body = with_stored_flow(a, body, &cur);
	if ((rc = zl_item_decode(&in, body, 1, a, err)) != 0)
		return rc;
	*created = !found;
	if (found) {
		json_object_del(in.doc, "code");
		rc = update_tx(c, a, who, cur.id, in.doc, 0, out, err);
	} else
		rc = create_tx(c, a, who, in.doc, out, err);
	if (rc == 0 && (flags & ZL_IMPORT_PUBLISH) && strcmp((*out)->status, "published") != 0)
		rc = act_tx(c, a, who, (*out)->id, ZL_ITEM_PUBLISH, 0, out, err);
	return rc;
}

int
zl_item_import(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const json_t *items, unsigned flags, json_t **result, int *failed,
    struct zl_error *err)
{
	json_t	*list = json_array(), *e;
	size_t	 i;
	int	 rc, created = 0, ncreated = 0, nupdated = 0;

	*result = NULL;
	if (failed != NULL)
		*failed = -1;
	zl_json_own(a, list);
	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > ZL_IMPORT_MAX)
		return zl_err_field(err, "items", "an array of 1 to 1000 items");
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	json_array_foreach(items, i, e) {
		struct zl_item	*it;
		int		 from = err->nfields;

		if (!json_is_object(e))
			rc = zl_err_field(err, zl_arena_printf(a, "items[%zu]", i), "must be an object");
		else
			rc = import_one(c, a, who, e, flags, &created, &it, err);
		if (rc != 0) {
			char *was = zl_arena_strdup(a, err->detail);
			zl_item_err_prefix(err, from, zl_arena_printf(a, "items[%zu].", i), a);
			zl_err_set(err, rc, NULL, "第 %zu 个事项：%.200s", i + 1, was);
			if (failed != NULL)
				*failed = (int)i;
			return finish(c, rc);
		}
		created ? ncreated++ : nupdated++;
		json_array_append_new(list, json_pack("{s:I,s:s,s:I,s:s}", "id",
		    (json_int_t)it->id, "code", it->code, "version", (json_int_t)it->version,
		    "status", it->status));
	}
	if ((rc = finish(c, 0)) != 0)
		return rc;
	*result = json_pack("{s:i,s:i,s:O}", "created", ncreated, "updated", nupdated,
	    "items", list);
	return 0;
}

/* ---- reading ---- */

int
zl_item_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    int64_t id, struct zl_item **out)
{
	struct zl_item	*it = zl_arena_alloc(a, sizeof(*it));
	int		 published, rc;

	if ((rc = zl_item_store_get(c, a, id, it)) != 0)
		return rc;
	published = strcmp(it->status, "published") == 0;
	if (p == NULL ? !published || strcmp(it->audience, "public") != 0 :
	    !published && !in_scope(p, ZL_P_CATALOG_READ, it->org_id, it->org_path))
		return ZL_ENOTFOUND;
	*out = it;
	return 0;
}

int
zl_item_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_item_filter *f, struct zl_item **out, int *n)
{
	struct zl_scope s;

	if (p == NULL || f->public_only)
		return zl_item_store_list(c, a, NULL, f, out, n);
	zl_scope_for(p, ZL_P_CATALOG_READ, &s);
	return zl_item_store_list(c, a, &s, f, out, n);
}

int
zl_item_versions(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    int64_t id, struct zl_item_version **out, int *n)
{
	struct zl_item	it;
	int		rc;

	if ((rc = zl_item_store_get(c, a, id, &it)) != 0)
		return rc;
	if (!in_scope(p, ZL_P_CATALOG_READ, it.org_id, it.org_path))
		return ZL_ENOTFOUND;
	return zl_item_store_versions(c, a, id, out, n);
}
