/* main.c: the zhili command: serve, migrate, seed-demo, bench-seed, user add,
 * escalate, version.  Settings come from defaults, --config FILE, ZHILI_* variables
 * and --key value flags, in that order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/session.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/server.h"
#include "tlog/ledger.h"
#include "tlog/note.h"
#include "tlog/tlog.h"
#include "workflow/engine.h"
#include "cli.h"

#ifndef ZL_VERSION
#define ZL_VERSION "0.1.0"
#endif

static void
usage(FILE *f)
{
	fputs("usage: zhili COMMAND [--config FILE] [--KEY VALUE …]\n"
	    "commands:\n"
	    "  serve        migrate, then serve HTTP (--listen HOST:PORT --db URL --web-root DIR)\n"
	    "  migrate      apply database migrations\n"
	    "  seed-demo    add the demo bureau, departments and users (once)\n"
	    "  bench-seed   demo data plus --users N users (default 100000) and\n"
	    "               --ledger-leaves N log leaves, --cases N applications, for benchmarks\n"
	    "  user add     --username NAME (--admin | --org CODE --role CODE) --password-stdin\n"
	    "  ledger key   print the log's verifier key (made on first use)\n"
	    "  ledger verify       rebuild and check the whole log offline\n"
	    "  ledger checkpoint   sign a checkpoint now\n"
	    "  escalate     escalate overdue cases now, as the server does each minute\n"
	    "               (--at UNIX_SECONDS: as of that time instead of now)\n"
	    "  tlog …       standalone RFC 9162 verifier: root, verify-inclusion,\n"
	    "               verify-consistency, verify-checkpoint\n"
	    "  version      print the version\n"
	    "database URL: sqlite:PATH or postgresql://USER@HOST:PORT/DB\n", f);
}

/* Flags that are not settings, taken out of argv by parse_args. */
struct cli_flags {
	const char	*username, *org, *role, *display_name;
	int		 admin, password_stdin;
	long		 users, leaves, cases, at;
};

static int
parse_args(int argc, char **argv, int start, struct zl_config *cfg,
    struct cli_flags *fl)
{
	char err[256];
	const char *file = getenv("ZHILI_CONFIG");

	for (int i = start; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			file = argv[i + 1];
	if (file != NULL && zl_config_file(cfg, file, err, sizeof(err)) != 0)
		goto bad;
	if (zl_config_env(cfg, err, sizeof(err)) != 0)
		goto bad;
	for (int i = start; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strncmp(a, "--", 2) != 0) {
			snprintf(err, sizeof(err), "unexpected argument \"%s\"", a);
			goto bad;
		}
		a += 2;
		if (strcmp(a, "admin") == 0) { fl->admin = 1; continue; }
		if (strcmp(a, "password-stdin") == 0) { fl->password_stdin = 1; continue; }
		if (v == NULL) {
			snprintf(err, sizeof(err), "--%s needs a value", a);
			goto bad;
		}
		i++;
		if (strcmp(a, "config") == 0) continue;
		if (strcmp(a, "username") == 0) { fl->username = v; continue; }
		if (strcmp(a, "org") == 0) { fl->org = v; continue; }
		if (strcmp(a, "role") == 0) { fl->role = v; continue; }
		if (strcmp(a, "name") == 0) { fl->display_name = v; continue; }
		if (strcmp(a, "users") == 0) { fl->users = strtol(v, NULL, 10); continue; }
		if (strcmp(a, "ledger-leaves") == 0) { fl->leaves = strtol(v, NULL, 10); continue; }
		if (strcmp(a, "cases") == 0) { fl->cases = strtol(v, NULL, 10); continue; }
		if (strcmp(a, "at") == 0) {
			char *end;
			fl->at = strtol(v, &end, 10);
			if (*end != '\0' || fl->at <= 0) {
				snprintf(err, sizeof(err), "--at needs Unix seconds");
				goto bad;
			}
			continue;
		}
		if (zl_config_set(cfg, a, v, err, sizeof(err)) != 0)
			goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "zhili: %s\n", err);
	return -1;
}

