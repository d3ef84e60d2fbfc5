/* test_cli.c — `procmap check` as a user runs it: options, usage errors,
 * exit codes under --fail-on, -o, standard input, unreadable files.  Each
 * test works in a fresh temporary folder. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* One warning: a process outside any system (orphan-process). */
static const char warn_model[] =
	"person ann\n"
	"process solo { owner: ann; trigger: \"t\"; step a { takes: 1h } }\n";
/* One info: a tool nobody uses (unused-tool). */
static const char info_model[] =
	"person ann\n"
	"tool t\n"
	"system s { owner: ann\n"
	"  process p { trigger: \"t\"; step a { takes: 1h } }\n"
	"}\n";
/* An error: an owner that does not exist. */
static const char error_model[] =
	"system s { owner: nobody\n"
	"  process p { trigger: \"t\"; step a { takes: 1h } }\n"
	"}\n";

typedef struct run_result {
	char *out, *err;
	int status;
} run_result;

static char work[] = "/tmp/procmap-cli-XXXXXX";

static void in_workdir(void)
{
	strcpy(work, "/tmp/procmap-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(work));
}

static void put(const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", work, name);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", work, name);
	return t_read_file(path, NULL);
}

/* Runs `procmap ARGS` in the work folder (no colours unless asked). */
static run_result run(const char *args)
{
	char cmd[8192], errpath[4096];
	snprintf(errpath, sizeof errpath, "%s/.stderr", work);
	snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR= '%s' %s 2>'%s'", work, t_bin(),
	         args, errpath);
	run_result r;
	r.out = t_run(cmd, &r.status);
	r.err = t_read_file(errpath, NULL);
	unlink(errpath);
	return r;
}

static void done(run_result *r)
{
	free(r->out);
	free(r->err);
}

/* A usage error: exit 2, nothing on stdout, exactly `msg` and the hint on
 * stderr. */
static void expect_usage_of(const char *cmd, const char *args, const char *msg)
{
	run_result r = run(args);
	char want[1024];
	snprintf(want, sizeof want,
	         "procmap%s%s: %s\nTry 'procmap %s%s--help' for more information.\n",
	         *cmd ? " " : "", cmd, msg, cmd, *cmd ? " " : "");
	cr_expect_eq(r.status, 2, "%s: exit %d", args, r.status);
	cr_expect_str_empty(r.out, "%s: stdout:\n%s", args, r.out);
	cr_expect_str_eq(r.err, want, "%s", args);
	done(&r);
}

static void expect_usage(const char *args, const char *msg)
{
	expect_usage_of("check", args, msg);
}

/* An opened folder of the work folder (closed again), or NULL. */
static void *opendir_or_null(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", work, name);
	DIR *d = opendir(path);
	if (d)
		closedir(d);
	return d;
}

static int status_of(const char *args)
{
	run_result r = run(args);
	int st = r.status;
	done(&r);
	return st;
}

static void remove_workdir(void)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(cli, .init = in_workdir, .fini = remove_workdir);

Test(cli, help_to_stdout)
{
	run_result r = run("check --help");
	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.err);
	cr_expect(strncmp(r.out, "usage: procmap check [options] [FILE...]\n", 41) == 0, "%s", r.out);
	for (const char *o = "--format\0-o, --output\0--rule\0--config\0--no-config\0"
	                     "--fail-on\0--input-format\0--color\0Exit status\0"; *o;
	     o += strlen(o) + 1)
		cr_expect(strstr(r.out, o) != NULL, "help lacks '%s'", o);
	run_result h = run("help check");
	cr_expect_eq(h.status, 0);
	cr_expect_str_eq(h.out, r.out);
	done(&h);
	done(&r);
}

