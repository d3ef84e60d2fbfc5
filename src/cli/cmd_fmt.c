/* cmd_fmt.c — `procmap fmt` (not implemented yet). */
#include "cli.h"

int cmd_fmt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'fmt' is not implemented yet");
	return PM_EXIT_TROUBLE;
}
