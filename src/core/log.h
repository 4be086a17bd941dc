/* log.h: diagnostics to stderr as JSON lines, and the access log. */
#ifndef ZL_LOG_H
#define ZL_LOG_H

void	zl_log(const char *level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define zl_info(...)	zl_log("info", __VA_ARGS__)
#define zl_warn(...)	zl_log("warn", __VA_ARGS__)
#define zl_errorf(...)	zl_log("error", __VA_ARGS__)

#endif
