/* build.c — one rebuild: a forked worker loads the model with the same
 * setup as check and render, renders it through the public API into a
 * private temporary folder and writes its diagnostics beside the diagrams;
 * the parent reads the folder into memory and removes it.  A worker that
 * crashes or hangs costs this rebuild only. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "serve/serve.h"

#define DIAG_FILE "_diagnostics.json"
#define MAX_DIAGS 50
#define WORKER_SECONDS 120

/* Line `line` of `path` without its newline (malloc'd), or NULL. */
static char *source_line(const char *path, uint32_t line)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = -1;
	for (uint32_t i = 0; i < line && (n = getline(&buf, &cap, f)) >= 0; i++)
		;
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static json_t *diag_json(const pm_diag *d)
{
	char *src = d->file && d->line ? source_line(d->file, d->line) : NULL;
	json_t *j = json_pack("{s:s?, s:i, s:i, s:s, s:s, s:s, s:s?}",
	                      "file", d->file, "line", (json_int_t)d->line,
	                      "column", (json_int_t)d->column,
	                      "severity", pm_severity_str(d->severity), "rule", d->rule,
	                      "message", d->message, "source", src);
	free(src);
	return j;
}

/* The unsuppressed diagnostics at error level, or of a rule in `rules`
 * ("io\0render\0") whatever their level. */
static json_t *errors_json(pm_model *m)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < pm_model_diag_count(m) && json_array_size(a) < MAX_DIAGS; i++) {
		const pm_diag *d = pm_model_diag(m, i);
		bool own = strcmp(d->rule, "io") == 0 || strcmp(d->rule, "render") == 0;
		if (!d->suppressed && (d->severity == PM_SEV_ERROR || own))
			json_array_append_new(a, diag_json(d));
	}
	return a;
}

static int write_diags(const char *dir, json_t *a)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, DIAG_FILE);
	int rc = json_dump_file(a, path, JSON_COMPACT) == 0 ? 1 : 3;
	json_decref(a);
	return rc;
}

int pm_build_worker(const pm_build_opts *o, const char *dir)
{
	const cli_setup *s = o->setup;
	bool io_failed;
	pm_model *m = cli_load(o->files, o->nfiles, s->input, &io_failed);
	if (!m)
		return 3;
	int rc = 0;
	if (io_failed || pm_model_diag_count_at(m, PM_SEV_ERROR)) {
		rc = write_diags(dir, errors_json(m));
		pm_model_free(m);
		return rc;
	}
	char *found = NULL;
	const char *cfg = s->config;
	if (!cfg && !s->no_config)
		cfg = found = pm_config_find(o->files[0]);
	pm_status st = cfg ? pm_model_load_config(m, cfg) : PM_OK;
	free(found);
	for (int i = 0; st == PM_OK && i < s->nrules; i++)
		st = pm_model_set_rule(m, s->rules[i]);
	if (st == PM_OK)
		st = pm_model_analyze(m);
	pm_render_options ro = { .out_dir = dir, .levels = PM_LEVEL_ALL, .formats = PM_IMAGE_SVG };
	if (st == PM_OK)
		st = pm_model_render(m, &ro);
	if (st != PM_OK)
		rc = write_diags(dir, errors_json(m));
	pm_model_free(m);
	return rc;
}

static char *one_diag(const char *fmt, int n)
{
	char msg[128], *out = NULL;
	snprintf(msg, sizeof msg, fmt, n);
	json_t *a = json_pack("[{s:s, s:s, s:s}]", "severity", "error", "rule", "serve",
	                      "message", msg);
	if (a)
		out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return out;
}

/* Waits for the worker, killing it after WORKER_SECONDS; its wait status,
 * or -1 when it was killed for taking too long. */
static int wait_worker(pid_t pid)
{
	struct timespec nap = { 0, 2 * 1000 * 1000 };
	long naps = WORKER_SECONDS * 500L;
	int st;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (naps-- == 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		nanosleep(&nap, NULL);
	}
}

static char *read_text(const char *dir, const char *name)
{
	pm_site *s = pm_site_load(dir, NULL);
	const pm_site_file *f = pm_site_find(s, name);
	char *text = f ? strdup(f->data) : NULL;
	pm_site_free(s);
	return text;
}

void pm_build_run(const pm_build_opts *o, pm_build_result *r)
{
	*r = (pm_build_result){ 0 };
	char dir[] = "/tmp/procmap-serve-XXXXXX";
	if (!mkdtemp(dir)) {
		r->diagnostics = one_diag("cannot make a temporary folder (errno %d)", errno);
		return;
	}
	/* the worker's command line, made before the fork: between fork and
	 * exec only async-signal-safe calls */
	const cli_setup *su = o->setup;
	size_t n = 0, cap = 8 + 2 * (size_t)su->nrules + (size_t)o->nfiles;
	const char **argv = calloc(cap, sizeof *argv);
	if (!argv) {
		r->diagnostics = one_diag("out of memory%.0d", 0);
		pm_remove_scratch_dir(dir);
		return;
	}
	argv[n++] = "procmap";
	argv[n++] = "serve";
	argv[n++] = "--worker";
	argv[n++] = dir;
	if (su->no_config)
		argv[n++] = "--no-config";
	else if (su->config) {
		argv[n++] = "--config";
		argv[n++] = su->config;
	}
	for (int i = 0; i < su->nrules; i++) {
		argv[n++] = "--rule";
		argv[n++] = su->rules[i];
	}
	if (su->input != PM_INPUT_AUTO)
		argv[n++] = su->input == PM_INPUT_YAML ? "--input-format=yaml" : "--input-format=pmap";
	argv[n++] = "--";
	for (int i = 0; i < o->nfiles; i++)
		argv[n++] = o->files[i];
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(3);
	}
	free(argv);
	int st = pid < 0 ? -1 : wait_worker(pid);
	if (pid < 0)
		r->diagnostics = one_diag("cannot start the render worker (errno %d)", errno);
	else if (st == -1)
		r->diagnostics = one_diag("the render worker took more than %d s: stopped", WORKER_SECONDS);
	else if (WIFSIGNALED(st))
		r->diagnostics = one_diag("the render worker crashed (signal %d)", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 0) {
		r->site = pm_site_load(dir, DIAG_FILE);
		r->ok = r->site != NULL;
		r->diagnostics = r->ok ? strdup("[]") : one_diag("cannot read the diagrams%.0d", 0);
	} else if (WEXITSTATUS(st) == 1)
		r->diagnostics = read_text(dir, DIAG_FILE);
	else
		r->diagnostics = one_diag("the render worker failed (exit %d)", WEXITSTATUS(st));
	if (!r->diagnostics)
		r->diagnostics = strdup("[]");
	pm_remove_scratch_dir(dir);
}
