/* Archive signatures (smz/verify.h): the embedded signature the writer
 * stores, the detached .minisig smz-pack writes beside the archive, and the
 * check of both.
 *
 * What is signed (docs/FORMAT.md, "Signatures"): the embedded signature
 * covers the 78-byte statement "smz-digest-1 <hex digest>\n", so it survives
 * anything that keeps the content (the digest ignores SQLite's layout); the
 * detached one covers the file's bytes, for stock minisign.  Both carry the
 * same trusted comment, naming the content digest, a digest of the metadata
 * alone, the Date and the Name.  When a signature fails, the comment (if its
 * global signature still holds, it is authentic) tells what changed: the
 * entries (same metadata digest), the metadata (the stored Digest is still
 * the signed one), or neither: a signature made for another archive. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include <sqlite3.h>
#include "smz/i18n.h"
#include "smz/verify.h"
#include "smz/split.h"
#include "format.h"
#include "reader_priv.h"
#include "sign/archive_priv.h"
#include "sign/sign_priv.h"
#include "text/utf8.h"
#include "util/file.h"
#include "error.h"

#define HEX_LEN (SMZ_DIGEST_BYTES * 2)
#define NAME_MAX_BYTES 512 /* of the Name in a trusted comment */
#define DATE_MAX_BYTES 64
#define LEGACY_MSG                                                                                      \
    SMZ_N_("legacy non-prehashed signature (\"Ed\", minisign -l) not accepted: archives must be "       \
           "signed prehashed (\"ED\", minisign's default)")

