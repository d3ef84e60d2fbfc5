/* fmt.c — .pmap text in the canonical layout (docs/fmt.md).
 *
 * The formatter works on the token stream with its comments, never on the
 * model, so every comment stays where it was written.  It holds the
 * statements of the open bodies only (a scratch stack: a nested body is
 * pushed above its parent's statements and popped once printed) and lexes a
 * statement again to print it, so its memory follows the widest body, not
 * the number of tokens.  Nesting is fixed by the language (top → system →
 * process → step), so the recursion is at most four deep whatever the input.
 *
 * The text must be free of syntax errors; pm_format_pmap() checks that by
 * parsing it first, and never formats a file that does not parse.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "lexer.h"

#define NONE UINT32_MAX
#define BLANK UINT32_MAX        /* a blank line in w->triv */
#define LINE_WIDTH 100          /* a one-line body must fit in this */
#define CONT_INDENT 4           /* a statement broken by a comment goes on here */
#define MAX_DEPTH 4

/* Body scopes; a declaration's scope is its kind word's index + 1. */
enum { SC_TOP, SC_SYSTEM, SC_PROCESS, SC_STEP, SC_PERSON, SC_TOOL, SC_ACTOR };

static const char *const kind_words[] = {
	"system", "process", "step", "person", "tool", "actor",
};

/* Actors are people (m->people, in written order among them): the comment
 * table and the attribute order treat them as persons. */
static pm_anchor_kind scope_ak(unsigned scope)
{
	return scope == SC_ACTOR ? PM_AK_PERSON : (pm_anchor_kind)scope;
}

const char *const pm_key_names[PM_KEY_COUNT] = {
	"title", "owner", "description", "runs", "trigger", "capacity", "uses",
	"takes", "waits", "ignore",
};

/* Attribute order per element kind: the order the language reference lists
 * them in, `ignore:` last. */
static const signed char key_order[][PM_KEY_COUNT + 1] = {
	[PM_AK_TOP] = { PM_KEY_TITLE, -1 },
	[PM_AK_SYSTEM] = { PM_KEY_OWNER, PM_KEY_DESCRIPTION, PM_KEY_IGNORE, -1 },
	[PM_AK_PROCESS] = { PM_KEY_OWNER, PM_KEY_DESCRIPTION, PM_KEY_RUNS,
	                    PM_KEY_TRIGGER, PM_KEY_IGNORE, -1 },
	[PM_AK_STEP] = { PM_KEY_OWNER, PM_KEY_USES, PM_KEY_TAKES, PM_KEY_WAITS,
	                 PM_KEY_DESCRIPTION, PM_KEY_IGNORE, -1 },
	[PM_AK_PERSON] = { PM_KEY_CAPACITY, PM_KEY_DESCRIPTION, PM_KEY_IGNORE, -1 },
	[PM_AK_TOOL] = { PM_KEY_DESCRIPTION, PM_KEY_IGNORE, -1 },
};

const signed char *pm_key_order(pm_anchor_kind ak)
{
	static const signed char none[] = { -1 };
	return ak <= PM_AK_TOOL ? key_order[ak] : none;
}

int pm_key_rank(pm_anchor_kind ak, pm_attr key)
{
	if (ak > PM_AK_TOOL)
		return -1;
	for (int i = 0; key_order[ak][i] >= 0; i++)
		if (key_order[ak][i] == (int)key)
			return i;
	return -1;
}

/* --- buffers ------------------------------------------------------------------ */

void pm_buf_put(pm_model *m, pm_buf *b, const char *s, size_t n)
{
	if (b->cap - b->n < n) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->n < n) {
			if (cap > SIZE_MAX / 2)
				pm_oom(m);
			cap *= 2;
		}
		b->v = pm_xrealloc(m, b->v, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->v + b->n, s, n);
	b->n += n;
}

void pm_buf_puts(pm_model *m, pm_buf *b, const char *s)
{
	pm_buf_put(m, b, s, strlen(s));
}

void pm_buf_putc(pm_model *m, pm_buf *b, char c)
{
	pm_buf_put(m, b, &c, 1);
}

void pm_buf_spaces(pm_model *m, pm_buf *b, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		pm_buf_put(m, b, sp, k);
		n -= k;
	}
}

void pm_buf_pmap_string(pm_model *m, pm_buf *b, const char *s, size_t n)
{
	pm_buf_putc(m, b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '"' ? "\\\"" : s[i] == '\\' ? "\\\\" :
		                  s[i] == '\n' || s[i] == '\r' ? "\\n" : NULL;
		if (!esc)
			continue;
		pm_buf_put(m, b, s + run, i - run);
		/* .pmap has no escape for a carriage return: CR LF and a lone CR
		 * become one line break */
		if (!(s[i] == '\n' && i > 0 && s[i - 1] == '\r'))
			pm_buf_puts(m, b, esc);
		run = i + 1;
	}
	pm_buf_put(m, b, s + run, n - run);
	pm_buf_putc(m, b, '"');
}

