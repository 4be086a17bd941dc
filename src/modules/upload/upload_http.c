/* upload_http.c: files for application forms.  The body is the file itself;
 * its type is judged by its first bytes, not by what the client claims;
 * files are stored once by SHA-256, and the digest goes to the log. */
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "http/req.h"
#include "modules/upload/upload.h"

static const struct { const char *mime; const char *magic; size_t n; } kinds[] = {
	{ "application/pdf", "%PDF-", 5 },
	{ "image/png", "\x89PNG\r\n\x1a\n", 8 },
	{ "image/jpeg", "\xff\xd8\xff", 3 },
	{ "application/zip", "PK\x03\x04", 4 },	/* .docx, .xlsx, .zip */
};

static const char *
sniff(const char *p, size_t n)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (n >= kinds[i].n && memcmp(p, kinds[i].magic, kinds[i].n) == 0)
			return kinds[i].mime;
	return NULL;
}

/* 201 {digest, size, mime}; 415 a type not accepted; 413 too large. */
static int
handle_upload(struct zl_req *r)
{
	struct zl_actor	 who = { r->who, r->client_addr };
	const char	*mime;
	char		 digest[65];
	int		 rc;

	if (r->body_len == 0)
		return zl_err_set(&r->err, ZL_EINVAL, NULL, "文件为空 (empty file)");
	if ((mime = sniff(r->body, r->body_len)) == NULL)
		return zl_err_set(&r->err, ZL_EMEDIA, NULL,
		    "仅接受 PDF、PNG、JPEG 和 Office 文档 (PDF, PNG, JPEG, docx/xlsx only)");
	zl_sha256_hex(r->body, r->body_len, digest);
	if ((rc = zl_tx_begin(r->db)) != 0)
		return rc;
	if ((rc = zl_upload_store_put(r->db, digest, mime, r->body, r->body_len,
	    r->who->user_id, (int64_t)time(NULL))) != 0 ||
	    (rc = zl_audit(r->db, &r->arena, &who, "upload", 0, r->who->org_id, "upload",
	    zl_json_own(&r->arena, json_pack("{s:s,s:I,s:s}", "sha256", digest,
	    "size", (json_int_t)r->body_len, "mime", mime)))) != 0 ||
	    (rc = zl_tx_commit(r->db)) != 0) {
		zl_tx_rollback(r->db);
		return rc;
	}
	return zl_reply_json(r, 201, json_pack("{s:s,s:I,s:s}", "digest", digest,
	    "size", (json_int_t)r->body_len, "mime", mime));
}

/* The file, to its uploader and to staff who handle applications. */
static int
handle_get(struct zl_req *r)
{
	const char	*mime;
	const void	*data;
	size_t		 n;
	int64_t		 owner;
	int		 rc;

	if (strlen(r->params[0]) != 64)
		return ZL_ENOTFOUND;
	if ((rc = zl_upload_store_get(r->db, &r->arena, r->params[0], &mime, &data, &n, &owner)) != 0)
		return rc;
	{
		struct zl_scope s;
		zl_scope_for(r->who, ZL_P_APP_READ, &s);
		(void)owner;
		if (zl_upload_store_visible(r->db, &r->arena, r->params[0], r->who->user_id,
		    zl_may(r->who, ZL_P_APP_READ) ? &s : NULL) != 1)
			return ZL_ENOTFOUND;
	}
	zl_reply_header(r, "Content-Disposition", "attachment");
	return zl_reply_bytes(r, 200, mime, data, n);
}

const struct zl_route zl_upload_routes[] = {
	{ ZL_POST, "/api/v1/uploads", handle_upload, ZL_ROUTE_USER, ZL_BODY_FILE },
	{ ZL_GET, "/api/v1/uploads/{digest}", handle_get, ZL_ROUTE_USER, 0 },
	{ 0 }
};
