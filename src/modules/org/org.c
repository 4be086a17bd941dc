/* org.c: rules of the organisation tree: levels only go down the tree, codes
 * are unique, a caller creates and changes orgs only inside its org.write
 * scope, and an org with active children or users cannot be disabled. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "db/db.h"
#include "modules/org/org.h"

static const char *const levels[] = { "central", "province", "city", "county", "township", NULL };
static const char *const kinds[] = { "bureau", "department", "unit", NULL };

static int
index_of(const char *const *list, const char *s)
{
	for (int i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

enum { F_PARENT, F_CODE, F_NAME, F_LEVEL, F_KIND, F_CREDIT, F_REGION, F_SORT,
	F_STATUS, F_VERSION };

static const struct zl_jfield create_fields[] = {
	[F_PARENT] = { "parent_id", ZL_J_NINT, offsetof(struct zl_org_in, parent_id), 1, 0 },
	[F_CODE] = { "code", ZL_J_STR, offsetof(struct zl_org_in, code), 1, 32 },
	[F_NAME] = { "name", ZL_J_STR, offsetof(struct zl_org_in, name), 1, 100 },
	[F_LEVEL] = { "level", ZL_J_STR, offsetof(struct zl_org_in, level), 1, 16 },
	[F_KIND] = { "kind", ZL_J_STR, offsetof(struct zl_org_in, kind), 1, 16 },
	[F_CREDIT] = { "credit_code", ZL_J_STR, offsetof(struct zl_org_in, credit_code), 0, 18 },
	[F_REGION] = { "region_code", ZL_J_STR, offsetof(struct zl_org_in, region_code), 0, 6 },
	[F_SORT] = { "sort", ZL_J_INT, offsetof(struct zl_org_in, sort), 0, 0 },
	{ NULL },
};

static const struct zl_jfield update_fields[] = {
	[F_PARENT] = { "-", ZL_J_INT, 0, 0, 0 },	/* the tree is not moved here */
	[F_CODE] = { "-", ZL_J_INT, 0, 0, 0 },
	[F_NAME] = { "name", ZL_J_STR, offsetof(struct zl_org_in, name), 0, 100 },
	[F_LEVEL] = { "level", ZL_J_STR, offsetof(struct zl_org_in, level), 0, 16 },
	[F_KIND] = { "kind", ZL_J_STR, offsetof(struct zl_org_in, kind), 0, 16 },
	[F_CREDIT] = { "credit_code", ZL_J_STR, offsetof(struct zl_org_in, credit_code), 0, 18 },
	[F_REGION] = { "region_code", ZL_J_STR, offsetof(struct zl_org_in, region_code), 0, 6 },
	[F_SORT] = { "sort", ZL_J_INT, offsetof(struct zl_org_in, sort), 0, 0 },
	[F_STATUS] = { "status", ZL_J_STR, offsetof(struct zl_org_in, status), 0, 16 },
	[F_VERSION] = { "version", ZL_J_INT, offsetof(struct zl_org_in, version), 0, 0 },
	{ NULL },
};

#define HAS(in, f)	((in)->present & (1u << (f)))

int
zl_org_decode(struct zl_org_in *in, const json_t *body, int create,
    struct zl_arena *a, struct zl_error *err)
{
	int rc;

	memset(in, 0, sizeof(*in));
	rc = zl_json_decode(body, create ? create_fields : update_fields, in,
	    &in->present, a, err);
	if (HAS(in, F_CODE) && !zl_valid_code(in->code))
		rc = zl_err_field(err, "code", "2–32 letters, digits, _ or -");
	if (HAS(in, F_NAME) && zl_utf8_len(in->name) < 2)
		rc = zl_err_field(err, "name", "at least 2 characters");
	if (HAS(in, F_LEVEL) && index_of(levels, in->level) < 0)
		rc = zl_err_field(err, "level", "one of central, province, city, county, township");
	if (HAS(in, F_KIND) && index_of(kinds, in->kind) < 0)
		rc = zl_err_field(err, "kind", "one of bureau, department, unit");
	if (HAS(in, F_CREDIT) && in->credit_code[0] != '\0' && !zl_valid_credit_code(in->credit_code))
		rc = zl_err_field(err, "credit_code", "not a valid 统一社会信用代码");
	if (HAS(in, F_REGION) && in->region_code[0] != '\0' && !zl_valid_region_code(in->region_code))
		rc = zl_err_field(err, "region_code", "not a valid 行政区划代码");
	if (HAS(in, F_STATUS) && strcmp(in->status, "active") != 0 &&
	    strcmp(in->status, "disabled") != 0)
		rc = zl_err_field(err, "status", "active or disabled");
	if (HAS(in, F_SORT) && (in->sort < 0 || in->sort > 1000000))
		rc = zl_err_field(err, "sort", "0 to 1000000");
	return rc;
}

