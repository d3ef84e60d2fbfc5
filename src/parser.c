/* parser.c — recursive descent over the .pmap tokens into the model.
 *
 * Nesting is fixed by the language (top → system → process → step), so the
 * recursion depth is at most four whatever the input; a misplaced block is
 * skipped with a counter, not parsed.  After an error the rest of the
 * statement is skipped, which keeps one mistake to one diagnostic.
 */
#include <string.h>

#include "lexer.h"
#include "rules.h"
#include "suggest.h"

typedef enum scope_kind {
	S_TOP, S_SYSTEM, S_PROCESS, S_STEP, S_PERSON, S_TOOL, S_ACTOR
} scope_kind;

static const char *const scope_names[] = {
	"the top level", "a system", "a process", "a step", "a person", "a tool",
	"an actor",
};

typedef struct scope scope;
struct scope {
	scope_kind kind;
	pm_ix idx;
	const scope *parent;  /* NULL at the top level */
	unsigned seen;       /* attribute bits given so far */
	uint64_t ignored;    /* rules (bit = index in pm_rules) given an ignore */
};

typedef struct parser {
	pm_model *m;
	pm_lexer lx;
	pm_token tok, ahead;
	bool has_ahead;
	bool bol;            /* tok is the first token of its line */
	pm_tok prev;         /* the kind of the token before tok */
	uint32_t indent;     /* column of the first token of tok's line */
} parser;

enum key {
	K_TITLE, K_OWNER, K_DESCRIPTION, K_RUNS, K_TRIGGER, K_USES, K_TAKES,
	K_WAITS, K_CAPACITY, K_IGNORE, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"title", "owner", "description", "runs", "trigger", "uses", "takes",
	"waits", "capacity", "ignore",
};
static const uint8_t key_lens[K_COUNT] = { 5, 5, 11, 4, 7, 4, 5, 5, 8, 6 };

#define B(k) (1u << (k))
static const unsigned keys_allowed[] = {
	[S_TOP] = B(K_TITLE),
	[S_SYSTEM] = B(K_OWNER) | B(K_DESCRIPTION) | B(K_IGNORE),
	[S_PROCESS] = B(K_OWNER) | B(K_DESCRIPTION) | B(K_RUNS) | B(K_TRIGGER) | B(K_IGNORE),
	[S_STEP] = B(K_OWNER) | B(K_USES) | B(K_TAKES) | B(K_WAITS) | B(K_DESCRIPTION) | B(K_IGNORE),
	[S_PERSON] = B(K_CAPACITY) | B(K_DESCRIPTION) | B(K_IGNORE),
	[S_TOOL] = B(K_DESCRIPTION) | B(K_IGNORE),
	[S_ACTOR] = B(K_DESCRIPTION) | B(K_IGNORE),
};

/* kind_words[i] declares scope i + 1 */
static const char *const kind_words[] = {
	"system", "process", "step", "person", "tool", "actor",
};
static const uint8_t kind_lens[] = { 6, 7, 4, 6, 4, 5 };
#define NKINDS (sizeof kind_words / sizeof *kind_words)
static const scope_kind kind_scopes[] = {
	S_SYSTEM, S_PROCESS, S_STEP, S_PERSON, S_TOOL, S_ACTOR,
};

/* Which declarations each scope may hold. */
static const unsigned decls_allowed[S_ACTOR + 1] = {   /* zero: holds nothing */
	[S_TOP] = B(S_SYSTEM) | B(S_PROCESS) | B(S_PERSON) | B(S_TOOL) | B(S_ACTOR),
	[S_SYSTEM] = B(S_PROCESS),
	[S_PROCESS] = B(S_STEP),
};

/* --- tokens ------------------------------------------------------------------ */

static void next(parser *p)
{
	p->bol = p->tok.kind == PM_T_NEWLINE;
	p->prev = p->tok.kind;
	if (p->has_ahead) {
		p->tok = p->ahead;
		p->has_ahead = false;
	} else {
		pm_lex_next(&p->lx, &p->tok);
	}
	if (p->bol)
		p->indent = p->tok.loc.col;
}

static const pm_token *peek(parser *p)
{
	if (!p->has_ahead) {
		pm_lex_next(&p->lx, &p->ahead);
		p->has_ahead = true;
	}
	return &p->ahead;
}

/* Whether token t is the keyword `word` of n bytes (4 to 16, as every
 * keyword is): two overlapping loads a side, all inside the token once its
 * length matches.  Keywords are matched against every statement's first
 * word. */
/* w (4 or 8) bytes at s, for a comparison. */
static inline uint64_t load_w(const char *s, uint32_t w)
{
	uint64_t v = 0;
	if (w == 8) {
		memcpy(&v, s, 8);
	} else {
		uint32_t h;
		memcpy(&h, s, 4);
		v = h;
	}
	return v;
}

static inline bool tok_is_n(const parser *p, const pm_token *t, const char *word,
                            uint32_t n)
{
	if (t->kind != PM_T_IDENT || t->len != n)
		return false;
	const char *s = p->lx.src + t->start;
	uint32_t w = n >= 8 ? 8 : 4;
	return load_w(s, w) == load_w(word, w) &&
	       load_w(s + n - w, w) == load_w(word + n - w, w);
}

