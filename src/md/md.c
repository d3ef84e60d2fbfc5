/* md.c — the pmap blocks of a Markdown document: found with libcmark,
 * drawn one SVG each, spliced back by byte ranges (md.h).
 *
 * libcmark gives each code block its first line and its text; the fence
 * and the container prefix come from the source line itself, and the last
 * line is counted from the text (libcmark 0.30 places the end of a fence
 * left open inside a list item on the line after it). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark.h>

#include "fileio.h"
#include "md.h"
#include "model.h"
#include "render.h"
#include "report.h"
#include "suggest.h"

/* --- lines ------------------------------------------------------------------ */

/* Line breaks as libcmark (and the .pmap lexer) see them: \n, \r\n, \r. */
static int index_lines(pm_md_doc *d)
{
	size_t n = 1;
	for (size_t i = 0; i < d->len; i++)
		n += d->text[i] == '\n' || (d->text[i] == '\r' && (i + 1 >= d->len || d->text[i + 1] != '\n'));
	if (n >= UINT32_MAX || !(d->lines = malloc(n * sizeof *d->lines)))
		return ENOMEM;
	size_t k = 0;
	d->lines[k++] = 0;
	for (size_t i = 0; i < d->len; i++)
		if (d->text[i] == '\n' || (d->text[i] == '\r' && (i + 1 >= d->len || d->text[i + 1] != '\n')))
			d->lines[k++] = i + 1;
	d->nlines = (uint32_t)n;
	return 0;
}

static size_t line_start(const pm_md_doc *d, uint32_t line)
{
	return d->lines[line - 1];
}

/* The end of a line, its break excluded. */
static size_t line_end(const pm_md_doc *d, uint32_t line)
{
	if (line >= d->nlines)
		return d->len;
	size_t e = d->lines[line] - 1;
	return e > line_start(d, line) && d->text[e] == '\n' && d->text[e - 1] == '\r' ? e - 1 : e;
}

/* The break that ends a line: the one new lines get ("\n" at the end). */
static const char *line_break(const pm_md_doc *d, uint32_t line)
{
	size_t e = line_end(d, line);
	if (e >= d->len)
		return "\n";
	return d->text[e] == '\r' ? (e + 1 < d->len && d->text[e + 1] == '\n' ? "\r\n" : "\r") : "\n";
}

/* Nothing on the line but container marks and white space. */
static bool blank_line(const pm_md_doc *d, uint32_t line)
{
	for (size_t i = line_start(d, line), e = line_end(d, line); i < e; i++)
		if (!strchr(" \t>", d->text[i]))
			return false;
	return true;
}

