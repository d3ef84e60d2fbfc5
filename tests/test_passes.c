/* test_passes.c — every analysis rule fires and stays quiet, with exact
 * messages and locations; ignores; severities; metrics; huge inputs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "helpers.h"

/* Loads, resolves and analyses. */
static pm_model *an(const char *text)
{
	pm_model *m = t_load(text);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	return m;
}

/* The findings of analysis rules, one a line:
 * "line:col: severity: message [rule]", and " (suppressed: reason)". */
static char *found(pm_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		const pm_rule_info *ri = pm_rule_find(d->rule, strlen(d->rule));
		if (!ri || !ri->analysis)
			continue;
		fprintf(f, "%u:%u: %s: %s [%s]", d->line, d->column,
		        pm_severity_str(d->severity), d->message, d->rule);
		if (d->suppressed)
			fprintf(f, " (suppressed: %s)", d->suppressed);
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

/* Only the findings of one rule. */
static char *found_rule(pm_model *m, const char *rule)
{
	char *all = found(m), *out = calloc(1, strlen(all) + 1);
	char tag[64];
	snprintf(tag, sizeof tag, "[%s]", rule);
	for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, tag)) {
			strcat(out, line);
			strcat(out, "\n");
		}
	free(all);
	return out;
}

static void expect_rule(const char *src, const char *rule, const char *want)
{
	pm_model *m = an(src);
	char *got = found_rule(m, rule);
	cr_expect_str_eq(got, want, "--- got:\n%s--- want:\n%s", got, want);
	free(got);
	pm_model_free(m);
}

/* The diagnostic of `rule` (the n-th, from 0). */
static const pm_diag *diag_of(pm_model *m, const char *rule, int n)
{
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (strcmp(d->rule, rule) == 0 && n-- == 0)
			return d;
	}
	return NULL;
}

static void expect_related(const pm_diag *d, const char *want)
{
	char buf[4096] = "";
	cr_assert_not_null(d);
	for (size_t i = 0; i < d->nrelated; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, d->related[i]);
	}
	cr_expect_str_eq(buf, want);
}

/* --- orphan-process ------------------------------------------------------------- */

Test(passes, orphan_process_fires)
{
	expect_rule("process refunds { trigger: \"ad hoc\"\n  step approve\n}\n",
	            "orphan-process",
	            "1:1: warning: process 'refunds' is not inside any system [orphan-process]\n");
}

Test(passes, orphan_process_quiet_inside_system)
{
	pm_model *m = an("system s {\n  process refunds { trigger: \"t\"; step a }\n}\n");
	const pm_diag *d = diag_of(m, "orphan-process", 0);
	cr_expect_null(d);
	pm_model_free(m);
}

Test(passes, subject_is_qualified_id)
{
	pm_model *m = an("process refunds { step a }\n");
	const pm_diag *d = diag_of(m, "orphan-process", 0);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->subject, "refunds");
	cr_expect_str_eq(d->file, "t.pmap");
	cr_expect_null(d->suppressed);
	pm_model_free(m);
}

/* --- unreachable-process ----------------------------------------------------------- */

Test(passes, unreachable_process_fires)
{
	expect_rule("system s {\n  process a { step x }\n}\n", "unreachable-process",
	            "2:3: warning: process 's.a' has no trigger and no other process "
	            "hands off to it: nothing ever starts it [unreachable-process]\n");
}

Test(passes, unreachable_process_quiet_with_trigger_or_handoff)
{
	expect_rule("system s {\n"
	            "  process a { trigger: \"phone rings\"; step x }\n"
	            "  process b { step y }\n"
	            "  a -> b\n"
	            "}\n"
	            "system t {\n"
	            "  process c { step z }\n"
	            "}\n"
	            "s.a.x -> t.c\n",   /* a step-level hand-off starts it too */
	            "unreachable-process", "");
}

Test(passes, unreachable_process_self_handoff_does_not_count)
{
	expect_rule("system s {\n  process a {\n    step x\n    x -> a\n  }\n}\n",
	            "unreachable-process",
	            "2:3: warning: process 's.a' has no trigger and no other process "
	            "hands off to it: nothing ever starts it [unreachable-process]\n");
}

Test(passes, unreachable_process_closed_loop)
{
	/* a and b feed each other, but nothing starts either; c is fed by the
	 * loop and is not reported again */
	expect_rule("system s {\n"
	            "  process a { step x }\n"
	            "  process b { step y }\n"
	            "  process c { step z }\n"
	            "  a -> b -> a\n"
	            "  b -> c\n"
	            "}\n", "unreachable-process",
	            "2:3: warning: process 's.a' has no trigger and is only handed work "
	            "by a loop of processes that nothing starts [unreachable-process]\n"
	            "3:3: warning: process 's.b' has no trigger and is only handed work "
	            "by a loop of processes that nothing starts [unreachable-process]\n"
	            "4:3: warning: process 's.c' has no trigger and is only handed work "
	            "by a loop of processes that nothing starts [unreachable-process]\n");
}

Test(passes, unreachable_process_quiet_after_bad_arrow)
{
	/* the misspelt arrow may be the one that starts 'b' */
	pm_model *m = an("system s {\n  process a { trigger: \"t\"; step x }\n"
	                 "  process b { step y }\n  a -> bb\n}\n");
	cr_expect_null(diag_of(m, "unreachable-process", 0));
	cr_expect_not_null(diag_of(m, "unknown-reference", 0));
	pm_model_free(m);
}

/* --- disconnected-step ---------------------------------------------------------------- */

static const char *const disconnected_src =
	"process p {\n"
	"  trigger: \"t\"\n"
	"  step a; step b; step c; step d; step e\n"
	"  a -> b\n"
	"  d -> e -> d\n"
	"}\n";

Test(passes, disconnected_step_fires)
{
	expect_rule(disconnected_src, "disconnected-step",
	            "3:19: warning: step 'p.c' is not connected: no arrow of process 'p' "
	            "leads to or from it [disconnected-step]\n"
	            "3:27: warning: step 'p.d' is never reached: no path of arrows leads "
	            "to it from the start of process 'p' (a) [disconnected-step]\n"
	            "3:35: warning: step 'p.e' is never reached: no path of arrows leads "
	            "to it from the start of process 'p' (a) [disconnected-step]\n");
}

Test(passes, disconnected_step_quiet_without_arrows)
{
	/* written order connects every step */
	expect_rule("process p { trigger: \"t\"\n step a; step b; step c\n}\n",
	            "disconnected-step", "");
}

Test(passes, disconnected_step_quiet_when_all_loops)
{
	/* no step lacks an incoming arrow: the first written one starts */
	expect_rule("process p {\n  step a; step b\n  a -> b -> a\n}\n",
	            "disconnected-step", "");
}

