/* value.c — the value syntaxes of attributes: durations ("1h30m"), rates
 * ("5/week") and capacities ("30h/week"), and the chances of arrows
 * ("40%"). */
#include <string.h>

#include "model.h"

/* The longest duration accepted: 100 years, in seconds. */
#define MAX_SECONDS (100LL * 365 * 24 * 3600)

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

bool pm_parse_duration(const char *s, size_t len, int64_t *out, const char **why)
{
	size_t i = 0;
	int64_t total = 0;  /* seconds */
	bool overflow = false;
	*why = "expected a duration such as 45m, 1h30m, 2d or 1w";
	if (len == 0)
		return false;
	while (i < len) {
		int64_t micro;
		if (!read_number(s, len, &i, &micro, &overflow) || i == len)
			return false;
		int64_t unit;
		switch (s[i++]) {
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 24 * 3600; break;
		case 'w': unit = 7 * 24 * 3600; break;
		default: return false;
		}
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
