/* rating.h: 好差评.  The applicant rates a finished case once, per dimension
 * of the channel's indicator set, on five levels; a bad rating opens a
 * rectification case (差评整改) on the workflow engine, due in 15 working
 * days, which closes only with a recorded follow-up (回访) and a reply. */
#ifndef ZL_RATING_H
#define ZL_RATING_H

#include <stdint.h>
#include <jansson.h>

#include "core/json.h"

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor; struct zl_principal;
struct zl_wf_result;

#define ZL_RECTIFY_DAYS	15

struct zl_rating_in {
	json_t		*scores;	/* {dimension: 1..5} */
	struct zl_strs	 tags;
	const char	*comment;
};

int	zl_rating_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t application_id, const struct zl_rating_in *in, json_t **out,
	    struct zl_error *err);
int	zl_rectify_followup(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const char *followup, const char *reply, json_t **out, struct zl_error *err);
/* Before a rectification case's task may be approved: follow-up and reply. */
int	zl_rectify_may_close(struct zl_conn *c, int64_t rectification_id, struct zl_error *err);
int	zl_rectify_sync(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_wf_result *res);

#endif
