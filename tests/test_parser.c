/* test_parser.c — the model the parser builds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char *S(pm_model *m, pm_str s)
{
	return pm_str_get(m, s);
}

Test(parser, declarations_and_attributes)
{
	pm_model *m = t_load_clean(
		"# comment\n"
		"title \"Bright Path\"\n"
		"person maya \"Maya (founder)\" { capacity: 30h/week; description: \"Boss\" }\n"
		"tool notion\n"
		"system mk \"Marketing\" {\n"
		"  owner: maya\n"
		"  description: \"Grow\"\n"
		"  process social \"Social\" {\n"
		"    runs: 5/week\n"
		"    trigger: \"calendar\"\n"
		"    step draft \"Draft\" { owner: maya; uses: notion; takes: 45m; waits: 1d }\n"
		"    step publish\n"
		"  }\n"
		"}\n");
	cr_assert_str_eq(pm_model_title(m), "Bright Path");
	cr_assert_eq(m->people.n, 1);
	cr_assert_str_eq(S(m, m->people.v[0].label), "Maya (founder)");
	cr_assert_eq(m->people.v[0].capacity_s, 30 * 3600);
	cr_assert_str_eq(S(m, m->people.v[0].description), "Boss");
	cr_assert_str_eq(S(m, m->tools.v[0].label), "notion", "label defaults to the id");
	cr_assert_eq(m->systems.n, 1);
	cr_assert_eq(m->systems.v[0].proc_first, 0);
	cr_assert_eq(m->systems.v[0].proc_count, 1);
	const pm_process *p = &m->processes.v[0];
	cr_assert_eq(p->system, 0);
	cr_assert_float_eq(p->runs_per_week, 5.0, 1e-9);
	cr_assert_str_eq(S(m, p->runs_text), "5/week");
	cr_assert_str_eq(S(m, p->trigger), "calendar");
	cr_assert_eq(p->step_count, 2);
	const pm_step *d = &m->steps.v[0];
	cr_assert_eq(pm_takes(d), 45 * 60);
	cr_assert_eq(pm_waits(d), 24 * 3600);
	cr_assert_eq(d->uses_count, 1);
	cr_assert_eq(m->uses.v[d->uses_first].target, 0);
	cr_assert_eq(pm_takes(&m->steps.v[1]), -1);
	cr_assert_eq(d->loc.line, 11);
	cr_assert_eq(d->loc.col, 5);
	pm_model_free(m);
}

Test(parser, semicolons_and_blank_lines)
{
	pm_model *m = t_load_clean("process p { step a; step b;; step c }\n\n\n");
	cr_assert_eq(m->steps.n, 3);
	pm_model_free(m);
}

Test(parser, arrow_chain_with_labels)
{
	pm_model *m = t_load_clean(
		"process p {\n  step a; step b; step c\n  a -> b \"yes\" -> c\n}\n");
	cr_assert_eq(m->arrows.n, 2);
	cr_assert_str_eq(S(m, m->arrows.v[0].label), "yes");
	cr_assert_eq(m->arrows.v[1].label, 0);
	cr_assert_str_eq(S(m, m->arrows.v[1].from.name), "b");
	pm_model_free(m);
}

Test(parser, ignore_recorded)
{
	pm_model *m = t_load_clean(
		"process p {\n  ignore: orphan-process \"kept outside on purpose\"\n  step a\n}\n");
	cr_assert_eq(m->ignores.n, 1);
	cr_assert_eq(m->ignores.v[0].kind, PM_KIND_PROCESS);
	cr_assert_str_eq(S(m, m->ignores.v[0].rule), "orphan-process");
	cr_assert_str_eq(S(m, m->ignores.v[0].reason), "kept outside on purpose");
	pm_model_free(m);
}

Test(parser, one_error_per_mistake)
{
	pm_model *m = t_load(
		"process p {\n"
		"  step a { takes: 1h; bogus: x y z; waits: 2h }\n"
		"  step b \"B\" { owner }\n"
		"  step c\n"
		"}\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"2:23: error: unknown attribute 'bogus' for a step (a step takes 'owner', "
		"'description', 'uses', 'takes', 'waits' or 'ignore') [unknown-attribute]\n"
		"3:22: error: unexpected '}'; expected ':' after 'owner' [syntax]\n");
	cr_assert_eq(m->steps.n, 3, "declarations after an error are kept");
	cr_assert_eq(pm_waits(&m->steps.v[0]), 2 * 3600, "attributes after an error are kept");
	free(d);
	pm_model_free(m);
}

Test(parser, misplaced_block_skipped_whole)
{
	pm_model *m = t_load(
		"system s {\n  system t { process p { step a } }\n  process q { step b }\n}\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"2:3: error: 'system' declarations belong at the top level [misplaced-declaration]\n");
	cr_assert_eq(m->systems.n, 1);
	cr_assert_eq(m->processes.n, 1);
	cr_assert_str_eq(S(m, m->processes.v[0].id), "q");
	free(d);
	pm_model_free(m);
}

Test(parser, error_cap)
{
	char *text = malloc(3000 * 4 + 1);
	for (int i = 0; i < 3000; i++)
		memcpy(text + i * 4, "$ \n\n", 4);
	text[3000 * 4] = '\0';
	pm_model *m = t_load(text);
	cr_assert_eq(pm_model_diag_count(m), PM_MAX_ERRORS + 1);
	const pm_diag *last = pm_model_diag(m, PM_MAX_ERRORS);
	cr_assert_str_eq(last->rule, "too-many-errors");
	cr_assert_str_eq(last->message, "too many errors (1000), stopping");
	free(text);
	pm_model_free(m);
}

Test(parser, empty_and_comment_only)
{
	pm_model *m = t_load_clean("");
	cr_assert_eq(m->processes.n, 0);
	pm_model_free(m);
	m = t_load_clean("# only\n  # comments\n");
	pm_model_free(m);
}

Test(parser, several_files_one_model)
{
	pm_model *m = pm_model_new();
	const char *a = "person maya\nsystem s { owner: maya; process p { step a } }\n";
	const char *b = "process q { step x }\ns.p -> q\n";
	cr_assert_eq(pm_model_load_buffer(m, "a.pmap", a, strlen(a), PM_INPUT_AUTO), PM_OK);
	cr_assert_eq(pm_model_load_buffer(m, "b.pmap", b, strlen(b), PM_INPUT_AUTO), PM_OK);
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	cr_assert_eq(m->handoffs.n, 1);
	cr_assert_eq(m->processes.v[1].loc.file, 1);
	pm_model_free(m);
}

Test(parser, chances_on_arrows)
{
	pm_model *m = t_load_clean(
		"process p {\n"
		"  step a; step b; step c\n"
		"  a -> b \"changes requested\" 40%\n"
		"  a -> c 60% -> b 100%\n"
		"}\n");
	cr_assert_eq(m->arrows.n, 3);
	const pm_arrow *a = &m->arrows.v[0];
	cr_assert_str_eq(S(m, a->label), "changes requested");
	cr_assert_str_eq(S(m, pm_arrow_chance_text(m, a)), "40%");
	cr_assert_float_eq(pm_arrow_chance(m, a), 0.4, 1e-12);
	cr_assert_eq(m->chances.v[a->chance].loc.line, 3);
	cr_assert_eq(m->chances.v[a->chance].loc.col, 30);
	cr_assert_float_eq(pm_arrow_chance(m, &m->arrows.v[1]), 0.6, 1e-12);
	cr_assert_eq(m->arrows.v[1].label, 0);
	cr_assert_eq(m->chances.v[m->arrows.v[1].chance].loc.col, 10);
	cr_assert_float_eq(pm_arrow_chance(m, &m->arrows.v[2]), 1.0, 1e-12);
	pm_model_free(m);
}

Test(parser, plain_arrow_has_no_chance)
{
	pm_model *m = t_load_clean("process p { step a; step b; a -> b \"x\" }\n");
	cr_assert_eq(pm_arrow_chance_text(m, &m->arrows.v[0]), 0);
	cr_assert_float_eq(pm_arrow_chance(m, &m->arrows.v[0]), -1, 1e-12);
	pm_model_free(m);
}

Test(parser, decimal_chances)
{
	pm_model *m = t_load_clean(
		"process p { step a; step b; step c; step d\n"
		"  a -> b 33.3%; a -> c 33.3%; a -> d 33.4% }\n");
	cr_assert_float_eq(pm_arrow_chance(m, &m->arrows.v[0]), 0.333, 1e-12);
	cr_assert_str_eq(S(m, pm_arrow_chance_text(m, &m->arrows.v[2])), "33.4%");
	pm_model_free(m);
}

Test(parser, bad_chances)
{
	static const struct { const char *arrow, *diag; } cases[] = {
		{ "a -> b 0%", "2:21: error: bad chance '0%': a chance must be more than 0% and at most 100% [bad-value]\n" },
		{ "a -> b 150%", "2:21: error: bad chance '150%': a chance must be more than 0% and at most 100% [bad-value]\n" },
		{ "a -> b 40 %", "2:21: error: bad chance '40 %': write the '%' right after the number, as in 40% [bad-value]\n" },
		{ "a -> b abc%", "2:21: error: bad chance 'abc%': expected a number before '%', as in 40% [bad-value]\n" },
		{ "a -> b 40", "2:21: error: bad chance '40': expected a percentage such as 40% [bad-value]\n" },
		{ "a -> b %", "2:21: error: bad chance '%': expected a percentage such as 40% [bad-value]\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[200];
		snprintf(text, sizeof text, "process p { step a; step b\n%*s%s }\n", 13, "",
		         cases[i].arrow);
		pm_model *m = t_load(text);
		char *d = t_diags(m);
		/* only the loader's error: the arrow's group is not checked again */
		cr_assert(strstr(d, cases[i].diag) != NULL && strchr(d, '\n')[1] == '\0',
		          "%s:\n%s", cases[i].arrow, d);
		free(d);
		pm_model_free(m);
	}
}

