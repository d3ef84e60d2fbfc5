/* cmd_md.c — `procmap md`: the pmap code blocks of a Markdown file drawn
 * as SVG assets and replaced by image links (docs/markdown.md; the
 * finding and splicing is src/md/). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "md/md.h"

static const char md_usage[] =
	"usage: procmap md [options] IN.md\n\n"
	"Draw every fenced code block of IN.md whose info string starts with\n"
	"'pmap' as an SVG in the assets folder, and write the Markdown with an\n"
	"image link in each block's place; every other byte stays as it was.\n"
	"'-' reads standard input.  A block that has errors is shown at its line\n"
	"in IN.md, and nothing is written.\n\n"
	"Block options, after 'pmap' on the fence line:\n"
	"  level=forest|system|process   what to draw (default: the one process\n"
	"                         of a model that has one, the one system of a\n"
	"                         model all in one system, else the forest)\n"
	"  id=ID                  the system or process (qualified id) to draw\n"
	"  file=PATH              draw this model file (relative to IN.md)\n"
	"                         instead of the block's text\n"
	"  direction=TB|LR  theme=auto|light|dark   as for 'procmap render'\n\n"
	"Options:\n"
	"  -o, --output OUT       write the Markdown to OUT (default: standard output)\n"
	"  -w, --write            rewrite IN.md in place (atomically)\n"
	"      --assets DIR       write the SVGs here (default: 'assets' beside OUT,\n"
	"                         or beside IN.md); links are relative to OUT\n"
	"      --keep-source      keep each block in a collapsed <details> under its\n"
	"                         image, so that a later run draws it again\n"
	"      --check            write nothing; print what would change and exit 1\n"
	"                         when an asset is missing or stale or OUT (with -o)\n"
	"                         or IN.md would change\n"
	"      --color WHEN       colour the diagnostics: auto (default), always, never\n"
	CLI_SETUP_HELP
	"  -h, --help             show this help\n\n"
	"Without --config or --no-config, the configuration is the .procmap.yaml\n"
	"in the folder of IN.md (of the model file, for file=) or above it.\n\n"
	"Exit status: 0 done (--check: nothing would change), 1 a block has\n"
	"errors (--check: something would change), 2 usage error, unreadable\n"
	"input or model file, invalid configuration, failed write.\n";

typedef struct md_args {
	const char *out, *assets;
	bool write, check, keep;
	int color;
	cli_setup setup;
} md_args;

static int parse_option(int c, const char *arg, void *ctx)
{
	md_args *a = ctx;
	switch (c) {
	case 'o':
		a->out = arg;
		return -1;
	case 'A':
		a->assets = arg;
		return -1;
	case 'w':
		a->write = true;
		return -1;
	case 'k':
		a->check = true;
		return -1;
	case 'K':
		a->keep = true;
		return -1;
	case 'c':
		if (!cli_parse_color(arg, &a->color))
			return cli_usage("md", "invalid --color '%s' (auto, always or never)", arg);
		a->setup.color = a->color;
		return -1;
	}
	int rc = cli_setup_option(&a->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

static int parse_args(int argc, char **argv, md_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "write", no_argument, NULL, 'w' },
		{ "assets", required_argument, NULL, 'A' },
		{ "keep-source", no_argument, NULL, 'K' },
		{ "check", no_argument, NULL, 'k' },
		{ "color", required_argument, NULL, 'c' },
		CLI_SETUP_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("md", md_usage, argc, argv, "o:wh", opts, parse_option, a);
	if (rc >= 0 || (rc = cli_setup_done(&a->setup)) >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage("md", "no input file");
	if (optind + 1 < argc)
		return cli_usage("md", "one input file at a time (got %d)", argc - optind);
	if (a->write && a->out)
		return cli_usage("md", "-w and -o cannot be used together");
	if (a->write && a->check)
		return cli_usage("md", "-w and --check cannot be used together");
	if (a->write && !strcmp(argv[optind], "-"))
		return cli_usage("md", "-w needs a file, not standard input");
	return -1;
}

/* --- one run ----------------------------------------------------------------- */

