/* test_yaml.c — the YAML loader.
 *
 * - tests/yaml_golden/NAME.yaml checked by the CLI must print exactly
 *   NAME.err (PROCMAP_UPDATE_GOLDEN=1 rewrites them; review the diff).  The
 *   analysis rules are switched off there: these goldens pin what loading
 *   and resolving say, the passes have goldens of their own.
 * - Every samples/NAME.yaml builds the same model as samples/NAME.pmap, and
 *   gives the same JSON report apart from file positions.
 * - The samples validate against schemas/procmap.schema.json, and broken
 *   models do not (tests/yaml_tools.py, Debian's python3-jsonschema).
 * - Positions inside flow strings, aliases, out of memory, pathological
 *   input.
 * - Big files, read by libyaml on a thread of its own: the same model and
 *   diagnostics as the inline path, stopping early cleanly. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "model_eq.h"
#include "rules.h"
#include "yaml_load.h"

#define PYTHON "/usr/bin/python3"

static pm_model *y_try(const char *text, pm_status *st)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	*st = pm_model_load_buffer(m, "t.yaml", text, strlen(text), PM_INPUT_YAML);
	cr_assert_neq(*st, PM_ERR_NOMEM);
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM);
	return m;
}

static pm_model *y_load(const char *text)
{
	pm_status st;
	return y_try(text, &st);
}

/* Loading and resolving say nothing at all (analysis is not run here). */
static pm_model *y_clean(const char *text)
{
	pm_model *m = y_load(text);
	char *d = t_diags(m);
	cr_assert_str_empty(d, "unexpected diagnostics:\n%s", d);
	free(d);
	return m;
}

static void expect_diags(const char *text, const char *want)
{
	pm_model *m = y_load(text);
	char *got = t_diags(m);
	cr_expect_str_eq(got, want, "--- got:\n%s--- want:\n%s", got, want);
	free(got);
	pm_model_free(m);
}

static const char *s(const pm_model *m, pm_str id)
{
	return pm_str_get(m, id);
}

/* --- goldens --------------------------------------------------------------------- */

/* --no-config and --rule NAME=off for every analysis rule. */
static void rules_off(char *buf, size_t size)
{
	size_t o = (size_t)snprintf(buf, size, " --no-config");
	for (size_t i = 0; i < pm_nrules && o < size; i++)
		if (pm_rules[i].analysis)
			o += (size_t)snprintf(buf + o, size - o, " --rule %s=off", pm_rules[i].name);
}

Test(yaml, golden_malformed_files)
{
	char dir[4096], pattern[4096], opts[4096];
	snprintf(dir, sizeof dir, "%s/tests/yaml_golden", t_root());
	snprintf(pattern, sizeof pattern, "%s/*.yaml", dir);
	rules_off(opts, sizeof opts);
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 15, "only %zu YAML golden cases", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++)
		t_check_golden(dir, g.gl_pathv[i], opts);
	globfree(&g);
}

/* --- the samples, in both forms --------------------------------------------------------- */

#define SAME_STR(a, b, what, i) \
	cr_expect_str_eq(s(ma, a), s(mb, b), "%s: %s %u: '%s' vs '%s'", name, what, \
	                 (unsigned)(i), s(ma, a), s(mb, b))
#define SAME(a, b, what, i) \
	cr_expect_eq(a, b, "%s: %s %u differs", name, what, (unsigned)(i))

static void same_ref(const char *name, const pm_model *ma, const pm_model *mb,
                     const pm_ref *a, const pm_ref *b, const char *what, uint32_t i)
{
	SAME_STR(a->name, b->name, what, i);
	SAME(a->target, b->target, what, i);
}

static void same_people_tools(const char *name, const pm_model *ma, const pm_model *mb)
{
	for (uint32_t i = 0; i < ma->people.n; i++) {
		const pm_person *a = &ma->people.v[i], *b = &mb->people.v[i];
		SAME_STR(a->id, b->id, "person", i);
		SAME_STR(a->label, b->label, "person label", i);
		SAME_STR(a->description, b->description, "person description", i);
		SAME_STR(a->capacity_text, b->capacity_text, "capacity", i);
		SAME(a->capacity_s, b->capacity_s, "capacity", i);
	}
	for (uint32_t i = 0; i < ma->tools.n; i++) {
		const pm_tool *a = &ma->tools.v[i], *b = &mb->tools.v[i];
		SAME_STR(a->id, b->id, "tool", i);
		SAME_STR(a->label, b->label, "tool label", i);
		SAME_STR(a->description, b->description, "tool description", i);
	}
}

static void same_systems_processes(const char *name, const pm_model *ma, const pm_model *mb)
{
	for (uint32_t i = 0; i < ma->systems.n; i++) {
		const pm_system *a = &ma->systems.v[i], *b = &mb->systems.v[i];
		SAME_STR(a->id, b->id, "system", i);
		SAME_STR(a->label, b->label, "system label", i);
		SAME_STR(a->description, b->description, "system description", i);
		same_ref(name, ma, mb, &a->owner, &b->owner, "system owner", i);
		SAME(a->proc_first, b->proc_first, "system processes", i);
		SAME(a->proc_count, b->proc_count, "system processes", i);
	}
	for (uint32_t i = 0; i < ma->processes.n; i++) {
		const pm_process *a = &ma->processes.v[i], *b = &mb->processes.v[i];
		SAME_STR(a->id, b->id, "process", i);
		SAME_STR(a->label, b->label, "process label", i);
		SAME_STR(a->description, b->description, "process description", i);
		SAME_STR(a->trigger, b->trigger, "trigger", i);
		SAME_STR(a->runs_text, b->runs_text, "runs", i);
		SAME(a->runs_per_week, b->runs_per_week, "runs", i);
		same_ref(name, ma, mb, &a->owner, &b->owner, "process owner", i);
		SAME(a->system, b->system, "process system", i);
		SAME(a->step_first, b->step_first, "process steps", i);
		SAME(a->step_count, b->step_count, "process steps", i);
		SAME(a->flow_first, b->flow_first, "process flows", i);
		SAME(a->flow_count, b->flow_count, "process flows", i);
		SAME(a->explicit_flow, b->explicit_flow, "process arrows", i);
	}
}

