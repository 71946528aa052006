/* A collection's metadata file (see smz/pack.h): a small JSON object with
 * the archive's Title, Description, Language and so on, and optionally a
 * title and date for single files.
 *
 * The file comes with the collection, so it is untrusted: its size is
 * capped before it is read, it must be UTF-8, SQLite's JSON functions (on
 * an in-memory database) parse it, and every value is checked for its type,
 * its length, control characters and, where the format fixes one, its shape
 * (dates, language codes, names, paths).  Nothing is kept from a file that
 * fails, so a bad file changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smz/i18n.h"
#include "entry.h"
#include "error.h"
#include "format.h"
#include "text/date.h"
#include "text/lang.h"
#include "text/utf8.h"
#include "util/file.h"

/* The collection keys a file may set, as in docs/FORMAT.md. */
static const char *const KEYS[] = {"Title", "Description", "Language", "Name",    "Creator", "Publisher",
                                   "Date",  "Tags",        "Source",   "License", "MainPage"};
#define N_KEYS (sizeof KEYS / sizeof KEYS[0])
#define MAX_FILES 64 /* metadata files read into one set */

typedef struct meta_file {
    dev_t dev;
    ino_t ino;
} meta_file;

/* A key kept as it came with no option of its own (a ZIM's LongDescription,
 * Flavour, ...): written to the archive as it is. */
typedef struct kept_key {
    char *key, *value;
    size_t len;
} kept_key;

struct smz_pack_meta {
    int lang; /* smz_pack_meta_set_lang */
    char *values[N_KEYS];
    kept_key *kept; /* in the order they came, keys unique */
    size_t n_kept, cap_kept;
    unsigned char *png; /* a source's own illustration (a ZIM's), a 48x48 PNG */
    size_t png_len;
    smz_pack_article *articles; /* sorted by path, paths unique */
    size_t n_articles;
    meta_file files[MAX_FILES];
    size_t n_files;
    char errmsg[1024]; /* smz_pack_meta_errmsg: why the last read failed */
};

smz_err smz_pack_meta_new(smz_pack_meta **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? SMZ_OK : SMZ_E_NOMEM;
}

static void free_articles(smz_pack_article *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].path);
        free(a[i].title);
        free(a[i].date);
    }
    free(a);
}

void smz_pack_meta_free(smz_pack_meta *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < N_KEYS; i++)
        free(m->values[i]);
    for (size_t i = 0; i < m->n_kept; i++) {
        free(m->kept[i].key);
        free(m->kept[i].value);
    }
    free(m->kept);
    free(m->png);
    free_articles(m->articles, m->n_articles);
    free(m);
}

const char *smz_pack_meta_get(const smz_pack_meta *m, const char *key)
{
    if (!m || !key)
        return NULL;
    for (size_t i = 0; i < N_KEYS; i++)
        if (!strcmp(KEYS[i], key))
            return m->values[i];
    return NULL;
}

static int cmp_article(const void *a, const void *b)
{
    return strcmp(((const smz_pack_article *)a)->path, ((const smz_pack_article *)b)->path);
}

smz_pack_article *smz__pack_meta_article(smz_pack_meta *m, const char *path)
{
    if (!m || !m->n_articles)
        return NULL;
    smz_pack_article key = {.path = (char *)path};
    smz_pack_article *a = bsearch(&key, m->articles, m->n_articles, sizeof key, cmp_article);
    if (a)
        a->used = 1;
    return a;
}

int smz__pack_meta_is_file(const smz_pack_meta *m, const struct stat *sb)
{
    for (size_t i = 0; m && i < m->n_files; i++)
        if (m->files[i].dev == sb->st_dev && m->files[i].ino == sb->st_ino)
            return 1;
    return 0;
}

void smz__pack_meta_warn_unused(const smz_pack_meta *m, const smz_pack_opts *o)
{
    size_t unused = 0;
    for (size_t i = 0; m && i < m->n_articles; i++) {
        if (m->articles[i].used)
            continue;
        if (++unused <= 20 && o && o->warn) {
            char msg[512];
            snprintf(msg, sizeof msg, "metadata: Articles: %.400s: no such file in the sources",
                     m->articles[i].path);
            o->warn(o->ctx, msg);
        }
    }
    if (unused > 20 && o && o->warn) {
        char msg[128];
        snprintf(msg, sizeof msg, "metadata: Articles: %zu more name no file", unused - 20);
        o->warn(o->ctx, msg);
    }
}

