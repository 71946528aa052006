/* The body of a Markdown article, parsed and rendered by cmark in its
 * default safe mode (raw HTML becomes a comment; javascript:, vbscript:,
 * file: and data: links are emptied).  Images on other hosts become plain
 * links, so an archive page never fetches anything from outside; a leading
 * heading becomes the title; the search text and the summary's text come
 * from the parsed document.
 *
 * Uses cmark, lib/text (ascii.h), smz_strbuf, words.c and title.c. */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"

/* Container markers opened at the start of each line ("> > - 1. "); cmark
 * builds a node for each, so a hostile file of '>' would cost gigabytes. */
static int md_too_deep(const char *s, size_t n)
{
    for (size_t p = 0; p < n;) {
        int depth = 0;
        for (;;) {
            while (p < n && (s[p] == ' ' || s[p] == '\t'))
                p++;
            if (p < n && s[p] == '>') {
                p++;
            } else if (p + 1 < n && strchr("-+*", s[p]) && (s[p + 1] == ' ' || s[p + 1] == '\t')) {
                p += 2;
            } else {
                size_t q = p;
                while (q < n && q - p < 10 && smz_ascii_digit((unsigned char)s[q]))
                    q++;
                if (q == p || q + 1 >= n || (s[q] != '.' && s[q] != ')') ||
                    (s[q + 1] != ' ' && s[q + 1] != '\t'))
                    break;
                p = q + 2;
            }
            if (++depth > SMZ_ARTICLE_MAX_NESTING)
                return 1;
        }
        const char *e = memchr(s + p, '\n', n - p);
        p = e ? (size_t)(e - s) + 1 : n;
    }
    return 0;
}

/* Appends the plain text of NODE's inline content. */
static void md_inline_text(smz_strbuf *b, cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        /* if, not switch: cmark's node enum has many values to ignore */
        cmark_node_type t = cmark_node_get_type(cur);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
            const char *lit = cmark_node_get_literal(cur);
            if (lit)
                smz_strbuf_adds(b, lit);
        } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
            smz_strbuf_add(b, " ", 1);
        }
    }
    cmark_iter_free(it);
}

/* 1 when URL leaves the archive: it has a scheme, or starts with two
 * slashes (browsers read '\' as '/'), so a page would fetch it. */
static int remote_url(const char *url)
{
    if (!url)
        return 0;
    while (*url == ' ' || *url == '\t')
        url++;
    if ((url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\'))
        return 1;
    if (!smz_ascii_alpha((unsigned char)url[0]))
        return 0;
    size_t i = 1;
    while (smz_ascii_alpha((unsigned char)url[i]) || smz_ascii_digit((unsigned char)url[i]) ||
           strchr("+.-", url[i]))
        i++;
    return url[i] == ':' && strncmp(url, "data:", 5) != 0;
}

/* Images on other hosts become links to them: an offline page must not
 * fetch anything (and tell a stranger's server who is reading). */
static smz_err md_unlink_remote_images(cmark_node *doc)
{
    cmark_node **imgs = NULL;
    size_t n = 0, cap = 0;
    smz_err rc = SMZ_OK;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_IMAGE ||
            !remote_url(cmark_node_get_url(cur)))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            cmark_node **ni = realloc(imgs, nc * sizeof *ni);
            if (!ni) {
                rc = SMZ_E_NOMEM;
                break;
            }
            imgs = ni;
            cap = nc;
        }
        imgs[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n && !rc; i++) {
        cmark_node *img = imgs[i], *link = cmark_node_new(CMARK_NODE_LINK);
        cmark_node_set_url(link, cmark_node_get_url(img));
        cmark_node_set_title(link, cmark_node_get_title(img));
        cmark_node *label = cmark_node_new(CMARK_NODE_TEXT);
        cmark_node_set_literal(label, "[image] ");
        cmark_node_append_child(link, label);
        cmark_node *child;
        while ((child = cmark_node_first_child(img)) != NULL) {
            cmark_node_unlink(child);
            cmark_node_append_child(link, child);
        }
        cmark_node_insert_before(img, link);
        cmark_node_free(img); /* unlinks it */
    }
    free(imgs);
    return rc;
}

/* Takes the first sentence, which became the title T, out of the
 * paragraph P when its first text node holds all of it: the page must not
 * print it twice.  Returns 1 when it did. */
