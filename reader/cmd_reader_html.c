/* smz reader-html: writes the browser reader, smz-reader.html, that this
 * smz carries (common/reader_html.h), or tells which build it is. */
#include <stdio.h>
#include <string.h>
#include "../common/reader_html.h"
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_("usage: smz reader-html -o FILE [--force]\n"
                                   "       smz reader-html --version\n");

int cmd_reader_html(int argc, char **argv)
{
    const char *out = NULL;
    int force = 0, version = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(usage), stdout);
            /* TRANSLATORS: smz reader-html --help, after its usage line: keep the options, FILE and
               the file name; translate the rest. */
            fputs(_("Writes smz-reader.html, one file that reads .smz archives in any current web\n"
                    "browser with nothing installed and no network: put it on the stick beside the\n"
                    "archives, open it, pick the archives.  It reads only the files picked, sends\n"
                    "nothing anywhere and keeps nothing.  An existing FILE is kept unless --force.\n"
                    "--version prints the build's hash, as the page's About shows it.\n"),
                  stdout);
            return 0;
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!strcmp(argv[i], "--version")) {
            version = 1;
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "reader-html", cli_t(argv[i]));
            fputs(_(usage), stderr);
            return 2;
        }
    }
    if (version && !out) {
        size_t len;
        reader_html(&len);
        printf("smz-reader.html build %s (%zu bytes)\n", reader_html_hash(), len);
        return 0;
    }
    if (!out || version) {
        fputs(_(usage), stderr);
        return 2;
    }
    char err[1200];
    smz_err rc = reader_html_write(out, force, err, sizeof err);
    if (rc != SMZ_OK) {
        if (rc == SMZ_E_EXISTS)
            fprintf(stderr, _("smz reader-html: %s (--force replaces it)\n"), cli_t(err));
        else
            fprintf(stderr, "smz reader-html: %s\n", cli_t(err));
        return CLI_ERROR;
    }
    printf(_("%s: the browser reader, build %s\n"), cli_t(out), reader_html_hash());
    return 0;
}