Test(passes, disconnected_step_handoff_target_is_a_start)
{
	expect_rule("process p {\n  trigger: \"t\"\n  step a; step b; step c\n"
	            "  a -> b\n  c -> b\n}\n"
	            "process q {\n  step x; step y\n  x -> y\n  y -> x\n}\n"
	            "p.a -> q.y\n",
	            "disconnected-step", "");
}

Test(passes, disconnected_step_quiet_after_bad_arrow_in_process)
{
	expect_rule("process p {\n  step a; step b; step c\n  a -> b\n  b -> cc\n}\n",
	            "disconnected-step", "");
}

/* --- step-cycle ------------------------------------------------------------------------- */

Test(passes, step_cycle_fires)
{
	pm_model *m = an("system s {\n"
	                 "  process p {\n"
	                 "    trigger: \"t\"\n"
	                 "    step a; step b; step c\n"
	                 "    a -> b -> c -> a\n"
	                 "  }\n"
	                 "}\n");
	char *got = found_rule(m, "step-cycle");
	cr_expect_str_eq(got, "5:15: error: cycle a -> b -> c -> a in process 's.p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the arrow 'c -> a' to break it "
	                 "[step-cycle]\n");
	const pm_diag *d = diag_of(m, "step-cycle", 0);
	cr_expect_str_eq(d->subject, "s.p");
	expect_related(d, "s.p.a s.p.b s.p.c");
	pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_status, PM_LEAD_CYCLE);
	cr_expect_eq(pm->lead_s, -1);
	cr_expect_eq(pm->crit_count, 0);
	cr_expect_eq(pm->bottleneck, PM_NONE);
	free(got);
	pm_model_free(m);
}

Test(passes, step_cycle_closing_arrow_goes_back_in_written_order)
{
	/* entered at 'review': the arrow back to 'draft' closes the loop */
	pm_model *m = an("process p {\n"
	                 "  step draft; step review; step publish\n"
	                 "  draft -> review\n"
	                 "  review -> publish \"ok\"\n"
	                 "  review -> draft \"changes\"\n"
	                 "}\n");
	char *got = found_rule(m, "rework-loop");
	cr_expect_str_eq(got, "5:3: info: rework loop draft -> review -> draft in process "
	                 "'p', left by 'review -> publish': counted as one pass; give the "
	                 "arrows out of 'review' chances, e.g. 30% back into the loop, to "
	                 "count the rework [rework-loop]\n");
	expect_related(diag_of(m, "rework-loop", 0), "p.draft p.review");
	free(got);
	pm_model_free(m);
}

Test(passes, step_cycle_self_loop)
{
	expect_rule("process p {\n  step a\n  a -> a\n}\n", "step-cycle",
	            "3:3: error: cycle a -> a in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the arrow 'a -> a' to break it [step-cycle]\n");
}

Test(passes, step_cycle_several_back_arrows_one_finding)
{
	expect_rule("process p {\n  step a; step b; step c\n"
	            "  a -> b -> a\n  b -> c -> b\n}\n", "step-cycle",
	            "3:8: error: cycle a -> b -> a in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the arrows 'b -> a' and 'c -> b' to break it "
	            "[step-cycle]\n");
}

Test(passes, step_cycle_two_components_two_findings)
{
	pm_model *m = an("process p {\n  step a; step b; step c; step d\n"
	                 "  a -> b -> a\n  c -> d -> c\n}\n");
	char *got = found_rule(m, "step-cycle");
	cr_expect_str_eq(got,
	    "3:8: error: cycle a -> b -> a in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; "
	    "remove the arrow 'b -> a' to break it [step-cycle]\n"
	    "4:8: error: cycle c -> d -> c in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; "
	    "remove the arrow 'd -> c' to break it [step-cycle]\n");
	free(got);
	pm_model_free(m);
}

Test(passes, step_cycle_long_loop_is_shortened)
{
	expect_rule("process p {\n"
	            "  step s1; step s2; step s3; step s4; step s5\n"
	            "  step s6; step s7; step s8; step s9; step s10\n"
	            "  s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> s10 -> s1\n"
	            "}\n", "step-cycle",
	            "4:57: error: cycle s1 -> s2 -> s3 -> ... -> s8 -> s9 -> s10 -> s1 "
	            "(10 steps) in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the "
	            "arrow 's10 -> s1' to break it [step-cycle]\n");
}

Test(passes, step_cycle_quiet_on_dag)
{
	expect_rule("process p {\n  step a; step b; step c; step d\n"
	            "  a -> b -> d\n  a -> c -> d\n}\n", "step-cycle", "");
}

/* --- handoff-cycle ---------------------------------------------------------------------- */

static const char *const handoff_loop =
	"system s {\n"
	"  process booking { trigger: \"t\"; step book; step session }\n"
	"  process followup { step notes%s }\n"
	"  s.booking.session -> followup\n"
	"  followup -> booking \"rebook\"\n"
	"}\n";

Test(passes, handoff_cycle_fires)
{
	char src[1024];
	snprintf(src, sizeof src, handoff_loop, "");
	pm_model *m = an(src);
	char *got = found_rule(m, "handoff-cycle");
	cr_expect_str_eq(got, "5:3: warning: hand-off cycle s.booking -> s.followup -> "
	                 "s.booking: work can loop between these processes forever; remove "
	                 "the hand-off 's.followup -> s.booking' to break it, or ignore the "
	                 "rule on 's.booking' if the loop is intended [handoff-cycle]\n");
	const pm_diag *d = diag_of(m, "handoff-cycle", 0);
	cr_expect_str_eq(d->subject, "s.booking");
	expect_related(d, "s.booking s.followup");
	free(got);
	pm_model_free(m);
}

Test(passes, handoff_cycle_ignore_on_any_process)
{
	char src[1024];
	snprintf(src, sizeof src, handoff_loop,
	         "; ignore: handoff-cycle \"clients rebook: intended\"");
	pm_model *m = an(src);
	const pm_diag *d = diag_of(m, "handoff-cycle", 0);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->suppressed, "clients rebook: intended");
	cr_expect(m->ignores.v[0].used);
	cr_expect_null(diag_of(m, "handoff-cycle", 1));
	pm_model_free(m);
}

Test(passes, handoff_cycle_self_handoff)
{
	expect_rule("process p {\n  trigger: \"t\"\n  step a\n  a -> p \"again\"\n}\n",
	            "handoff-cycle",
	            "4:3: warning: hand-off cycle p -> p: work can loop between these "
	            "processes forever; remove the hand-off 'p.a -> p' to break it, or "
	            "ignore the rule on 'p' if the loop is intended [handoff-cycle]\n");
}

Test(passes, handoff_cycle_quiet_on_chain)
{
	expect_rule("process a { trigger: \"t\"; step x }\nprocess b { step y }\n"
	            "process c { step z }\na -> b -> c\na -> c\n", "handoff-cycle", "");
}

/* --- bottleneck-step ------------------------------------------------------------------- */

