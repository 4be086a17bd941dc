/* ledger.h: the deployment's transparency log in the database.  Every audit
 * row appends one leaf inside the transaction of the change it records;
 * signed checkpoints are made by the server at most once per interval. */
#ifndef ZL_LEDGER_H
#define ZL_LEDGER_H

#include <stdint.h>
#include <jansson.h>

#include "tlog/tlog.h"

struct zl_conn; struct zl_arena; struct zl_note_signer;

/* The algorithm a new log gets (from the ledger_profile setting); an
 * existing log keeps the one it was created with. */
void	 zl_ledger_set_default_alg(enum zl_tlog_alg alg);

/* What one leaf says, before it has its index. */
struct zl_leaf {
	int64_t		 time, actor, org, entity_id;	/* actor, org: 0 = none */
	const char	*entity, *action, *record_digest;
};
/* The leaf's canonical JSON (sorted keys, UTF-8) in the arena. */
char	*zl_leaf_text(struct zl_arena *a, const struct zl_leaf *l, uint64_t index);
/* The same through jansson (the reference the fast path is tested against). */
char	*zl_leaf_text_json(struct zl_arena *a, const struct zl_leaf *l, uint64_t index);

/* Appending inside the caller's transaction: begin locks the head, add
 * appends (as many as wanted, sharing tile reads and writes), finish writes
 * the tiles and the head.  On any failure the caller rolls back. */
struct zl_ledger_batch;
int	 zl_ledger_begin(struct zl_conn *c, struct zl_ledger_batch **out);
/* The size of the log before the next add (the next leaf's index). */
void	 zl_ledger_head_size(const struct zl_ledger_batch *b, uint64_t *size);
int	 zl_ledger_add(struct zl_ledger_batch *b, const void *leaf, size_t n, uint64_t *index);
int	 zl_ledger_finish(struct zl_ledger_batch *b);
void	 zl_ledger_abort(struct zl_ledger_batch *b);

struct zl_ledger_head {
	enum zl_tlog_alg	 alg;
	struct zl_tlog_frontier	 f;
};
/* The head as committed; size 0 with alg = default when there is no log yet. */
int	 zl_ledger_head(struct zl_conn *c, struct zl_ledger_head *h);
/* A head of at least `size` leaves, for proofs: the one this thread read
 * within the second when nothing was committed here since and it has that
 * many, else the head as committed.  A head a little behind another
 * process's appends proves the same for every size it covers (complete
 * subtrees never change), and a larger size is always read afresh. */
int	 zl_ledger_head_covering(struct zl_conn *c, uint64_t size, struct zl_ledger_head *h);
/* Tile reader over the database for proofs (ctx = the connection), with
 * the stripe roots; no edge (set it to the head's frontier to use it). */
struct zl_tlog_tiles zl_ledger_tiles(struct zl_conn *c);
/* The stored stripe roots of level-0 tile idx (16 hashes into roots);
 * ZL_ENOTFOUND none, ZL_EINVAL not 16 hashes. */
int	 zl_ledger_stored_roots(struct zl_conn *c, uint64_t idx, uint8_t *roots);
/* How many tiles have stripe roots but are not full level-0 tiles. */
int	 zl_ledger_stray_roots(struct zl_conn *c, int64_t *count);
/* Store the stripe roots of every full level-0 tile that has none (a log
 * older than them, or roots cleared): after migrating, before serving.
 * Safe beside appenders; *made gets the number of tiles. */
int	 zl_ledger_backfill(struct zl_conn *c, long *made);

struct zl_checkpoint {
	int64_t		 id, size, created_at;
	const char	*root, *note;	/* hex root; the signed note */
};
/* The newest checkpoint; ZL_ENOTFOUND when none was made yet. */
int	 zl_ledger_latest(struct zl_conn *c, struct zl_arena *a, struct zl_checkpoint *cp);
/* The newest checkpoints, newest first (at most limit). */
int	 zl_ledger_history(struct zl_conn *c, struct zl_arena *a, int limit,
	    struct zl_checkpoint **out, int *n);
/* The signed checkpoint with its cosignature lines appended (served text). */
int	 zl_ledger_checkpoint_text(struct zl_conn *c, struct zl_arena *a, char **out);
/* Sign a new checkpoint when the log grew since the last one; *made 1 if so. */
int	 zl_ledger_checkpoint(struct zl_conn *c, struct zl_arena *a,
	    const struct zl_note_signer *s, const char *origin, int *made);
/* Store a witness cosignature line for the checkpoint of `size` after
 * checking it with the configured witness verifier keys (one per line). */
int	 zl_ledger_cosign(struct zl_conn *c, struct zl_arena *a, const char *witnesses,
	    int64_t size, const char *line);

/* Load the signing key from path, or make one (mode 0600) for origin with
 * the log's algorithm; *created 1 when it was made. */
int	 zl_ledger_key(struct zl_conn *c, const char *path, const char *origin,
	    struct zl_note_signer **out, int *created);

#endif
