/* emit_sarif.c — the report as SARIF 2.1.0, for code-scanning tools.
 *
 * One run; the driver lists every rule of rules.c (id, short description,
 * default level); each diagnostic is one result in report order, located
 * at its file, line and column (columns count code points, as the run's
 * columnKind says).  The subject goes into the location's logical location
 * and, with the related ids, into the result's property bag; a finding
 * silenced by `ignore:` carries an inSource suppression whose justification
 * is the reason, every other result an empty suppressions array (SARIF: "not
 * suppressed", where no array would mean "unknown").  A partial fingerprint
 * made of the rule, the subject and the related ids (not the line, not the
 * message, whose figures change) lets a code-scanning service match a
 * finding across runs after the lines around it moved; a reading error,
 * which has no subject, is known by its file, line, column and message. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "rules.h"

static const char *sarif_level(pm_severity sev)
{
	switch (sev) {
	case PM_SEV_ERROR: return "error";
	case PM_SEV_WARNING: return "warning";
	case PM_SEV_INFO: return "note";
	default: return "none";
	}
}

static void write_rule(pm_json *j, const pm_rule_info *r)
{
	pm_json_object(j);
	pm_json_kstr(j, "id", r->name);
	pm_json_key(j, "shortDescription");
	pm_json_object(j);
	pm_json_kstr(j, "text", r->summary);
	pm_json_object_end(j);
	pm_json_key(j, "defaultConfiguration");
	pm_json_object(j);
	pm_json_kstr(j, "level", sarif_level(r->severity));
	pm_json_object_end(j);
	pm_json_object_end(j);
}

static void write_tool(pm_json *j)
{
	pm_json_key(j, "tool");
	pm_json_object(j);
	pm_json_key(j, "driver");
	pm_json_object(j);
	pm_json_kstr(j, "name", "procmap");
	pm_json_kstr(j, "version", pm_version());
	pm_json_key(j, "rules");
	pm_json_array(j);
	for (size_t i = 0; i < pm_nrules; i++)
		write_rule(j, &pm_rules[i]);
	pm_json_array_end(j);
	pm_json_object_end(j);
	pm_json_object_end(j);
}

/* A file name as a URI reference, in the arena: unreserved bytes and '/'
 * stay, everything else is percent-encoded (':' too, so "c:x" cannot pass
 * for a scheme); an absolute path becomes a file:// URI. */
static const char *file_uri(pm_model *m, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *uri = pm_arena_alloc(m, 3 * len + 8);
	char *o = uri;
	if (path[0] == '/')
		o += sprintf(o, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return uri;
}

static void write_location(pm_json *j, const pm_diag *d, const char *uri)
{
	pm_json_object(j);
	if (uri) {
		pm_json_key(j, "physicalLocation");
		pm_json_object(j);
		pm_json_key(j, "artifactLocation");
		pm_json_object(j);
		pm_json_kstr(j, "uri", uri);
		pm_json_object_end(j);
		if (d->line >= 1) {
			pm_json_key(j, "region");
			pm_json_object(j);
			pm_json_kint(j, "startLine", d->line);
			if (d->column >= 1)
				pm_json_kint(j, "startColumn", d->column);
			pm_json_object_end(j);
		}
		pm_json_object_end(j);
	}
	if (d->subject) {
		pm_json_key(j, "logicalLocations");
		pm_json_array(j);
		pm_json_object(j);
		pm_json_kstr(j, "fullyQualifiedName", d->subject);
		pm_json_object_end(j);
		pm_json_array_end(j);
	}
	pm_json_object_end(j);
}

static void write_properties(pm_json *j, const pm_diag *d)
{
	pm_json_key(j, "properties");
	pm_json_object(j);
	pm_json_kstr(j, "subject", d->subject);
	pm_json_key(j, "related");
	pm_json_array(j);
	for (size_t i = 0; i < d->nrelated; i++)
		pm_json_string(j, d->related[i]);
	pm_json_array_end(j);
	pm_json_object_end(j);
}

static void write_suppressions(pm_json *j, const pm_diag *d)
{
	pm_json_key(j, "suppressions");
	pm_json_array(j);
	if (d->suppressed) {
		pm_json_object(j);
		pm_json_kstr(j, "kind", "inSource");
		pm_json_kstr(j, "justification", d->suppressed);
		pm_json_object_end(j);
	}
	pm_json_array_end(j);
}

static void write_fingerprint(pm_json *j, const pm_diag *d)
{
	char hex[17];
	pm_diag_fingerprint(hex, d);
	pm_json_key(j, "partialFingerprints");
	pm_json_object(j);
	pm_json_kstr(j, "procmap/v1", hex);
	pm_json_object_end(j);
}

static void write_result(pm_json *j, const pm_diag *d, const char *uri)
{
	const pm_rule_info *r = pm_rule_find(d->rule, strlen(d->rule));
	pm_json_object(j);
	pm_json_kstr(j, "ruleId", d->rule);
	if (r)
		pm_json_kint(j, "ruleIndex", r - pm_rules);
	pm_json_kstr(j, "level", sarif_level(d->severity));
	pm_json_key(j, "message");
	pm_json_object(j);
	pm_json_kstr(j, "text", d->message);
	pm_json_object_end(j);
	if (uri || d->subject) {
		pm_json_key(j, "locations");
		pm_json_array(j);
		write_location(j, d, uri);
		pm_json_array_end(j);
	}
	write_fingerprint(j, d);
	write_suppressions(j, d);
	write_properties(j, d);
	pm_json_object_end(j);
}

static void write_results(pm_json *j, pm_model *m)
{
	/* one URI a file, made on first use */
	const char **uris = pm_arena_alloc(m, (m->files.n + 1) * sizeof *uris);
	memset(uris, 0, (m->files.n + 1) * sizeof *uris);
	pm_json_key(j, "results");
	pm_json_array(j);
	for (uint32_t i = 0; i < m->diags.n; i++) {
		const pm_diag_rec *r = &m->diags.v[i];
		const char *uri = NULL;
		if (r->d.file && r->file < m->files.n) {
			if (!uris[r->file])
				uris[r->file] = file_uri(m, r->d.file);
			uri = uris[r->file];
		}
		write_result(j, &r->d, uri);
	}
	pm_json_array_end(j);
}

void pm_emit_sarif(pm_model *m, FILE *out)
{
	pm_json j;
	pm_json_init(&j, out);
	pm_json_object(&j);
	pm_json_kstr(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	pm_json_kstr(&j, "version", "2.1.0");
	pm_json_key(&j, "runs");
	pm_json_array(&j);
	pm_json_object(&j);
	write_tool(&j);
	pm_json_kstr(&j, "columnKind", "unicodeCodePoints");
	write_results(&j, m);
	pm_json_object_end(&j);
	pm_json_array_end(&j);
	pm_json_object_end(&j);
	pm_json_end(&j);
}
