/* tlog_cli.c: `zhili tlog …`, a verifier anyone can run against any RFC 9162
 * log: roots of leaf lists, inclusion and consistency proofs, signed
 * checkpoints.  Exports zl_cli_tlog; exit 0 valid, 1 invalid, 2 bad usage. */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tlog/note.h"
#include "tlog/tlog.h"

#define NOTE_MAX	(1 << 20)

enum { OK = 0, INVALID = 1, USAGE = 2 };

static const char usage_text[] =
    "usage: zhili tlog root [--hash sha256|sm3] < leaves\n"
    "       zhili tlog verify-inclusion [--hash H] --leaf-hash HEX --index I --size N\n"
    "                  --root HEX --proof HEX,HEX,…\n"
    "       zhili tlog verify-consistency [--hash H] --old-size M --new-size N\n"
    "                  --old-root HEX --new-root HEX --proof HEX,HEX,…\n"
    "       zhili tlog verify-checkpoint --key VERIFIER_KEY FILE\n"
    "leaves: one per line, the leaf data in hex (an empty line is an empty leaf)\n"
    "exit status: 0 valid, 1 invalid, 2 bad usage\n";

struct opts {
	const char	*hash, *leaf_hash, *index, *size, *root, *proof;
	const char	*old_size, *new_size, *old_root, *new_root, *key, *file;
};

/* One line saying why, or the whole text when no subcommand was given. */
static int
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "zhili tlog: %s (zhili tlog help: usage)\n", why);
	else
		fputs(usage_text, stderr);
	return USAGE;
}

/* "--name value" or "--name=value" into the matching field; one FILE operand. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; size_t off; } tab[] = {
		{ "hash", offsetof(struct opts, hash) },
		{ "leaf-hash", offsetof(struct opts, leaf_hash) },
		{ "index", offsetof(struct opts, index) },
		{ "size", offsetof(struct opts, size) },
		{ "root", offsetof(struct opts, root) },
		{ "proof", offsetof(struct opts, proof) },
		{ "old-size", offsetof(struct opts, old_size) },
		{ "new-size", offsetof(struct opts, new_size) },
		{ "old-root", offsetof(struct opts, old_root) },
		{ "new-root", offsetof(struct opts, new_root) },
		{ "key", offsetof(struct opts, key) },
	};
	char msg[160];

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *eq, *v;
		size_t n, t;
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (o->file != NULL)
				return usage("more than one FILE");
			o->file = a;
			continue;
		}
		a += 2;
		n = (eq = strchr(a, '=')) ? (size_t)(eq - a) : strlen(a);
		for (t = 0; t < sizeof(tab) / sizeof(tab[0]); t++)
			if (strlen(tab[t].name) == n && strncmp(tab[t].name, a, n) == 0)
				break;
		if (t == sizeof(tab) / sizeof(tab[0])) {
			snprintf(msg, sizeof(msg), "unknown option --%.*s", (int)n, a);
			return usage(msg);
		}
		if (eq != NULL)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else {
			snprintf(msg, sizeof(msg), "--%s needs a value", tab[t].name);
			return usage(msg);
		}
		*(const char **)((char *)o + tab[t].off) = v;
	}
	return OK;
}

static int
get_alg(const struct opts *o, enum zl_tlog_alg *alg)
{
	int a = zl_tlog_alg_parse(o->hash ? o->hash : "sha256");

	if (a < 0)
		return usage("--hash must be sha256 or sm3");
	*alg = (enum zl_tlog_alg)a;
	return OK;
}

static int
get_u64(const char *s, const char *name, uint64_t *v)
{
	char msg[96], *end;

	errno = 0;
	if (s == NULL) {
		snprintf(msg, sizeof(msg), "--%s is required", name);
		return usage(msg);
	}
	if (*s < '0' || *s > '9' || (*v = strtoull(s, &end, 10), errno != 0) || *end != '\0') {
		snprintf(msg, sizeof(msg), "--%s must be a decimal number", name);
		return usage(msg);
	}
	return OK;
}

static int
get_hash(const char *s, const char *name, zl_tlog_hash h)
{
	char msg[96];

	if (s != NULL && zl_tlog_unhex(s, h) == 0)
		return OK;
	snprintf(msg, sizeof(msg), "--%s must be a hash of 64 hex digits", name);
	return usage(msg);
}

/* "H1,H2,…" (may be empty or absent) into proof. */
static int
get_proof(const char *s, zl_tlog_hash *proof, size_t *n)
{
	char one[65];
	size_t len;

	*n = 0;
	while (s != NULL && *s != '\0') {
		len = strcspn(s, ",");
		if (*n == ZL_TLOG_MAXPROOF)
			return usage("--proof has too many hashes");
		if (len != 64)
			return usage("--proof must be hashes of 64 hex digits separated by commas");
		memcpy(one, s, 64);
		one[64] = '\0';
		if (zl_tlog_unhex(one, proof[(*n)++]) != 0)
			return usage("--proof must be hashes of 64 hex digits separated by commas");
		s += len;
		if (*s == ',' && *++s == '\0')
			return usage("--proof ends with a comma");
	}
	return OK;
}