/* ------------------------------------------------------------------
 * Parsing */

typedef struct parse {
    sqlite3 *db;
    const char *file; /* for messages */
    const smz_pack_opts *o;
    char *err;
    size_t errlen;
    smz_pack_meta *m; /* what this file sets */
    size_t cap_articles;
    int lang; /* of the messages: O's, else the target's (smz_pack_meta_set_lang) */
} parse;

static smz_err fail(parse *ps, smz_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static smz_err fail(parse *ps, smz_err e, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, ps->lang, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "%s: %s", ps->file, msg);
    return e;
}

static void warn(parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(parse *ps, const char *fmt, ...)
{
    char msg[768], line[1024];
    va_list ap;
    if (!ps->o || !ps->o->warn)
        return;
    va_start(ap, fmt);
    smz__vformat_lang(msg, sizeof msg, ps->lang, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", ps->file, msg);
    ps->o->warn(ps->o->ctx, line);
}

/* A key or path from the file made safe to print: at most 80 bytes, control
 * characters and quotes as '?', cut at a character. */
static const char *shown(const char *s, char out[96])
{
    size_t n = smz__utf8_cut(s, strlen(s), 80), k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = c < 0x20 || c == 0x7F || c == '"' ? '?' : (char)c;
    }
    if (n < strlen(s)) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = 0;
    return out;
}

/* The value is one line of valid UTF-8 text, not empty, not too long.
 * LEN comes from SQLite, so an escaped NUL ("\u0000") shows as LEN being
 * more than strlen. */
static smz_err check_text(parse *ps, const char *what, const char *v, size_t len)
{
    char k[96];
    if (len > SMZ_PACK_META_MAX_VALUE)
        return fail(ps, SMZ_E_TOOBIG, "%s is over %u bytes", shown(what, k), SMZ_PACK_META_MAX_VALUE);
    if (strlen(v) != len || !smz_utf8_valid(v, len))
        return fail(ps, SMZ_E_INVALID, "%s is not valid UTF-8 text", shown(what, k));
    int blank = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7F)
            return fail(ps, SMZ_E_INVALID, "%s must be one line without control characters",
                        shown(what, k));
        if (c != ' ')
            blank = 0;
    }
    if (blank)
        return fail(ps, SMZ_E_INVALID, "%s is empty", shown(what, k));
    return SMZ_OK;
}

/* The rules themselves live with the format (lib/format.c, lib/text),
 * where smz check applies them to archives too. */
static int name_ok(const char *s)
{
    return smz__name_ok(s);
}

/* Runs json_each over JSON (text) in *ST (prepared here; the caller
 * finalizes it). */
static smz_err each(parse *ps, const char *json, int len, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(ps->db, "SELECT key, type, value FROM json_each(?1)", -1, st, NULL) !=
            SQLITE_OK ||
        sqlite3_bind_text(*st, 1, json, len, SQLITE_STATIC) != SQLITE_OK)
        return fail(ps, SMZ_E_INTERNAL, "SQLite: %s", sqlite3_errmsg(ps->db));
    return SMZ_OK;
}

static smz_err step_error(parse *ps)
{
    return fail(ps, sqlite3_errcode(ps->db) == SQLITE_NOMEM ? SMZ_E_NOMEM : SMZ_E_INVALID,
                "not valid JSON (%s)", sqlite3_errmsg(ps->db));
}

