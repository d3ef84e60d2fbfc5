/* convert.c — what the converters share: the comment table, arrows and
 * ignores grouped by the element they belong to, and the comments of a YAML
 * file tied to the keys they annotate.
 *
 * libyaml reports no comments, so they are found in the text: a '#' at the
 * start of a line or after white space, outside every scalar libyaml
 * reported (its events give each scalar's span, so a '#' inside a quoted or
 * block scalar is not taken for one).  A comment on a line of its own
 * belongs to the next key, or to the end of the mapping it is indented
 * into; a comment after code belongs to the first key on its line.  Keys
 * are matched with the model's elements by order, which is how the loader
 * creates them; on any mismatch (aliases, say) the comments are dropped
 * rather than misplaced.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fmt.h"

#define NONE UINT32_MAX
#define MAX_YAML_DEPTH 64

/* --- the table ------------------------------------------------------------------ */

static int triv_cmp(const void *pa, const void *pb)
{
	const pm_trivia *a = pa, *b = pb;
	if (a->akind != b->akind)
		return a->akind < b->akind ? -1 : 1;
	if (a->elem != b->elem)
		return a->elem < b->elem ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void pm_trivia_sort(pm_work *w)
{
	if (w->table.n > 1)
		qsort(w->table.v, w->table.n, sizeof *w->table.v, triv_cmp);
}

/* First entry at or after (ak, elem, slot). */
static uint32_t triv_lower(const pm_work *w, pm_anchor_kind ak, pm_ix elem,
                           unsigned slot)
{
	pm_trivia key = { (uint8_t)ak, (uint8_t)slot, false, elem, 0, 0 };
	uint32_t lo = 0, hi = w->table.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (triv_cmp(&w->table.v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const pm_trivia *pm_trivia_find(const pm_work *w, pm_anchor_kind ak,
                                pm_ix elem, unsigned slot, uint32_t *n)
{
	*n = 0;
	if (!w->table.n)
		return NULL;
	uint32_t i = triv_lower(w, ak, elem, slot), j = i;
	while (j < w->table.n && w->table.v[j].akind == ak &&
	       w->table.v[j].elem == elem && w->table.v[j].slot == slot)
		j++;
	*n = j - i;
	return *n ? &w->table.v[i] : NULL;
}

static bool has_comment(const pm_work *w, pm_anchor_kind ak, pm_ix elem,
                        unsigned from_slot)
{
	for (uint32_t i = triv_lower(w, ak, elem, from_slot);
	     i < w->table.n && w->table.v[i].akind == ak && w->table.v[i].elem == elem; i++)
		if (w->table.v[i].text)
			return true;
	return false;
}

static pm_kind anchor_model_kind(pm_anchor_kind ak)
{
	return (pm_kind)(ak - PM_AK_SYSTEM);   /* PM_KIND_SYSTEM ... PM_KIND_TOOL */
}

bool pm_trivia_inside(const pm_model *m, const pm_work *w, pm_anchor_kind ak,
                      pm_ix elem)
{
	if (!w->table.n)
		return false;
	if (has_comment(w, ak, elem, PM_SLOT_OPEN))
		return true;
	uint32_t n, first = pm_elem_ignores(m, w, anchor_model_kind(ak), elem, &n);
	for (uint32_t i = 0; i < n; i++)
		if (has_comment(w, PM_AK_IGNORE, w->ignores.v[first + i], PM_SLOT_STMT))
			return true;
	return false;
}

/* --- arrows and ignores by owner ----------------------------------------------------- */

/* qsort has no context argument: the model being sorted for.  Converters
 * run one at a time per thread, which the API asks of a model anyway. */
static _Thread_local const pm_model *sort_model;

static int arrow_cmp(const void *pa, const void *pb)
{
	pm_ix ia = *(const pm_ix *)pa, ib = *(const pm_ix *)pb;
	const pm_arrow *a = &sort_model->arrows.v[ia], *b = &sort_model->arrows.v[ib];
	if (a->scope_kind != b->scope_kind)
		return a->scope_kind < b->scope_kind ? -1 : 1;
	if (a->scope != b->scope)
		return a->scope < b->scope ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static int ignore_cmp(const void *pa, const void *pb)
{
	pm_ix ia = *(const pm_ix *)pa, ib = *(const pm_ix *)pb;
	const pm_ignore *a = &sort_model->ignores.v[ia], *b = &sort_model->ignores.v[ib];
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->elem != b->elem)
		return a->elem < b->elem ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

void pm_group_arrows(pm_model *m, pm_work *w)
{
	w->arrows.n = 0;
	for (pm_ix i = 0; i < m->arrows.n; i++)
		*pm_vec_push(m, w->arrows) = i;
	sort_model = m;
	if (w->arrows.n > 1)
		qsort(w->arrows.v, w->arrows.n, sizeof *w->arrows.v, arrow_cmp);
}

void pm_group_ignores(pm_model *m, pm_work *w)
{
	w->ignores.n = 0;
	for (pm_ix i = 0; i < m->ignores.n; i++)
		*pm_vec_push(m, w->ignores) = i;
	sort_model = m;
	if (w->ignores.n > 1)
		qsort(w->ignores.v, w->ignores.n, sizeof *w->ignores.v, ignore_cmp);
}

uint32_t pm_scope_arrows(const pm_model *m, const pm_work *w,
                         pm_scope_kind sk, pm_ix scope, uint32_t *n)
{
	uint32_t lo = 0, hi = w->arrows.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const pm_arrow *a = &m->arrows.v[w->arrows.v[mid]];
		if (a->scope_kind < sk || (a->scope_kind == sk && a->scope < scope))
			lo = mid + 1;
		else
			hi = mid;
	}
	uint32_t j = lo;
	while (j < w->arrows.n && m->arrows.v[w->arrows.v[j]].scope_kind == sk &&
	       m->arrows.v[w->arrows.v[j]].scope == scope)
		j++;
	*n = j - lo;
	return lo;
}

uint32_t pm_elem_ignores(const pm_model *m, const pm_work *w, pm_kind kind,
                         pm_ix elem, uint32_t *n)
{
	uint32_t lo = 0, hi = w->ignores.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const pm_ignore *g = &m->ignores.v[w->ignores.v[mid]];
		if (g->kind < kind || (g->kind == kind && g->elem < elem))
			lo = mid + 1;
		else
			hi = mid;
	}
	uint32_t j = lo;
	while (j < w->ignores.n && m->ignores.v[w->ignores.v[j]].kind == kind &&
	       m->ignores.v[w->ignores.v[j]].elem == elem)
		j++;
	*n = j - lo;
	return lo;
}

static bool same_loc(pm_loc a, pm_loc b)
{
	return a.file == b.file && a.line == b.line && a.col == b.col;
}

/* Both loaders give the arrows of `a -> b -> c` one shared reference: the
 * `to` of one is the `from` of the next, at the same place. */
uint32_t pm_chain_len(const pm_model *m, const pm_work *w, uint32_t i,
                      uint32_t left)
{
	uint32_t k = 1;
	while (k < left) {
		const pm_arrow *prev = &m->arrows.v[w->arrows.v[i + k - 1]];
		const pm_arrow *next = &m->arrows.v[w->arrows.v[i + k]];
		if (next->from.name != prev->to.name || !same_loc(next->from.loc, prev->to.loc))
			break;
		k++;
	}
	return k;
}

/* --- elements --------------------------------------------------------------------- */

void pm_elem_get(const pm_model *m, const pm_work *w, pm_anchor_kind ak,
                 pm_ix i, pm_elem *e)
{
	memset(e, 0, sizeof *e);
	e->ak = ak;
	e->i = i;
	switch (ak) {
	case PM_AK_SYSTEM: {
		const pm_system *s = &m->systems.v[i];
		e->id = s->id; e->label = s->label;
		e->vals[PM_KEY_OWNER] = s->owner.name;
		e->vals[PM_KEY_DESCRIPTION] = s->description;
		e->first = s->proc_first; e->count = s->proc_count;
		e->arrows = pm_scope_arrows(m, w, PM_SCOPE_SYSTEM, i, &e->narrows);
		break;
	}
	case PM_AK_PROCESS: {
		const pm_process *p = &m->processes.v[i];
		e->id = p->id; e->label = p->label;
		e->vals[PM_KEY_OWNER] = p->owner.name;
		e->vals[PM_KEY_DESCRIPTION] = p->description;
		e->vals[PM_KEY_RUNS] = p->runs_text;
		e->vals[PM_KEY_TRIGGER] = p->trigger;
		e->first = p->step_first; e->count = p->step_count;
		e->arrows = pm_scope_arrows(m, w, PM_SCOPE_PROCESS, i, &e->narrows);
		break;
	}
	case PM_AK_STEP: {
		const pm_step *s = &m->steps.v[i];
		e->id = s->id; e->label = s->label;
		e->vals[PM_KEY_OWNER] = s->owner.name;
		e->vals[PM_KEY_DESCRIPTION] = s->description;
		e->vals[PM_KEY_TAKES] = s->takes_text;
		e->vals[PM_KEY_WAITS] = s->waits_text;
		e->uses_first = s->uses_first; e->uses_count = s->uses_count;
		break;
	}
	case PM_AK_PERSON: {
		const pm_person *p = &m->people.v[i];
		e->id = p->id; e->label = p->label;
		e->vals[PM_KEY_CAPACITY] = p->capacity_text;
		e->vals[PM_KEY_DESCRIPTION] = p->description;
		break;
	}
	default: {
		const pm_tool *t = &m->tools.v[i];
		e->id = t->id; e->label = t->label;
		e->vals[PM_KEY_DESCRIPTION] = t->description;
		break;
	}
	}
	e->ignores = pm_elem_ignores(m, w, anchor_model_kind(ak), i, &e->nignores);
}

bool pm_elem_has_attrs(const pm_elem *e)
{
	for (int k = 0; k < PM_KEY_COUNT; k++)
		if (e->vals[k])
			return true;
	return e->uses_count || e->nignores;
}

/* --- comments of a YAML file ---------------------------------------------------------- */

/* A place comments attach to: a key (or a flow item), or the end of a block
 * mapping (comments indented into it). */
struct yaml_key {
	uint32_t index;           /* character index where it starts */
	uint32_t col;             /* an end: the column of the mapping's keys */
	pm_ix elem;
	uint8_t akind, slot;
	bool end;
	bool group;               /* `steps:` & co.: stands for its first element */
	bool block;               /* an element's key whose value is a block mapping */
};

enum role { R_ROOT, R_GROUP, R_ELEM, R_IGNORE, R_FLOWS, R_SKIP };

typedef struct frame {
	uint8_t role;
	uint8_t ak;               /* R_GROUP: the kind of its elements; R_ELEM: its kind */
	pm_ix elem;               /* R_ELEM */
	bool seq, expect_key, block;
	uint32_t col;             /* column of the first key; NONE before it */
	uint32_t key;             /* the key whose value is open, in w->keys; NONE */
	uint32_t owner;           /* the key this collection is the value of; NONE */
	uint32_t items;           /* keys or items seen */
} frame;

typedef struct ywalk {
	pm_model *m;
	pm_work *w;
	frame stack[MAX_YAML_DEPTH];
	int depth;
	pm_ix next[PM_AK_TOOL + 1];   /* per kind: the next element */
	pm_ix arrows, ignores;
	bool failed;
} ywalk;

typedef struct ystate {
	yaml_parser_t parser;
	yaml_event_t event;
	bool have_event;
} ystate;

static void ystate_free(void *p)
{
	ystate *y = p;
	if (y->have_event)
		yaml_event_delete(&y->event);
	yaml_parser_delete(&y->parser);
	pm_free(y);
}

static uint32_t add_key(ywalk *yw, const yaml_event_t *e, pm_anchor_kind ak,
                        pm_ix elem, unsigned slot)
{
	struct yaml_key *k = pm_vec_push(yw->m, yw->w->keys);
	memset(k, 0, sizeof *k);
	k->index = (uint32_t)e->start_mark.index;
	k->akind = (uint8_t)ak;
	k->elem = elem;
	k->slot = (uint8_t)slot;
	return yw->w->keys.n - 1;
}

static const char *const group_names[] = {
	[PM_AK_SYSTEM] = "systems", [PM_AK_PROCESS] = "processes",
	[PM_AK_STEP] = "steps", [PM_AK_PERSON] = "people", [PM_AK_TOOL] = "tools",
};

static int group_kind(const char *s)
{
	for (int k = PM_AK_SYSTEM; k <= PM_AK_TOOL; k++)
		if (strcmp(s, group_names[k]) == 0)
			return k;
	/* actors are people: one counter, as m->people holds both in the
	 * order they are written */
	return strcmp(s, "actors") == 0 ? PM_AK_PERSON : -1;
}

static pm_str elem_id(const pm_model *m, pm_anchor_kind ak, pm_ix i)
{
	switch (ak) {
	case PM_AK_SYSTEM: return i < m->systems.n ? m->systems.v[i].id : 0;
	case PM_AK_PROCESS: return i < m->processes.n ? m->processes.v[i].id : 0;
	case PM_AK_STEP: return i < m->steps.n ? m->steps.v[i].id : 0;
	case PM_AK_PERSON: return i < m->people.n ? m->people.v[i].id : 0;
	case PM_AK_TOOL: return i < m->tools.n ? m->tools.v[i].id : 0;
	default: return 0;
	}
}

/* The arrows a flow string makes: its '->' outside labels. */
static uint32_t count_arrows(const char *s, size_t n)
{
	uint32_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				i += s[i] == '\\';
		} else if (s[i] == '-' && i + 1 < n && s[i + 1] == '>') {
			k++;
			i++;
		}
	}
	return k;
}

/* A key of the model or of an element: an attribute, `name`, or a group
 * (which stands for its first element). */
static uint32_t attr_key(ywalk *yw, const frame *f, const yaml_event_t *e, const char *s)
{
	pm_anchor_kind ak = f->role == R_ROOT ? PM_AK_TOP : (pm_anchor_kind)f->ak;
	pm_ix elem = f->role == R_ROOT ? 0 : f->elem;
	int g = group_kind(s), a = -1;
	uint32_t k;
	for (int i = 0; i < PM_KEY_COUNT; i++)
		if (strcmp(s, pm_key_names[i]) == 0)
			a = i;
	if (g >= 0)
		k = add_key(yw, e, (pm_anchor_kind)g, yw->next[g], PM_SLOT_STMT);
	else if (strcmp(s, "flow") == 0)
		k = add_key(yw, e, PM_AK_CHAIN, yw->arrows, PM_SLOT_STMT);
	else if (a == PM_KEY_IGNORE)
		k = add_key(yw, e, PM_AK_IGNORE, yw->ignores, PM_SLOT_STMT);
	else if (a >= 0)
		return add_key(yw, e, ak, elem, PM_SLOT_KEY + (unsigned)a);
	else if (strcmp(s, "name") == 0 && f->role == R_ELEM)
		return add_key(yw, e, ak, elem, PM_SLOT_NAME);
	else
		return NONE;
	yw->w->keys.v[k].group = true;
	return k;
}

/* A key of a mapping: what it stands for decides what its value opens. */
static void on_key(ywalk *yw, frame *f, const yaml_event_t *e)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	f->key = NONE;
	f->items++;
	if (f->col == NONE)
		f->col = (uint32_t)e->start_mark.column;
	if (f->role == R_ROOT || f->role == R_ELEM) {
		f->key = attr_key(yw, f, e, s);
	} else if (f->role == R_GROUP) {
		pm_ix i = yw->next[f->ak]++;
		pm_str id = elem_id(yw->m, (pm_anchor_kind)f->ak, i);
		if (!id || pm_str_len(yw->m, id) != n || memcmp(pm_str_get(yw->m, id), s, n) != 0)
			yw->failed = true;
		f->key = add_key(yw, e, (pm_anchor_kind)f->ak, i, PM_SLOT_STMT);
	} else if (f->role == R_IGNORE) {
		f->key = add_key(yw, e, PM_AK_IGNORE, yw->ignores++, PM_SLOT_STMT);
	}
}

