/* test_render_glance.c — diagrams that read at a glance: swimlane bands in
 * order and aligned, the trigger always connected, compact maps, findings
 * on every level, the legend, themes and contrast, PNG/PDF without the
 * link node, identical PDFs, the manifest and the closing line. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <graphviz/cgraph.h>

#include "helpers.h"
#include "render.h"

static char *run_out(const char *fmt, const char *a, const char *b, int *st)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, fmt, t_bin(), a, b);
	return t_run(cmd, st);
}

static bool exists_in(const char *dir, const char *name)
{
	char path[1024];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &sb) == 0;
}

/* The bounding box of the first polygon after "<title>NAME</title>". */
typedef struct box {
	double x0, y0, x1, y1;
} box;

static bool svg_box(const char *svg, const char *title, box *b)
{
	char key[128];
	snprintf(key, sizeof key, "<title>%s</title>", title);
	const char *p = strstr(svg, key);
	if (!p || !(p = strstr(p, "points=\"")))
		return false;
	p += 8;
	b->x0 = b->y0 = 1e9;
	b->x1 = b->y1 = -1e9;
	while (*p && *p != '"') {
		char *e;
		double x = strtod(p, &e);
		if (*e != ',')
			break;
		double y = strtod(e + 1, &e);
		b->x0 = fmin(b->x0, x), b->x1 = fmax(b->x1, x);
		b->y0 = fmin(b->y0, y), b->y1 = fmax(b->y1, y);
		p = e + (*e == ' ');
	}
	return b->x0 < b->x1;
}

/* The y of a node's first text line (SVG coordinates grow downwards). */
static double svg_text_y(const char *svg, const char *title)
{
	char key[128];
	snprintf(key, sizeof key, "<title>%s</title>", title);
	const char *p = strstr(svg, key);
	cr_assert_not_null(p, "no node %s", title);
	p = strstr(p, "<text");
	p = strstr(p, " y=\"");
	return strtod(p + 4, NULL);
}

/* shop's "Fulfil an order": Sam, Jo (people), then the carrier (an actor):
 * one band each, top to bottom in that order, all as wide as each other;
 * every step's text inside its band; the title is the band's first node. */
