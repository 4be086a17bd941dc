/* catalog_import.c: a catalog workbook (the layout of catalog_sheet.h, as the
 * export writes it) back into items: each cell decoded by its column's kind,
 * the rows of the detail sheets gathered under their item's code, every item
 * checked, then zl_item_import all or nothing.  Every error names its cell
 * ("事项清单!C7") with a Chinese reason.  Exports zl_item_import_xlsx. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/xlsx_read.h"
#include "modules/catalog/catalog.h"
#include "modules/catalog/catalog_sheet.h"

#define MAX_COLS	32	/* columns of one sheet of the layout */
#define NEEDS_FLOW	"新事项须在「表单与流程」工作表中填写申请表单和办理流程"

/* How much of a workbook one import reads: a thousand items with fifty
 * materials each fit. */
static const struct zl_xlsx_limits limits = {
	.total_bytes = 32u << 20, .cell_bytes = 128u << 10, .entries = 200, .sheets = 16,
	.rows = 60000, .cols = 64, .strings = 300000,
};

/* A sheet of the layout as found in the workbook. */
struct found {
	const struct zl_cat_sheet	*layout;
	const struct zl_xlsx_sheet	*sheet;		/* NULL: not in the workbook */
	int				 at[MAX_COLS];	/* column in the file, -1 absent */
	int				 header;	/* row number of the header */
};

/* Where an item came from: its row, and the rows of its list members. */
struct origin {
	int	 row, flow_row;
	int	*rows[ZL_CS__MAX];
	int	 nrows[ZL_CS__MAX], crows[ZL_CS__MAX];
	char	*json[2];	/* form and process text gathered from 表单与流程 */
	size_t	 jlen[2];
};

struct imp {
	struct zl_conn		*c;
	struct zl_arena		*a;
	struct zl_error		*err;
	struct found		 f[ZL_CS__MAX];
	json_t			*items, *by_code, *orgs;	/* owned by the arena */
	struct origin		*orig;
	int			 n, bad;
};

/* ---- cells and their errors ---- */

static const char *
ref(struct imp *im, enum zl_cat_sheet_id s, int col, int row)
{
	char buf[16];

	return zl_arena_printf(im->a, "%s!%s", zl_cat_sheets[s].name,
	    zl_xlsx_ref(buf, sizeof(buf), col < 0 ? 0 : col, row));
}

static void
bad_cell(struct imp *im, enum zl_cat_sheet_id s, int col, int row, const char *reason)
{
	const char *field = ref(im, s, col, row);

	for (int i = 0; i < im->err->nfields; i++)
		if (strcmp(im->err->fields[i].field, field) == 0)
			return;	/* one reason a cell is enough */
	im->bad++;
	zl_err_field(im->err, field, reason);
}

static int
has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* The rules' reasons, many in English, as people read them. */
static const char *
chinese(struct zl_arena *a, const char *reason)
{
	static const struct { const char *en, *zh; } words[] = {
		{ "required", "不能为空" }, { "too long", "内容过长" },
		{ "already used", "已被使用" }, { "too many items", "条目过多" },
		{ "must be an integer", "须为整数" },
		{ "control characters not allowed", "不得含有控制字符" },
		{ "no such org", "没有该机构" }, { "org is disabled", "该机构已停用" },
		{ "at least 2 characters", "至少 2 个字" },
		{ "1 to 365 working days", "须为 1 至 365 个工作日" },
		{ "0 (即办) to 365 working days", "须为 0（即办）至 365 个工作日" },
		{ "0 (一次不用跑) to 5", "须为 0（一次不用跑）至 5" },
		{ "cannot exceed statutory_days", "不能超过法定办结时限" },
		{ "0 to 10^11 fen", "金额超出范围" },
	};

	if (has_non_ascii(reason))
		return reason;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].en, reason) == 0)
			return words[i].zh;
	return zl_arena_printf(a, "取值无效（%s）", reason);
}

/* s without the spaces and line breaks around it. */
static const char *
trim(struct zl_arena *a, const char *s)
{
	size_t n;

	s += strspn(s, " \t\r\n");
	for (n = strlen(s); n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL; n--)
		;
	return zl_arena_strndup(a, s, n);
}

