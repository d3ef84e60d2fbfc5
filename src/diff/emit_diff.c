/* emit_diff.c — a change set as text, JSON (schemas/diff.schema.json) or
 * Markdown for a pull-request comment.  Every format walks the same
 * sections in the same order: the elements kind by kind, flows, hand-offs,
 * metrics, findings; inside a section, changes in the order pm_diff_compute()
 * found them (declaration order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "json.h"
#include "report.h"

/* The sections of elements, in report order. */
static const unsigned sections[] = { PM_KIND_SYSTEM, PM_KIND_PROCESS, PM_KIND_STEP,
                                     PM_KIND_PERSON, PM_DKIND_ACTOR, PM_KIND_TOOL,
                                     PM_KIND_FLOW, PM_KIND_HANDOFF };
#define NSECTIONS (sizeof sections / sizeof *sections)

static bool structural(const pm_change *c)
{
	return c->what <= PM_CH_ATTR;
}

static const char *what_name(pm_change_what w)
{
	static const char *const names[] = { "added", "removed", "moved", "renamed",
	                                     "changed", "metric", "new", "fixed" };
	return names[w];
}

/* Attributes whose values are free text, quoted when shown. */
static bool quoted_attr(const char *a)
{
	return strcmp(a, "label") == 0 || strcmp(a, "description") == 0 ||
	       strcmp(a, "trigger") == 0;
}

static const char *id_of(const pm_change *c)
{
	return c->new_id ? c->new_id : c->old_id;
}

/* --- metric values ----------------------------------------------------------------- */

static bool is_ratio(const char *metric)
{
	return strcmp(metric, "flow efficiency") == 0 || strcmp(metric, "utilisation") == 0;
}

static bool is_load(const char *metric)
{
	return strcmp(metric, "load") == 0;
}

/* "2.5" from 2.5, "3" from 3.0: at most two decimals. */
static void fmt_num(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.2f", v);
	char *e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
}

/* A metric value for people: "2h 30m", "37.5h/week", "40%", "n/a". */
static void fmt_metric(char *buf, size_t size, const char *metric, double v)
{
	char num[64];
	if (v < 0) {
		snprintf(buf, size, "n/a");
	} else if (is_ratio(metric)) {
		fmt_num(num, sizeof num, v * 100);
		snprintf(buf, size, "%s%%", num);
	} else if (is_load(metric)) {
		fmt_num(num, sizeof num, v / 3600);
		snprintf(buf, size, "%sh/week", num);
	} else {
		char d[PM_FMT_DURATION_BUF];
		snprintf(buf, size, "%s", pm_fmt_duration(d, (int64_t)llround(v)));
	}
}

/* The change: "+30m", "-5 points", "+2h/week"; empty when one side is n/a. */
static void fmt_delta(char *buf, size_t size, const char *metric, double a, double b)
{
	char num[64];
	if (a < 0 || b < 0) {
		buf[0] = '\0';
		return;
	}
	double dv = b - a;
	const char *sign = dv < 0 ? "-" : "+";
	if (is_ratio(metric)) {
		fmt_num(num, sizeof num, fabs(dv) * 100);
		snprintf(buf, size, "%s%s points", sign, num);
	} else if (is_load(metric)) {
		fmt_num(num, sizeof num, fabs(dv) / 3600);
		snprintf(buf, size, "%s%sh/week", sign, num);
	} else {
		char d[PM_FMT_DURATION_BUF];
		snprintf(buf, size, "%s%s", sign, pm_fmt_duration(d, (int64_t)llround(fabs(dv))));
	}
}

/* --- text ---------------------------------------------------------------------------- */

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static void text_value(FILE *out, const char *attr, const char *v)
{
	if (!v)
		fputs("none", out);
	else if (quoted_attr(attr))
		fprintf(out, "\"%s\"", v);
	else
		fputs(v, out);
}

/* "takes 30m -> 25m": an attribute's change, with `arrow` between. */
static void text_attr(FILE *out, const pm_change *c, const char *arrow)
{
	fprintf(out, "%s ", c->attr);
	text_value(out, c->attr, c->before);
	fputs(arrow, out);
	text_value(out, c->attr, c->after);
}

