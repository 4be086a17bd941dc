/* session.c: the login rules and turning secrets into principals.
 * The slow argon2id check runs outside any transaction so a flood of logins
 * never holds the database's write lock. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth_store.h"
#include "auth/session.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/crypto.h"
#include "db/db.h"

static char dummy_hash[128];

int
zl_auth_init(void)
{
	return zl_password_hash("zhili-dummy-password", dummy_hash);
}

void
zl_secret_hash(const char *secret, char out[65])
{
	zl_sha256_hex(secret, strlen(secret), out);
}

static void
lower(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/* Write the login log row on its own (outside the caller's failure path). */
static void
log_attempt(struct zl_conn *c, int64_t now, const char *username, int64_t uid,
    int64_t org, const char *result, const char *addr, const char *ua)
{
	if (zl_as_login_log(c, now, username, uid, org, result, addr, ua) != 0)
		zl_warn("login log write failed for %s", username);
}

int
zl_login(struct zl_conn *c, struct zl_arena *a, const struct zl_config *cfg,
    const char *username_in, const char *password, const char *addr,
    const char *ua, struct zl_login *out, struct zl_error *err)
{
	struct zl_login_user	 u;
	char			 username[64], hash[65];
	int64_t			 now = (int64_t)time(NULL), attempts, wstart, sid;
	int			 rc, ok;

	memset(out, 0, sizeof(*out));
	lower(username, username_in, sizeof(username));

	if ((rc = zl_as_throttle(c, addr, now, 60, &attempts, &wstart)) != 0)
		return rc;
	if (attempts > cfg->login_rate_per_minute) {
		log_attempt(c, now, username, 0, 0, "rate_limited", addr, ua);
		err->retry_after = (int)(wstart + 60 - now) > 0 ? (int)(wstart + 60 - now) : 1;
		return zl_err_set(err, ZL_ERATE, "rate-limited",
		    "登录尝试过于频繁，请 %d 秒后再试 (too many attempts from this address)",
		    err->retry_after);
	}

	rc = zl_as_login_user(c, a, username, &u);
	if (rc == ZL_ENOTFOUND) {
		(void)zl_password_verify(dummy_hash, password);	/* same cost */
		log_attempt(c, now, username, 0, 0, "bad_credentials", addr, ua);
		return zl_err_set(err, ZL_EAUTH, NULL, "用户名或密码错误 (wrong username or password)");
	}
	if (rc != 0)
		return rc;
	if (u.locked_until > now) {
		log_attempt(c, now, username, u.id, u.org_id, "locked", addr, ua);
		err->retry_after = (int)(u.locked_until - now);
		return zl_err_set(err, ZL_ERATE, "locked",
		    "密码错误次数过多，账号已锁定，请 %d 分钟后再试 (account locked)",
		    (err->retry_after + 59) / 60);
	}
	ok = zl_password_verify(u.password_hash, password);
	if (ok < 0)
		return zl_err_set(err, ok, NULL, "登录繁忙，请稍后再试 (busy)");
	if (!ok) {
		int failed = u.first_failed_at > now - cfg->lockout_seconds ?
		    u.failed_logins + 1 : 1;
		int64_t first = failed == 1 ? now : u.first_failed_at;
		int64_t until = failed >= cfg->login_max_failures ? now + cfg->lockout_seconds : 0;
		if (until != 0)
			failed = 0, first = 0;	/* a fresh count after the lock */
		if ((rc = zl_as_login_failed(c, u.id, failed, first, until)) != 0)
			return rc;
		log_attempt(c, now, username, u.id, u.org_id, "bad_credentials", addr, ua);
		return zl_err_set(err, ZL_EAUTH, NULL, "用户名或密码错误 (wrong username or password)");
	}
	if (strcmp(u.status, "active") != 0) {
		log_attempt(c, now, username, u.id, u.org_id, "disabled", addr, ua);
		return zl_err_set(err, ZL_EAUTH, NULL, "用户名或密码错误 (wrong username or password)");
	}

	zl_random_token(out->token, 32);
	zl_random_token(out->csrf, 24);
	zl_secret_hash(out->token, hash);
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_as_login_ok(c, u.id)) != 0 ||
	    (rc = zl_as_session_insert(c, hash, u.id, out->csrf, now,
	    now + cfg->session_absolute, addr, ua, &sid)) != 0 ||
	    (rc = zl_as_login_log(c, now, username, u.id, u.org_id, "ok", addr, ua)) != 0) {
		zl_tx_rollback(c);
		return rc;
	}
	if ((rc = zl_tx_commit(c)) != 0)
		return rc;
	return zl_session_principal(c, a, cfg, out->token, &out->who);
}

