/* role.c: rules of roles: codes are unique, permissions are known codes, a
 * custom scope lists existing orgs inside the caller's reach, nobody grants
 * what they do not hold, builtin roles keep their code and stay enabled.
 * Roles are global (org_id NULL); a role used outside the caller's role.write
 * scope, or a builtin one, is changed only by a caller with scope all. */
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
#include "modules/role/role.h"

/* Bits 0–4 are shared; 5 and 6 mean code (create) or status/version (update). */
enum { F_NAME, F_DESC, F_PERMS, F_SCOPE, F_ORGS, F_CODE = 5, F_STATUS = 5, F_VERSION = 6 };

static const struct zl_jfield create_fields[] = {
	[F_NAME] = { "name", ZL_J_STR, offsetof(struct zl_role_in, name), 1, 50 },
	[F_DESC] = { "description", ZL_J_STR, offsetof(struct zl_role_in, description), 0, 500 },
	[F_PERMS] = { "permissions", ZL_J_STRS, offsetof(struct zl_role_in, perms), 1, ZL_P__MAX * 2 },
	[F_SCOPE] = { "scope", ZL_J_STR, offsetof(struct zl_role_in, scope), 1, 16 },
	[F_ORGS] = { "scope_org_ids", ZL_J_INTS, offsetof(struct zl_role_in, scope_org_ids), 0,
	    ZL_SCOPE_MAXORGS },
	[F_CODE] = { "code", ZL_J_STR, offsetof(struct zl_role_in, code), 1, 32 },
	{ NULL },
};

static const struct zl_jfield update_fields[] = {
	[F_NAME] = { "name", ZL_J_STR, offsetof(struct zl_role_in, name), 0, 50 },
	[F_DESC] = { "description", ZL_J_STR, offsetof(struct zl_role_in, description), 0, 500 },
	[F_PERMS] = { "permissions", ZL_J_STRS, offsetof(struct zl_role_in, perms), 0, ZL_P__MAX * 2 },
	[F_SCOPE] = { "scope", ZL_J_STR, offsetof(struct zl_role_in, scope), 0, 16 },
	[F_ORGS] = { "scope_org_ids", ZL_J_INTS, offsetof(struct zl_role_in, scope_org_ids), 0,
	    ZL_SCOPE_MAXORGS },
	[F_STATUS] = { "status", ZL_J_STR, offsetof(struct zl_role_in, status), 0, 16 },
	[F_VERSION] = { "version", ZL_J_INT, offsetof(struct zl_role_in, version), 0, 0 },
	{ NULL },
};

#define HAS(in, f)	((in)->present & (1u << (f)))

static int
bad(struct zl_error *err, const char *field, const char *reason)
{
	zl_err_field(err, field, reason);
	if (err != NULL && err->detail[0] == '\0')
		zl_err_set(err, ZL_EINVAL, NULL, "请检查标注的字段 (see errors)");
	return ZL_EINVAL;
}

int
zl_role_decode(struct zl_role_in *in, const json_t *body, int create,
    struct zl_arena *a, struct zl_error *err)
{
	memset(in, 0, sizeof(*in));
	return zl_json_decode(body, create ? create_fields : update_fields, in,
	    &in->present, a, err);
}

/* Width of a data scope, to compare a role with the grants of its giver. */
static int
rank(int scope)
{
	switch (scope) {
	case ZL_SCOPE_ALL:	return 3;
	case ZL_SCOPE_SUBTREE:	return 2;
	case ZL_SCOPE_ORG:
	case ZL_SCOPE_CUSTOM:	return 1;
	default:		return 0;
	}
}

/* The widest scope with which p holds perm; -1 when it does not. */
static int
held_rank(const struct zl_principal *p, int perm)
{
	int best = -1;

	if (p->is_admin)
		return 3;
	for (size_t i = 0; i < p->ngrants; i++)
		if ((p->grants[i].perms & ZL_PERM_BIT(perm)) && rank(p->grants[i].scope) > best)
			best = rank(p->grants[i].scope);
	return best;
}

