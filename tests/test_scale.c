/* test_scale.c — the fast paths that make big models cheap (see bench/):
 * the byte-class lexer, the string table's in-slot compare and its recent
 * cache, maps sized up front, step lookup by scan in small processes and
 * through names_steps in big ones, printf-free qualified ids and JSON
 * numbers.  Each fast path is checked against what the slow one gave. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "helpers.h"
#include "json.h"
#include "lexer.h"

/* --- lexer ------------------------------------------------------------------ */

static pm_model *lex_model(const char *text, size_t len, pm_lexer *lx)
{
	pm_model *m = pm_model_new();
	cr_assert_not_null(m);
	char *copy = malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	static jmp_buf jb;
	m->oom = &jb;
	uint32_t file = pm_model_add_file(m, "t.pmap", copy, len, PM_INPUT_PMAP);
	pm_lexer_init(lx, m, file);
	return m;
}

static bool old_id_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (c >= '0' && c <= '9') || c == '-';
}

Test(scale, every_byte_continues_an_id_as_before)
{
	for (int c = 0; c < 256; c++) {
		char text[3] = { 'a', (char)c, 'b' };
		pm_lexer lx;
		pm_model *m = lex_model(text, 3, &lx);
		pm_token t;
		pm_lex_next(&lx, &t);
		cr_assert_eq(t.kind, PM_T_IDENT, "byte 0x%02x", c);
		uint32_t want = old_id_char(c) || c == '.' ? 3 : 1;
		cr_assert_eq(t.len, want, "byte 0x%02x: length %u, want %u", c, t.len, want);
		pm_model_free(m);
	}
}

Test(scale, every_plain_byte_stays_in_a_string)
{
	for (int c = 1; c < 0x80; c++) {
		if (c == '"' || c == '\\' || c == '\n' || c == '\r')
			continue;
		char text[5] = { '"', 'x', (char)c, 'y', '"' };
		pm_lexer lx;
		pm_model *m = lex_model(text, 5, &lx);
		pm_token t;
		pm_lex_next(&lx, &t);
		cr_assert_eq(t.kind, PM_T_STRING, "byte 0x%02x", c);
		cr_assert_eq(t.len, 5, "byte 0x%02x", c);
		cr_assert_not(t.bad);
		cr_assert_eq(m->diags.n, 0, "byte 0x%02x", c);
		pm_lex_next(&lx, &t);
		cr_assert_eq(t.kind, PM_T_EOF);
		pm_model_free(m);
	}
}

Test(scale, blanks_and_values_use_the_table)
{
	const char src[] = " \t\f\v1.5h/week\t\v x";
	pm_lexer lx;
	pm_model *m = lex_model(src, sizeof src - 1, &lx);
	pm_token t;
	pm_lex_next(&lx, &t);
	cr_assert_eq(t.kind, PM_T_WORD);
	cr_assert_eq(t.start, 4);
	cr_assert_eq(t.len, 9);
	cr_assert_eq(t.loc.col, 5);
	pm_lex_next(&lx, &t);
	cr_assert_eq(t.kind, PM_T_IDENT);
	cr_assert_eq(t.loc.col, 17);
	pm_model_free(m);
}

Test(scale, lex_next_and_lex_agree)
{
	const char src[] = "step a \"L\\n\" { takes: 1h; uses: t1, t2 } # c\nx.y -> z\r\n";
	pm_lexer a, b;
	pm_model *ma = lex_model(src, sizeof src - 1, &a);
	pm_model *mb = lex_model(src, sizeof src - 1, &b);
	for (;;) {
		pm_token ta = pm_lex(&a), tb;
		pm_lex_next(&b, &tb);
		cr_assert_eq(ta.kind, tb.kind);
		cr_assert_eq(ta.start, tb.start);
		cr_assert_eq(ta.len, tb.len);
		cr_assert_eq(ta.loc.line, tb.loc.line);
		cr_assert_eq(ta.loc.col, tb.loc.col);
		cr_assert_eq(ta.has_escape, tb.has_escape);
		if (ta.kind == PM_T_EOF)
			break;
	}
	pm_model_free(ma);
	pm_model_free(mb);
}

