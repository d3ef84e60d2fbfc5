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

#include <graphviz/gvc.h>

#include "render.h"
#include "report.h"
#include "diff/rdiff.h"

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
	if (!(c->levels & level) || c->only)
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

/* The model whose graph is being built: cgraph cannot be told that a name
 * failed (it goes on with a NULL node), so running out of memory here
 * leaves through pm_oom(), as everywhere else.  One graph at a time in a
 * process (render.c's workers are processes). */
static pm_model *id_model;

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	(void)disc;
	idstate *st = pm_malloc(sizeof *st);
	if (!st)
		pm_oom(id_model);
	memset(st, 0, sizeof *st);
	st->g = g;
	st->anon = 1;
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
		pm_oom(id_model);
	uint32_t h = id_hash(str) & (st->nslots - 1);
	while (st->slots[h] && strcmp(st->names[st->slots[h] - 1], str) != 0)
		h = (h + 1) & (st->nslots - 1);
	if (!st->slots[h] && !create)
		return 0;
	if (!st->slots[h] && !id_add(st, str, &st->slots[h]))
		pm_oom(id_model);
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

static const char *col(const pm_rctx *c, pm_role r)
{
	return pm_palette[c->dark][r];
}

static void set_col(pm_rctx *c, void *obj, const char *name, pm_role r)
{
	set(obj, name, col(c, r));
}

static Agraph_t *new_graph(pm_rctx *c, const char *name, const char *rankdir)
{
	static Agdisc_t disc = { NULL, &id_disc, NULL };
	disc.mem = &AgMemDisc;
	disc.io = &AgIoDisc;
	id_model = c->m;
	Agraph_t *g = agopen((char *)name, Agdirected, &disc);
	if (!g)
		pm_oom(c->m);
	agattr(g, AGRAPH, "rankdir", (char *)rankdir);
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGRAPH, "fontsize", "11");
	agattr(g, AGRAPH, "nodesep", "0.3");
	agattr(g, AGRAPH, "ranksep", "0.4");
	/* Rank the whole graph at once: by default dot ranks each cluster on
	 * its own and then the clusters as single nodes, so a flow that goes
	 * from lane to lane and back ran right to left. */
	agattr(g, AGRAPH, "newrank", "true");
	agattr(g, AGRAPH, "labeljust", "l");
	agattr(g, AGRAPH, "bgcolor", (char *)col(c, PM_C_BG));
	agattr(g, AGRAPH, "fontcolor", (char *)col(c, PM_C_TEXT));
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "style", "rounded,filled");
	agattr(g, AGNODE, "fillcolor", (char *)col(c, PM_C_NODE));
	agattr(g, AGNODE, "color", (char *)col(c, PM_C_BORDER));
	agattr(g, AGNODE, "fontcolor", (char *)col(c, PM_C_TEXT));
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGEDGE, "color", (char *)col(c, PM_C_EDGE));
	agattr(g, AGEDGE, "fontcolor", (char *)col(c, PM_C_TEXT));
	return g;
}

/* The row below everything (legend, outgoing stubs) and the one above. */
static Agraph_t *edge_row(Agraph_t *g, bool top)
{
	Agraph_t *r = agsubg(g, top ? "row_top" : "row_bottom", 0);
	if (!r) {
		r = agsubg(g, top ? "row_top" : "row_bottom", 1);
		set(r, "rank", top ? "min" : "max");
	}
	return r;
}

/* Legend lines, in the order they are listed; the words name the colours
 * they are drawn in. */
static const struct { unsigned key; const char *text; } legend_lines[] = {
	{ PM_KEY_START, "green arrow box: the trigger, where the process starts" },
	{ PM_KEY_TRIGGER, "double border: has a trigger (▶)" },
	{ PM_KEY_CRITICAL, "thick blue arrows: critical path (the worst pass)" },
	{ PM_KEY_REWORK, "dashed arrow back: rework loop, with its chance" },
	{ PM_KEY_TRAP, "thick vermillion arrows: a loop no arrow leaves" },
	{ PM_KEY_HANDOFF_CYCLE, "thick vermillion hand-offs: hand-off cycle" },
	{ PM_KEY_BOTTLENECK, "yellow step, ⚠: bottleneck" },
	{ PM_KEY_OVERLOADED, "orange band, ⚠: owner over capacity" },
	{ PM_KEY_NO_OWNER, "orange dashed band: steps nobody owns" },
	{ PM_KEY_ACTOR, "grey dashed band: an actor, outside the business" },
	{ PM_KEY_DASHED, "dashed box: orphan or unreachable process" },
	{ PM_KEY_ERRORS, "✖ N, vermillion border: N errors" },
	{ PM_KEY_WARNINGS, "▲ N, orange border: N warnings" },
	{ PM_KEY_STUB, "folded note: another process (hand-off)" },
	{ PM_KEY_ADDED, "+ green, thick: added since the old version" },
	{ PM_KEY_CHANGED, "~ amber: changed (the tooltip says what)" },
	{ PM_KEY_REMOVED, "− grey, dashed: removed, drawn where it was" },
};

static Agedge_t *invisible(pm_rctx *c, Agraph_t *g, Agnode_t *a, Agnode_t *b, const char *weight);

/* A small box under the diagram with only the marks it uses. */
static void add_legend(pm_rctx *c, Agraph_t *g)
{
	if (!c->used)
		return;
	const char *text = "key\\l";
	for (size_t i = 0; i < sizeof legend_lines / sizeof legend_lines[0]; i++)
		if (c->used & legend_lines[i].key)
			text = pm_arena_printf(c->m, "%s%s\\l", text, legend_lines[i].text);
	Agnode_t *n = agnode(edge_row(g, false), "legend", 1);
	if (c->bottom)
		invisible(c, g, c->bottom, n, "0");
	set(n, "label", text);
	set(n, "style", "rounded,filled");
	set_col(c, n, "fillcolor", PM_C_BG);
	set_col(c, n, "color", PM_C_LANE_BORDER);
	set_col(c, n, "fontcolor", PM_C_MUTED);
	set(n, "fontsize", "9");
	set(n, "class", "legend");
}

