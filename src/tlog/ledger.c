/* ledger.c: the log in the database.  Appends lock the head row
 * (UPDATE … RETURNING takes the row lock on PostgreSQL; SQLite's writer lock
 * is already held by BEGIN IMMEDIATE), extend the frontier in memory and
 * write back only the tiles they touched, so an append costs O(log n) and
 * a batch of appends shares the tile writes.  A level-0 tile that becomes
 * full gets its 16 stripe roots (tlog_tiles.roots, see tlog.h) in the same
 * row; logs older than them get theirs from zl_ledger_backfill. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "db/db.h"
#include "tlog/ledger.h"

static enum zl_tlog_alg default_alg = ZL_TLOG_SHA256;

void
zl_ledger_set_default_alg(enum zl_tlog_alg alg)
{
	default_alg = alg;
}

enum {
	Q_LOCK, Q_CREATE, Q_HEAD, Q_SET_HEAD, Q_TILE, Q_PUT_TILE, Q_STRIPE, Q_PUT_ROOTS,
	Q_ROOTS, Q_UNSTRIPED, Q_STRAY_ROOTS, Q__MAX
};

#define TILE_BYTES	(ZL_TLOG_TILE_W * ZL_TLOG_HASH)
#define STRIPE_BYTES	(ZL_TLOG_STRIPE * ZL_TLOG_HASH)
#define ROOTS_BYTES	(ZL_TLOG_STRIPES * ZL_TLOG_HASH)

static const char *const sql[Q__MAX] = {
	[Q_LOCK] = "UPDATE tlog_head SET size = size WHERE id = 1 RETURNING alg, frontier",
	[Q_CREATE] = "INSERT INTO tlog_head (id, alg, size, frontier, created_at) VALUES (1, ?, 0, ?, ?)",
	[Q_HEAD] = "SELECT alg, frontier FROM tlog_head WHERE id = 1",
	[Q_SET_HEAD] = "UPDATE tlog_head SET size = ?, frontier = ? WHERE id = 1",
	[Q_TILE] = "SELECT data FROM tlog_tiles WHERE level = ? AND idx = ?",
	/* A full level-0 tile gets its stripe roots with it; a partial one
	 * has none (NULL). */
	[Q_PUT_TILE] = "INSERT INTO tlog_tiles (level, idx, data, roots) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data, roots = excluded.roots",
	/* One stripe of a full level-0 tile (512 of its 8192 bytes) and the
	 * tile's stripe roots, from one row. */
	[Q_STRIPE] = "SELECT substr(data, ?, 512), roots FROM tlog_tiles "
	    "WHERE level = 0 AND idx = ? AND length(data) = 8192",
	/* Full tiles never change, so neither do their roots: a backfill
	 * meeting an append writes the same bytes, or nothing. */
	[Q_PUT_ROOTS] = "UPDATE tlog_tiles SET roots = ? WHERE level = 0 AND idx = ? AND roots IS NULL",
	[Q_ROOTS] = "SELECT roots FROM tlog_tiles WHERE level = 0 AND idx = ?",
	[Q_UNSTRIPED] = "SELECT idx, data FROM tlog_tiles "
	    "WHERE level = 0 AND idx >= ? AND length(data) = 8192 AND roots IS NULL "
	    "ORDER BY idx LIMIT 256",
	[Q_STRAY_ROOTS] = "SELECT count(*) FROM tlog_tiles WHERE roots IS NOT NULL "
	    "AND (level <> 0 OR length(data) <> 8192)",
};

/* Only [a-z0-9_.-]: such strings are their own JSON. */
static int
plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		    *s == '-' || *s == '.'))
			return 0;
	return 1;
}

