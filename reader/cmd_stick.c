/* smz stick DIR ARCHIVE... [--key KEY.pub] [--split SIZE] [--bin DIR]: lays
 * out a stick that a stranger can use.  DIR gets the archives (split into
 * parts below 4 GiB when DIR is on FAT32, which statfs or the mount table
 * tells (on_fat), or at the
 * size --split gives), their .minisig files, the public key, the static
 * programs of `make dist` under bin/linux-amd64/ and bin/linux-arm64/, the
 * browser reader smz-reader.html (the bytes smz carries), START.html (how
 * to read the stick, in the archives' languages and English: stick_lang)
 * and SHA256SUMS.
 *
 * Reproducible: every file is written through a temporary file renamed
 * into place, and gets the same fixed mtime (FAT keeps even seconds from
 * 1980 on: 2000-01-01 00:00:00 UTC), so two runs give the same bytes and
 * times.  A file whose bytes are already there is not written again (its
 * inode stays), so re-running adds or updates archives only. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include "../common/i18n.h"
#include "../common/reader_html.h"
#include "cli.h"
#include "smz/split.h"
#include "smz/util.h"

#define STICK_MTIME 946684800 /* 2000-01-01 00:00:00 UTC */
#define FAT_MAGIC 0x4d44      /* MSDOS_SUPER_MAGIC, <linux/magic.h> */

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char stick_usage[] = SMZ_N_(
    "usage: smz stick DIR ARCHIVE... [--key KEY.pub] [--split SIZE] [--bin DIST]\n");

/* START.html's text: per language the title, one line for the archives
 * and one per way of reading the stick.  The English strings are the
 * message catalogue's msgids (SMZ_N_ marks them for xgettext: make pot);
 * every other language comes from its catalogue (smz_tr).  A static
 * program of make dist run from a stick finds the catalogues the stick
 * carries (bin/locale/); on a stick made without them this table is all
 * there is, English and Simplified Chinese built in (the
 * Chinese is po/zh_CN.po's, so both ways give the same bytes), and any
 * other language falls back to English. */
typedef struct stick_text {
    const char *lang;
    const char *title;
    const char *intro;
    const char *any;     /* every system: the browser reader */
    const char *linux_;  /* Linux: the programs */
    const char *search;  /* the command that searches, shown as code */
    const char *windows; /* Windows and macOS */
    const char *phone;
    const char *check;
} stick_text;

/* The texts hold no markup: the markup is the program's, put in their
 * placeholders (%1$s ...) by smz_tr_html, which escapes everything else, so
 * that a translation can show no markup of its own. */
