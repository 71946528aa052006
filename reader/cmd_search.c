/* smz search and smz suggest: thin front-ends over smz_search() and
 * smz_suggest().  Exit status as grep's: 0 with hits, 1 with none, 2 for a
 * usage error or any failure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/i18n.h"
#include "cli.h"
#include "smz/search.h"

/* Prints the HTML snippet S as terminal text: entities decoded, the <b>
 * marks as bold (on a terminal) or as [ and ]. */
static void put_snippet(const char *s, int tty)
{
    static const struct {
        const char *ent, *ch;
    } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
    while (*s) {
        if (!strncmp(s, "<b>", 3)) {
            fputs(tty ? "\033[1m" : "[", stdout);
            s += 3;
            continue;
        }
        if (!strncmp(s, "</b>", 4)) {
            fputs(tty ? "\033[0m" : "]", stdout);
            s += 4;
            continue;
        }
        size_t i, n = 0;
        for (i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (!strncmp(s, ents[i].ent, (n = strlen(ents[i].ent))))
                break;
        if (i < sizeof ents / sizeof ents[0]) {
            fputs(ents[i].ch, stdout);
            s += n;
        } else if (*s == '\n') {
            putchar(' ');
            s++;
        } else {
            /* Up to the next mark, entity or newline, shown escaped. */
            size_t run = strcspn(s, "<&\n");
            if (run == 0)
                run = 1;
            fputs(cli_tn(s, run), stdout);
            s += run;
        }
    }
}

/* A suggestion's line on a terminal: its path, a tab, and its title with
 * the stretches that matched the text typed in bold. */
static void put_title(const smz_hit *h)
{
    size_t at = 0, len = strlen(h->title);
    printf("%s\t", cli_t(h->path));
    for (size_t k = 0; k < h->nmatch; k++) {
        const smz_span *m = &h->match[k];
        if (m->start < at || m->start > len || m->len > len - m->start)
            break;
        fputs(cli_tn(h->title + at, m->start - at), stdout);
        printf("\033[1m%s\033[0m", cli_tn(h->title + m->start, m->len));
        at = m->start + m->len;
    }
    printf("%s\n", cli_tn(h->title + at, len - at));
}

/* The "did_you_mean" and "words" members of the JSON answer (the words
 * with alternatives only), and "fuzzy" when the search used them. */
static void put_fixes(cli_json *j, const smz_correction *fix, int fuzzy)
{
    fputs(", \"did_you_mean\": ", stdout);
    if (fix->did_you_mean)
        cli_json_str(j, stdout, fix->did_you_mean, -1);
    else
        fputs("null", stdout);
    fputs(", \"words\": [", stdout);
    int first = 1;
    for (size_t i = 0; i < fix->n; i++) {
        const smz_fix *x = &fix->words[i];
        if (!x->n)
            continue;
        fputs(first ? "\n  {\"word\": " : ",\n  {\"word\": ", stdout);
        first = 0;
        cli_json_str(j, stdout, x->word, -1);
        printf(", \"pages\": %llu, \"corrected\": %s, \"alternatives\": [", (unsigned long long)x->docs,
               x->corrected ? "true" : "false");
        for (size_t k = 0; k < x->n; k++) {
            fputs(k ? ", {\"word\": " : "{\"word\": ", stdout);
            cli_json_str(j, stdout, x->alts[k], -1);
            printf(", \"pages\": %llu}", (unsigned long long)x->alt_docs[k]);
        }
        fputs("]}", stdout);
    }
    printf("%s]%s", first ? "" : "\n", fuzzy ? ", \"fuzzy\": true" : "");
}

static int parse_count(const char *cmd, const char *opt, const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = v ? strtoull(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || v[0] == '-' || n > 1000000) {
        fprintf(stderr, _("smz %s: %s needs a number from 0 to 1000000\n"), cmd, opt);
        return -1;
    }
    *out = (size_t)n;
    return 0;
}

static int run(int suggest, int argc, char **argv)
{
    const char *cmd = suggest ? "suggest" : "search";
    const char *usage =
        suggest ? _("usage: smz suggest ARCHIVE PREFIX [--limit N] [--json]\n")
                : _("usage: smz search ARCHIVE QUERY [--limit N] [--offset N] [--no-snippets] [--fuzzy] "
                    "[--json]\n");
    const char *path = NULL, *query = NULL;
    size_t limit = 10, offset = 0;
    int json = 0, no_snippets = 0, fuzzy = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            fputs(
                suggest
                    /* TRANSLATORS: smz suggest --help, after its usage line: keep the options, PREFIX
                       and the JSON; translate the rest. */
                    ? _("Titles holding the words of PREFIX anywhere, the last one as the start of a\n"
                        "word (case- and accent-insensitive; for Chinese, Japanese and Korean, titles\n"
                        "holding the characters typed), best first: the title that is PREFIX, titles\n"
                        "that begin with it, titles whose first word matches, then the others.  On a\n"
                        "terminal the matched words are in bold.\n"
                        "--limit N (default 10, at most 100); --json prints {\"total\":N,\"results\":\n"
                        "[{\"path\",\"title\",\"snippet\",\"score\",\"match\"}]}, \"match\" the matched\n"
                        "stretches of the title as [start, length] in characters.\n")
                    /* TRANSLATORS: smz search --help, after its usage line: keep the options, the
                       JSON, the search syntax ("quoted phrase", prefix*, -excluded) and the
                       examples Uyghur, Uighur, Uygur; "did you mean" is what smz prints in your
                       language then; translate the rest. */
                    : _("Full-text search, best first: path, title and a snippet with the matched words\n"
                        "marked, then about how many pages match.  Words are ANDed; \"quoted phrase\",\n"
                        "prefix*, -excluded; everything else is taken literally.\n"
                        "--limit N (default 10, at most 100), --offset N (skip N hits);\n"
                        "--no-snippets: paths and titles only (pages are then read only to check a\n"
                        "phrase; the fastest way to list hits);\n"
                        "--fuzzy: each word also finds its spelling variants (Uyghur: Uighur, Uygur),\n"
                        "and a word no page holds is replaced by its likeliest correction; without it\n"
                        "(--no-fuzzy, the default), a search that finds nothing says \"did you mean\"\n"
                        "on standard error when the archive's words suggest a correction;\n"
                        "--json prints {\"total\":N,\"results\":[{\"path\",\"title\",\"snippet\",\"score\"}],\n"
                        "\"did_you_mean\":\"...\"|null,\"words\":[{\"word\",\"pages\",\"alternatives\"}]}\n"
                        "(snippets as HTML).  Exit status: 0 hits, 1 none, 2 usage error or failure.\n"),
                stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--limit") || !strcmp(argv[i], "-n")) {
            if (parse_count(cmd, "--limit", i + 1 < argc ? argv[++i] : NULL, &limit))
                return 2;
        } else if (!suggest && !strcmp(argv[i], "--no-snippets")) {
            no_snippets = 1;
        } else if (!suggest && !strcmp(argv[i], "--fuzzy")) {
            fuzzy = 1;
        } else if (!suggest && !strcmp(argv[i], "--no-fuzzy")) {
            fuzzy = 0;
        } else if (!suggest && !strcmp(argv[i], "--offset")) {
            if (parse_count(cmd, "--offset", i + 1 < argc ? argv[++i] : NULL, &offset))
                return 2;
        } else if (!path) {
            path = argv[i];
        } else if (!query) {
            query = argv[i];
        } else {
            fprintf(stderr, _("smz %s: unexpected argument '%s' (quote a query of several words)\n"),
                    cmd, cli_t(argv[i]));
            return 2;
        }
    }
    if (!path || !query) {
        fputs(usage, stderr);
        return 2;
    }
    smz_cache *cache = smz_cache_new(0);
    smz_reader *r = cli_open(path, cache);
    if (!r) {
        smz_cache_free(cache);
        return 2;
    }
    smz_results *res = NULL;
    smz_correction *fix = NULL;
    unsigned flags = no_snippets ? SMZ_SEARCH_NO_SNIPPETS : 0;
    smz_err rc = suggest ? smz_suggest(r, query, limit, &res)
                 : fuzzy ? smz_search_fuzzy(r, query, limit, offset, flags, &res)
                         : smz_search_ex(r, query, limit, offset, flags, &res);
    int status = 2;
    if (rc != SMZ_OK) {
        cli_fail(cmd, r, rc);
        goto out;
    }
    /* The corrections cost a few thousand index look-ups: only when they
     * are shown (the JSON, a search that found nothing). */
    if (!suggest && (json || !res->n) && (rc = smz_correct(r, query, &fix)) != SMZ_OK) {
        cli_fail(cmd, r, rc);
        goto out;
    }
    if (json) {
        cli_json *j = cli_json_new();
        if (!j) {
            fprintf(stderr, _("smz %s: out of memory\n"), cmd);
            goto out;
        }
        printf("{\"total\": %llu, \"results\": [", (unsigned long long)res->total);
        for (size_t i = 0; i < res->n; i++) {
            const smz_hit *h = &res->hits[i];
            printf("%s\n  {\"path\": ", i ? "," : "");
            cli_json_str(j, stdout, h->path, -1);
            fputs(", \"title\": ", stdout);
            cli_json_str(j, stdout, h->title, -1);
            fputs(", \"snippet\": ", stdout);
            cli_json_str(j, stdout, h->snippet, -1);
            printf(", \"score\": %.6g", h->score);
            if (suggest) {
                fputs(", \"match\": [", stdout);
                for (size_t k = 0; k < h->nmatch; k++)
                    printf("%s[%zu, %zu]", k ? ", " : "", h->match[k].cstart, h->match[k].clen);
                putchar(']');
            }
            putchar('}');
        }
        printf("%s]%s", res->n ? "\n" : "", res->partial ? ", \"partial\": true" : "");
        if (fix)
            put_fixes(j, fix, fuzzy);
        puts("}");
        cli_json_free(j);
    } else {
        int tty = isatty(STDOUT_FILENO);
        for (size_t i = 0; i < res->n; i++) {
            const smz_hit *h = &res->hits[i];
            if (suggest && tty)
                put_title(h);
            else
                printf("%s\t%s\n", cli_t(h->path), cli_t(h->title));
            if (!suggest && h->snippet[0]) {
                fputs("    ", stdout);
                put_snippet(h->snippet, tty);
                putchar('\n');
            }
        }
        if (!suggest) {
            unsigned long long t = (unsigned long long)res->total;
            if (res->total > res->n)
                /* TRANSLATORS: smz search, after the hits shown: an estimate of all of them. */
                printf(N_("about %llu match\n", "about %llu matches\n", t), t);
            else
                printf(N_("%llu match\n", "%llu matches\n", t), t);
        }
    }
    if (fix && fix->did_you_mean && !json && !res->n)
        fprintf(stderr, _("smz %s: did you mean: %s\n"), cmd, cli_t(fix->did_you_mean));
    if (res->partial)
        fprintf(stderr,
                _("smz %s: the search stopped early: this archive's pages cost more to read "
                  "than one search may, so the results are partial\n"),
                cmd);
    status = res->n ? 0 : 1;
out:
    if (fflush(stdout) != 0 && status != 2) {
        fprintf(stderr, _("smz %s: cannot write the results\n"), cmd);
        status = 2;
    }
    smz_results_free(res);
    smz_correction_free(fix);
    smz_reader_close(r);
    smz_cache_free(cache);
    return status;
}

int cmd_search(int argc, char **argv)
{
    return run(0, argc, argv);
}

int cmd_suggest(int argc, char **argv)
{
    return run(1, argc, argv);
}
