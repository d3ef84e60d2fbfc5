/* yaml_load.c — YAML → the same model as .pmap (libyaml). */
#include "model.h"

pm_status pm_parse_yaml(pm_model *m, uint32_t file)
{
	pm_loc l = { file, 1, 1 };
	pm_error(m, "syntax", l, "YAML input is not supported yet");
	return PM_ERR_INPUT;
}
