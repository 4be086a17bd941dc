/* access_log.c: the access log's line, one JSON object per request:
 * {"ts","method","path","status","ms","bytes","addr"[,"user"]}.  Exports
 * zl_access_line (written directly, the busy path) and zl_access_line_json
 * (through jansson: the reference, and the path for fields that need
 * escaping).  Both give the same bytes; a unit test compares them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "http/server.h"

static const char *const method_names[] = { "", "GET", "HEAD", "POST", "PUT", "PATCH",
	"DELETE", "OPTIONS" };

static const char *
method_name(const struct zl_req *r)
{
	return r->method > 0 && r->method < ZL_METHOD__MAX ? method_names[r->method] : "OTHER";
}

static const char *
logged_path(const struct zl_req *r)
{
	return zl_utf8_valid(r->path, strlen(r->path)) ? r->path : "(invalid)";
}

static void
timestamp(time_t t, char ts[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
zl_access_line_json(const struct zl_req *r, time_t t, double ms)
{
	json_t	*j;
	char	*line, ts[32];

	timestamp(t, ts);
	j = json_pack("{s:s,s:s,s:s,s:i,s:f,s:I,s:s}", "ts", ts, "method", method_name(r),
	    "path", logged_path(r), "status", r->status, "ms", ms,
	    "bytes", (json_int_t)(r->file_fd >= 0 ? 0 : r->out_len), "addr", r->client_addr);
	if (j == NULL)
		return NULL;
	if (r->who_id != 0)
		json_object_set_new(j, "user", json_integer(r->who_id));
	line = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return line;
}

/* 1 if s is its own JSON string body (jansson escapes only these). */
static int
plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

char *
zl_access_line(const struct zl_req *r, time_t t, double ms)
{
	const char	*path = logged_path(r);
	char		 ts[32], real[40], user[32] = "", *line;
	size_t		 n;

	if (!plain(path) || !plain(r->client_addr))
		return zl_access_line_json(r, t, ms);
	if (zl_json_real_text(ms, real) < 0)
		return zl_access_line_json(r, t, ms);
	timestamp(t, ts);
	if (r->who_id != 0)
		snprintf(user, sizeof(user), ",\"user\":%" PRId64, r->who_id);
	n = strlen(path) + strlen(r->client_addr) + 192;
	if ((line = malloc(n)) == NULL)
		return NULL;
	snprintf(line, n, "{\"ts\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,\"ms\":%s,"
	    "\"bytes\":%zu,\"addr\":\"%s\"%s}", ts, method_name(r), path, r->status, real,
	    r->file_fd >= 0 ? (size_t)0 : r->out_len, r->client_addr, user);
	return line;
}
