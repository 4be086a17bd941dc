/* application.h: online applications for service items (一网通办): drafts,
 * idempotent submission, an application code to track by, supplement when
 * returned, withdrawal before anyone acted.  The workflow engine runs the
 * case; this module keeps the applicant's record in step with it. */
#ifndef ZL_APPLICATION_H
#define ZL_APPLICATION_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_error; struct zl_actor; struct zl_principal;
struct zl_scope; struct zl_wf_result;

struct zl_application {
	int64_t		 id, item_id, item_version, org_id, applicant_id, applicant_org;
	int64_t		 instance_id, submitted_at, finished_at, version, created_at, updated_at;
	const char	*code, *channel, *status, *item_name, *applicant_name;
	json_t		*data;		/* borrowed from the arena */
};

/* The parts of a service item an application needs (read from the catalog). */
struct zl_app_item {
	int64_t		 id, org_id, version, promised_days, visits;
	const char	*name, *audience, *status, *process_code;
	json_t		*form;		/* the item's form definition, borrowed */
};

struct zl_app_in {
	int64_t		 item_id, version;
	json_t		*data;
	int		 draft;
	const char	*channel, *idem_key;
	uint32_t	 present;
};

struct zl_app_filter {
	int64_t		 after, item_id, applicant_id;
	int		 limit;
	const char	*status;
};

int	zl_app_decode(struct zl_app_in *in, const json_t *body, int create, struct zl_arena *a,
	    struct zl_error *err);
/* 201 semantics: *created 0 when the Idempotency-Key named an earlier one. */
int	zl_app_create(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_app_in *in, struct zl_application **out, int *created,
	    struct zl_error *err);
int	zl_app_update(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const struct zl_app_in *in, struct zl_application **out, struct zl_error *err);
/* submit | resubmit | withdraw | urge, by the applicant. */
int	zl_app_act(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    int64_t id, const char *action, struct zl_application **out, struct zl_error *err);
/* The applicant, a handler of one of its tasks, or application.read in scope. */
int	zl_app_get(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int64_t id, struct zl_application **out);
int	zl_app_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int handling, const struct zl_app_filter *f, struct zl_application **out, int *n);
/* Follow the engine after a task action (inside the caller's transaction). */
int	zl_app_sync(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
	    const struct zl_wf_result *res);
json_t	*zl_app_json(const struct zl_application *ap, int full);
/* What the audit trail and the log digest (new reference). */
json_t	*zl_app_record_json(struct zl_arena *a, const struct zl_application *ap);
/* {process (the definition), step, status, due_at, returned} of a case (new). */
int	zl_app_case(struct zl_conn *c, struct zl_arena *a, int64_t instance, json_t **out);

/* What the result document shows (result_pdf.c). */
struct zl_app_result {
	const char	*code, *item_name, *applicant_name, *org_name, *status;
	const char	*submitted, *finished, *digest, *public_url;
	int64_t		 leaf_index;
};
int	zl_app_result_pdf(struct zl_arena *a, const struct zl_app_result *res, char **out,
	    size_t *n);
/* The latest leaf of the application and its record digest. */
int	zl_app_store_leaf(struct zl_conn *c, struct zl_arena *a, int64_t id, int64_t *leaf,
	    const char **digest, const char **org_name);

/* Store (application_store.c). */
int	zl_app_store_item(struct zl_conn *c, struct zl_arena *a, int64_t id, struct zl_app_item *it);
int	zl_app_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, const char *code,
	    struct zl_application *ap);
int	zl_app_store_by_key(struct zl_conn *c, struct zl_arena *a, int64_t applicant,
	    const char *key, struct zl_application *ap);
int	zl_app_store_insert(struct zl_conn *c, struct zl_arena *a, struct zl_application *ap,
	    const char *data, const char *key);
int	zl_app_store_update(struct zl_conn *c, const struct zl_application *ap, const char *data,
	    int64_t old_version);
int	zl_app_store_list(struct zl_conn *c, struct zl_arena *a, const struct zl_scope *s,
	    const struct zl_app_filter *f, struct zl_application **out, int *n);
/* Does user hold (or did hold) a task of the instance? */
int	zl_app_store_handler(struct zl_conn *c, int64_t instance, int64_t user, int64_t org);
/* The case's history rows and open tasks as JSON (new references). */
json_t	*zl_app_store_history(struct zl_conn *c, struct zl_arena *a, int64_t instance);
/* The case's rating {overall, level, created_at, rectification_id}, or null (new). */
json_t	*zl_app_store_rating(struct zl_conn *c, int64_t id);
json_t	*zl_app_store_open_tasks(struct zl_conn *c, struct zl_arena *a, int64_t instance);

#endif
