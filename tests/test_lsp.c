/* test_lsp.c — `procmap lsp` spoken to over pipes, frame by frame: the
 * framing and its errors, the lifecycle and exit codes, diagnostics,
 * incremental changes in UTF-16, hover, definition, references, rename,
 * symbols, completion and formatting.  The Neovim session at the end
 * drives the server from a real client (tests/nvim/lsp_test.lua). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define WAIT_MS 10000

typedef struct client {
	pid_t pid;
	int to, from;           /* its standard input, its standard output */
	char buf[1 << 16];
	size_t n;
	json_t *diags;          /* the last publishDiagnostics params */
} client;

static client *start(void)
{
	int in[2], out[2];
	cr_assert(pipe(in) == 0 && pipe(out) == 0);
	signal(SIGPIPE, SIG_IGN);
	client *c = calloc(1, sizeof *c);
	c->pid = fork();
	cr_assert(c->pid >= 0);
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(t_bin(), t_bin(), "lsp", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to = in[1];
	c->from = out[0];
	return c;
}

static void send_raw(client *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(c->to, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		cr_assert(w > 0, "the server stopped reading");
		p += w;
		n -= (size_t)w;
	}
}

static void send_body(client *c, const char *body)
{
	char head[64];
	snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
	send_raw(c, head, strlen(head));
	send_raw(c, body, strlen(body));
}

static void send_json(client *c, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	send_body(c, s);
	free(s);
}

/* Reads more bytes within WAIT_MS; false at the end or on a timeout. */
static bool more(client *c)
{
	struct pollfd p = { .fd = c->from, .events = POLLIN };
	if (poll(&p, 1, WAIT_MS) <= 0)
		return false;
	ssize_t r = read(c->from, c->buf + c->n, sizeof c->buf - c->n);
	if (r <= 0)
		return false;
	c->n += (size_t)r;
	return true;
}

static char *find_blank_line(char *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, "\r\n\r\n", 4) == 0)
			return p + i;
	return NULL;
}

/* The next message (notifications included), or NULL. */
static json_t *recv_msg(client *c)
{
	char *he;
	while (!(c->n && (he = find_blank_line(c->buf, c->n))))
		if (!more(c))
			return NULL;
	size_t hlen = (size_t)(he - c->buf) + 4;
	size_t len = strtoul(c->buf + strlen("Content-Length: "), NULL, 10);
	cr_assert(strncmp(c->buf, "Content-Length: ", 16) == 0);
	cr_assert(hlen + len <= sizeof c->buf, "answer too long for the test");
	while (c->n < hlen + len)
		if (!more(c))
			return NULL;
	json_error_t e;
	json_t *j = json_loadb(c->buf + hlen, len, 0, &e);
	cr_assert(j, "the server sent invalid JSON: %s", e.text);
	memmove(c->buf, c->buf + hlen + len, c->n - hlen - len);
	c->n -= hlen + len;
	return j;
}

/* Keeps the diagnostics; true when msg was such a notification. */
static bool keep_diags(client *c, json_t *msg)
{
	const char *m = json_string_value(json_object_get(msg, "method"));
	if (!m || strcmp(m, "textDocument/publishDiagnostics") != 0)
		return false;
	json_decref(c->diags);
	c->diags = json_incref(json_object_get(msg, "params"));
	json_decref(msg);
	return true;
}

/* The answer to request `id` (notifications on the way are kept). */
static json_t *answer(client *c, int id)
{
	for (;;) {
		json_t *msg = recv_msg(c);
		cr_assert(msg, "no answer to request %d", id);
		if (keep_diags(c, msg))
			continue;
		if (json_integer_value(json_object_get(msg, "id")) == id ||
		    (id < 0 && json_is_null(json_object_get(msg, "id"))))
			return msg;
		json_decref(msg);
	}
}

static json_t *request(client *c, int id, const char *method, json_t *params)
{
	send_json(c, json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", id,
	                       "method", method, "params", params ? params : json_object()));
	return answer(c, id);
}

static void notify(client *c, const char *method, json_t *params)
{
	send_json(c, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method,
	                       "params", params));
}

