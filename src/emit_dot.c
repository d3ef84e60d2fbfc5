/* emit_dot.c — one small cgraph graph per diagram, built from the model in
 * model order (so layouts are the same run after run).
 *
 * Everything from the model goes through esc(): Graphviz expands escape
 * sequences (\N \G \l \n ...) in labels and tooltips, so backslashes are
 * doubled; '&' becomes "&amp;" because Graphviz passes entity-looking text
 * through to SVG unchanged (an "&foo;" would make the SVG invalid).  Labels
 * are plain strings (never agstrdup_html), so '<' cannot start an HTML
 * label; the SVG writer escapes '<', '>' and quotes itself.  URLs are only
 * file names procmap builds from checked ids. */
#include <stdio.h>
#include <string.h>

#include "render.h"

/* Okabe-Ito: readable for colour-blind readers and in grey print. */
#define C_BLUE "#0072B2"
#define C_VERMILLION "#D55E00"
#define C_YELLOW "#F0E442"
#define C_GREEN "#009E73"
#define C_SKY_TINT "#DDEEF8"
#define C_GREY_TINT "#F2F2F2"
#define C_STUB "#EEEEEE"

static const char legend[] =
	"thick blue arrows: critical path   red arrows: cycle   "
	"yellow: bottleneck   dashed: orphan or unreachable   "
	"red lane title: overloaded";

