/* lsp.c — `procmap lsp`: the JSON-RPC transport over stdio, the lifecycle,
 * document sync and diagnostics of the language server (LSP 3.17).
 *
 * One thread, one loop: read a frame, answer it, and when a document has
 * changed and no message has come for DEBOUNCE_MS, analyse it and publish
 * its diagnostics.  Every message is bounded (MAX_BODY) and every input
 * error becomes a JSON-RPC error, never a crash; the end of the input
 * ends the server. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lsp/lsp.h"
#include "model.h"

#define MAX_BODY ((size_t)64 << 20)   /* larger messages are refused */
#define MAX_HEADER 8192               /* bytes of one frame's header block */
#define MAX_DOCS 4096                 /* open documents */
#define DEBOUNCE_MS 50
#define READ_CHUNK 65536

typedef struct server {
	int in_fd, out_fd;
	lsp_doc **docs;
	size_t ndocs;
	bool initialized, shutdown, exited;
	int exit_code;
	char *in;                 /* bytes read and not yet used */
	size_t inlen, incap;
	bool eof;
} server;

/* --- output ------------------------------------------------------------------ */

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Sends a message and drops the reference.  A client that stopped
 * reading ends the server, as the end of its input would. */
static void send_msg(server *s, json_t *msg)
{
	if (!msg)
		return;
	char *body = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!body)
		return;
	char head[64];
	size_t len = strlen(body);
	int hn = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", len);
	if (!write_all(s->out_fd, head, (size_t)hn) || !write_all(s->out_fd, body, len))
		s->eof = true;
	free(body);
}

static void reply(server *s, json_t *id, json_t *result)
{
	send_msg(s, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id,
	                      "result", result ? result : json_null()));
}

static void reply_error(server *s, json_t *id, int code, const char *msg)
{
	send_msg(s, json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0",
	                      "id", id ? id : json_null(), "error", "code", code,
	                      "message", msg));
}

static void notify(server *s, const char *method, json_t *params)
{
	send_msg(s, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method,
	                      "params", params));
}

/* --- input ------------------------------------------------------------------ */

/* Reads more input; false at the end of it (or on a read error). */
static bool fill(server *s)
{
	if (s->eof)
		return false;
	if (s->incap - s->inlen < READ_CHUNK) {
		/* doubling: a 64 MiB body is not copied a thousand times */
		size_t cap = s->incap * 2 > s->inlen + READ_CHUNK * 2 ? s->incap * 2
		             : s->inlen + READ_CHUNK * 2;
		char *p = realloc(s->in, cap);
		if (!p) {
			s->eof = true;
			return false;
		}
		s->in = p;
		s->incap = cap;
	}
	for (;;) {
		ssize_t r = read(s->in_fd, s->in + s->inlen, s->incap - s->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			s->eof = true;
			return false;
		}
		s->inlen += (size_t)r;
		return true;
	}
}

static void consume(server *s, size_t n)
{
	memmove(s->in, s->in + n, s->inlen - n);
	s->inlen -= n;
	if (s->incap > (1u << 20) && s->inlen < READ_CHUNK) {   /* stay flat */
		char *p = realloc(s->in, READ_CHUNK * 2);
		if (p) {
			s->in = p;
			s->incap = READ_CHUNK * 2;
		}
	}
}

/* Whether a message can be read within `ms` milliseconds (-1: wait). */
static bool input_ready(server *s, int ms)
{
	if (s->inlen || s->eof)
		return true;
	struct pollfd p = { .fd = s->in_fd, .events = POLLIN };
	int r;
	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r != 0;
}

/* The end of the header block (after its blank line) in the first `n`
 * bytes, or 0. */
static size_t header_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

enum { FRAME_OK, FRAME_EOF, FRAME_BAD, FRAME_TOO_BIG };