static uint32_t columns(const char *s, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* --- finding the blocks ----------------------------------------------------- */

static bool is_pmap(const char *info)
{
	return info && strncmp(info, "pmap", 4) == 0 && (!info[4] || info[4] == ' ' || info[4] == '\t');
}

/* A closing fence of at least `n` characters `c`, after the container marks. */
static bool closing_fence(const pm_md_doc *d, uint32_t line, char c, size_t n)
{
	size_t i = line_start(d, line), e = line_end(d, line), run = 0;
	while (i < e && strchr(" \t>", d->text[i]))
		i++;
	while (i < e && d->text[i] == c)
		i++, run++;
	while (i < e && (d->text[i] == ' ' || d->text[i] == '\t'))
		i++;
	return run >= n && i == e;
}

/* Columns of the prefix of each literal line: the document line ends with
 * the literal line, unless libcmark changed it (a tab split, a NUL). */
static void shift_lines(const pm_md_doc *d, pm_md_block *b)
{
	const char *l = b->literal;
	for (uint32_t k = 0; k < b->nlines; k++) {
		size_t n = strcspn(l, "\n");
		uint32_t line = b->fence_line + 1 + k;
		size_t s = line_start(d, line), e = line_end(d, line);
		b->shift[k] = e - s >= n && memcmp(d->text + e - n, l, n) == 0 ? columns(d->text + s, e - s - n) : 0;
		l += n + (l[n] == '\n');
	}
}

/* The block's lines and bytes from its first line and its text. */
static int place_block(const pm_md_doc *d, pm_md_block *b)
{
	size_t s = line_start(d, b->fence_line), e = line_end(d, b->fence_line), f = s;
	while (f < e && d->text[f] != '`' && d->text[f] != '~')   /* the prefix holds neither */
		f++;
	if (f >= e)
		return 0;
	size_t run = 0;
	while (f + run < e && d->text[f + run] == d->text[f])
		run++;
	for (const char *p = b->literal; *p; p++)
		b->nlines += *p == '\n';
	uint32_t last = b->fence_line + b->nlines;
	if (last > d->nlines)
		last = d->nlines;
	b->fence = d->text[f];
	b->fence_len = (uint32_t)run;
	if (last < d->nlines && closing_fence(d, last + 1, d->text[f], run)) {
		last++;
		b->closed = true;
	}
	b->end_line = last;
	b->start = b->src_start = f;
	b->end = b->src_end = line_end(d, last);
	b->prefix_len = f - s;
	if (!(b->shift = calloc(b->nlines + 1, sizeof *b->shift)))
		return ENOMEM;
	if (b->fence_line + b->nlines <= d->nlines)
		shift_lines(d, b);
	return 0;
}

static bool literal_starts(cmark_node *n, cmark_node_type type, const char *s)
{
	const char *lit = n && cmark_node_get_type(n) == type ? cmark_node_get_literal(n) : NULL;
	if (lit)   /* indented less than a code block, more than its container */
		lit += strspn(lit, " \t");
	return lit && strncmp(lit, s, strlen(s)) == 0;
}

/* "pmap-" 16 hex digits ".svg" at the end of an image's address. */
static bool our_image(cmark_node *para)
{
	cmark_node *img = para ? cmark_node_first_child(para) : NULL;
	if (!img || cmark_node_get_type(img) != CMARK_NODE_IMAGE || cmark_node_next(img))
		return false;
	const char *url = cmark_node_get_url(img);
	size_t n = url ? strlen(url) : 0;
	if (n < 25 || strcmp(url + n - 4, ".svg") || strncmp(url + n - 25, "pmap-", 5))
		return false;
	return strspn(url + n - 20, "0123456789abcdef") == 16 && (n == 25 || url[n - 26] == '/');
}

/* A group an earlier run wrote with --keep-source: the image, the
 * <details> line, this block and </details>; [start, end) takes it all. */
static void find_kept(const pm_md_doc *d, pm_md_block *b, cmark_node *code)
{
	cmark_node *details = cmark_node_previous(code), *end = cmark_node_next(code);
	cmark_node *para = details ? cmark_node_previous(details) : NULL;
	if (!literal_starts(details, CMARK_NODE_HTML_BLOCK, PM_MD_DETAILS) ||
	    !literal_starts(end, CMARK_NODE_HTML_BLOCK, PM_MD_DETAILS_END) ||
	    !para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH || !our_image(para))
		return;
	uint32_t first = (uint32_t)cmark_node_get_start_line(para);
	uint32_t last = (uint32_t)cmark_node_get_start_line(end);
	if (first < 1 || first >= b->line || last <= b->end_line || last > d->nlines)
		return;
	size_t bang = line_start(d, first), e = line_end(d, first);
	while (bang + 1 < e && !(d->text[bang] == '!' && d->text[bang + 1] == '['))
		bang++;
	if (bang + 1 >= e)
		return;
	b->kept = true;
	b->start = bang;
	b->prefix_len = b->start - line_start(d, first);
	b->line = first;
	b->end = line_end(d, last);
	b->end_line = last;
}

static int add_block(pm_md_doc *d, cmark_node *n, size_t *cap)
{
	if (d->nblocks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		pm_md_block *v = realloc(d->blocks, ncap * sizeof *v);
		if (!v)
			return ENOMEM;
		d->blocks = v;
		*cap = ncap;
	}
	pm_md_block *b = &d->blocks[d->nblocks];
	uint32_t line = (uint32_t)cmark_node_get_start_line(n);
	*b = (pm_md_block){ .fence_line = line, .line = line };
	const char *lit = cmark_node_get_literal(n);
	b->info = strdup(cmark_node_get_fence_info(n));
	b->literal = strdup(lit ? lit : "");
	if (!b->info || !b->literal) {
		free(b->info);
		free(b->literal);
		return ENOMEM;
	}
	b->len = strlen(b->literal);
	d->nblocks++;
	if (b->line < 1 || b->line > d->nlines)
		return 0;
	int e = place_block(d, b);
	if (!e && b->end)
		find_kept(d, b, n);
	return e;
}

static int walk_tree(pm_md_doc *d, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	if (!it)
		return ENOMEM;
	size_t cap = 0;
	int e = 0;
	cmark_event_type ev;
	while (!e && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK &&
		    is_pmap(cmark_node_get_fence_info(n)))
			e = add_block(d, n, &cap);
	}
	cmark_iter_free(it);
	return e;
}

