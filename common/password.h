/* Front-end code shared by smz and smz-pack (not library code: it talks to
 * the terminal): reading the password of an encrypted secret key. */
#ifndef SMZ_COMMON_PASSWORD_H
#define SMZ_COMMON_PASSWORD_H

#include <stddef.h>

/* Reads a password, from the first place that has one: the first line of
 * FILE (without its line end) when FILE is not NULL, the environment
 * variable SMZ_PASSWORD, or the terminal (/dev/tty, echo off) after PROMPT;
 * CONFIRM asks twice there and refuses two different answers.  BUF gets the
 * NUL-terminated password (at most LEN - 1 bytes).  Returns 0, or -1 with a
 * message in ERR (no terminal, too long, unreadable file, ...). */
int pw_read(const char *file, const char *prompt, int confirm, char *buf, size_t len, char *err,
            size_t errlen);
/* Wipes BUF (LEN bytes). */
void pw_wipe(char *buf, size_t len);

#endif
