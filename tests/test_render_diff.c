/* test_render_diff.c — `procmap render --diff OLD`: the diagrams of NEW with
 * what changed marked.  Over tests/golden_diff/v1.pmap → v2.pmap, every
 * system, process and step, flow and hand-off that `procmap diff --format
 * json` reports carries its mark (class diff-added / diff-changed, or a
 * ghost diff-removed), and elements with no change carry none; a git
 * revision as OLD in a temporary repository; hostile labels escaped in
 * tooltips and on the page; an OLD that does not read is one error and
 * writes nothing.  Temporary folders are removed. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>

#include "helpers.h"

static void copy_golden(const char *dir, const char *from, const char *to)
{
	t_copy_in(dir, t_fmt("tests/golden_diff/%s", from), to);
}

/* The SVG's text with the entities Graphviz writes decoded. */
static char *unescape(char *s)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&#45;", '-' }, { "&gt;", '>' }, { "&lt;", '<' }, { "&quot;", '"' },
		{ "&#39;", '\'' }, { "&amp;", '&' },
	};
	char *o = s;
	for (char *p = s; *p;) {
		size_t k = 0;
		for (; k < sizeof ents / sizeof *ents; k++)
			if (!strncmp(p, ents[k].e, strlen(ents[k].e)))
				break;
		if (k < sizeof ents / sizeof *ents) {
			*o++ = ents[k].c;
			p += strlen(ents[k].e);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return s;
}

/* Every SVG of dir, decoded, one after the other. */
static char *all_svgs(const char *dir)
{
	char pat[4096];
	snprintf(pat, sizeof pat, "%s/*.svg", dir);
	glob_t g;
	cr_assert_eq(glob(pat, 0, NULL, &g), 0, "nothing matches %s", pat);
	char *all = strdup("");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *t = t_read_file(g.gl_pathv[i], NULL);
		cr_assert_not_null(t);
		char *n = NULL;
		cr_assert_neq(asprintf(&n, "%s\n%s", all, unescape(t)), -1);
		free(all);
		free(t);
		all = n;
	}
	globfree(&g);
	return all;
}

/* The class of each element `id="ID"` in svg, joined by '|'; "" when
 * there is none. */
static char *classes_of(const char *svg, const char *id)
{
	char key[1024];
	snprintf(key, sizeof key, "<g id=\"%s\" class=\"", id);
	char *out = strdup("");
	for (const char *p = svg; (p = strstr(p, key)); p += strlen(key)) {
		const char *c = p + strlen(key), *e = strchr(c, '"');
		char *n = NULL;
		cr_assert_neq(asprintf(&n, "%s%.*s|", out, (int)(e - c), c), -1);
		free(out);
		out = n;
	}
	return out;
}

static const char *kind_prefix(const char *kind)
{
	return !strcmp(kind, "system") ? "system" : !strcmp(kind, "process") ? "process"
	       : !strcmp(kind, "step") ? "step" : NULL;
}

/* Whether some tooltip of svg says `glyph text` (an arrow's mark). */
static bool tip_says(const char *svg, const char *glyph, const char *id)
{
	char key[1024];
	snprintf(key, sizeof key, "%s %s", glyph, id);
	return strstr(svg, key) != NULL;
}

