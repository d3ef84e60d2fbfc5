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

/* What the passes leave: metrics per process and person, critical paths
 * made of the process's own steps, shares and loads that are numbers. */
static inline void fz_check_analysis(const pm_model *m)
{
	const pm_analysis *an = &m->an;
	if (!an->done)
		return;
	FZ_CHECK(an->procs.n == m->processes.n && an->people.n == m->people.n);
	for (pm_ix i = 0; i < an->procs.n; i++) {
		const pm_proc_metrics *pm = &an->procs.v[i];
		FZ_CHECK((uint64_t)pm->crit_first + pm->crit_count <= an->crit_steps.n);
		for (pm_ix k = pm->crit_first; k < pm->crit_first + pm->crit_count; k++) {
			pm_ix s = an->crit_steps.v[k];
			FZ_CHECK(s < m->steps.n && m->steps.v[s].process == i);
		}
		FZ_CHECK(pm->bottleneck == PM_NONE ||
		         (pm->bottleneck < m->steps.n && m->steps.v[pm->bottleneck].process == i));
		FZ_CHECK(pm->bottleneck_share >= 0 && pm->bottleneck_share <= 1);
		if (pm->lead_status == PM_LEAD_OK)
			FZ_CHECK(pm->lead_s >= 0 && pm->work_s >= 0 && pm->work_s <= pm->lead_s);
	}
	for (pm_ix i = 0; i < an->people.n; i++) {
		const pm_person_metrics *pp = &an->people.v[i];
		FZ_CHECK(pp->load_s == pp->load_s && pp->load_s >= 0);   /* not NaN */
		FZ_CHECK(pp->utilisation == pp->utilisation);
	}
	FZ_CHECK(an->scratch.n == 0);   /* temporaries are gone */
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
	fz_check_analysis(m);
	fz_check_diags(m);
}

/* Every report format, written to /dev/null; returns the first failure. */
static inline pm_status fz_write_reports(pm_model *m)
{
	static const pm_report_format fmts[] = {
		PM_REPORT_TEXT, PM_REPORT_JSON, PM_REPORT_SARIF, PM_REPORT_MARKDOWN,
	};
	for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
		pm_status st = pm_model_write_report(m, fz_null(), fmts[i],
		                                     i == 0 ? PM_WRITE_COLOR : 0);
		if (st != PM_OK)
			return st;
	}
	return pm_model_write_diagnostics(m, fz_null(), 0);
}

/* The end every reader's pipeline shares, from a model loaded with status
 * `st`: resolve, analyse, check the invariants (not while replaying with a
 * failing allocation, when the model may be partial), write every report,
 * free the model.  Returns whether an allocation failed. */
static inline int fz_analyse_and_report(pm_model *m, pm_status st, int oom_run)
{
	if (st == PM_ERR_NOMEM)
		goto out;
	if ((st = pm_model_resolve(m)) == PM_ERR_NOMEM)
		goto out;
	if ((st = pm_model_analyze(m)) == PM_ERR_NOMEM)
		goto out;
	FZ_CHECK(st == PM_OK);
	if (!oom_run)
		fz_check_model(m, 1);
	st = fz_write_reports(m);
out:
	FZ_CHECK(st != PM_ERR_NOMEM || oom_run);
	FZ_CHECK(st != PM_ERR_IO && st != PM_ERR_USAGE);
	pm_model_free(m);
	return st == PM_ERR_NOMEM;
}

/* --- two models with the same content (fmt and convert round trips) ------ */

/* A model as a sorted list of records, one per element, arrow and ignore:
 * each names its element by path (not index) and holds its position among
 * its siblings and every attribute as written.  Writers may group elements
 * differently (YAML lists top-level processes apart from systems, arrows by
 * scope), so records are compared as a set; the position fields still catch
 * steps or processes that changed order within their parent.  Fields are
 * length-prefixed, so any bytes compare exactly.  Only libc allocates here,
 * so a pending injected failure cannot fire inside the comparison. */
