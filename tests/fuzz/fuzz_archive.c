/* libFuzzer target: open an arbitrary byte string as an archive and read
 * everything a reader can reach (stats, every entry, redirects, the main
 * page, random, the illustration, a search and a suggestion through the
 * index, packed or not, a full check).  Any crash, leak or sanitizer report is a
 * bug; every error must be a clean smz_err.  And the reader's promises on
 * what it hands out are checked (abort() when broken): every path and
 * redirect target follows the format's rules, and a path escaped for a
 * terminal holds no control character. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include "smz/reader.h"
#include "smz/format.h"
#include "smz/search.h"
#include "text/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *path, const char *msg)
{
    (void)ctx;
    (void)path;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A real file: SQLite resolves /proc/self/fd links, so memfd will not do. */
    char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/smz-fuzz-%d.smz", dir ? dir : "/tmp", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    smz_cache *cache = smz_cache_new(1 << 20);
    smz_reader *r = NULL;
    if (smz_reader_open(path, cache, &r) == SMZ_OK) {
        smz_stats st;
        if (smz_reader_stats(r, &st) == SMZ_OK)
            smz_stats_free(&st);
        uint64_t tail;
        smz_reader_tail(r, &tail);
        smz_iter *it = NULL;
        if (smz_reader_iter(r, NULL, &it) == SMZ_OK) {
            const smz_entry *e;
            for (int n = 0; n < 500 && smz_iter_next(it, &e) == SMZ_OK && e; n++) {
                if (!smz_path_valid(e->path) || (e->redirect && !smz_path_valid(e->redirect)))
                    abort();
                smz_strbuf b;
                smz_strbuf_init(&b, 1 << 16);
                if (smz_term_escape(&b, e->title, strlen(e->title)) == SMZ_OK &&
                    !smz_term_safe(smz_strbuf_str(&b), smz_strbuf_len(&b)))
                    abort();
                smz_strbuf_free(&b);
                smz_entry *t = NULL;
                if (smz_reader_resolve(r, e->path, &t) == SMZ_OK) {
                    unsigned char *buf = NULL;
                    size_t len = 0;
                    if (smz_reader_read(r, t, 1 << 20, &buf, &len) == SMZ_OK)
                        free(buf);
                }
                smz_entry_free(t);
            }
        }
        smz_iter_free(it);
        smz_entry *m = NULL;
        smz_reader_resolve(r, "", &m);
        smz_entry_free(m);
        m = NULL;
        smz_reader_random(r, size, &m);
        smz_entry_free(m);
        char *ill = NULL;
        size_t ill_len = 0;
        smz_reader_meta(r, "Illustration_48x48@1", &ill, &ill_len);
        free(ill);
        smz_results *res = NULL;
        if (smz_search(r, "rights", 5, 0, &res) == SMZ_OK)
            smz_results_free(res);
        res = NULL;
        if (smz_suggest(r, "hu", 5, &res) == SMZ_OK)
            smz_results_free(res);
        uint64_t problems = 0;
        smz_reader_check(r, ignore, NULL, &problems);
    }
    smz_reader_close(r);
    smz_cache_free(cache);
    unlink(path);
    return 0;
}
