/* pass_leadtime.c — expected lead time, worst pass, critical path and work
 * per process; missing-duration, long-wait and wide-join.
 *
 * One sweep over the loops (strongly connected components) of the step
 * graph from the end, successors first.  A component costs the takes and
 * waits of its steps times its rounds; after it comes the longest of its
 * plain successors (parallel branches: the slowest sets the pace) or the
 * chance-weighted mean of its alternatives, whichever is longer:
 *     E(c) = rounds(c) × Σ weight + max(max plain E(t), Σ p·E(t) / Σ p)
 * Takes and waits are carried separately along the same choice, so work ÷
 * lead time is the flow efficiency.  The worst pass passes each loop once
 * and takes the longest successor, chance or not.  The critical path
 * follows the slowest plain successor or the likeliest alternative.  Ties
 * go to the first written arrow.  A process with a trap (pm_pass_cycles)
 * gets no lead time: there is no honest number to give. */
#include <math.h>
#include <string.h>

#include "analysis.h"

typedef struct sweep {
	double *takes, *waits;  /* expected, from the component to the end */
	int64_t *worst;         /* worst pass from the component to the end */
	pm_ix *next;            /* the next component on the critical path */
	pm_ix *mark;            /* pred dedup for joins */
} sweep;

static int64_t pos(int64_t v)
{
	return v > 0 ? v : 0;
}

static int64_t weight(const pm_step *s)
{
	return pos(s->takes_s) + pos(s->waits_s);
}

static bool has_duration(const pm_step *s)
{
	return s->takes_s >= 0 || s->waits_s >= 0;
}

/* The best successor of component c in each sense. */
typedef struct succ {
	pm_ix plain, likely, worst;
	double plain_e, likely_p, psum, ptakes, pwaits;
	int64_t worst_w;
} succ;

static void successors(const pm_model *m, const pm_actx *cx, const sweep *sw,
                       pm_ix c, succ *x)
{
	const pm_graph *g = &cx->steps;
	memset(x, 0, sizeof *x);
	x->plain = x->likely = x->worst = PM_NONE;
	for (pm_ix i = cx->comp_first[c]; i < cx->comp_first[c + 1]; i++) {
		pm_ix v = cx->step_order[i];
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			pm_ix e = g->out[k], t = cx->step_comp[g->to[e]];
			if (t == c)
				continue;
			double p = m->flows.v[e].chance, et = sw->takes[t] + sw->waits[t];
			if (x->worst == PM_NONE || sw->worst[t] > x->worst_w) {
				x->worst = t;
				x->worst_w = sw->worst[t];
			}
			if (p < 0) {
				if (x->plain == PM_NONE || et > x->plain_e) {
					x->plain = t;
					x->plain_e = et;
				}
				continue;
			}
			x->psum += p;
			x->ptakes += p * sw->takes[t];
			x->pwaits += p * sw->waits[t];
			if (x->likely == PM_NONE || p > x->likely_p) {
				x->likely = t;
				x->likely_p = p;
			}
		}
	}
}

static void sweep_component(const pm_model *m, const pm_actx *cx, sweep *sw, pm_ix c)
{
	double takes = 0, waits = 0, r = cx->comp_rounds[c];
	int64_t once = 0;
	for (pm_ix i = cx->comp_first[c]; i < cx->comp_first[c + 1]; i++) {
		pm_ix v = cx->step_order[i];
		if (cx->visits[v] == 0)
			continue;   /* a duplicate */
		const pm_step *st = &m->steps.v[v];
		takes += (double)pos(st->takes_s);
		waits += (double)pos(st->waits_s);
		once += weight(st);
	}
	succ x;
	successors(m, cx, sw, c, &x);
	double at = 0, aw = 0;
	sw->next[c] = x.plain;
	if (x.plain != PM_NONE) {
		at = sw->takes[x.plain];
		aw = sw->waits[x.plain];
	}
	if (x.psum > 0 && (x.ptakes + x.pwaits) / x.psum > at + aw) {
		at = x.ptakes / x.psum;
		aw = x.pwaits / x.psum;
		sw->next[c] = x.likely;
	}
	sw->takes[c] = takes * r + at;
	sw->waits[c] = waits * r + aw;
	sw->worst[c] = once + (x.worst != PM_NONE ? x.worst_w : 0);
}

