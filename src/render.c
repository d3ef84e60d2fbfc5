/* render.c — pm_model_render(): which diagrams, their file names, the
 * findings drawn on them, and the worker processes that run Graphviz.
 *
 * Graphviz is not thread-safe, so diagrams are rendered by forked worker
 * processes, each with one GVC_t reused across its diagrams; diagram i goes
 * to worker i % jobs, so the work split is deterministic.  Workers report
 * failures as lines on a pipe; the parent turns them into diagnostics.
 * Every file is written to a temporary name beside its target and renamed
 * (fileio.h), so a failure leaves earlier files intact. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <graphviz/gvc.h>

#include "fileio.h"
#include "render.h"
#include "audit/audit.h"

#define PM_RENDER_MAX_NODES 500

static const char *const format_names[] = { "svg", "png", "pdf", "dot" };

/* --- findings → marks ------------------------------------------------------ */

static pm_ix find_process(pm_model *m, const char *q, size_t len)
{
	const char *dot = memchr(q, '.', len);
	if (!dot) {
		pm_str id = pm_str_find(m, q, len);
		uint32_t v = id ? pm_map_get(&m->names_top, id) : PM_NONE;
		return v != PM_NONE && (v & PM_TOP_PROCESS) ? v & ~PM_TOP_PROCESS : PM_NONE;
	}
	pm_str sid = pm_str_find(m, q, (size_t)(dot - q));
	uint32_t sys = sid ? pm_map_get(&m->names_top, sid) : PM_NONE;
	if (sys == PM_NONE || (sys & PM_TOP_PROCESS))
		return PM_NONE;
	pm_str pid = pm_str_find(m, dot + 1, len - (size_t)(dot + 1 - q));
	return pid ? pm_map_get(&m->names_procs, pm_key(sys, pid)) : PM_NONE;
}

static pm_ix find_step(pm_model *m, const char *q)
{
	const char *dot = strrchr(q, '.');
	if (!dot)
		return PM_NONE;
	pm_ix proc = find_process(m, q, (size_t)(dot - q));
	pm_str sid = pm_str_find(m, dot + 1, strlen(dot + 1));
	return proc != PM_NONE && sid ? pm_step_find(m, proc, sid) : PM_NONE;
}

static pm_ix find_elem(pm_model *m, pm_kind kind, const char *q)
{
	if (!q)
		return PM_NONE;
	if (kind == PM_KIND_STEP)
		return find_step(m, q);
	if (kind == PM_KIND_PROCESS)
		return find_process(m, q, strlen(q));
	pm_str id = pm_str_find(m, q, strlen(q));
	return id ? pm_map_get(&m->names_people, id) : PM_NONE;
}

/* The edges of a cycle: consecutive related ids, and last → first. */
static void mark_cycle(pm_model *m, pm_map *map, pm_kind kind, const pm_diag *d)
{
	for (size_t k = 0; k < d->nrelated; k++) {
		pm_ix a = find_elem(m, kind, d->related[k]);
		pm_ix b = find_elem(m, kind, d->related[(k + 1) % d->nrelated]);
		if (a != PM_NONE && b != PM_NONE)
			pm_map_put(m, map, (uint64_t)a << 32 | b, 1);
	}
}

static void mark_finding(pm_rctx *c, const pm_diag *d)
{
	pm_model *m = c->m;
	pm_ix i;
	if (d->suppressed)
		return;
	if (!strcmp(d->rule, "orphan-process") || !strcmp(d->rule, "unreachable-process")) {
		if ((i = find_elem(m, PM_KIND_PROCESS, d->subject)) != PM_NONE)
			c->proc_mark[i] |= d->rule[0] == 'o' ? PM_RF_ORPHAN : PM_RF_UNREACHABLE;
	} else if (!strcmp(d->rule, "bottleneck-step")) {
		if ((i = find_elem(m, PM_KIND_STEP, d->subject)) != PM_NONE)
			c->step_mark[i] |= PM_RF_BOTTLENECK;
	} else if (!strcmp(d->rule, "overloaded-person")) {
		if ((i = find_elem(m, PM_KIND_PERSON, d->subject)) != PM_NONE)
			c->person_mark[i] |= PM_RF_OVERLOADED;
	} else if (!strcmp(d->rule, "step-cycle")) {
		mark_cycle(m, &c->cycle_flows, PM_KIND_STEP, d);
	} else if (!strcmp(d->rule, "handoff-cycle")) {
		mark_cycle(m, &c->cycle_handoffs, PM_KIND_PROCESS, d);
	}
}

