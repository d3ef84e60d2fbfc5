/* rdiff.c — the marks `procmap render --diff` draws, from a change set.
 *
 * NEW's elements without a match in OLD are added; those a change names
 * (an attribute, a metric, a move or a rename) are changed, and so is the
 * process or system that holds an added, removed or changed step, flow or
 * process.  OLD's elements without a match are ghosts, placed by their
 * parent's match in NEW.  The matching is pm_diff_compute()'s own. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "diff/rdiff.h"

static void *zero(pm_model *m, size_t n)
{
	void *p = pm_arena_alloc(m, n ? n : 1);
	memset(p, 0, n ? n : 1);
	return p;
}

/* Appends "; text" to *tip (NEW's arena). */
static void add_tip(pm_model *m, const char **tip, const char *text)
{
	*tip = *tip ? pm_arena_printf(m, "%s; %s", *tip, text) : pm_arena_printf(m, "%s", text);
}

static const char *label_of(pm_model *m, pm_str label, pm_str id)
{
	return pm_str_get(m, label ? label : id);
}

/* The process, or system, a changed element of NEW is in: marked changed. */
static void mark_up(pm_rdiff *r, pm_model *n, pm_kind k, pm_ix i)
{
	if (k == PM_KIND_STEP) {
		k = PM_KIND_PROCESS;
		i = n->steps.v[i].process;
		if (!r->proc[i])
			r->proc[i] = PM_DM_CHANGED;
	}
	if (k == PM_KIND_PROCESS) {
		i = n->processes.v[i].system;
		if (i != PM_NONE && !r->sys[i])
			r->sys[i] = PM_DM_CHANGED;
	}
}

static void mark_new(pm_rdiff *r, pm_model *n, const pm_change *c, const char *brief)
{
	pm_ix j = c->new_ix;
	uint8_t *mark = NULL;
	const char **tip = NULL;
	switch (c->kind) {
	case PM_KIND_SYSTEM: mark = &r->sys[j]; tip = &r->sys_tip[j]; break;
	case PM_KIND_PROCESS: mark = &r->proc[j]; tip = &r->proc_tip[j]; break;
	case PM_KIND_STEP: mark = &r->step[j]; tip = &r->step_tip[j]; break;
	case PM_KIND_FLOW: mark = &r->flow[j]; tip = &r->flow_tip[j]; break;
	case PM_KIND_HANDOFF: mark = &r->handoff[j]; tip = &r->handoff_tip[j]; break;
	default: return;    /* people, actors, tools: on the page only */
	}
	*mark = c->what == PM_CH_ADDED ? PM_DM_ADDED : *mark ? *mark : PM_DM_CHANGED;
	/* an arrow has no tooltip of its own: say which it is */
	if ((c->kind == PM_KIND_FLOW || c->kind == PM_KIND_HANDOFF) && !*tip)
		*tip = pm_arena_printf(n, "%s: %s", c->new_id, brief);
	else
		add_tip(n, tip, brief);
	if (c->kind == PM_KIND_FLOW)
		mark_up(r, n, PM_KIND_STEP, n->flows.v[j].from);
	else if (c->kind != PM_KIND_HANDOFF)
		mark_up(r, n, (pm_kind)c->kind, j);
}

static uint32_t ghost_of(const uint32_t *g, pm_ix i)
{
	return i == PM_NONE ? 0 : g[i];
}