/* The Content-Length of a header block; -1 when missing or malformed. */
static long long content_length(const char *p, size_t n)
{
	long long len = -1;
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && p[e] != '\n')
			e++;
		size_t ln = e - i;
		if (ln && p[i + ln - 1] == '\r')
			ln--;
		static const char key[] = "content-length:";
		if (ln > sizeof key - 1 && strncasecmp(p + i, key, sizeof key - 1) == 0) {
			size_t k = i + sizeof key - 1, end = i + ln;
			while (k < end && (p[k] == ' ' || p[k] == '\t'))
				k++;
			long long v = 0;
			size_t digits = 0;
			for (; k < end && p[k] >= '0' && p[k] <= '9' && digits < 18; k++, digits++)
				v = v * 10 + (p[k] - '0');
			while (k < end && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (!digits || k != end)
				return -1;
			len = v;
		}
		i = e + 1;
	}
	return len;
}

/* Drops `n` bytes of input, reading them if needed: the body of a
 * refused frame, never held whole. */
static void skip_input(server *s, long long n)
{
	while (n > 0) {
		if (!s->inlen && !fill(s))
			return;
		size_t k = (size_t)n < s->inlen ? (size_t)n : s->inlen;
		consume(s, k);
		n -= (long long)k;
	}
}

/* Reads one frame: *body (malloc'd, NUL-terminated) and *len on FRAME_OK. */
static int read_frame(server *s, char **body, size_t *len)
{
	size_t he;
	while (!(he = header_end(s->in, s->inlen))) {
		if (s->inlen > MAX_HEADER) {
			consume(s, s->inlen);
			return FRAME_BAD;
		}
		if (!fill(s))
			return FRAME_EOF;
	}
	/* leading blank lines between frames are not a header */
	long long n = content_length(s->in, he);
	consume(s, he);
	if (n < 0)
		return FRAME_BAD;
	if ((unsigned long long)n > MAX_BODY) {
		skip_input(s, n);
		return FRAME_TOO_BIG;
	}
	while (s->inlen < (size_t)n)
		if (!fill(s))
			return FRAME_EOF;
	char *b = malloc((size_t)n + 1);
	if (!b) {
		consume(s, (size_t)n);
		return FRAME_TOO_BIG;
	}
	memcpy(b, s->in, (size_t)n);
	b[n] = '\0';
	consume(s, (size_t)n);
	*body = b;
	*len = (size_t)n;
	return FRAME_OK;
}

/* --- documents and positions ---------------------------------------------------- */

static void index_lines(lsp_doc *d)
{
	d->nlines = 0;
	for (size_t i = 0; i <= d->len; i++) {
		if (i != 0 && d->text[i - 1] != '\n')
			continue;
		if (d->nlines == d->lcap) {
			uint32_t cap = d->lcap ? d->lcap * 2 : 256;
			uint32_t *p = realloc(d->lines, cap * sizeof *p);
			if (!p)
				return;   /* fewer lines known: positions clamp */
			d->lines = p;
			d->lcap = cap;
		}
		d->lines[d->nlines++] = (uint32_t)i;
	}
}

static size_t line_end(const lsp_doc *d, uint32_t line)
{
	size_t e = line + 1 < d->nlines ? d->lines[line + 1] : d->len;
	if (e > d->lines[line] && d->text[e - 1] == '\n')
		e--;
	if (e > d->lines[line] && d->text[e - 1] == '\r')
		e--;
	return e;
}