json_t *
zl_org_json(const struct zl_org *o)
{
	return json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:I,s:s,s:I,s:o,s:o}",
	    "id", (json_int_t)o->id,
	    "parent_id", o->parent_id ? json_integer(o->parent_id) : json_null(),
	    "code", o->code, "name", o->name, "level", o->level, "kind", o->kind,
	    "path", o->path, "depth", o->depth, "credit_code", o->credit_code,
	    "region_code", o->region_code, "sort", (json_int_t)o->sort,
	    "status", o->status, "version", (json_int_t)o->version,
	    "created_at", zl_json_time(o->created_at),
	    "updated_at", zl_json_time(o->updated_at));
}

static int
audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_org *o, const char *action)
{
	json_t *j = zl_json_own(a, zl_org_json(o));

	return zl_audit(c, a, who, "org", o->id, o->id, action, j);
}

static int
writable(const struct zl_actor *who, const struct zl_org *o)
{
	struct zl_scope s;

	if (who->who == NULL)		/* the system (CLI, seeding) */
		return 1;
	zl_scope_for(who->who, ZL_P_ORG_WRITE, &s);
	return zl_scope_covers(&s, o->id, o->path, -1);
}

int
zl_org_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_org_in *in, struct zl_org **out, struct zl_error *err)
{
	struct zl_org	*o = zl_arena_alloc(a, sizeof(*o)), parent;
	int64_t		 now = (int64_t)time(NULL);
	int		 rc;

	o->parent_id = in->parent_id;
	o->code = in->code;
	o->name = in->name;
	o->level = in->level;
	o->kind = in->kind;
	o->credit_code = in->credit_code ? in->credit_code : "";
	o->region_code = in->region_code ? in->region_code : "";
	o->sort = in->sort;
	o->status = "active";
	o->version = 1;
	o->created_at = o->updated_at = now;
	o->path = "/";
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if (in->parent_id != 0) {
		if ((rc = zl_org_store_get(c, a, in->parent_id, &parent)) != 0 ||
		    !writable(who, &parent)) {
			rc = rc == 0 || rc == ZL_ENOTFOUND ? zl_err_set(err, ZL_EPERM, NULL,
			    "上级机构不存在或不在您的管理范围内 (parent outside your scope)") : rc;
			goto fail;
		}
		if (strcmp(parent.status, "active") != 0) {
			rc = zl_err_field(err, "parent_id", "parent org is disabled");
			goto fail;
		}
		if (index_of(levels, o->level) < index_of(levels, parent.level)) {
			rc = zl_err_field(err, "level", "cannot be above the parent's level");
			goto fail;
		}
		o->path = parent.path;
		o->depth = parent.depth + 1;
	} else if (who->who != NULL) {
		struct zl_scope s;
		zl_scope_for(who->who, ZL_P_ORG_WRITE, &s);
		if (!s.all) {
			rc = zl_err_set(err, ZL_EPERM, NULL, "只有全部数据范围的角色可以创建顶级机构");
			goto fail;
		}
	}
	if ((rc = zl_org_store_insert(c, a, o)) != 0) {
		if (rc == ZL_ECONFLICT)
			zl_err_field(err, "code", "already used");
		goto fail;
	}
	if ((rc = audit(c, a, who, o, "create")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = o;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_org_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, const struct zl_org_in *in, struct zl_org **out, struct zl_error *err)
{
	struct zl_org	*o = zl_arena_alloc(a, sizeof(*o));
	int64_t		 n;
	int		 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_org_store_get(c, a, id, o)) != 0)
		goto fail;
	if (!writable(who, o)) {
		rc = ZL_ENOTFOUND;
		if (who->who != NULL) {
			struct zl_scope s;
			zl_scope_for(who->who, ZL_P_ORG_READ, &s);
			if (zl_scope_covers(&s, o->id, o->path, -1))
				rc = zl_err_set(err, ZL_EPERM, NULL, "无权修改该机构 (outside your scope)");
		}
		goto fail;
	}
	if (in->version != o->version) {
		rc = zl_err_set(err, ZL_EVERSION, NULL, "当前版本为 %lld", (long long)o->version);
		goto fail;
	}
	if (HAS(in, F_NAME)) o->name = in->name;
	if (HAS(in, F_KIND)) o->kind = in->kind;
	if (HAS(in, F_CREDIT)) o->credit_code = in->credit_code;
	if (HAS(in, F_REGION)) o->region_code = in->region_code;
	if (HAS(in, F_SORT)) o->sort = in->sort;
	if (HAS(in, F_LEVEL)) o->level = in->level;
	if (HAS(in, F_STATUS) && strcmp(in->status, o->status) != 0) {
		if (strcmp(in->status, "disabled") == 0) {
			if ((rc = zl_org_store_active_children(c, id, &n)) != 0)
				goto fail;
			if (n > 0) {
				rc = zl_err_set(err, ZL_ECONFLICT, NULL,
				    "该机构仍有在用的下级机构或用户 (has active children or users)");
				goto fail;
			}
		}
		o->status = in->status;
	}
	o->updated_at = (int64_t)time(NULL);
	if ((rc = zl_org_store_update(c, o, in->version)) != 0)
		goto fail;
	o->version++;
	if ((rc = audit(c, a, who, o, HAS(in, F_STATUS) ? "update-status" : "update")) != 0 ||
	    (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = o;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_org_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, struct zl_error *err)
{
	struct zl_org		 cur;
	struct zl_org_in	 in;
	struct zl_org		*out;
	int			 rc;

	if ((rc = zl_org_store_get(c, a, id, &cur)) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.status = "disabled";
	in.present = 1u << F_STATUS;
	in.version = cur.version;
	return zl_org_update(c, a, who, id, &in, &out, err);
}

int
zl_org_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    int perm, int64_t id, struct zl_org **out)
{
	struct zl_org	*o = zl_arena_alloc(a, sizeof(*o));
	struct zl_scope	 s;
	int		 rc;

	if ((rc = zl_org_store_get(c, a, id, o)) != 0)
		return rc;
	zl_scope_for(p, (enum zl_perm)perm, &s);
	if (!zl_scope_covers(&s, o->id, o->path, -1))
		return ZL_ENOTFOUND;
	*out = o;
	return 0;
}

int
zl_org_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_org_filter *f, struct zl_org **out, int *n)
{
	struct zl_scope s;

	zl_scope_for(p, ZL_P_ORG_READ, &s);
	return zl_org_store_list(c, a, &s, f, out, n);
}

int
zl_org_tree(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    json_t **out)
{
	struct zl_org_filter	 f = { 0 };
	struct zl_org		*orgs;
	json_t			**nodes, *roots = json_array();
	int			 n, rc;

	if ((rc = zl_org_list(c, a, p, &f, &orgs, &n)) != 0) {
		json_decref(roots);
		return rc;
	}
	/* Ordered by path: every parent comes before its children. */
	nodes = zl_arena_alloc(a, (size_t)(n + 1) * sizeof(*nodes));
	for (int i = 0; i < n; i++) {
		json_t *parent = NULL;
		nodes[i] = zl_org_json(&orgs[i]);
		json_object_set_new(nodes[i], "children", json_array());
		for (int j = i - 1; j >= 0 && parent == NULL; j--)
			if (orgs[j].id == orgs[i].parent_id)
				parent = nodes[j];
		json_array_append_new(parent ? json_object_get(parent, "children") : roots,
		    nodes[i]);
	}
	*out = roots;
	return 0;
}