/* maya: 2/week × (3h + 1h) = 8h/week of 9h: 89% ≥ 85%; her biggest step is a */
static const char *const busy_src =
	"person maya { capacity: 9h/week }\n"
	"process p {\n  owner: maya\n  runs: 2/week\n"
	"  step a { takes: 3h }\n"
	"  step b { takes: 1h; waits: 2w }\n"
	"}\n";

Test(passes, bottleneck_fires_on_the_busiest_owners_biggest_step)
{
	expect_rule(busy_src, "bottleneck-step",
	            "5:3: warning: step 'p.a' is where work queues in process 'p': its "
	            "owner 'maya' is at 89% of capacity (8h/week of 9h/week), and this "
	            "step is 75% of that load (6h/week) [bottleneck-step]\n");
	pm_model *m = an(busy_src);
	cr_expect_eq(m->an.procs.v[0].bottleneck, t_step(m, "p.a"));
	cr_expect_float_eq(m->an.procs.v[0].bottleneck_share, 0.75, 1e-12);
	pm_model_free(m);
}

Test(passes, bottleneck_quiet_below_utilisation_and_never_a_wait)
{
	/* 8h of 10h = 80% < 85%; the long wait of b is no bottleneck */
	expect_rule("person maya { capacity: 10h/week }\n"
	            "process p {\n  owner: maya\n  runs: 2/week\n"
	            "  step a { takes: 3h }\n  step b { takes: 1h; waits: 2w }\n}\n",
	            "bottleneck-step", "");
	/* no capacity, no runs, or an actor: nothing to measure */
	expect_rule("person maya\nprocess p {\n  owner: maya\n  runs: 9/week\n"
	            "  step a { takes: 3h }\n}\n", "bottleneck-step", "");
	expect_rule("actor client\nprocess p {\n  owner: client\n  runs: 9/week\n"
	            "  step a { takes: 30h }\n}\n", "bottleneck-step", "");
}

/* ana is at 200%, but step b is 5% of her week: not where her queue forms */
Test(passes, bottleneck_quiet_on_a_small_part_of_a_busy_week)
{
	expect_rule("person ana { capacity: 10h/week }\n"
	            "process p {\n  owner: ana\n  runs: 1/week\n  step a { takes: 19h }\n}\n"
	            "process q {\n  owner: ana\n  runs: 1/week\n  step b { takes: 1h }\n}\n",
	            "bottleneck-step",
	            "5:3: warning: step 'p.a' is where work queues in process 'p': its owner "
	            "'ana' is at 200% of capacity (20h/week of 10h/week), and this step is "
	            "95% of that load (19h/week) [bottleneck-step]\n");
}

Test(passes, bottleneck_threshold_and_one_per_process)
{
	pm_model *m = t_load(busy_src);
	pm_analysis_init(m);
	m->an.th.bottleneck_utilisation = 0.9;
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_null(diag_of(m, "bottleneck-step", 0));
	pm_model_free(m);
	/* ana 150%, ben 100%: one finding, on ana's step */
	expect_rule("person ana { capacity: 2h/week }\nperson ben { capacity: 4h/week }\n"
	            "process p {\n  runs: 1/week\n"
	            "  step a { owner: ben; takes: 4h }\n"
	            "  step b { owner: ana; takes: 3h }\n}\n",
	            "bottleneck-step",
	            "6:3: warning: step 'p.b' is where work queues in process 'p': its "
	            "owner 'ana' is at 150% of capacity (3h/week of 2h/week), and this "
	            "step is 100% of that load (3h/week) [bottleneck-step]\n");
}

/* --- visits, rounds, expected lead time and load, by hand ---------------------------- */

/* 30/70 choice: a 1h, b 10h on 30%, c 20h on 70%, d 1h after both.
 * visits a 1, b .3, c .7, d .3 + .7 = 1
 * expected lead 1h + (.3 × (10h + 1h) + .7 × (20h + 1h)) = 1h + 3.3h + 14.7h = 19h
 * worst pass a c d = 22h; load (runs 1/week) 1h + 3h + 14h + 1h = 19h */
Test(passes, choice_weights_visits_lead_and_load)
{
	pm_model *m = an("person maya { capacity: 40h/week }\n"
	                 "process p {\n  owner: maya\n  runs: 1/week\n"
	                 "  step a { takes: 1h }\n  step b { takes: 10h }\n"
	                 "  step c { takes: 20h }\n  step d { takes: 1h }\n"
	                 "  a -> b 30%\n  a -> c 70%\n  b -> d\n  c -> d\n}\n");
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.b")], 0.3, 1e-12);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.c")], 0.7, 1e-12);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.d")], 1.0, 1e-12);
	const pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_s, 19 * 3600);
	cr_expect_eq(pm->work_s, 19 * 3600);
	cr_expect_eq(pm->worst_s, 22 * 3600);
	cr_expect_float_eq(m->an.people.v[0].load_s, 19.0 * 3600, 1e-6);
	pm_model_free(m);
}

/* parallel branches: a 1h, then b 2h and c 5h side by side, d 1h joins them.
 * visits all 1 (d once, not twice); lead 1h + max(2h, 5h) + 1h = 7h;
 * load counts both branches: 1 + 2 + 5 + 1 = 9h */
Test(passes, parallel_branches_take_the_longest_and_join_once)
{
	pm_model *m = an("person maya { capacity: 40h/week }\n"
	                 "process p {\n  owner: maya\n  runs: 1/week\n"
	                 "  step a { takes: 1h }\n  step b { takes: 2h }\n"
	                 "  step c { takes: 5h }\n  step d { takes: 1h }\n"
	                 "  a -> b -> d\n  a -> c -> d\n}\n");
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.d")], 1.0, 1e-12);
	cr_expect_eq(m->an.procs.v[0].lead_s, 7 * 3600);
	cr_expect_eq(m->an.procs.v[0].worst_s, 7 * 3600);
	cr_expect_float_eq(m->an.people.v[0].load_s, 9.0 * 3600, 1e-6);
	pm_model_free(m);
}

/* rework loop: draft 1h, review 30m, back to draft 40%, on to send 60% (10m).
 * rounds 1 / (1 - .4) = 5/3; lead (1h + 30m) × 5/3 + 10m = 2h30m + 10m = 2h40m
 * worst pass: each once, 1h40m; load 2/week × (90m × 5/3 + 10m) = 5h20m */
Test(passes, rework_loop_with_a_chance)
{
	const char *src = "person maya { capacity: 40h/week }\n"
	                  "process p {\n  owner: maya\n  runs: 2/week\n"
	                  "  step draft { takes: 1h }\n  step review { takes: 30m }\n"
	                  "  step send { takes: 10m }\n"
	                  "  draft -> review\n"
	                  "  review -> draft \"changes\" 40%\n"
	                  "  review -> send \"approved\" 60%\n}\n";
	expect_rule(src, "rework-loop",
	            "9:3: info: rework loop draft -> review -> draft in process 'p', left "
	            "by 'review -> send': about 1.67 rounds, counted in lead time and load "
	            "[rework-loop]\n");
	expect_rule(src, "step-cycle", "");
	pm_model *m = an(src);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.draft")], 5.0 / 3, 1e-12);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.send")], 1.0, 1e-12);
	const pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_status, PM_LEAD_OK);
	cr_expect_eq(pm->lead_s, 2 * 3600 + 40 * 60);
	cr_expect_eq(pm->worst_s, 3600 + 40 * 60);
	cr_expect_float_eq(m->an.people.v[0].load_s, (5.0 * 3600 + 20 * 60), 1e-6);
	pm_model_free(m);
}

