/* token.c: rules of API tokens.  A token's permissions are a subset of its
 * creator's; its org is inside the creator's token.write scope, and the org's
 * whole subtree (the token's data scope) inside the creator's scope for each
 * permission it carries.  Only the secret's hash and first characters are
 * kept; revoking is final. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "modules/org/org.h"
#include "modules/token/token.h"

enum { F_NAME, F_PERMS, F_ORG, F_DAYS };

static const struct zl_jfield fields[] = {
	[F_NAME] = { "name", ZL_J_STR, offsetof(struct zl_token_in, name), 1, 100 },
	[F_PERMS] = { "permissions", ZL_J_STRS, offsetof(struct zl_token_in, perms), 1, ZL_P__MAX * 2 },
	[F_ORG] = { "org_id", ZL_J_INT, offsetof(struct zl_token_in, org_id), 1, 0 },
	[F_DAYS] = { "expires_in_days", ZL_J_INT, offsetof(struct zl_token_in, expires_in_days), 0, 0 },
	{ NULL },
};

#define HAS(in, f)	((in)->present & (1u << (f)))
#define MAX_DAYS	3650

int
zl_token_decode(struct zl_token_in *in, const json_t *body, struct zl_arena *a,
    struct zl_error *err)
{
	memset(in, 0, sizeof(*in));
	return zl_json_decode(body, fields, in, &in->present, a, err);
}

json_t *
zl_token_json(const struct zl_token *t)
{
	json_t *perms = json_array();

	for (size_t i = 0; i < t->perms.n; i++)
		json_array_append_new(perms, json_string(t->perms.v[i]));
	return json_pack("{s:I,s:s,s:s,s:o,s:I,s:I,s:o,s:o,s:o,s:s}",
	    "id", (json_int_t)t->id, "name", t->name, "prefix", t->prefix,
	    "permissions", perms, "org_id", (json_int_t)t->org_id,
	    "created_by", (json_int_t)t->created_by,
	    "created_at", zl_json_time(t->created_at),
	    "expires_at", zl_json_time(t->expires_at),
	    "last_used_at", zl_json_time(t->last_used_at), "status", t->status);
}

json_t *
zl_token_record_json(const struct zl_token *t)
{
	json_t *j = zl_token_json(t);

	json_object_del(j, "last_used_at");	/* changes on use, not by a decision */
	return j;
}

static int
audit(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_token *t, const char *action)
{
	json_t *j = zl_json_own(a, zl_token_record_json(t));

	return zl_audit(c, a, who, "token", t->id, t->org_id, action, j);
}

static int
bad(struct zl_error *err, const char *field, const char *reason)
{
	zl_err_field(err, field, reason);
	if (err != NULL && err->detail[0] == '\0')
		zl_err_set(err, ZL_EINVAL, NULL, "请检查标注的字段 (see errors)");
	return ZL_EINVAL;
}

/* Does scope s hold the whole subtree below path? */
static int
covers_subtree(const struct zl_scope *s, const char *path)
{
	if (s->all)
		return 1;
	for (size_t i = 0; i < s->npaths; i++)
		if (strncmp(path, s->paths[i], strlen(s->paths[i])) == 0)
			return 1;
	return 0;
}

/* Known permissions in zl_perms[] order into t->perms and "a b c" into *text;
 * each held by p. */
static int
check_perms(const struct zl_principal *p, const struct zl_strs *in, struct zl_arena *a,
    struct zl_token *t, char **text, struct zl_error *err)
{
	uint32_t bits = 0;
	size_t len = 1;

	if (in->n == 0)
		return bad(err, "permissions", "at least one permission");
	for (size_t i = 0; i < in->n; i++) {
		int perm = zl_perm_parse(in->v[i]);
		if (perm < 0)
			return bad(err, "permissions", "unknown permission");
		bits |= ZL_PERM_BIT(perm);
	}
	t->perms.v = zl_arena_alloc(a, (ZL_P__MAX + 1) * sizeof(char *));
	for (int perm = 0; perm < ZL_P__MAX; perm++) {
		if (!(bits & ZL_PERM_BIT(perm)))
			continue;
		if (!zl_may(p, (enum zl_perm)perm))
			return zl_err_set(err, ZL_EPERM, NULL,
			    "不能授予您自己不具备的权限 %s (you do not hold %s)",
			    zl_perms[perm].code, zl_perms[perm].code);
		t->perms.v[t->perms.n++] = zl_perms[perm].code;
		len += strlen(zl_perms[perm].code) + 1;
	}
	*text = zl_arena_alloc(a, len);
	for (size_t i = 0, at = 0; i < t->perms.n; i++) {
		size_t n = strlen(t->perms.v[i]);
		if (i > 0)
			(*text)[at++] = ' ';
		memcpy(*text + at, t->perms.v[i], n);
		at += n;
	}
	return 0;
}

