/* note.c: C2SP signed notes and tlog-checkpoint bodies, with Ed25519 keys
 * (type 0x01, libsodium), tlog-cosignature/v1 witness keys (type 0x04,
 * Ed25519 over "cosignature/v1\ntime <t>\n" + body, signature = timestamp ||
 * sig) and SM2 keys.  Exports the functions of note.h.
 *
 * SM2 (type 0xa2): C2SP assigns no signature type to SM2, so Zhili uses 0xa2,
 * outside the assigned and reserved values (0x01-0x06, 0xfa-0xff), as a
 * private type.  The public key is the 65-byte uncompressed point 04||X||Y,
 * the private key the 32-byte big-endian scalar; signatures are DER
 * SM2-with-SM3 (GB/T 32918.2) with the standard ID "1234567812345678".  The
 * key ID is computed as for every type: SHA-256(name || "\n" || 0xa2 || key)[:4].
 * Key texts follow Go's golang.org/x/mod/sumdb/note: "<name>+<hash8>+<b64>"
 * and "PRIVATE+KEY+<name>+<hash8>+<b64>", b64 = base64(type || key). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "core/err.h"
#include "tlog/note.h"
#include "tlog/sm2.h"

#define NAME_MAX_LEN	512
#define MAX_SIGS	100		/* signature lines read per note */
#define SM2_PUB		ZL_SM2_PUB
#define SM2_PRIV	ZL_SM2_PRIV
#define DASH		"\xe2\x80\x94 "	/* U+2014 and a space */
#define COSIG_HEAD	"cosignature/v1\ntime "

struct key {
	enum zl_note_alg alg;
	uint32_t	 hash;
	char		*name;
	uint8_t		 pub[SM2_PUB];
	size_t		 publen;
	EVP_PKEY	*pkey;		/* SM2 */
};

struct zl_note_signer {		/* in sodium_malloc memory */
	struct key	 k;
	uint8_t		 priv[SM2_PRIV];	/* Ed25519 seed or SM2 scalar */
	uint8_t		 sk[crypto_sign_SECRETKEYBYTES];
};

struct zl_note_verifier {
	struct key	 k;
};

/* The length of the UTF-8 sequence at s (0 if invalid), its code point in *cp. */
static size_t
utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	 len;
	unsigned lo = 0x80, hi = 0xbf;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	*cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return len;
}

/* Valid UTF-8 without control characters other than newline. */
static int
valid_text(const char *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0, l; i < n; i += l)
		if ((l = utf8((const unsigned char *)s + i, n - i, &cp)) == 0 ||
		    (cp < 0x20 && cp != '\n'))
			return 0;
	return 1;
}

static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Non-empty UTF-8 without Unicode spaces, '+' or control characters. */
static int
valid_name(const char *s, size_t n)
{
	uint32_t cp;

	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0, l; i < n; i += l)
		if ((l = utf8((const unsigned char *)s + i, n - i, &cp)) == 0 ||
		    cp < 0x20 || cp == '+' || is_space(cp))
			return 0;
	return 1;
}

