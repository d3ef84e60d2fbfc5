/* pass_cycles.c — step-cycle and handoff-cycle.
 *
 * Tarjan's SCCs over the step graph (flows) and over the process graph
 * (hand-offs; a step-level hand-off is an edge between the two processes).
 * Each component with a cycle gives one finding, about its process (step
 * graph) or about its first-written process (hand-off graph).  To explain
 * it, a DFS starts at the component's first-written node and follows arrows
 * in written order: the first arrow that returns to a node still on the DFS
 * path closes the loop shown in the message and in `related`, and all such
 * back arrows together are what to remove to break every loop.  Written
 * order makes that the arrow a reader sees as "going back". */
#include <string.h>

#include "analysis.h"

/* Loops longer than this are shortened in messages (never in `related`). */
#define SHOWN_LOOP 8

typedef const char *(*namer)(pm_model *m, pm_ix i);

static const char *step_name(pm_model *m, pm_ix s)
{
	return pm_str_get(m, m->steps.v[s].id);
}

static const char *proc_name(pm_model *m, pm_ix p)
{
	return pm_qualified_id(m, PM_KIND_PROCESS, p);
}

static char *join(pm_model *m, const char *const *parts, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i]);
	char *s = pm_arena_alloc(m, len + 1), *p = s;
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(parts[i]);
		memcpy(p, parts[i], k);
		p += k;
	}
	*p = '\0';
	return s;
}

/* "a -> b -> c -> a", or "a -> b -> c -> ... -> y -> z -> a (26 steps)". */
static const char *loop_text(pm_model *m, const pm_cycle *cy, namer name,
                             const char *what)
{
	const char *parts[2 * SHOWN_LOOP + 4];
	size_t n = 0;
	for (uint32_t i = 0; i < cy->npath; i++) {
		if (cy->npath > SHOWN_LOOP && i == 3) {
			parts[n++] = "... -> ";
			i = cy->npath - 4;   /* then the last three */
			continue;
		}
		parts[n++] = name(m, cy->path[i]);
		parts[n++] = " -> ";
	}
	parts[n++] = name(m, cy->path[0]);
	if (cy->npath > SHOWN_LOOP)
		parts[n++] = pm_arena_printf(m, " (%u %s)", cy->npath, what);
	return join(m, parts, n);
}

/* "'c -> a'", "'c -> a' and 'e -> b'", "'x', 'y', 'z' and 4 more". */
static const char *arrow_list(pm_model *m, const pm_cycle *cy,
                              const char *(*arrow)(pm_model *m, pm_ix e))
{
	const char *parts[2 * PM_CYCLE_BACK_MAX + 2];
	size_t n = 0;
	uint32_t shown = cy->nback < PM_CYCLE_BACK_MAX ? cy->nback : PM_CYCLE_BACK_MAX;
	for (uint32_t i = 0; i < shown; i++) {
		if (i > 0)
			parts[n++] = i + 1 == shown && cy->nback == shown ? " and " : ", ";
		parts[n++] = pm_arena_printf(m, "'%s'", arrow(m, cy->back[i]));
	}
	if (cy->nback > shown)
		parts[n++] = pm_arena_printf(m, " and %u more", cy->nback - shown);
	return join(m, parts, n);
}

static const char *flow_text(pm_model *m, pm_ix e)
{
	const pm_flow *f = &m->flows.v[e];
	return pm_arena_printf(m, "%s -> %s", step_name(m, f->from), step_name(m, f->to));
}

static const char *handoff_end(pm_model *m, pm_ix proc, pm_ix step)
{
	return step != PM_NONE ? pm_qualified_id(m, PM_KIND_STEP, step)
	                       : pm_qualified_id(m, PM_KIND_PROCESS, proc);
}

static const char *handoff_text(pm_model *m, pm_ix e)
{
	const pm_handoff *h = &m->handoffs.v[e];
	return pm_arena_printf(m, "%s -> %s", handoff_end(m, h->from_proc, h->from_step),
	                       handoff_end(m, h->to_proc, h->to_step));
}

static pm_loc arrow_loc(const pm_model *m, pm_ix arrow)
{
	return arrow == PM_NONE ? pm_noloc : m->arrows.v[arrow].from.loc;
}

static void related_path(pm_model *m, pm_diag_rec *r, const pm_cycle *cy, pm_kind kind)
{
	if (!r)
		return;
	const char **ids = pm_arena_alloc(m, cy->npath * sizeof *ids);
	for (uint32_t i = 0; i < cy->npath; i++)
		ids[i] = pm_qualified_id(m, kind, cy->path[i]);
	r->d.related = ids;
	r->d.nrelated = cy->npath;
}

/* --- step-cycle and rework-loop ---------------------------------------------- */

