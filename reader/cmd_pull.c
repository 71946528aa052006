/* smz pull SOURCE DIR: mirrors the archives of SOURCE into DIR.  SOURCE is a
 * folder (a stick: its archives are read directly), a web folder holding
 * the catalog `smz catalog` writes (smz-catalog.xml), or an `smz serve`
 * (its OPDS catalog, /catalog/v2/entries).  An archive DIR lacks, or one
 * the source has in a newer version (another content digest and a later
 * Date), is fetched into DIR/.NAME.smz.part (kept when the transfer is
 * cut, and resumed from where it stopped by the next run), checked whole
 * (its size and BLAKE2b as the catalog gives them, every cluster and entry
 * and the content digest as `smz check` does, the digest the catalog
 * names, and with --keyring a trusted signature), and only then renamed
 * over DIR/NAME.smz.  Nothing is deleted without --delete.  From a URL
 * whose catalog gives smz:tail, the file's tail is fetched first into
 * memory and the check runs while the rest arrives (early, below); else
 * the check reads the bytes in order as they arrive.  With --keyring, an
 * archive whose detached signature (NAME.smz.minisig) a trusted key made
 * is checked by it instead: its bytes hashed as they arrive (signed_bytes,
 * hasher, below).
 *
 * Exit status: 0 when DIR holds what SOURCE offers; 1 when an archive was
 * refused (it failed a check: nothing of it replaced anything); 2 for an
 * error (usage, the source unreachable, a transfer cut, a full disk). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "smz/delta.h"
#include "smz/i18n.h"
#include "smz/reader.h"
#include "smz/util.h"
#include "smz/verify.h"
#include "catalog.h"
#include "../common/i18n.h"
#include "cli.h"
#include "cli_sig.h"
#include "http.h"

static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz pull --help: keep the options, the upper-case words and the layout (the
       descriptions start at column 22); translate the descriptions. */
    "usage: smz pull SOURCE DIR [--keyring FILE]... [--key PUB]... [--full-check] [--delete]\n"
    "                [--dry-run] [--limit-rate RATE] [--quiet]\n"
    "Mirrors the archives of SOURCE into the folder DIR: those DIR lacks, and those\n"
    "SOURCE has in a newer version (another content digest and a later Date).\n"
    "SOURCE is a folder (a stick), a web folder with the catalog smz catalog writes,\n"
    "or an smz serve (http://HOST:PORT/).  Every archive is checked whole before it\n"
    "replaces anything; a cut transfer is resumed by the next run.  With --keyring,\n"
    "an archive whose bytes a trusted key signed (NAME.smz.minisig) is checked by\n"
    "that signature instead.\n"
    "  --keyring FILE     accept only archives signed by one of these keys\n"
    "  --key PUB          the same for one minisign public key\n"
    "  --full-check       check those whole too\n"
    "  --delete           delete archives of DIR that SOURCE no longer has\n"
    "  --dry-run          say what would be done, change nothing\n"
    "  --limit-rate RATE  at most RATE bytes a second (K, M, G suffixes)\n"
    "  --quiet            say only what fails\n"
    "Split archives (NAME.smz.001, ...) are not mirrored.  Exit status 0 when DIR\n"
    "is up to date, 1 when an archive was refused, 2 for an error.\n");

typedef struct pull {
    const char *source, *dir;
    int url, del, dry, quiet, tty;
    uint64_t rate;
    smz_keyring *kr;
    int full; /* --full-check: check whole what a trusted signature covers too */
    int refused, errors;
    /* the progress line */
    const char *cur;
    struct timespec start, last;
    uint64_t from;
    uint64_t extra; /* bytes of the file held elsewhere (its tail, in memory) */
} pull;

static double now_s(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void progress(void *ctx, uint64_t have, uint64_t total)
{
    pull *p = ctx;
    if (!p->tty)
        return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (have != total && now_s(&t) - now_s(&p->last) < 0.2)
        return;
    p->last = t;
    char a[SMZ_SIZE_TEXT], b[SMZ_SIZE_TEXT], r[SMZ_SIZE_TEXT];
    double el = now_s(&t) - now_s(&p->start);
    uint64_t speed = el > 0 ? (uint64_t)((double)(have - p->from) / el) : 0;
    have += p->extra;
    fputs("\r\033[K", stderr);
    /* TRANSLATORS: smz pull's progress line: the file, bytes so far of all, the percentage,
       the speed (a size, then "/s"). */
    fprintf(stderr, _("%s  %s of %s  %3d%%  %s/s"), cli_t(p->cur), smz_size_text(have, a),
            smz_size_text(total, b), total ? (int)(100.0 * (double)have / (double)total) : 100,
            smz_size_text(speed, r));
    fflush(stderr);
}

static void progress_end(pull *p)
{
    if (p->tty) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

static void skipped(void *ctx, const char *file, const char *why)
{
    pull *p = ctx;
    if (!p->quiet)
        printf(_("%s: skipped: %s\n"), cli_t(file), cli_t(why));
}

/* Local archives that cannot be read are left out of DIR's list: the
 * source's copy then replaces them. */
static void local_skip(void *ctx, const char *file, const char *why)
{
    pull *p = ctx;
    if (!p->quiet)
        printf(_("%s: cannot be read here (%s): the source's copy, if it has one, replaces it\n"),
               cli_t(file), cli_t(why));
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s%s", a, b, c);
    return s;
}

/* ---- The source's list ---------------------------------------------------- */

/* Fetches the catalog of the URL SOURCE: SOURCE itself when it names an
 * .xml file, else its smz-catalog.xml, else (an smz serve) its OPDS
 * entries. */
static int remote_list(pull *p, cat_list *out)
{
    smz_strbuf b;
    char err[600], *base = NULL, *url = NULL;
    long status = 0;
    int rc = -1;
    size_t n = strlen(p->source);
    smz_strbuf_init(&b, CATALOG_MAX);
    if (n > 4 && !strcmp(p->source + n - 4, ".xml")) {
        url = strdup(p->source);
    } else {
        if (!(base = malloc(n + 2)))
            goto nomem;
        snprintf(base, n + 2, "%s%s", p->source, p->source[n - 1] == '/' ? "" : "/");
        url = http_resolve(base, CATALOG_FILE);
    }
    if (!url)
        goto nomem;
    if (http_get(url, CATALOG_MAX, &b, &status, err, sizeof err) != 0 && base &&
        (status == 404 || status == 410)) {
        free(url);
        smz_strbuf_reset(&b);
        if (!(url = http_resolve(base, "catalog/v2/entries?count=10000")))
            goto nomem;
        if (http_get(url, CATALOG_MAX, &b, &status, err, sizeof err) != 0) {
            fprintf(stderr,
                    _("smz pull: %s: %s (neither %s nor an smz serve's catalog, /catalog/v2/entries)\n"),
                    cli_t(p->source), cli_t(err), CATALOG_FILE);
            goto out;
        }
    } else if (status < 200 || status > 299) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(url), cli_t(err));
        goto out;
    }
    if (cat_parse_feed(smz_strbuf_str(&b), smz_strbuf_len(&b), url, out, skipped, p, err, sizeof err) !=
        0) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(url), cli_t(err));
        goto out;
    }
    rc = 0;
    goto out;
nomem:
    fprintf(stderr, _("smz %s: out of memory\n"), "pull");
out:
    smz_strbuf_free(&b);
    free(base);
    free(url);
    return rc;
}

/* ---- Copying from a folder ------------------------------------------------- */

/* Appends the bytes of the file SRC from OFFSET to FD, as http_download
 * does for a URL (the same results, the same promises about sizes). */
