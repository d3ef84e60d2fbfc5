/* lexer.c — a single pass over the file's text, no allocation per token.
 * Errors (bad characters, strings) are reported here and lexing goes on, so
 * the parser sees a plausible token stream and does not cascade. */
#include <string.h>

#include "lexer.h"

void pm_lexer_init(pm_lexer *lx, pm_model *m, uint32_t file)
{
	memset(lx, 0, sizeof *lx);
	lx->m = m;
	lx->file = file;
	lx->src = m->files.v[file].data;
	lx->len = m->files.v[file].len;
	lx->line = 1;
	if (lx->len >= 3 && memcmp(lx->src, "\xEF\xBB\xBF", 3) == 0) {
		lx->pos = 3; /* a UTF-8 byte order mark is not part of column 1 */
		lx->line_start = 3;
	}
}

const char *pm_tok_name(pm_tok kind)
{
	static const char *const names[] = {
		"end of file", "newline", "';'", "'{'", "'}'", "':'", "','",
		"'->'", "identifier", "value", "string", "comment",
	};
	return names[kind];
}

static pm_loc loc_at(const pm_lexer *lx, size_t pos)
{
	pm_loc l = { lx->file, lx->line,
	             (uint32_t)(pos - lx->line_start - lx->cont + 1) };
	return l;
}

static void lex_error_at(pm_lexer *lx, pm_loc loc, const char *fmt, const char *arg)
{
	if (!lx->quiet)
		pm_error(lx->m, "syntax", loc, fmt, arg);
}

/* `pos` must not be before a multi-byte character already stepped over on
 * this line: the column subtracts every continuation byte seen so far. */
static void lex_error(pm_lexer *lx, size_t pos, const char *fmt, const char *arg)
{
	lex_error_at(lx, loc_at(lx, pos), fmt, arg);
}

size_t pm_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
	else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
	else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
	else return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Steps over one non-ASCII character inside a string or comment; reports
 * bytes that are not UTF-8 (once per run of bad bytes). */
static void skip_utf8(pm_lexer *lx, bool *bad_reported)
{
	const unsigned char *s = (const unsigned char *)lx->src + lx->pos;
	size_t n = pm_utf8_len(s, lx->len - lx->pos);
	if (n == 0) {
		if (!*bad_reported) {
			char hex[8];
			static const char digits[] = "0123456789abcdef";
			hex[0] = '0'; hex[1] = 'x';
			hex[2] = digits[s[0] >> 4]; hex[3] = digits[s[0] & 15];
			hex[4] = '\0';
			lex_error(lx, lx->pos, "invalid UTF-8 byte %s", hex);
			*bad_reported = true;
		}
		lx->pos++;
		return;
	}
	*bad_reported = false;
	lx->pos += n;
	lx->cont += n - 1;
}

static void newline(pm_lexer *lx)
{
	lx->line++;
	lx->line_start = lx->pos;
	lx->cont = 0;
}

/* Byte classes, one table lookup per byte in the hot loops.  NUL is in no
 * class, so the loops also stop at the terminator every file text has
 * (model.h), and no loop needs a bounds check of its own. */
enum {
	C_ID = 1,       /* [A-Za-z0-9_-]: continues an id */
	C_START = 2,    /* [A-Za-z_]: starts an id */
	C_WORD = 4,     /* id bytes, '.', '/' and '%': continue a value such as
	                   1.5h or 40% */
	C_BLANK = 8,    /* space, tab, form feed, vertical tab */
	C_PLAIN = 16,   /* ASCII that a string or comment takes as it is */
	C_ALNUM = 32    /* [A-Za-z0-9_]: continues an id, '-' aside (which may
	                   start an arrow) */
};
#define P_ C_PLAIN
#define B_ (C_BLANK | C_PLAIN)
#define W_ (C_WORD | C_PLAIN)
#define H_ (C_ID | C_WORD | C_PLAIN)
#define D_ (C_ID | C_ALNUM | C_WORD | C_PLAIN)
#define L_ (C_ID | C_ALNUM | C_START | C_WORD | C_PLAIN)
static const unsigned char cls[256] = {
	0,  P_, P_, P_, P_, P_, P_, P_, P_, B_, 0,  B_, B_, 0,  P_, P_, /* 0x00 */
	P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, /* 0x10 */
	B_, P_, 0,  P_, P_, W_, P_, P_, P_, P_, P_, P_, P_, H_, W_, W_, /*  !"#$%&'()*+,-./ */
	D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, P_, P_, P_, P_, P_, P_, /* 0123456789:;<=>? */
	P_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, /* @ABCDEFGHIJKLMNO */
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, P_, 0,  P_, P_, L_, /* PQRSTUVWXYZ[\]^_ */
	P_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, /* `abcdefghijklmno */
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, P_, P_, P_, P_, P_, /* pqrstuvwxyz{|}~ */
};
#undef P_
#undef B_
#undef W_
#undef H_
#undef D_
#undef L_

