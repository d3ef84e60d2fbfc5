/* features.c — what the language server knows about one document: where
 * each element is declared and named (the index), and the requests built
 * on it: hover, definition, references, rename, document symbols,
 * completion and formatting.
 *
 * The index is built from the analysed model on the first request after a
 * change: one `decl` per element (its keyword, id and extent in the text)
 * and one `occ` per place an element's id is written (its declaration, an
 * owner, a tool in uses, each segment of an arrow's dotted name).  Only
 * .pmap documents have one; YAML documents get diagnostics only. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "fmt.h"
#include "lsp/lsp.h"
#include "model.h"
#include "rules.h"

#define NKINDS 5            /* PM_KIND_SYSTEM ... PM_KIND_TOOL */
#define QID_MAX 512
#define NONE32 UINT32_MAX

typedef struct decl {
	uint32_t kw;            /* the keyword */
	uint32_t ida, idb;      /* the id; ida NONE32 when not found */
	uint32_t body;          /* after its '{', NONE32 without a body */
	uint32_t end;           /* after its '}' or the end of its line */
} decl;

typedef struct occ {
	uint32_t a, b;
	uint8_t kind;
	bool decl;
	pm_ix idx;
} occ;

struct lsp_index {
	decl *decls;            /* kind by kind, in model order */
	uint32_t base[NKINDS];
	occ *occs;              /* sorted by position */
	size_t nocc, ocap;
	bool failed;
};

/* --- small helpers ---------------------------------------------------------------- */

