/* test_workflow.c: the storage-free parts of the workflow engine: working-day
 * calendar, process definitions, application forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "workflow/calendar.h"
#include "workflow/form.h"
#include "workflow/procdef.h"
#include "tests.h"

/* JSON written with single quotes, so the cases below stay readable;
 * owned by the arena. */
static json_t *
J(struct zl_arena *a, const char *s)
{
	static char	 buf[16384];
	json_error_t	 je;
	json_t		*j;
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] == '\'' ? '"' : s[i];
	buf[i] = '\0';
	j = json_loads(buf, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (j == NULL)
		fail_msg("bad test JSON: %s in %s", je.text, buf);
	return zl_json_own(a, j);
}

/* A Shanghai wall-clock time as Unix seconds. */
static int64_t
at(const char *date, int h, int m)
{
	int32_t day;

	assert_int_equal(zl_cal_date_parse(date, &day), 0);
	return zl_cal_day_start(day) + h * 3600 + m * 60;
}

static void
assert_date(int64_t t, const char *date)
{
	char buf[11];

	assert_string_equal(zl_cal_date_format(zl_cal_day_of(t), buf), date);
	assert_int_equal(t, at(date, 23, 59) + 59);	/* the last second */
}

/* ---- calendar ---- */

static const char *const bad_dates[] = { "2025-02-29", "2025-13-01", "2025-1-01",
    "2025-01-01T", "1900-02-29", "0000-01-01", "", "2025-00-10" };

static void
test_calendar__dates_days_and_time_zone(void **state)
{
	int32_t	day;
	char	buf[11];

	(void)state;
	assert_true(zl_cal_date_parse("1970-01-01", &day) == 0 && day == 0);
	assert_int_equal(zl_cal_date_parse("2024-02-29", &day), 0);
	assert_string_equal(zl_cal_date_format(day, buf), "2024-02-29");
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++)
		assert_int_equal(zl_cal_date_parse(bad_dates[i], &day), ZL_EINVAL);
	assert_int_equal(zl_cal_date_parse("2000-02-29", &day), 0);
	/* 2024-12-31T16:00:00Z is already New Year's Day in Beijing. */
	assert_string_equal(zl_cal_date_format(zl_cal_day_of(1735660800), buf), "2025-01-01");
	assert_string_equal(zl_cal_date_format(zl_cal_day_of(1735660799), buf), "2024-12-31");
	assert_int_equal(zl_cal_day_start(zl_cal_day_of(1735660800)), 1735660800);
	assert_int_equal(zl_cal_weekday(zl_cal_day_of(at("2025-01-01", 12, 0))), 3);
	assert_string_equal(zl_cal_date_format(zl_cal_day_of(-1), buf), "1970-01-01");
}

static void
test_calendar__init_refuses_bad_tables(void **state)
{
	struct zl_calendar	 cal;
	struct zl_cal_entry	 e[] = { { "2025-10-01", ZL_CAL_HOLIDAY, "国庆节" },
	    { "2025-10-01", ZL_CAL_HOLIDAY, "国庆节" }, { "2025-10-01", ZL_CAL_WORKDAY, "?" },
	    { "2025/10/02", ZL_CAL_HOLIDAY, "国庆节" } };

	(void)state;
	assert_int_equal(zl_cal_init(&cal, e + 1, 2), ZL_EINVAL);	/* off and on */
	assert_int_equal(zl_cal_init(&cal, e + 3, 1), ZL_EINVAL);	/* not a date */
	assert_int_equal(zl_cal_init(&cal, e, 2), 0);			/* listed twice */
	assert_int_equal(cal.n, 1);
	zl_cal_release(&cal);
}

