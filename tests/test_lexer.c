/* test_lexer.c — tokens, positions and lexical errors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "lexer.h"

static pm_model *model_with(const char *text, size_t len, uint32_t *file)
{
	pm_model *m = pm_model_new();
	char *copy = malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	jmp_buf jb;
	m->oom = &jb;
	*file = pm_model_add_file(m, "t.pmap", copy, len, PM_INPUT_PMAP);
	return m;
}

/* Lexes `text` and returns the kinds as a compact string. */
static char *kinds(const char *text, size_t len, pm_model **mp)
{
	static const char code[] = "EN;{}:,>IWSC";
	uint32_t file;
	pm_model *m = model_with(text, len, &file);
	pm_lexer lx;
	pm_lexer_init(&lx, m, file);
	lx.keep_comments = true;
	char *out = calloc(256, 1);
	size_t n = 0;
	for (;;) {
		pm_token t = pm_lex(&lx);
		out[n++] = code[t.kind];
		if (t.kind == PM_T_EOF || n == 255)
			break;
	}
	*mp = m;
	return out;
}

Test(lexer, token_kinds)
{
	pm_model *m;
	const char *src = "step a-b \"L\" { takes: 1h30m; uses: x, y }\na -> b.c # c\n";
	char *k = kinds(src, strlen(src), &m);
	cr_assert_str_eq(k, "IIS{I:W;I:I,I}NI>ICNE");
	cr_assert_eq(m->diags.n, 0);
	free(k);
	pm_model_free(m);
}

Test(lexer, hyphen_before_arrow_ends_id)
{
	pm_model *m;
	char *k = kinds("a->b a-b->c", 11, &m);
	cr_assert_str_eq(k, "I>II>IE");
	free(k);
	pm_model_free(m);
}

Test(lexer, positions_count_code_points)
{
	uint32_t file;
	const char *src = "\"é☕\" x\n\ty";
	pm_model *m = model_with(src, strlen(src), &file);
	pm_lexer lx;
	pm_lexer_init(&lx, m, file);
	pm_token s = pm_lex(&lx), x = pm_lex(&lx), nl = pm_lex(&lx), y = pm_lex(&lx);
	cr_assert_eq(s.kind, PM_T_STRING);
	cr_assert_eq(x.loc.line, 1);
	cr_assert_eq(x.loc.col, 6);
	cr_assert_eq(nl.kind, PM_T_NEWLINE);
	cr_assert_eq(y.loc.line, 2);
	cr_assert_eq(y.loc.col, 2);
	pm_model_free(m);
}

Test(lexer, crlf_and_bom)
{
	uint32_t file;
	const char *src = "\xEF\xBB\xBFx\r\ny\rz";
	pm_model *m = model_with(src, strlen(src), &file);
	pm_lexer lx;
	pm_lexer_init(&lx, m, file);
	pm_token t = pm_lex(&lx);
	cr_assert_eq(t.loc.col, 1);
	cr_assert_eq(pm_lex(&lx).kind, PM_T_NEWLINE);
	t = pm_lex(&lx);
	cr_assert_eq(t.loc.line, 2);
	cr_assert_eq(pm_lex(&lx).kind, PM_T_NEWLINE);
	t = pm_lex(&lx);
	cr_assert_eq(t.loc.line, 3);
	cr_assert_eq(m->diags.n, 0);
	pm_model_free(m);
}

Test(lexer, string_escapes_decode)
{
	uint32_t file;
	const char *src = "\"a\\\"b\\\\c\\nd\"";
	pm_model *m = model_with(src, strlen(src), &file);
	pm_lexer lx;
	pm_lexer_init(&lx, m, file);
	pm_token t = pm_lex(&lx);
	cr_assert(t.has_escape);
	cr_assert_str_eq(pm_str_get(m, pm_lex_string(&lx, &t)), "a\"b\\c\nd");
	pm_model_free(m);
}

Test(lexer, errors_do_not_stop_lexing)
{
	pm_model *m;
	const char src[] = "a $ b \"x\\q\" \x01 c";
	char *k = kinds(src, sizeof src - 1, &m);
	cr_assert_str_eq(k, "IISIE");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"1:3: error: unexpected character '$' [syntax]\n"
		"1:9: error: invalid escape '\\q' in string (use \\\", \\\\ or \\n) [syntax]\n"
		"1:13: error: unexpected character '\x01' [syntax]\n");
	free(d);
	free(k);
	pm_model_free(m);
}

Test(lexer, invalid_utf8_reported_once_per_run)
{
	pm_model *m;
	const char src[] = "\"\xff\xfe ok \xc3\" # \xe2\x82";
	char *k = kinds(src, sizeof src - 1, &m);
	cr_assert_str_eq(k, "SCE");
	char *d = t_diags(m);
	cr_assert_str_eq(d,
		"1:2: error: invalid UTF-8 byte 0xff [syntax]\n"
		"1:8: error: invalid UTF-8 byte 0xc3 [syntax]\n"
		"1:13: error: invalid UTF-8 byte 0xe2 [syntax]\n");
	free(d);
	free(k);
	pm_model_free(m);
}

Test(lexer, utf8_validation)
{
	const unsigned char ok[] = "\xc3\xa9\xe2\x98\x95\xf0\x9f\x98\x80";
	cr_assert_eq(pm_utf8_len(ok, 2), 2);
	cr_assert_eq(pm_utf8_len(ok + 2, 3), 3);
	cr_assert_eq(pm_utf8_len(ok + 5, 4), 4);
	cr_assert_eq(pm_utf8_len((const unsigned char *)"\xc0\x80", 2), 0);     /* overlong */
	cr_assert_eq(pm_utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
	cr_assert_eq(pm_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	cr_assert_eq(pm_utf8_len(ok + 2, 2), 0);                                 /* truncated */
}
