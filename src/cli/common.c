/* common.c — helpers shared by the subcommands. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rules.h"
#include "suggest.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "procmap%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'procmap %s%s--help' for more information.\n",
	        cmd ? cmd : "", cmd ? " " : "");
	return PM_EXIT_TROUBLE;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("procmap: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cli_hint(const char *word)
{
	static char buf[160];
	if (!word)
		return "";
	snprintf(buf, sizeof buf, "; did you mean '%s'?", word);
	return buf;
}

/* getopt_long() said '?': an unknown option (the closest long one
 * suggested), or a value given to a long option that takes none. */
static int bad_option(const char *cmd, const char *arg, const struct option *opts)
{
	if (strncmp(arg, "--", 2) != 0)
		return cli_usage(cmd, "unknown option '-%c'", optopt ? optopt : '?');
	size_t n = strcspn(arg + 2, "=");
	if (optopt && arg[2 + n] == '=')
		return cli_usage(cmd, "option '%.*s' takes no value", (int)n + 2, arg);
	pm_suggester sg;
	pm_suggest_start(&sg, arg + 2, n);
	for (const struct option *o = opts; o->name; o++)
		pm_suggest_offer(&sg, o->name, strlen(o->name));
	const char *hint = pm_suggest_result(&sg);
	char dashed[80];
	if (hint)
		snprintf(dashed, sizeof dashed, "--%s", hint);
	return cli_usage(cmd, "unknown option '%s'%s", arg, cli_hint(hint ? dashed : NULL));
}

int cli_options(const char *cmd, const char *usage, int argc, char **argv,
                const char *shortopts, const struct option *opts,
                cli_option_fn fn, void *ctx)
{
	char spec[64];
	bool stop = shortopts[0] == '+';
	snprintf(spec, sizeof spec, "%s:%s", stop ? "+" : "", shortopts + stop);
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, spec, opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return PM_EXIT_OK;
		}
		if (c == ':')
			return cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
		if (c == '?')
			return bad_option(cmd, argv[optind - 1], opts);
		if ((rc = fn(c, optarg, ctx)) >= 0)
			return rc;
	}
	return -1;
}

bool cli_parse_color(const char *arg, int *mode)
{
	static const char *const modes[] = { "auto", "always", "never" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(arg, modes[i]) == 0) {
			*mode = i;
			return true;
		}
	}
	return false;
}

bool cli_use_color(int mode, FILE *stream)
{
	if (mode == 1)
		return true;
	if (mode == 2)
		return false;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(stream));
}

bool cli_parse_input_format(const char *arg, pm_input_format *fmt)
{
	if (strcmp(arg, "auto") == 0)
		*fmt = PM_INPUT_AUTO;
	else if (strcmp(arg, "pmap") == 0)
		*fmt = PM_INPUT_PMAP;
	else if (strcmp(arg, "yaml") == 0)
		*fmt = PM_INPUT_YAML;
	else
		return false;
	return true;
}

pm_model *cli_load(char **files, int nfiles, pm_input_format fmt, bool *io_failed)
{
	pm_model *m = pm_model_new();
	*io_failed = false;
	if (!m) {
		cli_error("out of memory");
		return NULL;
	}
	for (int i = 0; i < nfiles; i++) {
		pm_status st = pm_model_load_file(m, files[i], fmt);
		if (st == PM_ERR_NOMEM)
			goto oom;
		if (st == PM_ERR_IO)
			*io_failed = true;
	}
	if (pm_model_resolve(m) == PM_ERR_NOMEM)
		goto oom;
	return m;
oom:
	pm_model_free(m);
	cli_error("out of memory");
	return NULL;
}

/* --- the setup of the commands that analyse ----------------------------------- */

bool cli_setup_init(cli_setup *s, const char *cmd, int argc)
{
	*s = (cli_setup){ .cmd = cmd };
	s->rules = calloc((size_t)argc + 1, sizeof *s->rules);
	if (!s->rules)
		cli_error("out of memory");
	return s->rules != NULL;
}

void cli_setup_release(cli_setup *s)
{
	free(s->rules);
	s->rules = NULL;
}

