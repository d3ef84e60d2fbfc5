/* pass_load.c — weekly load per person; overloaded-person, bottleneck-step,
 * missing-rate.
 *
 * Load = Σ over the steps a person owns (directly or by inheritance) of
 * takes × expected visits per run (pass_leadtime.c) × the process's runs
 * per week (value.c: a day is 7/week, a month 12/52 week).  `waits` is not
 * work, an actor's steps are nobody's load, and a process without `runs`
 * adds nothing: there is no rate to multiply by (missing-rate says so).
 * Steps are grouped by process, so one sweep also finds the process that
 * adds the most to each person, which the message names as the place to
 * start.
 *
 * bottleneck-step: in each process, among the owners whose utilisation
 * (load ÷ capacity) reaches the bottleneck-utilisation threshold, the most
 * utilised one's step with the most expected work: that is where work
 * queues.  One per process at most; a wait is never one. */
#include <string.h>

#include "analysis.h"

typedef struct tally {
	double *load, *part, *top;  /* per person: total, this process, largest */
	pm_ix *top_proc, *touched;
	uint8_t *in_part;
	uint32_t *nprocs;           /* processes adding load */
} tally;

/* A step's expected work per week: takes × visits × runs. */
static double step_work(const pm_model *m, pm_ix s)
{
	const pm_step *st = &m->steps.v[s];
	double runs = m->processes.v[st->process].runs_per_week;
	return (double)pm_takes(st) * m->an.visits.v[s] * runs;
}

static void tally_process(pm_model *m, tally *t, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->runs_per_week < 0)
		return;
	uint32_t n = 0;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		const pm_step *st = &m->steps.v[s];
		if (st->eff_owner == PM_NONE || pm_takes(st) <= 0 ||
		    m->people.v[st->eff_owner].actor)
			continue;
		if (!t->in_part[st->eff_owner]) {
			t->in_part[st->eff_owner] = 1;
			t->touched[n++] = st->eff_owner;
		}
		t->part[st->eff_owner] += step_work(m, s);
	}
	for (uint32_t i = 0; i < n; i++) {
		pm_ix o = t->touched[i];
		t->load[o] += t->part[o];
		if (t->part[o] > 0)
			t->nprocs[o]++;
		if (t->part[o] > t->top[o]) {
			t->top[o] = t->part[o];
			t->top_proc[o] = proc;
		}
		t->part[o] = 0;
		t->in_part[o] = 0;
	}
}

static const char *limit_text(pm_model *m, const pm_person *pe)
{
	const char *cap = pm_hours_str(m, (double)pe->capacity_s);
	double u = m->an.th.utilisation;
	if (u == 1.0)
		return pm_arena_printf(m, "capacity %s/week", cap);
	return pm_arena_printf(m, "%d%% of capacity %s/week", (int)(u * 100.0 + 0.5), cap);
}

static void overloaded(pm_model *m, const tally *t, pm_ix i, double util)
{
	const pm_person *pe = &m->people.v[i];
	const char *pct = util >= 0 ? pm_arena_printf(m, " (%d%%)", (int)(util * 100.0 + 0.5)) : "";
	const char *from = t->nprocs[i] == 1
		? pm_arena_printf(m, "all of it from process '%s'",
		                  pm_qualified_id(m, PM_KIND_PROCESS, t->top_proc[i]))
		: pm_arena_printf(m, "the largest part from process '%s' (%s/week)",
		                  pm_qualified_id(m, PM_KIND_PROCESS, t->top_proc[i]),
		                  pm_hours_str(m, t->top[i]));
	pm_finding(m, "overloaded-person", PM_KIND_PERSON, i,
	           "person '%s' is overloaded: load %s/week exceeds %s%s, %s",
	           pm_str_get(m, pe->id), pm_hours_str(m, t->load[i]),
	           limit_text(m, pe), pct, from);
}

static void *zeroed(pm_model *m, size_t n)
{
	void *p = pm_scratch(m, n);
	memset(p, 0, n);
	return p;
}

static int pct(double x)
{
	return (int)(x * 100.0 + 0.5);
}

/* The least share of its owner's load a bottleneck step holds. */
#define BOTTLENECK_MIN_SHARE 0.1

