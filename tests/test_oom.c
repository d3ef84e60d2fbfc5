/* test_oom.c — failure injection: for every n from 1 to the number of
 * allocations that loading, resolving, analysing and reporting a sample
 * makes, the n-th allocation fails.  The failing call must return
 * PM_ERR_NOMEM (never swallow it, never crash), pm_model_free() must free
 * everything (LeakSanitizer in `make test SANITIZE=address,undefined`), and
 * n past the end must run as if nothing failed.  The CLI gets the same
 * treatment through PROCMAP_FAIL_ALLOC. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const pm_report_format formats[] = {
	PM_REPORT_TEXT, PM_REPORT_JSON, PM_REPORT_SARIF, PM_REPORT_MARKDOWN,
};

typedef struct outcome {
	pm_status st;          /* PM_ERR_NOMEM from the call that failed, else PM_OK */
	int stage;             /* which call returned it */
	size_t ndiags;
} outcome;

static FILE *devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	cr_assert_not_null(f);
	return f;
}

/* The whole library pipeline on one file; stops at the first PM_ERR_NOMEM. */
static outcome pipeline(const char *path)
{
	outcome o = { PM_OK, 0, 0 };
	pm_model *m = pm_model_new();
	if (!m)
		return (outcome){ PM_ERR_NOMEM, 0, 0 };
	pm_status st = pm_model_load_file(m, path, PM_INPUT_AUTO);
#define STAGE(call) \
	do { \
		o.stage++; \
		if (st == PM_ERR_NOMEM) \
			goto out; \
		cr_assert(st == PM_OK || st == PM_ERR_INPUT, "stage %d: %s", o.stage, \
		          pm_status_str(st)); \
		st = (call); \
	} while (0)
	STAGE(pm_model_set_rule(m, "missing-owner=error"));
	STAGE(pm_model_resolve(m));
	STAGE(pm_model_analyze(m));
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		STAGE(pm_model_write_report(m, devnull(), formats[i], PM_WRITE_COLOR));
	STAGE(pm_model_write_diagnostics(m, devnull(), 0));
	o.stage++;
#undef STAGE
out:
	o.st = st == PM_ERR_NOMEM ? PM_ERR_NOMEM : PM_OK;
	o.ndiags = st == PM_ERR_NOMEM ? 0 : pm_model_diag_count(m);
	pm_model_free(m);
	return o;
}

/* Fails every allocation in turn; returns how many the pipeline makes. */
static unsigned long fail_each(const char *path)
{
	pm_alloc_fail_after(0);
	outcome base = pipeline(path);
	unsigned long total = pm_alloc_count();
	cr_assert_eq(base.st, PM_OK, "%s: fails without injection", path);
	for (unsigned long n = 1; n <= total + 1; n++) {
		pm_alloc_fail_after(n);
		outcome o = pipeline(path);
		unsigned long made = pm_alloc_count();
		pm_alloc_fail_after(0);
		if (n <= total) {
			cr_assert_eq(o.st, PM_ERR_NOMEM,
			             "%s: allocation %lu of %lu failed but stage %d said ok",
			             path, n, total, o.stage);
			cr_assert_eq(made, n, "%s: %lu allocations after the one that failed (%lu)",
			             path, made - n, n);
		} else {
			cr_assert_eq(o.st, PM_OK, "%s: n=%lu past the end", path, n);
			cr_assert_eq(o.ndiags, base.ndiags, "%s: n past the end changed the result",
			             path);
		}
	}
	return total;
}

static size_t fail_each_in(const char *pattern, unsigned long *most)
{
	char pat[4096];
	snprintf(pat, sizeof pat, "%s/%s", t_root(), pattern);
	glob_t g;
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		unsigned long n = fail_each(g.gl_pathv[i]);
		cr_log_info("%s: %lu allocations, each failed once", g.gl_pathv[i], n);
		if (n > *most)
			*most = n;
	}
	size_t n = g.gl_pathc;
	globfree(&g);
	return n;
}

Test(oom, every_allocation_of_each_sample, .timeout = 300)
{
	unsigned long most = 0;
	size_t n = fail_each_in("samples/*.pmap", &most);
	n += fail_each_in("samples/*.yaml", &most);
	n += fail_each_in("samples/*.yml", &most);
	cr_assert_geq(n, 3, "only %zu samples", n);
	/* a sample that allocates this little would not exercise much */
	cr_assert_geq(most, 50, "at most %lu allocations per sample", most);
}

Test(oom, every_allocation_with_errors, .timeout = 120)
{
	/* a file full of diagnostics: "did you mean", carets, too-many-errors */
	unsigned long most = 0;
	cr_assert_geq(fail_each_in("tests/golden/*.pmap", &most), 30);
}

Test(oom, model_new_fails_cleanly)
{
	pm_alloc_fail_after(1);
	pm_model *m = pm_model_new();
	pm_alloc_fail_after(0);
	cr_assert_null(m);
}

