/* fileio.c — whole-or-nothing output files: temp file + rename. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "model.h"

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = pm_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* A device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place:
 * a temporary file renamed over it would replace it with a regular file. */
static int open_in_place(pm_outfile *o, const char *path)
{
	o->path = dupstr(path);
	if (!o->path)
		return ENOMEM;
	o->f = fopen(path, "wb");
	if (!o->f) {
		int e = errno;
		pm_free(o->path);
		memset(o, 0, sizeof *o);
		return e;
	}
	return 0;
}

int pm_outfile_open(pm_outfile *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	struct stat target;
	if (stat(path, &target) == 0 && !S_ISREG(target.st_mode))
		return open_in_place(o, path);
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;
	size_t n = dirlen + strlen(base) + 16;
	o->tmp = pm_malloc(n);
	o->path = dupstr(path);
	if (!o->tmp || !o->path) {
		pm_free(o->tmp);
		pm_free(o->path);
		memset(o, 0, sizeof *o);
		return ENOMEM;
	}
	snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		pm_free(o->tmp);
		pm_free(o->path);
		memset(o, 0, sizeof *o);
		return e;
	}
	struct stat st;
	mode_t mode;
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	(void)fchmod(fd, mode);
	o->f = fdopen(fd, "wb");
	if (!o->f) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		pm_free(o->tmp);
		pm_free(o->path);
		memset(o, 0, sizeof *o);
		return e;
	}
	return 0;
}

void pm_outfile_abort(pm_outfile *o)
{
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		unlink(o->tmp);
	} else if (o->path && o->f) {
		fclose(o->f);   /* written in place */
	}
	pm_free(o->tmp);
	pm_free(o->path);
	memset(o, 0, sizeof *o);
}

int pm_outfile_commit(pm_outfile *o, bool sync)
{
	if (!o->tmp) {   /* standard output, or a file written in place */
		int e = fflush(o->f) != 0 || ferror(o->f) ? (errno ? errno : EIO) : 0;
		if (o->path && fclose(o->f) != 0 && !e)
			e = errno ? errno : EIO;
		pm_free(o->path);
		memset(o, 0, sizeof *o);
		return e;
	}
	int e = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	if (!e && sync && fsync(fileno(o->f)) != 0)
		e = errno;
	if (fclose(o->f) != 0 && !e)
		e = errno ? errno : EIO;
	o->f = NULL;
	if (!e && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e)
		unlink(o->tmp);
	pm_free(o->tmp);
	pm_free(o->path);
	memset(o, 0, sizeof *o);
	return e;
}

int pm_write_all(const char *path, const void *data, size_t len, bool follow)
{
	char *real = follow ? realpath(path, NULL) : NULL;
	pm_outfile o;
	int e = pm_outfile_open(&o, real ? real : path);
	free(real);
	if (e)
		return e;
	if (len && fwrite(data, 1, len, o.f) != len) {
		e = errno ? errno : EIO;
		pm_outfile_abort(&o);
		return e;
	}
	return pm_outfile_commit(&o, false);
}

char *pm_read_all(const char *path, size_t *len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = cap <= SIZE_MAX / 4 ? realloc(buf, cap * 2 + 1) : NULL;
		if (!nb) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	int err = buf && ferror(f) ? (errno ? errno : EIO) : 0;
	if (!is_stdin)
		fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

const char *pm_tmp_root(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

void pm_remove_scratch_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

int pm_make_dirs(const char *dir)
{
	char *p = dupstr(dir);
	if (!p)
		return ENOMEM;
	int e = 0;
	for (char *s = p + 1; *s && !e; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				e = errno;
			*s = '/';
		}
	if (!e && mkdir(p, 0777) != 0 && errno != EEXIST)
		e = errno;
	pm_free(p);
	return e;
}