/* Drops what could not be placed (no fence found on its line). */
static void keep_placed(pm_md_doc *d)
{
	size_t k = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		pm_md_block *b = &d->blocks[i];
		if (b->end > b->start && (k == 0 || b->start >= d->blocks[k - 1].end)) {
			d->blocks[k++] = *b;
			continue;
		}
		free(b->info);
		free(b->literal);
		free(b->shift);
	}
	d->nblocks = k;
}

int pm_md_doc_parse(pm_md_doc *d, const char *name, const char *text, size_t len)
{
	*d = (pm_md_doc){ .name = name, .text = text, .len = len };
	if (index_lines(d))
		return ENOMEM;
	cmark_node *root = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
	int e = root ? walk_tree(d, root) : ENOMEM;
	cmark_node_free(root);
	keep_placed(d);
	if (e)
		pm_md_doc_release(d);
	return e;
}

void pm_md_doc_release(pm_md_doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++) {
		free(d->blocks[i].info);
		free(d->blocks[i].literal);
		free(d->blocks[i].shift);
	}
	free(d->blocks);
	free(d->lines);
	*d = (pm_md_doc){ 0 };
}

/* --- errors at their place in the Markdown file ----------------------------- */

/* Shows one error at line:col of the document, through a model of its own
 * that holds the document's text for the caret; returns PM_ERR_INPUT. */