Test(cli, help_help_and_fmt_refuses_yaml)
{
	run_result h = run("help help");
	cr_expect_eq(h.status, 0);
	cr_expect_str_empty(h.err);
	cr_expect(strncmp(h.out, "usage: procmap [--version]", 26) == 0, "%s", h.out);
	done(&h);
	put("m.yaml", "title: x\n");
	run_result f = run("fmt m.yaml");
	cr_expect_eq(f.status, 2);
	cr_expect_str_empty(f.out);
	cr_expect_str_eq(f.err, "procmap: error: 'm.yaml' is YAML: fmt formats .pmap files "
	                 "('procmap convert' writes it as .pmap)\n");
	done(&f);
}

Test(cli, usage_errors)
{
	put("a.pmap", warn_model);
	expect_usage("check", "no input files");
	expect_usage("check --format xml a.pmap",
	             "invalid --format 'xml' (text, json, sarif or markdown)");
	expect_usage("check -f yaml a.pmap",
	             "invalid --format 'yaml' (text, json, sarif or markdown)");
	expect_usage("check --fail-on fatal a.pmap",
	             "invalid --fail-on 'fatal' (error, warning or info)");
	expect_usage("check --color sometimes a.pmap",
	             "invalid --color 'sometimes' (auto, always or never)");
	expect_usage("check --input-format xml a.pmap",
	             "invalid --input-format 'xml' (auto, pmap or yaml)");
	expect_usage("check --bogus a.pmap", "unknown option '--bogus'");
	expect_usage("check -x a.pmap", "unknown option '-x'");
	expect_usage("check a.pmap --format", "option '--format' needs a value");
	expect_usage("check a.pmap -o", "option '-o' needs a value");
	expect_usage("check --no-config=yes a.pmap", "option '--no-config' takes no value");
	expect_usage("check --config x.yaml --no-config a.pmap",
	             "--config and --no-config cannot be used together");
}

/* One option parser for every command: an unknown long option gets the
 * closest of that command's own options, a value given to a flag is named. */
Test(cli, every_command_suggests_its_own_options)
{
	put("a.pmap", warn_model);
	expect_usage("check --formt json a.pmap",
	             "unknown option '--formt'; did you mean '--format'?");
	expect_usage_of("render", "render --levl forest -o out a.pmap",
	                "unknown option '--levl'; did you mean '--level'?");
	expect_usage_of("render", "render --quiet=yes -o out a.pmap",
	                "option '--quiet' takes no value");
	expect_usage_of("fmt", "fmt --chek a.pmap", "unknown option '--chek'; did you mean '--check'?");
	expect_usage_of("fmt", "fmt -x a.pmap", "unknown option '-x'");
	expect_usage_of("convert", "convert --too yaml a.pmap",
	                "unknown option '--too'; did you mean '--to'?");
	expect_usage_of("rules", "rules --fromat json", "unknown option '--fromat'; did you mean '--format'?");
	expect_usage_of("diff", "diff --colour never a.pmap a.pmap",
	                "unknown option '--colour'; did you mean '--color'?");
	expect_usage_of("serve", "serve --hst ::1 a.pmap",
	                "unknown option '--hst'; did you mean '--host'?");
	/* nothing close: no guess */
	expect_usage_of("fmt", "fmt --bogus a.pmap", "unknown option '--bogus'");
}

Test(cli, rule_usage_errors)
{
	put("a.pmap", warn_model);
	expect_usage("check --rule orphan-process a.pmap",
	             "invalid --rule 'orphan-process' (expected NAME=LEVEL)");
	expect_usage("check --rule =off a.pmap", "invalid --rule '=off' (expected NAME=LEVEL)");
	expect_usage("check --rule orphan-process=loud a.pmap",
	             "invalid level 'loud' in --rule 'orphan-process=loud' (off, info, warning or error)");
	expect_usage("check --rule no-such-rule=off a.pmap",
	             "unknown rule 'no-such-rule' in --rule 'no-such-rule=off'");
	expect_usage("check --rule botleneck-step=off a.pmap",
	             "unknown rule 'botleneck-step' in --rule 'botleneck-step=off'; "
	             "did you mean 'bottleneck-step'?");
	/* a rule name that is only the start of one */
	expect_usage("check --rule orphan=off a.pmap",
	             "unknown rule 'orphan' in --rule 'orphan=off'; did you mean 'orphan-process'?");
	/* loader rules are not configurable */
	expect_usage("check --rule syntax=off a.pmap",
	             "rule 'syntax' cannot be configured: only the analysis rules can "
	             "(see 'procmap rules')");
	/* render takes the same --rule, checked the same way */
	expect_usage_of("render", "render -o out --rule botleneck-step=off a.pmap",
	                "unknown rule 'botleneck-step' in --rule 'botleneck-step=off'; "
	                "did you mean 'bottleneck-step'?");
	expect_usage_of("render", "render -o out --config x.yaml --no-config a.pmap",
	                "--config and --no-config cannot be used together");
}

