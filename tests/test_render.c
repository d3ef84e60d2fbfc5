/* test_render.c — procmap render: DOT structure, links, determinism,
 * hostile labels, atomic writes, standard output, collapse. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static int run(const char *fmt, const char *a, const char *b)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, fmt, t_bin(), a, b);
	int st;
	free(t_run(cmd, &st));
	return st;
}

Test(render, forest_dot_structure)
{
	char *d = t_tmpdir("render");
	cr_assert_eq(run("%s render -f svg,dot -o %s %s", d, t_sample("shop.pmap")), 0);
	char *dot = t_file_in(d, "forest.dot");
	cr_assert(strstr(dot, "subgraph cluster_s0"), "a cluster per system");
	cr_assert(strstr(dot, "subgraph cluster_s3"));
	cr_assert(strstr(dot, "URL=\"process-orders.fulfil.svg\""));
	cr_assert(strstr(dot, "URL=\"system-stock.svg\""));
	cr_assert(strstr(dot, "class=\"process orphan\""), "chargeback is an orphan");
	cr_assert(strstr(dot, "class=\"process entry\""), "triggers are marked");
	/* the orphan is outside every cluster: declared after the last one */
	cr_assert(strstr(dot, "p8") > strstr(dot, "subgraph cluster_s3"));
	free(dot);
	char *svg = t_file_in(d, "forest.svg");
	cr_assert(strstr(svg, "xlink:href=\"process-chargeback.svg\""));
	cr_assert(strstr(svg, "class=\"cluster system\""));
	cr_assert_null(strstr(svg, "<script"));
	free(svg);
	t_rmtree(d);
}

Test(render, process_dot_structure)
{
	char *d = t_tmpdir("render");
	cr_assert_eq(run("%s render -f svg,dot -o %s %s", d, t_sample("shop.pmap")), 0);
	char *dot = t_file_in(d, "process-orders.fulfil.dot");
	cr_assert(strstr(dot, "rankdir=TB"), "lanes are rows");
	cr_assert(strstr(dot, "subgraph cluster_L0"), "a swimlane for Sam");
	cr_assert(strstr(dot, "overloaded"), "Sam is overloaded");
	cr_assert(strstr(dot, "class=\"lane overloaded\""));
	cr_assert(strstr(dot, "class=\"flow critical\""), "critical path drawn heavier");
	cr_assert(strstr(dot, "class=trigger"), "the trigger is a start node");
	cr_assert(strstr(dot, "URL=\"process-stock.reorder.svg\""), "hand-off stub links");
	cr_assert(strstr(dot, "URL=\"system-orders.svg\""), "links back up");
	cr_assert(strstr(dot, "takes 2m"));
	free(dot);
	dot = t_file_in(d, "system-orders.dot");
	cr_assert(strstr(dot, "subgraph clusterP0"));
	cr_assert(strstr(dot, "class=stub"));
	cr_assert(strstr(dot, "URL=\"forest.svg\""));
	free(dot);
	char *html = t_file_in(d, "index.html");
	cr_assert(strstr(html, "<section class=\"diagram forest\" id=\"d-forest\">"));
	cr_assert(strstr(html, "<a class=\"file\" href=\"forest.svg\">"));
	cr_assert(strstr(html, "href=\"process-orders.fulfil.svg\""));
	cr_assert(strstr(html, "[overloaded-person]") || strstr(html, "overloaded-person"));
	free(html);
	t_rmtree(d);
}

Test(render, no_findings_no_marks)
{
	char *d = t_tmpdir("render");
	char path[1024];
	snprintf(path, sizeof path, "%s/m.pmap", d);
	FILE *f = fopen(path, "w");
	fputs("person a { capacity: 40h/week }\nsystem s { owner: a\n"
	      "process p { trigger: \"go\"; runs: 1/week\n step x { takes: 1h }\n step y { takes: 1h } } }\n", f);
	fclose(f);
	cr_assert_eq(run("%s render -f dot -o %s %s", d, path), 0);
	char *dot = t_file_in(d, "process-s.p.dot");
	cr_assert_null(strstr(dot, "lane overloaded"));
	cr_assert_null(strstr(dot, "cycle\""));
	cr_assert_null(strstr(dot, "bottleneck\""));
	free(dot);
	dot = t_file_in(d, "forest.dot");
	cr_assert_null(strstr(dot, "orphan\""));
	cr_assert_null(strstr(dot, "filled,dashed"));
	free(dot);
	t_rmtree(d);
}

