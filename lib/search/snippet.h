/* Result snippets for contentless FTS5 tables.  An archive's index is
 * created with content='' (the text lives compressed elsewhere), so FTS5's
 * own snippet() and highlight() have no text to read.  smz_snippet is an
 * FTS5 auxiliary function that is handed the row's text instead:
 *
 *   SELECT rowid, smz_snippet(search_fts, ?text, 1, '<b>', '</b>', '…', 24)
 *   FROM search_fts WHERE search_fts MATCH ?query
 *
 * Arguments after the table: the row's text (the same text that was
 * indexed in that column), the column index, the opening and closing
 * markers, the ellipsis, and the window size in tokens (1 to 256).
 *
 * It takes the hit positions of the query's phrases in that column from the
 * index (xInst), turns token positions into byte offsets by running the
 * table's own tokenizer over the text (colocated tokens such as the CJK
 * bigrams share their position), picks the window of that many tokens that
 * holds the most distinct phrases (then the most hits), centres the hits in
 * it, and returns it as HTML: the text with & < > " ' escaped, invalid UTF-8
 * as U+FFFD, each hit wrapped in the markers (inserted as they are), and
 * the ellipsis where the window cuts the text.  Cuts fall between tokens,
 * never inside a character; a run of more than 100 bytes between two tokens,
 * or a token of more than 200 bytes, is shortened with the ellipsis.
 * With no hit in the column, it returns the text's first tokens.  A NULL
 * text gives NULL.  Text that does not match the index (the wrong row's)
 * gives a snippet without highlights, never an error or a crash. */
#ifndef SMZ_SEARCH_SNIPPET_H
#define SMZ_SEARCH_SNIPPET_H

#include <sqlite3.h>
#include "smz/error.h"

#define SMZ_SNIPPET_MAX_TOKENS 256

/* Registers smz_snippet on DB, which keeps it until closed.  Returns SMZ_OK,
 * SMZ_E_UNSUPPORTED without FTS5, or SMZ_E_NOMEM. */
smz_err smz_snippet_register(sqlite3 *db);

#endif
