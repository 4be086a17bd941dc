/* xlsx_read.c: an .xlsx workbook from memory into sheets of cell text.  libzip
 * opens the archive from the buffer; expat streams xl/workbook.xml, its
 * relationships, xl/sharedStrings.xml and each sheet in chunks, so no part is
 * ever held whole and every byte inflated is counted against the limits.
 * Exports zl_xlsx_read, zl_xlsx_sheet, zl_xlsx_cell, zl_xlsx_ref. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/xlsx_read.h"

const struct zl_xlsx_limits zl_xlsx_default_limits = {
	.total_bytes = 32u << 20, .cell_bytes = 128u << 10, .entries = 1000,
	.sheets = 64, .rows = 100000, .cols = 256, .strings = 500000,
};

#define EXCEL_ROWS	1048576
#define EXCEL_COLS	16384
#define WORKBOOK	"xl/workbook.xml"
#define WORKBOOK_RELS	"xl/_rels/workbook.xml.rels"

enum part { P_WORKBOOK, P_RELS, P_STRINGS, P_SHEET };

struct rel { const char *id, *type, *target; };

/* One reading; rc holds the first error, which stops the parser. */
struct rd {
	struct zl_arena			*a;
	const struct zl_xlsx_limits	*lim;
	struct zl_error			*err;
	zip_t				*zip;
	XML_Parser			 p;
	size_t				 total;
	int				 rc;
	/* the text being collected (<t>, <v>) */
	char				*text;
	size_t				 tlen;
	int				 collect, in_item, in_phonetic;
	/* workbook and relationships */
	struct { const char *name, *rid; } *sheets;
	int				 nsheets, csheets;
	struct rel			*rels;
	int				 nrels, crels;
	/* shared strings */
	const char			**strings;
	int				 nstrings, cstrings;
	/* the sheet being read */
	struct zl_xlsx_sheet		*sheet;
	int				 crows, nrow_elems, row_num, col, last_col;
	int				 has_value, crow_cells;
	enum { T_TEXT, T_SHARED, T_BOOL } cell_type;
	const char			**row_cells;
	int				 nrow_cells;
};

static int
fail(struct rd *rd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct rd *rd, int code, const char *fmt, ...)
{
	va_list ap;

	if (rd->rc != 0)
		return rd->rc;
	rd->rc = code;
	if (code == ZL_EINVAL)
		rd->err->type = "bad-xlsx";
	va_start(ap, fmt);
	vsnprintf(rd->err->detail, sizeof(rd->err->detail), fmt, ap);
	va_end(ap);
	if (rd->p != NULL)
		XML_StopParser(rd->p, XML_FALSE);
	return code;
}

/* The tables built from the cells count against total_bytes like the bytes
 * inflated: a row of one cell in a far column costs a table of many slots. */
static int
charge(struct rd *rd, size_t bytes)
{
	rd->total += bytes;
	if (rd->total <= rd->lim->total_bytes)
		return 0;
	return fail(rd, ZL_ELIMIT, "工作簿解压后超过 %zu 字节 (uncompressed size limit)",
	    rd->lim->total_bytes);
}

/* Grow an arena array of *cap elements of size sz to hold n + 1. */
static void *
grow(struct zl_arena *a, void *v, int n, int *cap, size_t sz)
{
	void *p;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	p = zl_arena_alloc(a, (size_t)*cap * sz);
	if (n > 0)
		memcpy(p, v, (size_t)n * sz);
	return p;
}

/* The name without its namespace prefix: "x:row" → "row". */
static const char *
local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c != NULL ? c + 1 : name;
}

static int
is(const char *name, const char *want)
{
	return strcmp(local(name), want) == 0;
}

/* An attribute by local name; a prefixed one ("r:id") only when prefixed is set. */
static const char *
attr(const char **atts, const char *want, int prefixed)
{
	for (int i = 0; atts[i] != NULL; i += 2)
		if ((strchr(atts[i], ':') != NULL) == prefixed && is(atts[i], want))
			return atts[i + 1];
	return NULL;
}

/* ---- text ---- */

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct rd *rd = ud;

	if (!rd->collect || rd->in_phonetic || rd->rc != 0)
		return;
	if (rd->tlen + (size_t)len > rd->lim->cell_bytes) {
		fail(rd, ZL_ELIMIT, "单元格内容超过 %zu 字节 (cell too large)", rd->lim->cell_bytes);
		return;
	}
	memcpy(rd->text + rd->tlen, s, (size_t)len);
	rd->tlen += (size_t)len;
}