static void text_sizes(FILE *out, const pm_change *c)
{
	if (c->kind == PM_KIND_SYSTEM)
		fprintf(out, " (%u process%s, %u step%s)", c->children,
		        c->children == 1 ? "" : "es", c->steps, c->steps == 1 ? "" : "s");
	else if (c->kind == PM_KIND_PROCESS)
		fprintf(out, " (%u step%s)", c->steps, c->steps == 1 ? "" : "s");
}

static void text_change(FILE *out, const pm_change *c, bool color)
{
	const char *kind = pm_diff_kind_name(c->kind);
	switch (c->what) {
	case PM_CH_ADDED:
		fprintf(out, "  %s+%s %s '%s'", color ? GREEN : "", color ? RESET : "", kind, c->new_id);
		text_sizes(out, c);
		break;
	case PM_CH_REMOVED:
		fprintf(out, "  %s-%s %s '%s'", color ? RED : "", color ? RESET : "", kind, c->old_id);
		text_sizes(out, c);
		break;
	case PM_CH_MOVED:
		fprintf(out, "  %s>%s %s '%s' moved to '%s'", color ? CYAN : "", color ? RESET : "",
		        kind, c->old_id, c->new_id);
		break;
	case PM_CH_RENAMED:
		fprintf(out, "  %s>%s %s '%s' renamed to '%s' (likely: same label and neighbours)",
		        color ? CYAN : "", color ? RESET : "", kind, c->old_id, c->new_id);
		break;
	default:
		fprintf(out, "  %s~%s %s '%s': ", color ? YELLOW : "", color ? RESET : "", kind,
		        id_of(c));
		text_attr(out, c, " -> ");
		break;
	}
	fputc('\n', out);
}

/* "lead time 3h 30m -> 2h 55m (-35m)", with `arrow` between. */
static void text_metric_value(FILE *out, const pm_change *c, const char *arrow)
{
	char a[96], b[96], dl[96];
	fmt_metric(a, sizeof a, c->attr, c->vbefore);
	fmt_metric(b, sizeof b, c->attr, c->vafter);
	fmt_delta(dl, sizeof dl, c->attr, c->vbefore, c->vafter);
	fprintf(out, "%s %s%s%s%s%s%s", c->attr, a, arrow, b, dl[0] ? " (" : "", dl,
	        dl[0] ? ")" : "");
}

static void text_metric(FILE *out, const pm_change *c, bool color)
{
	fprintf(out, "  %s~%s %s '%s': ", color ? YELLOW : "", color ? RESET : "",
	        pm_diff_kind_name(c->kind), id_of(c));
	text_metric_value(out, c, " -> ");
	fputc('\n', out);
}

static void text_finding(FILE *out, const pm_change *c, bool color)
{
	const pm_diag *d = c->diag;
	bool fresh = c->what == PM_CH_FINDING_NEW;
	fprintf(out, "  %s%s %s%s %s: ", color ? (fresh ? RED : GREEN) : "", fresh ? "+" : "-",
	        fresh ? "new" : "fixed", color ? RESET : "", pm_severity_str(d->severity));
	if (d->file && d->line)
		fprintf(out, "%s:%u:%u: ", d->file, d->line, d->column);
	fprintf(out, "%s [%s]\n", d->message, d->rule);
}

static void text_summary(FILE *out, const pm_diff *d)
{
	const size_t *n = d->count;
	if (!pm_diff_changed(d)) {
		fprintf(out, "no changes (%zu finding%s unchanged)\n", d->unchanged_findings,
		        d->unchanged_findings == 1 ? "" : "s");
		return;
	}
	fprintf(out, "%zu added, %zu removed, %zu moved, %zu renamed, %zu changed, "
	        "%zu metric%s; findings: %zu new, %zu fixed, %zu unchanged\n",
	        n[PM_CH_ADDED], n[PM_CH_REMOVED], n[PM_CH_MOVED], n[PM_CH_RENAMED],
	        n[PM_CH_ATTR], n[PM_CH_METRIC], n[PM_CH_METRIC] == 1 ? "" : "s",
	        n[PM_CH_FINDING_NEW], n[PM_CH_FINDING_FIXED], d->unchanged_findings);
}

static bool any(const pm_diff *d, unsigned kind, bool structure)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == kind && structural(&d->v[i]) == structure)
			return true;
	return false;
}