/* The position of the first byte at or after pos that is not in `mask`. */
static inline size_t skip_class(const char *s, size_t pos, unsigned mask)
{
	while (cls[(unsigned char)s[pos]] & mask)
		pos++;
	return pos;
}

static bool is_id_start(int c)
{
	return cls[(unsigned char)c] & C_START;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The end of the id or dotted path that starts at pos. */
static inline size_t ident_end(const unsigned char *s, size_t pos)
{
	for (;;) {
		while (cls[s[pos]] & C_ALNUM)
			pos++;
		if (s[pos] == '-' && s[pos + 1] != '>')
			pos++;
		else if (s[pos] == '.' && (cls[s[pos + 1]] & C_START))
			pos++;
		else
			return pos;
	}
}

static void lex_ident(pm_lexer *lx)
{
	lx->pos = ident_end((const unsigned char *)lx->src, lx->pos);
}

static void lex_string(pm_lexer *lx, pm_token *t)
{
	const char *s = lx->src;
	bool bad_utf8 = false;
	lx->pos++; /* opening quote */
	while (lx->pos < lx->len) {
		size_t plain_end = skip_class(s, lx->pos, C_PLAIN);
		if (plain_end != lx->pos)
			bad_utf8 = false;  /* ASCII ends a run of bad bytes */
		lx->pos = plain_end;
		if (lx->pos >= lx->len)
			break;
		unsigned char c = (unsigned char)s[lx->pos];
		if (c == '"') {
			lx->pos++;
			return;
		}
		if (c == '\n' || c == '\r')
			break;
		if (c == '\\') {
			t->has_escape = true;
			char e = lx->pos + 1 < lx->len ? s[lx->pos + 1] : '\0';
			if (e == '\n' || e == '\r' || lx->pos + 1 >= lx->len) {
				lx->pos++; /* reported as an unterminated string */
				continue;
			}
			if (e != '"' && e != '\\' && e != 'n') {
				char what[3] = { '\\', e, '\0' };
				if ((unsigned char)e < 0x20 || (unsigned char)e >= 0x80)
					what[1] = '\0';
				lex_error(lx, lx->pos,
				          "invalid escape '%s' in string (use \\\", \\\\ or \\n)",
				          what);
				if ((unsigned char)e >= 0x80 || e == '\0') {
					lx->pos++; /* the byte itself is checked next */
					continue;
				}
			}
			lx->pos += 2;
			continue;
		}
		if (c == '\0') {
			lex_error(lx, lx->pos, "NUL byte in %s", "string");
			lx->pos++;
		} else if (c >= 0x80) {
			skip_utf8(lx, &bad_utf8);
		} else {
			lx->pos++;
			bad_utf8 = false;
		}
	}
	/* at the opening quote, whose column was taken before the string's
	 * own multi-byte characters were counted */
	lex_error_at(lx, t->loc, "unterminated string%s", "");
	t->bad = true;
}

static void lex_comment(pm_lexer *lx)
{
	bool bad_utf8 = false;
	lx->pos = skip_class(lx->src, lx->pos, C_PLAIN);
	while (lx->pos < lx->len && lx->src[lx->pos] != '\n' && lx->src[lx->pos] != '\r') {
		unsigned char c = (unsigned char)lx->src[lx->pos];
		if (c == '\0') {
			lex_error(lx, lx->pos, "NUL byte in %s", "comment");
			lx->pos++;
		} else if (c >= 0x80) {
			skip_utf8(lx, &bad_utf8);
		} else {
			lx->pos++;
			bad_utf8 = false;
		}
	}
}

/* Reports a byte that starts no token and steps over it. */
static void lex_bad_char(pm_lexer *lx, unsigned char c)
{
	const char *s = lx->src;
	bool bad = false;
	if (c == 0) {
		lex_error(lx, lx->pos, "NUL byte in %s", "input");
		lx->pos++;
	} else if (c >= 0x80) {
		size_t n = pm_utf8_len((const unsigned char *)s + lx->pos,
		                       lx->len - lx->pos);
		if (n == 0) {
			skip_utf8(lx, &bad);
		} else {
			char ch[5] = { 0 };
			memcpy(ch, s + lx->pos, n);
			lex_error(lx, lx->pos, "unexpected character '%s'", ch);
			lx->pos += n;
			lx->cont += n - 1;
		}
	} else {
		/* a run of one character is one mistake */
		size_t run = 1;
		while (run < 40 && (unsigned char)s[lx->pos + run] == c)
			run++;
		char ch[41];
		memset(ch, c, run);
		ch[run] = '\0';
		lex_error(lx, lx->pos, run > 1 ? "unexpected characters '%s'" :
		          "unexpected character '%s'", ch);
		lx->pos += run;
	}
}

/* "→" at s, reading no byte past a NUL. */
static bool is_unicode_arrow(const char *s)
{
	return s[0] == '\xE2' && s[1] == '\x86' && s[2] == '\x92';
}

/* The offset of the first `c` after pos on this line, or 0. */
static size_t find_on_line(const pm_lexer *lx, size_t pos, char c)
{
	for (size_t i = pos + 1; lx->src[i] && lx->src[i] != '\n' && lx->src[i] != '\r'; i++)
		if (lx->src[i] == c)
			return i;
	return 0;
}

/* Counts the continuation bytes of src[from, to) into the column offset. */
static void count_cont(pm_lexer *lx, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (((unsigned char)lx->src[i] & 0xC0) == 0x80)
			lx->cont++;
}

/* A foreign habit: "[a, b]", 'text' or `text`, "=>" or "→", a Markdown
 * fence.  Reports it once with the fix and returns true with *t filled
 * when it stands for a token; false when the bytes are skipped. */
static bool lex_habit(pm_lexer *lx, pm_token *t, unsigned char c)
{
	const char *s = lx->src;
	size_t pos = lx->pos;
	if (c == '[') {
		size_t close = find_on_line(lx, pos, ']');
		size_t from = pos;
		while (from > lx->line_start && s[from - 1] != ';' && s[from - 1] != '{')
			from--;
		while (s[from] == ' ' || s[from] == '\t')
			from++;
		if (close) {
			const char *key = s + from;
			int kl = (int)(pos - from);
			while (kl > 0 && key[kl - 1] == ' ')
				kl--;
			lex_error(lx, pos, "lists have no brackets: '%s'",
			          pm_arena_printf(lx->m, "%.*s%s%.*s", kl, key, kl ? " " : "",
			                          (int)(close - pos - 1), s + pos + 1));
			lx->close_bracket = close + 1;
		} else {
			lex_error(lx, pos, "unexpected character '%s'; lists have no brackets", "[");
		}
		lx->pos++;
		return false;
	}
	if (c == ']' && lx->close_bracket == pos + 1) {
		lx->close_bracket = 0;
		lx->pos++;
		return false;
	}
	if (c == '`' && s[pos + 1] == '`' && s[pos + 2] == '`') {
		lex_error(lx, pos, "unexpected '```': a Markdown code fence is no part of "
		          "a .pmap file (remove the line)%s", "");
		while (s[lx->pos] && s[lx->pos] != '\n' && s[lx->pos] != '\r')
			lx->pos++;
		count_cont(lx, pos, lx->pos);
		return false;
	}
	if ((c == '\'' || c == '`') && find_on_line(lx, pos, (char)c)) {
		size_t close = find_on_line(lx, pos, (char)c);
		lex_error(lx, pos, "strings use double quotes: %s",
		          pm_arena_printf(lx->m, "\"%.*s\"", (int)(close - pos - 1), s + pos + 1));
		lx->pos = close + 1;
		count_cont(lx, pos, lx->pos);
		t->kind = PM_T_STRING;
		t->bad = true;
		return true;
	}
	if (c == '=' && s[pos + 1] != '>' && s[pos + 1] != '=') {
		lex_error(lx, pos, "attributes take ':', not '='%s", "");
		lx->pos++;
		t->kind = PM_T_COLON;
		return true;
	}
	bool fat = c == '=' && s[pos + 1] == '>';
	bool unicode = is_unicode_arrow(s + pos);
	if (fat || unicode) {
		lex_error(lx, pos, "arrows are '->', not '%s'", fat ? "=>" : "\xE2\x86\x92");
		lx->pos += fat ? 2 : 3;
		lx->cont += fat ? 0 : 2;
		t->kind = PM_T_ARROW;
		return true;
	}
	return false;
}

static bool is_habit(const char *s, unsigned char c)
{
	return c == '[' || c == ']' || c == '`' || c == '\'' ||
	       (c == '=' && s[1] != '=') || is_unicode_arrow(s);
}

/* Every token, from lx->pos on (pm_lex_next() takes the common ones
 * itself).  Writes each field of *t in place: building a token on the
 * stack and copying it out stalled on store forwarding. */
static __attribute__((noinline)) void lex_next_slow(pm_lexer *lx, pm_token *t)
{
	const char *s = lx->src;
	for (;;) {
		lx->pos = skip_class(s, lx->pos, C_BLANK);
		t->start = (uint32_t)lx->pos;
		t->len = 0;
		t->loc = loc_at(lx, lx->pos);
		t->has_escape = false;
		t->bad = false;
		if (lx->pos >= lx->len) {
			t->kind = PM_T_EOF;
			return;
		}
		unsigned char c = (unsigned char)s[lx->pos];
		switch (c) {
		case '\r':
			lx->pos++;
			if (lx->pos < lx->len && s[lx->pos] == '\n')
				lx->pos++;
			t->kind = PM_T_NEWLINE;
			newline(lx);
			t->len = 1;
			return;
		case '\n':
			lx->pos++;
			t->kind = PM_T_NEWLINE;
			newline(lx);
			t->len = 1;
			return;
		case '#':
			lex_comment(lx);
			if (!lx->keep_comments)
				continue;
			t->kind = PM_T_COMMENT;
			break;
		case ';': lx->pos++; t->kind = PM_T_SEMI; break;
		case '{': lx->pos++; t->kind = PM_T_LBRACE; break;
		case '}': lx->pos++; t->kind = PM_T_RBRACE; break;
		case ':': lx->pos++; t->kind = PM_T_COLON; break;
		case ',': lx->pos++; t->kind = PM_T_COMMA; break;
		case '"':
			t->kind = PM_T_STRING;
			lex_string(lx, t);
			break;
		case '-':
			if (lx->pos + 1 < lx->len && s[lx->pos + 1] == '>') {
				lx->pos += 2;
				t->kind = PM_T_ARROW;
				break;
			}
			/* fall through */
		default:
			if (is_id_start(c)) {
				t->kind = PM_T_IDENT;
				lex_ident(lx);
			} else if (is_digit(c) || c == '%' ||
			           (c == '.' && lx->pos + 1 < lx->len &&
			            is_digit(s[lx->pos + 1]))) {
				/* a '%' of its own is a value too, so that "40 %"
				 * and "abc%" get one error about the chance */
				t->kind = PM_T_WORD;
				lx->pos = skip_class(s, lx->pos, C_WORD);
			} else if (is_habit(s + lx->pos, c) &&
			           (c != ']' || lx->close_bracket == lx->pos + 1)) {
				size_t before = lx->pos;
				if (!lex_habit(lx, t, c)) {
					if (lx->pos == before)
						lex_bad_char(lx, c);
					continue;
				}
			} else {
				lex_bad_char(lx, c);
				continue;
			}
		}
		t->len = (uint32_t)(lx->pos - t->start);
		return;
	}
}

/* What the byte that starts a token makes of it on the common path: a
 * token kind, or one of these. */
enum {
	F_SLOW = 0,     /* the rest: lex_next_slow() */
	F_IDENT = 32, F_WORD, F_STRING, F_NEWLINE, F_DASH
};
static const unsigned char first[256] = {
	['\n'] = F_NEWLINE, [';'] = PM_T_SEMI + 64, ['{'] = PM_T_LBRACE + 64,
	['}'] = PM_T_RBRACE + 64, [':'] = PM_T_COLON + 64, [','] = PM_T_COMMA + 64,
	['"'] = F_STRING, ['-'] = F_DASH, ['%'] = F_WORD,
	['0'] = F_WORD, ['1'] = F_WORD, ['2'] = F_WORD, ['3'] = F_WORD, ['4'] = F_WORD,
	['5'] = F_WORD, ['6'] = F_WORD, ['7'] = F_WORD, ['8'] = F_WORD, ['9'] = F_WORD,
	['_'] = F_IDENT,
#define R4(c) [c] = F_IDENT, [c + 1] = F_IDENT, [c + 2] = F_IDENT, [c + 3] = F_IDENT
	R4('A'), R4('E'), R4('I'), R4('M'), R4('Q'), R4('U'), ['Y'] = F_IDENT, ['Z'] = F_IDENT,
	R4('a'), R4('e'), R4('i'), R4('m'), R4('q'), R4('u'), ['y'] = F_IDENT, ['z'] = F_IDENT,
#undef R4
};

/* Ids, values, plain strings, punctuation and line feeds, which are nearly
 * every token of a big file, in a loop of a few registers; anything else
 * (and a string that needs more than a scan to its quote) is lexed again
 * from its first byte by lex_next_slow(), which reports what is wrong. */
void pm_lex_next(pm_lexer *lx, pm_token *t)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	size_t pos = lx->pos;
	while (cls[s[pos]] & C_BLANK)
		pos++;
	size_t start = pos;
	unsigned f = first[s[pos]];
	switch (f) {
	case F_IDENT:
		t->kind = PM_T_IDENT;
		pos = ident_end(s, pos);
		break;
	case F_WORD:
		t->kind = PM_T_WORD;
		pos = skip_class((const char *)s, pos, C_WORD);
		break;
	case F_STRING:
		pos = skip_class((const char *)s, pos + 1, C_PLAIN);
		if (s[pos] != '"')
			goto slow;
		pos++;
		t->kind = PM_T_STRING;
		break;
	case F_DASH:
		if (s[pos + 1] != '>')
			goto slow;
		pos += 2;
		t->kind = PM_T_ARROW;
		break;
	case F_NEWLINE:
		t->kind = PM_T_NEWLINE;
		t->start = (uint32_t)pos;
		t->len = 1;
		t->loc = loc_at(lx, pos);
		t->has_escape = false;
		t->bad = false;
		lx->pos = pos + 1;
		newline(lx);
		return;
	case F_SLOW:
	slow:
		lx->pos = start;
		lex_next_slow(lx, t);
		return;
	default:
		t->kind = (pm_tok)(f - 64);
		pos++;
		break;
	}
	t->start = (uint32_t)start;
	t->len = (uint32_t)(pos - start);
	t->loc = loc_at(lx, start);
	t->has_escape = false;
	t->bad = false;
	lx->pos = pos;
}

pm_token pm_lex(pm_lexer *lx)
{
	pm_token t;
	pm_lex_next(lx, &t);
	return t;
}

pm_str pm_string_intern(pm_model *m, const char *tok, size_t len, bool escaped)
{
	const char *s = tok + 1;
	size_t n = len >= 2 && tok[len - 1] == tok[0] ? len - 2 : len - 1;
	if (!escaped)
		return pm_intern(m, s, n);
	char small[256];
	char *buf = n <= sizeof small ? small : pm_arena_alloc(m, n);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[++i];
			buf[o++] = e == 'n' ? '\n' : e;
		} else {
			buf[o++] = s[i];
		}
	}
	return pm_intern(m, buf, o);
}

pm_str pm_lex_string(pm_lexer *lx, const pm_token *t)
{
	return pm_string_intern(lx->m, lx->src + t->start, t->len, t->has_escape);
}
