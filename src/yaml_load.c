/* yaml_load.c — YAML → the same model as .pmap, through libyaml's events.
 *
 * libyaml streams events; a small explicit stack of frames says what each
 * one means.  The schema fixes the nesting (model → systems → system →
 * processes → process → steps → step → uses), so the stack has a fixed
 * size; a node in a place where it does not belong is reported once and
 * skipped by counting its start and end events, so the depth of the input
 * never becomes C stack depth.  Elements are created exactly as parser.c
 * creates them (same defaults, written order, contiguous runs); flow
 * strings ("a -> b \"label\"") go to yaml_flow.c.
 *
 * Anchors: while an anchored node is open, its events are copied to a log;
 * an alias replays its anchor's events (aliases inside the log replay
 * theirs in turn).  Replayed nodes are capped, so a "billion laughs" file is
 * an error after a few thousand events, not gigabytes of memory.
 *
 * Positions: libyaml counts lines and characters from 0; the model counts
 * from 1, with the same line breaks as the .pmap lexer.  libyaml also breaks
 * lines at U+0085, U+2028 and U+2029 (and at a lone CR, which pm_file_line
 * does too); a file with any of those gets its positions recomputed from
 * the character index instead.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lexer.h"
#include "rules.h"
#include "suggest.h"
#include "yaml_load.h"

typedef enum scope_kind {
	S_TOP, S_SYSTEM, S_PROCESS, S_STEP, S_PERSON, S_TOOL, S_ACTOR
} scope_kind;

static const char *const scope_names[] = {
	"the top level", "a system", "a process", "a step", "a person", "a tool",
	"an actor",
};

static const char *const kind_words[] = {
	"model", "system", "process", "step", "person", "tool", "actor",
};

/* The keys of every mapping; the first ten are the .pmap attributes, in
 * parser.c's order, so a misspelt attribute gets the same suggestion. */
enum ykey {
	Y_TITLE, Y_OWNER, Y_DESCRIPTION, Y_RUNS, Y_TRIGGER, Y_USES, Y_TAKES,
	Y_WAITS, Y_CAPACITY, Y_IGNORE, Y_NAME, Y_PEOPLE, Y_TOOLS, Y_SYSTEMS,
	Y_PROCESSES, Y_STEPS, Y_FLOW, Y_ACTORS, Y_COUNT
};

static const char *const key_names[Y_COUNT] = {
	"title", "owner", "description", "runs", "trigger", "uses", "takes",
	"waits", "capacity", "ignore", "name", "people", "tools", "systems",
	"processes", "steps", "flow", "actors",
};

#define B(k) (1u << (k))
static const unsigned keys_allowed[] = {
	[S_TOP] = B(Y_TITLE) | B(Y_PEOPLE) | B(Y_TOOLS) | B(Y_SYSTEMS) |
	          B(Y_PROCESSES) | B(Y_FLOW) | B(Y_ACTORS),
	[S_SYSTEM] = B(Y_NAME) | B(Y_OWNER) | B(Y_DESCRIPTION) | B(Y_IGNORE) |
	             B(Y_PROCESSES) | B(Y_FLOW),
	[S_PROCESS] = B(Y_NAME) | B(Y_OWNER) | B(Y_DESCRIPTION) | B(Y_RUNS) |
	              B(Y_TRIGGER) | B(Y_IGNORE) | B(Y_STEPS) | B(Y_FLOW),
	[S_STEP] = B(Y_NAME) | B(Y_OWNER) | B(Y_USES) | B(Y_TAKES) | B(Y_WAITS) |
	           B(Y_DESCRIPTION) | B(Y_IGNORE),
	[S_PERSON] = B(Y_NAME) | B(Y_CAPACITY) | B(Y_DESCRIPTION) | B(Y_IGNORE),
	[S_TOOL] = B(Y_NAME) | B(Y_DESCRIPTION) | B(Y_IGNORE),
	[S_ACTOR] = B(Y_NAME) | B(Y_DESCRIPTION) | B(Y_IGNORE),
};

/* The element kind a structural key holds (people → person ...). */
static scope_kind key_kind(enum ykey k)
{
	switch (k) {
	case Y_PEOPLE: return S_PERSON;
	case Y_ACTORS: return S_ACTOR;
	case Y_TOOLS: return S_TOOL;
	case Y_SYSTEMS: return S_SYSTEM;
	case Y_PROCESSES: return S_PROCESS;
	default: return S_STEP;
	}
}

/* --- the loader's state ------------------------------------------------------ */

/* One event as the builder sees it, from libyaml or replayed from the log. */
typedef struct ev {
	yaml_event_type_t type;
	yaml_scalar_style_t style;
	const char *val;        /* SCALAR: the value, NUL-terminated */
	size_t len;
	pm_ix alias;            /* ALIAS: index into the anchors */
	const yaml_event_t *live;   /* libyaml's event; NULL when replayed */
	uint32_t line, col;     /* replayed: where it started, model convention */
	size_t boff;            /* replayed: byte offset of the start */
} ev;

/* An event copied to the anchor log. */
typedef struct logged {
	uint8_t type, style;
	uint32_t len, line, col;
	size_t voff, boff;      /* value in the text buffer; start in the file */
	pm_ix alias;
} logged;

typedef struct anchor {
	pm_ix first, count;     /* events in the log */
} anchor;

typedef struct recording {
	pm_str name;
	pm_ix first;
	size_t depth;           /* collection depth where the node started */
} recording;

typedef struct replay {
	pm_ix pos, end;
} replay;

/* Character index → byte offset and model position, moving forward. */
typedef struct cursor {
	size_t ci, bi, line_start, cont;
	uint32_t line;
} cursor;

typedef enum frame_kind { F_ELEM, F_IDS, F_IGNORE, F_FLOWS, F_USES } frame_kind;

/* What the value after a key is. */
typedef enum slot { SL_VALUE, SL_SKIP, SL_ELEM, SL_REASON } slot;

typedef struct frame {
	frame_kind kind;
	scope_kind ekind;       /* the element (F_ELEM, F_IGNORE, F_FLOWS) or
	                           the kind of the ids (F_IDS) */
	pm_ix idx;              /* that element; F_IDS: the parent */
	scope_kind parent;      /* F_IDS: the kind of the parent */
	bool want_value;        /* mapping: the next node is a value */
	slot vslot;
	enum ykey vkey;         /* F_ELEM: the key of the value */
	pm_ix pending;          /* F_IDS: the element the value describes */
	const pm_rule_info *rule;   /* F_IGNORE: the rule of the value */
	pm_loc key_loc;
	unsigned seen;          /* F_ELEM: keys given so far */
	uint64_t rules_seen;    /* F_IGNORE */
} frame;

/* model → systems → system → processes → process → steps → step → uses */
#define MAX_FRAMES 10

/* Aliases may add this many nodes beyond the file's own. */
#define ALIAS_ALLOWANCE 10000

/* What parse_failed() needs of a libyaml error; the strings are libyaml's
 * own constants, so a copy may outlive the parser's thread. */
typedef struct yerr {
	yaml_error_type_t error;
	const char *problem, *context;
	size_t problem_offset;
	yaml_mark_t problem_mark, context_mark;
} yerr;

typedef struct feed feed;

typedef struct loader {
	pm_model *m;
	uint32_t file;
	const char *src;
	size_t len;
	bool bom, odd_breaks;
	yaml_parser_t parser;
	yaml_event_t event;
	bool parser_ready, have_event, stop;
	feed *feed;             /* the reader thread's side, NULL when inline */
	unsigned docs;
	frame stack[MAX_FRAMES];
	unsigned depth;
	size_t skip;            /* > 0: inside a node being skipped */
	cursor cur;

	PM_VEC(logged) log;
	PM_VEC(char) text;
	PM_VEC(anchor) anchors;
	PM_VEC(recording) recs;
	PM_VEC(replay) replays;
	pm_map anchor_names;    /* interned name → anchors index */
	size_t live_depth;      /* collections open inside the outermost anchor */
	uint64_t own_nodes, expanded;
	pm_loc alias_loc;
} loader;

/* --- positions ------------------------------------------------------------------ */

