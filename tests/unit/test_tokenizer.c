/* Unit tests for lib/search/tokenizer.c, the "smz" FTS5 tokenizer: exact
 * token streams, searches in several scripts, and above all that a CJK
 * search finds exactly the documents that contain the typed characters
 * (checked against a brute-force substring scan of real Chinese text from
 * the zh_CN man pages), plus hostile bytes.  It also prints, as "#" lines,
 * the index size of this design against unigrams only and the trigram
 * tokenizer on the same text.
 *
 * The token streams docs/FORMAT.md names as normative are in
 * tests/vectors/tokenizer.tsv (read from $TOP, which tests/run.sh sets, or
 * from the current folder); `test_tokenizer --vectors FILE` prints FILE with
 * its last column as this tokenizer makes it, to write new vectors (check
 * them by hand against FORMAT.md before committing them). */
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "testutil.h"
#include "search/tokenizer.h"
#include "text/utf8.h"

#define ZH_MAN "/usr/share/man/zh_CN/man*/*.gz"

/* ---- the token stream, as text: "tok@start-end", "+" for colocated, "~"
 * for SMZ_TOKEN_RAW (a word's unstemmed form) ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static int dump_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    sbuf *b = p;
    char num[64];
    if (b->len)
        sb_add(b, " ", 1);
    if (tflags & FTS5_TOKEN_COLOCATED)
        sb_add(b, "+", 1);
    if (n > 0 && tok[0] == SMZ_TOKEN_RAW) {
        sb_add(b, "~", 1);
        tok++;
        n--;
    }
    sb_add(b, tok, (size_t)n);
    snprintf(num, sizeof num, "@%d-%d", s, e);
    sb_add(b, num, strlen(num));
    return SQLITE_OK;
}

typedef struct tok_handle {
    fts5_tokenizer tk;
    Fts5Tokenizer *t;
} tok_handle;

static int tok_open(sqlite3 *db, int porter, tok_handle *h)
{
    fts5_api *api;
    void *ud;
    const char *args[] = {"porter"};
    if (smz__fts5_api(db, &api) != SMZ_OK || api->xFindTokenizer(api, "smz", &ud, &h->tk) != SQLITE_OK)
        return -1;
    return h->tk.xCreate(ud, args, porter, &h->t) == SQLITE_OK ? 0 : -1;
}

static char *tokens_n(tok_handle *h, int flags, const char *text, size_t len)
{
    sbuf b = {0};
    sb_add(&b, "", 0);
    h->tk.xTokenize(h->t, &b, flags, text, (int)len, dump_cb);
    return b.p;
}

static char *tokens(tok_handle *h, int flags, const char *text)
{
    return tokens_n(h, flags, text, strlen(text));
}

static void expect_tokens(tok_handle *h, int flags, const char *text, const char *want)
{
    char *got = tokens(h, flags, text);
    CHECK(!strcmp(got, want), "%s [%s]: [%s] is [%s]",
          flags & FTS5_TOKENIZE_QUERY ? "query" : "document", text, got, want);
    free(got);
}

static void test_streams(sqlite3 *db)
{
    tok_handle h, hp;
    CHECK(tok_open(db, 0, &h) == 0 && tok_open(db, 1, &hp) == 0, "smz and smz porter create");
    const int D = FTS5_TOKENIZE_DOCUMENT, Q = FTS5_TOKENIZE_QUERY;
    /* The plain streams are the shared vectors (test_vectors); here, those
     * that need a setting or a generated input. */
    {
        char q[100], want[300];
        memset(q, 'x', 70);
        memcpy(q + 70, "ing", 4);
        snprintf(want, sizeof want, "%s@0-73", q);
        expect_tokens(&hp, D, q, want);
    }
    /* smz__tokenizer_raw_upto: only words starting before the limit (a
     * page's title, in an archive) get them. */
    CHECK(smz__tokenizer_raw_upto(db, 5) == SMZ_OK, "smz__tokenizer_raw_upto");
    expect_tokens(&hp, D, "Runs\nruns", "run@0-4 +~runs@0-4 run@5-9");
    CHECK(smz__tokenizer_raw_upto(db, 0) == SMZ_OK, "smz__tokenizer_raw_upto 0");
    expect_tokens(&hp, D, "Runs", "run@0-4");
    expect_tokens(&hp, Q | FTS5_TOKENIZE_PREFIX, "Runs", "run@0-4 +~runs@0-4 +runs@0-4");
    CHECK(smz__tokenizer_raw_upto(db, INT_MAX) == SMZ_OK, "smz__tokenizer_raw_upto INT_MAX");
    { /* A word too long to join goes out alone, in order. */
        char q[200], want[400];
        memset(q, 'x', 70);
        memcpy(q + 70, "_ab cd", 7);
        snprintf(want, sizeof want, "%.70s@0-70 ab@71-73 cd@74-76", q);
        expect_tokens(&h, Q, q, want);
    }
    /* Term frequencies (the writer's mode): a token found 4 times or more
     * gets its level's token at the end; words after WEIGH_FROM count
     * SMZ_TF_WEIGHT times and are not indexed; the hub token last. */
    CHECK(smz__tokenizer_index_tf(db, 1, -1, 0) == SMZ_OK, "smz__tokenizer_index_tf on");
    expect_tokens(&h, D, "zebra zebra zebra zebra the the the the ox ox ox ox 7 7 7 7 lion",
                  "zebra@0-5 zebra@6-11 zebra@12-17 zebra@18-23 the@24-27 the@28-31 the@32-35 the@36-39 "
                  "ox@40-42 ox@43-45 ox@46-48 ox@49-51 7@52-53 7@54-55 7@56-57 7@58-59 lion@60-64 "
                  "+\x02"
                  "2zebra@60-64");
    {
        char *txt = malloc(40 * 6 + 1);
        CHECK(txt != NULL, "malloc");
        for (int i = 0; i < 40; i++)
            memcpy(txt + 6 * i, "kudu  ", 6);
        txt[240] = 0;
        char *got = tokens(&h, D, txt);
        CHECK(strstr(got, "+\x02"
                          "5kudu@") != NULL,
              "40 times: level 5 (%s)", got + strlen(got) - 20);
        free(got);
        free(txt);
    }
    /* A compound gets none (its last word has it); "pg" is too short. */
    expect_tokens(&h, D, "pg_dump pg_dump pg_dump pg_dump",
                  "pg@0-2 dump@3-7 +pg_dump@3-7 pg@8-10 dump@11-15 +pg_dump@11-15 pg@16-18 dump@19-23 "
                  "+pg_dump@19-23 pg@24-26 dump@27-31 +pg_dump@27-31 +\x02"
                  "2dump@27-31");
    /* "lion" 2 times in the text and 1 in the headings (x2): 4. */
    CHECK(smz__tokenizer_index_tf(db, 1, 10, 1) == SMZ_OK, "smz__tokenizer_index_tf, headings, hub");
    expect_tokens(&h, D, "lion lion\nlion",
                  "lion@0-4 lion@5-9 +\x02"
                  "2lion@5-9 +\x03"
                  "1@5-9");
    expect_tokens(&h, Q,
                  "\x02"
                  "3zebra",
                  "\x02"
                  "3zebra@0-5");
    expect_tokens(&hp, Q | FTS5_TOKENIZE_PREFIX,
                  "\x02"
                  "2running",
                  "\x02"
                  "2run@0-7 +\x02"
                  "2\x01running@0-7 +\x02"
                  "2running@0-7");
    expect_tokens(&h, Q,
                  "\x03"
                  "1",
                  "\x03"
                  "1@0-2");
    CHECK(smz__tokenizer_index_tf(db, 0, -1, 0) == SMZ_OK, "smz__tokenizer_index_tf off");
    expect_tokens(&h, D, "ox ox ox ox", "ox@0-2 ox@3-5 ox@6-8 ox@9-11");
    h.tk.xDelete(h.t);
    hp.tk.xDelete(hp.t);
}

