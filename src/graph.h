/* graph.h — directed graphs over the model for the analysis passes
 * (internal): the step graph (flows) and the process graph (hand-offs) in
 * compressed sparse row form, with iterative SCC, cycle and BFS helpers.
 *
 * Every algorithm here is linear in nodes + edges and uses explicit stacks,
 * never recursion, so a million-step chain or cycle cannot overflow the C
 * stack.  Arrays come from pm_scratch() (freed when pm_model_analyze()
 * returns).  Node and edge order is the model's written order, and every
 * walk follows it, so results are deterministic. */
#ifndef PM_GRAPH_H
#define PM_GRAPH_H

#include "model.h"

typedef struct pm_graph {
	uint32_t n, ne;         /* nodes, edges */
	/* edge e's ends are read where the model keeps them (m->flows,
	 * m->handoffs), not copied: pm_graph_from() and pm_graph_to() */
	const char *from, *to;
	size_t stride;
	pm_ix *out_off, *out;   /* edges leaving v: out[out_off[v] .. out_off[v+1]) */
	pm_ix *in_off, *in;     /* edges entering v, likewise */
} pm_graph;

static inline pm_ix pm_graph_from(const pm_graph *g, pm_ix e)
{
	return *(const pm_ix *)(const void *)(g->from + (size_t)e * g->stride);
}
static inline pm_ix pm_graph_to(const pm_graph *g, pm_ix e)
{
	return *(const pm_ix *)(const void *)(g->to + (size_t)e * g->stride);
}

/* Steps as nodes, m->flows as edges (edge i is flow i). */
void pm_graph_steps(pm_model *m, pm_graph *g);
/* Processes as nodes, m->handoffs as edges (edge i is hand-off i). */
void pm_graph_procs(pm_model *m, pm_graph *g);

static inline uint32_t pm_graph_outdeg(const pm_graph *g, pm_ix v)
{
	return g->out_off[v + 1] - g->out_off[v];
}
static inline uint32_t pm_graph_indeg(const pm_graph *g, pm_ix v)
{
	return g->in_off[v + 1] - g->in_off[v];
}

/* Strongly connected components (Tarjan, iterative).  Roots are taken in
 * node order and edges in CSR order.  comp[v] receives v's component;
 * order[] lists the nodes component by component in the order components
 * complete, so every edge leads to an earlier component or stays inside its
 * own: a reverse topological order.  cyclic[c] (optional, ncomp entries,
 * sized n by the caller) says whether component c has a cycle (two or more
 * nodes, or a self-loop).  comp[] and order[] (n entries each) are the
 * algorithm's workspace too.  Returns the number of components. */
uint32_t pm_graph_scc(pm_model *m, const pm_graph *g, pm_ix *comp,
                      pm_ix *order, bool *cyclic);

/* How one cyclic component is explained to the user. */
#define PM_CYCLE_BACK_MAX 3
typedef struct pm_cycle {
	pm_ix *path;            /* a cycle: nodes from the target of the first
	                           back edge to its source (workspace memory) */
	uint32_t npath;
	pm_ix back[PM_CYCLE_BACK_MAX];  /* the first back edges, in DFS order */
	uint32_t nback;         /* all back edges: removing them all breaks
	                           every cycle of the component */
} pm_cycle;

/* Workspace for pm_graph_cycle(), good for every component of one graph. */
typedef struct pm_cycle_ws {
	uint8_t *state;
	pm_ix *pos, *stack, *depth;
	pm_ix *path;            /* where the next component's path goes */
} pm_cycle_ws;

void pm_cycle_ws_init(pm_model *m, const pm_graph *g, pm_cycle_ws *ws);
/* Depth-first search inside component `c` from its node `start`.  The back
 * edges it finds are the arrows that close loops; removing all of them
 * leaves the component acyclic. */
void pm_graph_cycle(const pm_graph *g, const pm_ix *comp, pm_ix start,
                    pm_cycle_ws *ws, pm_cycle *out);

/* Breadth-first search from `starts`, marking seen[] (which the caller
 * zeroes or keeps from an earlier call); queue has room for n nodes.
 * Returns how many nodes it newly reached. */
uint32_t pm_graph_bfs(const pm_graph *g, const pm_ix *starts, uint32_t nstarts,
                      uint8_t *seen, pm_ix *queue);

#endif
