/* What each line of a plain-text article is.  Text is read as lines
 * grouped in blank-line-separated blocks; each line is classified once
 * (paragraph text, photo caption, byline, known boilerplate), then passes
 * over the whole document decide what only context can tell: a repeated
 * line is a caption, the footer after the last real paragraph is
 * boilerplate, a short line alone between paragraphs is a subheading.  The
 * rules are general and conservative: a line is only dropped when it
 * matches a known pattern.  Nothing here writes HTML.
 *
 * Uses lib/text (ascii.h, utf8.h) and words.c. */
#include <stdlib.h>
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"

#define HEADLINE_MAX 150
#define SUBHEAD_MAX 100

int smz__art_shown(line_kind k)
{
    switch (k) {
    case L_PARA:
    case L_CAPTION:
    case L_BYLINE:
    case L_HEADING: return 1;
    case L_BOILER:
    case L_DUP:
    case L_TITLE:
    case L_DATE: return 0;
    }
    return 0;
}

static const char *const SOCIAL[] = {"facebook",     "twitter",   "youtube", "instagram", "telegram",
                                     "discord",      "gettr",     "gtv",     "tiktok",    "whatsapp",
                                     "linkedin",     "weibo",     "wechat",  "reddit",    "pinterest",
                                     "mastodon",     "rumble",    "parler",  "vk",        "vkontakte",
                                     "truth social", "threads",   "bluesky", "gab",       "odysee",
                                     "bitchute",     "flipboard", "rss",     "rss feed",  "signal",
                                     "line",         "snapchat",  "tumblr",  "medium",    "substack",
                                     "x (twitter)",  NULL};

/* Words that may stand between network names on a "share" line. */
static const char *const SOCIAL_GLUE[] = {"share", "on", "follow",   "us",           "at",    "via",
                                          "and",   "or", "email",    "print",        "tweet", "|",
                                          "/",     "-",  "\xC2\xB7", "\xE2\x80\xA2", NULL};

/* "Home | Facebook", "Our channel |YouTube", "Share: Facebook Twitter". */
static int social_line(const char *s, size_t n)
{
    if (smz__utf8_count(s, n) > 100 || smz__art_ends_with_stop(s, n, "."))
        return 0;
    if (memchr(s, '|', n)) {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || s[i] == '|') {
                const char *seg = s + start;
                size_t sn = i - start;
                smz__art_trim(&seg, &sn);
                if (smz__art_any_equal_ci(seg, sn, SOCIAL))
                    return 1;
                start = i + 1;
            }
        return 0;
    }
    int networks = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        while (i < n && ((k = smz__art_space_at(s + i, n - i)) != 0 || s[i] == ',' || s[i] == ':'))
            i += k ? k : 1;
        size_t j = i;
        while (j < n && !smz__art_space_at(s + j, n - j) && s[j] != ',' && s[j] != ':')
            j++;
        if (j == i)
            break;
        if (smz__art_any_equal_ci(s + i, j - i, SOCIAL))
            networks++;
        else if (!smz__art_any_equal_ci(s + i, j - i, SOCIAL_GLUE))
            return 0;
        i = j;
    }
    return networks > 0;
}