/* ---- searches through FTS5 ---- */

/* The rowids matching EXPR in TABLE, as "1 2 3" (or "error: ..."). */
static char *match(sqlite3 *db, const char *table, const char *expr)
{
    char sql[256];
    sqlite3_stmt *st = NULL;
    sbuf b = {0};
    sb_add(&b, "", 0);
    snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY rowid", table, table);
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char num[32];
            snprintf(num, sizeof num, "%s%lld", b.len ? " " : "",
                     (long long)sqlite3_column_int64(st, 0));
            sb_add(&b, num, strlen(num));
        }
    }
    if (rc != SQLITE_DONE) {
        b.len = 0;
        sb_add(&b, "error: ", 7);
        sb_add(&b, sqlite3_errmsg(db), strlen(sqlite3_errmsg(db)));
    }
    sqlite3_finalize(st);
    return b.p;
}

static void expect_match(sqlite3 *db, const char *table, const char *expr, const char *want)
{
    char *got = match(db, table, expr);
    CHECK(!strcmp(got, want), "%s MATCH '%s': [%s] is [%s]", table, expr, got, want);
    free(got);
}

static void test_search(sqlite3 *db)
{
    static const char *const docs[] = {
        /* 1 */ "The quick brown fox is running",
        /* 2 */ "Le café est très bon à Paris",
        /* 3 */ "Москва — столица России",
        /* 4 */ "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας",
        /* 5 */ "中华人民共和国宪法保障人权。",
        /* 6 */ "東京タワーは東京都港区にある電波塔です",
        /* 7 */ "대한민국은 민주공화국이다",
        /* 8 */ "使用Linux内核开发驱动程序",
        /* 9 */ "他说：你好。世界很大",
        /* 10 */ "ＡＢＣ１２３ and full width",
        /* 11 */ "I run every day; the runner ran",
        /* 12 */ "人",
        /* 13 */ "A diplomatic boycott by Happyland activists",
        /* 14 */ "agre",
    };
    int ok = sqlite3_exec(db,
                          "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='smz');"
                          "CREATE VIRTUAL TABLE tp USING fts5(title, body, tokenize='smz porter');",
                          NULL, NULL, NULL) == SQLITE_OK;
    CHECK(ok, "create fts5 tables with smz and smz porter: %s", sqlite3_errmsg(db));
    CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE bad USING fts5(x, tokenize='smz stemmer')", NULL, NULL,
                       NULL) != SQLITE_OK,
          "unknown tokenizer options are refused");
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char *sql = sqlite3_mprintf("INSERT INTO t(rowid, title, body) VALUES(%d, '', %Q);"
                                    "INSERT INTO tp(rowid, title, body) VALUES(%d, '', %Q);",
                                    (int)i + 1, docs[i], (int)i + 1, docs[i]);
        ok &= sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_free(sql);
    }
    CHECK(ok, "insert documents");
    expect_match(db, "t", "quick", "1");
    expect_match(db, "t", "QUICK", "1");
    expect_match(db, "t", "cafe", "2");
    expect_match(db, "t", "\"Café\"", "2");
    expect_match(db, "t", "tres", "2");
    expect_match(db, "t", "москва", "3");
    expect_match(db, "t", "\"РОССИИ\"", "3");
    expect_match(db, "t", "αθηνα", "4");
    expect_match(db, "t", "\"ΑΘΉΝΑ\"", "4");
    expect_match(db, "t", "\"αθήνα\" ελλαδας", "4");
    expect_match(db, "t", "\"人\"", "5 12");
    expect_match(db, "t", "\"人权\"", "5");
    expect_match(db, "t", "\"人民\"", "5");
    expect_match(db, "t", "\"华人民共\"", "5");
    expect_match(db, "t", "\"权人\"", "");
    expect_match(db, "t", "\"人权宪法\"", "");
    /* Simplified and traditional folded together at query time (the
     * query's bigram asks for its variants: search/hanfold.h). */
    expect_match(db, "t", "\"东京\"", "6");
    expect_match(db, "t", "\"東京\"", "6");
    expect_match(db, "t", "\"人權\"", "5");
    expect_match(db, "t", "\"東西\"", "");
    expect_match(db, "t", "\"タワー\"", "6");
    expect_match(db, "t", "\"京タ\"", "6");
    expect_match(db, "t", "\"港区\" \"電波\"", "6");
    expect_match(db, "t", "\"민주\"", "7");
    expect_match(db, "t", "\"한민국\"", "7");
    expect_match(db, "t", "\"内核\"", "8");
    expect_match(db, "t", "linux", "8");
    /* A query run of n characters is its n-1 bigrams: a phrase ending in
     * a CJK run lines up with documents, one with a CJK run inside (the
     * "使用 Linux" of "使用 Linux 内核") does not.  Archives index with
     * detail=column, and lib/search/match.c checks phrases against the
     * page's text, tokenizing both sides as documents. */
    expect_match(db, "t", "\"使用 Linux 内核\"", "");
    expect_match(db, "t", "\"Linux 内核开发\"", "8");
    expect_match(db, "t", "\"Linux 核\"", "");
    expect_match(db, "t", "\"你好 世界\"", "");
    expect_match(db, "t", "\"你好\"", "9");
    expect_match(db, "t", "\"好世\"", "");
    expect_match(db, "t", "\"。\"", "");
    expect_match(db, "t", "abc123", "10");
    expect_match(db, "t", "\"ＡＢＣ１２３\"", "10");
    expect_match(db, "t", "\"ａｎｄ\"", "10");
    expect_match(db, "t", "\"人\"*", "5 12");
    expect_match(db, "t", "\"人权\"*", "5");
    expect_match(db, "t", "\"宪\"*", "5");
    expect_match(db, "t", "run", "11");
    expect_match(db, "tp", "run", "1 11");
    expect_match(db, "tp", "running", "1 11");
    expect_match(db, "tp", "runner", "11");
    expect_match(db, "tp", "cafe", "2");
    expect_match(db, "tp", "\"内核\"", "8");
    expect_match(db, "tp", "\"Linux 内核\"", "8");
    /* Prefixes longer than the stem ("diplomat") find the word through its
     * unstemmed form; exact words still match by stem alone. */
    expect_match(db, "tp", "\"diplomati\"*", "13");
    expect_match(db, "tp", "\"Diplomatic\"*", "13");
    expect_match(db, "tp", "\"diplomat\"*", "13");
    expect_match(db, "tp", "\"happy\"*", "13");
    expect_match(db, "tp", "\"activi\"*", "13");
    expect_match(db, "tp", "activists", "13");
    expect_match(db, "tp", "activist", "13");
    expect_match(db, "tp", "\"runn\"*", "1 11");
    expect_match(db, "tp", "\"runni\"*", "1");
    expect_match(db, "t", "\"diplomati\"*", "13");
    /* The mark keeps unstemmed forms apart from stems: "agre" is the stem
     * of "agreed" but only the unstemmed form of document 14's word (stem
     * "agr"). */
    expect_match(db, "tp", "agreed", "");
    expect_match(db, "tp", "agre", "14");
    /* Documents indexed without unstemmed forms (archives made before
     * them) answer as they did: by stem, a longer prefix finds nothing. */
    ok = sqlite3_exec(db, "CREATE VIRTUAL TABLE tq USING fts5(body, tokenize='smz porter')", NULL, NULL,
                      NULL) == SQLITE_OK &&
         smz__tokenizer_raw_upto(db, 0) == SMZ_OK &&
         sqlite3_exec(db, "INSERT INTO tq(rowid, body) SELECT rowid, body FROM tp", NULL, NULL, NULL) ==
             SQLITE_OK &&
         smz__tokenizer_raw_upto(db, INT_MAX) == SMZ_OK;
    CHECK(ok, "a table indexed without unstemmed forms: %s", sqlite3_errmsg(db));
    expect_match(db, "tq", "\"diplomatic\"*", "13");
    expect_match(db, "tq", "\"diplomati\"*", "");
    expect_match(db, "tq", "activists", "13");
    expect_match(db, "tq", "\"running\"*", "1 11");
}

