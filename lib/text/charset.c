/* Charset names and decoding to UTF-8 (see charset.h).  The labels and
 * what they mean follow the WHATWG Encoding Standard, as browsers read a
 * page: "iso-8859-1" and "us-ascii" are windows-1252, "gb2312" is gbk,
 * "utf-16" without a byte order is little-endian.  Each canonical name has
 * the iconv names to try in order: the first is the closest to what a
 * browser decodes (glibc's CP932 keeps 0x5C a backslash where its
 * SHIFT_JIS makes it a yen sign), the next what musl's iconv knows. */
#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include "text/ascii.h"
#include "text/charset.h"
#include "text/utf8.h"

typedef struct charset {
    const char *name;    /* canonical */
    const char *aliases; /* other labels, each ended by a space */
    const char *iconv;   /* iconv names to try, each ended by a space */
} charset;

static const charset sets[] = {
    {"utf-8", "utf8 unicode-1-1-utf-8 ", "UTF-8 "},
    {"utf-16le", "utf-16 ucs-2 unicode ", "UTF-16LE "},
    {"utf-16be", "unicodefffe ", "UTF-16BE "},
    {"windows-1252",
     "iso-8859-1 iso8859-1 iso_8859-1 latin1 l1 ascii us-ascii cp1252 x-cp1252 cp819 ibm819 "
     "iso-ir-100 csisolatin1 ansi_x3.4-1968 ",
     "WINDOWS-1252 CP1252 "},
    {"gbk", "gb2312 gb_2312 gb_2312-80 csgb2312 x-gbk chinese iso-ir-58 cp936 windows-936 ",
     "GBK GB18030 "},
    {"gb18030", "", "GB18030 "},
    {"big5", "big5-hkscs cn-big5 csbig5 x-x-big5 ", "BIG5-HKSCS BIG5 "},
    {"shift_jis", "sjis x-sjis ms_kanji ms932 cp932 windows-31j csshiftjis shift-jis ",
     "CP932 SHIFT_JIS "},
    {"euc-jp", "x-euc-jp cseucpkdfmtjapanese ", "EUC-JP "},
    {"iso-2022-jp", "csiso2022jp ", "ISO-2022-JP "},
    {"euc-kr",
     "ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 korean windows-949 cp949 csksc56011987 "
     "iso-ir-149 csEUCKR uhc ",
     "CP949 EUC-KR "},
    {"koi8-r", "koi8 koi cskoi8r koi8_r ", "KOI8-R "},
    {"koi8-u", "koi8-ru ", "KOI8-U "},
    {"ibm866", "cp866 866 csibm866 ", "CP866 IBM866 "},
    {"windows-874", "tis-620 iso-8859-11 dos-874 ", "CP874 WINDOWS-874 TIS-620 "},
    {"windows-1250", "cp1250 x-cp1250 ", "WINDOWS-1250 CP1250 "},
    {"windows-1251", "cp1251 x-cp1251 ", "WINDOWS-1251 CP1251 "},
    {"windows-1253", "cp1253 x-cp1253 ", "WINDOWS-1253 CP1253 "},
    {"windows-1254", "cp1254 x-cp1254 iso-8859-9 iso8859-9 latin5 l5 ", "WINDOWS-1254 CP1254 "},
    {"windows-1255", "cp1255 x-cp1255 ", "WINDOWS-1255 CP1255 "},
    {"windows-1256", "cp1256 x-cp1256 ", "WINDOWS-1256 CP1256 "},
    {"windows-1257", "cp1257 x-cp1257 ", "WINDOWS-1257 CP1257 "},
    {"windows-1258", "cp1258 x-cp1258 ", "WINDOWS-1258 CP1258 "},
    {"iso-8859-2", "iso8859-2 latin2 l2 ", "ISO-8859-2 "},
    {"iso-8859-3", "iso8859-3 latin3 l3 ", "ISO-8859-3 "},
    {"iso-8859-4", "iso8859-4 latin4 l4 ", "ISO-8859-4 "},
    {"iso-8859-5", "iso8859-5 cyrillic ", "ISO-8859-5 "},
    {"iso-8859-6", "iso8859-6 arabic ", "ISO-8859-6 "},
    {"iso-8859-7", "iso8859-7 greek greek8 ", "ISO-8859-7 "},
    {"iso-8859-8", "iso8859-8 hebrew visual iso-8859-8-i ", "ISO-8859-8 "},
    {"iso-8859-10", "iso8859-10 latin6 l6 ", "ISO-8859-10 "},
    {"iso-8859-13", "iso8859-13 ", "ISO-8859-13 "},
    {"iso-8859-14", "iso8859-14 ", "ISO-8859-14 "},
    {"iso-8859-15", "iso8859-15 latin9 l9 latin-9 ", "ISO-8859-15 "},
    {"iso-8859-16", "iso8859-16 ", "ISO-8859-16 "},
};