typedef struct md_run {
	const md_args *a;
	const char *in, *target;      /* target: the Markdown file written or checked, or NULL */
	char *out_dir, *assets;
	pm_md_doc doc;
	pm_md_drawing *dr;            /* one per block */
	bool changes;                 /* --check found something */
} md_run;

static pm_model *analyse(pm_model *m, const char *first, void *arg)
{
	const md_run *r = arg;
	int status;
	m = cli_analyse_loaded(&r->a->setup, m, first, false, &status);
	return m;
}

static void report(pm_model *m, void *arg)
{
	const md_run *r = arg;
	unsigned flags = cli_use_color(r->a->color, stderr) ? PM_WRITE_COLOR : 0;
	if (pm_model_write_diagnostics(m, stderr, flags) != PM_OK)
		cli_error("cannot print the diagnostics of '%s'", r->doc.name);
}

/* The folder of a path ("." for a bare name or standard input); malloc'd. */
/* Draws every block; the worst status (after showing each block's errors;
 * trouble, such as an invalid configuration, stops at once). */
static int draw_all(md_run *r)
{
	pm_md_ctx ctx = { .path = r->in, .input = r->a->setup.input, .analyse = analyse,
	                  .report = report, .arg = r };
	int rc = PM_EXIT_OK;
	for (size_t i = 0; i < r->doc.nblocks && rc != PM_EXIT_TROUBLE; i++) {
		pm_status st = pm_md_draw(&ctx, &r->doc, i, &r->dr[i]);
		if (st == PM_ERR_NOMEM) {
			cli_error("out of memory");
			return PM_EXIT_TROUBLE;
		}
		int brc = st == PM_OK ? PM_EXIT_OK : st == PM_ERR_INPUT ? PM_EXIT_FINDINGS
		          : PM_EXIT_TROUBLE;
		if (brc > rc)
			rc = brc;
	}
	return rc;
}

/* The new Markdown text, NULL when out of memory (after saying so). */
static char *build(md_run *r, size_t *len)
{
	size_t n = r->doc.nblocks;
	char **repl = calloc(n + 1, sizeof *repl);
	size_t *rlen = calloc(n + 1, sizeof *rlen);
	char *text = NULL;
	bool ok = repl && rlen;
	for (size_t i = 0; ok && i < n; i++) {
		char *url = pm_md_link(r->out_dir, r->assets, r->dr[i].name);
		repl[i] = url ? pm_md_replacement(&r->doc, &r->doc.blocks[i], r->dr[i].alt, url,
		                                  r->a->keep, &rlen[i]) : NULL;
		ok = repl[i] != NULL;
		free(url);
	}
	if (ok)
		text = pm_md_splice(&r->doc, repl, rlen, len);
	for (size_t i = 0; repl && i < n; i++)
		free(repl[i]);
	free(repl);
	free(rlen);
	if (!text)
		cli_error("out of memory (or the current folder is gone)");
	return text;
}

/* Whether the file at path holds exactly these bytes. */
static bool same_file(const char *path, const char *data, size_t len)
{
	size_t n;
	char *old = pm_read_all(path, &n);
	bool same = old && n == len && memcmp(old, data, len) == 0;
	free(old);
	return same;
}

/* Writes (or, under --check, names) what differs; the exit status. */
static int put_file(md_run *r, const char *path, const char *data, size_t len, bool follow)
{
	if (same_file(path, data, len))
		return PM_EXIT_OK;
	if (r->a->check) {
		printf("would write %s\n", path);
		r->changes = true;
		return PM_EXIT_OK;
	}
	int e = pm_write_all(path, data, len, follow);
	if (e)
		cli_error("cannot write '%s': %s", path, strerror(e));
	return e ? PM_EXIT_TROUBLE : PM_EXIT_OK;
}