Test(render_glance, lanes_are_aligned_bands_in_order)
{
	char *d = t_tmpdir("glance");
	int st;
	free(run_out("%s render -q -l process -f svg,dot -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	char *svg = t_file_in(d, "process-orders.fulfil.svg");
	char *dot = t_file_in(d, "process-orders.fulfil.dot");
	box lane[3];
	for (int l = 0; l < 3; l++) {
		char name[32];
		snprintf(name, sizeof name, "cluster_L%d", l);
		cr_assert(svg_box(svg, name, &lane[l]), "no band %s", name);
		if (l) {
			cr_expect_gt(lane[l].y0, lane[l - 1].y1 - 0.5, "band %d below band %d", l, l - 1);
			cr_expect_float_eq(lane[l].x0, lane[0].x0, 0.01, "bands start together");
			cr_expect_float_eq(lane[l].x1, lane[0].x1, 0.01, "bands end together");
		}
	}
	cr_expect_null(strstr(svg, "<title>cluster_L3</title>"));
	const char *a = strstr(dot, "subgraph cluster_L0"), *b = strstr(dot, "subgraph cluster_L1");
	const char *cr = strstr(dot, "subgraph cluster_L2");
	cr_assert(a && b && cr);
	cr_expect(strstr(a, "Sam (packer)") < b, "Sam first");
	cr_expect(strstr(b, "Jo (customer service)") < cr, "then Jo");
	cr_expect(strstr(cr, "(actor, outside)"), "the carrier is an actor");
	cr_expect(strstr(cr, "class=\"lane actor\""));
	/* steps of Sam (s0..s3, s6), Jo (s5), the carrier (s4) */
	static const struct { const char *node; int lane; } steps[] = {
		{ "s0", 0 }, { "s1", 0 }, { "s2", 0 }, { "s3", 0 }, { "s6", 0 },
		{ "s5", 1 }, { "s4", 2 }, { "lane0", 0 }, { "lane1", 1 }, { "lane2", 2 },
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		double y = svg_text_y(svg, steps[i].node);
		const box *l = &lane[steps[i].lane];
		cr_expect(y > l->y0 && y < l->y1, "%s at y %.1f outside band %d (%.1f..%.1f)",
		          steps[i].node, y, steps[i].lane, l->y0, l->y1);
	}
	/* in each band the title comes first, then the steps in flow order */
	cr_expect(strstr(dot, "lane0 -> start"), "title, then the trigger");
	cr_expect(strstr(dot, "start -> s0"), "then the first step");
	free(svg);
	free(dot);
	t_rmtree(d);
}

/* A step nobody owns sits in an orange "⚠ no owner" band, last. */
Test(render_glance, no_owner_band_is_a_finding)
{
	char *d = t_tmpdir("glance");
	const char *m = t_write_in(d, "m.pmap", "person a\nactor x\nprocess p {\n"
		"  trigger: \"go\"\n  step s\n  step t { owner: x }\n  step u { owner: a }\n}\n");
	int st;
	char *dot = run_out("%s render -l process -f dot -o - %s%s", m, "", &st);
	cr_assert_eq(st, 0, "%s", dot);
	const char *a = strstr(dot, "subgraph cluster_L0"), *x = strstr(dot, "subgraph cluster_L1");
	const char *none = strstr(dot, "subgraph cluster_L2");
	cr_assert(a && x && none, "%s", dot);
	cr_expect(strstr(a, "class=lane") && strstr(a, "class=lane") < x, "a person first");
	cr_expect(strstr(x, "class=\"lane actor\"") < none, "then the actor");
	cr_expect(strstr(none, "class=\"lane no-owner\""), "%s", dot);
	cr_expect(strstr(none, "⚠ no owner"));
	cr_expect(strstr(none, "pencolor=\"#e69f00\""), "orange");
	cr_expect(strstr(dot, "orange dashed band"), "in the legend");
	free(dot);
	t_rmtree(d);
}

/* When the first step is in a loop, the trigger still points at it, and
 * the loop back is a dashed rework arrow with its chance. */
Test(render_glance, trigger_connected_through_a_loop)
{
	char *d = t_tmpdir("glance");
	const char *m = t_write_in(d, "m.pmap", "person a\nprocess p {\n  owner: a\n"
		"  trigger: \"go\"\n  step x\n  step y\n  step z\n"
		"  x -> y\n  y -> x \"redo\" 40%\n  y -> z 60%\n}\n");
	int st;
	char *dot = run_out("%s render -l process -f dot -o - %s%s", m, "", &st);
	cr_assert_eq(st, 0, "%s", dot);
	cr_expect(strstr(dot, "start -> s0\t[key=t0"), "the trigger reaches x:\n%s", dot);
	cr_expect(strstr(dot, "class=\"flow rework\""), "%s", dot);
	cr_expect(strstr(dot, "redo · 40% again"), "%s", dot);
	cr_expect(strstr(dot, "y -> z") || strstr(dot, "60%"), "%s", dot);
	cr_expect(strstr(dot, "dashed arrow back: rework"), "legend");
	free(dot);
	t_rmtree(d);
}

/* The y of the first <text> whose content starts with `text`. */
static double svg_text_at(const char *svg, const char *text)
{
	char key[256];
	snprintf(key, sizeof key, ">%s", text);
	const char *t = strstr(svg, key);
	cr_assert_not_null(t, "no text '%s'", text);
	const char *p = t;
	while (p > svg && strncmp(p, " y=\"", 4) != 0)
		p--;
	return strtod(p + 4, NULL);
}

/* An arrow back ranks nothing, so its label used to float to the top of
 * the process, far from both of its ends; it sits between them, and a
 * step's times read as check writes durations (0.5h is 30m). */
Test(render_glance, rework_label_between_its_ends)
{
	char *d = t_tmpdir("glance");
	const char *m = t_write_in(d, "m.pmap", "person a\nsystem s {\n  owner: a\n"
		"  process p {\n    owner: a\n    trigger: \"go\"\n"
		"    step b \"Brief\"\n    step c \"Collect\"\n    step e \"Explore\"\n"
		"    step x \"Draft\" { takes: 0.5h }\n    step y \"Polish\"\n"
		"    step z \"Review\" { waits: 1.5d }\n    step w \"Send\"\n"
		"    b -> c\n    c -> e\n    e -> x\n"
		"    x -> y\n    y -> z\n    z -> x \"redo\" 40%\n    z -> w 60%\n  }\n}\n");
	int st;
	free(run_out("%s render -q -l system -f svg -o %s %s", d, m, &st));
	cr_assert_eq(st, 0);
	char *svg = t_file_in(d, "system-s.svg");
	double top = svg_text_at(svg, "Draft"), bottom = svg_text_at(svg, "Review");
	double label = svg_text_at(svg, "redo · 40% again");
	cr_expect(top < bottom, "Draft above Review");
	cr_expect(label > top && label < bottom + 30,
	          "the label (y %.0f) between Draft (%.0f) and Review (%.0f)", label, top, bottom);
	cr_expect(strstr(svg, ">takes 30m<"), "0.5h written as 30m");
	cr_expect(strstr(svg, ">waits 1d 12h<"), "1.5d as check says it");
	cr_expect(!strstr(svg, "0.5h"));
	free(svg);
	t_rmtree(d);
}

/* In the process diagram, an arrow up to an earlier band has its label in
 * the gap just below that band (not below the last band), and a
 * process's hand-off leaves from the steps work ends at, not from a step
 * whose only arrow goes back into a loop. */
Test(render_glance, upward_labels_and_handoffs_from_exits)
{
	char *d = t_tmpdir("glance");
	const char *m = t_write_in(d, "m.pmap", "person a\nperson b\nperson c\n"
		"process p {\n  trigger: \"go\"\n"
		"  step x \"Xavier\" { owner: a }\n  step y \"Yara\" { owner: b }\n"
		"  step z \"Zed\" { owner: a }\n  step w \"Walt\" { owner: c }\n"
		"  x -> y\n  y -> z \"sign off\" 60%\n  y -> w \"fix\" 40%\n  w -> x \"again\"\n}\n"
		"process q { step r { owner: a } }\np -> q \"next\"\n");
	int st;
	free(run_out("%s render -q -l process -f svg,dot -o %s %s", d, m, &st));
	cr_assert_eq(st, 0);
	char *dot = t_file_in(d, "process-p.dot");
	cr_expect(strstr(dot, "key=h0_2"), "the hand-off leaves from z, where work ends:\n%s", dot);
	cr_expect(!strstr(dot, "key=h0_3"), "not from w, whose only arrow goes back");
	free(dot);
	char *svg = t_file_in(d, "process-p.svg");
	double ya = svg_text_at(svg, "Xavier"), yb = svg_text_at(svg, "Yara");
	double yc = svg_text_at(svg, "Walt"), label = svg_text_at(svg, "sign off");
	cr_expect(ya < yb && yb < yc, "bands a, b, c top to bottom");
	cr_expect(label > ya && label < yb,
	          "'sign off' (y %.0f) between band a (%.0f) and band b (%.0f)", label, ya, yb);
	free(svg);
	t_rmtree(d);
}

/* The boxes of the lane titles' text lines: from x, a line's width taken
 * as 0.55 em a character (Helvetica's average is below that), one em high
 * above the baseline.  Returns how many (at most max). */
static int title_boxes(const char *svg, box *b, int max)
{
	int n = 0;
	for (const char *p = svg; (p = strstr(p, "class=\"node lane&#45;title\"")) && n < max;) {
		const char *end = strstr(p, "</g>");
		for (const char *t = p; (t = strstr(t, "<text")) && t < end && n < max; t++) {
			double x = strtod(strstr(t, " x=\"") + 4, NULL);
			double y = strtod(strstr(t, " y=\"") + 4, NULL);
			double fs = strtod(strstr(t, "font-size=\"") + 11, NULL);
			const char *a = strchr(t, '>') + 1, *z = strchr(a, '<');
			size_t chars = 0;
			for (const char *c = a; c < z; c++)
				chars += ((unsigned char)*c & 0xc0) != 0x80;   /* UTF-8 characters */
			b[n++] = (box){ x, y - fs, x + 0.55 * fs * (double)chars, y + 2 };
		}
		p = end;
	}
	return n;
}

/* Whether a cubic Bézier path ("M x,y C x,y x,y x,y ...") passes through
 * the inside of a box (21 points a segment). */
static bool path_enters(const char *d, const box *b)
{
	double pt[4096][2];
	int n = 0;
	for (const char *p = d; *p && *p != '"' && n < 4096;) {
		char *e;
		double x = strtod(p, &e);
		if (e == p || *e != ',') {
			p++;
			continue;
		}
		pt[n][0] = x;
		pt[n][1] = strtod(e + 1, &e);
		n++;
		p = e;
	}
	for (int i = 0; i + 3 < n; i += 3)
		for (int k = 0; k <= 20; k++) {
			double t = k / 20.0, u = 1 - t;
			double w[4] = { u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t };
			double x = 0, y = 0;
			for (int j = 0; j < 4; j++)
				x += w[j] * pt[i + j][0], y += w[j] * pt[i + j][1];
			if (x > b->x0 && x < b->x1 && y > b->y0 && y < b->y1)
				return true;
		}
	return false;
}

/* No arrow crosses a lane's title, in any process diagram of the samples. */
Test(render_glance, no_arrow_crosses_a_lane_title)
{
	static const char *const samples[] = { "shop.pmap", "agency.pmap", "coaching.pmap" };
	/* the checker itself: a straight arrow through a box, and past it */
	const box on = { 5, -1, 25, 1 }, off = { 5, 2, 25, 4 };
	cr_assert(path_enters("M0,0C10,0 20,0 30,0\"", &on));
	cr_assert(!path_enters("M0,0C10,0 20,0 30,0\" points=\"10,3\"", &off));
	char *d = t_tmpdir("glance");
	int titles = 0, paths = 0;
	for (size_t i = 0; i < 3; i++) {
		int st;
		free(run_out("%s render -q -l process -f svg -o %s %s", d, t_sample(samples[i]), &st));
		cr_assert_eq(st, 0);
		DIR *dir = opendir(d);
		cr_assert(dir);
		for (struct dirent *de; (de = readdir(dir));) {
			const char *name = de->d_name;
			if (strncmp(name, "process-", 8) != 0)
				continue;
			char *svg = t_file_in(d, name);
			box b[64];
			int nb = title_boxes(svg, b, 64);
			titles += nb;
			cr_expect_gt(nb, 0, "%s: no lane title", name);
			for (const char *e = svg; (e = strstr(e, "class=\"edge")); e++) {
				const char *end = strstr(e, "</g>");
				for (const char *p = e; (p = strstr(p, " d=\"")) && p < end; p++) {
					paths++;
					for (int k = 0; k < nb; k++)
						cr_expect(!path_enters(p + 4, &b[k]), "%s: an arrow crosses lane title %d:\n%.200s",
						          name, k, e);
				}
			}
			free(svg);
		}
		closedir(dir);
	}
	cr_expect_gt(titles, 20, "the titles were found");
	cr_expect_gt(paths, 100, "the arrows were found");
	t_rmtree(d);
}

/* The legend lists only what the diagram draws. */
Test(render_glance, legend_only_marks_used)
{
	char *d = t_tmpdir("glance");
	const char *m = t_write_in(d, "m.pmap", "person a { capacity: 40h/week }\n"
		"system s { owner: a\n process p { runs: 1/week; trigger: \"go\"\n step x { takes: 1h }\n"
		" step y { takes: 1h } } }\n");
	int st;
	free(run_out("%s render -q -f dot -o %s %s", d, m, &st));
	cr_assert_eq(st, 0);
	char *dot = t_file_in(d, "process-s.p.dot");
	cr_expect(strstr(dot, "class=legend"), "%s", dot);
	cr_expect(strstr(dot, "thick blue arrows: critical path"), "%s", dot);
	cr_expect_null(strstr(dot, "bottleneck"), "%s", dot);
	cr_expect_null(strstr(dot, "overloaded"), "%s", dot);
	cr_expect_null(strstr(dot, "red"), "no colour word that is not drawn: %s", dot);
	cr_expect(strstr(dot, "green arrow box"), "%s", dot);
	free(dot);
	dot = t_file_in(d, "forest.dot");
	cr_expect(strstr(dot, "double border: has a trigger"), "%s", dot);
	cr_expect_null(strstr(dot, "dashed box"), "%s", dot);
	cr_expect_null(strstr(dot, "N warnings"), "%s", dot);
	free(dot);
	free(run_out("%s render -q -f svg -o %s %s", d, t_sample("shop.pmap"), &st));
	char *svg = t_file_in(d, "process-orders.fulfil.svg");
	cr_expect(strstr(svg, ">yellow step, ⚠: bottleneck</text>"));
	cr_expect(strstr(svg, ">orange band, ⚠: owner over capacity</text>"));
	cr_expect(strstr(svg, ">green arrow box: the trigger, where the process starts</text>"));
	cr_expect_null(strstr(svg, "vermillion"), "no trap here");
	free(svg);
	t_rmtree(d);
}

/* Findings on the forest: a badge with the count, the findings in the
 * tooltip; tools, runs and lead times in the units of `check`. */
Test(render_glance, badges_and_figures)
{
	char *d = t_tmpdir("glance");
	int st;
	free(run_out("%s render -q -f dot -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	char *dot = t_file_in(d, "forest.dot");
	const char *p8 = strstr(dot, "\tp8\t[");
	cr_assert_not_null(p8, "%s", dot);
	const char *end = strstr(p8, "];");
	const char *badge = strstr(p8, "▲ 1");
	cr_expect(badge && badge < end, "the orphan's warning is counted:\n%.600s", p8);
	const char *tip = strstr(p8, "orphan-process: ");
	cr_expect(tip && tip < end, "and listed in the tooltip");
	cr_expect(strstr(dot, "175 runs/week · lead 23h 4m"), "%s", dot);
	cr_expect(strstr(dot, "subgraph cluster_s0"));
	cr_expect(strstr(dot, "rankdir=TB"), "top to bottom by default");
	free(dot);
	dot = t_file_in(d, "process-orders.fulfil.dot");
	cr_expect(strstr(dot, "uses shipstation, sheets"), "tools on the step");
	cr_expect(strstr(dot, "lead 23h 4m"), "the lead time as check says it");
	cr_expect(strstr(dot, "overloaded: 270% of capacity"));
	free(dot);
	dot = t_file_in(d, "process-chargeback.dot");
	cr_expect(strstr(dot, "⚠ orphan: in no system"), "said in the title");
	free(dot);
	free(run_out("%s render -q --direction LR -l forest -f dot -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	dot = t_file_in(d, "forest.dot");
	cr_expect(strstr(dot, "rankdir=LR"));
	free(dot);
	t_rmtree(d);
}

/* The three samples' forests and widest system diagrams are no longer
 * strips: the forest is at most twice as wide as it is high. */
Test(render_glance, compact_maps)
{
	static const char *const samples[] = { "shop.pmap", "agency.pmap", "coaching.pmap" };
	for (int i = 0; i < 3; i++) {
		char *d = t_tmpdir("glance");
		int st;
		free(run_out("%s render -q -l forest -f svg -o %s %s", d, t_sample(samples[i]), &st));
		cr_assert_eq(st, 0);
		char *svg = t_file_in(d, "forest.svg");
		const char *w = strstr(svg, "<svg width=\"");
		cr_assert_not_null(w);
		double width = strtod(w + 12, NULL);
		double height = strtod(strstr(w, "height=\"") + 8, NULL);
		cr_expect_lt(width, 2 * height, "%s: %.0f × %.0f pt", samples[i], width, height);
		free(svg);
		t_rmtree(d);
	}
}

/* WCAG relative luminance of "#rrggbb". */
static double luminance(const char *hex)
{
	double c[3];
	for (int i = 0; i < 3; i++) {
		char part[3] = { hex[1 + 2 * i], hex[2 + 2 * i], 0 };
		double v = strtol(part, NULL, 16) / 255.0;
		c[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

Test(render_glance, palettes_have_contrast)
{
	for (int t = 0; t < 2; t++) {
		for (size_t i = 0; i < pm_text_npairs; i++) {
			double a = luminance(pm_palette[t][pm_text_pairs[i].fg]);
			double b = luminance(pm_palette[t][pm_text_pairs[i].bg]);
			double ratio = (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
			cr_expect_geq(ratio, 4.5, "%s theme: %s on %s is %.2f:1", t ? "dark" : "light",
			              pm_palette[t][pm_text_pairs[i].fg], pm_palette[t][pm_text_pairs[i].bg], ratio);
		}
		for (int r = 0; r < PM_C_COUNT; r++)
			cr_expect(strlen(pm_palette[t][r]) == 7 && pm_palette[t][r][0] == '#');
	}
	/* the dark stylesheet maps by light value: each must be distinct */
	for (int r = 0; r < PM_C_COUNT; r++)
		for (int q = r + 1; q < PM_C_COUNT; q++)
			cr_expect_str_neq(pm_palette[0][r], pm_palette[0][q]);
}

/* Every colour the SVG uses is in the palette, so the dark stylesheet
 * covers it; auto carries the stylesheet, light and dark do not. */
Test(render_glance, themes)
{
	char *d = t_tmpdir("glance");
	int st;
	char *svg = run_out("%s render -l forest -f svg -o - %s%s", t_sample("shop.pmap"), "", &st);
	cr_assert_eq(st, 0);
	cr_expect(strstr(svg, "<style>@media (prefers-color-scheme: dark){"));
	cr_expect(strstr(svg, "[fill=\"#ffffff\"]{fill:#1e1e1e}"));
	for (const char *p = svg; (p = strstr(p, "=\"#")); p += 3) {
		char hex[8] = { 0 };
		memcpy(hex, p + 2, 7);
		bool known = false;
		for (int r = 0; r < PM_C_COUNT && !known; r++)
			known = !strcmp(hex, pm_palette[0][r]);
		cr_expect(known, "colour %s is not in the palette", hex);
	}
	free(svg);
	svg = run_out("%s render --theme dark -l forest -f svg -o - %s%s", t_sample("shop.pmap"), "", &st);
	cr_assert_eq(st, 0);
	cr_expect_null(strstr(svg, "<style>"));
	cr_expect(strstr(svg, "fill=\"#1e1e1e\""), "dark background");
	free(svg);
	svg = run_out("%s render --theme light -l forest -f svg -o - %s%s", t_sample("shop.pmap"), "", &st);
	cr_expect_null(strstr(svg, "<style>"));
	free(svg);
	free(run_out("%s render --theme purple -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_expect_eq(st, 2);
	t_rmtree(d);
}

/* The "up" link is drawn only where it can be clicked. */
Test(render_glance, no_link_node_for_png)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/samples/shop.pmap", t_root());
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_file(m, path, PM_INPUT_AUTO), PM_OK);
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	pm_rctx c = { .m = m, .max_nodes = 500, .levels = PM_LEVEL_ALL, .link_ext = "svg" };
	pm_rctx_prepare(&c);
	pm_diagram d = { PM_DIAGRAM_PROCESS, 0, "process-orders.fulfil" };
	int collapsed;
	for (int nav = 0; nav < 2; nav++) {
		c.nav = nav;
		Agraph_t *g = pm_dot_build(&c, &d, &collapsed);
		cr_expect_eq(agnode(g, "up", 0) != NULL, nav, "nav %d", nav);
		agclose(g);
	}
	pm_rctx_release(&c);
	pm_model_free(m);
}

static unsigned png_width(const char *dir, const char *name)
{
	char path[1024];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unsigned char *b = (unsigned char *)t_read_file(path, &len);
	cr_assert(b && len > 24);
	unsigned w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
	free(b);
	return w;
}

Test(render_glance, png_scale)
{
	char *d = t_tmpdir("glance");
	int st;
	free(run_out("%s render -q -l forest -f png -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	unsigned w1 = png_width(d, "forest.png");
	free(run_out("%s render -q --scale 2 -l forest -f png -o %s %s", d, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	unsigned w2 = png_width(d, "forest.png");
	cr_expect(w2 > w1 * 19 / 10 && w2 < w1 * 21 / 10, "%u then %u px", w1, w2);
	t_rmtree(d);
}

Test(render_glance, pdf_identical_bytes)
{
	char *d = t_tmpdir("glance");
	char a[1024], b[1024];
	snprintf(a, sizeof a, "%s/a", d);
	snprintf(b, sizeof b, "%s/b", d);
	int st;
	free(run_out("%s render -q -l forest -f pdf -o %s %s", a, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	sleep(1);
	free(run_out("%s render -q -l forest -f pdf -o %s %s", b, t_sample("shop.pmap"), &st));
	cr_assert_eq(st, 0);
	size_t la, lb;
	char pa[1100], pb[1100];
	snprintf(pa, sizeof pa, "%s/forest.pdf", a);
	snprintf(pb, sizeof pb, "%s/forest.pdf", b);
	char *x = t_read_file(pa, &la), *y = t_read_file(pb, &lb);
	cr_assert(x && y);
	cr_expect(la == lb && !memcmp(x, y, la), "the PDFs differ");
	cr_expect(memmem(x, la, "D:20000101000000", 16), "the fixed date");
	free(x);
	free(y);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "SOURCE_DATE_EPOCH=86400 %s render -q -l forest -f pdf -o %s %s",
	         t_bin(), a, t_sample("shop.pmap"));
	free(t_run(cmd, &st));
	x = t_read_file(pa, &la);
	cr_expect(memmem(x, la, "D:19700102000000", 16), "SOURCE_DATE_EPOCH");
	free(x);
	t_rmtree(d);
}

/* A renamed process's old diagram goes; files procmap did not write stay. */
Test(render_glance, stale_files_removed)
{
	char *d = t_tmpdir("glance");
	char out[1024];
	snprintf(out, sizeof out, "%s/out", d);
	const char *m = t_write_in(d, "m.pmap", "system s {\n process old { trigger: \"go\"\n step a } }\n");
	int st;
	char *said = run_out("%s render -f svg,dot -o %s %s", out, m, &st);
	cr_assert_eq(st, 0);
	char want[2200];
	snprintf(want, sizeof want, "wrote 7 files to %s/; open %s/index.html\n", out, out);
	cr_expect_str_eq(said, want);
	free(said);
	cr_assert(exists_in(out, "process-s.old.svg"));
	t_write_in(out, "notes.txt", "mine\n");
	t_write_in(out, "process-mine.svg", "<svg/>\n");
	m = t_write_in(d, "m.pmap", "system s {\n process new { trigger: \"go\"\n step a } }\n");
	said = run_out("%s render -q -f svg,dot -o %s %s", out, m, &st);
	cr_assert_eq(st, 0);
	cr_expect_str_empty(said, "--quiet prints nothing");
	free(said);
	cr_expect(!exists_in(out, "process-s.old.svg"), "the old diagram is gone");
	cr_expect(!exists_in(out, "process-s.old.dot"));
	cr_expect(exists_in(out, "process-s.new.svg"));
	cr_expect(exists_in(out, "notes.txt"), "never a file procmap did not write");
	cr_expect(exists_in(out, "process-mine.svg"));
	char *man = t_file_in(out, "procmap-manifest.txt");
	cr_expect(strstr(man, "process-s.new.svg\n"));
	cr_expect_null(strstr(man, "old"));
	free(man);
	t_rmtree(d);
}
