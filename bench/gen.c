/* gen.c - deterministic synthetic model generator for procmap benchmarks.
 *
 *   gen --steps N [--format pmap|yaml] [--seed S] > model.pmap
 *
 * Writes a model of about N steps, in the .pmap language or the equivalent
 * YAML form; the same seed gives the same model, byte for byte, in either
 * format (both formats are written from one walk over one random stream).
 *
 * Shape of the model (all fractions are of processes unless said otherwise):
 *   - systems of 5-40 processes, processes of 3-12 steps
 *   - 70% of processes have arrows: a chain, a third of them with a diamond
 *     (one step fans out to two that join again); 30% run in written order
 *   - about 1 in 2000 arrowed processes has a back arrow: a step cycle
 *   - one person per ~40 steps, 20 tools; takes on every step, waits on
 *     ~20%, runs on every process, a trigger on ~30%, owners on ~90% of
 *     steps (the rest inherit from the process or system)
 *   - hand-offs: every untriggered system process gets one from an earlier
 *     process of its system; ~8% extra forward ones; ~1% back-edges that
 *     close a two-process hand-off cycle; ~8% step-level hand-offs, mostly
 *     to later systems (dotted paths); top-level hand-offs between systems,
 *     a few of them from a step (system.process.step)
 *   - ~0.5% orphan processes at top level (no trigger, nothing hands off to
 *     them)
 *
 * Single file, C11 and libc only: cc -O2 -std=c11 -o gen gen.c
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ---- random numbers: splitmix64, so no libc rand() state leaks in ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* A number in [0, n); n is small, so the modulo bias is negligible. */
static uint32_t rng_below(uint32_t n)
{
	return n ? (uint32_t)(rng_next() % n) : 0;
}

/* True with probability num/den. */
static int rng_chance(uint32_t num, uint32_t den)
{
	return rng_below(den) < num;
}

#define PICK(arr) (arr[rng_below((uint32_t)(sizeof(arr) / sizeof(arr[0])))])

/* ---- output: one large buffer, written in big chunks ---- */

static char obuf[1 << 20];
static size_t olen;

static void out_flush(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		fprintf(stderr, "gen: write error: %s\n", strerror(errno));
		exit(EXIT_FAIL);
	}
	olen = 0;
}

static void out_mem(const char *s, size_t n)
{
	if (olen + n > sizeof obuf)
		out_flush();
	memcpy(obuf + olen, s, n);
	olen += n;
}

static void out_s(const char *s)
{
	out_mem(s, strlen(s));
}

static void out_u(uint64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_mem(tmp + i, sizeof tmp - i);
}

static void out_indent(int n)
{
	static const char spaces[] = "                                ";
	out_mem(spaces, (size_t)n);
}

/* prefix followed by a number: "st" 7 -> st7 */
static void out_id(const char *prefix, uint64_t n)
{
	out_s(prefix);
	out_u(n);
}

static void out_quoted(const char *s)
{
	out_s("\"");
	out_s(s);
	out_s("\"");
}

/* ---- vocabulary ---- */

