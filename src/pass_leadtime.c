/* pass_leadtime.c — expected visits, lead time, worst pass and work per
 * process; long-wait, wide-join and missing-duration.
 *
 * The steps of a process, with each loop taken as one node (the strongly
 * connected components of pm_pass_cycles), form a DAG; two sweeps over it
 * give the figures (docs/rules.md works an example through):
 *
 * - Visits, in topological order.  An entry (nothing leads into it) is
 *   visited once a run.  Any other node gets the sum over the arrows into
 *   it of visits(from) × chance (1 for a plain arrow), but never more than
 *   its immediate dominator, so parallel branches that join again count the
 *   join once, and alternatives that merge add back up to their split.  An
 *   arrow out of a loop carries its step's visits (cx->step_visits: how
 *   often each step of a rework loop is done each time work enters it).
 * - Expected lead time E, from the end: E(v) = Σ weight × visits of its steps +
 *   max E(next) over plain arrows, or Σ chance × E(next) over alternatives
 *   (an alternative that hands off to another process adds nothing).  Out
 *   of a loop the exits' chances × their steps' visits are taken relative to
 *   each other.  The worst pass is the longest path with every loop passed
 *   once.
 *
 * A step weighs takes + waits (absent = 0).  Ties go to the first written
 * step and arrow.  A process holding a trap gets no lead time
 * (PM_LEAD_CYCLE). */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* One process at a time: its components are numbered lo .. hi - 1 (flows
 * stay inside a process, and the cycles pass numbers each process's
 * components together), so the arrays hold the biggest process's, indexed
 * from lo, and stay in cache. */
typedef struct sweep {
	pm_ix lo, hi;           /* the process's components */
	pm_ix first;            /* its first step */
	/* per component (a step, or the steps of one loop), less lo */
	double *vis;            /* visits of each of its steps per run */
	double *exp, *work;     /* expected lead time and work from it to the end */
	double *outside;        /* expected waits of actors' steps, likewise */
	int64_t *worst;         /* worst pass from it to the end */
	pm_ix *next;            /* the next component on the worst pass */
	pm_ix *idom;            /* immediate dominator, ROOT for an entry */
	const pm_ix *cstart;    /* its steps: order[cstart[c] .. cstart[c + 1]), global c */
	pm_ix *mark;            /* pred dedup for joins, per step less first */
	pm_ix *preds;           /* a join's distinct predecessors */
	uint8_t *entry;         /* nothing outside it leads into it */
} sweep;

#define ROOT ((pm_ix)0xfffffffeu)

static int64_t weight(const pm_step *s)
{
	return (pm_takes(s) > 0 ? pm_takes(s) : 0) + (pm_waits(s) > 0 ? pm_waits(s) : 0);
}

static int64_t takes(const pm_step *s)
{
	return pm_takes(s) > 0 ? pm_takes(s) : 0;
}

static bool has_duration(const pm_step *s)
{
	return pm_takes(s) >= 0 || pm_waits(s) >= 0;
}

/* An actor's step: its wait is outside the business's hands. */
static bool outside(const pm_model *m, pm_ix s)
{
	pm_ix o = m->steps.v[s].eff_owner;
	return o != PM_NONE && m->people.v[o].actor;
}

static int64_t outside_wait(const pm_model *m, pm_ix s)
{
	const pm_step *st = &m->steps.v[s];
	return outside(m, s) && pm_waits(st) > 0 ? pm_waits(st) : 0;
}

static double chance_of(const pm_model *m, pm_ix flow)
{
	double p = m->flows.v[flow].chance;
	return p >= 0 ? p : 1;
}

/* The nearest common dominator of components a and b.  A component's
 * dominators come before it in topological order: they have higher ids. */
static pm_ix intersect(const sweep *sw, pm_ix a, pm_ix b)
{
	while (a != b) {
		if (a == ROOT || b == ROOT)
			return ROOT;
		if (a < b)
			a = sw->idom[a];
		else
			b = sw->idom[b];
	}
	return a;
}

