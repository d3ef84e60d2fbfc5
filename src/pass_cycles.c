/* pass_cycles.c — step-cycle, rework-loop and handoff-cycle.
 *
 * A loop of steps that some arrow leaves (a flow to a step outside it, or a
 * hand-off to another process) is a rework loop: work goes round it and
 * comes out.  Its expected rounds are 1 / (1 - q), q the chance of going
 * round once (the product of the chances along the loop shown); without
 * chances procmap counts one pass and says so.  A loop that no arrow leaves
 * is a trap (step-cycle): once in it the process never finishes.
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
#include <math.h>
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

/* --- step-cycle, rework-loop ------------------------------------------------- */

static void report_trap(pm_model *m, const pm_cycle *cy)
{
	pm_ix proc = m->steps.v[cy->path[0]].process;
	const pm_flow *closing = &m->flows.v[cy->back[0]];
	pm_diag_rec *r = pm_finding_at(m, "step-cycle", PM_KIND_PROCESS, proc,
	        arrow_loc(m, closing->arrow),
	        "cycle %s in process '%s' is a trap: no arrow leaves it, so the process can never finish once in it; "
	        "remove the arrow%s %s to break it",
	        loop_text(m, cy, step_name, "steps"),
	        pm_qualified_id(m, PM_KIND_PROCESS, proc), cy->nback > 1 ? "s" : "",
	        arrow_list(m, cy, flow_text));
	related_path(m, r, cy, PM_KIND_STEP);
}

/* The way out of component c: a flow to another component, else a hand-off
 * from one of its steps; its text, or NULL when there is none (a trap).
 * *from gets the step it leaves from. */
static const char *loop_exit(pm_model *m, const pm_graph *g, const pm_ix *comp,
                             const pm_ix *members, uint32_t n, pm_ix c, pm_ix *from)
{
	pm_ix best = PM_NONE;
	for (uint32_t i = 0; i < n; i++) {
		pm_ix v = members[i];
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++)
			if (comp[pm_graph_to(g, g->out[k])] != c &&
			    (best == PM_NONE || g->out[k] < best))
				best = g->out[k];
	}
	if (best != PM_NONE) {
		*from = m->flows.v[best].from;
		return flow_text(m, best);
	}
	return NULL;
}

/* The first flow from a to b, PM_NONE when none. */
static pm_ix flow_between(const pm_graph *g, pm_ix a, pm_ix b)
{
	for (pm_ix k = g->out_off[a]; k < g->out_off[a + 1]; k++)
		if (pm_graph_to(g, g->out[k]) == b)
			return g->out[k];
	return PM_NONE;
}

/* q, the chance of going round the loop shown once: the product of the
 * chances along it; -1 when no arrow of it has a chance. */
static double round_chance(const pm_model *m, const pm_graph *g, const pm_cycle *cy)
{
	double q = 1;
	bool any = false;
	for (uint32_t i = 0; i < cy->npath; i++) {
		pm_ix e = i + 1 < cy->npath ? flow_between(g, cy->path[i], cy->path[i + 1])
		                            : cy->back[0];
		double p = e == PM_NONE ? -1 : m->flows.v[e].chance;
		if (p >= 0) {
			q *= p;
			any = true;
		}
	}
	return any ? q : -1;
}

static void report_rework(pm_model *m, const pm_cycle *cy, const char *exit,
                          pm_ix exit_from, double q, double rounds)
{
	pm_ix proc = m->steps.v[cy->path[0]].process;
	const pm_flow *closing = &m->flows.v[cy->back[0]];
	const char *how = q >= 0 && q < 1
		? pm_arena_printf(m, "about %s rounds, counted in lead time and load",
		                  pm_decimal_str(m, rounds))
		: pm_arena_printf(m, "counted as one pass; give the arrows out of '%s' "
		                  "chances, e.g. 30%% back into the loop, to count the rework",
		                  step_name(m, exit_from));
	pm_diag_rec *r = pm_finding_at(m, "rework-loop", PM_KIND_PROCESS, proc,
	        arrow_loc(m, closing->arrow),
	        "rework loop %s in process '%s', left by '%s': %s",
	        loop_text(m, cy, step_name, "steps"),
	        pm_qualified_id(m, PM_KIND_PROCESS, proc), exit, how);
	related_path(m, r, cy, PM_KIND_STEP);
}

/* A hand-off out of one of the component's steps, as text. */
static const char *handoff_exit(pm_model *m, const pm_ix *comp, pm_ix c, pm_ix *from)
{
	for (pm_ix e = 0; e < m->handoffs.n; e++) {
		const pm_handoff *h = &m->handoffs.v[e];
		if (h->from_step != PM_NONE && comp[h->from_step] == c) {
			*from = h->from_step;
			return pm_arena_printf(m, "%s -> %s", step_name(m, h->from_step),
			                       handoff_end(m, h->to_proc, h->to_step));
		}
	}
	return NULL;
}