static frame *push_frame(ywalk *yw, uint8_t role, bool seq)
{
	if (yw->depth + 1 >= MAX_YAML_DEPTH) {
		yw->failed = true;
		return NULL;
	}
	frame *f = &yw->stack[++yw->depth];
	memset(f, 0, sizeof *f);
	f->role = role;
	f->seq = seq;
	f->expect_key = !seq;
	f->col = NONE;
	f->key = NONE;
	f->owner = yw->stack[yw->depth - 1].key;
	return f;
}

/* A group with nothing in it (`steps: {}`, `flow:`) stands for no element:
 * its comments go to the end of the body that holds it. */
static void empty_group(ywalk *yw, const frame *holder, uint32_t k)
{
	if (k == NONE || !yw->w->keys.v[k].group)
		return;
	struct yaml_key *key = &yw->w->keys.v[k];
	key->akind = (uint8_t)(holder->role == R_ROOT ? PM_AK_TOP : holder->ak);
	key->elem = holder->role == R_ROOT ? 0 : holder->elem;
	key->slot = PM_SLOT_END;
}

/* The role of a collection that is the value of the parent's current key. */
static void open_value(ywalk *yw, const yaml_event_t *e, bool seq)
{
	frame *p = &yw->stack[yw->depth];
	uint8_t role = R_SKIP, ak = 0;
	pm_ix elem = 0;
	const struct yaml_key *k = p->key != NONE ? &yw->w->keys.v[p->key] : NULL;
	if (p->role == R_GROUP && !seq && k) {
		role = R_ELEM;
		ak = p->ak;
		elem = k->elem;
	} else if ((p->role == R_ROOT || p->role == R_ELEM) && k && k->group) {
		role = k->akind == PM_AK_CHAIN ? (seq ? R_FLOWS : R_SKIP) :
		       k->akind == PM_AK_IGNORE ? (seq ? R_SKIP : R_IGNORE) :
		       seq ? R_SKIP : R_GROUP;
		ak = k->akind;
	}
	bool block = !seq && e->data.mapping_start.style != YAML_FLOW_MAPPING_STYLE;
	if (k && role == R_ELEM)
		yw->w->keys.v[p->key].block = block;
	frame *f = push_frame(yw, role, seq);
	if (!f)
		return;
	f->ak = ak;
	f->elem = elem;
	f->block = block;
}