Test(cli, did_you_mean_commands_and_formats)
{
	put("a.pmap", warn_model);
	expect_usage_of("", "chek a.pmap", "'chek' is not a procmap command; did you mean 'check'?");
	expect_usage_of("", "rendr", "'rendr' is not a procmap command; did you mean 'render'?");
	expect_usage_of("", "help rule", "'rule' is not a procmap command; did you mean 'rules'?");
	expect_usage_of("", "frobnicate", "'frobnicate' is not a procmap command");
	expect_usage("check --format jsn a.pmap",
	             "invalid --format 'jsn' (text, json, sarif or markdown); did you mean 'json'?");
	expect_usage("check --input-format yml a.pmap",
	             "invalid --input-format 'yml' (auto, pmap or yaml); did you mean 'yaml'?");
	expect_usage_of("rules", "rules --format jsn",
	                "invalid --format 'jsn' (text or json); did you mean 'json'?");
}

Test(cli, fail_on_levels)
{
	put("warn.pmap", warn_model);
	put("info.pmap", info_model);
	put("error.pmap", error_model);
	cr_expect_eq(status_of("check --no-config warn.pmap"), 0);
	cr_expect_eq(status_of("check --no-config --fail-on error warn.pmap"), 0);
	cr_expect_eq(status_of("check --no-config --fail-on warning warn.pmap"), 1);
	cr_expect_eq(status_of("check --no-config --fail-on info warn.pmap"), 1);
	cr_expect_eq(status_of("check --no-config --fail-on warning info.pmap"), 0);
	cr_expect_eq(status_of("check --no-config --fail-on info info.pmap"), 1);
	cr_expect_eq(status_of("check --no-config error.pmap"), 1);
	cr_expect_eq(status_of("check --no-config --format json error.pmap"), 1);
}

Test(cli, models_find_what_the_tests_expect)
{
	put("warn.pmap", warn_model);
	put("info.pmap", info_model);
	run_result r = run("check --no-config warn.pmap");
	cr_expect_str_eq(r.out,
	                 "warn.pmap:2:1: warning: process 'solo' is not inside any system [orphan-process]\n"
	                 " process solo { owner: ann; trigger: \"t\"; step a { takes: 1h } }\n"
	                 " ^\n"
	                 "0 errors, 1 warning, 0 infos\n");
	done(&r);
	r = run("check --no-config info.pmap");
	cr_expect_str_eq(r.out,
	                 "info.pmap:2:1: info: tool 't' is never used: no step lists it in 'uses'"
	                 " [unused-tool]\n"
	                 " tool t\n"
	                 " ^\n"
	                 "0 errors, 0 warnings, 1 info\n");
	done(&r);
}

Test(cli, rule_option_changes_levels)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config --rule orphan-process=error warn.pmap");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "warn.pmap:2:1: error: process 'solo' is not inside any system"
	                 " [orphan-process]\n") != NULL, "%s", r.out);
	done(&r);
	cr_expect_eq(status_of("check --no-config --fail-on info --rule orphan-process=off warn.pmap"), 0);
	/* the last --rule wins */
	cr_expect_eq(status_of("check --no-config --rule orphan-process=error "
	                       "--rule orphan-process=info warn.pmap"), 0);
}

