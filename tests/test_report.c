/* test_report.c — procmap report: the self-contained HTML audit (alone in
 * a folder, in headless Chromium: every diagram painted, every internal
 * link resolved, printed as a page a system), the Markdown audit and its
 * assets folder, the configuration shared with check, hostile text, and
 * the usage and write errors. */
#define _GNU_SOURCE   /* asprintf */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* One system with two processes, one process outside any system. */
static const char tiny[] =
	"title: \"Tiny shop\"\n"
	"person a \"Ann\" { capacity: 40h/week }\n"
	"system s \"Shop\" { owner: a\n"
	"  process p \"Pack\" { trigger: \"order\"; runs: 2/week\n"
	"    step x \"Pick\" { takes: 1h; waits: 1h }\n"
	"    step y \"Box\" { takes: 2h }\n"
	"    x -> y\n"
	"  }\n"
	"  process q \"Ship\" { trigger: \"packed\"; runs: 1/week\n"
	"    step z \"Post\" { takes: 2h }\n"
	"  }\n"
	"}\n"
	"process r \"Refund\" { owner: a; trigger: \"refund asked\"; runs: 1/week\n"
	"  step lonely { takes: 1h }\n"
	"}\n";

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Runs `procmap ARGS` in folder dir; returns its output (stdout and
 * stderr), *st its exit status. */
static char *run_in(const char *dir, const char *args, int *st)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' && mkdir -p '%s/tmp' && TMPDIR='%s/tmp' %s %s 2>&1",
	         dir, dir, dir, t_bin(), args);
	return t_run(cmd, st);
}

/* The names in folder dir, sorted, one a line (malloc'd). */
static char *listing(const char *dir)
{
	char cmd[2048];
	int st;
	snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
	return t_run(cmd, &st);
}

/* What is left in DIR/tmp, the TMPDIR run_in() gives procmap. */
static char *scratch(const char *dir)
{
	return listing(t_fmt("%s/tmp", dir));
}

/* Every href="#X" of the page names an id="X" in it (Graphviz writes '-'
 * in ids as "&#45;"). */
static void expect_links_resolve(const char *page)
{
	char *h = strdup(page);
	for (char *w = h, *r = h; ; ) {
		if (!strncmp(r, "&#45;", 5)) {
			*w++ = '-';
			r += 5;
		} else if (!(*w++ = *r++))
			break;
	}
	size_t links = 0;
	for (const char *p = h; (p = strstr(p, "href=\"")); ) {
		p += 6;
		const char *q = strchr(p, '"');
		cr_assert_not_null(q);
		cr_expect_eq(*p, '#', "a link out of the page: %.*s", (int)(q - p), p);
		if (*p == '#') {
			char want[512];
			snprintf(want, sizeof want, "id=\"%.*s\"", (int)(q - p - 1), p + 1);
			cr_expect_not_null(strstr(h, want), "link %.*s goes nowhere", (int)(q - p), p);
			links++;
		}
		p = q;
	}
	cr_expect_gt(links, 10, "the page links its findings and diagrams (%zu links)", links);
	free(h);
}

