/* ledger_cli.c: `zhili ledger key|verify|checkpoint`, and the server's
 * background thread: it signs a new checkpoint at most once per interval
 * when the log has grown, and escalates overdue cases once a minute. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "modules/ledger/ledger.h"
#include "tlog/ledger.h"
#include "tlog/note.h"
#include "workflow/engine.h"

struct signer_ctx {
	struct zl_db			*db;
	struct zl_note_signer		*signer;
	const struct zl_config		*cfg;
	volatile int			 stop;
	pthread_t			 thread;
};

static struct signer_ctx ctx;

static void
sign_once(void)
{
	struct zl_conn	*c = zl_db_conn(ctx.db);
	struct zl_arena	 a;
	int		 made, rc;

	if (c == NULL)
		return;
	zl_arena_init(&a);
	if ((rc = zl_ledger_checkpoint(c, &a, ctx.signer, ctx.cfg->ledger_origin, &made)) != 0)
		zl_warn("ledger: checkpoint not signed (%d)", rc);
	zl_arena_release(&a);
}

/* Overdue cases are escalated once a minute by the same background thread. */
static void
escalate_once(void)
{
	struct zl_conn	*c = zl_db_conn(ctx.db);
	int		 n = 0;

	if (c != NULL && zl_wf_escalate(c, (int64_t)time(NULL), &n) == 0 && n > 0)
		zl_info("workflow: %d overdue case%s escalated", n, n == 1 ? "" : "s");
}

static void *
signer_loop(void *arg)
{
	time_t last_sweep = 0;

	(void)arg;
	while (!ctx.stop) {
		for (int i = 0; i < ctx.cfg->checkpoint_interval * 10 && !ctx.stop; i++)
			usleep(100 * 1000);
		if (time(NULL) - last_sweep >= 60) {
			escalate_once();
			last_sweep = time(NULL);
		}
		sign_once();
	}
	return NULL;
}

int
zl_ledger_open_key(struct zl_db *db, const struct zl_config *cfg,
    struct zl_note_signer **signer, char **verifier)
{
	int created, rc;

	if ((rc = zl_ledger_key(zl_db_conn(db), cfg->ledger_key, cfg->ledger_origin,
	    signer, &created)) != 0) {
		fprintf(stderr, "zhili: the ledger key %s cannot be read or made\n", cfg->ledger_key);
		return rc;
	}
	*verifier = zl_note_signer_verifier(*signer);
	if (created)
		zl_info("ledger: new signing key %s (verifier key %s)", cfg->ledger_key, *verifier);
	return 0;
}

int
zl_ledger_signer_start(struct zl_db *db, const struct zl_config *cfg,
    struct zl_note_signer *signer)
{
	ctx.db = db;
	ctx.cfg = cfg;
	ctx.signer = signer;
	ctx.stop = 0;
	sign_once();
	return pthread_create(&ctx.thread, NULL, signer_loop, NULL) == 0 ? 0 : -1;
}

void
zl_ledger_signer_stop(void)
{
	ctx.stop = 1;
	pthread_join(ctx.thread, NULL);
	sign_once();		/* the last leaves get their checkpoint too */
}

int
zl_cli_ledger(struct zl_db *db, const struct zl_config *cfg, const char *sub)
{
	struct zl_note_signer	*signer = NULL;
	char			*verifier = NULL;
	long			 problems;
	int			 rc = 0;

	if (sub == NULL || (strcmp(sub, "key") != 0 && strcmp(sub, "verify") != 0 &&
	    strcmp(sub, "checkpoint") != 0)) {
		fputs("usage: zhili ledger key|verify|checkpoint [--db URL] [--ledger-key FILE]\n", stderr);
		return 2;
	}
	if (strcmp(sub, "verify") == 0) {
		problems = zl_ledger_verify(zl_db_conn(db), cfg->ledger_key, stdout);
		return problems == 0 ? 0 : 1;
	}
	if (zl_ledger_open_key(db, cfg, &signer, &verifier) != 0)
		return 1;
	if (strcmp(sub, "key") == 0)
		printf("%s\n", verifier);
	else {
		struct zl_arena a;
		int made;

		zl_arena_init(&a);
		rc = zl_ledger_checkpoint(zl_db_conn(db), &a, signer, cfg->ledger_origin, &made);
		if (rc == 0) {
			char *text;
			if (zl_ledger_checkpoint_text(zl_db_conn(db), &a, &text) == 0)
				fputs(text, stdout);
			else
				printf("the log is empty: no checkpoint\n");
		}
		zl_arena_release(&a);
	}
	free(verifier);
	zl_note_signer_free(signer);
	return rc == 0 ? 0 : 1;
}