static void
test_calendar__weekends_skipped(void **state)
{
	struct zl_calendar cal;

	(void)state;
	assert_int_equal(zl_cal_init(&cal, NULL, 0), 0);
	/* 2025-03-05 is a Wednesday: +3 skips Saturday and Sunday. */
	assert_date(zl_cal_add_working_days(&cal, at("2025-03-05", 9, 0), 3), "2025-03-10");
	assert_date(zl_cal_add_working_days(&cal, at("2025-03-05", 9, 0), 0), "2025-03-05");
	/* Received on a Saturday: Monday is the first working day after it. */
	assert_date(zl_cal_add_working_days(&cal, at("2025-03-08", 9, 0), 1), "2025-03-10");
	assert_date(zl_cal_add_working_days(&cal, at("2025-03-05", 9, 0), 10), "2025-03-19");
	assert_false(zl_cal_is_working_day(&cal, zl_cal_day_of(at("2025-03-09", 1, 0))));
	zl_cal_release(&cal);
}

static void
test_calendar__holidays_skipped_and_tiaoxiu_counted(void **state)
{
	struct zl_calendar	cal;
	int32_t			d;

	(void)state;
	assert_int_equal(zl_cal_init(&cal, zl_holidays_cn, zl_holidays_cn_n), 0);
	/* National Day 2025: 10-01 to 10-08 off, so a Tuesday case with one day
	 * is due on Thursday 10-09. */
	assert_date(zl_cal_add_working_days(&cal, at("2025-09-30", 10, 0), 1), "2025-10-09");
	/* Saturday 10-11 is a 调休 working day and counts. */
	assert_date(zl_cal_add_working_days(&cal, at("2025-10-10", 18, 0), 1), "2025-10-11");
	assert_int_equal(zl_cal_date_parse("2026-02-14", &d), 0);	/* Saturday */
	assert_true(zl_cal_is_working_day(&cal, d));
	assert_false(zl_cal_is_working_day(&cal, d + 2));		/* Monday, 春节 */
	assert_true(zl_cal_is_working_day(&cal, d + 10));		/* 02-24 */
	/* Spring Festival 2026: Friday 02-13 + 1 → Saturday 02-14 (调休);
	 * + 2 → Tuesday 02-24 after the nine days off. */
	assert_date(zl_cal_add_working_days(&cal, at("2026-02-13", 20, 0), 1), "2026-02-14");
	assert_date(zl_cal_add_working_days(&cal, at("2026-02-13", 20, 0), 2), "2026-02-24");
	/* 15 working days for a 差评 rectification across National Day 2026. */
	assert_date(zl_cal_add_working_days(&cal, at("2026-09-28", 9, 0), 15), "2026-10-23");
	zl_cal_release(&cal);
}

static void
test_calendar__friday_evening_due_monday_unless_holiday(void **state)
{
	struct zl_calendar	plain, cn;

	(void)state;
	assert_int_equal(zl_cal_init(&plain, NULL, 0) + zl_cal_init(&cn, zl_holidays_cn,
	    zl_holidays_cn_n), 0);
	assert_date(zl_cal_add_working_days(&plain, at("2026-04-03", 18, 30), 1), "2026-04-06");
	/* Monday 2026-04-06 is 清明节: due Tuesday. */
	assert_date(zl_cal_add_working_days(&cn, at("2026-04-03", 18, 30), 1), "2026-04-07");
	/* The last second of Friday is still Friday; midnight is Saturday. */
	assert_date(zl_cal_add_working_days(&plain, at("2026-03-13", 23, 59) + 59, 1), "2026-03-16");
	assert_date(zl_cal_add_working_days(&plain, at("2026-03-14", 0, 0), 1), "2026-03-16");
	zl_cal_release(&plain);
	zl_cal_release(&cn);
}

