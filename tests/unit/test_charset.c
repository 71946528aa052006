/* Charset names and decoding (lib/text/charset.c), the search text of
 * entries whose type carries a charset (lib/text/entry_text.c), and the
 * packer's detection (lib/pack/charset.c): canonical names, hostile labels,
 * U+FFFD for refused bytes, and the order BOM, header, declaration, guess. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "pack/charset.h"
#include "text/charset.h"
#include "text/entry_text.h"

static int decodes(const char *cs, const char *in, size_t len, const char *want)
{
    char *out = NULL;
    size_t n = 0;
    int ok = smz__charset_decode(cs, in, len, 1 << 20, &out, &n) == SMZ_OK && n == strlen(want) &&
             !memcmp(out, want, n);
    free(out);
    return ok;
}

static int text_is(const char *mime, const char *in, const char *want)
{
    char *t = NULL;
    size_t n = 0;
    int ok = smz__entry_text(mime, in, strlen(in), &t, &n) == SMZ_OK && t && strstr(t, want);
    free(t);
    return ok;
}

int main(void)
{
    CHECK(!strcmp(smz__charset_canon("GB2312", 6), "gbk"), "gb2312 is gbk");
    CHECK(!strcmp(smz__charset_canon(" \"ISO-8859-1\" ", 14), "windows-1252"),
          "latin-1 is windows-1252");
    CHECK(!strcmp(smz__charset_canon("x-sjis", 6), "shift_jis"), "x-sjis is shift_jis");
    CHECK(!strcmp(smz__charset_canon("UHC", 3), "euc-kr"), "uchardet's UHC is euc-kr");
    CHECK(!smz__charset_canon("no-such", 7), "an unknown name is unknown");
    CHECK(!smz__charset_canon("gbk\r\nX: y", 10), "a name with a line break is no name");
    CHECK(!smz__charset_canon("", 0) && !smz__charset_canon(NULL, 0), "nothing is no name");
    CHECK(!strcmp(smz__mime_charset("text/html; Charset=\"Big5\""), "big5"), "a quoted parameter");
    CHECK(!strcmp(smz__mime_charset("text/plain;format=flowed; charset=koi8-r"), "koi8-r"),
          "a later parameter");
    CHECK(!smz__mime_charset("text/html") && !smz__mime_charset(NULL), "no parameter");
    CHECK(smz__mime_is("Text/HTML; charset=gbk", "text/html") &&
              !smz__mime_is("text/htmlx", "text/html"),
          "the type without its parameters");

    CHECK(decodes("gbk", "\xb3\xa4\xb3\xc7", 4, "长城"), "GBK decodes");
    CHECK(decodes("windows-1251", "\xcc\xee\xf1\xea\xe2\xe0", 6, "Москва"), "windows-1251 decodes");
    CHECK(decodes("shift_jis", "a\\b", 3, "a\\b"), "Shift_JIS keeps 0x5C a backslash");
    CHECK(decodes("utf-16le",
                  "\xff\xfe"
                  "a\0b\0",
                  6, "ab"),
          "UTF-16 with its BOM dropped");
    CHECK(decodes("gbk",
                  "a\xff"
                  "b\xb3",
                  4,
                  "a\xEF\xBF\xBD"
                  "b\xEF\xBF\xBD"),
          "refused GBK bytes are U+FFFD");
    CHECK(decodes("utf-8",
                  "\xEF\xBB\xBF"
                  "caf\xe9",
                  7, "caf\xEF\xBF\xBD"),
          "UTF-8 repaired, its BOM dropped");
    CHECK(decodes(NULL, "x\x80", 2, "x\xEF\xBF\xBD"), "no charset: UTF-8 repaired");
    CHECK(decodes("no-such", "ok", 2, "ok"), "an unknown charset reads as UTF-8");
    CHECK(decodes("gbk", NULL, 0, ""), "nothing decodes to nothing");
    {
        char *out = NULL;
        size_t n = 0;
        CHECK(smz__charset_decode("windows-1251", "\xcc\xee\xf1\xea\xe2\xe0", 6, 5, &out, &n) ==
                      SMZ_OK &&
                  n == 4,
              "the cap cuts on a character boundary");
        free(out);
    }

    CHECK(text_is("text/plain; charset=gbk", "\xb3\xa4\xb3\xc7", "长城"), "a GBK text's search text");
    CHECK(text_is("text/html; charset=windows-1251",
                  "<meta charset=utf-8><title>x</title><p>\xcc\xee\xf1\xea\xe2\xe0</p>", "Москва"),
          "the recorded charset wins over the page's own <meta>");
    CHECK(text_is("text/html; charset=\"x\r\ny\"", "<p>plain \xff words</p>",
                  "plain \xEF\xBF\xBD words"),
          "a hostile parameter: UTF-8 with U+FFFD");
    CHECK(text_is("text/plain", "caf\xc3\xa9", "caf\xc3\xa9"), "no parameter: the bytes as they are");

    const unsigned char gbk[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                                "charset=gb2312\"></head><body>\xb3\xa4\xb3\xc7</body></html>";
    CHECK(!strcmp(smz__pack_charset("text/html", NULL, gbk, sizeof gbk - 1), "gbk"),
          "http-equiv is read");
    CHECK(!strcmp(smz__pack_charset("text/html", "Shift_JIS", gbk, sizeof gbk - 1), "shift_jis"),
          "the transport's charset wins over the page's");
    CHECK(!strcmp(smz__pack_charset("text/html", NULL,
                                    (const unsigned char *)"\xEF\xBB\xBF<meta charset=gbk>", 19),
                  "utf-8"),
          "a byte order mark wins over everything");
    CHECK(!strcmp(smz__pack_charset(
                      "text/html", NULL,
                      (const unsigned char *)"<!-- <meta charset=gbk> --><p>caf\xc3\xa9</p>", 39),
                  "utf-8"),
          "a commented-out <meta> is no declaration");
    CHECK(!strcmp(smz__pack_charset("text/html", NULL,
                                    (const unsigned char *)"<meta charset=utf-16><p>x</p>", 29),
                  "utf-8"),
          "a declared UTF-16 without a BOM is UTF-8");
    CHECK(!strcmp(smz__pack_charset("application/xhtml+xml", NULL,
                                    (const unsigned char *)"<?xml version='1.0' encoding='KOI8-R'?><x/>",
                                    43),
                  "koi8-r"),
          "an XML declaration");
    CHECK(!strcmp(smz__pack_charset("text/css", NULL,
                                    (const unsigned char *)"@charset \"windows-1250\"; a{}", 28),
                  "windows-1250"),
          "CSS's @charset");
    CHECK(!strcmp(smz__pack_charset("text/html", NULL,
                                    (const unsigned char *)"<meta charset=klingon><p>ok", 27),
                  "utf-8"),
          "an unknown declaration is passed over");
    CHECK(!strcmp(smz__pack_charset("text/plain", NULL, NULL, 0), "utf-8"), "nothing is UTF-8");
    CHECK(smz__pack_is_text("text/x-python") && smz__pack_is_text("application/xhtml+xml") &&
              !smz__pack_is_text("image/svg+xml") && !smz__pack_is_text("application/json"),
          "which types get a charset");
    return CHECK_DONE();
}
