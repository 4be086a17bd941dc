/* tlog.c: the Merkle tree over stored hashes: hashes read from tiles,
 * tree roots, RFC 9162 inclusion and consistency proofs (made and checked),
 * and the frontier that appends leaves.  Exports the zl_tlog_* functions of
 * tlog.h except hashing (hash.c) and tile paths (tiles.c).  Storage is the
 * caller's: it hands in a tile reader. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "tlog/tlog.h"

#define TILE_BYTES	(ZL_TLOG_TILE_W * ZL_TLOG_HASH)
#define UP_N		(ZL_TLOG_TILE_W - 2)	/* inner hashes, levels 1..7 */
#define UP_AT(l)	(ZL_TLOG_TILE_W - (2 * ZL_TLOG_TILE_W >> (l)))

/* The hashes inside a tile's subtree: level l (1..7) starts at up[UP_AT(l)];
 * only the complete ones (for the width) are set.  At most 254 hashes. */
static void
up_compute(enum zl_tlog_alg alg, const uint8_t *tile, size_t width,
    uint8_t (*up)[ZL_TLOG_HASH])
{
	const uint8_t	*below = tile;
	size_t		 n = width;

	for (int l = 1; l < ZL_TLOG_TILE_H; l++, n /= 2) {
		for (size_t i = 0; i < n / 2; i++)
			zl_tlog_node_hash(alg, below + 2 * i * ZL_TLOG_HASH,
			    below + (2 * i + 1) * ZL_TLOG_HASH, up[UP_AT(l) + i]);
		below = up[UP_AT(l)];
	}
}

/* The memo: tiles' inner hashes, shared by every call and thread, so the
 * upper tiles every proof passes through are hashed up once, not per proof
 * (three times faster on a log of ten million).  An entry serves only a
 * tile byte-identical to the one it was computed from: a tile changed in
 * storage is never hidden.  Level-0 tiles, seldom read twice, never evict
 * higher ones.  About 8 MiB of address space, touched as slots fill. */
#define MEMO_SLOTS	512
#define MEMO_LOCKS	64

struct memo {
	int			 used, level;
	enum zl_tlog_alg	 alg;
	uint64_t		 index;
	size_t			 width;
	uint8_t			 tile[TILE_BYTES];
	uint8_t			 up[UP_N][ZL_TLOG_HASH];
};

static struct memo	*memo;
static pthread_once_t	 memo_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t	 memo_locks[MEMO_LOCKS] = {
	[0 ... MEMO_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER
};

static void
memo_alloc(void)
{
	memo = calloc(MEMO_SLOTS, sizeof(*memo));	/* NULL: no memo */
}

static struct memo *
memo_slot(enum zl_tlog_alg alg, int level, uint64_t index, pthread_mutex_t **lock)
{
	uint64_t h = (index ^ (uint64_t)level << 58 ^ (uint64_t)alg << 63) *
	    0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 40) % MEMO_SLOTS;

	pthread_once(&memo_once, memo_alloc);
	*lock = &memo_locks[i % MEMO_LOCKS];
	return memo ? &memo[i] : NULL;
}

/* 1 if the memo had the inner hashes of this very tile (copied to up). */
static int
memo_get(enum zl_tlog_alg alg, int level, uint64_t index, const uint8_t *tile,
    size_t width, uint8_t (*up)[ZL_TLOG_HASH])
{
	pthread_mutex_t	*lock;
	struct memo	*m = memo_slot(alg, level, index, &lock);
	int		 hit;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(lock);
	hit = m->used && m->alg == alg && m->level == level && m->index == index &&
	    m->width == width && memcmp(m->tile, tile, width * ZL_TLOG_HASH) == 0;
	if (hit)
		memcpy(up, m->up, sizeof(m->up));
	pthread_mutex_unlock(lock);
	return hit;
}