pm_work *pm_work_new(void)
{
	pm_work *w = pm_malloc(sizeof *w);
	if (w)
		memset(w, 0, sizeof *w);
	return w;
}

void pm_work_free(pm_work *w)
{
	if (!w)
		return;
	pm_xfree(w->out.v);
	pm_xfree(w->raw.v);
	pm_xfree(w->text.v);
	pm_vec_free(w->stmts);
	pm_vec_free(w->triv);
	pm_vec_free(w->queue);
	pm_vec_free(w->table);
	pm_vec_free(w->arrows);
	pm_vec_free(w->ignores);
	pm_vec_free(w->keys);
	pm_vec_free(w->spans);
	pm_vec_free(w->pos);
	if (w->yaml)
		w->yaml_free(w->yaml);
	pm_free(w);
}

/* --- scanning ------------------------------------------------------------------- */

enum { ST_ATTR, ST_FLOW, ST_DECL };

struct fmt_stmt {
	uint32_t start, end;      /* bytes of its tokens (a declaration: to its '}') */
	uint32_t body, close;     /* a declaration's '{' and '}'; NONE without */
	uint32_t trail;           /* the comment after it on its line; NONE */
	uint32_t lead, nlead;     /* comments and blank lines before it, in w->triv */
	uint32_t seq;             /* written order within its body */
	uint8_t kind;             /* ST_* */
	uint8_t scope;            /* a declaration: the scope its body opens */
	uint8_t key;              /* an attribute: pm_attr */
	uint8_t rank;             /* attributes first, in their kind's order */
	bool inner;               /* holds comments (after ',' or '->') */
};

typedef struct body {
	uint32_t first, n;        /* statements: w->stmts.v[first .. first+n) */
	uint32_t triv0;           /* w->triv.n before the body, to pop it */
	uint32_t end, nend;       /* comments before '}' or the end of the file */
	uint32_t open;            /* the comment after '{'; NONE */
	uint32_t comments;        /* comments inside, of any placement */
	uint8_t scope;
} body;

typedef struct fmt {
	pm_model *m;
	pm_work *w;
	const char *src;
	size_t len;
	pm_buf *out;
	bool printed;             /* the current body has printed a line */
	bool want_blank;          /* a blank line comes before the next line */
	int depth;
} fmt;

/* The lexer over the text with the line breaks folded into the next token:
 * `nl` counts them, so "first on its line" is nl > 0 and a blank line
 * before the token is nl > 1. */
typedef struct cursor {
	pm_lexer lx;
	pm_token t;
	uint32_t nl;
} cursor;

static void adv(cursor *c)
{
	c->nl = 0;
	for (;;) {
		pm_lex_next(&c->lx, &c->t);
		if (c->t.kind != PM_T_NEWLINE)
			return;
		c->nl++;
	}
}

/* Puts the cursor on the first token at or after byte `pos`. */
static void cur_seek(const fmt *f, cursor *c, size_t pos)
{
	memset(&c->lx, 0, sizeof c->lx);
	c->lx.m = f->m;
	c->lx.file = UINT32_MAX;
	c->lx.src = f->src;
	c->lx.len = f->len;
	c->lx.line = 1;
	c->lx.keep_comments = true;
	c->lx.quiet = true;
	c->lx.pos = pos;
	c->lx.line_start = pos;
	adv(c);
}

static bool tok_is(const fmt *f, const pm_token *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == PM_T_IDENT && t->len == n &&
	       memcmp(f->src + t->start, word, n) == 0;
}

/* Which of `n` words the token is, -1 for none; every statement asks, so
 * the first letter and the length are compared before the bytes. */
static int word_index(const fmt *f, const pm_token *t, const char *const *words, int n)
{
	if (t->kind != PM_T_IDENT || t->len > 11)
		return -1;
	const char *s = f->src + t->start;
	for (int i = 0; i < n; i++)
		/* strncmp first: words[i][t->len] is only there when the word is
		 * at least that long */
		if (words[i][0] == s[0] && strncmp(words[i], s, t->len) == 0 &&
		    words[i][t->len] == '\0')
			return i;
	return -1;
}

static int kind_word(const fmt *f, const pm_token *t)
{
	return word_index(f, t, kind_words, (int)(sizeof kind_words / sizeof *kind_words));
}

static int key_of(const fmt *f, const pm_token *t)
{
	return word_index(f, t, pm_key_names, PM_KEY_COUNT);
}

/* The tokens of an attribute or an arrow chain: a line, continued after a
 * ',' or '->' across line breaks and comments. */
