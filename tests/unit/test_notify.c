/* test_notify.c: what each notification says, and where its link leads
 * (zl_notify_compose, pure: no database). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "modules/notify/notify.h"
#include "tests.h"

static const struct zl_notify_subject subj = { 42, "SB2026A0001", "公务用车申请" };

static void
compose(struct zl_arena *a, enum zl_notify_kind kind, const char *subject, int citizen,
    const char *comment, int64_t due_at, struct zl_notification *out)
{
	struct zl_notify_event ev = { kind, subject, 7, 3, "初审", due_at, comment };

	zl_notify_compose(a, &ev, &subj, citizen, out);
}

static void
assert_has(const char *s, const char *part)
{
	if (strstr(s, part) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", s, part);
}

static void
test_notify__task_names_case_step_and_shanghai_due_date(void **state)
{
	struct zl_arena		a;
	struct zl_notification	n;

	(void)state;
	zl_arena_init(&a);
	/* 2026-10-08T16:30:00Z is already 10月9日 00:30 in Beijing. */
	compose(&a, ZL_NOTIFY_TASK, "application", 0, NULL, 1791477000, &n);
	assert_string_equal(n.kind, "task");
	assert_string_equal(n.entity, "application");
	assert_int_equal(n.entity_id, 7);
	assert_int_equal(n.org_id, 3);
	assert_string_equal(n.title, "新待办：公务用车申请");
	assert_has(n.body, "SB2026A0001");
	assert_has(n.body, "「初审」");
	assert_has(n.body, "2026-10-09");
	assert_string_equal(n.link, "/console/tasks?q=SB2026A0001");
	/* A rectification's task says so and opens the inbox. */
	compose(&a, ZL_NOTIFY_TASK, "rectification", 0, NULL, 1791477000, &n);
	assert_string_equal(n.title, "差评整改：公务用车申请");
	assert_has(n.body, "差评");
	assert_string_equal(n.entity, "rectification");
	assert_string_equal(n.link, "/console/tasks");
	zl_arena_release(&a);
}

static void
test_notify__handler_kinds_link_to_the_inbox(void **state)
{
	struct zl_arena		a;
	struct zl_notification	n;

	(void)state;
	zl_arena_init(&a);
	compose(&a, ZL_NOTIFY_URGE, "application", 0, NULL, 0, &n);
	assert_string_equal(n.kind, "urge");
	assert_string_equal(n.title, "催办：公务用车申请");
	assert_has(n.body, "「初审」");
	assert_string_equal(n.link, "/console/tasks?q=SB2026A0001");
	compose(&a, ZL_NOTIFY_ESCALATE, "application", 0, NULL, 0, &n);
	assert_string_equal(n.kind, "escalate");
	assert_string_equal(n.title, "超期督办：公务用车申请");
	assert_has(n.body, "超过办理时限");
	assert_string_equal(n.link, "/console/tasks?q=SB2026A0001");
	zl_arena_release(&a);
}

static void
test_notify__applicant_links_by_kind_of_user_and_comments(void **state)
{
	struct zl_arena		a;
	struct zl_notification	n;

	(void)state;
	zl_arena_init(&a);
	compose(&a, ZL_NOTIFY_RETURN, "application", 1, "请补充发票", 0, &n);
	assert_string_equal(n.kind, "return");
	assert_has(n.body, "退回补正");
	assert_has(n.body, "意见：请补充发票");
	assert_string_equal(n.link, "/portal/mine/applications/42");
	compose(&a, ZL_NOTIFY_RETURN, "application", 0, "", 0, &n);
	assert_null(strstr(n.body, "意见"));
	assert_string_equal(n.link, "/console/applications/42");
	compose(&a, ZL_NOTIFY_REJECTED, "application", 1, "不符合条件", 0, &n);
	assert_string_equal(n.title, "不予批准：公务用车申请");
	assert_has(n.body, "不符合条件");
	compose(&a, ZL_NOTIFY_APPROVED, "application", 1, NULL, 0, &n);
	assert_string_equal(n.title, "已办结：公务用车申请");
	assert_has(n.body, "准予办理");
	/* The rater hears that the rectification of their case is done, at that case. */
	compose(&a, ZL_NOTIFY_APPROVED, "rectification", 1, NULL, 0, &n);
	assert_string_equal(n.title, "整改完成：公务用车申请");
	assert_string_equal(n.entity, "rectification");
	assert_string_equal(n.link, "/portal/mine/applications/42");
	zl_arena_release(&a);
}

static void
test_notify__subject_without_application_links_to_inbox_or_nowhere(void **state)
{
	static const struct zl_notify_subject other = { 0, "#9", "办件" };
	struct zl_notify_event	ev = { ZL_NOTIFY_TASK, "procurement", 9, 3, "评审", 0, NULL };
	struct zl_arena		a;
	struct zl_notification	n;

	(void)state;
	zl_arena_init(&a);
	zl_notify_compose(&a, &ev, &other, 0, &n);
	assert_string_equal(n.link, "/console/tasks");
	assert_string_equal(n.entity, "procurement");
	assert_has(n.body, "#9");
	ev.kind = ZL_NOTIFY_APPROVED;
	zl_notify_compose(&a, &ev, &other, 1, &n);
	assert_string_equal(n.link, "");
	zl_arena_release(&a);
}

static void
test_notify__kind_names_cover_the_enum(void **state)
{
	(void)state;
	for (int k = 0; k < ZL_NOTIFY__MAX; k++)
		assert_non_null(zl_notify_kind_names[k]);
}

const struct CMUnitTest notify_tests[] = {
	cmocka_unit_test(test_notify__task_names_case_step_and_shanghai_due_date),
	cmocka_unit_test(test_notify__handler_kinds_link_to_the_inbox),
	cmocka_unit_test(test_notify__applicant_links_by_kind_of_user_and_comments),
	cmocka_unit_test(test_notify__subject_without_application_links_to_inbox_or_nowhere),
	cmocka_unit_test(test_notify__kind_names_cover_the_enum),
};
const size_t notify_tests_n = sizeof(notify_tests) / sizeof(notify_tests[0]);
