/* test_reports.c — the report emitters (text, JSON, SARIF, Markdown), the
 * JSON schema, and the golden JSON report of every sample.
 *
 * Golden reports: tests/reports/NAME.json is what `procmap check --format
 * json --no-config samples/NAME.pmap` prints, run from the source root.
 * Set PROCMAP_UPDATE_GOLDEN=1 to rewrite them after a deliberate change,
 * then review the diff. */
#include <criterion/criterion.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json.h"
#include "report.h"
#include "rules.h"

/* Debian's interpreter, which has python3-jsonschema (see scripts/deps.sh);
 * not whatever python3 comes first on PATH. */
#define PYTHON "/usr/bin/python3"

static char *report(pm_model *m, pm_report_format fmt, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	cr_assert_not_null(out);
	cr_assert_eq(pm_model_write_report(m, out, fmt, flags), PM_OK);
	fclose(out);
	return buf;
}

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	pm_json_escape(out, s, strlen(s));
	fclose(out);
	return buf;
}

/* Adds a finding by hand, as a pass would (emitter tests need no passes). */
static pm_diag_rec *add(pm_model *m, pm_severity sev, const char *rule, pm_loc loc,
                        const char *subject, const char *msg)
{
	pm_diag_rec *r = pm_diag_add(m, sev, rule, loc, "%s", msg);
	r->d.subject = subject;
	return r;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* --- JSON writer ----------------------------------------------------------- */

Test(reports, json_escapes_rfc8259_and_html)
{
	char *s = escaped("a\"b\\c\n\t\x01\x1f\x7f<x>&y");
	cr_expect_str_eq(s, "a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f\\u003cx\\u003e\\u0026y");
	free(s);
	s = escaped("caf\xC3\xA9 \xE2\x80\xA8 \xE2\x80\xA9 \xF0\x9F\x98\x80");
	cr_expect_str_eq(s, "caf\xC3\xA9 \\u2028 \\u2029 \xF0\x9F\x98\x80");
	free(s);
}

Test(reports, json_escape_replaces_invalid_utf8)
{
	char *s = escaped("a\xFF" "b\xC3");
	cr_expect_str_eq(s, "a\\ufffdb\\ufffd");
	free(s);
	s = escaped("plain text");
	cr_expect_str_eq(s, "plain text");
	free(s);
}

Test(reports, json_numbers)
{
	char buf[PM_NUMBER_BUF];
	cr_expect_str_eq(pm_json_fmt_number(buf, 0), "0");
	cr_expect_str_eq(pm_json_fmt_number(buf, -0.0), "0");
	cr_expect_str_eq(pm_json_fmt_number(buf, -0.00001), "0");
	cr_expect_str_eq(pm_json_fmt_number(buf, 1530), "1530");
	cr_expect_str_eq(pm_json_fmt_number(buf, 12.5), "12.5");
	cr_expect_str_eq(pm_json_fmt_number(buf, 2.0 / 3.0), "0.6667");
	cr_expect_str_eq(pm_json_fmt_number(buf, 12.0 / 52.0), "0.2308");
	cr_expect_str_eq(pm_json_fmt_number(buf, -1.25), "-1.25");
	cr_expect_str_eq(pm_json_fmt_number(buf, 1e20), "100000000000000000000");
	cr_expect_str_eq(pm_json_fmt_number(buf, NAN), "null");
	cr_expect_str_eq(pm_json_fmt_number(buf, INFINITY), "null");
	cr_expect_eq(strlen(pm_json_fmt_number(buf, 1.7e308)), 309);
}

Test(reports, durations_in_human_units)
{
	char buf[PM_FMT_DURATION_BUF];
	cr_expect_str_eq(pm_fmt_duration(buf, 0), "0m");
	cr_expect_str_eq(pm_fmt_duration(buf, 45 * 60), "45m");
	cr_expect_str_eq(pm_fmt_duration(buf, 2 * 86400 + 3 * 3600), "2d 3h");
	cr_expect_str_eq(pm_fmt_duration(buf, 7 * 86400 + 5 * 60), "1w 5m");
	cr_expect_str_eq(pm_fmt_duration(buf, 3600 + 30), "1h 30s");
	cr_expect_str_eq(pm_fmt_duration(buf, INT64_MAX),
	                 "15250284452471w 3d 15h 30m 7s");
}

/* --- JSON report --------------------------------------------------------------- */

static const char small_model[] =
	"title \"T & <Co>\"\n"
	"person ann \"Ann\" { capacity: 10h/week }\n"
	"person bob\n"
	"system ops \"Ops\" {\n"
	"  owner: ann\n"
	"  process p \"P\" {\n"
	"    runs: 2/week\n"
	"    trigger: \"x\"\n"
	"    step a { takes: 1h }\n"
	"    step b { takes: 30m; waits: 1d }\n"
	"  }\n"
	"}\n"
	"process q { step c }\n";

/* Metrics as the analysis would leave them for small_model. */
static void fake_metrics(pm_model *m)
{
	pm_proc_metrics *p = pm_vec_push(m, m->an.procs);
	*p = (pm_proc_metrics){ .lead_status = PM_LEAD_OK, .lead_s = 91800, .worst_s = 95400,
	                        .work_s = 5400, .crit_first = 0, .crit_count = 2,
	                        .bottleneck = 1, .bottleneck_share = 88200.0 / 91800.0 };
	p = pm_vec_push(m, m->an.procs);
	*p = (pm_proc_metrics){ .lead_status = PM_LEAD_CYCLE, .lead_s = -1, .work_s = -1, .worst_s = -1,
	                        .bottleneck = PM_NONE };
	*pm_vec_push(m, m->an.crit_steps) = 0;
	*pm_vec_push(m, m->an.crit_steps) = 1;
	pm_person_metrics *pe = pm_vec_push(m, m->an.people);
	*pe = (pm_person_metrics){ .load_s = 10800, .utilisation = 0.3 };
	pe = pm_vec_push(m, m->an.people);
	*pe = (pm_person_metrics){ .load_s = 0, .utilisation = -1 };
	m->an.done = true;
}

static const char small_json_metrics[] =
	"  \"metrics\": {\n"
	"    \"processes\": [\n"
	"      {\n"
	"        \"id\": \"ops.p\",\n"
	"        \"label\": \"P\",\n"
	"        \"system\": \"ops\",\n"
	"        \"steps\": 2,\n"
	"        \"runs_per_week\": 2,\n"
	"        \"lead_time_minutes\": 1530,\n"
	"        \"worst_pass_minutes\": 1590,\n"
	"        \"lead_time_status\": \"ok\",\n"
	"        \"work_time_minutes\": 90,\n"
	"        \"critical_path\": [\n"
	"          \"ops.p.a\",\n"
	"          \"ops.p.b\"\n"
	"        ],\n"
	"        \"bottleneck\": \"ops.p.b\",\n"
	"        \"bottleneck_share\": 0.9608\n"
	"      },\n"
	"      {\n"
	"        \"id\": \"q\",\n"
	"        \"label\": \"q\",\n"
	"        \"system\": null,\n"
	"        \"steps\": 1,\n"
	"        \"runs_per_week\": null,\n"
	"        \"lead_time_minutes\": null,\n"
	"        \"worst_pass_minutes\": null,\n"
	"        \"lead_time_status\": \"cycle\",\n"
	"        \"work_time_minutes\": null,\n"
	"        \"critical_path\": [],\n"
	"        \"bottleneck\": null,\n"
	"        \"bottleneck_share\": null\n"
	"      }\n"
	"    ],\n"
	"    \"people\": [\n"
	"      {\n"
	"        \"id\": \"ann\",\n"
	"        \"label\": \"Ann\",\n"
	"        \"load_hours_per_week\": 3,\n"
	"        \"capacity_hours_per_week\": 10,\n"
	"        \"utilisation\": 0.3\n"
	"      },\n"
	"      {\n"
	"        \"id\": \"bob\",\n"
	"        \"label\": \"bob\",\n"
	"        \"load_hours_per_week\": 0,\n"
	"        \"capacity_hours_per_week\": null,\n"
	"        \"utilisation\": null\n"
	"      }\n"
	"    ],\n"
	"    \"systems\": [\n"
	"      {\n"
	"        \"id\": \"ops\",\n"
	"        \"label\": \"Ops\",\n"
	"        \"owner\": \"ann\",\n"
	"        \"processes\": 1,\n"
	"        \"steps\": 2\n"
	"      }\n"
	"    ]\n"
	"  },\n";

Test(reports, json_metrics_exact)
{
	pm_model *m = t_load_clean(small_model);
	fake_metrics(m);
	char *got = report(m, PM_REPORT_JSON, 0);
	cr_expect(strstr(got, small_json_metrics) != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "  \"title\": \"T \\u0026 \\u003cCo\\u003e\",\n") != NULL,
	          "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, json_whole_document)
{
	pm_model *m = t_load_clean("person x\n");
	add(m, PM_SEV_INFO, "unused-person", m->people.v[0].loc, "x",
	    "person 'x' is never referenced");
	char *got = report(m, PM_REPORT_JSON, 0);
	char want[4096];
	snprintf(want, sizeof want,
	         "{\n"
	         "  \"tool\": {\n"
	         "    \"name\": \"procmap\",\n"
	         "    \"version\": \"%s\"\n"
	         "  },\n"
	         "  \"title\": null,\n"
	         "  \"files\": [\n"
	         "    \"t.pmap\"\n"
	         "  ],\n"
	         "  \"counts\": {\n"
	         "    \"systems\": 0,\n"
	         "    \"processes\": 0,\n"
	         "    \"steps\": 0,\n"
	         "    \"flows\": 0,\n"
	         "    \"handoffs\": 0,\n"
	         "    \"people\": 1,\n"
	         "    \"tools\": 0\n"
	         "  },\n"
	         "  \"findings\": [\n"
	         "    {\n"
	         "      \"rule\": \"unused-person\",\n"
	         "      \"severity\": \"info\",\n"
	         "      \"subject\": \"x\",\n"
	         "      \"message\": \"person 'x' is never referenced\",\n"
	         "      \"file\": \"t.pmap\",\n"
	         "      \"line\": 1,\n"
	         "      \"column\": 1,\n"
	         "      \"related\": []\n"
	         "    }\n"
	         "  ],\n"
	         "  \"suppressed\": [],\n"
	         "  \"metrics\": {\n"
	         "    \"processes\": [],\n"
	         "    \"people\": [\n"
	         "      {\n"
	         "        \"id\": \"x\",\n"
	         "        \"label\": \"x\",\n"
	         "        \"load_hours_per_week\": null,\n"
	         "        \"capacity_hours_per_week\": null,\n"
	         "        \"utilisation\": null\n"
	         "      }\n"
	         "    ],\n"
	         "    \"systems\": []\n"
	         "  },\n"
	         "  \"summary\": {\n"
	         "    \"error\": 0,\n"
	         "    \"warning\": 0,\n"
	         "    \"info\": 1\n"
	         "  }\n"
	         "}\n", pm_version());
	cr_expect_str_eq(got, want);
	free(got);
	pm_model_free(m);
}

Test(reports, json_suppressed_and_related)
{
	pm_model *m = t_load_clean("process a { step s }\nprocess b { step t }\n");
	pm_diag_rec *r = add(m, PM_SEV_WARNING, "handoff-cycle",
	                     m->processes.v[0].loc, "a", "hand-offs form a cycle");
	static const char *const rel[] = { "b" };
	r->d.related = rel;
	r->d.nrelated = 1;
	r->d.suppressed = "on purpose";
	add(m, PM_SEV_WARNING, "orphan-process", m->processes.v[1].loc, "b", "orphan");
	char *got = report(m, PM_REPORT_JSON, 0);
	cr_expect(strstr(got,
	          "  \"suppressed\": [\n"
	          "    {\n"
	          "      \"rule\": \"handoff-cycle\",\n"
	          "      \"severity\": \"warning\",\n"
	          "      \"subject\": \"a\",\n"
	          "      \"message\": \"hand-offs form a cycle\",\n"
	          "      \"file\": \"t.pmap\",\n"
	          "      \"line\": 1,\n"
	          "      \"column\": 1,\n"
	          "      \"related\": [\n"
	          "        \"b\"\n"
	          "      ],\n"
	          "      \"reason\": \"on purpose\"\n"
	          "    }\n"
	          "  ],\n") != NULL, "got:\n%s", got);
	cr_expect_eq(count_of(got, "\"rule\""), 2);
	cr_expect(strstr(got, "\"warning\": 1,") != NULL, "suppressed counted:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, json_finding_without_location)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_file(m, "/nonexistent/x.pmap", PM_INPUT_AUTO), PM_ERR_IO);
	char *got = report(m, PM_REPORT_JSON, 0);
	cr_expect(strstr(got,
	          "      \"subject\": null,\n"
	          "      \"message\": \"cannot read '/nonexistent/x.pmap': No such file or directory\",\n"
	          "      \"file\": null,\n"
	          "      \"line\": null,\n"
	          "      \"column\": null,\n") != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "\"files\": [],") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, reports_are_deterministic)
{
	for (int f = PM_REPORT_TEXT; f <= PM_REPORT_MARKDOWN; f++) {
		pm_model *a = t_load(small_model), *b = t_load(small_model);
		fake_metrics(a);
		fake_metrics(b);
		char *x = report(a, (pm_report_format)f, 0), *y = report(b, (pm_report_format)f, 0);
		char *x2 = report(a, (pm_report_format)f, 0);
		cr_expect_str_eq(x, y, "format %d", f);
		cr_expect_str_eq(x, x2, "format %d written twice", f);
		free(x);
		free(x2);
		free(y);
		pm_model_free(a);
		pm_model_free(b);
	}
}

Test(reports, bad_arguments)
{
	pm_model *m = t_load_clean("person x\n");
	cr_expect_eq(pm_model_write_report(NULL, stdout, PM_REPORT_JSON, 0), PM_ERR_USAGE);
	cr_expect_eq(pm_model_write_report(m, NULL, PM_REPORT_JSON, 0), PM_ERR_USAGE);
	cr_expect_eq(pm_model_write_report(m, stdout, (pm_report_format)9, 0), PM_ERR_USAGE);
	pm_model_free(m);
}

Test(reports, write_error_is_reported)
{
	pm_model *m = t_load_clean(small_model);
	FILE *full = fopen("/dev/full", "w");
	cr_assert_not_null(full);
	setvbuf(full, NULL, _IONBF, 0);
	for (int f = PM_REPORT_TEXT; f <= PM_REPORT_MARKDOWN; f++)
		cr_expect_eq(pm_model_write_report(m, full, (pm_report_format)f, 0), PM_ERR_IO,
		             "format %d", f);
	fclose(full);
	pm_model_free(m);
}

/* Every emitter survives an allocation failure at any point: it returns
 * PM_ERR_NOMEM and the model can still be freed (ASan checks leaks). */
Test(reports, out_of_memory_anywhere)
{
	for (int f = PM_REPORT_TEXT; f <= PM_REPORT_MARKDOWN; f++) {
		for (unsigned long n = 1; n < 1000; n++) {
			pm_model *m = t_load(small_model);
			add(m, PM_SEV_WARNING, "orphan-process", m->processes.v[1].loc, "q", "orphan");
			FILE *out = fopen("/dev/null", "w");
			pm_alloc_fail_after(n);
			pm_status st = pm_model_write_report(m, out, (pm_report_format)f, 0);
			pm_alloc_fail_after(0);
			fclose(out);
			pm_model_free(m);
			cr_assert(st == PM_OK || st == PM_ERR_NOMEM, "format %d, n %lu: %d", f, n, st);
			if (st == PM_OK)
				break;
		}
	}
}

/* --- text report ------------------------------------------------------------ */

Test(reports, text_summary_line)
{
	pm_model *m = t_load_clean("person x\n");
	char *got = report(m, PM_REPORT_TEXT, 0);
	cr_expect_str_eq(got, "0 errors, 0 warnings, 0 infos\n");
	free(got);
	pm_loc at = m->people.v[0].loc;
	add(m, PM_SEV_ERROR, "step-cycle", at, "x", "e1");
	add(m, PM_SEV_WARNING, "orphan-process", at, "x", "w1");
	add(m, PM_SEV_INFO, "unused-person", at, "x", "i1");
	got = report(m, PM_REPORT_TEXT, PM_WRITE_NO_SOURCE);
	cr_expect_str_eq(got,
	                 "t.pmap:1:1: error: e1 [step-cycle]\n"
	                 "t.pmap:1:1: warning: w1 [orphan-process]\n"
	                 "t.pmap:1:1: info: i1 [unused-person]\n"
	                 "1 error, 1 warning, 1 info\n");
	free(got);
	add(m, PM_SEV_WARNING, "handoff-cycle", at, "x", "hidden")->d.suppressed = "why";
	add(m, PM_SEV_WARNING, "orphan-process", at, "x", "w2");
	got = report(m, PM_REPORT_TEXT, PM_WRITE_NO_SOURCE);
	cr_expect(strstr(got, "hidden") == NULL, "suppressed finding printed:\n%s", got);
	cr_expect(strstr(got, "\n1 error, 2 warnings, 1 info (1 suppressed)\n") != NULL,
	          "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, text_sorted_by_file_and_line)
{
	pm_model *m = pm_model_new();
	pm_model_load_buffer(m, "b.pmap", "person z\n\nperson y\n", 19, PM_INPUT_PMAP);
	pm_model_load_buffer(m, "a.pmap", "person w\n", 9, PM_INPUT_PMAP);
	pm_model_resolve(m);
	add(m, PM_SEV_INFO, "unused-person", m->people.v[2].loc, "w", "w unused");
	add(m, PM_SEV_INFO, "unused-person", m->people.v[1].loc, "y", "y unused");
	add(m, PM_SEV_INFO, "unused-person", m->people.v[0].loc, "z", "z unused");
	char *got = report(m, PM_REPORT_TEXT, 0);
	/* files in the order loaded, then by line */
	cr_expect_str_eq(got,
	                 "b.pmap:1:1: info: z unused [unused-person]\n"
	                 " person z\n"
	                 " ^\n"
	                 "b.pmap:3:1: info: y unused [unused-person]\n"
	                 " person y\n"
	                 " ^\n"
	                 "a.pmap:1:1: info: w unused [unused-person]\n"
	                 " person w\n"
	                 " ^\n"
	                 "0 errors, 0 warnings, 3 infos\n");
	free(got);
	pm_model_free(m);
}

Test(reports, text_color)
{
	pm_model *m = t_load_clean("person x\n");
	add(m, PM_SEV_WARNING, "orphan-process", m->people.v[0].loc, "x", "w");
	char *plain = report(m, PM_REPORT_TEXT, 0);
	char *color = report(m, PM_REPORT_TEXT, PM_WRITE_COLOR);
	cr_expect(strchr(plain, '\033') == NULL);
	cr_expect(strstr(color, "\033[1;35mwarning:\033[0m") != NULL, "got:\n%s", color);
	free(plain);
	free(color);
	pm_model_free(m);
}

/* --- SARIF ------------------------------------------------------------------ */

Test(reports, sarif_rules_and_levels)
{
	pm_model *m = t_load_clean("person x\n");
	add(m, PM_SEV_INFO, "unused-person", m->people.v[0].loc, "x", "i");
	char *got = report(m, PM_REPORT_SARIF, 0);
	cr_expect_eq(count_of(got, "\"shortDescription\""), pm_nrules);
	cr_expect(strstr(got,
	          "            {\n"
	          "              \"id\": \"step-cycle\",\n"
	          "              \"shortDescription\": {\n"
	          "                \"text\": \"a trap: a loop of steps that no arrow leaves, so the process can never finish\"\n"
	          "              },\n"
	          "              \"defaultConfiguration\": {\n"
	          "                \"level\": \"error\"\n"
	          "              }\n"
	          "            },\n") != NULL, "got:\n%s", got);
	const pm_rule_info *r = pm_rule_find("unused-person", 13);
	char want[512];
	snprintf(want, sizeof want,
	         "          \"ruleId\": \"unused-person\",\n"
	         "          \"ruleIndex\": %d,\n"
	         "          \"level\": \"note\",\n", (int)(r - pm_rules));
	cr_expect(strstr(got, want) != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "\"columnKind\": \"unicodeCodePoints\"") != NULL);
	free(got);
	pm_model_free(m);
}

Test(reports, sarif_result_location_and_suppression)
{
	pm_model *m = pm_model_new();
	const char *text = "person x\n  person y\n";
	pm_model_load_buffer(m, "my dir/a:b#1.pmap", text, strlen(text), PM_INPUT_PMAP);
	pm_model_resolve(m);
	pm_diag_rec *r = add(m, PM_SEV_WARNING, "overloaded-person", m->people.v[1].loc,
	                     "y", "too busy");
	r->d.suppressed = "seasonal <peak>";
	static const char *const rel[] = { "x" };
	r->d.related = rel;
	r->d.nrelated = 1;
	char *got = report(m, PM_REPORT_SARIF, 0);
	cr_expect(strstr(got,
	          "          \"message\": {\n"
	          "            \"text\": \"too busy\"\n"
	          "          },\n"
	          "          \"locations\": [\n"
	          "            {\n"
	          "              \"physicalLocation\": {\n"
	          "                \"artifactLocation\": {\n"
	          "                  \"uri\": \"my%20dir/a%3Ab%231.pmap\"\n"
	          "                },\n"
	          "                \"region\": {\n"
	          "                  \"startLine\": 2,\n"
	          "                  \"startColumn\": 3\n"
	          "                }\n"
	          "              },\n"
	          "              \"logicalLocations\": [\n"
	          "                {\n"
	          "                  \"fullyQualifiedName\": \"y\"\n"
	          "                }\n"
	          "              ]\n"
	          "            }\n"
	          "          ],\n"
	          "          \"partialFingerprints\": {\n"
	          "            \"procmap/v1\": \"4e862a0822fce0ad\"\n"
	          "          },\n"
	          "          \"suppressions\": [\n"
	          "            {\n"
	          "              \"kind\": \"inSource\",\n"
	          "              \"justification\": \"seasonal \\u003cpeak\\u003e\"\n"
	          "            }\n"
	          "          ],\n"
	          "          \"properties\": {\n"
	          "            \"subject\": \"y\",\n"
	          "            \"related\": [\n"
	          "              \"x\"\n"
	          "            ]\n"
	          "          }\n") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, sarif_absolute_path_and_unsuppressed)
{
	pm_model *m = pm_model_new();
	pm_model_load_buffer(m, "/srv/maps/x.pmap", "person x\n", 9, PM_INPUT_PMAP);
	pm_model_resolve(m);
	add(m, PM_SEV_ERROR, "step-cycle", m->people.v[0].loc, "x", "e");
	char *got = report(m, PM_REPORT_SARIF, 0);
	cr_expect(strstr(got, "\"uri\": \"file:///srv/maps/x.pmap\"") != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "\"suppressions\": [],") != NULL, "got:\n%s", got);
	/* rule and subject, FNV-1a 64 (computed apart from procmap) */
	cr_expect(strstr(got, "\"procmap/v1\": \"e42c480605420220\"") != NULL,
	          "got:\n%s", got);
	cr_expect(strstr(got, "\"level\": \"error\",\n          \"message\"") != NULL,
	          "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

/* Reading errors have no subject: their place tells two alike apart. */
Test(reports, sarif_fingerprints_of_alike_reading_errors_differ)
{
	pm_model *m = pm_model_new();
	const char *text = "process p {\n  step a { takes: 1m; takes: 2m }\n"
	                   "  step b { takes: 1m; takes: 2m }\n}\n";
	pm_model_load_buffer(m, "t.pmap", text, strlen(text), PM_INPUT_PMAP);
	pm_model_resolve(m);
	char *got = report(m, PM_REPORT_SARIF, 0);
	const char *key = "\"procmap/v1\": \"";
	const char *a = strstr(got, key);
	cr_assert_not_null(a, "%s", got);
	const char *b = strstr(a + 1, key);
	cr_assert_not_null(b, "%s", got);
	cr_expect(strncmp(a + strlen(key), b + strlen(key), 16) != 0, "%s", got);
	cr_expect(strstr(got, "'takes' is given twice for a step"), "%s", got);
	free(got);
	pm_model_free(m);
}

/* --- Markdown ------------------------------------------------------------------ */

/* The cells of the table row that starts with `start`, counted by the
 * unescaped '|' in it. */
static int row_cells(const char *md, const char *start)
{
	const char *p = strstr(md, start);
	cr_assert_not_null(p, "no row '%s' in:\n%s", start, md);
	int bars = 0;
	for (; *p && *p != '\n'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		bars += *p == '|';
	}
	return bars - 1;
}

Test(reports, markdown_escapes_model_text)
{
	pm_model *m = t_load_clean(
		"title \"<b>Audit</b> & *co*\"\n"
		"person ann \"Ann | <script>alert(1)</script>\" { capacity: 10h/week }\n"
		"process p \"P_[1] `x` #2\" { step s { owner: ann } }\n");
	add(m, PM_SEV_WARNING, "orphan-process", m->processes.v[0].loc, "p",
	    "process 'p' <img src=x onerror=alert(1)> | broken");
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "<script") == NULL, "HTML got through:\n%s", got);
	cr_expect(strstr(got, "<img") == NULL, "HTML got through:\n%s", got);
	cr_expect(strstr(got, "<b>") == NULL, "HTML got through:\n%s", got);
	cr_expect(strstr(got, "# Process audit: &lt;b&gt;Audit&lt;/b&gt; &amp; \\*co\\*\n") != NULL,
	          "got:\n%s", got);
	cr_expect(strstr(got, "| Ann \\| &lt;script&gt;alert(1)&lt;/script&gt; (`ann`) |") != NULL,
	          "got:\n%s", got);
	cr_expect(strstr(got, "| P\\_\\[1\\] \\`x\\` \\#2 (`p`) |") != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "&lt;img src=x onerror=alert(1)&gt; \\| broken") != NULL,
	          "got:\n%s", got);
	/* the header has 4 cells, so must the row with the '|' in its label */
	cr_expect_eq(row_cells(got, "| Ann"), 4);
	cr_expect_eq(row_cells(got, "| Person"), 4);
	cr_expect_eq(row_cells(got, "| P\\_"), 7);
	free(got);
	pm_model_free(m);
}

Test(reports, markdown_plain_text_unchanged)
{
	pm_model *m = t_load_clean("title \"Fern and Fig, Ltd.\"\nperson ann \"Ann Lee (owner)\"\n");
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "# Process audit: Fern and Fig, Ltd.\n") != NULL, "got:\n%s", got);
	cr_expect(strstr(got, "| Ann Lee (owner) (`ann`) | — | — | — |\n") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, markdown_newlines_cannot_break_out)
{
	pm_model *m = t_load_clean("person ann \"a\\n# heading\\n| x |\"\n");
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "\n# heading") == NULL, "got:\n%s", got);
	cr_expect(strstr(got, "| a \\# heading \\| x \\| (`ann`) |") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, markdown_tables_with_metrics)
{
	pm_model *m = t_load_clean(small_model);
	fake_metrics(m);
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got,
	          "| Process | Steps | Runs | Lead time | Work time | Critical path | Bottleneck |\n"
	          "|---|---:|---|---:|---:|---|---|\n"
	          "| P (`ops.p`) | 2 | 2/week | 1d 1h 30m | 1h 30m | a → b | b (96%) |\n"
	          "| `q` | 1 | — | n/a (cycle) | n/a (cycle) | — | — |\n") != NULL, "got:\n%s", got);
	cr_expect(strstr(got,
	          "| Ann (`ann`) | 3h | 10h | 30% |\n"
	          "| `bob` | 0h | — | — |\n") != NULL, "got:\n%s", got);
	cr_expect(strstr(got,
	          "| System | Owner | Processes | Steps |\n"
	          "|---|---|---:|---:|\n"
	          "| Ops (`ops`) | `ann` | 1 | 2 |\n") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, lead_time_status_explained)
{
	pm_model *m = t_load_clean("process e\nprocess n { step x }\n");
	pm_proc_metrics *p = pm_vec_push(m, m->an.procs);
	*p = (pm_proc_metrics){ .lead_status = PM_LEAD_EMPTY, .lead_s = -1, .work_s = -1, .worst_s = -1,
	                        .bottleneck = PM_NONE };
	p = pm_vec_push(m, m->an.procs);
	*p = (pm_proc_metrics){ .lead_status = PM_LEAD_NO_DATA, .lead_s = -1, .work_s = -1, .worst_s = -1,
	                        .bottleneck = PM_NONE };
	m->an.done = true;
	char *md = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(md,
	          "| `e` | 0 | — | n/a (no steps) | n/a (no steps) | — | — |\n"
	          "| `n` | 1 | — | n/a (no durations) | n/a (no durations) | — | — |\n") != NULL,
	          "got:\n%s", md);
	char *json = report(m, PM_REPORT_JSON, 0);
	cr_expect(strstr(json, "\"lead_time_minutes\": null,\n"
	                 "        \"worst_pass_minutes\": null,\n"
	                 "        \"lead_time_status\": \"no-steps\",\n") != NULL, "got:\n%s", json);
	cr_expect(strstr(json, "\"lead_time_minutes\": null,\n"
	                 "        \"worst_pass_minutes\": null,\n"
	                 "        \"lead_time_status\": \"no-durations\",\n") != NULL, "got:\n%s", json);
	free(md);
	free(json);
	pm_model_free(m);
}