#define tok_is(p, t, word) tok_is_n((p), (t), (word), sizeof word - 1)

/* A printable description of a token for "unexpected …" messages. */
static const char *tok_desc(parser *p, const pm_token *t)
{
	switch (t->kind) {
	case PM_T_EOF: return "end of file";
	case PM_T_NEWLINE: return "end of line";
	case PM_T_IDENT:
	case PM_T_WORD:
	case PM_T_STRING: {
		uint32_t n = t->len > 40 ? 40 : t->len;
		bool ascii = true;
		for (uint32_t i = 0; i < n; i++)
			ascii &= (unsigned char)p->lx.src[t->start + i] >= 0x20 &&
			         (unsigned char)p->lx.src[t->start + i] < 0x7f;
		if (!ascii)
			return t->kind == PM_T_STRING ? "string" : "value";
		if (t->kind == PM_T_STRING)
			return pm_arena_printf(p->m, "string %.*s%s", (int)n,
			                       p->lx.src + t->start, t->len > 40 ? "...\"" : "");
		return pm_arena_printf(p->m, "'%.*s%s'", (int)n, p->lx.src + t->start,
		                       t->len > 40 ? "..." : "");
	}
	default:
		return pm_tok_name(t->kind);
	}
}

static void error_at(parser *p, const char *rule, const pm_token *t,
                     const char *fmt, const char *a, const char *b)
{
	pm_error(p->m, rule, t->loc, fmt, a, b);
}

/* Skips to the end of the statement: a newline or ';' outside braces, or the
 * '}' that closes the enclosing block (neither is consumed). */
static void skip_statement(parser *p)
{
	int depth = 0;
	for (;;) {
		switch (p->tok.kind) {
		case PM_T_EOF:
			return;
		case PM_T_NEWLINE:
		case PM_T_SEMI:
			if (depth == 0)
				return;
			break;
		case PM_T_LBRACE:
			depth++;
			break;
		case PM_T_RBRACE:
			if (depth == 0)
				return;
			depth--;
			break;
		default:
			break;
		}
		next(p);
	}
}

static void expect_end(parser *p)
{
	switch (p->tok.kind) {
	case PM_T_NEWLINE:
	case PM_T_SEMI:
		next(p);
		return;
	case PM_T_RBRACE:
	case PM_T_EOF:
		return;
	default:
		error_at(p, "syntax", &p->tok,
		         "unexpected %s; expected a newline or ';'%s",
		         tok_desc(p, &p->tok), "");
		skip_statement(p);
	}
}

/* --- attributes --------------------------------------------------------------- */

static pm_ref *owner_slot(pm_model *m, const scope *sc)
{
	switch (sc->kind) {
	case S_SYSTEM: return &m->systems.v[sc->idx].owner;
	case S_PROCESS: return &m->processes.v[sc->idx].owner;
	case S_STEP: return &m->steps.v[sc->idx].owner;
	default: return NULL;
	}
}

static pm_str *description_slot(pm_model *m, const scope *sc)
{
	switch (sc->kind) {
	case S_SYSTEM: return &m->systems.v[sc->idx].description;
	case S_PROCESS: return &m->processes.v[sc->idx].description;
	case S_STEP: return &m->steps.v[sc->idx].description;
	case S_PERSON:
	case S_ACTOR: return &m->people.v[sc->idx].description;
	case S_TOOL: return &m->tools.v[sc->idx].description;
	default: return NULL;
	}
}

static bool expect_value(parser *p, pm_tok kind, const char *key, const char *what)
{
	if (p->tok.kind == kind)
		return true;
	pm_error(p->m, "bad-value", p->tok.loc, "'%s' takes %s, not %s", key, what,
	         tok_desc(p, &p->tok));
	skip_statement(p);
	return false;
}

static pm_kind scope_to_kind(scope_kind k)
{
	switch (k) {
	case S_SYSTEM: return PM_KIND_SYSTEM;
	case S_PROCESS: return PM_KIND_PROCESS;
	case S_STEP: return PM_KIND_STEP;
	case S_PERSON:
	case S_ACTOR: return PM_KIND_PERSON;
	default: return PM_KIND_TOOL;
	}
}

