/* rules.c — the table of rules.  The loader and resolver rules come first,
 * then one row per analysis pass rule (see docs/rules.md). */
#include <string.h>

#include "model.h"
#include "rules.h"

const pm_rule_info pm_rules[] = {
	{ "syntax", PM_SEV_ERROR, 0, "the text is not valid .pmap or YAML", 0 },
	{ "unknown-keyword", PM_SEV_ERROR, 0, "a statement starts with an unknown word", 0 },
	{ "unknown-attribute", PM_SEV_ERROR, 0, "an attribute key is not known for the element", 0 },
	{ "duplicate-attribute", PM_SEV_ERROR, 0, "an attribute is given twice on one element", 0 },
	{ "misplaced-declaration", PM_SEV_ERROR, 0, "a declaration where its kind is not allowed", 0 },
	{ "duplicate-id", PM_SEV_ERROR, 0, "two elements of one scope share an id", 0 },
	{ "unknown-reference", PM_SEV_ERROR, 0, "a name that no declaration matches", 0 },
	{ "bad-reference", PM_SEV_ERROR, 0, "a name that matches an element of the wrong kind", 0 },
	{ "bad-value", PM_SEV_ERROR, 0, "a malformed duration, rate, capacity or string value", 0 },
	{ "io", PM_SEV_ERROR, 0, "a file cannot be read or written", 0 },
	{ "too-many-errors", PM_SEV_ERROR, 0, "the error limit was reached", 0 },
	{ "config", PM_SEV_ERROR, 0, "the configuration file (.procmap.yaml) is invalid", 0 },
	{ "bad-chance", PM_SEV_ERROR, 0, "choice arrows out of a step whose chances do not add up to 100%, or mixed with plain arrows", 0 },
	{ "misplaced-ignore", PM_SEV_WARNING, 0, "an ignore: for a rule whose findings are never about that kind of element, so it silences nothing", 0 },
	{ "orphan-process", PM_SEV_WARNING, 1, "a process that is not inside any system", PM_RK(PM_KIND_PROCESS) },
	{ "unreachable-process", PM_SEV_WARNING, 1, "a process that nothing starts: no trigger, no incoming hand-off", PM_RK(PM_KIND_PROCESS) },
	{ "disconnected-step", PM_SEV_WARNING, 1, "a step that no arrow reaches or leaves, or not reachable from the start", PM_RK(PM_KIND_STEP) },
	{ "step-cycle", PM_SEV_ERROR, 1, "a trap: a loop of steps that no arrow leaves, so the process can never finish", PM_RK(PM_KIND_PROCESS) },
	{ "rework-loop", PM_SEV_INFO, 1, "a loop of steps that work leaves again, with its expected number of rounds", PM_RK(PM_KIND_PROCESS) },
	{ "handoff-cycle", PM_SEV_WARNING, 1, "a cycle of hand-offs between processes", PM_RK(PM_KIND_PROCESS) },
	{ "bottleneck-step", PM_SEV_WARNING, 1, "the step where work queues: the most utilised owner's biggest step, at or above the utilisation threshold", PM_RK(PM_KIND_STEP) },
	{ "long-wait", PM_SEV_INFO, 1, "the longest wait of a process whose waits are at least half of its expected lead time", PM_RK(PM_KIND_STEP) },
	{ "wide-join", PM_SEV_INFO, 1, "a step that three or more steps lead into", PM_RK(PM_KIND_STEP) },
	{ "overloaded-person", PM_SEV_WARNING, 1, "a person whose weekly load exceeds their capacity", PM_RK(PM_KIND_PERSON) },
	{ "missing-rate", PM_SEV_INFO, 1, "a process with timed, owned work but no runs: its load counts as zero", PM_RK(PM_KIND_PROCESS) },
	{ "missing-owner", PM_SEV_WARNING, 1, "a system, or a step (a process when all its steps), with no owner", PM_RK(PM_KIND_SYSTEM) | PM_RK(PM_KIND_PROCESS) | PM_RK(PM_KIND_STEP) },
	{ "missing-duration", PM_SEV_INFO, 1, "a step without takes or waits where others have them", PM_RK(PM_KIND_STEP) },
	{ "empty-system", PM_SEV_WARNING, 1, "a system with no processes", PM_RK(PM_KIND_SYSTEM) },
	{ "empty-process", PM_SEV_WARNING, 1, "a process with no steps", PM_RK(PM_KIND_PROCESS) },
	{ "unused-person", PM_SEV_INFO, 1, "a person declared and never referenced", PM_RK(PM_KIND_PERSON) },
	{ "unused-actor", PM_SEV_INFO, 1, "an actor declared and never referenced", PM_RK_ACTOR },
	{ "unused-tool", PM_SEV_INFO, 1, "a tool declared and never referenced", PM_RK(PM_KIND_TOOL) },
};

const char *const pm_rk_names[PM_RK_COUNT] = {
	"system", "process", "step", "person", "tool", "actor",
};
const char *const pm_rk_plurals[PM_RK_COUNT] = {
	"systems", "processes", "steps", "people", "tools", "actors",
};

unsigned pm_rk_of(const pm_model *m, pm_kind kind, uint32_t i)
{
	if (kind == PM_KIND_PERSON && i < m->people.n && m->people.v[i].actor)
		return PM_RK_ACTOR;
	return PM_RK(kind);
}

const size_t pm_nrules = sizeof pm_rules / sizeof *pm_rules;
/* pm_rule_bit() */
_Static_assert(sizeof pm_rules / sizeof *pm_rules <= 64, "more than 64 rules");

const pm_rule_info *pm_rule_find(const char *name, size_t len)
{
	for (size_t i = 0; i < pm_nrules; i++)   /* every finding asks: first letters first */
		if (len && pm_rules[i].name[0] == name[0] &&
		    strncmp(pm_rules[i].name, name, len) == 0 && pm_rules[i].name[len] == '\0')
			return &pm_rules[i];
	return NULL;
}