static const char *esc(pm_model *m, const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '&' ? 5 : *p == '\\' || *p == '\n' ? 2 : 1;
	char *out = pm_arena_alloc(m, n + 1), *o = out;
	for (const char *p = s; *p; p++) {
		if (*p == '&') {
			memcpy(o, "&amp;", 5);
			o += 5;
		} else if (*p == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (*p == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (*p != '\r') {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static const char *escs(pm_model *m, pm_str s)
{
	return esc(m, pm_str_get(m, s));
}

static void set(void *obj, const char *name, const char *val)
{
	agsafeset(obj, (char *)name, (char *)val, "");
}

static const char *label_or_id(pm_model *m, pm_str label, pm_str id)
{
	return escs(m, label ? label : id);
}

static const char *person_name(pm_model *m, pm_ix p)
{
	if (p == PM_NONE)
		return "no owner";
	return label_or_id(m, m->people.v[p].label, m->people.v[p].id);
}

/* A link to a diagram of a level this run does not draw would point to a
 * file that may not exist, so there is none. */
static const char *link_to(pm_rctx *c, pm_kind kind, pm_ix i)
{
	unsigned level = i == PM_NONE ? PM_LEVEL_FOREST :
	                 kind == PM_KIND_SYSTEM ? PM_LEVEL_SYSTEM : PM_LEVEL_PROCESS;
	if (!(c->levels & level))
		return NULL;
	const char *name = i == PM_NONE ? "forest" : pm_render_name(c->m, kind, i);
	return name ? pm_arena_printf(c->m, "%s.%s", name, c->link_ext) : NULL;
}

static void set_link(pm_rctx *c, void *obj, pm_kind kind, pm_ix i)
{
	const char *url = link_to(c, kind, i);
	if (url)
		set(obj, "URL", url);
}

/* cgraph's default ID discipline makes a name's ID the address of its
 * string, and keeps subgraphs ordered by ID: cluster order (and so the
 * layout) would follow malloc.  This one numbers names in creation order,
 * so the same model gives the same bytes run after run. */
typedef struct idstate {
	Agraph_t *g;               /* names are its refcounted strings */
	char **names;              /* ID / 2 - 1 → name */
	uint32_t n, cap;
	uint32_t *slots;           /* name index + 1, open addressing */
	uint32_t nslots;
	IDTYPE anon;               /* odd IDs for anonymous objects */
} idstate;

static uint32_t id_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	(void)disc;
	idstate *st = pm_malloc(sizeof *st);
	if (st) {
		memset(st, 0, sizeof *st);
		st->g = g;
		st->anon = 1;
	}
	return st;
}

static bool id_grow(idstate *st)
{
	uint32_t ns = st->nslots ? st->nslots * 2 : 64;
	uint32_t *slots = pm_malloc(ns * sizeof *slots);
	if (!slots)
		return false;
	memset(slots, 0, ns * sizeof *slots);
	for (uint32_t i = 0; i < st->n; i++) {
		uint32_t h = id_hash(st->names[i]) & (ns - 1);
		while (slots[h])
			h = (h + 1) & (ns - 1);
		slots[h] = i + 1;
	}
	pm_free(st->slots);
	st->slots = slots;
	st->nslots = ns;
	return true;
}

static bool id_add(idstate *st, const char *str, uint32_t *slot)
{
	if (st->n == st->cap) {
		uint32_t cap = st->cap ? st->cap * 2 : 64;
		char **names = pm_realloc(st->names, cap * sizeof *names);
		if (!names)
			return false;
		st->names = names;
		st->cap = cap;
	}
	/* a cgraph string, not a copy: agwrite() looks at its header to
	 * tell HTML-like names from plain ones */
	char *copy = agstrdup(st->g, (char *)str);
	if (!copy)
		return false;
	st->names[st->n++] = copy;
	*slot = st->n;
	return true;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int create)
{
	idstate *st = state;
	(void)objtype;
	if (!str) {
		*id = st->anon;
		st->anon += 2;
		return 1;
	}
	if ((st->n + 1) * 2 > st->nslots && !id_grow(st))
		return 0;
	uint32_t h = id_hash(str) & (st->nslots - 1);
	while (st->slots[h] && strcmp(st->names[st->slots[h] - 1], str) != 0)
		h = (h + 1) & (st->nslots - 1);
	if (!st->slots[h] && (!create || !id_add(st, str, &st->slots[h])))
		return 0;
	*id = (IDTYPE)st->slots[h] * 2;
	return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0;
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	idstate *st = state;
	(void)objtype;
	return id % 2 == 0 && id / 2 - 1 < st->n ? st->names[id / 2 - 1] : NULL;
}

static void id_close(void *state)
{
	idstate *st = state;
	/* the names go with the graph's string table */
	pm_free(st->names);
	pm_free(st->slots);
	pm_free(st);
}

static void id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t id_disc = {
	id_open, id_map, id_alloc, id_free, id_print, id_close, id_register
};

static Agraph_t *new_graph(const char *name, const char *rankdir)
{
	static Agdisc_t disc = { NULL, &id_disc, NULL };
	disc.mem = &AgMemDisc;
	disc.io = &AgIoDisc;
	Agraph_t *g = agopen((char *)name, Agdirected, &disc);
	agattr(g, AGRAPH, "rankdir", (char *)rankdir);
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGRAPH, "fontsize", "11");
	agattr(g, AGRAPH, "nodesep", "0.35");
	agattr(g, AGRAPH, "ranksep", "0.5");
	/* Rank the whole graph at once: by default dot ranks each cluster on
	 * its own and then the clusters as single nodes, so a flow that goes
	 * from lane to lane and back ran right to left. */
	agattr(g, AGRAPH, "newrank", "true");
	agattr(g, AGRAPH, "labeljust", "l");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "style", "rounded,filled");
	agattr(g, AGNODE, "fillcolor", "#FFFFFF");
	agattr(g, AGNODE, "color", "#333333");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGEDGE, "color", "#555555");
	agattr(g, AGEDGE, "fontcolor", "#333333");
	return g;
}

static void add_legend(pm_rctx *c, Agraph_t *g, const char *title)
{
	set(g, "label", pm_arena_printf(c->m, "%s\\n%s", title, legend));
	set(g, "labelloc", "t");
	set(g, "fontsize", "12");
}

static const char *owner_of_process(pm_model *m, const pm_process *p)
{
	if (p->owner.target != PM_NONE)
		return person_name(m, p->owner.target);
	if (p->system != PM_NONE && m->systems.v[p->system].owner.target != PM_NONE)
		return person_name(m, m->systems.v[p->system].owner.target);
	return "no owner";
}

static const char *node_name(pm_model *m, char kind, pm_ix i)
{
	return pm_arena_printf(m, "%c%u", kind, (unsigned)i);
}

/* A process as one node (forest, collapsed system). */
static Agnode_t *proc_node(pm_rctx *c, Agraph_t *g, pm_ix i)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[i];
	Agnode_t *n = agnode(g, (char *)node_name(m, 'p', i), 1);
	const char *owner = owner_of_process(m, p);
	const char *label = pm_arena_printf(m, "%s\\n%u step%s · %s",
		label_or_id(m, p->label, p->id), (unsigned)p->step_count,
		p->step_count == 1 ? "" : "s", owner);
	const char *cls = "process";
	if (p->trigger)
		label = pm_arena_printf(m, "%s\\n▶ %s", label, escs(m, p->trigger));
	if (c->proc_mark[i] & PM_RF_ORPHAN) {
		label = pm_arena_printf(m, "%s\\norphan: in no system", label);
		cls = "process orphan";
	}
	if (c->proc_mark[i] & PM_RF_UNREACHABLE) {
		label = pm_arena_printf(m, "%s\\nunreachable: nothing starts it", label);
		cls = pm_arena_printf(m, "%s unreachable", cls);
	}
	if (c->proc_mark[i] & (PM_RF_ORPHAN | PM_RF_UNREACHABLE))
		set(n, "style", "rounded,filled,dashed");
	if (p->trigger) {
		set(n, "peripheries", "2");
		cls = pm_arena_printf(m, "%s entry", cls);
	}
	set(n, "label", label);
	set(n, "fillcolor", C_SKY_TINT);
	set(n, "class", cls);
	set(n, "id", pm_arena_printf(m, "process-%s", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, i))));
	set(n, "tooltip", pm_arena_printf(m, "%s\\nowner: %s%s%s",
		esc(m, pm_qualified_id(m, PM_KIND_PROCESS, i)), owner,
		p->trigger ? "\\ntrigger: " : "", p->trigger ? escs(m, p->trigger) : ""));
	set_link(c, n, PM_KIND_PROCESS, i);
	return n;
}

