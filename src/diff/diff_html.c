/* diff_html.c — the audit page's "what changed" section (render --diff):
 * the lines `procmap diff` prints, each linked to the element it is about
 * on the diagrams.  Part of the library (page.c calls it); it reads only
 * the plain data of pm_rdiff. */
#include "render.h"
#include "diff/rdiff.h"

void pm_html_text(FILE *f, const char *s)
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

/* The mark of a line ('+', '-', '>', '~') as a class. */
static const char *line_class(const char *text)
{
	switch (text[0]) {
	case '+': return "diff-added";
	case '-': return "diff-removed";
	default: return "diff-changed";
	}
}

void pm_diff_html_section(struct pm_rctx *c, FILE *f)
{
	const pm_rdiff *r = c->diff;
	if (!r)
		return;
	fputs("<section id=\"changes\">\n<h2>What changed</h2>\n<p>Since <code>", f);
	pm_html_text(f, r->old_name);
	fputs("</code>: ", f);
	pm_html_text(f, r->summary ? r->summary : "");
	fputs(". On the diagrams: <span class=\"diff-added\">+ added</span> (green, thick), "
	      "<span class=\"diff-removed\">− removed</span> (grey, dashed, where it was), "
	      "<span class=\"diff-changed\">~ changed</span> (amber); the tooltip says what "
	      "changed.</p>\n", f);
	if (!r->nline) {
		fputs("<p>No changes.</p>\n</section>\n", f);
		return;
	}
	fputs("<ul class=\"changes\">\n", f);
	for (uint32_t i = 0; i < r->nline; i++) {
		const pm_rline *l = &r->line[i];
		fprintf(f, "<li class=\"%s\">", line_class(l->text));
		if (l->anchor) {
			fputs("<a href=\"#", f);
			pm_html_text(f, l->anchor);
			fputs("\">", f);
		}
		pm_html_text(f, l->text);
		fputs(l->anchor ? "</a></li>\n" : "</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}