static int
hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The collected text, with the _xHHHH_ escapes of ST_Xstring decoded (Excel
 * writes control characters that way); NULL when empty. */
static const char *
take_text(struct rd *rd)
{
	char	*out;
	size_t	 i, o = 0;

	if (rd->tlen == 0)
		return NULL;
	out = zl_arena_alloc(rd->a, rd->tlen + 1);
	for (i = 0; i < rd->tlen; i++) {
		int cp;
		if (rd->text[i] == '_' && i + 7 <= rd->tlen && rd->text[i + 1] == 'x' &&
		    rd->text[i + 6] == '_' && (cp = hex4(rd->text + i + 2)) >= 0 &&
		    (cp < 0xD800 || cp > 0xDFFF) && cp != 0) {
			if (cp < 0x80)
				out[o++] = (char)cp;
			else if (cp < 0x800) {
				out[o++] = (char)(0xC0 | cp >> 6);
				out[o++] = (char)(0x80 | (cp & 0x3F));
			} else {
				out[o++] = (char)(0xE0 | cp >> 12);
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (cp & 0x3F));
			}
			i += 6;	/* 7 bytes became at most 3 */
		} else
			out[o++] = rd->text[i];
	}
	out[o] = '\0';
	rd->tlen = 0;
	return out;
}

/* ---- xl/workbook.xml and xl/_rels/workbook.xml.rels ---- */

static void XMLCALL
workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rd	*rd = ud;
	const char	*n, *rid;

	if (rd->rc != 0 || !is(name, "sheet"))
		return;
	n = attr(atts, "name", 0);
	rid = attr(atts, "id", 1);
	if (n == NULL || rid == NULL) {
		fail(rd, ZL_EINVAL, "工作簿中的工作表缺少名称或关系 (sheet without name or r:id)");
		return;
	}
	if (rd->nsheets >= rd->lim->sheets) {
		fail(rd, ZL_ELIMIT, "工作表超过 %d 个 (too many sheets)", rd->lim->sheets);
		return;
	}
	rd->sheets = grow(rd->a, rd->sheets, rd->nsheets, &rd->csheets, sizeof(*rd->sheets));
	rd->sheets[rd->nsheets].name = zl_arena_strdup(rd->a, n);
	rd->sheets[rd->nsheets].rid = zl_arena_strdup(rd->a, rid);
	rd->nsheets++;
}

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rd	*rd = ud;
	const char	*id, *type, *target;

	if (rd->rc != 0 || !is(name, "Relationship"))
		return;
	id = attr(atts, "Id", 0);
	type = attr(atts, "Type", 0);
	target = attr(atts, "Target", 0);
	if (id == NULL || type == NULL || target == NULL)
		return;
	if (rd->nrels >= rd->lim->entries) {
		fail(rd, ZL_ELIMIT, "关系超过 %d 个 (too many relationships)", rd->lim->entries);
		return;
	}
	rd->rels = grow(rd->a, rd->rels, rd->nrels, &rd->crels, sizeof(*rd->rels));
	rd->rels[rd->nrels].id = zl_arena_strdup(rd->a, id);
	rd->rels[rd->nrels].type = zl_arena_strdup(rd->a, type);
	/* Targets are relative to xl/, or absolute within the package. */
	rd->rels[rd->nrels].target = target[0] == '/' ? zl_arena_strdup(rd->a, target + 1) :
	    zl_arena_printf(rd->a, "xl/%s", target);
	rd->nrels++;
}

/* ---- xl/sharedStrings.xml: <si> holds <t>, or runs <r><t>, and <rPh> ---- */

static void XMLCALL
strings_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rd *rd = ud;

	if (is(name, "si")) {
		rd->in_item = 1;
		rd->tlen = 0;
	} else if (is(name, "rPh"))
		rd->in_phonetic++;
	else if (is(name, "t") && rd->in_item)
		rd->collect = 1;
}

static void XMLCALL
strings_end(void *ud, const XML_Char *name)
{
	struct rd *rd = ud;

	if (rd->rc != 0)
		return;
	if (is(name, "t"))
		rd->collect = 0;
	else if (is(name, "rPh"))
		rd->in_phonetic--;
	else if (is(name, "si")) {
		const char *s = take_text(rd);
		if (rd->nstrings >= rd->lim->strings) {
			fail(rd, ZL_ELIMIT, "共享字符串超过 %d 个 (too many shared strings)",
			    rd->lim->strings);
			return;
		}
		rd->strings = grow(rd->a, rd->strings, rd->nstrings, &rd->cstrings,
		    sizeof(*rd->strings));
		rd->strings[rd->nstrings++] = s;
		rd->in_item = 0;
	}
}

