/* test_install.c — `make install` into a temporary DESTDIR, then what a
 * user of the installed library does: build examples/count.c with
 * `pkg-config --cflags --libs libprocmap` (against the shared library, and
 * statically), run it on a sample, and compare its counts with the
 * library's own.  Also: the shared library exports only pm_ symbols and has
 * its soname, the man pages render without warnings, and `make uninstall`
 * removes every file.  The install builds into PROCMAP_BUILD/install-test
 * without the outer make's variables, so a sanitizer run installs a plain
 * build. */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static char tmp[64];

static void make_tmp(void)
{
	strcpy(tmp, "/tmp/procmap-install-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void remove_tmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(install, .init = make_tmp, .fini = remove_tmp, .timeout = 600);

/* The build folder of the suite's make (PROCMAP_BUILD), else the CLI's. */
static const char *build_dir(void)
{
	static char dir[4096];
	const char *b = getenv("PROCMAP_BUILD");
	if (b && *b)
		return b;
	snprintf(dir, sizeof dir, "%s", t_bin());
	return dirname(dir);
}

/* Runs a shell command, stderr included; asserts it exits 0. */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	int st;
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0, "failed (%d): %s\n%s", st, cmd, out);
	return out;
}

/* `make TARGET` from the source root into the temporary DESTDIR. */
static void make(const char *target)
{
	free(sh("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -s -C '%s' %s "
	        "DESTDIR='%s/stage' PREFIX=/usr BUILD='%s/install-test'",
	        t_root(), target, tmp, build_dir()));
}

static void expect_installed(const char *path)
{
	char full[4096];
	snprintf(full, sizeof full, "%s/stage/usr/%s", tmp, path);
	cr_expect_eq(access(full, R_OK), 0, "not installed: %s", path);
}

/* pkg-config as a user of the staged tree sees it. */
#define PKG "PKG_CONFIG_PATH='%s/stage/usr/lib/pkgconfig' PKG_CONFIG_SYSROOT_DIR='%s/stage' pkg-config"

/* What count prints for a sample: the counts as the library gives them. */
static void expect_counts(const char *out, const char *sample)
{
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_file(m, sample, PM_INPUT_AUTO), PM_OK);
	cr_assert_eq(pm_model_resolve(m), PM_OK);
	cr_assert_eq(pm_model_analyze(m), PM_OK);
	static const struct { pm_kind k; const char *name; } kinds[] = {
		{ PM_KIND_SYSTEM, "systems" }, { PM_KIND_PROCESS, "processes" },
		{ PM_KIND_STEP, "steps" }, { PM_KIND_PERSON, "people" },
		{ PM_KIND_TOOL, "tools" }, { PM_KIND_FLOW, "flows" },
		{ PM_KIND_HANDOFF, "hand-offs" },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		char line[64];
		snprintf(line, sizeof line, "\n%-10s %zu\n", kinds[i].name,
		         pm_model_count(m, kinds[i].k));
		cr_expect(strstr(out, line) != NULL, "no '%s' in:\n%s", line + 1, out);
	}
	size_t shown = 0;
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (d->suppressed)
			continue;
		char rule[64];
		snprintf(rule, sizeof rule, "[%s]\n", d->rule);
		cr_expect(strstr(out, d->message) && strstr(out, rule),
		          "finding '%s' missing from:\n%s", d->message, out);
		shown++;
	}
	cr_expect_geq(shown, 1, "the sample has no findings to show");
	pm_model_free(m);
}

/* The installed man pages, as `man -l` shows them: no groff warnings, and
 * the sections people look for. */
static void check_man_pages(void)
{
	const char *pages[] = { "man1/procmap.1", "man5/procmap-language.5" };
	for (int i = 0; i < 2; i++) {
		char *err = sh("LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 "
		               "-l '%s/stage/usr/share/man/%s' 2>&1 >/dev/null", tmp, pages[i]);
		cr_expect_str_empty(err, "%s: %s", pages[i], err);
		free(err);
		char *text = sh("LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 "
		                "-l '%s/stage/usr/share/man/%s' | col -b", tmp, pages[i]);
		cr_expect(strstr(text, "NAME") && strstr(text, "SEE ALSO"), "%s", text);
		static const char *const musts[2][10] = {
			{ "EXIT STATUS", "ENVIRONMENT", "NO_COLOR", "EXAMPLES", "--fail-on",
			  "--format", "--rule", "--check", "--to", "orphan-process" },
			{ "GRAMMAR", "ATTRIBUTES", "VALUES", "NAMES AND SCOPES",
			  "DIAGNOSTICS", "capacity", "ignore", "too-many-errors",
			  "1h30m", "5/week" },
		};
		for (size_t k = 0; k < 10; k++)
			cr_expect(strstr(text, musts[i][k]) != NULL, "%s lacks %s", pages[i],
			          musts[i][k]);
		free(text);
	}
}

