/* test_xlsx.c: the .xlsx reader (core/xlsx_read.c) on workbooks written by
 * libxlsxwriter, on hand-made archives (libzip) of the odd shapes other
 * programs write, and on hostile files: not a zip, no workbook, a zip bomb,
 * an endless sheet, a giant cell, a DTD. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/xlsx_read.h"
#include "tests.h"

/* The bytes of the file at path, in the arena; the file is removed. */
static char *
slurp(struct zl_arena *a, const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = zl_arena_alloc(a, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	*len = (size_t)n;
	return buf;
}

static char *
temp_path(struct zl_arena *a)
{
	char	*p = zl_arena_printf(a, "%s/zl-xlsx-test-XXXXXX", getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp");
	int	 fd = mkstemp(p);

	assert_true(fd >= 0);
	close(fd);
	unlink(p);
	return p;
}

/* A zip of the given entries (name, text pairs, NULL-terminated). */
static char *
make_zip(struct zl_arena *a, size_t *len, const char *const *entries)
{
	char	*path = temp_path(a);
	int	 ze;
	zip_t	*z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);

	assert_non_null(z);
	for (int i = 0; entries[i] != NULL; i += 2) {
		zip_source_t *s = zip_source_buffer(z, entries[i + 1], strlen(entries[i + 1]), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, entries[i], s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	return slurp(a, path, len);
}

#define RELS(sheet_target) \
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"" sheet_target "\"/>" \
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>" \
	"</Relationships>"
#define WB(name) \
	"<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><x:sheets>" \
	"<x:sheet name=\"" name "\" sheetId=\"1\" r:id=\"rId1\"/></x:sheets></x:workbook>"

/* A one-sheet workbook whose sheet XML is sheet and shared strings sst. */
static char *
hand_made(struct zl_arena *a, size_t *len, const char *sheet, const char *sst)
{
	const char *const entries[] = {
		"xl/workbook.xml", WB("表一"),
		"xl/_rels/workbook.xml.rels", RELS("/xl/worksheets/sheet1.xml"),
		"xl/worksheets/sheet1.xml", sheet,
		"xl/sharedStrings.xml", sst,
		NULL,
	};

	return make_zip(a, len, entries);
}

static void
test_xlsx__reads_libxlsxwriter_cells_in_place(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err = { 0 };
	struct zl_xlsx		*x;
	const struct zl_xlsx_sheet *s;
	char			*path, *buf;
	size_t			 len;
	lxw_workbook		*wb;
	lxw_worksheet		*ws, *ws2;

	(void)state;
	zl_arena_init(&a);
	path = temp_path(&a);
	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, "事项清单");
	ws2 = workbook_add_worksheet(wb, "第二页");
	worksheet_write_string(ws, 0, 0, "编码", NULL);
	worksheet_write_string(ws, 0, 2, "名称（C 列，B 列空）", NULL);
	worksheet_write_number(ws, 1, 0, 12.5, NULL);
	worksheet_write_boolean(ws, 1, 1, 1, NULL);
	worksheet_write_formula_num(ws, 1, 2, "=A2*2", NULL, 25);
	worksheet_write_string(ws, 1, 27, "AB 列", NULL);	/* AB2 */
	worksheet_write_string(ws, 11, 0, "多行\n文本", NULL);	/* A12 after empty rows */
	worksheet_write_string(ws2, 0, 0, "编码", NULL);	/* shared with sheet 1 */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	buf = slurp(&a, path, &len);

	assert_int_equal(zl_xlsx_read(&a, buf, len, NULL, &x, &err), 0);
	assert_int_equal(x->nsheets, 2);
	assert_string_equal(x->sheets[0].name, "事项清单");
	assert_null(zl_xlsx_sheet(x, "没有"));
	s = zl_xlsx_sheet(x, "事项清单");
	assert_int_equal(s->nrows, 3);
	assert_int_equal(s->rows[0].num, 1);
	assert_string_equal(zl_xlsx_cell(&s->rows[0], 0), "编码");
	assert_null(s->rows[0].cells[1]);
	assert_string_equal(zl_xlsx_cell(&s->rows[0], 1), "");
	assert_string_equal(zl_xlsx_cell(&s->rows[0], 2), "名称（C 列，B 列空）");
	assert_string_equal(zl_xlsx_cell(&s->rows[1], 0), "12.5");
	assert_string_equal(zl_xlsx_cell(&s->rows[1], 1), "TRUE");
	assert_string_equal(zl_xlsx_cell(&s->rows[1], 2), "25");
	assert_int_equal(s->rows[1].ncells, 28);
	assert_string_equal(zl_xlsx_cell(&s->rows[1], 27), "AB 列");
	assert_string_equal(zl_xlsx_cell(&s->rows[1], 99), "");
	assert_int_equal(s->rows[2].num, 12);
	assert_string_equal(zl_xlsx_cell(&s->rows[2], 0), "多行\n文本");
	assert_string_equal(zl_xlsx_cell(&zl_xlsx_sheet(x, "第二页")->rows[0], 0), "编码");
	zl_arena_release(&a);
}

static void
test_xlsx__inline_strings_of_constant_memory_mode(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err = { 0 };
	struct zl_xlsx		*x;
	lxw_workbook_options	 opt = { .constant_memory = LXW_TRUE };
	char			*path, *buf;
	size_t			 len;
	lxw_workbook		*wb;
	lxw_worksheet		*ws;

	(void)state;
	zl_arena_init(&a);
	path = temp_path(&a);
	wb = workbook_new_opt(path, &opt);
	ws = workbook_add_worksheet(wb, "Sheet1");
	worksheet_write_string(ws, 0, 1, "内联 <&> 字符串", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	buf = slurp(&a, path, &len);
	assert_int_equal(zl_xlsx_read(&a, buf, len, NULL, &x, &err), 0);
	assert_string_equal(zl_xlsx_cell(&x->sheets[0].rows[0], 1), "内联 <&> 字符串");
	zl_arena_release(&a);
}

static void
test_xlsx__prefixes_rich_text_phonetics_and_escapes(void **state)
{
	struct zl_arena		 a;
	struct zl_error		 err = { 0 };
	struct zl_xlsx		*x;
	const struct zl_xlsx_row *row;
	size_t			 len;
	char			*buf;

	(void)state;
	zl_arena_init(&a);
	buf = hand_made(&a, &len,
	    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<x:sheetData><x:row><x:c t=\"s\"><x:v>0</x:v></x:c><x:c t=\"inlineStr\"><x:is>"
	    "<x:t>行_x000D_一</x:t></x:is></x:c><x:c t=\"str\"><x:f>A1</x:f><x:v>算</x:v></x:c>"
	    "<x:c t=\"e\"><x:v>#N/A</x:v></x:c><x:c t=\"s\"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>",
	    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">文本 </t></r>"
	    "<rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh></si><si><t/></si></sst>");
	assert_int_equal(zl_xlsx_read(&a, buf, len, NULL, &x, &err), 0);
	row = &x->sheets[0].rows[0];
	assert_int_equal(row->num, 1);
	assert_string_equal(zl_xlsx_cell(row, 0), "富文本 ");
	assert_string_equal(zl_xlsx_cell(row, 1), "行\r一");
	assert_string_equal(zl_xlsx_cell(row, 2), "算");
	assert_string_equal(zl_xlsx_cell(row, 3), "#N/A");
	assert_null(row->cells[4]);	/* the empty shared string */
	zl_arena_release(&a);
}

static void
test_xlsx__refs(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(zl_xlsx_ref(buf, sizeof(buf), 0, 1), "A1");
	assert_string_equal(zl_xlsx_ref(buf, sizeof(buf), 25, 7), "Z7");
	assert_string_equal(zl_xlsx_ref(buf, sizeof(buf), 26, 12), "AA12");
	assert_string_equal(zl_xlsx_ref(buf, sizeof(buf), 27, 3), "AB3");
	assert_string_equal(zl_xlsx_ref(buf, sizeof(buf), 16383, 1048576), "XFD1048576");
}

/* zl_xlsx_read refuses with code and a detail containing what. */
static void
refused(const char *buf, size_t len, const struct zl_xlsx_limits *lim, int code,
    const char *what)
{
	struct zl_arena	 a;
	struct zl_error	 err = { 0 };
	struct zl_xlsx	*x = (void *)1;

	zl_arena_init(&a);
	assert_int_equal(zl_xlsx_read(&a, buf, len, lim, &x, &err), code);
	assert_null(x);
	if (strstr(err.detail, what) == NULL)
		fail_msg("detail \"%s\" lacks \"%s\"", err.detail, what);
	if (code == ZL_EINVAL)
		assert_string_equal(err.type, "bad-xlsx");
	zl_arena_release(&a);
}

static void
test_xlsx__not_a_workbook(void **state)
{
	struct zl_arena	 a;
	size_t		 len;
	char		*buf;
	const char *const no_workbook[] = { "hello.txt", "你好", NULL };
	const char *const no_rels[] = { "xl/workbook.xml", WB("一"), NULL };
	const char *const no_sheet_part[] = { "xl/workbook.xml", WB("一"),
		"xl/_rels/workbook.xml.rels", RELS("worksheets/missing.xml"), NULL };
	const char *const bad_xml[] = { "xl/workbook.xml", "<workbook><sheets>", NULL };

	(void)state;
	zl_arena_init(&a);
	refused("{\"items\":[]}", 12, NULL, ZL_EINVAL, "不是 zip");
	refused("PK\3\4 truncated", 15, NULL, ZL_EINVAL, "不是 xlsx");
	buf = make_zip(&a, &len, no_workbook);
	refused(buf, len, NULL, ZL_EINVAL, "xl/workbook.xml");
	buf = make_zip(&a, &len, no_rels);
	refused(buf, len, NULL, ZL_EINVAL, "workbook.xml.rels");
	buf = make_zip(&a, &len, no_sheet_part);
	refused(buf, len, NULL, ZL_EINVAL, "missing.xml");
	buf = make_zip(&a, &len, bad_xml);
	refused(buf, len, NULL, ZL_EINVAL, "不是有效的 XML");
	buf = hand_made(&a, &len, "<!DOCTYPE lol [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>",
	    "<sst/>");
	refused(buf, len, NULL, ZL_EINVAL, "DTD");
	buf = hand_made(&a, &len, "<worksheet><sheetData><row r=\"2\"/><row r=\"1\"/></sheetData></worksheet>",
	    "<sst/>");
	refused(buf, len, NULL, ZL_EINVAL, "行号");
	buf = hand_made(&a, &len, "<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
	    "<sst><si><t>a</t></si></sst>");
	refused(buf, len, NULL, ZL_EINVAL, "共享字符串");
	buf = hand_made(&a, &len, "<worksheet><sheetData><row><c r=\"1A\"><v>5</v></c></row></sheetData></worksheet>",
	    "<sst/>");
	refused(buf, len, NULL, ZL_EINVAL, "单元格引用");
	zl_arena_release(&a);
}

/* A sheet of n rows "<row><c><v>1</v></c></row>" (or one row of n cells). */
static const char *
sheet_of(struct zl_arena *a, int n, int cells)
{
	size_t	 cap = (size_t)n * 40 + 200, len = 0;
	char	*s = zl_arena_alloc(a, cap);

	len += (size_t)snprintf(s, cap, "<worksheet><sheetData>%s", cells ? "<row>" : "");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, cells ? "<c><v>%d</v></c>" :
		    "<row><c><v>%d</v></c></row>", i);
	snprintf(s + len, cap - len, "%s</sheetData></worksheet>", cells ? "</row>" : "");
	return s;
}

static void
test_xlsx__limits_stop_bombs_and_huge_sheets(void **state)
{
	struct zl_arena		 a;
	struct zl_xlsx_limits	 lim = zl_xlsx_default_limits;
	size_t			 len, big = 40u << 20;
	char			*buf, *spaces;

	(void)state;
	zl_arena_init(&a);
	/* 40 MiB of whitespace in the workbook part inflates from a few KiB. */
	spaces = zl_arena_alloc(&a, big + 1);
	memset(spaces, ' ', big);
	memcpy(spaces, "<workbook>", 10);
	{
		const char *const bomb[] = { "xl/workbook.xml", spaces, NULL };
		buf = make_zip(&a, &len, bomb);
	}
	assert_true(len < (1u << 20));
	refused(buf, len, NULL, ZL_ELIMIT, "解压后超过");

	buf = hand_made(&a, &len, sheet_of(&a, 101, 0), "<sst/>");
	lim.rows = 100;
	refused(buf, len, &lim, ZL_ELIMIT, "超过 100 行");
	lim.rows = 101;
	{
		struct zl_error err = { 0 };
		struct zl_xlsx *x;
		assert_int_equal(zl_xlsx_read(&a, buf, len, &lim, &x, &err), 0);
		assert_int_equal(x->sheets[0].nrows, 101);
		assert_string_equal(zl_xlsx_cell(&x->sheets[0].rows[100], 0), "100");
	}
	lim = zl_xlsx_default_limits;
	buf = hand_made(&a, &len, sheet_of(&a, 300, 1), "<sst/>");
	refused(buf, len, NULL, ZL_ELIMIT, "超过 256 列");
	/* A styled empty cell far right is no value and costs nothing. */
	buf = hand_made(&a, &len, "<worksheet><sheetData><row><c r=\"XFD1\" s=\"1\"/></row>"
	    "</sheetData></worksheet>", "<sst/>");
	{
		struct zl_error err = { 0 };
		struct zl_xlsx *x;
		assert_int_equal(zl_xlsx_read(&a, buf, len, NULL, &x, &err), 0);
		assert_int_equal(x->sheets[0].nrows, 0);
	}
	lim.cell_bytes = 100;
	buf = hand_made(&a, &len, "<worksheet/>", "<sst><si><t>"
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789</t></si></sst>");
	refused(buf, len, &lim, ZL_ELIMIT, "单元格内容超过 100 字节");
	lim = zl_xlsx_default_limits;
	lim.strings = 2;
	buf = hand_made(&a, &len, "<worksheet/>", "<sst><si><t>a</t></si><si><t>b</t></si>"
	    "<si><t>c</t></si></sst>");
	refused(buf, len, &lim, ZL_ELIMIT, "共享字符串超过 2 个");
	lim = zl_xlsx_default_limits;
	lim.entries = 3;
	refused(buf, len, &lim, ZL_ELIMIT, "条目超过 3 个");
	zl_arena_release(&a);
}

const struct CMUnitTest xlsx_tests[] = {
	cmocka_unit_test(test_xlsx__reads_libxlsxwriter_cells_in_place),
	cmocka_unit_test(test_xlsx__inline_strings_of_constant_memory_mode),
	cmocka_unit_test(test_xlsx__prefixes_rich_text_phonetics_and_escapes),
	cmocka_unit_test(test_xlsx__refs),
	cmocka_unit_test(test_xlsx__not_a_workbook),
	cmocka_unit_test(test_xlsx__limits_stop_bombs_and_huge_sheets),
};
const size_t xlsx_tests_n = sizeof(xlsx_tests) / sizeof(xlsx_tests[0]);
