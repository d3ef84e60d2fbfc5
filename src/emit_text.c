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

/* A longer source line is shown cut to this many columns around the caret,
 * with "…" where it was cut: a 5 MB line prints 200 columns, not 5 MB. */
#define SHOWN_COLUMNS 200

/* Where the last window on a line began: diagnostics come sorted by line
 * and column, so the next window on the same line starts walking here and
 * a million findings on one long line cost one walk, not a million. */
typedef struct src_cursor {
	uint32_t file, line, col;
	size_t off;             /* byte offset of column `col` in the line */
} src_cursor;

/* Walks from byte `off` of the line, at column *col, to column `to` or the
 * end of the line; returns the byte offset reached.  A character is one
 * column, a byte that is not UTF-8 too, as the lexer counts them. */
static size_t walk(const char *line, size_t len, size_t off, uint32_t *col, uint32_t to)
{
	while (off < len && *col < to) {
		size_t n = pm_utf8_len((const unsigned char *)line + off, len - off);
		off += n ? n : 1;
		(*col)++;
	}
	return off;
}

/* Bytes [from, to) of the line; control characters and bytes that are not
 * UTF-8 print as '?', so the caret below stays aligned and the terminal is
 * safe.  Never cuts a character: from and to come from walk(). */
static void put_text(FILE *out, const char *line, size_t from, size_t to)
{
	for (size_t i = from; i < to;) {
		unsigned char c = (unsigned char)line[i];
		size_t n = pm_utf8_len((const unsigned char *)line + i, to - i);
		if (n > 1) {
			fwrite(line + i, 1, n, out);
			i += n;
			continue;
		}
		fputc((c < 0x20 && c != '\t') || c == 0x7f || n == 0 ? '?' : c, out);
		i++;
	}
}

/* What lies under bytes [from, to): a tab under a tab, a space under
 * anything else. */
static void put_pad(FILE *out, const char *line, size_t from, size_t to)
{
	for (size_t i = from; i < to;) {
		size_t n = pm_utf8_len((const unsigned char *)line + i, to - i);
		fputc(line[i] == '\t' ? '\t' : ' ', out);
		i += n ? n : 1;
	}
}

/* The byte offset of column `col` (at most the line's end), starting from
 * the cursor when it is on this line and not past `col`. */
static size_t column_offset(src_cursor *cur, const pm_diag_rec *r, const char *line,
                            size_t len, size_t skip, uint32_t col)
{
	if (cur->file != r->file || cur->line != r->d.line || cur->col > col) {
		*cur = (src_cursor){ .file = r->file, .line = r->d.line, .col = 1, .off = skip };
	}
	cur->off = walk(line, len, cur->off, &cur->col, col);
	return cur->off;
}

static void write_source(pm_model *m, FILE *out, const pm_diag_rec *r, bool color,
                         src_cursor *cur)
{
	size_t len;
	const char *line = pm_file_line(m, r->file, r->d.line, &len);
	if (!line)
		return;
	size_t skip = 0;
	if (r->d.line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	uint32_t caret = r->d.column ? r->d.column : 1;
	uint32_t first = 1, col = 1;
	size_t from = skip, to = len;
	if (walk(line, len, skip, &col, SHOWN_COLUMNS + 1) < len) {
		/* the window: half before the caret, half from it */
		first = caret > SHOWN_COLUMNS / 2 ? caret - SHOWN_COLUMNS / 2 : 1;
		from = column_offset(cur, r, line, len, skip, first);
		col = first;
		to = walk(line, len, from, &col, first + SHOWN_COLUMNS);
	}
	fputs(first > 1 ? " …" : " ", out);
	put_text(out, line, from, to);
	fputs(to < len ? "…\n" : "\n", out);
	fputs(first > 1 ? "  " : " ", out);
	col = first;
	put_pad(out, line, from, walk(line, len, from, &col, caret));
	fprintf(out, "%s^%s\n", color ? "\033[1;32m" : "", color ? RESET : "");
}

/* Every unsuppressed diagnostic, in report order (already sorted). */
static void write_diags(pm_model *m, FILE *out, unsigned flags)
{
	bool color = flags & PM_WRITE_COLOR;
	src_cursor cur = { .line = 0 };
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
			write_source(m, out, r, color, &cur);
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