static void
memo_put(enum zl_tlog_alg alg, int level, uint64_t index, const uint8_t *tile,
    size_t width, uint8_t (*up)[ZL_TLOG_HASH])
{
	pthread_mutex_t	*lock;
	struct memo	*m = memo_slot(alg, level, index, &lock);

	if (m == NULL)
		return;
	pthread_mutex_lock(lock);
	if (!m->used || level > 0 || m->level == 0) {
		m->used = 1;
		m->alg = alg;
		m->level = level;
		m->index = index;
		m->width = width;
		memcpy(m->tile, tile, width * ZL_TLOG_HASH);
		memcpy(m->up, up, sizeof(m->up));
	}
	pthread_mutex_unlock(lock);
}

/* A stripe's levels 0..4 (16 leaves up to its root), or the tile's levels
 * 4..8 (16 stripe roots up to the tile's root): level l starts at SP_AT(l). */
#define SP_N		(2 * ZL_TLOG_STRIPE - 1)
#define SP_AT(l)	(2 * ZL_TLOG_STRIPE - (2 * ZL_TLOG_STRIPE >> (l)))

static void
sp_fold(enum zl_tlog_alg alg, uint8_t (*h)[ZL_TLOG_HASH])
{
	for (int l = 1; l <= 4; l++)
		for (int i = 0; i < ZL_TLOG_STRIPE >> l; i++)
			zl_tlog_node_hash(alg, h[SP_AT(l - 1) + 2 * i], h[SP_AT(l - 1) + 2 * i + 1],
			    h[SP_AT(l) + i]);
}

void
zl_tlog_stripe_roots(enum zl_tlog_alg alg, const uint8_t *tile, uint8_t *roots)
{
	uint8_t h[SP_N][ZL_TLOG_HASH];

	for (int s = 0; s < ZL_TLOG_STRIPES; s++) {
		memcpy(h, tile + s * ZL_TLOG_STRIPE * ZL_TLOG_HASH, ZL_TLOG_STRIPE * ZL_TLOG_HASH);
		sp_fold(alg, h);
		memcpy(roots + s * ZL_TLOG_HASH, h[SP_N - 1], ZL_TLOG_HASH);
	}
}

/* Reading stored hashes.  A proof touches about two tiles per tile level;
 * one call keeps the last few it read, with their inner hashes, so it
 * reads and hashes up each tile once.  Inside a full level-0 tile it keeps
 * one stripe instead, when the storage has the tile's stripe roots. */
#define RD_SLOTS 8

struct rd_slot {
	int		 level;		/* -1: empty */
	uint64_t	 index;
	size_t		 width;
	int		 have_up;
	uint8_t		*buf;		/* the tile, then its inner hashes */
};

struct rd_stripe {
	int		 state;		/* 0 none, 1 loaded, -1 tile `tile` has no usable stripes */
	uint64_t	 tile;
	unsigned	 stripe;
	uint8_t		 low[SP_N][ZL_TLOG_HASH];	/* the stripe, levels 0..4 */
	uint8_t		 high[SP_N][ZL_TLOG_HASH];	/* the tile, levels 4..8 */
};

struct rd {
	enum zl_tlog_alg		 alg;
	const struct zl_tlog_tiles	*t;
	unsigned			 next;
	struct rd_slot			 s[RD_SLOTS];
	struct rd_stripe		 sp;
};

static void
rd_init(struct rd *r, enum zl_tlog_alg alg, const struct zl_tlog_tiles *t)
{
	memset(r, 0, offsetof(struct rd, sp));
	r->sp.state = 0;
	r->alg = alg;
	r->t = t;
	for (int i = 0; i < RD_SLOTS; i++)
		r->s[i].level = -1;
}

static void
rd_release(struct rd *r)
{
	for (int i = 0; i < RD_SLOTS; i++)
		free(r->s[i].buf);
}

