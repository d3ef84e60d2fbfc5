/* common.c — helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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
