/* catalog_decode.c: the checks of a service item document: the request
 * fields one by one (unknown ones refused, each error naming its field as
 * "materials[1].name" or "process.steps[2]"), the code's shape and type
 * letters, and the checks across fields (form, process, time limits).
 * Exports zl_item_decode, zl_item_check, zl_item_err_prefix. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "modules/catalog/catalog.h"
#include "workflow/form.h"
#include "workflow/procdef.h"

/* Item types and the two letters of their codes (国家政务服务平台 基本目录). */
static const struct { const char *name, *letters; } types[] = {
	{ "行政许可", "XK" }, { "行政确认", "QR" }, { "行政给付", "JF" },
	{ "行政裁决", "CJ" }, { "其他行政权力", "QT" }, { "公共服务", "GG" },
	{ "内部事务", "NB" },
};
#define NTYPES	(sizeof(types) / sizeof(types[0]))
const char *const zl_item_types[] = { "行政许可", "行政确认", "行政给付", "行政裁决",
	"其他行政权力", "公共服务", "内部事务", NULL };

#define MAX_MATERIALS	50
#define MAX_FEES	20
#define MAX_FAQ		50
#define MAX_FEE		100000000000LL	/* fen */

/* ---- decoding ---- */

struct flat {
	const char	*code, *name, *type, *audience, *legal_basis, *conditions,
			*place_hours;
	int64_t		 org_id, statutory_days, promised_days, visits, version;
};

enum { F_CODE, F_NAME, F_ORG, F_TYPE, F_AUDIENCE, F_LEGAL, F_COND, F_PLACE,
	F_STAT, F_PROM, F_VISITS, F_VERSION };

#define FLAT(name, type, member, req, max) \
	{ name, type, offsetof(struct flat, member), req, max }
static const struct zl_jfield create_fields[] = {
	[F_CODE] = FLAT("code", ZL_J_STR, code, 1, 32),
	[F_NAME] = FLAT("name", ZL_J_STR, name, 1, 100),
	[F_ORG] = FLAT("org_id", ZL_J_INT, org_id, 1, 0),
	[F_TYPE] = FLAT("type", ZL_J_STR, type, 1, 16),
	[F_AUDIENCE] = FLAT("audience", ZL_J_STR, audience, 1, 16),
	[F_LEGAL] = FLAT("legal_basis", ZL_J_STR, legal_basis, 1, 2000),
	[F_COND] = FLAT("conditions", ZL_J_STR, conditions, 0, 2000),
	[F_PLACE] = FLAT("place_hours", ZL_J_STR, place_hours, 0, 500),
	[F_STAT] = FLAT("statutory_days", ZL_J_INT, statutory_days, 1, 0),
	[F_PROM] = FLAT("promised_days", ZL_J_INT, promised_days, 1, 0),
	[F_VISITS] = FLAT("visits", ZL_J_INT, visits, 1, 0),
	{ NULL },
};
static const struct zl_jfield update_fields[] = {
	[F_CODE] = FLAT("code", ZL_J_STR, code, 0, 32),
	[F_NAME] = FLAT("name", ZL_J_STR, name, 0, 100),
	[F_ORG] = FLAT("org_id", ZL_J_INT, org_id, 0, 0),
	[F_TYPE] = FLAT("type", ZL_J_STR, type, 0, 16),
	[F_AUDIENCE] = FLAT("audience", ZL_J_STR, audience, 0, 16),
	[F_LEGAL] = FLAT("legal_basis", ZL_J_STR, legal_basis, 0, 2000),
	[F_COND] = FLAT("conditions", ZL_J_STR, conditions, 0, 2000),
	[F_PLACE] = FLAT("place_hours", ZL_J_STR, place_hours, 0, 500),
	[F_STAT] = FLAT("statutory_days", ZL_J_INT, statutory_days, 0, 0),
	[F_PROM] = FLAT("promised_days", ZL_J_INT, promised_days, 0, 0),
	[F_VISITS] = FLAT("visits", ZL_J_INT, visits, 0, 0),
	[F_VERSION] = FLAT("version", ZL_J_INT, version, 0, 0),
	{ NULL },
};

