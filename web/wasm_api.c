/* The WebAssembly module's API (web/worker.js calls it through cwrap): a
 * library of archives opened by smz_server_open, as `smz serve` would
 * serve them, and each request answered by the server's own routing
 * (smz_server_answer) over an in-memory connection (mg_mem.c), so that
 * every page is byte for byte what smz serve gives.
 *
 *   smzw_open(paths, trust, scripts)  '\n'-separated file system paths of
 *       archives (or folders) and of trusted .pub keys; replaces the library
 *       open before; 0, or -1 with smzw_errmsg()
 *   smzw_request(method, target, range)  the raw target as a browser sends
 *       it ("/search?q=a%20b"), a Range header value or "": the length of
 *       the raw answer at smzw_response() (status line, header fields, empty
 *       line, body), -1 when out of memory
 *   smzw_language(accept, msgids)  the interface's language from now on:
 *       ACCEPT, an Accept-Language value (the page makes it from
 *       navigator.languages), goes with every request, so the server
 *       chooses as for a browser; returns "TAG DIR" (the language chosen:
 *       "zh-Hant ltr") and a line per '\n'-separated msgid of MSGIDS, its
 *       translation (the page's own words, from the same catalogues)
 *   smzw_errmsg(), smzw_warnings() ('\n'-joined), smzw_version()
 *
 * The catalogues are po/LANG.po compiled by msgfmt, embedded in the module's
 * file system at /locale (the Makefile: --embed-file); natively (the unit
 * test) they are SMZ_LOCALEDIR's.
 *
 * The module runs in one Web Worker with no threads: it keeps its one
 * server in a static (the only global state of the module; the library
 * and server/ keep none).  Archived pages' scripts never reach this: they
 * run in a sandboxed frame of the page and talk to nothing but the page. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlversion.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>
#include "smz/i18n.h"
#include "smz/util.h"
#include "mg_mem.h"
#include "wasm_api.h"
#include "../server/server.h"

/* Bound of the cache of decompressed clusters: the tab must stay under
 * 150 MB whatever the archive.  At 32 MiB the tab measured 147-151 MiB
 * (USS) on pydoc and gen-100k; at 16 (two or three 6 MiB clusters) 138,
 * for a search on gen-100k about 10% slower (bench/reader.py). */
#define SMZW_CACHE_MB 16
/* Most archives or keys in one smzw_open, and warnings kept. */
#define SMZW_MAX_LIST 1024
#define SMZW_MAX_WARNINGS (64u << 10)
/* Longest Accept-Language kept, and most of the page's words asked at once. */
#define SMZW_MAX_ACCEPT 256
#define SMZW_MAX_WORDS (256u << 10)

static struct {
    smz_server *s;
    smz_server_worker *w;
    struct mg_connection *c;
    smz_strbuf warnings;
    smz_strbuf own;               /* an answer made here, not by the server */
    const unsigned char *resp;    /* the last answer */
    smz_strbuf words;             /* smzw_language's answer */
    char accept[SMZW_MAX_ACCEPT]; /* Accept-Language of every request */
    unsigned langs;               /* the catalogues found (smz_i18n_bind) */
    int lang;                     /* smzw_language's choice: smzw_errmsg speaks it */
    char errmsg[1024];
    int ready;
} M;

static void warn(void *ctx, const char *message)
{
    (void)ctx;
    if (smz_strbuf_len(&M.warnings))
        smz_strbuf_add(&M.warnings, "\n", 1);
    smz_strbuf_adds(&M.warnings, message);
}

static void close_library(void)
{
    smz_server_worker_free(M.w);
    smz_server_free(M.s);
    M.w = NULL;
    M.s = NULL;
}

static void init_once(void)
{
    if (M.ready)
        return;
    smz_strbuf_init(&M.warnings, SMZW_MAX_WARNINGS);
    smz_strbuf_init(&M.own, 4096);
    smz_strbuf_init(&M.words, SMZW_MAX_WORDS);
#ifdef __EMSCRIPTEN__
    M.langs = smz_i18n_bind("/locale");
#else
    const char *dir = getenv("SMZ_LOCALEDIR");
    unsetenv("LANGUAGE");
    setlocale(LC_MESSAGES, "C.UTF-8");
    M.langs = dir && dir[0] ? smz_i18n_bind(dir) : 1u;
#endif
    M.ready = 1;
}

/* Splits the '\n'-separated LIST (a copy in *COPY) into up to
 * SMZW_MAX_LIST non-empty items; their count, or -1. */
static long split(const char *list, char **copy, const char **items)
{
    long n = 0;
    if (!(*copy = strdup(list ? list : "")))
        return -1;
    for (char *p = *copy; *p;) {
        size_t k = strcspn(p, "\n");
        char *next = p[k] ? p + k + 1 : p + k;
        p[k] = 0;
        if (k) {
            if (n == SMZW_MAX_LIST)
                return -1;
            items[n++] = p;
        }
        p = next;
    }
    return n;
}