/* Known site furniture, matched on the whole line. */
static int boilerplate(const char *s, size_t n)
{
    static const char *const prefix[] = {"sign up to receive",
                                         "sign up for our",
                                         "sign up for the newsletter",
                                         "subscribe to ",
                                         "subscribe now",
                                         "subscribe for ",
                                         "enter your email",
                                         "enter your e-mail",
                                         "by submitting this form",
                                         "share this",
                                         "share on ",
                                         "share:",
                                         "follow us",
                                         "please follow us",
                                         "for more information, please follow us",
                                         "read more",
                                         "read also",
                                         "also read",
                                         "continue reading",
                                         "related:",
                                         "related articles",
                                         "related posts",
                                         "related stories",
                                         "leave a reply",
                                         "leave a comment",
                                         "click here to",
                                         "we use cookies",
                                         "this website uses cookies",
                                         "this site uses cookies",
                                         "accept cookies",
                                         "accept all cookies",
                                         "cookie policy",
                                         "cookie settings",
                                         "sponsored content",
                                         "copyright \xC2\xA9",
                                         "copyright (c)",
                                         "support us",
                                         "donate now",
                                         "print this",
                                         "email this",
                                         "posted in ",
                                         "filed under",
                                         "skip to content",
                                         "back to top",
                                         "you may also like",
                                         "recommended for you",
                                         "get our newsletter",
                                         "join our newsletter",
                                         "join our mailing list",
                                         "tags:",
                                         NULL};
    static const char *const whole[] = {"share",    "tweet",        "print",        "email",
                                        "comments", "reply",        "image source", "image",
                                        "photo",    "photo credit", "image credit", "advertisement",
                                        "donate",   "menu",         "loading...",   NULL};
    if (smz__art_any_equal_ci(s, n, whole))
        return 1;
    size_t cps = smz__utf8_count(s, n);
    if (cps <= 200 && smz__art_any_prefix_ci(s, n, prefix))
        return 1;
    if (cps <= 200 && smz__ascii_contains_ci(s, n, "all rights reserved"))
        return 1;
    if (n >= 3 && !memcmp(s, "\xC2\xA9", 2)) { /* "(c) 2022 Example Corp." */
        size_t i = 2;
        smz__art_skip_spaces(s, n, &i);
        if (i < n && smz_ascii_digit((unsigned char)s[i]))
            return 1;
    }
    /* "Support Example" or "Subscribe" alone: two words at most, no stop. */
    if (cps <= 40 && smz__art_word_count(s, n) <= 2 && !smz__art_ends_with_stop(s, n, ".!?") &&
        (smz__ascii_prefix_ci(s, n, "support ") || smz__ascii_prefix_ci(s, n, "donate ")))
        return 1;
    /* "12 Comments", "3 responses" */
    size_t i = 0;
    if (cps <= 30 && smz__art_read_num(s, n, &i, 6) >= 0 && i < n && s[i] == ' ' &&
        (smz__ascii_equal_ci(s + i + 1, n - i - 1, "comments") ||
         smz__ascii_equal_ci(s + i + 1, n - i - 1, "comment") ||
         smz__ascii_equal_ci(s + i + 1, n - i - 1, "responses") ||
         smz__ascii_equal_ci(s + i + 1, n - i - 1, "replies")))
        return 1;
    if (social_line(s, n))
        return 1;
    /* A donation appeal: a payment channel and a plea in one paragraph. */
    if (cps <= 800 &&
        (smz__ascii_contains_ci(s, n, "paypal") || smz__ascii_contains_ci(s, n, "patreon") ||
         smz__ascii_contains_ci(s, n, "bitcoin") || smz__ascii_contains_ci(s, n, "ko-fi") ||
         smz__ascii_contains_ci(s, n, "buy me a coffee")) &&
        (smz__ascii_contains_ci(s, n, "your contribution") ||
         smz__ascii_contains_ci(s, n, "support us") || smz__ascii_contains_ci(s, n, "help us") ||
         smz__ascii_contains_ci(s, n, "voluntary payment") || smz__ascii_contains_ci(s, n, "donat")))
        return 1;
    return 0;
}

/* Photo captions and credits. */
static int caption(const char *s, size_t n)
{
    static const char *const lead[] = {
        "photo:",         "photo by ",    "photo credit", "photograph:", "photograph by ",
        "image:",         "image credit", "image by ",    "picture:",    "credit:",
        "caption:",       "pictured:",    "above:",       "top image:",  "main image:",
        "featured image", "file photo",   "screenshot:",  NULL};
    static const char *const credit_tail[] = {"getty images", "shutterstock", "alamy",  "istockphoto",
                                              "istock",       "/afp",         "/ afp",  "/reuters",
                                              "/ reuters",    "/ap",          "/ ap",   "/epa",
                                              "via reuters",  "via getty",    "via ap", NULL};
    static const char *const paren[] = {"photo",   "image",      "picture",    "pic:",
                                        "credit",  "courtesy",   "file photo", "ap photo",
                                        "source:", "screenshot", "screengrab", NULL};
    size_t cps = smz__utf8_count(s, n);
    if (cps > 400)
        return 0;
    if (smz__art_contains(s, n, "\xC2\xA9"))
        return 1; /* a (c) credit; copyright notices were taken as boilerplate */
    if (smz__art_any_prefix_ci(s, n, lead))
        return 1;
    size_t m = n;
    while (m && (s[m - 1] == ')' || s[m - 1] == ']' || s[m - 1] == '.' || s[m - 1] == ' '))
        m--;
    for (size_t i = 0; credit_tail[i]; i++)
        if (smz__ascii_suffix_ci(s, m, credit_tail[i]))
            return 1;
    /* A last parenthesis that credits a photo: "... (Photo: Jane Doe)". */
    size_t e = n;
    while (e && (s[e - 1] == '.' || s[e - 1] == ' '))
        e--;
    if (e && s[e - 1] == ')') {
        size_t o = e - 1;
        while (o > 0 && s[o - 1] != '(')
            o--;
        if (o > 0 && smz__art_any_prefix_ci(s + o, e - 1 - o, paren))
            return 1;
    }
    return 0;
}

