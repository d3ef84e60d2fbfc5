/* graph.c — CSR graphs, Tarjan's SCC, cycle explanation and BFS, all
 * iterative (see graph.h). */
#include <string.h>

#include "analysis.h"
#include "graph.h"

static pm_ix *ix_array(pm_model *m, size_t n)
{
	return pm_scratch(m, (n ? n : 1) * sizeof(pm_ix));
}

/* Groups edge ids by an end of each edge (its source, or its target when
 * by_to), keeping edge order within a node: a stable counting sort. */
static void csr(pm_model *m, const pm_graph *g, bool by_to, pm_ix **offp, pm_ix **adjp)
{
	uint32_t n = g->n, ne = g->ne;
	const char *key = by_to ? g->to : g->from;
	pm_ix *off = ix_array(m, (size_t)n + 1);
	pm_ix *adj = ix_array(m, ne);
	memset(off, 0, ((size_t)n + 1) * sizeof *off);
#define KEY(e) (*(const pm_ix *)(const void *)(key + (size_t)(e) * g->stride))
	for (uint32_t e = 0; e < ne; e++)
		off[KEY(e) + 1]++;
	for (uint32_t v = 0; v < n; v++)
		off[v + 1] += off[v];
	for (uint32_t e = 0; e < ne; e++)
		adj[off[KEY(e)]++] = e;
#undef KEY
	/* each off[v] now holds the end of v's run: shift back to starts */
	for (uint32_t v = n; v > 0; v--)
		off[v] = off[v - 1];
	off[0] = 0;
	*offp = off;
	*adjp = adj;
}

static void graph_index(pm_model *m, pm_graph *g)
{
	csr(m, g, false, &g->out_off, &g->out);
	csr(m, g, true, &g->in_off, &g->in);
}

void pm_graph_steps(pm_model *m, pm_graph *g)
{
	g->n = m->steps.n;
	g->ne = m->flows.n;
	g->from = m->flows.n ? (const char *)&m->flows.v[0].from : NULL;
	g->to = m->flows.n ? (const char *)&m->flows.v[0].to : NULL;
	g->stride = sizeof *m->flows.v;
	graph_index(m, g);
}

void pm_graph_procs(pm_model *m, pm_graph *g)
{
	g->n = m->processes.n;
	g->ne = m->handoffs.n;
	g->from = m->handoffs.n ? (const char *)&m->handoffs.v[0].from_proc : NULL;
	g->to = m->handoffs.n ? (const char *)&m->handoffs.v[0].to_proc : NULL;
	g->stride = sizeof *m->handoffs.v;
	graph_index(m, g);
}

/* --- strongly connected components ------------------------------------------ */

/* Tarjan's algorithm in Pearce's compact form: one word a node, low[],
 * which is the caller's comp[] -- PM_NONE before the node is reached, its
 * lowest reachable DFS index (< n) while it is on the stack, n + c once it
 * is in component c, so a finished node never lowers another -- and a root
 * flag a node instead of a second index.  The stack of open nodes grows
 * down from the end of order[], which fills from the front as components
 * complete: together they never hold more than n nodes. */
typedef struct tarjan {
	const pm_graph *g;
	pm_ix *low, *pos, *calls, *order;
	uint8_t *root;
	uint32_t ncalls, sp, counter;   /* the open stack is order[sp .. n) */
	uint32_t norder, ncomp;
	bool *cyclic;
} tarjan;

static void tarjan_enter(tarjan *t, pm_ix v)
{
	t->low[v] = t->counter++;
	t->root[v] = 1;
	t->pos[v] = t->g->out_off[v];
	t->order[--t->sp] = v;
	t->calls[t->ncalls++] = v;
}

/* v is finished: if it roots a component, pop the component. */
static void tarjan_leave(tarjan *t, pm_ix v)
{
	t->ncalls--;
	if (t->ncalls) {
		pm_ix parent = t->calls[t->ncalls - 1];
		if (t->low[v] < t->low[parent]) {
			t->low[parent] = t->low[v];
			t->root[parent] = 0;
		}
	}
	if (!t->root[v])
		return;
	uint32_t first = t->norder;
	pm_ix w;
	do {
		w = t->order[t->sp++];
		t->low[w] = t->g->n + t->ncomp;
		t->order[t->norder++] = w;
	} while (w != v);
	if (t->cyclic)
		t->cyclic[t->ncomp] = t->norder - first > 1;
	t->ncomp++;
}

