/* Pieces shared by the library's read-only SQLite VFSes (vfs.h). */
#include <stdio.h>
#include "vfs.h"

int smz__vfs_ro_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    (void)f, (void)buf, (void)amt, (void)off;
    return SQLITE_READONLY;
}

int smz__vfs_ro_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    (void)f, (void)size;
    return SQLITE_READONLY;
}

int smz__vfs_ro_sync(sqlite3_file *f, int flags)
{
    (void)f, (void)flags;
    return SQLITE_OK;
}

/* Opened read-only and immutable: nothing to lock. */
int smz__vfs_ro_lock(sqlite3_file *f, int level)
{
    (void)f, (void)level;
    return SQLITE_OK;
}

int smz__vfs_ro_check_reserved(sqlite3_file *f, int *out)
{
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

int smz__vfs_ro_file_control(sqlite3_file *f, int op, void *arg)
{
    (void)f, (void)op, (void)arg;
    return SQLITE_NOTFOUND;
}

int smz__vfs_ro_sector_size(sqlite3_file *f)
{
    (void)f;
    return 4096;
}

int smz__vfs_ro_device(sqlite3_file *f)
{
    (void)f;
    return SQLITE_IOCAP_IMMUTABLE;
}

static sqlite3_vfs *root_of(sqlite3_vfs *v)
{
    return v->pAppData;
}

int smz__vfs_root_delete(sqlite3_vfs *v, const char *name, int sync)
{
    return root_of(v)->xDelete(root_of(v), name, sync);
}

int smz__vfs_root_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    return root_of(v)->xAccess(root_of(v), name, flags, out);
}

int smz__vfs_root_randomness(sqlite3_vfs *v, int n, char *out)
{
    return root_of(v)->xRandomness(root_of(v), n, out);
}

int smz__vfs_root_sleep(sqlite3_vfs *v, int us)
{
    return root_of(v)->xSleep(root_of(v), us);
}

int smz__vfs_root_current_time(sqlite3_vfs *v, double *t)
{
    return root_of(v)->xCurrentTime(root_of(v), t);
}

int smz__vfs_root_last_error(sqlite3_vfs *v, int n, char *msg)
{
    return root_of(v)->xGetLastError ? root_of(v)->xGetLastError(root_of(v), n, msg) : 0;
}

int smz__vfs_root_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
    sqlite3_vfs *r = root_of(v);
    if (r->iVersion >= 2 && r->xCurrentTimeInt64)
        return r->xCurrentTimeInt64(r, t);
    double d;
    int rc = r->xCurrentTime(r, &d);
    *t = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

void *smz__vfs_no_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v, (void)name;
    return NULL; /* no extension is loaded through an archive's VFS */
}

void smz__vfs_no_dlerror(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    if (n > 0)
        snprintf(msg, (size_t)n, "no extensions here");
}

void (*smz__vfs_no_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v, (void)h, (void)sym;
    return NULL;
}

void smz__vfs_no_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v, (void)h;
}

int smz__vfs_register_over_root(sqlite3_vfs *v, int own, int stacked)
{
    sqlite3_vfs *root = sqlite3_vfs_find("unix");
    if (!root)
        return 0;
    v->pAppData = root;
    v->szOsFile = stacked ? own + root->szOsFile : own > root->szOsFile ? own : root->szOsFile;
    if (root->mxPathname < v->mxPathname)
        v->mxPathname = root->mxPathname;
    return sqlite3_vfs_register(v, 0) == SQLITE_OK;
}
