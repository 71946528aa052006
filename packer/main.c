/* smz-pack: the command-line front-end that builds an archive.  It parses
 * options, shows progress, and turns Ctrl-C into a clean cancel; all packing
 * is done by the library (smz/pack.h, smz/writer.h). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <archive.h>
#include <cmark.h>
#include <libxml/parser.h>
#include <magic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "smz/pack.h"
#include "smz/reader.h"
#include "smz/sign.h"
#include "smz/verify.h"
#include "smz/util.h"
#include "smz/writer.h"
#include "smz/split.h"
#include "../common/i18n.h"
#include "../common/password.h"
#include "../common/reader_html.h"
#include "../common/version.h"

/* smz-pack --help, the catalogue's msgid: printed in the command line's
 * language (_(usage)). */
static const char usage[] = SMZ_N_(
    /* TRANSLATORS: smz-pack --help: keep the options, the upper-case words and the layout (the
       descriptions start at column 28); translate the descriptions. */
    "usage: smz-pack SOURCE... -o OUT.smz [options]\n"
    "Packs folders, archives (tar, tar.gz/xz/zst, zip, 7z, cpio, ISO, WARC), ZIM files\n"
    "(Kiwix's; their metadata too) or a tar stream on standard input (-) into one .smz\n"
    "archive (see smz-pack(1)).\n"
    "\n"
    "  -o, --output FILE        the archive to write (required)\n"
    "  --title T                collection title\n"
    "  --description D          one-line description\n"
    "  --language L             ISO 639-3 code, e.g. eng, zho (English enables stemming)\n"
    "  --main-page PATH         the entry shown first (default: index.html or index.htm,\n"
    "                           else a generated index page of every page)\n"
    "  --metadata FILE          metadata as JSON (default: samizdat.json at the root of\n"
    "                           a folder SOURCE); options given here win\n"
    "  --name N                 short name used in URLs (default: file name without .smz)\n"
    "  --creator C, --publisher P, --date YYYY-MM-DD, --tags T, --source S, --license L\n"
    "  --illustration PNG       48x48 PNG icon (default: a built-in one)\n"
    "  --redirects FILE         TSV lines: path<TAB>title<TAB>target\n"
    "  --include-hidden         also pack files whose name starts with '.'\n"
    "  --articles | --no-articles  render .txt/.md as HTML pages (default: when no HTML)\n"
    "  --no-index               leave the full-text index out\n"
    "  --index-text             in a site of HTML pages, index its .txt and .md files too\n"
    "  --base OLD.smz           an earlier version of OUT: its pages keep their ids in the\n"
    "                           index, and smz diff OLD.smz OUT.smz makes a smaller update\n"
    "  --threads N              compression threads (default: all cores)\n"
    "  --cluster-size BYTES     target cluster size (default 8 MiB; 6 MiB in format 2)\n"
    "  --format-version N       write format N: 3 (the default) or 2, which readers from\n"
    "                           before 2026-12 read too\n"
    "  --level N                zstd level 1-22 (default 19)\n"
    "  --max-size SIZE          stop with an error (leaving nothing) rather than write an\n"
    "                           archive over SIZE bytes (K, M, G: KiB, MiB, GiB; e.g. 2G)\n"
    "  --max-entry-size SIZE    skip, with a warning, files over SIZE from any source\n"
    "                           (default and most: 999,000,000 bytes)\n"
    "  --sign KEY.sec           sign with this minisign secret key: inside the archive\n"
    "                           and as OUT.smz.minisig beside it (see smz verify)\n"
    "  --password-file FILE     the key's password (else SMZ_PASSWORD, else a prompt)\n"
    "  --split SIZE             write OUT.smz.001, OUT.smz.002, ... of at most SIZE bytes\n"
    "                           instead of OUT.smz (4G: 4 GiB minus one byte, for FAT32),\n"
    "                           and their manifest NAME.parts for OUT NAME.smz (sizes\n"
    "                           and BLAKE2b; with --sign, signed as NAME.parts.minisig)\n"
    "  --with-reader            also write smz-reader.html beside OUT: the reader that\n"
    "                           opens it in any web browser, nothing installed\n"
    "  --progress               show progress even when standard error is not a\n"
    "                           terminal: one line each (phase, bytes, time left)\n"
    "  -q, --quiet              no progress, no summary\n"
    "  --version                the version, the commit it was built from, and the\n"
    "                           libraries' versions\n"
    "  -h, --help               this help\n");

/* The writer a signal should cancel, and the partial file to remove when
 * the cancel cannot wait: the only globals, and front-end only. */
static smz_writer *volatile g_writer;
static char g_partial[4096];
static char g_partial_dir[4096]; /* --split: the folder that holds it, or "" */
static volatile sig_atomic_t g_stopping;

/* Ends the process from a signal handler: the cancel asked for did not
 * finish (a read of a FIFO or a pipe that never ends blocks in read(2),
 * where no cancel flag is looked at).  Async-signal-safe calls only. */
static void stop_now(void)
{
    static const char msg[] = "smz-pack: interrupted\n";
    if (g_partial[0])
        unlink(g_partial);
    if (g_partial_dir[0])
        rmdir(g_partial_dir);
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(130);
}

/* The first SIGINT, SIGTERM or SIGHUP cancels the pack, which then ends at
 * the next entry with the partial file removed; a second signal, or 2
 * seconds without that happening (SIGALRM), end it at once. */
