/* config.h: settings of the server.  Read in order, later winning: built-in
 * defaults, the config file (key = value lines), ZHILI_<KEY> environment
 * variables, --key value flags. */
#ifndef ZL_CONFIG_H
#define ZL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct zl_config {
	char	listen[128];		/* HOST:PORT */
	char	db[1024];		/* sqlite:PATH or postgresql://… */
	char	web_root[1024];		/* built web application */
	char	access_log[1024];	/* path, "-" for stderr, "off" */
	char	ledger_key[1024];	/* the log's signing key, mode 0600; "" = beside
					   the SQLite file, or var/ledger.key */
	char	ledger_origin[256];	/* the checkpoints' origin line and key name */
	char	ledger_profile[32];	/* international (SHA-256, Ed25519) or gm (SM3, SM2) */
	char	ledger_witnesses[4096];
	char	public_url[256];	/* how the public reaches this server (QR codes) */	/* witness verifier keys, comma-separated */
	int	checkpoint_interval;	/* seconds between signed checkpoints at most */
	int	threads;		/* libmicrohttpd worker threads */
	size_t	max_body;		/* bytes of a JSON body */
	size_t	max_upload;		/* bytes of an upload */
	size_t	max_header;		/* bytes of the request head */
	int	request_timeout;	/* seconds a connection may idle */
	int	list_max;		/* largest ?limit= */
	int	max_connections;
	int	session_idle;		/* seconds */
	int	session_absolute;	/* seconds */
	int	login_max_failures;	/* per account, within lockout_seconds */
	int	lockout_seconds;
	int	login_rate_per_minute;	/* per client address */
	int	argon2_concurrency;
	int	argon2_opslimit;
	size_t	argon2_memlimit;	/* bytes */
};

void	zl_config_defaults(struct zl_config *c);
/* Set one key from text; 0, or -1 with a message in err for an unknown key
 * or a bad value. */
int	zl_config_set(struct zl_config *c, const char *key, const char *value,
	    char *err, size_t errlen);
int	zl_config_file(struct zl_config *c, const char *path, char *err, size_t errlen);
int	zl_config_env(struct zl_config *c, char *err, size_t errlen);

#endif
