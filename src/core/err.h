/* err.h: the error codes every layer returns and the error record that carries
 * the details (which field, why) up to src/http/reply.c, the one place that
 * turns them into HTTP statuses and RFC 9457 problems. */
#ifndef ZL_ERR_H
#define ZL_ERR_H

enum zl_err {
	ZL_OK = 0,
	ZL_EINVAL = -2,		/* bad input: 400 */
	ZL_EAUTH = -3,		/* not authenticated: 401 */
	ZL_EPERM = -4,		/* authenticated, not allowed: 403 */
	ZL_ENOTFOUND = -5,	/* 404 */
	ZL_ECONFLICT = -6,	/* uniqueness or state conflict: 409 */
	ZL_EVERSION = -7,	/* stale version: 409 */
	ZL_ELIMIT = -8,		/* too large: 413 */
	ZL_ERATE = -9,		/* too many attempts: 429 */
	ZL_EDB = -10,		/* database failure: 500 */
	ZL_ENOMEM = -11,	/* 500 */
	ZL_EBUSY = -12,		/* overloaded, try later: 503 */
	ZL_EPRECOND = -13,	/* a required If-Match is missing: 428 */
	ZL_EMEDIA = -14,	/* unsupported media type: 415 */
	ZL_EMETHOD = -15,	/* method not allowed: 405 */
	ZL_EINTERNAL = -16,	/* bug or unexpected failure: 500 */
};

#define ZL_ERR_FIELDS	16

struct zl_field_error {
	const char	*field;		/* static or arena string */
	const char	*reason;
};

struct zl_error {
	const char		*type;	/* slug after urn:zhili:problem:, NULL = by code */
	const char		*title;	/* Chinese title, NULL = by code */
	char			 detail[256];
	int			 retry_after;	/* seconds, for 429 */
	int			 nfields;
	struct zl_field_error	 fields[ZL_ERR_FIELDS];
};

/* Record a field error and return ZL_EINVAL, so a validator can write
 * `return zl_err_field(err, "name", "required");`.  err may be NULL. */
int	zl_err_field(struct zl_error *err, const char *field, const char *reason);
/* Set the detail text (printf-style) and return code. */
int	zl_err_set(struct zl_error *err, int code, const char *type,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *zl_err_name(int code);

#endif
