/* emit_text.c — diagnostics gcc-style, with the source line and a caret;
 * the text report adds the summary line. */
#include <string.h>

#include "lexer.h"
#include "model.h"
#include "report.h"

const char *pm_file_line(pm_model *m, uint32_t file, uint32_t line, size_t *len)
{
	pm_file *f = &m->files.v[file];
	if (!f->lines) {
		/* line breaks as the lexer sees them: \n, \r\n, or a lone \r */
		uint32_t n = 1;
		for (size_t i = 0; i < f->len; i++)
			if (f->data[i] == '\n' ||
			    (f->data[i] == '\r' && (i + 1 >= f->len || f->data[i + 1] != '\n')))
				n++;
		uint32_t *lines = pm_xmalloc(m, (size_t)n * sizeof *lines);
		uint32_t k = 0;
		lines[k++] = 0;
		for (size_t i = 0; i < f->len; i++)
			if (f->data[i] == '\n' ||
			    (f->data[i] == '\r' && (i + 1 >= f->len || f->data[i + 1] != '\n')))
				lines[k++] = (uint32_t)(i + 1);
		f->lines = lines;
		f->nlines = n;
	}
	if (line == 0 || line > f->nlines)
		return NULL;
	size_t start = f->lines[line - 1];
	size_t end = f->len;
	if (line < f->nlines) {
		/* the next line's start, less the break: no scan of long lines,
		 * which would make many diagnostics on one line quadratic */
		end = f->lines[line] - 1;
		if (f->data[end] == '\n' && end > start && f->data[end - 1] == '\r')
			end--;
	}
	*len = end - start;
	return f->data + start;
}

#define RESET "\033[0m"
#define BOLD "\033[1m"

static const char *sev_color(pm_severity sev)
{
	switch (sev) {
	case PM_SEV_ERROR: return "\033[1;31m";
	case PM_SEV_WARNING: return "\033[1;35m";
	default: return "\033[1;36m";
	}
}

/* The longest source line that is shown under a diagnostic. */
#define MAX_SHOWN_LINE 400

static void write_source(pm_model *m, FILE *out, const pm_diag_rec *r, bool color)
{
	size_t len;
	const char *line = pm_file_line(m, r->file, r->d.line, &len);
	if (!line || len > MAX_SHOWN_LINE)
		return;
	size_t skip = 0;
	if (r->d.line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	fputc(' ', out);
	/* control characters and bytes that are not UTF-8 print as '?', so the
	 * caret below stays aligned and the terminal is safe */
	for (size_t i = skip; i < len;) {
		unsigned char c = (unsigned char)line[i];
		size_t n = pm_utf8_len((const unsigned char *)line + i, len - i);
		if (n > 1) {
			fwrite(line + i, 1, n, out);
			i += n;
			continue;
		}
		fputc((c < 0x20 && c != '\t') || c == 0x7f || n == 0 ? '?' : c, out);
		i++;
	}
	fputc('\n', out);
	fputc(' ', out);
	uint32_t col = 1;
	for (size_t i = skip; i < len && col < r->d.column; i++) {
		size_t n = pm_utf8_len((const unsigned char *)line + i, len - i);
		fputc(line[i] == '\t' ? '\t' : ' ', out);
		i += (n ? n : 1) - 1;
		col++;
	}
	fprintf(out, "%s^%s\n", color ? "\033[1;32m" : "", color ? RESET : "");
}

/* Every unsuppressed diagnostic, in report order (already sorted). */
static void write_diags(pm_model *m, FILE *out, unsigned flags)
{
	bool color = flags & PM_WRITE_COLOR;
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag_rec *r = &m->diags.v[i];
		const pm_diag *d = &r->d;
		if (d->suppressed)
			continue;
		if (d->file)
			fprintf(out, "%s%s:%u:%u:%s ", color ? BOLD : "", d->file, d->line,
			        d->column, color ? RESET : "");
		fprintf(out, "%s%s:%s %s [%s]\n", color ? sev_color(d->severity) : "",
		        pm_severity_str(d->severity), color ? RESET : "", d->message,
		        d->rule);
		if (d->file && !(flags & PM_WRITE_NO_SOURCE))
			write_source(m, out, r, color);
	}
}

pm_status pm_model_write_diagnostics(pm_model *m, FILE *out, unsigned flags)
{
	if (!m || !out)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_diag_sort(m);
	write_diags(m, out, flags);
	m->oom = NULL;
	return ferror(out) ? PM_ERR_IO : PM_OK;
}

/* The text report: the diagnostics, then the summary line. */
void pm_emit_text(pm_model *m, FILE *out, unsigned flags)
{
	pm_report_counts c;
	write_diags(m, out, flags);
	pm_report_count(m, &c);
	pm_report_summary(out, &c);
}
