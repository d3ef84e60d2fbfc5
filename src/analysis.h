/* analysis.h — the analysis passes and what they leave in the model
 * (internal).  Each pass is one src/pass_*.c file: it reads the model,
 * appends findings through pm_finding(), and never edits the model (only
 * m->an, its metrics).  pm_model_analyze() in analysis.c runs them in a
 * fixed order; config.c reads .procmap.yaml. */
#ifndef PM_ANALYSIS_H
#define PM_ANALYSIS_H

#include "graph.h"
#include "model.h"
#include "rules.h"

/* State the passes share while pm_model_analyze() runs (scratch memory). */
typedef struct pm_actx {
	pm_graph steps;         /* steps and their flows */
	pm_graph procs;         /* processes and their hand-offs */
	pm_ix *step_order;      /* steps component by component, successors'
	                           components first (set by pm_pass_cycles) */
	pm_ix *step_comp;       /* per step: its strongly connected component,
	                           numbered successors first */
	pm_ix *comp_start;      /* component c's steps: step_order[comp_start[c]
	                           .. comp_start[c + 1]) */
	uint32_t ncomp;
	bool *comp_loop;        /* per component: a loop (two steps or more, or
	                           an arrow back to itself) */
	double *step_visits;    /* per step: its visits each time work enters
	                           its component (1 outside rework loops); the
	                           memory of m->an.visits, which the lead-time
	                           pass writes over it process by process */
	bool *proc_trapped;     /* per process: it holds a trap (step-cycle) */
	pm_ix *ig_head[5];      /* per element kind: first ignore of an element */
	pm_ix *ig_next;         /* next ignore of the same element */
	/* The input has syntax or reference errors: a statement that failed may
	 * hold the trigger, arrow, owner or `uses` that is missing, so the rules
	 * that report something absent stay quiet rather than cascade
	 * (unreachable-process, disconnected-step, missing-owner,
	 * missing-duration, empty-*, unused-*). */
	bool input_errors;
} pm_actx;

/* Appends a finding of `rule` about an element (kind, idx), at the
 * element's location, applying the configured severity (nothing is added
 * when the rule is off) and any `ignore:` on the element.  Returns the
 * record (to add `related`), or NULL when the rule is off. */
pm_diag_rec *pm_finding(pm_model *m, const char *rule, pm_kind kind, pm_ix idx,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Like pm_finding(), located at `loc` instead of the element. */
pm_diag_rec *pm_finding_at(pm_model *m, const char *rule, pm_kind kind,
                           pm_ix idx, pm_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Like pm_finding(), with the message and the subject (the element's
 * qualified id) already written; both must live as long as the model (the
 * arena) and are not copied. */
pm_diag_rec *pm_finding_msg(pm_model *m, const char *rule, pm_kind kind,
                            pm_ix idx, const char *subject, const char *msg);
/* A finding's message written piece by piece, for the rules that report
 * by the ten thousand (long-wait): no printf, and none of the pieces (ids,
 * durations) left behind in the arena.  The text grows in scratch memory;
 * pm_msg_end() copies it to the arena and gives the scratch back. */
typedef struct pm_msg {
	pm_model *m;
	char *buf;
	size_t len, cap;
	uint32_t mark;
} pm_msg;
void pm_msg_start(pm_model *m, pm_msg *b);
void pm_msg_str(pm_msg *b, const char *s);
void pm_msg_int(pm_msg *b, int v);
/* The element's qualified id, as pm_qualified_id() writes it. */
void pm_msg_qid(pm_msg *b, pm_kind kind, pm_ix idx);
/* As pm_duration_str() writes it. */
void pm_msg_duration(pm_msg *b, int64_t secs);
const char *pm_msg_end(pm_msg *b);

/* Sets the related ids of a finding (copied into the arena). */
void pm_finding_related(pm_model *m, pm_diag_rec *r, const char *const *ids, size_t n);
/* The `ignore: RULE` on an element, or NULL. */
pm_ignore *pm_ignore_find(pm_model *m, const char *rule, pm_kind kind, pm_ix idx);
/* Whether `rule` is reported at all (its severity is not off). */
bool pm_rule_on(pm_model *m, const char *rule);

/* "off", "info", "warning", "error" → severity; false for anything else. */
bool pm_parse_level(const char *s, pm_severity *out);

/* Fills sev[] and th with the defaults, once (config and --rule come
 * after, analysis reads them). */
void pm_analysis_init(pm_model *m);

/* Memory that lives until pm_model_analyze() returns (also on OOM). */
void *pm_scratch(pm_model *m, size_t n);
uint32_t pm_scratch_mark(const pm_model *m);
void pm_scratch_pop(pm_model *m, uint32_t mark);
void pm_scratch_release(pm_model *m);

/* Whether an element lost its name to an earlier one (a duplicate-id
 * error): the passes skip it, as resolve did. */
bool pm_is_duplicate(pm_model *m, pm_kind kind, pm_ix i);

/* "1w2d3h", "45m", "0m": a duration for messages (arena). */
const char *pm_duration_str(pm_model *m, int64_t secs);
/* Holds any pm_duration_fmt() result: 4 numbers of up to 19 digits, their
 * units, a count of seconds and the NUL. */
#define PM_DURATION_BUF 104
/* The same text into buf, NUL-terminated; returns its length. */
size_t pm_duration_fmt(char buf[PM_DURATION_BUF], int64_t secs);
/* "37.5h", "30h": seconds as hours with at most two decimals (arena). */
const char *pm_hours_str(pm_model *m, double secs);

/* The passes, in the order pm_model_analyze() runs them.  pm_pass_cycles
 * comes first: it fills cx->step_order and cx->proc_cyclic. */
void pm_pass_cycles(pm_model *m, pm_actx *cx);     /* step-cycle, rework-loop,
                                                      handoff-cycle */
void pm_pass_orphan(pm_model *m, pm_actx *cx);     /* orphan-process */
void pm_pass_reach(pm_model *m, pm_actx *cx);      /* unreachable-process */
void pm_pass_steps(pm_model *m, pm_actx *cx);      /* disconnected-step */
void pm_pass_leadtime(pm_model *m, pm_actx *cx);   /* visits; long-wait, wide-join,
                                                      missing-duration */
void pm_pass_load(pm_model *m, pm_actx *cx);       /* overloaded-person,
                                                      bottleneck-step, missing-rate */
void pm_pass_owner(pm_model *m, pm_actx *cx);      /* missing-owner */
void pm_pass_empty(pm_model *m, pm_actx *cx);      /* empty-system, empty-process */
void pm_pass_unused(pm_model *m, pm_actx *cx);     /* unused-person, unused-actor,
                                                      unused-tool */

#endif
