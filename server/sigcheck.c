/* Signatures in the web reader: which archives are signed, by which key,
 * whether that key is one of the --trust keys, and whether the signature
 * holds.
 *
 * Checking a signature properly means recomputing the content digest, which
 * reads every cluster: far too slow for the first page view of a large
 * library.  So reg_load() only takes a quick look (the embedded signature
 * against the stored Digest, an Ed25519 check of microseconds), and one
 * background thread then reads the archives signed by a trusted key, one at
 * a time, and records the verdict; until then the library says "checking".
 * Stopping interrupts the archive being read (smz_reader_interrupt on its
 * own reader, which is what that function is for) instead of waiting for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "i18n/i18n.h"
#include "text/escape.h"
#include "sigcheck.h"

static void summarize(const smz_verify_report *rep, int *sig, char keyid[SMZ_KEYID_SIZE], char *msg,
                      size_t msglen)
{
    const smz_sigcheck *pick = NULL;
    int best = SIG_NONE;
    /* The worst finding wins: bad, then good, then checking, then untrusted. */
    static const int rank[] = {
        [SIG_NONE] = 0, [SIG_UNTRUSTED] = 1, [SIG_CHECKING] = 2, [SIG_GOOD] = 3, [SIG_BAD] = 4};
    for (size_t i = 0; i < rep->n; i++) {
        const smz_sigcheck *sc = &rep->sigs[i];
        int s = sc->status == SMZ_SIGSTATUS_GOOD        ? SIG_GOOD
                : sc->status == SMZ_SIGSTATUS_UNCHECKED ? SIG_CHECKING
                : sc->status == SMZ_SIGSTATUS_BAD       ? SIG_BAD
                                                        : SIG_UNTRUSTED;
        if (rank[s] > rank[best]) {
            best = s;
            pick = sc;
        }
    }
    *sig = best;
    snprintf(keyid, SMZ_KEYID_SIZE, "%s", pick ? pick->keyid : "");
    snprintf(msg, msglen, "%.250s", pick && best == SIG_BAD ? pick->message : "");
}

void sig_quick(registry *g, archive *a, smz_reader *r)
{
    smz_verify_report rep;
    smz_verify_opts o = {.trusted = g->trusted, .flags = SMZ_VERIFY_QUICK};
    if (smz_archive_verify(r, a->path, &o, &rep) == SMZ_OK) {
        summarize(&rep, &a->sig, a->sig_keyid, a->sig_msg, sizeof a->sig_msg);
    } else {
        a->sig = SIG_BAD;
        snprintf(a->sig_msg, sizeof a->sig_msg, "cannot be checked: %.200s", smz_reader_errmsg(r));
    }
    smz_verify_report_free(&rep);
}

void sig_get(registry *g, const archive *a, sig_view *v)
{
    pthread_mutex_lock(&g->lock);
    v->sig = a->sig;
    memcpy(v->keyid, a->sig_keyid, sizeof v->keyid);
    memcpy(v->msg, a->sig_msg, sizeof v->msg);
    pthread_mutex_unlock(&g->lock);
}

