/* smz serve: parses the options, starts the web server (server/), and
 * stops it cleanly on SIGINT or SIGTERM.  The signals are blocked before
 * the server's threads start, so that they inherit the mask and this thread
 * alone receives them, in sigwait().  Stopping waits for the worker
 * threads; should one of them not come back (nothing may block, but a
 * stuck disk can), a second signal or STOP_GRACE_S seconds end the process
 * anyway. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "../server/server.h"
#include <unistd.h>
#include "../common/i18n.h"
#include "cli.h"

#define MAX_LIST 256
#define STOP_GRACE_S 5

/* smz serve --help: the catalogue's msgid, printed as _(usage_text). */
static const char usage_text[] = SMZ_N_(
    /* TRANSLATORS: smz serve --help: keep the options, the upper-case words and the layout (the
       descriptions start at column 21); translate the descriptions. */
    "usage: smz serve ARCHIVE_OR_DIR... [options]\n"
    "Serves archives to web browsers (a folder serves every .smz in it).\n"
    "  --port N          port to listen on (default 8080; 0 picks a free one)\n"
    "  --address IP      address to listen on (default 127.0.0.1)\n"
    "  --url-root /P     serve everything below /P (behind a reverse proxy)\n"
    "  --threads N       worker threads, one per open connection (default 128)\n"
    "  --cache-mb N      memory for decompressed clusters shared by all threads,\n"
    "                    in MiB (default 128)\n"
    "  --allow CIDR      only these IPv4 blocks may connect (repeatable)\n"
    "  --hostname NAME   also answer requests for this host name (repeatable)\n"
    "  --no-toolbar      do not add the top bar to archived pages\n"
    "  --scripts on|off  whether archived pages may run their scripts (default on);\n"
    "                    either way each page is sandboxed: it cannot read the\n"
    "                    library, other archives or other pages, nor store\n"
    "                    anything; 'off' is the safest way to read a stranger's\n"
    "                    archive\n"
    "  --log FILE        access log in Common Log Format ('-': standard output)\n"
    "  --trust KEY.pub   a trusted signing key, or a file of them (repeatable): the\n"
    "                    library shows which archives a trusted key signed, checked\n"
    "  --language TAG    the pages' language when the browser asks for none of ours\n"
    "                    (default en): en zh-Hans zh-Hant ug bo fa ar ru tr vi my es fr;\n"
    "                    a reader picks another with ?lang=TAG or the pages' menu\n"
    "Stops on Ctrl-C (SIGINT) or SIGTERM (at once on a second one).\n");

/* CTX counts the warnings (an archive that cannot be opened is one). */
static void warn(void *ctx, const char *message)
{
    if (ctx)
        ++*(size_t *)ctx;
    fprintf(stderr, "smz serve: %s\n", cli_t(message));
}

