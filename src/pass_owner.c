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

/* Every step of the process lacks an owner: one finding for all of them. */
static bool none_owned(const pm_model *m, const pm_process *p)
{
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (m->steps.v[s].eff_owner != PM_NONE)
			return false;
	return p->step_count > 1;
}

void pm_pass_owner(pm_model *m, pm_actx *cx)
{
	if (!pm_rule_on(m, "missing-owner") || cx->input_errors)
		return;
	for (pm_ix sys = 0; sys < m->systems.n; sys++)
		if (m->systems.v[sys].owner.name == 0 && !pm_is_duplicate(m, PM_KIND_SYSTEM, sys))
			pm_finding(m, "missing-owner", PM_KIND_SYSTEM, sys,
			           "system '%s' has no owner: nobody answers for its processes "
			           "as a whole; give it one with 'owner:'",
			           pm_str_get(m, m->systems.v[sys].id));
	for (pm_ix proc = 0; proc < m->processes.n; proc++) {
		const pm_process *p = &m->processes.v[proc];
		const char *chain = NULL;
		if (none_owned(m, p)) {
			pm_finding(m, "missing-owner", PM_KIND_PROCESS, proc,
			           "none of the %u steps of process '%s' has an owner, and "
			           "neither the process nor %s%s%s names one; give the process "
			           "an 'owner:'",
			           p->step_count, pm_qualified_id(m, PM_KIND_PROCESS, proc),
			           p->system == PM_NONE ? "a system" : "system '",
			           p->system == PM_NONE ? "" : pm_str_get(m, m->systems.v[p->system].id),
			           p->system == PM_NONE ? "" : "'");
			continue;
		}
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