char *
zl_leaf_text(struct zl_arena *a, const struct zl_leaf *l, uint64_t index)
{
	/* The log's hottest path (appends, verify, entry bundles): leaves of
	 * plain codes are written directly in canonical key order; the result
	 * is byte for byte what the jansson path below gives (a unit test
	 * compares both). */
	if (plain(l->entity) && plain(l->action) && plain(l->record_digest)) {
		char ts[32], actor[24], org[24];
		struct tm tm;
		time_t tt = (time_t)l->time;

		gmtime_r(&tt, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (l->actor) snprintf(actor, sizeof(actor), "%lld", (long long)l->actor);
		else snprintf(actor, sizeof(actor), "null");
		if (l->org) snprintf(org, sizeof(org), "%lld", (long long)l->org);
		else snprintf(org, sizeof(org), "null");
		return zl_arena_printf(a, "{\"action\":\"%s\",\"actor\":%s,\"entity\":\"%s\","
		    "\"entity_id\":%lld,\"index\":%llu,\"org\":%s,\"record_digest\":\"%s\","
		    "\"time\":%s%s%s}", l->action, actor, l->entity, (long long)l->entity_id,
		    (unsigned long long)index, org, l->record_digest,
		    l->time ? "\"" : "", l->time ? ts : "null", l->time ? "\"" : "");
	}
	return zl_leaf_text_json(a, l, index);
}

char *
zl_leaf_text_json(struct zl_arena *a, const struct zl_leaf *l, uint64_t index)
{
	json_t *j = json_pack("{s:s,s:o,s:s,s:I,s:I,s:o,s:s,s:o}",
	    "action", l->action,
	    "actor", l->actor ? json_integer(l->actor) : json_null(),
	    "entity", l->entity, "entity_id", (json_int_t)l->entity_id,
	    "index", (json_int_t)index,
	    "org", l->org ? json_integer(l->org) : json_null(),
	    "record_digest", l->record_digest,
	    "time", zl_json_time(l->time));
	char *s;

	if (j == NULL)
		return NULL;
	s = zl_json_canonical(a, j);
	json_decref(j);
	return s;
}

/* One tile per tile level is open at a time: the right edge of the tree. */
struct open_tile {
	int		 used, dirty;
	uint64_t	 idx;
	size_t		 width;
	uint8_t		 data[ZL_TLOG_TILE_W * ZL_TLOG_HASH];
	unsigned	 roots_have;	/* level 0: stripe roots met while appending (bits) */
	uint8_t		 roots[ROOTS_BYTES];
};

struct zl_ledger_batch {
	struct zl_conn		*c;
	enum zl_tlog_alg	 alg;
	struct zl_tlog_frontier	 f;
	int			 err;
	struct open_tile	 tiles[8];	/* 8 tile levels cover 2^64 leaves */
};

/* Full tiles never change again: each thread keeps the last ones it read,
 * so proofs on a large log mostly skip the database.  Keyed per database
 * connection, as a process may open more than one database.  Two ways per
 * set; a level-0 tile (with stripe roots, seldom read whole) never evicts a
 * higher one, so the ~150 level-1 tiles of a 10-million-leaf log stay.
 * 4 MiB per thread at most, touched as it fills. */
#define TILE_CACHE	512

static __thread struct cached_tile {
	const struct zl_conn	*conn;
	int			 level, used;
	uint64_t		 idx, gen;	/* partial tiles: valid while gen holds */
	uint64_t		 seq;		/* when filled: the older way goes first */
	size_t			 width;
	time_t			 at;
	uint8_t			 data[ZL_TLOG_TILE_W * ZL_TLOG_HASH];
} *tile_cache;
static __thread uint64_t tile_seq;

/* The way holding (c, level, idx), or else the one to fill with it (NULL
 * when a level-0 tile would evict two higher ones). */
static struct cached_tile *
cache_way(const struct zl_conn *c, int level, uint64_t idx)
{
	uint64_t		 h = (idx ^ (uint64_t)level << 58) * 0x9e3779b97f4a7c15ULL;
	struct cached_tile	*w = &tile_cache[(h >> 40) % (TILE_CACHE / 2) * 2], *v;

	for (int i = 0; i < 2; i++)
		if (w[i].used && w[i].conn == c && w[i].level == level && w[i].idx == idx)
			return &w[i];
	for (int i = 0; i < 2; i++)
		if (!w[i].used)
			return &w[i];
	v = w[0].seq < w[1].seq ? &w[0] : &w[1];
	if (level == 0 && v->level > 0)
		v = v == &w[0] ? &w[1] : &w[0];
	return level == 0 && v->level > 0 ? NULL : v;
}

static int
read_tile(struct zl_conn *c, int level, uint64_t idx, uint8_t *buf, size_t *width)
{
	struct zl_stmt		*s;
	struct cached_tile	*ct;
	const void		*p;
	size_t			 n;
	uint64_t		 gen;
	int			 rc;

	*width = 0;
	if (tile_cache == NULL)
		tile_cache = calloc(TILE_CACHE, sizeof(*tile_cache));
	ct = tile_cache ? cache_way(c, level, idx) : NULL;
	/* A partial tile only while nothing was committed since, and for a
	 * second at most (another process may append). */
	/* Writers (inside a transaction) never take a partial tile from the
	 * cache: they must see the head they locked. */
	if (ct != NULL && ct->used && ct->conn == c && ct->level == level && ct->idx == idx &&
	    (ct->width == ZL_TLOG_TILE_W || (!zl_conn_in_tx(c) &&
	    ct->gen == zl_db_generation() && ct->at == time(NULL)))) {
		memcpy(buf, ct->data, ct->width * ZL_TLOG_HASH);
		*width = ct->width;
		return 0;
	}
	gen = zl_db_generation();	/* before the read: a commit after it makes the copy stale */
	if ((s = zl_stmt_get(c, sql[Q_TILE])) == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, level);
	zl_bind_int(s, 2, (int64_t)idx);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		p = zl_col_blob(s, 0, &n);
		if (n > ZL_TLOG_TILE_W * ZL_TLOG_HASH || n % ZL_TLOG_HASH != 0)
			rc = ZL_EDB;
		else {
			memcpy(buf, p, n);
			*width = n / ZL_TLOG_HASH;
			if (ct != NULL && !zl_conn_in_tx(c)) {	/* not a writer's uncommitted view */
				ct->used = 1;
				ct->conn = c;
				ct->level = level;
				ct->idx = idx;
				ct->width = *width;
				ct->gen = gen;
				ct->seq = ++tile_seq;
				ct->at = time(NULL);
				memcpy(ct->data, p, n);
			}
		}
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

static int
write_tile(struct zl_conn *c, enum zl_tlog_alg alg, int level, struct open_tile *t)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_PUT_TILE]);

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, level);
	zl_bind_int(s, 2, (int64_t)t->idx);
	zl_bind_blob(s, 3, t->data, t->width * ZL_TLOG_HASH);
	if (level == 0 && t->width == ZL_TLOG_TILE_W) {
		/* the tile filled in this batch from its first leaf: its roots
		 * were met on the way, otherwise hash them from the tile */
		if (t->roots_have != (1u << ZL_TLOG_STRIPES) - 1)
			zl_tlog_stripe_roots(alg, t->data, t->roots);
		zl_bind_blob(s, 4, t->roots, sizeof(t->roots));
	} else
		zl_bind_null(s, 4);
	t->dirty = 0;
	return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
}

