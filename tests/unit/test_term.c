/* Unit tests of the rules for what reaches a terminal (lib/text/term.c)
 * and what makes an entry path (smz_path_problem), and of the metadata
 * value rules in lib/format.c: each rule of docs/FORMAT.md, one case at
 * least on each side of it. */
#include <string.h>
#include "check.h"
#include "format.h"
#include "smz/format.h"
#include "text/date.h"
#include "text/lang.h"
#include "text/term.h"
#include "text/utf8.h"

static const char *esc(const char *s, size_t n)
{
    static smz_strbuf b;
    smz_strbuf_free(&b);
    smz_strbuf_init(&b, 1 << 16);
    return smz_term_escape(&b, s, n) == SMZ_OK ? smz_strbuf_str(&b) : "(error)";
}

#define ESC(lit, want) CHECK(!strcmp(esc(lit, sizeof lit - 1), want), "escape %s -> %s", #lit, want)

int main(void)
{
    ESC("plain é 字", "plain é 字");
    ESC("\x1b]0;title\x07", "\\x1B]0;title\\x07");
    ESC("a\nb\tc\r", "a\\x0Ab\\x09c\\x0D");
    ESC("del\x7f", "del\\x7F");
    ESC("c1 \xc2\x9b", "c1 \\u{009B}");
    ESC("bidi \xe2\x80\xae \xe2\x81\xa6", "bidi \\u{202E} \\u{2066}");
    ESC("bad \xff \xc0\xaf \xed\xa0\x80", "bad \\xFF \\xC0\\xAF \\xED\\xA0\\x80");
    ESC("nul\0x", "nul\\x00x");
    ESC("cut \xe5\xad", "cut \\xE5\\xAD");
    CHECK(smz_term_safe("ok é", 5) && !smz_term_safe("\x1b", 1) && !smz_term_safe("\xff", 1),
          "smz_term_safe agrees with smz_term_escape");

    static const struct {
        const char *p;
        size_t n;
        const char *why;
    } paths[] = {
        {"a/b.html", 8, NULL},
        {"é/字", 6, NULL},
        {"..a/b..", 7, NULL},
        {"", 0, "empty path"},
        {"/etc/x", 6, "absolute path (leading '/')"},
        {"dir/", 4, "path ends with '/'"},
        {"a//b", 4, "empty segment ('//')"},
        {".", 1, "'.' segment"},
        {"a/./b", 5, "'.' segment"},
        {"../x", 4, "'..' segment"},
        {"a/..", 4, "'..' segment"},
        {"a\nb", 3, "control character in the path"},
        {"a\x1b[2J", 5, "control character in the path"},
        {"a\x7f", 2, "control character in the path"},
        {"a\xc2\x85", 3, "control character in the path"},
        {"a\xff", 2, "not UTF-8"},
        {"a\xed\xa0\x80", 4, "not UTF-8"},
        {"a\0b", 3, "NUL byte in the path"},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *got = smz_path_problem(paths[i].p, paths[i].n);
        CHECK(paths[i].why ? got && !strcmp(got, paths[i].why) : !got, "path #%zu: %s", i,
              paths[i].why ? paths[i].why : "valid");
    }
    char longp[4098];
    memset(longp, 'a', sizeof longp);
    CHECK(smz_path_problem(longp, 4096) == NULL && smz_path_problem(longp, 4097) != NULL,
          "a path is at most 4096 bytes");

    CHECK(smz__date_ok("2024-02-29") && !smz__date_ok("2023-02-29") && !smz__date_ok("2024-13-01") &&
              !smz__date_ok("2024-1-01") && !smz__date_ok("2024-01-01x"),
          "Date: a real date written YYYY-MM-DD");
    CHECK(smz__lang_list_ok("eng") && smz__lang_list_ok("eng,fra") && smz__lang_list_ok("zho-Hant") &&
              !smz__lang_list_ok("english") && !smz__lang_list_ok("eng,") && !smz__lang_list_ok("ENG"),
          "Language: ISO 639 codes, comma-separated");
    CHECK(smz__name_ok("wiki_en-2024.1") && !smz__name_ok("") && !smz__name_ok(".hidden") &&
              !smz__name_ok("a/b") && !smz__name_ok("../evil"),
          "Name: a plain word");
    char u[37];
    CHECK(smz__uuid_from_digest_hex("d268e88aa6f1ba91697ffba59eb15f57378956b7d9df938d762375442ade71da",
                                    64, u) &&
              !strcmp(u, "d268e88a-a6f1-8a91-a97f-fba59eb15f57"),
          "UUID from the Digest: version 8, variant 10");
    CHECK(!smz__uuid_from_digest_hex("D268E88AA6F1BA91697FFBA59EB15F57378956B7D9DF938D762375442ADE71DA",
                                     64, u),
          "a Digest in uppercase is not the format's");

    smz_strbuf b;
    smz_strbuf_init(&b, 64);
    smz_utf8_add_repaired(&b,
                          "A\xff"
                          "B",
                          3);
    CHECK(!strcmp(smz_strbuf_str(&b), "A\xef\xbf\xbd"
                                      "B"),
          "invalid UTF-8 repaired as U+FFFD");
    smz_strbuf_free(&b);
    esc("", 0); /* frees the last escape (an empty one allocates nothing) */
    return CHECK_DONE();
}
