/* catalog_http.c: the /api/v1/items routes (staff) and /api/v1/public/items
 * (anyone).  Decode, call catalog.c, encode; the workbook comes from
 * catalog_xlsx.c.  All memory belongs to the request's arena. */
#include <stddef.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/catalog/catalog.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static struct zl_actor
actor(struct zl_req *r)
{
	return (struct zl_actor){ r->who, r->client_addr };
}

static const char *
query(struct zl_req *r, const char *name)
{
	const char *s = zl_req_query(r, name);

	return s != NULL && *s != '\0' ? s : NULL;
}

static int
one_of(const char *s, const char *const *list)
{
	for (int i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return s == NULL;
}

/* ?q= &type= &org_id= (and for staff &status= &audience=); 400 on bad values. */
static int
filter(struct zl_req *r, struct zl_item_filter *f, int staff, int paged)
{
	static const char *const statuses[] = { "draft", "published", "withdrawn", NULL };
	static const char *const audiences[] = { "public", "internal", NULL };
	int rc;

	memset(f, 0, sizeof(*f));
	if ((paged && (rc = zl_req_page(r, &f->limit, &f->after)) != 0) ||
	    (rc = zl_req_query_int(r, "org_id", &f->org_id)) != 0)
		return rc;
	f->public_only = !staff;
	f->q = query(r, "q");
	f->type = query(r, "type");
	if (!one_of(f->type, zl_item_types))
		return zl_err_field(&r->err, "type", "not an item type");
	if (!staff)
		return 0;
	f->status = query(r, "status");
	f->audience = query(r, "audience");
	if (!one_of(f->status, statuses))
		return zl_err_field(&r->err, "status", "draft, published or withdrawn");
	if (!one_of(f->audience, audiences))
		return zl_err_field(&r->err, "audience", "public or internal");
	return 0;
}

static int
list(struct zl_req *r, int staff)
{
	struct zl_item_filter	 f;
	struct zl_item		*items;
	json_t			*out;
	int			 n, rc;

	if ((rc = filter(r, &f, staff, 1)) != 0 ||
	    (rc = zl_item_list(r->db, &r->arena, staff ? r->who : NULL, &f, &items, &n)) != 0)
		return rc;
	out = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(out, zl_item_json(&items[i], 1));
	return zl_reply_list(r, out, n > f.limit ? items[f.limit - 1].id : 0);
}

/* 200 {items, next_cursor}: published public items. */
static int
handle_public_list(struct zl_req *r)
{
	return list(r, 0);
}

/* 200 {items, next_cursor}: items in scope and published items; 400 bad filter. */
static int
handle_list(struct zl_req *r)
{
	return list(r, 1);
}

/* 200 Item; 404 unknown, unpublished or internal. */
static int
handle_public_get(struct zl_req *r)
{
	struct zl_item *it;
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_item_get(r->db, &r->arena, NULL, id, &it)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_item_json(it, 0));
}

/* 200 Item; 404 unknown, or a draft or withdrawn item outside scope. */
static int
handle_get(struct zl_req *r)
{
	struct zl_item *it;
	int64_t id;
	int rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_item_get(r->db, &r->arena, r->who, id, &it)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_item_json(it, 0));
}

/* 200 {items:[{version, status, created_at, created_by, created_by_name, item}]}
 * newest first; 404 outside scope. */
static int
handle_versions(struct zl_req *r)
{
	struct zl_item_version	*v;
	json_t			*out;
	int64_t			 id;
	int			 n, rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_item_versions(r->db, &r->arena, r->who, id, &v, &n)) != 0)
		return rc;
	out = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:I,s:s,s:o,s:o,s:s,s:O}",
		    "version", (json_int_t)v[i].version, "status", v[i].status,
		    "created_at", zl_json_time(v[i].created_at),
		    "created_by", v[i].created_by ? json_integer(v[i].created_by) : json_null(),
		    "created_by_name", v[i].created_by_name, "item", v[i].item));
	return zl_reply_json(r, 200, json_pack("{s:o}", "items", out));
}