static http_result copy_file(pull *p, const char *src, http_fetch *f)
{
    const char *why = NULL;
    struct stat st;
    http_result res = HTTP_CUT;
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    f->have = f->offset;
    int in = buf ? smz_file_open(src, 0, &st, &why) : -1;
    if (in < 0) {
        snprintf(f->err, sizeof f->err, "%s: %s", src, buf ? why : _("out of memory"));
        free(buf);
        return HTTP_CUT;
    }
    if ((uint64_t)st.st_size != f->expected) {
        snprintf(f->err, sizeof f->err, _("the file changed at the source (%llu bytes, was %llu)"),
                 (unsigned long long)st.st_size, (unsigned long long)f->expected);
        res = HTTP_REFUSED;
        goto out;
    }
    if (lseek(in, (off_t)f->offset, SEEK_SET) < 0 || lseek(f->fd, (off_t)f->offset, SEEK_SET) < 0) {
        snprintf(f->err, sizeof f->err, "%s", strerror(errno));
        goto out;
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (f->have < f->expected) {
        size_t want = BUF;
        if (want > f->expected - f->have)
            want = (size_t)(f->expected - f->have);
        ssize_t n = read(in, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(f->err, sizeof f->err, "%s",
                     n < 0 ? strerror(errno) : _("the file at the source shrank"));
            goto out;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(f->fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                f->write_errno = w < 0 ? errno : EIO;
                snprintf(f->err, sizeof f->err, "%s", strerror(f->write_errno));
                res = HTTP_WRITE;
                goto out;
            }
            done += w;
        }
        f->have += (uint64_t)n;
        if (f->written)
            f->written(f->head_ctx, f->have);
        if (f->hash)
            crypto_generichash_update(f->hash, (const unsigned char *)buf, (size_t)n);
        if (f->rate) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            double ahead = (double)(f->have - f->offset) / (double)f->rate - (now_s(&t) - now_s(&t0));
            if (ahead > 0) {
                struct timespec d = {(time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9)};
                nanosleep(&d, NULL);
            }
        }
        progress(p, f->have, f->expected);
    }
    res = HTTP_DONE;
out:
    close(in);
    free(buf);
    return res;
}

/* ---- Checking what arrived ------------------------------------------------- */

typedef struct problems {
    uint64_t n;
    char first[512];
} problems;

static void on_problem(void *ctx, const char *path, const char *message)
{
    problems *pr = ctx;
    if (pr->n++ == 0)
        snprintf(pr->first, sizeof pr->first, "%s%s%s", path[0] ? path : "", path[0] ? ": " : "",
                 message);
}

/* The check run while an archive arrives (docs/CATALOG.md, "Checking while
 * the bytes arrive"): its tail fetched first into memory, then the rest
 * written to the part while a thread opens the part through A
 * (smz_reader_open_arriving) and checks it.  States: no thread (A NULL,
 * or the thread could not start), RUNNING (started, not joined), DONE
 * (joined once every byte was in: R, ORC, CRC and PR are the check of
 * the whole file, which verify() takes instead of checking again). */
typedef struct early {
    const char *part;
    unsigned char *tail; /* the file's tail, which A reads (borrowed); freed after A */
    smz_arrival *a;
    struct part_id *pi; /* the kept part's identity, told of each answer's head; or NULL */
    pthread_t th;
    int running, done;
    smz_reader *r;
    smz_err orc, crc;
    problems pr;
} early;

static void *early_run(void *arg)
{
    early *ek = arg;
    ek->orc = smz_reader_open_arriving(ek->part, ek->a, i18n_cli(), &ek->r);
    if (ek->orc == SMZ_OK)
        ek->crc = smz_reader_check(ek->r, on_problem, &ek->pr, &ek->pr.n);
    return NULL;
}

/* Waits for EK's thread; its result kept when OK (every byte in), else
 * dropped (the transfer stopped: A fails its waiting reads first). */
static void early_end(early *ek, int ok)
{
    if (!ek || !ek->running)
        return;
    if (!ok)
        smz_arrival_failed(ek->a);
    pthread_join(ek->th, NULL);
    ek->running = 0;
    ek->done = ok;
    if (!ok) {
        smz_reader_close(ek->r);
        ek->r = NULL;
    }
}

/* Closes what EK holds (after its thread is joined). */
static void early_free(early *ek)
{
    smz_reader_close(ek->r);
    ek->r = NULL;
    smz_arrival_free(ek->a);
    ek->a = NULL;
    free(ek->tail);
    ek->tail = NULL;
    ek->done = 0;
}

/* Checks the file PART (open as FD; HEX the BLAKE2b of its bytes when E
 * has one) against what the catalog says of it (E).  0, or -1 with WHY set; *SIGNER gets the trusted key that signed it
 * when P has a keyring. */
static int verify(pull *p, const cat_entry *e, const char *part, int fd, const char *hex, char *why,
                  size_t whylen, char signer[SMZ_KEYID_SIZE], const early *ek)
{
    smz_reader *r = NULL, *own = NULL;
    smz_verify_report rep;
    char *digest = NULL, *uuid = NULL;
    int rc = -1;
    struct stat st;
    memset(&rep, 0, sizeof rep);
    signer[0] = 0;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != e->size) {
        snprintf(why, whylen, _("%llu bytes, the catalog says %llu"), (unsigned long long)st.st_size,
                 (unsigned long long)e->size);
        goto out;
    }
    if (e->blake2b) {
        if (strcmp(hex, e->blake2b)) {
            snprintf(why, whylen,
                     _("its bytes are not those the catalog names (BLAKE2b %.16s..., "
                       "the catalog %.16s...): damaged on the way"),
                     hex, e->blake2b);
            goto out;
        }
    }
    /* The check that ran while the bytes arrived, when it did: the same
     * steps on the same bytes. */
    smz_err orc, crc = SMZ_OK;
    problems pr = {0, ""};
    if (ek && ek->done) {
        r = ek->r;
        orc = ek->orc;
        crc = ek->crc;
        pr = ek->pr;
    } else {
        orc = smz_reader_open_lang(part, NULL, i18n_cli(), &own);
        r = own;
        if (orc == SMZ_OK)
            crc = smz_reader_check(r, on_problem, &pr, &pr.n);
    }
    if (orc != SMZ_OK) {
        const char *m = r ? smz_reader_errmsg(r) : "";
        snprintf(why, whylen, _("not a sound archive: %s"), m[0] ? m : smz_strerror(orc));
        goto out;
    }
    if (crc != SMZ_OK) {
        const char *m = smz_reader_errmsg(r);
        snprintf(why, whylen, _("cannot be checked: %s"), m[0] ? m : smz_strerror(crc));
        goto out;
    }
    if (pr.n) {
        snprintf(why, whylen,
                 N_("fails the check (%llu problem; the first: %s)",
                    "fails the check (%llu problems; the first: %s)", pr.n),
                 (unsigned long long)pr.n, pr.first);
        goto out;
    }
    /* The check proved the stored Digest and UUID those of the content. */
    if (smz_reader_meta(r, "Digest", &digest, NULL) != SMZ_OK ||
        smz_reader_meta(r, "UUID", &uuid, NULL) != SMZ_OK) {
        snprintf(why, whylen, "%s", _("it has no content digest"));
        goto out;
    }
    if ((e->digest && strcmp(e->digest, digest)) || (!e->digest && e->uuid && strcmp(e->uuid, uuid))) {
        snprintf(why, whylen, _("it is another archive than the catalog lists (digest %.16s...)"),
                 digest);
        goto out;
    }
    if (p->kr) {
        unsigned char bin[SMZ_DIGEST_BYTES];
        if (sodium_hex2bin(bin, sizeof bin, digest, strlen(digest), NULL, NULL, NULL) != 0) {
            snprintf(why, whylen, "%s", _("its digest is malformed"));
            goto out;
        }
        smz_verify_opts o = {.trusted = p->kr, .digest = bin, .flags = SMZ_VERIFY_NO_DETACHED};
        smz_err vrc = smz_archive_verify(r, part, &o, &rep);
        if (vrc != SMZ_OK) {
            const char *m = smz_reader_errmsg(r);
            snprintf(why, whylen, _("its signature cannot be checked: %s"),
                     m[0] ? m : smz_strerror(vrc));
            goto out;
        }
        cli_verdict v = cli_verdict_of(&rep);
        if (v != VERDICT_VERIFIED) {
            const char *m = rep.n && rep.sigs[0].message[0] ? rep.sigs[0].message : "";
            snprintf(why, whylen, "%s%s%.700s",
                     v == VERDICT_BAD         ? "BAD SIGNATURE"
                     : v == VERDICT_UNTRUSTED ? _("not signed by a trusted key")
                                              : _("not signed (--keyring asks for a trusted signature)"),
                     m[0] ? ": " : "", m);
            goto out;
        }
        for (size_t i = 0; i < rep.n; i++)
            if (rep.sigs[i].status == SMZ_SIGSTATUS_GOOD)
                snprintf(signer, SMZ_KEYID_SIZE, "%s", rep.sigs[i].keyid);
    }
    rc = 0;