static int
rd_tile(struct rd *r, int level, uint64_t index, struct rd_slot **out)
{
	struct rd_slot	*s;
	int		 rc;

	for (int i = 0; i < RD_SLOTS; i++)
		if (r->s[i].level == level && r->s[i].index == index) {
			*out = &r->s[i];
			return 0;
		}
	s = &r->s[r->next++ % RD_SLOTS];
	s->level = -1;
	s->have_up = 0;
	s->width = 0;
	if (s->buf == NULL && (s->buf = malloc(TILE_BYTES + UP_N * ZL_TLOG_HASH)) == NULL)
		return ZL_ENOMEM;
	if ((rc = r->t->read(r->t->ctx, level, index, s->buf, &s->width)) < 0)
		return rc;
	if (s->width == 0 || s->width > ZL_TLOG_TILE_W)
		return ZL_ENOTFOUND;
	s->level = level;
	s->index = index;
	*out = s;
	return 0;
}

static int rd_stored(struct rd *r, int level, uint64_t index, zl_tlog_hash out);

/* Load stripe `stripe` of full level-0 tile `tile` and the tile's stripe
 * roots; they are trusted only when the stripe's leaves hash up to its
 * stored root and the stored roots hash up to the tile's root as stored one
 * tile level up (so wrong or stale roots are never served).  0, or
 * ZL_ENOTFOUND: read the whole tile instead. */
static int
sp_load(struct rd *r, uint64_t tile, unsigned stripe)
{
	struct rd_stripe	*sp = &r->sp;
	zl_tlog_hash		 top;

	sp->state = -1;
	sp->tile = tile;
	sp->stripe = stripe;
	if (r->t->stripe(r->t->ctx, tile, stripe, sp->low[0], sp->high[0]) != 0)
		return ZL_ENOTFOUND;
	sp_fold(r->alg, sp->low);
	sp_fold(r->alg, sp->high);
	if (memcmp(sp->low[SP_N - 1], sp->high[stripe], ZL_TLOG_HASH) != 0 ||
	    rd_stored(r, ZL_TLOG_TILE_H, tile, top) != 0 ||
	    memcmp(top, sp->high[SP_N - 1], ZL_TLOG_HASH) != 0)
		return ZL_ENOTFOUND;
	sp->state = 1;
	return 0;
}

/* The hash at level < 8 whose first leaf is `first`, from a stripe; 0, or
 * ZL_ENOTFOUND when no stripe serves it. */
static int
sp_stored(struct rd *r, int level, uint64_t first, zl_tlog_hash out)
{
	struct rd_stripe	*sp = &r->sp;
	uint64_t		 tile = first / ZL_TLOG_TILE_W;
	unsigned		 off = (unsigned)(first % ZL_TLOG_TILE_W);
	unsigned		 stripe = off / ZL_TLOG_STRIPE;

	if (sp->state == 0 || sp->tile != tile) {
		if (sp_load(r, tile, stripe) != 0)
			return ZL_ENOTFOUND;
	}
	if (sp->state != 1)
		return ZL_ENOTFOUND;
	if (level >= 4) {
		memcpy(out, sp->high[SP_AT(level - 4) + (off >> level)], ZL_TLOG_HASH);
		return 0;
	}
	if (stripe != sp->stripe)
		return ZL_ENOTFOUND;	/* another stripe: rare, the whole tile serves */
	memcpy(out, sp->low[SP_AT(level) + ((off % ZL_TLOG_STRIPE) >> level)], ZL_TLOG_HASH);
	return 0;
}

/* 1 if the complete subtree of 2^level leaves from `first` is one of those
 * the frontier holds (on the right edge of its tree). */
static int
edge_holds(const struct zl_tlog_frontier *f, int level, uint64_t first)
{
	uint64_t start = level >= 63 ? 0 : f->size >> (level + 1) << (level + 1);

	return ((f->size >> level) & 1) && first == start;
}

/* The hash at tree level `level`, index `index`: from the frontier, a
 * stripe, or the tile holding level 8*(level/8), directly or among its inner
 * hashes. */
