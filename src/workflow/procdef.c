/* procdef.c: parsing and validation of process definitions, and the choice
 * of the next step.  Validation runs in the order an author fixes things:
 * shape of each step, transitions, reachability, assignees, so the first
 * message is the one worth reading.  Rules only: no storage, no HTTP. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "workflow/calendar.h"
#include "workflow/form.h"
#include "workflow/procdef.h"

#define END_ID		"end"
#define MAX_DAYS	365

static const char *const kind_names[ZL_ASSIGN__MAX] = {
	[ZL_ASSIGN_ROLE_IN_APPLICANT_ORG] = "role_in_applicant_org",
	[ZL_ASSIGN_ROLE_IN_PARENT_ORG] = "role_in_parent_org",
	[ZL_ASSIGN_ROLE_IN_ORG] = "role_in_org",
	[ZL_ASSIGN_USER] = "user",
};
static const char *const mode_names[ZL_MODE__MAX] = { "any", "all" };
static const char *const op_names[ZL_OP__MAX] = { "=", "!=", ">", ">=", "<", "<=", "in" };

/* The operators a condition may apply to each type of form field: order
 * makes sense for numbers and dates, only equality for texts and choices. */
#define ORDERED	0x7fu
#define EQUAL	(1u << ZL_OP_EQ | 1u << ZL_OP_NE | 1u << ZL_OP_IN)
static const unsigned type_ops[ZL_FT__MAX] = {
	[ZL_FT_NUMBER] = ORDERED, [ZL_FT_MONEY] = ORDERED, [ZL_FT_DATE] = ORDERED,
	[ZL_FT_CHOICE] = EQUAL, [ZL_FT_TEXT] = EQUAL,
};

/* Decode targets; the nested members (assignee, next, when.value) are
 * taken out of a shallow copy first and handled by hand. */
struct raw_step { const char *id, *name, *mode; int64_t days; };
struct raw_trans { const char *to; };
struct raw_cond { const char *field, *op; };

static const struct zl_jfield step_fields[] = {
	{ "id", ZL_J_STR, offsetof(struct raw_step, id), 1, 32 },
	{ "name", ZL_J_STR, offsetof(struct raw_step, name), 1, 50 },
	{ "mode", ZL_J_STR, offsetof(struct raw_step, mode), 0, 8 },
	{ "time_limit_days", ZL_J_INT, offsetof(struct raw_step, days), 0, 0 },
	{ NULL },
};
/* An assignee decodes into an array of strings indexed like its table. */
enum { A_KIND, A_ROLE, A_ORG, A_USERNAME, A__MAX };
#define AS(i)	((i) * sizeof(const char *))
static const struct zl_jfield assignee_fields[] = {
	[A_KIND] = { "kind", ZL_J_STR, AS(A_KIND), 1, 32 },
	[A_ROLE] = { "role", ZL_J_STR, AS(A_ROLE), 0, 64 },
	[A_ORG] = { "org", ZL_J_STR, AS(A_ORG), 0, 64 },
	[A_USERNAME] = { "username", ZL_J_STR, AS(A_USERNAME), 0, 64 },
	{ NULL },
};
/* The keys each assignee kind needs, besides kind; no others are allowed. */
static const uint32_t kind_keys[ZL_ASSIGN__MAX] = {
	[ZL_ASSIGN_ROLE_IN_APPLICANT_ORG] = 1u << A_ROLE,
	[ZL_ASSIGN_ROLE_IN_PARENT_ORG] = 1u << A_ROLE,
	[ZL_ASSIGN_ROLE_IN_ORG] = 1u << A_ROLE | 1u << A_ORG,
	[ZL_ASSIGN_USER] = 1u << A_USERNAME,
};
static const struct zl_jfield trans_fields[] = {
	{ "to", ZL_J_STR, offsetof(struct raw_trans, to), 1, 32 },
	{ NULL },
};
static const struct zl_jfield cond_fields[] = {
	{ "field", ZL_J_STR, offsetof(struct raw_cond, field), 1, 64 },
	{ "op", ZL_J_STR, offsetof(struct raw_cond, op), 1, 4 },
	{ NULL },
};

/* State of one parse: where to report, and the step being read. */
struct ctx {
	struct zl_arena		*a;
	struct zl_error		*err;
	const struct zl_form	*form;
	const char		*id;	/* the step's id once known valid */
	int			 idx;	/* else its index; -1 outside steps */
};

