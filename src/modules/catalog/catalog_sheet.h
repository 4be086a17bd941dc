/* catalog_sheet.h: the layout of the catalog workbook, shared by the export
 * (catalog_xlsx.c, which defines the table) and the import (catalog_import.c):
 * which sheets, which columns, and which item field each column holds.  The
 * import finds columns by their header text, so their order may change. */
#ifndef ZL_CATALOG_SHEET_H
#define ZL_CATALOG_SHEET_H

enum zl_cat_sheet_id { ZL_CS_ITEMS, ZL_CS_MATERIALS, ZL_CS_FEES, ZL_CS_FAQ, ZL_CS_FLOW,
	ZL_CS__MAX };

enum zl_cat_kind {
	ZL_CK_TEXT,	/* a string field */
	ZL_CK_INT,	/* an integer field */
	ZL_CK_AUDIENCE,	/* 面向公众 / 机关内部 ↔ public / internal */
	ZL_CK_ORG,	/* the org's code ↔ org_id */
	ZL_CK_BOOL,	/* 是 / 否 */
	ZL_CK_MONEY,	/* 元 with at most two decimals ↔ fen */
	ZL_CK_JSON,	/* JSON text, continued on the following rows of the same code */
	ZL_CK_KEY,	/* the item code a row of a detail sheet belongs to */
	ZL_CK_INFO,	/* for people only: written by the export, ignored on import */
};

struct zl_cat_col {
	const char		*title;
	const char		*field;		/* the item's (or the part's) JSON key */
	enum zl_cat_kind	 kind;
	int			 required;
	double			 width;
	const char		*help;		/* for the 填写说明 sheet */
};

struct zl_cat_sheet {
	const char		*name;
	const char		*list;		/* the item's array this sheet fills, or NULL */
	const struct zl_cat_col	*cols;
	int			 ncols;
	const char		*help;
};

extern const struct zl_cat_sheet zl_cat_sheets[ZL_CS__MAX];

#define ZL_CAT_HELP_SHEET	"填写说明"
#define ZL_CAT_CHUNK		30000	/* bytes of text a cell holds (Excel: 32767 characters);
					   longer JSON goes on in the rows below */

#endif