/* A scalar that is a value or a sequence item. */
static void on_value(ywalk *yw, frame *f, const yaml_event_t *e)
{
	if (!f->seq && (f->role == R_ROOT || f->role == R_ELEM))
		empty_group(yw, f, f->key);   /* `steps:` with no value */
	if (f->role != R_FLOWS || !f->seq)
		return;
	f->items++;
	add_key(yw, e, PM_AK_CHAIN, yw->arrows, PM_SLOT_STMT);
	yw->arrows += count_arrows((const char *)e->data.scalar.value,
	                           e->data.scalar.length);
}

static void close_frame(ywalk *yw, const yaml_event_t *e)
{
	frame *f = &yw->stack[yw->depth];
	const frame *holder = &yw->stack[yw->depth - 1];
	if (!f->items && yw->depth > 1 && (holder->role == R_ROOT || holder->role == R_ELEM))
		empty_group(yw, holder, f->owner);
	if (!f->seq && f->block && f->col != NONE &&
	    (f->role == R_ELEM || f->role == R_ROOT)) {
		uint32_t k = add_key(yw, e, f->role == R_ROOT ? PM_AK_TOP : (pm_anchor_kind)f->ak,
		                     f->role == R_ROOT ? 0 : f->elem, PM_SLOT_END);
		yw->w->keys.v[k].end = true;
		yw->w->keys.v[k].col = f->col;
	}
	yw->depth--;
}