/* The next diagnostics published. */
static json_t *next_diags(client *c)
{
	for (;;) {
		json_t *msg = recv_msg(c);
		cr_assert(msg, "no diagnostics were published");
		if (keep_diags(c, msg))
			return c->diags;
		json_decref(msg);
	}
}

static void initialize(client *c)
{
	json_t *r = request(c, 1, "initialize", json_pack("{s:{}}", "capabilities"));
	cr_assert(json_is_object(json_object_get(r, "result")));
	json_decref(r);
	notify(c, "initialized", json_object());
}

/* Ends the session; returns the exit status. */
static int finish(client *c, bool shutdown)
{
	if (shutdown) {
		json_t *r = request(c, 99, "shutdown", NULL);
		cr_expect(json_is_null(json_object_get(r, "result")));
		json_decref(r);
		notify(c, "exit", json_object());
	}
	close(c->to);
	int st;
	cr_assert(waitpid(c->pid, &st, 0) == c->pid);
	close(c->from);
	json_decref(c->diags);
	free(c);
	cr_assert(WIFEXITED(st), "the server died of signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

#define URI "file:///tmp/procmap-lsp-test/model.pmap"

static void open_doc(client *c, const char *text)
{
	notify(c, "textDocument/didOpen",
	       json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", URI,
	                 "languageId", "pmap", "version", 1, "text", text));
}

static json_t *at(int line, int ch)
{
	return json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", URI,
	                 "position", "line", line, "character", ch);
}

static json_t *doc_params(void)
{
	return json_pack("{s:{s:s}}", "textDocument", "uri", URI);
}

/* "L:C-L:C" of a range. */
static char *range_str(json_t *r, char *buf, size_t n)
{
	json_t *s = json_object_get(r, "start"), *e = json_object_get(r, "end");
	snprintf(buf, n, "%d:%d-%d:%d", (int)json_integer_value(json_object_get(s, "line")),
	         (int)json_integer_value(json_object_get(s, "character")),
	         (int)json_integer_value(json_object_get(e, "line")),
	         (int)json_integer_value(json_object_get(e, "character")));
	return buf;
}

/* One line a diagnostic: "range severity code message". */
static char *diags_str(json_t *params)
{
	static char out[8192];
	size_t o = 0, i;
	json_t *d;
	out[0] = '\0';
	json_array_foreach(json_object_get(params, "diagnostics"), i, d) {
		char r[64];
		o += (size_t)snprintf(out + o, sizeof out - o, "%s %d %s %s\n",
		        range_str(json_object_get(d, "range"), r, sizeof r),
		        (int)json_integer_value(json_object_get(d, "severity")),
		        json_string_value(json_object_get(d, "code")),
		        json_string_value(json_object_get(d, "message")));
	}
	return out;
}

static const char model[] =
	"person ann \"Ann\" { capacity: 40h/week }\n"
	"person bob \"Bob\" { capacity: 10h/week }\n"
	"tool sheet \"Spreadsheet\"\n"
	"system sales \"Sales\" {\n"
	"  owner: ann\n"
	"  process order \"Take an order\" {\n"
	"    runs: 5/week; trigger: \"call\"\n"
	"    step take \"Take it\" { takes: 10m; uses: sheet }\n"
	"    step ship \"Ship it\" { owner: bob; takes: 1h }\n"
	"    take -> ship\n"
	"  }\n"
	"}\n";

/* --- framing and lifecycle --------------------------------------------------------- */

Test(lsp, lifecycle_and_exit_codes)
{
	client *c = start();
	json_t *r = request(c, 1, "initialize", json_object());
	json_t *caps = json_object_get(json_object_get(r, "result"), "capabilities");
	cr_expect(json_is_true(json_object_get(caps, "hoverProvider")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(caps,
	             "textDocumentSync"), "change")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(caps, "positionEncoding")), "utf-16");
	json_decref(r);
	cr_expect_eq(finish(c, true), 0);

	c = start();   /* exit without shutdown */
	initialize(c);
	notify(c, "exit", json_object());
	cr_expect_eq(finish(c, false), 1);

	c = start();   /* the client vanishes */
	initialize(c);
	cr_expect_eq(finish(c, false), 1);
}

