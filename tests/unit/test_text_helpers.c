/* The lib/text helpers the article renderer used to keep to itself: UTF-8
 * steps over valid text (smz__utf8_count, _offset, _last), ASCII case-blind
 * comparisons that leave other bytes alone (text/ascii.h), and
 * percent-encoding (text/url.h); and the one parser of sizes typed on a
 * command line (smz_size_parse, smz/util.h) and their one printer
 * (smz_size_text). */
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "text/ascii.h"
#include "text/url.h"
#include "text/utf8.h"
#include "smz/util.h"

static void test_utf8_steps(void)
{
    const char *s = "a\xC3\xA9\xE2\x80\xA6\xF0\x9F\x98\x80z"; /* a é … 😀 z */
    size_t n = strlen(s);
    CHECK(smz__utf8_count(s, n) == 5, "five characters in 11 bytes");
    CHECK(smz__utf8_count("", 0) == 0, "none in nothing");
    CHECK(smz__utf8_offset(s, n, 0) == 0, "character 0 starts at 0");
    CHECK(smz__utf8_offset(s, n, 2) == 3, "character 2 (the ellipsis) starts at 3");
    CHECK(smz__utf8_offset(s, n, 4) == 10, "character 4 starts at 10");
    CHECK(smz__utf8_offset(s, n, 5) == n && smz__utf8_offset(s, n, 99) == n, "past the end is LEN");
    CHECK(smz__utf8_last(s, n) == 10, "the last character is the 'z' at 10");
    CHECK(smz__utf8_last(s, n - 1) == 6, "without it, the emoji at 6");
    CHECK(smz__utf8_last(s, 6) == 3, "then the ellipsis at 3");
    CHECK(smz__utf8_last("x", 1) == 0, "one byte: 0");
    CHECK(smz__utf8_last("\x80\x80", 2) == 0, "stray continuation bytes stay inside: 0");
}

static void test_date_valid(void)
{
    CHECK(smz_date_valid("2024-02-29") && !smz_date_valid("2023-02-29"),
          "a leap day only in a leap year");
    CHECK(!smz_date_valid("2024-2-9") && !smz_date_valid("2024-02-29T00") && !smz_date_valid(NULL),
          "the shape is YYYY-MM-DD and nothing else; NULL is none");
}

static void test_ascii(void)
{
    CHECK(smz_ascii_lower('Q') == 'q' && smz_ascii_lower('q') == 'q' && smz_ascii_lower(0xC3) == 0xC3,
          "lower folds A-Z only");
    CHECK(smz_ascii_alpha('z') && smz_ascii_alpha('A') && !smz_ascii_alpha('1') &&
              !smz_ascii_alpha(0xE9),
          "alpha is ASCII letters only");
    CHECK(smz_ascii_digit('0') && smz_ascii_digit('9') && !smz_ascii_digit('a'), "digit is 0-9");
    CHECK(smz__ascii_prefix_ci("Photo: x", 8, "photo:"), "prefix ignores case");
    CHECK(!smz__ascii_prefix_ci("Pho", 3, "photo"), "a prefix longer than S is not one");
    CHECK(smz__ascii_prefix_ci("abc", 3, ""), "the empty prefix always is");
    CHECK(smz__ascii_prefix_ci("By: x", 2, "BY"), "only N bytes are looked at");
    CHECK(smz__ascii_suffix_ci("x Getty Images", 14, "getty images"), "suffix ignores case");
    CHECK(!smz__ascii_suffix_ci("ages", 4, "images"), "a suffix longer than S is not one");
    CHECK(smz__ascii_equal_ci("Share", 5, "share") && !smz__ascii_equal_ci("Shares", 6, "share") &&
              !smz__ascii_equal_ci("Shar", 4, "share"),
          "equal is the whole of S");
    CHECK(smz__ascii_contains_ci("All Rights Reserved.", 20, "rights reserved"),
          "contains ignores case");
    CHECK(!smz__ascii_contains_ci("rights", 6, "rights reserved") && smz__ascii_contains_ci("", 0, ""),
          "contains: too long is no; empty is yes");
    CHECK(!smz__ascii_equal_ci("\xC3\x89", 2, "\xC3\xA9"), "non-ASCII letters are not folded");
    CHECK(smz__ascii_cmp_ci("Apple", "apple") == 0 && smz__ascii_cmp_ci("apple", "Banana") < 0 &&
              smz__ascii_cmp_ci("b", "A") > 0 && smz__ascii_cmp_ci("ab", "a") > 0,
          "cmp_ci folds letters and orders like strcmp");
}

