/* config.c — .procmap.yaml: rule severities and thresholds, read with
 * libyaml's document API, and the search for it beside a model.
 *
 *     rules:
 *       step-cycle: warning
 *       unused-tool: off
 *     thresholds:
 *       bottleneck-utilisation: 0.9
 *       join-fan-in: 4
 *       utilisation: 0.9
 *
 * Mistakes are diagnostics with rule "config" at the file's line and
 * column; the file is added to m->files on the first one so the CLI can
 * show its line with a caret.  Entries that are valid still apply. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "analysis.h"
#include "suggest.h"

#define CONFIG_NAME ".procmap.yaml"
/* Beyond this many mistakes in one file, the rest are not reported. */
#define MAX_CONFIG_ERRORS 100
/* How many characters of a bad value a message quotes. */
#define SHOWN_VALUE 40

typedef struct cfg {
	pm_model *m;
	const char *path;
	char *buf;              /* the text, ours until registered in m->files */
	const char *text;       /* the text wherever it lives */
	size_t len;
	bool registered;
	uint32_t file;
	yaml_parser_t parser;
	bool parser_live;
	yaml_document_t doc;
	bool doc_live;
	uint32_t nerrors;
} cfg;

static void cfg_free(cfg *c)
{
	if (c->doc_live)
		yaml_document_delete(&c->doc);
	if (c->parser_live)
		yaml_parser_delete(&c->parser);
	pm_free(c->buf);
	pm_free(c);
}

/* --- reading ------------------------------------------------------------------- */

/* Reads a whole file; 0 or an errno value. */
static int read_all(const char *path, char **out, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno;
	size_t cap = 4096, len = 0;
	char *buf = pm_malloc(cap);
	int err = buf ? 0 : ENOMEM;
	while (!err) {
		if (cap - len < 2) {
			char *nb = cap < SIZE_MAX / 2 ? pm_realloc(buf, cap * 2) : NULL;
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			err = ferror(f) ? (errno ? errno : EIO) : 0;
			break;
		}
	}
	fclose(f);
	if (err) {
		pm_free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	return 0;
}

/* --- diagnostics ----------------------------------------------------------------- */

/* The file index for carets; the model takes the text on first use. */
static uint32_t cfg_file(cfg *c)
{
	if (!c->registered) {
		char *data = c->buf;
		c->buf = NULL;   /* the model owns it now, even if adding fails */
		c->registered = true;
		c->file = pm_model_add_file(c->m, c->path, data, c->len, PM_INPUT_YAML);
		c->m->an.has_config_file = true;
		c->m->an.config_file = c->file;
	}
	return c->file;
}

static uint32_t clamp(size_t v)
{
	return v >= UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)v;
}

static void cfg_error_at(cfg *c, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* libyaml puts the end of a stream that lacks a final line break on a line
 * of its own (and counts NEL, LS and PS as breaks): a mark past the file's
 * last line goes back to the end of that line, so it points into the file. */
static pm_loc cfg_loc(cfg *c, uint32_t line, uint32_t col)
{
	pm_loc loc = { cfg_file(c), line, col };
	size_t len;
	if (pm_file_line(c->m, loc.file, line, &len))
		return loc;
	loc.line = c->m->files.v[loc.file].nlines;
	const char *text = pm_file_line(c->m, loc.file, loc.line, &len);
	loc.col = 1;
	for (size_t i = 0; i < len; i++)
		loc.col += ((unsigned char)text[i] & 0xC0) != 0x80;
	return loc;
}

static void cfg_error_at(cfg *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
	if (c->nerrors++ >= MAX_CONFIG_ERRORS)
		return;
	c->m->an.config_errors++;
	pm_loc loc = cfg_loc(c, line, col);
	va_list ap;
	va_start(ap, fmt);
	pm_diag_addv(c->m, PM_SEV_ERROR, "config", loc, fmt, ap);
	va_end(ap);
}

#define cfg_error(c, node, ...) \
	cfg_error_at((c), clamp((node)->start_mark.line + 1), \
	             clamp((node)->start_mark.column + 1), __VA_ARGS__)

/* A value for messages: a scalar in quotes, at most SHOWN_VALUE characters,
 * controls and quotes replaced, so a message stays one readable line; or
 * "a list", "a mapping". */
static const char *shown(cfg *c, const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE)
		return n->type == YAML_MAPPING_NODE ? "a mapping" : "a list";
	size_t len = n->data.scalar.length;
	const char *v = (const char *)n->data.scalar.value;
	size_t k = len > SHOWN_VALUE ? SHOWN_VALUE : len;
	char *s = pm_arena_alloc(c->m, k + 6);
	s[0] = '\'';
	for (size_t i = 0; i < k; i++)
		s[i + 1] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f || v[i] == '\'' ? '?' : v[i];
	strcpy(s + k + 1, len > k ? "...'" : "'");
	return s;
}