static const char *const verbs[] = {
	"Check", "Review", "Approve", "Draft", "Send", "Prepare", "Update",
	"Record", "Schedule", "Confirm", "Collect", "Verify", "Publish",
	"Archive", "Assign", "Reconcile", "Pack", "Ship", "Plan", "Quote",
	"Test", "Sign", "File", "Call about", "Email", "Measure", "Order",
	"Book", "Chase", "Log",
};
static const char *const nouns[] = {
	"order", "invoice", "contract", "report", "request", "stock",
	"payment", "schedule", "proposal", "ticket", "quote", "delivery",
	"timesheet", "budget", "brief", "design", "listing", "refund",
	"booking", "account", "receipt", "claim", "survey", "form",
	"campaign", "roster", "shipment", "forecast", "backlog", "newsletter",
};
static const char *const nouns_cap[] = {
	"Order", "Invoice", "Contract", "Report", "Request", "Stock",
	"Payment", "Schedule", "Proposal", "Ticket", "Quote", "Delivery",
	"Timesheet", "Budget", "Brief", "Design", "Listing", "Refund",
	"Booking", "Account", "Receipt", "Claim", "Survey", "Form",
	"Campaign", "Roster", "Shipment", "Forecast", "Backlog", "Newsletter",
};
static const char *const proc_words[] = {
	"intake", "approval", "handling", "review", "fulfilment",
	"processing", "follow-up", "planning", "reporting", "onboarding",
};
static const char *const sys_names[] = {
	"Sales", "Operations", "Finance", "Support", "Marketing", "Logistics",
	"People", "Purchasing", "Quality", "IT", "Legal", "Facilities",
};
static const char *const triggers[] = {
	"customer request", "month end", "new hire", "supplier invoice arrives",
	"weekly review", "order placed", "quarter end", "complaint received",
	"form submitted", "stock below threshold",
};
static const char *const tool_names[20] = {
	"Notion", "Slack", "Google Sheets", "Google Drive", "Xero",
	"QuickBooks", "Shopify", "HubSpot", "Trello", "Asana", "Jira",
	"Zendesk", "Mailchimp", "Stripe", "Canva", "Figma", "Zoom",
	"Calendly", "Airtable", "DocuSign",
};
static const char *const first_names[] = {
	"Maya", "Tom", "Priya", "Lena", "Raj", "Nina", "Sam", "Jo", "Alex",
	"Kai", "Ines", "Ben", "Marco", "Sofia", "Ada", "Oli", "Leo", "Zoe",
	"Omar", "Hana",
};
static const char *const takes_vals[] = {
	"5m", "5m", "10m", "10m", "15m", "15m", "20m", "30m", "30m", "45m",
	"1h", "1h", "1h30m", "2h", "2h30m", "0.5h",
};
static const char *const waits_vals[] = { "1h", "4h", "1d", "2d", "3d", "1w" };
static const char *const capacities[] = {
	"20h/week", "24h/week", "30h/week", "35h/week", "38h/week",
	"38h/week", "40h/week",
};
static const char *const branch_labels[] = {
	"if urgent", "if approved", "high value", "needs review", "in parallel",
};
static const char *const handoff_labels[] = {
	"when done", "if escalated", "monthly batch", "on request",
};

/* ---- the plan: sizes decided up front so references can point forward ---- */

typedef struct {
	uint32_t first_proc; /* global number of its first process, from 1 */
	uint32_t nprocs;
	uint64_t first_step; /* global index of its first step, from 0 */
} sys_plan;

static sys_plan *systems;
static uint32_t nsystems;
static uint8_t *proc_steps; /* steps per process, indexed by global number */
static uint32_t nprocs;     /* system processes */
static uint8_t *orphan_steps;
static uint32_t norphans;
static uint32_t npeople;
static int yaml;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "gen: out of memory\n");
		exit(EXIT_FAIL);
	}
	return p;
}

static void plan(uint64_t nsteps)
{
	uint64_t total = 0;
	uint64_t max_procs = nsteps / 3 + 2;

	norphans = (uint32_t)(nsteps / 1500 ? nsteps / 1500 : 1);
	orphan_steps = xcalloc(norphans, 1);
	for (uint32_t i = 0; i < norphans; i++) {
		orphan_steps[i] = (uint8_t)(3 + rng_below(10));
		total += orphan_steps[i];
	}
	proc_steps = xcalloc(max_procs + 1, 1);
	systems = xcalloc(max_procs / 5 + 2, sizeof *systems);
	while (total < nsteps || nsystems == 0) {
		sys_plan *s = &systems[nsystems++];
		uint32_t want = 5 + rng_below(36);
		s->first_proc = nprocs + 1;
		s->first_step = total;
		while (s->nprocs < want && (total < nsteps || s->nprocs == 0)) {
			uint8_t k = (uint8_t)(3 + rng_below(10));
			proc_steps[++nprocs] = k;
			s->nprocs++;
			total += k;
		}
	}
	npeople = (uint32_t)(total / 40 ? total / 40 : 1);
}

