/* Shared by the smz subcommands that deal with signatures (verify, check):
 * the trusted keys from --key / --keyring options, and printing what
 * smz_archive_verify found, for people or as JSON. */
#ifndef SMZ_CLI_SIG_H
#define SMZ_CLI_SIG_H

#include "smz/verify.h"
#include "cli.h"

/* Adds the keys of FILE to *KR (created on first use): OPT "--key" reads
 * one public key (a minisign .pub file or its base64 line), anything else a
 * file of trusted keys.  Prints "smz CMD: ..." and returns -1 on failure. */
int cli_add_keys(const char *cmd, const char *opt, const char *file, smz_keyring **kr);

/* Reads ARGV[*I] if it is one of the trust options verify and check share:
 * --key FILE and --keyring FILE (into *KR, as cli_add_keys), --signature
 * FILE (into *DETACHED).  Returns 1 when it was one, *I then at its value;
 * 0 when it was not; -1 after printing "smz CMD: ..." when it is wrong. */
int cli_trust_opt(const char *cmd, int argc, char **argv, int *i, const char **detached,
                  smz_keyring **kr);

/* What the report amounts to. */
typedef enum { VERDICT_VERIFIED, VERDICT_BAD, VERDICT_UNTRUSTED, VERDICT_UNSIGNED } cli_verdict;
cli_verdict cli_verdict_of(const smz_verify_report *rep);
const char *cli_verdict_name(cli_verdict v);

/* "embedded signature" or the .minisig's path. */
const char *cli_sig_where(const smz_sigcheck *sc);

/* The "signatures" JSON array (without a key). */
void cli_sigs_json(cli_json *j, FILE *out, const smz_verify_report *rep);

/* Loads the secret key PATH for CMD's --sign, asking for its password
 * (or reading PW_FILE) only when it is encrypted; NULL after printing
 * "smz CMD: ..." with the reason. */
smz_seckey *cli_load_seckey(const char *cmd, const char *path, const char *pw_file);

#endif
