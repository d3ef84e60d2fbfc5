/* diff.c — the change set between two analysed models.
 *
 * Every kind is matched in three rounds, each one pass over the elements
 * with a hash table: by id under the matching parent (the parent's match in
 * NEW is part of the key, so children follow a moved or renamed parent),
 * then what is left by id and label (a move), then by parent, label and a
 * signature of the neighbours (a likely rename).  Old and new element i are
 * linked through omap/nmap; flows, hand-offs and findings are matched
 * through those maps.  Nothing here recurses. */
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "report.h"

/* How an old element found its new one. */
enum { M_NONE, M_SAME, M_MOVED, M_RENAMED };

/* A hash table of 64-bit keys to indices; keys may repeat (the caller
 * checks each candidate and marks the ones it takes). */
typedef struct dslot {
	uint64_t key;
	uint32_t val;           /* PM_NONE: empty */
} dslot;

typedef struct dtab {
	dslot *s;               /* key and value together: one cache miss a probe */
	uint32_t mask;
} dtab;

typedef struct dctx {
	pm_diff *d;
	pm_model *o, *n;
	jmp_buf oom;
	dtab t;
	/* per kind (pm_kind up to PM_KIND_TOOL): old→new, new→old, how */
	pm_ix *omap[5], *nmap[5];
	unsigned char *how[5];
} dctx;

static _Noreturn void oom(dctx *c)
{
	longjmp(c->oom, 1);
}