out:
    free(digest);
    free(uuid);
    smz_verify_report_free(&rep);
    smz_reader_close(own);
    return rc;
}

/* ---- One archive ------------------------------------------------------------ */

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Adds the first N bytes of the file FD to H.  0, or -1 with errno set. */
static int hash_prefix(int fd, uint64_t n, crypto_generichash_state *h)
{
    enum { BUF = 1 << 16 };
    unsigned char buf[BUF];
    if (lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    while (n) {
        ssize_t r = read(fd, buf, n < BUF ? (size_t)n : BUF);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return -1;
        }
        crypto_generichash_update(h, buf, (size_t)r);
        n -= (uint64_t)r;
    }
    return 0;
}

/* ---- Hashing on a thread of its own ---------------------------------------- */

/* The BLAKE2b of a part's bytes computed by a thread that reads them back
 * (from the page cache) as they are written, so that the transfer's thread
 * only receives and writes: over loopback, hashing 36 MB inline cost
 * smz pull about a third of curl's time.  Used when no check runs while the
 * bytes arrive (which has the second core).  When the server sends the
 * whole file instead of the rest (RESTARTED), the hash starts again from
 * the file's first byte. */
typedef struct hasher {
    int fd;
    size_t len;
    crypto_generichash_state st; /* the thread's alone while it runs */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t pos, have;    /* bytes hashed; bytes written */
    unsigned gen;          /* restarts from the first byte */
    int stop, failed, err; /* ERR: the errno of a failed read */
} hasher;

static void *hasher_run(void *arg)
{
    enum { BUF = 1 << 20 };
    hasher *h = arg;
    unsigned char *buf = malloc(BUF);
    unsigned gen = 0;
    pthread_mutex_lock(&h->mu);
    h->failed = !buf;
    if (!buf)
        h->err = ENOMEM;
    while (!h->failed) {
        while (h->pos >= h->have && !h->stop && gen == h->gen)
            pthread_cond_wait(&h->cv, &h->mu);
        if (gen != h->gen) { /* restarted: from the first byte */
            gen = h->gen;
            h->pos = 0;
            crypto_generichash_init(&h->st, NULL, 0, h->len);
            continue;
        }
        if (h->pos >= h->have)
            break; /* stopped, all hashed */
        uint64_t at = h->pos, n = h->have - h->pos;
        pthread_mutex_unlock(&h->mu);
        ssize_t r = pread(h->fd, buf, n < BUF ? (size_t)n : BUF, (off_t)at);
        int e = r < 0 ? errno : EIO;
        if (r > 0)
            crypto_generichash_update(&h->st, buf, (size_t)r);
        pthread_mutex_lock(&h->mu);
        if (r < 0 && e == EINTR)
            continue;
        if (r <= 0 && gen == h->gen) {
            h->failed = 1;
            h->err = e;
        } else if (gen == h->gen)
            h->pos += (uint64_t)r;
    }
    pthread_mutex_unlock(&h->mu);
    free(buf);
    return NULL;
}

/* Starts H on FD (its state holding the first HAVE bytes): 0, or -1. */
static int hasher_start(hasher *h, int fd, size_t len, uint64_t have)
{
    h->fd = fd;
    h->len = len;
    h->pos = h->have = have;
    h->gen = 0;
    h->stop = h->failed = h->err = 0;
    if (pthread_mutex_init(&h->mu, NULL) != 0)
        return -1;
    if (pthread_cond_init(&h->cv, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        return -1;
    }
    if (pthread_create(&h->th, NULL, hasher_run, h) != 0) {
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        return -1;
    }
    return 0;
}

/* The part holds HAVE bytes now; RESTART: written again from the first. */
static void hasher_tell(hasher *h, uint64_t have, int restart)
{
    pthread_mutex_lock(&h->mu);
    if (restart)
        h->gen++;
    h->have = have;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* Waits for H to hash what was written and stops it: 0 with OUT set (H's
 * LEN bytes), or -1 when the part could not be read back. */
static int hasher_end(hasher *h, unsigned char *out)
{
    pthread_mutex_lock(&h->mu);
    h->stop = 1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    if (h->failed || h->pos != h->have)
        return -1;
    if (out)
        crypto_generichash_final(&h->st, out, h->len);
    return 0;
}

/* The callbacks of a transfer hashed by a thread: the part's identity
 * told of each answer's head (PI, or NULL), the hasher of what is written. */
typedef struct hashed {
    struct part_id *pi;
    hasher *h;
} hashed;

static void part_id_head(void *ctx, const http_fetch *f);

static void hashed_head(void *ctx, const http_fetch *f)
{
    hashed *x = ctx;
    if (x->pi)
        part_id_head(x->pi, f);
    hasher_tell(x->h, f->offset, f->restarted);
}

static void hashed_written(void *ctx, uint64_t have)
{
    hasher_tell(((hashed *)ctx)->h, have, 0);
}

/* What transfer() did. */
typedef enum xfer {
    XFER_DONE,    /* PART holds the SIZE bytes, synced */
    XFER_REFUSED, /* the source sent something else (WHY says what); PART removed */
    XFER_FAILED   /* cut, or not written (said, counted in p->errors); PART kept when cut */
} xfer;

/* What a kept part is of, in PART.id beside it: ID, the line that names
 * the file as the catalog does (its size and digests), then, once a server
 * answered for it, "validator VALUE": the answer's strong ETag or
 * Last-Modified, which the next run sends as If-Range.  A source that
 * replaced the file since the transfer was cut must not have its new
 * file's rest appended to the old one's start (it would be refused at the
 * end, the whole transfer wasted): a changed catalog entry says so before
 * any request, a changed validator in the server's answer (200, the whole
 * file, instead of 206) when the catalog gives no digest to tell. */
typedef struct part_id {
    char *path;                         /* PART.id */
    const char *id;                     /* the line, NUL-terminated, ending in '\n' */
    char validator[HTTP_VALIDATOR_MAX]; /* as kept; "" when none */
} part_id;

#define VALIDATOR_KEY "validator "

/* Writes PI's file: its line, and VALIDATOR when not "" (kept in PI). */
static void part_id_write(part_id *pi, const char *validator)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s%s%s%s", pi->id, validator[0] ? VALIDATOR_KEY : "", validator,
                     validator[0] ? "\n" : "");
    if (n > 0 && (size_t)n < sizeof buf)
        smz_file_write(pi->path, buf, (size_t)n, 0, NULL, 0);
    snprintf(pi->validator, sizeof pi->validator, "%s", validator);
}

/* Whether the part PART (PI set up for it) was of the file ID names:
 * 1 when it may be resumed, PI's validator set from its file (checked: it
 * goes into a request's header); else 0, and PART.id written anew. */
static int part_is_of(const char *part, const char *id, part_id *pi)
{
    size_t n = strlen(part) + 4, il = strlen(id);
    char old[1024];
    int same = 0;
    pi->id = id;
    pi->validator[0] = 0;
    if (!(pi->path = malloc(n)))
        return 0;
    snprintf(pi->path, n, "%s.id", part);
    int fd = open(pi->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        ssize_t r = read(fd, old, sizeof old);
        same = r >= (ssize_t)il && !memcmp(old, id, il);
        close(fd);
        /* After the line: "validator VALUE\n", or nothing. */
        const char *rest = old + il, *v = rest + strlen(VALIDATOR_KEY);
        size_t rl = same ? (size_t)r - il : 0, vl = 0;
        if (rl > strlen(VALIDATOR_KEY) && !memcmp(rest, VALIDATOR_KEY, strlen(VALIDATOR_KEY)) &&
            rest[rl - 1] == '\n') {
            size_t want = (size_t)(rest + rl - 1 - v);
            while (vl < want && v[vl] >= 0x20 && v[vl] <= 0x7e)
                vl++;
            if (vl == want && vl < sizeof pi->validator) {
                memcpy(pi->validator, v, vl);
                pi->validator[vl] = 0;
            }
        }
    }
    if (!same)
        part_id_write(pi, "");
    return same;
}

