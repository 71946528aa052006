/* A packed index built again from an archive's pages, as smz-pack built it
 * (search/build.h), so that an update need not carry it: smz diff lists
 * which entries are indexed, under which id and how their text was found,
 * and smz patch rebuilds the index from that list and the pages of the
 * archive it rebuilt (docs/UPDATES.md, "Rebuilt, not carried"). */
#ifndef SMZ_PACK_REINDEX_H
#define SMZ_PACK_REINDEX_H

#include <stddef.h>
#include "smz/error.h"
#include "smz/reader.h"

/* The original smz-pack rendered the article page PAGE (NAME.html) from:
 * the first in path order of NAME.md and NAME.txt, when it is a text or
 * Markdown entry (lib/pack/entry.c renders the first and stores the
 * other as it is).  SMZ_OK with *OUT (smz_entry_free), SMZ_E_NOTFOUND, or
 * the reader's error. */
smz_err smz__article_original(smz_reader *r, const char *page, smz_entry **out);

/* The list for archive PATH (format 3, with a packed index): for each entry
 * in path order a varint, 0 when it is not indexed, else how its text was
 * found (pack/analyze.h, SMZ_INDEXED_*) followed by a varint, its id less
 * one more than the previous indexed entry's id (zigzag: 0 when the ids
 * run on).  How the text was found is guessed from the entries (an
 * article's page has its original beside it); smz diff checks the guess by
 * rebuilding.  *LIST is malloc'd.  *STEM: 1 when the index stems English. */
smz_err smz__reindex_list(const char *path, int lang, unsigned char **list, size_t *len, int *stem,
                          char *err, size_t errlen);

/* The packed index's decoded bytes (search/packed.h) for archive PATH's
 * pages indexed as LIST says (stemming English when STEM): *SER
 * (malloc'd) and *SER_LEN.  A list that does not fit the archive is
 * SMZ_E_CORRUPT; more than SMZ_REINDEX_MAX bytes of documents, or an index
 * too large to be packed, SMZ_E_TOOBIG. */
#define SMZ_REINDEX_MAX ((size_t)64 << 20)
smz_err smz__reindex_build(const char *path, int lang, const unsigned char *list, size_t len, int stem,
                           unsigned char **ser, size_t *ser_len, char *err, size_t errlen);

#endif