/* The array members of an item, each an object decoded by its own table. */
struct part { const char *s[6]; int64_t amount; int flag; uint32_t present; };
#define PS(i, name, req, max) { name, ZL_J_STR, offsetof(struct part, s) + (i) * sizeof(char *), req, max }
static const struct zl_jfield material_fields[] = {
	PS(0, "name", 1, 100), PS(1, "template", 0, 500), PS(2, "sample", 0, 500),
	PS(3, "auto_source", 0, 100), PS(4, "note", 0, 500),
	{ "required", ZL_J_BOOL, offsetof(struct part, flag), 0, 0 }, { NULL },
};
static const struct zl_jfield fee_fields[] = {
	PS(0, "name", 1, 100), { "amount", ZL_J_INT, offsetof(struct part, amount), 1, 0 }, { NULL },
};
static const struct zl_jfield faq_fields[] = { PS(0, "q", 1, 200), PS(1, "a", 1, 2000), { NULL } };

static const struct list_kind {
	const char		*key;
	const struct zl_jfield	*fields;
	size_t			 max;
} lists[] = {
	{ "materials", material_fields, MAX_MATERIALS },
	{ "fees", fee_fields, MAX_FEES },
	{ "faq", faq_fields, MAX_FAQ },
};
#define NLISTS	(sizeof(lists) / sizeof(lists[0]))

void
zl_item_err_prefix(struct zl_error *err, int from, const char *pre, struct zl_arena *a)
{
	for (int i = from; err != NULL && i < err->nfields; i++)
		err->fields[i].field = zl_arena_printf(a, "%s%s", pre, err->fields[i].field);
}

static int
type_index(const char *s)
{
	for (size_t i = 0; s != NULL && i < NTYPES; i++)
		if (strcmp(types[i].name, s) == 0)
			return (int)i;
	return -1;
}

/* "62052400MZ-XK-0001": 6-digit region, 2 digits, 2 capitals, type, serial. */
static const char *
code_problem(const char *s)
{
	char region[7];

	if (strlen(s) != 18 || s[10] != '-' || s[13] != '-')
		return "格式应为 10 位主体编码-2 位类型-4 位序号，如 62052400MZ-XK-0001";
	for (int i = 0; i < 18; i++) {
		int digit = s[i] >= '0' && s[i] <= '9', cap = s[i] >= 'A' && s[i] <= 'Z';
		if ((i < 8 || i > 13) && !digit)
			return "主体编码前 8 位和序号须为数字 (digits expected)";
		if (((i >= 8 && i < 10) || i == 11 || i == 12) && !cap)
			return "主体编码后 2 位和事项类型须为大写字母 (capitals expected)";
	}
	memcpy(region, s, 6);
	region[6] = '\0';
	if (!zl_valid_region_code(region))
		return "主体编码前 6 位须为行政区划代码 (region code)";
	if (strcmp(s + 14, "0000") == 0)
		return "序号从 0001 开始 (serial starts at 0001)";
	return NULL;
}

/* Decode one array member (materials, fees, faq) into a normalised object. */
static json_t *
decode_part(const struct list_kind *k, const json_t *v, const char *at,
    struct zl_arena *a, struct zl_error *err)
{
	struct part	 p;
	int		 from = err->nfields, rc;
	json_t		*o;

