/* Build-time generator of the table that folds simplified and traditional
 * Chinese characters together (lib/search/hanfold.c).  It asks OpenCC
 * (Debian's libopencc, with its dictionaries in libopencc-data) for the
 * conversion of every single code point of the Han ranges the tokenizer
 * reads as CJK, with the configurations t2s, tw2s and hk2s (to simplified)
 * and s2t, s2tw and s2hk (from simplified), keeps the conversions whose
 * result is one character, and writes the classes they make as C to
 * standard output: the Makefile puts it in $(GEN)/hanfold_table.inc, which
 * hanfold.c includes.  The programs never link OpenCC.
 *
 * Characters are converted one at a time (a newline between them, so that
 * no phrase of OpenCC's phrase dictionaries spans two of them): the folding
 * is by character, not by word, which is what a reader needs to match the
 * bigrams of an index made without it.
 *
 * Two characters are in one class when one converts to the other in any of
 * the six configurations (and by transitivity): 台 臺 檯 颱 枱, 发 發 髮.
 * Each class has one canonical member, the simplified form every other
 * member folds to: among the members that t2s leaves as they are, the one
 * the most members convert to with t2s, then the lowest code point.  (Not
 * with tw2s or hk2s: they convert to Taiwan's and Hong Kong's variants
 * first, and t2s then leaves some of those as they are: tw2s gives 擡 for
 * 抬.)  The other
 * members are listed in the order a reader expands a query in (and cuts
 * past its cap): the canonical's s2t, s2tw and s2hk forms first, then the
 * rest by code point.
 *
 * With OpenCC's data missing or broken the output would fold nothing: the
 * generator then fails, naming the package, and the build stops.
 *
 * Usage: hanfold_gen > hanfold_table.inc */
#include <opencc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text/utf8.h"

/* The Han ranges of smz__is_cjk (lib/search/tokenizer.c). */
static const uint32_t han_ranges[][2] = {
    {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F}, {0x30000, 0x323AF},
};
#define CP_LIMIT 0x323B0
/* The range of the bitmap of characters that fold (see main). */
#define BITS_FROM 0x3400
#define BITS_TO 0xA000

/* OpenCC's version, for the table's first line (the Makefile passes
 * pkg-config's). */
#ifndef OPENCC_VERSION
#define OPENCC_VERSION "(version unknown)"
#endif

/* The configurations, those to simplified first (TO_SIMP of them). */
static const char *const configs[] = {"t2s.json", "tw2s.json", "hk2s.json",
                                      "s2t.json", "s2tw.json", "s2hk.json"};
#define NCONFIG 6
#define TO_SIMP 3

/* Fewer pairs than this, or one of these missing, means OpenCC's data is
 * not what it should be (bookworm's 1.1.6 gives about 4,100 t2s pairs). */
#define MIN_PAIRS 3000
static const uint32_t must_fold[][2] = {
    {0x7DAD, 0x7EF4}, /* 維 维 */
    {0x723E, 0x5C14}, /* 爾 尔 */
    {0x81FA, 0x53F0}, /* 臺 台 */
    {0x7063, 0x6E7E}, /* 灣 湾 */
    {0x767C, 0x53D1}, /* 發 发 */
    {0x9AEE, 0x53D1}, /* 髮 发 */
};

static int is_han(uint32_t c)
{
    for (size_t i = 0; i < sizeof han_ranges / sizeof han_ranges[0]; i++)
        if (c >= han_ranges[i][0] && c <= han_ranges[i][1])
            return 1;
    return 0;
}

static uint32_t *conv[NCONFIG]; /* conv[k][c]: c converted by configs[k], 0 when not one character */
static int32_t *parent;         /* union-find over code points */

static uint32_t find(uint32_t c)
{
    while ((uint32_t)parent[c] != c) {
        parent[c] = parent[parent[c]];
        c = (uint32_t)parent[c];
    }
    return c;
}

static void unite(uint32_t a, uint32_t b)
{
    a = find(a);
    b = find(b);
    if (a != b)
        parent[a < b ? b : a] = (int32_t)(a < b ? a : b);
}

