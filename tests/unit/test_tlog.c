/* test_tlog.c: the Merkle log (RFC 6962 vectors, a tile-backed tree against
 * a naive one, tampered proofs, hashing from threads) and tile paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "tlog/tlog.h"
#include "tlog/ledger.h"
#include "core/arena.h"
#include "tests.h"

#define SHA ZL_TLOG_SHA256

static void
unhex(const char *s, uint8_t *out, size_t *n)
{
	*n = strlen(s) / 2;
	for (size_t i = 0; i < *n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void
H(const char *hex, zl_tlog_hash out)
{
	assert_int_equal(zl_tlog_unhex(hex, out), 0);
}

/* An in-memory tile store fed by zl_tlog_append; read through a view that
 * shows the tiles as they were when the tree had `size` leaves. */
struct mem {
	struct mtile { uint8_t h[ZL_TLOG_TILE_W * ZL_TLOG_HASH]; size_t width; } *t[8];
	size_t		 n[8];
	uint64_t	 size;
	zl_tlog_hash	*leaf, *root;	/* per leaf; root[s] after s+1 appends */
};
struct view {
	struct mem	*m;
	uint64_t	 size;
	uint8_t		(*roots)[16 * ZL_TLOG_HASH];	/* stripe roots per full level-0 tile */
	unsigned	 full_reads;			/* full level-0 tiles read */
};

static void
mem_emit(void *ctx, int level, uint64_t index, const zl_tlog_hash h)
{
	struct mem *m = ctx;
	int T = level / 8;
	size_t i = (size_t)(index / 256), pos = (size_t)(index % 256);

	if (level % 8 != 0)
		return;
	if (i >= m->n[T]) {
		m->t[T] = realloc(m->t[T], (i + 1) * sizeof(*m->t[T]));
		memset(&m->t[T][m->n[T]], 0, (i + 1 - m->n[T]) * sizeof(*m->t[T]));
		m->n[T] = i + 1;
	}
	assert_int_equal(m->t[T][i].width, pos);	/* tiles grow at their end */
	memcpy(m->t[T][i].h + pos * ZL_TLOG_HASH, h, ZL_TLOG_HASH);
	m->t[T][i].width = pos + 1;
}

static int
view_read(void *ctx, int level, uint64_t index, uint8_t *buf, size_t *width)
{
	struct view	*v = ctx;
	uint64_t	 have = v->size >> (8 * level), w;

	if (level >= 8 || index >= v->m->n[level] || have <= index * 256)
		return ZL_ENOTFOUND;
	w = have - index * 256 > 256 ? 256 : have - index * 256;
	if (level == 0 && w == 256)
		v->full_reads++;
	assert_true(w <= v->m->t[level][index].width);
	memcpy(buf, v->m->t[level][index].h, (size_t)w * ZL_TLOG_HASH);
	*width = (size_t)w;
	return 0;
}

/* The stripe reader of a store that keeps stripe roots (view.roots). */
static int
view_stripe(void *ctx, uint64_t index, unsigned stripe, uint8_t *leaves, uint8_t *roots)
{
	struct view *v = ctx;

	if (v->roots == NULL || index >= v->m->n[0] || v->size < (index + 1) * 256 || stripe >= 16)
		return ZL_ENOTFOUND;
	memcpy(leaves, v->m->t[0][index].h + stripe * 16 * ZL_TLOG_HASH, 16 * ZL_TLOG_HASH);
	memcpy(roots, v->roots[index], 16 * ZL_TLOG_HASH);
	return 0;
}