/* The cell of layout column k of row, trimmed; "" when the column is absent. */
static const char *
cell(struct imp *im, const struct found *f, const struct zl_xlsx_row *row, int k)
{
	return f->at[k] < 0 ? "" : trim(im->a, zl_xlsx_cell(row, f->at[k]));
}

static int
parse_number(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*v);
}

/* The org id of an org code, looked up once per code. */
static int
org_id(struct imp *im, const char *code, int64_t *id)
{
	struct zl_item_org	 o;
	json_t			*known = json_object_get(im->orgs, code);
	int			 rc;

	if (known != NULL) {
		*id = json_integer_value(known);
		return *id > 0 ? 0 : ZL_ENOTFOUND;
	}
	rc = zl_item_store_org(im->c, im->a, 0, code, &o);
	if (rc != 0 && rc != ZL_ENOTFOUND)
		return rc;
	*id = rc == 0 ? o.id : 0;
	json_object_set_new(im->orgs, code, json_integer(*id));
	return rc;
}

/* Put the cell of layout column k into o (a new member or the item), or
 * record why it cannot be; ZL_EDB and the like end the import. */
static int
decode_cell(struct imp *im, enum zl_cat_sheet_id s, const struct zl_xlsx_row *row,
    int k, json_t *o)
{
	const struct found	*f = &im->f[s];
	const struct zl_cat_col	*col = &f->layout->cols[k];
	const char		*v = cell(im, f, row, k);
	double			 d;
	int64_t			 id;
	int			 rc, at = f->at[k];

	if (col->kind == ZL_CK_INFO || col->kind == ZL_CK_KEY || col->kind == ZL_CK_JSON)
		return 0;
	if (*v == '\0') {
		if (col->required)
			bad_cell(im, s, at, row->num, "不能为空");
		else if (col->kind == ZL_CK_TEXT && s == ZL_CS_ITEMS)
			json_object_set_new(o, col->field, json_string(""));
		return 0;
	}
	switch (col->kind) {
	case ZL_CK_TEXT:
		json_object_set_new(o, col->field, json_string(v));
		break;
	case ZL_CK_INT:
		if (!parse_number(v, &d) || d != floor(d) || fabs(d) > 1e9)
			bad_cell(im, s, at, row->num, "须为整数");
		else
			json_object_set_new(o, col->field, json_integer((json_int_t)d));
		break;
	case ZL_CK_AUDIENCE:
		if (strcmp(v, "面向公众") == 0 || strcmp(v, "public") == 0)
			json_object_set_new(o, col->field, json_string("public"));
		else if (strcmp(v, "机关内部") == 0 || strcmp(v, "internal") == 0)
			json_object_set_new(o, col->field, json_string("internal"));
		else
			bad_cell(im, s, at, row->num, "须为「面向公众」或「机关内部」");
		break;
	case ZL_CK_BOOL:
		if (strcmp(v, "是") == 0 || strcmp(v, "TRUE") == 0)
			json_object_set_new(o, col->field, json_true());
		else if (strcmp(v, "否") == 0 || strcmp(v, "FALSE") == 0)
			json_object_set_new(o, col->field, json_false());
		else
			bad_cell(im, s, at, row->num, "须为「是」或「否」");
		break;
	case ZL_CK_MONEY:
		/* Whole fen only: 12.5 is 1250 fen, 12.345 is refused. */
		if (!parse_number(v, &d) || d < 0 || d > 1e9 ||
		    fabs(d * 100 - (double)llround(d * 100)) > 1e-6)
			bad_cell(im, s, at, row->num, "须为金额（元），不小于 0，最多两位小数");
		else
			json_object_set_new(o, col->field, json_integer(llround(d * 100)));
		break;
	case ZL_CK_ORG:
		if ((rc = org_id(im, v, &id)) == ZL_ENOTFOUND)
			bad_cell(im, s, at, row->num, zl_arena_printf(im->a,
			    "没有编码为「%.60s」的机构", v));
		else if (rc != 0)
			return rc;
		else
			json_object_set_new(o, col->field, json_integer(id));
		break;
	default:
		break;
	}
	return 0;
}

