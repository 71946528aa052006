/* The title a person would give an article that has none: the first
 * sentence of its first paragraph, cut at a clause or a word (with an
 * ellipsis) when long, or else its file name made readable.
 *
 * Uses lib/text (ascii.h, utf8.h) and words.c. */
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"

#define TITLE_SOFT 125      /* characters: a whole sentence or clause up to this */
#define TITLE_HARD 100      /* characters: otherwise cut at a word before this */
#define TITLE_MIN_CLAUSE 75 /* a clause break before this loses too much */

static const char *const ABBREV[] = {"mr",   "mrs", "ms",   "dr",  "prof",   "sr",  "jr",  "st",  "mt",
                                     "no",   "nos", "vol",  "gen", "gov",    "sen", "rep", "rev", "col",
                                     "capt", "lt",  "sgt",  "jan", "feb",    "mar", "apr", "jun", "jul",
                                     "aug",  "sep", "sept", "oct", "nov",    "dec", "inc", "ltd", "co",
                                     "corp", "vs",  "etc",  "al",  "approx", "est", "fig", "ca",  NULL};

static const char *const STOPWORDS[] = {"a",     "an",    "the",   "and",   "or",    "but",   "nor",
                                        "of",    "to",    "in",    "on",    "at",    "for",   "with",
                                        "by",    "from",  "as",    "that",  "which", "who",   "whom",
                                        "whose", "where", "when",  "its",   "their", "his",   "her",
                                        "our",   "your",  "is",    "are",   "was",   "were",  "be",
                                        "been",  "has",   "have",  "had",   "will",  "would", "into",
                                        "than",  "this",  "these", "those", "not",   "no",    "if",
                                        NULL};

/* Clause breaks a title may end before, at the start of " as ..." etc. */
static const char *const BREAKS[] = {", ",       "; ",    ": ",      " \xE2\x80\x94 ", " \xE2\x80\x93 ",
                                     " - ",      " (",    " as ",    " while ",        " where ",
                                     " which ",  " who ", " after ", " because ",      " although ",
                                     " though ", " but ", " when ",  " according to ", " saying ",
                                     NULL};

/* The length of the first sentence of S (folded white space), without a
 * final '.' but with '?' or '!' and closing quotes kept. */
size_t smz__art_first_sentence(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (smz__ascii_prefix_ci(s + i, n - i, "\xE3\x80\x82")) /* ideographic full stop */
            return i;
        if (smz__ascii_prefix_ci(s + i, n - i, "\xEF\xBC\x81") ||
            smz__ascii_prefix_ci(s + i, n - i, "\xEF\xBC\x9F"))
            return i + 3;
        char c = s[i];
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1, k;
        while (j < n && (k = smz__art_closing_at(s + j, n - j)) != 0)
            j += k;
        if (j < n && s[j] != ' ')
            continue;
        if (j + 1 < n) {
            unsigned char next = (unsigned char)s[j + 1];
            if ((next >= 'a' && next <= 'z') || strchr(",;:", next))
                continue;
        }
        if (c == '.') {
            size_t w = i;
            while (w > 0 && smz_ascii_alpha((unsigned char)s[w - 1]))
                w--;
            if (i - w == 1 || (w > 0 && s[w - 1] == '.') || smz__art_any_equal_ci(s + w, i - w, ABBREV))
                continue; /* an initial, "U.S.", "Sept." */
            if (i > 0 && s[i - 1] == '.')
                continue; /* an ellipsis "..." goes on */
            return j > i + 1 ? j : i;
        }
        return j;
    }
    return n;
}

/* Removes trailing stopwords and clause punctuation from B (at least two
 * words stay). */
static void trim_title_tail(smz_strbuf *b)
{
    for (;;) {
        const char *s = smz_strbuf_str(b);
        size_t n = smz_strbuf_len(b);
        while (n && strchr(" ,;:-(", s[n - 1]))
            n--;
        while (n >= 3 && (smz__ascii_prefix_ci(s + n - 3, 3, "\xE2\x80\x94") ||
                          smz__ascii_prefix_ci(s + n - 3, 3, "\xE2\x80\x93"))) {
            n -= 3;
            while (n && s[n - 1] == ' ')
                n--;
        }
        smz_strbuf_truncate(b, n);
        const char *sp = NULL;
        for (size_t i = n; i > 0; i--)
            if (s[i - 1] == ' ') {
                sp = s + i - 1;
                break;
            }
        if (!sp || smz__art_word_count(s, (size_t)(sp - s)) < 2 ||
            !smz__art_any_equal_ci(sp + 1, n - (size_t)(sp + 1 - s), STOPWORDS))
            return;
        smz_strbuf_truncate(b, (size_t)(sp - s));
    }
}