static void scan_run(cursor *c, struct fmt_stmt *s)
{
	for (;;) {
		pm_tok k = c->t.kind;
		s->end = c->t.start + c->t.len;
		adv(c);
		if (k == PM_T_COMMA || k == PM_T_ARROW) {
			while (c->t.kind == PM_T_COMMENT) {
				s->inner = true;
				adv(c);
			}
			if (c->t.kind != PM_T_EOF)
				continue;
		}
		if (c->nl || c->t.kind == PM_T_SEMI || c->t.kind == PM_T_RBRACE ||
		    c->t.kind == PM_T_LBRACE || c->t.kind == PM_T_EOF ||
		    c->t.kind == PM_T_COMMENT)
			return;
	}
}

/* The '}' that closes the '{' at `pos`, found by bytes, skipping strings
 * and comments the way the lexer reads them: a body is skipped here and
 * lexed only when it is printed. */
static size_t match_brace(const fmt *f, size_t pos)
{
	const char *s = f->src;
	size_t depth = 0;
	for (; pos < f->len; pos++) {
		switch (s[pos]) {
		case '{':
			depth++;
			break;
		case '}':
			if (--depth == 0)
				return pos;
			break;
		case '#':
			while (pos + 1 < f->len && s[pos + 1] != '\n' && s[pos + 1] != '\r')
				pos++;
			break;
		case '"':
			while (pos + 1 < f->len && s[pos + 1] != '"' && s[pos + 1] != '\n' &&
			       s[pos + 1] != '\r')
				pos += s[pos + 1] == '\\' && pos + 2 < f->len &&
				       s[pos + 2] != '\n' && s[pos + 2] != '\r' ? 2 : 1;
			if (pos + 1 < f->len && s[pos + 1] == '"')
				pos++;
			break;
		default:
			break;
		}
	}
	return f->len;
}

/* decl -> KIND ID [STRING] ['{' … '}']; the body is only skipped here. */
static void scan_decl(const fmt *f, cursor *c, struct fmt_stmt *s)
{
	adv(c);
	s->end = c->t.start + c->t.len;
	adv(c);
	if (c->t.kind == PM_T_STRING && !c->nl) {
		s->end = c->t.start + c->t.len;
		adv(c);
	}
	if (c->t.kind != PM_T_LBRACE || c->nl)
		return;
	s->body = c->t.start;
	size_t close = match_brace(f, s->body);
	s->close = (uint32_t)close;
	s->end = (uint32_t)(close < f->len ? close + 1 : close);
	cur_seek(f, c, s->end);
}

/* stmt -> attribute | flow | decl; leaves the cursor after the statement. */
static void scan_stmt(const fmt *f, cursor *c, struct fmt_stmt *s, uint8_t scope)
{
	cursor ahead = *c;
	adv(&ahead);
	bool same_line = ahead.nl == 0;
	int kw = kind_word(f, &c->t);
	int key = key_of(f, &c->t);
	s->start = c->t.start;
	s->rank = UINT8_MAX;
	if (same_line && key >= 0 && (ahead.t.kind == PM_T_COLON ||
	    (key == PM_KEY_TITLE && ahead.t.kind == PM_T_STRING))) {
		int r = scope <= SC_ACTOR ? pm_key_rank(scope_ak(scope), (pm_attr)key) : -1;
		s->kind = ST_ATTR;
		s->key = (uint8_t)key;
		s->rank = (uint8_t)(r < 0 ? UINT8_MAX - 1 : r);
		scan_run(c, s);
	} else if (same_line && kw >= 0 && ahead.t.kind == PM_T_IDENT) {
		s->kind = ST_DECL;
		s->scope = (uint8_t)(kw + 1);
		scan_decl(f, c, s);
	} else {
		s->kind = ST_FLOW;   /* arrows, or anything else kept as written */
		scan_run(c, s);
	}
}

static void push_triv(fmt *f, uint32_t v)
{
	*pm_vec_push(f->m, f->w->triv) = v;
}

/* Where a comment goes: after code on its line, to the statement that
 * ended there or to the '{' it follows; on a line of its own, before what
 * comes next (pushed to w->triv). */
static void scan_comment(fmt *f, const cursor *c, body *b, uint32_t last, bool opening)
{
	b->comments++;
	if (!c->nl && last != NONE) {
		f->w->stmts.v[last].trail = c->t.start;
	} else if (!c->nl && opening) {
		b->open = c->t.start;
	} else {
		if (c->nl > 1)
			push_triv(f, BLANK);
		push_triv(f, c->t.start);
	}
}