/* http_fetch.head: the answer's validator kept for the next run. */
static void part_id_head(void *ctx, const http_fetch *f)
{
    part_id *pi = ctx;
    if (strcmp(pi->validator, f->validator))
        part_id_write(pi, f->validator);
}

/* http_fetch.head when the archive is checked as it arrives: the part's
 * identity as part_id_head keeps it, then the check starts on the
 * bytes the part holds (none when the server sent the whole file). */
static void early_head(void *ctx, const http_fetch *f)
{
    early *ek = ctx;
    if (ek->pi)
        part_id_head(ek->pi, f);
    if (ek->running)
        return;
    smz_arrival_written(ek->a, f->offset);
    ek->running = pthread_create(&ek->th, NULL, early_run, ek) == 0;
}

/* http_fetch.written: the check's reads of these bytes go on. */
static void early_written(void *ctx, uint64_t have)
{
    smz_arrival_written(((early *)ctx)->a, have);
}

/* The largest tail fetched first (held in memory until the archive is
 * verified). */
#define TAIL_MAX ((uint64_t)64 << 20)

/* Fetches the bytes of URL from TAIL to SIZE into memory (a range request
 * that only a 206 answers): a malloc'd buffer, or NULL when they cannot be
 * had (the transfer then goes in order, as from a server without ranges). */
static unsigned char *fetch_tail(pull *p, const char *url, uint64_t tail, uint64_t size)
{
    http_fetch g;
    memset(&g, 0, sizeof g);
    unsigned char *buf = malloc((size_t)(size - tail));
    if (!buf)
        return NULL;
    g.url = url;
    g.fd = -1;
    g.offset = tail;
    g.expected = size;
    g.end = size; /* a range with its end: bytes=TAIL-(SIZE-1) */
    g.rate = p->rate;
    g.mem = buf;
    if (http_download(&g) != HTTP_DONE) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Writes the N bytes at BUF at offset OFF of FD: 0, or -1 with errno set. */
static int write_at(int fd, const unsigned char *buf, size_t n, uint64_t off)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = pwrite(fd, buf + done, n - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

/* Removes PART's identity file (part_is_of) once PART is gone. */
static void part_forget(const char *part)
{
    size_t n = strlen(part) + 4;
    char *idp = malloc(n);
    if (!idp)
        return;
    snprintf(idp, n, "%s.id", part);
    if (access(part, F_OK) != 0)
        unlink(idp);
    free(idp);
}

/* Brings the SIZE bytes of URL (an URL source) or SRC (a folder's file)
 * into the file PART, resuming from what it holds (LABEL names them to the
 * user) when ID (the catalog's line for the file, see part_id; NULL: always)
 * says it is of this file.  With HASHLEN (32 or 64; 0: none), HASH gets
 * the BLAKE2b of PART's bytes of that length, computed as they arrive (on
 * a thread of its own, hasher, unless EK checks them as they arrive).
 * *FD gets PART open on XFER_DONE.
 * With EK and TAIL (> 0, the catalog's smz:tail) for a URL, the bytes from
 * TAIL on are fetched first into memory, then the rest into PART while
 * EK's thread checks it, then the tail written after it (a kept part
 * holds only the file's first bytes); EK->done on XFER_DONE when the
 * check ran.  A tail that cannot be had: in order, as without. */
static xfer transfer(pull *p, const char *label, const char *url, const char *src, const char *part,
                     uint64_t size, size_t hashlen, unsigned char *hash, int *fdp, char *why,
                     size_t whylen, const char *id, uint64_t tail_from, early *ek)
{
    const unsigned char *tail = NULL; /* EK's, when fetched first */
    char sz[SMZ_SIZE_TEXT], sz2[SMZ_SIZE_TEXT];
    int fd = -1, keep = 0;
    xfer rc = XFER_FAILED;
    http_fetch f;
    part_id pi = {NULL, NULL, ""};
    hasher hz;
    hashed hx = {NULL, &hz};
    int hz_on = 0;
    memset(&f, 0, sizeof f);
    *fdp = -1;
    fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(part), strerror(errno));
        p->errors++;
        goto out;
    }
    f.offset = (uint64_t)st.st_size;
    if (id && !part_is_of(part, id, &pi))
        f.offset = size + 1; /* another file's start, or one of unknown origin */
    if (id && pi.path) {
        f.if_range = pi.validator;
        f.head = part_id_head;
        f.head_ctx = &pi;
    }
    if (f.offset > size) {
        /* Not the start of this file: start over. */
        if (ftruncate(fd, 0) != 0) {
            fprintf(stderr, "smz pull: %s: %s\n", cli_t(part), strerror(errno));
            p->errors++;
            goto out;
        }
        f.offset = 0;
    }
    /* The BLAKE2b is computed as the bytes arrive; a part kept from an
     * earlier run is hashed first. */
    crypto_generichash_state hs;
    if (hashlen) {
        crypto_generichash_init(&hs, NULL, 0, hashlen);
        if (f.offset && hash_prefix(fd, f.offset, &hs) != 0) {
            fprintf(stderr, "smz pull: %s: %s\n", cli_t(part), strerror(errno));
            p->errors++;
            goto out;
        }
        f.hash = &hs;
        f.hash_len = hashlen;
    }
    if (f.offset && !p->quiet)
        printf(_("%s: resuming at %s\n"), cli_t(label), smz_size_text(f.offset, sz));
    p->extra = 0;
    if (ek && url && tail_from && f.offset < tail_from && size - tail_from <= TAIL_MAX &&
        (ek->tail = fetch_tail(p, url, tail_from, size))) {
        if (smz_arrival_new(size, tail_from, ek->tail, &ek->a) == SMZ_OK) {
            tail = ek->tail;
            f.end = tail_from;
            p->extra = size - tail_from;
        } else {
            free(ek->tail);
            ek->tail = NULL;
        }
    }
    /* Without a tail, the check reads the bytes in order as they come: an
     * archive whose clusters lie last (docs/FORMAT.md, "Layout") has its
     * entries and index checked while the clusters arrive. */
    if (ek && !ek->a && f.offset < size && smz_arrival_new(size, size, NULL, &ek->a) != SMZ_OK)
        ek->a = NULL;
    if (ek && ek->a && url) {
        ek->pi = f.head ? &pi : NULL;
        f.head = early_head;
        f.head_ctx = ek;
        f.written = early_written;
    } else if (ek && ek->a) {
        /* A folder's file: the check starts on what the part holds. */
        f.head_ctx = ek;
        f.written = early_written;
        smz_arrival_written(ek->a, f.offset);
        ek->running = pthread_create(&ek->th, NULL, early_run, ek) == 0;
    }
    /* No check as the bytes arrive: the hash on the second core instead. */
    if (f.hash && !(ek && ek->a)) {
        hz.st = hs;
        if (hasher_start(&hz, fd, hashlen, f.offset) == 0) {
            hz_on = 1;
            f.hash = NULL;
            hx.pi = f.head ? &pi : NULL;
            f.head = hashed_head;
            f.head_ctx = &hx;
            f.written = hashed_written;
        }
    }
    f.fd = fd;
    f.expected = size;
    f.rate = p->rate;
    f.progress = progress;
    f.ctx = p;
    p->cur = label;
    p->from = f.offset;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last.tv_sec = 0;
    http_result res;
    if (f.offset == size) {
        res = HTTP_DONE; /* the last run had it all but did not finish */
    } else if (url) {
        f.url = url;
        res = http_download(&f);
    } else {
        res = copy_file(p, src, &f);
    }
    progress_end(p);
    if (f.restarted && !p->quiet)
        printf(_("%s: the source sent the whole file, not the rest: fetched again from the start\n"),
               cli_t(label));
    switch (res) {
    case HTTP_DONE: break;
    case HTTP_CUT:
        keep = 1;
        fprintf(stderr, _("smz pull: %s: the transfer stopped at %s of %s: %s (run again to resume)\n"),
                cli_t(label), smz_size_text(f.have, sz), smz_size_text(size, sz2), cli_t(f.err));
        p->errors++;
        goto out;
    case HTTP_REFUSED:
        snprintf(why, whylen, "%s", f.err);
        rc = XFER_REFUSED;
        goto out;
    case HTTP_WRITE:
        fprintf(stderr, _("smz pull: %s: cannot write %s: %s%s; nothing replaced\n"), cli_t(label),
                cli_t(part), strerror(f.write_errno),
                f.write_errno == ENOSPC || f.write_errno == EDQUOT ? _(" (the disk is full)") : "");
        p->errors++;
        goto out;
    case HTTP_NOCLIENT:
        fprintf(stderr, "smz pull: %s\n", cli_t(f.err));
        p->errors++;
        goto out;
    }
    if (tail) {
        /* The rest is in: the tail after it, and in the BLAKE2b in order. */
        if (write_at(fd, tail, (size_t)(size - tail_from), tail_from) != 0) {
            fprintf(stderr, _("smz pull: %s: cannot write %s: %s%s; nothing replaced\n"), cli_t(label),
                    cli_t(part), strerror(errno),
                    errno == ENOSPC || errno == EDQUOT ? _(" (the disk is full)") : "");
            p->errors++;
            goto out;
        }
        if (f.hash)
            crypto_generichash_update(&hs, tail, (size_t)(size - tail_from));
        smz_arrival_written(ek->a, size);
    }
    if (fsync(fd) != 0) {
        fprintf(stderr, _("smz pull: %s: cannot write %s: %s%s; nothing replaced\n"), cli_t(label),
                cli_t(part), strerror(errno), errno == ENOSPC ? _(" (the disk is full)") : "");
        p->errors++;
        goto out;
    }
    if (hz_on) {
        hz_on = 0;
        if (hasher_end(&hz, hash) != 0) {
            fprintf(stderr, "smz pull: %s: ", cli_t(label));
            fprintf(stderr, _("cannot read %s: %s"), cli_t(part), strerror(hz.err));
            fputc('\n', stderr);
            p->errors++;
            goto out;
        }
    } else if (f.hash) {
        crypto_generichash_final(&hs, hash, hashlen);
    }
    *fdp = fd;
    fd = -1;
    keep = 1;
    rc = XFER_DONE;
out:
    if (hz_on)
        hasher_end(&hz, NULL);
    early_end(ek, rc == XFER_DONE);
    if (fd >= 0)
        close(fd);
    if (!keep)
        unlink(part);
    /* A part kept after a cut holds the file's first bytes only: the
     * tail was not written to it (the next run fetches it again). */
    free(pi.path);
    return rc;
}

