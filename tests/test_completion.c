/* test_completion.c — completion/procmap.bash in a bash started with it:
 * what TAB offers after a few command lines, and that its lists stay in step
 * with the CLI (every command of `procmap --help`, every option of each
 * `procmap CMD --help`) and with the analysis rules of src/rules.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "rules.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/procmap-comp-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cd '%s' && touch a.pmap b.yaml c.yml notes.txt d.md "
	         ".hidden.pmap && mkdir models", dir);
	cr_assert_eq(system(cmd), 0);
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(completion, .init = make_dir, .fini = remove_dir);

/* Runs bash code after sourcing the completion, in the test folder. */
static char *in_bash(const char *code)
{
	char path[128];
	snprintf(path, sizeof path, "%s/.driver.sh", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "source '%s/completion/procmap.bash' || exit 1\n%s\n", t_root(), code);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cd '%s' && bash --norc --noprofile .driver.sh 2>&1", dir);
	int st;
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0, "bash failed: %s", out);
	return out;
}

/* What TAB offers at the end of `line`, sorted, one per line. */
static char *complete(const char *line)
{
	char code[1024];
	snprintf(code, sizeof code,
	         "COMP_LINE='%s'; COMP_POINT=${#COMP_LINE}; _procmap\n"
	         "printf '%%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort", line);
	return in_bash(code);
}

static void expect_completion(const char *line, const char *want)
{
	char *got = complete(line);
	cr_expect_str_eq(got, want, "after '%s'", line);
	free(got);
}

Test(completion, commands_and_options)
{
	expect_completion("procmap ", "check\nconvert\ndiff\nfmt\nhelp\nlsp\nmd\nrender\nreport\nrules\nserve\n");
	expect_completion("procmap md --k", "--keep-source\n");
	expect_completion("procmap m", "md\n");
	expect_completion("procmap serve --p", "--port\n");
	expect_completion("procmap s", "serve\n");
	expect_completion("procmap r", "render\nreport\nrules\n");
	expect_completion("procmap report --a", "--assets\n");
	expect_completion("procmap rules --", "--format\n--help\n");
	expect_completion("procmap render --c", "--config\n");
	expect_completion("procmap c", "check\nconvert\n");
	expect_completion("procmap --v", "--version\n");
	expect_completion("procmap help f", "fmt\n");
	expect_completion("procmap fmt --c", "--check\n--color\n");
	expect_completion("procmap check --f", "--fail-on\n--format\n");
	expect_completion("procmap diff --f", "--fail-on-new\n--format\n");
	expect_completion("procmap diff --format m", "markdown\n");
}

Test(completion, option_values)
{
	expect_completion("procmap check --format ", "json\nmarkdown\nsarif\ntext\n");
	expect_completion("procmap check -f s", "sarif\n");
	expect_completion("procmap check --format=j", "json\n");
	expect_completion("procmap rules --format ", "json\ntext\n");
	expect_completion("procmap check --fail-on w", "warning\n");
	expect_completion("procmap check --color a", "always\nauto\n");
	expect_completion("procmap convert --to ", "pmap\nyaml\n");
	expect_completion("procmap check --input-format y", "yaml\n");
	expect_completion("procmap render --level p", "process\n");
	expect_completion("procmap report --format ", "html\nmarkdown\n");
	expect_completion("procmap report --theme d", "dark\n");
	expect_completion("procmap render -f svg,p", "svg,pdf\nsvg,png\n");
	expect_completion("procmap render --format=png,", "png,dot\npng,pdf\npng,svg\n");
	expect_completion("procmap render -o m", "models\n");
}

Test(completion, rule_names_and_levels)
{
	expect_completion("procmap check --rule missing-",
	                  "missing-duration=\nmissing-owner=\nmissing-rate=\n");
	expect_completion("procmap render --rule unused-a", "unused-actor=\n");
	/* readline replaces only the text after '=', so that is what is offered */
	expect_completion("procmap check --rule missing-owner=", "error\ninfo\noff\nwarning\n");
	expect_completion("procmap check --rule missing-owner=w", "warning\n");
	expect_completion("procmap check --rule=unused-t", "unused-tool=\n");
	expect_completion("procmap check --rule=unused-tool=o", "off\n");
}

