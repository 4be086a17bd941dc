/* verify.c: `zhili ledger verify`: rebuild every leaf from the audit rows,
 * the tree from the leaves, and compare with the stored tiles, the stripe
 * roots of full tiles, the latest signed checkpoint and each record's current
 * state.  Every difference is reported with its entity, id and leaf index. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "modules/ledger/ledger.h"
#include "tlog/ledger.h"
#include "tlog/note.h"

struct verify {
	struct zl_conn		*c;
	FILE			*out;
	enum zl_tlog_alg	 alg;
	long			 problems;
	/* the stored tile being compared, per tile level */
	struct { int used; uint64_t idx; size_t width; uint8_t data[ZL_TLOG_TILE_W * 32]; } t[8];
	/* the stripe roots of the level-0 tile being compared; full tiles of the
	 * stored log (below full_tiles) must have them */
	uint64_t	 full_tiles, roots_idx;
	int		 roots_rc;	/* of reading them; -1: not read yet */
	uint8_t		 roots[ZL_TLOG_STRIPES * 32];
};

static void
problem(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct verify *v, const char *fmt, ...)
{
	va_list ap;

	v->problems++;
	if (v->problems > 1000)
		return;		/* the count says the rest */
	fputs("TAMPERED: ", v->out);
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

/* The stored hash at (level, index) or NULL when the tile lacks it. */
static const uint8_t *
stored(struct verify *v, int level, uint64_t index)
{
	int tl = level / ZL_TLOG_TILE_H;
	uint64_t ti = index / ZL_TLOG_TILE_W;
	size_t pos = (size_t)(index % ZL_TLOG_TILE_W);
	struct zl_tlog_tiles r = zl_ledger_tiles(v->c);

	if (!v->t[tl].used || v->t[tl].idx != ti) {
		v->t[tl].used = 1;
		v->t[tl].idx = ti;
		if (r.read(r.ctx, tl, ti, v->t[tl].data, &v->t[tl].width) != 0)
			v->t[tl].width = 0;
	}
	return pos < v->t[tl].width ? v->t[tl].data + pos * 32 : NULL;
}

/* A rebuilt stripe root (level 4) against the one stored beside its tile. */
static void
compare_stripe(struct verify *v, uint64_t index, const zl_tlog_hash h)
{
	uint64_t ti = index / ZL_TLOG_STRIPES;
	unsigned s = (unsigned)(index % ZL_TLOG_STRIPES);

	if (ti >= v->full_tiles)
		return;		/* a partial tile has none */
	if (v->roots_rc == -1 || v->roots_idx != ti) {
		v->roots_idx = ti;
		v->roots_rc = zl_ledger_stored_roots(v->c, ti, v->roots);
		if (v->roots_rc == ZL_ENOTFOUND)
			problem(v, "tile 0/%" PRIu64 ": its stripe roots are missing", ti);
		else if (v->roots_rc != 0)
			problem(v, "tile 0/%" PRIu64 ": its stripe roots are not 16 hashes", ti);
	}
	if (v->roots_rc == 0 && memcmp(v->roots + s * 32, h, 32) != 0)
		problem(v, "tile 0/%" PRIu64 ": stripe root %u (leaves %" PRIu64 " to %" PRIu64 ") "
		    "differs from the rebuilt tree", ti, s, index * ZL_TLOG_STRIPE,
		    index * ZL_TLOG_STRIPE + ZL_TLOG_STRIPE - 1);
}

static void
compare(void *ctx, int level, uint64_t index, const zl_tlog_hash h)
{
	struct verify *v = ctx;
	const uint8_t *s;

	if (level == 4)
		compare_stripe(v, index, h);
	if (level % ZL_TLOG_TILE_H != 0 || level == 0)
		return;		/* leaves are compared with their audit rows */
	if ((s = stored(v, level, index)) == NULL || memcmp(s, h, 32) != 0)
		problem(v, "tile hash at tree level %d index %" PRIu64 " differs from the rebuilt tree",
		    level, index);
}

static int
check_checkpoint(struct verify *v, struct zl_arena *a, const char *key_path,
    struct zl_checkpoint *cp)
{
	struct zl_note_signer	*signer = NULL;
	struct zl_note_verifier	*ver = NULL;
	char			*pub, *line = NULL;
	size_t			 body, n = 0;
	FILE			*f;
	int			 rc;

	if ((rc = zl_ledger_latest(v->c, a, cp)) == ZL_ENOTFOUND) {
		fprintf(v->out, "no signed checkpoint yet\n");
		return 0;
	}
	if (rc != 0)
		return rc;
	if ((f = fopen(key_path, "r")) == NULL || getline(&line, &n, f) < 0) {
		if (f)
			fclose(f);
		free(line);
		fprintf(v->out, "cannot read the ledger key %s: checkpoint signature not checked\n", key_path);
		return 0;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (zl_note_signer_parse(line, &signer) != 0 || (pub = zl_note_signer_verifier(signer)) == NULL ||
	    zl_note_verifier_parse(pub, &ver) != 0) {
		problem(v, "the ledger key %s cannot be read", key_path);
	} else {
		if (zl_note_verify(cp->note, ver, &body) != 0)
			problem(v, "checkpoint %" PRId64 " (size %" PRId64 "): signature does not verify",
			    cp->id, cp->size);
		free(pub);
	}
	explicit_bzero(line, strlen(line));
	free(line);
	zl_note_signer_free(signer);
	zl_note_verifier_free(ver);
	return 0;
}

static void
check_records(struct verify *v)
{
	for (const struct zl_record_kind *k = zl_record_kinds; k->entity != NULL; k++) {
		struct zl_arena a;
		int64_t *ids, *leaves;
		int n;

		zl_arena_init(&a);
		if (zl_record_ids(v->c, &a, k->entity, &ids, &leaves, &n) != 0) {
			problem(v, "cannot read the %s records", k->entity);
			zl_arena_release(&a);
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct zl_arena ra;
			struct zl_leaf_row row;
			json_t *j;
			int64_t org;
			const char *path, *canon;
			char digest[65];

			if (leaves[i] < 0) {
				problem(v, "%s %" PRId64 ": no leaf in the log (inserted behind the platform's back)",
				    k->entity, ids[i]);
				continue;
			}
			zl_arena_init(&ra);
			if (zl_leaf_row(v->c, &ra, leaves[i], &row) != 0 ||
			    strcmp(row.entity, k->entity) != 0 || row.entity_id != ids[i])
				problem(v, "%s %" PRId64 ": its latest leaf %" PRId64 " is not its own",
				    k->entity, ids[i], leaves[i]);
			else if (k->load(v->c, &ra, ids[i], &j, &org, &path) != 0)
				problem(v, "%s %" PRId64 ": cannot be read", k->entity, ids[i]);
			else if ((canon = zl_json_canonical(&ra, j)) != NULL &&
			    (zl_sha256_hex(canon, strlen(canon), digest), strcmp(digest, row.digest) != 0))
				problem(v, "%s %" PRId64 ": changed outside the platform since leaf %" PRId64,
				    k->entity, ids[i], leaves[i]);
			zl_arena_release(&ra);
		}
		zl_arena_release(&a);
	}
}

long
zl_ledger_verify(struct zl_conn *c, const char *key_path, FILE *out)
{
	struct verify		*v = calloc(1, sizeof(*v));
	struct zl_ledger_head	 head;
	struct zl_tlog_frontier	 f;
	struct zl_checkpoint	 cp = { 0 };
	struct zl_arena		 ka;
	zl_tlog_hash		 root, head_root;
	char			 hex[65];
	int64_t			 next = 0;
	long			 problems;
	int			 rc, cp_checked = 0;

	if (v == NULL)
		return ZL_ENOMEM;
	v->c = c;
	v->out = out;
	zl_arena_init(&ka);
	if ((rc = zl_ledger_head(c, &head)) != 0 ||
	    (rc = check_checkpoint(v, &ka, key_path, &cp)) != 0) {
		free(v);
		zl_arena_release(&ka);
		return rc;
	}
	v->alg = head.alg;
	v->full_tiles = head.f.size / ZL_TLOG_TILE_W;
	v->roots_rc = -1;
	memset(&f, 0, sizeof(f));
	for (;;) {
		struct zl_arena a;
		struct zl_leaf_row *rows;
		int n;

		zl_arena_init(&a);
		if ((rc = zl_leaf_rows(c, &a, next, 20000, &rows, &n)) != 0) {
			zl_arena_release(&a);
			break;
		}
		for (int i = 0; i < n; i++) {
			struct zl_leaf_row *r = &rows[i];
			struct zl_leaf l = { r->at, r->actor_id, r->org_id, r->entity_id,
			    r->entity, r->action, r->digest };
			const uint8_t *s;
			zl_tlog_hash h;
			char *text;

			for (; next < r->leaf_index; next++) {
				problem(v, "leaf %" PRId64 ": its audit row is missing (deleted)", next);
				if ((s = stored(v, 0, (uint64_t)next)) != NULL) {
					zl_tlog_append(v->alg, &f, s, compare, v);	/* keep the shape */
				}
			}
			text = zl_leaf_text(&a, &l, (uint64_t)r->leaf_index);
			zl_tlog_leaf_hash(v->alg, text, strlen(text), h);
			s = stored(v, 0, (uint64_t)r->leaf_index);
			if (s == NULL || memcmp(s, h, 32) != 0)
				problem(v, "leaf %" PRId64 ": audit row %" PRId64 " (%s %" PRId64 " %s) differs "
				    "from the log (edited, inserted or reordered)", r->leaf_index, r->id,
				    r->entity, r->entity_id, r->action);
			zl_tlog_append(v->alg, &f, h, compare, v);
			next = r->leaf_index + 1;
			if (cp.note != NULL && f.size == (uint64_t)cp.size) {
				zl_tlog_frontier_root(v->alg, &f, root);
				zl_tlog_hex(root, hex);
				cp_checked = 1;
				if (strcmp(hex, cp.root) != 0)
					problem(v, "the rebuilt tree of size %" PRId64 " does not match the signed "
					    "checkpoint (root %s, rebuilt %s)", cp.size, cp.root, hex);
			}
		}
		zl_arena_release(&a);
		if (n < 20000)
			break;
	}
	if ((uint64_t)next < head.f.size)
		problem(v, "leaves %" PRId64 " to %" PRIu64 ": audit rows missing (deleted or the log truncated)",
		    next, head.f.size - 1);
	if ((uint64_t)next > head.f.size)
		problem(v, "%" PRIu64 " audit rows carry leaves beyond the log's size %" PRIu64 " (inserted)",
		    (uint64_t)next - head.f.size, head.f.size);
	zl_tlog_frontier_root(v->alg, &f, root);
	zl_tlog_frontier_root(head.alg, &head.f, head_root);
	if (memcmp(root, head_root, 32) != 0 && (uint64_t)next == head.f.size)
		problem(v, "the log head's root differs from the rebuilt tree");
	{
		int64_t extra;
		if (zl_ledger_stray_roots(c, &extra) != 0)
			problem(v, "cannot read the stripe roots");
		else if (extra > 0)
			problem(v, "%" PRId64 " tiles that are not full level-0 tiles carry stripe roots (inserted)",
			    extra);
	}
	if (cp.note != NULL && !cp_checked)
		problem(v, "the signed checkpoint of size %" PRId64 " is beyond the rebuilt log (%" PRId64 " leaves)",
		    cp.size, next);
	{
		struct zl_arena a;
		struct zl_leaf_row *rows;
		int n;

		zl_arena_init(&a);
		if (zl_leafless_rows(c, &a, &rows, &n) == 0)
			for (int i = 0; i < n; i++)
				problem(v, "audit row %" PRId64 " (%s %" PRId64 " %s) has no leaf (inserted)",
				    rows[i].id, rows[i].entity, rows[i].entity_id, rows[i].action);
		zl_arena_release(&a);
	}
	check_records(v);
	zl_tlog_hex(root, hex);
	fprintf(out, "%s: %" PRIu64 " leaves (%s), root %s, checkpoint %s; %ld problem%s\n",
	    v->problems ? "INVALID" : "OK", f.size, zl_tlog_alg_name(v->alg), hex,
	    cp.note ? (cp_checked ? "matches" : "not reached") : "none", v->problems,
	    v->problems == 1 ? "" : "s");
	problems = v->problems;
	free(v);
	zl_arena_release(&ka);
	return problems;
}
