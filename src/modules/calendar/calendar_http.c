/* calendar_http.c: the working-day calendar (法定节假日 and 调休), per year:
 * read by every staff user, replaced by calendar.write. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "db/db.h"
#include "http/req.h"
#include "workflow/calendar.h"
#include "workflow/engine.h"

static int
year_of(struct zl_req *r, int *year)
{
	char *end;
	long y = strtol(r->params[0], &end, 10);

	if (*end != '\0' || y < 2000 || y > 2100)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "year 2000–2100");
	*year = (int)y;
	return 0;
}

/* {year, days:[{date, kind, name}], working_days} as the engine counts them. */
static int
handle_get(struct zl_req *r)
{
	struct zl_calendar	 cal;
	json_t			*days = json_array();
	int32_t			 from, to;
	int			 year, rc, working = 0;
	char			 buf[24];

	if ((rc = year_of(r, &year)) != 0 || (rc = zl_wf_calendar(r->db, &r->arena, &cal)) != 0) {
		json_decref(days);
		return rc;
	}
	snprintf(buf, sizeof(buf), "%04d-01-01", year);
	zl_cal_date_parse(buf, &from);
	snprintf(buf, sizeof(buf), "%04d-01-01", year + 1);
	zl_cal_date_parse(buf, &to);
	for (int32_t d = from; d < to; d++) {
		int weekend = zl_cal_weekday(d) == 0 || zl_cal_weekday(d) == 6;
		int work = zl_cal_is_working_day(&cal, d);
		working += work;
		if (work == weekend) {	/* only the exceptions are listed */
			char date[16];
			zl_cal_date_format(d, date);
			json_array_append_new(days, json_pack("{s:s,s:s}", "date", date,
			    "kind", work ? "workday" : "holiday"));
		}
	}
	zl_cal_release(&cal);
	return zl_reply_json(r, 200, json_pack("{s:i,s:o,s:i}", "year", year, "days", days,
	    "working_days", working));
}

struct day_in { const char *date, *kind, *name; };

static const struct zl_jfield day_fields[] = {
	{ "date", ZL_J_STR, offsetof(struct day_in, date), 1, 10 },
	{ "kind", ZL_J_STR, offsetof(struct day_in, kind), 1, 16 },
	{ "name", ZL_J_STR, offsetof(struct day_in, name), 0, 32 },
	{ NULL },
};

/* PUT {days:[{date, kind: holiday|workday, name}]}: replaces that year. */
static int
handle_put(struct zl_req *r)
{
	struct zl_actor		 who = { r->who, r->client_addr };
	struct zl_cal_entry	*e;
	json_t			*body, *days, *v;
	size_t			 i, n;
	int			 year, rc;

	if ((rc = year_of(r, &year)) != 0 || (rc = zl_req_body(r, &body)) != 0)
		return rc;
	days = json_object_get(body, "days");
	if (json_object_size(body) != 1 || !json_is_array(days) || json_array_size(days) > 366)
		return zl_err_field(&r->err, "days", "an array of at most 366 days, and nothing else");
	n = json_array_size(days);
	e = zl_arena_alloc(&r->arena, (n + 1) * sizeof(*e));
	json_array_foreach(days, i, v) {
		struct day_in d = { 0 };
		if (!json_is_object(v) ||
		    zl_json_decode(v, day_fields, &d, NULL, &r->arena, &r->err) != 0)
			return zl_err_field(&r->err, zl_arena_printf(&r->arena, "days[%zu]", i), "bad day");
		if (strcmp(d.kind, "holiday") != 0 && strcmp(d.kind, "workday") != 0)
			return zl_err_field(&r->err, zl_arena_printf(&r->arena, "days[%zu].kind", i),
			    "holiday or workday");
		e[i].date = d.date;
		e[i].kind = strcmp(d.kind, "workday") == 0 ? ZL_CAL_WORKDAY : ZL_CAL_HOLIDAY;
		e[i].name = d.name ? d.name : "";
	}
	if ((rc = zl_tx_begin(r->db)) != 0)
		return rc;
	if ((rc = zl_wf_calendar_set_year(r->db, &r->arena, &who, year, e, n, &r->err)) != 0 ||
	    (rc = zl_tx_commit(r->db)) != 0) {
		zl_tx_rollback(r->db);
		return rc;
	}
	return handle_get(r);
}

const struct zl_route zl_calendar_routes[] = {
	{ ZL_GET, "/api/v1/calendar/{year}", handle_get, ZL_ROUTE_STAFF },
	{ ZL_PUT, "/api/v1/calendar/{year}", handle_put, ZL_P_CALENDAR_WRITE },
	{ 0 }
};
