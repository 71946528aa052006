/* smz check: verifies everything and lists each problem with its entry. */
#include <string.h>
#include "cli.h"

typedef struct ctx {
    int json, first;
    cli_json *j;
} ctx;

static void on_problem(void *p, const char *path, const char *msg)
{
    ctx *c = p;
    if (!c->json) {
        printf("%s%s%s\n", path, *path ? ": " : "", msg);
        return;
    }
    printf("%s{\"path\": ", c->first ? "" : ", ");
    cli_json_str(c->j, stdout, path, -1);
    printf(", \"problem\": ");
    cli_json_str(c->j, stdout, msg, -1);
    printf("}");
    c->first = 0;
}

int cmd_check(int argc, char **argv)
{
    ctx c = {0, 1, NULL};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("usage: smz check ARCHIVE [--json]\nVerifies every cluster's checksum, every "
                   "entry, redirects, the main page and the content digest.\nExit status 0 when "
                   "all is well, 1 with a list of problems.\n");
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            c.json = 1;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "smz check: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: smz check ARCHIVE [--json]\n");
        return 2;
    }
    smz_reader *r = cli_open(path, NULL);
    if (!r) {
        if (c.json)
            printf("{\"ok\": false, \"problems\": [{\"path\": \"\", \"problem\": \"cannot open\"}]}\n");
        return 1;
    }
    if (c.json && !(c.j = cli_json_new())) {
        smz_reader_close(r);
        return 1;
    }
    if (c.json)
        printf("{\"problems\": [");
    uint64_t n = 0;
    smz_err rc = smz_reader_check(r, on_problem, &c, &n);
    if (c.json)
        printf("], \"ok\": %s}\n", rc == SMZ_OK && n == 0 ? "true" : "false");
    if (rc != SMZ_OK)
        cli_fail("check", r, rc);
    else if (!c.json)
        fprintf(stderr, "%s: %s\n", path, n ? "PROBLEMS FOUND" : "ok");
    cli_json_free(c.j);
    smz_reader_close(r);
    return rc == SMZ_OK && n == 0 ? 0 : 1;
}