/* Tokens that pm_lex_next() takes on its short path, and the ones next to
 * them that it hands to the full lexer after a first look (a string with
 * an escape or a non-ASCII byte, a '-' that starts no arrow, a value
 * that starts with '.', CR LF), with what each must come out as. */
Test(scale, short_path_and_full_lexer_meet_at_each_token)
{
	const char src[] = "a-b.c->d \"pl ain\" \"e\\\"x\" \"\xC3\xA9t\xC3\xA9\" 45m %\t"
	                   ".5h - x;{}:,\r\n\"open\n";
	static const struct {
		pm_tok kind;
		uint32_t start, len, line, col;
		bool escape, bad;
	} want[] = {
		{ PM_T_IDENT, 0, 5, 1, 1, false, false },       /* a-b.c */
		{ PM_T_ARROW, 5, 2, 1, 6, false, false },
		{ PM_T_IDENT, 7, 1, 1, 8, false, false },       /* d */
		{ PM_T_STRING, 9, 8, 1, 10, false, false },     /* "pl ain" */
		{ PM_T_STRING, 18, 6, 1, 19, true, false },     /* "e\"x" */
		{ PM_T_STRING, 25, 7, 1, 26, false, false },    /* "été" */
		{ PM_T_WORD, 33, 3, 1, 32, false, false },      /* 45m, after 2 UTF-8 */
		{ PM_T_WORD, 37, 1, 1, 36, false, false },      /* % */
		{ PM_T_WORD, 39, 3, 1, 38, false, false },      /* .5h */
		{ PM_T_IDENT, 45, 1, 1, 44, false, false },     /* x, after a bad '-' */
		{ PM_T_SEMI, 46, 1, 1, 45, false, false },
		{ PM_T_LBRACE, 47, 1, 1, 46, false, false },
		{ PM_T_RBRACE, 48, 1, 1, 47, false, false },
		{ PM_T_COLON, 49, 1, 1, 48, false, false },
		{ PM_T_COMMA, 50, 1, 1, 49, false, false },
		{ PM_T_NEWLINE, 51, 1, 1, 50, false, false },   /* CR LF */
		{ PM_T_STRING, 53, 5, 2, 1, false, true },      /* "open */
		{ PM_T_NEWLINE, 58, 1, 2, 6, false, false },
		{ PM_T_EOF, 59, 0, 3, 1, false, false },
	};
	pm_lexer lx;
	pm_model *m = lex_model(src, sizeof src - 1, &lx);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		pm_token t;
		pm_lex_next(&lx, &t);
		cr_assert_eq(t.kind, want[i].kind, "token %zu: kind %d", i, t.kind);
		cr_assert_eq(t.start, want[i].start, "token %zu: start %u", i, t.start);
		cr_assert_eq(t.len, want[i].len, "token %zu: len %u", i, t.len);
		cr_assert_eq(t.loc.line, want[i].line, "token %zu: line %u", i, t.loc.line);
		cr_assert_eq(t.loc.col, want[i].col, "token %zu: col %u", i, t.loc.col);
		cr_assert_eq(t.has_escape, want[i].escape, "token %zu", i);
		cr_assert_eq(t.bad, want[i].bad, "token %zu", i);
	}
	/* the lone '-' and the unterminated string, nothing else */
	cr_assert_eq(m->diags.n, 2);
	cr_assert_str_eq(m->diags.v[0].d.message, "unexpected character '-'");
	cr_assert_eq(m->diags.v[0].d.column, 42);
	cr_assert_str_eq(m->diags.v[1].d.message, "unterminated string");
	pm_model_free(m);
}

/* --- string table --------------------------------------------------------------- */

