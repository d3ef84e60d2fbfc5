/* test_resolve.c — names, flows, hand-offs and inheritance. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char coaching[] =
	"person maya\nperson priya\n"
	"system marketing {\n"
	"  owner: maya\n"
	"  process newsletter {\n"
	"    step write { owner: priya }\n"
	"    step send\n"
	"    write -> send\n"
	"    send -> services.booking\n"
	"  }\n"
	"  process social { step draft; step publish }\n"
	"  newsletter -> social\n"
	"}\n"
	"system services {\n"
	"  process booking {\n"
	"    step book; step confirm; step session; step review\n"
	"    book -> confirm -> session\n"
	"    confirm -> review \"if first\"\n"
	"    review -> session\n"
	"  }\n"
	"}\n"
	"process refunds { step approve }\n"
	"marketing.newsletter -> refunds\n"
	"marketing.newsletter.send -> services.booking.book\n";

Test(resolve, flows_and_handoffs)
{
	pm_model *m = t_load_clean(coaching);
	pm_ix nl = t_process(m, "marketing.newsletter");
	pm_ix bk = t_process(m, "services.booking");
	pm_ix so = t_process(m, "marketing.social");
	cr_assert_eq(m->processes.v[nl].flow_count, 1);
	cr_assert(m->processes.v[nl].explicit_flow);
	cr_assert_eq(m->processes.v[bk].flow_count, 4);
	const pm_flow *f = &m->flows.v[m->processes.v[bk].flow_first + 2];
	cr_assert_eq(f->from, t_step(m, "services.booking.confirm"));
	cr_assert_eq(f->to, t_step(m, "services.booking.review"));
	cr_assert_str_eq(pm_str_get(m, f->label), "if first");
	/* written order for a process without arrows */
	cr_assert_not(m->processes.v[so].explicit_flow);
	cr_assert_eq(m->processes.v[so].flow_count, 1);
	cr_assert_eq(m->flows.v[m->processes.v[so].flow_first].arrow, PM_NONE);
	cr_assert_eq(m->handoffs.n, 4);
	const pm_handoff *h = &m->handoffs.v[0];   /* send -> services.booking */
	cr_assert_eq(h->from_proc, nl);
	cr_assert_eq(h->from_step, t_step(m, "marketing.newsletter.send"));
	cr_assert_eq(h->to_proc, bk);
	cr_assert_eq(h->to_step, PM_NONE);
	h = &m->handoffs.v[1];                     /* newsletter -> social */
	cr_assert_eq(h->from_step, PM_NONE);
	cr_assert_eq(h->to_proc, so);
	h = &m->handoffs.v[3];                     /* step to step across processes */
	cr_assert_eq(h->to_step, t_step(m, "services.booking.book"));
	cr_assert_eq(pm_model_count(m, PM_KIND_FLOW), 1 + 1 + 4 + 0);
	pm_model_free(m);
}

Test(resolve, owner_inheritance)
{
	pm_model *m = t_load_clean(coaching);
	pm_ix maya = 0, priya = 1;
	cr_assert_eq(m->steps.v[t_step(m, "marketing.newsletter.write")].eff_owner, priya);
	cr_assert_eq(m->steps.v[t_step(m, "marketing.newsletter.send")].eff_owner, maya);
	cr_assert_eq(m->steps.v[t_step(m, "services.booking.book")].eff_owner, PM_NONE);
	cr_assert_eq(m->steps.v[t_step(m, "refunds.approve")].eff_owner, PM_NONE);
	pm_model_free(m);
}

Test(resolve, innermost_scope_wins)
{
	/* 'a' is a step of p and a top-level process: inside p the step wins */
	pm_model *m = t_load_clean(
		"process a { step x }\n"
		"process p {\n  step a\n  step b\n  a -> b\n  b -> a.x\n}\n");
	cr_assert_eq(m->processes.v[1].flow_count, 1);
	cr_assert_eq(m->handoffs.n, 1);
	cr_assert_eq(m->handoffs.v[0].to_proc, 0);
	pm_model_free(m);
}

Test(resolve, system_scope_before_top)
{
	pm_model *m = t_load_clean(
		"process q { step z }\n"
		"system s {\n  process q { step y }\n  process p { step x }\n  p -> q\n}\n");
	cr_assert_eq(m->handoffs.n, 1);
	cr_assert_eq(m->handoffs.v[0].to_proc, t_process(m, "s.q"));
	pm_model_free(m);
}

