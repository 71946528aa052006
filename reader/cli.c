/* Shared helpers of the smz front-end (see cli.h). */
#include <stdlib.h>
#include <string.h>
#include "../common/i18n.h"
#include "cli.h"
#include "smz/util.h"

/* Set when a string could not be made safe to print for lack of memory:
 * the output then holds a placeholder, and the command must not report
 * success (main.c turns it into exit status 2). */
static int output_lost;

smz_reader *cli_open_rc(const char *path, smz_cache *cache, smz_err *rcp)
{
    return cli_open_lang(path, cache, i18n_cli(), rcp);
}

smz_reader *cli_open_lang(const char *path, smz_cache *cache, int lang, smz_err *rcp)
{
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open_lang(path, cache, lang, &r);
    if (rcp)
        *rcp = rc;
    if (rc == SMZ_OK)
        return r;
    fprintf(stderr, "smz: %s\n", cli_t(r ? smz_reader_errmsg(r) : _(smz_strerror(rc))));
    smz_reader_close(r);
    return NULL;
}

smz_reader *cli_open(const char *path, smz_cache *cache)
{
    return cli_open_rc(path, cache, NULL);
}

int cli_open_check_status(smz_err rc)
{
    return rc == SMZ_E_NOTARCHIVE || rc == SMZ_E_VERSION || rc == SMZ_E_CORRUPT || rc == SMZ_E_SIGNATURE
               ? CLI_NO
               : CLI_ERROR;
}

void cli_fail(const char *cmd, smz_reader *r, smz_err rc)
{
    const char *m = r ? smz_reader_errmsg(r) : "";
    fprintf(stderr, "smz %s: %s\n", cmd, cli_t(m && *m ? m : _(smz_strerror(rc))));
}

void cli_skip_warn(void *cmd, const char *path, const char *message)
{
    (void)path; /* the message names it */
    fprintf(stderr, _("smz %s: skipped a malformed entry: %s\n"), (const char *)cmd, cli_t(message));
}

void cli_debug_decodes(const smz_reader *r)
{
    uint64_t n = 0, bytes = 0;
    if (!r || !getenv("SMZ_DEBUG_DECODES"))
        return;
    smz_reader_decoded(r, &n, &bytes);
    fprintf(stderr, "smz: decoded %llu clusters, %llu bytes\n", (unsigned long long)n,
            (unsigned long long)bytes);
}

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* The quoting is lib/text/json's.  The handle holds nothing more now; it
 * stays so that the commands' calls need not change. */
struct cli_json {
    int unused;
};

cli_json *cli_json_new(void)
{
    return calloc(1, sizeof(cli_json));
}

void cli_json_free(cli_json *j)
{
    if (!j)
        return;
    free(j);
}

void cli_json_str(cli_json *j, FILE *out, const char *s, long len)
{
    size_t n = s ? (len < 0 ? strlen(s) : (size_t)len) : 0;
    smz_strbuf b;
    (void)j;
    /* An invalid byte becomes 3 bytes, a control 6 (\u00XX). */
    smz_strbuf_init(&b, n * 6 + 16);
    if (smz_json_str(&b, s, n) == SMZ_OK)
        fwrite(smz_strbuf_str(&b), 1, smz_strbuf_len(&b), out);
    else {
        output_lost = 1;
        fputs("\"\"", out);
    }
    smz_strbuf_free(&b);
}

int cli_output_lost(void)
{
    return output_lost;
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
    if (smz_term_escape(b, s, len) != SMZ_OK) {
        output_lost = 1;
        return "(unprintable)";
    }
    return smz_strbuf_str(b);
}

const char *cli_t(const char *s)
{
    return cli_tn(s, s ? strlen(s) : 0);
}