/* Tags: a string ("a;b") or an array of strings, joined with ';'. */
static smz_err read_tags(parse *ps, const char *type, const char *v, int vlen, char **out)
{
    if (!strcmp(type, "text")) {
        smz_err rc = check_text(ps, "Tags", v, (size_t)vlen);
        if (rc == SMZ_OK && !(*out = strdup(v)))
            rc = SMZ_E_NOMEM;
        return rc;
    }
    if (strcmp(type, "array"))
        return fail(ps, SMZ_E_INVALID, "Tags must be a string or an array of strings");
    sqlite3_stmt *st = NULL;
    char *joined = NULL;
    size_t jl = 0;
    smz_err rc = each(ps, v, vlen, &st);
    int src;
    while (rc == SMZ_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 1),
                   *s = (const char *)sqlite3_column_text(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        if (!t || strcmp(t, "text") || !s) {
            rc = fail(ps, SMZ_E_INVALID, "Tags must be a string or an array of strings");
            break;
        }
        if ((rc = check_text(ps, "a tag", s, n)) != SMZ_OK)
            break;
        if (strchr(s, ';')) {
            rc = fail(ps, SMZ_E_INVALID, "a tag in an array cannot hold ';' (the separator)");
            break;
        }
        if (jl + n + 1 > SMZ_PACK_META_MAX_VALUE) {
            rc = fail(ps, SMZ_E_TOOBIG, "Tags are over %u bytes", SMZ_PACK_META_MAX_VALUE);
            break;
        }
        char *nj = realloc(joined, jl + n + 2);
        if (!nj) {
            rc = SMZ_E_NOMEM;
            break;
        }
        joined = nj;
        if (jl)
            joined[jl++] = ';';
        memcpy(joined + jl, s, n + 1);
        jl += n;
    }
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = step_error(ps);
    if (rc == SMZ_OK && !jl)
        rc = fail(ps, SMZ_E_INVALID, "Tags is an empty array");
    sqlite3_finalize(st);
    if (rc != SMZ_OK) {
        free(joined);
        return rc;
    }
    *out = joined;
    return SMZ_OK;
}

/* One member of "Articles": {"Title": "...", "Date": "YYYY-MM-DD"}. */
static smz_err read_article(parse *ps, const char *path, const char *v, int vlen)
{
    char k[96], k2[96];
    smz_pack_article a = {0};
    sqlite3_stmt *st = NULL;
    int src;
    smz_err rc = SMZ_OK;
    if (!smz_path_valid(path))
        return fail(ps, SMZ_E_INVALID, "Articles: \"%s\" is not a valid path", shown(path, k));
    if (ps->m->n_articles == ps->cap_articles) {
        size_t cap = ps->cap_articles ? ps->cap_articles * 2 : 16;
        smz_pack_article *na = realloc(ps->m->articles, cap * sizeof *na);
        if (!na)
            return SMZ_E_NOMEM;
        ps->m->articles = na;
        ps->cap_articles = cap;
    }
    if ((rc = each(ps, v, vlen, &st)) != SMZ_OK)
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0),
                   *t = (const char *)sqlite3_column_text(st, 1);
        const char *s = (const char *)sqlite3_column_text(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        int is_title = key && !strcasecmp(key, "Title"), is_date = key && !strcasecmp(key, "Date");
        if (!key)
            continue;
        if (!is_title && !is_date) {
            warn(ps, "Articles: \"%s\": unknown key \"%s\" ignored (Title and Date are known)",
                 shown(path, k), shown(key, k2));
            continue;
        }
        char **dst = is_title ? &a.title : &a.date;
        if (*dst) {
            rc = fail(ps, SMZ_E_INVALID, "Articles: \"%s\": %s is given twice", shown(path, k),
                      is_title ? "Title" : "Date");
            goto out;
        }
        if (!t || strcmp(t, "text") || !s) {
            rc = fail(ps, SMZ_E_INVALID, "Articles: \"%s\": %s must be a string", shown(path, k),
                      is_title ? "Title" : "Date");
            goto out;
        }
        if ((rc = check_text(ps, is_title ? "an article's Title" : "an article's Date", s, n)) != SMZ_OK)
            goto out;
        if (is_date && !smz__date_ok(s)) {
            rc = fail(ps, SMZ_E_INVALID, "Articles: \"%s\": Date must be a real date written YYYY-MM-DD",
                      shown(path, k));
            goto out;
        }
        if (!(*dst = strdup(s))) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
    }
    if (src != SQLITE_DONE) {
        rc = step_error(ps);
        goto out;
    }
    if (!(a.path = strdup(path))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    ps->m->articles[ps->m->n_articles++] = a;
    a = (smz_pack_article){0};
out:
    sqlite3_finalize(st);
    free(a.path);
    free(a.title);
    free(a.date);
    return rc;
}

