/* The WebAssembly module's C side, built natively (web/wasm_api.c,
 * web/mg_mem.c over server/): its answers are those of smz serve.
 *
 *   test_web                          what needs no archive: no library,
 *                                     bad files, bad requests
 *   test_web list PAGE BLOB           the requests compared below, one a
 *                                     line: NAME METHOD TARGET RANGE HOW
 *                                     (tab-separated; tests/cli/web_core.sh
 *                                     asks smz serve for each with curl)
 *   test_web compare ARCHIVE PAGE BLOB DIR   asks the module for each and
 *                                     compares with DIR/NAME.http, smz
 *                                     serve's raw answer: status line,
 *                                     header fields but Date, body, byte
 *                                     for byte ("status": the status line
 *                                     only, for /random)
 *   test_web signed ARCHIVE KEY.pub OTHER   a signed archive, with and
 *                                     without its key trusted, and beside
 *                                     an unsigned one
 *   test_web corrupt DIR CASES        opens each DIR/CASE.smz of
 *                                     tests/corrupt/cases.tsv and asks for
 *                                     its pages: a clear error or an error
 *                                     page, never a crash
 *
 * Two things differ between any two starts of smz serve and are masked on
 * both sides: the bar's key (the bar=TOKEN in pages, and the ETag of
 * pages with the bar, which it keys), and the time: the Date, the OPDS
 * feed's <updated> (the time it was made), and a download's ETag (from the
 * file's time, to the nanosecond natively, the millisecond in the module). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../web/wasm_api.h"

/* The Accept-Language of the "accept" requests (web_core.sh sends the same). */
#define ACCEPT_LANGUAGE "zh-TW,zh;q=0.9,en;q=0.8"

typedef struct wreq {
    const char *name, *method, *target, *range, *how;
} wreq;

/* The requests; {P} is the content page, {T} its original (the same path
 * but .txt for .html, as smz-pack keeps it for samples/), {B} the binary
 * entry. */