Test(oom, broken_model_refuses_further_calls)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_alloc_fail_after(1);
	cr_assert_eq(pm_model_load_buffer(m, "t.pmap", "person a", 8, PM_INPUT_PMAP),
	             PM_ERR_NOMEM);
	pm_alloc_fail_after(0);
	cr_assert_eq(pm_model_load_buffer(m, "t.pmap", "person a", 8, PM_INPUT_PMAP),
	             PM_ERR_NOMEM);
	cr_assert_eq(pm_model_resolve(m), PM_ERR_NOMEM);
	cr_assert_eq(pm_model_analyze(m), PM_ERR_NOMEM);
	cr_assert_eq(pm_model_write_report(m, devnull(), PM_REPORT_JSON, 0), PM_ERR_NOMEM);
	pm_model_free(m);
}

/* --- the CLI, through PROCMAP_FAIL_ALLOC ------------------------------------- */

static char outdir[64];

/* Runs the CLI from the source root with allocation `n` failing (0: none);
 * returns stdout + a marker + stderr. */
static char *run_cli(const char *args, unsigned long n, int *status)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && PROCMAP_FAIL_ALLOC=%lu '%s' %s 2>'%s/stderr'; rc=$?; "
	         "echo '--- stderr'; cat '%s/stderr'; exit $rc",
	         t_root(), n, t_bin(), args, outdir, outdir);
	return t_run(cmd, status);
}

/* Nothing but the captured stderr is left in the output folder. */
static void expect_no_output_files(const char *args, unsigned long n)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -v '^stderr$' || true", outdir);
	int st;
	char *left = t_run(cmd, &st);
	cr_expect_str_empty(left, "'%s' with allocation %lu failing left: %s", args, n, left);
	free(left);
}

/* Every allocation of one command line fails in turn: the run either says
 * "out of memory" and exits 2 leaving no output file, or (an allocation
 * whose failure has a fallback) gives exactly the result of a normal run. */
static void cli_fail_each(const char *fmt)
{
	char args[1024];
	snprintf(args, sizeof args, fmt, outdir);
	int base_st;
	char *base = run_cli(args, 0, &base_st);
	if (base_st == 2) {
		cr_log_warn("skipped, fails without injection: procmap %s\n%s", args, base);
		free(base);
		return;
	}
	char rm[128];
	snprintf(rm, sizeof rm, "cd '%s' && rm -f -- * .[!.]*", outdir);
	bool slow = getenv("PROCMAP_LEAKCHECK") != NULL;   /* valgrind */
	unsigned long n = 1, failed = 0;
	for (; n < 100000; n = slow ? n * 2 : n + 1) {
		cr_assert_eq(system(rm), 0);
		int st;
		char *out = run_cli(args, n, &st);
		if (st == base_st && strcmp(out, base) == 0) {
			free(out);
			if (!slow || n > 4096)
				break;
			continue;
		}
		cr_expect_eq(st, 2, "'procmap %s' with allocation %lu failing: exit %d\n%s",
		             args, n, st, out);
		const char *err = strstr(out, "--- stderr\n");
		cr_expect(err && (strstr(err, "out of memory") ||
		                  strstr(err, "Cannot allocate memory")),
		          "'procmap %s' with allocation %lu failing: no 'out of memory':\n%s",
		          args, n, out);
		expect_no_output_files(args, n);
		failed++;
		free(out);
	}
	cr_log_info("procmap %s: %lu allocations failed in turn", args, failed);
	cr_expect_geq(failed, slow ? 3 : 20, "'procmap %s': only %lu failures seen",
	              args, failed);
	cr_expect_lt(n, 100000);
	free(base);
}

static void make_outdir(void)
{
	strcpy(outdir, "/tmp/procmap-oom-XXXXXX");
	cr_assert_not_null(mkdtemp(outdir));
}

static void remove_outdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", outdir);
	cr_assert_eq(system(cmd), 0);
}

Test(oom_cli, check_every_format, .init = make_outdir, .fini = remove_outdir,
     .timeout = 600)
{
	cli_fail_each("check --color=always samples/shop.pmap");
	cli_fail_each("check -f json -o %s/r.json samples/coaching.pmap");
	cli_fail_each("check -f sarif -o %s/r.sarif samples/agency.pmap");
	cli_fail_each("check -f markdown -o %s/r.md samples/shop.pmap");
	cli_fail_each("check --rule unused-tool=error samples/shop.yaml");
	cli_fail_each("check --no-config tests/golden/unknown_owner.pmap "
	              "tests/golden/recovery.pmap");
}

/* Disabled until fixed (see the hardening report): with a configuration
 * file present, (1) an allocation failing in pm_config_find() reads as "no
 * configuration", so the run goes on without it and its findings change
 * silently; (2) pm_model_load_config() failing with PM_ERR_NOMEM makes
 * `check` print the whole report without the configuration, then exit 2
 * without saying why. */
Test(oom_cli, with_configuration, .init = make_outdir, .fini = remove_outdir,
     .timeout = 600, .disabled = true)
{
	cli_fail_each("check tests/golden/unknown_owner.pmap");
	cli_fail_each("check --config tests/golden/.procmap.yaml samples/shop.pmap");
}

Test(oom_cli, fmt_convert, .init = make_outdir, .fini = remove_outdir,
     .timeout = 600)
{
	cli_fail_each("fmt samples/coaching.pmap");
	cli_fail_each("convert --to yaml -o %s/shop.yaml samples/shop.pmap");
	cli_fail_each("convert --to pmap samples/agency.yaml");
}
