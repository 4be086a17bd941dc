/* json.h: jansson helpers shared by every handler: strict parsing of request
 * bodies, table-driven decoding into C structs (unknown fields and wrong types
 * refused with the field named), canonical JSON for digests. */
#ifndef ZL_JSON_H
#define ZL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct zl_arena; struct zl_error;

enum zl_jtype {
	ZL_J_STR,	/* char *, NUL-terminated, in the arena */
	ZL_J_INT,	/* int64_t */
	ZL_J_BOOL,	/* int */
	ZL_J_NINT,	/* int64_t id, null allowed and stored as 0 */
	ZL_J_INTS,	/* struct zl_ints */
	ZL_J_STRS,	/* struct zl_strs */
	ZL_J_OBJ,	/* json_t *, a JSON object borrowed from the body */
};

struct zl_ints { int64_t *v; size_t n; };
struct zl_strs { const char **v; size_t n; };

struct zl_jfield {
	const char	*name;
	enum zl_jtype	 type;
	size_t		 off;		/* offsetof in the output struct */
	unsigned	 required : 1;
	size_t		 max;		/* max characters (strings) or items (arrays); 0 = 256 */
};

/* Parse a request body: a JSON object, no duplicate keys, valid UTF-8.
 * The result is owned by the arena.  ZL_EINVAL with type bad-json on failure. */
int	 zl_json_parse_body(json_t **out, struct zl_arena *a, const char *body,
	    size_t len, struct zl_error *err);
/* Decode obj by the table (ended by a {NULL}) into out.  *present gets bit i set
 * for field i found in obj (at most 32 fields).
 * Unknown fields, wrong types, over-long strings and missing required fields
 * are all reported, each naming its field. */
int	 zl_json_decode(const json_t *obj, const struct zl_jfield *fields,
	    void *out, uint32_t *present, struct zl_arena *a,
	    struct zl_error *err);
/* Sorted keys, no spaces, UTF-8 as is: a new string in the arena. */
char	*zl_json_canonical(struct zl_arena *a, const json_t *j);
/* The JSON value is decref'd when the arena is released; returns j. */
json_t	*zl_json_own(struct zl_arena *a, json_t *j);
/* Number of code points in a valid UTF-8 string. */
size_t	 zl_utf8_len(const char *s);
/* 1 if s is valid UTF-8 with no control characters but tab and newline. */
int	 zl_utf8_valid(const char *s, size_t n);
/* "2026-11-22T18:48:44Z" in the arena; t in Unix seconds. */
char	*zl_time_iso(struct zl_arena *a, int64_t t);
/* Parse that format (or a plain date YYYY-MM-DD) to Unix seconds; -1 if bad. */
int64_t	 zl_time_parse(const char *s);
json_t	*zl_json_time(int64_t t);	/* a new string, or null for 0 */
/* The text json_dumps(j, JSON_COMPACT) gives, written into *buf (malloc'd,
 * grown as needed, *cap its size) and NUL-terminated; *len its length.
 * -1 for what json_dumps refuses too (invalid UTF-8, NaN, a cycle). */
int	 zl_json_write(const json_t *j, char **buf, size_t *cap, size_t *len);
/* A real as jansson writes it: %.17g, ".0" when that reads as an integer,
 * the exponent without '+' and leading zeros; its length, or -1 for NaN and
 * infinities. */
int	 zl_json_real_text(double v, char out[40]);

#endif