static void
test_calendar__working_seconds_across_holiday(void **state)
{
	struct zl_calendar cal;

	(void)state;
	assert_int_equal(zl_cal_init(&cal, zl_holidays_cn, zl_holidays_cn_n), 0);
#define WS(d1, h1, d2, h2) zl_cal_working_seconds_between(&cal, at(d1, h1, 0), at(d2, h2, 0))
	/* 15 h on 09-30, nothing for eight days off, 9 h on 10-09. */
	assert_int_equal(WS("2025-09-30", 9, "2025-10-09", 9), 86400);
	assert_true(zl_cal_working_days_between(&cal, at("2025-09-30", 9, 0),
	    at("2025-10-09", 9, 0)) == 1.0);
	/* Within a holiday no time passes; within a working day all of it. */
	assert_int_equal(WS("2025-10-02", 9, "2025-10-03", 17), 0);
	assert_int_equal(WS("2025-10-09", 9, "2025-10-09", 17), 8 * 3600);
	/* Friday noon to Monday noon is one working day; reversed is 0. */
	assert_int_equal(WS("2025-03-07", 12, "2025-03-10", 12), 86400);
	assert_int_equal(WS("2025-03-10", 12, "2025-03-07", 12), 0);
	/* A 调休 Sunday (2025-09-28) counts. */
	assert_int_equal(WS("2025-09-27", 0, "2025-09-29", 0), 86400);
#undef WS
	zl_cal_release(&cal);
}

static void
test_calendar__closed_form_matches_day_by_day(void **state)
{
	struct zl_calendar	cal;
	int32_t			first, d1, d2, d;
	int64_t			n;

	(void)state;
	assert_int_equal(zl_cal_init(&cal, zl_holidays_cn, zl_holidays_cn_n), 0);
	assert_int_equal(zl_cal_date_parse("2024-12-20", &first), 0);
	for (d1 = first; d1 < first + 760; d1 += 7)
		for (d2 = d1; d2 < d1 + 120; d2 += 3) {
			for (n = 0, d = d1; d < d2; d++)
				n += zl_cal_is_working_day(&cal, d);
			assert_int_equal(zl_cal_working_seconds_between(&cal,
			    zl_cal_day_start(d1), zl_cal_day_start(d2)), n * 86400);
		}
	zl_cal_release(&cal);
}

/* ---- procdef ---- */

static const char form_text[] = "{'fields':["
    "{'key':'amount','label':'金额','type':'money','required':true,'min':0},"
    "{'key':'kind','label':'类别','type':'choice','options':['办公','会议','车辆']},"
    "{'key':'start_date','label':'开始日期','type':'date'},"
    "{'key':'note','label':'说明','type':'textarea'}]}";

static const char good_def[] = "{'start':'dept','steps':["
    "{'id':'dept','name':'部门审核','assignee':{'kind':'role_in_applicant_org','role':'dept-admin'},"
    " 'mode':'any','time_limit_days':2,'next':["
    "  {'when':{'field':'amount','op':'>','value':100000},'to':'bureau'},"
    "  {'when':{'field':'kind','op':'in','value':['会议','车辆']},'to':'office'},"
    "  {'to':'end'}]},"
    "{'id':'office','name':'办公室审核','assignee':{'kind':'role_in_parent_org','role':'office'},"
    " 'next':[{'when':{'field':'start_date','op':'<','value':'2026-01-01'},'to':'end'},{'to':'bureau'}]},"
    "{'id':'bureau','name':'机关事务局审批','assignee':{'kind':'role_in_org','role':'org-admin','org':'GSJGSW'},"
    " 'mode':'all','next':[{'to':'end'}]}]}";

static int calls;

/* Every role, org and user exists but "nope". */
static int
possible(void *ctx, const struct zl_assignee *as)
{
	calls++;
	return strcmp(as->role ? as->role : as->username, "nope") != 0;
}

static struct zl_form *
parse_form(struct zl_arena *a, const char *text)
{
	struct zl_form	*form;
	struct zl_error	 err = { 0 };

	assert_int_equal(zl_form_parse(J(a, text), a, &form, &err), 0);
	return form;
}

/* Fail unless rc is ZL_EINVAL and the first field error is field (and
 * reason, unless NULL). */
static void
expect_field(size_t i, int rc, const struct zl_error *err, const char *field,
    const char *reason)
{
	if (rc != ZL_EINVAL || err->nfields < 1 || strcmp(err->fields[0].field, field) != 0 ||
	    (reason != NULL && strcmp(err->fields[0].reason, reason) != 0))
		fail_msg("case %zu: rc %d, %d fields, first %s: %s (%s)", i, rc, err->nfields,
		    err->nfields ? err->fields[0].field : "-",
		    err->nfields ? err->fields[0].reason : "-", err->detail);
}

