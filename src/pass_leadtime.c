/* pass_leadtime.c — lead time, critical path and work time per process;
 * bottleneck-step and missing-duration.
 *
 * A step weighs takes + waits (absent = 0).  The lead time is the heaviest
 * path through the process's step graph (its critical path), found by one
 * dynamic-programming sweep over pm_pass_cycles' order, in which every
 * step comes after its successors: down[v] = weight(v) + max down[succ].
 * Ties go to the first written step and the first written arrow.  A process
 * whose steps loop gets no lead time (PM_LEAD_CYCLE): there is no honest
 * number to give. */
#include <assert.h>
#include <string.h>

#include "analysis.h"

typedef struct sweep {
	int64_t *down;          /* heaviest path from the step to the end */
	pm_ix *next;            /* its next step on that path, PM_NONE at the end */
	pm_ix *mark;            /* pred dedup for joins */
} sweep;

static int64_t weight(const pm_step *s)
{
	return (s->takes_s > 0 ? s->takes_s : 0) + (s->waits_s > 0 ? s->waits_s : 0);
}

static bool has_duration(const pm_step *s)
{
	return s->takes_s >= 0 || s->waits_s >= 0;
}

static void longest_paths(pm_model *m, const pm_actx *cx, sweep *sw)
{
	const pm_graph *g = &cx->steps;
	for (uint32_t i = 0; i < g->n; i++) {
		pm_ix v = cx->step_order[i];
		if (cx->proc_cyclic[m->steps.v[v].process])
			continue;
		int64_t best = 0;
		pm_ix nx = PM_NONE;
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			pm_ix t = g->to[g->out[k]];
			if (nx == PM_NONE || sw->down[t] > best) {
				best = sw->down[t];
				nx = t;
			}
		}
		sw->down[v] = weight(&m->steps.v[v]) + best;
		sw->next[v] = nx;
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
		if (has_duration(&m->steps.v[s]))
			return PM_LEAD_OK;
	return PM_LEAD_NO_DATA;
}

/* The critical path starts at the heaviest step without predecessors. */
static pm_ix path_start(const pm_actx *cx, const sweep *sw, const pm_process *p)
{
	pm_ix best = PM_NONE;
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (pm_graph_indeg(&cx->steps, s) == 0 &&
		    (best == PM_NONE || sw->down[s] > sw->down[best]))
			best = s;
	return best;
}

static void measure(pm_model *m, const pm_actx *cx, const sweep *sw, pm_ix proc,
                    pm_proc_metrics *pm)
{
	memset(pm, 0, sizeof *pm);
	pm->lead_status = lead_status(m, cx, proc);
	pm->lead_s = pm->work_s = -1;
	pm->bottleneck = PM_NONE;
	pm->crit_first = m->an.crit_steps.n;
	if (pm->lead_status != PM_LEAD_OK)
		return;
	pm_ix s = path_start(cx, sw, &m->processes.v[proc]);
	pm->lead_s = sw->down[s];
	pm->work_s = 0;
	int64_t heaviest = 0;
	for (; s != PM_NONE; s = sw->next[s]) {
		const pm_step *st = &m->steps.v[s];
		*pm_vec_push(m, m->an.crit_steps) = s;
		pm->crit_count++;
		pm->work_s += st->takes_s > 0 ? st->takes_s : 0;
		if (weight(st) > heaviest) {
			heaviest = weight(st);
			pm->bottleneck = s;
		}
	}
	if (pm->lead_s > 0 && pm->bottleneck != PM_NONE)
		pm->bottleneck_share = (double)heaviest / (double)pm->lead_s;
}

/* --- findings ------------------------------------------------------------------ */

/* A message from its pieces, in the arena.  A big model has a hundred
 * thousand bottleneck steps, and printf was most of the time they took. */
typedef struct piece {
	const char *s;
	size_t n;
} piece;

#define MAX_PIECES 16   /* share_message() uses 15 at most */

typedef struct message {
	piece p[MAX_PIECES];
	size_t n, len;
} message;

static void add_n(message *msg, const char *s, size_t n)
{
	assert(msg->n < MAX_PIECES);
	msg->p[msg->n].s = s;
	msg->p[msg->n].n = n;
	msg->n++;
	msg->len += n;
}

static void add(message *msg, const char *s)
{
	add_n(msg, s, strlen(s));
}

