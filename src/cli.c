/* cli.c: seeding demo data and adding users from the command line.  Goes
 * through the same rules as the API (with the system as actor), so the demo
 * data carries its audit rows like everything else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/valid.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "modules/catalog/catalog.h"
#include "modules/org/org.h"
#include "modules/role/role.h"
#include "modules/user/user.h"
#include "tlog/tlog.h"

#define DEMO_PASSWORD	"Zhili@2026"

static const struct demo_org {
	const char *code, *parent, *name, *level, *kind, *region, *credit17;
} demo_orgs[] = {
	{ "GSJGSW", NULL, "甘肃省机关事务管理局", "province", "bureau", "620000", "11620000MB1234567" },
	{ "GSCZT", "GSJGSW", "甘肃省财政厅", "province", "department", "620000", "11620000MB0000101" },
	{ "GSJYT", "GSJGSW", "甘肃省教育厅", "province", "department", "620000", "11620000MB0000102" },
	{ "GSWJW", "GSJGSW", "甘肃省卫生健康委员会", "province", "department", "620000", "11620000MB0000103" },
	{ "LZJGSW", "GSJGSW", "兰州市机关事务管理局", "city", "bureau", "620100", "11620100MB0000201" },
	{ "GSCZT-BGS", "GSCZT", "甘肃省财政厅办公室", "province", "unit", "620000", NULL },
	{ "GSCZT-YSC", "GSCZT", "甘肃省财政厅预算处", "province", "unit", "620000", NULL },
	{ "GSCZT-GKC", "GSCZT", "甘肃省财政厅国库处", "province", "unit", "620000", NULL },
	{ "GSJYT-BGS", "GSJYT", "甘肃省教育厅办公室", "province", "unit", "620000", NULL },
	{ "GSJYT-GJC", "GSJYT", "甘肃省教育厅高等教育处", "province", "unit", "620000", NULL },
	{ "LZCZJ", "LZJGSW", "兰州市财政局", "city", "department", "620100", "11620100MB0000202" },
};

static const struct demo_role {
	const char *code, *name, *description, *scope, *perms;
} demo_roles[] = {
	{ "sysadmin", "系统管理员", "全部权限，全部数据", "all",
	    "org.read org.write user.read user.write role.read role.write token.read token.write audit.read "
	    "catalog.read catalog.write application.read application.handle calendar.write kpi.read" },
	{ "org-admin", "机构管理员", "管理本机构及下级的机构、用户、角色、令牌、事项和办件", "subtree",
	    "org.read org.write user.read user.write role.read role.write token.read token.write audit.read "
	    "catalog.read catalog.write application.read application.handle kpi.read" },
	{ "dept-admin", "部门管理员", "管理本部门及下级的用户，审批本部门办件", "subtree",
	    "org.read user.read user.write audit.read catalog.read application.read application.handle kpi.read" },
	{ "auditor", "审计员", "只读全部数据并查看审计日志", "all",
	    "org.read user.read role.read token.read audit.read catalog.read application.read kpi.read" },
	{ "clerk", "经办人", "仅本人数据", "self", "org.read user.read catalog.read" },
};

static const struct demo_user {
	const char *username, *name, *org, *role, *position, *rank, *phone;
	int admin;
} demo_users[] = {
	{ "admin", "系统管理员", "GSJGSW", "sysadmin", "信息中心主任", "division", "13800000001", 1 },
	{ "bureau", "王建国", "GSJGSW", "org-admin", "局办公室主任", "division", "13800000002", 0 },
	{ "finance", "李明", "GSCZT", "dept-admin", "财政厅办公室副主任", "vice_division", "13800000003", 0 },
	{ "edu", "张华", "GSJYT", "dept-admin", "教育厅办公室副主任", "vice_division", "13800000004", 0 },
	{ "auditor", "赵敏", "GSJGSW", "auditor", "审计监督处科员", "staff", "13800000005", 0 },
	{ "staff", "陈静", "GSCZT-YSC", "clerk", "预算处科员", "staff", "13800000006", 0 },
	{ "teacher", "孙丽", "GSJYT-GJC", "clerk", "高等教育处科员", "staff", "13800000007", 0 },
	{ "lanzhou", "周强", "LZJGSW", "org-admin", "兰州市机关事务管理局办公室主任", "section", "13800000008", 0 },
};

static int
report(int rc, const char *what, const struct zl_error *err)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "zhili: %s: %s%s%s", what, zl_err_name(rc),
	    err->detail[0] ? " — " : "", err->detail);
	for (int i = 0; i < err->nfields; i++)
		fprintf(stderr, " [%s: %s]", err->fields[i].field, err->fields[i].reason);
	fputc('\n', stderr);
	return rc;
}

/* Split "a b c" into the arena as a zl_strs. */
static struct zl_strs
words(struct zl_arena *a, const char *s)
{
	struct zl_strs out = { zl_arena_alloc(a, 32 * sizeof(char *)), 0 };
	char *copy = zl_arena_strdup(a, s), *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w && out.n < 32; w = strtok_r(NULL, " ", &save))
		out.v[out.n++] = w;
	return out;
}

