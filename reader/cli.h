/* Shared pieces of the smz front-end: the subcommand table, opening an
 * archive with a user-facing error, and JSON string quoting (done by
 * SQLite's json_quote, not by hand). */
#ifndef SMZ_CLI_H
#define SMZ_CLI_H

#include <stdio.h>
#include "smz/reader.h"

int cmd_info(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

/* Opens PATH or prints "smz: PATH: why" and returns NULL. */
smz_reader *cli_open(const char *path, smz_cache *cache);
/* Prints "smz: CMD: message" for a failed call on R. */
void cli_fail(const char *cmd, smz_reader *r, smz_err rc);
/* True when ARG is -h or --help. */
int cli_is_help(const char *arg);

/* JSON: writes S (LEN bytes, or strlen when LEN < 0) as a JSON string. */
typedef struct cli_json cli_json;
cli_json *cli_json_new(void);
void cli_json_free(cli_json *j);
void cli_json_str(cli_json *j, FILE *out, const char *s, long len);

#endif
