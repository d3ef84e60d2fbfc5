/* json.c — a streaming JSON writer: pretty, stable, escaped for HTML. */
#include <math.h>
#include <string.h>

#include "json.h"
#include "lexer.h"
#include "report.h"

static void flush(pm_json *j)
{
	pm_wr_flush(&j->w);
}

static void put_n(pm_json *j, const char *s, size_t n)
{
	pm_wr_put(&j->w, s, n);
}

static void put_c(pm_json *j, char c)
{
	pm_wr_putc(&j->w, c);
}

static void put_s(pm_json *j, const char *s)
{
	put_n(j, s, strlen(s));
}

static void escape(pm_json *j, const char *s, size_t len);

void pm_json_init(pm_json *j, FILE *out)
{
	pm_wr_init(&j->w, out);
	j->depth = 0;
	j->key_pending = false;
	memset(j->has_items, 0, sizeof j->has_items);
}

/* An optional comma, a line break and the indent of the current depth, in
 * one go: a report has a few million lines. */
static void line_break(pm_json *j, bool comma)
{
	static const char spaces[2 * PM_JSON_MAX_DEPTH + 1] =
		"                                ";
	size_t n = 2 * (size_t)j->depth;
	if (n + 2 > PM_WR_SIZE - j->w.n)
		flush(j);
	char *o = j->w.buf + j->w.n;
	if (comma)
		*o++ = ',';
	*o++ = '\n';
	memcpy(o, spaces, n);
	j->w.n = (size_t)(o + n - j->w.buf);
}

static void indent(pm_json *j)
{
	line_break(j, false);
}

/* Separates a value from the one before it and moves to its line. */
static void before_value(pm_json *j)
{
	if (j->key_pending) {
		j->key_pending = false;
		return;
	}
	if (j->depth == 0)
		return;
	line_break(j, j->has_items[j->depth]);
	j->has_items[j->depth] = true;
}

