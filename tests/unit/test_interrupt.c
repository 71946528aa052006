/* The one way to cancel and the one way to report errors (smz/error.h).
 *
 * Cancel: smz_writer_interrupt called from another thread while a pack is
 * running stops it with SMZ_E_INTERRUPTED and leaves no file at all;
 * smz_reader_interrupt called from another thread stops a running check,
 * search or walk with SMZ_E_INTERRUPTED.  Errors: every handle a failing
 * call was given (the signing context, a metadata set, a writer, a reader)
 * says why in its _errmsg, and the code, not the text, tells the kind. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "smz/pack.h"
#include "smz/reader.h"
#include "smz/search.h"
#include "smz/sign.h"
#include "smz/verify.h"
#include "smz/writer.h"
#include "testutil.h"

#define N_FILES 300 /* in the folder a pack is interrupted in */
#define STOP_AT 20  /* entries added when the other thread interrupts */

static int spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Files in DIR (without "." and ".."), or -1. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    if (!d)
        return -1;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the writer ---- */

typedef struct stopper {
    smz_writer *w;
    atomic_int go, done;
} stopper;

/* The other thread: waits for the pack to be under way, interrupts it. */
static void *stop_writer(void *p)
{
    stopper *s = p;
    while (!atomic_load(&s->go))
        sleep_ms(1);
    smz_writer_interrupt(s->w);
    atomic_store(&s->done, 1);
    return NULL;
}

/* Runs in the packing thread after each entry: at STOP_AT entries it lets
 * the other thread interrupt and waits (at most 10 s) until it has, so
 * that the interrupt lands in the middle of smz_pack_dir every time. */
static void on_progress(void *ctx, const smz_progress *p)
{
    stopper *s = ctx;
    if (p->phase != SMZ_PHASE_READING || p->entries != STOP_AT)
        return;
    atomic_store(&s->go, 1);
    for (int i = 0; i < 10000 && !atomic_load(&s->done); i++)
        sleep_ms(1);
}

static void test_writer(void)
{
    char path[256];
    stopper s;
    pthread_t t;
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 2, .level = 1, .progress = on_progress, .progress_ctx = &s};
    int files_ok = mkdir("src", 0755) == 0 && mkdir("out", 0755) == 0;
    for (int i = 0; files_ok && i < N_FILES; i++) {
        char text[200];
        snprintf(path, sizeof path, "src/page%03d.txt", i);
        snprintf(text, sizeof text, "Page %d of the interrupted pack, words %d %d.\n", i, i * 7, i * 13);
        files_ok = spit(path, text) == 0;
    }
    CHECK(files_ok, "a source folder of %d files", N_FILES);

    atomic_init(&s.go, 0);
    atomic_init(&s.done, 0);
    CHECK(smz_writer_new("out/a.smz", &wo, &w) == SMZ_OK, "a writer for out/a.smz");
    s.w = w;
    smz_pack_opts po = {.articles = 0};
    pthread_create(&t, NULL, stop_writer, &s);
    smz_err rc = smz_pack_dir(w, "src", &po);
    atomic_store(&s.go, 1); /* let the thread end even if the pack did */
    pthread_join(t, NULL);
    CHECK(rc == SMZ_E_INTERRUPTED,
          "interrupted from another thread mid-pack: SMZ_E_INTERRUPTED (%s: %s)", smz_strerror(rc),
          smz_writer_errmsg(w));
    CHECK(smz_writer_errmsg(w)[0] != 0, "... with a message on the writer: %s", smz_writer_errmsg(w));
    CHECK(smz_writer_finish(w) == SMZ_E_INTERRUPTED, "... and finishing it afterwards is refused too");
    smz_writer_free(w);
    CHECK(access("out/a.smz", F_OK) != 0, "... no archive at the target path");
    CHECK(count_files("out") == 0, "... and nothing beside it (the temporary file is gone): %d files",
          count_files("out"));

    /* A scan (the progress bar's totals) stops on the same flag. */
    w = NULL;
    uint64_t nf = 0, nb = 0;
    CHECK(smz_writer_new("out/b.smz", &wo, &w) == SMZ_OK, "a second writer");
    smz_writer_interrupt(w);
    rc = smz_pack_scan(w, "src", &po, &nf, &nb);
    CHECK(rc == SMZ_E_INTERRUPTED, "smz_pack_scan on an interrupted writer: SMZ_E_INTERRUPTED (%s)",
          smz_strerror(rc));
    smz_writer_free(w);
    CHECK(count_files("out") == 0, "... and nothing is left in out/");
}