/* ---- A trusted signature over the bytes ------------------------------------ */

/* An archive's detached signature (NAME.smz.minisig beside it: minisign's
 * signature of the file's bytes, docs/FORMAT.md, "Signatures"), read
 * before the archive when --keyring is given.  When a trusted key made it
 * and its comment names the content the catalog lists, the bytes are
 * hashed as minisign does while they arrive (BLAKE2b-512) and the
 * signature checked against that hash: bytes a trusted key signed are
 * those its smz-pack wrote, so they are not checked whole again (unless
 * --full-check).  A signature that does not hold for them: checked whole,
 * as an archive without one. */
typedef struct signed_bytes {
    smz_sign_ctx *cx;
    smz_sig *sig;
    const smz_pubkey *pk; /* borrowed from the keyring */
    char *text;           /* the .minisig as the source has it */
    size_t len;
} signed_bytes;

static void signed_bytes_free(signed_bytes *sb)
{
    smz_sig_free(sb->sig);
    smz_sign_ctx_free(sb->cx);
    free(sb->text);
    memset(sb, 0, sizeof *sb);
}

/* Appends the file PATH (a file of its own, not a link, at most CAP
 * bytes) to B: 0, or -1. */
static int read_small(const char *path, size_t cap, smz_strbuf *b)
{
    struct stat st;
    char buf[4096];
    int fd = smz_file_open(path, SMZ_FILE_NOFOLLOW, &st, NULL), rc = -1;
    if (fd < 0)
        return -1;
    if ((uint64_t)st.st_size <= cap) {
        for (;;) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || smz_strbuf_len(b) + (size_t)n > cap) {
                rc = n == 0 ? 0 : -1;
                break;
            }
            if (smz_strbuf_add(b, buf, (size_t)n) != SMZ_OK)
                break;
        }
    }
    close(fd);
    return rc;
}

/* E's detached signature as the source offers it (advertised by its
 * catalog, or NAME.smz.minisig beside it in a folder): 0 with *TEXT
 * (malloc'd, NUL-terminated) and *LEN when one of at most 64 KiB is there,
 * parses as a minisign signature and names E's content digest (when the
 * catalog gives one); else -1. */
static int sig_text(const pull *p, const cat_entry *e, char **text, size_t *len)
{
    smz_strbuf b;
    char err[600], *path = NULL, named[65];
    long status = 0;
    smz_sig *sig = NULL;
    int rc = -1;
    *text = NULL;
    smz_strbuf_init(&b, SMZ_SIG_FILE_MAX);
    if (!e->sig_detached || (p->url && !e->sig_href))
        goto out;
    if (p->url ? http_get(e->sig_href, SMZ_SIG_FILE_MAX, &b, &status, err, sizeof err) != 0
               : !(path = join(p->source, e->file, ".minisig")) ||
                     read_small(path, SMZ_SIG_FILE_MAX, &b) != 0)
        goto out;
    if (smz_sig_parse(NULL, smz_strbuf_str(&b), smz_strbuf_len(&b), &sig) != SMZ_OK ||
        !smz_sig_comment_digest(smz_sig_comment_text(sig), named) ||
        (e->digest && strcmp(named, e->digest)) || smz_strbuf_detach(&b, text, len) != SMZ_OK)
        goto out;
    rc = 0;
out:
    smz_sig_free(sig);
    smz_strbuf_free(&b);
    free(path);
    return rc;
}

/* Reads E's detached signature into SB, once for the archive: SB->TEXT
 * when the source offers one (sig_text), kept beside the archive after
 * (keep_sig).  1 when it may spare the check; 0 when it cannot (no
 * keyring, --full-check, none offered, a legacy one, by a key that is not
 * trusted: the whole check then decides, as for an archive without one). */
static int signed_bytes_get(pull *p, const cat_entry *e, signed_bytes *sb)
{
    if (sig_text(p, e, &sb->text, &sb->len) != 0 || !p->kr || p->full ||
        smz_sign_ctx_new(&sb->cx) != SMZ_OK)
        return 0;
    smz_sign_ctx_set_lang(sb->cx, i18n_cli());
    if (smz_sig_parse(sb->cx, sb->text, sb->len, &sb->sig) == SMZ_OK && !smz_sig_is_legacy(sb->sig) &&
        smz_keyring_find(sb->cx, p->kr, sb->sig, &sb->pk) == SMZ_OK)
        return 1;
    smz_sig_free(sb->sig);
    sb->sig = NULL;
    return 0;
}

/* FINAL.minisig, malloc'd. */
static char *sig_path(const char *final)
{
    size_t n = strlen(final) + 9;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s.minisig", final);
    return path;
}

/* After an archive is renamed over FINAL: its detached signature beside
 * it, FINAL.minisig, written anew (atomically) from TEXT (LEN bytes: the
 * source's, read by signed_bytes_get) unless it is NULL (none offered, or
 * one that does not hold for the bytes); the old archive's went before the
 * rename (remove_sig).  So a mirror of a mirror is checked by the
 * signature too.  0, or -1 (said, counted). */
static int keep_sig(pull *p, const char *final, const char *text, size_t len)
{
    char *path = sig_path(final), err[1024];
    int rc = 0;
    if (text && (!path || smz_file_write(path, text, len, 0, err, sizeof err) != SMZ_OK)) {
        fprintf(stderr, "smz pull: %s\n", path ? cli_t(err) : _("out of memory"));
        p->errors++;
        rc = -1;
    }
    free(path);
    return rc;
}

/* DIR's copy of E, up to date but without the detached signature the
 * source offers: with --keyring, the signature written beside it when a
 * trusted key made it and it holds for DIR's bytes (the same content may
 * lie in other bytes: another layout).  0 when added, else -1. */
