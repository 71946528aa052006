/* What lib/delta.c (diff, patch, signatures) and lib/delta_list.c (the
 * updates catalogs advertise) share: the update file's header. */
#ifndef SMZ_DELTA_PRIV_H
#define SMZ_DELTA_PRIV_H

#define UPD_MAGIC "smzupd2\n"
#define UPD_HEADER 176
#define MAX_FILE ((uint64_t)1 << 30) /* each of OLD and NEW */

#endif
