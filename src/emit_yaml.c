/* emit_yaml.c — a model as YAML, in the form the YAML loader reads, with
 * the comments of its source where YAML can hold them (docs/fmt.md).
 *
 * Layout: the keys of a model in a fixed order (title, people, actors, tools,
 * systems, processes, flow), of an element in its kind's attribute order
 * (name first, the groups it holds last).  A step, person or tool with no
 * comment inside is one flow mapping `id: { name: …, … }`; anything else is
 * a block mapping.  A scalar is plain when YAML 1.1 and 1.2 both read it as
 * the same string, else double-quoted with escapes.
 */
#include <string.h>

#include "fmt.h"

typedef struct yemit {
	pm_model *m;
	pm_work *w;
	pm_buf *out;
	bool printed;             /* the current mapping has printed a line */
	bool want_blank;
	uint32_t key_width;       /* one-line elements of a group: `id:` padded to it */
	bool actors;              /* the group of people being written is `actors:` */
} yemit;

/* People and actors share m->people; `people:` and `actors:` each take
 * theirs. */
static bool in_group(const yemit *y, pm_anchor_kind ak, pm_ix i)
{
	return ak != PM_AK_PERSON || y->m->people.v[i].actor == y->actors;
}

/* --- scalars -------------------------------------------------------------------- */

static bool word_is(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (c != word[i])
			return false;
	}
	return true;
}

/* Booleans and nulls of YAML 1.1 (which libyaml's users resolve) and 1.2. */
static bool special_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "=",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (word_is(s, n, words[i]))
			return true;
	return false;
}

static size_t digits(const char *s, size_t n, size_t i, const char *set)
{
	while (i < n && strchr(set, s[i]) && s[i])
		i++;
	return i;
}

/* Integers, floats (also sexagesimal), infinities, NaN and dates: what a
 * resolver would not give back as a string. */
static bool looks_numeric(const char *s, size_t n)
{
	size_t i = n && (s[0] == '-' || s[0] == '+') ? 1 : 0;
	if (n >= 4 && digits(s, n, 0, "0123456789") == 4 && s[4] == '-')
		return true;
	if (n - i >= 2 && s[i] == '0' && strchr("xXoObB", s[i + 1]) && s[i + 1])
		return true;
	if (word_is(s + i, n - i, ".inf") || word_is(s + i, n - i, ".nan"))
		return true;
	size_t j = digits(s, n, i, "0123456789_:");
	bool any = j > i;
	if (j < n && s[j] == '.') {
		size_t k = digits(s, n, j + 1, "0123456789_");
		any |= k > j + 1;
		j = k;
	}
	if (any && j < n && (s[j] == 'e' || s[j] == 'E')) {
		size_t k = j + 1 < n && (s[j + 1] == '-' || s[j + 1] == '+') ? j + 2 : j + 1;
		size_t e = digits(s, n, k, "0123456789");
		if (e > k)
			j = e;
	}
	return any && j == n;
}

/* The code point of the UTF-8 sequence at s (valid: the loaders checked). */
static unsigned long code_point(const unsigned char *s, size_t *len)
{
	unsigned c = s[0];
	*len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	unsigned long cp = c & (0x7F >> *len);
	for (size_t i = 1; i < *len; i++)
		cp = cp << 6 | (s[i] & 0x3F);
	return cp;
}

/* Characters YAML does not allow raw, or that break a line. */
static bool needs_escape(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
	       cp == 0xFFFF;
}

/* ASCII that a plain scalar cannot start with (C_FIRST), cannot hold in a
 * flow collection (C_FLOW), or holds only in some places (C_CHECK). */
enum { C_FIRST = 1, C_FLOW = 2, C_CHECK = 4 };

static const unsigned char ascii_class[128] = {
	['-'] = C_FIRST, ['?'] = C_FIRST, [':'] = C_FIRST | C_CHECK,
	[','] = C_FIRST | C_FLOW, ['['] = C_FIRST | C_FLOW, [']'] = C_FIRST | C_FLOW,
	['{'] = C_FIRST | C_FLOW, ['}'] = C_FIRST | C_FLOW, ['#'] = C_FIRST | C_CHECK,
	['&'] = C_FIRST, ['*'] = C_FIRST, ['!'] = C_FIRST, ['|'] = C_FIRST,
	['>'] = C_FIRST, ['\''] = C_FIRST, ['"'] = C_FIRST, ['%'] = C_FIRST,
	['@'] = C_FIRST, ['`'] = C_FIRST,
};

