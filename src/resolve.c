/* resolve.c — names → indices across all loaded files: duplicate ids,
 * owners and tools, arrows into flows and hand-offs, written-order flows,
 * owner inheritance.  Every step is linear in the model's size. */
#include <string.h>

#include "model.h"
#include "suggest.h"

/* Only this many candidates are compared for a "did you mean". */
#define MAX_SUGGEST_SCAN 5000

enum { TAG_TOP, TAG_PEOPLE, TAG_TOOLS };

static const char *where(pm_model *m, pm_loc l, pm_loc here)
{
	if (l.file == here.file)
		return pm_arena_printf(m, "line %u", l.line);
	return pm_arena_printf(m, "%s:%u", m->files.v[l.file].name, l.line);
}

static void duplicate(pm_model *m, const char *what, pm_str id, pm_loc loc,
                      const char *prev_what, pm_loc prev)
{
	m->has_duplicates = true;
	pm_error(m, "duplicate-id", loc, "duplicate %s id '%s': %s '%s' is already declared at %s",
	         what, pm_str_get(m, id), prev_what, pm_str_get(m, id),
	         where(m, prev, loc));
}

static bool loc_before(pm_loc a, pm_loc b)
{
	if (a.file != b.file)
		return a.file < b.file;
	return a.line != b.line ? a.line < b.line : a.col < b.col;
}

static pm_loc top_loc(const pm_model *m, uint32_t val)
{
	return val & PM_TOP_PROCESS ? m->processes.v[val & ~PM_TOP_PROCESS].loc
	                            : m->systems.v[val].loc;
}

static const char *top_what(uint32_t val)
{
	return val & PM_TOP_PROCESS ? "process" : "system";
}

static void top_name(pm_model *m, pm_str id, pm_loc loc, uint32_t val)
{
	uint32_t prev = pm_map_put(m, &m->names_top, id, val);
	if (prev == PM_NONE)
		return;
	pm_loc ploc = top_loc(m, prev);
	if (loc_before(loc, ploc)) {
		pm_map_set(&m->names_top, id, val);
		duplicate(m, top_what(prev), id, ploc,
		          val & PM_TOP_PROCESS ? "a process" : "a system", loc);
	} else {
		duplicate(m, top_what(val), id, loc,
		          prev & PM_TOP_PROCESS ? "a process" : "a system", ploc);
	}
}

/* A small process is searched by a scan of its steps, which are in cache
 * while its arrows resolve; a map lookup is a cache miss per name in a big
 * model, and leaving small processes out of the map saves its memory. */
pm_ix pm_step_find(const pm_model *m, pm_ix proc, pm_str name)
{
	const pm_process *p = &m->processes.v[proc];
	if (p->step_count > PM_SCAN_STEPS)
		return pm_map_get(&m->names_steps, pm_key(proc, name));
	for (pm_ix s = p->step_first; s < p->step_first + p->step_count; s++)
		if (m->steps.v[s].id == name)
			return s;
	return PM_NONE;
}

/* The first step before `s` in its process with the same id, PM_NONE. */
static pm_ix earlier_step(const pm_model *m, const pm_process *p, pm_ix s)
{
	for (pm_ix e = p->step_first; e < s; e++)
		if (m->steps.v[e].id == m->steps.v[s].id)
			return e;
	return PM_NONE;
}

static void step_names(pm_model *m, pm_ix proc)
{
	const pm_process *pr = &m->processes.v[proc];
	bool big = pr->step_count > PM_SCAN_STEPS;
	for (pm_ix s = pr->step_first; s < pr->step_first + pr->step_count; s++) {
		pm_step *st = &m->steps.v[s];
		pm_ix prev = big ? pm_map_put(m, &m->names_steps, pm_key(proc, st->id), s)
		                 : earlier_step(m, pr, s);
		if (prev != PM_NONE)
			duplicate(m, "step", st->id, st->loc, "a step",
			          m->steps.v[prev].loc);
	}
}

