/* test_golden.c — every tests/golden/NAME.pmap checked by the CLI must print
 * exactly NAME.err (diagnostics with carets and the summary line).  Set
 * PROCMAP_UPDATE_GOLDEN=1 to rewrite the .err files after a deliberate
 * change, then review the diff. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

Test(golden, malformed_inputs)
{
	char dir[4096], pattern[4096];
	snprintf(dir, sizeof dir, "%s/tests/golden", t_root());
	snprintf(pattern, sizeof pattern, "%s/*.pmap", dir);
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 30, "only %zu golden cases", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++)
		t_check_golden(dir, g.gl_pathv[i], "");
	globfree(&g);
}
