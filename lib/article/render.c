/* smz__article_render (see article.h): one article from any bytes.  This is
 * where the parts meet: the text is made clean (words.c), front matter is
 * read (frontmatter.c), the title and date are chosen in their order of
 * trust, the body is rendered as Markdown (markdown.c) or plain text
 * (plaintext.c), and the page (page.c), search text and summary are put
 * together.
 *
 * The top layer of lib/article beside index_page.c: it may use every other
 * file here, and lib/text (date.h, lang.h, utf8.h) and smz_strbuf. */
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "i18n/i18n.h"
#include "text/date.h"
#include "text/escape.h"
#include "text/lang.h"
#include "text/utf8.h"

void smz__article_free(smz_article *a)
{
    if (!a)
        return;
    free(a->title);
    free(a->date);
    free(a->author);
    free(a->description);
    free(a->tags);
    free(a->lang);
    free(a->html);
    free(a->text);
    free(a->summary);
    free(a->publisher);
    free(a->byline);
    free(a->translator);
    free(a->source_url);
    free(a);
}

/* The lines the body left out (LEN bytes at REMOVED, each ending in '\n'),
 * under the article in a closed <details>: shown on a click, without
 * JavaScript, in the original's order.  Nothing is dropped silently: site
 * furniture is often what tells who published a text.  No section when
 * nothing was left out. */
static void add_from_original(smz_strbuf *b, const char *removed, size_t len, const char *lang)
{
    if (!len)
        return;
    /* No sentence of ours beside the summary: the page's words are indexed,
     * and "left", "page" or "order" would then find every such article.
     * The summary is in the page's language when ours speaks it. */
    const char *label = smz_tr(smz__art_ui(lang), "From the original");
    smz_strbuf_adds(b, "<details class=\"from-original\">\n<summary class=\"smz-label\">");
    smz__html_add(b, label, strlen(label));
    smz_strbuf_adds(b, "</summary>\n<ul>\n");
    for (size_t p = 0; p < len;) {
        const char *e = memchr(removed + p, '\n', len - p);
        size_t ln = e ? (size_t)(e - (removed + p)) : len - p;
        smz_strbuf_adds(b, "<li>");
        smz__html_add(b, removed + p, ln);
        smz_strbuf_adds(b, "</li>\n");
        p += ln + 1;
    }
    smz_strbuf_adds(b, "</ul>\n</details>\n");
}