/* Sized once from the counts: growing a million-entry map rehashes it. */
static void reserve_names(pm_model *m)
{
	uint32_t in_systems = 0, big_steps = 0;
	for (pm_ix i = 0; i < m->processes.n; i++) {
		const pm_process *p = &m->processes.v[i];
		in_systems += p->system != PM_NONE;
		big_steps += p->step_count > PM_SCAN_STEPS ? p->step_count : 0;
	}
	pm_map_reserve(m, &m->names_people, m->people.n);
	pm_map_reserve(m, &m->names_tools, m->tools.n);
	pm_map_reserve(m, &m->names_top, m->systems.n + m->processes.n - in_systems);
	pm_map_reserve(m, &m->names_procs, in_systems);
	pm_map_reserve(m, &m->names_steps, big_steps);
}

static void build_names(pm_model *m)
{
	reserve_names(m);
	for (pm_ix i = 0; i < m->people.n; i++) {
		pm_person *p = &m->people.v[i];
		pm_ix prev = pm_map_put(m, &m->names_people, p->id, i);
		if (prev != PM_NONE)
			duplicate(m, p->actor ? "actor" : "person", p->id, p->loc,
			          m->people.v[prev].actor ? "an actor" : "a person",
			          m->people.v[prev].loc);
	}
	/* people (actors too) and tools have a map each, but an id is one or
	 * the other: the one written later is the duplicate */
	for (pm_ix i = 0; i < m->tools.n; i++) {
		pm_tool *t = &m->tools.v[i];
		pm_ix prev = pm_map_put(m, &m->names_tools, t->id, i);
		if (prev != PM_NONE) {
			duplicate(m, "tool", t->id, t->loc, "a tool", m->tools.v[prev].loc);
			continue;
		}
		pm_ix pe = m->people.n ? pm_map_get(&m->names_people, t->id) : PM_NONE;
		if (pe == PM_NONE)
			continue;
		const pm_person *p = &m->people.v[pe];
		if (loc_before(p->loc, t->loc))
			duplicate(m, "tool", t->id, t->loc, p->actor ? "an actor" : "a person",
			          p->loc);
		else
			duplicate(m, p->actor ? "actor" : "person", t->id, p->loc, "a tool",
			          t->loc);
	}
	/* systems and top-level processes share the top namespace; the one
	 * written first keeps the name */
	for (pm_ix i = 0; i < m->systems.n; i++)
		top_name(m, m->systems.v[i].id, m->systems.v[i].loc, i);
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			top_name(m, m->processes.v[i].id, m->processes.v[i].loc,
			         i | PM_TOP_PROCESS);
	for (pm_ix i = 0; i < m->processes.n; i++) {
		pm_process *pr = &m->processes.v[i];
		if (pr->system != PM_NONE) {
			pm_ix prev = pm_map_put(m, &m->names_procs, pm_key(pr->system, pr->id), i);
			if (prev != PM_NONE)
				duplicate(m, "process", pr->id, pr->loc, "a process",
				          m->processes.v[prev].loc);
		}
		step_names(m, i);
	}
}

/* --- suggestions ------------------------------------------------------------------ */

typedef struct cands {
	pm_str v[MAX_SUGGEST_SCAN];
	size_t n;
	uint32_t scans;   /* whole-model searches for a name written elsewhere */
} cands;

static void cand_add(cands *c, pm_str s)
{
	if (c->n < MAX_SUGGEST_SCAN)
		c->v[c->n++] = s;
}

/* Past the error limit no message is added, so no candidates are
 * gathered either: 200,000 bad names must not cost 200,000 scans. */
static void cands_reset(const pm_model *m, cands *c)
{
	c->n = m->nerrors >= PM_MAX_ERRORS ? MAX_SUGGEST_SCAN : 0;
}

