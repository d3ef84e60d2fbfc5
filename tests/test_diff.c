/* test_diff.c — `procmap diff` and `procmap check --baseline` as a user runs
 * them: exact goldens over a pair of model versions that holds every kind
 * of change (tests/golden_diff/v1.pmap → v2.pmap, and v2.yaml across
 * formats), metric deltas against figures worked out by hand, folders, git
 * revisions in a temporary repository, exit codes, usage errors, and
 * baselines in JSON and SARIF.  Temporary folders are removed. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define PYTHON "/usr/bin/python3"

/* Runs `procmap ARGS` in `dir` (stderr joined to stdout unless `err2null`). */
static char *golden_dir(void)
{
	char *d = NULL;
	cr_assert_neq(asprintf(&d, "%s/tests/golden_diff", t_root()), -1);
	return d;
}

static void expect_golden_run(const char *args, const char *golden, int want_status)
{
	char *dir = golden_dir(), path[4096];
	int st;
	char *got = t_pm_in(dir, args, &st);
	snprintf(path, sizeof path, "%s/%s", dir, golden);
	free(t_expect_golden(got, path, golden));
	cr_expect_eq(st, want_status, "%s: exit %d, want %d\n%s", args, st, want_status, got);
	free(got);
	free(dir);
}

static void copy_golden(const char *dir, const char *from, const char *to)
{
	t_copy_in(dir, t_fmt("tests/golden_diff/%s", from), to);
}

/* --- goldens ------------------------------------------------------------------------ */

Test(diff, text_golden_every_kind_of_change)
{
	expect_golden_run("diff --color=never v1.pmap v2.pmap", "v1-v2.txt", 1);
}

Test(diff, json_golden)
{
	expect_golden_run("diff --format json v1.pmap v2.pmap", "v1-v2.json", 1);
}

Test(diff, markdown_golden)
{
	expect_golden_run("diff --format markdown v1.pmap v2.pmap", "v1-v2.md", 1);
}

Test(diff, across_formats_pmap_to_yaml)
{
	expect_golden_run("diff --color=never v1.pmap v2.yaml", "v1-v2yaml.txt", 1);
}

Test(diff, same_model_in_two_formats_is_no_change)
{
	expect_golden_run("diff v2.pmap v2.yaml", "v2-v2yaml.txt", 0);
}

Test(diff, json_validates_against_schema)
{
	char *dir = golden_dir(), cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' '%s/tests/reports/validate.py' '%s/schemas/diff.schema.json' "
	         "'%s/v1-v2.json' 2>&1", PYTHON, t_root(), t_root(), dir);
	int st;
	char *out = t_run(cmd, &st);
	cr_expect_eq(st, 0, "%s", out);
	free(out);
	free(dir);
}

/* --- metrics, by hand --------------------------------------------------------------- */

static json_t *diff_json(const char *args)
{
	char *dir = golden_dir();
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' diff --format json %s", dir, t_bin(), args);
	int st;
	char *out = t_run(cmd, &st);
	json_error_t e;
	json_t *j = json_loads(out, 0, &e);
	cr_assert_not_null(j, "not JSON (%s): %s", e.text, out);
	free(out);
	free(dir);
	return j;
}

static json_t *metric(json_t *doc, const char *id, const char *name)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "metrics"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "id")), id) == 0 &&
		    strcmp(json_string_value(json_object_get(m, "metric")), name) == 0)
			return m;
	cr_assert_fail("no metric %s of %s", name, id);
	return NULL;
}

static void expect_metric(json_t *doc, const char *id, const char *name, double before,
                          double after)
{
	json_t *m = metric(doc, id, name);
	double b = json_number_value(json_object_get(m, "before"));
	double a = json_number_value(json_object_get(m, "after"));
	double d = json_number_value(json_object_get(m, "delta"));
	cr_expect(fabs(b - before) < 1e-4, "%s %s before %g, want %g", id, name, b, before);
	cr_expect(fabs(a - after) < 1e-4, "%s %s after %g, want %g", id, name, a, after);
	cr_expect(fabs(d - (after - before)) < 2e-4, "%s %s delta %g", id, name, d);
}

