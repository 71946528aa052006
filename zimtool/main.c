/* smz-zim: an archive to a ZIM file (smz/zim_export.h), the program behind
 * `smz extract ARCHIVE --format zim -o OUT`, which runs it with its own
 * arguments.  It is a program of its own because it is the one linked with
 * libzim (C++, with Xapian and ICU): smz stays C and starts without them.
 * Arguments and messages only; the work is smz_zim_export's. */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smz/reader.h"
#include "smz/util.h"
#include "smz/zim_export.h"
#include "../common/i18n.h"

/* TRANSLATORS: smz extract --format zim's help: keep the options, the upper-case words and ZIM, Kiwix, libzim; translate the rest. */
static const char help[] = SMZ_N_(
    "usage: smz extract ARCHIVE --format zim -o FILE [--no-index] [--uuid HEX] [--date YYYY-MM-DD]\n"
    "                   [--threads N]\n"
    "Writes the archive as a ZIM file for Kiwix: every entry with its MIME type and title,\n"
    "redirects, the main page, the metadata (Language as ISO 639-3) and the illustration.\n"
    "libzim's full-text and title indexes are built unless --no-index.  The ZIM's UUID is\n"
    "derived from the archive's and its Date is the archive's, so the same archive gives\n"
    "the same ZIM (with --no-index: libzim's index is not the same twice); --uuid and\n"
    "--date set them.  Nothing is left at FILE if the export fails.\n");

static smz_reader *volatile running;

/* Reproducible indexes.  libzim 8.1 writes its title index (always) and
 * full-text index as Xapian databases, and Xapian names each one with a
 * random UUID from libuuid's uuid_generate(): two exports of one archive
 * would differ in those 16 bytes per index (and so in the checksum), and
 * libzim offers no way to set them.  This program defines uuid_generate
 * itself and exports it (the Makefile's --export-dynamic-symbol), so the
 * dynamic linker binds Xapian's call here: each database's UUID is then
 * BLAKE2b-128 of SEED (the archive's UUID and the options) and how many
 * came before it.  Nothing else in the process calls uuid_generate. */
static unsigned char uuid_seed[crypto_generichash_BYTES];
static atomic_uint uuid_count;

void uuid_generate(unsigned char out[16]);
void uuid_generate(unsigned char out[16])
{
    unsigned n = atomic_fetch_add(&uuid_count, 1);
    unsigned char ctr[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8),
                            (unsigned char)n};
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 16);
    crypto_generichash_update(&h, uuid_seed, sizeof uuid_seed);
    crypto_generichash_update(&h, ctr, sizeof ctr);
    crypto_generichash_final(&h, out, 16);
    out[6] = (unsigned char)((out[6] & 0x0f) | 0x80); /* version 8 (RFC 9562) */
    out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);
}

/* SEED from what decides the ZIM's bytes: the archive's UUID and the options. */
static void seed_uuids(smz_reader *r, const smz_zim_opts *o)
{
    char *v = NULL;
    size_t vl = 0;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof uuid_seed);
    if (smz_reader_meta(r, "UUID", &v, &vl) == SMZ_OK)
        crypto_generichash_update(&h, (const unsigned char *)v, vl);
    free(v);
    char opts[200];
    snprintf(opts, sizeof opts, "|%d|%.64s|%.16s", o->no_index, o->uuid ? o->uuid : "",
             o->date ? o->date : "");
    crypto_generichash_update(&h, (const unsigned char *)opts, strlen(opts));
    crypto_generichash_final(&h, uuid_seed, sizeof uuid_seed);
}

static void on_signal(int sig)
{
    (void)sig;
    if (running)
        smz_reader_interrupt(running);
}

/* FMT (one %s: a text from the archive, a message or an argument, made
 * safe for a terminal) on standard error. */
static void say(const char *fmt, const char *s)
{
    smz_strbuf b;
    smz_strbuf_init(&b, 1 << 16);
    smz_term_escape(&b, s, strlen(s));
    fprintf(stderr, fmt, smz_strbuf_str(&b));
    smz_strbuf_free(&b);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *out = NULL;
    smz_zim_opts o = {0};
    smz_zim_stats st;
    i18n_setup(); /* before threads: LC_MESSAGES and the catalogues' bindings */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(_(help), stdout);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--no-index")) {
            o.no_index = 1;
        } else if (!strcmp(argv[i], "--uuid") && i + 1 < argc) {
            o.uuid = argv[++i];
        } else if (!strcmp(argv[i], "--date") && i + 1 < argc) {
            o.date = argv[++i];
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 64) {
                fprintf(stderr, _("smz extract: --threads takes %d to %d\n"), 1, 64);
                return 2;
            }
            o.workers = (unsigned)t;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            say(_("smz extract: unknown option for --format zim: %s\n"), argv[i]);
            fputs(_(help), stderr);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            fputs(_("smz extract: --format zim writes the whole archive (no paths)\n"), stderr);
            return 2;
        }
    }
    if (!path || !out) {
        fputs(_(help), stderr);
        return 2;
    }
    smz_cache *cache = smz_cache_new(0);
    smz_reader *r = NULL;
    if (!cache) {
        fprintf(stderr, "smz extract: %s\n", _("out of memory"));
        return 1;
    }
    smz_err rc = smz_reader_open_lang(path, cache, i18n_cli(), &r);
    if (rc != SMZ_OK) {
        say("smz extract: %s\n", r ? smz_reader_errmsg(r) : _(smz_strerror(rc)));
        smz_reader_close(r);
        smz_cache_free(cache);
        return 1;
    }
    /* libzim 8.1 prints its steps ("Resolve redirect", "set index") on
     * standard output whatever configVerbose says: nothing of ours goes
     * there, so it goes to /dev/null. */
    fflush(stdout);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    seed_uuids(r, &o);
    running = r;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    rc = smz_zim_export(r, out, &o, &st);
    running = NULL;
    if (rc != SMZ_OK) {
        const char *m = smz_reader_errmsg(r);
        say("smz extract: %s\n", m && *m ? m : _(smz_strerror(rc)));
    } else if (st.no_illustration) {
        fputs(_("smz extract: the archive has no 48x48 PNG illustration: the ZIM has none\n"), stderr);
    }
    smz_reader_close(r);
    smz_cache_free(cache);
    return rc == SMZ_OK ? 0 : 1;
}
