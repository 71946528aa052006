/* Smoke test of the four third-party libraries built for WebAssembly by
 * scripts/wasm-deps.sh (SQLite, zstd, libsodium, libxml2): compiled with emcc
 * against build-wasm/deps and run under Node.js by `make wasm-deps-test`.
 *
 * Each check uses the library the way lib/ does, with the build options the
 * reader depends on, and against known answers (RFC test vectors, a frame
 * written by the native zstd tool) so a wrong build cannot pass by agreeing
 * with itself.  Prints one "ok - " or "not ok - " line per check; exits 1 on
 * any failure. */
#define ZSTD_STATIC_LINKING_ONLY
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    if (!ok)
        failures++;
}

static int is_hex(const unsigned char *bin, size_t n, const char *hex)
{
    char buf[257];
    if (n * 2 + 1 > sizeof buf)
        return 0;
    sodium_bin2hex(buf, sizeof buf, bin, n);
    return strcmp(buf, hex) == 0;
}

/* Returns the first column of the first row of SQL as an integer, or -1. */
static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    else
        fprintf(stderr, "# %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return v;
}

static void test_sqlite(void)
{
    sqlite3 *db = NULL;
    /* as lib/reader.c opens archives: a URI, no mutex */
    int rc = sqlite3_open_v2("file:smoke?mode=memory", &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    check(rc == SQLITE_OK, "sqlite: open an in-memory database by URI");
    if (rc != SQLITE_OK)
        goto out;
    /* the settings lib/format.c makes on every connection */
    int ok = 1;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL) == SQLITE_OK;
    ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL) == SQLITE_OK;
    check(ok, "sqlite: db_config as lib/format.c sets it");
    rc = sqlite3_exec(db,
                      "CREATE VIRTUAL TABLE t USING fts5(title, body);"
                      "INSERT INTO t VALUES('samizdat', 'copied by hand and passed on');"
                      "INSERT INTO t VALUES('radio', 'heard at night, passed on by word');"
                      "INSERT INTO t VALUES('letters', 'nothing here');"
                      "CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB);"
                      "INSERT INTO b VALUES(1, zeroblob(10000));",
                      NULL, NULL, NULL);
    check(rc == SQLITE_OK, "sqlite: create and fill an FTS5 table");
    check(scalar(db, "SELECT count(*) FROM t WHERE t MATCH 'passed' ORDER BY bm25(t)") == 2,
          "sqlite: FTS5 MATCH with bm25 finds 2 rows");
    check(scalar(db, "SELECT rowid FROM t WHERE t MATCH 'word OR hand' ORDER BY rank LIMIT 1") > 0,
          "sqlite: FTS5 ranked query");
    check(scalar(db, "SELECT json_valid(json_object('a', 1, 'b', json('[1,2]')))") == 1,
          "sqlite: JSON functions");
    check(scalar(db, "SELECT count(*) FROM json_each('[1,2,3]')") == 3, "sqlite: json_each");
    check(scalar(db, "SELECT total(pgsize) > 0 FROM dbstat") == 1, "sqlite: dbstat");
    check(scalar(db, "SELECT CAST(ln(exp(2.0)) * 10 AS INTEGER)") == 20, "sqlite: math functions");
    sqlite3_blob *bl = NULL;
    unsigned char buf[16] = {0};
    ok = sqlite3_blob_open(db, "main", "b", "data", 1, 0, &bl) == SQLITE_OK &&
         sqlite3_blob_bytes(bl) == 10000 && sqlite3_blob_read(bl, buf, sizeof buf, 5000) == SQLITE_OK;
    sqlite3_blob_close(bl);
    check(ok, "sqlite: incremental blob read");
    check(strcmp(sqlite3_libversion(), SQLITE_VERSION) == 0, "sqlite: header matches library");
    check(sqlite3_compileoption_used("THREADSAFE=0") && sqlite3_compileoption_used("MAX_MMAP_SIZE=0") &&
              sqlite3_compileoption_used("OMIT_LOAD_EXTENSION"),
          "sqlite: built without threads, mmap and extensions");
    printf("# sqlite %s\n", sqlite3_libversion());
