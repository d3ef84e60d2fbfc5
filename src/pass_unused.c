/* pass_unused.c — unused-person, unused-actor and unused-tool: declared, never
 * referenced.  People are referenced as owners (of a system, process or
 * step), tools by `uses`.  Quiet when the input has errors: a misspelt
 * name was probably meant for the element that now looks unused. */
#include <string.h>

#include "analysis.h"

static void mark(uint8_t *used, pm_ix target)
{
	if (target != PM_NONE)
		used[target] = 1;
}

static void unused_people(pm_model *m, uint8_t *used)
{
	memset(used, 0, (size_t)m->people.n + 1);
	for (pm_ix i = 0; i < m->systems.n; i++)
		mark(used, m->systems.v[i].owner.target);
	for (pm_ix i = 0; i < m->processes.n; i++)
		mark(used, m->processes.v[i].owner.target);
	for (pm_ix i = 0; i < m->steps.n; i++)
		mark(used, m->steps.v[i].owner.target);
	bool person = pm_rule_on(m, "unused-person"), actor = pm_rule_on(m, "unused-actor");
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person *pe = &m->people.v[i];
		if (used[i] || pm_is_duplicate(m, PM_KIND_PERSON, i) ||
		    !(pe->actor ? actor : person))
			continue;
		pm_finding(m, pe->actor ? "unused-actor" : "unused-person", PM_KIND_PERSON, i,
		           "%s '%s' is never referenced: they own no system, process or step",
		           pe->actor ? "actor" : "person", pm_str_get(m, pe->id));
	}
}

static void unused_tools(pm_model *m, uint8_t *used)
{
	memset(used, 0, (size_t)m->tools.n + 1);
	for (pm_ix i = 0; i < m->uses.n; i++)
		mark(used, m->uses.v[i].target);
	for (pm_ix i = 0; i < m->tools.n; i++)
		if (!used[i])
			pm_finding(m, "unused-tool", PM_KIND_TOOL, i,
			           "tool '%s' is never used: no step lists it in 'uses'",
			           pm_str_get(m, m->tools.v[i].id));
}

void pm_pass_unused(pm_model *m, pm_actx *cx)
{
	size_t n = (m->people.n > m->tools.n ? m->people.n : m->tools.n) + (size_t)1;
	uint8_t *used = pm_scratch(m, n);
	if (cx->input_errors)
		return;
	if (pm_rule_on(m, "unused-person") || pm_rule_on(m, "unused-actor"))
		unused_people(m, used);
	if (pm_rule_on(m, "unused-tool"))
		unused_tools(m, used);
}