static void mark_critical(pm_rctx *c)
{
	pm_model *m = c->m;
	for (pm_ix p = 0; p < m->an.procs.n && p < m->processes.n; p++) {
		const pm_proc_metrics *pm = &m->an.procs.v[p];
		if (pm->lead_status != PM_LEAD_OK)
			continue;
		for (pm_ix k = 0; k < pm->crit_count; k++) {
			pm_ix s = m->an.crit_steps.v[pm->crit_first + k];
			c->step_mark[s] |= PM_RF_CRITICAL;
			if (k + 1 < pm->crit_count)
				pm_map_put(m, &c->crit_flows, (uint64_t)s << 32
				           | m->an.crit_steps.v[pm->crit_first + k + 1], 1);
		}
	}
}

static uint8_t *zeroed(pm_model *m, size_t n)
{
	uint8_t *p = pm_arena_alloc(m, n + 1);
	memset(p, 0, n + 1);
	return p;
}

static uint32_t *counts(pm_model *m, size_t n)
{
	uint32_t *p = pm_arena_alloc(m, (n + 1) * sizeof *p);
	memset(p, 0, (n + 1) * sizeof *p);
	return p;
}

/* The process (or else system) a finding is about, for the badges. */
static void place_finding(pm_rctx *c, uint32_t k)
{
	pm_model *m = c->m;
	const pm_diag *d = &m->diags.v[k].d;
	pm_ix p = find_elem(m, PM_KIND_PROCESS, d->subject), s = PM_NONE;
	if (p == PM_NONE && (s = find_elem(m, PM_KIND_STEP, d->subject)) != PM_NONE)
		p = m->steps.v[s].process;
	s = p != PM_NONE ? m->processes.v[p].system : PM_NONE;
	if (p == PM_NONE && d->subject) {
		pm_str id = pm_str_find(m, d->subject, strlen(d->subject));
		uint32_t v = id ? pm_map_get(&m->names_top, id) : PM_NONE;
		if (v != PM_NONE && !(v & PM_TOP_PROCESS))
			s = v;
	}
	c->diag_proc[k] = p;
	c->diag_sys[k] = s;
	if (d->suppressed || d->severity < PM_SEV_WARNING)
		return;
	bool err = d->severity == PM_SEV_ERROR;
	if (p != PM_NONE)
		(err ? c->proc_err : c->proc_warn)[p]++;
	if (s != PM_NONE)
		(err ? c->sys_err : c->sys_warn)[s]++;
}

void pm_rctx_prepare(pm_rctx *c)
{
	pm_model *m = c->m;
	c->proc_mark = zeroed(m, m->processes.n);
	c->step_mark = zeroed(m, m->steps.n);
	c->person_mark = zeroed(m, m->people.n);
	c->proc_err = counts(m, m->processes.n);
	c->proc_warn = counts(m, m->processes.n);
	c->sys_err = counts(m, m->systems.n);
	c->sys_warn = counts(m, m->systems.n);
	c->diag_proc = counts(m, m->diags.n);
	c->diag_sys = counts(m, m->diags.n);
	c->ndiags = m->diags.n;
	for (uint32_t i = 0; i < m->diags.n; i++) {
		mark_finding(c, &m->diags.v[i].d);
		place_finding(c, i);
	}
	if (m->an.done)
		mark_critical(c);
}

void pm_rctx_release(pm_rctx *c)
{
	pm_map_free(&c->cycle_flows);
	pm_map_free(&c->cycle_handoffs);
	pm_map_free(&c->crit_flows);
	pm_vec_free(c->diagrams);
	pm_vec_free(c->elabels);
}

/* Ids are [A-Za-z0-9_-] joined by dots; anything else (or "..") would not
 * make a safe file name inside DIR. */