static void
test_procdef__valid_definition_and_next(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err = { 0 };
	struct zl_procdef	*def;
	int			 dept, office, bureau;

	(void)state;
	zl_arena_init(&a);
	calls = 0;
	assert_int_equal(zl_procdef_parse(J(&a, good_def), parse_form(&a, form_text), possible, NULL,
	    &a, &def, &err), 0);
	assert_int_equal(calls + (int)def->n, 6);	/* the callback asked once per step */
	dept = zl_procdef_step(def, "dept");
	office = zl_procdef_step(def, "office");
	bureau = zl_procdef_step(def, "bureau");
	assert_int_equal(def->start, dept);
	assert_int_equal(def->steps[dept].time_limit_days, 2);
	assert_int_equal(def->steps[bureau].mode, ZL_MODE_ALL);
	assert_int_equal(def->steps[bureau].assignee.kind, ZL_ASSIGN_ROLE_IN_ORG);
	assert_string_equal(def->steps[bureau].assignee.org, "GSJGSW");
	assert_string_equal(def->steps[dept].next[0].to_id, "bureau");
	/* Conditions in order, the default last. */
	assert_int_equal(zl_procdef_next(def, dept, J(&a, "{'amount':200000}")), bureau);
	assert_int_equal(zl_procdef_next(def, dept, J(&a, "{'amount':100000,'kind':'会议'}")), office);
	assert_int_equal(zl_procdef_next(def, dept, J(&a, "{'amount':100000,'kind':'办公'}")), ZL_STEP_END);
	/* Missing or mistyped values make a condition false. */
	assert_int_equal(zl_procdef_next(def, dept, J(&a, "{}")), ZL_STEP_END);
	assert_int_equal(zl_procdef_next(def, dept, J(&a, "{'amount':'999999'}")), ZL_STEP_END);
	assert_int_equal(zl_procdef_next(def, dept, NULL), ZL_STEP_END);
	/* Dates compare as strings. */
	assert_int_equal(zl_procdef_next(def, office, J(&a, "{'start_date':'2025-12-31'}")), ZL_STEP_END);
	assert_int_equal(zl_procdef_next(def, office, J(&a, "{'start_date':'2026-01-01'}")), bureau);
	assert_int_equal(zl_procdef_next(def, bureau, NULL), ZL_STEP_END);
	assert_int_equal(zl_procdef_next(def, 3, NULL), ZL_EINVAL);
	assert_int_equal(zl_procdef_next(def, -1, NULL), ZL_EINVAL);
	/* Without a form and without the callback the shape is still checked. */
	assert_int_equal(zl_procdef_parse(J(&a, good_def), NULL, NULL, NULL, &a, &def, &err), 0);
	zl_arena_release(&a);
}

#define ST(id, extra, next) "{'id':'" id "','name':'审核','assignee':{'kind':'user'," \
	"'username':'zhang'}" extra ",'next':" next "}"
#define DEF(...) "{'start':'a','steps':[" __VA_ARGS__ "]}"
#define END "[{'to':'end'}]"
#define WHEN(f, op, v, to) "{'when':{'field':'" f "','op':'" op "','value':" v "},'to':'" to "'}"

/* A step "a" whose first transition tests a condition. */
#define IF(f, op, v) DEF(ST("a", "", "[" WHEN(f, op, v, "end") ",{'to':'end'}]"))
#define AS(assignee) DEF("{'id':'a','name':'审核','assignee':" assignee ",'next':" END "}")
#define NX "steps[0].next[0]"