static int
seed(struct zl_conn *c, struct zl_arena *a, int64_t *org_ids)
{
	struct zl_actor		 sys = { NULL, "cli" };
	struct zl_error		 err;
	struct zl_org		 found;
	int64_t			 role_ids[sizeof(demo_roles) / sizeof(demo_roles[0])];
	int			 rc;

	if (zl_org_store_by_code(c, a, "GSJGSW", &found) == 0) {
		printf("demo data already present\n");
		for (size_t i = 0; i < sizeof(demo_orgs) / sizeof(demo_orgs[0]); i++)
			if (zl_org_store_by_code(c, a, demo_orgs[i].code, &found) == 0)
				org_ids[i] = found.id;
		return 1;
	}
	for (size_t i = 0; i < sizeof(demo_orgs) / sizeof(demo_orgs[0]); i++) {
		const struct demo_org *d = &demo_orgs[i];
		struct zl_org_in in = { 0 };
		struct zl_org *o;
		char credit[19] = "";

		if (d->credit17 != NULL) {
			snprintf(credit, sizeof(credit), "%s%c", d->credit17,
			    zl_credit_check_char(d->credit17));
		}
		for (size_t j = 0; d->parent != NULL && j < i; j++)
			if (strcmp(demo_orgs[j].code, d->parent) == 0)
				in.parent_id = org_ids[j];
		in.code = d->code;
		in.name = d->name;
		in.level = d->level;
		in.kind = d->kind;
		in.region_code = d->region;
		in.credit_code = zl_arena_strdup(a, credit);
		in.sort = (int64_t)i;
		memset(&err, 0, sizeof(err));
		if ((rc = report(zl_org_create(c, a, &sys, &in, &o, &err), d->code, &err)) != 0)
			return rc;
		org_ids[i] = o->id;
	}
	for (size_t i = 0; i < sizeof(demo_roles) / sizeof(demo_roles[0]); i++) {
		const struct demo_role *d = &demo_roles[i];
		struct zl_role_in in;
		struct zl_role *role;

		memset(&in, 0, sizeof(in));
		in.code = d->code;
		in.name = d->name;
		in.description = d->description;
		in.scope = d->scope;
		in.perms = words(a, d->perms);
		in.builtin = 1;
		memset(&err, 0, sizeof(err));
		if ((rc = report(zl_role_create(c, a, &sys, &in, &role, &err), d->code, &err)) != 0)
			return rc;
		role_ids[i] = role->id;
	}
	for (size_t i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const struct demo_user *d = &demo_users[i];
		struct zl_user_in in;
		struct zl_user *u;

		memset(&in, 0, sizeof(in));
		in.username = d->username;
		in.display_name = d->name;
		in.password = DEMO_PASSWORD;
		in.position = d->position;
		in.rank = d->rank;
		in.phone = d->phone;
		in.email = zl_arena_printf(a, "%s@jgsw.gansu.gov.cn", d->username);
		in.kind = "staff";
		in.is_admin = d->admin;
		for (size_t j = 0; j < sizeof(demo_orgs) / sizeof(demo_orgs[0]); j++)
			if (strcmp(demo_orgs[j].code, d->org) == 0)
				in.org_id = org_ids[j];
		for (size_t j = 0; j < sizeof(demo_roles) / sizeof(demo_roles[0]); j++)
			if (strcmp(demo_roles[j].code, d->role) == 0) {
				in.role_ids.v = zl_arena_alloc(a, sizeof(int64_t));
				in.role_ids.v[0] = role_ids[j];
				in.role_ids.n = 1;
			}
		memset(&err, 0, sizeof(err));
		if ((rc = report(zl_user_create(c, a, &sys, &in, &u, &err), d->username, &err)) != 0)
			return rc;
	}
	{
		struct zl_user_in in;
		struct zl_user *u;

		memset(&in, 0, sizeof(in));
		in.username = "citizen";
		in.display_name = "刘洋";
		in.password = DEMO_PASSWORD;
		in.phone = "13900000009";
		in.kind = "citizen";
		memset(&err, 0, sizeof(err));
		if ((rc = report(zl_user_create(c, a, &sys, &in, &u, &err), "citizen", &err)) != 0)
			return rc;
	}
	if ((rc = zl_catalog_seed_demo(c, a, &sys)) != 0) {
		fprintf(stderr, "zhili: demo service items: %s\n", zl_err_name(rc));
		return rc;
	}
	printf("demo data created: %zu orgs, %zu roles, %zu staff users, 1 citizen and the "
	    "service catalog "
	    "(password %s)\n", sizeof(demo_orgs) / sizeof(demo_orgs[0]),
	    sizeof(demo_roles) / sizeof(demo_roles[0]),
	    sizeof(demo_users) / sizeof(demo_users[0]), DEMO_PASSWORD);
	return 0;
}