static void set_title(pm_rctx *c, Agraph_t *g, const char *title)
{
	set(g, "label", title);
	set(g, "labelloc", "t");
	set(g, "fontsize", "12");
	(void)c;
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

static Agnode_t *find_node(pm_model *m, Agraph_t *g, char kind, pm_ix i)
{
	return agnode(g, (char *)node_name(m, kind, i), 0);
}

/* "✖ 2  ▲ 1" (shape and number read in grey print), "" without findings;
 * the border takes the colour of the worse. */
static const char *badge(pm_rctx *c, void *obj, uint32_t err, uint32_t warn)
{
	pm_model *m = c->m;
	if (!err && !warn)
		return "";
	const char *b = err ? pm_arena_printf(m, "✖ %u", (unsigned)err) : "";
	if (warn)
		b = pm_arena_printf(m, "%s%s▲ %u", b, err ? "  " : "", (unsigned)warn);
	c->used |= err ? PM_KEY_ERRORS : 0;
	c->used |= warn ? PM_KEY_WARNINGS : 0;
	set_col(c, obj, agobjkind(obj) == AGRAPH ? "pencolor" : "color", err ? PM_C_CYCLE : PM_C_WARN);
	set(obj, "penwidth", "2");
	return b;
}

/* The findings of a process (or, with proc PM_NONE, of a system and its
 * processes) for a tooltip: "\n✖ rule: message", at most 8. */
static const char *findings_tip(pm_rctx *c, pm_ix proc, pm_ix sys)
{
	pm_model *m = c->m;
	const char *t = "";
	unsigned shown = 0, more = 0;
	for (uint32_t k = 0; k < c->ndiags; k++) {
		const pm_diag *d = &m->diags.v[k].d;
		bool mine = proc != PM_NONE ? c->diag_proc[k] == proc : c->diag_sys[k] == sys;
		if (!mine || d->suppressed || d->severity < PM_SEV_WARNING)
			continue;
		if (shown++ == 8) {
			more++;
			continue;
		}
		t = pm_arena_printf(m, "%s\\n%s %s: %s", t, d->severity == PM_SEV_ERROR ? "✖" : "▲",
		                    esc(m, d->rule), esc(m, d->message));
	}
	return more ? pm_arena_printf(m, "%s\\n… and %u more", t, more) : t;
}

static const char *fmt_runs(pm_model *m, double per_week)
{
	if (per_week == 1)
		return "1 run/week";
	return pm_arena_printf(m, per_week >= 100 ? "%.0f runs/week" : "%.2g runs/week", per_week);
}

/* "lead 1d 2h" in the units `check` uses, or NULL. */
static const char *fmt_lead(pm_model *m, pm_ix proc)
{
	if (!m->an.done || proc >= m->an.procs.n || m->an.procs.v[proc].lead_status != PM_LEAD_OK)
		return NULL;
	char buf[PM_FMT_DURATION_BUF];
	return pm_arena_printf(m, "%s", pm_fmt_duration(buf, m->an.procs.v[proc].lead_s));
}

/* "175 runs/week · lead 23h 6m", "" when neither is known. */
static const char *proc_figures(pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	const char *lead = fmt_lead(m, i);
	const char *runs = p->runs_per_week >= 0 ? fmt_runs(m, p->runs_per_week) : NULL;
	if (runs && lead)
		return pm_arena_printf(m, "%s · lead %s", runs, lead);
	return runs ? runs : lead ? pm_arena_printf(m, "lead %s", lead) : "";
}

static const char *add_line(pm_model *m, const char *label, const char *line)
{
	return *line ? pm_arena_printf(m, "%s\\n%s", label, line) : label;
}

/* --- render --diff: marks of what changed ----------------------------------
 * An added element gets a green thick border (or line), a changed one an
 * amber border, both a glyph ("+ ", "~ ") before the label so they read in
 * grey print too, a class (diff-added, diff-changed) and what changed in
 * the tooltip.  Removed elements are ghosts: grey, dashed, "− " and the
 * class diff-removed, beside their old neighbours that are still there. */

static void edge_label(pm_rctx *c, Agedge_t *e, const char *label);

static const char *diff_glyph(uint8_t mark)
{
	return mark == PM_DM_ADDED ? "+ " : "~ ";
}

static void add_class(pm_rctx *c, void *obj, const char *cls)
{
	const char *old = agget(obj, "class");
	set(obj, "class", old && *old ? pm_arena_printf(c->m, "%s %s", old, cls) : cls);
}

static void diff_tip(pm_rctx *c, void *obj, uint8_t mark, const char *tip)
{
	const char *old = agget(obj, "tooltip");
	const char *what = pm_arena_printf(c->m, "%s%s", diff_glyph(mark),
	                                   tip ? esc(c->m, tip) : "changed");
	set(obj, "tooltip", old && *old ? pm_arena_printf(c->m, "%s\\n%s", old, what) : what);
}

/* Marks a node or cluster; `fill` replaces its fill colour. */
static void diff_box(pm_rctx *c, void *obj, uint8_t mark, const char *tip, bool fill)
{
	if (!c->diff || !mark)
		return;
	bool cluster = agobjkind(obj) == AGRAPH;
	bool added = mark == PM_DM_ADDED;
	const char *label = agget(obj, "label");
	set(obj, "label", pm_arena_printf(c->m, "%s%s", diff_glyph(mark), label ? label : ""));
	set_col(c, obj, cluster ? "pencolor" : "color", added ? PM_C_ADDED : PM_C_CHANGED);
	set(obj, "penwidth", added ? "3.5" : "2.5");
	if (fill)
		set_col(c, obj, "fillcolor", added ? PM_C_ADDED_FILL : PM_C_CHANGED_FILL);
	add_class(c, obj, added ? "diff-added" : "diff-changed");
	diff_tip(c, obj, mark, tip);
	c->used |= added ? PM_KEY_ADDED : PM_KEY_CHANGED;
}

/* Marks an arrow; its label (or a label of its own) gets the glyph. */
static void diff_edge(pm_rctx *c, Agedge_t *e, uint8_t mark, const char *tip)
{
	if (!c->diff || !mark)
		return;
	bool added = mark == PM_DM_ADDED;
	set_col(c, e, "color", added ? PM_C_ADDED : PM_C_CHANGED);
	set(e, "penwidth", added ? "3.5" : "2.5");
	add_class(c, e, added ? "diff-added" : "diff-changed");
	diff_tip(c, e, mark, tip);
	c->used |= added ? PM_KEY_ADDED : PM_KEY_CHANGED;
	for (uint32_t i = 0; i < c->elabels.n; i++)
		if (c->elabels.v[i].e == e) {
			c->elabels.v[i].label = pm_arena_printf(c->m, "%s%s", diff_glyph(mark),
			                                        c->elabels.v[i].label);
			return;
		}
	edge_label(c, e, added ? "+" : "~");
}

static const char *ghost_name(pm_model *m, uint32_t k)
{
	return pm_arena_printf(m, "g%u", (unsigned)k);
}

static const char *ghost_kind(pm_kind k)
{
	return k == PM_KIND_SYSTEM ? "system" : k == PM_KIND_PROCESS ? "process" : "step";
}

static void ghost_style(pm_rctx *c, void *obj, const pm_rghost *gh)
{
	pm_model *m = c->m;
	bool cluster = agobjkind(obj) == AGRAPH;
	set(obj, "style", cluster ? "rounded,dashed" : "rounded,filled,dashed");
	set_col(c, obj, cluster ? "pencolor" : "color", PM_C_GHOST);
	set_col(c, obj, "fontcolor", PM_C_GHOST_TEXT);
	if (!cluster)
		set_col(c, obj, "fillcolor", PM_C_BG);
	set(obj, "penwidth", "1.5");
	set(obj, "label", pm_arena_printf(m, "− %s%s(%s)%s", esc(m, gh->label),
	                                  cluster ? "\\l" : "\\n", gh->moved ? "moved" : "removed",
	                                  cluster ? "\\l" : ""));
	set(obj, "class", pm_arena_printf(m, "%s diff-removed", ghost_kind(gh->kind)));
	set(obj, "id", pm_arena_printf(m, "%s-%s-%s", gh->moved ? "moved" : "removed",
	                               ghost_kind(gh->kind), esc(m, gh->qid)));
	set(obj, "tooltip", pm_arena_printf(m, "%s\\n− %s", esc(m, gh->qid), esc(m, gh->tip)));
	c->used |= PM_KEY_REMOVED;
}

/* A ghost node of kind k whose parent (in NEW) is `parent`, in g. */
static Agnode_t *ghost_node(pm_rctx *c, Agraph_t *g, uint32_t k)
{
	Agnode_t *n = agnode(g, (char *)ghost_name(c->m, k), 1);
	ghost_style(c, n, &c->diff->ghost[k]);
	return n;
}

/* One end of a removed arrow: NEW's node (kind 's' or 'p') or a ghost
 * drawn in this diagram; NULL when neither is. */
static Agnode_t *gedge_end(pm_rctx *c, Agraph_t *g, char kind, pm_ix i, uint32_t ghost)
{
	if (ghost)
		return agnode(g, (char *)ghost_name(c->m, ghost - 1), 0);
	return i == PM_NONE ? NULL : find_node(c->m, g, kind, i);
}

/* The removed arrows of kind k (flows of process `proc`, any process when
 * PM_NONE; hand-offs) whose two ends are drawn. */
static void ghost_edges(pm_rctx *c, Agraph_t *g, pm_kind k, pm_ix proc, pm_ix sys)
{
	const pm_rdiff *r = c->diff;
	if (!r)
		return;
	char kind = k == PM_KIND_FLOW ? 's' : 'p';
	for (uint32_t i = 0; i < r->ngedge; i++) {
		const pm_rgedge *ge = &r->gedge[i];
		if (ge->kind != k)
			continue;
		if (k == PM_KIND_FLOW && (ge->proc == PM_NONE || (proc != PM_NONE && ge->proc != proc)
		                          || (sys != PM_NONE && c->m->processes.v[ge->proc].system != sys)))
			continue;
		Agnode_t *a = gedge_end(c, g, kind, ge->from, ge->gfrom);
		Agnode_t *b = gedge_end(c, g, kind, ge->to, ge->gto);
		if (!a || !b)
			continue;
		Agedge_t *e = agedge(g, a, b, (char *)pm_arena_printf(c->m, "ge%u", (unsigned)i), 1);
		set(e, "style", "dashed");
		set_col(c, e, "color", PM_C_GHOST);
		set(e, "class", k == PM_KIND_FLOW ? "flow diff-removed" : "handoff diff-removed");
		set(e, "tooltip", pm_arena_printf(c->m, "− %s", esc(c->m, ge->tip)));
		/* between two boxes that are still there it places nothing; to a
		 * ghost it puts the ghost beside its old neighbour */
		if (!ge->gfrom && !ge->gto)
			set(e, "constraint", "false");
		edge_label(c, e, "−");
		if (!ge->gfrom && !ge->gto)
			c->elabels.v[c->elabels.n - 1].pin = a;
		c->used |= PM_KEY_REMOVED;
	}
}

#define DIFF_MARK(c, what, i) ((c)->diff ? (c)->diff->what[i] : 0)
#define DIFF_TIP(c, what, i) ((c)->diff ? (c)->diff->what##_tip[i] : NULL)

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
	label = add_line(m, label, proc_figures(m, i));
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
	if (c->proc_mark[i] & (PM_RF_ORPHAN | PM_RF_UNREACHABLE)) {
		set(n, "style", "rounded,filled,dashed");
		c->used |= PM_KEY_DASHED;
	}
	if (p->trigger) {
		set(n, "peripheries", "2");
		cls = pm_arena_printf(m, "%s entry", cls);
		c->used |= PM_KEY_TRIGGER;
	}
	set(n, "label", add_line(m, label, badge(c, n, c->proc_err[i], c->proc_warn[i])));
	set_col(c, n, "fillcolor", PM_C_PROCESS);
	set(n, "class", cls);
	set(n, "id", pm_arena_printf(m, "process-%s", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, i))));
	set(n, "tooltip", pm_arena_printf(m, "%s\\nowner: %s%s%s%s",
		esc(m, pm_qualified_id(m, PM_KIND_PROCESS, i)), owner,
		p->trigger ? "\\ntrigger: " : "", p->trigger ? escs(m, p->trigger) : "",
		findings_tip(c, i, PM_NONE)));
	set_link(c, n, PM_KIND_PROCESS, i);
	diff_box(c, n, DIFF_MARK(c, proc, i), DIFF_TIP(c, proc, i), true);
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
	l->pin = NULL;
}