Test(reports, markdown_overload_in_bold)
{
	pm_model *m = t_load_clean(small_model);
	fake_metrics(m);
	m->an.people.v[0] = (pm_person_metrics){ .load_s = 45000, .utilisation = 1.25 };
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "| Ann (`ann`) | 12.5h | 10h | **125%** |\n") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, markdown_groups_findings)
{
	pm_model *m = t_load_clean(
		"person ops \"Ops person\"\n"
		"tool t\n"
		"process lone { step s }\n"
		"system ops \"Operations\" { process p { step s } }\n"
		"system zed { process r { step s } }\n");
	add(m, PM_SEV_INFO, "unused-tool", m->tools.v[0].loc, "t", "tool 't' unused");
	add(m, PM_SEV_WARNING, "orphan-process", m->processes.v[0].loc, "lone", "lone orphan");
	add(m, PM_SEV_INFO, "unused-person", m->people.v[0].loc, "ops", "person 'ops' unused");
	add(m, PM_SEV_WARNING, "missing-owner", m->steps.v[2].loc, "zed.r.s", "zed step");
	add(m, PM_SEV_WARNING, "missing-owner", m->steps.v[1].loc, "ops.p.s", "ops step");
	add(m, PM_SEV_WARNING, "empty-system", m->systems.v[0].loc, "ops", "system 'ops'");
	add(m, PM_SEV_ERROR, "syntax", m->people.v[0].loc, NULL, "general one");
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got,
	          "## Findings\n"
	          "\n### System Operations (`ops`)\n\n"
	          "- **warning** t.pmap:4:1: system 'ops' (empty-system)\n"
	          "- **warning** t.pmap:4:39: ops step (missing-owner)\n"
	          "\n### System `zed`\n\n"
	          "- **warning** t.pmap:5:26: zed step (missing-owner)\n"
	          "\n### Processes outside any system\n\n"
	          "- **warning** t.pmap:3:1: lone orphan (orphan-process)\n"
	          "\n### People\n\n"
	          "- **info** t.pmap:1:1: person 'ops' unused (unused-person)\n"
	          "\n### Tools\n\n"
	          "- **info** t.pmap:2:1: tool 't' unused (unused-tool)\n"
	          "\n### General\n\n"
	          "- **error** t.pmap:1:1: general one (syntax)\n") != NULL, "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

