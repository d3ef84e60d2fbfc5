/* test_config.c — .procmap.yaml: goldens for every kind of mistake, the
 * values a good file sets, the search beside a model, out of memory.
 *
 * tests/golden_config/NAME.yaml loaded into an empty model must print
 * exactly NAME.err: the status, then the diagnostics with their carets.
 * Set PROCMAP_UPDATE_GOLDEN=1 to rewrite the .err files after a deliberate
 * change, then review the diff. */
#include <criterion/criterion.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "helpers.h"

static char *config_report(const char *path)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	pm_status st = pm_model_load_config(m, path);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fprintf(f, "status: %s\n", pm_status_str(st));
	cr_assert_eq(pm_model_write_diagnostics(m, f, 0), PM_OK);
	fclose(f);
	pm_model_free(m);
	return buf;
}

static void check_golden(const char *yaml)
{
	char errpath[PATH_MAX];
	snprintf(errpath, sizeof errpath, "%.*s.err", (int)(strlen(yaml) - 5), yaml);
	char *got = config_report(yaml);
	char *want = t_expect_golden(got, errpath, yaml);
	free(got);
	free(want);
}

Test(config, goldens)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/tests/golden_config", t_root());
	/* relative names keep the expected output free of this machine's paths;
	 * each Criterion test runs in its own process */
	cr_assert_eq(chdir(dir), 0, "%s", dir);
	glob_t g;
	cr_assert_eq(glob("*.yaml", 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 20, "only %zu golden configs", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_golden(g.gl_pathv[i]);
	globfree(&g);
}

/* --- what a good file sets ------------------------------------------------------ */

static char tmpdir[PATH_MAX];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/procmap-config-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static const char *in_tmp(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, rel);
	return buf[k];
}

static void cleanup_tmp(void)
{
	char cmd[PATH_MAX + 16];
	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(config, .fini = cleanup_tmp);

static const pm_diag *diag_of(pm_model *m, const char *rule)
{
	for (size_t i = 0; i < pm_model_diag_count(m); i++)
		if (strcmp(pm_model_diag(m, i)->rule, rule) == 0)
			return pm_model_diag(m, i);
	return NULL;
}

static size_t row(const char *rule)
{
	return (size_t)(pm_rule_find(rule, strlen(rule)) - pm_rules);
}

Test(config, valid_file_sets_levels_and_thresholds)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/tests/golden_config/valid.yaml", t_root());
	pm_model *m = t_load("process refunds { step a }\n");
	cr_assert_eq(pm_model_load_config(m, path), PM_OK);
	cr_expect_eq(m->an.sev[row("step-cycle")], PM_SEV_WARNING);
	cr_expect_eq(m->an.sev[row("unused-tool")], PM_SEV_OFF);
	cr_expect_eq(m->an.sev[row("orphan-process")], PM_SEV_ERROR);
	cr_expect_eq(m->an.sev[row("missing-owner")], PM_SEV_WARNING);   /* default */
	cr_expect_float_eq(m->an.th.bottleneck_utilisation, 0.7, 1e-12);
	cr_expect_eq(m->an.th.join_fan_in, 4);
	cr_expect_float_eq(m->an.th.utilisation, 0.9, 1e-12);
	cr_expect_eq(m->files.n, 1, "a good config is not added to the files");
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_eq(diag_of(m, "orphan-process")->severity, PM_SEV_ERROR);
	pm_model_free(m);
}

Test(config, defaults_without_config)
{
	pm_model *m = t_load("process refunds { step a }\n");
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_eq(m->an.sev[row("step-cycle")], PM_SEV_ERROR);
	cr_expect_eq(m->an.sev[row("missing-duration")], PM_SEV_INFO);
	cr_expect_float_eq(m->an.th.bottleneck_utilisation, 0.85, 1e-12);
	cr_expect_eq(m->an.th.join_fan_in, 3);
	cr_expect_float_eq(m->an.th.utilisation, 1.0, 1e-12);
	cr_expect_eq(diag_of(m, "orphan-process")->severity, PM_SEV_WARNING);
	pm_model_free(m);
}

Test(config, rule_option_after_config_wins)
{
	make_tmpdir();
	write_file(in_tmp("c.yaml"), "rules:\n  orphan-process: error\n");
	pm_model *m = t_load("process refunds { step a }\n");
	cr_assert_eq(pm_model_load_config(m, in_tmp("c.yaml")), PM_OK);
	cr_assert_eq(pm_model_set_rule(m, "orphan-process=off"), PM_OK);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_null(diag_of(m, "orphan-process"));
	pm_model_free(m);
}