static Agedge_t *edge(pm_rctx *c, Agraph_t *g, Agnode_t *a, Agnode_t *b,
                      char kind, pm_ix i, pm_str label)
{
	Agedge_t *e = agedge(g, a, b, (char *)node_name(c->m, kind, i), 1);
	if (label)
		edge_label(c, e, escs(c->m, label));
	return e;
}

/* An edge only for the layout. */
static Agedge_t *invisible(pm_rctx *c, Agraph_t *g, Agnode_t *a, Agnode_t *b, const char *weight)
{
	Agedge_t *e = agedge(g, a, b, (char *)pm_arena_printf(c->m, "w%u", c->seq++), 1);
	set(e, "style", "invis");
	if (weight)
		set(e, "weight", weight);
	return e;
}

static void handoff_style(pm_rctx *c, Agedge_t *e, const pm_handoff *h)
{
	set(e, "style", "bold");
	set(e, "class", "handoff");
	if (map_has(&c->cycle_handoffs, h->from_proc, h->to_proc)) {
		set_col(c, e, "color", PM_C_CYCLE);
		set_col(c, e, "fontcolor", PM_C_CYCLE_TEXT);
		set(e, "penwidth", "2.5");
		set(e, "class", "handoff cycle");
		c->used |= PM_KEY_HANDOFF_CYCLE;
	}
}

static uint32_t grid_columns(uint32_t n)
{
	uint32_t k = 1;
	while (k * k < n)
		k++;
	return k;
}

/* Wraps n units into rows of about √n: an invisible edge from the end of
 * unit k to the start of unit k + columns (in the diagram's direction). */
static void wrap(pm_rctx *c, Agraph_t *g, Agnode_t **first, Agnode_t **last, uint32_t n)
{
	uint32_t cols = grid_columns(n);
	if (n)
		c->bottom = last[n - 1];
	for (uint32_t k = 0; k + cols < n; k++)
		invisible(c, g, last[k], first[k + cols], NULL);
}

static const char *system_label(pm_rctx *c, void *obj, pm_ix s)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[s];
	/* \\l ends a line left-aligned, as labeljust puts the label */
	const char *label = pm_arena_printf(m, "%s\\lowner: %s\\l",
		label_or_id(m, sy->label, sy->id), person_name(m, sy->owner.target));
	const char *b = badge(c, obj, c->sys_err[s], c->sys_warn[s]);
	return *b ? pm_arena_printf(m, "%s%s\\l", label, b) : label;
}

/* The removed processes of NEW's system `sys` (PM_NONE: of no system, or
 * with gsys of the removed system gsys - 1) as ghost nodes in g. */
static void ghost_procs(pm_rctx *c, Agraph_t *g, pm_ix sys, uint32_t gsys)
{
	const pm_rdiff *r = c->diff;
	for (uint32_t k = 0; r && k < r->nghost; k++)
		if (r->ghost[k].kind == PM_KIND_PROCESS && r->ghost[k].parent == sys
		    && r->ghost[k].gparent == gsys)
			ghost_node(c, g, k);
}

/* The removed systems, each a ghost cluster of its removed processes, and
 * the removed processes of no system. */
static void ghost_systems(pm_rctx *c, Agraph_t *g)
{
	const pm_rdiff *r = c->diff;
	for (uint32_t k = 0; r && k < r->nghost; k++) {
		if (r->ghost[k].kind != PM_KIND_SYSTEM)
			continue;
		Agraph_t *sub = agsubg(g, (char *)pm_arena_printf(c->m, "cluster_g%u", (unsigned)k), 1);
		ghost_style(c, sub, &r->ghost[k]);
		ghost_procs(c, sub, PM_NONE, k + 1);
		if (!agfstnode(sub)) {
			Agnode_t *n = agnode(sub, (char *)pm_arena_printf(c->m, "ge%u", (unsigned)k), 1);
			set(n, "label", "(no processes)");
			set(n, "style", "dashed");
		}
	}
	ghost_procs(c, g, PM_NONE, 0);
}

