/* reply.c: responses.  zl_reply_problem is the single mapping from error
 * codes to HTTP statuses and application/problem+json bodies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "http/req.h"

void
zl_reply_header(struct zl_req *r, const char *name, const char *value)
{
	struct zl_header *h = zl_arena_alloc(&r->arena, sizeof(*h));

	h->name = name;
	h->value = zl_arena_strdup(&r->arena, value);
	h->next = r->headers;
	r->headers = h;
}

int
zl_reply_bytes(struct zl_req *r, int status, const char *ctype, const char *data,
    size_t len)
{
	r->status = status;
	r->ctype = ctype;
	r->out = zl_arena_strndup(&r->arena, data, len);
	r->out_len = len;
	return 0;
}

int
zl_reply_static(struct zl_req *r, int status, const char *ctype, const char *data,
    size_t len)
{
	r->status = status;
	r->ctype = ctype;
	r->out = (char *)data;	/* never written: sent as MHD_RESPMEM_PERSISTENT */
	r->out_len = len;
	return 0;
}

/* Each thread writes answers into a buffer of its own that grows to the
 * largest answer seen, then copies the text once into the request's arena. */
static __thread char	*dump_buf;
static __thread size_t	 dump_cap;

int
zl_reply_json(struct zl_req *r, int status, json_t *j)
{
	size_t	 n;
	char	*out;
	int	 rc;

	if (j == NULL) {
		zl_reply_problem(r, ZL_ENOMEM);
		return 0;
	}
	rc = zl_json_write(j, &dump_buf, &dump_cap, &n);
	json_decref(j);
	if (rc != 0) {
		zl_reply_problem(r, ZL_EINTERNAL);
		return 0;
	}
	out = zl_arena_alloc_raw(&r->arena, n + 1);
	memcpy(out, dump_buf, n);
	out[n] = '\0';
	if (dump_cap > (1u << 20)) {	/* a rare large answer: give it back */
		free(dump_buf);
		dump_buf = NULL;
		dump_cap = 0;
	}
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	r->out = out;
	r->out_len = n;
	return 0;
}

int
zl_reply_list(struct zl_req *r, json_t *items, int64_t next)
{
	json_t *cur = json_null();

	if (next > 0) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", (long long)next);
		cur = json_string(buf);
	}
	return zl_reply_json(r, 200, json_pack("{s:o,s:o}", "items", items,
	    "next_cursor", cur));
}

int
zl_reply_empty(struct zl_req *r, int status)
{
	r->status = status;
	r->ctype = NULL;
	r->out = NULL;
	r->out_len = 0;
	return 0;
}

static const struct problem {
	int		 code, status;
	const char	*type, *title;
} problems[] = {
	{ ZL_EINVAL,	400, "validation", "输入有误" },
	{ ZL_EAUTH,	401, "unauthenticated", "未登录或登录已失效" },
	{ ZL_EPERM,	403, "forbidden", "没有权限" },
	{ ZL_ENOTFOUND,	404, "not-found", "记录不存在" },
	{ ZL_EMETHOD,	405, "method-not-allowed", "不支持该请求方法" },
	{ ZL_ECONFLICT,	409, "conflict", "与现有记录冲突" },
	{ ZL_EVERSION,	409, "version-mismatch", "记录已被他人修改，请刷新后重试" },
	{ ZL_ELIMIT,	413, "too-large", "请求内容过大" },
	{ ZL_EMEDIA,	415, "unsupported-media-type", "请求内容类型不受支持" },
	{ ZL_EPRECOND,	428, "precondition-required", "缺少记录版本 (If-Match)" },
	{ ZL_ERATE,	429, "rate-limited", "尝试次数过多，请稍后再试" },
	{ ZL_EBUSY,	503, "unavailable", "系统繁忙，请稍后再试" },
	{ ZL_EDB,	500, "internal", "服务器内部错误" },
	{ ZL_ENOMEM,	500, "internal", "服务器内部错误" },
	{ ZL_EINTERNAL,	500, "internal", "服务器内部错误" },
};

/* Titles of the types that refine a code. */
static const struct { const char *type, *title; } type_titles[] = {
	{ "bad-json", "请求体不是有效的 JSON" },
	{ "bad-xlsx", "上传的文件不是有效的 xlsx 工作簿" },
	{ "csrf", "缺少或错误的 CSRF 令牌" },
	{ "locked", "账号已临时锁定，请稍后再试" },
};

void
zl_reply_problem(struct zl_req *r, int code)
{
	const struct problem	*p = &problems[sizeof(problems) / sizeof(problems[0]) - 1];
	const char		*type, *title;
	json_t			*j, *errs;
	char			 buf[96];

	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (problems[i].code == code) {
			p = &problems[i];
			break;
		}
	type = r->err.type ? r->err.type : p->type;
	title = r->err.title ? r->err.title : p->title;
	for (size_t i = 0; r->err.title == NULL && i < sizeof(type_titles) / sizeof(type_titles[0]); i++)
		if (strcmp(type, type_titles[i].type) == 0)
			title = type_titles[i].title;
	snprintf(buf, sizeof(buf), "urn:zhili:problem:%s", type);
	j = json_pack("{s:s,s:s,s:i}", "type", buf, "title", title, "status", p->status);
	if (r->err.detail[0] != '\0')
		json_object_set_new(j, "detail", json_string(r->err.detail));
	if (r->err.nfields > 0) {
		errs = json_array();
		for (int i = 0; i < r->err.nfields; i++)
			json_array_append_new(errs, json_pack("{s:s,s:s}",
			    "field", r->err.fields[i].field, "reason", r->err.fields[i].reason));
		json_object_set_new(j, "errors", errs);
	}
	if (p->status == 429 && r->err.retry_after > 0) {
		snprintf(buf, sizeof(buf), "%d", r->err.retry_after);
		zl_reply_header(r, "Retry-After", buf);
	}
	{
		char *s = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		zl_reply_bytes(r, p->status, "application/problem+json; charset=utf-8",
		    s ? s : "{}", s ? strlen(s) : 2);
		free(s);
	}
}
