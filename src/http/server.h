/* server.h: the HTTP server: libmicrohttpd with epoll and a thread pool. */
#ifndef ZL_SERVER_H
#define ZL_SERVER_H

#include "http/req.h"

/* Serve until SIGTERM or SIGINT, then finish the requests in flight and
 * return 0; non-zero if the server could not start. */
int	zl_serve(struct zl_app *app);
/* Decide and fill the response of a complete request (dispatch.c). */
void	zl_dispatch(struct zl_req *r);
/* Static files of the web application (static.c); 0 or ZL_ENOTFOUND. */
int	zl_static(struct zl_req *r);

#endif