static void forest_full(pm_rctx *c, Agraph_t *g)
{
	pm_model *m = c->m;
	size_t units = m->systems.n + 1;
	Agnode_t **first = pm_arena_alloc(m, units * sizeof *first);
	Agnode_t **last = pm_arena_alloc(m, units * sizeof *last);
	Agnode_t **row = pm_arena_alloc(m, (m->processes.n + 1) * sizeof *row);
	uint32_t nu = 0;
	for (pm_ix s = 0; s < m->systems.n; s++) {
		char name[32];
		snprintf(name, sizeof name, "cluster_s%u", (unsigned)s);
		Agraph_t *sub = agsubg(g, name, 1);
		const pm_system *sy = &m->systems.v[s];
		set(sub, "style", "rounded,filled");
		set_col(c, sub, "fillcolor", PM_C_SYSTEM);
		set_col(c, sub, "pencolor", PM_C_SYSTEM_BORDER);
		set(sub, "label", system_label(c, sub, s));
		set(sub, "class", "system");
		set(sub, "id", pm_arena_printf(m, "system-%s", esc(m, pm_qualified_id(m, PM_KIND_SYSTEM, s))));
		set(sub, "tooltip", pm_arena_printf(m, "%s%s", escs(m, sy->id), findings_tip(c, PM_NONE, s)));
		set_link(c, sub, PM_KIND_SYSTEM, s);
		diff_box(c, sub, DIFF_MARK(c, sys, s), DIFF_TIP(c, sys, s), false);
		for (pm_ix i = 0; i < sy->proc_count; i++)
			row[i] = proc_node(c, sub, sy->proc_first + i);
		wrap(c, sub, row, row, sy->proc_count);
		ghost_procs(c, sub, s, 0);
		if (sy->proc_count) {
			first[nu] = row[0];
			last[nu++] = row[sy->proc_count - 1];
		}
	}
	uint32_t top = 0;
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			row[top++] = proc_node(c, g, i);
	wrap(c, g, row, row, top);
	if (top) {
		first[nu] = row[0];
		last[nu++] = row[top - 1];
	}
	wrap(c, g, first, last, nu);
	ghost_systems(c, g);
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		Agedge_t *e = edge(c, g, find_node(m, g, 'p', h->from_proc),
		                   find_node(m, g, 'p', h->to_proc), 'h', i, h->label);
		handoff_style(c, e, h);
		diff_edge(c, e, DIFF_MARK(c, handoff, i), DIFF_TIP(c, handoff, i));
	}
	ghost_edges(c, g, PM_KIND_HANDOFF, PM_NONE, PM_NONE);
}

/* Too many processes to read: a node per system, counts on it, hand-offs
 * summed between systems.  Top-level processes share one node. */
static void forest_collapsed(pm_rctx *c, Agraph_t *g)
{
	pm_model *m = c->m;
	uint32_t ns = m->systems.n, top = 0, topsteps = 0;
	Agnode_t **row = pm_arena_alloc(m, (ns + 1) * sizeof *row);
	for (pm_ix s = 0; s < ns; s++) {
		const pm_system *sy = &m->systems.v[s];
		uint32_t steps = 0;
		for (pm_ix i = 0; i < sy->proc_count; i++)
			steps += m->processes.v[sy->proc_first + i].step_count;
		Agnode_t *n = row[s] = agnode(g, (char *)node_name(m, 'y', s), 1);
		const char *b = badge(c, n, c->sys_err[s], c->sys_warn[s]);
		set(n, "label", add_line(m, pm_arena_printf(m, "%s\\n%u processes · %u steps\\nowner: %s",
			label_or_id(m, sy->label, sy->id), (unsigned)sy->proc_count,
			(unsigned)steps, person_name(m, sy->owner.target)), b));
		set_col(c, n, "fillcolor", PM_C_SYSTEM);
		set(n, "class", "system");
		set_link(c, n, PM_KIND_SYSTEM, s);
	}
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE) {
			top++;
			topsteps += m->processes.v[i].step_count;
		}
	if (top) {
		Agnode_t *n = row[ns++] = agnode(g, (char *)node_name(m, 'y', m->systems.n), 1);
		set(n, "label", pm_arena_printf(m, "in no system\\n%u processes · %u steps",
			(unsigned)top, (unsigned)topsteps));
		set(n, "style", "rounded,filled,dashed");
		set(n, "class", "orphan");
		c->used |= PM_KEY_DASHED;
	}
	wrap(c, g, row, row, ns);
	ns = m->systems.n;
	pm_map seen = { 0 };
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		pm_ix a = m->processes.v[h->from_proc].system;
		pm_ix b = m->processes.v[h->to_proc].system;
		a = a == PM_NONE ? ns : a;
		b = b == PM_NONE ? ns : b;
		if (a == b || pm_map_put(m, &seen, (uint64_t)a << 32 | b, i) != PM_NONE)
			continue;
		Agedge_t *e = agedge(g, find_node(m, g, 'y', a), find_node(m, g, 'y', b),
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
	set_col(c, n, "fillcolor", PM_C_STUB);
	set(n, "fontsize", "9");
	set(n, "class", "stub");
	set(n, "tooltip", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, proc)));
	set_link(c, n, PM_KIND_PROCESS, proc);
	c->used |= PM_KEY_STUB;
	return n;
}

static const char *tool_name(pm_model *m, const pm_ref *u, bool full)
{
	if (u->target == PM_NONE)
		return escs(m, u->name);
	const pm_tool *t = &m->tools.v[u->target];
	return full ? label_or_id(m, t->label, t->id) : escs(m, t->id);
}

/* "shopify, sheets": the tools of a step, by id (short) or by name. */
static const char *tools_of(pm_model *m, pm_ix i, bool full)
{
	const pm_step *s = &m->steps.v[i];
	const char *t = "";
	for (pm_ix k = 0; k < s->uses_count; k++)
		t = pm_arena_printf(m, "%s%s%s", t, k ? ", " : "",
		                    tool_name(m, &m->uses.v[s->uses_first + k], full));
	return t;
}

/* A step's takes or waits as `check` writes durations ("30m" for 0.5h). */
static const char *time_of(pm_model *m, int64_t secs)
{
	char buf[PM_FMT_DURATION_BUF];
	return pm_arena_printf(m, "%s", pm_fmt_duration(buf, secs));
}