/* ignore -> 'ignore' ':' RULE STRING */
static void parse_ignore(parser *p, scope *sc)
{
	pm_model *m = p->m;
	if (!expect_value(p, PM_T_IDENT, "ignore", "a rule name and a reason"))
		return;
	pm_token rule = p->tok;
	const char *rname = p->lx.src + rule.start;
	const pm_rule_info *ri = pm_rule_find(rname, rule.len);
	if (!ri || !ri->analysis) {
		char *name = pm_arena_strdup(m, rname, rule.len);
		pm_error(m, "unknown-reference", rule.loc, "unknown rule '%s' in ignore%s",
		         name, pm_suggest_hint(m, pm_suggest_rule(name, rule.len)));
		skip_statement(p);
		return;
	}
	/* one reason a rule: YAML's `ignore:` mapping cannot hold two */
	uint64_t bit = pm_rule_bit(ri);
	if (sc->ignored & bit) {
		pm_error(m, "duplicate-attribute", rule.loc, "'ignore: %s' is given twice for %s",
		         ri->name, scope_names[sc->kind]);
		skip_statement(p);
		return;
	}
	sc->ignored |= bit;
	next(p);
	if (p->tok.kind != PM_T_STRING) {
		pm_error(m, "bad-value", p->tok.loc,
		         "'ignore: %s' needs a reason in double quotes", ri->name);
		skip_statement(p);
		return;
	}
	if (p->tok.len <= 2 && !p->tok.bad) {   /* "": the quotes alone */
		pm_error(m, "bad-value", p->tok.loc, "'ignore: %s' needs a reason", ri->name);
		skip_statement(p);
		return;
	}
	pm_ignore *ig = pm_vec_push(m, m->ignores);
	ig->kind = scope_to_kind(sc->kind);
	ig->elem = sc->idx;
	ig->rule = pm_intern(m, ri->name, strlen(ri->name));
	ig->reason = pm_lex_string(&p->lx, &p->tok);
	ig->loc = rule.loc;
	ig->used = false;
	next(p);
}

/* uses -> 'uses' ':' ID { ',' ID } */
static void parse_uses(parser *p, scope *sc)
{
	pm_model *m = p->m;
	m->steps.v[sc->idx].uses_first = m->uses.n;
	for (;;) {
		if (!expect_value(p, PM_T_IDENT, "uses", "tool ids"))
			break;
		pm_ref *r = pm_vec_push(m, m->uses);
		r->name = pm_lex_intern(&p->lx, &p->tok);
		r->loc = p->tok.loc;
		r->target = PM_NONE;
		next(p);
		if (p->tok.kind != PM_T_COMMA)
			break;
		next(p);
		while (p->tok.kind == PM_T_NEWLINE)
			next(p);
	}
	m->steps.v[sc->idx].uses_count = m->uses.n - m->steps.v[sc->idx].uses_first;
}

/* The end of a value written with spaces ("2 hours", "10 hours/week"): the
 * rest of the statement on this line, up to a ';', '}', ',', '#' or a
 * string.  Lexing those bytes would report each '/' on its own. */
static size_t value_end(const parser *p, const pm_token *t)
{
	const char *s = p->lx.src;
	size_t e = t->start + t->len, last = e;
	if (p->has_ahead)
		return last;
	for (;; e++) {
		unsigned char c = (unsigned char)s[e];
		if (c == '\0' || c == '\n' || c == '\r' || c == ';' || c == '}' ||
		    c == ',' || c == '#' || c == '"' || c == '{' || c >= 0x80)
			break;
		if (c != ' ' && c != '\t')
			last = e + 1;
	}
	return last;
}

/* Moves the lexer to byte `end` of the current line and reads on there. */
static void skip_to(parser *p, size_t end)
{
	p->lx.pos = end;
	next(p);
}

static void parse_measure(parser *p, scope *sc, enum key k)
{
	pm_model *m = p->m;
	const char *key = key_names[k];
	if (p->tok.kind == PM_T_STRING && !p->tok.has_escape && !p->tok.bad &&
	    p->tok.len > 2 && p->tok.len < 40) {
		pm_error(m, "bad-value", p->tok.loc, "bad %s %.*s: values take no quotes: "
		         "write '%.*s'", key, (int)p->tok.len, p->lx.src + p->tok.start,
		         (int)p->tok.len - 2, p->lx.src + p->tok.start + 1);
		next(p);
		return;
	}
	if (p->tok.kind != PM_T_IDENT &&
	    !expect_value(p, PM_T_WORD, key,
	                  k == K_RUNS ? "a rate such as 5/week" :
	                  k == K_CAPACITY ? "a capacity such as 30h/week" :
	                  "a duration such as 1h30m"))
		return;
	const char *s = p->lx.src + p->tok.start;
	size_t end = value_end(p, &p->tok);
	size_t n = end - p->tok.start;
	const char *why = NULL;
	bool ok;
	int64_t secs = 0;
	double rate = 0;
	if (k == K_RUNS)
		ok = pm_parse_rate(s, n, &rate, &why);
	else if (k == K_CAPACITY)
		ok = pm_parse_capacity(s, n, &secs, &why);
	else
		ok = pm_parse_duration(s, n, &secs, &why);
	if (!ok) {
		why = pm_value_advice(m, k == K_RUNS ? 'r' : k == K_CAPACITY ? 'c' : 'd',
		                      s, n, why);
		pm_error(m, "bad-value", p->tok.loc, "bad %s '%.*s%s': %s", key,
		         (int)(n > 40 ? 40 : n), s, n > 40 ? "..." : "", why);
		skip_to(p, end);
		return;
	}
	pm_str text = pm_lex_intern(&p->lx, &p->tok);
	switch (k) {
	case K_RUNS:
		m->processes.v[sc->idx].runs_per_week = rate;
		m->processes.v[sc->idx].runs_text = text;
		break;
	case K_CAPACITY:
		m->people.v[sc->idx].capacity_s = secs;
		m->people.v[sc->idx].capacity_text = text;
		break;
	case K_TAKES:
		m->steps.v[sc->idx].takes = pm_secs_store(secs);
		m->steps.v[sc->idx].takes_text = text;
		break;
	default:
		m->steps.v[sc->idx].waits = pm_secs_store(secs);
		m->steps.v[sc->idx].waits_text = text;
		break;
	}
	next(p);
}

