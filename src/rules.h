/* rules.h — every rule id procmap reports, with its default severity. */
#ifndef PM_RULES_H
#define PM_RULES_H

#include "procmap.h"

typedef struct pm_rule_info {
	const char *name;
	pm_severity severity;   /* default */
	int analysis;           /* 1: a finding that config and ignore: may change */
	const char *summary;
} pm_rule_info;

extern const pm_rule_info pm_rules[];
extern const size_t pm_nrules;

/* The rule called `name` (len bytes), or NULL. */
const pm_rule_info *pm_rule_find(const char *name, size_t len);

#endif
