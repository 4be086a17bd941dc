/* config.c: a table of keys, each with its type and place in struct
 * zl_config, so that the file, the environment and the flags share one parser. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

enum kind { K_STR, K_INT, K_SIZE };

static const struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off, size;
	long long	 min, max;
} keys[] = {
#define S(n)	{ #n, K_STR, offsetof(struct zl_config, n), sizeof(((struct zl_config *)0)->n), 0, 0 }
#define I(n, lo, hi)	{ #n, K_INT, offsetof(struct zl_config, n), 0, lo, hi }
#define Z(n, lo, hi)	{ #n, K_SIZE, offsetof(struct zl_config, n), 0, lo, hi }
	S(listen), S(db), S(web_root), S(access_log), S(ledger_key), S(ledger_origin),
	S(ledger_profile), S(ledger_witnesses), S(public_url),
	I(checkpoint_interval, 1, 86400),
	I(threads, 1, 256),
	Z(max_body, 1024, 1LL << 30),
	Z(max_upload, 1024, 1LL << 34),
	Z(max_header, 1024, 1 << 20),
	I(request_timeout, 1, 3600),
	I(list_max, 1, 10000),
	I(max_connections, 16, 1000000),
	I(session_idle, 1, 86400 * 30),
	I(session_absolute, 1, 86400 * 365),
	I(login_max_failures, 1, 1000000),
	I(lockout_seconds, 1, 86400 * 30),
	I(login_rate_per_minute, 1, 2000000000),
	I(argon2_concurrency, 1, 64),
	I(argon2_opslimit, 1, 100),
	Z(argon2_memlimit, 8192, 1LL << 32),
#undef S
#undef I
#undef Z
};

void
zl_config_defaults(struct zl_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->db, sizeof(c->db), "sqlite:var/zhili.db");
	snprintf(c->web_root, sizeof(c->web_root), "web/dist");
	snprintf(c->access_log, sizeof(c->access_log), "-");
	snprintf(c->ledger_origin, sizeof(c->ledger_origin), "zhili.localhost/ledger");
	snprintf(c->ledger_profile, sizeof(c->ledger_profile), "international");
	c->checkpoint_interval = 1;
	snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
	c->threads = 4;
	c->max_body = 1024 * 1024;
	c->max_upload = 20 * 1024 * 1024;
	c->max_header = 8 * 1024;
	c->request_timeout = 30;
	c->list_max = 500;
	c->max_connections = 4096;
	c->session_idle = 30 * 60;
	c->session_absolute = 12 * 3600;
	c->login_max_failures = 5;
	c->lockout_seconds = 15 * 60;
	c->login_rate_per_minute = 20;
	c->argon2_concurrency = 2;
	c->argon2_opslimit = 2;
	c->argon2_memlimit = 19 * 1024 * 1024;
}

int
zl_config_set(struct zl_config *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	char name[64];
	size_t i;

	/* Accept max-body, max_body and MAX_BODY alike. */
	for (i = 0; key[i] != '\0' && i + 1 < sizeof(name); i++)
		name[i] = key[i] == '-' ? '_' : (char)tolower((unsigned char)key[i]);
	name[i] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *end;
		long long v;

		if (strcmp(k->name, name) != 0)
			continue;
		if (k->kind == K_STR) {
			if (strlen(value) >= k->size) {
				snprintf(err, errlen, "%s: value too long", name);
				return -1;
			}
			memcpy((char *)c + k->off, value, strlen(value) + 1);
			return 0;
		}
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
			snprintf(err, errlen, "%s: expected a number from %lld to %lld, got \"%s\"",
			    name, k->min, k->max, value);
			return -1;
		}
		if (k->kind == K_INT)
			*(int *)((char *)c + k->off) = (int)v;
		else
			*(size_t *)((char *)c + k->off) = (size_t)v;
		return 0;
	}
	snprintf(err, errlen, "unknown setting \"%s\"", key);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
zl_config_file(struct zl_config *c, const char *path, char *err, size_t errlen)
{
	FILE	*f = fopen(path, "r");
	char	 line[2048], *eq, msg[256];
	int	 n = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line);
		n++;
		if (*s == '#' || *s == '\0')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, n);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		if (zl_config_set(c, trim(s), trim(eq + 1), msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, n, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int
zl_config_env(struct zl_config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char var[80], *v;
		size_t j;

		snprintf(var, sizeof(var), "ZHILI_%s", keys[i].name);
		for (j = 6; var[j] != '\0'; j++)
			var[j] = (char)toupper((unsigned char)var[j]);
		if ((v = getenv(var)) != NULL && zl_config_set(c, keys[i].name, v, err, errlen) != 0)
			return -1;
	}
	return 0;
}
