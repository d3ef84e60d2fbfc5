/* model_files.c — the files a .procmap.yaml names as the model:
 *
 *     model: [people.pmap, systems/...pmap, finance.yaml]
 *
 * (the middle one any glob, such as a star before ".pmap").
 *
 * Names are relative to the configuration's folder; each is a glob(3)
 * pattern, its matches sorted, a file named twice taken once.  A name
 * without wildcards is kept even when missing, so that reading it says
 * why.  Only the list is read here: pm_model_load_config() checks it. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model.h"

typedef struct file_list {
	char **v;
	size_t n, cap;
	bool oom;
} file_list;

static void add(file_list *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i], path) == 0)
			return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		char **v = realloc(f->v, cap * sizeof *v);
		if (!v) {
			f->oom = true;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	if (!(f->v[f->n] = strdup(path)))
		f->oom = true;
	else
		f->n++;
}

/* One name of the list, relative to `dir` ("" for the current folder). */
static void add_pattern(file_list *f, const char *dir, const char *name, size_t len)
{
	size_t dl = name[0] == '/' ? 0 : strlen(dir);
	char *pat = malloc(dl + len + 2);
	if (!pat) {
		f->oom = true;
		return;
	}
	memcpy(pat, dir, dl);
	if (dl && pat[dl - 1] != '/')
		pat[dl++] = '/';
	memcpy(pat + dl, name, len);
	pat[dl + len] = '\0';
	glob_t g;
	int r = glob(pat, 0, NULL, &g);
	if (r == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			add(f, g.gl_pathv[i]);
	} else if (!strpbrk(pat, "*?[")) {
		add(f, pat);
	}
	if (r == 0 || r == GLOB_NOMATCH)
		globfree(&g);
	free(pat);
}

static yaml_node_t *model_node(yaml_document_t *doc)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(doc, p->key);
		if (key->type == YAML_SCALAR_NODE && key->data.scalar.length == 5 &&
		    memcmp(key->data.scalar.value, "model", 5) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static void collect(file_list *f, yaml_document_t *doc, const char *dir)
{
	yaml_node_t *v = model_node(doc);
	if (v && v->type == YAML_SCALAR_NODE && v->data.scalar.length)
		add_pattern(f, dir, (const char *)v->data.scalar.value, v->data.scalar.length);
	if (!v || v->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(doc, *it);
		if (n->type == YAML_SCALAR_NODE && n->data.scalar.length)
			add_pattern(f, dir, (const char *)n->data.scalar.value, n->data.scalar.length);
	}
}

pm_status pm_config_model_files(const char *config_path, char ***out, size_t *n)
{
	if (!config_path || !out || !n)
		return PM_ERR_USAGE;
	*out = NULL;
	*n = 0;
	FILE *fp = fopen(config_path, "rb");
	if (!fp)
		return PM_ERR_IO;
	yaml_parser_t parser;
	yaml_document_t doc;
	file_list f = { 0 };
	pm_status st = PM_OK;
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		return PM_ERR_NOMEM;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (yaml_parser_load(&parser, &doc)) {
		const char *slash = strrchr(config_path, '/');
		char *dir = strndup(config_path, slash ? (size_t)(slash - config_path) + 1 : 0);
		if (dir)
			collect(&f, &doc, dir);
		f.oom |= !dir;
		free(dir);
		yaml_document_delete(&doc);
	} else {
		st = PM_ERR_INPUT;   /* pm_model_load_config() says where */
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	if (f.oom) {
		pm_config_model_files_free(f.v, f.n);
		return PM_ERR_NOMEM;
	}
	*out = f.v;
	*n = f.n;
	return st;
}

void pm_config_model_files_free(char **files, size_t n)
{
	for (size_t i = 0; files && i < n; i++)
		free(files[i]);
	free(files);
}
