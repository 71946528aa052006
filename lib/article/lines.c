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
    case L_DATE:
    case L_SOURCE:
    case L_KICKER: return 0;
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
/* The same in Chinese: 微博 微信 推特 脸书 油管 电报 抖音 */
static const char *const SOCIAL_ZH[] = {"\xE5\xBE\xAE\xE5\x8D\x9A", "\xE5\xBE\xAE\xE4\xBF\xA1",
                                        "\xE6\x8E\xA8\xE7\x89\xB9", "\xE8\x84\xB8\xE4\xB9\xA6",
                                        "\xE6\xB2\xB9\xE7\xAE\xA1", "\xE7\x94\xB5\xE6\x8A\xA5",
                                        "\xE6\x8A\x96\xE9\x9F\xB3", NULL};

/* Words that may stand between network names on a "share" line. */
static const char *const SOCIAL_GLUE[] = {"share", "on", "follow",   "us",           "at",    "via",
                                          "and",   "or", "email",    "print",        "tweet", "|",
                                          "/",     "-",  "\xC2\xB7", "\xE2\x80\xA2", NULL};
/* The same in Chinese: ｜ 关注 分享 */
static const char *const SOCIAL_GLUE_ZH[] = {"\xEF\xBD\x9C", "\xE5\x85\xB3\xE6\xB3\xA8",
                                             "\xE5\x88\x86\xE4\xBA\xAB", NULL};

static int network(const char *s, size_t n)
{
    return smz__art_any_equal_ci(s, n, SOCIAL) || smz__art_any_equal_ci(s, n, SOCIAL_ZH);
}

static int network_glue(const char *s, size_t n)
{
    return smz__art_any_equal_ci(s, n, SOCIAL_GLUE) || smz__art_any_equal_ci(s, n, SOCIAL_GLUE_ZH);
}

/* 1 when S[I] starts a '|' or a full-width '｜': the separators of a
 * "Site | Network" line; *W is its length. */
static int bar_at(const char *s, size_t n, size_t i, size_t *w)
{
    if (s[i] == '|')
        return (*w = 1);
    if (i + 3 <= n && !memcmp(s + i, "\xEF\xBD\x9C", 3))
        return (*w = 3) != 0;
    return 0;
}

