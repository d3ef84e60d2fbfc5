/* fuzz_pmap.c — the .pmap reader end to end: parse, resolve, check the
 * model's invariants, and write the diagnostics with carets.  Any input must
 * load without a crash, a leak, undefined behaviour or a broken invariant;
 * the same input is then replayed with one allocation failing. */
#include "fuzz_common.h"

static int pmap_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	pm_model *m = pm_model_new();
	if (!m)
		return 1;
	int nomem = 0;
	pm_status st = pm_model_load_buffer(m, "fuzz.pmap", (const char *)data,
	                                    size, PM_INPUT_PMAP);
	if (st == PM_ERR_NOMEM)
		goto out;
	if (!oom_run)
		fz_check_model(m, 0);
	st = pm_model_resolve(m);
	if (st == PM_ERR_NOMEM)
		goto out;
	if (!oom_run)
		fz_check_model(m, 1);
	st = pm_model_write_diagnostics(m, fz_null(), 0);
	if (st == PM_ERR_NOMEM)
		goto out;
	st = pm_model_write_diagnostics(m, fz_null(), PM_WRITE_COLOR);
out:
	nomem = st == PM_ERR_NOMEM;
	FZ_CHECK(!nomem || oom_run);
	pm_model_free(m);
	return nomem;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_with_oom(pmap_pipeline, data, size);
	return 0;
}
