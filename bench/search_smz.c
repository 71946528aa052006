/* Every hit of every query through the public search API (include/smz/search.h),
 * for the recall benchmark of bench/run.sh; bench/search_zim.cpp does the same
 * through libzim's Searcher (the engine under kiwix-search and kiwix-serve).
 * Prints "QUERY<TAB>PATH" for each hit, all pages (100 hits a page).
 * Built only when build/libsmz.a holds the search library.
 * Usage: search_smz ARCHIVE QUERIES_FILE (one query a line) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smz/reader.h"
#include "smz/search.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: search_smz ARCHIVE QUERIES_FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    smz_reader *r = NULL;
    smz_err rc = smz_reader_open(argv[1], NULL, &r);
    if (rc != SMZ_OK) {
        fprintf(stderr, "search_smz: %s: %s\n", argv[1], smz_strerror(rc));
        return 1;
    }
    char line[4096];
    int status = 0;
    while (!status && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line)
            continue;
        for (size_t off = 0; off < 1000000;) {
            smz_results *res = NULL;
            rc = smz_search(r, line, 100, off, &res);
            if (rc != SMZ_OK) {
                fprintf(stderr, "search_smz: %s: %s (%s)\n", line, smz_strerror(rc), smz_reader_errmsg(r));
                status = 1;
                break;
            }
            for (size_t i = 0; i < res->n; i++)
                printf("%s\t%s\n", line, res->hits[i].path);
            size_t n = res->n;
            smz_results_free(res);
            if (n < 100)
                break;
            off += n;
        }
    }
    fclose(f);
    smz_reader_close(r);
    return status;
}