/* The line and column of a byte offset, for reader errors (bad UTF-8). */
static void offset_loc(const cfg *c, size_t off, uint32_t *line, uint32_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < c->len; i++) {
		unsigned char b = (unsigned char)c->text[i];
		if (b == '\n') {
			(*line)++;
			*col = 1;
		} else if ((b & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* A bad byte sequence: libyaml gives the offset of the bad trailing byte;
 * the caret goes to the sequence's first byte. */
static void reader_error(cfg *c, const yaml_parser_t *p)
{
	size_t off = p->problem_offset;
	if (p->problem && strstr(p->problem, "trailing"))
		for (int k = 0; k < 3 && off > 0 && off <= c->len; k++)
			if (((unsigned char)c->text[--off] & 0xc0) == 0xc0)
				break;
	uint32_t line, col;
	offset_loc(c, off, &line, &col);
	cfg_error_at(c, line, col, "the configuration is not valid UTF-8 (%s)",
	             p->problem ? p->problem : "bad byte");
}

static void syntax_error(cfg *c)
{
	yaml_parser_t *p = &c->parser;
	if (p->error == YAML_MEMORY_ERROR)
		pm_oom(c->m);
	if (p->error == YAML_READER_ERROR) {
		reader_error(c, p);
		return;
	}
	uint32_t line = clamp(p->problem_mark.line + 1);
	uint32_t col = clamp(p->problem_mark.column + 1);
	size_t at = p->problem_mark.index;
	if (at < c->len && c->text[at] == '\t') {
		cfg_error_at(c, line, col, "invalid YAML: a tab cannot indent YAML; use spaces");
		return;
	}
	const char *ctx = "";
	if (p->context)
		ctx = pm_arena_printf(c->m, " %s that starts on line %u", p->context,
		                      clamp(p->context_mark.line + 1));
	cfg_error_at(c, line, col, "invalid YAML: %s%s",
	             p->problem ? p->problem : "unknown error", ctx);
}

/* --- names and values ---------------------------------------------------------------- */

static bool is_null(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (n->data.scalar.length == 0 || strcmp((const char *)n->data.scalar.value, "~") == 0 ||
	        strcmp((const char *)n->data.scalar.value, "null") == 0);
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(s) &&
	       memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

static const char *did_you_mean(cfg *c, const char *name, const char *const *cands,
                                size_t n)
{
	return pm_suggest_hint(c->m, pm_suggest_word(name, strlen(name), cands, n,
	                                             PM_SUGGEST_ANY));
}

/* "1", "0.75": digits with at most one point; false for anything else
 * (signs, exponents, inf and nan are not thresholds anyone means). */
static bool parse_number(const yaml_node_t *n, double *out)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
	    n->data.scalar.length > 20)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	int points = 0, digits = 0;
	for (size_t i = 0; i < n->data.scalar.length; i++) {
		if (s[i] == '.')
			points++;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return false;
	}
	if (points > 1 || digits == 0)
		return false;
	*out = strtod(s, NULL);
	return true;
}

/* --- rules: ------------------------------------------------------------------------ */

/* "ERROR" or "Warning": the level in the wrong case. */
static const char *level_hint(cfg *c, const yaml_node_t *val)
{
	char low[16];
	size_t n = val->data.scalar.length;
	if (n == 0 || n >= sizeof low)
		return "";
	for (size_t i = 0; i < n; i++) {
		char ch = (char)val->data.scalar.value[i];
		low[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	low[n] = '\0';
	pm_severity sev;
	if (!pm_parse_level(low, &sev))
		return "";
	return pm_arena_printf(c->m, "; did you mean '%s'?", low);
}

static void rule_entry(cfg *c, yaml_node_t *key, yaml_node_t *val, bool *seen)
{
	pm_model *m = c->m;
	if (key->type != YAML_SCALAR_NODE) {
		cfg_error(c, key, "expected a rule name, not %s", shown(c, key));
		return;
	}
	const char *name = (const char *)key->data.scalar.value;
	const pm_rule_info *ri = pm_rule_find(name, key->data.scalar.length);
	if (!ri) {
		cfg_error(c, key, "unknown rule %s%s", shown(c, key),
		          pm_suggest_hint(m, pm_suggest_rule(name, key->data.scalar.length)));
		return;
	}
	if (!ri->analysis) {
		cfg_error(c, key, "rule '%s' cannot be configured: only the analysis "
		          "rules can (see docs/rules.md)", ri->name);
		return;
	}
	size_t row = (size_t)(ri - pm_rules);
	pm_severity sev;
	if (seen[row]) {
		cfg_error(c, key, "rule '%s' is configured twice", ri->name);
	} else if (val->type != YAML_SCALAR_NODE) {
		cfg_error(c, val, "rule '%s' needs a level (off, info, warning or error), "
		          "not %s", ri->name, shown(c, val));
	} else if (!pm_parse_level((const char *)val->data.scalar.value, &sev) ||
	           strlen((const char *)val->data.scalar.value) != val->data.scalar.length) {
		cfg_error(c, val, "invalid level %s for rule '%s' (off, info, warning "
		          "or error)%s", shown(c, val), ri->name, level_hint(c, val));
	} else {
		m->an.sev[row] = sev;
	}
	seen[row] = true;
}

static void cfg_rules(cfg *c, yaml_node_t *map)
{
	if (is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		cfg_error(c, map, "'rules' must be a mapping of rule names to levels, "
		          "such as 'step-cycle: warning'");
		return;
	}
	bool seen[64] = { false };
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++)
		rule_entry(c, yaml_document_get_node(&c->doc, p->key),
		           yaml_document_get_node(&c->doc, p->value), seen);
}

/* --- thresholds: ----------------------------------------------------------------------- */

enum { TH_BOTTLENECK, TH_FAN_IN, TH_UTIL, TH_SHARE, TH_MIN_STEPS, TH_COUNT };

/* The last two were bottleneck-step's before it measured utilisation: a
 * configuration that sets them still loads, with a warning. */
static const char *const th_names[TH_COUNT] = {
	"bottleneck-utilisation", "join-fan-in", "utilisation",
	"bottleneck-share", "bottleneck-min-steps",
};

static void set_threshold(cfg *c, int which, yaml_node_t *val)
{
	pm_thresholds *th = &c->m->an.th;
	double v = 0;
	bool num = parse_number(val, &v);
	bool whole = num && !strchr((const char *)val->data.scalar.value, '.');
	switch (which) {
	case TH_SHARE:
	case TH_MIN_STEPS:
		pm_diag_add(c->m, PM_SEV_WARNING, "config",
		            cfg_loc(c, clamp(val->start_mark.line + 1),
		                    clamp(val->start_mark.column + 1)),
		            "threshold '%s' is no longer used: bottleneck-step now finds "
		            "the step whose owner is busiest; set 'bottleneck-utilisation' "
		            "(default 0.85) instead", th_names[which]);
		break;
	case TH_BOTTLENECK:
		if (num && v > 0 && v <= 100)
			th->bottleneck_utilisation = v;
		else
			cfg_error(c, val, "threshold 'bottleneck-utilisation' must be a number "
			          "above 0 (0.85 is 85%% of capacity), not %s", shown(c, val));
		break;
	case TH_FAN_IN:
		if (whole && v >= 2 && v <= 1e9)
			th->join_fan_in = (uint32_t)v;
		else
			cfg_error(c, val, "threshold 'join-fan-in' must be a whole number of at "
			          "least 2, not %s", shown(c, val));
		break;
	default:
		if (num && v > 0 && v <= 100)
			th->utilisation = v;
		else
			cfg_error(c, val, "threshold 'utilisation' must be a number above 0 "
			          "(1 is full capacity), not %s", shown(c, val));
		break;
	}
}

static void threshold_entry(cfg *c, yaml_node_t *key, yaml_node_t *val, bool *seen)
{
	if (key->type != YAML_SCALAR_NODE) {
		cfg_error(c, key, "expected a threshold name, not %s", shown(c, key));
		return;
	}
	for (int i = 0; i < TH_COUNT; i++) {
		if (!scalar_is(key, th_names[i]))
			continue;
		if (seen[i])
			cfg_error(c, key, "threshold '%s' is set twice", th_names[i]);
		else
			set_threshold(c, i, val);
		seen[i] = true;
		return;
	}
	cfg_error(c, key, "unknown threshold %s%s", shown(c, key),
	          did_you_mean(c, (const char *)key->data.scalar.value, th_names, TH_COUNT));
}

static void cfg_thresholds(cfg *c, yaml_node_t *map)
{
	if (is_null(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		cfg_error(c, map, "'thresholds' must be a mapping, such as "
		          "'join-fan-in: 4'");
		return;
	}
	bool seen[TH_COUNT] = { false };
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++)
		threshold_entry(c, yaml_document_get_node(&c->doc, p->key),
		                yaml_document_get_node(&c->doc, p->value), seen);
}

/* --- the document ---------------------------------------------------------------------- */

/* model: a file or a list of files (globs allowed); read by
 * pm_config_model_files(), only checked here. */
static void cfg_model(cfg *c, yaml_node_t *val)
{
	if (val->type == YAML_SCALAR_NODE && val->data.scalar.length > 0)
		return;
	if (val->type != YAML_SEQUENCE_NODE) {
		cfg_error(c, val, "'model' must be a file or a list of files, such as "
		          "[people.pmap, systems/*.pmap], not %s", shown(c, val));
		return;
	}
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     it < val->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(&c->doc, *it);
		if (n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0)
			cfg_error(c, n, "expected a file name in 'model', not %s",
			          n->type == YAML_SCALAR_NODE ? "an empty one" : shown(c, n));
	}
}

static void cfg_root(cfg *c, yaml_node_t *root)
{
	static const char *const keys[] = { "rules", "thresholds", "model" };
	if (!root || is_null(root))
		return;   /* an empty file configures nothing */
	if (root->type != YAML_MAPPING_NODE) {
		cfg_error(c, root, "the configuration must be a mapping with 'rules', "
		          "'thresholds' and 'model'");
		return;
	}
	bool seen[3] = { false, false, false };
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(&c->doc, p->value);
		int k = scalar_is(key, "rules") ? 0 : scalar_is(key, "thresholds") ? 1 :
		        scalar_is(key, "model") ? 2 : -1;
		if (k < 0 && key->type != YAML_SCALAR_NODE) {
			cfg_error(c, key, "expected 'rules', 'thresholds' or 'model' as a key, not %s",
			          shown(c, key));
		} else if (k < 0) {
			cfg_error(c, key, "unknown key %s (rules, thresholds or model)%s", shown(c, key),
			          did_you_mean(c, (const char *)key->data.scalar.value, keys, 3));
		} else if (seen[k]) {
			cfg_error(c, key, "key '%s' is given twice", keys[k]);
		} else if (k == 0) {
			cfg_rules(c, val);
		} else if (k == 1) {
			cfg_thresholds(c, val);
		} else {
			cfg_model(c, val);
		}
		if (k >= 0)
			seen[k] = true;
	}
}

/* Loads the next document; false (after reporting) on a syntax error. */
static bool next_document(cfg *c)
{
	if (!yaml_parser_load(&c->parser, &c->doc)) {
		syntax_error(c);
		return false;
	}
	c->doc_live = true;
	return true;
}

static void drop_document(cfg *c)
{
	yaml_document_delete(&c->doc);
	c->doc_live = false;
}

/* libyaml's scanner spends time linear in the flow nesting depth on every
 * token, so deep nesting would cost quadratic time.  A configuration is two
 * levels deep: a file nested deeper than this is refused before libyaml
 * sees it.  Brackets inside quotes and comments do not count. */
#define MAX_FLOW_DEPTH 1000

/* The offset of the bracket that opens one level too many, or SIZE_MAX. */
static size_t too_deep_at(const char *s, size_t n)
{
	size_t depth = 0;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (quote) {
			if (quote == '"' && ch == '\\')
				i++;
			else if (ch == quote)
				quote = 0;
		} else if (ch == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' ||
		                         s[i - 1] == '\n' || s[i - 1] == '\r')) {
			while (i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\r')
				i++;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if ((ch == '[' || ch == '{') && ++depth > MAX_FLOW_DEPTH) {
			return i;
		} else if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
		}
	}
	return SIZE_MAX;
}