static bool plain_ok(const char *s, size_t n, bool flow)
{
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' ||
	    ((unsigned char)s[0] < 0x80 && (ascii_class[(unsigned char)s[0]] & C_FIRST)) ||
	    (n >= 3 && memcmp(s, "...", 3) == 0) || special_word(s, n) || looks_numeric(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t len;
			if (needs_escape(code_point((const unsigned char *)s + i, &len)))
				return false;
			i += len - 1;
			continue;
		}
		unsigned char k = ascii_class[c];
		if (c >= 0x20 && c != 0x7F && !(k & (C_CHECK | C_FLOW)))
			continue;
		if ((flow && (k & C_FLOW)) || c < 0x20 || c == 0x7F ||
		    (c == '#' && s[i - 1] == ' ') ||
		    (c == ':' && (flow || i + 1 == n || s[i + 1] == ' ')))
			return false;
	}
	return true;
}

static void put_quoted(yemit *y, const char *s, size_t n)
{
	pm_buf_putc(y->m, y->out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned long cp = c;
		size_t len = 1;
		if (c >= 0x80)
			cp = code_point((const unsigned char *)s + i, &len);
		char esc[12];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			esc[2] = '\0';
		} else if (needs_escape(cp)) {
			snprintf(esc, sizeof esc, cp <= 0xFF ? "\\x%02lX" : "\\u%04lX", cp);
		} else {
			pm_buf_put(y->m, y->out, s + i, len);
			i += len - 1;
			continue;
		}
		pm_buf_puts(y->m, y->out, esc);
		i += len - 1;
	}
	pm_buf_putc(y->m, y->out, '"');
}

static void put_scalar(yemit *y, const char *s, size_t n, bool flow)
{
	if (plain_ok(s, n, flow))
		pm_buf_put(y->m, y->out, s, n);
	else
		put_quoted(y, s, n);
}

static void put_str(yemit *y, pm_str s, bool flow)
{
	put_scalar(y, pm_str_get(y->m, s), pm_str_len(y->m, s), flow);
}

/* --- lines and comments ------------------------------------------------------------ */

static void line(yemit *y, unsigned indent)
{
	if (y->want_blank && y->printed)
		pm_buf_putc(y->m, y->out, '\n');
	y->want_blank = false;
	y->printed = true;
	pm_buf_spaces(y->m, y->out, indent);
}

/* A comment as written, but for what YAML cannot hold in one: a .pmap
 * comment may hold any character, YAML takes only printable ones and breaks
 * lines at NEL, LS and PS.  Those become escapes, \xNN or \uNNNN, so the
 * YAML reads back and the character stays visible. */
static void put_text(yemit *y, pm_str str)
{
	const char *s = pm_str_get(y->m, str);
	size_t n = pm_str_len(y->m, str), run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		unsigned long cp = c >= 0x80 ? code_point((const unsigned char *)s + i, &len) : c;
		if (needs_escape(cp) && c != '\t') {
			pm_buf_put(y->m, y->out, s + run, i - run);
			char esc[12];
			snprintf(esc, sizeof esc, cp <= 0xFF ? "\\x%02lX" : "\\u%04lX", cp);
			pm_buf_puts(y->m, y->out, esc);
			run = i + len;
		}
		i += len - 1;
	}
	pm_buf_put(y->m, y->out, s + run, n - run);
}

/* The comments and blank lines before a statement. */
static void before(yemit *y, pm_anchor_kind ak, pm_ix elem, unsigned slot,
                   unsigned indent)
{
	uint32_t n;
	const pm_trivia *t = pm_trivia_find(y->w, ak, elem, slot, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (t[i].trailing)
			continue;
		if (!t[i].text) {
			y->want_blank = true;
			continue;
		}
		line(y, indent);
		put_text(y, t[i].text);
		pm_buf_putc(y->m, y->out, '\n');
	}
}

/* Ends a line with its trailing comment; a second one (a YAML source can
 * have several) goes on the lines after. */
static void end_line(yemit *y, pm_anchor_kind ak, pm_ix elem, unsigned slot,
                     unsigned indent)
{
	uint32_t n;
	const pm_trivia *t = pm_trivia_find(y->w, ak, elem, slot, &n);
	bool first = true;
	for (uint32_t i = 0; i < n; i++) {
		if (!t[i].trailing)
			continue;
		if (first) {
			pm_buf_put(y->m, y->out, "  ", 2);
			put_text(y, t[i].text);
			first = false;
			continue;
		}
		pm_buf_putc(y->m, y->out, '\n');
		pm_buf_spaces(y->m, y->out, indent);
		put_text(y, t[i].text);
	}
	pm_buf_putc(y->m, y->out, '\n');
}