static void expected_times(pm_model *m, const pm_actx *cx, sweep *sw)
{
	for (pm_ix c = 0; c < cx->ncomp; c++) {
		pm_ix v = cx->step_order[cx->comp_first[c]];
		if (cx->proc_cyclic[m->steps.v[v].process])
			continue;
		sweep_component(m, cx, sw, c);
	}
}

static pm_lead_status lead_status(pm_model *m, const pm_actx *cx, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->step_count == 0)
		return PM_LEAD_EMPTY;
	if (cx->proc_cyclic[proc])
		return PM_LEAD_CYCLE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (has_duration(&m->steps.v[s]) && cx->visits[s] > 0)
			return PM_LEAD_OK;
	return PM_LEAD_NO_DATA;
}

/* The entry component with the longest expected time (first written). */
static pm_ix path_start(const pm_actx *cx, const sweep *sw, const pm_process *p)
{
	pm_ix best = PM_NONE;
	double best_e = 0;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		pm_ix c = cx->step_comp[s];
		double e = sw->takes[c] + sw->waits[c];
		if (cx->visits[s] > 0 && cx->comp_entry[c] && (best == PM_NONE || e > best_e)) {
			best = c;
			best_e = e;
		}
	}
	return best;
}

static int64_t worst_start(const pm_actx *cx, const sweep *sw, const pm_process *p)
{
	int64_t w = 0;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		pm_ix c = cx->step_comp[s];
		if (cx->visits[s] > 0 && cx->comp_entry[c] && sw->worst[c] > w)
			w = sw->worst[c];
	}
	return w;
}

/* The steps of component c onto the critical path, in the order the search
 * found them. */
static void push_component(pm_model *m, const pm_actx *cx, pm_ix c, pm_proc_metrics *pm)
{
	for (pm_ix i = cx->comp_first[c + 1]; i-- > cx->comp_first[c];) {
		pm_ix v = cx->step_order[i];
		if (cx->visits[v] == 0)
			continue;
		*pm_vec_push(m, m->an.crit_steps) = v;
		pm->crit_count++;
	}
}

static void measure(pm_model *m, const pm_actx *cx, const sweep *sw, pm_ix proc,
                    pm_proc_metrics *pm)
{
	memset(pm, 0, sizeof *pm);
	pm->lead_status = lead_status(m, cx, proc);
	pm->lead_s = pm->work_s = pm->worst_s = -1;
	pm->bottleneck = PM_NONE;
	pm->crit_first = m->an.crit_steps.n;
	if (pm->lead_status != PM_LEAD_OK)
		return;
	const pm_process *p = &m->processes.v[proc];
	pm_ix c = path_start(cx, sw, p);
	pm->lead_s = llround(sw->takes[c] + sw->waits[c]);
	pm->work_s = llround(sw->takes[c]);
	pm->worst_s = worst_start(cx, sw, p);
	for (; c != PM_NONE; c = sw->next[c])
		push_component(m, cx, c, pm);
}

/* --- findings ------------------------------------------------------------------ */

/* Distinct predecessors of s, written into preds; returns how many. */
static uint32_t predecessors(const pm_actx *cx, sweep *sw, pm_ix s, pm_ix *preds)
{
	const pm_graph *g = &cx->steps;
	uint32_t n = 0;
	for (pm_ix k = g->in_off[s]; k < g->in_off[s + 1]; k++) {
		pm_ix from = g->from[g->in[k]];
		if (sw->mark[from] != s) {
			sw->mark[from] = s;
			preds[n++] = from;
		}
	}
	return n;
}

