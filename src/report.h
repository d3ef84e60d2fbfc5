/* report.h — what the report emitters share (internal).
 *
 * pm_model_write_report() (report.c) sorts the diagnostics into report
 * order, then hands the model to one emitter a format.  Every emitter walks
 * the same things in the same order: diagnostics as sorted, then systems,
 * processes, people and tools in declaration order. */
#ifndef PM_REPORT_H
#define PM_REPORT_H

#include <stdio.h>
#include <string.h>

#include "model.h"

/* A FILE written through a buffer of its own.  Reports are written a few
 * bytes at a time, millions of times over: the bytes gather here and go to
 * the FILE 64 KiB at a time (a stdio call each, not a locked one a piece;
 * 64 KiB took a fifth off writing a 120 MB report, against 8 KiB).  Write
 * errors stick in the FILE. */
#define PM_WR_SIZE 65536
typedef struct pm_wr {
	FILE *out;
	size_t n;               /* bytes waiting in buf */
	char buf[PM_WR_SIZE];
} pm_wr;

static inline void pm_wr_init(pm_wr *w, FILE *out)
{
	w->out = out;
	w->n = 0;
}
/* Hands the waiting bytes to the FILE. */
void pm_wr_flush(pm_wr *w);
/* Room for n more bytes (n <= PM_WR_SIZE) at the end of buf, flushing if
 * need be: the caller writes there, then adds what it wrote to w->n. */
static inline char *pm_wr_room(pm_wr *w, size_t n)
{
	if (n > PM_WR_SIZE - w->n)
		pm_wr_flush(w);
	return w->buf + w->n;
}
void pm_wr_put_long(pm_wr *w, const char *s, size_t n);
static inline void pm_wr_put(pm_wr *w, const char *s, size_t n)
{
	if (n > PM_WR_SIZE - w->n) {
		pm_wr_put_long(w, s, n);
		return;
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}
static inline void pm_wr_putc(pm_wr *w, char c)
{
	if (w->n == PM_WR_SIZE)
		pm_wr_flush(w);
	w->buf[w->n++] = c;
}
static inline void pm_wr_puts(pm_wr *w, const char *s)
{
	pm_wr_put(w, s, strlen(s));
}
/* An unsigned number in decimal. */
void pm_wr_uint(pm_wr *w, uint64_t v);

/* One emitter a format (emit_*.c).  They run under the caller's m->oom and
 * leave write errors in the FILE. */
void pm_emit_text(pm_model *m, FILE *out, unsigned flags);
void pm_emit_json(pm_model *m, FILE *out);
void pm_emit_sarif(pm_model *m, FILE *out);
void pm_emit_markdown(pm_model *m, FILE *out);
/* A diagram in the Markdown audit: a heading of `depth` '#'s (2 to 6),
 * then the image.  `heading` and `alt` are text (escaped here); `url` is
 * written as it is: the caller makes it safe in a link. */
typedef struct pm_md_figure {
	const char *heading, *alt, *url;
	unsigned depth;
} pm_md_figure;
/* The Markdown report with diagrams: figs[0, nfront) after the summary,
 * figs[nfront, n) in a "Diagrams" section at the end (procmap report). */
void pm_emit_markdown_figures(pm_model *m, FILE *out, const pm_md_figure *figs,
                              size_t nfront, size_t n);

/* Diagnostics that count: unsuppressed ones by severity (indexed by
 * pm_severity), and how many an `ignore:` silenced. */
typedef struct pm_report_counts {
	size_t at[4];
	size_t suppressed;
	size_t skipped;         /* rules that input errors kept quiet */
} pm_report_counts;

void pm_report_count(const pm_model *m, pm_report_counts *c);
/* "1 error, 2 warnings, 0 infos", plus " (3 suppressed)" when some are and
 * " (8 rules skipped: the model has input errors)" when rules were. */
void pm_report_summary(FILE *out, const pm_report_counts *c);

/* The parts of an element's qualified id (system, process, step), in
 * order; returns how many (1 to 3). */
unsigned pm_qid_parts(const pm_model *m, pm_kind kind, pm_ix i, pm_str parts[3]);

/* Metrics of a process or person, or NULL when the analysis has not run. */
const pm_proc_metrics *pm_report_proc(const pm_model *m, pm_ix proc);
const pm_person_metrics *pm_report_person(const pm_model *m, pm_ix person);
/* What a report shows for a process with no lead time: "n/a (cycle)",
 * "n/a (no durations)", "n/a (no steps)", or "—" (no metrics, or a time
 * that is not known). */
const char *pm_report_no_lead(const pm_proc_metrics *pm);
/* Number of steps in a system's processes. */
uint32_t pm_report_system_steps(const pm_model *m, pm_ix sys);

/* Size that holds any pm_fmt_duration() result. */
#define PM_FMT_DURATION_BUF 64
/* A duration in human units, largest first, zero parts left out: "2d 3h",
 * "1w 5m", "45s"; "0m" for zero.  A day is 24h, a week 7d (as in the
 * language).  Returns buf. */
char *pm_fmt_duration(char *buf, int64_t seconds);

/* The fingerprint of a finding: 16 hex digits, SARIF's partialFingerprints
 * "procmap/v1", matched by check --baseline and diff (rule, subject,
 * related ids; without a subject, file, line, column and message).  FNV-1a,
 * 64 bits, over each string and its NUL. */
uint64_t pm_fingerprint64(const char *rule, const char *subject, const char *file,
                          unsigned line, unsigned column, const char *message,
                          const char *const *related, size_t nrelated);
void pm_fingerprint(char hex[17], const char *rule, const char *subject,
                    const char *file, unsigned line, unsigned column,
                    const char *message, const char *const *related, size_t nrelated);
static inline uint64_t pm_diag_fingerprint64(const pm_diag *d)
{
	return pm_fingerprint64(d->rule, d->subject, d->file, d->line, d->column,
	                        d->message, d->related, d->nrelated);
}
static inline void pm_diag_fingerprint(char hex[17], const pm_diag *d)
{
	pm_fingerprint(hex, d->rule, d->subject, d->file, d->line, d->column,
	               d->message, d->related, d->nrelated);
}

#endif
