/* smz ls: one path per line, optionally with MIME type, size and title. */
#include <string.h>
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_("usage: smz ls ARCHIVE [PREFIX] [--long]\n");

int cmd_ls(int argc, char **argv)
{
    int lng = 0;
    const char *path = NULL, *prefix = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(usage), stdout);
            /* TRANSLATORS: smz ls --help, after its usage line; keep --long and "-> target". */
            fputs(_("Lists entry paths in order; --long adds MIME type (or -> target for a redirect), "
                    "size and title, tab-separated.\n"),
                  stdout);
            return 0;
        } else if (!strcmp(argv[i], "--long") || !strcmp(argv[i], "-l")) {
            lng = 1;
        } else if (!path) {
            path = argv[i];
        } else if (!prefix) {
            prefix = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "ls", cli_t(argv[i]));
            return 2;
        }
    }
    if (!path) {
        fputs(_(usage), stderr);
        return 2;
    }
    smz_reader *r = cli_open(path, NULL);
    if (!r)
        return CLI_ERROR;
    smz_iter *it = NULL;
    smz_err rc = smz_reader_iter(r, prefix, &it);
    uint64_t listed = 0;
    if (it)
        smz_iter_on_skip(it, cli_skip_warn, "ls");
    while (rc == SMZ_OK) {
        const smz_entry *e;
        if ((rc = smz_iter_next(it, &e)) != SMZ_OK || !e)
            break;
        listed++;
        if (!lng)
            printf("%s\n", cli_t(e->path));
        else if (e->redirect)
            printf("%s\t-> %s\t0\t%s\n", cli_t(e->path), cli_t(e->redirect), cli_t(e->title));
        else
            printf("%s\t%s\t%llu\t%s\n", cli_t(e->path), cli_t(e->mime), (unsigned long long)e->size,
                   cli_t(e->title));
    }
    if (rc != SMZ_OK)
        cli_fail("ls", r, rc);
    /* Everything else was listed; the status still says something was not. */
    int skipped = it && smz_iter_skipped(it) > 0;
    if (rc == SMZ_OK && !skipped && !listed && prefix)
        fprintf(stderr, _("smz ls: no entry starts with '%s'\n"), cli_t(prefix));
    smz_iter_free(it);
    smz_reader_close(r);
    return rc != SMZ_OK || skipped ? CLI_ERROR : !listed && prefix ? CLI_NO : CLI_OK;
}