Test(scale, interning_short_long_and_alike_strings)
{
	pm_model *m = pm_model_new();
	jmp_buf jb;
	m->oom = &jb;
	/* same first 8 bytes, different lengths and tails */
	const char *words[] = { "abcdefgh", "abcdefghi", "abcdefghij", "abcdefgh\0",
	                        "abcdefgX", "a", "ab", "b" };
	size_t lens[] = { 8, 9, 10, 9, 8, 1, 2, 1 };
	pm_str ids[8];
	for (int i = 0; i < 8; i++)
		ids[i] = pm_intern(m, words[i], lens[i]);
	for (int i = 0; i < 8; i++) {
		cr_assert_neq(ids[i], 0);
		cr_assert_eq(pm_str_len(m, ids[i]), lens[i]);
		cr_assert_eq(memcmp(pm_str_get(m, ids[i]), words[i], lens[i]), 0);
		cr_assert_eq(pm_intern(m, words[i], lens[i]), ids[i], "word %d", i);
		cr_assert_eq(pm_str_find(m, words[i], lens[i]), ids[i], "word %d", i);
		for (int k = 0; k < i; k++)
			cr_assert_neq(ids[i], ids[k], "words %d and %d", i, k);
	}
	/* "a\0" is not "a", nor is a 300-byte string its 299-byte prefix */
	cr_assert_neq(pm_intern(m, "a\0", 2), ids[5]);
	char big[300];
	memset(big, 'q', sizeof big);
	pm_str b300 = pm_intern(m, big, 300), b299 = pm_intern(m, big, 299);
	cr_assert_neq(b300, b299);
	big[299] = 'r';
	cr_assert_neq(pm_intern(m, big, 300), b300);
	cr_assert_eq(pm_str_find(m, "zz", 2), 0);
	cr_assert_eq(pm_intern(m, "", 0), 0);
	m->oom = NULL;
	pm_model_free(m);
}

Test(scale, ids_survive_rehashing)
{
	pm_model *m = pm_model_new();
	jmp_buf jb;
	m->oom = &jb;
	enum { N = 50000 };
	pm_str *ids = malloc(N * sizeof *ids);
	char buf[32];
	for (int i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof buf, i % 2 ? "s%d" : "a-longer-name-%d", i);
		ids[i] = pm_intern(m, buf, (size_t)n);
	}
	for (int i = N - 1; i >= 0; i--) {
		int n = snprintf(buf, sizeof buf, i % 2 ? "s%d" : "a-longer-name-%d", i);
		cr_assert_eq(pm_intern(m, buf, (size_t)n), ids[i], "string %s", buf);
		cr_assert_str_eq(pm_str_get(m, ids[i]), buf);
	}
	cr_assert_eq(m->strs.str.n, N + 1);
	free(ids);
	m->oom = NULL;
	pm_model_free(m);
}

/* A big file's vectors are sized from its length (parser.c); a file far
 * denser than the estimate (a step per 13 bytes, an arrow per 11) grows
 * them past it, and loses nothing. */
Test(scale, a_file_denser_than_its_estimate_grows_its_vectors)
{
	enum { N = 120000 };
	size_t cap = (size_t)N * 32, n = 0;
	char *text = malloc(cap);
	n += (size_t)snprintf(text + n, cap - n, "process p {\n");
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, "step s%d\n", i);
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, i ? " -> s%d" : "s%d", i);
	n += (size_t)snprintf(text + n, cap - n, "\n}\n");
	cr_assert_gt(n, (size_t)1 << 20);
	pm_model *m = pm_model_new();
	cr_assert_eq(pm_model_load_buffer(m, "dense.pmap", text, n, PM_INPUT_PMAP), PM_OK);
	cr_assert_eq(m->steps.n, N);
	cr_assert_eq(m->arrows.n, N - 1);
	cr_assert_gt(m->steps.cap, n / 64, "the estimate was short, and grew");
	char last[16];
	snprintf(last, sizeof last, "s%d", N - 1);
	cr_assert_str_eq(pm_str_get(m, m->steps.v[N - 1].id), last);
	cr_assert_eq(m->steps.v[N - 1].loc.line, (uint32_t)N + 1);
	cr_assert_str_eq(pm_str_get(m, m->arrows.v[N - 2].to.name), last);
	cr_assert_eq(m->arrows.v[N - 2].to.loc.line, (uint32_t)N + 2);
	cr_assert_eq(m->processes.v[0].step_count, N);
	pm_model_free(m);
	free(text);
	/* a small file keeps small vectors */
	m = pm_model_new();
	const char small[] = "process p {\n  step a\n  step b\n  a -> b\n}\n";
	cr_assert_eq(pm_model_load_buffer(m, "small.pmap", small, sizeof small - 1,
	                                  PM_INPUT_PMAP), PM_OK);
	cr_assert_eq(m->steps.cap, 16);
	cr_assert_eq(m->arrows.cap, 16);
	cr_assert_eq(m->strs.nslots, 1024);
	pm_model_free(m);
}

