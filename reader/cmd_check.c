/* smz check: verifies everything and lists each problem with its entry;
 * with --key or --keyring, the archive's signatures too.  For a split
 * archive with a manifest (NAME.parts), every part is first checked
 * against it, so that a damaged part is named even when the set cannot be
 * opened, and one part given alone is checked without the others. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include "smz/split.h"
#include "../common/i18n.h"
#include "cli_sig.h"

typedef struct ctx {
    int json, first;
    cli_json *j;
} ctx;

static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz check --help: keep the options, the upper-case words and the file names; translate the rest. */
    "usage: smz check ARCHIVE [--key PUB]... [--keyring FILE]... [--signature FILE] [--json]\n"
    "Verifies every cluster's checksum, every entry, redirects, the main page and the\n"
    "content digest; with --key or --keyring also the signatures (see smz verify).\n"
    "A split archive's parts are first checked against NAME.parts when it is there;\n"
    "a part given alone (NAME.smz.002) is checked on its own when the others are absent.\n"
    "Exit status 0 when all is well, 1 with a list of problems, 2 when it cannot be read.\n");

/* A problem line of the front-end's own, in the command line's language
 * for people, in English in --json's output (the library's lines come
 * from a reader opened in the same language: cmd_check). */
#define CT(c, s) ((c)->json ? (s) : _(s))

static void on_problem(void *p, const char *path, const char *msg)
{
    ctx *c = p;
    if (!c->json) {
        printf("%s%s%s\n", cli_t(path), *path ? ": " : "", cli_t(msg));
        return;
    }
    printf("%s{\"path\": ", c->first ? "" : ", ");
    cli_json_str(c->j, stdout, path, -1);
    printf(", \"problem\": ");
    cli_json_str(c->j, stdout, msg, -1);
    printf("}");
    c->first = 0;
}

/* The stored Digest, once the check found no problem (so it matches the
 * content): spares the signature check a second pass over every cluster. */
static int stored_digest(smz_reader *r, unsigned char d[SMZ_DIGEST_BYTES])
{
    char *v = NULL;
    size_t n = 0, bin = 0;
    int ok = smz_reader_meta(r, "Digest", &v, &n) == SMZ_OK && n == 2 * SMZ_DIGEST_BYTES &&
             sodium_hex2bin(d, SMZ_DIGEST_BYTES, v, n, NULL, &bin, NULL) == 0 && bin == SMZ_DIGEST_BYTES;
    free(v);
    return ok;
}

/* Signature findings as problems: every bad signature, and no good one. */
static uint64_t sig_problems(ctx *c, const smz_verify_report *rep)
{
    char msg[1200];
    uint64_t n = 0;
    cli_verdict v = cli_verdict_of(rep);
    for (size_t i = 0; i < rep->n; i++) {
        const smz_sigcheck *sc = &rep->sigs[i];
        if (sc->status == SMZ_SIGSTATUS_GOOD ||
            (v == VERDICT_VERIFIED && sc->status != SMZ_SIGSTATUS_BAD))
            continue;
        if (sc->status == SMZ_SIGSTATUS_BAD)
            snprintf(msg, sizeof msg, CT(c, "%s: bad signature: %s"), cli_sig_where(sc), sc->message);
        else
            snprintf(msg, sizeof msg, "%s: %s", cli_sig_where(sc), sc->message);
        on_problem(c, "", msg);
        n++;
    }
    if (v == VERDICT_UNSIGNED) {
        on_problem(c, "", CT(c, "not signed (no embedded signature, no .minisig beside it)"));
        n++;
    }
    return n;
}

/* What the manifest step found: problems to list (copies), and whether
 * the check ends there. */
typedef struct parts_step {
    char **msg;
    size_t n, cap;
    int stop;        /* the archive itself is not checked: STATUS says all */
    int nomem;       /* a message was lost */
    char note[1400]; /* stop without a problem: what was checked */
} parts_step;

static void step_add(parts_step *ps, const char *msg)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? 2 * ps->cap : 8;
        char **m = realloc(ps->msg, cap * sizeof *m);
        if (!m) {
            ps->nomem = 1;
            return;
        }
        ps->msg = m, ps->cap = cap;
    }
    if (!(ps->msg[ps->n] = strdup(msg)))
        ps->nomem = 1;
    else
        ps->n++;
}

static void step_free(parts_step *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->msg[i]);
    free(ps->msg);
}

/* The manifest step for PATH (docs/FORMAT.md, "Split archives").  A
 * manifest that does not parse or names another archive's UUID is a
 * problem and is not used: the set is then checked as without one.  With
 * one: every part (or PATH's part alone) is hashed against it; a part that
 * differs ends the check (the archive is damaged, and the part is named).
 * Returns CLI_ERROR when a part cannot be read, else CLI_OK. */
