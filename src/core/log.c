/* log.c: one JSON object per line on stderr, so logs can be shipped as is. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "core/log.h"

void
zl_log(const char *level, const char *fmt, ...)
{
	char		 msg[1024], ts[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	va_list		 ap;
	json_t		*j;
	char		*line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	j = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", level, "msg", msg);
	if (j == NULL) /* invalid UTF-8 in msg: keep the line anyway */
		j = json_pack("{s:s,s:s,s:s}", "ts", ts, "level", level, "msg", "(unprintable)");
	line = json_dumps(j, JSON_COMPACT);
	fprintf(stderr, "%s\n", line);
	free(line);
	json_decref(j);
}
