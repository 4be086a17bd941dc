/* cli_store.c: the bulk SQL of bench-seed: many rows per transaction. */
#include <stdio.h>
#include <time.h>

#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "crypto/crypto.h"
#include "tlog/ledger.h"
#include "core/err.h"
#include "db/db.h"

int
zl_cli_store_bench_users(struct zl_conn *c, const int64_t *orgs, size_t norgs,
    long n, const char *hash, long *done)
{
	struct zl_stmt	*s;
	int64_t		 now = (int64_t)time(NULL);
	char		 name[32], display[32], phone[16];
	int		 rc = 0;

	*done = 0;
	for (long i = 1; i <= n && rc == 0; i++) {
		if ((i - 1) % 10000 == 0 && (rc = zl_tx_begin(c)) != 0)
			break;
		s = zl_stmt_get(c, "INSERT INTO users (org_id, kind, username, display_name, "
		    "phone, email, position, rank, password_hash, status, version, created_at, "
		    "updated_at) VALUES (?, 'staff', ?, ?, ?, '', '科员', 'staff', ?, 'active', 1, ?, ?)");
		if (s == NULL) {
			rc = ZL_EDB;
			break;
		}
		snprintf(name, sizeof(name), "bench%06ld", i);
		snprintf(display, sizeof(display), "测试用户%06ld", i);
		snprintf(phone, sizeof(phone), "139%08ld", i % 100000000);
		zl_bind_int(s, 1, orgs[(size_t)i % norgs]);
		zl_bind_text(s, 2, name);
		zl_bind_text(s, 3, display);
		zl_bind_text(s, 4, phone);
		zl_bind_text(s, 5, hash);
		zl_bind_int(s, 6, now);
		zl_bind_int(s, 7, now);
		if (zl_stmt_run(s) < 0) {
			rc = ZL_EDB;
			break;
		}
		if (i % 10000 == 0 || i == n) {
			if ((rc = zl_tx_commit(c)) != 0)
				break;
			*done = i;
			fprintf(stderr, "\rbench-seed: %ld/%ld users", i, n);
		}
	}
	if (rc != 0)
		zl_tx_rollback(c);
	fputc('\n', stderr);
	return rc;
}

/* Append n synthetic audit rows with their leaves, batch transactions of
 * 10,000, for the log benchmarks (bench-seed --ledger-leaves N). */
int
zl_cli_store_bench_leaves(struct zl_conn *c, long n, long *done)
{
	struct zl_ledger_batch	*b = NULL;
	struct zl_arena		 a;
	int64_t			 now = (int64_t)time(NULL);
	char			 digest[65], seed[32];
	int			 rc = 0;

	*done = 0;
	zl_arena_init(&a);
	for (long i = 1; i <= n && rc == 0; i++) {
		struct zl_leaf	 l;
		struct zl_stmt	*s;
		uint64_t	 index, size;
		char		*text;

		if ((i - 1) % 10000 == 0) {
			if ((rc = zl_tx_begin(c)) != 0 || (rc = zl_ledger_begin(c, &b)) != 0)
				break;
		}
		snprintf(seed, sizeof(seed), "bench-%ld", i);
		zl_sha256_hex(seed, strlen(seed), digest);
		l = (struct zl_leaf){ now, 0, 0, i, "bench", "append", digest };
		zl_ledger_head_size(b, &size);
		text = zl_leaf_text(&a, &l, size);
		if ((rc = zl_ledger_add(b, text, strlen(text), &index)) != 0)
			break;
		s = zl_stmt_get(c, "INSERT INTO audit (at, actor_name, entity, entity_id, action, "
		    "digest, client_addr, leaf_index) VALUES (?, '系统', 'bench', ?, 'append', ?, 'bench', ?)");
		if (s == NULL) {
			rc = ZL_EDB;
			break;
		}
		zl_bind_int(s, 1, now);
		zl_bind_int(s, 2, i);
		zl_bind_text(s, 3, digest);
		zl_bind_int(s, 4, (int64_t)index);
		if (zl_stmt_run(s) < 0) {
			rc = ZL_EDB;
			break;
		}
		if (i % 10000 == 0 || i == n) {
			rc = zl_ledger_finish(b);
			b = NULL;
			if (rc != 0 || (rc = zl_tx_commit(c)) != 0)
				break;
			*done = i;
			zl_arena_release(&a);
			zl_arena_init(&a);
			if (i % 100000 == 0 || i == n)
				fprintf(stderr, "\rbench-seed: %ld/%ld leaves", i, n);
		}
	}
	if (b != NULL)
		zl_ledger_abort(b);
	if (rc != 0)
		zl_tx_rollback(c);
	zl_arena_release(&a);
	fputc('\n', stderr);
	return rc;
}
