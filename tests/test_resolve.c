/* test_resolve.c — names, flows, hand-offs and inheritance. */
#include <criterion/criterion.h>
#include <stdlib.h>

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