static const char *message_text(pm_model *m, const message *msg)
{
	char *buf = pm_arena_alloc(m, msg->len + 1), *o = buf;
	for (size_t i = 0; i < msg->n; i++) {
		memcpy(o, msg->p[i].s, msg->p[i].n);
		o += msg->p[i].n;
	}
	*o = '\0';
	return buf;
}

/* "step 'ID' holds N% of the lead time of process 'P' (takes T and waits W
 * of L)", the detail naming only the parts the step has. */
static const char *share_message(pm_model *m, const char *sid, pm_ix proc,
                                 const pm_step *s, int pct, int64_t lead)
{
	char num[24], of[PM_DURATION_BUF], takes[PM_DURATION_BUF],
	     waits[PM_DURATION_BUF];
	message msg = { .n = 0, .len = 0 };
	add(&msg, "step '");
	add(&msg, sid);
	add(&msg, "' holds ");
	add_n(&msg, num, (size_t)(pm_put_decimal(num, pct > 0 ? (uint64_t)pct : 0) - num));
	add(&msg, "% of the lead time of process '");
	add(&msg, pm_qualified_id(m, PM_KIND_PROCESS, proc));
	add(&msg, "' (");
	bool both = s->takes_s > 0 && s->waits_s > 0;
	if (both || s->waits_s <= 0) {
		add(&msg, "takes ");
		add_n(&msg, takes, pm_duration_fmt(takes, s->takes_s));
	}
	if (both)
		add(&msg, " and ");
	if (s->waits_s > 0) {
		add(&msg, "waits ");
		add_n(&msg, waits, pm_duration_fmt(waits, s->waits_s));
	}
	add(&msg, " of ");
	add_n(&msg, of, pm_duration_fmt(of, lead));
	add(&msg, ")");
	return message_text(m, &msg);
}

static void share_findings(pm_model *m, pm_ix proc, const pm_proc_metrics *pm)
{
	const pm_process *p = &m->processes.v[proc];
	if (pm->lead_status != PM_LEAD_OK || pm->lead_s <= 0 ||
	    p->step_count < m->an.th.bottleneck_min_steps)
		return;
	for (pm_ix i = pm->crit_first; i < pm->crit_first + pm->crit_count; i++) {
		pm_ix s = m->an.crit_steps.v[i];
		const pm_step *st = &m->steps.v[s];
		double share = (double)weight(st) / (double)pm->lead_s;
		if (weight(st) == 0 || share < m->an.th.bottleneck_share)
			continue;
		/* the subject is the step's id, which the message quotes */
		const char *sid = pm_qualified_id(m, PM_KIND_STEP, s);
		pm_finding_msg(m, "bottleneck-step", PM_KIND_STEP, s, sid,
		               share_message(m, sid, proc, st, (int)(share * 100.0),
		                             pm->lead_s));
	}
}

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
	pm_diag_rec *r = pm_finding(m, "bottleneck-step", PM_KIND_STEP, s,
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

static void missing_durations(pm_model *m, pm_ix proc, const pm_proc_metrics *pm)
{
	const pm_process *p = &m->processes.v[proc];
	/* without a lead time there is nothing to understate; a loop is
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

void pm_pass_leadtime(pm_model *m, pm_actx *cx)
{
	size_t ns = (size_t)m->steps.n + 1;
	sweep sw;
	sw.down = pm_scratch(m, ns * sizeof *sw.down);
	sw.next = pm_scratch(m, ns * sizeof *sw.next);
	sw.mark = pm_scratch(m, ns * sizeof *sw.mark);
	pm_ix *preds = pm_scratch(m, ns * sizeof *preds);
	memset(sw.mark, 0xff, ns * sizeof *sw.mark);
	alloc_metrics(m);
	longest_paths(m, cx, &sw);
	bool bottleneck = pm_rule_on(m, "bottleneck-step");
	for (pm_ix p = 0; p < m->processes.n; p++) {
		pm_proc_metrics *pm = &m->an.procs.v[p];
		measure(m, cx, &sw, p, pm);
		if (bottleneck)
			share_findings(m, p, pm);
		if (!cx->input_errors)
			missing_durations(m, p, pm);
	}
	for (pm_ix s = 0; bottleneck && s < m->steps.n; s++)
		join_finding(m, cx, &sw, s, preds);
}
