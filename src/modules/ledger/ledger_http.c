/* ledger_http.c: the public face of the transparency log (checkpoint, key,
 * tiles, entry bundles, proofs, entries, witness cosignatures) and, for
 * staff, the leaves of a record with their inclusion proofs. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/json.h"
#include "http/req.h"
#include "modules/ledger/ledger.h"
#include "tlog/ledger.h"

static int
query_u64(struct zl_req *r, const char *name, uint64_t *v)
{
	const char *s = zl_req_query(r, name);
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return zl_err_field(&r->err, name, "required, a non-negative integer");
	*v = strtoull(s, &end, 10);
	if (*end != '\0')
		return zl_err_field(&r->err, name, "must be a non-negative integer");
	return 0;
}

static json_t *
hex_array(const zl_tlog_hash *h, size_t n)
{
	json_t *a = json_array();
	char hex[65];

	for (size_t i = 0; i < n; i++) {
		zl_tlog_hex(h[i], hex);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

static json_t *
hex_json(const zl_tlog_hash h)
{
	char hex[65];

	zl_tlog_hex(h, hex);
	return json_string(hex);
}

/* text/plain: the latest signed checkpoint and its cosignatures; 404 before
 * the first one. */
static int
handle_checkpoint(struct zl_req *r)
{
	char *text;
	int rc;

	if ((rc = zl_ledger_checkpoint_text(r->db, &r->arena, &text)) != 0)
		return rc == ZL_ENOTFOUND ? zl_err_set(&r->err, rc, NULL,
		    "尚无已签名的检查点 (no checkpoint yet)") : rc;
	return zl_reply_bytes(r, 200, "text/plain; charset=utf-8", text, strlen(text));
}

static int
handle_key(struct zl_req *r)
{
	const char *k = r->app->ledger_verifier;

	if (k == NULL)
		return ZL_ENOTFOUND;
	return zl_reply_bytes(r, 200, "text/plain; charset=utf-8",
	    zl_arena_printf(&r->arena, "%s\n", k), strlen(k) + 1);
}

/* Summary for the portal and the console: size, algorithm, latest checkpoint. */
static int
handle_summary(struct zl_req *r)
{
	struct zl_ledger_head	h;
	struct zl_checkpoint	cp;
	json_t			*j;
	int			 rc;

	if ((rc = zl_ledger_head(r->db, &h)) != 0)
		return rc;
	j = json_pack("{s:I,s:s,s:s?,s:s?}", "size", (json_int_t)h.f.size,
	    "hash", zl_tlog_alg_name(h.alg), "origin", r->app->ledger_origin,
	    "verifier_key", r->app->ledger_verifier);
	if ((rc = zl_ledger_latest(r->db, &r->arena, &cp)) == 0)
		json_object_set_new(j, "checkpoint", json_pack("{s:I,s:s,s:o,s:s}",
		    "size", (json_int_t)cp.size, "root", cp.root,
		    "time", zl_json_time(cp.created_at), "note", cp.note));
	else
		json_object_set_new(j, "checkpoint", json_null());
	return zl_reply_json(r, 200, j);
}

/* {items: [{size, root, time}]} newest first; ?limit= up to 500. */
static int
handle_history(struct zl_req *r)
{
	struct zl_checkpoint	*cps;
	json_t			*items;
	int64_t			 cursor;
	int			 limit, n, rc;

	if ((rc = zl_req_page(r, &limit, &cursor)) != 0 ||
	    (rc = zl_ledger_history(r->db, &r->arena, limit, &cps, &n)) != 0)
		return rc;
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I,s:s,s:o}", "size", (json_int_t)cps[i].size,
		    "root", cps[i].root, "time", zl_json_time(cps[i].created_at)));
	return zl_reply_list(r, items, 0);
}

