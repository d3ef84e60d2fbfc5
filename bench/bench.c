/*
 * bench.c — times each phase of procmap's pipeline in-process.
 *
 *   pm-bench [--repeat N] [--out DIR] [--record FILE] [--label L] MODE FILE
 *
 * MODE is one of
 *   floor    read the file and count its lines (what no loader can beat),
 *            then write it to a file in --out (the cost of writing a report)
 *   load     read, parse, resolve, each analysis pass, JSON report, free;
 *            the file is read here into a buffer of its size and handed to
 *            pm_model_add_file() + pm_parse_pmap/yaml(), so reading and
 *            parsing each get a clock; the passes report through
 *            m->an.phase_done
 *   api      the same through the public API only (what the CLI does)
 *   libyaml  libyaml's raw event parse of the file, nothing built
 *
 * --report text|json|sarif|markdown picks the report that load and api
 * write (json by default), to a file of --out (without it, a temporary
 * folder removed at the end); its phase is named after it
 * ("text report") and its size is printed, so a rate can be made of it.
 *
 * Every run happens in a child process, so its peak RSS (wait4) is the
 * run's own; with --repeat N the run with the shortest total is shown.
 * --record appends one tab-separated line per phase (label, mode, phase,
 * wall seconds, peak RSS in KiB, CPU seconds) for bench/run.sh to build its
 * summary from.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "fileio.h"
#include "model.h"

#define MAX_PHASES 40

typedef struct phase {
	char name[40];
	double s;               /* wall clock */
	double cpu;             /* CPU time of the process, user + system */
	double rss_mb;          /* resident memory when the phase ended */
} phase;

typedef struct result {
	int ok;
	char err[200];
	size_t bytes;
	uint64_t steps, lines, diags;
	uint64_t report_bytes;  /* size of the report written */
	int nphases;
	phase ph[MAX_PHASES];
	long maxrss_kb;         /* filled by the parent */
} result;

typedef struct opts {
	int repeat;
	const char *out_dir, *record, *label, *mode, *file;
	const char *report;     /* its name: "json", "text", ... */
	pm_report_format fmt;
} opts;

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time at the start of the current phase: on a busy machine it says
 * more than the wall clock. */
static double cpu_start;

/* Resident memory now, in MB (Linux /proc; 0 elsewhere). */
static double rss_now(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (double)resident * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

/* Adds a phase ending now; returns the new start time. */
static double lap(result *r, const char *name, double start)
{
	double t = now(), c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (r->nphases < MAX_PHASES) {
		phase *p = &r->ph[r->nphases++];
		snprintf(p->name, sizeof p->name, "%s", name);
		p->s = t - start;
		p->cpu = c - cpu_start;
		p->rss_mb = rss_now();
	}
	cpu_start = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	return now();
}

static void fail(result *r, const char *what, int err)
{
	/* the error text first: a long path may be cut, the reason is not */
	r->ok = 0;
	snprintf(r->err, sizeof r->err, "%s: %.*s", strerror(err),
	         (int)(sizeof r->err / 2), what);
}

/* The whole file in one malloc'd buffer, as the library reads it. */
static char *read_all(const char *path, size_t *len, result *r)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fail(r, path, errno);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t size = (size_t)st.st_size, got = 0;
	char *buf = pm_malloc(size + 1);
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0) {
			fail(r, path, n < 0 ? errno : EIO);
			pm_free(buf);
			buf = NULL;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (!buf)
		return NULL;
	buf[got] = '\0';
	*len = got;
	r->bytes = got;
	return buf;
}

/* Writes the bytes to a new file in the output folder, as a report is. */
static void write_floor(const opts *o, const char *buf, size_t len, result *r,
                        double t)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.floor.out", o->out_dir,
	         o->label ? o->label : "bench");
	unlink(path);
	t = now();
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fail(r, path, errno ? errno : EIO);
		return;
	}
	lap(r, "write floor (the same bytes to a file)", t);
	unlink(path);
}

