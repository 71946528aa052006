/* Setting up the message catalogue for smz and smz-pack (common/i18n.h).
 * The front-end, not the library, touches the process's locale and
 * environment: once, at the start of main(), before any thread. */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "i18n.h"

#ifndef SMZ_BUILD_LOCALEDIR
#define SMZ_BUILD_LOCALEDIR ""
#endif

static int cli_lang = SMZ_UI_EN;
static unsigned available = 1u;
static char localedir[PATH_MAX + 64];

unsigned i18n_available(void)
{
    return available;
}

int i18n_cli(void)
{
    return cli_lang;
}

const char *i18n_localedir(void)
{
    return localedir[0] ? localedir : NULL;
}

/* 1 when DIR holds a catalogue (any language's will do). */
static int has_catalogues(const char *dir)
{
    char p[PATH_MAX + 64];
    int n = snprintf(p, sizeof p, "%s/C/LC_MESSAGES/samizdat-zh_CN.mo", dir);
    return n > 0 && (size_t)n < sizeof p && access(p, R_OK) == 0;
}

static void find_localedir(void)
{
    const char *env = getenv("SMZ_LOCALEDIR");
    if (env && env[0] && strlen(env) < sizeof localedir) {
        snprintf(localedir, sizeof localedir, "%s", env);
        return;
    }
    /* Beside the program, wherever it is (no build path is kept in make
     * dist's programs): installed, PREFIX/bin/smz and
     * PREFIX/share/samizdat/locale; make dist's folder (and a stick's
     * bin/), linux-ARCH/smz and locale/. */
    static const char *const beside[] = {"/../share/samizdat/locale", "/../locale"};
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
                char dir[PATH_MAX + 32];
                int k = snprintf(dir, sizeof dir, "%s%s", exe, beside[i]);
                if (k > 0 && (size_t)k < sizeof localedir && has_catalogues(dir)) {
                    snprintf(localedir, sizeof localedir, "%s", dir);
                    return;
                }
            }
        }
    }
    if (SMZ_BUILD_LOCALEDIR[0] && has_catalogues(SMZ_BUILD_LOCALEDIR))
        snprintf(localedir, sizeof localedir, "%s", SMZ_BUILD_LOCALEDIR);
}

unsigned i18n_setup(void)
{
    find_localedir();
    unsigned have = localedir[0] ? smz_i18n_bind(localedir) : 1u;
    available = have;
    cli_lang = smz_ui_lang_from_env(have);
    /* Lookups by domain find LOCALEDIR/C/ only under a locale named C.*
     * and with no LANGUAGE list to follow instead (include/smz/i18n.h). */
    unsetenv("LANGUAGE");
    setlocale(LC_MESSAGES, "C.UTF-8");
    return have;
}

const char *i18n_cli_ctx(const char *ctx, const char *msgid)
{
    char key[256];
    int n = snprintf(key, sizeof key, "%s\004%s", ctx, msgid);
    if (n < 0 || (size_t)n >= sizeof key)
        return msgid;
    const char *t = smz_tr(i18n_cli(), key);
    return t == key ? msgid : t;
}
