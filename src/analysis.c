/* analysis.c — the pm_model_analyze() driver, findings, ignores, rule
 * severities (--rule) and the shared helpers of the passes. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "report.h"

/* --- configuration ------------------------------------------------------------ */

void pm_analysis_init(pm_model *m)
{
	if (m->an.inited)
		return;
	/* sev[] has room for 64 rows; rules.c has far fewer */
	for (size_t i = 0; i < pm_nrules && i < 64; i++)
		m->an.sev[i] = pm_rules[i].severity;
	m->an.th.bottleneck_utilisation = 0.85;
	m->an.th.join_fan_in = 3;
	m->an.th.utilisation = 1.0;
	m->an.inited = true;
}

bool pm_parse_level(const char *s, pm_severity *out)
{
	static const char *const names[] = { "off", "info", "warning", "error" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (pm_severity)i;
			return true;
		}
	return false;
}

pm_status pm_model_set_rule(pm_model *m, const char *assignment)
{
	if (!m || !assignment)
		return PM_ERR_USAGE;
	const char *eq = strchr(assignment, '=');
	if (!eq)
		return PM_ERR_USAGE;
	const pm_rule_info *ri = pm_rule_find(assignment, (size_t)(eq - assignment));
	pm_severity sev;
	if (!ri || !ri->analysis || !pm_parse_level(eq + 1, &sev))
		return PM_ERR_USAGE;
	pm_analysis_init(m);
	m->an.sev[ri - pm_rules] = sev;
	return PM_OK;
}

/* --- scratch memory ----------------------------------------------------------- */

/* Scratch memory is a stack: a pass or a helper takes the mark, allocates,
 * and gives back what it took since, so its temporaries do not add up to
 * the peak of the passes after it.  The stack lives in a few big chunks
 * (one, when the estimate from the counts holds): memory given back is
 * reused by the next allocation, pages already touched, where a free and a
 * malloc of a big block would fault in fresh ones.  Under AddressSanitizer
 * the free part of a chunk is poisoned, so an overrun is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define PM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PM_ASAN 1
#endif
#endif
#ifdef PM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SCRATCH_ALIGN 16
#define SCRATCH_MIN ((size_t)64 << 10)

/* A chunk with room for n bytes: the current one, an empty one after it
 * (the stack was popped below it), or a new one. */
static pm_scratch_chunk *scratch_chunk(pm_model *m, size_t n)
{
	pm_analysis *an = &m->an;
	for (uint32_t j = an->scratch_cur; j < an->scratch.n; j++)
		if (an->scratch.v[j].cap - an->scratch.v[j].used >= n) {
			an->scratch_cur = j;
			return &an->scratch.v[j];
		}
	size_t cap = an->scratch_hint > n ? an->scratch_hint : n;
	cap = cap > SCRATCH_MIN ? cap : SCRATCH_MIN;
	pm_scratch_chunk *ch = pm_vec_push(m, an->scratch);
	*ch = (pm_scratch_chunk){ NULL, 0, 0, 0 };   /* nothing to free if it fails */
	ch->base = pm_xmalloc(m, cap);
	ch->cap = cap;
	POISON(ch->base, cap);
	an->scratch_cur = an->scratch.n - 1;
	return ch;
}

void *pm_scratch(pm_model *m, size_t n)
{
	pm_analysis *an = &m->an;
	size_t want = n ? n : 1;
	size_t size = (want + SCRATCH_ALIGN - 1) & ~(size_t)(SCRATCH_ALIGN - 1);
	if (size < want || pm_alloc_injected())
		pm_oom(m);
	pm_scratch_rec *rec = pm_vec_push(m, an->scratch_recs);
	pm_scratch_chunk *ch = scratch_chunk(m, size);
	rec->chunk = an->scratch_cur;
	rec->used = ch->used;
	void *p = ch->base + ch->used;
	ch->used += size;
	if (ch->used > ch->touched)
		ch->touched = ch->used;
	UNPOISON(p, want);
	return p;
}

/* What a pass popped stays in memory as long as the chunk lives, and
 * the check's peak comes late, when the lead-time and load passes have
 * added the findings: the cycles pass's temporaries (Tarjan's and the
 * loops' tables: 20 MB at a million steps) would still count in it.  So
 * a big enough popped tail is given back; the pass that needs it next
 * takes fresh pages (a few huge-page faults). */