/* A big YAML file is sized from its length too (model.c, pm_presize):
 * block style at the estimate's density, and flow style far denser than
 * it (a step per 13 bytes), which grows the vectors past it. */
static char *yaml_steps(int n, bool flow, size_t *len)
{
	size_t cap = (size_t)n * 120 + 64, k = 0;
	char *text = malloc(cap);
	k += (size_t)snprintf(text + k, cap - k, "processes:\n  p:\n    steps:\n");
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(text + k, cap - k,
		                      flow ? "      s%d: {takes: 5m}\n"
		                           : "      s%d:\n        name: \"Check the invoice\"\n"
		                             "        takes: 5m\n        waits: 1h\n", i);
	*len = k;
	return text;
}

Test(scale, a_big_yaml_file_is_sized_from_its_length)
{
	for (int flow = 0; flow < 2; flow++) {
		int n = flow ? 90000 : 15000;
		size_t len;
		char *text = yaml_steps(n, flow, &len);
		cr_assert_gt(len, (size_t)1 << 20);
		pm_model *m = pm_model_new();
		cr_assert_eq(pm_model_load_buffer(m, "big.yaml", text, len, PM_INPUT_YAML), PM_OK);
		cr_assert_eq(m->steps.n, (uint32_t)n);
		if (flow)
			cr_assert_gt(m->steps.cap, len / 76, "the estimate was short, and grew");
		else
			cr_assert_eq(m->steps.cap, len / 76, "sized once, from the length");
		char last[16];
		snprintf(last, sizeof last, "s%d", n - 1);
		cr_assert_str_eq(pm_str_get(m, m->steps.v[n - 1].id), last);
		cr_assert_eq(m->steps.v[n - 1].loc.line, (uint32_t)(flow ? n + 3 : 4 * n));
		cr_assert_eq(m->processes.v[0].step_count, (uint32_t)n);
		pm_model_free(m);
		free(text);
	}
	/* a small one keeps small vectors */
	pm_model *m = pm_model_new();
	const char small[] = "processes:\n  p:\n    steps:\n      a: {takes: 5m}\n";
	cr_assert_eq(pm_model_load_buffer(m, "small.yaml", small, sizeof small - 1,
	                                  PM_INPUT_YAML), PM_OK);
	cr_assert_eq(m->steps.cap, 16);
	cr_assert_eq(m->strs.nslots, 1024);
	pm_model_free(m);
}

/* --- big blocks and scratch ------------------------------------------------------- */

/* A block of 2 MiB or more starts on a huge page (alloc.c) and keeps its
 * bytes when it grows; a small one is plain malloc. */