static bool map_has(const pm_map *map, pm_ix a, pm_ix b)
{
	return map->n && pm_map_get(map, (uint64_t)a << 32 | b) != PM_NONE;
}

/* A label for edge e, drawn once the diagram is complete (place_labels). */
static void edge_label(pm_rctx *c, Agedge_t *e, const char *label)
{
	pm_elabel *l = pm_vec_push(c->m, c->elabels);
	l->e = e;
	l->label = label;
}

static Agedge_t *edge(pm_rctx *c, Agraph_t *g, Agnode_t *a, Agnode_t *b,
                      char kind, pm_ix i, pm_str label)
{
	Agedge_t *e = agedge(g, a, b, (char *)node_name(c->m, kind, i), 1);
	if (label)
		edge_label(c, e, escs(c->m, label));
	return e;
}

static void handoff_style(pm_rctx *c, Agedge_t *e, const pm_handoff *h)
{
	set(e, "style", "bold");
	set(e, "class", "handoff");
	if (map_has(&c->cycle_handoffs, h->from_proc, h->to_proc)) {
		set(e, "color", C_VERMILLION);
		set(e, "fontcolor", C_VERMILLION);
		set(e, "penwidth", "2.5");
		set(e, "class", "handoff cycle");
	}
}

static void forest_full(pm_rctx *c, Agraph_t *g)
{
	pm_model *m = c->m;
	for (pm_ix s = 0; s < m->systems.n; s++) {
		char name[32];
		snprintf(name, sizeof name, "cluster_s%u", (unsigned)s);
		Agraph_t *sub = agsubg(g, name, 1);
		const pm_system *sy = &m->systems.v[s];
		/* \\l ends a line left-aligned, as labeljust puts the label */
		set(sub, "label", pm_arena_printf(m, "%s\\lowner: %s\\l",
			label_or_id(m, sy->label, sy->id), person_name(m, sy->owner.target)));
		set(sub, "style", "rounded,filled");
		set(sub, "fillcolor", C_GREY_TINT);
		set(sub, "color", "#999999");
		set(sub, "class", "system");
		set_link(c, sub, PM_KIND_SYSTEM, s);
		for (pm_ix i = 0; i < sy->proc_count; i++)
			proc_node(c, sub, sy->proc_first + i);
	}
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			proc_node(c, g, i);
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		Agnode_t *a = agnode(g, (char *)node_name(m, 'p', h->from_proc), 0);
		Agnode_t *b = agnode(g, (char *)node_name(m, 'p', h->to_proc), 0);
		handoff_style(c, edge(c, g, a, b, 'h', i, h->label), h);
	}
}

