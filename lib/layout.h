/* Where the clusters' rows lie in a finished archive's file (docs/FORMAT.md,
 * "Layout").
 *
 * The writer makes the table clusters last, so that VACUUM copies its rows
 * last: one who reads the file from its start (a copy from a stick, a
 * download, smz pull checking the archive while it arrives) has the entry
 * table and the index before the clusters.  But SQLite puts a b-tree page
 * in the file when it first needs it: a row's overflow pages (its cluster's
 * bytes) are written before the leaf page that holds its cell, and the
 * table's first leaf only when the root page is full, after the first
 * seven or so clusters.  Nothing of those clusters can be read until that
 * leaf has arrived: on gen-100k, 77% into the clusters' bytes.
 *
 * smz__layout_tree_first moves the clusters table's b-tree pages (its
 * interior pages and leaves, in key order) before its overflow pages, which
 * keep their order, and rewrites every page number that points at a moved
 * page.  SQLite's own structure is unchanged: PRAGMA integrity_check finds
 * the same rows with the same bytes. */
#ifndef SMZ_LAYOUT_H
#define SMZ_LAYOUT_H

#include <stdint.h>
#include "smz/error.h"

/* Moves the b-tree pages of the table whose root page is ROOT in the
 * closed SQLite file PATH before its overflow pages, when that table's
 * pages other than its root are all the file's pages from some page to the
 * last and the file has no free page (what VACUUM leaves of a table made
 * last); else leaves the file as it is.  SMZ_OK, or an error with a message
 * in ERR (the file is then not to be used). */
smz_err smz__layout_tree_first(const char *path, uint32_t root, char *err, size_t errlen);

#endif