Test(reports, markdown_summary_and_suppressed)
{
	pm_model *m = t_load_clean("process a { step s }\n");
	char *got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "\n## Findings\n\nNo findings.\n") != NULL, "got:\n%s", got);
	cr_expect(strstr(got,
	          "| Systems | Processes | Steps | People | Tools | Flows | Hand-offs |\n"
	          "|---:|---:|---:|---:|---:|---:|---:|\n"
	          "| 0 | 1 | 1 | 0 | 0 | 0 | 0 |\n") != NULL, "got:\n%s", got);
	free(got);
	add(m, PM_SEV_WARNING, "orphan-process", m->processes.v[0].loc, "a",
	    "orphan")->d.suppressed = "rare | ad hoc";
	got = report(m, PM_REPORT_MARKDOWN, 0);
	cr_expect(strstr(got, "Findings: **0 errors, 0 warnings, 0 infos** (1 suppressed).\n") != NULL,
	          "got:\n%s", got);
	cr_expect(strstr(got, "\n## Findings\n\nNo findings.\n\n### Suppressed with `ignore:`\n\n"
	                 "- t.pmap:1:1: orphan (orphan-process): rare \\| ad hoc\n") != NULL,
	          "got:\n%s", got);
	free(got);
	pm_model_free(m);
}