static void run_floor(const opts *o, result *r)
{
	double t = now();
	size_t len;
	char *buf = read_all(o->file, &len, r);
	if (!buf)
		return;
	uint64_t lines = 0;
	for (const char *p = buf, *end = buf + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	r->lines = lines;
	t = lap(r, "read floor (read + count lines)", t);
	write_floor(o, buf, len, r, t);
	pm_free(buf);
	r->ok = r->err[0] == '\0';
}

static void run_libyaml(const opts *o, result *r)
{
	double t = now();
	FILE *f = fopen(o->file, "rb");
	yaml_parser_t p;
	yaml_event_t ev;
	if (!f) {
		fail(r, o->file, errno);
		return;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	uint64_t events = 0;
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(r->err, sizeof r->err, "libyaml: %s", p.problem);
			break;
		}
		int done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		events++;
		if (done) {
			r->ok = 1;
			break;
		}
	}
	yaml_parser_delete(&p);
	struct stat st;
	if (fstat(fileno(f), &st) == 0)
		r->bytes = (size_t)st.st_size;
	fclose(f);
	r->lines = events;
	lap(r, "libyaml raw event parse", t);
}

/* The report into a file of the output folder (temp file + rename), as
 * `procmap check -o FILE` writes it.  A report left by the last run is
 * removed first: renaming over a file makes ext4 write the new one out at
 * once (auto_da_alloc), and that would be timed for every run but the
 * first. */
static double write_report(const opts *o, pm_model *m, result *r, double t)
{
	char path[4096], name[40];
	snprintf(path, sizeof path, "%s/%s.%s.%s", o->out_dir,
	         o->label ? o->label : "bench", o->mode, o->report);
	unlink(path);
	t = now();
	pm_outfile out;
	int e = pm_outfile_open(&out, path);
	if (e) {
		fail(r, path, e);
		return t;
	}
	pm_status st = pm_model_write_report(m, out.f, o->fmt, 0);
	e = st == PM_OK ? pm_outfile_commit(&out, false) : EIO;
	if (st != PM_OK)
		pm_outfile_abort(&out);
	if (e)
		fail(r, path, e);
	snprintf(name, sizeof name, "%s report", o->report);
	t = lap(r, name, t);
	struct stat sb;
	if (!e && stat(path, &sb) == 0)
		r->report_bytes = (uint64_t)sb.st_size;
	return t;
}

/* The clock of the analysis phases, which analysis.c reports through
 * m->an.phase_done (a child runs one model, so static state is enough). */
static result *phase_result;
static double phase_start;

static void phase_done(pm_model *m, const char *name)
{
	char label[40];
	snprintf(label, sizeof label, "analysis: %s", name);
	phase_start = lap(phase_result, label, phase_start);
}

static double analyse(pm_model *m, result *r, double t)
{
	phase_result = r;
	phase_start = t;
	m->an.phase_done = phase_done;
	if (pm_model_analyze(m) != PM_OK)
		snprintf(r->err, sizeof r->err, "pm_model_analyze failed");
	m->an.phase_done = NULL;
	return lap(r, "analysis: wrap-up", phase_start);
}

/* Read and parse through internal entry points, so each has a clock. */
static bool load_phases(const opts *o, pm_model *m, result *r, double *t)
{
	size_t len;
	char *buf = read_all(o->file, &len, r);
	if (!buf)
		return false;
	*t = lap(r, "read", *t);
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		snprintf(r->err, sizeof r->err, "out of memory while parsing");
		return false;
	}
	m->oom = &jb;
	pm_input_format fmt = strstr(o->file, ".yaml") ? PM_INPUT_YAML : PM_INPUT_PMAP;
	uint32_t file = pm_model_add_file(m, o->file, buf, len, fmt);
	if (fmt == PM_INPUT_YAML)
		pm_parse_yaml(m, file);
	else
		pm_parse_pmap(m, file);
	m->oom = NULL;
	*t = lap(r, fmt == PM_INPUT_YAML ? "parse (YAML loader)" : "parse", *t);
	return true;
}