/* ---- Chinese corpus: FTS5 results against a brute-force scan ---- */

typedef struct doc {
    char *text;
    size_t len;
} doc;

/* A man page's running text: roff requests and comments dropped, common
 * escapes removed (what is left is enough for substring checks). */
static char *man_text(const char *path, size_t *len)
{
    char cmd[600];
    if ((size_t)snprintf(cmd, sizeof cmd, "gzip -dc -- '%s'", path) >= sizeof cmd || strchr(path, '\''))
        return NULL;
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    sbuf b = {0};
    char line[8192];
    sb_add(&b, "", 0);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '.' || line[0] == '\'')
            continue;
        for (char *s = line; *s; s++) {
            if (*s != '\\') {
                sb_add(&b, s, 1);
                continue;
            }
            if (s[1] == 'f' && s[2])
                s += 2;
            else if (s[1] == '(' && s[2] && s[3])
                s += 3;
            else if (s[1])
                s += 1;
        }
    }
    pclose(f);
    *len = b.len;
    return b.p;
}

static int has_cjk(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t c;
        i += smz__utf8_next((const unsigned char *)s + i, len - i, &c);
        if (smz__is_cjk(c))
            return 1;
    }
    return 0;
}

static int load_corpus(doc **out, size_t max)
{
    glob_t g;
    size_t n = 0;
    *out = NULL;
    if (glob(ZH_MAN, 0, NULL, &g) != 0)
        return 0;
    doc *d = calloc(g.gl_pathc, sizeof *d);
    for (size_t i = 0; d && i < g.gl_pathc && n < max; i++) {
        size_t len;
        char *t = man_text(g.gl_pathv[i], &len);
        if (t && has_cjk(t, len) && smz_utf8_valid(t, len)) {
            d[n].text = t;
            d[n++].len = len;
        } else {
            free(t);
        }
    }
    globfree(&g);
    *out = d;
    return (int)n;
}

