/* test_io.c — failing writes: a full disk (/dev/full, or a file size limit
 * for a regular file), a folder that cannot hold the output, a missing
 * folder.  Every command that writes must print a clear error naming what
 * it could not write and why, exit 2, and leave no partial file behind: the
 * old file is untouched and no temporary file remains. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/procmap-io-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(io, .init = make_dir, .fini = remove_dir);

/* Runs `args` (after the binary) in the test folder with standard error
 * captured; returns stderr and sets the exit status.  `prefix` runs first in
 * the same shell (ulimit). */
static char *run_cli(const char *prefix, const char *args, int *status)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && { %s '%s' >stdout.txt %s; } 2>&1", dir, prefix,
	         t_bin(), args);
	return t_run(cmd, status);
}

/* The folder holds exactly the files named (a NULL-terminated list), so no
 * partial or temporary file was left. */
static void expect_files(const char *const *names)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		bool known = false;
		for (const char *const *n = names; *n; n++)
			known |= strcmp(*n, e->d_name) == 0;
		cr_expect(known, "left behind: %s", e->d_name);
	}
	closedir(d);
}

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return t_read_file(path, NULL);
}

/* A sample copied into the folder, so paths in messages are short. */
static void copy_sample(const char *name)
{
	char src[4096];
	snprintf(src, sizeof src, "%s/samples/%s", t_root(), name);
	char *text = t_read_file(src, NULL);
	cr_assert_not_null(text);
	put(name, text);
	free(text);
}

static void expect_error(const char *err, int status, const char *what, const char *why)
{
	cr_expect_eq(status, 2, "exit %d, want 2; stderr:\n%s", status, err);
	char want[512];
	snprintf(want, sizeof want, "cannot write %s", what);
	cr_expect(strstr(err, want) != NULL, "no \"%s\" in:\n%s", want, err);
	cr_expect(strstr(err, why) != NULL, "no \"%s\" in:\n%s", why, err);
}

/* A write beyond 1 KiB fails with EFBIG ("File too large"), as on a full
 * disk; SIGXFSZ is ignored so the write returns the error. */
#define SMALL_DISK "trap '' XFSZ; ulimit -f 2;"

/* --- /dev/full ------------------------------------------------------------ */

static void dev_full(const char *args, const char *what)
{
	int st;
	char *err = run_cli("", args, &st);
	expect_error(err, st, what, "No space left on device");
	free(err);
}

Test(io, check_reports_to_dev_full)
{
	copy_sample("shop.pmap");
	const char *fmts[] = { "text", "json", "sarif", "markdown" };
	for (size_t i = 0; i < 4; i++) {
		char args[256];
		snprintf(args, sizeof args, "check -f %s -o /dev/full shop.pmap", fmts[i]);
		dev_full(args, "'/dev/full'");
	}
}

Test(io, check_stdout_to_dev_full)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "check -f json shop.pmap >/dev/full", &st);
	expect_error(err, st, "", "No space left on device");
	free(err);
}

Test(io, convert_to_dev_full)
{
	copy_sample("shop.pmap");
	dev_full("convert --to yaml -o /dev/full shop.pmap", "'/dev/full'");
}

Test(io, fmt_stdout_to_dev_full)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "fmt shop.pmap >/dev/full", &st);
	expect_error(err, st, "", "No space left on device");
	free(err);
}

/* --- a full disk under a regular file: nothing partial -------------------- */

Test(io, check_report_on_full_disk_keeps_old_file)
{
	copy_sample("shop.pmap");
	put("report.json", "old report\n");
	int st;
	char *err = run_cli(SMALL_DISK, "check -f json -o report.json shop.pmap", &st);
	expect_error(err, st, "'report.json'", "File too large");
	char *after = get("report.json");
	cr_expect_str_eq(after, "old report\n", "the old report was changed");
	free(after);
	expect_files((const char *[]){ "shop.pmap", "report.json", "stdout.txt", NULL });
	free(err);
}

Test(io, check_report_on_full_disk_leaves_nothing)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli(SMALL_DISK, "check -f markdown -o audit.md shop.pmap", &st);
	expect_error(err, st, "'audit.md'", "File too large");
	expect_files((const char *[]){ "shop.pmap", "stdout.txt", NULL });
	free(err);
}