static int number(const char *opt, const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !*v || *end || n < lo || n > hi) {
        fprintf(stderr, _("smz serve: %s: '%s' is not a number from %ld to %ld\n"), opt, cli_t(v), lo,
                hi);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* Raises the open-file limit: every worker thread may hold one SQLite
 * connection per archive. */
static void more_files(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static atomic_int stopped; /* smz_server_free came back: the watch stands down */

static void *stop_watch(void *p)
{
    const sigset_t *set = p;
    struct timespec t = {0, 100 * 1000 * 1000}, start, now;
    siginfo_t si;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (now = start; now.tv_sec - start.tv_sec < STOP_GRACE_S; clock_gettime(CLOCK_MONOTONIC, &now)) {
        int sig = sigtimedwait(set, &si, &t);
        if (atomic_load(&stopped))
            return NULL;
        if (sig > 0) {
            fputs(_("smz serve: second signal: stopped without waiting for the requests in progress\n"),
                  stderr);
            _exit(1);
        }
    }
    if (atomic_load(&stopped))
        return NULL;
    fprintf(stderr,
            _("smz serve: still stopping after %d s: stopped without waiting for the requests in "
              "progress\n"),
            STOP_GRACE_S);
    _exit(2);
    return NULL;
}

int cmd_serve(int argc, char **argv)
{
    const char *paths[MAX_LIST], *allow[MAX_LIST], *names[MAX_LIST], *trust[MAX_LIST];
    smz_serve_opts o;
    memset(&o, 0, sizeof o);
    o.port = 8080;
    o.paths = paths;
    o.allow = allow;
    o.hostnames = names;
    o.trust = trust;
    size_t warnings = 0;
    o.warn = warn;
    o.ctx = &warnings;
    o.languages = i18n_available();
    o.warn_lang = i18n_cli(); /* the library's words in its warnings: the command line's language */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (cli_is_help(a)) {
            fputs(_(usage_text), stdout);
            return 0;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o.n_paths == MAX_LIST) {
                fprintf(stderr, _("smz serve: more than %d archives or folders\n"), MAX_LIST);
                return 2;
            }
            paths[o.n_paths++] = a;
            continue;
        }
        if (!strcmp(a, "--no-toolbar")) {
            o.no_toolbar = 1;
            continue;
        }
        /* Every other option takes a value: --opt VALUE or --opt=VALUE. */
        char opt[32];
        const char *eq = strchr(a, '=');
        size_t ol = eq ? (size_t)(eq - a) : strlen(a);
        if (ol >= sizeof opt) {
            fprintf(stderr, _("smz %s: unknown option '%s'\n"), "serve", cli_t(a));
            fputs(_(usage_text), stderr);
            return 2;
        }
        memcpy(opt, a, ol);
        opt[ol] = 0;
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        if (!v) {
            fprintf(stderr, _("smz %s: %s needs a value\n"), "serve", opt);
            return 2;
        }
        if (!strcmp(opt, "--port")) {
            if (number(opt, v, 0, 65535, &o.port))
                return 2;
        } else if (!strcmp(opt, "--threads")) {
            if (number(opt, v, 1, 512, &o.threads))
                return 2;
        } else if (!strcmp(opt, "--cache-mb")) {
            if (number(opt, v, 1, SMZ_SERVE_CACHE_MB_MAX, &o.cache_mb))
                return 2;
        } else if (!strcmp(opt, "--scripts")) {
            if (strcmp(v, "on") && strcmp(v, "off")) {
                fprintf(stderr, _("smz serve: --scripts: 'on' or 'off', not '%s'\n"), cli_t(v));
                return 2;
            }
            o.no_scripts = !strcmp(v, "off");
        } else if (!strcmp(opt, "--address")) {
            o.address = v;
        } else if (!strcmp(opt, "--url-root")) {
            o.url_root = v;
        } else if (!strcmp(opt, "--language")) {
            o.language = v;
        } else if (!strcmp(opt, "--log")) {
            o.log_path = v;
        } else if (!strcmp(opt, "--trust")) {
            if (o.n_trust == MAX_LIST) {
                fprintf(stderr, _("smz serve: too many %s\n"), "--trust");
                return 2;
            }
            trust[o.n_trust++] = v;
        } else if (!strcmp(opt, "--allow") || !strcmp(opt, "--hostname")) {
            int is_allow = opt[2] == 'a';
            size_t *n = is_allow ? &o.n_allow : &o.n_hostnames;
            if (*n == MAX_LIST) {
                fprintf(stderr, _("smz serve: too many %s\n"), opt);
                return 2;
            }
            (is_allow ? allow : names)[(*n)++] = v;
        } else {
            fprintf(stderr, _("smz %s: unknown option '%s'\n"), "serve", cli_t(opt));
            fputs(_(usage_text), stderr);
            return 2;
        }
    }
    if (!o.n_paths) {
        fputs(_(usage_text), stderr);
        return 2;
    }
    more_files();
    /* SQLite counts every allocation under one process-wide mutex unless
     * told not to: the server's threads searching at once queue on it. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* glibc gives threads up to 8 malloc arenas per core, each keeping what
     * its threads freed, and raises its mmap threshold after a large block
     * is freed, so that later cluster-sized buffers come from (and stay in)
     * those arenas.  A fixed threshold sends blocks over 128 KiB (clusters,
     * whole pages) straight back to the system when freed, and two arenas
     * per core are enough for short-lived request allocations. */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    smz_server *s = smz_server_new();
    if (!s) {
        fprintf(stderr, _("smz %s: out of memory\n"), "serve");
        return CLI_ERROR;
    }
    if (smz_server_start(s, &o) != SMZ_OK) {
        fprintf(stderr, "smz serve: %s\n", smz_server_errmsg(s));
        smz_server_free(s);
        return CLI_ERROR;
    }
    /* Every archive is opened now, not on the first request: one line each
     * names those that cannot be (warn), and a library with nothing to
     * serve is refused rather than served empty (folders are not rescanned). */
    size_t before = warnings, good = smz_server_load(s);
    if (!good) {
        if (warnings > before)
            fputs(_("smz serve: none of the archives given can be opened: nothing to serve\n"), stderr);
        else
            fputs(_("smz serve: no archives found (.smz files, or NAME.smz.001 for a split one) in "
                    "what was given: nothing to serve\n"),
                  stderr);
        smz_server_free(s);
        return CLI_ERROR;
    }
    /* TRANSLATORS: %1$s is the address (http://...), %2$zu the number of archives. */
    printf(N_("smz serve: serving %1$s (%2$zu archive; Ctrl-C to stop)\n",
              "smz serve: serving %1$s (%2$zu archives; Ctrl-C to stop)\n", good),
           smz_server_url(s), good);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    pthread_t watch;
    if (pthread_create(&watch, NULL, stop_watch, &set) == 0)
        pthread_detach(watch);
    smz_server_free(s);
    atomic_store(&stopped, 1);
    fprintf(stderr, _("smz serve: stopped (%s)\n"), sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