/* ---- a worksheet: <sheetData><row r><c r t><v>…</v> or <is><t>…</t></is> ---- */

/* "AB12" → column 27 (0-based); -1 when it is not a reference. */
static int
ref_col(const char *s)
{
	int col = 0, n = 0;

	for (; *s >= 'A' && *s <= 'Z' && n < 4; s++, n++)
		col = col * 26 + (*s - 'A' + 1);
	if (n == 0 || n > 3 || col > EXCEL_COLS || *s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		;
	return *s == '\0' ? col - 1 : -1;
}

static int
parse_int(const char *s, int max)
{
	long v = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > max)
			return -1;
	return *s == '\0' ? (int)v : -1;
}

static void
row_start(struct rd *rd, const char **atts)
{
	const char	*r = attr(atts, "r", 0);
	int		 num = r != NULL ? parse_int(r, EXCEL_ROWS) : rd->row_num + 1;

	if (++rd->nrow_elems > rd->lim->rows) {
		fail(rd, ZL_ELIMIT, "工作表「%.60s」超过 %d 行 (too many rows)", rd->sheet->name,
		    rd->lim->rows);
		return;
	}
	if (num < 1 || num > EXCEL_ROWS || num <= rd->row_num) {
		fail(rd, ZL_EINVAL, "工作表「%.60s」的行号无效或乱序 (bad row number)",
		    rd->sheet->name);
		return;
	}
	rd->row_num = num;
	rd->last_col = -1;
	rd->row_cells = NULL;
	rd->nrow_cells = rd->crow_cells = 0;
}

static void
row_end(struct rd *rd)
{
	struct zl_xlsx_row *row;

	if (rd->nrow_cells == 0 || charge(rd, sizeof(*row)) != 0)
		return;
	rd->sheet->rows = grow(rd->a, rd->sheet->rows, rd->sheet->nrows, &rd->crows,
	    sizeof(*rd->sheet->rows));
	row = &rd->sheet->rows[rd->sheet->nrows++];
	row->num = rd->row_num;
	row->ncells = rd->nrow_cells;
	row->cells = rd->row_cells;
}

static void
cell_start(struct rd *rd, const char **atts)
{
	const char	*r = attr(atts, "r", 0), *t;
	int		 col = r != NULL ? ref_col(r) : rd->last_col + 1;

	if (col < 0 || col >= EXCEL_COLS || col <= rd->last_col) {
		fail(rd, ZL_EINVAL, "工作表「%.60s」第 %d 行的单元格引用无效 (bad cell reference)",
		    rd->sheet->name, rd->row_num);
		return;
	}
	rd->col = rd->last_col = col;
	t = attr(atts, "t", 0);
	rd->cell_type = t == NULL ? T_TEXT : strcmp(t, "s") == 0 ? T_SHARED :
	    strcmp(t, "b") == 0 ? T_BOOL : T_TEXT;
	rd->has_value = 0;
	rd->tlen = 0;
}

/* The value of the cell just read, by its type. */
static const char *
cell_value(struct rd *rd)
{
	const char	*v = take_text(rd);
	int		 i;

	if (rd->cell_type == T_SHARED) {
		if ((i = parse_int(v, rd->nstrings - 1)) < 0) {
			fail(rd, ZL_EINVAL, "工作表「%.60s」第 %d 行引用了不存在的共享字符串 "
			    "(bad shared string index)", rd->sheet->name, rd->row_num);
			return NULL;
		}
		return rd->strings[i];
	}
	if (rd->cell_type == T_BOOL && v != NULL)
		return strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
	return v;
}

static void
cell_end(struct rd *rd)
{
	const char *v;

	if (!rd->has_value || (v = cell_value(rd)) == NULL || rd->rc != 0)
		return;
	if (rd->col >= rd->lim->cols) {
		fail(rd, ZL_ELIMIT, "工作表「%.60s」超过 %d 列 (too many columns)",
		    rd->sheet->name, rd->lim->cols);
		return;
	}
	if (rd->col >= rd->crow_cells) {
		int cap = rd->col + 8 < rd->lim->cols ? rd->col + 8 : rd->lim->cols;
		const char **p;
		if (charge(rd, (size_t)cap * sizeof(*p)) != 0)
			return;
		p = zl_arena_alloc(rd->a, (size_t)cap * sizeof(*p));
		if (rd->nrow_cells > 0)
			memcpy(p, rd->row_cells, (size_t)rd->nrow_cells * sizeof(*p));
		rd->row_cells = p;
		rd->crow_cells = cap;
	}
	rd->row_cells[rd->col] = v;
	rd->nrow_cells = rd->col + 1;
}