int
zl_role_grantable(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_role *r, struct zl_error *err)
{
	int		 scope = zl_scope_parse(r->scope), rc;
	struct zl_scope	 s;
	struct zl_org	 o;

	if (p == NULL || p->is_admin)
		return 0;
	for (size_t i = 0; i < r->perms.n; i++) {
		int perm = zl_perm_parse(r->perms.v[i]);
		if (perm < 0 || !zl_may(p, (enum zl_perm)perm))
			return zl_err_set(err, ZL_EPERM, NULL,
			    "不能授予您自己不具备的权限 %s (you do not hold %s)",
			    r->perms.v[i], r->perms.v[i]);
		if (rank(scope) > held_rank(p, perm))
			return zl_err_set(err, ZL_EPERM, NULL,
			    "角色的数据范围宽于您对 %s 的范围 (scope wider than yours)", r->perms.v[i]);
		if (scope != ZL_SCOPE_CUSTOM)
			continue;
		zl_scope_for(p, (enum zl_perm)perm, &s);
		for (size_t j = 0; j < r->scope_orgs.n; j++) {
			if ((rc = zl_org_store_get(c, a, r->scope_orgs.v[j], &o)) != 0 &&
			    rc != ZL_ENOTFOUND)
				return rc;
			if (rc != 0 || !zl_scope_covers(&s, o.id, o.path, 0))
				return zl_err_set(err, ZL_EPERM, NULL,
				    "自定义范围中的机构不在您的管理范围内 (org outside your scope)");
		}
	}
	return 0;
}

json_t *
zl_role_json(const struct zl_role *r)
{
	json_t *perms = json_array(), *orgs = json_array();

	/* Canonical orders (the permission table's, ascending org ids), so the
	 * digest of a role does not depend on the order it was written in. */
	for (int p = 0; p < ZL_P__MAX; p++)
		for (size_t i = 0; i < r->perms.n; i++)
			if (strcmp(r->perms.v[i], zl_perms[p].code) == 0) {
				json_array_append_new(perms, json_string(zl_perms[p].code));
				break;
			}
	for (int64_t last = 0;;) {
		int64_t next = 0;
		for (size_t i = 0; i < r->scope_orgs.n; i++)
			if (r->scope_orgs.v[i] > last && (next == 0 || r->scope_orgs.v[i] < next))
				next = r->scope_orgs.v[i];
		if (next == 0)
			break;
		json_array_append_new(orgs, json_integer(next));
		last = next;
	}
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:o,s:b,s:s,s:I,s:o,s:o}",
	    "id", (json_int_t)r->id, "code", r->code, "name", r->name,
	    "description", r->description, "permissions", perms, "scope", r->scope,
	    "scope_org_ids", orgs, "builtin", r->builtin, "status", r->status,
	    "version", (json_int_t)r->version,
	    "created_at", zl_json_time(r->created_at),
	    "updated_at", zl_json_time(r->updated_at));
}

json_t *
zl_perms_json(void)
{
	json_t *items = json_array();

	for (int i = 0; i < ZL_P__MAX; i++)
		json_array_append_new(items, json_pack("{s:s,s:s}", "code", zl_perms[i].code,
		    "name", zl_perms[i].name));
	return json_pack("{s:o}", "items", items);
}

static int
audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_role *r, const char *action)
{
	json_t *j = zl_json_own(a, zl_role_json(r));

	return zl_audit(c, a, who, "role", r->id, r->org_id, action, j);
}

/* Permissions as known codes in zl_perms[] order, without repeats. */
static int
set_perms(struct zl_role *r, const struct zl_strs *in, struct zl_arena *a,
    struct zl_error *err)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < in->n; i++) {
		int p = zl_perm_parse(in->v[i]);
		if (p < 0)
			return bad(err, "permissions", "unknown permission");
		bits |= ZL_PERM_BIT(p);
	}
	r->perms.v = zl_arena_alloc(a, (ZL_P__MAX + 1) * sizeof(char *));
	r->perms.n = 0;
	for (int p = 0; p < ZL_P__MAX; p++)
		if (bits & ZL_PERM_BIT(p))
			r->perms.v[r->perms.n++] = zl_perms[p].code;
	return 0;
}

/* Sorted, without repeats; each an existing org.  Unknown orgs are a bad
 * field for callers who see every org, and forbidden for the others. */
