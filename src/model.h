/*
 * model.h — the in-memory model shared by every stage (internal).
 *
 * Elements live in growable arrays and refer to each other by 32-bit index
 * (PM_NONE for "none").  Strings are interned: an element stores a string id
 * (pm_str, 0 = no string) and pm_str_get() gives the bytes, NUL-terminated.
 * Everything is owned by the model and freed by pm_model_free() without
 * recursion.  The processes of a system, and the steps of a process, are
 * contiguous runs of their arrays (declarations cannot be split).
 *
 * Out of memory: every allocation goes through pm_xmalloc() & co., which
 * longjmp to m->oom when it is set (each public entry point sets it).  After
 * that the model is only good for pm_model_free().
 */
#ifndef PM_MODEL_H
#define PM_MODEL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procmap.h"

typedef uint32_t pm_ix;
typedef uint32_t pm_str;
#define PM_NONE UINT32_MAX

/* A place in the input: file index into m->files, 1-based line, column. */
typedef struct pm_loc {
	uint32_t file, line, col;
} pm_loc;

typedef enum pm_scope_kind {
	PM_SCOPE_TOP, PM_SCOPE_SYSTEM, PM_SCOPE_PROCESS
} pm_scope_kind;

typedef struct pm_file {
	char *name;
	char *data;           /* the whole text, NUL-terminated, kept for carets;
	                         NULL after pm_model_drop_sources() */
	size_t len;
	pm_input_format format;
	uint32_t *lines;      /* offsets of line starts, built on demand */
	uint32_t nlines;
} pm_file;

/* A person of the business, or an actor: someone outside it (the client,
 * a carrier, a bank) whose steps count towards nobody's load.  Both live
 * in m->people and share one name table, so an id is one or the other. */
typedef struct pm_person {
	pm_str id, label, description;
	pm_str capacity_text;   /* as written, 0 when none (never for actors) */
	int64_t capacity_s;     /* seconds per week; -1 when none */
	pm_loc loc;
	bool actor;             /* declared with `actor` / under `actors:` */
} pm_person;

typedef struct pm_tool {
	pm_str id, label, description;
	pm_loc loc;
} pm_tool;

/* A name written in the input, resolved by resolve.c. */
typedef struct pm_ref {
	pm_str name;            /* possibly dotted, 0 when absent */
	pm_loc loc;
	pm_ix target;           /* index of the person/tool/..., PM_NONE */
} pm_ref;

typedef struct pm_system {
	pm_str id, label, description;
	pm_ref owner;
	pm_loc loc;
	pm_ix proc_first, proc_count;
} pm_system;

typedef struct pm_process {
	pm_str id, label, description, trigger;
	pm_ref owner;
	pm_str runs_text;       /* as written, 0 when none */
	double runs_per_week;   /* < 0 when none */
	pm_loc loc;
	pm_ix system;           /* PM_NONE for a top-level process */
	pm_ix step_first, step_count;
	pm_ix flow_first, flow_count;   /* into m->flows, after resolve */
	bool explicit_flow;     /* has written step → step arrows */
} pm_process;

/* A step's takes and waits, in seconds, or PM_NO_SECS when absent: 32
 * bits hold the 100 years value.c allows, and a step is the record a
 * million-step model has a million of (76 bytes, not 88). */
#define PM_NO_SECS UINT32_MAX

typedef struct pm_step {
	pm_str id, label, description;
	pm_ref owner;
	pm_str takes_text, waits_text;
	uint32_t takes, waits;          /* seconds; PM_NO_SECS when absent:
	                                   read through pm_takes(), pm_waits() */
	pm_loc loc;
	pm_ix process;
	pm_ix uses_first, uses_count;   /* into m->uses */
	pm_ix eff_owner;                /* person after inheritance, PM_NONE */
} pm_step;

/* Seconds as int64_t, -1 when absent, as the passes compute with them. */
static inline int64_t pm_secs(uint32_t v)
{
	return v == PM_NO_SECS ? -1 : (int64_t)v;
}
static inline int64_t pm_takes(const pm_step *s)
{
	return pm_secs(s->takes);
}
static inline int64_t pm_waits(const pm_step *s)
{
	return pm_secs(s->waits);
}
/* What pm_parse_duration() gave (0 .. 100 years), stored. */
static inline uint32_t pm_secs_store(int64_t v)
{
	return v < 0 || v >= PM_NO_SECS ? PM_NO_SECS : (uint32_t)v;
}

