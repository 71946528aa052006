/* smz upgrade: rewrites an archive in the current format version (or the
 * one --format-version names), with the same content, so the same content
 * digest and a still valid embedded signature (smz/upgrade.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "smz/format.h"
#include "smz/reader.h"
#include "smz/upgrade.h"
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_(
    "usage: smz upgrade ARCHIVE -o NEW.smz [--format-version N] [--threads N]\n");

int cmd_upgrade(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    smz_upgrade_opts o = {0};
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(usage), stdout);
            /* TRANSLATORS: smz upgrade --help, after its usage line: %1$d is the current format
               version, %2$d the oldest one it writes (N); keep the upper-case words. */
            printf(_("Writes NEW.smz with ARCHIVE's entries, metadata and search index in format\n"
                     "version %1$d (or N: %2$d writes archives that readers from before version %1$d "
                     "read).\n"
                     "The content is unchanged, so are its digest and the embedded signature; a\n"
                     "detached ARCHIVE.minisig signs the old file's bytes and does not carry over.\n"),
                   SMZ_FORMAT_VERSION, SMZ_FORMAT_VERSION_MIN);
            return 0;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--format-version") && i + 1 < argc) {
            const char *v = argv[++i];
            o.format_version = v[0] >= '0' && v[0] <= '9' && !v[1] ? v[0] - '0' : -1;
            if (o.format_version < SMZ_FORMAT_VERSION_MIN || o.format_version > SMZ_FORMAT_VERSION) {
                fprintf(stderr, _("smz %s: --format-version takes %d to %d\n"), "upgrade",
                        SMZ_FORMAT_VERSION_MIN, SMZ_FORMAT_VERSION);
                return 2;
            }
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            o.threads = atoi(argv[++i]);
        } else if (!in && argv[i][0] != '-') {
            in = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "upgrade", cli_t(argv[i]));
            fputs(_(usage), stderr);
            return 2;
        }
    }
    if (!in || !out) {
        fputs(_(usage), stderr);
        return 2;
    }
    struct stat a, b;
    if (stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        fprintf(stderr, _("smz upgrade: -o %s is the archive itself; write a new file\n"), cli_t(out));
        return 2;
    }
    /* The old version of the file, for the summary. */
    int from = 0;
    smz_reader *r = cli_open(in, NULL);
    if (!r)
        return 2;
    smz_stats st;
    if (smz_reader_stats(r, &st) == SMZ_OK) {
        from = st.format_version;
        smz_stats_free(&st);
    }
    smz_reader_close(r);
    char err[1200];
    o.lang = i18n_cli();
    smz_err rc = smz_upgrade(in, out, &o, err, sizeof err);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz upgrade: %s\n", cli_t(err));
        return 1;
    }
    int to = o.format_version ? o.format_version : SMZ_FORMAT_VERSION;
    printf(_("%s: format version %d (from %d), the same content digest"), cli_t(out), to, from);
    char sig[4096 + 16];
    snprintf(sig, sizeof sig, "%s.minisig", in);
    if (stat(sig, &a) == 0)
        printf(_("; %s does not sign it: sign it again"), cli_t(sig));
    printf("\n");
    return 0;
}