static pm_status md_error(const pm_md_ctx *ctx, const pm_md_doc *d, uint32_t line,
                          uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static pm_status md_error(const pm_md_ctx *ctx, const pm_md_doc *d, uint32_t line,
                          uint32_t col, const char *fmt, ...)
{
	pm_model *em = pm_model_new();
	char *copy = em ? pm_malloc(d->len + 1) : NULL;
	if (!copy) {
		pm_model_free(em);
		return PM_ERR_NOMEM;
	}
	memcpy(copy, d->text, d->len);
	copy[d->len] = '\0';
	jmp_buf jb;
	if (setjmp(jb)) {
		pm_model_free(em);
		return PM_ERR_NOMEM;
	}
	em->oom = &jb;
	uint32_t f = pm_model_add_file(em, d->name, copy, d->len, PM_INPUT_PMAP);
	va_list ap;
	va_start(ap, fmt);
	pm_diag_addv(em, PM_SEV_ERROR, "pmap-block", (pm_loc){ f, line, col }, fmt, ap);
	va_end(ap);
	em->oom = NULL;
	ctx->report(em, ctx->arg);
	pm_model_free(em);
	return PM_ERR_INPUT;
}

/* The diagnostics of an inline block, moved from its text to the Markdown
 * file: the line of the fence plus the line in the block, the column plus
 * the prefix; the file's text becomes the document's, for the caret. */
static bool relocate(pm_model *m, const pm_md_doc *d, const pm_md_block *b)
{
	char *copy = pm_malloc(d->len + 1);
	if (!copy)
		return false;
	memcpy(copy, d->text, d->len);
	copy[d->len] = '\0';
	pm_file *f = &m->files.v[0];
	pm_xfree(f->data);
	pm_xfree(f->lines);
	*f = (pm_file){ .name = f->name, .data = copy, .len = d->len, .format = f->format };
	for (uint32_t i = 0; i < m->diags.n; i++) {
		pm_diag_rec *r = &m->diags.v[i];
		if (r->file != 0 || r->d.line == 0)
			continue;
		if (r->d.line <= b->nlines)
			r->d.column += b->shift[r->d.line - 1];
		r->d.line += b->fence_line;
	}
	return true;
}

/* --- a block's options: pmap level=process id=orders.fulfil file=... ------- */

static const char *const keys[] = { "level", "id", "file", "direction", "theme" };
enum { K_LEVEL, K_ID, K_FILE, K_DIRECTION, K_THEME, K_COUNT };

typedef struct spec {
	char *words;             /* the info string, cut into its words */
	const char *val[K_COUNT];   /* each option's value, NULL when not given */
	uint32_t col[K_COUNT];   /* where its key is on the fence line */
	unsigned level;          /* PM_LEVEL_*, 0: chosen from the model */
	unsigned direction, theme;
} spec;

/* The column of the info string's byte `off` on the fence line: exact when
 * the line holds the info string as libcmark gives it (no escapes). */
static uint32_t info_column(const pm_md_doc *d, const pm_md_block *b, size_t off)
{
	size_t s = line_start(d, b->fence_line), e = line_end(d, b->fence_line);
	size_t i = b->src_start;
	while (i < e && d->text[i] == d->text[b->src_start])
		i++;
	while (i < e && (d->text[i] == ' ' || d->text[i] == '\t'))
		i++;
	uint32_t col = columns(d->text + s, i - s) + 1;
	if (e - i >= off && memcmp(d->text + i, b->info, off) == 0)
		col += columns(b->info, off);
	return col;
}

static int pick(const char *v, const char *list)
{
	int k = 0;
	for (const char *w = list; *w; w += strlen(w) + 1, k++)
		if (!strcmp(v, w))
			return k;
	return -1;
}

/* A value from a short list; its index, or -1 after the error. */
static int value_of(const pm_md_ctx *ctx, const pm_md_doc *d, const pm_md_block *b,
                    const spec *sp, int key, const char *list, const char *choices)
{
	int k = pick(sp->val[key], list);
	if (k < 0) {
		const char *hint = pm_suggest_list(sp->val[key], list);
		md_error(ctx, d, b->fence_line, sp->col[key], "invalid %s '%s' (%s)%s%s%s", keys[key],
		         sp->val[key], choices, hint ? "; did you mean '" : "", hint ? hint : "",
		         hint ? "'?" : "");
	}
	return k;
}

static pm_status check_values(const pm_md_ctx *ctx, const pm_md_doc *d,
                              const pm_md_block *b, spec *sp)
{
	static const unsigned levels[] = { PM_LEVEL_FOREST, PM_LEVEL_SYSTEM, PM_LEVEL_PROCESS };
	int k;
	if (sp->val[K_LEVEL]) {
		if ((k = value_of(ctx, d, b, sp, K_LEVEL, "forest\0system\0process\0",
		                  "forest, system or process")) < 0)
			return PM_ERR_INPUT;
		sp->level = levels[k];
	}
	if (sp->val[K_DIRECTION]) {
		if ((k = value_of(ctx, d, b, sp, K_DIRECTION, "TB\0LR\0", "TB or LR")) < 0)
			return PM_ERR_INPUT;
		sp->direction = k ? PM_DIRECTION_LR : PM_DIRECTION_TB;
	}
	if (sp->val[K_THEME]) {
		if ((k = value_of(ctx, d, b, sp, K_THEME, "auto\0light\0dark\0",
		                  "auto, light or dark")) < 0)
			return PM_ERR_INPUT;
		sp->theme = (unsigned)k;
	}
	return PM_OK;
}

/* One word KEY=VALUE at *p (VALUE may be "quoted"); cuts it out of the
 * string and moves *p past it. */
static pm_status take_word(const pm_md_ctx *ctx, const pm_md_doc *d, const pm_md_block *b,
                           spec *sp, char **p)
{
	char *w = *p;
	size_t off = (size_t)(w - sp->words);
	uint32_t col = info_column(d, b, off);
	size_t klen = strcspn(w, "= \t");
	if (w[klen] != '=')
		return md_error(ctx, d, b->fence_line, col, "option '%.*s' of a pmap block has no "
		                "value (write KEY=VALUE)", (int)klen, w);
	char *v = w + klen + 1, *end;
	if (*v == '"') {
		if (!(end = strchr(++v, '"')))
			return md_error(ctx, d, b->fence_line, col, "the value of '%.*s' has no "
			                "closing quote", (int)klen, w);
	} else {
		end = v + strcspn(v, " \t");
	}
	*p = end + (*end != '\0');
	*end = '\0';
	int k = 0;
	while (k < K_COUNT && !(strlen(keys[k]) == klen && !strncmp(keys[k], w, klen)))
		k++;
	if (k == K_COUNT) {
		const char *hint = pm_suggest_word(w, klen, keys, K_COUNT, PM_SUGGEST_ANY);
		return md_error(ctx, d, b->fence_line, col, "unknown option '%.*s' in a pmap "
		                "block%s%s%s", (int)klen, w, hint ? "; did you mean '" : "",
		                hint ? hint : "", hint ? "'?" : "");
	}
	if (sp->val[k])
		return md_error(ctx, d, b->fence_line, col, "option '%s' is given twice", keys[k]);
	sp->val[k] = v;
	sp->col[k] = col;
	return PM_OK;
}

static pm_status parse_spec(const pm_md_ctx *ctx, const pm_md_doc *d, const pm_md_block *b,
                            spec *sp)
{
	if (!(sp->words = strdup(b->info)))
		return PM_ERR_NOMEM;
	char *p = sp->words + 4;   /* past "pmap" */
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		pm_status st = take_word(ctx, d, b, sp, &p);
		if (st != PM_OK)
			return st;
	}
	if (sp->val[K_FILE] && b->len && strspn(b->literal, " \t\n") < b->len)
		return md_error(ctx, d, b->fence_line, sp->col[K_FILE], "a pmap block with "
		                "'file=' draws that file: it has no text of its own");
	return check_values(ctx, d, b, sp);
}

