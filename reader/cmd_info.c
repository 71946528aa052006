/* smz info: what an archive holds, for people (default) or scripts (--json). */
#include <stdlib.h>
#include <string.h>
#include "smz/verify.h"
#include "../common/i18n.h"
#include "cli.h"

/* TRANSLATORS: the first line of a command's --help and of its usage error: keep smz, the command,
   the options and the brackets; "usage:" and the upper-case words may be translated. */
static const char usage[] = SMZ_N_("usage: smz info ARCHIVE [--json]\n");

/* The metadata shown, by key; each key is also its label, in the command
 * line's language (context "smz info"). */
static const char *const keys[] = {
    /* TRANSLATORS: smz info's labels: an archive's metadata keys and what it holds, at the start of
       each line.  MainPage: the archive's main page; Generated: the program that packed it; Digest:
       the content digest. */
    NC_("smz info", "Name"),     NC_("smz info", "Title"),    NC_("smz info", "Description"),
    NC_("smz info", "Language"), NC_("smz info", "Creator"),  NC_("smz info", "Publisher"),
    NC_("smz info", "Date"),     NC_("smz info", "Tags"),     NC_("smz info", "Source"),
    NC_("smz info", "License"),  NC_("smz info", "MainPage"), NC_("smz info", "Generated"),
    NC_("smz info", "UUID"),     NC_("smz info", "Digest"),   NULL};

/* LABEL, then spaces up to column COL, and one more. */
static void label(const char *l, size_t col)
{
    size_t w = smz_term_width(l, strlen(l));
    printf("%s%*s ", l, (int)(col > w ? col - w : 0), "");
}

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
        /* The labels in the command line's language, lined up by the
         * columns they take (a Chinese character takes two); at least 12,
         * as the English ones always were. */
        const char *lab[sizeof keys / sizeof keys[0]];
        const char *sig = C_("smz info", "Signature"), *ill = C_("smz info", "Illustration"),
                   *fmt = C_("smz info", "Format"), *ent = C_("smz info", "Entries"),
                   *art = C_("smz info", "Articles"), *clu = C_("smz info", "Clusters"),
                   *siz = C_("smz info", "Size"), *idx = C_("smz info", "Index");
        for (int i = 0; keys[i]; i++)
            lab[i] = i18n_cli_ctx("smz info", keys[i]);
        const char *fixed[] = {sig, ill, fmt, ent, art, clu, siz, idx};
        size_t col = 12;
        for (int i = 0; keys[i]; i++)
            if (vals[i] && smz_term_width(lab[i], strlen(lab[i])) > col)
                col = smz_term_width(lab[i], strlen(lab[i]));
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
            if (smz_term_width(fixed[i], strlen(fixed[i])) > col)
                col = smz_term_width(fixed[i], strlen(fixed[i]));
        for (int i = 0; keys[i]; i++)
            if (vals[i]) {
                label(lab[i], col);
                printf("%s\n", cli_tn(vals[i], lens[i]));
            }
        label(sig, col);
        if (sr == SMZ_OK)
            printf(_("key %s (smz verify checks it)\n"), signer);
        else
            printf("%s\n", sr == SMZ_E_NOTFOUND ? C_("smz info", "none") : _("malformed"));
        label(ill, col);
        printf("%s\n", has_illus ? "48x48 PNG" : C_("smz info", "none"));
        label(fmt, col);
        printf("%d\n", st.format_version);
        label(ent, col);
        /* TRANSLATORS: smz info's Entries line: all entries, then how many of them are redirects
           (any number: "redirects: %llu" where the plural would need agreement). */
        printf(_("%llu (%llu redirects)\n"), (unsigned long long)st.entries,
               (unsigned long long)st.redirects);
        label(art, col);
        printf("%llu\n", (unsigned long long)st.articles);
        label(clu, col);
        printf("%llu\n", (unsigned long long)st.clusters);
        label(siz, col);
        printf(_("%.2f MB of content in a %.2f MB file (%.1f%%)\n"), (double)st.content_bytes / 1e6,
               (double)st.file_bytes / 1e6, ratio * 100);
        label(idx, col);
        if (st.has_index)
            printf(_("%.2f MB (%.1f%% of the file)\n"), (double)st.index_bytes / 1e6,
                   st.file_bytes ? 100.0 * (double)st.index_bytes / (double)st.file_bytes : 0);
        else
            printf("%s\n", C_("smz info", "none"));
        printf("%s\n", _("MIME types:"));
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
