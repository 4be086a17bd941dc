/* note.h: C2SP tlog-checkpoint bodies and C2SP signed notes, with Ed25519
 * (libsodium; signature type 0x01) or SM2 with SM3 (OpenSSL 3; the 国密
 * profile) keys, and C2SP tlog-cosignature/v1 witness cosignatures
 * (type 0x04).  All text is UTF-8, lines end with "\n". */
#ifndef ZL_NOTE_H
#define ZL_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "tlog/tlog.h"

enum zl_note_alg { ZL_NOTE_ED25519 = 0x01, ZL_NOTE_COSIG = 0x04, ZL_NOTE_SM2 = 0xa2 };

struct zl_note_signer;		/* a private key, opaque */
struct zl_note_verifier;	/* a public key, opaque */

/* A new key pair for `name` (a key name: no spaces, no '+').  Both texts are
 * malloc'd: the signer key "PRIVATE+KEY+<name>+<hash8>+<base64>" (to be kept
 * with mode 0600) and the verifier key "<name>+<hash8>+<base64>" (public). */
int	zl_note_generate(enum zl_note_alg alg, const char *name, char **signer_key,
	    char **verifier_key);
int	zl_note_signer_parse(const char *text, struct zl_note_signer **out);
int	zl_note_verifier_parse(const char *text, struct zl_note_verifier **out);
void	zl_note_signer_free(struct zl_note_signer *s);
void	zl_note_verifier_free(struct zl_note_verifier *v);
const char *zl_note_signer_name(const struct zl_note_signer *s);
enum zl_note_alg zl_note_signer_alg(const struct zl_note_signer *s);
enum zl_note_alg zl_note_verifier_alg(const struct zl_note_verifier *v);
/* The verifier key text of a signer (malloc'd). */
char	*zl_note_signer_verifier(const struct zl_note_signer *s);

/* The checkpoint body: "<origin>\n<size>\n<base64 root>\n" then the extension
 * lines (each ending in "\n"; NULL for none).  malloc'd. */
char	*zl_checkpoint_body(const char *origin, uint64_t size, const zl_tlog_hash root,
	    const char *extensions);
/* Parse a checkpoint body (the text before the blank line). */
int	zl_checkpoint_parse(const char *body, char *origin, size_t origin_n,
	    uint64_t *size, zl_tlog_hash root);

/* Sign body (ending in "\n") into a signed note: body, blank line, signature
 * line.  malloc'd. */
char	*zl_note_sign(const struct zl_note_signer *s, const char *body);
/* A cosignature line "— <name> <base64>" over a checkpoint body at time t
 * (seconds), as a witness with an Ed25519 signer would make it; malloc'd. */
char	*zl_note_cosign(const struct zl_note_signer *s, const char *body, uint64_t t);
/* Verify a signed note against one verifier: 0 if a signature line of that
 * key is present and valid (for cosignature keys: a valid cosignature line),
 * ZL_EINVAL otherwise.  *body_len gets the length of the body part. */
int	zl_note_verify(const char *note, const struct zl_note_verifier *v, size_t *body_len);

#endif
