/* value.c — the value syntaxes of attributes: durations ("1h30m"), rates
 * ("5/week") and capacities ("30h/week"), and the chances of arrows
 * ("40%"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* The longest duration accepted: 100 years, in seconds. */
#define MAX_SECONDS (100LL * 365 * 24 * 3600)
_Static_assert(MAX_SECONDS < UINT32_MAX, "a step's durations are 32 bits (model.h)");

/* Reads a decimal number "12" or "1.5" at s[*i]; value scaled by 1e6. */
static bool read_number(const char *s, size_t len, size_t *i, int64_t *micro,
                        bool *overflow)
{
	size_t start = *i;
	int64_t whole = 0, frac = 0, scale = 1000000;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (whole >= 100000000000LL)   /* keeps whole * 1e6 in range */
			*overflow = true;
		else
			whole = whole * 10 + (s[*i] - '0');
		(*i)++;
	}
	bool digits = *i > start;
	if (*i < len && s[*i] == '.') {
		(*i)++;
		size_t fs = *i;
		while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (s[*i] - '0') * scale;
			}
			(*i)++;
		}
		if (*i == fs)
			return false;
		digits = true;
	}
	if (!digits)
		return false;
	*micro = *overflow ? 0 : whole * 1000000 + frac;
	return true;
}

/* Seconds in a unit of duration, 0 for no unit. */
static int64_t unit_seconds(char c)
{
	switch (c) {
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 24 * 3600;
	case 'w': return 7 * 24 * 3600;
	default: return 0;
	}
}

bool pm_parse_duration(const char *s, size_t len, int64_t *out, const char **why)
{
	size_t i = 0;
	int64_t total = 0;  /* seconds */
	bool overflow = false;
	*why = "expected a duration such as 45m, 1h30m, 2d or 1w";
	if (len == 0)
		return false;
	if (len <= 10) {
		/* "45m", "2h": whole units, nearly every duration, without
		 * the fractions and sums of the loop below */
		int64_t whole = 0, unit = 0;
		size_t d = 0;
		while (d < len - 1 && s[d] >= '0' && s[d] <= '9')
			whole = whole * 10 + (s[d++] - '0');
		if (d == len - 1 && d > 0)
			unit = unit_seconds(s[d]);
		if (unit && whole <= MAX_SECONDS / unit) {
			*out = whole * unit;
			return true;
		}
	}
	while (i < len) {
		int64_t micro;
		if (!read_number(s, len, &i, &micro, &overflow) || i == len)
			return false;
		int64_t unit = unit_seconds(s[i++]);
		if (!unit)
			return false;
		/* micro ≤ ~1e18; divide first to stay in range */
		if (!overflow && micro / 1000000 > MAX_SECONDS / unit)
			overflow = true;
		if (!overflow)
			total += micro / 1000000 * unit + micro % 1000000 * unit / 1000000;
		if (total > MAX_SECONDS)
			overflow = true;
	}
	if (overflow) {
		*why = "duration is too large (at most 100 years)";
		return false;
	}
	*out = total;
	return true;
}

static const struct { const char *name; double per_week; } rate_units[] = {
	{ "day", 7.0 }, { "week", 1.0 }, { "month", 12.0 / 52.0 },
	{ "year", 1.0 / 52.0 },
};

bool pm_parse_rate(const char *s, size_t len, double *out, const char **why)
{
	size_t i = 0;
	int64_t micro;
	bool overflow = false;
	*why = "expected a rate such as 5/week (per day, week, month or year)";
	if (!read_number(s, len, &i, &micro, &overflow) || i == len || s[i] != '/')
		return false;
	if (overflow) {
		*why = "rate is too large";
		return false;
	}
	i++;
	for (size_t u = 0; u < sizeof rate_units / sizeof *rate_units; u++) {
		size_t ul = strlen(rate_units[u].name);
		if (len - i == ul && memcmp(s + i, rate_units[u].name, ul) == 0) {
			*out = (double)micro / 1e6 * rate_units[u].per_week;
			return true;
		}
	}
	return false;
}