/* An arrow as written: one per `a -> b` pair of a chain. */
typedef struct pm_arrow {
	pm_ref from, to;
	pm_str label;
	pm_ix chance;           /* into m->chances; PM_NONE for a plain arrow */
	pm_scope_kind scope_kind;
	pm_ix scope;            /* system or process index, PM_NONE at top */
} pm_arrow;

/* The chance written after an arrow ("40%").  Few arrows have one, so it
 * lives beside the arrows rather than in each of them. */
typedef struct pm_chance {
	pm_str text;            /* as written */
	pm_loc loc;
	double value;           /* 0..1; -1 when the text is not a valid chance
	                           (the loader reported it) */
} pm_chance;

/* Resolved step → step arrow inside one process.  arrow is PM_NONE for the
 * implicit written-order arrows of a process without explicit ones. */
typedef struct pm_flow {
	pm_ix from, to;         /* step indices */
	pm_str label;
	pm_ix arrow;
	double chance;          /* 0..1: one of the alternatives out of `from`;
	                           -1: a plain arrow, always followed */
} pm_flow;

/* Resolved hand-off to a process; from_step/to_step are PM_NONE when the
 * arrow names the process itself. */
typedef struct pm_handoff {
	pm_ix from_proc, from_step, to_proc, to_step;
	pm_str label;
	pm_ix arrow;
	double chance;          /* as pm_flow.chance */
} pm_handoff;

/* `ignore: RULE "reason"` on an element. */
typedef struct pm_ignore {
	pm_kind kind;           /* PM_KIND_SYSTEM ... PM_KIND_TOOL */
	pm_ix elem;
	pm_str rule, reason;
	pm_loc loc;
	bool used;
} pm_ignore;

typedef struct pm_diag_rec {
	pm_diag d;
	uint32_t file;          /* index for sorting; UINT32_MAX when none */
	uint32_t seq;
} pm_diag_rec;

#define PM_VEC(T) struct { T *v; uint32_t n, cap; }

typedef struct pm_arena_block pm_arena_block;

/* A hash map from 64-bit keys to indices (open addressing).  Key and value
 * share a slot: a lookup costs one cache miss, not two. */
typedef struct pm_map_slot {
	uint32_t key_hi, key_lo;    /* halves: 12 bytes a slot, not 16 */
	uint32_t val;               /* PM_NONE marks an empty slot */
} pm_map_slot;

typedef struct pm_map {
	pm_map_slot *slots;
	uint32_t cap, n;
} pm_map;

/* A slot of the string table: short strings (ids, durations) compare
 * without leaving the slot. */
typedef struct pm_strslot {
	uint64_t head;                  /* first 8 bytes, zero-padded */
	uint32_t id;                    /* 0 = empty */
	uint32_t tag;                   /* hash bits | min(len, 255) */
} pm_strslot;

#define PM_STR_RECENT 4096     /* a power of two: 64 KiB, half an L2 */

typedef struct pm_strtab {
	PM_VEC(const char *) str;       /* id → bytes (NUL-terminated) */
	PM_VEC(uint32_t) len;
	pm_strslot *slots;              /* open addressing */
	uint32_t nslots;
	/* the last string seen per hash bucket: ids, durations and labels
	 * repeat, and this small table stays in cache where slots does not */
	pm_strslot recent[PM_STR_RECENT];
} pm_strtab;

/* Why a process has no lead time (pm_proc_metrics.lead_status). */
typedef enum pm_lead_status {
	PM_LEAD_OK,                 /* lead_s, work_s and the critical path are set */
	PM_LEAD_CYCLE,              /* its steps hold a trap: a loop no arrow
	                               leaves (step-cycle) */
	PM_LEAD_NO_DATA,            /* no step has takes or waits */
	PM_LEAD_EMPTY               /* the process has no steps */
} pm_lead_status;

/* Per process, filled by the lead-time pass (the 32-bit fields together:
 * 56 bytes, not 64). */
typedef struct pm_proc_metrics {
	pm_lead_status lead_status;
	pm_ix crit_first, crit_count;   /* worst pass: into an.crit_steps */
	pm_ix bottleneck;           /* the bottleneck-step, PM_NONE */
	int64_t lead_s;             /* expected lead time: takes + waits weighted
	                               by visits, alternatives by their chance,
	                               parallel branches the longest; -1 when it
	                               cannot be computed (see lead_status) */
	int64_t work_s;             /* expected takes on that path (so work/lead
	                               is the flow efficiency); -1 with lead_s */
	int64_t outside_s;          /* of lead_s, the waits of actors' steps:
	                               outside the business's hands; -1 with lead_s */
	int64_t worst_s;            /* the single worst pass: loops once, every
	                               branch possible, the longest; -1 with lead_s */
	double bottleneck_share;    /* its share of its owner's load, 0..1 */
} pm_proc_metrics;

