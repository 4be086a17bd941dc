/* tiles.c: C2SP tlog-tiles resource paths, made and parsed:
 * "tile/<L>/<N>[.p/<W>]" for hash tiles and "tile/entries/<N>[.p/<W>]" for
 * entry bundles, N written as 3-digit groups, all but the last prefixed "x"
 * (1234067 is "x001/x234/067").  Parsing accepts canonical paths only. */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "tlog/tlog.h"

#define PATH_MAX_LEN	64	/* "tile/entries/" + 7 groups + ".p/255" fits */

static void
make_path(char *buf, size_t n, int level, uint64_t index, size_t width)
{
	unsigned	 group[7];
	int		 ng = 0;
	size_t		 len;

	if (n == 0)
		return;
	do {
		group[ng++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index > 0);
	if (level < 0)
		len = (size_t)snprintf(buf, n, "tile/entries/");
	else
		len = (size_t)snprintf(buf, n, "tile/%d/", level);
	while (ng > 0 && len < n) {
		ng--;
		len += (size_t)snprintf(buf + len, n - len, ng > 0 ? "x%03u/" : "%03u", group[ng]);
	}
	if (width > 0 && width < ZL_TLOG_TILE_W && len < n)
		snprintf(buf + len, n - len, ".p/%zu", width);
}

void
zl_tlog_tile_path(char *buf, size_t n, int level, uint64_t index, size_t width)
{
	make_path(buf, n, level < 0 ? -1 : level, index, width);
}

void
zl_tlog_entries_path(char *buf, size_t n, uint64_t index, size_t width)
{
	make_path(buf, n, -1, index, width);
}

static int
digits3(const char *p, unsigned *v)
{
	for (int i = 0; i < 3; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	*v = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
	return 0;
}

/* A decimal number of at most maxd digits; the end is checked by the caller
 * (leading zeros are caught by comparing with the canonical path). */
static const char *
decimal(const char *p, int maxd, unsigned long *v)
{
	int d = 0;

	*v = 0;
	while (*p >= '0' && *p <= '9' && d < maxd) {
		*v = *v * 10 + (unsigned long)(*p++ - '0');
		d++;
	}
	return d == 0 ? NULL : p;
}

int
zl_tlog_tile_path_parse(const char *path, int *level, uint64_t *index, size_t *width,
    int *entries)
{
	char		 canon[PATH_MAX_LEN];
	const char	*p = path;
	unsigned long	 v;
	unsigned	 g;
	uint64_t	 idx = 0;
	int		 lv, ng = 0;

	if (path == NULL || strlen(path) >= PATH_MAX_LEN || strncmp(p, "tile/", 5) != 0)
		return ZL_EINVAL;
	p += 5;
	if (strncmp(p, "entries/", 8) == 0) {
		lv = -1;
		p += 8;
	} else {
		if ((p = decimal(p, 2, &v)) == NULL || *p++ != '/' || v > 63)
			return ZL_EINVAL;
		lv = (int)v;
	}
	for (;;) {
		int x = *p == 'x';
		if (digits3(p + x, &g) != 0 || ++ng > 7 || idx > (UINT64_MAX - g) / 1000)
			return ZL_EINVAL;
		idx = idx * 1000 + g;
		p += x + 3;
		if (!x)
			break;
		if (*p++ != '/')
			return ZL_EINVAL;
	}
	v = ZL_TLOG_TILE_W;
	if (strncmp(p, ".p/", 3) == 0) {
		if ((p = decimal(p + 3, 3, &v)) == NULL || v == 0 || v >= ZL_TLOG_TILE_W)
			return ZL_EINVAL;
	}
	if (*p != '\0')
		return ZL_EINVAL;
	make_path(canon, sizeof(canon), lv, idx, (size_t)v);
	if (strcmp(canon, path) != 0)
		return ZL_EINVAL;
	*level = lv;
	*index = idx;
	*width = (size_t)v;
	*entries = lv < 0;
	return 0;
}