/* --- elements --------------------------------------------------------------------- */

static void put_uses(yemit *y, const pm_elem *e)
{
	pm_buf_putc(y->m, y->out, '[');
	for (pm_ix k = 0; k < e->uses_count; k++) {
		if (k)
			pm_buf_put(y->m, y->out, ", ", 2);
		put_str(y, y->m->uses.v[e->uses_first + k].name, true);
	}
	pm_buf_putc(y->m, y->out, ']');
}

static void put_key(yemit *y, const char *key)
{
	pm_buf_puts(y->m, y->out, key);
	pm_buf_put(y->m, y->out, ": ", 2);
}

/* `{ name: …, owner: …, uses: […], ignore: { rule: reason } }` */
static void put_flow_body(yemit *y, const pm_elem *e)
{
	bool any = false;
	pm_buf_putc(y->m, y->out, '{');
	if (e->label != e->id) {
		pm_buf_puts(y->m, y->out, " name: ");
		put_str(y, e->label, true);
		any = true;
	}
	for (const signed char *o = pm_key_order(e->ak); *o >= 0; o++) {
		int k = *o;
		if (k == PM_KEY_IGNORE || (k == PM_KEY_USES ? !e->uses_count : !e->vals[k]))
			continue;
		pm_buf_puts(y->m, y->out, any ? ", " : " ");
		put_key(y, pm_key_names[k]);
		if (k == PM_KEY_USES)
			put_uses(y, e);
		else
			put_str(y, e->vals[k], true);
		any = true;
	}
	if (e->nignores) {
		pm_buf_puts(y->m, y->out, any ? ", ignore: {" : " ignore: {");
		for (uint32_t j = 0; j < e->nignores; j++) {
			const pm_ignore *g = &y->m->ignores.v[y->w->ignores.v[e->ignores + j]];
			pm_buf_puts(y->m, y->out, j ? ", " : " ");
			put_str(y, g->rule, true);
			pm_buf_put(y->m, y->out, ": ", 2);
			put_str(y, g->reason, true);
		}
		pm_buf_puts(y->m, y->out, " }");
		any = true;
	}
	pm_buf_puts(y->m, y->out, any ? " }" : "}");
}

static void emit_elem(yemit *y, pm_anchor_kind ak, pm_ix i, unsigned indent,
                      bool lead_done);

static uint32_t key_len(yemit *y, pm_str id)
{
	uint32_t n = pm_str_len(y->m, id);
	return plain_ok(pm_str_get(y->m, id), n, false) ? n : n + 2;   /* ids need no escapes */
}

/* The widest key among the one-line elements of a group of steps, people
 * or tools, so that their `{` line up. */
static uint32_t group_key_width(yemit *y, pm_anchor_kind ak, pm_ix first, pm_ix count)
{
	uint32_t w = 0;
	if (ak < PM_AK_STEP)
		return 0;
	for (pm_ix k = 0; k < count; k++) {
		pm_elem e;
		if (!in_group(y, ak, first + k))
			continue;
		pm_elem_get(y->m, y->w, ak, first + k, &e);
		if (!pm_trivia_inside(y->m, y->w, ak, first + k) && key_len(y, e.id) > w)
			w = key_len(y, e.id);
	}
	return w;
}

/* `steps:` and the like; the first element's comments go before the key,
 * where the YAML reader gives them back to it. */
static void emit_group(yemit *y, const char *key, pm_anchor_kind ak,
                       pm_ix first, pm_ix count, unsigned indent)
{
	pm_ix lead = 0;
	while (lead < count && !in_group(y, ak, first + lead))
		lead++;
	if (lead == count)
		return;
	before(y, ak, first + lead, PM_SLOT_STMT, indent);
	line(y, indent);
	pm_buf_puts(y->m, y->out, key);
	pm_buf_put(y->m, y->out, ":\n", 2);
	y->printed = false;
	uint32_t width = group_key_width(y, ak, first, count);
	for (pm_ix k = lead; k < count; k++) {
		if (!in_group(y, ak, first + k))
			continue;
		y->key_width = width;
		emit_elem(y, ak, first + k, indent + 2, k == lead);
	}
	y->key_width = 0;
	y->printed = true;
	y->want_blank = false;
}

