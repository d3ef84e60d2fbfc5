/* render.h — diagrams through Graphviz (internal): the findings drawn on
 * them, one cgraph graph per diagram (emit_dot.c), index.html
 * (emit_html.c), and the driver with its worker processes (render.c). */
#ifndef PM_RENDER_H
#define PM_RENDER_H

#include <stdio.h>

#include <graphviz/cgraph.h>

#include "model.h"

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
	PM_VEC(pm_diagram) diagrams;
	PM_VEC(pm_elabel) elabels;   /* the diagram being built */
} pm_rctx;

/* Fills the marks and maps from m->diags and m->an (after analysis). */
void pm_rctx_prepare(pm_rctx *c);
void pm_rctx_release(pm_rctx *c);
/* File name (without extension) of a system's or a process's diagram,
 * in the arena; NULL when the id would not make a safe file name. */
const char *pm_render_name(pm_model *m, pm_kind kind, pm_ix i);

/* Builds the graph of one diagram (emit_dot.c); the caller agclose()s it.
 * `collapsed` is set when the diagram was drawn collapsed (too large). */
Agraph_t *pm_dot_build(pm_rctx *c, const pm_diagram *d, int *collapsed);
/* Nodes a forest/system diagram would have in full. */
size_t pm_dot_size(pm_rctx *c, const pm_diagram *d);

/* Writes index.html (emit_html.c); false when writing failed. */
bool pm_html_write(pm_rctx *c, FILE *out);

#endif
