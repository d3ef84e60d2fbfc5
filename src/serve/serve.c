/* serve.c — the HTTP side of `procmap serve`, through libmicrohttpd: one
 * thread a connection (so a slow or silent client holds only its own
 * thread, and is dropped after CONN_TIMEOUT), the rendered site from
 * memory, /_status.json, /_serve.js and the server-sent events of /events. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "serve/serve.h"

#define MAX_CONNECTIONS 200
#define CONN_TIMEOUT 10        /* seconds of silence before a client is dropped */
#define KEEPALIVE_SECONDS 5    /* an /events comment this often, under CONN_TIMEOUT */

/* The page's one inline script is the audit page's pan and zoom, allowed by
 * its hash (PM_PANZOOM_HASH, $(BUILD)/gen/panzoom_js.h); /_serve.js is 'self'. */
#include "panzoom_js.h"

const char pm_serve_csp[] =
	"default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
	"script-src 'self' '" PM_PANZOOM_HASH "'; connect-src 'self'; object-src 'self'; frame-src 'self'; "
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/* The page's side: on each new build id from /events, reads /_status.json,
 * shows or hides the error overlay, and swaps in what changed. */
static const char serve_js[] =
#include "serve_js.h"   /* $(BUILD)/gen, made from serve.js by the Makefile */
	;

struct pm_server {
	struct MHD_Daemon *d;
	unsigned port;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pm_site *site;           /* the last good site */
	char *status;            /* /_status.json */
	unsigned long build;
	bool stopping;
};

typedef struct sse {
	pm_server *s;
	unsigned long sent;
	bool started;
} sse;

static void add_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", pm_serve_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned code, const char *type,
                                  const void *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data,
	                                                         MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_headers(r, type);
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	sse *e = cls;
	pm_server *s = e->s;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEPALIVE_SECONDS;
	pthread_mutex_lock(&s->lock);
	while (e->started && !s->stopping && s->build == e->sent &&
	       pthread_cond_timedwait(&s->changed, &s->lock, &until) != ETIMEDOUT)
		;
	bool stop = s->stopping, fresh = !e->started || s->build != e->sent;
	unsigned long build = s->build;
	pthread_mutex_unlock(&s->lock);
	if (stop)
		return MHD_CONTENT_READER_END_OF_STREAM;
	int n;
	if (fresh)
		n = snprintf(buf, max, "%sdata: %lu\n\n", e->started ? "" : "retry: 1000\n", build);
	else
		n = snprintf(buf, max, ": keep-alive\n\n");
	e->started = true;
	e->sent = build;
	return n > 0 && (size_t)n < max ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static enum MHD_Result send_events(pm_server *s, struct MHD_Connection *c)
{
	sse *e = calloc(1, sizeof *e);
	if (!e)
		return MHD_NO;
	e->s = s;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256,
	                                                           sse_read, e, free);
	if (!r) {
		free(e);
		return MHD_NO;
	}
	add_headers(r, "text/event-stream");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_site_file(pm_server *s, struct MHD_Connection *c, const char *name)
{
	enum MHD_Result ret;
	pthread_mutex_lock(&s->lock);
	if (strcmp(name, "_status.json") == 0) {
		ret = send_bytes(c, MHD_HTTP_OK, "application/json", s->status, strlen(s->status));
	} else {
		const pm_site_file *f = pm_site_find(s->site, *name ? name : "index.html");
		if (f)
			ret = send_bytes(c, MHD_HTTP_OK, f->type, f->data, f->len);
		else
			ret = send_bytes(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8",
			                 "not found\n", 10);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload, size_t *upload_len, void **state)
{
	static int marker;
	pm_server *s = cls;
	if (!*state) {   /* headers only so far */
		*state = &marker;
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_bytes(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
		                  "method not allowed\n", 19);
	/* %XX is not decoded (no_unescape); names are matched exactly, and
	 * none of them holds a '/' or '%', so "..", "//x" and "/etc/x" find
	 * nothing */
	if (url[0] != '/')
		return send_bytes(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n", 10);
	if (strcmp(url, "/events") == 0)
		return send_events(s, c);
	if (strcmp(url, "/_serve.js") == 0)
		return send_bytes(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", serve_js,
		                  sizeof serve_js - 1);
	return send_site_file(s, c, url + 1);
}

/* Leaves %XX as it is: no file name served holds a '%', so "%2e%2e",
 * "%2f" and "%00" match nothing, instead of being decoded into something
 * that might. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

/* Resolves a numeric or named host into `ss`; false when it cannot. */
static bool host_addr(const char *host, unsigned port, struct sockaddr_storage *ss)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE }, *res;
	char service[16];
	snprintf(service, sizeof service, "%u", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		cli_error("cannot use host '%s': %s", host, gai_strerror(rc));
		return false;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return true;
}

pm_server *pm_server_start(const char *host, unsigned port)
{
	struct sockaddr_storage ss = { 0 };
	if (!host_addr(host, port, &ss))
		return NULL;
	pm_server *s = calloc(1, sizeof *s);
	if (!s || !(s->status = strdup("{\"build\":0,\"ok\":false,\"diagnostics\":[]}"))) {
		free(s);
		cli_error("out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_POLL | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handle, s,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
	                        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
	                        MHD_OPTION_END);
	if (!s->d) {
		cli_error("cannot listen on %s port %u: %s", host, port, strerror(errno));
		pm_server_stop(s);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	return s;
}

unsigned pm_server_port(const pm_server *s)
{
	return s->port;
}

void pm_server_publish(pm_server *s, pm_site *site, bool ok, const char *diagnostics)
{
	size_t n = strlen(diagnostics) + 64;
	char *status = malloc(n);
	pthread_mutex_lock(&s->lock);
	s->build++;
	if (status) {
		snprintf(status, n, "{\"build\":%lu,\"ok\":%s,\"diagnostics\":%s}", s->build,
		         ok ? "true" : "false", diagnostics);
		free(s->status);
		s->status = status;
	}
	if (site) {
		pm_site_free(s->site);
		s->site = site;
	}
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

void pm_server_stop(pm_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	if (s->d)
		MHD_stop_daemon(s->d);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	pm_site_free(s->site);
	free(s->status);
	free(s);
}
