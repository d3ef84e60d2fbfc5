/* helpers.h — shared by the Criterion suites. */
#ifndef PM_TEST_HELPERS_H
#define PM_TEST_HELPERS_H

#include <glob.h>
#include <stddef.h>

#include "model.h"

/* Loads `text` as a .pmap file called "t.pmap" and resolves it. */
pm_model *t_load(const char *text);
/* Loads and resolves; asserts no diagnostics at all. */
pm_model *t_load_clean(const char *text);
/* All diagnostics as "line:col: severity: message [rule]\n" lines. */
char *t_diags(pm_model *m);
/* Runs a shell command; returns its stdout (malloc'd) and exit status. */
char *t_run(const char *cmd, int *status);
/* Path of the CLI under test (PROCMAP_BIN) and the source tree. */
const char *t_bin(void);
const char *t_root(void);
/* The files matching PATTERN under the source tree (samples/NAME.pmap),
 * sorted; at least one, or the test fails.  globfree() them. */
void t_glob(const char *pattern, glob_t *g);
/* Expects `got` to equal the file at `path` (PROCMAP_UPDATE_GOLDEN=1 writes
 * it first); `what` names the case.  Returns the file's text (malloc'd) or
 * NULL when it is missing. */
char *t_expect_golden(const char *got, const char *path, const char *what);
/* A diagnostics golden: `procmap check` on FILE (FILE.pmap or .yaml in
 * `dir`, with `opts` after `check --color=never`) prints FILE.err exactly,
 * and exits 1 when it has an error, else 0. */
void t_check_golden(const char *dir, const char *file, const char *opts);
/* A new folder /tmp/procmap-TAG-XXXXXX (malloc'd). */
char *t_tmpdir(const char *tag);
/* Removes a folder made by t_tmpdir() with all in it, and frees the name. */
void t_rmtree(char *dir);
/* DIR/NAME read whole (malloc'd); asserts that it exists. */
char *t_file_in(const char *dir, const char *name);
/* Path of samples/NAME in the source tree (static: one at a time). */
char *t_sample(const char *name);
/* Writes `text` as DIR/NAME; returns the path (static: one at a time). */
const char *t_write_in(const char *dir, const char *name, const char *text);
/* Reads a whole file (malloc'd), NULL if missing. */
char *t_read_file(const char *path, size_t *len);
/* printf into one of 8 static buffers of 16 KiB, used in turn (for a
 * command line or an expected text made on the spot). */
const char *t_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs `procmap ARGS` in folder dir (NO_COLOR=1); returns its stdout and
 * stderr (malloc'd), *status its exit status. */
char *t_pm_in(const char *dir, const char *args, int *status);
/* Copies FROM (relative to the source tree) to DIR/TO. */
void t_copy_in(const char *dir, const char *from, const char *to);
/* Debian's chromium, for the page tests; the test fails without it. */
const char *t_chromium(void);
/* Index of the step / process with this qualified id, PM_NONE if none. */
pm_ix t_step(pm_model *m, const char *qid);
pm_ix t_process(pm_model *m, const char *qid);

#endif
