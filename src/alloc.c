/* alloc.c — every allocation of the library goes through here, so a test
 * can make the n-th one fail (pm_alloc_fail_after). */
#include <stdlib.h>

#include "model.h"

static unsigned long fail_countdown;  /* 0 = never fail */
static unsigned long alloc_calls;

void pm_alloc_fail_after(unsigned long n)
{
	fail_countdown = n;
	alloc_calls = 0;
}

unsigned long pm_alloc_count(void)
{
	return alloc_calls;
}

static bool injected_failure(void)
{
	alloc_calls++;
	if (fail_countdown == 0)
		return false;
	return --fail_countdown == 0;
}

void *pm_malloc(size_t n)
{
	if (injected_failure())
		return NULL;
	return malloc(n ? n : 1);
}

void *pm_realloc(void *p, size_t n)
{
	if (injected_failure())
		return NULL;
	return realloc(p, n ? n : 1);
}

void pm_free(void *p)
{
	free(p);
}

_Noreturn void pm_oom(pm_model *m)
{
	m->broken = true;
	if (m->oom)
		longjmp(*m->oom, 1);
	abort(); /* an entry point forgot to set m->oom: a bug, not input */
}

void *pm_xmalloc(pm_model *m, size_t n)
{
	void *p = pm_malloc(n);
	if (!p)
		pm_oom(m);
	return p;
}

void *pm_xrealloc(pm_model *m, void *p, size_t n)
{
	void *q = pm_realloc(p, n);
	if (!q)
		pm_oom(m);
	return q;
}

void pm_xfree(void *p)
{
	free(p);
}