static int
handle_tile(struct zl_req *r)
{
	struct zl_tlog_tiles	 t = zl_ledger_tiles(r->db);
	uint8_t			*buf = zl_arena_alloc(&r->arena, ZL_TLOG_TILE_W * ZL_TLOG_HASH);
	const char		*path = zl_arena_printf(&r->arena, "tile/%s", r->params[0]);
	uint64_t		 index;
	size_t			 width, have;
	int			 level, entries, rc;

	if (zl_tlog_tile_path_parse(path, &level, &index, &width, &entries) != 0)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "not a tile path");
	zl_reply_header(r, "Cache-Control", width == ZL_TLOG_TILE_W ?
	    "public, max-age=31536000, immutable" : "public, max-age=10");
	if (entries) {
		/* An entry bundle: each leaf with a 2-byte big-endian length. */
		struct zl_leaf_row *rows;
		size_t cap = 0, len = 0;
		char *out = NULL;
		int n;

		if ((rc = zl_leaf_rows(r->db, &r->arena, (int64_t)(index * ZL_TLOG_TILE_W),
		    (int)width, &rows, &n)) != 0)
			return rc;
		if ((size_t)n < width)
			return ZL_ENOTFOUND;
		for (int i = 0; i < n; i++) {
			struct zl_leaf l = { rows[i].at, rows[i].actor_id, rows[i].org_id,
			    rows[i].entity_id, rows[i].entity, rows[i].action, rows[i].digest };
			char *text = zl_leaf_text(&r->arena, &l, (uint64_t)rows[i].leaf_index);
			size_t tl = strlen(text);
			if (rows[i].leaf_index != (int64_t)(index * ZL_TLOG_TILE_W) + i)
				return ZL_ENOTFOUND;
			if (len + tl + 2 > cap) {
				char *p = zl_arena_alloc(&r->arena, cap = (len + tl + 2) * 2);
				if (out)
					memcpy(p, out, len);
				out = p;
			}
			out[len++] = (char)(tl >> 8);
			out[len++] = (char)(tl & 0xff);
			memcpy(out + len, text, tl);
			len += tl;
		}
		return zl_reply_bytes(r, 200, "application/octet-stream", out ? out : "", len);
	}
	if ((rc = t.read(t.ctx, level, index, buf, &have)) != 0)
		return rc;
	if (have < width)
		return ZL_ENOTFOUND;
	return zl_reply_bytes(r, 200, "application/octet-stream", (char *)buf,
	    width * ZL_TLOG_HASH);
}

static int
log_size(struct zl_req *r, uint64_t *size, enum zl_tlog_alg *alg)
{
	struct zl_ledger_head h;
	int rc;

	if ((rc = zl_ledger_head(r->db, &h)) != 0)
		return rc;
	*size = h.f.size;
	*alg = h.alg;
	return 0;
}

/* The root of the first size leaves: the head's frontier gives the current
 * size's root without reading tiles. */
static int
root_of(const struct zl_ledger_head *h, const struct zl_tlog_tiles *t, uint64_t size,
    zl_tlog_hash root)
{
	if (h->f.size == size) {
		zl_tlog_frontier_root(h->alg, &h->f, root);
		return 0;
	}
	return zl_tlog_tree_hash(h->alg, t, size, root);
}

/* The hashes as a JSON array of hex strings, written directly: the body is
 * what json_dumps(…, JSON_COMPACT) gives, without a jansson object per hash. */
static char *
put_hex_list(char *p, const zl_tlog_hash *h, size_t n)
{
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		zl_tlog_hex(h[i], p);
		p += 64;
		*p++ = '"';
	}
	*p++ = ']';
	return p;
}

/* {index, size, leaf_hash, root, proof}; 400 index ≥ size or size beyond the
 * log.  The busiest public route: a recent head, one stripe of one tile
 * (tlog.h), the head's frontier for the right edge and the root. */
static int
handle_inclusion(struct zl_req *r)
{
	struct zl_tlog_tiles	 t = zl_ledger_tiles(r->db);
	struct zl_ledger_head	 h;
	zl_tlog_hash		 proof[ZL_TLOG_MAXPROOF], root, leaf;
	char			 hex[65], *body, *p;
	uint64_t		 index, size, have;
	size_t			 n;
	int			 rc;

	if ((rc = query_u64(r, "index", &index)) != 0 || (rc = query_u64(r, "size", &size)) != 0 ||
	    (rc = zl_ledger_head_covering(r->db, size, &h)) != 0)
		return rc;
	have = h.f.size;
	if (index >= size || size > have)
		return zl_err_set(&r->err, ZL_EINVAL, NULL,
		    "需要 index < size ≤ %" PRIu64 " (the log has %" PRIu64 " leaves)", have, have);
	t.edge = &h.f;
	if ((rc = zl_tlog_prove_inclusion(h.alg, &t, index, size, leaf, proof, &n)) != 0 ||
	    (rc = root_of(&h, &t, size, root)) != 0)
		return rc;
	body = p = zl_arena_alloc(&r->arena, 256 + n * 67);
	p += snprintf(p, 64, "{\"index\":%" PRIu64 ",\"size\":%" PRIu64 ",", index, size);
	zl_tlog_hex(leaf, hex);
	p += snprintf(p, 96, "\"leaf_hash\":\"%s\",", hex);
	zl_tlog_hex(root, hex);
	p += snprintf(p, 96, "\"root\":\"%s\",\"proof\":", hex);
	p = put_hex_list(p, proof, n);
	*p++ = '}';
	return zl_reply_bytes(r, 200, "application/json; charset=utf-8", body, (size_t)(p - body));
}

