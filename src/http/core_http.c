/* core_http.c: health, the OpenAPI document and public platform facts. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "http/req.h"

/* 200 {status, version, backend}.  It does not touch the database, so a
 * load balancer's probes cost nothing; the database's own health is
 * visible in the answers of every other route. */
static int
handle_health(struct zl_req *r)
{
	/* The answer never changes while the process runs: made once. */
	static char	*text;
	char		*t = __atomic_load_n(&text, __ATOMIC_ACQUIRE), *mine = NULL;
	json_t		*j;

	if (t == NULL) {
		if ((j = json_pack("{s:s,s:s,s:s}", "status", "ok", "version", r->app->version,
		    "backend", zl_db_backend_name(r->app->db))) == NULL ||
		    (mine = json_dumps(j, JSON_COMPACT)) == NULL) {
			json_decref(j);
			return ZL_ENOMEM;
		}
		json_decref(j);
		if (!__atomic_compare_exchange_n(&text, &t, mine, 0, __ATOMIC_ACQ_REL,
		    __ATOMIC_ACQUIRE))
			free(mine);	/* another thread made it first: t is theirs */
		else
			t = mine;
	}
	return zl_reply_static(r, 200, "application/json; charset=utf-8", t, strlen(t));
}

static int
handle_openapi(struct zl_req *r)
{
	if (r->app->openapi == NULL)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL,
		    "openapi.json is not in the web root; build the web application");
	return zl_reply_static(r, 200, "application/json; charset=utf-8",
	    r->app->openapi, r->app->openapi_len);
}

static int
handle_info(struct zl_req *r)
{
	return zl_reply_json(r, 200, json_pack("{s:s,s:s,s:s}",
	    "name", "治理 · 机关事务数字化治理平台",
	    "name_en", "Zhili: digital governance of government administrative affairs",
	    "version", r->app->version));
}

const struct zl_route zl_core_routes[] = {
	{ ZL_GET, "/api/v1/health", handle_health, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/openapi.json", handle_openapi, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/info", handle_info, ZL_ROUTE_PUBLIC },
	{ 0 }
};
