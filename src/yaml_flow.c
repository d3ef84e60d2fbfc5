/* yaml_flow.c — the flow strings of the YAML form: "a -> b \"label\"" in a
 * YAML scalar, read with the .pmap rules into m->arrows.
 *
 * The tokens are those of lexer.c (ids and dotted paths that stop before
 * "->", labels with the escapes \" \\ and \n, '#' comments) and the grammar
 * is parser.c's parse_flow, so a chain means the same in both forms.  What
 * YAML adds is the way back from the scalar's value to the file: quotes,
 * escapes and folded lines make the two differ, and every diagnostic should
 * point inside the string where the problem is.
 */
#include <stdio.h>
#include <string.h>

#include "lexer.h"
#include "yaml_load.h"

/* Walks the scalar's source text and its value side by side, to find where
 * in the file a byte of the value was written.  Whitespace is skipped on
 * both sides (folding changes it); every other character of the value comes
 * from one character, escape or '' of the source.  Should the two ever
 * disagree, positions fall back to the start of the scalar. */
typedef struct walker {
	const char *src;
	size_t len, si;
	uint32_t file, line, col;
	const char *v;
	size_t n, vi;
	yaml_scalar_style_t style;
	bool ok;
	bool direct;            /* the value is the source text, on one line */
	pm_loc start;
} walker;

/* One source character (a CR LF pair is one line break). */
static void w_step(walker *w)
{
	unsigned char c = (unsigned char)w->src[w->si];
	if (c == '\n' || c == '\r') {
		w->si += c == '\r' && w->si + 1 < w->len && w->src[w->si + 1] == '\n' ? 2 : 1;
		w->line++;
		w->col = 1;
		return;
	}
	size_t k = pm_utf8_len((const unsigned char *)w->src + w->si, w->len - w->si);
	w->si += k ? k : 1;
	w->col++;
}

/* The code point of the double-quoted escape at s (s[0] is '\'), -1 for an
 * escaped line break; its length in *len, 0 when malformed. */