static const char *hint(pm_model *m, const char *name, const cands *c)
{
	if (m->nerrors >= PM_MAX_ERRORS)
		return "";
	pm_suggester s;
	pm_suggest_start(&s, name, strlen(name));
	for (size_t i = 0; i < c->n; i++)
		pm_suggest_offer(&s, pm_str_get(m, c->v[i]), pm_str_len(m, c->v[i]));
	const char *win = pm_suggest_result(&s);
	return win ? pm_arena_printf(m, "; did you mean '%s'?", win) : "";
}

static void cands_top(pm_model *m, cands *c)
{
	for (pm_ix i = 0; i < m->systems.n && c->n < MAX_SUGGEST_SCAN; i++)
		cand_add(c, m->systems.v[i].id);
	for (pm_ix i = 0; i < m->processes.n && c->n < MAX_SUGGEST_SCAN; i++)
		if (m->processes.v[i].system == PM_NONE)
			cand_add(c, m->processes.v[i].id);
}

static void cands_steps(pm_model *m, cands *c, pm_ix proc)
{
	const pm_process *p = &m->processes.v[proc];
	for (pm_ix i = p->step_first; i < p->step_first + p->step_count &&
	     c->n < MAX_SUGGEST_SCAN; i++)
		cand_add(c, m->steps.v[i].id);
}

static void cands_procs(pm_model *m, cands *c, pm_ix sys)
{
	const pm_system *s = &m->systems.v[sys];
	for (pm_ix i = s->proc_first; i < s->proc_first + s->proc_count &&
	     c->n < MAX_SUGGEST_SCAN; i++)
		cand_add(c, m->processes.v[i].id);
}

/* --- people and tools ------------------------------------------------------------ */

static void resolve_person(pm_model *m, pm_ref *r, cands *c)
{
	if (!r->name)
		return;
	r->target = pm_map_get(&m->names_people, r->name);
	if (r->target != PM_NONE)
		return;
	const char *name = pm_str_get(m, r->name);
	if (pm_map_get(&m->names_tools, r->name) != PM_NONE) {
		pm_error(m, "bad-reference", r->loc, "'%s' is a tool, not a person", name);
		return;
	}
	cands_reset(m, c);
	for (pm_ix i = 0; i < m->people.n && c->n < MAX_SUGGEST_SCAN; i++)
		cand_add(c, m->people.v[i].id);
	pm_error(m, "unknown-reference", r->loc, "unknown person '%s'%s", name,
	         hint(m, name, c));
}

static void resolve_tool(pm_model *m, pm_ref *r, cands *c)
{
	r->target = pm_map_get(&m->names_tools, r->name);
	if (r->target != PM_NONE)
		return;
	const char *name = pm_str_get(m, r->name);
	if (pm_map_get(&m->names_people, r->name) != PM_NONE) {
		pm_error(m, "bad-reference", r->loc, "'%s' is a person, not a tool", name);
		return;
	}
	cands_reset(m, c);
	for (pm_ix i = 0; i < m->tools.n && c->n < MAX_SUGGEST_SCAN; i++)
		cand_add(c, m->tools.v[i].id);
	pm_error(m, "unknown-reference", r->loc, "unknown tool '%s'%s", name,
	         hint(m, name, c));
}

/* --- arrows -------------------------------------------------------------------- */

typedef struct target {
	pm_kind kind;   /* PM_KIND_SYSTEM, PROCESS or STEP */
	pm_ix idx;
} target;

static bool lookup_top(pm_model *m, pm_str name, target *t)
{
	uint32_t v = pm_map_get(&m->names_top, name);
	if (v == PM_NONE)
		return false;
	t->kind = (v & PM_TOP_PROCESS) ? PM_KIND_PROCESS : PM_KIND_SYSTEM;
	t->idx = v & ~PM_TOP_PROCESS;
	return true;
}

/* Follows the segments `rest` of a dotted path down from *t; reports the
 * first segment that names nothing when `report`. */
