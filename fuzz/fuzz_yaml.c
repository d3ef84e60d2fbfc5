/* fuzz_yaml.c — the YAML reader end to end, like fuzz_pmap.c: load, resolve,
 * every analysis pass and report, invariants after each stage, and the
 * out-of-memory replay.  A model that loads without errors must also
 * survive `procmap convert`: written as .pmap and read back, it is the same
 * model. */
#include "fuzz_common.h"

/* The .pmap form of a YAML model reads back as the same model. */
static pm_status yaml_round_trip(pm_model *m, int oom_run)
{
	char *text;
	size_t len;
	pm_status st = fz_write_mem(m, pm_model_write_pmap, &text, &len);
	if (st != PM_OK) {
		free(text);
		FZ_CHECK(st == PM_ERR_NOMEM);
		return st;
	}
	pm_model *back = pm_model_new();
	if (!back) {
		free(text);
		return PM_ERR_NOMEM;
	}
	st = pm_model_load_buffer(back, "back.pmap", text, len, PM_INPUT_PMAP);
	if (st != PM_ERR_NOMEM) {
		if (st != PM_OK)
			fprintf(stderr, "the .pmap written does not load:\n%.*s\n", (int)len, text);
		FZ_CHECK(st == PM_OK);
		if (!oom_run)
			fz_same_model(m, back);
	}
	pm_model_free(back);
	free(text);
	return st;
}

static int yaml_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	pm_model *m = pm_model_new();
	if (!m)
		return 1;
	pm_status st = pm_model_load_buffer(m, "fuzz.yaml", (const char *)data,
	                                    size, PM_INPUT_YAML);
	if (st != PM_ERR_NOMEM && !oom_run)
		fz_check_model(m, 0);
	if (st == PM_OK)
		st = yaml_round_trip(m, oom_run);
	return fz_analyse_and_report(m, st, oom_run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_with_oom(yaml_pipeline, data, size);
	return 0;
}