static const stick_text stick_texts[] = {
    {"en",
     /* TRANSLATORS: START.html on a stick (smz stick): its heading. */
     SMZ_N_("Read this stick"),
     /* TRANSLATORS: START.html: above the list of the .smz files on the stick. */
     SMZ_N_("This stick holds these collections of articles (.smz files):"),
     SMZ_N_(
         /* TRANSLATORS: START.html: %s is a link to smz-reader.html. */
         "On any computer (Windows, macOS, Linux): open %s in a web browser (Firefox, Chrome, Edge, Safari) "
         "and pick a .smz file (for a file cut in parts, NAME.smz.001, pick all its parts). Nothing is "
         "installed and nothing goes online."),
     SMZ_N_(
         /* TRANSLATORS: START.html: %1$s and %2$s are the commands for PCs and ARM boards, %3$s the
            search command (the next message). */
         "On Linux, with nothing to install: in this folder run %1$s (PCs) or %2$s (Raspberry Pi and "
         "other ARM boards), then open http://127.0.0.1:8080/ in a browser; %3$s searches without one."),
     /* TRANSLATORS: START.html: a command shown as code; translate FILE and WORDS only. */
     SMZ_N_("smz search FILE.smz WORDS"),
     /* TRANSLATORS: START.html. */
     SMZ_N_("On Windows and macOS: use smz-reader.html as above."),
     SMZ_N_(
         /* TRANSLATORS: START.html. */
         "On a phone or tablet: copy smz-reader.html and the .smz files to it and open smz-reader.html in "
         "its browser. Kiwix cannot open .smz files; the browser reader can."),
     /* TRANSLATORS: START.html: %s is the command smz verify; keep SHA256SUMS, KEY.pub and .minisig. */
     SMZ_N_("SHA256SUMS lists each file's SHA-256; KEY.pub and the .minisig files let %s (or minisign) "
            "check who made each collection.")},
    {"zh-Hans", "如何阅读这个U盘", "这个U盘里有以下文章合集（.smz 文件）：",
     "在任何电脑上（Windows、macOS、Linux）：用浏览器（Firefox、Chrome、Edge、Safari）打开 %s，"
     "然后选择一个 .smz 文件（分卷文件 NAME.smz.001 等请全部选中）。无需安装，也不联网。",
     "在 Linux 上无需安装：在本目录运行 %1$s（普通电脑）或 %2$s（树莓派等 ARM 设备），"
     "再用浏览器打开 http://127.0.0.1:8080/ ；%3$s 不用浏览器也能搜索。",
     "smz search 文件.smz 关键词", "在 Windows 和 macOS 上：同上，使用 smz-reader.html。",
     "在手机或平板上：把 smz-reader.html 和 .smz 文件复制到设备上，用浏览器打开 smz-reader.html。"
     "Kiwix 不能打开 .smz 文件，浏览器阅读器可以。",
     "SHA256SUMS 列出每个文件的 SHA-256；公钥 .pub 和 .minisig 文件可以用 %s（或 minisign）验证每个合集的制作者。"},
};

/* DIR/NAME, malloc'd. */
static char *join_path(const char *dir, const char *name)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return NULL;
    return p;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int set_mtime(const char *path)
{
    struct timespec t[2] = {{STICK_MTIME, 0}, {STICK_MTIME, 0}};
    return utimensat(AT_FDCWD, path, t, 0);
}

/* 1 when the file at A holds the same bytes as the file at B. */
static int same_file(const char *a, const char *b)
{
    FILE *fa = smz_file_fopen(a, 0, NULL), *fb = smz_file_fopen(b, 0, NULL);
    int same = fa && fb;
    unsigned char x[1 << 16], y[1 << 16];
    while (same) {
        size_t n = fread(x, 1, sizeof x, fa), m = fread(y, 1, sizeof y, fb);
        if (n != m || memcmp(x, y, n))
            same = 0;
        if (n == 0)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* Writes LEN bytes at DATA to PATH (smz_file_write: never half written)
 * unless PATH holds them already, with MODE and the fixed mtime.  0 or -1
 * (message printed). */
static int put_bytes(const char *path, const void *data, size_t len, mode_t mode)
{
    struct stat st;
    int same = 0;
    if (stat(path, &st) == 0 && (size_t)st.st_size == len) {
        FILE *old = smz_file_fopen(path, 0, NULL);
        unsigned char *buf = len ? malloc(len) : NULL;
        same = old && (!len || (buf && fread(buf, 1, len, old) == len && !memcmp(buf, data, len)));
        free(buf);
        if (old)
            fclose(old);
    }
    char err[512];
    if (!same && smz_file_write(path, data, len, 0, err, sizeof err) != SMZ_OK) {
        fprintf(stderr, "smz stick: %s\n", cli_t(err));
        return -1;
    }
    if (smz_file_chmod(path, -1, mode) != 0 || set_mtime(path) != 0) {
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(path), strerror(errno));
        return -1;
    }
    return 0;
}

/* Copies the file SRC to DST (as put_bytes: only when it differs). */
static int put_file(const char *src, const char *dst, mode_t mode)
{
    int rc = -1;
    char *tmp = NULL;
    FILE *in = NULL, *out = NULL;
    unsigned char buf[1 << 16];
    if (same_file(src, dst)) {
        smz_file_chmod(dst, -1, mode);
        return set_mtime(dst) == 0 ? 0 : -1;
    }
    if (asprintf(&tmp, "%s.tmp", dst) < 0)
        goto out;
    const char *why = NULL;
    if (!(in = smz_file_fopen(src, 0, &why))) {
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(src), why ? why : strerror(errno));
        goto out;
    }
    if (!(out = fopen(tmp, "wb"))) {
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(tmp), strerror(errno));
        goto out;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int bad = ferror(in) || ferror(out);
    if (fclose(out) != 0 || bad) {
        out = NULL;
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(tmp), strerror(errno ? errno : EIO));
        goto out;
    }
    out = NULL;
    if (smz_file_chmod(tmp, -1, mode) != 0 || set_mtime(tmp) != 0 || rename(tmp, dst) != 0) {
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(dst), strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    if (rc != 0 && tmp)
        remove(tmp);
    free(tmp);
    return rc;
}

