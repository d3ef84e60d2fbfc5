/* test_convert.c — `procmap convert` and pm_model_write_pmap/yaml():
 * .pmap → YAML → .pmap gives fmt's output (every sample; tests/convert/X.pmap
 * gives X.to.yaml, and back X.back.pmap where docs/fmt.md says a comment
 * moves), YAML → .pmap (tests/convert/X.yaml gives X.to.pmap), the same
 * model whichever way, scalars YAML would misread, and the command line.
 * PROCMAP_UPDATE_GOLDEN=1 rewrites the expected files; review the diff. */
#define _GNU_SOURCE   /* asprintf */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "model_eq.h"

#define PYTHON "/usr/bin/python3"

static pm_model *load(const char *name, const char *text, size_t len,
                      pm_input_format fmt)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_status st = pm_model_load_buffer(m, name, text, len, fmt);
	char *d = t_diags(m);
	cr_assert_eq(st, PM_OK, "%s does not load:\n%s\n%s", name, d, text);
	free(d);
	return m;
}

static char *write_as(pm_model *m, bool yaml)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	pm_status st = yaml ? pm_model_write_yaml(m, f) : pm_model_write_pmap(m, f);
	fclose(f);
	cr_assert_eq(st, PM_OK, "write failed: %s", pm_status_str(st));
	return buf;
}

/* Converts text (a .pmap or a YAML file by `name`) to the other form or,
 * with `to_yaml` equal to the source's form, to the same one. */
static char *convert(const char *name, const char *text, bool to_yaml)
{
	pm_model *m = load(name, text, strlen(text), PM_INPUT_AUTO);
	char *out = write_as(m, to_yaml);
	pm_model_free(m);
	return out;
}

static char *dump_of(const char *name, const char *text)
{
	pm_model *m = load(name, text, strlen(text), PM_INPUT_AUTO);
	char *d = meq_dump(m);
	pm_model_free(m);
	return d;
}

static char *fmt_of(const char *text)
{
	pm_model *m = pm_model_new();
	char *out = NULL;
	cr_assert_eq(pm_format_pmap(m, "t.pmap", text, strlen(text), &out, NULL), PM_OK);
	pm_model_free(m);
	return out;
}

static char *root_path(const char *rel)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", t_root(), rel), -1);
	return p;
}

/* `want_path` holds the expected text (rewritten under PROCMAP_UPDATE_GOLDEN). */
static void expect_file(const char *got, const char *want_path, const char *what)
{
	free(t_expect_golden(got, want_path, what));
}

/* Every YAML the converter writes validates against the schema
 * (tests/yaml_tools.py: python3-yaml, which reads YAML 1.1, and
 * python3-jsonschema).  Files are collected and checked in one run. */
static char *schema_dir;
static size_t schema_files;

static void expect_schema_valid(const char *yaml, const char *what)
{
	if (!schema_dir) {
		schema_dir = strdup("/tmp/procmap-convert-schema-XXXXXX");
		cr_assert_not_null(mkdtemp(schema_dir));
	}
	char *path = NULL;
	cr_assert_neq(asprintf(&path, "%s/%03zu.yaml", schema_dir, schema_files++), -1);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fprintf(f, "# %s\n%s", what, yaml);
	fclose(f);
	free(path);
}

static void schema_check_all(void)
{
	if (!schema_dir)
		return;
	char *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, PYTHON " '%s/tests/yaml_tools.py' valid "
	              "'%s/schemas/procmap.schema.json' '%s'/*.yaml 2>&1; s=$?; rm -rf '%s'; exit $s",
	              t_root(), t_root(), schema_dir, schema_dir), -1);
	int st;
	char *out = t_run(cmd, &st);
	cr_expect_eq(st, 0, "not valid against the schema:\n%s", out);
	free(out);
	free(cmd);
	free(schema_dir);
	schema_dir = NULL;
	schema_files = 0;
}

/* .pmap → YAML → .pmap: the model survives, and the text comes back as fmt
 * writes it (or as `back`, when given). */