static int
handle_consistency(struct zl_req *r)
{
	struct zl_tlog_tiles	 t = zl_ledger_tiles(r->db);
	zl_tlog_hash		 proof[ZL_TLOG_MAXPROOF], old_root, new_root;
	enum zl_tlog_alg	 alg;
	uint64_t		 m, n, have;
	size_t			 len;
	int			 rc;

	if ((rc = query_u64(r, "old", &m)) != 0 || (rc = query_u64(r, "new", &n)) != 0 ||
	    (rc = log_size(r, &have, &alg)) != 0)
		return rc;
	if (m < 1 || m > n || n > have)
		return zl_err_set(&r->err, ZL_EINVAL, NULL,
		    "需要 1 ≤ old ≤ new ≤ %" PRIu64 " (the log has %" PRIu64 " leaves)", have, have);
	if ((rc = zl_tlog_prove_consistency(alg, &t, m, n, proof, &len)) != 0 ||
	    (rc = zl_tlog_tree_hash(alg, &t, m, old_root)) != 0 ||
	    (rc = zl_tlog_tree_hash(alg, &t, n, new_root)) != 0)
		return rc;
	return zl_reply_json(r, 200, json_pack("{s:I,s:I,s:o,s:o,s:o}",
	    "old", (json_int_t)m, "new", (json_int_t)n, "old_root", hex_json(old_root),
	    "new_root", hex_json(new_root), "proof", hex_array(proof, len)));
}

static json_t *
leaf_json(struct zl_req *r, const struct zl_leaf_row *row, enum zl_tlog_alg alg, char **text_out)
{
	struct zl_leaf l = { row->at, row->actor_id, row->org_id, row->entity_id,
	    row->entity, row->action, row->digest };
	char *text = zl_leaf_text(&r->arena, &l, (uint64_t)row->leaf_index);
	zl_tlog_hash h;

	zl_tlog_leaf_hash(alg, text, strlen(text), h);
	if (text_out)
		*text_out = text;
	return json_pack("{s:I,s:s,s:o}", "index", (json_int_t)row->leaf_index,
	    "leaf", text, "leaf_hash", hex_json(h));
}

/* One leaf: {index, leaf (its exact text), leaf_hash}. */
static int
handle_entry(struct zl_req *r)
{
	struct zl_leaf_row	 row;
	enum zl_tlog_alg	 alg;
	uint64_t		 have;
	int64_t			 i;
	int			 rc;

	if (strcmp(r->params[0], "0") == 0)
		i = 0;
	else if ((rc = zl_req_id(r, 0, &i)) != 0)
		return rc;
	if ((rc = log_size(r, &have, &alg)) != 0)
		return rc;
	if ((uint64_t)i >= have)	/* rows claiming leaves beyond the log are not leaves */
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "超出日志范围 (beyond the log)");
	if ((rc = zl_leaf_row(r->db, &r->arena, i, &row)) != 0)
		return rc;
	return zl_reply_json(r, 200, leaf_json(r, &row, alg, NULL));
}

struct cosig_in { int64_t size; const char *cosignature; };

static const struct zl_jfield cosig_fields[] = {
	{ "size", ZL_J_INT, offsetof(struct cosig_in, size), 1, 0 },
	{ "cosignature", ZL_J_STR, offsetof(struct cosig_in, cosignature), 1, 512 },
	{ NULL },
};

/* 204 stored; 403 not signed by a configured witness; 404 no such checkpoint. */
static int
handle_cosign(struct zl_req *r)
{
	struct cosig_in	 in = { 0 };
	json_t		*body;
	int		 rc;

	if ((rc = zl_req_body(r, &body)) != 0 ||
	    (rc = zl_json_decode(body, cosig_fields, &in, NULL, &r->arena, &r->err)) != 0)
		return rc;
	rc = zl_ledger_cosign(r->db, &r->arena, r->app->cfg.ledger_witnesses, in.size, in.cosignature);
	if (rc == ZL_EPERM)
		return zl_err_set(&r->err, rc, NULL,
		    "副署签名无效或见证方未配置 (not a valid cosignature of a configured witness)");
	if (rc != 0)
		return rc;
	return zl_reply_empty(r, 204);
}