static int parts_first(const char *path, const smz_keyring *kr, parts_step *ps, const ctx *c)
{
    char msg[1400];
    smz_parts *m = NULL;
    smz_reader *r = NULL;
    char *uuid = NULL;
    size_t ulen = 0;
    int status = CLI_OK;
    if (!smz_split_is_set(path))
        return CLI_OK;
    smz_err rc = smz_parts_load(path, i18n_cli(), &m);
    if (rc == SMZ_E_NOTFOUND)
        goto out;
    if (rc != SMZ_OK) {
        snprintf(msg, sizeof msg, CT(c, "%s (not used)"), smz_parts_errmsg(m));
        step_add(ps, msg);
        goto out;
    }
    /* With trusted keys, a signed manifest must verify (an unsigned one is
     * advice like any other). */
    char id[SMZ_KEYID_SIZE];
    if (kr && (rc = smz_parts_verify(m, kr, id)) != SMZ_OK && rc != SMZ_E_NOTFOUND) {
        snprintf(msg, sizeof msg, CT(c, "%s (the manifest is not used)"), smz_parts_errmsg(m));
        step_add(ps, msg);
        goto out;
    }
    /* The archive's own UUID, when the set opens: a manifest of another
     * archive must not blame good parts. */
    if (smz_reader_open(path, NULL, &r) == SMZ_OK &&
        smz_reader_meta(r, "UUID", &uuid, &ulen) == SMZ_OK && strcmp(uuid, smz_parts_uuid(m)) != 0) {
        snprintf(msg, sizeof msg,
                 CT(c, "%s: describes another archive (UUID %s; this one's is %.40s): not used"),
                 smz_parts_path(m), smz_parts_uuid(m), uuid);
        step_add(ps, msg);
        goto out;
    }
    /* The same archive cut at another size: sizes would blame every part. */
    if (r) {
        smz_split *set = NULL;
        if (smz_split_open_lang(path, i18n_cli(), &set) == SMZ_OK &&
            (smz_split_part_size(set) != smz_parts_part_size(m) ||
             smz_split_parts(set) != smz_parts_count(m))) {
            snprintf(
                msg, sizeof msg,
                CT(c,
                   "%s: describes another split of this archive (%u parts of %llu bytes; the set has %u of "
                   "%llu): not used"),
                smz_parts_path(m), smz_parts_count(m), (unsigned long long)smz_parts_part_size(m),
                smz_split_parts(set), (unsigned long long)smz_split_part_size(set));
            step_add(ps, msg);
            smz_split_close(set);
            goto out;
        }
        smz_split_close(set);
    }
    unsigned only = smz_split_part_number(path), count = smz_parts_count(m), absent = 0, bad = 0;
    if (only > count) {
        snprintf(msg, sizeof msg, CT(c, "%s: part %03u, but %s lists %u parts: not part of this set"),
                 path, only, smz_parts_path(m), count);
        step_add(ps, msg);
        ps->stop = 1;
        goto out;
    }
    if (only) {
        /* A part given alone: the others all here, every part is checked
         * and the whole set after; one absent (on another stick), this
         * part's check is the answer. */
        struct stat st;
        size_t n = strlen(path);
        char other[4200];
        for (unsigned k = 1; k <= count && n < sizeof other - 8; k++) {
            snprintf(other, sizeof other, "%.*s.%03u", (int)(n - 4), path, k);
            if (k != only && stat(other, &st) != 0)
                absent++;
        }
        if (!absent)
            only = 0;
    }
    for (unsigned k = only ? only : 1; k <= (only ? only : count); k++) {
        rc = smz_parts_check(m, k);
        if (rc == SMZ_E_CORRUPT) {
            step_add(ps, smz_parts_errmsg(m));
            bad++;
        } else if (rc == SMZ_E_NOTFOUND && !only) {
            continue; /* opening the set names it, as without a manifest */
        } else if (rc != SMZ_OK) {
            fprintf(stderr, "smz check: %s\n", cli_t(smz_parts_errmsg(m)));
            status = CLI_ERROR;
            goto out;
        }
    }
    if (bad || only)
        ps->stop = 1;
    if (only && !bad)
        snprintf(
            ps->note, sizeof ps->note,
            N_("part %03u of %u matches %s (%u other part is not here: the archive itself was not "
               "checked)",
               "part %03u of %u matches %s (%u other parts are not here: the archive itself was not "
               "checked)",
               absent),
            only, count, smz_parts_path(m), absent);
out:
    free(uuid);
    smz_reader_close(r);
    smz_parts_free(m);
    return status;
}

