/* rdiff.h — what `procmap render --diff OLD` draws on NEW's diagrams: the
 * marks of NEW's elements, the removed ones as ghosts where they were, and
 * the lines of the audit page's "what changed" section.
 *
 * Built on the CLI side from a pm_diff (pm_rdiff_build); read by the
 * library (emit_dot.c, diff_html.c) through pm_rctx.diff: plain data, in
 * NEW's arena, no pointer into OLD. */
#ifndef PM_RDIFF_H
#define PM_RDIFF_H

#include <stdio.h>

#include "model.h"

/* Marks of NEW's elements. */
enum { PM_DM_ADDED = 1, PM_DM_CHANGED = 2 };

/* A removed system, process or step, drawn ghosted where it was. */
typedef struct pm_rghost {
	pm_kind kind;           /* PM_KIND_SYSTEM, PM_KIND_PROCESS or PM_KIND_STEP */
	const char *qid;        /* its qualified id in OLD */
	const char *label;      /* its label (or id) in OLD */
	pm_ix parent;           /* NEW's system of a process, process of a step;
	                           PM_NONE: at the top or in a ghost */
	uint32_t gparent;       /* a process of a removed system: that ghost + 1 */
	pm_ix owner;            /* a step: its old owner in NEW's people, PM_NONE */
	const char *tip;        /* "removed (2 steps)", "moved to a.b.c" */
	bool moved;             /* a step gone to another process: its old place */
} pm_rghost;

/* A removed flow or hand-off.  Each end is NEW's step (flow) or process
 * (hand-off), or a ghost (gfrom/gto: index + 1). */
typedef struct pm_rgedge {
	pm_kind kind;           /* PM_KIND_FLOW or PM_KIND_HANDOFF */
	pm_ix from, to;
	uint32_t gfrom, gto;
	pm_ix proc;             /* a flow: NEW's process it was in */
	const char *tip;
} pm_rgedge;

/* One line of the page's "what changed" section. */
typedef struct pm_rline {
	const char *text;       /* as `procmap diff` prints it */
	const char *anchor;     /* "step-a.b.c", "removed-process-x": the
	                           element on a diagram, or NULL */
} pm_rline;

typedef struct pm_rdiff {
	const char *old_name;   /* what OLD was, as given */
	const char *summary;    /* "6 added, 5 removed, …" */
	/* per NEW element: PM_DM_* and what changed ("takes 30m → 25m; …"),
	 * NULL when unchanged; a system or process that holds changes is
	 * marked changed */
	uint8_t *sys, *proc, *step, *flow, *handoff;
	const char **sys_tip, **proc_tip, **step_tip, **flow_tip, **handoff_tip;
	pm_rghost *ghost;
	uint32_t nghost;
	pm_rgedge *gedge;
	uint32_t ngedge;
	pm_rline *line;
	uint32_t nline;
} pm_rdiff;

struct pm_diff;

/* Fills r from the change set d between old and new_ (which must be the
 * model drawn), in new_'s arena.  False when out of memory. */
bool pm_rdiff_build(pm_rdiff *r, const struct pm_diff *d, pm_model *old, pm_model *new_,
                    const char *old_name);

struct pm_rctx;
/* The audit page's "what changed" section; nothing without --diff. */
void pm_diff_html_section(struct pm_rctx *c, FILE *f);

#endif