/* Too many processes to read: a node per system, counts on it, hand-offs
 * summed between systems.  Top-level processes share one node. */
static void forest_collapsed(pm_rctx *c, Agraph_t *g)
{
	pm_model *m = c->m;
	uint32_t ns = m->systems.n, top = 0, topsteps = 0;
	for (pm_ix s = 0; s < ns; s++) {
		const pm_system *sy = &m->systems.v[s];
		uint32_t steps = 0;
		for (pm_ix i = 0; i < sy->proc_count; i++)
			steps += m->processes.v[sy->proc_first + i].step_count;
		Agnode_t *n = agnode(g, (char *)node_name(m, 'y', s), 1);
		set(n, "label", pm_arena_printf(m, "%s\\n%u processes · %u steps\\nowner: %s",
			label_or_id(m, sy->label, sy->id), (unsigned)sy->proc_count,
			(unsigned)steps, person_name(m, sy->owner.target)));
		set(n, "fillcolor", C_GREY_TINT);
		set(n, "class", "system");
		set_link(c, n, PM_KIND_SYSTEM, s);
	}
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE) {
			top++;
			topsteps += m->processes.v[i].step_count;
		}
	if (top) {
		Agnode_t *n = agnode(g, (char *)node_name(m, 'y', ns), 1);
		set(n, "label", pm_arena_printf(m, "in no system\\n%u processes · %u steps",
			(unsigned)top, (unsigned)topsteps));
		set(n, "style", "rounded,filled,dashed");
		set(n, "class", "orphan");
	}
	pm_map seen = { 0 };
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		pm_ix a = m->processes.v[h->from_proc].system;
		pm_ix b = m->processes.v[h->to_proc].system;
		a = a == PM_NONE ? ns : a;
		b = b == PM_NONE ? ns : b;
		if (a == b || pm_map_put(m, &seen, (uint64_t)a << 32 | b, i) != PM_NONE)
			continue;
		Agedge_t *e = agedge(g, agnode(g, (char *)node_name(m, 'y', a), 0),
		                     agnode(g, (char *)node_name(m, 'y', b), 0),
		                     (char *)node_name(m, 'h', i), 1);
		set(e, "class", "handoff");
	}
	pm_map_free(&seen);
}

/* A process of another system, or of this one seen from outside. */
static Agnode_t *stub(pm_rctx *c, Agraph_t *g, pm_ix proc, bool out)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[proc];
	Agnode_t *n = agnode(g, (char *)node_name(m, out ? 'x' : 'i', proc), 1);
	const char *where = p->system == PM_NONE ? "no system"
		: label_or_id(m, m->systems.v[p->system].label, m->systems.v[p->system].id);
	set(n, "label", pm_arena_printf(m, "%s %s\\n(%s)", out ? "→" : "←",
		label_or_id(m, p->label, p->id), where));
	set(n, "shape", "note");
	set(n, "style", "filled");
	set(n, "fillcolor", C_STUB);
	set(n, "fontsize", "9");
	set(n, "class", "stub");
	set(n, "tooltip", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, proc)));
	set_link(c, n, PM_KIND_PROCESS, proc);
	return n;
}

static const char *step_tooltip(pm_model *m, pm_ix i)
{
	const pm_step *s = &m->steps.v[i];
	const char *t = pm_arena_printf(m, "%s\\nowner: %s",
		esc(m, pm_qualified_id(m, PM_KIND_STEP, i)), person_name(m, s->eff_owner));
	for (pm_ix k = 0; k < s->uses_count; k++) {
		const pm_ref *u = &m->uses.v[s->uses_first + k];
		const char *tool = u->target != PM_NONE
			? label_or_id(m, m->tools.v[u->target].label, m->tools.v[u->target].id)
			: escs(m, u->name);
		t = pm_arena_printf(m, "%s%s%s", t, k ? ", " : "\\ntools: ", tool);
	}
	if (s->takes_text)
		t = pm_arena_printf(m, "%s\\ntakes: %s", t, escs(m, s->takes_text));
	if (s->waits_text)
		t = pm_arena_printf(m, "%s\\nwaits: %s", t, escs(m, s->waits_text));
	if (s->description)
		t = pm_arena_printf(m, "%s\\n%s", t, escs(m, s->description));
	return t;
}