/* Components in topological order (pm_graph_scc numbers them in reverse). */
static void visits(pm_model *m, const pm_actx *cx, sweep *sw)
{
	const pm_graph *g = &cx->steps;
	const pm_ix *order = cx->step_order, *comp = cx->step_comp;
	for (pm_ix c = sw->hi - sw->lo; c-- > 0;) {
		double in = 0;
		pm_ix dom = PM_NONE, gc = c + sw->lo;
		for (pm_ix i = sw->cstart[gc]; i < sw->cstart[gc + 1]; i++) {
			pm_ix v = order[i];
			for (pm_ix j = g->in_off[v]; j < g->in_off[v + 1]; j++) {
				pm_ix e = g->in[j], u = comp[pm_graph_from(g, e)] - sw->lo;
				if (u == c)
					continue;
				in += sw->vis[u] * cx->step_visits[pm_graph_from(g, e)] * chance_of(m, e);
				dom = dom == PM_NONE ? u : intersect(sw, dom, u);
			}
		}
		sw->entry[c] = dom == PM_NONE;
		if (dom == PM_NONE) {
			sw->idom[c] = ROOT;
			sw->vis[c] = 1;
			continue;
		}
		sw->idom[c] = dom;
		/* a dominating loop is left once per time it is entered */
		double cap = dom == ROOT ? 1 : sw->vis[dom];
		sw->vis[c] = in < cap ? in : cap;
	}
}

/* From the end: expected lead time and work, worst pass. */
static void remaining(pm_model *m, const pm_actx *cx, sweep *sw)
{
	const pm_graph *g = &cx->steps;
	const pm_ix *order = cx->step_order, *comp = cx->step_comp;
	for (pm_ix c = 0; c < sw->hi - sw->lo; c++) {
		pm_ix gc = c + sw->lo;
		int64_t once = 0, dmax = 0;
		double w = 0, wt = 0, wo = 0;
		double pmax = -1, pmax_w = 0, pmax_o = 0, psum = 0, esum = 0, wsum = 0, osum = 0;
		bool chance = false;
		pm_ix dnext = PM_NONE;
		for (pm_ix i = sw->cstart[gc]; i < sw->cstart[gc + 1]; i++) {
			pm_ix v = order[i];
			double f = cx->step_visits[v];
			once += weight(&m->steps.v[v]);
			w += (double)weight(&m->steps.v[v]) * f;
			wt += (double)takes(&m->steps.v[v]) * f;
			wo += (double)outside_wait(m, v) * f;
			for (pm_ix j = g->out_off[v]; j < g->out_off[v + 1]; j++) {
				pm_ix e = g->out[j], t = comp[pm_graph_to(g, e)] - sw->lo;
				if (t == c)
					continue;
				if (dnext == PM_NONE || sw->worst[t] > dmax) {
					dmax = sw->worst[t];
					dnext = t;
				}
				/* an exit of a loop weighs as often as its step is done */
				double p = m->flows.v[e].chance;
				if (p >= 0) {
					p *= f;
					chance = true;
					psum += p;
					esum += p * sw->exp[t];
					wsum += p * sw->work[t];
					osum += p * sw->outside[t];
				} else if (sw->exp[t] > pmax) {
					pmax = sw->exp[t];
					pmax_w = sw->work[t];
					pmax_o = sw->outside[t];
				}
			}
		}
		double tail = 0, tail_w = 0, tail_o = 0;
		if (chance && !cx->comp_loop[gc]) {
			tail = esum;            /* the rest of the chance hands off */
			tail_w = wsum;
			tail_o = osum;
		} else if (chance && psum > 0) {
			tail = esum / psum;     /* the loop is left by one of its exits */
			tail_w = wsum / psum;
			tail_o = osum / psum;
		}
		if (pmax > tail) {          /* plain arrows: the longest branch */
			tail = pmax;
			tail_w = pmax_w;
			tail_o = pmax_o;
		}
		sw->exp[c] = w + tail;
		sw->work[c] = wt + tail_w;
		sw->outside[c] = wo + tail_o;
		sw->worst[c] = once + dmax;
		sw->next[c] = dnext;
	}
}

