/* smz check: verifies everything and lists each problem with its entry;
 * with --key or --keyring, the archive's signatures too. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cli_sig.h"

typedef struct ctx {
    int json, first;
    cli_json *j;
} ctx;

static const char usage_text[] =
    "usage: smz check ARCHIVE [--key PUB]... [--keyring FILE]... [--signature FILE] [--json]\n"
    "Verifies every cluster's checksum, every entry, redirects, the main page and the\n"
    "content digest; with --key or --keyring also the signatures (see smz verify).\n"
    "Exit status 0 when all is well, 1 with a list of problems, 2 when it cannot be read.\n";

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
        snprintf(msg, sizeof msg, "%s: %s%s", cli_sig_where(sc),
                 sc->status == SMZ_SIGSTATUS_BAD ? "bad signature: " : "", sc->message);
        on_problem(c, "", msg);
        n++;
    }
    if (v == VERDICT_UNSIGNED) {
        on_problem(c, "", "not signed (no embedded signature, no .minisig beside it)");
        n++;
    }
    return n;
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
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            c.json = 1;
        } else if ((trust = cli_trust_opt("check", argc, argv, &i, &detached, &kr)) != 0) {
            if (trust < 0)
                goto done;
        } else if (!path && (a[0] != '-' || !a[1])) {
            path = a;
        } else {
            fprintf(stderr, "smz check: unexpected argument '%s'\n", a);
            goto done;
        }
    }
    if (!path) {
        fputs(usage_text, stderr);
        goto done;
    }
    smz_err orc;
    smz_reader *r = cli_open_rc(path, NULL, &orc);
    if (!r) {
        status = cli_open_check_status(orc);
        if (c.json)
            printf("{\"ok\": false, \"problems\": [{\"path\": \"\", \"problem\": \"cannot open\"}]}\n");
        goto done;
    }
    if (c.json && !(c.j = cli_json_new())) {
        smz_reader_close(r);
        goto done;
    }
    if (c.json)
        printf("{\"problems\": [");
    uint64_t n = 0;
    smz_err rc = smz_reader_check(r, on_problem, &c, &n);
    if (rc == SMZ_OK && !kr) {
        /* Without keys nothing is verified, but an embedded signature must
         * at least be one (docs/FORMAT.md, metadata: Signature). */
        char id[SMZ_KEYID_SIZE];
        if (smz_archive_signer(r, id) == SMZ_E_INVALID) {
            char msg[400];
            snprintf(msg, sizeof msg, "metadata Signature is not a minisign signature: %.255s",
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
            snprintf(msg, sizeof msg, "signatures not checked: %s", smz_reader_errmsg(r));
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
        fprintf(stderr, "%s: %s\n", cli_t(path), n ? "PROBLEMS FOUND" : "ok");
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