/* the loop is entered and left at approve; revise is only on the way back.
 * approve is done 1 / (1 - .4) = 5/3 times a run, revise .4 × 5/3 = 2/3.
 * lead: draft 1h + approve 30m × 5/3 + revise (1h + 30m wait) × 2/3
 *       + deliver 10m = 60 + 50 + 60 + 10 = 180 minutes
 * worst pass: each once, 60 + 30 + 90 + 10 = 190 minutes
 * work: 60 + 50 + 40 + 10 = 160 minutes; load 2/week × 160m = 5h20m */
Test(passes, rework_loop_counts_each_step_as_often_as_it_is_done)
{
	const char *src = "person maya { capacity: 40h/week }\n"
	                  "process p {\n  owner: maya\n  runs: 2/week\n"
	                  "  step draft { takes: 1h }\n  step approve { takes: 30m }\n"
	                  "  step revise { takes: 1h; waits: 30m }\n"
	                  "  step deliver { takes: 10m }\n"
	                  "  draft -> approve\n"
	                  "  approve -> revise \"changes requested\" 40%\n"
	                  "  approve -> deliver \"approved\" 60%\n"
	                  "  revise -> approve\n}\n";
	expect_rule(src, "rework-loop",
	            "12:3: info: rework loop approve -> revise -> approve in process 'p', "
	            "left by 'approve -> deliver': about 1.67 rounds, counted in lead time "
	            "and load [rework-loop]\n");
	pm_model *m = an(src);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.approve")], 5.0 / 3, 1e-12);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.revise")], 2.0 / 3, 1e-12);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.deliver")], 1.0, 1e-12);
	const pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_s, 180 * 60);
	cr_expect_eq(pm->worst_s, 190 * 60);
	cr_expect_eq(pm->work_s, 160 * 60);
	cr_expect_float_eq(m->an.people.v[0].load_s, 320.0 * 60, 1e-6);
	pm_model_free(m);
}

/* two ways back into one loop: a -> b, b -> a 20%, b -> c 80%, c -> a 50%,
 * c -> d 50% (d leaves).  Per entry at a: f(a) = 1 + .2 f(b) + .5 f(c),
 * f(b) = f(a), f(c) = .8 f(b); so f(a) = 1 + .2 f(a) + .4 f(a), f(a) = 2.5,
 * f(b) = 2.5, f(c) = 2; 1h each: lead 2.5 + 2.5 + 2 + 1 (d) = 8h */
Test(passes, rework_loop_with_two_ways_back_solves_the_visits)
{
	pm_model *m = an("process p {\n"
	                 "  step a { takes: 1h }\n  step b { takes: 1h }\n"
	                 "  step c { takes: 1h }\n  step d { takes: 1h }\n"
	                 "  a -> b\n  b -> a 20%\n  b -> c 80%\n"
	                 "  c -> a 50%\n  c -> d 50%\n}\n");
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.a")], 2.5, 1e-9);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.b")], 2.5, 1e-9);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.c")], 2.0, 1e-9);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.d")], 1.0, 1e-9);
	cr_expect_eq(m->an.procs.v[0].lead_s, 8 * 3600);
	pm_model_free(m);
}

/* without chances the loop counts once, and the finding says so */
Test(passes, rework_loop_without_a_chance_counts_one_pass)
{
	const char *src = "process p {\n"
	                  "  step draft { takes: 1h }\n  step review { takes: 30m }\n"
	                  "  step send { takes: 10m }\n"
	                  "  draft -> review -> draft\n  review -> send\n}\n";
	expect_rule(src, "rework-loop",
	            "5:12: info: rework loop draft -> review -> draft in process 'p', left "
	            "by 'review -> send': counted as one pass; give the arrows out of "
	            "'review' chances, e.g. 30% back into the loop, to count the rework "
	            "[rework-loop]\n");
	pm_model *m = an(src);
	cr_expect_eq(m->an.procs.v[0].lead_s, 3600 + 40 * 60);
	cr_expect_float_eq(m->an.visits.v[t_step(m, "p.draft")], 1.0, 1e-12);
	pm_model_free(m);
	/* a straight chain has no loop */
	expect_rule("process p { step a; step b; a -> b }\n", "rework-loop", "");
}

/* a loop no arrow leaves is a trap, and only a trap */
Test(passes, trap_is_a_step_cycle_not_a_rework_loop)
{
	const char *src = "process p {\n  step a { takes: 1h }\n  step b\n  step c\n"
	                  "  a -> b -> c -> b\n}\n";
	expect_rule(src, "rework-loop", "");
	expect_rule(src, "step-cycle",
	            "5:13: error: cycle b -> c -> b in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the arrow 'c -> b' to break it [step-cycle]\n");
	pm_model *m = an(src);
	cr_expect_eq(m->an.procs.v[0].lead_status, PM_LEAD_CYCLE);
	pm_model_free(m);
}

/* a loop left only by a hand-off is rework, not a trap */
Test(passes, loop_left_by_a_handoff_is_rework)
{
	expect_rule("process p {\n  step a\n  step b\n  a -> b\n  b -> a 50%\n"
	            "  b -> q 50%\n}\nprocess q { step x }\n", "step-cycle", "");
}

/* --- long-wait, missing-rate, wide-join ------------------------------------------------ */

Test(passes, long_wait_gives_the_flow_efficiency)
{
	/* lead 1h + 3h = 4h; waits 3h = 75%; efficiency 25% */
	expect_rule("process p {\n  step a { takes: 1h }\n  step b { waits: 3h }\n  a -> b\n}\n",
	            "long-wait",
	            "3:3: info: process 'p' spends 75% of its expected lead time (4h) waiting in "
	            "its own steps (flow efficiency 25%: 1h of work); its longest wait is "
	            "step 'p.b' "
	            "(waits 3h) [long-wait]\n");
	/* an actor's wait is outside the business's hands: quiet */
	expect_rule("actor client\nprocess p {\n  step a { takes: 1h }\n"
	            "  step b { owner: client; waits: 3h }\n  a -> b\n}\n", "long-wait", "");
	/* waits under half: quiet */
	expect_rule("process p {\n  step a { takes: 3h }\n  step b { waits: 1h }\n  a -> b\n}\n",
	            "long-wait", "");
}

