/* catalog_xlsx.c: the catalog as an .xlsx workbook with Chinese headers, laid
 * out so that catalog_import.c can rebuild every item from it: 事项清单 (one
 * row an item, with the guide also as readable text), 申请材料, 收费标准 and
 * 常见问题 (one row a member), 表单与流程 (the JSON of form and process) and
 * 填写说明.  The only file that includes <xlsxwriter.h>; exports
 * zl_catalog_xlsx and the layout table zl_cat_sheets. */
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
#include "modules/catalog/catalog_sheet.h"

#define XLSX_MAX	(64u << 20)	/* bytes of one workbook */

/* A cell's text, grown in the arena up to ZL_CAT_CHUNK bytes. */
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
	if (t->len + n > ZL_CAT_CHUNK)	/* cut whole pieces only: UTF-8 stays valid */
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

#define C(title, field, kind, req, width, help) \
	{ title, field, ZL_CK_##kind, req, width, help }
static const struct zl_cat_col item_cols[] = {
	C("事项编码", "code", TEXT, 1, 22, "如 62052400MZ-XK-0001：10 位主体编码-2 位类型字母-4 位序号；"
	    "已有的编码更新该事项，新的编码新建事项"),
	C("事项名称", "name", TEXT, 1, 26, "至少 2 个字"),
	C("事项类型", "type", TEXT, 1, 12, "行政许可、行政确认、行政给付、行政裁决、其他行政权力、"
	    "公共服务或内部事务，须与编码中的类型字母一致"),
	C("服务对象", "audience", AUDIENCE, 1, 10, "面向公众或机关内部"),
	C("实施机构编码", "org_id", ORG, 1, 14, "实施机构的机构编码（机构管理中可查），须在您的事项管理范围内"),
	C("实施机关", "org_name", INFO, 0, 24, NULL),
	C("状态", "status", INFO, 0, 8, NULL),
	C("版本", "version", INFO, 0, 6, NULL),
	C("设定依据", "legal_basis", TEXT, 1, 40, "法律法规名称及条款"),
	C("受理条件", "conditions", TEXT, 0, 40, NULL),
	C("办理地点和时间", "place_hours", TEXT, 0, 30, NULL),
	C("法定办结时限（工作日）", "statutory_days", INT, 1, 12, "1 至 365 的整数"),
	C("承诺办结时限（工作日）", "promised_days", INT, 1, 12, "0（即办）至法定办结时限"),
	C("到办事现场次数", "visits", INT, 1, 10, "0（一次不用跑）至 5"),
	C("申请材料", "materials_text", INFO, 0, 40, "仅供阅读：请在「申请材料」工作表中修改"),
	C("收费标准", "fees_text", INFO, 0, 20, "仅供阅读：请在「收费标准」工作表中修改"),
	C("常见问题", "faq_text", INFO, 0, 40, "仅供阅读：请在「常见问题」工作表中修改"),
	C("更新时间", "updated_at", INFO, 0, 20, NULL),
}, material_cols[] = {
	C("事项编码", "code", KEY, 1, 22, "「事项清单」中的事项编码"),
	C("事项名称", "item_name", INFO, 0, 26, NULL),
	C("序号", "serial", INFO, 0, 6, "材料按行的先后排列"),
	C("材料名称", "name", TEXT, 1, 30, NULL),
	C("是否必需", "required", BOOL, 0, 8, "是或否，空白为是"),
	C("免提交（数据来源）", "auto_source", TEXT, 0, 28, "可由共享数据获取而免于提交时，填写数据来源"),
	C("空白表格", "template", TEXT, 0, 24, NULL),
	C("示例样表", "sample", TEXT, 0, 24, NULL),
	C("备注", "note", TEXT, 0, 30, NULL),
}, fee_cols[] = {
	C("事项编码", "code", KEY, 1, 22, "「事项清单」中的事项编码"),
	C("事项名称", "item_name", INFO, 0, 26, NULL),
	C("序号", "serial", INFO, 0, 6, NULL),
	C("收费项目", "name", TEXT, 1, 30, NULL),
	C("金额（元）", "amount", MONEY, 1, 14, "以元为单位，最多两位小数"),
}, faq_cols[] = {
	C("事项编码", "code", KEY, 1, 22, "「事项清单」中的事项编码"),
	C("事项名称", "item_name", INFO, 0, 26, NULL),
	C("序号", "serial", INFO, 0, 6, NULL),
	C("问题", "q", TEXT, 1, 40, NULL),
	C("解答", "a", TEXT, 1, 60, NULL),
}, flow_cols[] = {
	C("事项编码", "code", KEY, 1, 22, "「事项清单」中的事项编码；同一编码的后续行是前一行的续写"),
	C("事项名称", "item_name", INFO, 0, 26, NULL),
	C("申请表单（JSON）", "form", JSON, 1, 60, "与接口 POST /api/v1/items 的 form 相同"),
	C("办理流程（JSON）", "process", JSON, 1, 60, "与接口 POST /api/v1/items 的 process 相同"),
};
#undef C
#define N(cols)	(int)(sizeof(cols) / sizeof(cols[0]))

const struct zl_cat_sheet zl_cat_sheets[ZL_CS__MAX] = {
	[ZL_CS_ITEMS] = { "事项清单", NULL, item_cols, N(item_cols),
	    "每行一个事项；灰色表头的列仅供阅读，导入时忽略" },
	[ZL_CS_MATERIALS] = { "申请材料", "materials", material_cols, N(material_cols),
	    "每行一份材料；事项的材料以本表为准，本表没有的即为无需材料" },
	[ZL_CS_FEES] = { "收费标准", "fees", fee_cols, N(fee_cols),
	    "每行一个收费项目；本表没有的事项不收费" },
	[ZL_CS_FAQ] = { "常见问题", "faq", faq_cols, N(faq_cols), "每行一问一答" },
	[ZL_CS_FLOW] = { "表单与流程", NULL, flow_cols, N(flow_cols),
	    "申请表单和办理流程的 JSON；已有事项在本表没有行时保留原表单和流程，新事项必须填写" },
};

struct fmts { lxw_format *head, *info, *wrap, *money; };

/* The text of an INFO column. */
static const char *
info_text(struct zl_arena *a, const struct zl_item *it, const char *field)
{
	if (strcmp(field, "item_name") == 0)
		return it->name;
	if (strcmp(field, "org_name") == 0)
		return it->org_name ? it->org_name : "";
	if (strcmp(field, "status") == 0)
		return status_text(it->status);
	if (strcmp(field, "materials_text") == 0)
		return materials_text(a, it->doc);
	if (strcmp(field, "fees_text") == 0)
		return fees_text(a, it->doc);
	if (strcmp(field, "faq_text") == 0)
		return faq_text(a, it->doc);
	if (strcmp(field, "updated_at") == 0)
		return zl_time_iso(a, it->updated_at);
	return NULL;
}

/* One cell of column col for item it; o is the item document or the member
 * of its list that the row shows, serial its 1-based place. */
static void
put(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const struct zl_cat_col *col,
    struct zl_arena *a, const struct zl_item *it, const json_t *o, size_t serial,
    const struct fmts *f)
{
	const json_t	*v = json_object_get(o, col->field);
	const char	*s = NULL;

	switch (col->kind) {
	case ZL_CK_TEXT:
		s = str(o, col->field);
		break;
	case ZL_CK_INT:
		worksheet_write_number(ws, r, c, (double)json_integer_value(v), NULL);
		return;
	case ZL_CK_AUDIENCE:
		s = strcmp(str(o, col->field), "public") == 0 ? "面向公众" : "机关内部";
		break;
	case ZL_CK_ORG:
		s = it->org_code ? it->org_code : "";
		break;
	case ZL_CK_BOOL:
		s = v == NULL || json_is_true(v) ? "是" : "否";
		break;
	case ZL_CK_MONEY:
		worksheet_write_number(ws, r, c, (double)json_integer_value(v) / 100.0, f->money);
		return;
	case ZL_CK_KEY:
		s = it->code;
		break;
	case ZL_CK_INFO:
		if (strcmp(col->field, "serial") == 0 || strcmp(col->field, "version") == 0) {
			worksheet_write_number(ws, r, c, serial ? (double)serial :
			    (double)it->version, NULL);
			return;
		}
		s = info_text(a, it, col->field);
		break;
	case ZL_CK_JSON:
		return;	/* written in pieces by write_flow */
	}
	if (s != NULL && *s != '\0')
		worksheet_write_string(ws, r, c, s, f->wrap);
}

/* The values a column takes, offered as a drop-down list to whoever fills it in. */
static const char *const *
choices(const struct zl_cat_col *col)
{
	static const char *const audiences[] = { "面向公众", "机关内部", NULL };
	static const char *const yes_no[] = { "是", "否", NULL };

	if (col->kind == ZL_CK_AUDIENCE)
		return audiences;
	if (col->kind == ZL_CK_BOOL)
		return yes_no;
	return strcmp(col->field, "type") == 0 ? zl_item_types : NULL;
}

static lxw_worksheet *
sheet(lxw_workbook *wb, const struct zl_cat_sheet *sh, const struct fmts *f)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, sh->name);

	if (ws == NULL)
		return NULL;
	for (int i = 0; i < sh->ncols; i++) {
		const struct zl_cat_col *col = &sh->cols[i];
		lxw_data_validation dv = { .validate = LXW_VALIDATION_TYPE_LIST,
		    .value_list = (char **)choices(col), .error_title = "取值无效",
		    .error_message = "请从下拉列表中选择" };
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, col->width, f->wrap);
		worksheet_write_string(ws, 0, (lxw_col_t)i, col->title,
		    col->kind == ZL_CK_INFO ? f->info : f->head);
		if (dv.value_list != NULL)
			worksheet_data_validation_range(ws, 1, (lxw_col_t)i, LXW_ROW_MAX - 1,
			    (lxw_col_t)i, &dv);
	}
	worksheet_freeze_panes(ws, 1, 2);
	return ws;
}