static struct mem *
mem_build(enum zl_tlog_alg alg, uint64_t n, const uint8_t (*data)[16], const size_t *len)
{
	struct mem		*m = calloc(1, sizeof(*m));
	struct zl_tlog_frontier	 f = { 0 };
	char			 buf[32];

	m->leaf = malloc(n * sizeof(zl_tlog_hash));
	m->root = malloc(n * sizeof(zl_tlog_hash));
	for (uint64_t i = 0; i < n; i++) {
		if (data != NULL)
			zl_tlog_leaf_hash(alg, data[i], len[i], m->leaf[i]);
		else {
			snprintf(buf, sizeof(buf), "leaf %llu", (unsigned long long)i);
			zl_tlog_leaf_hash(alg, buf, strlen(buf), m->leaf[i]);
		}
		zl_tlog_append(alg, &f, m->leaf[i], mem_emit, m);
		zl_tlog_frontier_root(alg, &f, m->root[i]);
	}
	m->size = n;
	return m;
}

static void
mem_free(struct mem *m)
{
	for (int i = 0; i < 8; i++)
		free(m->t[i]);
	free(m->leaf);
	free(m->root);
	free(m);
}

/* The naive RFC 9162 definitions over all leaf hashes. */
static void
mth(const zl_tlog_hash *l, uint64_t lo, uint64_t hi, zl_tlog_hash out)
{
	zl_tlog_hash a, b;
	uint64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, l[lo], 32);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(l, lo, lo + k, a);
	mth(l, lo + k, hi, b);
	zl_tlog_node_hash(SHA, a, b, out);
}

static void
naive_path(const zl_tlog_hash *l, uint64_t m, uint64_t lo, uint64_t hi, zl_tlog_hash *p, size_t *n)
{
	uint64_t k = 1;

	if (hi - lo == 1)
		return;
	while (k * 2 < hi - lo)
		k *= 2;
	if (m < lo + k) {
		naive_path(l, m, lo, lo + k, p, n);
		mth(l, lo + k, hi, p[(*n)++]);
	} else {
		naive_path(l, m, lo + k, hi, p, n);
		mth(l, lo, lo + k, p[(*n)++]);
	}
}