/* ---- sheets ---- */

static int
blank(const struct zl_xlsx_row *row)
{
	for (int i = 0; i < row->ncells; i++)
		if (row->cells[i] != NULL && row->cells[i][strspn(row->cells[i], " \t\r\n")])
			return 0;
	return 1;
}

/* Find the sheets and their columns by the header texts of their first row. */
static void
find_sheets(struct imp *im, const struct zl_xlsx *x)
{
	for (int s = 0; s < ZL_CS__MAX; s++) {
		struct found		*f = &im->f[s];
		const struct zl_xlsx_row *head;

		f->layout = &zl_cat_sheets[s];
		f->sheet = zl_xlsx_sheet(x, f->layout->name);
		if (f->sheet != NULL && f->sheet->nrows == 0 && s != ZL_CS_ITEMS)
			f->sheet = NULL;	/* an empty detail sheet lists nothing */
		for (int k = 0; k < f->layout->ncols; k++)
			f->at[k] = -1;
		if (f->sheet == NULL) {
			if (s == ZL_CS_ITEMS) {
				im->bad++;
				zl_err_field(im->err, f->layout->name, "缺少工作表「事项清单」");
			}
			continue;
		}
		head = f->sheet->nrows > 0 ? &f->sheet->rows[0] : NULL;
		f->header = head ? head->num : 1;
		for (int k = 0; k < f->layout->ncols; k++) {
			const struct zl_cat_col *col = &f->layout->cols[k];
			for (int c = 0; head != NULL && c < head->ncells; c++)
				if (head->cells[c] != NULL &&
				    strcmp(trim(im->a, head->cells[c]), col->title) == 0)
					f->at[k] = c;
			if (f->at[k] < 0 && col->required) {
				im->bad++;
				zl_err_field(im->err, zl_arena_printf(im->a, "%s!%d",
				    f->layout->name, f->header), zl_arena_printf(im->a,
				    "缺少列「%s」", col->title));
			}
		}
	}
}

static int
key_col(const struct found *f)
{
	for (int k = 0; k < f->layout->ncols; k++)
		if (f->layout->cols[k].kind == ZL_CK_KEY || strcmp(f->layout->cols[k].field,
		    "code") == 0)
			return k;
	return 0;
}

static int
read_items(struct imp *im)
{
	const struct found *f = &im->f[ZL_CS_ITEMS];
	int k_code = key_col(f), rc;

	for (int i = 1; i < f->sheet->nrows; i++) {
		const struct zl_xlsx_row	*row = &f->sheet->rows[i];
		const char			*code;
		json_t				*item, *seen;

		if (blank(row))
			continue;
		if (im->n >= ZL_IMPORT_MAX) {
			bad_cell(im, ZL_CS_ITEMS, f->at[k_code], row->num, "一次最多导入 1000 个事项");
			return 0;
		}
		item = json_object();
		json_array_append_new(im->items, item);
		im->orig[im->n].row = row->num;
		for (int k = 0; k < f->layout->ncols; k++)
			if ((rc = decode_cell(im, ZL_CS_ITEMS, row, k, item)) != 0)
				return rc;
		for (int s = 0; s < ZL_CS__MAX; s++)
			if (zl_cat_sheets[s].list != NULL)
				json_object_set_new(item, zl_cat_sheets[s].list, json_array());
		code = cell(im, f, row, k_code);
		if ((seen = json_object_get(im->by_code, code)) != NULL && *code != '\0')
			bad_cell(im, ZL_CS_ITEMS, f->at[k_code], row->num, zl_arena_printf(im->a,
			    "事项编码重复（第 %d 行已有）",
			    im->orig[json_integer_value(seen)].row));
		else if (*code != '\0')
			json_object_set_new(im->by_code, code, json_integer(im->n));
		im->n++;
	}
	return 0;
}