	memset(&p, 0, sizeof(p));
	p.flag = 1;	/* a material is required unless said otherwise */
	if (!json_is_object(v)) {
		zl_err_field(err, at, "must be an object");
		return NULL;
	}
	rc = zl_json_decode(v, k->fields, &p, &p.present, a, err);
	zl_item_err_prefix(err, from, zl_arena_printf(a, "%s.", at), a);
	if (rc != 0)
		return NULL;
	if (zl_utf8_len(p.s[0]) < 1) {
		zl_err_field(err, zl_arena_printf(a, "%s.%s", at, k->fields[0].name), "required");
		return NULL;
	}
	if (k->fields == fee_fields) {
		if (p.amount < 0 || p.amount > MAX_FEE) {
			zl_err_field(err, zl_arena_printf(a, "%s.amount", at), "0 to 10^11 fen");
			return NULL;
		}
		return json_pack("{s:s,s:I}", "name", p.s[0], "amount", (json_int_t)p.amount);
	}
	if (k->fields == faq_fields)
		return json_pack("{s:s,s:s}", "q", p.s[0], "a", p.s[1]);
	o = json_pack("{s:s,s:b}", "name", p.s[0], "required", p.flag);
	for (int i = 1; i < 5; i++)
		if (p.s[i] != NULL && p.s[i][0] != '\0')
			json_object_set_new(o, material_fields[i].name, json_string(p.s[i]));
	return o;
}

static int
decode_list(const struct list_kind *k, const json_t *v, json_t *doc,
    struct zl_arena *a, struct zl_error *err)
{
	json_t	*out, *e, *o;
	size_t	 i;
	int	 rc = 0;

	if (!json_is_array(v))
		return zl_err_field(err, k->key, "must be an array");
	if (json_array_size(v) > k->max)
		return zl_err_field(err, k->key, "too many items");
	out = json_array();
	json_array_foreach(v, i, e) {
		o = decode_part(k, e, zl_arena_printf(a, "%s[%zu]", k->key, i), a, err);
		if (o == NULL)
			rc = ZL_EINVAL;
		else
			json_array_append_new(out, o);
	}
	json_object_set_new(doc, k->key, out);
	return rc;
}

int
zl_item_check(const json_t *doc, struct zl_arena *a, struct zl_form **form,
    struct zl_error *err)
{
	struct zl_procdef	*pd;
	const char		*code = json_string_value(json_object_get(doc, "code"));
	int			 from, rc = 0, t;

	t = type_index(json_string_value(json_object_get(doc, "type")));
	if (t >= 0 && code != NULL && strlen(code) == 18 &&
	    strncmp(code + 11, types[t].letters, 2) != 0)
		rc = zl_err_field(err, "code", "事项类型代码与 type 不符 (XK 行政许可, QR 行政确认, "
		    "JF 行政给付, CJ 行政裁决, QT 其他行政权力, GG 公共服务, NB 内部事务)");
	if (json_integer_value(json_object_get(doc, "promised_days")) >
	    json_integer_value(json_object_get(doc, "statutory_days")))
		rc = zl_err_field(err, "promised_days", "cannot exceed statutory_days");
	if (!json_is_object(json_object_get(doc, "form")) ||
	    !json_is_object(json_object_get(doc, "process")))
		return rc;
	from = err->nfields;
	if (zl_form_parse(json_object_get(doc, "form"), a, form, err) != 0) {
		zl_item_err_prefix(err, from, "form.", a);
		return ZL_EINVAL;
	}
	from = err->nfields;
	if (zl_procdef_parse(json_object_get(doc, "process"), *form, NULL, NULL, a, &pd,
	    err) != 0) {
		zl_item_err_prefix(err, from, "process.", a);
		rc = ZL_EINVAL;
	}
	return rc;
}

#define HAS(bit)	(present & (1u << (bit)))

int
zl_item_decode(struct zl_item_in *in, const json_t *body, int create,
    struct zl_arena *a, struct zl_error *err)
{
	struct flat	 f;
	struct zl_form	*form;
	uint32_t	 present = 0;
	json_t		*flat = zl_json_own(a, json_copy((json_t *)body)), *doc, *v;
	const char	*why;
	int		 rc;

