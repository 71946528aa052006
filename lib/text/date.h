/* Calendar dates as the format writes them, YYYY-MM-DD: one check of a
 * real date for the metadata Date value, the Articles dates, the article
 * pages and smz check, so that they agree on which dates exist. */
#ifndef SMZ_TEXT_DATE_H
#define SMZ_TEXT_DATE_H

#include <stdint.h>

/* 1 when year Y (1 to 9999), month M and day D name a real day of the
 * Gregorian calendar (2024-02-29 does, 2023-02-29 does not). */
int smz__date_real(int y, int m, int d);

/* The metadata Date rule (docs/FORMAT.md): 1 when NUL-terminated S is a
 * real date written YYYY-MM-DD and nothing else. */
int smz__date_ok(const char *s);

/* Writes Y-M-D as "YYYY-MM-DD" and a NUL into OUT when it is a real date;
 * else writes "".  Returns 1 when it wrote a date. */
int smz__date_write(char out[11], int y, int m, int d);

/* When S is a date by smz__date_ok's rule: sets *DAYS to the days from
 * 1970-01-01 to it (negative before) and returns 1; else returns 0. */
int smz__date_days(const char *s, int64_t *days);

#endif
