/* static.c: the built web application (web/dist).  Hashed assets are cached
 * for a year; everything else is revalidated.  A precompressed X.gz beside a
 * file is sent when the client accepts gzip. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/server.h"

static const struct { const char *ext, *type; } types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".map", "application/json; charset=utf-8" },
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int
open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

int
zl_static(struct zl_req *r)
{
	const char	*rel = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	const char	*ae = zl_req_header(r, "Accept-Encoding");
	char		*file;
	struct stat	 st;
	int		 fd = -1;

	/* No hidden files, no parent directories, no odd bytes. */
	if (strstr(rel, "/.") != NULL || strstr(rel, "//") != NULL || strlen(rel) > 512)
		return ZL_ENOTFOUND;
	for (const char *p = rel; *p != '\0'; p++)
		if ((unsigned char)*p < 0x21 || *p == '\\')
			return ZL_ENOTFOUND;
	file = zl_arena_printf(&r->arena, "%s%s", r->app->cfg.web_root, rel);
	if (ae != NULL && strstr(ae, "gzip") != NULL)
		fd = open_regular(zl_arena_printf(&r->arena, "%s.gz", file), &st);
	if (fd >= 0)
		zl_reply_header(r, "Content-Encoding", "gzip");
	else if ((fd = open_regular(file, &st)) < 0)
		return ZL_ENOTFOUND;
	zl_reply_header(r, "Vary", "Accept-Encoding");
	zl_reply_header(r, "Cache-Control", strncmp(rel, "/assets/", 8) == 0 ?
	    "public, max-age=31536000, immutable" : "no-cache");
	r->status = 200;
	r->ctype = content_type(file);
	r->file_fd = fd;
	r->file_size = (uint64_t)st.st_size;
	return 0;
}
