/* test_fmt.c — `procmap fmt` and pm_format_pmap(): the canonical layout
 * (tests/fmt/NAME.pmap must give NAME.out exactly; PROCMAP_UPDATE_GOLDEN=1
 * rewrites the .out files, then review the diff), idempotence and an
 * unchanged model on every input that parses, and the CLI's --check and -w. */
#define _GNU_SOURCE   /* asprintf */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "helpers.h"
#include "model_eq.h"

/* Formats text; returns the output (malloc'd) or NULL with *st set. */
static char *fmt_text(const char *text, size_t len, pm_status *st, char **diags)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	char *out = NULL;
	size_t outlen = 0;
	*st = pm_format_pmap(m, "t.pmap", text, len, &out, &outlen);
	if (out)
		cr_assert_eq(strlen(out), outlen, "NUL inside the output");
	if (diags)
		*diags = t_diags(m);
	pm_model_free(m);
	return out;
}

static char *fmt_ok(const char *text)
{
	pm_status st;
	char *out = fmt_text(text, strlen(text), &st, NULL);
	cr_assert_eq(st, PM_OK, "format failed: %s", pm_status_str(st));
	return out;
}

/* The model of .pmap text, dumped without locations. */
static char *model_of(const char *text)
{
	pm_model *m = pm_model_new();
	pm_status st = pm_model_load_buffer(m, "t.pmap", text, strlen(text), PM_INPUT_PMAP);
	cr_assert_eq(st, PM_OK);
	char *d = meq_dump(m);
	pm_model_free(m);
	return d;
}

/* fmt(fmt(x)) == fmt(x), and x and fmt(x) are the same model. */
static void check_stable(const char *name, const char *text, const char *out)
{
	char *again = fmt_ok(out);
	cr_expect_str_eq(again, out, "%s: not idempotent:\n--- fmt:\n%s--- fmt(fmt):\n%s",
	                 name, out, again);
	char *a = model_of(text), *b = model_of(out);
	cr_expect_str_eq(a, b, "%s: the model changed:\n--- before:\n%s--- after:\n%s",
	                 name, a, b);
	free(again);
	free(a);
	free(b);
}

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s/%s", t_root(), dir, name), -1);
	return p;
}

Test(fmt, golden_layouts)
{
	char *pattern = path_in("tests/fmt", "*.pmap");
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 7, "only %zu fmt cases", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *in = g.gl_pathv[i];
		size_t len;
		char *text = t_read_file(in, &len);
		pm_status st;
		char *out = fmt_text(text, len, &st, NULL);
		cr_assert_eq(st, PM_OK, "%s: %s", in, pm_status_str(st));
		char outpath[4096];
		snprintf(outpath, sizeof outpath, "%.*s.out", (int)(strlen(in) - 5), in);
		free(t_expect_golden(out, outpath, in));
		check_stable(in, text, out);
		free(out);
		free(text);
	}
	globfree(&g);
	free(pattern);
}

/* Every sample and every test input that parses: goldens, fmt and convert
 * cases, the fuzzers' regressions. */
Test(fmt, idempotent_on_every_input_that_parses)
{
	const char *dirs[] = { "samples", "tests/golden", "tests/fmt", "tests/convert",
	                       "tests/regress/*" };
	size_t formatted = 0, refused = 0;
	for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
		char *pattern = path_in(dirs[d], "*.pmap");
		glob_t g;
		if (glob(pattern, 0, NULL, &g) != 0) {
			cr_expect(strchr(dirs[d], '*'), "no .pmap in %s", dirs[d]);
			free(pattern);
			continue;
		}
		for (size_t i = 0; i < g.gl_pathc; i++) {
			size_t len;
			char *text = t_read_file(g.gl_pathv[i], &len);
			pm_status st;
			char *diags = NULL;
			char *out = fmt_text(text, len, &st, &diags);
			if (st == PM_ERR_INPUT) {
				cr_expect_null(out);
				cr_expect(strstr(diags, " error: ") != NULL, "%s", g.gl_pathv[i]);
				refused++;
			} else {
				cr_assert_eq(st, PM_OK);
				if (memchr(text, '\0', len) == NULL)
					check_stable(g.gl_pathv[i], text, out);
				formatted++;
			}
			free(diags);
			free(out);
			free(text);
		}
		globfree(&g);
		free(pattern);
	}
	cr_expect_geq(formatted, 3 + 10 + 7, "only %zu inputs formatted", formatted);
	cr_expect_geq(refused, 20, "only %zu inputs refused", refused);
}

