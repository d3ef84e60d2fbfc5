/* cmd_serve.c — `procmap serve`: render the model, serve the site, and
 * render again whenever a model file or the configuration changes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve/serve.h"
#include "suggest.h"

#define QUIET_MS 50   /* events closer than this are one save */

static const char serve_usage[] =
	"usage: procmap serve [options] [FILE...]\n\n"
	"Render the model made of FILE... in memory and serve its diagrams (the\n"
	"page of 'procmap render') over HTTP; render again whenever a FILE or the\n"
	"configuration changes, and the page in the browser follows.  When the\n"
	"model has errors, the page keeps the last good diagrams and shows them.\n\n"
	"Options:\n"
	"  -p, --port N           listen on port N (default: a free port)\n"
	"      --host ADDR        listen on ADDR (default 127.0.0.1)\n"
	"      --open             open the page with xdg-open\n"
	CLI_SETUP_HELP
	"  -h, --help             show this help\n\n"
	CLI_SETUP_HELP_CONFIG "\n"
	"Stops on Ctrl-C.  Exit status: 0 stopped, 2 usage error or the server\n"
	"could not start.\n";

typedef struct serve_opts {
	cli_setup setup;
	const char *host;
	unsigned port;
	bool open;
	const char *worker;   /* --worker DIR: be the render worker (build.c) */
	char **files;
	int nfiles;
	char **owned;     /* the files of the configuration's model:, re-read on changes */
} serve_opts;

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a stop is pending already */
	}
	errno = e;
}

static bool signals_init(void)
{
	if (pipe(sig_pipe) != 0)
		return false;
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK);
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return true;
}

static bool parse_port(const char *s, unsigned *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 65535)
		return false;
	*out = (unsigned)v;
	return true;
}

static int parse_option(int c, const char *arg, void *ctx)
{
	serve_opts *o = ctx;
	switch (c) {
	case 'p':
		if (!parse_port(arg, &o->port))
			return cli_usage("serve", "invalid --port '%s' (0 to 65535)", arg);
		return -1;
	case 'H':
		o->host = arg;
		return -1;
	case 'O':
		o->open = true;
		return -1;
	case 'W':
		o->worker = arg;
		return -1;
	}
	int rc = cli_setup_option(&o->setup, c, arg);
	return rc == -2 ? PM_EXIT_TROUBLE : rc;
}

/* Returns -1 to go on, or the exit status (help, usage error). */
static int parse_args(int argc, char **argv, serve_opts *o)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "open", no_argument, NULL, 'O' },
		{ "worker", required_argument, NULL, 'W' },   /* internal: build.c */
		CLI_SETUP_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = cli_options("serve", serve_usage, argc, argv, "p:h", opts, parse_option, o);
	if (rc >= 0)
		return rc;
	if ((rc = cli_setup_done(&o->setup)) >= 0)
		return rc;
	if (o->worker) {
		o->files = argv + optind;
		o->nfiles = argc - optind;
		return -1;
	}
	if (optind >= argc) {
		o->files = o->owned = cli_config_model(&o->setup, &o->nfiles);
		return o->files ? -1 : PM_EXIT_TROUBLE;
	}
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			return cli_usage("serve", "'-' cannot be served: standard input does not change");
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return -1;
}

static bool is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "::1") == 0;
}

/* Watches the model files and the configuration (also where one could
 * appear: .procmap.yaml beside the first file). */