static void
naive_sub(const zl_tlog_hash *l, uint64_t m, uint64_t lo, uint64_t hi, int b, zl_tlog_hash *p, size_t *n)
{
	uint64_t k = 1;

	if (m == hi) {
		if (!b)
			mth(l, lo, hi, p[(*n)++]);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	if (m <= lo + k) {
		naive_sub(l, m, lo, lo + k, b, p, n);
		mth(l, lo + k, hi, p[(*n)++]);
	} else {
		naive_sub(l, m, lo + k, hi, 0, p, n);
		mth(l, lo, lo + k, p[(*n)++]);
	}
}

/* RFC 6962 test vectors (certificate-transparency, transparency-dev/merkle). */
static const char *const rfc_leaves[8] = { "", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f" };
static const char *const rfc_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" };
#define P_96 "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
#define P_5F "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
#define P_6B "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
#define P_BC "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
#define P_CA "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
#define P_D3 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
#define P_0E "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
static const struct { uint64_t a, b; const char *p[3]; } rfc_incl[] = {	/* index, size */
	{ 0, 1, { 0 } }, { 0, 8, { P_96, P_5F, P_6B } }, { 5, 8, { P_BC, P_CA, P_D3 } },
	{ 2, 3, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", P_5F, P_BC } },
}, rfc_cons[] = {	/* old size, new size */
	{ 1, 1, { 0 } }, { 1, 8, { P_96, P_5F, P_6B } }, { 6, 8, { P_0E, P_CA, P_D3 } },
	{ 2, 5, { P_5F, P_BC } },
	{ 6, 7, { P_0E, "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", P_D3 } },
};

static struct mem *
rfc_tree(void)
{
	uint8_t data[8][16];
	size_t len[8];

	for (int i = 0; i < 8; i++)
		unhex(rfc_leaves[i], data[i], &len[i]);
	return mem_build(SHA, 8, (const uint8_t (*)[16])data, len);
}

static void
test_tlog__rfc6962_roots(void **state)
{
	struct mem *m = rfc_tree();
	struct view v = { m, 8 };
	struct zl_tlog_tiles t = { &v, view_read };
	zl_tlog_hash want, got;

	(void)state;
	for (uint64_t s = 1; s <= 8; s++) {
		H(rfc_roots[s - 1], want);
		v.size = s;
		assert_int_equal(zl_tlog_tree_hash(SHA, &t, s, got), 0);
		assert_memory_equal(got, want, 32);
		assert_memory_equal(m->root[s - 1], want, 32);
	}
	H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	assert_int_equal(zl_tlog_tree_hash(SHA, &t, 0, got), 0);
	assert_memory_equal(got, want, 32);
	mem_free(m);
}

static void
test_tlog__rfc6962_inclusion_proofs_and_tampering(void **state)
{
	struct mem *m = rfc_tree();
	struct view v = { m, 8 };
	struct zl_tlog_tiles t = { &v, view_read };
	zl_tlog_hash p[ZL_TLOG_MAXPROOF], bad[ZL_TLOG_MAXPROOF], root, other;
	size_t n;

	(void)state;
	for (size_t c = 0; c < sizeof(rfc_incl) / sizeof(rfc_incl[0]); c++) {
		uint64_t i = rfc_incl[c].a, s = rfc_incl[c].b;
		size_t want = 0;
		while (want < 3 && rfc_incl[c].p[want])
			want++;
		v.size = s;
		H(rfc_roots[s - 1], root);
		assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, i, s, NULL, p, &n), 0);
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++) {
			H(rfc_incl[c].p[k], other);
			assert_memory_equal(p[k], other, 32);
		}
		assert_int_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, p, n, root), 0);
		/* wrong index, size, leaf or root */
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i + 1, s, p, n, root), 0);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i ^ 2, s, p, n, root), 0);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s * 2, p, n, root), 0);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s / 2, p, n, root), 0);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[(i + 1) % 8], i, s, p, n, root), 0);
		H("abacaba000000000000000000000000000000000000000000060061e00123456", other);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, p, n, other), 0);
		zl_tlog_hash_data(SHA, "", 0, other);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, p, n, other), 0);
		if (i > 0)
			assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i - 1, s, p, n, root), 0);
		/* a flipped bit, a hash removed, added at either end or inserted */
		for (size_t k = 0; k < n; k++) {
			memcpy(bad, p, sizeof(p));
			bad[k][0] ^= 8;
			assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, bad, n, root), 0);
		}
		if (n > 0)
			assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, p, n - 1, root), 0);
		memcpy(bad, p, sizeof(p));
		memcpy(bad[n], root, 32);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, bad, n + 1, root), 0);
		memcpy(bad[0], root, 32);
		memcpy(bad + 1, p, n * 32);
		assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, bad, n + 1, root), 0);
	}
	assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, 8, 8, NULL, p, &n), ZL_EINVAL);
	assert_int_not_equal(zl_tlog_verify_inclusion(SHA, m->leaf[0], 0, 0, p, 0, root), 0);
	mem_free(m);
}