/* --- schema ------------------------------------------------------------------- */

/* Runs tests/reports/validate.py; returns its exit status, output in *out. */
static int validate(const char *schema, const char *doc, char **out)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' '%s/tests/reports/validate.py' '%s/%s' '%s' 2>&1",
	         PYTHON, t_root(), t_root(), schema, doc);
	int status;
	*out = t_run(cmd, &status);
	return status;
}

/* A folder for the documents the validator reads; each Criterion test
 * runs in a process of its own, and the suite's fini removes it. */
static char tmp_dir[] = "/tmp/procmap-reports-XXXXXX";
static bool tmp_made;

static void remove_tmp(void)
{
	if (!tmp_made)
		return;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(reports, .fini = remove_tmp);

static char *tmp_path(const char *name)
{
	if (!tmp_made) {
		cr_assert_not_null(mkdtemp(tmp_dir));
		tmp_made = true;
	}
	char *p = malloc(strlen(tmp_dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", tmp_dir, name);
	return p;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

/* The CLI's report of a sample, run from the source root. */
static char *cli_report(const char *format, const char *sample, int *status)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' check --no-config --format %s '%s'",
	         t_root(), t_bin(), format, sample);
	return t_run(cmd, status);
}

static void validate_samples(const char *format, const char *schema)
{
	glob_t g;
	t_glob("samples/*.pmap", &g);
	cr_assert_geq(g.gl_pathc, 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		char rel[512];
		snprintf(rel, sizeof rel, "samples/%s", base);
		int status;
		char *doc = cli_report(format, rel, &status);
		cr_expect(status == 0 || status == 1, "%s: exit %d", base, status);
		char *path = tmp_path(base);
		write_text(path, doc);
		char *out;
		cr_expect_eq(validate(schema, path, &out), 0, "%s %s:\n%s", format, base, out);
		free(out);
		free(path);
		free(doc);
	}
	globfree(&g);
}

Test(reports, json_of_every_sample_validates)
{
	validate_samples("json", "schemas/report.schema.json");
}

Test(reports, sarif_of_every_sample_validates)
{
	validate_samples("sarif", "tests/sarif-2.1.0-subset.schema.json");
}

/* The validator does reject: a report with a wrong severity, a missing key,
 * and a finding whose file is null but line is not. */
Test(reports, schema_rejects_bad_reports)
{
	static const char *const bad[] = {
		"\"severity\": \"warning\"|\"severity\": \"fatal\"",
		"\"rule\": \"unused-person\"|\"rule\": \"no-such-rule\"",
		"\"summary\": {|\"summery\": {",
		"\"line\": 1,|\"line\": 0,",
		"\"label\": \"x\"|\"label\": 3",
		"\"file\": \"t.pmap\"|\"file\": null",
	};
	pm_model *m = t_load_clean("person x\n");
	add(m, PM_SEV_WARNING, "unused-person", m->people.v[0].loc, "x", "unused");
	char *good = report(m, PM_REPORT_JSON, 0);
	char *path = tmp_path("bad.json"), *out;
	write_text(path, good);
	cr_expect_eq(validate("schemas/report.schema.json", path, &out), 0, "%s", out);
	free(out);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *bar = strchr(bad[i], '|');
		size_t flen = (size_t)(bar - bad[i]);
		char from[256];
		memcpy(from, bad[i], flen);
		from[flen] = '\0';
		char *hit = strstr(good, from);
		cr_assert_not_null(hit, "%s", from);
		size_t glen = strlen(good), tlen = strlen(bar + 1);
		char *doc = malloc(glen + tlen + 1);
		memcpy(doc, good, (size_t)(hit - good));
		strcpy(doc + (hit - good), bar + 1);
		strcat(doc, hit + flen);
		write_text(path, doc);
		cr_expect_eq(validate("schemas/report.schema.json", path, &out), 1,
		             "accepted: %s\n%s", bar + 1, out);
		free(out);
		free(doc);
	}
	free(path);
	free(good);
	pm_model_free(m);
}

/* The rule enum of the schema is exactly the rule table. */
Test(reports, schema_lists_every_rule)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/schemas/report.schema.json", t_root());
	char *schema = t_read_file(path, NULL);
	cr_assert_not_null(schema);
	char *en = strstr(schema, "\"rule\": {");
	cr_assert_not_null(en);
	en = strstr(en, "\"enum\": [");
	cr_assert_not_null(en);
	en += strlen("\"enum\": [");
	char *end = strchr(en, ']');
	size_t quotes = 0;
	for (char *p = strchr(en, '"'); p && p < end; p = strchr(p + 1, '"'))
		quotes++;
	size_t listed = quotes / 2;
	for (size_t i = 0; i < pm_nrules; i++) {
		char q[128];
		snprintf(q, sizeof q, "\"%s\"", pm_rules[i].name);
		char *hit = strstr(en, q);
		cr_expect(hit && hit < end,
		          "rule '%s' is missing from the rule enum of schemas/report.schema.json",
		          pm_rules[i].name);
	}
	cr_expect_eq(listed, pm_nrules, "the schema lists %zu rules, rules.c has %zu",
	             listed, pm_nrules);
	free(schema);
}

