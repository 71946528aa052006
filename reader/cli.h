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
int cmd_split(int argc, char **argv);
int cmd_join(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_stick(int argc, char **argv);
int cmd_reader_html(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_patch(int argc, char **argv);

/* Exit statuses: the one rule of every smz command and smz-pack (smz(1),
 * EXIT STATUS), grep's: 0 success; 1 the command ran and the answer is
 * no (no match, no such entry, a check or verification that fails); 2 an
 * error (a usage error, an archive or file that cannot be opened, read or
 * written); 130 interrupted. */
enum { CLI_OK = 0, CLI_NO = 1, CLI_ERROR = 2, CLI_INTERRUPTED = 130 };

/* Opens PATH or prints "smz: PATH: why" and returns NULL. */
smz_reader *cli_open(const char *path, smz_cache *cache);
/* cli_open, and on failure *RC says why (SMZ_E_NOTFOUND: no such file;
 * SMZ_E_NOTARCHIVE, _VERSION, _CORRUPT: a file that is no sound archive). */
/* cli_open_rc with the reader's messages in interface language LANG
 * (cli_open_rc: the command line's, i18n_cli; English for JSON output). */
smz_reader *cli_open_lang(const char *path, smz_cache *cache, int lang, smz_err *rcp);
smz_reader *cli_open_rc(const char *path, smz_cache *cache, smz_err *rc);
/* The status of a check (smz check, smz verify) that could not open its
 * archive for RC: the answer no (1) for a damaged file or not an archive,
 * an error (2) for one that cannot be read at all. */
int cli_open_check_status(smz_err rc);
/* Prints "smz: CMD: message" for a failed call on R. */
void cli_fail(const char *cmd, smz_reader *r, smz_err rc);
/* For smz_iter_on_skip: prints "smz CMD: skipped a malformed entry: why"
 * (escaped) on standard error; CTX is the command's name. */
void cli_skip_warn(void *cmd, const char *path, const char *message);
/* With SMZ_DEBUG_DECODES set in the environment, prints how many clusters
 * R decoded (smz_reader_decoded) on standard error: for tests. */
void cli_debug_decodes(const smz_reader *r);
/* True when ARG is -h or --help. */
int cli_is_help(const char *arg);

/* S (LEN bytes) made safe to print on a terminal (smz_term_escape: control
 * characters, escape sequences and invalid UTF-8 shown as \xHH): S itself
 * when it needs nothing, else one of 4 buffers used in turn, so the result
 * is valid until the 4th call after.  NULL gives "".  Every string from an
 * archive, a file name or a request goes through it before reaching a
 * person's terminal. */
const char *cli_tn(const char *s, size_t len);
const char *cli_t(const char *s);
/* 1 once cli_tn, cli_t or cli_json_str had to print a placeholder for
 * lack of memory: the command's output is incomplete. */
int cli_output_lost(void);

/* JSON: writes S (LEN bytes, or strlen when LEN < 0) as a JSON string. */
typedef struct cli_json cli_json;
cli_json *cli_json_new(void);
void cli_json_free(cli_json *j);
void cli_json_str(cli_json *j, FILE *out, const char *s, long len);

#endif
