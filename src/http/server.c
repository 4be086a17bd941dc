/* server.c: libmicrohttpd glue.  Collect the request (bounded), hand it to
 * zl_dispatch, turn the reply into an MHD response with the security
 * headers, log it, free the request's arena. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/json.h"
#include "core/log.h"
#include "db/db.h"
#include "http/router.h"
#include "http/server.h"

static int in_flight;	/* requests between first call and completion */

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum zl_method
parse_method(const char *m)
{
	static const char *const names[] = { NULL, "GET", "HEAD", "POST", "PUT",
	    "PATCH", "DELETE", "OPTIONS" };

	for (int i = 1; i < ZL_METHOD__MAX; i++)
		if (strcmp(m, names[i]) == 0)
			return (enum zl_method)i;
	return 0;
}

static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
	    "style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; "
	    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
	{ "Permissions-Policy", "camera=(), microphone=(), geolocation=()" },
};

static enum MHD_Result
send_reply(struct MHD_Connection *c, struct zl_req *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	if (r->file_fd >= 0) {
		resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
		r->file_fd = -1;	/* now MHD's to close */
	} else
		resp = MHD_create_response_from_buffer(r->out_len, r->out,
		    MHD_RESPMEM_PERSISTENT);	/* the arena outlives the response */
	if (resp == NULL)
		return MHD_NO;
	for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (r->ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	if (strncmp(r->path, "/api/", 5) == 0)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (struct zl_header *h = r->headers; h != NULL; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
fill_addr(struct zl_req *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(r->client_addr, sizeof(r->client_addr), "unknown");
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr,
		    r->client_addr, sizeof(r->client_addr));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
		    r->client_addr, sizeof(r->client_addr));
}

/* Routes that take a file (uploads, workbooks) may receive more than a JSON body. */
static size_t
body_limit(struct zl_req *r)
{
	const struct zl_route	*rt;
	int			 known;

	if (r->method != ZL_POST && r->method != ZL_PUT && r->method != ZL_PATCH)
		return r->app->cfg.max_body;	/* no route match on the hot read path */
	rt = zl_req_route(r, &known);
	return rt != NULL && rt->raw_body ? r->app->cfg.max_upload : r->app->cfg.max_body;
}

static unsigned long long
drain_limit(const struct zl_app *app, size_t limit)
{
	unsigned long long n = (unsigned long long)limit * 8;

	return n > 16ULL << 20 ? n : 16ULL << 20;
}

/* Called by the database's syncer once the request's commits are durable. */
static void
resume(void *arg)
{
	struct zl_req *r = arg;

	MHD_resume_connection(r->conn);
}

/* The answer goes out once what the request committed is on disk: until
 * then the connection is suspended and this thread serves others. */
static enum MHD_Result
reply_when_durable(struct MHD_Connection *c, struct zl_req *r)
{
	if (r->db == NULL || !zl_db_sync_pending(r->db))
		return send_reply(c, r);
	r->awaiting_disk = 1;
	MHD_suspend_connection(c);
	if (zl_db_when_durable(r->db, resume, r))
		MHD_resume_connection(c);
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct zl_app	*app = cls;
	struct zl_req	*r = *con_cls;

	(void)version;
	if (r == NULL) {
		const char *len;

		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		__atomic_add_fetch(&in_flight, 1, __ATOMIC_RELAXED);
		zl_arena_init(&r->arena);
		r->app = app;
		r->conn = c;
		r->file_fd = -1;
		r->started_us = now_us();
		r->method = parse_method(method);
		r->path = zl_arena_strdup(&r->arena, url);
		fill_addr(r, c);
		*con_cls = r;
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* A body somewhat over the limit is read and dropped, so the client
		 * (still sending) gets to read the 413; a huge one is refused at
		 * once and the connection closed. */
		r->body_limit = body_limit(r);
		if (len != NULL && strtoull(len, NULL, 10) > r->body_limit)
			r->body_too_large = 1;
		if (len != NULL && strtoull(len, NULL, 10) > drain_limit(app, r->body_limit)) {
			zl_err_set(&r->err, 0, NULL, "请求体不得超过 %zu 字节 (body limit)",
			    r->body_limit);
			zl_reply_problem(r, ZL_ELIMIT);
			return send_reply(c, r);
		}
		return MHD_YES;
	}
	if (r->awaiting_disk) {		/* resumed: the commits are durable */
		r->awaiting_disk = 0;
		return send_reply(c, r);
	}
	if (*upload_size > 0) {
		if (r->status != 0)
			r->body_too_large = 1;	/* answered already: discard */
		if (!r->body_too_large && r->body_len + *upload_size > r->body_limit)
			r->body_too_large = 1;
		if (!r->body_too_large) {
			if (r->body_len + *upload_size + 1 > r->body_cap) {
				size_t cap = (r->body_len + *upload_size + 1) * 2;
				if (cap > r->body_limit + 1)
					cap = r->body_limit + 1;
				char *p = zl_arena_alloc(&r->arena, cap);
				if (r->body_len)
					memcpy(p, r->body, r->body_len);
				r->body = p;
				r->body_cap = cap;
			}
			memcpy(r->body + r->body_len, upload, *upload_size);
			r->body_len += *upload_size;
			r->body[r->body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status != 0)	/* already answered (413 on the first call) */
		return MHD_YES;
	if (r->body_too_large) {
		zl_err_set(&r->err, 0, NULL, "请求体不得超过 %zu 字节 (body limit)",
		    r->body_limit);
		zl_reply_problem(r, ZL_ELIMIT);
	} else
		zl_dispatch(r);
	return reply_when_durable(c, r);
}


/* One JSON line per request (access_log.c). */
static void
access_log(struct zl_req *r)
{
	FILE	*f = r->app->access_log;
	char	*line;

	if (f == NULL)
		return;
	line = zl_access_line(r, time(NULL), (double)(now_us() - r->started_us) / 1000.0);
	if (line != NULL) {
		fprintf(f, "%s\n", line);
		free(line);
	}
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct zl_req *r = *con_cls;

	(void)cls; (void)c; (void)toe;
	if (r == NULL)
		return;
	access_log(r);
	if (r->file_fd >= 0)
		close(r->file_fd);
	zl_arena_release(&r->arena);
	free(r);
	*con_cls = NULL;
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
}

static int
parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;

	memset(sa, 0, sizeof(*sa));
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port < 0 || port > 65535)
		return -1;
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

static void *
flusher(void *arg)
{
	struct zl_app *app = arg;

	for (;;) {
		sleep(1);
		if (app->access_log != NULL)
			fflush(app->access_log);
	}
	return NULL;
}

int
zl_serve(struct zl_app *app)
{
	struct sockaddr_in	 sa;
	struct MHD_Daemon	*d;
	sigset_t		 set;
	pthread_t		 flush_thread;
	int			 sig;

	if ((app->health = zl_health_text(app)) == NULL) {
		fputs("zhili: out of memory\n", stderr);
		return 1;
	}
	if (parse_listen(app->cfg.listen, &sa) != 0) {
		fprintf(stderr, "zhili: --listen must be HOST:PORT (IPv4), got \"%s\"\n",
		    app->cfg.listen);
		return 1;
	}
	/* Block the signals in every thread; this one waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, app,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.request_timeout,
	    /* The request head must fit the connection's pool, and the pool is
	     * zeroed after every request: a little room for the answer's head
	     * above max_header, no more. */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, app->cfg.max_header + 4096,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "zhili: cannot listen on %s\n", app->cfg.listen);
		return 1;
	}
	{
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		char host[64];
		inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
		zl_info("zhili %s listening on http://%s:%u (%s, %d threads)", app->version,
		    host, di ? di->port : ntohs(sa.sin_port), zl_db_backend_name(app->db),
		    app->cfg.threads);
	}
	pthread_create(&flush_thread, NULL, flusher, app);
	pthread_detach(flush_thread);

	while (sigwait(&set, &sig) != 0)
		;
	zl_info("signal %d: finishing requests in flight", sig);
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 100 && __atomic_load_n(&in_flight, __ATOMIC_RELAXED) > 0; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	if (app->access_log != NULL)
		fflush(app->access_log);
	zl_info("stopped");
	free(app->health);
	app->health = NULL;
	return 0;
}