Test(passes, missing_rate_fires_and_stays_quiet)
{
	expect_rule("person maya { capacity: 10h/week }\n"
	            "process p {\n  owner: maya\n  step a { takes: 90m }\n}\n",
	            "missing-rate",
	            "2:1: info: process 'p' has no runs, so its work (1h30m a run, first "
	            "owner 'maya') counts as zero in everyone's load; add how often it "
	            "runs, e.g. 'runs: 2/week' [missing-rate]\n");
	expect_rule("person maya { capacity: 10h/week }\n"
	            "process p {\n  owner: maya\n  runs: 1/week\n  step a { takes: 90m }\n}\n",
	            "missing-rate", "");
	expect_rule("person maya\nprocess p {\n  owner: maya\n  step a { takes: 90m }\n}\n",
	            "missing-rate", "");
}

static const char *const join_src =
	"process p {\n"
	"  step a; step b; step c; step d\n"
	"  a -> d\n  b -> d\n  c -> d\n  a -> d \"twice\"\n"
	"}\n";

Test(passes, wide_join_fires)
{
	pm_model *m = an(join_src);
	char *got = found_rule(m, "wide-join");
	cr_expect_str_eq(got, "2:27: info: step 'p.d' is a join of 3 steps (a, b, c): "
	                 "it waits on all of them, so the slowest sets the pace of process "
	                 "'p' [wide-join]\n");
	expect_related(diag_of(m, "wide-join", 0), "p.a p.b p.c");
	free(got);
	pm_model_free(m);
}

Test(passes, wide_join_quiet_under_fan_in)
{
	pm_model *m = t_load(join_src);
	pm_analysis_init(m);
	m->an.th.join_fan_in = 4;
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_null(diag_of(m, "wide-join", 0));
	pm_model_free(m);
	expect_rule("process p {\n  step a; step b; step d\n  a -> d\n  b -> d\n}\n",
	            "wide-join", "");
}

/* --- missing-duration -------------------------------------------------------------------- */

Test(passes, missing_duration_fires)
{
	expect_rule("process p {\n  step a { takes: 1h }\n  step b\n}\n", "missing-duration",
	            "3:3: info: step 'p.b' has no takes or waits, so the lead time of "
	            "process 'p' is understated [missing-duration]\n");
}

Test(passes, missing_duration_quiet_when_none_or_all)
{
	expect_rule("process p {\n  step a\n  step b\n}\n"
	            "process q {\n  step a { takes: 1h }\n  step b { waits: 1d }\n}\n",
	            "missing-duration", "");
}

/* --- overloaded-person and load arithmetic --------------------------------------------------- */

Test(passes, overloaded_person_fires)
{
	pm_model *m = an("person sam { capacity: 20h/week }\n"
	                 "process p {\n  owner: sam\n  runs: 5/day\n"
	                 "  step a { takes: 1h; waits: 1d }\n}\n");
	char *got = found_rule(m, "overloaded-person");
	cr_expect_str_eq(got, "1:1: warning: person 'sam' is overloaded: load 35h/week "
	                 "exceeds capacity 20h/week (175%), all of it from process 'p' "
	                 "[overloaded-person]\n");
	cr_expect_float_eq(m->an.people.v[0].load_s, 35 * 3600.0, 1e-6);
	cr_expect_float_eq(m->an.people.v[0].utilisation, 1.75, 1e-9);
	free(got);
	pm_model_free(m);
}

Test(passes, overloaded_person_names_largest_process)
{
	expect_rule("person sam { capacity: 9h/week }\n"
	            "system s {\n  owner: sam\n"
	            "  process p { runs: 2/week; step a { takes: 3h } }\n"
	            "  process q { runs: 1/week; step b { takes: 2h }; step c { takes: 2h } }\n"
	            "}\n", "overloaded-person",
	            "1:1: warning: person 'sam' is overloaded: load 10h/week exceeds "
	            "capacity 9h/week (111%), the largest part from process 's.p' "
	            "(6h/week) [overloaded-person]\n");
}

Test(passes, load_arithmetic)
{
	/* month = 12/52 week, day = 7/week, year = 1/52 week; waits is not
	 * work; a process without runs adds nothing */
	pm_model *m = an("person a { capacity: 40h/week }\n"
	                 "person b\n"
	                 "process monthly { owner: a; runs: 13/month; step x { takes: 1h } }\n"
	                 "process daily { owner: a; runs: 1/day; step x { takes: 30m; waits: 1w } }\n"
	                 "process yearly { owner: b; runs: 52/year; step x { takes: 2h } }\n"
	                 "process never { owner: a; step x { takes: 9h } }\n");
	cr_expect_float_eq(m->an.people.v[0].load_s, (3 + 3.5) * 3600.0, 1e-6);
	cr_expect_float_eq(m->an.people.v[0].utilisation, 6.5 / 40, 1e-9);
	cr_expect_float_eq(m->an.people.v[1].load_s, 2 * 3600.0, 1e-6);
	cr_expect_eq(m->an.people.v[1].utilisation, -1);
	cr_expect_null(diag_of(m, "overloaded-person", 0));
	pm_model_free(m);
}

Test(passes, overloaded_person_quiet_at_capacity_or_without_one)
{
	expect_rule("person a { capacity: 7h/week }\nperson b\n"
	            "process p { runs: 1/day; step x { owner: a; takes: 1h }; "
	            "step y { owner: b; takes: 20h } }\n", "overloaded-person", "");
}

Test(passes, overloaded_person_utilisation_threshold)
{
	pm_model *m = t_load("person a { capacity: 10h/week }\n"
	                     "process p { runs: 1/week; step x { owner: a; takes: 9.5h } }\n");
	pm_analysis_init(m);
	m->an.th.utilisation = 0.9;
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	char *got = found_rule(m, "overloaded-person");
	cr_expect_str_eq(got, "1:1: warning: person 'a' is overloaded: load 9.5h/week "
	                 "exceeds 90% of capacity 10h/week (95%), all of it from process "
	                 "'p' [overloaded-person]\n");
	free(got);
	pm_model_free(m);
}

/* --- missing-owner ------------------------------------------------------------------- */

Test(passes, missing_owner_fires)
{
	expect_rule("person oli\n"
	            "system admin {\n  process expenses {\n"
	            "    step collect\n    step enter { owner: oli }\n  }\n}\n"
	            "process refunds { step approve }\n", "missing-owner",
	            "2:1: warning: system 'admin' has no owner: nobody answers for its "
	            "processes as a whole; give it one with 'owner:' [missing-owner]\n"
	            "4:5: warning: step 'admin.expenses.collect' has no owner: neither the "
	            "step, process 'admin.expenses' nor system 'admin' names one "
	            "[missing-owner]\n"
	            "8:19: warning: step 'refunds.approve' has no owner: neither the step "
	            "nor process 'refunds' names one [missing-owner]\n");
}

