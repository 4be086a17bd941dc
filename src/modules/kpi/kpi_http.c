/* kpi_http.c: GET /api/v1/kpi/services?from=&to=&by=item|org within the
 * caller's kpi.read scope. */
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/kpi/kpi.h"

static int
handle_services(struct zl_req *r)
{
	const char	*from = zl_req_query(r, "from"), *to = zl_req_query(r, "to");
	const char	*by = zl_req_query(r, "by");
	int64_t		 f = 0, t = (int64_t)time(NULL) + 86400;
	struct zl_scope	 s;
	json_t		*out;
	int		 rc;

	if (from != NULL && *from != '\0' && (f = zl_time_parse(from)) < 0)
		return zl_err_field(&r->err, "from", "use 2026-11-01");
	if (to != NULL && *to != '\0') {
		if ((t = zl_time_parse(to)) < 0)
			return zl_err_field(&r->err, "to", "use 2026-11-30");
		if (strlen(to) == 10)
			t += 86400;
	}
	if (by != NULL && strcmp(by, "item") != 0 && strcmp(by, "org") != 0)
		return zl_err_field(&r->err, "by", "item or org");
	zl_scope_for(r->who, ZL_P_KPI_READ, &s);
	if ((rc = zl_kpi_services(r->db, &r->arena, &s, f, t, by && strcmp(by, "org") == 0, &out)) != 0)
		return rc;
	json_object_set_new(out, "from", zl_json_time(f));
	json_object_set_new(out, "to", zl_json_time(t));
	return zl_reply_json(r, 200, out);
}

const struct zl_route zl_kpi_routes[] = {
	{ ZL_GET, "/api/v1/kpi/services", handle_services, ZL_P_KPI_READ },
	{ 0 }
};