/* The first arrow (in written order) that leaves component c, PM_NONE for a
 * trap. */
static pm_ix exit_flow(const pm_actx *cx, pm_ix c)
{
	const pm_graph *g = &cx->steps;
	pm_ix best = PM_NONE;
	for (pm_ix i = cx->comp_first[c]; i < cx->comp_first[c + 1]; i++) {
		pm_ix v = cx->step_order[i];
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			pm_ix e = g->out[k];
			if (cx->step_comp[g->to[e]] != c && (best == PM_NONE || e < best))
				best = e;
		}
	}
	return best;
}

/* The chance of going round the loop once more: the product of the chances
 * along the loop shown (plain arrows count 1).  *chanced says whether any
 * arrow of it has a chance. */
static double back_chance(pm_model *m, const pm_graph *g, const pm_cycle *cy,
                          bool *chanced)
{
	double q = 1;
	*chanced = false;
	for (uint32_t i = 0; i < cy->npath; i++) {
		pm_ix v = cy->path[i], w = cy->path[(i + 1) % cy->npath];
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			const pm_flow *f = &m->flows.v[g->out[k]];
			if (f->to != w)
				continue;
			if (f->chance >= 0) {
				q *= f->chance;
				*chanced = true;
			}
			break;
		}
	}
	return q;
}

static void report_trap(pm_model *m, const pm_cycle *cy)
{
	pm_ix proc = m->steps.v[cy->path[0]].process;
	const pm_flow *closing = &m->flows.v[cy->back[0]];
	pm_diag_rec *r = pm_finding_at(m, "step-cycle", PM_KIND_PROCESS, proc,
	        arrow_loc(m, closing->arrow),
	        "cycle %s in process '%s': no arrow leaves it, so once in this loop "
	        "the process can never finish; remove the arrow%s %s to break it",
	        loop_text(m, cy, step_name, "steps"),
	        pm_qualified_id(m, PM_KIND_PROCESS, proc), cy->nback > 1 ? "s" : "",
	        arrow_list(m, cy, flow_text));
	related_path(m, r, cy, PM_KIND_STEP);
}

static void report_rework(pm_model *m, const pm_cycle *cy, pm_ix exit,
                          bool chanced, double rounds)
{
	const pm_flow *closing = &m->flows.v[cy->back[0]];
	pm_ix proc = m->steps.v[closing->from].process;
	const char *count = chanced
		? pm_arena_printf(m, "about %.2f rounds", rounds)
		: "counted as one pass; give the arrow back a chance, e.g. 30%, to "
		  "count the rework";
	pm_diag_rec *r = pm_finding_at(m, "rework-loop", PM_KIND_STEP, closing->from,
	        arrow_loc(m, closing->arrow),
	        "rework loop %s in process '%s', left by '%s': %s",
	        loop_text(m, cy, step_name, "steps"),
	        pm_qualified_id(m, PM_KIND_PROCESS, proc), flow_text(m, exit), count);
	related_path(m, r, cy, PM_KIND_STEP);
}

/* Classifies loop c (found from its first-written step v), sets its rounds
 * and reports it. */
static void step_loop(pm_model *m, pm_actx *cx, const pm_cycle *cy, pm_ix c)
{
	pm_ix exit = exit_flow(cx, c);
	if (exit == PM_NONE) {
		cx->comp_loop[c] = PM_LOOP_TRAP;
		cx->proc_cyclic[m->steps.v[cy->path[0]].process] = true;
		report_trap(m, cy);
		return;
	}
	bool chanced;
	double q = back_chance(m, &cx->steps, cy, &chanced);
	if (chanced && q >= 1)
		chanced = false;   /* 100% back: no finite number to give */
	cx->comp_loop[c] = PM_LOOP_REWORK;
	cx->comp_rounds[c] = chanced ? 1.0 / (1.0 - q) : 1.0;
	report_rework(m, cy, exit, chanced, cx->comp_rounds[c]);
}

/* Visits the cyclic components in the written order of their first node. */
static void each_cycle(pm_model *m, const pm_graph *g, const pm_ix *comp,
                       const bool *cyclic, uint32_t ncomp,
                       void (*report)(pm_model *m, pm_ix start, const pm_cycle *cy,
                                      void *arg),
                       void *arg)
{
	bool *seen = pm_scratch(m, ncomp ? ncomp : 1);
	memset(seen, 0, ncomp);
	pm_cycle_ws ws;
	pm_cycle_ws_init(m, g, &ws);
	for (pm_ix v = 0; v < g->n; v++) {
		pm_ix c = comp[v];
		if (!cyclic[c] || seen[c])
			continue;
		seen[c] = true;
		pm_cycle cy;
		pm_graph_cycle(g, comp, v, &ws, &cy);
		report(m, v, &cy, arg);
	}
}

