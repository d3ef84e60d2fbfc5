/* cmd_rules.c — `procmap rules`: every rule procmap reports, with its
 * default severity, the element kinds its findings are about and what it
 * finds (the table of src/rules.c). */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "rules.h"
#include "suggest.h"

static const char rules_usage[] =
	"usage: procmap rules [options]\n\n"
	"List every rule procmap reports: its name, its default severity, what\n"
	"its findings are about and what it finds.  Rules about the input (the\n"
	".pmap or YAML text, the files, the configuration) keep their severity;\n"
	"the others can be set with --rule NAME=LEVEL or in .procmap.yaml, and\n"
	"silenced on one element with `ignore: NAME \"reason\"`.\n\n"
	"Options:\n"
	"  -f, --format FMT       text (default) or json\n"
	"  -h, --help             show this help\n\n"
	"Exit status: 0 listed, 2 usage error or a failed write.\n";


/* "system, process, step", or "input" for a rule of the loaders. */
static const char *about(const pm_rule_info *r, char *buf, size_t size)
{
	if (!r->analysis)
		return "input";
	size_t n = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < PM_RK_COUNT; k++)
		if (r->kinds & PM_RK(k))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
			                      pm_rk_names[k]);
	return buf;
}

static void write_text(FILE *out)
{
	char buf[128];
	int wname = (int)strlen("RULE"), wabout = (int)strlen("ABOUT");
	for (size_t i = 0; i < pm_nrules; i++) {
		int n = (int)strlen(pm_rules[i].name);
		int a = (int)strlen(about(&pm_rules[i], buf, sizeof buf));
		wname = n > wname ? n : wname;
		wabout = a > wabout ? a : wabout;
	}
	fprintf(out, "%-*s  %-8s  %-*s  %s\n", wname, "RULE", "SEVERITY", wabout, "ABOUT",
	        "FINDS");
	for (size_t i = 0; i < pm_nrules; i++)
		fprintf(out, "%-*s  %-8s  %-*s  %s\n", wname, pm_rules[i].name,
		        pm_severity_str(pm_rules[i].severity), wabout,
		        about(&pm_rules[i], buf, sizeof buf), pm_rules[i].summary);
}

static void write_json(FILE *out)
{
	static pm_json j;
	pm_json_init(&j, out);
	pm_json_array(&j);
	for (size_t i = 0; i < pm_nrules; i++) {
		const pm_rule_info *r = &pm_rules[i];
		pm_json_object(&j);
		pm_json_kstr(&j, "name", r->name);
		pm_json_kstr(&j, "severity", pm_severity_str(r->severity));
		pm_json_key(&j, "configurable");
		pm_json_bool(&j, r->analysis);
		pm_json_key(&j, "about");
		pm_json_array(&j);
		if (!r->analysis)
			pm_json_string(&j, "input");
		for (size_t k = 0; k < PM_RK_COUNT; k++)
			if (r->kinds & PM_RK(k))
				pm_json_string(&j, pm_rk_names[k]);
		pm_json_array_end(&j);
		pm_json_kstr(&j, "summary", r->summary);
		pm_json_object_end(&j);
	}
	pm_json_array_end(&j);
	pm_json_end(&j);
}

/* --format text|json */
static int parse_option(int c, const char *arg, void *ctx)
{
	(void)c;
	bool *json = ctx;
	*json = strcmp(arg, "json") == 0;
	if (!*json && strcmp(arg, "text") != 0)
		return cli_usage("rules", "invalid --format '%s' (text or json)%s", arg,
		                 cli_hint(pm_suggest_list(arg, "text\0json\0")));
	return -1;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int rc = cli_options("rules", rules_usage, argc, argv, "f:h", opts, parse_option, &json);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage("rules", "unexpected argument '%s'", argv[optind]);
	if (json)
		write_json(stdout);
	else
		write_text(stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write the list of rules to standard output");
		return PM_EXIT_TROUBLE;
	}
	return PM_EXIT_OK;
}
