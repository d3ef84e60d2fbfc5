/* emit_json.c — the JSON report, described by schemas/report.schema.json.
 * Keys come in a fixed order; numbers follow pm_json_fmt_number(). */
#include "json.h"
#include "report.h"

static void write_tool(pm_json *j)
{
	pm_json_key(j, "tool");
	pm_json_object(j);
	pm_json_kstr(j, "name", "procmap");
	pm_json_kstr(j, "version", pm_version());
	pm_json_object_end(j);
}

static void write_files(pm_json *j, const pm_model *m)
{
	pm_json_key(j, "files");
	pm_json_array(j);
	for (uint32_t i = 0; i < m->files.n; i++)
		pm_json_string(j, m->files.v[i].name);
	pm_json_array_end(j);
}

static void write_counts(pm_json *j, const pm_model *m)
{
	static const struct { const char *key; pm_kind kind; } rows[] = {
		{ "systems", PM_KIND_SYSTEM }, { "processes", PM_KIND_PROCESS },
		{ "steps", PM_KIND_STEP }, { "flows", PM_KIND_FLOW },
		{ "handoffs", PM_KIND_HANDOFF }, { "people", PM_KIND_PERSON },
		{ "tools", PM_KIND_TOOL },
	};
	pm_json_key(j, "counts");
	pm_json_object(j);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		pm_json_kint(j, rows[i].key, (int64_t)pm_model_count(m, rows[i].kind));
	pm_json_object_end(j);
}

static void write_finding(pm_json *j, const pm_diag *d)
{
	pm_json_object(j);
	PM_JSON_LKEY(j, "rule");
	pm_json_string(j, d->rule);
	PM_JSON_LKEY(j, "severity");
	pm_json_string(j, pm_severity_str(d->severity));
	PM_JSON_LKEY(j, "subject");
	pm_json_string(j, d->subject);
	PM_JSON_LKEY(j, "message");
	pm_json_string(j, d->message);
	PM_JSON_LKEY(j, "file");
	pm_json_string(j, d->file);
	/* 0 is "unknown" in a pm_diag; null in JSON */
	PM_JSON_LKEY(j, "line");
	d->file && d->line ? pm_json_int(j, d->line) : pm_json_null(j);
	PM_JSON_LKEY(j, "column");
	d->file && d->column ? pm_json_int(j, d->column) : pm_json_null(j);
	PM_JSON_LKEY(j, "related");
	pm_json_array(j);
	for (size_t i = 0; i < d->nrelated; i++)
		pm_json_string(j, d->related[i]);
	pm_json_array_end(j);
	if (d->suppressed) {
		PM_JSON_LKEY(j, "reason");
		pm_json_string(j, d->suppressed);
	}
	pm_json_object_end(j);
}

/* The findings an `ignore:` silenced go to "suppressed", the rest to
 * "findings"; both in report order. */
static void write_findings(pm_json *j, const pm_model *m, const char *key,
                           bool suppressed)
{
	pm_json_key(j, key);
	pm_json_array(j);
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag *d = &m->diags.v[i].d;
		if ((d->suppressed != NULL) == suppressed)
			write_finding(j, d);
	}
	pm_json_array_end(j);
}

static void write_label(pm_json *j, const pm_model *m, pm_str label)
{
	PM_JSON_LKEY(j, "label");
	label ? pm_json_string(j, pm_str_get(m, label)) : pm_json_null(j);
}

/* Seconds as minutes, or null when unknown (< 0 or no metrics); after
 * its key. */
static void write_minutes(pm_json *j, bool known, int64_t s)
{
	known && s >= 0 ? pm_json_number(j, (double)s / 60.0) : pm_json_null(j);
}

static const char *lead_status(pm_lead_status st)
{
	switch (st) {
	case PM_LEAD_OK: return "ok";
	case PM_LEAD_CYCLE: return "cycle";
	case PM_LEAD_NO_DATA: return "no-durations";
	case PM_LEAD_EMPTY: return "no-steps";
	}
	return "ok";
}

