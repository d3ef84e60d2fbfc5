/* fuzz_pmap.c — the .pmap reader end to end: parse, resolve, every analysis
 * pass, every report format, with the model's invariants checked after each
 * stage.  Any input must go through without a crash, a leak, undefined
 * behaviour or a broken invariant; the same input is then replayed with one
 * allocation failing.  The first byte picks a few rule levels, so findings
 * at every severity (and switched off) reach the reports. */
#include "fuzz_common.h"

static void set_rules(pm_model *m, uint8_t bits)
{
	static const char *const sets[] = {
		"missing-owner=error", "orphan-process=off", "unused-tool=warning",
		"step-cycle=info", "bottleneck-step=error", "missing-duration=off",
	};
	for (int i = 0; i < 6; i++)
		if (bits & (1u << i))
			FZ_CHECK(pm_model_set_rule(m, sets[i]) == PM_OK);
}

static int pmap_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	pm_model *m = pm_model_new();
	if (!m)
		return 1;
	if (size > 0)
		set_rules(m, data[0]);
	pm_status st = pm_model_load_buffer(m, "fuzz.pmap", (const char *)data,
	                                    size, PM_INPUT_PMAP);
	if (st != PM_ERR_NOMEM && !oom_run)
		fz_check_model(m, 0);
	return fz_analyse_and_report(m, st, oom_run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_with_oom(pmap_pipeline, data, size);
	return 0;
}
