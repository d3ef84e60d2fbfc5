/* page.c — the audit page (audit.h): index.html and procmap report.
 * Every model string is HTML-escaped; the only URLs are diagram file
 * names render.c built and fragment ids of elements on the page. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report.h"
#include "audit/audit.h"
#include "diff/rdiff.h"
#include "panzoom_js.h"

static void text(FILE *f, const char *s)
{
	pm_html_text(f, s);   /* diff/diff_html.c */
}

static const char *name_or_id(pm_model *m, pm_str label, pm_str id)
{
	return pm_str_get(m, label ? label : id);
}

static bool has_kind(const pm_rctx *c, pm_diagram_kind kind)
{
	for (uint32_t i = 0; i < c->diagrams.n; i++)
		if (c->diagrams.v[i].kind == kind)
			return true;
	return false;
}

/* A link to a system's or process's diagram: the file beside the page,
 * or its section of a self-contained page. */
static void link(pm_rctx *c, FILE *f, bool show, bool inpage, pm_kind kind, pm_ix i,
                 const char *label)
{
	const char *name = show ? pm_render_name(c->m, kind, i) : NULL;
	if (name && inpage)
		fprintf(f, "<a href=\"#d-%s\">", name);
	else if (name)
		fprintf(f, "<a href=\"%s.%s\">", name, c->link_ext);
	text(f, label);
	if (name)
		fputs("</a>", f);
	fputs(" <code>", f);
	text(f, pm_qualified_id(c->m, kind, i));
	fputs("</code>", f);
}

static void duration(FILE *f, pm_model *m, int64_t s)
{
	if (s < 0)
		fputs("—", f);
	else
		text(f, pm_duration_str(m, s));
}

/* --- findings, in report order: severity, then file, line, column -------- */

static const pm_model *sort_model;

static int by_severity_place(const void *a, const void *b)
{
	const pm_diag *x = (&sort_model->diags.v[*(const uint32_t *)a].d);
	const pm_diag *y = (&sort_model->diags.v[*(const uint32_t *)b].d);
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	int fc = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (fc)
		return fc;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	return i < j ? -1 : i > j;
}

/* Diagnostics shown on the page, sorted; *n their number (arena). */
static uint32_t *sorted_findings(pm_model *m, uint32_t *n, size_t at[4])
{
	size_t nd = m->diags.n;
	uint32_t *v = pm_arena_alloc(m, (nd + 1) * sizeof *v);
	*n = 0;
	memset(at, 0, 4 * sizeof *at);
	for (size_t i = 0; i < nd; i++) {
		const pm_diag *d = (&m->diags.v[i].d);
		if (d->suppressed || d->severity == PM_SEV_OFF)
			continue;
		at[d->severity]++;
		v[(*n)++] = (uint32_t)i;
	}
	sort_model = m;
	qsort(v, *n, sizeof *v, by_severity_place);
	return v;
}

/* The element of a diagram on the page that draws diagnostic i: its id,
 * or NULL. */
static const char *target_of(pm_rctx *c, uint32_t i)
{
	pm_model *m = c->m;
	const pm_diag *d = (&m->diags.v[i].d);
	if (!d->subject || i >= c->ndiags)
		return NULL;
	pm_ix p = c->diag_proc[i], s = c->diag_sys[i];
	if (p != PM_NONE) {
		const char *q = pm_qualified_id(m, PM_KIND_PROCESS, p);
		if (strcmp(q, d->subject) == 0)
			return has_kind(c, PM_DIAGRAM_FOREST) ? pm_arena_printf(m, "process-%s", q) : NULL;
		size_t n = strlen(q);
		if (strncmp(q, d->subject, n) == 0 && d->subject[n] == '.'
		    && (has_kind(c, PM_DIAGRAM_PROCESS) || has_kind(c, PM_DIAGRAM_SYSTEM)))
			return pm_arena_printf(m, "step-%s", d->subject);
		return NULL;
	}
	if (s != PM_NONE && has_kind(c, PM_DIAGRAM_FOREST)
	    && strcmp(pm_qualified_id(m, PM_KIND_SYSTEM, s), d->subject) == 0)
		return pm_arena_printf(m, "system-%s", d->subject);
	return NULL;
}