Test(report, html_alone_in_its_folder)
{
	char *d = t_tmpdir("report");
	t_write_in(d, "m.pmap", tiny);
	char *out_dir = NULL;
	cr_assert_neq(asprintf(&out_dir, "%s/out", d), -1);
	cr_assert_eq(system(t_fmt("mkdir '%s'", out_dir)), 0);
	int st;
	char *o = run_in(d, "report -o out/audit.html m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	cr_expect_str_eq(o, "wrote out/audit.html\n");
	char *ls = listing(out_dir);
	cr_expect_str_eq(ls, "audit.html\n", "nothing beside the page");
	char *left = scratch(d);
	cr_expect_str_eq(left, "", "the scratch folder is removed");
	free(left);
	char *h = t_file_in(out_dir, "audit.html");
	/* every diagram inside: forest, the system, its processes, the loose one */
	static const char *const sections[] = {
		"id=\"d-forest\"", "id=\"d-system-s\"", "id=\"d-process-s.p\"",
		"id=\"d-process-s.q\"", "id=\"d-process-r\"",
	};
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
		cr_expect_eq(count(h, sections[i]), 1, "%s", sections[i]);
	cr_expect_eq(count(h, "<svg width="), 5, "five diagrams inline");
	/* each system followed by its processes, then the one outside */
	const char *sy = strstr(h, "id=\"d-system-s\""), *p = strstr(h, "id=\"d-process-s.p\""),
		   *q = strstr(h, "id=\"d-process-s.q\""), *r = strstr(h, "id=\"d-process-r\"");
	cr_expect(sy && p && q && r && sy < p && p < q && q < r, "system, its processes, the rest");
	cr_expect_eq(count(h, "class=\"diagram process in-system\""), 2);
	cr_expect_null(strstr(h, ".svg\""), "no link to an SVG file");
	cr_expect_null(strstr(h, " src="), "no external script or image");
	cr_expect_null(strstr(h, "<object"));
	expect_links_resolve(h);
	/* '-o -': the same page on standard output */
	const char *cmd = t_fmt("cd '%s' && %s report -o - m.pmap 2>/dev/null | cmp - out/audit.html",
	                        d, t_bin());
	char *c = t_run(cmd, &st);
	cr_expect_eq(st, 0, "standard output: %s", c);
	free(c);
	free(h);
	free(ls);
	free(o);
	free(out_dir);
	t_rmtree(d);
}

/* Chromium, from a folder holding the page alone: the script runs (its
 * hash is allowed), each diagram is painted where its link leads, and the
 * printed PDF has a page a system (and one for the process outside). */
Test(report, html_in_chromium, .timeout = 300)
{
	const char *cr = t_chromium();
	char *d = t_tmpdir("report");
	int st;
	cr_assert_eq(system(t_fmt("mkdir '%s/out'", d)), 0);
	char *o = run_in(d, t_fmt("report -q -o out/audit.html '%s'", t_sample("shop.pmap")), &st);
	cr_assert_eq(st, 0, "%s", o);
	char *ls = listing(t_fmt("%s/out", d));
	cr_assert_str_eq(ls, "audit.html\n");
	char *dom = t_run(t_fmt("timeout 60 %s --headless --no-sandbox --disable-gpu "
	                            "--no-first-run --user-data-dir='%s/profile' --dump-dom "
	                            "'file://%s/out/audit.html' 2>/dev/null", cr, d, d), &st);
	cr_expect_eq(count(dom, "<div class=\"pz\">"), 14, "pan and zoom on all 14 diagrams");
	expect_links_resolve(dom);
	/* every diagram is painted: in a screenshot of the whole page, 14 boxes
	 * (the viewports' borders) hold the fills only diagrams use */
	char *boxes = t_run(t_fmt(
		"timeout 90 %s --headless --no-sandbox --disable-gpu --no-first-run "
		"--user-data-dir='%s/profile' --hide-scrollbars --window-size=1280,16000 "
		"--screenshot='%s/shot.png' 'file://%s/out/audit.html' >/dev/null 2>&1 && "
		"pngtopnm '%s/shot.png' > '%s/shot.ppm' && "
		"python3 '%s/scripts/vpcount.py' '%s/shot.ppm' DDEEF8 F2F2F2 FDFDFD",
		cr, d, d, d, d, d, t_root(), d), &st);
	cr_expect_eq(st, 0, "%s", boxes);
	int painted = 0;
	for (const char *line = boxes; *line; line = strchr(line, '\n') + 1) {
		long top, height, px;
		cr_assert_eq(sscanf(line, "%ld %ld %ld", &top, &height, &px), 3, "%s", boxes);
		painted += px > 5000 && height > 100;
	}
	cr_expect_eq(painted, 14, "14 diagrams painted, boxes (top height pixels):\n%s", boxes);
	free(boxes);
	/* printed: the pages from the first system's on hold one diagram each */
	char *pdf = t_run(t_fmt("timeout 60 %s --headless --no-sandbox --disable-gpu "
	                            "--no-first-run --user-data-dir='%s/profile' "
	                            "--no-pdf-header-footer --print-to-pdf='%s/audit.pdf' "
	                            "'file://%s/out/audit.html' >/dev/null 2>&1; "
	                            "pdfinfo '%s/audit.pdf' | sed -n 's/^Pages: *//p'",
	                            cr, d, d, d, d), &st);
	cr_assert_eq(st, 0, "pdfinfo (poppler-utils: sh scripts/deps.sh installs it): %s", pdf);
	int pages = atoi(pdf);
	int first = 0, drawn = 0;
	for (int pg = 1; pg <= pages; pg++) {
		char *t = t_run(t_fmt("pdftotext -f %d -l %d '%s/audit.pdf' - | "
		                          "grep -cE '^(System|Process) [A-Z]'", pg, pg, d), &st);
		int heads = atoi(t);
		cr_expect_leq(heads, 1, "page %d holds %d diagrams", pg, heads);
		if (heads && !first)
			first = pg;
		drawn += heads;
		free(t);
	}
	cr_expect_eq(drawn, 5, "4 systems and the process outside them are printed");
	cr_expect_eq(pages - first + 1, 5, "a page each: %d pages from page %d", pages, first);
	cr_expect_leq(pages, 8, "%d pages in all", pages);
	free(pdf);
	free(dom);
	free(ls);
	free(o);
	t_rmtree(d);
}

static const char golden_md[] =
	"# Process audit: Tiny shop\n"
	"\n"
	"Checked by procmap %s: m.pmap.\n"
	"\n"
	"## Summary\n"
	"\n"
	"| Systems | Processes | Steps | People | Tools | Flows | Hand-offs |\n"
	"|---:|---:|---:|---:|---:|---:|---:|\n"
	"| 1 | 3 | 4 | 1 | 0 | 1 | 0 |\n"
	"\n"
	"Findings: **0 errors, 1 warning, 0 infos**.\n"
	"\n"
	"## The whole business\n"
	"\n"
	"![Process map: Tiny shop, The whole business (forest)](audit-assets/forest.svg)\n";

Test(report, markdown_with_assets)
{
	char *d = t_tmpdir("report");
	t_write_in(d, "m.pmap", tiny);
	int st;
	char *o = run_in(d, "report -o audit.md m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	cr_expect_str_eq(o, "wrote audit.md; its diagrams are in audit-assets/\n");
	char *assets = NULL;
	cr_assert_neq(asprintf(&assets, "%s/audit-assets", d), -1);
	char *ls = listing(assets);
	cr_expect_str_eq(ls, "forest.svg\nprocess-r.svg\nprocess-s.p.svg\nprocess-s.q.svg\n"
	                     "procmap-manifest.txt\nsystem-s.svg\n");
	char *md = t_file_in(d, "audit.md");
	const char *head = t_fmt(golden_md, pm_version());
	cr_expect_eq(strncmp(md, head, strlen(head)), 0, "the head:\n%s", md);
	const char *diagrams = strstr(md, "\n## Diagrams\n");
	cr_assert_not_null(diagrams, "%s", md);
	cr_expect_str_eq(diagrams,
		"\n## Diagrams\n"
		"\n### System Shop\n\n"
		"![Process map: Tiny shop, System Shop (system)](audit-assets/system-s.svg)\n"
		"\n#### Process Pack\n\n"
		"![Process map: Tiny shop, Process Pack (process)](audit-assets/process-s.p.svg)\n"
		"\n#### Process Ship\n\n"
		"![Process map: Tiny shop, Process Ship (process)](audit-assets/process-s.q.svg)\n"
		"\n#### Process Refund\n\n"
		"![Process map: Tiny shop, Process Refund (process)](audit-assets/process-r.svg)\n");
	cr_expect_not_null(strstr(md, "(orphan-process)"), "the findings are in it");
	/* a process gone: its diagram goes too; --assets elsewhere: links follow */
	char *smaller = strdup(tiny);
	*strstr(smaller, "process r ") = '\0';
	t_write_in(d, "m.pmap", smaller);
	free(o);
	o = run_in(d, "report -q -o audit.md m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	free(ls);
	ls = listing(assets);
	cr_expect_null(strstr(ls, "process-r.svg"), "stale diagram removed: %s", ls);
	free(o);
	cr_assert_eq(system(t_fmt("mkdir '%s/docs'", d)), 0);
	o = run_in(d, "report -q -o docs/audit.md --assets img/audit m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	char *md2 = t_file_in(d, "docs/audit.md");
	cr_expect_not_null(strstr(md2, "](../img/audit/system-s.svg)"), "%s", md2);
	free(md2);
	free(smaller);
	free(md);
	free(ls);
	free(assets);
	free(o);
	t_rmtree(d);
}

/* The findings of the report are check's: the configuration beside the
 * model and --rule, in both formats. */
Test(report, same_configuration_as_check)
{
	char *d = t_tmpdir("report");
	t_write_in(d, "m.pmap", tiny);
	t_write_in(d, ".procmap.yaml", "rules:\n  orphan-process: off\n");
	int st;
	char *o = run_in(d, "report -q -o a.md m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	char *md = t_file_in(d, "a.md");
	cr_expect_null(strstr(md, "orphan-process"), "switched off by .procmap.yaml");
	cr_expect_not_null(strstr(md, "**0 errors, 0 warnings, 0 infos**"), "%s", md);
	free(o);
	o = run_in(d, "report -q --rule orphan-process=error -o a.html m.pmap", &st);
	cr_expect_eq(st, 0, "%s", o);
	char *h = t_file_in(d, "a.html");
	cr_expect_not_null(strstr(h, "<b>1</b> error</span>"), "--rule wins over the file");
	cr_expect_not_null(strstr(h, "<td>orphan-process</td>"));
	free(o);
	o = run_in(d, "check --rule orphan-process=error m.pmap", &st);
	cr_expect_eq(st, 1, "check says the same: %s", o);
	cr_expect_eq(count(o, "[orphan-process]"), 1, "%s", o);
	free(h);
	free(md);
	free(o);
	t_rmtree(d);
}

/* Model text cannot become markup or a link, in either format. */
Test(report, hostile_text_is_escaped)
{
	char *d = t_tmpdir("report");
	t_write_in(d, "m.pmap",
	           "title: \"<script>alert(1)</script>](javascript:alert(2))\"\n"
	           "system s \"<img src=x onerror=alert(3)>\" {\n"
	           "  process p \"[x](javascript:alert(4))\" { step a { takes: 1h } }\n"
	           "}\n");
	int st;
	char *o = run_in(d, t_fmt("report -q -o a.html m.pmap && %s report -q -o a.md m.pmap",
	                        t_bin()), &st);
	cr_assert_eq(st, 0, "%s", o);
	char *h = t_file_in(d, "a.html");
	cr_expect_eq(count(h, "<script"), 1, "our own script only");
	cr_expect_null(strstr(h, "<img"));
	cr_expect_not_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	char *md = t_file_in(d, "a.md");
	cr_expect_null(strstr(md, "<script"));
	cr_expect_null(strstr(md, "<img"));
	cr_expect_eq(count(md, "](javascript"), count(md, "\\](javascript"),
	             "no link made of model text:\n%s", md);
	cr_expect_not_null(strstr(md, "\\[x\\](javascript:alert(4))"), "%s", md);
	free(md);
	free(h);
	free(o);
	t_rmtree(d);
}

/* Each mistake: one line, exit 2, nothing written. */
Test(report, errors_write_nothing)
{
	char *d = t_tmpdir("report");
	t_write_in(d, "m.pmap", tiny);
	t_write_in(d, "bad.pmap", "system s { process p { step a { takes: 1 } } }\n");
	static const struct { const char *args, *want; } cases[] = {
		{ "report m.pmap",
		  "procmap report: no output file (-o audit.html or -o audit.md)\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report -o audit.pdf m.pmap",
		  "procmap report: cannot tell the format of 'audit.pdf' by its extension: use "
		  "--format html or --format markdown\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report --format docx -o a m.pmap",
		  "procmap report: invalid --format 'docx' (html or markdown)\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report --assets img -o a.html m.pmap",
		  "procmap report: --assets is for the Markdown audit; the HTML page has its "
		  "diagrams inside\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report --format markdown -o - m.pmap",
		  "procmap report: the Markdown audit needs a file beside its assets, not '-o -'\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report --levle all -o a.html m.pmap",
		  "procmap report: unknown option '--levle'; did you mean '--level'?\n"
		  "Try 'procmap report --help' for more information.\n" },
		{ "report -o no/such/dir/a.html m.pmap",
		  "procmap: error: cannot write 'no/such/dir/a.html': No such file or directory\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int st;
		char *o = run_in(d, cases[i].args, &st);
		cr_expect_eq(st, 2, "%s: exit %d", cases[i].args, st);
		cr_expect_str_eq(o, cases[i].want, "%s", cases[i].args);
		free(o);
	}
	int st;
	char *o = run_in(d, "report -o a.html bad.pmap", &st);
	cr_expect_eq(st, 2);
	cr_expect_not_null(strstr(o, "bad.pmap:1:"), "the input error at its place: %s", o);
	free(o);
	char *ls = listing(d);
	cr_expect_str_eq(ls, "bad.pmap\nm.pmap\ntmp\n", "nothing written");
	char *left = scratch(d);
	cr_expect_str_eq(left, "", "no scratch folder left");
	free(left);
	free(ls);
	t_rmtree(d);
}
