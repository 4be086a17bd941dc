/* crypto.h: hashing, random tokens and password hashing.  SHA-256 through
 * OpenSSL (hardware-accelerated), randomness and argon2id through libsodium. */
#ifndef ZL_CRYPTO_H
#define ZL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Call once before threads start; 0 or -1. */
int	zl_crypto_init(void);
/* Bound on argon2id work running at once and its cost; set before serving. */
void	zl_password_config(int concurrency, uint64_t opslimit, size_t memlimit);

void	zl_sha256(const void *data, size_t len, unsigned char out[32]);
/* Lower-case hex of the SHA-256 of data into out (65 bytes). */
void	zl_sha256_hex(const void *data, size_t len, char out[65]);
void	zl_hex(const unsigned char *in, size_t n, char *out);
/* nbytes of randomness as unpadded base64url text into out (size ≥ 2*nbytes). */
void	zl_random_token(char *out, size_t nbytes);

/* argon2id: an encoded hash string into out (128 bytes).  0, or ZL_EBUSY when
 * too many hashes are already running for too long, ZL_ENOMEM. */
int	zl_password_hash(const char *password, char out[128]);
/* 1 match, 0 no match, ZL_EBUSY overloaded. */
int	zl_password_verify(const char *hash, const char *password);
/* 1 if the stored hash uses weaker settings than configured now. */
int	zl_password_needs_rehash(const char *hash);

#endif