static void findings(pm_rctx *c, FILE *f, const uint32_t *v, uint32_t n)
{
	pm_model *m = c->m;
	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", f);
	if (!n) {
		fputs("<p>No findings.</p>\n</section>\n", f);
		return;
	}
	fputs("<table class=\"findings\">\n<thead><tr><th>severity</th><th>where</th>"
	      "<th>subject</th><th>rule</th><th>message</th></tr></thead>\n<tbody>\n", f);
	for (uint32_t k = 0; k < n; k++) {
		const pm_diag *d = (&m->diags.v[v[k]].d);
		const char *sev = pm_severity_str(d->severity);
		fprintf(f, "<tr class=\"%s\"><td class=\"%s\">%s</td><td>", sev, sev, sev);
		if (d->file) {
			text(f, d->file);
			fprintf(f, ":%u:%u", (unsigned)d->line, (unsigned)d->column);
		}
		fputs("</td><td>", f);
		const char *t = target_of(c, v[k]);
		if (t) {
			fputs("<a href=\"#", f);
			text(f, t);
			fputs("\">", f);
		}
		if (d->subject) {
			fputs("<code>", f);
			text(f, d->subject);
			fputs("</code>", f);
		}
		fputs(t ? "</a>" : "", f);
		fputs("</td><td>", f);
		text(f, d->rule);
		fputs("</td><td>", f);
		text(f, d->message);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* --- the top: counts and what is at risk --------------------------------- */

static void counts(FILE *f, const size_t at[4])
{
	static const char *const word[] = { "", "info", "warning", "error" };
	fputs("<p class=\"counts\">", f);
	for (int s = PM_SEV_ERROR; s >= PM_SEV_INFO; s--)
		fprintf(f, "<span class=\"count %s%s\"><b>%zu</b> %s%s</span>", word[s], at[s] ? "" : " zero", at[s],
		        word[s], at[s] == 1 ? "" : "s");
	fputs("</p>\n", f);
}

static int64_t wait_of(const pm_proc_metrics *pm)
{
	return pm && pm->lead_status == PM_LEAD_OK && pm->lead_s >= 0 ? pm->lead_s - pm->work_s : -1;
}

static void risks(pm_rctx *c, FILE *f, const uint32_t *v, uint32_t n)
{
	pm_model *m = c->m;
	fputs("<section id=\"risks\">\n<h2>At risk</h2>\n<ul>\n", f);
	bool any = false;
	for (uint32_t k = 0; k < n; k++) {
		const pm_diag *d = (&m->diags.v[v[k]].d);
		if (strcmp(d->rule, "step-cycle") && strcmp(d->rule, "handoff-cycle"))
			continue;
		const char *t = target_of(c, v[k]);
		fputs("<li><span class=\"tag error\">trap</span> ", f);
		if (t) {
			fputs("<a href=\"#", f);
			text(f, t);
			fputs("\">", f);
		}
		text(f, d->message);
		fputs(t ? "</a></li>\n" : "</li>\n", f);
		any = true;
	}
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person_metrics *pm = pm_report_person(m, i);
		if (!pm || pm->utilisation < 0 || pm->utilisation <= m->an.th.utilisation)
			continue;
		const pm_person *p = &m->people.v[i];
		fprintf(f, "<li><span class=\"tag warning\">overloaded</span> <a href=\"#person-");
		text(f, pm_str_get(m, p->id));
		fputs("\">", f);
		text(f, name_or_id(m, p->label, p->id));
		fprintf(f, "</a> at %d%% of capacity</li>\n", (int)(pm->utilisation * 100.0 + 0.5));
		any = true;
	}
	/* the three processes that wait longest */
	pm_ix top[3] = { PM_NONE, PM_NONE, PM_NONE };
	for (pm_ix i = 0; i < m->processes.n; i++) {
		int64_t w = wait_of(pm_report_proc(m, i));
		if (w <= 0)
			continue;
		for (int k = 0; k < 3; k++)
			if (top[k] == PM_NONE || w > wait_of(pm_report_proc(m, top[k]))) {
				memmove(top + k + 1, top + k, (size_t)(2 - k) * sizeof *top);
				top[k] = i;
				break;
			}
	}
	for (int k = 0; k < 3 && top[k] != PM_NONE; k++) {
		const pm_process *p = &m->processes.v[top[k]];
		const pm_proc_metrics *pm = pm_report_proc(m, top[k]);
		fputs("<li><span class=\"tag info\">waits</span> <a href=\"#proc-", f);
		text(f, pm_qualified_id(m, PM_KIND_PROCESS, top[k]));
		fputs("\">", f);
		text(f, name_or_id(m, p->label, p->id));
		fputs("</a> waits ", f);
		duration(f, m, wait_of(pm));
		fputs(" of its ", f);
		duration(f, m, pm->lead_s);
		fputs(" lead time</li>\n", f);
		any = true;
	}
	if (!any)
		fputs("<li>Nothing: no trap, nobody overloaded, no waits.</li>\n", f);
	fputs("</ul>\n</section>\n", f);
}

/* --- diagrams, inline ----------------------------------------------------- */

/* The <svg> element of dir/NAME.svg (the XML prolog and doctype left out),
 * or NULL (malloc'd). */
static char *read_svg(const char *dir, const char *name)
{
	size_t pn = strlen(dir) + strlen(name) + 6;
	char *path = malloc(pn);
	if (!path)
		return NULL;
	snprintf(path, pn, "%s/%s.svg", dir, name);
	FILE *in = fopen(path, "rb");
	free(path);
	if (!in)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	while (b) {
		len += fread(b + len, 1, cap - len - 1, in);
		if (len < cap - 1)
			break;
		char *nb = realloc(b, cap *= 2);
		if (!nb)
			free(b);
		b = nb;
	}
	bool bad = ferror(in);
	fclose(in);
	if (!b || bad) {
		free(b);
		return NULL;
	}
	b[len] = '\0';
	char *svg = strstr(b, "<svg");
	if (!svg) {
		free(b);
		return NULL;
	}
	memmove(b, svg, strlen(svg) + 1);
	return b;
}

/* Writes an SVG, links to diagrams' files turned into links to their
 * sections when the page is self-contained. */
static void put_svg(FILE *f, const char *svg, bool inpage, const char *ext)
{
	if (!inpage) {
		fputs(svg, f);
		return;
	}
	const char *key = "xlink:href=\"";
	size_t kn = strlen(key), en = strlen(ext);
	for (const char *p = svg, *h; *p; p = h) {
		h = strstr(p, key);
		if (!h) {
			fputs(p, f);
			return;
		}
		h += kn;
		fwrite(p, 1, (size_t)(h - p), f);
		const char *q = strchr(h, '"');
		if (q && (size_t)(q - h) > en + 1 && h[0] != '#'
		    && strncmp(q - en - 1, ".", 1) == 0 && strncmp(q - en, ext, en) == 0) {
			fputs("#d-", f);
			fwrite(h, 1, (size_t)(q - h) - en - 1, f);
			h = q;
		}
	}
}

const char *pm_audit_diagram_title(pm_rctx *c, const pm_diagram *d)
{
	pm_model *m = c->m;
	if (d->kind == PM_DIAGRAM_FOREST)
		return "The whole business";
	if (d->kind == PM_DIAGRAM_SYSTEM) {
		const pm_system *s = &m->systems.v[d->ix];
		return pm_arena_printf(m, "System %s", name_or_id(m, s->label, s->id));
	}
	const pm_process *p = &m->processes.v[d->ix];
	return pm_arena_printf(m, "Process %s", name_or_id(m, p->label, p->id));
}

uint32_t *pm_audit_order(pm_rctx *c, uint32_t *n)
{
	pm_model *m = c->m;
	uint32_t *v = pm_arena_alloc(m, (c->diagrams.n + 1) * sizeof *v);
	uint32_t *sys = pm_arena_alloc(m, (m->systems.n + 1) * sizeof *sys);
	uint32_t *proc = pm_arena_alloc(m, (m->processes.n + 1) * sizeof *proc);
	for (pm_ix i = 0; i < m->systems.n; i++)
		sys[i] = UINT32_MAX;
	for (pm_ix i = 0; i < m->processes.n; i++)
		proc[i] = UINT32_MAX;
	*n = 0;
	for (uint32_t i = 0; i < c->diagrams.n; i++) {
		const pm_diagram *d = &c->diagrams.v[i];
		if (d->kind == PM_DIAGRAM_FOREST)
			v[(*n)++] = i;
		else if (d->kind == PM_DIAGRAM_SYSTEM)
			sys[d->ix] = i;
		else
			proc[d->ix] = i;
	}
	for (pm_ix s = 0; s < m->systems.n; s++) {
		const pm_system *sy = &m->systems.v[s];
		if (sys[s] != UINT32_MAX)
			v[(*n)++] = sys[s];
		for (pm_ix k = 0; k < sy->proc_count; k++)
			if (proc[sy->proc_first + k] != UINT32_MAX) {
				v[(*n)++] = proc[sy->proc_first + k];
				proc[sy->proc_first + k] = UINT32_MAX;
			}
	}
	for (pm_ix i = 0; i < m->processes.n; i++)   /* outside any system */
		if (proc[i] != UINT32_MAX)
			v[(*n)++] = proc[i];
	return v;
}

/* The forest, or every other diagram, in `order` (pm_audit_order()). */
static bool diagrams(pm_rctx *c, FILE *f, const char *dir, bool inpage, bool forest,
                     const uint32_t *order, uint32_t n)
{
	bool procs = has_kind(c, PM_DIAGRAM_PROCESS);
	for (uint32_t k = 0; k < n; k++) {
		const pm_diagram *d = &c->diagrams.v[order[k]];
		if ((d->kind == PM_DIAGRAM_FOREST) != forest)
			continue;
		char *svg = read_svg(dir, d->name);
		if (!svg) {
			errno = errno ? errno : EIO;
			return false;
		}
		/* printed: a system a page, its processes left to the screen
		 * (the system's diagram draws their steps) */
		bool in_system = d->kind == PM_DIAGRAM_PROCESS
		                 && c->m->processes.v[d->ix].system != PM_NONE;
		fprintf(f, "<section class=\"diagram %s\" id=\"d-%s\">\n<h2>",
		        d->kind == PM_DIAGRAM_FOREST ? "forest" : d->kind == PM_DIAGRAM_SYSTEM
		        ? "system" : in_system ? "process in-system" : "process", d->name);
		text(f, pm_audit_diagram_title(c, d));
		if (!inpage)
			fprintf(f, " <a class=\"file\" href=\"%s.svg\">%s.svg</a>", d->name, d->name);
		fputs("</h2>\n<div class=\"vp\" tabindex=\"0\">", f);
		put_svg(f, svg, inpage, c->link_ext);
		free(svg);
		fputs("</div>\n", f);
		if (d->kind == PM_DIAGRAM_SYSTEM && procs && c->m->systems.v[d->ix].proc_count)
			fputs("<p class=\"print-only\">Each of its processes has a diagram of its own "
			      "in the page on screen.</p>\n", f);
		fputs("</section>\n", f);
	}
	return true;
}

/* --- tables ---------------------------------------------------------------- */

/* Expected rounds of the process's biggest rework loop: the most visits a
 * step gets a run; 1 without a loop, 0 unknown. */
static double rework_rounds(const pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	double r = 0;
	for (pm_ix k = 0; k < p->step_count; k++) {
		pm_ix s = p->step_first + k;
		if (s < m->an.visits.n && m->an.visits.v[s] > r)
			r = m->an.visits.v[s];
	}
	return r;
}

static void lead_cell(FILE *f, pm_model *m, const pm_proc_metrics *pm, int64_t s)
{
	fputs("<td class=\"num\">", f);
	if (pm && pm->lead_status == PM_LEAD_OK)
		duration(f, m, s);
	else
		fputs(pm_report_no_lead(pm), f);
	fputs("</td>", f);
}

static void process_table(pm_rctx *c, FILE *f, bool inpage)
{
	pm_model *m = c->m;
	bool proc = has_kind(c, PM_DIAGRAM_PROCESS);
	fputs("<section id=\"processes\">\n<h2>Processes</h2>\n<table>\n<thead><tr><th>process</th>"
	      "<th>steps</th><th>runs</th><th>lead time</th><th>work time</th>"
	      "<th>flow efficiency</th><th>rework rounds</th></tr></thead>\n<tbody>\n", f);
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		const pm_proc_metrics *pm = pm_report_proc(m, i);
		fputs("<tr id=\"proc-", f);
		text(f, pm_qualified_id(m, PM_KIND_PROCESS, i));
		fputs("\"><td>", f);
		link(c, f, proc, inpage, PM_KIND_PROCESS, i, name_or_id(m, p->label, p->id));
		if (c->proc_mark[i] & PM_RF_ORPHAN)
			fputs(" <span class=\"warn\">orphan</span>", f);
		if (c->proc_mark[i] & PM_RF_UNREACHABLE)
			fputs(" <span class=\"warn\">unreachable</span>", f);
		fprintf(f, "</td><td class=\"num\">%u</td><td>", (unsigned)p->step_count);
		if (p->runs_text)
			text(f, pm_str_get(m, p->runs_text));
		else
			fputs("—", f);
		fputs("</td>", f);
		lead_cell(f, m, pm, pm ? pm->lead_s : -1);
		lead_cell(f, m, pm, pm ? pm->work_s : -1);
		fputs("<td class=\"num\">", f);
		if (pm && pm->lead_status == PM_LEAD_OK && pm->lead_s > 0)
			fprintf(f, "%d%%", (int)((double)pm->work_s * 100.0 / (double)pm->lead_s + 0.5));
		else
			fputs("—", f);
		fputs("</td><td class=\"num\">", f);
		double r = rework_rounds(m, i);
		if (r > 1.0 + 1e-9)
			text(f, pm_decimal_str(m, r));
		else
			fputs("—", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* A bar of width 100 for 100%, red past the threshold, capped at 200%. */
static void bar(FILE *f, double u, double limit)
{
	double w = u * 100.0;
	w = w > 200.0 ? 200.0 : w;
	fprintf(f, "<svg class=\"bar\" width=\"202\" height=\"12\" viewBox=\"0 0 202 12\" "
	        "role=\"img\" aria-label=\"%d%%\"><rect x=\"1\" y=\"1\" width=\"100\" height=\"10\" "
	        "class=\"cap\"/><rect x=\"1\" y=\"2\" width=\"%.1f\" height=\"8\" class=\"%s\"/>"
	        "<line x1=\"101\" y1=\"0\" x2=\"101\" y2=\"12\" class=\"full\"/></svg>",
	        (int)(u * 100.0 + 0.5), w, u > limit ? "over" : "load");
}

static void hours(FILE *f, pm_model *m, double secs)
{
	text(f, pm_hours_str(m, secs));
}

static void people_table(pm_rctx *c, FILE *f)
{
	pm_model *m = c->m;
	if (!m->people.n)
		return;
	fputs("<section id=\"people\">\n<h2>People</h2>\n<table>\n<thead><tr><th>person</th>"
	      "<th>load a week</th><th>capacity</th><th>utilisation</th></tr></thead>\n<tbody>\n", f);
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person *p = &m->people.v[i];
		const pm_person_metrics *pm = pm_report_person(m, i);
		bool over = pm && pm->utilisation > m->an.th.utilisation;
		fputs("<tr id=\"person-", f);
		text(f, pm_str_get(m, p->id));
		fprintf(f, "\"%s><td>", over ? " class=\"over\"" : "");
		text(f, name_or_id(m, p->label, p->id));
		fputs(" <code>", f);
		text(f, pm_str_get(m, p->id));
		fputs("</code></td><td class=\"num\">", f);
		if (pm)
			hours(f, m, pm->load_s);
		else
			fputs("—", f);
		fputs("</td><td class=\"num\">", f);
		if (p->capacity_s >= 0)
			hours(f, m, (double)p->capacity_s);
		else
			fputs("—", f);
		fputs("</td><td>", f);
		if (pm && pm->utilisation >= 0) {
			fprintf(f, "<span class=\"pct\">%d%%</span> ", (int)(pm->utilisation * 100.0 + 0.5));
			bar(f, pm->utilisation, m->an.th.utilisation);
		} else {
			fputs("—", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

static void system_table(pm_rctx *c, FILE *f, bool inpage)
{
	pm_model *m = c->m;
	if (!m->systems.n)
		return;
	bool sys = has_kind(c, PM_DIAGRAM_SYSTEM);
	fputs("<section id=\"systems\">\n<h2>Systems</h2>\n<table>\n<thead><tr><th>system</th>"
	      "<th>processes</th><th>steps</th><th>errors</th><th>warnings</th></tr></thead>\n"
	      "<tbody>\n", f);
	for (pm_ix s = 0; s < m->systems.n; s++) {
		const pm_system *sy = &m->systems.v[s];
		uint32_t steps = 0;
		for (pm_ix k = 0; k < sy->proc_count; k++)
			steps += m->processes.v[sy->proc_first + k].step_count;
		fputs("<tr><td>", f);
		link(c, f, sys, inpage, PM_KIND_SYSTEM, s, name_or_id(m, sy->label, sy->id));
		fprintf(f, "</td><td class=\"num\">%u</td><td class=\"num\">%u</td>"
		        "<td class=\"num\">%u</td><td class=\"num\">%u</td></tr>\n",
		        (unsigned)sy->proc_count, (unsigned)steps, (unsigned)c->sys_err[s],
		        (unsigned)c->sys_warn[s]);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* --- the page ------------------------------------------------------------- */

static const char style[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}\n"
	"h1{margin-bottom:.2em}h2{font-size:1.2em;margin:1.4em 0 .4em}\n"
	"code{color:#555}.warn{color:#b34700}\n"
	".counts .count{display:inline-block;margin-right:.6em;padding:.2em .7em;border-radius:1em;color:#fff}\n"
	".count.zero{opacity:.4}.count.error{background:#b3261e}.count.warning{background:#b35c00}.count.info{background:#1f5fa8}\n"
	".tag{display:inline-block;min-width:6em;font-size:.85em;font-weight:bold}\n"
	".tag.error,td.error{color:#b3261e}.tag.warning,td.warning{color:#b35c00}.tag.info,td.info{color:#1f5fa8}\n"
	"td.error,td.warning{font-weight:bold}\n"
	"table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}\n"
	"td.num{text-align:right;white-space:nowrap}th{background:#f3f3f3}\n"
	".findings td:nth-child(2){white-space:nowrap}\n"
	"tr.over td{background:#fde8e6}\n"
	".vp{overflow:auto;max-height:80vh;border:1px solid #ccc;cursor:grab;outline-offset:2px}\n"
	".vp.drag{cursor:grabbing}.vp svg{display:block}\n"
	".pz{margin:.2em 0}.pz button{margin-right:.3em;min-width:2.4em}\n"
	"a.file{font-size:.75em;font-weight:normal;margin-left:.6em}\n"
	".bar{vertical-align:middle}.bar .cap{fill:#eee;stroke:#bbb}.bar .load{fill:#3b7dd8}"
	".bar .over{fill:#c62828}.bar .full{stroke:#333}\n"
	"svg g:target>polygon,svg g:target>ellipse,svg g:target>path,svg g:target>a>polygon,"
	"svg g:target>a>path,svg g:target>a>ellipse{stroke:#e0218a;stroke-width:5px}\n"
	"tr:target td{background:#fff3b0}\n"
	"@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#e8e8e8}"
	"a{color:#6cc0f0}code{color:#b8b8b8}.warn{color:#ff8c4d}th{background:#2a2a2a}"
	".vp,td,th{border-color:#5a5a5a}tr.over td{background:#4a2320}tr:target td{background:#4a4210}"
	".tag.error,td.error{color:#ff7b72}.tag.warning,td.warning{color:#ffa657}.tag.info,td.info{color:#79c0ff}}\n"
	".print-only{display:none}\n"
	"@media print{@page{size:A4 landscape;margin:10mm}"
	"body{margin:0;max-width:none;font-size:10pt}.pz,a.file{display:none}.print-only{display:block}"
	".vp{overflow:visible;max-height:none;border:none}"
	".vp svg{transform:none!important;max-width:100%;max-height:165mm;width:auto;height:auto}"
	"section.forest .vp svg{max-height:115mm}"
	"section.diagram{break-inside:avoid}section.system,section.process{break-before:page}"
	"section.in-system{display:none}#findings{break-before:page}"
	"h2{break-after:avoid}tr{break-inside:avoid}}\n";

bool pm_audit_page(pm_rctx *c, FILE *f, const char *svg_dir, bool inpage)
{
	pm_model *m = c->m;
	const char *title = m->title ? pm_str_get(m, m->title) : "Business";
	uint32_t n;
	size_t at[4];
	uint32_t *v = sorted_findings(m, &n, at);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:; script-src '" PM_PANZOOM_HASH "'; "
	      "base-uri 'none'; form-action 'none'\">\n<title>", f);
	text(f, title);
	fprintf(f, " — procmap audit</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
	text(f, title);
	fputs("</h1>\n", f);
	counts(f, at);
	risks(c, f, v, n);
	uint32_t nd;
	const uint32_t *order = pm_audit_order(c, &nd);
	if (!diagrams(c, f, svg_dir, inpage, true, order, nd))
		return false;
	findings(c, f, v, n);
	pm_diff_html_section(c, f);
	process_table(c, f, inpage);
	people_table(c, f);
	system_table(c, f, inpage);
	if (!diagrams(c, f, svg_dir, inpage, false, order, nd))
		return false;
	fputs("<script>" PM_PANZOOM_JS "</script>\n</body>\n</html>\n", f);
	return !ferror(f);
}
