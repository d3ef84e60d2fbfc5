/* emit_html.c — index.html: the forest diagram, the systems and processes
 * with links to their diagrams, and the findings.  A static page with no
 * script and no network: it works from file://.  Every model string is
 * HTML-escaped; the only URLs are diagram file names render.c built. */
#include <string.h>

#include "render.h"

static void text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
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

static void link(pm_rctx *c, FILE *f, bool show, pm_kind kind, pm_ix i, const char *label)
{
	const char *name = show ? pm_render_name(c->m, kind, i) : NULL;
	if (name)
		fprintf(f, "<a href=\"%s.%s\">", name, c->link_ext);
	text(f, label);
	if (name)
		fputs("</a>", f);
	fputs(" <code>", f);
	text(f, pm_qualified_id(c->m, kind, i));
	fputs("</code>", f);
}

static void process_item(pm_rctx *c, FILE *f, bool show, pm_ix i)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[i];
	fputs("<li>", f);
	link(c, f, show, PM_KIND_PROCESS, i, name_or_id(m, p->label, p->id));
	fprintf(f, " — %u step%s", (unsigned)p->step_count, p->step_count == 1 ? "" : "s");
	if (c->proc_mark[i] & PM_RF_ORPHAN)
		fputs(" <span class=\"warn\">orphan</span>", f);
	if (c->proc_mark[i] & PM_RF_UNREACHABLE)
		fputs(" <span class=\"warn\">unreachable</span>", f);
	fputs("</li>\n", f);
}

static void outline(pm_rctx *c, FILE *f)
{
	pm_model *m = c->m;
	bool sys = has_kind(c, PM_DIAGRAM_SYSTEM), proc = has_kind(c, PM_DIAGRAM_PROCESS);
	fputs("<h2>Systems and processes</h2>\n<ul>\n", f);
	for (pm_ix s = 0; s < m->systems.n; s++) {
		const pm_system *sy = &m->systems.v[s];
		fputs("<li>", f);
		link(c, f, sys, PM_KIND_SYSTEM, s, name_or_id(m, sy->label, sy->id));
		fputs("\n<ul>\n", f);
		for (pm_ix k = 0; k < sy->proc_count; k++)
			process_item(c, f, proc, sy->proc_first + k);
		fputs("</ul></li>\n", f);
	}
	bool top = false;
	for (pm_ix i = 0; i < m->processes.n; i++) {
		if (m->processes.v[i].system != PM_NONE)
			continue;
		if (!top)
			fputs("<li>In no system\n<ul>\n", f);
		top = true;
		process_item(c, f, proc, i);
	}
	if (top)
		fputs("</ul></li>\n", f);
	fputs("</ul>\n", f);
}

static void findings(pm_rctx *c, FILE *f)
{
	pm_model *m = c->m;
	size_t n = pm_model_diag_count(m), shown = 0;
	fputs("<h2>Findings</h2>\n<table>\n<tr><th>where</th><th>severity</th>"
	      "<th>rule</th><th>message</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (d->suppressed || d->severity == PM_SEV_OFF)
			continue;
		shown++;
		fputs("<tr><td>", f);
		if (d->file) {
			text(f, d->file);
			fprintf(f, ":%u:%u", (unsigned)d->line, (unsigned)d->column);
		}
		fprintf(f, "</td><td class=\"%s\">%s</td><td>", pm_severity_str(d->severity),
		        pm_severity_str(d->severity));
		text(f, d->rule);
		fputs("</td><td>", f);
		text(f, d->message);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (!shown)
		fputs("<p>No findings.</p>\n", f);
}

bool pm_html_write(pm_rctx *c, FILE *f)
{
	pm_model *m = c->m;
	const char *title = m->title ? pm_str_get(m, m->title) : "Business";
	/* no Content-Security-Policy: Chromium then refuses the <object> from
	 * file://, and the page has no script to guard anyway */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	text(f, title);
	fputs(" — procmap</title>\n<style>\n"
	      "body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}\n"
	      "object{max-width:100%;border:1px solid #ccc}\n"
	      "code{color:#555}\n.warn,.warning{color:#b34700}\n.error{color:#b3261e;font-weight:bold}\n"
	      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
	      /* the diagrams follow the reader's setting: so does the page */
	      "@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#e8e8e8}"
	      "a{color:#6cc0f0}code{color:#b8b8b8}.warn,.warning{color:#ff8c4d}.error{color:#ff7b72}"
	      "object,td,th{border-color:#5a5a5a}}\n"
	      "</style>\n</head>\n<body>\n<h1>", f);
	text(f, title);
	fputs("</h1>\n", f);
	if (has_kind(c, PM_DIAGRAM_FOREST))
		fprintf(f, "<object id=\"forest\" data=\"forest.%s\" type=\"image/svg+xml\">"
		        "the forest diagram: forest.%s</object>\n", c->link_ext, c->link_ext);
	outline(c, f);
	findings(c, f);
	fputs("</body>\n</html>\n", f);
	return !ferror(f);
}