Test(passes, missing_owner_quiet_with_inheritance)
{
	expect_rule("person maya\nperson raj\n"
	            "system s {\n  owner: maya\n  process p { step a }\n}\n"
	            "process q { owner: raj; step b }\n", "missing-owner", "");
}

/* --- empty-system / empty-process -------------------------------------------------------- */

Test(passes, empty_fires)
{
	pm_model *m = an("system s\nsystem t {\n  process p\n}\n");
	char *got = found(m);
	cr_expect(strstr(got, "1:1: warning: system 's' has no processes [empty-system]\n"));
	cr_expect(strstr(got, "3:3: warning: process 't.p' has no steps [empty-process]\n"));
	cr_expect_eq(m->an.procs.v[0].lead_status, PM_LEAD_EMPTY);
	free(got);
	pm_model_free(m);
}

Test(passes, empty_quiet)
{
	pm_model *m = an("system t {\n  process p { step a }\n}\n");
	cr_expect_null(diag_of(m, "empty-system", 0));
	cr_expect_null(diag_of(m, "empty-process", 0));
	pm_model_free(m);
}

/* --- unused-person / unused-tool ---------------------------------------------------------- */

Test(passes, unused_fires)
{
	pm_model *m = an("person leo\nperson ada\ntool figma\ntool slack\n"
	                 "process p { owner: ada; step a { uses: slack } }\n");
	char *got = found(m);
	cr_expect(strstr(got, "1:1: info: person 'leo' is never referenced: they own no "
	                      "system, process or step [unused-person]\n"), "%s", got);
	cr_expect(strstr(got, "3:1: info: tool 'figma' is never used: no step lists it in "
	                      "'uses' [unused-tool]\n"), "%s", got);
	cr_expect_null(strstr(got, "'ada'"));
	cr_expect_null(strstr(got, "'slack'"));
	free(got);
	pm_model_free(m);
}

Test(passes, unused_quiet_after_bad_reference)
{
	/* 'figm' was surely meant for 'figma': do not call it unused too */
	pm_model *m = an("tool figma\nprocess p { step a { uses: figm } }\n");
	cr_expect_null(diag_of(m, "unused-tool", 0));
	cr_expect_not_null(diag_of(m, "unknown-reference", 0));
	pm_model_free(m);
}

/* --- ignores and severities ----------------------------------------------------------------- */

Test(passes, ignore_suppresses_and_is_marked_used)
{
	pm_model *m = an("person leo { ignore: unused-person \"joins next month\" }\n"
	                 "person ada { ignore: missing-owner \"wrong rule: no effect\" }\n");
	char *got = found(m);
	cr_expect_str_eq(got,
	    "1:1: info: person 'leo' is never referenced: they own no system, process or "
	    "step [unused-person] (suppressed: joins next month)\n"
	    "2:1: info: person 'ada' is never referenced: they own no system, process or "
	    "step [unused-person]\n");
	cr_expect(m->ignores.v[0].used);
	cr_expect_not(m->ignores.v[1].used);
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_INFO), 1);
	free(got);
	pm_model_free(m);
}

Test(passes, ignore_on_step_cycle_process)
{
	pm_model *m = an("process p {\n  ignore: step-cycle \"retry loop, bounded\"\n"
	                 "  step a; step b\n  a -> b -> a\n}\n");
	const pm_diag *d = diag_of(m, "step-cycle", 0);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->suppressed, "retry loop, bounded");
	cr_expect_eq(pm_model_diag_count_at(m, PM_SEV_ERROR), 0);
	pm_model_free(m);
}

Test(passes, set_rule_changes_severity_or_silences)
{
	pm_model *m = t_load("process refunds { step a }\n");
	cr_assert_eq(pm_model_set_rule(m, "orphan-process=error"), PM_OK);
	cr_assert_eq(pm_model_set_rule(m, "unreachable-process=off"), PM_OK);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	cr_expect_eq(diag_of(m, "orphan-process", 0)->severity, PM_SEV_ERROR);
	cr_expect_null(diag_of(m, "unreachable-process", 0));
	pm_model_free(m);
}

Test(passes, set_rule_rejects_bad_assignments)
{
	pm_model *m = pm_model_new();
	cr_expect_eq(pm_model_set_rule(m, "step-cycles=off"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "step-cycle=loud"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "step-cycle"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "syntax=off"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "config=off"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "=off"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(NULL, "step-cycle=off"), PM_ERR_USAGE);
	cr_expect_eq(pm_model_set_rule(m, "step-cycle=info"), PM_OK);
	pm_model_free(m);
}

/* --- the driver ------------------------------------------------------------------------------- */

Test(passes, rule_table_fits_the_severity_array)
{
	pm_model *m = pm_model_new();
	cr_assert_leq(pm_nrules, sizeof m->an.sev / sizeof *m->an.sev);
	pm_model_free(m);
}

Test(passes, analyze_needs_a_resolved_model_once)
{
	pm_model *m = pm_model_new();
	cr_expect_eq(pm_model_analyze(m), PM_ERR_USAGE);
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	cr_expect_eq(pm_model_analyze(m), PM_OK);
	cr_expect(m->an.done);
	cr_expect_eq(pm_model_analyze(m), PM_ERR_USAGE);
	cr_expect_eq(pm_model_analyze(NULL), PM_ERR_USAGE);
	pm_model_free(m);
}

Test(passes, analyze_survives_resolve_errors)
{
	pm_model *m = an("person a { capacity: 1h/week }\nperson a\nsystem s {\n"
	                 "  owner: nobody\n  process p {\n    runs: 1/day\n"
	                 "    step x { uses: nothing; owner: a; takes: 1h }\n    step x\n"
	                 "    x -> y -> s\n    x -> s.q\n    x -> x\n  }\n}\n"
	                 "process p2 { step z }\nsystem s\n");
	char *got = found(m);
	/* what is there is still reported, about the first of the duplicates */
	cr_expect_str_eq(got,
	    "1:1: warning: person 'a' is overloaded: load 7h/week exceeds capacity "
	    "1h/week (700%), all of it from process 's.p' [overloaded-person]\n"
	    "11:5: error: cycle x -> x in process 's.p' is a trap: no arrow leaves it, so the process can never finish once in it; "
	    "remove the arrow 'x -> x' to break it [step-cycle]\n"
	    "14:1: warning: process 'p2' is not inside any system [orphan-process]\n");
	free(got);
	pm_model_free(m);
}

Test(passes, absence_rules_quiet_after_syntax_error)
{
	/* the broken line may have held the owner, trigger or arrow */
	pm_model *m = an("tool t\nprocess p {\n  step a\n  step b { owner: }\n"
	                 "  a -> a\n}\nsystem s\n");
	char *got = found(m);
	cr_expect_str_eq(got,
	    "2:1: warning: process 'p' is not inside any system [orphan-process]\n"
	    "5:3: error: cycle a -> a in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; "
	    "remove the arrow 'a -> a' to break it [step-cycle]\n");
	free(got);
	pm_model_free(m);
}

Test(passes, analyze_out_of_memory_at_every_allocation)
{
	const char *src = "person a { capacity: 1h/week }\ntool t\n"
	                  "system s {\n  process p { runs: 1/day; step x { owner: a; takes: 1h }\n"
	                  "    step y; step z\n    x -> y -> x\n    x -> z\n    z -> q }\n"
	                  "  process q { ignore: handoff-cycle \"fine\"; step w }\n"
	                  "  q -> p\n}\nsystem e\n";
	for (unsigned long n = 1;; n++) {
		pm_model *m = t_load(src);
		pm_alloc_fail_after(n);
		pm_status st = pm_model_analyze(m);
		pm_alloc_fail_after(0);
		if (st == PM_OK) {
			cr_expect_gt(n, 10);
			cr_expect_not_null(diag_of(m, "rework-loop", 0));
			pm_model_free(m);
			break;
		}
		cr_assert_eq(st, PM_ERR_NOMEM, "allocation %lu", n);
		cr_expect_eq(pm_model_analyze(m), PM_ERR_NOMEM);
		pm_model_free(m);
		cr_assert_lt(n, 100000);
	}
}

/* --- metrics -------------------------------------------------------------------------------- */

Test(passes, lead_time_critical_path_hand_computed)
{
	/* a-b-d = 1h + 2h + 30m = 3h30m; a-c-d = 1h + (1h + 1d) + 30m = 1d2h30m */
	pm_model *m = an("process p {\n"
	                 "  step a { takes: 1h }\n"
	                 "  step b { takes: 2h }\n"
	                 "  step c { takes: 1h; waits: 1d }\n"
	                 "  step d { takes: 30m }\n"
	                 "  step e\n"
	                 "  a -> b -> d\n  a -> c -> d\n  e -> d\n"
	                 "}\n");
	pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_status, PM_LEAD_OK);
	cr_expect_eq(pm->lead_s, 86400 + 3600 + 3600 + 1800);
	cr_expect_eq(pm->work_s, 3600 + 3600 + 1800);
	cr_assert_eq(pm->crit_count, 3);
	cr_expect_eq(m->an.crit_steps.v[pm->crit_first], t_step(m, "p.a"));
	cr_expect_eq(m->an.crit_steps.v[pm->crit_first + 1], t_step(m, "p.c"));
	cr_expect_eq(m->an.crit_steps.v[pm->crit_first + 2], t_step(m, "p.d"));
	pm_model_free(m);
}

