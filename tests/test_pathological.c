/* test_pathological.c — inputs built to find hangs, quadratic blow-ups,
 * stack overflows and unbounded memory (cmark's pathological tests): deep
 * nesting, a 1,000,000-step chain, a 100,000-step cycle, huge labels, a file
 * with 200,000 errors, very long lines, many files.  Each runs load,
 * resolve, analyse and every report.  The generous .timeout only catches
 * hangs; nothing here measures speed.  Memory is checked against a bound
 * far above what a linear algorithm needs. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "helpers.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* --- building inputs ----------------------------------------------------- */

typedef struct text {
	char *s;
	size_t len;
	FILE *f;
} text;

static void t_open(text *t)
{
	t->s = NULL;
	t->len = 0;
	t->f = open_memstream(&t->s, &t->len);
	cr_assert_not_null(t->f);
}

__attribute__((format(printf, 2, 3)))
static void t_add(text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(t->f, fmt, ap);
	va_end(ap);
}

static void t_close(text *t)
{
	cr_assert_eq(fclose(t->f), 0);
	t->f = NULL;
}

/* --- running them --------------------------------------------------------- */

static FILE *devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	cr_assert_not_null(f);
	return f;
}

/* Load, resolve, analyse and write every report; the model is returned for
 * the checks, the caller frees it. */
static pm_model *run(const char *name, const text *t)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_status st = pm_model_load_buffer(m, name, t->s, t->len, PM_INPUT_AUTO);
	cr_assert_neq(st, PM_ERR_NOMEM, "load: out of memory");
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM, "resolve: out of memory");
	cr_assert_eq(pm_model_analyze(m), PM_OK, "analyze failed");
	static const pm_report_format fmts[] = {
		PM_REPORT_TEXT, PM_REPORT_JSON, PM_REPORT_SARIF, PM_REPORT_MARKDOWN,
	};
	for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
		cr_assert_eq(pm_model_write_report(m, devnull(), fmts[i], 0), PM_OK,
		             "report %zu failed", i);
	return m;
}

/* Peak resident memory of this test process stays under `mb` megabytes
 * (sanitizers get a multiple: their shadow memory and quarantine). */
static void assert_memory_below(long mb)
{
	struct rusage ru;
	cr_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	long limit_kb = mb * 1024 * (SANITIZED ? 4 : 1);
	cr_expect_lt(ru.ru_maxrss, limit_kb, "peak RSS %ld MB, bound %ld MB",
	             ru.ru_maxrss / 1024, limit_kb / 1024);
}

static size_t count_rule(pm_model *m, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < pm_model_diag_count(m); i++)
		n += strcmp(pm_model_diag(m, i)->rule, rule) == 0;
	return n;
}

/* --- nesting ---------------------------------------------------------------- */

Test(pathological, deep_braces, .timeout = 60)
{
	/* a block of 1,000,000 nested braces inside a step: skipped, not recursed */
	text t;
	t_open(&t);
	t_add(&t, "process p {\n  step a ");
	for (int i = 0; i < 1000000; i++)
		fputc('{', t.f);
	for (int i = 0; i < 1000000; i++)
		fputc('}', t.f);
	t_add(&t, "\n}\n");
	t_close(&t);
	pm_model *m = run("deep.pmap", &t);
	cr_expect_eq(pm_model_count(m, PM_KIND_STEP), 1);
	cr_expect_leq(pm_model_diag_count(m), 1002);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, deep_declarations, .timeout = 60)
{
	/* 200,000 systems each declared inside the one before, never closed */
	text t;
	t_open(&t);
	for (int i = 0; i < 200000; i++)
		t_add(&t, "system s%d {\n", i);
	t_close(&t);
	pm_model *m = run("nest.pmap", &t);
	cr_expect_leq(pm_model_diag_count(m), 1002);
	/* at one indentation, each system ends where the next begins */
	cr_expect_geq(count_rule(m, "syntax"), 1);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, unclosed_braces, .timeout = 60)
{
	text t;
	t_open(&t);
	t_add(&t, "process p { step a ");
	for (int i = 0; i < 1000000; i++)
		fputc('{', t.f);
	t_close(&t);
	pm_model *m = run("open.pmap", &t);
	cr_expect_leq(pm_model_diag_count(m), 1002);
	pm_model_free(m);
	free(t.s);
}

/* --- big graphs ------------------------------------------------------------- */