static const wreq REQS[] = {
    {"library", "GET", "/", "", "exact"},
    {"library-head", "HEAD", "/", "", "exact"},
    {"main", "GET", "/content/samples/", "", "exact"},
    {"page", "GET", "/content/samples/{P}", "", "exact"},
    {"page-head", "HEAD", "/content/samples/{P}", "", "exact"},
    {"original", "GET", "/content/samples/{T}", "", "exact"},
    {"raw-page", "GET", "/raw/samples/content/{P}", "", "exact"},
    {"search-all", "GET", "/search?pattern=china", "", "exact"},
    {"search-one", "GET", "/search?content=samples&pattern=olympic+boycott", "", "exact"},
    {"search-paged", "GET", "/search?content=samples&pattern=china&start=1&pageLength=2", "", "exact"},
    {"search-json", "GET", "/search?content=samples&pattern=uyghur&format=json", "", "exact"},
    {"search-escaped", "GET", "/search?pattern=%E6%96%B0%E7%96%86%20xinjiang", "", "exact"},
    {"suggest", "GET", "/suggest?content=samples&term=oly", "", "exact"},
    {"suggest-inside", "GET", "/suggest?content=samples&term=winter%20olymp", "", "exact"},
    {"search-fuzzy", "GET", "/search?content=samples&pattern=Olympcs+boycot", "", "exact"},
    {"search-fuzzy-json", "GET", "/search?content=samples&pattern=Uighur&format=json&fuzzy=1", "",
     "exact"},
    {"search-dym", "GET", "/search?content=samples&pattern=olympcs&fuzzy=0", "", "exact"},
    {"suggest-dym", "GET", "/suggest?content=samples&term=olympcs", "", "exact"},
    {"random", "GET", "/random", "", "status"},
    {"random-one", "GET", "/random?content=samples", "", "status"},
    {"blob", "GET", "/raw/samples/content/{B}", "", "exact"},
    {"blob-range", "GET", "/raw/samples/content/{B}", "bytes=100-1099", "exact"},
    {"blob-content", "GET", "/content/samples/{B}", "", "exact"},
    {"blob-suffix", "GET", "/content/samples/{B}", "bytes=-500", "exact"},
    {"blob-416", "GET", "/raw/samples/content/{B}", "bytes=99999999-", "exact"},
    {"opds", "GET", "/catalog/v2/entries", "", "exact"},
    {"opds-root", "GET", "/catalog/v2/root.xml", "", "exact"},
    {"illustration", "GET", "/catalog/v2/illustration/samples", "", "exact"},
    {"skin-css", "GET", "/skin/smz.css", "", "exact"},
    {"skin-js", "GET", "/skin/smz.js", "", "exact"},
    {"robots", "GET", "/robots.txt", "", "exact"},
    {"download", "GET", "/download/samples.smz", "bytes=0-99", "exact"},
    {"not-found", "GET", "/no/such/thing", "", "exact"},
    {"no-entry", "GET", "/content/samples/no-such-entry.html", "", "exact"},
    {"no-archive", "GET", "/content/nosuch/x.html", "", "exact"},
    /* Other languages (issue 21): chosen by ?lang=, or by Accept-Language
     * ("accept": the module's smzw_language, curl's header ACCEPT_LANGUAGE);
     * counts, dates and language names by ICU natively, by the JavaScript
     * engine's Intl (ICU too) in the module: the same in Chinese, Persian
     * (Persian digits and calendar), Russian (whose "2022 г." ICU
     * versions space differently: dates have plain spaces, smz__ui_date)
     * and Arabic (Arabic-Indic digits, which newer ICU no longer defaults to:
     * asked for by name). */
    {"library-zh", "GET", "/?lang=zh-Hans", "", "exact"},
    {"main-zh", "GET", "/content/samples/?lang=zh-Hans", "", "exact"},
    {"page-zh", "GET", "/content/samples/{P}?lang=zh-Hans", "", "exact"},
    {"search-zh", "GET", "/search?content=samples&pattern=china&lang=zh-Hans", "", "exact"},
    {"search-dym-zh", "GET", "/search?content=samples&pattern=olympcs&fuzzy=0&lang=zh-Hans", "",
     "exact"},
    {"not-found-zh", "GET", "/no/such/thing?lang=zh-Hans", "", "exact"},
    {"opds-root-zh", "GET", "/catalog/v2/root.xml?lang=zh-Hans", "", "exact"},
    {"library-accept", "GET", "/", "", "accept"},
    {"search-accept", "GET", "/search?pattern=china", "", "accept"},
    {"library-fa", "GET", "/?lang=fa", "", "exact"},
    {"search-fa", "GET", "/search?content=samples&pattern=china&lang=fa", "", "exact"},
    {"library-ru", "GET", "/?lang=ru", "", "exact"},
    {"main-ru", "GET", "/content/samples/?lang=ru", "", "exact"},
    {"page-ru", "GET", "/content/samples/{P}?lang=ru", "", "exact"},
    {"search-ru", "GET", "/search?content=samples&pattern=china&lang=ru", "", "exact"},
    {"library-ar", "GET", "/?lang=ar", "", "exact"},
    {"page-ar", "GET", "/content/samples/{P}?lang=ar", "", "exact"},
    {"search-ar", "GET", "/search?content=samples&pattern=china&lang=ar", "", "exact"},
    {"nul-path", "GET", "/content/samples/a%00b", "", "exact"},
    {"bad-escape", "GET", "/content/samples/%zz", "", "exact"},
    {"bad-utf8", "GET", "/content/samples/%C0%AF", "", "exact"},
    {"nul-query", "GET", "/search?pattern=a%00b", "", "exact"},
    {"post", "POST", "/", "", "exact"},
};
#define NREQS (sizeof REQS / sizeof REQS[0])