static void begin(pm_json *j, char c)
{
	before_value(j);
	put_c(j, c);
	if (j->depth + 1 < PM_JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void finish(pm_json *j, char c)
{
	bool items = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (items)
		indent(j);
	put_c(j, c);
}

void pm_json_object(pm_json *j) { begin(j, '{'); }
void pm_json_object_end(pm_json *j) { finish(j, '}'); }
void pm_json_array(pm_json *j) { begin(j, '['); }
void pm_json_array_end(pm_json *j) { finish(j, ']'); }

void pm_json_key(pm_json *j, const char *key)
{
	before_value(j);
	put_c(j, '"');
	escape(j, key, strlen(key));
	put_s(j, "\": ");
	j->key_pending = true;
}

void pm_json_key_raw(pm_json *j, const char *text, size_t len)
{
	before_value(j);
	put_n(j, text, len);
	j->key_pending = true;
}

/* What a byte below 0x80 becomes inside a JSON string: NULL for itself. */
static const char *ascii_escape(unsigned char c, char buf[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '<': case '>': case '&': case 0x7f:
		break;
	default:
		if (c >= 0x20)
			return NULL;
	}
	snprintf(buf, 8, "\\u%04x", c);
	return buf;
}

/* 1 for the bytes a string takes as they are: printable ASCII but for
 * '"', '\\', '<', '>' and '&'. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0x10 */
	1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /*  !"#$%&'()*+,-./ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,   /* 0123456789:;<=>? */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* @A-O */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* P-Z [ \\ ] ^ _ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* `a-o */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,   /* p-z { | } ~ DEL */
};

/* The general case: runs of plain bytes between the bytes to escape. */
static void escape_rest(pm_json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;   /* start of the bytes that go out unchanged */
	char buf[8];
	for (size_t i = 0; i < len;) {
		const char *esc = NULL;
		size_t n = 1;
		/* the common case first: reports are mostly plain ASCII */
		if (plain[p[i]]) {
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			esc = ascii_escape(p[i], buf);
		} else {
			n = pm_utf8_len(p + i, len - i);
			if (n == 0) {
				esc = "\\ufffd";   /* not UTF-8: defensive */
				n = 1;
			} else if (n == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 &&
			           (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
				esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			}
		}
		if (esc) {
			put_n(j, s + run, i - run);
			put_s(j, esc);
			run = i + n;
		}
		i += n;
	}
	put_n(j, s + run, len - run);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static uint64_t has_byte(uint64_t w, unsigned char b)
{
	uint64_t x = w ^ (ONES * b);
	return (x - ONES) & ~x & HIGHS;
}

/* Whether all eight bytes of w are plain (see the table): none below
 * 0x20, none from 0x7f up (adding 1 sets the top bit of 0x7f, the others
 * have it), and none of '"' and '&' (the bytes b with b | 4 == '&'), '<'
 * and '>' (b | 2 == '>'), '\\'. */
static bool word_plain(uint64_t w)
{
	uint64_t low = (w - ONES * 0x20) & ~w & HIGHS;
	uint64_t high = ((w + ONES) | w) & HIGHS;
	return !(low | high | has_byte(w | ONES * 4, '&') |
	         has_byte(w | ONES * 2, '>') | has_byte(w, '\\'));
}

/* Nearly every string of a report is a short run of plain ASCII: it is
 * copied into the buffer while it is checked, eight bytes at a time, one
 * pass and no call per string; the first byte that is not plain hands the
 * rest to escape_rest. */
static void escape(pm_json *j, const char *s, size_t len)
{
	if (len > PM_WR_SIZE / 2) {
		escape_rest(j, s, len);
		return;
	}
	if (len > PM_WR_SIZE - j->w.n)
		flush(j);
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *o = (unsigned char *)j->w.buf + j->w.n;
	size_t i = 0;
	for (uint64_t w; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		if (!word_plain(w))
			break;
		memcpy(o + i, &w, 8);
	}
	while (i < len && plain[p[i]]) {
		o[i] = p[i];
		i++;
	}
	j->w.n += i;
	if (i < len)
		escape_rest(j, s + i, len - i);
}

void pm_json_escape(FILE *out, const char *s, size_t len)
{
	pm_json j;
	pm_json_init(&j, out);
	escape(&j, s, len);
	flush(&j);
}

void pm_json_string_n(pm_json *j, const char *s, size_t len)
{
	before_value(j);
	put_c(j, '"');
	escape(j, s, len);
	put_c(j, '"');
}

void pm_json_string(pm_json *j, const char *s)
{
	if (!s)
		pm_json_null(j);
	else
		pm_json_string_n(j, s, strlen(s));
}

/* Copies the parts of a qualified id, joined by '.', to o while checking
 * them; false at the first byte that needs escaping. */
static bool copy_plain_parts(const pm_model *m, const pm_str *parts, unsigned n,
                             char *o)
{
	for (unsigned k = 0; k < n; k++) {
		const unsigned char *p = (const unsigned char *)pm_str_get(m, parts[k]);
		uint32_t len = pm_str_len(m, parts[k]);
		if (k)
			*o++ = '.';
		for (uint32_t i = 0; i < len; i++) {
			if (!plain[p[i]])
				return false;
			*o++ = (char)p[i];
		}
	}
	return true;
}

/* A report is mostly qualified ids (every critical path lists its steps):
 * the common case, ids of plain ASCII, is written in one pass straight into
 * the buffer; anything else takes the escaping path. */
void pm_json_qid(pm_json *j, const pm_model *m, pm_kind kind, pm_ix i)
{
	pm_str parts[3];
	unsigned n = pm_qid_parts(m, kind, i, parts);
	before_value(j);
	size_t len = n + 1;   /* the quotes and the dots */
	for (unsigned k = 0; k < n; k++)
		len += pm_str_len(m, parts[k]);
	if (len <= PM_WR_SIZE / 2) {
		if (len > PM_WR_SIZE - j->w.n)
			flush(j);
		char *o = j->w.buf + j->w.n;
		*o = '"';
		if (copy_plain_parts(m, parts, n, o + 1)) {
			o[len - 1] = '"';
			j->w.n += len;
			return;
		}
	}
	put_c(j, '"');
	for (unsigned k = 0; k < n; k++) {
		if (k)
			put_c(j, '.');
		escape(j, pm_str_get(m, parts[k]), pm_str_len(m, parts[k]));
	}
	put_c(j, '"');
}

/* Decimal digits of v into buf (at least 21 bytes); returns the length.
 * Reports hold a million numbers: printf is the slow way to write them. */
static size_t fmt_int(char *buf, int64_t v)
{
	char *o = buf;
	if (v < 0)
		*o++ = '-';
	o = pm_put_decimal(o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	*o = '\0';
	return (size_t)(o - buf);
}

void pm_json_int(pm_json *j, int64_t v)
{
	char buf[24];
	before_value(j);
	put_n(j, buf, fmt_int(buf, v));
}

char *pm_json_fmt_number(char *buf, double v)
{
	if (!isfinite(v)) {
		strcpy(buf, "null");
		return buf;
	}
	if (fabs(v) < 1e15 && v == trunc(v)) {   /* integral: exact as int64 */
		fmt_int(buf, (int64_t)v);           /* -0.0 becomes "0" */
		return buf;
	}
	if (pm_put_fixed(buf, v, 4))
		return buf;
	/* %.4f of |v| < 1e308 fits: at most 309 digits, a point, 4 decimals */
	snprintf(buf, PM_NUMBER_BUF, "%.4f", v);
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
	return buf;
}

void pm_json_number(pm_json *j, double v)
{
	char buf[PM_NUMBER_BUF];
	before_value(j);
	put_s(j, pm_json_fmt_number(buf, v));
}

void pm_json_bool(pm_json *j, bool v)
{
	before_value(j);
	put_s(j, v ? "true" : "false");
}

void pm_json_null(pm_json *j)
{
	before_value(j);
	put_s(j, "null");
}

void pm_json_kstr(pm_json *j, const char *key, const char *s)
{
	pm_json_key(j, key);
	pm_json_string(j, s);
}

void pm_json_kint(pm_json *j, const char *key, int64_t v)
{
	pm_json_key(j, key);
	pm_json_int(j, v);
}

void pm_json_knum(pm_json *j, const char *key, double v)
{
	pm_json_key(j, key);
	pm_json_number(j, v);
}

void pm_json_end(pm_json *j)
{
	put_c(j, '\n');
	flush(j);
}