static void parse_string_attr(parser *p, scope *sc, enum key k)
{
	pm_model *m = p->m;
	if (!expect_value(p, PM_T_STRING, key_names[k], "a string in double quotes"))
		return;
	pm_str s = pm_lex_string(&p->lx, &p->tok);
	if (k == K_TITLE) {
		m->title = s;
		m->title_loc = p->tok.loc;
	} else if (k == K_TRIGGER) {
		m->processes.v[sc->idx].trigger = s;
	} else {
		*description_slot(m, sc) = s;
	}
	next(p);
}

/* The attribute key the token names, or -1. */
static int key_index(const parser *p, const pm_token *t)
{
	/* every attribute asks: one candidate from the first letter */
	if (t->kind != PM_T_IDENT || t->len == 0)
		return -1;
	const char *s = p->lx.src + t->start;
	int k;
	switch (s[0]) {
	case 't': k = t->len != 5 ? K_TRIGGER : s[1] == 'i' ? K_TITLE : K_TAKES; break;
	case 'o': k = K_OWNER; break;
	case 'd': k = K_DESCRIPTION; break;
	case 'r': k = K_RUNS; break;
	case 'u': k = K_USES; break;
	case 'w': k = K_WAITS; break;
	case 'c': k = K_CAPACITY; break;
	case 'i': k = K_IGNORE; break;
	default: return -1;
	}
	return tok_is_n(p, t, key_names[k], key_lens[k]) ? k : -1;
}

/* attribute -> KEY ':' value { ',' value }   (title also without ':') */
static void parse_attribute(parser *p, scope *sc)
{
	pm_model *m = p->m;
	pm_token key = p->tok;
	const char *name = p->lx.src + key.start;
	int k = key_index(p, &key);
	next(p);
	if (p->tok.kind == PM_T_COLON)
		next(p);
	if (k == K_CAPACITY && sc->kind == S_ACTOR) {
		pm_error(m, "unknown-attribute", key.loc,
		         "no attribute 'capacity' for an actor: an actor's work counts "
		         "towards nobody's load (declare a person to give a capacity)");
		skip_statement(p);
		return;
	}
	if (k < 0 || !(keys_allowed[sc->kind] & B(k))) {
		char *kn = pm_arena_strdup(m, name, key.len);
		const char *near = k < 0 ? pm_suggest_word(kn, key.len, key_names, K_COUNT,
		                                           keys_allowed[sc->kind]) : NULL;
		const char *hint = near ? pm_suggest_hint(m, near) :
		                   pm_arena_printf(m, " (%s takes %s)", scope_names[sc->kind],
		                                   pm_suggest_choices(m, key_names, K_COUNT,
		                                             keys_allowed[sc->kind]));
		pm_error(m, "unknown-attribute", key.loc, "%s attribute '%s' for %s%s",
		         k < 0 ? "unknown" : "no", kn, scope_names[sc->kind], hint);
		skip_statement(p);
		return;
	}
	if (k != K_IGNORE && (sc->seen & B(k))) {
		pm_error(m, "duplicate-attribute", key.loc, "'%s' is given twice for %s",
		         key_names[k], scope_names[sc->kind]);
		skip_statement(p);
		return;
	}
	if (k == K_TITLE && m->title) {
		pm_error(m, "duplicate-attribute", key.loc,
		         "'title' is given twice for the model");
		skip_statement(p);
		return;
	}
	sc->seen |= B(k);
	switch (k) {
	case K_TITLE:
	case K_DESCRIPTION:
	case K_TRIGGER:
		parse_string_attr(p, sc, k);
		break;
	case K_OWNER:
		if (expect_value(p, PM_T_IDENT, "owner", "a person or actor id")) {
			pm_ref *r = owner_slot(m, sc);
			r->name = pm_lex_intern(&p->lx, &p->tok);
			r->loc = p->tok.loc;
			next(p);
		}
		break;
	case K_USES:
		parse_uses(p, sc);
		break;
	case K_IGNORE:
		parse_ignore(p, sc);
		break;
	default:
		parse_measure(p, sc, k);
		break;
	}
	if (p->tok.kind == PM_T_COMMA && key_index(p, peek(p)) >= 0) {
		/* "takes: 1h, waits: 2h": the comma stands for a ';' */
		pm_error(m, "syntax", p->tok.loc, "separate attributes with ';' or a new line");
		next(p);
		return;
	}
	if (p->tok.kind == PM_T_COMMA) {
		pm_error(m, "bad-value", p->tok.loc, "'%s' takes one value", key_names[k]);
		skip_statement(p);
	}
	expect_end(p);
}

/* --- flows -------------------------------------------------------------------- */

/* True when token b starts where token a ends: "abc%" or "40%" in two. */
static bool adjacent(const pm_token *a, const pm_token *b)
{
	return b->start == a->start + a->len && b->loc.line == a->loc.line;
}

/* chance -> WORD   ("40%", "33.3%")
 * Fills the chance of arrow `ai` from the current token, or reports a bad
 * one and returns false (the statement is then skipped).  A bad chance
 * keeps its text with chance -1, so that resolve leaves its alternatives
 * unchecked instead of adding a second error about them. */