int
zl_cli_seed_demo(struct zl_db *db)
{
	struct zl_arena	 a;
	int64_t		 ids[sizeof(demo_orgs) / sizeof(demo_orgs[0])] = { 0 };
	int		 rc;

	zl_arena_init(&a);
	rc = seed(zl_db_conn(db), &a, ids);
	zl_arena_release(&a);
	return rc < 0 ? rc : 0;
}

/* Appending leaves beside SHA-256's raw rate on the same kind of input. */
static int
bench_leaves(struct zl_conn *c, long n)
{
	struct timespec	 t0, t1;
	long		 done, hashes = 0;
	double		 secs, raw_secs;
	char		 leaf[200];
	zl_tlog_hash	 h;
	int		 rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = zl_cli_store_bench_leaves(c, n, &done);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	memset(leaf, 'x', sizeof(leaf));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++, hashes++) {
			leaf[i % 64] = (char)i;
			zl_tlog_leaf_hash(ZL_TLOG_SHA256, leaf, 180, h);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		raw_secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	} while (raw_secs < 1.0);
	printf("{\"leaves\": %ld, \"seconds\": %.3f, \"leaves_per_s\": %.0f, "
	    "\"sha256_raw_per_s\": %.0f}\n", done, secs, done / (secs > 0 ? secs : 1),
	    hashes / raw_secs);
	return rc;
}

int
zl_cli_bench_seed(struct zl_db *db, long n, long leaves, long cases)
{
	struct zl_arena	 a;
	struct zl_conn	*c = zl_db_conn(db);
	int64_t		 ids[sizeof(demo_orgs) / sizeof(demo_orgs[0])] = { 0 };
	char		 hash[128];
	long		 done = 0;
	int		 rc;

	zl_arena_init(&a);
	if ((rc = seed(c, &a, ids)) < 0)
		goto out;
	/* One argon2id hash shared by every bench user: hashing 100,000
	 * passwords one by one would take most of an hour. */
	if ((rc = zl_password_hash(DEMO_PASSWORD, hash)) != 0)
		goto out;
	if (n > 0) {
		rc = zl_cli_store_bench_users(c, ids, sizeof(ids) / sizeof(ids[0]), n, hash, &done);
		printf("bench users created: %ld (bench000001 … bench%06ld, password %s)\n",
		    done, done, DEMO_PASSWORD);
	}
	if (rc == 0 && leaves > 0)
		rc = bench_leaves(c, leaves);
	if (rc == 0 && cases > 0) {
		rc = zl_cli_store_bench_cases(c, cases, &done);
		printf("bench cases created: %ld (one in five open)\n", done);
	}
	/* After a bulk load the planners need statistics (PostgreSQL's autovacuum
	 * would gather them only a minute later); both backends know ANALYZE. */
	if (rc == 0 && zl_db_exec(c, "ANALYZE") != 0)
		fprintf(stderr, "zhili: ANALYZE failed\n");
out:
	zl_arena_release(&a);
	return rc < 0 ? rc : 0;
}

int
zl_cli_user_add(struct zl_db *db, const char *username, const char *name, int admin,
    const char *org, const char *role, int password_stdin)
{
	struct zl_arena		 a;
	struct zl_conn		*c = zl_db_conn(db);
	struct zl_actor		 sys = { NULL, "cli" };
	struct zl_error		 err;
	struct zl_user_in	 in;
	struct zl_user		*u;
	struct zl_org		 o;
	struct zl_role		*r;
	char			 pw[1100];
	int			 rc = ZL_EINVAL;

	if (username == NULL || !password_stdin || (!admin && (org == NULL || role == NULL))) {
		fputs("usage: zhili user add --username NAME (--admin | --org CODE --role CODE) "
		    "[--name 显示名] --password-stdin\n", stderr);
		return ZL_EINVAL;
	}
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fputs("zhili: no password on standard input\n", stderr);
		return ZL_EINVAL;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	zl_arena_init(&a);
	memset(&in, 0, sizeof(in));
	memset(&err, 0, sizeof(err));
	in.username = username;
	in.display_name = name ? name : username;
	in.password = pw;
	in.kind = "staff";
	in.is_admin = admin;
	if (org != NULL) {
		if (zl_org_store_by_code(c, &a, org, &o) != 0) {
			fprintf(stderr, "zhili: no org with code %s\n", org);
			goto out;
		}
		in.org_id = o.id;
	}
	if (role != NULL) {
		if (zl_role_by_code(c, &a, role, &r) != 0) {
			fprintf(stderr, "zhili: no role with code %s\n", role);
			goto out;
		}
		in.role_ids.v = zl_arena_alloc(&a, sizeof(int64_t));
		in.role_ids.v[0] = r->id;
		in.role_ids.n = 1;
	}
	if ((rc = report(zl_user_create(c, &a, &sys, &in, &u, &err), username, &err)) == 0)
		printf("user %s created (id %lld)%s\n", u->username, (long long)u->id,
		    admin ? " as administrator" : "");
out:
	explicit_bzero(pw, sizeof(pw));
	zl_arena_release(&a);
	return rc;
}
