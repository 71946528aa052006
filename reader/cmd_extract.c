/* smz extract: entries back to a folder (through libarchive's disk writer
 * with its SECURE flags, so nothing lands outside the target) or into a
 * tar/zip stream, in the order their bytes lie in the archive.  Redirects
 * become relative symlinks that cannot lead out of the tree (see step 4).
 * Every file and member gets the archive's time (smz_reader_time: its Date
 * at noon UTC, else the .smz file's own time): the format keeps none for an
 * entry, and 1970-01-01 would be a date that means nothing. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../common/i18n.h"
#include "cli.h"
#include "smz/format.h"

static const char help[] = SMZ_N_(
    /* TRANSLATORS: smz extract --help: keep the command lines (smz, the options, tar|tar.gz|...), the upper-case
       words may be translated; translate the description. */
    "usage: smz extract ARCHIVE [PATH_OR_PREFIX...] -o DIR\n"
    "       smz extract ARCHIVE [PATH_OR_PREFIX...] --format tar|tar.gz|tar.zst|zip -o FILE|-\n"
    "       smz extract ARCHIVE --format zim -o FILE [--no-index]   (smz extract --format zim --help)\n"
    "Writes entries (all, or those under the given paths) to a folder, never outside it,\n"
    "or into an archive file (- for standard output).  Redirects become symlinks.\n"
    "Files are dated by the archive's Date (at 12:00 UTC), else by the .smz file's time.\n");

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

enum { LINK_SYMLINK = 1, LINK_HARD, LINK_NONE };

typedef struct item {
    smz_entry *e;
    int folder;    /* another chosen entry lies under it: left out */
    char *written; /* the name as the output writes it (see same_names) */
} item;

static int cmp_written(const void *a, const void *b)
{
    const item *x = *(const item *const *)a, *y = *(const item *const *)b;
    int c = strcmp(x->written, y->written);
    return c ? c : (x < y ? -1 : x > y);
}

/* Leaves out (as "folder", with a warning) each entry whose name, as
 * libarchive writes it, is that of an earlier one: libarchive turns names
 * into Unicode's composed form (NFC) on the way out, so "cafe" with a
 * combining accent and "café" in one character, two entries in the archive,
 * would become one file (the later's bytes) or two tar members of one name.
 * Returns the number left out, or -1 when memory ran out. */
static long same_names(item *items, size_t n, struct archive_entry *ae)
{
    long dropped = 0;
    item **by = calloc(n ? n : 1, sizeof *by);
    if (!by)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].folder)
            continue;
        archive_entry_clear(ae);
        archive_entry_set_pathname_utf8(ae, items[i].e->path);
        const char *w = archive_entry_pathname(ae);
        if (!(items[i].written = strdup(w ? w : items[i].e->path))) {
            free(by);
            return -1;
        }
        by[m++] = &items[i];
    }
    qsort(by, m, sizeof *by, cmp_written);
    for (size_t k = 1; k < m; k++) {
        if (strcmp(by[k]->written, by[k - 1]->written))
            continue;
        by[k]->folder = 1; /* the later in path order, as items is */
        fprintf(stderr,
                _("smz extract: %s: written as the same name as %s (Unicode normalisation); skipped\n"),
                cli_t(by[k]->e->path), cli_t(by[k - 1]->e->path));
        dropped++;
        by[k] = by[k - 1]; /* a third of the same name compares with the kept one */
    }
    free(by);
    return dropped;
}