typedef struct fz_recs {
	char **v;
	size_t n, cap;
	FILE *f;            /* the record being written */
	char *buf;
	size_t len;
} fz_recs;

static inline void fz_field(fz_recs *r, const char *s)
{
	fprintf(r->f, "%zu:", strlen(s));
	fputs(s, r->f);
}

/* A string field with its line breaks as "\n": .pmap writes CR, LF and
 * CRLF in a string all as the escape \n (it has no other), so YAML's "\r"
 * comes back as a line break by design. */
static inline void fz_sfield(fz_recs *r, const pm_model *m, pm_str s)
{
	const char *p = pm_str_get(m, s);
	size_t n = 0;
	for (const char *q = p; *q; q++)
		n += !(q[0] == '\r' && q[1] == '\n');
	fprintf(r->f, "%zu:", n);
	for (; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			continue;   /* the \n follows */
		fputc(*p == '\r' ? '\n' : *p, r->f);
	}
}

static inline void fz_begin(fz_recs *r, const char *kind)
{
	r->buf = NULL;
	r->len = 0;
	r->f = open_memstream(&r->buf, &r->len);
	if (!r->f)
		abort();
	fz_field(r, kind);
}

static inline void fz_end(fz_recs *r)
{
	fclose(r->f);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		if (!r->v)
			abort();
	}
	r->v[r->n++] = r->buf;
}

/* The path of a process or a step's process: system id (or "") and id. */
static inline void fz_proc_path(fz_recs *r, const pm_model *m, pm_ix p)
{
	const pm_process *pr = &m->processes.v[p];
	fz_field(r, pr->system == PM_NONE ? "" : pm_str_get(m, m->systems.v[pr->system].id));
	fz_sfield(r, m, pr->id);
}

static inline void fz_elem_path(fz_recs *r, const pm_model *m, pm_kind k, pm_ix i)
{
	switch (k) {
	case PM_KIND_SYSTEM: fz_sfield(r, m, m->systems.v[i].id); break;
	case PM_KIND_PERSON: fz_sfield(r, m, m->people.v[i].id); break;
	case PM_KIND_TOOL: fz_sfield(r, m, m->tools.v[i].id); break;
	case PM_KIND_PROCESS: fz_proc_path(r, m, i); break;
	default:
		fz_proc_path(r, m, m->steps.v[i].process);
		fz_sfield(r, m, m->steps.v[i].id);
		break;
	}
}

static inline void fz_pos(fz_recs *r, unsigned long pos)
{
	fprintf(r->f, "#%lu", pos);
}

static inline void fz_rec_people_tools(fz_recs *r, const pm_model *m)
{
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person *x = &m->people.v[i];
		fz_begin(r, "person");
		fz_pos(r, i);
		fz_sfield(r, m, x->id);
		fz_sfield(r, m, x->label);
		fz_sfield(r, m, x->description);
		fz_sfield(r, m, x->capacity_text);
		fz_end(r);
	}
	for (pm_ix i = 0; i < m->tools.n; i++) {
		const pm_tool *x = &m->tools.v[i];
		fz_begin(r, "tool");
		fz_pos(r, i);
		fz_sfield(r, m, x->id);
		fz_sfield(r, m, x->label);
		fz_sfield(r, m, x->description);
		fz_end(r);
	}
}

static inline void fz_rec_systems(fz_recs *r, const pm_model *m)
{
	for (pm_ix i = 0; i < m->systems.n; i++) {
		const pm_system *x = &m->systems.v[i];
		fz_begin(r, "system");
		fz_pos(r, i);
		fz_sfield(r, m, x->id);
		fz_sfield(r, m, x->label);
		fz_sfield(r, m, x->description);
		fz_sfield(r, m, x->owner.name);
		fz_end(r);
	}
	unsigned long top = 0;
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *x = &m->processes.v[i];
		fz_begin(r, "process");
		fz_pos(r, x->system == PM_NONE ? top++ : i - m->systems.v[x->system].proc_first);
		fz_proc_path(r, m, i);
		fz_sfield(r, m, x->label);
		fz_sfield(r, m, x->description);
		fz_sfield(r, m, x->trigger);
		fz_sfield(r, m, x->owner.name);
		fz_sfield(r, m, x->runs_text);
		fz_end(r);
	}
}