Test(cli, configuration_file)
{
	put("warn.pmap", warn_model);
	put(".procmap.yaml", "rules:\n  orphan-process: error\n");
	cr_expect_eq(status_of("check warn.pmap"), 1);
	cr_expect_eq(status_of("check --no-config warn.pmap"), 0);
	/* --rule wins over the configuration */
	cr_expect_eq(status_of("check --rule orphan-process=warning warn.pmap"), 0);
	put("other.yaml", "rules:\n  orphan-process: off\n");
	cr_expect_eq(status_of("check --config other.yaml --fail-on info warn.pmap"), 0);
	/* standard input looks in the current folder */
	cr_expect_eq(status_of("check - < warn.pmap"), 1);
}

Test(cli, unreadable_configuration)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --config missing.yaml warn.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect_str_empty(r.out);
	cr_expect_str_eq(r.err, "procmap: error: cannot read 'missing.yaml': No such file or directory\n");
	done(&r);
	r = run("check --format json --config missing.yaml warn.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "procmap: error: cannot read 'missing.yaml': No such file or directory\n");
	done(&r);
}

Test(cli, unreadable_input)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config nope.pmap warn.pmap");
	cr_expect_eq(r.status, 2);
	/* diagnostics without a file come after those with one */
	cr_expect(strstr(r.out, " ^\nerror: cannot read 'nope.pmap': No such file or directory [io]\n"
	                 "1 error, 1 warning, 0 infos (10 rules skipped: the model has input "
	                 "errors)\n") != NULL, "%s", r.out);
	cr_expect_str_empty(r.err);
	done(&r);
	/* a report that does not show on the terminal: the reason goes to stderr */
	r = run("check --no-config --format json nope.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "procmap: error: cannot read 'nope.pmap': No such file or directory\n");
	cr_expect(strstr(r.out, "\"rule\": \"io\"") != NULL, "%s", r.out);
	done(&r);
	r = run("check --no-config -o report.txt .");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "procmap: error: cannot read '.': Is a directory\n");
	done(&r);
}

Test(cli, standard_input)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config - < warn.pmap");
	cr_expect_eq(r.status, 0);
	cr_expect(strncmp(r.out, "<stdin>:2:1: warning: process 'solo'", 36) == 0, "%s", r.out);
	done(&r);
	r = run("check --no-config --format json - < warn.pmap");
	cr_expect(strstr(r.out, "  \"files\": [\n    \"\\u003cstdin\\u003e\"\n  ],\n") != NULL,
	          "%s", r.out);
	done(&r);
}

/* Folder entries other than . and .., joined by spaces. */
static char *listing(void)
{
	DIR *d = opendir(work);
	cr_assert_not_null(d);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct dirent *e;
	char *names[64];
	int n = 0;
	while ((e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	/* sorted, so the listing does not depend on the file system */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	fclose(out);
	return buf;
}

Test(cli, output_file)
{
	put("warn.pmap", warn_model);
	put("report.json", "old contents\n");
	run_result to_stdout = run("check --no-config --format json warn.pmap");
	run_result r = run("check --no-config --format json -o report.json warn.pmap");
	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.out);
	cr_expect_str_empty(r.err);
	char *file = get("report.json");
	cr_expect_str_eq(file, to_stdout.out);
	free(file);
	/* the temporary file is gone: only what was there, and the report */
	char *ls = listing();
	cr_expect_str_eq(ls, "report.json warn.pmap");
	free(ls);
	done(&r);
	r = run("check --no-config --format json -o - warn.pmap");
	cr_expect_str_eq(r.out, to_stdout.out);
	done(&r);
	r = run("check --no-config --output=report.md --format markdown warn.pmap");
	file = get("report.md");
	cr_expect(file && strncmp(file, "# Process audit\n", 16) == 0, "%s", file);
	free(file);
	done(&r);
	done(&to_stdout);
}

Test(cli, output_keeps_exit_status)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config --fail-on warning -o r.txt warn.pmap");
	cr_expect_eq(r.status, 1);
	cr_expect_str_empty(r.out);
	char *file = get("r.txt");
	cr_expect(file && strstr(file, "0 errors, 1 warning, 0 infos\n"), "%s", file);
	free(file);
	done(&r);
}

