/* Trusted keys from the command line and signature reports (cli_sig.h). */
#include <string.h>
#include "../common/i18n.h"
#include "../common/password.h"
#include "cli_sig.h"

int cli_add_keys(const char *cmd, const char *opt, const char *file, smz_keyring **kr)
{
    smz_sign_ctx *cx = NULL;
    smz_pubkey *pk = NULL;
    smz_keyring *more = NULL;
    smz_err rc;

    if ((!*kr && smz_keyring_new(kr) != SMZ_OK) || smz_sign_ctx_new(&cx) != SMZ_OK) {
        fprintf(stderr, _("smz %s: out of memory\n"), cmd);
        return -1;
    }
    smz_sign_ctx_set_lang(cx, i18n_cli());
    if (!strcmp(opt, "--key")) {
        rc = smz_pubkey_load(cx, file, &pk);
        if (rc == SMZ_OK)
            rc = smz_keyring_add(cx, *kr, pk);
    } else {
        rc = smz_keyring_load(cx, file, &more);
        if (rc == SMZ_OK)
            rc = smz_keyring_merge(cx, *kr, more);
    }
    int loaded = pk || more;
    smz_pubkey_free(pk);
    smz_keyring_free(more);
    if (rc != SMZ_OK) {
        /* A load's message starts with the file's name (smz/sign.h); adding
         * a key to the ring does not name it. */
        if (loaded)
            fprintf(stderr, "smz %s: %s %s: %s\n", cmd, opt, cli_t(file),
                    cli_t(smz_sign_ctx_errmsg(cx)));
        else
            fprintf(stderr, "smz %s: %s %s\n", cmd, opt, cli_t(smz_sign_ctx_errmsg(cx)));
    }
    smz_sign_ctx_free(cx);
    return rc == SMZ_OK ? 0 : -1;
}

int cli_trust_opt(const char *cmd, int argc, char **argv, int *i, const char **detached,
                  smz_keyring **kr)
{
    const char *a = argv[*i];
    if (strcmp(a, "--key") && strcmp(a, "--keyring") && strcmp(a, "--signature"))
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, _("smz %s: %s needs a value\n"), cmd, a);
        return -1;
    }
    *i += 1;
    if (!strcmp(a, "--signature")) {
        *detached = argv[*i];
        return 1;
    }
    return cli_add_keys(cmd, a, argv[*i], kr) != 0 ? -1 : 1;
}

cli_verdict cli_verdict_of(const smz_verify_report *rep)
{
    int good = 0;
    for (size_t i = 0; i < rep->n; i++) {
        if (rep->sigs[i].status == SMZ_SIGSTATUS_BAD)
            return VERDICT_BAD;
        good |= rep->sigs[i].status == SMZ_SIGSTATUS_GOOD;
    }
    return good ? VERDICT_VERIFIED : rep->n ? VERDICT_UNTRUSTED : VERDICT_UNSIGNED;
}

const char *cli_verdict_name(cli_verdict v)
{
    switch (v) {
    case VERDICT_VERIFIED: return "verified";
    case VERDICT_BAD: return "bad";
    case VERDICT_UNTRUSTED: return "untrusted";
    case VERDICT_UNSIGNED: return "unsigned";
    }
    return "bad";
}

const char *cli_sig_where(const smz_sigcheck *sc)
{
    return sc->detached ? sc->file : "embedded signature";
}

void cli_sigs_json(cli_json *j, FILE *out, const smz_verify_report *rep)
{
    fputs("[", out);
    for (size_t i = 0; i < rep->n; i++) {
        const smz_sigcheck *sc = &rep->sigs[i];
        fprintf(out, "%s{\"where\": \"%s\", \"file\": ", i ? ", " : "",
                sc->detached ? "detached" : "embedded");
        if (sc->file)
            cli_json_str(j, out, sc->file, -1);
        else
            fputs("null", out);
        fprintf(out, ", \"status\": \"%s\", \"key_id\": ", smz_sigstatus_name(sc->status));
        if (sc->keyid[0])
            cli_json_str(j, out, sc->keyid, -1);
        else
            fputs("null", out);
        fprintf(out, ", \"trusted\": %s, \"trusted_comment\": ", sc->trusted ? "true" : "false");
        if (sc->comment)
            cli_json_str(j, out, sc->comment, -1);
        else
            fputs("null", out);
        fputs(", \"message\": ", out);
        cli_json_str(j, out, sc->message, -1);
        fputs("}", out);
    }
    fputs("]", out);
}

/* Loads the secret key PATH, asking for its password only when it is
 * encrypted; NULL after printing why. */
smz_seckey *cli_load_seckey(const char *cmd, const char *path, const char *pw_file)
{
    char pw[SMZ_SIGN_PASSWORD_MAX + 2], prompt[600], err[600];
    int enc = 0;
    smz_seckey *sk = NULL;
    smz_sign_ctx *cx = NULL;
    pw[0] = 0;
    if (smz_sign_ctx_new(&cx) != SMZ_OK) {
        fprintf(stderr, _("smz %s: out of memory\n"), cmd);
        return NULL;
    }
    smz_sign_ctx_set_lang(cx, i18n_cli());
    snprintf(prompt, sizeof prompt, _("Password for %.500s: "), path);
    if (smz_seckey_file_encrypted(cx, path, &enc) != SMZ_OK)
        fprintf(stderr, "smz %s: --sign %s\n", cmd, cli_t(smz_sign_ctx_errmsg(cx)));
    else if (enc && pw_read(pw_file, prompt, 0, pw, sizeof pw, err, sizeof err) != 0)
        fprintf(stderr, "smz %s: %s\n", cmd, cli_t(err));
    else if (smz_seckey_load(cx, path, enc ? pw : NULL, &sk) != SMZ_OK)
        fprintf(stderr, "smz %s: --sign %s\n", cmd, cli_t(smz_sign_ctx_errmsg(cx)));
    pw_wipe(pw, sizeof pw);
    smz_sign_ctx_free(cx);
    return sk;
}
