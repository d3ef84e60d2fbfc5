/* baseline.c — `procmap check --baseline FILE`: the findings of an earlier
 * report, known by fingerprint, so that only new ones fail a run.
 *
 * FILE is a report of `check --format json` (its "findings"; the ones an
 * `ignore:` silenced are not in the baseline) or `--format sarif` (every
 * result's partialFingerprints "procmap/v1").  A finding of this run whose
 * fingerprint is in the baseline is unchanged; each baseline entry matches
 * one finding at most, so a second copy of a finding is new.  SARIF output
 * gets baselineState on every result, and the entries no finding matched
 * come after them as "absent". */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "diff.h"

typedef struct entry {
	char fp[17];
	bool used;
	json_t *result;         /* a SARIF result for "absent" (owned) */
} entry;

struct pm_baseline {
	entry *v;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->fp, ((const entry *)b)->fp);
}

static bool add(pm_baseline *b, size_t *cap, const char *fp, json_t *result)
{
	if (b->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		entry *v = realloc(b->v, c * sizeof *v);
		if (!v)
			return false;
		b->v = v;
		*cap = c;
	}
	entry *e = &b->v[b->n++];
	snprintf(e->fp, sizeof e->fp, "%s", fp);
	e->used = false;
	e->result = result;
	return true;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *sarif_level(const char *sev)
{
	if (!sev)
		return "warning";
	return strcmp(sev, "info") == 0 ? "note" : sev;
}

/* A JSON report's finding: its fingerprint, and a SARIF result for it. */
static bool add_finding(pm_baseline *b, size_t *cap, json_t *f)
{
	const char *rule = str(f, "rule");
	if (!rule)
		return true;
	json_t *rel = json_object_get(f, "related");
	size_t nrel = json_is_array(rel) ? json_array_size(rel) : 0;
	const char **related = calloc(nrel + 1, sizeof *related);
	if (!related)
		return false;
	for (size_t i = 0; i < nrel; i++)
		related[i] = json_string_value(json_array_get(rel, i)) ?
		             json_string_value(json_array_get(rel, i)) : "";
	char fp[17];
	pm_fingerprint(fp, rule, str(f, "subject"), str(f, "file"),
	               (unsigned)json_integer_value(json_object_get(f, "line")),
	               (unsigned)json_integer_value(json_object_get(f, "column")),
	               str(f, "message"), related, nrel);
	free(related);
	json_t *r = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "ruleId", rule,
	                      "level", sarif_level(str(f, "severity")),
	                      "message", "text", str(f, "message") ? str(f, "message") : "",
	                      "partialFingerprints", "procmap/v1", fp);
	return r && add(b, cap, fp, r);
}

static bool add_result(pm_baseline *b, size_t *cap, json_t *r)
{
	const char *fp = str(json_object_get(r, "partialFingerprints"), "procmap/v1");
	if (!fp || strlen(fp) != 16)
		return true;
	json_t *copy = json_deep_copy(r);
	if (!copy)
		return false;
	json_object_del(copy, "baselineState");
	return add(b, cap, fp, copy);
}

static bool read_entries(pm_baseline *b, json_t *doc, char *err, size_t errsize,
                         const char *path)
{
	size_t cap = 0, i, k;
	json_t *x, *run;
	bool ok = true;
	if (json_is_array(json_object_get(doc, "findings"))) {
		json_array_foreach(json_object_get(doc, "findings"), i, x)
			if (ok && json_is_object(x))
				ok = add_finding(b, &cap, x);
	} else if (json_is_array(json_object_get(doc, "runs"))) {
		json_array_foreach(json_object_get(doc, "runs"), k, run)
			json_array_foreach(json_object_get(run, "results"), i, x)
				if (ok && json_is_object(x))
					ok = add_result(b, &cap, x);
	} else {
		snprintf(err, errsize, "'%s' is not a report of procmap check (a JSON report "
		         "has \"findings\", a SARIF one \"runs\")", path);
		return false;
	}
	if (!ok)
		snprintf(err, errsize, "out of memory");
	return ok;
}

pm_baseline *pm_baseline_load(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "cannot read baseline '%s': %s", path, strerror(errno));
		return NULL;
	}
	json_error_t je;
	json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!doc) {
		snprintf(err, errsize, "%s:%d:%d: error: invalid baseline: %s", path,
		         je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1, je.text);
		return NULL;
	}
	pm_baseline *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, errsize, "out of memory");
	} else if (!read_entries(b, doc, err, errsize, path)) {
		pm_baseline_free(b);
		b = NULL;
	} else {
		qsort(b->v, b->n, sizeof *b->v, cmp_entry);
	}
	json_decref(doc);
	return b;
}

void pm_baseline_free(pm_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->v[i].result);
	free(b->v);
	free(b);
}

/* The first unused entry of fingerprint fp, or NULL. */
static entry *take(pm_baseline *b, const char *fp)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(b->v[mid].fp, fp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->n && strcmp(b->v[lo].fp, fp) == 0; lo++)
		if (!b->v[lo].used) {
			b->v[lo].used = true;
			return &b->v[lo];
		}
	return NULL;
}

size_t pm_baseline_match(pm_baseline *b, pm_model *m, bool *unchanged)
{
	size_t n = 0;
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		unchanged[i] = false;
		if (d->suppressed || d->severity == PM_SEV_OFF)
			continue;
		char fp[17];
		pm_diag_fingerprint(fp, d);
		if (take(b, fp)) {
			unchanged[i] = true;
			n++;
		}
	}
	return n;
}

/* Adds baselineState to the results of a SARIF report (the same order as
 * the diagnostics), then the baseline's absent entries. */
static bool mark_sarif(json_t *doc, const pm_baseline *b, const bool *unchanged, size_t ndiag)
{
	json_t *results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
	                                  "results");
	if (!json_is_array(results) || json_array_size(results) != ndiag)
		return false;
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		const char *state = unchanged[i] ? "unchanged" : "new";
		if (json_object_get(r, "suppressions") &&
		    json_array_size(json_object_get(r, "suppressions")))
			state = "unchanged";   /* silenced in source: never "new" */
		if (json_object_set_new(r, "baselineState", json_string(state)) != 0)
			return false;
	}
	for (size_t k = 0; k < b->n; k++) {
		if (b->v[k].used)
			continue;
		json_t *copy = json_deep_copy(b->v[k].result);
		if (!copy || json_object_set_new(copy, "baselineState", json_string("absent")) ||
		    json_array_append_new(results, copy))
			return false;
	}
	return true;
}

int pm_baseline_write_sarif(const pm_baseline *b, pm_model *m, const bool *unchanged,
                            FILE *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return ENOMEM;
	pm_status st = pm_model_write_report(m, mem, PM_REPORT_SARIF, 0);
	if (fclose(mem) != 0 || st != PM_OK) {
		free(buf);
		return st == PM_ERR_NOMEM ? ENOMEM : EIO;
	}
	json_t *doc = json_loadb(buf, len, 0, NULL);
	free(buf);
	int e = 0;
	if (!doc || !mark_sarif(doc, b, unchanged, pm_model_diag_count(m)))
		e = ENOMEM;
	else if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	         fputc('\n', out) == EOF)
		e = EIO;
	json_decref(doc);
	return e;
}