static char *round_trip(const char *name, const char *text, const char *back_path)
{
	char *yaml = convert(name, text, true);
	char *d1 = dump_of(name, text), *d2 = dump_of("x.yaml", yaml);
	cr_expect_str_eq(d1, d2, "%s: the YAML is another model:\n--- pmap:\n%s--- yaml:\n%s",
	                 name, d1, d2);
	char *again = convert("x.yaml", yaml, false);
	if (back_path) {
		expect_file(again, back_path, name);
	} else {
		char *want = fmt_of(text);
		cr_expect_str_eq(again, want, "%s: .pmap → YAML → .pmap is not fmt's:\n--- got:\n%s"
		                 "--- fmt:\n%s--- yaml:\n%s", name, again, want, yaml);
		free(want);
	}
	free(again);
	free(d1);
	free(d2);
	return yaml;
}

Test(convert, every_sample_round_trips)
{
	char *pattern = root_path("samples/*.pmap");
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = t_read_file(g.gl_pathv[i], NULL);
		char *yaml = round_trip(g.gl_pathv[i], text, NULL);
		expect_schema_valid(yaml, g.gl_pathv[i]);
		/* the converted YAML converts to itself */
		char *again = convert("x.yaml", yaml, true);
		cr_expect_str_eq(again, yaml, "%s: YAML → YAML changed it", g.gl_pathv[i]);
		free(again);
		free(yaml);
		free(text);
	}
	globfree(&g);
	free(pattern);
	schema_check_all();
}

Test(convert, yaml_samples_convert_to_the_same_model)
{
	char *pattern = root_path("samples/*.yaml");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0)
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = t_read_file(g.gl_pathv[i], NULL);
		char *pmap = convert(g.gl_pathv[i], text, false);
		char *d1 = dump_of(g.gl_pathv[i], text), *d2 = dump_of("x.pmap", pmap);
		cr_expect_str_eq(d1, d2, "%s: another model", g.gl_pathv[i]);
		/* and the .pmap is already formatted */
		char *f = fmt_of(pmap);
		cr_expect_str_eq(f, pmap, "%s: the .pmap is not in fmt's layout", g.gl_pathv[i]);
		free(f);
		free(d1);
		free(d2);
		free(pmap);
		free(text);
	}
	if (g.gl_pathc)
		globfree(&g);
	free(pattern);
}

Test(convert, golden_pmap_to_yaml)
{
	char *pattern = root_path("tests/convert/*.pmap");
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	size_t n = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *in = g.gl_pathv[i];
		size_t base = strlen(in) - 5;
		if (base >= 5 && (strncmp(in + base - 5, ".back", 5) == 0 ||
		                  strncmp(in + base - 3, ".to", 3) == 0))
			continue;   /* an expected output */
		char want_yaml[4096], back[4096];
		snprintf(want_yaml, sizeof want_yaml, "%.*s.to.yaml", (int)base, in);
		snprintf(back, sizeof back, "%.*s.back.pmap", (int)base, in);
		char *text = t_read_file(in, NULL);
		bool has_back = access(back, F_OK) == 0;
		char *yaml = round_trip(in, text, has_back ? back : NULL);
		expect_file(yaml, want_yaml, in);
		expect_schema_valid(yaml, in);
		free(yaml);
		free(text);
		n++;
	}
	cr_expect_geq(n, 3);
	globfree(&g);
	free(pattern);
	schema_check_all();
}

Test(convert, golden_yaml_to_pmap)
{
	char *pattern = root_path("tests/convert/*.yaml");
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	size_t n = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *in = g.gl_pathv[i];
		size_t base = strlen(in) - 5;
		if (base >= 3 && strncmp(in + base - 3, ".to", 3) == 0)
			continue;
		char want[4096];
		snprintf(want, sizeof want, "%.*s.to.pmap", (int)base, in);
		char *text = t_read_file(in, NULL);
		char *pmap = convert(in, text, false);
		expect_file(pmap, want, in);
		char *d1 = dump_of(in, text), *d2 = dump_of("x.pmap", pmap);
		cr_expect_str_eq(d1, d2, "%s: another model", in);
		free(d1);
		free(d2);
		free(pmap);
		free(text);
		n++;
	}
	cr_expect_geq(n, 1);
	globfree(&g);
	free(pattern);
}