/* ---- the reader ---- */

/* An archive long to check and to search: many pages over several
 * clusters, each with the word "common". */
static int make_big(const char *path)
{
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 2, .level = 1, .cluster_size = 256 << 10};
    smz_err rc = smz_writer_new(path, &wo, &w);
    char *buf = malloc(40000);
    for (int i = 0; rc == SMZ_OK && buf && i < 1500; i++) {
        char p[64], title[64];
        size_t n = 0;
        snprintf(p, sizeof p, "p/%04d.html", i);
        snprintf(title, sizeof title, "Page %d", i);
        n += (size_t)snprintf(buf + n, 40000 - n, "<html><body><p>");
        for (int k = 0; k < 600 && n < 39000; k++)
            n += (size_t)snprintf(buf + n, 40000 - n, "common word%d w%d ", (i * 31 + k) % 977,
                                  k * i % 1013);
        rc = testutil_add_page(w, p, title, buf, n, buf, n);
    }
    rc = testutil_finish(w, rc, "p/0000.html", "Big");
    if (rc != SMZ_OK)
        printf("# make_big: %s\n", smz_writer_errmsg(w));
    smz_writer_free(w);
    free(buf);
    return rc == SMZ_OK ? 0 : -1;
}

typedef struct job {
    smz_reader *r;
    int what; /* 0: check, 1: search */
    smz_err rc;
    atomic_int started;
} job;

static void *run_job(void *p)
{
    job *j = p;
    uint64_t n = 0;
    smz_results *res = NULL;
    atomic_store(&j->started, 1);
    if (j->what == 0)
        j->rc = smz_reader_check(j->r, NULL, NULL, &n);
    else
        j->rc = smz_search(j->r, "common", 100, 0, &res);
    smz_results_free(res);
    return NULL;
}

/* Starts WHAT on a new reader of PATH in a thread, interrupts it from this
 * one as soon as it has started, and gives the call's result. */
static smz_err interrupted_run(const char *path, int what, char *msg, size_t msglen)
{
    job j = {.what = what, .rc = SMZ_OK};
    pthread_t t;
    atomic_init(&j.started, 0);
    if (smz_reader_open(path, NULL, &j.r) != SMZ_OK) {
        smz_reader_close(j.r);
        return SMZ_E_IO;
    }
    pthread_create(&t, NULL, run_job, &j);
    while (!atomic_load(&j.started))
        sleep_ms(1);
    smz_reader_interrupt(j.r);
    pthread_join(t, NULL);
    snprintf(msg, msglen, "%s", smz_reader_errmsg(j.r));
    smz_reader_close(j.r);
    return j.rc;
}

static void *interrupt_reader(void *r)
{
    smz_reader_interrupt(r);
    return NULL;
}