static bool cfg_too_deep(cfg *c)
{
	size_t at = too_deep_at(c->text, c->len);
	if (at == SIZE_MAX)
		return false;
	uint32_t line = 1, col = 1;
	for (size_t i = 0; i < at; i++) {
		if (c->text[i] == '\n' || (c->text[i] == '\r' && c->text[i + 1] != '\n')) {
			line++;
			col = 1;
		} else if (((unsigned char)c->text[i] & 0xC0) != 0x80 && c->text[i] != '\r') {
			col++;
		}
	}
	cfg_error_at(c, line, col, "invalid YAML: nested more than %d levels deep",
	             MAX_FLOW_DEPTH);
	return true;
}

static pm_status cfg_load(cfg *c)
{
	int err = read_all(c->path, &c->buf, &c->len);
	if (err == ENOMEM)
		pm_oom(c->m);
	if (err) {
		c->m->an.config_errors++;
		pm_diag_add(c->m, PM_SEV_ERROR, "io", pm_noloc, "cannot read '%s': %s",
		            c->path, strerror(err));
		return PM_ERR_IO;
	}
	c->text = c->buf;
	if (cfg_too_deep(c))
		return PM_ERR_INPUT;
	if (!yaml_parser_initialize(&c->parser))
		pm_oom(c->m);
	c->parser_live = true;
	yaml_parser_set_input_string(&c->parser, (const unsigned char *)c->text, c->len);
	if (next_document(c)) {
		cfg_root(c, yaml_document_get_root_node(&c->doc));
		drop_document(c);
		if (next_document(c)) {
			yaml_node_t *extra = yaml_document_get_root_node(&c->doc);
			if (extra)
				cfg_error(c, extra, "a configuration file holds one YAML document");
			drop_document(c);
		}
	}
	return c->nerrors ? PM_ERR_INPUT : PM_OK;
}

