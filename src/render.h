/* render.h — diagrams through Graphviz (internal): the findings drawn on
 * them, one cgraph graph per diagram (emit_dot.c), index.html
 * (emit_html.c), and the driver with its worker processes (render.c). */
#ifndef PM_RENDER_H
#define PM_RENDER_H

#include <stdio.h>

#include <graphviz/cgraph.h>

#include "model.h"

/* Colour roles of the diagrams; pm_palette[dark][role] (render_theme.c). */
typedef enum pm_role {
	PM_C_BG, PM_C_TEXT, PM_C_MUTED, PM_C_BORDER, PM_C_EDGE, PM_C_NODE,
	PM_C_LANE, PM_C_LANE_BORDER, PM_C_SYSTEM, PM_C_SYSTEM_BORDER, PM_C_PROCESS,
	PM_C_STUB, PM_C_CRIT, PM_C_CYCLE, PM_C_WARN, PM_C_WARN_FILL, PM_C_BOTTLENECK,
	PM_C_TRIGGER, PM_C_TRIGGER_TEXT, PM_C_LINK, PM_C_CYCLE_TEXT, PM_C_WARN_TEXT,
	PM_C_ERR_TEXT, PM_C_ADDED, PM_C_ADDED_FILL, PM_C_CHANGED, PM_C_CHANGED_FILL,
	PM_C_GHOST, PM_C_GHOST_TEXT, PM_C_COUNT
} pm_role;

typedef struct pm_role_pair {
	pm_role fg, bg;
} pm_role_pair;

extern const char *const pm_palette[2][PM_C_COUNT];
/* Every text colour with the fill it is drawn on (the contrast test). */
extern const pm_role_pair pm_text_pairs[];
extern const size_t pm_text_npairs;

/* The SVG with a <style> that switches to the dark palette when the reader
 * prefers it; malloc'd (*outlen bytes), NULL when out of memory or when
 * svg holds no <svg> element. */
char *pm_svg_add_theme(const char *svg, size_t len, size_t *outlen);
/* Sets every /CreationDate of a PDF to SOURCE_DATE_EPOCH, else 2000-01-01. */
void pm_pdf_fix_date(char *pdf, size_t len);

/* Legend entries: the marks a diagram uses (pm_rctx.used). */
enum {
	PM_KEY_CRITICAL = 1 << 0, PM_KEY_TRAP = 1 << 1, PM_KEY_REWORK = 1 << 2,
	PM_KEY_BOTTLENECK = 1 << 3, PM_KEY_DASHED = 1 << 4, PM_KEY_OVERLOADED = 1 << 5,
	PM_KEY_NO_OWNER = 1 << 6, PM_KEY_ACTOR = 1 << 7, PM_KEY_TRIGGER = 1 << 8,
	PM_KEY_ERRORS = 1 << 9, PM_KEY_WARNINGS = 1 << 10, PM_KEY_HANDOFF_CYCLE = 1 << 11,
	PM_KEY_STUB = 1 << 12, PM_KEY_START = 1 << 13,
	/* render --diff */
	PM_KEY_ADDED = 1 << 14, PM_KEY_REMOVED = 1 << 15, PM_KEY_CHANGED = 1 << 16
};

/* Marks from the findings, one byte per element. */
enum {
	PM_RF_ORPHAN = 1 << 0,       /* process: orphan-process */
	PM_RF_UNREACHABLE = 1 << 1,  /* process: unreachable-process */
	PM_RF_BOTTLENECK = 1 << 2,   /* step: bottleneck-step */
	PM_RF_CRITICAL = 1 << 3,     /* step: on its process's critical path */
	PM_RF_OVERLOADED = 1 << 4    /* person: overloaded-person */
};

typedef enum pm_diagram_kind {
	PM_DIAGRAM_FOREST, PM_DIAGRAM_SYSTEM, PM_DIAGRAM_PROCESS
} pm_diagram_kind;

typedef struct pm_diagram {
	pm_diagram_kind kind;
	pm_ix ix;              /* system or process; PM_NONE for the forest */
	const char *name;      /* file name without extension, e.g. "system-orders" */
} pm_diagram;

