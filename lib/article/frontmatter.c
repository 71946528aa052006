/* Front matter: the "---" block of "key: value" lines at the top of a
 * Markdown or text file, in the small YAML subset static site generators
 * write (plain and quoted scalars, comments, tag lists in flow or block
 * style).  It gives an article's title, date, author, description, tags,
 * language, publisher ("publisher:", "source:", "site:"), translator and
 * original URL ("url:", "source_url:", "original_url:", "link:");
 * everything else in it is ignored.
 *
 * Uses lib/text (ascii.h, utf8.h) and words.c. */
#include <string.h>
#include "article/article_priv.h"
#include "text/ascii.h"
#include "text/utf8.h"

#define FM_MAX_LINES 200 /* front matter lines before we give up */
#define FM_MAX_BYTES (64u << 10)

void smz__art_fm_init(front_matter *f)
{
    smz_strbuf_init(&f->title, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->date, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->author, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->description, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->tags, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->lang, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->publisher, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->translator, SMZ_ARTICLE_MAX_FIELD);
    smz_strbuf_init(&f->url, SMZ_ARTICLE_MAX_FIELD);
    f->body = 0;
}

void smz__art_fm_free(front_matter *f)
{
    smz_strbuf_free(&f->title);
    smz_strbuf_free(&f->date);
    smz_strbuf_free(&f->author);
    smz_strbuf_free(&f->description);
    smz_strbuf_free(&f->tags);
    smz_strbuf_free(&f->lang);
    smz_strbuf_free(&f->publisher);
    smz_strbuf_free(&f->translator);
    smz_strbuf_free(&f->url);
}

/* Appends as much of S as fits in B's cap, cut at a character, folded. */
static smz_err put_capped(smz_strbuf *b, const char *s, size_t n)
{
    smz_strbuf tmp;
    smz_strbuf_init(&tmp, n + 1);
    smz_err rc = smz__art_add_collapsed(&tmp, s, n);
    if (!rc) {
        size_t room = b->max - smz_strbuf_len(b);
        size_t k = smz__utf8_cut(smz_strbuf_str(&tmp), smz_strbuf_len(&tmp), room);
        rc = smz_strbuf_add(b, smz_strbuf_str(&tmp), k);
    }
    smz_strbuf_free(&tmp);
    return rc;
}

/* The value of a scalar: quoted ("..." with backslash escapes, '...' with
 * '' for a quote) or plain (up to a " #" comment), appended to OUT. */
static smz_err fm_scalar(const char *v, size_t n, smz_strbuf *out)
{
    smz__art_trim(&v, &n);
    if (n && (v[0] == '"' || v[0] == '\'')) {
        char q = v[0];
        smz_strbuf tmp;
        smz_strbuf_init(&tmp, n);
        for (size_t i = 1; i < n; i++) {
            if (v[i] == q) {
                if (q == '\'' && i + 1 < n && v[i + 1] == '\'') {
                    smz_strbuf_add(&tmp, "'", 1);
                    i++;
                    continue;
                }
                break;
            }
            if (q == '"' && v[i] == '\\' && i + 1 < n) {
                char e = v[++i];
                smz_strbuf_add(&tmp, e == 'n' || e == 't' ? " " : &v[i], 1);
                continue;
            }
            smz_strbuf_add(&tmp, v + i, 1);
        }
        smz_err rc = smz_strbuf_err(&tmp);
        if (!rc)
            rc = put_capped(out, smz_strbuf_str(&tmp), smz_strbuf_len(&tmp));
        smz_strbuf_free(&tmp);
        return rc;
    }
    for (size_t i = 1; i < n; i++)
        if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
            n = i;
            break;
        }
    if (n && v[0] == '#')
        n = 0;
    return put_capped(out, v, n);
}

/* One tag, joined to the others with ", ". */
static smz_err fm_tag(front_matter *f, const char *v, size_t n)
{
    smz_strbuf tag;
    smz_strbuf_init(&tag, SMZ_ARTICLE_MAX_FIELD);
    smz_err rc = fm_scalar(v, n, &tag);
    size_t have = smz_strbuf_len(&f->tags), len = smz_strbuf_len(&tag);
    if (!rc && len && have + 2 + len <= f->tags.max) { /* whole tags only */
        if (have)
            smz_strbuf_add(&f->tags, ", ", 2);
        rc = smz_strbuf_add(&f->tags, smz_strbuf_str(&tag), len);
    }
    smz_strbuf_free(&tag);
    return rc;
}

/* A flow list "[a, "b", c]" or a plain comma-separated list. */
static smz_err fm_tag_list(front_matter *f, const char *v, size_t n)
{
    smz__art_trim(&v, &n);
    if (n && v[0] == '[') {
        v++;
        n--;
        if (n && v[n - 1] == ']')
            n--;
    }
    size_t start = 0;
    char q = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && q) {
            if (v[i] == q)
                q = 0;
            continue;
        }
        if (i < n && (v[i] == '"' || v[i] == '\'')) {
            q = v[i];
            continue;
        }
        if (i == n || v[i] == ',') {
            smz_err rc = fm_tag(f, v + start, i - start);
            if (rc)
                return rc;
            start = i + 1;
        }
    }
    return SMZ_OK;
}

