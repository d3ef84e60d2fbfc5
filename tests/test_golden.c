/* test_golden.c — every tests/golden/NAME.pmap checked by the CLI must print
 * exactly NAME.err (diagnostics with carets and the summary line).  Set
 * PROCMAP_UPDATE_GOLDEN=1 to rewrite the .err files after a deliberate
 * change, then review the diff.
 *
 * The newcomer corpus: a golden whose first line reads "# mistakes: N"
 * holds N realistic mistakes, and must give at least one and at most N
 * diagnostics, so that no mistake has a follow-on error. */
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

/* The number N of "# mistakes: N" on the first line of `path`, or -1. */
static int mistakes_of(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	int n = -1;
	if (fscanf(f, "# mistakes: %d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* Lines of the .err golden that start a diagnostic ("f:1:2: error: …"). */
static int diagnostics_in(const char *err_path)
{
	FILE *f = fopen(err_path, "r");
	cr_assert(f, "cannot open %s", err_path);
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == ' ')
			continue;   /* a source line or a caret */
		if (strstr(line, ": error: ") || strstr(line, ": warning: ") ||
		    strstr(line, ": info: "))
			n++;
	}
	fclose(f);
	return n;
}

Test(golden, one_diagnostic_per_newcomer_mistake)
{
	glob_t g;
	t_glob("tests/golden/*.pmap", &g);
	size_t corpus = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int want = mistakes_of(g.gl_pathv[i]);
		if (want < 0)
			continue;
		corpus++;
		char err[4096];
		size_t len = strlen(g.gl_pathv[i]);
		snprintf(err, sizeof err, "%.*s.err", (int)(len - 5), g.gl_pathv[i]);
		int got = diagnostics_in(err);
		cr_expect(got >= 1 && got <= want, "%s: %d diagnostics for %d mistakes",
		          g.gl_pathv[i], got, want);
	}
	globfree(&g);
	cr_expect_geq(corpus, 40, "only %zu files in the newcomer corpus", corpus);
}