static Agnode_t *step_node(pm_rctx *c, Agraph_t *g, pm_ix i)
{
	pm_model *m = c->m;
	const pm_step *s = &m->steps.v[i];
	Agnode_t *n = agnode(g, (char *)node_name(m, 's', i), 1);
	const char *label = label_or_id(m, s->label, s->id);
	const char *cls = "step";
	if (s->takes_text && s->waits_text)
		label = pm_arena_printf(m, "%s\\ntakes %s · waits %s", label,
			escs(m, s->takes_text), escs(m, s->waits_text));
	else if (s->takes_text || s->waits_text)
		label = pm_arena_printf(m, "%s\\n%s %s", label, s->takes_text ? "takes" : "waits",
			escs(m, s->takes_text ? s->takes_text : s->waits_text));
	if (c->step_mark[i] & PM_RF_BOTTLENECK) {
		label = pm_arena_printf(m, "%s\\n⚠ bottleneck", label);
		set(n, "fillcolor", C_YELLOW);
		set(n, "penwidth", "2");
		cls = "step bottleneck";
	}
	if (c->step_mark[i] & PM_RF_CRITICAL) {
		set(n, "color", C_BLUE);
		set(n, "penwidth", "2");
		cls = pm_arena_printf(m, "%s critical", cls);
	}
	set(n, "label", label);
	set(n, "class", cls);
	set(n, "tooltip", step_tooltip(m, i));
	return n;
}

static void flow_edges(pm_rctx *c, Agraph_t *g, pm_ix proc)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[proc];
	for (pm_ix k = 0; k < p->flow_count; k++) {
		pm_ix fi = p->flow_first + k;
		const pm_flow *f = &m->flows.v[fi];
		Agedge_t *e = edge(c, g, agnode(g, (char *)node_name(m, 's', f->from), 0),
		                   agnode(g, (char *)node_name(m, 's', f->to), 0), 'f', fi, f->label);
		if (map_has(&c->cycle_flows, f->from, f->to)) {
			set(e, "color", C_VERMILLION);
			set(e, "fontcolor", C_VERMILLION);
			set(e, "penwidth", "2.5");
			set(e, "class", "flow cycle");
		} else if (map_has(&c->crit_flows, f->from, f->to)) {
			set(e, "color", C_BLUE);
			set(e, "penwidth", "3");
			set(e, "class", "flow critical");
		} else {
			set(e, "class", "flow");
		}
		if (f->arrow == PM_NONE)
			set(e, "style", "solid");
	}
}

static void up_node(pm_rctx *c, Agraph_t *g, pm_kind kind, pm_ix i)
{
	pm_model *m = c->m;
	Agnode_t *n = agnode(g, "up", 1);
	const char *label = i == PM_NONE ? "↑ whole business"
		: pm_arena_printf(m, "↑ system %s",
		  label_or_id(m, m->systems.v[i].label, m->systems.v[i].id));
	set(n, "label", label);
	set(n, "shape", "plaintext");
	set(n, "style", "");
	set(n, "fontcolor", C_BLUE);
	set(n, "class", "up");
	set_link(c, n, kind, i);
}

/* The node a process-level hand-off attaches to inside a system diagram. */
static Agnode_t *proc_anchor(pm_model *m, Agraph_t *g, pm_ix proc, pm_ix step)
{
	const pm_process *p = &m->processes.v[proc];
	if (step != PM_NONE)
		return agnode(g, (char *)node_name(m, 's', step), 0);
	if (p->step_count)
		return agnode(g, (char *)node_name(m, 's', p->step_first), 0);
	return agnode(g, (char *)node_name(m, 'e', proc), 0);
}

