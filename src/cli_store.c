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

/* n applications with their cases and tasks, one in five still open, spread
 * over the demo departments, for the inbox benchmark (bench-seed --cases N).
 * Synthetic rows: no audit rows or leaves. */
int
zl_cli_store_bench_cases(struct zl_conn *c, long n, long *done)
{
	static const char *const orgs[] = { "GSCZT", "GSJYT", "GSWJW", "LZCZJ", "GSJGSW" };
	struct zl_stmt	*s;
	int64_t		 now = (int64_t)time(NULL), item = 0, def = 0, citizen = 0, role = 0;
	int64_t		 org_ids[5] = { 0 };
	char		 code[32];
	int		 rc = 0;

	*done = 0;
	s = zl_stmt_get(c, "SELECT si.id, (SELECT max(id) FROM process_defs p WHERE p.code = si.process_code), "
	    "(SELECT id FROM users WHERE username = 'citizen'), (SELECT id FROM roles WHERE code = 'dept-admin') "
	    "FROM service_items si WHERE si.status = 'published' ORDER BY si.id LIMIT 1");
	if (s == NULL)
		return ZL_EDB;
	if (zl_stmt_step(s) == ZL_ROW) {
		item = zl_col_int(s, 0);
		def = zl_col_int(s, 1);
		citizen = zl_col_int(s, 2);
		role = zl_col_int(s, 3);
	}
	zl_stmt_reset(s);
	for (int k = 0; k < 5; k++) {
		s = zl_stmt_get(c, "SELECT id FROM orgs WHERE code = ?");
		zl_bind_text(s, 1, orgs[k]);
		if (zl_stmt_step(s) == ZL_ROW)
			org_ids[k] = zl_col_int(s, 0);
		zl_stmt_reset(s);
	}
	if (item == 0 || def == 0 || citizen == 0 || role == 0 || org_ids[0] == 0)
		return ZL_ENOTFOUND;
	for (long i = 1; i <= n && rc == 0; i++) {
		int64_t org = org_ids[i % 5], app = 0, inst = 0, due = now + (i % 20) * 86400;
		int open = i % 5 == 0;

		if ((i - 1) % 10000 == 0 && (rc = zl_tx_begin(c)) != 0)
			break;
		snprintf(code, sizeof(code), "BENCH%09ld", i);
		s = zl_stmt_get(c, "INSERT INTO applications (code, item_id, item_version, org_id, "
		    "applicant_id, channel, status, data, submitted_at, finished_at, created_at, updated_at) "
		    "VALUES (?, ?, 1, ?, ?, 'online', ?, '{}', ?, ?, ?, ?) RETURNING id");
		zl_bind_text(s, 1, code);
		zl_bind_int(s, 2, item);
		zl_bind_int(s, 3, org);
		zl_bind_int(s, 4, citizen);
		zl_bind_text(s, 5, open ? "running" : "approved");
		zl_bind_int(s, 6, now);
		zl_bind_int(s, 7, open ? 0 : now);
		zl_bind_int(s, 8, now);
		zl_bind_int(s, 9, now);
		if ((rc = zl_stmt_step(s)) == ZL_ROW)
			app = zl_col_int(s, 0);
		zl_stmt_reset(s);
		if (rc != ZL_ROW) {
			rc = ZL_EDB;
			break;
		}
		s = zl_stmt_get(c, "INSERT INTO wf_instances (def_id, subject, subject_id, org_id, "
		    "applicant_id, status, step, step_started_at, due_at, created_at, finished_at) "
		    "VALUES (?, 'application', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
		zl_bind_int(s, 1, def);
		zl_bind_int(s, 2, app);
		zl_bind_int(s, 3, org);
		zl_bind_int(s, 4, citizen);
		zl_bind_text(s, 5, open ? "running" : "approved");
		zl_bind_text(s, 6, open ? "accept" : "end");
		zl_bind_int(s, 7, now);
		zl_bind_int(s, 8, due);
		zl_bind_int(s, 9, now);
		zl_bind_int(s, 10, open ? 0 : now);
		if ((rc = zl_stmt_step(s)) == ZL_ROW)
			inst = zl_col_int(s, 0);
		zl_stmt_reset(s);
		if (rc != ZL_ROW) {
			rc = ZL_EDB;
			break;
		}
		rc = 0;
		s = zl_stmt_get(c, "INSERT INTO wf_tasks (instance_id, step, org_id, role_id, role_org, "
		    "mode, status, created_at, due_at, done_at, step_name) "
		    "VALUES (?, 'accept', ?, ?, ?, 'any', ?, ?, ?, ?, '受理')");
		zl_bind_int(s, 1, inst);
		zl_bind_int(s, 2, org);
		zl_bind_int(s, 3, role);
		zl_bind_int(s, 4, org);
		zl_bind_text(s, 5, open ? "open" : "done");
		zl_bind_int(s, 6, now);
		zl_bind_int(s, 7, due);
		zl_bind_int(s, 8, open ? 0 : now);
		if (zl_stmt_run(s) < 0) {
			rc = ZL_EDB;
			break;
		}
		s = zl_stmt_get(c, "UPDATE applications SET instance_id = ? WHERE id = ?");
		zl_bind_int(s, 1, inst);
		zl_bind_int(s, 2, app);
		if (zl_stmt_run(s) < 0) {
			rc = ZL_EDB;
			break;
		}
		if (i % 10000 == 0 || i == n) {
			if ((rc = zl_tx_commit(c)) != 0)
				break;
			*done = i;
			if (i % 100000 == 0 || i == n)
				fprintf(stderr, "\rbench-seed: %ld/%ld cases", i, n);
		}
	}
	if (rc != 0)
		zl_tx_rollback(c);
	fputc('\n', stderr);
	return rc;
}