/* The rows of sheet sh: one per item, or one per member of the item's list. */
static lxw_row_t
write_rows(lxw_worksheet *ws, const struct zl_cat_sheet *sh, struct zl_arena *a,
    const struct zl_item *items, int n, const struct fmts *f)
{
	lxw_row_t r = 1;

	for (int i = 0; i < n; i++) {
		const json_t	*m;
		size_t		 k;
		if (sh->list == NULL) {
			for (int c = 0; c < sh->ncols; c++)
				put(ws, r, (lxw_col_t)c, &sh->cols[c], a, &items[i], items[i].doc, 0, f);
			r++;
			continue;
		}
		json_array_foreach(json_object_get(items[i].doc, sh->list), k, m) {
			for (int c = 0; c < sh->ncols; c++)
				put(ws, r, (lxw_col_t)c, &sh->cols[c], a, &items[i], m, k + 1, f);
			r++;
		}
	}
	return r;
}

/* The length of the longest prefix of s[0..len) of at most max bytes that
 * ends on a character boundary. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* Form and process as canonical JSON, ZL_CAT_CHUNK bytes a cell, the pieces
 * on rows of the same code one under the other. */
static lxw_row_t
write_flow(lxw_worksheet *ws, const struct zl_cat_sheet *sh, struct zl_arena *a,
    const struct zl_item *items, int n, const struct fmts *f)
{
	lxw_row_t r = 1;

	for (int i = 0; i < n; i++) {
		const char	*text[2];
		size_t		 left[2];
		int		 col[2] = { 2, 3 };
		for (int j = 0; j < 2; j++) {
			text[j] = zl_json_canonical(a, json_object_get(items[i].doc,
			    sh->cols[col[j]].field));
			left[j] = text[j] ? strlen(text[j]) : 0;
		}
		for (int first = 1; first || left[0] > 0 || left[1] > 0; first = 0, r++) {
			worksheet_write_string(ws, r, 0, items[i].code, f->wrap);
			if (first)
				worksheet_write_string(ws, r, 1, items[i].name, f->wrap);
			for (int j = 0; j < 2; j++) {
				size_t cut = utf8_cut(text[j], left[j], ZL_CAT_CHUNK);
				if (cut > 0)
					worksheet_write_string(ws, r, (lxw_col_t)col[j],
					    zl_arena_strndup(a, text[j], cut), f->wrap);
				text[j] += cut;
				left[j] -= cut;
			}
		}
	}
	return r;
}

