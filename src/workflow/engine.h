/* engine.h: the one workflow engine behind every approval.  Definitions are
 * versioned JSON documents (procdef.h); an instance keeps the version it
 * started with; tasks go to a user or to a role within an org; deadlines
 * run in working days (calendar.h) and stop while the case waits for the
 * applicant.  All functions work inside the caller's transaction and append
 * their audit rows there; they return 0 or a negative ZL_E*. */
#ifndef ZL_ENGINE_H
#define ZL_ENGINE_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor;
struct zl_principal; struct zl_form; struct zl_procdef; struct zl_calendar;
struct zl_cal_entry;

struct zl_wf_def {
	int64_t			 id, version, org_id, created_at;
	const char		*code, *name;
	json_t			*doc;		/* borrowed from the arena */
	struct zl_procdef	*def;
};

/* Validate doc against form (may be NULL) and the roles, orgs and users that
 * exist, and store it as the next version of `code`.  Not transactional by
 * itself: call inside the caller's transaction. */
int	zl_wf_def_save(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const char *code, const char *name, const json_t *doc,
	    const struct zl_form *form, int64_t org_id, struct zl_wf_def **out,
	    struct zl_error *err);
/* The newest version of code, or a given version id. */
int	zl_wf_def_latest(struct zl_conn *c, struct zl_arena *a, const char *code,
	    struct zl_wf_def **out);
int	zl_wf_def_get(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    struct zl_wf_def **out);

/* What a subject module hands the engine to start a case. */
struct zl_wf_start {
	int64_t		 def_id;
	const char	*subject;	/* "application", "rectification" … */
	int64_t		 subject_id;
	int64_t		 org_id;	/* the handling org: the scope of its tasks */
	int64_t		 applicant_id, applicant_org;
	const json_t	*data;		/* form data, for conditions */
	int		 limit_days;	/* the case's promised working days */
};

int	zl_wf_start(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_wf_start *s, int64_t *instance_id, struct zl_error *err);

/* Actions on a task. */
enum zl_wf_action {
	ZL_WF_APPROVE,		/* 同意 */
	ZL_WF_REJECT,		/* 不予批准: the case ends */
	ZL_WF_RETURN,		/* 退回补正: to the applicant; the clock stops */
	ZL_WF_BACK,		/* 驳回 to an earlier step */
	ZL_WF_TRANSFER,		/* 转办 to another user */
	ZL_WF_ADD_SIGNER,	/* 加签: another user must also approve this step */
	ZL_WF_COMMENT,		/* 意见 without acting */
	ZL_WF__MAX
};
extern const char *const zl_wf_action_names[ZL_WF__MAX];
int	zl_wf_action_parse(const char *name);

struct zl_wf_act {
	enum zl_wf_action	 action;
	const char		*comment;
	const char		*to_step;	/* back */
	int64_t			 user_id;	/* transfer, add-signer */
	const json_t		*data;		/* the case's form data, for conditions */
};

/* What an action did to the case, for its subject module to follow. */
struct zl_wf_result {
	int64_t		 instance_id, subject_id;
	const char	*subject;
	const char	*status;	/* running | supplement | approved | rejected | withdrawn */
	int		 finished;
};

/* May p act on task (its user, or a holder of its role in its org)? */
int	zl_wf_holds(struct zl_conn *c, const struct zl_principal *p, int64_t task_id);
int	zl_wf_task_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t task_id, const struct zl_wf_act *act, struct zl_wf_result *res,
	    struct zl_error *err);
/* The applicant hands the supplemented case back: the clock runs again and
 * the step that returned it gets new tasks. */
int	zl_wf_resume(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t instance_id, const json_t *data, struct zl_wf_result *res,
	    struct zl_error *err);
/* The applicant withdraws before anyone acted; ZL_ECONFLICT afterwards. */
int	zl_wf_withdraw(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t instance_id, struct zl_wf_result *res, struct zl_error *err);
/* 催办: mark the open tasks urged and note it in the history. */
int	zl_wf_urge(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t instance_id, struct zl_error *err);

/* An instance as others may show it. */
struct zl_wf_case {
	int64_t		 id, def_id, due_at, finished_at, paused_total;
	int		 returned;
	const char	*step, *status;
};
int	zl_wf_case_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_case *out);

/* Replace the stored 法定节假日 and 调休 days of one year (entries in that
 * year only), audited; inside the caller's transaction. */
int	zl_wf_calendar_set_year(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int year, const struct zl_cal_entry *e, size_t n, struct zl_error *err);

/* Escalate overdue cases: each running case with a task past its deadline
 * gets a history row, an audit row, and a task for the organisation
 * administrators of the org above the task's org (the assignee's superior),
 * once.  Runs its own transactions; *count gets the cases escalated. */
int	zl_wf_escalate(struct zl_conn *c, int64_t now, int *count);

/* How many active users hold role (code) in org. */
int	zl_wf_role_holders(struct zl_conn *c, const char *role, int64_t org);

/* The working-day calendar: stored years, and the built-in holidays for the
 * years not stored.  Call zl_cal_release on it. */
int	zl_wf_calendar(struct zl_conn *c, struct zl_arena *a, struct zl_calendar *cal);

#endif