static pm_lead_status lead_status(pm_model *m, const pm_actx *cx, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->step_count == 0)
		return PM_LEAD_EMPTY;
	if (cx->proc_trapped[proc])
		return PM_LEAD_CYCLE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (has_duration(&m->steps.v[s]))
			return PM_LEAD_OK;
	return PM_LEAD_NO_DATA;
}

/* Expected times to the whole minute: "23h4m", not "23h4m24s". */
static int64_t rounded(double x)
{
	return (int64_t)(x / 60 + 0.5) * 60;
}

static int ix_cmp(const void *a, const void *b)
{
	pm_ix x = *(const pm_ix *)a, y = *(const pm_ix *)b;
	return (x > y) - (x < y);
}

static void measure(pm_model *m, const pm_actx *cx, const sweep *sw, pm_ix proc,
                    pm_proc_metrics *pm)
{
	memset(pm, 0, sizeof *pm);
	pm->lead_status = lead_status(m, cx, proc);
	pm->lead_s = pm->work_s = pm->worst_s = pm->outside_s = -1;
	pm->bottleneck = PM_NONE;
	pm->crit_first = m->an.crit_steps.n;
	if (pm->lead_status != PM_LEAD_OK)
		return;
	/* entries start together: the longest sets the lead time */
	const pm_process *p = &m->processes.v[proc];
	pm_ix best_e = PM_NONE, best_w = PM_NONE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		pm_ix c = cx->step_comp[s] - sw->lo;
		if (!sw->entry[c])
			continue;
		if (best_e == PM_NONE || sw->exp[c] > sw->exp[best_e])
			best_e = c;
		if (best_w == PM_NONE || sw->worst[c] > sw->worst[best_w])
			best_w = c;
	}
	pm->lead_s = rounded(sw->exp[best_e]);
	pm->work_s = rounded(sw->work[best_e]);
	pm->outside_s = rounded(sw->outside[best_e]);
	pm->worst_s = sw->worst[best_w];
	for (pm_ix c = best_w; c != PM_NONE; c = sw->next[c]) {
		uint32_t from = m->an.crit_steps.n;
		for (pm_ix i = sw->cstart[c + sw->lo]; i < sw->cstart[c + sw->lo + 1]; i++) {
			*pm_vec_push(m, m->an.crit_steps) = cx->step_order[i];
			pm->crit_count++;
		}
		/* a loop's steps in written order: "approve, revise", not the
		 * order the cycles pass found them in */
		if (m->an.crit_steps.n - from > 1)
			qsort(m->an.crit_steps.v + from, m->an.crit_steps.n - from,
			      sizeof *m->an.crit_steps.v, ix_cmp);
	}
}

/* --- findings ------------------------------------------------------------------ */

/* Distinct predecessors of s, written into sw->preds; returns how many. */
static uint32_t predecessors(const pm_actx *cx, sweep *sw, pm_ix s)
{
	const pm_graph *g = &cx->steps;
	uint32_t n = 0;
	for (pm_ix k = g->in_off[s]; k < g->in_off[s + 1]; k++) {
		pm_ix from = pm_graph_from(g, g->in[k]);
		if (sw->mark[from - sw->first] != s) {
			sw->mark[from - sw->first] = s;
			sw->preds[n++] = from;
		}
	}
	return n;
}