/* The token's org: existing, active, in the creator's token.write scope,
 * and its subtree inside the creator's scope for every permission. */
static int
check_org(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    struct zl_token *t, struct zl_error *err)
{
	struct zl_scope	 s;
	struct zl_org	 o;
	int		 rc;

	zl_scope_for(p, ZL_P_TOKEN_WRITE, &s);
	if ((rc = zl_org_store_get(c, a, t->org_id, &o)) == ZL_ENOTFOUND)
		return s.all ? bad(err, "org_id", "unknown org") : zl_err_set(err, ZL_EPERM,
		    NULL, "机构不存在或不在您的管理范围内 (org outside your scope)");
	if (rc != 0)
		return rc;
	if (!zl_scope_covers(&s, o.id, o.path, 0))
		return zl_err_set(err, ZL_EPERM, NULL,
		    "机构不在您的令牌管理范围内 (org outside your token.write scope)");
	if (strcmp(o.status, "active") != 0)
		return bad(err, "org_id", "org is disabled");
	for (size_t i = 0; i < t->perms.n; i++) {
		zl_scope_for(p, (enum zl_perm)zl_perm_parse(t->perms.v[i]), &s);
		if (!covers_subtree(&s, o.path))
			return zl_err_set(err, ZL_EPERM, NULL,
			    "令牌的数据范围（该机构及下级）超出您对 %s 的范围 (token scope wider "
			    "than yours)", t->perms.v[i]);
	}
	t->org_path = o.path;
	return 0;
}

int
zl_token_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const struct zl_token_in *in, struct zl_token **out, struct zl_error *err)
{
	struct zl_token	*t = zl_arena_alloc(a, sizeof(*t));
	char		 raw[96], secret[112], hash[65], *text = NULL;
	int		 rc;

	if (who->who == NULL)
		return zl_err_set(err, ZL_EINVAL, NULL, "令牌须属于一个用户 (a token needs an owner)");
	if (in->name == NULL || zl_utf8_len(in->name) < 1)
		return bad(err, "name", "1 to 100 characters");
	if (HAS(in, F_DAYS) && (in->expires_in_days < 1 || in->expires_in_days > MAX_DAYS))
		return bad(err, "expires_in_days", "1 to 3650");
	if ((rc = check_perms(who->who, &in->perms, a, t, &text, err)) != 0)
		return rc;
	t->name = in->name;
	t->org_id = in->org_id;
	t->created_by = who->who->user_id;
	t->created_at = (int64_t)time(NULL);
	t->expires_at = HAS(in, F_DAYS) ? t->created_at + in->expires_in_days * 86400 : 0;
	t->status = "active";
	t->version = 1;
	zl_random_token(raw, 32);
	snprintf(secret, sizeof(secret), "zlt_%s", raw);
	zl_secret_hash(secret, hash);
	t->prefix = zl_arena_strndup(a, secret, ZL_TOKEN_PREFIX_LEN);
	if ((rc = zl_tx_begin(c)) != 0)
		goto done;
	if ((rc = check_org(c, a, who->who, t, err)) != 0 ||
	    (rc = zl_token_store_insert(c, t, text, hash)) != 0 ||
	    (rc = audit(c, a, who, t, "create")) != 0 || (rc = zl_tx_commit(c)) != 0) {
		zl_tx_rollback(c);
		goto done;
	}
	t->secret = zl_arena_strdup(a, secret);
	*out = t;
done:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

int
zl_token_revoke(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t id, struct zl_error *err)
{
	struct zl_token	 t;
	struct zl_scope	 s;
	int		 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_token_store_get(c, a, id, &t)) != 0)
		goto fail;
	if (who->who != NULL) {
		zl_scope_for(who->who, ZL_P_TOKEN_WRITE, &s);
		if (!zl_scope_covers(&s, t.org_id, t.org_path, t.created_by)) {
			zl_scope_for(who->who, ZL_P_TOKEN_READ, &s);
			rc = !zl_scope_covers(&s, t.org_id, t.org_path, t.created_by) ?
			    ZL_ENOTFOUND : zl_err_set(err, ZL_EPERM, NULL,
			    "无权吊销该令牌 (token outside your scope)");
			goto fail;
		}
	}
	if (strcmp(t.status, "revoked") == 0) {	/* already: nothing changes */
		zl_tx_rollback(c);
		return 0;
	}
	if ((rc = zl_token_store_revoke(c, id)) != 0)
		goto fail;
	t.status = "revoked";
	t.version++;
	if ((rc = audit(c, a, who, &t, "revoke")) != 0 || (rc = zl_tx_commit(c)) != 0)
		goto fail;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_token_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_token_filter *f, struct zl_token **out, int *n)
{
	struct zl_scope s;

	zl_scope_for(p, ZL_P_TOKEN_READ, &s);
	return zl_token_store_list(c, a, &s, f, out, n);
}