static int write_assets(md_run *r)
{
	if (r->doc.nblocks == 0)
		return PM_EXIT_OK;
	int e = r->a->check ? 0 : pm_make_dirs(r->assets);
	if (e) {
		cli_error("cannot create '%s': %s", r->assets, strerror(e));
		return PM_EXIT_TROUBLE;
	}
	int rc = PM_EXIT_OK;
	for (size_t i = 0; i < r->doc.nblocks && rc == PM_EXIT_OK; i++) {
		char *path = cli_join(r->assets, r->dr[i].name);
		if (!path) {
			cli_error("out of memory");
			return PM_EXIT_TROUBLE;
		}
		rc = put_file(r, path, r->dr[i].svg, r->dr[i].len, false);
		free(path);
	}
	return rc;
}

static int write_markdown(md_run *r, const char *text, size_t len)
{
	if (r->a->check && !r->target)   /* standard input: only the assets */
		return PM_EXIT_OK;
	int e = r->target && !r->a->check ? pm_make_dirs(r->out_dir) : 0;
	if (e) {
		cli_error("cannot create '%s': %s", r->out_dir, strerror(e));
		return PM_EXIT_TROUBLE;
	}
	if (r->target)
		return put_file(r, r->target, text, len, true);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error("cannot write to standard output: %s", strerror(errno));
		return PM_EXIT_TROUBLE;
	}
	return PM_EXIT_OK;
}

/* Everything is drawn before anything is written: a block with errors
 * leaves every file as it was. */
static int run(md_run *r, const char *text, size_t len)
{
	if (pm_md_doc_parse(&r->doc, strcmp(r->in, "-") ? r->in : "<stdin>", text, len)) {
		cli_error("out of memory");
		return PM_EXIT_TROUBLE;
	}
	int rc = PM_EXIT_TROUBLE;
	r->dr = calloc(r->doc.nblocks + 1, sizeof *r->dr);
	if (!r->dr)
		cli_error("out of memory");
	else if ((rc = draw_all(r)) == PM_EXIT_OK) {
		size_t outlen;
		char *out = build(r, &outlen);
		rc = out ? write_assets(r) : PM_EXIT_TROUBLE;
		if (rc == PM_EXIT_OK)
			rc = write_markdown(r, out, outlen);
		free(out);
		if (rc == PM_EXIT_OK && r->changes)
			rc = PM_EXIT_FINDINGS;
	}
	for (size_t i = 0; r->dr && i < r->doc.nblocks; i++)
		pm_md_drawing_release(&r->dr[i]);
	free(r->dr);
	pm_md_doc_release(&r->doc);
	return rc;
}

static int md(const md_args *a, const char *in)
{
	md_run r = { .a = a, .in = in };
	/* --check alone checks what -w would write */
	r.target = a->out ? a->out : a->write || a->check ? in : NULL;
	if (r.target && !strcmp(r.target, "-"))
		r.target = NULL;
	size_t len;
	char *text = pm_read_all(in, &len);
	if (!text) {
		cli_error("cannot read '%s': %s", in, strerror(errno));
		return PM_EXIT_TROUBLE;
	}
	r.out_dir = cli_dir_of(r.target ? r.target : in);
	r.assets = a->assets ? strdup(a->assets) : r.out_dir ? cli_join(r.out_dir, "assets") : NULL;
	int rc = PM_EXIT_TROUBLE;
	if (!r.out_dir || !r.assets)
		cli_error("out of memory");
	else
		rc = run(&r, text, len);
	free(r.out_dir);
	free(r.assets);
	free(text);
	return rc;
}

int cmd_md(int argc, char **argv)
{
	md_args a = { .out = NULL };
	if (!cli_setup_init(&a.setup, "md", argc))
		return PM_EXIT_TROUBLE;
	int rc = parse_args(argc, argv, &a);
	if (rc < 0)
		rc = md(&a, argv[optind]);
	cli_setup_release(&a.setup);
	return rc;
}