typedef struct sb {
	char *p;
	size_t n, cap;
} sb;

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sb *b, const char *fmt, ...)
{
	for (int tries = 0; tries < 2; tries++) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->n;
		int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
		va_end(ap);
		if (k < 0)
			return;
		if ((size_t)k < room) {
			b->n += (size_t)k;
			return;
		}
		size_t cap = (b->cap + (size_t)k + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
}

static bool is_id_char(char c)
{
	return c == '_' || c == '-' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool is_id_start(char c)
{
	return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static const char *str(const pm_model *m, pm_str s)
{
	return pm_str_get(m, s);
}

/* The qualified id ("sys.proc.step") into buf. */
static const char *qid(const pm_model *m, pm_kind k, pm_ix i, char *buf)
{
	buf[0] = '\0';
	switch (k) {
	case PM_KIND_SYSTEM:
		snprintf(buf, QID_MAX, "%s", str(m, m->systems.v[i].id));
		break;
	case PM_KIND_PROCESS: {
		const pm_process *p = &m->processes.v[i];
		if (p->system != PM_NONE)
			snprintf(buf, QID_MAX, "%s.%s", str(m, m->systems.v[p->system].id), str(m, p->id));
		else
			snprintf(buf, QID_MAX, "%s", str(m, p->id));
		break;
	}
	case PM_KIND_STEP: {
		const pm_step *s = &m->steps.v[i];
		qid(m, PM_KIND_PROCESS, s->process, buf);
		size_t n = strlen(buf);
		snprintf(buf + n, QID_MAX - n, ".%s", str(m, s->id));
		break;
	}
	case PM_KIND_PERSON:
		snprintf(buf, QID_MAX, "%s", str(m, m->people.v[i].id));
		break;
	case PM_KIND_TOOL:
		snprintf(buf, QID_MAX, "%s", str(m, m->tools.v[i].id));
		break;
	default:
		break;
	}
	return buf;
}


/* --- the index ------------------------------------------------------------------- */

/* After a string literal that starts at `i` (on its line). */
static size_t skip_string(const lsp_doc *d, size_t i)
{
	for (i++; i < d->len && d->text[i] != '"' && d->text[i] != '\n'; i++)
		if (d->text[i] == '\\' && i + 1 < d->len && d->text[i + 1] != '\n')
			i++;
	return i < d->len && d->text[i] == '"' ? i + 1 : i;
}

/* After the '}' matching the '{' before `i`, skipping strings and
 * comments; the end of the text when it is not closed.  A counter, not
 * recursion. */
static size_t match_brace(const lsp_doc *d, size_t i)
{
	size_t depth = 1;
	while (i < d->len) {
		char c = d->text[i];
		if (c == '"') {
			i = skip_string(d, i);
			continue;
		}
		if (c == '#') {
			while (i < d->len && d->text[i] != '\n')
				i++;
			continue;
		}
		i++;
		if (c == '{')
			depth++;
		else if (c == '}' && --depth == 0)
			return i;
	}
	return d->len;
}

static size_t skip_blanks(const lsp_doc *d, size_t i)
{
	while (i < d->len && (d->text[i] == ' ' || d->text[i] == '\t'))
		i++;
	return i;
}

static void find_decl(const lsp_doc *d, const pm_model *m, pm_kind k, pm_ix i, decl *out)
{
	*out = (decl){ NONE32, NONE32, NONE32, NONE32, NONE32 };
	pm_loc loc = pm_elem_loc(m, k, i);
	if (loc.file != d->file_ix || d->format != PM_INPUT_PMAP || !loc.line)
		return;
	size_t p = lsp_loc_offset(d, loc.line, loc.col), q = p;
	while (q < d->len && d->text[q] >= 'a' && d->text[q] <= 'z')
		q++;
	if (q == p)
		return;
	size_t a = skip_blanks(d, q), b = a;
	while (b < d->len && is_id_char(d->text[b]))
		b++;
	const char *id = str(m, pm_elem_id(m, k, i));
	if (b - a != strlen(id) || memcmp(d->text + a, id, b - a) != 0)
		return;
	out->kw = (uint32_t)p;
	out->ida = (uint32_t)a;
	out->idb = (uint32_t)b;
	size_t e = skip_blanks(d, b), stmt_end = b;   /* after the id or the label */
	if (e < d->len && d->text[e] == '"') {
		stmt_end = skip_string(d, e);
		e = skip_blanks(d, stmt_end);
	}
	if (e < d->len && d->text[e] == '{') {
		out->body = (uint32_t)(e + 1);
		out->end = (uint32_t)match_brace(d, e + 1);
	} else {
		out->end = (uint32_t)stmt_end;
	}
}

static void add_occ(lsp_index *ix, size_t a, size_t b, pm_kind k, pm_ix i, bool is_decl)
{
	if (ix->nocc == ix->ocap) {
		size_t cap = ix->ocap ? ix->ocap * 2 : 256;
		occ *v = realloc(ix->occs, cap * sizeof *v);
		if (!v) {
			ix->failed = true;
			return;
		}
		ix->occs = v;
		ix->ocap = cap;
	}
	ix->occs[ix->nocc++] = (occ){ (uint32_t)a, (uint32_t)b, (uint8_t)k, is_decl, i };
}

/* The element a written name stands for, and each dotted segment before
 * its last for the parents: "sales.proposal.send" names the step, its
 * process and its system. */
static void add_ref(lsp_index *ix, const lsp_doc *d, const pm_model *m, const pm_ref *r,
                    pm_kind k)
{
	if (!r->name || r->target == PM_NONE || r->loc.file != d->file_ix ||
	    d->format != PM_INPUT_PMAP)
		return;
	const char *name = str(m, r->name);
	size_t n = strlen(name), at = lsp_loc_offset(d, r->loc.line, r->loc.col);
	if (at + n > d->len || memcmp(d->text + at, name, n) != 0)
		return;
	pm_ix i = r->target;
	size_t end = at + n;
	while (end > at) {
		size_t start = end;
		while (start > at && d->text[start - 1] != '.')
			start--;
		const char *id = str(m, pm_elem_id(m, k, i));
		if (end - start != strlen(id) || memcmp(d->text + start, id, end - start) != 0)
			return;
		add_occ(ix, start, end, k, i, false);
		if (start == at)
			return;
		end = start - 1;
		if (k == PM_KIND_STEP) {
			k = PM_KIND_PROCESS;
			i = m->steps.v[i].process;
		} else if (k == PM_KIND_PROCESS && m->processes.v[i].system != PM_NONE) {
			k = PM_KIND_SYSTEM;
			i = m->processes.v[i].system;
		} else {
			return;
		}
	}
}

/* The kinds of an arrow's ends: resolve.c keeps them in the flows (step →
 * step) and the hand-offs. */
static void arrow_kinds(const pm_model *m, uint8_t *from, uint8_t *to)
{
	for (uint32_t i = 0; i < m->flows.n; i++) {
		pm_ix a = m->flows.v[i].arrow;
		if (a != PM_NONE && a < m->arrows.n)
			from[a] = to[a] = PM_KIND_STEP;
	}
	for (uint32_t i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		if (h->arrow == PM_NONE || h->arrow >= m->arrows.n)
			continue;
		from[h->arrow] = h->from_step != PM_NONE ? PM_KIND_STEP : PM_KIND_PROCESS;
		to[h->arrow] = h->to_step != PM_NONE ? PM_KIND_STEP : PM_KIND_PROCESS;
	}
}

static void add_arrows(lsp_index *ix, const lsp_doc *d, const pm_model *m)
{
	uint8_t *from = malloc(m->arrows.n + 1), *to = malloc(m->arrows.n + 1);
	if (!from || !to) {
		ix->failed = true;
		free(from);
		free(to);
		return;
	}
	memset(from, 0xff, m->arrows.n + 1);
	memset(to, 0xff, m->arrows.n + 1);
	arrow_kinds(m, from, to);
	for (uint32_t i = 0; i < m->arrows.n; i++) {
		if (from[i] != 0xff)
			add_ref(ix, d, m, &m->arrows.v[i].from, (pm_kind)from[i]);
		if (to[i] != 0xff)
			add_ref(ix, d, m, &m->arrows.v[i].to, (pm_kind)to[i]);
	}
	free(from);
	free(to);
}

static int occ_cmp(const void *x, const void *y)
{
	const occ *a = x, *b = y;
	return a->a < b->a ? -1 : a->a > b->a;
}

static lsp_index *build(const lsp_doc *d, const pm_model *m)
{
	lsp_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	size_t n = 0;
	for (int k = 0; k < NKINDS; k++) {
		ix->base[k] = (uint32_t)n;
		n += (uint32_t)pm_model_count(m, (pm_kind)k);
	}
	ix->decls = malloc((n + 1) * sizeof *ix->decls);
	if (!ix->decls) {
		free(ix);
		return NULL;
	}
	for (int k = 0; k < NKINDS; k++) {
		for (pm_ix i = 0; i < (uint32_t)pm_model_count(m, (pm_kind)k); i++) {
			decl *dc = &ix->decls[ix->base[k] + i];
			find_decl(d, m, (pm_kind)k, i, dc);
			if (dc->ida != NONE32)
				add_occ(ix, dc->ida, dc->idb, (pm_kind)k, i, true);
		}
	}
	for (uint32_t i = 0; i < m->systems.n; i++)
		add_ref(ix, d, m, &m->systems.v[i].owner, PM_KIND_PERSON);
	for (uint32_t i = 0; i < m->processes.n; i++)
		add_ref(ix, d, m, &m->processes.v[i].owner, PM_KIND_PERSON);
	for (uint32_t i = 0; i < m->steps.n; i++)
		add_ref(ix, d, m, &m->steps.v[i].owner, PM_KIND_PERSON);
	for (uint32_t i = 0; i < m->uses.n; i++)
		add_ref(ix, d, m, &m->uses.v[i], PM_KIND_TOOL);
	add_arrows(ix, d, m);
	if (ix->nocc)
		qsort(ix->occs, ix->nocc, sizeof *ix->occs, occ_cmp);
	return ix;
}

void lsp_index_free(lsp_index *ix)
{
	if (!ix)
		return;
	free(ix->decls);
	free(ix->occs);
	free(ix);
}

/* The analysed model and its index; NULL (with *err) when out of memory. */
static lsp_index *index_of(lsp_doc *d, pm_model **mp, lsp_err *err)
{
	pm_model *m = lsp_doc_model(d);
	if (m && !d->ix)
		d->ix = build(d, m);
	if (!m || !d->ix) {
		err->code = LSP_INTERNAL_ERROR;
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return NULL;
	}
	*mp = m;
	return d->ix;
}

static const decl *decl_of(const lsp_index *ix, pm_kind k, pm_ix i)
{
	return &ix->decls[ix->base[k] + i];
}

/* The occurrence at byte `off` (the cursor may also sit just after it). */
static const occ *occ_at(const lsp_index *ix, size_t off)
{
	const occ *after = NULL;
	for (size_t i = 0; i < ix->nocc; i++) {
		const occ *o = &ix->occs[i];
		if (o->a <= off && off < o->b)
			return o;
		if (o->b == off)
			after = o;
		if (o->a > off)
			break;
	}
	return after;
}

static const occ *request_occ(lsp_doc *d, json_t *params, pm_model **m, lsp_err *err)
{
	size_t off;
	lsp_index *ix = index_of(d, m, err);
	if (!ix)
		return NULL;
	if (!lsp_get_position(d, json_object_get(params, "position"), &off)) {
		err->code = LSP_INVALID_PARAMS;
		snprintf(err->msg, sizeof err->msg, "params.position is missing or not a position");
		return NULL;
	}
	return occ_at(ix, off);
}

static json_t *location(const lsp_doc *d, size_t a, size_t b)
{
	return json_pack("{s:s, s:o}", "uri", d->uri, "range", lsp_range(d, a, b));
}

json_t *lsp_locate(lsp_doc *d, const char *want)
{
	pm_model *m = d->model;
	lsp_err err;
	if (!m || !index_of(d, &m, &err))
		return NULL;
	char buf[QID_MAX];
	for (int k = 0; k < NKINDS; k++) {
		for (pm_ix i = 0; i < (uint32_t)pm_model_count(m, (pm_kind)k); i++) {
			const decl *dc = decl_of(d->ix, (pm_kind)k, i);
			if (dc->ida != NONE32 && strcmp(qid(m, (pm_kind)k, i, buf), want) == 0)
				return location(d, dc->ida, dc->idb);
		}
	}
	return NULL;
}

/* --- hover ------------------------------------------------------------------------ */

static void hover_owner(sb *b, const pm_model *m, const pm_ref *own, pm_ix eff,
                        const char *from)
{
	if (own->target != PM_NONE)
		sb_printf(b, "owner: `%s` (%s)\n\n", str(m, m->people.v[own->target].id),
		          str(m, m->people.v[own->target].label));
	else if (eff != PM_NONE)
		sb_printf(b, "owner: `%s` (%s), inherited from %s\n\n",
		          str(m, m->people.v[eff].id), str(m, m->people.v[eff].label), from);
	else
		sb_printf(b, "owner: none\n\n");
}

static void hover_duration(sb *b, const char *what, int64_t s)
{
	char buf[PM_DURATION_BUF];
	if (s < 0)
		return;
	pm_duration_fmt(buf, s);
	sb_printf(b, "%s %s", what, buf);
}

static void hover_step(sb *b, const pm_model *m, pm_ix i)
{
	const pm_step *s = &m->steps.v[i];
	const pm_process *p = &m->processes.v[s->process];
	char from[QID_MAX + 16], q[QID_MAX];
	pm_ix eff = s->eff_owner;
	if (p->owner.target != PM_NONE)
		snprintf(from, sizeof from, "process `%s`", qid(m, PM_KIND_PROCESS, s->process, q));
	else if (p->system != PM_NONE)
		snprintf(from, sizeof from, "system `%s`", str(m, m->systems.v[p->system].id));
	else
		from[0] = '\0';
	hover_owner(b, m, &s->owner, eff, from);
	if (pm_takes(s) >= 0 || pm_waits(s) >= 0) {
		hover_duration(b, "takes", pm_takes(s));
		sb_printf(b, pm_takes(s) >= 0 && pm_waits(s) >= 0 ? " · " : "");
		hover_duration(b, "waits", pm_waits(s));
		sb_printf(b, "\n\n");
	}
	for (pm_ix u = 0; u < s->uses_count; u++)
		sb_printf(b, "%s`%s`%s", u ? ", " : "uses: ",
		          str(m, m->uses.v[s->uses_first + u].name),
		          u + 1 == s->uses_count ? "\n\n" : "");
	if (m->an.done && i < m->an.visits.n)
		sb_printf(b, "expected visits per run: %.2f\n\n", m->an.visits.v[i]);
}

static void hover_process(sb *b, const pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	char from[QID_MAX + 16], q[QID_MAX];
	from[0] = '\0';
	if (p->system != PM_NONE)
		snprintf(from, sizeof from, "system `%s`", str(m, m->systems.v[p->system].id));
	pm_ix eff = p->system != PM_NONE ? m->systems.v[p->system].owner.target : PM_NONE;
	hover_owner(b, m, &p->owner, eff, from);
	sb_printf(b, "steps: %u", p->step_count);
	if (p->runs_text)
		sb_printf(b, " · runs: %s", str(m, p->runs_text));
	if (p->trigger)
		sb_printf(b, " · trigger: \"%s\"", str(m, p->trigger));
	sb_printf(b, "\n\n");
	if (!m->an.done || i >= m->an.procs.n)
		return;
	const pm_proc_metrics *pm = &m->an.procs.v[i];
	static const char *const why[] = { "", "its steps hold a trap (step-cycle)",
	                                   "no step has takes or waits", "it has no steps" };
	if (pm->lead_status != PM_LEAD_OK) {
		sb_printf(b, "expected lead time: unknown: %s\n\n", why[pm->lead_status]);
	} else {
		hover_duration(b, "expected lead time:", pm->lead_s);
		hover_duration(b, " · work", pm->work_s);
		if (pm->lead_s > 0)
			sb_printf(b, " (flow efficiency %.0f%%)", 100.0 * (double)pm->work_s / (double)pm->lead_s);
		sb_printf(b, "\n\n");
	}
	if (pm->bottleneck != PM_NONE && pm->bottleneck < m->steps.n)
		sb_printf(b, "bottleneck: step `%s` (%.0f%% of its owner's load)\n\n",
		          qid(m, PM_KIND_STEP, pm->bottleneck, q), 100.0 * pm->bottleneck_share);
}

static void hover_person(sb *b, const pm_model *m, pm_ix i)
{
	const pm_person *pe = &m->people.v[i];
	if (pe->actor) {
		sb_printf(b, "an actor, outside the business: its steps count towards "
		          "nobody's load\n\n");
		return;
	}
	if (pe->capacity_text)
		sb_printf(b, "capacity: %s\n\n", str(m, pe->capacity_text));
	if (!m->an.done || i >= m->an.people.n)
		return;
	const pm_person_metrics *pm = &m->an.people.v[i];
	sb_printf(b, "load: %.1fh/week", pm->load_s / 3600.0);
	if (pe->capacity_s > 0)
		sb_printf(b, " ÷ capacity %.1fh/week = %.0f%%", (double)pe->capacity_s / 3600.0,
		          100.0 * pm->load_s / (double)pe->capacity_s);
	sb_printf(b, "\n\n");
}

static void hover_system(sb *b, const pm_model *m, pm_ix i)
{
	const pm_system *s = &m->systems.v[i];
	hover_owner(b, m, &s->owner, PM_NONE, "");
	sb_printf(b, "processes: %u\n\n", s->proc_count);
}

static void hover_tool(sb *b, const pm_model *m, pm_ix i)
{
	uint32_t n = 0;
	for (uint32_t u = 0; u < m->uses.n; u++)
		n += m->uses.v[u].target == i;
	sb_printf(b, "used by %u step%s\n\n", n, n == 1 ? "" : "s");
}

static void hover_findings(sb *b, pm_model *m, const char *q)
{
	bool first = true;
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *g = pm_model_diag(m, i);
		if (!g->subject || strcmp(g->subject, q) != 0 || g->severity == PM_SEV_OFF)
			continue;
		if (first)
			sb_printf(b, "---\n\nfindings:\n\n");
		first = false;
		sb_printf(b, "- %s `%s`: %s", pm_severity_str(g->severity), g->rule, g->message);
		if (g->suppressed)
			sb_printf(b, " (ignored: %s)", g->suppressed);
		sb_printf(b, "\n");
	}
}

/* A rule id under the cursor (in an ignore:): its summary. */
static json_t *hover_rule(const lsp_doc *d, json_t *params)
{
	size_t off, a, b;
	if (!lsp_get_position(d, json_object_get(params, "position"), &off))
		return json_null();
	for (a = off; a > 0 && is_id_char(d->text[a - 1]); a--)
		;
	for (b = off; b < d->len && is_id_char(d->text[b]); b++)
		;
	const pm_rule_info *ri = b > a ? pm_rule_find(d->text + a, b - a) : NULL;
	if (!ri)
		return json_null();
	char text[512];
	snprintf(text, sizeof text, "**rule** `%s` (%s by default)\n\n%s", ri->name,
	         pm_severity_str(ri->severity), ri->summary);
	return json_pack("{s:{s:s, s:s}, s:o}", "contents", "kind", "markdown", "value", text,
	                 "range", lsp_range(d, a, b));
}

json_t *lsp_hover(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	const occ *o = request_occ(d, params, &m, err);
	if (!o)
		return err->code ? NULL : hover_rule(d, params);
	pm_kind k = (pm_kind)o->kind;
	char q[QID_MAX];
	sb b = { 0 };
	sb_printf(&b, "**%s** `%s`", pm_elem_word(m, k, o->idx), qid(m, k, o->idx, q));
	pm_str label = pm_elem_label(m, k, o->idx);
	if (label && label != pm_elem_id(m, k, o->idx))
		sb_printf(&b, " — %s", str(m, label));
	sb_printf(&b, "\n\n");
	switch (k) {
	case PM_KIND_SYSTEM: hover_system(&b, m, o->idx); break;
	case PM_KIND_PROCESS: hover_process(&b, m, o->idx); break;
	case PM_KIND_STEP: hover_step(&b, m, o->idx); break;
	case PM_KIND_PERSON: hover_person(&b, m, o->idx); break;
	default: hover_tool(&b, m, o->idx); break;
	}
	hover_findings(&b, m, q);
	json_t *res = json_pack("{s:{s:s, s:s%}, s:o}", "contents", "kind", "markdown",
	                        "value", b.p ? b.p : "", b.n, "range", lsp_range(d, o->a, o->b));
	free(b.p);
	return res;
}

/* --- definition, references ----------------------------------------------------- */

json_t *lsp_definition(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	const occ *o = request_occ(d, params, &m, err);
	if (!o)
		return err->code ? NULL : json_null();
	const decl *dc = decl_of(d->ix, (pm_kind)o->kind, o->idx);
	if (dc->ida == NONE32)
		return json_null();
	return location(d, dc->ida, dc->idb);
}

json_t *lsp_references(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	const occ *o = request_occ(d, params, &m, err);
	if (!o)
		return err->code ? NULL : json_null();
	json_t *ctx = json_object_get(params, "context");
	bool with_decl = json_is_true(json_object_get(ctx, "includeDeclaration"));
	occ want = *o;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < d->ix->nocc; i++) {
		const occ *x = &d->ix->occs[i];
		if (x->kind == want.kind && x->idx == want.idx && (with_decl || !x->decl))
			json_array_append_new(arr, location(d, x->a, x->b));
	}
	return arr;
}

/* --- rename ------------------------------------------------------------------------ */

json_t *lsp_prepare_rename(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	const occ *o = request_occ(d, params, &m, err);
	if (!o)
		return err->code ? NULL : json_null();
	return json_pack("{s:o, s:s%}", "range", lsp_range(d, o->a, o->b),
	                 "placeholder", d->text + o->a, (size_t)(o->b - o->a));
}

static bool valid_id(const char *s)
{
	if (!is_id_start(s[0]))
		return false;
	for (size_t i = 1; s[i]; i++)
		if (!is_id_char(s[i]) || (s[i] == '-' && s[i + 1] == '>'))
			return false;
	return true;
}

/* The element of the same scope that already has the name, as a phrase
 * into buf, or NULL. */
static const char *collision(const pm_model *m, pm_kind k, pm_ix i, const char *name,
                             char *buf)
{
	char q[QID_MAX];
	pm_ix sys = k == PM_KIND_PROCESS ? m->processes.v[i].system : PM_NONE;
	bool top = k == PM_KIND_SYSTEM || (k == PM_KIND_PROCESS && sys == PM_NONE);
	for (int kk = 0; kk < NKINDS; kk++) {
		for (pm_ix j = 0; j < (uint32_t)pm_model_count(m, (pm_kind)kk); j++) {
			if ((pm_kind)kk == k && j == i)
				continue;
			bool same;
			switch (kk) {
			case PM_KIND_SYSTEM: same = top; break;
			case PM_KIND_PROCESS:
				same = (top && m->processes.v[j].system == PM_NONE) ||
				       (k == PM_KIND_PROCESS && !top && m->processes.v[j].system == sys);
				break;
			case PM_KIND_STEP:
				same = k == PM_KIND_STEP && m->steps.v[j].process == m->steps.v[i].process;
				break;
			default: same = (pm_kind)kk == k; break;
			}
			if (same && strcmp(str(m, pm_elem_id(m, (pm_kind)kk, j)), name) == 0) {
				snprintf(buf, QID_MAX + 32, "%s '%s'", pm_elem_word(m, (pm_kind)kk, j),
				         qid(m, (pm_kind)kk, j, q));
				return buf;
			}
		}
	}
	return NULL;
}

json_t *lsp_rename(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	const occ *o = request_occ(d, params, &m, err);
	if (!o)
		return err->code ? NULL : json_null();
	const char *name = json_string_value(json_object_get(params, "newName"));
	char buf[QID_MAX + 32];
	const char *taken;
	err->code = LSP_REQUEST_FAILED;
	if (d->nfiles > 1) {
		snprintf(err->msg, sizeof err->msg, "this document is one of the %u files of "
		         "a model ('model:' in .procmap.yaml): renaming across files is not "
		         "supported yet", d->nfiles);
		return NULL;
	}
	if (!name || !valid_id(name)) {
		snprintf(err->msg, sizeof err->msg, "'%.100s' is not an id: a letter or '_', "
		         "then letters, digits, '_' or '-'", name ? name : "");
		return NULL;
	}
	if ((taken = collision(m, (pm_kind)o->kind, o->idx, name, buf))) {
		snprintf(err->msg, sizeof err->msg, "'%.100s' is already the id of %.120s", name, taken);
		return NULL;
	}
	err->code = 0;
	occ want = *o;
	json_t *edits = json_array();
	for (size_t i = 0; edits && i < d->ix->nocc; i++) {
		const occ *x = &d->ix->occs[i];
		if (x->kind == want.kind && x->idx == want.idx)
			json_array_append_new(edits, json_pack("{s:o, s:s}", "range",
			                      lsp_range(d, x->a, x->b), "newText", name));
	}
	return json_pack("{s:{s:o}}", "changes", d->uri, edits ? edits : json_array());
}

/* --- document symbols ------------------------------------------------------------- */

static json_t *symbol(const lsp_doc *d, const pm_model *m, pm_kind k, pm_ix i)
{
	static const int kinds[] = { 3, 12, 6, 13, 7 };   /* Namespace, Function, ... */
	const decl *dc = decl_of(d->ix, k, i);
	if (dc->ida == NONE32)
		return NULL;
	int sk = k == PM_KIND_PERSON && m->people.v[i].actor ? 11 : kinds[k];
	size_t end = dc->end < dc->idb ? dc->idb : dc->end;
	json_t *s = json_pack("{s:s, s:s, s:i, s:o, s:o, s:[]}", "name", str(m, pm_elem_id(m, k, i)),
	                      "detail", str(m, pm_elem_label(m, k, i)), "kind", sk,
	                      "range", lsp_range(d, dc->kw, end),
	                      "selectionRange", lsp_range(d, dc->ida, dc->idb), "children");
	return s;
}

static void add_child(json_t *parent, json_t *child)
{
	if (child)
		json_array_append_new(json_object_get(parent, "children"), child);
}

static json_t *process_symbol(const lsp_doc *d, const pm_model *m, pm_ix p)
{
	json_t *s = symbol(d, m, PM_KIND_PROCESS, p);
	const pm_process *pr = &m->processes.v[p];
	for (pm_ix i = 0; s && i < pr->step_count; i++)
		add_child(s, symbol(d, m, PM_KIND_STEP, pr->step_first + i));
	return s;
}

json_t *lsp_symbols(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	if (!index_of(d, &m, err))
		return NULL;
	json_t *arr = json_array();
	for (pm_ix i = 0; arr && i < m->systems.n; i++) {
		json_t *s = symbol(d, m, PM_KIND_SYSTEM, i);
		const pm_system *sy = &m->systems.v[i];
		for (pm_ix j = 0; s && j < sy->proc_count; j++)
			add_child(s, process_symbol(d, m, sy->proc_first + j));
		if (s)
			json_array_append_new(arr, s);
	}
	for (pm_ix i = 0; arr && i < m->processes.n; i++) {
		if (m->processes.v[i].system != PM_NONE)
			continue;
		json_t *s = process_symbol(d, m, i);
		if (s)
			json_array_append_new(arr, s);
	}
	for (pm_ix i = 0; arr && i < m->people.n; i++) {
		json_t *s = symbol(d, m, PM_KIND_PERSON, i);
		if (s)
			json_array_append_new(arr, s);
	}
	for (pm_ix i = 0; arr && i < m->tools.n; i++) {
		json_t *s = symbol(d, m, PM_KIND_TOOL, i);
		if (s)
			json_array_append_new(arr, s);
	}
	return arr;
}

/* --- completion ------------------------------------------------------------------- */

/* The innermost declaration whose body holds `off`: its kind and index,
 * or false at the top level. */
static bool enclosing(const lsp_doc *d, const pm_model *m, size_t off, pm_kind *k, pm_ix *i)
{
	uint32_t best = 0;
	bool found = false;
	for (int kk = 0; kk < NKINDS; kk++) {
		for (pm_ix j = 0; j < (uint32_t)pm_model_count(m, (pm_kind)kk); j++) {
			const decl *dc = decl_of(d->ix, (pm_kind)kk, j);
			if (dc->body == NONE32 || dc->body > off || off >= dc->end ||
			    (found && dc->body <= best))
				continue;
			best = dc->body;
			*k = (pm_kind)kk;
			*i = j;
			found = true;
		}
	}
	return found;
}

/* More completion items than this make the list incomplete: the client
 * asks again as the word grows. */
#define MAX_ITEMS 500

typedef struct items {
	json_t *arr;
	bool incomplete;
	const lsp_doc *d;
	size_t a, b;           /* the word being typed */
} items;

/* Offers `label` when it starts with the word typed so far. */
static void item(items *it, const char *label, const char *insert, int kind,
                 const char *detail)
{
	size_t n = it->b - it->a;
	if (strlen(label) < n || memcmp(label, it->d->text + it->a, n) != 0)
		return;
	if (json_array_size(it->arr) >= MAX_ITEMS) {
		it->incomplete = true;
		return;
	}
	json_t *o = json_pack("{s:s, s:i, s:{s:o, s:s}}", "label", label, "kind", kind,
	                      "textEdit", "range", lsp_range(it->d, it->a, it->b),
	                      "newText", insert ? insert : label);
	if (o && detail && *detail)
		json_object_set_new(o, "detail", json_string(detail));
	json_array_append_new(it->arr, o);
}

enum { CI_PROPERTY = 10, CI_KEYWORD = 14, CI_REFERENCE = 18, CI_VALUE = 12,
       CI_FUNCTION = 3, CI_VARIABLE = 6, CI_CLASS = 7, CI_EVENT = 23 };

static void offer_people(items *it, const pm_model *m)
{
	for (pm_ix i = 0; i < m->people.n; i++)
		item(it, str(m, m->people.v[i].id), NULL, CI_VARIABLE,
		     str(m, m->people.v[i].label));
}

static void offer_tools(items *it, const pm_model *m)
{
	for (pm_ix i = 0; i < m->tools.n; i++)
		item(it, str(m, m->tools.v[i].id), NULL, CI_CLASS, str(m, m->tools.v[i].label));
}

static void offer_rules(items *it, const pm_model *m, bool known, pm_kind k, pm_ix e)
{
	unsigned bit = known ? pm_rk_of(m, k, e) : 0;
	for (size_t i = 0; i < pm_nrules; i++)
		if (pm_rules[i].analysis && (!known || (pm_rules[i].kinds & bit)))
			item(it, pm_rules[i].name, NULL, CI_VALUE, pm_rules[i].summary);
}

/* Step and process ids as an arrow inside `proc` (or system `sys`, or the
 * top) would write them: plain in their own scope, qualified elsewhere. */
static void offer_targets(items *it, const pm_model *m, pm_ix sys, pm_ix proc)
{
	char q[QID_MAX];
	for (pm_ix i = 0; i < m->steps.n; i++) {
		const pm_step *s = &m->steps.v[i];
		const char *name = s->process == proc ? str(m, s->id) :
		                   m->processes.v[s->process].system == sys && sys != PM_NONE ?
		                   NULL : qid(m, PM_KIND_STEP, i, q);
		char rel[QID_MAX];
		if (!name) {
			snprintf(rel, sizeof rel, "%s.%s", str(m, m->processes.v[s->process].id),
			         str(m, s->id));
			name = rel;
		}
		item(it, name, NULL, CI_EVENT, str(m, s->label));
	}
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		const char *name = p->system == sys ? str(m, p->id) : qid(m, PM_KIND_PROCESS, i, q);
		item(it, name, NULL, CI_FUNCTION, str(m, p->label));
	}
}