Test(lsp, malformed_input_gets_errors_not_crashes)
{
	client *c = start();
	json_t *r = request(c, 5, "textDocument/hover", json_object());
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
	             -32002, "a request before initialize");
	json_decref(r);
	initialize(c);
	static const struct { const char *raw; int code; } bad[] = {
		{ "Content-Length: 9\r\n\r\n{bad json", -32700 },
		{ "Content-Type: x\r\n\r\n", -32700 },
		{ "Content-Length: 12x\r\n\r\n", -32700 },
		{ "Content-Length: 5\r\n\r\n[1,2]", -32600 },
		{ "Content-Length: 2\r\n\r\n42", -32600 },
		{ "Content-Length: 30\r\n\r\n{\"jsonrpc\":\"1.0\",\"method\":\"x\"}", -32600 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		send_raw(c, bad[i].raw, strlen(bad[i].raw));
		r = answer(c, -1);
		cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
		             bad[i].code, "frame %zu", i);
		json_decref(r);
	}
	r = request(c, 6, "no/such/method", NULL);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
	             -32601);
	json_decref(r);
	r = request(c, 7, "textDocument/hover", json_pack("{s:i}", "textDocument", 3));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
	             -32602, "wrong types");
	json_decref(r);
	notify(c, "textDocument/didOpen", json_pack("{s:{s:i}}", "textDocument", "uri", 5));
	notify(c, "textDocument/didChange", json_pack("{s:[]}", "contentChanges"));
	r = request(c, 8, "textDocument/definition", at(0, 0));   /* not open */
	cr_expect(json_is_null(json_object_get(r, "result")));
	json_decref(r);
	/* still answering; then a frame too large to take is refused */
	const char *huge = "Content-Length: 104857600\r\n\r\n";
	send_raw(c, huge, strlen(huge));
	send_raw(c, "xxxx", 4);
	close(c->to);   /* the body never comes: the server ends cleanly */
	c->to = open("/dev/null", O_WRONLY);
	r = answer(c, -1);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
	             -32600);
	json_decref(r);
	cr_expect_eq(finish(c, false), 1);
}

/* --- diagnostics ------------------------------------------------------------------- */

Test(lsp, diagnostics_of_a_model_with_an_error)
{
	client *c = start();
	initialize(c);
	open_doc(c, "person ann \"Ann\"\n"
	            "system s \"S\" {\n"
	            "  owner: anne\n"
	            "  process p \"P\" { step a \"A\" { takes: 1h } }\n"
	            "}\n");
	cr_expect_str_eq(diags_str(next_diags(c)),
	        "2:9-2:13 1 unknown-reference unknown person 'anne'; did you mean 'ann'?\n");
	/* its quick fix: the suggestion in place of the range */
	json_t *diag = json_array_get(json_object_get(c->diags, "diagnostics"), 0);
	json_t *r = request(c, 2, "textDocument/codeAction",
	                    json_pack("{s:{s:s}, s:O, s:{s:[O]}}", "textDocument", "uri", URI,
	                              "range", json_object_get(diag, "range"), "context",
	                              "diagnostics", diag));
	json_t *act = json_array_get(json_object_get(r, "result"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(act, "title")), "Replace with 'ann'");
	json_t *e = json_array_get(json_object_get(json_object_get(json_object_get(act, "edit"),
	                           "changes"), URI), 0);
	char buf[64];
	cr_expect_str_eq(json_string_value(json_object_get(e, "newText")), "ann");
	cr_expect_str_eq(range_str(json_object_get(e, "range"), buf, sizeof buf), "2:9-2:13");
	json_decref(r);
	finish(c, true);
}

/* --- the features -------------------------------------------------------------- */

static client *with_model(void)
{
	client *c = start();
	initialize(c);
	open_doc(c, model);
	next_diags(c);
	return c;
}

static const char *hover_text(json_t *r)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(r, "result"),
	                         "contents"), "value"));
}

static void change(client *c, int l1, int c1, int l2, int c2, const char *text)
{
	notify(c, "textDocument/didChange",
	       json_pack("{s:{s:s, s:i}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}",
	                 "textDocument", "uri", URI, "version", 2, "contentChanges",
	                 "range", "start", "line", l1, "character", c1,
	                 "end", "line", l2, "character", c2, "text", text));
}