/* Scalars a YAML reader would take for something else come out quoted and
 * come back byte for byte; plain ones stay plain. */
Test(convert, scalars_quoted_when_needed)
{
	static const struct { const char *label, *yaml; } cases[] = {
		{ "Draft post", "name: Draft post" },
		{ "Maya's diary", "name: Maya's diary" },
		{ "yes", "name: \"yes\"" },
		{ "Off", "name: \"Off\"" },
		{ "~", "name: \"~\"" },
		{ "42", "name: \"42\"" },
		{ "-1.5", "name: \"-1.5\"" },
		{ ".inf", "name: \".inf\"" },
		{ "0o17", "name: \"0o17\"" },
		{ "1:30", "name: \"1:30\"" },
		{ "2024-06-01", "name: \"2024-06-01\"" },
		{ "2d", "name: 2d" },
		{ "a: b", "name: \"a: b\"" },
		{ "a #b", "name: \"a #b\"" },
		{ "a#b", "name: a#b" },
		{ "a, b", "name: \"a, b\"" },
		{ "{x}", "name: \"{x}\"" },
		{ "- x", "name: \"- x\"" },
		{ "?x", "name: \"?x\"" },
		{ " lead", "name: \" lead\"" },
		{ "trail ", "name: \"trail \"" },
		{ "q\\\"q", "name: q\"q" },
		{ "\\\"q\\\"", "name: \"\\\"q\\\"\"" },
		{ "back\\\\slash", "name: back\\slash" },
		{ "two\\nlines", "name: \"two\\nlines\"" },
		{ "tab\there", "name: \"tab\\there\"" },
		{ "caf\xC3\xA9 \xE2\x98\x95", "name: caf\xC3\xA9 \xE2\x98\x95" },
		{ "nel\xC2\x85", "name: \"nel\\x85\"" },
		{ "ls\xE2\x80\xA8", "name: \"ls\\u2028\"" },
		{ "bom\xEF\xBB\xBF", "name: \"bom\\uFEFF\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text = NULL;
		cr_assert_neq(asprintf(&text, "tool t \"%s\"\n", cases[i].label), -1);
		char *yaml = convert("t.pmap", text, true);
		cr_expect(strstr(yaml, cases[i].yaml) != NULL, "case %zu: no '%s' in:\n%s", i,
		          cases[i].yaml, yaml);
		char *d1 = dump_of("t.pmap", text), *d2 = dump_of("t.yaml", yaml);
		cr_expect_str_eq(d1, d2, "case %zu: the label changed:\n%s", i, yaml);
		expect_schema_valid(yaml, cases[i].label);
		free(d1);
		free(d2);
		free(yaml);
		free(text);
	}
	schema_check_all();
}

Test(convert, ids_yaml_reads_as_booleans_are_quoted)
{
	char *yaml = convert("t.pmap", "person no\nperson on { capacity: 1h/week }\n"
	                     "process y { step n; step off\n n -> off }\n", true);
	cr_expect_str_eq(yaml, "people:\n  \"no\": {}\n  \"on\": { capacity: 1h/week }\n"
	                 "processes:\n  \"y\":\n    steps:\n      \"n\":   {}\n      \"off\": {}\n"
	                 "    flow:\n      - n -> off\n");
	expect_schema_valid(yaml, "boolean ids");
	schema_check_all();
	free(yaml);
}

Test(convert, flow_labels_keep_their_escapes)
{
	const char text[] = "process p {\n  step a; step b\n"
	                    "  a -> b \"say \\\"hi\\\": a\\\\b\\nc # d\"\n}\n";
	char *yaml = round_trip("t.pmap", text, NULL);
	cr_expect(strstr(yaml, "      - \"a -> b \\\"say \\\\\\\"hi\\\\\\\": a\\\\\\\\b\\\\nc # d\\\"\"\n"),
	          "%s", yaml);
	free(yaml);
}

/* YAML's `ignore:` is a mapping, one reason a rule: .pmap allows no more,
 * so every model converts whole (the diagnostic is golden-tested). */
Test(convert, repeated_ignore_rule_is_refused)
{
	const char text[] = "tool t {\n  ignore: unused-tool \"one\"\n  ignore: unused-tool \"two\"\n}\n";
	pm_model *m = pm_model_new();
	cr_expect_eq(pm_model_load_buffer(m, "t.pmap", text, strlen(text), PM_INPUT_PMAP),
	             PM_ERR_INPUT);
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_ERROR), 1);
	pm_model_free(m);
}

