/* err.c: filling the error record. */
#include <stdarg.h>
#include <stdio.h>

#include "core/err.h"

int
zl_err_field(struct zl_error *err, const char *field, const char *reason)
{
	if (err != NULL && err->nfields < ZL_ERR_FIELDS) {
		err->fields[err->nfields].field = field;
		err->fields[err->nfields].reason = reason;
		err->nfields++;
	}
	return ZL_EINVAL;
}

int
zl_err_set(struct zl_error *err, int code, const char *type, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	if (type != NULL)
		err->type = type;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *
zl_err_name(int code)
{
	switch (code) {
	case ZL_OK:		return "ok";
	case ZL_EINVAL:		return "invalid input";
	case ZL_EAUTH:		return "not authenticated";
	case ZL_EPERM:		return "forbidden";
	case ZL_ENOTFOUND:	return "not found";
	case ZL_ECONFLICT:	return "conflict";
	case ZL_EVERSION:	return "version mismatch";
	case ZL_ELIMIT:		return "too large";
	case ZL_ERATE:		return "rate limited";
	case ZL_EDB:		return "database error";
	case ZL_ENOMEM:		return "out of memory";
	case ZL_EBUSY:		return "busy";
	case ZL_EPRECOND:	return "precondition required";
	case ZL_EMEDIA:		return "unsupported media type";
	case ZL_EMETHOD:	return "method not allowed";
	default:		return "internal error";
	}
}