/* Visits the cyclic components in the written order of their first node. */
static void each_cycle(pm_model *m, const pm_graph *g, const pm_ix *comp,
                       const bool *cyclic, uint32_t ncomp,
                       void (*report)(pm_model *m, pm_ix start, const pm_cycle *cy,
                                      void *arg),
                       void *arg)
{
	uint32_t mark = pm_scratch_mark(m);
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
	pm_scratch_pop(m, mark);
}

/* What one_loop() needs besides the loop. */
typedef struct loops {
	pm_actx *cx;
	const pm_ix *cstart;    /* each component's steps in cx->step_order */
	const bool *handoff_out;    /* per component: a hand-off leaves it */
	const bool *handoff_in;     /* per step: a hand-off leads to it */
	bool trap_on, rework_on;
} loops;

/* The biggest loop whose visits are solved exactly; a bigger one counts
 * each of its steps as often as it is started (docs/rules.md). */
#define LOOP_SOLVE 128

/* Where step t is in members[] (it is there: the loop has at most
 * LOOP_SOLVE steps, so a scan is cheaper than a table a step). */
static pm_ix member_index(const pm_ix *members, pm_ix n, pm_ix t)
{
	pm_ix i = 0;
	while (i + 1 < n && members[i] != t)
		i++;
	return i;
}

/* Visits of each step of a rework loop per time work enters it: f = e +
 * Pᵀf over its n steps, e where work enters (the steps an arrow or a
 * hand-off from outside leads to, shared equally; else the first written),
 * P the chances of the arrows inside it (1 for a plain one).  Gaussian
 * elimination with partial pivoting; false when the system has no sensible
 * solution (a loop of plain arrows: work would go round for ever). */
static bool loop_visits(pm_model *m, const loops *L, const pm_ix *members, pm_ix n,
                        pm_ix c, double *f)
{
	const pm_graph *g = &L->cx->steps;
	const pm_ix *comp = L->cx->step_comp;
	size_t w = (size_t)n + 1;
	double *a = pm_scratch(m, (size_t)n * w * sizeof *a);
	memset(a, 0, (size_t)n * w * sizeof *a);
	pm_ix first = 0, entries = 0;
	for (pm_ix i = 0; i < n; i++)
		if (members[i] < members[first])
			first = i;
	for (pm_ix i = 0; i < n; i++) {
		pm_ix v = members[i];
		a[i * w + i] = 1;
		bool in = L->handoff_in[v];
		for (pm_ix k = g->in_off[v]; k < g->in_off[v + 1]; k++)
			in = in || comp[pm_graph_from(g, g->in[k])] != c;
		if (in) {
			a[i * w + n] = 1;
			entries++;
		}
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			pm_ix e = g->out[k], t = pm_graph_to(g, e);
			if (comp[t] != c)
				continue;
			double p = m->flows.v[e].chance;
			a[(size_t)member_index(members, n, t) * w + i] -= p >= 0 ? p : 1;
		}
	}
	if (entries == 0) {
		a[first * w + n] = 1;
		entries = 1;
	}
	for (pm_ix i = 0; i < n; i++)
		a[i * w + n] /= entries;
	for (pm_ix col = 0; col < n; col++) {
		pm_ix piv = col;
		for (pm_ix r = col + 1; r < n; r++)
			if (fabs(a[r * w + col]) > fabs(a[piv * w + col]))
				piv = r;
		if (fabs(a[piv * w + col]) < 1e-9)
			return false;
		if (piv != col)
			for (size_t k = col; k < w; k++) {
				double t = a[col * w + k];
				a[col * w + k] = a[piv * w + k];
				a[piv * w + k] = t;
			}
		for (pm_ix r = 0; r < n; r++) {
			double q = a[r * w + col] / a[col * w + col];
			if (r == col || q == 0)
				continue;
			for (size_t k = col; k < w; k++)
				a[r * w + k] -= q * a[col * w + k];
		}
	}
	for (pm_ix i = 0; i < n; i++) {
		double x = a[i * w + n] / a[i * w + i];
		if (!(x >= -1e-9 && x <= 1e6))
			return false;
		f[i] = x < 0 ? 0 : x;
	}
	return true;
}

/* Sets the visits per entry of the loop's steps (cx->step_visits) and its
 * rounds; q is the chance of going round the loop shown once. */
