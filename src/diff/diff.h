/* diff.h — what changed between two analysed models (procmap diff), and
 * the fingerprints that match findings across runs (diff, check --baseline).
 *
 * pm_diff_compute() matches the elements of OLD and NEW in linear time:
 * hash tables keyed by qualified id, then, among what is left, a move (same
 * id and label under another parent) and a likely rename (same label and
 * parent, same neighbours, another id).  Children follow their parent: the
 * steps of a moved or renamed process are matched inside it.  The change set
 * refers to both models, which must outlive it. */
#ifndef PM_DIFF_H
#define PM_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "report.h"

typedef enum pm_change_what {
	PM_CH_ADDED,
	PM_CH_REMOVED,
	PM_CH_MOVED,        /* same id and label, another parent */
	PM_CH_RENAMED,      /* likely: another id, same label, parent, neighbours */
	PM_CH_ATTR,         /* an attribute changed: attr, before, after */
	PM_CH_METRIC,       /* a metric changed: attr, vbefore, vafter */
	PM_CH_FINDING_NEW,
	PM_CH_FINDING_FIXED
} pm_change_what;

/* Kinds a change is about: pm_kind, plus these. */
#define PM_DKIND_ACTOR 7
#define PM_DKIND_FINDING 8

typedef struct pm_change {
	pm_change_what what;
	unsigned kind;          /* pm_kind or PM_DKIND_* */
	pm_ix old_ix, new_ix;   /* PM_NONE on the side it is missing from */
	const char *old_id, *new_id;    /* qualified ids (NULL when missing) */
	const char *attr;       /* attribute or metric name (static) */
	const char *before, *after;     /* ATTR: as written, NULL when absent */
	double vbefore, vafter; /* METRIC: seconds, seconds/week or a 0..1 ratio;
	                           -1 when not computed */
	uint32_t children;      /* ADDED/REMOVED system: its processes */
	uint32_t steps;         /* ADDED/REMOVED system or process: its steps */
	const pm_diag *diag;    /* FINDING_*: in NEW (new) or OLD (fixed) */
} pm_change;

typedef struct pm_diff {
	pm_change *v;
	size_t n, cap;
	size_t unchanged_findings;
	size_t count[PM_CH_FINDING_FIXED + 1];
	bool nomem;
	/* The matching, per pm_kind up to PM_KIND_TOOL: old element i is new
	 * element omap[k][i] (PM_NONE: removed), nmap the other way round. */
	pm_ix *omap[5], *nmap[5];
} pm_diff;

/* Compares two analysed models.  Returns false when out of memory. */
bool pm_diff_compute(pm_diff *d, pm_model *old, pm_model *new_);
void pm_diff_release(pm_diff *d);
/* Whether anything about the model changed (elements, attributes, metrics
 * or findings). */
bool pm_diff_changed(const pm_diff *d);

/* The name of a kind for reports: "system", ..., "actor", "finding". */
const char *pm_diff_kind_name(unsigned kind);
/* "systems", ... for section titles. */
const char *pm_diff_kind_plural(unsigned kind);

typedef enum pm_diff_format {
	PM_DIFF_TEXT, PM_DIFF_JSON, PM_DIFF_MARKDOWN
} pm_diff_format;

/* Writes the change set; `old_name`/`new_name` say what was compared.
 * Write errors stay in the FILE; false when out of memory. */
bool pm_diff_write(const pm_diff *d, pm_model *old, pm_model *new_,
                   const char *old_name, const char *new_name,
                   FILE *out, pm_diff_format fmt, bool color);

/* One change as text, malloc'd (NULL when out of memory): the line
 * `procmap diff` prints ("~ step 'a.b.c': takes 30m -> 25m"), or with
 * `brief` only what changed ("takes 30m → 25m", "moved from a.b",
 * "added (2 steps)"). */
char *pm_diff_change_text(const pm_change *c, bool brief);
/* The last line of the text report ("6 added, 5 removed, …"), malloc'd. */
char *pm_diff_summary_text(const pm_diff *d);

#endif