static const struct refusal {
	const char	*doc, *detail, *field;
} refusals[] = {
	{ DEF(ST("a", "", "[{'to':'audit'}]")), "step \"a\": transition to unknown step \"audit\"",
	    NX ".to" },
	{ DEF(ST("a", "", END) "," ST("a", "", END)), "step \"a\": id already used by steps[0]",
	    "steps[1].id" },
	{ DEF(ST("a", "", END) "," ST("b", "", END)), "step \"b\": unreachable", "steps[1]" },
	{ DEF(ST("a", "", "[" WHEN("amount", ">", "5", "b") ",{'to':'end'}]") ","
	    ST("b", "", "[{'to':'b'}]")), "step \"b\": cannot reach \"end\"", "steps[1].next" },
	{ DEF(ST("a", "", "[{'to':'b'}]") "," ST("b", "", "[{'to':'a'}]")),
	    "step \"a\": cannot reach \"end\" (a cycle without exit)", "steps[0].next" },
	{ AS("{'kind':'role_in_org','role':'nope','org':'X1'}"),
	    "step \"a\": no possible assignee (role_in_org nope@X1)", "steps[0].assignee" },
	{ IF("weight", ">", "5"), "step \"a\": condition on field weight, which the form lacks",
	    NX ".when.field" },
	{ IF("note", "=", "'x'"), "operator = cannot be used on a textarea field (note)",
	    NX ".when.op" },
	{ IF("kind", ">", "'会议'"), "operator > cannot be used on a choice field (kind)",
	    NX ".when.op" },
	{ IF("amount", ">", "'many'"), "field amount is numeric", NX ".when.value" },
	{ IF("kind", "=", "'船舶'"), "value is not an option of field kind", NX ".when.value" },
	{ IF("amount", "~", "5"), "unknown operator \"~\"", NX ".when.op" },
	{ DEF(ST("a", "", "[" WHEN("amount", ">", "5", "end") "]")),
	    "step \"a\": the last transition must have no condition (the default)", NX ".when" },
	{ DEF(ST("a", "", "[{'to':'end'}," WHEN("amount", ">", "5", "end") "]")),
	    "only the last transition may lack a condition", NX ".when" },
	{ DEF(ST("a", ",'mode':'some'", END)), "step \"a\": mode must be any or all", "steps[0].mode" },
	{ AS("{'kind':'boss','role':'x'}"), "step \"a\": unknown assignee kind \"boss\"",
	    "steps[0].assignee.kind" },
	{ AS("{'kind':'role_in_org','role':'x'}"), "assignee kind role_in_org needs org",
	    "steps[0].assignee.org" },
	{ AS("{'kind':'user','username':'u','role':'x'}"), "assignee kind user takes no role",
	    "steps[0].assignee.role" },
	{ DEF(ST("a", ",'color':'red'", END)), "step \"a\": steps[0].color: unknown field",
	    "steps[0].color" },
	{ DEF(ST("a", ",'time_limit_days':400", END)), "time_limit_days must be 0 to 365",
	    "steps[0].time_limit_days" },
	{ DEF(ST("end", "", END)), "steps[0]: step ids use a-z 0-9 _ -", "steps[0].id" },
	{ DEF(ST("a", "", "[]")), "next must hold 1 to 20 transitions", "steps[0].next" },
	{ "{'start':'x','steps':[" ST("a", "", END) "]}", "start names no step: \"x\"", "start" },
	{ "{'start':'a','steps':[],'name':'x'}", "unknown field name", "name" },
};

static void
test_procdef__refusals_name_the_step(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err50 = { 0 };
	struct zl_procdef	*def;
	json_t			*doc, *steps;

	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct zl_error err = { 0 };
		zl_arena_init(&a);
		expect_field(i, zl_procdef_parse(J(&a, refusals[i].doc), parse_form(&a, form_text),
		    possible, NULL, &a, &def, &err), &err, refusals[i].field, NULL);
		if (strstr(err.detail, refusals[i].detail) == NULL)
			fail_msg("case %zu: detail \"%s\"", i, err.detail);
		assert_null(def);
		assert_string_equal(err.title, "流程定义有误");
		assert_true(zl_utf8_valid(err.detail, strlen(err.detail)));
		zl_arena_release(&a);
	}
	/* 51 steps. */
	zl_arena_init(&a);
	steps = json_object_get(doc = J(&a, DEF(ST("a", "", END))), "steps");
	for (int i = 0; i < 50; i++)
		json_array_append_new(steps, json_deep_copy(json_array_get(steps, 0)));
	assert_int_equal(zl_procdef_parse(doc, NULL, NULL, NULL, &a, &def, &err50), ZL_EINVAL);
	assert_non_null(strstr(err50.detail, "at most 50 steps"));
	zl_arena_release(&a);
}