Test(lsp, hover_definition_references)
{
	client *c = with_model();
	json_t *r = request(c, 2, "textDocument/hover", at(7, 10));   /* step take */
	cr_expect_str_eq(hover_text(r),
	        "**step** `sales.order.take` — Take it\n\n"
	        "owner: `ann` (Ann), inherited from system `sales`\n\n"
	        "takes 10m\n\nuses: `sheet`\n\nexpected visits per run: 1.00\n\n");
	json_decref(r);
	r = request(c, 3, "textDocument/hover", at(1, 8));   /* person bob */
	cr_expect(strstr(hover_text(r), "load: 5.0h/week ÷ capacity 10.0h/week = 50%"),
	          "%s", hover_text(r));
	json_decref(r);
	r = request(c, 4, "textDocument/hover", at(5, 12));   /* process order */
	cr_expect(strstr(hover_text(r), "expected lead time: 1h10m"), "%s", hover_text(r));
	cr_expect(strstr(hover_text(r), "runs: 5/week"), "%s", hover_text(r));
	json_decref(r);
	char buf[64];
	r = request(c, 5, "textDocument/definition", at(9, 13));   /* take -> s|hip */
	json_t *res = json_object_get(r, "result");
	cr_expect_str_eq(json_string_value(json_object_get(res, "uri")), URI);
	cr_expect_str_eq(range_str(json_object_get(res, "range"), buf, sizeof buf), "8:9-8:13");
	json_decref(r);
	json_t *p = at(4, 10);   /* owner: ann */
	json_object_set_new(p, "context", json_pack("{s:b}", "includeDeclaration", 1));
	r = request(c, 6, "textDocument/references", p);
	cr_expect_eq(json_array_size(json_object_get(r, "result")), 2);
	json_decref(r);
	r = request(c, 7, "textDocument/hover", at(3, 2));   /* the keyword: nothing */
	cr_expect(json_is_null(json_object_get(r, "result")));
	json_decref(r);
	change(c, 6, 33, 6, 33, "; ignore: missing-rate \"x\"");
	r = request(c, 8, "textDocument/hover", at(6, 45));   /* a rule id */
	cr_expect(strstr(hover_text(r), "**rule** `missing-rate` (info by default)"), "%s",
	          hover_text(r));
	json_decref(r);
	cr_expect_eq(finish(c, true), 0);
}

Test(lsp, rename_edits_and_refusals)
{
	client *c = with_model();
	json_t *r = request(c, 2, "textDocument/prepareRename", at(9, 5));
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(r, "result"),
	                 "placeholder")), "take");
	json_decref(r);
	json_t *p = at(9, 5);
	json_object_set_new(p, "newName", json_string("receive"));
	r = request(c, 3, "textDocument/rename", p);
	json_t *edits = json_object_get(json_object_get(json_object_get(r, "result"), "changes"), URI);
	char got[256] = "", buf[64];
	size_t i;
	json_t *e;
	json_array_foreach(edits, i, e) {
		strcat(got, range_str(json_object_get(e, "range"), buf, sizeof buf));
		strcat(got, json_string_value(json_object_get(e, "newText")));
		strcat(got, " ");
	}
	cr_expect_str_eq(got, "7:9-7:13receive 9:4-9:8receive ");
	json_decref(r);
	static const char *const refused[] = { "ship", "9lives", "a.b", "x->y", "" };
	for (size_t k = 0; k < sizeof refused / sizeof *refused; k++) {
		p = at(9, 5);
		json_object_set_new(p, "newName", json_string(refused[k]));
		r = request(c, 4, "textDocument/rename", p);
		cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
		             -32803, "renaming to '%s'", refused[k]);
		json_decref(r);
	}
	cr_expect_eq(finish(c, true), 0);
}

/* The labels of a completion answer, space-separated. */
static char *labels(json_t *r)
{
	static char out[4096];
	size_t i;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(json_object_get(r, "result"), i, it) {
		strcat(out, json_string_value(json_object_get(it, "label")));
		strcat(out, " ");
	}
	json_decref(r);
	return out;
}


