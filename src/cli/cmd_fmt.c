/* cmd_fmt.c — `procmap fmt`: print, check or rewrite .pmap files in the
 * canonical layout (docs/fmt.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"

static const char fmt_usage[] =
	"usage: procmap fmt [-w | --check] FILE...\n\n"
	"Print a .pmap FILE in the canonical layout, keeping every comment ('-'\n"
	"reads standard input).  Several files need -w or --check.  A file with\n"
	"syntax errors is never formatted: its diagnostics go to standard error\n"
	"and the exit status is 1.\n\n"
	"Options:\n"
	"  -w, --write           rewrite the files that are not formatted, in place\n"
	"                        (atomically, keeping their permissions); '-' is\n"
	"                        written to standard output\n"
	"      --check           print 'would reformat FILE' for each file that is\n"
	"                        not formatted and exit 1 if there is one\n"
	"      --color WHEN      colour the diagnostics: auto (default), always, never\n"
	"  -h, --help            show this help\n\n"
	"A YAML file (.yaml, .yml) is refused: convert it to .pmap first.\n";

enum mode { PRINT, WRITE, CHECK };

/* Formats one file; returns its exit status. */
static int fmt_one(const char *path, enum mode mode, int color)
{
	size_t len = 0, outlen = 0;
	size_t pl = strlen(path);
	if ((pl > 5 && strcmp(path + pl - 5, ".yaml") == 0) ||
	    (pl > 4 && strcmp(path + pl - 4, ".yml") == 0)) {
		cli_error("'%s' is YAML: fmt formats .pmap files ('procmap convert' "
		          "writes it as .pmap)", path);
		return PM_EXIT_TROUBLE;
	}
	char *text = pm_read_all(path, &len);
	if (!text) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		return PM_EXIT_TROUBLE;
	}
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	pm_model *m = pm_model_new();
	char *out = NULL;
	pm_status st = m ? pm_format_pmap(m, name, text, len, &out, &outlen) : PM_ERR_NOMEM;
	int rc = PM_EXIT_OK;
	if (st == PM_ERR_INPUT) {
		unsigned flags = cli_use_color(color, stderr) ? PM_WRITE_COLOR : 0;
		st = pm_model_write_diagnostics(m, stderr, flags);
		rc = st == PM_OK ? PM_EXIT_FINDINGS : PM_EXIT_TROUBLE;
		if (st != PM_OK)
			cli_error("cannot print the diagnostics of '%s': %s", name, pm_status_str(st));
	} else if (st != PM_OK) {
		cli_error("cannot format '%s': %s", name, pm_status_str(st));
		rc = PM_EXIT_TROUBLE;
	} else {
		bool changed = outlen != len || memcmp(out, text, len) != 0;
		if (mode == CHECK && changed) {
			printf("would reformat %s\n", name);
			rc = PM_EXIT_FINDINGS;
		} else if (mode == PRINT || (mode == WRITE && strcmp(path, "-") == 0)) {
			if (fwrite(out, 1, outlen, stdout) != outlen || fflush(stdout) != 0) {
				cli_error("cannot write to standard output: %s", strerror(errno));
				rc = PM_EXIT_TROUBLE;
			}
		} else if (mode == WRITE && changed) {
			int e = pm_write_all(path, out, outlen, true);
			if (e) {
				cli_error("cannot write '%s': %s", path, strerror(e));
				rc = PM_EXIT_TROUBLE;
			}
		}
	}
	free(out);
	free(text);
	pm_model_free(m);
	return rc;
}

typedef struct fmt_opts {
	enum mode mode;
	int color;
} fmt_opts;

static int parse_option(int c, const char *arg, void *ctx)
{
	fmt_opts *o = ctx;
	if (c == 'c') {
		if (!cli_parse_color(arg, &o->color))
			return cli_usage("fmt", "invalid --color '%s' (auto, always or never)", arg);
		return -1;
	}
	/* -w or --check */
	if (o->mode != PRINT && o->mode != (c == 'w' ? WRITE : CHECK))
		return cli_usage("fmt", "-w and --check cannot be used together");
	o->mode = c == 'w' ? WRITE : CHECK;
	return -1;
}

int cmd_fmt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "check", no_argument, NULL, 'k' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	fmt_opts o = { .mode = PRINT };
	int rc = cli_options("fmt", fmt_usage, argc, argv, "wh", opts, parse_option, &o);
	if (rc >= 0)
		return rc;
	enum mode mode = o.mode;
	int color = o.color;
	if (optind >= argc)
		return cli_usage("fmt", "no input files");
	if (mode == PRINT && argc - optind > 1)
		return cli_usage("fmt", "several files need -w or --check");
	rc = PM_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		int r = fmt_one(argv[i], mode, color);
		if (r > rc)
			rc = r;
	}
	if (fflush(stdout) != 0 && rc != PM_EXIT_TROUBLE) {   /* --check's list */
		cli_error("cannot write to standard output: %s", strerror(errno));
		return PM_EXIT_TROUBLE;
	}
	return rc;
}
