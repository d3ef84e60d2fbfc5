/* emit_text.c — diagnostics gcc-style, with the source line and a caret;
 * the text report adds the summary line. */
#include <string.h>

#include "lexer.h"
#include "model.h"
#include "report.h"

const char *pm_file_line(pm_model *m, uint32_t file, uint32_t line, size_t *len)
{
	pm_file *f = &m->files.v[file];
	if (!f->data)
		return NULL;   /* let go of (pm_model_drop_sources) */
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

/* The source line of the last diagnostic, and where the last window on it
 * began.  Diagnostics come sorted by file, line and column, so the next
 * line is found by walking on from this one (no index of every line of a
 * 90 MB file, which is fresh memory and two passes over it), and the next
 * window on the same line starts walking at `off`: a million findings on
 * one long line cost one walk, not a million. */
typedef struct src_cursor {
	uint32_t file;          /* UINT32_MAX: none yet */
	uint32_t line;          /* 0: none yet */
	size_t start, end;      /* the line's bytes, without its break */
	bool has_cr;            /* the file has a '\r': lines by pm_file_line() */
	uint32_t col;           /* 0: no window on this line yet */
	size_t off;             /* byte offset of column `col` in the line */
} src_cursor;

/* The line `line` of the file, walking on from the cursor's line when it
 * is one before it.  Lines break as the lexer sees them; a file with a
 * '\r' in it (rare) takes pm_file_line()'s index. */
static const char *source_line(pm_model *m, src_cursor *cur, uint32_t file,
                               uint32_t line, size_t *len)
{
	const pm_file *f = &m->files.v[file];
	if (!f->data)
		return NULL;   /* let go of (pm_model_drop_sources) */
	if (cur->file != file) {
		cur->file = file;
		cur->has_cr = memchr(f->data, '\r', f->len) != NULL;
		cur->line = 0;
	}
	if (line == 0)
		return NULL;
	if (line != cur->line) {
		if (cur->has_cr) {
			const char *p = pm_file_line(m, file, line, len);
			if (!p)
				return NULL;
			cur->start = (size_t)(p - f->data);
			cur->end = cur->start + *len;
			cur->line = line;
			cur->col = 0;
			return p;
		}
		if (cur->line == 0 || line < cur->line) {
			const char *nl = memchr(f->data, '\n', f->len);
			cur->line = 1;
			cur->start = 0;
			cur->end = nl ? (size_t)(nl - f->data) : f->len;
			cur->col = 0;
		}
		while (cur->line < line) {
			if (cur->end >= f->len)
				return NULL;   /* past the last line */
			cur->start = cur->end + 1;
			const char *nl = memchr(f->data + cur->start, '\n', f->len - cur->start);
			cur->end = nl ? (size_t)(nl - f->data) : f->len;
			cur->line++;
			cur->col = 0;
		}
	}
	*len = cur->end - cur->start;
	return f->data + cur->start;
}

/* Walks from byte `off` of the line, at column *col, to column `to` or the
 * end of the line; returns the byte offset reached.  A character is one
 * column, a byte that is not UTF-8 too, as the lexer counts them. */
static size_t walk(const char *line, size_t len, size_t off, uint32_t *col, uint32_t to)
{
	while (off < len && *col < to) {
		unsigned char c = (unsigned char)line[off];
		size_t n = c < 0x80 ? 1 : pm_utf8_len((const unsigned char *)line + off, len - off);
		off += n ? n : 1;
		(*col)++;
	}
	return off;
}

/* Bytes [from, to) of the line; control characters and bytes that are not
 * UTF-8 print as '?', so the caret below stays aligned and the terminal is
 * safe.  Never cuts a character: from and to come from walk(). */
static void put_text(pm_wr *w, const char *line, size_t from, size_t to)
{
	while (from < to) {
		/* a piece at a time, so the buffer has room for all of it */
		size_t end = to - from > PM_WR_SIZE / 2 ? from + PM_WR_SIZE / 2 : to;
		char *o = pm_wr_room(w, end - from + 4), *o0 = o;
		size_t i = from;
		while (i < end) {
			unsigned char c = (unsigned char)line[i];
			if (c >= 0x20 && c < 0x7f) {
				*o++ = (char)c;
				i++;
				continue;
			}
			size_t n = c < 0x80 ? 1 : pm_utf8_len((const unsigned char *)line + i, to - i);
			if (n > 1) {
				memcpy(o, line + i, n);
				o += n;
				i += n;
				continue;
			}
			*o++ = c == '\t' ? '\t' : '?';
			i++;
		}
		w->n += (size_t)(o - o0);
		from = i;
	}
}

/* What lies under bytes [from, to): a tab under a tab, a space under
 * anything else. */
static void put_pad(pm_wr *w, const char *line, size_t from, size_t to)
{
	for (size_t i = from; i < to;) {
		unsigned char c = (unsigned char)line[i];
		size_t n = c < 0x80 ? 1 : pm_utf8_len((const unsigned char *)line + i, to - i);
		pm_wr_putc(w, c == '\t' ? '\t' : ' ');
		i += n ? n : 1;
	}
}

/* The byte offset of column `col` (at most the line's end), starting from
 * the cursor's last window when it is on this line and not past `col`. */
static size_t column_offset(src_cursor *cur, const char *line, size_t len,
                            size_t skip, uint32_t col)
{
	if (cur->col == 0 || cur->col > col) {
		cur->col = 1;
		cur->off = skip;
	}
	cur->off = walk(line, len, cur->off, &cur->col, col);
	return cur->off;
}

static void write_source(pm_model *m, pm_wr *w, const pm_diag_rec *r, bool color,
                         src_cursor *cur)
{
	size_t len;
	const char *line = source_line(m, cur, r->file, r->d.line, &len);
	if (!line)
		return;
	size_t skip = 0;
	if (r->d.line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	uint32_t caret = r->d.column ? r->d.column : 1;
	uint32_t first = 1, col = 1;
	size_t from = skip, to = len;
	/* a line of at most SHOWN_COLUMNS bytes has at most as many columns */
	if (len - skip > SHOWN_COLUMNS &&
	    walk(line, len, skip, &col, SHOWN_COLUMNS + 1) < len) {
		/* the window: half before the caret, half from it */
		first = caret > SHOWN_COLUMNS / 2 ? caret - SHOWN_COLUMNS / 2 : 1;
		from = column_offset(cur, line, len, skip, first);
		col = first;
		to = walk(line, len, from, &col, first + SHOWN_COLUMNS);
	}
	pm_wr_puts(w, first > 1 ? " …" : " ");
	put_text(w, line, from, to);
	pm_wr_puts(w, to < len ? "…\n" : "\n");
	pm_wr_puts(w, first > 1 ? "  " : " ");
	col = first;
	put_pad(w, line, from, walk(line, len, from, &col, caret));
	pm_wr_puts(w, color ? "\033[1;32m^" RESET "\n" : "^\n");
}

/* Every unsuppressed diagnostic, in report order (already sorted). */
static void write_diags(pm_model *m, pm_wr *w, unsigned flags)
{
	bool color = flags & PM_WRITE_COLOR;
	src_cursor cur = { .file = UINT32_MAX };
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag_rec *r = &m->diags.v[i];
		const pm_diag *d = &r->d;
		if (d->suppressed)
			continue;
		if (d->file) {
			if (color)
				pm_wr_puts(w, BOLD);
			pm_wr_puts(w, d->file);
			pm_wr_putc(w, ':');
			pm_wr_uint(w, d->line);
			pm_wr_putc(w, ':');
			pm_wr_uint(w, d->column);
			pm_wr_puts(w, color ? ":" RESET " " : ": ");
		}
		if (color)
			pm_wr_puts(w, sev_color(d->severity));
		pm_wr_puts(w, pm_severity_str(d->severity));
		pm_wr_puts(w, color ? ":" RESET " " : ": ");
		pm_wr_puts(w, d->message);
		pm_wr_puts(w, " [");
		pm_wr_puts(w, d->rule);
		pm_wr_puts(w, "]\n");
		if (d->file && !(flags & PM_WRITE_NO_SOURCE))
			write_source(m, w, r, color, &cur);
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
	pm_wr w;
	pm_wr_init(&w, out);
	write_diags(m, &w, flags);
	pm_wr_flush(&w);
	m->oom = NULL;
	return ferror(out) ? PM_ERR_IO : PM_OK;
}

/* The text report: the diagnostics, then the summary line. */
void pm_emit_text(pm_model *m, FILE *out, unsigned flags)
{
	pm_report_counts c;
	pm_wr w;
	pm_wr_init(&w, out);
	write_diags(m, &w, flags);
	pm_wr_flush(&w);
	pm_report_count(m, &c);
	pm_report_summary(out, &c);
}
