/* smz pull: not yet (the next commit). */
#include <stdio.h>
#include "cli.h"

int cmd_pull(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "smz pull: not built yet\n");
    return CLI_ERROR;
}