/* The item index a row of a detail sheet belongs to, or -1 (recorded). */
static int
owner(struct imp *im, enum zl_cat_sheet_id s, const struct zl_xlsx_row *row)
{
	const struct found	*f = &im->f[s];
	int			 k = key_col(f);
	const char		*code = cell(im, f, row, k);
	json_t			*i = json_object_get(im->by_code, code);

	if (*code == '\0')
		bad_cell(im, s, f->at[k], row->num, "不能为空");
	else if (i == NULL)
		bad_cell(im, s, f->at[k], row->num, "「事项清单」中没有该事项编码");
	return i != NULL ? (int)json_integer_value(i) : -1;
}

static int
read_list(struct imp *im, enum zl_cat_sheet_id s)
{
	const struct found *f = &im->f[s];
	int rc;

	for (int r = 1; f->sheet != NULL && r < f->sheet->nrows; r++) {
		const struct zl_xlsx_row	*row = &f->sheet->rows[r];
		struct origin			*o;
		json_t				*member;
		int				 i;

		if (blank(row) || (i = owner(im, s, row)) < 0)
			continue;
		o = &im->orig[i];
		member = json_object();
		json_array_append_new(json_object_get(json_array_get(im->items, (size_t)i),
		    f->layout->list), member);
		for (int k = 0; k < f->layout->ncols; k++)
			if ((rc = decode_cell(im, s, row, k, member)) != 0)
				return rc;
		if (o->nrows[s] >= o->crows[s]) {
			int *p;
			o->crows[s] = o->crows[s] ? o->crows[s] * 2 : 8;
			p = zl_arena_alloc(im->a, (size_t)o->crows[s] * sizeof(*p));
			if (o->nrows[s] > 0)
				memcpy(p, o->rows[s], (size_t)o->nrows[s] * sizeof(*p));
			o->rows[s] = p;
		}
		o->rows[s][o->nrows[s]++] = row->num;
	}
	return 0;
}

/* Gather the JSON pieces of form and process by code, then parse them. */
static void
read_flow(struct imp *im)
{
	const struct found *f = &im->f[ZL_CS_FLOW];
	int k_json[2] = { -1, -1 };

	for (int k = 0, j = 0; k < f->layout->ncols; k++)
		if (f->layout->cols[k].kind == ZL_CK_JSON)
			k_json[j++] = k;
	for (int r = 1; f->sheet != NULL && r < f->sheet->nrows; r++) {
		const struct zl_xlsx_row	*row = &f->sheet->rows[r];
		struct origin			*o;
		int				 i;

		if (blank(row) || (i = owner(im, ZL_CS_FLOW, row)) < 0)
			continue;
		o = &im->orig[i];
		if (o->flow_row == 0)
			o->flow_row = row->num;
		for (int j = 0; j < 2; j++) {
			const char *piece = zl_xlsx_cell(row, f->at[k_json[j]]);
			size_t n = f->at[k_json[j]] < 0 ? 0 : strlen(piece);
			char *p;
			if (n == 0)
				continue;
			p = zl_arena_alloc(im->a, o->jlen[j] + n + 1);
			if (o->jlen[j] > 0)
				memcpy(p, o->json[j], o->jlen[j]);
			memcpy(p + o->jlen[j], piece, n + 1);
			o->json[j] = p;
			o->jlen[j] += n;
		}
	}
	for (int i = 0; i < im->n; i++)
		for (int j = 0; j < 2; j++) {
			struct origin	*o = &im->orig[i];
			const char	*field = f->layout->cols[k_json[j]].field;
			json_error_t	 je;
			json_t		*v;
			if (o->json[j] == NULL)
				continue;
			v = json_loadb(o->json[j], o->jlen[j], JSON_REJECT_DUPLICATES, &je);
			if (v == NULL || !json_is_object(v))
				bad_cell(im, ZL_CS_FLOW, f->at[k_json[j]], o->flow_row, v == NULL ?
				    zl_arena_printf(im->a, "不是有效的 JSON：%s（第 %d 个字符）",
				    je.text, je.position) : "须为 JSON 对象 {…}");
			if (v != NULL)
				json_object_set_new(json_array_get(im->items, (size_t)i), field, v);
		}
}

