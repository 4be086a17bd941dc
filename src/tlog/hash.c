/* hash.c: the digests of the log, SHA-256 and SM3 from OpenSSL, with the
 * RFC 9162 leaf and node hashes, algorithm names and hex.  Exports
 * zl_tlog_init, zl_tlog_alg_parse/_name, zl_tlog_hash_data, zl_tlog_leaf_hash,
 * zl_tlog_node_hash, zl_tlog_hex and zl_tlog_unhex.
 *
 * Hashing allocates nothing.  OpenSSL 3.0 frees and re-creates the provider
 * context inside every EVP_DigestInit_ex2(), even on a reused EVP_MD_CTX, so
 * zl_tlog_init() takes the fetched EVP_MD's own provider functions
 * (newctx/init/update/final) once and each thread keeps one provider context
 * per algorithm; a reused thread-local EVP_MD_CTX is the fallback when a
 * provider does not expose them or they disagree with EVP_Digest(). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <sodium.h>

#include "core/err.h"
#include "tlog/tlog.h"

#define NALG	2

struct digest {
	EVP_MD				*md;
	void				*provctx;
	OSSL_FUNC_digest_newctx_fn	*newctx;
	OSSL_FUNC_digest_init_fn	*init;
	OSSL_FUNC_digest_update_fn	*update;
	OSSL_FUNC_digest_final_fn	*final;
	OSSL_FUNC_digest_freectx_fn	*freectx;
};

/* One per thread, made on its first hash, freed when the thread ends. */
struct tstate {
	void		*pctx[NALG];
	EVP_MD_CTX	*mctx[NALG];
};

static const char *const alg_names[NALG] = { "sha256", "sm3" };
static const char *const md_names[NALG] = { "SHA256", "SM3" };
static struct digest	 digests[NALG];
static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static pthread_key_t	 tkey;
static int		 init_rc = ZL_EINTERNAL;
static __thread struct tstate *tstate;

int
zl_tlog_alg_parse(const char *name)
{
	for (int i = 0; name != NULL && i < NALG; i++)
		if (strcmp(name, alg_names[i]) == 0)
			return i;
	return -1;
}

const char *
zl_tlog_alg_name(enum zl_tlog_alg alg)
{
	return (unsigned)alg < NALG ? alg_names[alg] : "?";
}

static void
tstate_free(void *arg)
{
	struct tstate *s = arg;

	for (int i = 0; i < NALG; i++) {
		if (s->pctx[i] != NULL)
			digests[i].freectx(s->pctx[i]);
		EVP_MD_CTX_free(s->mctx[i]);
	}
	free(s);
}

/* Does the colon-separated list of names hold name? */
static int
has_name(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL; p = strchr(p, ':'), p = p ? p + 1 : p)
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Take the provider functions behind d->md, or leave d->final NULL. */
static void
find_direct(struct digest *d)
{
	const OSSL_PROVIDER	*prov = EVP_MD_get0_provider(d->md);
	const OSSL_ALGORITHM	*a;
	int			 nocache;

	if (prov == NULL || (a = OSSL_PROVIDER_query_operation(prov, OSSL_OP_DIGEST,
	    &nocache)) == NULL)
		return;
	for (; a->algorithm_names != NULL; a++)
		if (has_name(a->algorithm_names, EVP_MD_get0_name(d->md)))
			break;
	for (const OSSL_DISPATCH *f = a->implementation; f != NULL && f->function_id; f++)
		switch (f->function_id) {
		case OSSL_FUNC_DIGEST_NEWCTX: d->newctx = OSSL_FUNC_digest_newctx(f); break;
		case OSSL_FUNC_DIGEST_INIT: d->init = OSSL_FUNC_digest_init(f); break;
		case OSSL_FUNC_DIGEST_UPDATE: d->update = OSSL_FUNC_digest_update(f); break;
		case OSSL_FUNC_DIGEST_FINAL: d->final = OSSL_FUNC_digest_final(f); break;
		case OSSL_FUNC_DIGEST_FREECTX: d->freectx = OSSL_FUNC_digest_freectx(f); break;
		}
	d->provctx = OSSL_PROVIDER_get0_provider_ctx(prov);
	if (!d->newctx || !d->init || !d->update || !d->final || !d->freectx)
		d->final = NULL;
}

