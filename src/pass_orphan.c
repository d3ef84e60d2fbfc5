/* pass_orphan.c — orphan-process: a process that is not inside any system,
 * so no system owner answers for it and it shows up in no system's map. */
#include "analysis.h"

void pm_pass_orphan(pm_model *m, pm_actx *cx)
{
	(void)cx;
	if (!pm_rule_on(m, "orphan-process"))
		return;
	for (pm_ix p = 0; p < m->processes.n; p++) {
		if (m->processes.v[p].system != PM_NONE || pm_is_duplicate(m, PM_KIND_PROCESS, p))
			continue;
		pm_finding(m, "orphan-process", PM_KIND_PROCESS, p,
		           "process '%s' is not inside any system",
		           pm_qualified_id(m, PM_KIND_PROCESS, p));
	}
}