static void write_process(pm_json *j, const pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	const pm_proc_metrics *pm = pm_report_proc(m, i);
	pm_json_object(j);
	PM_JSON_LKEY(j, "id");
	pm_json_qid(j, m, PM_KIND_PROCESS, i);
	write_label(j, m, p->label);
	PM_JSON_LKEY(j, "system");
	p->system != PM_NONE ? pm_json_qid(j, m, PM_KIND_SYSTEM, p->system)
	                     : pm_json_null(j);
	PM_JSON_LKEY(j, "steps");
	pm_json_int(j, p->step_count);
	PM_JSON_LKEY(j, "runs_per_week");
	p->runs_per_week >= 0 ? pm_json_number(j, p->runs_per_week) : pm_json_null(j);
	PM_JSON_LKEY(j, "lead_time_minutes");
	write_minutes(j, pm != NULL, pm ? pm->lead_s : -1);
	PM_JSON_LKEY(j, "worst_pass_minutes");
	write_minutes(j, pm != NULL, pm ? pm->worst_s : -1);
	PM_JSON_LKEY(j, "lead_time_status");
	pm ? pm_json_string(j, lead_status(pm->lead_status)) : pm_json_null(j);
	PM_JSON_LKEY(j, "work_time_minutes");
	write_minutes(j, pm != NULL, pm ? pm->work_s : -1);
	PM_JSON_LKEY(j, "critical_path");
	pm_json_array(j);
	for (pm_ix k = 0; pm && pm->lead_status == PM_LEAD_OK && k < pm->crit_count; k++)
		pm_json_qid(j, m, PM_KIND_STEP, m->an.crit_steps.v[pm->crit_first + k]);
	pm_json_array_end(j);
	bool bn = pm && pm->bottleneck != PM_NONE;
	PM_JSON_LKEY(j, "bottleneck");
	bn ? pm_json_qid(j, m, PM_KIND_STEP, pm->bottleneck) : pm_json_null(j);
	PM_JSON_LKEY(j, "bottleneck_share");
	bn ? pm_json_number(j, pm->bottleneck_share) : pm_json_null(j);
	pm_json_object_end(j);
}

static void write_person(pm_json *j, const pm_model *m, pm_ix i)
{
	const pm_person *p = &m->people.v[i];
	const pm_person_metrics *pm = pm_report_person(m, i);
	pm_json_object(j);
	PM_JSON_LKEY(j, "id");
	pm_json_qid(j, m, PM_KIND_PERSON, i);
	write_label(j, m, p->label);
	PM_JSON_LKEY(j, "load_hours_per_week");
	pm ? pm_json_number(j, pm->load_s / 3600.0) : pm_json_null(j);
	PM_JSON_LKEY(j, "capacity_hours_per_week");
	p->capacity_s >= 0 ? pm_json_number(j, (double)p->capacity_s / 3600.0)
	                   : pm_json_null(j);
	PM_JSON_LKEY(j, "utilisation");
	pm && pm->utilisation >= 0 ? pm_json_number(j, pm->utilisation)
	                           : pm_json_null(j);
	pm_json_object_end(j);
}

static void write_system(pm_json *j, const pm_model *m, pm_ix i)
{
	const pm_system *s = &m->systems.v[i];
	pm_json_object(j);
	PM_JSON_LKEY(j, "id");
	pm_json_qid(j, m, PM_KIND_SYSTEM, i);
	write_label(j, m, s->label);
	PM_JSON_LKEY(j, "owner");
	s->owner.target != PM_NONE
		? pm_json_qid(j, m, PM_KIND_PERSON, s->owner.target)
		: pm_json_null(j);
	PM_JSON_LKEY(j, "processes");
	pm_json_int(j, s->proc_count);
	PM_JSON_LKEY(j, "steps");
	pm_json_int(j, pm_report_system_steps(m, i));
	pm_json_object_end(j);
}

static void write_metrics(pm_json *j, const pm_model *m)
{
	pm_json_key(j, "metrics");
	pm_json_object(j);
	pm_json_key(j, "processes");
	pm_json_array(j);
	for (pm_ix i = 0; i < m->processes.n; i++)
		write_process(j, m, i);
	pm_json_array_end(j);
	pm_json_key(j, "people");
	pm_json_array(j);
	for (pm_ix i = 0; i < m->people.n; i++)
		write_person(j, m, i);
	pm_json_array_end(j);
	pm_json_key(j, "systems");
	pm_json_array(j);
	for (pm_ix i = 0; i < m->systems.n; i++)
		write_system(j, m, i);
	pm_json_array_end(j);
	pm_json_object_end(j);
}

static void write_summary(pm_json *j, const pm_model *m)
{
	pm_report_counts c;
	pm_report_count(m, &c);
	pm_json_key(j, "summary");
	pm_json_object(j);
	pm_json_kint(j, "error", (int64_t)c.at[PM_SEV_ERROR]);
	pm_json_kint(j, "warning", (int64_t)c.at[PM_SEV_WARNING]);
	pm_json_kint(j, "info", (int64_t)c.at[PM_SEV_INFO]);
	pm_json_object_end(j);
}

void pm_emit_json(pm_model *m, FILE *out)
{
	pm_json j;
	pm_json_init(&j, out);
	pm_json_object(&j);
	write_tool(&j);
	pm_json_kstr(&j, "title", pm_model_title(m));
	write_files(&j, m);
	write_counts(&j, m);
	write_findings(&j, m, "findings", false);
	write_findings(&j, m, "suppressed", true);
	write_metrics(&j, m);
	write_summary(&j, m);
	pm_json_object_end(&j);
	pm_json_end(&j);
}