static bool watch_all(pm_watch *w, const serve_opts *o)
{
	for (int i = 0; i < o->nfiles; i++)
		if (!pm_watch_add(w, o->files[i])) {
			cli_error("cannot watch '%s': %s", o->files[i], strerror(errno));
			return false;
		}
	if (o->setup.no_config)
		return true;
	if (o->setup.config)
		return pm_watch_add(w, o->setup.config);
	char *found = pm_config_find(o->files[0]);
	if (found)
		pm_watch_add(w, found);
	free(found);
	char beside[4096];
	const char *slash = strrchr(o->files[0], '/');
	snprintf(beside, sizeof beside, "%.*s.procmap.yaml",
	         slash ? (int)(slash - o->files[0] + 1) : 0, o->files[0]);
	pm_watch_add(w, beside);
	return true;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The files of a model named by the configuration's model: again, as the
 * configuration may have changed; the old list stays when it cannot be read. */
static void reread_model(serve_opts *o)
{
	if (!o->owned)
		return;
	int n;
	char **files = cli_config_model(&o->setup, &n);
	if (!files)
		return;
	pm_config_model_files_free(o->owned, (size_t)o->nfiles);
	o->files = o->owned = files;
	o->nfiles = n;
}

static void rebuild(pm_server *srv, const serve_opts *o, bool quiet)
{
	pm_build_opts bo = { .setup = &o->setup, .files = o->files, .nfiles = o->nfiles };
	pm_build_result r;
	double t0 = now_ms();
	pm_build_run(&bo, &r);
	pm_server_publish(srv, r.site, r.ok, r.diagnostics);
	if (!quiet)
		fprintf(stderr, "procmap: %s in %.0f ms\n",
		        r.ok ? "rendered" : "the model has errors; kept the last diagrams",
		        now_ms() - t0);
	free(r.diagnostics);
}

static void open_browser(const char *url)
{
	if (access("/usr/bin/xdg-open", X_OK) != 0 && access("/usr/local/bin/xdg-open", X_OK) != 0) {
		fprintf(stderr, "procmap: no xdg-open here: open %s yourself\n", url);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execlp("xdg-open", "xdg-open", url, (char *)NULL);
		_exit(127);
	}
}

/* Waits for changes until a signal; a burst of events is one rebuild. */
static void loop(pm_server *srv, pm_watch *w, serve_opts *o)
{
	struct pollfd p[2] = { { .fd = sig_pipe[0], .events = POLLIN },
	                       { .fd = pm_watch_fd(w), .events = POLLIN } };
	bool pending = false;
	for (;;) {
		int n = poll(p, 2, pending ? QUIET_MS : -1);
		if (n < 0 && errno != EINTR)
			return;
		if (n > 0 && (p[0].revents & POLLIN))
			return;
		if (n > 0 && (p[1].revents & POLLIN)) {
			pending |= pm_watch_read(w);
			continue;
		}
		if (n == 0 && pending) {
			pending = false;
			reread_model(o);
			watch_all(w, o);   /* a configuration or a model file may have appeared */
			rebuild(srv, o, false);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;   /* xdg-open */
	}
}

static int serve(serve_opts *o)
{
	if (!is_loopback(o->host))
		fprintf(stderr, "procmap: warning: serving on '%s': anyone who can reach this "
		        "address can read the model\n", o->host);
	if (!signals_init()) {
		cli_error("cannot set up signals: %s", strerror(errno));
		return PM_EXIT_TROUBLE;
	}
	pm_watch *w = pm_watch_new();
	if (!w)
		return PM_EXIT_TROUBLE;
	if (!watch_all(w, o)) {
		pm_watch_free(w);
		return PM_EXIT_TROUBLE;
	}
	pm_server *srv = pm_server_start(o->host, o->port);
	if (!srv) {
		pm_watch_free(w);
		return PM_EXIT_TROUBLE;
	}
	rebuild(srv, o, true);
	char url[300];
	bool v6 = strchr(o->host, ':') != NULL;
	snprintf(url, sizeof url, "http://%s%s%s:%u/", v6 ? "[" : "", o->host, v6 ? "]" : "",
	         pm_server_port(srv));
	printf("procmap: serving %s (Ctrl-C to stop)\n", url);
	fflush(stdout);
	if (o->open)
		open_browser(url);
	loop(srv, w, o);
	pm_server_stop(srv);
	pm_watch_free(w);
	fprintf(stderr, "procmap: stopped\n");
	return PM_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	serve_opts o = { .host = "127.0.0.1" };
	if (!cli_setup_init(&o.setup, "serve", argc))
		return PM_EXIT_TROUBLE;
	int rc = parse_args(argc, argv, &o);
	if (rc < 0 && o.worker) {
		pm_build_opts bo = { .setup = &o.setup, .files = o.files, .nfiles = o.nfiles };
		rc = o.nfiles > 0 ? pm_build_worker(&bo, o.worker) : 3;
	} else if (rc < 0)
		rc = serve(&o);
	pm_config_model_files_free(o.owned, (size_t)o.nfiles);
	cli_setup_release(&o.setup);
	return rc;
}