static void run_load(const opts *o, result *r, bool api)
{
	double t0 = now(), t = t0;
	pm_model *m = pm_model_new();
	if (!m) {
		fail(r, "pm_model_new", ENOMEM);
		return;
	}
	if (api) {
		if (pm_model_load_file(m, o->file, PM_INPUT_AUTO) == PM_ERR_NOMEM)
			snprintf(r->err, sizeof r->err, "out of memory while loading");
		t = lap(r, "load (read + parse)", t);
		r->bytes = m->files.n ? m->files.v[0].len : 0;
	} else if (!load_phases(o, m, r, &t)) {
		pm_model_free(m);
		return;
	}
	pm_model_resolve(m);
	t = lap(r, "resolve", t);
	t = analyse(m, r, t);
	t = write_report(o, m, r, t);
	r->steps = pm_model_count(m, PM_KIND_STEP);
	r->diags = pm_model_diag_count(m);
	pm_model_free(m);
	lap(r, "free", t);
	r->ok = r->err[0] == '\0';
}

static void run_child(const opts *o, result *r)
{
	memset(r, 0, sizeof *r);
	cpu_start = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (strcmp(o->mode, "floor") == 0)
		run_floor(o, r);
	else if (strcmp(o->mode, "libyaml") == 0)
		run_libyaml(o, r);
	else
		run_load(o, r, strcmp(o->mode, "api") == 0);
}

/* One run in a child; its result through a pipe, its peak RSS by wait4. */
static bool run_once(const opts *o, result *r)
{
	int fd[2];
	if (pipe(fd) != 0)
		return false;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(fd[0]);
		run_child(o, r);
		ssize_t n = write(fd[1], r, sizeof *r);
		_exit(n == (ssize_t)sizeof *r ? 0 : 1);
	}
	close(fd[1]);
	size_t got = 0;
	while (got < sizeof *r) {
		ssize_t n = read(fd[0], (char *)r + got, sizeof *r - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || got != sizeof *r)
		return false;
	r->maxrss_kb = ru.ru_maxrss;
	return true;
}

static double total(const result *r)
{
	double s = 0;
	for (int i = 0; i < r->nphases; i++)
		s += r->ph[i].s;
	return s;
}

static double total_cpu(const result *r)
{
	double s = 0;
	for (int i = 0; i < r->nphases; i++)
		s += r->ph[i].cpu;
	return s;
}

static void print_row(const char *name, double s, double cpu, double rss,
                      const result *r)
{
	double mb = (double)r->bytes / 1e6;
	printf("  %-40s %8.3f s %8.3f s", name, s, cpu);
	if (rss > 0)
		printf(" %7.0f MB", rss);
	else
		printf(" %10s", "");
	bool timed = s >= 0.001;   /* rates of shorter phases are noise */
	if (r->steps && timed)
		printf("  %8.2f M steps/s", (double)r->steps / s / 1e6);
	else
		printf("  %17s", "");
	if (mb > 0 && timed)
		printf("  %8.1f MB/s", mb / s);
	putchar('\n');
}

static void print_result(const opts *o, const result *r)
{
	printf("%s %s: %s (%.1f MB", o->label ? o->label : "", o->mode, o->file,
	       (double)r->bytes / 1e6);
	if (r->steps)
		printf(", %llu steps, %llu diagnostics", (unsigned long long)r->steps,
		       (unsigned long long)r->diags);
	if (strcmp(o->mode, "floor") == 0)
		printf(", %llu lines", (unsigned long long)r->lines);
	if (strcmp(o->mode, "libyaml") == 0)
		printf(", %llu events", (unsigned long long)r->lines);
	if (r->report_bytes)
		printf(", %s report %.1f MB", o->report, (double)r->report_bytes / 1e6);
	printf("), best of %d\n", o->repeat);
	printf("  %-40s %10s %10s %10s %17s %13s\n", "phase", "wall", "cpu", "RSS after",
	       "steps/s", "input/s");
	for (int i = 0; i < r->nphases; i++)
		print_row(r->ph[i].name, r->ph[i].s, r->ph[i].cpu, r->ph[i].rss_mb, r);
	if (r->nphases > 1)
		print_row("total", total(r), total_cpu(r), 0, r);
	for (int i = 0; r->report_bytes && i < r->nphases; i++)
		if (strstr(r->ph[i].name, " report") && r->ph[i].s >= 0.001)
			printf("  %-40s %8.1f MB/s (%.1f MB in %.3f s)\n", "report written at",
			       (double)r->report_bytes / 1e6 / r->ph[i].s,
			       (double)r->report_bytes / 1e6, r->ph[i].s);
	printf("  %-40s %8.1f MB\n", "peak RSS", (double)r->maxrss_kb / 1024.0);
	if (!r->ok)
		printf("  (incomplete: %s)\n", r->err[0] ? r->err : "failed");
}