static void test_reader(void)
{
    char msg[1024];
    smz_reader *r = NULL;
    uint64_t n = 0;
    CHECK(make_big("big.smz") == 0, "a big archive to interrupt");

    /* Uninterrupted, both run to their end (so what follows is the
     * interrupt's doing). */
    smz_results *res = NULL;
    CHECK(smz_reader_open("big.smz", NULL, &r) == SMZ_OK &&
              smz_reader_check(r, NULL, NULL, &n) == SMZ_OK && n == 0,
          "left alone, smz check runs to its end and finds nothing (%s)", smz_reader_errmsg(r));
    CHECK(smz_search(r, "common", 100, 0, &res) == SMZ_OK && res && res->n > 0,
          "left alone, the search finds pages (%s)", smz_reader_errmsg(r));
    smz_results_free(res);
    smz_reader_close(r);

    smz_err rc = interrupted_run("big.smz", 0, msg, sizeof msg);
    CHECK(rc == SMZ_E_INTERRUPTED,
          "smz_reader_check interrupted from another thread: SMZ_E_INTERRUPTED (%s: %s)",
          smz_strerror(rc), msg);
    rc = interrupted_run("big.smz", 1, msg, sizeof msg);
    CHECK(rc == SMZ_E_INTERRUPTED,
          "smz_search interrupted from another thread: SMZ_E_INTERRUPTED (%s: %s)", smz_strerror(rc),
          msg);

    /* A walk: the next step after the interrupt fails, and the flag stays. */
    smz_iter *it = NULL;
    const smz_entry *e = NULL;
    r = NULL;
    CHECK(smz_reader_open("big.smz", NULL, &r) == SMZ_OK && smz_reader_iter(r, NULL, &it) == SMZ_OK &&
              smz_iter_next(it, &e) == SMZ_OK && e,
          "a walk over the entries starts");
    pthread_t t;
    pthread_create(&t, NULL, interrupt_reader, r);
    pthread_join(t, NULL);
    CHECK(smz_iter_next(it, &e) == SMZ_E_INTERRUPTED,
          "... its next step after an interrupt is SMZ_E_INTERRUPTED");
    smz_iter_free(it);
    unsigned char d[SMZ_DIGEST_BYTES];
    CHECK(smz_reader_digest(r, d) == SMZ_E_INTERRUPTED, "... and so is a digest started afterwards (%s)",
          smz_reader_errmsg(r));
    smz_verify_report rep;
    smz_verify_opts vo = {.flags = SMZ_VERIFY_NO_DETACHED};
    rc = smz_archive_verify(r, "big.smz", &vo, &rep);
    smz_verify_report_free(&rep);
    CHECK(rc == SMZ_OK || rc == SMZ_E_INTERRUPTED, "a verify on it fails only as interrupted (%s)",
          smz_strerror(rc));
    smz_reader_close(r);
    smz_reader_interrupt(NULL); /* does nothing */
    smz_writer_interrupt(NULL);
}

/* ---- messages on every handle ---- */