/* Converts every Han code point with configuration K into conv[K]. */
static int convert_all(int k, const char *text, size_t len, const uint32_t *cps, size_t ncp)
{
    opencc_t od = opencc_open(configs[k]);
    if (od == (opencc_t)-1) {
        fprintf(stderr, "hanfold_gen: OpenCC cannot open %s (%s): install libopencc-data\n", configs[k],
                opencc_error());
        return -1;
    }
    char *out = opencc_convert_utf8(od, text, len);
    if (!out) {
        fprintf(stderr, "hanfold_gen: OpenCC cannot convert with %s (%s)\n", configs[k], opencc_error());
        opencc_close(od);
        return -1;
    }
    const unsigned char *p = (const unsigned char *)out;
    size_t line = 0;
    while (*p && line < ncp) {
        uint32_t c;
        size_t n = smz__utf8_next(p, strlen((const char *)p), &c);
        const unsigned char *end = (const unsigned char *)strchr((const char *)p, '\n');
        if (!end)
            end = p + strlen((const char *)p);
        /* One character and nothing else: a conversion to several
         * characters (or none) is a word's, not a character's. */
        if (c && p + n == end && is_han(c))
            conv[k][cps[line]] = c;
        p = *end ? end + 1 : end;
        line++;
    }
    opencc_convert_utf8_free(out);
    opencc_close(od);
    if (line != ncp) {
        fprintf(stderr, "hanfold_gen: OpenCC's %s gave %zu lines for %zu characters\n", configs[k], line,
                ncp);
        return -1;
    }
    return 0;
}

typedef struct member {
    uint32_t cp, canon;
    int rank; /* 0-2: the canonical's s2t, s2tw, s2hk form; 3 any other */
} member;

static int by_cp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    return (x->cp > y->cp) - (x->cp < y->cp);
}

static const member *sorted_members;

static int by_canon(const void *a, const void *b)
{
    const member *x = &sorted_members[*(const uint16_t *)a], *y = &sorted_members[*(const uint16_t *)b];
    if (x->canon != y->canon)
        return (x->canon > y->canon) - (x->canon < y->canon);
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return (x->cp > y->cp) - (x->cp < y->cp);
}

