/* crypto.c: SHA-256, random tokens and bounded argon2id. */
#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "core/err.h"
#include "crypto/crypto.h"

static EVP_MD		*sha256_md;
static sem_t		 pw_slots;
static uint64_t		 pw_ops = 2;
static size_t		 pw_mem = 19u * 1024 * 1024;	/* OWASP: m=19 MiB, t=2 */

int
zl_crypto_init(void)
{
	if (sodium_init() < 0)
		return -1;
	if ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	sem_init(&pw_slots, 0, 2);
	return 0;
}

void
zl_password_config(int concurrency, uint64_t opslimit, size_t memlimit)
{
	sem_destroy(&pw_slots);
	sem_init(&pw_slots, 0, concurrency > 0 ? (unsigned)concurrency : 1);
	if (opslimit >= crypto_pwhash_OPSLIMIT_MIN)
		pw_ops = opslimit;
	if (memlimit >= crypto_pwhash_MEMLIMIT_MIN)
		pw_mem = memlimit;
}

void
zl_sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 32;

	EVP_Digest(data, len, out, &n, sha256_md, NULL);
}

void
zl_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
zl_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];

	zl_sha256(data, len, d);
	zl_hex(d, 32, out);
}

void
zl_random_token(char *out, size_t nbytes)
{
	unsigned char buf[64];

	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	randombytes_buf(buf, nbytes);
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    buf, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Wait at most 5 s for a slot: a flood of logins queues here instead of
 * allocating 19 MiB per attempt. */
static int
slot_take(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	while (sem_timedwait(&pw_slots, &ts) != 0)
		if (errno != EINTR)
			return ZL_EBUSY;
	return 0;
}

int
zl_password_hash(const char *password, char out[128])
{
	int rc;

	if (slot_take() != 0)
		return ZL_EBUSY;
	rc = crypto_pwhash_str_alg(out, password, strlen(password), pw_ops,
	    pw_mem, crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&pw_slots);
	return rc == 0 ? 0 : ZL_ENOMEM;
}

int
zl_password_verify(const char *hash, const char *password)
{
	int rc;

	if (slot_take() != 0)
		return ZL_EBUSY;
	rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	sem_post(&pw_slots);
	return rc == 0;
}

int
zl_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, pw_ops, pw_mem) != 0;
}