static void system_handoffs(pm_rctx *c, Agraph_t *g, pm_ix sys, bool collapsed)
{
	pm_model *m = c->m;
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		bool from_in = m->processes.v[h->from_proc].system == sys;
		bool to_in = m->processes.v[h->to_proc].system == sys;
		if (!from_in && !to_in)
			continue;
		Agnode_t *a, *b;
		if (collapsed) {
			a = from_in ? agnode(g, (char *)node_name(m, 'p', h->from_proc), 0)
			            : stub(c, g, h->from_proc, false);
			b = to_in ? agnode(g, (char *)node_name(m, 'p', h->to_proc), 0)
			          : stub(c, g, h->to_proc, true);
		} else {
			a = from_in ? proc_anchor(m, g, h->from_proc, h->from_step)
			            : stub(c, g, h->from_proc, false);
			b = to_in ? proc_anchor(m, g, h->to_proc, h->to_step)
			          : stub(c, g, h->to_proc, true);
		}
		Agedge_t *e = edge(c, g, a, b, 'h', i, h->label);
		handoff_style(c, e, h);
		if (!collapsed && from_in && h->from_step == PM_NONE)
			set(e, "ltail", pm_arena_printf(m, "clusterP%u", (unsigned)h->from_proc));
		if (!collapsed && to_in && h->to_step == PM_NONE)
			set(e, "lhead", pm_arena_printf(m, "clusterP%u", (unsigned)h->to_proc));
	}
}

static void system_full(pm_rctx *c, Agraph_t *g, pm_ix sys)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[sys];
	set(g, "compound", "true");
	for (pm_ix k = 0; k < sy->proc_count; k++) {
		pm_ix pi = sy->proc_first + k;
		const pm_process *p = &m->processes.v[pi];
		char name[32];
		snprintf(name, sizeof name, "clusterP%u", (unsigned)pi);
		Agraph_t *sub = agsubg(g, name, 1);
		const char *label = pm_arena_printf(m, "%s · %s",
			label_or_id(m, p->label, p->id), owner_of_process(m, p));
		if (p->trigger)
			label = pm_arena_printf(m, "%s\\l▶ %s", label, escs(m, p->trigger));
		set(sub, "label", pm_arena_printf(m, "%s\\l", label));
		set(sub, "style", c->proc_mark[pi] & PM_RF_UNREACHABLE ? "rounded,filled,dashed" : "rounded,filled");
		set(sub, "fillcolor", C_SKY_TINT);
		set(sub, "class", c->proc_mark[pi] & PM_RF_UNREACHABLE ? "process unreachable" : "process");
		set(sub, "tooltip", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, pi)));
		set_link(c, sub, PM_KIND_PROCESS, pi);
		for (pm_ix s = 0; s < p->step_count; s++)
			step_node(c, sub, p->step_first + s);
		if (!p->step_count) {
			Agnode_t *n = agnode(sub, (char *)node_name(m, 'e', pi), 1);
			set(n, "label", "(no steps)");
			set(n, "style", "dashed");
		}
		flow_edges(c, g, pi);
	}
}

static void system_diagram(pm_rctx *c, Agraph_t *g, pm_ix sys, bool collapsed)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[sys];
	up_node(c, g, PM_KIND_SYSTEM, PM_NONE);
	if (collapsed) {
		for (pm_ix k = 0; k < sy->proc_count; k++)
			proc_node(c, g, sy->proc_first + k);
	} else {
		system_full(c, g, sys);
	}
	system_handoffs(c, g, sys, collapsed);
}

/* Swimlanes: one cluster per effective owner, in order of first step. */
static Agraph_t *lane(pm_rctx *c, Agraph_t *g, pm_ix owner)
{
	pm_model *m = c->m;
	char name[32];
	if (owner == PM_NONE)
		snprintf(name, sizeof name, "cluster_none");
	else
		snprintf(name, sizeof name, "cluster_o%u", (unsigned)owner);
	Agraph_t *sub = agsubg(g, name, 0);
	if (sub)
		return sub;
	sub = agsubg(g, name, 1);
	const char *label = person_name(m, owner);
	set(sub, "style", "filled");
	set(sub, "fillcolor", C_GREY_TINT);
	set(sub, "color", "#BBBBBB");
	set(sub, "class", "lane");
	if (owner != PM_NONE && (c->person_mark[owner] & PM_RF_OVERLOADED)) {
		double u = m->an.people.n > owner ? m->an.people.v[owner].utilisation : -1;
		label = u > 0 ? pm_arena_printf(m, "⚠ %s: overloaded, %.0f%% of capacity", label, u * 100)
		              : pm_arena_printf(m, "⚠ %s: overloaded", label);
		set(sub, "fontcolor", C_VERMILLION);
		set(sub, "color", C_VERMILLION);
		set(sub, "penwidth", "2");
		set(sub, "class", "lane overloaded");
	}
	set(sub, "label", label);
	return sub;
}