/* 1 when LABEL[0..N) is one of the space-ended words of LIST. */
static int in_list(const char *list, const char *label, size_t n)
{
    for (const char *w = list; *w;) {
        size_t k = strcspn(w, " ");
        if (k == n) {
            size_t i = 0;
            while (i < n &&
                   smz_ascii_lower((unsigned char)w[i]) == smz_ascii_lower((unsigned char)label[i]))
                i++;
            if (i == n)
                return 1;
        }
        w += k + (w[k] == ' ');
    }
    return 0;
}

static const charset *find(const char *name, size_t n)
{
    while (n && (*name == ' ' || *name == '\t' || *name == '"' || *name == '\''))
        name++, n--;
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '"' || name[n - 1] == '\''))
        n--;
    if (!n || n >= 64)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!smz_ascii_alpha(c) && !smz_ascii_digit(c) && !strchr("-_.:", c))
            return NULL; /* never a charset label: nothing to look up */
    }
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        if (smz__ascii_equal_ci(name, n, sets[i].name) || in_list(sets[i].aliases, name, n))
            return &sets[i];
    return NULL;
}

const char *smz__charset_canon(const char *name, size_t n)
{
    const charset *c = name ? find(name, n) : NULL;
    return c ? c->name : NULL;
}

const char *smz__mime_charset(const char *mime)
{
    if (!mime)
        return NULL;
    const char *p = strchr(mime, ';');
    while (p) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t k = strcspn(p, "=;");
        if (p[k] == '=' && smz__ascii_equal_ci(p, k, "charset"))
            return smz__charset_canon(p + k + 1, strcspn(p + k + 1, ";"));
        p = strchr(p, ';');
    }
    return NULL;
}

int smz__mime_is(const char *mime, const char *type)
{
    if (!mime)
        return 0;
    size_t n = strcspn(mime, "; \t");
    return smz__ascii_equal_ci(mime, n, type);
}

int smz__charset_is_utf8(const char *cs)
{
    return cs && !strcmp(cs, "utf-8");
}

/* An iconv descriptor that decodes CS into UTF-8, or (iconv_t)-1. */
static iconv_t open_decoder(const char *cs)
{
    const charset *c = cs ? find(cs, strlen(cs)) : NULL;
    if (!c)
        return (iconv_t)-1;
    for (const char *w = c->iconv; *w;) {
        char name[32];
        size_t k = strcspn(w, " ");
        if (k < sizeof name) {
            memcpy(name, w, k);
            name[k] = 0;
            iconv_t d = iconv_open("UTF-8", name);
            if (d != (iconv_t)-1)
                return d;
        }
        w += k + (w[k] == ' ');
    }
    return (iconv_t)-1;
}

smz_err smz__charset_decode(const char *cs, const char *in, size_t len, size_t max, char **out,
                            size_t *out_len)
{
    smz_strbuf b;
    smz_err rc = SMZ_E_NOMEM;
    iconv_t d = smz__charset_is_utf8(cs) ? (iconv_t)-1 : open_decoder(cs);
    *out = NULL;
    *out_len = 0;
    /* A cap over what the loops below can add: the output is cut to MAX
     * at the end, iconv's runs are checked against it between them, and a
     * repaired byte takes three. */
    smz_strbuf_init(&b, max > SIZE_MAX / 4 ? SIZE_MAX : 3 * max + 8192 + 16);
    if (!in)
        len = 0;
    if (d == (iconv_t)-1) {
        /* UTF-8, or a charset this build cannot decode: the bytes read as
         * UTF-8, what is not replaced. */
        size_t skip = len >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3) ? 3 : 0;
        size_t n = len - skip;
        if (n > max + 4)
            n = max + 4;
        smz_utf8_add_repaired(&b, in + skip, n);
    } else {
        char *src = (char *)in;
        size_t left = len;
        char chunk[4096];
        while (left && smz_strbuf_len(&b) < max && !smz_strbuf_err(&b)) {
            char *dst = chunk;
            size_t room = sizeof chunk;
            size_t r = iconv(d, &src, &left, &dst, &room);
            smz_strbuf_add(&b, chunk, (size_t)(dst - chunk));
            if (r != (size_t)-1 || errno == E2BIG)
                continue;
            /* EILSEQ, or EINVAL for a sequence cut by the end: one byte
             * refused, and the decoder starts afresh after it. */
            smz_strbuf_add(&b, "\xEF\xBF\xBD", 3);
            src++;
            left--;
            iconv(d, NULL, NULL, NULL, NULL);
        }
        char *dst = chunk;
        size_t room = sizeof chunk;
        iconv(d, NULL, NULL, &dst, &room);
        smz_strbuf_add(&b, chunk, (size_t)(dst - chunk));
        iconv_close(d);
    }
    if (smz_strbuf_err(&b))
        goto out;
    const char *s = smz_strbuf_str(&b);
    size_t n = smz_strbuf_len(&b);
    size_t skip = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
    n = smz__utf8_cut(s + skip, n - skip, max);
    if (!(*out = malloc(n + 1)))
        goto out;
    memcpy(*out, s + skip, n);
    (*out)[n] = 0;
    *out_len = n;
    rc = SMZ_OK;
out:
    smz_strbuf_free(&b);
    return rc;
}