static bool parse_chance(parser *p, pm_ix ai)
{
	pm_model *m = p->m;
	pm_token t = p->tok;
	const char *s = p->lx.src + t.start;
	size_t n = t.len;
	double chance;
	const char *why;
	bool ok = t.kind == PM_T_WORD && pm_parse_chance(s, n, &chance, &why);
	pm_chance *c = pm_arrow_add_chance(m, ai, t.loc);
	if (ok) {
		c->text = pm_lex_intern(&p->lx, &t);
		c->value = chance;
		next(p);
		return true;
	}
	const pm_token *ahead = peek(p);
	bool split = ahead->kind == PM_T_WORD && adjacent(&t, ahead) == false &&
	             p->lx.src[ahead->start] == '%' && ahead->len == 1;
	bool glued = ahead->kind == PM_T_WORD && adjacent(&t, ahead) &&
	             p->lx.src[ahead->start] == '%';
	size_t shown = glued ? ahead->len + t.len : t.len;
	c->text = pm_intern(m, s, shown);
	if (split)
		why = "write the '%' right after the number, as in 40%";
	else if (glued || t.kind != PM_T_WORD)
		why = "expected a number before '%', as in 40%";
	pm_error(m, "bad-value", t.loc, "bad chance '%.*s%s': %s", (int)shown, s,
	         split ? " %" : "", why);
	return false;
}

/* flow -> NAME '->' NAME [STRING] [chance] { '->' NAME [STRING] [chance] } */
static void parse_flow(parser *p, scope *sc)
{
	pm_model *m = p->m;
	if (sc->kind != S_TOP && sc->kind != S_SYSTEM && sc->kind != S_PROCESS) {
		error_at(p, "misplaced-declaration", &p->tok,
		         "arrows belong in a process, a system or at the top level, "
		         "not in %s%s", scope_names[sc->kind], "");
		skip_statement(p);
		return;
	}
	pm_ref from = { pm_lex_intern(&p->lx, &p->tok), p->tok.loc, PM_NONE };
	next(p);
	while (p->tok.kind == PM_T_ARROW) {
		next(p);
		while (p->tok.kind == PM_T_NEWLINE)
			next(p);
		if (p->tok.kind != PM_T_IDENT) {
			error_at(p, "syntax", &p->tok, "unexpected %s; expected a name after '->'%s",
			         tok_desc(p, &p->tok), "");
			skip_statement(p);
			return;
		}
		pm_arrow *a = pm_vec_push(m, m->arrows);
		a->from = from;
		a->to.name = pm_lex_intern(&p->lx, &p->tok);
		a->to.loc = p->tok.loc;
		a->to.target = PM_NONE;
		a->label = 0;
		a->chance = PM_NONE;
		a->scope_kind = sc->kind == S_TOP ? PM_SCOPE_TOP :
		                sc->kind == S_SYSTEM ? PM_SCOPE_SYSTEM : PM_SCOPE_PROCESS;
		a->scope = sc->kind == S_TOP ? PM_NONE : sc->idx;
		from = a->to;
		next(p);
		if (p->tok.kind == PM_T_STRING) {
			m->arrows.v[m->arrows.n - 1].label = pm_lex_string(&p->lx, &p->tok);
			next(p);
		}
		if (p->tok.kind == PM_T_WORD ||
		    (p->tok.kind == PM_T_IDENT && peek(p)->kind == PM_T_WORD &&
		     adjacent(&p->tok, peek(p)) && p->lx.src[peek(p)->start] == '%')) {
			if (!parse_chance(p, m->arrows.n - 1)) {
				skip_statement(p);
				return;
			}
		}
	}
	expect_end(p);
}

/* --- declarations -------------------------------------------------------------- */

/* An open '{': where it is, the indentation of its line, and whether the
 * lines of the block are indented deeper (1), not (-1) or not seen yet. */
typedef struct block {
	pm_token open;
	uint32_t indent;
	int deeper;
} block;

static bool parse_body(parser *p, scope *sc, block *open, const char *what);
static bool next_line(const parser *p, const pm_token *t, uint32_t *line, uint32_t *col);

static void skip_block(parser *p)
{
	int depth = 0;
	do {
		if (p->tok.kind == PM_T_LBRACE)
			depth++;
		else if (p->tok.kind == PM_T_RBRACE)
			depth--;
		else if (p->tok.kind == PM_T_EOF)
			return;
		next(p);
	} while (depth > 0);
}

static const char *placement(scope_kind k)
{
	switch (k) {
	case S_STEP: return "inside a process";
	case S_PROCESS: return "at the top level or inside a system";
	default: return "at the top level";
	}
}