static int
db_tile_reader(void *ctx, int level, uint64_t index, uint8_t *buf, size_t *width)
{
	return read_tile(ctx, level, index, buf, width);
}

/* No cache here: the roots are checked against the tile by every reader. */
static int
db_stripe_reader(void *ctx, uint64_t index, unsigned stripe, uint8_t *leaves, uint8_t *roots)
{
	struct zl_stmt	*s;
	const void	*p, *q;
	size_t		 n, m;
	int		 rc;

	if (stripe >= ZL_TLOG_STRIPES ||
	    (s = zl_stmt_get(ctx, sql[Q_STRIPE])) == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, 1 + (int64_t)stripe * STRIPE_BYTES);
	zl_bind_int(s, 2, (int64_t)index);
	/* Each column is copied before the next is read: on PostgreSQL a blob
	 * lives only until the statement's next zl_col_blob. */
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		p = zl_col_blob(s, 0, &n);
		if (n == STRIPE_BYTES)
			memcpy(leaves, p, n);
		q = zl_col_blob(s, 1, &m);
		if (m == 0)
			rc = ZL_DONE;	/* no roots (yet) */
		else if (n != STRIPE_BYTES || m != ROOTS_BYTES)
			rc = ZL_EDB;
		else
			memcpy(roots, q, m);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

struct zl_tlog_tiles
zl_ledger_tiles(struct zl_conn *c)
{
	return (struct zl_tlog_tiles){ c, db_tile_reader, db_stripe_reader, NULL };
}

int
zl_ledger_stored_roots(struct zl_conn *c, uint64_t idx, uint8_t *roots)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_ROOTS]);
	const void	*p;
	size_t		 n;
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, (int64_t)idx);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		p = zl_col_blob(s, 0, &n);
		if (n == 0)
			rc = ZL_DONE;	/* NULL: none */
		else if (n != ROOTS_BYTES)
			rc = ZL_EINVAL;
		else
			memcpy(roots, p, n);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_ledger_stray_roots(struct zl_conn *c, int64_t *count)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_STRAY_ROOTS]);
	int		 rc;

	*count = 0;
	if (s == NULL)
		return ZL_EDB;
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		*count = zl_col_int(s, 0);
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc < 0 ? rc : ZL_EDB;
}

