/* server.h: the HTTP server: libmicrohttpd with epoll and a thread pool. */
#ifndef ZL_SERVER_H
#define ZL_SERVER_H

#include <time.h>

#include "http/req.h"

/* Serve until SIGTERM or SIGINT, then finish the requests in flight and
 * return 0; non-zero if the server could not start. */
int	zl_serve(struct zl_app *app);
/* The health answer of app, malloc'd (core_http.c). */
char	*zl_health_text(const struct zl_app *app);
/* Decide and fill the response of a complete request (dispatch.c). */
void	zl_dispatch(struct zl_req *r);
/* Static files of the web application (static.c); 0 or ZL_ENOTFOUND. */
int	zl_static(struct zl_req *r);
/* The access log line of a finished request at time t that took ms
 * (access_log.c), malloc'd (NULL: out of memory); _json is the jansson
 * reference, byte for byte the same. */
char	*zl_access_line(const struct zl_req *r, time_t t, double ms);
char	*zl_access_line_json(const struct zl_req *r, time_t t, double ms);

#endif