/* The leaves of one record with inclusion proofs against the latest
 * checkpoint; 404 unknown or outside the caller's scope. */
static int
handle_record(struct zl_req *r)
{
	const struct zl_record_kind	*k = zl_record_kind(r->params[0]);
	struct zl_tlog_tiles		 t = zl_ledger_tiles(r->db);
	struct zl_leaf_row		*rows;
	struct zl_checkpoint		 cp;
	struct zl_ledger_head		 h;
	struct zl_scope			 s;
	const char			*path;
	json_t				*rec, *leaves;
	int64_t				 id, org;
	int				 n, rc, have_cp;

	if (k == NULL)
		return zl_err_set(&r->err, ZL_ENOTFOUND, NULL, "unknown record kind");
	if ((rc = zl_req_id(r, 1, &id)) != 0)
		return rc;
	if (!zl_may(r->who, (enum zl_perm)k->read_perm))
		return zl_err_set(&r->err, ZL_EPERM, NULL, "需要权限 %s", zl_perms[k->read_perm].code);
	if ((rc = k->load(r->db, &r->arena, id, &rec, &org, &path)) != 0)
		return rc;
	zl_scope_for(r->who, (enum zl_perm)k->read_perm, &s);
	/* Roles belong to no org: role.read sees them all. */
	if (strcmp(k->entity, "role") != 0 && !zl_scope_covers(&s, org, path,
	    strcmp(k->entity, "user") == 0 ? id : strcmp(k->entity, "org") == 0 ? -1 : 0))
		return ZL_ENOTFOUND;
	if ((rc = zl_ledger_head(r->db, &h)) != 0 ||
	    (rc = zl_record_leaves(r->db, &r->arena, k->entity, id, &rows, &n)) != 0)
		return rc;
	rc = zl_ledger_latest(r->db, &r->arena, &cp);
	if (rc != 0 && rc != ZL_ENOTFOUND)
		return rc;
	have_cp = rc == 0;
	leaves = json_array();
	for (int i = 0; i < n; i++) {
		json_t *lj;
		if (rows[i].leaf_index < 0)
			continue;
		lj = leaf_json(r, &rows[i], h.alg, NULL);
		json_object_set_new(lj, "audit_id", json_integer(rows[i].id));
		json_object_set_new(lj, "action", json_string(rows[i].action));
		json_object_set_new(lj, "at", zl_json_time(rows[i].at));
		json_object_set_new(lj, "record_digest", json_string(rows[i].digest));
		if (have_cp && rows[i].leaf_index < cp.size) {
			zl_tlog_hash proof[ZL_TLOG_MAXPROOF];
			size_t pn;
			if (zl_tlog_prove_inclusion(h.alg, &t, (uint64_t)rows[i].leaf_index,
			    (uint64_t)cp.size, NULL, proof, &pn) == 0) {
				json_object_set_new(lj, "proof", hex_array(proof, pn));
				json_object_set_new(lj, "status", json_string("included"));
			}
		} else
			json_object_set_new(lj, "status", json_string("pending"));
		json_array_append_new(leaves, lj);
	}
	return zl_reply_json(r, 200, json_pack("{s:s,s:I,s:s,s:o,s:o,s:o}",
	    "entity", k->entity, "id", (json_int_t)id, "hash", zl_tlog_alg_name(h.alg),
	    "checkpoint", have_cp ? json_pack("{s:I,s:s,s:s}", "size", (json_int_t)cp.size,
		"root", cp.root, "note", cp.note) : json_null(),
	    "record", json_incref(rec), "leaves", leaves));
}

const struct zl_route zl_ledger_routes[] = {
	{ ZL_GET, "/api/v1/public/ledger", handle_summary, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/checkpoint", handle_checkpoint, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/key", handle_key, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/checkpoints", handle_history, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/tile/{*}", handle_tile, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/proof/inclusion", handle_inclusion, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/proof/consistency", handle_consistency, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/public/ledger/entries/{i}", handle_entry, ZL_ROUTE_PUBLIC },
	{ ZL_POST, "/api/v1/public/ledger/cosignatures", handle_cosign, ZL_ROUTE_PUBLIC },
	{ ZL_GET, "/api/v1/ledger/records/{entity}/{id}", handle_record, ZL_ROUTE_STAFF },
	{ 0 }
};