Test(cli, output_to_full_device)
{
	struct stat before, after;
	cr_assert_eq(stat("/dev/full", &before), 0);
	put("warn.pmap", warn_model);
	for (const char *f = "text\0json\0sarif\0markdown\0"; *f; f += strlen(f) + 1) {
		char args[256];
		snprintf(args, sizeof args, "check --no-config --format %s -o /dev/full warn.pmap", f);
		run_result r = run(args);
		cr_expect_eq(r.status, 2, "%s", f);
		cr_expect_str_eq(r.err,
		                 "procmap: error: cannot write '/dev/full': No space left on device\n",
		                 "%s", f);
		done(&r);
	}
	/* written in place: the device is still the device */
	cr_assert_eq(stat("/dev/full", &after), 0);
	cr_expect(S_ISCHR(after.st_mode));
	cr_expect_eq(after.st_rdev, before.st_rdev);
	char *ls = listing();
	cr_expect_str_eq(ls, "warn.pmap");
	free(ls);
}

Test(cli, output_to_missing_folder)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config -o nodir/r.json warn.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	                 "procmap: error: cannot write 'nodir/r.json': No such file or directory\n");
	cr_expect_str_empty(r.out);
	done(&r);
	r = run("check --no-config -o /dev/null warn.pmap");
	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.err);
	done(&r);
	struct stat st;
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_expect(S_ISCHR(st.st_mode));
}

Test(cli, stdout_write_error)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config warn.pmap >/dev/full");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	                 "procmap: error: cannot write the report to standard output: "
	                 "No space left on device\n");
	done(&r);
}

Test(cli, colors)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config --color always warn.pmap");
	cr_expect(strstr(r.out, "\033[1;35mwarning:\033[0m") != NULL, "%s", r.out);
	done(&r);
	r = run("check --no-config --color never warn.pmap");
	cr_expect(strchr(r.out, '\033') == NULL);
	done(&r);
	/* colour is for the text report only */
	r = run("check --no-config --color always --format json warn.pmap");
	cr_expect(strchr(r.out, '\033') == NULL);
	done(&r);
	r = run("check --no-config --color always -o r.txt warn.pmap");
	char *file = get("r.txt");
	cr_expect(file && strstr(file, "\033[1;35m"), "--color always applies to -o too");
	free(file);
	done(&r);
}

Test(cli, formats)
{
	put("warn.pmap", warn_model);
	run_result r = run("check --no-config --format sarif warn.pmap");
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  \"version\": \"2.1.0\",\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"ruleId\": \"orphan-process\"") != NULL, "%s", r.out);
	done(&r);
	r = run("check --no-config -f markdown warn.pmap");
	cr_expect(strncmp(r.out, "# Process audit\n", 16) == 0, "%s", r.out);
	cr_expect(strstr(r.out, "### Processes outside any system\n\n- **warning** warn.pmap:2:1: "
	                 "process 'solo' is not inside any system (orphan-process)\n") != NULL,
	          "%s", r.out);
	done(&r);
	r = run("check --no-config --format=json warn.pmap");
	cr_expect(strstr(r.out, "\"summary\": {\n    \"error\": 0,\n    \"warning\": 1,\n"
	                 "    \"info\": 0\n  }\n}\n") != NULL, "%s", r.out);
	done(&r);
}

Test(cli, input_format_option)
{
	put("model.txt", warn_model);
	cr_expect_eq(status_of("check --no-config --input-format pmap --fail-on warning model.txt"), 1);
}

/* --- check and render read the same configuration --------------------------- */

/* Whether a file of the work folder contains `text`. */
static bool has(const char *name, const char *text)
{
	char *s = get(name);
	cr_assert_not_null(s, "%s", name);
	bool found = strstr(s, text) != NULL;
	free(s);
	return found;
}

/* Renders warn.pmap (an orphan process) with `opts` into `dir`; says
 * whether the orphan shows in the SVG classes and in index.html. */