Test(scale, big_blocks_start_on_a_huge_page_and_keep_their_bytes)
{
	size_t big = ((size_t)3 << 20) + 5;
	unsigned char *p = pm_malloc(big);
	cr_assert_not_null(p);
#if defined(__linux__) && defined(__GLIBC__)
	cr_assert_eq((uintptr_t)p % ((uintptr_t)2 << 20), 0);
#endif
	for (size_t i = 0; i < big; i++)
		p[i] = (unsigned char)(i * 7);
	unsigned char *q = pm_realloc(p, big * 2);
	cr_assert_not_null(q);
#if defined(__linux__) && defined(__GLIBC__)
	cr_assert_eq((uintptr_t)q % ((uintptr_t)2 << 20), 0);
#endif
	for (size_t i = 0; i < big; i++)
		cr_assert_eq(q[i], (unsigned char)(i * 7), "byte %zu", i);
	cr_assert_eq(pm_realloc(q, big), q, "shrinking a big block keeps it");
	pm_free(q);
	char *s = pm_realloc(NULL, 100);
	cr_assert_not_null(s);
	memset(s, 'x', 100);
	pm_free(s);
}

/* Popping 8 MiB or more of scratch gives its pages back (analysis.c); the
 * next pass that needs the room gets it, usable, and a small pop keeps
 * its pages. */
Test(scale, popped_scratch_gives_its_pages_back)
{
	pm_model *m = pm_model_new();
	jmp_buf jb;
	m->oom = &jb;
	m->an.scratch_hint = (size_t)32 << 20;
	char *keep = pm_scratch(m, 1000);
	memset(keep, 'k', 1000);
	uint32_t mark = pm_scratch_mark(m);
	char *big = pm_scratch(m, (size_t)12 << 20);
	memset(big, 'b', (size_t)12 << 20);
	cr_assert_eq(m->an.scratch.n, 1);
	pm_scratch_pop(m, mark);
	pm_scratch_chunk *ch = &m->an.scratch.v[0];
	cr_assert_eq(ch->touched, ch->used, "given back");
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(keep[i], 'k', "what was not popped stays");
	char *again = pm_scratch(m, (size_t)12 << 20);
	cr_assert_eq(again, big, "the room is used again");
	memset(again, 'a', (size_t)12 << 20);
	cr_assert_eq(again[((size_t)12 << 20) - 1], 'a');
	pm_scratch_pop(m, mark);
	mark = pm_scratch_mark(m);
	char *small = pm_scratch(m, (size_t)1 << 20);
	memset(small, 's', (size_t)1 << 20);
	size_t touched = ch->touched;
	pm_scratch_pop(m, mark);
	cr_assert_eq(ch->touched, touched, "a small pop keeps its pages");
	cr_assert_gt(ch->touched, ch->used);
	pm_scratch_release(m);
	m->oom = NULL;
	pm_model_free(m);
}

/* --- maps ------------------------------------------------------------------------- */

Test(scale, map_reserve_put_get_set)
{
	pm_model *m = pm_model_new();
	jmp_buf jb;
	m->oom = &jb;
	pm_map map = { 0 };
	pm_map_reserve(m, &map, 1000);
	uint32_t cap = map.cap;
	cr_assert_geq((uint64_t)cap * 3, 1000 * 4);
	for (uint32_t i = 0; i < 1000; i++)   /* equal low halves, then equal high */
		cr_assert_eq(pm_map_put(m, &map, pm_key(i, 7), i), PM_NONE);
	cr_assert_eq(map.cap, cap, "a reserved map does not grow");
	for (uint32_t i = 0; i < 1000; i++)
		cr_assert_eq(pm_map_put(m, &map, pm_key(7, i + 100), i + 5000), PM_NONE);
	cr_assert_eq(map.n, 2000);
	for (uint32_t i = 0; i < 1000; i++) {
		cr_assert_eq(pm_map_get(&map, pm_key(i, 7)), i);
		cr_assert_eq(pm_map_get(&map, pm_key(7, i + 100)), i + 5000);
	}
	cr_assert_eq(pm_map_put(m, &map, pm_key(3, 7), 99), 3, "the first value stays");
	pm_map_set(&map, pm_key(3, 7), 99);
	cr_assert_eq(pm_map_get(&map, pm_key(3, 7)), 99);
	cr_assert_eq(pm_map_get(&map, pm_key(7, 7)), 7);
	cr_assert_eq(pm_map_get(&map, pm_key(1000, 7)), PM_NONE);
	cr_assert_eq(pm_map_get(&map, pm_key(7, 1100)), PM_NONE);
	pm_map_free(&map);
	cr_assert_eq(pm_map_get(&map, 1), PM_NONE);
	m->oom = NULL;
	pm_model_free(m);
}