static int
decode_head(struct zl_stmt *s, enum zl_tlog_alg *alg, struct zl_tlog_frontier *f)
{
	const void *p;
	size_t n;
	int a = zl_tlog_alg_parse(zl_col_text(s, 0));

	if (a < 0)
		return ZL_EDB;
	*alg = (enum zl_tlog_alg)a;
	p = zl_col_blob(s, 1, &n);
	return zl_tlog_frontier_decode(f, p, n) == 0 ? 0 : ZL_EDB;
}

int
zl_ledger_head(struct zl_conn *c, struct zl_ledger_head *h)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_HEAD]);
	int rc;

	memset(h, 0, sizeof(*h));
	h->alg = default_alg;
	if (s == NULL)
		return ZL_EDB;
	if ((rc = zl_stmt_step(s)) == ZL_ROW)
		rc = decode_head(s, &h->alg, &h->f);
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

/* The head each thread read last, for proofs: see zl_ledger_head_covering. */
static __thread struct {
	const struct zl_conn	*conn;
	uint64_t		 gen;
	time_t			 at;
	struct zl_ledger_head	 h;
} recent_head;

int
zl_ledger_head_covering(struct zl_conn *c, uint64_t size, struct zl_ledger_head *h)
{
	uint64_t	 gen = zl_db_generation();	/* before the read, as for tiles */
	int		 rc;

	if (recent_head.conn == c && recent_head.gen == gen && recent_head.at == time(NULL) &&
	    recent_head.h.f.size >= size && !zl_conn_in_tx(c)) {
		*h = recent_head.h;
		return 0;
	}
	if ((rc = zl_ledger_head(c, h)) != 0)
		return rc;
	if (!zl_conn_in_tx(c)) {
		recent_head.conn = c;
		recent_head.gen = gen;
		recent_head.at = time(NULL);
		recent_head.h = *h;
	}
	return 0;
}

