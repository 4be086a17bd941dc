/* notify_http.c: /api/v1/notifications: the caller's own notifications, the
 * bell's unread count, and marking them read.  Staff and citizens alike;
 * nobody reaches another user's rows (notify_store.c names the recipient in
 * every query).  Decode, call notify.c, encode. */
#include <string.h>

#include "auth/auth.h"
#include "http/req.h"
#include "modules/notify/notify.h"

/* 200 {items, next_cursor}, newest first; 400 bad paging or unread flag. */
static int
handle_list(struct zl_req *r)
{
	struct zl_notify_filter	 f = { 0 };
	struct zl_notification	*ns;
	const char		*unread = zl_req_query(r, "unread");
	json_t			*items;
	int			 n, rc;

	if ((rc = zl_req_page(r, &f.limit, &f.before)) != 0)
		return rc;
	if (unread != NULL && *unread != '\0' && strcmp(unread, "1") != 0 && strcmp(unread, "0") != 0)
		return zl_err_field(&r->err, "unread", "must be 1 or 0");
	f.unread = unread != NULL && strcmp(unread, "1") == 0;
	if ((rc = zl_notify_list(r->db, &r->arena, r->who, &f, &ns, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n && i < f.limit; i++)
		json_array_append_new(items, zl_notify_json(&ns[i]));
	return zl_reply_list(r, items, n > f.limit ? ns[f.limit - 1].id : 0);
}

/* 200 {unread}. */
static int
handle_count(struct zl_req *r)
{
	int64_t	n;
	int	rc;

	if ((rc = zl_notify_unread_count(r->db, r->who, &n)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

/* 200 the notification, now read; 404 not the caller's (or no such id). */
static int
handle_read(struct zl_req *r)
{
	struct zl_notification	nt;
	int64_t			id;
	int			rc;

	if ((rc = zl_req_id(r, 0, &id)) != 0 ||
	    (rc = zl_notify_read(r->db, &r->arena, r->who, id, &nt)) != 0)
		return rc;
	return zl_reply_json(r, 200, zl_notify_json(&nt));
}

/* 200 {marked}: how many were unread. */
static int
handle_read_all(struct zl_req *r)
{
	int64_t	n;
	int	rc;

	if ((rc = zl_notify_read_all(r->db, r->who, &n)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

const struct zl_route zl_notify_routes[] = {
	{ ZL_GET, "/api/v1/notifications", handle_list, ZL_ROUTE_USER },
	{ ZL_GET, "/api/v1/notifications/unread-count", handle_count, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/notifications/read-all", handle_read_all, ZL_ROUTE_USER },
	{ ZL_POST, "/api/v1/notifications/{id}/read", handle_read, ZL_ROUTE_USER },
	{ 0 }
};
