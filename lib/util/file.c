/* Opening untrusted paths as regular files only, without blocking, and
 * writing a whole file so that it is never seen half written: see smz/util.h. */
#include "util/file.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "smz/i18n.h"

static const char *kind(mode_t m)
{
    if (S_ISDIR(m))
        return SMZ_N_("a folder, not a file");
    if (S_ISFIFO(m))
        return SMZ_N_("a named pipe (FIFO), not a regular file");
    if (S_ISCHR(m) || S_ISBLK(m))
        return SMZ_N_("a device, not a regular file");
    if (S_ISSOCK(m))
        return SMZ_N_("a socket, not a regular file");
    return SMZ_N_("not a regular file");
}

int smz_file_open(const char *path, int flags, struct stat *st, const char **why)
{
    struct stat sb;
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!st)
        st = &sb;
    int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    if (flags & SMZ_FILE_NOFOLLOW)
        oflags |= O_NOFOLLOW;
    int fd = open(path, oflags);
    if (fd < 0) {
        int e = errno;
        /* A socket cannot be opened at all (ENXIO): say what it is. */
        *why = e == ENXIO && lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode) ? kind(sb.st_mode)
               : e == ELOOP && (flags & SMZ_FILE_NOFOLLOW)
                   ? SMZ_N_("a symbolic link, not a regular file")
                   : strerror(e);
        errno = e;
        return -1;
    }
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        *why = strerror(e);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        *why = kind(st->st_mode);
        errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        *why = strerror(e);
        errno = e;
        return -1;
    }
    return fd;
}

FILE *smz_file_fopen(const char *path, int flags, const char **why)
{
    int fd = smz_file_open(path, flags, NULL, why);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        if (why)
            *why = strerror(e);
        errno = e;
    }
    return f;
}

static smz_err write_fail(char *err, size_t errlen, const char *path, int e)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", path, strerror(e));
    return e == ENOSPC || e == EDQUOT ? SMZ_E_NOSPACE
           : e == EEXIST              ? SMZ_E_EXISTS
           : e == ENOMEM              ? SMZ_E_NOMEM
                                      : SMZ_E_IO;
}

smz_err smz_file_write(const char *path, const void *data, size_t len, int flags, char *err,
                       size_t errlen)
{
    smz_err rc;
    size_t n = strlen(path);
    char *tmp = malloc(n + 8);
    const unsigned char *p = data;
    int fd = -1;
    if (err && errlen)
        err[0] = 0;
    if (!tmp)
        return write_fail(err, errlen, path, ENOMEM);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    if ((fd = mkstemp(tmp)) < 0) {
        rc = write_fail(err, errlen, path, errno);
        free(tmp);
        return rc;
    }
    for (size_t off = 0; off < len;) {
        ssize_t m = write(fd, p + off, len - off);
        if (m < 0 && errno == EINTR)
            continue;
        if (m <= 0) {
            rc = write_fail(err, errlen, path, m < 0 ? errno : EIO);
            goto out;
        }
        off += (size_t)m;
    }
    if (smz_file_chmod(NULL, fd, 0644) != 0 || fsync(fd) != 0) {
        rc = write_fail(err, errlen, path, errno);
        goto out;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0) {
        rc = write_fail(err, errlen, path, errno);
        goto out;
    }
    /* link() keeps a PATH that is there; rename() replaces it at once. */
    if ((flags & SMZ_FILE_EXCL) ? link(tmp, path) != 0 : rename(tmp, path) != 0) {
        rc = write_fail(err, errlen, path, errno);
        goto out;
    }
    rc = SMZ_OK;
out:
    if (fd >= 0)
        close(fd);
    if (rc != SMZ_OK || (flags & SMZ_FILE_EXCL))
        unlink(tmp);
    free(tmp);
    return rc;
}

/* SQLite's "open" system call as it was, and ours in its place. */
typedef int (*open_fn)(const char *, int, int);
static sqlite3_syscall_ptr sqlite_open; /* set once, under pthread_once */

static int checked_open(const char *path, int flags, int mode)
{
    int fd = ((open_fn)sqlite_open)(path, flags | O_NONBLOCK | O_NOCTTY, mode);
    if (fd < 0)
        return fd;
    struct stat st;
    int fl;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if (!(flags & O_NONBLOCK) &&
        ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void install(void)
{
    sqlite3_vfs *v = sqlite3_vfs_find("unix");
    if (!v || v->iVersion < 3 || !v->xGetSystemCall || !v->xSetSystemCall)
        return;
    sqlite_open = v->xGetSystemCall(v, "open");
    if (sqlite_open)
        v->xSetSystemCall(v, "open", (sqlite3_syscall_ptr)checked_open);
}

void smz__file_guard_sqlite(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
}

int smz_file_chmod(const char *path, int fd, unsigned mode)
{
    if ((fd >= 0 ? fchmod(fd, (mode_t)mode) : chmod(path, (mode_t)mode)) == 0)
        return 0;
    return errno == ENOSYS || errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP ? 0 : -1;
}

int smz__pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    for (size_t done = 0; done < n;) {
        ssize_t k = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : EIO;
        done += (size_t)k;
    }
    return 0;
}

int smz__pwrite_all(int fd, const void *buf, size_t n, uint64_t off)
{
    for (size_t done = 0; done < n;) {
        ssize_t k = pwrite(fd, (const char *)buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : ENOSPC;
        done += (size_t)k;
    }
    return 0;
}