/* bake.bread: takes 30m + 20m + 40m, waits 2h → lead 3h30m, work 1h30m;
 * then 25m + 20m + 40m and 1h30m → 2h55m, 1h25m.  Bob: 5 × 1h30m bread +
 * 2 × 1h30m cakes = 10h30m a week of 30h; then 6 × 1h25m + 3h + 50 × 4m
 * selling = 14h50m of 35h. */
Test(diff, metric_deltas_match_hand_computed_values)
{
	json_t *doc = diff_json("v1.pmap v2.pmap");
	expect_metric(doc, "bake.bread", "lead_time", 12600, 10500);
	expect_metric(doc, "bake.bread", "work_time", 5400, 5100);
	expect_metric(doc, "bake.bread", "flow_efficiency", round(5400.0 / 12600 * 1e4) / 1e4,
	              round(5100.0 / 10500 * 1e4) / 1e4);
	expect_metric(doc, "bob", "load", 37800, 53400);
	expect_metric(doc, "bob", "utilisation", 0.35, round(53400.0 / 126000 * 1e4) / 1e4);
	/* ann: 50 × (3m + 1m + 10% × 1m) selling + 5m of faxes = 3h30m; then nothing */
	expect_metric(doc, "ann", "load", 12600, 0);
	json_decref(doc);
}

/* --- kinds of change, one by one ----------------------------------------------------- */

static char *two_versions(const char *old, const char *new_, int *st, const char *opts)
{
	char *dir = t_tmpdir("diff");
	t_write_in(dir, "old.pmap", old);
	t_write_in(dir, "new.pmap", new_);
	char args[512];
	snprintf(args, sizeof args, "diff --color=never %s old.pmap new.pmap", opts);
	char *out = t_pm_in(dir, args, st);
	t_rmtree(dir);
	return out;
}

Test(diff, process_rename_with_same_label_and_steps)
{
	int st;
	char *out = two_versions(
		"person a\nsystem s { owner: a\n process p \"Pay\" { trigger: \"t\"; owner: a\n"
		"  step x { takes: 1h }\n  step y { takes: 1h }\n }\n}\n",
		"person a\nsystem s { owner: a\n process pay \"Pay\" { trigger: \"t\"; owner: a\n"
		"  step x { takes: 1h }\n  step y { takes: 1h }\n }\n}\n", &st, "");
	cr_expect(strstr(out, "> process 's.p' renamed to 's.pay'") != NULL, "%s", out);
	cr_expect(strstr(out, "step") == NULL, "steps follow their process:\n%s", out);
	cr_expect_eq(st, 1);
	free(out);
}

Test(diff, different_label_is_removal_and_addition)
{
	int st;
	char *out = two_versions(
		"person a\nsystem s { owner: a\n process p \"Pay\" { trigger: \"t\"; owner: a\n"
		"  step x { takes: 1h }\n }\n}\n",
		"person a\nsystem s { owner: a\n process q \"Invoice\" { trigger: \"t\"; owner: a\n"
		"  step x { takes: 1h }\n }\n}\n", &st, "");
	cr_expect(strstr(out, "  - process 's.p' (1 step)\n") != NULL, "%s", out);
	cr_expect(strstr(out, "  + process 's.q' (1 step)\n") != NULL, "%s", out);
	free(out);
}

Test(diff, chance_and_trigger_changes)
{
	int st;
	char *out = two_versions(
		"person a\nsystem s { owner: a\n process p { trigger: \"t\"; owner: a\n"
		"  step x { takes: 1h }\n  step y { takes: 1h }\n  step z { takes: 1h }\n"
		"  x -> y 40%\n  x -> z 60%\n }\n}\n",
		"person a\nsystem s { owner: a\n process p { trigger: \"u\"; owner: a\n"
		"  step x { takes: 1h }\n  step y { takes: 1h }\n  step z { takes: 1h }\n"
		"  x -> y 50%\n  x -> z 50%\n }\n}\n", &st, "");
	cr_expect(strstr(out, "~ process 's.p': trigger \"t\" -> \"u\"") != NULL, "%s", out);
	cr_expect(strstr(out, "~ flow 's.p: x -> y': chance 40% -> 50%") != NULL, "%s", out);
	cr_expect(strstr(out, "~ flow 's.p: x -> z': chance 60% -> 50%") != NULL, "%s", out);
	cr_expect(strstr(out, "lead time 2h -> 2h") == NULL, "%s", out);
	free(out);
}

