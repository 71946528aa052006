/* What lib/delta.c (diff, patch, signatures) and lib/delta_list.c (the
 * updates catalogs advertise) share: the update file's header. */
#ifndef SMZ_DELTA_PRIV_H
#define SMZ_DELTA_PRIV_H

#define UPD_MAGIC "smzupd3\n"
#define MAX_FILE ((uint64_t)1 << 30) /* each of OLD and NEW */
#define UPD_OLD_SHA 16               /* the bytes of OLD's SHA-256 the header keeps */
/* The longest header: the magic, five varints, the hashes. */
#define UPD_HEADER_MAX (8 + 5 * 10 + UPD_OLD_SHA + 3 * 32)

#include <stddef.h>
#include <stdint.h>

/* An update's header (docs/UPDATES.md, The file). */
typedef struct upd_header {
    uint64_t old_size, new_size;
    unsigned char old_sha[UPD_OLD_SHA]; /* the first bytes of OLD's SHA-256 */
    unsigned char old_digest[32], new_sha[32], new_digest[32];
    uint64_t t, s, p; /* the table's, the skeleton's and the payloads' lengths */
    size_t len;       /* the header's own */
} upd_header;

/* Reads the header at B (N bytes of the file's start) into *H: 0; -1 when
 * the magic is not UPD_MAGIC (-2: another version's); -3 when it is cut
 * or malformed. */
int smz__upd_header_get(const unsigned char *b, size_t n, upd_header *h);
/* Writes H at OUT (UPD_HEADER_MAX bytes of room); returns its length. */
size_t smz__upd_header_put(const upd_header *h, unsigned char *out);

/* An embedded signature (docs/UPDATES.md, Signatures) follows the payloads:
 * the .minisig text (G bytes, at most UPD_SIG_MAX), G (8 bytes), then these
 * 8 bytes. */
#define UPD_SIG_MAGIC "smzusig1"
#define UPD_SIG_MAX 4096

/* Where an update of SIZE bytes whose header is H ends and its embedded
 * signature lies: *BODY gets the header, table, pages and payloads' length,
 * *SIG their embedded signature's (0: none); TAIL is the file's last 16
 * bytes (read only when SIZE is not the body's).  0, or -1 when the lengths
 * do not add up. */
int smz__upd_layout(const upd_header *h, uint64_t size, const unsigned char *tail, uint64_t *body,
                    uint64_t *sig);
/* The same for the update open as FD (its last 16 bytes read from it). */
int smz__upd_layout_fd(int fd, uint64_t size, const upd_header *h, uint64_t *body, uint64_t *sig);
/* Reads the header of the update open as FD (SIZE bytes) into *H and its
 * layout: 0; -1 (not an update), -2 (another version's), -3 (damaged: cut,
 * malformed, or lengths that do not add up), -4 (cannot be read). */
int smz__upd_read_fd(int fd, uint64_t size, upd_header *h, uint64_t *body, uint64_t *sig);

#endif
