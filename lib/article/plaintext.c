/* The body of a plain-text article: lines.c says what each line is, this
 * finds the dateline, the source (byline, translator, publisher, URL), the
 * kicker and the title among them and writes the lines that are shown as
 * HTML paragraphs, captions, bylines and subheadings, with the search text
 * and the summary's text beside them, and the lines left out in order.
 *
 * Uses lib/text (utf8.h), smz_strbuf, words.c, dates.c, lines.c and
 * title.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"
#include "text/escape.h"

#define DATE_SCAN_LINES 8 /* a dateline must be among the first lines */
#define DUP_TITLE_SCAN 8  /* a repeated headline among the first lines */

/* Lines I..J-1 of one kind and block: hard-wrapped prose (every line but the
 * last is long) is joined with spaces, anything else keeps its breaks. */
static void emit_group(render_ctx *c, const text_doc *d, size_t i, size_t j)
{
    static const struct {
        line_kind kind;
        const char *open, *close;
    } tags[] = {{L_PARA, "<p>", "</p>\n"},
                {L_CAPTION, "<p class=\"caption\">", "</p>\n"},
                {L_BYLINE, "<p class=\"byline\">", "</p>\n"},
                {L_HEADING, "<h2>", "</h2>\n"}};
    line_kind kind = d->lines[i].kind;
    size_t t = 0;
    while (t < sizeof tags / sizeof tags[0] - 1 && tags[t].kind != kind)
        t++;
    /* Measured on the line as the file has it: the first line of a
     * paragraph whose first sentence became the title starts later. */
    int wrapped = 1;
    for (size_t k = i; k + 1 < j; k++) {
        size_t end = d->lines[k].off + LN(d, k), start = d->lines[k].off;
        while (start > 0 && d->s[start - 1] != '\n')
            start--;
        if (smz__utf8_count(d->s + start, end - start) < 50)
            wrapped = 0;
    }
    smz_strbuf_adds(&c->body, tags[t].open);
    for (size_t k = i; k < j; k++) {
        if (k > i) {
            smz_strbuf_adds(&c->body, wrapped ? " " : "<br>\n");
            smz_strbuf_add(&c->text, wrapped ? " " : "\n", 1);
            if (kind == L_PARA)
                smz_strbuf_add(&c->summary, " ", 1);
        }
        smz__html_add(&c->body, LS(d, k), LN(d, k));
        smz_strbuf_add(&c->text, LS(d, k), LN(d, k));
        if (kind == L_PARA && smz_strbuf_len(&c->summary) < SUMMARY_BYTES)
            smz_strbuf_add(&c->summary, LS(d, k), smz__utf8_cut(LS(d, k), LN(d, k), SUMMARY_BYTES));
    }
    smz_strbuf_adds(&c->body, tags[t].close);
    smz_strbuf_add(&c->text, "\n", 1);
    if (kind == L_PARA && smz_strbuf_len(&c->summary))
        smz_strbuf_add(&c->summary, " ", 1);
}

/* Stores what line I says of the source in the first empty field, and
 * takes the line out of the body when it was shown (the source line in the
 * header gives it, and "From the original" keeps its words). */
static smz_err lift_source(render_ctx *c, text_doc *d, size_t i)
{
    tline *l = &d->lines[i];
    if (l->kind != L_PARA && l->kind != L_BYLINE && l->kind != L_CAPTION && l->kind != L_BOILER)
        return SMZ_OK;
    size_t off = 0, len = 0;
    src_field f = smz__art_source_field(LS(d, i), l->len, l->kind, &off, &len);
    smz_strbuf *dst = f == SRC_BYLINE       ? &c->byline
                      : f == SRC_TRANSLATOR ? &c->translator
                      : f == SRC_PUBLISHER  ? &c->publisher
                      : f == SRC_URL        ? &c->url
                                            : NULL;
    if (!dst || smz_strbuf_len(dst))
        return SMZ_OK;
    if (l->kind != L_BOILER)
        l->kind = L_SOURCE;
    return smz__art_add_collapsed(dst, LS(d, i) + off, len);
}

/* The length of a bracketed opening of S up to its closing bracket
 * ("【...】", "（...）", "(...)", at most 40 characters), or 0. */
static size_t opening_bracket(const char *s, size_t n)
{
    static const char *const pairs[][2] = {{"\xE3\x80\x90", "\xE3\x80\x91"},
                                           {"\xEF\xBC\x88", "\xEF\xBC\x89"},
                                           {"(", ")"}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        size_t ol = strlen(pairs[p][0]), cl = strlen(pairs[p][1]);
        if (!smz__ascii_prefix_ci(s, n, pairs[p][0]))
            continue;
        for (size_t i = ol, cps = 0; i + cl <= n && cps <= 40; cps++) {
            if (!memcmp(s + i, pairs[p][1], cl))
                return i + cl;
            uint32_t cp;
            i += smz__utf8_next((const unsigned char *)s + i, n - i, &cp);
        }
    }
    return 0;
}

