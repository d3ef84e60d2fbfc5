/* cmd_check.c — `procmap check`: load, resolve, analyse, write the report,
 * and turn the findings into the exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff/baseline.h"
#include "fileio.h"
#include "suggest.h"

static const char check_usage[] =
	"usage: procmap check [options] [FILE...]\n\n"
	"Load the model made of FILE... ('-' reads standard input), analyse it\n"
	"and report every problem found, with lead times and loads.\n\n"
	"Options:\n"
	"  -f, --format FMT       text (default), json, sarif or markdown\n"
	"  -o, --output FILE      write the report to FILE, whole or not at all\n"
	"                         (default: standard output)\n"
	CLI_SETUP_HELP
	"      --fail-on LEVEL    exit 1 when a finding at LEVEL or above exists:\n"
	"                         error (default), warning or info\n"
	"      --baseline FILE    an earlier JSON or SARIF report of check: its\n"
	"                         findings are unchanged, not reported as problems\n"
	"                         (SARIF marks them), and only new ones fail\n"
	"      --color WHEN       auto (default), always or never; NO_COLOR disables\n"
	"  -h, --help             show this help\n\n"
	CLI_SETUP_HELP_CONFIG "\n"
	"Exit status: 0 no finding at or above --fail-on, 1 some, 2 usage error,\n"
	"unreadable input, invalid or unreadable configuration, or the report\n"
	"could not be written.\n";

typedef struct check_opts {
	pm_report_format format;
	const char *output;        /* -o; NULL for standard output */
	cli_setup setup;           /* --rule, --config, --no-config, --input-format */
	pm_severity fail_on;
	const char *baseline;      /* --baseline */
	int color;
	char **files;
	int nfiles;
	char **owned;              /* files from the configuration's model: */
} check_opts;

static bool parse_fail_on(const char *s, pm_severity *out)
{
	static const char *const names[] = { "info", "warning", "error" };
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (pm_severity)(i + 1);
			return true;
		}
	return false;
}

static bool parse_format(const char *s, pm_report_format *out)
{
	static const char *const names[] = { "text", "json", "sarif", "markdown" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (pm_report_format)i;
			return true;
		}
	return false;
}