static void same_steps(const char *name, const pm_model *ma, const pm_model *mb)
{
	for (uint32_t i = 0; i < ma->steps.n; i++) {
		const pm_step *a = &ma->steps.v[i], *b = &mb->steps.v[i];
		SAME_STR(a->id, b->id, "step", i);
		SAME_STR(a->label, b->label, "step label", i);
		SAME_STR(a->description, b->description, "step description", i);
		same_ref(name, ma, mb, &a->owner, &b->owner, "step owner", i);
		SAME_STR(a->takes_text, b->takes_text, "takes", i);
		SAME_STR(a->waits_text, b->waits_text, "waits", i);
		SAME(pm_takes(a), pm_takes(b), "takes", i);
		SAME(pm_waits(a), pm_waits(b), "waits", i);
		SAME(a->process, b->process, "step process", i);
		SAME(a->eff_owner, b->eff_owner, "effective owner", i);
		SAME(a->uses_first, b->uses_first, "uses", i);
		SAME(a->uses_count, b->uses_count, "uses", i);
	}
	for (uint32_t i = 0; i < ma->uses.n; i++)
		same_ref(name, ma, mb, &ma->uses.v[i], &mb->uses.v[i], "use", i);
}

static void same_arrows(const char *name, const pm_model *ma, const pm_model *mb)
{
	for (uint32_t i = 0; i < ma->arrows.n; i++) {
		const pm_arrow *a = &ma->arrows.v[i], *b = &mb->arrows.v[i];
		same_ref(name, ma, mb, &a->from, &b->from, "arrow from", i);
		same_ref(name, ma, mb, &a->to, &b->to, "arrow to", i);
		SAME_STR(a->label, b->label, "arrow label", i);
		SAME(a->scope_kind, b->scope_kind, "arrow scope", i);
		SAME(a->scope, b->scope, "arrow scope", i);
	}
	for (uint32_t i = 0; i < ma->flows.n; i++) {
		const pm_flow *a = &ma->flows.v[i], *b = &mb->flows.v[i];
		SAME(a->from, b->from, "flow", i);
		SAME(a->to, b->to, "flow", i);
		SAME(a->arrow, b->arrow, "flow arrow", i);
		SAME_STR(a->label, b->label, "flow label", i);
	}
	for (uint32_t i = 0; i < ma->handoffs.n; i++) {
		const pm_handoff *a = &ma->handoffs.v[i], *b = &mb->handoffs.v[i];
		SAME(a->from_proc, b->from_proc, "hand-off", i);
		SAME(a->from_step, b->from_step, "hand-off", i);
		SAME(a->to_proc, b->to_proc, "hand-off", i);
		SAME(a->to_step, b->to_step, "hand-off", i);
		SAME(a->arrow, b->arrow, "hand-off arrow", i);
		SAME_STR(a->label, b->label, "hand-off label", i);
	}
	for (uint32_t i = 0; i < ma->ignores.n; i++) {
		const pm_ignore *a = &ma->ignores.v[i], *b = &mb->ignores.v[i];
		SAME(a->kind, b->kind, "ignore", i);
		SAME(a->elem, b->elem, "ignore", i);
		SAME_STR(a->rule, b->rule, "ignore rule", i);
		SAME_STR(a->reason, b->reason, "ignore reason", i);
	}
}

/* Every array of the model, element by element, apart from positions. */
static void same_model(const char *name, pm_model *ma, pm_model *mb)
{
	cr_expect_str_eq(pm_model_title(ma), pm_model_title(mb), "%s: title", name);
	cr_assert_eq(ma->people.n, mb->people.n, "%s: people", name);
	cr_assert_eq(ma->tools.n, mb->tools.n, "%s: tools", name);
	cr_assert_eq(ma->systems.n, mb->systems.n, "%s: systems", name);
	cr_assert_eq(ma->processes.n, mb->processes.n, "%s: processes", name);
	cr_assert_eq(ma->steps.n, mb->steps.n, "%s: steps", name);
	cr_assert_eq(ma->uses.n, mb->uses.n, "%s: uses", name);
	cr_assert_eq(ma->arrows.n, mb->arrows.n, "%s: arrows", name);
	cr_assert_eq(ma->flows.n, mb->flows.n, "%s: flows", name);
	cr_assert_eq(ma->handoffs.n, mb->handoffs.n, "%s: hand-offs", name);
	cr_assert_eq(ma->ignores.n, mb->ignores.n, "%s: ignores", name);
	same_people_tools(name, ma, mb);
	same_systems_processes(name, ma, mb);
	same_steps(name, ma, mb);
	same_arrows(name, ma, mb);
}

static pm_model *load_path(const char *path)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	cr_assert_eq(pm_model_load_file(m, path, PM_INPUT_AUTO), PM_OK, "%s", path);
	cr_assert_eq(pm_model_resolve(m), PM_OK, "%s", path);
	return m;
}

/* Calls fn(pmap, yaml) for every samples/NAME.yaml; returns how many. */
static size_t each_sample(void (*fn)(const char *pmap, const char *yaml))
{
	glob_t g;
	t_glob("samples/*.yaml", &g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char pmap[4096];
		snprintf(pmap, sizeof pmap, "%.*s.pmap", (int)(strlen(g.gl_pathv[i]) - 5),
		         g.gl_pathv[i]);
		cr_assert_eq(access(pmap, R_OK), 0, "%s has no .pmap twin", g.gl_pathv[i]);
		fn(pmap, g.gl_pathv[i]);
	}
	size_t n = g.gl_pathc;
	globfree(&g);
	return n;
}

static void sample_model(const char *pmap, const char *yaml)
{
	pm_model *a = load_path(pmap), *b = load_path(yaml);
	same_model(strrchr(yaml, '/') + 1, a, b);
	pm_model_free(a);
	pm_model_free(b);
}

Test(yaml, samples_build_the_same_model_as_pmap)
{
	cr_assert_geq(each_sample(sample_model), 3);
}

static void sample_report(const char *pmap, const char *yaml)
{
	char cmd[8192], a[64], b[64];
	int status;
	snprintf(a, sizeof a, "/tmp/procmap-yaml-%d-a.json", (int)getpid());
	snprintf(b, sizeof b, "/tmp/procmap-yaml-%d-b.json", (int)getpid());
	snprintf(cmd, sizeof cmd, "'%s' check --no-config --format json '%s' > %s; "
	         "'%s' check --no-config --format json '%s' > %s; "
	         PYTHON " '%s/tests/yaml_tools.py' samejson %s %s 2>&1",
	         t_bin(), pmap, a, t_bin(), yaml, b, t_root(), a, b);
	char *out = t_run(cmd, &status);
	cr_expect_eq(status, 0, "%s: the JSON reports differ:\n%s", yaml, out);
	free(out);
	unlink(a);
	unlink(b);
}