/* "Translated by: X", "Written by X", "By Jane Doe". */
static int byline(const char *s, size_t n)
{
    static const char *const lead[] = {"translated by",   "written by",   "edited by",    "proofread by",
                                       "proofreading by", "posted by",    "reported by",  "reporting by",
                                       "compiled by",     "produced by",  "text by",      "story by",
                                       "words by",        "written and ", "translation:", "translator:",
                                       "author:",         "editor:",      "by:",          NULL};
    static const char *const not_names[] = {
        "the",      "this",  "that",       "these",      "those",       "a",      "an",     "then",
        "now",      "far",   "contrast",   "comparison", "default",     "law",    "chance", "way",
        "all",      "and",   "mid",        "late",       "early",       "itself", "design", "submitting",
        "clicking", "using", "continuing", "signing",    "registering", NULL};
    size_t cps = smz__utf8_count(s, n);
    if (cps > 120)
        return 0;
    if (smz__art_any_prefix_ci(s, n, lead))
        return 1;
    if (!smz__ascii_prefix_ci(s, n, "by ") || cps > 60 || smz__art_ends_with_stop(s, n, ".!?,;:"))
        return 0;
    size_t words = smz__art_word_count(s, n);
    if (words < 2 || words > 8)
        return 0;
    const char *w = s + 3;
    size_t wn = 0;
    while (3 + wn < n && !smz__art_space_at(w + wn, n - 3 - wn))
        wn++;
    unsigned char c = (unsigned char)w[0];
    if (!((c >= 'A' && c <= 'Z') || c >= 0x80))
        return 0;
    while (wn && (w[wn - 1] == ',' || w[wn - 1] == ':'))
        wn--;
    return !smz__art_any_equal_ci(w, wn, not_names);
}

/* A numbered reader comment: "1. Great article ..." */
static int comment_like(const char *s, size_t n)
{
    size_t i = 0;
    return smz__art_read_num(s, n, &i, 4) >= 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') &&
           s[i + 1] == ' ';
}

smz_err smz__art_split_lines(const char *s, size_t n, text_doc *d)
{
    size_t cap = 0, block = 0;
    int blank_before = 1;
    d->s = s;
    for (size_t p = 0; p < n;) {
        const char *e = memchr(s + p, '\n', n - p);
        size_t len = e ? (size_t)(e - (s + p)) : n - p;
        const char *l = s + p;
        size_t ln = len;
        smz__art_trim(&l, &ln);
        p += len + 1;
        if (!ln) {
            blank_before = 1;
            continue;
        }
        if (blank_before && d->n)
            block++;
        blank_before = 0;
        if (d->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            tline *nl = realloc(d->lines, nc * sizeof *nl);
            if (!nl)
                return SMZ_E_NOMEM;
            d->lines = nl;
            cap = nc;
        }
        d->lines[d->n++] = (tline){.off = (uint32_t)(l - s),
                                   .len = (uint32_t)ln,
                                   .block = (uint32_t)block,
                                   .kind = L_PARA};
    }
    return SMZ_OK;
}

/* The run of paragraph lines that starts at I within its block. */
size_t smz__art_para_end(const text_doc *d, size_t i)
{
    size_t j = i + 1;
    while (j < d->n && d->lines[j].block == d->lines[i].block && d->lines[j].kind == L_PARA)
        j++;
    return j;
}

