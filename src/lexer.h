/* lexer.h — tokens of the .pmap language (internal). */
#ifndef PM_LEXER_H
#define PM_LEXER_H

#include "model.h"

typedef enum pm_tok {
	PM_T_EOF,
	PM_T_NEWLINE,
	PM_T_SEMI,
	PM_T_LBRACE,
	PM_T_RBRACE,
	PM_T_COLON,
	PM_T_COMMA,
	PM_T_ARROW,
	PM_T_IDENT,    /* id or dotted path: [A-Za-z_][A-Za-z0-9_-]*(.id)* */
	PM_T_WORD,     /* starts with a digit or '%': 45m, 5/week, 30h/week, 40% */
	PM_T_STRING,   /* "…"; start/len cover the quotes */
	PM_T_COMMENT   /* only when the lexer keeps comments; '#' to line end */
} pm_tok;

typedef struct pm_token {
	pm_tok kind;
	uint32_t start, len;   /* bytes in the file's text */
	pm_loc loc;
	bool has_escape;       /* STRING: needs decoding */
	bool bad;              /* the lexer reported an error inside it */
} pm_token;

typedef struct pm_lexer {
	pm_model *m;
	uint32_t file;
	const char *src;
	size_t len, pos;
	uint32_t line;
	size_t line_start;
	size_t cont;           /* UTF-8 continuation bytes since line_start */
	bool keep_comments;
	bool quiet;            /* report no diagnostics (a second pass) */
	size_t close_bracket;  /* the ']' of a reported '[', skipped silently (+1) */
} pm_lexer;

/* The text must have a NUL at src[len] (every pm_file has): the lexer's
 * loops stop on it instead of checking bounds at every byte. */
void pm_lexer_init(pm_lexer *lx, pm_model *m, uint32_t file);
pm_token pm_lex(pm_lexer *lx);
/* The same, written into *t (faster in a loop than returning a struct). */
void pm_lex_next(pm_lexer *lx, pm_token *t);
/* The value of a STRING token, unescaped and interned. */
pm_str pm_lex_string(pm_lexer *lx, const pm_token *t);
/* The same for a string token of `len` bytes at `tok` (its opening quote;
 * the closing one may be missing), from any lexer: \n is a line break,
 * \X is X when `escaped` says there are backslashes. */
pm_str pm_string_intern(pm_model *m, const char *tok, size_t len, bool escaped);
/* The token's bytes interned (IDENT, WORD). */
static inline pm_str pm_lex_intern(pm_lexer *lx, const pm_token *t)
{
	return pm_intern(lx->m, lx->src + t->start, t->len);
}
const char *pm_tok_name(pm_tok kind);
/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
size_t pm_utf8_len(const unsigned char *s, size_t n);

#endif