/* An edge label waiting to become a node of its own (emit_dot.c). */
typedef struct pm_elabel {
	Agedge_t *e;
	const char *label;     /* DOT-escaped */
	Agnode_t *pin;         /* for an arrow that ranks nothing: the label sits
	                          one rank past this end, or NULL */
} pm_elabel;

/* What every diagram reads: the model and the findings, prepared once. */
typedef struct pm_rctx {
	pm_model *m;
	uint8_t *proc_mark, *step_mark, *person_mark;   /* arena */
	pm_map cycle_flows;    /* (from step << 32 | to step) → 1: step-cycle */
	pm_map cycle_handoffs; /* (from proc << 32 | to proc) → 1: handoff-cycle */
	pm_map crit_flows;     /* consecutive critical-path steps */
	const char *link_ext;  /* "svg": what links between diagrams point to */
	unsigned levels;       /* PM_LEVEL_* drawn in this run: links only to those */
	unsigned max_nodes;
	unsigned direction;    /* PM_DIRECTION_* */
	unsigned theme;        /* PM_THEME_* */
	unsigned scale;        /* PNG resolution ×, 0 or 1: 96 dpi */
	const char *only;      /* draw just the diagram of this name, alone:
	                          no links, no "up" node (pm_render_options.only) */
	/* the graph being built */
	bool dark;             /* dark palette in the attributes */
	bool nav;              /* draw the "up" link (SVG only: it is a link) */
	unsigned used;         /* PM_KEY_* drawn so far */
	unsigned seq;          /* names of layout-only edges */
	Agnode_t *bottom;      /* a node of the last row: the legend goes under it */
	/* findings per element, errors and warnings, not suppressed */
	uint32_t *proc_err, *proc_warn, *sys_err, *sys_warn;   /* arena */
	pm_ix *diag_proc, *diag_sys;   /* per diagnostic: its process, system */
	uint32_t ndiags;       /* diagnostics when they were placed */
	PM_VEC(pm_diagram) diagrams;
	PM_VEC(pm_elabel) elabels;   /* the diagram being built */
	const struct pm_rdiff *diff;   /* render --diff: what changed since OLD
	                                  (diff/rdiff.h), or NULL */
} pm_rctx;

/* pm_model_render() with what changed since an earlier version marked
 * (diff NULL: pm_model_render() itself). */
pm_status pm_render_diff(pm_model *m, const pm_render_options *o, const struct pm_rdiff *diff);
/* Writes s HTML-escaped (& < > " '). */
void pm_html_text(FILE *f, const char *s);

/* Fills the marks and maps from m->diags and m->an (after analysis). */
void pm_rctx_prepare(pm_rctx *c);
void pm_rctx_release(pm_rctx *c);
/* File name (without extension) of a system's or a process's diagram,
 * in the arena; NULL when the id would not make a safe file name. */
const char *pm_render_name(pm_model *m, pm_kind kind, pm_ix i);

/* Builds the graph of one diagram (emit_dot.c); the caller agclose()s it.
 * `collapsed` is set when the diagram was drawn collapsed (too large). */
Agraph_t *pm_dot_build(pm_rctx *c, const pm_diagram *d, int *collapsed);
/* After layout: every swimlane band as wide as the widest (and the
 * drawing), so the bands line up. */
void pm_dot_widen_lanes(Agraph_t *g);
/* Nodes a forest/system diagram would have in full. */
size_t pm_dot_size(pm_rctx *c, const pm_diagram *d);

/* Draws the diagrams o->levels names into the folder o->out_dir, then
 * calls `after` with the prepared context (while the diagrams' list and
 * marks are there) instead of writing index.html: `after` writes what the
 * caller wants from them (src/audit/report.c) and returns false after
 * adding a diagnostic.  `what`: PM_RENDER_MANIFEST to keep the folder's
 * manifest and remove the files it no longer names. */
enum { PM_RENDER_MANIFEST = 1 << 0 };
typedef bool (*pm_render_after)(pm_rctx *c, const char *dir, void *arg);
pm_status pm_render_folder(pm_model *m, const pm_render_options *o, unsigned what,
                           pm_render_after after, void *arg);

#endif
