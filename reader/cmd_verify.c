/* smz verify: checks every signature of an archive (the embedded one and a
 * .minisig beside it) against the trusted keys given, and says which key
 * signed and whether it is trusted.  Exit status 0 when a trusted key's
 * signature verifies and no signature is bad; 1 otherwise; 2 for usage. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "smz/split.h"
#include "../common/i18n.h"
#include "smz/delta.h"
#include "cli_sig.h"

static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz verify --help: keep the options, the upper-case words and the layout (the descriptions start
       at column 21); translate the descriptions. */
    "usage: smz verify ARCHIVE [--key PUB]... [--keyring FILE]... [--signature FILE] [--json]\n"
    "Checks the archive's embedded signature and ARCHIVE.minisig (if there is one)\n"
    "against the trusted keys, recomputing the content digest; for a split archive,\n"
    "NAME.parts.minisig too, the signature of its manifest (if there is one); for an\n"
    "update (smz diff), UPDATE.smzup.minisig.\n"
    "  --key PUB         a trusted minisign public key (.pub file or its base64 line)\n"
    "  --keyring FILE    a file of trusted keys (.pub files or base64 lines, # comments)\n"
    "  --signature FILE  check this .minisig instead of ARCHIVE.minisig\n"
    "  --json            the report as JSON\n"
    "Exit status 0 when a trusted key's signature verifies and none is bad, 1 when a\n"
    "signature is bad, untrusted or missing, 2 for a usage error or an archive that\n"
    "cannot be read.\n");

static void print_text(const char *path, const smz_verify_report *rep, cli_verdict v)
{
    const char *good_key = NULL, *some_key = NULL;
    for (size_t i = 0; i < rep->n; i++) {
        const smz_sigcheck *sc = &rep->sigs[i];
        /* TRANSLATORS: smz verify: a signature's status, after where it is ("embedded signature: good"). */
        const char *st = sc->status == SMZ_SIGSTATUS_GOOD  ? _("good")
                         : sc->status == SMZ_SIGSTATUS_BAD ? _("BAD")
                                                           : _("untrusted");
        /* TRANSLATORS: smz verify: where a signature is (a file, or "embedded signature"), then its
           status ("good"...): the punctuation between them. */
        printf(_("%1$s: %2$s"), sc->detached ? cli_t(sc->file) : _("embedded signature"), st);
        if (sc->keyid[0])
            printf(sc->trusted ? _(", key %s (trusted)") : _(", key %s (not trusted)"),
                   cli_t(sc->keyid));
        if (sc->message[0])
            printf(": %s", cli_t(sc->message));
        printf("\n");
        if (sc->comment)
            /* TRANSLATORS: minisign's "trusted comment", signed with the signature. */
            printf(_("  trusted comment: %s\n"), cli_t(sc->comment));
        if (sc->status == SMZ_SIGSTATUS_GOOD && !good_key)
            good_key = sc->keyid;
        if (sc->keyid[0] && !some_key)
            some_key = sc->keyid;
    }
    switch (v) {
    case VERDICT_VERIFIED:
        printf(_("%s: verified: signed by trusted key %s\n"), cli_t(path), cli_t(good_key));
        break;
    case VERDICT_BAD: printf(_("%s: BAD SIGNATURE\n"), cli_t(path)); break;
    case VERDICT_UNTRUSTED:
        if (some_key)
            printf(_("%s: not signed by a trusted key (signed by %s)\n"), cli_t(path), cli_t(some_key));
        else
            printf(_("%s: not signed by a trusted key\n"), cli_t(path));
        break;
    case VERDICT_UNSIGNED:
        printf(_("%s: not signed (no embedded signature, no .minisig beside it)\n"), cli_t(path));
        break;
    }
}

/* smz verify UPDATE.smzup: its detached signature (smz/delta.h). */
static int verify_update(const char *path, const char *detached, const smz_keyring *kr)
{
    char err[1200], keyid[SMZ_KEYID_SIZE] = "";
    smz_err rc = smz_delta_verify(path, detached, kr, keyid, i18n_cli(), err, sizeof err);
    if (rc == SMZ_OK) {
        printf(_("%s: good, an update signed by key %s (trusted)\n"), cli_t(path), cli_t(keyid));
        return CLI_OK;
    }
    fprintf(stderr, "smz verify: %s\n", cli_t(err));
    return rc == SMZ_E_NOTFOUND || rc == SMZ_E_SIGNATURE ? CLI_NO : CLI_ERROR;
}

