/* json.c: strict decoding of request bodies and canonical encoding. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"

static void
decref(void *j)
{
	json_decref(j);
}

json_t *
zl_json_own(struct zl_arena *a, json_t *j)
{
	if (j != NULL)
		zl_arena_defer(a, decref, j);
	return j;
}

int
zl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p, need, cp;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
		else return 0;
		if ((size_t)(end - p) <= need)
			return 0;
		for (unsigned i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += need + 1;
	}
	return 1;
}

size_t
zl_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
zl_json_parse_body(json_t **out, struct zl_arena *a, const char *body,
    size_t len, struct zl_error *err)
{
	json_error_t	 je;
	json_t		*j;

	*out = NULL;
	if (body == NULL || len == 0)
		return zl_err_set(err, ZL_EINVAL, "bad-json", "请求体为空 (empty body)");
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return zl_err_set(err, ZL_EINVAL, "bad-json",
		    "JSON 无法解析 (line %d, column %d: %s)", je.line, je.column,
		    je.text);
	zl_json_own(a, j);
	if (!json_is_object(j))
		return zl_err_set(err, ZL_EINVAL, "bad-json",
		    "请求体必须是 JSON 对象 (body must be an object)");
	*out = j;
	return ZL_OK;
}

static const struct zl_jfield *
find_field(const struct zl_jfield *f, const char *name, int *idx)
{
	for (*idx = 0; f[*idx].name != NULL; (*idx)++)
		if (strcmp(f[*idx].name, name) == 0)
			return &f[*idx];
	return NULL;
}

static int
decode_one(const struct zl_jfield *f, json_t *v, char *base,
    struct zl_arena *a, struct zl_error *err)
{
	size_t max = f->max ? f->max : 256, i;
	json_t *e;

	switch (f->type) {
	case ZL_J_STR:
		if (!json_is_string(v))
			return zl_err_field(err, f->name, "must be a string");
		if (!zl_utf8_valid(json_string_value(v), json_string_length(v)) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return zl_err_field(err, f->name, "control characters not allowed");
		if (zl_utf8_len(json_string_value(v)) > max)
			return zl_err_field(err, f->name, "too long");
		*(const char **)(base + f->off) = zl_arena_strdup(a, json_string_value(v));
		return ZL_OK;
	case ZL_J_NINT:
		if (json_is_null(v)) {
			*(int64_t *)(base + f->off) = 0;	/* ids start at 1 */
			return ZL_OK;
		}
		/* FALLTHROUGH */
	case ZL_J_INT:
		if (!json_is_integer(v))
			return zl_err_field(err, f->name, "must be an integer");
		*(int64_t *)(base + f->off) = json_integer_value(v);
		return ZL_OK;
	case ZL_J_BOOL:
		if (!json_is_boolean(v))
			return zl_err_field(err, f->name, "must be true or false");
		*(int *)(base + f->off) = json_is_true(v);
		return ZL_OK;
	case ZL_J_OBJ:
		if (!json_is_object(v))
			return zl_err_field(err, f->name, "must be an object");
		*(json_t **)(base + f->off) = v;
		return ZL_OK;
	case ZL_J_INTS: {
		struct zl_ints *out = (struct zl_ints *)(base + f->off);
		if (!json_is_array(v))
			return zl_err_field(err, f->name, "must be an array of integers");
		if (json_array_size(v) > max)
			return zl_err_field(err, f->name, "too many items");
		out->n = json_array_size(v);
		out->v = zl_arena_alloc(a, (out->n + 1) * sizeof(int64_t));
		json_array_foreach(v, i, e) {
			if (!json_is_integer(e))
				return zl_err_field(err, f->name, "must be an array of integers");
			out->v[i] = json_integer_value(e);
		}
		return ZL_OK;
	}
	case ZL_J_STRS: {
		struct zl_strs *out = (struct zl_strs *)(base + f->off);
		if (!json_is_array(v))
			return zl_err_field(err, f->name, "must be an array of strings");
		if (json_array_size(v) > max)
			return zl_err_field(err, f->name, "too many items");
		out->n = json_array_size(v);
		out->v = zl_arena_alloc(a, (out->n + 1) * sizeof(char *));
		json_array_foreach(v, i, e) {
			if (!json_is_string(e) || json_string_length(e) > 256 ||
			    !zl_utf8_valid(json_string_value(e), json_string_length(e)))
				return zl_err_field(err, f->name, "must be an array of strings");
			out->v[i] = zl_arena_strdup(a, json_string_value(e));
		}
		return ZL_OK;
	}
	}
	return ZL_EINTERNAL;
}

int
zl_json_decode(const json_t *obj, const struct zl_jfield *fields, void *out,
    uint32_t *present, struct zl_arena *a, struct zl_error *err)
{
	const char	*key;
	json_t		*v;
	int		 idx, rc = ZL_OK;
	uint32_t	 seen = 0;

	json_object_foreach((json_t *)obj, key, v) {
		const struct zl_jfield *f = find_field(fields, key, &idx);
		if (f == NULL) {
			rc = zl_err_field(err, zl_arena_strdup(a, key), "unknown field");
			continue;
		}
		if (decode_one(f, v, out, a, err) < 0)
			rc = ZL_EINVAL;
		else
			seen |= 1u << idx;
	}
	for (idx = 0; fields[idx].name != NULL; idx++)
		if (fields[idx].required && !(seen & (1u << idx)) &&
		    json_object_get(obj, fields[idx].name) == NULL)
			rc = zl_err_field(err, fields[idx].name, "required");
	if (present != NULL)
		*present = seen;
	if (rc < 0 && err != NULL && err->detail[0] == '\0')
		snprintf(err->detail, sizeof(err->detail), "请检查标注的字段 (see errors)");
	return rc;
}

char *
zl_json_canonical(struct zl_arena *a, const json_t *j)
{
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	char *out;

	if (s == NULL)
		return NULL;
	out = zl_arena_strdup(a, s);
	free(s);
	return out;
}

char *
zl_time_iso(struct zl_arena *a, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return zl_arena_strdup(a, buf);
}

json_t *
zl_json_time(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32];

	if (t == 0)
		return json_null();
	gmtime_r(&tt, &tm);
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return json_null();
	/* YYYY-MM-DDTHH:MM:SSZ by hand: strftime costs more than the rest of
	 * a list row, and lists carry several times per row. */
	static const char d[] = "0123456789";
	int y = tm.tm_year + 1900;
	char *p = buf;
	*p++ = d[y / 1000]; *p++ = d[y / 100 % 10]; *p++ = d[y / 10 % 10]; *p++ = d[y % 10];
	*p++ = '-'; *p++ = d[(tm.tm_mon + 1) / 10]; *p++ = d[(tm.tm_mon + 1) % 10];
	*p++ = '-'; *p++ = d[tm.tm_mday / 10]; *p++ = d[tm.tm_mday % 10];
	*p++ = 'T'; *p++ = d[tm.tm_hour / 10]; *p++ = d[tm.tm_hour % 10];
	*p++ = ':'; *p++ = d[tm.tm_min / 10]; *p++ = d[tm.tm_min % 10];
	*p++ = ':'; *p++ = d[tm.tm_sec / 10]; *p++ = d[tm.tm_sec % 10];
	*p++ = 'Z';
	return json_stringn_nocheck(buf, (size_t)(p - buf));
}

int64_t
zl_time_parse(const char *s)
{
	struct tm	tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL)
		return -1;
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL && *end == '\0')
		return (int64_t)timegm(&tm);
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0')
		return (int64_t)timegm(&tm);
	return -1;
}
