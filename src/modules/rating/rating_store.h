/* rating_store.h: rows of ratings and rectifications (rating_store.c). */
#ifndef ZL_RATING_STORE_H
#define ZL_RATING_STORE_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena;

struct zl_rating_row {
	int64_t		 id, application_id, org_id, item_id, set_id, overall, rater_id, created_at;
	const char	*scores, *tags, *comment;
};

struct zl_rectify_row {
	int64_t		 id, rating_id, org_id, instance_id, followup_at, due_at, created_at,
			 closed_at, version;
	const char	*status, *followup, *reply;
};

int	zl_rating_store_set(struct zl_conn *c, struct zl_arena *a, const char *channel,
	    int64_t *id, json_t **dims);
int	zl_rating_store_insert(struct zl_conn *c, struct zl_rating_row *r);
int	zl_rectify_store_insert(struct zl_conn *c, struct zl_rectify_row *r);
int	zl_rectify_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    struct zl_rectify_row *r);
int	zl_rectify_store_update(struct zl_conn *c, const struct zl_rectify_row *r);
/* A rectification with its rating and application, as JSON (new), and
 * its org and case for the access check. */
int	zl_rectify_store_detail(struct zl_conn *c, struct zl_arena *a, int64_t id, json_t **out,
	    int64_t *org_id, int64_t *instance_id);
int	zl_rating_store_summary(struct zl_conn *c, struct zl_arena *a, int by_org, json_t **out);

#endif