Test(convert, a_model_of_several_files_has_no_comments)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_buffer(m, "a.pmap", "# a\ntool t\n", 10, PM_INPUT_PMAP), PM_OK);
	cr_assert_eq(pm_model_load_buffer(m, "b.yaml", "# b\ntools: { u: {} }\n", 20,
	                                  PM_INPUT_YAML), PM_OK);
	char *pmap = write_as(m, false), *yaml = write_as(m, true);
	cr_expect_str_eq(pmap, "tool t\ntool u\n");
	cr_expect_str_eq(yaml, "tools:\n  t: {}\n  u: {}\n");
	free(pmap);
	free(yaml);
	pm_model_free(m);
}

Test(convert, refuses_a_model_with_load_errors)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_buffer(m, "a.pmap", "tool t {", 8, PM_INPUT_PMAP), PM_ERR_INPUT);
	FILE *f = fopen("/dev/null", "w");
	cr_expect_eq(pm_model_write_pmap(m, f), PM_ERR_USAGE);
	cr_expect_eq(pm_model_write_yaml(m, f), PM_ERR_USAGE);
	cr_expect_eq(pm_model_write_yaml(NULL, f), PM_ERR_USAGE);
	fclose(f);
	pm_model_free(m);
}

/* A big model with comments both ways: linear, and still exact. */
Test(convert, large_round_trip)
{
	size_t cap = 4 << 20, len = 0;
	char *text = malloc(cap);
	len += (size_t)sprintf(text + len, "person u \"U\" { capacity: 40h/week }\n");
	for (int s = 0; s < 20; s++) {
		len += (size_t)sprintf(text + len, "\n# system %d\nsystem s%d {\n  owner: u\n", s, s);
		for (int p = 0; p < 50; p++) {
			len += (size_t)sprintf(text + len, "  process p%d {  # p%d\n    runs: 1/week\n", p, p);
			for (int k = 0; k < 20; k++)
				len += (size_t)sprintf(text + len, "    step t%d \"Step %d\" { takes: %dm }\n",
				                       k, k, k + 1);
			len += (size_t)sprintf(text + len, "    t0 -> t5 -> t19 \"end\"  # chain\n  }\n");
		}
		len += (size_t)sprintf(text + len, "  p0 -> p49\n}\n");
	}
	cr_assert_lt(len, cap);
	char *yaml = round_trip("big.pmap", text, NULL);
	free(yaml);
	free(text);
}

Test(convert, out_of_memory_at_every_allocation)
{
	char *path = root_path("tests/convert/comments.yaml");
	size_t len;
	char *text = t_read_file(path, &len);
	for (int yaml = 0; yaml < 2; yaml++) {
		bool done = false;
		unsigned long n;
		for (n = 1; !done && n < 100000; n++) {
			pm_model *m = pm_model_new();
			cr_assert_eq(pm_model_load_buffer(m, "c.yaml", text, len, PM_INPUT_YAML), PM_OK);
			char *buf = NULL;
			size_t blen = 0;
			FILE *f = open_memstream(&buf, &blen);
			pm_alloc_fail_after(n);
			pm_status st = yaml ? pm_model_write_yaml(m, f) : pm_model_write_pmap(m, f);
			pm_alloc_fail_after(0);
			fclose(f);
			cr_assert(st == PM_OK || st == PM_ERR_NOMEM, "status %d at %lu", st, n);
			done = st == PM_OK;
			free(buf);
			pm_model_free(m);
		}
		cr_expect(done);
		cr_expect_gt(n, 10, "only %lu allocations to fail", n);
	}
	free(text);
	free(path);
}

/* --- the command line ------------------------------------------------------------ */