/* ---- small emitters shared by both formats ---- */

typedef struct {
	uint32_t from, to; /* local process indexes within the system */
	const char *label; /* or NULL */
} handoff;

/* A person from the team that works around step index `at`. */
static uint32_t pick_person(uint64_t at, uint32_t team)
{
	return 1 + (uint32_t)((at / 40 + rng_below(team)) % npeople);
}

static void emit_people(void)
{
	out_s(yaml ? "people:\n" : "# people\n");
	for (uint32_t i = 1; i <= npeople; i++) {
		const char *name = PICK(first_names);
		const char *cap = PICK(capacities);
		if (yaml) {
			out_indent(2);
			out_id("u", i);
			out_s(": { name: \"");
		} else {
			out_id("person u", i);
			out_s(" \"");
		}
		out_s(name);
		out_s(" ");
		out_u(i);
		out_s(yaml ? "\", capacity: " : "\" { capacity: ");
		out_s(cap);
		out_s(" }\n");
	}
}

static void emit_tools(void)
{
	out_s(yaml ? "tools:\n" : "\n# tools\n");
	for (uint32_t i = 1; i <= 20; i++) {
		if (yaml) {
			out_indent(2);
			out_id("t", i);
			out_s(": { name: \"");
			out_s(tool_names[i - 1]);
			out_s(i % 4 == 1 ? "\", description: \"Shared licence\" }\n" : "\" }\n");
		} else {
			out_id("tool t", i);
			out_s(" \"");
			out_s(tool_names[i - 1]);
			out_s(i % 4 == 1 ? "\" { description: \"Shared licence\" }\n" : "\"\n");
		}
	}
}

/* `key: value` on its own line at `indent`; value quoted when asked. */
static void emit_attr(int indent, const char *key, const char *val, int quote)
{
	out_indent(indent);
	out_s(key);
	out_s(": ");
	if (quote)
		out_quoted(val);
	else
		out_s(val);
	out_s("\n");
}

/* Mostly monthly and yearly work, so that a person's ~40 steps add up to
 * roughly a working week and only some people come out overloaded. */
static void emit_runs(int indent)
{
	uint32_t r = rng_below(100);
	out_indent(indent);
	out_s("runs: ");
	if (r < 2) {
		out_s("1/day\n");
	} else if (r < 25) {
		out_u(1 + rng_below(2));
		out_s("/week\n");
	} else if (r < 70) {
		out_u(1 + rng_below(4));
		out_s("/month\n");
	} else {
		out_u(1 + rng_below(12));
		out_s("/year\n");
	}
}

/* Separator between attributes inside a step's braces. */
static void step_sep(int *first)
{
	if (!*first)
		out_s(yaml ? ", " : "; ");
	*first = 0;
}

static void emit_step(int indent, uint32_t n, uint64_t at, uint32_t team)
{
	/* YAML: `st1: { name: "X", key: v, ...}`; .pmap: `step st1 "X" { key: v; ... }` */
	int first = !yaml;

	out_indent(indent);
	out_id(yaml ? "st" : "step st", n);
	out_s(yaml ? ": { name: \"" : " \"");
	out_s(PICK(verbs));
	out_s(" ");
	out_s(PICK(nouns));
	out_s(yaml ? "\"" : "\" { ");
	if (rng_chance(9, 10)) {
		step_sep(&first);
		out_s("owner: ");
		out_id("u", pick_person(at, team));
	}
	if (rng_chance(1, 2)) {
		uint32_t a = 1 + rng_below(20), b = 1 + rng_below(20);
		step_sep(&first);
		out_s(yaml ? "uses: [" : "uses: ");
		out_id("t", a);
		if (b != a && rng_chance(1, 3)) {
			out_s(", ");
			out_id("t", b);
		}
		if (yaml)
			out_s("]");
	}
	step_sep(&first);
	out_s("takes: ");
	out_s(PICK(takes_vals));
	if (rng_chance(1, 5)) {
		step_sep(&first);
		out_s("waits: ");
		out_s(PICK(waits_vals));
	}
	out_s(" }\n");
}

