/* Samizdat search: ranked full-text search and title suggestions over an
 * open archive (see smz/reader.h).  Queries are what a person types into a
 * search box: words are ANDed, "quoted phrases", prefix*, -exclusion;
 * everything else is taken literally.  No query can cause an SQL or FTS5
 * syntax error; an over-long one gives SMZ_E_TOOBIG with a message.  Works
 * for Chinese, Japanese and Korean as well as alphabetic scripts.  Same
 * threading rule as the reader: one reader handle per thread. */
#ifndef SMZ_SEARCH_H
#define SMZ_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "smz/error.h"
#include "smz/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A stretch of a title (smz_hit.match): START and LEN count bytes of its
 * UTF-8, CSTART and CLEN the same stretch in characters (code points; a
 * byte that is not UTF-8 counts as one, as it becomes one U+FFFD in JSON),
 * the unit of "match" in the JSON of `smz suggest` and of /suggest. */
typedef struct smz_span {
    size_t start, len;
    size_t cstart, clen;
} smz_span;

typedef struct smz_hit {
    const char *path;
    const char *title;
    /* HTML-safe: the page's text with <, >, &, " escaped, matched words
     * wrapped in <b>...</b>, "…" where it is cut.  "" for suggestions. */
    const char *snippet;
    double score; /* higher is better; comparable across archives (searches) */
    /* Suggestions: why the title was suggested, the NMATCH stretches of it
     * made of words that match the text typed (whole words, or the CJK
     * characters typed), in order and apart from each other; words past
     * the title's 512th are not looked at.  NULL and 0 in search hits. */
    const smz_span *match;
    size_t nmatch;
} smz_hit;

typedef struct smz_results {
    uint64_t total; /* estimated number of matching entries */
    size_t n;       /* hits in this page */
    smz_hit *hits;  /* n hits, best first; owned by the struct */
    /* 1 when the search stopped before its end because reading the pages
     * cost more than one search may (the archive's pages are huge, or its
     * clusters are: see docs/FORMAT.md, Search): pages that needed a phrase
     * checked were not looked at, so fewer hits than there are may be
     * listed; hits may lack their snippet; total is an estimate. */
    int partial;
} smz_results;

/* Searches R for QUERY, returning hits OFFSET..OFFSET+LIMIT-1 (LIMIT is capped
 * at 100).  One call reads at most the first 8 MiB of a page for a phrase
 * check and 1 MiB for a snippet, and stops (results->partial) past 64 MiB
 * of pages read, 1 GiB of clusters decoded or 3 s.  An archive without an index gives SMZ_E_UNSUPPORTED.  No hit is
 * SMZ_OK with n == 0.  Free *out with smz_results_free. */
smz_err smz_search(smz_reader *r, const char *query, size_t limit, size_t offset, smz_results **out);

/* smz_search with FLAGS: SMZ_SEARCH_NO_SNIPPETS leaves every snippet ""
 * (paths, titles and scores only, as kiwix-search prints them): pages are
 * then read only when the query has a phrase to check on them. */
#define SMZ_SEARCH_NO_SNIPPETS 1u
smz_err smz_search_ex(smz_reader *r, const char *query, size_t limit, size_t offset, unsigned flags,
                      smz_results **out);

/* Titles for autocomplete: those holding every word of PREFIX (at most 256
 * bytes of UTF-8, else SMZ_E_TOOBIG or SMZ_E_INVALID) anywhere, as whole
 * words but the last, which may begin a word unless a space or a CJK
 * character ends PREFIX; case-, diacritic-insensitive, by stem in English
 * archives (where the last word also finds the title words it begins:
 * "diplomati" finds "diplomatic"); for CJK, the titles holding the
 * characters typed (Chinese in either script).  One page per title, at
 * most LIMIT (capped at 100),
 * best first: the title that is PREFIX, then titles that begin with it,
 * then those whose first word is PREFIX's first, then by how many of the
 * words typed follow each other in the title as typed, titles where the
 * last word typed is a whole word first, titles whose matched Chinese
 * characters are in the script typed first, shorter titles (in
 * characters) first, then by BM25 on the title (the score), title and path.  Each hit
 * says in MATCH what of its title matched.  Bounded work: each of the two
 * lookups (titles whose first word matches, then the others) ranks at
 * most the first 2,000 titles the index gives and keeps its best 200. */
smz_err smz_suggest(smz_reader *r, const char *prefix, size_t limit, smz_results **out);

void smz_results_free(smz_results *res);

/* "Did you mean": corrections and spelling variants of a query's words,
 * from the archive's own vocabulary (its index).  Each word of the query
 * (not an excluded one, nor a prefix*) is looked up; one that no page or
 * almost none holds gets corrections one edit away (a letter dropped,
 * added, changed or doubled, two swapped) or two deletions away, and every
 * word gets its spelling variants found in the archive (British and
 * American spellings, transliterations: Uyghur, Uighur, Uygur).  In an
 * English archive the alternatives are words as written, not stems.  The
 * cost of a call depends on the query's length, not the archive's size. */
typedef struct smz_fix {
    const char *word; /* the word as typed: bytes START..END of the query */
    size_t start, end;
    uint64_t docs;            /* pages whose index holds it */
    int corrected;            /* 1 when alts[0] replaces it in did_you_mean */
    size_t n;                 /* alternatives, best first (at most 5) */
    const char **alts;        /* folded (lower case) */
    const uint64_t *alt_docs; /* pages holding each */
} smz_fix;

typedef struct smz_correction {
    /* The query with each corrected word replaced (in the case it was
     * typed in), or NULL when no word needs a correction. */
    const char *did_you_mean;
    size_t n;       /* words looked at */
    smz_fix *words; /* in the order typed; owned by the struct */
} smz_correction;

/* Corrections for QUERY in R's vocabulary into *OUT (free it with
 * smz_correction_free).  SMZ_E_UNSUPPORTED without an index. */
smz_err smz_correct(smz_reader *r, const char *query, smz_correction **out);
void smz_correction_free(smz_correction *c);

/* smz_search_ex where each word also matches its variants (Uyghur finds
 * Uighur and Uygur), and a word that matches little also finds its best
 * correction (smz_correct): the hits of at most 8 such queries merged, best
 * score first (so OFFSET + LIMIT beyond 100 is cut at the 100 best of each). */
smz_err smz_search_fuzzy(smz_reader *r, const char *query, size_t limit, size_t offset, unsigned flags,
                         smz_results **out);

#ifdef __cplusplus
}
#endif
#endif
