/* kpi.c: the service figures from the rows, grouped in memory. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/kpi/kpi.h"
#include "workflow/calendar.h"
#include "workflow/engine.h"

struct acc {
	int64_t		 key;
	const char	*name;
	int64_t		 total, running, supplement, approved, rejected, withdrawn;
	int64_t		 finished, on_time, first_time, online, visits_saved, rated, satisfied;
	double		*days;
	size_t		 ndays;
};

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static json_t *
acc_json(struct acc *g)
{
	double mean = 0, p90 = 0;

	if (g->ndays > 0) {
		for (size_t i = 0; i < g->ndays; i++)
			mean += g->days[i];
		mean /= (double)g->ndays;
		qsort(g->days, g->ndays, sizeof(double), cmp_double);
		p90 = g->days[(size_t)((double)(g->ndays - 1) * 0.9 + 0.5)];
	}
#define RATE(a, b)	((b) > 0 ? (double)(a) / (double)(b) : 0.0)
	return json_pack("{s:I,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:f,s:f,s:f,s:f,s:f,s:I,s:f,s:I}",
	    "id", (json_int_t)g->key, "name", g->name ? g->name : "合计",
	    "applications", "total", (json_int_t)g->total, "running", (json_int_t)g->running,
	    "supplement", (json_int_t)g->supplement, "approved", (json_int_t)g->approved,
	    "rejected", (json_int_t)g->rejected, "withdrawn", (json_int_t)g->withdrawn,
	    "handling_days_mean", mean, "handling_days_p90", p90,
	    "on_time_rate", RATE(g->on_time, g->finished),
	    "first_time_rate", RATE(g->first_time, g->finished),
	    "online_rate", RATE(g->online, g->total), "visits_saved", (json_int_t)g->visits_saved,
	    "satisfaction_rate", RATE(g->satisfied, g->rated), "ratings", (json_int_t)g->rated);
#undef RATE
}

static void
add(struct acc *g, const struct zl_kpi_row *r, const struct zl_calendar *cal, struct zl_arena *a,
    size_t cap)
{
	g->total++;
	if (strcmp(r->status, "running") == 0) g->running++;
	else if (strcmp(r->status, "supplement") == 0) g->supplement++;
	else if (strcmp(r->status, "approved") == 0) g->approved++;
	else if (strcmp(r->status, "rejected") == 0) g->rejected++;
	else if (strcmp(r->status, "withdrawn") == 0) g->withdrawn++;
	if (r->online) {
		g->online++;
		if (r->visits == 0)	/* 一次不用跑: an online case saves the trip */
			g->visits_saved++;
	}
	if (r->rating > 0) {
		g->rated++;
		g->satisfied += r->rating >= 4;
	}
	if (r->finished_at == 0 || strcmp(r->status, "withdrawn") == 0)
		return;
	g->finished++;
	g->on_time += r->due_at == 0 || r->finished_at <= r->due_at;
	g->first_time += r->returned == 0;
	if (g->days == NULL)
		g->days = zl_arena_alloc(a, cap * sizeof(double));
	/* Working days from submission to the end, less the wall time the case
	 * waited for the applicant (the clock stops then). */
	{
		double d = zl_cal_working_days_between(cal, r->submitted_at, r->finished_at) -
		    (double)r->paused_total / 86400.0;
		g->days[g->ndays++] = d > 0 ? d : 0;
	}
}

int
zl_kpi_services(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
    int64_t from, int64_t to, int by_org, json_t **out)
{
	struct zl_kpi_row	*rows;
	struct zl_calendar	 cal;
	struct acc		*groups, total;
	size_t			 n, ng = 0;
	json_t			*arr;
	int			 rc;

	if ((rc = zl_kpi_store_rows(c, a, s, from, to, &rows, &n)) != 0 ||
	    (rc = zl_wf_calendar(c, a, &cal)) != 0)
		return rc;
	groups = zl_arena_alloc(a, (n + 1) * sizeof(*groups));
	memset(&total, 0, sizeof(total));
	for (size_t i = 0; i < n; i++) {
		int64_t key = by_org ? rows[i].org_id : rows[i].item_id;
		size_t g;
		for (g = 0; g < ng && groups[g].key != key; g++)
			;
		if (g == ng) {
			memset(&groups[ng], 0, sizeof(groups[ng]));
			groups[ng].key = key;
			groups[ng++].name = by_org ? rows[i].org_name : rows[i].item_name;
		}
		add(&groups[g], &rows[i], &cal, a, n);
		add(&total, &rows[i], &cal, a, n);
	}
	zl_cal_release(&cal);
	arr = json_array();
	for (size_t g = 0; g < ng; g++)
		json_array_append_new(arr, acc_json(&groups[g]));
	*out = json_pack("{s:o,s:o}", "groups", arr, "total", acc_json(&total));
	return 0;
}