static void
do_init(void)
{
	static const char abc[] = "abc";
	unsigned char	 want[EVP_MAX_MD_SIZE], got[ZL_TLOG_HASH];
	unsigned int	 wn;
	size_t		 gn;
	void		*c;

	if (sodium_init() < 0 || pthread_key_create(&tkey, tstate_free) != 0)
		return;
	for (int i = 0; i < NALG; i++) {
		struct digest *d = &digests[i];
		c = NULL;
		if ((d->md = EVP_MD_fetch(NULL, md_names[i], NULL)) == NULL ||
		    EVP_MD_get_size(d->md) != ZL_TLOG_HASH ||
		    !EVP_Digest(abc, 3, want, &wn, d->md, NULL))
			return;
		find_direct(d);
		/* Use the direct path only if it agrees with EVP. */
		if (d->final != NULL && ((c = d->newctx(d->provctx)) == NULL ||
		    !d->init(c, NULL) || !d->update(c, (const unsigned char *)abc, 3) ||
		    !d->final(c, got, &gn, sizeof(got)) || memcmp(got, want, 32) != 0))
			d->final = NULL;
		if (c != NULL && d->freectx != NULL)
			d->freectx(c);
	}
	init_rc = 0;
}

int
zl_tlog_init(void)
{
	pthread_once(&once, do_init);
	return init_rc;
}

static struct tstate *
tstate_get(void)
{
	if (tstate != NULL)
		return tstate;
	if (zl_tlog_init() != 0 || (tstate = calloc(1, sizeof(*tstate))) == NULL)
		abort();	/* no digests: every hash would be wrong */
	pthread_setspecific(tkey, tstate);
	return tstate;
}

/* H(a || b || c) into out; any part may be empty. */
static void
hash3(enum zl_tlog_alg alg, const void *a, size_t an, const void *b, size_t bn,
    const void *c, size_t cn, zl_tlog_hash out)
{
	struct tstate	*s = tstate_get();
	struct digest	*d = &digests[alg == ZL_TLOG_SM3];
	unsigned int	 n;
	size_t		 sn;
	int		 i = alg == ZL_TLOG_SM3, ok;

	if (d->final != NULL) {
		if (s->pctx[i] == NULL && (s->pctx[i] = d->newctx(d->provctx)) == NULL)
			abort();
		ok = d->init(s->pctx[i], NULL) &&
		    (an == 0 || d->update(s->pctx[i], a, an)) &&
		    (bn == 0 || d->update(s->pctx[i], b, bn)) &&
		    (cn == 0 || d->update(s->pctx[i], c, cn)) &&
		    d->final(s->pctx[i], out, &sn, ZL_TLOG_HASH);
	} else {
		if (s->mctx[i] == NULL && (s->mctx[i] = EVP_MD_CTX_new()) == NULL)
			abort();
		ok = EVP_DigestInit_ex2(s->mctx[i], d->md, NULL) &&
		    EVP_DigestUpdate(s->mctx[i], a, an) &&
		    EVP_DigestUpdate(s->mctx[i], b, bn) &&
		    EVP_DigestUpdate(s->mctx[i], c, cn) &&
		    EVP_DigestFinal_ex(s->mctx[i], out, &n);
	}
	if (!ok)
		abort();
}

void
zl_tlog_hash_data(enum zl_tlog_alg alg, const void *data, size_t n, zl_tlog_hash out)
{
	hash3(alg, data, n, NULL, 0, NULL, 0, out);
}

void
zl_tlog_leaf_hash(enum zl_tlog_alg alg, const void *leaf, size_t n, zl_tlog_hash out)
{
	uint8_t buf[1 + 191];

	if (n < sizeof(buf)) {		/* one update is cheaper than two */
		buf[0] = 0x00;
		memcpy(buf + 1, leaf, n);
		hash3(alg, buf, n + 1, NULL, 0, NULL, 0, out);
	} else
		hash3(alg, "\0", 1, leaf, n, NULL, 0, out);
}

void
zl_tlog_node_hash(enum zl_tlog_alg alg, const zl_tlog_hash left, const zl_tlog_hash right,
    zl_tlog_hash out)
{
	uint8_t buf[1 + 2 * ZL_TLOG_HASH];

	buf[0] = 0x01;
	memcpy(buf + 1, left, ZL_TLOG_HASH);
	memcpy(buf + 1 + ZL_TLOG_HASH, right, ZL_TLOG_HASH);
	hash3(alg, buf, sizeof(buf), NULL, 0, NULL, 0, out);
}
void
zl_tlog_hex(const zl_tlog_hash h, char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < ZL_TLOG_HASH; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
zl_tlog_unhex(const char *s, zl_tlog_hash out)
{
	int hi, lo;

	if (s == NULL || strlen(s) != 2 * ZL_TLOG_HASH)
		return ZL_EINVAL;
	for (int i = 0; i < ZL_TLOG_HASH; i++) {
		if ((hi = hexval(s[2 * i])) < 0 || (lo = hexval(s[2 * i + 1])) < 0)
			return ZL_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
