/* cmd_diff.c — `procmap diff OLD NEW`: load and analyse both versions of a
 * model (each with its configuration, found as `check` finds it), compare
 * them, write the change set, and exit like diff(1). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff/diff.h"
#include "diff/source.h"
#include "fileio.h"
#include "suggest.h"

static const char diff_usage[] =
	"usage: procmap diff [options] OLD NEW\n"
	"       procmap diff [options] OLD... -- NEW...\n\n"
	"Compare two versions of a model: the elements added, removed, moved and\n"
	"renamed, the attributes changed, the lead times, work times, flow\n"
	"efficiencies, loads and utilisations that moved, and the findings that\n"
	"are new or fixed.  OLD and NEW are each a file ('-' reads standard input),\n"
	"a folder (its .pmap, .yaml and .yml files), a git revision REV (the\n"
	"model files git tracks under the current folder at REV) or REV:PATH.\n"
	"Options come before OLD.\n\n"
	"Options:\n"
	"  -f, --format FMT       text (default), json or markdown\n"
	"  -o, --output FILE      write the change set to FILE, whole or not at all\n"
	CLI_SETUP_HELP
	"      --fail-on-new LEVEL  exit 1 only when a new finding at LEVEL or above\n"
	"                         appears: error, warning or info\n"
	"      --color WHEN       auto (default), always or never; NO_COLOR disables\n"
	"  -h, --help             show this help\n\n"
	"Each side reads the .procmap.yaml nearest to its first file (for a git\n"
	"revision, to that file's place in the work tree) unless --config or\n"
	"--no-config says otherwise.\n\n"
	"Exit status: 0 no change, 1 changes (with --fail-on-new: a new finding at\n"
	"that level or above), 2 usage error, unreadable or invalid input, or the\n"
	"output could not be written.\n";

typedef struct diff_opts {
	pm_diff_format format;
	const char *output;
	cli_setup setup;
	pm_severity fail_on_new;   /* PM_SEV_OFF: exit by any change */
	int color;
	char **old_args, **new_args;
	int nold, nnew;
} diff_opts;