static inline void fz_rec_steps(fz_recs *r, const pm_model *m)
{
	for (pm_ix i = 0; i < m->steps.n; i++) {
		const pm_step *x = &m->steps.v[i];
		fz_begin(r, "step");
		fz_pos(r, i - m->processes.v[x->process].step_first);
		fz_elem_path(r, m, PM_KIND_STEP, i);
		fz_sfield(r, m, x->label);
		fz_sfield(r, m, x->description);
		fz_sfield(r, m, x->owner.name);
		fz_sfield(r, m, x->takes_text);
		fz_sfield(r, m, x->waits_text);
		for (pm_ix u = x->uses_first; u < x->uses_first + x->uses_count; u++)
			fz_sfield(r, m, m->uses.v[u].name);
		fz_end(r);
	}
}

static inline void fz_rec_arrows(fz_recs *r, const pm_model *m)
{
	for (pm_ix i = 0; i < m->arrows.n; i++) {
		const pm_arrow *x = &m->arrows.v[i];
		fz_begin(r, "arrow");
		if (x->scope_kind == PM_SCOPE_PROCESS)
			fz_proc_path(r, m, x->scope);
		else if (x->scope_kind == PM_SCOPE_SYSTEM)
			fz_sfield(r, m, m->systems.v[x->scope].id);
		fz_sfield(r, m, x->from.name);
		fz_sfield(r, m, x->to.name);
		fz_sfield(r, m, x->label);
		fz_end(r);
	}
	for (pm_ix i = 0; i < m->ignores.n; i++) {
		const pm_ignore *x = &m->ignores.v[i];
		fz_begin(r, "ignore");
		fprintf(r->f, "%d", (int)x->kind);
		fz_elem_path(r, m, x->kind, x->elem);
		fz_sfield(r, m, x->rule);
		fz_sfield(r, m, x->reason);
		fz_end(r);
	}
}

static inline int fz_rec_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static inline fz_recs fz_records(const pm_model *m)
{
	fz_recs r = { NULL, 0, 0, NULL, NULL, 0 };
	fz_begin(&r, "title");
	fz_sfield(&r, m, m->title);
	fz_end(&r);
	fz_rec_people_tools(&r, m);
	fz_rec_systems(&r, m);
	fz_rec_steps(&r, m);
	fz_rec_arrows(&r, m);
	qsort(r.v, r.n, sizeof *r.v, fz_rec_cmp);
	return r;
}

static inline void fz_records_free(fz_recs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
}

/* The models hold the same elements with the same attributes as written,
 * the same arrows and the same ignores (interned strings hold no NUL, so
 * records compare as C strings). */
static inline void fz_same_model(const pm_model *a, const pm_model *b)
{
	fz_recs ra = fz_records(a), rb = fz_records(b);
	size_t n = ra.n < rb.n ? ra.n : rb.n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ra.v[i], rb.v[i]) != 0) {
			fprintf(stderr, "models differ:\n  %s\n  %s\n", ra.v[i], rb.v[i]);
			FZ_CHECK(!"the same records");
		}
	FZ_CHECK(ra.n == rb.n);
	fz_records_free(&ra);
	fz_records_free(&rb);
}

/* Writes a model with one of the public writers into memory (malloc'd). */
static inline pm_status fz_write_mem(pm_model *m, pm_status (*w)(pm_model *, FILE *),
                                     char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	FILE *f = open_memstream(out, len);
	if (!f)
		abort();
	pm_status st = w(m, f);
	fclose(f);
	return st;
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
