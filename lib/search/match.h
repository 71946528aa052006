/* Phrase checks and result snippets, done on a page's text at query time.
 *
 * An archive's full-text index stores, for each token, which rows hold it
 * (FTS5 detail=none), not where: a seventh of the size of a positional
 * index.  So the index alone answers "which pages contain
 * all these tokens", and two questions are answered here, from the page's
 * text (text/entry_text.h derives it again from the stored entry):
 *
 *  - does the page really contain each quoted phrase, each CJK word of
 *    three or more characters (the index has its bigrams, not their order)
 *    and none of the excluded phrases?
 *  - which window of the text shows the matched words best (the snippet)?
 *
 * A query term is tokenized with the archive's own tokenizer as a document,
 * so both sides agree on positions: a CJK character takes one position and
 * carries its bigram with the next character as a colocated token, a word
 * takes one position.  A phrase matches at position p when every token of
 * its k-th position is found at p+k; the last token of a prefix term
 * (word*) matches any token that starts with it.
 *
 * Work and memory are linear in the text, which the caller caps
 * (SMZ_ENTRY_TEXT_MAX); at most SMZ_MATCH_MAX_EVENTS matched tokens are kept
 * per text, after which a page counts as not matching its phrases. */
#ifndef SMZ_SEARCH_MATCH_H
#define SMZ_SEARCH_MATCH_H

#include <stddef.h>
#include <sqlite3.h>
#include "smz/error.h"
#include "search/query.h"

#define SMZ_MATCH_MAX_EVENTS (1u << 22)
#define SMZ_SNIPPET_TOKENS 36         /* tokens in a snippet's window */
#define SMZ_SNIPPET_SCOPE (64u << 10) /* bytes of text a snippet's window is chosen in */

typedef struct smz_matcher smz_matcher;

/* Compiles query Q for texts tokenized by TOK (an instance of the archive's
 * tokenizer made through API; both must outlive the matcher).  *OUT is NULL
 * on failure.  Returns SMZ_OK, SMZ_E_NOMEM, or SMZ_E_INTERNAL when the
 * tokenizer fails. */
smz_err smz__matcher_new(const fts5_tokenizer *api, Fts5Tokenizer *tok, const smz_query *q,
                         smz_matcher **out);

/* 1 when a page that the index matched may still lack a phrase, so each
 * candidate has to go through smz__matcher_check. */
int smz__matcher_needs_check(const smz_matcher *m);

/* Checks a page given by its TITLE and body TEXT (either may be NULL with
 * length 0): *OK is 1 when every included term occurs in the title or the
 * text and no excluded one does.  The snippet comes from the text's first
 * BODY_LEN bytes (text/sink.h: the rest was set aside), or from all of it
 * when BODY_LEN is 0 or over TEXT_LEN.  With SNIPPET not NULL, *SNIPPET is a
 * malloc'd NUL-terminated piece of the text as HTML (escaped, invalid UTF-8
 * as U+FFFD, matched words in <b>...</b>, "…" where it is cut, never
 * inside a character), or NULL when the text is empty: the earliest window
 * of SMZ_SNIPPET_TOKENS positions showing the most distinct terms, all of
 * them if it can, else the best in the first SMZ_SNIPPET_SCOPE bytes or so
 * (a huge index page is not parsed to its end for a snippet).
 *
 * COMPLETE is 0 when TEXT is only the beginning of the page's text (cut
 * after a whole word).  *DECIDED is then 1 when that beginning settles the
 * answer and the snippet the whole text would give (an excluded phrase
 * found; or every term found and, for a snippet, a window showing them all
 * well before the text given ends; or, for a snippet, SMZ_SNIPPET_SCOPE
 * bytes of text when the index alone answers the query or every term was
 * found), and 0 when the caller must call again
 * with more of the text; *OK and *SNIPPET are only set when it is 1.  With
 * COMPLETE 1, *DECIDED is always 1. */
smz_err smz__matcher_check(smz_matcher *m, const char *title, size_t title_len, const char *text,
                           size_t text_len, size_t body_len, int complete, int *ok, int *decided,
                           char **snippet);

/* How many phrases a page must hold (each word or quoted phrase of the
 * query, excluded ones aside). */
int smz__matcher_terms(const smz_matcher *m);

/* How close together the query's phrases are in TEXT (LEN bytes): *PROX is
 * their positions' count over the shortest run of positions holding every
 * one of them (1: side by side; 0: some phrase is missing), for the
 * ranking of queries of several words. */
smz_err smz__matcher_proximity(smz_matcher *m, const char *text, size_t len, double *prox);

/* The same for the body text the last smz__matcher_check that cut a
 * snippet and decided had seen (the text it needed for the snippet: its
 * beginning, often), so that a search gets it at no cost; 0 for a query of
 * one phrase, or when the last check cut no snippet. */
double smz__matcher_proximity_of(const smz_matcher *m);

/* Frees M; M may be NULL. */
void smz__matcher_free(smz_matcher *m);

#endif