static smz_err read_articles(parse *ps, const char *type, const char *v, int vlen)
{
    if (strcmp(type, "object"))
        return fail(ps, SMZ_E_INVALID,
                    "Articles must be an object: {\"path\": {\"Title\": ..., \"Date\": ...}}");
    sqlite3_stmt *st = NULL;
    int src;
    smz_err rc = each(ps, v, vlen, &st);
    while (rc == SMZ_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0),
                   *t = (const char *)sqlite3_column_text(st, 1);
        char k[96];
        if (!path || (size_t)sqlite3_column_bytes(st, 0) != strlen(path) ||
            !smz_utf8_valid(path, strlen(path))) {
            rc = fail(ps, SMZ_E_INVALID, "Articles: a path is not valid UTF-8 text");
            break;
        }
        if (!t || strcmp(t, "object")) {
            rc = fail(ps, SMZ_E_INVALID, "Articles: \"%s\" must be an object with Title and/or Date",
                      shown(path, k));
            break;
        }
        rc = read_article(ps, path, (const char *)sqlite3_column_text(st, 2),
                          sqlite3_column_bytes(st, 2));
    }
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = step_error(ps);
    sqlite3_finalize(st);
    if (rc != SMZ_OK)
        return rc;
    qsort(ps->m->articles, ps->m->n_articles, sizeof *ps->m->articles, cmp_article);
    for (size_t i = 1; i < ps->m->n_articles; i++)
        if (!strcmp(ps->m->articles[i - 1].path, ps->m->articles[i].path)) {
            char k[96];
            return fail(ps, SMZ_E_INVALID, "Articles: \"%s\" is given twice",
                        shown(ps->m->articles[i].path, k));
        }
    return SMZ_OK;
}

static smz_err read_key(parse *ps, size_t i, const char *type, const char *v, int vlen)
{
    char **dst = &ps->m->values[i];
    const char *key = KEYS[i];
    smz_err rc;
    if (!strcmp(key, "Tags"))
        return read_tags(ps, type, v, vlen, dst);
    if (strcmp(type, "text") || !v)
        return fail(ps, SMZ_E_INVALID, "%s must be a string, not %s", key,
                    !strcmp(type, "text") ? "null" : type);
    if ((rc = check_text(ps, key, v, (size_t)vlen)) != SMZ_OK)
        return rc;
    if (!strcmp(key, "Language") && !smz__lang_list_ok(v))
        return fail(ps, SMZ_E_INVALID,
                    "Language must be ISO 639-3 codes such as \"eng\" or \"eng,fra\"");
    if (!strcmp(key, "Date") && !smz__date_ok(v))
        return fail(ps, SMZ_E_INVALID, "Date must be a real date written YYYY-MM-DD");
    if (!strcmp(key, "Name") && !name_ok(v))
        return fail(ps, SMZ_E_INVALID,
                    "Name must be up to 64 letters, digits, '.', '_' or '-', not starting with '.'");
    if (!strcmp(key, "MainPage") && !smz_path_valid(v))
        return fail(ps, SMZ_E_INVALID, "MainPage is not a valid entry path");
    return (*dst = strdup(v)) ? SMZ_OK : SMZ_E_NOMEM;
}

/* 1 when JSON holds the escape \u0000, which SQLite's JSON functions
 * would silently cut a string at. */
static int nul_escape(const char *json, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (json[i] == '\\') {
            if (json[i + 1] == 'u' && i + 5 < len && !memcmp(json + i + 2, "0000", 4))
                return 1;
            i++; /* the escaped character */
        }
    return 0;
}