/* The item whose path is the N bytes at P, in ITEMS sorted by path. */
static item *find_item(item *items, size_t n, const char *p, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *q = items[mid].e->path;
        int c = strncmp(q, p, len);
        if (c == 0)
            c = q[len] != 0; /* longer than the key: after it */
        if (c == 0)
            return &items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static size_t depth(const char *p)
{
    size_t d = 0;
    for (; *p; p++)
        d += *p == '/';
    return d;
}

/* Writes E, dated MTIME: its bytes, or (TARGET set) a link of kind HOW to
 * TARGET.  Returns 1 when the output cannot take more. */
static int write_entry(struct archive *a, struct archive_entry *ae, smz_reader *r, const smz_entry *e,
                       int64_t mtime, const char *target, int how, unsigned char *buf, int *failures)
{
    char *link = NULL;
    if (!smz_path_valid(e->path)) {
        fprintf(stderr, _("smz extract: refusing unsafe path in the archive: %.200s\n"), cli_t(e->path));
        (*failures)++;
        return 0;
    }
    archive_entry_clear(ae);
    archive_entry_set_pathname_utf8(ae, e->path);
    archive_entry_set_mtime(ae, (time_t)mtime, 0);
    if (target && how == LINK_HARD) {
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_hardlink_utf8(ae, target);
    } else if (target) {
        if (!(link = relative_link(e->path, target))) {
            fprintf(stderr, _("smz %s: out of memory\n"), "extract");
            (*failures)++;
            return 1;
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
        fprintf(stderr, "smz extract: %s: %s\n", cli_t(e->path), cli_t(archive_error_string(a)));
        (*failures)++;
        return ar == ARCHIVE_FATAL;
    }
    for (uint64_t off = 0; !target && off < e->size;) {
        size_t n = e->size - off > (1 << 20) ? (1 << 20) : (size_t)(e->size - off);
        smz_err er = smz_reader_read_range(r, e, off, buf, n);
        if (er != SMZ_OK) {
            cli_fail("extract", r, er);
            (*failures)++;
            break;
        }
        if (archive_write_data(a, buf, n) != (la_ssize_t)n) {
            fprintf(stderr, "smz extract: %s: %s\n", cli_t(e->path), cli_t(archive_error_string(a)));
            (*failures)++;
            break;
        }
        off += n;
    }
    if (archive_write_finish_entry(a) < ARCHIVE_WARN) {
        fprintf(stderr, "smz extract: %s: %s\n", cli_t(e->path), cli_t(archive_error_string(a)));
        (*failures)++;
    }
    return 0;
}

/* --format zim: runs smz-zim (the program linked with libzim; smz stays C)
 * with the same arguments but the format, from smz's own folder, else from
 * PATH.  Returns only when it could not be run. */
static int run_smz_zim(int argc, char **argv)
{
    char self[4096], prog[4096 + 16];
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) {
        fprintf(stderr, _("smz %s: out of memory\n"), "extract");
        return 1;
    }
    int n = 0;
    args[n++] = "smz-zim";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "zim"))
            i++;
        else
            args[n++] = argv[i];
    }
    args[n] = NULL;
    /* i18n_setup took LANGUAGE out of smz's environment: smz-zim gets the
     * language smz speaks. */
    if (i18n_cli() != SMZ_UI_EN)
        setenv("LANGUAGE", smz_ui_lang_at(i18n_cli())->code, 1);
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = 0;
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = 0;
            snprintf(prog, sizeof prog, "%s/smz-zim", self);
            execv(prog, args);
        }
    }
    execvp("smz-zim", args);
    fprintf(stderr,
            _("smz extract: --format zim needs the program smz-zim (installed beside smz): %s\n"),
            strerror(errno));
    free(args);
    return 1;
}

