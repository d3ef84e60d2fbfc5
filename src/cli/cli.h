/* cli.h — the procmap command line: one cmd_<name>() per subcommand. */
#ifndef PM_CLI_H
#define PM_CLI_H

#include <getopt.h>
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
int cmd_rules(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_md(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Prints "procmap CMD: message" and a hint to stderr; returns PM_EXIT_TROUBLE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "procmap: error: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "; did you mean 'word'?", or "" for NULL (a static buffer, for one
 * message at a time). */
const char *cli_hint(const char *word);

/*
 * A command's options through getopt_long(): `fn` takes each option (its
 * code and value) and returns -1 to go on or an exit status.  -h/--help
 * prints `usage`; a missing value, a value given to an option that takes
 * none and an unknown option (with a "did you mean" from `opts`) are usage
 * errors.  `shortopts` as for getopt ("+" first: stop at the first operand).
 * Returns -1 with optind at the first operand, or the exit status.
 */
typedef int (*cli_option_fn)(int c, const char *arg, void *ctx);
int cli_options(const char *cmd, const char *usage, int argc, char **argv,
                const char *shortopts, const struct option *opts,
                cli_option_fn fn, void *ctx);

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

/*
 * What every command that analyses (check, render) reads before it
 * analyses: the input format, the configuration and the --rule levels.
 * One setup for all of them, so a rule switched off or a threshold changed
 * is the same in every report and diagram.
 */
typedef struct cli_setup {
	const char *cmd;           /* "check": for usage errors */
	const char **rules;        /* --rule values, checked, in the order given */
	int nrules;
	const char *config;        /* --config */
	bool no_config;            /* --no-config */
	pm_input_format input;     /* --input-format */
	int color;                 /* how the configuration's errors are coloured */
	bool stop_on_errors;       /* input errors: print them, analyse nothing */
	bool drop_sources;         /* no source line will be shown: let the
	                              input's text go before analysing */
} cli_setup;

/* The long options of cli_setup, for a command's option table. */
#define CLI_SETUP_OPTIONS \
	{ "rule", required_argument, NULL, 'r' }, \
	{ "config", required_argument, NULL, 'C' }, \
	{ "no-config", no_argument, NULL, 'N' }, \
	{ "input-format", required_argument, NULL, 'i' }
/* Their lines in a command's --help. */
#define CLI_SETUP_HELP \
	"      --rule NAME=LEVEL  set an analysis rule to off, info, warning or\n" \
	"                         error; repeatable, wins over the configuration\n" \
	"      --config FILE      read rule levels and thresholds from FILE\n" \
	"      --no-config        read no configuration file\n" \
	"      --input-format FMT auto (by extension, default), pmap or yaml\n"
#define CLI_SETUP_HELP_CONFIG \
	"Without --config or --no-config, the configuration is the .procmap.yaml\n" \
	"in the folder of the first FILE or the nearest folder above it.  Without\n" \
	"FILE, the model is the files its 'model:' names (docs/editors.md).\n"

/* Room for the --rule values of a command line of argc words; false (after
 * saying so) when out of memory.  cli_setup_release() frees it. */
bool cli_setup_init(cli_setup *s, const char *cmd, int argc);
void cli_setup_release(cli_setup *s);
/* Takes option `c` (see CLI_SETUP_OPTIONS) with its value: -1 when taken,
 * -2 when `c` is not one of them, or the status of a usage error. */
int cli_setup_option(cli_setup *s, int c, const char *arg);
/* After the options: -1, or the status of a usage error. */
int cli_setup_done(const cli_setup *s);

/*
 * Loads and resolves FILE..., reads the configuration and --rule, and
 * analyses.  An invalid or unreadable configuration is printed to stderr
 * (the same text for every command) before anything is analysed, and gives
 * NULL with *status 2; so does running out of memory, and, under
 * stop_on_errors, input that cannot be read or has errors (printed to
 * stderr, before any analysis).  Otherwise returns
 * the model with *status PM_EXIT_OK, or PM_EXIT_TROUBLE when a file could
 * not be read (the model is still returned, its io diagnostics say why).
 */
pm_model *cli_analyse(const cli_setup *s, char **files, int nfiles, int *status);
/* The same for a model already loaded and resolved (by the caller, from
 * files or from memory): the configuration is found from `first`, the path
 * of its first file.  Takes the model: frees it when returning NULL. */
pm_model *cli_analyse_loaded(const cli_setup *s, pm_model *m, const char *first,
                             bool io_failed, int *status);

/* FILE... when the command line names none: the `model:` files of the
 * configuration (--config, or the .procmap.yaml of the current folder or
 * above), which the caller frees with pm_config_model_files_free(); NULL
 * after printing a usage error (exit 2). */
char **cli_config_model(const cli_setup *s, int *nfiles);

/*
 * How diagrams are drawn, the same for render and report: --level, --jobs,
 * --max-nodes, --direction and --theme into `o`.  -1 when taken, -2 when
 * `c` is not one of them, or the status of a usage error.
 */
#define CLI_DRAW_OPTIONS \
	{ "level", required_argument, NULL, 'l' }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "max-nodes", required_argument, NULL, 'M' }, \
	{ "direction", required_argument, NULL, 'D' }, \
	{ "theme", required_argument, NULL, 'T' }
int cli_draw_option(const char *cmd, int c, const char *arg, pm_render_options *o);
/* Drawing's own problems to stderr, "procmap: error: ...": every "io"
 * diagnostic and the "render" ones at render_min or above (the findings
 * are for the report or for check). */
void cli_print_draw_problems(pm_model *m, pm_severity render_min);
/* Index of s in names (n of them), or -1. */
int cli_pick(const char *s, const char *const *names, int n);
/* A whole number from 1 to 1000000. */
bool cli_parse_count(const char *s, unsigned *out);

/* The folder of a path ("." for a bare name or "-"), and a folder joined
 * to a name ("." left out); malloc'd, NULL when out of memory. */
char *cli_dir_of(const char *path);
char *cli_join(const char *dir, const char *name);

#endif