static void join_finding(pm_model *m, const pm_actx *cx, sweep *sw, pm_ix s)
{
	const pm_ix *preds = sw->preds;
	if (pm_graph_indeg(&cx->steps, s) < m->an.th.join_fan_in ||
	    pm_is_duplicate(m, PM_KIND_STEP, s))
		return;
	uint32_t n = predecessors(cx, sw, s);
	if (n < m->an.th.join_fan_in)
		return;
	const char *names = pm_str_get(m, m->steps.v[preds[0]].id);
	for (uint32_t i = 1; i < n && i < 5; i++)
		names = pm_arena_printf(m, "%s, %s", names, pm_str_get(m, m->steps.v[preds[i]].id));
	if (n > 5)
		names = pm_arena_printf(m, "%s and %u more", names, n - 5);
	pm_diag_rec *r = pm_finding(m, "wide-join", PM_KIND_STEP, s,
	        "step '%s' is a join of %u steps (%s): it waits on all of them, "
	        "so the slowest sets the pace of process '%s'",
	        pm_qualified_id(m, PM_KIND_STEP, s), n, names,
	        pm_qualified_id(m, PM_KIND_PROCESS, m->steps.v[s].process));
	if (!r)
		return;
	const char **ids = pm_arena_alloc(m, n * sizeof *ids);
	for (uint32_t i = 0; i < n; i++)
		ids[i] = pm_qualified_id(m, PM_KIND_STEP, preds[i]);
	r->d.related = ids;
	r->d.nrelated = n;
}

/* Rounded, but a part strictly between none and all never reads 0% or 100%:
 * "100% waiting" beside 30m of work would contradict itself. */
static int percent(double part, double whole)
{
	if (whole <= 0)
		return 0;
	int p = (int)(part / whole * 100.0 + 0.5);
	if (p == 0 && part > 0)
		return 1;
	if (p == 100 && part < whole)
		return 99;
	return p;
}

/* A process that waits at least as long as it works, in its own steps: the
 * lean figure.  An actor's wait (the client deciding, a carrier) is outside
 * the business's hands and does not count towards it. */
static void long_wait(pm_model *m, pm_ix proc, const pm_proc_metrics *pm)
{
	const pm_process *p = &m->processes.v[proc];
	if (pm->lead_status != PM_LEAD_OK || pm->lead_s <= 0)
		return;
	int64_t waits = pm->lead_s - pm->work_s - pm->outside_s;
	if (waits <= 0 || waits * 2 < pm->lead_s)
		return;
	pm_ix longest = PM_NONE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (pm_waits(&m->steps.v[s]) > 0 && !outside(m, s) &&
		    !pm_is_duplicate(m, PM_KIND_STEP, s) &&
		    (longest == PM_NONE || pm_waits(&m->steps.v[s]) > pm_waits(&m->steps.v[longest])))
			longest = s;
	if (longest == PM_NONE)
		return;
	/* a model can have one a process: written without printf */
	const char *subject = pm_qualified_id(m, PM_KIND_STEP, longest);
	pm_msg b;
	pm_msg_start(m, &b);
	pm_msg_str(&b, "process '");
	pm_msg_qid(&b, PM_KIND_PROCESS, proc);
	pm_msg_str(&b, "' spends ");
	pm_msg_int(&b, percent((double)waits, (double)pm->lead_s));
	pm_msg_str(&b, "% of its expected lead time (");
	pm_msg_duration(&b, pm->lead_s);
	pm_msg_str(&b, ") waiting in its own steps (flow efficiency ");
	pm_msg_int(&b, percent((double)pm->work_s, (double)pm->lead_s));
	pm_msg_str(&b, "%: ");
	pm_msg_duration(&b, pm->work_s);
	pm_msg_str(&b, " of work); its longest wait is step '");
	pm_msg_str(&b, subject);
	pm_msg_str(&b, "' (waits ");
	pm_msg_duration(&b, pm_waits(&m->steps.v[longest]));
	pm_msg_str(&b, ")");
	pm_finding_msg(m, "long-wait", PM_KIND_STEP, longest, subject, pm_msg_end(&b));
}

static void missing_durations(pm_model *m, pm_ix proc, const pm_proc_metrics *pm)
{
	const pm_process *p = &m->processes.v[proc];
	/* without a lead time there is nothing to understate; a trap is
	 * reported (step-cycle) and comes first */
	if (pm->lead_status != PM_LEAD_OK)
		return;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (!has_duration(&m->steps.v[s]))
			pm_finding(m, "missing-duration", PM_KIND_STEP, s,
			           "step '%s' has no takes or waits, so the lead time of "
			           "process '%s' is understated",
			           pm_qualified_id(m, PM_KIND_STEP, s),
			           pm_qualified_id(m, PM_KIND_PROCESS, proc));
}