smz_err smz__article_render(const char *text, size_t len, smz_article_kind kind,
                            const char *fallback_name, int64_t file_mtime, const smz_article_opts *opts,
                            smz_article **out)
{
    smz_err rc;
    smz_article *a = NULL;
    smz_strbuf src, page, lang, label, tmp;
    front_matter fm;
    render_ctx c = {.date_source = SMZ_DATE_NONE};
    smz_strbuf_init(&src, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&page, MAX_PAGE);
    smz_strbuf_init(&lang, 64);
    smz_strbuf_init(&label, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&tmp, SMZ_ARTICLE_MAX_TEXT + 16);
    smz_strbuf_init(&c.body, MAX_PAGE);
    smz_strbuf_init(&c.text, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&c.summary, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf_init(&c.title, SMZ_ARTICLE_MAX_FIELD * 2);
    smz_strbuf_init(&c.removed, (size_t)SMZ_ARTICLE_MAX_INPUT * 3 + 16);
    smz_strbuf *fields_src[] = {&c.publisher, &c.byline, &c.translator, &c.url, &c.kicker};
    for (size_t i = 0; i < sizeof fields_src / sizeof fields_src[0]; i++)
        smz_strbuf_init(fields_src[i], SMZ_ARTICLE_MAX_FIELD);
    smz__art_fm_init(&fm);
    if (out)
        *out = NULL;
    if (!out || (!text && len) || (kind != SMZ_ARTICLE_TEXT && kind != SMZ_ARTICLE_MARKDOWN)) {
        rc = SMZ_E_INVALID;
        goto out;
    }
    if (len > SMZ_ARTICLE_MAX_INPUT) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    if ((rc = smz__art_sanitize(text ? text : "", len, &src)) != SMZ_OK)
        goto out;
    const char *s = smz_strbuf_str(&src);
    size_t n = smz_strbuf_len(&src);
    if ((rc = smz__art_fm_parse(s, n, &fm)) != SMZ_OK)
        goto out;
    s += fm.body;
    n -= fm.body;

    /* What the packer was told, then front matter, then what the body says. */
    if (opts && opts->title)
        rc = smz__art_clean_line(&c.title, opts->title, SMZ_ARTICLE_MAX_FIELD);
    if (!rc && !smz_strbuf_len(&c.title) && smz_strbuf_len(&fm.title))
        rc = smz_strbuf_add(&c.title, smz_strbuf_str(&fm.title), smz_strbuf_len(&fm.title));
    if (opts && opts->date && smz__date_ok(opts->date)) {
        memcpy(c.date, opts->date, 11);
        c.date_source = SMZ_DATE_GIVEN;
    } else if (!rc && smz__art_parse_date(smz_strbuf_str(&fm.date), smz_strbuf_len(&fm.date), c.date)) {
        c.date_source = SMZ_DATE_FRONT_MATTER;
    } else {
        c.date[0] = 0;
    }
    if (rc)
        goto out;
    int have_title = smz_strbuf_len(&c.title) > 0;
    /* cmark needs up to ~200 bytes of memory per input byte on hostile
     * input ("[[[[", "*a*a"), so very large Markdown is shown as text. */
    if (kind == SMZ_ARTICLE_MARKDOWN && n <= SMZ_ARTICLE_MAX_MARKDOWN)
        rc = smz__art_render_markdown(&c, s, n, have_title);
    else
        rc = smz__art_render_text(&c, s, n, have_title, c.date_source != SMZ_DATE_NONE);
    if (rc)
        goto out;
    /* What the front matter says of the source wins over what the text
     * seems to say; the author is the front matter's, else the byline. */
    struct {
        smz_strbuf *from, *to;
    } fm_src[] = {{&fm.publisher, &c.publisher}, {&fm.translator, &c.translator}, {&fm.url, &c.url}};
    for (size_t i = 0; i < sizeof fm_src / sizeof fm_src[0] && !rc; i++)
        if (smz_strbuf_len(fm_src[i].from)) {
            smz_strbuf_reset(fm_src[i].to);
            rc = smz_strbuf_add(fm_src[i].to, smz_strbuf_str(fm_src[i].from),
                                smz_strbuf_len(fm_src[i].from));
        }
    if (!rc && smz_strbuf_len(&c.url) &&
        smz__art_http_url(smz_strbuf_str(&c.url), smz_strbuf_len(&c.url)) != smz_strbuf_len(&c.url))
        smz_strbuf_reset(&c.url); /* not a link a page may hold */
    if (!rc && !smz_strbuf_len(&fm.author) && smz_strbuf_len(&c.byline))
        rc = smz_strbuf_add(&fm.author, smz_strbuf_str(&c.byline), smz_strbuf_len(&c.byline));
    if (rc)
        goto out;
    if (smz_strbuf_len(&c.title) == 0 &&
        (rc = smz__art_title_from_name(&c.title, fallback_name)) != SMZ_OK)
        goto out;
    if (smz_strbuf_len(&c.title) == 0 && (rc = smz_strbuf_adds(&c.title, "Untitled")) != SMZ_OK)
        goto out;
    if (c.date_source == SMZ_DATE_NONE) {
        smz__art_date_from_mtime(file_mtime, c.date);
        if (c.date[0])
            c.date_source = SMZ_DATE_MTIME;
    }

    /* The language: front matter, else the caller's; only well-formed tags. */
    if (smz__lang_tag_ok(smz_strbuf_str(&fm.lang), smz_strbuf_len(&fm.lang)))
        rc = smz_strbuf_adds(&lang, smz_strbuf_str(&fm.lang));
    else if (opts && opts->lang && smz__lang_tag_ok(opts->lang, strlen(opts->lang)))
        rc = smz_strbuf_adds(&lang, opts->lang);
    if (!rc && opts && opts->home_label)
        rc = smz__art_clean_line(&label, opts->home_label, 200);
    if (rc)
        goto out;

    page_info pi = {.lang = smz_strbuf_str(&lang),
                    .title = smz_strbuf_str(&c.title),
                    .date = c.date,
                    .author = smz_strbuf_str(&fm.author),
                    .description = smz_strbuf_str(&fm.description),
                    .tags = smz_strbuf_str(&fm.tags),
                    .home_href = opts ? opts->home_href : NULL,
                    .home_label = smz_strbuf_str(&label),
                    .original_href = opts ? opts->original_href : NULL,
                    .kicker = smz_strbuf_str(&c.kicker),
                    .publisher = smz_strbuf_str(&c.publisher),
                    .translator = smz_strbuf_str(&c.translator),
                    .source_url = smz_strbuf_str(&c.url),
                    .date_source = c.date_source,
                    .title_from = c.title_from};
    smz__art_page_begin(&page, &pi, 0);
    smz_strbuf_adds(&page, "</header>\n");
    smz_strbuf_add(&page, smz_strbuf_str(&c.body), smz_strbuf_len(&c.body));
    add_from_original(&page, smz_strbuf_str(&c.removed), smz_strbuf_len(&c.removed), pi.lang);
    if ((rc = smz__art_page_end(&page, 0)) != SMZ_OK)
        goto out;

    /* Search text: the title, then the body, then the lines "From the
     * original" lists.  Those are in it on purpose: they are often the only
     * place a publisher's or a site's name is written ("New York MOS
     * Himalaya | GTV"), and a reader looking for a publisher's texts must
     * find them; the archive's index, made from the page (lib/pack), holds
     * them too, as the <details> is part of the page. */
    smz_strbuf_add(&tmp, smz_strbuf_str(&c.title), smz_strbuf_len(&c.title));
    smz_strbuf_add(&tmp, "\n", 1);
    size_t room = SMZ_ARTICLE_MAX_TEXT - smz_strbuf_len(&tmp);
    size_t keep = smz__utf8_cut(smz_strbuf_str(&c.text), smz_strbuf_len(&c.text), room);
    if ((rc = smz_strbuf_add(&tmp, smz_strbuf_str(&c.text), keep)) != SMZ_OK)
        goto out;
    room = SMZ_ARTICLE_MAX_TEXT - smz_strbuf_len(&tmp);
    keep = smz__utf8_cut(smz_strbuf_str(&c.removed), smz_strbuf_len(&c.removed), room);
    if ((rc = smz_strbuf_add(&tmp, smz_strbuf_str(&c.removed), keep)) != SMZ_OK)
        goto out;
    smz_strbuf_free(&c.body); /* the page holds it now; keep peak memory down */

    if (!(a = calloc(1, sizeof *a))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    a->date_source = c.date_source;
    smz_strbuf summary, lead;
    smz_strbuf_init(&summary, SUMMARY_MAX * 8);
    smz_strbuf_init(&lead, smz_strbuf_len(&c.summary) + 16);
    smz__art_add_collapsed(&lead, smz_strbuf_str(&c.summary), smz_strbuf_len(&c.summary));
    {
        /* An index shows the title above the summary, so when the title is
         * the first sentence the summary starts after it (if enough is left). */
        const char *ls = smz_strbuf_str(&lead), *ts = smz_strbuf_str(&c.title);
        size_t ln = smz_strbuf_len(&lead), tn = smz_strbuf_len(&c.title);
        if (tn >= 3 && !memcmp(ts + tn - 3, SMZ__ART_ELLIPSIS, 3))
            tn -= 3;
        if (tn && ln > tn && !memcmp(ls, ts, tn)) {
            size_t k = smz__art_first_sentence(ls, ln);
            while (k < ln && (ls[k] == '.' || ls[k] == ' ' || !strncmp(ls + k, "\xE3\x80\x82", 3)))
                k += ls[k] == '.' || ls[k] == ' ' ? 1 : 3;
            if (smz__utf8_count(ls + k, ln - k) >= SUMMARY_MAX / 2) {
                ls += k;
                ln -= k;
            }
        }
        smz__art_add_cut_words(&summary, ls, ln, SUMMARY_MAX);
    }
    smz_strbuf_free(&lead);
    smz_strbuf date;
    smz_strbuf_init(&date, 16);
    smz_strbuf_adds(&date, c.date);
    struct {
        smz_strbuf *b;
        char **dst;
        size_t *len;
    } fields[] = {{&c.title, &a->title, NULL},     {&date, &a->date, NULL},
                  {&fm.author, &a->author, NULL},  {&fm.description, &a->description, NULL},
                  {&fm.tags, &a->tags, NULL},      {&lang, &a->lang, NULL},
                  {&page, &a->html, &a->html_len}, {&tmp, &a->text, &a->text_len},
                  {&summary, &a->summary, NULL},   {&c.publisher, &a->publisher, NULL},
                  {&c.byline, &a->byline, NULL},   {&c.translator, &a->translator, NULL},
                  {&c.url, &a->source_url, NULL}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        smz_err frc = smz_strbuf_detach(fields[i].b, fields[i].dst, fields[i].len);
        if (frc && !rc)
            rc = frc;
    }
    smz_strbuf_free(&summary);
    smz_strbuf_free(&date);
    if (rc)
        goto out;
    *out = a;
    a = NULL;
out:
    smz__article_free(a);
    smz_strbuf_free(&src);
    smz_strbuf_free(&page);
    smz_strbuf_free(&lang);
    smz_strbuf_free(&label);
    smz_strbuf_free(&tmp);
    smz_strbuf_free(&c.body);
    smz_strbuf_free(&c.text);
    smz_strbuf_free(&c.summary);
    smz_strbuf_free(&c.title);
    smz_strbuf_free(&c.removed);
    for (size_t i = 0; i < sizeof fields_src / sizeof fields_src[0]; i++)
        smz_strbuf_free(fields_src[i]);
    smz__art_fm_free(&fm);
    return rc;
}
