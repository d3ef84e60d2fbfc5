/* watch.c — inotify on the folders of the model files and the
 * configuration.  Watching the folder, not the file, keeps a file watched
 * when an editor saves by writing a new file and renaming it over the old
 * one, and when it is deleted and made again. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "serve/serve.h"

typedef struct watched {
	int wd;            /* the folder's watch */
	char *name;        /* the file's name in it */
} watched;

struct pm_watch {
	int fd;
	watched *v;
	size_t n, cap;
};

pm_watch *pm_watch_new(void)
{
	pm_watch *w = calloc(1, sizeof *w);
	if (!w) {
		cli_error("out of memory");
		return NULL;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		cli_error("cannot watch files: %s", strerror(errno));
		free(w);
		return NULL;
	}
	return w;
}

void pm_watch_free(pm_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].name);
	free(w->v);
	close(w->fd);
	free(w);
}

int pm_watch_fd(const pm_watch *w)
{
	return w->fd;
}

bool pm_watch_add(pm_watch *w, const char *path)
{
	char *a = strdup(path), *b = strdup(path);
	bool ok = false;
	if (!a || !b)
		goto done;
	char *dir = dirname(a), *base = basename(b);
	int wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
	                           IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MODIFY);
	if (wd < 0)
		goto done;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].wd == wd && strcmp(w->v[i].name, base) == 0) {
			ok = true;
			goto done;
		}
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 8;
		watched *v = realloc(w->v, ncap * sizeof *v);
		if (!v)
			goto done;
		w->v = v;
		w->cap = ncap;
	}
	w->v[w->n].name = strdup(base);
	if (w->v[w->n].name) {
		w->v[w->n].wd = wd;
		w->n++;
		ok = true;
	}
done:
	free(a);
	free(b);
	return ok;
}

bool pm_watch_ignored(const char *name)
{
	static const char *const tails[] = { "~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig" };
	size_t n = strlen(name);
	if (n == 0 || strncmp(name, ".#", 2) == 0 || strcmp(name, "4913") == 0)
		return true;   /* 4913: vim's probe that a folder is writable */
	for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
		size_t t = strlen(tails[i]);
		if (n >= t && strcmp(name + n - t, tails[i]) == 0)
			return true;
	}
	return false;
}

static bool matches(const pm_watch *w, const struct inotify_event *e)
{
	if (e->mask & IN_Q_OVERFLOW)
		return true;   /* events were lost: rebuild to be sure */
	if (!e->len || pm_watch_ignored(e->name))
		return false;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].wd == e->wd && strcmp(w->v[i].name, e->name) == 0)
			return true;
	return false;
}

bool pm_watch_read(pm_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n <= 0)
			return hit;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			hit |= matches(w, e);
			p += sizeof *e + e->len;
		}
	}
}
