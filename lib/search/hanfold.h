/* Simplified and traditional Chinese folded together, at query time:
 * 维吾尔 finds 維吾爾, 臺灣 finds 台湾 and 台灣, and the other way round.
 *
 * The index is not touched (an archive holds its text's characters as
 * written, docs/FORMAT.md), so archives packed before this fold too:
 *
 *  - a query's CJK tokens (a bigram, a lone character) ask for their
 *    script variants as FTS5 synonyms: smz__han_expand, which the
 *    tokenizer calls on the tokens of a query's CJK runs, follows each with
 *    the same token written with other members of its characters' classes,
 *    colocated (FTS5 matches a page holding any of them, and ranks the
 *    token as one phrase);
 *  - what is compared on a page's text (phrases, CJK words of three or more
 *    characters, snippets' highlights: search/match.c; exact titles:
 *    search.c) is compared after folding both sides to the canonical
 *    (simplified) form with smz__han_fold_token.
 *
 * The classes come from OpenCC's character conversions (t2s, tw2s, hk2s,
 * s2t, s2tw, s2hk), made into a table at build time by
 * scripts/hanfold_gen.c; the programs do not link OpenCC.  A class holds
 * every character one converts to or from: 台 臺 枱 檯 颱, 发 發 髮, and
 * also 后 後 and 干 乾 幹 榦, characters that are words of their own in
 * both scripts.  For search that is the right trade (a query finds more,
 * never less), as Lucene's and Kiwix's CJK folding do.
 *
 * A token asks for at most SMZ_HAN_VARIANTS_MAX forms, itself included:
 * a bigram of two characters with many variants (台面: 5 x 5) asks for the
 * combinations of the commonest forms first and leaves out those of two
 * rare ones (see smz__han_expand). */
#ifndef SMZ_SEARCH_HANFOLD_H
#define SMZ_SEARCH_HANFOLD_H

#include <stdint.h>
#include <sqlite3.h>

#define SMZ_HAN_VARIANTS_MAX 16
/* Bytes a folded token may take: tokens of more are not folded (a CJK
 * token is at most 32 bytes, tokenizer.c's cjk_char). */
#define SMZ_HAN_TOKEN_MAX 64

/* The canonical member of CP's class, or CP when it has none. */
uint32_t smz__han_fold(uint32_t cp);

/* Folds each character of the token TOK[0..N) (any bytes: invalid UTF-8
 * is copied as it is) into OUT, which has room for SMZ_HAN_TOKEN_MAX bytes.
 * Returns the folded length when a character changed, 0 when none did or
 * the token is too long to fold (the caller uses TOK as it is). */
int smz__han_fold_token(const char *tok, int n, char *out);

/* 1 when the token TOK[0..N) holds a character of some class: a page's
 * tokens must then be folded to be compared with it. */
int smz__han_has_class(const char *tok, int n);

/* 1 when each character of S[0..N) that has a class occurs as it is in
 * TYPED[0..TLEN) (both valid UTF-8): a matched stretch of a title written
 * in the script typed, which a suggestion box shows first. */
int smz__han_as_typed(const char *typed, size_t tlen, const char *s, size_t n);

/* What smz__han_expand passes every token on to. */
typedef struct smz_han_expander {
    void *ctx;
    int (*cb)(void *ctx, int tflags, const char *tok, int n, int start, int end);
} smz_han_expander;

/* An FTS5 token callback (its first argument a smz_han_expander): passes
 * the token on, then, for a token that is not itself colocated and has
 * characters with variants, each other form of it as a colocated token
 * with the same offsets: every combination of its characters' class
 * members, at most SMZ_HAN_VARIANTS_MAX - 1 of them, by the sum of the
 * members' ranks (a character as typed first, then its class's canonical
 * member, then OpenCC's s2t, s2tw and s2hk forms, then the others), so
 * that forms with one rare character come before those with two.
 * Returns what the callback returned. */
int smz__han_expand(void *expander, int tflags, const char *tok, int n, int start, int end);

#endif