static const char *step_tooltip(pm_model *m, pm_ix i)
{
	const pm_step *s = &m->steps.v[i];
	const char *t = pm_arena_printf(m, "%s\\nowner: %s",
		esc(m, pm_qualified_id(m, PM_KIND_STEP, i)), person_name(m, s->eff_owner));
	if (s->uses_count)
		t = pm_arena_printf(m, "%s\\ntools: %s", t, tools_of(m, i, true));
	if (pm_takes(s) >= 0)
		t = pm_arena_printf(m, "%s\\ntakes: %s", t, time_of(m, pm_takes(s)));
	if (pm_waits(s) >= 0)
		t = pm_arena_printf(m, "%s\\nwaits: %s", t, time_of(m, pm_waits(s)));
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
	if (pm_takes(s) >= 0 && pm_waits(s) >= 0)
		label = pm_arena_printf(m, "%s\\ntakes %s · waits %s", label,
			time_of(m, pm_takes(s)), time_of(m, pm_waits(s)));
	else if (pm_takes(s) >= 0 || pm_waits(s) >= 0)
		label = pm_arena_printf(m, "%s\\n%s %s", label, pm_takes(s) >= 0 ? "takes" : "waits",
			time_of(m, pm_takes(s) >= 0 ? pm_takes(s) : pm_waits(s)));
	if (s->uses_count)
		label = pm_arena_printf(m, "%s\\nuses %s", label, tools_of(m, i, false));
	if (c->step_mark[i] & PM_RF_BOTTLENECK) {
		label = pm_arena_printf(m, "%s\\n⚠ bottleneck", label);
		set_col(c, n, "fillcolor", PM_C_BOTTLENECK);
		set(n, "penwidth", "2");
		cls = "step bottleneck";
		c->used |= PM_KEY_BOTTLENECK;
	}
	if (c->step_mark[i] & PM_RF_CRITICAL) {
		set_col(c, n, "color", PM_C_CRIT);
		set(n, "penwidth", "2");
		cls = pm_arena_printf(m, "%s critical", cls);
		c->used |= PM_KEY_CRITICAL;
	}
	set(n, "label", label);
	set(n, "class", cls);
	set(n, "id", pm_arena_printf(m, "step-%s", esc(m, pm_qualified_id(m, PM_KIND_STEP, i))));
	set(n, "tooltip", step_tooltip(m, i));
	diff_box(c, n, DIFF_MARK(c, step, i), DIFF_TIP(c, step, i),
	         !(c->step_mark[i] & PM_RF_BOTTLENECK));
	return n;
}

/* The order of a process's steps by flow: an iterative depth-first search
 * in written order marks the arrows back (loops), the rest is a DAG whose
 * longest paths give each step its column. */
typedef struct flow_order {
	uint32_t *col;      /* per step of the process */
	uint8_t *back;      /* per flow: goes back (a loop) */
	uint8_t *has_in, *has_out;   /* per step: a forward arrow in, out */
	uint8_t *any_out;            /* per step: any arrow out, back ones too */
	uint32_t *sorted;   /* steps (offsets) by column, then written order */
} flow_order;

static void order_dfs(pm_model *m, const pm_process *p, const uint32_t *start,
                      const uint32_t *list, flow_order *o)
{
	uint32_t n = p->step_count, nt = 0, top = 0;
	uint8_t *state = pm_arena_alloc(m, n + 1);
	uint32_t *stack = pm_arena_alloc(m, (n + 1) * sizeof *stack);
	uint32_t *next = pm_arena_alloc(m, (n + 1) * sizeof *next);
	uint32_t *topo = pm_arena_alloc(m, (n + 1) * sizeof *topo);
	memset(state, 0, n + 1);
	for (uint32_t r = 0; r < n; r++) {
		if (state[r])
			continue;
		stack[top++] = r;
		state[r] = 1;
		next[r] = start[r];
		while (top) {
			uint32_t v = stack[top - 1];
			if (next[v] == start[v + 1]) {
				state[v] = 2;
				topo[nt++] = v;
				top--;
				continue;
			}
			uint32_t fi = list[next[v]++];
			uint32_t w = m->flows.v[p->flow_first + fi].to - p->step_first;
			if (state[w] == 1) {
				o->back[fi] = 1;
			} else if (!state[w]) {
				state[w] = 1;
				next[w] = start[w];
				stack[top++] = w;
			}
		}
	}
	/* reverse post-order is a topological order of the forward arrows */
	for (uint32_t k = nt; k-- > 0;) {
		uint32_t v = topo[k];
		for (uint32_t j = start[v]; j < start[v + 1]; j++) {
			uint32_t fi = list[j];
			uint32_t w = m->flows.v[p->flow_first + fi].to - p->step_first;
			if (!o->back[fi] && o->col[w] < o->col[v] + 1)
				o->col[w] = o->col[v] + 1;
		}
	}
}

static void *zalloc(pm_model *m, size_t n)
{
	void *p = pm_arena_alloc(m, n ? n : 1);
	memset(p, 0, n ? n : 1);
	return p;
}

static flow_order order_steps(pm_model *m, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	uint32_t n = p->step_count, nf = p->flow_count;
	flow_order o = {
		.col = zalloc(m, n * sizeof *o.col), .back = zalloc(m, nf),
		.has_in = zalloc(m, n), .has_out = zalloc(m, n), .any_out = zalloc(m, n),
		.sorted = zalloc(m, n * sizeof *o.sorted),
	};
	uint32_t *start = zalloc(m, (n + 1) * sizeof *start);
	uint32_t *list = zalloc(m, nf * sizeof *list);
	for (uint32_t k = 0; k < nf; k++)
		start[m->flows.v[p->flow_first + k].from - p->step_first + 1]++;
	for (uint32_t v = 0; v < n; v++)
		start[v + 1] += start[v];
	uint32_t *fill = zalloc(m, (n + 1) * sizeof *fill);
	memcpy(fill, start, (n + 1) * sizeof *fill);
	for (uint32_t k = 0; k < nf; k++)
		list[fill[m->flows.v[p->flow_first + k].from - p->step_first]++] = k;
	order_dfs(m, p, start, list, &o);
	uint32_t maxcol = 0;
	for (uint32_t k = 0; k < nf; k++) {
		const pm_flow *f = &m->flows.v[p->flow_first + k];
		o.any_out[f->from - p->step_first] = 1;
		if (!o.back[k]) {
			o.has_out[f->from - p->step_first] = 1;
			o.has_in[f->to - p->step_first] = 1;
		}
	}
	for (uint32_t v = 0; v < n; v++)
		maxcol = o.col[v] > maxcol ? o.col[v] : maxcol;
	/* counting sort by column: stable, so written order breaks ties */
	uint32_t *at = zalloc(m, (maxcol + 2) * sizeof *at);
	for (uint32_t v = 0; v < n; v++)
		at[o.col[v] + 1]++;
	for (uint32_t k = 0; k <= maxcol; k++)
		at[k + 1] += at[k];
	for (uint32_t v = 0; v < n; v++)
		o.sorted[at[o.col[v]]++] = v;
	return o;
}

/* The step a hand-off leaves from (the last by flow) or arrives at (the
 * first), or the "(no steps)" node. */
static Agnode_t *proc_anchor(pm_model *m, Agraph_t *g, const flow_order *o, pm_ix proc,
                             pm_ix step, bool leaving)
{
	const pm_process *p = &m->processes.v[proc];
	if (step != PM_NONE)
		return find_node(m, g, 's', step);
	if (!p->step_count)
		return find_node(m, g, 'e', proc);
	uint32_t v = leaving ? o->sorted[p->step_count - 1] : o->sorted[0];
	return find_node(m, g, 's', p->step_first + v);
}

/* "in stock · 95%", "40% again" on an arrow back; NULL without text. */
static const char *flow_text(pm_model *m, const pm_flow *f, bool back)
{
	const char *label = f->label ? escs(m, f->label) : NULL;
	const char *chance = f->chance >= 0 ? pm_arena_printf(m, "%.0f%%", f->chance * 100) : NULL;
	if (back)
		chance = chance ? pm_arena_printf(m, "%s again", chance) : "again";
	if (label && chance)
		return pm_arena_printf(m, "%s · %s", label, chance);
	return label ? label : chance;
}

/* The arrows of a process.  `lane` (per step of the process, or NULL
 * outside the process diagram) gives each step its band: an arrow up to an
 * earlier band ranks nothing, like an arrow back, so that dot keeps the
 * bands in order and its label sits just below the band it goes up to. */
