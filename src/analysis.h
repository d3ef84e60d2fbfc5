/* analysis.h — the analysis passes and what they leave in the model
 * (internal).  Each pass is one src/pass_*.c file: it reads the model,
 * appends findings through pm_finding(), and never edits the model. */
#ifndef PM_ANALYSIS_H
#define PM_ANALYSIS_H

#include "model.h"
#include "rules.h"

/* Appends a finding of `rule` about an element (kind, idx), at the
 * element's location, applying the configured severity (nothing is added
 * when the rule is off) and any `ignore:` on the element.  Returns the
 * record (to add `related`), or NULL when the rule is off. */
pm_diag_rec *pm_finding(pm_model *m, const char *rule, pm_kind kind, pm_ix idx,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets the related ids of a finding (copied into the arena). */
void pm_finding_related(pm_model *m, pm_diag_rec *r, const char *const *ids, size_t n);

#endif
