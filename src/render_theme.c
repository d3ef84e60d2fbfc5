/* render_theme.c — the two palettes of the diagrams, the CSS that lets one
 * SVG follow the reader's colour scheme, and the PDF creation date.
 *
 * Every colour a diagram uses is a role here, and every light colour is
 * distinct, so the dark stylesheet can map each one by attribute value
 * ([fill="#ffffff"]) without knowing which element it is on: CSS beats
 * the presentation attributes Graphviz writes. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

/* Okabe-Ito hues for the marks (readable by colour-blind readers); text
 * colours darkened (light) or lightened (dark) to 4.5:1 on what they sit. */
const char *const pm_palette[2][PM_C_COUNT] = {
	[0] = {
		[PM_C_BG] = "#ffffff", [PM_C_TEXT] = "#1a1a1a", [PM_C_MUTED] = "#4d4d4d",
		[PM_C_BORDER] = "#333333", [PM_C_EDGE] = "#595959", [PM_C_NODE] = "#fdfdfd",
		[PM_C_LANE] = "#f2f2f2", [PM_C_LANE_BORDER] = "#b3b3b3",
		[PM_C_SYSTEM] = "#ececec", [PM_C_SYSTEM_BORDER] = "#999999",
		[PM_C_PROCESS] = "#ddeef8", [PM_C_STUB] = "#e6e6e6",
		[PM_C_CRIT] = "#0072b2", [PM_C_CYCLE] = "#d55e00", [PM_C_WARN] = "#e69f00",
		[PM_C_WARN_FILL] = "#fdf0d5", [PM_C_BOTTLENECK] = "#f0e442",
		[PM_C_TRIGGER] = "#009e73", [PM_C_TRIGGER_TEXT] = "#101010",
		[PM_C_LINK] = "#0068a3", [PM_C_CYCLE_TEXT] = "#b34700",
		[PM_C_WARN_TEXT] = "#8a5300", [PM_C_ERR_TEXT] = "#b3261e",
		[PM_C_ADDED] = "#007a4d", [PM_C_ADDED_FILL] = "#e2f5ea",
		[PM_C_CHANGED] = "#b37400", [PM_C_CHANGED_FILL] = "#fff3d1",
		[PM_C_GHOST] = "#a6a6a6", [PM_C_GHOST_TEXT] = "#636363",
	},
	[1] = {
		[PM_C_BG] = "#1e1e1e", [PM_C_TEXT] = "#e8e8e8", [PM_C_MUTED] = "#b8b8b8",
		[PM_C_BORDER] = "#c8c8c8", [PM_C_EDGE] = "#a0a0a0", [PM_C_NODE] = "#2a2a2a",
		[PM_C_LANE] = "#262626", [PM_C_LANE_BORDER] = "#5a5a5a",
		[PM_C_SYSTEM] = "#242424", [PM_C_SYSTEM_BORDER] = "#707070",
		[PM_C_PROCESS] = "#1d3241", [PM_C_STUB] = "#363636",
		[PM_C_CRIT] = "#56b4e9", [PM_C_CYCLE] = "#ff7a33", [PM_C_WARN] = "#e69f00",
		[PM_C_WARN_FILL] = "#3a2e16", [PM_C_BOTTLENECK] = "#5c5410",
		[PM_C_TRIGGER] = "#00694d", [PM_C_TRIGGER_TEXT] = "#f2f2f2",
		[PM_C_LINK] = "#6cc0f0", [PM_C_CYCLE_TEXT] = "#ff8c4d",
		[PM_C_WARN_TEXT] = "#f5b942", [PM_C_ERR_TEXT] = "#ff7b72",
		[PM_C_ADDED] = "#3ddc97", [PM_C_ADDED_FILL] = "#173a2a",
		[PM_C_CHANGED] = "#f0b429", [PM_C_CHANGED_FILL] = "#3d3014",
		[PM_C_GHOST] = "#6e6e6e", [PM_C_GHOST_TEXT] = "#9a9a9a",
	},
};