static void cursor_reset(loader *L)
{
	cursor *c = &L->cur;
	c->ci = 0;
	c->bi = c->line_start = L->bom ? 3 : 0;
	c->cont = 0;
	c->line = 1;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static bool word_has(uint64_t w, unsigned char b)
{
	uint64_t x = w ^ (ONES * b);
	return ((x - ONES) & ~x & HIGHS) != 0;
}

/* Steps over one character (the text before any mark is valid UTF-8:
 * libyaml checked it). */
static void cursor_char(loader *L)
{
	cursor *c = &L->cur;
	unsigned char b = (unsigned char)L->src[c->bi];
	size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
	if (n > L->len - c->bi)
		n = L->len - c->bi;
	c->bi += n;
	c->ci++;
	if (b == '\n' || (b == '\r' && (c->bi >= L->len || L->src[c->bi] != '\n'))) {
		c->line++;
		c->line_start = c->bi;
		c->cont = 0;
	} else {
		c->cont += n - 1;
	}
}

static void cursor_to(loader *L, size_t index)
{
	cursor *c = &L->cur;
	if (index < c->ci)
		cursor_reset(L);
	while (c->ci < index && c->bi < L->len) {
		/* eight plain ASCII bytes at a time: no line break, no UTF-8 */
		while (c->ci + 8 <= index && c->bi + 8 <= L->len) {
			uint64_t w;
			memcpy(&w, L->src + c->bi, 8);
			if ((w & HIGHS) || word_has(w, '\n') || word_has(w, '\r'))
				break;
			c->bi += 8;
			c->ci += 8;
		}
		if (c->ci < index && c->bi < L->len)
			cursor_char(L);
	}
}

static pm_loc mark_loc(loader *L, yaml_mark_t mk)
{
	if (!L->odd_breaks) {
		pm_loc l = { L->file, (uint32_t)mk.line + 1, (uint32_t)mk.column + 1 };
		return l;
	}
	cursor_to(L, mk.index);
	pm_loc l = { L->file, L->cur.line,
	             (uint32_t)(L->cur.bi - L->cur.line_start - L->cur.cont + 1) };
	return l;
}

static pm_loc ev_loc(loader *L, const ev *e)
{
	if (!e->live) {
		pm_loc l = { L->file, e->line, e->col };
		return l;
	}
	return mark_loc(L, e->live->start_mark);
}

static size_t ev_boff(loader *L, const ev *e)
{
	if (!e->live)
		return e->boff;
	cursor_to(L, e->live->start_mark.index);
	return L->cur.bi;
}

/* The position of a byte offset, counted from the start (errors only). */
static pm_loc byte_loc(loader *L, size_t off)
{
	size_t i = L->bom ? 3 : 0, line_start = i, cont = 0;
	uint32_t line = 1;
	if (off > L->len)
		off = L->len;
	for (; i < off; i++) {
		unsigned char c = (unsigned char)L->src[i];
		if (c == '\n' || (c == '\r' && (i + 1 >= L->len || L->src[i + 1] != '\n'))) {
			line++;
			line_start = i + 1;
			cont = 0;
		} else if ((c & 0xC0) == 0x80) {
			cont++;
		}
	}
	pm_loc l = { L->file, line, (uint32_t)(off - line_start - cont + 1) };
	if (off < line_start + cont)
		l.col = 1;
	return l;
}

/* Whether libyaml would count lines differently from pm_file_line: a lone
 * CR, or NEL, LS or PS (C2 85, E2 80 A8, E2 80 A9); or no line break at the
 * end, where libyaml puts the end of the stream on a line of its own, past
 * the last line of the file. */
static bool has_odd_breaks(const char *s, size_t n)
{
	if (n > 0 && s[n - 1] != '\n')
		return true;
	const char *end = s + n;
	for (const char *p = s; (p = memchr(p, '\r', (size_t)(end - p))); p++)
		if (p + 1 == end || p[1] != '\n')
			return true;
	for (const char *p = s; (p = memchr(p, 0xC2, (size_t)(end - p))); p++)
		if (p + 1 < end && (unsigned char)p[1] == 0x85)
			return true;
	for (const char *p = s; (p = memchr(p, 0xE2, (size_t)(end - p))); p++)
		if (p + 2 < end && (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
			return true;
	return false;
}

/* --- text for messages ------------------------------------------------------------ */

/* Text from the input for a message: at most 40 bytes, control characters
 * as '?', so a message stays one printable line. */
static const char *quoted_bare(loader *L, const char *s, size_t n)
{
	size_t max = n > 40 ? 40 : n;
	while (max < n && max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;   /* cut on a character boundary */
	char *out = pm_arena_alloc(L->m, max + 4);
	size_t o = 0;
	for (size_t i = 0; i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		bool c1 = c == 0xC2 && i + 1 < max && (unsigned char)s[i + 1] < 0xA0;
		if (c < 0x20 || c == 0x7f || c1) {
			out[o++] = '?';
			i += c1;
		} else {
			out[o++] = (char)c;
		}
	}
	if (max < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* YAML's null: an empty plain scalar, '~', null, Null or NULL. */
static bool is_null(const ev *e)
{
	if (e->type != YAML_SCALAR_EVENT || e->style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = e->val;
	switch (e->len) {
	case 0: return true;
	case 1: return v[0] == '~';
	case 4: return strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	               strcmp(v, "NULL") == 0;
	default: return false;
	}
}

/* The same in single quotes. */
static const char *quoted(loader *L, const char *s, size_t n)
{
	return pm_arena_printf(L->m, "'%s'", quoted_bare(L, s, n));
}

/* What a node is, for "not …" in messages. */
static const char *node_desc(loader *L, const ev *e)
{
	if (e->type == YAML_MAPPING_START_EVENT)
		return "a mapping";
	if (e->type == YAML_SEQUENCE_START_EVENT)
		return "a list";
	if (is_null(e))
		return "an empty value";
	return quoted(L, e->val, e->len);
}


/* --- names ---------------------------------------------------------------------- */

/* An id, or with `dots` a path, as the .pmap lexer reads one whole. */
static bool is_name(const char *s, size_t n, bool dots)
{
	size_t i = 0;
	for (;;) {
		if (i >= n || !pm_yaml_id_start((unsigned char)s[i]))
			return false;
		while (i < n && pm_yaml_id_char((unsigned char)s[i])) {
			if (s[i] == '-' && i + 1 < n && s[i + 1] == '>')
				return false;
			i++;
		}
		if (i == n)
			return true;
		if (!dots || s[i] != '.')
			return false;
		i++;
	}
}

/* --- anchors and aliases ------------------------------------------------------------- */

static size_t text_add(loader *L, const char *s, size_t n)
{
	pm_model *m = L->m;
	if (n >= UINT32_MAX / 2 - L->text.n)
		pm_oom(m);
	while (L->text.cap - L->text.n < n + 1)
		pm_vec_grow_(m, (void **)&L->text.v, &L->text.cap, 1);
	size_t off = L->text.n;
	memcpy(L->text.v + off, s, n);
	L->text.v[off + n] = '\0';
	L->text.n += (uint32_t)n + 1;
	return off;
}

static void log_event(loader *L, const ev *e)
{
	logged *x = pm_vec_push(L->m, L->log);
	pm_loc at = ev_loc(L, e);
	memset(x, 0, sizeof *x);
	x->type = (uint8_t)e->type;
	x->style = (uint8_t)e->style;
	x->line = at.line;
	x->col = at.col;
	x->alias = e->alias;
	if (e->type == YAML_SCALAR_EVENT) {
		x->boff = ev_boff(L, e);
		x->len = (uint32_t)e->len;
		x->voff = text_add(L, e->val, e->len);
	}
}

static void finish_recording(loader *L)
{
	recording r = L->recs.v[--L->recs.n];
	anchor *a = pm_vec_push(L->m, L->anchors);
	a->first = r.first;
	a->count = L->log.n - r.first;
	pm_ix idx = L->anchors.n - 1;
	if (pm_map_put(L->m, &L->anchor_names, r.name, idx) != PM_NONE)
		pm_map_set(&L->anchor_names, r.name, idx);   /* a redefinition wins */
}

/* Keeps the anchor log up to date with a live event. */
static void record(loader *L, const ev *e, const char *anchor_name)
{
	if (!anchor_name && !L->recs.n)
		return;   /* nothing anchored is open: depth need not be counted */
	if (anchor_name) {
		if (!L->recs.n)
			L->live_depth = 0;
		recording *r = pm_vec_push(L->m, L->recs);
		r->name = pm_intern(L->m, anchor_name, strlen(anchor_name));
		r->first = L->log.n;
		r->depth = L->live_depth;
	}
	if (L->recs.n)
		log_event(L, e);
	switch (e->type) {
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		L->live_depth++;
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		L->live_depth--;
		while (L->recs.n && L->recs.v[L->recs.n - 1].depth == L->live_depth)
			finish_recording(L);
		break;
	case YAML_SCALAR_EVENT:
		if (anchor_name)
			finish_recording(L);
		break;
	default:
		break;
	}
}

/* An alias that names no complete anchor reads as an empty value. */
static void bad_alias(loader *L, ev *e, const char *fmt, const char *name)
{
	pm_error(L->m, "syntax", ev_loc(L, e), fmt, name, name);
	e->type = YAML_SCALAR_EVENT;
	e->style = YAML_PLAIN_SCALAR_STYLE;
	e->val = "";
	e->len = 0;
}

static void resolve_alias(loader *L, ev *e, const char *name)
{
	pm_str s = pm_str_find(L->m, name, strlen(name));
	for (uint32_t i = 0; s && i < L->recs.n; i++) {
		if (L->recs.v[i].name == s) {
			bad_alias(L, e, "alias '*%s' is inside the node '&%s' it refers to", name);
			return;
		}
	}
	e->alias = s ? pm_map_get(&L->anchor_names, s) : PM_NONE;
	if (e->alias == PM_NONE)
		bad_alias(L, e, "alias '*%s' has no anchor '&%s' before it", name);
}

static void replay_push(loader *L, const ev *e)
{
	const anchor *a = &L->anchors.v[e->alias];
	if (!L->replays.n)
		L->alias_loc = ev_loc(L, e);
	replay *r = pm_vec_push(L->m, L->replays);
	r->pos = a->first;
	r->end = a->first + a->count;
}

static bool is_node(yaml_event_type_t t)
{
	return t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT ||
	       t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT;
}

static bool next_replayed(loader *L, ev *e)
{
	replay *r = &L->replays.v[L->replays.n - 1];
	const logged *x = &L->log.v[r->pos++];
	if (r->pos == r->end)
		L->replays.n--;
	e->type = (yaml_event_type_t)x->type;
	e->style = (yaml_scalar_style_t)x->style;
	e->val = x->type == YAML_SCALAR_EVENT ? L->text.v + x->voff : "";
	e->len = x->len;
	e->alias = x->alias;
	e->live = NULL;
	e->line = x->line;
	e->col = x->col;
	e->boff = x->boff;
	if (is_node(e->type) && ++L->expanded > ALIAS_ALLOWANCE + L->own_nodes) {
		pm_error(L->m, "syntax", L->alias_loc,
		         "aliases expand to more than %llu nodes: at most %d more than the "
		         "%llu in the file", (unsigned long long)(ALIAS_ALLOWANCE + L->own_nodes),
		         ALIAS_ALLOWANCE, (unsigned long long)L->own_nodes);
		L->stop = true;
		return false;
	}
	return true;
}

/* --- libyaml --------------------------------------------------------------------- */

/* The first character libyaml's reader refuses, in the lexer's words. */
static bool reader_problem(loader *L, size_t *off, const char **msg)
{
	const unsigned char *s = (const unsigned char *)L->src;
	for (size_t i = L->bom ? 3 : 0; i < L->len;) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 1 : pm_utf8_len(s + i, L->len - i);
		*off = i;
		if (c == 0) {
			*msg = "NUL byte in input";
			return true;
		}
		if (k == 0) {
			*msg = pm_arena_printf(L->m, "invalid UTF-8 byte 0x%02x", c);
			return true;
		}
		unsigned cp = k == 1 ? c : c & (0x7Fu >> k);
		for (size_t j = 1; j < k; j++)
			cp = cp << 6 | (s[i + j] & 0x3F);
		bool ok = cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0x7E) ||
		          cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) ||
		          (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
		if (!ok) {
			*msg = cp < 0x80 ?
			       pm_arena_printf(L->m, "control character 0x%02x is not allowed in YAML", cp) :
			       pm_arena_printf(L->m, "character U+%04X is not allowed in YAML", cp);
			return true;
		}
		i += k;
	}
	return false;
}

static void reader_error(loader *L, const yerr *p)
{
	size_t off = p->problem_offset;
	const char *msg = p->problem ? p->problem : "unreadable input";
	reader_problem(L, &off, &msg);
	pm_error(L->m, "syntax", byte_loc(L, off), "%s", msg);
}

/* The indentation (in bytes) of the line starting at byte `b`. */
static size_t indent_at(const loader *L, size_t b)
{
	size_t i = b;
	while (i < L->len && L->src[i] == ' ')
		i++;
	return i - b;
}

/* The start of the line before the one at `ls` that holds more than
 * blanks or a comment, or `ls` itself when there is none. */
static size_t prev_line(const loader *L, size_t ls)
{
	size_t prev = ls;
	while (prev > 0) {
		size_t st = prev - 1;
		while (st > 0 && L->src[st - 1] != '\n' && L->src[st - 1] != '\r')
			st--;
		size_t in = indent_at(L, st);
		char c = L->src[st + in];
		if (c != '\n' && c != '\r' && c != '#')
			return st;
		prev = st;
	}
	return ls;
}

/* "; this line starts at column 10: indent it to column 9 like the line
 * above" for the line at `ls`, or "" when it starts where that one does. */
static const char *indent_fix(loader *L, size_t ls)
{
	size_t prev = prev_line(L, ls);
	uint32_t here = (uint32_t)indent_at(L, ls) + 1, above = (uint32_t)indent_at(L, prev) + 1;
	if (prev == ls || above == here)
		return "";
	return pm_arena_printf(L->m, "; this line starts at column %u: indent it to column "
	                       "%u like the line above", here, above);
}

/* What to do about the syntax errors newcomers meet most: a value holding
 * ': ' ("name: Finance: money in"), and a key indented to no level of its
 * mapping ("did not find expected key", or "mapping values" on the first
 * ':' of a line indented one too deep). */
static const char *syntax_fix(loader *L, const yerr *p)
{
	const char *problem = p->problem ? p->problem : "";
	size_t ls = L->cur.line_start, le = ls;
	while (le < L->len && L->src[le] != '\n' && L->src[le] != '\r')
		le++;
	if (strcmp(problem, "mapping values are not allowed in this context") == 0) {
		size_t k = ls + indent_at(L, ls), c = k;
		while (c + 1 < le && !(L->src[c] == ':' && L->src[c + 1] == ' '))
			c++;
		if (c == L->cur.bi)
			return indent_fix(L, ls);   /* the key itself is one too deep */
		size_t v = c + 2;
		while (v < le && L->src[v] == ' ')
			v++;
		size_t ve = le;
		while (ve > v && L->src[ve - 1] == ' ')
			ve--;
		if (c + 1 >= le || v >= ve || memchr(L->src + v, '"', ve - v) || ve - v > 60)
			return "; quote a value that contains ': '";
		return pm_arena_printf(L->m, "; quote a value that contains ': ': %.*s: \"%.*s\"",
		                       (int)(c - k), L->src + k, (int)(ve - v), L->src + v);
	}
	if (strcmp(problem, "did not find expected key") != 0 || !p->context)
		return "";
	const char *fix = indent_fix(L, ls);
	uint32_t outer = (uint32_t)p->context_mark.column + 1;
	if (!*fix || indent_at(L, prev_line(L, ls)) + 1 == outer)
		return fix;
	return pm_arena_printf(L->m, "%s, or to column %u like line %u", fix, outer,
	                       (unsigned)p->context_mark.line + 1);
}

/* A scanner or parser error: libyaml's own words, with where the construct
 * it was reading started. */
static void parse_failed(loader *L, const yerr *p)
{
	L->stop = true;
	if (p->error == YAML_MEMORY_ERROR)
		pm_oom(L->m);
	if (p->error == YAML_READER_ERROR) {
		reader_error(L, p);
		return;
	}
	pm_loc at = mark_loc(L, p->problem_mark);
	const char *ctx = "";
	if (p->context) {
		pm_loc c = mark_loc(L, p->context_mark);
		ctx = c.line != at.line ?
		      pm_arena_printf(L->m, " (%s at line %u)", p->context, c.line) :
		      pm_arena_printf(L->m, " (%s)", p->context);
	}
	cursor_to(L, p->problem_mark.index);
	bool tab = L->cur.bi < L->len && L->src[L->cur.bi] == '\t';
	const char *fix = tab ? "; indent with spaces, not tabs" : syntax_fix(L, p);
	pm_error(L->m, "syntax", at, "%s%s%s", p->problem ? p->problem : "invalid YAML",
	         ctx, fix);
}

static void tag_error(loader *L, const ev *e)
{
	size_t b = ev_boff(L, e), end;
	if (b < L->len && L->src[b] == '&')   /* the anchor may come first */
		while (b < L->len && !strchr(" \t\r\n", L->src[b]))
			b++;
	while (b < L->len && (L->src[b] == ' ' || L->src[b] == '\t'))
		b++;
	for (end = b; end < L->len && !strchr(" \t\r\n,[]{}", L->src[end]); end++)
		;
	const char *tag = b < L->len && L->src[b] == '!' ? quoted(L, L->src + b, end - b) :
	                  "'!'";
	pm_error(L->m, "syntax", ev_loc(L, e), "YAML tags such as %s are not supported", tag);
}

static void yerr_of(const yaml_parser_t *p, yerr *e)
{
	e->error = p->error;
	e->problem = p->problem;
	e->context = p->context;
	e->problem_offset = p->problem_offset;
	e->problem_mark = p->problem_mark;
	e->context_mark = p->context_mark;
}

/* What an event carries beyond its type and marks. */
typedef struct parts {
	const char *val;
	size_t len;
	yaml_scalar_style_t style;
	const yaml_char_t *anchor;  /* ALIAS: the name it refers to */
	const yaml_char_t *tag;
} parts;

static parts event_parts(const yaml_event_t *y)
{
	parts p = { "", 0, YAML_ANY_SCALAR_STYLE, NULL, NULL };
	switch (y->type) {
	case YAML_SCALAR_EVENT:
		p.val = (const char *)y->data.scalar.value;
		p.len = y->data.scalar.length;
		p.style = y->data.scalar.style;
		p.anchor = y->data.scalar.anchor;
		p.tag = y->data.scalar.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		p.anchor = y->data.mapping_start.anchor;
		p.tag = y->data.mapping_start.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		p.anchor = y->data.sequence_start.anchor;
		p.tag = y->data.sequence_start.tag;
		break;
	case YAML_ALIAS_EVENT:
		p.anchor = y->data.alias.anchor;
		break;
	default:
		break;
	}
	return p;
}

/* --- the reader thread -------------------------------------------------------------
 *
 * In a big file libyaml's own parse is two thirds of the loading, so it runs
 * on a thread of its own while this one builds the model.  The reader
 * copies each event into a record in a batch and deletes the event at once:
 * libyaml's many small allocations are freed by the thread that made them
 * (glibc frees another thread's memory slowly) and nothing of libyaml's
 * crosses over.  Full batches go through a ring of a few, so memory stays
 * the same whatever the file's size; the builder reads a record as if it
 * were libyaml's event (next_live), and an error is a last record holding
 * what parse_failed() needs, so the diagnostics are the inline path's. */

size_t pm_yaml_thread_min = (size_t)32 << 20;
atomic_ulong pm_yaml_threaded_loads;

/* One event.  Marks fit in 32 bits: only files under 4 GiB are read this
 * way.  The value (SCALAR) and then the anchor or the alias's name follow,
 * each NUL-terminated; the end mark's index is not kept (nothing reads it). */
typedef struct rec {
	uint8_t type, style, has_tag, has_anchor;
	uint32_t index, line, col, end_line, end_col;
	uint32_t len, anchor_len;
} rec;

#define REC_ERROR 0xFF          /* type of the last record after an error: a yerr follows */
#define NBATCH 8
#define BATCH_SIZE ((size_t)128 << 10)
/* The builder is the faster: once it has caught up it sleeps until this
 * many batches wait, so it wakes once for several (a wake-up is a system
 * call on each side, dear on this kind of VM). */
#define WAKE_AT (NBATCH / 2)

typedef struct batch {
	char *buf;
	size_t cap, n;
} batch;

/* Each thread's own fields start a cache line of their own: the reader
 * writes its parser's state on every event and the builder its cursor, and
 * sharing a line would make the two cores pass it back and forth (this cost
 * more than the parse itself). */
struct feed {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	batch b[NBATCH];
	unsigned full;          /* batches handed over and not yet given back; the
	                           builder's current one counts until it is done */
	bool quit, done;
	bool rwaiting, bwaiting;    /* the reader / the builder is asleep */
	bool parser_ready;
	/* the reader's own */
	_Alignas(64) yaml_parser_t parser;
	yaml_event_t held;      /* parsed, but did not fit in the last batch */
	bool have_held;
	unsigned wr;            /* the slot it fills next */
	/* the builder's own */
	_Alignas(64) batch *cur;
	unsigned rd;            /* the slot it reads */
	size_t pos;
	yaml_event_t fake;      /* the current record as libyaml's event */
	yerr err;
};

static size_t rec_size(size_t len, size_t anchor_len)
{
	size_t n = sizeof(rec) + len + 1 + anchor_len + 1;
	return (n + 7) & ~(size_t)7;
}

static void put_error(batch *b, const yerr *e)
{
	rec *r = (rec *)(b->buf + b->n);
	memset(r, 0, sizeof *r);
	r->type = REC_ERROR;
	r->len = sizeof *e;
	memcpy(r + 1, e, sizeof *e);
	b->n += (sizeof *r + sizeof *e + 7) & ~(size_t)7;
}

/* Copies the event into the batch; false when it does not fit.  A record
 * bigger than a whole batch grows the batch (a huge scalar, rarely). */
static bool put_event(batch *b, const yaml_event_t *y, bool *nomem)
{
	parts p = event_parts(y);
	size_t alen = p.anchor ? strlen((const char *)p.anchor) : 0;
	size_t need = rec_size(p.len, alen);
	if (b->cap - b->n < need + sizeof(rec) + sizeof(yerr)) {
		if (b->n)
			return false;
		char *nb = realloc(b->buf, need + sizeof(rec) + sizeof(yerr));
		if (!nb) {
			*nomem = true;
			return false;
		}
		b->buf = nb;
		b->cap = need + sizeof(rec) + sizeof(yerr);
	}
	rec *r = (rec *)(b->buf + b->n);
	*r = (rec){ (uint8_t)y->type, (uint8_t)p.style, p.tag != NULL, p.anchor != NULL,
	            (uint32_t)y->start_mark.index, (uint32_t)y->start_mark.line,
	            (uint32_t)y->start_mark.column, (uint32_t)y->end_mark.line,
	            (uint32_t)y->end_mark.column, (uint32_t)p.len, (uint32_t)alen };
	char *d = (char *)(r + 1);
	memcpy(d, p.val, p.len);
	d[p.len] = '\0';
	if (p.anchor)
		memcpy(d + p.len + 1, p.anchor, alen + 1);
	b->n += need;
	return true;
}

static bool fill_into(feed *R, batch *b)
{
	for (;;) {
		if (!R->have_held && !yaml_parser_parse(&R->parser, &R->held)) {
			yerr e;
			yerr_of(&R->parser, &e);
			put_error(b, &e);
			return true;
		}
		R->have_held = true;
		bool nomem = false;
		if (!put_event(b, &R->held, &nomem)) {
			if (!nomem)
				return false;   /* the next batch starts with it */
			yerr e = { .error = YAML_MEMORY_ERROR };
			put_error(b, &e);
			return true;
		}
		bool end = R->held.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&R->held);
		R->have_held = false;
		if (end)
			return true;
	}
}

/* Fills a batch (each batch keeps room for an error record); true after
 * the last event.  It works on a copy: the slots sit with the fields both
 * threads share. */
static bool fill(feed *R, batch *into)
{
	batch b = *into;
	b.n = 0;
	bool last = fill_into(R, &b);
	*into = b;
	return last;
}

static void *feed_main(void *arg)
{
	feed *R = arg;
	bool last = false;
	while (!last) {
		pthread_mutex_lock(&R->mu);
		while (R->full == NBATCH && !R->quit) {
			R->rwaiting = true;
			pthread_cond_wait(&R->freed, &R->mu);
		}
		R->rwaiting = false;
		bool quit = R->quit;
		pthread_mutex_unlock(&R->mu);
		if (quit)
			break;
		last = fill(R, &R->b[R->wr]);
		pthread_mutex_lock(&R->mu);
		R->wr = (R->wr + 1) % NBATCH;
		R->full++;
		R->done = last;
		if (R->bwaiting && (R->full >= WAKE_AT || last))
			pthread_cond_signal(&R->filled);
		pthread_mutex_unlock(&R->mu);
	}
	if (R->have_held)
		yaml_event_delete(&R->held);
	R->have_held = false;
	return NULL;
}

static void feed_free(feed *R)
{
	if (R->parser_ready)
		yaml_parser_delete(&R->parser);
	for (int i = 0; i < NBATCH; i++)
		free(R->b[i].buf);
	pthread_mutex_destroy(&R->mu);
	pthread_cond_destroy(&R->filled);
	pthread_cond_destroy(&R->freed);
	free(R);
}

/* Starts the thread; on any failure the file is read inline instead.  The
 * thread takes no signals: they stay with the threads the caller made. */
static void feed_start(loader *L)
{
	feed *R = aligned_alloc(64, sizeof *R);
	if (!R)
		return;
	memset(R, 0, sizeof *R);
	pthread_mutex_init(&R->mu, NULL);
	pthread_cond_init(&R->filled, NULL);
	pthread_cond_init(&R->freed, NULL);
	bool ok = R->parser_ready = yaml_parser_initialize(&R->parser);
	for (int i = 0; i < NBATCH; i++) {
		R->b[i].cap = BATCH_SIZE;
		ok = ok && (R->b[i].buf = malloc(BATCH_SIZE)) != NULL;
	}
	if (ok) {
		yaml_parser_set_input_string(&R->parser, (const unsigned char *)L->src, L->len);
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		ok = pthread_create(&R->tid, NULL, feed_main, R) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (!ok) {
		feed_free(R);
		return;
	}
	L->feed = R;
	atomic_fetch_add(&pm_yaml_threaded_loads, 1);
}

/* Tells the thread to stop, waits for it (it stops within a batch) and
 * frees its side; the parser is this thread's again. */
static void feed_stop(loader *L)
{
	feed *R = L->feed;
	if (!R)
		return;
	pthread_mutex_lock(&R->mu);
	R->quit = true;
	pthread_cond_signal(&R->freed);
	pthread_mutex_unlock(&R->mu);
	pthread_join(R->tid, NULL);
	feed_free(R);
	L->feed = NULL;
}

/* The next batch, giving the finished one back. */
static bool next_batch(feed *R)
{
	pthread_mutex_lock(&R->mu);
	if (R->cur) {
		R->cur = NULL;
		R->rd = (R->rd + 1) % NBATCH;
		R->full--;
		if (R->rwaiting)
			pthread_cond_signal(&R->freed);
	}
	if (!R->full) {
		R->bwaiting = true;
		while (R->full < WAKE_AT && !R->done)
			pthread_cond_wait(&R->filled, &R->mu);
		R->bwaiting = false;
	}
	if (R->full)
		R->cur = &R->b[R->rd];
	pthread_mutex_unlock(&R->mu);
	R->pos = 0;
	return R->cur != NULL;
}

/* The next record as libyaml's event; false with R->err after an error. */
static bool next_record(feed *R, yaml_event_t **out)
{
	if ((!R->cur || R->pos == R->cur->n) && !next_batch(R)) {
		/* past the last record: the builder stops at the stream's end, so
		 * this cannot happen; an error is safer than waiting forever */
		R->err = (yerr){ .error = YAML_MEMORY_ERROR };
		return false;
	}
	const rec *r = (const rec *)(R->cur->buf + R->pos);
	const char *d = (const char *)(r + 1);
	if (r->type == REC_ERROR) {
		memcpy(&R->err, d, sizeof R->err);
		R->pos = R->cur->n;
		return false;
	}
	R->pos += rec_size(r->len, r->anchor_len);
	yaml_event_t *y = &R->fake;
	memset(y, 0, sizeof *y);
	y->type = (yaml_event_type_t)r->type;
	y->start_mark = (yaml_mark_t){ r->index, r->line, r->col };
	y->end_mark = (yaml_mark_t){ 0, r->end_line, r->end_col };
	yaml_char_t *name = r->has_anchor ? (yaml_char_t *)(d + r->len + 1) : NULL;
	yaml_char_t *tag = r->has_tag ? (yaml_char_t *)"!" : NULL;
	switch (y->type) {
	case YAML_SCALAR_EVENT:
		y->data.scalar.value = (yaml_char_t *)d;
		y->data.scalar.length = r->len;
		y->data.scalar.style = (yaml_scalar_style_t)r->style;
		y->data.scalar.anchor = name;
		y->data.scalar.tag = tag;
		break;
	case YAML_MAPPING_START_EVENT:
		y->data.mapping_start.anchor = name;
		y->data.mapping_start.tag = tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		y->data.sequence_start.anchor = name;
		y->data.sequence_start.tag = tag;
		break;
	case YAML_ALIAS_EVENT:
		y->data.alias.anchor = name;
		break;
	default:
		break;
	}
	*out = y;
	return true;
}

/* The next event, from libyaml here or from the reader thread. */
static bool pull(loader *L, yaml_event_t **y, yerr *err)
{
	if (L->feed) {
		if (next_record(L->feed, y))
			return true;
		*err = L->feed->err;
		return false;
	}
	if (!yaml_parser_parse(&L->parser, &L->event)) {
		yerr_of(&L->parser, err);
		return false;
	}
	L->have_event = true;
	*y = &L->event;
	return true;
}

static bool next_live(loader *L, ev *e)
{
	yaml_event_t *y;
	yerr err;
	if (!pull(L, &y, &err)) {
		parse_failed(L, &err);
		return false;
	}
	parts p = event_parts(y);
	e->type = y->type;
	e->style = p.style;
	e->val = p.val;
	e->len = p.len;
	e->alias = PM_NONE;
	e->live = y;
	if (y->type == YAML_STREAM_END_EVENT)
		return false;
	if (y->type == YAML_ALIAS_EVENT)
		resolve_alias(L, e, (const char *)p.anchor);
	L->own_nodes += is_node(e->type);
	if (p.tag)
		tag_error(L, e);
	record(L, e, y->type == YAML_ALIAS_EVENT ? NULL : (const char *)p.anchor);
	return true;
}

static bool next_event(loader *L, ev *e)
{
	if (L->replays.n)
		return next_replayed(L, e);
	return next_live(L, e);
}

static void drop_event(loader *L)
{
	if (L->have_event) {
		yaml_event_delete(&L->event);
		L->have_event = false;
	}
}

/* --- elements, as parser.c makes them ------------------------------------------------ */

static pm_ix new_element(loader *L, scope_kind k, pm_str id, pm_loc loc,
                         scope_kind parent, pm_ix pidx)
{
	pm_model *m = L->m;
	switch (k) {
	case S_SYSTEM: {
		pm_system *s = pm_vec_push(m, m->systems);
		memset(s, 0, sizeof *s);
		s->id = id; s->label = id; s->loc = loc;
		s->owner.target = PM_NONE;
		s->proc_first = m->processes.n;
		return m->systems.n - 1;
	}
	case S_PROCESS: {
		pm_process *pr = pm_vec_push(m, m->processes);
		memset(pr, 0, sizeof *pr);
		pr->id = id; pr->label = id; pr->loc = loc;
		pr->owner.target = PM_NONE;
		pr->runs_per_week = -1;
		pr->system = parent == S_SYSTEM ? pidx : PM_NONE;
		pr->step_first = m->steps.n;
		return m->processes.n - 1;
	}
	case S_STEP: {
		pm_step *s = pm_vec_push(m, m->steps);
		memset(s, 0, sizeof *s);
		s->id = id; s->label = id; s->loc = loc;
		s->owner.target = PM_NONE;
		s->takes = s->waits = PM_NO_SECS;
		s->process = pidx;
		s->uses_first = m->uses.n;
		s->eff_owner = PM_NONE;
		return m->steps.n - 1;
	}
	case S_PERSON:
	case S_ACTOR: {
		pm_person *pe = pm_vec_push(m, m->people);
		memset(pe, 0, sizeof *pe);
		pe->id = id; pe->label = id; pe->loc = loc;
		pe->capacity_s = -1;
		pe->actor = k == S_ACTOR;
		return m->people.n - 1;
	}
	default: {
		pm_tool *t = pm_vec_push(m, m->tools);
		memset(t, 0, sizeof *t);
		t->id = id; t->label = id; t->loc = loc;
		return m->tools.n - 1;
	}
	}
}

static pm_str *label_slot(pm_model *m, scope_kind k, pm_ix i, pm_str *id)
{
	switch (k) {
	case S_SYSTEM: *id = m->systems.v[i].id; return &m->systems.v[i].label;
	case S_PROCESS: *id = m->processes.v[i].id; return &m->processes.v[i].label;
	case S_STEP: *id = m->steps.v[i].id; return &m->steps.v[i].label;
	case S_PERSON:
	case S_ACTOR: *id = m->people.v[i].id; return &m->people.v[i].label;
	default: *id = m->tools.v[i].id; return &m->tools.v[i].label;
	}
}

static pm_str *description_slot(pm_model *m, scope_kind k, pm_ix i)
{
	switch (k) {
	case S_SYSTEM: return &m->systems.v[i].description;
	case S_PROCESS: return &m->processes.v[i].description;
	case S_STEP: return &m->steps.v[i].description;
	case S_PERSON:
	case S_ACTOR: return &m->people.v[i].description;
	default: return &m->tools.v[i].description;
	}
}

static pm_ref *owner_slot(pm_model *m, scope_kind k, pm_ix i)
{
	switch (k) {
	case S_SYSTEM: return &m->systems.v[i].owner;
	case S_PROCESS: return &m->processes.v[i].owner;
	default: return &m->steps.v[i].owner;
	}
}

static pm_kind model_kind(scope_kind k)
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

/* --- the frame stack ---------------------------------------------------------------- */

static bool is_mapping(const frame *f)
{
	return f->kind == F_ELEM || f->kind == F_IDS || f->kind == F_IGNORE;
}

/* A node is complete: after a key comes its value, after a value a key. */
static void node_done(loader *L)
{
	if (L->depth && is_mapping(&L->stack[L->depth - 1]))
		L->stack[L->depth - 1].want_value ^= true;
}

/* Skips a node this loader has reported or does not want. */
static void skip_node(loader *L, const ev *e)
{
	if (e->type == YAML_MAPPING_START_EVENT || e->type == YAML_SEQUENCE_START_EVENT)
		L->skip = 1;
	else
		node_done(L);
}

static frame *push(loader *L, frame_kind kind, scope_kind ekind, pm_ix idx)
{
	frame *f = &L->stack[L->depth++];   /* the schema bounds the depth */
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->ekind = ekind;
	f->idx = idx;
	return f;
}

static void pop(loader *L)
{
	pm_model *m = L->m;
	frame *f = &L->stack[--L->depth];
	if (f->kind == F_USES) {
		pm_step *s = &m->steps.v[f->idx];
		s->uses_count = m->uses.n - s->uses_first;
	} else if (f->kind == F_ELEM && f->ekind == S_SYSTEM) {
		m->systems.v[f->idx].proc_count =
			m->processes.n - m->systems.v[f->idx].proc_first;
	} else if (f->kind == F_ELEM && f->ekind == S_PROCESS) {
		m->processes.v[f->idx].step_count =
			m->steps.n - m->processes.v[f->idx].step_first;
	}
}

/* Reports a node of the wrong type and skips it. */
static void reject(loader *L, const ev *e, const char *rule, const char *msg)
{
	pm_error(L->m, rule, ev_loc(L, e), "%s", msg);
	skip_node(L, e);
}

/* --- values ------------------------------------------------------------------------ */

/* title, name, description, trigger -> any scalar */
static void string_value(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	pm_str s = pm_intern(m, e->val, e->len);
	pm_str id;
	switch (f->vkey) {
	case Y_TITLE:
		m->title = s;
		m->title_loc = ev_loc(L, e);
		break;
	case Y_NAME: {
		pm_str *label = label_slot(m, f->ekind, f->idx, &id);
		*label = s ? s : id;   /* an empty name keeps the id, as in .pmap */
		break;
	}
	case Y_TRIGGER:
		m->processes.v[f->idx].trigger = s;
		break;
	default:
		*description_slot(m, f->ekind, f->idx) = s;
		break;
	}
}

static void owner_value(loader *L, frame *f, const ev *e)
{
	if (!is_name(e->val, e->len, true)) {
		pm_error(L->m, "bad-value", ev_loc(L, e), "'owner' takes a person or actor id, not %s",
		         node_desc(L, e));
		return;
	}
	pm_ref *r = owner_slot(L->m, f->ekind, f->idx);
	r->name = pm_intern(L->m, e->val, e->len);
	r->loc = ev_loc(L, e);
}

/* runs, capacity, takes, waits -> a value in the .pmap syntax */
static void measure_value(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	const char *key = key_names[f->vkey], *why = NULL;
	int64_t secs = 0;
	double rate = 0;
	bool ok = f->vkey == Y_RUNS ? pm_parse_rate(e->val, e->len, &rate, &why) :
	          f->vkey == Y_CAPACITY ? pm_parse_capacity(e->val, e->len, &secs, &why) :
	          pm_parse_duration(e->val, e->len, &secs, &why);
	if (!ok) {
		why = pm_value_advice(m, f->vkey == Y_RUNS ? 'r' : f->vkey == Y_CAPACITY ? 'c' : 'd',
		                      e->val, e->len, why);
		pm_error(m, "bad-value", ev_loc(L, e), "bad %s %s: %s", key,
		         node_desc(L, e), why);
		return;
	}
	pm_str text = pm_intern(m, e->val, e->len);
	switch (f->vkey) {
	case Y_RUNS:
		m->processes.v[f->idx].runs_per_week = rate;
		m->processes.v[f->idx].runs_text = text;
		break;
	case Y_CAPACITY:
		m->people.v[f->idx].capacity_s = secs;
		m->people.v[f->idx].capacity_text = text;
		break;
	case Y_TAKES:
		m->steps.v[f->idx].takes = pm_secs_store(secs);
		m->steps.v[f->idx].takes_text = text;
		break;
	default:
		m->steps.v[f->idx].waits = pm_secs_store(secs);
		m->steps.v[f->idx].waits_text = text;
		break;
	}
}

/* One tool id of `uses`. */
static void add_use(loader *L, const ev *e)
{
	if (is_null(e) || !is_name(e->val, e->len, true)) {
		const char *hint = "";
		if (memchr(e->val, ',', e->len))   /* .pmap's "uses: a, b" */
			hint = pm_arena_printf(L->m, "; write a list: [%s]",
			                       quoted_bare(L, e->val, e->len));
		pm_error(L->m, "bad-value", ev_loc(L, e), "'uses' takes tool ids, not %s%s",
		         node_desc(L, e), hint);
		return;
	}
	pm_ref *r = pm_vec_push(L->m, L->m->uses);
	r->name = pm_intern(L->m, e->val, e->len);
	r->loc = ev_loc(L, e);
	r->target = PM_NONE;
}

static const char *what_value(enum ykey k)
{
	switch (k) {
	case Y_OWNER: return "a person or actor id";
	case Y_USES: return "tool ids";
	case Y_RUNS: return "a rate such as 5/week";
	case Y_CAPACITY: return "a capacity such as 30h/week";
	case Y_TAKES:
	case Y_WAITS: return "a duration such as 1h30m";
	default: return "a string";
	}
}

static void scalar_value(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	switch (f->vkey) {
	case Y_OWNER:
		owner_value(L, f, e);
		break;
	case Y_USES:
		m->steps.v[f->idx].uses_first = m->uses.n;
		add_use(L, e);
		m->steps.v[f->idx].uses_count = m->uses.n - m->steps.v[f->idx].uses_first;
		break;
	case Y_RUNS:
	case Y_CAPACITY:
	case Y_TAKES:
	case Y_WAITS:
		measure_value(L, f, e);
		break;
	default:
		string_value(L, f, e);
		break;
	}
}

/* people, tools, systems, processes, steps -> { ID: element ... };
 * flow -> [ ARROW ... ]; either may be empty. */
static void section_value(loader *L, frame *f, const ev *e)
{
	enum ykey k = f->vkey;
	if (is_null(e)) {
		node_done(L);
	} else if (k == Y_FLOW && e->type == YAML_SEQUENCE_START_EVENT) {
		push(L, F_FLOWS, f->ekind, f->idx);
	} else if (k != Y_FLOW && e->type == YAML_MAPPING_START_EVENT) {
		frame *p = push(L, F_IDS, key_kind(k), f->idx);
		p->parent = f->ekind;
	} else if (k == Y_FLOW) {
		reject(L, e, "syntax", pm_arena_printf(L->m, "'flow' must be a list of arrows "
		       "such as 'a -> b', not %s", node_desc(L, e)));
	} else {
		reject(L, e, "syntax", pm_arena_printf(L->m, "'%s' must be a mapping of %s ids, "
		       "not %s", key_names[k], kind_words[key_kind(k)], node_desc(L, e)));
	}
}

static void ignore_value(loader *L, frame *f, const ev *e)
{
	static const char *const example[] = {
		"", "empty-system", "orphan-process", "missing-owner", "unused-person",
		"unused-tool", "unused-actor",
	};
	if (e->type == YAML_MAPPING_START_EVENT) {
		push(L, F_IGNORE, f->ekind, f->idx);
		return;
	}
	reject(L, e, "bad-value", pm_arena_printf(L->m, "'ignore' takes a mapping of rule "
	       "names to reasons such as { %s: \"why\" }, not %s", example[f->ekind],
	       node_desc(L, e)));
}

/* The value of an element's key: an attribute, or a section. */
static void key_value(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	enum ykey k = f->vkey;
	if (k == Y_IGNORE) {
		ignore_value(L, f, e);
		return;
	}
	if (k == Y_FLOW || k >= Y_PEOPLE) {
		section_value(L, f, e);
		return;
	}
	if (k == Y_USES && e->type == YAML_SEQUENCE_START_EVENT) {
		m->steps.v[f->idx].uses_first = m->uses.n;
		push(L, F_USES, S_STEP, f->idx);
		return;
	}
	if (e->type != YAML_SCALAR_EVENT || (is_null(e) && k != Y_USES)) {
		reject(L, e, "bad-value", pm_arena_printf(m, "'%s' takes %s, not %s",
		       key_names[k], what_value(k), node_desc(L, e)));
		return;
	}
	scalar_value(L, f, e);
	node_done(L);
}

/* The body of an element: a mapping of attributes, or nothing. */
static void elem_value(loader *L, frame *f, const ev *e)
{
	if (e->type == YAML_MAPPING_START_EVENT) {
		push(L, F_ELEM, f->ekind, f->pending);
		return;
	}
	if (is_null(e)) {
		node_done(L);
		return;
	}
	pm_str id;
	label_slot(L->m, f->ekind, f->pending, &id);
	reject(L, e, "syntax", pm_arena_printf(L->m, "%s '%s' must be a mapping of "
	       "attributes such as { name: ... }, not %s", kind_words[f->ekind],
	       pm_str_get(L->m, id), node_desc(L, e)));
}

/* ignore -> { RULE: REASON ... } */
static void reason_value(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	if (e->type != YAML_SCALAR_EVENT) {
		reject(L, e, "bad-value", pm_arena_printf(m, "the reason of 'ignore: %s' must be "
		       "a string, not %s", f->rule->name, node_desc(L, e)));
		return;
	}
	if (is_null(e) || e->len == 0) {
		pm_error(m, "bad-value", ev_loc(L, e), "'ignore: %s' needs a reason",
		         f->rule->name);
		node_done(L);
		return;
	}
	pm_ignore *ig = pm_vec_push(m, m->ignores);
	ig->kind = model_kind(f->ekind);
	ig->elem = f->idx;
	ig->rule = pm_intern(m, f->rule->name, strlen(f->rule->name));
	ig->reason = pm_intern(m, e->val, e->len);
	ig->loc = f->key_loc;
	ig->used = false;
	node_done(L);
}

static size_t code_points(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* A plain scalar on one line whose span is as long as its value has no
 * anchor, tag or folding before it: its bytes are the file's bytes, so
 * positions need no walk through the file (the common case, and fast). */
static bool is_direct(loader *L, const ev *e)
{
	if (!e->live || L->odd_breaks || e->style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	yaml_mark_t start = e->live->start_mark, end = e->live->end_mark;
	return end.line == start.line &&
	       end.column - start.column == code_points(e->val, e->len);
}

/* An arrow chain, in the scope of the element that holds the 'flow'. */
static void flow_value(loader *L, const frame *f, const ev *e)
{
	pm_yaml_flow fl = {
		L->file, e->val, e->len, e->style, ev_loc(L, e), 0, is_direct(L, e),
		f->ekind == S_TOP ? PM_SCOPE_TOP :
		f->ekind == S_SYSTEM ? PM_SCOPE_SYSTEM : PM_SCOPE_PROCESS,
		f->ekind == S_TOP ? PM_NONE : f->idx,
	};
	if (!fl.direct)
		fl.boff = ev_boff(L, e);
	pm_yaml_parse_flow(L->m, &fl);
}

static void item_value(loader *L, frame *f, const ev *e)
{
	bool scalar = e->type == YAML_SCALAR_EVENT && !is_null(e);
	if (f->kind == F_USES) {
		if (e->type == YAML_SCALAR_EVENT) {
			add_use(L, e);
			node_done(L);
		} else {
			reject(L, e, "bad-value", pm_arena_printf(L->m, "'uses' takes tool ids, "
			       "not %s", node_desc(L, e)));
		}
		return;
	}
	if (!scalar) {
		reject(L, e, "syntax", pm_arena_printf(L->m, "an arrow in 'flow' must be a "
		       "string such as 'a -> b', not %s", node_desc(L, e)));
		return;
	}
	flow_value(L, f, e);
	node_done(L);
}

/* --- keys --------------------------------------------------------------------------- */

/* Runs once per key of the input (half a million times in a 100k-step
 * file): the first byte, and the length or the second byte where two keys
 * share it, pick the one candidate, then one comparison. */
static int find_key(const char *s, size_t n)
{
	static const unsigned char lens[Y_COUNT] = {
		5, 5, 11, 4, 7, 4, 5, 5, 8, 6, 4, 6, 5, 7, 9, 5, 4, 6,
	};
	int k;
	if (n < 4 || n > 11)
		return -1;   /* ids such as st1 and p12 mostly */
	switch (s[0]) {
	case 'a': k = Y_ACTORS; break;
	case 'c': k = Y_CAPACITY; break;
	case 'd': k = Y_DESCRIPTION; break;
	case 'f': k = Y_FLOW; break;
	case 'i': k = Y_IGNORE; break;
	case 'n': k = Y_NAME; break;
	case 'o': k = Y_OWNER; break;
	case 'p': k = n == 6 ? Y_PEOPLE : Y_PROCESSES; break;
	case 'r': k = Y_RUNS; break;
	case 's': k = n == 5 ? Y_STEPS : Y_SYSTEMS; break;
	case 't': k = n == 7 ? Y_TRIGGER : s[1] == 'i' ? Y_TITLE : s[1] == 'a' ? Y_TAKES : Y_TOOLS;
		break;
	case 'u': k = Y_USES; break;
	case 'w': k = Y_WAITS; break;
	default: return -1;
	}
	return lens[k] == n && memcmp(key_names[k], s, n) == 0 ? k : -1;
}

static const char *placement(scope_kind k)
{
	switch (k) {
	case S_STEP: return "inside a process";
	case S_PROCESS: return "at the top level or inside a system";
	default: return "at the top level";
	}
}

static void unknown_key(loader *L, frame *f, const ev *e, int k)
{
	pm_model *m = L->m;
	pm_loc at = f->key_loc;
	const char *name = quoted(L, e->val, e->len);
	if (k == Y_FLOW)
		pm_error(m, "misplaced-declaration", at, "arrows belong in a process, a "
		         "system or at the top level, not in %s", scope_names[f->ekind]);
	else if (k >= Y_PEOPLE)
		pm_error(m, "misplaced-declaration", at, "'%s' declarations belong %s",
		         kind_words[key_kind(k)], placement(key_kind(k)));
	else if (k >= 0)
		pm_error(m, "unknown-attribute", at, "no attribute %s for %s", name,
		         scope_names[f->ekind]);
	else if (e->len == 2 && memcmp(e->val, "<<", 2) == 0)
		pm_error(m, "unknown-attribute", at, "YAML merge keys ('<<') are not supported");
	else {
		const char *near = pm_suggest_word(e->val, e->len, key_names, Y_COUNT,
		                                   keys_allowed[f->ekind]);
		pm_error(m, "unknown-attribute", at, "unknown attribute %s for %s%s", name,
		         scope_names[f->ekind], near ? pm_suggest_hint(m, near) :
		         pm_arena_printf(m, " (%s takes %s)", scope_names[f->ekind],
		                         pm_suggest_choices(m, key_names, Y_COUNT,
		                                            keys_allowed[f->ekind])));
	}
}

static void elem_key(loader *L, frame *f, const ev *e)
{
	int k = find_key(e->val, e->len);
	f->vslot = SL_SKIP;
	if (k == Y_CAPACITY && f->ekind == S_ACTOR) {
		pm_error(L->m, "unknown-attribute", f->key_loc,
		         "no attribute 'capacity' for an actor: an actor's work counts "
		         "towards nobody's load (declare a person to give a capacity)");
		return;
	}
	if (k < 0 || !(keys_allowed[f->ekind] & B(k))) {
		unknown_key(L, f, e, k);
		return;
	}
	if (f->seen & B(k)) {
		pm_error(L->m, "duplicate-attribute", f->key_loc, "'%s' is given twice for %s",
		         key_names[k], scope_names[f->ekind]);
		return;
	}
	f->seen |= B(k);
	f->vkey = (enum ykey)k;
	f->vslot = SL_VALUE;
}

/* An element id: the key of a person, tool, system, process or step. */
static void ids_key(loader *L, frame *f, const ev *e)
{
	f->vslot = SL_SKIP;
	int k = find_key(e->val, e->len);
	if (k >= 0 && (keys_allowed[f->ekind] & B(k))) {
		/* "steps:" at the indentation of the process ids */
		pm_error(L->m, "syntax", f->key_loc, "'%s' seems one level too shallow: here it "
		         "is read as a %s id (indent it under the %s it belongs to)",
		         key_names[k], kind_words[f->ekind], kind_words[f->ekind]);
		return;
	}
	if (!is_name(e->val, e->len, false)) {
		bool dotted = is_name(e->val, e->len, true);
		pm_error(L->m, "syntax", f->key_loc, dotted ?
		         "invalid id %s: ids cannot contain '.'" :
		         "invalid id %s: an id starts with a letter or '_' and holds letters, "
		         "digits, '_' and '-'", quoted(L, e->val, e->len));
		return;
	}
	pm_str id = pm_intern(L->m, e->val, e->len);
	f->pending = new_element(L, f->ekind, id, f->key_loc, f->parent, f->idx);
	f->vslot = SL_ELEM;
}

static void ignore_key(loader *L, frame *f, const ev *e)
{
	pm_model *m = L->m;
	const pm_rule_info *ri = pm_rule_find(e->val, e->len);
	f->vslot = SL_SKIP;
	if (!ri || !ri->analysis) {
		pm_error(m, "unknown-reference", f->key_loc, "unknown rule %s in ignore%s",
		         quoted(L, e->val, e->len),
		         pm_suggest_hint(m, pm_suggest_rule(e->val, e->len)));
		return;
	}
	uint64_t bit = pm_rule_bit(ri);
	if (f->rules_seen & bit) {
		pm_error(m, "duplicate-attribute", f->key_loc,
		         "'ignore: %s' is given twice for %s", ri->name, scope_names[f->ekind]);
		return;
	}
	f->rules_seen |= bit;
	f->rule = ri;
	f->vslot = SL_REASON;
}

static void key_node(loader *L, frame *f, const ev *e)
{
	f->key_loc = ev_loc(L, e);
	if (e->type != YAML_SCALAR_EVENT) {
		pm_error(L->m, "syntax", f->key_loc, "a key must be a string, not %s",
		         node_desc(L, e));
		f->vslot = SL_SKIP;
		skip_node(L, e);
		return;
	}
	if (f->kind == F_ELEM)
		elem_key(L, f, e);
	else if (f->kind == F_IDS)
		ids_key(L, f, e);
	else
		ignore_key(L, f, e);
	node_done(L);
}

/* --- events ------------------------------------------------------------------------- */

/* document -> { title, people, actors, tools, systems, processes, flow } | empty */
static void root_node(loader *L, const ev *e)
{
	if (e->type == YAML_MAPPING_START_EVENT) {
		frame *f = push(L, F_ELEM, S_TOP, PM_NONE);
		f->seen = L->m->title ? B(Y_TITLE) : 0;
		return;
	}
	if (is_null(e))
		return;
	reject(L, e, "syntax", pm_arena_printf(L->m, "a procmap YAML file is a mapping "
	       "with keys such as 'title' and 'systems', not %s", node_desc(L, e)));
}

/* Only an escape in double quotes (\0, \x00, \u0000) puts a NUL in a
 * value: libyaml's reader refuses the byte itself. */
static bool has_nul(const ev *e)
{
	return e->type == YAML_SCALAR_EVENT && e->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
	       memchr(e->val, '\0', e->len) != NULL;
}

static void node(loader *L, const ev *e)
{
	frame *f = L->depth ? &L->stack[L->depth - 1] : NULL;
	bool is_key = f && is_mapping(f) && !f->want_value;
	bool skipped = f && is_mapping(f) && f->want_value && f->vslot == SL_SKIP;
	if (e->type == YAML_ALIAS_EVENT) {
		if (skipped)
			node_done(L);
		else
			replay_push(L, e);   /* its events come next, as if written here */
		return;
	}
	if (has_nul(e)) {
		pm_error(L->m, "syntax", ev_loc(L, e), "NUL byte in string");
		if (is_key)
			f->vslot = SL_SKIP;
		node_done(L);
		return;
	}
	if (!f)
		root_node(L, e);
	else if (is_key)
		key_node(L, f, e);
	else if (skipped)
		skip_node(L, e);
	else if (f->kind == F_ELEM)
		key_value(L, f, e);
	else if (f->kind == F_IDS)
		elem_value(L, f, e);
	else if (f->kind == F_IGNORE)
		reason_value(L, f, e);
	else
		item_value(L, f, e);
}

/* libyaml's scanner spends time linear in the flow nesting depth on every
 * token, so a deeply nested skipped node would cost quadratic time: past
 * this depth the file is refused. */
#define MAX_SKIP_DEPTH 1000

static void skip_event(loader *L, const ev *e)
{
	if (e->type == YAML_MAPPING_START_EVENT || e->type == YAML_SEQUENCE_START_EVENT) {
		if (++L->skip > MAX_SKIP_DEPTH && !L->stop) {
			pm_error(L->m, "syntax", ev_loc(L, e), "YAML nested more than %d "
			         "levels deep", MAX_SKIP_DEPTH);
			L->stop = true;
		}
	} else if ((e->type == YAML_MAPPING_END_EVENT || e->type == YAML_SEQUENCE_END_EVENT) &&
	         --L->skip == 0)
		node_done(L);
}

static void process(loader *L, const ev *e)
{
	if (L->skip) {
		skip_event(L, e);
		return;
	}
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++L->docs > 1) {
			pm_error(L->m, "syntax", ev_loc(L, e), "a second YAML document; a procmap "
			         "YAML file holds one");
			L->stop = true;
		}
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		pop(L);
		node_done(L);
		break;
	default:
		if (is_node(e->type))
			node(L, e);
		break;
	}
}

static void release(loader *L)
{
	drop_event(L);
	feed_stop(L);   /* before the parser it uses goes */
	if (L->parser_ready)
		yaml_parser_delete(&L->parser);
	L->parser_ready = false;
	pm_vec_free(L->log);
	pm_vec_free(L->text);
	pm_vec_free(L->anchors);
	pm_vec_free(L->recs);
	pm_vec_free(L->replays);
	pm_map_free(&L->anchor_names);
}

static void run(loader *L)
{
	ev e;
	while (!L->stop && !L->m->stop && next_event(L, &e)) {
		process(L, &e);
		drop_event(L);
	}
	drop_event(L);
	while (L->depth)   /* close what an error left open */
		pop(L);
}

pm_status pm_parse_yaml(pm_model *m, uint32_t file)
{
	uint32_t errors = m->nerrors;
	loader *L = pm_arena_alloc(m, sizeof *L);
	memset(L, 0, sizeof *L);
	L->m = m;
	L->file = file;
	L->src = m->files.v[file].data;
	L->len = m->files.v[file].len;
	L->bom = L->len >= 3 && memcmp(L->src, "\xEF\xBB\xBF", 3) == 0;
	L->odd_breaks = has_odd_breaks(L->src, L->len);
	cursor_reset(L);
	pm_presize(m, L->len, PM_INPUT_YAML);
	if (L->len >= 2 && ((unsigned char)L->src[0] >= 0xFE) &&
	    ((unsigned char)L->src[1] >= 0xFE)) {
		yerr none = { 0 };
		reader_error(L, &none);   /* a UTF-16 byte order mark: libyaml would decode it */
		return PM_ERR_INPUT;
	}
	if (!yaml_parser_initialize(&L->parser))
		pm_oom(m);
	L->parser_ready = true;
	yaml_parser_set_input_string(&L->parser, (const unsigned char *)L->src, L->len);
	jmp_buf jb;
	jmp_buf *outer = m->oom;
	if (setjmp(jb)) {
		release(L);
		m->oom = outer;
		pm_oom(m);
	}
	m->oom = &jb;
	if (L->len >= pm_yaml_thread_min && L->len < UINT32_MAX)
		feed_start(L);
	run(L);
	release(L);
	m->oom = outer;
	return m->nerrors > errors || m->stop ? PM_ERR_INPUT : PM_OK;
}