Test(passes, lead_time_ties_follow_written_order)
{
	pm_model *m = an("process p {\n  step a { takes: 1h }\n  step b { takes: 1h }\n"
	                 "  step c { takes: 1h }\n  step d { takes: 1h }\n"
	                 "  a -> c -> d\n  a -> b -> d\n}\n"
	                 "process q { step x; step y }\n");
	pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_s, 3 * 3600);
	cr_assert_eq(pm->crit_count, 3);
	cr_expect_eq(m->an.crit_steps.v[pm->crit_first + 1], t_step(m, "p.c"));
	cr_expect_eq(m->an.procs.v[1].lead_status, PM_LEAD_NO_DATA);
	cr_expect_eq(m->an.procs.v[1].lead_s, -1);
	pm_model_free(m);
}

Test(passes, durations_in_messages)
{
	pm_model *m = pm_model_new();
	cr_expect_str_eq(pm_duration_str(m, 0), "0m");
	cr_expect_str_eq(pm_duration_str(m, 45 * 60), "45m");
	cr_expect_str_eq(pm_duration_str(m, 7 * 86400 + 2 * 86400 + 3600 + 60), "1w2d1h1m");
	cr_expect_str_eq(pm_duration_str(m, 90), "1m30s");
	cr_expect_str_eq(pm_hours_str(m, 37.5 * 3600), "37.5h");
	cr_expect_str_eq(pm_hours_str(m, 30 * 3600), "30h");
	cr_expect_str_eq(pm_hours_str(m, 3600.0 / 3), "0.33h");
	pm_model_free(m);
}

/* --- huge inputs: no stack overflow, nothing quadratic ---------------------------------------- */

static char *chain_src(unsigned n, bool loop)
{
	size_t cap = (size_t)n * 40 + 256, len = 0;
	char *s = malloc(cap);
	len += (size_t)sprintf(s + len, "person o\nprocess p {\n  owner: o\n  trigger: \"t\"\n");
	for (unsigned i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "  step s%u { takes: 1m }\n", i);
	len += (size_t)sprintf(s + len, "  s0");
	for (unsigned i = 1; i < n; i++)
		len += (size_t)sprintf(s + len, " -> s%u", i);
	len += (size_t)sprintf(s + len, "%s\n}\n", loop ? " -> s0" : "");
	return s;
}

Test(passes, million_step_chain, .timeout = 600)
{
	char *src = chain_src(1000000, false);
	pm_model *m = an(src);
	free(src);
	pm_proc_metrics *pm = &m->an.procs.v[0];
	cr_expect_eq(pm->lead_status, PM_LEAD_OK);
	cr_expect_eq(pm->lead_s, 1000000LL * 60);
	cr_expect_eq(pm->crit_count, 1000000);
	cr_expect_eq(pm_model_diag_count(m), 1);   /* orphan-process only */
	pm_model_free(m);
}

Test(passes, hundred_thousand_step_cycle, .timeout = 600)
{
	char *src = chain_src(100000, true);
	pm_model *m = an(src);
	free(src);
	const pm_diag *d = diag_of(m, "step-cycle", 0);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "cycle s0 -> s1 -> s2 -> ... -> s99997 -> s99998 -> "
	                 "s99999 -> s0 (100000 steps) in process 'p' is a trap: no arrow leaves it, so the process can never finish once in it; remove the arrow 's99999 -> s0' to break it");
	cr_expect_eq(d->nrelated, 100000);
	cr_expect_str_eq(d->related[99999], "p.s99999");
	cr_expect_eq(m->an.procs.v[0].lead_status, PM_LEAD_CYCLE);
	cr_expect_null(diag_of(m, "step-cycle", 1));
	pm_model_free(m);
}

Test(passes, hundred_thousand_process_handoff_cycle, .timeout = 600)
{
	unsigned n = 100000;
	size_t cap = (size_t)n * 48 + 64, len = 0;
	char *s = malloc(cap);
	for (unsigned i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "process p%u { step x }\n", i);
	len += (size_t)sprintf(s + len, "p0");
	for (unsigned i = 1; i < n; i++)
		len += (size_t)sprintf(s + len, " -> p%u", i);
	sprintf(s + len, " -> p0\n");
	pm_model *m = an(s);
	free(s);
	const pm_diag *d = diag_of(m, "handoff-cycle", 0);
	cr_assert_not_null(d);
	cr_expect_eq(d->nrelated, n);
	cr_expect_null(diag_of(m, "handoff-cycle", 1));
	/* nothing starts the loop: every process is reported once */
	cr_expect_not_null(diag_of(m, "unreachable-process", (int)n - 1));
	cr_expect_null(diag_of(m, "unreachable-process", (int)n));
	pm_model_free(m);
}

