/* smz cat: one entry's bytes to standard output, following redirects.  Opens
 * without a cache so that only the part of a cluster up to the entry is
 * decompressed; large entries stream out in pieces (smz_stream: a cluster
 * decoded once, in the memory of its window). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_("usage: smz cat ARCHIVE PATH\n");

int cmd_cat(int argc, char **argv)
{
    if (argc >= 2 && cli_is_help(argv[1])) {
        fputs(_(usage), stdout);
        /* TRANSLATORS: smz cat --help, after its usage line. */
        fputs(_("Writes the entry's bytes to standard output, following redirects (an empty PATH "
                "means the main page).\n"),
              stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(_(usage), stderr);
        return 2;
    }
    smz_reader *r = cli_open(argv[1], NULL);
    if (!r)
        return CLI_ERROR;
    smz_entry *e = NULL;
    unsigned char *buf = NULL;
    const char *p = argv[2];
    while (*p == '/')
        p++;
    smz_stream *st = NULL;
    smz_err rc = smz_reader_resolve(r, p, &e);
    if (rc == SMZ_OK)
        rc = smz_stream_open(r, e, 0, e->size, &st);
    if (rc == SMZ_OK) {
        size_t chunk = e->size < (1u << 20) ? (size_t)e->size : (1u << 20);
        if (!(buf = malloc(chunk ? chunk : 1)))
            rc = SMZ_E_NOMEM;
        for (uint64_t off = 0; rc == SMZ_OK && off < e->size; off += chunk) {
            size_t n = e->size - off < chunk ? (size_t)(e->size - off) : chunk;
            if ((rc = smz_stream_read(st, buf, n)) != SMZ_OK)
                break;
            if (fwrite(buf, 1, n, stdout) != n) {
                fprintf(stderr, _("smz %s: cannot write the output: %s\n"), "cat", strerror(errno));
                rc = SMZ_E_IO;
                break;
            }
        }
    }
    if (rc == SMZ_OK && fflush(stdout) != 0) {
        fprintf(stderr, _("smz %s: cannot write the output: %s\n"), "cat", strerror(errno));
        rc = SMZ_E_IO;
    } else if (rc != SMZ_OK && rc != SMZ_E_IO) {
        cli_fail("cat", r, rc);
    }
    free(buf);
    smz_stream_close(st);
    smz_entry_free(e);
    smz_reader_close(r);
    /* No such entry is the answer no; anything else kept it from being read. */
    return rc == SMZ_OK ? CLI_OK : rc == SMZ_E_NOTFOUND ? CLI_NO : CLI_ERROR;
}