static int parse_option(int c, const char *arg, void *ctx)
{
	diff_opts *o = ctx;
	static const char *const levels[] = { "info", "warning", "error" };
	switch (c) {
	case 'f':
		if (strcmp(arg, "text") == 0)
			o->format = PM_DIFF_TEXT;
		else if (strcmp(arg, "json") == 0)
			o->format = PM_DIFF_JSON;
		else if (strcmp(arg, "markdown") == 0)
			o->format = PM_DIFF_MARKDOWN;
		else
			return cli_usage("diff", "invalid --format '%s' (text, json or markdown)%s", arg,
			                 cli_hint(pm_suggest_list(arg, "text\0json\0markdown\0")));
		return -1;
	case 'o':
		o->output = strcmp(arg, "-") == 0 ? NULL : arg;
		return -1;
	case 'F':
		for (int i = 0; i < 3; i++)
			if (strcmp(arg, levels[i]) == 0) {
				o->fail_on_new = (pm_severity)(i + 1);
				return -1;
			}
		return cli_usage("diff", "invalid --fail-on-new '%s' (error, warning or info)%s", arg,
		                 cli_hint(pm_suggest_list(arg, "error\0warning\0info\0")));
	case 'c':
		if (!cli_parse_color(arg, &o->color))
			return cli_usage("diff", "invalid --color '%s' (auto, always or never)", arg);
		o->setup.color = o->color;
		return -1;
	}
	int rc = cli_setup_option(&o->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

/* OLD NEW, or OLD... -- NEW... */
static int split_operands(int argc, char **argv, diff_opts *o)
{
	char **args = argv + optind;
	int n = argc - optind, sep = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(args[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0) {
		if (n != 2)
			return cli_usage("diff", n < 2 ? "needs OLD and NEW"
			                 : "more than two operands: separate OLD... and NEW... with '--'");
		sep = 1;
		o->old_args = args;
		o->nold = 1;
		o->new_args = args + 1;
		o->nnew = 1;
		return -1;
	}
	o->old_args = args;
	o->nold = sep;
	o->new_args = args + sep + 1;
	o->nnew = n - sep - 1;
	if (o->nold == 0 || o->nnew == 0)
		return cli_usage("diff", "needs OLD and NEW on both sides of '--'");
	return -1;
}

static int parse_args(int argc, char **argv, diff_opts *o)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CLI_SETUP_OPTIONS,
		{ "fail-on-new", required_argument, NULL, 'F' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("diff", diff_usage, argc, argv, "+f:o:h", opts, parse_option, o);
	if (rc >= 0)
		return rc;
	if ((rc = cli_setup_done(&o->setup)) >= 0)
		return rc;
	return split_operands(argc, argv, o);
}

/* One side being read (in a thread of its own while the other is read). */
typedef struct side_job {
	const diff_opts *o;
	char **args;
	int n;
	pm_side side;
	bool ok;
	char err[4096];
} side_job;

static void *read_side(void *arg)
{
	side_job *j = arg;
	j->ok = pm_side_load(&j->side, j->args, j->n, j->o->setup.input, j->err, sizeof j->err);
	return NULL;
}

/* Reads both sides, the old one in a second thread: reading and resolving
 * is most of the time, and two models are independent.  (Not under the
 * allocation failure injection of the tests, whose counter is global.) */
static void read_sides(side_job *a, side_job *b)
{
	pthread_t t;
	const char *fail = getenv("PROCMAP_FAIL_ALLOC");
	bool threaded = !(fail && *fail) && pthread_create(&t, NULL, read_side, a) == 0;
	if (!threaded)
		read_side(a);
	read_side(b);
	if (threaded)
		pthread_join(t, NULL);
}

/* Analyses a side read; NULL after saying why. */
static pm_model *analyse_side(const diff_opts *o, side_job *j)
{
	pm_side *s = &j->side;
	if (!j->ok) {
		cli_error("%s", j->err);
		return NULL;
	}
	if (s->io_failed) {
		for (size_t i = 0; i < pm_model_diag_count(s->m); i++) {
			const pm_diag *d = pm_model_diag(s->m, i);
			if (strcmp(d->rule, "io") == 0)
				cli_error("%s", d->message);
		}
		return NULL;
	}
	int st;
	pm_model *m = cli_analyse_loaded(&o->setup, s->m, s->first ? s->first : ".", false, &st);
	s->m = m;
	return m;
}

static char *join(char **args, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(args[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, args[i]);
	}
	return s;
}

static bool write_diff(const pm_diff *d, pm_model *a, pm_model *b, const diff_opts *o)
{
	char *on = join(o->old_args, o->nold), *nn = join(o->new_args, o->nnew);
	pm_outfile f;
	int e = !on || !nn ? ENOMEM : pm_outfile_open(&f, o->output ? o->output : "-");
	if (e) {
		free(on);
		free(nn);
		cli_error("cannot write '%s': %s", o->output ? o->output : "-", strerror(e));
		return false;
	}
	bool color = o->format == PM_DIFF_TEXT && cli_use_color(o->color, f.f);
	bool ok = pm_diff_write(d, a, b, on, nn, f.f, o->format, color);
	free(on);
	free(nn);
	if (!ok) {
		pm_outfile_abort(&f);
		cli_error("out of memory");
		return false;
	}
	if ((e = pm_outfile_commit(&f, false)) != 0) {
		cli_error("cannot write '%s': %s", o->output ? o->output : "standard output",
		          strerror(e));
		return false;
	}
	return true;
}

static int status_of(const pm_diff *d, const diff_opts *o)
{
	if (o->fail_on_new == PM_SEV_OFF)
		return pm_diff_changed(d) ? PM_EXIT_FINDINGS : PM_EXIT_OK;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].what == PM_CH_FINDING_NEW && d->v[i].diag->severity >= o->fail_on_new)
			return PM_EXIT_FINDINGS;
	return PM_EXIT_OK;
}

static int run(const diff_opts *o)
{
	side_job *a = calloc(2, sizeof *a), *b = a + 1;
	if (!a) {
		cli_error("out of memory");
		return PM_EXIT_TROUBLE;
	}
	*a = (side_job){ .o = o, .args = o->old_args, .n = o->nold };
	*b = (side_job){ .o = o, .args = o->new_args, .n = o->nnew };
	read_sides(a, b);
	pm_model *ma = analyse_side(o, a);
	pm_model *mb = ma ? analyse_side(o, b) : NULL;
	int rc = PM_EXIT_TROUBLE;
	if (ma && mb) {
		pm_diff d;
		if (!pm_diff_compute(&d, ma, mb))
			cli_error("out of memory");
		else if (write_diff(&d, ma, mb, o))
			rc = status_of(&d, o);
		pm_diff_release(&d);
	}
	pm_side_release(&a->side);
	pm_side_release(&b->side);
	free(a);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	diff_opts o = { .format = PM_DIFF_TEXT };
	if (!cli_setup_init(&o.setup, "diff", argc))
		return PM_EXIT_TROUBLE;
	o.setup.stop_on_errors = true;   /* a model that does not load is not compared */
	int rc = parse_args(argc, argv, &o);
	if (rc < 0)
		rc = run(&o);
	cli_setup_release(&o.setup);
	return rc;
}