Test(resolve, duplicates_across_files_first_wins)
{
	pm_model *m = pm_model_new();
	const char *a = "system s { process p { step a } }\n";
	const char *b = "process s { step b }\n";
	pm_model_load_buffer(m, "a.pmap", a, strlen(a), PM_INPUT_PMAP);
	pm_model_load_buffer(m, "b.pmap", b, strlen(b), PM_INPUT_PMAP);
	cr_assert_eq(pm_model_resolve(m), PM_ERR_INPUT);
	const pm_diag *d = pm_model_diag(m, 0);
	cr_assert_str_eq(d->file, "b.pmap");
	cr_assert_str_eq(d->message,
		"duplicate process id 's': a system 's' is already declared at a.pmap:1");
	pm_model_free(m);
}

Test(resolve, self_loop_is_a_flow)
{
	pm_model *m = t_load_clean("process p {\n  step a\n  a -> a\n}\n");
	cr_assert_eq(m->flows.n, 1);
	cr_assert_eq(m->flows.v[0].from, m->flows.v[0].to);
	pm_model_free(m);
}

Test(resolve, errors_for_unresolved_names_keep_the_rest)
{
	pm_model *m = t_load(
		"person maya\n"
		"process p {\n  step a { owner: mayaa }\n  step b\n  a -> b\n  a -> nowhere\n}\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"3:19: error: unknown person 'mayaa'; did you mean 'maya'? [unknown-reference]\n"
		"6:8: error: unknown step or process 'nowhere' [unknown-reference]\n");
	cr_assert_eq(m->flows.n, 1);
	free(d);
	pm_model_free(m);
}

Test(resolve, suggestions_need_a_close_name)
{
	pm_model *m = t_load("person alexandra\nprocess p { owner: zed; step a }\n");
	char *d = t_diags(m);
	cr_assert_str_eq(d, "2:20: error: unknown person 'zed' [unknown-reference]\n");
	free(d);
	pm_model_free(m);
}