static pm_ix new_element(parser *p, scope_kind k, pm_str id, pm_str label,
                         pm_loc loc, const scope *parent)
{
	pm_model *m = p->m;
	switch (k) {
	case S_SYSTEM: {
		pm_system *s = pm_vec_push(m, m->systems);
		memset(s, 0, sizeof *s);
		s->id = id; s->label = label; s->loc = loc;
		s->owner.target = PM_NONE;
		s->proc_first = m->processes.n;
		return m->systems.n - 1;
	}
	case S_PROCESS: {
		pm_process *pr = pm_vec_push(m, m->processes);
		memset(pr, 0, sizeof *pr);
		pr->id = id; pr->label = label; pr->loc = loc;
		pr->owner.target = PM_NONE;
		pr->runs_per_week = -1;
		pr->system = parent->kind == S_SYSTEM ? parent->idx : PM_NONE;
		pr->step_first = m->steps.n;
		return m->processes.n - 1;
	}
	case S_STEP: {
		pm_step *s = pm_vec_push(m, m->steps);
		memset(s, 0, sizeof *s);
		s->id = id; s->label = label; s->loc = loc;
		s->owner.target = PM_NONE;
		s->takes = s->waits = PM_NO_SECS;
		s->process = parent->idx;
		s->uses_first = m->uses.n;
		s->eff_owner = PM_NONE;
		return m->steps.n - 1;
	}
	case S_PERSON:
	case S_ACTOR: {
		pm_person *pe = pm_vec_push(m, m->people);
		memset(pe, 0, sizeof *pe);
		pe->id = id; pe->label = label; pe->loc = loc;
		pe->capacity_s = -1;
		pe->actor = k == S_ACTOR;
		return m->people.n - 1;
	}
	default: {
		pm_tool *t = pm_vec_push(m, m->tools);
		memset(t, 0, sizeof *t);
		t->id = id; t->label = label; t->loc = loc;
		return m->tools.n - 1;
	}
	}
}

/* Closes the runs of processes of a system, or of steps of a process. */
static void close_element(pm_model *m, const scope *sc)
{
	if (sc->kind == S_SYSTEM)
		m->systems.v[sc->idx].proc_count =
			m->processes.n - m->systems.v[sc->idx].proc_first;
	else if (sc->kind == S_PROCESS)
		m->processes.v[sc->idx].step_count =
			m->steps.n - m->processes.v[sc->idx].step_first;
}

/* A label written without quotes ("step draft Draft post {"): the words
 * up to the '{' or the end of the line, reported once and kept. */
static pm_str bare_label(parser *p)
{
	pm_token first = p->tok, last = p->tok;
	while (p->tok.kind == PM_T_IDENT || p->tok.kind == PM_T_WORD) {
		last = p->tok;
		next(p);
	}
	const char *s = p->lx.src + first.start;
	int n = (int)(last.start + last.len - first.start);
	pm_error(p->m, "syntax", first.loc, "%s: \"%.*s\"", memchr(s, ' ', (size_t)n) ?
	         "a label with spaces needs quotes" : "a label needs quotes", n, s);
	return pm_intern(p->m, s, (size_t)n);
}

/* Whether an id (a few bytes) holds a '.': faster than a call of memchr. */
static bool has_dot(const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (s[i] == '.')
			return true;
	return false;
}

/* decl -> KIND ID [STRING] ['{' body '}'] */
static void parse_decl(parser *p, scope *parent, int kind_index)
{
	pm_model *m = p->m;
	scope_kind k = kind_scopes[kind_index];
	pm_token kw = p->tok;
	bool kw_first = p->bol;
	next(p);
	pm_token idt = p->tok;
	bool placed = decls_allowed[parent->kind] & B(k);
	if (!placed)
		error_at(p, "misplaced-declaration", &kw, "'%s' declarations belong %s",
		         kind_words[kind_index], placement(k));
	else if (has_dot(p->lx.src + idt.start, idt.len)) {
		error_at(p, "syntax", &idt, "invalid id %s: ids cannot contain '.'%s",
		         tok_desc(p, &idt), "");
		placed = false;
	}
	next(p);
	if (placed && p->tok.kind == PM_T_COLON) {
		error_at(p, "syntax", &p->tok, "a declaration takes no ':': write '%s %s'",
		         kind_words[kind_index], pm_arena_strdup(m, p->lx.src + idt.start, idt.len));
		next(p);
	}
	pm_str label = 0;
	pm_token last = idt;
	if (placed && (p->tok.kind == PM_T_IDENT || p->tok.kind == PM_T_WORD))
		label = bare_label(p);
	else if (p->tok.kind == PM_T_STRING) {
		last = p->tok;
		if (placed)
			label = pm_lex_string(&p->lx, &p->tok);
		next(p);
	}
	if (!placed) {
		if (p->tok.kind == PM_T_LBRACE)
			skip_block(p);
		expect_end(p);
		return;
	}
	pm_str id = pm_lex_intern(&p->lx, &idt);
	uint32_t line, col;
	bool open_missing = kw_first && p->tok.kind == PM_T_NEWLINE && k != S_PERSON &&
	                    k != S_TOOL && k != S_ACTOR && next_line(p, &last, &line, &col) &&
	                    col > kw.loc.col;
	scope sc = { k, new_element(p, k, id, label ? label : id, kw.loc, parent),
	             parent, 0, 0 };
	if (open_missing) {
		/* "process social" and its block on the lines below, deeper */
		pm_error(m, "syntax", last.loc, "'{' missing after %s '%s': its block seems to "
		         "start on line %u", kind_words[kind_index], pm_str_get(m, id),
		         (unsigned)line);
		block b = { last, p->indent, 1 };
		if (!parse_body(p, &sc, &b, kind_words[kind_index])) {
			close_element(m, &sc);
			return;
		}
	} else if (p->tok.kind == PM_T_LBRACE) {
		block b = { p->tok, p->indent, 0 };
		next(p);
		if (!parse_body(p, &sc, &b, kind_words[kind_index])) {
			close_element(m, &sc);
			return;
		}
	}
	close_element(m, &sc);
	expect_end(p);
}

