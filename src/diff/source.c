/* source.c — one side of `procmap diff`: files, folders or a git revision,
 * loaded into one model.
 *
 * An operand is a file ("-" too), a folder (its .pmap, .yaml and .yml
 * files, not those of its subfolders, by name), or a git revision: "REV"
 * (the model files git tracks under the current folder at REV) or
 * "REV:PATH" (a file or folder at REV, PATH relative to the current
 * folder).  git runs through fork and exec with an argument vector, never
 * a shell, and its blobs are read through a pipe. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source.h"

static bool model_name(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (base[0] == '.')
		return false;        /* .procmap.yaml is configuration, not model */
	size_t n = strlen(base);
	return (n > 5 && strcmp(base + n - 5, ".pmap") == 0) ||
	       (n > 5 && strcmp(base + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(base + n - 4, ".yml") == 0);
}

/* --- a growing list of names --------------------------------------------------------- */

typedef struct names {
	char **v;
	size_t n, cap;
} names;

static bool names_add(names *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	char *c = malloc(len + 1);
	if (!c)
		return false;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	return true;
}

static void names_free(names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (names){ 0 };
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- running git --------------------------------------------------------------------- */

/* Runs argv (argv[0] looked up in PATH) and collects its standard output;
 * its standard error goes to /dev/null.  Returns the exit status (-1 when it
 * could not run or memory ran out); *out (malloc'd, NUL-terminated) and
 * *len hold the output. */
static int run_capture(char *const argv[], char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(fd[1], 1);
		if (null >= 0) {
			dup2(null, 2);
			dup2(null, 0);
		}
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	bool ok = buf != NULL;
	for (;;) {
		if (ok && n + 1 >= cap) {
			char *b = realloc(buf, cap * 2);
			if (!b)
				ok = false;
			else
				buf = b, cap *= 2;
		}
		char sink[4096];
		ssize_t r = ok ? read(fd[0], buf + n, cap - n - 1) : read(fd[0], sink, sizeof sink);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (ok)
			n += (size_t)r;
	}
	close(fd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!ok) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool is_revision(const char *rev)
{
	size_t n = strlen(rev);
	char *spec = malloc(n + 10);
	if (!spec)
		return false;
	memcpy(spec, rev, n);
	memcpy(spec + n, "^{commit}", 10);
	char *argv[] = { "git", "rev-parse", "--verify", "--quiet", spec, NULL };
	char *out;
	size_t len;
	int st = run_capture(argv, &out, &len);
	free(out);
	free(spec);
	return st == 0;
}

/* The model files git tracks under `path` at `rev`, relative to the current
 * folder, sorted. */
static bool git_list(const char *rev, const char *path, names *files)
{
	char *argv[] = { "git", "ls-tree", "-r", "--name-only", "-z", (char *)rev, "--",
	                 (char *)path, NULL };
	char *out;
	size_t len;
	if (run_capture(argv, &out, &len) != 0) {
		free(out);
		return false;
	}
	bool ok = true;
	for (size_t at = 0; ok && at < len;) {
		size_t n = strlen(out + at);
		if (model_name(out + at))
			ok = names_add(files, out + at, n);
		at += n + 1;
	}
	free(out);
	if (ok)
		qsort(files->v, files->n, sizeof *files->v, cmp_names);
	return ok;
}

/* --- loading ------------------------------------------------------------------------- */

static void say(char *err, size_t size, const char *fmt, const char *a, const char *b)
{
	snprintf(err, size, fmt, a, b);
}

static bool load_git(pm_side *s, const char *rev, const char *path, pm_input_format fmt,
                     char *err, size_t errsize)
{
	names files = { 0 };
	if (!git_list(rev, path, &files)) {
		names_free(&files);
		say(err, errsize, "cannot list the files of '%s' at '%s'", path, rev);
		return false;
	}
	if (files.n == 0) {
		names_free(&files);
		say(err, errsize, "no model files under '%s' at '%s'", path, rev);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; ok && i < files.n; i++) {
		size_t rl = strlen(rev), pl = strlen(files.v[i]);
		char *spec = malloc(rl + pl + 4);
		if (!spec) {
			say(err, errsize, "%sout of memory%s", "", "");
			ok = false;
			break;
		}
		snprintf(spec, rl + pl + 4, "%s:./%s", rev, files.v[i]);
		char *argv[] = { "git", "show", spec, NULL };
		char *data;
		size_t len;
		if (run_capture(argv, &data, &len) != 0) {
			say(err, errsize, "cannot read '%s' at '%s'", files.v[i], rev);
			ok = false;
		} else {
			snprintf(spec, rl + pl + 4, "%s:%s", rev, files.v[i]);
			pm_status st = pm_model_load_buffer(s->m, spec, data, len, fmt);
			if (st == PM_ERR_NOMEM) {
				say(err, errsize, "%sout of memory%s", "", "");
				ok = false;
			}
			if (!s->first && ok)
				s->first = strdup(files.v[i]);
		}
		free(data);
		free(spec);
	}
	names_free(&files);
	return ok;
}

static bool load_folder(pm_side *s, const char *dir, pm_input_format fmt, char *err,
                        size_t errsize)
{
	DIR *d = opendir(dir);
	if (!d) {
		say(err, errsize, "cannot read folder '%s': %s", dir, strerror(errno));
		return false;
	}
	names files = { 0 };
	bool ok = true;
	size_t dl = strlen(dir);
	while (dir[dl - 1] == '/' && dl > 1)
		dl--;
	for (struct dirent *e; ok && (e = readdir(d));) {
		if (!model_name(e->d_name))
			continue;
		size_t n = strlen(e->d_name);
		char *p = malloc(dl + n + 2);
		ok = p != NULL;
		if (ok) {
			snprintf(p, dl + n + 2, "%.*s/%s", (int)dl, dir, e->d_name);
			struct stat st;
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
				ok = names_add(&files, p, strlen(p));
			free(p);
		}
	}
	closedir(d);
	if (!ok) {
		names_free(&files);
		say(err, errsize, "%sout of memory%s", "", "");
		return false;
	}
	if (files.n == 0) {
		names_free(&files);
		say(err, errsize, "no .pmap, .yaml or .yml files in folder '%s'%s", dir, "");
		return false;
	}
	qsort(files.v, files.n, sizeof *files.v, cmp_names);
	for (size_t i = 0; ok && i < files.n; i++) {
		pm_status st = pm_model_load_file(s->m, files.v[i], fmt);
		if (st == PM_ERR_NOMEM) {
			say(err, errsize, "%sout of memory%s", "", "");
			ok = false;
		}
		if (st == PM_ERR_IO)
			s->io_failed = true;
		if (!s->first && ok)
			s->first = strdup(files.v[i]);
	}
	names_free(&files);
	return ok;
}

static bool load_operand(pm_side *s, const char *arg, pm_input_format fmt, char *err,
                         size_t errsize)
{
	struct stat st;
	if (strcmp(arg, "-") == 0 || (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode))) {
		pm_status rc = pm_model_load_file(s->m, arg, fmt);
		if (rc == PM_ERR_NOMEM) {
			say(err, errsize, "%sout of memory%s", "", "");
			return false;
		}
		if (rc == PM_ERR_IO)
			s->io_failed = true;
		if (!s->first)
			s->first = strdup(arg);
		return true;
	}
	if (stat(arg, &st) == 0)
		return load_folder(s, arg, fmt, err, errsize);
	const char *colon = strchr(arg, ':');
	size_t rl = colon ? (size_t)(colon - arg) : strlen(arg);
	char *rev = strndup(arg, rl);
	if (!rev) {
		say(err, errsize, "%sout of memory%s", "", "");
		return false;
	}
	bool ok = rl > 0 && is_revision(rev);
	if (!ok)
		say(err, errsize, "'%s' is neither a file, a folder nor a git revision%s", arg, "");
	else
		ok = load_git(s, rev, colon && colon[1] ? colon + 1 : ".", fmt, err, errsize);
	free(rev);
	return ok;
}

bool pm_side_load(pm_side *s, char **args, int n, pm_input_format fmt, char *err,
                  size_t errsize)
{
	*s = (pm_side){ 0 };
	s->m = pm_model_new();
	if (!s->m) {
		say(err, errsize, "%sout of memory%s", "", "");
		return false;
	}
	for (int i = 0; i < n; i++)
		if (!load_operand(s, args[i], fmt, err, errsize))
			return false;
	if (pm_model_resolve(s->m) == PM_ERR_NOMEM) {
		say(err, errsize, "%sout of memory%s", "", "");
		return false;
	}
	return true;
}

void pm_side_release(pm_side *s)
{
	pm_model_free(s->m);
	free(s->first);
	*s = (pm_side){ 0 };
}
