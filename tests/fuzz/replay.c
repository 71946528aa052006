/* Replays a fuzz target's saved corpus (tests/fuzz/corpus/NAME/) without
 * libFuzzer, so `make test` re-runs every input ever found interesting or
 * crashing.  Prints one "ok" line per input; a crash fails the test run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    const char *top = getenv("TOP");
    char dir[4096];
    const char *name = strrchr(argv[0], '/');
    name = name ? name + 1 : argv[0];
    if (!strncmp(name, "test_fuzz_", 10))
        name += 10;
    if (argc > 1)
        snprintf(dir, sizeof dir, "%s", argv[1]);
    else
        snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top ? top : ".", name);
    DIR *d = opendir(dir);
    if (!d) {
        printf("not ok - cannot open corpus %s\n", dir);
        return 1;
    }
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
        if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
            LLVMFuzzerTestOneInput(buf, (size_t)len);
            printf("ok - %s replays cleanly\n", de->d_name);
            n++;
        }
        free(buf);
        fclose(f);
    }
    closedir(d);
    printf("%s %d inputs replayed\n", n ? "ok -" : "not ok -", n);
    return n ? 0 : 1;
}
