/* smz__article_index_html (see article.h): the index page of a collection
 * that has no main page of its own, its articles newest first, each with
 * its title, date and a summary cut at a word.  The order is fixed and
 * independent of the locale, so an archive packed twice is the same.
 * (lib/pack/index_page.c gathers the list while packing and calls this.)
 *
 * Uses lib/text (ascii.h, date.h, lang.h), smz_strbuf, words.c and page.c. */
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/date.h"
#include "text/lang.h"
#include "i18n/i18n.h"
#include "text/escape.h"

#define MAX_INDEX_ITEMS 1000000u

typedef struct index_row {
    const smz_article_ref *ref;
    size_t pos; /* place in the caller's array: the last tie-breaker */
    int has_date;
} index_row;

/* The text an index row shows: its title, else its path. */
static const char *row_label(const index_row *r)
{
    return r->ref->title && r->ref->title[0] ? r->ref->title : r->ref->path;
}

/* Bytewise with ASCII letters folded: a fixed order that does not depend
 * on the locale, so the page is the same wherever it is packed. */
static int index_cmp(const void *pa, const void *pb)
{
    const index_row *a = pa, *b = pb;
    if (a->has_date != b->has_date)
        return b->has_date - a->has_date;
    int c;
    if (a->has_date && (c = strcmp(b->ref->date, a->ref->date)) != 0)
        return c; /* newest first */
    if ((c = smz__ascii_cmp_ci(row_label(a), row_label(b))) != 0 ||
        (c = strcmp(row_label(a), row_label(b))) != 0)
        return c;
    if ((c = strcmp(a->ref->path, b->ref->path)) != 0)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

smz_err smz__article_index_html(const smz_article_ref *items, size_t n, const char *collection_title,
                                const char *description, const char *lang, char **html_out)
{
    smz_err rc;
    index_row *rows = NULL;
    smz_strbuf page, title, desc, field, summary;
    smz_strbuf_init(&page, MAX_PAGE);
    smz_strbuf_init(&title, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&desc, 4 * SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&field, 4 * SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&summary, 16 * SMZ_ARTICLE_MAX_FIELD);
    if (html_out)
        *html_out = NULL;
    if (!html_out || (!items && n)) {
        rc = SMZ_E_INVALID;
        goto out;
    }
    if (n > MAX_INDEX_ITEMS) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!items[i].path || !items[i].path[0]) {
            rc = SMZ_E_INVALID;
            goto out;
        }
    if (n && !(rows = malloc(n * sizeof *rows))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        rows[i] = (index_row){.ref = &items[i],
                              .pos = i,
                              .has_date = items[i].date && smz__date_ok(items[i].date)};
    if (n)
        qsort(rows, n, sizeof *rows, index_cmp);

    if ((rc = smz__art_clean_line(&title,
                                  collection_title ? collection_title
                                                   : smz_tr(smz__art_ui(lang), "Index"),
                                  SMZ_ARTICLE_MAX_FIELD)) ||
        (rc = smz__art_clean_line(&desc, description, 3 * SMZ_ARTICLE_MAX_FIELD)))
        goto out;
    if (!smz_strbuf_len(&title) &&
        (rc = smz_strbuf_adds(&title, smz_tr(smz__art_ui(lang), "Index"))) != SMZ_OK)
        goto out;
    page_info pi = {.lang = lang && smz__lang_tag_ok(lang, strlen(lang)) ? lang : NULL,
                    .title = smz_strbuf_str(&title),
                    .description = smz_strbuf_str(&desc)};
    smz__art_page_begin(&page, &pi, 1);
    {
        int ui = smz__art_ui(pi.lang);
        smz_strbuf num;
        smz_strbuf_init(&num, 256);
        smz__ui_count(&num, ui, n);
        smz_strbuf_adds(&page, "<p class=\"meta\">");
        smz__tr_fill(&page, smz_ntr(ui, "%s article", "%s articles", (unsigned long)n), 1,
                     smz_strbuf_str(&num));
        smz_strbuf_adds(&page, "</p>\n</header>\n");
        smz_strbuf_free(&num);
    }
    smz_strbuf_adds(&page, "<ul class=\"index\">\n");
    for (size_t i = 0; i < n && !rc; i++) {
        const smz_article_ref *r = rows[i].ref;
        smz_strbuf_adds(&page, "<li><a href=\"");
        smz__art_add_href(&page, r->path);
        smz_strbuf_adds(&page, "\">");
        rc = smz__art_clean_line(&field, r->title && r->title[0] ? r->title : r->path,
                                 SMZ_ARTICLE_MAX_FIELD);
        if (!rc && !smz_strbuf_len(&field))
            rc = smz__art_clean_line(&field, r->path, SMZ_ARTICLE_MAX_FIELD);
        if (rc)
            break;
        smz__html_add(&page, smz_strbuf_str(&field), smz_strbuf_len(&field));
        smz_strbuf_adds(&page, "</a>");
        if (rows[i].has_date) {
            smz_strbuf_adds(&page, "\n<p class=\"meta\">");
            smz__art_add_time(&page, r->date, pi.lang);
            smz_strbuf_adds(&page, "</p>");
        }
        if (r->summary && r->summary[0]) {
            rc = smz__art_clean_line(&field, r->summary, 4 * SMZ_ARTICLE_MAX_FIELD);
            smz_strbuf_reset(&summary);
            if (!rc)
                rc = smz__art_add_cut_words(&summary, smz_strbuf_str(&field), smz_strbuf_len(&field),
                                            SUMMARY_MAX);
            if (rc)
                break;
            if (smz_strbuf_len(&summary)) {
                smz_strbuf_adds(&page, "\n<p>");
                smz__html_add(&page, smz_strbuf_str(&summary), smz_strbuf_len(&summary));
                smz_strbuf_adds(&page, "</p>");
            }
        }
        rc = smz_strbuf_adds(&page, "</li>\n");
    }
    if (rc)
        goto out;
    smz_strbuf_adds(&page, "</ul>\n");
    if ((rc = smz__art_page_end(&page, 1)) != SMZ_OK)
        goto out;
    rc = smz_strbuf_detach(&page, html_out, NULL);
out:
    free(rows);
    smz_strbuf_free(&page);
    smz_strbuf_free(&title);
    smz_strbuf_free(&desc);
    smz_strbuf_free(&field);
    smz_strbuf_free(&summary);
    return rc;
}
