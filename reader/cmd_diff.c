/* smz diff: writes the update that turns one archive into another, and
 * smz patch: applies it (smz/delta.h; the update's format, docs/UPDATES.md).
 * Both are arguments and a summary line; the work is the library's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "smz/delta.h"
#include "smz/util.h"
#include "cli.h"

static const char diff_usage[] = "usage: smz diff OLD.smz NEW.smz -o UPDATE.smzup\n";
static const char patch_usage[] = "usage: smz patch OLD.smz UPDATE.smzup -o NEW.smz\n";

/* Two paths and -o OUT; 0 when they are all there, else the exit status. */
static int args(int argc, char **argv, const char *cmd, const char *usage, const char *help,
                const char **a, const char **b, const char **out)
{
    *a = *b = *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("%s%s", usage, help);
            return -1;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            *out = argv[++i];
        } else if (argv[i][0] != '-' && !*a) {
            *a = argv[i];
        } else if (argv[i][0] != '-' && !*b) {
            *b = argv[i];
        } else {
            fprintf(stderr, "smz %s: unexpected argument '%s'\n%s", cmd, cli_t(argv[i]), usage);
            return 2;
        }
    }
    if (!*a || !*b || !*out) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    struct stat so, sa, sb;
    if (stat(*out, &so) == 0 &&
        ((stat(*a, &sa) == 0 && sa.st_dev == so.st_dev && sa.st_ino == so.st_ino) ||
         (stat(*b, &sb) == 0 && sb.st_dev == so.st_dev && sb.st_ino == so.st_ino))) {
        fprintf(stderr, "smz %s: -o %s is one of the inputs; write a new file\n", cmd, cli_t(*out));
        return 2;
    }
    return 0;
}

int cmd_diff(int argc, char **argv)
{
    const char *old, *new, *out;
    int a = args(argc, argv, "diff", diff_usage,
                 "Writes UPDATE.smzup, which carries what NEW.smz has and OLD.smz lacks: smz patch\n"
                 "OLD.smz UPDATE.smzup -o NEW.smz then gives NEW.smz back byte for byte.\n",
                 &old, &new, &out);
    if (a)
        return a < 0 ? 0 : a;
    char err[1200];
    smz_delta_stats st;
    if (smz_delta_diff(old, new, out, &st, err, sizeof err) != SMZ_OK) {
        fprintf(stderr, "smz diff: %s\n", cli_t(err));
        return 2;
    }
    char u[SMZ_SIZE_TEXT], n[SMZ_SIZE_TEXT];
    printf("%s: %s (%" PRIu64 " bytes) for %s (%" PRIu64
           " bytes, %.1f%%); clusters: %u the same, %u as deltas, "
           "%u whole; the other pages %" PRIu64 " bytes\n",
           cli_t(out), smz_size_text(st.update_size, u), st.update_size, smz_size_text(st.new_size, n),
           st.new_size, st.new_size ? 100.0 * (double)st.update_size / (double)st.new_size : 0.0,
           st.same, st.delta, st.carried, st.skeleton);
    return 0;
}

int cmd_patch(int argc, char **argv)
{
    const char *old, *upd, *out;
    int a = args(argc, argv, "patch", patch_usage,
                 "Rebuilds NEW.smz from OLD.smz and an update smz diff made for it; refuses an\n"
                 "update made for another archive, checks NEW.smz's SHA-256 and content digest\n"
                 "before it puts it in place (nothing is left at NEW.smz on failure).\n",
                 &old, &upd, &out);
    if (a)
        return a < 0 ? 0 : a;
    char err[1200];
    smz_err rc = smz_delta_patch(old, upd, out, err, sizeof err);
    if (rc != SMZ_OK) {
        fprintf(stderr, "smz patch: %s\n", cli_t(err));
        /* Refused (the answer is no) is 1; could not do it at all, 2. */
        return rc == SMZ_E_INVALID || rc == SMZ_E_CORRUPT || rc == SMZ_E_UNSUPPORTED ? 1 : 2;
    }
    printf("%s: rebuilt, its SHA-256 and digest checked\n", cli_t(out));
    return 0;
}