static void XMLCALL
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rd *rd = ud;

	if (rd->rc != 0)
		return;
	if (is(name, "row"))
		row_start(rd, atts);
	else if (is(name, "c"))
		cell_start(rd, atts);
	else if (is(name, "v"))
		rd->collect = rd->has_value = 1;
	else if (is(name, "is"))
		rd->in_item = rd->has_value = 1;
	else if (is(name, "rPh"))
		rd->in_phonetic++;
	else if (is(name, "t") && rd->in_item)
		rd->collect = 1;
}

static void XMLCALL
sheet_end(void *ud, const XML_Char *name)
{
	struct rd *rd = ud;

	if (rd->rc != 0)
		return;
	if (is(name, "v") || is(name, "t"))
		rd->collect = 0;
	else if (is(name, "is"))
		rd->in_item = 0;
	else if (is(name, "rPh"))
		rd->in_phonetic--;
	else if (is(name, "c"))
		cell_end(rd);
	else if (is(name, "row"))
		row_end(rd);
}

/* ---- parts ---- */

/* Part files never carry a DTD; refusing one rules out entity expansion. */
static void XMLCALL
no_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
    int internal)
{
	fail(ud, ZL_EINVAL, "工作簿含有 DTD，不予处理 (DOCTYPE refused)");
}

/* Stream the part name through expat; 1 when the archive has no such entry. */
static int
parse_part(struct rd *rd, const char *name, enum part part)
{
	static const struct { XML_StartElementHandler start; XML_EndElementHandler end; }
	    handlers[] = {
		[P_WORKBOOK] = { workbook_start, NULL }, [P_RELS] = { rels_start, NULL },
		[P_STRINGS] = { strings_start, strings_end },
		[P_SHEET] = { sheet_start, sheet_end },
	};
	char		 buf[16384];
	zip_file_t	*f;
	zip_int64_t	 n;
	int		 done = 0;

	if (zip_name_locate(rd->zip, name, 0) < 0)
		return 1;
	if ((f = zip_fopen(rd->zip, name, 0)) == NULL)
		return fail(rd, ZL_EINVAL, "无法读取 %.80s：%.80s (encrypted or damaged entry)",
		    name, zip_strerror(rd->zip));
	if ((rd->p = XML_ParserCreate("UTF-8")) == NULL) {
		zip_fclose(f);
		return fail(rd, ZL_ENOMEM, "out of memory");
	}
	rd->collect = rd->in_item = rd->in_phonetic = 0;
	XML_SetUserData(rd->p, rd);
	XML_SetElementHandler(rd->p, handlers[part].start, handlers[part].end);
	XML_SetCharacterDataHandler(rd->p, on_text);
	XML_SetStartDoctypeDeclHandler(rd->p, no_doctype);
	while (rd->rc == 0 && !done) {
		if ((n = zip_fread(f, buf, sizeof(buf))) < 0) {
			fail(rd, ZL_EINVAL, "%.80s 的压缩数据已损坏 (damaged entry)", name);
			break;
		}
		if (charge(rd, (size_t)n) != 0)
			break;
		done = n == 0;
		if (XML_Parse(rd->p, buf, (int)n, done) == XML_STATUS_ERROR && rd->rc == 0)
			fail(rd, ZL_EINVAL, "%.80s 第 %lu 行不是有效的 XML：%.80s (bad XML)", name,
			    (unsigned long)XML_GetCurrentLineNumber(rd->p),
			    XML_ErrorString(XML_GetErrorCode(rd->p)));
	}
	XML_ParserFree(rd->p);
	rd->p = NULL;
	zip_fclose(f);
	return rd->rc;
}

static const struct rel *
rel_by(const struct rd *rd, const char *id, const char *type_suffix)
{
	for (int i = 0; i < rd->nrels; i++) {
		const struct rel *r = &rd->rels[i];
		size_t tl = strlen(r->type), sl = type_suffix ? strlen(type_suffix) : 0;
		if ((id == NULL || strcmp(r->id, id) == 0) && (type_suffix == NULL ||
		    (tl >= sl && strcmp(r->type + tl - sl, type_suffix) == 0)))
			return r;
	}
	return NULL;
}