/* A statement, with the comments and blank lines pending before it. */
static void scan_one(fmt *f, cursor *c, body *b, uint32_t pend, uint8_t scope)
{
	pm_work *w = f->w;
	if (c->nl > 1)
		push_triv(f, BLANK);
	struct fmt_stmt *s = pm_vec_push(f->m, w->stmts);
	memset(s, 0, sizeof *s);
	s->body = s->close = s->trail = NONE;
	s->lead = pend;
	s->nlead = w->triv.n - pend;
	s->seq = w->stmts.n - 1 - b->first;
	scan_stmt(f, c, s, scope);
	b->comments += s->inner;
}

/* body -> { stmt | comment | ';' } ('}' | end of file)
 * Each statement gets the comments and blank lines written before it; what
 * is left before the '}' is the body's end. */
static void scan_body(fmt *f, cursor *c, body *b, uint8_t scope)
{
	pm_work *w = f->w;
	memset(b, 0, sizeof *b);
	b->first = w->stmts.n;
	b->triv0 = w->triv.n;
	b->open = NONE;
	b->scope = scope;
	uint32_t pend = w->triv.n, last = NONE;
	bool opening = scope != SC_TOP;   /* still on the line of the '{' */
	for (;;) {
		if (c->nl) {
			last = NONE;
			opening = false;
		}
		if (c->t.kind == PM_T_RBRACE || c->t.kind == PM_T_EOF)
			break;
		if (c->t.kind == PM_T_SEMI || c->t.kind == PM_T_COMMENT) {
			if (c->t.kind == PM_T_COMMENT)
				scan_comment(f, c, b, last, opening);
			adv(c);
			continue;
		}
		scan_one(f, c, b, pend, scope);   /* leaves c on the next token */
		last = w->stmts.n - 1;
		pend = w->triv.n;
	}
	b->end = pend;
	b->nend = w->triv.n - pend;
	b->n = w->stmts.n - b->first;
}

/* Scans the body of declaration `s` (the cursor starts after its '{'). */
static void scan_nested(fmt *f, const struct fmt_stmt *s, body *b)
{
	cursor c;
	cur_seek(f, &c, s->body + 1);
	scan_body(f, &c, b, s->scope);
}

static void pop_body(fmt *f, const body *b)
{
	f->w->stmts.n = b->first;
	f->w->triv.n = b->triv0;
}