Test(config, bad_entries_do_not_stop_good_ones)
{
	make_tmpdir();
	write_file(in_tmp("c.yaml"), "rules:\n  nope: off\n  unused-tool: off\n"
	                             "thresholds:\n  join-fan-in: 1\n  utilisation: 0.5\n");
	pm_model *m = t_load("tool t\n");
	cr_expect_eq(pm_model_load_config(m, in_tmp("c.yaml")), PM_ERR_INPUT);
	cr_expect_eq(m->an.sev[row("unused-tool")], PM_SEV_OFF);
	cr_expect_eq(m->an.th.join_fan_in, 3);
	cr_expect_float_eq(m->an.th.utilisation, 0.5, 1e-12);
	cr_expect(m->an.has_config_file);
	cr_expect_str_eq(m->files.v[m->an.config_file].name, in_tmp("c.yaml"));
	pm_model_free(m);
}

Test(config, config_errors_do_not_quiet_the_model)
{
	/* only errors in the model's own files make absence rules hold back */
	make_tmpdir();
	write_file(in_tmp("c.yaml"), "rules:\n  nope: off\n");
	pm_model *m = t_load("process refunds { step a }\n");
	cr_expect_eq(pm_model_load_config(m, in_tmp("c.yaml")), PM_ERR_INPUT);
	cr_expect_eq(pm_model_load_config(m, in_tmp("missing.yaml")), PM_ERR_IO);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_not_null(diag_of(m, "missing-owner"));
	cr_expect_not_null(diag_of(m, "unreachable-process"));
	pm_model_free(m);
}

Test(config, unreadable_file)
{
	pm_model *m = t_load("");
	cr_expect_eq(pm_model_load_config(m, "/nonexistent/.procmap.yaml"), PM_ERR_IO);
	const pm_diag *d = diag_of(m, "io");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "cannot read '/nonexistent/.procmap.yaml': No such "
	                 "file or directory");
	cr_expect_eq(pm_model_load_config(m, NULL), PM_ERR_USAGE);
	cr_expect_eq(pm_model_load_config(NULL, "x"), PM_ERR_USAGE);
	pm_model_free(m);
}

Test(config, out_of_memory_at_every_allocation)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/tests/golden_config/bad_thresholds.yaml", t_root());
	for (unsigned long n = 1;; n++) {
		pm_model *m = t_load("");
		pm_alloc_fail_after(n);
		pm_status st = pm_model_load_config(m, path);
		pm_alloc_fail_after(0);
		pm_model_free(m);
		if (st == PM_ERR_INPUT)
			break;
		cr_assert_eq(st, PM_ERR_NOMEM, "allocation %lu", n);
		cr_assert_lt(n, 10000);
	}
}

/* --- finding the file ------------------------------------------------------------------ */

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", in_tmp(rel));
	cr_assert_eq(system(cmd), 0);
}

static void expect_found(const char *model, const char *want)
{
	char *got = pm_config_find(model);
	if (!want)
		cr_expect_null(got, "%s: found %s", model, got);
	else
		cr_expect_str_eq(got ? got : "(null)", want, "%s", model);
	free(got);
}

Test(config, find_beside_or_above_the_model)
{
	make_tmpdir();
	mkdirs("a/b/c");
	write_file(in_tmp("a/.procmap.yaml"), "rules: {}\n");
	expect_found(in_tmp("a/b/c/m.pmap"), in_tmp("a/.procmap.yaml"));
	expect_found(in_tmp("a/m.pmap"), in_tmp("a/.procmap.yaml"));
	write_file(in_tmp("a/b/c/.procmap.yaml"), "rules: {}\n");
	expect_found(in_tmp("a/b/c/m.pmap"), in_tmp("a/b/c/.procmap.yaml"));
	/* a folder of that name is not a config file */
	mkdirs("a/b/.procmap.yaml");
	expect_found(in_tmp("a/b/m.pmap"), in_tmp("a/.procmap.yaml"));
}

Test(config, find_relative_paths_walk_up_lexically)
{
	make_tmpdir();
	mkdirs("a/b");
	write_file(in_tmp("a/.procmap.yaml"), "rules: {}\n");
	cr_assert_eq(chdir(in_tmp("a/b")), 0);
	expect_found("m.pmap", "../.procmap.yaml");
	expect_found("-", "../.procmap.yaml");
	expect_found(NULL, "../.procmap.yaml");
	cr_assert_eq(chdir(in_tmp("a")), 0);
	expect_found("b/m.pmap", ".procmap.yaml");
	expect_found("./b/m.pmap", ".procmap.yaml");
}

Test(config, find_nothing)
{
	struct stat st;
	if (stat("/.procmap.yaml", &st) == 0 || stat("/tmp/.procmap.yaml", &st) == 0)
		cr_skip_test("a config exists at the top of the file system");
	make_tmpdir();
	mkdirs("x/y");
	expect_found(in_tmp("x/y/m.pmap"), NULL);
	expect_found("/m.pmap", NULL);
	expect_found(in_tmp("missing/dir/m.pmap"), NULL);
}