static int add_sig(pull *p, const cat_entry *e)
{
    char *final = join(p->dir, e->file, ""), *text = NULL;
    size_t len = 0;
    smz_sign_ctx *cx = NULL;
    smz_sig *sig = NULL;
    const smz_pubkey *pk;
    int rc = -1;
    if (!p->kr || !final || sig_text(p, e, &text, &len) != 0 || smz_sign_ctx_new(&cx) != SMZ_OK ||
        smz_sig_parse(cx, text, len, &sig) != SMZ_OK ||
        smz_keyring_find(cx, p->kr, sig, &pk) != SMZ_OK ||
        smz_sig_verify_file(cx, sig, pk, final, 0) != SMZ_OK)
        goto out;
    rc = keep_sig(p, final, text, len);
    if (rc == 0)
        sync_dir(p->dir);
out:
    smz_sig_free(sig);
    smz_sign_ctx_free(cx);
    free(text);
    free(final);
    return rc;
}

/* Removes FINAL.minisig, the signature of the archive about to be
 * replaced (it signs other bytes). */
static void remove_sig(const char *final)
{
    char *path = sig_path(final);
    if (path)
        unlink(path);
    free(path);
}

/* Whether SB holds for PART (open as FD) whose BLAKE2b-512 is HASH, and
 * the archive is the one E lists: 0 with SIGNER set, or -1 with WHY. */
static int signed_bytes_hold(signed_bytes *sb, const cat_entry *e, const char *part, int fd,
                             const unsigned char hash[SMZ_SIGN_HASH_BYTES], char *why, size_t whylen,
                             char signer[SMZ_KEYID_SIZE])
{
    smz_reader *r = NULL;
    char *digest = NULL, *uuid = NULL, named[65];
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != e->size) {
        snprintf(why, whylen, _("%llu bytes, the catalog says %llu"), (unsigned long long)st.st_size,
                 (unsigned long long)e->size);
        goto out;
    }
    if (smz_sig_verify_hash(sb->cx, sb->sig, sb->pk, hash, 0) != SMZ_OK) {
        snprintf(why, whylen, "%s", smz_sign_ctx_errmsg(sb->cx));
        goto out;
    }
    /* The bytes are the signer's; that they are the archive the catalog
     * lists, and that the comment names its stored digest, is read from
     * them. */
    smz_err orc = smz_reader_open_lang(part, NULL, i18n_cli(), &r);
    if (orc != SMZ_OK) {
        const char *m = r ? smz_reader_errmsg(r) : "";
        snprintf(why, whylen, _("not a sound archive: %s"), m[0] ? m : smz_strerror(orc));
        goto out;
    }
    if (!smz_sig_comment_digest(smz_sig_trusted_comment(sb->sig), named) ||
        smz_reader_meta(r, "Digest", &digest, NULL) != SMZ_OK || strcmp(digest, named)) {
        snprintf(why, whylen, "%s", _("its trusted comment does not name the archive's content digest"));
        goto out;
    }
    if ((e->digest && strcmp(e->digest, digest)) ||
        (!e->digest && e->uuid &&
         (smz_reader_meta(r, "UUID", &uuid, NULL) != SMZ_OK || strcmp(e->uuid, uuid)))) {
        snprintf(why, whylen, _("it is another archive than the catalog lists (digest %.16s...)"),
                 digest);
        goto out;
    }
    smz_sig_keyid(sb->sig, signer);
    rc = 0;
out:
    free(digest);
    free(uuid);
    smz_reader_close(r);
    return rc;
}

/* DIR/.FILE.SUFFIX, malloc'd. */
static char *hidden(const pull *p, const char *file, const char *suffix)
{
    size_t n = strlen(p->dir) + strlen(file) + strlen(suffix) + 4;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/.%s%s", p->dir, file, suffix);
    return s;
}

/* Fetches E into DIR (WHAT: "new" or "newer"), checks it, renames it into
 * place. */
static void fetch(pull *p, const cat_entry *e, const char *what)
{
    char *final = join(p->dir, e->file, ""), *part = hidden(p, e->file, ".part"), *src = NULL;
    char why[1024], signer[SMZ_KEYID_SIZE], sz[SMZ_SIZE_TEXT], hex[65] = "";
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    int fd = -1, keep = 0, by_sig = 0;
    early ek;
    signed_bytes sb = {NULL, NULL, NULL, NULL, 0};
    memset(&ek, 0, sizeof ek);
    ek.part = part;
    if (!final || !part || (!p->url && !(src = join(p->source, e->file, "")))) {
        fprintf(stderr, _("smz %s: out of memory\n"), "pull");
        p->errors++;
        goto out;
    }
    char id[300];
    snprintf(id, sizeof id, "smz-part-1 size:%llu digest:%s blake2b:%s\n", (unsigned long long)e->size,
             e->digest ? e->digest : "-", e->blake2b ? e->blake2b : "-");
    /* With a trusted signature over the bytes, they are hashed as they
     * arrive for it, and not checked as they arrive. */
    int sig = signed_bytes_get(p, e, &sb);
    xfer x = transfer(p, e->file, p->url ? e->href : NULL, src, part, e->size,
                      sig          ? SMZ_SIGN_HASH_BYTES
                      : e->blake2b ? 32
                                   : 0,
                      hash, &fd, why, sizeof why, id, p->url ? e->tail : 0, sig ? NULL : &ek);
    if (x == XFER_FAILED) {
        keep = 1; /* transfer() removed it unless it is to be resumed */
        goto out;
    }
    if (x == XFER_REFUSED) {
        fprintf(stderr, _("smz pull: %s: refused: %s; nothing replaced\n"), cli_t(e->file), cli_t(why));
        p->refused++;
        goto out;
    }
    int vrc = -1;
    if (sig) {
        if (signed_bytes_hold(&sb, e, part, fd, hash, why, sizeof why, signer) == 0) {
            by_sig = 1;
            vrc = 0;
        } else {
            if (!p->quiet)
                printf(_("%s: its detached signature does not hold (%s): checked whole\n"),
                       cli_t(e->file), cli_t(why));
            if (e->blake2b && cat_file_blake2b(fd, hex) != 0) {
                fprintf(stderr, "smz pull: %s: %s\n", cli_t(part), strerror(errno));
                p->errors++;
                goto out;
            }
        }
    } else if (e->blake2b) {
        sodium_bin2hex(hex, sizeof hex, hash, 32);
    }
    if (!by_sig)
        vrc = verify(p, e, part, fd, hex, why, sizeof why, signer, &ek);
    early_free(&ek);
    if (vrc != 0) {
        fprintf(stderr, _("smz pull: %s: refused: %s; nothing replaced\n"), cli_t(e->file), cli_t(why));
        p->refused++;
        goto out;
    }
    remove_sig(final);
    if (rename(part, final) != 0) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(final), strerror(errno));
        p->errors++;
        goto out;
    }
    keep = 1; /* it is the archive now */
    keep_sig(p, final, sig && !by_sig ? NULL : sb.text, sb.len);
    sync_dir(p->dir);
    if (!p->quiet) {
        printf(_("%s: fetched (%s, %s), verified"), cli_t(e->file), _(what), smz_size_text(e->size, sz));
        if (by_sig)
            printf(_(": its bytes are those trusted key %s signed"), cli_t(signer));
        else if (signer[0])
            printf(_(", signed by trusted key %s"), cli_t(signer));
        printf("\n");
    }
out:
    early_free(&ek);
    signed_bytes_free(&sb);
    if (fd >= 0)
        close(fd);
    if (!keep && part)
        unlink(part);
    if (part)
        part_forget(part);
    free(final);
    free(part);
    free(src);
}

/* ---- Updates ----------------------------------------------------------------- */

#define MAX_HOPS 16

/* The shortest chain of E's updates from the content digest FROM to E's
 * (breadth first): their indexes into E->upd in HOP, their count returned;
 * 0 when there is none. */