/* --- exit codes and --fail-on-new ------------------------------------------------------ */

Test(diff, fail_on_new_counts_only_new_findings_at_the_level)
{
	char *dir = golden_dir();
	int st;
	free(t_pm_in(dir, "diff --fail-on-new warning v1.pmap v2.pmap", &st));
	cr_expect_eq(st, 0, "only a new info: not at warning");
	free(t_pm_in(dir, "diff --fail-on-new info v1.pmap v2.pmap", &st));
	cr_expect_eq(st, 1, "a new info");
	free(t_pm_in(dir, "diff --fail-on-new info v2.pmap v1.pmap", &st));
	cr_expect_eq(st, 1, "the way back has a new unused-actor too");
	free(t_pm_in(dir, "diff --fail-on-new info v2.pmap v2.pmap", &st));
	cr_expect_eq(st, 0);
	free(dir);
}

Test(diff, usage_errors_and_trouble_exit_2)
{
	char *dir = golden_dir();
	int st;
	char *out = t_pm_in(dir, "diff v1.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "needs OLD and NEW") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff --format jsn v1.pmap v2.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "did you mean 'json'?") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff --fail-on-neww info v1.pmap v2.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "did you mean '--fail-on-new'?") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff v1.pmap no-such-file", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "'no-such-file' is neither a file, a folder nor a git revision")
	          != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff v1.pmap v2.pmap v2.yaml", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "separate OLD... and NEW... with '--'") != NULL, "%s", out);
	free(out);
	free(dir);
}

Test(diff, bad_input_is_one_clear_error)
{
	char *dir = t_tmpdir("diff");
	copy_golden(dir, "v1.pmap", "old.pmap");
	t_write_in(dir, "new.pmap", "person a\nsystem s { owner: nobody }\n");
	int st;
	char *out = t_pm_in(dir, "diff old.pmap new.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "new.pmap:2:19: error: unknown person 'nobody'") != NULL, "%s", out);
	free(out);
	t_rmtree(dir);
}

Test(diff, lists_of_files_and_folders)
{
	char *dir = t_tmpdir("diff");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "mkdir '%s/a' '%s/b'", dir, dir);
	cr_assert_eq(system(cmd), 0);
	copy_golden(dir, "v1.pmap", "a/model.pmap");
	copy_golden(dir, "v2.pmap", "b/model.pmap");
	t_write_in(dir, "a/.procmap.yaml", "rules:\n  unused-actor: off\n");
	int st;
	char *out = t_pm_in(dir, "diff a b", &st);
	cr_expect_eq(st, 1);
	/* each side has its own configuration: a/ switches unused-actor off */
	cr_expect(strstr(out, "findings: 1 new, 0 fixed, 1 unchanged") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff --no-config a/model.pmap -- b/model.pmap", &st);
	cr_expect_eq(st, 1);
	cr_expect(strstr(out, "findings: 1 new, 1 fixed, 1 unchanged") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "diff b b/model.pmap", &st);
	cr_expect_eq(st, 0, "%s", out);
	free(out);
	t_rmtree(dir);
}

Test(diff, output_file_is_written_whole)
{
	char *dir = t_tmpdir("diff");
	copy_golden(dir, "v1.pmap", "v1.pmap");
	copy_golden(dir, "v2.pmap", "v2.pmap");
	int st;
	free(t_pm_in(dir, "diff -f markdown -o out.md v1.pmap v2.pmap", &st));
	cr_expect_eq(st, 1);
	char path[4096];
	snprintf(path, sizeof path, "%s/out.md", dir);
	char *md = t_read_file(path, NULL);
	cr_assert_not_null(md);
	cr_expect(strncmp(md, "## procmap diff", 15) == 0, "%s", md);
	free(md);
	t_rmtree(dir);
}

/* --- git revisions ---------------------------------------------------------------------- */

Test(diff, git_revisions_in_a_temporary_repository)
{
	char *dir = t_tmpdir("diffgit");
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git init -q . && git config user.email t@example.com && "
	         "git config user.name t && mkdir model", dir);
	cr_assert_eq(system(cmd), 0);
	copy_golden(dir, "v1.pmap", "model/bakery.pmap");
	snprintf(cmd, sizeof cmd, "cd '%s' && git add -A && git commit -qm v1 && git tag v1", dir);
	cr_assert_eq(system(cmd), 0);
	copy_golden(dir, "v2.pmap", "model/bakery.pmap");
	snprintf(cmd, sizeof cmd, "cd '%s' && git commit -qam v2", dir);
	cr_assert_eq(system(cmd), 0);
	int st;
	char *out = t_pm_in(dir, "diff HEAD~1 HEAD", &st);
	cr_expect_eq(st, 1, "%s", out);
	cr_expect(strncmp(out, "--- HEAD~1\n+++ HEAD\n", 20) == 0, "%s", out);
	cr_expect(strstr(out, "> step 'bake.bread.fire' renamed to 'bake.bread.bake'") != NULL,
	          "%s", out);
	cr_expect(strstr(out, "+ new info: HEAD:model/bakery.pmap:8:1: actor 'supplier'") != NULL,
	          "%s", out);
	free(out);
	out = t_pm_in(dir, "diff v1:model/ model", &st);
	cr_expect_eq(st, 1, "%s", out);
	cr_expect(strstr(out, "6 added, 5 removed, 2 moved, 2 renamed") != NULL, "%s", out);
	free(out);
	char sub[4096];
	snprintf(sub, sizeof sub, "%s/model", dir);
	out = t_pm_in(sub, "diff HEAD bakery.pmap", &st);
	cr_expect_eq(st, 0, "from a subfolder, HEAD is the files under it:\n%s", out);
	free(out);
	out = t_pm_in(dir, "diff no-such-rev:model/ model", &st);
	cr_expect_eq(st, 2, "%s", out);
	free(out);
	t_rmtree(dir);
}