/* --- golden JSON reports ------------------------------------------------------- */

Test(reports, golden_json_per_sample)
{
	glob_t g;
	t_glob("samples/*.pmap", &g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		char rel[512], golden[4096];
		snprintf(rel, sizeof rel, "samples/%s", base);
		snprintf(golden, sizeof golden, "%s/tests/reports/%.*s.json", t_root(),
		         (int)(strlen(base) - 5), base);
		int status;
		char *got = cli_report("json", rel, &status);
		free(t_expect_golden(got, golden, base));
		free(got);
	}
	globfree(&g);
}

/* --- the documentation's examples ---------------------------------------------- */

/* Every ```pmap example of every page in docs/ gives what the page says it
 * gives (diagnostics exactly, metrics by key), and docs/rules.md's tables
 * are `procmap rules` row for row: a figure or message in the docs that
 * drifts from the code fails here (tests/docs/check_examples.py). */
Test(reports, docs_examples_are_what_procmap_prints, .timeout = 120)
{
	glob_t g;
	t_glob("docs/*.md", &g);
	int pages = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char cmd[16384];
		bool rules = strstr(g.gl_pathv[i], "/rules.md") != NULL;
		snprintf(cmd, sizeof cmd, "'%s' '%s/tests/docs/check_examples.py' '%s' '%s'%s 2>&1",
		         PYTHON, t_root(), t_bin(), g.gl_pathv[i], rules ? " --rules-table" : "");
		int st;
		char *out = t_run(cmd, &st);
		cr_expect_eq(st, 0, "%s:\n%s", g.gl_pathv[i], out);
		free(out);
		pages += rules;
	}
	globfree(&g);
	cr_expect_eq(pages, 1, "docs/rules.md is not among the pages checked");
}