Test(io, convert_on_full_disk_leaves_nothing)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli(SMALL_DISK, "convert --to yaml -o shop.yaml shop.pmap", &st);
	expect_error(err, st, "'shop.yaml'", "File too large");
	expect_files((const char *[]){ "shop.pmap", "stdout.txt", NULL });
	free(err);
}

Test(io, fmt_write_on_full_disk_keeps_the_file)
{
	/* a file in need of formatting, bigger than the limit */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fputs("process p {\n", f);
	for (int i = 0; i < 200; i++)
		fprintf(f, "step   s%d    \"Step %d\"\n", i, i);
	fputs("}\n", f);
	fclose(f);
	put("big.pmap", text);
	int st;
	char *err = run_cli(SMALL_DISK, "fmt -w big.pmap", &st);
	expect_error(err, st, "'big.pmap'", "File too large");
	char *after = get("big.pmap");
	cr_expect_str_eq(after, text, "the file was changed");
	expect_files((const char *[]){ "big.pmap", "stdout.txt", NULL });
	free(after);
	free(text);
	free(err);
}

/* --- folders that cannot take the output ---------------------------------- */

Test(io, output_in_missing_folder)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "check -f json -o no/such/dir/r.json shop.pmap", &st);
	expect_error(err, st, "'no/such/dir/r.json'", "No such file or directory");
	free(err);
}

Test(io, output_under_a_file)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "check -f sarif -o shop.pmap/r.sarif shop.pmap", &st);
	expect_error(err, st, "'shop.pmap/r.sarif'", "Not a directory");
	free(err);
}

Test(io, output_in_read_only_folder)
{
	copy_sample("shop.pmap");
	char ro[256];
	int st;
	char *err;
	if (geteuid() == 0) {
		/* root writes anywhere a mode allows nothing; /proc takes no files */
		err = run_cli("", "check -f json -o /proc/procmap-r.json shop.pmap", &st);
		expect_error(err, st, "'/proc/procmap-r.json'", "");
	} else {
		snprintf(ro, sizeof ro, "%s/ro", dir);
		cr_assert_eq(mkdir(ro, 0555), 0);
		err = run_cli("", "check -f json -o ro/r.json shop.pmap", &st);
		expect_error(err, st, "'ro/r.json'", "Permission denied");
	}
	cr_expect_eq(st, 2);
	free(err);
}

Test(io, unreadable_input_is_exit_2)
{
	int st;
	char *err = run_cli("", "check missing.pmap", &st);
	cr_expect_eq(st, 2, "exit %d", st);
	char *out = get("stdout.txt");
	cr_expect(strstr(out, "cannot read 'missing.pmap': No such file or directory") != NULL,
	          "stdout:\n%s\nstderr:\n%s", out, err);
	free(out);
	free(err);
}

/* --- diagrams --------------------------------------------------------------- */

Test(io, render_on_full_disk_leaves_no_partial_file)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli(SMALL_DISK, "render -j 2 -o out shop.pmap", &st);
	expect_error(err, st, "'out/forest.svg'", "File too large");
	/* what is there is whole: an SVG that ends, no temporary file */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cd '%s/out' && for f in $(ls -A); do "
	         "case $f in .*) echo \"temporary: $f\";; *.svg) tail -c 7 \"$f\" | "
	         "grep -q '</svg>' || echo \"partial: $f\";; esac; done", dir);
	int s2;
	char *bad = t_run(cmd, &s2);
	cr_expect_str_empty(bad, "%s", bad);
	free(bad);
	free(err);
}

Test(io, render_stdout_to_dev_full)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "render -l forest -f svg -o - shop.pmap >/dev/full", &st);
	cr_expect_eq(st, 2, "exit %d; stderr:\n%s", st, err);
	cr_expect(strstr(err, "cannot write") != NULL, "stderr:\n%s", err);
	free(err);
}

Test(io, render_into_a_file)
{
	copy_sample("shop.pmap");
	int st;
	char *err = run_cli("", "render -o shop.pmap/diagrams shop.pmap", &st);
	cr_expect_eq(st, 2, "exit %d; stderr:\n%s", st, err);
	cr_expect(strstr(err, "'shop.pmap/diagrams': Not a directory") != NULL, "stderr:\n%s", err);
	free(err);
}