int
zl_principal_load_grants(struct zl_conn *c, struct zl_arena *a, struct zl_principal *p)
{
	if (p->kind == ZL_USER_CITIZEN) {
		p->ngrants = 0;
		p->perms = 0;
		return 0;
	}
	return zl_as_grants(c, a, p);
}

static int64_t
touch_interval(const struct zl_config *cfg)
{
	int64_t t = cfg->session_idle / 4;

	return t < 1 ? 1 : t > 60 ? 60 : t;
}

/*
 * A per-thread cache of principals by session hash, valid for a second and
 * only while no write has been committed since (zl_db_generation), so an
 * authenticated read costs no session or role query in the common case.
 * Another process's revocation is seen within the second.
 */
#define PCACHE_N	64
#define PCACHE_MS	1000

struct pcache {
	char			 hash[65];
	uint64_t		 gen;
	int64_t			 until_ms, last_seen, expires;
	struct zl_arena		 arena;
	struct zl_principal	*p;
};

static __thread struct pcache pcache[PCACHE_N];

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
dup(struct zl_arena *a, const char *s)
{
	return s ? zl_arena_strdup(a, s) : NULL;
}

static void
pcache_put(const char *hash, const struct zl_principal *p, int64_t last_seen,
    int64_t expires, uint64_t gen)
{
	struct pcache *e = &pcache[(unsigned char)hash[0] * 7 % PCACHE_N ^
	    ((unsigned char)hash[1] % PCACHE_N)];
	struct zl_principal *q;

	zl_arena_release(&e->arena);
	zl_arena_init(&e->arena);
	q = zl_arena_alloc(&e->arena, sizeof(*q));
	*q = *p;
	q->username = dup(&e->arena, p->username);
	q->display_name = dup(&e->arena, p->display_name);
	q->org_path = dup(&e->arena, p->org_path);
	q->org_name = dup(&e->arena, p->org_name);
	q->org_code = dup(&e->arena, p->org_code);
	q->csrf = dup(&e->arena, p->csrf);
	q->grants = zl_arena_alloc(&e->arena, (p->ngrants + 1) * sizeof(*q->grants));
	for (size_t i = 0; i < p->ngrants; i++) {
		q->grants[i] = p->grants[i];
		q->grants[i].code = dup(&e->arena, p->grants[i].code);
		q->grants[i].name = dup(&e->arena, p->grants[i].name);
		q->grants[i].orgs = zl_arena_alloc(&e->arena, (p->grants[i].norgs + 1) * sizeof(int64_t));
		memcpy(q->grants[i].orgs, p->grants[i].orgs, p->grants[i].norgs * sizeof(int64_t));
	}
	memcpy(e->hash, hash, 65);
	e->gen = gen;
	e->until_ms = now_ms() + PCACHE_MS;
	e->last_seen = last_seen;
	e->expires = expires;
	e->p = q;
}

/* The cached principal (borrowed until this thread's next lookup), or NULL. */
static struct zl_principal *
pcache_get(const char *hash, const struct zl_config *cfg, int64_t now)
{
	struct pcache *e = &pcache[(unsigned char)hash[0] * 7 % PCACHE_N ^
	    ((unsigned char)hash[1] % PCACHE_N)];

	if (e->p == NULL || strcmp(e->hash, hash) != 0 || e->gen != zl_db_generation() ||
	    e->until_ms < now_ms() || e->expires <= now || e->last_seen + cfg->session_idle <= now)
		return NULL;
	return e->p;
}