/* --- steps of small and big processes ------------------------------------------- */

/* A system with a small process (3 steps) and one of `nbig` steps, each
 * with a duplicate step id at the end, arrows inside both and dotted
 * hand-offs into both. */
static char *two_processes(unsigned nbig)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	fputs("system s {\n  process small {\n    step a; step b; step c; step a\n"
	      "    a -> b -> c\n  }\n  process big {\n", f);
	for (unsigned i = 1; i <= nbig; i++)
		fprintf(f, "    step st%u\n", i);
	fputs("    step st2\n", f);
	for (unsigned i = 1; i < nbig; i++)
		fprintf(f, "    st%u -> st%u\n", i, i + 1);
	fprintf(f, "    st%u -> s.small.b\n  }\n}\n", nbig);
	fprintf(f, "s.small.c -> s.big.st%u\ns.big.st1 -> s.big.st99999\n", nbig);
	fclose(f);
	return s;
}

static void check_two_processes(unsigned nbig, unsigned dup_line)
{
	char *text = two_processes(nbig);
	pm_model *m = t_load(text);
	char *d = t_diags(m);
	char want[1024];
	snprintf(want, sizeof want,
	         "3:29: error: duplicate step id 'a': a step 'a' is already declared "
	         "at line 3 [duplicate-id]\n"
	         "%u:5: error: duplicate step id 'st2': a step 'st2' is already declared "
	         "at line 8 [duplicate-id]\n"
	         "%u:14: error: unknown step 'st99999' in process 's.big' [unknown-reference]\n",
	         dup_line, dup_line + nbig + 4);
	cr_assert_str_eq(d, want, "%u steps:\n%s", nbig, d);
	pm_ix small = t_process(m, "s.small"), big = t_process(m, "s.big");
	pm_ix a = t_step(m, "s.small.a"), st2 = t_step(m, "s.big.st2");
	cr_assert_eq(pm_step_find(m, small, pm_str_find(m, "a", 1)), a);
	cr_assert_eq(pm_step_find(m, big, pm_str_find(m, "st2", 3)), st2);
	char last[16];
	snprintf(last, sizeof last, "st%u", nbig);
	pm_ix stn = pm_step_find(m, big, pm_str_find(m, last, strlen(last)));
	cr_assert_eq(stn, m->processes.v[big].step_first + nbig - 1);
	cr_assert_eq(pm_step_find(m, small, pm_str_find(m, "st2", 3)), PM_NONE);
	cr_assert_eq(pm_step_find(m, big, pm_str_find(m, "b", 1)), PM_NONE);
	cr_assert_eq(m->processes.v[big].flow_count, nbig - 1);
	cr_assert_eq(m->handoffs.n, 2);
	cr_assert_eq(m->handoffs.v[0].from_step, stn);
	cr_assert_eq(m->handoffs.v[0].to_step, t_step(m, "s.small.b"));
	cr_assert_eq(m->handoffs.v[1].to_step, stn);
	free(d);
	free(text);
	pm_model_free(m);
}

Test(scale, steps_found_by_scan_and_by_map)
{
	check_two_processes(PM_SCAN_STEPS - 1, 6 + PM_SCAN_STEPS);
	check_two_processes(PM_SCAN_STEPS, 7 + PM_SCAN_STEPS);
	check_two_processes(PM_SCAN_STEPS + 1, 8 + PM_SCAN_STEPS);
	check_two_processes(200, 207);
}

