/* tests.h: the groups of unit tests, run by main.c. */
#ifndef ZL_TESTS_H
#define ZL_TESTS_H

#include <stddef.h>

struct CMUnitTest;
extern const struct CMUnitTest core_tests[], auth_tests[], db_tests[], http_tests[];
extern const size_t core_tests_n, auth_tests_n, db_tests_n, http_tests_n;

extern const struct CMUnitTest tlog_tests[], note_tests[];
extern const size_t tlog_tests_n, note_tests_n;

extern const struct CMUnitTest workflow_tests[];
extern const size_t workflow_tests_n;

extern const struct CMUnitTest notify_tests[];
extern const size_t notify_tests_n;
extern const struct CMUnitTest xlsx_tests[];
extern const size_t xlsx_tests_n;

#endif