Test(fmt, syntax_errors_are_refused)
{
	pm_status st;
	char *diags = NULL;
	const char *text = "process p {\n  step a { takes: 5q }\n";
	char *out = fmt_text(text, strlen(text), &st, &diags);
	cr_expect_eq(st, PM_ERR_INPUT);
	cr_expect_null(out);
	cr_expect_str_eq(diags,
	                 "1:11: error: '{' of process 'p' (line 1) is never closed [syntax]\n"
	                 "2:19: error: bad takes '5q': expected a duration such as 45m, "
	                 "1h30m, 2d or 1w (units: m h d w; d = 24 h) [bad-value]\n");
	free(diags);
}

Test(fmt, usage_errors)
{
	pm_model *m = pm_model_new();
	char *out = (char *)"x";
	size_t n = 7;
	cr_expect_eq(pm_format_pmap(m, "t.pmap", "x", 1, NULL, &n), PM_ERR_USAGE);
	cr_expect_eq(pm_format_pmap(m, NULL, "x", 1, &out, &n), PM_ERR_USAGE);
	cr_expect_null(out);
	cr_expect_eq(n, 0);
	cr_expect_eq(pm_format_pmap(NULL, "t", "x", 1, &out, NULL), PM_ERR_USAGE);
	cr_expect_eq(pm_format_pmap(m, "t", NULL, 1, &out, NULL), PM_ERR_USAGE);
	/* a model that holds a file already */
	cr_assert_eq(pm_format_pmap(m, "t", "tool x", 6, &out, NULL), PM_OK);
	free(out);
	cr_expect_eq(pm_format_pmap(m, "u", "tool y", 6, &out, NULL), PM_ERR_USAGE);
	cr_expect_null(out);
	pm_model_free(m);
}

Test(fmt, bom_crlf_tabs_and_blank_lines)
{
	const char text[] = "\xEF\xBB\xBF# c\r\n\r\n\r\ntool\ta\t\"A\"   \r\n\r\n\r\n\r\ntool b";
	char *out = fmt_ok(text);
	cr_expect_str_eq(out, "# c\n\ntool a \"A\"\n\ntool b\n");
	free(out);
}

Test(fmt, empty_and_comment_only)
{
	char *out = fmt_ok("\n\n  \n");
	cr_expect_str_eq(out, "");
	free(out);
	out = fmt_ok("\n\n# only   \n\n\n# comments\n\n");
	cr_expect_str_eq(out, "# only\n\n# comments\n");
	free(out);
}

/* `tool t { description: "…" }` is 26 columns and the text. */
static char *tool_with(size_t n)
{
	char *text = malloc(n + 64);
	strcpy(text, "tool t { description: \"");
	memset(text + strlen(text), 'x', n);
	strcpy(text + 23 + n, "\" }\n");
	return text;
}

Test(fmt, one_line_body_width)
{
	char *in = tool_with(74), *out = fmt_ok(in);
	cr_expect_str_eq(out, in, "100 columns fit");
	free(out);
	free(in);
	in = tool_with(75);
	out = fmt_ok(in);
	const char *want = "tool t {\n  description: \"x";
	cr_expect(strncmp(out, want, strlen(want)) == 0, "101 do not:\n%s", out);
	free(out);
	free(in);
}

Test(fmt, containers_always_expand)
{
	char *out = fmt_ok("system s { owner: a }; process p { step x }\nprocess q {}\n");
	cr_expect_str_eq(out, "system s {\n  owner: a\n}\nprocess p {\n  step x\n}\nprocess q\n");
	free(out);
}

/* Chances at the end of chains line up; declarations and chains align
 * apart; a chance inside a chain and a chain broken by a comment keep one
 * space; actors print like people. */
Test(fmt, chances_align_in_runs_of_chains)
{
	static const char in[] =
		"actor   client\nperson maya \"Maya\"\n"
		"process p {\n  step a; step bb\n  a -> bb 40%\n  a -> a \"back\" 60%\n"
		"  bb -> a\n  step c\n  c -> a   100%   # x\n\n  a -> c 50% -> a\n}\n";
	static const char want[] =
		"actor client\nperson maya \"Maya\"\n"
		"process p {\n  step a\n  step bb\n  a -> bb       40%\n"
		"  a -> a \"back\" 60%\n  bb -> a\n  step c\n  c -> a 100%  # x\n\n"
		"  a -> c 50% -> a\n}\n";
	char *out = fmt_ok(in);
	cr_expect_str_eq(out, want, "got:\n%s", out);
	check_stable("chances", in, out);
	free(out);
}

/* A chain past the line width takes no part in the column: one huge label
 * does not pad a whole run of chains out to it. */
Test(fmt, long_chain_keeps_its_chance_close)
{
	char label[200];
	memset(label, 'x', 120);
	label[120] = '\0';
	char *in = NULL, *want = NULL;
	cr_assert_neq(asprintf(&in, "process p {\n  step a; step b\n  a -> b \"%s\"   40%%\n"
	                       "  a -> a 60%%\n}\n", label), -1);
	cr_assert_neq(asprintf(&want, "process p {\n  step a\n  step b\n  a -> b \"%s\" 40%%\n"
	                       "  a -> a 60%%\n}\n", label), -1);
	char *out = fmt_ok(in);
	cr_expect_str_eq(out, want);
	check_stable("long chain", in, out);
	free(out);
	free(in);
	free(want);
}