static void tarjan_from(tarjan *t, pm_ix root)
{
	const pm_graph *g = t->g;
	tarjan_enter(t, root);
	while (t->ncalls) {
		pm_ix v = t->calls[t->ncalls - 1];
		if (t->pos[v] == g->out_off[v + 1]) {
			tarjan_leave(t, v);
			continue;
		}
		pm_ix w = pm_graph_to(g, g->out[t->pos[v]++]);
		if (t->low[w] == PM_NONE) {
			tarjan_enter(t, w);
		} else if (t->low[w] < t->low[v]) {
			t->low[v] = t->low[w];   /* w is on the stack */
			t->root[v] = 0;
		}
	}
}

uint32_t pm_graph_scc(pm_model *m, const pm_graph *g, pm_ix *comp,
                      pm_ix *order, bool *cyclic)
{
	tarjan t = { .g = g, .low = comp, .order = order, .sp = g->n, .cyclic = cyclic };
	uint32_t mark = pm_scratch_mark(m);
	t.pos = ix_array(m, g->n);
	t.calls = ix_array(m, g->n);
	t.root = pm_scratch(m, g->n ? g->n : 1);
	memset(comp, 0xff, (size_t)g->n * sizeof *comp);
	for (pm_ix v = 0; v < g->n; v++)
		if (comp[v] == PM_NONE)
			tarjan_from(&t, v);
	for (pm_ix v = 0; v < g->n; v++)
		comp[v] -= g->n;
	if (cyclic)
		for (uint32_t e = 0; e < g->ne; e++)
			if (pm_graph_from(g, e) == pm_graph_to(g, e))
				cyclic[comp[pm_graph_from(g, e)]] = true;
	pm_scratch_pop(m, mark);
	return t.ncomp;
}

/* --- explaining a cycle ------------------------------------------------------- */

void pm_cycle_ws_init(pm_model *m, const pm_graph *g, pm_cycle_ws *ws)
{
	ws->state = pm_scratch(m, g->n ? g->n : 1);
	memset(ws->state, 0, g->n);
	ws->pos = ix_array(m, g->n);
	ws->stack = ix_array(m, g->n);
	ws->depth = ix_array(m, g->n);
	ws->path = ix_array(m, g->n);
}

enum { WHITE, GREY, BLACK };

static void back_edge(const pm_cycle_ws *ws, uint32_t sp, pm_ix e, pm_ix w,
                      pm_cycle *out)
{
	if (out->nback < PM_CYCLE_BACK_MAX)
		out->back[out->nback] = e;
	if (out->nback++ == 0) {
		/* the grey nodes from w to the top of the stack form the loop */
		out->npath = sp - ws->depth[w];
		memcpy(out->path, ws->stack + ws->depth[w], out->npath * sizeof *out->path);
	}
}

void pm_graph_cycle(const pm_graph *g, const pm_ix *comp, pm_ix start,
                    pm_cycle_ws *ws, pm_cycle *out)
{
	pm_ix c = comp[start];
	uint32_t sp = 0;
	out->path = ws->path;
	out->npath = out->nback = 0;
	ws->state[start] = GREY;
	ws->pos[start] = g->out_off[start];
	ws->depth[start] = sp;
	ws->stack[sp++] = start;
	while (sp) {
		pm_ix v = ws->stack[sp - 1];
		if (ws->pos[v] == g->out_off[v + 1]) {
			ws->state[v] = BLACK;
			sp--;
			continue;
		}
		pm_ix e = g->out[ws->pos[v]++];
		pm_ix w = pm_graph_to(g, e);
		if (comp[w] != c)
			continue;
		if (ws->state[w] == GREY) {
			back_edge(ws, sp, e, w, out);
		} else if (ws->state[w] == WHITE) {
			ws->state[w] = GREY;
			ws->pos[w] = g->out_off[w];
			ws->depth[w] = sp;
			ws->stack[sp++] = w;
		}
	}
	/* the next component's path starts after this one's: components are
	 * disjoint, so the buffer of n entries is never overrun */
	ws->path += out->npath;
}

/* --- reachability ------------------------------------------------------------- */

uint32_t pm_graph_bfs(const pm_graph *g, const pm_ix *starts, uint32_t nstarts,
                      uint8_t *seen, pm_ix *queue)
{
	uint32_t head = 0, tail = 0;
	for (uint32_t i = 0; i < nstarts; i++)
		if (!seen[starts[i]]) {
			seen[starts[i]] = 1;
			queue[tail++] = starts[i];
		}
	while (head < tail) {
		pm_ix v = queue[head++];
		for (pm_ix k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			pm_ix w = pm_graph_to(g, g->out[k]);
			if (!seen[w]) {
				seen[w] = 1;
				queue[tail++] = w;
			}
		}
	}
	return tail;
}
