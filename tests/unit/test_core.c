/* test_core.c: arena, JSON helpers, validators, config. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "tests.h"

static int deferred;
static void count_defer(void *arg) { deferred += *(int *)arg; }

static void
test_arena__alloc_zeroed_aligned_and_large(void **state)
{
	struct zl_arena a;
	char *p, *big;

	(void)state;
	zl_arena_init(&a);
	p = zl_arena_alloc(&a, 3);
	assert_int_equal(((uintptr_t)p) % 16, 0);
	assert_memory_equal(p, "\0\0\0", 3);
	big = zl_arena_alloc(&a, 100000);	/* larger than a chunk */
	memset(big, 'x', 100000);
	p = zl_arena_alloc(&a, 8);		/* still served after the big block */
	assert_non_null(p);
	assert_string_equal(zl_arena_printf(&a, "%s-%d", "org", 42), "org-42");
	assert_string_equal(zl_arena_strndup(&a, "abcdef", 3), "abc");
	zl_arena_release(&a);
}

static void
test_arena__defers_run_once_on_release(void **state)
{
	struct zl_arena a;
	int one = 1, ten = 10;

	(void)state;
	deferred = 0;
	zl_arena_init(&a);
	zl_arena_defer(&a, count_defer, &one);
	zl_arena_defer(&a, count_defer, &ten);
	assert_int_equal(deferred, 0);
	zl_arena_release(&a);
	assert_int_equal(deferred, 11);
	zl_arena_release(&a);			/* released twice: nothing more */
	assert_int_equal(deferred, 11);
}

struct sample { const char *name; int64_t n; int flag; struct zl_ints ids; int64_t parent; };

static const struct zl_jfield sample_fields[] = {
	{ "name", ZL_J_STR, offsetof(struct sample, name), 1, 5 },
	{ "n", ZL_J_INT, offsetof(struct sample, n), 0, 0 },
	{ "flag", ZL_J_BOOL, offsetof(struct sample, flag), 0, 0 },
	{ "ids", ZL_J_INTS, offsetof(struct sample, ids), 0, 3 },
	{ "parent", ZL_J_NINT, offsetof(struct sample, parent), 0, 0 },
	{ NULL },
};

static int
decode(const char *text, struct sample *s, struct zl_error *err, uint32_t *present)
{
	struct zl_arena a;
	json_t *j;
	int rc;

	zl_arena_init(&a);
	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	rc = zl_json_parse_body(&j, &a, text, strlen(text), err);
	if (rc == 0)
		rc = zl_json_decode(j, sample_fields, s, present, &a, err);
	s->name = NULL;		/* arena memory: do not keep */
	zl_arena_release(&a);
	return rc;
}

static void
test_json__decode_accepts_valid_body(void **state)
{
	struct sample s;
	struct zl_error err;
	uint32_t present;

	(void)state;
	assert_int_equal(decode("{\"name\":\"机关\",\"n\":7,\"flag\":true,\"ids\":[1,2],\"parent\":null}",
	    &s, &err, &present), 0);
	assert_int_equal(s.n, 7);
	assert_int_equal(s.flag, 1);
	assert_int_equal(s.ids.n, 2);
	assert_int_equal(s.parent, 0);
	assert_true(present & (1u << 4));
}

static void
test_json__decode_names_each_bad_field(void **state)
{
	struct sample s;
	struct zl_error err;

	(void)state;
	assert_int_equal(decode("{\"n\":\"7\",\"extra\":1}", &s, &err, NULL), ZL_EINVAL);
	assert_int_equal(err.nfields, 3);	/* n wrong type, extra unknown, name missing */
	assert_int_equal(decode("{\"name\":\"toolongname\"}", &s, &err, NULL), ZL_EINVAL);
	assert_string_equal(err.fields[0].field, "name");
	assert_int_equal(decode("{\"name\":\"a\",\"ids\":[1,2,3,4]}", &s, &err, NULL), ZL_EINVAL);
	assert_int_equal(decode("{\"name\":\"a\",\"name\":\"b\"}", &s, &err, NULL), ZL_EINVAL);
	assert_string_equal(err.type, "bad-json");
	assert_int_equal(decode("[1]", &s, &err, NULL), ZL_EINVAL);
	assert_int_equal(decode("{\"name\":\"\xff\xfe\"}", &s, &err, NULL), ZL_EINVAL);
	assert_int_equal(decode("{\"name\":\"a\\u0001\"}", &s, &err, NULL), ZL_EINVAL);
}