static void flow_edges(pm_rctx *c, Agraph_t *g, pm_ix proc, const flow_order *o,
                       const uint32_t *lane)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[proc];
	for (pm_ix k = 0; k < p->flow_count; k++) {
		pm_ix fi = p->flow_first + k;
		const pm_flow *f = &m->flows.v[fi];
		bool trap = map_has(&c->cycle_flows, f->from, f->to), back = o->back[k];
		Agedge_t *e = agedge(g, find_node(m, g, 's', f->from), find_node(m, g, 's', f->to),
		                     (char *)node_name(m, 'f', fi), 1);
		const char *text = flow_text(m, f, back && !trap);
		if (trap) {
			set_col(c, e, "color", PM_C_CYCLE);
			set_col(c, e, "fontcolor", PM_C_CYCLE_TEXT);
			set(e, "penwidth", "2.5");
			set(e, "class", "flow cycle");
			c->used |= PM_KEY_TRAP;
		} else if (map_has(&c->crit_flows, f->from, f->to)) {
			set_col(c, e, "color", PM_C_CRIT);
			set(e, "penwidth", "3");
			set(e, "class", "flow critical");
		} else {
			set(e, "class", back ? "flow rework" : "flow");
		}
		uint32_t lt = lane ? lane[f->from - p->step_first] : 0;
		uint32_t lh = lane ? lane[f->to - p->step_first] : 0;
		bool up = lh < lt;
		if (back || up)
			set(e, "constraint", "false");
		if (back) {
			if (!trap) {
				set(e, "style", "dashed");
				c->used |= PM_KEY_REWORK;
			}
		}
		if (text) {
			edge_label(c, e, text);
			/* the label of an arrow that ranks nothing goes just below
			 * the upper of its two bands (or the step gone back to) */
			if (back || up)
				c->elabels.v[c->elabels.n - 1].pin = lt < lh ? agtail(e) : aghead(e);
		}
		diff_edge(c, e, DIFF_MARK(c, flow, fi), DIFF_TIP(c, flow, fi));
	}
}

static void up_node(pm_rctx *c, Agraph_t *g, pm_kind kind, pm_ix i)
{
	pm_model *m = c->m;
	if (!c->nav || c->only)
		return;
	Agnode_t *n = agnode(edge_row(g, true), "up", 1);
	const char *label = i == PM_NONE ? "↑ whole business"
		: pm_arena_printf(m, "↑ system %s",
		  label_or_id(m, m->systems.v[i].label, m->systems.v[i].id));
	set(n, "label", label);
	set(n, "shape", "plaintext");
	set(n, "style", "");
	set_col(c, n, "fontcolor", PM_C_LINK);
	set(n, "class", "up");
	set_link(c, n, kind, i);
}

static void system_handoffs(pm_rctx *c, Agraph_t *g, pm_ix sys, const flow_order *orders)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[sys];
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		bool from_in = m->processes.v[h->from_proc].system == sys;
		bool to_in = m->processes.v[h->to_proc].system == sys;
		if (!from_in && !to_in)
			continue;
		Agnode_t *a, *b;
		if (!orders) {
			a = from_in ? find_node(m, g, 'p', h->from_proc) : stub(c, g, h->from_proc, false);
			b = to_in ? find_node(m, g, 'p', h->to_proc) : stub(c, g, h->to_proc, true);
		} else {
			a = from_in ? proc_anchor(m, g, &orders[h->from_proc - sy->proc_first],
			                          h->from_proc, h->from_step, true)
			            : stub(c, g, h->from_proc, false);
			b = to_in ? proc_anchor(m, g, &orders[h->to_proc - sy->proc_first],
			                        h->to_proc, h->to_step, false)
			          : stub(c, g, h->to_proc, true);
		}
		Agedge_t *e = edge(c, g, a, b, 'h', i, h->label);
		handoff_style(c, e, h);
		diff_edge(c, e, DIFF_MARK(c, handoff, i), DIFF_TIP(c, handoff, i));
		if (from_in && to_in)
			set(e, "minlen", "0");
		if (orders && from_in && h->from_step == PM_NONE)
			set(e, "ltail", pm_arena_printf(m, "clusterP%u", (unsigned)h->from_proc));
		if (orders && to_in && h->to_step == PM_NONE)
			set(e, "lhead", pm_arena_printf(m, "clusterP%u", (unsigned)h->to_proc));
	}
}

struct lane_set;
static Agraph_t *ghost_lane(pm_rctx *c, const struct lane_set *ls, Agraph_t **sub, pm_ix owner);

/* The removed steps of NEW's process pi as ghosts in g, or (ls) each in
 * the band of its old owner when the process diagram has that band. */
static void ghost_steps(pm_rctx *c, Agraph_t *g, pm_ix pi, const struct lane_set *ls,
                        Agraph_t **sub)
{
	const pm_rdiff *r = c->diff;
	for (uint32_t k = 0; r && k < r->nghost; k++)
		if (r->ghost[k].kind == PM_KIND_STEP && r->ghost[k].parent == pi) {
			Agraph_t *in = ls ? ghost_lane(c, ls, sub, r->ghost[k].owner) : NULL;
			ghost_node(c, in ? in : g, k);
		}
}

static const char *system_proc_label(pm_rctx *c, Agraph_t *sub, pm_ix pi)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[pi];
	const char *label = pm_arena_printf(m, "%s · %s\\l",
		label_or_id(m, p->label, p->id), owner_of_process(m, p));
	const char *fig = proc_figures(m, pi);
	if (*fig)
		label = pm_arena_printf(m, "%s%s\\l", label, fig);
	if (p->trigger)   /* a cluster has one border: no double one here */
		label = pm_arena_printf(m, "%s▶ %s\\l", label, escs(m, p->trigger));
	const char *b = badge(c, sub, c->proc_err[pi], c->proc_warn[pi]);
	return *b ? pm_arena_printf(m, "%s%s\\l", label, b) : label;
}

static flow_order *system_full(pm_rctx *c, Agraph_t *g, pm_ix sys)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[sys];
	flow_order *orders = pm_arena_alloc(m, (sy->proc_count + 1) * sizeof *orders);
	Agnode_t **first = pm_arena_alloc(m, (sy->proc_count + 1) * sizeof *first);
	Agnode_t **last = pm_arena_alloc(m, (sy->proc_count + 1) * sizeof *last);
	set(g, "compound", "true");
	for (pm_ix k = 0; k < sy->proc_count; k++) {
		pm_ix pi = sy->proc_first + k;
		const pm_process *p = &m->processes.v[pi];
		char name[32];
		snprintf(name, sizeof name, "clusterP%u", (unsigned)pi);
		Agraph_t *sub = agsubg(g, name, 1);
		bool dashed = c->proc_mark[pi] & (PM_RF_UNREACHABLE | PM_RF_ORPHAN);
		set(sub, "label", system_proc_label(c, sub, pi));
		set(sub, "style", dashed ? "rounded,filled,dashed" : "rounded,filled");
		c->used |= dashed ? PM_KEY_DASHED : 0;
		set_col(c, sub, "fillcolor", PM_C_PROCESS);
		set(sub, "class", c->proc_mark[pi] & PM_RF_UNREACHABLE ? "process unreachable" : "process");
		set(sub, "tooltip", pm_arena_printf(m, "%s%s", esc(m, pm_qualified_id(m, PM_KIND_PROCESS, pi)),
		                                    findings_tip(c, pi, PM_NONE)));
		set_link(c, sub, PM_KIND_PROCESS, pi);
		diff_box(c, sub, DIFF_MARK(c, proc, pi), DIFF_TIP(c, proc, pi), false);
		for (pm_ix s = 0; s < p->step_count; s++)
			step_node(c, sub, p->step_first + s);
		ghost_steps(c, sub, pi, NULL, NULL);
		if (!p->step_count) {
			Agnode_t *n = agnode(sub, (char *)node_name(m, 'e', pi), 1);
			set(n, "label", "(no steps)");
			set(n, "style", "dashed");
		}
		orders[k] = order_steps(m, pi);
		flow_edges(c, g, pi, &orders[k], NULL);
		first[k] = proc_anchor(m, g, &orders[k], pi, PM_NONE, false);
		last[k] = proc_anchor(m, g, &orders[k], pi, PM_NONE, true);
	}
	wrap(c, g, first, last, sy->proc_count);
	return orders;
}