int sig_trust(srv *s, const char *const *files, size_t n, char *err, size_t errlen)
{
    smz_sign_ctx *cx = NULL;
    if (smz_sign_ctx_new(&cx) != SMZ_OK) {
        snprintf(err, errlen, "--trust: out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        smz_keyring *kr = NULL;
        /* The load's message starts with the file's name (smz/sign.h). */
        int named = 1;
        smz_err rc = smz_keyring_load(cx, files[i], &kr);
        if (rc == SMZ_OK && !s->reg.trusted)
            rc = smz_keyring_new(&s->reg.trusted);
        if (rc == SMZ_OK) {
            named = 0;
            rc = smz_keyring_merge(cx, s->reg.trusted, kr);
        }
        smz_keyring_free(kr);
        if (rc != SMZ_OK) {
            const char *msg = smz_sign_ctx_errmsg(cx);
            if (named)
                snprintf(err, errlen, "--trust %s", msg[0] ? msg : smz_strerror(rc));
            else
                snprintf(err, errlen, "--trust %s: %s", files[i], msg[0] ? msg : smz_strerror(rc));
            smz_sign_ctx_free(cx);
            return -1;
        }
    }
    smz_sign_ctx_free(cx);
    return 0;
}

/* Checks one archive's content; 0, or -1 when told to stop. */
static int check_one(srv *s, archive *a)
{
    registry *g = &s->reg;
    smz_reader *r = NULL;
    smz_verify_report rep;
    smz_verify_opts o = {.trusted = g->trusted};
    char err[512];
    int sig = SIG_BAD;
    char keyid[SMZ_KEYID_SIZE] = "", msg[256] = "";
    smz_err rc = smz_reader_open(a->path, NULL, &r);

    memset(&rep, 0, sizeof rep);
    if (rc != SMZ_OK) {
        snprintf(msg, sizeof msg, "cannot be checked: %.200s",
                 r ? smz_reader_errmsg(r) : smz_strerror(rc));
        smz_reader_close(r);
        goto store;
    }
    pthread_mutex_lock(&s->sig_mu);
    s->sig_cur = r;
    pthread_mutex_unlock(&s->sig_mu);
    rc = smz_archive_verify(r, a->path, &o, &rep);
    snprintf(err, sizeof err, "%s", smz_reader_errmsg(r));
    pthread_mutex_lock(&s->sig_mu);
    s->sig_cur = NULL;
    pthread_mutex_unlock(&s->sig_mu);
    smz_reader_close(r);
    if (atomic_load(&s->sig_stop)) {
        smz_verify_report_free(&rep);
        return -1;
    }
    if (rc == SMZ_OK)
        summarize(&rep, &sig, keyid, msg, sizeof msg);
    else
        snprintf(msg, sizeof msg, "cannot be checked: %.200s", err);
    smz_verify_report_free(&rep);
store:
    pthread_mutex_lock(&g->lock);
    a->sig = sig;
    if (keyid[0])
        memcpy(a->sig_keyid, keyid, sizeof a->sig_keyid);
    memcpy(a->sig_msg, msg, sizeof a->sig_msg);
    pthread_mutex_unlock(&g->lock);
    if (sig == SIG_BAD && g->warn) {
        char w[1024];
        snprintf(w, sizeof w, "%s: BAD SIGNATURE: %s", a->path, msg);
        g->warn(g->ctx, w);
    }
    return 0;
}

static void *run(void *p)
{
    srv *s = p;
    registry *g = &s->reg;
    reg_load(g);
    for (size_t i = 0; i < g->n && !atomic_load(&s->sig_stop); i++) {
        archive *a = &g->a[i];
        pthread_mutex_lock(&g->lock);
        int todo = a->state == 1 && a->sig == SIG_CHECKING;
        pthread_mutex_unlock(&g->lock);
        if (todo && check_one(s, a) != 0)
            break;
    }
    pthread_mutex_lock(&s->sig_mu);
    s->sig_done = 1;
    pthread_mutex_unlock(&s->sig_mu);
    return NULL;
}

int sig_start(srv *s, char *err, size_t errlen)
{
    pthread_mutex_init(&s->sig_mu, NULL);
    atomic_init(&s->sig_stop, 0);
    if (!s->reg.trusted)
        return 0;
    if (pthread_create(&s->sig_thread, NULL, run, s) != 0) {
        snprintf(err, errlen, "cannot start the signature check thread");
        return -1;
    }
    s->sig_started = 1;
    return 0;
}

void sig_stop(srv *s)
{
    if (s->sig_started) {
        atomic_store(&s->sig_stop, 1);
        for (;;) {
            pthread_mutex_lock(&s->sig_mu);
            int done = s->sig_done;
            /* Repeated: an interrupt that comes before check_one has set
             * sig_cur finds no reader yet. */
            if (s->sig_cur)
                smz_reader_interrupt(s->sig_cur);
            pthread_mutex_unlock(&s->sig_mu);
            if (done)
                break;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        pthread_join(s->sig_thread, NULL);
        s->sig_started = 0;
    }
    smz_keyring_free(s->reg.trusted);
    s->reg.trusted = NULL;
}

static const char *const names[] = {[SIG_NONE] = "none",
                                    [SIG_CHECKING] = "checking",
                                    [SIG_GOOD] = "good",
                                    [SIG_UNTRUSTED] = "untrusted",
                                    [SIG_BAD] = "bad"};

void sig_opds(smz_strbuf *b, registry *g, const archive *a)
{
    sig_view v;
    sig_get(g, a, &v);
    smz_strbuf_addf(b, "<smz:signature xmlns:smz=\"urn:samizdat:opds\" status=\"%s\"", names[v.sig]);
    if (v.keyid[0])
        smz_strbuf_addf(b, " key-id=\"%s\" trusted=\"%s\"", v.keyid,
                        v.sig == SIG_UNTRUSTED ? "no" : "yes");
    smz_strbuf_adds(b, "/>");
}

void sig_html(smz_strbuf *b, const req *q, registry *g, const archive *a)
{
    sig_view v;
    sig_get(g, a, &v);
    smz_strbuf_addf(b, "<p class=\"smz-sig smz-sig-%s\" data-signature=\"%s\"", names[v.sig],
                    names[v.sig]);
    if (v.keyid[0])
        smz_strbuf_addf(b, " data-key-id=\"%s\" data-trusted=\"%s\"", v.keyid,
                        v.sig == SIG_UNTRUSTED ? "no" : "yes");
    smz_strbuf_adds(b, ">");
    /* The key id is base64 ([A-Za-z0-9+/=], sig_get) and goes in
     * <code>, isolated left to right in a right-to-left page. */
    char key[SMZ_KEYID_SIZE + 48];
    snprintf(key, sizeof key, "<code dir=\"ltr\">%s</code>", v.keyid[0] ? v.keyid : "?");
    int l = q->lang;
    switch (v.sig) {
    case SIG_NONE: smz__html_add_clean(b, smz_tr(l, "Not signed")); break;
    case SIG_CHECKING:
        if (g->checks_content)
            smz__tr_fill(b, smz_tr(l, "Signed by trusted key %s · checking the content…"), 1, key);
        else
            smz__tr_fill(b,
                         smz_tr(l, "Signed by trusted key %1$s · the content is not checked here "
                                   "(%2$s checks it)"),
                         2, key, "<code>smz verify</code>");
        break;
    case SIG_GOOD:
        smz_strbuf_adds(b, "&#10003; ");
        smz__tr_fill(b, smz_tr(l, "Signed by trusted key %s · verified"), 1, key);
        break;
    case SIG_UNTRUSTED:
        smz__tr_fill(b, smz_tr(l, "Signed by key %s · not a trusted key, not checked"), 1, key);
        break;
    case SIG_BAD:
        smz_strbuf_adds(b, "&#10007; ");
        if (v.keyid[0])
            smz__tr_fill(b, smz_tr(l, "Bad signature (key %s):"), 1, key);
        else
            smz__html_add_clean(b, smz_tr(l, "Bad signature:"));
        smz_strbuf_adds(b, " <span dir=\"ltr\" lang=\"en\">");
        smz__html_add_clean(b, v.msg);
        smz_strbuf_adds(b, "</span>");
        break;
    }
    smz_strbuf_adds(b, "</p>");
}