/* 1 when the split set at STEM (DIR/NAME.smz) holds the bytes of SRC with
 * parts of PART bytes. */
static int same_set(const char *src, const char *stem, uint64_t part)
{
    smz_split *s = NULL;
    FILE *f = NULL;
    int same = 0;
    unsigned char x[1 << 16], y[1 << 16];
    struct stat st;
    if (stat(src, &st) != 0 || smz_split_open_lang(stem, i18n_cli(), &s) != SMZ_OK)
        goto out;
    if (smz_split_size(s) != (uint64_t)st.st_size || smz_split_part_size(s) != part ||
        !(f = smz_file_fopen(src, 0, NULL)))
        goto out;
    uint64_t off = 0;
    for (;;) {
        size_t n = fread(x, 1, sizeof x, f);
        if (n == 0)
            break;
        if (smz_split_read(s, y, n, off) != (long long)n || memcmp(x, y, n))
            goto out;
        off += n;
    }
    same = off == (uint64_t)st.st_size;
out:
    if (f)
        fclose(f);
    smz_split_close(s);
    return same;
}

/* Puts ARCHIVE on the stick as NAME.smz.001, ... of PART bytes (its
 * manifest NAME.parts beside them), unless the same set is there.  The
 * parts are cut in DIR/.smz-stick.tmp/ and renamed into place one by one
 * (the same file system, so each appears whole), then the parts of an
 * earlier, longer set go and the manifest is written (itself through a
 * temporary file). */
static int put_split(const char *dir, const char *src, const char *stem, uint64_t part, const char *uuid)
{
    char path[PATH_MAX], from[PATH_MAX];
    int rc = -1;
    smz_split *s = NULL;
    smz_parts *m = NULL;
    char *tmpdir = join_path(dir, ".smz-stick.tmp"), *tstem = NULL;
    if (same_set(src, stem, part)) {
        for (unsigned i = 1; i <= 999; i++) {
            if (snprintf(path, sizeof path, "%s.%03u", stem, i) >= (int)sizeof path ||
                access(path, F_OK))
                break;
            set_mtime(path);
        }
        char *mp = smz_parts_manifest_path(stem);
        if (mp)
            set_mtime(mp);
        free(mp);
        rc = 0;
        goto out;
    }
    if (!tmpdir || (mkdir(tmpdir, 0755) != 0 && errno != EEXIST) ||
        !(tstem = join_path(tmpdir, base_name(stem)))) {
        fprintf(stderr, "smz stick: %s: %s\n", cli_t(tmpdir ? tmpdir : dir), strerror(errno));
        goto out;
    }
    for (unsigned i = 1; i <= 999; i++) /* left by an interrupted run */
        if (snprintf(path, sizeof path, "%s.%03u", tstem, i) < (int)sizeof path)
            remove(path);
    if (smz_split_cut(src, tstem, part, i18n_cli(), &s) != SMZ_OK) {
        fprintf(stderr, "smz stick: %s\n", cli_t(smz_split_errmsg(s)));
        goto out;
    }
    unsigned parts = smz_split_parts(s);
    smz_split_close(s);
    s = NULL;
    for (unsigned i = 1; i <= 999; i++) {
        if (snprintf(path, sizeof path, "%s.%03u", stem, i) >= (int)sizeof path ||
            snprintf(from, sizeof from, "%s.%03u", tstem, i) >= (int)sizeof from)
            goto out;
        if (i > parts) {
            remove(path); /* a part of an earlier, longer set */
        } else if (set_mtime(from) != 0 || rename(from, path) != 0) {
            fprintf(stderr, "smz stick: %s: %s\n", cli_t(path), strerror(errno));
            goto out;
        }
    }
    remove(stem); /* the whole archive of an earlier run */
    if (smz_split_open_lang(stem, i18n_cli(), &s) != SMZ_OK) {
        fprintf(stderr, "smz stick: %s\n", cli_t(smz_split_errmsg(s)));
        goto out;
    }
    if (smz_parts_write(s, stem, uuid, &m) != SMZ_OK)
        fprintf(stderr, _("smz stick: warning: no manifest: %s\n"), cli_t(smz_parts_errmsg(m)));
    else
        set_mtime(smz_parts_path(m));
    rc = 0;
out:
    smz_parts_free(m);
    smz_split_close(s);
    if (tmpdir)
        rmdir(tmpdir);
    free(tstem);
    free(tmpdir);
    return rc;
}