static void system_diagram(pm_rctx *c, Agraph_t *g, pm_ix sys, bool collapsed)
{
	pm_model *m = c->m;
	const pm_system *sy = &m->systems.v[sys];
	const flow_order *orders = NULL;
	up_node(c, g, PM_KIND_SYSTEM, PM_NONE);
	if (collapsed) {
		Agnode_t **row = pm_arena_alloc(m, (sy->proc_count + 1) * sizeof *row);
		for (pm_ix k = 0; k < sy->proc_count; k++)
			row[k] = proc_node(c, g, sy->proc_first + k);
		wrap(c, g, row, row, sy->proc_count);
	} else {
		orders = system_full(c, g, sys);
		ghost_procs(c, g, sys, 0);
		ghost_edges(c, g, PM_KIND_FLOW, PM_NONE, sys);
	}
	system_handoffs(c, g, sys, orders);
}

/* --- process diagram: swimlanes ------------------------------------------
 * Lanes are ranks of a top-to-bottom layout: each lane is a cluster with
 * rank=same, and an invisible chain through the lanes' title nodes fixes
 * their order (people, then actors, then "no owner"), which dot cannot
 * reorder.  Inside a lane an invisible chain title → trigger → steps by
 * column keeps the title at the left edge and the steps in flow order.
 * After layout the bands are widened to one width (pm_dot_widen_lanes). */

typedef struct lane_set {
	pm_map of;           /* owner key → lane */
	pm_ix *owner;        /* per lane */
	uint32_t n;
} lane_set;

static uint64_t owner_key(pm_model *m, pm_ix owner)
{
	return owner == PM_NONE ? m->people.n : owner;
}

/* 0 people, 1 actors, 2 nobody: the order of the bands. */
static int owner_group(pm_model *m, pm_ix owner)
{
	return owner == PM_NONE ? 2 : m->people.v[owner].actor ? 1 : 0;
}

static Agraph_t *ghost_lane(pm_rctx *c, const struct lane_set *ls, Agraph_t **sub, pm_ix owner)
{
	uint32_t l = pm_map_get(&ls->of, owner == PM_NONE ? c->m->people.n : owner);
	return l == PM_NONE ? NULL : sub[l];
}

static lane_set lanes_of(pm_model *m, const pm_process *p, const flow_order *o)
{
	lane_set ls = { .owner = zalloc(m, (p->step_count + 1) * sizeof *ls.owner) };
	for (int grp = 0; grp < 3; grp++)
		for (uint32_t k = 0; k < p->step_count; k++) {
			pm_ix ow = m->steps.v[p->step_first + o->sorted[k]].eff_owner;
			if (owner_group(m, ow) == grp && pm_map_put(m, &ls.of, owner_key(m, ow), ls.n) == PM_NONE)
				ls.owner[ls.n++] = ow;
		}
	return ls;
}

static const char *lane_title(pm_rctx *c, Agraph_t *sub, pm_ix owner)
{
	pm_model *m = c->m;
	if (owner == PM_NONE) {
		set(sub, "style", "filled,dashed");
		set_col(c, sub, "fillcolor", PM_C_WARN_FILL);
		set_col(c, sub, "pencolor", PM_C_WARN);
		set(sub, "penwidth", "2");
		set(sub, "class", "lane no-owner");
		c->used |= PM_KEY_NO_OWNER;
		return "⚠ no owner";
	}
	const char *name = person_name(m, owner);
	if (m->people.v[owner].actor) {
		set(sub, "style", "filled,dashed");
		set(sub, "class", "lane actor");
		c->used |= PM_KEY_ACTOR;
		return pm_arena_printf(m, "%s\\l(actor, outside)", name);
	}
	if (!(c->person_mark[owner] & PM_RF_OVERLOADED))
		return name;
	double u = m->an.people.n > owner ? m->an.people.v[owner].utilisation : -1;
	set_col(c, sub, "pencolor", PM_C_WARN);
	set(sub, "penwidth", "2.5");
	set(sub, "class", "lane overloaded");
	c->used |= PM_KEY_OVERLOADED;
	return u > 0 ? pm_arena_printf(m, "⚠ %s\\loverloaded: %.0f%% of capacity", name, u * 100)
	             : pm_arena_printf(m, "⚠ %s\\loverloaded", name);
}

static Agraph_t *lane_cluster(pm_rctx *c, Agraph_t *g, uint32_t l, pm_ix owner, Agnode_t **head)
{
	pm_model *m = c->m;
	Agraph_t *sub = agsubg(g, (char *)pm_arena_printf(m, "cluster_L%u", (unsigned)l), 1);
	set(sub, "rank", "same");
	set(sub, "label", "");
	set(sub, "style", "filled");
	set_col(c, sub, "fillcolor", PM_C_LANE);
	set_col(c, sub, "pencolor", PM_C_LANE_BORDER);
	set(sub, "class", "lane");
	const char *title = lane_title(c, sub, owner);
	Agnode_t *h = *head = agnode(sub, (char *)pm_arena_printf(m, "lane%u", (unsigned)l), 1);
	set(h, "label", pm_arena_printf(m, "%s\\l", title));
	set(h, "shape", "plaintext");
	set(h, "style", "");
	set(h, "fontsize", "11");
	set(h, "group", "lanes");
	set(h, "class", "lane-title");
	if (owner != PM_NONE && (c->person_mark[owner] & PM_RF_OVERLOADED))
		set_col(c, h, "fontcolor", PM_C_WARN_TEXT);
	return sub;
}

static Agnode_t *trigger_node(pm_rctx *c, Agraph_t *g, const pm_process *p)
{
	Agnode_t *t = agnode(g, "start", 1);
	set(t, "label", pm_arena_printf(c->m, "▶ %s", escs(c->m, p->trigger)));
	set(t, "shape", "cds");
	set(t, "style", "filled");
	set_col(c, t, "fillcolor", PM_C_TRIGGER);
	set_col(c, t, "color", PM_C_TRIGGER);
	set_col(c, t, "fontcolor", PM_C_TRIGGER_TEXT);
	set(t, "class", "trigger");
	c->used |= PM_KEY_START;
	return t;
}

/* The steps that start the process: no arrow in but from a loop. */
static bool starts(const flow_order *o, uint32_t v)
{
	return !o->has_in[v];
}

