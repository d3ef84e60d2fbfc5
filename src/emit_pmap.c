/* emit_pmap.c — a model as .pmap text in the canonical layout, with the
 * comments of its source (docs/fmt.md).
 *
 * A model read from one .pmap file is that file formatted: nothing is lost.
 * Any other model is written out as plain statements, one a line, with the
 * comments of its source around them, and that text goes through the
 * formatter: one layout, whatever the source, and `convert` gives exactly
 * what `fmt` gives.
 */
#include <string.h>

#include "fmt.h"

static const char *const kind_words[] = {
	[PM_AK_SYSTEM] = "system", [PM_AK_PROCESS] = "process", [PM_AK_STEP] = "step",
	[PM_AK_PERSON] = "person", [PM_AK_TOOL] = "tool",
};

typedef struct pemit {
	pm_model *m;
	pm_work *w;
	pm_buf *b;
} pemit;

static void put(pemit *p, const char *s)
{
	pm_buf_puts(p->m, p->b, s);
}

static void put_str(pemit *p, pm_str s)
{
	pm_buf_put(p->m, p->b, pm_str_get(p->m, s), pm_str_len(p->m, s));
}

static void put_string(pemit *p, pm_str s)
{
	pm_buf_pmap_string(p->m, p->b, pm_str_get(p->m, s), pm_str_len(p->m, s));
}

/* Comment lines and blank lines before a statement; with `all`, its
 * trailing comments too (where there is no line to trail). */
static void before(pemit *p, pm_anchor_kind ak, pm_ix elem, unsigned slot, bool all)
{
	uint32_t n;
	const pm_trivia *t = pm_trivia_find(p->w, ak, elem, slot, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (t[i].trailing && !all)
			continue;
		if (t[i].text)
			put_str(p, t[i].text);
		pm_buf_putc(p->m, p->b, '\n');
	}
}

/* Ends a line with its trailing comment; more (from YAML) follow it. */
static void end_line(pemit *p, pm_anchor_kind ak, pm_ix elem, unsigned slot)
{
	uint32_t n;
	const pm_trivia *t = pm_trivia_find(p->w, ak, elem, slot, &n);
	bool first = true;
	for (uint32_t i = 0; i < n; i++) {
		if (!t[i].trailing)
			continue;
		put(p, first ? "  " : "\n");
		put_str(p, t[i].text);
		first = false;
	}
	pm_buf_putc(p->m, p->b, '\n');
}

static void attr(pemit *p, const pm_elem *e, int k)
{
	before(p, e->ak, e->i, PM_SLOT_KEY + (unsigned)k, false);
	put(p, pm_key_names[k]);
	put(p, ": ");
	if (k == PM_KEY_USES) {
		for (pm_ix u = 0; u < e->uses_count; u++) {
			if (u)
				put(p, ", ");
			put_str(p, p->m->uses.v[e->uses_first + u].name);
		}
	} else if (k == PM_KEY_DESCRIPTION || k == PM_KEY_TRIGGER) {
		put_string(p, e->vals[k]);
	} else {
		put_str(p, e->vals[k]);
	}
	end_line(p, e->ak, e->i, PM_SLOT_KEY + (unsigned)k);
}

static void ignores(pemit *p, const pm_elem *e)
{
	for (uint32_t j = 0; j < e->nignores; j++) {
		pm_ix gi = p->w->ignores.v[e->ignores + j];
		const pm_ignore *g = &p->m->ignores.v[gi];
		before(p, PM_AK_IGNORE, gi, PM_SLOT_STMT, false);
		put(p, "ignore: ");
		put_str(p, g->rule);
		put(p, " ");
		put_string(p, g->reason);
		end_line(p, PM_AK_IGNORE, gi, PM_SLOT_STMT);
	}
}

/* The arrows of a scope, a written chain a line. */
static void chains(pemit *p, uint32_t first, uint32_t n)
{
	pm_model *m = p->m;
	for (uint32_t k = 0; k < n;) {
		uint32_t len = pm_chain_len(m, p->w, first + k, n - k);
		pm_ix a0 = p->w->arrows.v[first + k];
		before(p, PM_AK_CHAIN, a0, PM_SLOT_STMT, false);
		put_str(p, m->arrows.v[a0].from.name);
		for (uint32_t j = 0; j < len; j++) {
			const pm_arrow *a = &m->arrows.v[p->w->arrows.v[first + k + j]];
			put(p, " -> ");
			put_str(p, a->to.name);
			if (a->label) {
				put(p, " ");
				put_string(p, a->label);
			}
			if (a->chance != PM_NONE) {
				put(p, " ");
				put_str(p, pm_arrow_chance_text(p->m, a));
			}
		}
		end_line(p, PM_AK_CHAIN, a0, PM_SLOT_STMT);
		k += len;
	}
}