/* The byte offsets of the CJK characters of a document, with a flag for
 * whether the next character continues the run. */
typedef struct cpos {
    size_t off, len;
    int joined; /* the following character is CJK and adjacent */
} cpos;

static size_t cjk_positions(const doc *d, cpos **out)
{
    size_t n = 0, cap = 256;
    cpos *p = malloc(cap * sizeof *p);
    for (size_t i = 0; p && i < d->len;) {
        uint32_t c;
        size_t k = smz__utf8_next((const unsigned char *)d->text + i, d->len - i, &c);
        if (smz__is_cjk(c)) {
            if (n == cap) {
                cpos *np = realloc(p, (cap *= 2) * sizeof *p);
                if (!np)
                    abort();
                p = np;
            }
            if (n && p[n - 1].off + p[n - 1].len == i)
                p[n - 1].joined = 1;
            p[n++] = (cpos){i, k, 0};
        }
        i += k;
    }
    *out = p;
    return n;
}

static uint64_t rng = 0x2545F4914F6CDD1Du;
static uint32_t rnd(void)
{
    return testutil_rnd(&rng);
}

typedef struct qstats {
    size_t queries, exact, fts_hits;
    double fts_ms;
} qstats;

/* Compares MATCH '"Q"' on TABLE with WANT (WANT[i]: document i+1 contains
 * Q, from a brute-force scan); only the FTS5 part is timed. */
