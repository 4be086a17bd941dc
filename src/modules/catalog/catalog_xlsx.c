/* catalog_xlsx.c: the catalog as an .xlsx workbook with Chinese headers: one
 * sheet of items (one row each, the guide in readable text) and one of
 * application materials (one row per material).  The only file that
 * includes <xlsxwriter.h>; exports zl_catalog_xlsx. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "modules/catalog/catalog.h"

#define XLSX_MAX	(64u << 20)	/* bytes of one workbook */
#define CELL_MAX	30000		/* bytes of one cell (Excel allows 32767 chars) */

/* A cell's text, grown in the arena up to CELL_MAX bytes. */
struct text { struct zl_arena *a; char *s; size_t len, cap; };

static void
add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(struct text *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*piece;
	size_t	 n;

	va_start(ap, fmt);
	piece = zl_arena_vprintf(t->a, fmt, ap);
	va_end(ap);
	n = strlen(piece);
	if (t->len + n > CELL_MAX)	/* cut whole pieces only: UTF-8 stays valid */
		return;
	if (t->len + n + 1 > t->cap) {
		char *p;
		t->cap = (t->len + n + 1) * 2;
		p = zl_arena_alloc(t->a, t->cap);
		if (t->len)
			memcpy(p, t->s, t->len);
		t->s = p;
	}
	memcpy(t->s + t->len, piece, n + 1);
	t->len += n;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static const char *
status_text(const char *s)
{
	return strcmp(s, "published") == 0 ? "已发布" : strcmp(s, "withdrawn") == 0 ?
	    "已撤回" : "草稿";
}

static const char *
materials_text(struct zl_arena *a, const json_t *doc)
{
	struct text	 t = { a, "", 0, 0 };
	json_t		*m;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "materials"), i, m) {
		add(&t, "%s%zu. %s（%s）", i ? "\n" : "", i + 1, str(m, "name"),
		    json_is_true(json_object_get(m, "required")) ? "必需" : "可选");
		if (*str(m, "auto_source"))
			add(&t, "【免提交：%s】", str(m, "auto_source"));
	}
	return t.len ? t.s : "无";
}

static const char *
fees_text(struct zl_arena *a, const json_t *doc)
{
	struct text	 t = { a, "", 0, 0 };
	json_t		*f;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "fees"), i, f) {
		long long fen = (long long)json_integer_value(json_object_get(f, "amount"));
		add(&t, "%s%s：%lld.%02lld 元", i ? "\n" : "", str(f, "name"), fen / 100, fen % 100);
	}
	return t.len ? t.s : "不收费";
}

static const char *
faq_text(struct zl_arena *a, const json_t *doc)
{
	struct text	 t = { a, "", 0, 0 };
	json_t		*f;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "faq"), i, f)
		add(&t, "%s问：%s\n答：%s", i ? "\n" : "", str(f, "q"), str(f, "a"));
	return t.s;
}

static const struct column { const char *title; double width; } item_cols[] = {
	{ "事项编码", 22 }, { "事项名称", 26 }, { "事项类型", 12 }, { "服务对象", 10 },
	{ "实施机关", 24 }, { "状态", 8 }, { "版本", 6 }, { "设定依据", 40 },
	{ "受理条件", 40 }, { "办理地点和时间", 30 }, { "申请材料", 40 },
	{ "法定办结时限（工作日）", 12 }, { "承诺办结时限（工作日）", 12 }, { "收费标准", 20 },
	{ "到办事现场次数", 10 }, { "常见问题", 40 }, { "更新时间", 20 },
}, material_cols[] = {
	{ "事项编码", 22 }, { "事项名称", 26 }, { "序号", 6 }, { "材料名称", 30 },
	{ "是否必需", 8 }, { "免提交（数据来源）", 28 }, { "空白表格", 24 }, { "示例样表", 24 },
	{ "备注", 30 },
};
#define NITEM_COLS	(sizeof(item_cols) / sizeof(item_cols[0]))
#define NMAT_COLS	(sizeof(material_cols) / sizeof(material_cols[0]))

static lxw_worksheet *
sheet(lxw_workbook *wb, const char *name, const struct column *cols, size_t n,
    lxw_format *head, lxw_format *wrap)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);

	if (ws == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].width, wrap);
		worksheet_write_string(ws, 0, (lxw_col_t)i, cols[i].title, head);
	}
	worksheet_freeze_panes(ws, 1, 2);
	return ws;
}