static int kind_keyword(parser *p, const pm_token *t)
{
	/* every statement asks: one candidate from the first letter */
	if (t->kind != PM_T_IDENT || t->len == 0)
		return -1;
	const char *s = p->lx.src + t->start;
	int k;
	switch (s[0]) {
	case 's': k = t->len == 4 ? 2 : 0; break;      /* step, system */
	case 'p': k = t->len == 7 ? 1 : 3; break;      /* process, person */
	case 't': k = 4; break;
	case 'a': k = 5; break;
	default: return -1;
	}
	return tok_is_n(p, t, kind_words[k], kind_lens[k]) ? k : -1;
}

static void parse_statement(parser *p, scope *sc)
{
	const pm_token *ahead = peek(p);
	if (ahead->kind == PM_T_COLON) {
		parse_attribute(p, sc);
		return;
	}
	if (ahead->kind == PM_T_ARROW) {
		parse_flow(p, sc);
		return;
	}
	if (tok_is(p, &p->tok, "title") && ahead->kind == PM_T_STRING) {
		parse_attribute(p, sc);
		return;
	}
	int kind = kind_keyword(p, &p->tok);
	if (kind >= 0 && ahead->kind == PM_T_IDENT) {
		parse_decl(p, sc, kind);
		return;
	}
	if (kind >= 0) {
		error_at(p, "syntax", ahead, "unexpected %s; expected an id after '%s'",
		         tok_desc(p, ahead), kind_words[kind]);
		next(p);
		skip_statement(p);
		return;
	}
	char *word = pm_arena_strdup(p->m, p->lx.src + p->tok.start, p->tok.len);
	for (int i = 0; i < K_COUNT; i++) {
		if (strcmp(word, key_names[i]) == 0) {
			error_at(p, "syntax", ahead, "unexpected %s; expected ':' after '%s'",
			         tok_desc(p, ahead), word);
			skip_statement(p);
			return;
		}
	}
	const char *hint = pm_suggest_word(word, p->tok.len, kind_words, NKINDS,
	                                   decls_allowed[sc->kind] >> 1);
	if (!hint && ahead->kind != PM_T_IDENT && ahead->kind != PM_T_STRING &&
	    ahead->kind != PM_T_LBRACE) {
		error_at(p, "syntax", ahead, "unexpected %s after '%s'; expected ':' or '->'",
		         tok_desc(p, ahead), word);
	} else {
		unsigned decls = decls_allowed[sc->kind] >> 1;
		const char *tail = hint ? pm_suggest_hint(p->m, hint) : decls ?
		        pm_arena_printf(p->m, " (%s holds %s declarations, attributes and "
		                        "arrows)", scope_names[sc->kind],
		                        pm_suggest_choices(p->m, kind_words, NKINDS, decls)) :
		        pm_arena_printf(p->m, " (%s takes %s)", scope_names[sc->kind],
		                        pm_suggest_choices(p->m, key_names, K_COUNT, keys_allowed[sc->kind]));
		error_at(p, "unknown-keyword", &p->tok, "unknown keyword '%s'%s", word, tail);
	}
	skip_statement(p);
}

/* The id of the element a scope declares. */
static const char *scope_id(const parser *p, const scope *sc)
{
	const pm_model *m = p->m;
	switch (sc->kind) {
	case S_SYSTEM: return pm_str_get(m, m->systems.v[sc->idx].id);
	case S_PROCESS: return pm_str_get(m, m->processes.v[sc->idx].id);
	case S_STEP: return pm_str_get(m, m->steps.v[sc->idx].id);
	case S_TOOL: return pm_str_get(m, m->tools.v[sc->idx].id);
	default: return pm_str_get(m, m->people.v[sc->idx].id);
	}
}

static void never_closed(parser *p, const scope *sc, const block *b, const char *what,
                         uint32_t before)
{
	pm_loc l = b->open.loc;
	if (before)
		pm_error(p->m, "syntax", l, "'{' of %s '%s' (line %u) is never closed; the "
		         "block seems to end before line %u", what, scope_id(p, sc),
		         (unsigned)l.line, (unsigned)before);
	else
		pm_error(p->m, "syntax", l, "'{' of %s '%s' (line %u) is never closed", what,
		         scope_id(p, sc), (unsigned)l.line);
}

/* Whether the current token shows that the open block has ended without its
 * '}': a line that starts at or left of the opening line's indentation, in
 * a block whose lines are indented deeper; in any block, such a line that
 * starts a declaration only an enclosing block may hold, or an arrow in a
 * block that holds none.  Deeper, it is a misplaced declaration. */