static int check_query(sqlite3 *db, const char *table, const unsigned char *want, size_t ndocs,
                       const char *q, size_t qlen, qstats *st)
{
    char expr[128], sql[128];
    sqlite3_stmt *s = NULL;
    size_t *ids = malloc((ndocs + 1) * sizeof *ids), n = 0;
    int exact = 1, rc = SQLITE_ERROR;
    if (!ids || qlen + 3 > sizeof expr)
        goto out;
    snprintf(expr, sizeof expr, "\"%.*s\"", (int)qlen, q);
    snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY rowid", table, table);
    clock_t t0 = clock();
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n <= ndocs)
        ids[n++] = (size_t)sqlite3_column_int64(s, 0);
    st->fts_ms += (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    st->fts_hits += n;
    for (size_t i = 0, k = 0; i < ndocs; i++) {
        int got = k < n && ids[k] == i + 1;
        k += got;
        exact &= want[i] == got;
    }
out:
    sqlite3_finalize(s);
    free(ids);
    st->queries++;
    exact = exact && rc == SQLITE_DONE;
    st->exact += exact;
    return exact;
}

/* A test-only tokenizer "uni": smz without its bigrams, to measure them. */
typedef struct uni_ctx {
    void *ctx;
    int (*cb)(void *, int, const char *, int, int, int);
} uni_ctx;

static int uni_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    uni_ctx *u = p;
    return (tflags & FTS5_TOKEN_COLOCATED) ? SQLITE_OK : u->cb(u->ctx, tflags, tok, n, s, e);
}

static int uni_create(void *api_ptr, const char **argv, int argc, Fts5Tokenizer **out)
{
    fts5_api *api = api_ptr;
    tok_handle *h = calloc(1, sizeof *h);
    void *ud;
    (void)argv;
    (void)argc;
    if (!h || api->xFindTokenizer(api, "smz", &ud, &h->tk) != SQLITE_OK ||
        h->tk.xCreate(ud, NULL, 0, &h->t) != SQLITE_OK) {
        free(h);
        return SQLITE_ERROR;
    }
    *out = (Fts5Tokenizer *)h;
    return SQLITE_OK;
}

static void uni_delete(Fts5Tokenizer *p)
{
    tok_handle *h = (tok_handle *)p;
    h->tk.xDelete(h->t);
    free(h);
}

static int uni_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int len,
                        int (*cb)(void *, int, const char *, int, int, int))
{
    tok_handle *h = (tok_handle *)p;
    uni_ctx u = {ctx, cb};
    (void)flags;
    return h->tk.xTokenize(h->t, &u, FTS5_TOKENIZE_DOCUMENT, text, len, uni_cb);
}

static sqlite3 *index_db(const char *tokenize, const char *prefix, const doc *docs, size_t ndocs)
{
    sqlite3 *db = NULL;
    fts5_api *api;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || smz__tokenizer_register(db) != SMZ_OK ||
        smz__fts5_api(db, &api) != SMZ_OK)
        goto fail;
    fts5_tokenizer uni = {uni_create, uni_delete, uni_tokenize};
    if (api->xCreateTokenizer(api, "uni", api, &uni, NULL) != SQLITE_OK)
        goto fail;
    char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE ft USING fts5(title, body, content='', "
                                "tokenize='%q'%s%s)",
                                tokenize, prefix ? ", prefix=" : "", prefix ? prefix : "");
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    sqlite3_stmt *st = NULL;
    if (rc != SQLITE_OK || sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO ft(rowid, title, body) VALUES(?, '', ?)", -1, &st, NULL) !=
            SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < ndocs; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 2, docs[i].text, (int)docs[i].len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            goto fail;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT; INSERT INTO ft(ft) VALUES('optimize')", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return db;
fail:
    printf("# index_db(%s): %s\n", tokenize, db ? sqlite3_errmsg(db) : "no db");
    sqlite3_close(db);
    return NULL;
}

static long long index_bytes(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'ft%'", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

typedef struct qset {
    char **q;
    size_t *len;
    unsigned char **want; /* filled by qset_scan */
    size_t n, cap;
} qset;

/* The brute-force answer to every query of S: which documents contain it. */
static void qset_scan(qset *s, const doc *docs, size_t ndocs)
{
    s->want = calloc(s->n ? s->n : 1, sizeof *s->want);
    for (size_t i = 0; s->want && i < s->n; i++) {
        if (!(s->want[i] = malloc(ndocs)))
            abort();
        for (size_t d = 0; d < ndocs; d++)
            s->want[i][d] = memmem(docs[d].text, docs[d].len, s->q[i], s->len[i]) != NULL;
    }
    if (!s->want)
        abort();
}

static void qset_add(qset *s, const char *q, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->len[i] == len && !memcmp(s->q[i], q, len))
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->q = realloc(s->q, s->cap * sizeof *s->q);
        s->len = realloc(s->len, s->cap * sizeof *s->len);
        if (!s->q || !s->len)
            abort();
    }
    s->q[s->n] = malloc(len);
    if (!s->q[s->n])
        abort();
    memcpy(s->q[s->n], q, len);
    s->len[s->n++] = len;
}