Test(yaml, samples_give_the_same_json_report_as_pmap)
{
	cr_assert_geq(each_sample(sample_report), 3);
}

/* --- the schema ----------------------------------------------------------------------- */

static int schema_run(const char *mode, const char *files, char **out)
{
	char cmd[8192];
	int status;
	snprintf(cmd, sizeof cmd, PYTHON " '%s/tests/yaml_tools.py' %s "
	         "'%s/schemas/procmap.schema.json' %s 2>&1", t_root(), mode, t_root(), files);
	*out = t_run(cmd, &status);
	return status;
}

Test(yaml, samples_validate_against_the_schema)
{
	char files[4096], *out;
	snprintf(files, sizeof files, "'%s'/samples/*.yaml", t_root());
	int st = schema_run("valid", files, &out);
	cr_expect_eq(st, 0, "schema check failed (needs python3-jsonschema and "
	             "python3-yaml, see scripts/deps.sh):\n%s", out);
	free(out);
}

/* Each is a small mistake an editor should flag. */
static const char *const schema_rejects[] = {
	"processes:\n  p:\n    steps:\n      - a\n",                     /* list of steps */
	"people:\n  maya: { capacity: 30 hours }\n",                      /* bad capacity */
	"processes:\n  p: { runs: 5/fortnight }\n",                       /* bad rate */
	"processes:\n  p: { steps: { a: { takes: 1h30 } } }\n",           /* bad duration */
	"processes:\n  p: { steps: { a: { onwer: maya } } }\n",           /* unknown key */
	"systems:\n  s: { steps: { a: } }\n",                             /* misplaced */
	"processes:\n  p: { ignore: { orphan-proces: why } }\n",          /* unknown rule */
	"processes:\n  p: { ignore: { orphan-process: '' } }\n",          /* no reason */
	"flow:\n  - a -> \n",                                             /* broken arrow */
	"flow: a -> b\n",                                                 /* not a list */
	"people:\n  my friend: { name: F }\n",                            /* bad id */
	"processes:\n  p: { steps: { a.b: } }\n",                         /* dotted id */
	"processes:\n  p: { steps: { a: { uses: [t, [u]] } } }\n",        /* nested list */
	"processes:\n  p: { owner: Maya Okafor }\n",                      /* owner not an id */
	"titel: Shop\n",                                                  /* typo at the top */
	"- systems\n",                                                    /* not a mapping */
	"flow:\n  - a -> b 40 %\n",                                        /* split chance */
	"flow:\n  - a -> b 150%\n",                                        /* over 100% */
	"flow:\n  - a -> b abc%\n",                                        /* no number */
	"actors:\n  client: { capacity: 2h/week }\n",                     /* actor capacity */
	"actors:\n  the client: {}\n",                                    /* bad actor id */
};

/* What the language allows of chances and actors, the schema allows. */
Test(yaml, schema_accepts_chances_and_actors)
{
	static const char text[] =
		"people:\n  maya: { capacity: 30h/week }\n"
		"actors:\n  client: { name: The client, description: pays }\n  bank:\n"
		"processes:\n  p:\n    owner: client\n"
		"    steps: { a: , b: { owner: maya }, c: , d: }\n"
		"    flow:\n"
		"      - a -> b \"changes requested\" 40%\n"
		"      - a -> c 60%  # the rest\n"
		"      - b -> d 33.3%\n      - b -> c .5%\n      - b -> a 66.2%\n      - d -> c 100.0%\n";
	char *dir = t_tmpdir("schema");
	char path[4096], *out;
	snprintf(path, sizeof path, "%s/ok.yaml", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	int st = schema_run("valid", path, &out);
	cr_expect_eq(st, 0, "the schema refuses:\n%s", out);
	free(out);
	pm_model *m = y_clean(text);
	cr_expect(m->people.v[1].actor && !m->people.v[0].actor);
	pm_model_free(m);
	t_rmtree(dir);
}

Test(yaml, schema_rejects_broken_models)
{
	char dir[] = "/tmp/procmap-schema-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	size_t n = sizeof schema_rejects / sizeof *schema_rejects;
	for (size_t i = 0; i < n; i++) {
		char path[4096], *out;
		snprintf(path, sizeof path, "%s/bad%02zu.yaml", dir, i);
		FILE *f = fopen(path, "w");
		fputs(schema_rejects[i], f);
		fclose(f);
		int st = schema_run("invalid", path, &out);
		cr_expect_eq(st, 0, "case %zu should be rejected:\n%s%s", i, schema_rejects[i], out);
		free(out);
		/* and the loader rejects it too */
		pm_model *m = y_load(schema_rejects[i]);
		cr_expect_gt(pm_model_diag_count_at(m, PM_SEV_ERROR), 0,
		             "the loader accepts case %zu:\n%s", i, schema_rejects[i]);
		pm_model_free(m);
		unlink(path);
	}
	rmdir(dir);
}

/* The ignore: keys of the schema are exactly the analysis rules. */
Test(yaml, schema_lists_every_analysis_rule)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/schemas/procmap.schema.json", t_root());
	char *text = t_read_file(path, NULL);
	cr_assert_not_null(text);
	for (size_t i = 0; i < pm_nrules; i++) {
		char key[128];
		snprintf(key, sizeof key, "\"%s\": {", pm_rules[i].name);
		if (pm_rules[i].analysis)
			cr_expect_not_null(strstr(text, key), "rule '%s' is missing from the "
			                   "ignore: keys of %s", pm_rules[i].name, path);
		else
			cr_expect_null(strstr(text, key), "'%s' is no analysis rule", pm_rules[i].name);
	}
	free(text);
}

/* --- the model the loader builds ---------------------------------------------------------- */