Test(lsp, completion_by_context)
{
	client *c = with_model();
	cr_expect_str_eq(labels(request(c, 2, "textDocument/completion", at(4, 9))), "ann bob ");
	cr_expect_str_eq(labels(request(c, 3, "textDocument/completion", at(4, 2))),
	                 "process owner description ignore ");
	cr_expect_str_eq(labels(request(c, 4, "textDocument/completion", at(0, 0))),
	                 "title system process person actor tool ");
	/* inside the step body, after "uses: " */
	change(c, 7, 44, 7, 49, "");
	cr_expect_str_eq(labels(request(c, 5, "textDocument/completion", at(7, 44))), "sheet ");
	change(c, 9, 12, 9, 12, "\n    ship -> ");
	cr_expect_str_eq(labels(request(c, 6, "textDocument/completion", at(10, 12))),
	                 "take ship order ");
	change(c, 6, 33, 6, 33, "; ignore: miss");
	cr_expect_str_eq(labels(request(c, 7, "textDocument/completion", at(6, 47))),
	                 "missing-rate missing-owner ");
	cr_expect_eq(finish(c, true), 0);
}

Test(lsp, incremental_changes_count_utf16)
{
	client *c = start();
	initialize(c);
	/* "😀" is 2 UTF-16 units and 4 bytes, "é" 1 unit and 2 bytes */
	open_doc(c, "person ann \"😀é\" { capacity: 4x }\n");
	cr_expect(strstr(diags_str(next_diags(c)), "0:29-0:31 1 bad-value"),
	          "%s", diags_str(c->diags));
	change(c, 0, 29, 0, 31, "4h/week");
	cr_expect(!strstr(diags_str(next_diags(c)), "bad-value"), "%s", diags_str(c->diags));
	/* edits in a row are debounced into one analysis */
	change(c, 0, 0, 0, 0, "# a\n");
	change(c, 1, 7, 1, 10, "bea");
	json_t *d = next_diags(c);
	cr_expect_str_eq(diags_str(d), "1:0-1:6 3 unused-person person 'bea' is never referenced: "
	                 "they own no system, process or step\n");
	json_t *r = request(c, 2, "textDocument/documentSymbol", doc_params());
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r,
	                 "result"), 0), "name")), "bea");
	json_decref(r);
	cr_expect_eq(finish(c, true), 0);
}

Test(lsp, symbols_and_formatting)
{
	client *c = start();
	initialize(c);
	open_doc(c, "system s \"S\" {\nprocess p \"P\" {\nstep a \"A\"\nstep b   \"B\"\n}\n}\n");
	next_diags(c);
	json_t *r = request(c, 2, "textDocument/documentSymbol", doc_params());
	json_t *sys = json_array_get(json_object_get(r, "result"), 0);
	json_t *proc = json_array_get(json_object_get(sys, "children"), 0);
	char buf[64];
	cr_expect_str_eq(json_string_value(json_object_get(proc, "name")), "p");
	cr_expect_str_eq(range_str(json_object_get(proc, "range"), buf, sizeof buf), "1:0-4:1");
	cr_expect_eq(json_array_size(json_object_get(proc, "children")), 2);
	json_decref(r);
	r = request(c, 4, "textDocument/foldingRange", doc_params());
	char *folds = json_dumps(json_object_get(r, "result"), JSON_COMPACT | JSON_SORT_KEYS);
	cr_expect_str_eq(folds, "[{\"endLine\":4,\"startLine\":0},{\"endLine\":3,\"startLine\":1}]");
	free(folds);
	json_decref(r);
	r = request(c, 3, "textDocument/formatting", doc_params());
	json_t *e = json_array_get(json_object_get(r, "result"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "newText")),
	        "system s \"S\" {\n  process p \"P\" {\n    step a \"A\"\n    step b \"B\"\n  }\n}\n");
	json_decref(r);
	cr_expect_eq(finish(c, true), 0);
}

/* --- a real client ------------------------------------------------------------- */

