/* smz reader-html: writes the browser reader, smz-reader.html, that this
 * smz carries (common/reader_html.h), or tells which build it is. */
#include <stdio.h>
#include <string.h>
#include "../common/reader_html.h"
#include "cli.h"

static const char usage[] = "usage: smz reader-html -o FILE [--force]\n"
                            "       smz reader-html --version\n";

int cmd_reader_html(int argc, char **argv)
{
    const char *out = NULL;
    int force = 0, version = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("%sWrites smz-reader.html, one file that reads .smz archives in any current web\n"
                   "browser with nothing installed and no network: put it on the stick beside the\n"
                   "archives, open it, pick the archives.  It reads only the files picked, sends\n"
                   "nothing anywhere and keeps nothing.  An existing FILE is kept unless --force.\n"
                   "--version prints the build's hash, as the page's About shows it.\n",
                   usage);
            return 0;
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!strcmp(argv[i], "--version")) {
            version = 1;
        } else {
            fprintf(stderr, "smz reader-html: unexpected argument '%s'\n%s", cli_t(argv[i]), usage);
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
        fprintf(stderr, "%s", usage);
        return 2;
    }
    char err[1200];
    smz_err rc = reader_html_write(out, force, err, sizeof err);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz reader-html: %s%s\n", cli_t(err),
                rc == SMZ_E_EXISTS ? " (--force replaces it)" : "");
        return CLI_ERROR;
    }
    printf("%s: the browser reader, build %s\n", cli_t(out), reader_html_hash());
    return 0;
}
