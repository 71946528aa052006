/* Building the full-text index: the steps smz-pack takes (lib/writer.c)
 * and smz patch takes again when it rebuilds a packed index from an
 * archive's pages (lib/search/rebuild.c), in one place, so that both give
 * the same bytes (docs/UPDATES.md, "Rebuilt, not carried"). */
#ifndef SMZ_SEARCH_BUILD_H
#define SMZ_SEARCH_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "smz/error.h"
#include "search/tokenizer.h"

/* The document indexed for a page (docs/FORMAT.md): its TITLE (NULL for
 * none), a newline, its TEXT (TL bytes; NULL for none), and when it has
 * EMPHASIS (its headings, EL bytes), a newline and those, which the
 * tokenizer counts for the term frequencies but does not index.  Sets *ALL
 * (malloc'd), *TOTAL, *NL (the title's length) and *EM (where the emphasis
 * starts, -1 for none).  SMZ_E_NOMEM on failure. */
smz_err smz__index_compose(const char *title, const char *text, size_t tl, const char *emphasis,
                           size_t el, char **all, size_t *total, size_t *nl, int *em);

/* How many bytes of postings FTS5 gathers in memory before it writes a
 * segment (its 'hashsize', 1 MiB by default, which took some 5 MB more
 * at the peak of a pack of 100,000 pages).  Part of what the index's
 * bytes depend on: the packer and a rebuild set the same. */
#define SMZ_INDEX_HASHSIZE_STR "131072"

/* Sets the full-text tables of DB's main schema up as smz-pack builds them
 * (the hashsize above), before any document.  Returns SQLite's code. */
int smz__index_configure(sqlite3 *db);

/* Indexes document ID (ALL, TOTAL, NL, EM as smz__index_compose gives
 * them; HUB: a page mostly of links) through FTS (INSERT INTO
 * search_fts(rowid,text) VALUES(?,?)) and, when it has a title, TITLE
 * (INSERT INTO search_title(rowid,title) VALUES(?,?)), with TOK the
 * tokenizer's settings on their database.  Returns SQLite's code:
 * SQLITE_DONE on success. */
int smz__index_insert(smz_tok_settings *tok, sqlite3_stmt *fts, sqlite3_stmt *title, int64_t id,
                      const char *all, size_t total, size_t nl, int em, int hub);

/* Merges each full-text table of DB's main schema into one segment (an
 * index of up to SMZ_ONE_LEAF bytes into one leaf).  Returns SQLite's code:
 * SQLITE_OK on success. */
int smz__index_optimize(sqlite3 *db);

#endif