static size_t plan_updates(const cat_entry *e, const char *from, size_t hop[MAX_HOPS])
{
    if (!e->digest || !from || !e->n_upd)
        return 0;
    size_t n = e->n_upd, found = 0;
    size_t *prev = malloc(n * sizeof *prev), *queue = malloc(n * sizeof *queue);
    unsigned char *seen = calloc(n, 1);
    size_t *depth = malloc(n * sizeof *depth);
    size_t head = 0, tail = 0, end = (size_t)-1;
    if (!prev || !queue || !seen || !depth)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e->upd[i].from, from)) {
            seen[i] = 1;
            prev[i] = (size_t)-1;
            depth[i] = 1;
            queue[tail++] = i;
        }
    while (head < tail && end == (size_t)-1) {
        size_t i = queue[head++];
        if (!strcmp(e->upd[i].to, e->digest)) {
            end = i;
            break;
        }
        if (depth[i] >= MAX_HOPS)
            continue;
        for (size_t j = 0; j < n; j++)
            if (!seen[j] && !strcmp(e->upd[j].from, e->upd[i].to)) {
                seen[j] = 1;
                prev[j] = i;
                depth[j] = depth[i] + 1;
                queue[tail++] = j;
            }
    }
    if (end != (size_t)-1) {
        found = depth[end];
        for (size_t i = end, k = found; k > 0; i = prev[i])
            hop[--k] = i;
    }
out:
    free(prev);
    free(queue);
    free(seen);
    free(depth);
    return found;
}

static uint64_t plan_size(const cat_entry *e, const size_t *hop, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += e->upd[hop[i]].size;
    return t;
}

/* Fetches U's signature (at most 64 KiB) into the file SIG: 0, or -1 with
 * WHY set. */
static int fetch_sig(const cat_update *u, const char *sig, char *why, size_t whylen)
{
    smz_strbuf b;
    char err[600];
    long status = 0;
    int rc = -1;
    smz_strbuf_init(&b, 1u << 16);
    if (http_get(u->sig_href, 1u << 16, &b, &status, err, sizeof err) != 0) {
        snprintf(why, whylen, _("its signature cannot be fetched: %s"), err);
        goto out;
    }
    if (smz_file_write(sig, smz_strbuf_str(&b), smz_strbuf_len(&b), 0, err, sizeof err) != SMZ_OK) {
        snprintf(why, whylen, "%s", err);
        goto out;
    }
    rc = 0;
out:
    smz_strbuf_free(&b);
    return rc;
}

/* Brings E up to date from the local archive L through the updates HOP
 * (N of them): each fetched into DIR/.UPDATE.part (resumed as archives
 * are), checked (its header's digests, with --keyring its signature),
 * patched into DIR/.FILE.patch (then .patch2 for the next hop, and so on
 * in turn), the result checked as a fetched archive is, then renamed over
 * DIR/FILE.  1 when done; 0 when an update could not be used (said; the
 * whole archive is to be fetched instead); -1 for an error that stops
 * this archive (a cut transfer: the next run resumes; said, counted). */
static int apply_updates(pull *p, const cat_entry *e, const cat_entry *l, const size_t *hop, size_t n)
{
    char *final = join(p->dir, e->file, ""), *cur = NULL, *out[2] = {NULL, NULL};
    char *part = NULL, *sig = NULL, *src = NULL;
    char why[1200], err[1024], signer[SMZ_KEYID_SIZE], hex[65], keyid[SMZ_KEYID_SIZE];
    int fd = -1, rc = 0, keep_part = 0, by_sig = 0;
    signed_bytes sb = {NULL, NULL, NULL, NULL, 0};
    uint64_t total = plan_size(e, hop, n);
    why[0] = 0;
    if (!final || !(cur = join(p->dir, l->file, "")) || !(out[0] = hidden(p, e->file, ".patch")) ||
        !(out[1] = hidden(p, e->file, ".patch2"))) {
        snprintf(why, sizeof why, "%s", _("out of memory"));
        goto out;
    }
    const char *base = cur;
    for (size_t k = 0; k < n; k++) {
        const cat_update *u = &e->upd[hop[k]];
        free(part);
        free(sig);
        free(src);
        sig = src = NULL;
        if (!(part = hidden(p, u->file, ".part")) ||
            (!p->url && !(src = join(p->source, u->file, "")))) {
            snprintf(why, sizeof why, "%s", _("out of memory"));
            goto out;
        }
        if (p->kr && !u->sig_inside && !u->sig_detached) { /* not worth fetching */
            snprintf(why, sizeof why, _("%s is not signed (--keyring asks for a trusted signature)"),
                     u->file);
            goto out;
        }
        char id[300];
        snprintf(id, sizeof id, "smz-part-1 size:%llu from:%s to:%s\n", (unsigned long long)u->size,
                 u->from, u->to);
        xfer x = transfer(p, u->file, p->url ? u->href : NULL, src, part, u->size, 0, NULL, &fd, err,
                          sizeof err, id, 0, NULL);
        if (x == XFER_FAILED) {
            rc = -1;
            keep_part = 1;
            goto out;
        }
        if (x == XFER_REFUSED) {
            snprintf(why, sizeof why, "%s: %s", u->file, err);
            goto out;
        }
        close(fd);
        fd = -1;
        smz_delta_info info;
        if (smz_delta_info_read(part, &info, i18n_cli(), err, sizeof err) != SMZ_OK) {
            snprintf(why, sizeof why, "%s: %s", u->file, err);
            goto out;
        }
        if (info.size != u->size || strcmp(info.old_digest, u->from) || strcmp(info.new_digest, u->to)) {
            snprintf(why, sizeof why,
                     _("%s is not the update the catalog names (it leads from %.16s... to %.16s...)"),
                     u->file, info.old_digest, info.new_digest);
            goto out;
        }
        if (p->kr) {
            /* The signature inside when the update has one (nothing more
             * to fetch), else the detached one: a folder's read where it
             * is, a web source's fetched. */
            const char *with = SMZ_DELTA_SIG_INSIDE;
            if (!u->sig_inside) {
                if (!(sig = p->url ? hidden(p, u->file, ".minisig.part")
                                   : join(p->source, u->file, ".minisig"))) {
                    snprintf(why, sizeof why, "%s", _("out of memory"));
                    goto out;
                }
                if (p->url && fetch_sig(u, sig, err, sizeof err) != 0) {
                    snprintf(why, sizeof why, "%s: %s", u->file, err);
                    goto out;
                }
                with = sig;
            }
            smz_err vrc = smz_delta_verify(part, with, p->kr, keyid, i18n_cli(), err, sizeof err);
            if (p->url && sig)
                unlink(sig);
            if (vrc != SMZ_OK) {
                snprintf(why, sizeof why, "%s: %s", u->file,
                         vrc == SMZ_E_SIGNATURE ? err : smz_strerror(vrc));
                goto out;
            }
        }
        const char *to = out[k % 2];
        if (smz_delta_patch(base, part, to, i18n_cli(), err, sizeof err) != SMZ_OK) {
            snprintf(why, sizeof why, "%s: %s", u->file, err);
            goto out;
        }
        unlink(part); /* used */
        part_forget(part);
        base = to;
    }
    /* BASE is E now, if the updates were what they said: checked as a
     * fetched archive is (by its signature when a trusted key signed E's
     * bytes, else whole). */
    fd = open(base, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, sizeof why, "%s: %s", base, strerror(errno));
        goto out;
    }
    int got = signed_bytes_get(p, e, &sb);
    if (got) {
        unsigned char hash[SMZ_SIGN_HASH_BYTES];
        by_sig = smz_sign_hash_file(sb.cx, base, hash) == SMZ_OK &&
                 signed_bytes_hold(&sb, e, base, fd, hash, err, sizeof err, signer) == 0;
    }
    if (!by_sig && e->blake2b && cat_file_blake2b(fd, hex) != 0) {
        snprintf(why, sizeof why, "%s: %s", base, strerror(errno));
        goto out;
    }
    if (!by_sig && verify(p, e, base, fd, hex, err, sizeof err, signer, NULL) != 0) {
        snprintf(why, sizeof why, _("the archive it gives %s"), err);
        goto out;
    }
    remove_sig(final);
    if (rename(base, final) != 0) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(final), strerror(errno));
        p->errors++;
        rc = -1;
        goto out;
    }
    keep_sig(p, final, got && !by_sig ? NULL : sb.text, sb.len);
    sync_dir(p->dir);
    rc = 1;
    if (!p->quiet) {
        /* TRANSLATORS: smz pull: NAME.smz, the bytes of the updates fetched, the
           archive's bytes. */
        printf(_("%s: updated (%llu bytes of updates instead of the archive's %llu), verified"),
               cli_t(e->file), (unsigned long long)total, (unsigned long long)e->size);
        if (by_sig)
            printf(_(": its bytes are those trusted key %s signed"), cli_t(signer));
        else if (signer[0])
            printf(_(", signed by trusted key %s"), cli_t(signer));
        printf("\n");
    }