static double loop_rounds(pm_model *m, const loops *L, pm_ix c, double q)
{
	pm_actx *cx = L->cx;
	const pm_ix *members = cx->step_order + L->cstart[c];
	pm_ix n = L->cstart[c + 1] - L->cstart[c];
	double rounds = 1 / (1 - q);
	if (n <= LOOP_SOLVE) {
		uint32_t mark = pm_scratch_mark(m);
		double *f = pm_scratch(m, (size_t)n * sizeof *f);
		bool ok = loop_visits(m, L, members, n, c, f);
		if (ok) {
			/* the rounds: how often the step work enters at is done */
			rounds = 0;
			for (pm_ix i = 0; i < n; i++) {
				cx->step_visits[members[i]] = f[i];
				if (f[i] > rounds)
					rounds = f[i];
			}
		}
		pm_scratch_pop(m, mark);
		if (ok)
			return rounds;
	}
	for (pm_ix i = 0; i < n; i++)
		cx->step_visits[members[i]] = rounds;
	return rounds;
}

/* A loop with a way out is rework, one without a trap. */
static void one_loop(pm_model *m, pm_ix v, const pm_cycle *cy, void *arg)
{
	const loops *L = arg;
	pm_actx *cx = L->cx;
	const pm_graph *g = &cx->steps;
	const pm_ix *comp = cx->step_comp;
	pm_ix c = comp[v], from = PM_NONE;
	const char *exit = loop_exit(m, g, comp, cx->step_order + L->cstart[c],
	                             L->cstart[c + 1] - L->cstart[c], c, &from);
	if (!exit && L->handoff_out[c])
		exit = handoff_exit(m, comp, c, &from);
	if (!exit) {
		cx->proc_trapped[m->steps.v[v].process] = true;
		if (L->trap_on)
			report_trap(m, cy);
		return;
	}
	double q = round_chance(m, g, cy), rounds = 1;
	if (q >= 0 && q < 1)
		rounds = loop_rounds(m, L, c, q);
	if (L->rework_on)
		report_rework(m, cy, exit, from, q, rounds);
}

static void step_cycles(pm_model *m, pm_actx *cx)
{
	const pm_graph *g = &cx->steps;
	size_t n1 = (size_t)g->n + 1;
	pm_ix *comp = pm_scratch(m, n1 * sizeof *comp);
	bool *cyclic = pm_scratch(m, n1);
	cx->step_order = pm_scratch(m, n1 * sizeof *cx->step_order);
	cx->step_comp = comp;
	cx->comp_loop = cyclic;
	cx->proc_trapped = pm_scratch(m, (size_t)m->processes.n + 1);
	memset(cx->proc_trapped, 0, (size_t)m->processes.n + 1);
	uint32_t ncomp = pm_graph_scc(m, g, comp, cx->step_order, cyclic);
	/* the lead-time pass turns these into the model's visits in place */
	m->an.visits.v = pm_xmalloc(m, n1 * sizeof *m->an.visits.v);
	m->an.visits.cap = (uint32_t)n1;
	m->an.visits.n = m->steps.n;
	cx->step_visits = m->an.visits.v;
	for (size_t s = 0; s < n1; s++)
		cx->step_visits[s] = 1;
	/* where each component's steps start in order[] (they are together) */
	pm_ix *cstart = pm_scratch(m, ((size_t)ncomp + 1) * sizeof *cstart);
	for (uint32_t i = g->n; i-- > 0;)
		cstart[comp[cx->step_order[i]]] = i;
	cstart[ncomp] = g->n;
	cx->comp_start = cstart;
	cx->ncomp = ncomp;
	/* components with a hand-off out of them, steps with one into them,
	 * without a quadratic search (given back: only loops need them) */
	uint32_t mark = pm_scratch_mark(m);
	bool *handoff_out = pm_scratch(m, (size_t)ncomp + 1);
	bool *handoff_in = pm_scratch(m, n1);
	memset(handoff_out, 0, (size_t)ncomp + 1);
	memset(handoff_in, 0, n1);
	for (pm_ix e = 0; e < m->handoffs.n; e++) {
		if (m->handoffs.v[e].from_step != PM_NONE)
			handoff_out[comp[m->handoffs.v[e].from_step]] = true;
		if (m->handoffs.v[e].to_step != PM_NONE)
			handoff_in[m->handoffs.v[e].to_step] = true;
	}
	loops L = { cx, cstart, handoff_out, handoff_in, pm_rule_on(m, "step-cycle"),
	            pm_rule_on(m, "rework-loop") };
	each_cycle(m, g, comp, cyclic, ncomp, one_loop, &L);
	pm_scratch_pop(m, mark);
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
	uint32_t mark = pm_scratch_mark(m);
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
	pm_scratch_pop(m, mark);
}

void pm_pass_cycles(pm_model *m, pm_actx *cx)
{
	step_cycles(m, cx);
	handoff_cycles(m, cx);
}
