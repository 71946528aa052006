/* What lib/delta.c (diff, patch, signatures) and lib/delta_list.c (the
 * updates catalogs advertise) share: the update file's header. */
#ifndef SMZ_DELTA_PRIV_H
#define SMZ_DELTA_PRIV_H

#define UPD_MAGIC "smzupd2\n"
#define UPD_HEADER 176
#define MAX_FILE ((uint64_t)1 << 30) /* each of OLD and NEW */

#include <stdint.h>

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
int smz__upd_layout(const unsigned char *h, uint64_t size, const unsigned char *tail, uint64_t *body,
                    uint64_t *sig);
/* The same for the update open as FD (its last 16 bytes read from it). */
int smz__upd_layout_fd(int fd, uint64_t size, const unsigned char *h, uint64_t *body, uint64_t *sig);

#endif
