/* checkpoint.c: signed checkpoints of the log, witness cosignatures, and the
 * log's signing key on disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "tlog/ledger.h"
#include "tlog/note.h"

enum { Q_LATEST, Q_INSERT, Q_COSIGS, Q_BY_SIZE, Q_PUT_COSIG, Q_HISTORY, Q__MAX };

static const char *const sql[Q__MAX] = {
	[Q_LATEST] = "SELECT id, size, root, note, created_at FROM tlog_checkpoints "
	    "ORDER BY id DESC LIMIT 1",
	[Q_INSERT] = "INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)",
	[Q_COSIGS] = "SELECT line FROM tlog_cosignatures WHERE checkpoint_id = ? ORDER BY witness",
	[Q_BY_SIZE] = "SELECT id, note FROM tlog_checkpoints WHERE size = ? ORDER BY id DESC LIMIT 1",
	[Q_PUT_COSIG] = "INSERT INTO tlog_cosignatures (checkpoint_id, witness, line, created_at) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (checkpoint_id, witness) DO UPDATE SET "
	    "line = excluded.line, created_at = excluded.created_at",
	[Q_HISTORY] = "SELECT id, size, root, created_at FROM tlog_checkpoints ORDER BY id DESC LIMIT ?",
};

int
zl_ledger_history(struct zl_conn *c, struct zl_arena *a, int limit,
    struct zl_checkpoint **out, int *n)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_HISTORY]);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	*out = zl_arena_alloc(a, (size_t)(limit + 1) * sizeof(**out));
	*n = 0;
	zl_bind_int(s, 1, limit);
	while ((rc = zl_stmt_step(s)) == ZL_ROW && *n < limit) {
		struct zl_checkpoint *cp = &(*out)[(*n)++];
		cp->id = zl_col_int(s, 0);
		cp->size = zl_col_int(s, 1);
		cp->root = zl_arena_strdup(a, zl_col_text(s, 2));
		cp->created_at = zl_col_int(s, 3);
		cp->note = NULL;
	}
	zl_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

int
zl_ledger_latest(struct zl_conn *c, struct zl_arena *a, struct zl_checkpoint *cp)
{
	struct zl_stmt *s = zl_stmt_get(c, sql[Q_LATEST]);
	int rc;

	if (s == NULL)
		return ZL_EDB;
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		cp->id = zl_col_int(s, 0);
		cp->size = zl_col_int(s, 1);
		cp->root = zl_arena_strdup(a, zl_col_text(s, 2));
		cp->note = zl_arena_strdup(a, zl_col_text(s, 3));
		cp->created_at = zl_col_int(s, 4);
	}
	zl_stmt_reset(s);
	return rc == ZL_ROW ? 0 : rc == ZL_DONE ? ZL_ENOTFOUND : rc;
}

int
zl_ledger_checkpoint_text(struct zl_conn *c, struct zl_arena *a, char **out)
{
	struct zl_checkpoint	 cp;
	struct zl_stmt		*s;
	size_t			 len;
	char			*text;
	int			 rc;

	if ((rc = zl_ledger_latest(c, a, &cp)) != 0)
		return rc;
	text = zl_arena_strdup(a, cp.note);
	if ((s = zl_stmt_get(c, sql[Q_COSIGS])) == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, cp.id);
	while ((rc = zl_stmt_step(s)) == ZL_ROW) {
		len = strlen(text);
		text = zl_arena_printf(a, "%s%s%s\n", text,
		    len > 0 && text[len - 1] == '\n' ? "" : "\n", zl_col_text(s, 0));
	}
	zl_stmt_reset(s);
	*out = text;
	return rc < 0 ? rc : 0;
}

int
zl_ledger_checkpoint(struct zl_conn *c, struct zl_arena *a,
    const struct zl_note_signer *signer, const char *origin, int *made)
{
	struct zl_ledger_head	 h;
	struct zl_checkpoint	 last;
	zl_tlog_hash		 root;
	char			 hex[65], *body, *note;
	struct zl_stmt		*s;
	int			 rc;

	*made = 0;
	if ((rc = zl_tx_begin(c)) != 0)
		return rc;
	if ((rc = zl_ledger_head(c, &h)) != 0)
		goto fail;
	rc = zl_ledger_latest(c, a, &last);
	if (rc != 0 && rc != ZL_ENOTFOUND)
		goto fail;
	if ((rc == 0 && (uint64_t)last.size >= h.f.size) || (rc == ZL_ENOTFOUND && h.f.size == 0)) {
		zl_tx_rollback(c);
		return 0;
	}
	zl_tlog_frontier_root(h.alg, &h.f, root);
	zl_tlog_hex(root, hex);
	body = zl_checkpoint_body(origin, h.f.size, root,
	    h.alg == ZL_TLOG_SM3 ? "hash sm3\n" : NULL);
	note = body ? zl_note_sign(signer, body) : NULL;
	free(body);
	if (note == NULL) {
		rc = ZL_EINTERNAL;
		goto fail;
	}
	if ((s = zl_stmt_get(c, sql[Q_INSERT])) == NULL) {
		free(note);
		rc = ZL_EDB;
		goto fail;
	}
	zl_bind_int(s, 1, (int64_t)h.f.size);
	zl_bind_text(s, 2, hex);
	zl_bind_text(s, 3, note);
	zl_bind_int(s, 4, (int64_t)time(NULL));
	free(note);
	if (zl_stmt_run(s) < 0 || (rc = zl_tx_commit(c)) != 0) {
		rc = rc ? rc : ZL_EDB;
		goto fail;
	}
	*made = 1;
	return 0;
fail:
	zl_tx_rollback(c);
	return rc;
}

int
zl_ledger_cosign(struct zl_conn *c, struct zl_arena *a, const char *witnesses,
    int64_t size, const char *line)
{
	struct zl_stmt	*s = zl_stmt_get(c, sql[Q_BY_SIZE]);
	char		*note = NULL, *copy, *save = NULL, *with;
	int64_t		 id = 0;
	int		 rc;

	if (s == NULL)
		return ZL_EDB;
	zl_bind_int(s, 1, size);
	if ((rc = zl_stmt_step(s)) == ZL_ROW) {
		id = zl_col_int(s, 0);
		note = zl_arena_strdup(a, zl_col_text(s, 1));
	}
	zl_stmt_reset(s);
	if (rc != ZL_ROW)
		return rc == ZL_DONE ? ZL_ENOTFOUND : rc;
	/* The cosignature must verify with one of the configured witness keys
	 * over this checkpoint's body. */
	with = zl_arena_printf(a, "%s%s\n", note, line);
	copy = zl_arena_strdup(a, witnesses ? witnesses : "");
	for (char *k = strtok_r(copy, "\n,", &save); k; k = strtok_r(NULL, "\n,", &save)) {
		struct zl_note_verifier *v;
		size_t body;
		while (*k == ' ')
			k++;
		if (*k == '\0' || zl_note_verifier_parse(k, &v) != 0)
			continue;
		rc = zl_note_verify(with, v, &body);
		zl_note_verifier_free(v);
		if (rc != 0)
			continue;
		if ((s = zl_stmt_get(c, sql[Q_PUT_COSIG])) == NULL)
			return ZL_EDB;
		zl_bind_int(s, 1, id);
		zl_bind_text(s, 2, zl_arena_strndup(a, k, strcspn(k, "+")));
		zl_bind_text(s, 3, line);
		zl_bind_int(s, 4, (int64_t)time(NULL));
		return zl_stmt_run(s) < 0 ? ZL_EDB : 0;
	}
	return ZL_EPERM;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return strdup(buf);
}

