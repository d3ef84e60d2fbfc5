/* yaml_load.h — between the YAML loader and its flow strings (internal). */
#ifndef PM_YAML_LOAD_H
#define PM_YAML_LOAD_H

#include <stdatomic.h>
#include <yaml.h>

#include "model.h"

/* A YAML scalar holding an arrow chain, and where the file has it. */
typedef struct pm_yaml_flow {
	uint32_t file;
	const char *val;            /* the scalar's value (not the source text) */
	size_t len;
	yaml_scalar_style_t style;
	pm_loc start;               /* the scalar's first character, or its anchor or tag */
	size_t boff;                /* the same as a byte offset into the file's text */
	bool direct;                /* plain, on one line, nothing before it: the
	                               value's bytes are the file's (boff unused) */
	pm_scope_kind scope_kind;   /* where the chain is written */
	pm_ix scope;
} pm_yaml_flow;

/* Adds the chain's arrows to m->arrows, as parser.c does for a .pmap flow
 * statement; problems become diagnostics located inside the string. */
void pm_yaml_parse_flow(pm_model *m, const pm_yaml_flow *f);

/* Files at least this many bytes long (and under 4 GiB) are parsed by
 * libyaml on a reader thread while the model is built; smaller ones, inline.
 * 32 MiB unless a test changes it before loading: below that (a 10 MB,
 * 100k-step file) the thread saved no time and cost a quarter more CPU;
 * at 104 MB (a million steps) it saves half a second. */
extern size_t pm_yaml_thread_min;
/* How many loads have used the reader thread, for the tests. */
extern atomic_ulong pm_yaml_threaded_loads;

/* The identifier rules of the .pmap lexer. */
static inline bool pm_yaml_id_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static inline bool pm_yaml_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool pm_yaml_id_char(int c)
{
	return pm_yaml_id_start(c) || pm_yaml_digit(c) || c == '-';
}

#endif