/* A random run of N adjacent CJK characters from a random document. */
static int random_run(const doc *docs, size_t ndocs, size_t n, qset *s)
{
    for (int tries = 0; tries < 100; tries++) {
        const doc *d = &docs[rnd() % ndocs];
        cpos *p;
        size_t np = cjk_positions(d, &p);
        if (np >= n) {
            size_t i = rnd() % (np - n + 1), j;
            for (j = 0; j + 1 < n && p[i + j].joined; j++)
                ;
            if (j + 1 == n) {
                qset_add(s, d->text + p[i].off, p[i + n - 1].off + p[i + n - 1].len - p[i].off);
                free(p);
                return 1;
            }
        }
        free(p);
    }
    return 0;
}

static void test_corpus(void)
{
    doc *docs;
    size_t ndocs = (size_t)load_corpus(&docs, 400);
    CHECK(ndocs >= 200, "%zu Chinese documents from the zh_CN man pages (manpages-zh)", ndocs);
    if (ndocs < 200)
        goto out;
    size_t bytes = 0;
    for (size_t i = 0; i < ndocs; i++)
        bytes += docs[i].len;

    /* Queries: every 2-character CJK substring of three documents, random
     * runs of 1 to 6 characters, and pairs of characters that may never
     * be adjacent anywhere. */
    qset qs[7] = {{0}};
    for (size_t k = 0; k < 3; k++) {
        cpos *p;
        const doc *d = &docs[(k * 97 + 5) % ndocs];
        size_t np = cjk_positions(d, &p);
        for (size_t i = 0; i + 1 < np; i++)
            if (p[i].joined)
                qset_add(&qs[2], d->text + p[i].off, p[i + 1].off + p[i + 1].len - p[i].off);
        free(p);
    }
    for (size_t n = 1; n <= 6; n++)
        for (int i = 0; i < 2000 && qs[n].n < 150; i++)
            random_run(docs, ndocs, n, &qs[n]);
    for (int i = 0; i < 150; i++) {
        qset one = {0};
        random_run(docs, ndocs, 1, &one);
        random_run(docs, ndocs, 1, &one);
        if (one.n == 2) {
            char pair[16];
            memcpy(pair, one.q[0], one.len[0]);
            memcpy(pair + one.len[0], one.q[1], one.len[1]);
            qset_add(&qs[0], pair, one.len[0] + one.len[1]);
        }
        for (size_t j = 0; j < one.n; j++)
            free(one.q[j]);
        free(one.q);
        free(one.len);
    }

    for (size_t n = 0; n < 7; n++)
        qset_scan(&qs[n], docs, ndocs);
    sqlite3 *smz = index_db("smz", NULL, docs, ndocs);
    CHECK(smz != NULL, "index %zu documents (%zu bytes) with smz", ndocs, bytes);
    if (!smz)
        goto out;
    static const char *const what[] = {"random pairs", "1-char", "2-char (every one of 3 docs)",
                                       "3-char",       "4-char", "5-char",
                                       "6-char"};
    for (size_t n = 0; n < 7; n++) {
        qstats st = {0};
        for (size_t i = 0; i < qs[n].n; i++)
            if (!check_query(smz, "ft", qs[n].want[i], ndocs, qs[n].q[i], qs[n].len[i], &st))
                printf("# mismatch for [%.*s]\n", (int)qs[n].len[i], qs[n].q[i]);
        CHECK(st.queries >= (n == 0 ? 100 : 150) && st.exact == st.queries,
              "%s queries: %zu of %zu find exactly the documents containing them (%zu hits)", what[n],
              st.exact, st.queries, st.fts_hits);
    }

    /* Index size and query time against the alternatives (printed only). */
    static const char *const designs[][2] = {
        {"smz", NULL},       {"uni", NULL},    {"trigram", NULL},
        {"unicode61", NULL}, {"smz", "'2 3'"}, {"smz", "'3'"},
    };
    static const char *const names[] = {
        "smz: unigrams + colocated bigrams",  "unigrams only (phrase of unigrams)", "trigram tokenizer",
        "unicode61 (a CJK run is one token)", "smz, prefix='2 3' (as in format.c)", "smz, prefix='3'",
    };
    printf("# index size on %zu zh_CN man pages, %zu bytes of text (contentless tables):\n", ndocs,
           bytes);
    for (size_t k = 0; k < sizeof designs / sizeof designs[0]; k++) {
        sqlite3 *db = k == 0 ? smz : index_db(designs[k][0], designs[k][1], docs, ndocs);
        if (!db)
            continue;
        qstats st2 = {0}, st4 = {0};
        for (size_t i = 0; i < qs[2].n; i++)
            check_query(db, "ft", qs[2].want[i], ndocs, qs[2].q[i], qs[2].len[i], &st2);
        for (size_t i = 0; i < qs[4].n; i++)
            check_query(db, "ft", qs[4].want[i], ndocs, qs[4].q[i], qs[4].len[i], &st4);
        long long sz = index_bytes(db);
        printf("#   %-40s %9lld bytes (%.2fx text); 2-char queries exact %zu/%zu, %.1f ms; "
               "4-char exact %zu/%zu, %.1f ms\n",
               names[k], sz, (double)sz / (double)bytes, st2.exact, st2.queries, st2.fts_ms, st4.exact,
               st4.queries, st4.fts_ms);
        if (k != 0)
            sqlite3_close(db);
    }
    sqlite3_close(smz);
    for (size_t n = 0; n < 7; n++) {
        for (size_t i = 0; i < qs[n].n; i++) {
            free(qs[n].q[i]);
            free(qs[n].want[i]);
        }
        free(qs[n].q);
        free(qs[n].len);
        free(qs[n].want);
    }
out:
    for (size_t i = 0; i < ndocs; i++)
        free(docs[i].text);
    free(docs);
}