/* After a node: a mapping expects its next key. */
static void node_done(ywalk *yw)
{
	frame *f = &yw->stack[yw->depth];
	if (!f->seq)
		f->expect_key = true;
}

static void on_event(ywalk *yw, const yaml_event_t *e)
{
	frame *f = &yw->stack[yw->depth];
	switch (e->type) {
	case YAML_SCALAR_EVENT: {
		uint32_t *sp = pm_vec_push(yw->m, yw->w->spans);
		*sp = (uint32_t)e->start_mark.index;
		*pm_vec_push(yw->m, yw->w->spans) = (uint32_t)e->end_mark.index;
		if (yw->depth == 0)
			break;
		if (!f->seq && f->expect_key) {
			on_key(yw, f, e);
			f->expect_key = false;
		} else {
			on_value(yw, f, e);
			node_done(yw);
		}
		break;
	}
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (yw->depth == 0) {
			frame *r = push_frame(yw, e->type == YAML_MAPPING_START_EVENT ? R_ROOT : R_SKIP,
			                      e->type == YAML_SEQUENCE_START_EVENT);
			if (r)
				r->block = e->data.mapping_start.style != YAML_FLOW_MAPPING_STYLE;
		} else {
			if (!f->seq && f->expect_key)
				yw->failed = true;   /* a complex key: not procmap's YAML */
			open_value(yw, e, e->type == YAML_SEQUENCE_START_EVENT);
		}
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (yw->depth > 0) {
			close_frame(yw, e);
			if (yw->depth > 0)
				node_done(yw);
		}
		break;
	case YAML_ALIAS_EVENT:
		yw->failed = true;   /* the loader replays it: the counts would drift */
		break;
	default:
		break;
	}
}

