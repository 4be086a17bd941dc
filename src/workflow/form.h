/* form.h: application forms defined per service item, and the check of an
 * application's data against its form.  Definitions are JSON:
 *
 *   {"fields":[{"key":"amount","label":"金额","type":"money","required":true,
 *               "min":0,"max":100000000}, …]}
 *
 * Field keys: key ([a-z][a-z0-9_]*, ≤ 64, unique), label (≤ 100), type,
 * required (default false), help (≤ 500), and by type:
 *   text        max_length (1–5000, default 200); one line
 *   textarea    max_length (1–5000, default 5000)
 *   number      integer; min, max
 *   money       integer fen (分); min, max
 *   date        "YYYY-MM-DD", a real calendar date
 *   choice      options: array of distinct strings; value one of them
 *   multi_choice  options; value an array of distinct options
 *   id_number   居民身份证号 (GB 11643 check)
 *   credit_code 统一社会信用代码 (GB 32100 check)
 *   phone       mainland mobile number
 *   email
 *   address     {"region_code":"620102","detail":"…"} (GB/T 2260 code)
 *   file        64 lowercase hex (SHA-256 of an upload); with "multiple":true
 *               an array of them
 * Keys that do not apply to the type are refused, like unknown keys.
 * Structures live in the caller's arena. */
#ifndef ZL_FORM_H
#define ZL_FORM_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/json.h"

struct zl_arena; struct zl_error;

#define ZL_FORM_MAX_FIELDS	100
#define ZL_FORM_MAX_OPTIONS	100
#define ZL_FORM_MAX_FILES	20

enum zl_field_type {
	ZL_FT_TEXT, ZL_FT_TEXTAREA, ZL_FT_NUMBER, ZL_FT_MONEY, ZL_FT_DATE,
	ZL_FT_CHOICE, ZL_FT_MULTI_CHOICE, ZL_FT_ID_NUMBER, ZL_FT_CREDIT_CODE,
	ZL_FT_PHONE, ZL_FT_EMAIL, ZL_FT_ADDRESS, ZL_FT_FILE,
	ZL_FT__MAX
};

struct zl_form_field {
	const char		*key, *label, *help;	/* help may be NULL */
	enum zl_field_type	 type;
	int			 required;
	int			 multiple;	/* file only */
	int			 has_min, has_max;
	int64_t			 min, max;	/* number, money */
	int64_t			 max_length;	/* text, textarea: code points */
	struct zl_strs		 options;	/* choice, multi_choice */
};

struct zl_form {
	struct zl_form_field	*fields;
	size_t			 n;
};

/* "money" for ZL_FT_MONEY; NULL out of range. */
const char	*zl_field_type_name(enum zl_field_type t);
/* The field named key (borrowed), or NULL. */
const struct zl_form_field *zl_form_field(const struct zl_form *form,
	    const char *key);

/* Validate a definition (borrowed) into *out.  ZL_EINVAL with a field error
 * per mistake, named by path ("fields[2].options"). */
int	 zl_form_parse(const json_t *doc, struct zl_arena *a,
	    struct zl_form **out, struct zl_error *err);
/* Check an application's data (an object, borrowed) against the form.
 * Unknown keys, wrong types and out-of-range values are each reported as
 * field + reason (field = the form key, "addr.region_code" inside an
 * address), up to the error record's capacity; missing required fields too
 * unless partial (drafts).  null counts as absent.  0 or ZL_EINVAL. */
int	 zl_form_check(const struct zl_form *form, const json_t *data,
	    int partial, struct zl_arena *a, struct zl_error *err);
/* A copy of data with id_number and phone values masked for lists
 * ("6201**********1234", "138****5678"); a new reference, or NULL if data
 * is not an object. */
json_t	*zl_form_mask(const struct zl_form *form, const json_t *data);

#endif
