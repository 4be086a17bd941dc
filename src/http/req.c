/* req.c: reading a request: query, headers, path ids, body, paging, versions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "core/json.h"
#include "http/req.h"

const char *
zl_req_query(struct zl_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
zl_req_header(struct zl_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
zl_req_user_agent(struct zl_req *r)
{
	const char *ua = zl_req_header(r, "User-Agent");

	return ua ? ua : "";
}

static int
parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9' || strlen(s) > 18)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

int
zl_req_id(struct zl_req *r, int idx, int64_t *id)
{
	if (idx >= r->nparams || parse_id(r->params[idx], id) != 0)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "记录编号无效 (bad id)");
	return 0;
}

int
zl_req_body(struct zl_req *r, json_t **out)
{
	if (r->json == NULL)
		return zl_err_set(&r->err, ZL_EINVAL, "bad-json",
		    "需要 JSON 请求体 (a JSON object body is required)");
	*out = r->json;
	return 0;
}

int
zl_req_query_int(struct zl_req *r, const char *name, int64_t *v)
{
	const char *s = zl_req_query(r, name);

	if (s == NULL || *s == '\0')
		return 0;
	if (parse_id(s, v) != 0)
		return zl_err_field(&r->err, name, "must be a positive integer");
	return 0;
}

int
zl_req_page(struct zl_req *r, int *limit, int64_t *cursor)
{
	const char	*s = zl_req_query(r, "limit");
	int64_t		 v = 50;

	*cursor = 0;
	if (s != NULL && (parse_id(s, &v) != 0 || v > r->app->cfg.list_max))
		return zl_err_field(&r->err, "limit", "must be 1 to the list maximum");
	*limit = (int)v;
	s = zl_req_query(r, "cursor");
	if (s != NULL && *s != '\0' && parse_id(s, cursor) != 0)
		return zl_err_field(&r->err, "cursor", "invalid cursor");
	return 0;
}

int
zl_req_version(struct zl_req *r, int64_t body_version, int64_t *out)
{
	const char *s = zl_req_header(r, "If-Match");

	if (s != NULL) {
		char buf[32];
		size_t n = strlen(s);
		if (n >= 2 && n < sizeof(buf) && s[0] == '"' && s[n - 1] == '"') {
			memcpy(buf, s + 1, n - 2);
			buf[n - 2] = '\0';
			s = buf;
		}
		if (parse_id(s, out) != 0)
			return zl_err_field(&r->err, "If-Match", "must be the record's version");
		if (body_version > 0 && body_version != *out)
			return zl_err_field(&r->err, "version", "differs from If-Match");
		return 0;
	}
	if (body_version > 0) {
		*out = body_version;
		return 0;
	}
	return zl_err_set(&r->err, ZL_EPRECOND, NULL,
	    "修改时须提供记录版本：If-Match 头或 version 字段 (send If-Match or version)");
}
