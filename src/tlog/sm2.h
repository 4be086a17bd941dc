/* sm2.h: SM2 primitives for note.c (sm2.c); internal to src/tlog. */
#ifndef ZL_SM2_H
#define ZL_SM2_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define ZL_SM2_PUB	65	/* 04 || X || Y */
#define ZL_SM2_PRIV	32	/* big-endian scalar */

/* A key from the public point and, if priv is not NULL, the private
 * scalar; NULL if the point is not on the curve.  New reference. */
EVP_PKEY	*zl_sm2_pkey(const uint8_t *pub, const uint8_t *priv);
/* A new private scalar from OpenSSL's key generation: 0 or -1. */
int		 zl_sm2_generate(uint8_t *priv);
/* pub = priv·G; -1 unless 1 ≤ priv ≤ n-2. */
int		 zl_sm2_public(const uint8_t *priv, uint8_t *pub);
/* Sign msg into sig (room for *siglen, 72 is enough; *siglen gets the DER
 * length) or verify the DER signature sig of *siglen bytes: 0 or -1. */
int		 zl_sm2_op(EVP_PKEY *k, int sign, const void *msg, size_t n,
		    uint8_t *sig, size_t *siglen);

#endif
