/* fmt.h — the .pmap formatter and what the converters share (internal).
 *
 * docs/fmt.md describes the canonical layout.  The formatter works on the
 * token stream with its comments (fmt.c); the converters (emit_pmap.c,
 * emit_yaml.c) write a model out again and carry the comments of its source
 * through a comment table (convert.c) that ties each comment and blank line
 * to the statement it belongs to.
 *
 * Out of memory: everything here allocates through the model (pm_xmalloc &
 * co.), and every temporary lives in a pm_work, so an entry point that
 * catches the longjmp frees it with pm_work_free() and leaks nothing.
 */
#ifndef PM_FMT_H
#define PM_FMT_H

#include <stdio.h>

#include "model.h"

/* A growable byte buffer (not NUL-terminated unless asked). */
typedef struct pm_buf {
	char *v;
	size_t n, cap;
} pm_buf;

void pm_buf_put(pm_model *m, pm_buf *b, const char *s, size_t n);
void pm_buf_puts(pm_model *m, pm_buf *b, const char *s);
void pm_buf_putc(pm_model *m, pm_buf *b, char c);
void pm_buf_spaces(pm_model *m, pm_buf *b, size_t n);
/* Writes a .pmap string literal: quotes, with \" \\ and \n escapes. */
void pm_buf_pmap_string(pm_model *m, pm_buf *b, const char *s, size_t n);

/* Attribute keys.  Each element kind lists its keys in a fixed order
 * (pm_key_rank), which fmt and both converters follow. */
typedef enum pm_attr {
	PM_KEY_TITLE, PM_KEY_OWNER, PM_KEY_DESCRIPTION, PM_KEY_RUNS,
	PM_KEY_TRIGGER, PM_KEY_CAPACITY, PM_KEY_USES, PM_KEY_TAKES,
	PM_KEY_WAITS, PM_KEY_IGNORE, PM_KEY_COUNT
} pm_attr;

extern const char *const pm_key_names[PM_KEY_COUNT];

/* What a comment is tied to: the model (title, end of file), an element, an
 * arrow chain (by the index of its first arrow) or an `ignore:`. */
typedef enum pm_anchor_kind {
	PM_AK_TOP, PM_AK_SYSTEM, PM_AK_PROCESS, PM_AK_STEP, PM_AK_PERSON,
	PM_AK_TOOL, PM_AK_CHAIN, PM_AK_IGNORE
} pm_anchor_kind;

/* The element kind's attribute order: position of `key`, or -1 when the
 * kind has no such attribute.  `ak` is PM_AK_TOP ... PM_AK_TOOL. */
int pm_key_rank(pm_anchor_kind ak, pm_attr key);
/* The element kind's attributes in that order, ending with -1. */
const signed char *pm_key_order(pm_anchor_kind ak);

/* Where, on an anchor, a comment goes. */
enum {
	PM_SLOT_STMT,       /* the element's declaration or the statement itself */
	PM_SLOT_OPEN,       /* after the '{' of a declaration (trailing only) */
	PM_SLOT_END,        /* before the closing '}' (end of file for the top) */
	PM_SLOT_NAME,       /* before a YAML `name:` key: the top of the body */
	PM_SLOT_KEY         /* + pm_attr: an attribute */
};

/* One comment (text "#…") or blank line (text 0), before its anchor's
 * statement or trailing on its line. */
typedef struct pm_trivia {
	uint8_t akind, slot;
	bool trailing;
	pm_ix elem;             /* element, first arrow or ignore; 0 for the top */
	pm_str text;
	uint32_t seq;           /* order as read */
} pm_trivia;

struct fmt_stmt;
struct fmt_line;
struct yaml_key;

/* Scratch of the formatter and the converters. */
typedef struct pm_work {
	pm_buf out;                     /* the result */
	pm_buf raw;                     /* emit_pmap: text before formatting */
	pm_buf text;                    /* fmt: lines waiting to be aligned */
	PM_VEC(struct fmt_stmt) stmts;  /* fmt: statements of the open bodies */
	PM_VEC(uint32_t) triv;          /* fmt: their comments and blank lines */
	PM_VEC(struct fmt_line) queue;  /* fmt: lines waiting to be aligned */
	PM_VEC(pm_trivia) table;        /* the comment table, sorted by anchor */
	PM_VEC(pm_ix) arrows;           /* arrow indices sorted by scope */
	PM_VEC(pm_ix) ignores;          /* ignore indices sorted by element */
	PM_VEC(struct yaml_key) keys;   /* convert.c: keys of a YAML file */
	PM_VEC(uint32_t) spans;         /* convert.c: YAML scalar spans */
	PM_VEC(uint32_t) pos;           /* convert.c: where comments were found */
	void *yaml;                     /* convert.c: libyaml's state, which */
	void (*yaml_free)(void *);      /* does not allocate through the model */
} pm_work;