static int stmt_cmp(const void *pa, const void *pb)
{
	const struct fmt_stmt *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Attributes first, in their kind's order; the rest as written. */
static void sort_body(fmt *f, const body *b)
{
	if (b->n < 2)
		return;   /* also: stmts.v may be NULL, and NULL + 0 is undefined */
	struct fmt_stmt *v = f->w->stmts.v + b->first;
	for (uint32_t i = 1; i < b->n; i++) {
		if (stmt_cmp(&v[i - 1], &v[i]) > 0) {
			qsort(v, b->n, sizeof *v, stmt_cmp);
			return;
		}
	}
}

/* --- printing ------------------------------------------------------------------- */

/* A line waiting in the queue, so that a run of one-line declarations, or
 * of arrow chains, can be aligned: its parts are in w->text from `off`. */
struct fmt_line {
	size_t off;
	uint32_t len[4];          /* kind and id, label, body, trailing comment;
	                             a chain: its arrows, its last chance */
	uint32_t width[2];        /* of the first two, in code points */
	uint32_t indent;
	bool text;                /* a comment line, printed as it is (len[0]) */
	bool flow;                /* an arrow chain */
};

static uint32_t width_of(const char *s, size_t n)
{
	uint32_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* A comment's length without the trailing white space. */
static uint32_t comment_len(const fmt *f, uint32_t pos)
{
	size_t e = pos;
	while (e < f->len && f->src[e] != '\n' && f->src[e] != '\r')
		e++;
	while (e > pos && (f->src[e - 1] == ' ' || f->src[e - 1] == '\t' ||
	                   f->src[e - 1] == '\f' || f->src[e - 1] == '\v'))
		e--;
	return (uint32_t)(e - pos);
}

static void put_comment(fmt *f, pm_buf *d, uint32_t pos)
{
	pm_buf_put(f->m, d, f->src + pos, comment_len(f, pos));
}

/* Two spaces, then the comment. */
static void put_trailing(fmt *f, pm_buf *d, uint32_t pos)
{
	if (pos == NONE)
		return;
	pm_buf_put(f->m, d, "  ", 2);
	put_comment(f, d, pos);
}

/* Writes the tokens of [start, end) with one space between tokens and none
 * before ':' and ','.  A comment inside (after ',' or '->') keeps its
 * place: the statement goes on on the next line, `cont` columns in.
 * `title: "x"` loses its optional colon. */
static void put_tokens(fmt *f, pm_buf *d, uint32_t start, uint32_t end,
                       unsigned cont)
{
	cursor c;
	cur_seek(f, &c, start);
	bool first = true, title = false;
	unsigned comments = 0;
	for (; c.t.kind != PM_T_EOF && c.t.start < end; adv(&c)) {
		if (c.t.kind == PM_T_COMMENT) {
			if (comments++ == 0 && c.nl == 0) {
				put_trailing(f, d, c.t.start);
			} else {
				pm_buf_putc(f->m, d, '\n');
				pm_buf_spaces(f->m, d, cont);
				put_comment(f, d, c.t.start);
			}
			continue;
		}
		if (title && c.t.kind == PM_T_COLON)
			continue;
		if (comments) {
			pm_buf_putc(f->m, d, '\n');
			pm_buf_spaces(f->m, d, cont);
			comments = 0;
		} else if (!first && c.t.kind != PM_T_COLON && c.t.kind != PM_T_COMMA) {
			pm_buf_putc(f->m, d, ' ');
		}
		title = first && tok_is(f, &c.t, "title");
		first = false;
		pm_buf_put(f->m, d, f->src + c.t.start, c.t.len);
	}
}

static void flush_queue(fmt *f)
{
	pm_work *w = f->w;
	uint32_t w1 = 0, w2 = 0;
	for (uint32_t i = 0; i < w->queue.n; i++) {
		const struct fmt_line *l = &w->queue.v[i];
		if (l->text)
			continue;
		if ((l->len[1] || l->len[2]) && l->width[0] > w1)
			w1 = l->width[0];
		if (l->len[2] && l->width[1] > w2)
			w2 = l->width[1];
	}
	for (uint32_t i = 0; i < w->queue.n; i++) {
		const struct fmt_line *l = &w->queue.v[i];
		const char *s = w->text.v + l->off;
		pm_buf_spaces(f->m, f->out, l->indent);
		pm_buf_put(f->m, f->out, s, l->len[0]);
		if (!l->text && (l->len[1] || l->len[2])) {
			pm_buf_spaces(f->m, f->out, w1 - l->width[0] + 1);
			pm_buf_put(f->m, f->out, s + l->len[0], l->len[1]);
		}
		if (!l->text && l->len[2]) {
			if (w2)
				pm_buf_spaces(f->m, f->out, w2 - l->width[1] + 1);
			pm_buf_put(f->m, f->out, s + l->len[0] + l->len[1], l->len[2]);
		}
		if (!l->text && l->len[3]) {
			pm_buf_put(f->m, f->out, "  ", 2);
			pm_buf_put(f->m, f->out, s + l->len[0] + l->len[1] + l->len[2],
			           l->len[3]);
		}
		pm_buf_putc(f->m, f->out, '\n');
	}
	w->queue.n = 0;
	w->text.n = 0;
}

/* Every line starts here: a pending blank line is printed, unless the line
 * is the first of its body. */
static void before_line(fmt *f)
{
	if (f->want_blank) {
		flush_queue(f);
		if (f->printed)
			pm_buf_putc(f->m, f->out, '\n');
		f->want_blank = false;
	}
	f->printed = true;
}

/* A line that is not aligned with others ends the run of queued lines. */
static void begin_direct(fmt *f, unsigned indent)
{
	before_line(f);
	flush_queue(f);
	pm_buf_spaces(f->m, f->out, indent);
}

/* Comment lines inside a run of one-line declarations do not end it. */
static void comment_line(fmt *f, unsigned indent, uint32_t pos)
{
	before_line(f);
	if (f->w->queue.n == 0) {
		pm_buf_spaces(f->m, f->out, indent);
		put_comment(f, f->out, pos);
		pm_buf_putc(f->m, f->out, '\n');
		return;
	}
	struct fmt_line *l = pm_vec_push(f->m, f->w->queue);
	memset(l, 0, sizeof *l);
	l->off = f->w->text.n;
	l->indent = indent;
	l->text = true;
	put_comment(f, &f->w->text, pos);
	l->len[0] = (uint32_t)(f->w->text.n - l->off);
}

static void print_trivia(fmt *f, uint32_t first, uint32_t n, unsigned indent)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = f->w->triv.v[first + i];
		if (v == BLANK)
			f->want_blank = true;
		else
			comment_line(f, indent, v);
	}
}

static void print_body(fmt *f, const body *b, unsigned indent);

/* An attribute or an arrow chain on its own line(s). */
static void print_simple(fmt *f, const struct fmt_stmt *s, unsigned indent)
{
	begin_direct(f, indent);
	put_tokens(f, f->out, s->start, s->end, indent + CONT_INDENT);
	put_trailing(f, f->out, s->trail);
	pm_buf_putc(f->m, f->out, '\n');
}

/* The header of a declaration, `KIND ID ["Label"]`, in pieces. */
typedef struct header {
	pm_token kind, id, label;
	bool has_label;
} header;

