/* emit_markdown.c — an audit report for people, in GitHub-flavoured
 * Markdown: summary, findings grouped by where they are, then tables of
 * processes, people and systems.
 *
 * Everything that comes from the model is escaped: '&', '<', '>' become
 * entities (no HTML gets through), Markdown punctuation gets a backslash
 * ('|' cannot end a table cell, '*' cannot start emphasis), and line
 * breaks and control characters become spaces (a label cannot start a new
 * block).  Model text never starts a line, so line-start syntax ('-', '1.',
 * '>') needs no escape. */
#include <math.h>
#include <string.h>

#include "json.h"
#include "lexer.h"
#include "report.h"

/* What a byte below 0x80 becomes: NULL for itself. */
static const char *md_ascii(unsigned char c, char buf[3])
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	}
	if (c < 0x20 || c == 0x7f)
		return " ";
	if (!strchr("\\`*_[]|~$#", c))
		return NULL;
	buf[0] = '\\';
	buf[1] = (char)c;
	buf[2] = '\0';
	return buf;
}

static void md_escape(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;   /* start of the bytes that go out unchanged */
	char buf[3];
	for (size_t i = 0; i < len;) {
		const char *esc = NULL;
		size_t n = 1;
		if (p[i] < 0x80) {
			esc = md_ascii(p[i], buf);
		} else if ((n = pm_utf8_len(p + i, len - i)) == 0) {
			esc = "\xEF\xBF\xBD";   /* not UTF-8: U+FFFD */
			n = 1;
		}
		if (esc) {
			fwrite(s + run, 1, i - run, out);
			fputs(esc, out);
			run = i + n;
		}
		i += n;
	}
	fwrite(s + run, 1, len - run, out);
}

static void md_str(FILE *out, const char *s)
{
	md_escape(out, s, strlen(s));
}

static void md_pstr(FILE *out, const pm_model *m, pm_str s)
{
	md_escape(out, pm_str_get(m, s), pm_str_len(m, s));
}

/* An id as a code span: a fence longer than any run of backticks in it,
 * padded when it starts or ends with one.  Inside a code span only '|'
 * (a table cell's end, even there) and control characters need care. */
static void md_code(FILE *out, const pm_model *m, const pm_str *parts, unsigned n,
                    bool in_table)
{
	size_t fence = 1, run = 0;
	for (unsigned k = 0; k < n; k++)
		for (const char *c = pm_str_get(m, parts[k]); *c; c++) {
			run = *c == '`' ? run + 1 : 0;
			fence = run + 1 > fence ? run + 1 : fence;
		}
	const char *first = pm_str_get(m, parts[0]), *last = pm_str_get(m, parts[n - 1]);
	size_t lastlen = strlen(last);
	bool pad = first[0] == '`' || (lastlen && last[lastlen - 1] == '`');
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
	fputs(pad ? " " : "", out);
	for (unsigned k = 0; k < n; k++) {
		fputs(k ? "." : "", out);
		for (const unsigned char *c = (const unsigned char *)pm_str_get(m, parts[k]); *c; c++) {
			if (*c == '|' && in_table)
				fputs("\\|", out);
			else
				fputc(*c < 0x20 || *c == 0x7f ? ' ' : *c, out);
		}
	}
	fputs(pad ? " " : "", out);
	for (size_t i = 0; i < fence; i++)
		fputc('`', out);
}

static void md_qid(FILE *out, const pm_model *m, pm_kind kind, pm_ix i, bool in_table)
{
	pm_str parts[3];
	unsigned n = pm_qid_parts(m, kind, i, parts);
	md_code(out, m, parts, n, in_table);
}

/* "Label (`id`)", or the id alone when the label is missing or the same. */
static void md_name(FILE *out, const pm_model *m, pm_kind kind, pm_ix i,
                    pm_str label, bool in_table)
{
	pm_str parts[3];
	unsigned n = pm_qid_parts(m, kind, i, parts);
	if (!label || label == parts[n - 1]) {
		md_code(out, m, parts, n, in_table);
		return;
	}
	md_pstr(out, m, label);
	fputs(" (", out);
	md_code(out, m, parts, n, in_table);
	fputc(')', out);
}