static long dq_escape(const char *s, size_t left, size_t *len)
{
	static const char from[] = "0abt\tnvfre \"/\\N_LP";
	static const long to[] = { 0, 7, 8, 9, 9, 10, 11, 12, 13, 27, 32, 34, 47,
	                           92, 0x85, 0xA0, 0x2028, 0x2029 };
	*len = 0;
	if (left < 2)
		return 0;
	if (s[1] == '\n' || s[1] == '\r') {
		*len = 2;
		return -1;
	}
	size_t digits = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : s[1] == 'U' ? 8 : 0;
	if (!digits) {
		const char *p = s[1] ? strchr(from, s[1]) : NULL;
		*len = p ? 2 : 0;
		return p ? to[p - from] : 0;
	}
	if (left < 2 + digits)
		return 0;
	long cp = 0;
	for (size_t i = 0; i < digits; i++) {
		char c = s[2 + i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0 || cp > 0x10FFFF)
			return 0;
		cp = cp * 16 + d;
	}
	*len = 2 + digits;
	return cp;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips source whitespace, and in double quotes the escapes that stand for
 * whitespace or nothing. */
static void w_skip_space(walker *w)
{
	while (w->si < w->len) {
		const char *s = w->src + w->si;
		if (is_wsp(*s)) {
			w_step(w);
			continue;
		}
		if (w->style != YAML_DOUBLE_QUOTED_SCALAR_STYLE || *s != '\\')
			return;
		size_t k;
		long cp = dq_escape(s, w->len - w->si, &k);
		if (!k || !(cp == -1 || cp == 9 || cp == 10 || cp == 13 || cp == 32))
			return;
		w->si++;
		w->col++;
		if (cp == -1)
			w_step(w);
		else {
			w->si += k - 1;
			w->col += (uint32_t)(k - 1);
		}
	}
}

static size_t utf8_bytes(long cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Steps over one non-space unit of the value and the source. */
static bool w_unit(walker *w)
{
	const char *s = w->src + w->si;
	size_t left = w->len - w->si, k;
	if (!left)
		return false;
	if (w->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && (*s == '\\' || *s == '"')) {
		long cp = *s == '\\' ? dq_escape(s, left, &k) : -1;
		if (cp < 0 || !k || utf8_bytes(cp) > w->n - w->vi)
			return false;
		w->vi += utf8_bytes(cp);
		w->si += k;
		w->col += (uint32_t)k;
		return true;
	}
	if (w->style == YAML_SINGLE_QUOTED_SCALAR_STYLE && *s == '\'') {
		if (left < 2 || s[1] != '\'' || w->v[w->vi] != '\'')
			return false;
		w->vi++;
		w->si += 2;
		w->col += 2;
		return true;
	}
	k = pm_utf8_len((const unsigned char *)s, left);
	if (!k || k > w->n - w->vi || memcmp(s, w->v + w->vi, k) != 0)
		return false;
	w->vi += k;
	w->si += k;
	w->col++;
	return true;
}

/* Moves to the start of the value: past an anchor or tag, the opening
 * quote, or a block scalar's header line. */
static void w_open(walker *w)
{
	while (w->si < w->len && (w->src[w->si] == '&' || w->src[w->si] == '!')) {
		while (w->si < w->len && !is_wsp(w->src[w->si]))
			w_step(w);
		while (w->si < w->len && is_wsp(w->src[w->si]))
			w_step(w);
	}
	if (w->si >= w->len) {
		w->ok = false;
		return;
	}
	char c = w->src[w->si];
	switch (w->style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		w->ok = c == (w->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\'' : '"');
		w_step(w);
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		while (w->si < w->len && w->src[w->si] != '\n' && w->src[w->si] != '\r')
			w_step(w);
		w->ok = w->si < w->len;
		if (w->ok)
			w_step(w);
		break;
	default:
		break;
	}
}

static void walker_init(walker *w, const pm_model *m, const pm_yaml_flow *f)
{
	memset(w, 0, sizeof *w);
	w->src = m->files.v[f->file].data;
	w->len = m->files.v[f->file].len;
	w->file = f->file;
	w->v = f->val;
	w->n = f->len;
	w->style = f->style;
	w->start = f->start;
	w->line = w->start.line;
	w->col = w->start.col;
	w->ok = true;
	w->direct = f->direct;
	if (w->direct)
		return;
	w->si = f->boff;
	w_open(w);
}

/* The position of value byte `target` (a non-space byte, or the end). */
static pm_loc walk_to(walker *w, size_t target)
{
	if (w->direct) {
		if (target > w->n)
			target = w->n;
		for (; w->vi < target; w->vi++)
			w->col += ((unsigned char)w->v[w->vi] & 0xC0) != 0x80;
		pm_loc l = { w->file, w->line, w->col };
		return l;
	}
	while (w->ok) {
		while (w->vi < w->n && is_wsp(w->v[w->vi]))
			w->vi++;
		if (w->vi >= w->n)
			break;
		w_skip_space(w);
		if (w->vi >= target)
			break;
		w->ok = w_unit(w);
	}
	if (!w->ok)
		return w->start;
	pm_loc l = { w->file, w->line, w->col };
	return l;
}

typedef enum ftok_kind { FT_END, FT_NAME, FT_WORD, FT_ARROW, FT_STRING, FT_PUNCT } ftok_kind;

typedef struct ftok {
	ftok_kind kind;
	size_t start, len;
	pm_loc loc;
	bool escape, bad;
} ftok;

typedef struct flow_lexer {
	pm_model *m;
	walker w;
	const char *v;
	size_t n, pos;
} flow_lexer;

static void flow_error(flow_lexer *fl, size_t at, const char *fmt, const char *arg)
{
	pm_error(fl->m, "syntax", walk_to(&fl->w, at), fmt, arg);
}

/* NAME -> id { '.' id }, stopping before "->" (the .pmap rule) */
static void lex_name(flow_lexer *fl)
{
	const char *s = fl->v;
	for (;;) {
		while (fl->pos < fl->n && pm_yaml_id_char((unsigned char)s[fl->pos])) {
			if (s[fl->pos] == '-' && fl->pos + 1 < fl->n && s[fl->pos + 1] == '>')
				return;
			fl->pos++;
		}
		if (fl->pos + 1 < fl->n && s[fl->pos] == '.' &&
		    pm_yaml_id_start((unsigned char)s[fl->pos + 1]))
			fl->pos++;
		else
			return;
	}
}

/* STRING -> '"' { char | '\"' | '\\' | '\n' } '"'   (on one line) */
static void lex_label(flow_lexer *fl, ftok *t)
{
	const char *s = fl->v;
	fl->pos++;
	while (fl->pos < fl->n) {
		char c = s[fl->pos];
		if (c == '"') {
			fl->pos++;
			return;
		}
		if (c == '\n' || c == '\r')
			break;
		if (c != '\\' || fl->pos + 1 >= fl->n) {
			fl->pos++;
			continue;
		}
		t->escape = true;
		char e = s[fl->pos + 1];
		if (e == '\n' || e == '\r') {
			fl->pos++;
			continue;
		}
		if (e != '"' && e != '\\' && e != 'n') {
			char what[3] = { '\\', e, '\0' };
			if ((unsigned char)e < 0x20 || (unsigned char)e >= 0x7f)
				what[1] = '\0';
			flow_error(fl, fl->pos, "invalid escape '%s' in string (use \\\", \\\\ or \\n)",
			           what);
			if ((unsigned char)e >= 0x80) {
				fl->pos++;
				continue;
			}
		}
		fl->pos += 2;
	}
	pm_error(fl->m, "syntax", t->loc, "unterminated string");
	t->bad = true;
}

static void unexpected_char(flow_lexer *fl)
{
	const unsigned char *s = (const unsigned char *)fl->v + fl->pos;
	size_t k = pm_utf8_len(s, fl->n - fl->pos);
	char ch[8] = { 0 };
	if (k > 1 && !(s[0] == 0xC2 && s[1] < 0xA0))
		memcpy(ch, s, k);
	else
		snprintf(ch, sizeof ch, s[0] >= 0x20 && s[0] < 0x7f ? "%c" : "0x%02x", s[0]);
	flow_error(fl, fl->pos, s[0] >= 0x20 && s[0] != 0x7f ? "unexpected character '%s'" :
	           "unexpected character %s", ch);
	fl->pos += k ? k : 1;
}

static void flow_lex(flow_lexer *fl, ftok *t)
{
	const char *s = fl->v;
	for (;;) {
		while (fl->pos < fl->n && (is_wsp(s[fl->pos]) || s[fl->pos] == '\f' ||
		                           s[fl->pos] == '\v'))
			fl->pos++;
		memset(t, 0, sizeof *t);
		t->start = fl->pos;
		t->loc = walk_to(&fl->w, fl->pos);
		if (fl->pos >= fl->n)
			return;   /* FT_END */
		unsigned char c = (unsigned char)s[fl->pos];
		if (c == '#') {   /* a comment, as in .pmap */
			while (fl->pos < fl->n && s[fl->pos] != '\n' && s[fl->pos] != '\r')
				fl->pos++;
			continue;
		}
		if (c == '-' && fl->pos + 1 < fl->n && s[fl->pos + 1] == '>') {
			t->kind = FT_ARROW;
			fl->pos += 2;
		} else if (pm_yaml_id_start(c)) {
			t->kind = FT_NAME;
			lex_name(fl);
		} else if (pm_yaml_digit(c) || c == '%' || (c == '.' && fl->pos + 1 < fl->n &&
		                           pm_yaml_digit((unsigned char)s[fl->pos + 1]))) {
			t->kind = FT_WORD;   /* a '%' of its own too, as in lexer.c */
			while (fl->pos < fl->n && (pm_yaml_id_char((unsigned char)s[fl->pos]) ||
			                           s[fl->pos] == '.' || s[fl->pos] == '/' ||
			                           s[fl->pos] == '%'))
				fl->pos++;
		} else if (c == '"') {
			t->kind = FT_STRING;
			lex_label(fl, t);
		} else if (c && strchr(";{}:,", c)) {
			t->kind = FT_PUNCT;
			fl->pos++;
		} else {
			unexpected_char(fl);
			continue;
		}
		t->len = fl->pos - t->start;
		return;
	}
}

/* As parser.c's tok_desc(). */
static const char *ftok_desc(flow_lexer *fl, const ftok *t)
{
	const char *s = fl->v + t->start;
	switch (t->kind) {
	case FT_END: return "end of the arrow";
	case FT_ARROW: return "'->'";
	case FT_PUNCT: return pm_arena_printf(fl->m, "'%c'", *s);
	default: break;
	}
	size_t n = t->len > 40 ? 40 : t->len;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return t->kind == FT_STRING ? "string" : "value";
	if (t->kind == FT_STRING)
		return pm_arena_printf(fl->m, "string %.*s%s", (int)n, s,
		                       t->len > 40 ? "...\"" : "");
	return pm_arena_printf(fl->m, "'%.*s%s'", (int)n, s, t->len > 40 ? "..." : "");
}

/* A string of a flow, unescaped as in .pmap. */
static pm_str flow_label(flow_lexer *fl, const ftok *t)
{
	return pm_string_intern(fl->m, fl->v + t->start, t->len, t->escape);
}

static void flow_expected(flow_lexer *fl, const ftok *t, const char *what)
{
	pm_error(fl->m, "syntax", t->loc, "unexpected %s; expected %s",
	         ftok_desc(fl, t), what);
}

/* chance -> WORD   ("40%", "33.3%"), after the target and its label.
 * `t` is the token after them.  Returns false, with parser.c's error, for a
 * bad chance: "40 %" (split), "abc%" or "%" (no number), "150%". */
static bool flow_chance(flow_lexer *fl, pm_ix ai, ftok *t)
{
	pm_model *m = fl->m;
	const char *s = fl->v + t->start;
	bool glued = t->kind == FT_NAME && fl->pos < fl->n && fl->v[fl->pos] == '%';
	if (t->kind != FT_WORD && !glued)
		return true;   /* no chance: a plain arrow */
	double chance;
	const char *why;
	pm_chance *c = pm_arrow_add_chance(m, ai, t->loc);
	if (!glued && pm_parse_chance(s, t->len, &chance, &why)) {
		c->text = pm_intern(m, s, t->len);
		c->value = chance;
		flow_lex(fl, t);
		return true;
	}
	ftok ahead;
	flow_lex(fl, &ahead);
	size_t shown = glued ? ahead.start + ahead.len - t->start : t->len;
	bool split = !glued && *s != '%' && ahead.kind == FT_WORD && ahead.len == 1 &&
	             fl->v[ahead.start] == '%';
	c->text = pm_intern(m, s, shown);
	if (split)
		why = "write the '%' right after the number, as in 40%";
	else if (glued || *s == '%')
		why = "expected a number before '%', as in 40%";
	pm_error(m, "bad-value", t->loc, "bad chance '%.*s%s': %s", (int)shown, s,
	         split ? " %" : "", why);
	return false;
}

/* flow -> NAME '->' NAME [STRING] [chance] { '->' NAME [STRING] [chance] }
 * (parser.c's) */
void pm_yaml_parse_flow(pm_model *m, const pm_yaml_flow *f)
{
	flow_lexer fl = { m, { 0 }, f->val, f->len, 0 };
	walker_init(&fl.w, m, f);
	ftok t;
	flow_lex(&fl, &t);
	if (t.kind != FT_NAME) {
		flow_expected(&fl, &t, "a name");
		return;
	}
	pm_ref from = { pm_intern(m, f->val + t.start, t.len), t.loc, PM_NONE };
	flow_lex(&fl, &t);
	if (t.kind != FT_ARROW) {
		flow_expected(&fl, &t, "'->'");
		return;
	}
	while (t.kind == FT_ARROW) {
		flow_lex(&fl, &t);
		if (t.kind != FT_NAME) {
			flow_expected(&fl, &t, "a name after '->'");
			return;
		}
		pm_arrow *a = pm_vec_push(m, m->arrows);
		memset(a, 0, sizeof *a);
		a->chance = PM_NONE;
		a->from = from;
		a->to.name = pm_intern(m, f->val + t.start, t.len);
		a->to.loc = t.loc;
		a->to.target = PM_NONE;
		a->scope_kind = f->scope_kind;
		a->scope = f->scope;
		from = a->to;
		flow_lex(&fl, &t);
		if (t.kind == FT_STRING) {
			m->arrows.v[m->arrows.n - 1].label = flow_label(&fl, &t);
			flow_lex(&fl, &t);
		}
		if (!flow_chance(&fl, m->arrows.n - 1, &t))
			return;
	}
	if (t.kind != FT_END)
		flow_expected(&fl, &t, "'->' or the end of the arrow");
}