/* Keywords and attribute keys that may start a statement in the body of
 * `k` (or at the top). */
static void offer_statements(items *it, const pm_model *m, bool known, pm_kind k, pm_ix i)
{
	static const char *const top[] = { "title", "system", "process", "person", "actor", "tool" };
	if (!known) {
		for (size_t j = 0; j < sizeof top / sizeof *top; j++)
			item(it, top[j], NULL, CI_KEYWORD, NULL);
		return;
	}
	if (k == PM_KIND_SYSTEM)
		item(it, "process", NULL, CI_KEYWORD, NULL);
	if (k == PM_KIND_PROCESS)
		item(it, "step", NULL, CI_KEYWORD, NULL);
	static const pm_anchor_kind aks[] = { PM_AK_SYSTEM, PM_AK_PROCESS, PM_AK_STEP,
	                                      PM_AK_PERSON, PM_AK_TOOL };
	bool actor = k == PM_KIND_PERSON && m->people.v[i].actor;
	for (const signed char *key = pm_key_order(aks[k]); *key >= 0; key++) {
		if (actor && *key == PM_KEY_CAPACITY)
			continue;
		char ins[32];
		snprintf(ins, sizeof ins, "%s: ", pm_key_names[*key]);
		item(it, pm_key_names[*key], ins, CI_PROPERTY, NULL);
	}
	if (k == PM_KIND_PROCESS)   /* the sources of its arrows */
		for (pm_ix s = 0; s < m->processes.v[i].step_count; s++) {
			const pm_step *st = &m->steps.v[m->processes.v[i].step_first + s];
			item(it, str(m, st->id), NULL, CI_EVENT, str(m, st->label));
		}
}

