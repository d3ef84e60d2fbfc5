/* pass_empty.c — empty-system and empty-process: declared shells, usually
 * a map that was started and never finished.  Quiet when the input has
 * errors: the contents may be in the statements that failed. */
#include "analysis.h"

void pm_pass_empty(pm_model *m, pm_actx *cx)
{
	if (cx->input_errors)
		return;
	for (pm_ix s = 0; s < m->systems.n; s++)
		if (m->systems.v[s].proc_count == 0)
			pm_finding(m, "empty-system", PM_KIND_SYSTEM, s,
			           "system '%s' has no processes",
			           pm_qualified_id(m, PM_KIND_SYSTEM, s));
	for (pm_ix p = 0; p < m->processes.n; p++)
		if (m->processes.v[p].step_count == 0)
			pm_finding(m, "empty-process", PM_KIND_PROCESS, p,
			           "process '%s' has no steps",
			           pm_qualified_id(m, PM_KIND_PROCESS, p));
}