static smz_err parse_json(parse *ps, const char *json, size_t len)
{
    sqlite3_stmt *st = NULL;
    smz_err rc;
    int src, seen[N_KEYS] = {0}, seen_articles = 0;
    if (sqlite3_prepare_v2(ps->db, "SELECT json_valid(?1), json_type(?1)", -1, &st, NULL) != SQLITE_OK)
        return fail(ps, SMZ_E_INTERNAL, "SQLite: %s", sqlite3_errmsg(ps->db));
    sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
    src = sqlite3_step(st);
    int valid = src == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    const char *t = valid ? (const char *)sqlite3_column_text(st, 1) : NULL;
    int object = t && !strcmp(t, "object");
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_ROW && sqlite3_errcode(ps->db) == SQLITE_NOMEM)
        return SMZ_E_NOMEM;
    if (!valid)
        return fail(ps, SMZ_E_INVALID, "not valid JSON (or nested too deep)");
    if (!object)
        return fail(ps, SMZ_E_INVALID, "must hold one JSON object: {\"Title\": \"...\", ...}");
    if (nul_escape(json, len))
        return fail(ps, SMZ_E_INVALID, "a string holds \\u0000 (a NUL character)");
    if ((rc = each(ps, json, (int)len, &st)) != SMZ_OK)
        return rc;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0),
                   *type = (const char *)sqlite3_column_text(st, 1);
        const char *v = (const char *)sqlite3_column_text(st, 2);
        int vlen = sqlite3_column_bytes(st, 2);
        char k[96];
        size_t i;
        if (!key || !type)
            continue;
        if (!strcasecmp(key, "Articles")) {
            if (seen_articles++) {
                rc = fail(ps, SMZ_E_INVALID, "Articles is given twice");
                break;
            }
            if ((rc = read_articles(ps, type, v, vlen)) != SMZ_OK)
                break;
            continue;
        }
        for (i = 0; i < N_KEYS && strcasecmp(key, KEYS[i]); i++)
            ;
        if (i == N_KEYS) {
            if (!strcasecmp(key, "Illustration") || !strncasecmp(key, "Illustration_", 13))
                warn(ps, "\"%s\" ignored: give the icon with --illustration FILE.png", shown(key, k));
            else
                warn(ps, "unknown key \"%s\" ignored", shown(key, k));
            continue;
        }
        if (seen[i]++) {
            rc = fail(ps, SMZ_E_INVALID, "%s is given twice", KEYS[i]);
            break;
        }
        if ((rc = read_key(ps, i, type, v, vlen)) != SMZ_OK)
            break;
    }
    if (rc == SMZ_OK && src != SQLITE_DONE)
        rc = step_error(ps);
    sqlite3_finalize(st);
    return rc;
}