Test(render_diff, every_change_has_its_mark_and_nothing_else_has_one)
{
	char *dir = t_tmpdir("rdiff");
	copy_golden(dir, "v1.pmap", "v1.pmap");
	copy_golden(dir, "v2.pmap", "v2.pmap");
	int st;
	char *out = t_pm_in(dir, "render -q -j 1 --diff v1.pmap -o out v2.pmap", &st);
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	char *json = t_pm_in(dir, "diff --format json v1.pmap v2.pmap", &st);
	cr_assert_eq(st, 1, "%s", json);
	json_error_t err;
	json_t *root = json_loads(json, 0, &err);
	cr_assert_not_null(root, "%s", err.text);
	char path[4096];
	snprintf(path, sizeof path, "%s/out", dir);
	char *svg = all_svgs(path);
	json_t *changes = json_object_get(root, "changes");
	cr_assert(json_array_size(changes) > 20);
	size_t i, checked = 0;
	json_t *ch;
	/* ids a mark may be on: those changed, and what holds them */
	char *marked = strdup("|"), *added_roots = strdup("|");
	json_array_foreach(changes, i, ch) {
		const char *kind = json_string_value(json_object_get(ch, "kind"));
		const char *change = json_string_value(json_object_get(ch, "change"));
		const char *oid = json_string_value(json_object_get(ch, "old_id"));
		const char *nid = json_string_value(json_object_get(ch, "new_id"));
		cr_assert(kind && change, "change %zu", i);
		const char *pre = kind_prefix(kind);
		bool removed = !strcmp(change, "removed"), added = !strcmp(change, "added");
		if (pre) {
			char id[1024];
			snprintf(id, sizeof id, removed ? "removed-%s-%s" : "%s-%s", pre, removed ? oid : nid);
			char *cls = classes_of(svg, id);
			const char *want = removed ? "diff-removed" : added ? "diff-added" : "diff-changed";
			cr_expect(strstr(cls, want) != NULL, "%s %s '%s': classes '%s', want %s", change,
			          kind, removed ? oid : nid, cls, want);
			free(cls);
			checked++;
		} else if (!strcmp(kind, "flow") || !strcmp(kind, "hand-off")) {
			const char *glyph = removed ? "−" : added ? "+" : "~";
			cr_expect(tip_says(svg, glyph, removed ? oid : nid), "%s %s '%s' has no mark",
			          change, kind, removed ? oid : nid);
			checked++;
		}
		/* the element, its process and its system may be marked */
		const char *q = nid ? nid : oid;
		if (!q || (strcmp(kind, "flow") && !pre))
			continue;
		if (added && pre && strcmp(kind, "step")) {
			/* what an added system or process holds is added too */
			char *n = NULL;
			cr_assert_neq(asprintf(&n, "%s%s.", added_roots, q), -1);
			free(added_roots);
			added_roots = n;
		}
		char buf[1024];
		snprintf(buf, sizeof buf, "%s", q);
		char *colon = strchr(buf, ':');
		if (colon)
			*colon = '\0';
		for (char *dot = buf + strlen(buf); dot >= buf; dot--)
			if (dot == buf + strlen(buf) || *dot == '.') {
				char c = *dot;
				*dot = '\0';
				char *n = NULL;
				cr_assert_neq(asprintf(&n, "%s%s|", marked, buf), -1);
				free(marked);
				marked = n;
				*dot = c;
			}
	}
	cr_expect_eq(checked, 18);   /* 3 systems, 5 processes, 5 steps, 4 flows, 1 hand-off */
	/* no mark on anything else: every marked element is in `marked` */
	size_t marks = 0;
	for (const char *p = svg; (p = strstr(p, "<g id=\"")); p++) {
		const char *id = p + 7, *e = strchr(id, '"');
		const char *cls = strstr(e, "class=\""), *ce = cls ? strchr(cls + 7, '"') : NULL;
		if (!cls || cls != e + 2)
			continue;
		char idbuf[1024], clsbuf[1024];
		snprintf(idbuf, sizeof idbuf, "%.*s", (int)(e - id), id);
		snprintf(clsbuf, sizeof clsbuf, "%.*s", (int)(ce - cls - 7), cls + 7);
		if (!strstr(clsbuf, "diff-added") && !strstr(clsbuf, "diff-changed"))
			continue;
		if (strncmp(idbuf, "step-", 5) && strncmp(idbuf, "process-", 8)
		    && strncmp(idbuf, "system-", 7))
			continue;
		const char *q = strchr(idbuf, '-') + 1;
		char key[1100];
		snprintf(key, sizeof key, "|%s|", q);
		bool in_added = false;
		for (const char *r = added_roots; (r = strchr(r, '|')) && r[1]; r++) {
			const char *end = strchr(r + 1, '|');
			size_t len = end ? (size_t)(end - r - 1) : strlen(r + 1);
			in_added |= !strncmp(q, r + 1, len) && strstr(clsbuf, "diff-added");
		}
		cr_expect(strstr(marked, key) != NULL || in_added,
		          "'%s' is marked (%s) but did not change", idbuf, clsbuf);
		marks++;
	}
	cr_expect_geq(marks, 10);
	/* a step nothing changed has no mark */
	char *cls = classes_of(svg, "step-shop.sell.serve");
	cr_expect(*cls && !strstr(cls, "diff-"), "shop.sell.serve: '%s'", cls);
	free(cls);
	free(marked);
	free(added_roots);
	free(svg);
	json_decref(root);
	free(json);
	t_rmtree(dir);
}

