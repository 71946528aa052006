/* The server's JSON objects (see json.h).  They were built by SQLite's
 * json_object() on a connection per worker thread; the strings now go
 * through lib/text/json, which writes the same escapes, and the score is
 * formatted as SQLite formats a REAL in JSON ("%!0.15g": always a decimal
 * point or an exponent), so the answers are byte for byte what they were. */
#include <sqlite3.h>
#include "text/escape.h"
#include "json.h"
#include "smz/util.h"

void json_str(smz_strbuf *out, const char *s)
{
    smz_strbuf clean;
    smz_strbuf_init(&clean, out->max);
    smz__utf8_add_clean(&clean, s);
    if (smz_strbuf_err(&clean))
        smz_strbuf_fail(out, smz_strbuf_err(&clean));
    else
        smz_json_str(out, smz_strbuf_str(&clean), smz_strbuf_len(&clean));
    smz_strbuf_free(&clean);
}

/* "NAME":S, after a comma, or after the opening brace when FIRST. */
static void member(smz_strbuf *out, const char *name, const char *s, int first)
{
    smz_strbuf_addf(out, "%s\"%s\":", first ? "{" : ",", name);
    json_str(out, s);
}

void json_hit(smz_strbuf *out, const char *path, const char *title, const char *snippet, double score,
              const char *content)
{
    char num[64];
    sqlite3_snprintf((int)sizeof num, num, "%!0.15g", score == score ? score : 0.0);
    member(out, "path", path, 1);
    member(out, "title", title, 0);
    member(out, "snippet", snippet, 0);
    smz_strbuf_addf(out, ",\"score\":%s", num);
    if (content)
        member(out, "content", content, 0);
    smz_strbuf_add(out, "}", 1);
}

void json_sugg(smz_strbuf *out, const char *path, const char *title, const char *url,
               const smz_span *match, size_t n)
{
    member(out, "path", path, 1);
    member(out, "title", title, 0);
    member(out, "url", url, 0);
    smz_strbuf_adds(out, ",\"match\":[");
    for (size_t i = 0; i < n; i++)
        smz_strbuf_addf(out, "%s[%zu,%zu]", i ? "," : "", match[i].cstart, match[i].clen);
    smz_strbuf_add(out, "]}", 2);
}