/* Text colour on the fill it is drawn on, as the diagrams use them. */
const pm_role_pair pm_text_pairs[] = {
	{ PM_C_TEXT, PM_C_BG }, { PM_C_TEXT, PM_C_NODE }, { PM_C_TEXT, PM_C_LANE },
	{ PM_C_TEXT, PM_C_SYSTEM }, { PM_C_TEXT, PM_C_PROCESS }, { PM_C_TEXT, PM_C_STUB },
	{ PM_C_TEXT, PM_C_BOTTLENECK }, { PM_C_TEXT, PM_C_WARN_FILL },
	{ PM_C_MUTED, PM_C_BG }, { PM_C_MUTED, PM_C_NODE }, { PM_C_MUTED, PM_C_LANE },
	{ PM_C_MUTED, PM_C_PROCESS }, { PM_C_MUTED, PM_C_SYSTEM },
	{ PM_C_TRIGGER_TEXT, PM_C_TRIGGER }, { PM_C_LINK, PM_C_BG },
	{ PM_C_CYCLE_TEXT, PM_C_BG }, { PM_C_CYCLE_TEXT, PM_C_LANE },
	{ PM_C_WARN_TEXT, PM_C_BG }, { PM_C_WARN_TEXT, PM_C_LANE },
	{ PM_C_WARN_TEXT, PM_C_WARN_FILL }, { PM_C_WARN_TEXT, PM_C_PROCESS },
	{ PM_C_WARN_TEXT, PM_C_SYSTEM }, { PM_C_ERR_TEXT, PM_C_PROCESS },
	{ PM_C_ERR_TEXT, PM_C_SYSTEM }, { PM_C_ERR_TEXT, PM_C_BG },
	{ PM_C_TEXT, PM_C_ADDED_FILL }, { PM_C_TEXT, PM_C_CHANGED_FILL },
	{ PM_C_GHOST_TEXT, PM_C_BG }, { PM_C_GHOST_TEXT, PM_C_SYSTEM },
	{ PM_C_GHOST_TEXT, PM_C_LANE }, { PM_C_GHOST_TEXT, PM_C_PROCESS },
};
const size_t pm_text_npairs = sizeof pm_text_pairs / sizeof pm_text_pairs[0];

static bool contains(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; (p = memchr(p, word[0], len - (size_t)(p - s))); p++)
		if ((size_t)(s + len - p) >= n && !memcmp(p, word, n))
			return true;
	return false;
}

/* The dark palette as overrides of the light one, inside a media query:
 * "[fill="#ffffff"]{fill:#1e1e1e}" for fills and strokes of the roles the
 * SVG uses (a diagram uses about half of them). */
static char *auto_css(const char *svg, size_t svglen, size_t *len)
{
	static const char head[] = "<style>@media (prefers-color-scheme: dark){";
	static const char tail[] = "}</style>";
	size_t cap = sizeof head + sizeof tail + PM_C_COUNT * 2 * 48, n = 0;
	char *css = malloc(cap);
	if (!css)
		return NULL;
	memcpy(css, head, sizeof head - 1);
	n = sizeof head - 1;
	for (int r = 0; r < PM_C_COUNT; r++)
		for (int k = 0; k < 2 && contains(svg, svglen, pm_palette[0][r]); k++)
			n += (size_t)snprintf(css + n, cap - n, "[%s=\"%s\"]{%s:%s}",
			                      k ? "stroke" : "fill", pm_palette[0][r],
			                      k ? "stroke" : "fill", pm_palette[1][r]);
	memcpy(css + n, tail, sizeof tail);
	*len = n + sizeof tail - 1;
	return css;
}

char *pm_svg_add_theme(const char *svg, size_t len, size_t *outlen)
{
	const char *open = NULL;
	for (size_t i = 0; i + 4 <= len && !open; i++)
		if (!memcmp(svg + i, "<svg", 4))
			open = svg + i;
	const char *end = open ? memchr(open, '>', len - (size_t)(open - svg)) : NULL;
	if (!end)
		return NULL;
	size_t at = (size_t)(end + 1 - svg), clen;
	char *css = auto_css(svg, len, &clen);
	char *out = css ? malloc(len + clen + 2) : NULL;
	if (out) {
		memcpy(out, svg, at);
		out[at] = '\n';
		memcpy(out + at + 1, css, clen);
		memcpy(out + at + 1 + clen, svg + at, len - at);
		*outlen = len + clen + 1;
	}
	free(css);
	return out;
}

/* cairo writes the time of the run; the same model should give the same
 * bytes.  The date is overwritten in place (same length, so the xref
 * offsets stay right) with SOURCE_DATE_EPOCH, else 2000-01-01. */
void pm_pdf_fix_date(char *pdf, size_t len)
{
	static const char key[] = "/CreationDate (D:";
	const size_t klen = sizeof key - 1;
	time_t t = 946684800;
	const char *env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env) {
		char *e;
		long long v = strtoll(env, &e, 10);
		if (!*e && v >= 0 && v < 253402300800LL)
			t = (time_t)v;
	}
	struct tm tm;
	char date[16];
	if (!gmtime_r(&t, &tm) || strftime(date, sizeof date, "%Y%m%d%H%M%S", &tm) != 14)
		return;
	for (size_t i = 0; i + klen + 14 <= len; i++)
		if (pdf[i] == '/' && !memcmp(pdf + i, key, klen)) {
			memcpy(pdf + i + klen, date, 14);
			i += klen + 14;
		}
}