/* Whether the text before `b` (back to `a`) ends with `word`, blanks
 * after it skipped. */
static bool after(const lsp_doc *d, size_t a, size_t b, const char *word, size_t *at)
{
	while (b > a && (d->text[b - 1] == ' ' || d->text[b - 1] == '\t'))
		b--;
	size_t n = strlen(word);
	if (b - a < n || memcmp(d->text + b - n, word, n) != 0)
		return false;
	if (at)
		*at = b - n;
	return true;
}

/* The start of the statement that holds `off` on its line: after the
 * last '{', ';' or the line start. */
static size_t stmt_start(const lsp_doc *d, size_t off)
{
	size_t i = off;
	while (i > 0 && d->text[i - 1] != '\n' && d->text[i - 1] != '{' && d->text[i - 1] != ';')
		i--;
	return i;
}

/* `uses: a, b, |`: the statement from `a` to `b` is a uses: list so far. */
static bool in_uses(const lsp_doc *d, size_t a, size_t b)
{
	if (b - a < 5 || memcmp(d->text + a, "uses:", 5) != 0)
		return false;
	for (size_t i = a + 5; i < b; i++)
		if (!is_id_char(d->text[i]) && d->text[i] != ',' && d->text[i] != ' ' &&
		    d->text[i] != '\t')
			return false;
	return true;
}

