/* pass_owner.c — missing-owner: a step nobody answers for, even after
 * inheriting the owner of its process and system.  Quiet when the input has
 * errors: the owner may be in the statement that failed. */
#include "analysis.h"

static const char *chain_text(pm_model *m, const pm_process *p, pm_ix proc)
{
	const char *pid = pm_qualified_id(m, PM_KIND_PROCESS, proc);
	if (p->system == PM_NONE)
		return pm_arena_printf(m, "neither the step nor process '%s' names one", pid);
	return pm_arena_printf(m, "neither the step, process '%s' nor system '%s' names one",
	                       pid, pm_str_get(m, m->systems.v[p->system].id));
}

void pm_pass_owner(pm_model *m, pm_actx *cx)
{
	if (!pm_rule_on(m, "missing-owner") || cx->input_errors)
		return;
	for (pm_ix proc = 0; proc < m->processes.n; proc++) {
		const pm_process *p = &m->processes.v[proc];
		const char *chain = NULL;
		for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++) {
			if (m->steps.v[s].eff_owner != PM_NONE)
				continue;
			if (!chain)
				chain = chain_text(m, p, proc);
			pm_finding(m, "missing-owner", PM_KIND_STEP, s, "step '%s' has no owner: %s",
			           pm_qualified_id(m, PM_KIND_STEP, s), chain);
		}
	}
}