static void on_signal(int sig)
{
    if (sig == SIGALRM || g_stopping)
        stop_now();
    g_stopping = 1;
    if (g_writer)
        smz_writer_interrupt(g_writer);
    alarm(2);
}

/* What the progress line knows.  LINES: progress is shown on a standard
 * error that is not a terminal (--progress), one line each, not redrawn. */
typedef struct ui {
    int tty, quiet, show, lines;
    uint64_t total_files, total_bytes; /* of the folder sources (smz_pack_scan) */
    struct timespec start, last;
    smz_phase phase;      /* of the last line shown; 0 before the first */
    uint64_t compressed;  /* compressed_bytes last seen */
    double compressed_at; /* seconds since start when it last grew */
    double phase_at;      /* seconds since start when the phase began */
} ui;

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Prints MSG (a warning or error that may quote a packed file's name or
 * metadata) on standard error with every control sequence escaped. */
static void put_escaped(const char *pre, const char *msg)
{
    smz_strbuf b;
    smz_strbuf_init(&b, strlen(msg) * 8 + 16);
    smz_term_escape(&b, msg, strlen(msg));
    fprintf(stderr, "%s%s\n", pre, smz_strbuf_err(&b) ? "(unprintable message)" : smz_strbuf_str(&b));
    smz_strbuf_free(&b);
}

static void on_warn(void *ctx, const char *msg)
{
    ui *u = ctx;
    char pre[128];
    snprintf(pre, sizeof pre, "%s%s", u->show && !u->lines ? "\r\033[K" : "", _("warning: "));
    put_escaped(pre, msg);
}

/* S seconds as a person reads them: "8 s", "3 min 20 s", "1 h 05 min". */
static const char *dur(double s, char out[32])
{
    long v = s > 0 ? (long)(s + 0.5) : 0;
    if (v < 60)
        snprintf(out, 32, _("%ld s"), v);
    else if (v < 3600)
        snprintf(out, 32, _("%ld min %02ld s"), v / 60, v % 60);
    else
        snprintf(out, 32, _("%ld h %02ld min"), v / 3600, v % 3600 / 60);
    return out;
}

/* The time left, LEFT seconds (NAN: no measure yet): "about N left",
 * rounded up, or, once the estimate has run out while work remains,
 * "taking longer than estimated": never "0 s left" while there is work. */
static void left_text(char *out, size_t n, double left)
{
    char d[32];
    if (isnan(left))
        snprintf(out, n, "%s", _("estimating the time left"));
    else if (left > 0)
        snprintf(out, n, _("about %s left"), dur(ceil(left), d));
    else
        snprintf(out, n, "%s", _("taking longer than estimated"));
}

static void on_progress(void *ctx, const smz_progress *p)
{
    ui *u = ctx;
    if (!u->show)
        return;
    double t = since(&u->start);
    if (p->compressed_bytes != u->compressed || !u->phase) {
        u->compressed = p->compressed_bytes;
        u->compressed_at = t;
    }
    int changed = p->phase != u->phase;
    if (changed)
        u->phase_at = t;
    /* A terminal's line is redrawn 5 times a second; lines (--progress)
     * come once a second, and at every change of phase. */
    if (!changed && since(&u->last) < (u->lines ? 1.0 : 0.2))
        return;
    u->phase = p->phase;
    clock_gettime(CLOCK_MONOTONIC, &u->last);
    /* The compression's throughput, measured: it runs from the first full
     * cluster on, beside the reading. */
    double crate = u->compressed_at > 0 ? (double)u->compressed / u->compressed_at : 0;
    double in = (double)p->input_bytes, done = (double)p->compressed_bytes;
    char left[80], line[400], d[32];
    switch (p->phase) {
    case SMZ_PHASE_READING: {
        double rrate = t > 0 ? in / t : 0;
        if (u->total_bytes) {
            /* Whichever ends later: reading the rest, or compressing it all
             * (the generated pages come on top of the folders' bytes). */
            double rest = u->total_bytes > p->input_bytes ? (double)(u->total_bytes - p->input_bytes)
                                                          : 0;
            double tr = rrate > 0 ? rest / rrate : NAN;
            double all = in > (double)u->total_bytes ? in : (double)u->total_bytes;
            double tc = crate > 0 ? (all - done) / crate - (t - u->compressed_at) : NAN;
            left_text(left, sizeof left, isnan(tr) || isnan(tc) ? NAN : tr > tc ? tr : tc);
            snprintf(line, sizeof line,
                     _("reading files: %llu of %llu files, %.1f of %.1f MB; %.1f MB compressed; %s"),
                     (unsigned long long)p->entries, (unsigned long long)u->total_files, in / 1e6,
                     (double)u->total_bytes / 1e6, done / 1e6, left);
        } else
            snprintf(line, sizeof line, _("reading files: %llu files, %.1f MB; %.1f MB compressed"),
                     (unsigned long long)p->entries, in / 1e6, done / 1e6);
        break;
    }
    case SMZ_PHASE_COMPRESSING: {
        left_text(left, sizeof left, crate > 0 ? (in - done) / crate - (t - u->compressed_at) : NAN);
        if (done >= in)
            snprintf(left, sizeof left, "%s", _("writing what is left"));
        /* The time in this phase moves even while one long cluster
         * compresses with nothing yet to count. */
        char rate[48] = "";
        if (crate > 0)
            snprintf(rate, sizeof rate, " (%.1f MB/s)", crate / 1e6);
        snprintf(line, sizeof line, _("compressing: %.1f of %.1f MB compressed%s; %s; %s so far"),
                 done / 1e6, in / 1e6, rate, left, dur(t - u->phase_at, d));
        break;
    }
    case SMZ_PHASE_INDEXING:
        snprintf(line, sizeof line, _("building the search index: %.1f MB compressed; %s so far"),
                 done / 1e6, dur(t - u->phase_at, d));
        break;
    case SMZ_PHASE_WRITING:
        snprintf(line, sizeof line, _("writing the archive (compacting, digest): %s so far"),
                 dur(t - u->phase_at, d));
        break;
    case SMZ_PHASE_SIGNING: snprintf(line, sizeof line, "%s", _("signing")); break;
    case SMZ_PHASE_DONE:
        snprintf(line, sizeof line,
                 N_("done: %llu entry, %.1f MB compressed in %s",
                    "done: %llu entries, %.1f MB compressed in %s", (unsigned long)p->entries),
                 (unsigned long long)p->entries, done / 1e6, dur(t, d));
        break;
    }
    fprintf(stderr, u->lines ? "%s\n" : "\r\033[K%s", line);
}

