/* baseline.h — the findings of an earlier report (check --baseline). */
#ifndef PM_DIFF_BASELINE_H
#define PM_DIFF_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "procmap.h"

typedef struct pm_baseline pm_baseline;

/* Reads a JSON or SARIF report of `procmap check`.  Returns NULL with the
 * reason in err: unreadable, not JSON ("FILE:LINE:COL: error: ..."), not a
 * report, out of memory. */
pm_baseline *pm_baseline_load(const char *path, char *err, size_t errsize);
void pm_baseline_free(pm_baseline *b);

/* Sets unchanged[i] (one flag a diagnostic of m, in report order) for the
 * findings the baseline holds, each baseline entry matching once; returns
 * how many. */
size_t pm_baseline_match(pm_baseline *b, pm_model *m, bool *unchanged);

/* Writes m's SARIF report with baselineState on every result ("new" or
 * "unchanged") and the baseline's unmatched entries as "absent".  Returns
 * 0 or an errno value. */
int pm_baseline_write_sarif(const pm_baseline *b, pm_model *m, const bool *unchanged,
                            FILE *out);

#endif