Test(resolve, long_chain_is_linear)
{
	/* 200,000 chained steps: resolve must neither recurse nor go quadratic */
	size_t n = 200000;
	char *text = malloc(n * 40 + 64);
	size_t o = (size_t)sprintf(text, "process p {\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(text + o, "step s%zu\n", i);
	for (size_t i = 1; i < n; i++)
		o += (size_t)sprintf(text + o, "s%zu -> s%zu\n", i - 1, i);
	strcpy(text + o, "}\n");
	pm_model *m = t_load_clean(text);
	cr_assert_eq(m->flows.n, n - 1);
	free(text);
	pm_model_free(m);
}

Test(resolve, chances_go_to_flows_and_handoffs)
{
	pm_model *m = t_load_clean(
		"process p {\n"
		"  step review; step revise; step final\n"
		"  review -> revise \"changes requested\" 40%\n"
		"  review -> q 60%\n"
		"  revise -> review\n"
		"}\n"
		"process q { step x }\n"
		"process r { step y }\n"
		"process s { step z }\n"
		"r -> q 25%\n"
		"r -> s 75%\n");
	pm_ix p = t_process(m, "p");
	const pm_process *pp = &m->processes.v[p];
	cr_assert_eq(pp->flow_count, 2);
	cr_assert_float_eq(m->flows.v[pp->flow_first].chance, 0.4, 1e-12);
	cr_assert_float_eq(m->flows.v[pp->flow_first + 1].chance, -1, 1e-12);
	cr_assert_eq(m->handoffs.n, 3);
	cr_assert_float_eq(m->handoffs.v[0].chance, 0.6, 1e-12);
	cr_assert_float_eq(m->handoffs.v[1].chance, 0.25, 1e-12);
	cr_assert_eq(m->handoffs.v[1].from_step, PM_NONE);
	pm_model_free(m);
}

static void expect_diags(const char *text, const char *want)
{
	pm_model *m = t_load(text);
	char *d = t_diags(m);
	cr_assert_str_eq(d, want);
	free(d);
	pm_model_free(m);
}

Test(resolve, chances_must_add_up)
{
	expect_diags(
		"process p { step a; step b; step c\n"
		"  a -> b 30%\n"
		"  a -> c 60%\n"
		"}\n",
		"2:10: error: the chances of the arrows out of step 'a' add up to 90%, not 100% [bad-chance]\n");
	/* step → step and step → process arrows are one group */
	expect_diags(
		"process p { step a; step b\n"
		"  a -> b 30%\n"
		"}\n"
		"process q { step x }\n"
		"p.a -> q 80%\n",
		"2:10: error: the chances of the arrows out of step 'a' add up to 110%, not 100% [bad-chance]\n");
	expect_diags(
		"process design { step a }\nprocess build { step b }\nprocess ship { step c }\n"
		"design -> build \"web\" 60%\n"
		"design -> ship 39.85%\n",
		"4:23: error: the chances of the arrows out of process 'design' add up to 99.85%, not 100% [bad-chance]\n");
}

Test(resolve, chances_within_a_tenth_pass)
{
	pm_model *m = t_load_clean(
		"process p { step a; step b; step c; step d\n"
		"  a -> b 33.3%; a -> c 33.3%; a -> d 33.3% }\n");
	pm_model_free(m);
}

Test(resolve, plain_and_chance_arrows_do_not_mix)
{
	expect_diags(
		"process p { step a; step b; step c; step d\n"
		"  a -> b 40%\n"
		"  a -> c\n"
		"  a -> d 60%\n"
		"  a -> d\n"
		"}\n",
		"3:8: error: step 'a' has arrows with a chance and a plain arrow to 'c'; "
		"give every arrow out of 'a' a chance, or none [bad-chance]\n");
	/* plain arrows alone are parallel, as always */
	pm_model *m = t_load_clean("process p { step a; step b; step c; a -> b; a -> c }\n");
	pm_model_free(m);
}

Test(resolve, unresolved_chance_arrow_no_cascade)
{
	expect_diags(
		"process p { step a; step b\n"
		"  a -> typo 40%\n"
		"  a -> b 60%\n"
		"}\n",
		"2:8: error: unknown step or process 'typo' [unknown-reference]\n");
}

Test(resolve, person_actor_tool_share_ids)
{
	expect_diags(
		"person maya\nactor maya\ntool maya\nactor bank\ntool bank\n"
		"tool desk\nperson desk\n",
		"2:1: error: duplicate actor id 'maya': a person 'maya' is already declared at line 1 [duplicate-id]\n"
		"3:1: error: duplicate tool id 'maya': a person 'maya' is already declared at line 1 [duplicate-id]\n"
		"5:1: error: duplicate tool id 'bank': an actor 'bank' is already declared at line 4 [duplicate-id]\n"
		"7:1: error: duplicate person id 'desk': a tool 'desk' is already declared at line 6 [duplicate-id]\n");
}

Test(resolve, owner_may_name_an_actor)
{
	pm_model *m = t_load_clean(
		"actor client\n"
		"system s { owner: client; process p { step a; step b { owner: client } } }\n");
	cr_assert_eq(m->steps.v[0].eff_owner, 0);
	cr_assert_eq(m->steps.v[1].owner.target, 0);
	pm_model_free(m);
}

/* The handoff of a model with one, checked against its ends. */
static void expect_one_handoff(const char *text, const char *from_step,
                               const char *to_proc, const char *to_step)
{
	pm_model *m = t_load_clean(text);
	cr_assert_eq(m->handoffs.n, 1);
	const pm_handoff *h = &m->handoffs.v[0];
	if (from_step)
		cr_assert_eq(h->from_step, t_step(m, from_step));
	if (to_proc)
		cr_assert_eq(h->to_proc, t_process(m, to_proc));
	if (to_step)
		cr_assert_eq(h->to_step, t_step(m, to_step));
	pm_model_free(m);
}

Test(resolve, dotted_path_relative_to_the_system)
{
	/* inside system delivery, booking.followup is delivery.booking.followup */
	expect_one_handoff("system delivery {\n"
	                   "  process booking { step confirm; step followup }\n"
	                   "  process revisions { step revise }\n"
	                   "  booking.followup -> revisions\n"
	                   "}\n", "delivery.booking.followup", "delivery.revisions", NULL);
}

Test(resolve, dotted_path_falls_back_to_the_top)
{
	expect_one_handoff("process refunds { step approve }\n"
	                   "system s {\n  process p { step a }\n  p.a -> refunds.approve\n}\n",
	                   "s.p.a", NULL, "refunds.approve");
}

Test(resolve, dotted_path_ambiguous_under_both_readings)
{
	expect_diags("process p { step a }\n"
	             "system s {\n  process p { step a; step b }\n  p.b -> p.a\n}\n",
	             "4:10: error: 'p.a' is ambiguous: 's.p.a' (in this system) "
	             "or 'p.a' (from the top) [bad-reference]\n");
}

Test(resolve, name_declared_elsewhere_gets_its_path)
{
	expect_diags("system d {\n  process booking { step followup }\n"
	             "  process revisions { step revise }\n}\n"
	             "process q {\n  step x\n  x -> revise\n}\n",
	             "7:8: error: unknown step or process 'revise'; 'revise' is a step "
	             "of process 'd.revisions': write 'd.revisions.revise' "
	             "[unknown-reference]\n");
}
