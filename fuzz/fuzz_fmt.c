/* fuzz_fmt.c — `procmap fmt` and `procmap convert`, by their properties:
 * when the input parses, fmt(x) parses to the same model, fmt(fmt(x)) is
 * fmt(x), writing the model as .pmap gives fmt(x) too, and writing it as
 * YAML and reading that back gives the same model again.  Input that does
 * not parse must be refused (PM_ERR_INPUT), never formatted. */
#include "fuzz_common.h"

typedef struct fmt_run {
	pm_model *m[3];
	char *text[3];
} fmt_run;

static int fmt_done(fmt_run *r, pm_status st)
{
	for (int i = 0; i < 3; i++) {
		pm_model_free(r->m[i]);
		free(r->text[i]);
	}
	return st == PM_ERR_NOMEM;
}

#define STOP_ON_NOMEM(st) \
	do { \
		if ((st) == PM_ERR_NOMEM) { \
			FZ_CHECK(oom_run); \
			return fmt_done(&r, PM_ERR_NOMEM); \
		} \
	} while (0)

static int fmt_pipeline(const uint8_t *data, size_t size, int oom_run)
{
	fmt_run r = { { NULL }, { NULL } };
	size_t len[3];
	for (int i = 0; i < 3; i++)
		if (!(r.m[i] = pm_model_new()))
			return fmt_done(&r, PM_ERR_NOMEM);
	pm_status st = pm_format_pmap(r.m[0], "fuzz.pmap", (const char *)data, size,
	                              &r.text[0], &len[0]);
	STOP_ON_NOMEM(st);
	if (st != PM_OK) {
		FZ_CHECK(st == PM_ERR_INPUT && r.text[0] == NULL);
		FZ_CHECK(pm_model_diag_count_at(r.m[0], PM_SEV_ERROR) > 0);
		return fmt_done(&r, st);
	}
	FZ_CHECK(strlen(r.text[0]) == len[0]);

	/* fmt(x) parses, to the same model, and is its own layout */
	st = pm_format_pmap(r.m[1], "fuzz.pmap", r.text[0], len[0], &r.text[1], &len[1]);
	STOP_ON_NOMEM(st);
	FZ_CHECK(st == PM_OK);
	FZ_CHECK(len[1] == len[0] && memcmp(r.text[1], r.text[0], len[0]) == 0);
	fz_same_model(r.m[0], r.m[1]);
	free(r.text[1]);
	r.text[1] = NULL;

	/* the model written as .pmap is fmt(x) */
	st = fz_write_mem(r.m[0], pm_model_write_pmap, &r.text[1], &len[1]);
	STOP_ON_NOMEM(st);
	FZ_CHECK(st == PM_OK);
	FZ_CHECK(len[1] == len[0] && memcmp(r.text[1], r.text[0], len[0]) == 0);

	/* as YAML and back: the same model */
	st = fz_write_mem(r.m[0], pm_model_write_yaml, &r.text[2], &len[2]);
	STOP_ON_NOMEM(st);
	FZ_CHECK(st == PM_OK);
	st = pm_model_load_buffer(r.m[2], "fuzz.yaml", r.text[2], len[2], PM_INPUT_YAML);
	STOP_ON_NOMEM(st);
	FZ_CHECK(st == PM_OK);
	fz_same_model(r.m[0], r.m[2]);
	return fmt_done(&r, PM_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_with_oom(fmt_pipeline, data, size);
	return 0;
}