/* A big flat input: no recursion on its size, linear work, still stable. */
Test(fmt, large_input)
{
	size_t n = 50000, cap = n * 64 + 64, len = 0;
	char *text = malloc(cap);
	len += (size_t)sprintf(text + len, "process p {\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "step s%zu {takes:%zum}\n", i, i % 60 + 1);
	for (size_t i = 0; i + 1 < n; i++)
		len += (size_t)sprintf(text + len, "%ss%zu", i ? " -> " : "", i);
	len += (size_t)sprintf(text + len, "\n}\n");
	char *out = fmt_ok(text);
	cr_expect(strstr(out, "\n  step s9     { takes: 10m }\n") != NULL);
	check_stable("large", text, out);
	free(out);
	free(text);
}

Test(fmt, out_of_memory_at_every_allocation)
{
	char *path = path_in("tests/fmt", "messy.pmap");
	size_t len;
	char *text = t_read_file(path, &len);
	bool done = false;
	unsigned long n;
	for (n = 1; !done && n < 100000; n++) {
		pm_alloc_fail_after(n);
		pm_model *m = pm_model_new();
		char *out = NULL;
		pm_status st = m ? pm_format_pmap(m, "t.pmap", text, len, &out, NULL) : PM_ERR_NOMEM;
		pm_alloc_fail_after(0);
		cr_assert(st == PM_OK || st == PM_ERR_NOMEM, "status %d at %lu", st, n);
		done = st == PM_OK;
		if (done)
			cr_expect_not_null(out);
		else
			cr_expect_null(out);
		free(out);
		pm_model_free(m);
	}
	cr_expect(done);
	cr_expect_gt(n, 10, "only %lu allocations to fail", n);
	free(text);
	free(path);
}

/* --- the command line ------------------------------------------------------------ */

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *run(const char *dir, const char *args, int *status)
{
	char *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, "cd '%s' && NO_COLOR=1 '%s' %s", dir, t_bin(), args), -1);
	char *out = t_run(cmd, status);
	free(cmd);
	return out;
}

static const char messy[] = "tool   b\nperson a {capacity: 1h/week}\n";
static const char tidy[] = "tool b\nperson a { capacity: 1h/week }\n";

