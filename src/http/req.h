/* req.h: one HTTP request as handlers see it (no libmicrohttpd types here),
 * the route table entry, and the reply functions.  Everything a request
 * allocates lives in r->arena and is freed once the response is sent. */
#ifndef ZL_REQ_H
#define ZL_REQ_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"

struct zl_db; struct zl_conn; struct zl_principal;

enum zl_method { ZL_GET = 1, ZL_HEAD, ZL_POST, ZL_PUT, ZL_PATCH, ZL_DELETE,
	ZL_OPTIONS, ZL_METHOD__MAX };

/* Who may call a route: a permission (enum zl_perm, ≥ 0) or one of these. */
#define ZL_ROUTE_PUBLIC	(-1)	/* anyone */
#define ZL_ROUTE_USER	(-2)	/* any signed-in user, staff or citizen */
#define ZL_ROUTE_STAFF	(-3)	/* any signed-in staff user */

struct zl_req;
typedef int (*zl_handler)(struct zl_req *r);

struct zl_route {
	enum zl_method	 method;
	const char	*pattern;	/* "/api/v1/users/{id}" */
	zl_handler	 fn;
	int		 access;	/* permission or ZL_ROUTE_* */
	int		 raw_body;	/* ZL_BODY_FILE or ZL_BODY_FILE_OR_JSON; 0: JSON */
};

/* How a route takes its body: JSON (0, up to max_body), or as bytes up to
 * max_upload; the second also takes JSON, parsed, when it is sent as such. */
#define ZL_BODY_FILE		1
#define ZL_BODY_FILE_OR_JSON	2

/* Process-wide state shared by every request (read-only while serving). */
struct zl_app {
	struct zl_config	 cfg;
	struct zl_db		*db;
	const char		*version;
	FILE			*access_log;	/* NULL = off */
	char			*openapi;	/* JSON text, or NULL */
	char			*health;	/* the health answer, made by zl_serve */
	size_t			 openapi_len;
	char			*ledger_verifier; /* the log's public key (note format) */
	const char		*ledger_origin;
};

struct zl_header { const char *name, *value; struct zl_header *next; };

#define ZL_MAX_PARAMS	8

struct zl_req {
	struct zl_arena		 arena;
	struct zl_app		*app;
	struct zl_conn		*db;		/* this thread's connection */
	void			*conn;		/* the server's connection, opaque */
	enum zl_method		 method;
	const char		*path;
	char			*body;
	size_t			 body_len, body_cap;
	int			 body_too_large;
	int			 awaiting_disk;	/* suspended until its commits are durable */
	size_t			 body_limit;
	json_t			*json;		/* parsed body (borrowed from arena) */
	int			 nparams;
	const char		*params[ZL_MAX_PARAMS];
	const struct zl_route	*route;		/* see zl_req_route */
	int			 route_matched, path_known;
	struct zl_principal	*who;		/* NULL when anonymous */
	int64_t			 who_id;	/* for the access log */
	int			 via_cookie;
	char			*session_token;	/* raw cookie value, for logout */
	struct zl_error		 err;
	char			 client_addr[64];
	int64_t			 started_us;
	/* the response */
	int			 status;
	const char		*ctype;
	char			*out;
	size_t			 out_len;
	struct zl_header	*headers;
	int			 file_fd;	/* static file, or -1 */
	uint64_t		 file_size;
};

/* Query parameter or header (borrowed), NULL when absent. */
const char *zl_req_query(struct zl_req *r, const char *name);
const char *zl_req_header(struct zl_req *r, const char *name);
/* Path parameter idx as a positive id; ZL_ENOTFOUND when it is not one. */
int	 zl_req_id(struct zl_req *r, int idx, int64_t *id);
/* The JSON object body (borrowed); ZL_EINVAL when there is none. */
int	 zl_req_body(struct zl_req *r, json_t **out);
/* ?limit= (default 50, at most list_max) and ?cursor= (0 if absent). */
int	 zl_req_page(struct zl_req *r, int *limit, int64_t *cursor);
/* Integer query parameter: 0 and *v unchanged when absent, ZL_EINVAL if bad. */
int	 zl_req_query_int(struct zl_req *r, const char *name, int64_t *v);
/* The version the client holds, from If-Match or the body's "version";
 * ZL_EPRECOND when neither is given. */
int	 zl_req_version(struct zl_req *r, int64_t body_version, int64_t *out);
const char *zl_req_user_agent(struct zl_req *r);

void	 zl_reply_header(struct zl_req *r, const char *name, const char *value);
/* Reply with j (reference stolen). */
int	 zl_reply_json(struct zl_req *r, int status, json_t *j);
/* {"items":[…],"next_cursor":…}; items stolen; next 0 = no more. */
int	 zl_reply_list(struct zl_req *r, json_t *items, int64_t next);
int	 zl_reply_empty(struct zl_req *r, int status);
int	 zl_reply_bytes(struct zl_req *r, int status, const char *ctype,
	    const char *data, size_t len);
/* The same without a copy: data outlives the request (static, or the app's). */
int	 zl_reply_static(struct zl_req *r, int status, const char *ctype,
	    const char *data, size_t len);
/* The one place that maps ZL_E* codes to statuses and RFC 9457 bodies. */
void	 zl_reply_problem(struct zl_req *r, int code);

#endif