static int
invalid(const char *why)
{
	fprintf(stderr, "invalid: %s\n", why);
	return INVALID;
}

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
cmd_root(const struct opts *o)
{
	struct zl_tlog_frontier	 f = { 0 };
	enum zl_tlog_alg	 alg;
	zl_tlog_hash		 h;
	char			*line = NULL, hex[65];
	uint8_t			*leaf = NULL;
	size_t			 cap = 0, n;
	ssize_t			 len;
	uint64_t		 lineno = 0;
	int			 rc;

	if ((rc = get_alg(o, &alg)) != OK)
		return rc;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len % 2 != 0 || (leaf = realloc(leaf, (size_t)len / 2 + 1)) == NULL)
			goto bad;
		for (n = 0; n < (size_t)len / 2; n++) {
			int hi = hexdigit(line[2 * n]), lo = hexdigit(line[2 * n + 1]);
			if (hi < 0 || lo < 0)
				goto bad;
			leaf[n] = (uint8_t)(hi << 4 | lo);
		}
		zl_tlog_leaf_hash(alg, leaf, n, h);
		zl_tlog_append(alg, &f, h, NULL, NULL);
	}
	free(line);
	free(leaf);
	zl_tlog_frontier_root(alg, &f, h);
	zl_tlog_hex(h, hex);
	printf("%s\n", hex);
	return OK;
bad:
	free(line);
	free(leaf);
	fprintf(stderr, "zhili tlog root: line %" PRIu64 " is not hex-encoded leaf data\n", lineno);
	return USAGE;
}

/* The RFC 9162 proof length for leaf index of size. */
static size_t
inclusion_len(uint64_t index, uint64_t size)
{
	uint64_t x = index ^ (size - 1);
	int inner = x ? 64 - __builtin_clzll(x) : 0;

	return (size_t)inner + (size_t)__builtin_popcountll(index >> inner);
}

static int
cmd_inclusion(const struct opts *o)
{
	zl_tlog_hash		 leaf, root, proof[ZL_TLOG_MAXPROOF];
	enum zl_tlog_alg	 alg;
	uint64_t		 index, size;
	size_t			 n;
	char			 msg[128];
	int			 rc;

	if ((rc = get_alg(o, &alg)) || (rc = get_hash(o->leaf_hash, "leaf-hash", leaf)) ||
	    (rc = get_u64(o->index, "index", &index)) || (rc = get_u64(o->size, "size", &size)) ||
	    (rc = get_hash(o->root, "root", root)) || (rc = get_proof(o->proof, proof, &n)))
		return rc;
	if (index >= size)
		return invalid("the leaf index is not below the tree size");
	if (n != inclusion_len(index, size)) {
		snprintf(msg, sizeof(msg), "the proof has %zu hash(es); leaf %" PRIu64
		    " of a tree of size %" PRIu64 " needs %zu", n, index, size,
		    inclusion_len(index, size));
		return invalid(msg);
	}
	if (zl_tlog_verify_inclusion(alg, leaf, index, size, proof, n, root) != 0)
		return invalid("the proof does not lead from the leaf hash to the root");
	printf("valid: leaf %" PRIu64 " is in the tree of size %" PRIu64 "\n", index, size);
	return OK;
}