static header read_header(const fmt *f, const struct fmt_stmt *s)
{
	header h;
	cursor c;
	cur_seek(f, &c, s->start);
	h.kind = c.t;
	adv(&c);
	h.id = c.t;
	adv(&c);
	h.label = c.t;
	h.has_label = c.t.kind == PM_T_STRING && c.t.start < (s->body != NONE ? s->body : s->end);
	return h;
}

static void put_tok(fmt *f, pm_buf *d, const pm_token *t)
{
	pm_buf_put(f->m, d, f->src + t->start, t->len);
}

/* Before a line is queued: declarations and chains align apart, so a run
 * of one kind ends where the other starts. */
static void queue_begin(fmt *f, bool flow)
{
	before_line(f);
	pm_work *w = f->w;
	for (uint32_t i = w->queue.n; i-- > 0;) {
		if (w->queue.v[i].text)
			continue;
		if (w->queue.v[i].flow != flow)
			flush_queue(f);
		return;
	}
}

static struct fmt_line *queue_line(fmt *f, bool flow, size_t off)
{
	struct fmt_line *l = pm_vec_push(f->m, f->w->queue);
	memset(l, 0, sizeof *l);
	l->off = off;
	l->flow = flow;
	return l;
}

/* Queues a chain on one line, `a -> b "label" 40%  # comment`: the chance
 * at its end lines up with the chances of the chains around it, unless the
 * chain goes past LINE_WIDTH. */
static void queue_flow(fmt *f, const struct fmt_stmt *s, unsigned indent)
{
	pm_work *w = f->w;
	queue_begin(f, true);
	cursor c;
	pm_token last = { 0 };
	for (cur_seek(f, &c, s->start); c.t.kind != PM_T_EOF && c.t.start < s->end; adv(&c))
		last = c.t;
	bool chance = last.kind == PM_T_WORD && f->src[last.start + last.len - 1] == '%' &&
	              last.start > s->start;
	size_t off = w->text.n;
	put_tokens(f, &w->text, s->start, chance ? last.start : s->end, 0);
	size_t l0 = w->text.n - off;
	uint32_t w0 = width_of(w->text.v + off, l0);
	if (chance && indent + w0 > LINE_WIDTH) {
		/* a chain this long would push the column of a whole run of
		 * chains out: its chance follows it after one space */
		pm_buf_putc(f->m, &w->text, ' ');
		put_tok(f, &w->text, &last);
		l0 = w->text.n - off;
		chance = false;
	}
	if (chance)
		put_tok(f, &w->text, &last);
	size_t l1 = w->text.n - off - l0;
	if (s->trail != NONE)
		put_comment(f, &w->text, s->trail);
	struct fmt_line *l = queue_line(f, true, off);
	l->len[0] = (uint32_t)l0;
	l->len[1] = (uint32_t)l1;
	l->len[3] = (uint32_t)(w->text.n - off - l0 - l1);
	l->width[0] = w0;
	l->indent = indent;
}

/* Queues `KIND ID ["Label"] [{ a; b }]  [# comment]`; with a body, only
 * when it fits in LINE_WIDTH (without the comment).  Returns false when it
 * does not fit, and queues nothing then. */
static bool queue_one_line(fmt *f, const struct fmt_stmt *s, const header *h,
                           const body *b, unsigned indent)
{
	pm_work *w = f->w;
	queue_begin(f, false);
	size_t off = w->text.n;
	put_tok(f, &w->text, &h->kind);
	pm_buf_putc(f->m, &w->text, ' ');
	put_tok(f, &w->text, &h->id);
	size_t l0 = w->text.n - off;
	if (h->has_label)
		put_tok(f, &w->text, &h->label);
	size_t l1 = w->text.n - off - l0;
	if (b) {
		pm_buf_put(f->m, &w->text, "{ ", 2);
		for (uint32_t i = 0; i < b->n; i++) {
			const struct fmt_stmt *a = &w->stmts.v[b->first + i];
			if (i)
				pm_buf_put(f->m, &w->text, "; ", 2);
			put_tokens(f, &w->text, a->start, a->end, 0);
		}
		pm_buf_put(f->m, &w->text, " }", 2);
	}
	size_t l2 = w->text.n - off - l0 - l1;
	uint32_t w0 = width_of(w->text.v + off, l0);
	uint32_t wl = width_of(w->text.v + off + l0, l1);
	uint32_t wb = width_of(w->text.v + off + l0 + l1, l2);
	if (b && indent + w0 + 1 + (l1 ? wl + 1 : 0) + wb > LINE_WIDTH) {
		w->text.n = off;
		return false;
	}
	if (s->trail != NONE)
		put_comment(f, &w->text, s->trail);
	struct fmt_line *l = queue_line(f, false, off);
	l->len[0] = (uint32_t)l0;
	l->len[1] = (uint32_t)l1;
	l->len[2] = (uint32_t)l2;
	l->len[3] = (uint32_t)(w->text.n - off - l0 - l1 - l2);
	l->width[0] = w0;
	l->width[1] = wl;
	l->indent = indent;
	return true;
}

