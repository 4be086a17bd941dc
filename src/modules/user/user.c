/* user.c: rules of user accounts.  Usernames are lower-case and unique; a
 * caller creates, changes and moves users only inside its user.write scope;
 * it gives only roles it could hold out itself and touches no account whose
 * roles outreach its own (nor an admin's, unless an admin); a user cannot
 * disable itself; disabling or a new password ends the user's sessions.
 * Passwords are hashed before any transaction opens. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "modules/org/org.h"
#include "modules/role/role.h"
#include "modules/user/user.h"

static const char *const ranks[] = { "", "ministerial", "vice_ministerial", "bureau",
	"vice_bureau", "division", "vice_division", "section", "vice_section", "staff",
	"clerk", NULL };

/* Bits 0–6 are shared; 7 and 8 mean username/password (create) or
 * status/version (update). */
enum { F_DISPLAY, F_ORG, F_PHONE, F_EMAIL, F_POSITION, F_RANK, F_ROLES,
	F_USERNAME = 7, F_PASSWORD = 8, F_STATUS = 7, F_VERSION = 8 };

#define COMMON(req) \
	[F_DISPLAY] = { "display_name", ZL_J_STR, offsetof(struct zl_user_in, display_name), req, 50 }, \
	[F_ORG] = { "org_id", ZL_J_INT, offsetof(struct zl_user_in, org_id), req, 0 }, \
	[F_PHONE] = { "phone", ZL_J_STR, offsetof(struct zl_user_in, phone), 0, 11 }, \
	[F_EMAIL] = { "email", ZL_J_STR, offsetof(struct zl_user_in, email), 0, 254 }, \
	[F_POSITION] = { "position", ZL_J_STR, offsetof(struct zl_user_in, position), 0, 100 }, \
	[F_RANK] = { "rank", ZL_J_STR, offsetof(struct zl_user_in, rank), 0, 16 }, \
	[F_ROLES] = { "role_ids", ZL_J_INTS, offsetof(struct zl_user_in, role_ids), 0, 32 }

static const struct zl_jfield create_fields[] = {
	COMMON(1),
	[F_USERNAME] = { "username", ZL_J_STR, offsetof(struct zl_user_in, username), 1, 32 },
	[F_PASSWORD] = { "password", ZL_J_STR, offsetof(struct zl_user_in, password), 1, 128 },
	{ NULL },
};

static const struct zl_jfield update_fields[] = {
	COMMON(0),
	[F_STATUS] = { "status", ZL_J_STR, offsetof(struct zl_user_in, status), 0, 16 },
	[F_VERSION] = { "version", ZL_J_INT, offsetof(struct zl_user_in, version), 0, 0 },
	{ NULL },
};

#define HAS(in, f)	((in)->present & (1u << (f)))

int
zl_user_decode(struct zl_user_in *in, const json_t *body, int create,
    struct zl_arena *a, struct zl_error *err)
{
	memset(in, 0, sizeof(*in));
	if (create)
		in->kind = "staff";
	return zl_json_decode(body, create ? create_fields : update_fields, in,
	    &in->present, a, err);
}

static int
bad(struct zl_error *err, const char *field, const char *reason)
{
	zl_err_field(err, field, reason);
	if (err != NULL && err->detail[0] == '\0')
		zl_err_set(err, ZL_EINVAL, NULL, "请检查标注的字段 (see errors)");
	return ZL_EINVAL;
}

