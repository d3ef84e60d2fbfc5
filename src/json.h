/* json.h — a small streaming JSON writer for the reports (internal).
 *
 * Output is pretty-printed like jq: two-space indent, one member or element
 * a line, "[]" and "{}" when empty.  Keys are written in the order the
 * caller gives them, so a report's key order is stable by construction.
 * Strings are escaped per RFC 8259, and '<', '>', '&', U+2028, U+2029 are
 * written as \uXXXX so the JSON can be embedded in HTML or JavaScript; bytes
 * that are not UTF-8 become U+FFFD.  Write errors stick in the FILE: check
 * ferror() at the end. */
#ifndef PM_JSON_H
#define PM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "report.h"

/* Deeper than any report nests. */
#define PM_JSON_MAX_DEPTH 16

typedef struct pm_json {
	FILE *out;
	unsigned depth;
	bool key_pending;                   /* a key was written, value next */
	bool has_items[PM_JSON_MAX_DEPTH];  /* per open container */
	pm_wr w;                            /* reaches out at pm_json_end() */
} pm_json;

void pm_json_init(pm_json *j, FILE *out);
void pm_json_object(pm_json *j);
void pm_json_object_end(pm_json *j);
void pm_json_array(pm_json *j);
void pm_json_array_end(pm_json *j);
void pm_json_key(pm_json *j, const char *key);
/* A key given as a string literal of plain ASCII (no '"', '\\', '<', '>',
 * '&' or control bytes): its quotes, colon and space are joined to it at
 * compile time and the whole is copied, with no escaping.  A report writes
 * a few million keys. */
#define PM_JSON_LKEY(j, lit) \
	pm_json_key_raw((j), "\"" lit "\": ", sizeof "\"" lit "\": " - 1)
/* Writes `text`, a key already quoted and followed by ": ", as it is. */
void pm_json_key_raw(pm_json *j, const char *text, size_t len);
/* A string value; NULL writes null. */
void pm_json_string(pm_json *j, const char *s);
void pm_json_string_n(pm_json *j, const char *s, size_t len);
/* The qualified id of an element ("sys.proc.step") as a string, written
 * from its parts without allocating. */
void pm_json_qid(pm_json *j, const pm_model *m, pm_kind kind, pm_ix i);
void pm_json_int(pm_json *j, int64_t v);
/* See pm_json_fmt_number(). */
void pm_json_number(pm_json *j, double v);
void pm_json_bool(pm_json *j, bool v);
void pm_json_null(pm_json *j);
/* Shorthands for a key and its value. */
void pm_json_kstr(pm_json *j, const char *key, const char *s);
void pm_json_kint(pm_json *j, const char *key, int64_t v);
void pm_json_knum(pm_json *j, const char *key, double v);
/* Ends the document with a line break and hands every byte to the FILE:
 * until then output may wait in the writer. */
void pm_json_end(pm_json *j);

/* Writes the bytes of a JSON string body (no quotes), escaped as above. */
void pm_json_escape(FILE *out, const char *s, size_t len);

/* Size that holds any pm_json_fmt_number() result. */
#define PM_NUMBER_BUF 400
/* Formats a number the one way every report writes numbers: an integer
 * when the value is integral, otherwise rounded to 4 decimal places with
 * trailing zeros dropped ("0.5333", "12.5"); "null" for NaN and infinity;
 * never "-0".  Returns buf. */
char *pm_json_fmt_number(char *buf, double v);

#endif