/* A zeroed pm_work, or NULL when out of memory. */
pm_work *pm_work_new(void);
void pm_work_free(pm_work *w);

/* --- fmt.c ----------------------------------------------------------------- */

/* Appends the canonical layout of .pmap text to `out`.  The text must be
 * free of syntax errors (what it does with others is unspecified, but it
 * stays memory-safe and terminates). */
void pm_fmt_text(pm_model *m, pm_work *w, const char *src, size_t len,
                 pm_buf *out);

/* Fills w->table with the comments and blank lines of .pmap text that is
 * the only file of the model, loaded without errors (or its canonical
 * layout: the elements come in the same order).  `src` must be followed by a
 * NUL byte, as the lexer wants. */
void pm_fmt_collect_trivia(pm_model *m, pm_work *w, const char *src, size_t len);

/* --- convert.c --------------------------------------------------------------- */

/* Fills w->table from YAML file `file`, the only file of the model, loaded
 * without errors.  Comments libyaml cannot place are kept as close to their
 * place as the YAML layout allows (docs/fmt.md). */
void pm_yaml_collect_trivia(pm_model *m, pm_work *w, uint32_t file);

/* Fills w->table from the model's only file, whatever its format; leaves it
 * empty for a model made of several files. */
void pm_collect_trivia(pm_model *m, pm_work *w);

/* Sorts w->table by anchor (call once, after collecting). */
void pm_trivia_sort(pm_work *w);

/* The trivia of one anchor and slot: sets *n and returns the first. */
const pm_trivia *pm_trivia_find(const pm_work *w, pm_anchor_kind ak,
                                pm_ix elem, unsigned slot, uint32_t *n);

/* Whether an element has any trivia inside its body (attributes, ignores,
 * OPEN, END, NAME): then its body cannot be written on one line. */
bool pm_trivia_inside(const pm_model *m, const pm_work *w, pm_anchor_kind ak,
                      pm_ix elem);

/* Groups arrows by scope and ignores by element (w->arrows, w->ignores). */
void pm_group_arrows(pm_model *m, pm_work *w);
void pm_group_ignores(pm_model *m, pm_work *w);
/* The arrows of a scope (in written order): sets *n, returns the first
 * index into w->arrows. */
uint32_t pm_scope_arrows(const pm_model *m, const pm_work *w,
                         pm_scope_kind sk, pm_ix scope, uint32_t *n);
/* The ignores of an element: sets *n, returns the first index into
 * w->ignores. */
uint32_t pm_elem_ignores(const pm_model *m, const pm_work *w, pm_kind kind,
                         pm_ix elem, uint32_t *n);
/* Number of arrows from w->arrows[i] that form one written chain
 * `a -> b -> c` (at least 1, at most `left`). */
uint32_t pm_chain_len(const pm_model *m, const pm_work *w, uint32_t i,
                      uint32_t left);

/* What an element holds, whatever its kind. */
typedef struct pm_elem {
	pm_anchor_kind ak;
	pm_ix i;
	pm_str id, label;
	pm_str vals[PM_KEY_COUNT];    /* scalar attributes as written; 0 = none */
	pm_ix uses_first, uses_count;
	pm_ix first, count;           /* processes of a system, steps of a process */
	uint32_t arrows, narrows;     /* its arrows: in w->arrows */
	uint32_t ignores, nignores;   /* its ignores: in w->ignores */
} pm_elem;

/* Fills *e (after pm_group_arrows() and pm_group_ignores()). */
void pm_elem_get(const pm_model *m, const pm_work *w, pm_anchor_kind ak,
                 pm_ix i, pm_elem *e);
/* Whether it has any attribute or ignore (the label aside). */
bool pm_elem_has_attrs(const pm_elem *e);

/* --- emit_pmap.c, emit_yaml.c --------------------------------------------------- */

/* Runs `emit` on a new pm_work and writes its output to `out`: the body of
 * the public writers (out-of-memory and argument checks included). */
pm_status pm_write_with(pm_model *m, FILE *out, void (*emit)(pm_model *, pm_work *));

/* Appends the model as .pmap text in the canonical layout to w->out. */
void pm_emit_pmap(pm_model *m, pm_work *w);
/* Appends the model as YAML to w->out. */
void pm_emit_yaml(pm_model *m, pm_work *w);

#endif