static bool safe_name(const char *s)
{
	if (!*s || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || *s == '.' || (*s >= '0' && *s <= '9')
		      || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

const char *pm_render_name(pm_model *m, pm_kind kind, pm_ix i)
{
	const char *q = pm_qualified_id(m, kind, i);
	if (!safe_name(q))
		return NULL;
	return pm_arena_printf(m, "%s-%s", kind == PM_KIND_SYSTEM ? "system" : "process", q);
}

static void add_diagram(pm_rctx *c, pm_diagram_kind kind, pm_ix ix, const char *name)
{
	if (c->only && strcmp(c->only, name) != 0)
		return;
	pm_diagram *d = pm_vec_push(c->m, c->diagrams);
	d->kind = kind;
	d->ix = ix;
	d->name = name;
}

static void plan(pm_rctx *c, unsigned levels)
{
	pm_model *m = c->m;
	if (c->only)   /* the one diagram of that name, whatever its level */
		levels = !strcmp(c->only, "forest") ? PM_LEVEL_FOREST
		         : !strncmp(c->only, "system-", 7) ? PM_LEVEL_SYSTEM : PM_LEVEL_PROCESS;
	if (levels & PM_LEVEL_FOREST)
		add_diagram(c, PM_DIAGRAM_FOREST, PM_NONE, "forest");
	for (pm_ix i = 0; (levels & PM_LEVEL_SYSTEM) && i < m->systems.n; i++) {
		const char *name = pm_render_name(m, PM_KIND_SYSTEM, i);
		if (name)
			add_diagram(c, PM_DIAGRAM_SYSTEM, i, name);
		else if (!c->only)
			pm_diag_add(m, PM_SEV_WARNING, "render", m->systems.v[i].loc,
			            "system '%s' has an id that cannot be a file name; not drawn",
			            pm_qualified_id(m, PM_KIND_SYSTEM, i));
	}
	for (pm_ix i = 0; (levels & PM_LEVEL_PROCESS) && i < m->processes.n; i++) {
		const char *name = pm_render_name(m, PM_KIND_PROCESS, i);
		if (name)
			add_diagram(c, PM_DIAGRAM_PROCESS, i, name);
		else if (!c->only)
			pm_diag_add(m, PM_SEV_WARNING, "render", m->processes.v[i].loc,
			            "process '%s' has an id that cannot be a file name; not drawn",
			            pm_qualified_id(m, PM_KIND_PROCESS, i));
	}
	for (uint32_t i = 0; i < c->diagrams.n; i++) {
		const pm_diagram *d = &c->diagrams.v[i];
		size_t n = pm_dot_size(c, d);
		if (d->kind != PM_DIAGRAM_PROCESS && n > c->max_nodes)
			pm_diag_add(m, PM_SEV_WARNING, "render", pm_noloc,
			            "diagram '%s' would have %zu nodes (more than %u); drawn collapsed",
			            d->name, n, c->max_nodes);
	}
}

/* --- rendering ------------------------------------------------------------- */

static int write_dot(Agraph_t *g, const char *path, FILE *out)
{
	if (out)
		return agwrite(g, out) == 0 && fflush(out) == 0 ? 0 : errno ? errno : EIO;
	pm_outfile o;
	int e = pm_outfile_open(&o, path);
	if (e)
		return e;
	if (agwrite(g, o.f) != 0) {
		pm_outfile_abort(&o);
		return EIO;
	}
	return pm_outfile_commit(&o, false);
}

/* Writes one rendering to the stream or to path; 0 or an errno value. */
static int put(FILE *out, const char *path, const char *data, size_t len)
{
	if (out)
		return fwrite(data, 1, len, out) == len && fflush(out) == 0 ? 0 : errno ? errno : EIO;
	return pm_write_all(path, data, len, false);
}

/* Renders the laid-out graph in format f (index into format_names). */
static int render_format(pm_rctx *c, GVC_t *gvc, Agraph_t *g, int f, FILE *out, const char *path)
{
	char *buf = NULL;
	unsigned int len = 0;
	int e = 0;
	if (gvRenderData(gvc, g, format_names[f], &buf, &len) != 0 || !buf) {
		e = EINVAL;
	} else if (f == 0 && c->theme == PM_THEME_AUTO) {
		size_t n;
		char *themed = pm_svg_add_theme(buf, len, &n);
		e = themed ? put(out, path, themed, n) : ENOMEM;
		free(themed);
	} else {
		if (f == 2)
			pm_pdf_fix_date(buf, len);
		e = put(out, path, buf, len);
	}
	if (buf)
		gvFreeRenderData(buf);
	return e;
}

/* One layout of the diagram drawn in the formats of mask (PM_IMAGE_*):
 * SVG and DOT carry the "up" link, PNG and PDF (which cannot be clicked)
 * do not, and take the light palette unless told dark. */
static int render_pass(pm_rctx *c, GVC_t *gvc, const pm_diagram *d, const char *dir,
                       unsigned mask, FILE *out, const char **failed)
{
	pm_model *m = c->m;
	int collapsed, e = 0;
	c->nav = mask & (PM_IMAGE_SVG | PM_IMAGE_DOT);
	c->dark = c->theme == PM_THEME_DARK;
	Agraph_t *g = pm_dot_build(c, d, &collapsed);
	if ((mask & PM_IMAGE_PNG) && c->scale > 1)
		agsafeset(g, "dpi", (char *)pm_arena_printf(m, "%u", 96 * c->scale), "");
	if (mask & PM_IMAGE_DOT) {
		*failed = pm_arena_printf(m, "%s/%s.dot", dir, d->name);
		e = write_dot(g, *failed, out);
	}
	if (!e && (mask & ~(unsigned)PM_IMAGE_DOT)) {
		if (gvLayout(gvc, g, "dot") != 0)
			e = EINVAL;
		else if (d->kind == PM_DIAGRAM_PROCESS)
			pm_dot_widen_lanes(g);
		for (int f = 0; !e && f < 3; f++)
			if (mask & (1u << f)) {
				*failed = pm_arena_printf(m, "%s/%s.%s", dir, d->name, format_names[f]);
				e = render_format(c, gvc, g, f, out, *failed);
			}
		gvFreeLayout(gvc, g);
	}
	agclose(g);
	return e;
}

/* Renders one diagram in every format; returns 0 or an errno value, with
 * the failing path in *failed.  A scaled PNG needs a layout of its own. */
static int render_one(pm_rctx *c, GVC_t *gvc, const pm_diagram *d, const char *dir,
                      unsigned formats, FILE *out, const char **failed)
{
	unsigned passes[3] = {
		formats & (PM_IMAGE_SVG | PM_IMAGE_DOT),
		formats & (c->scale > 1 ? PM_IMAGE_PNG : PM_IMAGE_PNG | PM_IMAGE_PDF),
		c->scale > 1 ? formats & PM_IMAGE_PDF : 0,
	};
	int e = 0;
	for (int i = 0; i < 3 && !e; i++)
		if (passes[i])
			e = render_pass(c, gvc, d, dir, passes[i], out, failed);
	return e;
}

/* The one Graphviz context of this process, made on first use and never
 * freed: Graphviz (7.x here) keeps text-size caches that outlive
 * gvFreeContext(), so a context made after another was freed reads freed
 * memory (ASan, in the pango plugin's textspan code).  A program (procmap md)
 * that draws several times in one process needs one context throughout;
 * it is freed at exit. */
static GVC_t *gvc_shared;

static void graphviz_free(void)
{
	gvFreeContext(gvc_shared);
}

static GVC_t *graphviz(void)
{
	if (!gvc_shared && (gvc_shared = gvContext()))
		atexit(graphviz_free);
	return gvc_shared;
}

/* Renders diagrams w, w + jobs, ...; reports failures as lines on fd. */
static int render_share(pm_rctx *c, const char *dir, unsigned formats,
                        unsigned w, unsigned jobs, int fd)
{
	GVC_t *gvc = graphviz();
	int failures = 0;
	for (uint32_t i = w; i < c->diagrams.n; i += jobs) {
		const char *failed = "";
		int e = render_one(c, gvc, &c->diagrams.v[i], dir, formats, NULL, &failed);
		if (e) {
			char line[1024];
			int n = snprintf(line, sizeof line, "cannot write '%s': %s\n",
			                 failed, e == EINVAL ? "graphviz failed" : strerror(e));
			if (n > 0 && write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
				failures++;
			failures++;
		}
	}
	return failures;
}

static void collect(pm_model *m, int fd)
{
	char buf[4096];
	size_t have = 0;
	ssize_t n;
	while ((n = read(fd, buf + have, sizeof buf - 1 - have)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		have += (size_t)n;
		char *nl;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "%s", buf);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
			buf[have] = '\0';
		}
		if (have == sizeof buf - 1)
			have = 0;
	}
}

static bool render_workers(pm_rctx *c, const char *dir, unsigned formats, unsigned jobs)
{
	pm_model *m = c->m;
	int fds[2];
	if (pipe(fds) != 0) {
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot start workers: %s", strerror(errno));
		return false;
	}
	fflush(NULL);
	pid_t *pids = pm_arena_alloc(m, jobs * sizeof *pids);
	unsigned started = 0;
	bool ok = true;
	for (unsigned w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			jmp_buf jb;
			if (setjmp(jb))
				_exit(3);
			m->oom = &jb;
			_exit(render_share(c, dir, formats, w, jobs, fds[1]) ? 1 : 0);
		}
		if (pid < 0) {
			pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot start a worker: %s", strerror(errno));
			ok = false;
			break;
		}
		pids[started++] = pid;
	}
	close(fds[1]);
	collect(m, fds[0]);
	close(fds[0]);
	for (unsigned w = 0; w < started; w++) {
		int st;
		while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			ok = false;
			if (!WIFEXITED(st) || WEXITSTATUS(st) == 3)
				pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc,
				            "a render worker failed (%s)", WIFEXITED(st) ? "out of memory" : "crashed");
		}
	}
	return ok && started == jobs;
}

