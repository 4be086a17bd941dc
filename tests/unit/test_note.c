/* test_note.c: checkpoint bodies and C2SP signed notes: Go's sumdb/note
 * vector, Ed25519 and SM2 round trips, tlog-cosignature/v1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "tlog/note.h"
#include "tlog/tlog.h"
#include "tests.h"

static void
test_checkpoint__body_and_parse(void **state)
{
	const char *ex = "example.com/behind-the-sofa\n20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	char origin[64], *body, hex[65];
	uint64_t size;
	zl_tlog_hash root;

	(void)state;
	assert_int_equal(zl_checkpoint_parse(ex, origin, sizeof(origin), &size, root), 0);
	assert_string_equal(origin, "example.com/behind-the-sofa");
	assert_true(size == 20852163);
	body = zl_checkpoint_body(origin, size, root, NULL);
	assert_string_equal(body, ex);
	free(body);
	body = zl_checkpoint_body("zhili.example/log", 0, root, "hash sm3\n");
	assert_int_equal(zl_checkpoint_parse(body, origin, sizeof(origin), &size, root), 0);
	zl_tlog_hex(root, hex);
	assert_non_null(strstr(body, "\n0\n"));
	assert_non_null(strstr(body, "=\nhash sm3\n"));
	free(body);
	assert_int_equal(zl_checkpoint_parse(ex, origin, 10, &size, root), ZL_ELIMIT);
	assert_null(zl_checkpoint_body("", 1, root, NULL));
	assert_null(zl_checkpoint_body("a\nb", 1, root, NULL));
	assert_null(zl_checkpoint_body("o", 1, root, "no newline"));
	assert_null(zl_checkpoint_body("o", 1, root, "a\n\nb\n"));
	static const char *const bad[] = { "o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
		"o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n", "o\n12\n",
		"o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
		"o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
		"\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zl_checkpoint_parse(bad[i], origin, sizeof(origin), &size, root), ZL_EINVAL);
}

/* Go's golang.org/x/mod/sumdb/note example key and note. */
#define GO_SKEY "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_TEXT "If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define GO_SIG "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