int smz__art_alone_in_block(const text_doc *d, size_t i)
{
    return (i == 0 || d->lines[i - 1].block != d->lines[i].block) &&
           (i + 1 == d->n || d->lines[i + 1].block != d->lines[i].block);
}

void smz__art_classify(text_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const char *s = LS(d, i);
        size_t n = LN(d, i);
        d->lines[i].kind = boilerplate(s, n) ? L_BOILER
                           : caption(s, n)   ? L_CAPTION
                           : byline(s, n)    ? L_BYLINE
                                             : L_PARA;
    }
    /* A line given twice in a row is a photo caption (the second copy is
     * what a page's alt text or lightbox left behind). */
    for (size_t i = 0; i + 1 < d->n; i++) {
        tline *a = &d->lines[i], *b = &d->lines[i + 1];
        if (!smz__art_same_text(LS(d, i), a->len, LS(d, i + 1), b->len, 0))
            continue;
        if (a->kind == L_DUP) { /* a third copy */
            b->kind = L_DUP;
            continue;
        }
        if (a->kind == L_PARA && smz__art_word_count(LS(d, i), a->len) >= 3)
            a->kind = L_CAPTION;
        if (a->kind == L_CAPTION || a->kind == L_BOILER || a->kind == L_BYLINE)
            b->kind = L_DUP;
    }
}

/* The footer: walking back from the end over boilerplate and the short or
 * numbered lines among it, everything from the first boilerplate line on
 * is dropped (so the reader comments between "Support us" and "Leave a
 * reply" go too, but no paragraph before the footer does). */
void smz__art_drop_footer(text_doc *d)
{
    size_t i = d->n;
    while (i > 0) {
        const tline *l = &d->lines[i - 1];
        const char *s = LS(d, i - 1);
        int weak = l->kind == L_BOILER || l->kind == L_DUP ||
                   (l->kind == L_PARA &&
                    (comment_like(s, l->len) ||
                     (smz__utf8_count(s, l->len) <= 100 && !smz__art_ends_sentence(s, l->len))));
        if (!weak)
            break;
        i--;
    }
    while (i < d->n && d->lines[i].kind != L_BOILER)
        i++;
    for (; i < d->n; i++)
        d->lines[i].kind = L_BOILER;
}

static int opens_quote(const char *s, size_t n)
{
    return n && (s[0] == '"' || s[0] == '\'' || smz__ascii_prefix_ci(s, n, "\xE2\x80\x9C") ||
                 smz__ascii_prefix_ci(s, n, "\xE2\x80\x98") || smz__ascii_prefix_ci(s, n, "\xC2\xAB"));
}

/* A first line that reads as a headline. */
int smz__art_headline(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    return smz__utf8_count(s, n) <= HEADLINE_MAX && !smz__art_ends_with_stop(s, n, ".,;:") &&
           !(c >= 'a' && c <= 'z') && !strchr("-*+#>=|", c) &&
           !smz__ascii_prefix_ci(s, n, "\xE2\x80\xA2") && !comment_like(s, n);
}

/* A short line alone between two paragraphs: a subheading. */
void smz__art_find_headings(text_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        const char *s = LS(d, i);
        unsigned char c = (unsigned char)s[0];
        if (l->kind != L_PARA || !smz__art_alone_in_block(d, i) ||
            smz__utf8_count(s, l->len) > SUBHEAD_MAX || smz__art_word_count(s, l->len) > 15 ||
            smz__art_ends_with_stop(s, l->len, ".,;:!") || (c >= 'a' && c <= 'z') ||
            opens_quote(s, l->len) || strchr("-*+#>=|", c) || comment_like(s, l->len))
            continue;
        size_t p = i, q = i + 1;
        while (p > 0 && !smz__art_shown(d->lines[p - 1].kind))
            p--;
        while (q < d->n && !smz__art_shown(d->lines[q].kind))
            q++;
        if (p == 0 || q == d->n || d->lines[p - 1].kind != L_PARA || d->lines[q].kind != L_PARA)
            continue;
        /* The next paragraph must be real prose, not another short line. */
        size_t e = smz__art_para_end(d, q), bytes = 0;
        for (size_t k = q; k < e; k++)
            bytes += d->lines[k].len;
        if (bytes >= 100 && smz__art_ends_sentence(LS(d, e - 1), LN(d, e - 1)))
            l->kind = L_HEADING;
    }
}