/* --- summary ---------------------------------------------------------------- */

static void write_head(FILE *out, const pm_model *m)
{
	fputs("# Process audit", out);
	if (m->title) {
		fputs(": ", out);
		md_pstr(out, m, m->title);
	}
	fprintf(out, "\n\nChecked by procmap %s: ", pm_version());
	for (uint32_t i = 0; i < m->files.n; i++) {
		fputs(i ? ", " : "", out);
		md_str(out, m->files.v[i].name);
	}
	fputs(m->files.n ? ".\n" : "no files.\n", out);
}

static void write_summary(FILE *out, const pm_model *m)
{
	static const pm_kind kinds[] = {
		PM_KIND_SYSTEM, PM_KIND_PROCESS, PM_KIND_STEP, PM_KIND_PERSON,
		PM_KIND_TOOL, PM_KIND_FLOW, PM_KIND_HANDOFF,
	};
	pm_report_counts c;
	pm_report_count(m, &c);
	fputs("\n## Summary\n\n"
	      "| Systems | Processes | Steps | People | Tools | Flows | Hand-offs |\n"
	      "|---:|---:|---:|---:|---:|---:|---:|\n|", out);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		fprintf(out, " %zu |", pm_model_count(m, kinds[i]));
	fputs("\n\nFindings: **", out);
	size_t e = c.at[PM_SEV_ERROR], w = c.at[PM_SEV_WARNING], n = c.at[PM_SEV_INFO];
	fprintf(out, "%zu error%s, %zu warning%s, %zu info%s**", e, e == 1 ? "" : "s",
	        w, w == 1 ? "" : "s", n, n == 1 ? "" : "s");
	if (c.suppressed)
		fprintf(out, " (%zu suppressed)", c.suppressed);
	fputs(".\n", out);
}

/* --- findings -------------------------------------------------------------- */

/* Findings are grouped: one group a system (in declaration order), then
 * processes outside any system, people, tools, and the rest (no subject:
 * syntax, reference and file errors). */
enum { G_TOP, G_PEOPLE, G_TOOLS, G_OTHER, G_EXTRA };

static bool at_loc(const pm_diag_rec *r, pm_loc loc)
{
	return r->file == loc.file && r->d.line == loc.line && r->d.column == loc.col;
}

static uint32_t group_of(const pm_model *m, const pm_diag_rec *r)
{
	uint32_t ns = m->systems.n;
	const char *s = r->d.subject;
	if (!s)
		return ns + G_OTHER;
	const char *dot = strchr(s, '.');
	pm_str id = pm_str_find(m, s, dot ? (size_t)(dot - s) : strlen(s));
	if (!id)
		return ns + G_OTHER;
	/* people and tools have names of their own; a finding sits at the
	 * element it is about, which tells a person 'x' from a system 'x' */
	pm_ix person = dot ? PM_NONE : pm_map_get(&m->names_people, id);
	pm_ix tool = dot ? PM_NONE : pm_map_get(&m->names_tools, id);
	if (person != PM_NONE && at_loc(r, m->people.v[person].loc))
		return ns + G_PEOPLE;
	if (tool != PM_NONE && at_loc(r, m->tools.v[tool].loc))
		return ns + G_TOOLS;
	uint32_t top = pm_map_get(&m->names_top, id);
	if (top != PM_NONE)
		return top & PM_TOP_PROCESS ? ns + G_TOP : top;
	if (person != PM_NONE)
		return ns + G_PEOPLE;
	return tool != PM_NONE ? ns + G_TOOLS : ns + G_OTHER;
}

static void write_group_head(FILE *out, const pm_model *m, uint32_t g)
{
	static const char *const names[] = {
		"Processes outside any system", "People", "Tools", "General",
	};
	fputs("\n### ", out);
	if (g < m->systems.n) {
		fputs("System ", out);
		md_name(out, m, PM_KIND_SYSTEM, g, m->systems.v[g].label, false);
	} else {
		fputs(names[g - m->systems.n], out);
	}
	fputs("\n\n", out);
}

static void write_where(FILE *out, const pm_diag *d)
{
	if (!d->file)
		return;
	md_str(out, d->file);
	fprintf(out, ":%u:%u: ", d->line, d->column);
}