int cmd_extract(int argc, char **argv)
{
    const char *path = NULL, *out = NULL, *fmt = NULL;
    char **sel = calloc((size_t)argc, sizeof *sel);
    int nsel = 0, status = CLI_ERROR, failures = 0, cwd = -1;
    struct archive *a = NULL;
    struct archive_entry *ae = NULL;
    smz_reader *r = NULL;
    smz_cache *cache = NULL;
    smz_iter *it = NULL;
    unsigned char *buf = NULL;
    item *items = NULL;
    size_t n_items = 0, cap_items = 0;
    if (!sel)
        return 1;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--format") && !strcmp(argv[i + 1], "zim")) {
            free(sel);
            return run_smz_zim(argc, argv);
        }
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(help), stdout);
            free(sel);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            fmt = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, _("smz %s: unknown option '%s'\n"), "extract", cli_t(argv[i]));
            fputs(_(help), stderr);
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
        fputs(_(help), stderr);
        free(sel);
        return 2;
    }
    if (!(cache = smz_cache_new(0))) {
        fprintf(stderr, _("smz %s: out of memory\n"), "extract");
        goto out;
    }
    if (!(r = cli_open(path, cache)))
        goto out;
    if (fmt) {
        a = archive_write_new();
        if (!a || set_format(a, fmt) != 0) {
            fprintf(stderr, _("smz extract: unknown --format '%s' (tar, tar.gz, tar.zst, zip, zim)\n"),
                    fmt);
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
            fprintf(stderr, _("smz %s: out of memory\n"), "extract");
            goto out;
        }
        archive_write_disk_set_options(a, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                              ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
                                              ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_TIME);
        if (mkdir(out, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, _("smz %s: cannot create %s: %s\n"), "extract", cli_t(out), strerror(errno));
            goto out;
        }
        /* Relative names under the target: the SECURE flags then hold. */
        if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || chdir(out) != 0) {
            fprintf(stderr, _("smz extract: cannot enter %s: %s\n"), cli_t(out), strerror(errno));
            goto out;
        }
    }
    if (!(ae = archive_entry_new()) || !(buf = malloc(1 << 20))) {
        fprintf(stderr, _("smz %s: out of memory\n"), "extract");
        goto out;
    }
    int64_t mtime;
    int dated;
    smz_err rc = smz_reader_time(r, &mtime, &dated);
    if (rc != SMZ_OK) {
        cli_fail("extract", r, rc);
        goto out;
    }
    if (!dated)
        fprintf(stderr, _("smz extract: %s has no Date: files get the time of the archive file\n"),
                cli_t(path));
    rc = smz_reader_iter(r, NULL, &it);
    if (it)
        smz_iter_on_skip(it, cli_skip_warn, "extract");
    unsigned long matched = 0;
    /* 1. The chosen entries, in path order (bytewise, as strcmp). */
    while (rc == SMZ_OK) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
            break;
        if (!wanted(e->path, sel, nsel))
            continue;
        matched++;
        if (n_items == cap_items) {
            size_t nc = cap_items ? cap_items * 2 : 256;
            item *ni = realloc(items, nc * sizeof *ni);
            if (!ni) {
                rc = SMZ_E_NOMEM;
                break;
            }
            items = ni;
            cap_items = nc;
        }
        item *it2 = &items[n_items];
        memset(it2, 0, sizeof *it2);
        if (smz_entry_dup(e, &it2->e) != SMZ_OK) {
            rc = SMZ_E_NOMEM;
            break;
        }
        n_items++;
    }
    if (it && smz_iter_skipped(it))
        failures++;
    if (rc != SMZ_OK) {
        cli_fail("extract", r, rc);
        goto out;
    }
    /* 2. An entry that is also a folder of another ("a" and "a/b") is left
     * out: as a file or a link it would stand where the folder must be, and
     * a link there would lead the other's bytes elsewhere. */
    for (size_t i = 0; i < n_items; i++) {
        const char *p = items[i].e->path;
        for (const char *q = strchr(p, '/'); q; q = strchr(q + 1, '/')) {
            item *d = find_item(items, n_items, p, (size_t)(q - p));
            if (d && !d->folder) {
                d->folder = 1;
                fprintf(stderr, _("smz extract: %s: also a folder of other entries; skipped\n"),
                        cli_t(d->e->path));
                failures++;
            }
        }
    }
    /* 2b. Two entries whose names become one on the way out: the later is
     * left out. */
    long same = same_names(items, n_items, ae);
    if (same < 0) {
        fprintf(stderr, _("smz %s: out of memory\n"), "extract");
        goto out;
    }
    failures += (int)same;
    /* 3. Content in the order its bytes lie, so each cluster is decoded
     * once whatever the order of the paths (smz_entry_cmp_place). */
    smz_entry **order = calloc(n_items ? n_items : 1, sizeof *order);
    size_t n_order = 0;
    if (!order) {
        fprintf(stderr, _("smz %s: out of memory\n"), "extract");
        goto out;
    }
    for (size_t i = 0; i < n_items; i++)
        if (!items[i].folder && !items[i].e->redirect)
            order[n_order++] = items[i].e;
    qsort(order, n_order, sizeof *order, smz_entry_cmp_place);
    int fatal = 0;
    for (size_t k = 0; k < n_order && !fatal; k++)
        fatal = write_entry(a, ae, r, order[k], mtime, NULL, 0, buf, &failures);
    free(order);
    /* 4. Redirects, once their targets are written: each points straight
     * at the content it ends at (never at another link), which must be
     * written too.  In a folder, a symlink (libarchive's SECURE flags keep
     * every write from passing through a link).  In a tar or zip, whose
     * extractor may follow links blindly, a symlink only when its target is
     * at least as deep as the link: then no chain of links, even where a
     * case-insensitive disk makes two paths one, can climb above the top;
     * otherwise a hard link in a tar, and nothing in a zip. */
    for (size_t i = 0; i < n_items && !fatal; i++) {
        const smz_entry *e = items[i].e;
        if (items[i].folder || !e->redirect)
            continue;
        smz_entry *t = NULL;
        smz_err er = smz_reader_resolve(r, e->path, &t);
        item *ti = er == SMZ_OK ? find_item(items, n_items, t->path, strlen(t->path)) : NULL;
        if (!ti || ti->folder) {
            if (er != SMZ_OK)
                cli_fail("extract", r, er);
            fprintf(stderr, _("smz extract: %s: redirect whose target is not extracted; skipped\n"),
                    cli_t(e->path));
            failures++;
        } else {
            int how = !fmt || depth(t->path) >= depth(e->path) ? LINK_SYMLINK
                      : strcmp(fmt, "zip")                     ? LINK_HARD
                                                               : LINK_NONE;
            if (how == LINK_NONE) {
                fprintf(
                    stderr,
                    _("smz extract: %s: a redirect up the tree cannot be a safe link in a zip; skipped\n"),
                    cli_t(e->path));
                failures++;
            } else {
                fatal = write_entry(a, ae, r, e, mtime, t->path, how, buf, &failures);
            }
        }
        smz_entry_free(t);
    }
    if (fatal)
        goto out;
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "smz extract: %s: %s\n", out, archive_error_string(a));
        goto out;
    }
    if (nsel && matched == 0) {
        fprintf(stderr, _("smz extract: nothing in %s matches the given paths\n"), cli_t(path));
        status = CLI_NO;
        goto out;
    }
    status = failures ? CLI_ERROR : CLI_OK;
out:
    cli_debug_decodes(r);
    if (cwd >= 0) {
        if (fchdir(cwd) != 0)
            status = CLI_ERROR;
        close(cwd);
    }
    archive_entry_free(ae);
    archive_write_free(a);
    smz_iter_free(it);
    for (size_t i = 0; i < n_items; i++) {
        smz_entry_free(items[i].e);
        free(items[i].written);
    }
    free(items);
    free(buf);
    free(sel);
    smz_reader_close(r);
    smz_cache_free(cache);
    return status;
}