Test(completion, files_by_extension)
{
	expect_completion("procmap check ", "a.pmap\nb.yaml\nc.yml\nmodels\n");
	expect_completion("procmap fmt ", "a.pmap\nmodels\n");
	expect_completion("procmap md ", "d.md\nmodels\n");
	expect_completion("procmap md --assets ", "models\n");
	expect_completion("procmap md -o ", "d.md\nmodels\n");
	expect_completion("procmap check .h", ".hidden.pmap\n");
	expect_completion("procmap check --config ", "b.yaml\nc.yml\nmodels\n");
	expect_completion("procmap check -- --", "\n");   /* nothing: files only */
	expect_completion("procmap rules ", "\n");        /* takes no files */
}

/* --- in step with the CLI and the rules ------------------------------------ */

/* The words of a bash expression, one per line, sorted. */
static char *bash_words(const char *expr)
{
	char code[512];
	snprintf(code, sizeof code, "for w in %s; do echo \"$w\"; done | LC_ALL=C sort -u", expr);
	return in_bash(code);
}

/* Options in a --help text: "-x" and "--long" at the start of an option
 * line, sorted. */
static char *help_options(const char *cmd)
{
	char c[1024];
	snprintf(c, sizeof c, "'%s' %s --help >/dev/null 2>&1", t_bin(), cmd);
	int st;
	free(t_run(c, &st));
	if (st != 0)
		return NULL;   /* a command not written yet */
	snprintf(c, sizeof c, "'%s' %s --help | grep -E '^  +-' | "
	         "grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | LC_ALL=C sort -u",
	         t_bin(), cmd);
	return t_run(c, &st);
}

Test(completion, knows_every_command_and_option)
{
	char c[512];
	snprintf(c, sizeof c, "'%s' --help | sed -n '/^Commands:/,/^$/p' | "
	         "awk 'NF > 1 { print $1 }' | LC_ALL=C sort -u", t_bin());
	int st;
	char *cmds = t_run(c, &st);
	cr_assert_eq(st, 0);
	cr_assert_geq(strlen(cmds), 10, "no commands in procmap --help");
	char *known = bash_words("$_procmap_commands");
	cr_expect_str_eq(known, cmds, "commands differ from procmap --help");
	for (char *save = NULL, *cmd = strtok_r(cmds, "\n", &save); cmd;
	     cmd = strtok_r(NULL, "\n", &save)) {
		if (strcmp(cmd, "help") == 0)
			continue;
		char *want = help_options(cmd);
		if (!want) {
			cr_log_warn("'procmap %s --help' fails: its options are not checked", cmd);
			continue;
		}
		char expr[128];
		snprintf(expr, sizeof expr, "$(_procmap_options %s)", cmd);
		char *got = bash_words(expr);
		cr_expect_str_eq(got, want, "options of '%s' differ from its --help", cmd);
		free(got);
		free(want);
	}
	free(known);
	free(cmds);
}

Test(completion, knows_every_analysis_rule)
{
	/* sorted by the same `sort`: the table is not in name order */
	char *code = NULL;
	size_t clen = 0;
	FILE *c = open_memstream(&code, &clen);
	fputs("for w in", c);
	for (size_t i = 0; i < pm_nrules; i++)
		if (pm_rules[i].analysis)
			fprintf(c, " %s", pm_rules[i].name);
	fputs("; do echo \"$w\"; done | LC_ALL=C sort -u", c);
	fclose(c);
	char *want = in_bash(code);
	char *got = bash_words("$_procmap_rules");
	cr_expect_str_eq(got, want, "rule names differ from src/rules.c");
	free(got);
	free(want);
	free(code);
}