static bool orphan_drawn(const char *opts, const char *dir)
{
	char args[512], path[256];
	snprintf(args, sizeof args, "render %s -o %s warn.pmap", opts, dir);
	run_result r = run(args);
	cr_assert_eq(r.status, 0, "%s: exit %d\n%s", args, r.status, r.err);
	done(&r);
	snprintf(path, sizeof path, "%s/forest.svg", dir);
	bool svg = has(path, "class=\"node process orphan entry\"");
	snprintf(path, sizeof path, "%s/index.html", dir);
	bool html = has(path, "<span class=\"warn\">orphan</span>");
	bool row = has(path, "<td>orphan-process</td>");
	cr_expect_eq(svg, html, "%s: the SVG and index.html disagree", args);
	cr_expect_eq(html, row, "%s: the outline and the findings disagree", args);
	return svg;
}

Test(cli, render_reads_the_configuration)
{
	put("warn.pmap", warn_model);
	cr_expect(orphan_drawn("", "none"));
	put(".procmap.yaml", "rules:\n  orphan-process: off\n");
	cr_expect(!orphan_drawn("", "found"));
	cr_expect(orphan_drawn("--no-config", "noconfig"));
	/* --rule wins over the configuration, as in check */
	cr_expect(orphan_drawn("--rule orphan-process=warning", "rule_on"));
	put("other.yaml", "rules:\n  orphan-process: error\n");
	cr_expect(orphan_drawn("--config other.yaml", "other"));
	cr_expect(has("other/index.html",
	              "<td class=\"error\">error</td>"));
	cr_expect(!orphan_drawn("--no-config --rule orphan-process=off", "rule_off"));
	/* and check agrees each time */
	cr_expect_eq(status_of("check --fail-on info warn.pmap"), 0);
	cr_expect_eq(status_of("check --fail-on info --no-config warn.pmap"), 1);
	cr_expect_eq(status_of("check --config other.yaml warn.pmap"), 1);
}

Test(cli, invalid_configuration_same_in_check_and_render)
{
	static const char want[] =
		".procmap.yaml:2:3: error: unknown rule 'orphan'; did you mean 'orphan-process'? [config]\n"
		"   orphan: off\n"
		"   ^\n"
		"procmap: error: invalid configuration '.procmap.yaml': fix it, or pass --no-config\n";
	put("warn.pmap", warn_model);
	put(".procmap.yaml", "rules:\n  orphan: off\n");
	const char *const cmds[] = { "check warn.pmap", "check --format json warn.pmap",
	                             "render -o out warn.pmap" };
	for (size_t i = 0; i < 3; i++) {
		run_result r = run(cmds[i]);
		cr_expect_eq(r.status, 2, "%s: exit %d", cmds[i], r.status);
		cr_expect_str_empty(r.out, "%s", cmds[i]);
		cr_expect_str_eq(r.err, want, "%s", cmds[i]);
		done(&r);
	}
	cr_expect_null(opendir_or_null("out"), "render drew with an invalid configuration");
	/* --no-config gets past it */
	cr_expect_eq(status_of("check --no-config warn.pmap"), 0);
	cr_expect_eq(status_of("render --no-config -o out warn.pmap"), 0);
	/* an unreadable one too */
	run_result r = run("render --config missing.yaml -o out2 warn.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "procmap: error: cannot read 'missing.yaml': No such file or directory\n");
	done(&r);
}

/* Render still draws a model whose findings are errors (a trap loop),
 * and stops at errors of the input, before drawing. */
Test(cli, render_draws_error_findings_not_input_errors)
{
	put("trap.pmap", "person ann { capacity: 40h/week }\n"
	    "system s { owner: ann\n"
	    "  process p { trigger: \"t\"; step a { takes: 1h }; step b { takes: 1h }\n"
	    "    a -> b; b -> a }\n}\n");
	cr_expect_eq(status_of("render -o out trap.pmap"), 0);
	put("bad.pmap", error_model);
	run_result r = run("render -o out2 bad.pmap");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "bad.pmap:1:19: error: unknown person 'nobody'") != NULL, "%s", r.err);
	cr_expect_null(opendir_or_null("out2"));
	done(&r);
}