static bool walk_path(pm_model *m, const pm_ref *r, const char *rest, target *t,
                      cands *c, bool report)
{
	while (*rest) {
		const char *end = strchr(rest, '.');
		size_t len = end ? (size_t)(end - rest) : strlen(rest);
		pm_str part = pm_str_find(m, rest, len);
		char *seg = report ? pm_arena_strdup(m, rest, len) : NULL;
		cands_reset(m, c);
		if (t->kind == PM_KIND_SYSTEM) {
			pm_ix p = part ? pm_map_get(&m->names_procs, pm_key(t->idx, part)) : PM_NONE;
			if (p == PM_NONE) {
				if (!report)
					return false;
				cands_procs(m, c, t->idx);
				pm_error(m, "unknown-reference", r->loc,
				         "unknown process '%s' in system '%s'%s", seg,
				         pm_str_get(m, m->systems.v[t->idx].id), hint(m, seg, c));
				return false;
			}
			t->kind = PM_KIND_PROCESS;
			t->idx = p;
		} else if (t->kind == PM_KIND_PROCESS) {
			pm_ix s = part ? pm_step_find(m, t->idx, part) : PM_NONE;
			if (s == PM_NONE) {
				if (!report)
					return false;
				cands_steps(m, c, t->idx);
				pm_error(m, "unknown-reference", r->loc,
				         "unknown step '%s' in process '%s'%s", seg,
				         pm_qualified_id(m, PM_KIND_PROCESS, t->idx), hint(m, seg, c));
				return false;
			}
			t->kind = PM_KIND_STEP;
			t->idx = s;
		} else {
			if (report)
				pm_error(m, "unknown-reference", r->loc,
				         "'%s' names a step, which has nothing inside it ('%s')",
				         pm_qualified_id(m, PM_KIND_STEP, t->idx), seg);
			return false;
		}
		rest += len + (end != NULL);
	}
	return true;
}

static const char *target_path(pm_model *m, target t)
{
	return pm_qualified_id(m, t.kind, t.idx);
}

/* A dotted path resolves relative to the enclosing system first
 * (process.step), then from the top (system.process[.step] or
 * process.step); when both readings name something, it is ambiguous. */
static bool resolve_path(pm_model *m, pm_ix sys, const pm_ref *r, target *t, cands *c)
{
	const char *full = pm_str_get(m, r->name);
	const char *dot = strchr(full, '.');
	pm_str head = pm_str_find(m, full, (size_t)(dot - full));
	const char *rest = dot + 1;
	target rel = { PM_KIND_PROCESS, PM_NONE }, top;
	if (head && sys != PM_NONE)
		rel.idx = pm_map_get(&m->names_procs, pm_key(sys, head));
	bool has_top = head && lookup_top(m, head, &top);
	bool rel_ok = rel.idx != PM_NONE && walk_path(m, r, rest, &rel, c, false);
	if (rel_ok && has_top) {
		target probe = top;
		if (walk_path(m, r, rest, &probe, c, false)) {
			pm_error(m, "bad-reference", r->loc, "'%s' is ambiguous: '%s' (in this "
			         "system) or '%s' (from the top)", full, target_path(m, rel),
			         target_path(m, probe));
			return false;
		}
	}
	if (rel_ok) {
		*t = rel;
		return true;
	}
	if (!has_top && rel.idx != PM_NONE) {
		*t = rel;
		return walk_path(m, r, rest, t, c, true);
	}
	if (!has_top) {
		char *h = pm_arena_strdup(m, full, (size_t)(dot - full));
		cands_reset(m, c);
		if (sys != PM_NONE)
			cands_procs(m, c, sys);
		cands_top(m, c);
		pm_error(m, "unknown-reference", r->loc, "unknown system or process '%s' in '%s'%s",
		         h, full, hint(m, h, c));
		return false;
	}
	*t = top;
	return walk_path(m, r, rest, t, c, true);
}

/* Where a name that is not in scope is declared: a step of another process
 * or a process of another system, or false.  Whole-model searches are
 * few, so a million unknown names do not cost a million scans. */
