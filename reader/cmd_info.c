/* smz info: what an archive holds, for people (default) or scripts (--json). */
#include <stdlib.h>
#include <string.h>
#include "smz/verify.h"
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_("usage: smz info ARCHIVE [--json]\n");

static const char *const keys[] = {"Name",      "Title",     "Description", "Language", "Creator",
                                   "Publisher", "Date",      "Tags",        "Source",   "License",
                                   "MainPage",  "Generated", "UUID",        "Digest",   NULL};

int cmd_info(int argc, char **argv)
{
    int json = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(usage), stdout);
            /* TRANSLATORS: smz info --help, after its usage line. */
            fputs(_("Shows metadata, entry counts by MIME type, sizes, compression ratio and the "
                    "content digest.\n"),
                  stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s'\n"), "info", cli_t(argv[i]));
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
    smz_stats st;
    smz_err rc = smz_reader_stats(r, &st);
    cli_json *j = json ? cli_json_new() : NULL;
    /* Every value is read once, here: a damaged one (or one that cannot be
     * read for want of memory) is an error, not a line left out. */
    char *vals[sizeof keys / sizeof keys[0]] = {0};
    size_t lens[sizeof keys / sizeof keys[0]] = {0};
    for (int i = 0; rc == SMZ_OK && keys[i]; i++) {
        smz_err mr = smz_reader_meta(r, keys[i], &vals[i], &lens[i]);
        if (mr != SMZ_OK && mr != SMZ_E_NOTFOUND)
            rc = mr;
    }
    char *illus = NULL;
    size_t illus_len = 0;
    smz_err ir = rc ? rc : smz_reader_meta(r, "Illustration_48x48@1", &illus, &illus_len);
    free(illus);
    int has_illus = ir == SMZ_OK;
    if (ir != SMZ_OK && ir != SMZ_E_NOTFOUND)
        rc = ir;
    /* Who signed, as the embedded signature claims (smz verify checks it). */
    char signer[SMZ_KEYID_SIZE] = "";
    smz_err sr = rc ? rc : smz_archive_signer(r, signer);
    if (sr != SMZ_OK && sr != SMZ_E_NOTFOUND && sr != SMZ_E_INVALID)
        rc = sr;
    int status = CLI_ERROR;
    if (rc != SMZ_OK || (json && !j)) {
        cli_fail("info", r, rc ? rc : SMZ_E_NOMEM);
        goto out;
    }
    double ratio = st.content_bytes ? (double)st.file_bytes / (double)st.content_bytes : 0;
    if (json) {
        printf("{\"metadata\": {");
        int first = 1;
        for (int i = 0; keys[i]; i++) {
            if (!vals[i])
                continue;
            printf("%s\"%s\": ", first ? "" : ", ", keys[i]);
            cli_json_str(j, stdout, vals[i], (long)lens[i]);
            first = 0;
        }
        printf("}, \"signature_key_id\": ");
        if (sr == SMZ_OK)
            printf("\"%s\"", signer);
        else
            printf("null");
        printf(", \"has_illustration\": %s, \"format_version\": %d, \"entries\": %llu, "
               "\"redirects\": %llu, \"articles\": %llu, \"clusters\": %llu, \"content_bytes\": %llu, "
               "\"file_bytes\": %llu, \"index_bytes\": %llu, \"has_index\": %s, \"ratio\": %.4f, "
               "\"mime_types\": [",
               has_illus ? "true" : "false", st.format_version, (unsigned long long)st.entries,
               (unsigned long long)st.redirects, (unsigned long long)st.articles,
               (unsigned long long)st.clusters, (unsigned long long)st.content_bytes,
               (unsigned long long)st.file_bytes, (unsigned long long)st.index_bytes,
               st.has_index ? "true" : "false", ratio);
        for (size_t i = 0; i < st.n_mimes; i++) {
            printf("%s{\"mime\": ", i ? ", " : "");
            cli_json_str(j, stdout, st.mimes[i].mime, -1);
            printf(", \"entries\": %llu, \"bytes\": %llu}", (unsigned long long)st.mimes[i].entries,
                   (unsigned long long)st.mimes[i].bytes);
        }
        printf("]}\n");
    } else {
        for (int i = 0; keys[i]; i++)
            if (vals[i])
                printf("%-12s %s\n", keys[i], cli_tn(vals[i], lens[i]));
        if (sr == SMZ_OK)
            printf("%-12s key %s (smz verify checks it)\n", "Signature", signer);
        else
            printf("%-12s %s\n", "Signature", sr == SMZ_E_NOTFOUND ? "none" : "malformed");
        printf("%-12s %s\n", "Illustration", has_illus ? "48x48 PNG" : "none");
        printf("%-12s %d\n", "Format", st.format_version);
        printf("%-12s %llu (%llu redirects)\n", "Entries", (unsigned long long)st.entries,
               (unsigned long long)st.redirects);
        printf("%-12s %llu\n", "Articles", (unsigned long long)st.articles);
        printf("%-12s %llu\n", "Clusters", (unsigned long long)st.clusters);
        printf("%-12s %.2f MB of content in a %.2f MB file (%.1f%%)\n", "Size",
               (double)st.content_bytes / 1e6, (double)st.file_bytes / 1e6, ratio * 100);
        if (st.has_index)
            printf("%-12s %.2f MB (%.1f%% of the file)\n", "Index", (double)st.index_bytes / 1e6,
                   st.file_bytes ? 100.0 * (double)st.index_bytes / (double)st.file_bytes : 0);
        else
            printf("%-12s none\n", "Index");
        printf("MIME types:\n");
        for (size_t i = 0; i < st.n_mimes; i++)
            printf("  %8llu  %10.2f MB  %s\n", (unsigned long long)st.mimes[i].entries,
                   (double)st.mimes[i].bytes / 1e6, cli_t(st.mimes[i].mime));
    }
    status = 0;
out:
    for (int i = 0; keys[i]; i++)
        free(vals[i]);
    cli_json_free(j);
    smz_stats_free(&st);
    smz_reader_close(r);
    return status;
}