static void alloc_metrics(pm_model *m)
{
	size_t np = (size_t)m->processes.n + 1, ns = (size_t)m->steps.n + 1;
	m->an.procs.v = pm_xmalloc(m, np * sizeof *m->an.procs.v);
	m->an.procs.cap = (uint32_t)np;
	m->an.procs.n = m->processes.n;
	m->an.crit_steps.v = pm_xmalloc(m, ns * sizeof *m->an.crit_steps.v);
	m->an.crit_steps.cap = (uint32_t)ns;
	m->an.crit_steps.n = 0;
}

/* The components of each process and the most any process has. */
static size_t biggest_process(const pm_model *m, const pm_actx *cx)
{
	size_t most = 1;
	for (pm_ix p = 0; p < m->processes.n; p++) {
		const pm_process *pr = &m->processes.v[p];
		if (pr->step_count == 0)
			continue;
		pm_ix lo = PM_NONE, hi = 0;
		for (pm_ix s = pr->step_first; s < pr->step_first + pr->step_count; s++) {
			pm_ix c = cx->step_comp[s];
			lo = c < lo ? c : lo;
			hi = c + 1 > hi ? c + 1 : hi;
		}
		if (hi - lo > most)
			most = hi - lo;
		if (pr->step_count > most)
			most = pr->step_count;
	}
	return most;
}

static void one_process(pm_model *m, pm_actx *cx, sweep *sw, pm_ix p, bool wait_on,
                        bool join_on)
{
	const pm_process *pr = &m->processes.v[p];
	pm_ix first = pr->step_first, end = first + pr->step_count;
	sw->lo = PM_NONE;
	sw->hi = 0;
	sw->first = first;
	for (pm_ix s = first; s < end; s++) {
		pm_ix c = cx->step_comp[s];
		sw->lo = c < sw->lo ? c : sw->lo;
		sw->hi = c + 1 > sw->hi ? c + 1 : sw->hi;
	}
	if (first < end) {
		visits(m, cx, sw);
		remaining(m, cx, sw);
	}
	/* over cx->step_visits, which only this process's sweeps read */
	for (pm_ix s = first; s < end; s++)
		m->an.visits.v[s] = cx->proc_trapped[p]
			? 1 : sw->vis[cx->step_comp[s] - sw->lo] * cx->step_visits[s];
	pm_proc_metrics *pm = &m->an.procs.v[p];
	measure(m, cx, sw, p, pm);
	if (wait_on)
		long_wait(m, p, pm);
	if (!cx->input_errors)
		missing_durations(m, p, pm);
	if (!join_on)
		return;
	memset(sw->mark, 0xff, (size_t)pr->step_count * sizeof *sw->mark);
	for (pm_ix s = first; s < end; s++)
		join_finding(m, cx, sw, s);
}

void pm_pass_leadtime(pm_model *m, pm_actx *cx)
{
	uint32_t mark = pm_scratch_mark(m);
	size_t n = biggest_process(m, cx);
	sweep sw;
	sw.vis = pm_scratch(m, n * sizeof *sw.vis);
	sw.exp = pm_scratch(m, n * sizeof *sw.exp);
	sw.work = pm_scratch(m, n * sizeof *sw.work);
	sw.outside = pm_scratch(m, n * sizeof *sw.outside);
	sw.worst = pm_scratch(m, n * sizeof *sw.worst);
	sw.next = pm_scratch(m, n * sizeof *sw.next);
	sw.idom = pm_scratch(m, n * sizeof *sw.idom);
	sw.entry = pm_scratch(m, n);
	sw.mark = pm_scratch(m, n * sizeof *sw.mark);
	sw.preds = pm_scratch(m, n * sizeof *sw.preds);
	sw.cstart = cx->comp_start;
	alloc_metrics(m);
	bool wait_on = pm_rule_on(m, "long-wait"), join_on = pm_rule_on(m, "wide-join");
	for (pm_ix p = 0; p < m->processes.n; p++)
		one_process(m, cx, &sw, p, wait_on, join_on);
	pm_scratch_pop(m, mark);
}
