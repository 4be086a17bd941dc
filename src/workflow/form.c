/* form.c: application-form definitions (zl_form_parse), the check of an
 * application's data against them (zl_form_check) and masking for lists.
 * Rules only: no storage, no HTTP. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "workflow/calendar.h"
#include "workflow/form.h"

/* Keys of a field definition; the enum indexes the decode table, so the
 * `present` bits and the per-type allowances below use the same numbers. */
enum { K_KEY, K_LABEL, K_TYPE, K_REQUIRED, K_HELP, K_MIN, K_MAX, K_MAXLEN,
	K_OPTIONS, K_MULTIPLE, K__MAX };
#define B(k)	(1u << (k))
#define COMMON	(B(K_KEY) | B(K_LABEL) | B(K_TYPE) | B(K_REQUIRED) | B(K_HELP))

struct fdef {
	const char	*key, *label, *type, *help;
	int		 required, multiple;
	int64_t		 min, max, max_length;
	struct zl_strs	 options;
};

static const struct zl_jfield fdef_fields[K__MAX + 1] = {
	[K_KEY] = { "key", ZL_J_STR, offsetof(struct fdef, key), 1, 64 },
	[K_LABEL] = { "label", ZL_J_STR, offsetof(struct fdef, label), 1, 100 },
	[K_TYPE] = { "type", ZL_J_STR, offsetof(struct fdef, type), 1, 32 },
	[K_REQUIRED] = { "required", ZL_J_BOOL, offsetof(struct fdef, required), 0, 0 },
	[K_HELP] = { "help", ZL_J_STR, offsetof(struct fdef, help), 0, 500 },
	[K_MIN] = { "min", ZL_J_INT, offsetof(struct fdef, min), 0, 0 },
	[K_MAX] = { "max", ZL_J_INT, offsetof(struct fdef, max), 0, 0 },
	[K_MAXLEN] = { "max_length", ZL_J_INT, offsetof(struct fdef, max_length), 0, 0 },
	[K_OPTIONS] = { "options", ZL_J_STRS, offsetof(struct fdef, options), 0,
	    ZL_FORM_MAX_OPTIONS },
	[K_MULTIPLE] = { "multiple", ZL_J_BOOL, offsetof(struct fdef, multiple), 0, 0 },
	[K__MAX] = { NULL },
};

/* Each type's name and the definition keys it accepts beyond the common
 * ones: a max on a date is a mistake worth telling the author about. */
static const struct {
	const char	*name;
	uint32_t	 keys;
} types[ZL_FT__MAX] = {
	[ZL_FT_TEXT] = { "text", B(K_MAXLEN) },
	[ZL_FT_TEXTAREA] = { "textarea", B(K_MAXLEN) },
	[ZL_FT_NUMBER] = { "number", B(K_MIN) | B(K_MAX) },
	[ZL_FT_MONEY] = { "money", B(K_MIN) | B(K_MAX) },
	[ZL_FT_DATE] = { "date", 0 },
	[ZL_FT_CHOICE] = { "choice", B(K_OPTIONS) },
	[ZL_FT_MULTI_CHOICE] = { "multi_choice", B(K_OPTIONS) },
	[ZL_FT_ID_NUMBER] = { "id_number", 0 },
	[ZL_FT_CREDIT_CODE] = { "credit_code", 0 },
	[ZL_FT_PHONE] = { "phone", 0 },
	[ZL_FT_EMAIL] = { "email", 0 },
	[ZL_FT_ADDRESS] = { "address", 0 },
	[ZL_FT_FILE] = { "file", B(K_MULTIPLE) },
};

#define TEXTAREA_MAX	5000
#define TEXT_DEFAULT	200

const char *
zl_field_type_name(enum zl_field_type t)
{
	return (unsigned)t < ZL_FT__MAX ? types[t].name : NULL;
}

const struct zl_form_field *
zl_form_field(const struct zl_form *form, const char *key)
{
	for (size_t i = 0; form != NULL && i < form->n; i++)
		if (strcmp(form->fields[i].key, key) == 0)
			return &form->fields[i];
	return NULL;
}

/* zl_json_decode into a scratch record, then copy its errors under prefix,
 * so "fields[3].type" says which field of the definition is wrong. */
static int
decode_at(const json_t *obj, const struct zl_jfield *table, void *out,
    uint32_t *present, const char *prefix, struct zl_arena *a,
    struct zl_error *err)
{
	struct zl_error	e;
	int		rc;

	memset(&e, 0, sizeof(e));
	rc = zl_json_decode(obj, table, out, present, a, &e);
	for (int i = 0; i < e.nfields; i++)
		zl_err_field(err, zl_arena_printf(a, "%s.%s", prefix,
		    e.fields[i].field), e.fields[i].reason);
	return rc;
}

