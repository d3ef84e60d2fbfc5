/* pass_owner.c — missing-owner: a system nobody owns, and a step nobody
 * answers for, even after inheriting the owner of its process and system
 * (an actor answers too).  When no step of a process has an owner, one
 * finding on the process stands for them all.  Quiet when the input has
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

/* Whether no (non-duplicate) step of the process has an owner. */
static bool none_owned(pm_model *m, const pm_process *p)
{
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (m->steps.v[s].eff_owner != PM_NONE)
			return false;
	return p->step_count > 1;
}

static void process_owners(pm_model *m, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->step_count == 0 || pm_is_duplicate(m, PM_KIND_PROCESS, proc))
		return;
	const char *chain = NULL;
	if (none_owned(m, p)) {
		pm_finding(m, "missing-owner", PM_KIND_PROCESS, proc,
		           "no step of process '%s' has an owner: %s; give the process "
		           "an owner, or its steps", pm_qualified_id(m, PM_KIND_PROCESS, proc),
		           p->system == PM_NONE ? "it names none" : "neither it nor its system names one");
		return;
	}
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (m->steps.v[s].eff_owner == PM_NONE && !pm_is_duplicate(m, PM_KIND_STEP, s)) {
			if (!chain)
				chain = chain_text(m, p, proc);
			pm_finding(m, "missing-owner", PM_KIND_STEP, s, "step '%s' has no owner: %s",
			           pm_qualified_id(m, PM_KIND_STEP, s), chain);
		}
}

void pm_pass_owner(pm_model *m, pm_actx *cx)
{
	if (!pm_rule_on(m, "missing-owner") || cx->input_errors)
		return;
	for (pm_ix i = 0; i < m->systems.n; i++)
		if (m->systems.v[i].owner.target == PM_NONE && !pm_is_duplicate(m, PM_KIND_SYSTEM, i))
			pm_finding(m, "missing-owner", PM_KIND_SYSTEM, i,
			           "system '%s' has no owner, so its processes and steps "
			           "inherit none", pm_str_get(m, m->systems.v[i].id));
	for (pm_ix proc = 0; proc < m->processes.n; proc++)
		process_owners(m, proc);
}
