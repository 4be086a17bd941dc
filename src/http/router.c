/* router.c: a linear walk over the route tables.  A few dozen routes of a
 * few segments each: comparing them takes less time than parsing the request. */
#include <string.h>

#include "http/router.h"

extern const struct zl_route zl_core_routes[], zl_auth_routes[],
    zl_org_routes[], zl_user_routes[], zl_role_routes[], zl_token_routes[],
    zl_audit_routes[], zl_ledger_routes[], zl_application_routes[], zl_task_routes[],
    zl_rating_routes[], zl_catalog_routes[], zl_upload_routes[],
    zl_kpi_routes[], zl_calendar_routes[], zl_notify_routes[];

static const struct zl_route *const tables[] = {
	zl_core_routes, zl_auth_routes, zl_org_routes, zl_user_routes,
	zl_role_routes, zl_token_routes, zl_audit_routes, zl_ledger_routes,
	zl_application_routes, zl_task_routes, zl_rating_routes, zl_catalog_routes,
	zl_upload_routes, zl_kpi_routes, zl_calendar_routes, zl_notify_routes, NULL,
};

const struct zl_route *const *
zl_route_tables(void)
{
	return tables;
}

/* Match pattern against path segment by segment; {x} captures one segment,
 * a final {*} the rest of the path. */
static int
match(const char *pat, const char *path, struct zl_req *r)
{
	int n = 0;

	while (*pat != '\0' && *path != '\0') {
		if (strcmp(pat, "{*}") == 0) {	/* the rest of the path */
			if (n >= ZL_MAX_PARAMS)
				return 0;
			r->params[n++] = zl_arena_strdup(&r->arena, path);
			r->nparams = n;
			return 1;
		}
		if (*pat == '{') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);
			if (len == 0 || n >= ZL_MAX_PARAMS)
				return 0;
			r->params[n++] = zl_arena_strndup(&r->arena, path, len);
			path += len;
			pat = strchr(pat, '}') + 1;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	if (*pat != '\0' || *path != '\0')
		return 0;
	r->nparams = n;
	return 1;
}

const struct zl_route *
zl_route_match(struct zl_req *r, int *path_known)
{
	*path_known = 0;
	for (int t = 0; tables[t] != NULL; t++)
		for (const struct zl_route *rt = tables[t]; rt->pattern != NULL; rt++) {
			if (!match(rt->pattern, r->path, r))
				continue;
			if (rt->method == r->method ||
			    (r->method == ZL_HEAD && rt->method == ZL_GET))
				return rt;
			*path_known = 1;
		}
	return NULL;
}

const struct zl_route *
zl_req_route(struct zl_req *r, int *path_known)
{
	if (!r->route_matched) {
		r->route = zl_route_match(r, &r->path_known);
		r->route_matched = 1;
	}
	*path_known = r->path_known;
	return r->route;
}