static uint32_t
key_hash(const char *name, size_t n, uint8_t alg, const uint8_t *pub, size_t publen)
{
	uint8_t		 buf[NAME_MAX_LEN + 2 + SM2_PUB];
	zl_tlog_hash	 h;

	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = alg;
	memcpy(buf + n + 2, pub, publen);
	zl_tlog_hash_data(ZL_TLOG_SHA256, buf, n + 2 + publen, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static int
b64_decode(const char *s, size_t n, uint8_t *out, size_t max, size_t *len)
{
	const char *end;

	return n > 0 && sodium_base642bin(out, max, s, n, NULL, len, &end,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && end == s + n ? 0 : -1;
}

/* base64 of in into a malloc'd string, after prefix. */
static char *
b64_append(const char *prefix, const uint8_t *in, size_t n, const char *suffix)
{
	size_t	 pl = strlen(prefix), bl = sodium_base64_ENCODED_LEN(n,
		    sodium_base64_VARIANT_ORIGINAL), sl = strlen(suffix);
	char	*s = malloc(pl + bl + sl);

	if (s == NULL)
		return NULL;
	memcpy(s, prefix, pl);
	sodium_bin2base64(s + pl, bl, in, n, sodium_base64_VARIANT_ORIGINAL);
	memcpy(s + pl + bl - 1, suffix, sl + 1);
	return s;
}

static void
key_clear(struct key *k)
{
	free(k->name);
	EVP_PKEY_free(k->pkey);
}

/* A signer for name from its private key bytes; checks hash8 unless NULL. */
static int
signer_new(enum zl_note_alg alg, const char *name, size_t nlen, const uint8_t *priv,
    size_t plen, const char *hash8, struct zl_note_signer **out)
{
	struct zl_note_signer	*s;
	char			 want[9];

	*out = NULL;
	if (!valid_name(name, nlen))
		return ZL_EINVAL;
	if (alg != ZL_NOTE_ED25519 && alg != ZL_NOTE_COSIG && alg != ZL_NOTE_SM2)
		return ZL_EINVAL;
	if (plen != (alg == ZL_NOTE_SM2 ? SM2_PRIV : crypto_sign_SEEDBYTES))
		return ZL_EINVAL;
	if ((s = sodium_malloc(sizeof(*s))) == NULL)
		return ZL_ENOMEM;
	memset(s, 0, sizeof(*s));
	s->k.alg = alg;
	memcpy(s->priv, priv, plen);
	if (alg == ZL_NOTE_SM2) {
		s->k.publen = SM2_PUB;
		if (zl_sm2_public(priv, s->k.pub) != 0 ||
		    (s->k.pkey = zl_sm2_pkey(s->k.pub, priv)) == NULL)
			goto bad;
	} else {
		s->k.publen = crypto_sign_PUBLICKEYBYTES;
		crypto_sign_seed_keypair(s->k.pub, s->sk, priv);
	}
	s->k.hash = key_hash(name, nlen, (uint8_t)alg, s->k.pub, s->k.publen);
	snprintf(want, sizeof(want), "%08" PRIx32, s->k.hash);
	if ((hash8 != NULL && strncasecmp(hash8, want, 8) != 0) ||
	    (s->k.name = strndup(name, nlen)) == NULL)
		goto bad;
	*out = s;
	return 0;
bad:
	zl_note_signer_free(s);
	return ZL_EINVAL;
}

void
zl_note_signer_free(struct zl_note_signer *s)
{
	if (s == NULL)
		return;
	key_clear(&s->k);
	sodium_free(s);
}

void
zl_note_verifier_free(struct zl_note_verifier *v)
{
	if (v == NULL)
		return;
	key_clear(&v->k);
	free(v);
}

const char *
zl_note_signer_name(const struct zl_note_signer *s)
{
	return s->k.name;
}

enum zl_note_alg
zl_note_signer_alg(const struct zl_note_signer *s)
{
	return s->k.alg;
}

enum zl_note_alg
zl_note_verifier_alg(const struct zl_note_verifier *v)
{
	return v->k.alg;
}

/* "<prefix><name>+<hash8>+<base64(alg || key)>" */
static char *
key_text(const char *prefix, const struct key *k, const uint8_t *key, size_t n)
{
	uint8_t	 raw[1 + SM2_PUB];
	char	*head, *s;
	size_t	 hl = strlen(prefix) + strlen(k->name) + 11;

	if ((head = malloc(hl)) == NULL)
		return NULL;
	snprintf(head, hl, "%s%s+%08" PRIx32 "+", prefix, k->name, k->hash);
	raw[0] = (uint8_t)k->alg;
	memcpy(raw + 1, key, n);
	s = b64_append(head, raw, n + 1, "");
	sodium_memzero(raw, sizeof(raw));
	free(head);
	return s;
}

char *
zl_note_signer_verifier(const struct zl_note_signer *s)
{
	return key_text("", &s->k, s->k.pub, s->k.publen);
}

int
zl_note_generate(enum zl_note_alg alg, const char *name, char **signer_key,
    char **verifier_key)
{
	struct zl_note_signer	*s;
	uint8_t			 priv[SM2_PRIV];
	int			 rc;

	*signer_key = *verifier_key = NULL;
	if (zl_tlog_init() != 0)
		return ZL_EINTERNAL;
	if (alg == ZL_NOTE_SM2) {
		if (zl_sm2_generate(priv) != 0)
			return ZL_EINTERNAL;
	} else
		randombytes_buf(priv, sizeof(priv));
	rc = signer_new(alg, name ? name : "", name ? strlen(name) : 0, priv, sizeof(priv),
	    NULL, &s);
	sodium_memzero(priv, sizeof(priv));
	if (rc != 0)
		return rc;
	*signer_key = key_text("PRIVATE+KEY+", &s->k, s->priv, SM2_PRIV);
	*verifier_key = zl_note_signer_verifier(s);
	zl_note_signer_free(s);
	if (*signer_key == NULL || *verifier_key == NULL) {
		free(*signer_key);
		free(*verifier_key);
		*signer_key = *verifier_key = NULL;
		return ZL_ENOMEM;
	}
	return 0;
}

/* Split "<name>+<hash8>+<base64>" (trailing white space ignored) and decode. */
static int
split_key(const char *text, const char **name, size_t *nlen, const char **hash8,
    uint8_t *raw, size_t max, size_t *rawlen)
{
	const char	*p1, *p2;
	size_t		 n = strlen(text);

	while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
		n--;
	if ((p1 = memchr(text, '+', n)) == NULL ||
	    (p2 = memchr(p1 + 1, '+', n - (size_t)(p1 + 1 - text))) == NULL || p2 - p1 != 9)
		return ZL_EINVAL;
	for (const char *h = p1 + 1; h < p2; h++)
		if (!strchr("0123456789abcdefABCDEF", *h))
			return ZL_EINVAL;
	if (b64_decode(p2 + 1, n - (size_t)(p2 + 1 - text), raw, max, rawlen) != 0 ||
	    *rawlen < 2)
		return ZL_EINVAL;
	*name = text;
	*nlen = (size_t)(p1 - text);
	*hash8 = p1 + 1;
	return 0;
}

int
zl_note_signer_parse(const char *text, struct zl_note_signer **out)
{
	const char	*name, *hash8;
	uint8_t		 raw[1 + SM2_PUB];
	size_t		 nlen, rawlen;
	int		 rc;

	*out = NULL;
	if (zl_tlog_init() != 0)
		return ZL_EINTERNAL;
	if (text == NULL || strncmp(text, "PRIVATE+KEY+", 12) != 0 ||
	    split_key(text + 12, &name, &nlen, &hash8, raw, sizeof(raw), &rawlen) != 0)
		return ZL_EINVAL;
	rc = signer_new((enum zl_note_alg)raw[0], name, nlen, raw + 1, rawlen - 1, hash8, out);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int
zl_note_verifier_parse(const char *text, struct zl_note_verifier **out)
{
	struct zl_note_verifier	*v;
	const char		*name, *hash8;
	uint8_t			 raw[1 + SM2_PUB];
	size_t			 nlen, rawlen;
	char			 want[9];

	*out = NULL;
	if (zl_tlog_init() != 0)
		return ZL_EINTERNAL;
	if (text == NULL || split_key(text, &name, &nlen, &hash8, raw, sizeof(raw), &rawlen) != 0 ||
	    !valid_name(name, nlen))
		return ZL_EINVAL;
	switch (raw[0]) {
	case ZL_NOTE_ED25519:
	case ZL_NOTE_COSIG:
		if (rawlen != 1 + crypto_sign_PUBLICKEYBYTES)
			return ZL_EINVAL;
		break;
	case ZL_NOTE_SM2:
		if (rawlen != 1 + SM2_PUB || raw[1] != 0x04)
			return ZL_EINVAL;
		break;
	default:
		return ZL_EINVAL;
	}
	snprintf(want, sizeof(want), "%08" PRIx32, key_hash(name, nlen, raw[0], raw + 1,
	    rawlen - 1));
	if (strncasecmp(hash8, want, 8) != 0)
		return ZL_EINVAL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return ZL_ENOMEM;
	v->k.alg = raw[0];
	v->k.hash = (uint32_t)strtoul(want, NULL, 16);
	v->k.publen = rawlen - 1;
	memcpy(v->k.pub, raw + 1, rawlen - 1);
	if ((v->k.name = strndup(name, nlen)) == NULL ||
	    (v->k.alg == ZL_NOTE_SM2 && (v->k.pkey = zl_sm2_pkey(v->k.pub, NULL)) == NULL)) {
		zl_note_verifier_free(v);
		return ZL_EINVAL;
	}
	*out = v;
	return 0;
}

char *
zl_checkpoint_body(const char *origin, uint64_t size, const zl_tlog_hash root,
    const char *extensions)
{
	char	 b64[sodium_base64_ENCODED_LEN(ZL_TLOG_HASH, sodium_base64_VARIANT_ORIGINAL)];
	char	*s;
	size_t	 ol, el = extensions ? strlen(extensions) : 0, n;

	if (origin == NULL || (ol = strlen(origin)) == 0 || strchr(origin, '\n') ||
	    !valid_text(origin, ol) || (el > 0 && (extensions[el - 1] != '\n' ||
	    strstr(extensions, "\n\n") || extensions[0] == '\n' || !valid_text(extensions, el))))
		return NULL;
	sodium_bin2base64(b64, sizeof(b64), root, ZL_TLOG_HASH, sodium_base64_VARIANT_ORIGINAL);
	n = ol + 1 + 21 + sizeof(b64) + 1 + el + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "%s\n%" PRIu64 "\n%s\n%s", origin, size, b64, el ? extensions : "");
	return s;
}

int
zl_checkpoint_parse(const char *body, char *origin, size_t origin_n, uint64_t *size,
    zl_tlog_hash root)
{
	const char	*l2, *l3, *end, *p;
	size_t		 len, rl;
	uint64_t	 v = 0;

	if (body == NULL || (len = strlen(body)) == 0 || body[len - 1] != '\n' ||
	    !valid_text(body, len) || strstr(body, "\n\n") != NULL)
		return ZL_EINVAL;
	l2 = strchr(body, '\n') + 1;
	if (l2 == body + 1 || (l3 = strchr(l2, '\n')) == NULL)
		return ZL_EINVAL;
	l3++;
	if ((end = strchr(l3, '\n')) == NULL)
		return ZL_EINVAL;
	if (l3 - l2 - 1 > 20 || (*l2 == '0' && l3 - l2 != 2))
		return ZL_EINVAL;	/* at most 20 digits, no leading zeros */
	for (p = l2; p < l3 - 1; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return ZL_EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (b64_decode(l3, (size_t)(end - l3), root, ZL_TLOG_HASH, &rl) != 0 ||
	    rl != ZL_TLOG_HASH)
		return ZL_EINVAL;
	if ((size_t)(l2 - body) > origin_n)
		return ZL_ELIMIT;
	memcpy(origin, body, (size_t)(l2 - body - 1));
	origin[l2 - body - 1] = '\0';
	*size = v;
	return 0;
}

/* The bytes after the key ID of a signature by s over text; *n their length. */
static int
sign_bytes(const struct zl_note_signer *s, enum zl_note_alg as, const char *text,
    uint64_t t, uint8_t *out, size_t *n)
{
	char	*msg;
	size_t	 tl = strlen(text), ml;
	int	 rc = 0;

	switch (as) {
	case ZL_NOTE_ED25519:
		*n = crypto_sign_BYTES;
		return crypto_sign_detached(out, NULL, (const uint8_t *)text, tl, s->sk);
	case ZL_NOTE_COSIG:
		if (t > INT64_MAX || (msg = malloc(ml = sizeof(COSIG_HEAD) + 21 + tl)) == NULL)
			return -1;
		snprintf(msg, ml, COSIG_HEAD "%" PRIu64 "\n%s", t, text);
		for (int i = 0; i < 8; i++)
			out[i] = (uint8_t)(t >> (56 - 8 * i));
		*n = 8 + crypto_sign_BYTES;
		rc = crypto_sign_detached(out + 8, NULL, (const uint8_t *)msg, strlen(msg), s->sk);
		free(msg);
		return rc;
	default:
		*n = 80;
		return zl_sm2_op(s->k.pkey, 1, text, tl, out, n);
	}
}

/* "— <name> <base64(keyid || sig)>" without a newline. */
static char *
sig_line(const struct zl_note_signer *s, enum zl_note_alg as, const char *text, uint64_t t)
{
	uint8_t	 raw[4 + 80];
	size_t	 n, hl = strlen(s->k.name) + sizeof(DASH) + 1;
	uint32_t h = s->k.hash;
	char	*head, *line;

	if (!valid_text(text, strlen(text)) || text[0] == '\0' ||
	    text[strlen(text) - 1] != '\n')
		return NULL;
	if (as != s->k.alg)	/* an Ed25519 key cosigning: the ID for type 0x04 */
		h = key_hash(s->k.name, strlen(s->k.name), (uint8_t)as, s->k.pub, s->k.publen);
	for (int i = 0; i < 4; i++)
		raw[i] = (uint8_t)(h >> (24 - 8 * i));
	if (sign_bytes(s, as, text, t, raw + 4, &n) != 0 || (head = malloc(hl)) == NULL)
		return NULL;
	snprintf(head, hl, DASH "%s ", s->k.name);
	line = b64_append(head, raw, 4 + n, "");
	free(head);
	return line;
}

char *
zl_note_sign(const struct zl_note_signer *s, const char *body)
{
	char	*line, *note;
	size_t	 n;

	if (s == NULL || body == NULL ||
	    (line = sig_line(s, s->k.alg, body, (uint64_t)time(NULL))) == NULL)
		return NULL;
	n = strlen(body) + 1 + strlen(line) + 2;
	if ((note = malloc(n)) != NULL)
		snprintf(note, n, "%s\n%s\n", body, line);
	free(line);
	return note;
}

char *
zl_note_cosign(const struct zl_note_signer *s, const char *body, uint64_t t)
{
	if (s == NULL || body == NULL || s->k.alg == ZL_NOTE_SM2)
		return NULL;
	return sig_line(s, ZL_NOTE_COSIG, body, t);
}

/* Check one signature (after the key ID) by v over text. */
static int
check(const struct zl_note_verifier *v, const char *text, size_t tl, const uint8_t *sig,
    size_t n)
{
	uint64_t	 t = 0;
	char		*msg;
	size_t		 ml;
	int		 rc;

	switch (v->k.alg) {
	case ZL_NOTE_ED25519:
		return n == crypto_sign_BYTES &&
		    crypto_sign_verify_detached(sig, (const uint8_t *)text, tl, v->k.pub) == 0;
	case ZL_NOTE_COSIG:
		if (n != 8 + crypto_sign_BYTES)
			return 0;
		for (int i = 0; i < 8; i++)
			t = t << 8 | sig[i];
		if (t > INT64_MAX || (msg = malloc(ml = sizeof(COSIG_HEAD) + 21 + tl)) == NULL)
			return 0;
		n = (size_t)snprintf(msg, ml, COSIG_HEAD "%" PRIu64 "\n", t);
		memcpy(msg + n, text, tl);
		rc = crypto_sign_verify_detached(sig + 8, (const uint8_t *)msg, n + tl,
		    v->k.pub) == 0;
		free(msg);
		return rc;
	default:
		return zl_sm2_op(v->k.pkey, 0, text, tl, (uint8_t *)sig, &n) == 0;
	}
}

int
zl_note_verify(const char *note, const struct zl_note_verifier *v, size_t *body_len)
{
	const char	*sigs, *line, *nl, *sp, *split = NULL;
	uint8_t		*raw = NULL;
	size_t		 len, tl, rawlen, nlen;
	int		 nsig = 0, ok = 0, rc = ZL_EINVAL;

	if (note == NULL || v == NULL || !valid_text(note, len = strlen(note)))
		return ZL_EINVAL;
	for (const char *p = note; (p = strstr(p, "\n\n")) != NULL; p++)
		split = p;	/* the last blank line */
	if (split == NULL)
		return ZL_EINVAL;
	tl = (size_t)(split - note) + 1;
	sigs = split + 2;
	if (*sigs == '\0' || note[len - 1] != '\n' || (raw = malloc(len)) == NULL)
		return ZL_EINVAL;
	for (line = sigs; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (++nsig > MAX_SIGS || strncmp(line, DASH, sizeof(DASH) - 1) != 0)
			goto done;
		line += sizeof(DASH) - 1;
		if ((sp = memchr(line, ' ', (size_t)(nl - line))) == NULL)
			goto done;
		nlen = (size_t)(sp - line);
		if (!valid_name(line, nlen) ||
		    b64_decode(sp + 1, (size_t)(nl - sp - 1), raw, len, &rawlen) != 0 || rawlen < 5)
			goto done;
		if (nlen != strlen(v->k.name) || memcmp(line, v->k.name, nlen) != 0 ||
		    ((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 |
		    raw[3]) != v->k.hash)
			continue;	/* another key's signature */
		if (!check(v, note, tl, raw + 4, rawlen - 4))
			goto done;	/* a bad signature by this key spoils the note */
		ok = 1;
	}
	if (ok) {
		rc = 0;
		if (body_len != NULL)
			*body_len = tl;
	}
done:
	free(raw);
	return rc;
}