static void
test_tlog__rfc6962_consistency_proofs_and_tampering(void **state)
{
	struct mem *m = rfc_tree();
	struct view v = { m, 8 };
	struct zl_tlog_tiles t = { &v, view_read };
	zl_tlog_hash p[ZL_TLOG_MAXPROOF], bad[ZL_TLOG_MAXPROOF], r1, r2, other, empty;
	size_t n;

	(void)state;
	for (size_t c = 0; c < sizeof(rfc_cons) / sizeof(rfc_cons[0]); c++) {
		uint64_t a = rfc_cons[c].a, b = rfc_cons[c].b;
		size_t want = 0;
		while (want < 3 && rfc_cons[c].p[want])
			want++;
		v.size = b;
		H(rfc_roots[a - 1], r1);
		H(rfc_roots[b - 1], r2);
		assert_int_equal(zl_tlog_prove_consistency(SHA, &t, a, b, p, &n), 0);
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++) {
			H(rfc_cons[c].p[k], other);
			assert_memory_equal(p[k], other, 32);
		}
		assert_int_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, p, n), 0);
		if (n == 0)
			continue;
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a - 1, b, r1, r2, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a + 1, b, r1, r2, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a ^ 2, b, r1, r2, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b * 2, r1, r2, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b / 2, r1, r2, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r2, r1, p, n), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, p, 0), 0);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, p, n - 1), 0);
		for (size_t k = 0; k < n; k++) {
			memcpy(bad, p, sizeof(p));
			bad[k][0] ^= 16;
			assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, bad, n), 0);
		}
		memcpy(bad, p, sizeof(p));
		memcpy(bad[n], r2, 32);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, bad, n + 1), 0);
		memcpy(bad[0], r1, 32);
		memcpy(bad + 1, p, n * 32);
		assert_int_not_equal(zl_tlog_verify_consistency(SHA, a, b, r1, r2, bad, n + 1), 0);
	}
	/* the empty tree and equal sizes */
	zl_tlog_hash_data(SHA, "", 0, empty);
	H(rfc_roots[0], r1);
	assert_int_equal(zl_tlog_verify_consistency(SHA, 0, 0, empty, empty, p, 0), 0);
	assert_int_equal(zl_tlog_verify_consistency(SHA, 0, 1, empty, r1, p, 0), 0);
	assert_int_not_equal(zl_tlog_verify_consistency(SHA, 0, 1, r1, r1, p, 0), 0);
	assert_int_not_equal(zl_tlog_verify_consistency(SHA, 1, 1, r1, empty, p, 0), 0);
	assert_int_not_equal(zl_tlog_verify_consistency(SHA, 1, 1, r1, r1, &empty, 1), 0);
	assert_int_not_equal(zl_tlog_verify_consistency(SHA, 2, 1, r1, r1, p, 0), 0);
	assert_int_equal(zl_tlog_prove_consistency(SHA, &t, 3, 2, p, &n), ZL_EINVAL);
	mem_free(m);
}

/* 1000 leaves: every root, and proofs for many sizes, equal the naive tree's,
 * read only from tiles as they stood at that size. */