int
zl_ledger_key(struct zl_conn *c, const char *path, const char *origin,
    struct zl_note_signer **out, int *created)
{
	struct zl_ledger_head	 h;
	char			*key = read_file(path), *pub = NULL;
	int			 rc, fd;

	*created = 0;
	if (key == NULL) {
		if (errno != ENOENT) {
			zl_errorf("ledger key %s: %s", path, strerror(errno));
			return ZL_EINTERNAL;
		}
		if ((rc = zl_ledger_head(c, &h)) != 0)
			return rc;
		if ((rc = zl_note_generate(h.alg == ZL_TLOG_SM3 ? ZL_NOTE_SM2 : ZL_NOTE_ED25519,
		    origin, &key, &pub)) != 0)
			return rc;
		free(pub);
		{	/* its directory first (var/ on a fresh clone) */
			char dir[1024], *slash;
			snprintf(dir, sizeof(dir), "%s", path);
			if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
				*slash = '\0';
				(void)mkdir(dir, 0750);
			}
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 && errno == EEXIST) {	/* another process made it first */
			free(key);
			usleep(100 * 1000);
			if ((key = read_file(path)) == NULL)
				return ZL_EINTERNAL;
			goto parse;
		}
		if (fd < 0 || write(fd, key, strlen(key)) != (ssize_t)strlen(key) ||
		    write(fd, "\n", 1) != 1) {
			zl_errorf("ledger key %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			free(key);
			return ZL_EINTERNAL;
		}
		close(fd);
		*created = 1;
	}
parse:
	rc = zl_note_signer_parse(key, out);
	explicit_bzero(key, strlen(key));
	free(key);
	return rc;
}