static void bottleneck(pm_model *m, const tally *t, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->runs_per_week < 0 || m->an.procs.v[proc].lead_status == PM_LEAD_CYCLE)
		return;
	pm_ix best = PM_NONE;
	double best_u = 0, best_w = 0;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		const pm_step *st = &m->steps.v[s];
		pm_ix o = st->eff_owner;
		if (o == PM_NONE || pm_takes(st) <= 0 || m->people.v[o].actor ||
		    m->people.v[o].capacity_s <= 0 || pm_is_duplicate(m, PM_KIND_STEP, s))
			continue;
		double u = t->load[o] / (double)m->people.v[o].capacity_s;
		double w = step_work(m, s);
		/* a small part of a busy week is not where its queue forms */
		if (u < m->an.th.bottleneck_utilisation || w <= 0 ||
		    w < BOTTLENECK_MIN_SHARE * t->load[o])
			continue;
		if (best == PM_NONE || u > best_u || (u == best_u && w > best_w)) {
			best = s;
			best_u = u;
			best_w = w;
		}
	}
	if (best == PM_NONE)
		return;
	pm_ix o = m->steps.v[best].eff_owner;
	const pm_person *pe = &m->people.v[o];
	pm_proc_metrics *pm = &m->an.procs.v[proc];
	pm->bottleneck = best;
	pm->bottleneck_share = best_w / t->load[o];
	pm_finding(m, "bottleneck-step", PM_KIND_STEP, best,
	           "step '%s' is where work queues in process '%s': its owner '%s' "
	           "is at %d%% of capacity (%s/week of %s/week), and this step is "
	           "%d%% of that load (%s/week)",
	           pm_qualified_id(m, PM_KIND_STEP, best),
	           pm_qualified_id(m, PM_KIND_PROCESS, proc), pm_str_get(m, pe->id),
	           pct(best_u), pm_hours_str(m, t->load[o]),
	           pm_hours_str(m, (double)pe->capacity_s), pct(pm->bottleneck_share),
	           pm_hours_str(m, best_w));
}

/* Timed work owned by someone with a capacity, in a process without runs. */
static void missing_rate(pm_model *m, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->runs_per_week >= 0 || pm_is_duplicate(m, PM_KIND_PROCESS, proc))
		return;
	double per_run = 0;
	pm_ix who = PM_NONE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		const pm_step *st = &m->steps.v[s];
		pm_ix o = st->eff_owner;
		if (o == PM_NONE || pm_takes(st) <= 0 || m->people.v[o].actor ||
		    m->people.v[o].capacity_s < 0)
			continue;
		per_run += (double)pm_takes(st) * m->an.visits.v[s];
		if (who == PM_NONE)
			who = o;
	}
	if (who == PM_NONE)
		return;
	pm_finding(m, "missing-rate", PM_KIND_PROCESS, proc,
	           "process '%s' has no runs, so its work (%s a run, first owner "
	           "'%s') counts as zero in everyone's load; add how often it runs, "
	           "e.g. 'runs: 2/week'",
	           pm_qualified_id(m, PM_KIND_PROCESS, proc),
	           pm_duration_str(m, (int64_t)(per_run + 0.5)),
	           pm_str_get(m, m->people.v[who].id));
}

void pm_pass_load(pm_model *m, pm_actx *cx)
{
	size_t n = (size_t)m->people.n + 1;
	tally t;
	t.load = zeroed(m, n * sizeof(double));
	t.part = zeroed(m, n * sizeof(double));
	t.top = zeroed(m, n * sizeof(double));
	t.top_proc = zeroed(m, n * sizeof(pm_ix));
	t.touched = zeroed(m, n * sizeof(pm_ix));
	t.in_part = zeroed(m, n);
	t.nprocs = zeroed(m, n * sizeof(uint32_t));
	for (pm_ix p = 0; p < m->processes.n; p++)
		tally_process(m, &t, p);
	m->an.people.v = pm_xmalloc(m, n * sizeof *m->an.people.v);
	m->an.people.cap = (uint32_t)n;
	m->an.people.n = m->people.n;
	bool rule = pm_rule_on(m, "overloaded-person");
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person *pe = &m->people.v[i];
		double util = pe->capacity_s > 0 ? t.load[i] / (double)pe->capacity_s : -1;
		m->an.people.v[i].load_s = t.load[i];
		m->an.people.v[i].utilisation = util;
		if (rule && pe->capacity_s >= 0 && t.load[i] > 0 &&
		    t.load[i] > (double)pe->capacity_s * m->an.th.utilisation &&
		    !pm_is_duplicate(m, PM_KIND_PERSON, i))
			overloaded(m, &t, i, util);
	}
	bool bn = pm_rule_on(m, "bottleneck-step"), rate = pm_rule_on(m, "missing-rate");
	for (pm_ix p = 0; p < m->processes.n; p++) {
		if (bn)
			bottleneck(m, &t, p);
		if (rate && !cx->input_errors)
			missing_rate(m, p);
	}
}
