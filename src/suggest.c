/* suggest.c — the "did you mean" engine (see suggest.h). */
#include <string.h>

#include "model.h"
#include "rules.h"
#include "suggest.h"

size_t pm_edit_distance(const char *a, size_t la, const char *b, size_t lb,
                        size_t max)
{
	size_t row[64];
	if (lb >= 64 || la >= 64)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best = i;
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[lb];
}

void pm_suggest_start(pm_suggester *s, const char *name, size_t len)
{
	s->name = name;
	s->len = len;
	s->max = len <= 2 ? 0 : len <= 4 ? 1 : len <= 8 ? 2 : 3;
	s->best = s->max + 1;
	s->win = NULL;
	s->prefix = NULL;
}

void pm_suggest_offer(pm_suggester *s, const char *cand, size_t len)
{
	if (s->best > 1 && s->max > 0) {
		size_t d = pm_edit_distance(s->name, s->len, cand, len, s->best - 1);
		if (d < s->best && d > 0) {
			s->best = d;
			s->win = cand;
		}
	}
	if (!s->prefix && s->len >= 4 && len > s->len &&
	    memcmp(cand, s->name, s->len) == 0)
		s->prefix = cand;
}

const char *pm_suggest_result(const pm_suggester *s)
{
	return s->win ? s->win : s->prefix;
}

const char *pm_suggest_word(const char *name, size_t len,
                            const char *const *words, size_t n, unsigned allowed)
{
	pm_suggester s;
	pm_suggest_start(&s, name, len);
	for (size_t i = 0; i < n; i++)
		if (i >= 32 || (allowed >> i & 1u))
			pm_suggest_offer(&s, words[i], strlen(words[i]));
	return pm_suggest_result(&s);
}

const char *pm_suggest_rule(const char *name, size_t len)
{
	pm_suggester s;
	pm_suggest_start(&s, name, len);
	for (size_t i = 0; i < pm_nrules; i++)
		if (pm_rules[i].analysis)
			pm_suggest_offer(&s, pm_rules[i].name, strlen(pm_rules[i].name));
	return pm_suggest_result(&s);
}

const char *pm_suggest_list(const char *name, const char *list)
{
	pm_suggester s;
	pm_suggest_start(&s, name, strlen(name));
	for (const char *w = list; *w; w += strlen(w) + 1)
		pm_suggest_offer(&s, w, strlen(w));
	return pm_suggest_result(&s);
}

const char *pm_suggest_hint(pm_model *m, const char *word)
{
	return word ? pm_arena_printf(m, "; did you mean '%s'?", word) : "";
}

const char *pm_suggest_choices(pm_model *m, const char *const *words, size_t n,
                               unsigned allowed)
{
	const char *out = "";
	size_t left = 0;
	for (size_t i = 0; i < n && i < 32; i++)
		left += (allowed >> i) & 1;
	for (size_t i = 0; i < n && i < 32; i++) {
		if (!((allowed >> i) & 1))
			continue;
		left--;
		out = pm_arena_printf(m, "%s%s'%s'", out, !*out ? "" : left ? ", " : " or ",
		                      words[i]);
	}
	return out;
}