static bool find_elsewhere(pm_model *m, pm_str name, target *t, cands *c)
{
	if (m->nerrors >= PM_MAX_ERRORS || c->scans >= 64)
		return false;
	c->scans++;
	for (pm_ix i = 0; i < m->systems.n; i++) {
		pm_ix p = pm_map_get(&m->names_procs, pm_key(i, name));
		if (p != PM_NONE) {
			*t = (target){ PM_KIND_PROCESS, p };
			return true;
		}
	}
	for (pm_ix i = 0; i < m->steps.n; i++)
		if (m->steps.v[i].id == name) {
			*t = (target){ PM_KIND_STEP, i };
			return true;
		}
	return false;
}

/* A plain name resolves from the innermost scope outward. */
static bool resolve_name(pm_model *m, const pm_arrow *a, const pm_ref *r,
                         target *t, cands *c)
{
	pm_ix sys = a->scope_kind == PM_SCOPE_PROCESS ? m->processes.v[a->scope].system :
	            a->scope_kind == PM_SCOPE_SYSTEM ? a->scope : PM_NONE;
	if (strchr(pm_str_get(m, r->name), '.'))
		return resolve_path(m, sys, r, t, c);
	if (a->scope_kind == PM_SCOPE_PROCESS) {
		pm_ix s = pm_step_find(m, a->scope, r->name);
		if (s != PM_NONE) {
			t->kind = PM_KIND_STEP;
			t->idx = s;
			return true;
		}
	}
	if (sys != PM_NONE) {
		pm_ix p = pm_map_get(&m->names_procs, pm_key(sys, r->name));
		if (p != PM_NONE) {
			t->kind = PM_KIND_PROCESS;
			t->idx = p;
			return true;
		}
	}
	if (lookup_top(m, r->name, t))
		return true;
	const char *name = pm_str_get(m, r->name);
	target there;
	if (find_elsewhere(m, r->name, &there, c)) {
		const char *path = target_path(m, there);
		pm_error(m, "unknown-reference", r->loc, "unknown %s '%s'; '%s' is a %s of "
		         "%s '%s': write '%s'",
		         a->scope_kind == PM_SCOPE_PROCESS ? "step or process" : "process", name,
		         name, there.kind == PM_KIND_STEP ? "step" : "process",
		         there.kind == PM_KIND_STEP ? "process" : "system",
		         there.kind == PM_KIND_STEP ?
		         pm_qualified_id(m, PM_KIND_PROCESS, m->steps.v[there.idx].process) :
		         pm_str_get(m, m->systems.v[m->processes.v[there.idx].system].id),
		         path);
		return false;
	}
	cands_reset(m, c);
	if (a->scope_kind == PM_SCOPE_PROCESS)
		cands_steps(m, c, a->scope);
	if (sys != PM_NONE)
		cands_procs(m, c, sys);
	cands_top(m, c);
	pm_error(m, "unknown-reference", r->loc, "unknown %s '%s'%s",
	         a->scope_kind == PM_SCOPE_PROCESS ? "step or process" : "process",
	         name, hint(m, name, c));
	return false;
}

static pm_ix proc_of(const pm_model *m, target t)
{
	return t.kind == PM_KIND_STEP ? m->steps.v[t.idx].process : t.idx;
}

/* The steps and processes that an arrow with a chance, left out after an
 * error, leaves: their alternatives are not checked (no second error). */
typedef struct unchecked {
	target *v;
	uint32_t n;
} unchecked;

/* A step → step arrow inside one process goes to m->flows as it comes
 * (group_flows() puts them in order), any other arrow is a hand-off. */