int
zl_ledger_begin(struct zl_conn *c, struct zl_ledger_batch **out)
{
	struct zl_ledger_batch	*b = calloc(1, sizeof(*b));
	struct zl_stmt		*s;
	uint8_t			 empty[8] = { 0 };
	int			 rc, found;

	*out = NULL;
	if (b == NULL)
		return ZL_ENOMEM;
	b->c = c;
	/* PostgreSQL: the row lock orders concurrent appenders.  SQLite: the
	 * transaction holds the database's one write lock already. */
	if ((s = zl_stmt_get(c, sql[zl_db_backend(zl_conn_db(c)) == ZL_DB_SQLITE ?
	    Q_HEAD : Q_LOCK])) == NULL)
		goto db;
	if ((found = zl_stmt_step(s)) == ZL_ROW)
		rc = decode_head(s, &b->alg, &b->f);
	else
		rc = found < 0 ? found : 0;
	zl_stmt_reset(s);
	if (rc == 0 && found == ZL_DONE) {	/* the first leaf: create the log */
		b->alg = default_alg;
		memset(&b->f, 0, sizeof(b->f));
		if ((s = zl_stmt_get(c, sql[Q_CREATE])) == NULL)
			goto db;
		zl_bind_text(s, 1, zl_tlog_alg_name(b->alg));
		zl_bind_blob(s, 2, empty, sizeof(empty));
		zl_bind_int(s, 3, (int64_t)time(NULL));
		rc = zl_stmt_run(s) < 0 ? ZL_EDB : 0;
	}
	if (rc != 0) {
		free(b);
		return rc < 0 ? rc : ZL_EDB;
	}
	*out = b;
	return 0;
db:
	free(b);
	return ZL_EDB;
}

static void
emit(void *ctx, int level, uint64_t index, const zl_tlog_hash h)
{
	struct zl_ledger_batch	*b = ctx;
	struct open_tile	*t;
	int			 tl = level / ZL_TLOG_TILE_H;
	uint64_t		 tidx = index / ZL_TLOG_TILE_W;
	size_t			 pos = (size_t)(index % ZL_TLOG_TILE_W);

	t = &b->tiles[0];
	if (level == 4 && t->used && t->idx == index / ZL_TLOG_STRIPES) {	/* a stripe root */
		memcpy(t->roots + (index % ZL_TLOG_STRIPES) * ZL_TLOG_HASH, h, ZL_TLOG_HASH);
		t->roots_have |= 1u << (index % ZL_TLOG_STRIPES);
		return;
	}
	if (level % ZL_TLOG_TILE_H != 0 || b->err != 0 || tl >= 8)
		return;
	t = &b->tiles[tl];
	if (!t->used || t->idx != tidx) {
		if (t->used && t->dirty && (b->err = write_tile(b->c, b->alg, tl, t)) != 0)
			return;
		t->used = 1;
		t->idx = tidx;
		t->dirty = 0;
		t->roots_have = 0;
		if ((b->err = read_tile(b->c, tl, tidx, t->data, &t->width)) == ZL_ENOTFOUND)
			b->err = 0;
		if (b->err != 0)
			return;
	}
	if (t->width != pos) {	/* tiles only ever grow at their end */
		zl_errorf("ledger: tile %d/%llu has width %zu, expected %zu", tl,
		    (unsigned long long)tidx, t->width, pos);
		b->err = ZL_EDB;
		return;
	}
	memcpy(t->data + pos * ZL_TLOG_HASH, h, ZL_TLOG_HASH);
	t->width = pos + 1;
	t->dirty = 1;
}

void
zl_ledger_head_size(const struct zl_ledger_batch *b, uint64_t *size)
{
	*size = b->f.size;
}

int
zl_ledger_add(struct zl_ledger_batch *b, const void *leaf, size_t n, uint64_t *index)
{
	zl_tlog_hash h;

	if (b->err != 0)
		return b->err;
	zl_tlog_leaf_hash(b->alg, leaf, n, h);
	*index = b->f.size;
	zl_tlog_append(b->alg, &b->f, h, emit, b);
	return b->err;
}

