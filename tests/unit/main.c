/* main.c: run every group of unit tests; cmocka prints one line per test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "tests.h"

int
main(void)
{
	int failed = 0;

	if (zl_crypto_init() != 0)
		return 1;
	failed += _cmocka_run_group_tests("core", core_tests, core_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("auth", auth_tests, auth_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("db", db_tests, db_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("http", http_tests, http_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("tlog", tlog_tests, tlog_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("note", note_tests, note_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("workflow", workflow_tests, workflow_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("notify", notify_tests, notify_tests_n, NULL, NULL);
	failed += _cmocka_run_group_tests("xlsx", xlsx_tests, xlsx_tests_n, NULL, NULL);
	return failed != 0;
}
