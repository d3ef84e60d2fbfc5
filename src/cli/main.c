/* main.c — procmap's entry point: global options and the command table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"   /* pm_alloc_fail_after */
#include "suggest.h"

static const pm_command commands[] = {
	{ "check", cmd_check, "check models and report findings" },
	{ "diff", cmd_diff, "compare two versions of a model: elements, metrics, findings" },
	{ "render", cmd_render, "draw the diagrams of a model" },
	{ "report", cmd_report, "write the audit as one file: HTML page or Markdown" },
	{ "md", cmd_md, "draw the pmap code blocks of a Markdown file as images" },
	{ "fmt", cmd_fmt, "format .pmap files" },
	{ "convert", cmd_convert, "convert a model between .pmap and YAML" },
	{ "rules", cmd_rules, "list the rules, their severities and what they find" },
	{ "serve", cmd_serve, "serve the diagrams and redraw them on every save" },
	{ "lsp", cmd_lsp, "run the language server for editors (LSP over stdio)" },
};

static void usage(FILE *out)
{
	fputs("usage: procmap [--version] [--help] <command> [<args>]\n\n"
	      "Check, analyse and draw descriptions of how a business runs.\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("  help CMD   show the help of a command\n\n"
	      "Exit status: 0 ok, 1 findings at or above --fail-on (or fmt --check\n"
	      "found changes), 2 usage error, unreadable input or failed write.\n", out);
}

static const pm_command *find(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	pm_suggester s;
	pm_suggest_start(&s, name, strlen(name));
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		pm_suggest_offer(&s, commands[i].name, strlen(commands[i].name));
	pm_suggest_offer(&s, "help", 4);
	return cli_usage(NULL, "'%s' is not a procmap command%s", name,
	                 cli_hint(pm_suggest_result(&s)));
}

int main(int argc, char **argv)
{
	/* failure injection for tests/test_oom.c: the N-th allocation fails */
	const char *fail = getenv("PROCMAP_FAIL_ALLOC");
	if (fail && *fail)
		pm_alloc_fail_after(strtoul(fail, NULL, 10));
	if (argc < 2) {
		usage(stderr);
		return PM_EXIT_TROUBLE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return PM_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("procmap %s\n", pm_version());
		return PM_EXIT_OK;
	}
	if (strcmp(cmd, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return PM_EXIT_OK;
		}
		if (strcmp(argv[2], "help") == 0) {   /* "help help": help itself */
			usage(stdout);
			return PM_EXIT_OK;
		}
		const pm_command *c = find(argv[2]);
		if (!c)
			return unknown_command(argv[2]);
		char *args[] = { argv[2], "--help", NULL };
		return c->fn(2, args);
	}
	const pm_command *c = find(cmd);
	if (!c) {
		if (cmd[0] == '-')
			return cli_usage(NULL, "unknown option '%s'", cmd);
		return unknown_command(cmd);
	}
	return c->fn(argc - 1, argv + 1);
}