static void write_text(const pm_diff *d, const char *on, const char *nn, FILE *out,
                       bool color)
{
	fprintf(out, "%s--- %s\n+++ %s%s\n", color ? BOLD : "", on, nn, color ? RESET : "");
	for (size_t s = 0; s < NSECTIONS; s++) {
		if (!any(d, sections[s], true))
			continue;
		fprintf(out, "%s:\n", pm_diff_kind_plural(sections[s]));
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].kind == sections[s] && structural(&d->v[i]))
				text_change(out, &d->v[i], color);
	}
	if (d->count[PM_CH_METRIC]) {
		fputs("Metrics:\n", out);
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].what == PM_CH_METRIC)
				text_metric(out, &d->v[i], color);
	}
	if (d->count[PM_CH_FINDING_NEW] || d->count[PM_CH_FINDING_FIXED]) {
		fputs("Findings:\n", out);
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].what >= PM_CH_FINDING_NEW)
				text_finding(out, &d->v[i], color);
	}
	text_summary(out, d);
}

/* --- JSON ----------------------------------------------------------------------------- */

static void json_side(pm_json *j, const char *key, const char *name, const pm_model *m)
{
	pm_json_key(j, key);
	pm_json_object(j);
	pm_json_kstr(j, "name", name);
	pm_json_key(j, "files");
	pm_json_array(j);
	for (uint32_t i = 0; i < m->files.n; i++)
		pm_json_string(j, m->files.v[i].name);
	pm_json_array_end(j);
	pm_json_object_end(j);
}

static void json_summary(pm_json *j, const pm_diff *d)
{
	pm_json_key(j, "summary");
	pm_json_object(j);
	for (int w = PM_CH_ADDED; w <= PM_CH_ATTR; w++)
		pm_json_kint(j, what_name((pm_change_what)w), (int64_t)d->count[w]);
	pm_json_kint(j, "metrics", (int64_t)d->count[PM_CH_METRIC]);
	pm_json_key(j, "findings");
	pm_json_object(j);
	pm_json_kint(j, "new", (int64_t)d->count[PM_CH_FINDING_NEW]);
	pm_json_kint(j, "fixed", (int64_t)d->count[PM_CH_FINDING_FIXED]);
	pm_json_kint(j, "unchanged", (int64_t)d->unchanged_findings);
	pm_json_object_end(j);
	pm_json_object_end(j);
}

static void json_change(pm_json *j, const pm_change *c)
{
	pm_json_object(j);
	pm_json_kstr(j, "change", what_name(c->what));
	pm_json_kstr(j, "kind", pm_diff_kind_name(c->kind));
	pm_json_kstr(j, "old_id", c->old_id);
	pm_json_kstr(j, "new_id", c->new_id);
	if (c->what == PM_CH_ATTR) {
		pm_json_kstr(j, "attribute", c->attr);
		pm_json_kstr(j, "before", c->before);
		pm_json_kstr(j, "after", c->after);
	}
	if ((c->what == PM_CH_ADDED || c->what == PM_CH_REMOVED) && c->kind == PM_KIND_SYSTEM)
		pm_json_kint(j, "processes", c->children);
	if ((c->what == PM_CH_ADDED || c->what == PM_CH_REMOVED) &&
	    (c->kind == PM_KIND_SYSTEM || c->kind == PM_KIND_PROCESS))
		pm_json_kint(j, "steps", c->steps);
	pm_json_object_end(j);
}

static void json_num_or_null(pm_json *j, const char *key, double v)
{
	pm_json_key(j, key);
	v < 0 ? pm_json_null(j) : pm_json_number(j, v);
}

static void json_metric(pm_json *j, const pm_change *c)
{
	char key[32];
	snprintf(key, sizeof key, "%s", c->attr);
	for (char *p = key; *p; p++)
		if (*p == ' ')
			*p = '_';
	pm_json_object(j);
	pm_json_kstr(j, "kind", pm_diff_kind_name(c->kind));
	pm_json_kstr(j, "id", id_of(c));
	pm_json_kstr(j, "metric", key);
	json_num_or_null(j, "before", c->vbefore);
	json_num_or_null(j, "after", c->vafter);
	pm_json_key(j, "delta");
	c->vbefore < 0 || c->vafter < 0 ? pm_json_null(j) : pm_json_number(j, c->vafter - c->vbefore);
	pm_json_object_end(j);
}