static void *xcalloc(dctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		oom(c);
	return p;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash2(uint64_t a, uint64_t b)
{
	return mix(a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mix(h ^ len);
}

static uint64_t hstr(const pm_model *m, pm_str s)
{
	return s ? hash_bytes(pm_str_get(m, s), pm_str_len(m, s)) : 0;
}

static bool same_str(const pm_model *a, pm_str x, const pm_model *b, pm_str y)
{
	if (!x || !y)
		return !x && !y;
	return pm_str_len(a, x) == pm_str_len(b, y) &&
	       memcmp(pm_str_get(a, x), pm_str_get(b, y), pm_str_len(a, x)) == 0;
}

static void dtab_init(dctx *c, size_t n)
{
	free(c->t.s);
	c->t.s = NULL;
	uint32_t cap = 16;
	while (cap < 2 * n + 16)
		cap *= 2;
	c->t.s = malloc(cap * sizeof *c->t.s);
	if (!c->t.s)
		oom(c);
	memset(c->t.s, 0xff, cap * sizeof *c->t.s);
	c->t.mask = cap - 1;
}

static void dtab_put(dtab *t, uint64_t k, uint32_t v)
{
	uint32_t i = (uint32_t)k & t->mask;
	while (t->s[i].val != PM_NONE)
		i = (i + 1) & t->mask;
	t->s[i].key = k;
	t->s[i].val = v;
}

/* The next value under key k from slot *pos on (start with *pos =
 * (uint32_t)k & mask); PM_NONE at the end. */
static uint32_t dtab_next(const dtab *t, uint64_t k, uint32_t *pos)
{
	for (uint32_t i = *pos; t->s[i].val != PM_NONE; i = (i + 1) & t->mask)
		if (t->s[i].key == k) {
			*pos = (i + 1) & t->mask;
			return t->s[i].val;
		}
	return PM_NONE;
}

static pm_change *push(dctx *c, pm_change_what what, unsigned kind, pm_ix oi, pm_ix ni)
{
	pm_diff *d = c->d;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		pm_change *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			oom(c);
		d->v = v;
		d->cap = cap;
	}
	pm_change *ch = &d->v[d->n++];
	*ch = (pm_change){ .what = what, .kind = kind, .old_ix = oi, .new_ix = ni,
	                   .vbefore = -1, .vafter = -1 };
	unsigned qk = kind == PM_DKIND_ACTOR ? PM_KIND_PERSON : kind;
	if (oi != PM_NONE && qk <= PM_KIND_TOOL)
		ch->old_id = pm_qualified_id(c->o, (pm_kind)qk, oi);
	if (ni != PM_NONE && qk <= PM_KIND_TOOL)
		ch->new_id = pm_qualified_id(c->n, (pm_kind)qk, ni);
	d->count[what]++;
	return ch;
}

/* --- what identifies an element ------------------------------------------------ */

typedef struct elem {
	pm_str id, label;
	pm_ix parent;           /* system of a process, process of a step */
} elem;

static elem elem_of(const pm_model *m, pm_kind k, pm_ix i)
{
	switch (k) {
	case PM_KIND_SYSTEM:
		return (elem){ m->systems.v[i].id, m->systems.v[i].label, PM_NONE };
	case PM_KIND_PROCESS:
		return (elem){ m->processes.v[i].id, m->processes.v[i].label,
		               m->processes.v[i].system };
	case PM_KIND_STEP:
		return (elem){ m->steps.v[i].id, m->steps.v[i].label, m->steps.v[i].process };
	case PM_KIND_PERSON:
		return (elem){ m->people.v[i].id, m->people.v[i].label, PM_NONE };
	default:
		return (elem){ m->tools.v[i].id, m->tools.v[i].label, PM_NONE };
	}
}

static uint32_t count_of(const pm_model *m, pm_kind k)
{
	switch (k) {
	case PM_KIND_SYSTEM: return m->systems.n;
	case PM_KIND_PROCESS: return m->processes.n;
	case PM_KIND_STEP: return m->steps.n;
	case PM_KIND_PERSON: return m->people.n;
	default: return m->tools.n;
	}
}

static pm_kind parent_kind(pm_kind k)
{
	return k == PM_KIND_PROCESS ? PM_KIND_SYSTEM : PM_KIND_PROCESS;
}

static bool has_parent(pm_kind k)
{
	return k == PM_KIND_PROCESS || k == PM_KIND_STEP;
}

/* The parent of old element e, in NEW's numbering: PM_NONE for "at the top"
 * and PM_NONE - 1 for "a parent that NEW does not have". */
#define GONE (PM_NONE - 1)
static pm_ix parent_in_new(const dctx *c, pm_kind k, elem e)
{
	if (!has_parent(k) || e.parent == PM_NONE)
		return PM_NONE;
	pm_ix p = c->omap[parent_kind(k)][e.parent];
	return p == PM_NONE ? GONE : p;
}

/* Round one: the same id under the same (matched) parent. */
static void match_same(dctx *c, pm_kind k)
{
	uint32_t no = count_of(c->o, k), nn = count_of(c->n, k);
	dtab_init(c, nn);
	for (uint32_t i = 0; i < nn; i++) {
		elem e = elem_of(c->n, k, i);
		dtab_put(&c->t, hash2(hstr(c->n, e.id), e.parent), i);
	}
	for (uint32_t i = 0; i < no; i++) {
		elem e = elem_of(c->o, k, i);
		pm_ix p = parent_in_new(c, k, e);
		if (p == GONE)
			continue;
		uint64_t key = hash2(hstr(c->o, e.id), p);
		uint32_t pos = (uint32_t)key & c->t.mask, j;
		while ((j = dtab_next(&c->t, key, &pos)) != PM_NONE) {
			elem f = elem_of(c->n, k, j);
			if (c->nmap[k][j] == PM_NONE && f.parent == p &&
			    same_str(c->o, e.id, c->n, f.id)) {
				c->omap[k][i] = j;
				c->nmap[k][j] = i;
				c->how[k][i] = M_SAME;
				break;
			}
		}
	}
}

/* Rounds two and three over the elements left: `by_label` keys them by id
 * and label (a move: the parent differs), else by parent, label and
 * signature (a rename: the id differs).  Elements without a label are
 * never renamed. */
static void match_rest(dctx *c, pm_kind k, bool rename, const uint64_t *osig,
                       const uint64_t *nsig)
{
	uint32_t no = count_of(c->o, k), nn = count_of(c->n, k);
	dtab_init(c, nn);
	for (uint32_t j = 0; j < nn; j++) {
		if (c->nmap[k][j] != PM_NONE)
			continue;
		elem f = elem_of(c->n, k, j);
		if (rename && !f.label)
			continue;
		uint64_t key = rename ? hash2(hash2(hstr(c->n, f.label), f.parent), nsig[j])
		                      : hash2(hstr(c->n, f.id), hstr(c->n, f.label));
		dtab_put(&c->t, key, j);
	}
	for (uint32_t i = 0; i < no; i++) {
		if (c->omap[k][i] != PM_NONE)
			continue;
		elem e = elem_of(c->o, k, i);
		if (rename && !e.label)
			continue;
		pm_ix p = parent_in_new(c, k, e);
		if (rename && p == GONE)
			continue;
		uint64_t key = rename ? hash2(hash2(hstr(c->o, e.label), p), osig[i])
		                      : hash2(hstr(c->o, e.id), hstr(c->o, e.label));
		uint32_t pos = (uint32_t)key & c->t.mask, j;
		while ((j = dtab_next(&c->t, key, &pos)) != PM_NONE) {
			elem f = elem_of(c->n, k, j);
			if (c->nmap[k][j] != PM_NONE || !same_str(c->o, e.label, c->n, f.label))
				continue;
			if (rename ? f.parent != p : !same_str(c->o, e.id, c->n, f.id))
				continue;
			if (!rename && (f.parent == p || !has_parent(k)))
				continue;      /* not a move: the same parent, another... */
			c->omap[k][i] = j;
			c->nmap[k][j] = i;
			c->how[k][i] = rename ? M_RENAMED : M_MOVED;
			break;
		}
	}
}

/* Neighbour signatures for likely renames: a system by its processes' ids,
 * a process by its steps' ids, a step by the ids before and after it. */
static uint64_t *signatures(dctx *c, pm_model *m, pm_kind k)
{
	uint32_t n = count_of(m, k);
	uint64_t *sig = xcalloc(c, n, sizeof *sig);
	if (k == PM_KIND_SYSTEM) {
		for (uint32_t i = 0; i < m->processes.n; i++)
			if (m->processes.v[i].system != PM_NONE)
				sig[m->processes.v[i].system] += hstr(m, m->processes.v[i].id);
	} else if (k == PM_KIND_PROCESS) {
		for (uint32_t i = 0; i < m->steps.n; i++)
			sig[m->steps.v[i].process] += hstr(m, m->steps.v[i].id);
	} else if (k == PM_KIND_STEP) {
		for (uint32_t i = 0; i < m->flows.n; i++) {
			const pm_flow *f = &m->flows.v[i];
			sig[f->from] += mix(hstr(m, m->steps.v[f->to].id) + 1);
			sig[f->to] += mix(hstr(m, m->steps.v[f->from].id) + 2);
		}
	}
	return sig;
}

static bool unmatched(const pm_ix *map, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (map[i] == PM_NONE)
			return true;
	return false;
}

static void match_kind(dctx *c, pm_kind k)
{
	uint32_t no = count_of(c->o, k), nn = count_of(c->n, k);
	c->omap[k] = malloc((no ? no : 1) * sizeof(pm_ix));
	c->nmap[k] = malloc((nn ? nn : 1) * sizeof(pm_ix));
	c->how[k] = xcalloc(c, no, 1);
	if (!c->omap[k] || !c->nmap[k])
		oom(c);
	memset(c->omap[k], 0xff, no * sizeof(pm_ix));
	memset(c->nmap[k], 0xff, nn * sizeof(pm_ix));
	match_same(c, k);
	if (!unmatched(c->omap[k], no) || !unmatched(c->nmap[k], nn))
		return;     /* nothing can move or be renamed: the common case */
	if (has_parent(k))
		match_rest(c, k, false, NULL, NULL);
	uint64_t *osig = signatures(c, c->o, k), *nsig = signatures(c, c->n, k);
	match_rest(c, k, true, osig, nsig);
	free(osig);
	free(nsig);
}

/* --- attributes ---------------------------------------------------------------- */

static const char *str_or_null(const pm_model *m, pm_str s)
{
	return s ? pm_str_get(m, s) : NULL;
}

static void attr(dctx *c, unsigned kind, pm_ix oi, pm_ix ni, const char *name,
                 pm_str a, pm_str b)
{
	if (same_str(c->o, a, c->n, b))
		return;
	pm_change *ch = push(c, PM_CH_ATTR, kind, oi, ni);
	ch->attr = name;
	ch->before = str_or_null(c->o, a);
	ch->after = str_or_null(c->n, b);
}

static void attrs_of(dctx *c, pm_kind k, pm_ix i, pm_ix j)
{
	const pm_model *o = c->o, *n = c->n;
	switch (k) {
	case PM_KIND_SYSTEM: {
		const pm_system *a = &o->systems.v[i], *b = &n->systems.v[j];
		attr(c, k, i, j, "label", a->label, b->label);
		attr(c, k, i, j, "owner", a->owner.name, b->owner.name);
		attr(c, k, i, j, "description", a->description, b->description);
		break;
	}
	case PM_KIND_PROCESS: {
		const pm_process *a = &o->processes.v[i], *b = &n->processes.v[j];
		attr(c, k, i, j, "label", a->label, b->label);
		attr(c, k, i, j, "owner", a->owner.name, b->owner.name);
		attr(c, k, i, j, "trigger", a->trigger, b->trigger);
		attr(c, k, i, j, "runs", a->runs_text, b->runs_text);
		attr(c, k, i, j, "description", a->description, b->description);
		break;
	}
	case PM_KIND_STEP: {
		const pm_step *a = &o->steps.v[i], *b = &n->steps.v[j];
		attr(c, k, i, j, "label", a->label, b->label);
		attr(c, k, i, j, "owner", a->owner.name, b->owner.name);
		attr(c, k, i, j, "takes", a->takes_text, b->takes_text);
		attr(c, k, i, j, "waits", a->waits_text, b->waits_text);
		attr(c, k, i, j, "description", a->description, b->description);
		break;
	}
	case PM_KIND_PERSON: {
		const pm_person *a = &o->people.v[i], *b = &n->people.v[j];
		unsigned kk = b->actor ? PM_DKIND_ACTOR : PM_KIND_PERSON;
		attr(c, kk, i, j, "label", a->label, b->label);
		attr(c, kk, i, j, "capacity", a->capacity_text, b->capacity_text);
		attr(c, kk, i, j, "description", a->description, b->description);
		if (a->actor != b->actor) {
			pm_change *ch = push(c, PM_CH_ATTR, kk, i, j);
			ch->attr = "kind";
			ch->before = a->actor ? "actor" : "person";
			ch->after = b->actor ? "actor" : "person";
		}
		break;
	}
	default: {
		const pm_tool *a = &o->tools.v[i], *b = &n->tools.v[j];
		attr(c, k, i, j, "label", a->label, b->label);
		attr(c, k, i, j, "description", a->description, b->description);
		break;
	}
	}
}

/* --- the elements' changes, in declaration order ----------------------------------- */

static unsigned person_kind(const pm_model *m, pm_kind k, pm_ix i)
{
	return k == PM_KIND_PERSON && m->people.v[i].actor ? PM_DKIND_ACTOR : k;
}

/* Whether an added or removed element's parent is there on the other side
 * (else the parent's line says it, and the element is not listed). */
static bool parent_kept(const dctx *c, pm_kind k, const pm_model *m, pm_ix parent, bool old)
{
	if (!has_parent(k) || parent == PM_NONE)
		return true;
	return (old ? c->omap : c->nmap)[parent_kind(k)][parent] != PM_NONE;
}

static void set_children(pm_change *ch, const pm_model *m, pm_kind k, pm_ix i)
{
	if (k == PM_KIND_SYSTEM) {
		ch->children = m->systems.v[i].proc_count;
		for (pm_ix p = 0; p < m->systems.v[i].proc_count; p++)
			ch->steps += m->processes.v[m->systems.v[i].proc_first + p].step_count;
	} else if (k == PM_KIND_PROCESS) {
		ch->steps = m->processes.v[i].step_count;
	}
}

static void report_kind(dctx *c, pm_kind k)
{
	uint32_t no = count_of(c->o, k), nn = count_of(c->n, k);
	for (uint32_t i = 0; i < no; i++) {
		pm_ix j = c->omap[k][i];
		if (j == PM_NONE) {
			if (parent_kept(c, k, c->o, elem_of(c->o, k, i).parent, true))
				set_children(push(c, PM_CH_REMOVED, person_kind(c->o, k, i), i, PM_NONE),
				             c->o, k, i);
			continue;
		}
		if (c->how[k][i] == M_MOVED)
			push(c, PM_CH_MOVED, k, i, j);
		else if (c->how[k][i] == M_RENAMED)
			push(c, PM_CH_RENAMED, person_kind(c->n, k, j), i, j);
		attrs_of(c, k, i, j);
	}
	for (uint32_t j = 0; j < nn; j++)
		if (c->nmap[k][j] == PM_NONE &&
		    parent_kept(c, k, c->n, elem_of(c->n, k, j).parent, false))
			set_children(push(c, PM_CH_ADDED, person_kind(c->n, k, j), PM_NONE, j),
			             c->n, k, j);
}

/* --- flows and hand-offs --------------------------------------------------------- */

static pm_str arrow_chance(const pm_model *m, pm_ix arrow)
{
	return arrow == PM_NONE ? 0 : pm_arrow_chance_text(m, &m->arrows.v[arrow]);
}

/* "a -> b" of a flow: its process's qualified id and the two step ids. */
static const char *flow_id(pm_model *m, const pm_flow *f)
{
	return pm_arena_printf(m, "%s: %s -> %s",
	                       pm_qualified_id(m, PM_KIND_PROCESS, m->steps.v[f->from].process),
	                       pm_str_get(m, m->steps.v[f->from].id),
	                       pm_str_get(m, m->steps.v[f->to].id));
}

static const char *handoff_end(pm_model *m, pm_ix proc, pm_ix step)
{
	return step != PM_NONE ? pm_qualified_id(m, PM_KIND_STEP, step)
	                       : pm_qualified_id(m, PM_KIND_PROCESS, proc);
}

static const char *handoff_id(pm_model *m, const pm_handoff *h)
{
	return pm_arena_printf(m, "%s -> %s", handoff_end(m, h->from_proc, h->from_step),
	                       handoff_end(m, h->to_proc, h->to_step));
}

static pm_change *arrow_change(dctx *c, pm_change_what what, unsigned kind, pm_ix oi, pm_ix ni)
{
	pm_change *ch = push(c, what, kind, oi, ni);
	if (kind == PM_KIND_FLOW) {
		if (oi != PM_NONE)
			ch->old_id = flow_id(c->o, &c->o->flows.v[oi]);
		if (ni != PM_NONE)
			ch->new_id = flow_id(c->n, &c->n->flows.v[ni]);
	} else {
		if (oi != PM_NONE)
			ch->old_id = handoff_id(c->o, &c->o->handoffs.v[oi]);
		if (ni != PM_NONE)
			ch->new_id = handoff_id(c->n, &c->n->handoffs.v[ni]);
	}
	return ch;
}

static void arrow_attrs(dctx *c, unsigned kind, pm_ix i, pm_ix j, pm_ix oa, pm_ix na,
                        pm_str ol, pm_str nl)
{
	pm_str a = arrow_chance(c->o, oa), b = arrow_chance(c->n, na);
	if (!same_str(c->o, a, c->n, b)) {
		pm_change *ch = arrow_change(c, PM_CH_ATTR, kind, i, j);
		ch->attr = "chance";
		ch->before = str_or_null(c->o, a);
		ch->after = str_or_null(c->n, b);
	}
	if (!same_str(c->o, ol, c->n, nl)) {
		pm_change *ch = arrow_change(c, PM_CH_ATTR, kind, i, j);
		ch->attr = "label";
		ch->before = str_or_null(c->o, ol);
		ch->after = str_or_null(c->n, nl);
	}
}

static pm_ix map_step(const dctx *c, pm_ix s)
{
	return s == PM_NONE ? PM_NONE : c->omap[PM_KIND_STEP][s];
}

static void diff_flows(dctx *c)
{
	const pm_model *o = c->o, *n = c->n;
	bool *used = xcalloc(c, n->flows.n, 1);
	dtab_init(c, n->flows.n);
	for (uint32_t j = 0; j < n->flows.n; j++)
		dtab_put(&c->t, hash2(n->flows.v[j].from, n->flows.v[j].to), j);
	for (uint32_t i = 0; i < o->flows.n; i++) {
		const pm_flow *f = &o->flows.v[i];
		pm_ix a = map_step(c, f->from), b = map_step(c, f->to), j = PM_NONE;
		if (a != PM_NONE && b != PM_NONE) {
			uint64_t key = hash2(a, b);
			uint32_t pos = (uint32_t)key & c->t.mask;
			while ((j = dtab_next(&c->t, key, &pos)) != PM_NONE)
				if (!used[j] && n->flows.v[j].from == a && n->flows.v[j].to == b)
					break;
		}
		if (j == PM_NONE) {
			if (c->omap[PM_KIND_PROCESS][o->steps.v[f->from].process] != PM_NONE)
				arrow_change(c, PM_CH_REMOVED, PM_KIND_FLOW, i, PM_NONE);
			continue;
		}
		used[j] = true;
		arrow_attrs(c, PM_KIND_FLOW, i, j, f->arrow, n->flows.v[j].arrow,
		            f->label, n->flows.v[j].label);
	}
	for (uint32_t j = 0; j < n->flows.n; j++)
		if (!used[j] && c->nmap[PM_KIND_PROCESS][n->steps.v[n->flows.v[j].from].process]
		                != PM_NONE)
			arrow_change(c, PM_CH_ADDED, PM_KIND_FLOW, PM_NONE, j);
	free(used);
}

static uint64_t handoff_key(pm_ix fp, pm_ix fs, pm_ix tp, pm_ix ts)
{
	return hash2(hash2(fp, fs), hash2(tp, ts));
}

static void diff_handoffs(dctx *c)
{
	const pm_model *o = c->o, *n = c->n;
	const pm_ix *pm = c->omap[PM_KIND_PROCESS];
	bool *used = xcalloc(c, n->handoffs.n, 1);
	dtab_init(c, n->handoffs.n);
	for (uint32_t j = 0; j < n->handoffs.n; j++) {
		const pm_handoff *h = &n->handoffs.v[j];
		dtab_put(&c->t, handoff_key(h->from_proc, h->from_step, h->to_proc, h->to_step), j);
	}
	for (uint32_t i = 0; i < o->handoffs.n; i++) {
		const pm_handoff *h = &o->handoffs.v[i];
		pm_ix fp = pm[h->from_proc], tp = pm[h->to_proc], j = PM_NONE;
		pm_ix fs = map_step(c, h->from_step), ts = map_step(c, h->to_step);
		bool ok = fp != PM_NONE && tp != PM_NONE && (fs != PM_NONE) == (h->from_step != PM_NONE)
		          && (ts != PM_NONE) == (h->to_step != PM_NONE);
		if (ok) {
			uint64_t key = handoff_key(fp, fs, tp, ts);
			uint32_t pos = (uint32_t)key & c->t.mask;
			while ((j = dtab_next(&c->t, key, &pos)) != PM_NONE) {
				const pm_handoff *g = &n->handoffs.v[j];
				if (!used[j] && g->from_proc == fp && g->from_step == fs &&
				    g->to_proc == tp && g->to_step == ts)
					break;
			}
		}
		if (j == PM_NONE) {
			arrow_change(c, PM_CH_REMOVED, PM_KIND_HANDOFF, i, PM_NONE);
			continue;
		}
		used[j] = true;
		arrow_attrs(c, PM_KIND_HANDOFF, i, j, h->arrow, n->handoffs.v[j].arrow,
		            h->label, n->handoffs.v[j].label);
	}
	for (uint32_t j = 0; j < n->handoffs.n; j++)
		if (!used[j])
			arrow_change(c, PM_CH_ADDED, PM_KIND_HANDOFF, PM_NONE, j);
	free(used);
}

/* --- metrics ------------------------------------------------------------------------ */

static void metric(dctx *c, unsigned kind, pm_ix i, pm_ix j, const char *name,
                   double a, double b, double tolerance)
{
	if (fabs(a - b) <= tolerance)
		return;
	pm_change *ch = push(c, PM_CH_METRIC, kind, i, j);
	ch->attr = name;
	ch->vbefore = a;
	ch->vafter = b;
}

static double efficiency(const pm_proc_metrics *pm)
{
	return pm->lead_s > 0 ? (double)pm->work_s / (double)pm->lead_s : -1;
}

static void diff_metrics(dctx *c)
{
	for (uint32_t i = 0; i < c->o->processes.n; i++) {
		pm_ix j = c->omap[PM_KIND_PROCESS][i];
		const pm_proc_metrics *a = pm_report_proc(c->o, i);
		const pm_proc_metrics *b = j == PM_NONE ? NULL : pm_report_proc(c->n, j);
		if (!a || !b)
			continue;
		metric(c, PM_KIND_PROCESS, i, j, "lead time", (double)a->lead_s,
		       (double)b->lead_s, 0.5);
		metric(c, PM_KIND_PROCESS, i, j, "work time", (double)a->work_s,
		       (double)b->work_s, 0.5);
		metric(c, PM_KIND_PROCESS, i, j, "flow efficiency", efficiency(a),
		       efficiency(b), 1e-9);
	}
	for (uint32_t i = 0; i < c->o->people.n; i++) {
		pm_ix j = c->omap[PM_KIND_PERSON][i];
		const pm_person_metrics *a = pm_report_person(c->o, i);
		const pm_person_metrics *b = j == PM_NONE ? NULL : pm_report_person(c->n, j);
		if (!a || !b || c->n->people.v[j].actor)
			continue;
		metric(c, PM_KIND_PERSON, i, j, "load", a->load_s, b->load_s, 0.5);
		metric(c, PM_KIND_PERSON, i, j, "utilisation", a->utilisation, b->utilisation, 1e-9);
	}
}

/* --- findings --------------------------------------------------------------------- */

static bool counts(const pm_diag *d)
{
	return !d->suppressed && d->severity != PM_SEV_OFF;
}

static void diff_findings(dctx *c)
{
	size_t no = pm_model_diag_count(c->o), nn = pm_model_diag_count(c->n);
	bool *used = xcalloc(c, no, 1);
	dtab_init(c, no);
	for (size_t i = 0; i < no; i++) {
		const pm_diag *d = pm_model_diag(c->o, i);
		if (counts(d))
			dtab_put(&c->t, pm_diag_fingerprint64(d), (uint32_t)i);
	}
	for (size_t j = 0; j < nn; j++) {
		const pm_diag *d = pm_model_diag(c->n, j);
		if (!counts(d))
			continue;
		uint64_t key = pm_diag_fingerprint64(d);
		uint32_t pos = (uint32_t)key & c->t.mask, i;
		while ((i = dtab_next(&c->t, key, &pos)) != PM_NONE)
			if (!used[i] && strcmp(pm_model_diag(c->o, i)->rule, d->rule) == 0)
				break;
		if (i != PM_NONE) {
			used[i] = true;
			c->d->unchanged_findings++;
		} else {
			push(c, PM_CH_FINDING_NEW, PM_DKIND_FINDING, PM_NONE, (pm_ix)j)->diag = d;
		}
	}
	for (size_t i = 0; i < no; i++) {
		const pm_diag *d = pm_model_diag(c->o, i);
		if (counts(d) && !used[i])
			push(c, PM_CH_FINDING_FIXED, PM_DKIND_FINDING, (pm_ix)i, PM_NONE)->diag = d;
	}
	free(used);
}

/* --- entry points ------------------------------------------------------------------ */

static void ctx_free(dctx *c)
{
	for (int k = 0; k < 5; k++) {
		if (c->d->nomem) {
			free(c->omap[k]);
			free(c->nmap[k]);
		} else {     /* the change set keeps the matching */
			c->d->omap[k] = c->omap[k];
			c->d->nmap[k] = c->nmap[k];
		}
		free(c->how[k]);
	}
	free(c->t.s);
}

static void compute(dctx *c)
{
	static const pm_kind order[] = { PM_KIND_SYSTEM, PM_KIND_PROCESS, PM_KIND_STEP,
	                                 PM_KIND_PERSON, PM_KIND_TOOL };
	for (size_t k = 0; k < 5; k++)
		match_kind(c, order[k]);
	for (size_t k = 0; k < 5; k++)
		report_kind(c, order[k]);
	diff_flows(c);
	diff_handoffs(c);
	diff_metrics(c);
	diff_findings(c);
}

bool pm_diff_compute(pm_diff *d, pm_model *old, pm_model *new_)
{
	*d = (pm_diff){ 0 };
	/* volatile: read after longjmp */
	dctx *volatile c = calloc(1, sizeof *c);
	if (!c)
		return !(d->nomem = true);
	c->d = d;
	c->o = old;
	c->n = new_;
	jmp_buf *saved_o = old->oom, *saved_n = new_->oom;
	if (setjmp(c->oom)) {
		d->nomem = true;
	} else {
		old->oom = new_->oom = &c->oom;
		compute(c);
	}
	old->oom = saved_o;
	new_->oom = saved_n;
	ctx_free(c);
	free(c);
	return !d->nomem;
}

void pm_diff_release(pm_diff *d)
{
	for (int k = 0; k < 5; k++) {
		free(d->omap[k]);
		free(d->nmap[k]);
	}
	free(d->v);
	*d = (pm_diff){ 0 };
}

bool pm_diff_changed(const pm_diff *d)
{
	return d->n > 0;
}

const char *pm_diff_kind_name(unsigned kind)
{
	static const char *const names[] = { "system", "process", "step", "person", "tool",
	                                     "flow", "hand-off", "actor", "finding" };
	return kind < 9 ? names[kind] : "?";
}

const char *pm_diff_kind_plural(unsigned kind)
{
	static const char *const names[] = { "Systems", "Processes", "Steps", "People",
	                                     "Tools", "Flows", "Hand-offs", "Actors",
	                                     "Findings" };
	return kind < 9 ? names[kind] : "?";
}
