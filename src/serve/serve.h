/* serve.h — `procmap serve`: the in-memory site, the file watcher, the
 * render worker and the HTTP server (libmicrohttpd). */
#ifndef PM_SERVE_H
#define PM_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"

/* --- site.c: name → bytes + content type, read from a rendered folder --- */

typedef struct pm_site_file {
	char *name;              /* "index.html": a plain file name, no '/' */
	const char *type;        /* static content type */
	char *data;
	size_t len;
} pm_site_file;

typedef struct pm_site {
	pm_site_file *files;
	size_t nfiles;
} pm_site;

/* Reads every regular file of `dir` (symlinks and folders are skipped) into
 * a new site, injecting the live-update script into HTML and SVG files; the
 * file `skip` is left out.  NULL when out of memory or unreadable. */
pm_site *pm_site_load(const char *dir, const char *skip);
/* The file called exactly `name`, or NULL. */
const pm_site_file *pm_site_find(const pm_site *s, const char *name);
void pm_site_free(pm_site *s);

/* --- build.c: one rebuild in a forked worker ----------------------------- */

typedef struct pm_build_opts {
	const cli_setup *setup;  /* --rule, --config, --no-config, --input-format */
	char **files;
	int nfiles;
} pm_build_opts;

typedef struct pm_build_result {
	pm_site *site;           /* new site when ok, else NULL */
	bool ok;
	char *diagnostics;       /* JSON array text (malloc'd) */
} pm_build_result;

/* Starts a worker that loads the model and renders it into a private
 * temporary folder, waits for it and reads the result.  Never fails as a
 * whole: a crashed worker gives ok = false and a diagnostic saying so.
 * The worker is this program run again (`procmap serve --worker DIR ...
 * -- FILE...`): the server has threads, and a forked copy of a threaded
 * process may find a lock (malloc's, a sanitizer's) held forever. */
void pm_build_run(const pm_build_opts *o, pm_build_result *r);
/* The worker's part, in the new process: 0 rendered into dir, 1 the model
 * has errors (written into dir), 3 trouble. */
int pm_build_worker(const pm_build_opts *o, const char *dir);

/* --- watch.c: inotify on the folders of the watched files ---------------- */

typedef struct pm_watch pm_watch;

/* A watcher with no files; NULL after saying why it failed. */
pm_watch *pm_watch_new(void);
void pm_watch_free(pm_watch *w);
/* Watches `path` (through its folder, so a file replaced by rename or
 * deleted and recreated is still seen).  False when its folder cannot be
 * watched. */
bool pm_watch_add(pm_watch *w, const char *path);
/* The descriptor to poll for input. */
int pm_watch_fd(const pm_watch *w);
/* Reads pending events; true when one of them is about a watched file
 * (editor swap, backup and temporary files never are). */
bool pm_watch_read(pm_watch *w);
/* Whether a file name looks like an editor's swap, backup or temporary file. */
bool pm_watch_ignored(const char *name);

/* --- serve.c: the HTTP server -------------------------------------------- */

typedef struct pm_server pm_server;

/* Starts serving on host:port (port 0: a free one); NULL after saying why. */
pm_server *pm_server_start(const char *host, unsigned port);
/* The port it listens on. */
unsigned pm_server_port(const pm_server *s);
/* Publishes a build: a new site (taken; NULL keeps the last good one), and
 * the status (ok, diagnostics JSON array text, copied).  Wakes /events. */
void pm_server_publish(pm_server *s, pm_site *site, bool ok, const char *diagnostics);
/* Stops the server, closing every connection, and frees it. */
void pm_server_stop(pm_server *s);

/* The Content-Security-Policy every response carries. */
extern const char pm_serve_csp[];

#endif