/* --- the block's model ----------------------------------------------------- */

typedef struct job {
	const pm_md_ctx *ctx;
	const pm_md_doc *d;
	const pm_md_block *b;
	spec sp;
	char *path;              /* file=: relative to the Markdown file's folder */
	char *text;              /* file=: its text */
	size_t len;
	const char *only;        /* the diagram (pm_render_options.only), arena */
	char *alt;
} job;

/* The Markdown file's folder joined to a relative file= path. */
static char *model_path(const char *md, const char *file)
{
	const char *slash = strcmp(md, "-") ? strrchr(md, '/') : NULL;
	size_t dl = file[0] == '/' || !slash ? 0 : (size_t)(slash - md) + 1;
	char *p = malloc(dl + strlen(file) + 1);
	if (p) {
		memcpy(p, md, dl);
		strcpy(p + dl, file);
	}
	return p;
}

static pm_status load(job *j, pm_model *m)
{
	const pm_md_block *b = j->b;
	const char *file = j->sp.val[K_FILE];
	if (!file)
		return pm_model_load_buffer(m, j->d->name, b->literal, b->len, PM_INPUT_PMAP);
	if (!(j->path = model_path(j->ctx->path, file)))
		return PM_ERR_NOMEM;
	if (!(j->text = pm_read_all(j->path, &j->len))) {
		int e = errno;
		if (e == ENOMEM)
			return PM_ERR_NOMEM;
		md_error(j->ctx, j->d, b->fence_line, j->sp.col[K_FILE], "cannot read '%s' "
		         "(file=): %s", j->path, strerror(e));
		return PM_ERR_IO;
	}
	return pm_model_load_buffer(m, j->path, j->text, j->len, j->ctx->input);
}

/* --- which diagram --------------------------------------------------------- */

static const char *label(pm_model *m, pm_kind kind, pm_ix i)
{
	pm_str s = pm_elem_label(m, kind, i);
	return pm_str_get(m, s ? s : pm_elem_id(m, kind, i));
}

/* Element `id` of a kind (system, or process by qualified id), PM_NONE. */
static pm_ix find_id(pm_model *m, pm_kind kind, const char *id, pm_suggester *sg)
{
	size_t n = kind == PM_KIND_SYSTEM ? m->systems.n : m->processes.n;
	for (pm_ix i = 0; i < n; i++) {
		const char *q = pm_qualified_id(m, kind, i);
		if (!strcmp(q, id))
			return i;
		pm_suggest_offer(sg, q, strlen(q));
	}
	return PM_NONE;
}

/* The level when none is given: the one process of a model that has one,
 * else the one system of a model whose processes are all in it, else the
 * forest. */
static unsigned default_level(pm_model *m, pm_ix *ix)
{
	*ix = 0;
	if (m->processes.n == 1)
		return PM_LEVEL_PROCESS;
	if (m->systems.n == 1 && m->systems.v[0].proc_count == m->processes.n)
		return PM_LEVEL_SYSTEM;
	*ix = PM_NONE;
	return PM_LEVEL_FOREST;
}

/* The level and element named by level= and id=; PM_LEVEL_* or 0 after
 * the error. */