/* Start of a flow line: "- " in YAML, nothing in .pmap. */
static void flow_begin(int indent)
{
	out_indent(indent);
	if (yaml)
		out_s("- ");
}

static void flow_arrow(void)
{
	out_s(" -> ");
}

static void flow_label(const char *label)
{
	if (label) {
		out_s(" \"");
		out_s(label);
		out_s("\"");
	}
}

/* st<a> -> st<a+1> -> ... -> st<b>, skipping st<skip> (0: none). */
static void emit_chain(int indent, uint32_t a, uint32_t b, uint32_t skip)
{
	flow_begin(indent);
	out_id("st", a);
	for (uint32_t i = a + 1; i <= b; i++) {
		if (i == skip)
			continue;
		flow_arrow();
		out_id("st", i);
	}
	out_s("\n");
}

/* A reference to system process `p` (global number) from system `cur`. */
static void emit_proc_ref(uint32_t sys, uint32_t p, uint32_t cur)
{
	if (sys != cur) {
		out_id("s", sys + 1);
		out_s(".");
	}
	out_id("p", p);
}

/* The system holding global process number p (binary search). */
static uint32_t system_of(uint32_t p)
{
	uint32_t lo = 0, hi = nsystems - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (systems[mid].first_proc <= p)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Arrows between a process's steps, plus maybe a step-level hand-off.
 * `sys` is the process's system, or UINT32_MAX for a top-level process. */
static void emit_process_flow(int indent, uint32_t k, uint32_t sys,
			      uint32_t gproc)
{
	int arrows = rng_chance(7, 10);
	int diamond = arrows && k >= 4 && rng_chance(1, 3);
	int cycle = arrows && rng_chance(1, 2000);
	int handoff_out = sys != UINT32_MAX && rng_chance(8, 100);
	uint32_t target = 0;

	if (handoff_out) {
		const sys_plan *s = &systems[sys];
		uint32_t local = gproc - s->first_proc;
		if (rng_chance(1, 2) && local + 1 < s->nprocs) {
			target = gproc + 1 + rng_below(s->nprocs - local - 1);
		} else if (nsystems > 1) {
			uint32_t ts;
			if (sys + 1 < nsystems && !rng_chance(1, 100))
				ts = sys + 1 + rng_below(nsystems - sys - 1);
			else
				ts = rng_below(nsystems);
			target = systems[ts].first_proc + rng_below(systems[ts].nprocs);
		}
		if (target == gproc)
			target = 0;
	}
	if (!arrows && !cycle && !target)
		return;
	if (yaml) {
		out_indent(indent);
		out_s("flow:\n");
		indent += 2;
	}
	if (arrows && diamond) {
		/* st_i fans out to st_i+1 and st_i+2, which join at st_i+3 */
		uint32_t i = 1 + rng_below(k - 3);
		emit_chain(indent, 1, k, i + 2);
		flow_begin(indent);
		out_id("st", i);
		flow_arrow();
		out_id("st", i + 2);
		flow_label(PICK(branch_labels));
		flow_arrow();
		out_id("st", i + 3);
		out_s("\n");
	} else if (arrows) {
		emit_chain(indent, 1, k, 0);
	}
	if (cycle) {
		flow_begin(indent);
		out_id("st", k);
		flow_arrow();
		out_id("st", 2);
		out_s(" \"redo\"\n");
	}
	if (target) {
		flow_begin(indent);
		out_id("st", 1 + rng_below(k));
		flow_arrow();
		emit_proc_ref(system_of(target), target, sys);
		if (rng_chance(1, 3))
			flow_label(PICK(handoff_labels));
		out_s("\n");
	}
}

/* "Noun word", e.g. "Invoice approval" */
static void emit_proc_name(void)
{
	out_s("\"");
	out_s(PICK(nouns_cap));
	out_s(" ");
	out_s(PICK(proc_words));
	out_s("\"");
}

/* One process: header, attributes, steps, flow.  `indent` is the
 * indentation of its header line. */
static void emit_process(int indent, const char *prefix, uint32_t num,
			 uint32_t k, int trigger, uint32_t sys, uint64_t at)
{
	int in = indent + 2;
	uint32_t team = k / 4 + 2;

	out_indent(indent);
	if (yaml) {
		out_id(prefix, num);
		out_s(":\n");
		out_indent(in);
		out_s("name: ");
	} else {
		out_s("process ");
		out_id(prefix, num);
		out_s(" ");
	}
	emit_proc_name();
	out_s(yaml ? "\n" : " {\n");
	if (sys == UINT32_MAX || rng_chance(1, 2)) {
		out_indent(in);
		out_s("owner: ");
		out_id("u", pick_person(at, team));
		out_s("\n");
	}
	if (rng_chance(1, 10))
		emit_attr(in, "description", "Documented in the ops handbook", 1);
	emit_runs(in);
	if (trigger)
		emit_attr(in, "trigger", PICK(triggers), 1);
	if (yaml) {
		out_indent(in);
		out_s("steps:\n");
	}
	for (uint32_t i = 1; i <= k; i++)
		emit_step(in + (yaml ? 2 : 0), i, at + i - 1, team);
	emit_process_flow(in, k, sys, sys == UINT32_MAX ? 0 : num);
	if (!yaml) {
		out_indent(indent);
		out_s("}\n");
	}
}

static void emit_handoffs(int indent, const handoff *h, uint32_t n,
			  uint32_t first_proc)
{
	if (!n)
		return;
	if (yaml) {
		out_indent(indent);
		out_s("flow:\n");
		indent += 2;
	} else {
		out_s("\n");
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = 0;
		while (j < i && (h[j].from != h[i].from || h[j].to != h[i].to))
			j++;
		if (j < i) /* the same hand-off drawn twice: write it once */
			continue;
		flow_begin(indent);
		out_id("p", first_proc + h[i].from);
		flow_arrow();
		out_id("p", first_proc + h[i].to);
		flow_label(h[i].label);
		out_s("\n");
	}
}

static void emit_system(uint32_t si)
{
	const sys_plan *s = &systems[si];
	uint32_t n = s->nprocs;
	handoff *h = xcalloc(3 * (size_t)n + 1, sizeof *h);
	uint32_t *src = xcalloc(n, sizeof *src);
	uint32_t nh = 0;
	uint64_t at = s->first_step;
	uint32_t team = (uint32_t)(n * 8 / 40 + 2);
	int in = yaml ? 4 : 2;
	char label[48];

	snprintf(label, sizeof label, "%s %" PRIu32, PICK(sys_names), si + 1);
	if (yaml) {
		out_indent(2);
		out_id("s", si + 1);
		out_s(":\n");
		emit_attr(in, "name", label, 1);
	} else {
		out_s("\n");
		out_id("system s", si + 1);
		out_s(" ");
		out_quoted(label);
		out_s(" {\n");
	}
	out_indent(in);
	out_s("owner: ");
	out_id("u", pick_person(at, team));
	out_s("\n");
	if (rng_chance(1, 3))
		emit_attr(in, "description", "Generated for benchmarks", 1);
	if (yaml) {
		out_indent(in);
		out_s("processes:\n");
	}
	for (uint32_t li = 0; li < n; li++) {
		uint32_t gp = s->first_proc + li;
		uint32_t k = proc_steps[gp];
		int trigger = li == 0 || rng_chance(27, 100);

		if (!trigger) {
			src[li] = rng_below(li);
			h[nh++] = (handoff){ src[li], li, NULL };
			if (rng_chance(1, 100)) /* back-edge: a two-process cycle */
				h[nh++] = (handoff){ li, src[li], "rework" };
		}
		if (li + 1 < n && rng_chance(8, 100))
			h[nh++] = (handoff){ li, li + 1 + rng_below(n - li - 1),
					     PICK(handoff_labels) };
		if (!yaml)
			out_s("\n");
		emit_process(yaml ? 6 : 2, "p", gp, k, trigger, si, at);
		at += k;
	}
	emit_handoffs(in, h, nh, s->first_proc);
	if (!yaml)
		out_s("}\n");
	free(h);
	free(src);
}

/* A random system process as a dotted path: sA.pX */
static uint32_t emit_random_dotted(uint32_t lo_sys, uint32_t hi_sys)
{
	uint32_t si = lo_sys + rng_below(hi_sys - lo_sys);
	uint32_t p = systems[si].first_proc + rng_below(systems[si].nprocs);
	emit_proc_ref(si, p, UINT32_MAX);
	return p;
}

static void emit_toplevel_flow(void)
{
	uint32_t nflow = nprocs / 200 ? nprocs / 200 : 1;
	uint32_t nstep = nprocs / 1000 ? nprocs / 1000 : 1;
	int indent = yaml ? 2 : 0;

	out_s(yaml ? "flow:\n" : "\n# top-level hand-offs\n");
	for (uint32_t i = 0; i < norphans; i++) {
		if (!rng_chance(1, 2))
			continue;
		flow_begin(indent);
		out_id("op", i + 1);
		flow_arrow();
		emit_random_dotted(0, nsystems);
		out_s("\n");
	}
	for (uint32_t i = 0; nsystems > 1 && i < nflow + nstep; i++) {
		/* forward across systems, so these add no cycles */
		uint32_t a = rng_below(nsystems - 1);
		uint32_t p;
		flow_begin(indent);
		p = emit_random_dotted(a, a + 1);
		if (i >= nflow) { /* a step-level hand-off: sA.pX.stK */
			out_s(".");
			out_id("st", 1 + rng_below(proc_steps[p]));
		}
		flow_arrow();
		emit_random_dotted(a + 1, nsystems);
		if (rng_chance(1, 4))
			flow_label(PICK(handoff_labels));
		out_s("\n");
	}
}

static void generate(void)
{
	uint64_t at = 0;
	if (yaml)
		out_s("# synthetic procmap model (bench/gen.c)\ntitle: Synthetic\n");
	else
		out_s("# synthetic procmap model (bench/gen.c)\ntitle \"Synthetic\"\n\n");
	emit_people();
	emit_tools();
	if (yaml)
		out_s("systems:\n");
	for (uint32_t si = 0; si < nsystems; si++)
		emit_system(si);
	out_s(yaml ? "processes:\n" : "\n# orphans: no trigger, no incoming hand-off\n");
	for (uint32_t i = 0; i < norphans; i++) {
		if (!yaml && i)
			out_s("\n");
		emit_process(yaml ? 2 : 0, "op", i + 1, orphan_steps[i], 0,
			     UINT32_MAX, at);
		at += orphan_steps[i];
	}
	emit_toplevel_flow();
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fputs("usage: gen --steps N [--format pmap|yaml] [--seed S]\n"
	      "Writes a deterministic synthetic procmap model of about N steps to\n"
	      "standard output.\n", f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t nsteps = 0, seed = 20240601;
	int have_steps = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--steps") && !parse_u64(v, &nsteps)) {
			have_steps = 1;
			i++;
		} else if (!strcmp(a, "--seed") && !parse_u64(v, &seed)) {
			i++;
		} else if (!strcmp(a, "--format") && v &&
			   (!strcmp(v, "pmap") || !strcmp(v, "yaml"))) {
			yaml = !strcmp(v, "yaml");
			i++;
		} else {
			fprintf(stderr, "gen: bad argument '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!have_steps || nsteps == 0 || nsteps > UINT64_C(100000000)) {
		fprintf(stderr, "gen: '--steps N' is required (1..100000000)\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	rng_state = seed;
	plan(nsteps);
	rng_state = seed ^ UINT64_C(0x5DEECE66D2545F49);
	generate();
	out_flush();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gen: write error: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