out:
    sqlite3_close(db);
}

static void test_zstd(void)
{
    /* `printf 'hello, samizdat\n' | zstd -19 --check` by the native tool */
    static const unsigned char frame[] = {0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x68, 0x81, 0x00, 0x00, 0x68,
                                          0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x73, 0x61, 0x6d, 0x69,
                                          0x7a, 0x64, 0x61, 0x74, 0x0a, 0xe4, 0xa3, 0x73, 0x40};
    char out[64] = {0};
    size_t n = ZSTD_decompress(out, sizeof out, frame, sizeof frame);
    check(!ZSTD_isError(n) && n == 16 && memcmp(out, "hello, samizdat\n", 16) == 0,
          "zstd: decompress a frame from the native zstd tool");

    size_t len = 100000;
    char *src = malloc(len), *dst = malloc(ZSTD_compressBound(len)), *back = malloc(len);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_DStream *ds = ZSTD_createDStream();
    if (!src || !dst || !back || !cc || !ds) {
        check(0, "zstd: allocate");
        goto out;
    }
    for (size_t i = 0; i < len; i++)
        src[i] = (char)("samizdat "[i % 9] + (i / 997) % 3);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 19);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    size_t c = ZSTD_compress2(cc, dst, ZSTD_compressBound(len), src, len);
    check(!ZSTD_isError(c) && c < len / 10, "zstd: compress");
    ZSTD_inBuffer in = {dst, c, 0};
    ZSTD_outBuffer ob = {back, len, 0};
    size_t r = ZSTD_decompressStream(ds, &ob, &in);
    check(r == 0 && ob.pos == len && memcmp(src, back, len) == 0, "zstd: streaming round trip");
    printf("# zstd %s\n", ZSTD_versionString());
out:
    ZSTD_freeCCtx(cc);
    ZSTD_freeDStream(ds);
    free(src);
    free(dst);
    free(back);
}