/* ---- hostile input: the stream's invariants hold for any bytes ---- */

typedef struct inv {
    int len, last_start, ntok, bad;
} inv;

static int inv_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    inv *v = p;
    (void)tok;
    if (n <= 0 || s < 0 || e > v->len || s > e)
        v->bad = 1;
    if (tflags & FTS5_TOKEN_COLOCATED) {
        if (!v->ntok || s != v->last_start)
            v->bad = 1;
    } else {
        if (s < v->last_start)
            v->bad = 1;
        v->last_start = s;
    }
    v->ntok++;
    return SQLITE_OK;
}

static int stop_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
    (void)tflags, (void)tok, (void)n, (void)s, (void)e;
    return ++*(int *)p == 3 ? SQLITE_DONE : SQLITE_OK;
}

static void test_hostile(sqlite3 *db)
{
    static const char *const pieces[] = {"中",
                                         "文",
                                         "タ",
                                         "ー",
                                         "한",
                                         "ＡＢ",
                                         "１",
                                         "é",
                                         "e\xcc\x81",
                                         "\xe3\x82\x99",
                                         "\xef\xb8\x80",
                                         "\xf3\xa0\x84\x80",
                                         "。",
                                         "、",
                                         " ",
                                         "a",
                                         "Z",
                                         "\xff",
                                         "\xc3",
                                         "\xe4\xb8",
                                         "\xed\xa0\x80",
                                         "\xf0\xa0\x80\x8b",
                                         "\x00",
                                         "running",
                                         "ｶﾞ"};
    tok_handle h[2];
    CHECK(tok_open(db, 0, &h[0]) == 0 && tok_open(db, 1, &h[1]) == 0, "tokenizers for fuzzing");
    static const int modes[] = {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_QUERY,
                                FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, FTS5_TOKENIZE_AUX};
    char buf[2048];
    size_t runs = 4000, good = 0;
    for (size_t r = 0; r < runs; r++) {
        int n = 0, lim = (int)(rnd() % sizeof buf);
        while (n < lim) {
            if (r % 3 == 0) {
                buf[n++] = (char)rnd();
            } else {
                const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
                size_t pl = *p ? strlen(p) : 1;
                if (n + (int)pl > lim)
                    break;
                memcpy(buf + n, p, pl);
                n += (int)pl;
            }
        }
        inv v = {.len = n};
        int rc = h[r % 2].tk.xTokenize(h[r % 2].t, &v, modes[r % 4], buf, n, inv_cb);
        good += rc == SQLITE_OK && !v.bad;
    }
    CHECK(good == runs, "%zu of %zu random texts give well-formed token streams", good, runs);
    int count = 0;
    int rc = h[0].tk.xTokenize(h[0].t, &count, FTS5_TOKENIZE_DOCUMENT, "a b 中文字 c d",
                               (int)strlen("a b 中文字 c d"), stop_cb);
    CHECK(rc == SQLITE_OK && count == 3, "SQLITE_DONE from the callback stops tokenizing");
    count = 0;
    rc = h[0].tk.xTokenize(h[0].t, &count, FTS5_TOKENIZE_DOCUMENT, "a b ＣＤ e",
                           (int)strlen("a b ＣＤ e"), stop_cb);
    CHECK(rc == SQLITE_OK && count == 3, "also inside a stretch unicode61 reads");
    count = 0;
    rc = h[0].tk.xTokenize(h[0].t, &count, FTS5_TOKENIZE_DOCUMENT, "a b c 中文",
                           (int)strlen("a b c 中文"), stop_cb);
    CHECK(rc == SQLITE_OK && count == 3, "also at the end of a stretch");
    h[0].tk.xDelete(h[0].t);
    h[1].tk.xDelete(h[1].t);
}

/* ---- the shared vectors (tests/vectors/tokenizer.tsv) ----
 * A line is TOKENIZER, MODE, INPUT and TOKENS separated by tabs; '#' lines
 * and empty ones are comments.  The file's header says what each field holds. */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes a field's escapes in place (\\ \t \n \r \xHH); returns its
 * length in bytes, or (size_t)-1 for a malformed escape. */