/* Per person, filled by the load pass. */
typedef struct pm_person_metrics {
	double load_s;              /* seconds of work per week */
	double utilisation;         /* load / capacity; -1 without capacity */
} pm_person_metrics;

typedef struct pm_thresholds {
	double bottleneck_utilisation;  /* default 0.85: owner's load/capacity */
	uint32_t join_fan_in;       /* default 3 */
	double utilisation;         /* default 1.0: load above capacity */
} pm_thresholds;

/* Scratch memory of the analysis (analysis.c). */
typedef struct pm_scratch_chunk {
	char *base;
	size_t cap, used;
	size_t touched;         /* the most of it used since pages were last
	                           given back (pm_scratch_pop) */
} pm_scratch_chunk;
typedef struct pm_scratch_rec {
	uint32_t chunk;
	size_t used;
} pm_scratch_rec;

typedef struct pm_analysis {
	bool done;
	pm_severity sev[64];        /* per pm_rules[] row, from defaults/config */
	pm_thresholds th;
	PM_VEC(pm_proc_metrics) procs;
	PM_VEC(pm_person_metrics) people;
	PM_VEC(pm_ix) crit_steps;
	uint32_t skipped_rules;     /* rules that input errors kept quiet */
	PM_VEC(double) visits;      /* per step: expected visits per run */
	/* analysis.c internals */
	bool inited;                /* sev[] and th hold their defaults or config */
	bool has_config_file;       /* a config file with errors was added to */
	uint32_t config_file;       /* m->files (for carets): its index */
	uint32_t config_errors;     /* error diagnostics about config files */
	/* temporaries, freed before analyze returns: a stack of allocations
	 * in a few big chunks, so what one pass gives back the next reuses
	 * (pages already touched) instead of faulting in fresh ones */
	PM_VEC(pm_scratch_chunk) scratch;
	PM_VEC(pm_scratch_rec) scratch_recs;    /* per allocation: where it began */
	uint32_t scratch_cur;       /* the chunk allocations come from */
	size_t scratch_hint;        /* size of a new chunk, from the counts */
	struct pm_actx *cx;         /* pass context while analysing, else NULL */
	/* called after each phase of pm_model_analyze() when set: bench/bench.c
	 * times the passes one by one with it */
	void (*phase_done)(pm_model *m, const char *name);
} pm_analysis;

struct pm_model {
	jmp_buf *oom;
	bool broken;            /* an allocation failed */
	bool resolved;
	bool has_duplicates;    /* resolve reported a duplicate-id */
	bool stop;              /* too many errors: loaders stop */
	uint32_t nerrors;       /* error diagnostics from loading */
	pm_arena_block *arena;
	pm_strtab strs;
	pm_str title;
	pm_loc title_loc;

	PM_VEC(pm_file) files;
	PM_VEC(pm_person) people;
	PM_VEC(pm_tool) tools;
	PM_VEC(pm_system) systems;
	PM_VEC(pm_process) processes;
	PM_VEC(pm_step) steps;
	PM_VEC(pm_ref) uses;
	PM_VEC(pm_arrow) arrows;
	PM_VEC(pm_chance) chances;  /* pm_arrow.chance */
	PM_VEC(pm_flow) flows;
	PM_VEC(pm_handoff) handoffs;
	PM_VEC(pm_ignore) ignores;
	PM_VEC(pm_diag_rec) diags;
	bool diags_sorted;

	/* name tables, filled by resolve: key = (scope << 32) | name */
	pm_map names_top;       /* systems and top-level processes: val = kind tag */
	pm_map names_people, names_tools;
	pm_map names_procs;     /* (system, name) → process */
	pm_map names_steps;     /* (process, name) → step, only for processes of
	                           more than PM_SCAN_STEPS steps: pm_step_find() */

	pm_analysis an;         /* analysis.c: config, metrics */
};

/* Tags of names_top values: the top bit says "process". */
#define PM_TOP_PROCESS 0x80000000u