static void print_expanded(fmt *f, const struct fmt_stmt *s, const header *h,
                           const body *b, unsigned indent)
{
	begin_direct(f, indent);
	put_tok(f, f->out, &h->kind);
	pm_buf_putc(f->m, f->out, ' ');
	put_tok(f, f->out, &h->id);
	if (h->has_label) {
		pm_buf_putc(f->m, f->out, ' ');
		put_tok(f, f->out, &h->label);
	}
	pm_buf_put(f->m, f->out, " {", 2);
	put_trailing(f, f->out, b->open);
	pm_buf_putc(f->m, f->out, '\n');
	print_body(f, b, indent + 2);
	pm_buf_spaces(f->m, f->out, indent);
	pm_buf_putc(f->m, f->out, '}');
	put_trailing(f, f->out, s->trail);
	pm_buf_putc(f->m, f->out, '\n');
}

/* A declaration: without a body (or an empty one) on one line; a step,
 * person or tool whose body holds no comment and fits, on one line too;
 * anything else expanded, one statement a line. */
static void print_decl(fmt *f, uint32_t si, unsigned indent)
{
	struct fmt_stmt s = f->w->stmts.v[si];
	header h = read_header(f, &s);
	if (s.body == NONE || f->depth >= MAX_DEPTH) {
		if (s.body != NONE)      /* deeper than the language allows */
			print_simple(f, &s, indent);
		else
			queue_one_line(f, &s, &h, NULL, indent);
		return;
	}
	body b;
	scan_nested(f, &s, &b);
	bool one_line;
	if (b.n == 0 && b.comments == 0) {
		one_line = queue_one_line(f, &s, &h, NULL, indent);
	} else if (s.scope >= SC_STEP && b.comments == 0) {
		sort_body(f, &b);
		one_line = queue_one_line(f, &s, &h, &b, indent);
	} else {
		one_line = false;
	}
	if (!one_line) {
		f->depth++;
		print_expanded(f, &s, &h, &b, indent);
		f->depth--;
	}
	pop_body(f, &b);
}

static void print_body(fmt *f, const body *b, unsigned indent)
{
	sort_body(f, b);
	f->printed = false;
	f->want_blank = false;
	for (uint32_t i = 0; i < b->n; i++) {
		struct fmt_stmt *s = &f->w->stmts.v[b->first + i];
		print_trivia(f, s->lead, s->nlead, indent);
		if (s->kind == ST_DECL)
			print_decl(f, b->first + i, indent);
		else if (s->kind == ST_FLOW && !s->inner)
			queue_flow(f, s, indent);
		else
			print_simple(f, s, indent);
	}
	print_trivia(f, b->end, b->nend, indent);
	flush_queue(f);
	f->printed = true;
	f->want_blank = false;
}

static void fmt_init(fmt *f, pm_model *m, pm_work *w, const char *src,
                     size_t len, pm_buf *out)
{
	memset(f, 0, sizeof *f);
	f->m = m;
	f->w = w;
	f->src = src;
	f->len = len;
	f->out = out;
}

/* The first token of the text, past a byte order mark; it counts as the
 * first of its line. */
