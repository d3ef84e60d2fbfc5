/* json.c — a streaming JSON writer: pretty, stable, escaped for HTML. */
#include <math.h>
#include <string.h>

#include "json.h"
#include "lexer.h"
#include "report.h"

/* A report is written a few bytes at a time, a million times over: stdio
 * without its lock (putc_unlocked is a macro, not a call) where there is. */
#ifdef __GLIBC__
#define put_c(c, f) putc_unlocked((c), (f))
#define put_n(p, n, f) fwrite_unlocked((p), 1, (n), (f))
#define put_s(s, f) put_n((s), strlen(s), (f))
#else
#define put_c(c, f) putc((c), (f))
#define put_n(p, n, f) fwrite((p), 1, (n), (f))
#define put_s(s, f) fputs((s), (f))
#endif

void pm_json_init(pm_json *j, FILE *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

static void indent(pm_json *j)
{
	static const char spaces[] = "                                ";
	put_c('\n', j->out);
	put_n(spaces, 2 * (size_t)j->depth, j->out);
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
	if (j->has_items[j->depth])
		put_c(',', j->out);
	j->has_items[j->depth] = true;
	indent(j);
}

static void begin(pm_json *j, char c)
{
	before_value(j);
	put_c(c, j->out);
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
	put_c(c, j->out);
}

void pm_json_object(pm_json *j) { begin(j, '{'); }
void pm_json_object_end(pm_json *j) { finish(j, '}'); }
void pm_json_array(pm_json *j) { begin(j, '['); }
void pm_json_array_end(pm_json *j) { finish(j, ']'); }

void pm_json_key(pm_json *j, const char *key)
{
	before_value(j);
	put_c('"', j->out);
	pm_json_escape(j->out, key, strlen(key));
	put_s("\": ", j->out);
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

void pm_json_escape(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;   /* start of the bytes that go out unchanged */
	char buf[8];
	for (size_t i = 0; i < len;) {
		const char *esc = NULL;
		size_t n = 1;
		/* the common case first: reports are mostly plain ASCII */
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\' &&
		    p[i] != '<' && p[i] != '>' && p[i] != '&') {
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
			put_n(s + run, i - run, out);
			put_s(esc, out);
			run = i + n;
		}
		i += n;
	}
	put_n(s + run, len - run, out);
}

void pm_json_string_n(pm_json *j, const char *s, size_t len)
{
	before_value(j);
	put_c('"', j->out);
	pm_json_escape(j->out, s, len);
	put_c('"', j->out);
}

void pm_json_string(pm_json *j, const char *s)
{
	if (!s)
		pm_json_null(j);
	else
		pm_json_string_n(j, s, strlen(s));
}

void pm_json_qid(pm_json *j, const pm_model *m, pm_kind kind, pm_ix i)
{
	pm_str parts[3];
	unsigned n = pm_qid_parts(m, kind, i, parts);
	before_value(j);
	put_c('"', j->out);
	for (unsigned k = 0; k < n; k++) {
		if (k)
			put_c('.', j->out);
		pm_json_escape(j->out, pm_str_get(m, parts[k]), pm_str_len(m, parts[k]));
	}
	put_c('"', j->out);
}

/* Decimal digits of v into buf (at least 21 bytes); returns the length.
 * Reports hold a million numbers: printf is the slow way to write them. */
static size_t fmt_int(char *buf, int64_t v)
{
	char tmp[24];
	size_t n = 0, len = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

void pm_json_int(pm_json *j, int64_t v)
{
	char buf[24];
	before_value(j);
	put_n(buf, fmt_int(buf, v), j->out);
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
	put_s(pm_json_fmt_number(buf, v), j->out);
}

void pm_json_bool(pm_json *j, bool v)
{
	before_value(j);
	put_s(v ? "true" : "false", j->out);
}

void pm_json_null(pm_json *j)
{
	before_value(j);
	put_s("null", j->out);
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
	put_c('\n', j->out);
}
