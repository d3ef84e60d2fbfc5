/* lsp.h — `procmap lsp`, the language server (internal to the CLI).
 *
 * lsp.c holds the JSON-RPC transport (Content-Length frames over stdio),
 * the lifecycle, document sync and diagnostics; features.c answers the
 * requests about one document (hover, definition, references, rename,
 * symbols, completion, formatting).  JSON goes through jansson.
 *
 * Positions: the model counts lines from 1 and columns in code points; LSP
 * counts both from 0 and columns in UTF-16 code units.  Documents keep the
 * byte offset of each line start, and every conversion goes through a byte
 * offset into the document's text. */
#ifndef PM_LSP_H
#define PM_LSP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procmap.h"

/* JSON-RPC and LSP error codes. */
enum {
	LSP_PARSE_ERROR = -32700,
	LSP_INVALID_REQUEST = -32600,
	LSP_METHOD_NOT_FOUND = -32601,
	LSP_INVALID_PARAMS = -32602,
	LSP_INTERNAL_ERROR = -32603,
	LSP_NOT_INITIALIZED = -32002,
	LSP_REQUEST_FAILED = -32803
};

typedef struct lsp_index lsp_index;
struct server;

/* An open document: the client's text, which overrides the file on disk. */
typedef struct lsp_doc {
	char *uri;              /* as the client sent it */
	char *path;             /* the file path of a file: URI, else the URI */
	bool is_file;           /* a file: URI (the configuration is searched) */
	pm_input_format format;
	char *text;             /* NUL-terminated */
	size_t len, cap;
	uint32_t *lines;        /* byte offset of each line start */
	uint32_t nlines, lcap;
	bool dirty;             /* changed since the last analysis */
	bool published;         /* diagnostics sent for the current text */
	pm_model *model;        /* the analysed text, NULL before the first analysis */
	uint32_t file_ix;       /* its file in the model (0 but in a model: of files) */
	uint32_t nfiles;        /* files of its model: 1, or those of model: */
	struct server *srv;     /* the other open documents */
	struct lsp_index *ix;   /* features.c: what is where; NULL until asked */
} lsp_doc;

/* Where a request's error goes: code 0 means "no error". */
typedef struct lsp_err {
	int code;
	char msg[256];
} lsp_err;

/* --- lsp.c: the server ------------------------------------------------------- */

/* Serves one client: reads frames from in_fd until `exit` or the end of
 * the input, writes answers to out_fd.  Returns the exit status: 0 after
 * shutdown, 1 without.  (cmd_lsp runs it on stdio; fuzz/fuzz_lsp.c on a
 * file.) */
int lsp_serve(int in_fd, int out_fd);

/* --- lsp.c: positions ---------------------------------------------------- */

/* The byte offset of an LSP position (0-based line, UTF-16 column), clamped
 * to the line's end and to the document's end. */
size_t lsp_offset(const lsp_doc *d, uint32_t line, uint32_t u16);
/* The LSP position of a byte offset. */
void lsp_position(const lsp_doc *d, size_t off, uint32_t *line, uint32_t *u16);
/* The byte offset of a model location (1-based line, code-point column). */
size_t lsp_loc_offset(const lsp_doc *d, uint32_t line, uint32_t col);
/* {"start":…, "end":…} of bytes [a, b). */
json_t *lsp_range(const lsp_doc *d, size_t a, size_t b);
/* Reads {"line":…, "character":…}; false when it is not one. */
bool lsp_get_position(const lsp_doc *d, json_t *pos, size_t *off);

/* The document's analysed model, analysing it first when it changed;
 * NULL when out of memory. */
pm_model *lsp_doc_model(lsp_doc *d);

/* --- features.c -------------------------------------------------------------- */

/* Frees a document's index (after the text changed). */
void lsp_index_free(struct lsp_index *ix);

/* The location (uri + range of its id) of the element whose qualified id
 * is `qid`, or NULL. */
json_t *lsp_locate(lsp_doc *d, const char *qid);

/* Each request: the result (a new reference, json_null() allowed), or NULL
 * with *err set. */
typedef json_t *lsp_feature(lsp_doc *d, json_t *params, lsp_err *err);
lsp_feature lsp_hover, lsp_definition, lsp_references, lsp_prepare_rename,
            lsp_rename, lsp_symbols, lsp_completion, lsp_formatting, lsp_code_action,
            lsp_folding;

#endif