static bool write_index(pm_rctx *c, const char *dir, void *arg)
{
	(void)arg;
	pm_model *m = c->m;
	const char *path = pm_arena_printf(m, "%s/index.html", dir);
	pm_outfile o;
	int e = pm_outfile_open(&o, path);
	if (!e) {
		if (pm_audit_page(c, o.f, dir, false))
			e = pm_outfile_commit(&o, false);
		else {
			e = errno ? errno : EIO;
			pm_outfile_abort(&o);
		}
	}
	if (e)
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write '%s': %s", path, strerror(e));
	return !e;
}

static unsigned cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* --- the manifest: what the last run wrote ------------------------------- */

#define PM_MANIFEST "procmap-manifest.txt"

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

/* A name procmap could have written: forest.EXT, system-ID.EXT,
 * process-ID.EXT or index.html, nothing with a '/' or "..". */
static bool own_name(const char *s, size_t n)
{
	static const char *const ext[] = { ".svg", ".png", ".pdf", ".dot" };
	char buf[1024];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!safe_name(buf))
		return false;
	if (!strcmp(buf, "index.html"))
		return true;
	if (strncmp(buf, "forest.", 7) && strncmp(buf, "system-", 7) && strncmp(buf, "process-", 8))
		return false;
	for (int i = 0; i < 4; i++)
		if (n > 4 && !strcmp(buf + n - 4, ext[i]))
			return true;
	return false;
}