static void ghosts(pm_rdiff *r, const pm_diff *d, pm_model *o, pm_model *n)
{
	const pm_ix *const *om = (const pm_ix *const *)d->omap;
	size_t cap = o->systems.n + o->processes.n + o->steps.n;
	r->ghost = zero(n, cap * sizeof *r->ghost);
	uint32_t *gsys = zero(n, o->systems.n * sizeof *gsys);
	uint32_t *gproc = zero(n, o->processes.n * sizeof *gproc);
	uint32_t *gstep = zero(n, o->steps.n * sizeof *gstep);
	for (pm_ix i = 0; i < o->systems.n; i++)
		if (om[PM_KIND_SYSTEM][i] == PM_NONE) {
			const pm_system *s = &o->systems.v[i];
			r->ghost[r->nghost] = (pm_rghost){ PM_KIND_SYSTEM,
				pm_arena_printf(n, "%s", pm_qualified_id(o, PM_KIND_SYSTEM, i)),
				pm_arena_printf(n, "%s", label_of(o, s->label, s->id)), PM_NONE, 0, PM_NONE,
				pm_arena_printf(n, "removed (%u process%s)", (unsigned)s->proc_count,
				                s->proc_count == 1 ? "" : "es"), false };
			gsys[i] = ++r->nghost;
		}
	for (pm_ix i = 0; i < o->processes.n; i++)
		if (om[PM_KIND_PROCESS][i] == PM_NONE) {
			const pm_process *p = &o->processes.v[i];
			pm_ix sys = p->system == PM_NONE ? PM_NONE : om[PM_KIND_SYSTEM][p->system];
			r->ghost[r->nghost] = (pm_rghost){ PM_KIND_PROCESS,
				pm_arena_printf(n, "%s", pm_qualified_id(o, PM_KIND_PROCESS, i)),
				pm_arena_printf(n, "%s", label_of(o, p->label, p->id)), sys,
				sys == PM_NONE ? ghost_of(gsys, p->system) : 0, PM_NONE,
				pm_arena_printf(n, "removed (%u step%s)", (unsigned)p->step_count,
				                p->step_count == 1 ? "" : "s"), false };
			gproc[i] = ++r->nghost;
			if (sys != PM_NONE && !r->sys[sys])
				r->sys[sys] = PM_DM_CHANGED;
		}
	for (pm_ix i = 0; i < o->steps.n; i++) {
		const pm_step *s = &o->steps.v[i];
		pm_ix proc = om[PM_KIND_PROCESS][s->process], j = om[PM_KIND_STEP][i];
		/* a removed process's steps are in its ghost; a step that moved
		 * to another process leaves a ghost in its old one, where the
		 * arrows it had end */
		bool moved = j != PM_NONE && n->steps.v[j].process != proc;
		if ((j != PM_NONE && !moved) || proc == PM_NONE)
			continue;
		r->ghost[r->nghost] = (pm_rghost){ PM_KIND_STEP,
			pm_arena_printf(n, "%s", pm_qualified_id(o, PM_KIND_STEP, i)),
			pm_arena_printf(n, "%s", label_of(o, s->label, s->id)), proc, 0,
			s->eff_owner == PM_NONE ? PM_NONE : om[PM_KIND_PERSON][s->eff_owner],
			moved ? pm_arena_printf(n, "moved to %s", pm_qualified_id(n, PM_KIND_STEP, j))
			      : "removed", moved };
		gstep[i] = ++r->nghost;
		if (!r->proc[proc])
			r->proc[proc] = PM_DM_CHANGED;
		mark_up(r, n, PM_KIND_PROCESS, proc);
	}
	r->gedge = zero(n, (d->count[PM_CH_REMOVED] + 1) * sizeof *r->gedge);
	for (size_t k = 0; k < d->n; k++) {
		const pm_change *c = &d->v[k];
		if (c->what != PM_CH_REMOVED || (c->kind != PM_KIND_FLOW && c->kind != PM_KIND_HANDOFF))
			continue;
		pm_rgedge *e = &r->gedge[r->ngedge++];
		e->kind = (pm_kind)c->kind;
		e->proc = PM_NONE;
		e->tip = pm_arena_printf(n, "%s: removed", c->old_id);
		if (c->kind == PM_KIND_FLOW) {
			const pm_flow *f = &o->flows.v[c->old_ix];
			e->from = om[PM_KIND_STEP][f->from];
			e->to = om[PM_KIND_STEP][f->to];
			e->gfrom = gstep[f->from];
			e->gto = gstep[f->to];
			e->proc = om[PM_KIND_PROCESS][o->steps.v[f->from].process];
			if (e->proc != PM_NONE && !r->proc[e->proc])
				r->proc[e->proc] = PM_DM_CHANGED;
			if (e->proc != PM_NONE)
				mark_up(r, n, PM_KIND_PROCESS, e->proc);
		} else {
			const pm_handoff *h = &o->handoffs.v[c->old_ix];
			e->from = om[PM_KIND_PROCESS][h->from_proc];
			e->to = om[PM_KIND_PROCESS][h->to_proc];
			e->gfrom = gproc[h->from_proc];
			e->gto = gproc[h->to_proc];
		}
	}
}

