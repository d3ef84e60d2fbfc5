/* cmd_report.c — `procmap report`: the audit as one file to send, the
 * self-contained HTML page or the Markdown audit with its assets folder
 * (docs/report.md). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "md/md.h"   /* pm_md_link */

static const char report_usage[] =
	"usage: procmap report [options] -o OUT [FILE...]\n\n"
	"Write the audit of the model made of FILE... as one file to hand on:\n"
	"OUT.html is a single self-contained page (the audit page of 'render',\n"
	"every diagram inline, printable with a page a system), OUT.md the\n"
	"Markdown audit with its diagrams as SVG files in an assets folder.\n\n"
	"Options:\n"
	"  -o, --output OUT       write the audit here, whole or not at all; '-'\n"
	"                         writes the HTML page to standard output\n"
	"      --format FMT       html or markdown (default: by OUT's extension,\n"
	"                         .html/.htm or .md/.markdown)\n"
	"      --assets DIR       markdown: write the diagrams here (default:\n"
	"                         OUT without its extension, '-assets' added)\n"
	"  -l, --level LEVEL      diagrams of forest, system, process or all (default)\n"
	"  -j, --jobs N           worker processes (default: the number of CPUs)\n"
	"      --max-nodes N      collapse larger forest/system diagrams (default 500)\n"
	"      --direction DIR    forest and system diagrams: TB (default) or LR\n"
	"      --theme THEME      auto (default: follows the reader's light or dark\n"
	"                         setting), light or dark\n"
	"  -q, --quiet            do not say what was written\n"
	CLI_SETUP_HELP
	"  -h, --help             show this help\n\n"
	"The findings are those 'procmap check' reports with the same\n"
	"configuration and --rule options.\n"
	CLI_SETUP_HELP_CONFIG "\n"
	"Exit status: 0 written, 2 usage error, input errors, an invalid or\n"
	"unreadable configuration, or a failed write.\n";

enum { FMT_GUESS, FMT_HTML, FMT_MARKDOWN };

typedef struct report_args {
	pm_audit_options o;
	const char *out, *assets;
	int format;
	bool quiet;
	cli_setup setup;
} report_args;

static int parse_option(int c, const char *arg, void *ctx)
{
	report_args *a = ctx;
	switch (c) {
	case 'o':
		a->out = arg;
		return -1;
	case 'f': {
		static const char *const names[] = { "html", "markdown" };
		int i = cli_pick(arg, names, 2);
		if (i < 0)
			return cli_usage("report", "invalid --format '%s' (html or markdown)", arg);
		a->format = i ? FMT_MARKDOWN : FMT_HTML;
		return -1;
	}
	case 'A':
		a->assets = arg;
		return -1;
	case 'q':
		a->quiet = true;
		return -1;
	}
	int rc = cli_draw_option("report", c, arg, &a->o.render);
	if (rc != -2)
		return rc;
	rc = cli_setup_option(&a->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && strcasecmp(s + n - t, tail) == 0;
}

static int parse_args(int argc, char **argv, report_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "assets", required_argument, NULL, 'A' },
		CLI_DRAW_OPTIONS,
		{ "quiet", no_argument, NULL, 'q' },
		CLI_SETUP_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("report", report_usage, argc, argv, "o:l:j:qh", opts, parse_option, a);
	if (rc >= 0 || (rc = cli_setup_done(&a->setup)) >= 0)
		return rc;
	if (!a->out)
		return cli_usage("report", "no output file (-o audit.html or -o audit.md)");
	bool stream = !strcmp(a->out, "-");
	if (a->format == FMT_GUESS) {
		if (stream || ends_with(a->out, ".html") || ends_with(a->out, ".htm"))
			a->format = FMT_HTML;
		else if (ends_with(a->out, ".md") || ends_with(a->out, ".markdown"))
			a->format = FMT_MARKDOWN;
		else
			return cli_usage("report", "cannot tell the format of '%s' by its extension: "
			                 "use --format html or --format markdown", a->out);
	}
	if (a->format == FMT_MARKDOWN && stream)
		return cli_usage("report", "the Markdown audit needs a file beside its assets, not '-o -'");
	if (a->assets && a->format != FMT_MARKDOWN)
		return cli_usage("report", "--assets is for the Markdown audit; the HTML page has its "
		                 "diagrams inside");
	return -1;
}

/* OUT's assets folder: OUT without its extension, "-assets" added. */
static char *default_assets(const char *out)
{
	const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
	size_t n = dot && (!slash || dot > slash + 1) ? (size_t)(dot - out) : strlen(out);
	char *p = malloc(n + 8);
	if (p)
		snprintf(p, n + 8, "%.*s-assets", (int)n, out);
	return p;
}

static int report(report_args *a, char **files, int nfiles)
{
	bool md = a->format == FMT_MARKDOWN;
	char *assets = NULL, *url = NULL, *dir = NULL;
	if (md) {
		assets = a->assets ? strdup(a->assets) : default_assets(a->out);
		dir = cli_dir_of(a->out);
		url = assets && dir ? pm_md_link(dir, assets, "") : NULL;
		if (!url) {
			free(assets);
			free(dir);
			cli_error("out of memory");
			return PM_EXIT_TROUBLE;
		}
	}
	int setup_rc;
	pm_model *m = cli_analyse(&a->setup, files, nfiles, &setup_rc);
	if (!m) {
		free(assets);
		free(dir);
		free(url);
		return setup_rc;
	}
	bool stream = !strcmp(a->out, "-");
	a->o.markdown = md;
	a->o.path = stream ? NULL : a->out;
	a->o.out = stream ? stdout : NULL;
	a->o.assets_dir = assets;
	a->o.assets_url = url;
	pm_status st = pm_model_write_audit(m, &a->o);
	cli_print_draw_problems(m, PM_SEV_ERROR);   /* the findings are in the report */
	if (st == PM_OK && !stream && !a->quiet) {
		if (md)
			printf("wrote %s; its diagrams are in %s/\n", a->out, assets);
		else
			printf("wrote %s\n", a->out);
	}
	if (st == PM_ERR_NOMEM)
		cli_error("out of memory");
	pm_model_free(m);
	free(assets);
	free(dir);
	free(url);
	if (stream && fflush(stdout) != 0)
		return PM_EXIT_TROUBLE;
	return st == PM_OK ? PM_EXIT_OK : PM_EXIT_TROUBLE;
}

int cmd_report(int argc, char **argv)
{
	report_args a = { .o = { .render = { .levels = PM_LEVEL_ALL } } };
	if (!cli_setup_init(&a.setup, "report", argc))
		return PM_EXIT_TROUBLE;
	a.setup.stop_on_errors = true;   /* a wrong model gets no report */
	int rc = parse_args(argc, argv, &a);
	if (rc < 0 && optind >= argc) {   /* no FILE: the configuration's model */
		int n;
		char **files = cli_config_model(&a.setup, &n);
		rc = files ? report(&a, files, n) : PM_EXIT_TROUBLE;
		pm_config_model_files_free(files, (size_t)n);
	} else if (rc < 0) {
		rc = report(&a, argv + optind, argc - optind);
	}
	cli_setup_release(&a.setup);
	return rc;
}