static void
test_tlog__tiles_agree_with_naive_tree(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 3, 7, 8, 9, 255, 256, 257, 511, 512, 513, 700, 999, 1000 };
	struct mem *m = mem_build(SHA, 1000, NULL, NULL);
	struct view v = { m, 0 };
	struct zl_tlog_tiles t = { &v, view_read };
	zl_tlog_hash p[ZL_TLOG_MAXPROOF], q[ZL_TLOG_MAXPROOF], got, want;
	size_t n, nq;

	(void)state;
	for (uint64_t s = 1; s <= 1000; s++) {
		v.size = s;
		mth(m->leaf, 0, s, want);
		assert_int_equal(zl_tlog_tree_hash(SHA, &t, s, got), 0);
		assert_memory_equal(got, want, 32);
		assert_memory_equal(m->root[s - 1], want, 32);
	}
	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		uint64_t s = sizes[a];
		v.size = s;
		for (uint64_t i = 0; i < s; i += (i < 3 || i + 3 > s) ? 1 : 29) {
			assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, i, s, NULL, p, &n), 0);
			nq = 0;
			naive_path(m->leaf, i, 0, s, q, &nq);
			assert_int_equal(n, nq);
			assert_memory_equal(p, q, n * 32);
			assert_int_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, s, p, n, m->root[s - 1]), 0);
		}
		for (size_t b = 0; b <= a; b++) {
			uint64_t o = sizes[b];
			assert_int_equal(zl_tlog_prove_consistency(SHA, &t, o, s, p, &n), 0);
			nq = 0;
			if (o < s)
				naive_sub(m->leaf, o, 0, s, 1, q, &nq);
			assert_int_equal(n, nq);
			assert_memory_equal(p, q, n * 32);
			assert_int_equal(zl_tlog_verify_consistency(SHA, o, s, m->root[o - 1],
			    m->root[s - 1], p, n), 0);
		}
	}
	/* stored hashes above level 0 come from the tile below */
	v.size = 1000;
	assert_int_equal(zl_tlog_stored_hash(SHA, &t, 3, 5, got), 0);
	mth(m->leaf, 40, 48, want);
	assert_memory_equal(got, want, 32);
	assert_int_equal(zl_tlog_stored_hash(SHA, &t, 9, 0, got), 0);
	mth(m->leaf, 0, 512, want);
	assert_memory_equal(got, want, 32);
	/* what the tiles of size 1000 cannot give */
	assert_int_equal(zl_tlog_tree_hash(SHA, &t, 1001, got), ZL_ENOTFOUND);
	assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, 5, 1024, NULL, p, &n), ZL_ENOTFOUND);
	assert_int_equal(zl_tlog_stored_hash(SHA, &t, 10, 0, got), ZL_ENOTFOUND);
	/* a tile changed in storage is seen at once, never hidden by the memo
	 * of inner hashes that the proofs above filled */
	assert_int_equal(zl_tlog_stored_hash(SHA, &t, 7, 2, got), 0);
	m->t[0][1].h[5] ^= 1;				/* leaf 256 */
	memcpy(m->leaf[256], m->t[0][1].h, 32);
	assert_int_equal(zl_tlog_stored_hash(SHA, &t, 7, 2, want), 0);
	assert_memory_not_equal(got, want, 32);
	mth(m->leaf, 256, 384, got);
	assert_memory_equal(got, want, 32);
	assert_int_equal(zl_tlog_tree_hash(SHA, &t, 1000, got), 0);
	m->t[1][0].h[40] ^= 1;				/* level 8, index 1 */
	assert_int_equal(zl_tlog_tree_hash(SHA, &t, 1000, want), 0);
	assert_memory_not_equal(got, want, 32);
	mem_free(m);
}

/* The tlog-tiles example: 70,000 leaves are 273 full level-0 tiles and one of
 * width 112, one full level-1 tile and one of width 17, a level-2 tile of 1. */
static void
test_tlog__70000_leaves_tile_widths_and_proofs(void **state)
{
	struct mem *m = mem_build(SHA, 70000, NULL, NULL);
	struct view v = { m, 70000 };
	struct zl_tlog_tiles t = { &v, view_read };
	zl_tlog_hash p[ZL_TLOG_MAXPROOF], got;
	size_t n;
	uint8_t enc[8 + 64 * 32];
	struct zl_tlog_frontier f = { 0 }, g;

	(void)state;
	assert_int_equal(m->n[0], 274);
	assert_int_equal(m->t[0][272].width, 256);
	assert_int_equal(m->t[0][273].width, 112);
	assert_int_equal(m->n[1], 2);
	assert_int_equal(m->t[1][1].width, 17);
	assert_int_equal(m->n[2], 1);
	assert_int_equal(m->t[2][0].width, 1);
	assert_int_equal(zl_tlog_tree_hash(SHA, &t, 70000, got), 0);
	assert_memory_equal(got, m->root[69999], 32);
	for (uint64_t i = 0; i < 70000; i += 6997) {
		assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, i, 70000, NULL, p, &n), 0);
		assert_int_equal(zl_tlog_verify_inclusion(SHA, m->leaf[i], i, 70000, p, n, got), 0);
		assert_int_equal(zl_tlog_prove_consistency(SHA, &t, i + 1, 70000, p, &n), 0);
		assert_int_equal(zl_tlog_verify_consistency(SHA, i + 1, 70000, m->root[i], got, p, n), 0);
	}
	/* the frontier stored and loaded */
	for (uint64_t i = 0; i < 70000; i++)
		zl_tlog_append(SHA, &f, m->leaf[i], NULL, NULL);
	n = zl_tlog_frontier_encode(&f, enc);
	assert_int_equal(n, 8 + 32 * __builtin_popcountll(70000));
	assert_int_equal(zl_tlog_frontier_decode(&g, enc, n), 0);
	zl_tlog_frontier_root(SHA, &g, p[0]);
	assert_memory_equal(p[0], got, 32);
	assert_int_equal(zl_tlog_frontier_decode(&g, enc, n - 1), ZL_EINVAL);
	assert_int_equal(zl_tlog_frontier_decode(&g, enc, 7), ZL_EINVAL);
	mem_free(m);
}

