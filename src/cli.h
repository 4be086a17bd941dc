/* cli.h: the commands that write data from the command line. */
#ifndef ZL_CLI_H
#define ZL_CLI_H

#include <stddef.h>

struct zl_db;

/* Demo bureau, departments on two levels, users of each role (once). */
int	zl_cli_seed_demo(struct zl_db *db);
/* The demo data, then n users spread over the demo orgs. */
int	zl_cli_bench_seed(struct zl_db *db, long n, long leaves, long cases);
/* Add a user; the password is read from standard input. */
int	zl_cli_user_add(struct zl_db *db, const char *username, const char *name,
	    int admin, const char *org, const char *role, int password_stdin);

#include <stdint.h>
struct zl_conn;
/* Insert n staff users bench000001… spread over orgs, all with one password
 * hash, in batches of 10,000 per transaction (cli_store.c). */
int	zl_cli_store_bench_users(struct zl_conn *c, const int64_t *orgs, size_t norgs,
	    long n, const char *hash, long *done);

struct zl_config; struct zl_note_signer;
int	zl_cli_store_bench_leaves(struct zl_conn *c, long n, long *done);
int	zl_cli_store_bench_cases(struct zl_conn *c, long n, long *done);
/* `zhili ledger key|verify|checkpoint`: an exit status (ledger_cli.c). */
int	zl_cli_ledger(struct zl_db *db, const struct zl_config *cfg, const char *sub);
/* The log's signing key (made on first use) and its verifier key (malloc'd). */
int	zl_ledger_open_key(struct zl_db *db, const struct zl_config *cfg,
	    struct zl_note_signer **signer, char **verifier);
/* The server's checkpoint signer thread. */
int	zl_ledger_signer_start(struct zl_db *db, const struct zl_config *cfg,
	    struct zl_note_signer *signer);
void	zl_ledger_signer_stop(void);
/* `zhili tlog …`, the standalone verifier: 0 valid, 1 invalid, 2 usage. */
int	zl_cli_tlog(int argc, char **argv);

#endif