int
zl_ledger_finish(struct zl_ledger_batch *b)
{
	uint8_t		 buf[8 + 64 * ZL_TLOG_HASH];
	struct zl_stmt	*s;
	int		 rc = b->err;

	for (int i = 0; rc == 0 && i < 8; i++)
		if (b->tiles[i].used && b->tiles[i].dirty)
			rc = write_tile(b->c, b->alg, i, &b->tiles[i]);
	if (rc == 0) {
		size_t n = zl_tlog_frontier_encode(&b->f, buf);
		if ((s = zl_stmt_get(b->c, sql[Q_SET_HEAD])) == NULL)
			rc = ZL_EDB;
		else {
			zl_bind_int(s, 1, (int64_t)b->f.size);
			zl_bind_blob(s, 2, buf, n);
			rc = zl_stmt_run(s) < 0 ? ZL_EDB : 0;
		}
	}
	free(b);
	return rc;
}

void
zl_ledger_abort(struct zl_ledger_batch *b)
{
	free(b);
}

/* One transaction: the stripe roots of up to 256 full tiles from *from on
 * that have none; *made gets how many, *from where to go on. */
static int
backfill_some(struct zl_conn *c, enum zl_tlog_alg alg, uint64_t *from, long *made)
{
	struct zl_stmt	*s;
	uint64_t	*idx;
	uint8_t		*data;
	size_t		 n;
	int		 k = 0, rc;

	*made = 0;
	if ((idx = malloc(256 * sizeof(*idx))) == NULL || (data = malloc(256 * (size_t)TILE_BYTES)) == NULL) {
		free(idx);
		return ZL_ENOMEM;
	}
	if ((rc = zl_tx_begin(c)) != 0)
		goto done;
	if ((s = zl_stmt_get(c, sql[Q_UNSTRIPED])) == NULL) {
		rc = ZL_EDB;
		goto fail;
	}
	zl_bind_int(s, 1, (int64_t)*from);
	while (k < 256 && (rc = zl_stmt_step(s)) == ZL_ROW) {	/* full tiles: n is 8192 */
		const void *p = zl_col_blob(s, 1, &n);
		idx[k] = (uint64_t)zl_col_int(s, 0);
		memcpy(data + (size_t)k * TILE_BYTES, p, n < TILE_BYTES ? n : TILE_BYTES);
		k++;
	}
	zl_stmt_reset(s);
	if (rc < 0)
		goto fail;
	for (int i = 0; i < k; i++) {
		uint8_t roots[ROOTS_BYTES];

		zl_tlog_stripe_roots(alg, data + (size_t)i * TILE_BYTES, roots);
		if ((s = zl_stmt_get(c, sql[Q_PUT_ROOTS])) == NULL) {
			rc = ZL_EDB;
			goto fail;
		}
		zl_bind_blob(s, 1, roots, sizeof(roots));
		zl_bind_int(s, 2, (int64_t)idx[i]);
		if (zl_stmt_run(s) < 0) {
			rc = ZL_EDB;
			goto fail;
		}
	}
	if ((rc = zl_tx_commit(c)) != 0)
		goto done;
	*made = k;
	if (k > 0)
		*from = idx[k - 1] + 1;
	goto done;
fail:
	zl_tx_rollback(c);
done:
	free(idx);
	free(data);
	return rc;
}

int
zl_ledger_backfill(struct zl_conn *c, long *made)
{
	struct zl_ledger_head	 h;
	uint64_t		 from = 0;
	long			 n;
	int			 rc;

	*made = 0;
	if ((rc = zl_ledger_head(c, &h)) != 0)
		return rc;
	do {
		if ((rc = backfill_some(c, h.alg, &from, &n)) != 0)
			return rc;
		*made += n;
	} while (n > 0);
	if (*made > 0)
		zl_info("ledger: stripe roots of %ld full tiles rebuilt", *made);
	return 0;
}
