/*
 * count.c — a small program built on libprocmap: it loads a model, resolves
 * and analyses it, then prints how many elements of each kind it holds and
 * every finding.
 *
 *   cc count.c $(pkg-config --cflags --libs libprocmap) -o count
 *   ./count samples/shop.pmap
 *
 * Exit status: 0 without errors, 1 when the model has errors, 2 when a file
 * cannot be read or memory runs out.
 */
#include <procmap.h>
#include <stdio.h>

static const struct {
	pm_kind kind;
	const char *name;
} kinds[] = {
	{ PM_KIND_SYSTEM, "systems" },
	{ PM_KIND_PROCESS, "processes" },
	{ PM_KIND_STEP, "steps" },
	{ PM_KIND_PERSON, "people" },
	{ PM_KIND_TOOL, "tools" },
	{ PM_KIND_FLOW, "flows" },
	{ PM_KIND_HANDOFF, "hand-offs" },
};

static void print_findings(pm_model *m)
{
	for (size_t i = 0; i < pm_model_diag_count(m); i++) {
		const pm_diag *d = pm_model_diag(m, i);
		if (d->suppressed)
			continue;   /* silenced by an `ignore:` in the model */
		if (d->file)
			printf("%s:%u:%u: ", d->file, (unsigned)d->line, (unsigned)d->column);
		printf("%s: %s [%s]\n", pm_severity_str(d->severity), d->message, d->rule);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: count FILE...\n");
		return 2;
	}
	pm_model *m = pm_model_new();
	if (!m) {
		fprintf(stderr, "count: out of memory\n");
		return 2;
	}
	int trouble = 0;
	pm_status st = PM_OK;
	for (int i = 1; i < argc && st != PM_ERR_NOMEM; i++) {
		st = pm_model_load_file(m, argv[i], PM_INPUT_AUTO);
		trouble |= st == PM_ERR_IO;
	}
	if (st != PM_ERR_NOMEM)
		st = pm_model_resolve(m);
	if (st != PM_ERR_NOMEM)
		st = pm_model_analyze(m);   /* findings join the diagnostics */
	if (st == PM_ERR_NOMEM) {
		pm_model_free(m);
		fprintf(stderr, "count: out of memory\n");
		return 2;
	}
	printf("procmap %s: %s\n", pm_version(),
	       pm_model_title(m) ? pm_model_title(m) : "(untitled)");
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		printf("%-10s %zu\n", kinds[k].name, pm_model_count(m, kinds[k].kind));
	print_findings(m);
	size_t errors = pm_model_diag_count_at(m, PM_SEV_ERROR);
	printf("%zu error(s), %zu warning(s), %zu info\n", errors,
	       pm_model_diag_count_at(m, PM_SEV_WARNING),
	       pm_model_diag_count_at(m, PM_SEV_INFO));
	pm_model_free(m);
	return trouble ? 2 : errors ? 1 : 0;
}