/* `a -> b "label" -> c` into w->raw. */
static void chain_text(yemit *y, uint32_t at, uint32_t len)
{
	pm_model *m = y->m;
	pm_buf *b = &y->w->raw;
	b->n = 0;
	const pm_arrow *a = &m->arrows.v[y->w->arrows.v[at]];
	pm_buf_puts(m, b, pm_str_get(m, a->from.name));
	for (uint32_t k = 0; k < len; k++) {
		a = &m->arrows.v[y->w->arrows.v[at + k]];
		pm_buf_puts(m, b, " -> ");
		pm_buf_puts(m, b, pm_str_get(m, a->to.name));
		if (a->label) {
			pm_buf_putc(m, b, ' ');
			pm_buf_pmap_string(m, b, pm_str_get(m, a->label), pm_str_len(m, a->label));
		}
		if (a->chance != PM_NONE) {
			pm_buf_putc(m, b, ' ');
			pm_buf_puts(m, b, pm_str_get(m, pm_arrow_chance_text(m, a)));
		}
	}
}

static void emit_flows(yemit *y, uint32_t first, uint32_t n, unsigned indent)
{
	if (!n)
		return;
	pm_ix a0 = y->w->arrows.v[first];
	before(y, PM_AK_CHAIN, a0, PM_SLOT_STMT, indent);
	line(y, indent);
	pm_buf_puts(y->m, y->out, "flow:\n");
	y->printed = false;
	for (uint32_t k = 0; k < n;) {
		uint32_t len = pm_chain_len(y->m, y->w, first + k, n - k);
		pm_ix a = y->w->arrows.v[first + k];
		if (k)
			before(y, PM_AK_CHAIN, a, PM_SLOT_STMT, indent + 2);
		line(y, indent + 2);
		pm_buf_put(y->m, y->out, "- ", 2);
		chain_text(y, first + k, len);
		put_scalar(y, y->w->raw.v, y->w->raw.n, false);
		end_line(y, PM_AK_CHAIN, a, PM_SLOT_STMT, indent + 2);
		k += len;
	}
	y->printed = true;
	y->want_blank = false;
}

static void emit_ignores(yemit *y, const pm_elem *e, unsigned indent)
{
	if (!e->nignores)
		return;
	pm_ix g0 = y->w->ignores.v[e->ignores];
	before(y, PM_AK_IGNORE, g0, PM_SLOT_STMT, indent);
	line(y, indent);
	pm_buf_puts(y->m, y->out, "ignore:\n");
	y->printed = false;
	for (uint32_t j = 0; j < e->nignores; j++) {
		pm_ix gi = y->w->ignores.v[e->ignores + j];
		const pm_ignore *g = &y->m->ignores.v[gi];
		if (j)
			before(y, PM_AK_IGNORE, gi, PM_SLOT_STMT, indent + 2);
		line(y, indent + 2);
		put_str(y, g->rule, false);
		pm_buf_put(y->m, y->out, ": ", 2);
		put_str(y, g->reason, false);
		end_line(y, PM_AK_IGNORE, gi, PM_SLOT_STMT, indent + 2);
	}
	y->printed = true;
	y->want_blank = false;
}

static void emit_attrs(yemit *y, const pm_elem *e, unsigned indent)
{
	before(y, e->ak, e->i, PM_SLOT_NAME, indent);
	if (e->label != e->id) {
		line(y, indent);
		put_key(y, "name");
		put_str(y, e->label, false);
		end_line(y, e->ak, e->i, PM_SLOT_NAME, indent);
	}
	for (const signed char *o = pm_key_order(e->ak); *o >= 0; o++) {
		int k = *o;
		if (k == PM_KEY_IGNORE) {
			emit_ignores(y, e, indent);
			continue;
		}
		if (k == PM_KEY_USES ? !e->uses_count : !e->vals[k])
			continue;
		before(y, e->ak, e->i, PM_SLOT_KEY + (unsigned)k, indent);
		line(y, indent);
		put_key(y, pm_key_names[k]);
		if (k == PM_KEY_USES)
			put_uses(y, e);
		else
			put_str(y, e->vals[k], false);
		end_line(y, e->ak, e->i, PM_SLOT_KEY + (unsigned)k, indent);
	}
}