static unsigned pick_element(job *j, pm_model *m, pm_ix *ix)
{
	const char *id = j->sp.val[K_ID];
	unsigned level = j->sp.level;
	uint32_t line = j->b->fence_line;
	if (!id && !level)
		return default_level(m, ix);
	if (level == PM_LEVEL_FOREST) {
		*ix = PM_NONE;
		if (!id)
			return level;
		md_error(j->ctx, j->d, line, j->sp.col[K_ID], "the forest is the whole model: "
		         "'id=' goes with level=system or level=process");
		return 0;
	}
	if (!id) {
		bool sys = level == PM_LEVEL_SYSTEM;
		size_t n = sys ? m->systems.n : m->processes.n;
		*ix = 0;
		if (n == 1)
			return level;
		md_error(j->ctx, j->d, line, j->sp.col[K_LEVEL], "level=%s draws one %s: name it "
		         "with 'id=' (the model has %zu)", sys ? "system" : "process",
		         sys ? "system" : "process", n);
		return 0;
	}
	pm_suggester sg;
	pm_suggest_start(&sg, id, strlen(id));
	if (level != PM_LEVEL_PROCESS && (*ix = find_id(m, PM_KIND_SYSTEM, id, &sg)) != PM_NONE)
		return PM_LEVEL_SYSTEM;
	if (level != PM_LEVEL_SYSTEM && (*ix = find_id(m, PM_KIND_PROCESS, id, &sg)) != PM_NONE)
		return PM_LEVEL_PROCESS;
	const char *hint = pm_suggest_result(&sg);
	md_error(j->ctx, j->d, line, j->sp.col[K_ID], "the model has no %s '%s'%s%s%s",
	         level == PM_LEVEL_SYSTEM ? "system" : level ? "process" : "system or process",
	         id, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
	return 0;
}

/* "Process map: Orders › Fulfil (process)" */
static const char *alt_text(pm_model *m, unsigned level, pm_ix ix)
{
	if (level == PM_LEVEL_SYSTEM)
		return pm_arena_printf(m, "Process map: %s (system)", label(m, PM_KIND_SYSTEM, ix));
	if (level == PM_LEVEL_PROCESS) {
		pm_ix sys = m->processes.v[ix].system;
		return pm_arena_printf(m, "Process map: %s%s%s (process)",
		                       sys == PM_NONE ? "" : label(m, PM_KIND_SYSTEM, sys),
		                       sys == PM_NONE ? "" : " › ", label(m, PM_KIND_PROCESS, ix));
	}
	const char *title = pm_model_title(m);
	if (!title && m->systems.n)
		title = label(m, PM_KIND_SYSTEM, 0);
	return title ? pm_arena_printf(m, "Process map: %s (forest)", title)
	             : "Process map (forest)";
}

/* Sets j->only and j->alt; PM_ERR_INPUT after an error.  Runs with m->oom
 * set: every string here is in the arena. */
static pm_status choose(job *j, pm_model *m)
{
	pm_ix ix;
	unsigned level = pick_element(j, m, &ix);
	if (!level)
		return PM_ERR_INPUT;
	j->only = level == PM_LEVEL_FOREST ? "forest"
	        : pm_render_name(m, level == PM_LEVEL_SYSTEM ? PM_KIND_SYSTEM : PM_KIND_PROCESS, ix);
	if (!j->only)
		return md_error(j->ctx, j->d, j->b->fence_line, 1, "'%s' has an id that cannot be "
		                "a file name: it is not drawn", pm_qualified_id(m, level ==
		                PM_LEVEL_SYSTEM ? PM_KIND_SYSTEM : PM_KIND_PROCESS, ix));
	j->alt = pm_md_escape(alt_text(m, level, ix));
	return j->alt ? PM_OK : PM_ERR_NOMEM;
}

static pm_status choose_safely(job *j, pm_model *m)
{
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_status st = choose(j, m);
	m->oom = NULL;
	return st;
}

/* --- drawing ----------------------------------------------------------------- */

/* The message of the last problem pm_model_render() left. */
static const char *render_problem(pm_model *m)
{
	for (size_t i = pm_model_diag_count(m); i-- > 0;) {
		const pm_diag *dg = pm_model_diag(m, i);
		if (!strcmp(dg->rule, "render") || !strcmp(dg->rule, "io"))
			return dg->message;
	}
	return "graphviz failed";
}

static pm_status render_svg(job *j, pm_model *m, pm_md_drawing *out)
{
	FILE *f = open_memstream(&out->svg, &out->len);
	if (!f)
		return PM_ERR_NOMEM;
	pm_render_options o = {
		.out = f, .formats = PM_IMAGE_SVG, .levels = PM_LEVEL_ALL, .jobs = 1,
		.only = j->only, .theme = j->sp.theme, .direction = j->sp.direction,
	};
	pm_status st = pm_model_render(m, &o);
	if (fclose(f) != 0 && st == PM_OK)
		st = PM_ERR_NOMEM;
	if (st == PM_OK || st == PM_ERR_NOMEM)
		return st;
	md_error(j->ctx, j->d, j->b->fence_line, 1, "cannot draw this block: %s",
	         render_problem(m));
	return PM_ERR_IO;
}

/* pmap-HASH.svg: the options as given and the model's text. */
static void asset_name(const job *j, pm_md_drawing *out)
{
	char canon[64], hex[17];
	snprintf(canon, sizeof canon, "level=%u direction=%u theme=%u", j->sp.level,
	         j->sp.direction, j->sp.theme);
	const char *related[] = { j->sp.val[K_ID] ? j->sp.val[K_ID] : "",
	                          j->sp.val[K_FILE] ? j->sp.val[K_FILE] : "",
	                          j->text ? j->text : "" };
	pm_fingerprint(hex, "procmap md", NULL, canon, 0, 0, j->b->literal, related, 3);
	snprintf(out->name, sizeof out->name, "pmap-%s.svg", hex);
}

static pm_status draw(job *j, pm_model **mp, pm_md_drawing *out)
{
	pm_model *m = *mp;
	pm_status st = parse_spec(j->ctx, j->d, j->b, &j->sp);
	if (st == PM_OK && (st = load(j, m)) == PM_ERR_INPUT)
		st = PM_OK;   /* its syntax errors: shown after resolving */
	if (st == PM_OK && (st = pm_model_resolve(m)) == PM_ERR_INPUT) {
		if (!j->sp.val[K_FILE] && !relocate(m, j->d, j->b))
			return PM_ERR_NOMEM;
		j->ctx->report(m, j->ctx->arg);
	}
	if (st != PM_OK)
		return st;
	*mp = m = j->ctx->analyse(m, j->path ? j->path : j->ctx->path, j->ctx->arg);
	if (!m)
		return PM_ERR_IO;
	if ((st = choose_safely(j, m)) != PM_OK)
		return st;
	if ((st = render_svg(j, m, out)) != PM_OK)
		return st;
	asset_name(j, out);
	out->alt = j->alt;
	j->alt = NULL;
	return PM_OK;
}

pm_status pm_md_draw(const pm_md_ctx *ctx, const pm_md_doc *d, size_t i,
                     pm_md_drawing *out)
{
	*out = (pm_md_drawing){ .svg = NULL };
	pm_model *m = pm_model_new();
	if (!m)
		return PM_ERR_NOMEM;
	job j = { .ctx = ctx, .d = d, .b = &d->blocks[i] };
	pm_status st = draw(&j, &m, out);
	pm_model_free(m);
	free(j.sp.words);
	free(j.path);
	free(j.text);
	free(j.alt);
	if (st != PM_OK)
		pm_md_drawing_release(out);
	return st;
}

void pm_md_drawing_release(pm_md_drawing *dr)
{
	free(dr->svg);
	free(dr->alt);
	*dr = (pm_md_drawing){ .svg = NULL };
}

/* --- the text put in the block's place ------------------------------------- */

/* A growing string; `failed` once memory ran out. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
	bool failed;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = (b->n + n + 1) * 2;
		char *p = realloc(b->s, ncap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = ncap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* The string, or NULL (and nothing to free) when memory ran out. */
static char *done(sbuf *b, size_t *len)
{
	if (b->failed || !b->s) {
		free(b->s);
		return b->failed ? NULL : calloc(1, 1);
	}
	if (len)
		*len = b->n;
	return b->s;
}

char *pm_md_escape(const char *s)
{
	sbuf b = { 0 };
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&' || c == '<' || c == '>')
			puts_(&b, c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;");
		else if (c < 0x20 || c == 0x7f)
			put(&b, " ", 1);
		else if (strchr("\\[]*_`", c))
			put(&b, "\\", 1), put(&b, s, 1);
		else
			put(&b, s, 1);
	}
	return done(&b, NULL);
}

/* The prefix of the lines added after the first: the first line's, every
 * mark but '>' (and tabs) turned into a space ("- " → "  ", "> " stays). */
static void put_prefix(sbuf *o, const pm_md_doc *d, const pm_md_block *b, bool blank)
{
	const char *p = d->text + b->start - b->prefix_len;
	size_t n = b->prefix_len;
	while (blank && n > 0 && p[n - 1] != '>')   /* a blank line: up to the last '>' */
		n--;
	for (size_t i = 0; i < n; i++)
		put(o, p[i] == '>' || p[i] == '\t' ? p + i : " ", 1);
}

/* Only container marks before the block: no list marker starts its line. */
static bool quote_or_indent(const pm_md_doc *d, const pm_md_block *b)
{
	for (size_t i = b->start - b->prefix_len; i < b->start; i++)
		if (!strchr(" \t>", d->text[i]))
			return false;
	return true;
}

static void new_line(sbuf *o, const pm_md_doc *d, const pm_md_block *b, const char *eol,
                     bool blank)
{
	puts_(o, eol);
	put_prefix(o, d, b, blank);
}

char *pm_md_replacement(const pm_md_doc *d, const pm_md_block *b, const char *alt,
                        const char *url, bool keep, size_t *len)
{
	sbuf o = { 0 };
	const char *eol = line_break(d, b->end_line);
	bool before = b->line > 1 && !blank_line(d, b->line - 1) && quote_or_indent(d, b);
	bool after = b->end_line < d->nlines && !blank_line(d, b->end_line + 1);
	if (before)   /* the image would join the paragraph above */
		new_line(&o, d, b, eol, false);
	puts_(&o, "![");
	puts_(&o, alt);
	puts_(&o, "](");
	puts_(&o, url);
	puts_(&o, ")");
	if (keep) {
		new_line(&o, d, b, eol, true);
		new_line(&o, d, b, eol, false);
		puts_(&o, PM_MD_DETAILS);
		new_line(&o, d, b, eol, true);
		new_line(&o, d, b, eol, false);
		put(&o, d->text + b->src_start, b->src_end - b->src_start);
		if (!b->closed) {   /* or </details> would be code */
			new_line(&o, d, b, eol, false);
			for (uint32_t k = 0; k < b->fence_len; k++)
				put(&o, &b->fence, 1);
		}
		new_line(&o, d, b, eol, true);
		new_line(&o, d, b, eol, false);
		puts_(&o, PM_MD_DETAILS_END);
	}
	if (after)    /* or the paragraph below would join the image */
		new_line(&o, d, b, eol, true);
	return done(&o, len);
}

char *pm_md_splice(const pm_md_doc *d, char *const *repl, const size_t *rlen,
                   size_t *outlen)
{
	sbuf o = { 0 };
	size_t at = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		const pm_md_block *b = &d->blocks[i];
		put(&o, d->text + at, b->start - at);
		if (repl[i])
			put(&o, repl[i], rlen[i]);
		else
			put(&o, d->text + b->start, b->end - b->start);
		at = b->end;
	}
	put(&o, d->text + at, d->len - at);
	*outlen = 0;
	return done(&o, outlen);
}

