/*
 * procmap.h — the one public header of libprocmap.
 *
 * procmap reads descriptions of how a business runs (systems, the processes
 * nested in them, the steps of each process, people, tools, hand-offs) from
 * the .pmap language or YAML, builds a compact model, checks it and renders
 * it.  The pipeline is: load (any number of files) → resolve → analyse →
 * write a report or diagrams.
 *
 * Ownership: the model owns every string and every pm_diag it returns; they
 * stay valid until the model is freed or, for diagnostics, until the next
 * call that adds diagnostics (load, resolve, analyse).  Functions that
 * return `char *` say who frees it.  The library never prints on its own and
 * never exits: failures are reported through pm_status and diagnostics.
 *
 * Thread safety: a model may be used by one thread at a time; distinct
 * models are independent.
 */
#ifndef PROCMAP_H
#define PROCMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PM_EXPORT __attribute__((visibility("default")))
#else
#define PM_EXPORT
#endif

/** Returns the library version, e.g. "0.1.0"; a static string. */
PM_EXPORT const char *pm_version(void);

/** Result of library calls. */
typedef enum pm_status {
	PM_OK = 0,          /**< done; diagnostics may still hold warnings */
	PM_ERR_INPUT = 1,   /**< the input has errors, see the diagnostics */
	PM_ERR_IO = 2,      /**< a file could not be read or written */
	PM_ERR_NOMEM = 3,   /**< out of memory: only pm_model_free() is valid */
	PM_ERR_USAGE = 4    /**< the call itself was wrong (bad argument) */
} pm_status;

/** Returns a short lowercase description of a status; static string. */
PM_EXPORT const char *pm_status_str(pm_status st);

typedef enum pm_severity {
	PM_SEV_OFF = 0,     /**< a rule that is switched off */
	PM_SEV_INFO = 1,
	PM_SEV_WARNING = 2,
	PM_SEV_ERROR = 3
} pm_severity;

/** Returns "info", "warning", "error" or "off"; static string. */
PM_EXPORT const char *pm_severity_str(pm_severity sev);

typedef enum pm_input_format {
	PM_INPUT_AUTO = 0,  /**< by file extension: .yaml/.yml is YAML, else .pmap */
	PM_INPUT_PMAP,
	PM_INPUT_YAML
} pm_input_format;

/**
 * One diagnostic: a syntax or reference error from loading and resolving, or
 * a finding of an analysis pass.  `file` is NULL when there is no location
 * (then line and column are 0).  Lines and columns count from 1; a column
 * counts Unicode code points (a tab is one).  `subject` is the qualified id
 * of the element a finding is about (NULL for syntax errors).  `suppressed`
 * is the reason of an `ignore:` that silenced the finding, else NULL.
 */
typedef struct pm_diag {
	pm_severity severity;
	const char *rule;
	const char *file;
	uint32_t line;
	uint32_t column;
	const char *message;
	const char *subject;
	const char *const *related;
	size_t nrelated;
	const char *suppressed;
} pm_diag;

/** An opaque model: every file loaded into it forms one business. */
typedef struct pm_model pm_model;

/** Returns a new empty model, or NULL when out of memory. */
PM_EXPORT pm_model *pm_model_new(void);

/** Frees the model and everything it owns.  NULL is allowed. */
PM_EXPORT void pm_model_free(pm_model *m);

/**
 * Reads `path` ("-" is standard input) and adds its declarations to the
 * model.  Returns PM_ERR_IO when the file cannot be read (a diagnostic with
 * rule "io" says why), PM_ERR_INPUT when it has syntax errors (the parts
 * that parsed are kept), PM_OK otherwise.
 */
PM_EXPORT pm_status pm_model_load_file(pm_model *m, const char *path,
                                       pm_input_format fmt);

/**
 * Like pm_model_load_file() for text in memory; `name` is used in
 * diagnostics.  The model copies `data`.
 */
PM_EXPORT pm_status pm_model_load_buffer(pm_model *m, const char *name,
                                         const char *data, size_t len,
                                         pm_input_format fmt);