out:
    signed_bytes_free(&sb);
    if (fd >= 0)
        close(fd);
    if (rc == 0) {
        /* TRANSLATORS: smz pull: NAME.smz, then why (in English). */
        fprintf(stderr, _("smz pull: %s: the update cannot be used (%s): fetching the whole archive\n"),
                cli_t(e->file), cli_t(why));
        if (part && !keep_part)
            unlink(part);
    }
    if (part)
        part_forget(part);
    if (out[0])
        unlink(out[0]);
    if (out[1])
        unlink(out[1]);
    free(final);
    free(cur);
    free(out[0]);
    free(out[1]);
    free(part);
    free(sig);
    free(src);
    return rc;
}

/* ---- The plan -------------------------------------------------------------- */

static const cat_entry *find(const cat_list *l, const char *file)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->e[i].file, file))
            return &l->e[i];
    return NULL;
}

/* Is the source's R the same archive as the local L?  1 same, 0 another,
 * -1 the catalog does not say. */
static int same(const cat_entry *r, const cat_entry *l)
{
    if (r->digest && l->digest)
        return !strcmp(r->digest, l->digest);
    if (r->uuid && l->uuid)
        return !strcmp(r->uuid, l->uuid);
    return -1;
}

static void run(pull *p, const cat_list *remote, const cat_list *local)
{
    char sz[SMZ_SIZE_TEXT];
    for (size_t i = 0; i < remote->n; i++) {
        const cat_entry *r = &remote->e[i];
        const cat_entry *l = find(local, r->file);
        const char *what = SMZ_N_("new");
        if (l) {
            int s = same(r, l);
            if (s == 1) {
                int added = !p->dry && r->sig_detached && !l->sig_detached && add_sig(p, r) == 0;
                if (!p->quiet)
                    printf(added ? _("%s: up to date; its detached signature added\n")
                                 : _("%s: up to date\n"),
                           cli_t(r->file));
                continue;
            }
            if (s < 0) {
                if (!p->quiet)
                    printf(_("%s: kept: the source's catalog gives no digest to compare\n"),
                           cli_t(r->file));
                continue;
            }
            if (!r->date || (l->date && strcmp(r->date, l->date) <= 0)) {
                if (!p->quiet)
                    printf(
                        _("%s: kept: the source's copy differs but is not newer (Date %s, here %s)\n"),
                        cli_t(r->file), r->date ? r->date : _("none"), l->date ? l->date : _("none"));
                continue;
            }
            what = SMZ_N_("newer");
        }
        size_t hop[MAX_HOPS], nh = l ? plan_updates(r, l->digest, hop) : 0;
        if (p->dry && nh) {
            /* TRANSLATORS: smz pull --dry-run: NAME.smz, the source's Date, DIR's
               Date (YYYY-MM-DD), the count of updates in the chain, their bytes, the
               archive's bytes. */
            printf(
                N_("%s: would update (Date %s, here %s): %zu update (%llu bytes) instead of the archive (%llu bytes)\n",
                   "%s: would update (Date %s, here %s): %zu updates (%llu bytes) instead of the archive (%llu bytes)\n",
                   nh),
                cli_t(r->file), r->date, l->date ? l->date : "-", nh,
                (unsigned long long)plan_size(r, hop, nh), (unsigned long long)r->size);
            continue;
        }
        if (p->dry) {
            printf(_("%s: would fetch (%s, %s"), cli_t(r->file), _(what), smz_size_text(r->size, sz));
            if (l)
                printf(_(", Date %s, here %s"), r->date, l->date ? l->date : _("none"));
            printf(")\n");
            continue;
        }
        if (nh) {
            int u = apply_updates(p, r, l, hop, nh);
            if (u != 0)
                continue;
        }
        fetch(p, r, what);
    }
    if (!p->del)
        return;
    for (size_t i = 0; i < local->n; i++) {
        const cat_entry *l = &local->e[i];
        if (find(remote, l->file))
            continue;
        if (p->dry) {
            printf(_("%s: would delete (not at the source)\n"), cli_t(l->file));
            continue;
        }
        char *path = join(p->dir, l->file, "");
        if (!path || unlink(path) != 0) {
            fprintf(stderr, _("smz pull: cannot delete %s: %s\n"), cli_t(path ? path : l->file),
                    strerror(path ? errno : ENOMEM));
            p->errors++;
        } else {
            remove_sig(path); /* its signature goes with it */
            if (!p->quiet)
                printf(_("%s: deleted (not at the source)\n"), cli_t(l->file));
        }
        free(path);
    }
}

int cmd_pull(int argc, char **argv)
{
    pull p;
    cat_list remote = {0}, local = {0};
    char err[1024];
    int status = CLI_ERROR;
    memset(&p, 0, sizeof p);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(_(usage_text), stdout);
            status = CLI_OK;
            goto out;
        } else if ((!strcmp(a, "--keyring") || !strcmp(a, "--key")) && i + 1 < argc) {
            if (cli_add_keys("pull", a, argv[++i], &p.kr) != 0)
                goto out;
        } else if (!strcmp(a, "--limit-rate") && i + 1 < argc) {
            if (smz_size_parse(argv[++i], &p.rate) != SMZ_OK) {
                fprintf(stderr, _("smz pull: --limit-rate: not a size: '%s'\n"), cli_t(argv[i]));
                goto out;
            }
        } else if (!strcmp(a, "--delete")) {
            p.del = 1;
        } else if (!strcmp(a, "--full-check")) {
            p.full = 1;
        } else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
            p.dry = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            p.quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, _("smz pull: unknown option or missing value '%s'\n"), cli_t(a));
            fputs(_(usage_text), stderr);
            goto out;
        } else if (!p.source) {
            p.source = a;
        } else if (!p.dir) {
            p.dir = a;
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "pull", cli_t(a));
            goto out;
        }
    }
    if (!p.dir) {
        fputs(_(usage_text), stderr);
        goto out;
    }
    p.url = http_is_url(p.source);
    p.tty = !p.quiet && isatty(2);
    struct stat sd, ss;
    /* DIR is made when missing (its parent is not). */
    if (stat(p.dir, &sd) != 0 && errno == ENOENT && !p.dry && mkdir(p.dir, 0755) != 0) {
        fprintf(stderr, "smz pull: %s: %s\n", cli_t(p.dir), strerror(errno));
        goto out;
    }
    if (stat(p.dir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
        if (!p.dry || errno != ENOENT) {
            fprintf(stderr, _("smz pull: %s: not a folder\n"), cli_t(p.dir));
            goto out;
        }
        memset(&sd, 0, sizeof sd); /* --dry-run into a folder not made yet */
    }
    if (!p.url) {
        if (stat(p.source, &ss) != 0 || !S_ISDIR(ss.st_mode)) {
            fprintf(stderr, _("smz pull: %s: not a folder or an http(s) URL\n"), cli_t(p.source));
            goto out;
        }
        if (ss.st_dev == sd.st_dev && ss.st_ino == sd.st_ino) {
            fprintf(stderr, "%s", _("smz pull: SOURCE and DIR are the same folder\n"));
            goto out;
        }
    } else if (!http_available()) {
        fprintf(stderr, "%s",
                _("smz pull: this smz is built without an HTTP client: pull from a folder\n"));
        goto out;
    }
    if (p.url ? remote_list(&p, &remote) != 0
              : cat_scan_dir(p.source, 0, &remote, skipped, &p, err, sizeof err) != 0) {
        if (!p.url)
            fprintf(stderr, "smz pull: %s\n", cli_t(err));
        goto out;
    }
    if (sd.st_ino && cat_scan_dir(p.dir, 0, &local, local_skip, &p, err, sizeof err) != 0) {
        fprintf(stderr, "smz pull: %s\n", cli_t(err));
        goto out;
    }
    run(&p, &remote, &local);
    status = p.errors ? CLI_ERROR : p.refused ? CLI_NO : CLI_OK;
out:
    cat_list_free(&remote);
    cat_list_free(&local);
    smz_keyring_free(p.kr);
    return status;
}