const char *
zl_assignee_kind_name(enum zl_assignee_kind k)
{
	return (unsigned)k < ZL_ASSIGN__MAX ? kind_names[k] : NULL;
}

const char *
zl_cond_op_name(enum zl_cond_op op)
{
	return (unsigned)op < ZL_OP__MAX ? op_names[op] : NULL;
}

static int
lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Cut a truncated multibyte character off the end, so the detail stays
 * valid UTF-8 (jansson refuses anything else). */
static void
utf8_trim(char *s)
{
	size_t		n = strlen(s), i = n;
	unsigned char	lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	lead = i > 0 ? (unsigned char)s[i - 1] : 0;
	if (lead >= 0xc0 && n - (i - 1) < (lead >= 0xf0 ? 4u : lead >= 0xe0 ? 3u : 2u))
		s[i - 1] = '\0';
}

/* Refuse: a field error at path (unless NULL) and, if none yet, the detail
 * "步骤 "id"：<中文> (step "id": <English>)". */
static int
fail(struct ctx *c, const char *path, const char *reason, const char *zh,
    const char *en, ...)
{
	char	 zbuf[128], ebuf[128];
	va_list	 ap;

	va_start(ap, en);
	vsnprintf(zbuf, sizeof(zbuf), zh, ap);
	va_end(ap);
	va_start(ap, en);
	vsnprintf(ebuf, sizeof(ebuf), en, ap);
	va_end(ap);
	utf8_trim(zbuf);
	utf8_trim(ebuf);
	if (path != NULL)
		zl_err_field(c->err, path, reason);
	if (c->err != NULL && c->err->title == NULL)
		c->err->title = "流程定义有误";
	if (c->err != NULL && c->err->detail[0] == '\0') {
		if (c->id != NULL)
			zl_err_set(c->err, ZL_EINVAL, NULL, "步骤 \"%s\"：%s "
			    "(step \"%s\": %s)", c->id, zbuf, c->id, ebuf);
		else if (c->idx >= 0)
			zl_err_set(c->err, ZL_EINVAL, NULL, "第 %d 个步骤：%s "
			    "(steps[%d]: %s)", c->idx + 1, zbuf, c->idx, ebuf);
		else
			zl_err_set(c->err, ZL_EINVAL, NULL, "%s (%s)", zbuf, ebuf);
		utf8_trim(c->err->detail);
	}
	return ZL_EINVAL;
}

/* zl_json_decode of a shallow copy of obj without the keys `drop` (handled
 * by the caller), errors copied under path. */
static int
decode(struct ctx *c, const json_t *obj, const char *const *drop,
    const struct zl_jfield *table, void *out, uint32_t *present,
    const char *path)
{
	struct zl_error	 e;
	json_t		*flat;
	int		 rc;

	if (!json_is_object(obj))
		return fail(c, path, "must be an object", "%s 必须是对象",
		    "%s must be an object", path);
	if ((flat = json_copy((json_t *)obj)) == NULL)
		return ZL_ENOMEM;
	for (; drop != NULL && *drop != NULL; drop++)
		json_object_del(flat, *drop);
	memset(&e, 0, sizeof(e));
	rc = zl_json_decode(flat, table, out, present, c->a, &e);
	json_decref(flat);
	if (rc == ZL_OK)
		return ZL_OK;
	for (int i = 0; i < e.nfields; i++)
		zl_err_field(c->err, zl_arena_printf(c->a, "%s.%s", path,
		    e.fields[i].field), e.fields[i].reason);
	return fail(c, e.nfields > 0 ? NULL : path, "invalid", "%s.%s 有误：%s",
	    "%s.%s: %s", path, e.nfields > 0 ? e.fields[0].field : "?",
	    e.nfields > 0 ? e.fields[0].reason : "invalid");
}

