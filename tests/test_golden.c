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

static void check_one(const char *dir, const char *pmap)
{
	const char *base = strrchr(pmap, '/') + 1;
	char cmd[4096], errpath[4096];
	snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR=1 '%s' check --color=never '%s' 2>&1",
	         dir, t_bin(), base);
	snprintf(errpath, sizeof errpath, "%.*s.err", (int)(strlen(pmap) - 5), pmap);
	int status;
	char *got = t_run(cmd, &status);
	if (getenv("PROCMAP_UPDATE_GOLDEN")) {
		FILE *f = fopen(errpath, "wb");
		fputs(got, f);
		fclose(f);
	}
	char *want = t_read_file(errpath, NULL);
	cr_expect_not_null(want, "%s: missing %s", base, errpath);
	if (want)
		cr_expect_str_eq(got, want, "%s: output differs\n--- got:\n%s--- want:\n%s",
		                 base, got, want);
	int want_status = want && strstr(want, " error: ") ? 1 : 0;
	cr_expect_eq(status, want_status, "%s: exit %d, want %d", base, status, want_status);
	free(got);
	free(want);
}

Test(golden, malformed_inputs)
{
	char dir[4096], pattern[4096];
	snprintf(dir, sizeof dir, "%s/tests/golden", t_root());
	snprintf(pattern, sizeof pattern, "%s/*.pmap", dir);
	glob_t g;
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 30, "only %zu golden cases", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_one(dir, g.gl_pathv[i]);
	globfree(&g);
}