static int
one_of(const char *const *list, const char *s)
{
	for (int i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static char *
lower(struct zl_arena *a, const char *s)
{
	char *out = zl_arena_strdup(a, s ? s : "");

	for (char *p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* Semantic checks of the fields sent (create: of those set). */
static int
check_fields(const struct zl_user_in *in, int create, const char *username,
    struct zl_error *err)
{
	int rc = 0;

#define SENT(f, v)	(create ? (v) != NULL : HAS(in, f))
	if (create && !zl_valid_username(username))
		rc = bad(err, "username", "3–32 of letters, digits, _ . -, starting with a letter or digit");
	if (create && !zl_valid_password(in->password))
		rc = bad(err, "password", "8–128 characters with three of: lower, upper, digit, other");
	if (create && in->kind != NULL &&
	    !one_of((const char *const[]){ "staff", "citizen", NULL }, in->kind))
		rc = bad(err, "kind", "staff or citizen");
	if ((create || HAS(in, F_DISPLAY)) && (in->display_name == NULL ||
	    zl_utf8_len(in->display_name) < 1 || zl_utf8_len(in->display_name) > 50))
		rc = bad(err, "display_name", "1 to 50 characters");
	if (SENT(F_PHONE, in->phone) && in->phone[0] != '\0' && !zl_valid_phone(in->phone))
		rc = bad(err, "phone", "empty or an 11-digit mobile number 1[3-9]xxxxxxxxx");
	if (SENT(F_EMAIL, in->email) && in->email[0] != '\0' && !zl_valid_email(in->email))
		rc = bad(err, "email", "not an email address");
	if (SENT(F_POSITION, in->position) && zl_utf8_len(in->position) > 100)
		rc = bad(err, "position", "at most 100 characters");
	if (SENT(F_RANK, in->rank) && !one_of(ranks, in->rank))
		rc = bad(err, "rank", "one of the documented 职级 codes, or empty");
	if (!create && HAS(in, F_STATUS) && !one_of((const char *const[]){ "active", "disabled",
	    NULL }, in->status))
		rc = bad(err, "status", "active or disabled");
#undef SENT
	return rc;
}

json_t *
zl_user_json(const struct zl_user *u, int mask_phone)
{
	json_t	*roles = json_array();
	char	 phone[32];

	for (size_t i = 0; i < u->nroles; i++)
		json_array_append_new(roles, json_pack("{s:I,s:s,s:s}", "id",
		    (json_int_t)u->roles[i].id, "code", u->roles[i].code, "name", u->roles[i].name));
	if (mask_phone)
		zl_mask_phone(u->phone, phone, sizeof(phone));
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:b,s:s,s:o,s:I,s:o,s:o}",
	    "id", (json_int_t)u->id, "username", u->username,
	    "display_name", u->display_name, "kind", u->kind,
	    "org_id", u->org_id ? json_integer(u->org_id) : json_null(),
	    "org_name", u->org_id ? json_string(u->org_name) : json_null(),
	    "phone", mask_phone ? phone : u->phone, "email", u->email,
	    "position", u->position, "rank", u->rank, "is_admin", u->is_admin,
	    "status", u->status, "roles", roles, "version", (json_int_t)u->version,
	    "created_at", zl_json_time(u->created_at),
	    "updated_at", zl_json_time(u->updated_at));
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

json_t *
zl_user_record_json(const struct zl_user *u)
{
	json_t	*j = zl_user_json(u, 0), *ids = json_array();
	int64_t	 v[64];
	size_t	 n = 0;

	for (size_t i = 0; i < u->nroles && n < 64; i++)
		v[n++] = u->roles[i].id;
	qsort(v, n, sizeof(v[0]), cmp_id);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(v[i]));
	json_object_del(j, "org_name");
	json_object_del(j, "roles");
	json_object_set_new(j, "role_ids", ids);
	return j;
}

static int
audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_user *u, const char *action)
{
	json_t *j = zl_json_own(a, zl_user_record_json(u));

	return zl_audit(c, a, who, "user", u->id, u->org_id, action, j);
}

/* Is user u inside the caller's user.write scope?  ZL_ENOTFOUND when the
 * caller cannot even read it, ZL_EPERM when it can. */
static int
reach(const struct zl_actor *who, const struct zl_user *u, struct zl_error *err)
{
	const char	*path = u->org_id ? u->org_path : NULL;
	struct zl_scope	 s;

	if (who->who == NULL)
		return 0;
	zl_scope_for(who->who, ZL_P_USER_WRITE, &s);
	if (zl_scope_covers(&s, u->org_id, path, u->id))
		return 0;
	zl_scope_for(who->who, ZL_P_USER_READ, &s);
	if (!zl_scope_covers(&s, u->org_id, path, u->id))
		return ZL_ENOTFOUND;
	return zl_err_set(err, ZL_EPERM, NULL, "无权修改该用户 (user outside your scope)");
}

/* No changing an account more powerful than the caller. */
static int
manageable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_user *u, struct zl_error *err)
{
	struct zl_role	r;
	int		rc;

	if (who->who == NULL || who->who->is_admin)
		return 0;
	if (u->is_admin)
		return zl_err_set(err, ZL_EPERM, NULL,
		    "只有系统管理员可以修改管理员账号 (admins only)");
	for (size_t i = 0; i < u->nroles; i++) {
		if ((rc = zl_role_store_get(c, a, u->roles[i].id, &r)) != 0)
			return rc;
		if (strcmp(r.status, "active") == 0 &&
		    zl_role_grantable(c, a, who->who, &r, NULL) != 0)
			return zl_err_set(err, ZL_EPERM, NULL,
			    "该用户的角色“%s”超出您的权限 (user holds a role beyond yours)", r.name);
	}
	return 0;
}

