/* report.c — pm_model_write_report(): report order, then one emitter a
 * format; and the small helpers the emitters share. */
#include <string.h>

#include "report.h"

pm_status pm_model_write_report(pm_model *m, FILE *out, pm_report_format fmt,
                                unsigned flags)
{
	if (!m || !out || (unsigned)fmt > PM_REPORT_MARKDOWN)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_diag_sort(m);
	switch (fmt) {
	case PM_REPORT_TEXT: pm_emit_text(m, out, flags); break;
	case PM_REPORT_JSON: pm_emit_json(m, out); break;
	case PM_REPORT_SARIF: pm_emit_sarif(m, out); break;
	case PM_REPORT_MARKDOWN: pm_emit_markdown(m, out); break;
	}
	m->oom = NULL;
	return ferror(out) ? PM_ERR_IO : PM_OK;
}

void pm_wr_flush(pm_wr *w)
{
	if (w->n)
		fwrite(w->buf, 1, w->n, w->out);
	w->n = 0;
}

void pm_wr_put_long(pm_wr *w, const char *s, size_t n)
{
	pm_wr_flush(w);
	if (n > PM_WR_SIZE) {
		fwrite(s, 1, n, w->out);
		return;
	}
	memcpy(w->buf, s, n);
	w->n = n;
}

void pm_wr_uint(pm_wr *w, uint64_t v)
{
	char *o = pm_wr_room(w, 20);
	w->n += (size_t)(pm_put_decimal(o, v) - o);
}

void pm_report_count(const pm_model *m, pm_report_counts *c)
{
	memset(c, 0, sizeof *c);
	c->skipped = m->an.done ? m->an.skipped_rules : 0;
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag *d = &m->diags.v[i].d;
		if (d->suppressed)
			c->suppressed++;
		else if ((unsigned)d->severity <= PM_SEV_ERROR)
			c->at[d->severity]++;
	}
}

void pm_report_summary(FILE *out, const pm_report_counts *c)
{
	size_t e = c->at[PM_SEV_ERROR], w = c->at[PM_SEV_WARNING],
	       i = c->at[PM_SEV_INFO];
	fprintf(out, "%zu error%s, %zu warning%s, %zu info%s", e, e == 1 ? "" : "s",
	        w, w == 1 ? "" : "s", i, i == 1 ? "" : "s");
	if (c->suppressed)
		fprintf(out, " (%zu suppressed)", c->suppressed);
	if (c->skipped)
		fprintf(out, " (%zu rule%s skipped: the model has input errors)", c->skipped,
		        c->skipped == 1 ? "" : "s");
	fputc('\n', out);
}

unsigned pm_qid_parts(const pm_model *m, pm_kind kind, pm_ix i, pm_str parts[3])
{
	switch (kind) {
	case PM_KIND_SYSTEM:
		parts[0] = m->systems.v[i].id;
		return 1;
	case PM_KIND_PERSON:
		parts[0] = m->people.v[i].id;
		return 1;
	case PM_KIND_TOOL:
		parts[0] = m->tools.v[i].id;
		return 1;
	case PM_KIND_PROCESS: {
		const pm_process *p = &m->processes.v[i];
		if (p->system == PM_NONE) {
			parts[0] = p->id;
			return 1;
		}
		parts[0] = m->systems.v[p->system].id;
		parts[1] = p->id;
		return 2;
	}
	case PM_KIND_STEP: {
		const pm_step *s = &m->steps.v[i];
		unsigned n = pm_qid_parts(m, PM_KIND_PROCESS, s->process, parts);
		parts[n] = s->id;
		return n + 1;
	}
	default:
		parts[0] = 0;
		return 1;
	}
}

const pm_proc_metrics *pm_report_proc(const pm_model *m, pm_ix proc)
{
	if (!m->an.done || m->an.procs.n != m->processes.n)
		return NULL;
	return &m->an.procs.v[proc];
}

const char *pm_report_no_lead(const pm_proc_metrics *pm)
{
	switch (pm ? pm->lead_status : PM_LEAD_OK) {
	case PM_LEAD_CYCLE: return "n/a (cycle)";
	case PM_LEAD_NO_DATA: return "n/a (no durations)";
	case PM_LEAD_EMPTY: return "n/a (no steps)";
	case PM_LEAD_OK: break;
	}
	return "—";
}

const pm_person_metrics *pm_report_person(const pm_model *m, pm_ix person)
{
	if (!m->an.done || m->an.people.n != m->people.n)
		return NULL;
	return &m->an.people.v[person];
}

uint32_t pm_report_system_steps(const pm_model *m, pm_ix sys)
{
	const pm_system *s = &m->systems.v[sys];
	uint32_t n = 0;
	for (pm_ix p = s->proc_first; p < s->proc_first + s->proc_count; p++)
		n += m->processes.v[p].step_count;
	return n;
}

char *pm_fmt_duration(char *buf, int64_t seconds)
{
	static const struct { char unit; int64_t s; } units[] = {
		{ 'w', 7 * 24 * 3600 }, { 'd', 24 * 3600 }, { 'h', 3600 },
		{ 'm', 60 }, { 's', 1 },
	};
	size_t len = 0;
	buf[0] = '\0';
	if (seconds <= 0) {
		strcpy(buf, "0m");
		return buf;
	}
	for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
		int64_t n = seconds / units[u].s;
		if (n == 0)
			continue;
		seconds -= n * units[u].s;
		len += (size_t)snprintf(buf + len, PM_FMT_DURATION_BUF - len, "%s%lld%c",
		                        len ? " " : "", (long long)n, units[u].unit);
	}
	return buf;
}

/* --- fingerprints ------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	do {
		h ^= *p;
		h *= 0x100000001b3ULL;
	} while (*p++);
	return h;
}

uint64_t pm_fingerprint64(const char *rule, const char *subject, const char *file,
                          unsigned line, unsigned column, const char *message,
                          const char *const *related, size_t nrelated)
{
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, rule);
	if (subject) {
		h = fnv1a(h, subject);
	} else {
		char at[32];
		snprintf(at, sizeof at, "%u:%u", line, column);
		h = fnv1a(h, file ? file : "");
		h = fnv1a(h, at);
		h = fnv1a(h, message ? message : "");
	}
	for (size_t i = 0; i < nrelated; i++)
		h = fnv1a(h, related[i]);
	return h;
}

void pm_fingerprint(char hex[17], const char *rule, const char *subject,
                    const char *file, unsigned line, unsigned column,
                    const char *message, const char *const *related, size_t nrelated)
{
	uint64_t h = pm_fingerprint64(rule, subject, file, line, column, message, related,
	                              nrelated);
	for (int k = 15; k >= 0; k--, h >>= 4)
		hex[k] = "0123456789abcdef"[h & 15];
	hex[16] = '\0';
}