/* ---- the rules' errors, from items[i].field to cells ---- */

/* The layout column of sheet s holding field, or -1. */
static int
col_of(const struct found *f, const char *field, size_t len)
{
	for (int k = 0; k < f->layout->ncols; k++)
		if (strlen(f->layout->cols[k].field) == len &&
		    strncmp(f->layout->cols[k].field, field, len) == 0)
			return k;
	return -1;
}

/* Record the error of field rest ("legal_basis", "materials[1].name",
 * "process.steps[0]") of item i at its cell. */
static void
place(struct imp *im, int i, const char *rest, const char *reason)
{
	const struct origin	*o = &im->orig[i];
	const struct found	*items = &im->f[ZL_CS_ITEMS];
	size_t			 len = strcspn(rest, ".[");
	int			 k;

	reason = chinese(im->a, reason);
	for (int s = 0; s < ZL_CS__MAX; s++) {
		const struct found *f = &im->f[s];
		const char *sub;
		char *end;
		long m;
		if (f->layout->list == NULL || strlen(f->layout->list) != len ||
		    strncmp(rest, f->layout->list, len) != 0)
			continue;
		m = rest[len] == '[' ? strtol(rest + len + 1, &end, 10) : -1;
		if (m < 0 || m >= o->nrows[s]) {	/* the list as a whole */
			bad_cell(im, ZL_CS_ITEMS, items->at[key_col(items)], o->row,
			    zl_arena_printf(im->a, "「%s」：%s", f->layout->name, reason));
			return;
		}
		sub = strchr(rest + len, '.');
		k = sub != NULL ? col_of(f, sub + 1, strlen(sub + 1)) : -1;
		bad_cell(im, (enum zl_cat_sheet_id)s, f->at[k >= 0 ? k : key_col(f)],
		    o->rows[s][m], reason);
		return;
	}
	if ((k = col_of(&im->f[ZL_CS_FLOW], rest, len)) >= 0 &&
	    im->f[ZL_CS_FLOW].layout->cols[k].kind == ZL_CK_JSON) {
		if (o->flow_row == 0)
			bad_cell(im, ZL_CS_ITEMS, items->at[key_col(items)], o->row, NEEDS_FLOW);
		else
			bad_cell(im, ZL_CS_FLOW, im->f[ZL_CS_FLOW].at[k], o->flow_row,
			    rest[len] ? zl_arena_printf(im->a, "%s：%s", rest + len + 1, reason) :
			    reason);
		return;
	}
	k = col_of(items, rest, len);
	bad_cell(im, ZL_CS_ITEMS, items->at[k >= 0 ? k : key_col(items)], o->row, reason);
}

/* Move the errors recorded since from, named "items[i]." + rest or rest for
 * item i, onto their cells. */
static void
place_errors(struct imp *im, int from, int item)
{
	struct zl_field_error	 was[ZL_ERR_FIELDS];
	int			 n = im->err->nfields - from;

	memcpy(was, im->err->fields + from, (size_t)n * sizeof(was[0]));
	im->err->nfields = from;
	for (int e = 0; e < n; e++) {
		const char	*f = was[e].field;
		char		*end;
		long		 i = item;
		if (strncmp(f, "items[", 6) == 0 && (i = strtol(f + 6, &end, 10)) >= 0 &&
		    i < im->n && end[0] == ']' && end[1] == '.')
			f = end + 2;
		place(im, (int)i, f, was[e].reason);
	}
}

/* Check every item as zl_item_import will, to report the bad cells of all
 * of them and not just the first.  An item without rows in 表单与流程 keeps
 * the form and process it has, so only a new one is refused for it here (and
 * again, inside the transaction, by the import). */
