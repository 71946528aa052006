/* Shared helpers of the smz front-end (see cli.h). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "smz/util.h"

smz_reader *cli_open(const char *path, smz_cache *cache)
{
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(path, cache, &r);
    if (rc == SMZ_OK)
        return r;
    fprintf(stderr, "smz: %s\n", cli_t(r ? smz_reader_errmsg(r) : smz_strerror(rc)));
    smz_reader_close(r);
    return NULL;
}

void cli_fail(const char *cmd, smz_reader *r, smz_err rc)
{
    const char *m = r ? smz_reader_errmsg(r) : "";
    fprintf(stderr, "smz %s: %s\n", cmd, cli_t(m && *m ? m : smz_strerror(rc)));
}

void cli_skip_warn(void *cmd, const char *path, const char *message)
{
    (void)path; /* the message names it */
    fprintf(stderr, "smz %s: skipped a malformed entry: %s\n", (const char *)cmd, cli_t(message));
}

void cli_debug_decodes(const smz_reader *r)
{
    uint64_t n = 0, bytes = 0;
    if (!r || !getenv("SMZ_DEBUG_DECODES"))
        return;
    smz_reader_decoded(r, &n, &bytes);
    fprintf(stderr, "smz: decoded %llu clusters, %llu bytes\n", (unsigned long long)n, (unsigned long long)bytes);
}

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

struct cli_json {
    sqlite3 *db;
    sqlite3_stmt *q;
};

cli_json *cli_json_new(void)
{
    cli_json *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    if (sqlite3_open_v2(":memory:", &j->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(j->db, "SELECT json_quote(CAST(? AS TEXT))", -1, &j->q, NULL) != SQLITE_OK) {
        cli_json_free(j);
        return NULL;
    }
    return j;
}

void cli_json_free(cli_json *j)
{
    if (!j)
        return;
    sqlite3_finalize(j->q);
    sqlite3_close(j->db);
    free(j);
}

void cli_json_str(cli_json *j, FILE *out, const char *s, long len)
{
    size_t n = s ? (len < 0 ? strlen(s) : (size_t)len) : 0;
    smz_strbuf fixed;
    smz_strbuf_init(&fixed, n * 3 + 16);
    /* SQLite's json_quote passes invalid UTF-8 through: invalid JSON. */
    if (s && !smz_utf8_valid(s, n)) {
        if (smz_utf8_add_repaired(&fixed, s, n) == SMZ_OK) {
            s = smz_strbuf_str(&fixed);
            n = smz_strbuf_len(&fixed);
        } else {
            s = "";
            n = 0;
        }
    }
    sqlite3_bind_text(j->q, 1, s ? s : "", (int)n, SQLITE_STATIC);
    if (sqlite3_step(j->q) == SQLITE_ROW)
        fputs((const char *)sqlite3_column_text(j->q, 0), out);
    else
        fputs("\"\"", out);
    sqlite3_reset(j->q);
    smz_strbuf_free(&fixed);
}

/* A few buffers in turn, so that one printf may show several strings. */
#define CLI_T_RING 4
const char *cli_tn(const char *s, size_t len)
{
    static smz_strbuf ring[CLI_T_RING];
    static unsigned next;
    smz_strbuf *b = &ring[next++ % CLI_T_RING];
    if (!s)
        return "";
    if (smz_term_safe(s, len) && s[len] == 0)
        return s;
    /* Escaping at most quadruples a byte (\xHH); a cap keeps a hostile
     * megabyte title from taking more than that. */
    smz_strbuf_free(b);
    smz_strbuf_init(b, len * 8 + 16);
    if (smz_term_escape(b, s, len) != SMZ_OK)
        return "(unprintable)";
    return smz_strbuf_str(b);
}

const char *cli_t(const char *s)
{
    return cli_tn(s, s ? strlen(s) : 0);
}