static void process_diagram(pm_rctx *c, Agraph_t *g, pm_ix pi)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[pi];
	up_node(c, g, PM_KIND_SYSTEM, p->system);
	uint8_t *in = pm_arena_alloc(m, p->step_count + 1);
	uint8_t *out = pm_arena_alloc(m, p->step_count + 1);
	memset(in, 0, p->step_count + 1);
	memset(out, 0, p->step_count + 1);
	for (pm_ix s = 0; s < p->step_count; s++)
		step_node(c, lane(c, g, m->steps.v[p->step_first + s].eff_owner), p->step_first + s);
	flow_edges(c, g, pi);
	for (pm_ix k = 0; k < p->flow_count; k++) {
		const pm_flow *f = &m->flows.v[p->flow_first + k];
		out[f->from - p->step_first] = 1;
		in[f->to - p->step_first] = 1;
	}
	if (p->trigger) {
		Agnode_t *t = agnode(g, "start", 1);
		set(t, "label", pm_arena_printf(m, "▶ %s", escs(m, p->trigger)));
		set(t, "shape", "cds");
		set(t, "style", "filled");
		set(t, "fillcolor", C_GREEN);
		set(t, "fontcolor", "#FFFFFF");
		set(t, "class", "trigger");
		for (pm_ix s = 0; s < p->step_count; s++)
			if (!in[s])
				agedge(g, t, agnode(g, (char *)node_name(m, 's', p->step_first + s), 0),
				       (char *)node_name(m, 't', s), 1);
	}
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		if (h->from_proc != pi && h->to_proc != pi)
			continue;
		bool outgoing = h->from_proc == pi;
		pm_ix other = outgoing ? h->to_proc : h->from_proc;
		Agnode_t *x = stub(c, g, other, outgoing);
		pm_ix here = outgoing ? h->from_step : h->to_step;
		for (pm_ix s = 0; s < p->step_count; s++) {
			pm_ix si = p->step_first + s;
			bool attach = here != PM_NONE ? si == here : outgoing ? !out[s] : !in[s];
			if (!attach)
				continue;
			Agnode_t *sn = agnode(g, (char *)node_name(m, 's', si), 0);
			Agedge_t *e = agedge(g, outgoing ? sn : x, outgoing ? x : sn,
				(char *)pm_arena_printf(m, "h%u_%u", (unsigned)i, (unsigned)s), 1);
			if (h->label)
				edge_label(c, e, escs(m, h->label));
			handoff_style(c, e, h);
			set(e, "style", "dashed");
		}
	}
}

static const char *diagram_title(pm_rctx *c, const pm_diagram *d)
{
	pm_model *m = c->m;
	const char *title = m->title ? escs(m, m->title) : "Business";
	if (d->kind == PM_DIAGRAM_FOREST)
		return title;
	if (d->kind == PM_DIAGRAM_SYSTEM) {
		const pm_system *s = &m->systems.v[d->ix];
		return pm_arena_printf(m, "%s — system %s", title, label_or_id(m, s->label, s->id));
	}
	const pm_process *p = &m->processes.v[d->ix];
	const char *t = pm_arena_printf(m, "%s — process %s (%s)", title,
		label_or_id(m, p->label, p->id), esc(m, pm_qualified_id(m, PM_KIND_PROCESS, d->ix)));
	if (m->an.done && d->ix < m->an.procs.n && m->an.procs.v[d->ix].lead_status == PM_LEAD_OK)
		t = pm_arena_printf(m, "%s · lead time %.1f h", t,
			(double)m->an.procs.v[d->ix].lead_s / 3600.0);
	return t;
}

size_t pm_dot_size(pm_rctx *c, const pm_diagram *d)
{
	pm_model *m = c->m;
	if (d->kind == PM_DIAGRAM_FOREST)
		return m->processes.n;
	if (d->kind == PM_DIAGRAM_SYSTEM) {
		const pm_system *s = &m->systems.v[d->ix];
		size_t n = s->proc_count;
		for (pm_ix k = 0; k < s->proc_count; k++)
			n += m->processes.v[s->proc_first + k].step_count;
		return n;
	}
	return m->processes.v[d->ix].step_count;
}

