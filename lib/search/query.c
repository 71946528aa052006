/* Search-box queries cut into terms (see query.h).
 *
 * The input is first made clean (valid UTF-8, white space and control
 * characters as plain spaces), then cut into terms.  Because the input is
 * capped before anything else, every buffer has a size known at compile
 * time and the whole query lives in one allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "search/query.h"
#include "smz/i18n.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

/* A clean query is at most 3 bytes per input byte (U+FFFD for each bad
 * byte). */
#define CLEAN_MAX (3 * SMZ_QUERY_MAX_BYTES)

struct smz_query {
    size_t nterms;
    smz_query_term terms[SMZ_QUERY_MAX_TERMS];
    char texts[CLEAN_MAX + SMZ_QUERY_MAX_TERMS]; /* the terms, each NUL-terminated */
    char plain[CLEAN_MAX + 1];
};

static int is_space(uint32_t c)
{
    return c == ' ' || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Copies Q to OUT with invalid UTF-8 as U+FFFD and every white space or
 * control character as ' '; returns the length (at most CLEAN_MAX). */
static size_t clean(const char *q, size_t len, char *out)
{
    const unsigned char *u = (const unsigned char *)q;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = smz__utf8_next(u + i, len - i, &c);
        if (c == SMZ_UTF8_INVALID) {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
        } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || is_space(c)) {
            out[n++] = ' ';
        } else {
            memcpy(out + n, q + i, k);
            n += k;
        }
        i += k;
    }
    return n;
}

/* Whether S holds something FTS5 could make a token of: anything but ASCII
 * punctuation.  (Non-ASCII symbols are kept; they cost only an empty phrase,
 * which FTS5 drops from an implicit AND.) */
static int has_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return 1;
    }
    return 0;
}

static uint32_t last_char(const char *s, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n;)
        i += smz__utf8_next((const unsigned char *)s + i, n - i, &c);
    return c;
}

static void put(char *buf, size_t *n, size_t cap, const char *s, size_t len)
{
    /* The caps make overflow impossible; stay safe if that reasoning fails. */
    if (*n + len >= cap)
        len = *n < cap - 1 ? cap - 1 - *n : 0;
    memcpy(buf + *n, s, len);
    *n += len;
    buf[*n] = 0;
}

static smz_err qfail(smz_err rc, char *err, size_t errlen, int lang, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", smz_tr(lang, msg));
    return rc;
}

smz_err smz__query_build(const char *q, size_t len, smz_query **out, char *err, size_t errlen)
{
    return smz__query_build_lang(q, len, SMZ_UI_EN, out, err, errlen);
}

smz_err smz__query_build_lang(const char *q, size_t len, int lang, smz_query **out, char *err,
                              size_t errlen)
{
    char buf[CLEAN_MAX + 1], msg[128];
    smz_err rc;
    smz_query *r = NULL;
    size_t n, used = 0, included = 0, np = 0, prefixes = 0;
    *out = NULL;
    if (err && errlen)
        err[0] = 0;
    if (len > SMZ_QUERY_MAX_BYTES) {
        snprintf(msg, sizeof msg, smz_tr(lang, "the query is too long: at most %d bytes, please"),
                 SMZ_QUERY_MAX_BYTES);
        rc = qfail(SMZ_E_TOOBIG, err, errlen, lang, msg);
        goto out;
    }
    if (len && !q) {
        rc = qfail(SMZ_E_INVALID, err, errlen, lang, "no query");
        goto out;
    }
    if (!(r = calloc(1, sizeof *r))) {
        rc = qfail(SMZ_E_NOMEM, err, errlen, lang, "out of memory");
        goto out;
    }
    n = clean(q, len, buf);
    buf[n] = 0;
    for (size_t i = 0; i < n;) {
        smz_query_term t = {0};
        size_t a, b;
        if (buf[i] == ' ') {
            i++;
            continue;
        }
        if (buf[i] == '-' && i + 1 < n && buf[i + 1] != ' ') {
            t.exclude = 1;
            i++;
        }
        if (buf[i] == '"') {
            t.phrase = 1;
            a = ++i;
            while (i < n && buf[i] != '"')
                i++;
            b = i;
            if (i < n)
                i++; /* the closing quote */
            while (a < b && buf[a] == ' ')
                a++;
            while (b > a && buf[b - 1] == ' ')
                b--;
            while (i < n && buf[i] == '*') {
                t.prefix = 1;
                i++;
            }
        } else {
            a = i;
            while (i < n && buf[i] != ' ')
                i++;
            for (b = i; b > a && buf[b - 1] == '*'; b--)
                t.prefix = 1;
        }
        if (!has_word(buf + a, b - a))
            continue;
        if (r->nterms == SMZ_QUERY_MAX_TERMS) {
            snprintf(msg, sizeof msg, smz_tr(lang, "the query has too many words: at most %d, please"),
                     SMZ_QUERY_MAX_TERMS);
            rc = qfail(SMZ_E_TOOBIG, err, errlen, lang, msg);
            goto out;
        }
        if (t.prefix && smz__is_cjk(last_char(buf + a, b - a)))
            t.prefix = 0;
        /* Each prefix is merged from every index term it starts, inside one
         * FTS5 call that no budget can stop: their number bounds a query's
         * cost (32 of "a*" on 3,000 pages: 8.7 s). */
        if (t.prefix && ++prefixes > SMZ_QUERY_MAX_PREFIXES) {
            snprintf(msg, sizeof msg,
                     smz_tr(lang, "the query has too many words ending in '*': at most %d, please"),
                     SMZ_QUERY_MAX_PREFIXES);
            rc = qfail(SMZ_E_TOOBIG, err, errlen, lang, msg);
            goto out;
        }
        memcpy(r->texts + used, buf + a, b - a);
        r->texts[used + b - a] = 0;
        t.text = r->texts + used;
        t.len = b - a;
        used += b - a + 1;
        included += !t.exclude;
        r->terms[r->nterms++] = t;
    }
    if (!r->nterms) {
        rc = qfail(SMZ_E_INVALID, err, errlen, lang, "the query has no words to search for");
        goto out;
    }
    if (!included) {
        rc = qfail(SMZ_E_INVALID, err, errlen, lang,
                   "the query only excludes words: add a word to search for");
        goto out;
    }
    for (size_t k = 0; k < r->nterms; k++) {
        const smz_query_term *t = &r->terms[k];
        if (t->exclude)
            continue;
        if (np)
            put(r->plain, &np, sizeof r->plain, " ", 1);
        put(r->plain, &np, sizeof r->plain, t->text, t->len);
    }
    *out = r;
    r = NULL;
    rc = SMZ_OK;
out:
    free(r);
    return rc;
}

const char *smz__query_plain(const smz_query *q)
{
    return q->plain;
}

size_t smz__query_count(const smz_query *q)
{
    return q->nterms;
}

const smz_query_term *smz__query_term_at(const smz_query *q, size_t i)
{
    return i < q->nterms ? &q->terms[i] : NULL;
}

void smz__query_free(smz_query *q)
{
    free(q);
}