/* Removes what the previous manifest lists and this run did not write. */
static void remove_stale(pm_rctx *c, const char *dir, const pm_map *written)
{
	pm_model *m = c->m;
	const char *path = pm_arena_printf(m, "%s/" PM_MANIFEST, dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		if (!own_name(line, n) || pm_map_get(written, name_hash(line, n)) != PM_NONE)
			continue;
		line[n] = '\0';
		const char *old = pm_arena_printf(m, "%s/%s", dir, line);
		if (unlink(old) != 0 && errno != ENOENT)
			pm_diag_add(m, PM_SEV_WARNING, "io", pm_noloc, "cannot remove '%s': %s",
			            old, strerror(errno));
	}
	fclose(f);
}

static bool update_manifest(pm_rctx *c, const char *dir, unsigned formats, bool index)
{
	pm_model *m = c->m;
	const char *path = pm_arena_printf(m, "%s/" PM_MANIFEST, dir);
	pm_map written = { 0 };
	pm_outfile o;
	int e = pm_outfile_open(&o, path);
	if (!e) {
		for (uint32_t i = 0; i < c->diagrams.n; i++)
			for (int f = 0; f < 4; f++)
				if (formats & (1u << f)) {
					const char *name = pm_arena_printf(m, "%s.%s", c->diagrams.v[i].name,
					                                   format_names[f]);
					pm_map_put(m, &written, name_hash(name, strlen(name)), 1);
					fprintf(o.f, "%s\n", name);
				}
		if (index) {
			pm_map_put(m, &written, name_hash("index.html", 10), 1);
			fputs("index.html\n", o.f);
		}
		remove_stale(c, dir, &written);
		e = pm_outfile_commit(&o, false);
	}
	pm_map_free(&written);
	if (e)
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write '%s': %s", path, strerror(e));
	return !e;
}

