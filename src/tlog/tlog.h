/* tlog.h: the Merkle log mathematics, independent of storage.
 *
 * RFC 9162 hashing (leaf = H(0x00 || data), node = H(0x01 || left || right))
 * with SHA-256 or, for the 国密 profile, SM3.  Hashes are stored as C2SP
 * tlog-tiles: the tile at tile level T and index N holds the (up to 256)
 * hashes at tree level 8*T with indexes 256*N … 256*N+255, the hash at tree
 * level L and index I being the root of the complete subtree of 2^L leaves
 * starting at leaf I*2^L.  Hashes at other levels are recomputed from the tile
 * below them.  Storage is the caller's: it hands a tile reader in.
 *
 * Beside each full level-0 tile the storage may keep its 16 stripe roots:
 * the level-4 hashes, roots of the tile's 16-leaf stripes.  A hash inside
 * the tile then costs one stripe of leaves and those roots (30 hashes) instead
 * of the whole tile (254); the roots are used only when they agree with the
 * tile and the tile's own root one level up, so wrong ones never change what
 * is served.
 *
 * Functions return 0 or a negative ZL_E* code (ZL_EINVAL for a bad argument,
 * ZL_ENOTFOUND when a needed tile is missing or too short). */
#ifndef ZL_TLOG_H
#define ZL_TLOG_H

#include <stddef.h>
#include <stdint.h>

#define ZL_TLOG_HASH	32
#define ZL_TLOG_TILE_H	8		/* tree levels per tile */
#define ZL_TLOG_TILE_W	256		/* hashes per full tile */
#define ZL_TLOG_MAXPROOF 64
#define ZL_TLOG_STRIPE	16		/* leaves per stripe (a level-4 subtree) */
#define ZL_TLOG_STRIPES	(ZL_TLOG_TILE_W / ZL_TLOG_STRIPE)	/* stripes per tile */

enum zl_tlog_alg { ZL_TLOG_SHA256, ZL_TLOG_SM3 };

typedef uint8_t zl_tlog_hash[ZL_TLOG_HASH];
struct zl_tlog_frontier;

/* "sha256" / "sm3" and back; -1 if unknown. */
int		 zl_tlog_alg_parse(const char *name);
const char	*zl_tlog_alg_name(enum zl_tlog_alg alg);

/* Call once before threads start (fetches the digests from OpenSSL). */
int	zl_tlog_init(void);
void	zl_tlog_leaf_hash(enum zl_tlog_alg alg, const void *leaf, size_t n, zl_tlog_hash out);
void	zl_tlog_node_hash(enum zl_tlog_alg alg, const zl_tlog_hash left,
	    const zl_tlog_hash right, zl_tlog_hash out);
/* H(data), the plain digest: H("") is the empty tree's root. */
void	zl_tlog_hash_data(enum zl_tlog_alg alg, const void *data, size_t n, zl_tlog_hash out);

/* read: tile (level, index) into buf (room for 256 hashes); *width gets the
 * number of hashes it holds (a partial tile holds fewer).  0, or ZL_ENOTFOUND.
 * stripe (optional, NULL: none): for the full level-0 tile `index`, the 16
 * leaf hashes of stripe `stripe` (0..15) into leaves and the tile's 16 stored
 * stripe roots into roots; nonzero when the tile is not full or has none.
 * edge (optional): the frontier of the log the tiles hold (its head); the
 * complete subtrees on its right edge are taken from it. */
struct zl_tlog_tiles {
	void	*ctx;
	int	(*read)(void *ctx, int level, uint64_t index, uint8_t *buf, size_t *width);
	int	(*stripe)(void *ctx, uint64_t index, unsigned stripe, uint8_t *leaves,
		    uint8_t *roots);
	const struct zl_tlog_frontier *edge;
};

/* The 16 stripe roots (16 * 32 bytes into roots) of a full level-0 tile. */
void	zl_tlog_stripe_roots(enum zl_tlog_alg alg, const uint8_t *tile, uint8_t *roots);

/* The stored hash at tree level `level`, index `index` (see above). */
int	zl_tlog_stored_hash(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
	    int level, uint64_t index, zl_tlog_hash out);
/* The root of the first `size` leaves (the empty tree's root is H("")). */
int	zl_tlog_tree_hash(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
	    uint64_t size, zl_tlog_hash out);
/* RFC 9162 §2.1.3 inclusion proof of leaf `index` in a tree of `size`;
 * leaf (NULL: not wanted) gets the stored leaf hash. */
int	zl_tlog_prove_inclusion(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
	    uint64_t index, uint64_t size, zl_tlog_hash leaf, zl_tlog_hash *proof, size_t *n);
/* RFC 9162 §2.1.4 consistency proof between sizes m ≤ n. */
int	zl_tlog_prove_consistency(enum zl_tlog_alg alg, const struct zl_tlog_tiles *t,
	    uint64_t m, uint64_t n, zl_tlog_hash *proof, size_t *len);
/* RFC 9162 §2.1.3.2 and §2.1.4.2 verification: 0 valid, ZL_EINVAL not. */
int	zl_tlog_verify_inclusion(enum zl_tlog_alg alg, const zl_tlog_hash leaf_hash,
	    uint64_t index, uint64_t size, const zl_tlog_hash *proof, size_t n,
	    const zl_tlog_hash root);
int	zl_tlog_verify_consistency(enum zl_tlog_alg alg, uint64_t m, uint64_t n,
	    const zl_tlog_hash old_root, const zl_tlog_hash new_root,
	    const zl_tlog_hash *proof, size_t len);

/* Appending.  The frontier (compact range) holds the roots of the complete
 * subtrees on the right edge of the tree: hash[k] is set where bit k of size is. */
struct zl_tlog_frontier {
	uint64_t	size;
	zl_tlog_hash	hash[64];
};
/* Append one leaf hash; calls emit for every new stored hash it creates
 * (level 0 the leaf itself, then each completed subtree), in increasing
 * level.  The caller keeps those at levels divisible by 8 in tiles. */
void	zl_tlog_append(enum zl_tlog_alg alg, struct zl_tlog_frontier *f,
	    const zl_tlog_hash leaf_hash,
	    void (*emit)(void *ctx, int level, uint64_t index, const zl_tlog_hash h),
	    void *ctx);
void	zl_tlog_frontier_root(enum zl_tlog_alg alg, const struct zl_tlog_frontier *f,
	    zl_tlog_hash out);
/* The frontier as it stands (to be stored) and back: 8-byte big-endian size
 * then one hash per set bit, lowest level first. */
size_t	zl_tlog_frontier_encode(const struct zl_tlog_frontier *f, uint8_t *buf);
int	zl_tlog_frontier_decode(struct zl_tlog_frontier *f, const uint8_t *buf, size_t n);

/* C2SP tlog-tiles paths: "tile/0/x001/234" and "tile/1/007.p/45", and back. */
void	zl_tlog_tile_path(char *buf, size_t n, int level, uint64_t index, size_t width);
int	zl_tlog_tile_path_parse(const char *path, int *level, uint64_t *index,
	    size_t *width, int *entries);
/* Entry bundle paths "tile/entries/x001/234[.p/W]" (also made by
 * zl_tlog_tile_path with level -1; parsing one gives level -1, *entries 1).
 * A width of 0 or 256 means a full tile: no ".p/W". */
void	zl_tlog_entries_path(char *buf, size_t n, uint64_t index, size_t width);

/* Hex helpers for the CLI and the JSON proofs. */
void	zl_tlog_hex(const zl_tlog_hash h, char out[65]);
int	zl_tlog_unhex(const char *s, zl_tlog_hash out);

#endif
