/* cmd_render.c — `procmap render`: load, resolve, analyse, draw. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff/diff.h"
#include "diff/rdiff.h"
#include "diff/source.h"
#include "render.h"

static const char render_usage[] =
	"usage: procmap render [options] -o DIR [FILE...]\n\n"
	"Draw the model made of FILE... as Graphviz diagrams in DIR: forest.svg,\n"
	"system-ID.svg, process-QUALIFIED-ID.svg and index.html, with the findings\n"
	"of the analysis drawn where they are.\n\n"
	"Options:\n"
	"  -o, --output DIR       write the diagrams here (created if missing);\n"
	"                         '-' writes one diagram to standard output\n"
	"  -l, --level LEVEL      forest, system, process or all (default)\n"
	"  -f, --format FMTS      comma-separated: svg (default), png, pdf, dot\n"
	"  -j, --jobs N           worker processes (default: the number of CPUs)\n"
	"      --max-nodes N      collapse larger forest/system diagrams (default 500)\n"
	"      --direction DIR    forest and system diagrams: TB (default) or LR\n"
	"      --theme THEME      auto (default: SVG follows the reader's light or\n"
	"                         dark setting, PNG/PDF light), light or dark\n"
	"      --scale N          PNG at N times 96 dpi (1 to 8, default 1)\n"
	"      --diff OLD         mark what changed since OLD (a file, a folder or a\n"
	"                         git revision, as 'procmap diff' takes it)\n"
	"  -q, --quiet            do not say what was written\n"
	CLI_SETUP_HELP
	"  -h, --help             show this help\n\n"
	"The findings drawn are those 'procmap check' reports with the same\n"
	"configuration and --rule options.\n"
	CLI_SETUP_HELP_CONFIG "\n"
	"Exit status: 0 drawn, 2 usage error, input errors, an invalid or\n"
	"unreadable configuration, or a failed write.\n";

typedef struct render_args {
	pm_render_options o;
	const char *dir;
	cli_setup setup;      /* --rule, --config, --no-config, --input-format */
	bool quiet;
	const char *diff;     /* --diff OLD */
} render_args;

static bool parse_formats(const char *s, unsigned *out)
{
	static const char *const names[] = { "svg", "png", "pdf", "dot" };
	*out = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int i = 0;
		while (i < 4 && !(strlen(names[i]) == n && strncmp(s, names[i], n) == 0))
			i++;
		if (i == 4)
			return false;
		*out |= 1u << i;
		s += n + (s[n] == ',');
	}
	return *out != 0;
}