static void test_url(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1024);
    const char *p = "dir/a b&c?d#e%f~g_h.i-j\xC3\xA9";
    CHECK(smz__url_add_escaped(&b, p, strlen(p), 1) == SMZ_OK &&
              !strcmp(smz_strbuf_str(&b), "dir/a%20b%26c%3Fd%23e%25f~g_h.i-j%C3%A9"),
          "path: '/' and unreserved stay, the rest is %%XX: %s", smz_strbuf_str(&b));
    smz_strbuf_reset(&b);
    CHECK(smz__url_add_escaped(&b, "a/b", 3, 0) == SMZ_OK && !strcmp(smz_strbuf_str(&b), "a%2Fb"),
          "a query value: '/' too is encoded");
    smz_strbuf_reset(&b);
    CHECK(smz__url_add_escaped(&b, "a\0b", 3, 0) == SMZ_OK && !strcmp(smz_strbuf_str(&b), "a%00b"),
          "a NUL among the N bytes is encoded");
    smz_strbuf_free(&b);
    smz_strbuf_init(&b, 4);
    CHECK(smz__url_add_escaped(&b, "  ", 2, 0) == SMZ_E_TOOBIG, "the buffer's cap holds");
    smz_strbuf_free(&b);
}

static void test_size(void)
{
    uint64_t v = 7;
    CHECK(smz_size_parse("4096", &v) == SMZ_OK && v == 4096, "plain bytes");
    CHECK(smz_size_parse("64K", &v) == SMZ_OK && v == 65536, "K is 1024");
    CHECK(smz_size_parse("700m", &v) == SMZ_OK && v == 700ull << 20, "m is M");
    CHECK(smz_size_parse("4G", &v) == SMZ_OK && v == 4ull << 30, "4G is exactly 4 GiB here");
    const char *bad[] = {"",           "0",    "G",
                         "-1",         "1.5G", "2GB",
                         "2 G",        "1T",   "99999999999999999999",
                         "4294967297G"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 7;
        CHECK(smz_size_parse(bad[i], &v) == SMZ_E_INVALID && v == 0, "'%s' is not a size", bad[i]);
    }
    CHECK(smz_size_parse("4611686018427387904", &v) == SMZ_OK && v == (uint64_t)1 << 62,
          "2^62 is the most");
    CHECK(smz_size_parse("4611686018427387905", &v) == SMZ_E_INVALID, "one more is not");
}

/* Sizes as people read them (smz-pack's summary). */
static void test_size_text(void)
{
    static const struct {
        uint64_t n;
        const char *want;
    } cases[] = {
        {0, "0 bytes"},        {999, "999 bytes"},     {1000, "1.0 kB"},        {57344, "57.3 kB"},
        {99949, "99.9 kB"},    {99950, "100 kB"},      {999499, "999 kB"},      {999500, "1.0 MB"},
        {15700000, "15.7 MB"}, {1200000000, "1.2 GB"}, {UINT64_MAX, "18.4 EB"},
    };
    char out[SMZ_SIZE_TEXT];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK(!strcmp(smz_size_text(cases[i].n, out), cases[i].want),
              "%llu bytes read \"%s\" (got \"%s\")", (unsigned long long)cases[i].n, cases[i].want, out);
}

int main(void)
{
    test_utf8_steps();
    test_date_valid();
    test_ascii();
    test_url();
    test_size();
    test_size_text();
    return CHECK_DONE();
}
