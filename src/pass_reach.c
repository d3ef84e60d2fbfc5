/* pass_reach.c — unreachable-process: nothing ever starts the process.
 *
 * A process starts from its trigger or from a hand-off of another process
 * (one from itself does not count).  A process with neither is reported.
 * A BFS along hand-offs from every process that has a trigger or no
 * incoming hand-off then finds the rest: processes fed only by a loop of
 * processes that nothing enters.  Processes downstream of an unreachable
 * one are not reported again: fixing the first fixes them. */
#include <string.h>

#include "analysis.h"

static bool handed_work(const pm_graph *g, pm_ix p)
{
	for (pm_ix k = g->in_off[p]; k < g->in_off[p + 1]; k++)
		if (pm_graph_from(g, g->in[k]) != p)
			return true;
	return false;
}

void pm_pass_reach(pm_model *m, pm_actx *cx)
{
	/* a hand-off that failed to parse or resolve may be the one that
	 * starts it */
	if (!pm_rule_on(m, "unreachable-process") || cx->input_errors)
		return;
	const pm_graph *g = &cx->procs;
	pm_ix *starts = pm_scratch(m, ((size_t)g->n + 1) * sizeof *starts);
	pm_ix *queue = pm_scratch(m, ((size_t)g->n + 1) * sizeof *queue);
	uint8_t *seen = pm_scratch(m, (size_t)g->n + 1);
	memset(seen, 0, (size_t)g->n + 1);
	uint32_t nstarts = 0;
	for (pm_ix p = 0; p < g->n; p++) {
		bool trigger = m->processes.v[p].trigger != 0;
		bool fed = handed_work(g, p);
		if (trigger || !fed)
			starts[nstarts++] = p;
		if (!trigger && !fed)
			pm_finding(m, "unreachable-process", PM_KIND_PROCESS, p,
			           "process '%s' has no trigger and no other process "
			           "hands off to it: nothing ever starts it",
			           pm_qualified_id(m, PM_KIND_PROCESS, p));
	}
	pm_graph_bfs(g, starts, nstarts, seen, queue);
	for (pm_ix p = 0; p < g->n; p++)
		if (!seen[p])
			pm_finding(m, "unreachable-process", PM_KIND_PROCESS, p,
			           "process '%s' has no trigger and is only handed work "
			           "by a loop of processes that nothing starts",
			           pm_qualified_id(m, PM_KIND_PROCESS, p));
}