/* Builds the bands; returns each step's band (per step of the process). */
static uint32_t *lanes_build(pm_rctx *c, Agraph_t *g, pm_ix pi, const flow_order *o)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[pi];
	lane_set ls = lanes_of(m, p, o);
	Agraph_t **sub = zalloc(m, (ls.n + 1) * sizeof *sub);
	Agnode_t **tail = zalloc(m, (ls.n + 1) * sizeof *tail);
	uint32_t *lane = zalloc(m, (p->step_count + 1) * sizeof *lane);
	pm_ix *tail_step = zalloc(m, (ls.n + 1) * sizeof *tail_step);
	/* the arrows forward: where one joins two steps that follow each
	 * other in a band, it orders them, and the chain needs no edge there */
	pm_map fwd = { 0 };
	for (pm_ix k = 0; k < p->flow_count; k++)
		if (!o->back[k]) {
			const pm_flow *f = &m->flows.v[p->flow_first + k];
			pm_map_put(m, &fwd, (uint64_t)f->from << 32 | f->to, 1);
		}
	Agnode_t *prev_head = NULL;
	for (uint32_t l = 0; l < ls.n; l++) {
		Agnode_t *h;
		sub[l] = lane_cluster(c, g, l, ls.owner[l], &h);
		tail[l] = h;
		tail_step[l] = PM_NONE;
		/* minlen 2: a rank between two bands, for the labels of the
		 * arrows between them */
		if (prev_head)
			set(invisible(c, g, prev_head, h, "10"), "minlen", "2");
		prev_head = h;
	}
	/* rank=min/max do not hold against the lanes' rank=same: the rows
	 * above and below are tied to the first and last title instead */
	c->bottom = prev_head;
	Agnode_t *up = agnode(g, "up", 0);
	if (up && ls.n)
		invisible(c, g, up, tail[0], "0");
	for (uint32_t k = 0; k < p->step_count; k++) {
		uint32_t v = o->sorted[k];
		uint32_t l = pm_map_get(&ls.of, owner_key(m, m->steps.v[p->step_first + v].eff_owner));
		if (k == 0 && p->trigger) {
			Agnode_t *t = trigger_node(c, sub[l], p);
			invisible(c, g, tail[l], t, NULL);
			tail[l] = t;
		}
		pm_ix si = p->step_first + v;
		Agnode_t *n = step_node(c, sub[l], si);
		if (tail_step[l] == PM_NONE || !map_has(&fwd, tail_step[l], si))
			invisible(c, g, tail[l], n, NULL);
		tail[l] = n;
		tail_step[l] = si;
		lane[v] = l;
	}
	ghost_steps(c, g, pi, &ls, sub);
	pm_map_free(&fwd);
	pm_map_free(&ls.of);
	return lane;
}

static void process_handoffs(pm_rctx *c, Agraph_t *g, pm_ix pi, const flow_order *o)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[pi];
	bool exits = false;
	for (pm_ix s = 0; s < p->step_count && !exits; s++)
		exits = !o->any_out[s];
	for (pm_ix i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		if (h->from_proc != pi && h->to_proc != pi)
			continue;
		bool outgoing = h->from_proc == pi;
		pm_ix other = outgoing ? h->to_proc : h->from_proc;
		Agnode_t *x = stub(c, edge_row(g, !outgoing), other, outgoing);
		Agnode_t *first_title = agnode(g, "lane0", 0);
		if (outgoing && c->bottom)
			invisible(c, g, c->bottom, x, "0");
		else if (!outgoing && first_title)
			invisible(c, g, x, first_title, "0");
		pm_ix here = outgoing ? h->from_step : h->to_step;
		for (pm_ix s = 0; s < p->step_count; s++) {
			pm_ix si = p->step_first + s;
			/* a process's hand-off leaves from the steps work ends at
			 * (no arrow out at all; a step whose only arrow goes back
			 * into a loop is not one), or, when a trap leaves none, from
			 * those without an arrow forward */
			bool attach = here != PM_NONE ? si == here
				: outgoing ? (exits ? !o->any_out[s] : !o->has_out[s]) : starts(o, s);
			if (!attach)
				continue;
			Agnode_t *sn = find_node(m, g, 's', si);
			Agedge_t *e = agedge(g, outgoing ? sn : x, outgoing ? x : sn,
				(char *)pm_arena_printf(m, "h%u_%u", (unsigned)i, (unsigned)s), 1);
			if (h->label)
				edge_label(c, e, escs(m, h->label));
			handoff_style(c, e, h);
			set(e, "style", "dashed");
			diff_edge(c, e, DIFF_MARK(c, handoff, i), DIFF_TIP(c, handoff, i));
		}
	}
}

static void process_diagram(pm_rctx *c, Agraph_t *g, pm_ix pi)
{
	pm_model *m = c->m;
	const pm_process *p = &m->processes.v[pi];
	flow_order o = order_steps(m, pi);
	/* dot's second crossing pass over clusters ignores the order the
	 * invisible chains ask for, and put steps left of their lane's title */
	set(g, "remincross", "false");
	up_node(c, g, PM_KIND_SYSTEM, p->system);
	uint32_t *lane = lanes_build(c, g, pi, &o);
	flow_edges(c, g, pi, &o, lane);
	ghost_edges(c, g, PM_KIND_FLOW, pi, PM_NONE);
	if (p->trigger) {
		Agnode_t *t = agnode(g, "start", 0);
		for (pm_ix s = 0; s < p->step_count; s++)
			if (starts(&o, s))
				agedge(g, t, find_node(m, g, 's', p->step_first + s),
				       (char *)node_name(m, 't', s), 1);
	}
	process_handoffs(c, g, pi, &o);
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
	const char *fig = proc_figures(m, d->ix);
	if (*fig)
		t = pm_arena_printf(m, "%s · %s", t, fig);
	if (c->proc_mark[d->ix] & PM_RF_ORPHAN)
		t = pm_arena_printf(m, "%s\\l⚠ orphan: in no system", t);
	if (c->proc_mark[d->ix] & PM_RF_UNREACHABLE)
		t = pm_arena_printf(m, "%s\\l⚠ unreachable: no trigger and nothing hands work to it", t);
	return pm_arena_printf(m, "%s\\l", t);
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
			if (!strncmp(agnameof(s), "cluster", 7) && agsubnode(s, a, 0) && agsubnode(s, b, 0))
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
		/* an arrow that ranks nothing (constraint=false) would let its
		 * label float up to the first rank, far from both ends: an
		 * invisible edge keeps it one rank past its pin */
		if (c->elabels.v[i].pin) {
			Agedge_t *pin = agedge(g, c->elabels.v[i].pin, n,
			                       (char *)pm_arena_printf(m, "%s_pin", name), 1);
			set(pin, "style", "invis");
			set(pin, "arrowhead", "none");
			set(pin, "class", "");
		}
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
	c->used = 0;
	c->seq = 0;
	c->bottom = NULL;
	const char *dir = d->kind == PM_DIAGRAM_PROCESS || c->direction != PM_DIRECTION_LR ? "TB" : "LR";
	Agraph_t *g = new_graph(c, d->name, dir);
	set_title(c, g, diagram_title(c, d));
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
	add_legend(c, g);
	return g;
}

void pm_dot_widen_lanes(Agraph_t *g)
{
	double lo = GD_bb(g).LL.x + 4, hi = GD_bb(g).UR.x - 4;
	for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s))
		if (!strncmp(agnameof(s), "cluster_L", 9)) {
			lo = GD_bb(s).LL.x < lo ? GD_bb(s).LL.x : lo;
			hi = GD_bb(s).UR.x > hi ? GD_bb(s).UR.x : hi;
		}
	for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s))
		if (!strncmp(agnameof(s), "cluster_L", 9)) {
			GD_bb(s).LL.x = lo;
			GD_bb(s).UR.x = hi;
		}
}