/* The folder of make dist's output (holding linux-amd64/ and linux-arm64/)
 * next to the running smz: DIST/linux-ARCH/smz itself, or bin/smz of a
 * source tree with dist/ beside bin/.  Malloc'd, or NULL. */
static char *find_dist(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return NULL;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return NULL;
    *slash = '\0'; /* the folder of smz */
    const char *tries[] = {"/..", "/../dist"};
    for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
        char *d = NULL, *probe = NULL;
        if (asprintf(&d, "%s%s", self, tries[i]) < 0)
            return NULL;
        if (asprintf(&probe, "%s/linux-amd64/smz", d) >= 0 && access(probe, X_OK) == 0) {
            free(probe);
            return d;
        }
        free(probe);
        free(d);
    }
    return NULL;
}

/* Adds S to B, its < > & " as entities (file names come from the command
 * line). */
static void add_escaped(smz_strbuf *b, const char *s)
{
    for (const char *c = s; *c; c++) {
        if (*c == '<')
            smz_strbuf_adds(b, "&lt;");
        else if (*c == '>')
            smz_strbuf_adds(b, "&gt;");
        else if (*c == '&')
            smz_strbuf_adds(b, "&amp;");
        else if (*c == '"')
            smz_strbuf_adds(b, "&quot;");
        else
            smz_strbuf_add(b, c, 1);
    }
}

/* The interface language START.html may speak for the Language value
 * LANG[0..N) (one code of it; untrusted bytes), mapped as the server maps
 * tags (smz_ui_lang_find: "rus", "ru-RU", "zho", "zh-Hant"): English for
 * a language that is none of ours or whose catalogue was not found
 * (Simplified Chinese is built in, stick_texts). */
static int stick_lang(const char *lang, size_t n)
{
    int l = smz_ui_lang_find(lang, n);
    if (l < 0 || (l != SMZ_UI_ZH_HANS && !(i18n_available() >> l & 1u)))
        return SMZ_UI_EN;
    return l;
}

/* Language L's text: its catalogue's, or the table's when L is Simplified
 * Chinese and its catalogue was not found. */
static stick_text stick_text_in(int l)
{
    const stick_text *en = &stick_texts[0];
    if (l == SMZ_UI_ZH_HANS && !(i18n_available() >> SMZ_UI_ZH_HANS & 1u))
        return stick_texts[1];
    stick_text t = {smz_ui_lang_at(l)->tag, smz_tr(l, en->title),  smz_tr(l, en->intro),
                    smz_tr(l, en->any),     smz_tr(l, en->linux_), smz_tr(l, en->search),
                    smz_tr(l, en->windows), smz_tr(l, en->phone),  smz_tr(l, en->check)};
    return t;
}

/* START.html: one section per language of LANGS (NL of them, the
 * archives' in their order, English among them), the archives listed by
 * file name. */