/* The pack's summary, in words: what went in, what came out, and, for a
 * collection smaller than the archive's fixed overhead (its tables, the
 * empty search index, the metadata and icon), why the archive is larger
 * than its content rather than a ratio of thousands of percent. */
static void summary(FILE *f, const char *pre, const char *out, const smz_writer_stats *st, double secs)
{
    char in[SMZ_SIZE_TEXT], arc[SMZ_SIZE_TEXT], over[SMZ_SIZE_TEXT], d[32], redir[64] = "";
    smz_size_text(st->input_bytes, in);
    smz_size_text(st->archive_bytes, arc);
    if (st->redirects)
        snprintf(redir, sizeof redir,
                 N_(" and %llu redirect", " and %llu redirects", (unsigned long)st->redirects),
                 (unsigned long long)st->redirects);
    fputs(pre, f);
    /* TRANSLATORS: %1$s the archive, %2$llu how many entries, %3$s " and N redirects" or nothing,
     * %4$s the content's size, %5$s the archive's. */
    fprintf(f,
            N_("%1$s: %2$llu entry%3$s, %4$s of content in an archive of %5$s",
               "%1$s: %2$llu entries%3$s, %4$s of content in an archive of %5$s",
               (unsigned long)st->entries),
            out, (unsigned long long)st->entries, redir, in, arc);
    if (st->archive_bytes > st->input_bytes) {
        /* The overhead is what is not the compressed content: SQLite's
         * tables and pages, the search index, the metadata and icon. */
        uint64_t over_bytes = st->archive_bytes > st->cluster_bytes
                                  ? st->archive_bytes - st->cluster_bytes
                                  : 0;
        char packed[SMZ_SIZE_TEXT];
        smz_size_text(st->cluster_bytes, packed);
        fprintf(f,
                _(", made in %s.\nThe archive is larger than its content: the content compresses to "
                  "%s, and every archive carries about %s more (its tables, search index, metadata and "
                  "icon), which only a small collection notices.\n"),
                dur(secs, d), packed, smz_size_text(over_bytes, over));
    } else
        fprintf(f, _(" (%.0f%% of its size), made in %s.\n"),
                ceil(100.0 * (double)st->archive_bytes /
                     (double)(st->input_bytes ? st->input_bytes : 1)),
                dur(secs, d));
}

/* smz-pack --version: the libraries it runs with. */
static void version(void)
{
    char xml[32], mg[16];
    const version_lib libs[] = {
        {"zstd", ZSTD_versionString()},
        {"SQLite", sqlite3_libversion()},
        {"libsodium", sodium_version_string()},
        {"libarchive", version_libarchive(archive_version_string())},
        {"libxml2", version_libxml2(xmlParserVersion, xml, sizeof xml)},
        {"cmark", cmark_version_string()},
        {"libmagic", version_libmagic(magic_version(), mg, sizeof mg)},
        {"libzim", smz_pack_zim_version() ? smz_pack_zim_version() : "none (no ZIM files)"},
    };
    version_print(stdout, "smz-pack", libs, sizeof libs / sizeof libs[0]);
}

