/* xlsx_read.h: the cells of an .xlsx workbook held in memory, read with libzip
 * (the archive) and expat (its XML, streamed): workbook → sheets in tab order
 * → rows → the text of each cell, all in the caller's arena.  Hard limits keep
 * a hostile file (zip bomb, endless sheet, giant cell) from costing more than
 * they allow.  The only file that includes <zip.h> and <expat.h> is xlsx_read.c. */
#ifndef ZL_XLSX_READ_H
#define ZL_XLSX_READ_H

#include <stddef.h>

struct zl_arena; struct zl_error;

struct zl_xlsx_limits {
	size_t	total_bytes;	/* uncompressed bytes read over every part, plus the
				   cell tables built from them */
	size_t	cell_bytes;	/* bytes of one cell's text (and of one shared string) */
	int	entries;	/* entries of the archive */
	int	sheets;
	int	rows;		/* <row> elements of one sheet */
	int	cols;		/* a cell with a value beyond this column is refused */
	int	strings;	/* shared strings */
};

/* 32 MiB, 128 KiB a cell, 1000 entries, 64 sheets, 100000 rows, 256 columns,
 * 500000 shared strings. */
extern const struct zl_xlsx_limits zl_xlsx_default_limits;

struct zl_xlsx_row {
	int		  num;		/* 1-based, as in "A7" */
	int		  ncells;	/* cells[0] is column A */
	const char	**cells;	/* NULL: empty cell */
};

struct zl_xlsx_sheet {
	const char		*name;
	int			 nrows;	/* rows with at least one value, ascending */
	struct zl_xlsx_row	*rows;
};

struct zl_xlsx {
	int			 nsheets;
	struct zl_xlsx_sheet	*sheets;	/* in the workbook's tab order */
};

/* Read the workbook data[0..len) (borrowed) into *out.  Shared and inline
 * strings become their text (rich-text runs joined, phonetic runs left out,
 * _xHHHH_ escapes decoded), numbers stay as written ("12.5", "1E-3"),
 * booleans are "TRUE" / "FALSE", a formula cell is its cached value.
 * ZL_EINVAL with err->type "bad-xlsx" for a file that is not an xlsx
 * workbook (not a zip, no xl/workbook.xml, broken XML …), ZL_ELIMIT when a
 * limit is passed; err->detail says which, in Chinese.  lim NULL: defaults. */
int	 zl_xlsx_read(struct zl_arena *a, const void *data, size_t len,
	    const struct zl_xlsx_limits *lim, struct zl_xlsx **out, struct zl_error *err);
/* The sheet of that name (borrowed), or NULL. */
const struct zl_xlsx_sheet *zl_xlsx_sheet(const struct zl_xlsx *x, const char *name);
/* The text of cell col (0 = A) of row, "" when empty or absent. */
const char *zl_xlsx_cell(const struct zl_xlsx_row *row, int col);
/* The reference "AB12" of column col (0 = A) and row num into buf (≥ 16 bytes). */
char	*zl_xlsx_ref(char *buf, size_t n, int col, int num);

#endif