json_t *lsp_completion(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	size_t off;
	if (!index_of(d, &m, err))
		return NULL;
	if (!lsp_get_position(d, json_object_get(params, "position"), &off)) {
		err->code = LSP_INVALID_PARAMS;
		snprintf(err->msg, sizeof err->msg, "params.position is missing or not a position");
		return NULL;
	}
	items it = { json_array(), false, d, off, off };
	while (it.a > 0 && (is_id_char(d->text[it.a - 1]) || d->text[it.a - 1] == '.'))
		it.a--;
	pm_kind k = PM_KIND_SYSTEM;
	pm_ix i = PM_NONE;
	bool known = enclosing(d, m, off, &k, &i);
	size_t st = stmt_start(d, it.a);
	size_t lead = skip_blanks(d, st);
	if (!it.arr)
		return NULL;
	if (after(d, st, it.a, "owner:", NULL)) {
		offer_people(&it, m);
	} else if (after(d, st, it.a, "ignore:", NULL)) {
		offer_rules(&it, m, known, k, i);
	} else if (after(d, st, it.a, "->", NULL)) {
		pm_ix proc = known && k == PM_KIND_PROCESS ? i : PM_NONE;
		pm_ix sys = known && k == PM_KIND_SYSTEM ? i :
		            proc != PM_NONE ? m->processes.v[proc].system : PM_NONE;
		offer_targets(&it, m, sys, proc);
	} else if (in_uses(d, lead, it.a)) {
		offer_tools(&it, m);
	} else if (lead == it.a) {
		offer_statements(&it, m, known, k, i);
	}
	if (!it.incomplete)
		return it.arr;
	return json_pack("{s:b, s:o}", "isIncomplete", 1, "items", it.arr);
}