/* The most error diagnostics one model collects from loading. */
#define PM_MAX_ERRORS 1000

/* --- allocation (alloc.c) ------------------------------------------------ */
void *pm_xmalloc(pm_model *m, size_t n);
void *pm_xrealloc(pm_model *m, void *p, size_t n);
void pm_xfree(void *p);
/* Plain allocation through the same hook, NULL on failure. */
void *pm_malloc(size_t n);
void *pm_realloc(void *p, size_t n);
void pm_free(void *p);
/* Test hook: fail the n-th allocation from now (0 = never). */
PM_EXPORT void pm_alloc_fail_after(unsigned long n);
PM_EXPORT unsigned long pm_alloc_count(void);
/* Whether the test hook fails this allocation, for one served from memory
 * already held (the analysis's scratch stack), which then fails as a real
 * one would. */
bool pm_alloc_injected(void);
/* Gives the whole pages of [p, p + n) back to the system: their contents
 * are gone, and touching them again brings zeroed ones (alloc.c). */
void pm_pages_release(void *p, size_t n);
_Noreturn void pm_oom(pm_model *m);

/* --- arena and vectors (model.c) ------------------------------------------ */
void *pm_arena_alloc(pm_model *m, size_t n);
char *pm_arena_strdup(pm_model *m, const char *s, size_t len);
/* v in decimal at o, no NUL; returns the end.  (printf is the slow way
 * when a report holds a million numbers.) */
