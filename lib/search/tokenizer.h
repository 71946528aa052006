/* The "smz" FTS5 tokenizer: SQLite's unicode61 for alphabetic scripts, and
 * overlapping character bigrams for Chinese, Japanese and Korean, which
 * write words without spaces between them.
 *
 * Use it as tokenize='smz' (any language) or tokenize='smz porter'
 * (English: adds the Porter stemmer, so "running" finds "run").
 *
 *  - Text outside CJK runs goes to unicode61 with remove_diacritics 2: case-
 *    and accent-insensitive ("Café" finds "cafe").  Before that, full-width
 *    Latin letters and digits (ＡＢＣ１２３) are read as ASCII, and Greek
 *    letters without their accents and final sigma as σ (unicode61 strips
 *    only Latin diacritics), offsets still pointing at the original bytes.
 *  - A CJK run is a maximal sequence of Han (with extensions and
 *    compatibility ideographs, 々 〆 〇), kana, Hangul or Bopomofo.  CJK
 *    punctuation (。，「」、・) and symbols end a run and are not tokens.
 *  - Documents: each character of a run takes one position and is indexed
 *    as itself, with the bigram it starts (if it is not the run's last) as a
 *    colocated synonym at the same position.  Positions therefore count
 *    characters, and byte offsets always point at the original text.
 *  - Queries: a one-character run is its unigram.  A run c1..cn (n >= 2) is
 *    the n-1 bigrams c1c2 .. c(n-1)cn.  They match exactly the documents
 *    containing c1..cn when n is 2 (100% recall and precision, unlike
 *    trigrams, which cannot find two-character words), and a superset for
 *    longer runs, whose order search/match.c checks on the page's text
 *    (where the query term is tokenized as a document, so positions agree).
 *    Each query token of a CJK run is followed by its simplified and
 *    traditional variants as colocated synonyms (search/hanfold.h): a
 *    query in either script finds both.  Documents get none.
 *  - Compounds: two words of the inner tokenizer joined by '_' or '-' and
 *    nothing else (pg_restore, f-string) also make one token, the two
 *    tokens with the joining character between.  Documents: a colocated
 *    synonym of the second word, offsets the second word's.  Queries: the
 *    compound replaces both words (a_b_c gives a_b, b_c), so such a word is
 *    one exact token and needs no check of word order.  Words over 64 bytes
 *    are not joined.
 *  - Unstemmed forms (smz porter only): a document's word whose stem is not
 *    the word itself (folded, at most 64 bytes) also gets its unstemmed form,
 *    marked with SMZ_TOKEN_RAW in front ("\1diplomatic" beside "diplomat"),
 *    as a colocated synonym; in an archive, only the words of titles (see
 *    smz__tokenizer_raw_upto).  The mark keeps such a form from ever equalling
 *    a stem, so an exact query, which asks for stems alone, matches as it
 *    would without them ("activists" finds "activist").  The last word of
 *    a prefix query (FTS5_TOKENIZE_PREFIX) asks for its stem, its marked
 *    unstemmed form and, when that differs from the stem, the plain one, as
 *    colocated synonyms: FTS5 matches any of them as a prefix, so
 *    "diplomati*" finds "diplomatic" although its stem is "diplomat", and
 *    archives made before the unstemmed forms still match the stem.  A
 *    compound gets none.
 *  - Prefix queries (word*): FTS5 applies the prefix to the last token, which
 *    for a CJK run is that unigram; "人*" matches 人 and every bigram starting
 *    with 人, i.e. the same documents as 人, only slower.  smz__query_build
 *    therefore drops a '*' that follows a CJK character.
 */
#ifndef SMZ_SEARCH_TOKENIZER_H
#define SMZ_SEARCH_TOKENIZER_H

#include <sqlite3.h>
#include <stdint.h>
#include "smz/error.h"

/* The first byte of a word's unstemmed form (see above): never part of a
 * token unicode61 makes, as control characters separate tokens. */
#define SMZ_TOKEN_RAW '\x01'