int cmd_verify(int argc, char **argv)
{
    const char *path = NULL, *detached = NULL;
    smz_keyring *kr = NULL;
    smz_reader *r = NULL;
    smz_verify_report rep;
    cli_json *j = NULL;
    int json = 0, status = 2;

    memset(&rep, 0, sizeof rep);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int trust;
        if (cli_is_help(a)) {
            fputs(_(usage_text), stdout);
            status = 0;
            goto out;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if ((trust = cli_trust_opt("verify", argc, argv, &i, &detached, &kr)) != 0) {
            if (trust < 0)
                goto out;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, _("smz %s: unknown option '%s'\n"), "verify", cli_t(a));
            fputs(_(usage_text), stderr);
            goto out;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "verify", cli_t(a));
            goto out;
        }
    }
    if (!path) {
        fputs(_(usage_text), stderr);
        goto out;
    }
    if (smz_delta_is_update(path)) {
        status = verify_update(path, detached, kr);
        goto out;
    }
    smz_err orc;
    /* --json's messages are English: so are the reader's, quoted in them. */
    if (!(r = cli_open_lang(path, NULL, json ? SMZ_UI_EN : i18n_cli(), &orc))) {
        status = cli_open_check_status(orc);
        goto out;
    }
    if (json && !(j = cli_json_new())) {
        fprintf(stderr, _("smz %s: out of memory\n"), "verify");
        goto out;
    }
    smz_verify_opts o = {.trusted = kr, .detached = detached};
    smz_err rc = smz_archive_verify(r, path, &o, &rep);
    if (rc != SMZ_OK) {
        const char *why = smz_reader_errmsg(r);
        fprintf(stderr, "smz verify: %s: %s\n", cli_t(path), cli_t(why[0] ? why : smz_strerror(rc)));
        status = rc == SMZ_E_CORRUPT || rc == SMZ_E_SIGNATURE ? CLI_NO : CLI_ERROR;
        goto out;
    }
    cli_verdict v = cli_verdict_of(&rep);
    /* A split archive's signed manifest (NAME.parts.minisig). */
    smz_parts *m = NULL;
    smz_err prc = SMZ_E_NOTFOUND;
    char pid[SMZ_KEYID_SIZE] = "";
    /* The signature is of the file as it is: checked even when the
     * manifest does not parse (smz check says that). */
    if (smz_split_is_set(path) && smz_parts_load(path, i18n_cli(), &m) != SMZ_E_NOTFOUND && m &&
        smz_parts_path(m)[0])
        prc = smz_parts_verify(m, kr, pid);
    if (json) {
        char hex[SMZ_DIGEST_BYTES * 2 + 1];
        printf("{\"archive\": ");
        cli_json_str(j, stdout, path, -1);
        printf(", \"verdict\": \"%s\", \"ok\": %s, \"digest\": ", cli_verdict_name(v),
               v == VERDICT_VERIFIED && (prc == SMZ_OK || prc == SMZ_E_NOTFOUND) ? "true" : "false");
        if (rep.have_digest) {
            sodium_bin2hex(hex, sizeof hex, rep.digest, sizeof rep.digest);
            printf("\"%s\"", hex);
        } else {
            printf("null");
        }
        printf(", \"trusted_keys\": %zu, \"signatures\": ", smz_keyring_count(kr));
        cli_sigs_json(j, stdout, &rep);
        if (prc != SMZ_E_NOTFOUND)
            printf(", \"manifest_signature\": \"%s\"", prc == SMZ_OK ? "good" : "bad");
        printf("}\n");
    } else {
        print_text(path, &rep, v);
        if (prc == SMZ_OK)
            printf("%s.minisig: good, key %s (trusted)\n", cli_t(smz_parts_path(m)), cli_t(pid));
        else if (prc != SMZ_E_NOTFOUND)
            printf("%s\n", cli_t(smz_parts_errmsg(m)));
    }
    smz_parts_free(m);
    status = v == VERDICT_VERIFIED && (prc == SMZ_OK || prc == SMZ_E_NOTFOUND) ? 0 : 1;
out:
    smz_verify_report_free(&rep);
    cli_json_free(j);
    smz_reader_close(r);
    smz_keyring_free(kr);
    return status;
}