static void record(const opts *o, const result *r)
{
	if (!o->record)
		return;
	FILE *f = fopen(o->record, "a");
	if (!f)
		return;
	const char *l = o->label ? o->label : "-";
	for (int i = 0; i < r->nphases; i++)
		fprintf(f, "%s\t%s\t%s\t%.6f\t%ld\t%.6f\n", l, o->mode, r->ph[i].name,
		        r->ph[i].s, r->maxrss_kb, r->ph[i].cpu);
	fprintf(f, "%s\t%s\ttotal\t%.6f\t%ld\t%.6f\n", l, o->mode, total(r),
	        r->maxrss_kb, total_cpu(r));
	/* sizes in the wall-time column: input, and the report if one */
	fprintf(f, "%s\t%s\tinput bytes\t%zu\t0\t0\n", l, o->mode, r->bytes);
	fprintf(f, "%s\t%s\tdiagnostics\t%llu\t0\t0\n", l, o->mode,
	        (unsigned long long)r->diags);
	if (r->report_bytes)
		fprintf(f, "%s\t%s\t%s report bytes\t%llu\t0\t0\n", l, o->mode,
		        o->report, (unsigned long long)r->report_bytes);
	fclose(f);
}

/* Without --out the reports go to a folder of our own, removed after. */
static char *temp_out(void)
{
	static char dir[4096];
	snprintf(dir, sizeof dir, "%s/pm-bench.XXXXXX", pm_tmp_root());
	return mkdtemp(dir);
}

static int usage(void)
{
	fputs("usage: pm-bench [--repeat N] [--out DIR] [--record FILE] [--label L]\n"
	      "                [--report text|json|sarif|markdown]\n"
	      "                floor|load|api|libyaml FILE\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "record", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ "report", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { const char *name; pm_report_format fmt; } reports[] = {
		{ "text", PM_REPORT_TEXT }, { "json", PM_REPORT_JSON },
		{ "sarif", PM_REPORT_SARIF }, { "markdown", PM_REPORT_MARKDOWN },
	};
	opts o = { 1, NULL, NULL, NULL, NULL, NULL, "json", PM_REPORT_JSON };
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.repeat = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		case 'o': o.out_dir = optarg; break;
		case 'r': o.record = optarg; break;
		case 'l': o.label = optarg; break;
		case 'f':
			o.report = NULL;
			for (size_t i = 0; i < sizeof reports / sizeof *reports; i++)
				if (strcmp(optarg, reports[i].name) == 0) {
					o.report = reports[i].name;
					o.fmt = reports[i].fmt;
				}
			if (!o.report)
				return usage();
			break;
		default: return usage();
		}
	}
	if (argc - optind != 2)
		return usage();
	o.mode = argv[optind];
	o.file = argv[optind + 1];
	char *temp = NULL;
	if (!o.out_dir && !(o.out_dir = temp = temp_out())) {
		perror("pm-bench: a temporary folder");
		return 1;
	}
	result best, r;
	bool have = false;
	for (int i = 0; i < o.repeat; i++) {
		if (!run_once(&o, &r)) {
			fprintf(stderr, "pm-bench: the run of %s failed\n", o.file);
			if (temp)
				pm_remove_scratch_dir(temp);
			return 1;
		}
		if (!have || total(&r) < total(&best))
			best = r;
		have = true;
	}
	print_result(&o, &best);
	record(&o, &best);
	if (temp)
		pm_remove_scratch_dir(temp);
	return best.ok ? 0 : 1;
}
