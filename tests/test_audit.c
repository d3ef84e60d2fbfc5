/* test_audit.c — the audit page (src/audit/): render's index.html.
 * Structure (counts, sorted findings, links to ids the inline SVGs
 * carry), escaping of hostile model text, the Content-Security-Policy,
 * arithmetic of the tables for a model worked out by hand, and the page
 * in headless Chromium from file://. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Ann: 2 runs/week × (1h + 2h) = 6h of 40h: 15%.  Bob: 1 × 2h of 1h: 200%.
 * s.p: lead 1h + 1h wait + 2h = 4h, work 3h, flow efficiency 75%. */
static const char tiny[] =
	"title: \"Tiny shop\"\n"
	"person a \"Ann\" { capacity: 40h/week }\n"
	"person b \"Bob\" { capacity: 1h/week }\n"
	"system s \"Shop\" { owner: a\n"
	"  process p \"Pack\" { trigger: \"order\"; runs: 2/week\n"
	"    step x \"Pick\" { takes: 1h; waits: 1h }\n"
	"    step y \"Box\" { takes: 2h }\n"
	"    x -> y\n"
	"  }\n"
	"  process q \"Ship\" { trigger: \"packed\"; runs: 1/week; owner: b\n"
	"    step z \"Post\" { takes: 2h }\n"
	"  }\n"
	"  process r { step lonely { takes: 1h } }\n"
	"}\n";

