/* What --version prints (version.h).  SMZ_VERSION and SMZ_COMMIT come from
 * the Makefile, which rebuilds this file alone when the commit changes. */
#include <string.h>
#include "version.h"

#ifndef SMZ_VERSION
#error "SMZ_VERSION is set by the Makefile"
#endif
#ifndef SMZ_COMMIT
#error "SMZ_COMMIT is set by the Makefile"
#endif

const char *version_number(void)
{
    return SMZ_VERSION;
}

const char *version_commit(void)
{
    return SMZ_COMMIT;
}

void version_print(FILE *f, const char *prog, const version_lib *libs, size_t n)
{
    fprintf(f, "%s %s (commit %s)\n", prog, SMZ_VERSION, SMZ_COMMIT);
    fprintf(f, "libraries:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %s %s\n", libs[i].name, libs[i].version ? libs[i].version : "(unknown)");
}

const char *version_libarchive(const char *v)
{
    return v && !strncmp(v, "libarchive ", 11) ? v + 11 : v;
}

const char *version_libxml2(const char *v, char *out, size_t n)
{
    size_t len = v ? strlen(v) : 0;
    if (len < 5 || len > 6 || strspn(v, "0123456789") != len) {
        snprintf(out, n, "%s", v ? v : "(unknown)");
        return out;
    }
    /* MMmmpp: the last two digits are the patch, the two before the minor. */
    snprintf(out, n, "%.*s.%d.%d", (int)(len - 4), v, (v[len - 4] - '0') * 10 + (v[len - 3] - '0'),
             (v[len - 2] - '0') * 10 + (v[len - 1] - '0'));
    return out;
}

const char *version_libmagic(int v, char *out, size_t n)
{
    snprintf(out, n, "%d.%02d", v / 100, v % 100);
    return out;
}