static void decl(pemit *p, pm_anchor_kind ak, pm_ix i)
{
	pm_elem e;
	pm_elem_get(p->m, p->w, ak, i, &e);
	before(p, ak, i, PM_SLOT_STMT, false);
	put(p, ak == PM_AK_PERSON && p->m->people.v[i].actor ? "actor" : kind_words[ak]);
	put(p, " ");
	put_str(p, e.id);
	if (e.label != e.id) {
		put(p, " ");
		put_string(p, e.label);
	}
	if (!pm_elem_has_attrs(&e) && !e.count && !e.narrows &&
	    !pm_trivia_inside(p->m, p->w, ak, i)) {
		end_line(p, ak, i, PM_SLOT_STMT);
		return;
	}
	put(p, " {");
	end_line(p, ak, i, PM_SLOT_OPEN);
	before(p, ak, i, PM_SLOT_NAME, true);
	for (const signed char *o = pm_key_order(ak); *o >= 0; o++) {
		if (*o == PM_KEY_IGNORE)
			ignores(p, &e);
		else if (*o == PM_KEY_USES ? e.uses_count != 0 : e.vals[*o] != 0)
			attr(p, &e, *o);
	}
	for (pm_ix c = 0; c < e.count; c++)
		decl(p, ak == PM_AK_SYSTEM ? PM_AK_PROCESS : PM_AK_STEP, e.first + c);
	chains(p, e.arrows, e.narrows);
	before(p, ak, i, PM_SLOT_END, false);
	put(p, "}");
	end_line(p, ak, i, PM_SLOT_STMT);
}

static void emit_raw(pm_model *m, pm_work *w)
{
	pemit p = { m, w, &w->raw };
	w->raw.n = 0;
	if (m->title) {
		before(&p, PM_AK_TOP, 0, PM_SLOT_KEY + PM_KEY_TITLE, false);
		put(&p, "title ");
		put_string(&p, m->title);
		end_line(&p, PM_AK_TOP, 0, PM_SLOT_KEY + PM_KEY_TITLE);
	}
	for (pm_ix i = 0; i < m->people.n; i++)
		decl(&p, PM_AK_PERSON, i);
	for (pm_ix i = 0; i < m->tools.n; i++)
		decl(&p, PM_AK_TOOL, i);
	for (pm_ix i = 0; i < m->systems.n; i++)
		decl(&p, PM_AK_SYSTEM, i);
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			decl(&p, PM_AK_PROCESS, i);
	uint32_t n, first = pm_scope_arrows(m, w, PM_SCOPE_TOP, PM_NONE, &n);
	chains(&p, first, n);
	before(&p, PM_AK_TOP, 0, PM_SLOT_END, false);
	pm_buf_putc(m, &w->raw, '\0');   /* the lexer reads up to a NUL */
	w->raw.n--;
}

void pm_emit_pmap(pm_model *m, pm_work *w)
{
	if (m->files.n == 1 && m->files.v[0].format != PM_INPUT_YAML) {
		pm_fmt_text(m, w, m->files.v[0].data, m->files.v[0].len, &w->out);
		return;
	}
	pm_collect_trivia(m, w);
	pm_group_arrows(m, w);
	pm_group_ignores(m, w);
	emit_raw(m, w);
	pm_fmt_text(m, w, w->raw.v, w->raw.n, &w->out);
}

/* --- public entry points ------------------------------------------------------------ */

pm_status pm_write_with(pm_model *m, FILE *out, void (*emit)(pm_model *, pm_work *))
{
	if (!m || !out)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	if (!m->resolved && m->nerrors)
		return PM_ERR_USAGE;   /* load errors: a part of the input is missing */
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
	emit(m, w);
	m->oom = NULL;
	pm_status st = PM_OK;
	if (w->out.n && fwrite(w->out.v, 1, w->out.n, out) != w->out.n)
		st = PM_ERR_IO;
	pm_work_free(w);
	return st;
}

pm_status pm_model_write_pmap(pm_model *m, FILE *out)
{
	return pm_write_with(m, out, pm_emit_pmap);
}
