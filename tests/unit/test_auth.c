/* test_auth.c: permissions, data scopes (per permission, never widened by
 * another role), the SQL they become, and password hashing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "crypto/crypto.h"
#include "db/sql.h"
#include "tests.h"

static struct zl_principal
finance_user(struct zl_grant *g, size_t n)
{
	struct zl_principal p;

	memset(&p, 0, sizeof(p));
	p.user_id = 6;
	p.org_id = 2;
	p.org_path = "/1/2/";
	p.kind = ZL_USER_STAFF;
	p.grants = g;
	p.ngrants = n;
	for (size_t i = 0; i < n; i++)
		p.perms |= g[i].perms;
	return p;
}

static void
test_scope__subtree_covers_descendants_only(void **state)
{
	struct zl_grant g = { .perms = ZL_PERM_BIT(ZL_P_USER_READ), .scope = ZL_SCOPE_SUBTREE };
	struct zl_principal p = finance_user(&g, 1);
	struct zl_scope s;

	(void)state;
	zl_scope_for(&p, ZL_P_USER_READ, &s);
	assert_true(zl_scope_covers(&s, 2, "/1/2/", 99));
	assert_true(zl_scope_covers(&s, 7, "/1/2/7/", 99));
	assert_false(zl_scope_covers(&s, 3, "/1/3/", 99));
	assert_false(zl_scope_covers(&s, 22, "/1/22/", 99));	/* prefix of digits is not a subtree */
	assert_false(zl_scope_covers(&s, 1, "/1/", 99));
}

static void
test_scope__per_permission_not_widened_by_other_role(void **state)
{
	struct zl_grant g[2] = {
		{ .perms = ZL_PERM_BIT(ZL_P_USER_WRITE), .scope = ZL_SCOPE_SELF },
		{ .perms = ZL_PERM_BIT(ZL_P_AUDIT_READ) | ZL_PERM_BIT(ZL_P_USER_READ), .scope = ZL_SCOPE_ALL },
	};
	struct zl_principal p = finance_user(g, 2);
	struct zl_scope s;

	(void)state;
	zl_scope_for(&p, ZL_P_USER_WRITE, &s);
	assert_false(s.all);
	assert_true(zl_scope_covers(&s, 2, "/1/2/", 6));	/* own record */
	assert_false(zl_scope_covers(&s, 2, "/1/2/", 7));	/* colleague */
	zl_scope_for(&p, ZL_P_USER_READ, &s);
	assert_true(s.all);
	zl_scope_for(&p, ZL_P_ROLE_READ, &s);			/* not granted at all */
	assert_false(zl_scope_covers(&s, 2, "/1/2/", 6));
}

static void
test_scope__self_on_ownerless_records_means_own_org(void **state)
{
	struct zl_grant g = { .perms = ZL_PERM_BIT(ZL_P_ORG_READ), .scope = ZL_SCOPE_SELF };
	struct zl_principal p = finance_user(&g, 1);
	struct zl_scope s;

	(void)state;
	zl_scope_for(&p, ZL_P_ORG_READ, &s);
	assert_true(zl_scope_covers(&s, 2, "/1/2/", -1));
	assert_false(zl_scope_covers(&s, 7, "/1/2/7/", -1));
}

static void
test_scope__custom_lists_orgs_and_citizens_get_nothing(void **state)
{
	int64_t orgs[] = { 5, 9 };
	struct zl_grant g = { .perms = ZL_PERM_BIT(ZL_P_ORG_READ), .scope = ZL_SCOPE_CUSTOM,
	    .norgs = 2, .orgs = orgs };
	struct zl_principal p = finance_user(&g, 1);
	struct zl_scope s;

	(void)state;
	zl_scope_for(&p, ZL_P_ORG_READ, &s);
	assert_true(zl_scope_covers(&s, 9, "/1/9/", -1));
	assert_false(zl_scope_covers(&s, 2, "/1/2/", -1));
	p.kind = ZL_USER_CITIZEN;
	assert_false(zl_may(&p, ZL_P_ORG_READ));
	zl_scope_for(&p, ZL_P_ORG_READ, &s);
	assert_false(zl_scope_covers(&s, 9, "/1/9/", -1));
}

static void
test_scope__sql_binds_every_value(void **state)
{
	struct zl_grant g[2] = {
		{ .perms = ZL_PERM_BIT(ZL_P_USER_READ), .scope = ZL_SCOPE_SUBTREE },
		{ .perms = ZL_PERM_BIT(ZL_P_USER_READ), .scope = ZL_SCOPE_SELF },
	};
	struct zl_principal p = finance_user(g, 2);
	struct zl_scope s;
	struct zl_arena a;
	struct zl_sql q;

	(void)state;
	zl_arena_init(&a);
	zl_scope_for(&p, ZL_P_USER_READ, &s);
	zl_sql_init(&q, &a, "SELECT id FROM users u WHERE 1 = 1");
	zl_scope_sql(&q, &s, "u.org_id", "u.id");
	assert_string_equal(q.buf, "SELECT id FROM users u WHERE 1 = 1 AND (u.org_id IN "
	    "(SELECT id FROM orgs WHERE path >= ? AND path < ?) OR u.id = ?)");
	assert_int_equal(q.nvals, 3);
	assert_string_equal(q.vals[0].s, "/1/2/");
	assert_string_equal(q.vals[1].s, "/1/2/~");
	assert_int_equal(q.vals[2].i, 6);
	memset(&s, 0, sizeof(s));			/* nothing granted: nothing matches */
	zl_sql_init(&q, &a, "x");
	zl_scope_sql(&q, &s, "org_id", NULL);
	assert_string_equal(q.buf, "x AND (1 = 0)");
	zl_arena_release(&a);
}

static void
test_perm__codes_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < ZL_P__MAX; i++)
		assert_int_equal(zl_perm_parse(zl_perms[i].code), i);
	assert_int_equal(zl_perm_parse("user.delete"), -1);
	assert_int_equal(zl_scope_parse("subtree"), ZL_SCOPE_SUBTREE);
	assert_int_equal(zl_scope_parse("everything"), -1);
}

static void
test_password__argon2id_verify_and_reject(void **state)
{
	char hash[128];

	(void)state;
	zl_password_config(1, 1, 8192 * 1024);	/* cheap for the test */
	assert_int_equal(zl_password_hash("Zhili@2026", hash), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_int_equal(zl_password_verify(hash, "Zhili@2026"), 1);
	assert_int_equal(zl_password_verify(hash, "zhili@2026"), 0);
	zl_password_config(2, 2, 19u * 1024 * 1024);
	assert_true(zl_password_needs_rehash(hash));
}

static void
test_crypto__sha256_known_answer(void **state)
{
	char hex[65];

	(void)state;
	zl_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	zl_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

const struct CMUnitTest auth_tests[] = {
	cmocka_unit_test(test_scope__subtree_covers_descendants_only),
	cmocka_unit_test(test_scope__per_permission_not_widened_by_other_role),
	cmocka_unit_test(test_scope__self_on_ownerless_records_means_own_org),
	cmocka_unit_test(test_scope__custom_lists_orgs_and_citizens_get_nothing),
	cmocka_unit_test(test_scope__sql_binds_every_value),
	cmocka_unit_test(test_perm__codes_round_trip),
	cmocka_unit_test(test_password__argon2id_verify_and_reject),
	cmocka_unit_test(test_crypto__sha256_known_answer),
};
const size_t auth_tests_n = sizeof(auth_tests) / sizeof(auth_tests[0]);