Test(yaml, spec_example_builds_the_model)
{
	pm_model *m = y_load(
		"title: Bright Path Coaching\n"
		"people:\n"
		"  maya: { name: \"Maya (founder)\", capacity: 30h/week }\n"
		"tools:\n"
		"  notion: { name: Notion }\n"
		"systems:\n"
		"  marketing:\n"
		"    name: Marketing\n"
		"    owner: maya\n"
		"    description: Grow the brand\n"
		"    processes:\n"
		"      social:\n"
		"        name: Social media posting\n"
		"        runs: 5/week\n"
		"        trigger: content calendar\n"
		"        steps:\n"
		"          draft:  { name: Draft post, owner: maya, uses: [notion], takes: 45m }\n"
		"          review: { name: Client approves, waits: 2d }\n"
		"        flow:\n"
		"          - draft -> review\n"
		"processes:\n"
		"  refunds:\n"
		"    name: Process refunds\n"
		"    steps:\n"
		"      approve: { name: Approve }\n"
		"flow:\n"
		"  - marketing.social -> refunds\n");
	char *d = t_diags(m);
	cr_expect_str_empty(d, "%s", d);
	free(d);
	cr_expect_str_eq(pm_model_title(m), "Bright Path Coaching");
	cr_assert_eq(m->steps.n, 3);
	cr_expect_eq(m->people.v[0].capacity_s, 30 * 3600);
	pm_ix draft = t_step(m, "marketing.social.draft");
	cr_assert_neq(draft, PM_NONE);
	cr_expect_eq(pm_takes(&m->steps.v[draft]), 45 * 60);
	cr_expect_eq(m->steps.v[draft].eff_owner, 0);
	cr_expect_eq(m->steps.v[t_step(m, "marketing.social.review")].eff_owner, 0,
	             "the owner is inherited from the system");
	cr_expect_eq(pm_waits(&m->steps.v[t_step(m, "marketing.social.review")]), 2 * 86400);
	cr_expect_eq(m->processes.v[0].runs_per_week, 5.0);
	cr_expect_str_eq(s(m, m->processes.v[0].trigger), "content calendar");
	cr_expect_eq(m->processes.v[1].system, PM_NONE);
	cr_expect_eq(m->flows.n, 1);
	cr_assert_eq(m->handoffs.n, 1);
	cr_expect_eq(m->handoffs.v[0].to_proc, t_process(m, "refunds"));
	pm_model_free(m);
}

Test(yaml, labels_default_to_the_id)
{
	pm_model *m = y_clean(
		"tools:\n  a:\n  b: {}\n  c: { name: \"\" }\n  d: { name: 42 }\n");
	cr_assert_eq(m->tools.n, 4);
	cr_expect_str_eq(s(m, m->tools.v[0].label), "a");
	cr_expect_str_eq(s(m, m->tools.v[1].label), "b");
	cr_expect_str_eq(s(m, m->tools.v[2].label), "c");
	cr_expect_str_eq(s(m, m->tools.v[3].label), "42", "any scalar is text");
	pm_model_free(m);
}

Test(yaml, steps_run_in_written_order_without_arrows)
{
	pm_model *m = y_clean("processes:\n  p:\n    steps:\n      c:\n      a:\n      b:\n");
	cr_assert_eq(m->flows.n, 2);
	cr_expect_str_eq(s(m, m->steps.v[m->flows.v[0].from].id), "c");
	cr_expect_str_eq(s(m, m->steps.v[m->flows.v[0].to].id), "a");
	cr_expect_str_eq(s(m, m->steps.v[m->flows.v[1].to].id), "b");
	cr_expect_eq(m->flows.v[0].arrow, PM_NONE);
	pm_model_free(m);
}

Test(yaml, uses_takes_a_scalar_or_a_list)
{
	pm_model *m = y_clean(
		"tools: { t: , u: , v: }\n"
		"processes:\n  p:\n    steps:\n"
		"      a: { uses: t }\n      b: { uses: [u, v] }\n      c: { uses: [] }\n");
	cr_assert_eq(m->uses.n, 3);
	cr_expect_eq(m->steps.v[0].uses_first, 0);
	cr_expect_eq(m->steps.v[0].uses_count, 1);
	cr_expect_eq(m->steps.v[1].uses_first, 1);
	cr_expect_eq(m->steps.v[1].uses_count, 2);
	cr_expect_eq(m->steps.v[2].uses_count, 0);
	cr_expect_eq(m->uses.v[2].target, 2);
	pm_model_free(m);
}

Test(yaml, ignore_is_a_mapping_of_rules_to_reasons)
{
	pm_model *m = y_clean(
		"processes:\n  p:\n"
		"    ignore: { orphan-process: \"kept apart\", unreachable-process: run by hand }\n"
		"    steps: { a: { ignore: { missing-owner: nobody yet } } }\n");
	cr_assert_eq(m->ignores.n, 3);
	cr_expect_eq(m->ignores.v[0].kind, PM_KIND_PROCESS);
	cr_expect_str_eq(s(m, m->ignores.v[0].rule), "orphan-process");
	cr_expect_str_eq(s(m, m->ignores.v[0].reason), "kept apart");
	cr_expect_eq(m->ignores.v[0].loc.line, 3);
	cr_expect_eq(m->ignores.v[0].loc.col, 15, "at the rule's key");
	cr_expect_str_eq(s(m, m->ignores.v[1].reason), "run by hand");
	cr_expect_eq(m->ignores.v[2].kind, PM_KIND_STEP);
	pm_model_free(m);
	expect_diags("processes:\n  p: { ignore: { orphan-process: a, orphan-process: b } }\n",
	             "2:37: error: 'ignore: orphan-process' is given twice for a process "
	             "[duplicate-attribute]\n");
}

Test(yaml, element_locations_are_their_keys)
{
	pm_model *m = y_clean("systems:\n  s:\n    processes:\n      p:\n"
	                      "        steps: { a: , b: }\n");
	cr_expect_eq(m->systems.v[0].loc.line, 2);
	cr_expect_eq(m->systems.v[0].loc.col, 3);
	cr_expect_eq(m->processes.v[0].loc.line, 4);
	cr_expect_eq(m->processes.v[0].loc.col, 7);
	cr_expect_eq(m->steps.v[1].loc.line, 5);
	cr_expect_eq(m->steps.v[1].loc.col, 23);
	cr_expect_eq(m->systems.v[0].proc_count, 1);
	cr_expect_eq(m->processes.v[0].step_count, 2);
	pm_model_free(m);
}