static int
rd_stored(struct rd *r, int level, uint64_t index, zl_tlog_hash out)
{
	struct rd_slot	*s;
	uint8_t		(*up)[ZL_TLOG_HASH];
	size_t		 off;
	uint64_t	 first;
	int		 sh = level % ZL_TLOG_TILE_H, rc;

	if (level < 0 || level > 63 || index > (UINT64_MAX >> level))
		return ZL_EINVAL;
	if (r->t->edge != NULL && edge_holds(r->t->edge, level, index << level)) {
		memcpy(out, r->t->edge->hash[level], ZL_TLOG_HASH);
		return 0;
	}
	first = index << sh;
	off = (size_t)(first % ZL_TLOG_TILE_W);
	if (level < ZL_TLOG_TILE_H && r->t->stripe != NULL && sp_stored(r, level, first, out) == 0)
		return 0;
	if ((rc = rd_tile(r, level / ZL_TLOG_TILE_H, first / ZL_TLOG_TILE_W, &s)) != 0)
		return rc;
	if (s->width < off + ((size_t)1 << sh))
		return ZL_ENOTFOUND;
	if (sh == 0) {
		memcpy(out, s->buf + off * ZL_TLOG_HASH, ZL_TLOG_HASH);
		return 0;
	}
	up = (uint8_t (*)[ZL_TLOG_HASH])(s->buf + TILE_BYTES);
	if (!s->have_up) {
		if (!memo_get(r->alg, s->level, s->index, s->buf, s->width, up)) {
			up_compute(r->alg, s->buf, s->width, up);
			memo_put(r->alg, s->level, s->index, s->buf, s->width, up);
		}
		s->have_up = 1;
	}
	memcpy(out, up[UP_AT(sh) + (off >> sh)], ZL_TLOG_HASH);
	return 0;
}

static int
floor_log2(uint64_t x)
{
	return 63 - __builtin_clzll(x);
}

/* MTH(D[lo:hi]) for a range that starts on a multiple of the power of two
 * at or above its length (every range of the RFC's recursions does): the
 * complete subtrees from the left, folded from the right. */
static int
rd_range(struct rd *r, uint64_t lo, uint64_t hi, zl_tlog_hash out)
{
	zl_tlog_hash	 part[64];
	int		 n = 0, k, rc;

	while (lo < hi && n < 64) {
		k = floor_log2(hi - lo);
		if (lo != 0 && __builtin_ctzll(lo) < k)
			k = __builtin_ctzll(lo);
		if ((rc = rd_stored(r, k, lo >> k, part[n++])) != 0)
			return rc;
		lo += (uint64_t)1 << k;
	}
	if (n == 0 || lo < hi)
		return ZL_EINVAL;
	memcpy(out, part[n - 1], ZL_TLOG_HASH);
	while (--n > 0)
		zl_tlog_node_hash(r->alg, part[n - 1], out, out);
	return 0;
}

int
zl_tlog_stored_hash(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
    int level, uint64_t index, zl_tlog_hash out)
{
	struct rd r;
	int rc;

	rd_init(&r, alg, t);
	rc = rd_stored(&r, level, index, out);
	rd_release(&r);
	return rc;
}

int
zl_tlog_tree_hash(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t, uint64_t size,
    zl_tlog_hash out)
{
	struct rd r;
	int rc;

	if (size == 0) {
		zl_tlog_hash_data(alg, "", 0, out);
		return 0;
	}
	rd_init(&r, alg, t);
	rc = rd_range(&r, 0, size, out);
	rd_release(&r);
	return rc;
}

/* The largest power of two below n (n ≥ 2). */
static uint64_t
split_point(uint64_t n)
{
	return (uint64_t)1 << floor_log2(n - 1);
}

/* Append MTH(D[lo:hi]) to the proof. */
static int
put_range(struct rd *r, uint64_t lo, uint64_t hi, zl_tlog_hash *proof, size_t *n)
{
	if (*n >= ZL_TLOG_MAXPROOF)
		return ZL_ELIMIT;
	return rd_range(r, lo, hi, proof[(*n)++]);
}

/* RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), deepest hash first. */
static int
path(struct rd *r, uint64_t m, uint64_t lo, uint64_t hi, zl_tlog_hash *proof, size_t *n)
{
	uint64_t	 k;
	int		 rc;

	if (hi - lo == 1)
		return 0;
	k = split_point(hi - lo);
	if (m < lo + k) {
		if ((rc = path(r, m, lo, lo + k, proof, n)) != 0)
			return rc;
		return put_range(r, lo + k, hi, proof, n);
	}
	if ((rc = path(r, m, lo + k, hi, proof, n)) != 0)
		return rc;
	return put_range(r, lo, lo + k, proof, n);
}

/* RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b) with m absolute, lo < m ≤ hi. */
static int
subproof(struct rd *r, uint64_t m, uint64_t lo, uint64_t hi, int b,
    zl_tlog_hash *proof, size_t *n)
{
	uint64_t	 k;
	int		 rc;

	if (m == hi)
		return b ? 0 : put_range(r, lo, hi, proof, n);
	k = split_point(hi - lo);
	if (m <= lo + k) {
		if ((rc = subproof(r, m, lo, lo + k, b, proof, n)) != 0)
			return rc;
		return put_range(r, lo + k, hi, proof, n);
	}
	if ((rc = subproof(r, m, lo + k, hi, 0, proof, n)) != 0)
		return rc;
	return put_range(r, lo, lo + k, proof, n);
}

int
zl_tlog_prove_inclusion(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
    uint64_t index, uint64_t size, zl_tlog_hash leaf, zl_tlog_hash *proof, size_t *n)
{
	struct rd r;
	int rc;

	*n = 0;
	if (index >= size)
		return ZL_EINVAL;
	rd_init(&r, alg, t);
	rc = path(&r, index, 0, size, proof, n);
	if (rc == 0 && leaf != NULL)
		rc = rd_stored(&r, 0, index, leaf);
	rd_release(&r);
	if (rc != 0)
		*n = 0;
	return rc;
}

int
zl_tlog_prove_consistency(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
    uint64_t m, uint64_t n, zl_tlog_hash *proof, size_t *len)
{
	struct rd r;
	int rc;

	*len = 0;
	if (m > n)
		return ZL_EINVAL;
	if (m == 0 || m == n)
		return 0;
	rd_init(&r, alg, t);
	rc = subproof(&r, m, 0, n, 1, proof, len);
	rd_release(&r);
	if (rc != 0)
		*len = 0;
	return rc;
}