/* Walks libyaml's events, recording keys (w->keys) and scalar spans. */
static void walk_yaml(pm_model *m, pm_work *w, const pm_file *pf, ywalk *yw)
{
	ystate *y = pm_xmalloc(m, sizeof *y);
	memset(y, 0, sizeof *y);
	if (!yaml_parser_initialize(&y->parser)) {
		pm_free(y);
		pm_oom(m);
	}
	w->yaml = y;
	w->yaml_free = ystate_free;
	yaml_parser_set_input_string(&y->parser, (const unsigned char *)pf->data, pf->len);
	for (;;) {
		if (!yaml_parser_parse(&y->parser, &y->event)) {
			yw->failed = true;
			break;
		}
		y->have_event = true;
		on_event(yw, &y->event);
		bool end = y->event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&y->event);
		y->have_event = false;
		if (end || yw->failed)
			break;
	}
	w->yaml = NULL;
	ystate_free(y);
}

typedef struct yscan {
	const pm_work *w;
	uint32_t span;            /* the first span that may hold what comes next */
} yscan;

/* Whether character `ci` is inside a scalar (calls come in text order). */
static bool in_scalar(yscan *ys, uint32_t ci)
{
	const uint32_t *sp = ys->w->spans.v;
	while (ys->span + 1 < ys->w->spans.n && sp[ys->span + 1] <= ci)
		ys->span += 2;
	return ys->span + 1 < ys->w->spans.n && sp[ys->span] <= ci && ci < sp[ys->span + 1];
}

