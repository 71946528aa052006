/* Which words of a title match the text typed into a suggestion box, and
 * how well: what smz_suggest (search.c) marks in each suggestion and sorts
 * them by.
 *
 * The text typed is read as the FTS5 expression that finds the titles
 * reads it: its query tokens (a word, a CJK bigram or lone character, a
 * compound such as pg_restore), the last one a prefix unless a space or a
 * CJK character ends the text.  Each token is then tokenized again as
 * FTS5 tokenizes the literal written for it (with FTS5_TOKENIZE_PREFIX for
 * the prefix), which gives the forms it matches: with "smz porter", the
 * stem and, for the prefix, the unstemmed forms too ("diplomati" matches
 * the title token "\1diplomatic").  A title is tokenized as a document,
 * as the index has it, and each of its tokens is compared with each form:
 * equal, or starting with it for the prefix.  So the words marked are
 * exactly those that made the index match the title.
 *
 * Work is bounded: at most SMZ_TM_TOKENS tokens typed and the first
 * SMZ_TM_POSITIONS positions of a title are compared. */
#ifndef SMZ_SEARCH_TITLEMATCH_H
#define SMZ_SEARCH_TITLEMATCH_H

#include <stddef.h>
#include <sqlite3.h>
#include "smz/error.h"
#include "smz/search.h"

#define SMZ_TM_TOKENS 64     /* tokens typed whose matches are looked for */
#define SMZ_TM_POSITIONS 512 /* positions (words, CJK characters) of a title looked at */

typedef struct smz_typed smz_typed;

/* Reads the LEN bytes of TEXT (valid UTF-8) with TOK, an instance of the
 * archive's tokenizer made through API (both must outlive *OUT); the last
 * token is a prefix when LAST_PREFIX.  *OUT is NULL on failure.  Returns
 * SMZ_OK, SMZ_E_NOMEM, or SMZ_E_INTERNAL when the tokenizer fails. */
smz_err smz__typed_new(const fts5_tokenizer *api, Fts5Tokenizer *tok, const char *text, size_t len,
                       int last_prefix, smz_typed **out);
void smz__typed_free(smz_typed *t);

/* How many query tokens the text has (all of them, also past
 * SMZ_TM_TOKENS), and the bytes of the text that token I stands for: the
 * literal to write in an FTS5 expression. */
int smz__typed_count(const smz_typed *t);
void smz__typed_token(const smz_typed *t, int i, size_t *start, size_t *len);

/* How TITLE matches the text typed. */
typedef struct smz_title_match {
    /* The most tokens typed found one after another in the title, in the
     * order typed (a CJK bigram and the next one count as one after the
     * other when they overlap by a character, as in the text). */
    int run;
    /* 1 when the last token typed equals a title token (a whole word, or
     * the same stem), or is not a prefix; 0 when it only begins one. */
    int whole;
    /* The stretches of TITLE made of matched tokens, in order, merged when
     * they overlap or touch; malloc'd (NULL when none). */
    smz_span *spans;
    size_t nspans;
} smz_title_match;

/* Fills *M for TITLE (a NUL-terminated string; invalid UTF-8 is no token).
 * Free M->spans with free().  Returns SMZ_OK, SMZ_E_NOMEM, or
 * SMZ_E_INTERNAL when the tokenizer fails. */
smz_err smz__typed_match(const smz_typed *t, const char *title, smz_title_match *m);

#endif