int
zl_session_principal(struct zl_conn *c, struct zl_arena *a,
    const struct zl_config *cfg, const char *token, struct zl_principal **out)
{
	struct zl_principal	*p = zl_arena_alloc(a, sizeof(*p));
	char			 hash[65];
	int64_t			 now = (int64_t)time(NULL), last, expires, created;
	const char		*ustatus;
	uint64_t		 gen;
	int			 rc;

	*out = NULL;
	if (token == NULL || strlen(token) < 20 || strlen(token) > 64)
		return ZL_EAUTH;
	zl_secret_hash(token, hash);
	if ((*out = pcache_get(hash, cfg, now)) != NULL)
		return 0;
	gen = zl_db_generation();
	rc = zl_as_session_get(c, a, hash, p, &last, &expires, &created, &ustatus);
	if (rc == ZL_ENOTFOUND)
		return ZL_EAUTH;
	if (rc != 0)
		return rc;
	if (expires <= now || last + cfg->session_idle <= now ||
	    strcmp(ustatus, "active") != 0)
		return ZL_EAUTH;
	/* One write a minute at most per session keeps reads read-only (more
	 * often only when the idle limit itself is shorter than minutes). */
	if (now - last >= touch_interval(cfg) &&
	    zl_as_session_touch(c, p->session_id, now) != 0)
		zl_warn("session touch failed");
	if ((rc = zl_principal_load_grants(c, a, p)) != 0)
		return rc;
	pcache_put(hash, p, now - last >= touch_interval(cfg) ? now : last, expires, gen);
	*out = p;
	return 0;
}

int
zl_token_principal(struct zl_conn *c, struct zl_arena *a, const char *token,
    struct zl_principal **out)
{
	struct zl_principal	*p = zl_arena_alloc(a, sizeof(*p));
	const char		*perms, *status, *ustatus;
	char			 hash[65];
	int64_t			 now = (int64_t)time(NULL), expires, last_used;
	int			 rc;

	*out = NULL;
	if (token == NULL || strncmp(token, "zlt_", 4) != 0 || strlen(token) > 96)
		return ZL_EAUTH;
	zl_secret_hash(token, hash);
	rc = zl_as_token_get(c, a, hash, p, &perms, &expires, &status, &ustatus, &last_used);
	if (rc == ZL_ENOTFOUND)
		return ZL_EAUTH;
	if (rc != 0)
		return rc;
	if (strcmp(status, "active") != 0 || strcmp(ustatus, "active") != 0 ||
	    (expires != 0 && expires <= now))
		return ZL_EAUTH;
	p->ngrants = 1;
	p->grants = zl_arena_alloc(a, sizeof(struct zl_grant));
	p->grants[0].scope = ZL_SCOPE_SUBTREE;
	p->grants[0].code = "api-token";
	p->grants[0].name = "API 令牌";
	for (const char *s = perms; *s != '\0';) {
		char code[32];
		size_t n = strcspn(s, " ");
		int perm;
		if (n > 0 && n < sizeof(code)) {
			memcpy(code, s, n);
			code[n] = '\0';
			if ((perm = zl_perm_parse(code)) >= 0)
				p->grants[0].perms |= ZL_PERM_BIT(perm);
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	p->perms = p->grants[0].perms;
	if (now - last_used >= 60 && zl_as_token_touch(c, p->token_id, now) != 0)
		zl_warn("token touch failed");
	*out = p;
	return 0;
}

int
zl_session_revoke_token(struct zl_conn *c, const char *token)
{
	char hash[65];

	zl_secret_hash(token, hash);
	return zl_as_session_revoke_hash(c, hash, (int64_t)time(NULL));
}

int
zl_sessions_of(struct zl_conn *c, struct zl_arena *a, const struct zl_config *cfg,
    int64_t user_id, struct zl_session_row **out, int *n)
{
	int64_t now = (int64_t)time(NULL);

	return zl_as_sessions(c, a, user_id, now - cfg->session_idle, now, out, n);
}

int
zl_session_revoke(struct zl_conn *c, int64_t user_id, int64_t session_id)
{
	return zl_as_session_revoke(c, user_id, session_id, (int64_t)time(NULL));
}

int
zl_password_check(const char *hash, const char *password)
{
	return zl_password_verify(hash, password);
}
