#!/bin/bash
# The checks of `make lint`, each printing "ok - ..." or "not ok - ...":
#  1. clang-format: every C file is as .clang-format lays it out
#     (clang-format --dry-run --Werror); prints how many are not.
#  2. shellcheck on every shell script (tests/, scripts/, bench/, .ci/run),
#     with the rules .shellcheckrc turns off and why.
#  3. no sprintf, vsprintf, strcpy, strcat or gets in the C code: they write
#     without a bound (snprintf, memcpy with a length, smz_strbuf instead).
# Exits non-zero when a check fails.  Needs clang-format and shellcheck
# (scripts/deps.sh lint installs them).
# Usage: scripts/lint.sh [-v]   (-v lists the files each failing check names)
cd "$(dirname "$0")/.." || exit 2
verbose=0; [ "${1:-}" = -v ] && verbose=1
failed=0
ok()  { echo "ok - $*"; }
bad() { echo "not ok - $*"; failed=$((failed + 1)); }
# list FILE...: the names, when -v was given
list() { [ "$verbose" = 1 ] && printf '    %s\n' "$@"; return 0; }

# 1. clang-format.  The C of the library, server, front-ends and tests.
mapfile -t cfiles < <(git ls-files 'include/*.h' 'lib/*.[ch]' 'server/*.[ch]' 'reader/*.[ch]' \
    'packer/*.[ch]' 'common/*.[ch]' 'tests/unit/*.[ch]' 'tests/fuzz/*.[ch]' 'scripts/*.[ch]')
unformatted=()
for f in "${cfiles[@]}"; do
    [ -f "$f" ] || continue
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -eq 0 ]; then
    ok "clang-format: all ${#cfiles[@]} C files are formatted"
else
    bad "clang-format: ${#unformatted[@]} of ${#cfiles[@]} C files need formatting (clang-format -i FILE)"
    list "${unformatted[@]}"
fi

# 2. shellcheck.  Every *.sh, .ci/run, and any other script with a shell shebang
# in the folders that hold scripts.
mapfile -t sh < <({ git ls-files '*.sh' .ci/run
    git ls-files scripts bench tests | while read -r f; do
        case "$f" in *.sh) continue ;; esac
        head -c 64 "$f" 2>/dev/null | head -1 | grep -qE '^#!.*/(env )?(ba|da)?sh\b' && echo "$f"
    done; } | sort -u)
if out=$(shellcheck -f gcc "${sh[@]}" 2>&1); then
    ok "shellcheck: ${#sh[@]} shell scripts"
else
    bad "shellcheck: $(printf '%s\n' "$out" | grep -c ': \(error\|warning\|note\|info\|style\):') findings in ${#sh[@]} scripts"
    printf '%s\n' "$out" | head -40 | sed 's/^/    /'
fi

# 3. Unbounded string writes.  A comment that names one is fine; a call is not.
mapfile -t banned < <(git ls-files '*.[ch]' '*.cpp' | xargs grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets)[[:space:]]*\(' |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
if [ ${#banned[@]} -eq 0 ]; then
    ok "no sprintf, vsprintf, strcpy, strcat or gets"
else
    bad "${#banned[@]} calls of sprintf, vsprintf, strcpy, strcat or gets"
    printf '    %s\n' "${banned[@]}"
fi

[ "$failed" -eq 0 ]
