/* md.h — procmap md (docs/markdown.md): the pmap code blocks of a Markdown
 * document, found with libcmark, each drawn as one SVG and replaced by an
 * image link, every other byte of the document kept as it was (internal:
 * the CLI and the tests link it; the library does not depend on libcmark).
 *
 * Ownership: a pm_md_doc borrows the text it was parsed from and owns its
 * blocks; every other `char *` returned here is the caller's to free(). */
#ifndef PM_MD_H
#define PM_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procmap.h"

/* What a run writes in place of a block with --keep-source, around the
 * block itself; a later run knows the group by it and replaces it whole. */
#define PM_MD_DETAILS "<details><summary>Diagram source</summary>"
#define PM_MD_DETAILS_END "</details>"

/* One fenced code block whose info string starts with the word `pmap`. */
typedef struct pm_md_block {
	uint32_t fence_line;    /* the opening fence's line, 1-based */
	uint32_t line;          /* the first line replaced: fence_line, or the
	                           image line of a kept group */
	uint32_t end_line;      /* its closing fence's line (its last line when
	                           unclosed) */
	size_t start, end;      /* bytes [start, end) of the document replaced:
	                           from the first byte after the first line's
	                           container prefix ("> ", "- ", indentation) to
	                           the end of the last line, its break excluded */
	size_t src_start, src_end;   /* the same for the code block alone (they
	                           differ when an earlier run kept the source) */
	size_t prefix_len;      /* bytes of the first line's prefix, before start */
	char fence;             /* '`' or '~' */
	uint32_t fence_len;     /* of the opening fence */
	bool closed;            /* the fence has its closing line */
	bool kept;              /* an earlier --keep-source group: its image,
	                           <details> and </details> are in [start, end) */
	char *info;             /* the info string, as libcmark gives it */
	char *literal;          /* the block's text, lines ended by '\n' */
	size_t len;
	uint32_t nlines;        /* lines of the literal */
	uint32_t *shift;        /* per line of the literal: the columns before it
	                           in its line of the document (the prefix) */
} pm_md_block;

typedef struct pm_md_doc {
	const char *name;       /* the Markdown file, for diagnostics */
	const char *text;       /* borrowed */
	size_t len;
	size_t *lines;          /* byte offset of the start of each line */
	uint32_t nlines;
	pm_md_block *blocks;    /* in document order, disjoint */
	size_t nblocks;
} pm_md_doc;

/* Parses `text` with libcmark and finds its pmap blocks.  Returns 0, or
 * ENOMEM (the doc is then empty and needs no release). */
int pm_md_doc_parse(pm_md_doc *d, const char *name, const char *text, size_t len);
void pm_md_doc_release(pm_md_doc *d);

/* How a block's model is analysed and its problems shown: the CLI's
 * configuration handling, and its printer. */
typedef struct pm_md_ctx {
	const char *path;        /* the Markdown file ("-": standard input, then
	                            file= is relative to the current folder) */
	pm_input_format input;   /* of file= models */
	/* Analyses a loaded, resolved model with the configuration found from
	 * `first` (the path of its first file).  Returns the model, or NULL
	 * after saying why (and freeing it). */
	pm_model *(*analyse)(pm_model *m, const char *first, void *arg);
	/* Shows every diagnostic of `m`: a block's errors, at their place in
	 * the Markdown file (or in its file= model). */
	void (*report)(pm_model *m, void *arg);
	void *arg;
} pm_md_ctx;

/* A block drawn. */
typedef struct pm_md_drawing {
	char *svg;               /* the diagram */
	size_t len;
	char name[32];           /* "pmap-HASH.svg": FNV-1a of the options and
	                            the model's text (pm_fingerprint) */
	char *alt;               /* "Process map: Orders › Fulfil (process)",
	                            escaped for Markdown */
} pm_md_drawing;

/*
 * Draws block `i` of the document: its options, its model (inline, or the
 * file= one), the analysis, then the one diagram as SVG.  Returns PM_OK
 * with *out filled (release with pm_md_drawing_release()), or PM_ERR_INPUT
 * when the block is wrong (a syntax error, an unknown option or id: shown
 * through ctx->report at its line in the Markdown file), PM_ERR_IO when its
 * model file cannot be read, the configuration is invalid or drawing
 * failed, PM_ERR_NOMEM.
 */
pm_status pm_md_draw(const pm_md_ctx *ctx, const pm_md_doc *d, size_t i,
                     pm_md_drawing *out);
void pm_md_drawing_release(pm_md_drawing *dr);

/* The text that replaces a block: the image link `![alt](url)` and, with
 * `keep`, the block itself in a collapsed <details> under it; blank lines
 * around where the lines beside it would otherwise run into the image.
 * Lines after the first start with the block's container prefix.  NULL
 * when out of memory. */
char *pm_md_replacement(const pm_md_doc *d, const pm_md_block *b, const char *alt,
                        const char *url, bool keep, size_t *len);

/* The document with block i's bytes replaced by repl[i] (rlen[i] bytes);
 * malloc'd, NULL when out of memory. */
char *pm_md_splice(const pm_md_doc *d, char *const *repl, const size_t *rlen,
                   size_t *outlen);

/* The link from a Markdown file in folder `from` to `name` in folder `to`
 * (both relative to the current folder or absolute): "assets/NAME",
 * "../img/NAME", percent-encoded where a character is not safe in a link.
 * NULL when out of memory or when the current folder is unknown. */
char *pm_md_link(const char *from, const char *to, const char *name);

/* `s` for the text of a Markdown image: '\', '[', ']', '*', '_' and '`'
 * backslash-escaped, '&', '<' and '>' as entities, control characters as
 * spaces.  malloc'd. */
char *pm_md_escape(const char *s);

#endif