static int md_drop_sentence(cmark_node *p, const char *t, size_t tn)
{
    cmark_node *text = cmark_node_first_child(p);
    if (!text || cmark_node_get_type(text) != CMARK_NODE_TEXT)
        return 0;
    const char *lit = cmark_node_get_literal(text);
    size_t ln = lit ? strlen(lit) : 0;
    size_t k = smz__art_first_sentence(lit, ln);
    if (!lit || !smz__art_same_text(lit, k, t, tn, 0))
        return 0;
    while (k < ln && (lit[k] == '.' || lit[k] == ' ' || !strncmp(lit + k, "\xE3\x80\x82", 3)))
        k += lit[k] == '.' || lit[k] == ' ' ? 1 : 3;
    if (k == ln && cmark_node_next(text)) {
        /* The sentence continues in markup ("... said **no**."): keep it. */
        return 0;
    }
    if (k == ln) {
        cmark_node_free(p);
        return 1;
    }
    /* Copy first: the literal belongs to the node being changed. */
    char *rest = strdup(lit + k);
    if (!rest)
        return 0;
    int ok = cmark_node_set_literal(text, rest);
    free(rest);
    return ok;
}

/* The search text: block contents separated by '\n', raw HTML left out. */
static void md_text(smz_strbuf *b, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(cur);
        if (ev == CMARK_EVENT_EXIT) {
            if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)
                smz_strbuf_add(b, "\n", 1);
            continue;
        }
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK) {
            const char *lit = cmark_node_get_literal(cur);
            if (lit)
                smz_strbuf_adds(b, lit);
            if (t == CMARK_NODE_CODE_BLOCK && lit && *lit && lit[strlen(lit) - 1] != '\n')
                smz_strbuf_add(b, "\n", 1);
        } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
            smz_strbuf_add(b, " ", 1);
        }
    }
    cmark_iter_free(it);
}

void smz__article_init(void)
{
    (void)cmark_get_default_mem_allocator();
}

smz_err smz__art_render_markdown(render_ctx *c, const char *s, size_t n, int have_title)
{
    /* Safe is cmark's default: no raw HTML, no javascript: links.  Never
     * pass CMARK_OPT_UNSAFE here. */
    const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    smz_err rc = SMZ_OK;
    char *html = NULL;
    cmark_node *doc = NULL;
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    if (md_too_deep(s, n)) {
        rc = SMZ_E_TOOBIG;
        goto out;
    }
    if (!(doc = cmark_parse_document(s, n, opts))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    cmark_node *first = cmark_node_first_child(doc);
    if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING) {
        md_inline_text(&tmp, first);
        if ((rc = smz_strbuf_err(&tmp)) != SMZ_OK)
            goto out;
        if (!have_title) {
            rc = smz__art_add_collapsed(&c->title, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp));
            cmark_node_free(first);
        } else if (smz__art_same_text(smz_strbuf_str(&tmp), smz_strbuf_len(&tmp),
                                      smz_strbuf_str(&c->title), smz_strbuf_len(&c->title), 1)) {
            cmark_node_free(first);
        }
        if (rc)
            goto out;
    }
    /* The first paragraph gives the summary, and the title when needed. */
    smz_strbuf_reset(&tmp);
    for (cmark_node *p = cmark_node_first_child(doc); p; p = cmark_node_next(p))
        if (cmark_node_get_type(p) == CMARK_NODE_PARAGRAPH) {
            md_inline_text(&tmp, p);
            smz_strbuf_add(&tmp, " ", 1);
            if (smz_strbuf_len(&tmp) > SUMMARY_BYTES)
                break;
        }
    if ((rc = smz_strbuf_err(&tmp)) != SMZ_OK)
        goto out;
    if (!have_title && smz_strbuf_len(&c->title) == 0) {
        cmark_node *p = cmark_node_first_child(doc);
        while (p && cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
            p = cmark_node_next(p);
        if (p) {
            smz_strbuf para;
            smz_strbuf_init(&para, n + 1);
            md_inline_text(&para, p);
            int whole = 0;
            rc = smz__art_title_from_paragraph(&c->title, &para, &whole);
            if (rc)
                goto out;
            c->title_from = T_DERIVED;
            if (whole && md_drop_sentence(p, smz_strbuf_str(&c->title), smz_strbuf_len(&c->title)))
                c->title_from = T_SENTENCE;
        }
    }
    if ((rc = smz_strbuf_add(&c->summary, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp))) != SMZ_OK)
        goto out;
    if ((rc = md_unlink_remote_images(doc)) != SMZ_OK)
        goto out;
    md_text(&c->text, doc);
    if ((rc = smz_strbuf_err(&c->text)) != SMZ_OK)
        goto out;
    if (!(html = cmark_render_html(doc, opts))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    rc = smz_strbuf_adds(&c->body, html);
out:
    if (html)
        cmark_get_default_mem_allocator()->free(html);
    if (doc)
        cmark_node_free(doc);
    smz_strbuf_free(&tmp);
    return rc;
}
