/* Reading a secret key's password from a file, the environment or the
 * terminal (see password.h).  The terminal is /dev/tty, not standard input,
 * so that `tar -c site | smz-pack - --sign KEY` still asks; echo is off
 * while the password is typed and restored on every path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include "i18n.h"
#include "password.h"
#include "smz/util.h"

void pw_wipe(char *buf, size_t len)
{
    if (buf && len)
        sodium_memzero(buf, len);
}

/* One line from F into BUF without its line end; -1 when it does not fit. */
static int read_line(FILE *f, char *buf, size_t len)
{
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n + 1 >= len)
            return -1;
        buf[n++] = (char)c;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return 0;
}

static int ask(FILE *tty, const char *prompt, char *buf, size_t len)
{
    struct termios old, quiet;
    int have = tcgetattr(fileno(tty), &old) == 0, rc;
    fprintf(tty, "%s", prompt);
    fflush(tty);
    if (have) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    }
    rc = read_line(tty, buf, len);
    if (have)
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fprintf(tty, "\n");
    fflush(tty);
    return rc;
}

int pw_read(const char *file, const char *prompt, int confirm, char *buf, size_t len, char *err,
            size_t errlen)
{
    const char *env = getenv("SMZ_PASSWORD");
    FILE *f = NULL;
    char *again = NULL;
    int rc = -1;

    buf[0] = '\0';
    if (file) {
        const char *why;
        if (!(f = smz_file_fopen(file, 0, &why))) {
            snprintf(err, errlen, "--password-file %s: %s", file, why);
            return -1;
        }
        if (read_line(f, buf, len) != 0) {
            snprintf(err, errlen, _("--password-file %s: the password is over %zu bytes"), file,
                     len - 1);
            goto out;
        }
        rc = 0;
        goto out;
    }
    if (env) {
        if (strlen(env) >= len) {
            snprintf(err, errlen, _("SMZ_PASSWORD is over %zu bytes"), len - 1);
            return -1;
        }
        memcpy(buf, env, strlen(env) + 1);
        return 0;
    }
    if (!(f = fopen("/dev/tty", "r+"))) {
        snprintf(err, errlen, "%s",
                 _("the key is encrypted and there is no terminal to ask for its "
                   "password: use --password-file FILE or SMZ_PASSWORD"));
        return -1;
    }
    if (ask(f, prompt, buf, len) != 0) {
        snprintf(err, errlen, _("the password is over %zu bytes"), len - 1);
        goto out;
    }
    if (confirm) {
        if (!(again = malloc(len))) {
            snprintf(err, errlen, "%s", _("out of memory"));
            goto out;
        }
        if (ask(f, _("Password (one more time): "), again, len) != 0 || strcmp(buf, again)) {
            snprintf(err, errlen, "%s", _("the passwords do not match"));
            goto out;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        pw_wipe(buf, len);
    if (again) {
        pw_wipe(again, len);
        free(again);
    }
    if (f)
        fclose(f);
    return rc;
}