char *pm_put_decimal(char *o, uint64_t v);
bool pm_put_fixed(char *o, double v, unsigned digits);
char *pm_arena_printf(pm_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pm_vec_grow_(pm_model *m, void **v, uint32_t *cap, size_t elem);
#define pm_vec_push(m, vec) \
	(((vec).n == (vec).cap \
	  ? pm_vec_grow_((m), (void **)&(vec).v, &(vec).cap, sizeof *(vec).v) \
	  : (void)0), \
	 &(vec).v[(vec).n++])
/* Makes room for n elements in all (never shrinks): a vector sized once from
 * an estimate is written where it lies, not copied at every doubling, and the
 * pages of the room it does not use are never touched. */
void pm_vec_reserve_(pm_model *m, void **v, uint32_t *cap, size_t elem, uint32_t n);
#define pm_vec_reserve(m, vec, n) \
	pm_vec_reserve_((m), (void **)&(vec).v, &(vec).cap, sizeof *(vec).v, (n))
#define pm_vec_free(vec) (pm_xfree((vec).v), (vec).v = NULL, (vec).n = (vec).cap = 0)

/* --- maps --------------------------------------------------------------- */
/* Inserts key → val unless the key is there; returns the value that was
 * there, or PM_NONE when inserted. */
uint32_t pm_map_put(pm_model *m, pm_map *map, uint64_t key, uint32_t val);
uint32_t pm_map_get(const pm_map *map, uint64_t key);
/* Replaces the value of a key that is in the map. */
void pm_map_set(pm_map *map, uint64_t key, uint32_t val);
/* Makes room for n keys in all, so that filling the map never rehashes. */
void pm_map_reserve(pm_model *m, pm_map *map, uint32_t n);
void pm_map_free(pm_map *map);
static inline uint64_t pm_key(uint32_t scope, pm_str name)
{
	return (uint64_t)scope << 32 | name;
}

/* --- strings -------------------------------------------------------------- */
pm_str pm_intern(pm_model *m, const char *s, size_t len);
/* Makes room for n strings in all, so that interning them never rehashes. */
void pm_intern_reserve(pm_model *m, uint32_t n);
/* Sizes the model's big vectors once from a file's length (model.c). */
void pm_presize(pm_model *m, size_t len, pm_input_format fmt);
/* Returns the id of an already interned string, 0 when not interned. */
pm_str pm_str_find(const pm_model *m, const char *s, size_t len);
static inline const char *pm_str_get(const pm_model *m, pm_str s)
{
	return m->strs.str.v[s];
}
static inline uint32_t pm_str_len(const pm_model *m, pm_str s)
{
	return m->strs.len.v[s];
}

/* --- diagnostics (model.c) ------------------------------------------------ */
pm_diag_rec *pm_diag_add(pm_model *m, pm_severity sev, const char *rule,
                         pm_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
pm_diag_rec *pm_diag_addv(pm_model *m, pm_severity sev, const char *rule,
                          pm_loc loc, const char *fmt, va_list ap);
/* Like pm_diag_add() with a message already written: `msg` must live as
 * long as the model (the arena), and is not copied. */
pm_diag_rec *pm_diag_add_msg(pm_model *m, pm_severity sev, const char *rule,
                             pm_loc loc, const char *msg);
/* A loader error; returns NULL (and adds nothing) once the cap is reached. */
pm_diag_rec *pm_error(pm_model *m, const char *rule, pm_loc loc,
                      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pm_diag_sort(pm_model *m);
extern const pm_loc pm_noloc;

/* --- chances ---------------------------------------------------------------- */
/* The chance of arrow `a`: 0..1, or -1 for a plain arrow or a bad chance. */
static inline double pm_arrow_chance(const pm_model *m, const pm_arrow *a)
{
	return a->chance == PM_NONE ? -1 : m->chances.v[a->chance].value;
}
/* The chance as written, 0 for a plain arrow. */
static inline pm_str pm_arrow_chance_text(const pm_model *m, const pm_arrow *a)
{
	return a->chance == PM_NONE ? 0 : m->chances.v[a->chance].text;
}
/* Gives arrow `ai` a chance record (value -1 until set) and returns it. */
pm_chance *pm_arrow_add_chance(pm_model *m, pm_ix ai, pm_loc loc);

/* --- names ---------------------------------------------------------------- */
/* Writes the qualified id of an element ("sys.proc.step") to the arena. */
const char *pm_qualified_id(pm_model *m, pm_kind kind, pm_ix i);
/* Where element i of a kind (system, process, step, person or actor, tool)
 * is declared, its own id and its label (0 when it has none); pm_noloc /
 * 0 for the other kinds. */
pm_loc pm_elem_loc(const pm_model *m, pm_kind kind, pm_ix i);
pm_str pm_elem_id(const pm_model *m, pm_kind kind, pm_ix i);
pm_str pm_elem_label(const pm_model *m, pm_kind kind, pm_ix i);
/* What element i of a kind is called in messages: "system", "process",
 * "step", "person", "actor" (a person who is an actor) or "tool". */
const char *pm_elem_word(const pm_model *m, pm_kind kind, pm_ix i);
/* "1.67", "2", "33.3", "0": a number with at most two decimals, trailing
 * zeros dropped, for messages (arena). */
const char *pm_decimal_str(pm_model *m, double v);

/* --- loaders (parser.c, yaml_load.c) ------------------------------------- */
/* Adds a file (takes ownership of data, which must be NUL-terminated). */
uint32_t pm_model_add_file(pm_model *m, const char *name, char *data,
                           size_t len, pm_input_format fmt);
pm_status pm_parse_pmap(pm_model *m, uint32_t file);
pm_status pm_parse_yaml(pm_model *m, uint32_t file);

/* The text of line `line` (1-based) of a file, without its line break;
 * NULL when out of range.  Builds the file's line index on first use. */
const char *pm_file_line(pm_model *m, uint32_t file, uint32_t line, size_t *len);

/* --- values (value.c) ----------------------------------------------------- */
/* Parse "1h30m" to seconds; false when malformed or out of range. */
bool pm_parse_duration(const char *s, size_t len, int64_t *out, const char **why);
/* Parse "5/week" to runs per week. */
bool pm_parse_rate(const char *s, size_t len, double *out, const char **why);
/* Parse "30h/week" to seconds per week. */
bool pm_parse_capacity(const char *s, size_t len, int64_t *out, const char **why);
/* Parse "40%" (or "33.3%") to 0.4: more than 0%, at most 100%. */
bool pm_parse_chance(const char *s, size_t len, double *out, const char **why);
/* The explanation for a value that failed to parse as kind 'd' (duration),
 * 'r' (rate) or 'c' (capacity), given the parser's `why`: the value to
 * write when one can be guessed ("write '30m'"), the units otherwise
 * (arena, or `why` itself). */
const char *pm_value_advice(pm_model *m, char kind, const char *s, size_t len,
                            const char *why);

/* --- resolve.c ------------------------------------------------------------ */
pm_status pm_resolve(pm_model *m);
/* The step called `name` in process `proc` (the first one declared), or
 * PM_NONE.  Steps of processes of up to PM_SCAN_STEPS steps are found by a
 * scan, the others through names_steps (filled by resolve). */
pm_ix pm_step_find(const pm_model *m, pm_ix proc, pm_str name);
#define PM_SCAN_STEPS 16

#endif