static void json_finding(pm_json *j, const pm_diag *d)
{
	char fp[17];
	pm_diag_fingerprint(fp, d);
	pm_json_object(j);
	pm_json_kstr(j, "rule", d->rule);
	pm_json_kstr(j, "severity", pm_severity_str(d->severity));
	pm_json_kstr(j, "subject", d->subject);
	pm_json_kstr(j, "message", d->message);
	pm_json_kstr(j, "file", d->file);
	pm_json_key(j, "line");
	d->file && d->line ? pm_json_int(j, d->line) : pm_json_null(j);
	pm_json_key(j, "column");
	d->file && d->column ? pm_json_int(j, d->column) : pm_json_null(j);
	pm_json_kstr(j, "fingerprint", fp);
	pm_json_object_end(j);
}

static void json_findings(pm_json *j, const pm_diff *d, pm_change_what w)
{
	pm_json_key(j, w == PM_CH_FINDING_NEW ? "new" : "fixed");
	pm_json_array(j);
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].what == w)
			json_finding(j, d->v[i].diag);
	pm_json_array_end(j);
}

static bool write_json(const pm_diff *d, pm_model *o, pm_model *n, const char *on,
                       const char *nn, FILE *out)
{
	pm_json *j = malloc(sizeof *j);
	if (!j)
		return false;
	pm_json_init(j, out);
	pm_json_object(j);
	pm_json_key(j, "tool");
	pm_json_object(j);
	pm_json_kstr(j, "name", "procmap");
	pm_json_kstr(j, "version", pm_version());
	pm_json_object_end(j);
	json_side(j, "old", on, o);
	json_side(j, "new", nn, n);
	pm_json_key(j, "changed");
	pm_json_bool(j, pm_diff_changed(d));
	json_summary(j, d);
	pm_json_key(j, "changes");
	pm_json_array(j);
	for (size_t i = 0; i < d->n; i++)
		if (structural(&d->v[i]))
			json_change(j, &d->v[i]);
	pm_json_array_end(j);
	pm_json_key(j, "metrics");
	pm_json_array(j);
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].what == PM_CH_METRIC)
			json_metric(j, &d->v[i]);
	pm_json_array_end(j);
	pm_json_key(j, "findings");
	pm_json_object(j);
	json_findings(j, d, PM_CH_FINDING_NEW);
	json_findings(j, d, PM_CH_FINDING_FIXED);
	pm_json_kint(j, "unchanged", (int64_t)d->unchanged_findings);
	pm_json_object_end(j);
	pm_json_object_end(j);
	pm_json_end(j);
	free(j);
	return true;
}

/* --- Markdown ------------------------------------------------------------------------- */

/* Text in a table cell: '|' escaped, line breaks as spaces. */
static void md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void md_value(FILE *out, const char *attr, const char *v)
{
	if (!v) {
		fputs("*none*", out);
		return;
	}
	fputs(quoted_attr(attr) ? "\"" : "`", out);
	md_cell(out, v);
	fputs(quoted_attr(attr) ? "\"" : "`", out);
}

static void md_change(FILE *out, const pm_change *c)
{
	static const char *const marks[] = { "+", "−", "→", "→", "~" };
	fprintf(out, "| %s | %s | `", marks[c->what], pm_diff_kind_name(c->kind));
	md_cell(out, c->what == PM_CH_REMOVED || c->what == PM_CH_MOVED ||
	             c->what == PM_CH_RENAMED ? c->old_id : id_of(c));
	fputs("` | ", out);
	switch (c->what) {
	case PM_CH_ADDED:
	case PM_CH_REMOVED:
		fputs(what_name(c->what), out);
		if (c->kind == PM_KIND_SYSTEM || c->kind == PM_KIND_PROCESS)
			text_sizes(out, c);
		break;
	case PM_CH_MOVED:
	case PM_CH_RENAMED:
		fprintf(out, "%s to `", c->what == PM_CH_MOVED ? "moved" : "likely renamed");
		md_cell(out, c->new_id);
		fputc('`', out);
		break;
	default:
		fprintf(out, "%s: ", c->attr);
		md_value(out, c->attr, c->before);
		fputs(" → ", out);
		md_value(out, c->attr, c->after);
		break;
	}
	fputs(" |\n", out);
}

