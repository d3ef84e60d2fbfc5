/* model_eq.h — "the same model apart from locations", for the fmt and
 * convert suites: every element (actors as actors), attribute, arrow (its
 * chance too) and ignore compared by
 * its strings (two models intern differently).  Arrows are compared per
 * scope and ignores per element, each in written order, because a
 * conversion may group the declarations of a file differently. */
#ifndef PM_TEST_MODEL_EQ_H
#define PM_TEST_MODEL_EQ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static inline const char *meq_s(const pm_model *m, pm_str s)
{
	return s ? pm_str_get(m, s) : "";
}

static inline void meq_ref(FILE *f, const pm_model *m, const pm_ref *r)
{
	fprintf(f, "[%s]", meq_s(m, r->name));
}

static inline void meq_ignores(FILE *f, const pm_model *m, pm_kind k, pm_ix e)
{
	for (pm_ix i = 0; i < m->ignores.n; i++)
		if (m->ignores.v[i].kind == k && m->ignores.v[i].elem == e)
			fprintf(f, " ignore(%s:%s)", meq_s(m, m->ignores.v[i].rule),
			        meq_s(m, m->ignores.v[i].reason));
}

static inline void meq_arrows(FILE *f, const pm_model *m, pm_scope_kind sk, pm_ix sc)
{
	for (pm_ix i = 0; i < m->arrows.n; i++) {
		const pm_arrow *a = &m->arrows.v[i];
		if (a->scope_kind == sk && a->scope == sc)
			fprintf(f, "  arrow %s -> %s \"%s\" %s=%.6f\n", meq_s(m, a->from.name),
			        meq_s(m, a->to.name), meq_s(m, a->label), meq_s(m, pm_arrow_chance_text(m, a)),
			        pm_arrow_chance(m, a));
	}
}

static inline void meq_step(FILE *f, const pm_model *m, pm_ix i)
{
	const pm_step *s = &m->steps.v[i];
	fprintf(f, "  step %s \"%s\" d=\"%s\" owner", meq_s(m, s->id), meq_s(m, s->label),
	        meq_s(m, s->description));
	meq_ref(f, m, &s->owner);
	fprintf(f, " takes=%s waits=%s uses=", meq_s(m, s->takes_text), meq_s(m, s->waits_text));
	for (pm_ix u = 0; u < s->uses_count; u++)
		fprintf(f, "%s,", meq_s(m, m->uses.v[s->uses_first + u].name));
	meq_ignores(f, m, PM_KIND_STEP, i);
	fputc('\n', f);
}

static inline void meq_process(FILE *f, const pm_model *m, pm_ix i)
{
	const pm_process *p = &m->processes.v[i];
	fprintf(f, " process %s \"%s\" d=\"%s\" t=\"%s\" runs=%s owner", meq_s(m, p->id),
	        meq_s(m, p->label), meq_s(m, p->description), meq_s(m, p->trigger),
	        meq_s(m, p->runs_text));
	meq_ref(f, m, &p->owner);
	meq_ignores(f, m, PM_KIND_PROCESS, i);
	fputc('\n', f);
	for (pm_ix k = 0; k < p->step_count; k++)
		meq_step(f, m, p->step_first + k);
	meq_arrows(f, m, PM_SCOPE_PROCESS, i);
}

/* A text dump of everything but locations (malloc'd). */
static inline char *meq_dump(const pm_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fprintf(f, "title \"%s\"\n", meq_s(m, m->title));
	for (pm_ix i = 0; i < m->people.n; i++) {
		const pm_person *p = &m->people.v[i];
		fprintf(f, "%s %s \"%s\" d=\"%s\" cap=%s", p->actor ? "actor" : "person",
		        meq_s(m, p->id), meq_s(m, p->label),
		        meq_s(m, p->description), meq_s(m, p->capacity_text));
		meq_ignores(f, m, PM_KIND_PERSON, i);
		fputc('\n', f);
	}
	for (pm_ix i = 0; i < m->tools.n; i++) {
		const pm_tool *t = &m->tools.v[i];
		fprintf(f, "tool %s \"%s\" d=\"%s\"", meq_s(m, t->id), meq_s(m, t->label),
		        meq_s(m, t->description));
		meq_ignores(f, m, PM_KIND_TOOL, i);
		fputc('\n', f);
	}
	for (pm_ix i = 0; i < m->systems.n; i++) {
		const pm_system *s = &m->systems.v[i];
		fprintf(f, "system %s \"%s\" d=\"%s\" owner", meq_s(m, s->id), meq_s(m, s->label),
		        meq_s(m, s->description));
		meq_ref(f, m, &s->owner);
		meq_ignores(f, m, PM_KIND_SYSTEM, i);
		fputc('\n', f);
		for (pm_ix k = 0; k < s->proc_count; k++)
			meq_process(f, m, s->proc_first + k);
		meq_arrows(f, m, PM_SCOPE_SYSTEM, i);
	}
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (m->processes.v[i].system == PM_NONE)
			meq_process(f, m, i);
	meq_arrows(f, m, PM_SCOPE_TOP, PM_NONE);
	fclose(f);
	return buf;
}

#endif