Test(render, cycles_red)
{
	char *d = t_tmpdir("render");
	char path[1024];
	snprintf(path, sizeof path, "%s/m.pmap", d);
	FILE *f = fopen(path, "w");
	fputs("system s {\n process p { trigger: \"go\"\n step a\n step b\n a -> b -> a }\n"
	      " process q { trigger: \"go\"\n step c }\n process r { step e }\n q -> r -> q }\n", f);
	fclose(f);
	cr_assert_eq(run("%s render -f dot -o %s %s", d, path), 0);
	char *dot = t_file_in(d, "process-s.p.dot");
	cr_assert(strstr(dot, "class=\"flow cycle\""));
	free(dot);
	dot = t_file_in(d, "forest.dot");
	cr_assert(strstr(dot, "class=\"handoff cycle\""));
	free(dot);
	t_rmtree(d);
}

static void assert_same_tree(const char *a, const char *b)
{
	DIR *dir = opendir(a);
	cr_assert_not_null(dir);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		size_t la, lb;
		char pa[1024], pb[1024];
		snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
		snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
		char *x = t_read_file(pa, &la), *y = t_read_file(pb, &lb);
		cr_assert_not_null(y, "%s only in one run", e->d_name);
		cr_assert(la == lb && memcmp(x, y, la) == 0, "%s differs between runs", e->d_name);
		free(x);
		free(y);
		files++;
	}
	closedir(dir);
	cr_assert_gt(files, 10);
}

Test(render, deterministic)
{
	char *a = t_tmpdir("render"), *b = t_tmpdir("render");
	cr_assert_eq(run("%s render -j 3 -f svg,dot -o %s %s", a, t_sample("agency.pmap")), 0);
	cr_assert_eq(run("%s render -j 1 -f svg,dot -o %s %s", b, t_sample("agency.pmap")), 0);
	assert_same_tree(a, b);
	t_rmtree(a);
	t_rmtree(b);
}

static const char hostile[] =
	"title \"<script>alert(1)</script> & \\\\N\"\n"
	"person p \"<b onmouseover=\\\"x\\\">P&amp;</b>\" { description: \"javascript:alert(1)\" }\n"
	"system s \"<svg onload=alert(1)>\" { owner: p\n"
	"  process q \"\\\\G \\\\l \\\\N &nbsp; <<b>html</b>>\" { trigger: \"javascript:alert(2)\"\n"
	"    step a \"</text><script>alert(3)</script>\" { takes: 1h; description: \"]]> \\\\\\\\ \\\" '\" }\n"
	"    step b \"x\" { takes: 1h }\n    a -> b \"<script>\"\n } }\n";

Test(render, hostile_labels)
{
	char *d = t_tmpdir("render");
	char path[1024];
	snprintf(path, sizeof path, "%s/h.pmap", d);
	FILE *f = fopen(path, "w");
	fputs(hostile, f);
	fclose(f);
	cr_assert_eq(run("%s render -f svg,dot -o %s %s", d, path), 0);
	const char *names[] = { "forest.svg", "system-s.svg", "process-s.q.svg", "index.html" };
	for (int i = 0; i < 4; i++) {
		char *s = t_file_in(d, names[i]);
		/* index.html has one script, panzoom.js, and no other */
		const char *sc = strstr(s, "<script");
		if (i == 3 && sc)
			sc = strstr(sc + 1, "<script");
		cr_assert_null(sc, "%s", names[i]);
		cr_assert_null(strstr(s, "<b "), "%s", names[i]);
		cr_assert_null(strstr(s, "<svg onload"), "%s", names[i]);
		cr_assert_null(strstr(s, "href=\"javascript"), "%s", names[i]);
		cr_assert_null(strstr(s, "&nbsp;"), "%s: undefined entity", names[i]);
		free(s);
	}
	char *svg = t_file_in(d, "process-s.q.svg");
	/* \N stays a backslash and an N, not the node's name */
	cr_assert(strstr(svg, "\\G \\l \\N"), "escapes kept literally");
	cr_assert(strstr(svg, "&lt;/text&gt;&lt;script&gt;"));
	free(svg);
	t_rmtree(d);
}

Test(render, stdout_one_diagram)
{
	int st;
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s render --level forest -f svg -o - %s", t_bin(), t_sample("shop.pmap"));
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_assert(strstr(out, "<svg"));
	cr_assert(strstr(out, "process-orders.fulfil.svg"));
	free(out);
	snprintf(cmd, sizeof cmd, "%s render -f svg -o - %s 2>&1", t_bin(), t_sample("shop.pmap"));
	out = t_run(cmd, &st);
	cr_assert_eq(st, 2, "all levels do not fit standard output");
	free(out);
}

