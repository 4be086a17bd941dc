/* engine_store.h: the SQL of the workflow engine (engine_store.c). */
#ifndef ZL_ENGINE_STORE_H
#define ZL_ENGINE_STORE_H

#include <stdint.h>

struct zl_conn; struct zl_arena; struct zl_cal_entry;

struct zl_wf_instance {
	int64_t		 id, def_id, subject_id, org_id, applicant_id, applicant_org;
	int64_t		 step_started_at, due_at, paused_since, paused_total, created_at;
	int64_t		 finished_at, version;
	int		 returned, escalated;
	const char	*subject, *status, *step;
};

struct zl_wf_task {
	int64_t		 id, instance_id, org_id, user_id, role_id, role_org;
	int64_t		 created_at, due_at, done_at, done_by;
	int		 urged;
	const char	*step, *mode, *status, *action, *comment, *step_name;
};

int	zl_wfs_def_insert(struct zl_conn *c, const char *code, const char *name,
	    const char *doc, int64_t org_id, int64_t by, int64_t now, int64_t *id, int64_t *version);
int	zl_wfs_def_get(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
	    int64_t *out_id, int64_t *version, const char **name, const char **doc,
	    int64_t *org_id, int64_t *created_at);
/* Does a role / org / user with this code exist? 1 or 0 (<0 on error). */
int	zl_wfs_exists(struct zl_conn *c, int what, const char *code);
int64_t	zl_wfs_role_id(struct zl_conn *c, const char *code);
int64_t	zl_wfs_org_id(struct zl_conn *c, const char *code);
int64_t	zl_wfs_parent_org(struct zl_conn *c, int64_t org);
int64_t	zl_wfs_user_id(struct zl_conn *c, const char *username);
/* Active users holding role in org (at most max). */
int	zl_wfs_role_users(struct zl_conn *c, int64_t role, int64_t org, int64_t *ids, int max);

int	zl_wfs_instance_insert(struct zl_conn *c, struct zl_wf_instance *i);
int	zl_wfs_instance_get(struct zl_conn *c, struct zl_arena *a, int64_t id,
	    struct zl_wf_instance *i);
int	zl_wfs_instance_update(struct zl_conn *c, const struct zl_wf_instance *i);
int	zl_wfs_task_insert(struct zl_conn *c, struct zl_wf_task *t);
int	zl_wfs_task_get(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_wf_task *t);
int	zl_wfs_task_close(struct zl_conn *c, int64_t id, const char *status,
	    const char *action, const char *comment, int64_t at, int64_t by);
/* Open tasks of an instance (at one step if step != NULL). */
int	zl_wfs_open_tasks(struct zl_conn *c, struct zl_arena *a, int64_t instance,
	    const char *step, struct zl_wf_task **out, int *n);
int	zl_wfs_history(struct zl_conn *c, int64_t instance, int64_t at, int64_t actor,
	    const char *action, const char *step, const char *to_step, const char *comment);
/* Was step ever entered in this instance's history? */
int	zl_wfs_step_visited(struct zl_conn *c, int64_t instance, const char *step);
/* Has anyone acted (approve, reject, return …) on the instance? */
int	zl_wfs_acted(struct zl_conn *c, int64_t instance);
/* Make every open task of a step 会签 (the step waits for all of them). */
int	zl_wfs_step_all(struct zl_conn *c, int64_t instance, const char *step);
/* 1 if id is an active staff user who may handle applications. */
int	zl_wfs_staff_ok(struct zl_conn *c, int64_t id);
/* Open tasks past due whose case is running and not yet escalated. */
int	zl_wfs_overdue(struct zl_conn *c, struct zl_arena *a, int64_t now, struct zl_wf_task **out,
	    int *n);
int	zl_wfs_urge(struct zl_conn *c, int64_t instance);

/* The calendar rows as entries (strings in the arena). */
int	zl_wfs_calendar(struct zl_conn *c, struct zl_arena *a, struct zl_cal_entry **out,
	    size_t *n);
int	zl_wfs_calendar_set_year(struct zl_conn *c, int year, const struct zl_cal_entry *e,
	    size_t n, int64_t now);

#endif