/* Every leaf of tiles 1..3's proofs for size s, with and without the edge,
 * equals the naive tree's. */
static void
proofs_match_naive(struct mem *m, struct zl_tlog_tiles *t, uint64_t lo, uint64_t hi, uint64_t s)
{
	struct zl_tlog_frontier	 f = { 0 };
	zl_tlog_hash		 p[ZL_TLOG_MAXPROOF], q[ZL_TLOG_MAXPROOF], leaf;
	size_t			 n, nq;

	for (uint64_t i = 0; i < s; i++)
		zl_tlog_append(SHA, &f, m->leaf[i], NULL, NULL);
	for (int with_edge = 0; with_edge < 2; with_edge++) {
		t->edge = with_edge ? &f : NULL;
		for (uint64_t i = lo; i < hi && i < s; i++) {
			assert_int_equal(zl_tlog_prove_inclusion(SHA, t, i, s, leaf, p, &n), 0);
			nq = 0;
			naive_path(m->leaf, i, 0, s, q, &nq);
			assert_int_equal(n, nq);
			assert_memory_equal(p, q, n * 32);
			assert_memory_equal(leaf, m->leaf[i], 32);
		}
		assert_int_equal(zl_tlog_tree_hash(SHA, t, s, leaf), 0);
		assert_memory_equal(leaf, m->root[s - 1], 32);
	}
	t->edge = NULL;
}

/* Stripe roots: the same proofs as the naive tree without reading any full
 * level-0 tile; wrong or stale roots are never served (the whole tile is
 * read instead), and a leaf rewritten with roots to match gives a proof that
 * fails, exactly as the tiles alone would give it. */
static void
test_tlog__stripes_give_the_same_proofs_and_never_wrong_ones(void **state)
{
	static const uint64_t sizes[] = { 256, 257, 300, 512, 700, 768, 1000 };
	struct mem		*m = mem_build(SHA, 1000, NULL, NULL);
	uint8_t			(*roots)[16 * ZL_TLOG_HASH] = calloc(3, sizeof(*roots));
	uint8_t			 saved[16 * ZL_TLOG_HASH];
	struct view		 v = { m, 1000, roots, 0 };
	struct zl_tlog_tiles	 t = { &v, view_read, view_stripe, NULL };
	zl_tlog_hash		 p[ZL_TLOG_MAXPROOF], q[ZL_TLOG_MAXPROOF], leaf, h;
	size_t			 n, nq;

	(void)state;
	for (int i = 0; i < 3; i++)
		zl_tlog_stripe_roots(SHA, m->t[0][i].h, roots[i]);
	for (int i = 0; i < 48; i++) {		/* the level-4 hashes of the tree */
		mth(m->leaf, 16 * i, 16 * i + 16, h);
		assert_memory_equal(roots[i / 16] + (i % 16) * 32, h, 32);
	}
	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		v.size = sizes[a];
		v.full_reads = 0;
		proofs_match_naive(m, &t, 0, sizes[a], sizes[a]);
		assert_int_equal(v.full_reads, 0);
	}
	v.size = 1000;
	/* one wrong root, of another stripe than the leaf's or of its own */
	for (int k = 0; k < 2; k++) {
		roots[1][(k ? 3 : 9) * 32] ^= 1;
		v.full_reads = 0;
		proofs_match_naive(m, &t, 256 + 48, 256 + 64, 1000);
		assert_true(v.full_reads > 0);
		roots[1][(k ? 3 : 9) * 32] ^= 1;
	}
	/* stale: another tile's roots */
	memcpy(saved, roots[1], sizeof(saved));
	memcpy(roots[1], roots[2], sizeof(saved));
	proofs_match_naive(m, &t, 256, 512, 1000);
	memcpy(roots[1], saved, sizeof(saved));
	/* leaf 300 rewritten, the roots made to match it */
	m->t[0][1].h[44 * 32] ^= 1;
	zl_tlog_stripe_roots(SHA, m->t[0][1].h, roots[1]);
	assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, 300, 1000, leaf, p, &n), 0);
	assert_memory_not_equal(leaf, m->leaf[300], 32);
	assert_int_not_equal(zl_tlog_verify_inclusion(SHA, leaf, 300, 1000, p, n, m->root[999]), 0);
	t.stripe = NULL;
	assert_int_equal(zl_tlog_prove_inclusion(SHA, &t, 300, 1000, h, q, &nq), 0);
	assert_int_equal(n, nq);
	assert_memory_equal(p, q, n * 32);
	assert_memory_equal(leaf, h, 32);
	free(roots);
	mem_free(m);
}