static void
test_json__canonical_sorts_keys_keeps_utf8(void **state)
{
	struct zl_arena a;
	json_t *j = json_pack("{s:i,s:s,s:[i,i]}", "b", 1, "a", "财政厅/x", "c", 2, 3);

	(void)state;
	zl_arena_init(&a);
	assert_string_equal(zl_json_canonical(&a, j), "{\"a\":\"财政厅/x\",\"b\":1,\"c\":[2,3]}");
	json_decref(j);
	zl_arena_release(&a);
}

static void
test_json__time_round_trip(void **state)
{
	struct zl_arena a;

	(void)state;
	zl_arena_init(&a);
	assert_string_equal(zl_time_iso(&a, 1795190400), "2026-11-20T16:00:00Z");
	assert_int_equal(zl_time_parse("2026-11-20T16:00:00Z"), 1795190400);
	assert_int_equal(zl_time_parse("2026-11-20"), 1795132800);
	assert_int_equal(zl_time_parse("20.11.2026"), -1);
	zl_arena_release(&a);
}

static void
test_valid__credit_code_check_character(void **state)
{
	(void)state;
	assert_true(zl_valid_credit_code("91350100M000100Y43"));	/* published example */
	assert_false(zl_valid_credit_code("91350100M000100Y44"));
	assert_false(zl_valid_credit_code("91350100M000100Y4"));
	assert_false(zl_valid_credit_code("91350100I000100Y43"));	/* I is not in the alphabet */
	assert_int_equal(zl_credit_check_char("91350100M000100Y4"), '3');
}

static void
test_valid__id_number_mod11(void **state)
{
	(void)state;
	assert_true(zl_valid_id_number("11010519491231002X"));	/* GB 11643 example */
	assert_true(zl_valid_id_number("11010519491231002x"));
	assert_false(zl_valid_id_number("110105194912310021"));
	assert_false(zl_valid_id_number("99010519491231002X"));	/* no such province */
	assert_false(zl_valid_id_number("1101051949123100"));
}

