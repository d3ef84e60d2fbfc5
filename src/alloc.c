/* alloc.c — every allocation of the library goes through here, so a test
 * can make the n-th one fail (pm_alloc_fail_after). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#define PM_HUGE_ADVICE 1
#endif

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

bool pm_alloc_injected(void)
{
	return injected_failure();
}

/* A big block (the source text, the step array, a pass's table per step)
 * is written page by page.  Where transparent huge pages are on `madvise`
 * (Debian's default) each 4 KiB page is a fault of its own: a million-step
 * check took a hundred thousand of them, a third of its time in the kernel.
 * So a block of 2 MiB or more starts on a 2 MiB boundary, is rounded up to
 * a whole number of them and is asked for huge pages over all of it: it
 * faults in 2 MiB at a time, head and tail included (advising only the
 * aligned middle of a block left up to 4 MiB of it, and of every block,
 * to 4 KiB faults: half of what remained).  Room never written costs
 * nothing, so the rounding costs address space, not memory.  Only a hint:
 * where it is refused nothing changes.  A vector that grows to that size
 * is moved by hand, so that the copy lands in pages already advised
 * (realloc would copy first). */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_MIN HUGE_PAGE

/* malloc, and huge pages asked for a big block: pm_malloc, and pm_realloc
 * of NULL, which realloc would leave unadvised */
static void *pm_malloc_advised(size_t n)
{
#ifdef PM_HUGE_ADVICE
	if (n >= HUGE_MIN) {
		size_t r = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		void *p;
		if (r < n || posix_memalign(&p, HUGE_PAGE, r) != 0)
			return NULL;
		(void)madvise(p, r, MADV_HUGEPAGE);
		return p;
	}
#endif
	return malloc(n ? n : 1);
}

void pm_pages_release(void *p, size_t n)
{
#ifdef PM_HUGE_ADVICE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_DONTNEED);
#else
	(void)p;
	(void)n;
#endif
}

void *pm_malloc(size_t n)
{
	if (injected_failure())
		return NULL;
	return pm_malloc_advised(n);
}

void *pm_realloc(void *p, size_t n)
{
	if (injected_failure())
		return NULL;
	if (!p)
		return pm_malloc_advised(n);
#ifdef PM_HUGE_ADVICE
	if (n >= HUGE_MIN) {
		size_t old = malloc_usable_size(p);
		if (old >= n)
			return p;
		void *q = pm_malloc_advised(n);
		if (!q)
			return NULL;
		memcpy(q, p, old);
		free(p);
		return q;
	}
#endif
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