static int
set_orgs(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    struct zl_role *r, const struct zl_ints *in, struct zl_error *err)
{
	struct zl_org	 o;
	struct zl_scope	 s = { .all = 1 };
	int		 rc;

	if (who->who != NULL)
		zl_scope_for(who->who, ZL_P_ROLE_WRITE, &s);
	r->scope_orgs.v = zl_arena_alloc(a, (in->n + 1) * sizeof(int64_t));
	r->scope_orgs.n = 0;
	for (size_t i = 0; i < in->n; i++) {
		size_t j = r->scope_orgs.n;
		while (j > 0 && r->scope_orgs.v[j - 1] > in->v[i])
			j--;
		if (j > 0 && r->scope_orgs.v[j - 1] == in->v[i])
			continue;
		if ((rc = zl_org_store_get(c, a, in->v[i], &o)) == ZL_ENOTFOUND)
			return s.all ? bad(err, "scope_org_ids", "unknown org") :
			    zl_err_set(err, ZL_EPERM, NULL,
			    "机构不存在或不在您的管理范围内 (org outside your scope)");
		if (rc != 0)
			return rc;
		if (!zl_scope_covers(&s, o.id, o.path, 0))
			return zl_err_set(err, ZL_EPERM, NULL,
			    "机构不在您的管理范围内 (org outside your scope)");
		memmove(&r->scope_orgs.v[j + 1], &r->scope_orgs.v[j],
		    (r->scope_orgs.n - j) * sizeof(int64_t));
		r->scope_orgs.v[j] = in->v[i];
		r->scope_orgs.n++;
	}
	return 0;
}

static int
check_fields(const struct zl_role_in *in, int create, struct zl_error *err)
{
	int rc = 0;

	if (create && !zl_valid_code(in->code))
		rc = bad(err, "code", "2–32 letters, digits, _ or -");
	if ((create || HAS(in, F_NAME)) && (in->name == NULL || zl_utf8_len(in->name) < 1 ||
	    zl_utf8_len(in->name) > 50))
		rc = bad(err, "name", "1 to 50 characters");
	if ((create || HAS(in, F_SCOPE)) && (in->scope == NULL || zl_scope_parse(in->scope) < 0))
		rc = bad(err, "scope", "one of all, org, subtree, self, custom");
	if (!create && HAS(in, F_STATUS) && strcmp(in->status, "active") != 0 &&
	    strcmp(in->status, "disabled") != 0)
		rc = bad(err, "status", "active or disabled");
	return rc;
}

/* The custom scope rule, once fields are applied. */
static int
check_scope(const struct zl_role *r, struct zl_error *err)
{
	int custom = strcmp(r->scope, "custom") == 0;

	if (custom && r->scope_orgs.n == 0)
		return bad(err, "scope_org_ids", "required for scope custom");
	if (!custom && r->scope_orgs.n > 0)
		return bad(err, "scope_org_ids", "only for scope custom");
	return 0;
}