bool pm_parse_capacity(const char *s, size_t len, int64_t *out, const char **why)
{
	const char *slash = memchr(s, '/', len);
	*why = "expected a capacity such as 30h/week";
	if (!slash || (size_t)(s + len - slash) != 5 || memcmp(slash, "/week", 5) != 0)
		return false;
	if (!pm_parse_duration(s, (size_t)(slash - s), out, why)) {
		if (strstr(*why, "too large") == NULL)
			*why = "expected a capacity such as 30h/week";
		return false;
	}
	return true;
}

bool pm_parse_chance(const char *s, size_t len, double *out, const char **why)
{
	size_t i = 0;
	int64_t micro;
	bool overflow = false;
	*why = "expected a percentage such as 40%";
	if (!read_number(s, len, &i, &micro, &overflow) || i + 1 != len || s[i] != '%')
		return false;
	if (overflow || micro <= 0 || micro > 100 * 1000000LL) {
		*why = "a chance must be more than 0% and at most 100%";
		return false;
	}
	*out = (double)micro / 1e8;
	return true;
}

/* --- advice: the value a newcomer meant ----------------------------------- */

/* The words people write for the units, each with the unit to write. */
static const struct { const char *word; char unit; } unit_words[] = {
	{ "m", 'm' }, { "min", 'm' }, { "mins", 'm' }, { "minute", 'm' },
	{ "minutes", 'm' }, { "h", 'h' }, { "hr", 'h' }, { "hrs", 'h' },
	{ "hour", 'h' }, { "hours", 'h' }, { "d", 'd' }, { "day", 'd' },
	{ "days", 'd' }, { "w", 'w' }, { "wk", 'w' }, { "wks", 'w' },
	{ "week", 'w' }, { "weeks", 'w' },
};

static const char *const per_words[] = { "day", "week", "month", "year" };

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_num(char c)
{
	return (c >= '0' && c <= '9') || c == '.';
}

static bool word_eq(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static char unit_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof unit_words / sizeof *unit_words; i++)
		if (word_eq(s, n, unit_words[i].word))
			return unit_words[i].unit;
	return 0;
}

/* "2 hours", "30min", "1h 30", "1.5 h" → "2h", "30m", "1h30m", "1.5h" in
 * buf (NUL-terminated), or false when the text is no duration at all. */
static bool duration_fix(const char *s, size_t len, char *buf, size_t cap)
{
	size_t i = 0, o = 0;
	char last = 0;
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		size_t ns = i;
		while (i < len && is_num(s[i]))
			i++;
		size_t nl = i - ns;
		while (i < len && s[i] == ' ')
			i++;
		size_t ws = i;
		while (i < len && is_alpha(s[i]))
			i++;
		char u = unit_of(s + ws, i - ws);
		if (nl == 0 || (i > ws && !u) || (u == 0 && last != 'h'))
			return false;
		if (u == 0)
			u = 'm';      /* "1h30": the minutes of an hour */
		if (o + nl + 2 > cap)
			return false;
		memcpy(buf + o, s + ns, nl);
		o += nl;
		buf[o++] = u;
		last = u;
		while (i < len && s[i] == ' ')
			i++;
	}
	buf[o] = '\0';
	int64_t secs;
	const char *why;
	return o > 0 && pm_parse_duration(buf, o, &secs, &why);
}