/* Edge labels are nodes on their edge, in the innermost cluster of both
 * ends; the whole graph is ranked at once (newrank), so a flow that leaves
 * a lane and comes back still runs left to right. */
Test(render, edge_labels_are_nodes_in_their_lane)
{
	char *d = t_tmpdir("render");
	const char *path = t_write_in(d, "m.pmap", "person a\nperson b\n"
	      "process p {\n"
	      "  step x { owner: a }\n  step y { owner: a }\n  step z { owner: b }\n"
	      "  x -> y \"same lane\"\n  y -> z \"next lane\"\n"
	      "}\n");
	int st;
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s render -l process -f dot -o - %s", t_bin(), path);
	char *dot = t_run(cmd, &st);
	cr_assert_eq(st, 0, "%s", dot);
	cr_expect(strstr(dot, "newrank=true"), "%s", dot);
	cr_expect_null(strstr(dot, "xlabel"), "%s", dot);
	/* a's lane holds x, y and the label between them; b's lane only z */
	const char *lane_a = strstr(dot, "subgraph cluster_L0 {");
	const char *lane_b = strstr(dot, "subgraph cluster_L1 {");
	cr_assert(lane_a && lane_b, "%s", dot);
	const char *same = strstr(dot, "label=\"same lane\"");
	const char *next = strstr(dot, "label=\"next lane\"");
	cr_assert(same && next, "%s", dot);
	cr_expect(same > lane_a && same < lane_b, "label inside a's lane:\n%s", dot);
	const char *lane_b_end = strstr(lane_b, "\n\t}");
	cr_assert_not_null(lane_b_end);
	cr_expect(next > lane_b_end, "label between lanes is outside both:\n%s", dot);
	cr_expect(strstr(dot, "class=\"edge-label\""), "%s", dot);
	/* the edge is split: no arrowhead into the label, one out of it */
	cr_expect(strstr(dot, "s0 -> label0"), "%s", dot);
	cr_expect(strstr(dot, "label0 -> s1"), "%s", dot);
	cr_expect(strstr(dot, "arrowhead=none"), "%s", dot);
	cr_expect_null(strstr(dot, "s0 -> s1\t[key=f"), "only the layout chain joins them directly:\n%s", dot);
	free(dot);
	/* and it lays out: every label is drawn as text in the SVG */
	snprintf(cmd, sizeof cmd, "%s render -l process -f svg -o - %s", t_bin(), path);
	char *svg = t_run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_expect(strstr(svg, ">same lane</text>"), "%s", svg);
	cr_expect(strstr(svg, ">next lane</text>"), "%s", svg);
	free(svg);
	t_rmtree(d);
}

/* A labelled hand-off from a process to itself: the label sits inside the
 * process's cluster, so neither half is clipped at that cluster, and dot
 * has nothing to warn about. */
Test(render, self_handoff_label_inside_its_cluster)
{
	char *d = t_tmpdir("render");
	const char *path = t_write_in(d, "m.pmap", "system s {\n  process p {\n    trigger: \"x\"\n"
	      "    step a\n    step b\n    a -> b\n  }\n}\ns.p -> s.p \"again\"\n");
	int st;
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s render -q -l system -o %s %s 2>&1", t_bin(), d, path);
	char *out = t_run(cmd, &st);
	cr_expect_eq(st, 0);
	cr_expect_str_empty(out, "Graphviz warned: %s", out);
	free(out);
	t_rmtree(d);
}

Test(render, failure_leaves_files)
{
	char *d = t_tmpdir("render");
	cr_assert_eq(run("%s render -o %s %s", d, t_sample("shop.pmap")), 0);
	char *before = t_file_in(d, "forest.svg");
	/* a folder where the forest goes: that write fails, the rest is kept */
	char p[1024];
	snprintf(p, sizeof p, "%s/process-chargeback.svg", d);
	unlink(p);
	cr_assert_eq(mkdir(p, 0777), 0);
	cr_assert_eq(run("%s render -j 2 -o %s %s 2>/dev/null", d, t_sample("shop.pmap")), 2);
	char *after = t_file_in(d, "forest.svg");
	cr_assert_str_eq(before, after);
	/* no temporary file left behind */
	DIR *dir = opendir(d);
	struct dirent *e;
	while ((e = readdir(dir)))
		cr_assert(e->d_name[0] != '.' || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."),
		          "leftover %s", e->d_name);
	closedir(dir);
	rmdir(p);
	free(before);
	free(after);
	t_rmtree(d);
}