Test(parser, actors)
{
	pm_model *m = t_load_clean(
		"person maya\n"
		"actor client \"The client\" { description: \"pays\"; ignore: unused-actor \"later\" }\n"
		"process p { owner: client; step a }\n");
	cr_assert_eq(m->people.n, 2);
	cr_assert(!m->people.v[0].actor);
	const pm_person *c = &m->people.v[1];
	cr_assert(c->actor);
	cr_assert_str_eq(S(m, c->label), "The client");
	cr_assert_str_eq(S(m, c->description), "pays");
	cr_assert_eq(c->capacity_s, -1);
	cr_assert_eq(m->steps.v[0].eff_owner, 1, "a step inherits an actor");
	cr_assert_eq(m->ignores.n, 1);
	cr_assert_eq(m->ignores.v[0].kind, PM_KIND_PERSON);
	pm_model_free(m);
}

Test(parser, actor_errors)
{
	pm_model *m = t_load(
		"actor bank { capacity: 10h/week }\n"
		"system s { actor carrier }\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"1:14: error: no attribute 'capacity' for an actor: an actor's work counts "
		"towards nobody's load (declare a person to give a capacity) [unknown-attribute]\n"
		"2:12: error: 'actor' declarations belong at the top level [misplaced-declaration]\n");
	free(d);
	pm_model_free(m);
}

