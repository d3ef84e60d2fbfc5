/* cli.h — the procmap command line: one cmd_<name>() per subcommand. */
#ifndef PM_CLI_H
#define PM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "procmap.h"

/* Exit codes, documented in README.md and procmap(1). */
enum pm_exit {
	PM_EXIT_OK = 0,        /* nothing at or above the --fail-on level */
	PM_EXIT_FINDINGS = 1,  /* something is (check), or a file would change (fmt --check) */
	PM_EXIT_TROUBLE = 2    /* usage error, unreadable input, failed write, out of memory */
};

typedef struct pm_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} pm_command;

int cmd_check(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_convert(int argc, char **argv);

/* Prints "procmap CMD: message" and a hint to stderr; returns PM_EXIT_TROUBLE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "procmap: error: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --color=auto|always|never; false on a bad value. */
bool cli_parse_color(const char *arg, int *mode);
/* Whether to colour a stream under the --color mode (0 auto, 1 always, 2 never). */
bool cli_use_color(int mode, FILE *stream);
/* --input-format=auto|pmap|yaml. */
bool cli_parse_input_format(const char *arg, pm_input_format *fmt);

/*
 * Loads every file into a new model and resolves it.  Returns the model
 * (even with input errors, which are in its diagnostics), or NULL after
 * printing why (out of memory).  *io_failed is set when a file could not be
 * read.
 */
pm_model *cli_load(char **files, int nfiles, pm_input_format fmt, bool *io_failed);

#endif