/* T with {P}, {T} and {B} filled in. */
static void fill(char *out, size_t n, const char *t, const char *page, const char *blob)
{
    char txt[256];
    size_t k = 0, pl = strlen(page);
    snprintf(txt, sizeof txt, "%.*s.txt", (int)(pl > 5 ? pl - 5 : pl), page);
    for (; *t && k + 1 < n; t++) {
        const char *sub = !strncmp(t, "{P}", 3)   ? page
                          : !strncmp(t, "{T}", 3) ? txt
                          : !strncmp(t, "{B}", 3) ? blob
                                                  : NULL;
        if (sub) {
            k += (size_t)snprintf(out + k, n - k, "%s", sub);
            if (k >= n)
                k = n - 1;
            t += 2;
        } else {
            out[k++] = *t;
        }
    }
    out[k] = 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0, n = 0, r;
    if (!f)
        return NULL;
    do {
        if (n + 65536 > cap) {
            char *q = realloc(p, cap = cap * 2 + 65536);
            if (!q) {
                free(p);
                fclose(f);
                return NULL;
            }
            p = q;
        }
        r = fread(p + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return p;
}

/* A raw answer with what differs between two starts masked: the Date
 * line dropped, ETag values made "X" (a download's is the file's size and
 * time, which the module's file systems keep to the millisecond), and
 * bar=TOKEN (32 hex digits) and <updated> times made X's.
 * Malloc'd; *LEN its length. */
static char *masked(const char *raw, size_t n, size_t *len)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    const char *end = raw + n, *body = NULL;
    for (const char *p = raw; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (!body && ll <= 2 && p != raw) { /* the empty line */
            memcpy(out + k, p, ll);
            k += ll;
            body = p + ll;
            break;
        }
        if (ll > 6 && !strncmp(p, "ETag: ", 6)) {
            memcpy(out + k, "ETag: X\r\n", 9);
            k += 9;
        } else if (!(ll > 6 && !strncmp(p, "Date: ", 6))) {
            memcpy(out + k, p, ll);
            k += ll;
        }
        p += ll;
    }
    if (body) {
        size_t bl = (size_t)(end - body);
        memcpy(out + k, body, bl);
        for (size_t i = k; i + 36 <= k + bl; i++) {
            if (!memcmp(out + i, "<updated>", 9) && k + bl - i >= 29 && out[i + 28] == 'Z')
                memset(out + i + 9, 'X', 20);
            if (memcmp(out + i, "bar=", 4))
                continue;
            size_t h = strspn(out + i + 4, "0123456789abcdef");
            if (h >= 32)
                memset(out + i + 4, 'X', 32);
        }
        k += bl;
    }
    out[k] = 0;
    *len = k;
    return out;
}

static int status_of(const unsigned char *r, int n)
{
    if (n < 12 || memcmp(r, "HTTP/1.1 ", 9))
        return -1;
    return atoi((const char *)r + 9);
}

static void compare(const char *archive, const char *page, const char *blob, const char *dir)
{
    char target[512], path[1024];
    CHECK(smzw_open(archive, "", 1) == 0, "smzw_open %s: %s", archive, smzw_errmsg());
    for (size_t i = 0; i < NREQS; i++) {
        const wreq *w = &REQS[i];
        fill(target, sizeof target, w->target, page, blob);
        smzw_language(!strcmp(w->how, "accept") ? ACCEPT_LANGUAGE : "", "");
        int n = smzw_request(w->method, target, w->range);
        const unsigned char *r = smzw_response();
        snprintf(path, sizeof path, "%s/%s.http", dir, w->name);
        size_t wl = 0;
        char *want = slurp(path, &wl);
        if (!want || n < 0 || !r) {
            CHECK(0, "%s: %s %s: an answer (%d) and smz serve's (%s)", w->name, w->method, target, n,
                  want ? "read" : "missing");
            free(want);
            continue;
        }
        if (!strcmp(w->how, "status")) {
            const char *e1 = memchr(r, '\n', (size_t)n), *e2 = memchr(want, '\n', wl);
            CHECK(e1 && e2 && e1 - (const char *)r == e2 - want && !memcmp(r, want, (size_t)(e2 - want)),
                  "%s: %s %s: the status line is smz serve's (%.*s)", w->name, w->method, target,
                  e2 ? (int)(e2 - want) - 1 : 0, want);
        } else {
            size_t gl, hl;
            char *got = masked((const char *)r, (size_t)n, &gl), *had = masked(want, wl, &hl);
            size_t d = 0;
            while (d < gl && d < hl && got[d] == had[d])
                d++;
            CHECK(gl == hl && d == gl, "%s: %s %s%s%s: %zu bytes, the same as smz serve's (%d %zu)",
                  w->name, w->method, target, w->range[0] ? " Range: " : "", w->range, gl,
                  status_of(r, n), hl);
            if (gl != hl || d != gl)
                printf("# first difference at byte %zu:\n# module: [%.120s]\n# serve:  [%.120s]\n", d,
                       got + (d > 40 ? d - 40 : 0), had + (d > 40 ? d - 40 : 0));
            free(got);
            free(had);
        }
        free(want);
    }
    /* The same connection again: nothing of the last answer stays. */
    int n1 = smzw_request("GET", "/robots.txt", "");
    int n2 = smzw_request("GET", "/robots.txt", "");
    CHECK(n1 > 0 && n1 == n2 && status_of(smzw_response(), n2) == 200, "answers do not pile up (%d, %d)",
          n1, n2);
    /* What cannot be a request never reaches the server: the module
     * answers it. */
    n1 = smzw_request("GET", "/a b", "");
    CHECK(n1 > 0 && status_of(smzw_response(), n1) == 400, "a target with a space: 400");
    n1 = smzw_request("GET", "/", "bytes=0-1\r\nX-Evil: 1");
    CHECK(n1 > 0 && status_of(smzw_response(), n1) == 400, "a Range with a line break: 400");
    /* Opening again replaces the library (and its server state). */
    CHECK(smzw_open(archive, "", 0) == 0, "smzw_open again, scripts off: %s", smzw_errmsg());
    fill(target, sizeof target, "/content/samples/{P}", page, blob);
    int n = smzw_request("GET", target, "");
    const char *r = (const char *)smzw_response();
    CHECK(n > 0 && status_of(smzw_response(), n) == 200 && strstr(r, "script-src 'none'") != NULL,
          "with scripts off, the page's policy runs none of its scripts");
}

static void no_archive(void)
{
    CHECK(strlen(smzw_version()) > 0, "a version: %s", smzw_version());
    int n = smzw_request("GET", "/", "");
    CHECK(n > 0 && status_of(smzw_response(), n) == 503, "before smzw_open: 503 (%d)", n);
    CHECK(smzw_open("", "", 1) == -1 && strstr(smzw_errmsg(), "no archive given"), "no path: %s",
          smzw_errmsg());
    CHECK(smzw_open("/no/such/file.smz", "", 1) == -1 && strstr(smzw_errmsg(), "/no/such/file.smz"),
          "a missing file: %s", smzw_errmsg());
    n = smzw_request("GET", "/", "");
    CHECK(n > 0 && status_of(smzw_response(), n) == 503, "after a failed open, no library: 503");
    CHECK(smzw_open("/no/such/file.smz", "/no/such/key.pub", 1) == -1, "a missing key file: %s",
          smzw_errmsg());
    FILE *f = fopen("junk.smz", "wb");
    if (f) {
        fputs("this is no archive at all, just some bytes that will not do\n", f);
        fclose(f);
    }
    CHECK(smzw_open("junk.smz", "", 1) == -1 && strstr(smzw_errmsg(), "no archive can be read") &&
              strstr(smzw_errmsg(), "junk.smz") && strstr(smzw_warnings(), "junk.smz"),
          "junk: %s / %s", smzw_errmsg(), smzw_warnings());
}

/* The module checks no archive's content (no thread to do it in the
 * background): an archive signed by a trusted key says so, and that its
 * content is not checked. */
static void signed_archive(const char *archive, const char *pub, const char *other)
{
    char two[2048];
    CHECK(smzw_open(archive, pub, 1) == 0, "a signed archive, its key trusted: %s", smzw_errmsg());
    int n = smzw_request("GET", "/", "");
    const char *r = (const char *)smzw_response();
    CHECK(n > 0 && strstr(r, "data-signature=\"checking\" data-key-id=") &&
              strstr(r, "data-trusted=\"yes\"") && strstr(r, "the content is not checked here"),
          "the library: signed by a trusted key, content not checked");
    CHECK(smzw_open(archive, "", 1) == 0, "the same, no key trusted: %s", smzw_errmsg());
    n = smzw_request("GET", "/", "");
    r = (const char *)smzw_response();
    CHECK(n > 0 && strstr(r, "data-signature=\"untrusted\"") && strstr(r, "not a trusted key"),
          "the library: signed by a key that is not trusted");
    CHECK(smzw_open(archive, "no-such.pub", 1) == -1 && strstr(smzw_errmsg(), "no-such.pub"),
          "a missing key file: %s", smzw_errmsg());
    snprintf(two, sizeof two, "%s\n\n%s\n", archive, other);
    CHECK(smzw_open(two, pub, 1) == 0, "two archives in one library: %s", smzw_errmsg());
    n = smzw_request("GET", "/", "");
    r = (const char *)smzw_response();
    CHECK(n > 0 && strstr(r, "data-signature=\"checking\"") && strstr(r, "data-signature=\"none\""),
          "the library shows both, signed and not");
}

static void corrupt(const char *dir, const char *cases)
{
    FILE *f = fopen(cases, "r");
    char line[1024], path[1200];
    int n = 0;
    CHECK(f != NULL, "cases: %s", cases);
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *name = strtok(line, "\t"), *cmd = strtok(NULL, "\t"), *want = strtok(NULL, "\t\n");
        if (!name || !cmd || !want)
            continue;
        n++;
        snprintf(path, sizeof path, "%s/%s.smz", dir, name);
        int rc = smzw_open(path, "", 1);
        if (!strcmp(cmd, "info")) {
            /* Its metadata cannot be read: the open says so, with smz's message. */
            CHECK(rc == -1 && strstr(smzw_errmsg(), want), "%s: open fails: %s", name, smzw_errmsg());
            continue;
        }
        /* Its pages: whatever each answer is, one comes. */
        int ok = 1;
        const char *targets[] = {"/",
                                 "/content/samples/",
                                 "/search?pattern=china",
                                 "/suggest?content=samples&term=ch",
                                 "/random?content=samples",
                                 "/catalog/v2/entries"};
        for (size_t i = 0; rc == 0 && i < sizeof targets / sizeof targets[0]; i++) {
            int k = smzw_request("GET", targets[i], "");
            int st = status_of(smzw_response(), k);
            ok &= k > 0 && st >= 200 && st < 600;
        }
        CHECK(ok, "%s: %s, and every page an answer%s%.200s", name, rc == 0 ? "opens" : smzw_errmsg(),
              smzw_warnings()[0] ? "; warned: " : "", smzw_warnings());
    }
    if (f)
        fclose(f);
    CHECK(n >= 20, "%d damaged archives", n);
}

int main(int argc, char **argv)
{
    char target[512];
    if (argc == 4 && !strcmp(argv[1], "list")) {
        for (size_t i = 0; i < NREQS; i++) {
            fill(target, sizeof target, REQS[i].target, argv[2], argv[3]);
            printf("%s\t%s\t%s\t%s\t%s\n", REQS[i].name, REQS[i].method, target, REQS[i].range,
                   REQS[i].how);
        }
        return 0;
    }
    if (argc == 6 && !strcmp(argv[1], "compare"))
        compare(argv[2], argv[3], argv[4], argv[5]);
    else if (argc == 5 && !strcmp(argv[1], "signed"))
        signed_archive(argv[2], argv[3], argv[4]);
    else if (argc == 4 && !strcmp(argv[1], "corrupt"))
        corrupt(argv[2], argv[3]);
    else
        no_archive();
    smzw_open("", "", 1); /* frees the library: nothing leaks */
    return CHECK_DONE();
}