static size_t unescape(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        switch (*++p) {
        case '\\': *o++ = '\\'; break;
        case 't': *o++ = '\t'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 'x':
            if (hexval(p[1]) < 0 || hexval(p[2]) < 0)
                return (size_t)-1;
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
            break;
        default: return (size_t)-1;
        }
    }
    *o = 0;
    return (size_t)(o - s);
}

/* S (LEN bytes) with the escapes unescape() reads for a backslash, a tab,
 * a line break and every other control byte; malloc'd. */
static char *escape(const char *s, size_t len)
{
    sbuf b = {0};
    sb_add(&b, "", 0);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        if (c == '\\')
            sb_add(&b, "\\\\", 2);
        else if (c == '\t')
            sb_add(&b, "\\t", 2);
        else if (c == '\n')
            sb_add(&b, "\\n", 2);
        else if (c == '\r')
            sb_add(&b, "\\r", 2);
        else if (c < 0x20 || c == 0x7f)
            sb_add(&b, e, (size_t)snprintf(e, sizeof e, "\\x%02x", c));
        else
            sb_add(&b, (const char *)&c, 1);
    }
    return b.p;
}

/* Checks every vector of PATH, or, with PRINT, writes PATH to PRINT with its
 * TOKENS column as the tokenizer makes them.  Returns the number of vectors,
 * or -1 when PATH cannot be read or has a malformed line. */
static int run_vectors(sqlite3 *db, const char *path, FILE *print)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    tok_handle h[2];
    if (tok_open(db, 0, &h[0]) != 0 || tok_open(db, 1, &h[1]) != 0) {
        fclose(f);
        return -1;
    }
    char line[8192];
    int n = 0, lineno = 0;
    while (n >= 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\n')
            line[--ll] = 0;
        if (!ll || line[0] == '#') {
            if (print)
                fprintf(print, "%s\n", line);
            continue;
        }
        char *field[4] = {line, NULL, NULL, NULL};
        for (int i = 1; i < 4 && field[i - 1]; i++) {
            char *tab = strchr(field[i - 1], '\t');
            if (tab) {
                *tab = 0;
                field[i] = tab + 1;
            }
        }
        int porter = !strcmp(field[0], "smz porter");
        int flags = !field[1]                       ? -1
                    : !strcmp(field[1], "document") ? FTS5_TOKENIZE_DOCUMENT
                    : !strcmp(field[1], "query")    ? FTS5_TOKENIZE_QUERY
                    : !strcmp(field[1], "prefix")   ? FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX
                                                    : -1;
        if ((!porter && strcmp(field[0], "smz")) || flags < 0 || !field[2] || (!print && !field[3])) {
            fprintf(stderr, "%s:%d: malformed vector\n", path, lineno);
            n = -1;
            break;
        }
        char *input = strdup(field[2]);
        size_t il = input ? unescape(input) : (size_t)-1;
        if (il == (size_t)-1) {
            fprintf(stderr, "%s:%d: malformed escape in the input\n", path, lineno);
            free(input);
            n = -1;
            break;
        }
        char *got = tokens_n(&h[porter], flags, input, il);
        if (print) {
            char *e = escape(got, strlen(got));
            fprintf(print, "%s\t%s\t%s\t%s\n", field[0], field[1], field[2], e);
            free(e);
        } else {
            size_t wl = unescape(field[3]);
            CHECK(wl != (size_t)-1 && wl == strlen(got) && !memcmp(got, field[3], wl),
                  "vector %d (line %d), %s %s [%s]: [%s] is [%s]", n + 1, lineno, field[0], field[1],
                  field[2], got, field[3]);
        }
        free(got);
        free(input);
        n++;
    }
    fclose(f);
    h[0].tk.xDelete(h[0].t);
    h[1].tk.xDelete(h[1].t);
    return n;
}

static void test_vectors(sqlite3 *db)
{
    const char *top = getenv("TOP");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/vectors/tokenizer.tsv", top ? top : ".");
    int n = run_vectors(db, path, NULL);
    CHECK(n >= 50, "%d token streams of %s, the vectors docs/FORMAT.md names", n, path);
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    if (argc == 3 && !strcmp(argv[1], "--vectors")) {
        int n = sqlite3_open(":memory:", &db) == SQLITE_OK && smz__tokenizer_register(db) == SMZ_OK
                    ? run_vectors(db, argv[2], stdout)
                    : -1;
        sqlite3_close(db);
        return n < 0;
    }
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "open an in-memory database");
    CHECK(smz__tokenizer_register(db) == SMZ_OK, "register the smz tokenizer");
    test_vectors(db);
    test_streams(db);
    test_search(db);
    test_hostile(db);
    sqlite3_close(db);
    test_corpus();
    return CHECK_DONE();
}