/**
 * Resolves names across every loaded file: references, hand-offs, owner
 * inheritance.  Call once, after the last load.  Returns PM_ERR_INPUT when
 * any error diagnostic exists afterwards.
 */
PM_EXPORT pm_status pm_model_resolve(pm_model *m);

/** Number of diagnostics collected so far. */
PM_EXPORT size_t pm_model_diag_count(const pm_model *m);

/**
 * Returns diagnostic `i` in report order (file as loaded, then line, column);
 * NULL when out of range.  The pointer stays valid until the model changes.
 */
PM_EXPORT const pm_diag *pm_model_diag(pm_model *m, size_t i);

/** Number of diagnostics at `sev` that are not suppressed. */
PM_EXPORT size_t pm_model_diag_count_at(const pm_model *m, pm_severity sev);

/** Element kinds, for pm_model_count(). */
typedef enum pm_kind {
	PM_KIND_SYSTEM,
	PM_KIND_PROCESS,
	PM_KIND_STEP,
	PM_KIND_PERSON,
	PM_KIND_TOOL,
	PM_KIND_FLOW,       /**< step → step arrows, after resolve */
	PM_KIND_HANDOFF     /**< process/step → process arrows, after resolve */
} pm_kind;

/** Number of elements of a kind. */
PM_EXPORT size_t pm_model_count(const pm_model *m, pm_kind kind);

/** The chance of flow or hand-off `i` (kind PM_KIND_FLOW or
 * PM_KIND_HANDOFF, 0 <= i < pm_model_count(m, kind)), after resolve: 0..1
 * (0.4 for `a -> b 40%`) when the arrow is one of the alternatives out of
 * its step, exactly one of which is taken; -1 for a plain arrow, always
 * followed.  Also -1 for any other kind or an index out of range. */
PM_EXPORT double pm_model_chance(const pm_model *m, pm_kind kind, size_t i);

/** The model's `title`, or NULL when none was given. */
PM_EXPORT const char *pm_model_title(const pm_model *m);

/** Flags for pm_model_write_diagnostics(). */
enum {
	PM_WRITE_COLOR = 1 << 0,     /**< ANSI colours */
	PM_WRITE_NO_SOURCE = 1 << 1  /**< no source line and caret */
};

/**
 * Writes every unsuppressed diagnostic gcc-style, in report order:
 * `file:line:col: severity: message [rule]`, the source line and a caret.
 * Returns PM_ERR_IO when writing fails.
 */
PM_EXPORT pm_status pm_model_write_diagnostics(pm_model *m, FILE *out,
                                               unsigned flags);

/**
 * Lets go of the text of the files loaded so far.  Only the text report
 * needs it, to show each finding's source line; a JSON, SARIF or Markdown
 * report does not, and a million-step model's text is 87 MB of memory.
 * Files loaded afterwards (a configuration) keep theirs.  Reports written
 * afterwards show no source lines; do not call it before pm_model_fmt()
 * or a conversion, which rewrite the text.
 */
PM_EXPORT void pm_model_drop_sources(pm_model *m);

/* --- analysis ------------------------------------------------------------- */

/**
 * Reads a configuration file (.procmap.yaml): `rules:` severities and
 * `thresholds:`.  Errors become diagnostics at the config file's line and
 * column (rule "config") and the call returns PM_ERR_INPUT; PM_ERR_IO when it
 * cannot be read.  Call before pm_model_analyze().
 */
PM_EXPORT pm_status pm_model_load_config(pm_model *m, const char *path);

/**
 * Finds the configuration for a model file: `.procmap.yaml` in the folder of
 * `model_path` or the nearest parent folder.  Returns a path the caller
 * frees with free(), or NULL when there is none.
 */
PM_EXPORT char *pm_config_find(const char *model_path);

/**
 * The files a configuration names as the model (`model:`, a file or a
 * list of files and glob patterns relative to its folder; matches sorted,
 * each file once), for `check` and `render` without FILE and for the language
 * server.  On PM_OK, *files is an array of *n paths (*n may be 0: no
 * `model:`) that the caller frees with pm_config_model_files_free().
 * Returns PM_ERR_IO when the configuration cannot be read, PM_ERR_INPUT
 * when it is not YAML (pm_model_load_config() tells where), PM_ERR_NOMEM.
 */