int
zl_role_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_role_in *in, struct zl_role **out, struct zl_error *err)
{
	struct zl_role	*r = zl_arena_alloc(a, sizeof(*r));
	int64_t		 now = (int64_t)time(NULL);
	int		 rc;

	if ((rc = check_fields(in, 1, err)) != 0 || (rc = set_perms(r, &in->perms, a, err)) != 0)
		return rc;
	r->code = in->code;
	r->name = in->name;
	r->description = in->description ? in->description : "";
	r->scope = in->scope;
	r->status = "active";
	r->builtin = who->who == NULL && in->builtin;
	r->version = 1;
	r->created_at = r->updated_at = now;
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = set_orgs(c, a, who, r, &in->scope_org_ids, err)) != 0 ||
	    (rc = check_scope(r, err)) != 0 ||
	    (rc = zl_role_grantable(c, a, who->who, r, err)) != 0)
		goto fail;
	if ((rc = zl_role_store_insert(c, r)) != 0) {
		if (rc == ZL_ECONFLICT) {
			zl_err_field(err, "code", "already used");
			zl_err_set(err, rc, NULL, "角色代码已被使用 (code already used)");
		}
		goto fail;
	}
	if ((rc = audit(c, a, who, r, "create")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

/* May the caller change role r as it stands? */
static int
changeable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_role *r, struct zl_error *err)
{
	struct zl_scope	 s;
	int64_t		 n;
	int		 rc;

	if (who->who == NULL || who->who->is_admin)
		return 0;
	if ((rc = zl_role_grantable(c, a, who->who, r, err)) != 0)
		return rc;
	zl_scope_for(who->who, ZL_P_ROLE_WRITE, &s);
	if (s.all)
		return 0;
	if (r->builtin)
		return zl_err_set(err, ZL_EPERM, NULL,
		    "内置角色只能由全部数据范围的管理员修改 (builtin role)");
	if ((rc = zl_role_store_users_outside(c, a, r->id, &s, &n)) != 0)
		return rc;
	if (n > 0)
		return zl_err_set(err, ZL_EPERM, NULL,
		    "该角色已授予您管理范围以外的用户 (role used outside your scope)");
	return 0;
}

int
zl_role_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, const struct zl_role_in *in, struct zl_role **out, struct zl_error *err)
{
	struct zl_role	*r = zl_arena_alloc(a, sizeof(*r));
	int		 rc;

	if ((rc = check_fields(in, 0, err)) != 0)
		return rc;
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_role_store_get(c, a, id, r)) != 0 ||
	    (rc = changeable(c, a, who, r, err)) != 0)
		goto fail;
	if (in->version != r->version) {
		rc = zl_err_set(err, ZL_EVERSION, NULL, "当前版本为 %lld", (long long)r->version);
		goto fail;
	}
	if (HAS(in, F_NAME)) r->name = in->name;
	if (HAS(in, F_DESC)) r->description = in->description;
	if (HAS(in, F_SCOPE)) r->scope = in->scope;
	if (HAS(in, F_PERMS) && (rc = set_perms(r, &in->perms, a, err)) != 0)
		goto fail;
	if (HAS(in, F_ORGS) && (rc = set_orgs(c, a, who, r, &in->scope_org_ids, err)) != 0)
		goto fail;
	if (HAS(in, F_SCOPE) && !HAS(in, F_ORGS) && strcmp(r->scope, "custom") != 0)
		r->scope_orgs.n = 0;	/* leaving custom drops its orgs */
	if ((rc = check_scope(r, err)) != 0 || (rc = zl_role_grantable(c, a, who->who, r, err)) != 0)
		goto fail;
	if (HAS(in, F_STATUS) && strcmp(in->status, r->status) != 0) {
		if (r->builtin && strcmp(in->status, "disabled") == 0) {
			rc = zl_err_set(err, ZL_ECONFLICT, NULL,
			    "内置角色不能停用 (builtin roles cannot be disabled)");
			goto fail;
		}
		r->status = in->status;
	}
	r->updated_at = (int64_t)time(NULL);
	if ((rc = zl_role_store_update(c, r, in->version)) != 0 ||
	    ((HAS(in, F_PERMS)) && (rc = zl_role_store_set_perms(c, r->id, &r->perms)) != 0) ||
	    ((HAS(in, F_ORGS) || HAS(in, F_SCOPE)) &&
	    (rc = zl_role_store_set_orgs(c, r->id, &r->scope_orgs)) != 0))
		goto fail;
	r->version++;
	if ((rc = audit(c, a, who, r, HAS(in, F_STATUS) ? "update-status" : "update")) != 0 ||
	    (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_role_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, struct zl_error *err)
{
	struct zl_role	 cur, *out;
	struct zl_role_in in;
	int		 rc;

	if ((rc = zl_role_store_get(c, a, id, &cur)) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.status = "disabled";
	in.present = 1u << F_STATUS;
	in.version = cur.version;
	return zl_role_update(c, a, who, id, &in, &out, err);
}

int
zl_role_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_role **out)
{
	struct zl_role *r = zl_arena_alloc(a, sizeof(*r));
	int rc;

	if ((rc = zl_role_store_get(c, a, id, r)) != 0)
		return rc;
	*out = r;
	return 0;
}

int
zl_role_by_code(struct zl_conn *c, struct zl_arena *a, const char *code, struct zl_role **out)
{
	struct zl_role *r = zl_arena_alloc(a, sizeof(*r));
	int rc;

	if ((rc = zl_role_store_by_code(c, a, code, r)) != 0)
		return rc;
	*out = r;
	return 0;
}

int
zl_role_list(struct zl_conn *c, struct zl_arena *a, const struct zl_role_filter *f,
    struct zl_role **out, int *n)
{
	return zl_role_store_list(c, a, f, out, n);
}