int smzw_open(const char *paths, const char *trust, int scripts)
{
    static const char *path_v[SMZW_MAX_LIST], *trust_v[SMZW_MAX_LIST];
    static const char *const host[] = {SMZW_HOST};
    char *pcopy = NULL, *tcopy = NULL;
    int rc = -1;
    init_once();
    close_library();
    smz_strbuf_free(&M.warnings);
    M.errmsg[0] = 0;
    long np = split(paths, &pcopy, path_v), nt = split(trust, &tcopy, trust_v);
    if (np < 0 || nt < 0) {
        snprintf(M.errmsg, sizeof M.errmsg, "%s",
                 !pcopy || !tcopy ? smz_tr(M.lang, "out of memory") : smz_tr(M.lang, "too many files"));
        goto out;
    }
    smz_serve_opts o = {.paths = path_v,
                        .n_paths = (size_t)np,
                        .hostnames = host,
                        .n_hostnames = 1,
                        .threads = 1, /* the one worker below */
                        .cache_mb = SMZW_CACHE_MB,
                        .no_scripts = !scripts,
                        .trust = trust_v,
                        .n_trust = (size_t)nt,
                        .languages = M.langs,
                        .warn = warn,
                        .warn_lang = M.lang};
    if (!(M.s = smz_server_new())) {
        snprintf(M.errmsg, sizeof M.errmsg, "%s", smz_tr(M.lang, "out of memory"));
        goto out;
    }
    if (smz_server_open(M.s, &o) != SMZ_OK) {
        snprintf(M.errmsg, sizeof M.errmsg, "%s", smz_server_errmsg(M.s));
        goto out;
    }
    /* Read every archive's metadata now, so that one that cannot be read
     * is said at once, not on the first page. */
    if (smz_server_load(M.s) == 0) {
        /* TRANSLATORS: the browser reader, when none of the files picked opens; %.900s is why, per
           file (the library's words). */
        if (smz_strbuf_len(&M.warnings))
            snprintf(M.errmsg, sizeof M.errmsg, smz_tr(M.lang, "no archive can be read: %.900s"),
                     smz_strbuf_str(&M.warnings));
        else
            snprintf(M.errmsg, sizeof M.errmsg, "%s", smz_tr(M.lang, "no archive can be read"));
        goto out;
    }
    if (!(M.w = smz_server_worker_new(M.s)) || (!M.c && !(M.c = mg_mem_new()))) {
        snprintf(M.errmsg, sizeof M.errmsg, "%s", smz_tr(M.lang, "out of memory"));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        close_library();
    free(pcopy);
    free(tcopy);
    return rc;
}

const char *smzw_errmsg(void)
{
    return M.errmsg[0] ? M.errmsg : "no error";
}

const char *smzw_warnings(void)
{
    return M.ready ? smz_strbuf_str(&M.warnings) : "";
}

/* An answer of our own, for what never reaches the server. */
static int own_answer(int status, const char *reason, const char *text)
{
    smz_strbuf_free(&M.own);
    smz_strbuf_addf(
        &M.own,
        "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
        "X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\n\r\n%s",
        status, reason, strlen(text), text);
    if (smz_strbuf_err(&M.own))
        return -1;
    M.resp = (const unsigned char *)smz_strbuf_str(&M.own);
    return (int)smz_strbuf_len(&M.own);
}

int smzw_request(const char *method, const char *target, const char *range)
{
    size_t n;
    init_once();
    M.resp = NULL;
    if (!M.s)
        return own_answer(503, "Service Unavailable", "No archive is open.\n");
    if (mg_mem_request(M.c, method ? method : "", target ? target : "", SMZW_HOST, range, M.accept) != 0)
        return own_answer(400, "Bad Request", "Bad request: not a request line.\n");
    smz_server_answer(M.s, M.w, M.c);
    if (!(M.resp = mg_mem_answer(M.c, &n)) || n > (size_t)0x7fffffff)
        return -1;
    return (int)n;
}

const unsigned char *smzw_response(void)
{
    return M.resp;
}

const char *smzw_language(const char *accept, const char *msgids)
{
    init_once();
    M.accept[0] = 0;
    /* A header value: printable ASCII (what navigator.languages gives). */
    size_t n = accept ? strlen(accept) : 0, i = 0;
    while (i < n && accept[i] >= 0x20 && accept[i] < 0x7F)
        i++;
    if (i == n && n < sizeof M.accept)
        memcpy(M.accept, accept, n + 1);
    int l = smz_ui_lang_negotiate(M.accept, M.langs, SMZ_UI_EN);
    M.lang = l;
    const smz_ui_lang *ui = smz_ui_lang_at(l);
    smz_strbuf_free(&M.words);
    smz_strbuf_addf(&M.words, "%s %s", ui->tag, ui->rtl ? "rtl" : "ltr");
    smz_strbuf id;
    smz_strbuf_init(&id, 1u << 16);
    for (const char *p = msgids ? msgids : ""; *p;) {
        size_t k = strcspn(p, "\n");
        smz_strbuf_reset(&id);
        smz_strbuf_add(&id, p, k);
        smz_strbuf_adds(&M.words, "\n");
        /* One line each: a translation's line breaks become spaces. */
        for (const char *t = smz_tr(l, smz_strbuf_str(&id)); *t; t++)
            smz_strbuf_add(&M.words, *t == '\n' ? " " : t, 1);
        p += k + (p[k] == '\n');
    }
    smz_strbuf_free(&id);
    return smz_strbuf_err(&M.words) ? "en ltr" : smz_strbuf_str(&M.words);
}

/* The versions of the libraries inside, for the page's About.  The build's
 * own identity is the hash of the module file, which the page carries (a
 * string in the module cannot name the hash of the module it is in). */
const char *smzw_version(void)
{
    static char v[160];
    if (!v[0])
        snprintf(v, sizeof v, "SQLite %s, zstd %s, libxml2 %s, libsodium %s", sqlite3_libversion(),
                 ZSTD_versionString(), LIBXML_DOTTED_VERSION, sodium_version_string());
    return v;
}