static void md_metric(FILE *out, const pm_change *c)
{
	char a[96], b[96], dl[96];
	fmt_metric(a, sizeof a, c->attr, c->vbefore);
	fmt_metric(b, sizeof b, c->attr, c->vafter);
	fmt_delta(dl, sizeof dl, c->attr, c->vbefore, c->vafter);
	fprintf(out, "| %s | `", pm_diff_kind_name(c->kind));
	md_cell(out, id_of(c));
	fprintf(out, "` | %s | %s | %s | %s |\n", c->attr, a, b, dl[0] ? dl : "");
}

static void md_findings(FILE *out, const pm_diff *d, pm_change_what w)
{
	size_t n = d->count[w];
	if (!n)
		return;
	fprintf(out, "\n#### %s (%zu)\n\n", w == PM_CH_FINDING_NEW ? "New" : "Fixed", n);
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].what != w)
			continue;
		const pm_diag *g = d->v[i].diag;
		fprintf(out, "- **%s** `%s`", pm_severity_str(g->severity), g->rule);
		if (g->subject)
			fprintf(out, " `%s`", g->subject);
		fputs(": ", out);
		md_cell(out, g->message);
		fputc('\n', out);
	}
}

static void write_markdown(const pm_diff *d, const char *on, const char *nn, FILE *out)
{
	fprintf(out, "## procmap diff\n\n`");
	md_cell(out, on);
	fputs("` → `", out);
	md_cell(out, nn);
	fputs("`: ", out);
	text_summary(out, d);
	bool head = false;
	for (size_t i = 0; i < d->n; i++) {
		if (!structural(&d->v[i]))
			continue;
		if (!head)
			fputs("\n### Elements\n\n|   | Kind | Element | Change |\n|---|---|---|---|\n", out);
		head = true;
	}
	for (size_t s = 0; s < NSECTIONS; s++)
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].kind == sections[s] && structural(&d->v[i]))
				md_change(out, &d->v[i]);
	if (d->count[PM_CH_METRIC]) {
		fputs("\n### Metrics\n\n| Kind | Element | Metric | Before | After | Change |\n"
		      "|---|---|---|---|---|---|\n", out);
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].what == PM_CH_METRIC)
				md_metric(out, &d->v[i]);
	}
	if (d->count[PM_CH_FINDING_NEW] || d->count[PM_CH_FINDING_FIXED]) {
		fputs("\n### Findings\n", out);
		md_findings(out, d, PM_CH_FINDING_NEW);
		md_findings(out, d, PM_CH_FINDING_FIXED);
	}
}

bool pm_diff_write(const pm_diff *d, pm_model *old, pm_model *new_,
                   const char *old_name, const char *new_name,
                   FILE *out, pm_diff_format fmt, bool color)
{
	switch (fmt) {
	case PM_DIFF_JSON:
		return write_json(d, old, new_, old_name, new_name, out);
	case PM_DIFF_MARKDOWN:
		write_markdown(d, old_name, new_name, out);
		return true;
	default:
		write_text(d, old_name, new_name, out, color);
		return true;
	}
}

char *pm_diff_change_text(const pm_change *c, bool brief)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	if (!brief) {
		if (c->what == PM_CH_METRIC)
			text_metric(out, c, false);
		else if (c->what >= PM_CH_FINDING_NEW)
			text_finding(out, c, false);
		else
			text_change(out, c, false);
	} else if (c->what == PM_CH_ATTR) {
		text_attr(out, c, " \u2192 ");
	} else if (c->what == PM_CH_METRIC) {
		text_metric_value(out, c, " \u2192 ");
	} else if (c->what == PM_CH_MOVED) {
		fprintf(out, "moved from %s", c->old_id);
	} else if (c->what == PM_CH_RENAMED) {
		fprintf(out, "renamed from %s (likely)", c->old_id);
	} else {
		fputs(c->what == PM_CH_ADDED ? "added" : "removed", out);
		text_sizes(out, c);
	}
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	/* the line without its indent and newline */
	if (!brief && len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	size_t lead = strspn(buf, " ");
	memmove(buf, buf + lead, len - lead + 1);
	return buf;
}

char *pm_diff_summary_text(const pm_diff *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	text_summary(out, d);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}
