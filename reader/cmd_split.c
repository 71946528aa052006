/* smz split and smz join: cut an archive into parts NAME.smz.001, ... for
 * file systems that cap a file's size (FAT32), and put a set back into one
 * file.  The parts are byte ranges (smz/split.h), so `cat` joins them too;
 * smz join checks the set first and names a missing or wrong part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smz/sign.h"
#include "smz/split.h"
#include "../common/i18n.h"
#include "cli.h"
#include "cli_sig.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char split_usage[] = SMZ_N_(
    "usage: smz split ARCHIVE --size SIZE [--sign KEY.sec [--password-file FILE]]\n");
/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char join_usage[] = SMZ_N_("usage: smz join PART_OR_STEM -o OUT\n");

int cmd_split(int argc, char **argv)
{
    const char *path = NULL, *size = NULL, *key = NULL, *pw_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(split_usage), stdout);
            /* TRANSLATORS: smz split --help, after its usage line: keep the options, the upper-case
               words, the file names and the commands in `...`; translate the rest. */
            fputs(_("Cuts ARCHIVE (NAME.smz) into NAME.smz.001, NAME.smz.002, ... of at most SIZE "
                    "bytes each\n(K, M, G: powers of 1024; 4G means 4 GiB minus one byte, FAT32's "
                    "limit), and writes the manifest NAME.parts (every part's size and BLAKE2b,\n"
                    "so that `smz check` can name a damaged part); with --sign, its signature\n"
                    "NAME.parts.minisig (the key's password from FILE, SMZ_PASSWORD or a prompt).\n"
                    "Every smz command reads the set; `smz join` or `cat NAME.smz.*` puts it\n"
                    "back.\n"),
                  stdout);
            return 0;
        } else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            size = argv[++i];
        } else if (!strcmp(argv[i], "--sign") && i + 1 < argc) {
            key = argv[++i];
        } else if (!strcmp(argv[i], "--password-file") && i + 1 < argc) {
            pw_file = argv[++i];
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "split", cli_t(argv[i]));
            fputs(_(split_usage), stderr);
            return 2;
        }
    }
    uint64_t part;
    if (!path || !size) {
        fputs(_(split_usage), stderr);
        return 2;
    }
    if (smz_split_parse_size(size, &part) != SMZ_OK) {
        fprintf(stderr,
                _("smz split: --size %s: not a size of at least 512 bytes (like 4G, 700M, 64K)\n"),
                cli_t(size));
        return 2;
    }
    /* The key before any cut: a wrong password leaves nothing behind. */
    smz_seckey *sk = NULL;
    if (key && !(sk = cli_load_seckey("split", key, pw_file)))
        return CLI_ERROR;
    /* Only an archive is cut: the reader's checks first. */
    smz_reader *r = cli_open(path, NULL);
    if (!r) {
        smz_seckey_free(sk);
        return CLI_ERROR;
    }
    char *uuid = NULL;
    size_t ulen = 0;
    if (smz_reader_meta(r, "UUID", &uuid, &ulen) != SMZ_OK) {
        free(uuid);
        uuid = NULL;
    }
    smz_reader_close(r);
    smz_split *s = NULL;
    smz_err rc = smz_split_cut(path, NULL, part, i18n_cli(), &s);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz split: %s\n", cli_t(smz_split_errmsg(s)));
        smz_split_close(s);
        smz_seckey_free(sk);
        free(uuid);
        return CLI_ERROR;
    }
    /* The manifest is optional: the set is whole without it, so a failure
     * here is a warning, and a stale manifest of an earlier set goes.  A
     * signature asked for and not made is an error. */
    smz_parts *m = NULL;
    int status = CLI_OK;
    if (smz_parts_write(s, path, uuid, &m) != SMZ_OK) {
        if (sk)
            fprintf(stderr, "smz split: %s\n", cli_t(smz_parts_errmsg(m)));
        else
            fprintf(stderr, _("smz split: warning: no manifest: %s\n"), cli_t(smz_parts_errmsg(m)));
        if (m)
            remove(smz_parts_path(m));
        status = sk ? CLI_ERROR : CLI_OK;
    } else if (sk && smz_parts_sign(m, sk) != SMZ_OK) {
        fprintf(stderr, "smz split: %s\n", cli_t(smz_parts_errmsg(m)));
        status = CLI_ERROR;
    }
    smz_parts_free(m);
    smz_seckey_free(sk);
    free(uuid);
    printf(_("%s: %u parts of %llu bytes (the last %llu)\n"), cli_t(path), smz_split_parts(s),
           (unsigned long long)smz_split_part_size(s),
           (unsigned long long)(smz_split_size(s) -
                                (uint64_t)(smz_split_parts(s) - 1) * smz_split_part_size(s)));
    smz_split_close(s);
    return status;
}

int cmd_join(int argc, char **argv)
{
    const char *path = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(join_usage), stdout);
            /* TRANSLATORS: smz join --help, after its usage line. */
            fputs(_("Writes the archive that the split set holds (given any part, or the stem "
                    "NAME.smz)\nto OUT, after checking that every part is there and fits.\n"),
                  stdout);
            return 0;
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "join", cli_t(argv[i]));
            fputs(_(join_usage), stderr);
            return 2;
        }
    }
    if (!path || !out) {
        fputs(_(join_usage), stderr);
        return 2;
    }
    smz_split *s = NULL;
    smz_err rc = smz_split_open_lang(path, i18n_cli(), &s);
    if (rc == SMZ_OK)
        rc = smz_split_join(s, out);
    if (rc != SMZ_OK)
        fprintf(stderr, "smz join: %s\n", cli_t(smz_split_errmsg(s)));
    smz_split_close(s);
    return rc == SMZ_OK ? CLI_OK : CLI_ERROR;
}
