/* notify.h: in-app notifications (消息提醒).  The workflow engine tells what
 * happened to a case (zl_notify_case) inside the transaction of the event;
 * each recipient then reads and marks only their own notifications.
 * Functions return 0 or a negative ZL_E*; results live in the caller's arena. */
#ifndef ZL_NOTIFY_H
#define ZL_NOTIFY_H

#include <stdint.h>
#include <jansson.h>

struct zl_conn; struct zl_arena; struct zl_principal;

enum zl_notify_kind {
	ZL_NOTIFY_TASK,		/* a new task (a rectification's too) for its handlers */
	ZL_NOTIFY_URGE,		/* 催办: to the holders of the open tasks */
	ZL_NOTIFY_ESCALATE,	/* an overdue case, to the superiors it went to */
	ZL_NOTIFY_RETURN,	/* 退回补正: to the applicant */
	ZL_NOTIFY_APPROVED,	/* the case ended approved: to the applicant */
	ZL_NOTIFY_REJECTED,	/* 不予批准: to the applicant */
	ZL_NOTIFY__MAX
};
extern const char *const zl_notify_kind_names[ZL_NOTIFY__MAX];

/* At most this many recipients per event (the engine resolves a role to at
 * most as many holders). */
#define ZL_NOTIFY_MAX_RECIPIENTS	64

/* What happened to a case, as the engine tells it (strings borrowed). */
struct zl_notify_event {
	enum zl_notify_kind	 kind;
	const char		*subject;	/* application | rectification */
	int64_t			 subject_id, org_id;
	const char		*step_name;	/* the step concerned, or NULL */
	int64_t			 due_at;	/* its deadline, or 0 */
	const char		*comment;	/* the reason of a return or rejection */
};

/* The application a case is about (a rectification's is the rated one). */
struct zl_notify_subject {
	int64_t		 app_id;
	const char	*code, *item_name;
};

struct zl_notification {
	int64_t		 id, user_id, entity_id, org_id, created_at, read_at;
	const char	*kind, *title, *body, *link, *entity;
};

/* Write one notification for each distinct user in users[0..n) but skip
 * (the actor, who needs no news of their own act; 0 for none), inside the
 * caller's transaction.  n is capped at ZL_NOTIFY_MAX_RECIPIENTS. */
int	zl_notify_case(struct zl_conn *c, struct zl_arena *a, const struct zl_notify_event *ev,
	    const int64_t *users, int n, int64_t skip);
/* The title, body and link of ev for one recipient (citizen: 1 for a
 * citizen's portal link, 0 for the staff console); pure. */
void	zl_notify_compose(struct zl_arena *a, const struct zl_notify_event *ev,
	    const struct zl_notify_subject *subj, int citizen, struct zl_notification *out);

struct zl_notify_filter {
	int64_t		 before;	/* the cursor: ids below it; 0 = from the newest */
	int		 limit, unread;
};

/* The caller's own notifications, newest first; limit+1 rows at most. */
int	zl_notify_list(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    const struct zl_notify_filter *f, struct zl_notification **out, int *n);
int	zl_notify_unread_count(struct zl_conn *c, const struct zl_principal *p, int64_t *count);
/* Mark one of the caller's notifications read (a read one keeps its first
 * read_at); ZL_ENOTFOUND when it is not theirs. */
int	zl_notify_read(struct zl_conn *c, struct zl_arena *a, const struct zl_principal *p,
	    int64_t id, struct zl_notification *out);
/* Mark all of the caller's unread notifications read; *count gets how many. */
int	zl_notify_read_all(struct zl_conn *c, const struct zl_principal *p, int64_t *count);
/* A new reference. */
json_t	*zl_notify_json(const struct zl_notification *n);

/* Store (notify_store.c). */
int	zl_notify_store_subject(struct zl_conn *c, struct zl_arena *a, const char *subject,
	    int64_t id, struct zl_notify_subject *out);
/* 1 if user is a citizen, 0 if staff, or a negative ZL_E*. */
int	zl_notify_store_is_citizen(struct zl_conn *c, int64_t user);
int	zl_notify_store_insert(struct zl_conn *c, const struct zl_notification *n);
int	zl_notify_store_list(struct zl_conn *c, struct zl_arena *a, int64_t user,
	    const struct zl_notify_filter *f, struct zl_notification **out, int *n);
int	zl_notify_store_unread(struct zl_conn *c, int64_t user, int64_t *count);
int	zl_notify_store_get(struct zl_conn *c, struct zl_arena *a, int64_t id, int64_t user,
	    struct zl_notification *out);
/* Set read_at = at where unread: of one (id > 0) or all of user's; the
 * number of rows changed, or a negative ZL_E*. */
int64_t	zl_notify_store_mark(struct zl_conn *c, int64_t id, int64_t user, int64_t at);

#endif