/* A line of the article's prose: a paragraph line of some length that ends
 * a sentence. */
static int prose(const text_doc *d, size_t i)
{
    return d->lines[i].kind == L_PARA && smz__utf8_count(LS(d, i), LN(d, i)) >= 40 &&
           smz__art_ends_sentence(LS(d, i), LN(d, i));
}

static int cjk_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0xE3)
            return 1;
    return 0;
}

/* A label above the headline: "ANALYSIS", "Opinion", "World:", "Hong
 * Kong", "【独家】" - one word, up to three in capitals, a colon or a bracket, a few CJK
 * characters, or up to three words over a headline three times as long;
 * always much shorter than the headline under it. */
static int kicker(const char *s, size_t n, const char *next, size_t nn)
{
    size_t cps = smz__utf8_count(s, n);
    if (cps > 40 || cps * 2 > smz__utf8_count(next, nn) || smz__art_ends_with_stop(s, n, ".!?,;"))
        return 0;
    if (cjk_text(s, n))
        return cps <= 12;
    int caps = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            caps = 0;
    size_t words = smz__art_word_count(s, n);
    return (caps && words <= 3) || words == 1 || s[n - 1] == ':' || s[n - 1] == '|' || s[0] == '[' ||
           (words <= 3 && cps * 3 <= smz__utf8_count(next, nn) && smz__art_word_count(next, nn) >= 5);
}

/* The title when HAVE_TITLE is 0: a headline (perhaps under a kicker), or
 * the first sentence of the first paragraph.  A whole sentence is taken
 * out of the body (T_SENTENCE); a shortened one leaves it whole there. */
static smz_err find_title(render_ctx *c, text_doc *d)
{
    size_t first = 0;
    while (first < d->n && d->lines[first].kind != L_PARA)
        first++;
    if (first == d->n)
        return SMZ_OK;
    size_t e = smz__art_para_end(d, first), more = e;
    while (more < d->n && !smz__art_shown(d->lines[more].kind))
        more++;
    /* A kicker, then the headline alone in its block, then more text. */
    if (e == first + 1 && more < d->n && d->lines[more].kind == L_PARA &&
        smz__art_para_end(d, more) == more + 1 && smz__art_alone_in_block(d, more) &&
        smz__art_headline(LS(d, more), LN(d, more)) &&
        kicker(LS(d, first), LN(d, first), LS(d, more), LN(d, more))) {
        size_t after = more + 1;
        while (after < d->n && !smz__art_shown(d->lines[after].kind))
            after++;
        if (after < d->n) {
            d->lines[first].kind = L_KICKER;
            smz_strbuf_reset(&c->kicker);
            smz__art_add_collapsed(&c->kicker, LS(d, first), LN(d, first));
            d->lines[more].kind = L_TITLE;
            return smz__art_add_collapsed(&c->title, LS(d, more), LN(d, more));
        }
    }
    if (e == first + 1 && more < d->n && smz__art_headline(LS(d, first), LN(d, first))) {
        d->lines[first].kind = L_TITLE;
        return smz__art_add_collapsed(&c->title, LS(d, first), LN(d, first));
    }
    /* 4 KiB hold more than TITLE_SOFT characters of any script. */
    smz_strbuf para;
    smz_strbuf_init(&para, 8192);
    for (size_t k = first; k < e && smz_strbuf_len(&para) < 2048; k++) {
        smz_strbuf_add(&para, LS(d, k), smz__utf8_cut(LS(d, k), LN(d, k), 2048));
        smz_strbuf_add(&para, " ", 1);
    }
    int whole = 0;
    smz_err rc = smz__art_title_from_paragraph(&c->title, &para, &whole);
    if (rc)
        return rc;
    c->title_from = T_DERIVED;
    if (!whole)
        return SMZ_OK;
    /* The whole first sentence is the title: the body starts after it.  It
     * may run over several lines of a hard-wrapped paragraph, read here
     * joined by single spaces (the sentence is at most TITLE_SOFT wide, so
     * 4 KiB of the paragraph hold it). */
    smz_strbuf joined;
    smz_strbuf_init(&joined, 8192);
    for (size_t k = first; k < e && smz_strbuf_len(&joined) < 4096; k++) {
        if (k > first)
            smz_strbuf_add(&joined, " ", 1);
        smz_strbuf_add(&joined, LS(d, k), smz__utf8_cut(LS(d, k), LN(d, k), 4096));
    }
    if ((rc = smz_strbuf_err(&joined)) != SMZ_OK) {
        smz_strbuf_free(&joined);
        return rc;
    }
    const char *js = smz_strbuf_str(&joined);
    size_t jn = smz_strbuf_len(&joined), k = smz__art_first_sentence(js, jn);
    int same = smz__art_same_text(js, k, smz_strbuf_str(&c->title), smz_strbuf_len(&c->title), 0);
    for (size_t sp; same && k < jn;)
        if (js[k] == '.')
            k++;
        else if (smz__ascii_prefix_ci(js + k, jn - k, "\xE3\x80\x82")) /* 。 */
            k += 3;
        else if ((sp = smz__art_space_at(js + k, jn - k)) != 0)
            k += sp;
        else
            break;
    smz_strbuf_free(&joined);
    if (!same)
        return SMZ_OK;
    c->title_from = T_SENTENCE;
    /* Lines the sentence fills are the title's; the one it ends in starts
     * after it. */
    for (size_t i = first; i < e; i++) {
        tline *l = &d->lines[i];
        if (k >= l->len) {
            l->kind = L_TITLE;
            k = k > l->len ? k - l->len - 1 : 0;
            if (!k)
                break;
        } else {
            l->off += (uint32_t)k;
            l->len -= (uint32_t)k;
            break;
        }
    }
    return SMZ_OK;
}