int
zl_tlog_verify_inclusion(enum zl_tlog_alg alg, const zl_tlog_hash leaf_hash,
    uint64_t index, uint64_t size, const zl_tlog_hash *proof, size_t n,
    const zl_tlog_hash root)
{
	zl_tlog_hash	 r;
	uint64_t	 fn = index, sn = size - 1;

	if (index >= size || n > ZL_TLOG_MAXPROOF)
		return ZL_EINVAL;
	memcpy(r, leaf_hash, ZL_TLOG_HASH);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return ZL_EINVAL;
		if ((fn & 1) || fn == sn) {
			zl_tlog_node_hash(alg, proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			zl_tlog_node_hash(alg, r, proof[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, ZL_TLOG_HASH) == 0 ? 0 : ZL_EINVAL;
}

int
zl_tlog_verify_consistency(enum zl_tlog_alg alg, uint64_t m, uint64_t n,
    const zl_tlog_hash old_root, const zl_tlog_hash new_root,
    const zl_tlog_hash *proof, size_t len)
{
	zl_tlog_hash	 fr, sr, empty;
	const uint8_t	*c;
	uint64_t	 fn, sn;
	size_t		 i = 0;
	int		 pow2 = m != 0 && (m & (m - 1)) == 0;

	if (m > n || len > ZL_TLOG_MAXPROOF)
		return ZL_EINVAL;
	if (m == 0) {		/* the empty tree is a prefix of every tree */
		zl_tlog_hash_data(alg, "", 0, empty);
		return len == 0 && memcmp(old_root, empty, ZL_TLOG_HASH) == 0 ? 0 : ZL_EINVAL;
	}
	if (m == n)
		return len == 0 && memcmp(old_root, new_root, ZL_TLOG_HASH) == 0 ? 0 : ZL_EINVAL;
	if (len == 0)
		return ZL_EINVAL;
	/* §2.1.4.2: with m a power of two, old_root is the proof's first hash. */
	c = pow2 ? old_root : proof[i++];
	memcpy(fr, c, ZL_TLOG_HASH);
	memcpy(sr, c, ZL_TLOG_HASH);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return ZL_EINVAL;
		if ((fn & 1) || fn == sn) {
			zl_tlog_node_hash(alg, proof[i], fr, fr);
			zl_tlog_node_hash(alg, proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			zl_tlog_node_hash(alg, sr, proof[i], sr);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, old_root, ZL_TLOG_HASH) == 0 &&
	    memcmp(sr, new_root, ZL_TLOG_HASH) == 0 ? 0 : ZL_EINVAL;
}

void
zl_tlog_append(enum zl_tlog_alg alg, struct zl_tlog_frontier *f, const zl_tlog_hash leaf_hash,
    void (*emit)(void *ctx, int level, uint64_t index, const zl_tlog_hash h), void *ctx)
{
	zl_tlog_hash	 h;
	uint64_t	 s = f->size;
	int		 k = 0;

	memcpy(h, leaf_hash, ZL_TLOG_HASH);
	if (emit != NULL)
		emit(ctx, 0, s, h);
	while (k < 63 && ((s >> k) & 1)) {	/* each set bit closes a subtree */
		zl_tlog_node_hash(alg, f->hash[k], h, h);
		k++;
		if (emit != NULL)
			emit(ctx, k, s >> k, h);
	}
	memcpy(f->hash[k], h, ZL_TLOG_HASH);
	f->size = s + 1;
}

void
zl_tlog_frontier_root(enum zl_tlog_alg alg, const struct zl_tlog_frontier *f, zl_tlog_hash out)
{
	int have = 0;

	if (f->size == 0) {
		zl_tlog_hash_data(alg, "", 0, out);
		return;
	}
	for (int k = 0; k < 64; k++) {
		if (!((f->size >> k) & 1))
			continue;
		if (have)
			zl_tlog_node_hash(alg, f->hash[k], out, out);
		else
			memcpy(out, f->hash[k], ZL_TLOG_HASH);
		have = 1;
	}
}

size_t
zl_tlog_frontier_encode(const struct zl_tlog_frontier *f, uint8_t *buf)
{
	size_t n = 8;

	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(f->size >> (56 - 8 * i));
	for (int k = 0; k < 64; k++)
		if ((f->size >> k) & 1) {
			memcpy(buf + n, f->hash[k], ZL_TLOG_HASH);
			n += ZL_TLOG_HASH;
		}
	return n;
}

int
zl_tlog_frontier_decode(struct zl_tlog_frontier *f, const uint8_t *buf, size_t n)
{
	size_t off = 8;

	memset(f, 0, sizeof(*f));
	if (buf == NULL || n < 8)
		return ZL_EINVAL;
	for (int i = 0; i < 8; i++)
		f->size = f->size << 8 | buf[i];
	if (n != 8 + (size_t)__builtin_popcountll(f->size) * ZL_TLOG_HASH) {
		memset(f, 0, sizeof(*f));
		return ZL_EINVAL;
	}
	for (int k = 0; k < 64; k++)
		if ((f->size >> k) & 1) {
			memcpy(f->hash[k], buf + off, ZL_TLOG_HASH);
			off += ZL_TLOG_HASH;
		}
	return 0;
}