Test(cli, rules_command)
{
	run_result r = run("rules");
	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.err);
	cr_expect(strncmp(r.out, "RULE                   SEVERITY  ABOUT                  FINDS\n"
	                  "syntax                 error     input                  "
	                  "the text is not valid .pmap or YAML\n", 140) == 0, "%s", r.out);
	cr_expect(strstr(r.out, "\nbottleneck-step        warning   step                   "
	                 "the step where work queues") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\nmissing-owner          warning   system, process, step  "
	                 "a system, or a step") != NULL, "%s", r.out);
	/* one line a rule, and the heading */
	size_t lines = 0;
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 33);
	done(&r);
	r = run("rules --format json");
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "  {\n    \"name\": \"orphan-process\",\n"
	                 "    \"severity\": \"warning\",\n    \"configurable\": true,\n"
	                 "    \"about\": [\n      \"process\"\n    ],\n"
	                 "    \"summary\": \"a process that is not inside any system\"\n  }")
	          != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"name\": \"syntax\",\n    \"severity\": \"error\",\n"
	                 "    \"configurable\": false,\n    \"about\": [\n      \"input\"\n")
	          != NULL, "%s", r.out);
	done(&r);
	r = run("rules --help");
	cr_expect_eq(r.status, 0);
	cr_expect(strncmp(r.out, "usage: procmap rules [options]\n", 31) == 0, "%s", r.out);
	done(&r);
	expect_usage_of("rules", "rules extra", "unexpected argument 'extra'");
	expect_usage_of("rules", "rules --bogus", "unknown option '--bogus'");
	cr_expect_eq(status_of("rules >/dev/full"), 2);
}

/* --- long source lines --------------------------------------------------------- */

/* A 5 MB line prints 200 columns around each caret, not 5 MB; and a
 * thousand diagnostics on it cost one walk along it (sorted by column, each
 * window starts where the last began), within the time limit. */
Test(cli, huge_line_is_cut_around_the_caret, .timeout = 60)
{
	size_t big = 5u << 20;
	char path[4096];
	snprintf(path, sizeof path, "%s/huge.pmap", work);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs("person ann { capacity: 40h/week }\nsystem s { owner: ann; description: \"", f);
	for (size_t i = 0; i < big; i++)
		fputc(i % 2 ? 'x' : 'y', f);
	fputs("\"; process p { trigger: \"t\"", f);
	for (int i = 0; i < 999; i++)
		fprintf(f, "; step s%d { owner: nobody }", i);
	fputs(" } }\n", f);
	fclose(f);
	run_result r = run("check --no-config huge.pmap");
	cr_expect_eq(r.status, 1);
	/* the first: its line, cut on both sides, the caret under 'nobody' */
	size_t col = 37 + big + 27 + 19 + 1;
	char want[1024];
	snprintf(want, sizeof want, "huge.pmap:2:%zu: error: unknown person 'nobody' [unknown-reference]\n",
	         col);
	cr_expect(strncmp(r.out, want, strlen(want)) == 0, "%.300s", r.out);
	const char *src = r.out + strlen(want);
	const char *nl = strchr(src, '\n');
	cr_assert_not_null(nl);
	/* " …" + 200 columns + "…": '…' is 3 bytes */
	cr_expect_eq(nl - src, 1 + 3 + 200 + 3, "%.*s", (int)(nl - src), src);
	const char *caret = nl + 1;
	cr_expect(strncmp(caret + 102, "^\n", 2) == 0, "%.120s", caret);
	cr_expect(strncmp(src + 4 + 100, "nobody", 6) == 0, "%.220s", src);
	/* 999 errors of about 500 bytes each, and nothing like 5 MB */
	cr_expect_lt(strlen(r.out), 999 * 600);
	cr_expect(strstr(r.out, "999 errors, 0 warnings") != NULL);
	done(&r);
}