/* --- formatting ------------------------------------------------------------------- */

json_t *lsp_formatting(lsp_doc *d, json_t *params, lsp_err *err)
{
	if (d->format != PM_INPUT_PMAP)
		return json_array();   /* fmt formats .pmap text only */
	pm_model *m = pm_model_new();
	char *out = NULL;
	size_t outlen = 0;
	pm_status st = m ? pm_format_pmap(m, d->path, d->text, d->len, &out, &outlen)
	                 : PM_ERR_NOMEM;
	pm_model_free(m);
	if (st == PM_ERR_NOMEM) {
		err->code = LSP_INTERNAL_ERROR;
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return NULL;
	}
	json_t *arr = json_array();
	if (st == PM_OK && arr && (outlen != d->len || memcmp(out, d->text, outlen) != 0))
		json_array_append_new(arr, json_pack("{s:o, s:s%}", "range",
		                      lsp_range(d, 0, d->len), "newText", out, outlen));
	free(out);
	return arr;   /* text with syntax errors is never formatted: no edit */
}

/* --- code actions ------------------------------------------------------------------ */

/* The quick fix of a diagnostic whose message ends "did you mean 'x'?":
 * x in place of the range it marks. */
static json_t *did_you_mean_fix(const lsp_doc *d, json_t *diag)
{
	const char *msg = json_string_value(json_object_get(diag, "message"));
	json_t *range = json_object_get(diag, "range");
	const char *at = msg ? strstr(msg, "did you mean '") : NULL;
	if (!at || !json_is_object(range))
		return NULL;
	at += strlen("did you mean '");
	const char *end = strstr(at, "'?");
	if (!end || end == at || end - at > 200)
		return NULL;
	char title[256];
	snprintf(title, sizeof title, "Replace with '%.*s'", (int)(end - at), at);
	return json_pack("{s:s, s:s, s:[O], s:b, s:{s:{s:[{s:O, s:s%}]}}}", "title", title,
	                 "kind", "quickfix", "diagnostics", diag, "isPreferred", 1,
	                 "edit", "changes", d->uri, "range", range, "newText", at,
	                 (size_t)(end - at));
}

