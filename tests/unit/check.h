/* A minimal test harness for the C unit tests: each CHECK prints one
 * "ok - ..." or "not ok - ..." line (read by tests/run.sh), and
 * CHECK_DONE() returns non-zero from main when any check failed. */
#ifndef SMZ_TEST_CHECK_H
#define SMZ_TEST_CHECK_H
#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                                                \
    do {                                                                                                \
        if (cond) {                                                                                     \
            printf("ok - ");                                                                            \
        } else {                                                                                        \
            printf("not ok - %s:%d: (%s) ", __FILE__, __LINE__, #cond);                                 \
            check_failures++;                                                                           \
        }                                                                                               \
        printf(__VA_ARGS__);                                                                            \
        printf("\n");                                                                                   \
        fflush(stdout);                                                                                 \
    } while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)
#endif