static void
test_valid__plain_fields(void **state)
{
	char buf[32];

	(void)state;
	assert_true(zl_valid_region_code("620100"));
	assert_false(zl_valid_region_code("000100"));
	assert_true(zl_valid_phone("13800000001"));
	assert_false(zl_valid_phone("12800000001"));
	assert_false(zl_valid_phone("1380000000"));
	assert_true(zl_valid_email("li@jgsw.gansu.gov.cn"));
	assert_false(zl_valid_email("li@"));
	assert_false(zl_valid_email("a b@c.cn"));
	assert_true(zl_valid_username("finance.li"));
	assert_false(zl_valid_username("_x"));
	assert_false(zl_valid_username("李明"));
	assert_true(zl_valid_code("GSCZT-BGS"));
	assert_false(zl_valid_code("G"));
	assert_true(zl_valid_password("Zhili@2026"));
	assert_false(zl_valid_password("zhili2026"));	/* two classes */
	assert_false(zl_valid_password("Ab1!"));		/* short */
	zl_mask_phone("13812345678", buf, sizeof(buf));
	assert_string_equal(buf, "138****5678");
	zl_mask_phone("", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_config__keys_env_and_bounds(void **state)
{
	struct zl_config c;
	char err[256];

	(void)state;
	zl_config_defaults(&c);
	assert_int_equal(c.list_max, 500);
	assert_int_equal(zl_config_set(&c, "max-body", "2048", err, sizeof(err)), 0);
	assert_int_equal(c.max_body, 2048);
	assert_int_equal(zl_config_set(&c, "THREADS", "0", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "threads"));
	assert_int_equal(zl_config_set(&c, "nope", "1", err, sizeof(err)), -1);
	setenv("ZHILI_LOGIN_RATE_PER_MINUTE", "77", 1);
	assert_int_equal(zl_config_env(&c, err, sizeof(err)), 0);
	assert_int_equal(c.login_rate_per_minute, 77);
	unsetenv("ZHILI_LOGIN_RATE_PER_MINUTE");
}

/* zl_json_write gives json_dumps(JSON_COMPACT)'s bytes for v; both fail together. */
static void
same_as_jansson(json_t *v)
{
	char	*ours = NULL, *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t	 cap = 0, len;
	int	 rc = zl_json_write(v, &ours, &cap, &len);

	if (theirs == NULL)
		assert_int_equal(rc, -1);
	else {
		assert_int_equal(rc, 0);
		assert_string_equal(ours, theirs);
		assert_int_equal(len, strlen(theirs));
	}
	free(ours);
	free(theirs);
	json_decref(v);
}

static json_t *
random_value(unsigned *seed, int depth)
{
	static const char *const pieces[] = { "a", "中文", "\"", "\\", "/", "\n", "\t", "\r",
	    "\b", "\f", "\x01", "\x1f", "\x7f", "é", "𝄞", " ", "key", "" };
	int kind = depth > 3 ? rand_r(seed) % 5 : rand_r(seed) % 7;
	char buf[64] = "";

	switch (kind) {
	case 0: return json_integer((json_int_t)rand_r(seed) * (rand_r(seed) % 2 ? -7919 : 104729));
	case 1: return json_real((double)rand_r(seed) / (rand_r(seed) % 1000 + 1) *
	    (rand_r(seed) % 2 ? 1e-9 : 1e12));
	case 2: return rand_r(seed) % 3 == 0 ? json_null() : json_boolean(rand_r(seed) % 2);
	case 3: case 4:
		for (int i = rand_r(seed) % 6; i > 0; i--)
			strcat(buf, pieces[rand_r(seed) % (sizeof(pieces) / sizeof(pieces[0]))]);
		return json_string(buf);
	case 5: {
		json_t *a = json_array();
		for (int i = rand_r(seed) % 5; i > 0; i--)
			json_array_append_new(a, random_value(seed, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (int i = rand_r(seed) % 5; i > 0; i--) {
			snprintf(buf, sizeof(buf), "k%d%s", rand_r(seed) % 100,
			    pieces[rand_r(seed) % (sizeof(pieces) / sizeof(pieces[0]))]);
			json_object_set_new(o, buf, random_value(seed, depth + 1));
		}
		return o;
	}
	}
}

static void
test_json__write_is_byte_for_byte_jansson(void **state)
{
	static const double reals[] = { 0.0, -0.0, 1.0, -3.0, 0.1, 1.0 / 3, 1e300, -1e-300, 1.5e-7,
	    123456789012345678.0, 2.5e16, 1e21, 5e-324, 1.7976931348623157e308, 100.0, 0.5 };
	unsigned seed = 20261204;
	char bad[] = "ok\xff";

	(void)state;
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		same_as_jansson(json_real(reals[i]));
	same_as_jansson(json_integer(INT64_MIN));
	same_as_jansson(json_integer(INT64_MAX));
	same_as_jansson(json_object());
	same_as_jansson(json_array());
	same_as_jansson(json_string("\x01\x02 tab\t \"q\" back\\ slash/ 中文 𝄞 \x7f"));
	same_as_jansson(json_pack("{s:[i,{},[]],s:{s:n}}", "a", 1, "b", "c"));
	same_as_jansson(json_stringn_nocheck(bad, strlen(bad)));	/* invalid UTF-8: both fail */
	for (int i = 0; i < 2000; i++)
		same_as_jansson(random_value(&seed, 0));
}

const struct CMUnitTest core_tests[] = {
	cmocka_unit_test(test_arena__alloc_zeroed_aligned_and_large),
	cmocka_unit_test(test_arena__defers_run_once_on_release),
	cmocka_unit_test(test_json__decode_accepts_valid_body),
	cmocka_unit_test(test_json__decode_names_each_bad_field),
	cmocka_unit_test(test_json__canonical_sorts_keys_keeps_utf8),
	cmocka_unit_test(test_json__time_round_trip),
	cmocka_unit_test(test_valid__credit_code_check_character),
	cmocka_unit_test(test_valid__id_number_mod11),
	cmocka_unit_test(test_valid__plain_fields),
	cmocka_unit_test(test_config__keys_env_and_bounds),
	cmocka_unit_test(test_json__write_is_byte_for_byte_jansson),
};
const size_t core_tests_n = sizeof(core_tests) / sizeof(core_tests[0]);
