/* smz: the command-line reader.  Dispatches to one file per subcommand;
 * every subcommand is a thin layer over the library's public API.  libxml2
 * is set up when it is loaded (reader/lazy.c), not here: most commands never
 * load it. */
#include <archive.h>
#include <civetweb.h>
#include <libxml/xmlversion.h>
#include <libxml/globals.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>
#include "../common/i18n.h"
#include "../common/version.h"
#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    /* TRANSLATORS: smz --help: what each command does (the list's second column). */
    {"info", cmd_info, SMZ_N_("metadata, counts by MIME type, sizes, digest")},
    {"ls", cmd_ls, SMZ_N_("list entries")},
    {"cat", cmd_cat, SMZ_N_("write one entry to standard output")},
    {"extract", cmd_extract, SMZ_N_("write entries to a folder or to a tar/zip")},
    {"check", cmd_check, SMZ_N_("verify checksums, entries, redirects, digest (and signatures)")},
    {"verify", cmd_verify, SMZ_N_("check an archive's signatures against trusted keys")},
    {"keygen", cmd_keygen, SMZ_N_("make a minisign key pair for smz-pack --sign")},
    {"search", cmd_search, SMZ_N_("full-text search")},
    {"suggest", cmd_suggest, SMZ_N_("title suggestions for a prefix")},
    {"serve", cmd_serve, SMZ_N_("serve archives to a web browser")},
    {"split", cmd_split, SMZ_N_("cut an archive into parts NAME.smz.001, ... (FAT32 sticks)")},
    {"join", cmd_join, SMZ_N_("put a split archive back into one file")},
    {"upgrade", cmd_upgrade, SMZ_N_("rewrite an archive in the current format version")},
    {"stick", cmd_stick, SMZ_N_("lay out a stick: archives, programs, browser reader, START.html")},
    {"catalog", cmd_catalog, SMZ_N_("write a folder's catalog, so that smz pull can mirror it")},
    {"pull", cmd_pull, SMZ_N_("mirror the archives of a folder, a web folder or an smz serve")},
    {"diff", cmd_diff, SMZ_N_("write the update that turns one archive into another")},
    {"patch", cmd_patch, SMZ_N_("rebuild an archive from its old version and an update")},
    {"reader-html", cmd_reader_html, SMZ_N_("write smz-reader.html, the reader for any web browser")},
};

/* smz --version: the libraries smz runs with (libarchive, libxml2 and
 * CivetWeb are loaded here for their version calls, reader/lazy.c). */
static void version(void)
{
    char xml[32];
    const version_lib libs[] = {
        {"zstd", ZSTD_versionString()},
        {"SQLite", sqlite3_libversion()},
        {"libsodium", sodium_version_string()},
        {"libarchive", version_libarchive(archive_version_string())},
        {"libxml2", version_libxml2(xmlParserVersion, xml, sizeof xml)},
        {"CivetWeb", mg_version()},
    };
    version_print(stdout, "smz", libs, sizeof libs / sizeof libs[0]);
}

/* smz --help, in the command line's language (common/i18n.h). */
static void usage(FILE *f)
{
    /* TRANSLATORS: smz --help's first line: keep smz, --help and the brackets; the upper-case words
       may be translated. */
    fputs(_("usage: smz COMMAND ARCHIVE [ARGS...]   (smz COMMAND --help for more)\n"), f);
    fprintf(f, "       smz --version\n\n%s\n", _("commands:"));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, _(commands[i].help));
}

int main(int argc, char **argv)
{
    i18n_setup();
    /* Before any hash: libsodium picks its fastest BLAKE2b (AVX2) in
     * sodium_init and hashes with the portable code until then, which smz
     * pull's and smz catalog's hashes of whole files ran on (the library
     * calls it when an archive is opened, after those).  A failure here is
     * the library's to report, where it needs libsodium. */
    if (sodium_init() < 0) {
        /* nothing: see above */
    }
    /* SQLite counts every allocation under one process-wide mutex unless
     * told not to (before its first use): two threads reading archives at
     * once (smz check's two halves, smz serve's requests) took turns on it. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        version();
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].fn(argc - 1, argv + 1);
            if (cli_output_lost() && rc != 130) {
                fflush(stdout);
                fprintf(stderr, _("smz %s: out of memory: part of the output could not be written\n"),
                        argv[1]);
                return 2;
            }
            return rc;
        }
    fprintf(stderr, _("smz: unknown command '%s'\n"), argv[1]);
    usage(stderr);
    return 2;
}
