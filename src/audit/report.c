/* report.c — pm_model_write_audit() (procmap report): the audit page as
 * one self-contained HTML file, or the Markdown audit beside a folder of
 * SVG diagrams.  Both draw through pm_render_folder() and write their file
 * from the prepared context, whole or not at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "report.h"
#include "audit/audit.h"

/* Opens the target, lets `write` fill it, commits; a diagnostic on failure. */
static bool write_target(pm_rctx *c, const pm_audit_options *o,
                         bool (*write)(pm_rctx *c, FILE *f, const char *dir,
                                       const pm_audit_options *o),
                         const char *dir)
{
	pm_model *m = c->m;
	if (o->out) {
		if (write(c, o->out, dir, o) && !ferror(o->out))
			return true;
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write the report: %s",
		            strerror(errno ? errno : EIO));
		return false;
	}
	pm_outfile f;
	int e = pm_outfile_open(&f, o->path);
	if (!e) {
		errno = 0;
		if (write(c, f.f, dir, o))
			e = pm_outfile_commit(&f, false);
		else {
			e = errno ? errno : EIO;
			pm_outfile_abort(&f);
		}
	}
	if (e)
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot write '%s': %s", o->path,
		            strerror(e));
	return !e;
}

/* --- one HTML file ---------------------------------------------------------- */

static bool html(pm_rctx *c, FILE *f, const char *dir, const pm_audit_options *o)
{
	(void)o;
	return pm_audit_page(c, f, dir, true);
}

static bool after_html(pm_rctx *c, const char *dir, void *arg)
{
	return write_target(c, arg, html, dir);
}

static pm_status write_html(pm_model *m, const pm_audit_options *o)
{
	const char *tmp = pm_tmp_root();
	size_t dn = strlen(tmp) + 32;
	char *dir = malloc(dn);
	if (!dir)
		return PM_ERR_NOMEM;
	snprintf(dir, dn, "%s/procmap-report-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc, "cannot create a folder in '%s': %s",
		            tmp, strerror(errno));
		free(dir);
		return PM_ERR_IO;
	}
	pm_render_options ro = o->render;
	ro.out_dir = dir;
	ro.out = NULL;
	ro.only = NULL;
	ro.formats = PM_IMAGE_SVG;
	pm_status st = pm_render_folder(m, &ro, 0, after_html, (void *)o);
	pm_remove_scratch_dir(dir);
	free(dir);
	return st;
}

/* --- Markdown and its assets ---------------------------------------------- */

/* `url` + name + ".svg", percent-encoding what is not safe in a link. */
static const char *asset_url(pm_model *m, const char *url, const char *name)
{
	const char *raw = pm_arena_printf(m, "%s%s.svg", url, name);
	char *out = pm_arena_alloc(m, 3 * strlen(raw) + 1), *w = out;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		    || strchr("/.-_~%", *p))
			*w++ = (char)*p;
		else
			w += sprintf(w, "%%%02X", *p);
	}
	*w = '\0';
	return out;
}

static const char *level_word(pm_diagram_kind k)
{
	return k == PM_DIAGRAM_FOREST ? "forest" : k == PM_DIAGRAM_SYSTEM ? "system" : "process";
}

static bool markdown(pm_rctx *c, FILE *f, const char *dir, const pm_audit_options *o)
{
	(void)dir;
	pm_model *m = c->m;
	uint32_t n;
	const uint32_t *order = pm_audit_order(c, &n);
	pm_md_figure *figs = pm_arena_alloc(m, (n + 1) * sizeof *figs);
	size_t nfront = 0;
	const char *title = m->title ? pm_str_get(m, m->title) : "Business";
	for (uint32_t k = 0; k < n; k++) {
		const pm_diagram *d = &c->diagrams.v[order[k]];
		const char *heading = pm_audit_diagram_title(c, d);
		figs[k] = (pm_md_figure){
			.heading = heading,
			.alt = pm_arena_printf(m, "Process map: %s, %s (%s)", title, heading,
			                       level_word(d->kind)),
			.url = asset_url(m, o->assets_url ? o->assets_url : "", d->name),
			.depth = d->kind == PM_DIAGRAM_PROCESS ? 4 : d->kind == PM_DIAGRAM_SYSTEM ? 3 : 2,
		};
		nfront += d->kind == PM_DIAGRAM_FOREST;
	}
	/* the diagnostics into report order: the page's context is done with
	 * their indices, and render's own warnings are among them now */
	pm_diag_sort(m);
	pm_emit_markdown_figures(m, f, figs, nfront, n);
	return !ferror(f);
}

static bool after_markdown(pm_rctx *c, const char *dir, void *arg)
{
	return write_target(c, arg, markdown, dir);
}

static pm_status write_markdown(pm_model *m, const pm_audit_options *o)
{
	pm_render_options ro = o->render;
	ro.out_dir = o->assets_dir;
	ro.out = NULL;
	ro.only = NULL;
	ro.formats = PM_IMAGE_SVG;
	return pm_render_folder(m, &ro, PM_RENDER_MANIFEST, after_markdown, (void *)o);
}

pm_status pm_model_write_audit(pm_model *m, const pm_audit_options *o)
{
	if (!m || !o || !m->resolved || (!o->path == !o->out)
	    || (o->markdown && (!o->path || !o->assets_dir)))
		return PM_ERR_USAGE;
	pm_audit_options opts = *o;   /* pm_render_folder() analyses, if not done */
	if (!opts.render.levels)
		opts.render.levels = PM_LEVEL_ALL;
	return opts.markdown ? write_markdown(m, &opts) : write_html(m, &opts);
}