/* Headless Neovim runs tests/nvim/lsp_test.lua against the server: the
 * model with an error, its diagnostic, hover, the fix typed in, definition,
 * rename and formatting (scripts/deps.sh installs neovim). */
Test(lsp, neovim_session, .timeout = 120)
{
	int st;
	free(t_run("command -v nvim >/dev/null", &st));
	if (st != 0) {
		cr_log_warn("nvim is not installed (sh scripts/deps.sh): the Neovim session is skipped");
		cr_skip_test();
	}
	char *dir = t_tmpdir("lsp-nvim"), path[512], cmd[2048];
	snprintf(path, sizeof path, "%s/model.pmap", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	char *text = malloc(sizeof model + 1);
	memcpy(text, model, sizeof model);
	char *own = strstr(text, "owner: ann");
	memmove(own + 10, own + 9, strlen(own + 9) + 1);   /* "owner: anne" */
	own[9] = 'n';
	own[10] = 'e';
	fputs(text, f);
	fclose(f);
	free(text);
	snprintf(cmd, sizeof cmd, "cd '%s' && HOME='%s' XDG_STATE_HOME='%s' XDG_CACHE_HOME='%s' "
	         "XDG_DATA_HOME='%s' PROCMAP_BIN='%s' PMAP_FILE='%s' timeout 60 nvim --headless "
	         "--clean -i NONE -c 'luafile %s/tests/nvim/lsp_test.lua' 2>&1",
	         dir, dir, dir, dir, dir, t_bin(), path, t_root());
	char *out = t_run(cmd, &st);
	cr_expect_eq(st, 0, "the Neovim session failed:\n%s", out);
	cr_expect(strstr(out, "renamed: receive -> ship") && strstr(out, "ok\n"), "%s", out);
	free(out);
	t_rmtree(dir);
}

/* Deep nesting, a long line and thousands of errors: every request is
 * answered, nothing recurses on the input, and it stays quick. */
Test(lsp, pathological_documents, .timeout = 60)
{
	client *c = start();
	initialize(c);
	size_t n = 20000;
	char *text = malloc(n * 12 + 64), *p = text;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "system s%zu {", i % 7);
	strcpy(p, "\n\"unclosed 😀 string\n");
	open_doc(c, text);
	json_t *d = next_diags(c);
	cr_expect_gt(json_array_size(json_object_get(d, "diagnostics")), 0);
	static const char *const methods[] = {
		"textDocument/hover", "textDocument/completion", "textDocument/documentSymbol",
		"textDocument/foldingRange", "textDocument/formatting", "textDocument/definition",
	};
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
		json_t *r = request(c, 10 + (int)i, methods[i], at(0, 100000));
		cr_expect(!json_object_get(r, "error"), "%s failed", methods[i]);
		json_decref(r);
	}
	free(text);
	cr_expect_eq(finish(c, true), 0);
}

/* The code action of each diagnostic given back, as "title|range|text". */
static char *actions_str(client *c, int id)
{
	static char out[2048];
	char buf[64];
	size_t o = 0, i, k;
	json_t *d, *a;
	out[0] = '\0';
	json_array_foreach(json_object_get(c->diags, "diagnostics"), i, d) {
		json_t *r = request(c, id, "textDocument/codeAction",
		                    json_pack("{s:{s:s}, s:O, s:{s:[O]}}", "textDocument", "uri", URI,
		                              "range", json_object_get(d, "range"), "context",
		                              "diagnostics", d));
		json_array_foreach(json_object_get(r, "result"), k, a) {
			json_t *e = json_array_get(json_object_get(json_object_get(json_object_get(a,
			                           "edit"), "changes"), URI), 0);
			o += (size_t)snprintf(out + o, sizeof out - o, "%s|%s|%s\n",
			        json_string_value(json_object_get(a, "title")),
			        range_str(json_object_get(e, "range"), buf, sizeof buf),
			        json_string_value(json_object_get(e, "newText")));
		}
		json_decref(r);
	}
	return out;
}

