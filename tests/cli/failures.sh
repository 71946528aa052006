# shellcheck shell=bash
# Allocation failures (issue: hardening): smz info, smz cat, smz search, smz check,
# smz-pack of a small collection and smz patch of an update to it (which
# rebuilds its search index from the pages) with the k-th allocation failing
# (tests/tools/failmalloc.c, LD_PRELOAD), every FAIL_STRIDE-th k up to the
# number of allocations a normal run makes: each run ends as a normal run
# does or with a clean error (exit 1 or 2 with a message), never a signal, a
# hang, wrong output or a half-written pack or patch; under `make asan`, no leak on
# any of those paths.  `make failures` runs every k under ASan.  I/O errors
# and short reads: tests/unit/test_iofail.c.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
build=$TOP/${SMZ_BUILD:-build}
python3 "$TOP/tests/tools/failures.py" "$SMZ" "$SMZ_PACK" "$build/tests/tools/failmalloc.so" "$T/w" \
    --stride "${FAIL_STRIDE:-41}" --jobs 2
