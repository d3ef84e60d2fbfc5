/* cmd_check.c — `procmap check`: load, resolve, report diagnostics. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char check_usage[] =
	"usage: procmap check [options] FILE...\n\n"
	"Parse and resolve the model made of FILE... ('-' reads standard input)\n"
	"and report every problem found.\n\n"
	"Options:\n"
	"  --fail-on LEVEL       exit 1 when a diagnostic at LEVEL or above exists:\n"
	"                        error (default), warning or info\n"
	"  --input-format FMT    auto (by extension, default), pmap or yaml\n"
	"  --color WHEN          auto (default), always or never; NO_COLOR disables\n"
	"  -h, --help            show this help\n";

static bool parse_level(const char *s, pm_severity *out)
{
	static const char *const names[] = { "info", "warning", "error" };
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (pm_severity)(i + 1);
			return true;
		}
	return false;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fail-on", required_argument, NULL, 'f' },
		{ "input-format", required_argument, NULL, 'i' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	pm_severity fail_on = PM_SEV_ERROR;
	pm_input_format fmt = PM_INPUT_AUTO;
	int color = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!parse_level(optarg, &fail_on))
				return cli_usage("check", "invalid --fail-on '%s' (error, warning or info)", optarg);
			break;
		case 'i':
			if (!cli_parse_input_format(optarg, &fmt))
				return cli_usage("check", "invalid --input-format '%s' (auto, pmap or yaml)", optarg);
			break;
		case 'c':
			if (!cli_parse_color(optarg, &color))
				return cli_usage("check", "invalid --color '%s' (auto, always or never)", optarg);
			break;
		case 'h':
			fputs(check_usage, stdout);
			return PM_EXIT_OK;
		case ':':
			return cli_usage("check", "option '%s' needs a value", argv[optind - 1]);
		default:
			return cli_usage("check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage("check", "no input files");

	bool io_failed;
	pm_model *m = cli_load(argv + optind, argc - optind, fmt, &io_failed);
	if (!m)
		return PM_EXIT_TROUBLE;
	unsigned flags = cli_use_color(color, stdout) ? PM_WRITE_COLOR : 0;
	pm_status st = pm_model_write_diagnostics(m, stdout, flags);
	size_t n[4] = { 0 };
	for (int s = PM_SEV_INFO; s <= PM_SEV_ERROR; s++)
		n[s] = pm_model_diag_count_at(m, (pm_severity)s);
	printf("%zu error%s, %zu warning%s, %zu info%s\n",
	       n[PM_SEV_ERROR], n[PM_SEV_ERROR] == 1 ? "" : "s",
	       n[PM_SEV_WARNING], n[PM_SEV_WARNING] == 1 ? "" : "s",
	       n[PM_SEV_INFO], n[PM_SEV_INFO] == 1 ? "" : "s");
	pm_model_free(m);
	if (st != PM_OK || fflush(stdout) != 0) {
		cli_error("cannot write the report: %s", st == PM_ERR_NOMEM ?
		          "out of memory" : "write error");
		return PM_EXIT_TROUBLE;
	}
	if (io_failed)
		return PM_EXIT_TROUBLE;
	for (int s = fail_on; s <= PM_SEV_ERROR; s++)
		if (n[s])
			return PM_EXIT_FINDINGS;
	return PM_EXIT_OK;
}
