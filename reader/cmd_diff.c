/* smz diff: writes the update that turns one archive into another, and
 * smz patch: applies it (smz/delta.h; the update's format, docs/UPDATES.md).
 * Both are arguments and a summary line; the work is the library's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "smz/delta.h"
#include "smz/util.h"
#include "cli.h"
#include "cli_sig.h"
#include "../common/i18n.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char diff_usage[] = SMZ_N_(
    "usage: smz diff OLD.smz NEW.smz -o UPDATE.smzup [--sign KEY.sec [--password-file FILE]]\n");
/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char patch_usage[] = SMZ_N_(
    "usage: smz patch OLD.smz UPDATE.smzup -o NEW.smz [--keyring FILE | --key PUB]...\n");

/* The command's own options: 1 when ARGV[*I] was one (*I then at its
 * value), 0 when not, -1 after printing why. */
typedef int (*opt_fn)(void *ctx, int argc, char **argv, int *i);

/* Two paths and -o OUT, and OPTS (may be NULL) for the rest; 0 when they
 * are all there, -1 after --help, else the exit status. */
static int args(int argc, char **argv, const char *cmd, const char *usage, const char *help,
                const char **a, const char **b, const char **out, opt_fn opts, void *ctx)
{
    *a = *b = *out = NULL;
    int k;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("%s%s", _(usage), help);
            return -1;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            *out = argv[++i];
        } else if (opts && (k = opts(ctx, argc, argv, &i)) != 0) {
            if (k < 0)
                return 2;
        } else if (argv[i][0] != '-' && !*a) {
            *a = argv[i];
        } else if (argv[i][0] != '-' && !*b) {
            *b = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), cmd, cli_t(argv[i]));
            fputs(_(usage), stderr);
            return 2;
        }
    }
    if (!*a || !*b || !*out) {
        fputs(_(usage), stderr);
        return 2;
    }
    struct stat so, sa, sb;
    if (stat(*out, &so) == 0 &&
        ((stat(*a, &sa) == 0 && sa.st_dev == so.st_dev && sa.st_ino == so.st_ino) ||
         (stat(*b, &sb) == 0 && sb.st_dev == so.st_dev && sb.st_ino == so.st_ino))) {
        fprintf(stderr, _("smz %s: -o %s is one of the inputs; write a new file\n"), cmd, cli_t(*out));
        return 2;
    }
    return 0;
}

typedef struct diff_opts {
    const char *key, *pw_file;
} diff_opts;

static int diff_opt(void *ctx, int argc, char **argv, int *i)
{
    diff_opts *o = ctx;
    if (*i + 1 >= argc)
        return 0;
    if (!strcmp(argv[*i], "--sign"))
        o->key = argv[++*i];
    else if (!strcmp(argv[*i], "--password-file"))
        o->pw_file = argv[++*i];
    else
        return 0;
    return 1;
}

int cmd_diff(int argc, char **argv)
{
    const char *old, *new, *out;
    diff_opts o = {0};
    smz_seckey *sk = NULL;
    int a = args(argc, argv, "diff", diff_usage,
                 /* TRANSLATORS: smz diff --help, after its usage line: keep the options, the file
                    names and the commands. */
                 _("Writes UPDATE.smzup, which carries what NEW.smz has and OLD.smz lacks: smz patch\n"
                   "OLD.smz UPDATE.smzup -o NEW.smz then gives NEW.smz back byte for byte.\n"
                   "With --sign, UPDATE.smzup.minisig signs it (smz verify and smz patch --keyring\n"
                   "check it).\n"),
                 &old, &new, &out, diff_opt, &o);
    if (a)
        return a < 0 ? 0 : a;
    if (o.key && !(sk = cli_load_seckey("diff", o.key, o.pw_file)))
        return 2;
    char err[1200];
    smz_delta_stats st;
    if (smz_delta_diff(old, new, out, &st, i18n_cli(), err, sizeof err) != SMZ_OK ||
        (sk && smz_delta_sign(out, sk, i18n_cli(), err, sizeof err) != SMZ_OK)) {
        fprintf(stderr, "smz diff: %s\n", cli_t(err));
        smz_seckey_free(sk);
        return 2;
    }
    smz_seckey_free(sk);
    char u[SMZ_SIZE_TEXT], n[SMZ_SIZE_TEXT];
    /* TRANSLATORS: smz diff's summary: the update file, its size (twice: readable, then in
       bytes), the new archive's size, the update's share of it; then how its clusters were sent
       (unchanged, as binary deltas, whole) and the bytes of the rest. */
    printf(_("%s: %s (%llu bytes) for %s (%llu bytes, %.1f%%); clusters: %u the same, %u as deltas, "
             "%u whole; the other pages %llu bytes\n"),
           cli_t(out), smz_size_text(st.update_size, u), (unsigned long long)st.update_size,
           smz_size_text(st.new_size, n), (unsigned long long)st.new_size,
           st.new_size ? 100.0 * (double)st.update_size / (double)st.new_size : 0.0, st.same, st.delta,
           st.carried, (unsigned long long)st.skeleton);
    if (st.rebuilt)
        /* TRANSLATORS: smz diff, after its summary: the update does not carry the archive's
           search index; smz patch makes it again from the pages. */
        printf("%s\n", _("the search index is not carried: smz patch builds it again from the pages"));
    return 0;
}

static int patch_opt(void *ctx, int argc, char **argv, int *i)
{
    smz_keyring **kr = ctx;
    if (*i + 1 >= argc || (strcmp(argv[*i], "--key") && strcmp(argv[*i], "--keyring")))
        return 0;
    *i += 1;
    return cli_add_keys("patch", argv[*i - 1], argv[*i], kr) < 0 ? -1 : 1;
}

int cmd_patch(int argc, char **argv)
{
    const char *old, *upd, *out;
    smz_keyring *kr = NULL;
    int a = args(argc, argv, "patch", patch_usage,
                 /* TRANSLATORS: smz patch --help, after its usage line: keep the options, the file
                    names and the commands. */
                 _("Rebuilds NEW.smz from OLD.smz and an update smz diff made for it; refuses an\n"
                   "update made for another archive, checks NEW.smz's SHA-256 and content digest\n"
                   "before it puts it in place (nothing is left at NEW.smz on failure). With\n"
                   "--keyring or --key, only an update signed by one of those keys is applied\n"
                   "(UPDATE.smzup.minisig, made by smz diff --sign).\n"),
                 &old, &upd, &out, patch_opt, &kr);
    if (a) {
        smz_keyring_free(kr);
        return a < 0 ? 0 : a;
    }
    char err[1200];
    smz_err rc = SMZ_OK;
    if (kr && (rc = smz_delta_verify(upd, NULL, kr, NULL, i18n_cli(), err, sizeof err)) != SMZ_OK) {
        fprintf(stderr, _("smz patch: refused: %s\n"), cli_t(err));
        smz_keyring_free(kr);
        return rc == SMZ_E_NOTFOUND || rc == SMZ_E_SIGNATURE || rc == SMZ_E_CORRUPT ? 1 : 2;
    }
    smz_keyring_free(kr);
    rc = smz_delta_patch(old, upd, out, i18n_cli(), err, sizeof err);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz patch: %s\n", cli_t(err));
        /* Refused (the answer is no) is 1; could not do it at all, 2. */
        return rc == SMZ_E_INVALID || rc == SMZ_E_CORRUPT || rc == SMZ_E_UNSUPPORTED ? 1 : 2;
    }
    printf(_("%s: rebuilt, its SHA-256 and digest checked\n"), cli_t(out));
    return 0;
}