static void write_finding(FILE *out, const pm_diag *d)
{
	fprintf(out, "- **%s** ", pm_severity_str(d->severity));
	write_where(out, d);
	md_str(out, d->message);
	fputs(" (", out);
	md_str(out, d->rule);
	fputs(")\n", out);
}

/* Unsuppressed findings by group, each group in report order: a counting
 * sort, linear in the number of findings. */
static void write_findings(FILE *out, pm_model *m)
{
	uint32_t ng = m->systems.n + G_EXTRA, nd = m->diags.n;
	uint32_t *start = pm_arena_alloc(m, ((size_t)ng + 1) * sizeof *start);
	uint32_t *group = pm_arena_alloc(m, ((size_t)nd + 1) * sizeof *group);
	uint32_t *order = pm_arena_alloc(m, ((size_t)nd + 1) * sizeof *order);
	memset(start, 0, ((size_t)ng + 1) * sizeof *start);
	for (uint32_t i = 0; i < nd; i++) {
		group[i] = m->diags.v[i].d.suppressed ? PM_NONE : group_of(m, &m->diags.v[i]);
		if (group[i] != PM_NONE)
			start[group[i] + 1]++;
	}
	for (uint32_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	for (uint32_t i = 0; i < nd; i++)
		if (group[i] != PM_NONE)
			order[start[group[i]]++] = i;
	fputs("\n## Findings\n", out);
	if (start[ng - 1] == 0)
		fputs("\nNo findings.\n", out);
	uint32_t k = 0;
	for (uint32_t g = 0; g < ng; g++) {
		if (k == start[g])
			continue;
		write_group_head(out, m, g);
		for (; k < start[g]; k++)
			write_finding(out, &m->diags.v[order[k]].d);
	}
}

static void write_suppressed(FILE *out, const pm_model *m)
{
	bool any = false;
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag *d = &m->diags.v[i].d;
		if (!d->suppressed)
			continue;
		if (!any)
			fputs("\n### Suppressed with `ignore:`\n\n", out);
		any = true;
		fputs("- ", out);
		write_where(out, d);
		md_str(out, d->message);
		fputs(" (", out);
		md_str(out, d->rule);
		fputs("): ", out);
		md_str(out, d->suppressed);
		fputc('\n', out);
	}
}

/* --- tables -------------------------------------------------------------- */

/* A lead or work time; why there is none when there is none. */
static void write_duration(FILE *out, const pm_proc_metrics *pm, int64_t s)
{
	char buf[PM_FMT_DURATION_BUF];
	if (pm && pm->lead_status == PM_LEAD_OK && s >= 0)
		fputs(pm_fmt_duration(buf, s), out);
	else
		fputs(pm_report_no_lead(pm), out);
}

static void write_critical_path(FILE *out, const pm_model *m, const pm_proc_metrics *pm)
{
	if (!pm || pm->lead_status != PM_LEAD_OK || pm->crit_count == 0) {
		fputs("—", out);
		return;
	}
	for (pm_ix k = 0; k < pm->crit_count; k++) {
		fputs(k ? " → " : "", out);
		md_pstr(out, m, m->steps.v[m->an.crit_steps.v[pm->crit_first + k]].id);
	}
}

static void write_process_row(FILE *out, const pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	const pm_proc_metrics *pm = pm_report_proc(m, i);
	fputs("| ", out);
	md_name(out, m, PM_KIND_PROCESS, i, p->label, true);
	fprintf(out, " | %u | ", p->step_count);
	if (p->runs_text)
		md_pstr(out, m, p->runs_text);
	else
		fputs("—", out);
	fputs(" | ", out);
	write_duration(out, pm, pm ? pm->lead_s : -1);
	fputs(" | ", out);
	write_duration(out, pm, pm ? pm->work_s : -1);
	fputs(" | ", out);
	write_critical_path(out, m, pm);
	fputs(" | ", out);
	if (pm && pm->bottleneck != PM_NONE) {
		md_pstr(out, m, m->steps.v[pm->bottleneck].id);
		/* truncated, as in the bottleneck-step message */
		fprintf(out, " (%d%%)", (int)(pm->bottleneck_share * 100.0));
	} else {
		fputs("—", out);
	}
	fputs(" |\n", out);
}