/* Create the directory of a sqlite: database so a fresh clone just works. */
static void
make_db_dir(const char *url)
{
	char path[1024], *slash;

	if (strncmp(url, "sqlite:", 7) != 0)
		return;
	snprintf(path, sizeof(path), "%s", url + 7);
	if ((slash = strrchr(path, '/')) != NULL && slash != path) {
		*slash = '\0';
		mkdir(path, 0750);
	}
}

static struct zl_db *
open_db(const struct zl_config *cfg)
{
	struct zl_db *db;
	char err[512];

	make_db_dir(cfg->db);
	if (zl_db_open(&db, cfg->db, err, sizeof(err)) != 0) {
		fprintf(stderr, "zhili: %s\n", err);
		return NULL;
	}
	return db;
}

/* The overdue sweep of the server's background thread, once, as of `at`. */
static int
cmd_escalate(struct zl_db *db, long at)
{
	struct zl_conn	*c = zl_db_conn(db);
	int		 n = 0;

	if (c == NULL || zl_wf_escalate(c, at > 0 ? (int64_t)at : (int64_t)time(NULL), &n) != 0)
		return 1;
	printf("%d case%s escalated\n", n, n == 1 ? "" : "s");
	return 0;
}

static void
load_openapi(struct zl_app *app)
{
	char	 path[1100];
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/openapi.json", app->cfg.web_root);
	if ((f = fopen(path, "rb")) == NULL) {
		zl_warn("%s: %s (GET /api/v1/openapi.json will answer 404)", path, strerror(errno));
		return;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (64 << 20)) {
		rewind(f);
		app->openapi = malloc((size_t)n);
		app->openapi_len = fread(app->openapi, 1, (size_t)n, f);
	}
	fclose(f);
}

/* Apply the migrations, then store the stripe roots the log's full tiles
 * lack (a log older than them): hashing needs C, not SQL. */
static int
migrate(struct zl_db *db, int verbose)
{
	long made;
	int rc;

	if ((rc = zl_migrate(db, verbose)) != 0)
		return rc;
	if ((rc = zl_ledger_backfill(zl_db_conn(db), &made)) != 0)
		fprintf(stderr, "zhili: cannot store the log's stripe roots (%d)\n", rc);
	else if (verbose && made > 0)
		printf("stripe roots of %ld full tiles stored\n", made);
	return rc;
}

static int
cmd_serve(struct zl_config *cfg)
{
	struct zl_app app = { .cfg = *cfg, .version = ZL_VERSION };
	struct zl_note_signer *signer = NULL;
	int rc;

	zl_password_config(cfg->argon2_concurrency, (uint64_t)cfg->argon2_opslimit,
	    cfg->argon2_memlimit);
	if ((app.db = open_db(cfg)) == NULL)
		return 1;
	if (migrate(app.db, 0) != 0) {
		zl_db_close(app.db);
		return 1;
	}
	if (zl_auth_init() != 0) {
		fputs("zhili: password hashing unavailable\n", stderr);
		return 1;
	}
	if (strcmp(cfg->access_log, "off") == 0)
		app.access_log = NULL;
	else if (strcmp(cfg->access_log, "-") == 0)
		app.access_log = stderr;
	else if ((app.access_log = fopen(cfg->access_log, "a")) == NULL) {
		fprintf(stderr, "zhili: access log %s: %s\n", cfg->access_log, strerror(errno));
		return 1;
	}
	load_openapi(&app);
	if (zl_ledger_open_key(app.db, cfg, &signer, &app.ledger_verifier) != 0 ||
	    zl_ledger_signer_start(app.db, &app.cfg, signer) != 0)
		return 1;
	app.ledger_origin = app.cfg.ledger_origin;
	rc = zl_serve(&app);
	zl_ledger_signer_stop();
	zl_note_signer_free(signer);
	free(app.ledger_verifier);
	zl_db_close(app.db);
	if (app.access_log != NULL && app.access_log != stderr)
		fclose(app.access_log);
	free(app.openapi);
	return rc;
}