static void join_finding(pm_model *m, const pm_actx *cx, sweep *sw, pm_ix s,
                         pm_ix *preds)
{
	if (pm_graph_indeg(&cx->steps, s) < m->an.th.join_fan_in ||
	    pm_is_duplicate(m, PM_KIND_STEP, s))
		return;
	uint32_t n = predecessors(cx, sw, s, preds);
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

static void missing_durations(pm_model *m, const pm_actx *cx, pm_ix proc,
                              const pm_proc_metrics *pm)
{
	const pm_process *p = &m->processes.v[proc];
	/* without a lead time there is nothing to understate; a loop is
	 * reported (step-cycle) and comes first */
	if (pm->lead_status != PM_LEAD_OK)
		return;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (!has_duration(&m->steps.v[s]) && cx->visits[s] > 0)
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

/* long-wait: waits are at least half of the expected lead time; the
 * subject is the step that waits longest (first written on a tie). */
static void long_wait(pm_model *m, const pm_actx *cx, pm_ix proc, const pm_proc_metrics *pm)
{
	if (pm->lead_status != PM_LEAD_OK || pm->lead_s <= 0 ||
	    2 * (pm->lead_s - pm->work_s) < pm->lead_s)
		return;
	const pm_process *p = &m->processes.v[proc];
	pm_ix best = PM_NONE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (cx->visits[s] > 0 && m->steps.v[s].waits_s > 0 &&
		    (best == PM_NONE || m->steps.v[s].waits_s > m->steps.v[best].waits_s))
			best = s;
	if (best == PM_NONE)
		return;
	int eff = (int)floor(100.0 * (double)pm->work_s / (double)pm->lead_s + 0.5);
	pm_finding(m, "long-wait", PM_KIND_STEP, best,
	           "process '%s' spends %s of its expected lead time %s waiting "
	           "(flow efficiency %d%%); the longest wait is step '%s' (%s)",
	           pm_qualified_id(m, PM_KIND_PROCESS, proc),
	           pm_duration_str(m, pm->lead_s - pm->work_s),
	           pm_duration_str(m, pm->lead_s), eff,
	           pm_qualified_id(m, PM_KIND_STEP, best),
	           pm_duration_str(m, m->steps.v[best].waits_s));
}

static void alloc_sweep(pm_model *m, const pm_actx *cx, sweep *sw)
{
	size_t nc = (size_t)cx->ncomp + 1, ns = (size_t)m->steps.n + 1;
	sw->takes = pm_scratch(m, nc * sizeof *sw->takes);
	sw->waits = pm_scratch(m, nc * sizeof *sw->waits);
	sw->worst = pm_scratch(m, nc * sizeof *sw->worst);
	sw->next = pm_scratch(m, nc * sizeof *sw->next);
	sw->mark = pm_scratch(m, ns * sizeof *sw->mark);
	memset(sw->mark, 0xff, ns * sizeof *sw->mark);
}

void pm_pass_leadtime(pm_model *m, pm_actx *cx)
{
	sweep sw;
	alloc_sweep(m, cx, &sw);
	pm_ix *preds = pm_scratch(m, ((size_t)m->steps.n + 1) * sizeof *preds);
	alloc_metrics(m);
	expected_times(m, cx, &sw);
	bool waits = pm_rule_on(m, "long-wait");
	for (pm_ix p = 0; p < m->processes.n; p++) {
		pm_proc_metrics *pm = &m->an.procs.v[p];
		measure(m, cx, &sw, p, pm);
		if (!cx->input_errors)
			missing_durations(m, cx, p, pm);
		if (waits)
			long_wait(m, cx, p, pm);
	}
	bool joins = pm_rule_on(m, "wide-join");
	for (pm_ix s = 0; joins && s < m->steps.n; s++)
		join_finding(m, cx, &sw, s, preds);
}