static void write_processes(FILE *out, const pm_model *m)
{
	if (!m->processes.n)
		return;
	fputs("\n## Processes\n\n"
	      "Lead time is the longest path through a process, counting what its\n"
	      "steps take and wait; work time is what the steps on that path take.\n\n"
	      "| Process | Steps | Runs | Lead time | Work time | Critical path | Bottleneck |\n"
	      "|---|---:|---|---:|---:|---|---|\n", out);
	for (pm_ix i = 0; i < m->processes.n; i++)
		write_process_row(out, m, i);
}

/* Hours with at most one decimal: "12.5h", "35h". */
static void write_hours(FILE *out, double seconds)
{
	char buf[PM_NUMBER_BUF];
	double h = round(seconds / 360.0) / 10.0;
	fprintf(out, "%sh", pm_json_fmt_number(buf, h));
}

static void write_person_row(FILE *out, const pm_model *m, pm_ix i)
{
	const pm_person *p = &m->people.v[i];
	const pm_person_metrics *pm = pm_report_person(m, i);
	fputs("| ", out);
	md_name(out, m, PM_KIND_PERSON, i, p->label, true);
	fputs(" | ", out);
	if (pm)
		write_hours(out, pm->load_s);
	else
		fputs("—", out);
	fputs(" | ", out);
	if (p->capacity_s >= 0)
		write_hours(out, (double)p->capacity_s);
	else
		fputs("—", out);
	fputs(" | ", out);
	if (pm && pm->utilisation >= 0) {
		const char *em = pm->utilisation > 1.0 ? "**" : "";
		/* rounded, as in the overloaded-person message */
		fprintf(out, "%s%d%%%s", em, (int)(pm->utilisation * 100.0 + 0.5), em);
	} else {
		fputs("—", out);
	}
	fputs(" |\n", out);
}

static void write_people(FILE *out, const pm_model *m)
{
	if (!m->people.n)
		return;
	fputs("\n## People\n\n"
	      "Load is the work a week of every step a person owns, from how often\n"
	      "its process runs.\n\n"
	      "| Person | Load a week | Capacity a week | Utilisation |\n"
	      "|---|---:|---:|---:|\n", out);
	for (pm_ix i = 0; i < m->people.n; i++)
		write_person_row(out, m, i);
}

static void write_systems(FILE *out, const pm_model *m)
{
	if (!m->systems.n)
		return;
	fputs("\n## Systems\n\n| System | Owner | Processes | Steps |\n"
	      "|---|---|---:|---:|\n", out);
	for (pm_ix i = 0; i < m->systems.n; i++) {
		const pm_system *s = &m->systems.v[i];
		fputs("| ", out);
		md_name(out, m, PM_KIND_SYSTEM, i, s->label, true);
		fputs(" | ", out);
		if (s->owner.target != PM_NONE)
			md_qid(out, m, PM_KIND_PERSON, s->owner.target, true);
		else
			fputs("—", out);
		fprintf(out, " | %u | %u |\n", s->proc_count, pm_report_system_steps(m, i));
	}
}

static void write_figures(FILE *out, const pm_md_figure *figs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const pm_md_figure *f = &figs[i];
		fprintf(out, "\n%.*s ", (int)(f->depth < 2 ? 2 : f->depth > 6 ? 6 : f->depth), "######");
		md_str(out, f->heading);
		fputs("\n\n![", out);
		md_str(out, f->alt);
		fprintf(out, "](%s)\n", f->url);
	}
}

void pm_emit_markdown_figures(pm_model *m, FILE *out, const pm_md_figure *figs,
                              size_t nfront, size_t n)
{
	write_head(out, m);
	write_summary(out, m);
	write_figures(out, figs, nfront);
	write_findings(out, m);
	write_suppressed(out, m);
	write_processes(out, m);
	write_people(out, m);
	write_systems(out, m);
	if (n > nfront) {
		fputs("\n## Diagrams\n", out);
		write_figures(out, figs + nfront, n - nfront);
	}
}

void pm_emit_markdown(pm_model *m, FILE *out)
{
	pm_emit_markdown_figures(m, out, NULL, 0, 0);
}
