/* fuzz_dot.c — the Graphviz diagrams, by their property: no label or
 * attribute text from the model reaches the DOT unescaped.  Every diagram
 * of a fuzzed .pmap model (the forest through pm_model_render(), each
 * system and process through the diagram builder) is written as DOT, read
 * back with Graphviz's own parser, and every attribute of every graph,
 * subgraph, node and edge is checked:
 *   - it parses, with the nodes and edges that were built (quoting holds);
 *   - backslashes only as \\ \n \l \r, never the expansions \N \G \E \H \T \L;
 *   - '&' only as "&amp;" (Graphviz passes entities through to SVG);
 *   - no HTML-like label, no record shape (whose labels are a syntax);
 *   - links only to file names procmap made;
 * and building a diagram twice gives the same bytes.  No out-of-memory
 * replay here: Graphviz allocates most of a diagram itself, outside the
 * injection, and expects its ID discipline never to fail (see the
 * hardening report). */
#include <graphviz/cgraph.h>

#include "fuzz_common.h"
#include "render.h"

static void check_value(const char *name, const char *v)
{
	if (strcmp(name, "URL") == 0 || strcmp(name, "href") == 0) {
		for (const char *p = v; *p; p++)
			FZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			         (*p >= '0' && *p <= '9') || strchr("._-#", *p));
		return;
	}
	if (strcmp(name, "shape") == 0)
		FZ_CHECK(strcmp(v, "record") != 0 && strcmp(v, "Mrecord") != 0);
	FZ_CHECK(!aghtmlstr((char *)v));
	for (const char *p = v; *p; p++) {
		if (*p == '\\') {
			FZ_CHECK(p[1] == '\\' || p[1] == 'n' || p[1] == 'l' || p[1] == 'r');
			p++;
		} else if (*p == '&') {
			FZ_CHECK(strncmp(p, "&amp;", 5) == 0);
		}
	}
}

static void check_attrs(Agraph_t *root, void *obj, int kind)
{
	for (Agsym_t *sym = agnxtattr(root, kind, NULL); sym; sym = agnxtattr(root, kind, sym))
		check_value(sym->name, agxget(obj, sym));
}

static void check_graph(Agraph_t *root, Agraph_t *g)
{
	check_attrs(root, g, AGRAPH);
	for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s))
		check_graph(root, s);
}

/* Reads DOT text back and checks it; returns the node and edge counts. */
static void check_dot(const char *dot, int nodes, int edges)
{
	Agraph_t *g = agmemread(dot);
	if (!g)
		fprintf(stderr, "DOT that does not parse:\n%s\n", dot);
	FZ_CHECK(g != NULL);
	check_graph(g, g);
	int nn = 0, ne = 0;
	for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
		nn++;
		check_attrs(g, n, AGNODE);
		for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
			ne++;
			check_attrs(g, e, AGEDGE);
		}
	}
	FZ_CHECK(nodes < 0 || (nn == nodes && ne == edges));
	agclose(g);
}

static char *dot_text(Agraph_t *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || agwrite(g, f) != 0)
		abort();
	fclose(f);
	return buf;
}

/* One diagram, twice, through the builder. */
static void check_diagram(pm_rctx *c, pm_diagram_kind kind, pm_ix i)
{
	pm_diagram d = { kind, i, "x" };
	int collapsed;
	Agraph_t *g = pm_dot_build(c, &d, &collapsed);
	char *one = dot_text(g);
	check_dot(one, agnnodes(g), agnedges(g));
	agclose(g);
	g = pm_dot_build(c, &d, &collapsed);
	char *two = dot_text(g);
	agclose(g);
	FZ_CHECK(strcmp(one, two) == 0);
	free(one);
	free(two);
}

/* The forest and every system and process diagram (the first 50). */
static void check_diagrams(pm_model *m)
{
	pm_rctx c = { .m = m, .max_nodes = 60, .link_ext = "svg" };
	jmp_buf jb;
	if (setjmp(jb))
		FZ_CHECK(!"out of memory without injection");
	m->oom = &jb;
	pm_rctx_prepare(&c);
	check_diagram(&c, PM_DIAGRAM_FOREST, PM_NONE);
	for (pm_ix i = 0; i < m->systems.n && i < 50; i++)
		check_diagram(&c, PM_DIAGRAM_SYSTEM, i);
	for (pm_ix i = 0; i < m->processes.n && i < 50; i++)
		check_diagram(&c, PM_DIAGRAM_PROCESS, i);
	pm_rctx_release(&c);
	m->oom = NULL;
}

/* The forest through pm_model_render(), as `procmap render -f dot -o -`. */
static pm_status render_forest(pm_model *m)
{
	char *dot = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&dot, &len);
	if (!f)
		abort();
	pm_render_options o = { .out = f, .levels = PM_LEVEL_FOREST,
	                        .formats = PM_IMAGE_DOT, .jobs = 1, .max_nodes = 60 };
	pm_status st = pm_model_render(m, &o);
	fclose(f);
	if (st == PM_OK)
		check_dot(dot, -1, -1);
	free(dot);
	FZ_CHECK(st == PM_OK || st == PM_ERR_NOMEM);
	return st;
}

static int dot_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	pm_model *m = pm_model_new();
	if (!m)
		return 1;
	pm_status st = pm_model_load_buffer(m, "fuzz.pmap", (const char *)data,
	                                    size, PM_INPUT_PMAP);
	if (st != PM_ERR_NOMEM)
		st = pm_model_resolve(m);
	if (st != PM_ERR_NOMEM)
		st = pm_model_analyze(m);
	if (st == PM_ERR_NOMEM)
		goto out;
	/* Through the public entry point for one input in 16: it makes a
	 * Graphviz context, which leaks a little inside libgvc every time, and
	 * each leak costs libFuzzer a full leak scan. */
	if (fz_hash(data, size) % 16 == 0 && (st = render_forest(m)) != PM_OK)
		goto out;
	if (!oom_run)
		check_diagrams(m);
out:
	FZ_CHECK(st != PM_ERR_NOMEM || oom_run);
	pm_model_free(m);
	return st == PM_ERR_NOMEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pm_alloc_fail_after(0);
	dot_pipeline(data, size, 0);
	return 0;
}
