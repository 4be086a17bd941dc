/* router.h: match a method and path against the route tables of every
 * module; path parameters ({id}) are captured into the request. */
#ifndef ZL_ROUTER_H
#define ZL_ROUTER_H

#include "http/req.h"

/* The route for r->method and r->path, with r->params set; NULL and
 * *path_known = 1 when the path exists under another method (405). */
const struct zl_route *zl_route_match(struct zl_req *r, int *path_known);
/* The same, matched once per request and remembered in r (the server looks
 * at the route for the body limit before the request is dispatched). */
const struct zl_route *zl_req_route(struct zl_req *r, int *path_known);
/* Every route, for the OpenAPI check; ended by a { 0 } entry. */
const struct zl_route *const *zl_route_tables(void);

#endif