Test(lsp, code_action_ignores_a_finding_on_its_element)
{
	client *c = start();
	initialize(c);
	open_doc(c, "system t \"T\" {\n  process p \"P\" { trigger: \"x\"; step a \"A\" }\n}\n");
	next_diags(c);
	cr_expect_str_eq(actions_str(c, 2),
	        "Ignore missing-owner on system 't'|0:14-0:14|\n  ignore: missing-owner \"why it is fine\"\n"
	        "Ignore missing-owner on step 'a'|1:42-1:42| { ignore: missing-owner \"why it is fine\" }\n");
	cr_expect_eq(finish(c, true), 0);
}

/* `model:` in .procmap.yaml: check and render without FILE read its
 * files (globs, relative to the configuration's folder). */
Test(lsp, config_model_files_for_check)
{
	char *dir = t_tmpdir("lsp-model"), cmd[2048];
	snprintf(cmd, sizeof cmd, "cd '%s' && mkdir -p systems sub && "
	         "printf 'model: [people.pmap, \"systems/*.pmap\"]\\n' >.procmap.yaml && "
	         "printf 'person ann \"Ann\"\\n' >people.pmap && "
	         "printf 'system s \"S\" {\\n  owner: anne\\n}\\n' >systems/s.pmap && "
	         "printf 'tool t \"T\"\\n' >systems/t.pmap && cd sub && '%s' check --color=never",
	         dir, t_bin());
	int st;
	char *out = t_run(cmd, &st);
	cr_expect_eq(st, 1, "%s", out);
	cr_expect(strstr(out, "../systems/s.pmap:2:10: error: unknown person 'anne'; did you "
	                 "mean 'ann'?"), "%s", out);   /* found across the files */
	cr_expect(strstr(out, "1 error, 0 warnings"), "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && printf 'rules: {}\\n' >.procmap.yaml && "
	         "'%s' check 2>&1", dir, t_bin());
	out = t_run(cmd, &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "no input files, and '") && strstr(out, "names none ('model:')"),
	          "%s", out);
	free(out);
	t_rmtree(dir);
}

/* A document that is one of the files of a `model:` is analysed with the
 * others, each read from its open document when there is one. */
Test(lsp, documents_of_a_model_of_several_files)
{
	char *dir = t_tmpdir("lsp-multi"), cmd[1024], uri[600], uri2[600];
	snprintf(cmd, sizeof cmd, "cd '%s' && printf 'model: [people.pmap, s.pmap]\\n' "
	         ">.procmap.yaml && printf 'person ann \"Ann\"\\n' >people.pmap", dir);
	int st;
	free(t_run(cmd, &st));
	snprintf(uri, sizeof uri, "file://%s/s.pmap", dir);
	snprintf(uri2, sizeof uri2, "file://%s/people.pmap", dir);
	client *c = start();
	initialize(c);
	notify(c, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument",
	       "uri", uri, "languageId", "pmap", "version", 1,
	       "text", "system s \"S\" {\n  owner: ann\n  process p \"P\" { trigger: \"t\"; step a \"A\" }\n}\n"));
	json_t *d = next_diags(c);
	cr_expect_str_eq(json_string_value(json_object_get(d, "uri")), uri);
	cr_expect_str_eq(diags_str(d), "", "ann comes from people.pmap on disk");
	/* people.pmap opened with other text: s.pmap is analysed against it */
	notify(c, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument",
	       "uri", uri2, "languageId", "pmap", "version", 1, "text", "person bea \"Bea\"\n"));
	bool seen = false;
	for (int k = 0; k < 4 && !seen; k++) {
		d = next_diags(c);
		seen = strcmp(json_string_value(json_object_get(d, "uri")), uri) == 0;
	}
	cr_expect(seen, "s.pmap was not analysed again");
	cr_expect_str_eq(diags_str(d),
	        "1:9-1:12 1 unknown-reference unknown person 'ann'\n");
	json_t *p = json_pack("{s:{s:s}, s:{s:i, s:i}, s:s}", "textDocument", "uri", uri,
	                      "position", "line", 0, "character", 7, "newName", "t");
	json_t *r = request(c, 5, "textDocument/rename", p);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "error"), "code")),
	             -32803, "renaming in a model of several files is refused");
	json_decref(r);
	cr_expect_eq(finish(c, true), 0);
	t_rmtree(dir);
}