/* Term frequencies (an archive's index, docs/FORMAT.md): a document's
 * tokens (of 3 to 64 bytes, not all digits, not compounds, not unstemmed forms, not one of
 * a few English function words) are counted, a word of the text given after
 * weigh_from (the page's headings) SMZ_TF_WEIGHT times more; each one counted
 * at least smz__tf_floor(the document's positions) times also gets the
 * term-frequency token: SMZ_TOKEN_TF, the ASCII digit of its level
 * (smz__tf_level: 1 for 2-3 times, 2 for 4-7, 3 for 8-15, 4 for 16-31, 5 for
 * 32 or more), then the token's bytes, colocated with the document's last
 * token.  At most SMZ_TF_TOP of a document's tokens get one (the most
 * frequent).  A query whose text starts with SMZ_TOKEN_TF and a level digit
 * asks for the term-frequency tokens of that level of the rest's tokens:
 * "\x02" "3" "run" finds the pages that hold "run" 8 to 15 times.  The
 * writer's tokenizer alone makes them (smz__tokenizer_index_tf); a reader
 * never indexes. */
#define SMZ_TOKEN_TF '\x02'
/* The hub token, SMZ_TOKEN_PRIOR then '1': the page is mostly links (a table
 * of contents, an index).  A query of exactly these two bytes asks for it. */
#define SMZ_TOKEN_PRIOR '\x03'
#define SMZ_HUB_TOKEN                                                                                   \
    "\x03"                                                                                              \
    "1"
#define SMZ_TF_FIRST 1 /* the first level: 2^1 = 2 times */
#define SMZ_TF_LEVELS 5
#define SMZ_TF_TOP 1024
/* What a word in the text given after weigh_from (a page's headings) counts
 * for, besides its own occurrence in the page's text. */
#define SMZ_TF_WEIGHT 2

/* How often a token must occur in a document of NPOS positions to get a
 * term-frequency token. */
unsigned smz__tf_floor(unsigned npos);

/* The level of a token found COUNT times (0: under 2^SMZ_TF_FIRST times). */
int smz__tf_level(unsigned count);

/* ON 1: documents tokenized on DB from now on get term-frequency tokens,
 * and the hub token when HUB is 1;
 * the words of their bytes from WEIGH_FROM on (-1: none) are counted
 * SMZ_TF_WEIGHT times each, but not indexed.  ON 0: neither (as at
 * registration).  Returns SMZ_OK, or SMZ_E_INTERNAL when the tokenizer is
 * not registered on DB. */
smz_err smz__tokenizer_index_tf(sqlite3 *db, int on, int weigh_from, int hub);

/* Stores DB's FTS5 API in *OUT (owned by DB, valid while DB is open).
 * Returns SMZ_OK, SMZ_E_NOMEM, or SMZ_E_UNSUPPORTED when this SQLite has no
 * FTS5. */
smz_err smz__fts5_api(sqlite3 *db, fts5_api **out);

/* Registers the "smz" tokenizer on DB, which keeps it until closed.  Needed
 * on every connection that writes or queries a table using it.  Returns
 * SMZ_OK, SMZ_E_UNSUPPORTED without FTS5, or SMZ_E_NOMEM. */
smz_err smz__tokenizer_register(sqlite3 *db);

/* Documents tokenized on DB from now on give unstemmed forms (see above)
 * only to the words that start in their first UPTO bytes; at registration,
 * to all of them.  An archive's writer sets it to a page's title length
 * before indexing the page, so that only titles carry them (docs/FORMAT.md
 * says why).  Returns SMZ_OK, or SMZ_E_INTERNAL when the tokenizer is not
 * registered on DB. */
smz_err smz__tokenizer_raw_upto(sqlite3 *db, int upto);

/* The settings that smz__tokenizer_raw_upto and smz__tokenizer_index_tf
 * change, found once: finding them through FTS5 takes a prepared statement
 * each time, 7% of a writer's indexing when it did so three times a page
 * (issue 22's profile of gen-10k).  Owned by DB and valid while it is
 * open; NULL when the tokenizer is not registered on DB. */
typedef struct tok_shared smz_tok_settings;
smz_tok_settings *smz__tokenizer_settings(sqlite3 *db);

/* On settings S (not NULL), what smz__tokenizer_raw_upto(RAW_UPTO) does,
 * then smz__tokenizer_index_tf(TF, WEIGH_FROM, HUB). */
void smz__tokenizer_set(smz_tok_settings *s, int raw_upto, int tf, int weigh_from, int hub);

/* 1 when code point CP belongs to a CJK run (see above), else 0. */
int smz__is_cjk(uint32_t cp);

#endif