pm_status pm_model_load_config(pm_model *m, const char *path)
{
	if (!m || !path)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	cfg *c = pm_malloc(sizeof *c);
	if (!c)
		return PM_ERR_NOMEM;
	memset(c, 0, sizeof *c);
	c->m = m;
	c->path = path;
	jmp_buf jb;
	if (setjmp(jb)) {
		cfg_free(c);
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_analysis_init(m);
	pm_status st = cfg_load(c);
	cfg_free(c);
	m->oom = NULL;
	return st;
}

/* --- finding the file ---------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
	char *p = pm_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = pm_malloc(la + lb + 1);
	if (p) {
		memcpy(p, a, la);
		memcpy(p + la, b, lb + 1);
	}
	return p;
}

/* The folder of a path as written: "a/b.pmap" → "a", "b.pmap" → ".". */
static char *folder_of(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (!path || strcmp(path, "-") == 0 || !slash)
		return dup_n(".", 1);
	return slash == path ? dup_n("/", 1) : dup_n(path, (size_t)(slash - path));
}

/* The parent of a folder, lexically: "a/b" → "a", "a" → ".", "." → "..",
 * "../.." → "../../..". */
static char *parent_of(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	const char *last = slash ? slash + 1 : dir;
	if (strcmp(last, "..") == 0 || strcmp(dir, ".") == 0)
		return strcmp(dir, ".") == 0 ? dup_n("..", 2) : concat(dir, "/..");
	if (!slash)
		return dup_n(".", 1);
	return slash == dir ? dup_n("/", 1) : dup_n(dir, (size_t)(slash - dir));
}

static char *candidate(const char *dir)
{
	if (strcmp(dir, ".") == 0)
		return dup_n(CONFIG_NAME, strlen(CONFIG_NAME));
	if (dir[strlen(dir) - 1] == '/')
		return concat(dir, CONFIG_NAME);
	return concat(dir, "/" CONFIG_NAME);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether dir is the file system's root, or does not exist. */
static bool at_top(const char *dir)
{
	char *real = realpath(dir, NULL);
	bool top = !real || strcmp(real, "/") == 0;
	free(real);
	return top;
}

char *pm_config_find(const char *model_path)
{
	char *dir = folder_of(model_path);
	/* 4096 levels is deeper than PATH_MAX allows: a guard, not a limit */
	for (int depth = 0; dir && depth < 4096; depth++) {
		char *cand = candidate(dir);
		if (!cand || is_file(cand)) {
			pm_free(dir);
			return cand;
		}
		pm_free(cand);
		if (at_top(dir))
			break;
		char *up = parent_of(dir);
		pm_free(dir);
		dir = up;
	}
	pm_free(dir);
	return NULL;
}
