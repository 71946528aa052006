/* What the packer learns from a file's bytes (see analyze.h): the title and
 * visible text of HTML pages, through libxml2's HTML parser (never regular
 * expressions over markup), leaving out scripts, styles and repeated
 * navigation so the search index holds what a reader sees. */
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "analyze.h"

/* Caps: a title is cut at 1 KiB, searchable text at 4 MiB per page. */
#define MAX_TITLE 1024
#define MAX_TEXT (4u << 20)

typedef struct buf {
    char *p;
    size_t len, cap, max;
    int space; /* a space is owed before the next word */
} buf;

static int buf_put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 2 > b->max)
        n = b->len + 2 < b->max ? b->max - b->len - 2 : 0;
    if (b->len + n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 2)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

/* Appends text with runs of white space folded into one space. */
static int buf_text(buf *b, const char *s)
{
    while (*s) {
        size_t ws = strspn(s, " \t\r\n\f\v");
        if (ws) {
            b->space = b->len > 0;
            s += ws;
            continue;
        }
        size_t word = strcspn(s, " \t\r\n\f\v");
        if (b->space && buf_put(b, " ", 1) != 0)
            return -1;
        b->space = 0;
        if (buf_put(b, s, word) != 0)
            return -1;
        s += word;
    }
    return 0;
}

static int has_class(xmlNode *n, const char *const *classes)
{
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
    xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
    int hit = role && !xmlStrcasecmp(role, (const xmlChar *)"navigation");
    for (const char *s = (const char *)c; s && *s && !hit;) {
        size_t ws = strspn(s, " \t\r\n");
        s += ws;
        size_t len = strcspn(s, " \t\r\n");
        for (size_t i = 0; classes[i] && len; i++)
            if (strlen(classes[i]) == len && !strncasecmp(s, classes[i], len))
                hit = 1;
        s += len;
    }
    xmlFree(c);
    xmlFree(role);
    return hit;
}

static int skipped(xmlNode *n)
{
    static const char *const tags[] = {"script", "style", "noscript", "template", "svg", "head",
                                       "nav", "header", "footer", "iframe", "object", NULL};
    /* Navigation repeated on every page of common generators: DocBook
     * (PostgreSQL), Sphinx (Python), and generic names. */
    static const char *const classes[] = {"navheader", "navfooter", "related", "sphinxsidebar",
                                          "footer", "breadcrumb", "breadcrumbs", "navbar",
                                          "sidebar", "toc-nav", NULL};
    for (size_t i = 0; tags[i]; i++)
        if (!xmlStrcasecmp(n->name, (const xmlChar *)tags[i]))
            return 1;
    return has_class(n, classes);
}

static int is_block(xmlNode *n)
{
    static const char *const blocks[] = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3",
                                         "h4", "h5", "h6", "pre", "section", "article", "table",
                                         "dd", "dt", "blockquote", "ul", "ol", NULL};
    for (size_t i = 0; blocks[i]; i++)
        if (!xmlStrcasecmp(n->name, (const xmlChar *)blocks[i]))
            return 1;
    return 0;
}

static int walk_text(xmlNode *n, buf *b, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content && buf_text(b, (const char *)n->content) != 0)
                return -1;
        } else if (n->type == XML_ELEMENT_NODE && !skipped(n) && depth < 256) {
            if (is_block(n))
                b->space = b->len > 0;
            if (walk_text(n->children, b, depth + 1) != 0)
                return -1;
            if (is_block(n))
                b->space = b->len > 0;
        }
    }
    return 0;
}

static xmlNode *find(xmlNode *n, const char *name, int depth)
{
    for (; n && depth < 256; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, (const xmlChar *)name))
            return n;
        xmlNode *c = find(n->children, name, depth + 1);
        if (c)
            return c;
    }
    return NULL;
}

static char *node_text(xmlNode *n)
{
    buf b = {.max = MAX_TITLE};
    if (walk_text(n->children, &b, 0) != 0) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static smz_err analyze_html(const unsigned char *data, size_t len, int want_text, smz_analysis *out)
{
    if (len > INT32_MAX)
        return SMZ_OK;
    htmlDocPtr doc = htmlReadMemory((const char *)data, (int)len, NULL, NULL,
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                        HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
    if (!doc)
        return SMZ_OK; /* not parseable: stored as it is, without a title */
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *t = root ? find(root, "title", 0) : NULL;
    if (!t || !(out->title = node_text(t)) || !out->title[0]) {
        free(out->title);
        out->title = NULL;
        xmlNode *h1 = root ? find(root, "h1", 0) : NULL;
        if (h1)
            out->title = node_text(h1);
    }
    if (want_text && root) {
        xmlNode *body = find(root, "body", 0);
        buf b = {.max = MAX_TEXT};
        if (walk_text(body ? body : root, &b, 0) != 0) {
            free(b.p);
            xmlFreeDoc(doc);
            return SMZ_E_NOMEM;
        }
        out->text = b.p;
        out->text_len = b.len;
    }
    xmlFreeDoc(doc);
    return SMZ_OK;
}

smz_err smz_analyze(const char *path, const char *mime, const unsigned char *data, size_t len,
                    int want_text, int article, const char *lang, int64_t mtime, smz_analysis *out)
{
    (void)path;
    (void)lang;
    (void)mtime;
    (void)article;
    *out = (smz_analysis){0};
    if (!strcmp(mime, "text/html") || !strcmp(mime, "application/xhtml+xml"))
        return analyze_html(data, len, want_text, out);
    if (want_text && (!strcmp(mime, "text/plain") || !strcmp(mime, "text/markdown"))) {
        size_t n = len > MAX_TEXT ? MAX_TEXT : len;
        if (!(out->text = malloc(n + 1)))
            return SMZ_E_NOMEM;
        memcpy(out->text, data, n);
        out->text[n] = 0;
        out->text_len = n;
    }
    return SMZ_OK;
}

void smz_analysis_free(smz_analysis *a)
{
    free(a->title);
    free(a->text);
    free(a->page);
    free(a->date);
    *a = (smz_analysis){0};
}