/* Reads the whole file at PATH, at most SMZ_PACK_META_MAX_FILE bytes. */
static smz_err slurp(parse *ps, const char *path, char **out, size_t *len, struct stat *sb)
{
    const char *why;
    int fd = smz_file_open(path, 0, sb, &why);
    char *buf = NULL;
    size_t n = 0;
    smz_err rc;
    if (fd < 0)
        return fail(ps,
                    errno == ENOENT                      ? SMZ_E_NOTFOUND
                    : errno == EINVAL || errno == EISDIR ? SMZ_E_INVALID
                                                         : SMZ_E_IO,
                    errno == ENOENT || errno == EIO ? "cannot read: %s" : "%s", smz_tr(ps->lang, why));
    if (sb->st_size > (off_t)SMZ_PACK_META_MAX_FILE) {
        rc = fail(ps, SMZ_E_TOOBIG, "over %u bytes: not a metadata file", SMZ_PACK_META_MAX_FILE);
        goto out;
    }
    if (!(buf = malloc(SMZ_PACK_META_MAX_FILE + 2))) {
        rc = SMZ_E_NOMEM;
        goto out;
    }
    for (;;) { /* up to one byte past the cap, to see a file that grew */
        ssize_t r = read(fd, buf + n, SMZ_PACK_META_MAX_FILE + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = fail(ps, SMZ_E_IO, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (r == 0 || (n += (size_t)r) > SMZ_PACK_META_MAX_FILE)
            break;
    }
    if (n > SMZ_PACK_META_MAX_FILE) {
        rc = fail(ps, SMZ_E_TOOBIG, "over %u bytes: not a metadata file", SMZ_PACK_META_MAX_FILE);
        goto out;
    }
    buf[n] = 0;
    size_t skip = n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a BOM */
    if (memchr(buf, 0, n) || !smz_utf8_valid(buf + skip, n - skip)) {
        rc = fail(ps, SMZ_E_INVALID, "not UTF-8 text (a metadata file is JSON in UTF-8)");
        goto out;
    }
    memmove(buf, buf + skip, n - skip + 1);
    *out = buf;
    *len = n - skip;
    buf = NULL;
    rc = SMZ_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

const char *smz_pack_meta_errmsg(const smz_pack_meta *m)
{
    return m ? m->errmsg : "out of memory";
}

smz_err smz_pack_meta_read(smz_pack_meta *m, const char *path, const smz_pack_opts *o)
{
    if (!m)
        return SMZ_E_INVALID;
    char *err = m->errmsg;
    parse ps = {
        .file = path, .o = o, .err = err, .errlen = sizeof m->errmsg, .lang = o ? o->lang : m->lang};
    char *json = NULL;
    size_t len = 0;
    struct stat sb;
    smz_err rc;
    err[0] = 0;
    if (!path) {
        snprintf(err, sizeof m->errmsg, "smz_pack_meta_read: NULL path");
        return SMZ_E_INVALID;
    }
    if (m->n_files == MAX_FILES)
        return fail(&ps, SMZ_E_TOOBIG, "more than %d metadata files", MAX_FILES);
    if ((rc = slurp(&ps, path, &json, &len, &sb)) != SMZ_OK)
        return rc;
    if ((rc = smz_pack_meta_new(&ps.m)) != SMZ_OK)
        goto out;
    if (sqlite3_open_v2(":memory:", &ps.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = fail(&ps, SMZ_E_NOMEM, "cannot open SQLite in memory");
        goto out;
    }
    if ((rc = parse_json(&ps, json, len)) != SMZ_OK)
        goto out;

    /* Merge: this file's keys replace; its articles replace by path. */
    for (size_t i = 0; i < N_KEYS; i++)
        if (ps.m->values[i]) {
            free(m->values[i]);
            m->values[i] = ps.m->values[i];
            ps.m->values[i] = NULL;
        }
    if (ps.m->n_articles) {
        size_t n = m->n_articles + ps.m->n_articles, k = 0;
        smz_pack_article *all = malloc(n * sizeof *all);
        if (!all) {
            rc = SMZ_E_NOMEM;
            goto out;
        }
        /* Both sorted and unique: merge, the new one winning a tie. */
        size_t a = 0, b = 0;
        while (a < m->n_articles || b < ps.m->n_articles) {
            int c = a == m->n_articles      ? 1
                    : b == ps.m->n_articles ? -1
                                            : strcmp(m->articles[a].path, ps.m->articles[b].path);
            if (c < 0) {
                all[k++] = m->articles[a++];
            } else {
                if (c == 0) { /* replaced */
                    free(m->articles[a].path);
                    free(m->articles[a].title);
                    free(m->articles[a].date);
                    a++;
                }
                all[k++] = ps.m->articles[b++];
            }
        }
        free(m->articles);
        free(ps.m->articles);
        ps.m->articles = NULL;
        ps.m->n_articles = 0;
        m->articles = all;
        m->n_articles = k;
    }
    m->files[m->n_files++] = (meta_file){.dev = sb.st_dev, .ino = sb.st_ino};
    rc = SMZ_OK;
out:
    if (rc == SMZ_E_NOMEM && !err[0])
        fail(&ps, rc, "out of memory");
    if (ps.db)
        sqlite3_close(ps.db);
    smz_pack_meta_free(ps.m);
    free(json);
    return rc;
}

smz_err smz_pack_meta_read_dir(smz_pack_meta *m, const char *dir, const smz_pack_opts *o)
{
    char *path = NULL;
    struct stat sb;
    if (!m)
        return SMZ_E_INVALID;
    m->errmsg[0] = 0;
    if (asprintf(&path, "%s/%s", dir, SMZ_PACK_META_FILE) < 0) {
        snprintf(m->errmsg, sizeof m->errmsg, "out of memory");
        return SMZ_E_NOMEM;
    }
    smz_err rc = SMZ_OK;
    if (lstat(path, &sb) == 0)
        rc = smz_pack_meta_read(m, path, o);
    free(path);
    return rc;
}

void smz_pack_meta_set_lang(smz_pack_meta *m, int lang)
{
    if (m)
        m->lang = lang;
}

smz_err smz_pack_meta_set(smz_pack_meta *m, const char *key, const char *value, const char *from)
{
    if (!m)
        return SMZ_E_INVALID;
    char *err = m->errmsg;
    parse ps = {.file = from ? from : key, .err = err, .errlen = sizeof m->errmsg, .lang = m->lang};
    smz_err rc;
    size_t i;
    err[0] = 0;
    for (i = 0; key && i < N_KEYS && strcmp(key, KEYS[i]); i++)
        ;
    if (!key || !value || i == N_KEYS)
        return fail(&ps, SMZ_E_INVALID, "not a collection key");
    /* The same checks as a file's value: the command line and the file
     * cannot disagree on what is valid, nor on how they say it. */
    if ((rc = smz_pack_meta_new(&ps.m)) != SMZ_OK)
        return fail(&ps, rc, "out of memory");
    size_t len = strlen(value);
    if (len > (size_t)SMZ_PACK_META_MAX_VALUE * 2)
        rc = fail(&ps, SMZ_E_TOOBIG, "%s is over %u bytes", key, SMZ_PACK_META_MAX_VALUE);
    else if ((rc = read_key(&ps, i, "text", value, (int)len)) == SMZ_OK) {
        free(m->values[i]);
        m->values[i] = ps.m->values[i];
        ps.m->values[i] = NULL;
    } else if (rc == SMZ_E_NOMEM && !err[0])
        fail(&ps, rc, "out of memory");
    smz_pack_meta_free(ps.m);
    return rc;
}

/* ------------------------------------------------------------------
 * What other sources bring (a ZIM's metadata, lib/pack/zim_input.c): keys
 * with no option of their own, kept as they are, and an illustration. */

smz_err smz__pack_meta_keep(smz_pack_meta *m, const char *key, const char *value, size_t len)
{
    char *k = NULL, *v = NULL;
    size_t i;
    for (i = 0; i < m->n_kept && strcmp(m->kept[i].key, key); i++)
        ;
    if (!(k = strdup(key)) || !(v = malloc(len + 1)))
        goto nomem;
    memcpy(v, value, len);
    v[len] = 0;
    if (i == m->n_kept) {
        if (m->n_kept == m->cap_kept) {
            size_t cap = m->cap_kept ? m->cap_kept * 2 : 8;
            kept_key *nk = realloc(m->kept, cap * sizeof *nk);
            if (!nk)
                goto nomem;
            m->kept = nk;
            m->cap_kept = cap;
        }
        m->n_kept++;
    } else { /* a later source's value replaces, as a later file's does */
        free(m->kept[i].key);
        free(m->kept[i].value);
    }
    m->kept[i] = (kept_key){k, v, len};
    return SMZ_OK;
nomem:
    free(k);
    free(v);
    return SMZ_E_NOMEM;
}

smz_err smz__pack_meta_set_png(smz_pack_meta *m, const unsigned char *png, size_t len)
{
    unsigned char *c = malloc(len ? len : 1);
    if (!c)
        return SMZ_E_NOMEM;
    memcpy(c, png, len);
    free(m->png);
    m->png = c;
    m->png_len = len;
    return SMZ_OK;
}

void smz__pack_meta_seterr(smz_pack_meta *m, const char *msg)
{
    snprintf(m->errmsg, sizeof m->errmsg, "%s", msg);
}

smz_err smz_pack_meta_write_kept(const smz_pack_meta *m, smz_writer *w)
{
    for (size_t i = 0; m && i < m->n_kept; i++) {
        smz_err rc = smz_writer_set_meta(w, m->kept[i].key, m->kept[i].value, m->kept[i].len);
        if (rc != SMZ_OK)
            return rc;
    }
    return SMZ_OK;
}

void smz_pack_meta_illustration(const smz_pack_meta *m, const unsigned char **png, size_t *len)
{
    *png = m ? m->png : NULL;
    *len = m && m->png ? m->png_len : 0;
}