/* ---- form ---- */

static const char all_types[] = "{'fields':["
    "{'key':'title','label':'标题','type':'text','required':true,'max_length':10},"
    "{'key':'body','label':'内容','type':'textarea'},"
    "{'key':'count','label':'数量','type':'number','min':1,'max':10},"
    "{'key':'amount','label':'金额','type':'money','min':0,'max':100000000},"
    "{'key':'day','label':'日期','type':'date'},"
    "{'key':'kind','label':'类别','type':'choice','options':['A','B']},"
    "{'key':'tags','label':'标签','type':'multi_choice','options':['x','y','z']},"
    "{'key':'idno','label':'身份证号','type':'id_number','help':'18 位'},"
    "{'key':'credit','label':'统一社会信用代码','type':'credit_code'},"
    "{'key':'phone','label':'手机','type':'phone'},"
    "{'key':'email','label':'邮箱','type':'email'},"
    "{'key':'addr','label':'地址','type':'address'},"
    "{'key':'doc','label':'附件','type':'file'},"
    "{'key':'docs','label':'附件','type':'file','multiple':true}]}";

#define HASH "'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'"
static const char all_good[] = "{'title':'会议室预订','body':'第一行\\n第二行','count':3,"
    "'amount':12345,'day':'2024-02-29','kind':'B','tags':['x','z'],"
    "'idno':'11010519491231002X','credit':'91110108MA01ABCDEN','phone':'13812345678',"
    "'email':'a@b.cn','addr':{'region_code':'620102','detail':'城关区某路 1 号'},"
    "'doc':" HASH ",'docs':[" HASH "]}";

static void
test_form__definition_and_every_type_accepted(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err = { 0 };
	struct zl_form		*form;

	(void)state;
	zl_arena_init(&a);
	assert_int_equal(zl_form_parse(J(&a, all_types), &a, &form, &err), 0);
	assert_int_equal(form->n, 14);
	assert_int_equal(zl_form_field(form, "body")->max_length, 5000);
	assert_int_equal(zl_form_field(form, "docs")->multiple, 1);
	assert_string_equal(zl_field_type_name(zl_form_field(form, "addr")->type), "address");
	assert_int_equal(zl_form_check(form, J(&a, all_good), 0, &a, &err), 0);
	assert_int_equal(err.nfields, 0);
	/* Optional fields may be absent, null or emptied. */
	assert_int_equal(zl_form_check(form, J(&a, "{'title':'x','day':'','kind':null,'tags':[]}"),
	    0, &a, &err), 0);
	zl_arena_release(&a);
}

/* One field "a" of the given type and extra keys. */
#define F1(type, extra) "{'fields':[{'key':'a','label':'A','type':'" type "'" extra "}]}"

static const struct { const char *def, *field, *reason; } bad_defs[] = {
	{ "{'fields':[{'key':'a','label':'A','type':'text'},{'key':'a','label':'B','type':'date'}]}",
	    "fields[1].key", "duplicate key" },
	{ "{'fields':[{'key':'Amount','label':'A','type':'money'}]}", "fields[0].key",
	    "must match [a-z][a-z0-9_]*" },
	{ F1("colour", ""), "fields[0].type", "unknown type" },
	{ F1("choice", ""), "fields[0].options", "required, at least one option" },
	{ F1("choice", ",'options':['x','x']"), "fields[0].options", "duplicate option" },
	{ F1("text", ",'min':1"), "fields[0].min", "not valid for this type" },
	{ F1("number", ",'min':5,'max':1"), "fields[0].min", "greater than max" },
	{ F1("text", ",'max_length':6000"), "fields[0].max_length", "must be 1 to 5000" },
	{ F1("text", ",'size':3"), "fields[0].size", "unknown field" },
	{ "{'fields':[{'key':'a','type':'text'}]}", "fields[0].label", "required" },
	{ "{'fields':[],'title':'x'}", "title", "unknown field" },
	{ "{'fields':{}}", "fields", "required, an array" },
};

