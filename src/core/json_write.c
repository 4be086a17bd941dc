/* json_write.c: the text of a jansson value, exactly as
 * json_dumps(j, JSON_COMPACT) writes it, at a fraction of the cost.
 * jansson's dump walks every string code point by code point through a
 * callback and formats every integer with snprintf; for a page of fifty
 * list rows that was half of the request.  Values stay jansson's; only
 * the writing is ours, and a unit test compares both byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define MAX_DEPTH	512	/* answers are a few levels deep; cycles fail */

struct out { char **buf; size_t *cap, len; };

static int
reserve(struct out *o, size_t n)
{
	size_t	 cap = *o->cap;
	char	*p;

	if (o->len + n <= cap)
		return 0;
	while (cap < o->len + n)
		cap = cap ? cap * 2 : 4096;
	if ((p = realloc(*o->buf, cap)) == NULL)
		return -1;
	*o->buf = p;
	*o->cap = cap;
	return 0;
}

static int
put(struct out *o, const char *s, size_t n)
{
	if (reserve(o, n) != 0)
		return -1;
	memcpy(*o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

/* Length of the UTF-8 sequence at s (at most n bytes) as jansson accepts
 * it (no overlong forms, surrogates or code points above U+10FFFF), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned	 c = s[0], cp;
	size_t		 len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* A string between quotes with jansson's escapes (no JSON_ENSURE_ASCII,
 * no JSON_ESCAPE_SLASH): runs that need none are copied at once. */
static int
put_string(struct out *o, const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str, *run = s, *end = s + n;
	char			 esc[8];

	if (put(o, "\"", 1) != 0)
		return -1;
	while (s < end) {
		const char	*e = NULL;
		size_t		 len;

		if (*s >= 0x20 && *s != '"' && *s != '\\') {
			if (*s < 0x80) {
				s++;
				continue;
			}
			if ((len = utf8_seq(s, (size_t)(end - s))) == 0)
				return -1;	/* as json_dumps: invalid UTF-8 fails */
			s += len;
			continue;
		}
		switch (*s) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", (unsigned)*s);
			e = esc;
		}
		if (put(o, (const char *)run, (size_t)(s - run)) != 0 || put(o, e, strlen(e)) != 0)
			return -1;
		run = ++s;
	}
	if (put(o, (const char *)run, (size_t)(s - run)) != 0)
		return -1;
	return put(o, "\"", 1);
}

static int
put_integer(struct out *o, json_int_t v)
{
	char			 tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

int
zl_json_real_text(double v, char out[40])
{
	char	*e;
	int	 n = snprintf(out, 40, "%.17g", v);

	if (n <= 0 || n >= 40 - 3 || v != v || v - v != 0)
		return -1;	/* NaN and infinities are not JSON */
	for (char *p = out; *p != '\0'; p++)
		if (*p == ',')
			*p = '.';	/* a locale's decimal comma */
	if (strchr(out, '.') == NULL && strchr(out, 'e') == NULL) {
		memcpy(out + n, ".0", 3);
		n += 2;
	}
	if ((e = strchr(out, 'e')) != NULL) {
		char *start = e + 1, *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		memmove(start, end, strlen(end) + 1);
		n = (int)strlen(out);
	}
	return n;
}

static int
put_real(struct out *o, double v)
{
	char	tmp[40];
	int	n = zl_json_real_text(v, tmp);

	return n < 0 ? -1 : put(o, tmp, (size_t)n);
}

static int
put_value(struct out *o, const json_t *j, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	switch (json_typeof(j)) {
	case JSON_NULL:
		return put(o, "null", 4);
	case JSON_TRUE:
		return put(o, "true", 4);
	case JSON_FALSE:
		return put(o, "false", 5);
	case JSON_INTEGER:
		return put_integer(o, json_integer_value(j));
	case JSON_REAL:
		return put_real(o, json_real_value(j));
	case JSON_STRING:
		return put_string(o, json_string_value(j), json_string_length(j));
	case JSON_ARRAY:
		if (put(o, "[", 1) != 0)
			return -1;
		for (size_t i = 0; i < json_array_size(j); i++)
			if ((i > 0 && put(o, ",", 1) != 0) ||
			    put_value(o, json_array_get(j, i), depth + 1) != 0)
				return -1;
		return put(o, "]", 1);
	case JSON_OBJECT: {
		int first = 1;

		if (put(o, "{", 1) != 0)
			return -1;
		for (void *it = json_object_iter((json_t *)j); it != NULL;
		    it = json_object_iter_next((json_t *)j, it)) {
			const char *k = json_object_iter_key(it);
			if ((!first && put(o, ",", 1) != 0) ||
			    put_string(o, k, strlen(k)) != 0 || put(o, ":", 1) != 0 ||
			    put_value(o, json_object_iter_value(it), depth + 1) != 0)
				return -1;
			first = 0;
		}
		return put(o, "}", 1);
	}
	}
	return -1;
}

int
zl_json_write(const json_t *j, char **buf, size_t *cap, size_t *len)
{
	struct out o = { buf, cap, 0 };

	*len = 0;
	if (j == NULL || put_value(&o, j, 0) != 0 || reserve(&o, 1) != 0)
		return -1;
	(*buf)[o.len] = '\0';
	*len = o.len;
	return 0;
}