static void test_messages(void)
{
    smz_sign_ctx *cx = NULL;
    smz_pubkey *pk = NULL;
    smz_seckey *sk = NULL;
    smz_sig *sig = NULL;
    smz_keyring *kr = NULL;
    smz_err rc;
    CHECK(smz_sign_ctx_new(&cx) == SMZ_OK, "a signing context");
    CHECK(smz_sign_ctx_errmsg(NULL)[0] != 0, "a NULL context still has a message");
    spit("bad.pub", "untrusted comment: x\nnot base64 at all\n");
    spit("bad.minisig", "untrusted comment: x\nAAAA\n");
    spit("bad.keys", "# trusted\n!!!\n");
    spit("bad.sec", "untrusted comment: x\n");

    rc = smz_pubkey_load(cx, "bad.pub", &pk);
    CHECK(rc == SMZ_E_INVALID && pk == NULL && !strncmp(smz_sign_ctx_errmsg(cx), "bad.pub: ", 9),
          "a bad key file: SMZ_E_INVALID, the message names it: %s", smz_sign_ctx_errmsg(cx));
    rc = smz_pubkey_load(cx, "no-such.pub", &pk);
    CHECK(rc == SMZ_E_NOTFOUND && !strncmp(smz_sign_ctx_errmsg(cx), "no-such.pub: ", 13),
          "a missing key file: SMZ_E_NOTFOUND: %s", smz_sign_ctx_errmsg(cx));
    rc = smz_seckey_load(cx, "bad.sec", NULL, &sk);
    CHECK(rc == SMZ_E_INVALID && sk == NULL && !strncmp(smz_sign_ctx_errmsg(cx), "bad.sec: ", 9),
          "a bad secret key file: %s", smz_sign_ctx_errmsg(cx));
    int enc = 0;
    rc = smz_seckey_file_encrypted(cx, "bad.sec", &enc);
    CHECK(rc == SMZ_E_INVALID && !strncmp(smz_sign_ctx_errmsg(cx), "bad.sec: ", 9),
          "... also when only asked whether it is encrypted: %s", smz_sign_ctx_errmsg(cx));
    rc = smz_sig_load(cx, "bad.minisig", &sig);
    CHECK(rc == SMZ_E_INVALID && sig == NULL && smz_sign_ctx_errmsg(cx)[0],
          "a bad signature file: SMZ_E_INVALID: %s", smz_sign_ctx_errmsg(cx));
    rc = smz_keyring_load(cx, "bad.keys", &kr);
    CHECK(rc == SMZ_E_INVALID && kr == NULL && !strncmp(smz_sign_ctx_errmsg(cx), "bad.keys: ", 10),
          "a bad trusted-keys file: %s", smz_sign_ctx_errmsg(cx));
    char *text = NULL;
    rc = smz_archive_sign_file(cx, "no-such.smz", NULL, &text, NULL);
    CHECK(rc != SMZ_OK && text == NULL && smz_sign_ctx_errmsg(cx)[0],
          "signing what is not an archive: %s", smz_sign_ctx_errmsg(cx));
    CHECK(smz_seckey_generate(cx, &sk) == SMZ_OK && smz_sign_ctx_errmsg(cx)[0] == 0,
          "a success leaves \"\" in the context");
    CHECK(smz_pubkey_load(NULL, "bad.pub", &pk) == SMZ_E_INVALID, "a NULL context: only the code");
    smz_seckey_free(sk);
    smz_sign_ctx_free(cx);

    /* The metadata set says why its file was refused. */
    smz_pack_meta *m = NULL;
    spit("bad.json", "{\"Title\": 12}");
    CHECK(smz_pack_meta_new(&m) == SMZ_OK && smz_pack_meta_read(m, "bad.json", NULL) != SMZ_OK &&
              strstr(smz_pack_meta_errmsg(m), "bad.json"),
          "a bad metadata file: the message is on the set: %s", smz_pack_meta_errmsg(m));
    smz_pack_meta_free(m);

    /* The pack functions report on the writer. */
    smz_writer *w = NULL;
    smz_writer_opts wo = {.threads = 1, .level = 1};
    CHECK(smz_writer_new("out/c.smz", &wo, &w) == SMZ_OK, "a writer");
    rc = smz_pack_redirects(w, "no-such.tsv");
    CHECK(rc == SMZ_E_IO && strstr(smz_writer_errmsg(w), "no-such.tsv"),
          "a missing redirects file: the message is on the writer: %s", smz_writer_errmsg(w));
    smz_pack_opts po = {.articles = 0};
    rc = smz_pack_dir(w, "no-such-folder", &po);
    CHECK(rc == SMZ_E_NOTFOUND && strstr(smz_writer_errmsg(w), "no-such-folder"), "a missing folder: %s",
          smz_writer_errmsg(w));
    rc = smz_pack_archive(w, "bad.json", &po);
    CHECK(rc != SMZ_OK && smz_writer_errmsg(w)[0], "a file that is no archive: %s",
          smz_writer_errmsg(w));
    smz_writer_free(w);

    /* verify.h reports on the reader. */
    smz_reader *r = NULL;
    char id[SMZ_KEYID_SIZE];
    CHECK(smz_reader_open("big.smz", NULL, &r) == SMZ_OK, "a reader");
    CHECK(smz_archive_signer(r, id) == SMZ_E_NOTFOUND && smz_reader_errmsg(r)[0],
          "an unsigned archive has no signer: %s", smz_reader_errmsg(r));
    smz_reader_close(r);
}

int main(void)
{
    char dir[] = "/tmp/smz-test-interrupt.XXXXXX";
    if (!getenv("T")) { /* run by hand: work in a scratch directory */
        if (!mkdtemp(dir) || chdir(dir) != 0)
            return 2;
        printf("# scratch directory %s\n", dir);
    }
    test_writer();
    test_reader();
    test_messages();
    return CHECK_DONE();
}