#define SCRATCH_GIVE_BACK ((size_t)8 << 20)

static void give_back(pm_scratch_chunk *ch)
{
	if (ch->touched - ch->used < SCRATCH_GIVE_BACK)
		return;
	pm_pages_release(ch->base + ch->used, ch->touched - ch->used);
	ch->touched = ch->used;
}

uint32_t pm_scratch_mark(const pm_model *m)
{
	return m->an.scratch_recs.n;
}

void pm_scratch_pop(pm_model *m, uint32_t mark)
{
	pm_analysis *an = &m->an;
	if (mark >= an->scratch_recs.n)
		return;
	const pm_scratch_rec *rec = &an->scratch_recs.v[mark];
	for (uint32_t j = rec->chunk + 1; j <= an->scratch_cur; j++) {
		POISON(an->scratch.v[j].base, an->scratch.v[j].cap);
		an->scratch.v[j].used = 0;
		give_back(&an->scratch.v[j]);
	}
	pm_scratch_chunk *ch = &an->scratch.v[rec->chunk];
	POISON(ch->base + rec->used, ch->cap - rec->used);
	ch->used = rec->used;
	give_back(ch);
	an->scratch_cur = rec->chunk;
	an->scratch_recs.n = mark;
}

void pm_scratch_release(pm_model *m)
{
	pm_analysis *an = &m->an;
	for (uint32_t i = 0; i < an->scratch.n; i++) {
		if (an->scratch.v[i].base)
			UNPOISON(an->scratch.v[i].base, an->scratch.v[i].cap);
		pm_xfree(an->scratch.v[i].base);
	}
	pm_vec_free(an->scratch);
	pm_vec_free(an->scratch_recs);
	an->scratch_cur = 0;
}

/* What the passes hold at most, from the counts (bytes): the graphs, the
 * per-step tables of the cycles pass and the largest pass's temporaries.
 * Too little only costs another chunk. */
static size_t scratch_estimate(const pm_model *m)
{
	size_t ns = m->steps.n, nf = m->flows.n, np = m->processes.n, nh = m->handoffs.n;
	return 64 * ns + 16 * nf + 40 * np + 16 * nh + 8 * (size_t)m->ignores.n +
	       SCRATCH_MIN;
}

/* --- findings ----------------------------------------------------------------- */

bool pm_rule_on(pm_model *m, const char *rule)
{
	const pm_rule_info *ri = pm_rule_find(rule, strlen(rule));
	return ri && m->an.sev[ri - pm_rules] != PM_SEV_OFF;
}

pm_ignore *pm_ignore_find(pm_model *m, const char *rule, pm_kind kind, pm_ix idx)
{
	pm_actx *cx = m->an.cx;
	if (!cx || kind > PM_KIND_TOOL || !cx->ig_head[kind])
		return NULL;
	for (pm_ix i = cx->ig_head[kind][idx]; i != PM_NONE; i = cx->ig_next[i])
		if (strcmp(pm_str_get(m, m->ignores.v[i].rule), rule) == 0)
			return &m->ignores.v[i];
	return NULL;
}

/* The rule's record and its severity; NULL when the rule is off. */
static const pm_rule_info *active_rule(pm_model *m, const char *rule,
                                       pm_severity *sev)
{
	const pm_rule_info *ri = pm_rule_find(rule, strlen(rule));
	*sev = m->an.sev[ri - pm_rules];
	return *sev == PM_SEV_OFF ? NULL : ri;
}

/* Gives a new finding its subject and applies an `ignore:` on the element. */
static pm_diag_rec *finish_finding(pm_model *m, pm_diag_rec *r,
                                   const pm_rule_info *ri, pm_kind kind,
                                   pm_ix idx, const char *subject)
{
	pm_ignore *ig = pm_ignore_find(m, ri->name, kind, idx);
	r->d.subject = subject;
	if (ig) {
		r->d.suppressed = pm_str_get(m, ig->reason);
		ig->used = true;
	}
	return r;
}

