/* test_http.c: the router (path parameters, 404 against 405) and the one
 * mapping from error codes to problem responses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/req.h"
#include "http/router.h"
#include "http/server.h"
#include "tests.h"

static struct zl_req *
req(enum zl_method m, const char *path)
{
	static struct zl_req r;
	static struct zl_app app;

	zl_arena_release(&r.arena);
	memset(&r, 0, sizeof(r));
	zl_arena_init(&r.arena);
	r.app = &app;
	r.method = m;
	r.path = path;
	return &r;
}

static void
test_router__path_param_decoded(void **state)
{
	struct zl_req *r = req(ZL_GET, "/api/v1/users/42");
	int known;
	const struct zl_route *rt = zl_route_match(r, &known);

	(void)state;
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/v1/users/{id}");
	assert_int_equal(r->nparams, 1);
	assert_string_equal(r->params[0], "42");
}

static void
test_router__literal_beats_parameter(void **state)
{
	int known;
	struct zl_req *r = req(ZL_GET, "/api/v1/orgs/tree");

	(void)state;
	assert_string_equal(zl_route_match(r, &known)->pattern, "/api/v1/orgs/tree");
}

static void
test_router__unknown_path_404_wrong_method_405(void **state)
{
	int known;

	(void)state;
	assert_null(zl_route_match(req(ZL_GET, "/api/v1/nothing"), &known));
	assert_int_equal(known, 0);
	assert_null(zl_route_match(req(ZL_PUT, "/api/v1/orgs"), &known));
	assert_int_equal(known, 1);
	assert_null(zl_route_match(req(ZL_GET, "/api/v1/users/"), &known));	/* empty id */
	assert_null(zl_route_match(req(ZL_GET, "/api/v1/users/1/2"), &known));
	assert_non_null(zl_route_match(req(ZL_HEAD, "/api/v1/health"), &known));
}

static void
test_router__every_route_has_access_rule_and_handler(void **state)
{
	const struct zl_route *const *t = zl_route_tables();
	int n = 0;

	(void)state;
	for (; *t != NULL; t++)
		for (const struct zl_route *rt = *t; rt->pattern != NULL; rt++, n++) {
			assert_non_null(rt->fn);
			assert_true(rt->access >= ZL_ROUTE_STAFF);
			assert_true(strncmp(rt->pattern, "/api/v1/", 8) == 0);
			/* only health, documents, login/logout and /public are open */
			if (rt->access == ZL_ROUTE_PUBLIC)
				assert_true(strstr(rt->pattern, "/public/") || strstr(rt->pattern, "/auth/") ||
				    strcmp(rt->pattern, "/api/v1/health") == 0 ||
				    strcmp(rt->pattern, "/api/v1/openapi.json") == 0);
		}
	assert_true(n >= 30);
}

static void
test_reply__problem_maps_codes_once(void **state)
{
	struct zl_req *r = req(ZL_POST, "/api/v1/orgs");
	json_t *j;

	(void)state;
	zl_err_field(&r->err, "name", "required");
	zl_reply_problem(r, ZL_EINVAL);
	assert_int_equal(r->status, 400);
	assert_string_equal(r->ctype, "application/problem+json; charset=utf-8");
	j = json_loads(r->out, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "urn:zhili:problem:validation");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(j, "errors"), 0), "field")), "name");
	json_decref(j);

	r = req(ZL_POST, "/api/v1/auth/login");
	r->err.retry_after = 30;
	r->err.type = "locked";
	zl_reply_problem(r, ZL_ERATE);
	assert_int_equal(r->status, 429);
	assert_non_null(strstr(r->out, "urn:zhili:problem:locked"));
	assert_string_equal(r->headers->name, "Retry-After");
	assert_string_equal(r->headers->value, "30");

	assert_int_equal((zl_reply_problem(req(ZL_GET, "/x"), ZL_EVERSION), 0), 0);
	r = req(ZL_GET, "/x");
	zl_reply_problem(r, ZL_EVERSION);
	assert_int_equal(r->status, 409);
	r = req(ZL_GET, "/x");
	zl_reply_problem(r, -999);
	assert_int_equal(r->status, 500);
}

/* The access log's direct line is the jansson one, byte for byte, whatever
 * the path, user, size and duration (escaping, integral and tiny ms). */
static void
test_access_log__direct_line_is_jansson_byte_for_byte(void **state)
{
	static const char *const paths[] = { "/api/v1/public/ledger/proof/inclusion",
	    "/a\"b", "/a\\b", "/tab\there", "/中文/路径", "/\xff\xfe" };
	static const double ms[] = { 0, 0.001, 0.392, 2.2629999999999999, 1, 10, 12345.678, 0.0001 };
	struct zl_req r;
	int checked = 0;

	(void)state;
	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		for (size_t m = 0; m < sizeof(ms) / sizeof(ms[0]); m++)
			for (int v = 0; v < 2; v++) {
				char *a, *b;

				memset(&r, 0, sizeof(r));
				r.method = v ? ZL_POST : ZL_GET;
				r.path = paths[p];
				r.status = v ? 201 : 200;
				r.who_id = v ? 42 : 0;
				r.out_len = v ? 0 : 1394;
				r.file_fd = v ? 3 : -1;
				snprintf(r.client_addr, sizeof(r.client_addr), "127.0.0.1");
				a = zl_access_line(&r, 1700000000 + (time_t)m, ms[m]);
				b = zl_access_line_json(&r, 1700000000 + (time_t)m, ms[m]);
				assert_non_null(a);
				assert_non_null(b);
				assert_string_equal(a, b);
				free(a);
				free(b);
				checked++;
			}
	assert_int_equal(checked, 96);
}

const struct CMUnitTest http_tests[] = {
	cmocka_unit_test(test_access_log__direct_line_is_jansson_byte_for_byte),
	cmocka_unit_test(test_router__path_param_decoded),
	cmocka_unit_test(test_router__literal_beats_parameter),
	cmocka_unit_test(test_router__unknown_path_404_wrong_method_405),
	cmocka_unit_test(test_router__every_route_has_access_rule_and_handler),
	cmocka_unit_test(test_reply__problem_maps_codes_once),
};
const size_t http_tests_n = sizeof(http_tests) / sizeof(http_tests[0]);
