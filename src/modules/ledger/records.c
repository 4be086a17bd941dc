/* records.c: the records the log covers and how to rebuild the JSON their
 * audit rows digested.  A new module adds one line here. */
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "modules/ledger/ledger.h"
#include "modules/application/application.h"
#include "modules/catalog/catalog.h"
#include "modules/org/org.h"
#include "modules/role/role.h"
#include "modules/token/token.h"
#include "modules/user/user.h"

static int
load_org(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_org o;
	int rc;

	if ((rc = zl_org_store_get(c, a, id, &o)) != 0)
		return rc;
	*j = zl_json_own(a, zl_org_json(&o));
	*org = o.id;
	*path = o.path;
	return 0;
}

static int
load_user(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_user *u = zl_arena_alloc(a, sizeof(*u));
	int rc;

	if ((rc = zl_user_store_get(c, a, id, u)) != 0)	/* with its roles */
		return rc;
	*j = zl_json_own(a, zl_user_record_json(u));
	*org = u->org_id;
	*path = u->org_id ? u->org_path : NULL;
	return 0;
}

static int
load_role(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_role r;
	int rc;

	if ((rc = zl_role_store_get(c, a, id, &r)) != 0)
		return rc;
	*j = zl_json_own(a, zl_role_json(&r));
	*org = r.org_id;
	*path = NULL;
	return 0;
}

static int
load_token(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_token t;
	struct zl_org o;
	int rc;

	if ((rc = zl_token_store_get(c, a, id, &t)) != 0 ||
	    (rc = zl_org_store_get(c, a, t.org_id, &o)) != 0)
		return rc;
	*j = zl_json_own(a, zl_token_record_json(&t));
	*org = t.org_id;
	*path = o.path;
	return 0;
}

static int
load_item(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_item *it = zl_arena_alloc(a, sizeof(*it));
	struct zl_org o;
	int rc;

	if ((rc = zl_item_store_get(c, a, id, it)) != 0 ||
	    (rc = zl_org_store_get(c, a, it->org_id, &o)) != 0)
		return rc;
	*j = zl_json_own(a, zl_item_json(it, 0));
	*org = it->org_id;
	*path = o.path;
	return 0;
}

static int
load_application(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **j,
    int64_t *org, const char **path)
{
	struct zl_application ap;
	struct zl_org o;
	int rc;

	if ((rc = zl_app_store_get(c, a, id, NULL, &ap)) != 0 ||
	    (rc = zl_org_store_get(c, a, ap.org_id, &o)) != 0)
		return rc;
	*j = zl_json_own(a, zl_app_record_json(a, &ap));
	*org = ap.org_id;
	*path = o.path;
	return 0;
}

const struct zl_record_kind zl_record_kinds[] = {
	{ "org", ZL_P_ORG_READ, load_org },
	{ "user", ZL_P_USER_READ, load_user },
	{ "role", ZL_P_ROLE_READ, load_role },
	{ "token", ZL_P_TOKEN_READ, load_token },
	{ "item", ZL_P_CATALOG_READ, load_item },
	{ "application", ZL_P_APP_READ, load_application },
	{ NULL },
};

const struct zl_record_kind *
zl_record_kind(const char *entity)
{
	for (const struct zl_record_kind *k = zl_record_kinds; k->entity != NULL; k++)
		if (strcmp(k->entity, entity) == 0)
			return k;
	return NULL;
}
