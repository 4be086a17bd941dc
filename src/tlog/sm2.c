/* sm2.c: SM2 keys and SM2-with-SM3 signatures (GB/T 32918) through
 * OpenSSL 3, for the 0xa2 note keys of note.c: keys from their raw bytes,
 * the public point of a private scalar, sign and verify with the standard
 * distinguishing ID "1234567812345678" (OpenSSL 3.0's default differs). */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "tlog/sm2.h"

#define SM2_ID		"1234567812345678"
#define SM2_PUB		ZL_SM2_PUB
#define SM2_PRIV	ZL_SM2_PRIV

EVP_PKEY *
zl_sm2_pkey(const uint8_t *pub, const uint8_t *priv)
{
	OSSL_PARAM_BLD	*b = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*p = NULL;
	EVP_PKEY_CTX	*c = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	EVP_PKEY	*k = NULL;
	BIGNUM		*d = priv ? BN_bin2bn(priv, SM2_PRIV, NULL) : NULL;

	if (b == NULL || c == NULL || (priv != NULL && d == NULL) ||
	    !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, SM2_PUB) ||
	    (d != NULL && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d)) ||
	    (p = OSSL_PARAM_BLD_to_param(b)) == NULL ||
	    EVP_PKEY_fromdata_init(c) <= 0 ||
	    EVP_PKEY_fromdata(c, &k, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, p) <= 0)
		k = NULL;
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(c);
	BN_clear_free(d);
	return k;
}

/* pub = d·G on the SM2 curve; d must be in [1, n-2]. */
int
zl_sm2_public(const uint8_t *priv, uint8_t *pub)
{
	EC_GROUP	*g = EC_GROUP_new_by_curve_name(NID_sm2);
	EC_POINT	*q = g ? EC_POINT_new(g) : NULL;
	BIGNUM		*d = BN_bin2bn(priv, SM2_PRIV, NULL), *max = BN_new();
	BN_CTX		*bc = BN_CTX_new();
	int		 ok;

	ok = g && q && d && max && bc && BN_copy(max, EC_GROUP_get0_order(g)) &&
	    BN_sub_word(max, 2) && !BN_is_zero(d) && BN_cmp(d, max) <= 0 &&
	    EC_POINT_mul(g, q, d, NULL, NULL, bc) &&
	    EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pub, SM2_PUB, bc) == SM2_PUB;
	BN_CTX_free(bc);
	BN_clear_free(d);
	BN_free(max);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	return ok ? 0 : -1;
}

/* SM2-with-SM3 over msg (the ID set before the first update). */
int
zl_sm2_op(EVP_PKEY *k, int sign, const void *msg, size_t n, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX	*m = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*pc = NULL;
	int		 ok;

	if (sign)
		ok = m && EVP_DigestSignInit_ex(m, &pc, "SM3", NULL, NULL, k, NULL) > 0 &&
		    EVP_PKEY_CTX_set1_id(pc, SM2_ID, 16) > 0 &&
		    EVP_DigestSignUpdate(m, msg, n) > 0 &&
		    EVP_DigestSignFinal(m, sig, siglen) > 0;
	else
		ok = m && EVP_DigestVerifyInit_ex(m, &pc, "SM3", NULL, NULL, k, NULL) > 0 &&
		    EVP_PKEY_CTX_set1_id(pc, SM2_ID, 16) > 0 &&
		    EVP_DigestVerifyUpdate(m, msg, n) > 0 &&
		    EVP_DigestVerifyFinal(m, sig, *siglen) == 1;
	EVP_MD_CTX_free(m);
	return ok ? 0 : -1;
}


int
zl_sm2_generate(uint8_t *priv)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	BIGNUM		*d = NULL;
	int		 ok;

	ok = k != NULL && EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &d) &&
	    BN_bn2binpad(d, priv, SM2_PRIV) == SM2_PRIV;
	BN_clear_free(d);
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}
