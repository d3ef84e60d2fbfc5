/* test_md.c — `procmap md` as a user runs it, on tests/md/page.md (five
 * pmap blocks: an inline forest, an inline process with level= and id=, a
 * file= model, a tilde fence inside a list, a broken one): the exact
 * diagnostic of the broken block, the page's output, documents that come
 * out byte for byte as they went in (CRLF too), asset names that stay put,
 * --check, -w, --keep-source run again, option errors with their
 * suggestion, escaped alt text, a MkDocs site built from a page, and the
 * examples of docs/markdown.md.  The Markdown side (src/md/) is also
 * tested directly.  Temporary folders are removed. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "md/md.h"

/* A temporary copy of tests/md/. */
static char *fixture(void)
{
	char *dir = t_tmpdir("md");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cp -R '%s/tests/md/.' '%s/'", t_root(), dir);
	cr_assert_eq(system(cmd), 0);
	return dir;
}

/* Runs `procmap md ARGS` in dir; stdout, with stderr after it unless
 * `split` (then stderr goes to DIR/err.txt). */
static char *md_in(const char *dir, const char *args, int *st, bool split)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR=1 '%s' md %s %s", dir, t_bin(), args,
	         split ? "2>err.txt" : "2>&1");
	return t_run(cmd, st);
}

static char *sh_in(const char *dir, const char *script)
{
	char cmd[8192];
	int st;
	snprintf(cmd, sizeof cmd, "cd '%s' && %s", dir, script);
	char *out = t_run(cmd, &st);
	cr_assert_eq(st, 0, "'%s' failed: %s", script, out);
	return out;
}