int cmd_check(int argc, char **argv)
{
    ctx c = {0, 1, NULL};
    const char *path = NULL, *detached = NULL;
    smz_keyring *kr = NULL;
    smz_verify_report rep;
    int status = 2;

    memset(&rep, 0, sizeof rep);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int trust;
        if (cli_is_help(a)) {
            fputs(_(usage_text), stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            c.json = 1;
        } else if ((trust = cli_trust_opt("check", argc, argv, &i, &detached, &kr)) != 0) {
            if (trust < 0)
                goto done;
        } else if (!path && (a[0] != '-' || !a[1])) {
            path = a;
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "check", cli_t(a));
            goto done;
        }
    }
    if (!path) {
        fputs(_(usage_text), stderr);
        goto done;
    }
    parts_step ps;
    memset(&ps, 0, sizeof ps);
    if (parts_first(path, kr, &ps, &c) != CLI_OK) {
        step_free(&ps);
        goto done;
    }
    if (ps.stop) {
        if (c.json && !(c.j = cli_json_new())) {
            step_free(&ps);
            goto done;
        }
        if (c.json)
            printf("{\"problems\": [");
        for (size_t i = 0; i < ps.n; i++)
            on_problem(&c, "", ps.msg[i]);
        if (c.json)
            printf("], \"ok\": %s}\n", ps.n || ps.nomem ? "false" : "true");
        else if (ps.note[0] && !ps.n)
            fprintf(stderr, "%s: %s\n", cli_t(path), cli_t(ps.note));
        else
            fprintf(stderr, ps.n || ps.nomem ? _("%s: PROBLEMS FOUND\n") : _("%s: ok\n"), cli_t(path));
        status = ps.n || ps.nomem ? CLI_NO : CLI_OK;
        step_free(&ps);
        goto done;
    }
    smz_err orc;
    smz_reader *r = cli_open_lang(path, NULL, c.json ? SMZ_UI_EN : i18n_cli(), &orc);
    if (!r) {
        status = cli_open_check_status(orc);
        if (c.json)
            printf("{\"ok\": false, \"problems\": [{\"path\": \"\", \"problem\": \"cannot open\"}]}\n");
        for (size_t i = 0; i < ps.n && !c.json; i++)
            fprintf(stderr, "%s\n", cli_t(ps.msg[i]));
        step_free(&ps);
        goto done;
    }
    if (c.json && !(c.j = cli_json_new())) {
        smz_reader_close(r);
        goto done;
    }
    if (c.json)
        printf("{\"problems\": [");
    uint64_t n = 0, before = ps.n + (uint64_t)ps.nomem;
    for (size_t i = 0; i < ps.n; i++)
        on_problem(&c, "", ps.msg[i]);
    step_free(&ps);
    smz_err rc = smz_reader_check(r, on_problem, &c, &n);
    n += before; /* the manifest's problems: smz_reader_check sets N */
    if (rc == SMZ_OK && !kr) {
        /* Without keys nothing is verified, but an embedded signature must
         * at least be one (docs/FORMAT.md, metadata: Signature). */
        char id[SMZ_KEYID_SIZE];
        if (smz_archive_signer(r, id) == SMZ_E_INVALID) {
            char msg[400];
            snprintf(msg, sizeof msg, CT(&c, "metadata Signature is not a minisign signature: %.255s"),
                     smz_reader_errmsg(r));
            on_problem(&c, "", msg);
            n++;
        }
    }
    if (rc == SMZ_OK && kr) {
        unsigned char d[SMZ_DIGEST_BYTES];
        smz_verify_opts o = {.trusted = kr, .detached = detached};
        if (n == 0 && stored_digest(r, d))
            o.digest = d;
        if (smz_archive_verify(r, path, &o, &rep) == SMZ_OK) {
            n += sig_problems(&c, &rep);
        } else {
            char msg[1200];
            snprintf(msg, sizeof msg, CT(&c, "signatures not checked: %s"), smz_reader_errmsg(r));
            on_problem(&c, "", msg);
            n++;
        }
    }
    if (c.json) {
        printf("], \"ok\": %s", rc == SMZ_OK && n == 0 ? "true" : "false");
        if (kr) {
            printf(", \"signature\": \"%s\", \"signatures\": ", cli_verdict_name(cli_verdict_of(&rep)));
            cli_sigs_json(c.j, stdout, &rep);
        }
        printf("}\n");
    }
    cli_debug_decodes(r);
    if (rc != SMZ_OK)
        cli_fail("check", r, rc);
    else if (!c.json)
        /* TRANSLATORS: smz check's last line, on standard error (the problems, one a line, are the
           library's words). */
        fprintf(stderr, n ? _("%s: PROBLEMS FOUND\n") : _("%s: ok\n"), cli_t(path));
    smz_reader_close(r);
    /* A damaged archive is the check's answer no; a file that cannot be
     * read (an I/O error, memory) is an error. */
    status = rc == SMZ_OK && n == 0                                         ? CLI_OK
             : rc == SMZ_OK || rc == SMZ_E_CORRUPT || rc == SMZ_E_SIGNATURE ? CLI_NO
                                                                            : CLI_ERROR;
done:
    smz_verify_report_free(&rep);
    cli_json_free(c.j);
    smz_keyring_free(kr);
    return status;
}