/* --- randomized cross-checks against brute force ------------------------------------------- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)(rng_state >> 33) % n;
}

enum { RN = 9 };

typedef struct rgraph {
	unsigned n, takes[RN];
	bool adj[RN][RN];
} rgraph;

static char *rgraph_src(const rgraph *g)
{
	char *s = malloc(8192);
	size_t len = (size_t)sprintf(s, "process p {\n");
	for (unsigned i = 0; i < g->n; i++)
		len += (size_t)sprintf(s + len, "  step s%u { takes: %um }\n", i, g->takes[i]);
	for (unsigned i = 0; i < g->n; i++)
		for (unsigned j = 0; j < g->n; j++)
			if (g->adj[i][j])
				len += (size_t)sprintf(s + len, "  s%u -> s%u\n", i, j);
	sprintf(s + len, "}\n");
	return s;
}

/* reach[i][j]: a non-empty path from i to j */
static void closure(const rgraph *g, bool reach[RN][RN])
{
	memcpy(reach, g->adj, sizeof g->adj);
	for (unsigned k = 0; k < g->n; k++)
		for (unsigned i = 0; i < g->n; i++)
			for (unsigned j = 0; j < g->n; j++)
				reach[i][j] |= reach[i][k] && reach[k][j];
}

static unsigned cyclic_groups(const rgraph *g, bool reach[RN][RN])
{
	unsigned n = 0;
	for (unsigned i = 0; i < g->n; i++) {
		bool first = reach[i][i];
		for (unsigned j = 0; j < i && first; j++)
			first = !(reach[i][j] && reach[j][i]);
		n += first;
	}
	return n;
}

static int64_t brute_lead(const rgraph *g)
{
	/* arrows go forward only, so written order is topological */
	int64_t best[RN], lead = 0;
	for (unsigned j = 0; j < g->n; j++) {
		best[j] = 0;
		for (unsigned i = 0; i < j; i++)
			if (g->adj[i][j] && best[i] > best[j])
				best[j] = best[i];
		best[j] += (int64_t)g->takes[j] * 60;
		if (best[j] > lead)
			lead = best[j];
	}
	return lead;
}

static unsigned step_no(const char *qid)
{
	return (unsigned)atoi(strrchr(qid, '.') + 2);
}

Test(passes, random_graphs_match_brute_force)
{
	rng_state = 42;
	for (int round = 0; round < 400; round++) {
		rgraph g = { .n = 1 + rnd(RN) };
		bool dag = round % 2 == 0;
		for (unsigned i = 0; i < g.n; i++) {
			g.takes[i] = 1 + rnd(50);
			for (unsigned j = 0; j < g.n; j++)
				g.adj[i][j] = (!dag || i < j) && rnd(100) < 25;
		}
		char *src = rgraph_src(&g);
		pm_model *m = an(src);
		bool any = false;
		for (unsigned i = 0; i < g.n; i++)
			for (unsigned j = 0; j < g.n; j++)
				any |= g.adj[i][j];
		for (unsigned i = 0; !any && i + 1 < g.n; i++)
			g.adj[i][i + 1] = true;   /* no arrows: written order */
		bool reach[RN][RN];
		closure(&g, reach);
		unsigned groups = 0, traps = 0;
		/* every loop is a trap (step-cycle) or a rework loop */
		for (int k = 0; diag_of(m, "rework-loop", k); k++)
			groups++;
		for (int k = 0; diag_of(m, "step-cycle", k); k++) {
			const pm_diag *d = diag_of(m, "step-cycle", k);
			groups++;
			traps++;
			/* related is a real cycle: each step leads to the next */
			for (size_t r = 0; r < d->nrelated; r++) {
				unsigned a = step_no(d->related[r]);
				unsigned b = step_no(d->related[(r + 1) % d->nrelated]);
				cr_assert(g.adj[a][b], "round %d: no arrow s%u -> s%u\n%s", round, a, b, src);
			}
			/* removing the arrows named leaves the group without loops */
			if (strstr(d->message, " more to break"))
				continue;
			rgraph cut = g;
			unsigned a, b;
			for (const char *q = strstr(d->message, "remove the arrow");
			     (q = strstr(q, "'s")) && sscanf(q, "'s%u -> s%u'", &a, &b) == 2; q++)
				cut.adj[a][b] = false;
			bool after[RN][RN];
			closure(&cut, after);
			unsigned first = step_no(d->related[0]);
			for (unsigned i = 0; i < g.n; i++)
				cr_assert(!(reach[first][i] && reach[i][first] && after[i][i]),
				          "round %d: s%u still loops after '%s'\n%s", round, i,
				          d->message, src);
		}
		cr_assert_eq(groups, cyclic_groups(&g, reach), "round %d\n%s", round, src);
		const pm_proc_metrics *pm = &m->an.procs.v[0];
		if (traps == 0) {
			cr_assert_eq(pm->lead_status, PM_LEAD_OK, "round %d", round);
			int64_t sum = 0;
			for (pm_ix k = 0; k < pm->crit_count; k++)
				sum += pm_takes(&m->steps.v[m->an.crit_steps.v[pm->crit_first + k]]);
			cr_assert_eq(sum, pm->lead_s, "round %d: path does not add up", round);
			if (dag)
				cr_assert_eq(pm->lead_s, brute_lead(&g), "round %d\n%s", round, src);
		} else {
			cr_assert_eq(pm->lead_status, PM_LEAD_CYCLE, "round %d", round);
		}
		free(src);
		pm_model_free(m);
	}
}

Test(passes, missing_duration_quiet_in_a_loop)
{
	/* no lead time to understate; the loop is the finding */
	expect_rule("process p {\n  step a { takes: 1h }\n  step b\n  a -> b -> a\n}\n",
	            "missing-duration", "");
}

/* every step of a process without an owner: one finding, on the process */
Test(passes, missing_owner_once_for_a_process_of_owner_less_steps)
{
	expect_rule("person oli\n"
	            "system admin {\n  owner: oli\n  process expenses { step a { owner: oli } }\n}\n"
	            "system s {\n  process p {\n    step collect\n    step enter\n  }\n}\n"
	            "process q { step x; step y }\n", "missing-owner",
	            "6:1: warning: system 's' has no owner: nobody answers for its "
	            "processes as a whole; give it one with 'owner:' [missing-owner]\n"
	            "7:3: warning: none of the 2 steps of process 's.p' has an owner, and "
	            "neither the process nor system 's' names one; give the process an "
	            "'owner:' [missing-owner]\n"
	            "12:1: warning: none of the 2 steps of process 'q' has an owner, and "
	            "neither the process nor a system names one; give the process an "
	            "'owner:' [missing-owner]\n");
}