PM_EXPORT pm_status pm_config_model_files(const char *config_path, char ***files,
                                          size_t *n);
/** Frees what pm_config_model_files() returned.  NULL is allowed. */
PM_EXPORT void pm_config_model_files_free(char **files, size_t n);

/**
 * Sets a rule's severity from "NAME=off|info|warning|error" (the --rule
 * option).  Returns PM_ERR_USAGE for an unknown rule or level.
 */
PM_EXPORT pm_status pm_model_set_rule(pm_model *m, const char *assignment);

/**
 * Runs every analysis pass on a resolved model and appends their findings to
 * the diagnostics (findings silenced by `ignore:` are kept, with `suppressed`
 * set).  Computes the metrics the reports show.  Returns PM_OK, or
 * PM_ERR_USAGE when the model is not resolved.
 */
PM_EXPORT pm_status pm_model_analyze(pm_model *m);

/* --- reports -------------------------------------------------------------- */

typedef enum pm_report_format {
	PM_REPORT_TEXT,       /**< gcc-style lines and a summary line */
	PM_REPORT_JSON,       /**< schemas/report.schema.json */
	PM_REPORT_SARIF,      /**< SARIF 2.1.0 */
	PM_REPORT_MARKDOWN    /**< an audit report for people */
} pm_report_format;

/**
 * Writes the report of an analysed model.  `flags` takes PM_WRITE_COLOR and
 * PM_WRITE_NO_SOURCE for the text format.  Returns PM_ERR_IO when writing
 * fails.  The JSON and SARIF writers buffer 64 KiB on the stack: call it
 * from a thread with at least 256 KiB of stack.
 */
PM_EXPORT pm_status pm_model_write_report(pm_model *m, FILE *out,
                                          pm_report_format fmt, unsigned flags);

/* --- diagrams (docs/rendering.md) ---------------------------------------- */

/** Diagram levels for pm_render_options.levels. */
enum {
	PM_LEVEL_FOREST = 1 << 0,   /**< forest: the whole business */
	PM_LEVEL_SYSTEM = 1 << 1,   /**< system-ID: one system's processes and steps */
	PM_LEVEL_PROCESS = 1 << 2,  /**< process-QUALIFIED-ID: one process, swimlanes */
	PM_LEVEL_ALL = 7
};

/** Image formats for pm_render_options.formats. */
enum {
	PM_IMAGE_SVG = 1 << 0,
	PM_IMAGE_PNG = 1 << 1,
	PM_IMAGE_PDF = 1 << 2,
	PM_IMAGE_DOT = 1 << 3       /**< the Graphviz source procmap generated */
};

/** Colours for pm_render_options.theme. */
enum {
	PM_THEME_AUTO = 0,   /**< SVG follows prefers-color-scheme; PNG/PDF light */
	PM_THEME_LIGHT = 1,
	PM_THEME_DARK = 2
};

/** Layout of forest and system diagrams, pm_render_options.direction. */
enum {
	PM_DIRECTION_AUTO = 0,   /**< top to bottom */
	PM_DIRECTION_TB = 1,
	PM_DIRECTION_LR = 2
};

typedef struct pm_render_options {
	const char *out_dir;    /**< write every diagram here (created if missing) */
	FILE *out;              /**< or: the one diagram, one format, here */
	unsigned levels;        /**< PM_LEVEL_* bits */
	unsigned formats;       /**< PM_IMAGE_* bits */
	unsigned jobs;          /**< worker processes; 0: the number of CPUs */
	unsigned max_nodes;     /**< larger forest/system diagrams are collapsed; 0: 500 */
	unsigned theme;         /**< PM_THEME_* */
	unsigned direction;     /**< PM_DIRECTION_*: forest and system diagrams */
	unsigned scale;         /**< PNG pixels per point ×96/72; 0: 1 */
	/** With `out`: the one diagram to write, by the name its file has in a
	 * folder without the extension ("forest", "system-ID",
	 * "process-QUALIFIED-ID"; `levels` is then ignored), drawn on its own:
	 * no links to other diagrams and no "up" link, for a page that shows it
	 * alone (procmap md).  PM_ERR_USAGE, with a diagnostic, when the model
	 * has no such diagram.  NULL: the one diagram `levels` names. */
	const char *only;
} pm_render_options;