/* --- check --baseline ----------------------------------------------------------------- */

static char *baseline_dir(const char *format)
{
	char *dir = t_tmpdir("baseline");
	copy_golden(dir, "v1.pmap", "v1.pmap");
	copy_golden(dir, "v2.pmap", "v2.pmap");
	char args[256];
	snprintf(args, sizeof args, "check --format %s -o base.%s v1.pmap", format, format);
	int st;
	free(t_pm_in(dir, args, &st));
	cr_assert_eq(st, 0);
	return dir;
}

Test(baseline, json_report_makes_old_findings_unchanged)
{
	char *dir = baseline_dir("json");
	int st;
	char *out = t_pm_in(dir, "check --color=never --fail-on info --baseline base.json v1.pmap", &st);
	cr_expect_eq(st, 0, "every finding is in the baseline:\n%s", out);
	cr_expect(strstr(out, "0 errors, 0 warnings, 0 infos (2 suppressed)") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "check --color=never --fail-on info --baseline base.json v2.pmap", &st);
	cr_expect_eq(st, 1, "a new finding fails:\n%s", out);
	cr_expect(strstr(out, "actor 'supplier' is never referenced") != NULL, "%s", out);
	cr_expect(strstr(out, "long-wait") == NULL, "unchanged findings are not listed:\n%s", out);
	cr_expect(strstr(out, "0 errors, 0 warnings, 1 info (1 suppressed)") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "check -f json --fail-on info --baseline base.json v2.pmap", &st);
	cr_expect(strstr(out, "\"reason\": \"unchanged since the baseline\"") != NULL, "%s", out);
	free(out);
	t_rmtree(dir);
}

