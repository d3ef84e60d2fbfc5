/* pass_steps.c — disconnected-step, in processes with written arrows.
 *
 * A step that no arrow of its process reaches or leaves is not connected.
 * The others must be reachable from where the process starts: its steps
 * with outgoing arrows and no incoming ones, and any step another process
 * hands off to directly; when every step has an incoming arrow (all of it
 * loops), the first written connected step.  One BFS per process, linear
 * overall.  Quiet when the input has errors: the arrow that failed may be
 * the one that connects the step. */
#include <string.h>

#include "analysis.h"

typedef struct walk {
	const pm_graph *g;
	uint8_t *seen, *handoff_in;
	pm_ix *starts, *queue;
} walk;

static bool connected(const pm_graph *g, pm_ix s)
{
	return pm_graph_indeg(g, s) || pm_graph_outdeg(g, s);
}

/* The start steps of process p; returns their number. */
static uint32_t find_starts(const walk *w, const pm_process *p)
{
	uint32_t n = 0;
	pm_ix end = p->step_first + p->step_count;
	for (pm_ix s = p->step_first; s < end; s++)
		if (connected(w->g, s) &&
		    (pm_graph_indeg(w->g, s) == 0 || w->handoff_in[s]))
			w->starts[n++] = s;
	for (pm_ix s = p->step_first; n == 0 && s < end; s++)
		if (connected(w->g, s))
			w->starts[n++] = s;
	return n;
}

static const char *start_names(pm_model *m, const walk *w, uint32_t n)
{
	const char *text = pm_str_get(m, m->steps.v[w->starts[0]].id);
	for (uint32_t i = 1; i < n && i < 3; i++)
		text = pm_arena_printf(m, "%s, %s", text, pm_str_get(m, m->steps.v[w->starts[i]].id));
	return n > 3 ? pm_arena_printf(m, "%s and %u more", text, n - 3) : text;
}

static void check_process(pm_model *m, const walk *w, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	uint32_t n = find_starts(w, p);
	if (n)
		pm_graph_bfs(w->g, w->starts, n, w->seen, w->queue);
	const char *pid = pm_qualified_id(m, PM_KIND_PROCESS, proc);
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
		if (w->seen[s])
			continue;
		if (!connected(w->g, s))
			pm_finding(m, "disconnected-step", PM_KIND_STEP, s,
			           "step '%s' is not connected: no arrow of process '%s' "
			           "leads to or from it", pm_qualified_id(m, PM_KIND_STEP, s), pid);
		else
			pm_finding(m, "disconnected-step", PM_KIND_STEP, s,
			           "step '%s' is never reached: no path of arrows leads to it "
			           "from the start of process '%s' (%s)",
			           pm_qualified_id(m, PM_KIND_STEP, s), pid, start_names(m, w, n));
	}
}

void pm_pass_steps(pm_model *m, pm_actx *cx)
{
	if (!pm_rule_on(m, "disconnected-step") || cx->input_errors)
		return;
	size_t n = (size_t)m->steps.n + 1;
	walk w = { .g = &cx->steps };
	w.seen = pm_scratch(m, n);
	w.handoff_in = pm_scratch(m, n);
	w.starts = pm_scratch(m, n * sizeof *w.starts);
	w.queue = pm_scratch(m, n * sizeof *w.queue);
	memset(w.seen, 0, n);
	memset(w.handoff_in, 0, n);
	for (uint32_t h = 0; h < m->handoffs.n; h++)
		if (m->handoffs.v[h].to_step != PM_NONE)
			w.handoff_in[m->handoffs.v[h].to_step] = 1;
	for (pm_ix p = 0; p < m->processes.n; p++)
		if (m->processes.v[p].explicit_flow)
			check_process(m, &w, p);
}