static void resolve_arrow(pm_model *m, pm_ix ai, cands *c, unchecked *u)
{
	pm_arrow *a = &m->arrows.v[ai];
	target from, to;
	bool ok_from = resolve_name(m, a, &a->from, &from, c);
	bool ok_to = resolve_name(m, a, &a->to, &to, c);
	const pm_ref *sys_ref = !ok_from || !ok_to ? NULL :
	                        from.kind == PM_KIND_SYSTEM ? &a->from :
	                        to.kind == PM_KIND_SYSTEM ? &a->to : NULL;
	if (sys_ref)
		pm_error(m, "bad-reference", sys_ref->loc,
		         "'%s' is a system; arrows connect steps and processes",
		         pm_str_get(m, sys_ref->name));
	if (!ok_from || !ok_to || sys_ref) {
		if (ok_from && a->chance != PM_NONE && from.kind != PM_KIND_SYSTEM)
			u->v[u->n++] = from;
		return;
	}
	a->from.target = from.idx;
	a->to.target = to.idx;
	if (from.kind == PM_KIND_STEP && to.kind == PM_KIND_STEP &&
	    m->steps.v[from.idx].process == m->steps.v[to.idx].process) {
		pm_flow *f = pm_vec_push(m, m->flows);
		f->from = from.idx;
		f->to = to.idx;
		f->label = a->label;
		f->arrow = ai;
		f->chance = pm_arrow_chance(m, a);
		m->processes.v[m->steps.v[from.idx].process].explicit_flow = true;
		return;
	}
	pm_handoff *h = pm_vec_push(m, m->handoffs);
	h->from_proc = proc_of(m, from);
	h->from_step = from.kind == PM_KIND_STEP ? from.idx : PM_NONE;
	h->to_proc = proc_of(m, to);
	h->to_step = to.kind == PM_KIND_STEP ? to.idx : PM_NONE;
	h->label = a->label;
	h->arrow = ai;
	h->chance = pm_arrow_chance(m, a);
}

static pm_ix flow_proc(const pm_model *m, const pm_flow *f)
{
	return m->steps.v[f->from].process;
}

static void implicit_flows(pm_model *m, const pm_process *pr)
{
	for (pm_ix s = 0; s < pr->flow_count; s++) {
		pm_flow *f = &m->flows.v[pr->flow_first + s];
		f->from = pr->step_first + s;
		f->to = pr->step_first + s + 1;
		f->label = 0;
		f->arrow = PM_NONE;
		f->chance = -1;
	}
}

/* Explicit flows already in process order (arrows written inside their
 * process) are spread out in place, from the back: each process's block
 * only moves up, past the blocks still to move. */
static void spread_in_place(pm_model *m, uint32_t nexp)
{
	uint32_t src = nexp;
	for (pm_ix p = m->processes.n; p-- > 0;) {
		const pm_process *pr = &m->processes.v[p];
		if (!pr->explicit_flow) {
			implicit_flows(m, pr);
			continue;
		}
		src -= pr->flow_count;
		memmove(&m->flows.v[pr->flow_first], &m->flows.v[src],
		        (size_t)pr->flow_count * sizeof *m->flows.v);
	}
}

/* Otherwise a counting sort from a copy, written order kept. */
static void spread_from_copy(pm_model *m, uint32_t nexp)
{
	pm_flow *tmp = pm_arena_alloc(m, (size_t)nexp * sizeof *tmp);
	memcpy(tmp, m->flows.v, (size_t)nexp * sizeof *tmp);
	for (pm_ix p = 0; p < m->processes.n; p++) {
		pm_process *pr = &m->processes.v[p];
		if (pr->explicit_flow)
			pr->flow_count = 0; /* refilled below */
		else
			implicit_flows(m, pr);
	}
	for (uint32_t i = 0; i < nexp; i++) {
		pm_process *pr = &m->processes.v[flow_proc(m, &tmp[i])];
		m->flows.v[pr->flow_first + pr->flow_count++] = tmp[i];
	}
}

/* Groups the explicit flows in m->flows by process and adds the
 * written-order flows of processes without arrows. */