Test(scale, names_steps_holds_only_big_processes)
{
	char *text = two_processes(40);
	pm_model *m = t_load(text);
	cr_assert_eq(m->names_steps.n, 40, "the big process's distinct ids only");
	free(text);
	pm_model_free(m);
}

/* --- flows grouped in place or from a copy ------------------------------------ */

/* "proc:from>to" for every flow, in m->flows order. */
static char *flow_list(pm_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (uint32_t i = 0; i < m->flows.n; i++) {
		const pm_flow *fl = &m->flows.v[i];
		fprintf(f, "%s>%s%s", pm_qualified_id(m, PM_KIND_STEP, fl->from),
		        pm_str_get(m, m->steps.v[fl->to].id), fl->arrow == PM_NONE ? "* " : " ");
	}
	fclose(f);
	return buf;
}

static void check_flows(const char *text, const char *want)
{
	pm_model *m = t_load_clean(text);
	char *got = flow_list(m);
	cr_assert_str_eq(got, want);
	uint32_t next = 0;
	for (pm_ix p = 0; p < m->processes.n; p++) {
		cr_assert_eq(m->processes.v[p].flow_first, next, "process %u", p);
		next += m->processes.v[p].flow_count;
	}
	cr_assert_eq(next, m->flows.n);
	free(got);
	pm_model_free(m);
}

Test(scale, flows_in_process_order_spread_in_place)
{
	check_flows("process a { step x; step y; step z }\n"
	            "process b { step x; step y; step z\n  z -> x\n  x -> y \"l\"\n}\n"
	            "process c { step x }\n"
	            "process d { step p; step q }\n"
	            "process e { step x; step y\n  y -> x\n}\n",
	            "a.x>y* a.y>z* b.z>x b.x>y d.p>q* e.y>x ");
}

Test(scale, flows_out_of_order_sorted_from_a_copy)
{
	check_flows("process a { step x; step y; step z }\n"
	            "process b { step x; step y\n  y -> x\n}\n"
	            "process e { step x; step y }\n"
	            "a.z -> a.x\n"
	            "b.x -> b.y\n"
	            "a.x -> a.y\n",
	            "a.z>x a.x>y b.y>x b.x>y e.x>y* ");
}

/* --- qualified ids and numbers ----------------------------------------------------- */

Test(scale, qualified_ids_without_printf)
{
	pm_model *m = t_load_clean("system sys { process p { step s } }\n"
	                           "process top { step t }\nperson u\ntool k\n");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_SYSTEM, 0), "sys");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_PROCESS, t_process(m, "sys.p")), "sys.p");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_PROCESS, t_process(m, "top")), "top");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_STEP, 0), "sys.p.s");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_STEP, 1), "top.t");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_PERSON, 0), "u");
	cr_assert_str_eq(pm_qualified_id(m, PM_KIND_TOOL, 0), "k");
	pm_model_free(m);
}

Test(scale, json_numbers_fast_and_slow)
{
	static const struct { double v; const char *want; } cases[] = {
		{ 0.0, "0" }, { -0.0, "0" }, { 7, "7" }, { -12345, "-12345" },
		{ 99999999999999.0, "99999999999999" }, { 1e15, "1000000000000000" },
		{ -1e15, "-1000000000000000" }, { 2.5, "2.5" }, { 1.0 / 3.0, "0.3333" },
		{ 0.99999, "1" }, { -0.00001, "0" }, { 19425.0, "19425" },
	};
	char buf[PM_NUMBER_BUF];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_assert_str_eq(pm_json_fmt_number(buf, cases[i].v), cases[i].want,
		                 "case %zu", i);
}

/* What pm_json_fmt_number() (4 decimals) and pm_decimal_str() (2) gave
 * before their fast paths: printf's %.Nf, trailing zeros dropped, "-0"
 * made "0". */