/**
 * Draws a resolved model through Graphviz (analysing it first if that was
 * not done, so findings are drawn): forest.EXT, system-ID.EXT,
 * process-QUALIFIED-ID.EXT and, with SVG, index.html, each written whole
 * or not at all.  Problems become diagnostics with rule "io" or "render".
 * Into a folder, it also writes procmap-manifest.txt, the names of the
 * files written, one a line, and removes the files the previous manifest
 * named that this run did not write (no other file is ever removed).
 * Returns PM_ERR_IO when a file could not be written, PM_ERR_USAGE for bad
 * options or an unresolved model.
 */
PM_EXPORT pm_status pm_model_render(pm_model *m, const pm_render_options *opts);

/** The audit as one deliverable (docs/report.md), pm_model_write_audit(). */
typedef struct pm_audit_options {
	/** How the diagrams are drawn: levels, jobs, max_nodes, theme and
	 * direction are used; out_dir, out, formats and only are not. */
	pm_render_options render;
	/** HTML: one self-contained page, every diagram inline (SVG), links
	 * between diagrams inside the page, a print stylesheet.  Markdown: the
	 * audit in GitHub-flavoured Markdown with the diagrams as SVG files in
	 * `assets_dir`, linked as `assets_url` + file name. */
	int markdown;            /**< non-zero: Markdown, else HTML */
	const char *path;        /**< write here, whole or not at all */
	FILE *out;               /**< or here (HTML only) */
	const char *assets_dir;  /**< Markdown: created if missing */
	const char *assets_url;  /**< Markdown: the link to that folder from
	                              the file, ending in '/' ("audit-assets/") */
} pm_audit_options;

/**
 * Writes the audit of a resolved model (analysing it first if that was not
 * done): the audit page of render's index.html as one file, or the
 * Markdown audit with its assets folder.  The HTML page's diagrams are
 * drawn in a temporary folder that is removed before this returns.  The
 * assets folder keeps a procmap-manifest.txt as render's folders do, so a
 * diagram that is no longer drawn is removed.  Problems become diagnostics
 * with rule "io" or "render".  Returns PM_ERR_IO when a file could not be
 * written, PM_ERR_USAGE for bad options or an unresolved model.
 */
PM_EXPORT pm_status pm_model_write_audit(pm_model *m, const pm_audit_options *opts);

/* --- formatting and conversion (docs/fmt.md) ---------------------------- */

/**
 * Formats .pmap text in the canonical layout, keeping every comment.  `m`
 * must be a new model with nothing loaded: the text is loaded into it as
 * file `name`, so its syntax errors are in m's diagnostics.  On PM_OK, *out
 * is the formatted text, NUL-terminated, which the caller frees with free(),
 * and *outlen (unless NULL) its length.  Returns PM_ERR_INPUT when the text
 * has syntax errors (*out is NULL: text that does not parse is never
 * formatted), PM_ERR_USAGE when m already holds a file, PM_ERR_NOMEM.
 */
PM_EXPORT pm_status pm_format_pmap(pm_model *m, const char *name,
                                   const char *text, size_t len,
                                   char **out, size_t *outlen);

/**
 * Writes a loaded model as .pmap text in the canonical layout (what
 * pm_format_pmap() gives), or as YAML in the form the YAML loader reads.
 * The comments of the model's file go along where the target can hold them
 * (only for a model made of one file).  Call on a model loaded without
 * errors; resolving it is not needed.  Returns PM_ERR_USAGE for a model
 * with load errors, PM_ERR_IO when writing fails, PM_ERR_NOMEM.
 */
PM_EXPORT pm_status pm_model_write_pmap(pm_model *m, FILE *out);
PM_EXPORT pm_status pm_model_write_yaml(pm_model *m, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* PROCMAP_H */