static void
write_items(lxw_worksheet *ws, struct zl_arena *a, const struct zl_item *items, int n,
    lxw_format *wrap)
{
	for (int i = 0; i < n; i++) {
		const struct zl_item *it = &items[i];
		const json_t *d = it->doc;
		lxw_row_t r = (lxw_row_t)i + 1;
		const char *cells[] = {
			it->code, it->name, it->type,
			strcmp(it->audience, "public") == 0 ? "面向公众" : "机关内部",
			it->org_name ? it->org_name : "", status_text(it->status), NULL,
			str(d, "legal_basis"), str(d, "conditions"), str(d, "place_hours"),
			materials_text(a, d), NULL, NULL, fees_text(a, d), NULL, faq_text(a, d),
			zl_time_iso(a, it->updated_at),
		};
		for (size_t c = 0; c < NITEM_COLS; c++)
			if (cells[c] != NULL)
				worksheet_write_string(ws, r, (lxw_col_t)c, cells[c], wrap);
		worksheet_write_number(ws, r, 6, (double)it->version, NULL);
		worksheet_write_number(ws, r, 11, it->statutory_days, NULL);
		worksheet_write_number(ws, r, 12, it->promised_days, NULL);
		worksheet_write_number(ws, r, 14, it->visits, NULL);
	}
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)n, NITEM_COLS - 1);
}

static void
write_materials(lxw_worksheet *ws, const struct zl_item *items, int n, lxw_format *wrap)
{
	lxw_row_t r = 1;

	for (int i = 0; i < n; i++) {
		json_t *m;
		size_t k;
		json_array_foreach(json_object_get(items[i].doc, "materials"), k, m) {
			const char *cells[] = { items[i].code, items[i].name, NULL, str(m, "name"),
				json_is_true(json_object_get(m, "required")) ? "是" : "否",
				str(m, "auto_source"), str(m, "template"), str(m, "sample"),
				str(m, "note") };
			for (size_t c = 0; c < NMAT_COLS; c++)
				if (cells[c] != NULL)
					worksheet_write_string(ws, r, (lxw_col_t)c, cells[c], wrap);
			worksheet_write_number(ws, r, 2, (double)(k + 1), NULL);
			r++;
		}
	}
	worksheet_autofilter(ws, 0, 0, r - 1, NMAT_COLS - 1);
}

/* Read the whole file at fd into the arena. */
static int
slurp(int fd, struct zl_arena *a, char **out, size_t *len)
{
	struct stat	 st;
	size_t		 got = 0;
	ssize_t		 n;
	char		*buf;

	if (fstat(fd, &st) != 0 || st.st_size <= 0)
		return ZL_EINTERNAL;
	if ((size_t)st.st_size > XLSX_MAX)
		return ZL_ELIMIT;
	buf = zl_arena_alloc(a, (size_t)st.st_size);
	while (got < (size_t)st.st_size &&
	    (n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got)) > 0)
		got += (size_t)n;
	if (got != (size_t)st.st_size)
		return ZL_EINTERNAL;
	*out = buf;
	*len = got;
	return 0;
}

int
zl_catalog_xlsx(struct zl_arena *a, const struct zl_item *items, int n, char **out,
    size_t *len)
{
	lxw_doc_properties	 props = { .title = "政务服务事项清单", .subject = "事项清单",
				    .author = "治理 Zhili", .company = "机关事务管理局" };
	const char		*dir = getenv("TMPDIR");
	char			*path;
	lxw_workbook		*wb;
	lxw_worksheet		*ws, *ms;
	lxw_format		*head, *wrap;
	int			 fd, rc;

	path = zl_arena_printf(a, "%s/zhili-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return ZL_EINTERNAL;
	if ((wb = workbook_new(path)) == NULL) {
		rc = ZL_EINTERNAL;
		goto done;
	}
	workbook_set_properties(wb, &props);
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	ws = sheet(wb, "事项清单", item_cols, NITEM_COLS, head, wrap);
	ms = sheet(wb, "申请材料", material_cols, NMAT_COLS, head, wrap);
	if (ws != NULL && ms != NULL) {
		write_items(ws, a, items, n, wrap);
		write_materials(ms, items, n, wrap);
	}
	/* workbook_close writes the file and frees the workbook in any case. */
	if (workbook_close(wb) != LXW_NO_ERROR || ws == NULL || ms == NULL) {
		rc = ZL_EINTERNAL;
		goto done;
	}
	rc = slurp(fd, a, out, len);
done:
	unlink(path);
	close(fd);
	return rc;
}
