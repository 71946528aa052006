/* TEMPORARY: subcommands whose issues are not done yet. */
#include "cli.h"
int cmd_search(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "smz search: not built yet\n"); return 2; }
int cmd_suggest(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "smz suggest: not built yet\n"); return 2; }
