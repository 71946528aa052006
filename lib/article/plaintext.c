/* The body of a plain-text article: lines.c says what each line is, this
 * finds the dateline and the title among them and writes the lines that
 * are shown as HTML paragraphs, captions, bylines and subheadings, with the
 * search text and the summary's text beside them.
 *
 * Uses lib/text (utf8.h), smz_strbuf, words.c, dates.c, lines.c and
 * title.c. */
#include <stdlib.h>
#include "article/article_priv.h"
#include "text/utf8.h"
#include "text/escape.h"

#define DATE_SCAN_LINES 6 /* a dateline must be among the first lines */
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
    int wrapped = 1;
    for (size_t k = i; k + 1 < j; k++)
        if (smz__utf8_count(LS(d, k), LN(d, k)) < 50)
            wrapped = 0;
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
    smz__art_drop_footer(&d);
    /* The title: the headline, or the first sentence of the first paragraph. */
    size_t first = 0;
    while (first < d.n && d.lines[first].kind != L_PARA)
        first++;
    if (!have_title && first < d.n) {
        size_t e = smz__art_para_end(&d, first), more = e;
        while (more < d.n && !smz__art_shown(d.lines[more].kind))
            more++;
        if (e == first + 1 && more < d.n && smz__art_headline(LS(&d, first), LN(&d, first))) {
            rc = smz__art_add_collapsed(&c->title, LS(&d, first), LN(&d, first));
            d.lines[first].kind = L_TITLE;
        } else {
            /* 4 KiB hold more than TITLE_SOFT characters of any script. */
            smz_strbuf para;
            smz_strbuf_init(&para, 8192);
            for (size_t k = first; k < e && smz_strbuf_len(&para) < 2048; k++) {
                smz_strbuf_add(&para, LS(&d, k), smz__utf8_cut(LS(&d, k), LN(&d, k), 2048));
                smz_strbuf_add(&para, " ", 1);
            }
            rc = smz__art_title_from_paragraph(&c->title, &para);
        }
        if (rc)
            goto out;
    }
    /* A repeat of the title near the top (sites print the headline twice). */
    for (size_t i = 0; i < d.n && i < DUP_TITLE_SCAN; i++)
        if (d.lines[i].kind == L_PARA && smz__art_alone_in_block(&d, i) &&
            smz__art_same_text(LS(&d, i), LN(&d, i), smz_strbuf_str(&c->title),
                               smz_strbuf_len(&c->title), 1))
            d.lines[i].kind = L_DUP;
    smz__art_find_headings(&d);
    for (size_t i = 0; i < d.n;) {
        if (!smz__art_shown(d.lines[i].kind)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        if (d.lines[i].kind == L_PARA || d.lines[i].kind == L_BYLINE)
            while (j < d.n && d.lines[j].block == d.lines[i].block && d.lines[j].kind == d.lines[i].kind)
                j++;
        emit_group(c, &d, i, j);
        i = j;
    }
    rc = smz_strbuf_err(&c->body);
    if (!rc)
        rc = smz_strbuf_err(&c->text);
    if (!rc)
        rc = smz_strbuf_err(&c->summary);
out:
    free(d.lines);
    return rc;
}