static void group_flows(pm_model *m)
{
	uint32_t nexp = m->flows.n;
	bool in_order = true;
	for (pm_ix p = 0; p < m->processes.n; p++) {
		pm_process *pr = &m->processes.v[p];
		pr->flow_count = !pr->explicit_flow && pr->step_count > 1 ?
		                 pr->step_count - 1 : 0;
	}
	for (uint32_t i = 0; i < nexp; i++) {
		m->processes.v[flow_proc(m, &m->flows.v[i])].flow_count++;
		in_order &= i == 0 || flow_proc(m, &m->flows.v[i - 1]) <=
		                      flow_proc(m, &m->flows.v[i]);
	}
	uint64_t total = 0;
	for (pm_ix p = 0; p < m->processes.n; p++) {
		m->processes.v[p].flow_first = (pm_ix)total;
		total += m->processes.v[p].flow_count;
	}
	if (total >= UINT32_MAX / 2)
		pm_oom(m);
	size_t cap = total ? (size_t)total : 1;
	m->flows.v = pm_xrealloc(m, m->flows.v, cap * sizeof *m->flows.v);
	m->flows.cap = (uint32_t)cap;
	m->flows.n = (uint32_t)total;
	if (in_order)
		spread_in_place(m, nexp);
	else
		spread_from_copy(m, nexp);
}

/* --- chances ------------------------------------------------------------------ */

/* The arrows that leave one step (or, written between processes, one
 * process): the first with a chance and the first plain one, by index. */
typedef struct alt_group {
	pm_ix first_chance, first_plain;
	double sum;
	bool unchecked;         /* a chance of it was bad or its arrow left out */
} alt_group;

static void alt_add(const pm_model *m, alt_group *g, pm_ix ai)
{
	const pm_arrow *a = &m->arrows.v[ai];
	double chance = pm_arrow_chance(m, a);
	if (chance >= 0) {
		g->sum += chance;
		if (g->first_chance == PM_NONE || ai < g->first_chance)
			g->first_chance = ai;
	} else if (a->chance != PM_NONE) {
		g->unchecked = true;    /* reported by the loader */
	} else if (g->first_plain == PM_NONE || ai < g->first_plain) {
		g->first_plain = ai;
	}
}

static void alt_check(pm_model *m, const alt_group *g, const char *what, pm_str id)
{
	if (g->unchecked || g->first_chance == PM_NONE)
		return;
	const char *name = pm_str_get(m, id);
	if (g->first_plain != PM_NONE) {
		const pm_arrow *a = &m->arrows.v[g->first_plain];
		pm_error(m, "bad-chance", a->to.loc,
		         "%s '%s' has arrows with a chance and a plain arrow to '%s'; "
		         "give every arrow out of '%s' a chance, or none",
		         what, name, pm_str_get(m, a->to.name), name);
		return;
	}
	/* 33.3% three times is 100% as written */
	if (g->sum >= 0.999 - 1e-9 && g->sum <= 1.001 + 1e-9)
		return;
	pm_error(m, "bad-chance", m->chances.v[m->arrows.v[g->first_chance].chance].loc,
	         "the chances of the arrows out of %s '%s' add up to %s%%, not 100%%",
	         what, name, pm_decimal_str(m, g->sum * 100));
}

/* The arrows with a chance out of one step (step → step and step → process
 * alike), and those out of one process, are alternatives: exactly one is
 * taken, so their chances add up to 100%, and a plain arrow among them
 * would be taken as well.  Runs on the explicit flows and the hand-offs,
 * only when some arrow has a chance. */
static void check_chances(pm_model *m, const unchecked *u)
{
	size_t ns = m->steps.n, np = m->processes.n;
	alt_group *g = pm_arena_alloc(m, (ns + np) * sizeof *g);
	for (size_t i = 0; i < ns + np; i++)
		g[i] = (alt_group){ PM_NONE, PM_NONE, 0, false };
	alt_group *pg = g + ns;
	for (uint32_t i = 0; i < u->n; i++)
		(u->v[i].kind == PM_KIND_STEP ? g : pg)[u->v[i].idx].unchecked = true;
	for (uint32_t i = 0; i < m->flows.n; i++)
		alt_add(m, &g[m->flows.v[i].from], m->flows.v[i].arrow);
	for (uint32_t i = 0; i < m->handoffs.n; i++) {
		const pm_handoff *h = &m->handoffs.v[i];
		alt_add(m, h->from_step != PM_NONE ? &g[h->from_step] : &pg[h->from_proc],
		        h->arrow);
	}
	for (size_t i = 0; i < ns; i++)
		alt_check(m, &g[i], "step", m->steps.v[i].id);
	for (size_t i = 0; i < np; i++)
		alt_check(m, &pg[i], "process", m->processes.v[i].id);
}