/* check lets the input's text go before analysing when the report is not
 * text: the JSON is the same without it, a text report written afterwards
 * shows no source lines, and a configuration loaded afterwards keeps its
 * own for its carets. */
Test(reports, dropped_sources)
{
	const char *src = "process refunds {\n  step a\n}\n";
	pm_model *keep = t_load(src), *drop = t_load(src);
	pm_model_drop_sources(drop);
	cr_assert_null(drop->files.v[0].data);
	cr_assert_eq(pm_model_analyze(keep), PM_OK);
	cr_assert_eq(pm_model_analyze(drop), PM_OK);
	char *a = report(keep, PM_REPORT_JSON, 0), *b = report(drop, PM_REPORT_JSON, 0);
	cr_expect_str_eq(b, a);
	free(a);
	free(b);
	a = report(drop, PM_REPORT_TEXT, 0);
	cr_expect_str_eq(a,
		"t.pmap:1:1: warning: process 'refunds' is not inside any system [orphan-process]\n"
		"t.pmap:1:1: warning: process 'refunds' has no trigger and no other process hands off "
		"to it: nothing ever starts it [unreachable-process]\n"
		"t.pmap:2:3: warning: step 'refunds.a' has no owner: neither the step nor process "
		"'refunds' names one [missing-owner]\n"
		"0 errors, 3 warnings, 0 infos\n");
	free(a);
	a = report(keep, PM_REPORT_TEXT, 0);
	cr_expect(strstr(a, "[orphan-process]\n process refunds {\n ^\n"), "%s", a);
	free(a);
	pm_model_free(keep);
	pm_model_free(drop);

	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/tests/golden_config/unknown_rule.yaml", t_root());
	drop = t_load(src);
	pm_model_drop_sources(drop);
	cr_assert_eq(pm_model_load_config(drop, path), PM_ERR_INPUT);
	a = report(drop, PM_REPORT_TEXT, 0);
	cr_expect(strstr(a, "unknown_rule.yaml:2:3: error: unknown rule 'step-cycles'; "
	                    "did you mean 'step-cycle'? [config]\n   step-cycles: warning\n   ^\n"), "%s", a);
	free(a);
	pm_model_free(drop);
}