static void
test_tlog__known_answers_and_hex(void **state)
{
	zl_tlog_hash h, w;
	char hex[65];

	(void)state;
	zl_tlog_hash_data(ZL_TLOG_SM3, "abc", 3, h);
	H("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", w);
	assert_memory_equal(h, w, 32);
	zl_tlog_hash_data(SHA, "abc", 3, h);
	zl_tlog_hex(h, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(zl_tlog_unhex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", w), 0);
	assert_memory_equal(h, w, 32);
	assert_int_equal(zl_tlog_unhex("ba78", w), ZL_EINVAL);
	assert_int_equal(zl_tlog_unhex("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", w), ZL_EINVAL);
	assert_int_equal(zl_tlog_alg_parse("sm3"), ZL_TLOG_SM3);
	assert_int_equal(zl_tlog_alg_parse("sha256"), ZL_TLOG_SHA256);
	assert_int_equal(zl_tlog_alg_parse("md5"), -1);
	assert_string_equal(zl_tlog_alg_name(ZL_TLOG_SM3), "sm3");
}

struct job { enum zl_tlog_alg alg; zl_tlog_hash root; };

static void *
root_job(void *arg)
{
	struct job *j = arg;
	struct zl_tlog_frontier f = { 0 };
	zl_tlog_hash h;

	for (int i = 0; i < 5000; i++) {
		zl_tlog_leaf_hash(j->alg, &i, sizeof(i), h);
		zl_tlog_append(j->alg, &f, h, NULL, NULL);
	}
	zl_tlog_frontier_root(j->alg, &f, j->root);
	return NULL;
}

static void
test_tlog__hashing_from_threads(void **state)
{
	struct job one[2] = { { SHA, { 0 } }, { ZL_TLOG_SM3, { 0 } } }, many[8];
	pthread_t th[8];

	(void)state;
	root_job(&one[0]);
	root_job(&one[1]);
	for (int i = 0; i < 8; i++) {
		many[i].alg = i % 2 ? ZL_TLOG_SM3 : SHA;
		assert_int_equal(pthread_create(&th[i], NULL, root_job, &many[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_memory_equal(many[i].root, one[i % 2].root, 32);
	}
	assert_memory_not_equal(one[0].root, one[1].root, 32);
}

static void
test_tiles__paths_round_trip(void **state)
{
	static const struct { int level; uint64_t index; size_t width; const char *path; } c[] = {
		{ 0, 0, 256, "tile/0/000" }, { 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 1, 7, 45, "tile/1/007.p/45" }, { 2, 1000, 1, "tile/2/x001/000.p/1" },
		{ 63, 999, 255, "tile/63/999.p/255" }, { -1, 5, 256, "tile/entries/005" },
		{ -1, 1234067, 9, "tile/entries/x001/x234/067.p/9" },
		{ 0, UINT64_MAX, 256, "tile/0/x018/x446/x744/x073/x709/x551/615" },
	};
	char buf[80];
	int level, entries;
	uint64_t index;
	size_t width;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		zl_tlog_tile_path(buf, sizeof(buf), c[i].level, c[i].index, c[i].width);
		assert_string_equal(buf, c[i].path);
		assert_int_equal(zl_tlog_tile_path_parse(buf, &level, &index, &width, &entries), 0);
		assert_int_equal(level, c[i].level);
		assert_true(index == c[i].index);
		assert_int_equal(width, c[i].width);
		assert_int_equal(entries, c[i].level < 0);
	}
	zl_tlog_entries_path(buf, sizeof(buf), 1234067, 0);
	assert_string_equal(buf, "tile/entries/x001/x234/067");
	zl_tlog_tile_path(buf, 10, 0, 1234067, 256);	/* truncated, terminated */
	assert_string_equal(buf, "tile/0/x0");
}

static void
test_tiles__non_canonical_paths_rejected(void **state)
{
	static const char *const bad[] = { "tile/0/x000/005", "tile/00/000", "tile/64/000",
		"tile/0/5", "tile/0/0005", "tile/0/x001", "tile/0/x001/", "tile/0/000/",
		"tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/045", "tile/0/000.p/",
		"tile/0/000.p", "tile/0/000.q/5", "tile//000", "tile/0", "tile/entries",
		"tiles/0/000", "/tile/0/000", "tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x001/x002/x003/x004/x005/x006/x007/008", "tile/-1/000", "" };
	int level, entries;
	uint64_t index;
	size_t width;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zl_tlog_tile_path_parse(bad[i], &level, &index, &width, &entries),
		    ZL_EINVAL);
}

static int
setup(void **state)
{
	(void)state;
	return zl_tlog_init();
}


/* The fast leaf text is byte for byte the canonical JSON of jansson. */
static void
test_ledger__leaf_text_fast_path_is_canonical(void **state)
{
	struct zl_arena a;
	const struct zl_leaf leaves[] = {
		{ 1795190400, 7, 2, 42, "user", "update-status",
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ 0, 0, 0, 1, "org", "create", "00" },
		{ 1795190400, 0, 9, 3, "application", "running", "ab" },
		{ 1795190400, 1, 1, 1, "业务", "create", "00" },	/* not plain: jansson path */
	};

	(void)state;
	zl_arena_init(&a);
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		assert_string_equal(zl_leaf_text(&a, &leaves[i], 1000 + i),
		    zl_leaf_text_json(&a, &leaves[i], 1000 + i));
	zl_arena_release(&a);
}

const struct CMUnitTest tlog_tests[] = {
	cmocka_unit_test(test_ledger__leaf_text_fast_path_is_canonical),
	cmocka_unit_test_setup(test_tlog__rfc6962_roots, setup),
	cmocka_unit_test(test_tlog__rfc6962_inclusion_proofs_and_tampering),
	cmocka_unit_test(test_tlog__rfc6962_consistency_proofs_and_tampering),
	cmocka_unit_test(test_tlog__tiles_agree_with_naive_tree),
	cmocka_unit_test(test_tlog__70000_leaves_tile_widths_and_proofs),
	cmocka_unit_test(test_tlog__stripes_give_the_same_proofs_and_never_wrong_ones),
	cmocka_unit_test(test_tlog__known_answers_and_hex),
	cmocka_unit_test(test_tlog__hashing_from_threads),
	cmocka_unit_test(test_tiles__paths_round_trip),
	cmocka_unit_test(test_tiles__non_canonical_paths_rejected),
};
const size_t tlog_tests_n = sizeof(tlog_tests) / sizeof(tlog_tests[0]);
