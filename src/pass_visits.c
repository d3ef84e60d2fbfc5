/* pass_visits.c — expected visits per run of every step (no findings).
 *
 * Over the loops (strongly connected components) of the step graph, in
 * topological order: a component nobody leads into is entered once; any
 * other is entered
 *     min(visits of its immediate dominator, Σ visits(from) × chance)
 * over the arrows that come in from outside (a plain arrow has chance 1),
 * so a parallel join is visited once while alternatives that merge add up
 * to their split's visits.  Each step of a component is visited its entries
 * × the component's rounds (pm_pass_cycles).  The dominators of the
 * condensation, a DAG, come from Cooper, Harvey and Kennedy's intersection
 * in one topological sweep; a virtual root (index ncomp, visited once)
 * dominates every entry.  Component ids grow against the arrows, so a
 * dominator always has a larger id than what it dominates. */
#include <string.h>

#include "analysis.h"

static pm_ix intersect(const pm_ix *idom, pm_ix a, pm_ix b)
{
	while (a != b) {
		while (a < b)
			a = idom[a];
		while (b < a)
			b = idom[b];
	}
	return a;
}

/* Enters component c: sets idom[c] and nv[c] (visits of each of its steps). */
static void enter(const pm_model *m, pm_actx *cx, pm_ix c, pm_ix *idom, double *nv)
{
	const pm_graph *g = &cx->steps;
	pm_ix root = cx->ncomp, dom = PM_NONE;
	double mass = 0;
	for (pm_ix i = cx->comp_first[c]; i < cx->comp_first[c + 1]; i++) {
		pm_ix v = cx->step_order[i];
		for (pm_ix k = g->in_off[v]; k < g->in_off[v + 1]; k++) {
			pm_ix e = g->in[k], cf = cx->step_comp[g->from[e]];
			if (cf == c)
				continue;
			double p = m->flows.v[e].chance;
			mass += nv[cf] * (p < 0 ? 1.0 : p);
			dom = dom == PM_NONE ? cf : intersect(idom, dom, cf);
		}
	}
	cx->comp_entry[c] = dom == PM_NONE;
	idom[c] = dom == PM_NONE ? root : dom;
	double in = dom == PM_NONE ? 1.0 : mass < nv[dom] ? mass : nv[dom];
	nv[c] = in * cx->comp_rounds[c];
}

void pm_pass_visits(pm_model *m, pm_actx *cx)
{
	size_t nc = (size_t)cx->ncomp + 1;
	pm_ix *idom = pm_scratch(m, nc * sizeof *idom);
	double *nv = pm_scratch(m, nc * sizeof *nv);
	cx->comp_entry = pm_scratch(m, nc);
	idom[cx->ncomp] = cx->ncomp;
	nv[cx->ncomp] = 1.0;
	for (uint32_t c = cx->ncomp; c-- > 0;)
		enter(m, cx, c, idom, nv);
	cx->visits = pm_scratch(m, ((size_t)m->steps.n + 1) * sizeof *cx->visits);
	for (pm_ix s = 0; s < m->steps.n; s++)
		cx->visits[s] = pm_is_duplicate(m, PM_KIND_STEP, s) ? 0 : nv[cx->step_comp[s]];
}
