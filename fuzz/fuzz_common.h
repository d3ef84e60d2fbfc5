/* fuzz_common.h — shared by the libFuzzer targets in fuzz/ (header-only so
 * each target stays one translation unit).
 *
 * Every target checks the model's invariants after each stage (indices in
 * range, runs contiguous, diagnostics located inside their file) and traps on
 * a violation, so a silent corruption is a crash the fuzzer keeps.  Each
 * input is also replayed once with the allocation that fails chosen from the
 * input's hash, which drives the out-of-memory paths (longjmp, cleanup) with
 * fuzzed models, not only with the samples of tests/test_oom.c. */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define FZ_CHECK(cond) ((cond) ? (void)0 : fz_fail(#cond, __FILE__, __LINE__))

static inline _Noreturn void fz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: model invariant violated: %s\n", file, line, what);
	__builtin_trap();
}

/* Output goes nowhere, but through real stdio so every byte is formatted. */
static inline FILE *fz_null(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static inline void fz_check_str(const pm_model *m, pm_str s)
{
	FZ_CHECK(s < m->strs.str.n);
	FZ_CHECK(strlen(pm_str_get(m, s)) <= pm_str_len(m, s));
}

static inline void fz_check_loc(const pm_model *m, pm_loc l)
{
	FZ_CHECK(l.file < m->files.n);
	FZ_CHECK(l.line >= 1 && l.col >= 1);
}

static inline void fz_check_ref(const pm_model *m, const pm_ref *r, uint32_t n)
{
	fz_check_str(m, r->name);
	FZ_CHECK(r->target == PM_NONE || r->target < n);
	if (r->name)
		fz_check_loc(m, r->loc);
}

static inline void fz_check_elements(const pm_model *m)
{
	for (pm_ix i = 0; i < m->people.n; i++) {
		fz_check_str(m, m->people.v[i].id);
		fz_check_loc(m, m->people.v[i].loc);
	}
	for (pm_ix i = 0; i < m->tools.n; i++) {
		fz_check_str(m, m->tools.v[i].id);
		fz_check_loc(m, m->tools.v[i].loc);
	}
	for (pm_ix i = 0; i < m->systems.n; i++) {
		const pm_system *s = &m->systems.v[i];
		fz_check_str(m, s->id);
		fz_check_loc(m, s->loc);
		fz_check_ref(m, &s->owner, m->people.n);
		FZ_CHECK((uint64_t)s->proc_first + s->proc_count <= m->processes.n);
		for (pm_ix p = s->proc_first; p < s->proc_first + s->proc_count; p++)
			FZ_CHECK(m->processes.v[p].system == i);
	}
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		fz_check_str(m, p->id);
		fz_check_str(m, p->trigger);
		fz_check_loc(m, p->loc);
		fz_check_ref(m, &p->owner, m->people.n);
		FZ_CHECK(p->system == PM_NONE || p->system < m->systems.n);
		FZ_CHECK((uint64_t)p->step_first + p->step_count <= m->steps.n);
		for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
			FZ_CHECK(m->steps.v[s].process == i);
	}
	for (pm_ix i = 0; i < m->steps.n; i++) {
		const pm_step *s = &m->steps.v[i];
		fz_check_str(m, s->id);
		fz_check_loc(m, s->loc);
		fz_check_ref(m, &s->owner, m->people.n);
		FZ_CHECK(s->process < m->processes.n);
		FZ_CHECK((uint64_t)s->uses_first + s->uses_count <= m->uses.n);
		for (pm_ix u = s->uses_first; u < s->uses_first + s->uses_count; u++)
			fz_check_ref(m, &m->uses.v[u], m->tools.n);
	}
}

static inline void fz_check_resolved(const pm_model *m)
{
	for (pm_ix i = 0; i < m->steps.n; i++)
		FZ_CHECK(m->steps.v[i].eff_owner == PM_NONE ||
		         m->steps.v[i].eff_owner < m->people.n);
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		FZ_CHECK((uint64_t)p->flow_first + p->flow_count <= m->flows.n);
		for (pm_ix f = p->flow_first; f < p->flow_first + p->flow_count; f++) {
			const pm_flow *fl = &m->flows.v[f];
			FZ_CHECK(fl->from < m->steps.n && m->steps.v[fl->from].process == i);
			FZ_CHECK(fl->to < m->steps.n && m->steps.v[fl->to].process == i);
			FZ_CHECK(fl->arrow == PM_NONE || fl->arrow < m->arrows.n);
			fz_check_str(m, fl->label);
		}
	}
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		FZ_CHECK(h->from_proc < m->processes.n && h->to_proc < m->processes.n);
		FZ_CHECK(h->from_step == PM_NONE ||
		         (h->from_step < m->steps.n &&
		          m->steps.v[h->from_step].process == h->from_proc));
		FZ_CHECK(h->to_step == PM_NONE ||
		         (h->to_step < m->steps.n &&
		          m->steps.v[h->to_step].process == h->to_proc));
		FZ_CHECK(h->arrow == PM_NONE || h->arrow < m->arrows.n);
		fz_check_str(m, h->label);
	}
}

/* Diagnostics: located ones point inside their file, messages are text. */
static inline void fz_check_diags(pm_model *m)
{
	size_t n = pm_model_diag_count(m);
	for (size_t i = 0; i < n; i++) {
		const pm_diag *d = pm_model_diag(m, i);
		FZ_CHECK(d && d->rule && d->message);
		FZ_CHECK(pm_severity_str(d->severity) != NULL);
		if (!d->file)
			continue;
		FZ_CHECK(d->line >= 1 && d->column >= 1);
		const pm_diag_rec *r = &m->diags.v[i];
		FZ_CHECK(r->file < m->files.n);
		size_t len;
		FZ_CHECK(pm_file_line(m, r->file, d->line, &len) != NULL);
	}
}

static inline void fz_check_model(pm_model *m, int resolved)
{
	fz_check_elements(m);
	if (resolved)
		fz_check_resolved(m);
	fz_check_diags(m);
}

/* FNV-1a: picks the allocation that fails in the out-of-memory replay. */
static inline uint64_t fz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3u;
	return h;
}

/*
 * Runs `pipeline` normally (it must succeed memory-wise), then again with
 * allocation number 1 + hash % count failing: the pipeline must report
 * PM_ERR_NOMEM somewhere and still free everything (LeakSanitizer checks).
 */
typedef int (*fz_pipeline)(const uint8_t *data, size_t size, int oom_run);

static inline void fz_run_with_oom(fz_pipeline run, const uint8_t *data, size_t size)
{
	pm_alloc_fail_after(0);
	run(data, size, 0);
	unsigned long count = pm_alloc_count();
	if (count == 0)
		return;
	pm_alloc_fail_after(1 + fz_hash(data, size) % count);
	int saw_nomem = run(data, size, 1);
	unsigned long left_over = pm_alloc_count();
	pm_alloc_fail_after(0);
	/* the failing allocation was reached, so some call must have said so */
	if (left_over >= 1 + fz_hash(data, size) % count)
		FZ_CHECK(saw_nomem);
}

#endif