static void cur_start(const fmt *f, cursor *c)
{
	size_t bom = f->len >= 3 && memcmp(f->src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	cur_seek(f, c, bom);
	c->nl++;
}

void pm_fmt_text(pm_model *m, pm_work *w, const char *src, size_t len,
                 pm_buf *out)
{
	fmt f;
	fmt_init(&f, m, w, src, len, out);
	cursor c;
	cur_start(&f, &c);
	body b;
	scan_body(&f, &c, &b, SC_TOP);
	print_body(&f, &b, 0);
	pop_body(&f, &b);
}

/* --- the comment table of a .pmap file ------------------------------------------- */

/* Counters that follow the parser: it appends elements, arrows and ignores
 * in the order they are written, depth first, so the n-th declaration of a
 * kind in the only file of a model is element n of that kind. */
typedef struct collect {
	fmt f;
	pm_ix next[SC_TOOL + 1];  /* per element kind: the next element index */
	pm_ix arrows, ignores;
} collect;

static void add_triv(collect *k, pm_anchor_kind ak, pm_ix elem, unsigned slot,
                     bool trailing, uint32_t pos)
{
	fmt *f = &k->f;
	pm_trivia *t = pm_vec_push(f->m, f->w->table);
	t->akind = (uint8_t)ak;
	t->slot = (uint8_t)slot;
	t->trailing = trailing;
	t->elem = elem;
	t->text = pos == BLANK ? 0 : pm_intern(f->m, f->src + pos, comment_len(f, pos));
	t->seq = f->w->table.n - 1;
}

static void add_trivs(collect *k, pm_anchor_kind ak, pm_ix elem, unsigned slot,
                      uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		add_triv(k, ak, elem, slot, false, k->f.w->triv.v[first + i]);
}

/* Comments inside a statement (after ',' or '->') cannot stay there in
 * YAML: they go before it.  Returns the number of arrows in it. */
static uint32_t inner_comments(collect *k, const struct fmt_stmt *s,
                               pm_anchor_kind ak, pm_ix elem, unsigned slot)
{
	cursor c;
	uint32_t arrows = 0;
	cur_seek(&k->f, &c, s->start);
	for (; c.t.kind != PM_T_EOF && c.t.start < s->end; adv(&c)) {
		if (c.t.kind == PM_T_ARROW)
			arrows++;
		else if (c.t.kind == PM_T_COMMENT && s->inner)
			add_triv(k, ak, elem, slot, false, c.t.start);
	}
	return arrows;
}

static void collect_body(collect *k, const body *b, pm_anchor_kind ak, pm_ix elem);

static void collect_decl(collect *k, const struct fmt_stmt *s)
{
	pm_anchor_kind ak = scope_ak(s->scope);
	pm_ix elem = k->next[ak]++;
	add_trivs(k, ak, elem, PM_SLOT_STMT, s->lead, s->nlead);
	if (s->trail != NONE)
		add_triv(k, ak, elem, PM_SLOT_STMT, true, s->trail);
	if (s->body == NONE || k->f.depth >= MAX_DEPTH)
		return;
	body b;
	scan_nested(&k->f, s, &b);
	if (b.open != NONE)
		add_triv(k, ak, elem, PM_SLOT_OPEN, true, b.open);
	k->f.depth++;
	collect_body(k, &b, ak, elem);
	k->f.depth--;
	pop_body(&k->f, &b);
}

static void collect_stmt(collect *k, const struct fmt_stmt *s,
                         pm_anchor_kind ak, pm_ix elem)
{
	unsigned slot = PM_SLOT_STMT;
	if (s->kind == ST_ATTR && s->key == PM_KEY_IGNORE) {
		ak = PM_AK_IGNORE;
		elem = k->ignores++;
	} else if (s->kind == ST_ATTR) {
		slot = PM_SLOT_KEY + s->key;
	} else {
		ak = PM_AK_CHAIN;
		elem = k->arrows;
	}
	add_trivs(k, ak, elem, slot, s->lead, s->nlead);
	uint32_t arrows = inner_comments(k, s, ak, elem, slot);
	if (s->trail != NONE)
		add_triv(k, ak, elem, slot, true, s->trail);
	if (s->kind == ST_FLOW)
		k->arrows += arrows;
}

/* In written order, not sorted: the counters follow the parser. */
static void collect_body(collect *k, const body *b, pm_anchor_kind ak, pm_ix elem)
{
	for (uint32_t i = 0; i < b->n; i++) {
		struct fmt_stmt s = k->f.w->stmts.v[b->first + i];
		if (s.kind == ST_DECL)
			collect_decl(k, &s);
		else
			collect_stmt(k, &s, ak, elem);
	}
	add_trivs(k, ak, elem, PM_SLOT_END, b->end, b->nend);
}

void pm_fmt_collect_trivia(pm_model *m, pm_work *w, const char *src, size_t len)
{
	collect k;
	memset(&k, 0, sizeof k);
	fmt_init(&k.f, m, w, src, len, NULL);
	cursor c;
	cur_start(&k.f, &c);
	body b;
	scan_body(&k.f, &c, &b, SC_TOP);
	collect_body(&k, &b, PM_AK_TOP, 0);
	pop_body(&k.f, &b);
}

/* --- public entry point ------------------------------------------------------------ */

pm_status pm_format_pmap(pm_model *m, const char *name, const char *text,
                         size_t len, char **out, size_t *outlen)
{
	if (out)
		*out = NULL;
	if (outlen)
		*outlen = 0;
	if (!m || !name || !out || (!text && len))
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	if (m->files.n)
		return PM_ERR_USAGE;
	pm_status st = pm_model_load_buffer(m, name, text, len, PM_INPUT_PMAP);
	if (st != PM_OK)
		return st;
	pm_work *w = pm_work_new();
	if (!w) {
		m->broken = true;
		return PM_ERR_NOMEM;
	}
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		pm_work_free(w);
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	const pm_file *pf = &m->files.v[0];
	pm_fmt_text(m, w, pf->data, pf->len, &w->out);
	pm_buf_putc(m, &w->out, '\0');
	*out = w->out.v;
	if (outlen)
		*outlen = w->out.n - 1;
	w->out.v = NULL;
	m->oom = NULL;
	pm_work_free(w);
	return PM_OK;
}