static bool level_ok(const char *s)
{
	static const char *const levels[] = { "off", "info", "warning", "error" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, levels[i]) == 0)
			return true;
	return false;
}

/* Checks a --rule value before any input is read; -1 or the status of a
 * usage error. */
static int check_rule(const char *cmd, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return cli_usage(cmd, "invalid --rule '%s' (expected NAME=LEVEL)", arg);
	size_t len = (size_t)(eq - arg);
	const pm_rule_info *ri = pm_rule_find(arg, len);
	if (!ri)
		return cli_usage(cmd, "unknown rule '%.*s' in --rule '%s'%s", (int)len, arg, arg,
		                 cli_hint(pm_suggest_rule(arg, len)));
	if (!ri->analysis)
		return cli_usage(cmd, "rule '%s' cannot be configured: only the analysis "
		                 "rules can (see 'procmap rules')", ri->name);
	if (!level_ok(eq + 1))
		return cli_usage(cmd, "invalid level '%s' in --rule '%s' (off, info, warning or error)",
		                 eq + 1, arg);
	return -1;
}

int cli_setup_option(cli_setup *s, int c, const char *arg)
{
	int rc;
	switch (c) {
	case 'r':
		if ((rc = check_rule(s->cmd, arg)) >= 0)
			return rc;
		s->rules[s->nrules++] = arg;
		return -1;
	case 'C':
		s->config = arg;
		return -1;
	case 'N':
		s->no_config = true;
		return -1;
	case 'i':
		if (!cli_parse_input_format(arg, &s->input))
			return cli_usage(s->cmd, "invalid --input-format '%s' (auto, pmap or yaml)%s",
			                 arg, cli_hint(pm_suggest_list(arg, "auto\0pmap\0yaml\0")));
		return -1;
	}
	return -2;
}

int cli_setup_done(const cli_setup *s)
{
	if (s->config && s->no_config)
		return cli_usage(s->cmd, "--config and --no-config cannot be used together");
	return -1;
}

/* Reads the configuration on a model of its own first, so that its
 * mistakes are told the same way, and alone, by every command; false after
 * telling them. */
static bool config_valid(const cli_setup *s, const char *path)
{
	pm_model *probe = pm_model_new();
	if (!probe) {
		cli_error("out of memory");
		return false;
	}
	pm_status st = pm_model_resolve(probe);
	if (st == PM_OK)
		st = pm_model_load_config(probe, path);
	if (st == PM_ERR_NOMEM) {
		cli_error("out of memory");
	} else if (st == PM_ERR_IO) {
		for (size_t i = 0; i < pm_model_diag_count(probe); i++)
			cli_error("%s", pm_model_diag(probe, i)->message);
	} else if (st != PM_OK) {
		unsigned flags = cli_use_color(s->color, stderr) ? PM_WRITE_COLOR : 0;
		pm_model_write_diagnostics(probe, stderr, flags);
		cli_error("invalid configuration '%s': fix it, or pass --no-config", path);
	}
	pm_model_free(probe);
	return st == PM_OK;
}

pm_model *cli_analyse(const cli_setup *s, char **files, int nfiles, int *status)
{
	*status = PM_EXIT_TROUBLE;
	bool io_failed;
	pm_model *m = cli_load(files, nfiles, s->input, &io_failed);
	if (!m)
		return NULL;
	return cli_analyse_loaded(s, m, files[0], io_failed, status);
}

pm_model *cli_analyse_loaded(const cli_setup *s, pm_model *m, const char *first,
                             bool io_failed, int *status)
{
	*status = PM_EXIT_TROUBLE;
	char *found = NULL;
	const char *path = s->config;
	if (!path && !s->no_config)
		path = found = pm_config_find(first);   /* "-": from "." */
	pm_status st = PM_OK;
	if (path && !config_valid(s, path))
		goto fail;
	if (s->stop_on_errors && (io_failed || pm_model_diag_count_at(m, PM_SEV_ERROR))) {
		pm_model_write_diagnostics(m, stderr, 0);
		goto fail;
	}
	if (s->drop_sources)
		pm_model_drop_sources(m);
	if (path)
		st = pm_model_load_config(m, path);
	for (int i = 0; st == PM_OK && i < s->nrules; i++)
		st = pm_model_set_rule(m, s->rules[i]);   /* checked by check_rule() */
	if (st == PM_OK)
		st = pm_model_analyze(m);
	if (st != PM_OK) {
		/* the configuration was valid a moment ago: memory ran out, or the
		 * file changed under us */
		if (st == PM_ERR_NOMEM)
			cli_error("out of memory");
		else
			cli_error("cannot read '%s'", path ? path : "-");
		goto fail;
	}
	free(found);
	*status = io_failed ? PM_EXIT_TROUBLE : PM_EXIT_OK;
	return m;
fail:
	free(found);
	pm_model_free(m);
	return NULL;
}