static void
test_form__bad_definitions_refused(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err100 = { 0 };
	struct zl_form		*form;
	json_t			*many;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_defs) / sizeof(bad_defs[0]); i++) {
		struct zl_error err = { 0 };
		zl_arena_init(&a);
		expect_field(i, zl_form_parse(J(&a, bad_defs[i].def), &a, &form, &err), &err,
		    bad_defs[i].field, bad_defs[i].reason);
		assert_null(form);
		zl_arena_release(&a);
	}
	zl_arena_init(&a);
	many = J(&a, "{'fields':[]}");
	for (int i = 0; i < 101; i++)
		json_array_append_new(json_object_get(many, "fields"), json_pack("{s:s,s:s,s:s}",
		    "key", zl_arena_printf(&a, "f%d", i), "label", "F", "type", "text"));
	expect_field(0, zl_form_parse(many, &a, &form, &err100), &err100, "fields",
	    "at most 100 fields");
	zl_arena_release(&a);
}

static const struct { const char *key, *value, *field, *reason; } bad_values[] = {
	{ "title", "'这是一个超过十个字的很长的标题'", "title", "too long" },
	{ "title", "'two\\nlines'", "title", "must be a single-line string" },
	{ "title", "5", "title", "must be a single-line string" },
	{ "count", "2.5", "count", "must be an integer" },
	{ "count", "11", "count", "above the maximum" },
	{ "count", "0", "count", "below the minimum" },
	{ "amount", "'100'", "amount", "must be an integer amount in fen (分)" },
	{ "amount", "100000001", "amount", "above the maximum" },
	{ "day", "'2025-02-30'", "day", "must be a date YYYY-MM-DD" },
	{ "day", "'2025/01/01'", "day", "must be a date YYYY-MM-DD" },
	{ "kind", "'C'", "kind", "not one of the options" },
	{ "tags", "['x','x']", "tags", "option chosen twice" },
	{ "tags", "'x'", "tags", "must be an array of options" },
	{ "idno", "'110105194912310021'", "idno", "invalid ID number (GB 11643 check)" },
	{ "credit", "'91110108MA01ABCDE1'", "credit",
	    "invalid unified social credit code (GB 32100 check)" },
	{ "phone", "'12812345678'", "phone", "invalid mobile number" },
	{ "email", "'not-an-email'", "email", "invalid email address" },
	{ "addr", "{'region_code':'990102','detail':'x'}", "addr.region_code",
	    "invalid region code (6 digits, GB/T 2260)" },
	{ "addr", "{'region_code':'620102','detail':'x','zip':'1'}", "addr.zip", "unknown field" },
	{ "addr", "{'detail':'x'}", "addr.region_code", "required" },
	{ "addr", "'兰州'", "addr", "must be an object {region_code, detail}" },
	{ "doc", "'9F86D081'", "doc", "must be a SHA-256 digest (64 lowercase hex)" },
	{ "doc", "[" HASH "]", "doc", "must be a SHA-256 digest (64 lowercase hex)" },
	{ "docs", HASH, "docs", "must be an array of SHA-256 digests" },
	{ "nickname", "'x'", "nickname", "unknown field" },
};

static void
test_form__each_type_refused_with_field_and_reason(void **state)
{
	struct zl_arena	 a;
	struct zl_form	*form;
	json_t		*data;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		struct zl_error err = { 0 };
		zl_arena_init(&a);
		form = parse_form(&a, all_types);
		data = J(&a, "{'title':'ok'}");
		json_object_set(data, bad_values[i].key, J(&a, bad_values[i].value));
		expect_field(i, zl_form_check(form, data, 0, &a, &err), &err,
		    bad_values[i].field, bad_values[i].reason);
		assert_int_equal(err.nfields, 1);
		zl_arena_release(&a);
	}
}