static pm_diag_rec *finding_v(pm_model *m, const char *rule, pm_kind kind,
                              pm_ix idx, pm_loc loc, const char *fmt, va_list ap)
{
	pm_severity sev;
	const pm_rule_info *ri = active_rule(m, rule, &sev);
	if (!ri)
		return NULL;
	const char *subject = pm_qualified_id(m, kind, idx);
	pm_diag_rec *r = pm_diag_addv(m, sev, ri->name, loc, fmt, ap);
	return finish_finding(m, r, ri, kind, idx, subject);
}

pm_diag_rec *pm_finding_msg(pm_model *m, const char *rule, pm_kind kind,
                            pm_ix idx, const char *subject, const char *msg)
{
	pm_severity sev;
	const pm_rule_info *ri = active_rule(m, rule, &sev);
	if (!ri)
		return NULL;
	pm_diag_rec *r = pm_diag_add_msg(m, sev, ri->name, pm_elem_loc(m, kind, idx), msg);
	return finish_finding(m, r, ri, kind, idx, subject);
}

pm_diag_rec *pm_finding(pm_model *m, const char *rule, pm_kind kind, pm_ix idx,
                        const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pm_diag_rec *r = finding_v(m, rule, kind, idx, pm_elem_loc(m, kind, idx), fmt, ap);
	va_end(ap);
	return r;
}

pm_diag_rec *pm_finding_at(pm_model *m, const char *rule, pm_kind kind,
                           pm_ix idx, pm_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pm_diag_rec *r = finding_v(m, rule, kind, idx, loc, fmt, ap);
	va_end(ap);
	return r;
}

void pm_finding_related(pm_model *m, pm_diag_rec *r, const char *const *ids, size_t n)
{
	if (!r || n == 0)
		return;
	const char **copy = pm_arena_alloc(m, n * sizeof *copy);
	memcpy(copy, ids, n * sizeof *copy);
	r->d.related = copy;
	r->d.nrelated = n;
}

/* --- messages ------------------------------------------------------------------ */

void pm_msg_start(pm_model *m, pm_msg *b)
{
	b->m = m;
	b->mark = pm_scratch_mark(m);
	b->cap = 256;
	b->buf = pm_scratch(m, b->cap);
	b->len = 0;
}