static void test_sodium(void)
{
    check(sodium_init() >= 0, "sodium: init");
    unsigned char h[64];
    crypto_generichash(h, sizeof h, (const unsigned char *)"abc", 3, NULL, 0);
    /* RFC 7693, appendix A */
    check(is_hex(h, sizeof h,
                 "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                 "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
          "sodium: BLAKE2b-512(\"abc\")");
    /* RFC 8032, 7.1, test 1 */
    unsigned char seed[32], pk[32], sk[64], sig[64];
    sodium_hex2bin(seed, sizeof seed, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                   64, NULL, NULL, NULL);
    crypto_sign_seed_keypair(pk, sk, seed);
    check(is_hex(pk, sizeof pk, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
          "sodium: Ed25519 public key from seed");
    crypto_sign_detached(sig, NULL, (const unsigned char *)"", 0, sk);
    check(is_hex(sig, sizeof sig,
                 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                 "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
          "sodium: Ed25519 signature");
    check(crypto_sign_verify_detached(sig, (const unsigned char *)"", 0, pk) == 0,
          "sodium: Ed25519 verify");
    sig[7] ^= 1;
    check(crypto_sign_verify_detached(sig, (const unsigned char *)"", 0, pk) != 0,
          "sodium: Ed25519 rejects a forged signature");
    /* RFC 7914, 12: scrypt("password", "NaCl", N=1024, r=8, p=16) */
    unsigned char k[64];
    int rc = crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)"password", 8,
                                                   (const uint8_t *)"NaCl", 4, 1024, 8, 16, k, sizeof k);
    check(rc == 0 && is_hex(k, sizeof k,
                            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
          "sodium: scrypt (minisign secret keys)");
    unsigned char r1[32] = {0}, r2[32] = {0}, zero[32] = {0};
    randombytes_buf(r1, sizeof r1);
    randombytes_buf(r2, sizeof r2);
    check(sodium_memcmp(r1, zero, 32) != 0 && sodium_memcmp(r1, r2, 32) != 0,
          "sodium: randombytes from the host's crypto");
    printf("# libsodium %s\n", sodium_version_string());
}

typedef struct {
    int elements;
    char text[256]; /* the document's text, UTF-8, cut at 255 bytes */
    size_t len;
} sax_count;

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    (void)name;
    (void)atts;
    ((sax_count *)ctx)->elements++;
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    sax_count *n = ctx;
    size_t k = (size_t)len < sizeof n->text - 1 - n->len ? (size_t)len : sizeof n->text - 1 - n->len;
    memcpy(n->text + n->len, s, k);
    n->len += k;
    n->text[n->len] = '\0';
}

/* As lib/text/html.c parses: an XML memory context turned HTML, SAX1. */
static sax_count parse_html(const char *html)
{
    sax_count n = {0, {0}, 0};
    htmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(html, (int)strlen(html));
    if (!ctxt)
        return n;
    htmlCtxtUseOptions(ctxt, HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                 HTML_PARSE_RECOVER);
    xmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->initialized = 1;
    sax->startElement = on_start;
    sax->characters = on_text;
    ctxt->userData = &n;
    ctxt->html = 1;
    htmlParseDocument(ctxt);
    htmlFreeParserCtxt(ctxt);
    return n;
}

/* A page declaring CHARSET with BODY in it: its text must come out as UTF8. */
static int converts(const char *charset, const char *body, const char *utf8)
{
    char page[256];
    snprintf(page, sizeof page, "<meta charset=\"%s\"><p>%s</p>", charset, body);
    sax_count n = parse_html(page);
    if (!strstr(n.text, utf8))
        fprintf(stderr, "# %s: got \"%s\"\n", charset, n.text);
    return strstr(n.text, utf8) != NULL;
}

static void test_xml2(void)
{
    xmlInitParser();
    /* implied html, head, body; p closed by the next p */
    sax_count n = parse_html("<title>t</title><p>one<p>two <b>bold</b><br><img src=x>");
    check(n.elements == 9, "libxml2: SAX counts 9 elements (implied html, head, body)");
    n = parse_html("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                   "charset=windows-1252\"></head><body><p>\x93quoted\x94</p></body></html>");
    check(n.elements == 5 && strstr(n.text, "\xe2\x80\x9cquoted\xe2\x80\x9d"),
          "libxml2: windows-1252 page converted to UTF-8 (iconv)");
    /* musl's iconv decodes these but cannot encode them: the build's patch
     * (scripts/wasm-patches/) keeps them.  The words: 中文, 한국, ロシア, Россия. */
    check(converts("gbk", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87") &&
              converts("gb18030", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87") &&
              converts("big5", "\xa4\xa4\xa4\xe5", "\xe4\xb8\xad\xe6\x96\x87") &&
              converts("euc-kr", "\xc7\xd1\xb1\xb9", "\xed\x95\x9c\xea\xb5\xad"),
          "libxml2: GBK, GB18030, Big5, EUC-KR pages decoded");
    check(converts("shift_jis", "\x83\x8d\x83\x56\x83\x41", "\xe3\x83\xad\xe3\x82\xb7\xe3\x82\xa2") &&
              converts("koi8-r", "\xf2\xcf\xd3\xd3\xc9\xd1",
                       "\xd0\xa0\xd0\xbe\xd1\x81\xd1\x81\xd0\xb8\xd1\x8f"),
          "libxml2: Shift_JIS, KOI8-R pages decoded");
    printf("# libxml2 %s\n", xmlParserVersion);
}

int main(void)
{
    test_sqlite();
    test_zstd();
    test_sodium();
    test_xml2();
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