static bool block_ended(parser *p, const scope *sc, block *b)
{
	const pm_token *t = &p->tok;
	if (t->kind == PM_T_NEWLINE || t->kind == PM_T_SEMI || t->kind == PM_T_EOF)
		return false;
	if (p->bol && t->loc.line != b->open.loc.line) {
		bool closer = t->kind == PM_T_RBRACE;
		if (b->deeper == 0 && !closer)
			b->deeper = t->loc.col > b->indent ? 1 : -1;
		/* "} }" closes two blocks; a '}' alone left of the indentation
		 * closes the enclosing block, not this one */
		if (b->deeper > 0 && (closer ? t->loc.col < b->indent &&
		                      peek(p)->kind != PM_T_RBRACE : t->loc.col <= b->indent))
			return true;
	}
	if (!p->bol || t->loc.col > b->indent || t->kind != PM_T_IDENT)
		return false;
	if (decls_allowed[sc->kind] == 0 && peek(p)->kind == PM_T_ARROW)
		return true;
	int k = kind_keyword(p, t);
	if (k < 0 || (decls_allowed[sc->kind] & B(kind_scopes[k])) ||
	    peek(p)->kind != PM_T_IDENT)
		return false;
	for (const scope *up = sc->parent; up; up = up->parent)
		if (decls_allowed[up->kind] & B(kind_scopes[k]))
			return true;
	return false;
}

/* The line after token t's that holds more than blanks or a comment, when
 * nothing follows t on its line: its number and the column of its first
 * character (0 for a '}'), or false. */
static bool next_line(const parser *p, const pm_token *t, uint32_t *line, uint32_t *col)
{
	const char *s = p->lx.src;
	size_t i = t->start + t->len;
	uint32_t n = t->loc.line;
	while (s[i] && s[i] != '\n' && s[i] != '\r') {
		if (s[i] == '#')
			break;
		if (s[i] != ' ' && s[i] != '\t')
			return false;   /* more on this line */
		i++;
	}
	for (;;) {
		while (s[i] && s[i] != '\n' && s[i] != '\r')
			i++;
		if (!s[i])
			return false;
		i += s[i] == '\r' && s[i + 1] == '\n' ? 2 : 1;
		n++;
		uint32_t c = 1;
		while (s[i] == ' ' || s[i] == '\t') {
			i++;
			c++;
		}
		if (s[i] && s[i] != '\n' && s[i] != '\r' && s[i] != '#') {
			*line = n;
			*col = s[i] == '}' ? 0 : c;
			return true;
		}
	}
}

/* "} }" where the block goes on, deeper indented, on the next line: the
 * second '}' is one too many (reported; the block stays open). */
static bool extra_close(parser *p, const scope *sc, const block *b, const char *what)
{
	uint32_t line, col;
	if (p->prev != PM_T_RBRACE || p->bol || b->deeper <= 0 || !next_line(p, &p->tok, &line, &col) ||
	    col <= b->indent)
		return false;
	pm_error(p->m, "syntax", p->tok.loc, "unexpected '}': the block of %s '%s' (line %u) "
	         "goes on at line %u", what, scope_id(p, sc), (unsigned)b->open.loc.line,
	         (unsigned)line);
	next(p);
	return true;
}

/* body -> { stmt (NEWLINE | ';') } '}'   (at the top level: up to EOF) */
/* False when the block ended without its '}' (reported). */
static bool parse_body(parser *p, scope *sc, block *open, const char *what)
{
	for (;;) {
		if (p->m->stop)
			return true;
		if (open && block_ended(p, sc, open)) {
			never_closed(p, sc, open, what, p->tok.loc.line);
			return false;
		}
		switch (p->tok.kind) {
		case PM_T_NEWLINE:
		case PM_T_SEMI:
			next(p);
			break;
		case PM_T_EOF:
			if (open)
				never_closed(p, sc, open, what, 0);
			return !open;
		case PM_T_RBRACE:
			if (open && extra_close(p, sc, open, what))
				break;
			if (open) {
				next(p);
				return true;
			}
			error_at(p, "syntax", &p->tok, "unexpected '}'%s%s", "", "");
			next(p);
			break;
		case PM_T_IDENT:
			parse_statement(p, sc);
			break;
		default:
			if (!p->tok.bad)
				error_at(p, "syntax", &p->tok, "unexpected %s%s", tok_desc(p, &p->tok),
				         p->tok.kind == PM_T_LBRACE ? "; a block needs a declaration before it" : "");
			if (p->tok.kind == PM_T_LBRACE)
				skip_block(p);
			else
				next(p);
			skip_statement(p);
			break;
		}
	}
}

pm_status pm_parse_pmap(pm_model *m, uint32_t file)
{
	parser p;
	memset(&p, 0, sizeof p);
	p.m = m;
	uint32_t errors = m->nerrors;
	pm_lexer_init(&p.lx, m, file);
	pm_presize(m, p.lx.len, PM_INPUT_PMAP);
	next(&p);
	scope top = { S_TOP, PM_NONE, NULL, m->title ? B(K_TITLE) : 0, 0 };
	p.bol = true;
	p.indent = p.tok.loc.col;
	parse_body(&p, &top, NULL, "file");
	return m->nerrors > errors || m->stop ? PM_ERR_INPUT : PM_OK;
}