/* Arrow ends point into the flow string in every scalar style. */
Test(yaml, flow_positions_in_every_scalar_style)
{
	pm_model *m = y_clean(
		"processes:\n"
		"  p:\n"
		"    steps: { a: , bb: }\n"
		"    flow:\n"
		"      - a -> bb\n"                 /* 5: plain */
		"      - \"a ->\\tbb\"\n"           /* 6: double quotes, an escape */
		"      - 'a -> bb \"it''s\"'\n"     /* 7: single quotes */
		"      - &x a\n"                    /* 8: anchored, folded over lines */
		"        -> bb\n"
		"      - >-\n"                      /* 10: folded block */
		"        a ->\n"
		"          bb\n"
		"      - \"a \\\n"                  /* 13: escaped line break */
		"        -> \\x62b\"\n");
	static const uint32_t want[][4] = {
		{ 5, 9, 5, 14 }, { 6, 10, 6, 16 }, { 7, 10, 7, 15 }, { 8, 12, 9, 12 },
		{ 11, 9, 12, 11 }, { 13, 10, 14, 12 },
	};
	cr_assert_eq(m->arrows.n, 6);
	for (uint32_t i = 0; i < 6; i++) {
		const pm_arrow *a = &m->arrows.v[i];
		cr_expect(a->from.loc.line == want[i][0] && a->from.loc.col == want[i][1] &&
		          a->to.loc.line == want[i][2] && a->to.loc.col == want[i][3],
		          "arrow %u: %u:%u -> %u:%u, want %u:%u -> %u:%u", i, a->from.loc.line,
		          a->from.loc.col, a->to.loc.line, a->to.loc.col, want[i][0], want[i][1],
		          want[i][2], want[i][3]);
	}
	cr_expect_str_eq(s(m, m->arrows.v[2].label), "it's");
	pm_model_free(m);
}

Test(yaml, flow_labels_and_scopes)
{
	pm_model *m = y_clean(
		"systems:\n  s:\n    processes:\n"
		"      p: { steps: { a: , b: , c: }, flow: ['a -> b \"one\" -> c \"two \\\"2\\\"\"'] }\n"
		"      q: { steps: { x: } }\n"
		"    flow: [p -> q]\n"
		"flow: [s.p.c -> s.q.x \"out\"]\n");
	cr_assert_eq(m->arrows.n, 4);
	cr_expect_str_eq(s(m, m->arrows.v[0].label), "one");
	cr_expect_str_eq(s(m, m->arrows.v[1].label), "two \"2\"");
	cr_expect_eq(m->arrows.v[0].scope_kind, PM_SCOPE_PROCESS);
	cr_expect_eq(m->arrows.v[2].scope_kind, PM_SCOPE_SYSTEM);
	cr_expect_eq(m->arrows.v[3].scope_kind, PM_SCOPE_TOP);
	cr_expect_eq(m->arrows.v[3].scope, PM_NONE);
	cr_expect_eq(m->handoffs.n, 2);
	cr_expect_str_eq(s(m, m->handoffs.v[1].label), "out");
	pm_model_free(m);
}

Test(yaml, flow_string_errors_point_inside_the_string)
{
	expect_diags("processes:\n  p:\n    steps: { a: , b: }\n    flow:\n"
	             "      - 'a -> b \"x\\q\"'\n"
	             "      - \"a -> b \\\"ok\\\" #c\"\n"
	             "      - a -> b; b -> a\n",
	             "5:19: error: invalid escape '\\q' in string (use \\\", \\\\ or \\n) [syntax]\n"
	             "7:15: error: unexpected ';'; expected '->' or the end of the arrow [syntax]\n");
}

Test(yaml, aliases_expand_as_written_there)
{
	pm_model *m = y_clean(
		"tools: { t: , u: }\n"
		"processes:\n"
		"  p:\n    steps: &steps\n      a: { uses: &tools [t, u], takes: 1h }\n"
		"      b: { uses: *tools }\n"
		"  q: { steps: *steps }\n"
		"  r: &again { steps: { x: } }\n"
		"  s: *again\n");
	cr_assert_eq(m->processes.n, 4);
	cr_expect_eq(m->processes.v[1].step_count, 2);
	cr_expect_eq(m->steps.v[m->processes.v[1].step_first + 1].uses_count, 2);
	cr_expect_eq(pm_takes(&m->steps.v[m->processes.v[1].step_first]), 3600);
	cr_expect_eq(m->processes.v[3].step_count, 1);
	cr_expect_eq(m->uses.n, 8);
	pm_model_free(m);
}

Test(yaml, a_redefined_anchor_is_the_later_one)
{
	pm_model *m = y_clean("tools:\n  a: { name: &n One }\n  b: { name: &n Two }\n"
	                      "  c: { name: *n }\n");
	cr_expect_str_eq(s(m, m->tools.v[2].label), "Two");
	pm_model_free(m);
}

Test(yaml, null_bodies_and_empty_sections)
{
	pm_model *m = y_clean("title:  T\npeople:\ntools: ~\nsystems: { s: }\n"
	                      "processes: { p: { steps: } }\nflow:\n");
	cr_expect_eq(m->systems.n, 1);
	cr_expect_eq(m->processes.n, 1);
	cr_expect_eq(m->processes.v[0].step_count, 0);
	pm_model_free(m);
	m = y_clean("");
	cr_expect_eq(m->processes.n, 0);
	pm_model_free(m);
	m = y_clean("# only a comment\n");
	pm_model_free(m);
}

Test(yaml, values_as_in_pmap)
{
	pm_model *m = y_clean("people: { p: { capacity: 37.5h/week } }\n"
	                      "processes:\n  q:\n    runs: 2/month\n"
	                      "    steps: { a: { takes: 1h30m, waits: 0.5d } }\n");
	cr_expect_eq(m->people.v[0].capacity_s, 37 * 3600 + 1800);
	cr_expect_str_eq(s(m, m->people.v[0].capacity_text), "37.5h/week");
	cr_expect_float_eq(m->processes.v[0].runs_per_week, 2.0 * 12 / 52, 1e-9);
	cr_expect_eq(pm_takes(&m->steps.v[0]), 5400);
	cr_expect_eq(pm_waits(&m->steps.v[0]), 43200);
	pm_model_free(m);
}

/* --- diagnostics, beside the goldens --------------------------------------------------- */

Test(yaml, wrong_types_and_keys)
{
	expect_diags("processes:\n  p:\n    steps:\n      - a\n",
	             "4:7: error: 'steps' must be a mapping of step ids, not a list [syntax]\n");
	expect_diags("people: { maya: { owner: x } }\n",
	             "1:19: error: no attribute 'owner' for a person [unknown-attribute]\n");
	expect_diags("tools: { t: { descripton: x } }\n",
	             "1:15: error: unknown attribute 'descripton' for a tool; did you mean "
	             "'description'? [unknown-attribute]\n");
	expect_diags("sytems: {}\n",
	             "1:1: error: unknown attribute 'sytems' for the top level; did you mean "
	             "'systems'? [unknown-attribute]\n");
	expect_diags("processes: { p: { processes: {} } }\n",
	             "1:19: error: 'process' declarations belong at the top level or inside a "
	             "system [misplaced-declaration]\n");
	expect_diags("tools: { t: , t: }\n",
	             "1:15: error: duplicate tool id 't': a tool 't' is already declared at "
	             "line 1 [duplicate-id]\n");
}