/* Comments and blank lines are found first, placed after: the table holds
 * them in text order, w->pos their character index and column. */
static void add_item(pm_model *m, pm_work *w, uint32_t ci, uint32_t col,
                     bool trailing, pm_str text)
{
	pm_trivia *t = pm_vec_push(m, w->table);
	memset(t, 0, sizeof *t);
	t->trailing = trailing;
	t->text = text;
	t->seq = w->table.n - 1;
	*pm_vec_push(m, w->pos) = ci;
	*pm_vec_push(m, w->pos) = col;
}

/* Finds the comments and blank lines outside scalars, in text order. */
static void scan_comments(pm_model *m, pm_work *w, const char *s, size_t len)
{
	yscan ys = { w, 0 };
	size_t i = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	uint32_t ci = 0, line_ci = 0;
	bool content = false, space_before = true;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r') {
			if (!content && !in_scalar(&ys, line_ci))
				add_item(m, w, line_ci, 0, false, 0);
			size_t k = c == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
			i += k;
			ci += (uint32_t)k;
			line_ci = ci;
			content = false;
			space_before = true;
			continue;
		}
		if (c == '#' && space_before && !in_scalar(&ys, ci)) {
			size_t e = i;
			while (e < len && s[e] != '\n' && s[e] != '\r')
				e++;
			size_t t = e;
			while (t > i && (s[t - 1] == ' ' || s[t - 1] == '\t'))
				t--;
			add_item(m, w, ci, ci - line_ci, content, pm_intern(m, s + i, t - i));
			for (; i < e; i++)
				ci += ((unsigned char)s[i] & 0xC0) != 0x80;
			content = true;
			continue;
		}
		if (c != ' ' && c != '\t')
			content = true;
		space_before = c == ' ' || c == '\t';
		ci += (c & 0xC0) != 0x80;
		i++;
	}
}