Test(install, install_build_against_it_uninstall)
{
	make("install");
	const char *files[] = {
		"bin/procmap", "lib/libprocmap.a", "lib/libprocmap.so.0.1.0",
		"lib/libprocmap.so.0", "lib/libprocmap.so", "include/procmap.h",
		"lib/pkgconfig/libprocmap.pc", "share/man/man1/procmap.1",
		"share/man/man5/procmap-language.5",
		"share/bash-completion/completions/procmap",
		"share/procmap/report.schema.json",
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		expect_installed(files[i]);

	/* the soname, and only the pm_ API exported */
	char *out = sh("readelf -d '%s/stage/usr/lib/libprocmap.so.0.1.0'", tmp);
	cr_expect(strstr(out, "Library soname: [libprocmap.so.0]") != NULL, "%s", out);
	free(out);
	out = sh("nm -D --defined-only '%s/stage/usr/lib/libprocmap.so.0.1.0' | "
	         "awk '$2 ~ /[TDBR]/ { print $3 }'", tmp);
	cr_expect(strstr(out, "pm_model_new\n") != NULL, "%s", out);
	for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n"))
		cr_expect(strncmp(l, "pm_", 3) == 0, "exported: %s", l);
	free(out);
	char *link = sh("readlink '%s/stage/usr/lib/libprocmap.so.0'", tmp);
	cr_expect_str_eq(link, "libprocmap.so.0.1.0\n");
	free(link);

	/* the installed CLI runs */
	out = sh("'%s/stage/usr/bin/procmap' --version", tmp);
	cr_expect_str_eq(out, "procmap " PM_VERSION "\n");
	free(out);

	/* examples/count.c against the shared library, with pkg-config */
	char sample[4096];
	snprintf(sample, sizeof sample, "%s/samples/shop.pmap", t_root());
	free(sh("cc -std=c11 -Wall -Wextra -Werror -o '%s/count' '%s/examples/count.c' "
	        "$(" PKG " --cflags --libs libprocmap)", tmp, t_root(), tmp, tmp));
	out = sh("LD_LIBRARY_PATH='%s/stage/usr/lib' '%s/count' '%s'", tmp, tmp, sample);
	static const char head[] = "procmap " PM_VERSION ": Fern & Fig\n";
	cr_expect(strncmp(out, head, sizeof head - 1) == 0, "%s", out);
	expect_counts(out, sample);
	free(out);
	out = sh("ldd '%s/count' | grep libprocmap || true", tmp);
	cr_expect(strstr(out, "libprocmap.so.0") != NULL, "not linked to the .so: %s", out);
	free(out);

	/* and statically */
	free(sh("cc -std=c11 -o '%s/count-static' '%s/examples/count.c' "
	        "$(" PKG " --cflags libprocmap) '%s/stage/usr/lib/libprocmap.a' "
	        "$(" PKG " --static --libs-only-other --libs-only-l libprocmap | "
	        "sed 's/-lprocmap//')", tmp, t_root(), tmp, tmp, tmp, tmp, tmp));
	out = sh("'%s/count-static' '%s'", tmp, sample);
	expect_counts(out, sample);
	free(out);

	check_man_pages();
	make("uninstall");
	out = sh("find '%s/stage' ! -type d", tmp);
	cr_expect_str_empty(out, "left after uninstall:\n%s", out);
	free(out);
}


Test(install, readme_shows_the_example)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/examples/count.c", t_root());
	char *count = t_read_file(path, NULL);
	snprintf(path, sizeof path, "%s/README.md", t_root());
	char *readme = t_read_file(path, NULL);
	cr_assert(count && readme);
	const char *body = strstr(count, "#include <procmap.h>");
	cr_assert_not_null(body);
	cr_expect(strstr(readme, body) != NULL,
	          "README.md does not show examples/count.c as it is");
	free(count);
	free(readme);
}
