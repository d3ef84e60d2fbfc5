/* audit.h — the audit page (internal): one page builder for render's
 * index.html and `procmap report`'s single file.
 *
 * The page: the model's title, findings counted by severity, what is at
 * risk (trap cycles, overloaded people, the biggest waits), every SVG
 * diagram inline in a pan/zoom viewport (src/audit/panzoom.js, inlined
 * and allowed by its sha256 hash in a strict Content-Security-Policy),
 * the findings sorted by severity then place, each linked to the element
 * of the diagram that draws it (#process-ID, #step-ID, #system-ID: ids
 * emit_dot.c gives the SVG elements), and tables of processes, people and
 * systems. */
#ifndef PM_AUDIT_H
#define PM_AUDIT_H

#include <stdio.h>

#include "render.h"

/* Writes the page for the diagrams of c, whose SVGs are in `svg_dir`
 * (NAME.svg).  `self_contained`: links between diagrams point inside the
 * page (procmap report) rather than at the SVG files beside it.  False
 * when writing failed. */
bool pm_audit_page(pm_rctx *c, FILE *out, const char *svg_dir, bool self_contained);

/* The diagrams in the order the page and the Markdown audit show them:
 * the forest, then each system followed by its processes, then the
 * processes outside any system (indices into c->diagrams; arena). */
uint32_t *pm_audit_order(pm_rctx *c, uint32_t *n);
/* "The whole business", "System Shop", "Process Pack" (arena). */
const char *pm_audit_diagram_title(pm_rctx *c, const pm_diagram *d);

#endif