/* The org a user goes into: existing, active, inside the caller's scope. */
static int
target_org(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t org_id, struct zl_user *u, struct zl_error *err)
{
	struct zl_scope	s = { .all = 1 };
	struct zl_org	o;
	int		rc;

	if (who->who != NULL)
		zl_scope_for(who->who, ZL_P_USER_WRITE, &s);
	if ((rc = zl_org_store_get(c, a, org_id, &o)) == ZL_ENOTFOUND)
		return s.all ? bad(err, "org_id", "unknown org") : zl_err_set(err, ZL_EPERM,
		    NULL, "机构不存在或不在您的管理范围内 (org outside your scope)");
	if (rc != 0)
		return rc;
	if (!zl_scope_covers(&s, o.id, o.path, 0))
		return zl_err_set(err, ZL_EPERM, NULL,
		    "机构不在您的管理范围内 (org outside your scope)");
	if (strcmp(o.status, "active") != 0)
		return bad(err, "org_id", "org is disabled");
	u->org_id = o.id;
	u->org_name = o.name;
	u->org_path = o.path;
	return 0;
}

/* Check the roles to give (known, active, grantable by the caller) and set
 * them on u; *ids gets them without repeats. */
static int
give_roles(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_ints *in, struct zl_user *u, struct zl_ints *ids, struct zl_error *err)
{
	struct zl_role	r;
	int		rc;

	u->roles = zl_arena_alloc(a, (in->n + 1) * sizeof(*u->roles));
	u->nroles = 0;
	ids->v = zl_arena_alloc(a, (in->n + 1) * sizeof(int64_t));
	ids->n = 0;
	for (size_t i = 0; i < in->n; i++) {
		size_t j;
		for (j = 0; j < ids->n && ids->v[j] != in->v[i]; j++)
			;
		if (j < ids->n)
			continue;
		if ((rc = zl_role_store_get(c, a, in->v[i], &r)) == ZL_ENOTFOUND)
			return bad(err, "role_ids", "unknown role");
		if (rc != 0)
			return rc;
		if (strcmp(r.status, "active") != 0)
			return bad(err, "role_ids", "role is disabled");
		if ((rc = zl_role_grantable(c, a, who->who, &r, err)) != 0)
			return rc;
		ids->v[ids->n++] = r.id;
		u->roles[u->nroles].id = r.id;
		u->roles[u->nroles].code = r.code;
		u->roles[u->nroles++].name = r.name;
	}
	return 0;
}