/* "weekly", "1/w", "3 per week", "2/fortnight" → "1/week", "3/week" … */
static bool rate_fix(const char *s, size_t len, char *buf, size_t cap)
{
	static const struct { const char *word; const char *rate; } adverbs[] = {
		{ "daily", "1/day" }, { "weekly", "1/week" }, { "monthly", "1/month" },
		{ "yearly", "1/year" }, { "annually", "1/year" }, { "fortnightly", "0.5/week" },
		{ "quarterly", "4/year" },
	};
	for (size_t a = 0; a < sizeof adverbs / sizeof *adverbs; a++)
		if (word_eq(s, len, adverbs[a].word)) {
			snprintf(buf, cap, "%s", adverbs[a].rate);
			return true;
		}
	size_t i = 0;
	while (i < len && is_num(s[i]))
		i++;
	if (i == 0 || i > 20)
		return false;
	double n = strtod(s, NULL);  /* s[i] is no digit: stops there */
	size_t nl = i;
	/* skip the glue: spaces, '/', "x", "times", "per", "a" */
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '/'))
			i++;
		size_t ws = i;
		while (i < len && is_alpha(s[i]))
			i++;
		const char *w = s + ws;
		size_t wl = i - ws;
		if (word_eq(w, wl, "x") || word_eq(w, wl, "times") ||
		    word_eq(w, wl, "per") || word_eq(w, wl, "a") || word_eq(w, wl, "every"))
			continue;
		if (i != len || wl == 0)
			return false;
		if (word_eq(w, wl, "fortnight")) {
			snprintf(buf, cap, "%g/week", n / 2);
			return true;
		}
		if (word_eq(w, wl, "quarter")) {
			snprintf(buf, cap, "%g/year", n * 4);
			return true;
		}
		for (size_t u = 0; u < sizeof per_words / sizeof *per_words; u++) {
			size_t pl = strlen(per_words[u]);
			/* "w", "wk", "weeks", "mo", "yr": a start or the plural */
			bool plural = wl == pl + 1 && w[pl] == 's' && memcmp(w, per_words[u], pl) == 0;
			bool abbrev = wl < pl && w[0] == per_words[u][0] &&
			              (wl == 1 || word_eq(w, wl, "wk") || word_eq(w, wl, "mo") ||
			               word_eq(w, wl, "yr") || memcmp(w, per_words[u], wl) == 0);
			if (plural || abbrev || (wl == pl && memcmp(w, per_words[u], pl) == 0)) {
				snprintf(buf, cap, "%.*s/%s", (int)nl, s, per_words[u]);
				return true;
			}
		}
		return false;
	}
}

/* "32h", "12h/wk", "10 hours/week" → "32h/week", "12h/week", "10h/week" */
static bool capacity_fix(const char *s, size_t len, char *buf, size_t cap)
{
	const char *slash = memchr(s, '/', len);
	size_t dl = slash ? (size_t)(slash - s) : len;
	while (dl > 0 && s[dl - 1] == ' ')
		dl--;
	if (slash) {
		size_t rest = len - (size_t)(slash + 1 - s);
		const char *w = slash + 1;
		while (rest > 0 && *w == ' ') {
			w++;
			rest--;
		}
		if (unit_of(w, rest) != 'w')
			return false;
	}
	int64_t secs;
	const char *why;
	if (pm_parse_duration(s, dl, &secs, &why))
		snprintf(buf, cap, "%.*s", (int)dl, s);
	else if (!duration_fix(s, dl, buf, cap))
		return false;
	size_t o = strlen(buf);
	if (o + 6 > cap)
		return false;
	memcpy(buf + o, "/week", 6);
	return true;
}

#define UNITS " (units: m h d w; d = 24 h)"

const char *pm_value_advice(pm_model *m, char kind, const char *s, size_t len,
                            const char *why)
{
	char fix[64];
	if (strstr(why, "too large"))
		return why;
	switch (kind) {
	case 'd':
		if (duration_fix(s, len, fix, sizeof fix))
			return pm_arena_printf(m, "write '%s'%s", fix, UNITS);
		size_t digits = 0;
		while (digits < len && is_num(s[digits]))
			digits++;
		if (digits == len && len < 20)
			return pm_arena_printf(m, "a duration needs a unit, as in '%.*sm' or "
			                       "'%.*sh'%s", (int)len, s, (int)len, s, UNITS);
		return pm_arena_printf(m, "%s%s", why, UNITS);
	case 'r':
		if (rate_fix(s, len, fix, sizeof fix))
			return pm_arena_printf(m, "write '%s' (a number per day, week, month "
			                       "or year)", fix);
		return why;
	default:
		if (!memchr(s, '/', len) && capacity_fix(s, len, fix, sizeof fix))
			return pm_arena_printf(m, "capacity is hours per week: '%s'", fix);
		if (capacity_fix(s, len, fix, sizeof fix))
			return pm_arena_printf(m, "write '%s'", fix);
		return pm_arena_printf(m, "%s%s", why, UNITS);
	}
}