/* The page with its broken block mended. */
static void mend_page(const char *dir)
{
	free(sh_in(dir, "sed -i 's/{ takes 10m }/{ takes: 10m }/' page.md"));
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *listing(const char *dir)
{
	return sh_in(dir, "find . -type f ! -name err.txt | LC_ALL=C sort");
}

/* --- the page ------------------------------------------------------------- */

Test(md, broken_block_is_shown_at_its_line)
{
	char *dir = fixture(), path[4096];
	int st;
	char *out = md_in(dir, "page.md -o out.md", &st, false);
	snprintf(path, sizeof path, "%s/tests/md/page.err", t_root());
	free(t_expect_golden(out, path, "the broken block"));
	cr_expect_eq(st, 1);
	struct stat sb;
	char *p = NULL;
	cr_assert_neq(asprintf(&p, "%s/out.md", dir), -1);
	cr_expect_eq(stat(p, &sb), -1, "out.md written despite the error");
	free(p);
	cr_assert_neq(asprintf(&p, "%s/assets", dir), -1);
	cr_expect_eq(stat(p, &sb), -1, "assets written despite the error");
	free(p);
	free(out);
	t_rmtree(dir);
}

Test(md, page_golden)
{
	char *dir = fixture(), path[4096];
	mend_page(dir);
	int st;
	char *out = md_in(dir, "page.md", &st, true);
	cr_expect_eq(st, 0, "%s", out);
	snprintf(path, sizeof path, "%s/tests/md/page.out.md", t_root());
	free(t_expect_golden(out, path, "the page"));
	char *files = listing(dir);
	cr_expect_eq(count_of(files, "./assets/pmap-"), 5, "%s", files);
	/* each asset is the diagram of its block */
	char *svgs = sh_in(dir, "grep -l '<svg' assets/*.svg | wc -l");
	cr_expect_str_eq(svgs, "5\n");
	char *fulfil = sh_in(dir, "grep -l 'Pick the plant' assets/*.svg | wc -l");
	cr_expect_str_eq(fulfil, "1\n");
	char *shop = sh_in(dir, "grep -l 'Order fulfilment' assets/*.svg | wc -l");
	cr_expect_str_eq(shop, "1\n", "the file= block draws samples' shop");
	/* each drawn alone (pm_render_options.only): no links to other files */
	char *links = sh_in(dir, "cat assets/*.svg | grep -c -e 'href=' -e 'whole business' || true");
	cr_expect_str_eq(links, "0\n");
	free(links);
	free(shop);
	free(fulfil);
	free(svgs);
	free(files);
	free(out);
	t_rmtree(dir);
}

/* --- every other byte as it was -------------------------------------------- */

/* Runs md on `text` (len bytes) as in.md, with -o and to standard output;
 * returns what -o wrote (malloc'd, *outlen bytes). */
static char *through(const char *dir, const char *text, size_t len, size_t *outlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/in.md", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	int st;
	free(md_in(dir, "in.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	free(md_in(dir, "in.md >stdout.md", &st, true));
	cr_assert_eq(st, 0);
	snprintf(path, sizeof path, "%s/out.md", dir);
	char *out = t_read_file(path, outlen);
	cr_assert_not_null(out);
	size_t n;
	snprintf(path, sizeof path, "%s/stdout.md", dir);
	char *std = t_read_file(path, &n);
	cr_expect(n == *outlen && memcmp(std, out, n) == 0, "stdout differs from -o");
	free(std);
	return out;
}

static void expect_identical(const char *what, const char *text, size_t len)
{
	char *dir = t_tmpdir("md-same");
	size_t n;
	char *out = through(dir, text, len, &n);
	cr_expect(n == len && memcmp(out, text, len) == 0, "%s: not byte-identical", what);
	struct stat sb;
	char *a = NULL;
	cr_assert_neq(asprintf(&a, "%s/assets", dir), -1);
	cr_expect_eq(stat(a, &sb), -1, "%s: an assets folder with nothing in it", what);
	free(a);
	free(out);
	t_rmtree(dir);
}

Test(md, documents_without_blocks_are_identical)
{
	static const char lf[] =
		"# Title\n\nText with `pmap` in it.\n\n```pmapx\nnot ours\n```\n\n"
		"```python\nprint('pmap')\n```\n\n    ```pmap\n    indented code, not a fence\n\n"
		"<!-- ```pmap -->\n\n> quote\n- list\n\n~~~\nplain\n~~~\ntrailing  \t\n"
		"no final break";
	static const char crlf[] =
		"# Title\r\n\r\n```sh\r\nmake\r\n```\r\n\r\n* item\r\n\r\n  more\r\n";
	static const char mixed[] = "a\rb\r\nc\n\n```\ncode\n```\r\n\xEF\xBB\xBFutf-8 é\n";
	expect_identical("LF", lf, sizeof lf - 1);
	expect_identical("CRLF", crlf, sizeof crlf - 1);
	expect_identical("mixed breaks", mixed, sizeof mixed - 1);
	expect_identical("empty", "", 0);
	static const char nul[] = "text\0with a NUL\n```pmapx\n\0\n```\n";
	expect_identical("NUL bytes", nul, sizeof nul - 1);
}

Test(md, crlf_document_keeps_its_breaks)
{
	static const char doc[] =
		"# Orders\r\n\r\nBefore.\r\n```pmap\r\nprocess p \"P\" {\r\n  step a \"A\"\r\n}\r\n"
		"```\r\nAfter.\r\n";
	char *dir = t_tmpdir("md-crlf");
	size_t n;
	char *out = through(dir, doc, sizeof doc - 1, &n);
	cr_expect(n > 20 && memcmp(out, "# Orders\r\n\r\nBefore.\r\n", 21) == 0);
	for (size_t i = 0; i < n; i++)
		cr_expect(out[i] != '\n' || (i > 0 && out[i - 1] == '\r'), "a bare LF at byte %zu", i);
	cr_expect_not_null(strstr(out, "\r\n\r\n![Process map: P (process)](assets/pmap-"));
	cr_expect(n > 20 && memcmp(out + n - 17, ".svg)\r\n\r\nAfter.\r\n", 17) == 0,
	          "blank lines keep the image apart: %s", out);
	free(out);
	t_rmtree(dir);
}

/* --- asset names ------------------------------------------------------------ */

Test(md, asset_names_stay_put)
{
	char *dir = fixture();
	mend_page(dir);
	int st;
	free(md_in(dir, "page.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	char *first = sh_in(dir, "find . -type f ! -name err.txt | LC_ALL=C sort | xargs md5sum");
	free(md_in(dir, "page.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	char *second = sh_in(dir, "find . -type f ! -name err.txt | LC_ALL=C sort | xargs md5sum");
	cr_expect_str_eq(second, first, "a second run changed or added files");
	/* one block changed: one new asset, the others keep their names */
	free(sh_in(dir, "sed -i 's/Pick the plant/Pick the pot/' page.md"));
	char *before = sh_in(dir, "ls assets");
	free(md_in(dir, "page.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	char *after = sh_in(dir, "ls assets");
	cr_expect_eq(count_of(after, "pmap-"), 6, "%s", after);
	char *gone = sh_in(dir, "ls assets | while read f; do grep -q \"$f\" out.md || echo \"$f\"; done");
	cr_expect_eq(count_of(gone, "pmap-"), 1, "one asset is no longer linked: %s", gone);
	cr_expect_not_null(strstr(before, gone), "the one left over is the old one");
	free(gone);
	free(after);
	free(before);
	free(second);
	free(first);
	t_rmtree(dir);
}

/* --- --check, -w ------------------------------------------------------------ */

Test(md, check_exit_codes)
{
	char *dir = fixture();
	mend_page(dir);
	int st;
	char *out = md_in(dir, "page.md -o out.md --check", &st, false);
	cr_expect_eq(st, 1, "nothing written yet: %s", out);
	cr_expect_eq(count_of(out, "would write assets/pmap-"), 5, "%s", out);
	cr_expect_not_null(strstr(out, "would write out.md\n"), "%s", out);
	free(out);
	char *files = listing(dir);
	cr_expect_eq(count_of(files, "assets/"), 0, "--check wrote: %s", files);
	free(files);
	free(md_in(dir, "page.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	out = md_in(dir, "page.md -o out.md --check", &st, false);
	cr_expect_eq(st, 0, "fresh: %s", out);
	cr_expect_str_empty(out);
	free(out);
	/* a stale asset */
	free(sh_in(dir, "f=$(ls assets/*.svg | head -1) && echo '<svg/>' >\"$f\""));
	out = md_in(dir, "page.md -o out.md --check", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_eq(count_of(out, "would write assets/pmap-"), 1, "%s", out);
	free(out);
	/* a missing one */
	free(md_in(dir, "page.md -o out.md", &st, true));
	free(sh_in(dir, "rm \"$(ls assets/*.svg | tail -1)\""));
	out = md_in(dir, "page.md -o out.md --check", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_eq(count_of(out, "would write assets/pmap-"), 1, "%s", out);
	free(out);
	/* OUT would change */
	free(md_in(dir, "page.md -o out.md", &st, true));
	free(sh_in(dir, "echo edited >>out.md"));
	out = md_in(dir, "page.md -o out.md --check", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_str_eq(out, "would write out.md\n");
	free(out);
	/* without -o, --check checks what -w would write */
	out = md_in(dir, "page.md --check", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_str_eq(out, "would write page.md\n");
	free(out);
	t_rmtree(dir);
}

Test(md, write_in_place)
{
	char *dir = fixture();
	mend_page(dir);
	free(sh_in(dir, "chmod 640 page.md && cp page.md orig.md"));
	int st;
	char *out = md_in(dir, "page.md -o out.md", &st, true);
	cr_assert_eq(st, 0);
	free(out);
	out = md_in(dir, "page.md >stdout.md", &st, true);
	cr_assert_eq(st, 0);
	free(out);
	free(sh_in(dir, "cmp page.md orig.md"));   /* never altered without -w */
	out = md_in(dir, "-w page.md", &st, false);
	cr_expect_eq(st, 0, "%s", out);
	cr_expect_str_empty(out);
	free(out);
	free(sh_in(dir, "cmp page.md out.md"));
	char *mode = sh_in(dir, "stat -c %a page.md");
	cr_expect_str_eq(mode, "640\n");
	free(mode);
	char *left = sh_in(dir, "ls -A | grep -v -x -e assets -e model -e page.md -e orig.md "
	                   "-e out.md -e stdout.md -e page.err -e page.out.md -e err.txt || true");
	cr_expect_str_empty(left, "temporary files left: %s", left);
	free(left);
	/* the blocks are gone: a second -w changes nothing */
	out = md_in(dir, "-w page.md", &st, false);
	cr_expect_eq(st, 0);
	free(out);
	free(sh_in(dir, "cmp page.md out.md"));
	t_rmtree(dir);
}

Test(md, keep_source_runs_again)
{
	char *dir = fixture();
	mend_page(dir);
	int st;
	free(md_in(dir, "--keep-source -w page.md", &st, true));
	cr_assert_eq(st, 0);
	char *page = t_file_in(dir, "page.md");
	cr_expect_eq(count_of(page, "<details><summary>Diagram source</summary>"), 5);
	cr_expect_eq(count_of(page, "```pmap file=model/shop.pmap level=forest\n```\n"), 1);
	cr_expect_not_null(strstr(page, "\n    <details><summary>Diagram source</summary>\n\n"
	                          "    ~~~ pmap level=process\n"), "the list item's indent: %s", page);
	free(sh_in(dir, "cp page.md once.md"));
	char *out = md_in(dir, "--keep-source --check page.md", &st, false);
	cr_expect_eq(st, 0, "%s", out);
	free(out);
	free(md_in(dir, "--keep-source -w page.md", &st, true));
	cr_expect_eq(st, 0);
	free(sh_in(dir, "cmp page.md once.md"));
	/* an edit to a kept source: the group is drawn again, in place */
	free(sh_in(dir, "sed -i 's/Pick the plant/Pick the pot/' page.md"));
	out = md_in(dir, "--keep-source --check page.md", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_eq(count_of(out, "would write"), 2, "the asset and page.md: %s", out);
	free(out);
	free(md_in(dir, "--keep-source -w page.md", &st, true));
	char *again = t_file_in(dir, "page.md");
	cr_expect_eq(count_of(again, "<details>"), 5);
	cr_expect_eq(count_of(again, "![Process map"), 5);
	/* without --keep-source the groups become plain images */
	out = md_in(dir, "page.md", &st, true);
	cr_expect_eq(count_of(out, "<details>"), 0);
	cr_expect_eq(count_of(out, "![Process map"), 5);
	free(out);
	free(again);
	free(page);
	t_rmtree(dir);
}

/* --- mistakes ------------------------------------------------------------------ */

/* procmap md on `doc` as in.md: its stderr must be `want`, its status `code`. */
static void expect_error(const char *doc, const char *want, int code)
{
	char *dir = fixture();
	t_write_in(dir, "in.md", doc);
	int st;
	char *out = md_in(dir, "in.md -o out.md", &st, true);
	char *err = t_file_in(dir, "err.txt");
	cr_expect_str_eq(err, want);
	cr_expect_eq(st, code, "%s", err);
	cr_expect_str_empty(out);
	free(sh_in(dir, "test ! -e out.md && test ! -e assets"));   /* nothing written */
	free(err);
	free(out);
	t_rmtree(dir);
}

Test(md, unknown_option_is_suggested)
{
	expect_error("# A\n\n```pmap levl=process\nprocess p \"P\" { step a \"A\" }\n```\n",
	             "in.md:3:9: error: unknown option 'levl' in a pmap block; did you mean "
	             "'level'? [pmap-block]\n ```pmap levl=process\n         ^\n", 1);
	expect_error("> ```pmap level=proces\n> x\n> ```\n",
	             "in.md:1:11: error: invalid level 'proces' (forest, system or process); "
	             "did you mean 'process'? [pmap-block]\n > ```pmap level=proces\n"
	             "           ^\n", 1);
	expect_error("```pmap level\n```\n",
	             "in.md:1:9: error: option 'level' of a pmap block has no value (write "
	             "KEY=VALUE) [pmap-block]\n ```pmap level\n         ^\n", 1);
}

Test(md, unknown_id_is_suggested)
{
	expect_error("```pmap file=model/shop.pmap id=orders.fulfl\n```\n",
	             "in.md:1:30: error: the model has no system or process 'orders.fulfl'; "
	             "did you mean 'orders.fulfil'? [pmap-block]\n"
	             " ```pmap file=model/shop.pmap id=orders.fulfl\n"
	             "                              ^\n", 1);
	expect_error("```pmap file=model/shop.pmap level=system\n```\n",
	             "in.md:1:30: error: level=system draws one system: name it with 'id=' "
	             "(the model has 4) [pmap-block]\n"
	             " ```pmap file=model/shop.pmap level=system\n"
	             "                              ^\n", 1);
}

Test(md, missing_model_file)
{
	expect_error("- item\n\n  ```pmap file=../nowhere/shop.pmap\n  ```\n",
	             "in.md:3:11: error: cannot read '../nowhere/shop.pmap' (file=): No such "
	             "file or directory [pmap-block]\n   ```pmap file=../nowhere/shop.pmap\n"
	             "           ^\n", 2);
}

Test(md, errors_inside_containers_point_into_the_file)
{
	expect_error("> quoted:\n>\n> ```pmap\n> process p \"P\" {\n>   step a \"A\" { takes: 5x }\n"
	             "> }\n> ```\n",
	             "in.md:5:25: error: bad takes '5x': expected a duration such as 45m, "
	             "1h30m, 2d or 1w (units: m h d w; d = 24 h) [bad-value]\n"
	             " >   step a \"A\" { takes: 5x }\n"
	             "                         ^\n", 1);
}

Test(md, usage_errors)
{
	char *dir = fixture();
	static const char *const cases[][2] = {
		{ "-w -o x.md page.md", "-w and -o cannot be used together" },
		{ "-w --check page.md", "-w and --check cannot be used together" },
		{ "", "no input file" },
		{ "a.md b.md", "one input file at a time (got 2)" },
		{ "-w -", "-w needs a file, not standard input" },
		{ "--keep-sources page.md",
		  "unknown option '--keep-sources'; did you mean '--keep-source'?" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int st;
		char *out = md_in(dir, cases[i][0], &st, false), want[256];
		snprintf(want, sizeof want, "procmap md: %s\nTry 'procmap md --help' for more "
		         "information.\n", cases[i][1]);
		cr_expect_str_eq(out, want, "md %s", cases[i][0]);
		cr_expect_eq(st, 2);
		free(out);
	}
	int st;
	char *out = md_in(dir, "nothere.md", &st, false);
	cr_expect_str_eq(out, "procmap: error: cannot read 'nothere.md': No such file or directory\n");
	cr_expect_eq(st, 2);
	free(out);
	t_rmtree(dir);
}

/* --- what ends up in the Markdown and the HTML ------------------------------- */

Test(md, alt_text_is_escaped)
{
	char *esc = pm_md_escape("a [b] *c* _d_ `e` \\ <script>&amp;\n");
	cr_expect_str_eq(esc, "a \\[b\\] \\*c\\* \\_d\\_ \\`e\\` \\\\ &lt;script&gt;&amp;amp; ");
	free(esc);
	char *dir = fixture();
	t_write_in(dir, "in.md", "```pmap level=forest\ntitle \"](javascript:x) <img src=x onerror=alert(1)> *\"\n"
	           "system s \"S\" { process p \"P\" { step a \"A\" } }\nsystem t \"T\"\n```\n");
	int st;
	char *out = md_in(dir, "in.md", &st, true);
	cr_assert_eq(st, 0);
	char *html = cmark_markdown_to_html(out, strlen(out), CMARK_OPT_DEFAULT);
	cr_expect_not_null(strstr(html, "<p><img src=\"assets/pmap-"), "%s", html);
	cr_expect_not_null(strstr(html, "alt=\"Process map: ](javascript:x) &lt;img src=x "
	                          "onerror=alert(1)&gt; * (forest)\""), "%s", html);
	cr_expect_null(strstr(html, "<img src=x"), "%s", html);
	free(html);
	free(out);
	t_rmtree(dir);
}

Test(md, links_are_relative_to_the_output)
{
	char *l = pm_md_link("docs", "docs/assets", "x.svg");
	cr_expect_str_eq(l, "assets/x.svg");
	free(l);
	l = pm_md_link("docs/guide/", "./img/", "x.svg");
	cr_expect_str_eq(l, "../../img/x.svg");
	free(l);
	l = pm_md_link(".", "my assets (v2)", "x.svg");
	cr_expect_str_eq(l, "my%20assets%20%28v2%29/x.svg");
	free(l);
	l = pm_md_link("/a/b", "/a/b/../c", "x.svg");
	cr_expect_str_eq(l, "../c/x.svg");
	free(l);
	/* -o elsewhere: the link from OUT's folder */
	char *dir = fixture();
	mend_page(dir);
	int st;
	free(md_in(dir, "page.md -o site/docs/page.md --assets site/img", &st, true));
	cr_assert_eq(st, 0);
	char *page = t_file_in(dir, "site/docs/page.md");
	cr_expect_eq(count_of(page, "](../img/pmap-"), 5);
	char *n = sh_in(dir, "ls site/img | wc -l");
	cr_expect_str_eq(n, "5\n");
	free(n);
	free(page);
	t_rmtree(dir);
}

/* --- src/md/ directly ------------------------------------------------------------ */

static const char nested[] =
	"text\n"                    /* 1 */
	"\n"
	"> ```pmap id=x\n"          /* 3: in a quote */
	"> a\n"
	">b\n"
	"> ```\n"
	"\n"
	"- item\n"                  /* 8 */
	"  ````` pmap\n"            /* 9: in a list, a longer fence */
	"  c\n"
	"  `````\n"
	"- ```pmap\n"               /* 12: on the item's line, never closed */
	"  open\n"
	"- next\n"                  /* 14 */
	"\n"
	"   ~~~pmap\n"              /* 16: indented */
	"    d\n"
	"   ~~~\n";

Test(md, blocks_are_placed)
{
	pm_md_doc d;
	cr_assert_eq(pm_md_doc_parse(&d, "n.md", nested, sizeof nested - 1), 0);
	cr_assert_eq(d.nblocks, 4);
	static const struct { uint32_t line, end; size_t prefix; const char *first; uint32_t shift0; }
	want[] = {
		{ 3, 6, 2, "```pmap id=x", 2 },
		{ 9, 11, 2, "````` pmap", 2 },
		{ 12, 13, 2, "```pmap", 2 },
		{ 16, 18, 3, "~~~pmap", 3 },
	};
	for (size_t i = 0; i < 4; i++) {
		const pm_md_block *b = &d.blocks[i];
		cr_expect_eq(b->line, want[i].line, "block %zu", i);
		cr_expect_eq(b->end_line, want[i].end, "block %zu ends at %u", i, b->end_line);
		cr_expect_eq(b->prefix_len, want[i].prefix, "block %zu", i);
		cr_expect(strncmp(nested + b->start, want[i].first, strlen(want[i].first)) == 0,
		          "block %zu starts at '%.12s'", i, nested + b->start);
		cr_expect_eq(b->shift[0], want[i].shift0, "block %zu", i);
		cr_expect_not(b->kept);
	}
	cr_expect_eq(d.blocks[0].shift[1], 1, "'>b' has one column before it");
	cr_expect_str_eq(d.blocks[0].info, "pmap id=x");
	cr_expect_eq(nested[d.blocks[0].end], '\n');
	/* nothing replaced: the same bytes */
	char *repl[4] = { NULL };
	size_t rlen[4] = { 0 }, n;
	char *same = pm_md_splice(&d, repl, rlen, &n);
	cr_expect(n == sizeof nested - 1 && memcmp(same, nested, n) == 0);
	free(same);
	/* replaced: the prefix stays on the line, added lines get the
	 * container's ("> ", "  ") */
	size_t len;
	repl[0] = pm_md_replacement(&d, &d.blocks[0], "A", "a.svg", false, &len);
	cr_expect_str_eq(repl[0], "![A](a.svg)");
	rlen[0] = len;
	repl[2] = pm_md_replacement(&d, &d.blocks[2], "C", "c.svg", true, &len);
	rlen[2] = len;
	cr_expect_str_eq(repl[2], "![C](c.svg)\n\n  " PM_MD_DETAILS "\n\n  ```pmap\n  open\n  ```\n\n  "
	                 PM_MD_DETAILS_END "\n");
	char *out = pm_md_splice(&d, repl, rlen, &n);
	cr_expect_not_null(strstr(out, "\n\n> ![A](a.svg)\n\n- item\n"), "%s", out);
	free(out);
	free(repl[0]);
	free(repl[2]);
	pm_md_doc_release(&d);
}

/* --- MkDocs ------------------------------------------------------------------- */

/* The page through procmap md into a MkDocs site (docs/markdown.md's
 * recipe), built by mkdocs: the HTML links each SVG, and each is in
 * site/.  mkdocs comes from scripts/deps.sh: no skipping. */
Test(md, mkdocs_site, .timeout = 120)
{
	int st;
	free(t_run("command -v mkdocs", &st));
	cr_assert_eq(st, 0, "mkdocs is missing: sh scripts/deps.sh installs it");
	char *dir = fixture();
	mend_page(dir);
	free(sh_in(dir, "mkdir -p site-src/docs/model && cp model/shop.pmap site-src/docs/model/ && "
	           "cp page.md site-src/docs/index.md && "
	           "printf 'site_name: Plant shop\\nuse_directory_urls: false\\n' >site-src/mkdocs.yml"));
	char *sub = NULL;
	cr_assert_neq(asprintf(&sub, "%s/site-src", dir), -1);
	free(md_in(sub, "-w docs/index.md", &st, true));
	cr_assert_eq(st, 0);
	char *log = sh_in(sub, "mkdocs build -q 2>&1 && echo built");
	cr_expect_not_null(strstr(log, "built"), "%s", log);
	char *html = t_file_in(sub, "site/index.html");
	cr_expect_eq(count_of(html, "<img alt=\"Process map: "), 5, "%s", html);
	cr_expect_not_null(strstr(html, "alt=\"Process map: Orders › Fulfil (process)\""));
	cr_expect_not_null(strstr(html, "alt=\"Process map: Fern &amp; Fig (forest)\""));
	/* the image in the list item keeps the list whole (four-space indent) */
	cr_expect_eq(count_of(html, "<ol>"), 1, "the checklist was cut in two: %s", html);
	char *check = sh_in(sub, "for f in $(grep -o 'src=\"assets/pmap-[0-9a-f]*\\.svg\"' "
	                    "site/index.html | sed 's/src=\"//; s/\"$//'); do "
	                    "cmp \"site/$f\" \"docs/$f\" && grep -q '<svg' \"site/$f\" && echo ok; done");
	cr_expect_eq(count_of(check, "ok\n"), 5, "each SVG copied into site/: %s", check);
	free(check);
	free(html);
	free(log);
	free(sub);
	t_rmtree(dir);
}

/* --- docs/markdown.md ------------------------------------------------------------ */

/* The text of the fenced block after the line `marker` in the docs page
 * (malloc'd): the four-backtick blocks that show input and output. */
static char *docs_block(const char *page, const char *marker)
{
	const char *m = strstr(page, marker);
	cr_assert_not_null(m, "docs/markdown.md has no '%s'", marker);
	const char *open = strstr(m, "````");
	cr_assert_not_null(open);
	open = strchr(open, '\n') + 1;
	const char *close = strstr(open, "\n````\n");
	cr_assert_not_null(close);
	return strndup(open, (size_t)(close + 1 - open));
}

Test(md, docs_examples)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/docs/markdown.md", t_root());
	char *page = t_read_file(path, NULL);
	cr_assert_not_null(page);
	char *dir = fixture();
	char *in = docs_block(page, "<!-- example: input -->");
	char *want = docs_block(page, "<!-- example: output -->");
	t_write_in(dir, "guide.md", in);
	int st;
	char *out = md_in(dir, "guide.md", &st, true);
	cr_expect_eq(st, 0);
	cr_expect_str_eq(out, want, "the output shown in docs/markdown.md");
	free(out);
	char *kept = docs_block(page, "<!-- example: kept -->");
	out = md_in(dir, "--keep-source guide.md", &st, true);
	cr_expect_str_eq(out, kept, "the --keep-source output shown in docs/markdown.md");
	free(out);
	char *broken = docs_block(page, "<!-- example: broken -->");
	char *err = docs_block(page, "<!-- example: error -->");
	t_write_in(dir, "guide.md", broken);
	out = md_in(dir, "guide.md", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_str_eq(out, err, "the error shown in docs/markdown.md");
	free(out);
	free(err);
	free(broken);
	free(kept);
	free(want);
	free(in);
	free(page);
	t_rmtree(dir);
}

/* --- the configuration, as render reads it ----------------------------------------- */

Test(md, configuration_as_render)
{
	char *dir = fixture();
	mend_page(dir);
	int st;
	free(md_in(dir, "page.md -o out.md", &st, true));
	cr_assert_eq(st, 0);
	/* a rule switched off changes what is drawn: the assets are stale */
	char *out = md_in(dir, "page.md -o out.md --check --rule overloaded-person=off", &st, false);
	cr_expect_eq(st, 1);
	cr_expect_geq(count_of(out, "would write assets/pmap-"), 1, "%s", out);
	cr_expect_null(strstr(out, "would write out.md"), "the names stay: %s", out);
	free(out);
	/* an invalid configuration stops md as it stops render */
	t_write_in(dir, ".procmap.yaml", "rules:\n  overloaded-persn: off\n");
	char *md_err = md_in(dir, "page.md -o out.md", &st, false);
	cr_expect_eq(st, 2);
	char *render_err = NULL, *cmd = NULL;
	cr_assert_neq(asprintf(&cmd, "cd '%s' && NO_COLOR=1 '%s' render -q -o r model/shop.pmap "
	                       "2>&1", dir, t_bin()), -1);
	render_err = t_run(cmd, &st);
	cr_expect_eq(st, 2);
	cr_expect_not_null(strstr(md_err, "did you mean 'overloaded-person'"), "%s", md_err);
	cr_expect_not_null(strstr(render_err, "did you mean 'overloaded-person'"), "%s", render_err);
	cr_expect_eq(count_of(md_err, "invalid configuration"), 1, "said once: %s", md_err);
	free(cmd);
	free(render_err);
	free(md_err);
	t_rmtree(dir);
}