/* 201 Item (draft); 400 bad input naming the field; 403 org outside the
 * catalog.write scope; 409 code taken. */
static int
handle_create(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_item_in	 in;
	struct zl_item		*it;
	json_t			*body;
	int			 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_item_decode(&in, body, 1, &r->arena, &r->err)) != 0 ||
	    (rc = zl_item_create(r->db, &r->arena, &who, &in, &it, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 201, zl_item_json(it, 0));
}

/* 200 Item (status unchanged, version + 1); 409 stale version; 428 none. */
static int
handle_update(struct zl_req *r)
{
	struct zl_actor		 who = actor(r);
	struct zl_item_in	 in;
	struct zl_item		*it;
	json_t			*body;
	int64_t			 id;
	int			 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 || (rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_item_decode(&in, body, 0, &r->arena, &r->err)) != 0 ||
	    (rc = zl_req_version(r, in.version, &in.version)) != 0 ||
	    (rc = zl_item_update(r->db, &r->arena, &who, id, &in, &it, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_item_json(it, 0));
}

/* 200 Item; 409 not allowed from the current status or stale version.
 * The version (If-Match or {"version"}) is optional here. */
static int
act(struct zl_req *r, enum zl_item_action what)
{
	static const struct zl_jfield fields[] = {
		{ "version", ZL_J_INT, 0, 0, 0 }, { NULL },
	};
	struct zl_actor	 who = actor(r);
	struct zl_item	*it;
	int64_t		 id, version = 0;
	int		 rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0)
		return rc;
	if (r->json != NULL &&
	    (rc = zl_json_decode(r->json, fields, &version, NULL, &r->arena, &r->err)) != 0)
		return rc;
	if ((version > 0 || zl_req_header(r, "If-Match") != NULL) &&
	    (rc = zl_req_version(r, version, &version)) != 0)
		return rc;
	if ((rc = zl_item_act(r->db, &r->arena, &who, id, what, version, &it, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_item_json(it, 0));
}

static int
handle_publish(struct zl_req *r)
{
	return act(r, ZL_ITEM_PUBLISH);
}

static int
handle_withdraw(struct zl_req *r)
{
	return act(r, ZL_ITEM_WITHDRAW);
}

/* ?publish=1 (or true): publish the imported items not yet published. */
static int
publish_query(struct zl_req *r, int *publish)
{
	const char *s = query(r, "publish");

	*publish = s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
	if (s != NULL && !*publish && strcmp(s, "0") != 0 && strcmp(s, "false") != 0)
		return zl_err_field(&r->err, "publish", "1 or 0");
	return 0;
}

/* The body is an .xlsx workbook: 400 names the cells ("事项清单!C7"), or is a
 * bad-xlsx problem; 413 past the reader's limits. */
static int
import_xlsx(struct zl_req *r, struct zl_actor *who)
{
	json_t	*result;
	int	 publish, rc;

	if ((rc = publish_query(r, &publish)) != 0 ||
	    (rc = zl_item_import_xlsx(r->db, &r->arena, who, r->body, r->body_len,
	    publish ? ZL_IMPORT_PUBLISH : 0, &result, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, result);
}

/* 200 {created, updated, items}; body {"items":[Item…], "publish"?: bool}, or
 * an .xlsx workbook (Content-Type XLSX_TYPE, ?publish=1).  All or nothing:
 * 400 names items[i].field or the cell, 403 an org outside scope, 415 a body
 * of another type. */
static int
handle_import(struct zl_req *r)
{
	struct zl_actor	 who = actor(r);
	const char	*key, *ct = zl_req_header(r, "Content-Type");
	size_t		 n = strlen(XLSX_TYPE);
	json_t		*body, *v, *items = NULL, *result;
	int		 publish = 0, rc = 0;

	if (r->json == NULL && r->body_len > 0) {
		if (ct == NULL || strncmp(ct, XLSX_TYPE, n) != 0 || (ct[n] != '\0' && ct[n] != ';'))
			return zl_err_set(&r->err, ZL_EMEDIA, NULL, "请求体须为 application/json 或 "
			    ".xlsx 工作簿 (send JSON or an xlsx workbook)");
		return import_xlsx(r, &who);
	}
	if ((rc = zl_req_body(r, &body)) != 0)
		return rc;
	json_object_foreach(body, key, v) {
		if (strcmp(key, "items") == 0)
			items = v;
		else if (strcmp(key, "publish") == 0 && json_is_boolean(v))
			publish = json_is_true(v);
		else
			rc = zl_err_field(&r->err, zl_arena_strdup(&r->arena, key),
			    strcmp(key, "publish") == 0 ? "must be true or false" : "unknown field");
	}
	if (items == NULL)
		rc = zl_err_field(&r->err, "items", "required");
	if (rc != 0 ||
	    (rc = zl_item_import(r->db, &r->arena, &who, items,
	    publish ? ZL_IMPORT_PUBLISH : 0, &result, NULL, &r->err)) != 0)
		return rc;
	return zl_reply_json(r, 200, result);
}

/* 200 the empty workbook to fill in for an import, with 填写说明. */
static int
handle_template(struct zl_req *r)
{
	char	*xlsx;
	size_t	 len;
	int	 rc;

	if ((rc = zl_catalog_xlsx(&r->arena, NULL, 0, &xlsx, &len)) != 0)
		return rc;
	zl_reply_header(r, "Content-Disposition", "attachment; filename=\"catalog-template.xlsx\"; "
	    "filename*=UTF-8''%E4%BA%8B%E9%A1%B9%E6%B8%85%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx");
	return zl_reply_bytes(r, 200, XLSX_TYPE, xlsx, len);
}

/* 200 an .xlsx workbook of the items the caller may read (filters as the list). */
static int
handle_export(struct zl_req *r)
{
	struct zl_item_filter	 f;
	struct zl_item		*items;
	char			*xlsx;
	size_t			 len;
	int			 n, rc;

	if ((rc = filter(r, &f, 1, 0)) != 0 ||
	    (rc = zl_item_list(r->db, &r->arena, r->who, &f, &items, &n)) != 0 ||
	    (rc = zl_catalog_xlsx(&r->arena, items, n, &xlsx, &len)) != 0)
		return rc;
	zl_reply_header(r, "Content-Disposition", "attachment; filename=\"catalog.xlsx\"; "
	    "filename*=UTF-8''%E4%BA%8B%E9%A1%B9%E6%B8%85%E5%8D%95.xlsx");
	return zl_reply_bytes(r, 200, XLSX_TYPE, xlsx, len);
}

const struct zl_route zl_catalog_routes[] = {
	{ ZL_GET, "/api/v1/public/items", handle_public_list, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/items/{id}", handle_public_get, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/items/export.xlsx", handle_export, ZL_P_CATALOG_READ },
	{ ZL_GET, "/api/v1/items/import-template.xlsx", handle_template, ZL_P_CATALOG_WRITE },
	{ ZL_POST, "/api/v1/items/import", handle_import, ZL_P_CATALOG_WRITE,
	  ZL_BODY_FILE_OR_JSON },
	{ ZL_GET, "/api/v1/items", handle_list, ZL_P_CATALOG_READ },
	{ ZL_POST, "/api/v1/items", handle_create, ZL_P_CATALOG_WRITE },
	{ ZL_GET, "/api/v1/items/{id}", handle_get, ZL_P_CATALOG_READ },
	{ ZL_PATCH, "/api/v1/items/{id}", handle_update, ZL_P_CATALOG_WRITE },
	{ ZL_GET, "/api/v1/items/{id}/versions", handle_versions, ZL_P_CATALOG_READ },
	{ ZL_POST, "/api/v1/items/{id}/actions/publish", handle_publish, ZL_P_CATALOG_WRITE },
	{ ZL_POST, "/api/v1/items/{id}/actions/withdraw", handle_withdraw, ZL_P_CATALOG_WRITE },
	{ 0 }
};