static int
valid_key(const char *s)
{
	if (*s < 'a' || *s > 'z')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int
parse_field(const json_t *j, const char *at, struct zl_form_field *f,
    struct zl_arena *a, struct zl_error *err)
{
	struct fdef	d;
	uint32_t	present = 0, extra;
	int		t, rc = ZL_OK;

	memset(&d, 0, sizeof(d));
	if (!json_is_object(j))
		return zl_err_field(err, at, "must be an object");
	if (decode_at(j, fdef_fields, &d, &present, at, a, err) < 0)
		return ZL_EINVAL;
	for (t = 0; t < ZL_FT__MAX; t++)
		if (strcmp(d.type, types[t].name) == 0)
			break;
	if (t == ZL_FT__MAX)
		return zl_err_field(err, zl_arena_printf(a, "%s.type", at), "unknown type");
	if (!valid_key(d.key))
		rc = zl_err_field(err, zl_arena_printf(a, "%s.key", at),
		    "must match [a-z][a-z0-9_]*");
	if (d.label[0] == '\0')
		rc = zl_err_field(err, zl_arena_printf(a, "%s.label", at), "required");
	extra = present & ~(COMMON | types[t].keys);
	for (int k = 0; k < K__MAX; k++)
		if (extra & B(k))
			rc = zl_err_field(err, zl_arena_printf(a, "%s.%s", at,
			    fdef_fields[k].name), "not valid for this type");
	if (rc < 0)
		return rc;
	f->key = d.key;
	f->label = d.label;
	f->help = d.help;
	f->type = (enum zl_field_type)t;
	f->required = d.required;
	f->multiple = d.multiple;
	f->has_min = (present & B(K_MIN)) != 0;
	f->has_max = (present & B(K_MAX)) != 0;
	f->min = d.min;
	f->max = d.max;
	if (f->has_min && f->has_max && f->min > f->max)
		return zl_err_field(err, zl_arena_printf(a, "%s.min", at), "greater than max");
	if (t == ZL_FT_TEXT || t == ZL_FT_TEXTAREA) {
		f->max_length = (present & B(K_MAXLEN)) ? d.max_length :
		    t == ZL_FT_TEXT ? TEXT_DEFAULT : TEXTAREA_MAX;
		if (f->max_length < 1 || f->max_length > TEXTAREA_MAX)
			return zl_err_field(err, zl_arena_printf(a, "%s.max_length", at),
			    "must be 1 to 5000");
	}
	if (t == ZL_FT_CHOICE || t == ZL_FT_MULTI_CHOICE) {
		f->options = d.options;
		if (d.options.n == 0)
			return zl_err_field(err, zl_arena_printf(a, "%s.options", at),
			    "required, at least one option");
		for (size_t i = 0; i < d.options.n; i++) {
			if (d.options.v[i][0] == '\0')
				return zl_err_field(err, zl_arena_printf(a,
				    "%s.options", at), "empty option");
			for (size_t k = 0; k < i; k++)
				if (strcmp(d.options.v[i], d.options.v[k]) == 0)
					return zl_err_field(err, zl_arena_printf(a,
					    "%s.options", at), "duplicate option");
		}
	}
	return ZL_OK;
}

int
zl_form_parse(const json_t *doc, struct zl_arena *a, struct zl_form **out,
    struct zl_error *err)
{
	struct zl_form	*form;
	const json_t	*list;
	const char	*key;
	json_t		*v;
	size_t		 i, k;
	int		 rc = ZL_OK;

	*out = NULL;
	if (!json_is_object(doc))
		return zl_err_set(err, ZL_EINVAL, NULL, "表单定义必须是 JSON 对象 "
		    "(form definition must be an object)");
	json_object_foreach((json_t *)doc, key, v)
		if (strcmp(key, "fields") != 0)
			rc = zl_err_field(err, zl_arena_strdup(a, key), "unknown field");
	list = json_object_get(doc, "fields");
	if (!json_is_array(list))
		rc = zl_err_field(err, "fields", "required, an array");
	else if (json_array_size(list) > ZL_FORM_MAX_FIELDS)
		rc = zl_err_field(err, "fields", "at most 100 fields");
	if (rc < 0)
		goto done;
	form = zl_arena_alloc(a, sizeof(*form));
	form->n = json_array_size(list);
	form->fields = zl_arena_alloc(a, (form->n + 1) * sizeof(*form->fields));
	for (i = 0; i < form->n; i++) {
		const char *at = zl_arena_printf(a, "fields[%zu]", i);
		if (parse_field(json_array_get(list, i), at, &form->fields[i], a, err) < 0) {
			rc = ZL_EINVAL;
			continue;
		}
		for (k = 0; k < i; k++)
			if (form->fields[k].key != NULL &&
			    strcmp(form->fields[k].key, form->fields[i].key) == 0)
				rc = zl_err_field(err, zl_arena_printf(a, "%s.key", at),
				    "duplicate key");
	}
	if (rc == ZL_OK)
		*out = form;
done:
	if (rc < 0 && err != NULL) {
		if (err->title == NULL)
			err->title = "表单定义有误";
		if (err->detail[0] == '\0')
			zl_err_set(err, rc, NULL, "表单定义有误，请检查标注的字段 "
			    "(invalid form definition, see errors)");
	}
	return rc;
}

/* A string that is not there: null, or "" (what an emptied input sends). */
static int
is_empty(const json_t *v)
{
	return v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0);
}