static char *sh(const char *dir, const char *args, int *status)
{
	char *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, "cd '%s' && NO_COLOR=1 %s", dir, args), -1);
	char *out = t_run(cmd, status);
	free(cmd);
	return out;
}

static char *cli(const char *dir, const char *args, int *status)
{
	char *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, "'%s' %s", t_bin(), args), -1);
	char *out = sh(dir, cmd, status);
	free(cmd);
	return out;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", dir, name), -1);
	FILE *f = fopen(p, "wb");
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *get_file(const char *dir, const char *name)
{
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/%s", dir, name), -1);
	char *s = t_read_file(p, NULL);
	free(p);
	return s;
}

Test(convert_cli, to_stdout_and_to_a_file)
{
	char *d = t_tmpdir("convert");
	put_file(d, "m.pmap", "# c\ntool t \"T\"\n");
	int st;
	char *out = cli(d, "convert --to yaml m.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, "# c\ntools:\n  t: { name: T }\n");
	free(out);
	/* the format follows -o's extension; the file appears whole */
	out = cli(d, "convert m.pmap -o out.yml && ls -A", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, "m.pmap\nout.yml\n");
	free(out);
	char *y = get_file(d, "out.yml");
	cr_expect_str_eq(y, "# c\ntools:\n  t: { name: T }\n");
	free(y);
	out = cli(d, "convert -o back.pmap out.yml && cat back.pmap", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, "# c\ntool t \"T\"\n");
	free(out);
	out = cli(d, "convert --to pmap --input-format yaml - < out.yml", &st);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, "# c\ntool t \"T\"\n");
	free(out);
	t_rmtree(d);
}

Test(convert_cli, syntax_errors_write_nothing)
{
	char *d = t_tmpdir("convert");
	put_file(d, "bad.yaml", "tools:\n  t: { name: [x] }\n");
	put_file(d, "old.pmap", "old\n");
	int st;
	char *out = cli(d, "convert --to pmap bad.yaml -o old.pmap 2>&1", &st);
	cr_expect_eq(st, 1);
	cr_expect(strstr(out, "bad.yaml:2:") == out, "%s", out);
	free(out);
	char *old = get_file(d, "old.pmap");
	cr_expect_str_eq(old, "old\n");
	free(old);
	out = sh(d, "ls -A", &st);
	cr_expect_str_eq(out, "bad.yaml\nold.pmap\n");
	free(out);
	t_rmtree(d);
}

Test(convert_cli, usage_and_io_errors)
{
	char *d = t_tmpdir("convert");
	put_file(d, "m.pmap", "tool t\n");
	static const struct { const char *args, *err; int status; } cases[] = {
		{ "convert m.pmap", "procmap convert: --to is needed (pmap or yaml)\n", 2 },
		{ "convert --to json m.pmap", "procmap convert: invalid --to 'json' (pmap or yaml)\n", 2 },
		{ "convert --to yaml m.pmap m.pmap", "procmap convert: one input file at a time\n", 2 },
		{ "convert --to yaml", "procmap convert: no input file\n", 2 },
		{ "convert --to yaml missing.pmap", "cannot read 'missing.pmap'", 2 },
		{ "convert --to yaml m.pmap -o no/such/dir/x.yaml", "cannot write 'no/such/dir/x.yaml'", 2 },
		{ "convert --to yaml m.pmap 2>&1 >/dev/full #", "cannot write to standard output: "
		  "No space left on device\n", 2 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *cmd = NULL;
		cr_assert_neq(asprintf(&cmd, "%s 2>&1 >/dev/null", cases[i].args), -1);
		int st;
		char *out = cli(d, cmd, &st);
		cr_expect_eq(st, cases[i].status, "%s: exit %d", cases[i].args, st);
		cr_expect(strstr(out, cases[i].err) != NULL, "%s: no '%s' in:\n%s",
		          cases[i].args, cases[i].err, out);
		free(out);
		free(cmd);
	}
	int st;
	char *out = cli(d, "convert --help", &st);
	cr_expect_eq(st, 0);
	cr_expect(strstr(out, "usage: procmap convert") == out);
	free(out);
	t_rmtree(d);
}