static void printf_fixed(char *buf, double v, int digits)
{
	snprintf(buf, PM_NUMBER_BUF, "%.*f", digits, v);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = dot + strlen(dot);
		while (end > dot + 1 && end[-1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
		*end = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
}

static void printf_number(char *buf, double v)
{
	printf_fixed(buf, v, 4);
}

/* The i-th of a stream of awkward numbers for rounding tests (xorshift):
 * fractions of 100, ties at 1/tens, binary fractions 1/bin, big values. */
static double random_value(uint64_t *x, int i, double tens, double bin, uint64_t big)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	switch (i % 4) {
	case 0: return (double)(*x >> 11) / 9007199254740992.0 * 100.0;
	case 1: return ((double)(*x % 2000000) - 1e6) / tens + 0.5 / tens;
	case 2: return ((double)(*x % 2000001) - 1e6) / bin;
	default: return (double)(*x % big) / 977.0;
	}
}

Test(scale, json_numbers_round_like_printf)
{
	/* exact ties (k + 0.5) / 10^4 that binary can hold, round to even */
	static const double ties[] = { 0.03125, 0.09375, -0.03125, 1.00005 - 0.00005,
	                               12.65625, 0.00005, -0.00005, 2.5e-5 };
	char fast[PM_NUMBER_BUF], slow[PM_NUMBER_BUF];
	for (size_t i = 0; i < sizeof ties / sizeof *ties; i++) {
		printf_number(slow, ties[i]);
		cr_assert_str_eq(pm_json_fmt_number(fast, ties[i]), slow, "%.17g", ties[i]);
	}
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 300000; i++) {
		double v = random_value(&x, i, 1e4, 32768.0, 100000000000000u);
		printf_number(slow, v);
		cr_assert_str_eq(pm_json_fmt_number(fast, v), slow, "%.17g", v);
	}
}

/* Hours and chance sums in messages: pm_decimal_str() as printf's %.2f. */
Test(scale, decimal_str_rounds_like_printf)
{
	pm_model *m = pm_model_new();
	static const double ties[] = { 0.125, 0.375, -0.125, 2.5, 0.005, -0.005, 1e14 + 0.5,
	                               53.935, 0, -0.0 };
	char slow[PM_NUMBER_BUF];
	for (size_t i = 0; i < sizeof ties / sizeof *ties; i++) {
		printf_fixed(slow, ties[i], 2);
		cr_assert_str_eq(pm_decimal_str(m, ties[i]), slow, "%.17g", ties[i]);
	}
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 200000; i++) {
		double v = random_value(&x, i, 1e2, 128.0, 100000000000000000u);
		printf_fixed(slow, v, 2);
		cr_assert_str_eq(pm_decimal_str(m, v), slow, "%.17g", v);
	}
	pm_model_free(m);
}

/* Messages: pm_arena_printf() writes %s, %.*s, %d, %u and %% itself, and
 * must give what snprintf gives, also when the arena block is nearly full
 * or the format holds a conversion it leaves to snprintf. */
Test(scale, arena_printf_matches_snprintf)
{
	pm_model *m = pm_model_new();
	char want[512];
	static const char long_s[] = "a string of some length, to cross the end of a block";
	for (int i = 0; i < 20000; i++) {
		int d = (i * 7919) % 200001 - 100000;
		unsigned u = (unsigned)i * 2654435761u;
		int w = i % 9 - 1;
		const char *s = i % 3 ? long_s : "";
		snprintf(want, sizeof want, "x %s '%d' %u%% %.*s|%d", s, d, u, w, long_s, i);
		cr_assert_str_eq(pm_arena_printf(m, "x %s '%d' %u%% %.*s|%d", s, d, u, w,
		                                 long_s, i), want);
		snprintf(want, sizeof want, "%5d %s %.2f", d, s, d / 7.0);
		cr_assert_str_eq(pm_arena_printf(m, "%5d %s %.2f", d, s, d / 7.0), want);
	}
	snprintf(want, sizeof want, "%d %d", INT_MIN, INT_MAX);
	cr_assert_str_eq(pm_arena_printf(m, "%d %d", INT_MIN, INT_MAX), want);
	pm_model_free(m);
}