static void msg_put(pm_msg *b, const char *s, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap;
		while (cap - b->len < n)
			cap *= 2;
		char *buf = pm_scratch(b->m, cap);   /* popped by pm_msg_end() */
		memcpy(buf, b->buf, b->len);
		b->buf = buf;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

void pm_msg_str(pm_msg *b, const char *s)
{
	msg_put(b, s, strlen(s));
}

void pm_msg_int(pm_msg *b, int v)
{
	char tmp[24], *o = tmp;
	if (v < 0)
		*o++ = '-';
	o = pm_put_decimal(o, v < 0 ? 0 - (uint64_t)(int64_t)v : (uint64_t)v);
	msg_put(b, tmp, (size_t)(o - tmp));
}

void pm_msg_qid(pm_msg *b, pm_kind kind, pm_ix idx)
{
	pm_str parts[3];
	unsigned n = pm_qid_parts(b->m, kind, idx, parts);
	for (unsigned k = 0; k < n; k++) {
		if (k)
			msg_put(b, ".", 1);
		msg_put(b, pm_str_get(b->m, parts[k]), pm_str_len(b->m, parts[k]));
	}
}

void pm_msg_duration(pm_msg *b, int64_t secs)
{
	char buf[PM_DURATION_BUF];
	msg_put(b, buf, pm_duration_fmt(buf, secs));
}

const char *pm_msg_end(pm_msg *b)
{
	const char *s = pm_arena_strdup(b->m, b->buf, b->len);
	pm_scratch_pop(b->m, b->mark);
	return s;
}

/* --- helpers for the passes ----------------------------------------------------- */

bool pm_is_duplicate(pm_model *m, pm_kind kind, pm_ix i)
{
	if (!m->has_duplicates)     /* every element kept its name */
		return false;
	switch (kind) {
	case PM_KIND_SYSTEM:
		return pm_map_get(&m->names_top, m->systems.v[i].id) != i;
	case PM_KIND_PROCESS: {
		const pm_process *p = &m->processes.v[i];
		if (p->system == PM_NONE)
			return pm_map_get(&m->names_top, p->id) != (i | PM_TOP_PROCESS);
		return pm_map_get(&m->names_procs, pm_key(p->system, p->id)) != i;
	}
	case PM_KIND_STEP: {
		const pm_step *s = &m->steps.v[i];
		return pm_step_find(m, s->process, s->id) != i;
	}
	case PM_KIND_PERSON:
		return pm_map_get(&m->names_people, m->people.v[i].id) != i;
	case PM_KIND_TOOL:
		return pm_map_get(&m->names_tools, m->tools.v[i].id) != i;
	default:
		return false;
	}
}

/* Decimal digits of v at o; returns the end. */
size_t pm_duration_fmt(char buf[PM_DURATION_BUF], int64_t secs)
{
	static const struct { int64_t secs; char unit; } units[] = {
		{ 7 * 86400, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' },
	};
	char *o = buf;
	if (secs <= 0) {
		memcpy(buf, "0m", 3);
		return 2;
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (secs >= units[i].secs) {
			o = pm_put_decimal(o, (uint64_t)(secs / units[i].secs));
			*o++ = units[i].unit;
			secs %= units[i].secs;
		}
	if (secs) {   /* fractional minutes, e.g. 0.5m: the input allows them */
		o = pm_put_decimal(o, (uint64_t)secs);
		*o++ = 's';
	}
	*o = '\0';
	return (size_t)(o - buf);
}

const char *pm_duration_str(pm_model *m, int64_t secs)
{
	char buf[PM_DURATION_BUF];
	if (secs <= 0)
		return "0m";
	return pm_arena_strdup(m, buf, pm_duration_fmt(buf, secs));
}

const char *pm_hours_str(pm_model *m, double secs)
{
	return pm_arena_printf(m, "%sh", pm_decimal_str(m, secs / 3600.0));
}

/* --- the driver ---------------------------------------------------------------- */

static void index_ignores(pm_model *m, pm_actx *cx)
{
	const uint32_t count[5] = {
		m->systems.n, m->processes.n, m->steps.n, m->people.n, m->tools.n,
	};
	cx->ig_next = pm_scratch(m, ((size_t)m->ignores.n + 1) * sizeof(pm_ix));
	/* backwards, so each chain lists an element's ignores as written */
	for (uint32_t i = m->ignores.n; i-- > 0;) {
		const pm_ignore *ig = &m->ignores.v[i];
		if (ig->kind > PM_KIND_TOOL || ig->elem >= count[ig->kind])
			continue;
		pm_ix **head = &cx->ig_head[ig->kind];
		if (!*head) {
			*head = pm_scratch(m, (size_t)count[ig->kind] * sizeof(pm_ix));
			memset(*head, 0xff, (size_t)count[ig->kind] * sizeof(pm_ix));
		}
		cx->ig_next[i] = (*head)[ig->elem];
		(*head)[ig->elem] = i;
	}
}

/* "steps", "systems, processes and steps": where a rule's findings sit. */
static const char *kinds_str(pm_model *m, unsigned kinds)
{
	const char *s = "";
	unsigned left = kinds;
	for (int k = 0; k < PM_RK_COUNT; k++) {
		if (!(kinds & PM_RK(k)))
			continue;
		left &= ~PM_RK(k);
		s = pm_arena_printf(m, "%s%s%s", s, !*s ? "" : left ? ", " : " and ", pm_rk_plurals[k]);
	}
	return s;
}

/* misplaced-ignore: an `ignore:` for a rule that never reports on that kind
 * of element (bottleneck-step on a process) silences nothing, whatever the
 * model; an ignore that only happens to silence nothing today is fine (no
 * rule says so).  A rule about the input (analysis = 0, not configurable)
 * reported here because only here are the rules' kinds at hand. */
static void misplaced_ignores(pm_model *m)
{
	for (uint32_t i = 0; i < m->ignores.n; i++) {
		const pm_ignore *ig = &m->ignores.v[i];
		const char *rule = pm_str_get(m, ig->rule);
		const pm_rule_info *ri = pm_rule_find(rule, strlen(rule));
		if (!ri || !ri->kinds || ig->kind > PM_KIND_TOOL ||
		    (ri->kinds & pm_rk_of(m, ig->kind, ig->elem)) ||
		    pm_is_duplicate(m, ig->kind, ig->elem))
			continue;
		pm_finding_at(m, "misplaced-ignore", ig->kind, ig->elem, ig->loc,
		              "'%s' findings are about %s; this ignore on %s '%s' never "
		              "silences anything", ri->name, kinds_str(m, ri->kinds),
		              pm_elem_word(m, ig->kind, ig->elem), pm_qualified_id(m, ig->kind, ig->elem));
	}
}

/* Errors from loading and resolving, not those of a config file. */
static bool input_errors(const pm_model *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->diags.n; i++)
		n += m->diags.v[i].d.severity == PM_SEV_ERROR;
	return n > m->an.config_errors;
}

/* bench/bench.c times each phase through m->an.phase_done. */
static void phase_done(pm_model *m, const char *name)
{
	if (m->an.phase_done)
		m->an.phase_done(m, name);
}

/* The rules that report something absent: input errors keep them quiet
 * (pm_actx.input_errors), and the summary says how many that were. */
static const char *const absence_rules[] = {
	"unreachable-process", "disconnected-step", "missing-owner", "missing-duration",
	"missing-rate", "empty-system", "empty-process", "unused-person", "unused-actor",
	"unused-tool",
};

static uint32_t skipped_rules(pm_model *m)
{
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof absence_rules / sizeof *absence_rules; i++)
		n += pm_rule_on(m, absence_rules[i]);
	return n;
}

static void prepare(pm_model *m, pm_actx *cx)
{
	pm_graph_steps(m, &cx->steps);
	pm_graph_procs(m, &cx->procs);
	phase_done(m, "graphs");
	index_ignores(m, cx);
	misplaced_ignores(m);
	cx->input_errors = input_errors(m);
	m->an.skipped_rules = cx->input_errors ? skipped_rules(m) : 0;
	phase_done(m, "set-up");
}

static const struct {
	const char *name;
	void (*run)(pm_model *m, pm_actx *cx);
	bool shares;            /* leaves tables in cx for the passes after it */
} passes[] = {
	{ "cycles", pm_pass_cycles, true },
	{ "orphan", pm_pass_orphan, false },
	{ "reach", pm_pass_reach, false },
	{ "steps", pm_pass_steps, false },
	{ "leadtime", pm_pass_leadtime, false },
	{ "load", pm_pass_load, false },
	{ "owner", pm_pass_owner, false },
	{ "empty", pm_pass_empty, false },
	{ "unused", pm_pass_unused, false },
};

/* Room for one finding a process and a person more: the rules that report
 * by the ten thousand report at most that (long-wait, bottleneck-step,
 * missing-rate, overloaded-person), and the findings vector is then not
 * grown by doubling, a copy into fresh pages each time, while they come.
 * Pages that no finding is written to are never touched. */
static void reserve_findings(pm_model *m)
{
	uint64_t want = (uint64_t)m->diags.n + m->processes.n + m->people.n + 16;
	if (want < UINT32_MAX / 2)
		pm_vec_reserve(m, m->diags, (uint32_t)want);
}

/* What a pass takes from the scratch stack the next one reuses, but for
 * the tables a pass shares (the cycles pass's components). */
static void run_passes(pm_model *m, pm_actx *cx)
{
	reserve_findings(m);
	for (size_t i = 0; i < sizeof passes / sizeof *passes; i++) {
		uint32_t mark = pm_scratch_mark(m);
		passes[i].run(m, cx);
		if (!passes[i].shares)
			pm_scratch_pop(m, mark);
		phase_done(m, passes[i].name);
	}
}

pm_status pm_model_analyze(pm_model *m)
{
	if (!m)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	if (!m->resolved || m->an.done)
		return PM_ERR_USAGE;
	jmp_buf jb;
	if (setjmp(jb)) {
		m->an.cx = NULL;
		pm_scratch_release(m);
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_analysis_init(m);
	m->an.scratch_hint = scratch_estimate(m);
	pm_actx *cx = pm_scratch(m, sizeof *cx);
	memset(cx, 0, sizeof *cx);
	m->an.cx = cx;
	prepare(m, cx);
	run_passes(m, cx);
	m->an.cx = NULL;
	pm_scratch_release(m);
	m->an.done = true;
	m->oom = NULL;
	return PM_OK;
}