static int read_png_48(const char *path, unsigned char **data, size_t *len, char *err, size_t errlen)
{
    const char *why;
    FILE *f = smz_file_fopen(path, 0, &why);
    *data = NULL;
    if (!f) {
        snprintf(err, errlen, _("cannot read %s: %s"), path, why);
        return -1;
    }
    unsigned char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    int more = fgetc(f) != EOF;
    fclose(f);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (!buf || more || n < 24 || memcmp(buf, sig, 8) || memcmp(buf + 12, "IHDR", 4)) {
        snprintf(err, errlen, _("%s: not a PNG file (or over 1 MiB)"), path);
        free(buf);
        return -1;
    }
    unsigned w = (unsigned)buf[16] << 24 | (unsigned)buf[17] << 16 | (unsigned)buf[18] << 8 | buf[19];
    unsigned h = (unsigned)buf[20] << 24 | (unsigned)buf[21] << 16 | (unsigned)buf[22] << 8 | buf[23];
    if (w != 48 || h != 48) {
        snprintf(err, errlen, _("%s: the illustration must be 48x48 pixels, not %ux%u"), path, w, h);
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

static void today(char out[11])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            t = (time_t)v;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

enum {
    O_TITLE = 256,
    O_DESC,
    O_LANG,
    O_MAIN,
    O_NAME,
    O_CREATOR,
    O_PUBLISHER,
    O_DATE,
    O_TAGS,
    O_SOURCE,
    O_LICENSE,
    O_ILLUS,
    O_REDIR,
    O_HIDDEN,
    O_NOINDEX,
    O_INDEXTEXT,
    O_BASE,
    O_THREADS,
    O_CLUSTER,
    O_FORMAT,
    O_LEVEL,
    O_ARTICLES,
    O_NOARTICLES,
    O_METADATA,
    O_SIGN,
    O_PWFILE,
    O_SPLIT,
    O_MAXSIZE,
    O_MAXENTRY,
    O_WITHREADER,
    O_PROGRESS,
    O_VERSION
};

static const struct {
    int opt;
    const char *key, *option;
} keys[] = {
    {O_TITLE, "Title", "--title"},
    {O_DESC, "Description", "--description"},
    {O_LANG, "Language", "--language"},
    {O_MAIN, "MainPage", "--main-page"},
    {O_NAME, "Name", "--name"},
    {O_CREATOR, "Creator", "--creator"},
    {O_PUBLISHER, "Publisher", "--publisher"},
    {O_DATE, "Date", "--date"},
    {O_TAGS, "Tags", "--tags"},
    {O_SOURCE, "Source", "--source"},
    {O_LICENSE, "License", "--license"},
};

/* Reads the metadata of each ZIM source (smz_pack_is_zim: by its first
 * bytes, whatever its name) into MD, later ones winning. */
static int read_zim_metadata(char **sources, int n, const smz_pack_opts *po, smz_pack_meta *md,
                             char *err, size_t errlen)
{
    struct stat sb;
    for (int i = 0; i < n; i++)
        if (strcmp(sources[i], "-") && stat(sources[i], &sb) == 0 && S_ISREG(sb.st_mode) &&
            smz_pack_is_zim(sources[i]) && smz_pack_meta_read_zim(md, sources[i], po) != SMZ_OK) {
            snprintf(err, errlen, "%s", smz_pack_meta_errmsg(md));
            return -1;
        }
    return 0;
}

/* Reads the metadata of each ZIM source, samizdat.json from the root of
 * each folder source, then FILE (later ones win), then the command line's
 * values, into *MD, and points META's values at what *MD holds. */
static int read_metadata(char **sources, int n, const char *file, smz_pack_opts *po, smz_pack_meta **md,
                         const char **meta, char *err, size_t errlen)
{
    struct stat sb;
    if (smz_pack_meta_new(md) != SMZ_OK) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    smz_pack_meta_set_lang(*md, i18n_cli());
    if (read_zim_metadata(sources, n, po, *md, err, errlen) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(sources[i], "-") && stat(sources[i], &sb) == 0 && S_ISDIR(sb.st_mode) &&
            smz_pack_meta_read_dir(*md, sources[i], po) != SMZ_OK) {
            snprintf(err, errlen, "%s", smz_pack_meta_errmsg(*md));
            return -1;
        }
    if (file && smz_pack_meta_read(*md, file, po) != SMZ_OK) {
        snprintf(err, errlen, "%s", smz_pack_meta_errmsg(*md));
        return -1;
    }
    /* The command line's values win, checked as a file's are (one rule,
     * one message: "--date: Date must be ..."). */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (meta[keys[i].opt] &&
            smz_pack_meta_set(*md, keys[i].key, meta[keys[i].opt], keys[i].option) != SMZ_OK) {
            snprintf(err, errlen, "%s", smz_pack_meta_errmsg(*md));
            return -1;
        }
        meta[keys[i].opt] = smz_pack_meta_get(*md, keys[i].key);
    }
    return 0;
}

/* Loads the secret key PATH, asking for its password only when it is
 * encrypted. */
static int load_key(const char *path, const char *pw_file, smz_seckey **sk, char *err, size_t errlen)
{
    char pw[SMZ_SIGN_PASSWORD_MAX + 2], prompt[600];
    int enc = 0, rc = -1;
    smz_sign_ctx *cx = NULL;
    pw[0] = 0;
    if (smz_sign_ctx_new(&cx) != SMZ_OK) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    smz_sign_ctx_set_lang(cx, i18n_cli());
    /* The messages of the key loads start with PATH (smz/sign.h). */
    if (smz_seckey_file_encrypted(cx, path, &enc) != SMZ_OK) {
        snprintf(err, errlen, "--sign %s", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    snprintf(prompt, sizeof prompt, _("Password for %.500s: "), path);
    if (enc && pw_read(pw_file, prompt, 0, pw, sizeof pw, err, errlen) != 0)
        goto out;
    if (smz_seckey_load(cx, path, enc ? pw : NULL, sk) != SMZ_OK)
        snprintf(err, errlen, "--sign %s", smz_sign_ctx_errmsg(cx));
    else
        rc = 0;
out:
    pw_wipe(pw, sizeof pw);
    smz_sign_ctx_free(cx);
    return rc;
}

/* Writes OUT.minisig, the detached signature of the finished archive FILE
 * (OUT itself, or the whole archive a split OUT is cut from), never half
 * written (smz_file_write). */
static int write_minisig(const char *file, const char *out, const smz_seckey *sk, char *err,
                         size_t errlen)
{
    char *sig = NULL, path[4200];
    size_t len = 0;
    smz_sign_ctx *cx = NULL;
    if (snprintf(path, sizeof path, "%s.minisig", out) >= (int)sizeof path) {
        snprintf(err, errlen, _("%s: path too long"), out);
        return -1;
    }
    if (smz_sign_ctx_new(&cx) != SMZ_OK) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return -1;
    }
    smz_sign_ctx_set_lang(cx, i18n_cli());
    smz_err src = smz_archive_sign_file(cx, file, sk, &sig, &len);
    if (src != SMZ_OK)
        snprintf(err, errlen, _("signing %s: %s"), out, smz_sign_ctx_errmsg(cx));
    smz_sign_ctx_free(cx);
    if (src == SMZ_OK)
        src = smz_file_write(path, sig, len, 0, err, errlen);
    free(sig);
    return src == SMZ_OK ? 0 : -1;
}

/* --with-reader: writes smz-reader.html into OUT's folder, replacing an
 * older one there (the name is ours); 0, or -1 with ERR and *RC. */
static int put_reader(const char *out, char *err, size_t errlen, smz_err *rc)
{
    char path[4200], why[1200];
    const char *slash = strrchr(out, '/');
    int dl = slash ? (int)(slash - out) + 1 : 0;
    if (snprintf(path, sizeof path, "%.*ssmz-reader.html", dl, out) >= (int)sizeof path) {
        snprintf(err, errlen, _("%s: path too long"), out);
        *rc = SMZ_E_INVALID;
        return -1;
    }
    if ((*rc = reader_html_write(path, 1, why, sizeof why)) != SMZ_OK) {
        snprintf(err, errlen, _("%s is written, but not the reader: %s"), out, why);
        return -1;
    }
    return 0;
}

/* --split: the name the whole archive is written under before it is cut
 * into OUT.001, ..., into WPATH: OUT's own name (the archive's default Name
 * and its signature's comment come from it) in a new hidden folder beside
 * OUT (so the cut copies within one file system), recorded in
 * g_partial_dir for removal.  Refuses an OUT not named .smz and parts that
 * exist already, before any packing. */
static int split_prepare(const char *out, char *wpath, size_t wlen, char *err, size_t errlen)
{
    size_t n = strlen(out);
    struct stat sb;
    char first[4200];
    const char *slash = strrchr(out, '/');
    const char *base = slash ? slash + 1 : out;
    int dl = slash ? (int)(slash - out + 1) : 0;
    if (n < 5 || strcmp(out + n - 4, ".smz") || !strcmp(base, ".smz")) {
        snprintf(err, errlen,
                 _("%.1000s: with --split the output is named NAME.smz (parts NAME.smz.001, ...)"), out);
        return -1;
    }
    if (snprintf(first, sizeof first, "%s.001", out) >= (int)sizeof first ||
        snprintf(g_partial_dir, sizeof g_partial_dir, "%.*s.%s.split-%ld", dl, out, base,
                 (long)getpid()) >= (int)sizeof g_partial_dir ||
        snprintf(wpath, wlen, "%s/%s", g_partial_dir, base) >= (int)wlen) {
        g_partial_dir[0] = 0;
        snprintf(err, errlen, _("%s: path too long"), out);
        return -1;
    }
    if (lstat(first, &sb) == 0) {
        g_partial_dir[0] = 0;
        snprintf(err, errlen, _("%.1000s exists: remove the old parts first"), first);
        return -1;
    }
    if (mkdir(g_partial_dir, 0700) != 0) {
        snprintf(err, errlen, _("cannot create %.1000s: %s"), g_partial_dir, strerror(errno));
        g_partial_dir[0] = 0;
        return -1;
    }
    return 0;
}

/* Removes OUT.001 to OUT.N. */
static void remove_parts(const char *out, unsigned n)
{
    char name[4200];
    for (unsigned k = 1; k <= n; k++)
        if (snprintf(name, sizeof name, "%s.%03u", out, k) < (int)sizeof name)
            unlink(name);
}

/* Removes the manifest of parts that are going (NAME.parts for OUT
 * NAME.smz) and its signature. */
static void remove_manifest(const char *out)
{
    char name[4200], *manifest = smz_parts_manifest_path(out);
    if (!manifest)
        return;
    if (snprintf(name, sizeof name, "%s.minisig", manifest) < (int)sizeof name)
        unlink(name);
    unlink(manifest);
    free(manifest);
}

/* Writes the manifest NAME.parts of the set S just cut from WHOLE (OUT
 * NAME.smz; its UUID read back from WHOLE), replacing a stale one, and with
 * SK its signature NAME.parts.minisig.  A failure leaves no
 * manifest and fails the pack: --split promises the manifest. */
static smz_err write_manifest(const char *whole, const char *out, smz_split *s, const smz_seckey *sk,
                              char *err, size_t errlen)
{
    smz_reader *r = NULL;
    char *uuid = NULL;
    size_t ulen = 0;
    smz_parts *m = NULL;
    smz_err rc = smz_reader_open(whole, NULL, &r);
    if (rc == SMZ_OK)
        rc = smz_reader_meta(r, "UUID", &uuid, &ulen);
    if (rc != SMZ_OK)
        snprintf(err, errlen, _("%.1000s: no UUID for the manifest: %s"), out, _(smz_strerror(rc)));
    else if ((rc = smz_parts_write(s, out, uuid, &m)) != SMZ_OK ||
             (sk && (rc = smz_parts_sign(m, sk)) != SMZ_OK))
        snprintf(err, errlen, "%s", smz_parts_errmsg(m));
    if (rc != SMZ_OK) {
        remove_manifest(out);
        remove_parts(out, smz_split_parts(s));
    }
    smz_parts_free(m);
    free(uuid);
    smz_reader_close(r);
    return rc;
}

/* Cuts the finished archive WHOLE into OUT.001, ... of at most PART bytes.
 * Signals wait until the cut is done; one that came meanwhile removes the
 * parts (an interrupted pack leaves nothing).  *RC: why it failed. */
static int cut(const char *whole, const char *out, uint64_t part, const smz_seckey *sk, char *err,
               size_t errlen, smz_err *rc)
{
    sigset_t block, old;
    smz_split *s = NULL;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    *rc = smz_split_cut(whole, out, part, i18n_cli(), &s);
    if (*rc != SMZ_OK)
        snprintf(err, errlen, "%s", smz_split_errmsg(s));
    else
        *rc = write_manifest(whole, out, s, sk, err, errlen);
    if (*rc == SMZ_OK && g_stopping) {
        remove_manifest(out);
        remove_parts(out, smz_split_parts(s));
        *rc = SMZ_E_INTERRUPTED;
        snprintf(err, errlen, "%s", _("interrupted"));
    }
    smz_split_close(s);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return *rc == SMZ_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"title", required_argument, 0, O_TITLE},
        {"description", required_argument, 0, O_DESC},
        {"language", required_argument, 0, O_LANG},
        {"main-page", required_argument, 0, O_MAIN},
        {"name", required_argument, 0, O_NAME},
        {"creator", required_argument, 0, O_CREATOR},
        {"publisher", required_argument, 0, O_PUBLISHER},
        {"date", required_argument, 0, O_DATE},
        {"tags", required_argument, 0, O_TAGS},
        {"source", required_argument, 0, O_SOURCE},
        {"license", required_argument, 0, O_LICENSE},
        {"illustration", required_argument, 0, O_ILLUS},
        {"redirects", required_argument, 0, O_REDIR},
        {"include-hidden", no_argument, 0, O_HIDDEN},
        {"no-index", no_argument, 0, O_NOINDEX},
        {"index-text", no_argument, 0, O_INDEXTEXT},
        {"base", required_argument, 0, O_BASE},
        {"articles", no_argument, 0, O_ARTICLES},
        {"no-articles", no_argument, 0, O_NOARTICLES},
        {"threads", required_argument, 0, O_THREADS},
        {"cluster-size", required_argument, 0, O_CLUSTER},
        {"format-version", required_argument, 0, O_FORMAT},
        {"level", required_argument, 0, O_LEVEL},
        {"quiet", no_argument, 0, 'q'},
        {"max-size", required_argument, 0, O_MAXSIZE},
        {"max-entry-size", required_argument, 0, O_MAXENTRY},
        {"metadata", required_argument, 0, O_METADATA},
        {"sign", required_argument, 0, O_SIGN},
        {"password-file", required_argument, 0, O_PWFILE},
        {"split", required_argument, 0, O_SPLIT},
        {"with-reader", no_argument, 0, O_WITHREADER},
        {"progress", no_argument, 0, O_PROGRESS},
        {"version", no_argument, 0, O_VERSION},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL, *meta[O_LICENSE + 1] = {0}, *illus = NULL, *redirects = NULL;
    const char *meta_file = NULL, *sign_key = NULL, *pw_file = NULL;
    smz_seckey *sk = NULL;
    smz_pack_meta *md = NULL;
    smz_pack_index *idx = NULL;
    smz_writer_opts wo = {0};
    smz_pack_opts po = {.articles = -1};
    ui u = {0};
    int c, status = 2;   /* the exit status rule: smz(1), EXIT STATUS */
    smz_err rc = SMZ_OK; /* of the last library call: its kind of failure */
    char err[2048] = "";
    smz_writer *w = NULL;
    unsigned char *png = NULL;
    size_t png_len = 0;
    uint64_t split = 0; /* --split: the part size */
    int with_reader = 0;
    char wpath[4200]; /* what the writer writes: OUT, or the whole archive to cut */

    i18n_setup(); /* before threads: it sets LC_MESSAGES and the catalogues' bindings */
    wo.lang = po.lang = i18n_cli(); /* the library's messages in the command line's language */
    xmlInitParser();                /* once, before threads: its first-time setup is not thread-safe */
    /* Archive member names are UTF-8; libarchive converts through the locale. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    opterr = 0; /* getopt's own messages are English: ours are below (':' and '?') */
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': u.quiet = 1; break;
        case 'h': fputs(_(usage), stdout); return 0;
        case O_TITLE:
        case O_DESC:
        case O_LANG:
        case O_MAIN:
        case O_NAME:
        case O_CREATOR:
        case O_PUBLISHER:
        case O_DATE:
        case O_TAGS:
        case O_SOURCE:
        case O_LICENSE: meta[c] = optarg; break;
        case O_ILLUS: illus = optarg; break;
        case O_REDIR: redirects = optarg; break;
        case O_METADATA: meta_file = optarg; break;
        case O_SIGN: sign_key = optarg; break;
        case O_PWFILE: pw_file = optarg; break;
        case O_SPLIT:
            if (smz_split_parse_size(optarg, &split) != SMZ_OK) {
                fputs(_("smz-pack: --split takes a part size of at least 512 bytes, with K, M or G "
                        "(e.g. 4G, 700M)\n"),
                      stderr);
                return 2;
            }
            break;
        case O_HIDDEN: po.include_hidden = 1; break;
        case O_WITHREADER: with_reader = 1; break;
        case O_PROGRESS: u.show = 1; break;
        case O_VERSION: version(); return 0;
        case O_NOINDEX: po.no_index = wo.no_index = 1; break;
        case O_INDEXTEXT: po.index_text = 1; break;
        case O_ARTICLES: po.articles = 1; break;
        case O_NOARTICLES: po.articles = 0; break;
        case O_THREADS: wo.threads = atoi(optarg); break;
        case O_BASE: wo.base = optarg; break;
        case O_CLUSTER: wo.cluster_size = (size_t)strtoull(optarg, NULL, 10); break;
        case O_MAXSIZE:
        case O_MAXENTRY: {
            uint64_t v;
            if (smz_size_parse(optarg, &v) != SMZ_OK) {
                fprintf(stderr, _("smz-pack: --%s takes a size in bytes, or with K, M or G (e.g. 2G)\n"),
                        c == O_MAXSIZE ? "max-size" : "max-entry-size");
                return 2;
            }
            if (c == O_MAXSIZE)
                wo.max_bytes = po.max_output = v;
            else
                po.max_entry = v;
            break;
        }
        case O_FORMAT:
            if (strcmp(optarg, "2") && strcmp(optarg, "3")) {
                fprintf(stderr, _("smz-pack: --format-version takes %d or %d\n"), SMZ_FORMAT_VERSION_MIN,
                        SMZ_FORMAT_VERSION);
                return 2;
            }
            wo.format_version = atoi(optarg);
            break;
        case O_LEVEL:
            wo.level = atoi(optarg);
            if (wo.level < 1 || wo.level > 22) {
                fprintf(stderr, _("smz-pack: --level takes %d to %d\n"), 1, 22);
                return 2;
            }
            break;
        case ':': {
            char m[512];
            const char *a = argv[optind - 1];
            if (a[0] == '-' && a[1] == '-')
                snprintf(m, sizeof m, _("option '%s' requires an argument"), a);
            else
                snprintf(m, sizeof m, _("option requires an argument -- '%c'"), optopt);
            put_escaped("smz-pack: ", m);
            fputs(_(usage), stderr);
            return 2;
        }
        default: {
            char m[512];
            const char *a = argv[optind - 1];
            if (!(a[0] == '-' && a[1] == '-'))
                snprintf(m, sizeof m, _("invalid option -- '%c'"), optopt);
            else
                snprintf(m, sizeof m, _("unrecognized option '%s'"), argv[optind - 1]);
            put_escaped("smz-pack: ", m);
            fputs(_(usage), stderr);
            return 2;
        }
        }
    }
    if (!out || optind >= argc) {
        fputs(!out ? _("smz-pack: -o OUT.smz is required\n") : _("smz-pack: no SOURCE given\n"), stderr);
        fputs(_(usage), stderr);
        return 2;
    }
    snprintf(wpath, sizeof wpath, "%s", out);
    u.tty = isatty(2);
    u.show = !u.quiet && (u.tty || u.show);
    u.lines = u.show && !u.tty;
    po.warn = on_warn;
    po.ctx = &u;
    if (read_metadata(argv + optind, argc - optind, meta_file, &po, &md, meta, err, sizeof err) != 0 ||
        smz_pack_index_new(&idx) != SMZ_OK) {
        if (!err[0])
            snprintf(err, sizeof err, "%s", _("out of memory"));
        goto out;
    }
    po.meta = md;
    po.index = idx;
    po.title = meta[O_TITLE];
    po.main_page = meta[O_MAIN];
    const char *lang = meta[O_LANG];
    wo.stem_english = lang && smz_lang_english(lang);
    wo.warn = po.warn = on_warn;
    wo.warn_ctx = po.ctx = &u;
    wo.progress = on_progress;
    wo.progress_ctx = &u;
    po.language = lang;
    clock_gettime(CLOCK_MONOTONIC, &u.start);
    u.last = u.start;
    u.last.tv_sec -= 1;

    if (illus && read_png_48(illus, &png, &png_len, err, sizeof err) != 0)
        goto out;
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        if (!strcmp(argv[i], "-"))
            continue;
        if (stat(argv[i], &sb) != 0) {
            snprintf(err, sizeof err, "%s: %s", argv[i], strerror(errno));
            goto out;
        }
    }

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    /* A closed stderr pipe must not kill us with the temporary file left. */
    signal(SIGPIPE, SIG_IGN);

    if (sign_key && load_key(sign_key, pw_file, &sk, err, sizeof err) != 0)
        goto out;
    if (split && split_prepare(out, wpath, sizeof wpath, err, sizeof err) != 0)
        goto out;
    if ((rc = smz_writer_new(wpath, &wo, &w)) != SMZ_OK) {
        snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        goto out;
    }
    {
        const char *partial = smz_writer_partial_path(w);
        if (partial && strlen(partial) < sizeof g_partial)
            memcpy(g_partial, partial, strlen(partial) + 1);
    }
    g_writer = w;
    /* The totals for the progress bar, on the writer so that Ctrl-C stops a
     * long scan too; a folder that cannot be scanned fails below. */
    for (int i = optind; i < argc && u.show; i++) {
        struct stat sb;
        uint64_t f = 0, b = 0;
        if (strcmp(argv[i], "-") && stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if ((rc = smz_pack_scan(w, argv[i], &po, &f, &b)) == SMZ_E_INTERRUPTED)
                goto out;
            u.total_files += f;
            u.total_bytes += b;
        }
    }
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        int dir = strcmp(argv[i], "-") && stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode);
        int zim = !dir && strcmp(argv[i], "-") && smz_pack_is_zim(argv[i]);
        if ((rc = dir   ? smz_pack_dir(w, argv[i], &po)
                  : zim ? smz_pack_zim(w, argv[i], &po)
                        : smz_pack_archive(w, argv[i], &po)) != SMZ_OK)
            goto out;
    }
    if (redirects && (rc = smz_pack_redirects(w, redirects)) != SMZ_OK)
        goto out;

    char date[11];
    today(date);
    if (!meta[O_DATE])
        meta[O_DATE] = date;
    /* The collection's own index.html, else a generated index page. */
    if ((rc = smz_pack_finish(w, &po, meta[O_TITLE], meta[O_DESC], &meta[O_MAIN])) != SMZ_OK)
        goto out;
    if (meta[O_MAIN] && !smz_writer_has(w, meta[O_MAIN])) {
        snprintf(err, sizeof err, _("main page %s: no such entry in the source"), meta[O_MAIN]);
        goto out;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = meta[keys[i].opt];
        if (v && (rc = smz_writer_set_meta(w, keys[i].key, v, strlen(v))) != SMZ_OK) {
            snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
            goto out;
        }
    }
    if ((rc = smz_pack_meta_write_kept(md, w)) != SMZ_OK) {
        snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        goto out;
    }
    const unsigned char *icon = png;
    size_t icon_len = png_len;
    if (!icon) /* --illustration, else a ZIM source's, else ours */
        smz_pack_meta_illustration(md, &icon, &icon_len);
    if (!icon)
        smz_default_illustration(&icon, &icon_len);
    if ((rc = smz_writer_set_meta(w, "Illustration_48x48@1", icon, icon_len)) != SMZ_OK) {
        snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        goto out;
    }
    if (sk && (rc = smz_writer_set_signer(w, sk)) != SMZ_OK) {
        snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        goto out;
    }
    if ((rc = smz_writer_finish(w)) != SMZ_OK) {
        snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        goto out;
    }
    g_partial[0] = 0; /* renamed into place: nothing to remove */
    if (split && strlen(wpath) < sizeof g_partial)
        memcpy(g_partial, wpath, strlen(wpath) + 1); /* the whole archive, until it is cut */
    if (sk && write_minisig(wpath, out, sk, err, sizeof err) != 0)
        goto out;
    if (split && cut(wpath, out, split, sk, err, sizeof err, &rc) != 0)
        goto out;
    if (with_reader && put_reader(out, err, sizeof err, &rc) != 0)
        goto out;
    if (!sk) {
        char old[4200];
        struct stat osb;
        if (snprintf(old, sizeof old, "%s.minisig", out) < (int)sizeof old && stat(old, &osb) == 0) {
            fprintf(stderr, "%s%s", u.show && !u.lines ? "\r\033[K" : "", _("warning: "));
            fprintf(stderr,
                    _("%s is the signature of the archive this one replaced: remove it or pack again "
                      "with --sign\n"),
                    old);
        }
    }
    if (!u.quiet) {
        smz_writer_stats st;
        smz_writer_get_stats(w, &st);
        summary(stderr, u.show && !u.lines ? "\r\033[K" : "", out, &st, since(&u.start));
        if (sk) {
            char id[SMZ_KEYID_SIZE];
            smz_seckey_keyid(sk, id);
            if (split)
                /* TRANSLATORS: %1$s is the archive written (OUT.smz), %2$s the key's id. */
                fprintf(
                    stderr,
                    _("%1$s: signed with key %2$s (inside the archive and in %1$s.minisig; its manifest in "
                      "%1$s.parts.minisig)\n"),
                    out, id);
            else
                fprintf(stderr,
                        _("%1$s: signed with key %2$s (inside the archive and in %1$s.minisig)\n"), out,
                        id);
        }
        if (with_reader)
            fprintf(stderr,
                    _("%s: smz-reader.html written beside it (build %s): open it in a web browser\n"),
                    out, reader_html_hash());
    }
    status = 0;
out:
    g_writer = NULL;
    g_partial[0] = 0;
    alarm(0);
    if (status != 0) {
        if (w && !err[0])
            snprintf(err, sizeof err, "%s", smz_writer_errmsg(w));
        put_escaped(u.show && !u.lines ? "\r\033[Ksmz-pack: " : "smz-pack: ",
                    err[0] ? err : _("failed"));
        if (rc == SMZ_E_INTERRUPTED)
            status = 130;
    }
    smz_writer_free(w); /* removes its partial file, if any */
    if (split && g_partial_dir[0]) {
        unlink(wpath); /* the whole archive, cut or not: only the parts stay */
        rmdir(g_partial_dir);
        g_partial_dir[0] = 0;
    }
    smz_pack_index_free(idx);
    smz_pack_meta_free(md);
    smz_seckey_free(sk);
    free(png);
    return status;
}