int
main(int argc, char **argv)
{
	struct zl_config	 cfg;
	struct cli_flags	 fl = { .users = -1 };
	struct zl_db		*db;
	const char		*cmd = argc > 1 ? argv[1] : NULL;
	int			 start = 2, rc;

	if (cmd == NULL || strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("zhili %s\n", ZL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "tlog") == 0) {
		if (zl_tlog_init() != 0)
			return 1;
		return zl_cli_tlog(argc - 1, argv + 1);
	}
	if (strcmp(cmd, "ledger") == 0)
		start = 3;
	if (strcmp(cmd, "user") == 0) {
		if (argc < 3 || strcmp(argv[2], "add") != 0) {
			usage(stderr);
			return 2;
		}
		start = 3;
	}
	zl_config_defaults(&cfg);
	if (parse_args(argc, argv, start, &cfg, &fl) != 0)
		return 2;
	if (zl_crypto_init() != 0) {
		fputs("zhili: crypto initialisation failed\n", stderr);
		return 1;
	}
	zl_password_config(cfg.argon2_concurrency, (uint64_t)cfg.argon2_opslimit,
	    cfg.argon2_memlimit);
	if (zl_tlog_init() != 0) {
		fputs("zhili: hash functions unavailable\n", stderr);
		return 1;
	}
	if (strcmp(cfg.ledger_profile, "gm") != 0 && strcmp(cfg.ledger_profile, "international") != 0) {
		fputs("zhili: ledger_profile must be international or gm\n", stderr);
		return 2;
	}
	if (cfg.ledger_key[0] == '\0')
		snprintf(cfg.ledger_key, sizeof(cfg.ledger_key), "%.1000s%s",
		    strncmp(cfg.db, "sqlite:", 7) == 0 ? cfg.db + 7 : "var/ledger",
		    strncmp(cfg.db, "sqlite:", 7) == 0 ? ".ledger.key" : ".key");
	zl_ledger_set_default_alg(strcmp(cfg.ledger_profile, "gm") == 0 ? ZL_TLOG_SM3 : ZL_TLOG_SHA256);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&cfg);
	if (strcmp(cmd, "migrate") != 0 && strcmp(cmd, "seed-demo") != 0 &&
	    strcmp(cmd, "bench-seed") != 0 && strcmp(cmd, "user") != 0 &&
	    strcmp(cmd, "ledger") != 0 && strcmp(cmd, "escalate") != 0) {
		fprintf(stderr, "zhili: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return 2;
	}
	if ((db = open_db(&cfg)) == NULL)
		return 1;
	rc = migrate(db, strcmp(cmd, "migrate") == 0);
	if (rc == 0 && strcmp(cmd, "seed-demo") == 0)
		rc = zl_cli_seed_demo(db);
	else if (rc == 0 && strcmp(cmd, "bench-seed") == 0)
		rc = zl_cli_bench_seed(db, fl.users >= 0 ? fl.users : 100000, fl.leaves, fl.cases);
	else if (rc == 0 && strcmp(cmd, "escalate") == 0)
		rc = cmd_escalate(db, fl.at);
	else if (rc == 0 && strcmp(cmd, "ledger") == 0)
		rc = zl_cli_ledger(db, &cfg, argc > 2 ? argv[2] : NULL);
	else if (rc == 0 && strcmp(cmd, "user") == 0)
		rc = zl_cli_user_add(db, fl.username, fl.display_name, fl.admin,
		    fl.org, fl.role, fl.password_stdin);
	zl_db_close(db);
	if (strcmp(cmd, "ledger") == 0)
		return rc;
	return rc == 0 ? 0 : 1;
}
