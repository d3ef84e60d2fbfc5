/* source.h — loading one side of `procmap diff` (files, folders, git). */
#ifndef PM_DIFF_SOURCE_H
#define PM_DIFF_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "procmap.h"

typedef struct pm_side {
	pm_model *m;            /* loaded and resolved, not analysed */
	char *first;            /* the first file's path, for finding the
	                           configuration (a git file: its path in the
	                           work tree) */
	bool io_failed;         /* a file could not be read (see the diagnostics) */
} pm_side;

/* Loads the operands into a new model and resolves it.  Returns false with
 * a message in err (no "error:" prefix) when an operand names nothing, git
 * fails or memory runs out; pm_side_release() frees the side either way. */
bool pm_side_load(pm_side *s, char **args, int n, pm_input_format fmt, char *err,
                  size_t errsize);
void pm_side_release(pm_side *s);

#endif
