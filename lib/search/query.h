/* Search-box queries cut into terms.  Whatever a person (or a robot) types
 * becomes a list of terms with their kind (phrase, prefix, excluded); the
 * search module (search.c, build_exprs) runs each term through the index's
 * tokenizer and writes every token as an FTS5 string literal, so operators,
 * parentheses, colons, column filters and stray quotes in the input are only
 * ever text.
 *
 * The language:
 *   word              the documents must contain it (terms are ANDed)
 *   "two words"       a phrase; an unclosed quote runs to the end
 *   word*  "a b"*     prefix (of the phrase's last word); dropped after a
 *                     CJK character, where it changes nothing (tokenizer.h)
 *   -word  -"a b"     the documents must not contain it
 * Terms are separated by white space (ASCII, no-break, ideographic).  A
 * '-', '*' or '"' anywhere else is part of the word.  Invalid UTF-8 becomes
 * U+FFFD and control characters become spaces.  A term of nothing but ASCII
 * punctuation (FTS5 would find no token in it) is dropped.
 *
 * Caps: the input may be at most SMZ_QUERY_MAX_BYTES bytes and hold at most
 * SMZ_QUERY_MAX_TERMS terms; more is refused with SMZ_E_TOOBIG rather than
 * cut, so nobody gets results for a query they did not type. */
#ifndef SMZ_SEARCH_QUERY_H
#define SMZ_SEARCH_QUERY_H

#include <stddef.h>
#include "smz/error.h"

#define SMZ_QUERY_MAX_BYTES 1024
#define SMZ_QUERY_MAX_TERMS 32
#define SMZ_QUERY_MAX_PREFIXES 4 /* terms ending in '*' */

typedef struct smz_query smz_query;

typedef struct smz_query_term {
    const char *text; /* valid UTF-8, NUL-terminated, without quotes, '-' or '*' */
    size_t len;
    int phrase;  /* it was in double quotes */
    int prefix;  /* it ended in '*' (kept) */
    int exclude; /* it started with '-' */
} smz_query_term;

/* Parses the LEN bytes at Q (any bytes; NULL only with LEN 0) into *OUT,
 * which the caller frees with smz__query_free.  On failure *OUT is NULL and,
 * when ERR is not NULL, ERR (ERRLEN bytes) holds a message for the person
 * who typed the query.  Returns SMZ_OK; SMZ_E_INVALID for a query with no
 * term, or with only excluded terms (FTS5 cannot evaluate a lone NOT);
 * SMZ_E_TOOBIG over the caps; SMZ_E_NOMEM. */
smz_err smz__query_build(const char *q, size_t len, smz_query **out, char *err, size_t errlen);
/* The same with ERR in interface language LANG (smz/i18n.h). */
smz_err smz__query_build_lang(const char *q, size_t len, int lang, smz_query **out, char *err,
                              size_t errlen);

/* The included terms' texts joined by single spaces, for highlighting and
 * exact-title matching.  Owned by Q; never empty, as a query always has an
 * included term. */
const char *smz__query_plain(const smz_query *q);

/* The number of terms, included and excluded, in the order typed. */
size_t smz__query_count(const smz_query *q);

/* Term I (0 <= I < smz__query_count(Q)), owned by Q; NULL when out of range. */
const smz_query_term *smz__query_term_at(const smz_query *q, size_t i);

/* Frees Q and everything it owns; Q may be NULL. */
void smz__query_free(smz_query *q);

#endif
