/* suggest.h — "did you mean": the one engine behind every suggestion for a
 * misspelt name (.pmap and YAML keywords, attributes and ignore: rules,
 * references, .procmap.yaml, and the command line). */
#ifndef PM_SUGGEST_H
#define PM_SUGGEST_H

#include <stddef.h>

#include "procmap.h"

/*
 * A search for the candidate closest to `name`.  The closest is the first
 * one offered within the smallest edit distance, if that distance is small
 * for the name's length (1 up to 4 characters, 2 up to 8, 3 beyond; none for
 * 1 or 2 characters); failing that, the first candidate that the name
 * (4 characters or more) starts ("orphan" for "orphan-process").  A
 * candidate equal to the name is never suggested.
 */
typedef struct pm_suggester {
	const char *name;
	size_t len;
	size_t max;             /* largest distance suggested */
	size_t best;            /* distance of `win`; max + 1 while none */
	const char *win;
	const char *prefix;     /* first candidate that starts with name */
} pm_suggester;

void pm_suggest_start(pm_suggester *s, const char *name, size_t len);
/* Offers a NUL-terminated candidate of `len` bytes; it must live as long as
 * the search. */
void pm_suggest_offer(pm_suggester *s, const char *cand, size_t len);
/* The suggestion, or NULL. */
const char *pm_suggest_result(const pm_suggester *s);

/* The closest of `n` NUL-terminated words whose bit (1u << i, for the
 * first 32) is set in `allowed`, or NULL.  PM_SUGGEST_ANY allows all. */
const char *pm_suggest_word(const char *name, size_t len,
                            const char *const *words, size_t n, unsigned allowed);
#define PM_SUGGEST_ANY (~0u)
/* The closest analysis rule name (the rules `ignore:`, --rule and
 * .procmap.yaml may name), or NULL. */
const char *pm_suggest_rule(const char *name, size_t len);
/* The closest of the words of a list such as "text\0json\0" (ended by an
 * empty word), or NULL. */
const char *pm_suggest_list(const char *name, const char *list);

/* "'a', 'b' or 'c'" (arena): the words of `n` whose bit is set in
 * `allowed`, for a short closed set listed when nothing is close. */
const char *pm_suggest_choices(pm_model *m, const char *const *words, size_t n,
                               unsigned allowed);

/* "; did you mean 'word'?" (arena), or "" for NULL: the tail of a message. */
const char *pm_suggest_hint(pm_model *m, const char *word);

/* Edit distance capped at `max` (returns max+1 beyond). */
size_t pm_edit_distance(const char *a, size_t la, const char *b, size_t lb,
                        size_t max);

#endif