/* The element a finding of the model is about: the one at the client's
 * diagnostic (same rule, same start). */
static bool finding_element(lsp_doc *d, pm_model *m, json_t *diag, pm_kind *k, pm_ix *i)
{
	const char *rule = json_string_value(json_object_get(diag, "code"));
	size_t at;
	json_t *range = json_object_get(diag, "range");
	if (!rule || !lsp_get_position(d, json_object_get(range, "start"), &at))
		return false;
	char q[QID_MAX];
	for (size_t n = 0; n < pm_model_diag_count(m); n++) {
		const pm_diag *g = pm_model_diag(m, n);
		if (!g->subject || strcmp(g->rule, rule) != 0 || !g->file ||
		    strcmp(g->file, d->path) != 0 || lsp_loc_offset(d, g->line, g->column) != at)
			continue;
		for (int kk = 0; kk < NKINDS; kk++)
			for (pm_ix j = 0; j < (uint32_t)pm_model_count(m, (pm_kind)kk); j++)
				if (strcmp(qid(m, (pm_kind)kk, j, q), g->subject) == 0) {
					*k = (pm_kind)kk;
					*i = j;
					return true;
				}
	}
	return false;
}

/* "Ignore RULE here": `ignore: RULE "…"` at the top of the element's body
 * (a body made for it when it has none). */