	memset(&f, 0, sizeof(f));
	memset(in, 0, sizeof(*in));
	in->doc = doc = zl_json_own(a, json_object());
	for (size_t i = 0; i < NLISTS; i++)
		json_object_del(flat, lists[i].key);
	json_object_del(flat, "form");
	json_object_del(flat, "process");
	rc = zl_json_decode(flat, create ? create_fields : update_fields, &f, &present, a, err);
	if (HAS(F_CODE) && !create)
		rc = zl_err_field(err, "code", "cannot be changed: it is the process code too");
	else if (HAS(F_CODE) && (why = code_problem(f.code)) != NULL)
		rc = zl_err_field(err, "code", why);
	if (HAS(F_NAME) && zl_utf8_len(f.name) < 2)
		rc = zl_err_field(err, "name", "at least 2 characters");
	if (HAS(F_ORG) && f.org_id <= 0)
		rc = zl_err_field(err, "org_id", "must be an org id");
	if (HAS(F_TYPE) && type_index(f.type) < 0)
		rc = zl_err_field(err, "type", "one of 行政许可, 行政确认, 行政给付, 行政裁决, "
		    "其他行政权力, 公共服务, 内部事务");
	if (HAS(F_AUDIENCE) && strcmp(f.audience, "public") != 0 &&
	    strcmp(f.audience, "internal") != 0)
		rc = zl_err_field(err, "audience", "public or internal");
	if (HAS(F_LEGAL) && zl_utf8_len(f.legal_basis) < 2)
		rc = zl_err_field(err, "legal_basis", "required: the legal basis (设定依据)");
	if (HAS(F_STAT) && (f.statutory_days < 1 || f.statutory_days > 365))
		rc = zl_err_field(err, "statutory_days", "1 to 365 working days");
	if (HAS(F_PROM) && (f.promised_days < 0 || f.promised_days > 365))
		rc = zl_err_field(err, "promised_days", "0 (即办) to 365 working days");
	if (HAS(F_VISITS) && (f.visits < 0 || f.visits > 5))
		rc = zl_err_field(err, "visits", "0 (一次不用跑) to 5");
	in->version = f.version;
#define PUT_S(bit, key, val)	if (HAS(bit)) json_object_set_new(doc, key, json_string(val))
#define PUT_I(bit, key, val)	if (HAS(bit)) json_object_set_new(doc, key, json_integer(val))
	PUT_S(F_CODE, "code", f.code);
	PUT_S(F_NAME, "name", f.name);
	PUT_I(F_ORG, "org_id", f.org_id);
	PUT_S(F_TYPE, "type", f.type);
	PUT_S(F_AUDIENCE, "audience", f.audience);
	PUT_S(F_LEGAL, "legal_basis", f.legal_basis);
	PUT_S(F_COND, "conditions", f.conditions);
	PUT_S(F_PLACE, "place_hours", f.place_hours);
	PUT_I(F_STAT, "statutory_days", f.statutory_days);
	PUT_I(F_PROM, "promised_days", f.promised_days);
	PUT_I(F_VISITS, "visits", f.visits);
	if (create) {
		if (!HAS(F_COND)) json_object_set_new(doc, "conditions", json_string(""));
		if (!HAS(F_PLACE)) json_object_set_new(doc, "place_hours", json_string(""));
	}
	for (size_t i = 0; i < NLISTS; i++) {
		if ((v = json_object_get(body, lists[i].key)) != NULL) {
			if (decode_list(&lists[i], v, doc, a, err) != 0)
				rc = ZL_EINVAL;
		} else if (create)
			json_object_set_new(doc, lists[i].key, json_array());
	}
	for (int i = 0; i < 2; i++) {
		const char *key = i == 0 ? "form" : "process";
		if ((v = json_object_get(body, key)) == NULL)
			rc = create ? zl_err_field(err, key, "required") : rc;
		else if (!json_is_object(v))
			rc = zl_err_field(err, key, "must be an object");
		else
			json_object_set_new(doc, key, json_deep_copy(v));
	}
	if (create && zl_item_check(doc, a, &form, err) != 0)
		rc = ZL_EINVAL;
	if (rc < 0 && err->detail[0] == '\0')
		snprintf(err->detail, sizeof(err->detail), "请检查标注的字段 (see errors)");
	return rc;
}