Test(yaml, the_title_once_across_files)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_buffer(m, "a.pmap", "title \"A\"\n", 10, PM_INPUT_AUTO),
	             PM_OK);
	cr_assert_eq(pm_model_load_buffer(m, "b.yaml", "title: B\n", 9, PM_INPUT_AUTO),
	             PM_ERR_INPUT);
	cr_expect_str_eq(pm_model_title(m), "A");
	cr_expect_str_eq(pm_model_diag(m, 0)->message,
	                 "'title' is given twice for the top level");
	cr_expect_str_eq(pm_model_diag(m, 0)->file, "b.yaml");
	pm_model_free(m);
}

Test(yaml, status_says_whether_there_were_errors)
{
	pm_status st;
	pm_model *m = y_try("tools: { t: }\n", &st);
	cr_expect_eq(st, PM_OK);
	pm_model_free(m);
	m = y_try("tools: [t]\n", &st);
	cr_expect_eq(st, PM_ERR_INPUT);
	pm_model_free(m);
	m = y_try("tools: { t: \n", &st);
	cr_expect_eq(st, PM_ERR_INPUT);
	pm_model_free(m);
}

Test(yaml, nul_in_an_escape_is_refused)
{
	expect_diags("tools: { t: { name: \"a\\0b\" } }\n",
	             "1:21: error: NUL byte in string [syntax]\n");
}

Test(yaml, utf16_is_refused)
{
	static const char text[] = "\xFF\xFEt\0o\0o\0l\0s\0:\0";
	pm_model *m = pm_model_new();
	cr_expect_eq(pm_model_load_buffer(m, "u.yaml", text, sizeof text - 1, PM_INPUT_AUTO),
	             PM_ERR_INPUT);
	cr_expect_str_eq(pm_model_diag(m, 0)->message, "invalid UTF-8 byte 0xff");
	pm_model_free(m);
}

/* --- the CLI --------------------------------------------------------------------------- */

Test(yaml, input_format_option_and_stdin)
{
	char cmd[8192];
	int status;
	snprintf(cmd, sizeof cmd, "printf 'tools: { t: }\\nflow: [a -> b]\\n' | '%s' check "
	         "--no-config --color=never --input-format yaml - 2>&1", t_bin());
	char *out = t_run(cmd, &status);
	cr_expect_eq(status, 1);
	cr_expect(strstr(out, "<stdin>:2:8: error: unknown process 'a'") != NULL, "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' check --no-config --color=never --input-format pmap "
	         "'%s/samples/coaching.yaml' 2>&1", t_bin(), t_root());
	out = t_run(cmd, &status);
	cr_expect_eq(status, 1, "read as .pmap, YAML is a syntax error:\n%s", out);
	free(out);
}

/* --- out of memory and pathological input ----------------------------------------------- */

Test(yaml, every_allocation_failure_is_reported_and_leaks_nothing)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/yaml_golden/aliases.yaml", t_root());
	pm_alloc_fail_after(0);
	pm_model *m = pm_model_new();
	pm_model_load_file(m, path, PM_INPUT_AUTO);
	unsigned long total = pm_alloc_count();
	pm_model_free(m);
	cr_assert_gt(total, 10);
	for (unsigned long n = 1; n <= total; n++) {
		pm_alloc_fail_after(n);
		m = pm_model_new();
		pm_status st = m ? pm_model_load_file(m, path, PM_INPUT_AUTO) : PM_ERR_NOMEM;
		bool failed = pm_alloc_count() >= n;
		pm_alloc_fail_after(0);
		if (failed)
			cr_expect_eq(st, PM_ERR_NOMEM, "allocation %lu failed unreported", n);
		pm_model_free(m);
	}
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *buf = malloc(hl + ul * n + tl + 1);
	memcpy(buf, head, hl);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + hl + i * ul, unit, ul);
	memcpy(buf + hl + ul * n, tail, tl + 1);
	return buf;
}

