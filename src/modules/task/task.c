/* task.c: acting on tasks: only a holder of the task acts; the engine moves
 * the case and the subject (an application) follows, in one transaction. */
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/application/application.h"
#include "modules/rating/rating.h"
#include "modules/task/task.h"
#include "workflow/engine.h"

int
zl_task_inbox(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_task_filter *f, struct zl_task_row **out, int *n)
{
	return zl_task_store_inbox(c, a, p, f, out, n);
}

int
zl_task_overdue(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
    const struct zl_task_filter *f, struct zl_task_row **out, int *n)
{
	struct zl_scope s;

	zl_scope_for(p, ZL_P_APP_READ, &s);
	return zl_task_store_overdue(c, a, &s, f, out, n);
}

int
zl_task_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    int64_t task_id, struct zl_wf_act *act, struct zl_error *err)
{
	struct zl_wf_result	 res;
	const char		*subject;
	int64_t			 subject_id;
	json_t			*data;
	int			 rc;

	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_wf_holds(c, who->who, task_id)) <= 0) {
		rc = rc == 0 || rc == ZL_ENOTFOUND ? zl_err_set(err, ZL_ENOTFOUND, NULL,
		    "待办不存在或不属于您 (no such task of yours)") : rc;
		goto fail;
	}
	if ((rc = zl_task_store_subject(c, a, task_id, &subject, &subject_id, &data)) != 0)
		goto fail;
	act->data = data;
	if (strcmp(subject, "rectification") == 0 && act->action == ZL_WF_APPROVE &&
	    (rc = zl_rectify_may_close(c, subject_id, err)) != 0)
		goto fail;
	memset(&res, 0, sizeof(res));
	if ((rc = zl_wf_task_act(c, a, who, task_id, act, &res, err)) != 0)
		goto fail;
	if (strcmp(subject, "application") == 0 && (rc = zl_app_sync(c, a, who, &res)) != 0)
		goto fail;
	if (strcmp(subject, "rectification") == 0 && (rc = zl_rectify_sync(c, a, who, &res)) != 0)
		goto fail;
	if ((rc = zl_tx_commit(c)) != 0)
		goto fail;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}