static json_t *ignore_fix(lsp_doc *d, pm_model *m, json_t *diag)
{
	pm_kind k;
	pm_ix i;
	const char *rule = json_string_value(json_object_get(diag, "code"));
	const pm_rule_info *ri = rule ? pm_rule_find(rule, strlen(rule)) : NULL;
	if (!ri || !ri->analysis || !finding_element(d, m, diag, &k, &i))
		return NULL;
	const decl *dc = decl_of(d->ix, k, i);
	if (dc->ida == NONE32)
		return NULL;
	char text[256], title[160];
	size_t at;
	if (dc->body == NONE32) {
		at = dc->end;
		snprintf(text, sizeof text, " { ignore: %s \"why it is fine\" }", rule);
	} else if (dc->body < d->len && (d->text[dc->body] == '\n' || d->text[dc->body] == '\r')) {
		size_t ls = dc->kw, w = 0;
		while (ls > 0 && d->text[ls - 1] != '\n')
			ls--;
		while (ls + w < dc->kw && (d->text[ls + w] == ' ' || d->text[ls + w] == '\t'))
			w++;
		at = dc->body;
		snprintf(text, sizeof text, "\n%.*s  ignore: %s \"why it is fine\"",
		         (int)(w > 64 ? 64 : w), d->text + ls, rule);
	} else {
		at = dc->body;
		snprintf(text, sizeof text, " ignore: %s \"why it is fine\";", rule);
	}
	snprintf(title, sizeof title, "Ignore %s on %s '%s'", rule, pm_elem_word(m, k, i),
	         str(m, pm_elem_id(m, k, i)));
	return json_pack("{s:s, s:s, s:[O], s:{s:{s:[{s:o, s:s}]}}}", "title", title,
	                 "kind", "quickfix", "diagnostics", diag, "edit", "changes", d->uri,
	                 "range", lsp_range(d, at, at), "newText", text);
}

json_t *lsp_code_action(lsp_doc *d, json_t *params, lsp_err *err)
{
	json_t *diags = json_object_get(json_object_get(params, "context"), "diagnostics");
	json_t *arr = json_array(), *g;
	size_t i;
	pm_model *m;
	if (!arr || !json_is_array(diags))
		return arr;
	if (!index_of(d, &m, err)) {
		json_decref(arr);
		return NULL;
	}
	json_array_foreach(diags, i, g) {
		if (!json_is_object(g))
			continue;
		json_t *fix = did_you_mean_fix(d, g);
		if (fix)
			json_array_append_new(arr, fix);
		if ((fix = ignore_fix(d, m, g)))
			json_array_append_new(arr, fix);
	}
	return arr;
}

/* --- folding ----------------------------------------------------------------------- */

json_t *lsp_folding(lsp_doc *d, json_t *params, lsp_err *err)
{
	pm_model *m;
	lsp_index *ix = index_of(d, &m, err);
	if (!ix)
		return NULL;
	json_t *arr = json_array();
	for (int k = 0; arr && k < NKINDS; k++) {
		for (pm_ix i = 0; i < (uint32_t)pm_model_count(m, (pm_kind)k); i++) {
			const decl *dc = decl_of(ix, (pm_kind)k, i);
			if (dc->ida == NONE32 || dc->body == NONE32)
				continue;
			uint32_t l1, l2, ch;
			lsp_position(d, dc->kw, &l1, &ch);
			lsp_position(d, dc->end, &l2, &ch);
			if (l2 > l1 + 1)   /* the closing line stays shown */
				json_array_append_new(arr, json_pack("{s:I, s:I}", "startLine",
				                      (json_int_t)l1, "endLine", (json_int_t)(l2 - 1)));
		}
	}
	return arr;
}