/* The owners of a process's steps are a few people over and over: the
 * last ones found, by name, spare a map lookup (a cache miss in a big
 * model) per step. */
#define OWNER_CACHE 8

typedef struct owner_cache {
	pm_str name[OWNER_CACHE];
	pm_ix target[OWNER_CACHE];
} owner_cache;

static void resolve_owner(pm_model *m, owner_cache *oc, pm_ref *r, cands *c)
{
	unsigned k = r->name % OWNER_CACHE;
	if (r->name && oc->name[k] == r->name) {
		r->target = oc->target[k];
		return;
	}
	resolve_person(m, r, c);
	if (r->target != PM_NONE) {
		oc->name[k] = r->name;
		oc->target[k] = r->target;
	}
}

static void resolve_owners(pm_model *m, cands *c)
{
	owner_cache oc;
	memset(&oc, 0, sizeof oc);   /* name 0 is no name */
	for (pm_ix i = 0; i < m->systems.n; i++)
		resolve_person(m, &m->systems.v[i].owner, c);
	for (pm_ix i = 0; i < m->processes.n; i++)
		resolve_person(m, &m->processes.v[i].owner, c);
	for (pm_ix i = 0; i < m->steps.n; i++) {
		pm_step *s = &m->steps.v[i];
		resolve_owner(m, &oc, &s->owner, c);
		for (pm_ix u = s->uses_first; u < s->uses_first + s->uses_count; u++)
			resolve_tool(m, &m->uses.v[u], c);
		const pm_process *p = &m->processes.v[s->process];
		s->eff_owner = s->owner.target;
		if (s->eff_owner == PM_NONE)
			s->eff_owner = p->owner.target;
		if (s->eff_owner == PM_NONE && p->system != PM_NONE)
			s->eff_owner = m->systems.v[p->system].owner.target;
	}
}

/* Room for every flow and hand-off before the arrows resolve, so that the
 * vectors are not grown by doubling (a copy into fresh pages each time):
 * an arrow is one flow or one hand-off, and group_flows() adds at most a
 * written-order flow a step.  Only a bound: pages beyond what is written
 * are never touched. */
static void reserve_arrows(pm_model *m)
{
	uint64_t flows = m->arrows.n;
	for (pm_ix p = 0; p < m->processes.n; p++)
		flows += m->processes.v[p].step_count;
	if (m->flows.n || m->handoffs.n || flows >= UINT32_MAX / 2)
		return;
	pm_vec_reserve(m, m->flows, flows ? (uint32_t)flows : 1);
	pm_vec_reserve(m, m->handoffs, m->arrows.n ? m->arrows.n : 1);
}

pm_status pm_resolve(pm_model *m)
{
	if (m->resolved)
		return PM_ERR_USAGE;
	m->resolved = true;
	cands *c = pm_arena_alloc(m, sizeof *c);
	c->scans = 0;
	build_names(m);
	resolve_owners(m, c);
	unchecked u = { NULL, 0 };
	uint32_t nchance = m->chances.n;
	if (nchance)
		u.v = pm_arena_alloc(m, nchance * sizeof *u.v);
	reserve_arrows(m);
	for (pm_ix i = 0; i < m->arrows.n; i++)
		resolve_arrow(m, i, c, &u);
	if (nchance)
		check_chances(m, &u);   /* before group_flows: explicit flows only */
	group_flows(m);
	for (uint32_t i = 0; i < m->diags.n; i++)
		if (m->diags.v[i].d.severity == PM_SEV_ERROR)
			return PM_ERR_INPUT;
	return PM_OK;
}