/* "Home | Facebook", "Our channel |YouTube", "Share: Facebook Twitter". */
static int social_line(const char *s, size_t n)
{
    if (smz__utf8_count(s, n) > 100 || smz__art_ends_with_stop(s, n, "."))
        return 0;
    if (memchr(s, '|', n) || smz__art_contains(s, n, "\xEF\xBD\x9C")) {
        size_t start = 0, w = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || bar_at(s, n, i, &w)) {
                const char *seg = s + start;
                size_t sn = i - start;
                smz__art_trim(&seg, &sn);
                if (network(seg, sn))
                    return 1;
                start = i + w;
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
        if (network(s + i, j - i))
            networks++;
        else if (!network_glue(s + i, j - i))
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
    /* Chinese: 订阅 欢迎订阅 图片来源 责任编辑 转载请 未经授权 版权所有 版权声明 免责声明 关注我们 扫码 扫描二维码 长按 点击 分享到 相关新闻 相关文章 相关阅读 延伸阅读 推荐阅读 返回顶部 返回首页 上一篇 下一篇 支持我们 捐款 发表评论 本网站使用 */
    static const char *const prefix_zh[] = {
        "\xE8\xAE\xA2\xE9\x98\x85",
        "\xE6\xAC\xA2\xE8\xBF\x8E\xE8\xAE\xA2\xE9\x98\x85",
        "\xE5\x9B\xBE\xE7\x89\x87\xE6\x9D\xA5\xE6\xBA\x90",
        "\xE8\xB4\xA3\xE4\xBB\xBB\xE7\xBC\x96\xE8\xBE\x91",
        "\xE8\xBD\xAC\xE8\xBD\xBD\xE8\xAF\xB7",
        "\xE6\x9C\xAA\xE7\xBB\x8F\xE6\x8E\x88\xE6\x9D\x83",
        "\xE7\x89\x88\xE6\x9D\x83\xE6\x89\x80\xE6\x9C\x89",
        "\xE7\x89\x88\xE6\x9D\x83\xE5\xA3\xB0\xE6\x98\x8E",
        "\xE5\x85\x8D\xE8\xB4\xA3\xE5\xA3\xB0\xE6\x98\x8E",
        "\xE5\x85\xB3\xE6\xB3\xA8\xE6\x88\x91\xE4\xBB\xAC",
        "\xE6\x89\xAB\xE7\xA0\x81",
        "\xE6\x89\xAB\xE6\x8F\x8F\xE4\xBA\x8C\xE7\xBB\xB4\xE7\xA0\x81",
        "\xE9\x95\xBF\xE6\x8C\x89",
        "\xE7\x82\xB9\xE5\x87\xBB",
        "\xE5\x88\x86\xE4\xBA\xAB\xE5\x88\xB0",
        "\xE7\x9B\xB8\xE5\x85\xB3\xE6\x96\xB0\xE9\x97\xBB",
        "\xE7\x9B\xB8\xE5\x85\xB3\xE6\x96\x87\xE7\xAB\xA0",
        "\xE7\x9B\xB8\xE5\x85\xB3\xE9\x98\x85\xE8\xAF\xBB",
        "\xE5\xBB\xB6\xE4\xBC\xB8\xE9\x98\x85\xE8\xAF\xBB",
        "\xE6\x8E\xA8\xE8\x8D\x90\xE9\x98\x85\xE8\xAF\xBB",
        "\xE8\xBF\x94\xE5\x9B\x9E\xE9\xA1\xB6\xE9\x83\xA8",
        "\xE8\xBF\x94\xE5\x9B\x9E\xE9\xA6\x96\xE9\xA1\xB5",
        "\xE4\xB8\x8A\xE4\xB8\x80\xE7\xAF\x87",
        "\xE4\xB8\x8B\xE4\xB8\x80\xE7\xAF\x87",
        "\xE6\x94\xAF\xE6\x8C\x81\xE6\x88\x91\xE4\xBB\xAC",
        "\xE6\x8D\x90\xE6\xAC\xBE",
        "\xE5\x8F\x91\xE8\xA1\xA8\xE8\xAF\x84\xE8\xAE\xBA",
        "\xE6\x9C\xAC\xE7\xBD\x91\xE7\xAB\x99\xE4\xBD\xBF\xE7\x94\xA8",
        NULL};
    static const char *const whole[] = {"share",    "tweet",        "print",        "email",
                                        "comments", "reply",        "image source", "image",
                                        "photo",    "photo credit", "image credit", "advertisement",
                                        "donate",   "menu",         "loading...",   NULL};
    /* Chinese: 分享 打印 评论 广告 菜单 */
    static const char *const whole_zh[] = {"\xE5\x88\x86\xE4\xBA\xAB", "\xE6\x89\x93\xE5\x8D\xB0",
                                           "\xE8\xAF\x84\xE8\xAE\xBA", "\xE5\xB9\xBF\xE5\x91\x8A",
                                           "\xE8\x8F\x9C\xE5\x8D\x95", NULL};
    if (smz__art_any_equal_ci(s, n, whole) || smz__art_any_equal_ci(s, n, whole_zh))
        return 1;
    size_t cps = smz__utf8_count(s, n);
    if (cps <= 200 && (smz__art_any_prefix_ci(s, n, prefix) || smz__art_any_prefix_ci(s, n, prefix_zh)))
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
    /* Chinese: 作者 译者 翻译： 编译： 撰文： 文／ 文： 记者： */
    static const char *const lead_zh[] = {"\xE4\xBD\x9C\xE8\x80\x85",
                                          "\xE8\xAF\x91\xE8\x80\x85",
                                          "\xE7\xBF\xBB\xE8\xAF\x91\xEF\xBC\x9A",
                                          "\xE7\xBC\x96\xE8\xAF\x91\xEF\xBC\x9A",
                                          "\xE6\x92\xB0\xE6\x96\x87\xEF\xBC\x9A",
                                          "\xE6\x96\x87\xEF\xBC\x8F",
                                          "\xE6\x96\x87\xEF\xBC\x9A",
                                          "\xE8\xAE\xB0\xE8\x80\x85\xEF\xBC\x9A",
                                          NULL};
    static const char *const not_names[] = {
        "the",      "this",  "that",       "these",      "those",       "a",      "an",     "then",
        "now",      "far",   "contrast",   "comparison", "default",     "law",    "chance", "way",
        "all",      "and",   "mid",        "late",       "early",       "itself", "design", "submitting",
        "clicking", "using", "continuing", "signing",    "registering", NULL};
    size_t cps = smz__utf8_count(s, n);
    if (cps > 120)
        return 0;
    if (smz__art_any_prefix_ci(s, n, lead) || smz__art_any_prefix_ci(s, n, lead_zh))
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
    int prose_before = 0;
    for (size_t i = 0; i + 1 < d->n; i++) {
        tline *a = &d->lines[i], *b = &d->lines[i + 1];
        if (!smz__art_same_text(LS(d, i), a->len, LS(d, i + 1), b->len, 0)) {
            prose_before |= a->kind == L_PARA;
            continue;
        }
        if (a->kind == L_DUP) { /* a third copy */
            b->kind = L_DUP;
            continue;
        }
        /* The headline printed twice at the top is a headline, not a
         * caption: its copy goes. */
        if (a->kind == L_PARA && !prose_before && a->block != b->block &&
            smz__art_headline(LS(d, i), a->len)) {
            b->kind = L_DUP;
            prose_before = 1;
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
        int weak = l->kind == L_BOILER || l->kind == L_DUP || l->kind == L_SOURCE ||
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

/* ---- what a line tells of the source */

/* The value after a field's label: past spaces, ':' and '：', with a final
 * '.' or '。' left out. */
static void field_value(const char *s, size_t n, size_t from, size_t *off, size_t *len)
{
    size_t i = from;
    for (;;) {
        smz__art_skip_spaces(s, n, &i);
        if (i < n && (s[i] == ':' || s[i] == '-'))
            i++;
        else if (i + 3 <= n && (!memcmp(s + i, "\xEF\xBC\x9A", 3) || !memcmp(s + i, "\xEF\xBC\x8F", 3)))
            i += 3;
        else
            break;
    }
    size_t e = n;
    if (e > i && s[e - 1] == '.' && !smz__art_http_url(s + i, e - i))
        e--;
    else if (e >= i + 3 && !memcmp(s + e - 3, "\xE3\x80\x82", 3))
        e -= 3;
    const char *v = s + i;
    size_t vn = e - i;
    smz__art_trim(&v, &vn);
    *off = (size_t)(v - s);
    *len = vn;
}

src_field smz__art_source_field(const char *s, size_t n, line_kind kind, size_t *off, size_t *len)
{
    static const char *const BYLINE[] = {"written by",
                                         "words by",
                                         "story by",
                                         "text by",
                                         "reported by",
                                         "reporting by",
                                         "authors:",
                                         "author:",
                                         "by:",
                                         "by ",
                                         "\xE4\xBD\x9C\xE8\x80\x85",             /* 作者 */
                                         "\xE6\x92\xB0\xE6\x96\x87",             /* 撰文 */
                                         "\xE8\xAE\xB0\xE8\x80\x85\xEF\xBC\x9A", /* 记者： */
                                         "\xE6\x96\x87\xEF\xBC\x9A",             /* 文： */
                                         "\xE6\x96\x87\xEF\xBC\x8F",             /* 文／ */
                                         NULL};
    static const char *const TRANSLATOR[] = {"translated by",
                                             "translation by",
                                             "english translation by",
                                             "english version by",
                                             "translation:",
                                             "translator:",
                                             "translators:",
                                             "\xE7\xBF\xBB\xE8\xAF\x91", /* 翻译 */
                                             "\xE8\xAF\x91\xE8\x80\x85", /* 译者 */
                                             "\xE7\xBC\x96\xE8\xAF\x91", /* 编译 */
                                             NULL};
    static const char *const PUBLISHER[] = {
        "source:",
        "originally published by",
        "originally published in",
        "originally published on",
        "originally published at",
        "first published by",
        "first published in",
        "first published on",
        "this article first appeared in",
        "this article first appeared on",
        "first appeared in",
        "first appeared on",
        "republished from",
        "reprinted from",
        "reprinted with permission from",
        "\xE6\x9C\xAC\xE6\x96\x87\xE6\x9D\xA5\xE6\xBA\x90",             /* 本文来源 */
        "\xE6\x9D\xA5\xE6\xBA\x90",                                     /* 来源 */
        "\xE5\x87\xBA\xE5\xA4\x84",                                     /* 出处 */
        "\xE6\x9C\xAC\xE6\x96\x87\xE8\xBD\xAC\xE8\xBD\xBD\xE8\x87\xAA", /* 本文转载自 */
        "\xE8\xBD\xAC\xE8\xBD\xBD\xE8\x87\xAA",                         /* 转载自 */
        "\xE5\x8E\x9F\xE8\xBD\xBD",                                     /* 原载 */
        NULL};
    static const char *const URL[] = {"original url",
                                      "original link",
                                      "original article:",
                                      "original:",
                                      "source url",
                                      "url:",
                                      "link:",
                                      "read the original",
                                      "read the original at",
                                      "\xE5\x8E\x9F\xE6\x96\x87\xE9\x93\xBE\xE6\x8E\xA5", /* 原文链接 */
                                      "\xE5\x8E\x9F\xE6\x96\x87\xE5\x9C\xB0\xE5\x9D\x80", /* 原文地址 */
                                      "\xE5\x8E\x9F\xE6\x96\x87\xE7\xBD\x91\xE5\x9D\x80", /* 原文网址 */
                                      "\xE5\x8E\x9F\xE6\x96\x87",                         /* 原文 */
                                      "\xE9\x93\xBE\xE6\x8E\xA5",                         /* 链接 */
                                      NULL};
    static const struct {
        const char *const *list;
        src_field f;
    } tables[] = {{TRANSLATOR, SRC_TRANSLATOR},
                  {BYLINE, SRC_BYLINE},
                  {PUBLISHER, SRC_PUBLISHER},
                  {URL, SRC_URL}};
    if (n < 5 || smz__utf8_count(s, n) > 150) /* "by X" is the shortest */
        return SRC_NONE;
    size_t u = smz__art_http_url(s, n);
    if (u && (u == n || (u + 1 == n && s[u] == '.'))) { /* a URL alone, perhaps with a '.' */
        *off = 0;
        *len = u;
        return SRC_URL;
    }
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t k = 0; tables[t].list[k]; k++) {
            const char *lead = tables[t].list[k];
            size_t kl = strlen(lead);
            if (!smz__ascii_prefix_ci(s, n, lead))
                continue;
            /* "by Jane Doe" only when lines.c read it as a byline; a word
             * label ("source", "author") must end there. */
            if (tables[t].f == SRC_BYLINE && kind != L_BYLINE)
                return SRC_NONE;
            if (kl < n && (unsigned char)lead[kl - 1] < 0x80 &&
                smz_ascii_alpha((unsigned char)lead[kl - 1]) && smz_ascii_alpha((unsigned char)s[kl]))
                continue;
            /* A Chinese label needs its colon or slash ("翻译：", "文／"),
             * except "转载自" and "原载", which read on into the name. */
            if ((unsigned char)lead[kl - 1] >= 0x80 && memcmp(lead + kl - 3, "\xE8\x87\xAA", 3) &&
                memcmp(lead + kl - 3, "\xE8\xBD\xBD", 3) && kl < n && s[kl] != ':' && s[kl] != ' ' &&
                s[kl] != '/' && !smz__ascii_prefix_ci(s + kl, n - kl, "\xEF\xBC\x9A") &&
                !smz__ascii_prefix_ci(s + kl, n - kl, "\xEF\xBC\x8F"))
                continue;
            field_value(s, n, kl, off, len);
            if (!*len || *len > 200)
                return SRC_NONE;
            u = smz__art_http_url(s + *off, *len);
            if (u == *len)
                return SRC_URL;
            if (tables[t].f == SRC_URL)
                return SRC_NONE; /* "原文" or "Link:" without a URL */
            /* A name, not a sentence: no sentence end inside it. */
            if (tables[t].f != SRC_BYLINE && smz__art_word_count(s + *off, *len) > 12)
                return SRC_NONE;
            return tables[t].f;
        }
    return SRC_NONE;
}

/* A name made of 1..MAXW words (or up to 20 CJK characters), starting with
 * a capital letter, a digit or a non-ASCII letter, without a sentence end. */
static int looks_like_name(const char *s, size_t n, size_t maxw)
{
    if (!n || smz__utf8_count(s, n) > 60 || smz__art_word_count(s, n) > maxw ||
        smz__art_ends_with_stop(s, n, ".!?"))
        return 0;
    unsigned char c = (unsigned char)s[0];
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int smz__art_site_name(const char *s, size_t n, size_t *off, size_t *len)
{
    static const char *const join[] = {"free to join ", "join ", "follow ", "follow us on ", NULL};
    if (memchr(s, '|', n) || smz__art_contains(s, n, "\xEF\xBD\x9C")) {
        size_t start = 0, w = 0;
        int social = 0;
        const char *name = NULL;
        size_t name_n = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || bar_at(s, n, i, &w)) {
                const char *seg = s + start;
                size_t sn = i - start;
                smz__art_trim(&seg, &sn);
                if (network(seg, sn))
                    social = 1;
                else if (!name && sn)
                    name = seg, name_n = sn;
                start = i + w;
            }
        if (!social || !name)
            return 0;
        for (size_t k = 0; join[k]; k++)
            if (smz__ascii_prefix_ci(name, name_n, join[k]) && name_n > strlen(join[k])) {
                name += strlen(join[k]);
                name_n -= strlen(join[k]);
                break;
            }
        if (!looks_like_name(name, name_n, 6))
            return 0;
        *off = (size_t)(name - s);
        *len = name_n;
        return 1;
    }
    /* "Subscribe to GreatGameIndia", "Support Example News". */
    static const char *const lead[] = {"subscribe to ", "support ", "donate to ", NULL};
    for (size_t k = 0; lead[k]; k++)
        if (smz__ascii_prefix_ci(s, n, lead[k])) {
            size_t kl = strlen(lead[k]);
            if (looks_like_name(s + kl, n - kl, 4) && smz__utf8_count(s, n) <= 40 &&
                !smz__ascii_prefix_ci(s + kl, n - kl, "our ") &&
                !smz__ascii_prefix_ci(s + kl, n - kl, "us")) {
                *off = kl;
                *len = n - kl;
                return 1;
            }
        }
    /* "© 2022 Example Media. All rights reserved.", "版权所有 © 劳工通讯" */
    size_t i = 0;
    if (smz__ascii_prefix_ci(s, n, "copyright"))
        i = 9;
    else if (smz__ascii_prefix_ci(s, n,
                                  "\xE7\x89\x88\xE6\x9D\x83\xE6\x89\x80\xE6\x9C\x89")) /* 版权所有 */
        i = 12;
    smz__art_skip_spaces(s, n, &i);
    if (i + 2 <= n && !memcmp(s + i, "\xC2\xA9", 2))
        i += 2;
    else if (smz__ascii_prefix_ci(s + i, n - i, "(c)"))
        i += 3;
    else
        return 0;
    while (i < n && (smz_ascii_digit((unsigned char)s[i]) || s[i] == ' ' || s[i] == '-' || s[i] == ','))
        i++;
    size_t e = i;
    while (e < n && s[e] != '.' && s[e] != ',' && !smz__ascii_prefix_ci(s + e, n - e, " all rights"))
        e++;
    const char *v = s + i;
    size_t vn = e - i;
    smz__art_trim(&v, &vn);
    if (!looks_like_name(v, vn, 6))
        return 0;
    *off = (size_t)(v - s);
    *len = vn;
    return 1;
}