static int put_start(const char *dir, char **names, int count, const int *langs, int nl)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 20);
    const smz_ui_lang *first = smz_ui_lang_at(langs[0]);
    smz_strbuf_addf(&b,
                    "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
                    first->tag, first->rtl ? "rtl" : "ltr");
    for (int k = 0; k < nl; k++) {
        stick_text t = stick_text_in(langs[k]);
        if (k)
            smz_strbuf_adds(&b, " · ");
        smz_tr_html(&b, t.title, 0, NULL);
    }
    smz_strbuf_adds(&b,
                    "</title>\n"
                    "<style>body{font-family:sans-serif;max-width:46em;margin:1em auto;padding:0 1em;"
                    "line-height:1.5}section{border-top:1px solid #ccc;margin-top:1.5em}</style>\n"
                    "</head>\n<body>\n");
    static const char *const reader_link[] = {"<a href=\"smz-reader.html\">smz-reader.html</a>"};
    static const char *const verify_code[] = {"<code>smz verify</code>"};
    for (int k = 0; k < nl; k++) {
        stick_text t = stick_text_in(langs[k]);
        smz_strbuf search;
        smz_strbuf_init(&search, 1 << 12);
        smz_strbuf_adds(&search, "<code>");
        smz_tr_html(&search, t.search, 0, NULL);
        smz_strbuf_adds(&search, "</code>");
        const char *commands[] = {"<code>bin/linux-amd64/smz serve .</code>",
                                  "<code>bin/linux-arm64/smz serve .</code>", smz_strbuf_str(&search)};
        smz_strbuf_addf(&b, "<section lang=\"%s\" dir=\"%s\">\n<h1>", t.lang,
                        smz_ui_lang_at(langs[k])->rtl ? "rtl" : "ltr");
        smz_tr_html(&b, t.title, 0, NULL);
        smz_strbuf_adds(&b, "</h1>\n<p>");
        smz_tr_html(&b, t.intro, 0, NULL);
        smz_strbuf_adds(&b, "</p>\n<ul>\n");
        for (int i = 0; i < count; i++) {
            smz_strbuf_adds(&b, "<li>");
            add_escaped(&b, names[i]);
            smz_strbuf_adds(&b, "</li>\n");
        }
        smz_strbuf_adds(&b, "</ul>\n<p>");
        smz_tr_html(&b, t.any, 1, reader_link);
        smz_strbuf_adds(&b, "</p>\n<p>");
        smz_tr_html(&b, t.linux_, 3, commands);
        smz_strbuf_adds(&b, "</p>\n<p>");
        smz_tr_html(&b, t.windows, 0, NULL);
        smz_strbuf_adds(&b, "</p>\n<p>");
        smz_tr_html(&b, t.phone, 0, NULL);
        smz_strbuf_adds(&b, "</p>\n<p>");
        smz_tr_html(&b, t.check, 1, verify_code);
        smz_strbuf_adds(&b, "</p>\n</section>\n");
        smz_strbuf_free(&search);
    }
    smz_strbuf_adds(&b, "</body>\n</html>\n");
    int rc = -1;
    char *path = join_path(dir, "START.html");
    if (smz_strbuf_err(&b) == SMZ_OK && path)
        rc = put_bytes(path, smz_strbuf_str(&b), smz_strbuf_len(&b), 0644);
    free(path);
    smz_strbuf_free(&b);
    return rc;
}

