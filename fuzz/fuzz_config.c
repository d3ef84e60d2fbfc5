/* fuzz_config.c — the configuration reader (.procmap.yaml: rule levels and
 * thresholds).  The input is written to a file, since the reader takes a
 * path, and loaded into a model that then analyses a small business, so
 * whatever levels and thresholds the input sets reach every pass and report.
 * Invariants are checked and the out-of-memory replay runs as elsewhere. */
#include <unistd.h>

#include "fuzz_common.h"

static const char business[] =
	"person maya { capacity: 10h/week }\n"
	"tool notion\n"
	"system s {\n"
	"  owner: maya\n"
	"  process p {\n"
	"    runs: 5/week\n"
	"    trigger: \"go\"\n"
	"    step a { uses: notion; takes: 1h }\n"
	"    step b { waits: 2d }\n"
	"    step c { takes: 10m }\n"
	"    step d\n"
	"    a -> b -> c -> a\n"
	"    a -> d\n"
	"  }\n"
	"  process q { step x { ignore: missing-duration \"fuzz\" } }\n"
	"  p -> q -> p\n"
	"}\n"
	"system empty\n"
	"process orphan\n";

static const char *config_path(void)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/procmap-fuzz-config-%ld.yaml", (long)getpid());
	return path;
}

static void write_config(const uint8_t *data, size_t size)
{
	FILE *f = fopen(config_path(), "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static int config_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	(void)data;
	(void)size;
	pm_model *m = pm_model_new();
	if (!m)
		return 1;
	pm_status st = pm_model_load_config(m, config_path());
	if (st == PM_ERR_NOMEM)
		return fz_analyse_and_report(m, st, oom_run);
	FZ_CHECK(st == PM_OK || st == PM_ERR_INPUT);
	if (!oom_run)
		fz_check_diags(m);
	st = pm_model_load_buffer(m, "business.pmap", business, sizeof business - 1,
	                          PM_INPUT_PMAP);
	FZ_CHECK(st == PM_OK || st == PM_ERR_NOMEM);
	return fz_analyse_and_report(m, st, oom_run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_config(data, size);
	fz_run_with_oom(config_pipeline, data, size);
	return 0;
}
