/* helpers.c — shared by the Criterion suites. */
#define _GNU_SOURCE   /* asprintf */
#include <stdarg.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "helpers.h"

pm_model *t_load(const char *text)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	pm_status st = pm_model_load_buffer(m, "t.pmap", text, strlen(text), PM_INPUT_PMAP);
	cr_assert_neq(st, PM_ERR_NOMEM);
	cr_assert_neq(pm_model_resolve(m), PM_ERR_NOMEM);
	return m;
}

pm_model *t_load_clean(const char *text)
{
	pm_model *m = t_load(text);
	char *d = t_diags(m);
	cr_assert_str_empty(d, "unexpected diagnostics:\n%s", d);
	free(d);
	return m;
}

char *t_diags(pm_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		fprintf(f, "%u:%u: %s: %s [%s]\n", d->line, d->column,
		        pm_severity_str(d->severity), d->message, d->rule);
	}
	fclose(f);
	return buf;
}

char *t_run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p, "popen %s", cmd);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(out);
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return buf;
}

const char *t_bin(void)
{
	const char *b = getenv("PROCMAP_BIN");
	return b ? b : "build/procmap";
}

const char *t_root(void)
{
	const char *r = getenv("PROCMAP_ROOT");
	return r ? r : ".";
}

char *t_expect_golden(const char *got, const char *path, const char *what)
{
	if (getenv("PROCMAP_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f, "cannot write %s", path);
		fputs(got, f);
		fclose(f);
	}
	char *want = t_read_file(path, NULL);
	cr_expect_not_null(want, "%s: missing %s", what, path);
	if (want)
		cr_expect_str_eq(got, want, "%s differs from %s\n--- got:\n%s--- want:\n%s",
		                 what, path, got, want);
	return want;
}

void t_check_golden(const char *dir, const char *file, const char *opts)
{
	const char *base = strrchr(file, '/') + 1;
	char cmd[8192], errpath[4096];
	snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR=1 '%s' check --color=never%s '%s' 2>&1",
	         dir, t_bin(), opts, base);
	snprintf(errpath, sizeof errpath, "%.*s.err", (int)(strlen(file) - 5), file);
	int status;
	char *got = t_run(cmd, &status);
	char *want = t_expect_golden(got, errpath, base);
	int want_status = want && strstr(want, " error: ") ? 1 : 0;
	cr_expect_eq(status, want_status, "%s: exit %d, want %d", base, status, want_status);
	free(got);
	free(want);
}

char *t_tmpdir(const char *tag)
{
	char *d = NULL;
	cr_assert_neq(asprintf(&d, "/tmp/procmap-%s-XXXXXX", tag), -1);
	cr_assert_not_null(mkdtemp(d), "mkdtemp %s", d);
	return d;
}

void t_rmtree(char *dir)
{
	char *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, "rm -rf '%s'", dir), -1);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

char *t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	char chunk[4096];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, k, out);
	fclose(out);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

pm_ix t_process(pm_model *m, const char *qid)
{
	for (pm_ix i = 0; i < m->processes.n; i++)
		if (strcmp(pm_qualified_id(m, PM_KIND_PROCESS, i), qid) == 0)
			return i;
	return PM_NONE;
}

pm_ix t_step(pm_model *m, const char *qid)
{
	for (pm_ix i = 0; i < m->steps.n; i++)
		if (strcmp(pm_qualified_id(m, PM_KIND_STEP, i), qid) == 0)
			return i;
	return PM_NONE;
}

char *t_file_in(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *s = t_read_file(path, NULL);
	cr_assert_not_null(s, "missing %s", path);
	return s;
}

char *t_sample(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/samples/%s", t_root(), name);
	return path;
}

const char *t_write_in(const char *dir, const char *name, const char *text)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_geq(fputs(text, f), 0);
	cr_assert_eq(fclose(f), 0);
	return path;
}

void t_glob(const char *pattern, glob_t *g)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", t_root(), pattern);
	cr_assert_eq(glob(path, 0, NULL, g), 0, "nothing matches %s", path);
}

const char *t_fmt(const char *fmt, ...)
{
	static char bufs[8][16384];
	static unsigned next;
	char *b = bufs[next++ % 8];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof bufs[0], "t_fmt: %d bytes", n);
	return b;
}

const char *t_chromium(void)
{
	static char path[512];
	if (!path[0]) {
		int st;
		char *v = t_run("command -v chromium || command -v chromium-browser", &st);
		cr_assert_eq(st, 0, "chromium is missing: sh scripts/deps.sh installs it");
		v[strcspn(v, "\n")] = '\0';
		snprintf(path, sizeof path, "%s", v);
		free(v);
	}
	return path;
}

char *t_pm_in(const char *dir, const char *args, int *status)
{
	return t_run(t_fmt("cd '%s' && NO_COLOR=1 '%s' %s 2>&1", dir, t_bin(), args), status);
}

void t_copy_in(const char *dir, const char *from, const char *to)
{
	char *text = t_read_file(t_fmt("%s/%s", t_root(), from), NULL);
	cr_assert_not_null(text, "%s", from);
	t_write_in(dir, to, text);
	free(text);
}