Test(render_diff, git_revision_as_old_in_a_temporary_repository)
{
	char *dir = t_tmpdir("rdiffgit");
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git init -q . && git config user.email t@example.com && "
	         "git config user.name t && mkdir model", dir);
	cr_assert_eq(system(cmd), 0);
	copy_golden(dir, "v1.pmap", "model/bakery.pmap");
	snprintf(cmd, sizeof cmd, "cd '%s' && git add -A && git commit -qm v1", dir);
	cr_assert_eq(system(cmd), 0);
	copy_golden(dir, "v2.pmap", "model/bakery.pmap");
	int st;
	char *out = t_pm_in(dir, "render -q -j 1 --diff HEAD:model/ -o out model/bakery.pmap", &st);
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	char path[4096];
	snprintf(path, sizeof path, "%s/out", dir);
	char *svg = all_svgs(path);
	char *cls = classes_of(svg, "system-admin");
	cr_expect(strstr(cls, "diff-added") != NULL, "system-admin: '%s'", cls);
	free(cls);
	cls = classes_of(svg, "removed-system-legacy");
	cr_expect(strstr(cls, "diff-removed") != NULL, "removed-system-legacy: '%s'", cls);
	free(cls);
	cr_expect(strstr(svg, "~ renamed from bake.bread.fire (likely)") != NULL);
	free(svg);
	/* the page lists the changes, linked to the elements drawn */
	snprintf(path, sizeof path, "%s/out/index.html", dir);
	char *page = t_read_file(path, NULL);
	cr_assert_not_null(page);
	cr_expect(strstr(page, "<section id=\"changes\">\n<h2>What changed</h2>") != NULL);
	cr_expect(strstr(page, "Since <code>HEAD:model/</code>: 6 added, 5 removed") != NULL);
	cr_expect(strstr(page, "<li class=\"diff-added\"><a href=\"#system-admin\">+ system "
	                       "&#39;admin&#39; (1 process, 1 step)</a></li>") != NULL, "%s", page);
	cr_expect(strstr(page, "<a href=\"#removed-system-legacy\">") != NULL);
	cr_expect(strstr(page, "<a href=\"#step-bake.bread.mix\">~ step &#39;bake.bread.mix&#39;: "
	                       "takes 30m -&gt; 25m</a>") != NULL);
	free(page);
	t_rmtree(dir);
}

Test(render_diff, hostile_labels_are_escaped_in_tooltips_and_on_the_page)
{
	char *dir = t_tmpdir("rdiffesc");
	t_write_in(dir, "old.pmap",
	           "person ann\nprocess p { owner: ann\n"
	           "  step a \"<script>alert(1)</script> &\" { takes: 1h }\n"
	           "  step gone \"<img src=x onerror=alert(2)>\" { takes: 1h }\n}\n");
	t_write_in(dir, "new.pmap",
	           "person ann\nprocess p { owner: ann\n"
	           "  step a \"</title><script>alert(3)</script> &amp;\" { takes: 2h }\n}\n");
	int st;
	char *out = t_pm_in(dir, "render -q -j 1 --diff old.pmap -o out new.pmap", &st);
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	char path[4096];
	snprintf(path, sizeof path, "%s/out/process-p.svg", dir);
	char *svg = t_read_file(path, NULL);
	cr_assert_not_null(svg);
	cr_expect(strstr(svg, "<script") == NULL && strstr(svg, "<img") == NULL, "%s", svg);
	cr_expect(strstr(svg, "&lt;img src=x onerror=alert(2)&gt;") != NULL, "the ghost's label");
	/* the tooltip says what changed, the label from OLD as text */
	cr_expect(strstr(svg, "~ label &quot;&lt;script&gt;alert(1)&lt;/script&gt; &amp;&quot;"
	                      " → &quot;&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; "
	                      "&amp;amp;&quot;; takes 1h → 2h") != NULL, "%s", svg);
	free(svg);
	snprintf(path, sizeof path, "%s/out/index.html", dir);
	char *page = t_read_file(path, NULL);
	cr_assert_not_null(page);
	const char *sec = strstr(page, "<section id=\"changes\">");
	cr_assert_not_null(sec);
	cr_expect(strstr(sec, "<script>alert") == NULL && strstr(sec, "<img") == NULL, "%s", sec);
	cr_expect(strstr(sec, "&lt;/title&gt;&lt;script&gt;alert(3)") != NULL, "%s", sec);
	free(page);
	t_rmtree(dir);
}

Test(render_diff, an_old_that_does_not_read_is_one_error_and_writes_nothing)
{
	char *dir = t_tmpdir("rdiffbad");
	copy_golden(dir, "v2.pmap", "v2.pmap");
	t_write_in(dir, "broken.pmap", "person a\nsystem s { owner: nobody }\n");
	int st;
	char *out = t_pm_in(dir, "render -j 1 --diff no-such-file -o out v2.pmap", &st);
	cr_expect_eq(st, 2, "%s", out);
	cr_expect_str_eq(out, "procmap: error: --diff: 'no-such-file' is neither a file, a folder "
	                      "nor a git revision\n");
	free(out);
	out = t_pm_in(dir, "render -j 1 --diff broken.pmap -o out v2.pmap", &st);
	cr_expect_eq(st, 2, "%s", out);
	cr_expect(strstr(out, "broken.pmap:2:19: error: unknown person 'nobody'") != NULL, "%s", out);
	free(out);
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof path, "%s/out", dir);
	cr_expect_neq(stat(path, &sb), 0, "nothing is written");
	t_rmtree(dir);
}
