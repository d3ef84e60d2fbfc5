/* test_samples.c — every sample loads with no syntax or reference error. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>

#include "helpers.h"
#include "rules.h"

Test(samples, check_clean_of_core_errors)
{
	glob_t g;
	t_glob("samples/*.pmap", &g);
	cr_assert_geq(g.gl_pathc, 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		pm_model *m = pm_model_new();
		cr_assert_eq(pm_model_load_file(m, g.gl_pathv[i], PM_INPUT_AUTO), PM_OK,
		             "%s", g.gl_pathv[i]);
		cr_assert_eq(pm_model_resolve(m), PM_OK, "%s", g.gl_pathv[i]);
		for (size_t k = 0; k < pm_model_diag_count(m); k++) {
			const pm_diag *d = pm_model_diag(m, k);
			const pm_rule_info *r = pm_rule_find(d->rule, strlen(d->rule));
			cr_expect(r && r->analysis, "%s:%u:%u: %s [%s]", d->file, d->line,
			          d->column, d->message, d->rule);
		}
		cr_assert_gt(pm_model_count(m, PM_KIND_STEP), 10);
		pm_model_free(m);
	}
	globfree(&g);
}
