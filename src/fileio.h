/* fileio.h — output files that appear whole or not at all (internal).
 *
 * pm_outfile_open() writes to a temporary file beside the target;
 * pm_outfile_commit() flushes, closes and renames it over the target, so a
 * reader never sees half a file and a failure leaves the old file as it was.
 * The new file keeps the mode of the file it replaces (else 0666 & ~umask).
 * The path "-" means standard output (written directly); an existing path
 * that is not a regular file (a device, a FIFO) is written in place. */
#ifndef PM_FILEIO_H
#define PM_FILEIO_H

#include <stdbool.h>
#include <stdio.h>

typedef struct pm_outfile {
	FILE *f;              /* write here */
	char *path, *tmp;     /* NULL for standard output; tmp NULL in place */
} pm_outfile;

/* Returns 0, or an errno value (nothing is created then). */
int pm_outfile_open(pm_outfile *o, const char *path);
/* Returns 0, or an errno value; on failure the temporary file is removed and
 * the target is untouched.  `sync` also fsyncs before the rename. */
int pm_outfile_commit(pm_outfile *o, bool sync);
/* Drops the temporary file (after an error while writing). */
void pm_outfile_abort(pm_outfile *o);

/* Writes `len` bytes as `path`, whole or not at all (open, write, commit);
 * returns 0 or an errno value.  `follow`: when path is a symbolic link,
 * the file it points to is replaced, not the link. */
int pm_write_all(const char *path, const void *data, size_t len, bool follow);
/* mkdir -p: the folder and any missing parents; 0 or an errno value. */
int pm_make_dirs(const char *dir);
/* Where temporary folders go: $TMPDIR, or /tmp when it is unset or empty. */
const char *pm_tmp_root(void);
/* Removes a scratch folder (one mkdtemp() made): the plain files directly
 * in it, then the folder itself; one level, no recursion. */
void pm_remove_scratch_dir(const char *dir);
/* Reads a whole file ("-": standard input) into a NUL-terminated buffer
 * the caller frees with free(); *len is its length without the NUL.
 * NULL with errno set when it cannot be read or memory runs out. */
char *pm_read_all(const char *path, size_t *len);

#endif