/* The element a line of the page links to, as emit_dot.c names it. */
static const char *anchor_of(pm_model *n, const pm_change *c)
{
	static const char *const kinds[] = { [PM_KIND_SYSTEM] = "system",
	                                     [PM_KIND_PROCESS] = "process",
	                                     [PM_KIND_STEP] = "step" };
	if (c->kind > PM_KIND_STEP)
		return NULL;
	if (c->what == PM_CH_REMOVED)
		return pm_arena_printf(n, "removed-%s-%s", kinds[c->kind], c->old_id);
	if (c->what >= PM_CH_FINDING_NEW || !c->new_id)
		return NULL;
	return pm_arena_printf(n, "%s-%s", kinds[c->kind], c->new_id);
}

static void build(pm_rdiff *r, const pm_diff *d, pm_model *o, pm_model *n)
{
	r->sys = zero(n, n->systems.n);
	r->proc = zero(n, n->processes.n);
	r->step = zero(n, n->steps.n);
	r->flow = zero(n, n->flows.n);
	r->handoff = zero(n, n->handoffs.n);
	r->sys_tip = zero(n, n->systems.n * sizeof *r->sys_tip);
	r->proc_tip = zero(n, n->processes.n * sizeof *r->proc_tip);
	r->step_tip = zero(n, n->steps.n * sizeof *r->step_tip);
	r->flow_tip = zero(n, n->flows.n * sizeof *r->flow_tip);
	r->handoff_tip = zero(n, n->handoffs.n * sizeof *r->handoff_tip);
	r->line = zero(n, d->n * sizeof *r->line);
	for (size_t k = 0; k < d->n; k++) {
		const pm_change *c = &d->v[k];
		char *brief = pm_diff_change_text(c, true), *full = pm_diff_change_text(c, false);
		if (!brief || !full) {
			free(brief);
			free(full);
			pm_oom(n);
		}
		r->line[r->nline++] = (pm_rline){ pm_arena_printf(n, "%s", full), anchor_of(n, c) };
		if (c->new_ix != PM_NONE && c->what < PM_CH_FINDING_NEW)
			mark_new(r, n, c, brief);
		free(brief);
		free(full);
	}
	/* the children of an added system or process are new too */
	for (pm_ix j = 0; j < n->processes.n; j++)
		if (d->nmap[PM_KIND_PROCESS][j] == PM_NONE && !r->proc[j])
			r->proc[j] = PM_DM_ADDED;
	for (pm_ix j = 0; j < n->steps.n; j++)
		if (d->nmap[PM_KIND_STEP][j] == PM_NONE && !r->step[j])
			r->step[j] = PM_DM_ADDED;
	ghosts(r, d, o, n);
}

bool pm_rdiff_build(pm_rdiff *r, const pm_diff *d, pm_model *old, pm_model *new_,
                    const char *old_name)
{
	*r = (pm_rdiff){ 0 };
	jmp_buf jb, *saved = new_->oom, *saved_old = old->oom;
	volatile bool ok = true;
	if (setjmp(jb)) {
		ok = false;
	} else {
		new_->oom = old->oom = &jb;
		r->old_name = pm_arena_printf(new_, "%s", old_name);
		char *sum = pm_diff_summary_text(d);
		if (!sum)
			pm_oom(new_);
		r->summary = pm_arena_printf(new_, "%s", sum);
		free(sum);
		build(r, d, old, new_);
	}
	new_->oom = saved;
	old->oom = saved_old;
	return ok;
}
