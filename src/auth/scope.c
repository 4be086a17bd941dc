/* scope.c: permissions and data scopes.  Each permission is checked with the
 * scopes of just the roles that grant it, so a user with a narrow writing
 * role and a wide reading role cannot write widely. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "db/sql.h"

const struct zl_perm_info zl_perms[ZL_P__MAX] = {
	[ZL_P_ORG_READ]		= { "org.read", "查看机构" },
	[ZL_P_ORG_WRITE]	= { "org.write", "管理机构" },
	[ZL_P_USER_READ]	= { "user.read", "查看用户" },
	[ZL_P_USER_WRITE]	= { "user.write", "管理用户" },
	[ZL_P_ROLE_READ]	= { "role.read", "查看角色" },
	[ZL_P_ROLE_WRITE]	= { "role.write", "管理角色" },
	[ZL_P_TOKEN_READ]	= { "token.read", "查看 API 令牌" },
	[ZL_P_TOKEN_WRITE]	= { "token.write", "管理 API 令牌" },
	[ZL_P_AUDIT_READ]	= { "audit.read", "查看审计日志" },
	[ZL_P_CATALOG_READ]	= { "catalog.read", "查看事项清单" },
	[ZL_P_CATALOG_WRITE]	= { "catalog.write", "管理事项与流程" },
	[ZL_P_APP_READ]		= { "application.read", "查看办件" },
	[ZL_P_APP_HANDLE]	= { "application.handle", "办理办件" },
	[ZL_P_CALENDAR_WRITE]	= { "calendar.write", "维护工作日历" },
	[ZL_P_KPI_READ]		= { "kpi.read", "查看效能指标" },
};

const char *const zl_scope_names[ZL_SCOPE__MAX] = {
	[ZL_SCOPE_ALL] = "all", [ZL_SCOPE_ORG] = "org", [ZL_SCOPE_SUBTREE] = "subtree",
	[ZL_SCOPE_SELF] = "self", [ZL_SCOPE_CUSTOM] = "custom",
};

int
zl_perm_parse(const char *code)
{
	for (int i = 0; i < ZL_P__MAX; i++)
		if (strcmp(zl_perms[i].code, code) == 0)
			return i;
	return -1;
}

int
zl_scope_parse(const char *name)
{
	for (int i = 0; i < ZL_SCOPE__MAX; i++)
		if (strcmp(zl_scope_names[i], name) == 0)
			return i;
	return -1;
}

int
zl_may(const struct zl_principal *p, enum zl_perm perm)
{
	return p != NULL && p->kind == ZL_USER_STAFF &&
	    (p->is_admin || (p->perms & ZL_PERM_BIT(perm)));
}

static void
add_org(struct zl_scope *s, int64_t id)
{
	if (s->norgs < ZL_SCOPE_MAXORGS)
		s->orgs[s->norgs++] = id;
}

void
zl_scope_for(const struct zl_principal *p, enum zl_perm perm, struct zl_scope *s)
{
	memset(s, 0, sizeof(*s));
	if (p == NULL || p->kind != ZL_USER_STAFF)
		return;
	if (p->is_admin) {
		s->all = 1;
		return;
	}
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct zl_grant *g = &p->grants[i];
		if (!(g->perms & ZL_PERM_BIT(perm)))
			continue;
		switch (g->scope) {
		case ZL_SCOPE_ALL:
			s->all = 1;
			break;
		case ZL_SCOPE_ORG:
			add_org(s, p->org_id);
			break;
		case ZL_SCOPE_SUBTREE:
			if (p->org_path != NULL && s->npaths < ZL_SCOPE_MAXPATHS)
				s->paths[s->npaths++] = p->org_path;
			break;
		case ZL_SCOPE_SELF:
			s->self_id = p->user_id;
			s->self_org = p->org_id;
			break;
		case ZL_SCOPE_CUSTOM:
			for (size_t j = 0; j < g->norgs; j++)
				add_org(s, g->orgs[j]);
			break;
		default:
			break;
		}
	}
}

int
zl_scope_covers(const struct zl_scope *s, int64_t org_id, const char *org_path,
    int64_t owner)
{
	if (s->all)
		return 1;
	for (size_t i = 0; i < s->norgs; i++)
		if (s->orgs[i] == org_id && org_id != 0)
			return 1;
	for (size_t i = 0; org_path != NULL && i < s->npaths; i++)
		if (strncmp(org_path, s->paths[i], strlen(s->paths[i])) == 0)
			return 1;
	if (s->self_id != 0 && owner > 0 && owner == s->self_id)
		return 1;
	if (s->self_id != 0 && owner < 0 && org_id == s->self_org && org_id != 0)
		return 1;
	return 0;
}

char *
zl_path_end(struct zl_arena *a, const char *path)
{
	return zl_arena_printf(a, "%s~", path);
}

void
zl_scope_sql(struct zl_sql *q, const struct zl_scope *s, const char *org_col,
    const char *owner_col)
{
	const char *or = "";
	char buf[256];

	if (s->all)
		return;
	zl_sql_add(q, " AND (");
	for (size_t i = 0; i < s->npaths; i++, or = " OR ") {
		snprintf(buf, sizeof(buf), "%s%s IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)",
		    or, org_col);
		zl_sql_add(q, buf);
		zl_sql_text(q, s->paths[i]);
		zl_sql_text(q, zl_path_end(q->a, s->paths[i]));
	}
	for (size_t i = 0; i < s->norgs; i++, or = " OR ") {
		snprintf(buf, sizeof(buf), "%s%s = ?", or, org_col);
		zl_sql_add(q, buf);
		zl_sql_int(q, s->orgs[i]);
	}
	if (s->self_id != 0 && owner_col != NULL) {
		snprintf(buf, sizeof(buf), "%s%s = ?", or, owner_col);
		zl_sql_add(q, buf);
		zl_sql_int(q, s->self_id);
		or = " OR ";
	} else if (s->self_id != 0 && s->self_org != 0) {
		snprintf(buf, sizeof(buf), "%s%s = ?", or, org_col);
		zl_sql_add(q, buf);
		zl_sql_int(q, s->self_org);
		or = " OR ";
	}
	if (*or == '\0')	/* nothing granted */
		zl_sql_add(q, "1 = 0");
	zl_sql_add(q, ")");
}