/* --- links ------------------------------------------------------------------ */

/* The folder as absolute components: `parts` gets pointers into `buf`. */
static size_t components(char *buf, char **parts, size_t max)
{
	size_t n = 0;
	for (char *t = strtok(buf, "/"); t; t = strtok(NULL, "/")) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			n -= n > 0;
			continue;
		}
		if (n < max)
			parts[n++] = t;
	}
	return n;
}

static char *absolute(const char *dir)
{
	if (dir[0] == '/')
		return strdup(dir);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	size_t n = strlen(cwd) + strlen(dir) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", cwd, dir);
	free(cwd);
	return p;
}

static void put_encoded(sbuf *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char hex[4];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c)) {
			put(o, s, 1);
		} else {
			snprintf(hex, sizeof hex, "%%%02X", c);
			put(o, hex, 3);
		}
	}
}

#define PM_MD_MAX_DEPTH 256

char *pm_md_link(const char *from, const char *to, const char *name)
{
	char *a = absolute(from), *b = absolute(to);
	char **pa = calloc(2 * PM_MD_MAX_DEPTH, sizeof *pa), **pb = pa + PM_MD_MAX_DEPTH;
	char *link = NULL;
	if (a && b && pa) {
		size_t na = components(a, pa, PM_MD_MAX_DEPTH), nb = components(b, pb, PM_MD_MAX_DEPTH);
		size_t k = 0;
		while (k < na && k < nb && !strcmp(pa[k], pb[k]))
			k++;
		sbuf o = { 0 };
		for (size_t i = k; i < na; i++)
			puts_(&o, "../");
		for (size_t i = k; i < nb; i++) {
			put_encoded(&o, pb[i]);
			puts_(&o, "/");
		}
		put_encoded(&o, name);
		link = done(&o, NULL);
	}
	free(a);
	free(b);
	free(pa);
	return link;
}