Test(yaml, deep_nesting_is_skipped_not_recursed)
{
	char *text = repeat("title: ", "[", 200000, "");
	pm_model *m = y_load(text);
	cr_expect_gt(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
	free(text);
	text = repeat("tools: { t: { name: ", "{a: ", 100000, "");
	m = y_load(text);
	cr_expect_gt(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
	free(text);
}

Test(yaml, a_long_flow_chain)
{
	size_t n = 50000;
	char *text = malloc(n * 40 + 100);
	size_t o = (size_t)sprintf(text, "processes:\n  p:\n    steps:\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(text + o, "      s%zu:\n", i);
	o += (size_t)sprintf(text + o, "    flow:\n      - s0");
	for (size_t i = 1; i < n; i++)
		o += (size_t)sprintf(text + o, " -> s%zu", i);
	sprintf(text + o, "\n");
	pm_model *m = y_clean(text);
	cr_expect_eq(m->arrows.n, n - 1);
	cr_expect_eq(m->flows.n, n - 1);
	cr_expect_eq(m->arrows.v[n - 2].to.loc.line, n + 5);
	pm_model_free(m);
	free(text);
}

Test(yaml, billion_laughs_stops_early)
{
	/* ten levels of ten: 10^10 nodes if expanded */
	char text[8192];
	size_t o = (size_t)sprintf(text, "tools: { t: }\nsystems:\n  s:\n    processes:\n"
	                           "      p:\n        steps:\n          a: { uses: &l0 [t] }\n");
	for (int i = 1; i <= 10; i++) {
		o += (size_t)sprintf(text + o, "          s%d: { uses: &l%d [", i, i);
		for (int k = 0; k < 10; k++)
			o += (size_t)sprintf(text + o, "%s*l%d", k ? ", " : "", i - 1);
		o += (size_t)sprintf(text + o, "] }\n");
	}
	pm_model *m = y_load(text);
	char *d = t_diags(m);
	cr_expect(strstr(d, "aliases expand to more than") == NULL,
	          "nested lists in 'uses' are refused before they expand:\n%s", d);
	free(d);
	pm_model_free(m);
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/yaml_golden/alias_bomb.yaml", t_root());
	m = pm_model_new();
	cr_expect_eq(pm_model_load_file(m, path, PM_INPUT_AUTO), PM_ERR_INPUT);
	cr_expect_lt(m->steps.n, 2000, "loading stopped at the cap");
	pm_model_free(m);
}

/* --- chances and actors ------------------------------------------------------------- */

/* A flow's chance reaches the library's users: pm_model_chance() gives it
 * for flows and hand-offs, -1 for plain arrows and bad arguments. */
Test(yaml, chances_through_the_public_api)
{
	pm_model *m = y_clean(
		"actors:\n  client: { name: The client }\n"
		"processes:\n"
		"  p:\n    steps: { review: { owner: client }, revise: , final: }\n"
		"    flow:\n"
		"      - review -> revise \"changes requested\" 40%\n"
		"      - review -> final 60%\n"
		"      - revise -> review\n"
		"  q:\n    steps: { x: }\n"
		"  r:\n    steps: { y: }\n"
		"flow:\n  - p -> q 12.5%\n  - p -> r 87.5%\n");
	cr_assert_eq(pm_model_count(m, PM_KIND_FLOW), 3);
	cr_expect_float_eq(pm_model_chance(m, PM_KIND_FLOW, 0), 0.4, 1e-12);
	cr_expect_float_eq(pm_model_chance(m, PM_KIND_FLOW, 1), 0.6, 1e-12);
	cr_expect_eq(pm_model_chance(m, PM_KIND_FLOW, 2), -1);
	cr_assert_eq(pm_model_count(m, PM_KIND_HANDOFF), 2);
	cr_expect_float_eq(pm_model_chance(m, PM_KIND_HANDOFF, 0), 0.125, 1e-12);
	cr_expect_float_eq(pm_model_chance(m, PM_KIND_HANDOFF, 1), 0.875, 1e-12);
	cr_expect_eq(pm_model_chance(m, PM_KIND_HANDOFF, 2), -1);
	cr_expect_eq(pm_model_chance(m, PM_KIND_STEP, 0), -1);
	cr_expect_eq(pm_model_chance(NULL, PM_KIND_FLOW, 0), -1);
	/* the actor owns its step */
	cr_expect(m->people.v[0].actor);
	cr_expect_eq(m->steps.v[0].owner.target, 0);
	pm_model_free(m);
}

/* Positions of a chance inside a quoted, escaped flow string. */
Test(yaml, chance_errors_point_inside_quoted_strings)
{
	expect_diags("processes:\n  p:\n    steps: { a: , b: }\n    flow:\n"
	             "      - \"a -> b \\\"x\\\" 4\\x30 %\"\n",
	             "5:23: error: bad chance '40 %': write the '%' right after the number, "
	             "as in 40% [bad-value]\n");
}

/* --- the reader thread ---------------------------------------------------------------- */

/* The threshold the big tests load with (the default, 32 MiB, would make
 * each big file a few seconds under the sanitizers). */
#define BIG_MIN ((size_t)8 << 20)

/* Everything a load gives, positions included: the model, where each
 * element and arrow end is, and the diagnostics (malloc'd). */
static char *load_dump(const char *text, size_t len, size_t thread_min, bool threaded,
                       pm_status *st)
{
	size_t saved = pm_yaml_thread_min;
	unsigned long before = pm_yaml_threaded_loads;
	pm_yaml_thread_min = thread_min;
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_status got = pm_model_load_buffer(m, "big.yaml", text, len, PM_INPUT_YAML);
	pm_yaml_thread_min = saved;
	cr_assert_eq(pm_yaml_threaded_loads - before, threaded ? 1 : 0,
	             "the file was %s read on the thread", threaded ? "not" : "");
	if (st)
		*st = got;
	if (got == PM_ERR_NOMEM) {
		pm_model_free(m);
		return NULL;
	}
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM);
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	/* not meq_dump(): it walks every arrow for each process */
	char *diags = t_diags(m);
	fprintf(f, "%s", diags);
	for (pm_ix i = 0; i < m->people.n; i++)
		fprintf(f, "person %s \"%s\" cap=%s\n", meq_s(m, m->people.v[i].id),
		        meq_s(m, m->people.v[i].label), meq_s(m, m->people.v[i].capacity_text));
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		fprintf(f, "process %s \"%s\" d=\"%s\" at %u:%u owner", meq_s(m, p->id),
		        meq_s(m, p->label), meq_s(m, p->description), p->loc.line, p->loc.col);
		meq_ref(f, m, &p->owner);
		fputc('\n', f);
	}
	for (pm_ix i = 0; i < m->steps.n; i++) {
		meq_step(f, m, i);
		fprintf(f, "  at %u:%u\n", m->steps.v[i].loc.line, m->steps.v[i].loc.col);
	}
	for (pm_ix i = 0; i < m->arrows.n; i++) {
		const pm_arrow *a = &m->arrows.v[i];
		fprintf(f, "arrow %s %u:%u -> %s %u:%u \"%s\" %s\n", meq_s(m, a->from.name),
		        a->from.loc.line, a->from.loc.col, meq_s(m, a->to.name), a->to.loc.line,
		        a->to.loc.col, meq_s(m, a->label), meq_s(m, pm_arrow_chance_text(m, a)));
	}
	fclose(f);
	free(diags);
	pm_model_free(m);
	return buf;
}

/* Two dumps are equal; else where they part (a whole dump of a big file
 * is too much for Criterion's report). */
static void expect_same(const char *name, const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return;
	size_t i = 0;
	while (a[i] == b[i])
		i++;
	size_t from = i > 200 ? i - 200 : 0;
	cr_expect_fail("%s: the thread's load differs at byte %zu\n--- inline:\n%.400s\n"
	               "--- thread:\n%.400s", name, i, a + from, b + from);
}

/* The same text through both paths gives the same everything. */
static void same_both_ways(const char *name, const char *text, size_t len)
{
	pm_status st_inline, st_thread;
	char *a = load_dump(text, len, SIZE_MAX, false, &st_inline);
	char *b = load_dump(text, len, 0, true, &st_thread);
	cr_assert_eq(st_inline, st_thread, "%s: status", name);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	expect_same(name, a, b);
	free(a);
	free(b);
}

/* A model past the thread's threshold, with every scalar style, anchors,
 * aliases, non-ASCII text, flows and a few mistakes, and `tail` after it. */
static char *big_model(size_t *len, const char *tail)
{
	size_t cap = BIG_MIN + (1u << 20), o = 0;
	char *t = malloc(cap);
	cr_assert_not_null(t);
	o += (size_t)sprintf(t, "title: Big\npeople:\n  ana: { name: \"Ana Lima\", capacity: 30h/week }\n"
	                     "  bo: { name: 'Bo \u00c5s' }\ntools:\n  crm:\n  sheet: { name: Sheet }\n"
	                     "systems:\n");
	for (unsigned i = 0; o + 4096 < cap - 1024 && o < BIG_MIN + 4096; i++) {
		o += (size_t)sprintf(t + o,
		    "  s%u:\n    name: 'System %u'\n    owner: ana\n    processes:\n"
		    "      p%u:\n        description: |\n          Line one of %u.\n"
		    "          Line two, caf\u00e9.\n        steps:\n"
		    "          a: { name: \"Take \\u00e9 %u\", owner: bo, takes: 2h, waits: 30m,"
		    " uses: &u%u [crm, sheet] }\n"
		    "          b:\n            name: >-\n              folded\n              text %u\n"
		    "            uses: *u%u\n"
		    "          c: { takes: %s, owner: %s }\n"
		    "        flow:\n          - a -> b \"hand over\" -> c\n"
		    "          - \"c -> a 40%%\"\n          - c -> a 60%%\n",
		    i, i, i, i, i, i, i, i, i % 997 == 5 ? "soon" : "1d",
		    i % 1499 == 7 ? "nobody" : "ana");
	}
	o += (size_t)sprintf(t + o, "%s", tail);
	*len = o;
	return t;
}

Test(yaml, a_big_file_through_the_thread_gives_the_inline_model_and_diagnostics)
{
	size_t len;
	char *text = big_model(&len, "");
	cr_assert_gt(len, BIG_MIN);
	char *a = load_dump(text, len, SIZE_MAX, false, NULL);
	char *b = load_dump(text, len, BIG_MIN, true, NULL);
	cr_expect(strstr(a, "bad-value") && strstr(a, "'nobody'"), "the mistakes are reported");
	expect_same("big", a, b);
	free(a);
	free(b);
	free(text);
}

/* Every YAML golden and sample, each through the thread too: errors of
 * every kind, odd line breaks, tags, anchors. */
Test(yaml, every_yaml_golden_and_sample_reads_the_same_through_the_thread)
{
	const char *pats[] = { "tests/yaml_golden/*.yaml", "samples/*.yaml" };
	size_t files = 0;
	for (size_t p = 0; p < 2; p++) {
		glob_t g;
		t_glob(pats[p], &g);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			size_t len;
			char *text = t_read_file(g.gl_pathv[i], &len);
			cr_assert_not_null(text, "%s", g.gl_pathv[i]);
			bool utf16 = len >= 2 && (unsigned char)text[0] >= 0xFE &&
			             (unsigned char)text[1] >= 0xFE;
			if (!utf16)   /* refused before libyaml starts: no thread */
				same_both_ways(g.gl_pathv[i], text, len);
			free(text);
			files++;
		}
		globfree(&g);
	}
	cr_assert_gt(files, 40);
}