int main(void)
{
    int rc = 1;
    uint32_t *cps = NULL, *canon_of = NULL;
    char *text = NULL;
    member *mem = NULL;
    uint16_t *order = NULL;
    unsigned *votes = NULL;
    unsigned char *linked = NULL;
    size_t ncp = 0, len = 0, nmem = 0;
    for (size_t i = 0; i < sizeof han_ranges / sizeof han_ranges[0]; i++)
        ncp += han_ranges[i][1] - han_ranges[i][0] + 1;
    if (!(cps = malloc(ncp * sizeof *cps)) || !(text = malloc(ncp * 5 + 1)) ||
        !(parent = malloc(CP_LIMIT * sizeof *parent)) ||
        !(canon_of = calloc(CP_LIMIT, sizeof *canon_of)) || !(votes = calloc(CP_LIMIT, sizeof *votes)) ||
        !(linked = calloc(CP_LIMIT, 1))) {
        fprintf(stderr, "hanfold_gen: out of memory\n");
        goto out;
    }
    for (size_t k = 0; k < NCONFIG; k++)
        if (!(conv[k] = calloc(CP_LIMIT, sizeof *conv[k]))) {
            fprintf(stderr, "hanfold_gen: out of memory\n");
            goto out;
        }
    ncp = 0;
    for (size_t i = 0; i < sizeof han_ranges / sizeof han_ranges[0]; i++)
        for (uint32_t c = han_ranges[i][0]; c <= han_ranges[i][1]; c++) {
            cps[ncp++] = c;
            len += smz__utf8_put(c, text + len);
            text[len++] = '\n';
        }
    text[len] = 0;
    for (int k = 0; k < NCONFIG; k++)
        if (convert_all(k, text, len, cps, ncp) != 0)
            goto out;

    /* The data must be there: an empty table would fold nothing, silently. */
    size_t t2s_pairs = 0;
    for (size_t i = 0; i < ncp; i++)
        t2s_pairs += conv[0][cps[i]] && conv[0][cps[i]] != cps[i];
    for (size_t i = 0; i < sizeof must_fold / sizeof must_fold[0]; i++)
        if (conv[0][must_fold[i][0]] != must_fold[i][1])
            t2s_pairs = 0;
    if (t2s_pairs < MIN_PAIRS) {
        fprintf(stderr,
                "hanfold_gen: OpenCC's t2s converts only %zu characters (at least %d expected, "
                "and 維 臺 發 髮 among them): its dictionaries are missing or broken; "
                "install libopencc-data (scripts/deps.sh build)\n",
                t2s_pairs, MIN_PAIRS);
        goto out;
    }

    for (uint32_t c = 0; c < CP_LIMIT; c++)
        parent[c] = (int32_t)c;
    for (size_t i = 0; i < ncp; i++)
        for (int k = 0; k < NCONFIG; k++)
            if (conv[k][cps[i]] && conv[k][cps[i]] != cps[i]) {
                unite(cps[i], conv[k][cps[i]]);
                linked[cps[i]] = linked[conv[k][cps[i]]] = 1;
                if (k == 0)
                    votes[conv[k][cps[i]]]++;
            }
    /* Each class's canonical member (see above), kept at its root. */
    for (size_t i = 0; i < ncp; i++) {
        uint32_t c = cps[i], root = find(c);
        if (root == c && !linked[c])
            continue; /* converts to nothing else, and nothing to it: no class */
        int fixed = conv[0][c] == 0 || conv[0][c] == c;
        uint32_t best = canon_of[root];
        int best_fixed = best && (conv[0][best] == 0 || conv[0][best] == best);
        if (!best || (fixed && !best_fixed) ||
            (fixed == best_fixed && (votes[c] > votes[best] || (votes[c] == votes[best] && c < best))))
            canon_of[root] = c;
    }
    if (!(mem = malloc(ncp * sizeof *mem)))
        goto out;
    for (size_t i = 0; i < ncp; i++) {
        uint32_t c = cps[i], canon = canon_of[find(c)];
        if (!canon || canon == c)
            continue;
        member m = {c, canon, 3};
        for (int k = NCONFIG - 1; k >= TO_SIMP; k--)
            if (conv[k][canon] == c)
                m.rank = k - TO_SIMP;
        mem[nmem++] = m;
    }
    if (nmem > UINT16_MAX) {
        fprintf(stderr, "hanfold_gen: %zu characters fold: more than the table's 16-bit index holds\n",
                nmem);
        goto out;
    }
    qsort(mem, nmem, sizeof *mem, by_cp);
    if (!(order = malloc((nmem ? nmem : 1) * sizeof *order)))
        goto out;
    for (size_t i = 0; i < nmem; i++)
        order[i] = (uint16_t)i;
    sorted_members = mem;
    qsort(order, nmem, sizeof *order, by_canon);

    printf("/* Generated by scripts/hanfold_gen.c from OpenCC %s's t2s, tw2s, hk2s, s2t, s2tw and\n"
           " * s2hk: %zu characters that fold to another.  Not committed; do not edit. */\n",
           OPENCC_VERSION, nmem);
    printf("#define HAN_FOLDS %zu\n", nmem);
    printf("/* Each character and the canonical (simplified) one it folds to, by code point. */\n");
    printf("static const uint32_t han_fold[HAN_FOLDS][2] = {\n");
    for (size_t i = 0; i < nmem; i++)
        printf("    {0x%05X, 0x%05X},\n", (unsigned)mem[i].cp, (unsigned)mem[i].canon);
    printf("};\n");
    printf(
        "/* The rows of han_fold by canonical character, each class in its order of preference. */\n");
    printf("static const uint16_t han_by_canon[HAN_FOLDS] = {\n");
    for (size_t i = 0; i < nmem; i += 12) {
        printf("   ");
        for (size_t j = i; j < nmem && j < i + 12; j++)
            printf(" %u,", (unsigned)order[j]);
        printf("\n");
    }
    printf("};\n");
    /* Most characters of a page fold to nothing else: a bit each for the
     * unified ideographs and extension A, so that they cost no search. */
    printf("/* Bit c - 0x%X: U+c (below U+%X) has a row in han_fold. */\n", BITS_FROM, BITS_TO);
    printf("#define HAN_BITS_FROM 0x%X\n#define HAN_BITS_TO 0x%X\n", BITS_FROM, BITS_TO);
    printf("static const uint8_t han_bits[(HAN_BITS_TO - HAN_BITS_FROM) / 8] = {\n");
    for (uint32_t b = BITS_FROM; b < BITS_TO; b += 8 * 16) {
        printf("   ");
        for (uint32_t c = b; c < b + 8 * 16 && c < BITS_TO; c += 8) {
            unsigned byte = 0;
            for (uint32_t k = 0; k < 8; k++) {
                uint32_t canon = canon_of[find(c + k)];
                if (canon && canon != c + k)
                    byte |= 1u << k;
            }
            printf(" 0x%02X,", byte);
        }
        printf("\n");
    }
    printf("};\n");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hanfold_gen: cannot write the table\n");
        goto out;
    }
    rc = 0;
out:
    for (int k = 0; k < NCONFIG; k++)
        free(conv[k]);
    free(cps);
    free(text);
    free(parent);
    free(canon_of);
    free(votes);
    free(linked);
    free(mem);
    free(order);
    return rc;
}
