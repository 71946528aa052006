/* Split archives (lib/split.c): part sizes as typed, which names are sets,
 * reads across part boundaries equal to the whole file at every offset
 * and length near a boundary, and the smz-split VFS registered from many
 * threads at once and read by SQLite on each (the tests/cli/split.sh
 * tests cover the commands and the broken sets). */
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
    CHECK(smz_split_cut("db.smz", "p.smz", 3000, &s) == SMZ_OK, "cut into 3000-byte parts: %s",
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
    CHECK(smz_split_cut("db.smz", "p.smz", 3000, &s) == SMZ_E_EXISTS, "a second cut over the parts: %s",
          smz_split_errmsg(s));
    smz_split_close(s);
    s = NULL;
    CHECK(smz_split_cut("db.smz", "q.smz", 1, &s) == SMZ_E_INVALID && access("q.smz.001", F_OK) != 0,
          "a part size under 512 is refused, nothing written");
    smz_split_close(s);
    free(whole);
    return CHECK_DONE();
}