/* Bytes of the UTF-8 sequence that starts with `b` (1 for a stray byte). */
static size_t seq_len(unsigned char b)
{
	return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

size_t lsp_offset(const lsp_doc *d, uint32_t line, uint32_t u16)
{
	if (!d->nlines)
		return 0;
	if (line >= d->nlines)
		return d->len;
	size_t i = d->lines[line], e = line_end(d, line);
	uint32_t u = 0;
	while (i < e && u < u16) {
		size_t k = seq_len((unsigned char)d->text[i]);
		u += k == 4 ? 2 : 1;
		i += k;
	}
	return i < e ? i : e;
}

static uint32_t line_of(const lsp_doc *d, size_t off)
{
	uint32_t lo = 0, hi = d->nlines;   /* last line start <= off */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (d->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void lsp_position(const lsp_doc *d, size_t off, uint32_t *line, uint32_t *u16)
{
	*line = *u16 = 0;
	if (!d->nlines)
		return;
	if (off > d->len)
		off = d->len;
	*line = line_of(d, off);
	uint32_t u = 0;
	for (size_t i = d->lines[*line]; i < off; ) {
		size_t k = seq_len((unsigned char)d->text[i]);
		u += k == 4 ? 2 : 1;
		i += k;
	}
	*u16 = u;
}

size_t lsp_loc_offset(const lsp_doc *d, uint32_t line, uint32_t col)
{
	if (!d->nlines || line == 0)
		return 0;
	if (line > d->nlines)
		return d->len;
	size_t i = d->lines[line - 1], e = line_end(d, line - 1);
	for (uint32_t c = 1; c < col && i < e; c++)
		i += seq_len((unsigned char)d->text[i]);
	return i < e ? i : e;
}

static json_t *position_json(const lsp_doc *d, size_t off)
{
	uint32_t line, ch;
	lsp_position(d, off, &line, &ch);
	return json_pack("{s:I, s:I}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

json_t *lsp_range(const lsp_doc *d, size_t a, size_t b)
{
	return json_pack("{s:o, s:o}", "start", position_json(d, a), "end", position_json(d, b));
}

static bool get_uint(json_t *o, const char *key, uint32_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX)
		return false;
	*out = (uint32_t)json_integer_value(v);
	return true;
}

bool lsp_get_position(const lsp_doc *d, json_t *pos, size_t *off)
{
	uint32_t line, ch;
	if (!json_is_object(pos) || !get_uint(pos, "line", &line) ||
	    !get_uint(pos, "character", &ch))
		return false;
	*off = lsp_offset(d, line, ch);
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* "file:///a/b%20c.pmap" → "/a/b c.pmap"; NULL for another scheme. */
static char *uri_path(const char *uri)
{
	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	const char *p = uri + 7;
	if (*p != '/')                      /* file://host/...: the host is ours */
		p = strchr(p, '/');
	if (!p)
		return NULL;
	char *out = malloc(strlen(p) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0 &&
		    (hi || lo)) {
			*o++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static lsp_doc *find_doc(server *s, const char *uri)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (strcmp(s->docs[i]->uri, uri) == 0)
			return s->docs[i];
	return NULL;
}

static void doc_reset_analysis(lsp_doc *d)
{
	pm_model_free(d->model);
	d->model = NULL;
	lsp_index_free(d->ix);
	d->ix = NULL;
}

static void doc_free(lsp_doc *d)
{
	if (!d)
		return;
	doc_reset_analysis(d);
	free(d->uri);
	free(d->path);
	free(d->text);
	free(d->lines);
	free(d);
}

/* Replaces bytes [a, b) of the text with `rep`; false when out of memory. */
static bool doc_splice(lsp_doc *d, size_t a, size_t b, const char *rep, size_t n)
{
	size_t len = d->len - (b - a) + n;
	if (len > MAX_BODY)
		return false;
	if (len + 1 > d->cap) {
		size_t cap = len + 1 + len / 2;
		char *p = realloc(d->text, cap);
		if (!p)
			return false;
		d->text = p;
		d->cap = cap;
	}
	memmove(d->text + a + n, d->text + b, d->len - b + 1);
	memcpy(d->text + a, rep, n);
	d->len = len;
	return true;
}

static void doc_changed(lsp_doc *d)
{
	index_lines(d);
	doc_reset_analysis(d);
	d->dirty = true;
	d->published = false;
}

static pm_input_format format_of(const char *path, const char *lang)
{
	size_t n = strlen(path);
	if ((lang && strcmp(lang, "yaml") == 0) ||
	    (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0))
		return PM_INPUT_YAML;
	return PM_INPUT_PMAP;
}

/* --- analysis and diagnostics ------------------------------------------------- */

/* Whether two paths name one file (the same text when either is missing:
 * a new document). */
static bool same_file(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	bool same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;
	free(ra);
	free(rb);
	return same;
}

/* Loads the files of a `model:` that holds the document, each from its
 * open document when there is one, else from disk; false when the
 * document is not one of them. */
static bool load_model_files(pm_model *m, lsp_doc *d, char **files, size_t n)
{
	size_t k = 0;
	while (k < n && !same_file(files[k], d->path))
		k++;
	if (k == n)
		return false;
	for (size_t i = 0; i < n; i++) {
		lsp_doc *o = i == k ? d : NULL;
		for (size_t j = 0; !o && j < d->srv->ndocs; j++)
			if (d->srv->docs[j]->is_file && same_file(files[i], d->srv->docs[j]->path))
				o = d->srv->docs[j];
		if (o && i == k)
			d->file_ix = m->files.n;
		if (o)
			pm_model_load_buffer(m, o->path, o->text, o->len, o->format);
		else
			pm_model_load_file(m, files[i], PM_INPUT_AUTO);
	}
	d->nfiles = (uint32_t)n;
	return true;
}

/* As `check` does: load (the files of the configuration's `model:` when
 * the document is one of them), resolve, the .procmap.yaml found from the
 * document's folder upwards, analyse. */
static pm_model *analyse(lsp_doc *d)
{
	pm_model *m = pm_model_new();
	if (!m)
		return NULL;
	char *cfg = d->is_file ? pm_config_find(d->path) : NULL;
	char **files = NULL;
	size_t n = 0;
	if (cfg && pm_config_model_files(cfg, &files, &n) == PM_ERR_NOMEM)
		n = 0;
	d->file_ix = 0;
	d->nfiles = 1;
	if (!load_model_files(m, d, files, n))
		pm_model_load_buffer(m, d->path, d->text, d->len, d->format);
	pm_config_model_files_free(files, n);
	pm_status st = m->broken ? PM_ERR_NOMEM : pm_model_resolve(m);
	if (cfg && st != PM_ERR_NOMEM)
		st = pm_model_load_config(m, cfg);
	free(cfg);
	if (st != PM_ERR_NOMEM)
		st = pm_model_analyze(m);
	if (st == PM_ERR_NOMEM) {
		pm_model_free(m);
		return NULL;
	}
	return m;
}

pm_model *lsp_doc_model(lsp_doc *d)
{
	if (d->model && !d->dirty)
		return d->model;
	doc_reset_analysis(d);
	d->model = analyse(d);
	d->dirty = false;
	return d->model;
}

static int severity_code(pm_severity sev)
{
	return sev == PM_SEV_ERROR ? 1 : sev == PM_SEV_WARNING ? 2 : 3;
}

/* The end of a diagnostic's range: the word (id, value) at `a`, or one
 * character. */
static size_t word_end(const lsp_doc *d, size_t a)
{
	size_t e = a;
	while (e < d->len && (d->text[e] == '_' || d->text[e] == '-' || d->text[e] == '.' ||
	                      (d->text[e] >= '0' && d->text[e] <= '9') ||
	                      ((d->text[e] | 0x20) >= 'a' && (d->text[e] | 0x20) <= 'z')))
		e++;
	if (e > a && d->text[e - 1] == '.')
		e--;
	if (e == a && a < d->len && d->text[a] != '\n' && d->text[a] != '\r')
		e = a + seq_len((unsigned char)d->text[a]);
	return e > d->len ? d->len : e;
}

static json_t *diag_json(lsp_doc *d, const pm_diag *g)
{
	size_t a = 0, b = 0;
	const char *msg = g->message;
	char *own = NULL;
	if (g->file && strcmp(g->file, d->path) == 0) {
		a = lsp_loc_offset(d, g->line, g->column);
		b = word_end(d, a);
	} else if (g->file) {   /* the configuration: said at the top */
		size_t n = strlen(g->file) + strlen(g->message) + 48;
		own = malloc(n);
		if (own) {
			snprintf(own, n, "%s:%u:%u: %s", g->file, g->line, g->column, g->message);
			msg = own;
		}
	}
	json_t *j = json_pack("{s:o, s:i, s:s, s:s, s:s}", "range", lsp_range(d, a, b),
	                      "severity", severity_code(g->severity), "code", g->rule,
	                      "source", "procmap", "message", msg);
	free(own);
	json_t *rel = json_array();
	for (size_t i = 0; j && rel && i < g->nrelated; i++) {
		json_t *loc = lsp_locate(d, g->related[i]);
		if (loc)
			json_array_append_new(rel, json_pack("{s:o, s:s}", "location", loc,
			                                     "message", g->related[i]));
	}
	if (j && rel && json_array_size(rel))
		json_object_set(j, "relatedInformation", rel);
	json_decref(rel);
	return j;
}

static void publish(server *s, lsp_doc *d)
{
	pm_model *m = lsp_doc_model(d);
	json_t *arr = json_array();
	size_t n = m ? pm_model_diag_count(m) : 0;
	for (size_t i = 0; arr && i < n; i++) {
		const pm_diag *g = pm_model_diag(m, i);
		if (g->suppressed || g->severity == PM_SEV_OFF)
			continue;
		json_array_append_new(arr, diag_json(d, g));
	}
	if (!m && arr)
		json_array_append_new(arr, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}}, s:i, s:s, s:s}",
		        "range", "start", "line", 0, "character", 0, "end", "line", 0,
		        "character", 0, "severity", 1, "source", "procmap",
		        "message", "out of memory: the document was not analysed"));
	notify(s, "textDocument/publishDiagnostics",
	       json_pack("{s:s, s:o}", "uri", d->uri, "diagnostics", arr ? arr : json_array()));
	d->published = true;
}

static void publish_pending(server *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (!s->docs[i]->published)
			publish(s, s->docs[i]);
}

static bool any_pending(const server *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (!s->docs[i]->published)
			return true;
	return false;
}

/* --- notifications ------------------------------------------------------------- */

static const char *text_document_uri(json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	return json_string_value(json_object_get(td, "uri"));
}

/* A document changed or opened: the documents that are files of a
 * `model:` may read it, so they are analysed again. */
static void touch_models(server *s, const lsp_doc *d)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (s->docs[i]->nfiles > 1 && s->docs[i] != d) {
			doc_reset_analysis(s->docs[i]);
			s->docs[i]->dirty = true;
			s->docs[i]->published = false;
		}
}

static void did_open(server *s, json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	const char *uri = json_string_value(json_object_get(td, "uri"));
	json_t *text = json_object_get(td, "text");
	if (!uri || !json_is_string(text))
		return;
	lsp_doc *d = find_doc(s, uri);
	if (!d) {
		if (s->ndocs >= MAX_DOCS)
			return;
		lsp_doc **v = realloc(s->docs, (s->ndocs + 1) * sizeof *v);
		if (!v)
			return;
		s->docs = v;
		d = calloc(1, sizeof *d);
		if (!d)
			return;
		d->srv = s;
		d->uri = strdup(uri);
		d->path = uri_path(uri);
		d->is_file = d->path != NULL;
		if (!d->path)
			d->path = strdup(uri);
		if (!d->uri || !d->path) {
			doc_free(d);
			return;
		}
		s->docs[s->ndocs++] = d;
	}
	d->format = format_of(d->path, json_string_value(json_object_get(td, "languageId")));
	d->len = 0;
	if (!d->text) {
		d->text = malloc(1);
		d->cap = d->text ? 1 : 0;
		if (d->text)
			d->text[0] = '\0';
	}
	if (d->text)
		doc_splice(d, 0, 0, json_string_value(text), json_string_length(text));
	doc_changed(d);
	touch_models(s, d);
}

static void apply_change(lsp_doc *d, json_t *ch)
{
	json_t *text = json_object_get(ch, "text");
	if (!json_is_string(text))
		return;
	json_t *range = json_object_get(ch, "range");
	size_t a = 0, b = d->len;
	if (range && (!lsp_get_position(d, json_object_get(range, "start"), &a) ||
	              !lsp_get_position(d, json_object_get(range, "end"), &b)))
		return;
	if (b < a)
		b = a;
	doc_splice(d, a, b, json_string_value(text), json_string_length(text));
	index_lines(d);   /* the next change's positions are in the new text */
}

static void did_change(server *s, json_t *params)
{
	const char *uri = text_document_uri(params);
	lsp_doc *d = uri ? find_doc(s, uri) : NULL;
	json_t *changes = json_object_get(params, "contentChanges");
	if (!d || !json_is_array(changes))
		return;
	size_t i;
	json_t *ch;
	json_array_foreach(changes, i, ch)
		apply_change(d, ch);
	doc_changed(d);
	touch_models(s, d);
}

static void did_close(server *s, json_t *params)
{
	const char *uri = text_document_uri(params);
	for (size_t i = 0; uri && i < s->ndocs; i++) {
		if (strcmp(s->docs[i]->uri, uri) != 0)
			continue;
		notify(s, "textDocument/publishDiagnostics",
		       json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
		doc_free(s->docs[i]);
		s->docs[i] = s->docs[--s->ndocs];
		return;
	}
}

/* A watched file changed (the client watches .procmap.yaml): the
 * configuration of any document may have. */
static void reanalyse_all(server *s)
{
	for (size_t i = 0; i < s->ndocs; i++) {
		doc_reset_analysis(s->docs[i]);
		s->docs[i]->dirty = true;
		s->docs[i]->published = false;
	}
}

/* Saving changes nothing the server has not seen, but a .procmap.yaml
 * saved beside the documents changes their findings. */
static void did_save(server *s, json_t *params)
{
	const char *uri = text_document_uri(params);
	size_t n = uri ? strlen(uri) : 0;
	bool config = n >= 13 && strcmp(uri + n - 13, ".procmap.yaml") == 0;
	for (size_t i = 0; i < s->ndocs; i++) {
		lsp_doc *d = s->docs[i];
		if (config || strcmp(d->uri, uri ? uri : "") == 0) {
			doc_reset_analysis(d);
			d->dirty = true;
			d->published = false;
		}
	}
}

/* --- requests ------------------------------------------------------------------ */

static json_t *capabilities(void)
{
	return json_pack("{s:s, s:{s:b, s:i, s:{s:b}}, s:b, s:b, s:b, s:{s:b}, s:b,"
	                 " s:{s:[s,s,s,s], s:b}, s:b, s:{s:[s]}, s:b}",
	                 "positionEncoding", "utf-16",
	                 "textDocumentSync", "openClose", 1, "change", 2,
	                 "save", "includeText", 0,
	                 "hoverProvider", 1, "definitionProvider", 1, "referencesProvider", 1,
	                 "renameProvider", "prepareProvider", 1,
	                 "documentSymbolProvider", 1,
	                 "completionProvider", "triggerCharacters", ":", ">", " ", ",",
	                 "resolveProvider", 0,
	                 "documentFormattingProvider", 1,
	                 "codeActionProvider", "codeActionKinds", "quickfix",
	                 "foldingRangeProvider", 1);
}

static const struct {
	const char *method;
	lsp_feature *fn;
} features[] = {
	{ "textDocument/hover", lsp_hover },
	{ "textDocument/definition", lsp_definition },
	{ "textDocument/references", lsp_references },
	{ "textDocument/prepareRename", lsp_prepare_rename },
	{ "textDocument/rename", lsp_rename },
	{ "textDocument/documentSymbol", lsp_symbols },
	{ "textDocument/completion", lsp_completion },
	{ "textDocument/formatting", lsp_formatting },
	{ "textDocument/codeAction", lsp_code_action },
	{ "textDocument/foldingRange", lsp_folding },
};

static void request(server *s, const char *method, json_t *id, json_t *params)
{
	if (strcmp(method, "initialize") == 0) {
		if (s->initialized) {
			reply_error(s, id, LSP_INVALID_REQUEST, "initialize was already received");
			return;
		}
		s->initialized = true;
		reply(s, id, json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities(),
		                       "serverInfo", "name", "procmap", "version", pm_version()));
		return;
	}
	if (!s->initialized) {
		reply_error(s, id, LSP_NOT_INITIALIZED, "the server is not initialized");
		return;
	}
	if (s->shutdown) {
		reply_error(s, id, LSP_INVALID_REQUEST, "the server is shutting down");
		return;
	}
	if (strcmp(method, "shutdown") == 0) {
		s->shutdown = true;
		reply(s, id, json_null());
		return;
	}
	for (size_t i = 0; i < sizeof features / sizeof *features; i++) {
		if (strcmp(method, features[i].method) != 0)
			continue;
		const char *uri = text_document_uri(params);
		lsp_doc *d = uri ? find_doc(s, uri) : NULL;
		if (!json_is_object(params) || !uri) {
			reply_error(s, id, LSP_INVALID_PARAMS, "params.textDocument.uri is missing");
			return;
		}
		if (!d) {
			reply(s, id, json_null());   /* not open: nothing known */
			return;
		}
		lsp_err err = { 0 };
		json_t *res = features[i].fn(d, params, &err);
		if (err.code)
			reply_error(s, id, err.code, err.msg);
		else
			reply(s, id, res);
		return;
	}
	reply_error(s, id, LSP_METHOD_NOT_FOUND, "unknown method");
}

static void notification(server *s, const char *method, json_t *params)
{
	if (strcmp(method, "exit") == 0) {
		s->exited = true;
		s->exit_code = s->shutdown ? 0 : 1;
		return;
	}
	if (!s->initialized || s->shutdown)
		return;
	if (strcmp(method, "textDocument/didOpen") == 0)
		did_open(s, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		did_change(s, params);
	else if (strcmp(method, "textDocument/didClose") == 0)
		did_close(s, params);
	else if (strcmp(method, "textDocument/didSave") == 0)
		did_save(s, params);
	else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0)
		reanalyse_all(s);
	/* initialized, $/cancelRequest, $/setTrace, unknown ones: nothing to do */
}

static void handle(server *s, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *msg = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
	if (!msg) {
		char text[300];
		snprintf(text, sizeof text, "invalid JSON: %s", jerr.text);
		reply_error(s, NULL, LSP_PARSE_ERROR, text);
		return;
	}
	json_t *id = json_object_get(msg, "id");
	json_t *method = json_object_get(msg, "method");
	json_t *params = json_object_get(msg, "params");
	bool id_ok = !id || json_is_string(id) || json_is_integer(id);
	if (!json_is_object(msg) || !json_is_string(method) || !id_ok ||
	    !json_string_value(json_object_get(msg, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") != 0) {
		if (!json_object_get(msg, "method") && json_object_get(msg, "result"))
			;   /* a response to nothing we asked: ignored */
		else
			reply_error(s, id_ok ? id : NULL, LSP_INVALID_REQUEST, "not a JSON-RPC 2.0 message");
	} else if (id) {
		request(s, json_string_value(method), id, params);
	} else {
		notification(s, json_string_value(method), params);
	}
	json_decref(msg);
}

/* --- the loop ---------------------------------------------------------------------- */

int lsp_serve(int in_fd, int out_fd)
{
	server s = { .in_fd = in_fd, .out_fd = out_fd, .exit_code = 1 };
	while (!s.exited && !s.eof) {
		/* debounce: analyse once no message has come for DEBOUNCE_MS */
		if (any_pending(&s) && !input_ready(&s, DEBOUNCE_MS)) {
			publish_pending(&s);
			continue;
		}
		char *body;
		size_t len;
		int r = read_frame(&s, &body, &len);
		if (r == FRAME_EOF)
			break;
		if (r == FRAME_BAD)
			reply_error(&s, NULL, LSP_PARSE_ERROR, "bad frame header: no valid Content-Length");
		else if (r == FRAME_TOO_BIG)
			reply_error(&s, NULL, LSP_INVALID_REQUEST, "message too large (64 MiB at most)");
		else {
			handle(&s, body, len);
			free(body);
		}
	}
	for (size_t i = 0; i < s.ndocs; i++)
		doc_free(s.docs[i]);
	free(s.docs);
	free(s.in);
	return s.exited ? s.exit_code : s.shutdown ? 0 : 1;
}

static const char lsp_usage[] =
	"usage: procmap lsp [--stdio]\n\n"
	"Run the procmap language server: LSP 3.17, JSON-RPC over standard input\n"
	"and output, for editors (docs/editors.md).  Diagnostics are those of\n"
	"'procmap check' with the .procmap.yaml found from each document's folder.\n\n"
	"Options:\n"
	"      --stdio   talk over standard input and output (the default)\n"
	"  -h, --help    show this help\n\n"
	"Exit status: 0 after shutdown and exit, 1 when the client left without\n"
	"shutdown, 2 usage error.\n";

int cmd_lsp(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(lsp_usage, stdout);
			return PM_EXIT_OK;
		}
		if (strcmp(argv[i], "--stdio") != 0)
			return cli_usage("lsp", "unknown option '%s'", argv[i]);
	}
	signal(SIGPIPE, SIG_IGN);   /* a client gone is the end of its input */
	return lsp_serve(STDIN_FILENO, STDOUT_FILENO);
}