static int
cmd_consistency(const struct opts *o)
{
	zl_tlog_hash		 r1, r2, proof[ZL_TLOG_MAXPROOF];
	enum zl_tlog_alg	 alg;
	uint64_t		 m, n;
	size_t			 len;
	int			 rc;

	if ((rc = get_alg(o, &alg)) || (rc = get_u64(o->old_size, "old-size", &m)) ||
	    (rc = get_u64(o->new_size, "new-size", &n)) ||
	    (rc = get_hash(o->old_root, "old-root", r1)) ||
	    (rc = get_hash(o->new_root, "new-root", r2)) || (rc = get_proof(o->proof, proof, &len)))
		return rc;
	if (m > n)
		return invalid("the old size is larger than the new size");
	if ((m == 0 || m == n) && len != 0)
		return invalid("the proof must be empty for these sizes");
	if (m == n && memcmp(r1, r2, ZL_TLOG_HASH) != 0)
		return invalid("same size but different roots");
	if (m == 0 && zl_tlog_verify_consistency(alg, 0, n, r1, r2, proof, 0) != 0)
		return invalid("the old root is not the empty tree's root");
	if (m != 0 && m != n && len == 0)
		return invalid("the proof is empty");
	if (zl_tlog_verify_consistency(alg, m, n, r1, r2, proof, len) != 0)
		return invalid("the proof does not connect the old root to the new root");
	printf("valid: the tree of size %" PRIu64 " extends the tree of size %" PRIu64 "\n", n, m);
	return OK;
}

static char *
read_all(const char *path, size_t *n)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	*buf;

	if (f == NULL || (buf = malloc(NOTE_MAX + 1)) == NULL) {
		if (f != NULL && f != stdin)
			fclose(f);
		return NULL;
	}
	*n = fread(buf, 1, NOTE_MAX + 1, f);
	if (f != stdin)
		fclose(f);
	buf[*n > NOTE_MAX ? NOTE_MAX : *n] = '\0';
	return buf;
}

static int
cmd_checkpoint(const struct opts *o)
{
	struct zl_note_verifier	*v;
	char			*note, *body, origin[1024], hex[65];
	const char		*ext;
	zl_tlog_hash		 root;
	uint64_t		 size;
	size_t			 n, blen;
	int			 rc = INVALID;

	if (o->key == NULL || o->file == NULL)
		return usage("verify-checkpoint needs --key VERIFIER_KEY and FILE");
	if (zl_note_verifier_parse(o->key, &v) != 0)
		return usage("--key is not a verifier key NAME+HASH+BASE64 of a known type");
	if ((note = read_all(o->file, &n)) == NULL) {
		fprintf(stderr, "zhili tlog: %s: %s\n", o->file, strerror(errno));
		zl_note_verifier_free(v);
		return USAGE;
	}
	if (n > NOTE_MAX)
		rc = invalid("the file is larger than 1 MiB");
	else if (strlen(note) != n)
		rc = invalid("the file holds a NUL byte");
	else if (zl_note_verify(note, v, &blen) != 0)
		rc = invalid("no valid signature by this key (or a malformed signed note)");
	else if ((body = strndup(note, blen)) == NULL)
		rc = invalid("out of memory");
	else {
		if (zl_checkpoint_parse(body, origin, sizeof(origin), &size, root) != 0)
			rc = invalid("the signed text is not a tlog-checkpoint");
		else {
			zl_tlog_hex(root, hex);
			printf("origin %s\nsize %" PRIu64 "\nroot %s\n", origin, size, hex);
			/* 国密 logs say so in an extension line */
			ext = strstr(body, "\nhash ");
			if (ext != NULL && (ext = strchr(ext + 1, ' ')) != NULL)
				printf("hash %.*s\n", (int)strcspn(ext + 1, "\n"), ext + 1);
			rc = OK;
		}
		free(body);
	}
	free(note);
	zl_note_verifier_free(v);
	return rc;
}

int
zl_cli_tlog(int argc, char **argv)
{
	struct opts	 o = { 0 };
	const char	*sub = argc > 1 ? argv[1] : NULL;
	int		 rc;

	if (sub != NULL && (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0)) {
		fputs(usage_text, stdout);
		return OK;
	}
	if (sub == NULL)
		return usage(NULL);
	if (zl_tlog_init() != 0) {
		fputs("zhili tlog: OpenSSL lacks SHA-256 or SM3\n", stderr);
		return USAGE;
	}
	if ((rc = parse_opts(argc, argv, &o)) != OK)
		return rc;
	if (o.file != NULL && strcmp(sub, "verify-checkpoint") != 0)
		return usage("unexpected argument");
	if (strcmp(sub, "root") == 0)
		return cmd_root(&o);
	if (strcmp(sub, "verify-inclusion") == 0)
		return cmd_inclusion(&o);
	if (strcmp(sub, "verify-consistency") == 0)
		return cmd_consistency(&o);
	if (strcmp(sub, "verify-checkpoint") == 0)
		return cmd_checkpoint(&o);
	return usage("unknown subcommand");
}