static int parse_option(int c, const char *arg, void *ctx)
{
	render_args *a = ctx;
	switch (c) {
	case 'o':
		a->dir = arg;
		return -1;
	case 'f':
		if (!parse_formats(arg, &a->o.formats))
			return cli_usage("render", "invalid --format '%s' (svg, png, pdf, dot, comma-separated)", arg);
		return -1;
	case 'S':
		if (!cli_parse_count(arg, &a->o.scale) || a->o.scale > 8)
			return cli_usage("render", "invalid --scale '%s' (a number from 1 to 8)", arg);
		return -1;
	case 'q':
		a->quiet = true;
		return -1;
	case 'd':
		a->diff = arg;
		return -1;
	}
	int rc = cli_draw_option("render", c, arg, &a->o);
	if (rc != -2)
		return rc;
	rc = cli_setup_option(&a->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

/* Returns -1 to go on, or the exit status; sets *first to the first file. */
static int parse_args(int argc, char **argv, render_args *a, int *first)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		CLI_DRAW_OPTIONS,
		{ "scale", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "diff", required_argument, NULL, 'd' },
		CLI_SETUP_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("render", render_usage, argc, argv, "o:l:f:j:qh", opts, parse_option, a);
	if (rc >= 0)
		return rc;
	if ((rc = cli_setup_done(&a->setup)) >= 0)
		return rc;
	if (!a->dir)
		return cli_usage("render", "no output folder (-o DIR)");
	*first = optind;
	return -1;
}

/* "wrote 31 files to out/; open out/index.html", counted from the
 * manifest the library leaves in the folder. */
static void say_written(const char *dir, unsigned formats)
{
	size_t n = strlen(dir);
	char *path = malloc(n + 32);
	if (!path)
		return;
	snprintf(path, n + 32, "%s/procmap-manifest.txt", dir);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	unsigned count = 0;
	int ch;
	while ((ch = getc(f)) != EOF)
		count += ch == '\n';
	fclose(f);
	const char *sep = n && dir[n - 1] == '/' ? "" : "/";
	printf("wrote %u file%s to %s%s", count, count == 1 ? "" : "s", dir, sep);
	if (formats & PM_IMAGE_SVG)
		printf("; open %s%sindex.html", dir, sep);
	putchar('\n');
}

/* --diff OLD: OLD loaded and analysed like `procmap diff` does it, and
 * what changed since, marked for the diagrams of m (in m's arena). */
static bool diff_marks(const render_args *a, pm_model *m, pm_rdiff *r)
{
	char err[4096];
	pm_side side;
	char *arg = (char *)a->diff;
	bool ok = false;
	if (!pm_side_load(&side, &arg, 1, a->setup.input, err, sizeof err)) {
		cli_error("--diff: %s", err);
	} else if (side.io_failed) {
		for (size_t i = 0; i < pm_model_diag_count(side.m); i++) {
			const pm_diag *d = pm_model_diag(side.m, i);
			if (strcmp(d->rule, "io") == 0)
				cli_error("--diff: %s", d->message);
		}
	} else {
		int st;
		side.m = cli_analyse_loaded(&a->setup, side.m, side.first ? side.first : ".",
		                            false, &st);
		pm_diff d;
		if (side.m) {
			ok = pm_diff_compute(&d, side.m, m) && pm_rdiff_build(r, &d, side.m, m, a->diff);
			if (!ok)
				cli_error("out of memory");
			pm_diff_release(&d);
		} else {
			cli_error("--diff: '%s' does not load (see above)", a->diff);
		}
	}
	pm_side_release(&side);
	return ok;
}

static int render(render_args *a, char **files, int nfiles)
{
	bool stream = strcmp(a->dir, "-") == 0;
	if (stream && (a->o.formats & (a->o.formats - 1)))
		return cli_usage("render", "'-o -' takes one format");
	int setup_rc;
	pm_model *m = cli_analyse(&a->setup, files, nfiles, &setup_rc);
	if (!m)
		return setup_rc;
	pm_rdiff rd;
	if (a->diff && !diff_marks(a, m, &rd)) {
		pm_model_free(m);
		return PM_EXIT_TROUBLE;
	}
	if (stream)
		a->o.out = stdout;
	else
		a->o.out_dir = a->dir;
	pm_status st = pm_render_diff(m, &a->o, a->diff ? &rd : NULL);
	cli_print_draw_problems(m, PM_SEV_INFO);
	if (st == PM_OK && !stream && !a->quiet)
		say_written(a->dir, a->o.formats);
	if (st == PM_ERR_NOMEM)
		cli_error("out of memory");
	else if (st == PM_ERR_USAGE && stream)
		cli_error("'-o -' writes one diagram: use --level forest, or -o DIR");
	pm_model_free(m);
	if (stream && fflush(stdout) != 0)
		return PM_EXIT_TROUBLE;
	return st == PM_OK ? PM_EXIT_OK : PM_EXIT_TROUBLE;
}

int cmd_render(int argc, char **argv)
{
	render_args a = { .o = { .levels = PM_LEVEL_ALL, .formats = PM_IMAGE_SVG } };
	if (!cli_setup_init(&a.setup, "render", argc))
		return PM_EXIT_TROUBLE;
	a.setup.stop_on_errors = true;   /* a wrong model is not drawn */
	int first = 0;
	int rc = parse_args(argc, argv, &a, &first);
	if (rc < 0 && first >= argc) {   /* no FILE: the configuration's model: */
		int n;
		char **files = cli_config_model(&a.setup, &n);
		rc = files ? render(&a, files, n) : PM_EXIT_TROUBLE;
		pm_config_model_files_free(files, (size_t)n);
	} else if (rc < 0) {
		rc = render(&a, argv + first, argc - first);
	}
	cli_setup_release(&a.setup);
	return rc;
}