static void step_report(pm_model *m, pm_ix start, const pm_cycle *cy, void *arg)
{
	pm_actx *cx = arg;
	step_loop(m, cx, cy, cx->step_comp[start]);
}

static void step_cycles(pm_model *m, pm_actx *cx)
{
	const pm_graph *g = &cx->steps;
	size_t n = (size_t)g->n + 1;
	cx->step_comp = pm_scratch(m, n * sizeof *cx->step_comp);
	bool *cyclic = pm_scratch(m, n);
	cx->step_order = pm_scratch(m, n * sizeof *cx->step_order);
	cx->proc_cyclic = pm_scratch(m, (size_t)m->processes.n + 1);
	memset(cx->proc_cyclic, 0, (size_t)m->processes.n + 1);
	cx->ncomp = pm_graph_scc(m, g, cx->step_comp, cx->step_order, cyclic);
	cx->comp_first = pm_scratch(m, ((size_t)cx->ncomp + 1) * sizeof *cx->comp_first);
	for (uint32_t i = g->n; i-- > 0;)
		cx->comp_first[cx->step_comp[cx->step_order[i]]] = i;
	cx->comp_first[cx->ncomp] = g->n;
	cx->comp_rounds = pm_scratch(m, ((size_t)cx->ncomp + 1) * sizeof *cx->comp_rounds);
	for (uint32_t c = 0; c < cx->ncomp; c++)
		cx->comp_rounds[c] = 1.0;
	cx->comp_loop = pm_scratch(m, (size_t)cx->ncomp + 1);
	memset(cx->comp_loop, PM_LOOP_NONE, (size_t)cx->ncomp + 1);
	each_cycle(m, g, cx->step_comp, cyclic, cx->ncomp, step_report, cx);
}

/* --- handoff-cycle ------------------------------------------------------------ */

/* The processes of each component: order[first[c] .. first[c + 1]). */
typedef struct proc_comps {
	const pm_ix *comp, *order, *first;
} proc_comps;

/* An ignore on any process of the loop silences it: the loop is as much
 * theirs as the first one's.  Every such ignore counts as used. */
static void ignore_anywhere(pm_model *m, pm_diag_rec *r, const proc_comps *pc,
                            pm_ix c)
{
	for (pm_ix i = pc->first[c]; i < pc->first[c + 1]; i++) {
		pm_ix p = pc->order[i];
		pm_ignore *ig = pm_ignore_find(m, "handoff-cycle", PM_KIND_PROCESS, p);
		if (!ig)
			continue;
		ig->used = true;
		if (!r->d.suppressed)
			r->d.suppressed = pm_str_get(m, ig->reason);
	}
}

static void handoff_report(pm_model *m, pm_ix first, const pm_cycle *cy, void *arg)
{
	const proc_comps *pc = arg;
	const pm_handoff *closing = &m->handoffs.v[cy->back[0]];
	pm_diag_rec *r = pm_finding_at(m, "handoff-cycle", PM_KIND_PROCESS, first,
	        arrow_loc(m, closing->arrow),
	        "hand-off cycle %s: work can loop between these processes forever; "
	        "remove the hand-off%s %s to break it, or ignore the rule on '%s' "
	        "if the loop is intended",
	        loop_text(m, cy, proc_name, "processes"), cy->nback > 1 ? "s" : "",
	        arrow_list(m, cy, handoff_text), pm_qualified_id(m, PM_KIND_PROCESS, first));
	if (!r)
		return;
	related_path(m, r, cy, PM_KIND_PROCESS);
	ignore_anywhere(m, r, pc, pc->comp[first]);
}

static void handoff_cycles(pm_model *m, pm_actx *cx)
{
	if (!pm_rule_on(m, "handoff-cycle"))
		return;
	const pm_graph *g = &cx->procs;
	pm_ix *comp = pm_scratch(m, ((size_t)g->n + 1) * sizeof *comp);
	pm_ix *order = pm_scratch(m, ((size_t)g->n + 1) * sizeof *order);
	bool *cyclic = pm_scratch(m, (size_t)g->n + 1);
	uint32_t ncomp = pm_graph_scc(m, g, comp, order, cyclic);
	pm_ix *first = pm_scratch(m, ((size_t)ncomp + 1) * sizeof *first);
	for (uint32_t i = g->n; i-- > 0;)
		first[comp[order[i]]] = i;
	first[ncomp] = g->n;
	proc_comps pc = { comp, order, first };
	each_cycle(m, g, comp, cyclic, ncomp, handoff_report, &pc);
}

void pm_pass_cycles(pm_model *m, pm_actx *cx)
{
	step_cycles(m, cx);
	handoff_cycles(m, cx);
}
