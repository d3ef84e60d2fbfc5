/* test_regress.c — replays the inputs under tests/regress/<target>/ through
 * the very code of fuzz/fuzz_<target>.c (included below, its entry point
 * renamed), so every crash, leak or timeout the fuzzers found stays fixed.
 * The invariant checks trap on a violation and the out-of-memory replay
 * runs too; the sanitizer build (make test SANITIZE=address,undefined) turns
 * leaks and undefined behaviour into failures as well.  The golden inputs
 * go through the .pmap target as well: they are the hand-written edge cases. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

#define LLVMFuzzerTestOneInput regress_pmap_one
#include "../fuzz/fuzz_pmap.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_yaml_one
#include "../fuzz/fuzz_yaml.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_config_one
#include "../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_fmt_one
#include "../fuzz/fuzz_fmt.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput regress_dot_one
#include "../fuzz/fuzz_dot.c"
#undef LLVMFuzzerTestOneInput

typedef int (*one_fn)(const uint8_t *data, size_t size);

/* Runs every file matching `pattern` (under the source root); returns how
 * many there were. */
static size_t replay(const char *pattern, one_fn one)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", t_root(), pattern);
	glob_t g;
	if (glob(path, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		char *data = t_read_file(g.gl_pathv[i], &len);
		cr_assert_not_null(data, "cannot read %s", g.gl_pathv[i]);
		cr_log_info("replaying %s", g.gl_pathv[i]);
		one((const uint8_t *)data, len);
		free(data);
	}
	size_t n = g.gl_pathc;
	globfree(&g);
	return n;
}

Test(regress, pmap, .timeout = 120)
{
	size_t n = replay("tests/regress/pmap/*", regress_pmap_one);
	cr_expect_geq(n, 4, "only %zu .pmap regression inputs", n);
	cr_expect_geq(replay("tests/golden/*.pmap", regress_pmap_one), 30);
	cr_expect_geq(replay("samples/*.pmap", regress_pmap_one), 3);
}

Test(regress, yaml, .timeout = 120)
{
	cr_expect_geq(replay("tests/regress/yaml/*", regress_yaml_one), 1);
	cr_expect_geq(replay("samples/*.yaml", regress_yaml_one), 3);
	cr_expect_geq(replay("tests/yaml_golden/*.yaml", regress_yaml_one), 10);
}

Test(regress, config, .timeout = 120)
{
	cr_expect_geq(replay("tests/regress/config/*", regress_config_one), 1);
	cr_expect_geq(replay("tests/golden_config/*.yaml", regress_config_one), 10);
	remove(config_path());
}

Test(regress, fmt, .timeout = 120)
{
	cr_expect_geq(replay("tests/regress/fmt/*", regress_fmt_one), 2);
	cr_expect_geq(replay("tests/golden/*.pmap", regress_fmt_one), 30);
	cr_expect_geq(replay("samples/*.pmap", regress_fmt_one), 3);
}

Test(regress, dot, .timeout = 120)
{
	cr_expect_geq(replay("tests/regress/dot/*", regress_dot_one), 1);
	cr_expect_geq(replay("tests/golden/*.pmap", regress_dot_one), 30);
	cr_expect_geq(replay("samples/*.pmap", regress_dot_one), 3);
}