/* The first key that starts at or after character `ci`. */
static uint32_t key_from(const pm_work *w, uint32_t ci)
{
	uint32_t lo = 0, hi = w->keys.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (w->keys.v[mid].index < ci)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void place(pm_trivia *t, const struct yaml_key *k, bool trailing)
{
	t->akind = k->akind;
	t->elem = k->elem;
	t->slot = k->slot;
	t->trailing = trailing && !k->group;   /* `steps:  # x` is about what follows */
	if (t->trailing && k->block && k->slot == PM_SLOT_STMT)
		t->slot = PM_SLOT_OPEN;             /* after `id:` of a block: as after '{' */
}

static void place_top_end(pm_trivia *t)
{
	t->akind = PM_AK_TOP;
	t->elem = 0;
	t->slot = PM_SLOT_END;
	t->trailing = false;
}

/* On a line of its own: the end of a mapping it is indented into, or the
 * next key. */
static void place_own_line(const pm_work *w, pm_trivia *t, uint32_t ci, uint32_t col)
{
	for (uint32_t k = key_from(w, ci + 1); k < w->keys.n; k++) {
		const struct yaml_key *key = &w->keys.v[k];
		if (!key->end || col >= key->col) {
			place(t, key, false);
			return;
		}
	}
	place_top_end(t);
}

/* After code: the first key on its line, else the last key before it. */
static void place_trailing(const pm_work *w, pm_trivia *t, uint32_t ci, uint32_t col)
{
	uint32_t line_ci = ci - col;
	for (uint32_t k = key_from(w, line_ci); k < w->keys.n && w->keys.v[k].index < ci; k++) {
		if (!w->keys.v[k].end) {
			place(t, &w->keys.v[k], true);
			return;
		}
	}
	for (uint32_t k = key_from(w, line_ci); k-- > 0;) {
		if (!w->keys.v[k].end) {
			place(t, &w->keys.v[k], true);
			return;
		}
	}
	place_own_line(w, t, ci, col);
}

/* A blank line goes with the next comment (j, already placed) unless a key
 * comes between them, else with the next key. */
static void place_blank(pm_work *w, uint32_t i, uint32_t j)
{
	pm_trivia *t = &w->table.v[i];
	uint32_t ci = w->pos.v[2 * i];
	uint32_t k = key_from(w, ci + 1);
	while (k < w->keys.n && w->keys.v[k].end)
		k++;
	if (j < w->table.n && (k == w->keys.n || w->pos.v[2 * j] < w->keys.v[k].index)) {
		*t = (pm_trivia){ w->table.v[j].akind, w->table.v[j].slot, false,
		                  w->table.v[j].elem, 0, t->seq };
		if (t->slot == PM_SLOT_OPEN)
			t->slot = PM_SLOT_NAME;   /* nothing comes before an OPEN */
	} else if (k < w->keys.n) {
		place(t, &w->keys.v[k], false);
	} else {
		place_top_end(t);
	}
}

void pm_yaml_collect_trivia(pm_model *m, pm_work *w, uint32_t file)
{
	const pm_file *pf = &m->files.v[file];
	ywalk yw;
	memset(&yw, 0, sizeof yw);
	yw.m = m;
	yw.w = w;
	w->keys.n = w->spans.n = w->table.n = 0;
	walk_yaml(m, w, pf, &yw);
	if (yw.failed)
		return;
	w->pos.n = 0;
	scan_comments(m, w, pf->data, pf->len);
	for (uint32_t i = 0; i < w->table.n; i++) {
		pm_trivia *t = &w->table.v[i];
		uint32_t ci = w->pos.v[2 * i], col = w->pos.v[2 * i + 1];
		if (t->text && t->trailing)
			place_trailing(w, t, ci, col);
		else if (t->text)
			place_own_line(w, t, ci, col);
	}
	uint32_t next_comment = w->table.n;
	for (uint32_t i = w->table.n; i-- > 0;) {
		if (w->table.v[i].text)
			next_comment = i;
		else
			place_blank(w, i, next_comment);
	}
}

void pm_collect_trivia(pm_model *m, pm_work *w)
{
	w->table.n = 0;
	if (m->files.n != 1)
		return;
	const pm_file *pf = &m->files.v[0];
	if (pf->format == PM_INPUT_YAML) {
		pm_yaml_collect_trivia(m, w, 0);
	} else {
		/* from the canonical layout, whose blank lines and comments are
		 * what the .pmap written back will have */
		w->raw.n = 0;
		pm_fmt_text(m, w, pf->data, pf->len, &w->raw);
		pm_buf_putc(m, &w->raw, '\0');
		pm_fmt_collect_trivia(m, w, w->raw.v, w->raw.n - 1);
	}
	pm_trivia_sort(w);
}
