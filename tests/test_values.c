/* test_values.c — durations, rates and capacities. */
#include <criterion/criterion.h>
#include <string.h>

#include "model.h"

static int64_t dur(const char *s)
{
	int64_t v = -7;
	const char *why;
	return pm_parse_duration(s, strlen(s), &v, &why) ? v : -1;
}

Test(values, durations)
{
	cr_assert_eq(dur("45m"), 45 * 60);
	cr_assert_eq(dur("1h30m"), 90 * 60);
	cr_assert_eq(dur("1.5h"), 90 * 60);
	cr_assert_eq(dur("2d"), 2 * 24 * 3600);
	cr_assert_eq(dur("1w"), 7 * 24 * 3600);
	cr_assert_eq(dur("0.5h"), 1800);
	cr_assert_eq(dur("1w2d3h4m"), ((7 + 2) * 24 + 3) * 3600 + 240);
	cr_assert_eq(dur("0m"), 0);
}

Test(values, bad_durations)
{
	const char *bad[] = { "", "h", "3", "3x", "1h30", "1.h", ".h", "-1h", "1 h", "1hh" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_expect_eq(dur(bad[i]), -1, "'%s' accepted", bad[i]);
}

Test(values, duration_overflow)
{
	int64_t v;
	const char *why;
	cr_assert(pm_parse_duration("5200w", 5, &v, &why));
	cr_assert_not(pm_parse_duration("5300w", 5, &v, &why));
	cr_assert_str_eq(why, "duration is too large (at most 100 years)");
	cr_assert_not(pm_parse_duration("99999999999999999999m", 21, &v, &why));
	cr_assert_str_eq(why, "duration is too large (at most 100 years)");
	/* whole units (value.c's short path) up to the limit and one past it */
	cr_assert(pm_parse_duration("52560000m", 9, &v, &why));
	cr_assert_eq(v, 100LL * 365 * 24 * 3600);
	cr_assert_not(pm_parse_duration("52560001m", 9, &v, &why));
	cr_assert_str_eq(why, "duration is too large (at most 100 years)");
	cr_assert_not(pm_parse_duration("999999999w", 10, &v, &why));
	cr_assert_str_eq(why, "duration is too large (at most 100 years)");
	cr_assert(pm_parse_duration("0045m", 5, &v, &why));
	cr_assert_eq(v, 45 * 60);
}

Test(values, rates)
{
	double r;
	const char *why;
	cr_assert(pm_parse_rate("5/week", 6, &r, &why));
	cr_assert_float_eq(r, 5.0, 1e-12);
	cr_assert(pm_parse_rate("2/day", 5, &r, &why));
	cr_assert_float_eq(r, 14.0, 1e-12);
	cr_assert(pm_parse_rate("1/month", 7, &r, &why));
	cr_assert_float_eq(r, 12.0 / 52.0, 1e-12);
	cr_assert(pm_parse_rate("26/year", 7, &r, &why));
	cr_assert_float_eq(r, 0.5, 1e-12);
	cr_assert(pm_parse_rate("0.5/week", 8, &r, &why));
	cr_assert_float_eq(r, 0.5, 1e-12);
	cr_assert_not(pm_parse_rate("5/weeks", 7, &r, &why));
	cr_assert_not(pm_parse_rate("5", 1, &r, &why));
	cr_assert_not(pm_parse_rate("/week", 5, &r, &why));
}

Test(values, capacities)
{
	int64_t c;
	const char *why;
	cr_assert(pm_parse_capacity("30h/week", 8, &c, &why));
	cr_assert_eq(c, 30 * 3600);
	cr_assert(pm_parse_capacity("37h30m/week", 11, &c, &why));
	cr_assert_eq(c, 37 * 3600 + 1800);
	cr_assert_not(pm_parse_capacity("30h", 3, &c, &why));
	cr_assert_not(pm_parse_capacity("30h/day", 7, &c, &why));
	cr_assert_not(pm_parse_capacity("lots/week", 9, &c, &why));
}
