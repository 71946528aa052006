/* smz catalog DIR: writes DIR/smz-catalog.xml, the OPDS feed of the
 * archives in DIR (docs/CATALOG.md), so that a plain web folder or a stick
 * is a source for `smz pull` (and an OPDS reader) with no server software.
 * The same archives give the same bytes; the file is replaced atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smz/util.h"
#include "catalog.h"
#include "../common/i18n.h"
#include "cli.h"

/* smz catalog --help, a format: %s is CATALOG_FILE. */
static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz catalog --help: %s is the catalog's file name (smz-catalog.xml); keep the
       options and the upper-case words. */
    "usage: smz catalog DIR [--quiet]\n"
    "Writes DIR/%s, an OPDS catalog of the archives in DIR: each one's\n"
    "file name, size, BLAKE2b of its bytes, content digest, UUID, date, title and\n"
    "signer.  A folder with it, served by any web server, is a source for smz pull.\n"
    "Split archives (NAME.smz.001, ...) are left out.\n");

static void skipped(void *ctx, const char *file, const char *why)
{
    if (!*(int *)ctx)
        fprintf(stderr, _("smz catalog: %s: skipped: %s\n"), cli_t(file), cli_t(why));
}

int cmd_catalog(int argc, char **argv)
{
    const char *dir = NULL;
    int quiet = 0, status = CLI_ERROR;
    cat_list l = {0};
    char *xml = NULL, *path = NULL, err[1024];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf(_(usage_text), CATALOG_FILE);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, _("smz %s: unknown option '%s'\n"), "catalog", cli_t(argv[i]));
            fprintf(stderr, _(usage_text), CATALOG_FILE);
            return CLI_ERROR;
        } else if (!dir) {
            dir = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "catalog", cli_t(argv[i]));
            return CLI_ERROR;
        }
    }
    if (!dir) {
        fprintf(stderr, _(usage_text), CATALOG_FILE);
        return CLI_ERROR;
    }
    if (cat_scan_dir(dir, 1, &l, skipped, &quiet, err, sizeof err) != 0) {
        fprintf(stderr, "smz catalog: %s\n", cli_t(err));
        goto out;
    }
    size_t plen = strlen(dir) + sizeof CATALOG_FILE + 1;
    if (cat_feed_xml(&l, &xml, &len) != 0 || !(path = malloc(plen))) {
        fprintf(stderr, _("smz %s: out of memory\n"), "catalog");
        goto out;
    }
    snprintf(path, plen, "%s/%s", dir, CATALOG_FILE);
    smz_err rc = smz_file_write(path, xml, len, 0, err, sizeof err);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz catalog: %s\n", cli_t(err));
        goto out;
    }
    if (!quiet)
        printf(N_("%s: %zu archive\n", "%s: %zu archives\n", l.n), cli_t(path), l.n);
    status = CLI_OK;
out:
    free(path);
    free(xml);
    cat_list_free(&l);
    return status;
}