/* Adds "HASH  REL\n" for the file DIR/REL to B. */
static int sum_file(smz_strbuf *b, const char *dir, const char *rel)
{
    char *path = join_path(dir, rel);
    FILE *f = path ? smz_file_fopen(path, 0, NULL) : NULL;
    int rc = -1;
    unsigned char buf[1 << 16];
    if (!f) {
        fprintf(stderr, "smz stick: %s: %s\n", path ? path : rel, strerror(errno));
        goto out;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    if (ferror(f))
        goto out;
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof h + 1];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    smz_strbuf_addf(b, "%s  %s\n", hex, rel);
    rc = 0;
out:
    if (f)
        fclose(f);
    free(path);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SHA256SUMS over every file of DIR and of bin/linux-*, but itself and
 * temporary files, in byte order of the names. */
static int put_sums(const char *dir)
{
    char **names = NULL;
    size_t count = 0;
    int rc = -1;
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 20);
    const char *subs[] = {"", "bin/linux-amd64/", "bin/linux-arm64/", "bin/locale/C/LC_MESSAGES/"};
    for (size_t s = 0; s < sizeof subs / sizeof *subs; s++) {
        char *d = join_path(dir, subs[s]);
        DIR *dh = d ? opendir(d) : NULL;
        struct dirent *e;
        while (dh && (e = readdir(dh))) {
            size_t n = strlen(e->d_name);
            if (e->d_name[0] == '.' || !strcmp(e->d_name, "SHA256SUMS") ||
                (n > 4 && !strcmp(e->d_name + n - 4, ".tmp")))
                continue;
            char *full = NULL, *rel = NULL;
            struct stat st;
            if (asprintf(&rel, "%s%s", subs[s], e->d_name) < 0)
                break;
            full = join_path(dir, rel);
            char **grown = realloc(names, (count + 1) * sizeof *names);
            if (!full || !grown || stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
                if (grown)
                    names = grown;
                free(full);
                free(rel);
                continue;
            }
            names = grown;
            names[count++] = rel;
            free(full);
        }
        if (dh)
            closedir(dh);
        free(d);
    }
    if (count)
        qsort(names, count, sizeof *names, cmp_str);
    for (size_t i = 0; i < count; i++)
        if (sum_file(&b, dir, names[i]) != 0)
            goto out;
    char *path = join_path(dir, "SHA256SUMS");
    if (smz_strbuf_err(&b) == SMZ_OK && path)
        rc = put_bytes(path, smz_strbuf_str(&b), smz_strbuf_len(&b), 0644);
    free(path);
out:
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    smz_strbuf_free(&b);
    return rc;
}

/* 1 when DIR is on a FAT file system, whose files stop at 4 GiB - 1: the
 * kernel's vfat (statfs says MSDOS_SUPER_MAGIC), or a FAT image mounted by
 * fusefat, which statfs only calls FUSE: then the mount table names it. */
static int on_fat(const char *dir)
{
    struct statfs fs;
    char real[PATH_MAX], line[4096], best_type[64] = "";
    size_t best = 0;
    if (statfs(dir, &fs) != 0)
        return 0;
    if (fs.f_type == FAT_MAGIC)
        return 1;
    if (!realpath(dir, real))
        return 0;
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f)
        return 0;
    /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE ...":
     * the longest mount point that holds DIR is its file system.  Mount
     * points with spaces are escaped (\040) and never match a realpath
     * that has them: such a stick is simply not recognised. */
    while (fgets(line, sizeof line, f)) {
        char mnt[4096], type[64];
        const char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
            sscanf(sep + 3, "%63s", type) != 1)
            continue;
        size_t n = strlen(mnt);
        int under = !strcmp(mnt, "/") || (!strncmp(real, mnt, n) && (real[n] == '/' || real[n] == 0));
        if (under && n >= best) {
            best = n;
            snprintf(best_type, sizeof best_type, "%s", type);
        }
    }
    fclose(f);
    return !strcmp(best_type, "vfat") || !strcmp(best_type, "msdos") ||
           !strcmp(best_type, "fuse.fusefat");
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "smz stick: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Appends L to LANGS (NL of them) unless it is there. */
static void add_lang(int *langs, int *nl, int l)
{
    for (int i = 0; i < *nl; i++)
        if (langs[i] == l)
            return;
    if (*nl < SMZ_UI_LANGS)
        langs[(*nl)++] = l;
}