smz_err smz__art_render_text(render_ctx *c, const char *s, size_t n, int have_title, int have_date)
{
    text_doc d = {0};
    smz_err rc = smz__art_split_lines(s, n, &d);
    if (rc)
        goto out;
    smz__art_classify(&d);
    if (!have_date)
        for (size_t i = 0; i < d.n && i < DATE_SCAN_LINES; i++)
            if (d.lines[i].kind == L_PARA && smz__art_dateline(LS(&d, i), LN(&d, i), c->date)) {
                d.lines[i].kind = L_DATE;
                c->date_source = SMZ_DATE_TEXT;
                break;
            }
    /* A news agency's dateline that opens the first paragraph:
     * "【大纪元2022年02月01日讯】...", "（中央社台北2022年2月1日电）...".
     * The paragraph stays as it is; only the date is read. */
    for (size_t i = 0, paras = 0;
         !have_date && c->date_source == SMZ_DATE_NONE && i < d.n && i < DATE_SCAN_LINES && paras < 3;
         i++) {
        if (d.lines[i].kind != L_PARA)
            continue;
        paras++;
        size_t close = opening_bracket(LS(&d, i), LN(&d, i));
        if (close && smz__art_dateline(LS(&d, i), close, c->date))
            c->date_source = SMZ_DATE_TEXT;
    }
    /* The source is told above or below the text, never inside it: a
     * "Source: World Bank" under a table names data, not the publisher. */
    size_t first_prose = d.n, last_prose = 0;
    for (size_t i = 0; i < d.n; i++)
        if (prose(&d, i)) {
            if (first_prose == d.n)
                first_prose = i;
            last_prose = i;
        }
    for (size_t i = 0; i < d.n && !rc; i++)
        if (first_prose == d.n || i < first_prose || i > last_prose)
            rc = lift_source(c, &d, i);
    if (rc)
        goto out;
    smz__art_drop_footer(&d);
    /* Site furniture often names the site: "Example News | Facebook". */
    for (size_t i = 0; i < d.n && !smz_strbuf_len(&c->publisher); i++) {
        size_t off, len;
        if (d.lines[i].kind == L_BOILER && smz__art_site_name(LS(&d, i), LN(&d, i), &off, &len))
            rc = smz__art_add_collapsed(&c->publisher, LS(&d, i) + off, len);
    }
    if (!rc && !have_title)
        rc = find_title(c, &d);
    if (rc)
        goto out;
    /* A repeat of the title near the top (sites print the headline twice). */
    for (size_t i = 0; i < d.n && i < DUP_TITLE_SCAN; i++)
        if (d.lines[i].kind == L_PARA && smz__art_alone_in_block(&d, i) &&
            smz__art_same_text(LS(&d, i), LN(&d, i), smz_strbuf_str(&c->title),
                               smz_strbuf_len(&c->title), 1))
            d.lines[i].kind = L_DUP;
    smz__art_find_headings(&d);
    for (size_t i = 0; i < d.n;) {
        line_kind k = d.lines[i].kind;
        if (!smz__art_shown(k)) {
            /* The title and the kicker are shown in the header as written;
             * everything else left out is listed under the article. */
            if (k != L_TITLE && k != L_KICKER) {
                smz_strbuf_add(&c->removed, LS(&d, i), LN(&d, i));
                smz_strbuf_add(&c->removed, "\n", 1);
            }
            i++;
            continue;
        }
        size_t j = i + 1;
        if (k == L_PARA || k == L_BYLINE)
            while (j < d.n && d.lines[j].block == d.lines[i].block && d.lines[j].kind == k)
                j++;
        emit_group(c, &d, i, j);
        i = j;
    }
    rc = smz_strbuf_err(&c->body);
    if (!rc)
        rc = smz_strbuf_err(&c->text);
    if (!rc)
        rc = smz_strbuf_err(&c->summary);
    if (!rc)
        rc = smz_strbuf_err(&c->removed);
out:
    free(d.lines);
    return rc;
}
