/* cmd_convert.c — `procmap convert`: a model from .pmap to YAML and back
 * (docs/fmt.md). */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"

static const char convert_usage[] =
	"usage: procmap convert --to pmap|yaml [-o OUT] FILE\n\n"
	"Write the model in FILE ('-' reads standard input) as .pmap or YAML.\n"
	"The .pmap comes out in the layout of 'procmap fmt'; comments go along\n"
	"wherever the target can hold them.  A file with syntax errors is not\n"
	"converted: its diagnostics go to standard error and the exit status is 1.\n\n"
	"Options:\n"
	"  -t, --to FORMAT       pmap or yaml (default: from the extension of OUT)\n"
	"  -o, --output OUT      write OUT (atomically) instead of standard output\n"
	"      --input-format FMT  auto (by extension, default), pmap or yaml\n"
	"      --color WHEN      colour the diagnostics: auto (default), always, never\n"
	"  -h, --help            show this help\n";

enum target { TO_NONE, TO_PMAP, TO_YAML };

static enum target parse_target(const char *s)
{
	if (strcmp(s, "pmap") == 0)
		return TO_PMAP;
	if (strcmp(s, "yaml") == 0 || strcmp(s, "yml") == 0)
		return TO_YAML;
	return TO_NONE;
}

static enum target target_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && !strchr(dot, '/') ? parse_target(dot + 1) : TO_NONE;
}

static int write_failed(const char *out, const char *why)
{
	if (out)
		cli_error("cannot write '%s': %s", out, why);
	else
		cli_error("cannot write to standard output: %s", why);
	return PM_EXIT_TROUBLE;
}

static int write_model(pm_model *m, enum target to, const char *out)
{
	pm_outfile o;
	int e = pm_outfile_open(&o, out ? out : "-");
	if (e)
		return write_failed(out, strerror(e));
	errno = 0;
	pm_status st = to == TO_YAML ? pm_model_write_yaml(m, o.f) : pm_model_write_pmap(m, o.f);
	if (st != PM_OK) {
		e = errno ? errno : EIO;
		pm_outfile_abort(&o);
		return write_failed(out, st == PM_ERR_IO ? strerror(e) : pm_status_str(st));
	}
	e = pm_outfile_commit(&o, false);
	return e ? write_failed(out, strerror(e)) : PM_EXIT_OK;
}

static int convert(const char *file, pm_input_format fmt, enum target to,
                   const char *out, int color)
{
	pm_model *m = pm_model_new();
	if (!m) {
		cli_error("out of memory");
		return PM_EXIT_TROUBLE;
	}
	pm_status st = pm_model_load_file(m, file, fmt);
	int rc;
	if (st == PM_ERR_NOMEM) {
		cli_error("out of memory");
		rc = PM_EXIT_TROUBLE;
	} else if (st != PM_OK) {
		unsigned flags = cli_use_color(color, stderr) ? PM_WRITE_COLOR : 0;
		pm_status wst = pm_model_write_diagnostics(m, stderr, flags);
		rc = st == PM_ERR_IO || wst != PM_OK ? PM_EXIT_TROUBLE : PM_EXIT_FINDINGS;
		if (wst != PM_OK)
			cli_error("cannot print the diagnostics of '%s': %s", file, pm_status_str(wst));
	} else {
		rc = write_model(m, to, out);
	}
	pm_model_free(m);
	return rc;
}

typedef struct convert_opts {
	enum target to;
	pm_input_format fmt;
	const char *out;
	int color;
} convert_opts;

static int parse_option(int c, const char *arg, void *ctx)
{
	convert_opts *o = ctx;
	switch (c) {
	case 't':
		if ((o->to = parse_target(arg)) == TO_NONE)
			return cli_usage("convert", "invalid --to '%s' (pmap or yaml)", arg);
		return -1;
	case 'o':
		o->out = arg;
		return -1;
	case 'i':
		if (!cli_parse_input_format(arg, &o->fmt))
			return cli_usage("convert", "invalid --input-format '%s' (auto, pmap or yaml)", arg);
		return -1;
	default:   /* 'c' */
		if (!cli_parse_color(arg, &o->color))
			return cli_usage("convert", "invalid --color '%s' (auto, always or never)", arg);
		return -1;
	}
}

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "input-format", required_argument, NULL, 'i' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	convert_opts o = { .to = TO_NONE, .fmt = PM_INPUT_AUTO };
	int rc = cli_options("convert", convert_usage, argc, argv, "t:o:h", opts, parse_option, &o);
	if (rc >= 0)
		return rc;
	enum target to = o.to;
	pm_input_format fmt = o.fmt;
	const char *out = o.out;
	int color = o.color;
	if (optind >= argc)
		return cli_usage("convert", "no input file");
	if (argc - optind > 1)
		return cli_usage("convert", "one input file at a time");
	if (to == TO_NONE && out && strcmp(out, "-") != 0)
		to = target_of_path(out);
	if (to == TO_NONE)
		return cli_usage("convert", "--to is needed (pmap or yaml)");
	if (out && strcmp(out, "-") == 0)
		out = NULL;
	return convert(argv[optind], fmt, to, out, color);
}