/* The message in language LANG (smz/i18n.h) into ERR, and RC. */
static smz_err afail(int lang, char *err, size_t errlen, smz_err rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static smz_err afail(int lang, char *err, size_t errlen, smz_err rc, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        smz__vformat_lang(err, errlen, lang, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static void setmsg(int lang, smz_sigcheck *sc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void setmsg(int lang, smz_sigcheck *sc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    smz__vformat_lang(sc->message, sizeof sc->message, lang, fmt, ap);
    va_end(ap);
}

/* 1 when S is exactly 64 lowercase hex digits. */
static int hex_ok(const char *s)
{
    size_t i;
    for (i = 0; i < HEX_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[HEX_LEN] == '\0';
}

/* ---- what an archive says about itself ---- */

typedef struct info {
    char stored[HEX_LEN + 1]; /* the Digest metadata when well-formed, else "" */
    char meta[HEX_LEN + 1];   /* the metadata digest, "" when not computable */
    char *name, *date;        /* "" when absent */
} info;

static void info_free(info *in)
{
    free(in->name);
    free(in->date);
    in->name = in->date = NULL;
}

/* BLAKE2b-256 over "smz-meta-1" then, for each metadata row the content
 * digest covers (key order, Digest, UUID and Signature* left out), the
 * 8-byte big-endian length and bytes of key and value: the metadata part of
 * the content digest, alone. */
static void put_str(crypto_generichash_state *h, const void *p, size_t n)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    crypto_generichash_update(h, b, 8);
    if (n)
        crypto_generichash_update(h, p, n);
}

static smz_err meta_digest(smz_reader *r, char hex[HEX_LEN + 1], char *err, size_t errlen)
{
    int lang = smz__reader_lang(r);
    crypto_generichash_state h;
    unsigned char d[SMZ_DIGEST_BYTES];
    sqlite3_stmt *s = NULL;
    sqlite3 *db = smz__reader_db(r);
    char *tmp = NULL;
    int src;

    hex[0] = '\0';
    /* A reader call first: it resets the reader's step budget, which also
     * bounds this query on a hostile file. */
    if (smz_reader_meta(r, "Name", &tmp, NULL) == SMZ_E_NOMEM)
        return afail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
    free(tmp);
    src = sqlite3_prepare_v2(db,
                             "SELECT key, value FROM metadata WHERE key NOT IN ('Digest', 'UUID') "
                             "AND key NOT GLOB 'Signature*' ORDER BY key",
                             -1, &s, NULL);
    if (src != SQLITE_OK)
        return afail(lang, err, errlen, SMZ_E_CORRUPT, "reading metadata: %s", sqlite3_errmsg(db));
    crypto_generichash_init(&h, NULL, 0, sizeof d);
    crypto_generichash_update(&h, (const unsigned char *)"smz-meta-1", 10);
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const void *k = sqlite3_column_blob(s, 0), *v;
        size_t kn = (size_t)sqlite3_column_bytes(s, 0), vn;
        unsigned char *own = NULL;
        /* the illustration stored once is signed as the PNG it stands for */
        smz_err rc = smz__reader_meta_value(r, k ? k : "", kn, sqlite3_column_blob(s, 1),
                                            (size_t)sqlite3_column_bytes(s, 1), &v, &vn, &own);
        /* a value SQLite ran out of memory fetching reads as empty */
        if (rc == SMZ_OK && sqlite3_errcode(db) == SQLITE_NOMEM)
            rc = SMZ_E_NOMEM;
        if (rc != SMZ_OK) {
            sqlite3_finalize(s);
            return rc == SMZ_E_NOMEM ? afail(lang, err, errlen, rc, "out of memory")
                                     : afail(lang, err, errlen, rc, "%s", smz_reader_errmsg(r));
        }
        put_str(&h, k, kn);
        put_str(&h, v, vn);
        free(own);
    }
    sqlite3_finalize(s);
    if (src != SQLITE_DONE)
        return afail(lang, err, errlen, SMZ_E_CORRUPT, "reading metadata: %s", sqlite3_errmsg(db));
    crypto_generichash_final(&h, d, sizeof d);
    sodium_bin2hex(hex, HEX_LEN + 1, d, sizeof d);
    return SMZ_OK;
}

/* A metadata value for a comment line: at most MAX bytes, cut at a
 * character boundary; control characters and invalid UTF-8 become '?'. */
static char *comment_field(smz_reader *r, const char *key, size_t max)
{
    char *v = NULL, *out;
    size_t n = 0, o = 0, i = 0;
    smz_err rc = smz_reader_meta(r, key, &v, &n);
    if (rc != SMZ_OK)
        return rc == SMZ_E_NOMEM ? NULL : strdup("");
    out = malloc(max + 1);
    while (out && i < n) {
        uint32_t cp;
        size_t k = smz__utf8_next((const unsigned char *)v + i, n - i, &cp);
        if (o + k > max)
            break;
        if (cp == SMZ_UTF8_INVALID || cp < 0x20 || cp == 0x7f) {
            out[o++] = '?';
            i += 1;
            continue;
        }
        memcpy(out + o, v + i, k);
        o += k;
        i += k;
    }
    if (out)
        out[o] = '\0';
    free(v);
    return out;
}

static smz_err load_info(smz_reader *r, info *in, char *err, size_t errlen)
{
    int lang = smz__reader_lang(r);
    char *d = NULL;
    size_t n = 0;
    smz_err rc;

    memset(in, 0, sizeof *in);
    rc = smz_reader_meta(r, SMZ_META_DIGEST, &d, &n);
    if (rc == SMZ_E_NOMEM)
        return afail(lang, err, errlen, rc, "out of memory");
    if (rc == SMZ_OK && n == HEX_LEN && hex_ok(d))
        memcpy(in->stored, d, HEX_LEN + 1);
    free(d);
    if (!(in->name = comment_field(r, "Name", NAME_MAX_BYTES)) ||
        !(in->date = comment_field(r, "Date", DATE_MAX_BYTES))) {
        info_free(in);
        return afail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
    }
    rc = meta_digest(r, in->meta, err, errlen);
    if (rc == SMZ_E_NOMEM) {
        info_free(in);
        return rc;
    }
    return SMZ_OK; /* an unreadable metadata table only leaves meta "" */
}

/* ---- the statement and the trusted comment ---- */

static void statement_hash(const char hex[HEX_LEN + 1], unsigned char hash[SMZ_SIGN_HASH_BYTES])
{
    char st[sizeof SMZ_DIGEST_STATEMENT_PREFIX + HEX_LEN + 1];
    int n = snprintf(st, sizeof st, SMZ_DIGEST_STATEMENT_PREFIX "%s\n", hex);
    crypto_generichash(hash, SMZ_SIGN_HASH_BYTES, (const unsigned char *)st, (size_t)n, NULL, 0);
}

/* "smz-archive-1 digest:D meta:M date:DATE name:NAME", malloc'd. */
static char *make_comment(const char *digest, const info *in)
{
    size_t cap = 200 + strlen(in->date) + strlen(in->name);
    char *c = malloc(cap);
    if (c)
        snprintf(c, cap, SMZ_SIG_COMMENT_PREFIX "digest:%s meta:%s date:%s name:%s", digest, in->meta,
                 in->date, in->name);
    return c;
}

/* Takes "LABEL" and HEX_LEN hex digits from *C into OUT: 1 with *C past
 * them, 0 when *C does not start so. */
static int take_hex(const char **c, const char *label, char out[HEX_LEN + 1])
{
    size_t n = strlen(label);
    const char *p = *c;
    if (strncmp(p, label, n))
        return 0;
    p += n;
    if (strlen(p) < HEX_LEN)
        return 0;
    memcpy(out, p, HEX_LEN);
    out[HEX_LEN] = '\0';
    if (!hex_ok(out))
        return 0;
    *c = p + HEX_LEN;
    return 1;
}

/* Reads one of our comments: 1 with the digests (and REST pointing at
 * "date:..."), 0 for any other comment. */
static int parse_comment(const char *c, char digest[HEX_LEN + 1], char meta[HEX_LEN + 1],
                         const char **rest)
{
    if (!c || !take_hex(&c, SMZ_SIG_COMMENT_PREFIX "digest:", digest) || !take_hex(&c, " meta:", meta) ||
        (*c && *c != ' '))
        return 0;
    *rest = *c ? c + 1 : c;
    return 1;
}

int smz_sig_comment_digest(const char *comment, char hex[HEX_LEN + 1])
{
    char meta[HEX_LEN + 1];
    const char *rest;
    return parse_comment(comment, hex, meta, &rest);
}

/* ---- signing ---- */

/* The comment and statement hash for the archive at PATH, from its stored
 * Digest (written by the writer, or checked by the caller). */
static smz_err prepare(const char *path, char **comment, unsigned char hash[SMZ_SIGN_HASH_BYTES],
                       int lang, char *err, size_t errlen)
{
    smz_reader *r = NULL;
    info in;
    smz_err rc = smz_reader_open_lang(path, NULL, lang, &r);

    *comment = NULL;
    memset(&in, 0, sizeof in);
    if (rc != SMZ_OK) {
        afail(lang, err, errlen, rc, "%s", r ? smz_reader_errmsg(r) : smz_strerror(rc));
        goto out;
    }
    if ((rc = load_info(r, &in, err, errlen)) != SMZ_OK)
        goto out;
    if (!in.stored[0]) {
        rc = afail(lang, err, errlen, SMZ_E_INVALID, "%s: no content digest (metadata Digest) to sign",
                   path);
        goto out;
    }
    if (!in.meta[0]) {
        rc = afail(lang, err, errlen, SMZ_E_CORRUPT, "%s: the metadata cannot be read", path);
        goto out;
    }
    if (!(*comment = make_comment(in.stored, &in))) {
        rc = afail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    statement_hash(in.stored, hash);
    rc = SMZ_OK;
out:
    info_free(&in);
    smz_reader_close(r);
    return rc;
}

smz_err smz__archive_embed_signature(const char *path, const smz_seckey *sk, int lang, char *err,
                                     size_t errlen)
{
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    char *comment = NULL, *sig = NULL;
    size_t len = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    smz_err rc;
    int src;

    if ((rc = prepare(path, &comment, hash, lang, err, errlen)) != SMZ_OK)
        goto out;
    smz_sign_ctx cx = {"", lang};
    if ((rc = smz_sign_hash(&cx, sk, hash, comment, NULL, &sig, &len)) != SMZ_OK) {
        afail(lang, err, errlen, rc, "%s", cx.msg);
        goto out;
    }
    src = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metadata(key,value) VALUES(?,?)", -1, &s,
                                 NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_text(s, 1, SMZ_META_SIGNATURE, -1, SQLITE_STATIC);
        sqlite3_bind_blob(s, 2, sig, (int)len, SQLITE_STATIC);
        src = sqlite3_step(s);
        if (src == SQLITE_DONE)
            src = SQLITE_OK;
    }
    if (src != SQLITE_OK) {
        rc = smz__sqlite_err(db, src, "storing the signature", err, errlen);
        goto out;
    }
    rc = SMZ_OK;
out:
    sqlite3_finalize(s);
    if (db)
        sqlite3_close(db);
    free(comment);
    free(sig);
    return rc;
}

smz_err smz_archive_sign_file(smz_sign_ctx *cx, const char *path, const smz_seckey *sk, char **sig,
                              size_t *len)
{
    char *err = smz__sign_msg(cx);
    size_t errlen = smz__sign_msglen(cx);
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    char *comment = NULL;
    smz_err rc;

    *sig = NULL;
    if (len)
        *len = 0;
    if (err && errlen)
        err[0] = '\0';
    if ((rc = prepare(path, &comment, hash, cx ? cx->lang : 0, err, errlen)) == SMZ_OK)
        rc = smz_sign_file(cx, sk, path, comment, NULL, sig, len);
    free(comment);
    return rc;
}

smz_err smz_archive_signer(smz_reader *r, char keyid[SMZ_KEYID_SIZE])
{
    char *text = NULL;
    size_t n = 0;
    smz_sig *sig = NULL;
    smz_sign_ctx cx = {"", smz__reader_lang(r)};
    smz_err rc = smz_reader_meta(r, SMZ_META_SIGNATURE, &text, &n);

    keyid[0] = '\0';
    if (rc != SMZ_OK)
        return rc; /* the reader's message says why */
    rc = smz_sig_parse(&cx, text, n, &sig);
    if (rc == SMZ_OK)
        smz_sig_keyid(sig, keyid);
    else
        smz__reader_fail(r, SMZ_E_INVALID, "%s", cx.msg);
    smz_sig_free(sig);
    free(text);
    return rc == SMZ_OK ? SMZ_OK : SMZ_E_INVALID;
}

/* ---- verifying ---- */

typedef struct vctx {
    smz_reader *r;
    const smz_verify_opts *o;
    smz_verify_report *rep;
    info in;
    int digest_tried;
    char computed[HEX_LEN + 1]; /* hex of rep->digest, "" until known */
} vctx;

/* The recomputed content digest, once ("" when it cannot be read). */
static const char *digest_of(vctx *c)
{
    if (c->digest_tried)
        return c->computed[0] ? c->computed : NULL;
    c->digest_tried = 1;
    if (c->o->digest) {
        memcpy(c->rep->digest, c->o->digest, SMZ_DIGEST_BYTES);
    } else if (smz_reader_digest(c->r, c->rep->digest) != SMZ_OK) {
        snprintf(c->rep->digest_error, sizeof c->rep->digest_error, "%s", smz_reader_errmsg(c->r));
        return NULL;
    }
    c->rep->have_digest = 1;
    sodium_bin2hex(c->computed, sizeof c->computed, c->rep->digest, SMZ_DIGEST_BYTES);
    return c->computed;
}

/* Looks the key up; NULL (and SC filled) when it is not trusted. */
static const smz_pubkey *trusted_key(vctx *c, const smz_sig *sig, smz_sigcheck *sc)
{
    int lang = smz__reader_lang(c->r);
    const smz_pubkey *pk = NULL;
    smz_sign_ctx cx = {"", lang};
    sc->status = SMZ_SIGSTATUS_UNTRUSTED;
    if (!c->o->trusted || smz_keyring_count(c->o->trusted) == 0) {
        setmsg(lang, sc, "signed by key %s; no trusted key was given, so it is not checked", sc->keyid);
        return NULL;
    }
    if (smz_keyring_find(&cx, c->o->trusted, sig, &pk) != SMZ_OK) {
        if (smz_keyring_count(c->o->trusted) == 1)
            setmsg(lang, sc, "signed by key %s, not by the trusted key: wrong key id", sc->keyid);
        else
            setmsg(lang, sc, "%s", cx.msg);
        return NULL;
    }
    sc->trusted = 1;
    return pk;
}

/* The trusted key to check SIG with, SC's key id set; NULL (and SC filled)
 * when the key is not trusted or the signature is of the legacy kind. */
static const smz_pubkey *usable_key(vctx *c, const smz_sig *sig, smz_sigcheck *sc)
{
    int lang = smz__reader_lang(c->r);
    smz_sig_keyid(sig, sc->keyid);
    const smz_pubkey *pk = trusted_key(c, sig, sc);
    if (!pk)
        return NULL;
    sc->status = SMZ_SIGSTATUS_BAD;
    if (smz_sig_is_legacy(sig)) {
        setmsg(lang, sc, LEGACY_MSG);
        return NULL;
    }
    return pk;
}

/* SC is BAD: says why, from what the failed verify call found.  CURRENT is
 * this archive's content digest as best known (NULL if unknown); SIGNED is
 * the digest an embedded signature was checked against (NULL: detached). */
static void explain(vctx *c, smz_sigcheck *sc, const smz_sig *sig, smz_err rc, const char *libmsg,
                    const char *current, const char *signed_digest)
{
    int lang = smz__reader_lang(c->r);
    unsigned ck = smz_sig_checked(sig);
    const char *text = smz_sig_comment_text(sig), *rest = "";
    char d[HEX_LEN + 1], m[HEX_LEN + 1];
    int ours = parse_comment(text, d, m, &rest);

    sc->status = SMZ_SIGSTATUS_BAD;
    if (rc != SMZ_E_SIGNATURE || ck == 0) {
        setmsg(lang, sc, "%s", libmsg);
        return;
    }
    if (ck == SMZ_SIG_DATA_OK) {
        /* The data is as signed, the comment or its signature is not: the
         * comment this archive should carry tells which. */
        const char *dg = signed_digest ? signed_digest : current ? current : c->in.stored;
        char *want = dg && dg[0] && c->in.meta[0] ? make_comment(dg, &c->in) : NULL;
        if (want && text && !strcmp(want, text))
            setmsg(lang, sc,
                   "the global signature was altered: the trusted comment is the one this "
                   "archive should carry, but the global signature does not match it");
        else if (ours)
            setmsg(lang, sc,
                   "the trusted comment was altered: it does not match its global signature "
                   "(the data itself verifies)");
        else
            setmsg(lang, sc, "%s", libmsg);
        free(want);
        return;
    }
    if (ck == SMZ_SIG_COMMENT_OK && ours) {
        /* The comment is authentic: it names the content that was signed. */
        if (!signed_digest && current && !strcmp(d, current))
            setmsg(lang, sc,
                   "the file was rewritten after it was signed, but its content is the "
                   "signed content (digest %.16s...): only its embedded signature or SQLite's "
                   "layout changed; sign it again",
                   current);
        else if (!current)
            setmsg(lang, sc,
                   "the archive was changed after it was signed, and its content cannot be "
                   "read: %s",
                   c->rep->digest_error[0] ? c->rep->digest_error : "no content digest");
        else if (c->in.meta[0] && !strcmp(m, c->in.meta))
            setmsg(lang, sc,
                   "the entries were changed after the archive was signed (metadata "
                   "unchanged): the content digest is now %.16s..., it was %.16s... when "
                   "signed",
                   current, d);
        else if (c->in.stored[0] && !strcmp(c->in.stored, d))
            setmsg(lang, sc,
                   "the metadata was changed after the archive was signed (its Digest "
                   "metadata is still the signed %.16s..., the content digest is now "
                   "%.16s...)",
                   d, current);
        else
            setmsg(lang, sc,
                   "this signature is for another archive (%s, content digest %.16s...), "
                   "not for this one (%.16s...)",
                   rest, d, current);
        return;
    }
    setmsg(lang, sc, "%s", libmsg);
}

/* A signature that verified: its comment must not name other content. */
static void accept(int lang, smz_sigcheck *sc, const smz_sig *sig, const char *current, int quick)
{
    const char *tc = smz_sig_trusted_comment(sig), *rest;
    char d[HEX_LEN + 1], m[HEX_LEN + 1];
    if (parse_comment(tc, d, m, &rest) && current && strcmp(d, current)) {
        sc->status = SMZ_SIGSTATUS_BAD;
        setmsg(lang, sc,
               "the signature verifies, but its trusted comment names content digest "
               "%.16s..., not this archive's %.16s...",
               d, current);
        return;
    }
    sc->status = quick ? SMZ_SIGSTATUS_UNCHECKED : SMZ_SIGSTATUS_GOOD;
    sc->comment = tc ? strdup(tc) : NULL;
    sc->message[0] = '\0';
}

static smz_err check_embedded(vctx *c, char *err, size_t errlen)
{
    int lang = smz__reader_lang(c->r);
    smz_verify_report *rep = c->rep;
    smz_sigcheck *sc = &rep->sigs[rep->n];
    int quick = (c->o->flags & SMZ_VERIFY_QUICK) != 0;
    char *text = NULL;
    smz_sign_ctx cx = {"", lang};
    const char *msg = cx.msg;
    size_t n = 0;
    smz_sig *sig = NULL;
    const smz_pubkey *pk;
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    const char *current;
    smz_err rc = smz_reader_meta(c->r, SMZ_META_SIGNATURE, &text, &n);

    if (rc == SMZ_E_NOTFOUND)
        return SMZ_OK;
    if (rc == SMZ_E_NOMEM)
        return afail(lang, err, errlen, rc, "out of memory");
    memset(sc, 0, sizeof *sc);
    rep->n++;
    sc->status = SMZ_SIGSTATUS_BAD;
    if (rc != SMZ_OK) {
        setmsg(lang, sc, "embedded signature unreadable: %s", smz_reader_errmsg(c->r));
        goto out;
    }
    if (smz_sig_parse(&cx, text, n, &sig) != SMZ_OK) {
        setmsg(lang, sc, "malformed embedded %s", msg);
        goto out;
    }
    if (!(pk = usable_key(c, sig, sc)))
        goto out;
    current = quick ? (c->in.stored[0] ? c->in.stored : NULL) : digest_of(c);
    if (!current) {
        setmsg(lang, sc,
               quick ? "the archive has no valid Digest metadata to check the signature against"
                     : "the archive's content cannot be read, so its signature cannot be "
                       "checked: %s",
               rep->digest_error);
        goto out;
    }
    statement_hash(current, hash);
    rc = smz_sig_verify_hash(&cx, sig, pk, hash, 0);
    if (rc == SMZ_OK)
        accept(lang, sc, sig, current, quick);
    else if (rc == SMZ_E_NOMEM)
        return afail(lang, err, errlen, rc, "out of memory");
    else
        explain(c, sc, sig, rc, msg, current, current);
out:
    smz_sig_free(sig);
    free(text);
    return SMZ_OK;
}

/* Feeds H the archive a split set (smz/split.h) holds: a detached
 * signature covers the whole archive, whichever way it is stored. */
static smz_err hash_set(const char *path, smz_reader *r, smz_hasher *h, unsigned char *buf, size_t cap,
                        char *msg, size_t msglen)
{
    int lang = smz__reader_lang(r);
    smz_split *s = NULL;
    smz_err rc = smz_split_open(path, &s);
    if (rc != SMZ_OK) {
        rc = afail(lang, msg, msglen, rc, "%s", smz_split_errmsg(s));
        goto out;
    }
    for (uint64_t off = 0; off < smz_split_size(s);) {
        if (smz__reader_interrupted(r)) {
            rc = afail(lang, msg, msglen, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        long long n = smz_split_read(s, buf, cap, off);
        if (n <= 0) {
            rc = afail(lang, msg, msglen, SMZ_E_IO, "%s", n < 0 ? smz_split_errmsg(s) : "a part shrank");
            goto out;
        }
        smz_hasher_update(h, buf, (size_t)n);
        off += (uint64_t)n;
    }
    rc = SMZ_OK;
out:
    smz_split_close(s);
    return rc;
}

/* BLAKE2b-512 of the file at PATH, as minisign prehashes; stops when R is
 * interrupted (smz_reader_interrupt), the one cancel flag of a verify. */
static smz_err hash_file(const char *path, smz_reader *r, unsigned char hash[SMZ_SIGN_HASH_BYTES],
                         char *msg, size_t msglen)
{
    int lang = smz__reader_lang(r);
    smz_hasher *h = NULL;
    unsigned char *buf = NULL;
    FILE *f = NULL;
    size_t n;
    smz_err rc = smz_hasher_new(&h);

    if (rc != SMZ_OK)
        return afail(lang, msg, msglen, rc, "out of memory");
    if (!(buf = malloc(1 << 16))) {
        rc = afail(lang, msg, msglen, SMZ_E_NOMEM, "out of memory");
        goto out;
    }
    if (smz_split_is_set(path)) {
        rc = hash_set(path, r, h, buf, 1 << 16, msg, msglen);
        if (rc == SMZ_OK)
            smz_hasher_final(h, hash);
        goto out;
    }
    const char *why;
    if (!(f = smz_file_fopen(path, 0, &why))) {
        rc = afail(lang, msg, msglen, SMZ_E_IO, "cannot read %s: %s", path, smz_tr(lang, why));
        goto out;
    }
    while ((n = fread(buf, 1, 1 << 16, f)) > 0) {
        if (smz__reader_interrupted(r)) {
            rc = afail(lang, msg, msglen, SMZ_E_INTERRUPTED, "interrupted");
            goto out;
        }
        smz_hasher_update(h, buf, n);
    }
    if (ferror(f)) {
        rc = afail(lang, msg, msglen, SMZ_E_IO, "cannot read %s", path);
        goto out;
    }
    smz_hasher_final(h, hash);
    rc = SMZ_OK;
out:
    if (f)
        fclose(f);
    free(buf);
    smz_hasher_free(h);
    return rc;
}

static smz_err check_detached(vctx *c, const char *path, char *err, size_t errlen)
{
    int lang = smz__reader_lang(c->r);
    smz_verify_report *rep = c->rep;
    smz_sigcheck *sc = &rep->sigs[rep->n];
    int quick = (c->o->flags & SMZ_VERIFY_QUICK) != 0;
    char *file = NULL, msg[1024];
    smz_sign_ctx cx = {"", lang};
    smz_sig *sig = NULL;
    const smz_pubkey *pk;
    unsigned char hash[SMZ_SIGN_HASH_BYTES];
    struct stat st;
    smz_err rc;

    if (c->o->detached) {
        file = strdup(c->o->detached);
    } else {
        size_t l = strlen(path) + sizeof ".minisig";
        if ((file = malloc(l)))
            snprintf(file, l, "%s.minisig", path);
    }
    if (!file)
        return afail(lang, err, errlen, SMZ_E_NOMEM, "out of memory");
    if (!c->o->detached && stat(file, &st) != 0 && errno == ENOENT) {
        free(file);
        return SMZ_OK;
    }
    memset(sc, 0, sizeof *sc);
    rep->n++;
    sc->detached = 1;
    sc->file = file;
    sc->status = SMZ_SIGSTATUS_BAD;
    rc = smz_sig_load(&cx, file, &sig);
    snprintf(msg, sizeof msg, "%s", cx.msg);
    if (rc == SMZ_E_NOMEM)
        return afail(lang, err, errlen, rc, "out of memory");
    if (rc == SMZ_E_NOTFOUND || rc == SMZ_E_IO || rc == SMZ_E_TOOBIG) {
        setmsg(lang, sc, "%s", msg);
        goto out;
    }
    if (rc != SMZ_OK) {
        setmsg(lang, sc, "malformed %s", msg);
        goto out;
    }
    if (!(pk = usable_key(c, sig, sc)))
        goto out;
    if (quick) {
        sc->status = SMZ_SIGSTATUS_UNCHECKED;
        goto out;
    }
    rc = hash_file(path, c->r, hash, msg, sizeof msg);
    if (rc == SMZ_E_NOMEM || rc == SMZ_E_INTERRUPTED) {
        smz_sig_free(sig);
        return afail(lang, err, errlen, rc, "%s", msg);
    }
    if (rc != SMZ_OK) {
        setmsg(lang, sc, "%s", msg);
        goto out;
    }
    rc = smz_sig_verify_hash(&cx, sig, pk, hash, 0);
    snprintf(msg, sizeof msg, "%s", cx.msg);
    if (rc == SMZ_OK)
        accept(lang, sc, sig, digest_of(c), 0);
    else if (rc == SMZ_E_NOMEM)
        rc = afail(lang, err, errlen, rc, "out of memory");
    else
        explain(c, sc, sig, rc, msg, digest_of(c), NULL);
out:
    smz_sig_free(sig);
    return rc == SMZ_E_NOMEM ? rc : SMZ_OK;
}

smz_err smz_archive_verify(smz_reader *r, const char *path, const smz_verify_opts *o,
                           smz_verify_report *rep)
{
    static const smz_verify_opts none = {0};
    vctx c;
    smz_err rc;
    char err[1024] = "";
    size_t errlen = sizeof err;

    memset(rep, 0, sizeof *rep);
    if (!r)
        return SMZ_E_INVALID;
    smz__reader_begin_long(r, 1);
    if (!path)
        return smz__reader_fail(r, SMZ_E_INVALID, "smz_archive_verify: NULL argument");
    if (sodium_init() < 0)
        return smz__reader_fail(r, SMZ_E_INTERNAL, "libsodium failed to initialise");
    memset(&c, 0, sizeof c);
    c.r = r;
    c.o = o ? o : &none;
    c.rep = rep;
    if ((rc = load_info(r, &c.in, err, errlen)) == SMZ_OK)
        rc = check_embedded(&c, err, errlen);
    if (rc == SMZ_OK && !(c.o->flags & SMZ_VERIFY_NO_DETACHED))
        rc = check_detached(&c, path, err, errlen);
    /* An interrupted digest shows in the report as a signature that cannot
     * be checked: the verify as a whole did not run to its end. */
    if (rc == SMZ_OK && smz__reader_interrupted(r))
        rc = afail(smz__reader_lang(r), err, errlen, SMZ_E_INTERRUPTED, "interrupted");
    info_free(&c.in);
    if (rc != SMZ_OK)
        smz__reader_fail(r, rc, "%s", err);
    return rc;
}

void smz_verify_report_free(smz_verify_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n && i < 2; i++) {
        free(rep->sigs[i].file);
        free(rep->sigs[i].comment);
        rep->sigs[i].file = rep->sigs[i].comment = NULL;
    }
    rep->n = 0;
}

int smz_verify_report_ok(const smz_verify_report *rep)
{
    int good = 0;
    for (size_t i = 0; i < rep->n; i++) {
        if (rep->sigs[i].status == SMZ_SIGSTATUS_BAD)
            return 0;
        good |= rep->sigs[i].status == SMZ_SIGSTATUS_GOOD;
    }
    return good;
}

const char *smz_sigstatus_name(smz_sigstatus s)
{
    switch (s) {
    case SMZ_SIGSTATUS_GOOD: return "good";
    case SMZ_SIGSTATUS_UNCHECKED: return "unchecked";
    case SMZ_SIGSTATUS_UNTRUSTED: return "untrusted";
    case SMZ_SIGSTATUS_BAD: return "bad";
    }
    return "bad";
}
