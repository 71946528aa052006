/* smz_file_open (lib/util/file.c): a regular file opens, blocking again;
 * a named pipe, a folder, a device, a socket and a symlink to a pipe are
 * refused at once with a message that says what they are; and, once
 * smz__file_guard_sqlite ran, SQLite's own open of a named pipe fails
 * instead of waiting for a writer (alarm() is the hang guard). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <sqlite3.h>
#include "check.h"
#include "util/file.h"

static void on_alarm(int sig)
{
    (void)sig;
    static const char m[] = "not ok - an open blocked (alarm)\n";
    if (write(1, m, sizeof m - 1) < 0) {
    }
    _exit(1);
}

int main(void)
{
    char dir[] = "/tmp/smz-fileopen-XXXXXX", p[256];
    const char *why = NULL;
    struct stat st;
    signal(SIGALRM, on_alarm);
    alarm(20);
    if (!mkdtemp(dir))
        return 1;
    snprintf(p, sizeof p, "%s/file", dir);
    FILE *f = fopen(p, "w");
    fputs("data", f);
    fclose(f);
    int fd = smz_file_open(p, 0, &st, &why);
    CHECK(fd >= 0 && S_ISREG(st.st_mode) && st.st_size == 4, "a regular file opens");
    CHECK(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), "... and blocks again (O_NONBLOCK cleared)");
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "... close-on-exec");
    if (fd >= 0)
        close(fd);

    snprintf(p, sizeof p, "%s/fifo", dir);
    mkfifo(p, 0600);
    errno = 0;
    fd = smz_file_open(p, 0, NULL, &why);
    CHECK(fd < 0 && errno == EINVAL && strstr(why, "named pipe"), "a named pipe is refused at once: %s",
          why);
    f = smz_file_fopen(p, 0, &why);
    CHECK(!f && strstr(why, "named pipe"), "... by smz_file_fopen too");

    char link[256];
    snprintf(link, sizeof link, "%s/link", dir);
    if (symlink(p, link) != 0)
        return 1;
    fd = smz_file_open(link, 0, NULL, &why);
    CHECK(fd < 0 && strstr(why, "named pipe"), "a symlink to it too: %s", why);
    fd = smz_file_open(link, SMZ_FILE_NOFOLLOW, NULL, &why);
    CHECK(fd < 0 && strstr(why, "symbolic link"), "with SMZ_FILE_NOFOLLOW, the link itself: %s", why);

    fd = smz_file_open(dir, 0, NULL, &why);
    CHECK(fd < 0 && errno == EISDIR && strstr(why, "folder"), "a folder is refused: %s", why);
    fd = smz_file_open("/dev/zero", 0, NULL, &why);
    CHECK(fd < 0 && strstr(why, "device"), "a device is refused: %s", why);
    fd = smz_file_open("/dev/tty", 0, NULL, &why);
    CHECK(fd < 0, "a terminal is refused (and does not become ours): %s", why);

    snprintf(p, sizeof p, "%s/sock", dir);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%.90s", p);
    if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0) {
        fd = smz_file_open(p, 0, NULL, &why);
        CHECK(fd < 0 && strstr(why, "socket"), "a socket is refused: %s", why);
    }
    if (s >= 0)
        close(s);
    snprintf(p, sizeof p, "%s/none", dir);
    fd = smz_file_open(p, 0, NULL, &why);
    CHECK(fd < 0 && errno == ENOENT, "a missing file is ENOENT: %s", why);

    /* SQLite opening a named pipe by itself (as after a swap). */
    smz__file_guard_sqlite();
    smz__file_guard_sqlite();
    sqlite3 *db = NULL;
    snprintf(p, sizeof p, "file:%s/fifo?immutable=1", dir);
    int rc = sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    CHECK(rc != SQLITE_OK, "SQLite's own open of a named pipe fails at once (%d)", rc);
    sqlite3_close(db);
    db = NULL;
    snprintf(p, sizeof p, "%s/new.db", dir);
    rc = sqlite3_open(p, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1)", NULL, NULL, NULL);
    CHECK(rc == SQLITE_OK, "SQLite still creates and writes regular files (%d)", rc);
    sqlite3_close(db);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
    }
    return CHECK_DONE();
}