static int
read_all(struct rd *rd, struct zl_xlsx *x)
{
	const struct rel	*r;
	int			 rc;

	if (zip_get_num_entries(rd->zip, 0) > rd->lim->entries)
		return fail(rd, ZL_ELIMIT, "压缩包条目超过 %d 个 (too many entries)",
		    rd->lim->entries);
	if ((rc = parse_part(rd, WORKBOOK, P_WORKBOOK)) != 0)
		return rc == 1 ? fail(rd, ZL_EINVAL, "压缩包中没有 " WORKBOOK
		    "，不是 Excel 工作簿 (no workbook)") : rc;
	if ((rc = parse_part(rd, WORKBOOK_RELS, P_RELS)) != 0)
		return rc == 1 ? fail(rd, ZL_EINVAL, "压缩包中没有 " WORKBOOK_RELS
		    " (no workbook relationships)") : rc;
	if (rd->nsheets == 0)
		return fail(rd, ZL_EINVAL, "工作簿中没有工作表 (no sheets)");
	if ((r = rel_by(rd, NULL, "/sharedStrings")) != NULL &&
	    (rc = parse_part(rd, r->target, P_STRINGS)) < 0)
		return rc;
	x->nsheets = rd->nsheets;
	x->sheets = zl_arena_alloc(rd->a, (size_t)rd->nsheets * sizeof(*x->sheets));
	for (int i = 0; i < rd->nsheets; i++) {
		rd->sheet = &x->sheets[i];
		rd->sheet->name = rd->sheets[i].name;
		rd->crows = rd->nrow_elems = rd->row_num = 0;
		if ((r = rel_by(rd, rd->sheets[i].rid, NULL)) == NULL)
			return fail(rd, ZL_EINVAL, "工作表「%.60s」缺少关系 %.40s (dangling r:id)",
			    rd->sheet->name, rd->sheets[i].rid);
		if ((rc = parse_part(rd, r->target, P_SHEET)) != 0)
			return rc == 1 ? fail(rd, ZL_EINVAL, "压缩包中没有工作表「%.60s」的 %.80s "
			    "(missing sheet part)", rd->sheet->name, r->target) : rc;
	}
	return 0;
}

int
zl_xlsx_read(struct zl_arena *a, const void *data, size_t len,
    const struct zl_xlsx_limits *lim, struct zl_xlsx **out, struct zl_error *err)
{
	struct rd	 rd = { .a = a, .lim = lim ? lim : &zl_xlsx_default_limits, .err = err };
	zip_source_t	*src;
	zip_error_t	 ze;
	struct zl_xlsx	*x = zl_arena_alloc(a, sizeof(*x));

	*out = NULL;
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return fail(&rd, ZL_EINVAL, "文件不是 xlsx 工作簿（不是 zip 压缩包）(not a zip)");
	rd.text = zl_arena_alloc(a, rd.lim->cell_bytes + 1);
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (rd.zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		fail(&rd, ZL_EINVAL, "文件不是 xlsx 工作簿：%.120s (not a readable zip)",
		    zip_error_strerror(&ze));
		if (src != NULL)
			zip_source_free(src);
		zip_error_fini(&ze);
		return rd.rc;
	}
	zip_error_fini(&ze);
	read_all(&rd, x);
	zip_discard(rd.zip);	/* frees the source too */
	if (rd.rc == 0)
		*out = x;
	return rd.rc;
}

const struct zl_xlsx_sheet *
zl_xlsx_sheet(const struct zl_xlsx *x, const char *name)
{
	for (int i = 0; x != NULL && i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, name) == 0)
			return &x->sheets[i];
	return NULL;
}

const char *
zl_xlsx_cell(const struct zl_xlsx_row *row, int col)
{
	if (row == NULL || col < 0 || col >= row->ncells || row->cells[col] == NULL)
		return "";
	return row->cells[col];
}

char *
zl_xlsx_ref(char *buf, size_t n, int col, int num)
{
	char	letters[4];
	int	i = 3;

	letters[3] = '\0';
	for (col++; col > 0 && i > 0; col = (col - 1) / 26)
		letters[--i] = (char)('A' + (col - 1) % 26);
	snprintf(buf, n, "%s%d", letters + i, num);
	return buf;
}