static pm_status render_dir(pm_rctx *c, const pm_render_options *o, unsigned what,
                            pm_render_after after, void *arg)
{
	pm_model *m = c->m;
	int err = pm_make_dirs(o->out_dir);
	if (err) {
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot create '%s': %s",
		            o->out_dir, strerror(err));
		return PM_ERR_IO;
	}
	unsigned jobs = o->jobs ? o->jobs : cpu_count();
	if (jobs > c->diagrams.n)
		jobs = c->diagrams.n ? c->diagrams.n : 1;
	bool ok;
	if (jobs == 1 && c->diagrams.n) {
		/* no fork: one context here, failures straight to diagnostics */
		GVC_t *gvc = graphviz();
		ok = true;
		for (uint32_t i = 0; i < c->diagrams.n; i++) {
			const char *failed = "";
			int e = render_one(c, gvc, &c->diagrams.v[i], o->out_dir, o->formats, NULL, &failed);
			if (e) {
				pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write '%s': %s",
				            failed, e == EINVAL ? "graphviz failed" : strerror(e));
				ok = false;
			}
		}
	} else {
		ok = c->diagrams.n == 0 || render_workers(c, o->out_dir, o->formats, jobs);
	}
	bool index = !after && (o->formats & PM_IMAGE_SVG);
	if (index)
		ok &= write_index(c, o->out_dir, NULL);
	else if (after && ok)
		ok = after(c, o->out_dir, arg);
	/* after a failure some files may be missing: keep the old ones */
	if (ok && (what & PM_RENDER_MANIFEST))
		ok = update_manifest(c, o->out_dir, o->formats, index);
	return ok ? PM_OK : PM_ERR_IO;
}

static pm_status render_stream(pm_rctx *c, const pm_render_options *o)
{
	pm_model *m = c->m;
	unsigned f = o->formats;
	if (o->only && c->diagrams.n == 0) {
		pm_diag_add(m, PM_SEV_ERROR, "render", pm_noloc, "the model has no diagram '%s'",
		            o->only);
		return PM_ERR_USAGE;
	}
	if (c->diagrams.n != 1 || !f || (f & (f - 1))) {
		pm_diag_add(m, PM_SEV_ERROR, "render", pm_noloc,
		            "standard output takes exactly one diagram in one format (got %u diagrams)",
		            (unsigned)c->diagrams.n);
		return PM_ERR_USAGE;
	}
	const char *failed = "";
	int e = render_one(c, graphviz(), &c->diagrams.v[0], "-", f, o->out, &failed);
	if (e)
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write the diagram: %s",
		            e == EINVAL ? "graphviz failed" : strerror(e));
	return e ? PM_ERR_IO : PM_OK;
}

static pm_status render(pm_model *m, const pm_render_options *o, unsigned what,
                        pm_render_after after, void *arg, const struct pm_rdiff *diff)
{
	if (!m || !o || !m->resolved || (!o->out_dir == !o->out) || !o->formats
	    || (!o->levels && !o->only) || (o->only && !o->out) || (after && !o->out_dir))
		return PM_ERR_USAGE;
	if (!m->an.done) {
		pm_status st = pm_model_analyze(m);
		if (st != PM_OK)
			return st;
	}
	pm_rctx c = { .m = m, .max_nodes = o->max_nodes ? o->max_nodes : PM_RENDER_MAX_NODES,
	              /* one diagram to a stream is assembled by the caller:
	               * keep its links to the other diagrams */
	              .levels = o->out ? PM_LEVEL_ALL : o->levels,
	              .direction = o->direction, .theme = o->theme, .scale = o->scale,
	              .only = o->only, .diff = diff };
	c.link_ext = o->formats & PM_IMAGE_SVG ? "svg" : o->formats & PM_IMAGE_PDF ? "pdf"
	             : o->formats & PM_IMAGE_PNG ? "png" : "dot";
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		pm_rctx_release(&c);
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_rctx_prepare(&c);
	plan(&c, o->levels);
	pm_status st = o->out ? render_stream(&c, o) : render_dir(&c, o, what, after, arg);
	pm_rctx_release(&c);
	m->oom = NULL;
	return st;
}

pm_status pm_model_render(pm_model *m, const pm_render_options *o)
{
	return render(m, o, PM_RENDER_MANIFEST, NULL, NULL, NULL);
}

pm_status pm_render_diff(pm_model *m, const pm_render_options *o, const struct pm_rdiff *diff)
{
	return render(m, o, PM_RENDER_MANIFEST, NULL, NULL, diff);
}

pm_status pm_render_folder(pm_model *m, const pm_render_options *o, unsigned what,
                           pm_render_after after, void *arg)
{
	return after ? render(m, o, what, after, arg, NULL) : PM_ERR_USAGE;
}
