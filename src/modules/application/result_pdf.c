/* result_pdf.c: the result of a finished case as a PDF (libharu) with a QR
 * code (libqrencode) that opens the public verification of the case's
 * latest log entry.  The only file that includes <hpdf.h> and <qrencode.h>.
 * Text is set in the PDF's standard Chinese font SimSun (GBK), which readers
 * substitute with an installed CJK font; nothing is embedded. */
#include <iconv.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <hpdf.h>
#include <qrencode.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "modules/application/application.h"

struct pdf_err { jmp_buf jb; };

static void
on_error(HPDF_STATUS e, HPDF_STATUS detail, void *data)
{
	(void)e; (void)detail;
	longjmp(((struct pdf_err *)data)->jb, 1);
}

/* UTF-8 to GBK in the arena ("?" for what GBK lacks). */
static char *
gbk(struct zl_arena *a, const char *s)
{
	size_t	 in = strlen(s), cap = in * 2 + 8, out = cap;
	char	*buf = zl_arena_alloc(a, cap), *o = buf, *i = (char *)s;
	iconv_t	 cd = iconv_open("GBK//TRANSLIT", "UTF-8");

	if (cd == (iconv_t)-1)
		return zl_arena_strdup(a, s);
	while (in > 0 && iconv(cd, &i, &in, &o, &out) == (size_t)-1 && out > 1) {
		*o++ = '?', out--;	/* skip one unconvertible byte */
		i++, in--;
	}
	iconv_close(cd);
	*o = '\0';
	return buf;
}

static void
line(HPDF_Page page, HPDF_Font font, struct zl_arena *a, float y, const char *label,
    const char *value)
{
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, font, 12);
	HPDF_Page_TextOut(page, 80, y, gbk(a, label));
	HPDF_Page_TextOut(page, 190, y, gbk(a, value));
	HPDF_Page_EndText(page);
}

static void
qr(HPDF_Page page, const char *text, float x, float y, float size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	float m;

	if (q == NULL)
		return;
	m = size / (float)q->width;
	HPDF_Page_SetRGBFill(page, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				HPDF_Page_Rectangle(page, x + (float)c * m, y + size - (float)(r + 1) * m, m, m);
	HPDF_Page_Fill(page);
	QRcode_free(q);
}

int
zl_app_result_pdf(struct zl_arena *a, const struct zl_app_result *res, char **out, size_t *n)
{
	struct pdf_err	 pe;
	HPDF_Doc	 pdf;
	HPDF_Page	 page;
	HPDF_Font	 font, bold;
	HPDF_UINT32	 size;
	const char	*title = strcmp(res->status, "approved") == 0 ? "准予办理通知书" : "不予办理通知书";
	char		*url = zl_arena_printf(a, "%s/#/portal/ledger?entry=%lld", res->public_url,
			    (long long)res->leaf_index);
	float		 y = 700;

	if ((pdf = HPDF_New(on_error, &pe)) == NULL)
		return ZL_ENOMEM;
	if (setjmp(pe.jb)) {
		HPDF_Free(pdf);
		return ZL_EINTERNAL;
	}
	HPDF_UseCNSFonts(pdf);
	HPDF_UseCNSEncodings(pdf);
	font = HPDF_GetFont(pdf, "SimSun", "GBK-EUC-H");
	bold = HPDF_GetFont(pdf, "SimHei", "GBK-EUC-H");
	HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, res->code);
	page = HPDF_AddPage(pdf);
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, bold, 22);
	HPDF_Page_TextOut(page, 80, 760, gbk(a, title));
	HPDF_Page_SetFontAndSize(page, font, 11);
	HPDF_Page_TextOut(page, 80, 735, gbk(a, res->org_name));
	HPDF_Page_EndText(page);
	line(page, font, a, y, "申请编号", res->code); y -= 26;
	line(page, font, a, y, "办理事项", res->item_name); y -= 26;
	line(page, font, a, y, "申请人", res->applicant_name); y -= 26;
	line(page, font, a, y, "办理结果", strcmp(res->status, "approved") == 0 ? "准予办理" : "不予批准"); y -= 26;
	line(page, font, a, y, "提交时间", res->submitted); y -= 26;
	line(page, font, a, y, "办结时间", res->finished); y -= 26;
	line(page, font, a, y, "存证序号", zl_arena_printf(a, "第 %lld 号叶子", (long long)res->leaf_index)); y -= 26;
	line(page, font, a, y, "记录摘要", ""); y -= 18;
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, font, 9);
	HPDF_Page_TextOut(page, 80, y, res->digest);	/* hex: fits the line at 9 pt */
	HPDF_Page_EndText(page);
	y -= 34;
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, font, 10);
	HPDF_Page_TextOut(page, 80, y, gbk(a, "扫描二维码，可在公开存证页面核验本结果已写入不可篡改的存证日志。"));
	HPDF_Page_TextOut(page, 80, y - 16, url);
	HPDF_Page_EndText(page);
	qr(page, url, 80, y - 200, 160);
	HPDF_SaveToStream(pdf);
	size = HPDF_GetStreamSize(pdf);
	*out = zl_arena_alloc(a, size + 1);
	*n = size;
	HPDF_ReadFromStream(pdf, (HPDF_BYTE *)*out, &size);
	*n = size;
	HPDF_Free(pdf);
	return 0;
}