char **cli_config_model(const cli_setup *s, int *nfiles)
{
	*nfiles = 0;
	char *found = NULL;
	const char *path = s->config;
	if (!path && !s->no_config)
		path = found = pm_config_find("-");   /* from the current folder */
	char **files = NULL;
	size_t n = 0;
	pm_status st = path ? pm_config_model_files(path, &files, &n) : PM_OK;
	if (st == PM_OK && n > 0 && n < INT_MAX) {
		free(found);
		*nfiles = (int)n;
		return files;
	}
	pm_config_model_files_free(files, n);
	if (st == PM_ERR_NOMEM)
		cli_error("out of memory");
	else if (path && st == PM_OK)
		cli_usage(s->cmd, "no input files, and '%s' names none ('model:')", path);
	else if (path)
		cli_usage(s->cmd, "no input files, and '%s' cannot be read", path);
	else
		cli_usage(s->cmd, "no input files");
	free(found);
	return NULL;
}

/* --- how diagrams are drawn: render and report ---------------------------- */

void cli_print_draw_problems(pm_model *m, pm_severity render_min)
{
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (strcmp(d->rule, "io") == 0
		    || (strcmp(d->rule, "render") == 0 && d->severity >= render_min))
			fprintf(stderr, "procmap: %s: %s\n", pm_severity_str(d->severity), d->message);
	}
}

int cli_pick(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool cli_parse_count(const char *s, unsigned *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 1000000)
		return false;
	*out = (unsigned)v;
	return true;
}

int cli_draw_option(const char *cmd, int c, const char *arg, pm_render_options *o)
{
	switch (c) {
	case 'l': {
		static const char *const names[] = { "forest", "system", "process", "all" };
		static const unsigned bits[] = { PM_LEVEL_FOREST, PM_LEVEL_SYSTEM, PM_LEVEL_PROCESS,
		                                 PM_LEVEL_ALL };
		int i = cli_pick(arg, names, 4);
		if (i < 0)
			return cli_usage(cmd, "invalid --level '%s' (forest, system, process or all)", arg);
		o->levels = bits[i];
		return -1;
	}
	case 'j':
		if (!cli_parse_count(arg, &o->jobs))
			return cli_usage(cmd, "invalid --jobs '%s' (a number from 1)", arg);
		return -1;
	case 'M':
		if (!cli_parse_count(arg, &o->max_nodes))
			return cli_usage(cmd, "invalid --max-nodes '%s' (a number from 1)", arg);
		return -1;
	case 'D': {
		static const char *const dirs[] = { "TB", "LR" };
		int i = cli_pick(arg, dirs, 2);
		if (i < 0)
			return cli_usage(cmd, "invalid --direction '%s' (TB or LR)", arg);
		o->direction = i ? PM_DIRECTION_LR : PM_DIRECTION_TB;
		return -1;
	}
	case 'T': {
		static const char *const themes[] = { "auto", "light", "dark" };
		int i = cli_pick(arg, themes, 3);
		if (i < 0)
			return cli_usage(cmd, "invalid --theme '%s' (auto, light or dark)", arg);
		o->theme = (unsigned)i;
		return -1;
	}
	}
	return -2;
}

/* --- paths ------------------------------------------------------------------ */

char *cli_dir_of(const char *path)
{
	const char *slash = strcmp(path, "-") ? strrchr(path, '/') : NULL;
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

char *cli_join(const char *dir, const char *name)
{
	if (!strcmp(dir, "."))
		return strdup(name);
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}