int
zl_user_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_user_in *in, struct zl_user **out, struct zl_error *err)
{
	struct zl_user	*u = zl_arena_alloc(a, sizeof(*u));
	struct zl_ints	 ids = { 0 };
	const char	*kind = in->kind ? in->kind : "staff";
	int64_t		 now = (int64_t)time(NULL);
	char		 hash[128];
	int		 rc, citizen = strcmp(kind, "citizen") == 0;

	u->username = lower(a, in->username);
	if ((rc = check_fields(in, 1, u->username, err)) != 0)
		return rc;
	if (citizen && in->org_id != 0)
		return bad(err, "org_id", "citizens belong to no org");
	if (citizen && in->role_ids.n > 0)
		return bad(err, "role_ids", "citizens hold no roles");
	/* Staff belong to an org; only an admin made by the system may have none. */
	if (!citizen && in->org_id <= 0 && !(who->who == NULL && in->is_admin))
		return bad(err, "org_id", "required");
	u->kind = citizen ? "citizen" : "staff";
	u->display_name = in->display_name;
	u->phone = in->phone ? in->phone : "";
	u->email = in->email ? in->email : "";
	u->position = in->position ? in->position : "";
	u->rank = in->rank ? in->rank : "";
	u->status = "active";
	u->is_admin = who->who == NULL && in->is_admin;
	u->version = 1;
	u->created_at = u->updated_at = now;
	if ((rc = zl_password_hash(in->password, hash)) != 0)
		return zl_err_set(err, rc, NULL, "系统繁忙，请稍后再试 (busy, try again)");
	if ((rc = zl_tx_begin(c)) != 0)
		goto done;
	if ((in->org_id > 0 && !citizen && (rc = target_org(c, a, who, in->org_id, u, err)) != 0) ||
	    (rc = give_roles(c, a, who, &in->role_ids, u, &ids, err)) != 0)
		goto fail;
	if ((rc = zl_user_store_insert(c, u, hash)) != 0) {
		if (rc == ZL_ECONFLICT) {
			zl_err_field(err, "username", "already used");
			zl_err_set(err, rc, NULL, "用户名已被使用 (username already used)");
		}
		goto fail;
	}
	if ((rc = zl_user_store_set_roles(c, u->id, &ids)) != 0 ||
	    (rc = audit(c, a, who, u, "create")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = u;
	goto done;
fail:
	zl_tx_rollback(c);
done:
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

int
zl_user_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, const struct zl_user_in *in, struct zl_user **out, struct zl_error *err)
{
	struct zl_user	*u = zl_arena_alloc(a, sizeof(*u));
	struct zl_ints	 ids = { 0 };
	int		 rc, citizen, revoke = 0;

	if ((rc = check_fields(in, 0, NULL, err)) != 0)
		return rc;
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_user_store_get(c, a, id, u)) != 0 || (rc = reach(who, u, err)) != 0 ||
	    (rc = manageable(c, a, who, u, err)) != 0)
		goto fail;
	if (in->version != u->version) {
		rc = zl_err_set(err, ZL_EVERSION, NULL, "当前版本为 %lld", (long long)u->version);
		goto fail;
	}
	citizen = strcmp(u->kind, "citizen") == 0;
	if (HAS(in, F_DISPLAY)) u->display_name = in->display_name;
	if (HAS(in, F_PHONE)) u->phone = in->phone;
	if (HAS(in, F_EMAIL)) u->email = in->email;
	if (HAS(in, F_POSITION)) u->position = in->position;
	if (HAS(in, F_RANK)) u->rank = in->rank;
	if ((HAS(in, F_ORG) && citizen && in->org_id != 0) ||
	    (HAS(in, F_ROLES) && citizen && in->role_ids.n > 0)) {
		rc = bad(err, HAS(in, F_ORG) ? "org_id" : "role_ids",
		    "citizens belong to no org and hold no roles");
		goto fail;
	}
	if (HAS(in, F_ORG) && !citizen && in->org_id != u->org_id &&
	    (rc = target_org(c, a, who, in->org_id, u, err)) != 0)
		goto fail;
	if (HAS(in, F_ROLES) && (rc = give_roles(c, a, who, &in->role_ids, u, &ids, err)) != 0)
		goto fail;
	if (HAS(in, F_STATUS) && strcmp(in->status, u->status) != 0) {
		revoke = strcmp(in->status, "disabled") == 0;
		if (revoke && who->who != NULL && who->who->user_id == u->id) {
			rc = zl_err_set(err, ZL_ECONFLICT, NULL, "不能停用自己的账号 (cannot disable yourself)");
			goto fail;
		}
		u->status = in->status;
	}
	u->updated_at = (int64_t)time(NULL);
	if ((rc = zl_user_store_update(c, u, in->version)) != 0 ||
	    (HAS(in, F_ROLES) && (rc = zl_user_store_set_roles(c, u->id, &ids)) != 0) ||
	    (revoke && (rc = zl_user_store_revoke_sessions(c, u->id, 0, u->updated_at)) != 0))
		goto fail;
	u->version++;
	if ((rc = audit(c, a, who, u, HAS(in, F_STATUS) ? "update-status" : "update")) != 0 ||
	    (rc = zl_tx_commit(c)) != 0)
		goto fail;
	*out = u;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_user_disable(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, struct zl_error *err)
{
	struct zl_user		 cur, *out;
	struct zl_user_in	 in;
	int			 rc;

	if ((rc = zl_user_store_get(c, a, id, &cur)) != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.status = "disabled";
	in.present = 1u << F_STATUS;
	in.version = cur.version;
	return zl_user_update(c, a, who, id, &in, &out, err);
}

int
zl_user_set_password(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t user_id, const char *new_password, int64_t keep_session_id,
    struct zl_error *err)
{
	struct zl_user	 u;
	char		 hash[128];
	int		 rc;

	if (!zl_valid_password(new_password))
		return bad(err, "new_password",
		    "8–128 characters with three of: lower, upper, digit, other");
	if ((rc = zl_password_hash(new_password, hash)) != 0)
		return zl_err_set(err, rc, NULL, "系统繁忙，请稍后再试 (busy, try again)");
	if ((rc = zl_tx_begin(c)) != 0)
		goto done;
	if ((rc = zl_user_store_get(c, a, user_id, &u)) != 0)
		goto fail;
	/* Someone else's password: the same reach as any other change. */
	if (who->who != NULL && (who->who->user_id != user_id || who->who->token_id != 0) &&
	    ((rc = reach(who, &u, err)) != 0 || (rc = manageable(c, a, who, &u, err)) != 0))
		goto fail;
	if ((rc = zl_user_store_set_password(c, user_id, hash)) != 0 ||
	    (rc = zl_user_store_revoke_sessions(c, user_id, keep_session_id,
	    (int64_t)time(NULL))) != 0 ||
	    (rc = audit(c, a, who, &u, "password")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	goto done;
fail:
	zl_tx_rollback(c);
done:
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

int
zl_user_reset_password(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t user_id, const char *new_password, struct zl_error *err)
{
	if (who->who != NULL && who->who->user_id == user_id)
		return zl_err_set(err, ZL_EPERM, NULL,
		    "请通过“修改密码”更改自己的密码 (use POST /api/v1/me/password)");
	return zl_user_set_password(c, a, who, user_id, new_password, 0, err);
}

int
zl_user_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    int64_t id, struct zl_user **out, int *can_write)
{
	struct zl_user	*u = zl_arena_alloc(a, sizeof(*u));
	const char	*path;
	struct zl_scope	 s;
	int		 rc;

	if ((rc = zl_user_store_get(c, a, id, u)) != 0)
		return rc;
	path = u->org_id ? u->org_path : NULL;
	zl_scope_for(p, ZL_P_USER_READ, &s);
	if (!zl_scope_covers(&s, u->org_id, path, u->id))
		return ZL_ENOTFOUND;
	zl_scope_for(p, ZL_P_USER_WRITE, &s);
	*can_write = zl_may(p, ZL_P_USER_WRITE) && zl_scope_covers(&s, u->org_id, path, u->id);
	*out = u;
	return 0;
}

int
zl_user_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_user_filter *f, struct zl_user **out, int *n)
{
	struct zl_scope	 s;
	struct zl_org	 o;
	const char	*path = NULL;
	int		 rc;

	zl_scope_for(p, ZL_P_USER_READ, &s);
	if (f->org_id != 0 && f->subtree) {
		if ((rc = zl_org_store_get(c, a, f->org_id, &o)) == ZL_ENOTFOUND) {
			*n = 0;
			*out = NULL;
			return 0;
		}
		if (rc != 0)
			return rc;
		path = o.path;
	}
	return zl_user_store_list(c, a, &s, f, path, out, n);
}

int
zl_user_by_username(struct zl_conn *c, struct zl_arena *a, const char *username,
    struct zl_user **out)
{
	struct zl_user *u = zl_arena_alloc(a, sizeof(*u));
	int rc;

	if ((rc = zl_user_store_by_username(c, a, lower(a, username), u)) != 0)
		return rc;
	*out = u;
	return 0;
}