int cmd_stick(int argc, char **argv)
{
    const char *dir = NULL, *key = NULL, *split = NULL, *bin = NULL;
    char **archives = calloc((size_t)argc + 1, sizeof *archives);
    char **names = calloc((size_t)argc + 1, sizeof *names);
    char *dist = NULL;
    int count = 0, status = CLI_ERROR, nl = 0;
    int langs[SMZ_UI_LANGS + 1];
    if (!archives || !names)
        goto out;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(stick_usage), stdout);
            /* TRANSLATORS: smz stick --help, after its usage line: keep the options, the upper-case
               words and the file and folder names; translate the rest. */
            fputs(
                _("Lays out a stick a stranger can use: in DIR the archives (cut into parts under\n"
                  "4 GiB when DIR is on FAT32, or of SIZE with --split), their .minisig files, the\n"
                  "public key, bin/linux-amd64/ and bin/linux-arm64/ (make dist's programs, found\n"
                  "beside this smz or in DIST), smz-reader.html, START.html and SHA256SUMS.\n"
                  "Running it again adds or updates archives; files already right stay as they are.\n"),
                stdout);
            status = CLI_OK;
            goto out;
        } else if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            key = argv[++i];
        } else if (!strcmp(argv[i], "--split") && i + 1 < argc) {
            split = argv[++i];
        } else if (!strcmp(argv[i], "--bin") && i + 1 < argc) {
            bin = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "stick", cli_t(argv[i]));
            fputs(_(stick_usage), stderr);
            goto out;
        } else if (!dir) {
            dir = argv[i];
        } else {
            archives[count++] = argv[i];
        }
    }
    if (!dir || !count) {
        fputs(_(stick_usage), stderr);
        goto out;
    }
    uint64_t part = 0;
    if (split && smz_split_parse_size(split, &part) != SMZ_OK) {
        fprintf(stderr, _("smz stick: --split %s: not a size of at least 512 bytes (like 4G, 700M)\n"),
                cli_t(split));
        goto out;
    }
    if (make_dir(dir) != 0)
        goto out;
    if (!split && on_fat(dir)) {
        smz_split_parse_size("4G", &part);
        printf(_("%s is FAT32: archives of 4 GiB or more are cut into parts\n"), cli_t(dir));
    }
    for (int i = 0; i < count; i++) {
        const char *src = archives[i];
        names[i] = (char *)base_name(src);
        smz_reader *r = cli_open(src, NULL);
        if (!r)
            goto out;
        char *uuid = NULL;
        size_t ulen = 0;
        if (smz_reader_meta(r, "UUID", &uuid, &ulen) != SMZ_OK) {
            free(uuid);
            uuid = NULL;
        }
        char *lang = NULL;
        size_t llen = 0;
        /* Each code of its Language ("rus", "eng,fra"), in order: a
         * language START.html speaks, once. */
        if (smz_reader_meta(r, "Language", &lang, &llen) == SMZ_OK && lang) {
            for (size_t p = 0; p < llen;) {
                size_t n = 0;
                while (p + n < llen && !strchr(",; ", lang[p + n]))
                    n++;
                add_lang(langs, &nl, n ? stick_lang(lang + p, n) : SMZ_UI_EN);
                p += n + 1;
            }
        }
        free(lang);
        smz_reader_close(r);
        struct stat st;
        char *dst = join_path(dir, names[i]);
        int rc = -1;
        if (stat(src, &st) != 0 || !S_ISREG(st.st_mode) || smz_split_part_number(src) != 0) {
            /* cli_open also opens a split set by its stem or a part. */
            fprintf(stderr,
                    _("smz stick: %s: give the whole archive (a split one: smz join it first)\n"),
                    cli_t(src));
        } else if (dst) {
            if (part && (uint64_t)st.st_size > part) {
                rc = put_split(dir, src, dst, part, uuid);
            } else {
                rc = put_file(src, dst, 0644);
                char *m = smz_parts_manifest_path(dst);
                if (rc == 0 && m) { /* a set of an earlier run goes */
                    char p[PATH_MAX];
                    for (unsigned k = 1; k <= 999; k++)
                        if (snprintf(p, sizeof p, "%s.%03u", dst, k) < (int)sizeof p)
                            remove(p);
                    remove(m);
                }
                free(m);
            }
        }
        free(uuid);
        char *sig = NULL, *sdst = NULL;
        if (rc == 0 && asprintf(&sig, "%s.minisig", src) >= 0 && access(sig, F_OK) == 0 &&
            asprintf(&sdst, "%s.minisig", dst) >= 0)
            rc = put_file(sig, sdst, 0644);
        free(sig);
        free(sdst);
        free(dst);
        if (rc != 0)
            goto out;
    }
    if (key) {
        char *kdst = join_path(dir, base_name(key));
        int rc = kdst ? put_file(key, kdst, 0644) : -1;
        free(kdst);
        if (rc != 0)
            goto out;
    }
    /* The programs: a stick without them still reads in any browser. */
    dist = bin ? strdup(bin) : find_dist();
    const char *arches[] = {"linux-amd64", "linux-arm64"};
    for (size_t a = 0; a < sizeof arches / sizeof *arches; a++) {
        for (int p = 0; p < 2; p++) {
            const char *prog = p ? "smz-pack" : "smz";
            char *src = NULL, *d = NULL, *dst = NULL;
            if (dist && asprintf(&src, "%s/%s/%s", dist, arches[a], prog) >= 0 &&
                access(src, R_OK) == 0 && asprintf(&d, "%s/bin/%s", dir, arches[a]) >= 0 &&
                asprintf(&dst, "%s/%s", d, prog) >= 0) {
                char *b = join_path(dir, "bin");
                int rc = (b && make_dir(b) == 0 && make_dir(d) == 0) ? put_file(src, dst, 0755) : -1;
                free(b);
                if (rc != 0) {
                    free(src), free(d), free(dst);
                    goto out;
                }
            } else {
                fprintf(stderr,
                        _("smz stick: warning: no %s/%s (run make dist, or give its folder with --bin): "
                          "the stick has no %s program for %s\n"),
                        arches[a], prog, prog, arches[a]);
            }
            free(src), free(d), free(dst);
        }
    }
    /* The message catalogues beside them (make dist's locale/), where the
     * programs look (bin/linux-ARCH/../locale): they speak the user's
     * language on the stick too. */
    for (int l = 1; dist && l < SMZ_UI_LANGS; l++) {
        char *src = NULL, *dst = NULL;
        const char *code = smz_ui_lang_at(l)->code;
        if (asprintf(&src, "%s/locale/C/LC_MESSAGES/samizdat-%s.mo", dist, code) >= 0 &&
            access(src, R_OK) == 0 &&
            asprintf(&dst, "%s/bin/locale/C/LC_MESSAGES/samizdat-%s.mo", dir, code) >= 0) {
            const char *folders[] = {"bin", "bin/locale", "bin/locale/C", "bin/locale/C/LC_MESSAGES"};
            int rc = 0;
            for (size_t i = 0; i < sizeof folders / sizeof *folders && rc == 0; i++) {
                char *d = join_path(dir, folders[i]);
                rc = d ? make_dir(d) : -1;
                free(d);
            }
            if (rc != 0 || put_file(src, dst, 0644) != 0) {
                free(src), free(dst);
                goto out;
            }
        }
        free(src), free(dst);
    }
    add_lang(langs, &nl, SMZ_UI_EN); /* English last, when no archive speaks it */
    size_t hlen = 0;
    const unsigned char *html = reader_html(&hlen);
    char *rpath = join_path(dir, "smz-reader.html");
    int rc = rpath ? put_bytes(rpath, html, hlen, 0644) : -1;
    free(rpath);
    if (rc != 0 || put_start(dir, names, count, langs, nl) != 0 || put_sums(dir) != 0)
        goto out;
    /* The folders this command made get the fixed time too (not DIR: it
     * may be the stick's own top). */
    const char *made[] = {"bin/linux-amd64", "bin/linux-arm64", "bin/locale/C/LC_MESSAGES",
                          "bin/locale/C",    "bin/locale",      "bin"};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
        char *d = join_path(dir, made[i]);
        if (d && access(d, F_OK) == 0)
            set_mtime(d);
        free(d);
    }
    printf(N_("%s: %d archive, smz-reader.html, START.html, SHA256SUMS\n",
              "%s: %d archives, smz-reader.html, START.html, SHA256SUMS\n", (unsigned long)count),
           cli_t(dir), count);
    status = CLI_OK;
out:
    free(dist);
    free(archives);
    free(names);
    return status;
}