/* The innermost cluster that holds both a and b, else the root.  Clusters
 * nest two deep at most here, so the walk is short. */
static Agraph_t *common_cluster(Agraph_t *g, Agnode_t *a, Agnode_t *b)
{
	for (;;) {
		Agraph_t *in = NULL;
		for (Agraph_t *s = agfstsubg(g); s && !in; s = agnxtsubg(s))
			if (agsubnode(s, a, 0) && agsubnode(s, b, 0))
				in = s;
		if (!in)
			return g;
		g = in;
	}
}

/* Whether node n is in the cluster called `name` (a child of g). */
static bool in_cluster(Agraph_t *g, const char *name, Agnode_t *n)
{
	Agraph_t *sub = agsubg(g, (char *)name, 0);
	return sub && agsubnode(sub, n, 0);
}

/* Edge labels become small text nodes on their edge: a -> label -> b.
 * dot keeps nodes apart, so a label never sits on a box or on another
 * label, which Graphviz's xlabel placement does not promise; and dot's own
 * edge labels are out, as 2.43 frees memory twice laying out a labelled
 * edge between two nodes of one rank (flat_edges).  The label node goes in
 * the innermost cluster of both ends, so a flow inside a lane stays in it.
 * Both halves keep every attribute of the edge (colour, width, class,
 * lhead/ltail where they apply); only the second half has the arrowhead. */
static void place_labels(pm_rctx *c, Agraph_t *g)
{
	pm_model *m = c->m;
	for (uint32_t i = 0; i < c->elabels.n; i++) {
		Agedge_t *e = c->elabels.v[i].e;
		Agnode_t *a = agtail(e), *b = aghead(e);
		Agnode_t *n = agnode(common_cluster(g, a, b),
		                     (char *)pm_arena_printf(m, "label%u", (unsigned)i), 1);
		const char *colour = agget(e, "fontcolor");
		set(n, "label", c->elabels.v[i].label);
		set(n, "shape", "plaintext");
		set(n, "style", "");
		set(n, "fontsize", "9");
		set(n, "width", "0");
		set(n, "height", "0");
		set(n, "margin", "0.04,0.02");
		if (colour && *colour)
			set(n, "fontcolor", colour);
		set(n, "class", "edge-label");
		const char *name = agnameof(e);
		Agedge_t *e1 = agedge(g, a, n, (char *)pm_arena_printf(m, "%s_a", name), 1);
		Agedge_t *e2 = agedge(g, n, b, (char *)pm_arena_printf(m, "%s_b", name), 1);
		agcopyattr(e, e1);
		agcopyattr(e, e2);
		set(e1, "arrowhead", "none");
		/* a half ends at the cluster's border only when the label is
		 * outside it (a hand-off from a process to itself has it inside) */
		const char *lhead = agget(e, "lhead"), *ltail = agget(e, "ltail");
		if (lhead && *lhead) {
			set(e1, "lhead", "");
			if (in_cluster(g, lhead, n))
				set(e2, "lhead", "");
		}
		if (ltail && *ltail) {
			set(e2, "ltail", "");
			if (in_cluster(g, ltail, n))
				set(e1, "ltail", "");
		}
		agdelete(g, e);
	}
	c->elabels.n = 0;
}

Agraph_t *pm_dot_build(pm_rctx *c, const pm_diagram *d, int *collapsed)
{
	bool big = d->kind != PM_DIAGRAM_PROCESS && pm_dot_size(c, d) > c->max_nodes;
	*collapsed = big;
	c->elabels.n = 0;
	Agraph_t *g = new_graph(d->name, "LR");
	add_legend(c, g, diagram_title(c, d));
	switch (d->kind) {
	case PM_DIAGRAM_FOREST:
		if (big)
			forest_collapsed(c, g);
		else
			forest_full(c, g);
		break;
	case PM_DIAGRAM_SYSTEM:
		system_diagram(c, g, d->ix, big);
		break;
	case PM_DIAGRAM_PROCESS:
		process_diagram(c, g, d->ix);
		break;
	}
	place_labels(c, g);
	return g;
}