Test(render, collapse_large)
{
	char *d = t_tmpdir("render");
	int st;
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s render --max-nodes 3 -f dot -o %s %s 2>&1",
	         t_bin(), d, t_sample("shop.pmap"));
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_assert(strstr(out, "procmap: warning: diagram 'forest' would have 9 nodes (more than 3); drawn collapsed"), "%s", out);
	free(out);
	char *dot = t_file_in(d, "forest.dot");
	cr_assert_null(strstr(dot, "subgraph cluster"));
	cr_assert(strstr(dot, "processes"));
	free(dot);
	t_rmtree(d);
}

/* A system diagram over --max-nodes keeps its processes as single nodes
 * linking to their diagrams, with its hand-offs; smaller ones stay open. */
Test(render, collapse_large_system)
{
	char *d = t_tmpdir("render");
	int st;
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s render -q --max-nodes 11 -f dot -o %s %s 2>&1",
	         t_bin(), d, t_sample("shop.pmap"));
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0);
	cr_expect_str_eq(out, "procmap: warning: diagram 'system-orders' would have 15 nodes "
	                      "(more than 11); drawn collapsed\n");
	free(out);
	char *dot = t_file_in(d, "system-orders.dot");
	cr_expect_null(strstr(dot, "subgraph cluster"), "%s", dot);
	cr_expect(strstr(dot, "URL=\"process-orders.fulfil.dot\""), "%s", dot);
	cr_expect(strstr(dot, "URL=\"process-orders.returns.dot\""), "%s", dot);
	cr_expect(strstr(dot, "label=\"reorder now\""), "hand-offs stay: %s", dot);
	cr_expect(strstr(dot, "URL=\"process-stock.reorder.dot\""), "stubs stay: %s", dot);
	free(dot);
	dot = t_file_in(d, "system-stock.dot");
	cr_expect(strstr(dot, "subgraph clusterP"), "a small system is drawn open: %s", dot);
	free(dot);
	dot = t_file_in(d, "forest.dot");
	cr_expect(strstr(dot, "subgraph cluster_s0"), "9 processes fit in 10: %s", dot);
	free(dot);
	t_rmtree(d);
}

Test(render, library_usage)
{
	pm_model *m = pm_model_new();
	pm_render_options o = { .out_dir = "/tmp/x", .levels = PM_LEVEL_ALL, .formats = PM_IMAGE_SVG };
	cr_assert_eq(pm_model_render(m, &o), PM_ERR_USAGE, "not resolved");
	pm_model_free(m);
}

/* scripts/linkcheck.sh: every link resolves; Chromium loads index.html
 * from file:// (skipped when chromium is not installed). */
Test(render, linkcheck_chromium, .timeout = 120)
{
	char *d = t_tmpdir("render");
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sh '%s/scripts/linkcheck.sh' '%s' '%s' '%s' 2>&1",
	         t_root(), t_bin(), t_sample("shop.pmap"), d);
	int st;
	char *out = t_run(cmd, &st);
	if (st == 77) {
		free(out);
		t_rmtree(d);
		cr_skip_test("chromium is not installed: links checked, page not loaded");
	}
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	t_rmtree(d);
}

Test(render, partial_level_links_only_to_drawn_diagrams)
{
	char *d = t_tmpdir("render");
	cr_assert_eq(run("%s render -l forest -f dot -o %s %s", d, t_sample("shop.pmap")), 0);
	char *dot = t_file_in(d, "forest.dot");
	cr_assert_null(strstr(dot, "URL="), "process diagrams were not drawn: no links");
	free(dot);
	char *d2 = t_tmpdir("render");
	cr_assert_eq(run("%s render -l process -f dot -o %s %s", d2, t_sample("shop.pmap")), 0);
	dot = t_file_in(d2, "process-orders.fulfil.dot");
	cr_assert_null(strstr(dot, "URL=\"system-"), "system diagrams were not drawn");
	free(dot);
	char *d3 = t_tmpdir("render");
	cr_assert_eq(run("%s render -l all -f dot -o %s %s", d3, t_sample("shop.pmap")), 0);
	dot = t_file_in(d3, "forest.dot");
	cr_assert(strstr(dot, "URL=\"process-orders.fulfil.dot\""));
	free(dot);
	t_rmtree(d);
	t_rmtree(d2);
	t_rmtree(d3);
}