Test(parser, foreign_habits_keep_the_statement)
{
	/* each habit is reported once and read as meant */
	pm_model *m = t_load(
		"tool notion\ntool canva\n"
		"process p {\n"
		"  trigger = 'go'\n"
		"  step a Draft post { takes: 40m, waits: 1h; uses: [notion, canva] }\n"
		"  step b\n"
		"  a => b\n"
		"}\n");
	cr_assert_eq(pm_model_diag_count(m), 6);
	cr_assert_str_eq(S(m, m->processes.v[0].trigger), "go");
	cr_assert_str_eq(S(m, m->steps.v[0].label), "Draft post");
	cr_assert_eq(pm_takes(&m->steps.v[0]), 40 * 60);
	cr_assert_eq(pm_waits(&m->steps.v[0]), 3600);
	cr_assert_eq(m->steps.v[0].uses_count, 2);
	cr_assert_eq(m->arrows.n, 1);
	pm_model_free(m);
}

Test(parser, values_with_spaces_are_one_error)
{
	pm_model *m = t_load("person p { capacity: 10 hours/week }\n"
	                     "process q { step a { takes: 2 hours; waits: 1h } }\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"1:22: error: bad capacity '10 hours/week': write '10h/week' [bad-value]\n"
		"2:29: error: bad takes '2 hours': write '2h' (units: m h d w; d = 24 h) "
		"[bad-value]\n");
	cr_assert_eq(pm_waits(&m->steps.v[0]), 3600, "the next attribute is read");
	free(d);
	pm_model_free(m);
}

/* A step's durations are stored in 32 bits (model.h): the longest one
 * value.c allows, near 100 years, comes back whole, and 0 stays 0. */
Test(parser, the_longest_durations_fit_a_step)
{
	pm_model *m = t_load_clean(
		"process p {\n"
		"  step a { takes: 5200w; waits: 5214w }\n"
		"  step b { takes: 0m }\n"
		"}\n");
	cr_assert_eq(pm_takes(&m->steps.v[0]), 3144960000LL, "5200 x 604800 s");
	cr_assert_eq(pm_waits(&m->steps.v[0]), 3153427200LL, "5214 x 604800 s");
	cr_assert_eq(pm_takes(&m->steps.v[1]), 0);
	cr_assert_eq(pm_waits(&m->steps.v[1]), -1);
	pm_model_free(m);
}