static int fence(const char *s, size_t n, const char *mark)
{
    smz__art_trim(&s, &n);
    return n == 3 && !memcmp(s, mark, 3);
}

/* Finds and parses a front matter block at the start of S.  A block whose
 * closing line does not come within FM_MAX_LINES lines is not one. */
smz_err smz__art_fm_parse(const char *s, size_t n, front_matter *f)
{
    const char *nl = memchr(s, '\n', n);
    if (!nl || !fence(s, (size_t)(nl - s), "---") || s[0] != '-')
        return SMZ_OK;
    size_t pos = (size_t)(nl - s) + 1, end = 0, lines = 0;
    size_t limit = n < FM_MAX_BYTES ? n : FM_MAX_BYTES;
    for (size_t p = pos; p < limit && lines < FM_MAX_LINES; lines++) {
        const char *e = memchr(s + p, '\n', n - p);
        size_t len = e ? (size_t)(e - (s + p)) : n - p;
        if (fence(s + p, len, "---") || fence(s + p, len, "...")) {
            end = p;
            f->body = e ? p + len + 1 : n;
            break;
        }
        p += len + 1;
    }
    if (!f->body)
        return SMZ_OK;
    /* A "---" rule in a text that merely has another one further down is
     * not front matter: every line between must look like YAML. */
    for (size_t p = pos; p < end;) {
        const char *e = memchr(s + p, '\n', end - p);
        size_t len = e ? (size_t)(e - (s + p)) : end - p;
        const char *l = s + p;
        p += len + 1;
        size_t k = 0;
        while (k < len && (smz_ascii_alpha((unsigned char)l[k]) ||
                           smz_ascii_digit((unsigned char)l[k]) || l[k] == '_' || l[k] == '-'))
            k++;
        int keyed = k > 0 && k < len && l[k] == ':' &&
                    (k + 1 == len || l[k + 1] == ' ' || l[k + 1] == '\t');
        if (!keyed && len && !strchr(" \t-#", l[0])) {
            f->body = 0;
            return SMZ_OK;
        }
    }
    int in_tags = 0;
    smz_err rc = SMZ_OK;
    for (size_t p = pos; p < end && !rc;) {
        const char *e = memchr(s + p, '\n', end - p);
        size_t len = e ? (size_t)(e - (s + p)) : end - p;
        const char *l = s + p;
        p += len + 1;
        if (len && (l[0] == ' ' || l[0] == '\t' || l[0] == '-')) {
            const char *t = l;
            size_t tn = len;
            smz__art_trim(&t, &tn);
            if (in_tags && tn >= 1 && t[0] == '-' && (tn == 1 || t[1] == ' ' || t[1] == '\t'))
                rc = fm_tag(f, t + 1, tn - 1);
            continue;
        }
        in_tags = 0;
        size_t k = 0;
        while (k < len && (smz_ascii_alpha((unsigned char)l[k]) ||
                           smz_ascii_digit((unsigned char)l[k]) || l[k] == '_' || l[k] == '-'))
            k++;
        if (k == 0 || k >= len || l[k] != ':' || (k + 1 < len && l[k + 1] != ' ' && l[k + 1] != '\t'))
            continue;
        const char *v = l + k + 1;
        size_t vn = len - k - 1;
        smz__art_trim(&v, &vn);
        smz_strbuf *dst = NULL;
        if (smz__ascii_equal_ci(l, k, "title"))
            dst = &f->title;
        else if (smz__ascii_equal_ci(l, k, "date"))
            dst = &f->date;
        else if (smz__ascii_equal_ci(l, k, "author"))
            dst = &f->author;
        else if (smz__ascii_equal_ci(l, k, "description") || smz__ascii_equal_ci(l, k, "summary"))
            dst = &f->description;
        else if (smz__ascii_equal_ci(l, k, "lang") || smz__ascii_equal_ci(l, k, "language"))
            dst = &f->lang;
        else if (smz__ascii_equal_ci(l, k, "publisher") || smz__ascii_equal_ci(l, k, "source") ||
                 smz__ascii_equal_ci(l, k, "site_name") || smz__ascii_equal_ci(l, k, "site"))
            dst = &f->publisher;
        else if (smz__ascii_equal_ci(l, k, "translator") || smz__ascii_equal_ci(l, k, "translated_by"))
            dst = &f->translator;
        else if (smz__ascii_equal_ci(l, k, "url") || smz__ascii_equal_ci(l, k, "source_url") ||
                 smz__ascii_equal_ci(l, k, "original_url") ||
                 smz__ascii_equal_ci(l, k, "canonical_url") || smz__ascii_equal_ci(l, k, "link"))
            dst = &f->url;
        else if (smz__ascii_equal_ci(l, k, "tags") || smz__ascii_equal_ci(l, k, "keywords")) {
            if (smz_strbuf_len(&f->tags) == 0) {
                in_tags = vn == 0;
                rc = fm_tag_list(f, v, vn);
            }
            continue;
        }
        if (!dst || smz_strbuf_len(dst) || (vn == 1 && (v[0] == '|' || v[0] == '>')))
            continue; /* unknown key, repeated key, or a block scalar */
        rc = fm_scalar(v, vn, dst);
    }
    return rc;
}
