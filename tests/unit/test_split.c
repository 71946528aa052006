/* Split archives (lib/split.c): part sizes as typed, which names are sets,
 * reads across part boundaries equal to the whole file at every offset
 * and length near a boundary, and the smz-split VFS registered from many
 * threads at once and read by SQLite on each; the manifest NAME.parts
 * written, read back, and refused for every way its text can be wrong
 * (the tests/cli/split.sh and split_parts.sh tests cover the commands and
 * the broken sets). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "check.h"
#include "format.h"
#include "split.h"

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n ? *n : 1);
    if (b && fread(b, 1, *n, f) != *n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

/* An SQLite file with the archive's application id and some pages. */
static int make_db(const char *path)
{
    sqlite3 *db = NULL;
    char sql[200];
    int rc = sqlite3_open(path, &db);
    snprintf(sql, sizeof sql,
             "PRAGMA page_size=1024; PRAGMA application_id=%d; CREATE TABLE t(x);"
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<300) "
             "INSERT INTO t SELECT randomblob(100) FROM c;",
             (int)SMZ_APPLICATION_ID);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* TEXT with its line LINE (1-based) replaced by REPL (NULL: removed). */
static char *edit(const char *text, int line, const char *repl)
{
    size_t n = strlen(text) + (repl ? strlen(repl) : 0) + 2;
    char *out = malloc(n), *o = out;
    const char *p = text;
    for (int k = 1; *p; k++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (k != line) {
            memcpy(o, p, len);
            o += len;
        } else if (repl) {
            memcpy(o, repl, strlen(repl));
            o += strlen(repl);
        }
        p += len;
    }
    *o = 0;
    return out;
}

