/* cmd_render.c — `procmap render` (not implemented yet). */
#include "cli.h"

int cmd_render(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'render' is not implemented yet");
	return PM_EXIT_TROUBLE;
}