static void
test_note__go_vector(void **state)
{
	struct zl_note_signer *s;
	struct zl_note_verifier *v;
	char *note, *vk;
	size_t body;

	(void)state;
	assert_int_equal(zl_note_signer_parse(GO_SKEY "\n", &s), 0);
	assert_string_equal(zl_note_signer_name(s), "PeterNeumann");
	vk = zl_note_signer_verifier(s);
	assert_string_equal(vk, GO_VKEY);
	note = zl_note_sign(s, GO_TEXT);
	assert_string_equal(note, GO_TEXT "\n" GO_SIG);
	assert_int_equal(zl_note_verifier_parse(GO_VKEY, &v), 0);
	assert_int_equal(zl_note_verify(note, v, &body), 0);
	assert_int_equal(body, strlen(GO_TEXT));
	/* an unknown key's line is ignored; without ours the note fails */
	assert_int_equal(zl_note_verify(GO_TEXT "\n" GO_SIG ENOCH, v, &body), 0);
	assert_int_equal(zl_note_verify(GO_TEXT "\n" ENOCH, v, &body), ZL_EINVAL);
	assert_int_equal(zl_note_verify("If you think cryptography is the answer to your problem,\n"
	    "then you do know what your problem is.\n\n" GO_SIG, v, &body), ZL_EINVAL);
	assert_int_equal(zl_note_verify(GO_TEXT GO_SIG, v, &body), ZL_EINVAL);
	assert_int_equal(zl_note_verify(GO_TEXT "\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8p"
	    "AcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", v, &body), ZL_EINVAL);
	assert_int_equal(zl_note_verify("bad\x01text\n\n" GO_SIG, v, &body), ZL_EINVAL);
	assert_int_equal(zl_note_verify("bad \xc0\xaf utf-8\n\n" GO_SIG, v, &body), ZL_EINVAL);
	zl_note_verifier_free(v);
	assert_int_equal(zl_note_verifier_parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v), ZL_EINVAL);
	assert_int_equal(zl_note_verifier_parse("Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v), ZL_EINVAL);
	free(note);
	free(vk);
	zl_note_signer_free(s);
	assert_int_equal(zl_note_signer_parse(GO_VKEY, &s), ZL_EINVAL);	/* not a signer key */
	assert_int_equal(zl_note_signer_parse("PRIVATE+KEY+PeterNeumann+c74f20a4+"
	    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", &s), ZL_EINVAL);
}

/* Sign with a new key of alg; a wrong key and a changed body are refused. */
static void
round_trip(enum zl_note_alg alg)
{
	struct zl_note_signer *s;
	struct zl_note_verifier *v, *w;
	char *sk, *vk, *sk2, *vk2, *note, *vs;
	const char *body = "zhili.example/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	size_t n;

	assert_int_equal(zl_note_generate(alg, "zhili.example/log", &sk, &vk), 0);
	assert_int_equal(zl_note_generate(alg, "zhili.example/log", &sk2, &vk2), 0);
	assert_int_equal(strncmp(sk, "PRIVATE+KEY+zhili.example/log+", 30), 0);
	assert_int_equal(zl_note_signer_parse(sk, &s), 0);
	assert_int_equal(zl_note_signer_alg(s), alg);
	vs = zl_note_signer_verifier(s);
	assert_string_equal(vs, vk);
	assert_int_equal(zl_note_verifier_parse(vk, &v), 0);
	assert_int_equal(zl_note_verifier_alg(v), alg);
	assert_int_equal(zl_note_verifier_parse(vk2, &w), 0);
	note = zl_note_sign(s, body);
	assert_non_null(note);
	assert_int_equal(zl_note_verify(note, v, &n), 0);
	assert_int_equal(n, strlen(body));
	assert_int_equal(zl_note_verify(note, w, &n), ZL_EINVAL);
	note[18] = '4';					/* size 3 → 4 */
	assert_int_equal(zl_note_verify(note, v, &n), ZL_EINVAL);
	assert_null(zl_note_sign(s, "no final newline"));
	free(sk2);
	free(vk2);
	assert_int_equal(zl_note_generate(alg, "bad name", &sk2, &vk2), ZL_EINVAL);
	assert_int_equal(zl_note_generate(alg, "a+b", &sk2, &vk2), ZL_EINVAL);
	free(note);
	free(sk);
	free(vk);
	free(vs);
	zl_note_signer_free(s);
	zl_note_verifier_free(v);
	zl_note_verifier_free(w);
}

static void
test_note__ed25519_round_trip(void **state)
{
	(void)state;
	round_trip(ZL_NOTE_ED25519);
}

static void
test_note__sm2_round_trip(void **state)
{
	(void)state;
	round_trip(ZL_NOTE_SM2);
}

static void
test_note__cosignature_round_trip(void **state)
{
	struct zl_note_signer *log, *wit;
	struct zl_note_verifier *lv, *wv;
	char *sk, *vk, *note, *line, *full;
	const char *body = "zhili.example/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	size_t n;

	(void)state;
	assert_int_equal(zl_note_signer_parse(GO_SKEY, &log), 0);
	assert_int_equal(zl_note_verifier_parse(GO_VKEY, &lv), 0);
	assert_int_equal(zl_note_generate(ZL_NOTE_COSIG, "witness.example/w1", &sk, &vk), 0);
	assert_int_equal(zl_note_signer_parse(sk, &wit), 0);
	assert_int_equal(zl_note_verifier_parse(vk, &wv), 0);
	note = zl_note_sign(log, body);
	line = zl_note_cosign(wit, body, 1679315147);
	assert_int_equal(strncmp(line, "— witness.example/w1 ", sizeof("— witness.example/w1 ") - 1), 0);
	assert_null(strchr(line, '\n'));
	n = strlen(note) + strlen(line) + 2;
	full = malloc(n);
	snprintf(full, n, "%s%s\n", note, line);
	assert_int_equal(zl_note_verify(full, wv, &n), 0);
	assert_int_equal(zl_note_verify(full, lv, &n), 0);
	assert_int_equal(zl_note_verify(note, wv, &n), ZL_EINVAL);	/* not cosigned */
	full[20] = '4';		/* another size: both signatures fail */
	assert_int_equal(zl_note_verify(full, wv, &n), ZL_EINVAL);
	free(line);
	line = zl_note_cosign(log, body, 1);	/* an Ed25519 note key as a witness key */
	assert_non_null(line);
	free(line);
	free(full);
	free(note);
	free(sk);
	free(vk);
	zl_note_signer_free(log);
	zl_note_signer_free(wit);
	zl_note_verifier_free(lv);
	zl_note_verifier_free(wv);
}

static int
setup(void **state)
{
	(void)state;
	return zl_tlog_init();
}

const struct CMUnitTest note_tests[] = {
	cmocka_unit_test_setup(test_checkpoint__body_and_parse, setup),
	cmocka_unit_test(test_note__go_vector),
	cmocka_unit_test(test_note__ed25519_round_trip),
	cmocka_unit_test(test_note__sm2_round_trip),
	cmocka_unit_test(test_note__cosignature_round_trip),
};
const size_t note_tests_n = sizeof(note_tests) / sizeof(note_tests[0]);
