/* core_http.c: health, the OpenAPI document and public platform facts. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "http/req.h"
#include "http/server.h"

/* 200 {status, version, backend}.  It does not touch the database, so a
 * load balancer's probes cost nothing; the database's own health is
 * visible in the answers of every other route. */
char *
zl_health_text(const struct zl_app *app)
{
	json_t	*j = json_pack("{s:s,s:s,s:s}", "status", "ok", "version", app->version,
	    "backend", zl_db_backend_name(app->db));
	char	*text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

/* The answer never changes while the process runs: zl_serve made it. */
static int
handle_health(struct zl_req *r)
{
	const char *t = r->app->health;

	if (t == NULL)
		return ZL_ENOMEM;
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
