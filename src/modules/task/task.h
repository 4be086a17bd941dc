/* task.h: the inbox (待办 / 已办): tasks of the caller or of the caller's
 * roles in its org, sorted by remaining working time; acting on them; and
 * the overdue cases a supervisor sees in scope. */
#ifndef ZL_TASK_H
#define ZL_TASK_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor; struct zl_principal;
struct zl_scope; struct zl_wf_act;

struct zl_task_row {
	int64_t		 id, instance_id, subject_id, org_id, created_at, due_at, done_at, urged;
	int64_t		 handler_org;
	const char	*step, *status, *action, *subject, *code, *item_name, *applicant_name;
	const char	*step_name, *handler_org_name;
};

struct zl_task_filter {
	int		 done, overdue, limit;
	int64_t		 after_due, after_id, now;
};

int	zl_task_inbox(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_task_filter *f, struct zl_task_row **out, int *n);
int	zl_task_overdue(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_task_filter *f, struct zl_task_row **out, int *n);
/* One action on one task, with its subject kept in step, in one transaction;
 * ZL_ENOTFOUND when the caller does not hold the task. */
int	zl_task_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t task_id, struct zl_wf_act *act, struct zl_error *err);

/* Store. */
int	zl_task_store_inbox(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_task_filter *f, struct zl_task_row **out, int *n);
int	zl_task_store_overdue(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_task_filter *f, struct zl_task_row **out, int *n);
/* The subject data a task's conditions need (application form data). */
int	zl_task_store_subject(struct zl_conn *c, struct zl_arena *a, int64_t task_id,
	    const char **subject, int64_t *subject_id, json_t **data);

#endif
