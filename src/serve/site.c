/* site.c — the site `serve` sends: the files one render wrote, read into
 * memory once, so that no request ever opens a file by its path. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/serve.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".pdf", "application/pdf" },
	{ ".dot", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
};

static const char *type_of(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* The last occurrence of `needle` in data[0..len), or NULL. */
static const char *find_last(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = len; i >= n; i--)
		if (memcmp(data + i - n, needle, n) == 0)
			return data + i - n;
	return NULL;
}

/* Puts `tag` before the last `before` (or at the end); false when out of
 * memory. */
static bool inject(pm_site_file *f, const char *before, const char *tag)
{
	const char *at = find_last(f->data, f->len, before);
	size_t pos = at ? (size_t)(at - f->data) : f->len;
	size_t tn = strlen(tag);
	char *d = malloc(f->len + tn + 1);
	if (!d)
		return false;
	memcpy(d, f->data, pos);
	memcpy(d + pos, tag, tn);
	memcpy(d + pos + tn, f->data + pos, f->len - pos);
	d[f->len + tn] = '\0';
	free(f->data);
	f->data = d;
	f->len += tn;
	return true;
}

/* Reads a regular file that is not a symlink; false otherwise. */
static bool read_plain(int dirfd, const char *name, pm_site_file *f)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	f->data = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (f->data && got < (size_t)st.st_size) {
		ssize_t r = read(fd, f->data + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!f->data || got != (size_t)st.st_size) {
		free(f->data);
		return false;
	}
	f->data[got] = '\0';
	f->len = got;
	return true;
}

static bool add_file(pm_site *s, int dirfd, const char *name, size_t *cap)
{
	if (s->nfiles == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		pm_site_file *v = realloc(s->files, ncap * sizeof *v);
		if (!v)
			return false;
		s->files = v;
		*cap = ncap;
	}
	pm_site_file *f = &s->files[s->nfiles];
	*f = (pm_site_file){ .type = type_of(name) };
	if (!read_plain(dirfd, name, f))
		return true;   /* not a plain file: not served */
	bool ok = true;
	if (strncmp(f->type, "text/html", 9) == 0)
		/* the audit page's policy allows its own script by hash: let
		 * /_serve.js and what it asks the server for in too */
		ok = inject(f, "</body>", "<script src=\"/_serve.js\"></script>\n")
		     && (!strstr(f->data, "'sha256-") || (inject(f, "'sha256-", "'self' ")
		         && inject(f, "base-uri", "connect-src 'self'; ")));
	else if (strcmp(f->type, "image/svg+xml") == 0)
		ok = inject(f, "</svg>", "<script href=\"/_serve.js\"/>\n");
	f->name = ok ? strdup(name) : NULL;
	if (!f->name) {
		free(f->data);
		return false;
	}
	s->nfiles++;
	return true;
}

pm_site *pm_site_load(const char *dir, const char *skip)
{
	pm_site *s = calloc(1, sizeof *s);
	DIR *d = s ? opendir(dir) : NULL;
	if (!d) {
		free(s);
		return NULL;
	}
	size_t cap = 0;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strchr(e->d_name, '/') ||
		    (skip && strcmp(e->d_name, skip) == 0))
			continue;
		ok = add_file(s, dirfd(d), e->d_name, &cap);
	}
	closedir(d);
	if (!ok) {
		pm_site_free(s);
		return NULL;
	}
	return s;
}

const pm_site_file *pm_site_find(const pm_site *s, const char *name)
{
	if (!s || strchr(name, '/'))
		return NULL;
	for (size_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].name, name) == 0)
			return &s->files[i];
	return NULL;
}

void pm_site_free(pm_site *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].name);
		free(s->files[i].data);
	}
	free(s->files);
	free(s);
}