static int
check_items(struct imp *im)
{
	for (int i = 0; i < im->n; i++) {
		struct zl_item_in	 in;
		struct zl_item		 cur;
		struct zl_error		 e = { 0 };
		json_t			*item = json_array_get(im->items, (size_t)i);
		const struct found	*items = &im->f[ZL_CS_ITEMS];
		int			 rc, keep = im->orig[i].flow_row == 0;

		if (zl_item_decode(&in, item, 1, im->a, &e) == 0)
			continue;
		for (int k = 0; k < e.nfields; k++) {
			if (keep && strcmp(e.fields[k].reason, "required") == 0 &&
			    (strcmp(e.fields[k].field, "form") == 0 ||
			    strcmp(e.fields[k].field, "process") == 0))
				continue;	/* below */
			if (im->err->nfields < ZL_ERR_FIELDS) {
				int from = im->err->nfields;
				zl_err_field(im->err, e.fields[k].field, e.fields[k].reason);
				place_errors(im, from, i);
			} else
				im->bad++;
		}
		if (!keep)
			continue;
		rc = zl_item_store_by_code(im->c, im->a, json_string_value(json_object_get(item,
		    "code")) ? json_string_value(json_object_get(item, "code")) : "", &cur);
		if (rc == ZL_ENOTFOUND)
			bad_cell(im, ZL_CS_ITEMS, items->at[key_col(items)], im->orig[i].row,
			    NEEDS_FLOW);
		else if (rc != 0)
			return rc;
	}
	return 0;
}

int
zl_item_import_xlsx(struct zl_conn *c, struct zl_arena *a, const struct zl_actor *who,
    const char *data, size_t len, unsigned flags, json_t **result, struct zl_error *err)
{
	struct imp	 im = { .c = c, .a = a, .err = err };
	struct zl_xlsx	*x;
	const char	*was;
	int		 rc, failed, from;

	*result = NULL;
	if ((rc = zl_xlsx_read(a, data, len, &limits, &x, err)) != 0)
		return rc;
	im.items = zl_json_own(a, json_array());
	im.by_code = zl_json_own(a, json_object());
	im.orgs = zl_json_own(a, json_object());
	find_sheets(&im, x);
	if (im.bad > 0)
		return zl_err_set(err, ZL_EINVAL, NULL, "工作簿不符合导入格式，未导入任何事项；"
		    "可下载导入模板对照");
	im.orig = zl_arena_alloc(a, (size_t)(im.f[ZL_CS_ITEMS].sheet->nrows + 1) *
	    sizeof(*im.orig));
	if ((rc = read_items(&im)) != 0)
		return rc;
	for (int s = 0; s < ZL_CS__MAX; s++)
		if (zl_cat_sheets[s].list != NULL && (rc = read_list(&im, s)) != 0)
			return rc;
	read_flow(&im);
	if (im.n == 0 && im.bad == 0)
		bad_cell(&im, ZL_CS_ITEMS, 0, im.f[ZL_CS_ITEMS].header + 1, "「事项清单」中没有事项");
	if (im.bad == 0 && (rc = check_items(&im)) != 0)
		return rc;
	if (im.bad > 0)
		return zl_err_set(err, ZL_EINVAL, NULL, "工作簿中有 %d 处错误，未导入任何事项",
		    im.bad);
	from = err->nfields;
	rc = zl_item_import(c, a, who, im.items, flags | ZL_IMPORT_KEEP_FLOW, result, &failed,
	    err);
	if (rc == 0 || failed < 0 || rc == ZL_EDB || rc == ZL_ENOMEM || rc == ZL_EINTERNAL ||
	    rc == ZL_EBUSY)
		return rc;	/* nothing the workbook can be blamed for */
	/* The rules' detail reads "第 n 个事项：why"; say which row instead. */
	was = strstr(err->detail, "：");
	was = zl_arena_strdup(a, was != NULL ? was + strlen("：") : err->detail);
	if (err->nfields > from)
		place_errors(&im, from, failed);
	else {
		const struct found *items = &im.f[ZL_CS_ITEMS];
		int k = rc == ZL_EPERM ? col_of(items, "org_id", 6) : key_col(items);
		bad_cell(&im, ZL_CS_ITEMS, items->at[k], im.orig[failed].row, was);
	}
	zl_err_set(err, rc, NULL, "「事项清单」第 %d 行：%.200s", im.orig[failed].row, was);
	return rc;
}