/* A clean string: valid UTF-8, no NUL, no controls but tab and newlines. */
static const char *
clean_string(const json_t *v, int one_line)
{
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || !zl_utf8_valid(s, strlen(s)))
		return NULL;
	if (one_line && strpbrk(s, "\r\n") != NULL)
		return NULL;
	return s;
}

static int
is_digest(const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int
is_option(const struct zl_form_field *f, const char *s)
{
	for (size_t i = 0; s != NULL && i < f->options.n; i++)
		if (strcmp(f->options.v[i], s) == 0)
			return 1;
	return 0;
}

static int
check_address(const struct zl_form_field *f, const json_t *v, int partial,
    struct zl_arena *a, struct zl_error *err)
{
	const char	*key, *s;
	json_t		*x;
	int		 rc = ZL_OK;

	if (!json_is_object(v))
		return zl_err_field(err, f->key, "must be an object {region_code, detail}");
	json_object_foreach((json_t *)v, key, x)
		if (strcmp(key, "region_code") != 0 && strcmp(key, "detail") != 0)
			rc = zl_err_field(err, zl_arena_printf(a, "%s.%s", f->key, key),
			    "unknown field");
	x = json_object_get(v, "region_code");
	if (is_empty(x)) {
		if (!partial)
			rc = zl_err_field(err, zl_arena_printf(a, "%s.region_code",
			    f->key), "required");
	} else if (!json_is_string(x) || !zl_valid_region_code(json_string_value(x)))
		rc = zl_err_field(err, zl_arena_printf(a, "%s.region_code", f->key),
		    "invalid region code (6 digits, GB/T 2260)");
	x = json_object_get(v, "detail");
	if (is_empty(x)) {
		if (!partial)
			rc = zl_err_field(err, zl_arena_printf(a, "%s.detail", f->key),
			    "required");
	} else if ((s = clean_string(x, 1)) == NULL)
		rc = zl_err_field(err, zl_arena_printf(a, "%s.detail", f->key),
		    "must be a single-line string");
	else if (zl_utf8_len(s) > 200)
		rc = zl_err_field(err, zl_arena_printf(a, "%s.detail", f->key), "too long");
	return rc;
}

/* One present, non-empty value against its field; reports and returns
 * ZL_EINVAL on the first problem. */
static int
check_value(const struct zl_form_field *f, const json_t *v, int partial,
    struct zl_arena *a, struct zl_error *err)
{
	const char	*s = NULL;
	int32_t		 day;
	int64_t		 n;
	size_t		 i, k;
	json_t		*x;

	switch (f->type) {
	case ZL_FT_TEXT:
	case ZL_FT_TEXTAREA:
		if ((s = clean_string(v, f->type == ZL_FT_TEXT)) == NULL)
			return zl_err_field(err, f->key, f->type == ZL_FT_TEXT ?
			    "must be a single-line string" : "must be a string");
		if ((int64_t)zl_utf8_len(s) > f->max_length)
			return zl_err_field(err, f->key, "too long");
		return ZL_OK;
	case ZL_FT_NUMBER:
	case ZL_FT_MONEY:
		if (!json_is_integer(v))
			return zl_err_field(err, f->key, f->type == ZL_FT_MONEY ?
			    "must be an integer amount in fen (分)" : "must be an integer");
		n = json_integer_value(v);
		if (f->has_min && n < f->min)
			return zl_err_field(err, f->key, "below the minimum");
		if (f->has_max && n > f->max)
			return zl_err_field(err, f->key, "above the maximum");
		return ZL_OK;
	case ZL_FT_DATE:
		if (!json_is_string(v) || zl_cal_date_parse(json_string_value(v), &day) < 0)
			return zl_err_field(err, f->key, "must be a date YYYY-MM-DD");
		return ZL_OK;
	case ZL_FT_CHOICE:
		if (!is_option(f, json_string_value(v)))
			return zl_err_field(err, f->key, "not one of the options");
		return ZL_OK;
	case ZL_FT_MULTI_CHOICE:
		if (!json_is_array(v))
			return zl_err_field(err, f->key, "must be an array of options");
		json_array_foreach(v, i, x) {
			if (!is_option(f, json_string_value(x)))
				return zl_err_field(err, f->key, "not one of the options");
			for (k = 0; k < i; k++)
				if (json_equal(x, json_array_get(v, k)))
					return zl_err_field(err, f->key, "option chosen twice");
		}
		return ZL_OK;
	case ZL_FT_ID_NUMBER:
		if (!zl_valid_id_number(json_string_value(v)))
			return zl_err_field(err, f->key, "invalid ID number (GB 11643 check)");
		return ZL_OK;
	case ZL_FT_CREDIT_CODE:
		if (!zl_valid_credit_code(json_string_value(v)))
			return zl_err_field(err, f->key,
			    "invalid unified social credit code (GB 32100 check)");
		return ZL_OK;
	case ZL_FT_PHONE:
		if (!zl_valid_phone(json_string_value(v)))
			return zl_err_field(err, f->key, "invalid mobile number");
		return ZL_OK;
	case ZL_FT_EMAIL:
		if (!zl_valid_email(json_string_value(v)))
			return zl_err_field(err, f->key, "invalid email address");
		return ZL_OK;
	case ZL_FT_ADDRESS:
		return check_address(f, v, partial, a, err);
	case ZL_FT_FILE:
		if (!f->multiple) {
			if (!is_digest(v))
				return zl_err_field(err, f->key,
				    "must be a SHA-256 digest (64 lowercase hex)");
			return ZL_OK;
		}
		if (!json_is_array(v))
			return zl_err_field(err, f->key, "must be an array of SHA-256 digests");
		if (json_array_size(v) > ZL_FORM_MAX_FILES)
			return zl_err_field(err, f->key, "too many files (at most 20)");
		json_array_foreach(v, i, x)
			if (!is_digest(x))
				return zl_err_field(err, f->key,
				    "must be an array of SHA-256 digests");
		return ZL_OK;
	case ZL_FT__MAX:
		break;
	}
	return zl_err_field(err, f->key, "unknown field type");
}

int
zl_form_check(const struct zl_form *form, const json_t *data, int partial,
    struct zl_arena *a, struct zl_error *err)
{
	const char	*key;
	json_t		*v;
	int		 bad = 0;

	if (!json_is_object(data))
		return zl_err_set(err, ZL_EINVAL, NULL,
		    "申请表数据必须是 JSON 对象 (form data must be an object)");
	json_object_foreach((json_t *)data, key, v)
		if (zl_form_field(form, key) == NULL) {
			zl_err_field(err, zl_arena_strdup(a, key), "unknown field");
			bad++;
		}
	for (size_t i = 0; i < form->n; i++) {
		const struct zl_form_field *f = &form->fields[i];
		v = json_object_get(data, f->key);
		if (is_empty(v)) {
			if (f->required && !partial) {
				zl_err_field(err, f->key, "required");
				bad++;
			}
		} else if (check_value(f, v, partial, a, err) < 0)
			bad++;
	}
	if (bad == 0)
		return ZL_OK;
	if (err != NULL && err->detail[0] == '\0')
		zl_err_set(err, ZL_EINVAL, NULL, "申请表有 %d 处错误 "
		    "(%d field error%s, see errors)", bad, bad, bad > 1 ? "s" : "");
	return ZL_EINVAL;
}

/* Keep four characters at each end of an ID number; anything shorter or of
 * the wrong type is hidden completely, so bad data never leaks either. */
static json_t *
mask_id(const json_t *v)
{
	const char	*s = json_is_string(v) ? json_string_value(v) : NULL;
	char		 buf[64];
	size_t		 n = s ? strlen(s) : 0, i;

	if (s == NULL || n < 9 || n >= sizeof(buf))
		return json_string("****");
	for (i = 0; i < n; i++)
		buf[i] = (i < 4 || i >= n - 4) ? s[i] : '*';
	buf[n] = '\0';
	return json_string(buf);
}

json_t *
zl_form_mask(const struct zl_form *form, const json_t *data)
{
	json_t	*out, *v;
	char	 buf[64];

	if (!json_is_object(data) || (out = json_deep_copy(data)) == NULL)
		return NULL;
	for (size_t i = 0; form != NULL && i < form->n; i++) {
		const struct zl_form_field *f = &form->fields[i];
		if ((v = json_object_get(out, f->key)) == NULL || json_is_null(v))
			continue;
		if (f->type == ZL_FT_ID_NUMBER)
			json_object_set_new(out, f->key, mask_id(v));
		else if (f->type == ZL_FT_PHONE) {
			zl_mask_phone(json_is_string(v) ? json_string_value(v) : "?",
			    buf, sizeof(buf));
			json_object_set_new(out, f->key, json_string(buf));
		}
	}
	return out;
}
