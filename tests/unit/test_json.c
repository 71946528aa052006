/* The JSON string quoter (lib/text/json.c): the escapes SQLite's
 * json_quote() writes (the quoter it replaced, compared byte for byte on
 * every control character), invalid UTF-8 repaired to U+FFFD, embedded
 * NULs, valid UTF-8 untouched, and the buffer's cap respected. */
#include <sqlite3.h>
#include <string.h>
#include "check.h"
#include "smz/util.h"

static const char *quote(smz_strbuf *b, const char *s, size_t n)
{
    smz_strbuf_reset(b);
    return smz_json_str(b, s, n) == SMZ_OK ? smz_strbuf_str(b) : "(error)";
}

/* What SQLite's json_quote() makes of the N bytes at S. */
static int sqlite_same(sqlite3 *db, smz_strbuf *b, const char *s, size_t n)
{
    sqlite3_stmt *st = NULL;
    int same = 0;
    if (sqlite3_prepare_v2(db, "SELECT json_quote(CAST(?1 AS TEXT))", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, s, (int)n, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        same = !strcmp((const char *)sqlite3_column_text(st, 0), quote(b, s, n));
    sqlite3_finalize(st);
    return same;
}

int main(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 4096);
    CHECK(!strcmp(quote(&b, "", 0), "\"\""), "empty string");
    CHECK(!strcmp(quote(&b, NULL, 0), "\"\""), "NULL with length 0");
    CHECK(!strcmp(quote(&b, "a\"b\\c/d'e", 9), "\"a\\\"b\\\\c/d'e\""), "quote and backslash escaped: %s",
          smz_strbuf_str(&b));
    CHECK(!strcmp(quote(&b, "\b\t\n\f\r\x01\x1f\x7f", 8), "\"\\b\\t\\n\\f\\r\\u0001\\u001f\x7f\""),
          "controls: short forms, \\u00xx, DEL as is: %s", smz_strbuf_str(&b));
    CHECK(!strcmp(quote(&b, "x\0y", 3), "\"x\\u0000y\""), "an embedded NUL");
    const char utf[] = "caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80";
    CHECK(!strcmp(quote(&b, utf, strlen(utf)), "\"caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80\""),
          "valid UTF-8 untouched");
    CHECK(!strcmp(quote(&b,
                        "A\xFF"
                        "B",
                        3),
                  "\"A\xEF\xBF\xBD"
                  "B\""),
          "41 FF 42: the invalid byte is U+FFFD");
    CHECK(!strcmp(quote(&b, "\xE2\x82", 2), "\"\xEF\xBF\xBD\xEF\xBF\xBD\""),
          "a truncated sequence: one U+FFFD per byte");
    CHECK(!strcmp(quote(&b, "\xED\xA0\x80", 3), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""),
          "a surrogate is invalid");

    sqlite3 *db = NULL;
    int all = sqlite3_open(":memory:", &db) == SQLITE_OK;
    for (unsigned c = 1; c < 0x80 && all; c++) {
        char s[3] = {'a', (char)c, 'z'};
        all = sqlite_same(db, &b, s, 3);
    }
    const char mixed[] = "He said \"\xC3\xA9t\xC3\xA9\"\\\t\r\n end";
    all = all && sqlite_same(db, &b, mixed, strlen(mixed));
    CHECK(all, "every ASCII character quoted as SQLite's json_quote does");
    sqlite3_close(db);
    smz_strbuf_free(&b);

    smz_strbuf small;
    smz_strbuf_init(&small, 5);
    CHECK(smz_json_str(&small, "abc", 3) == SMZ_OK && !strcmp(smz_strbuf_str(&small), "\"abc\""),
          "exactly the cap");
    smz_strbuf_reset(&small);
    CHECK(smz_json_str(&small, "ab\n", 3) == SMZ_E_TOOBIG, "past the cap is SMZ_E_TOOBIG");
    smz_strbuf_free(&small);
    return CHECK_DONE();
}
