/* catalog.h: the service catalog (事项清单): standard service items with their
 * guide, application form and process, published and withdrawn with a version
 * row per change.  Functions return 0 or a negative ZL_E*; results live in the
 * caller's arena and are never freed by the caller. */
#ifndef ZL_CATALOG_H
#define ZL_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_scope; struct zl_form;

enum zl_item_status { ZL_ITEM_DRAFT, ZL_ITEM_PUBLISHED, ZL_ITEM_WITHDRAWN,
	ZL_ITEM__MAX };
enum zl_item_action { ZL_ITEM_PUBLISH, ZL_ITEM_WITHDRAW, ZL_ITEM_ACTION__MAX };

extern const char *const zl_item_status_names[ZL_ITEM__MAX];	/* "draft" … */
extern const char *const zl_item_types[];	/* 行政许可 … NULL-terminated */

struct zl_item {
	int64_t		 id, org_id, version, process_def_id, created_at, updated_at;
	int		 statutory_days, promised_days, visits;
	const char	*code, *name, *type, *audience, *status, *org_name, *org_path,
			*org_code;
	json_t		*doc;	/* the item document; borrowed from the arena */
};

/* A create or update request: doc holds the fields sent, checked one by one
 * (for a create, all of them with their defaults). */
struct zl_item_in {
	json_t		*doc;		/* borrowed from the arena */
	int64_t		 version;	/* updates: the version the client holds */
};

struct zl_item_filter {
	int64_t		 org_id, after;
	int		 limit;		/* 0: every match (export) */
	int		 public_only;	/* published items of audience public */
	const char	*q, *type, *status, *audience;
};

struct zl_item_version {
	int64_t		 version, created_at, created_by;
	const char	*status, *created_by_name;
	json_t		*item;		/* the item as it was; borrowed */
};

/* Check a request body (borrowed) field by field; create = 1 requires the
 * whole item.  Unknown fields and bad values are refused with the field named
 * ("materials[1].name", "form.fields[0].type", "process.steps[2]"). */
int	 zl_item_decode(struct zl_item_in *in, const json_t *body, int create,
	    struct zl_arena *a, struct zl_error *err);
/* The checks across the fields of a whole item document (borrowed): the form
 * parses (*form), the process agrees with it, promised ≤ statutory days. */
int	 zl_item_check(const json_t *doc, struct zl_arena *a, struct zl_form **form,
	    struct zl_error *err);
/* Put pre in front of the field names of the errors recorded since from. */
void	 zl_item_err_prefix(struct zl_error *err, int from, const char *pre,
	    struct zl_arena *a);
/* A new draft, its first version row, process definition version and audit
 * row in one transaction.  ZL_EPERM outside the caller's catalog.write scope,
 * ZL_ECONFLICT when the code is taken. */
int	 zl_item_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_item_in *in, struct zl_item **out, struct zl_error *err);
/* Apply the fields sent; the status stays as it is (a published item edited
 * is a new published version).  ZL_EVERSION on a stale version. */
int	 zl_item_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const struct zl_item_in *in, struct zl_item **out,
	    struct zl_error *err);
/* draft→published, withdrawn→published, published→withdrawn; ZL_ECONFLICT
 * otherwise.  version 0: not checked. */
int	 zl_item_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, enum zl_item_action act, int64_t version, struct zl_item **out,
	    struct zl_error *err);
/* Flags of zl_item_import. */
#define ZL_IMPORT_PUBLISH	1u	/* publish the items not yet published */
#define ZL_IMPORT_KEEP_FLOW	2u	/* an existing item sent without form and process
					   keeps its own */
#define ZL_IMPORT_MAX		1000	/* items of one import */
/* Create or update each item of items (an array, borrowed) by its code, all
 * or nothing.  *result: a new reference {created, updated, items:[{id,code,
 * version,status}]}.  On failure *failed (may be NULL) is the index of the
 * item refused, -1 when the array itself is. */
int	 zl_item_import(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const json_t *items, unsigned flags, json_t **result, int *failed,
	    struct zl_error *err);

/* The same from an .xlsx workbook data[0..len) (borrowed) in the layout the
 * export writes (catalog_import.c); an existing item without rows in 表单与流程
 * keeps its form and process.  ZL_EINVAL names each bad cell ("事项清单!C7")
 * with a Chinese reason, or is a file that is not an xlsx workbook (type
 * bad-xlsx); ZL_ELIMIT beyond the reader's limits; ZL_EPERM names the org
 * cell of an item outside the caller's scope.  Nothing is written on error. */
int	 zl_item_import_xlsx(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_actor *who, const char *data, size_t len, unsigned flags,
	    json_t **result, struct zl_error *err);

/* One item the principal may read: in its catalog.read scope, or published
 * (p NULL: published items of audience public only).  ZL_ENOTFOUND else. */
int	 zl_item_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int64_t id, struct zl_item **out);
/* Items matching f, ordered by id, at most f->limit + 1 (to tell whether a
 * next page exists).  p NULL or f->public_only: the public catalog. */
int	 zl_item_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_item_filter *f, struct zl_item **out, int *n);
/* Every version of an item in the caller's scope, newest first. */
int	 zl_item_versions(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_principal *p, int64_t id, struct zl_item_version **out,
	    int *n);

/* The whole item (new reference); summary = 1 leaves out the guide, form
 * and process, for lists. */
json_t	*zl_item_json(const struct zl_item *it, int summary);

/* An .xlsx workbook of the items (catalog_xlsx.c): *out in the arena.  With
 * no items it is the import template: the headers and 填写说明. */
int	 zl_catalog_xlsx(struct zl_arena *a, const struct zl_item *items, int n,
	    char **out, size_t *len);

/* The demo catalog (catalog_demo.c): about twenty published items of the demo
 * orgs; the orgs and the roles dept-admin and org-admin must exist. */
int	 zl_catalog_seed_demo(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_actor *sys);

/* Store (catalog_store.c). */
struct zl_item_org { int64_t id; const char *path, *status, *name; };
int	 zl_item_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    struct zl_item *it);
int	 zl_item_store_by_code(struct zl_conn *c, struct zl_arena *a, const char *code,
	    struct zl_item *it);
int	 zl_item_store_insert(struct zl_conn *c, struct zl_item *it, const char *doc);
int	 zl_item_store_update(struct zl_conn *c, const struct zl_item *it, const char *doc,
	    int64_t old_version);
int	 zl_item_store_add_version(struct zl_conn *c, int64_t item_id, int64_t version,
	    const char *snapshot, const char *status, int64_t at, int64_t by);
int	 zl_item_store_versions(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    struct zl_item_version **out, int *n);
int	 zl_item_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_item_filter *f, struct zl_item **out, int *n);
/* The org of that id (code NULL) or code; ZL_ENOTFOUND. */
int	 zl_item_store_org(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    const char *code, struct zl_item_org *o);

#endif