/* The comments at the end of a body, then those that followed its closing
 * '}' in .pmap: a YAML block has no closing line to put them on. */
static void emit_end(yemit *y, const pm_elem *e, unsigned indent)
{
	before(y, e->ak, e->i, PM_SLOT_END, indent);
	uint32_t n;
	const pm_trivia *t = pm_trivia_find(y->w, e->ak, e->i, PM_SLOT_STMT, &n);
	for (uint32_t k = 0; k < n; k++) {
		if (!t[k].trailing)
			continue;
		line(y, indent);
		put_text(y, t[k].text);
		pm_buf_putc(y->m, y->out, '\n');
	}
}

static void emit_elem(yemit *y, pm_anchor_kind ak, pm_ix i, unsigned indent,
                      bool lead_done)
{
	pm_elem e;
	pm_elem_get(y->m, y->w, ak, i, &e);
	if (!lead_done)
		before(y, ak, i, PM_SLOT_STMT, indent);
	bool block = e.count || e.narrows || pm_trivia_inside(y->m, y->w, ak, i) ||
	             (ak <= PM_AK_PROCESS && pm_elem_has_attrs(&e));
	uint32_t width = y->key_width;
	y->key_width = 0;
	line(y, indent);
	put_str(y, e.id, false);
	if (!block) {
		pm_buf_put(y->m, y->out, ": ", 2);
		if (width > key_len(y, e.id))
			pm_buf_spaces(y->m, y->out, width - key_len(y, e.id));
		put_flow_body(y, &e);
		end_line(y, ak, i, PM_SLOT_STMT, indent);
		return;
	}
	pm_buf_putc(y->m, y->out, ':');
	end_line(y, ak, i, PM_SLOT_OPEN, indent);
	y->printed = false;
	emit_attrs(y, &e, indent + 2);
	if (ak == PM_AK_SYSTEM)
		emit_group(y, "processes", PM_AK_PROCESS, e.first, e.count, indent + 2);
	else if (ak == PM_AK_PROCESS)
		emit_group(y, "steps", PM_AK_STEP, e.first, e.count, indent + 2);
	emit_flows(y, e.arrows, e.narrows, indent + 2);
	emit_end(y, &e, indent + 2);
	y->printed = true;
	y->want_blank = false;
}

static void emit_top_processes(yemit *y)
{
	pm_model *m = y->m;
	pm_ix first = PM_NONE;
	for (pm_ix i = 0; i < m->processes.n && first == PM_NONE; i++)
		if (m->processes.v[i].system == PM_NONE)
			first = i;
	if (first == PM_NONE)
		return;
	before(y, PM_AK_PROCESS, first, PM_SLOT_STMT, 0);
	line(y, 0);
	pm_buf_puts(m, y->out, "processes:\n");
	y->printed = false;
	for (pm_ix i = first; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			emit_elem(y, PM_AK_PROCESS, i, 2, i == first);
	y->printed = true;
	y->want_blank = false;
}

void pm_emit_yaml(pm_model *m, pm_work *w)
{
	yemit y = { m, w, &w->out, false, false, 0, false };
	pm_collect_trivia(m, w);
	pm_group_arrows(m, w);
	pm_group_ignores(m, w);
	if (m->title) {
		before(&y, PM_AK_TOP, 0, PM_SLOT_KEY + PM_KEY_TITLE, 0);
		line(&y, 0);
		put_key(&y, "title");
		put_str(&y, m->title, false);
		end_line(&y, PM_AK_TOP, 0, PM_SLOT_KEY + PM_KEY_TITLE, 0);
	}
	emit_group(&y, "people", PM_AK_PERSON, 0, m->people.n, 0);
	y.actors = true;
	emit_group(&y, "actors", PM_AK_PERSON, 0, m->people.n, 0);
	y.actors = false;
	emit_group(&y, "tools", PM_AK_TOOL, 0, m->tools.n, 0);
	emit_group(&y, "systems", PM_AK_SYSTEM, 0, m->systems.n, 0);
	emit_top_processes(&y);
	uint32_t n, first = pm_scope_arrows(m, w, PM_SCOPE_TOP, PM_NONE, &n);
	emit_flows(&y, first, n, 0);
	before(&y, PM_AK_TOP, 0, PM_SLOT_END, 0);
}

/* --- public entry point ------------------------------------------------------------ */

pm_status pm_model_write_yaml(pm_model *m, FILE *out)
{
	return pm_write_with(m, out, pm_emit_yaml);
}
