/* rules.c — the table of rules.  The loader and resolver rules come first,
 * then one row per analysis pass rule (see docs/rules.md). */
#include <string.h>

#include "rules.h"

const pm_rule_info pm_rules[] = {
	{ "syntax", PM_SEV_ERROR, 0, "the text is not valid .pmap or YAML" },
	{ "unknown-keyword", PM_SEV_ERROR, 0, "a statement starts with an unknown word" },
	{ "unknown-attribute", PM_SEV_ERROR, 0, "an attribute key is not known for the element" },
	{ "duplicate-attribute", PM_SEV_ERROR, 0, "an attribute is given twice on one element" },
	{ "misplaced-declaration", PM_SEV_ERROR, 0, "a declaration where its kind is not allowed" },
	{ "duplicate-id", PM_SEV_ERROR, 0, "two elements of one scope share an id" },
	{ "unknown-reference", PM_SEV_ERROR, 0, "a name that no declaration matches" },
	{ "bad-reference", PM_SEV_ERROR, 0, "a name that matches an element of the wrong kind" },
	{ "bad-value", PM_SEV_ERROR, 0, "a malformed duration, rate, capacity or string value" },
	{ "io", PM_SEV_ERROR, 0, "a file cannot be read or written" },
	{ "too-many-errors", PM_SEV_ERROR, 0, "the error limit was reached" },
	{ "config", PM_SEV_ERROR, 0, "the configuration file (.procmap.yaml) is invalid" },
	{ "orphan-process", PM_SEV_WARNING, 1, "a process that is not inside any system" },
	{ "unreachable-process", PM_SEV_WARNING, 1, "a process that nothing starts: no trigger, no incoming hand-off" },
	{ "disconnected-step", PM_SEV_WARNING, 1, "a step that no arrow reaches or leaves, or not reachable from the start" },
	{ "step-cycle", PM_SEV_ERROR, 1, "a cycle among the steps of one process" },
	{ "handoff-cycle", PM_SEV_WARNING, 1, "a cycle of hand-offs between processes" },
	{ "bottleneck-step", PM_SEV_WARNING, 1, "a step holding at least half of its process's lead time, or a wide join" },
	{ "overloaded-person", PM_SEV_WARNING, 1, "a person whose weekly load exceeds their capacity" },
	{ "missing-owner", PM_SEV_WARNING, 1, "a step with no owner even after inheritance" },
	{ "missing-duration", PM_SEV_INFO, 1, "a step without takes or waits where others have them" },
	{ "empty-system", PM_SEV_WARNING, 1, "a system with no processes" },
	{ "empty-process", PM_SEV_WARNING, 1, "a process with no steps" },
	{ "unused-person", PM_SEV_INFO, 1, "a person declared and never referenced" },
	{ "unused-tool", PM_SEV_INFO, 1, "a tool declared and never referenced" },
};

const size_t pm_nrules = sizeof pm_rules / sizeof *pm_rules;
/* pm_rule_bit() */
_Static_assert(sizeof pm_rules / sizeof *pm_rules <= 64, "more than 64 rules");

const pm_rule_info *pm_rule_find(const char *name, size_t len)
{
	for (size_t i = 0; i < pm_nrules; i++)
		if (strlen(pm_rules[i].name) == len &&
		    memcmp(pm_rules[i].name, name, len) == 0)
			return &pm_rules[i];
	return NULL;
}