Test(fmt_cli, prints_one_file_or_stdin)
{
	char *d = t_tmpdir("fmt");
	char p[4096];
	snprintf(p, sizeof p, "%s/m.pmap", d);
	write_file(p, messy, 0644);
	int st;
	char *out = run(d, "fmt m.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, tidy);
	free(out);
	out = run(d, "fmt - < m.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, tidy);
	free(out);
	t_rmtree(d);
}

Test(fmt_cli, check_names_files_that_would_change)
{
	char *d = t_tmpdir("fmt");
	char p[4096];
	snprintf(p, sizeof p, "%s/messy.pmap", d);
	write_file(p, messy, 0644);
	snprintf(p, sizeof p, "%s/tidy.pmap", d);
	write_file(p, tidy, 0644);
	int st;
	char *out = run(d, "fmt --check tidy.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_empty(out);
	free(out);
	out = run(d, "fmt --check tidy.pmap messy.pmap tidy.pmap", &st);
	cr_expect_eq(st, 1);
	cr_expect_str_eq(out, "would reformat messy.pmap\n");
	free(out);
	/* nothing was written */
	char *back = t_read_file(p, NULL);
	snprintf(p, sizeof p, "%s/messy.pmap", d);
	char *m = t_read_file(p, NULL);
	cr_expect_str_eq(m, messy);
	cr_expect_str_eq(back, tidy);
	free(m);
	free(back);
	t_rmtree(d);
}

/* The samples are what people copy from: they are kept in fmt's layout,
 * so `fmt --check` on a copy of them passes. */
Test(fmt_cli, samples_are_formatted)
{
	int st;
	char *out = run(t_root(), "fmt --check samples/*.pmap", &st);
	cr_expect_eq(st, 0, "run 'procmap fmt -w samples/*.pmap':\n%s", out);
	cr_expect_str_empty(out);
	free(out);
}

Test(fmt_cli, write_rewrites_atomically_and_keeps_the_mode)
{
	char *d = t_tmpdir("fmt");
	char p[4096], q[4096];
	snprintf(p, sizeof p, "%s/messy.pmap", d);
	snprintf(q, sizeof q, "%s/tidy.pmap", d);
	write_file(p, messy, 0640);
	write_file(q, tidy, 0604);
	struct utimbuf old = { 1000000000, 1000000000 };
	cr_assert_eq(utime(q, &old), 0);
	struct stat before_tidy;
	cr_assert_eq(stat(q, &before_tidy), 0);
	int st;
	char *out = run(d, "fmt -w messy.pmap tidy.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_empty(out);
	free(out);
	char *m = t_read_file(p, NULL);
	cr_expect_str_eq(m, tidy);
	free(m);
	struct stat sp, sq;
	cr_assert_eq(stat(p, &sp), 0);
	cr_expect_eq(sp.st_mode & 07777, 0640, "mode %o", sp.st_mode & 07777);
	/* a formatted file is left alone: same inode, same time */
	cr_assert_eq(stat(q, &sq), 0);
	cr_expect_eq(sq.st_ino, before_tidy.st_ino);
	cr_expect_eq(sq.st_mtime, 1000000000);
	cr_expect_eq(sq.st_mode & 07777, 0604);
	/* no temporary file is left behind */
	char *ls = NULL;
	cr_assert_neq(asprintf(&ls, "ls -A '%s'", d), -1);
	out = t_run(ls, &st);
	free(ls);
	cr_expect_str_eq(out, "messy.pmap\ntidy.pmap\n");
	free(out);
	t_rmtree(d);
}

Test(fmt_cli, write_follows_a_symbolic_link)
{
	char *d = t_tmpdir("fmt");
	char p[4096], l[4096];
	snprintf(p, sizeof p, "%s/real.pmap", d);
	snprintf(l, sizeof l, "%s/link.pmap", d);
	write_file(p, messy, 0644);
	cr_assert_eq(symlink("real.pmap", l), 0);
	int st;
	char *out = run(d, "fmt -w link.pmap", &st);
	cr_expect_eq(st, 0);
	free(out);
	struct stat sl;
	cr_assert_eq(lstat(l, &sl), 0);
	cr_expect(S_ISLNK(sl.st_mode));
	char *m = t_read_file(p, NULL);
	cr_expect_str_eq(m, tidy);
	free(m);
	t_rmtree(d);
}

Test(fmt_cli, a_file_with_syntax_errors_is_never_rewritten)
{
	char *d = t_tmpdir("fmt");
	char p[4096];
	snprintf(p, sizeof p, "%s/bad.pmap", d);
	const char bad[] = "tool   a\nprocess p {\n  step x { takes: 5 }\n}\n";
	write_file(p, bad, 0644);
	struct stat before, after;
	cr_assert_eq(stat(p, &before), 0);
	int st;
	char *out = run(d, "fmt -w bad.pmap 2>&1", &st);
	cr_expect_eq(st, 1);
	cr_expect_str_eq(out,
	                 "bad.pmap:3:19: error: bad takes '5': a duration needs a unit, as in "
	                 "'5m' or '5h' (units: m h d w; d = 24 h) [bad-value]\n"
	                 "   step x { takes: 5 }\n"
	                 "                   ^\n");
	free(out);
	cr_assert_eq(stat(p, &after), 0);
	cr_expect_eq(after.st_ino, before.st_ino);
	char *m = t_read_file(p, NULL);
	cr_expect_str_eq(m, bad);
	free(m);
	/* --check and printing refuse it the same way */
	out = run(d, "fmt --check bad.pmap 2>/dev/null", &st);
	cr_expect_eq(st, 1);
	cr_expect_str_empty(out);
	free(out);
	out = run(d, "fmt bad.pmap 2>/dev/null", &st);
	cr_expect_eq(st, 1);
	cr_expect_str_empty(out);
	free(out);
	t_rmtree(d);
}

Test(fmt_cli, usage_and_io_errors)
{
	char *d = t_tmpdir("fmt");
	char p[4096];
	snprintf(p, sizeof p, "%s/a.pmap", d);
	write_file(p, tidy, 0644);
	int st;
	char *out = run(d, "fmt a.pmap a.pmap 2>&1", &st);
	cr_expect_eq(st, 2);
	cr_expect_str_eq(out, "procmap fmt: several files need -w or --check\n"
	                      "Try 'procmap fmt --help' for more information.\n");
	free(out);
	out = run(d, "fmt -w --check a.pmap 2>&1", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "cannot be used together") != NULL, "%s", out);
	free(out);
	out = run(d, "fmt 2>&1", &st);
	cr_expect_eq(st, 2);
	free(out);
	out = run(d, "fmt --check missing.pmap a.pmap 2>&1", &st);
	cr_expect_eq(st, 2);
	cr_expect_str_eq(out, "procmap: error: cannot read 'missing.pmap': No such file or directory\n");
	free(out);
	out = run(d, "fmt --help", &st);
	cr_expect_eq(st, 0);
	cr_expect(strstr(out, "usage: procmap fmt") == out);
	free(out);
	t_rmtree(d);
}
