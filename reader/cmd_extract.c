/* smz extract: entries back to a folder (through libarchive's disk writer
 * with its SECURE flags, so nothing lands outside the target) or into a
 * tar/zip stream.  Redirects become relative symlinks. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "smz/writer.h"

static const char help[] =
    "usage: smz extract ARCHIVE [PATH_OR_PREFIX...] -o DIR\n"
    "       smz extract ARCHIVE [PATH_OR_PREFIX...] --format tar|tar.gz|tar.zst|zip -o FILE|-\n"
    "Writes entries (all, or those under the given paths) to a folder, never outside it,\n"
    "or into an archive file (- for standard output).  Redirects become symlinks.\n";

/* "../" for every folder above PATH, then TARGET: a link that works from
 * wherever PATH sits. */
static char *relative_link(const char *path, const char *target)
{
    size_t up = 0;
    for (const char *p = path; *p; p++)
        up += *p == '/';
    size_t tl = strlen(target);
    char *s = malloc(up * 3 + tl + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < up; i++)
        memcpy(s + 3 * i, "../", 3);
    memcpy(s + 3 * up, target, tl + 1);
    return s;
}

static int wanted(const char *path, char **sel, int nsel)
{
    if (nsel == 0)
        return 1;
    for (int i = 0; i < nsel; i++) {
        size_t n = strlen(sel[i]);
        if (!strncmp(path, sel[i], n) && (path[n] == 0 || path[n] == '/' || sel[i][n - 1] == '/'))
            return 1;
    }
    return 0;
}

static int set_format(struct archive *a, const char *fmt)
{
    if (!strcmp(fmt, "tar"))
        return archive_write_set_format_pax_restricted(a);
    if (!strcmp(fmt, "tar.gz") || !strcmp(fmt, "tgz"))
        return archive_write_set_format_pax_restricted(a) || archive_write_add_filter_gzip(a);
    if (!strcmp(fmt, "tar.zst"))
        return archive_write_set_format_pax_restricted(a) || archive_write_add_filter_zstd(a);
    if (!strcmp(fmt, "zip"))
        return archive_write_set_format_zip(a);
    return -1;
}

int cmd_extract(int argc, char **argv)
{
    const char *path = NULL, *out = NULL, *fmt = NULL;
    char **sel = calloc((size_t)argc, sizeof *sel);
    int nsel = 0, status = 1, failures = 0, cwd = -1;
    struct archive *a = NULL;
    struct archive_entry *ae = NULL;
    smz_reader *r = NULL;
    smz_cache *cache = NULL;
    smz_iter *it = NULL;
    unsigned char *buf = NULL;
    if (!sel)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(help, stdout);
            free(sel);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            fmt = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "smz extract: unknown option '%s'\n%s", argv[i], help);
            free(sel);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            sel[nsel++] = argv[i];
        }
    }
    /* libarchive converts names to the locale's charset: ours are UTF-8. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    if (!path || !out) {
        fputs(help, stderr);
        free(sel);
        return 2;
    }
    if (!(cache = smz_cache_new(0))) {
        fprintf(stderr, "smz extract: out of memory\n");
        goto out;
    }
    if (!(r = cli_open(path, cache)))
        goto out;
    if (fmt) {
        a = archive_write_new();
        if (!a || set_format(a, fmt) != 0) {
            fprintf(stderr, "smz extract: unknown --format '%s' (tar, tar.gz, tar.zst, zip)\n", fmt);
            status = 2;
            goto out;
        }
        if (archive_write_open_filename(a, strcmp(out, "-") ? out : NULL) != ARCHIVE_OK) {
            fprintf(stderr, "smz extract: %s: %s\n", out, archive_error_string(a));
            goto out;
        }
    } else {
        a = archive_write_disk_new();
        if (!a) {
            fprintf(stderr, "smz extract: out of memory\n");
            goto out;
        }
        archive_write_disk_set_options(a, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                              ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
                                              ARCHIVE_EXTRACT_UNLINK);
        if (mkdir(out, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "smz extract: cannot create %s: %s\n", out, strerror(errno));
            goto out;
        }
        /* Relative names under the target: the SECURE flags then hold. */
        if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || chdir(out) != 0) {
            fprintf(stderr, "smz extract: cannot enter %s: %s\n", out, strerror(errno));
            goto out;
        }
    }
    if (!(ae = archive_entry_new()) || !(buf = malloc(1 << 20))) {
        fprintf(stderr, "smz extract: out of memory\n");
        goto out;
    }
    smz_err rc = smz_reader_iter(r, NULL, &it);
    unsigned long written = 0, matched = 0;
    while (rc == SMZ_OK) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
            break;
        if (!wanted(e->path, sel, nsel))
            continue;
        matched++;
        if (!smz_path_valid(e->path)) {
            fprintf(stderr, "smz extract: refusing unsafe path in the archive: %.200s\n", e->path);
            failures++;
            continue;
        }
        archive_entry_clear(ae);
        archive_entry_set_pathname_utf8(ae, e->path);
        archive_entry_set_mtime(ae, 0, 0);
        char *link = NULL;
        if (e->redirect) {
            if (!smz_path_valid(e->redirect) || !(link = relative_link(e->path, e->redirect))) {
                fprintf(stderr, "smz extract: %s: unsafe redirect target; skipped\n", e->path);
                failures++;
                continue;
            }
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_perm(ae, 0777);
            archive_entry_set_symlink_utf8(ae, link);
        } else {
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_perm(ae, 0644);
            archive_entry_set_size(ae, (la_int64_t)e->size);
        }
        int ar = archive_write_header(a, ae);
        free(link);
        if (ar < ARCHIVE_WARN) {
            fprintf(stderr, "smz extract: %s: %s\n", e->path, archive_error_string(a));
            failures++;
            if (ar == ARCHIVE_FATAL)
                break;
            continue;
        }
        for (uint64_t off = 0; !e->redirect && off < e->size;) {
            size_t n = e->size - off > (1 << 20) ? (1 << 20) : (size_t)(e->size - off);
            smz_err er = smz_reader_read_range(r, e, off, buf, n);
            if (er != SMZ_OK) {
                cli_fail("extract", r, er);
                failures++;
                break;
            }
            if (archive_write_data(a, buf, n) != (la_ssize_t)n) {
                fprintf(stderr, "smz extract: %s: %s\n", e->path, archive_error_string(a));
                failures++;
                break;
            }
            off += n;
        }
        if (archive_write_finish_entry(a) < ARCHIVE_WARN) {
            fprintf(stderr, "smz extract: %s: %s\n", e->path, archive_error_string(a));
            failures++;
        }
        written++;
    }
    if (rc != SMZ_OK) {
        cli_fail("extract", r, rc);
        goto out;
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "smz extract: %s: %s\n", out, archive_error_string(a));
        goto out;
    }
    if (nsel && matched == 0) {
        fprintf(stderr, "smz extract: nothing in %s matches the given paths\n", path);
        goto out;
    }
    status = failures ? 1 : 0;
out:
    if (cwd >= 0) {
        if (fchdir(cwd) != 0)
            status = 1;
        close(cwd);
    }
    archive_entry_free(ae);
    archive_write_free(a);
    smz_iter_free(it);
    free(buf);
    free(sel);
    smz_reader_close(r);
    smz_cache_free(cache);
    return status;
}