static void
test_form__required_partial_and_all_errors(void **state)
{
	struct zl_arena	 a;
	struct zl_error	 err = { 0 };
	struct zl_form	*form;

	(void)state;
	zl_arena_init(&a);
	form = parse_form(&a, all_types);
	assert_int_equal(zl_form_check(form, J(&a, "{'count':3}"), 0, &a, &err), ZL_EINVAL);
	assert_int_equal(err.nfields, 1);
	assert_string_equal(err.fields[0].field, "title");
	assert_string_equal(err.fields[0].reason, "required");
	/* A draft may miss required fields and half an address, not be wrong. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(zl_form_check(form, J(&a, "{'count':3,'addr':{'region_code':'620102'}}"),
	    1, &a, &err), 0);
	assert_int_equal(zl_form_check(form, J(&a, "{'count':30}"), 1, &a, &err), ZL_EINVAL);
	/* Every error at once, each named. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(zl_form_check(form, J(&a, "{'count':'3','phone':'1','x':1}"), 0, &a,
	    &err), ZL_EINVAL);
	assert_int_equal(err.nfields, 4);	/* x, title, count, phone */
	assert_non_null(strstr(err.detail, "4"));
	assert_int_equal(zl_form_check(form, J(&a, "[]"), 0, &a, &err), ZL_EINVAL);
	zl_arena_release(&a);
}

static void
test_form__mask_hides_id_numbers_and_phones(void **state)
{
	struct zl_arena	 a;
	struct zl_form	*form;
	json_t		*data, *m;

	(void)state;
	zl_arena_init(&a);
	form = parse_form(&a, all_types);
	data = J(&a, "{'title':'x','idno':'620102199001011234','phone':'13812345678','count':2}");
	m = zl_json_own(&a, zl_form_mask(form, data));
	assert_string_equal(json_string_value(json_object_get(m, "idno")), "6201**********1234");
	assert_string_equal(json_string_value(json_object_get(m, "phone")), "138****5678");
	assert_string_equal(json_string_value(json_object_get(m, "title")), "x");
	/* The original is untouched; bad values are hidden, not shown. */
	assert_string_equal(json_string_value(json_object_get(data, "idno")), "620102199001011234");
	json_object_set_new(data, "idno", json_integer(42));
	m = zl_json_own(&a, zl_form_mask(form, data));
	assert_string_equal(json_string_value(json_object_get(m, "idno")), "****");
	assert_null(zl_form_mask(form, J(&a, "[]")));
	zl_arena_release(&a);
}

const struct CMUnitTest workflow_tests[] = {
	cmocka_unit_test(test_calendar__dates_days_and_time_zone),
	cmocka_unit_test(test_calendar__init_refuses_bad_tables),
	cmocka_unit_test(test_calendar__weekends_skipped),
	cmocka_unit_test(test_calendar__holidays_skipped_and_tiaoxiu_counted),
	cmocka_unit_test(test_calendar__friday_evening_due_monday_unless_holiday),
	cmocka_unit_test(test_calendar__working_seconds_across_holiday),
	cmocka_unit_test(test_calendar__closed_form_matches_day_by_day),
	cmocka_unit_test(test_procdef__valid_definition_and_next),
	cmocka_unit_test(test_procdef__refusals_name_the_step),
	cmocka_unit_test(test_form__definition_and_every_type_accepted),
	cmocka_unit_test(test_form__bad_definitions_refused),
	cmocka_unit_test(test_form__each_type_refused_with_field_and_reason),
	cmocka_unit_test(test_form__required_partial_and_all_errors),
	cmocka_unit_test(test_form__mask_hides_id_numbers_and_phones),
};
const size_t workflow_tests_n = sizeof(workflow_tests) / sizeof(workflow_tests[0]);