Test(yaml, a_syntax_error_deep_in_a_big_file_reads_as_inline)
{
	static const struct { const char *tail; unsigned line; const char *diag; } cases[] = {
		{ "  late:\n    name: Finance: money in\n", 2,
		  ":18: error: mapping values are not allowed in this context; quote a value "
		  "that contains ': ': name: \"Finance: money in\" [syntax]\n" },
		{ "  late:\n    processes:\n      q:\n        steps: [a, b\n", 5,
		  ":1: error: did not find expected ',' or ']' (while parsing a flow sequence at "
		  "line %u) [syntax]\n" },
		{ "  late:\n\tname: tab\n", 2, ":1: error: found character that cannot start "
		  "any token (while scanning for the next token); indent with spaces, not tabs "
		  "[syntax]\n" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		size_t len;
		char *text = big_model(&len, cases[k].tail);
		unsigned lines = 0;
		for (size_t i = 0; i < len - strlen(cases[k].tail); i++)
			lines += text[i] == '\n';
		char *a = load_dump(text, len, SIZE_MAX, false, NULL);
		char *b = load_dump(text, len, 0, true, NULL);
		expect_same("a late syntax error", a, b);
		char want[512];
		int at = snprintf(want, sizeof want, "\n%u", lines + cases[k].line);
		snprintf(want + at, sizeof want - (size_t)at, cases[k].diag, lines + 4);
		char *syn = strstr(b, "[syntax]");
		while (syn && syn > b && syn[-1] != '\n')
			syn--;
		cr_expect(strstr(b, want) != NULL, "case %zu: want%s\ngot:\n%.300s", k, want,
		          syn ? syn : b);
		free(a);
		free(b);
		free(text);
	}
}

/* Too many errors stop the builder while the reader is far ahead. */
Test(yaml, a_big_file_with_too_many_errors_stops_early_and_cleanly)
{
	size_t cap = BIG_MIN + (1u << 20), o = 0;
	char *text = malloc(cap);
	o += (size_t)sprintf(text, "processes:\n  p:\n    steps:\n");
	for (unsigned i = 0; o < BIG_MIN + 4096; i++)
		o += (size_t)sprintf(text + o, "      s%u: { colour: red, takes: %u }\n", i, i);
	pm_status st;
	char *a = load_dump(text, o, SIZE_MAX, false, NULL);
	char *b = load_dump(text, o, 0, true, &st);
	cr_expect_eq(st, PM_ERR_INPUT);
	cr_expect(strstr(b, "too many errors") != NULL, "the load stopped");
	expect_same("many errors", a, b);
	free(a);
	free(b);
	free(text);
}

/* Out of memory on the builder's side while the reader runs: the thread is
 * stopped and joined before the error goes up, and nothing leaks. */
Test(yaml, out_of_memory_with_the_thread_running_leaks_nothing)
{
	size_t len;
	char *text = big_model(&len, "");
	pm_alloc_fail_after(0);
	pm_model *m = pm_model_new();
	pm_model_load_buffer(m, "big.yaml", text, len, PM_INPUT_YAML);
	unsigned long total = pm_alloc_count();
	pm_model_free(m);
	for (unsigned long k = 1; k <= 8; k++) {
		unsigned long n = total * k / 9 + 1;
		unsigned long before = pm_yaml_threaded_loads;
		pm_alloc_fail_after(n);
		m = pm_model_new();
		pm_status st = m ? pm_model_load_buffer(m, "big.yaml", text, len, PM_INPUT_YAML) :
		               PM_ERR_NOMEM;
		bool failed = pm_alloc_count() >= n;
		pm_alloc_fail_after(0);
		if (failed)
			cr_expect_eq(st, PM_ERR_NOMEM, "allocation %lu of %lu failed unreported", n, total);
		cr_expect(pm_yaml_threaded_loads - before <= 1);
		pm_model_free(m);
	}
	free(text);
}
