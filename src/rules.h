/* rules.h — every rule id procmap reports, with its default severity. */
#ifndef PM_RULES_H
#define PM_RULES_H

#include <stdint.h>

#include "procmap.h"

typedef struct pm_rule_info {
	const char *name;
	pm_severity severity;   /* default */
	int analysis;           /* 1: a finding that config and ignore: may change */
	const char *summary;
	unsigned kinds;         /* analysis rules: PM_RK() bits of the element
	                           kinds its findings are about (where an
	                           `ignore:` for it can sit); 0 for the others */
} pm_rule_info;

#define PM_RK(kind) (1u << (kind))
/* An actor is a person record (PM_KIND_PERSON) with rules of its own. */
#define PM_RK_ACTOR (1u << 5)
#define PM_RK_COUNT 6

/* The element kinds of PM_RK() bits, singular ("actor" for PM_RK_ACTOR)
 * and plural ("actors"). */
extern const char *const pm_rk_names[PM_RK_COUNT];
extern const char *const pm_rk_plurals[PM_RK_COUNT];

struct pm_model;
/* The PM_RK() bit of element i of a kind: PM_RK_ACTOR for an actor. */
unsigned pm_rk_of(const struct pm_model *m, pm_kind kind, uint32_t i);

extern const pm_rule_info pm_rules[];
extern const size_t pm_nrules;

/* The rule called `name` (len bytes), or NULL. */
const pm_rule_info *pm_rule_find(const char *name, size_t len);

/* A bit of its own for each rule (there are at most 64: rules.c checks),
 * for sets of rules such as the ignores of one element. */
static inline uint64_t pm_rule_bit(const pm_rule_info *r)
{
	return (uint64_t)1 << (r - pm_rules);
}

#endif
