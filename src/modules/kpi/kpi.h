/* kpi.h: 效能指标 of the service hall, computed from the records: per item or
 * per org and period, applications by status, handling time in working days
 * (mean, p90; the time waiting for the applicant not counted), on-time rate,
 * 一次办结 rate (never returned for supplement), online rate, on-site visits
 * saved, satisfaction rate. */
#ifndef ZL_KPI_H
#define ZL_KPI_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_scope;

/* One submitted application as the figures need it. */
struct zl_kpi_row {
	int64_t		 item_id, org_id, submitted_at, finished_at, due_at, paused_total;
	int64_t		 visits, rating;	/* rating 0 = not rated */
	int		 returned, online;
	const char	*status, *item_name, *org_name;
};

int	zl_kpi_store_rows(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    int64_t from, int64_t to, struct zl_kpi_row **out, size_t *n);
/* {groups:[…], total:{…}} grouped by item (by_org 0) or org (new reference). */
int	zl_kpi_services(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    int64_t from, int64_t to, int by_org, json_t **out);

#endif
