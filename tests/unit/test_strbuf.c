/* The capped string buffer: appends up to the cap and not one byte past
 * it, sticky errors, printf appends longer than the internal scratch, HTML
 * escaping of all five special characters, detach and reuse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "util/strbuf.h"
#include "text/escape.h"

static void test_add_and_cap(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 10);
    CHECK(!strcmp(smz_strbuf_str(&b), "") && smz_strbuf_len(&b) == 0,
          "a new buffer is empty, str is \"\"");
    CHECK(smz_strbuf_adds(&b, "hello") == SMZ_OK, "add 5 bytes");
    CHECK(smz_strbuf_add(&b, ", wo", 4) == SMZ_OK, "add 4 more");
    CHECK(smz_strbuf_add(&b, "r", 1) == SMZ_OK && smz_strbuf_len(&b) == 10, "exactly the cap fits");
    CHECK(!strcmp(smz_strbuf_str(&b), "hello, wor"), "contents are NUL-terminated: '%s'",
          smz_strbuf_str(&b));
    CHECK(smz_strbuf_add(&b, "l", 1) == SMZ_E_TOOBIG, "one byte past the cap is SMZ_E_TOOBIG");
    CHECK(smz_strbuf_err(&b) == SMZ_E_TOOBIG && smz_strbuf_len(&b) == 0 &&
              !strcmp(smz_strbuf_str(&b), ""),
          "the error sticks and the contents are dropped");
    CHECK(smz_strbuf_adds(&b, "x") == SMZ_E_TOOBIG, "later appends return the sticky error");
    char *out = (char *)1;
    size_t len = 99;
    CHECK(smz_strbuf_detach(&b, &out, &len) == SMZ_E_TOOBIG && out == NULL && len == 0,
          "detach reports the error and hands out nothing");
    CHECK(smz_strbuf_adds(&b, "ok") == SMZ_OK && !strcmp(smz_strbuf_str(&b), "ok"),
          "after detach the buffer is usable again");
    smz_strbuf_free(&b);
    smz_strbuf_free(&b);
    smz_strbuf_free(NULL);
    CHECK(1, "free twice and free(NULL) are harmless");

    smz_strbuf z;
    smz_strbuf_init(&z, 0);
    CHECK(smz_strbuf_add(&z, "", 0) == SMZ_OK, "cap 0 takes an empty append");
    CHECK(smz_strbuf_add(&z, "a", 1) == SMZ_E_TOOBIG, "cap 0 refuses any byte");
    smz_strbuf_free(&z);

    smz_strbuf huge;
    smz_strbuf_init(&huge, SIZE_MAX);
    CHECK(smz_strbuf_add(&huge, "a", SIZE_MAX - 1) == SMZ_E_TOOBIG,
          "a size near SIZE_MAX does not overflow");
    smz_strbuf_free(&huge);
}

static void test_growth(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 20);
    for (int i = 0; i < 10000; i++)
        smz_strbuf_add(&b, "0123456789", 10);
    CHECK(smz_strbuf_err(&b) == SMZ_OK && smz_strbuf_len(&b) == 100000,
          "100000 bytes in 10-byte appends");
    const char *s = smz_strbuf_str(&b);
    int same = 1;
    for (size_t i = 0; i < 100000; i++)
        same &= s[i] == (char)('0' + i % 10);
    CHECK(same && s[100000] == 0, "every byte in place after growing");
    smz_strbuf_truncate(&b, 3);
    CHECK(!strcmp(smz_strbuf_str(&b), "012"), "truncate cuts and terminates");
    smz_strbuf_truncate(&b, 50);
    CHECK(!strcmp(smz_strbuf_str(&b), "012"), "truncate past the end changes nothing");
    smz_strbuf_reset(&b);
    CHECK(smz_strbuf_len(&b) == 0 && !strcmp(smz_strbuf_str(&b), ""), "reset empties");
    smz_strbuf_free(&b);
}

static void test_printf(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 5000);
    CHECK(smz_strbuf_addf(&b, "%d-%s-%zu", 42, "x", (size_t)7) == SMZ_OK &&
              !strcmp(smz_strbuf_str(&b), "42-x-7"),
          "short printf append");
    char big[3001];
    memset(big, 'q', 3000);
    big[3000] = 0;
    CHECK(smz_strbuf_addf(&b, "[%s]", big) == SMZ_OK && smz_strbuf_len(&b) == 6 + 3002,
          "printf append longer than the scratch buffer");
    const char *s = smz_strbuf_str(&b);
    CHECK(s[6] == '[' && s[7] == 'q' && s[3007] == ']' && s[3008] == 0, "long printf output intact");
    CHECK(smz_strbuf_addf(&b, "%s", big) == SMZ_E_TOOBIG,
          "printf past the cap is SMZ_E_TOOBIG, not truncated");
    CHECK(smz_strbuf_len(&b) == 0, "and nothing half-written stays");
    smz_strbuf_free(&b);

    smz_strbuf e;
    smz_strbuf_init(&e, 64);
    CHECK(smz_strbuf_addf(&e, "%s", "") == SMZ_OK && smz_strbuf_len(&e) == 0, "empty printf append");
    smz_strbuf_free(&e);
}

static void test_html(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1000);
    const char in[] = "a&b<c>d\"e'f \xC3\xA9 <script>";
    CHECK(smz__html_add(&b, in, strlen(in)) == SMZ_OK, "escape");
    CHECK(!strcmp(smz_strbuf_str(&b), "a&amp;b&lt;c&gt;d&quot;e&#39;f \xC3\xA9 &lt;script&gt;"),
          "all five escaped, UTF-8 untouched: %s", smz_strbuf_str(&b));
    smz_strbuf_reset(&b);
    CHECK(smz__html_add(&b, "x\0y", 3) == SMZ_OK && smz_strbuf_len(&b) == 3,
          "length, not NUL, ends input");
    smz_strbuf_free(&b);

    smz_strbuf small;
    smz_strbuf_init(&small, 4);
    CHECK(smz__html_add(&small, "<", 1) == SMZ_OK && smz_strbuf_len(&small) == 4, "&lt; fits in 4");
    smz_strbuf_free(&small);
    smz_strbuf_init(&small, 4);
    CHECK(smz__html_add(&small, "&", 1) == SMZ_E_TOOBIG, "&amp; does not fit in 4");
    smz_strbuf_free(&small);
}

static void test_detach(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 100);
    char *out = NULL;
    size_t len = 1;
    CHECK(smz_strbuf_detach(&b, &out, &len) == SMZ_OK && out && !strcmp(out, "") && len == 0,
          "detaching an empty buffer gives an allocated \"\"");
    free(out);
    smz_strbuf_adds(&b, "text");
    CHECK(smz_strbuf_detach(&b, &out, NULL) == SMZ_OK && !strcmp(out, "text"),
          "detach hands out the string");
    CHECK(smz_strbuf_len(&b) == 0 && b.p == NULL, "and leaves the buffer empty");
    free(out);
    smz_strbuf_free(&b);
}

static void test_reserve_room_fail(void)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 16);
    CHECK(smz_strbuf_reserve(&b, 16) == SMZ_OK && smz_strbuf_len(&b) == 0 && b.cap >= 17,
          "reserve makes room for the cap and adds nothing");
    char *at = smz_strbuf_room(&b, 3);
    CHECK(at && smz_strbuf_len(&b) == 3 && at[3] == 0, "room hands out 3 bytes, NUL after them");
    memcpy(at, "abc", 3);
    CHECK(smz_strbuf_adds(&b, "d") == SMZ_OK && !strcmp(smz_strbuf_str(&b), "abcd"),
          "bytes filled in place");
    CHECK(smz_strbuf_room(&b, 13) == NULL && smz_strbuf_err(&b) == SMZ_E_TOOBIG,
          "room past the cap is NULL and the error sticks");
    smz_strbuf_free(&b);

    smz_strbuf_init(&b, 16);
    CHECK(smz_strbuf_reserve(&b, 17) == SMZ_E_TOOBIG && smz_strbuf_adds(&b, "x") == SMZ_E_TOOBIG,
          "reserve past the cap fails like an append");
    smz_strbuf_free(&b);

    smz_strbuf_init(&b, 16);
    smz_strbuf_adds(&b, "kept?");
    smz_strbuf_fail(&b, SMZ_E_NOMEM);
    CHECK(smz_strbuf_err(&b) == SMZ_E_NOMEM && smz_strbuf_len(&b) == 0 &&
              !strcmp(smz_strbuf_str(&b), ""),
          "fail records the error and drops the contents");
    smz_strbuf_fail(&b, SMZ_E_TOOBIG);
    CHECK(smz_strbuf_err(&b) == SMZ_E_NOMEM && smz_strbuf_adds(&b, "y") == SMZ_E_NOMEM,
          "the first error stays");
    smz_strbuf_free(&b);
}

int main(void)
{
    test_reserve_room_fail();
    test_add_and_cap();
    test_growth();
    test_printf();
    test_html();
    test_detach();
    return CHECK_DONE();
}
