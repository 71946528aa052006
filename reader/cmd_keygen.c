/* smz keygen: makes a minisign key pair (the same files `minisign -G`
 * makes, usable by either tool): the secret key encrypted with a password
 * (scrypt, minisign's parameters) unless -W, the public key for readers. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "smz/sign.h"
#include "../common/password.h"
#include "../common/i18n.h"
#include "cli.h"

static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz keygen --help: keep the options, the upper-case words and the layout (the descriptions start
       at column 24); translate the descriptions. */
    "usage: smz keygen [-p PUB] [-s SEC] [-W] [-f] [--password-file FILE] [-c COMMENT]\n"
    "Makes a minisign-compatible Ed25519 key pair for smz-pack --sign.\n"
    "  -p PUB               the public key file (default smz.pub)\n"
    "  -s SEC               the secret key file (default smz.key)\n"
    "  -W                   do not encrypt the secret key (no password)\n"
    "  -f                   replace existing key files\n"
    "  --password-file FILE read the password from FILE's first line (else from\n"
    "                       SMZ_PASSWORD, else asked twice on the terminal)\n"
    "  -c COMMENT           the public key's untrusted comment\n");

int cmd_keygen(int argc, char **argv)
{
    const char *pub = "smz.pub", *sec = "smz.key", *pw_file = NULL, *comment = NULL;
    int nopw = 0, force = 0, status = 1;
    char pw[SMZ_SIGN_PASSWORD_MAX + 2] = "", err[1024], id[SMZ_KEYID_SIZE], b64[SMZ_PUBKEY_B64_SIZE];
    smz_seckey *sk = NULL;
    smz_sign_ctx *cx = NULL;
    smz_pubkey *pk = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(_(usage_text), stdout);
            return 0;
        } else if (!strcmp(a, "-W")) {
            nopw = 1;
        } else if (!strcmp(a, "-f")) {
            force = 1;
        } else if (!strcmp(a, "-p") || !strcmp(a, "-s") || !strcmp(a, "-c") ||
                   !strcmp(a, "--password-file")) {
            if (i + 1 >= argc) {
                fprintf(stderr, _("smz %s: %s needs a value\n"), "keygen", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[1] == 'p')
                pub = v;
            else if (a[1] == 's')
                sec = v;
            else if (a[1] == 'c')
                comment = v;
            else
                pw_file = v;
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "keygen", cli_t(a));
            fputs(_(usage_text), stderr);
            return 2;
        }
    }
    if (!strcmp(pub, sec)) {
        fputs(_("smz keygen: the public and secret key files must differ\n"), stderr);
        return 2;
    }
    if (!force && (access(pub, F_OK) == 0 || access(sec, F_OK) == 0)) {
        fprintf(stderr, _("smz keygen: %s already exists (-f replaces it)\n"),
                access(sec, F_OK) == 0 ? sec : pub);
        return CLI_ERROR;
    }
    if (!nopw && pw_read(pw_file, _("Password for the new secret key: "), 1, pw, sizeof pw, err,
                         sizeof err) != 0) {
        fprintf(stderr, "smz keygen: %s\n", err);
        return CLI_ERROR;
    }
    if (smz_sign_ctx_new(&cx) != SMZ_OK) {
        fprintf(stderr, _("smz %s: out of memory\n"), "keygen");
        goto out;
    }
    smz_sign_ctx_set_lang(cx, i18n_cli());
    if (smz_seckey_generate(cx, &sk) != SMZ_OK || smz_seckey_pubkey(cx, sk, &pk) != SMZ_OK) {
        fprintf(stderr, "smz keygen: %s\n", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    if (force && ((unlink(sec) != 0 && errno != ENOENT) || (unlink(pub) != 0 && errno != ENOENT))) {
        fprintf(stderr, _("smz keygen: cannot replace the key files: %s\n"), strerror(errno));
        goto out;
    }
    if (smz_seckey_save(cx, sk, sec, nopw ? NULL : pw, 0, 0, NULL) != SMZ_OK) {
        fprintf(stderr, "smz keygen: %s\n", smz_sign_ctx_errmsg(cx));
        goto out;
    }
    if (smz_pubkey_save(cx, pk, pub, comment) != SMZ_OK) {
        fprintf(stderr, "smz keygen: %s\n", smz_sign_ctx_errmsg(cx));
        unlink(sec);
        goto out;
    }
    smz_pubkey_keyid(pk, id);
    smz_pubkey_base64(pk, b64);
    /* TRANSLATORS: smz keygen's report: %1$s the key's id, %2$s the secret key file, %3$s the public key
       file, %4$s the public key's base64 line (keep it alone on the last line). */
    printf(nopw ? _("key id %1$s\nsecret key: %2$s (not encrypted)\npublic key: %3$s\n"
                    "Give readers %3$s, or this line for smz verify --keyring, minisign -P:\n%4$s\n")
                : _("key id %1$s\nsecret key: %2$s (encrypted with the password)\npublic key: %3$s\n"
                    "Give readers %3$s, or this line for smz verify --keyring, minisign -P:\n%4$s\n"),
           id, sec, pub, b64);
    status = 0;
out:
    pw_wipe(pw, sizeof pw);
    smz_seckey_free(sk);
    smz_pubkey_free(pk);
    smz_sign_ctx_free(cx);
    return status;
}