/* 填写说明: what each sheet and column holds, from the layout itself. */
static void
write_help(lxw_worksheet *ws, const struct fmts *f)
{
	static const char *const heads[] = { "工作表", "列", "填写要求", "说明" };
	lxw_row_t r = 0;

	for (int i = 0; i < 4; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 3 ? 80 : 18, f->wrap);
		worksheet_write_string(ws, 0, (lxw_col_t)i, heads[i], f->head);
	}
	worksheet_write_string(ws, ++r, 3, "导入：在事项管理页点「导入」上传本文件，或 POST "
	    "/api/v1/items/import（Content-Type: application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet）。全部事项校验通过才写入，任何一个单元格有误都不写入并指出其位置。",
	    f->wrap);
	for (int s = 0; s < ZL_CS__MAX; s++) {
		const struct zl_cat_sheet *sh = &zl_cat_sheets[s];
		worksheet_write_string(ws, ++r, 0, sh->name, f->head);
		worksheet_write_string(ws, r, 3, sh->help, f->wrap);
		for (int c = 0; c < sh->ncols; c++) {
			const struct zl_cat_col *col = &sh->cols[c];
			worksheet_write_string(ws, ++r, 1, col->title, NULL);
			worksheet_write_string(ws, r, 2, col->kind == ZL_CK_INFO ? "导入时忽略" :
			    col->required ? "必填" : "选填", NULL);
			if (col->help != NULL)
				worksheet_write_string(ws, r, 3, col->help, f->wrap);
		}
	}
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
	lxw_worksheet		*ws[ZL_CS__MAX + 1];
	struct fmts		 f;
	int			 fd, rc = 0;

	path = zl_arena_printf(a, "%s/zhili-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return ZL_EINTERNAL;
	if ((wb = workbook_new(path)) == NULL) {
		rc = ZL_EINTERNAL;
		goto done;
	}
	workbook_set_properties(wb, &props);
	f.head = workbook_add_format(wb);
	format_set_bold(f.head);
	format_set_bg_color(f.head, 0xDDEBF7);
	format_set_border(f.head, LXW_BORDER_THIN);
	format_set_text_wrap(f.head);
	format_set_align(f.head, LXW_ALIGN_VERTICAL_CENTER);
	f.info = workbook_add_format(wb);
	format_set_bold(f.info);
	format_set_bg_color(f.info, 0xE7E6E6);
	format_set_font_color(f.info, 0x595959);
	format_set_border(f.info, LXW_BORDER_THIN);
	format_set_text_wrap(f.info);
	format_set_align(f.info, LXW_ALIGN_VERTICAL_CENTER);
	f.wrap = workbook_add_format(wb);
	format_set_text_wrap(f.wrap);
	format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
	f.money = workbook_add_format(wb);
	format_set_num_format(f.money, "0.00");
	for (int s = 0; s < ZL_CS__MAX; s++)
		if ((ws[s] = sheet(wb, &zl_cat_sheets[s], &f)) == NULL)
			rc = ZL_EINTERNAL;
	if ((ws[ZL_CS__MAX] = workbook_add_worksheet(wb, ZL_CAT_HELP_SHEET)) == NULL)
		rc = ZL_EINTERNAL;
	for (int s = 0; rc == 0 && s < ZL_CS__MAX; s++) {
		const struct zl_cat_sheet *sh = &zl_cat_sheets[s];
		lxw_row_t last = s == ZL_CS_FLOW ? write_flow(ws[s], sh, a, items, n, &f) :
		    write_rows(ws[s], sh, a, items, n, &f);
		worksheet_autofilter(ws[s], 0, 0, last - 1, (lxw_col_t)(sh->ncols - 1));
	}
	if (rc == 0)
		write_help(ws[ZL_CS__MAX], &f);
	/* workbook_close writes the file and frees the workbook in any case. */
	if (workbook_close(wb) != LXW_NO_ERROR || rc != 0) {
		rc = ZL_EINTERNAL;
		goto done;
	}
	rc = slurp(fd, a, out, len);
done:
	unlink(path);
	close(fd);
	return rc;
}