/* Appends a title made from the paragraph S: its first sentence when short,
 * else the longest clause up to TITLE_SOFT characters that keeps at least
 * TITLE_MIN_CLAUSE, else the words that fit TITLE_HARD and an ellipsis.
 * Breaks inside quotes or parentheses are not used. */
static smz_err title_from_text(smz_strbuf *out, const char *para, size_t pn)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, pn + 1);
    smz_err rc = smz__art_add_collapsed(&tmp, para, pn);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    size_t n = smz__art_first_sentence(s, smz_strbuf_len(&tmp));
    if (smz__utf8_count(s, n) <= TITLE_SOFT) {
        rc = smz_strbuf_add(out, s, n);
        goto out;
    }
    size_t clause = 0, word = 0, any_word = 0, word_cps = 0, cps = 0;
    int dq = 0, curly = 0, paren = 0;
    for (size_t i = 0; i < n && cps <= TITLE_SOFT; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        int free_here = !dq && curly <= 0 && paren <= 0;
        if (free_here && cps >= TITLE_MIN_CLAUSE)
            for (size_t k = 0; BREAKS[k]; k++)
                if (smz__ascii_prefix_ci(s + i, n - i, BREAKS[k])) {
                    clause = i;
                    break;
                }
        if (c == ' ' && cps <= TITLE_HARD) {
            any_word = i;
            if (free_here) {
                word = i;
                word_cps = cps;
            }
        }
        if (c == '"')
            dq = !dq;
        else if (c == '(')
            paren++;
        else if (c == ')')
            paren--;
        else if (smz__ascii_prefix_ci(s + i, n - i, "\xE2\x80\x9C"))
            curly++;
        else if (smz__ascii_prefix_ci(s + i, n - i, "\xE2\x80\x9D"))
            curly--;
        cps++;
    }
    if (clause) {
        while (clause && strchr(" ,;:-", s[clause - 1]))
            clause--;
        rc = smz_strbuf_add(out, s, clause);
        goto out;
    }
    /* Outside quotes when that keeps enough, else at the last space. */
    if (word_cps < TITLE_HARD / 2)
        word = any_word;
    smz_strbuf cut;
    smz_strbuf_init(&cut, n + 1);
    smz_strbuf_add(&cut, s, word ? word : smz__utf8_offset(s, n, TITLE_HARD));
    if (word)
        trim_title_tail(&cut);
    smz_strbuf_adds(&cut, SMZ__ART_ELLIPSIS);
    rc = smz_strbuf_err(&cut);
    if (!rc)
        rc = smz_strbuf_add(out, smz_strbuf_str(&cut), smz_strbuf_len(&cut));
    smz_strbuf_free(&cut);
out:
    smz_strbuf_free(&tmp);
    return rc;
}

smz_err smz__art_title_from_paragraph(smz_strbuf *out, smz_strbuf *para)
{
    smz_err rc = smz_strbuf_err(para);
    if (!rc)
        rc = title_from_text(out, smz_strbuf_str(para), smz_strbuf_len(para));
    smz_strbuf_free(para);
    return rc;
}

/* "dir/some_file-name.txt" -> "some file name". */
smz_err smz__art_title_from_name(smz_strbuf *out, const char *name)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, 1024);
    smz_err rc = smz__art_clean_line(&tmp, name, 255);
    if (rc)
        goto out;
    const char *s = smz_strbuf_str(&tmp);
    const char *slash = strrchr(s, '/');
    if (slash)
        s = slash + 1;
    const char *dot = strrchr(s, '.');
    size_t n = dot && dot > s ? (size_t)(dot - s) : strlen(s);
    char buf[1024];
    memcpy(buf, s, n);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '_' || buf[i] == '-')
            buf[i] = ' ';
    rc = smz__art_add_collapsed(out, buf, n);
out:
    smz_strbuf_free(&tmp);
    return rc;
}