Test(pathological, million_step_chain, .timeout = 120)
{
	/* explicit arrows, one a line: the longest path the lead-time pass and
	 * the reachability pass can meet */
	enum { N = 1000000 };
	text t;
	t_open(&t);
	t_add(&t, "person p { capacity: 40h/week }\nprocess chain {\n  owner: p\n"
	          "  trigger: \"start\"\n  runs: 1/year\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "  step s%d { takes: 1m }\n", i);
	for (int i = 0; i + 1 < N; i++)
		t_add(&t, "  s%d -> s%d\n", i, i + 1);
	t_add(&t, "}\n");
	t_close(&t);
	pm_model *m = run("chain.pmap", &t);
	cr_expect_eq(pm_model_count(m, PM_KIND_STEP), N);
	cr_expect_eq(pm_model_count(m, PM_KIND_FLOW), N - 1);
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
	free(t.s);
	assert_memory_below(1500);
}

Test(pathological, million_steps_written_order, .timeout = 120)
{
	enum { N = 1000000 };
	text t;
	t_open(&t);
	t_add(&t, "system s {\n  process p {\n    trigger: \"go\"\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "    step s%d { waits: 1m }\n", i);
	t_add(&t, "  }\n}\n");
	t_close(&t);
	pm_model *m = run("order.pmap", &t);
	cr_expect_eq(pm_model_count(m, PM_KIND_FLOW), N - 1);
	pm_model_free(m);
	free(t.s);
	assert_memory_below(1500);
}

Test(pathological, hundred_thousand_step_cycle, .timeout = 60)
{
	enum { N = 100000 };
	text t;
	t_open(&t);
	t_add(&t, "person o\nprocess loop {\n  owner: o\n  trigger: \"go\"\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "  step s%d { takes: 1h }\n", i);
	for (int i = 0; i < N; i++)
		t_add(&t, "  s%d -> s%d\n", i, (i + 1) % N);
	t_add(&t, "}\n");
	t_close(&t);
	pm_model *m = run("cycle.pmap", &t);
	cr_expect_geq(count_rule(m, "step-cycle"), 1, "the cycle is not reported");
	cr_expect_leq(pm_model_diag_count(m), 1002);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, hundred_thousand_process_handoff_cycle, .timeout = 60)
{
	enum { N = 100000 };
	text t;
	t_open(&t);
	t_add(&t, "system s {\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "  process p%d { step a }\n", i);
	for (int i = 0; i < N; i++)
		t_add(&t, "  p%d -> p%d\n", i, (i + 1) % N);
	t_add(&t, "}\n");
	t_close(&t);
	pm_model *m = run("handoffs.pmap", &t);
	cr_expect_geq(count_rule(m, "handoff-cycle"), 1, "the cycle is not reported");
	pm_model_free(m);
	free(t.s);
}

Test(pathological, wide_fan_in_and_out, .timeout = 60)
{
	/* one step feeding 200,000 and 200,000 feeding one */
	enum { N = 200000 };
	text t;
	t_open(&t);
	t_add(&t, "process fan {\n  trigger: \"go\"\n  step start\n  step end\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "  step s%d { takes: 1m }\n  start -> s%d -> end\n", i, i);
	t_add(&t, "}\n");
	t_close(&t);
	pm_model *m = run("fan.pmap", &t);
	cr_expect_eq(pm_model_count(m, PM_KIND_FLOW), 2 * N);
	pm_model_free(m);
	free(t.s);
}

/* --- big text ------------------------------------------------------------- */

Test(pathological, ten_megabyte_label, .timeout = 60)
{
	enum { LEN = 10 * 1024 * 1024 };
	text t;
	t_open(&t);
	t_add(&t, "tool big \"");
	for (int i = 0; i < LEN; i++)
		fputc('a' + i % 26, t.f);
	t_add(&t, "\" { description: \"");
	for (int i = 0; i < LEN / 2; i++)
		fputs(i % 2 ? "\\\"" : "\xC3\xA9", t.f);
	t_add(&t, "\" }\nprocess p { trigger: \"go\"; step a { uses: big } }\n");
	t_close(&t);
	pm_model *m = run("label.pmap", &t);
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
	free(t.s);
	assert_memory_below(1000);
}

Test(pathological, ten_megabyte_identifier_and_line, .timeout = 60)
{
	enum { LEN = 10 * 1024 * 1024 };
	text t;
	t_open(&t);
	t_add(&t, "person o\nprocess q { owner: ");
	for (int i = 0; i < LEN; i++)
		fputc('x', t.f);
	t_add(&t, "; trigger: \"go\" }\n");
	/* one 10 MB line of 650,000 statements, then an error on that line */
	t_add(&t, "process p { owner: o; trigger: \"go\"");
	for (int i = 0; i < LEN / 16; i++)
		t_add(&t, "; step s%07d", i);
	t_add(&t, "; step s0000000 }\n");
	t_close(&t);
	pm_model *m = run("line.pmap", &t);
	cr_expect_eq(count_rule(m, "unknown-reference"), 1);
	cr_expect_eq(count_rule(m, "duplicate-id"), 1);
	/* the output grows with the input, not faster; the 10 MB line is not
	 * shown under its diagnostic */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(pm_model_write_diagnostics(m, f, 0), PM_OK);
	fclose(f);
	cr_expect_lt(len, (size_t)LEN + 100000, "%zu bytes of diagnostics", len);
	free(buf);
	pm_model_free(m);
	free(t.s);
}

/* --- many errors ------------------------------------------------------------ */

Test(pathological, two_hundred_thousand_syntax_errors, .timeout = 60)
{
	text t;
	t_open(&t);
	for (int i = 0; i < 200000; i++)
		t_add(&t, "bogus%d $\n", i);
	t_close(&t);
	pm_model *m = run("errors.pmap", &t);
	size_t n = pm_model_diag_count(m);
	cr_expect_leq(n, 1001, "%zu diagnostics", n);
	cr_assert_geq(n, 1);
	const pm_diag *last = pm_model_diag(m, n - 1);
	cr_expect_str_eq(last->rule, "too-many-errors");
	cr_expect_str_eq(last->message, "too many errors (1000), stopping");
	pm_model_free(m);
	free(t.s);
}

Test(pathological, two_hundred_thousand_unknown_references, .timeout = 60)
{
	/* errors found by resolve, each with a "did you mean" search over 5,000
	 * people: the search must stop with the error limit */
	text t;
	t_open(&t);
	for (int i = 0; i < 5000; i++)
		t_add(&t, "person person%d\n", i);
	t_add(&t, "process p {\n  trigger: \"go\"\n");
	for (int i = 0; i < 200000; i++)
		t_add(&t, "  step s%d { owner: persom%d; uses: tool%d }\n", i, i % 5000, i);
	t_add(&t, "  s0 -> nowhere%d\n}\n", 1);
	t_close(&t);
	pm_model *m = run("unknown.pmap", &t);
	size_t n = pm_model_diag_count_at(m, PM_SEV_ERROR);
	cr_expect_leq(n, 1001, "%zu errors", n);
	cr_expect_eq(count_rule(m, "too-many-errors"), 1);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, two_hundred_thousand_unknown_arrow_ends, .timeout = 60)
{
	/* each unknown name would offer the steps of a huge process as
	 * candidates: the gathering must stop at the error limit too */
	enum { N = 200000 };
	text t;
	t_open(&t);
	t_add(&t, "process p {\n  trigger: \"go\"\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "  step s%d\n", i);
	for (int i = 0; i < N; i++)
		t_add(&t, "  s%d -> nowhere%d\n  p.x%d -> s%d\n", i, i, i, i);
	t_add(&t, "}\n");
	t_close(&t);
	pm_model *m = run("ends.pmap", &t);
	cr_expect_leq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1001);
	cr_expect_eq(count_rule(m, "too-many-errors"), 1);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, errors_across_many_files, .timeout = 60)
{
	/* the cap counts over every file of a run */
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	for (int i = 0; i < 5000; i++) {
		char name[32], body[64];
		snprintf(name, sizeof name, "f%d.pmap", i);
		int n = snprintf(body, sizeof body, "person p%d\n$ $\n", i);
		pm_model_load_buffer(m, name, body, (size_t)n, PM_INPUT_PMAP);
	}
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM);
	cr_expect_leq(pm_model_diag_count(m), 1001);
	cr_expect_eq(count_rule(m, "too-many-errors"), 1);
	pm_model_free(m);
}

Test(pathological, many_files, .timeout = 60)
{
	/* 20,000 files, one system each, handing work along a ring */
	enum { N = 20000 };
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	for (int i = 0; i < N; i++) {
		char name[32], body[256];
		snprintf(name, sizeof name, "sys%d.pmap", i);
		int n = snprintf(body, sizeof body,
		                 "system s%d {\n  process p { trigger: \"go\"; step a; step b }\n"
		                 "  p -> s%d.p\n}\n", i, (i + 1) % N);
		cr_assert_eq(pm_model_load_buffer(m, name, body, (size_t)n, PM_INPUT_PMAP), PM_OK);
	}
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_eq(pm_model_count(m, PM_KIND_HANDOFF), N);
	cr_assert_eq(pm_model_write_report(m, devnull(), PM_REPORT_SARIF, 0), PM_OK);
	pm_model_free(m);
}

/* --- the CLI on a big model ------------------------------------------------- */

Test(pathological, cli_on_a_big_file, .timeout = 120)
{
	if (getenv("PROCMAP_LEAKCHECK"))
		cr_skip_test("too slow under valgrind");
	char path[] = "/tmp/procmap-path-XXXXXX.pmap";
	int fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("process p {\n", f);
	for (int i = 0; i < 300000; i++)
		fprintf(f, "  step s%d { owner: nobody; takes: 1m }\n", i);
	fputs("}\n", f);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' check --color=never '%s' 2>&1 | wc -l", t_bin(), path);
	int status;
	char *out = t_run(cmd, &status);
	long lines = strtol(out, NULL, 10);
	/* 1000 errors with their source line and caret, the cap, a summary */
	cr_expect_leq(lines, 3 * 1001 + 10, "%ld lines of output", lines);
	cr_expect_geq(lines, 3000);
	free(out);
	remove(path);
}

/* --- YAML: the model reader and the configuration reader -------------------- */

Test(pathological, yaml_deep_nesting, .timeout = 60)
{
	/* flow and block collections 100,000 deep */
	const char *opens[] = { "[", "{a: " , "- " };
	for (int k = 0; k < 3; k++) {
		text t;
		t_open(&t);
		t_add(&t, "title: x\nsystems:\n  s:\n    description: ");
		for (int i = 0; i < 100000; i++) {
			if (k == 2)
				t_add(&t, "\n%*s- ", 6 + i % 50, "");
			else
				fputs(opens[k], t.f);
		}
		t_add(&t, "\n");
		t_close(&t);
		pm_model *m = run("deep.yaml", &t);
		cr_expect_geq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1);
		cr_expect_leq(pm_model_diag_count(m), 1002);
		pm_model_free(m);
		free(t.s);
	}
}

Test(pathological, yaml_alias_bomb, .timeout = 60)
{
	/* ten levels of ten aliases each: 10^10 nodes if expanded */
	text t;
	t_open(&t);
	t_add(&t, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		t_add(&t, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
		      i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	t_add(&t, "systems:\n  s:\n    description: *a9\n    processes: *a9\n");
	t_close(&t);
	pm_model *m = run("bomb.yaml", &t);
	cr_expect_geq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1);
	cr_expect_leq(pm_model_diag_count(m), 1002);
	pm_model_free(m);
	free(t.s);
	assert_memory_below(500);
}

Test(pathological, yaml_three_hundred_thousand_steps, .timeout = 120)
{
	enum { N = 300000 };
	text t;
	t_open(&t);
	t_add(&t, "people:\n  o: { capacity: 40h/week }\nsystems:\n  s:\n    owner: o\n"
	          "    processes:\n      p:\n        trigger: go\n        steps:\n");
	for (int i = 0; i < N; i++)
		t_add(&t, "          s%d: { takes: 1m }\n", i);
	t_close(&t);
	pm_model *m = run("big.yaml", &t);
	cr_expect_eq(pm_model_count(m, PM_KIND_STEP), N);
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
	free(t.s);
	assert_memory_below(1500);
}

/* Loads `t` as a configuration file, then analyses a small model with it. */
static pm_model *run_config(const text *t)
{
	char path[] = "/tmp/procmap-conf-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fwrite(t->s, 1, t->len, f);
	fclose(f);
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_status st = pm_model_load_config(m, path);
	cr_expect(st == PM_OK || st == PM_ERR_INPUT, "%s", pm_status_str(st));
	const char *model = "process p { step a }\n";
	cr_assert_eq(pm_model_load_buffer(m, "m.pmap", model, strlen(model), PM_INPUT_PMAP),
	             PM_OK);
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_assert_eq(pm_model_write_report(m, devnull(), PM_REPORT_TEXT, 0), PM_OK);
	remove(path);
	return m;
}

Test(pathological, config_deep_nesting_and_aliases, .timeout = 60)
{
	text t;
	t_open(&t);
	t_add(&t, "rules:\n  step-cycle: ");
	for (int i = 0; i < 100000; i++)
		fputs("[", t.f);
	t_add(&t, "\n");
	t_close(&t);
	pm_model *m = run_config(&t);
	cr_expect_geq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1);
	pm_model_free(m);
	free(t.s);

	t_open(&t);
	t_add(&t, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		t_add(&t, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
		      i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	t_add(&t, "rules: *a9\nthresholds: *a9\n");
	t_close(&t);
	m = run_config(&t);
	cr_expect_geq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1);
	cr_expect_leq(pm_model_diag_count(m), 1002);
	pm_model_free(m);
	free(t.s);
}

Test(pathological, config_two_hundred_thousand_errors, .timeout = 60)
{
	text t;
	t_open(&t);
	t_add(&t, "rules:\n");
	for (int i = 0; i < 200000; i++)
		t_add(&t, "  no-such-rule-%d: loud\n", i);
	t_close(&t);
	pm_model *m = run_config(&t);
	size_t n = pm_model_diag_count_at(m, PM_SEV_ERROR);
	cr_expect_geq(n, 1);
	cr_expect_leq(n, 1001, "%zu errors", n);
	pm_model_free(m);
	free(t.s);
}