/* Renders `model` into a new folder; returns index.html (malloc'd). */
static char *page(const char *model, char **dir)
{
	*dir = t_tmpdir("audit");
	char path[1024], cmd[4096];
	snprintf(path, sizeof path, "%s/m.pmap", *dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(model, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "%s render -o '%s/out' '%s' 2>&1", t_bin(), *dir, path);
	int st;
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	snprintf(path, sizeof path, "%s/out", *dir);
	return t_file_in(path, "index.html");
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

Test(audit, tables_by_hand)
{
	char *d, *h = page(tiny, &d);
	cr_expect(strstr(h, "<h1>Tiny shop</h1>"));
	cr_expect(strstr(h, "<span class=\"count error zero\"><b>0</b> errors</span><span class=\"count warning\"><b>3</b> warnings</span>"
	                    "<span class=\"count info\"><b>1</b> info</span>"));
	cr_expect(strstr(h, "<tr id=\"proc-s.p\">"));
	cr_expect(strstr(h, "</td><td class=\"num\">2</td><td>2/week</td><td class=\"num\">4h</td>"
	                    "<td class=\"num\">3h</td><td class=\"num\">75%</td><td class=\"num\">—</td>"),
	          "s.p: lead 4h, work 3h, 75%%");
	cr_expect(strstr(h, "<td class=\"num\">6h</td><td class=\"num\">40h</td><td><span class=\"pct\">15%</span>"));
	cr_expect(strstr(h, "aria-label=\"15%\"><rect x=\"1\" y=\"1\" width=\"100\" height=\"10\" class=\"cap\"/>"
	                    "<rect x=\"1\" y=\"2\" width=\"15.0\""), "Ann's bar is 15 of 100");
	cr_expect(strstr(h, "<tr id=\"person-b\" class=\"over\"><td>Bob <code>b</code></td>"
	                    "<td class=\"num\">2h</td><td class=\"num\">1h</td><td><span class=\"pct\">200%</span>"));
	cr_expect(strstr(h, "width=\"200.0\" height=\"8\" class=\"over\""), "Bob's bar, red, capped at 200");
	cr_expect(strstr(h, "<span class=\"tag warning\">overloaded</span> <a href=\"#person-b\">Bob</a> at 200% of capacity"));
	cr_expect(strstr(h, "<a href=\"#proc-s.p\">Pack</a> waits 1h of its 4h lead time"));
	free(h);
	t_rmtree(d);
}

Test(audit, findings_sorted_and_linked)
{
	char *d, *h = page(tiny, &d);
	const char *t = strstr(h, "<table class=\"findings\">");
	cr_assert(t);
	/* severity order, then line */
	int last_sev = 4;
	unsigned last_line = 0;
	size_t rows = 0;
	for (const char *r = t; (r = strstr(r, "<tr class=\"")); r++) {
		int sev = !strncmp(r + 11, "error", 5) ? 3 : !strncmp(r + 11, "warning", 7) ? 2 : 1;
		const char *w = strstr(r, "m.pmap:");
		cr_assert(w);
		unsigned line = (unsigned)atoi(w + 7);
		cr_expect(sev < last_sev || (sev == last_sev && line >= last_line),
		          "finding %zu out of order", rows);
		if (sev < last_sev)
			last_line = 0;
		last_sev = sev;
		last_line = line;
		rows++;
	}
	cr_expect_geq(rows, 3, "the warnings and the info");
	/* the step finding links to the step's element */
	cr_expect(strstr(h, "<a href=\"#step-s.q.z\"><code>s.q.z</code></a>"));
	/* every fragment names an element of the page (Graphviz writes '-' as &#45;) */
	size_t links = 0;
	for (const char *p = h; (p = strstr(p, "href=\"#")); p++) {
		const char *e = strchr(p + 7, '"');
		char id[256], want[600];
		snprintf(id, sizeof id, "%.*s", (int)(e - p - 7), p + 7);
		snprintf(want, sizeof want, "id=\"%s\"", id);
		char gv[600] = "id=\"";
		for (const char *c = id; *c && strlen(gv) < 580; c++)
			strcat(gv, *c == '-' ? "&#45;" : (char[]){ *c, 0 });
		strcat(gv, "\"");
		cr_expect(strstr(h, want) || strstr(h, gv), "no element for #%s", id);
		links++;
	}
	cr_expect_geq(links, 5);
	free(h);
	t_rmtree(d);
}

Test(audit, hostile_text_and_policy)
{
	char *d, *h = page("title: \"<script>alert(1)</script>\"\n"
	                   "person p \"<img src=x onerror=alert(2)>\" { capacity: 1h/week }\n"
	                   "system s \"javascript:alert(3)\" { owner: p\n"
	                   "  process q \"</svg><script>alert(4)</script>\" { trigger: \"javascript:x\"\n"
	                   "    step a \"<a href='javascript:alert(5)'>x</a>\" { takes: 1h; owner: p } } }\n", &d);
	cr_expect_eq(count(h, "<script"), 1, "only panzoom.js");
	cr_expect_null(strstr(h, "href=\"javascript"));
	cr_expect_null(strstr(h, "<img"));
	cr_expect(strstr(h, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
	const char *csp = strstr(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ");
	cr_assert(csp, "a policy");
	const char *end = strchr(csp + 50, '>');
	const char *ss = strstr(csp, "script-src 'sha256-");
	cr_expect(ss && ss < end, "scripts by hash only");
	cr_expect_null(strstr(ss, "'unsafe-inline'") < end ? strstr(ss, "'unsafe-inline'") : NULL);
	free(h);
	t_rmtree(d);
}

/* From file://, no network: the script runs (its hash matches) and every
 * diagram viewport gets its buttons; the forest is painted. */
Test(audit, chromium_loads_the_page, .timeout = 120)
{
	int st;
	const char *v = t_chromium();
	char *d, *h = page(tiny, &d);
	size_t vps = count(h, "<div class=\"vp\"");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "timeout 60 %s --headless --no-sandbox --disable-gpu "
	         "--no-first-run --user-data-dir='%s/profile' --dump-dom 'file://%s/out/index.html' "
	         "2>/dev/null", v, d, d);
	char *dom = t_run(cmd, &st);
	cr_expect(vps && strstr(dom, "<div class=\"pz\">"), "panzoom.js ran");
	snprintf(cmd, sizeof cmd, "timeout 60 %s --headless --no-sandbox --disable-gpu "
	         "--no-first-run --user-data-dir='%s/profile' --window-size=1280,1600 "
	         "--screenshot='%s/shot.png' 'file://%s/out/index.html' >/dev/null 2>&1; "
	         "python3 '%s/scripts/pngcount.py' '%s/shot.png' DDEEF8 F2F2F2",
	         v, d, d, d, t_root(), d);
	char *px = t_run(cmd, &st);
	cr_expect_eq(st, 0, "%s", px);
	cr_expect_gt(atol(px), 1000, "the forest is painted: %s pixels", px);
	free(px);
	free(dom);
	free(h);
	t_rmtree(d);
}