static void manifest_tests(void)
{
    smz_split *s = NULL;
    smz_parts *m = NULL;
    const char *uuid = "992df5b0-65fc-8329-8a50-5c2fb4309282";
    CHECK(smz_split_part_number("d/a.smz.007") == 7 && smz_split_part_number("a.smz.999") == 999 &&
              smz_split_part_number("a.smz") == 0 && smz_split_part_number("a.smz.000") == 0 &&
              smz_split_part_number("a.smz.1000") == 0 && smz_split_part_number("a.parts") == 0,
          "part numbers from names");
    CHECK(smz_split_open("p.smz", &s) == SMZ_OK, "the set opens");
    CHECK(smz_parts_write(s, "p.smz", "not-a-uuid", &m) == SMZ_E_INVALID && access("p.parts", F_OK) != 0,
          "no manifest without a valid UUID: %s", smz_parts_errmsg(m));
    smz_parts_free(m);
    m = NULL;
    CHECK(smz_parts_write(s, "p.smz", uuid, &m) == SMZ_OK, "the manifest is written: %s",
          smz_parts_errmsg(m));
    unsigned parts = smz_split_parts(s);
    smz_parts_free(m);
    smz_split_close(s);
    m = NULL;
    CHECK(smz_parts_load("p.smz.002", 0, &m) == SMZ_OK && smz_parts_count(m) == parts &&
              smz_parts_part_size(m) == 3000 && !strcmp(smz_parts_uuid(m), uuid),
          "... and read back, given a part: %s", smz_parts_errmsg(m));
    int all = m != NULL;
    for (unsigned k = 1; all && k <= parts; k++)
        all = smz_parts_check(m, k) == SMZ_OK;
    CHECK(all, "every part matches it");
    CHECK(smz_parts_check(m, parts + 1) == SMZ_E_INVALID && smz_parts_check(m, 0) == SMZ_E_INVALID,
          "a part number out of the manifest is refused");
    smz_parts_free(m);
    size_t n = 0;
    char *text = (char *)slurp("p.parts", &n);
    CHECK(text && n > 100, "its text");
    if (!text)
        return;
    text = realloc(text, n + 1);
    text[n] = 0;
    char line6[200];
    const char *l6 = strstr(text, "part 001 ");
    snprintf(line6, sizeof line6, "%.*s", (int)(strchr(l6, '\n') - l6 + 1), l6);
    char upper[200], shorthash[200], badnum[200];
    snprintf(upper, sizeof upper, "%s", line6);
    for (char *c = upper + 14; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 32);
    snprintf(shorthash, sizeof shorthash, "%.*s\n", (int)strlen(line6) - 3, line6);
    snprintf(badnum, sizeof badnum, "part 002%s", line6 + 8);
    struct {
        int line;
        const char *repl;
        const char *why;
    } bad[] = {
        {1, "smz-parts 2\n", "another version"},
        {1, "smz-parts 1\r\n", "a CR"},
        {2, "uuid 992DF5B0-65fc-8329-8a50-5c2fb4309282\n", "an uppercase UUID"},
        {2, "uuid 992df5b0-65fc-8329-8a50-5c2fb430928\n", "a short UUID"},
        {2, NULL, "no uuid line"},
        {3, "size 0\n", "size 0"},
        {3, "size +1\n", "a sign"},
        {4, "part-size 03000\n", "a leading zero"},
        {4, "part-size 511\n", "a part size under 512"},
        {4, "part-size  3000\n", "two spaces"},
        {5, "parts 1\n", "a count that size and part-size do not give"},
        {5, "parts 99999999999999999999\n", "a number of 20 digits"},
        {6, upper, "uppercase hex"},
        {6, shorthash, "a short hash"},
        {6, badnum, "parts out of order"},
        {6, NULL, "a part's line missing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t = edit(text, bad[i].line, bad[i].repl);
        put_file("p.parts", t);
        m = NULL;
        smz_err rc = smz_parts_load("p.smz", 0, &m);
        CHECK(rc == SMZ_E_CORRUPT && strstr(smz_parts_errmsg(m), "malformed manifest, line"),
              "refused: %s (%s)", bad[i].why, smz_parts_errmsg(m));
        smz_parts_free(m);
        free(t);
    }
    const char *tails[] = {"\n", "part 999 1 00\n", "x"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        char *t = malloc(n + 20);
        snprintf(t, n + 20, "%s%s", text, tails[i]);
        put_file("p.parts", t);
        m = NULL;
        CHECK(smz_parts_load("p.smz", 0, &m) == SMZ_E_CORRUPT,
              "refused: something after the last part (%s)", smz_parts_errmsg(m));
        smz_parts_free(m);
        free(t);
    }
    char *t = malloc(n + 1);
    memcpy(t, text, n - 1);
    t[n - 1] = 0; /* no line end after the last line */
    put_file("p.parts", t);
    m = NULL;
    CHECK(smz_parts_load("p.smz", 0, &m) == SMZ_E_CORRUPT, "refused: no final line end (%s)",
          smz_parts_errmsg(m));
    smz_parts_free(m);
    free(t);
    put_file("p.parts", text);
    m = NULL;
    CHECK(smz_parts_load("p.smz", 0, &m) == SMZ_OK, "the text as written loads again");
    FILE *f = fopen("p.smz.002", "r+b");
    if (f) {
        int c = fgetc(f);
        fseek(f, 0, SEEK_SET);
        fputc(c ^ 1, f);
        fclose(f);
    }
    CHECK(smz_parts_check(m, 2) == SMZ_E_CORRUPT &&
              strstr(smz_parts_errmsg(m), "p.smz.002 (part 002 of") &&
              strstr(smz_parts_errmsg(m), "BLAKE2b differs"),
          "a flipped bit in part 2 is named: %s", smz_parts_errmsg(m));
    CHECK(smz_parts_check(m, 1) == SMZ_OK, "... part 1 still matches");
    smz_parts_free(m);
    m = NULL;
    CHECK(smz_parts_load("nosuch.smz", 0, &m) == SMZ_E_NOTFOUND, "no manifest: SMZ_E_NOTFOUND");
    smz_parts_free(m);
    free(text);
}

static void *count_rows(void *arg)
{
    const char *vfs = smz__split_vfs();
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (vfs && sqlite3_open_v2((const char *)arg, &db, SQLITE_OPEN_READONLY, vfs) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*), sum(length(x)) FROM t", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0) * 1000L + sqlite3_column_int(st, 1) / 100;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return (void *)n;
}

int main(void)
{
    uint64_t v;
    CHECK(smz_split_parse_size("4G", &v) == SMZ_OK && v == 4294967295ULL, "4G is 4 GiB minus one byte");
    CHECK(smz_split_parse_size("4096M", &v) == SMZ_OK && v == 4294967295ULL, "... as is 4096M");
    CHECK(smz_split_parse_size("2G", &v) == SMZ_OK && v == 2147483648ULL, "2G is 2 GiB");
    CHECK(smz_split_parse_size("700M", &v) == SMZ_OK && v == 700ULL << 20, "700M");
    CHECK(smz_split_parse_size("10k", &v) == SMZ_OK && v == 10240, "10k");
    CHECK(smz_split_parse_size("512", &v) == SMZ_OK && v == 512, "512 bytes, the least");
    const char *badsz[] = {"",           "511",  "0",
                           "G",          "4GB",  "-1",
                           " 4G",        "1.5G", "99999999999999999999",
                           "9999999999G"};
    for (size_t i = 0; i < sizeof badsz / sizeof *badsz; i++)
        CHECK(smz_split_parse_size(badsz[i], &v) == SMZ_E_INVALID, "'%s' is refused", badsz[i]);

    CHECK(smz_split_is_set("a.smz.001") && smz_split_is_set("d/a.smz.999"), "NAME.smz.NNN is a part");
    CHECK(!smz_split_is_set("a.smz.000") && !smz_split_is_set("a.smz.1000") &&
              !smz_split_is_set("a.smz.01") && !smz_split_is_set("a.zip.001") &&
              !smz_split_is_set("a.smz"),
          "other names are not (000, four digits, two, another stem, an absent stem without parts)");

    CHECK(make_db("db.smz") == SQLITE_OK, "a test database");
    size_t n = 0;
    unsigned char *whole = slurp("db.smz", &n);
    CHECK(whole && n > 20000, "... of %zu bytes", n);
    smz_split *s = NULL;
    CHECK(smz_split_cut("db.smz", "p.smz", 3000, 0, &s) == SMZ_OK, "cut into 3000-byte parts: %s",
          smz_split_errmsg(s));
    CHECK(s && smz_split_size(s) == n && smz_split_parts(s) == (n + 2999) / 3000 &&
              smz_split_part_size(s) == 3000,
          "the set's size, parts and part size");
    CHECK(smz_split_is_set("p.smz"), "an absent stem with parts is a set");
    int same = s != NULL;
    unsigned char buf[7000];
    for (uint64_t b = 0; same && b <= n; b += 3000) {
        for (int d = -3; d <= 3 && same; d++) {
            int64_t off = (int64_t)b + d;
            if (off < 0)
                continue;
            for (size_t len = 0; len < sizeof buf && same; len += len < 8 ? 1 : 997) {
                long long got = smz_split_read(s, buf, len, (uint64_t)off);
                size_t want = (uint64_t)off >= n ? 0 : n - (size_t)off < len ? n - (size_t)off : len;
                same = got == (long long)want &&
                       !memcmp(buf, whole + (off < (int64_t)n ? off : 0), want);
            }
        }
    }
    CHECK(same, "reads at and around every boundary, of many lengths, give the file's bytes");
    smz_split_close(s);

    pthread_t th[8];
    long want = 300 * 1000 + 300, got[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, count_rows, i % 2 ? "p.smz" : "p.smz.002");
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(th[i], &r);
        got[i] = (long)r;
    }
    int all = 1;
    for (int i = 0; i < 8; i++)
        all &= got[i] == want;
    CHECK(all, "8 threads register the VFS at once and SQLite reads the set through it on each");
    CHECK(sqlite3_vfs_find(NULL) != sqlite3_vfs_find("smz-split"), "... which is not the default VFS");

    s = NULL;
    CHECK(smz_split_cut("db.smz", "p.smz", 3000, 0, &s) == SMZ_E_EXISTS,
          "a second cut over the parts: %s", smz_split_errmsg(s));
    smz_split_close(s);
    s = NULL;
    CHECK(smz_split_cut("db.smz", "q.smz", 1, 0, &s) == SMZ_E_INVALID && access("q.smz.001", F_OK) != 0,
          "a part size under 512 is refused, nothing written");
    smz_split_close(s);
    manifest_tests();
    free(whole);
    return CHECK_DONE();
}