static int
valid_step_id(const char *s)
{
	if (*s == '\0' || strcmp(s, END_ID) == 0)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int
parse_assignee(struct ctx *c, const json_t *j, const char *path,
    struct zl_assignee *out)
{
	const char	*r[A__MAX] = { NULL };
	uint32_t	 present = 0, need;
	int		 k;

	if (j == NULL)
		return fail(c, path, "required", "缺少办理人规则 assignee",
		    "assignee is missing");
	if (decode(c, j, NULL, assignee_fields, r, &present, path) < 0)
		return ZL_EINVAL;
	if ((k = lookup(kind_names, ZL_ASSIGN__MAX, r[A_KIND])) < 0)
		return fail(c, zl_arena_printf(c->a, "%s.kind", path), "unknown kind",
		    "办理人类型 \"%s\" 无效", "unknown assignee kind \"%s\"", r[A_KIND]);
	need = kind_keys[k];
	for (int f = A_ROLE; f < A__MAX; f++) {
		uint32_t bit = 1u << f;
		const char *fp = zl_arena_printf(c->a, "%s.%s", path,
		    assignee_fields[f].name);
		if ((need & bit) && !(present & bit))
			return fail(c, fp, "required", "办理人类型 %s 需要 %s",
			    "assignee kind %s needs %s", r[A_KIND], assignee_fields[f].name);
		if (!(need & bit) && (present & bit))
			return fail(c, fp, "not valid for this kind",
			    "办理人类型 %s 不接受 %s", "assignee kind %s takes no %s",
			    r[A_KIND], assignee_fields[f].name);
		if (r[f] != NULL && *r[f] == '\0')
			return fail(c, fp, "required", "办理人规则的 %s 为空",
			    "assignee %s is empty", assignee_fields[f].name);
	}
	out->kind = (enum zl_assignee_kind)k;
	out->role = r[A_ROLE];
	out->org = r[A_ORG];
	out->username = r[A_USERNAME];
	return ZL_OK;
}

/* One literal of a condition against the field it tests (f may be NULL when
 * the definition is checked without a form). */
static int
parse_value(struct ctx *c, const json_t *j, const struct zl_form_field *f,
    const char *path, struct zl_cond_value *v)
{
	int32_t day;

	if (json_is_integer(j)) {
		v->is_int = 1;
		v->i = json_integer_value(j);
	} else if (json_is_string(j) && zl_utf8_valid(json_string_value(j),
	    json_string_length(j)))
		v->s = zl_arena_strdup(c->a, json_string_value(j));
	if (!v->is_int && v->s == NULL)
		return fail(c, path, "must be an integer or a string",
		    "条件的值必须是整数或字符串", "condition value must be an integer or a string");
	if (f == NULL)
		return ZL_OK;
	switch (f->type) {
	case ZL_FT_NUMBER:
	case ZL_FT_MONEY:
		if (!v->is_int)
			return fail(c, path, "must be an integer",
			    "字段 %s 是数值，条件的值必须是整数",
			    "field %s is numeric: the value must be an integer", f->key);
		return ZL_OK;
	case ZL_FT_DATE:
		if (v->s == NULL || zl_cal_date_parse(v->s, &day) < 0)
			return fail(c, path, "must be a date YYYY-MM-DD",
			    "字段 %s 是日期，条件的值必须是 YYYY-MM-DD",
			    "field %s is a date: the value must be YYYY-MM-DD", f->key);
		return ZL_OK;
	case ZL_FT_CHOICE:
		for (size_t i = 0; v->s != NULL && i < f->options.n; i++)
			if (strcmp(f->options.v[i], v->s) == 0)
				return ZL_OK;
		return fail(c, path, "not one of the options",
		    "条件的值不是字段 %s 的选项", "value is not an option of field %s",
		    f->key);
	default:
		if (v->s == NULL)
			return fail(c, path, "must be a string", "条件的值必须是字符串",
			    "condition value must be a string");
		return ZL_OK;
	}
}

static int
parse_cond(struct ctx *c, const json_t *j, const char *path,
    const struct zl_cond **out)
{
	static const char *const drop[] = { "value", NULL };
	const struct zl_form_field	*f = NULL;
	struct zl_cond			*cond;
	struct raw_cond			 r = { NULL, NULL };
	const json_t			*val;
	int				 op;

	if (decode(c, j, drop, cond_fields, &r, NULL, path) < 0)
		return ZL_EINVAL;
	if ((op = lookup(op_names, ZL_OP__MAX, r.op)) < 0)
		return fail(c, zl_arena_printf(c->a, "%s.op", path), "unknown operator",
		    "条件运算符 \"%s\" 无效", "unknown operator \"%s\"", r.op);
	if (c->form != NULL) {
		if ((f = zl_form_field(c->form, r.field)) == NULL)
			return fail(c, zl_arena_printf(c->a, "%s.field", path),
			    "no such form field", "条件引用的字段 %s 不在申请表中",
			    "condition on field %s, which the form lacks", r.field);
		if (!(type_ops[f->type] & (1u << op)))
			return fail(c, zl_arena_printf(c->a, "%s.op", path),
			    "operator not valid for the field type",
			    "运算符 %s 不适用于 %s 类型的字段 %s",
			    "operator %s cannot be used on a %s field (%s)",
			    r.op, zl_field_type_name(f->type), r.field);
	}
	cond = zl_arena_alloc(c->a, sizeof(*cond));
	cond->field = r.field;
	cond->op = (enum zl_cond_op)op;
	val = json_object_get(j, "value");
	if (val == NULL)
		return fail(c, zl_arena_printf(c->a, "%s.value", path), "required",
		    "条件缺少 value", "condition has no value");
	if (op == ZL_OP_IN) {
		if (!json_is_array(val) || json_array_size(val) == 0 ||
		    json_array_size(val) > ZL_PROCDEF_MAX_IN)
			return fail(c, zl_arena_printf(c->a, "%s.value", path),
			    "must be an array of 1 to 100 values",
			    "in 的值必须是 1–100 个值的数组",
			    "in needs an array of 1 to 100 values");
	}
	cond->nv = op == ZL_OP_IN ? json_array_size(val) : 1;
	cond->v = zl_arena_alloc(c->a, cond->nv * sizeof(*cond->v));
	for (size_t i = 0; i < cond->nv; i++)
		if (parse_value(c, op == ZL_OP_IN ? json_array_get(val, i) : val, f,
		    zl_arena_printf(c->a, "%s.value", path), &cond->v[i]) < 0)
			return ZL_EINVAL;
	*out = cond;
	return ZL_OK;
}

/* One step; the targets of its transitions are resolved from to_id once
 * every id is known. */
static int
parse_step(struct ctx *c, const json_t *j, size_t idx, struct zl_step *s)
{
	static const char *const drop[] = { "assignee", "next", NULL };
	static const char *const tdrop[] = { "when", NULL };
	struct raw_step	 r = { NULL, NULL, NULL, 0 };
	const char	*path = zl_arena_printf(c->a, "steps[%zu]", idx), *tp;
	const json_t	*next, *t;
	int		 m;

	/* Name the step by its id once the id is known to be short ASCII. */
	c->idx = (int)idx;
	c->id = json_is_object(j) ? json_string_value(json_object_get(j, "id")) : NULL;
	if (c->id != NULL && (strlen(c->id) > 32 || !valid_step_id(c->id)))
		c->id = NULL;
	if (decode(c, j, drop, step_fields, &r, NULL, path) < 0)
		return ZL_EINVAL;
	if (!valid_step_id(r.id))
		return fail(c, zl_arena_printf(c->a, "%s.id", path), "invalid id",
		    "步骤 id 只能用 a-z 0-9 _ -，且不能是 end",
		    "step ids use a-z 0-9 _ - and cannot be \"end\"");
	if (*r.name == '\0')
		return fail(c, zl_arena_printf(c->a, "%s.name", path), "required",
		    "缺少步骤名称", "step name is empty");
	if ((m = r.mode == NULL ? ZL_MODE_ANY : lookup(mode_names, ZL_MODE__MAX, r.mode)) < 0)
		return fail(c, zl_arena_printf(c->a, "%s.mode", path), "must be any or all",
		    "mode 必须是 any（或签）或 all（会签）", "mode must be any or all");
	if (r.days < 0 || r.days > MAX_DAYS)
		return fail(c, zl_arena_printf(c->a, "%s.time_limit_days", path),
		    "must be 0 to 365", "办理时限必须是 0–365 个工作日",
		    "time_limit_days must be 0 to 365");
	s->id = r.id;
	s->name = r.name;
	s->mode = (enum zl_step_mode)m;
	s->time_limit_days = (int)r.days;
	if (parse_assignee(c, json_object_get(j, "assignee"),
	    zl_arena_printf(c->a, "%s.assignee", path), &s->assignee) < 0)
		return ZL_EINVAL;
	next = json_object_get(j, "next");
	if (!json_is_array(next) || json_array_size(next) == 0 ||
	    json_array_size(next) > ZL_PROCDEF_MAX_NEXT)
		return fail(c, zl_arena_printf(c->a, "%s.next", path),
		    "must be an array of 1 to 20 transitions", "next 必须是 1–20 个流转",
		    "next must hold 1 to 20 transitions");
	s->nnext = json_array_size(next);
	s->next = zl_arena_alloc(c->a, s->nnext * sizeof(*s->next));
	for (size_t k = 0; k < s->nnext; k++) {
		struct raw_trans rt = { NULL };
		t = json_array_get(next, k);
		tp = zl_arena_printf(c->a, "%s.next[%zu]", path, k);
		if (decode(c, t, tdrop, trans_fields, &rt, NULL, tp) < 0)
			return ZL_EINVAL;
		s->next[k].to_id = rt.to;
		if (json_object_get(t, "when") != NULL && parse_cond(c,
		    json_object_get(t, "when"), zl_arena_printf(c->a, "%s.when", tp),
		    &s->next[k].when) < 0)
			return ZL_EINVAL;
		if (k + 1 == s->nnext && s->next[k].when != NULL)
			return fail(c, zl_arena_printf(c->a, "%s.when", tp),
			    "the last transition must be unconditional",
			    "最后一个流转必须无条件（默认去向），否则案件可能卡住",
			    "the last transition must have no condition (the default)");
		if (k + 1 < s->nnext && s->next[k].when == NULL)
			return fail(c, zl_arena_printf(c->a, "%s.when", tp),
			    "only the last transition may be unconditional",
			    "只有最后一个流转可以无条件，之后的流转永远不会执行",
			    "only the last transition may lack a condition");
	}
	return ZL_OK;
}

/* Every step reachable from start, and end reachable from every step. */
static int
check_graph(struct ctx *c, struct zl_procdef *def)
{
	unsigned char	 reach[ZL_PROCDEF_MAX_STEPS] = { 0 }, exits[ZL_PROCDEF_MAX_STEPS] = { 0 };
	int		 stack[ZL_PROCDEF_MAX_STEPS], top = 0, changed;
	size_t		 i, k;

	reach[def->start] = 1;
	stack[top++] = def->start;
	while (top > 0) {
		const struct zl_step *s = &def->steps[stack[--top]];
		for (k = 0; k < s->nnext; k++)
			if (s->next[k].to >= 0 && !reach[s->next[k].to]) {
				reach[s->next[k].to] = 1;
				stack[top++] = s->next[k].to;
			}
	}
	/* Fixed point backwards from end: at most n rounds of n steps. */
	do {
		changed = 0;
		for (i = 0; i < def->n; i++)
			for (k = 0; !exits[i] && k < def->steps[i].nnext; k++) {
				int to = def->steps[i].next[k].to;
				if (to == ZL_STEP_END || exits[to])
					exits[i] = changed = 1;
			}
	} while (changed);
	for (i = 0; i < def->n; i++) {
		c->id = def->steps[i].id;
		if (!reach[i])
			return fail(c, zl_arena_printf(c->a, "steps[%zu]", i),
			    "unreachable", "从开始步骤 \"%s\" 无法到达",
			    "unreachable from the start step \"%s\"",
			    def->steps[def->start].id);
		if (!exits[i])
			return fail(c, zl_arena_printf(c->a, "steps[%zu].next", i),
			    "cannot reach end", "无法到达结束（循环没有出口）",
			    "cannot reach \"end\" (a cycle without exit)");
	}
	return ZL_OK;
}

int
zl_procdef_parse(const json_t *doc, const struct zl_form *form,
    zl_assignee_possible_fn assignee_possible, void *ctx, struct zl_arena *a,
    struct zl_procdef **out, struct zl_error *err)
{
	struct ctx		 c = { a, err, form, NULL, -1 };
	struct zl_procdef	*def;
	const json_t		*steps, *start;
	const char		*key;
	json_t			*v;
	size_t			 i, k;
	int			 rc = ZL_EINVAL;

	*out = NULL;
	if (!json_is_object(doc))
		return fail(&c, "", "must be an object", "流程定义必须是 JSON 对象",
		    "a process definition is a JSON object");
	json_object_foreach((json_t *)doc, key, v)
		if (strcmp(key, "start") != 0 && strcmp(key, "steps") != 0)
			return fail(&c, zl_arena_strdup(a, key), "unknown field",
			    "未知字段 %s", "unknown field %s", key);
	steps = json_object_get(doc, "steps");
	start = json_object_get(doc, "start");
	if (!json_is_string(start))
		return fail(&c, "start", "required", "缺少开始步骤 start",
		    "start must name the first step");
	if (!json_is_array(steps) || json_array_size(steps) == 0)
		return fail(&c, "steps", "required", "至少需要一个步骤",
		    "steps must be a non-empty array");
	if (json_array_size(steps) > ZL_PROCDEF_MAX_STEPS)
		return fail(&c, "steps", "at most 50 steps", "步骤不能超过 50 个",
		    "at most 50 steps");
	def = zl_arena_alloc(a, sizeof(*def));
	def->n = json_array_size(steps);
	def->steps = zl_arena_alloc(a, def->n * sizeof(*def->steps));
	for (i = 0; i < def->n; i++) {
		if ((rc = parse_step(&c, json_array_get(steps, i), i, &def->steps[i])) < 0)
			return rc;
		for (k = 0; k < i; k++)
			if (strcmp(def->steps[k].id, def->steps[i].id) == 0)
				return fail(&c, zl_arena_printf(a, "steps[%zu].id", i),
				    "duplicate id", "id 与 steps[%zu] 重复",
				    "id already used by steps[%zu]", k);
	}
	for (i = 0; i < def->n; i++) {
		struct zl_step *s = &def->steps[i];
		c.id = s->id;
		for (k = 0; k < s->nnext; k++) {
			if (strcmp(s->next[k].to_id, END_ID) == 0)
				s->next[k].to = ZL_STEP_END;
			else if ((s->next[k].to = zl_procdef_step(def, s->next[k].to_id)) < 0)
				return fail(&c, zl_arena_printf(a, "steps[%zu].next[%zu].to",
				    i, k), "no such step", "流转目标 \"%s\" 不存在",
				    "transition to unknown step \"%s\"", s->next[k].to_id);
		}
	}
	c.id = NULL;
	c.idx = -1;
	if ((def->start = zl_procdef_step(def, json_string_value(start))) < 0)
		return fail(&c, "start", "no such step", "开始步骤 \"%s\" 不存在",
		    "start names no step: \"%s\"", json_string_value(start));
	if ((rc = check_graph(&c, def)) < 0)
		return rc;
	for (i = 0; assignee_possible != NULL && i < def->n; i++) {
		const struct zl_assignee *as = &def->steps[i].assignee;
		if ((rc = assignee_possible(ctx, as)) < 0)
			return rc;
		if (rc > 0)
			continue;
		c.id = def->steps[i].id;
		return fail(&c, zl_arena_printf(a, "steps[%zu].assignee", i),
		    "no possible assignee", "没有可能的办理人（%s %s）",
		    "no possible assignee (%s %s)", kind_names[as->kind],
		    as->username ? as->username : as->org ? zl_arena_printf(a,
		    "%s@%s", as->role, as->org) : as->role);
	}
	*out = def;
	return ZL_OK;
}

int
zl_procdef_step(const struct zl_procdef *def, const char *id)
{
	for (size_t i = 0; id != NULL && i < def->n; i++)
		if (def->steps[i].id != NULL && strcmp(def->steps[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Compare a data value with a literal: 0 and *cmp set if comparable. */
static int
compare(const json_t *d, const struct zl_cond_value *v, int *cmp)
{
	if (v->is_int ? !json_is_integer(d) : !json_is_string(d))
		return -1;
	*cmp = v->is_int ? (json_integer_value(d) > v->i) - (json_integer_value(d) < v->i) :
	    strcmp(json_string_value(d), v->s);
	return 0;
}

/* A condition on a missing or mistyped value is false, whatever the op:
 * the default transition then applies, which an author can see. */
static int
holds(const struct zl_cond *cond, const json_t *data)
{
	const json_t	*d = json_is_object(data) ? json_object_get(data, cond->field) : NULL;
	int		 cmp;

	if (d == NULL || json_is_null(d))
		return 0;
	if (cond->op == ZL_OP_IN) {
		for (size_t i = 0; i < cond->nv; i++)
			if (compare(d, &cond->v[i], &cmp) == 0 && cmp == 0)
				return 1;
		return 0;
	}
	if (compare(d, &cond->v[0], &cmp) < 0)
		return 0;
	switch (cond->op) {
	case ZL_OP_EQ:	return cmp == 0;
	case ZL_OP_NE:	return cmp != 0;
	case ZL_OP_GT:	return cmp > 0;
	case ZL_OP_GE:	return cmp >= 0;
	case ZL_OP_LT:	return cmp < 0;
	case ZL_OP_LE:	return cmp <= 0;
	default:	return 0;	/* ZL_OP_IN handled above */
	}
}

int
zl_procdef_next(const struct zl_procdef *def, int step, const json_t *form_data)
{
	const struct zl_step *s;

	if (def == NULL || step < 0 || (size_t)step >= def->n)
		return ZL_EINVAL;
	s = &def->steps[step];
	for (size_t k = 0; k < s->nnext; k++)
		if (s->next[k].when == NULL || holds(s->next[k].when, form_data))
			return s->next[k].to;
	return ZL_STEP_END;	/* unreachable for a parsed definition */
}