static const char *state_of(json_t *results, const char *rule, const char *subject)
{
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		json_t *loc = json_array_get(json_object_get(r, "locations"), 0);
		json_t *lg = json_array_get(json_object_get(loc, "logicalLocations"), 0);
		const char *s = json_string_value(json_object_get(lg, "fullyQualifiedName"));
		if (strcmp(json_string_value(json_object_get(r, "ruleId")), rule) == 0 &&
		    (!subject || (s && strcmp(s, subject) == 0)))
			return json_string_value(json_object_get(r, "baselineState"));
	}
	return NULL;
}

static void expect_sarif_states(const char *base)
{
	char *dir = baseline_dir(base);
	char args[256];
	snprintf(args, sizeof args, "check -f sarif --fail-on info --baseline base.%s v2.pmap", base);
	int st;
	char *out = t_pm_in(dir, args, &st);
	cr_expect_eq(st, 1, "%s", out);
	json_error_t e;
	json_t *doc = json_loads(out, 0, &e);
	cr_assert_not_null(doc, "%s: %s", e.text, out);
	json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
	cr_expect_eq(json_array_size(results), 3, "%s", out);
	const char *s = state_of(results, "long-wait", NULL);
	cr_expect(s && strcmp(s, "unchanged") == 0, "long-wait: %s", s ? s : "(none)");
	size_t i;
	json_t *r;
	int new_ = 0, absent = 0;
	json_array_foreach(results, i, r) {
		const char *bs = json_string_value(json_object_get(r, "baselineState"));
		cr_assert_not_null(bs);
		const char *msg = json_string_value(json_object_get(json_object_get(r, "message"), "text"));
		if (strcmp(bs, "new") == 0)
			new_ += strstr(msg, "'supplier'") != NULL;
		if (strcmp(bs, "absent") == 0)
			absent += strstr(msg, "'customer'") != NULL;
	}
	cr_expect_eq(new_, 1, "supplier is new:\n%s", out);
	cr_expect_eq(absent, 1, "customer is absent:\n%s", out);
	json_decref(doc);
	free(out);
	t_rmtree(dir);
}

Test(baseline, sarif_output_carries_baseline_state_from_a_sarif_baseline)
{
	expect_sarif_states("sarif");
}

Test(baseline, sarif_output_carries_baseline_state_from_a_json_baseline)
{
	expect_sarif_states("json");
}

Test(baseline, bad_baselines_exit_2_with_one_error)
{
	char *dir = baseline_dir("json");
	t_write_in(dir, "bad.json", "{\"findings\": [\n  {\"rule\": }\n");
	t_write_in(dir, "other.json", "{\"name\": 1}\n");
	int st;
	char *out = t_pm_in(dir, "check --baseline bad.json v1.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strncmp(out, "bad.json:2:", 11) == 0 && strstr(out, "error: invalid baseline"),
	          "%s", out);
	free(out);
	out = t_pm_in(dir, "check --baseline other.json v1.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "'other.json' is not a report of procmap check") != NULL, "%s", out);
	free(out);
	out = t_pm_in(dir, "check --baseline missing.json v1.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect(strstr(out, "cannot read baseline 'missing.json'") != NULL, "%s", out);
	free(out);
	t_rmtree(dir);
}

/* docs/diff.md shows what procmap prints: the text golden, and the head of
 * the Markdown one. */
Test(diff, docs_show_real_output)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/docs/diff.md", t_root());
	char *doc = t_read_file(path, NULL);
	cr_assert_not_null(doc);
	snprintf(path, sizeof path, "%s/tests/golden_diff/v1-v2.txt", t_root());
	char *txt = t_read_file(path, NULL);
	cr_assert_not_null(txt);
	cr_expect(strstr(doc, txt) != NULL, "docs/diff.md does not hold v1-v2.txt");
	snprintf(path, sizeof path, "%s/tests/golden_diff/v1-v2.md", t_root());
	char *md = t_read_file(path, NULL);
	cr_assert_not_null(md);
	char *cut = md;
	for (int i = 0; i < 12 && cut; i++)
		cut = strchr(cut, '\n') ? strchr(cut, '\n') + 1 : NULL;
	if (cut)
		*cut = '\0';
	cr_expect(strstr(doc, md) != NULL, "docs/diff.md does not hold the head of v1-v2.md");
	free(doc);
	free(txt);
	free(md);
}