static int parse_option(int c, const char *arg, void *ctx)
{
	check_opts *o = ctx;
	switch (c) {
	case 'f':
		if (!parse_format(arg, &o->format))
			return cli_usage("check", "invalid --format '%s' (text, json, sarif or markdown)%s",
			                 arg, cli_hint(pm_suggest_list(arg, "text\0json\0sarif\0markdown\0")));
		return -1;
	case 'o':
		o->output = strcmp(arg, "-") == 0 ? NULL : arg;
		return -1;
	case 'F':
		if (!parse_fail_on(arg, &o->fail_on))
			return cli_usage("check", "invalid --fail-on '%s' (error, warning or info)", arg);
		return -1;
	case 'B':
		o->baseline = arg;
		return -1;
	case 'c':
		if (!cli_parse_color(arg, &o->color))
			return cli_usage("check", "invalid --color '%s' (auto, always or never)", arg);
		o->setup.color = o->color;
		return -1;
	}
	int rc = cli_setup_option(&o->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

/* Returns -1 to go on, or the exit status (help, usage error). */
static int parse_args(int argc, char **argv, check_opts *o)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CLI_SETUP_OPTIONS,
		{ "fail-on", required_argument, NULL, 'F' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("check", check_usage, argc, argv, "f:o:h", opts, parse_option, o);
	if (rc >= 0)
		return rc;
	if ((rc = cli_setup_done(&o->setup)) >= 0)
		return rc;
	if (optind >= argc) {
		o->files = o->owned = cli_config_model(&o->setup, &o->nfiles);
		return o->files ? -1 : PM_EXIT_TROUBLE;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return -1;
}

/* Writes the report; returns false after saying why it failed.  With a
 * baseline, a SARIF report carries baselineState. */
static bool write_report(pm_model *m, const check_opts *o, const pm_baseline *b,
                         const bool *unchanged)
{
	pm_outfile f;
	int e = pm_outfile_open(&f, o->output ? o->output : "-");
	if (e) {
		cli_error("cannot write '%s': %s", o->output, strerror(e));
		return false;
	}
	unsigned flags = o->format == PM_REPORT_TEXT && cli_use_color(o->color, f.f)
	                 ? PM_WRITE_COLOR : 0;
	errno = 0;
	pm_status st = PM_OK;
	int werr = 0;
	if (b && o->format == PM_REPORT_SARIF) {
		werr = pm_baseline_write_sarif(b, m, unchanged, f.f);
		st = werr == ENOMEM ? PM_ERR_NOMEM : werr ? PM_ERR_IO : PM_OK;
	} else {
		st = pm_model_write_report(m, f.f, o->format, flags);
		werr = errno;
	}
	if (st == PM_ERR_NOMEM) {
		pm_outfile_abort(&f);
		cli_error("out of memory");
		return false;
	}
	e = pm_outfile_commit(&f, false);
	if (!e && st != PM_OK)
		e = werr ? werr : EIO;
	if (e) {
		if (o->output)
			cli_error("cannot write '%s': %s", o->output, strerror(e));
		else
			cli_error("cannot write the report to standard output: %s", strerror(e));
		return false;
	}
	return true;
}

/* A report in a file or in another format does not show on the terminal:
 * say there why files could not be read. */
static void echo_io_errors(pm_model *m, const check_opts *o)
{
	if (o->format == PM_REPORT_TEXT && !o->output)
		return;
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (strcmp(d->rule, "io") == 0)
			cli_error("%s", d->message);
	}
}

/* Whether an unsuppressed finding at fail_on or above is not in the
 * baseline (unchanged NULL: no baseline). */
static int exit_status(pm_model *m, pm_severity fail_on, const bool *unchanged)
{
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (!d->suppressed && d->severity >= fail_on && !(unchanged && unchanged[i]))
			return PM_EXIT_FINDINGS;
	}
	return PM_EXIT_OK;
}

/* In text, JSON and Markdown the findings the baseline holds are reported
 * as suppressed, with this reason: the reports say how many, and list them
 * apart.  SARIF has baselineState for it instead. */
static void mark_unchanged(pm_model *m, const check_opts *o, const bool *unchanged)
{
	if (o->format == PM_REPORT_SARIF)
		return;
	for (size_t i = 0; i < pm_model_diag_count(m); i++)
		if (unchanged[i])
			((pm_diag *)pm_model_diag(m, i))->suppressed = "unchanged since the baseline";
}

static int run(const check_opts *o)
{
	pm_baseline *b = NULL;
	if (o->baseline) {
		char err[4096];
		b = pm_baseline_load(o->baseline, err, sizeof err);
		if (!b) {
			size_t n = strlen(o->baseline);
			if (strncmp(err, o->baseline, n) == 0 && err[n] == ':')
				fprintf(stderr, "%s\n", err);
			else
				cli_error("%s", err);
			return PM_EXIT_TROUBLE;
		}
	}
	int setup_rc;
	pm_model *m = cli_analyse(&o->setup, o->files, o->nfiles, &setup_rc);
	if (!m) {
		pm_baseline_free(b);
		return setup_rc;
	}
	bool *unchanged = NULL;
	if (b) {
		unchanged = calloc(pm_model_diag_count(m) + 1, sizeof *unchanged);
		if (!unchanged) {
			cli_error("out of memory");
			pm_model_free(m);
			pm_baseline_free(b);
			return PM_EXIT_TROUBLE;
		}
		pm_baseline_match(b, m, unchanged);
	}
	int rc = exit_status(m, o->fail_on, unchanged);
	if (b)
		mark_unchanged(m, o, unchanged);
	bool written = write_report(m, o, b, unchanged);
	echo_io_errors(m, o);
	free(unchanged);
	pm_baseline_free(b);
	pm_model_free(m);
	return !written || setup_rc != PM_EXIT_OK ? PM_EXIT_TROUBLE : rc;
}

int cmd_check(int argc, char **argv)
{
	check_opts o = { .format = PM_REPORT_TEXT, .fail_on = PM_SEV_ERROR };
	if (!cli_setup_init(&o.setup, "check", argc))
		return PM_EXIT_TROUBLE;
	int rc = parse_args(argc, argv, &o);
	/* only the text report shows source lines */
	o.setup.drop_sources = o.format != PM_REPORT_TEXT;
	if (rc < 0)
		rc = run(&o);
	pm_config_model_files_free(o.owned, (size_t)o.nfiles);
	cli_setup_release(&o.setup);
	return rc;
}
